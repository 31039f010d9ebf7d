DROP INDEX locations_restricted_idx;
ALTER TABLE locations DROP COLUMN restricted_to_org;
ALTER TABLE claims DROP COLUMN sensitivity;
ALTER TABLE claims DROP COLUMN organization_id;
ALTER TABLE revisions DROP COLUMN record_status;
ALTER TABLE revisions DROP COLUMN sensitivity;
ALTER TABLE revisions DROP COLUMN organization_id;
