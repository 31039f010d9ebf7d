DROP INDEX needs_due_idx;
ALTER TABLE needs DROP COLUMN due_on;
DROP INDEX incidents_category_idx;
CREATE INDEX incidents_category_idx ON incidents (
    category, occurred_on, organization_id, sensitivity, status
);
