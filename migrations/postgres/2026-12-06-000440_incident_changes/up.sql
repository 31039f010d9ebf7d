-- The candidates for likely duplicates (each record's window: its category, two days either
-- side, the places near it) are kept in the server's memory between requests, as record
-- numbers only, narrowed by each viewer's scope when shown; this count says when they are
-- stale. Every statement that inserts, updates, deletes or truncates incidents adds one, by
-- trigger, so a change made anywhere (a page, an import, a command-line job, another server)
-- is seen at the next request.
CREATE TABLE incident_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes BIGINT NOT NULL
);
INSERT INTO incident_changes (id, changes) VALUES (1, 0);
CREATE FUNCTION incidents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE incident_changes SET changes = changes + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER incidents_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_changed();
