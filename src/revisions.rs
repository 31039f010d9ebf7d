//! Revision history of records (incidents, convoys, needs): every change keeps what changed
//! (field: [before, after]), a full snapshot after it, who, when and why. Written inside the
//! same `audit::write` transaction as the change and its audit event.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::audit::{self, Actor, Event, Tx};
use crate::db::schema::revisions;
use crate::db::DbConn;
use crate::error::AppError;
use crate::permissions::RecordFacts;

/// A revision as pages read it. The snapshot it keeps of the record is written (and hashed in
/// the audit chain) but never shown, so it is not read (a record's page read it for each of
/// its latest eleven revisions, only to throw it away).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct Revision {
    pub id: i64,
    pub entity_type: String,
    pub entity_id: i64,
    pub revision_no: i32,
    pub action: String,
    pub reason: String,
    pub changes: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    /// The organisation, sensitivity and status the record had after this revision: who may
    /// read it (`records::Scope::sees_revision`).
    pub organization_id: Option<i64>,
    pub sensitivity: String,
    pub record_status: String,
}

/// One changed field as stored (values as text); `records::history` decides what of it a
/// viewer may read.
#[derive(Debug, Clone)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Revision {
    /// The changed fields in a stable order (by name), values shown as text.
    ///
    /// Each value is read as its JSON text and only a string is decoded: building a tree of
    /// values for each revision first was half the time of reading a page's history.
    pub fn field_changes(&self) -> Vec<FieldChange> {
        let Ok(fields) = serde_json::from_str::<BTreeMap<String, &RawValue>>(&self.changes) else {
            return Vec::new();
        };
        fields
            .into_iter()
            .map(|(field, pair)| {
                // `[before, after]`; anything else is taken as the value after.
                let (before, after) =
                    match serde_json::from_str::<(&RawValue, &RawValue)>(pair.get()) {
                        Ok((before, after)) => (show(before), show(after)),
                        Err(_) => (String::new(), show(pair)),
                    };
                FieldChange {
                    field,
                    before,
                    after,
                }
            })
            .collect()
    }
}

/// A stored value as text: nothing for null, a string as itself, anything else as JSON.
fn show(v: &RawValue) -> String {
    match v.get().trim() {
        "null" => String::new(),
        text if text.starts_with('"') => serde_json::from_str(text).unwrap_or_default(),
        text => text.to_string(),
    }
}

/// The differences between two snapshots: `{field: [before, after]}` for each changed field.
pub fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for (k, new) in a {
        let old = b.get(k).unwrap_or(&Value::Null);
        if old != new {
            out.insert(k.clone(), Value::Array(vec![old.clone(), new.clone()]));
        }
    }
    for (k, old) in b {
        if !a.contains_key(k) {
            out.insert(k.clone(), Value::Array(vec![old.clone(), Value::Null]));
        }
    }
    Value::Object(out)
}

/// What a revision records.
pub struct NewRevision<'a> {
    pub entity_type: &'static str,
    pub entity_id: i64,
    pub action: &'static str,
    pub reason: &'a str,
    pub changes: &'a Value,
    pub snapshot: &'a Value,
    /// The record's organisation, sensitivity and status after the change (`None` for places).
    pub facts: Option<RecordFacts>,
}

/// Appends the next revision of a record, with the audit event that vouches for its content;
/// returns its number.
pub fn record(tx: &mut Tx<'_>, actor: &Actor, rev: NewRevision<'_>) -> Result<i32, AppError> {
    let (number, vouched) = insert(tx, actor, rev)?;
    audit::record(tx, actor, vouched)?;
    Ok(number)
}

/// `record`, then the change's own audit event `then` (given the revision's number), both
/// events in one statement: on PostgreSQL a round trip fewer for every change that writes a
/// revision and then its event.
pub fn record_then(
    tx: &mut Tx<'_>,
    actor: &Actor,
    rev: NewRevision<'_>,
    then: impl FnOnce(i32) -> Event,
) -> Result<i32, AppError> {
    let (number, vouched) = insert(tx, actor, rev)?;
    audit::record_all(tx, actor, [vouched, then(number)])?;
    Ok(number)
}

