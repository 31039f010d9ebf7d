-- The incident lists' counts of files on each row are kept in the server's memory between
-- requests (`records::evidence::counts`, under the viewer's scope and the page's record
-- numbers); this count says when they are stale. A count follows the files (which are kept,
-- retracted or purged, and their sensitivity) and, for a file on a claim, the claim (whether
-- the viewer sees it): every insert, update and delete of a file, and every update and delete
-- of a claim, adds one, by trigger. A new claim carries no file yet, so adding one (every new
-- incident adds one) leaves the counts kept. A change made anywhere (a page, a command-line
-- job, another server) is seen at the next request, which reads the count in its own
-- snapshot, with the other counts of changes (`db::stamps`).
CREATE TABLE evidence_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes BIGINT NOT NULL
);
INSERT INTO evidence_changes (id, changes) VALUES (1, 0);
CREATE TRIGGER evidence_files_changed_insert AFTER INSERT ON evidence_files
BEGIN
    UPDATE evidence_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER evidence_files_changed_update AFTER UPDATE ON evidence_files
BEGIN
    UPDATE evidence_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER evidence_files_changed_delete AFTER DELETE ON evidence_files
BEGIN
    UPDATE evidence_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER claims_changed_for_evidence_update AFTER UPDATE ON claims
BEGIN
    UPDATE evidence_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER claims_changed_for_evidence_delete AFTER DELETE ON claims
BEGIN
    UPDATE evidence_changes SET changes = changes + 1 WHERE id = 1;
END;
