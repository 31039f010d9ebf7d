DROP INDEX incidents_merged_idx;
ALTER TABLE claims DROP COLUMN merged_from;
ALTER TABLE incidents DROP COLUMN merged_at;
ALTER TABLE incidents DROP COLUMN merged_into;
