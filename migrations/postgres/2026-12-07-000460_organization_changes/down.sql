DROP TRIGGER IF EXISTS organizations_changed ON organizations;
DROP FUNCTION IF EXISTS organizations_changed();
DROP TABLE IF EXISTS organization_changes;
