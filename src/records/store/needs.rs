//! Writing needs. Quantity delivered and status are never typed: they follow from deliveries
//! (cargo that arrived, set against the need), recomputed in the same transaction.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde_json::json;

use super::Author;
use crate::accounts::Organization;
use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::convoys::model::CargoLine;
use crate::db::schema::{cargo_lines, need_deliveries, needs, organizations};
use crate::db::DbConn;
use crate::domain::vocab::NeedStatus;
use crate::domain::FieldErrors;
use crate::domain::{ConvoyId, NeedId};
use crate::error::AppError;
use crate::locations::{self, Location, PlaceInput};
use crate::needs::fields::NeedFields;
use crate::needs::model::Need;
use crate::permissions::{self, Viewer};
use crate::references;
use crate::revisions::{self, NewRevision};

#[derive(Debug, Clone)]
pub struct Loaded {
    pub need: Need,
    pub location: Location,
    pub organization: Organization,
}

/// A need whoever asks: for writes and the records core only.
pub(in crate::records) fn find(conn: &mut DbConn, id: i64) -> Result<Loaded, AppError> {
    let need: Need = needs::table
        .find(id)
        .select(Need::as_select())
        .get_result(conn)?;
    let location = locations::find(conn, need.location_id)?;
    let organization = organizations::table
        .find(need.organization_id)
        .select(Organization::as_select())
        .get_result(conn)?;
    Ok(Loaded {
        need,
        location,
        organization,
    })
}

/// A need the viewer may see, or 404 (for writes; pages read through `records::needs`).
pub(in crate::records) fn find_visible(
    conn: &mut DbConn,
    id: i64,
    viewer: Viewer,
) -> Result<Loaded, AppError> {
    let loaded = find(conn, id)?;
    if permissions::can_view_record(viewer, loaded.need.facts()) {
        Ok(loaded)
    } else {
        Err(AppError::NotFound)
    }
}

/// Checks the need's place without writing (for forms sent back with other errors).
pub fn check_place(
    conn: &mut DbConn,
    viewer: Viewer,
    input: &PlaceInput,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    super::places::check(conn, viewer, input, ("location", "place-unknown"), errors)
}

/// The need's place, a new one added to the gazetteer (restricted to the organisation when the
/// need is confidential).
fn place_of(
    conn: &mut Tx<'_>,
    author: &Author,
    f: &NeedFields,
    organization_id: i64,
    errors: &mut FieldErrors,
) -> Result<Option<Location>, AppError> {
    let record = super::places::undrafted(organization_id, f.sensitivity);
    super::places::place_for(
        conn,
        author,
        &f.location,
        ("location", "place-unknown"),
        record,
        errors,
    )
}