/// Writes the revision (and on PostgreSQL the notification it queues, in the same statement);
/// answers its number and the audit event of its content hash, for the caller to record.
fn insert(tx: &mut Tx<'_>, actor: &Actor, rev: NewRevision<'_>) -> Result<(i32, Event), AppError> {
    // A record's creation is its first revision: no earlier one to count.
    let last: Option<i32> = match rev.action {
        "create" => None,
        _ => revisions::table
            .filter(revisions::entity_type.eq(rev.entity_type))
            .filter(revisions::entity_id.eq(rev.entity_id))
            .select(diesel::dsl::max(revisions::revision_no))
            .get_result(tx.db())?,
    };
    let number = last.unwrap_or(0) + 1;
    let changes = rev.changes.to_string();
    let snapshot = rev.snapshot.to_string();
    let created_at = audit::now();
    let insert = diesel::insert_into(revisions::table)
        .values((
            revisions::entity_type.eq(rev.entity_type),
            revisions::entity_id.eq(rev.entity_id),
            revisions::revision_no.eq(number),
            revisions::action.eq(rev.action),
            revisions::reason.eq(rev.reason),
            revisions::changes.eq(&changes),
            revisions::snapshot.eq(&snapshot),
            revisions::actor_user_id.eq(actor.user_id),
            revisions::actor_label.eq(&actor.label),
            revisions::created_at.eq(created_at),
            revisions::organization_id.eq(rev.facts.map(|f| f.organization_id)),
            revisions::sensitivity.eq(rev.facts.map(|f| f.sensitivity.code()).unwrap_or("")),
            revisions::record_status.eq(rev.facts.map(|f| f.status.code()).unwrap_or("")),
        ))
        .returning(revisions::id);
    // What subscribers hear of, queued with the change it reports: on PostgreSQL in the
    // revision's own statement (a round trip fewer, see `db::together`).
    let event =
        crate::record_events::classify(rev.entity_type, rev.action, rev.changes, rev.snapshot);
    let id: i64 = match (tx.db(), event) {
        (DbConn::Pg(c), Some(kind)) => crate::db::together(
            crate::record_events::queued!(kind, rev.entity_type, rev.entity_id),
            insert,
        )
        .get_result(c)?,
        (conn, event) => {
            let id = crate::on_backend!(conn, |c| insert.get_result(c))?;
            if let Some(kind) = event {
                crate::record_events::queue(tx, kind, rev.entity_type, rev.entity_id)?;
            }
            id
        }
    };
    // The revision as stored, for its content hash: every value is the one just written (the
    // time already to the microsecond both databases keep), so it need not be read back.
    let row = audit::revision_hashes::RevisionRow {
        id,
        entity_type: rev.entity_type.to_string(),
        entity_id: rev.entity_id,
        revision_no: number,
        action: rev.action.to_string(),
        reason: rev.reason.to_string(),
        changes,
        snapshot,
        actor_user_id: actor.user_id,
        actor_label: actor.label.clone(),
        created_at,
    };
    // The revision's content hash goes into the audit trail, so the signed chain covers it.
    Ok((number, audit::revision_hashes::revision_event(&row)))
}

/// Every revision of a record, oldest first.
pub fn history(
    conn: &mut DbConn,
    entity_type: &str,
    entity_id: i64,
) -> Result<Vec<Revision>, AppError> {
    Ok(revisions::table
        .filter(revisions::entity_type.eq(entity_type))
        .filter(revisions::entity_id.eq(entity_id))
        .order(revisions::revision_no.asc())
        .select(Revision::as_select())
        .load(conn)?)
}

/// A record's revisions, newest first: with a LIMIT, the newest of them (the incident page
/// reads them so in its record's statement on PostgreSQL, `records::store::incidents`).
macro_rules! newest_first {
    ($entity_type:expr, $entity_id:expr) => {
        $crate::db::schema::revisions::table
            .filter($crate::db::schema::revisions::entity_type.eq($entity_type))
            .filter($crate::db::schema::revisions::entity_id.eq($entity_id))
            .order($crate::db::schema::revisions::revision_no.desc())
            .select($crate::revisions::Revision::as_select())
    };
}
pub(crate) use newest_first;

/// The newest `n` revisions of a record, newest first (a page's timeline, however long the
/// record's history; on PostgreSQL the incident page reads them with its record instead).
pub fn latest(
    conn: &mut DbConn,
    entity_type: &str,
    entity_id: i64,
    n: i64,
) -> Result<Vec<Revision>, AppError> {
    Ok(crate::first_rows!(
        conn,
        n,
        newest_first!(entity_type, entity_id)
    )?)
}

/// The most recent revisions of any record (an auditor's home page).
pub fn recent(conn: &mut DbConn, limit: i64) -> Result<Vec<Revision>, AppError> {
    Ok(revisions::table
        .order(revisions::id.desc())
        .limit(limit)
        .select(Revision::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_changed_fields_only() {
        let d = diff(
            &json!({"a": 1, "b": "x", "c": null}),
            &json!({"a": 1, "b": "y", "c": 2}),
        );
        assert_eq!(d, json!({"b": ["x", "y"], "c": [null, 2]}));
    }

    #[test]
    fn field_changes_show_each_value_as_text() {
        // As stored: compact JSON, escapes and all.
        let changes = r#"{"title":["Convoy \"A\" stopped","at Qalandia\u00e9"],"deaths":[null,1200],"verified":[false,true],"estimate":[1.5,null],"codes":[["a","b"],{"k":1}],"odd":"after only","triple":[1,2,3]}"#;
        let r = Revision {
            id: 1,
            entity_type: "incident".into(),
            entity_id: 1,
            revision_no: 2,
            action: "update".into(),
            reason: String::new(),
            changes: changes.into(),
            actor_user_id: None,
            actor_label: String::new(),
            created_at: NaiveDateTime::default(),
            organization_id: None,
            sensitivity: String::new(),
            record_status: String::new(),
        };
        let shown: Vec<(String, String, String)> = r
            .field_changes()
            .into_iter()
            .map(|c| (c.field, c.before, c.after))
            .collect();
        let row = |f: &str, b: &str, a: &str| (f.to_string(), b.to_string(), a.to_string());
        assert_eq!(
            shown,
            vec![
                row("codes", r#"["a","b"]"#, r#"{"k":1}"#),
                row("deaths", "", "1200"),
                row("estimate", "1.5", ""),
                row("odd", "", "after only"),
                row("title", "Convoy \"A\" stopped", "at Qalandia\u{e9}"),
                row("triple", "", "[1,2,3]"),
                row("verified", "false", "true"),
            ]
        );
    }
}
