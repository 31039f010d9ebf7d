DROP TRIGGER incident_tallies_update;
DROP TRIGGER incident_tallies_delete;
DROP TRIGGER incident_tallies_insert;
DROP TABLE incident_tallies;
