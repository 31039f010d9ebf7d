DROP TRIGGER IF EXISTS locations_changed_insert;
DROP TRIGGER IF EXISTS locations_changed_update;
DROP TRIGGER IF EXISTS locations_changed_delete;
DROP TABLE IF EXISTS gazetteer_changes;
