DROP INDEX IF EXISTS incidents_occurred_idx;
CREATE INDEX incidents_occurred_idx ON incidents (occurred_on, id);
