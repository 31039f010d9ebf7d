-- Confidentiality by construction: what each revision, claim and place may show, recorded with it.

-- A revision remembers the organisation, sensitivity and status its record had then, so history
-- shows a revision's values only to those who could have seen the record as it was.
ALTER TABLE revisions ADD COLUMN organization_id BIGINT;
ALTER TABLE revisions ADD COLUMN sensitivity TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN record_status TEXT NOT NULL DEFAULT '';
UPDATE revisions SET
    sensitivity = COALESCE((snapshot::jsonb ->> 'sensitivity'), ''),
    record_status = COALESCE((snapshot::jsonb ->> 'status'), ''),
    organization_id = CASE entity_type
        WHEN 'incident' THEN (SELECT organization_id FROM incidents WHERE incidents.id = entity_id)
        WHEN 'convoy' THEN (SELECT organization_id FROM convoys WHERE convoys.id = entity_id)
        WHEN 'need' THEN (SELECT organization_id FROM needs WHERE needs.id = entity_id)
    END;

-- A claim keeps the organisation and sensitivity of the record it was first recorded on: its
-- source name and statement follow those, through a merge too.
ALTER TABLE claims ADD COLUMN organization_id BIGINT REFERENCES organizations (id);
ALTER TABLE claims ADD COLUMN sensitivity TEXT NOT NULL DEFAULT 'confidential';
UPDATE claims SET
    organization_id = (SELECT organization_id FROM incidents WHERE incidents.id = COALESCE(claims.merged_from, claims.incident_id)),
    sensitivity = (SELECT sensitivity FROM incidents WHERE incidents.id = COALESCE(claims.merged_from, claims.incident_id));

-- A place first typed on a draft or confidential record belongs to that record's organisation
-- until a record others may see uses it (or a coordinator publishes it). NULL: shared.
ALTER TABLE locations ADD COLUMN restricted_to_org BIGINT REFERENCES organizations (id);
UPDATE locations SET restricted_to_org = (SELECT MIN(organization_id) FROM incidents WHERE location_id = locations.id)
WHERE (SELECT COUNT(DISTINCT organization_id) FROM incidents WHERE location_id = locations.id) = 1
  AND NOT EXISTS (SELECT 1 FROM incidents WHERE location_id = locations.id AND status <> 'draft' AND sensitivity <> 'confidential')
  AND NOT EXISTS (SELECT 1 FROM needs WHERE location_id = locations.id)
  AND NOT EXISTS (SELECT 1 FROM convoys WHERE origin_id = locations.id OR destination_id = locations.id)
  AND NOT EXISTS (SELECT 1 FROM convoy_events WHERE location_id = locations.id);
CREATE INDEX locations_restricted_idx ON locations (restricted_to_org);
