DROP TRIGGER revisions_no_truncate ON revisions;
DROP TRIGGER revisions_no_update_delete ON revisions;
DROP TABLE audit_checkpoints;
DROP FUNCTION corridor_append_only();
