DROP TRIGGER IF EXISTS claims_changed_for_evidence ON claims;
DROP TRIGGER IF EXISTS evidence_files_changed ON evidence_files;
DROP FUNCTION IF EXISTS evidence_changed();
DROP TABLE IF EXISTS evidence_changes;
