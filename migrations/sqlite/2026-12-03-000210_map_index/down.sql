DROP INDEX incidents_map_idx;
