DROP TRIGGER convoy_tallies_update;
DROP TRIGGER convoy_tallies_delete;
DROP TRIGGER convoy_tallies_insert;
DROP TABLE convoy_tallies;
DROP TRIGGER need_tallies_update;
DROP TRIGGER need_tallies_delete;
DROP TRIGGER need_tallies_insert;
DROP TABLE need_tallies;
