DROP TRIGGER IF EXISTS incidents_changed ON incidents;
DROP FUNCTION IF EXISTS incidents_changed();
DROP TABLE IF EXISTS incident_changes;
