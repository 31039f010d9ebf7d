DROP INDEX incidents_location_idx;
CREATE INDEX incidents_location_idx ON incidents (location_id, occurred_on);
CREATE INDEX incidents_map_idx ON incidents (location_id, organization_id, sensitivity, status);
