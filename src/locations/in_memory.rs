//! The gazetteer as pages read it, kept in the server's memory between requests
//! (`db::memory`): each record's place by id (as lists show it, and whole for the API and the
//! situation report), and the areas (governorate and district) the filters offer.
//!
//! Every list page read its fifty rows' places and the gazetteer's areas from the database on
//! every request; at 10,000 incidents on SQLite the two were a fifth of the incident list's
//! work (11% and 8% of the server's time), for answers that change only when a place does. Both
//! are kept with the count of the gazetteer's changes they were read at (`gazetteer_changes`,
//! kept by triggers on every insert, update and delete of a place, migration 410); each request
//! reads the count in its own snapshot and drops what was kept at another count.
//!
//! Scope is unchanged: a place is handed out by id only for a row the viewer's scoped query
//! found (as `find_listed` always read it, by id and unscoped), and the areas are kept whole,
//! each with the organisation its places are restricted to, and filtered for each viewer by
//! `permissions::can_view_place`, the rule `place_visible_sql` states in SQL.
//!
//! Only a read (`Db::read`) stores: a change made in a write's transaction and then rolled back
//! moves the count there, and what that transaction read must not be kept under it.

use std::collections::HashMap;
use std::sync::Arc;

use diesel::prelude::*;

use super::{Listed, Location};
use crate::db::schema::locations;
use crate::db::{kept, memory, DbConn};
use crate::domain::vocab::PlaceKind;
use crate::error::AppError;
use crate::permissions::{self, Viewer};

/// The count of the gazetteer's changes, read in the caller's snapshot (`db::stamps`).
pub fn changes(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(crate::db::stamps::read(conn)?.gazetteer)
}

/// An area with the organisation its places are restricted to (`None`: shared).
type Area = (String, String, Option<i64>);

/// What is kept, as of one count of the gazetteer's changes (`db::memory::at`).
#[derive(Default)]
struct Gazetteer {
    places: HashMap<i64, Listed>,
    locations: HashMap<i64, Location>,
    areas: Option<Arc<Vec<Area>>>,
    unmapped: Option<Arc<Vec<i64>>>,
}

/// A place as some page reads it, kept by id.
trait ById: Clone + Sized {
    fn id(&self) -> i64;
    /// Where the kept ones are.
    fn kept(gazetteer: &mut Gazetteer) -> &mut HashMap<i64, Self>;
    /// Reads the places `ids` names from the database.
    fn read(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Self>, AppError>;
}

/// `ById` for a type selectable from `locations`, kept in `Gazetteer::$field`.
macro_rules! by_id {
    ($($place:ty => $field:ident),+ $(,)?) => {$(
        impl ById for $place {
            fn id(&self) -> i64 {
                self.id
            }
            fn kept(gazetteer: &mut Gazetteer) -> &mut HashMap<i64, Self> {
                &mut gazetteer.$field
            }
            fn read(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Self>, AppError> {
                Ok(locations::table
                    .filter(crate::db::one_of(locations::id, ids))
                    .select(Self::as_select())
                    .load(conn)?)
            }
        }
    )+};
}
by_id!(Listed => places, Location => locations);

/// The places `ids` names, as lists show them, by id (unscoped: `ids` come from rows the
/// viewer's query found).
pub fn places(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Listed>, AppError> {
    by_id(conn, ids)
}

/// The places `ids` names, whole, by id (unscoped, as `places`): the API's records, a
/// report's places.
pub fn locations(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Location>, AppError> {
    by_id(conn, ids)
}

fn by_id<T: ById>(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, T>, AppError> {
    let mut found = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(found);
    }
    // Each place once (a map's five hundred points share a few hundred places).
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let changes = changes(conn)?;
    let missing: Vec<i64> = memory::at(changes, |kept: &mut Gazetteer| {
        memory::found_and_missing(T::kept(kept), &ids, |id| id, &mut found)
    })
    .unwrap_or_else(|| ids.clone());
    if missing.is_empty() {
        return Ok(found);
    }
    let read = T::read(conn, &missing)?;
    memory::keep(changes, |kept: &mut Gazetteer| {
        let kept = T::kept(kept);
        for place in &read {
            kept.insert(place.id(), place.clone());
        }
    });
    found.extend(read.into_iter().map(|place| (place.id(), place)));
    Ok(found)
}

/// The places no record at them is a map's point at, in order: those without coordinates, and
/// districts and governorates (a record there counts in its area). Usually none or a few; the
/// map's statement names them (`by_area::points`) instead of looking up every place. The same
/// rule as that statement's subquery for many of them.
pub fn unmapped(conn: &mut DbConn) -> Result<Arc<Vec<i64>>, AppError> {
    let changes = changes(conn)?;
    if let Some(kept) = memory::at(changes, |kept: &mut Gazetteer| kept.unmapped.clone()).flatten()
    {
        return Ok(kept);
    }
    let read: Vec<i64> = kept(
        locations::table
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&unmapped_sql()))
            .select(locations::id)
            .order(locations::id.asc()),
    )
    .load(conn)?;
    let read = Arc::new(read);
    memory::keep(changes, |kept: &mut Gazetteer| {
        kept.unmapped = Some(read.clone())
    });
    Ok(read)
}

/// The condition on a place of [`unmapped`], in SQL (for a statement that asks for them
/// itself).
pub fn unmapped_sql() -> String {
    format!(
        "(locations.latitude IS NULL OR locations.longitude IS NULL \
         OR locations.kind IN ('{}', '{}'))",
        PlaceKind::District.code(),
        PlaceKind::Governorate.code()
    )
}

/// The admin1 and admin2 areas of the places `viewer` may see, in order, for filters.
pub fn areas(conn: &mut DbConn, viewer: Viewer) -> Result<Vec<(String, String)>, AppError> {
    if permissions::place_scope(viewer).bound().is_none() {
        return Ok(Vec::new());
    }
    let changes = changes(conn)?;
    let all = match memory::at(changes, |kept: &mut Gazetteer| kept.areas.clone()).flatten() {
        Some(all) => all,
        None => {
            // Each area once per organisation its places are restricted to, in order.
            let read: Vec<Area> = kept(
                locations::table
                    .select((
                        locations::admin1,
                        locations::admin2,
                        locations::restricted_to_org,
                    ))
                    .distinct()
                    .order((
                        locations::admin1.asc(),
                        locations::admin2.asc(),
                        locations::restricted_to_org.asc(),
                    )),
            )
            .load(conn)?;
            let read = Arc::new(read);
            memory::keep(changes, |kept: &mut Gazetteer| {
                kept.areas = Some(read.clone())
            });
            read
        }
    };
    let mut shown: Vec<(String, String)> = Vec::new();
    for (admin1, admin2, restricted_to) in all.iter() {
        let already = shown
            .last()
            .is_some_and(|(a1, a2)| a1 == admin1 && a2 == admin2);
        if !already && permissions::can_view_place(viewer, *restricted_to) {
            shown.push((admin1.clone(), admin2.clone()));
        }
    }
    Ok(shown)
}
