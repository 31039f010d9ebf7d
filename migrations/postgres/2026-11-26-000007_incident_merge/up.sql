-- Duplicates: a coordinator merges a record into the one kept. The duplicate stays, marked
-- and frozen, for history and auditors; its claims move to the record kept (each naming the
-- record it came from); reports and the verification queue leave it out, so nothing is
-- counted twice.
ALTER TABLE incidents ADD COLUMN merged_into BIGINT REFERENCES incidents (id);
ALTER TABLE incidents ADD COLUMN merged_at TIMESTAMP;
ALTER TABLE claims ADD COLUMN merged_from BIGINT REFERENCES incidents (id);
CREATE INDEX incidents_merged_idx ON incidents (merged_into) WHERE merged_into IS NOT NULL;
