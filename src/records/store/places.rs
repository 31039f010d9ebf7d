//! Writing the gazetteer: a coordinator's or administrator's correction of a place (names,
//! kind, areas, p-code, coordinates), with its revision and audit event in the same
//! transaction, and the search entries of the incidents there rewritten (search finds an
//! incident by every name of its place).

use diesel::prelude::*;
use serde_json::json;

use super::Author;
use crate::audit::{self, Event, Tx};
use crate::db::schema::{incidents, locations};
use crate::db::DbConn;
use crate::domain::vocab::PlaceKind;
use crate::domain::{FieldErrors, Saved};
use crate::error::AppError;
use crate::incidents::model::Incident;
use crate::incidents::search;
use crate::locations::edit::PlaceEdit;
use crate::locations::{self as gazetteer, names, Location, PlaceInput};
use crate::permissions::{self, RecordFacts, Viewer};
use crate::revisions::{self, NewRevision};

/// A place with its names, as the edit form and its conflict page show it.
pub type Loaded = (Location, Vec<names::Name>);

/// A place `author` may see and change, or 404 (403 for who may not manage places).
pub(in crate::records) fn find_managed(
    conn: &mut DbConn,
    author: &Author,
    id: i64,
) -> Result<Location, AppError> {
    let place = gazetteer::find(conn, id)?;
    if !permissions::can_view_place(author.viewer, place.restricted_to_org) {
        return Err(AppError::NotFound);
    }
    if !permissions::allows(author.viewer.role, permissions::Action::ManagePlaces) {
        return Err(AppError::Forbidden);
    }
    Ok(place)
}

/// Rewrites the search entries of the incidents at `place` (after its names changed).
pub(in crate::records) fn reindex_incidents_at(
    conn: &mut Tx<'_>,
    place: &Location,
) -> Result<usize, AppError> {
    let at: Vec<Incident> = incidents::table
        .filter(incidents::location_id.eq(place.id))
        .select(Incident::as_select())
        .load(conn.db())?;
    let text = place.search_text();
    for incident in &at {
        search::index(conn.db(), incident, &text)?;
    }
    Ok(at.len())
}

/// Saves a correction of place `id` made from `version`; `Saved::Conflict` when someone saved
/// the place in between. A merged place is frozen.
pub fn update(
    conn: &mut Tx<'_>,
    author: &Author,
    id: i64,
    version: i32,
    edit: &PlaceEdit,
) -> Result<Saved<Loaded>, AppError> {
    let before = find_managed(conn, author, id)?;
    if before.merged_into.is_some() {
        return Err(AppError::Forbidden);
    }
    let names_before = names::load(conn, id)?;
    if before.version != version {
        return Ok(Saved::Conflict(Box::new((before, names_before))));
    }
    let mut errors = FieldErrors::new();
    let coordinates = (edit.latitude.zip(edit.longitude), edit.coordinates_checked);
    if !coordinates_fit(
        conn.db(),
        &edit.admin1,
        coordinates,
        "latitude",
        &mut errors,
    )? {
        return Ok(Saved::Invalid(errors));
    }
    // Sharing is one way: a place once seen by every organisation stays so.
    let restricted = if edit.share {
        None
    } else {
        before.restricted_to_org
    };
    diesel::update(locations::table.find(id))
        .set((
            locations::kind.eq(edit.kind.map_or("", PlaceKind::code)),
            locations::country_code.eq(&edit.country_code),
            locations::admin1.eq(&edit.admin1),
            locations::admin2.eq(&edit.admin2),
            locations::admin3.eq(&edit.admin3),
            locations::pcode.eq(&edit.pcode),
            locations::latitude.eq(edit.latitude),
            locations::longitude.eq(edit.longitude),
            locations::restricted_to_org.eq(restricted),
            locations::version.eq(version + 1),
            locations::updated_at.eq(audit::now()),
        ))
        .execute(conn.db())?;
    names::write(conn, id, &edit.names)?;
    let after = gazetteer::find(conn, id)?;
    let old = before.snapshot(&names_before);
    let new = after.snapshot(&edit.names);
    let reindexed = reindex_incidents_at(conn, &after)?;
    let changes = revisions::diff(&old, &new);
    revisions::record_then(
        conn,
        &author.actor,
        NewRevision {
            entity_type: "location",
            entity_id: id,
            action: "update",
            reason: "",
            changes: &changes,
            snapshot: &new,
            facts: None,
        },
        |revision| {
            Event::new("location.update", "location", id).details(json!({
                "revision": revision, "changes": changes, "incidents_reindexed": reindexed,
            }))
        },
    )?;
    Ok(Saved::Saved)
}

