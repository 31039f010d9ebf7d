//! Places and organisations for one page of rows: one query each, not one per row.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::{locations, organizations};
use crate::db::DbConn;
use crate::error::AppError;

/// What an export says of a place.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = locations)]
pub struct Place {
    pub id: i64,
    pub name: String,
    pub admin1: String,
    pub admin2: String,
    pub pcode: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

fn distinct(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The places with these ids, by id.
pub fn places(
    conn: &mut DbConn,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Place>, AppError> {
    let found: Vec<Place> = locations::table
        .filter(crate::db::one_of(locations::id, &distinct(ids)))
        .select(Place::as_select())
        .load(conn)?;
    Ok(found.into_iter().map(|l| (l.id, l)).collect())
}

/// The full name of organisation `id` in `orgs` (empty if it is not there).
pub fn organization(orgs: &HashMap<i64, String>, id: i64) -> super::Cell<'_> {
    super::Cell::text(orgs.get(&id).map_or("", String::as_str))
}

/// The full names of the organisations with these ids, by id.
pub fn organizations(
    conn: &mut DbConn,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, AppError> {
    let found: Vec<(i64, String)> = organizations::table
        .filter(crate::db::one_of(organizations::id, &distinct(ids)))
        .select((organizations::id, organizations::name))
        .load(conn)?;
    Ok(found.into_iter().collect())
}

/// A place's columns: name, admin1, admin2, p-code, latitude, longitude.
pub fn place_cells(place: Option<&Place>) -> [super::Cell<'_>; 6] {
    use super::Cell;
    match place {
        Some(l) => [
            Cell::text(&l.name),
            Cell::text(&l.admin1),
            Cell::text(&l.admin2),
            Cell::text(&l.pcode),
            Cell::float(l.latitude),
            Cell::float(l.longitude),
        ],
        None => [
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::Null,
        ],
    }
}
