-- A reporter sees their own organisation's records and others' shared ones, so their lists
-- and counts test organisation, sensitivity and status on every row. These indexes hold those
-- columns, so the tests are answered from the index, not the table:
-- the home page's own recent records and drafts, newest change first;
CREATE INDEX incidents_org_updated_idx ON incidents (organization_id, updated_at, status);
-- counts of everything a reporter may see;
CREATE INDEX incidents_visibility_idx ON incidents (sensitivity, status, organization_id);
-- and the category list (replacing the index without the visibility columns).
DROP INDEX incidents_category_idx;
CREATE INDEX incidents_category_idx ON incidents (
    category, occurred_on, organization_id, sensitivity, status
);