fn record(
    conn: &mut Tx<'_>,
    actor: &Actor,
    before: Option<&Loaded>,
    id: i64,
    (action, reason): (&'static str, &str),
    audit_action: &'static str,
) -> Result<(), AppError> {
    let after = find(conn, id)?;
    locations::share_if_used_openly(conn, actor, &after.location, after.need.facts())?;
    let old = before
        .map(|b| b.need.snapshot(&b.location.label()))
        .unwrap_or_else(|| json!({}));
    let new = after.need.snapshot(&after.location.label());
    let changes = revisions::diff(&old, &new);
    revisions::record_then(
        conn,
        actor,
        NewRevision {
            entity_type: "need",
            entity_id: id,
            action,
            reason,
            changes: &changes,
            snapshot: &new,
            facts: Some(after.need.facts()),
        },
        |number| {
            Event::new(audit_action, "need", id).details(
                json!({ "reference": after.need.reference, "revision": number, "changes": changes, "reason": reason }),
            )
        },
    )?;
    Ok(())
}

pub fn create(
    conn: &mut Tx<'_>,
    author: &Author,
    f: &NeedFields,
    today: NaiveDate,
) -> Result<Result<i64, FieldErrors>, AppError> {
    let mut errors = FieldErrors::new();
    let organization_id = author.viewer.organization_id;
    let Some(location) = place_of(conn, author, f, organization_id, &mut errors)? else {
        return Ok(Err(errors));
    };
    let reference = references::next(conn, "NEED", today.year())?;
    let now = audit::now();
    let id: i64 = diesel::insert_into(needs::table)
        .values((
            needs::reference.eq(&reference),
            needs::facility_name.eq(&f.facility_name),
            needs::facility_type.eq(f.facility_type.code()),
            needs::location_id.eq(location.id),
            needs::item.eq(f.item.code()),
            needs::item_detail.eq(&f.item_detail),
            needs::quantity_needed.eq(f.quantity_needed),
            needs::unit.eq(&f.unit),
            needs::urgency.eq(f.urgency.code()),
            needs::urgency_rank.eq(f.urgency.rank()),
            needs::needed_by.eq(f.needed_by),
            needs::assessed_on.eq(f.assessed_on),
            needs::recorded_on.eq(today),
            needs::status.eq(NeedStatus::from_deliveries(f.cancelled, f.quantity_needed, 0).code()),
            needs::quantity_delivered.eq(0),
            needs::organization_id.eq(author.viewer.organization_id),
            needs::sensitivity.eq(f.sensitivity.code()),
            needs::notes.eq(&f.notes),
            needs::created_by.eq(author.user_id),
            needs::version.eq(1),
            needs::created_at.eq(now),
            needs::updated_at.eq(now),
        ))
        .returning(needs::id)
        .get_result(conn.db())?;
    record(conn, &author.actor, None, id, ("create", ""), "need.create")?;
    Ok(Ok(id))
}

pub type Saved = crate::domain::Saved<Loaded>;

pub fn update(
    conn: &mut Tx<'_>,
    author: &Author,
    id: NeedId,
    version: i32,
    f: &NeedFields,
) -> Result<Saved, AppError> {
    let id = id.get();
    let current = find_visible(conn, id, author.viewer)?;
    if !permissions::can_edit_record(author.viewer, current.need.facts()) {
        return Err(AppError::Forbidden);
    }
    if current.need.version != version {
        return Ok(Saved::Conflict(Box::new(current)));
    }
    let mut errors = FieldErrors::new();
    let reason = super::lowering_reason(
        current.need.sensitivity,
        f.sensitivity,
        &f.sensitivity_reason,
        &mut errors,
    );
    // Every error at once, and no new place written for a form sent back.
    check_place(conn, author.viewer, &f.location, &mut errors)?;
    if !errors.is_empty() {
        return Ok(Saved::Invalid(errors));
    }
    let organization_id = current.need.organization_id;
    let Some(location) = place_of(conn, author, f, organization_id, &mut errors)? else {
        return Ok(Saved::Invalid(errors));
    };
    if !errors.is_empty() {
        return Ok(Saved::Invalid(errors));
    }
    let status = NeedStatus::from_deliveries(
        f.cancelled,
        f.quantity_needed,
        current.need.quantity_delivered,
    );
    let updated = diesel::update(
        needs::table
            .filter(needs::id.eq(id))
            .filter(needs::version.eq(version)),
    )
    .set((
        needs::facility_name.eq(&f.facility_name),
        needs::facility_type.eq(f.facility_type.code()),
        needs::location_id.eq(location.id),
        needs::item.eq(f.item.code()),
        needs::item_detail.eq(&f.item_detail),
        needs::quantity_needed.eq(f.quantity_needed),
        needs::unit.eq(&f.unit),
        needs::urgency.eq(f.urgency.code()),
        needs::urgency_rank.eq(f.urgency.rank()),
        needs::needed_by.eq(f.needed_by),
        needs::assessed_on.eq(f.assessed_on),
        needs::status.eq(status.code()),
        needs::sensitivity.eq(f.sensitivity.code()),
        needs::notes.eq(&f.notes),
        needs::version.eq(version + 1),
        needs::updated_at.eq(audit::now()),
    ))
    .execute(conn.db())?;
    if updated != 1 {
        return Ok(Saved::Conflict(Box::new(find(conn, id)?)));
    }
    record(
        conn,
        &author.actor,
        Some(&current),
        id,
        ("edit", reason),
        "need.update",
    )?;
    Ok(Saved::Saved)
}

/// How much of a cargo line has already been set against needs (a short list: summed here,
/// since SQL `SUM` of a BIGINT differs in type between the two databases).
pub(in crate::records) fn allocated(
    conn: &mut DbConn,
    cargo_line_id: i64,
) -> Result<i64, AppError> {
    let quantities: Vec<i64> = need_deliveries::table
        .filter(need_deliveries::cargo_line_id.eq(cargo_line_id))
        .select(need_deliveries::quantity)
        .load(conn)?;
    Ok(quantities.iter().sum())
}

/// Sets `quantity` of a convoy's delivered cargo line against a need; the need's quantity
/// delivered and status follow. Both records are checked here, inside the write: the author
/// must be able to edit the convoy and see the need, and the cargo must be what the need asks
/// for, in its unit. `Ok(Err(errors))` when the need or the quantity does not fit.
pub fn add_delivery(
    conn: &mut Tx<'_>,
    author: &Author,
    convoy_id: ConvoyId,
    cargo_line_id: i64,
    need_id: NeedId,
    quantity: i64,
) -> Result<Result<(), FieldErrors>, AppError> {
    let need_id = need_id.get();
    let convoy_id = convoy_id.get();
    let convoy = crate::records::store::convoys::find_visible(conn, convoy_id, author.viewer)?;
    if !permissions::can_edit_record(author.viewer, convoy.convoy.facts()) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let line: CargoLine = cargo_lines::table
        .filter(cargo_lines::id.eq(cargo_line_id))
        .filter(cargo_lines::convoy_id.eq(convoy_id))
        .select(CargoLine::as_select())
        .get_result(conn.db())
        .optional()?
        .ok_or(AppError::BadRequest("error-form-unreadable"))?;
    let Ok(current) = find_visible(conn, need_id, author.viewer) else {
        errors.add("need", "need-invalid");
        return Ok(Err(errors));
    };
    let available = line.delivered_quantity.unwrap_or(0) - allocated(conn, cargo_line_id)?;
    if line.delivered_quantity.is_none() {
        errors.add("cargo_line", "delivery-nothing-arrived");
    } else if quantity > available {
        errors.add("quantity", "delivery-more-than-available");
    }
    if current.need.status() == NeedStatus::Cancelled {
        errors.add("need", "need-cancelled-no-delivery");
    } else if !current
        .need
        .unit
        .trim()
        .eq_ignore_ascii_case(line.unit.trim())
    {
        errors.add("need", "delivery-unit-mismatch");
    } else if let (Some(item), Some(sector)) = (current.need.item(), line.sector()) {
        if !item.carried_by(sector) {
            errors.add("need", "delivery-item-mismatch");
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    diesel::insert_into(need_deliveries::table)
        .values((
            need_deliveries::need_id.eq(need_id),
            need_deliveries::convoy_id.eq(convoy_id),
            need_deliveries::cargo_line_id.eq(cargo_line_id),
            need_deliveries::quantity.eq(quantity),
            need_deliveries::created_by.eq(author.user_id),
            need_deliveries::created_at.eq(audit::now()),
        ))
        .execute(conn.db())?;
    recompute(conn, need_id)?;
    record(
        conn,
        &author.actor,
        Some(&current),
        need_id,
        ("delivery", ""),
        "need.delivery",
    )?;
    Ok(Ok(()))
}

/// Quantity delivered and status from the deliveries.
fn recompute(conn: &mut DbConn, need_id: i64) -> Result<(), AppError> {
    let need: Need = needs::table
        .find(need_id)
        .select(Need::as_select())
        .get_result(conn)?;
    let delivered: i64 = need_deliveries::table
        .filter(need_deliveries::need_id.eq(need_id))
        .select(need_deliveries::quantity)
        .load::<i64>(conn)?
        .iter()
        .sum();
    let status = NeedStatus::from_deliveries(
        need.status() == NeedStatus::Cancelled,
        need.quantity_needed,
        delivered,
    );
    diesel::update(needs::table.find(need_id))
        .set((
            needs::quantity_delivered.eq(delivered),
            needs::status.eq(status.code()),
            needs::version.eq(need.version + 1),
            needs::updated_at.eq(audit::now()),
        ))
        .execute(conn)?;
    Ok(())
}
