//! Writing convoys. Every function runs inside `audit::write` and records, with the change, a
//! revision of the convoy and an audit event.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde_json::{json, Value};

use super::places;
use super::Author;
use crate::accounts::Organization;
use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::convoys::fields::{ConvoyFields, EventFields};
use crate::convoys::model::{CargoLine, Convoy, ConvoyEvent};
use crate::db::schema::{
    cargo_lines, convoy_events, convoy_incidents, convoy_organizations, convoys, organizations,
};
use crate::db::DbConn;
use crate::domain::vocab::ConvoyStatus;
use crate::domain::ConvoyId;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::incidents::Incident;
use crate::locations::{self, Location};
use crate::permissions::{self, Viewer};
use crate::references;
use crate::revisions::{self, NewRevision};

/// A convoy with everything its page shows.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub convoy: Convoy,
    pub origin: Location,
    pub destination: Location,
    pub organization: Organization,
    pub participants: Vec<Organization>,
    pub lines: Vec<CargoLine>,
    pub events: Vec<(ConvoyEvent, Option<Location>)>,
    /// The events for which an incident is recorded (whoever may see it). The incidents
    /// themselves come through the viewer's scope (`records::convoys::linked_incidents`).
    pub recorded_events: Vec<i64>,
}

impl Loaded {
    fn snapshot(&self) -> Value {
        let names: Vec<String> = self
            .participants
            .iter()
            .map(Organization::display)
            .collect();
        self.convoy.snapshot(
            &self.origin.label(),
            &self.destination.label(),
            &names,
            &self.lines,
        )
    }
}

/// A convoy whoever asks: for writes and the records core only.
pub(in crate::records) fn find(conn: &mut DbConn, id: i64) -> Result<Loaded, AppError> {
    let convoy: Convoy = convoys::table
        .find(id)
        .select(Convoy::as_select())
        .get_result(conn)?;
    let origin = locations::find(conn, convoy.origin_id)?;
    let destination = locations::find(conn, convoy.destination_id)?;
    let organization = organizations::table
        .find(convoy.organization_id)
        .select(Organization::as_select())
        .get_result(conn)?;
    let participants = organizations::table
        .inner_join(convoy_organizations::table)
        .filter(convoy_organizations::convoy_id.eq(id))
        .order(organizations::name.asc())
        .select(Organization::as_select())
        .load(conn)?;
    let lines = cargo_lines::table
        .filter(cargo_lines::convoy_id.eq(id))
        .order(cargo_lines::position.asc())
        .select(CargoLine::as_select())
        .load(conn)?;
    let raw_events: Vec<ConvoyEvent> = convoy_events::table
        .filter(convoy_events::convoy_id.eq(id))
        .order(convoy_events::id.asc())
        .select(ConvoyEvent::as_select())
        .load(conn)?;
    let mut events = Vec::with_capacity(raw_events.len());
    for e in raw_events {
        let place = match e.location_id {
            Some(l) => Some(locations::find(conn, l)?),
            None => None,
        };
        events.push((e, place));
    }
    let recorded_events = convoy_incidents::table
        .filter(convoy_incidents::convoy_id.eq(id))
        .filter(convoy_incidents::event_id.is_not_null())
        .select(convoy_incidents::event_id.assume_not_null())
        .load(conn)?;
    Ok(Loaded {
        convoy,
        origin,
        destination,
        organization,
        participants,
        lines,
        events,
        recorded_events,
    })
}

/// A convoy the viewer may see, or 404 (for writes; pages read through `records::convoys`).
pub(in crate::records) fn find_visible(
    conn: &mut DbConn,
    id: i64,
    viewer: Viewer,
) -> Result<Loaded, AppError> {
    let loaded = find(conn, id)?;
    if permissions::can_view_record(viewer, loaded.convoy.facts()) {
        Ok(loaded)
    } else {
        Err(AppError::NotFound)
    }
}

/// Checks places and organisations without writing (for forms sent back with other errors,
/// and before a save writes anything).
pub fn check(
    conn: &mut DbConn,
    viewer: Viewer,
    f: &ConvoyFields,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    places::check(conn, viewer, &f.origin, ("origin", "place-unknown"), errors)?;
    places::check(
        conn,
        viewer,
        &f.destination,
        ("destination", "place-unknown"),
        errors,
    )?;
    let known: i64 = organizations::table
        .filter(crate::db::one_of(organizations::id, &f.participants))
        .count()
        .get_result(conn)?;
    if known != f.participants.len() as i64 {
        errors.add("participants", "org-invalid");
    }
    Ok(())
}

