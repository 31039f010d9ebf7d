DROP TRIGGER IF EXISTS incidents_changed_insert;
DROP TRIGGER IF EXISTS incidents_changed_update;
DROP TRIGGER IF EXISTS incidents_changed_delete;
DROP TABLE IF EXISTS incident_changes;
