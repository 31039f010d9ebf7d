//! Merging a duplicate incident into the record kept: work across incidents, their claims and
//! the convoys linked to them, so it lives above the stores of both kinds. Both records are
//! checked inside the write.

use diesel::prelude::*;
use serde_json::json;

use super::store::incidents::{find_visible, find_visible_by_reference, Loaded};
use super::store::Author;
use super::Scope;
use crate::audit::Tx;
use crate::audit::{self, Event};
use crate::db::schema::{claims, incidents};
use crate::db::DbConn;
use crate::domain::FieldErrors;
use crate::domain::IncidentId;
use crate::error::AppError;
use crate::permissions;
use crate::revisions::{self, NewRevision};

/// Merges the duplicate `id` into the record `into` (typed as its reference). The duplicate
/// is kept, frozen and marked; its claims move to the record kept, each naming where it came
/// from, and so do its convoy links; figures are not added together (the coordinator edits
/// the record kept if the duplicate adds to them). Both records get a revision and an audit
/// event. `Ok(Err(errors))` when the reference names no record that can take the merge.
/// What is wrong with the record typed to keep, before anything else is checked (so a
/// form missing its reason can say at once that the reference names nothing): `None` when the
/// duplicate `id` could be merged into it.
pub fn check_target(
    conn: &mut DbConn,
    scope: &Scope,
    id: IncidentId,
    into: &str,
) -> Result<Option<&'static str>, AppError> {
    Ok(target(conn, id.get(), into, scope.viewer())?.err())
}

/// The record kept, or the message that says why `into` cannot take the merge.
fn target(
    conn: &mut DbConn,
    id: i64,
    into: &str,
    viewer: crate::permissions::Viewer,
) -> Result<Result<Loaded, &'static str>, AppError> {
    let Some(kept) = find_visible_by_reference(conn, into, viewer)? else {
        return Ok(Err("merge-into-unknown"));
    };
    if kept.incident.id == id {
        return Ok(Err("merge-into-itself"));
    }
    if !permissions::can_merge_incident(viewer, kept.facts()) {
        return Ok(Err("merge-into-closed"));
    }
    Ok(Ok(kept))
}

pub fn merge(
    conn: &mut Tx<'_>,
    author: &Author,
    id: IncidentId,
    into: &str,
    reason: &str,
) -> Result<Result<i64, FieldErrors>, AppError> {
    let id = id.get();
    let duplicate = find_visible(conn, id, author.viewer)?;
    if !permissions::can_merge_incident(author.viewer, duplicate.facts()) {
        return Err(AppError::Forbidden);
    }
    let kept = match target(conn, id, into, author.viewer)? {
        Ok(kept) => kept,
        Err(message) => {
            let mut errors = FieldErrors::new();
            errors.add("merge_into", message);
            return Ok(Err(errors));
        }
    };
    let now = audit::now();
    let claims_moved = diesel::update(claims::table.filter(claims::incident_id.eq(id)))
        .set((
            claims::incident_id.eq(kept.incident.id),
            claims::merged_from.eq(Some(id)),
        ))
        .execute(conn.db())?;
    let links_moved = super::store::convoys::move_incident_links(
        conn,
        &author.actor,
        &duplicate.incident,
        &kept.incident,
        reason,
    )?;
    diesel::update(incidents::table.find(id))
        .set((
            incidents::merged_into.eq(Some(kept.incident.id)),
            incidents::merged_at.eq(Some(now)),
            incidents::version.eq(duplicate.incident.version + 1),
            incidents::updated_at.eq(now),
        ))
        .execute(conn.db())?;
    diesel::update(incidents::table.find(kept.incident.id))
        .set((
            incidents::version.eq(kept.incident.version + 1),
            incidents::updated_at.eq(now),
        ))
        .execute(conn.db())?;
    // The claims moved: each record's search index follows its claims.
    for record in [&duplicate, &kept] {
        crate::incidents::search::index(conn, &record.incident, &record.location.search_text())?;
    }
    let (dup_ref, kept_ref) = (&duplicate.incident.reference, &kept.incident.reference);
    let mut snapshot = duplicate.incident.snapshot(&duplicate.location.label());
    snapshot["merged_into"] = json!(kept_ref);
    let dup_revision = revisions::record(
        conn,
        &author.actor,
        NewRevision {
            entity_type: "incident",
            entity_id: id,
            action: "merge",
            reason,
            changes: &json!({ "merged_into": [null, kept_ref], "claims": [claims_moved, 0] }),
            snapshot: &snapshot,
            facts: Some(duplicate.facts()),
        },
    )?;
    let kept_revision = revisions::record(
        conn,
        &author.actor,
        NewRevision {
            entity_type: "incident",
            entity_id: kept.incident.id,
            action: "duplicate",
            reason,
            changes: &json!({ "duplicate": [null, dup_ref], "claims_moved": [null, claims_moved] }),
            snapshot: &kept.incident.snapshot(&kept.location.label()),
            facts: Some(kept.facts()),
        },
    )?;
    let details = json!({
        "duplicate": dup_ref,
        "kept": kept_ref,
        "claims_moved": claims_moved,
        "convoy_links_moved": links_moved,
        "reason": reason,
    });
    audit::record(
        conn,
        &author.actor,
        Event::new("incident.merge", "incident", id)
            .details(json!({ "revision": dup_revision, "merge": details })),
    )?;
    audit::record(
        conn,
        &author.actor,
        Event::new("incident.duplicate_merged", "incident", kept.incident.id)
            .details(json!({ "revision": kept_revision, "merge": details })),
    )?;
    Ok(Ok(kept.incident.id))
}