/// The facts of a convoy or need (never a draft, never verified) for its places: whether a
/// new place stays with the organisation depends on them.
pub(in crate::records) fn undrafted(
    organization_id: i64,
    sensitivity: crate::domain::vocab::Sensitivity,
) -> RecordFacts {
    RecordFacts {
        organization_id,
        sensitivity,
        status: crate::domain::vocab::RecordStatus::Submitted,
        verification: crate::domain::vocab::Verification::Unverified,
        retracted: false,
    }
}

/// Finds or creates the place of a record with `record` facts, noting a problem under
/// `field` (`unknown`: the message for a name nobody answers to). A new place typed on a
/// draft or confidential record stays with the author's organisation until a record others
/// may see uses it; a place used by such a record is shared from now on.
pub(in crate::records) fn place_for(
    conn: &mut Tx<'_>,
    author: &Author,
    input: &PlaceInput,
    (field, unknown): (&'static str, &'static str),
    record: RecordFacts,
    errors: &mut FieldErrors,
) -> Result<Option<Location>, AppError> {
    let found = match input {
        PlaceInput::New(fields) => {
            if !new_coordinates_fit(conn.db(), fields, errors)? {
                return Ok(None);
            }
            let restricted = (!permissions::seen_beyond_organization(record))
                .then_some(author.viewer.organization_id);
            Some(gazetteer::create(conn, &author.actor, fields, restricted)?)
        }
        PlaceInput::Typed(typed) => {
            gazetteer::pick(conn, author.viewer, typed, field, unknown, errors)?
        }
    };
    if let Some(l) = &found {
        gazetteer::share_if_used_openly(conn, &author.actor, l, record)?;
    }
    Ok(found)
}

/// Looks up the places a form names, without writing anything (for forms sent back with other
/// errors, whose fields did not parse).
pub fn check_typed(
    conn: &mut DbConn,
    viewer: Viewer,
    typed: &[gazetteer::TypedPlace],
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    for t in typed {
        let input = PlaceInput::Typed(t.text.clone());
        check(conn, viewer, &input, (t.field, t.unknown), errors)?;
    }
    Ok(())
}

/// Checks a typed place without writing anything (for forms sent back with other errors); a
/// new place has nothing to look up.
pub fn check(
    conn: &mut DbConn,
    viewer: Viewer,
    input: &PlaceInput,
    (field, unknown): (&'static str, &'static str),
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    match input {
        PlaceInput::Typed(typed) => {
            gazetteer::pick(conn, viewer, typed, field, unknown, errors)?;
        }
        PlaceInput::New(fields) => {
            new_coordinates_fit(conn, fields, errors)?;
        }
    }
    Ok(())
}

/// A new place's coordinates, checked as `coordinates_fit` does, beside its latitude field.
fn new_coordinates_fit(
    conn: &mut DbConn,
    fields: &gazetteer::PlaceFields,
    errors: &mut FieldErrors,
) -> Result<bool, AppError> {
    let coordinates = (
        fields.latitude.zip(fields.longitude),
        fields.coordinates_checked,
    );
    let field = format!("{}_lat", fields.prefix);
    coordinates_fit(conn, &fields.admin1, coordinates, field, errors)
}

/// A place's coordinates (latitude, longitude) must lie in the governorate typed with them
/// (where its outline is known), unless the person ticked that they are right: swapped
/// latitude and longitude, or a lost minus sign, put a place in another country. Notes the
/// problem under `field`; `false` when there is one.
fn coordinates_fit(
    conn: &mut DbConn,
    admin1: &str,
    (coordinates, checked): (Option<(f64, f64)>, bool),
    field: impl Into<std::borrow::Cow<'static, str>>,
    errors: &mut FieldErrors,
) -> Result<bool, AppError> {
    let Some((lat, lon)) = coordinates else {
        return Ok(true);
    };
    if checked || admin1.trim().is_empty() {
        return Ok(true);
    }
    let outside = gazetteer::boundaries::governorate_outline(conn, admin1)?
        .is_some_and(|area| !area.outline.contains(lon, lat));
    if outside {
        errors.add(field, "place-coordinates-outside");
    }
    Ok(!outside)
}
