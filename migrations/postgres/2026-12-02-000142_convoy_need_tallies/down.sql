DROP TRIGGER convoy_tallies_update ON convoys;
DROP TRIGGER convoy_tallies_insert_delete ON convoys;
DROP FUNCTION convoy_tallies_apply();
DROP TABLE convoy_tallies;
DROP TRIGGER need_tallies_update ON needs;
DROP TRIGGER need_tallies_insert_delete ON needs;
DROP FUNCTION need_tallies_apply();
DROP TABLE need_tallies;
