DROP TRIGGER IF EXISTS organizations_changed_insert;
DROP TRIGGER IF EXISTS organizations_changed_update;
DROP TRIGGER IF EXISTS organizations_changed_delete;
DROP TABLE IF EXISTS organization_changes;
