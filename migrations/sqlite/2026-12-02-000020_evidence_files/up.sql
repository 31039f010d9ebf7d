-- Evidence files: photos, letters, notes, recordings attached to an incident (or one of its
-- claims), a convoy (or one of its events) or a need. The bytes live in the evidence store
-- under their SHA-256; this row keeps the custody facts. Rows are never deleted: retraction
-- hides a file, a purge removes its bytes and keeps the hash.
CREATE TABLE evidence_files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_type TEXT NOT NULL CHECK (record_type IN ('incident', 'convoy', 'need')),
    record_id BIGINT NOT NULL,
    -- '' (the record itself), 'claim' or 'event', with the claim's or convoy event's id.
    part_kind TEXT NOT NULL DEFAULT '' CHECK (part_kind IN ('', 'claim', 'event')),
    part_id BIGINT,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
    mime_type TEXT NOT NULL,
    original_name TEXT NOT NULL,
    caption TEXT NOT NULL DEFAULT '',
    made_on DATE,
    sensitivity TEXT NOT NULL CHECK (sensitivity IN ('public', 'restricted', 'confidential')),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    retracted_at TIMESTAMP,
    retraction_reason TEXT NOT NULL DEFAULT '',
    purged_at TIMESTAMP,
    purge_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX evidence_files_record ON evidence_files (record_type, record_id, id);
CREATE INDEX evidence_files_sha256 ON evidence_files (sha256);
