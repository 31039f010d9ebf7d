DROP INDEX needs_queue_idx;
ALTER TABLE needs DROP COLUMN active;
