//! Merging a duplicate place into the place kept ("Duma" typed once as a new place when
//! "Douma" was already known): work across the gazetteer and every kind of record that names
//! a place, so it lives above their stores. The incidents, convoys (origin, destination,
//! events) and needs at the duplicate move to the place kept, each with a revision; the
//! duplicate's names become names of the place kept; the duplicate stays, frozen and marked,
//! with a link to the place kept. Both places get a revision and an audit event, in one
//! transaction.

use diesel::prelude::*;
use serde_json::json;

use super::store::places::{find_managed, reindex_incidents_at};
use super::store::Author;
use crate::audit::{self, Event, Tx};
use crate::db::schema::{convoy_events, convoys, incidents, locations, needs};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::incidents::Incident;
use crate::locations::{self as gazetteer, names, Location, Resolution};
use crate::needs::model::Need;
use crate::revisions::{self, NewRevision};

/// The place a person named as the one to keep: its number (`12` or `#12`) or a name.
fn kept_place(
    conn: &mut Tx<'_>,
    author: &Author,
    typed: &str,
    errors: &mut FieldErrors,
) -> Result<Option<Location>, AppError> {
    let typed = typed.trim();
    if let Ok(id) = typed.trim_start_matches('#').parse::<i64>() {
        return match find_managed(conn, author, id) {
            Ok(place) => Ok(Some(place)),
            Err(AppError::NotFound) => {
                errors.add("merge_into", "place-merge-unknown");
                Ok(None)
            }
            Err(e) => Err(e),
        };
    }
    Ok(match gazetteer::resolve(conn, author.viewer, typed)? {
        Resolution::Found(place) => Some(*place),
        Resolution::Ambiguous(_) => {
            errors.add("merge_into", "place-merge-ambiguous");
            None
        }
        Resolution::NotFound => {
            errors.add("merge_into", "place-merge-unknown");
            None
        }
    })
}

/// What moved to the place kept.
#[derive(Debug, Default, serde::Serialize)]
struct Moved {
    incidents: usize,
    convoys: usize,
    convoy_events: usize,
    needs: usize,
}

