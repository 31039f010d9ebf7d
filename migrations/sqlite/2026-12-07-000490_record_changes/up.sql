-- The convoy and need lists' counts are kept in the server's memory between requests, as the
-- incident lists' are (`db::kept_answers`); these counts, one row per kind of record, say when
-- they are stale. Every insert, update and delete of a convoy or a need adds one to its kind's
-- row, by trigger, so a change made anywhere (a page, an import, a command-line job, another
-- server) is seen at the next request, which reads the counts in its own snapshot, with the
-- other counts of changes (`db::stamps`). (The incidents', the gazetteer's and the
-- organisations' counts came earlier, a table each.)
CREATE TABLE record_changes (
    kind TEXT PRIMARY KEY CHECK (kind IN ('convoys', 'needs')),
    changes BIGINT NOT NULL
);
INSERT INTO record_changes (kind, changes) VALUES ('convoys', 0), ('needs', 0);
CREATE TRIGGER convoys_changed_insert AFTER INSERT ON convoys
BEGIN UPDATE record_changes SET changes = changes + 1 WHERE kind = 'convoys'; END;
CREATE TRIGGER convoys_changed_update AFTER UPDATE ON convoys
BEGIN UPDATE record_changes SET changes = changes + 1 WHERE kind = 'convoys'; END;
CREATE TRIGGER convoys_changed_delete AFTER DELETE ON convoys
BEGIN UPDATE record_changes SET changes = changes + 1 WHERE kind = 'convoys'; END;
CREATE TRIGGER needs_changed_insert AFTER INSERT ON needs
BEGIN UPDATE record_changes SET changes = changes + 1 WHERE kind = 'needs'; END;
CREATE TRIGGER needs_changed_update AFTER UPDATE ON needs
BEGIN UPDATE record_changes SET changes = changes + 1 WHERE kind = 'needs'; END;
CREATE TRIGGER needs_changed_delete AFTER DELETE ON needs
BEGIN UPDATE record_changes SET changes = changes + 1 WHERE kind = 'needs'; END;
