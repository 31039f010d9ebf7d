DROP TRIGGER incident_month_tallies_update ON incidents;
DROP TRIGGER incident_month_tallies_insert_delete ON incidents;
DROP FUNCTION incident_month_tallies_apply();
DROP TABLE incident_month_tallies;
