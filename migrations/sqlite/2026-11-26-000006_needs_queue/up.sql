-- Whether a need is still to be met (open or partly met), derived from its status so it can
-- never disagree with it, and an index in the list's order: still needed first, then by
-- urgency and date. The list reads each of its groups (critical, overdue, the rest still
-- needed, met or cancelled) straight from this index instead of sorting every need.
ALTER TABLE needs ADD COLUMN active INTEGER
    GENERATED ALWAYS AS (status IN ('open', 'partially_met')) VIRTUAL;
CREATE INDEX needs_queue_idx ON needs (active, urgency_rank, needed_by, id);
