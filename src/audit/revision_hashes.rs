//! Revisions in the audit trail: each revision's content hash goes into an audit event, so a
//! rewritten, removed or inserted revision breaks what the signed chain vouches for.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{Actor, Event};
use crate::audit::Tx;
use crate::db::schema::{audit_events, revisions};
use crate::db::DbConn;
use crate::error::AppError;

/// Rows read per query while walking revisions and events.
const BATCH: i64 = 2_000;

/// Audit action of the event that carries one revision's content hash.
pub const REVISION_EVENT: &str = "revision.record";
/// Audit action of the event that seals revisions written without one (loaded in bulk, or
/// written before revisions had their own events): a digest over a range of them.
pub const SEAL_EVENT: &str = "revision.seal";

/// A revision as stored, every field of it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct RevisionRow {
    pub id: i64,
    pub entity_type: String,
    pub entity_id: i64,
    pub revision_no: i32,
    pub action: String,
    pub reason: String,
    pub changes: String,
    pub snapshot: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub created_at: NaiveDateTime,
}

impl RevisionRow {
    /// SHA-256 over a canonical JSON array of every field.
    pub fn content_hash(&self) -> String {
        let canonical = json!([
            self.id,
            self.entity_type,
            self.entity_id,
            self.revision_no,
            self.action,
            self.reason,
            self.changes,
            self.snapshot,
            self.actor_user_id,
            self.actor_label,
            self.created_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// The audit event that records the content hash of revision `row`: written in the
/// transaction that wrote the revision, with the row as written (`revisions::record`).
pub fn revision_event(row: &RevisionRow) -> Event {
    Event::new(REVISION_EVENT, "revision", row.id).details(json!({
        "entity_type": row.entity_type,
        "entity_id": row.entity_id,
        "revision_no": row.revision_no,
        "content_hash": row.content_hash(),
    }))
}

/// What one coverage event vouches for.
enum Covers {
    One {
        id: i64,
        hash: String,
    },
    Range {
        first: i64,
        last: i64,
        digest: String,
    },
}

fn covers(event: &super::query::EventBrief) -> Option<Covers> {
    let (_, action, entity_id, details) = event;
    let details: Value = serde_json::from_str(details).ok()?;
    if action == REVISION_EVENT {
        Some(Covers::One {
            id: entity_id.parse().ok()?,
            hash: details["content_hash"].as_str()?.to_string(),
        })
    } else {
        Some(Covers::Range {
            first: details["first"].as_i64()?,
            last: details["last"].as_i64()?,
            digest: details["digest"].as_str()?.to_string(),
        })
    }
}

/// Content hashes of the revisions with ids in `first..=last`, chained into one digest.
fn range_digest(conn: &mut DbConn, first: i64, last: i64) -> Result<(String, i64), AppError> {
    let mut hasher = Sha256::new();
    let mut count = 0;
    let mut after = first - 1;
    loop {
        let rows: Vec<RevisionRow> = revisions::table
            .filter(revisions::id.gt(after))
            .filter(revisions::id.le(last))
            .order(revisions::id.asc())
            .limit(BATCH)
            .select(RevisionRow::as_select())
            .load(conn)?;
        let Some(end) = rows.last().map(|r| r.id) else {
            break;
        };
        for row in &rows {
            hasher.update(row.content_hash().as_bytes());
            count += 1;
        }
        after = end;
    }
    Ok((hex::encode(hasher.finalize()), count))
}

/// The newest revision's id (0 when there is none).
pub fn newest_revision(conn: &mut DbConn) -> Result<i64, AppError> {
    let newest: Option<i64> = revisions::table
        .select(diesel::dsl::max(revisions::id))
        .get_result(conn)?;
    Ok(newest.unwrap_or(0))
}

/// Seals the revisions written after revision `after` by this transaction in bulk (without
/// an event each): one event names the range and the digest of their content hashes. Call
/// inside the `audit::write` that wrote them, with the newest id from before. Returns how
/// many were sealed.
pub fn seal_written_after(conn: &mut Tx<'_>, actor: &Actor, after: i64) -> Result<i64, AppError> {
    let last = newest_revision(conn)?;
    if last <= after {
        return Ok(0);
    }
    let (digest, count) = range_digest(conn, after + 1, last)?;
    super::record(
        conn,
        actor,
        Event::new(SEAL_EVENT, "revision", "").details(json!({
            "first": after + 1,
            "last": last,
            "count": count,
            "digest": digest,
        })),
    )?;
    Ok(count)
}

/// On the first start after revisions got their own events, seals those written before, so
/// verification covers every one. Once any revision is vouched for, it does nothing: a
/// revision slipped in later must stay uncovered (and be reported), not be sealed at the
/// next start. Call inside `audit::write`.
pub fn seal_earlier_history(conn: &mut Tx<'_>, actor: &Actor) -> Result<i64, AppError> {
    let vouched: i64 = audit_events::table
        .filter(audit_events::action.eq_any([REVISION_EVENT, SEAL_EVENT]))
        .count()
        .get_result(conn.db())?;
    if vouched > 0 {
        return Ok(0);
    }
    seal_written_after(conn, actor, 0)
}

/// Checks that every revision is vouched for by an event, unchanged. Returns how many were
/// checked, or the first problem in words.
pub fn verify_revisions(conn: &mut DbConn) -> Result<Result<i64, String>, AppError> {
    let mut checked = 0_i64;
    let mut covered = 0_i64;
    let mut after_event = 0_i64;
    loop {
        let events = super::query::of_actions_after(
            conn,
            &[REVISION_EVENT, SEAL_EVENT],
            after_event,
            BATCH,
        )?;
        let Some(last_event) = events.last().map(|e| e.0) else {
            break;
        };
        for event in &events {
            let Some(cover) = covers(event) else {
                return Ok(Err(format!(
                    "audit event {} does not say which revision it records",
                    event.0
                )));
            };
            let (first, last) = match &cover {
                Covers::One { id, .. } => (*id, *id),
                Covers::Range { first, last, .. } => (*first, *last),
            };
            if let Some(stray) = first_revision_between(conn, covered, first)? {
                return Ok(Err(uncovered(stray)));
            }
            match cover {
                Covers::One { id, hash } => {
                    let row: Option<RevisionRow> = revisions::table
                        .find(id)
                        .select(RevisionRow::as_select())
                        .get_result(conn)
                        .optional()?;
                    match row {
                        None => {
                            return Ok(Err(format!(
                                "revision {id}, recorded by audit event {}, is missing (removed)",
                                event.0
                            )))
                        }
                        Some(r) if r.content_hash() != hash => {
                            return Ok(Err(format!(
                                "revision {} of {} {} (revision id {id}) differs from what audit \
                                 event {} recorded (rewritten)",
                                r.revision_no, r.entity_type, r.entity_id, event.0
                            )))
                        }
                        Some(_) => checked += 1,
                    }
                }
                Covers::Range {
                    first,
                    last,
                    digest,
                } => {
                    let (actual, count) = range_digest(conn, first, last)?;
                    if actual != digest {
                        return Ok(Err(format!(
                            "revisions {first} to {last}, sealed by audit event {}, were changed, \
                             removed or added since",
                            event.0
                        )));
                    }
                    checked += count;
                }
            }
            covered = covered.max(last);
        }
        after_event = last_event;
    }
    if let Some(stray) = first_revision_between(conn, covered, i64::MAX)? {
        return Ok(Err(uncovered(stray)));
    }
    Ok(Ok(checked))
}

fn uncovered(id: i64) -> String {
    format!("revision {id} is not recorded in the audit trail (added outside Corridor)")
}

/// The first revision id strictly between `after` and `before`.
fn first_revision_between(
    conn: &mut DbConn,
    after: i64,
    before: i64,
) -> Result<Option<i64>, AppError> {
    Ok(revisions::table
        .filter(revisions::id.gt(after))
        .filter(revisions::id.lt(before))
        .order(revisions::id.asc())
        .select(revisions::id)
        .first(conn)
        .optional()?)
}
