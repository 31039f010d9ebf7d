DROP INDEX locations_position_idx;
DROP INDEX locations_district_idx;
