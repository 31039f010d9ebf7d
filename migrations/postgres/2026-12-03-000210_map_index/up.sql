-- The incident map counts a list's incidents per place (GROUP BY location_id) under the
-- viewer's visibility (organisation, sensitivity, status): with these columns in one index
-- the count reads the index alone, never the table, for every role.
CREATE INDEX incidents_map_idx ON incidents (location_id, organization_id, sensitivity, status);
