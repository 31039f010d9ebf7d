DROP TABLE report_summaries;
DROP INDEX incidents_report_idx;
CREATE INDEX incidents_report_idx ON incidents (
    occurred_on, status, category, location_id, organization_id, sensitivity, retracted_at,
    merged_into, civilians_killed, civilians_injured, people_affected,
    aid_killed_national, aid_killed_international, aid_injured_national,
    aid_injured_international, aid_kidnapped_national, aid_kidnapped_international,
    aid_detained_national, aid_detained_international
);
ALTER TABLE incidents DROP COLUMN event_tags;
ALTER TABLE incidents DROP COLUMN figures_area_period;
ALTER TABLE incidents DROP COLUMN figures_scope;
ALTER TABLE incidents DROP COLUMN figures_qualifier;
