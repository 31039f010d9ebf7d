-- The situation report reads a period's incidents for their figures, scope and marking: an
-- index holding every column it reads answers from the index alone, instead of one look-up in
-- the table per incident (a year of a million incidents is ~120,000 look-ups).
CREATE INDEX incidents_report_idx ON incidents (
    occurred_on, status, category, location_id, organization_id, sensitivity, retracted_at,
    merged_into, civilians_killed, civilians_injured, people_affected,
    aid_killed_national, aid_killed_international, aid_injured_national,
    aid_injured_international, aid_kidnapped_national, aid_kidnapped_international,
    aid_detained_national, aid_detained_international
);