/// Merges place `id` into the place named by `into`; `Ok(Err(errors))` when that names no
/// place that can take the merge. Returns the id of the place kept.
pub fn merge(
    conn: &mut Tx<'_>,
    author: &Author,
    id: i64,
    into: &str,
    reason: &str,
) -> Result<Result<i64, FieldErrors>, AppError> {
    let duplicate = find_managed(conn, author, id)?;
    if duplicate.merged_into.is_some() {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    if reason.trim().is_empty() {
        errors.add("merge_reason", "reason-required");
    }
    let kept = kept_place(conn, author, into, &mut errors)?;
    let Some(kept) = kept.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };
    if kept.id == id {
        errors.add("merge_into", "place-merge-itself");
        return Ok(Err(errors));
    }
    if kept.merged_into.is_some() {
        errors.add("merge_into", "place-merge-unknown");
        return Ok(Err(errors));
    }
    let now = audit::now();
    let kept_label = kept.label();
    let mut moved = Moved::default();

    // Incidents: the place is part of what their history records.
    let at: Vec<Incident> = incidents::table
        .filter(incidents::location_id.eq(id))
        .select(Incident::as_select())
        .load(conn.db())?;
    for incident in at {
        diesel::update(incidents::table.find(incident.id))
            .set((
                incidents::location_id.eq(kept.id),
                incidents::version.eq(incident.version + 1),
                incidents::updated_at.eq(now),
            ))
            .execute(conn.db())?;
        let after: Incident = incidents::table
            .find(incident.id)
            .select(Incident::as_select())
            .get_result(conn.db())?;
        revisions::record(
            conn,
            &author.actor,
            NewRevision {
                entity_type: "incident",
                entity_id: incident.id,
                action: "place_merged",
                reason,
                changes: &json!({ "location": [duplicate.label(), kept_label] }),
                snapshot: &after.snapshot(&kept_label),
                facts: Some(super::store::incidents::facts(&after)),
            },
        )?;
        moved.incidents += 1;
    }

    // Needs.
    let at: Vec<Need> = needs::table
        .filter(needs::location_id.eq(id))
        .select(Need::as_select())
        .load(conn.db())?;
    for need in at {
        diesel::update(needs::table.find(need.id))
            .set((
                needs::location_id.eq(kept.id),
                needs::version.eq(need.version + 1),
                needs::updated_at.eq(now),
            ))
            .execute(conn.db())?;
        revisions::record(
            conn,
            &author.actor,
            NewRevision {
                entity_type: "need",
                entity_id: need.id,
                action: "place_merged",
                reason,
                changes: &json!({ "location": [duplicate.label(), kept_label] }),
                snapshot: &need.snapshot(&kept_label),
                facts: Some(need.facts()),
            },
        )?;
        moved.needs += 1;
    }

    // Convoys: origin, destination and the places of their events.
    let mut convoy_ids: Vec<i64> = convoys::table
        .filter(convoys::origin_id.eq(id).or(convoys::destination_id.eq(id)))
        .select(convoys::id)
        .load(conn.db())?;
    convoy_ids.extend(
        convoy_events::table
            .filter(convoy_events::location_id.eq(Some(id)))
            .select(convoy_events::convoy_id)
            .load::<i64>(conn.db())?,
    );
    convoy_ids.sort_unstable();
    convoy_ids.dedup();
    for convoy_id in convoy_ids {
        moved.convoy_events += super::store::convoys::move_place(
            conn,
            &author.actor,
            convoy_id,
            (id, kept.id),
            reason,
        )?;
        moved.convoys += 1;
    }

    // The duplicate's names become names of the place kept (never preferred there).
    let mut kept_names = names::load(conn, kept.id)?;
    let dup_names = names::load(conn, id)?;
    for n in &dup_names {
        if !kept_names.iter().any(|k| k.name == n.name) {
            kept_names.push(names::Name {
                preferred: false,
                ..n.clone()
            });
        }
    }
    names::write(conn, kept.id, &kept_names)?;
    diesel::update(locations::table.find(kept.id))
        .set((
            locations::version.eq(kept.version + 1),
            locations::updated_at.eq(now),
        ))
        .execute(conn.db())?;
    diesel::update(locations::table.find(id))
        .set((
            locations::merged_into.eq(Some(kept.id)),
            locations::version.eq(duplicate.version + 1),
            locations::updated_at.eq(now),
        ))
        .execute(conn.db())?;
    let kept_after = gazetteer::find(conn, kept.id)?;
    reindex_incidents_at(conn, &kept_after)?;

    let dup_after = gazetteer::find(conn, id)?;
    let details = json!({
        "duplicate": id, "kept": kept.id, "reason": reason, "moved": moved,
    });
    let dup_revision = revisions::record(
        conn,
        &author.actor,
        NewRevision {
            entity_type: "location",
            entity_id: id,
            action: "merge",
            reason,
            changes: &json!({ "merged_into": [null, kept.id] }),
            snapshot: &dup_after.snapshot(&dup_names),
            facts: None,
        },
    )?;
    let kept_revision = revisions::record(
        conn,
        &author.actor,
        NewRevision {
            entity_type: "location",
            entity_id: kept.id,
            action: "duplicate",
            reason,
            changes: &json!({ "duplicate": [null, id] }),
            snapshot: &kept_after.snapshot(&kept_names),
            facts: None,
        },
    )?;
    audit::record(
        conn,
        &author.actor,
        Event::new("location.merge", "location", id)
            .details(json!({ "revision": dup_revision, "merge": details })),
    )?;
    audit::record(
        conn,
        &author.actor,
        Event::new("location.duplicate_merged", "location", kept.id)
            .details(json!({ "revision": kept_revision, "merge": details })),
    )?;
    Ok(Ok(kept.id))
}
