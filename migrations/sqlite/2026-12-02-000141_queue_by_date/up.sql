-- The coordinator's verification queue: submitted, unverified, live records, oldest incident
-- first. Without this index the database sorts every unverified record (a fifth of them) to
-- find the first twenty.
CREATE INDEX incidents_queue_date_idx ON incidents (status, verification, occurred_on, id)
WHERE retracted_at IS NULL AND merged_into IS NULL;
