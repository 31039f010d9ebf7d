-- Likely duplicates (`records::duplicates`) are looked for among the incidents of the same
-- category, within two days, at a place near the record's (about ten places). The category
-- index walked every incident of the category in those five days (about 150 at a million
-- incidents) to keep the few at those places. This index seeks each near place's five days of
-- the category instead (a few incidents each) and carries what the viewer's scope and the
-- window test, so only a match's row is read: 20 µs → 12 µs a record on SQLite, and the
-- coordinator's home tests twenty. It leads with the category, not the place: a first version
-- widened the place index instead, and the lists filtered by area, the map and the report's
-- points, which read that index, became far slower (a governorate's list 254 ms instead of 5,
-- the map 1.6 s instead of 38 ms).
CREATE INDEX incidents_likely_idx ON incidents (
    category, location_id, occurred_on, organization_id, sensitivity, status, retracted_at,
    merged_into
);
