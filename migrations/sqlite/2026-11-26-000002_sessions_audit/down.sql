DROP TABLE audit_chain_head;
DROP TRIGGER audit_events_no_delete;
DROP TRIGGER audit_events_no_update;
DROP TABLE audit_events;
DROP TABLE setup_tokens;
DROP TABLE login_throttle;
DROP TABLE sessions;
