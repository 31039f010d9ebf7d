-- The candidates for likely duplicates (each record's window: its category, two days either
-- side, the places near it) are kept in the server's memory between requests, as record
-- numbers only, narrowed by each viewer's scope when shown; this count says when they are
-- stale. Every insert, update and delete of an incident adds one, by trigger, so a change made
-- anywhere (a page, an import, a command-line job, another server) is seen at the next
-- request, which reads the count in its own snapshot.
CREATE TABLE incident_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes BIGINT NOT NULL
);
INSERT INTO incident_changes (id, changes) VALUES (1, 0);
CREATE TRIGGER incidents_changed_insert AFTER INSERT ON incidents
BEGIN
    UPDATE incident_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER incidents_changed_update AFTER UPDATE ON incidents
BEGIN
    UPDATE incident_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER incidents_changed_delete AFTER DELETE ON incidents
BEGIN
    UPDATE incident_changes SET changes = changes + 1 WHERE id = 1;
END;
