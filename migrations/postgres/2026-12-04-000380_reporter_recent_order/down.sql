DROP INDEX incidents_org_updated_idx;
CREATE INDEX incidents_org_updated_idx ON incidents (organization_id, updated_at, status);
