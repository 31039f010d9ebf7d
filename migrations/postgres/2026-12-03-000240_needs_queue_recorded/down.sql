CREATE INDEX needs_queue_idx ON needs (active, urgency_rank, needed_by, id);
DROP INDEX needs_queue_recorded_idx;
