//! What happened to a record that a subscriber may want to hear of (a new incident, a changed
//! verification, a retraction, a merge, a blocked convoy or removed cargo, a met need, a
//! generated report), queued in `notification_events` inside the same transaction as the
//! change, so an event exists exactly when its change does. `notify` turns the queue into
//! deliveries, each cut to what its subscriber may see.
//!
//! Classified from the revision the change writes (its action and changed fields), so no
//! store needs to know about subscriptions. Nothing is queued while no one has a webhook or
//! email subscription: feeds are read when asked, and the busiest writes pay one indexed
//! look-up (one statement, on PostgreSQL inside the revision's own, see [`queued`]).

use diesel::prelude::*;
use serde_json::Value;

use crate::audit::Tx;
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
    crate::on_backend!(tx, |c| queued!(kind, entity_type, entity_id).execute(c))?;
    Ok(())
}

/// [`queue`]'s statement (an expression, so that one text serves both backends): the event
/// inserted only if anyone listens, one statement either way, kept compiled. On PostgreSQL it
/// goes along with a revision's (`revisions::record`, `db::together`), so the busiest writes
/// pay no round trip for it.
macro_rules! queued {
    ($kind:expr, $entity_type:expr, $entity_id:expr) => {{
        use diesel::sql_types::{BigInt, Text, Timestamp};
        use diesel::IntoSql;
        use $crate::db::schema::{notification_events, subscriptions};
        let listening = diesel::dsl::exists(
            subscriptions::table
                .filter(subscriptions::revoked_at.is_null())
                .filter(subscriptions::channel.ne("feed")),
        );
        diesel::select((
            ($kind).into_sql::<Text>(),
            ($entity_type).to_string().into_sql::<Text>(),
            ($entity_id).into_sql::<BigInt>(),
            $crate::audit::now().into_sql::<Timestamp>(),
        ))
        .filter(listening)
        .insert_into(notification_events::table)
        .into_columns((
            notification_events::kind,
            notification_events::entity_type,
            notification_events::entity_id,
            notification_events::created_at,
        ))
    }};
}
pub(crate) use queued;

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
