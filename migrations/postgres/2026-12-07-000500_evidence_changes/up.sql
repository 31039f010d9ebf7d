-- The incident lists' counts of files on each row are kept in the server's memory between
-- requests (`records::evidence::counts`, under the viewer's scope and the page's record
-- numbers); this count says when they are stale. A count follows the files (which are kept,
-- retracted or purged, and their sensitivity) and, for a file on a claim, the claim (whether
-- the viewer sees it): every statement that inserts, updates, deletes or truncates files, or
-- updates, deletes or truncates claims, adds one, by trigger. A new claim carries no file yet,
-- so adding one (every new incident adds one) leaves the counts kept. A change made anywhere
-- (a page, a command-line job, another server) is seen at the next request, which reads the
-- count with its session, with the other counts of changes (`db::stamps`).
CREATE TABLE evidence_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes BIGINT NOT NULL
);
INSERT INTO evidence_changes (id, changes) VALUES (1, 0);
CREATE FUNCTION evidence_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE evidence_changes SET changes = changes + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER evidence_files_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON evidence_files
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_changed();
CREATE TRIGGER claims_changed_for_evidence AFTER UPDATE OR DELETE OR TRUNCATE ON claims
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_changed();
