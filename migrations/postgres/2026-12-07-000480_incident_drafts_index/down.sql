DROP INDEX incidents_drafts_idx;
