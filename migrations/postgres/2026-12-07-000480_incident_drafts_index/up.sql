-- A reporter's home lists their organisation's latest drafts (status 'draft', ORDER BY
-- updated_at DESC, id DESC, ten). Read through `incidents_org_updated_idx` (migration 380),
-- which tests the status in the index, the list walked every record of the organisation
-- changed since its newest draft, and all of them when it had none: at a million, once the
-- reporter's organisation had changed 113,357 records since its newest draft (21,281 on
-- SQLite), the reporter's home answered 850 req/s on PostgreSQL (6,956 before them) and
-- 1,919 on SQLite (13,758).
-- The drafts get an index of their own, partial (drafts alone, a few in a hundred records,
-- nothing for the others to keep up); the list writes the status as a constant so that both
-- planners can use it (`incidents::list`).
CREATE INDEX incidents_drafts_idx ON incidents (organization_id, updated_at, id)
    WHERE status = 'draft';
