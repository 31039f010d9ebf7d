DROP TRIGGER IF EXISTS locations_changed ON locations;
DROP FUNCTION IF EXISTS gazetteer_changed();
DROP TABLE IF EXISTS gazetteer_changes;
