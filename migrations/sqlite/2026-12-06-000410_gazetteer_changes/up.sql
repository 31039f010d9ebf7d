-- The places near each place (likely duplicates) are kept in the server's memory between
-- requests; this count says when they are stale. Every insert, update and delete of a place
-- adds one, by trigger, so a change made anywhere (a page, an import, a command-line job,
-- another server) is seen at the next request, which reads the count in its own snapshot.
CREATE TABLE gazetteer_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes BIGINT NOT NULL
);
INSERT INTO gazetteer_changes (id, changes) VALUES (1, 0);
CREATE TRIGGER locations_changed_insert AFTER INSERT ON locations
BEGIN
    UPDATE gazetteer_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER locations_changed_update AFTER UPDATE ON locations
BEGIN
    UPDATE gazetteer_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER locations_changed_delete AFTER DELETE ON locations
BEGIN
    UPDATE gazetteer_changes SET changes = changes + 1 WHERE id = 1;
END;
