-- The map's dots are the 501 most recent incidents placed exactly or nearly at a place with
-- coordinates, that the viewer may see: the date index is walked newest first and, until now,
-- every incident it passed was read from the table for its precision, place, visibility and
-- reference. The date index now carries those columns (as included columns: they order
-- nothing), so the walk can read no incident row; it replaces the narrower one rather than
-- adding a second index on the date for every write to keep.
DROP INDEX IF EXISTS incidents_occurred_idx;
CREATE INDEX incidents_occurred_idx ON incidents (occurred_on, id)
    INCLUDE (location_precision, location_id, organization_id, sensitivity, status, reference);
