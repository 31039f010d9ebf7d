DROP TRIGGER incident_area_tallies_place ON locations;
DROP FUNCTION incident_area_tallies_move();
DROP TRIGGER incident_area_tallies_update ON incidents;
DROP TRIGGER incident_area_tallies_insert_delete ON incidents;
DROP FUNCTION incident_area_tallies_apply();
DROP TABLE incident_district_tallies;
DROP TABLE incident_governorate_tallies;
