DROP INDEX incidents_likely_idx;