/// The convoy's origin and destination, new ones added to the gazetteer (call after `check`
/// found nothing wrong, so that nothing is written for a form sent back).
fn places_of(
    conn: &mut Tx<'_>,
    author: &Author,
    f: &ConvoyFields,
    organization_id: i64,
    errors: &mut FieldErrors,
) -> Result<Option<(Location, Location)>, AppError> {
    let record = super::places::undrafted(organization_id, f.sensitivity);
    let origin = places::place_for(
        conn,
        author,
        &f.origin,
        ("origin", "place-unknown"),
        record,
        errors,
    )?;
    let destination = places::place_for(
        conn,
        author,
        &f.destination,
        ("destination", "place-unknown"),
        record,
        errors,
    )?;
    Ok(origin.zip(destination))
}

fn replace_lines(conn: &mut DbConn, convoy_id: i64, f: &ConvoyFields) -> Result<(), AppError> {
    diesel::delete(cargo_lines::table.filter(cargo_lines::convoy_id.eq(convoy_id)))
        .execute(conn)?;
    for (i, line) in f.lines.iter().enumerate() {
        diesel::insert_into(cargo_lines::table)
            .values((
                cargo_lines::convoy_id.eq(convoy_id),
                cargo_lines::position.eq(i as i32 + 1),
                cargo_lines::item.eq(&line.item),
                cargo_lines::sector.eq(line.sector.code()),
                cargo_lines::quantity.eq(line.quantity),
                cargo_lines::unit.eq(&line.unit),
                cargo_lines::weight_kg.eq(line.weight_kg),
                cargo_lines::removal_note.eq(""),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn replace_participants(
    conn: &mut DbConn,
    convoy_id: i64,
    participants: &[i64],
) -> Result<(), AppError> {
    diesel::delete(
        convoy_organizations::table.filter(convoy_organizations::convoy_id.eq(convoy_id)),
    )
    .execute(conn)?;
    for org in participants {
        diesel::insert_into(convoy_organizations::table)
            .values((
                convoy_organizations::convoy_id.eq(convoy_id),
                convoy_organizations::organization_id.eq(org),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Writes a revision of the convoy and its audit event.
#[allow(clippy::too_many_arguments)] // each is a distinct part of the record of a change
fn record_change(
    conn: &mut Tx<'_>,
    actor: &Actor,
    before: Option<&Loaded>,
    id: i64,
    action: &'static str,
    reason: &str,
    audit_action: &'static str,
    extra: Value,
) -> Result<(), AppError> {
    let after = find(conn, id)?;
    // The places of a convoy others may see are shared from now on.
    let places = [&after.origin, &after.destination]
        .into_iter()
        .chain(after.events.iter().filter_map(|(_, p)| p.as_ref()));
    for place in places {
        locations::share_if_used_openly(conn, actor, place, after.convoy.facts())?;
    }
    let old = before.map(Loaded::snapshot).unwrap_or_else(|| json!({}));
    let new = after.snapshot();
    let mut changes = revisions::diff(&old, &new);
    if let (Value::Object(c), Value::Object(x)) = (&mut changes, &extra) {
        for (k, v) in x {
            c.insert(k.clone(), json!([null, v]));
        }
    }
    revisions::record_then(
        conn,
        actor,
        NewRevision {
            entity_type: "convoy",
            entity_id: id,
            action,
            reason,
            changes: &changes,
            snapshot: &new,
            facts: Some(after.convoy.facts()),
        },
        |number| {
            Event::new(audit_action, "convoy", id).details(
                json!({ "reference": after.convoy.reference, "revision": number, "changes": changes }),
            )
        },
    )?;
    Ok(())
}

/// Moves convoy `id` from place `from` to place `to` (origin, destination, events) when a
/// duplicate place is merged into the place kept, with the convoy's revision and audit event.
/// Returns how many of its events moved. For `records::place_merge`, inside its write.
pub(in crate::records) fn move_place(
    conn: &mut Tx<'_>,
    actor: &Actor,
    id: i64,
    (from, to): (i64, i64),
    reason: &str,
) -> Result<usize, AppError> {
    let before = find(conn, id)?;
    let at = convoys::table.find(id);
    diesel::update(at.filter(convoys::origin_id.eq(from)))
        .set(convoys::origin_id.eq(to))
        .execute(conn.db())?;
    diesel::update(at.filter(convoys::destination_id.eq(from)))
        .set(convoys::destination_id.eq(to))
        .execute(conn.db())?;
    let events = diesel::update(
        convoy_events::table
            .filter(convoy_events::convoy_id.eq(id))
            .filter(convoy_events::location_id.eq(from)),
    )
    .set(convoy_events::location_id.eq(Some(to)))
    .execute(conn.db())?;
    diesel::update(at)
        .set((
            convoys::version.eq(before.convoy.version + 1),
            convoys::updated_at.eq(audit::now()),
        ))
        .execute(conn.db())?;
    record_change(
        conn,
        actor,
        Some(&before),
        id,
        "place_merged",
        reason,
        "convoy.place_merged",
        json!({ "events_moved": events }),
    )?;
    Ok(events)
}

#[allow(clippy::too_many_arguments)] // the columns of one event row
fn insert_event(
    conn: &mut DbConn,
    convoy_id: i64,
    status: ConvoyStatus,
    on: NaiveDate,
    time: &str,
    place: Option<i64>,
    note: &str,
    user_id: i64,
) -> Result<i64, AppError> {
    Ok(diesel::insert_into(convoy_events::table)
        .values((
            convoy_events::convoy_id.eq(convoy_id),
            convoy_events::occurred_on.eq(on),
            convoy_events::occurred_time.eq(time),
            convoy_events::status.eq(status.code()),
            convoy_events::location_id.eq(place),
            convoy_events::note.eq(note),
            convoy_events::created_by.eq(user_id),
            convoy_events::created_at.eq(audit::now()),
        ))
        .returning(convoy_events::id)
        .get_result(conn)?)
}

/// Plans a convoy (status `planned`, with its first event).
pub fn create(
    conn: &mut Tx<'_>,
    author: &Author,
    f: &ConvoyFields,
    today: NaiveDate,
) -> Result<Result<i64, FieldErrors>, AppError> {
    let mut errors = FieldErrors::new();
    check(conn, author.viewer, f, &mut errors)?;
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let organization_id = author.viewer.organization_id;
    let Some((origin, destination)) = places_of(conn, author, f, organization_id, &mut errors)?
    else {
        return Ok(Err(errors));
    };
    let reference = references::next(conn, "CVY", today.year())?;
    let now = audit::now();
    let id: i64 = diesel::insert_into(convoys::table)
        .values((
            convoys::reference.eq(&reference),
            convoys::organization_id.eq(author.viewer.organization_id),
            convoys::origin_id.eq(origin.id),
            convoys::destination_id.eq(destination.id),
            convoys::planned_departure.eq(f.planned_departure),
            convoys::route.eq(&f.route),
            convoys::trucks.eq(f.trucks),
            convoys::beneficiaries.eq(f.beneficiaries),
            convoys::notification_ref.eq(&f.notification_ref),
            convoys::sensitivity.eq(f.sensitivity.code()),
            convoys::status.eq(ConvoyStatus::Planned.code()),
            convoys::notes.eq(&f.notes),
            convoys::created_by.eq(author.user_id),
            convoys::version.eq(1),
            convoys::created_at.eq(now),
            convoys::updated_at.eq(now),
        ))
        .returning(convoys::id)
        .get_result(conn.db())?;
    replace_participants(conn, id, &f.participants)?;
    replace_lines(conn, id, f)?;
    // The timeline starts at the planned departure (a convoy recorded after the fact), or
    // today for a convoy planned ahead.
    insert_event(
        conn,
        id,
        ConvoyStatus::Planned,
        f.planned_departure.min(today),
        "",
        Some(origin.id),
        "",
        author.user_id,
    )?;
    record_change(
        conn,
        &author.actor,
        None,
        id,
        "create",
        "",
        "convoy.create",
        json!({}),
    )?;
    Ok(Ok(id))
}

pub type Saved = crate::domain::Saved<Loaded>;

/// Saves an edit made from `version`; cargo changes only before departure.
pub fn update(
    conn: &mut Tx<'_>,
    author: &Author,
    id: ConvoyId,
    version: i32,
    f: &ConvoyFields,
) -> Result<Saved, AppError> {
    let id = id.get();
    let current = find_visible(conn, id, author.viewer)?;
    if !permissions::can_edit_record(author.viewer, current.convoy.facts()) {
        return Err(AppError::Forbidden);
    }
    if current.convoy.version != version {
        return Ok(Saved::Conflict(Box::new(current)));
    }
    let mut errors = FieldErrors::new();
    let reason = super::lowering_reason(
        current.convoy.sensitivity,
        f.sensitivity,
        &f.sensitivity_reason,
        &mut errors,
    );
    check(conn, author.viewer, f, &mut errors)?;
    if !errors.is_empty() {
        return Ok(Saved::Invalid(errors));
    }
    let organization_id = current.convoy.organization_id;
    let Some((origin, destination)) = places_of(conn, author, f, organization_id, &mut errors)?
    else {
        return Ok(Saved::Invalid(errors));
    };
    let updated = diesel::update(
        convoys::table
            .filter(convoys::id.eq(id))
            .filter(convoys::version.eq(version)),
    )
    .set((
        convoys::origin_id.eq(origin.id),
        convoys::destination_id.eq(destination.id),
        convoys::planned_departure.eq(f.planned_departure),
        convoys::route.eq(&f.route),
        convoys::trucks.eq(f.trucks),
        convoys::beneficiaries.eq(f.beneficiaries),
        convoys::notification_ref.eq(&f.notification_ref),
        convoys::sensitivity.eq(f.sensitivity.code()),
        convoys::notes.eq(&f.notes),
        convoys::version.eq(version + 1),
        convoys::updated_at.eq(audit::now()),
    ))
    .execute(conn.db())?;
    if updated != 1 {
        return Ok(Saved::Conflict(Box::new(find(conn, id)?)));
    }
    replace_participants(conn, id, &f.participants)?;
    if current.convoy.cargo_editable() {
        replace_lines(conn, id, f)?;
    }
    record_change(
        conn,
        &author.actor,
        Some(&current),
        id,
        "edit",
        reason,
        "convoy.update",
        json!({}),
    )?;
    Ok(Saved::Saved)
}

/// Records a status change with its date, place and note, and what arrived or was removed.
pub fn add_event(
    conn: &mut Tx<'_>,
    author: &Author,
    id: ConvoyId,
    e: &EventFields,
) -> Result<Result<i64, FieldErrors>, AppError> {
    let id = id.get();
    let current = find_visible(conn, id, author.viewer)?;
    if !permissions::can_edit_record(author.viewer, current.convoy.facts()) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    if !current.convoy.status().next().contains(&e.status) {
        errors.add("status", "convoy-transition-invalid");
    }
    if let Some(input) = &e.place {
        places::check(
            conn,
            author.viewer,
            input,
            ("place", "place-unknown"),
            &mut errors,
        )?;
    }
    for (i, outcome) in e.outcomes.iter().enumerate() {
        let Some(line) = current.lines.iter().find(|l| l.id == outcome.line_id) else {
            return Err(AppError::BadRequest("error-form-unreadable"));
        };
        let delivered = outcome.delivered.unwrap_or(0);
        let removed = outcome.removed.unwrap_or(0);
        if delivered > line.quantity {
            errors.add(
                crate::convoys::fields::row_field("delivered_quantity", i),
                "delivered-more-than-loaded",
            );
        } else if delivered + removed > line.quantity {
            errors.add(
                crate::convoys::fields::row_field("removed_quantity", i),
                "removed-more-than-loaded",
            );
        }
        if e.status == ConvoyStatus::Delivered
            && outcome.delivered.is_some_and(|d| d < line.quantity)
        {
            errors.add(
                crate::convoys::fields::row_field("delivered_quantity", i),
                "delivered-not-all",
            );
        }
        if outcome.delivered.is_some() && !e.status.delivers() {
            errors.add(
                crate::convoys::fields::row_field("delivered_quantity", i),
                "delivered-needs-delivery-status",
            );
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let place = match &e.place {
        Some(input) => places::place_for(
            conn,
            author,
            input,
            ("place", "place-unknown"),
            current.convoy.facts(),
            &mut errors,
        )?,
        None => None,
    };
    let event_id = insert_event(
        conn,
        id,
        e.status,
        e.occurred_on,
        &e.occurred_time,
        place.as_ref().map(|p| p.id),
        &e.note,
        author.user_id,
    )?;
    for outcome in &e.outcomes {
        let delivered = if e.status == ConvoyStatus::Delivered {
            // Everything arrived unless said otherwise.
            let line = current
                .lines
                .iter()
                .find(|l| l.id == outcome.line_id)
                .expect("checked above");
            Some(outcome.delivered.unwrap_or(line.quantity))
        } else {
            outcome.delivered
        };
        let changes_line = delivered.is_some() || outcome.removed.is_some();
        if changes_line {
            diesel::update(
                cargo_lines::table
                    .find(outcome.line_id)
                    .filter(cargo_lines::convoy_id.eq(id)),
            )
            .set((
                cargo_lines::delivered_quantity.eq(delivered),
                cargo_lines::removed_quantity.eq(outcome.removed),
                cargo_lines::removal_note.eq(&outcome.removal_note),
            ))
            .execute(conn.db())?;
        }
    }
    diesel::update(convoys::table.find(id))
        .set((
            convoys::status.eq(e.status.code()),
            convoys::version.eq(current.convoy.version + 1),
            convoys::updated_at.eq(audit::now()),
        ))
        .execute(conn.db())?;
    let detail = json!({ "event": format!("{} {} {}", e.occurred_on, e.status.code(), e.note).trim().to_string() });
    record_change(
        conn,
        &author.actor,
        Some(&current),
        id,
        "event",
        &e.note,
        "convoy.event",
        detail,
    )?;
    Ok(Ok(event_id))
}

/// What recording the incident of a convoy's obstruction event came to.
pub enum Obstruction {
    /// The incident was recorded now and linked to the event.
    Recorded(i64),
    /// An incident the author may see already records the event.
    Exists(i64),
    /// An incident the author may not see already records the event.
    ExistsHidden,
}

/// Records the incident of a convoy's obstruction event (blocked, turned back…) and links it,
/// once per event. Both records are checked here, inside the write: the author must be able to
/// edit the convoy. `Ok(Err(errors))` when the incident's place is unknown.
pub fn record_obstruction(
    conn: &mut Tx<'_>,
    author: &Author,
    event_id: i64,
    f: &crate::incidents::fields::IncidentFields,
    claim: &crate::incidents::fields::ClaimFields,
    today: NaiveDate,
) -> Result<Result<Obstruction, FieldErrors>, AppError> {
    let event = event_by_id(conn, event_id)?;
    let convoy = find_visible(conn, event.convoy_id, author.viewer)?;
    if !permissions::can_edit_record(author.viewer, convoy.convoy.facts()) {
        return Err(AppError::Forbidden);
    }
    if let Some(existing) = incident_for_event(conn, event_id)? {
        return Ok(Ok(
            match crate::records::store::incidents::find_visible(conn, existing, author.viewer) {
                Ok(_) => Obstruction::Exists(existing),
                Err(AppError::NotFound) => Obstruction::ExistsHidden,
                Err(e) => return Err(e),
            },
        ));
    }
    let created = crate::records::store::incidents::create(conn, author, f, claim, today)?;
    Ok(match created {
        Ok(incident) => {
            link_incident(
                conn,
                &author.actor,
                convoy.convoy.key(),
                &incident,
                Some(event_id),
            )?;
            Ok(Obstruction::Recorded(incident.id))
        }
        Err(errors) => Err(errors),
    })
}

/// The incident already recorded for a convoy event, if any.
pub(in crate::records) fn incident_for_event(
    conn: &mut DbConn,
    event_id: i64,
) -> Result<Option<i64>, AppError> {
    Ok(convoy_incidents::table
        .filter(convoy_incidents::event_id.eq(event_id))
        .select(convoy_incidents::incident_id)
        .get_result(conn)
        .optional()?)
}

/// Links the incident a person typed the reference of to a convoy. Both records are checked
/// inside the write: the author must be able to edit the convoy and see the incident.
/// `Ok(Err(errors))` when no incident they may see has that reference.
pub fn link_by_reference(
    conn: &mut Tx<'_>,
    author: &Author,
    convoy_id: ConvoyId,
    typed: &str,
) -> Result<Result<(), FieldErrors>, AppError> {
    let convoy_id = convoy_id.get();
    let convoy = find_visible(conn, convoy_id, author.viewer)?;
    if !permissions::can_edit_record(author.viewer, convoy.convoy.facts()) {
        return Err(AppError::Forbidden);
    }
    let Some(incident) =
        crate::records::store::incidents::find_visible_by_reference(conn, typed, author.viewer)?
    else {
        let mut errors = FieldErrors::new();
        errors.add("incident_reference", "incident-reference-unknown");
        return Ok(Err(errors));
    };
    link_incident(
        conn,
        &author.actor,
        ConvoyId::new(convoy_id),
        &incident.incident,
        None,
    )?;
    Ok(Ok(()))
}

/// Links an incident to a convoy (optionally as the record of one of its events). The caller
/// has checked the rights on both records.
pub fn link_incident(
    conn: &mut Tx<'_>,
    actor: &Actor,
    convoy_id: ConvoyId,
    incident: &Incident,
    event_id: Option<i64>,
) -> Result<bool, AppError> {
    let convoy_id = convoy_id.get();
    if is_linked(conn, convoy_id, incident.id)? {
        return Ok(false);
    }
    diesel::insert_into(convoy_incidents::table)
        .values((
            convoy_incidents::convoy_id.eq(convoy_id),
            convoy_incidents::incident_id.eq(incident.id),
            convoy_incidents::event_id.eq(event_id),
            convoy_incidents::created_at.eq(audit::now()),
        ))
        .execute(conn.db())?;
    let current = find(conn, convoy_id)?;
    record_change(
        conn,
        actor,
        Some(&current),
        convoy_id,
        "link",
        "",
        "convoy.link_incident",
        json!({ "incident": incident.reference }),
    )?;
    Ok(true)
}

fn is_linked(conn: &mut DbConn, convoy_id: i64, incident_id: i64) -> Result<bool, AppError> {
    let links: i64 = convoy_incidents::table
        .filter(convoy_incidents::convoy_id.eq(convoy_id))
        .filter(convoy_incidents::incident_id.eq(incident_id))
        .count()
        .get_result(conn)?;
    Ok(links > 0)
}

/// Moves a duplicate incident's convoy links to the record kept when the duplicate is merged
/// (a convoy already linked to the record kept keeps that one link). Each convoy touched gets
/// a revision naming both records, with the merge's reason. Returns how many convoys.
pub fn move_incident_links(
    conn: &mut Tx<'_>,
    actor: &Actor,
    duplicate: &Incident,
    kept: &Incident,
    reason: &str,
) -> Result<usize, AppError> {
    let convoy_ids: Vec<i64> = convoy_incidents::table
        .filter(convoy_incidents::incident_id.eq(duplicate.id))
        .select(convoy_incidents::convoy_id)
        .load(conn.db())?;
    for &convoy_id in &convoy_ids {
        let before = find(conn, convoy_id)?;
        let link = convoy_incidents::table
            .filter(convoy_incidents::convoy_id.eq(convoy_id))
            .filter(convoy_incidents::incident_id.eq(duplicate.id));
        if is_linked(conn, convoy_id, kept.id)? {
            diesel::delete(link).execute(conn.db())?;
        } else {
            diesel::update(link)
                .set(convoy_incidents::incident_id.eq(kept.id))
                .execute(conn.db())?;
        }
        record_change(
            conn,
            actor,
            Some(&before),
            convoy_id,
            "link",
            reason,
            "convoy.link_incident",
            json!({ "incident": kept.reference, "duplicate": duplicate.reference }),
        )?;
    }
    Ok(convoy_ids.len())
}

/// The convoy an event belongs to.
pub(in crate::records) fn event_by_id(
    conn: &mut DbConn,
    event_id: i64,
) -> Result<ConvoyEvent, AppError> {
    Ok(convoy_events::table
        .find(event_id)
        .select(ConvoyEvent::as_select())
        .get_result(conn)?)
}
