-- Signed checkpoints of the audit chain: (event count, head hash, time) signed with a key
-- kept outside the database. Periodic checkpoints carry the minute they cover
-- (`interval_key`), unique, so several servers on one database sign one per minute.
CREATE TABLE audit_checkpoints (
    id BIGSERIAL PRIMARY KEY,
    events BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    interval_key BIGINT UNIQUE,
    reason TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_events_idx ON audit_checkpoints (events);

CREATE FUNCTION corridor_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION corridor_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION corridor_append_only();

-- Revisions are history: never changed, never removed.
CREATE TRIGGER revisions_no_update_delete BEFORE UPDATE OR DELETE ON revisions
    FOR EACH ROW EXECUTE FUNCTION corridor_append_only();
CREATE TRIGGER revisions_no_truncate BEFORE TRUNCATE ON revisions
    FOR EACH STATEMENT EXECUTE FUNCTION corridor_append_only();
