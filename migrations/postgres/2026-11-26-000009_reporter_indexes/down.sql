DROP INDEX incidents_category_idx;
CREATE INDEX incidents_category_idx ON incidents (category, occurred_on);
DROP INDEX incidents_visibility_idx;
DROP INDEX incidents_org_updated_idx;
