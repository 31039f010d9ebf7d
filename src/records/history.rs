//! History through the viewer's scope. Each revision keeps the organisation, sensitivity and
//! status its record had then: a revision's values are shown only to those who could have seen
//! the record as it was (before and after the change), source names only to those who may see
//! the sources, and references to other records only where the viewer may see those.

use diesel::prelude::*;

use super::Scope;
use crate::db::schema::incidents;
use crate::db::DbConn;
use crate::error::AppError;
use crate::revisions::{self, FieldChange, Revision};

/// Fields of a revision that name sources.
const SOURCE_FIELDS: [&str; 1] = ["claim_source_name"];
/// Fields whose values are references of other incidents.
const INCIDENT_REFERENCE_FIELDS: [&str; 3] = ["incident", "duplicate", "merged_into"];

/// A revision as the viewer may read it.
pub struct ScopedRevision {
    pub revision: Revision,
    /// The whole revision is withheld: the record was then hidden from the viewer.
    pub withheld: bool,
    /// The changed fields; a value the viewer may not read is `None`.
    pub changes: Vec<ScopedChange>,
}

pub struct ScopedChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Every revision of a record the viewer already may see (`entity_type`, `id`), oldest first,
/// or only the newest `latest` when given (newest first then).
pub fn of(
    conn: &mut DbConn,
    scope: &Scope,
    entity_type: &str,
    id: i64,
    latest: Option<usize>,
) -> Result<Vec<ScopedRevision>, AppError> {
    // Only the latest: those, and the one before them (whether the viewer could see the record
    // before the oldest change shown decides whether its old values are theirs to read).
    match latest {
        None => {
            let all = revisions::history(conn, entity_type, id)?;
            scoped(conn, scope, all, None, false)
        }
        Some(n) => {
            let newest = revisions::latest(conn, entity_type, id, n as i64 + 1)?;
            latest_of(conn, scope, newest, n)
        }
    }
}

/// [`of`] with `latest`, from the record's newest revisions as read already (newest first, at
/// least `n + 1` of them if the record has as many).
pub fn latest_of(
    conn: &mut DbConn,
    scope: &Scope,
    mut newest: Vec<Revision>,
    n: usize,
) -> Result<Vec<ScopedRevision>, AppError> {
    newest.truncate(n + 1);
    newest.reverse();
    let before = (newest.len() > n).then(|| newest.remove(0));
    scoped(conn, scope, newest, before, true)
}

/// `all` (oldest first) as the viewer may read them, `before` the revision before the oldest;
/// newest first when `newest_first`.
fn scoped(
    conn: &mut DbConn,
    scope: &Scope,
    all: Vec<Revision>,
    before: Option<Revision>,
    newest_first: bool,
) -> Result<Vec<ScopedRevision>, AppError> {
    let mut shown = Vec::with_capacity(all.len());
    let mut seen_before = before.is_none_or(|r| scope.sees_revision(&r));
    for mut revision in all {
        let seen_after = scope.sees_revision(&revision);
        let sources = seen_after && scope.sees_revision_sources(&revision);
        let mut changes = Vec::new();
        if seen_after {
            for c in revision.field_changes() {
                changes.push(scoped_change(conn, scope, c, seen_before, sources)?);
            }
        } else {
            revision.reason.clear();
        }
        revision.changes.clear();
        shown.push(ScopedRevision {
            revision,
            withheld: !seen_after,
            changes,
        });
        seen_before = seen_after;
    }
    if newest_first {
        shown.reverse();
    }
    Ok(shown)
}

fn scoped_change(
    conn: &mut DbConn,
    scope: &Scope,
    c: FieldChange,
    seen_before: bool,
    sources: bool,
) -> Result<ScopedChange, AppError> {
    let readable = |value: String, seen: bool| seen.then_some(value);
    let mut before = readable(c.before, seen_before);
    let mut after = readable(c.after, true);
    if SOURCE_FIELDS.contains(&c.field.as_str()) && !sources {
        before = None;
        after = None;
    }
    if INCIDENT_REFERENCE_FIELDS.contains(&c.field.as_str()) {
        for value in [&mut before, &mut after] {
            if let Some(reference) = value.as_deref() {
                if !incident_reference_visible(conn, scope, reference)? {
                    *value = None;
                }
            }
        }
    }
    Ok(ScopedChange {
        field: c.field,
        before,
        after,
    })
}

/// May the viewer see the incident with this reference?
fn incident_reference_visible(
    conn: &mut DbConn,
    scope: &Scope,
    reference: &str,
) -> Result<bool, AppError> {
    let id: Option<i64> = incidents::table
        .filter(incidents::reference.eq(reference))
        .select(incidents::id)
        .get_result(conn)
        .optional()?;
    Ok(match id {
        Some(id) => super::store::incidents::find_visible(conn, id, scope.viewer()).is_ok(),
        None => false,
    })
}

/// One stretch of the revision log of every record, as a viewer may read it (the read API's
/// changes feed): the revisions the viewer could have seen, without their values.
pub struct LogStretch {
    pub shown: Vec<LoggedChange>,
    /// The id of the last revision read, when the log may go on past this stretch.
    pub resume_after: Option<i64>,
}

/// A revision the viewer could have seen: which fields changed, never their values (the
/// revision's `changes` are cleared).
pub struct LoggedChange {
    pub revision: Revision,
    pub fields: Vec<String>,
}

/// The revisions after id `after`, oldest first: at most `limit` shown, at most `scan` read
/// (so a viewer who may see little of a long log still gets an answer at once, with a place
/// to resume). A revision is shown when the scope could have seen its record as it was then
/// and `also` agrees (a narrower reader, such as the public API, adds its own condition).
pub fn log(
    conn: &mut DbConn,
    scope: &Scope,
    after: i64,
    limit: i64,
    scan: i64,
    also: impl Fn(&Revision) -> bool,
) -> Result<LogStretch, AppError> {
    use crate::db::schema::revisions;
    let read = scan.max(limit + 1);
    let scanned: Vec<Revision> = revisions::table
        .filter(revisions::id.gt(after))
        .order(revisions::id.asc())
        .limit(read)
        .select(Revision::as_select())
        .load(conn)?;
    let full = scanned.len() as i64 == read;
    let mut shown = Vec::new();
    let mut last_read = None;
    let mut stopped_early = false;
    for mut revision in scanned {
        if shown.len() as i64 == limit {
            stopped_early = true;
            break;
        }
        last_read = Some(revision.id);
        if !scope.sees_revision(&revision) || !also(&revision) {
            continue;
        }
        let fields = revision
            .field_changes()
            .into_iter()
            .map(|c| c.field)
            .collect();
        revision.changes.clear();
        shown.push(LoggedChange { revision, fields });
    }
    Ok(LogStretch {
        shown,
        resume_after: (stopped_early || full).then_some(last_read).flatten(),
    })
}
