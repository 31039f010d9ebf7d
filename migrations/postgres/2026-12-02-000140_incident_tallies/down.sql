DROP TRIGGER incident_tallies_update ON incidents;
DROP TRIGGER incident_tallies_insert_delete ON incidents;
DROP FUNCTION incident_tallies_apply();
DROP TABLE incident_tallies;
