DROP TRIGGER IF EXISTS convoys_changed_insert;
DROP TRIGGER IF EXISTS convoys_changed_update;
DROP TRIGGER IF EXISTS convoys_changed_delete;
DROP TRIGGER IF EXISTS needs_changed_insert;
DROP TRIGGER IF EXISTS needs_changed_update;
DROP TRIGGER IF EXISTS needs_changed_delete;
DROP TABLE IF EXISTS record_changes;
