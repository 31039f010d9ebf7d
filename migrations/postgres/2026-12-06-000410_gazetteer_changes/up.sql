-- The places near each place (likely duplicates) are kept in the server's memory between
-- requests; this count says when they are stale. Every statement that inserts, updates,
-- deletes or truncates places adds one, by trigger, so a change made anywhere (a page, an
-- import, a command-line job, another server) is seen at the next request.
CREATE TABLE gazetteer_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes BIGINT NOT NULL
);
INSERT INTO gazetteer_changes (id, changes) VALUES (1, 0);
CREATE FUNCTION gazetteer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE gazetteer_changes SET changes = changes + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER locations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION gazetteer_changed();
