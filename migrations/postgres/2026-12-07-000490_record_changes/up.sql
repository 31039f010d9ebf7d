-- The convoy and need lists' counts are kept in the server's memory between requests, as the
-- incident lists' are (`db::kept_answers`); these counts, one row per kind of record, say when
-- they are stale. Every statement that inserts, updates, deletes or truncates convoys or needs
-- adds one to its kind's row (the table's own name), by trigger, so a change made anywhere (a
-- page, an import, a command-line job, another server) is seen at the next request, which
-- reads the counts with its session, with the other counts of changes (`db::stamps`). (The
-- incidents', the gazetteer's and the organisations' counts came earlier, a table each.)
CREATE TABLE record_changes (
    kind TEXT PRIMARY KEY CHECK (kind IN ('convoys', 'needs')),
    changes BIGINT NOT NULL
);
INSERT INTO record_changes (kind, changes) VALUES ('convoys', 0), ('needs', 0);
CREATE FUNCTION records_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE record_changes SET changes = changes + 1 WHERE kind = TG_TABLE_NAME;
    RETURN NULL;
END;
$$;
CREATE TRIGGER convoys_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON convoys
    FOR EACH STATEMENT EXECUTE FUNCTION records_changed();
CREATE TRIGGER needs_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON needs
    FOR EACH STATEMENT EXECUTE FUNCTION records_changed();
