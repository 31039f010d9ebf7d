DROP TABLE admin_areas;
DROP TABLE place_names;
DROP INDEX locations_pcode_idx;
ALTER TABLE locations DROP COLUMN version;
ALTER TABLE locations DROP COLUMN merged_into;
ALTER TABLE locations DROP COLUMN name_fr;
ALTER TABLE locations DROP COLUMN name_ar;
ALTER TABLE locations DROP COLUMN kind;
