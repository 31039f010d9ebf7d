-- Tokens of the read API (/api/v1/): each names a partner system, a scope (what it may read)
-- and the organisation it belongs to. Only the SHA-256 of the token is kept: the token itself
-- is shown once, when it is issued. Reads are counted here and summarised into the audit
-- trail once per token and hour (`reads` since `period_start`), never one event per request.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('public', 'partner', 'internal')),
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    token_hash TEXT NOT NULL UNIQUE,
    rate_per_minute INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_by BIGINT REFERENCES users (id),
    last_used_at TIMESTAMP,
    period_start TIMESTAMP,
    reads BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_org_idx ON api_tokens (organization_id);
