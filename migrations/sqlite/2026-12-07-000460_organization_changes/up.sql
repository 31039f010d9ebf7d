-- The organisations are kept in the server's memory between requests (they name every list's
-- rows and fill its filter); this count says when they are stale. Every insert, update and
-- delete of an organisation adds one, by trigger, so a change made anywhere (a page, a
-- command-line job, another server) is seen at the next request, which reads the count in its
-- own snapshot, with the other counts of changes (`db::stamps`).
CREATE TABLE organization_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes BIGINT NOT NULL
);
INSERT INTO organization_changes (id, changes) VALUES (1, 0);
CREATE TRIGGER organizations_changed_insert AFTER INSERT ON organizations
BEGIN
    UPDATE organization_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER organizations_changed_update AFTER UPDATE ON organizations
BEGIN
    UPDATE organization_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER organizations_changed_delete AFTER DELETE ON organizations
BEGIN
    UPDATE organization_changes SET changes = changes + 1 WHERE id = 1;
END;
