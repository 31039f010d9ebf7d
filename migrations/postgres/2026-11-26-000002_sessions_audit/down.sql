DROP TABLE audit_chain_head;
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TRIGGER audit_events_no_update_delete ON audit_events;
DROP FUNCTION audit_events_append_only();
DROP TABLE audit_events;
DROP TABLE setup_tokens;
DROP TABLE login_throttle;
DROP TABLE sessions;
