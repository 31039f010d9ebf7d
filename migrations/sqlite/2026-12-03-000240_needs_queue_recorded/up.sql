-- The needs queue's index also carries the day each need was recorded, so the overdue test
-- (due before today, but not before it was recorded) is answered from the index: a home page
-- of a hundred thousand needs, recorded in bulk, read every critical need's row to find none
-- overdue. Same leading columns as the index it replaces, so every other read keeps its plan.
CREATE INDEX needs_queue_recorded_idx ON needs (active, urgency_rank, needed_by, id, recorded_on);
DROP INDEX needs_queue_idx;
