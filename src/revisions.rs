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
use crate::db::{DbConn, Write};
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

/// A revision's id taken from its table's sequence before the revision is written
/// (PostgreSQL), so that the revision and the audit events that vouch for it go to the server
/// as one statement. A new record's is taken with its reference (`references`), a change's
/// with the number of the revision before it; an id taken and not used leaves a gap, as a
/// rolled-back insert's does.
#[derive(Debug, Clone, Copy)]
pub struct ReservedId(i64);

impl ReservedId {
    /// The id `NEXT_ID` answered.
    pub(crate) fn taken(id: i64) -> Self {
        Self(id)
    }
}

/// The SQL that takes the next revision id from its sequence (PostgreSQL).
pub(crate) const NEXT_ID: &str = "nextval('revisions_id_seq')";

/// Appends the next revision of a record, with the audit event that vouches for its content;
/// returns its number.
pub fn record(tx: &mut Tx<'_>, actor: &Actor, rev: NewRevision<'_>) -> Result<i32, AppError> {
    write(tx, actor, rev, None, |_, vouched| [vouched])
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
    record_new_then(tx, actor, rev, None, then)
}

/// [`record_then`] for a new record, whose revision id was taken with its reference
/// (`references`; `None` on SQLite, and for a year's first reference).
pub fn record_new_then(
    tx: &mut Tx<'_>,
    actor: &Actor,
    rev: NewRevision<'_>,
    reserved: Option<ReservedId>,
    then: impl FnOnce(i32) -> Event,
) -> Result<i32, AppError> {
    write(tx, actor, rev, reserved, |number, vouched| {
        [vouched, then(number)]
    })
}

/// A revision's columns, from the row as its content hash covers it (`$row`) and the facts of
/// its record after the change.
macro_rules! revision_columns {
    ($row:expr, $facts:expr) => {
        (
            revisions::entity_type.eq(&$row.entity_type),
            revisions::entity_id.eq($row.entity_id),
            revisions::revision_no.eq($row.revision_no),
            revisions::action.eq(&$row.action),
            revisions::reason.eq(&$row.reason),
            revisions::changes.eq(&$row.changes),
            revisions::snapshot.eq(&$row.snapshot),
            revisions::actor_user_id.eq($row.actor_user_id),
            revisions::actor_label.eq(&$row.actor_label),
            revisions::created_at.eq($row.created_at),
            revisions::organization_id.eq($facts.map(|f| f.organization_id)),
            revisions::sensitivity.eq($facts.map(|f| f.sensitivity.code()).unwrap_or("")),
            revisions::record_status.eq($facts.map(|f| f.status.code()).unwrap_or("")),
        )
    };
}

/// Writes the revision, the notification it queues and the audit events `events` gives for
/// it (the one vouching for its content first); answers its number. On PostgreSQL, with its id
/// known beforehand (`reserved`, or taken with the number of the revision before it), all in
/// one statement; otherwise the revision (on PostgreSQL with its notification), then the
/// events.
fn write<const N: usize>(
    tx: &mut Tx<'_>,
    actor: &Actor,
    rev: NewRevision<'_>,
    reserved: Option<ReservedId>,
    events: impl FnOnce(i32, Event) -> [Event; N],
) -> Result<i32, AppError> {
    use diesel::dsl::{max, sql};
    use diesel::sql_types::BigInt;
    let before = revisions::table
        .filter(revisions::entity_type.eq(rev.entity_type))
        .filter(revisions::entity_id.eq(rev.entity_id));
    // A record's creation is its first revision: no earlier one to count.
    let (last, reserved): (Option<i32>, Option<ReservedId>) = match (rev.action, tx.db()) {
        ("create", _) => (None, reserved),
        (_, DbConn::Pg(c)) => {
            let (last, id) = crate::db::kept(
                before.select((max(revisions::revision_no), sql::<BigInt>(NEXT_ID))),
            )
            .get_result(c)?;
            (last, Some(ReservedId(id)))
        }
        (_, conn) => (
            before
                .select(max(revisions::revision_no))
                .get_result(conn)?,
            None,
        ),
    };
    // The revision as stored, for its content hash: every value is the one written (the time
    // already to the microsecond both databases keep), so it need not be read back.
    let mut row = audit::revision_hashes::RevisionRow {
        id: reserved.map_or(0, |r| r.0),
        entity_type: rev.entity_type.to_string(),
        entity_id: rev.entity_id,
        revision_no: last.unwrap_or(0) + 1,
        action: rev.action.to_string(),
        reason: rev.reason.to_string(),
        changes: rev.changes.to_string(),
        snapshot: rev.snapshot.to_string(),
        actor_user_id: actor.user_id,
        actor_label: actor.label.clone(),
        created_at: audit::now(),
    };
    let number = row.revision_no;
    // What subscribers hear of, queued with the change it reports (on PostgreSQL in the
    // revision's own statement).
    let event =
        crate::record_events::classify(rev.entity_type, rev.action, rev.changes, rev.snapshot);
    let facts = rev.facts;
    if let (DbConn::Pg(_), Some(_)) = (tx.db(), reserved) {
        // The revision's content hash goes into the audit trail, so the signed chain covers it.
        let vouched = audit::revision_hashes::revision_event(&row);
        let insert = diesel::insert_into(revisions::table)
            .values((revisions::id.eq(row.id), revision_columns!(row, facts)));
        let events = events(number, vouched);
        match event {
            Some(kind) => audit::record_all_after(
                tx,
                actor,
                events,
                (
                    Write(crate::record_events::queued!(
                        kind,
                        rev.entity_type,
                        rev.entity_id
                    )),
                    Write(insert),
                ),
            )?,
            None => audit::record_all_after(tx, actor, events, Write(insert))?,
        };
        return Ok(number);
    }
    let insert = diesel::insert_into(revisions::table)
        .values(revision_columns!(row, facts))
        .returning(revisions::id);
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
    row.id = id;
    let vouched = audit::revision_hashes::revision_event(&row);
    audit::record_all(tx, actor, events(number, vouched))?;
    Ok(number)
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
