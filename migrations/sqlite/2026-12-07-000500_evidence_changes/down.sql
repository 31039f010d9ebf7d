DROP TRIGGER IF EXISTS evidence_files_changed_insert;
DROP TRIGGER IF EXISTS evidence_files_changed_update;
DROP TRIGGER IF EXISTS evidence_files_changed_delete;
DROP TRIGGER IF EXISTS claims_changed_for_evidence_update;
DROP TRIGGER IF EXISTS claims_changed_for_evidence_delete;
DROP TABLE IF EXISTS evidence_changes;
