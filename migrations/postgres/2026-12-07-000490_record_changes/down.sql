DROP TRIGGER IF EXISTS convoys_changed ON convoys;
DROP TRIGGER IF EXISTS needs_changed ON needs;
DROP FUNCTION IF EXISTS records_changed();
DROP TABLE IF EXISTS record_changes;
