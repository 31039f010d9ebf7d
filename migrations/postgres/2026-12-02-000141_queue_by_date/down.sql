DROP INDEX incidents_queue_date_idx;
