-- The coordinator's home, fast at a million incidents.
--
-- Likely duplicates of each record in the verification queue are found from the category
-- index alone: it now also carries the place, and whether a record was retracted or merged,
-- so no incident row is read to weigh a candidate (twenty queue records each weighed about
-- a hundred and fifty candidates, row by row). Same leading columns, so the category list
-- keeps its plan.
DROP INDEX incidents_category_idx;
CREATE INDEX incidents_category_idx ON incidents (
    category, occurred_on, organization_id, sensitivity, status, location_id, retracted_at,
    merged_into
);
-- The one date that can make a need overdue: the date it is needed by, when that was not
-- already past on the day it was recorded (see `Need::is_overdue`). Derived, so it can never
-- disagree; indexed in the queue's order, so the overdue needs are one range of the index
-- however many needs were recorded after their date.
ALTER TABLE needs ADD COLUMN due_on DATE
    GENERATED ALWAYS AS (CASE WHEN needed_by >= recorded_on THEN needed_by END) STORED;
CREATE INDEX needs_due_idx ON needs (active, urgency_rank, due_on, id);
