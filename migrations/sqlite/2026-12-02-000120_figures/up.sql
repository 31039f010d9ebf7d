-- Figures say what was reported: how exact they are (exact, at least, about) and what they
-- cover (this incident, or an area over a period, reported beside incident totals and never
-- added into them). Event tags sit beside the access constraint (comma-separated codes, like
-- attack types).
ALTER TABLE incidents ADD COLUMN figures_qualifier TEXT NOT NULL DEFAULT 'exact';
ALTER TABLE incidents ADD COLUMN figures_scope TEXT NOT NULL DEFAULT 'incident';
ALTER TABLE incidents ADD COLUMN figures_area_period TEXT NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN event_tags TEXT NOT NULL DEFAULT '';

-- The report reads these too: the covering index holds them, so it still answers alone.
DROP INDEX incidents_report_idx;
CREATE INDEX incidents_report_idx ON incidents (
    occurred_on, status, category, location_id, organization_id, sensitivity, retracted_at,
    merged_into, civilians_killed, civilians_injured, people_affected,
    aid_killed_national, aid_killed_international, aid_injured_national,
    aid_injured_international, aid_kidnapped_national, aid_kidnapped_international,
    aid_detained_national, aid_detained_international,
    verification, figures_qualifier, figures_scope, event_tags
);

-- The coordinator's summary paragraph of a situation report, kept with the report's
-- parameters (their canonical query string); each change is an audit event.
CREATE TABLE report_summaries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    params_key TEXT NOT NULL UNIQUE,
    summary TEXT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
