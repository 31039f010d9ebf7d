-- Saved searches and what a person subscribed to with them (issue 17). A saved search keeps
-- a list's query string as typed; it is parsed again, and run through the subscriber's own
-- scope, each time it is used, so it never shows more than its owner may see at that moment.
CREATE TABLE saved_searches (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('incidents', 'convoys', 'needs')),
    query TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX saved_searches_user_idx ON saved_searches (user_id);

-- A subscription to a saved search: an Atom feed at a private URL (only the SHA-256 of its
-- token is kept), a webhook (its signing secret must be kept to sign with), or email
-- (immediately, or a daily or weekly digest).
CREATE TABLE subscriptions (
    id BIGSERIAL PRIMARY KEY,
    saved_search_id BIGINT NOT NULL REFERENCES saved_searches (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    channel TEXT NOT NULL CHECK (channel IN ('feed', 'webhook', 'email')),
    frequency TEXT NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly')),
    target TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    secret TEXT,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX subscriptions_search_idx ON subscriptions (saved_search_id);

-- What happened to a record that subscribers may want to hear of, written in the same
-- transaction as the change. The worker claims unprocessed events (claimed_by, claimed_at: a
-- claim older than the lease is taken over, so a node that died loses nothing) and turns
-- each into deliveries for the subscribers who may see the record.
CREATE TABLE notification_events (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_at TIMESTAMP,
    processed_at TIMESTAMP
);
CREATE INDEX notification_events_pending_idx ON notification_events (processed_at, id);

-- One message for one subscriber, already cut to what that subscriber may see. Sent when due
-- (a digest's deliveries wait for its time), retried with exponential back-off until sent or
-- given up ('failed'); the last attempt's result is shown to the subscriber.
CREATE TABLE deliveries (
    id BIGSERIAL PRIMARY KEY,
    subscription_id BIGINT NOT NULL REFERENCES subscriptions (id),
    event_id BIGINT REFERENCES notification_events (id),
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    due_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claimed_at TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_status INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX deliveries_due_idx ON deliveries (status, due_at);
CREATE INDEX deliveries_subscription_idx ON deliveries (subscription_id, id);
