DROP INDEX incidents_report_idx;
