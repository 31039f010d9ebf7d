//! What happened to a record that a subscriber may want to hear of (a new incident, a changed
//! verification, a retraction, a merge, a blocked convoy or removed cargo, a met need, a
//! generated report), queued in `notification_events` inside the same transaction as the
//! change, so an event exists exactly when its change does. `notify` turns the queue into
//! deliveries, each cut to what its subscriber may see.
//!
//! Classified from the revision the change writes (its action and changed fields), so no
//! store needs to know about subscriptions. Nothing is queued while no one has a webhook or
//! email subscription: feeds are read when asked, and the busiest writes pay one indexed
//! look-up (on PostgreSQL inside the revision's own statement, see [`queued_pg`]).

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde_json::Value;

use crate::audit::{self, Tx};
use crate::db::schema::{notification_events, subscriptions};
use crate::db::DbConn;
use crate::error::AppError;

/// Every kind of event, as stored and as sent.
pub const KINDS: [&str; 8] = [
    INCIDENT_CREATED,
    "incident.verification_changed",
    "incident.retracted",
    "incident.merged",
    "convoy.blocked",
    "convoy.cargo_removed",
    "need.met",
    REPORT_GENERATED,
];
pub const INCIDENT_CREATED: &str = "incident.created";
pub const REPORT_GENERATED: &str = "report.generated";

/// The event a revision stands for, if any: `changes` is `{field: [before, after]}`, and
/// `snapshot` the record after the change.
pub fn classify(
    entity_type: &str,
    action: &str,
    changes: &Value,
    snapshot: &Value,
) -> Option<&'static str> {
    let after = |field: &str| changes.get(field).and_then(|pair| pair.get(1));
    let before = |field: &str| changes.get(field).and_then(|pair| pair.get(0));
    match entity_type {
        "incident" if action == "merge" => Some("incident.merged"),
        "incident" if after("retracted") == Some(&Value::Bool(true)) => Some("incident.retracted"),
        "incident" if changes.get("verification").is_some() && action != "create" => {
            Some("incident.verification_changed")
        }
        // New once submitted: at creation, or when a draft is submitted.
        "incident"
            if snapshot.get("status").and_then(Value::as_str) != Some("draft")
                && (action == "create"
                    || before("status").and_then(Value::as_str) == Some("draft")) =>
        {
            Some(INCIDENT_CREATED)
        }
        "convoy" if after("status").and_then(Value::as_str) == Some("blocked") => {
            Some("convoy.blocked")
        }
        "convoy" => {
            let removals = |v: Option<&Value>| {
                v.and_then(Value::as_str)
                    .map_or(0, |s| s.matches("; removed ").count())
            };
            (removals(after("cargo")) > removals(before("cargo"))).then_some("convoy.cargo_removed")
        }
        "need" if after("status").and_then(Value::as_str) == Some("met") => Some("need.met"),
        _ => None,
    }
}

/// Queues an event of `kind` about a record (or a report: `entity_id` 0), if anyone listens
/// for pushed messages (a webhook or email subscription not revoked).
pub fn queue(
    tx: &mut Tx<'_>,
    kind: &'static str,
    entity_type: &str,
    entity_id: i64,
) -> Result<(), AppError> {
    match tx.db() {
        // Two statements of diesel's, both kept compiled (a statement of SQL text is compiled
        // anew at every run); no round trip to save.
        DbConn::Sqlite(c) => {
            let listening = diesel::select(diesel::dsl::exists(
                subscriptions::table
                    .filter(subscriptions::revoked_at.is_null())
                    .filter(subscriptions::channel.ne("feed")),
            ))
            .get_result(c)?;
            if listening {
                diesel::insert_into(notification_events::table)
                    .values((
                        notification_events::kind.eq(kind),
                        notification_events::entity_type.eq(entity_type),
                        notification_events::entity_id.eq(entity_id),
                        notification_events::created_at.eq(audit::now()),
                    ))
                    .execute(c)?;
            }
        }
        DbConn::Pg(c) => {
            queued_pg(kind, entity_type, entity_id).execute(c)?;
        }
    }
    Ok(())
}

/// [`queue`] on PostgreSQL, as one statement that inserts the event only if anyone listens,
/// to send along with another (`db::together`): with a revision's (`revisions::record`), the
/// busiest writes pay no round trip of their own for it.
pub fn queued_pg(
    kind: &'static str,
    entity_type: &str,
    entity_id: i64,
) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
    diesel::sql_query(
        "INSERT INTO notification_events (kind, entity_type, entity_id, created_at) \
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM subscriptions \
         WHERE revoked_at IS NULL AND channel <> 'feed')",
    )
    .into_boxed()
    .bind::<Text, _>(kind)
    .bind::<Text, _>(entity_type.to_string())
    .bind::<BigInt, _>(entity_id)
    .bind::<Timestamp, _>(audit::now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn revisions_become_the_events_subscribers_hear_of() {
        let submitted = json!({"status": "submitted"});
        let c = |e, a, ch: Value, s: &Value| classify(e, a, &ch, s);
        assert_eq!(
            c(
                "incident",
                "create",
                json!({"title": [null, "x"]}),
                &submitted
            ),
            Some(INCIDENT_CREATED)
        );
        assert_eq!(
            c("incident", "create", json!({}), &json!({"status": "draft"})),
            None
        );
        assert_eq!(
            c(
                "incident",
                "update",
                json!({"status": ["draft", "submitted"]}),
                &submitted
            ),
            Some(INCIDENT_CREATED)
        );
        assert_eq!(
            c(
                "incident",
                "update",
                json!({"title": ["a", "b"]}),
                &submitted
            ),
            None
        );
        assert_eq!(
            c(
                "incident",
                "verification",
                json!({"verification": ["unverified", "confirmed"]}),
                &submitted
            ),
            Some("incident.verification_changed")
        );
        assert_eq!(
            c(
                "incident",
                "retraction",
                json!({"retracted": [false, true]}),
                &submitted
            ),
            Some("incident.retracted")
        );
        assert_eq!(
            c(
                "incident",
                "merge",
                json!({"merged_into": [null, "INC-1"]}),
                &submitted
            ),
            Some("incident.merged")
        );
        assert_eq!(
            c(
                "incident",
                "duplicate",
                json!({"duplicate": [null, "INC-2"]}),
                &submitted
            ),
            None
        );
        assert_eq!(
            c(
                "convoy",
                "event",
                json!({"status": ["approved", "blocked"]}),
                &submitted
            ),
            Some("convoy.blocked")
        );
        assert_eq!(
            c(
                "convoy",
                "event",
                json!({"cargo": ["Flour (food): 5 t", "Flour (food): 5 t; removed 2"]}),
                &submitted
            ),
            Some("convoy.cargo_removed")
        );
        assert_eq!(
            c(
                "convoy",
                "event",
                json!({"status": ["approved", "en_route"]}),
                &submitted
            ),
            None
        );
        assert_eq!(
            c(
                "need",
                "delivery",
                json!({"status": ["open", "met"]}),
                &submitted
            ),
            Some("need.met")
        );
        assert!(KINDS.contains(&"need.met"));
    }
}
