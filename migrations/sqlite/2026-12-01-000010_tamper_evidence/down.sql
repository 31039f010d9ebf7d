DROP TRIGGER revisions_no_delete;
DROP TRIGGER revisions_no_update;
DROP TRIGGER audit_checkpoints_no_delete;
DROP TRIGGER audit_checkpoints_no_update;
DROP TABLE audit_checkpoints;
