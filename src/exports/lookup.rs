//! Places and organisations for one page of rows: one query each, not one per row.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::organizations;
use crate::db::DbConn;
use crate::error::AppError;
use crate::locations::{in_memory, Location};

fn distinct(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The places with these ids, by id: from the gazetteer kept in memory
/// (`locations::in_memory`), by id for the rows a scoped query found, as every page reads them.
pub fn places(
    conn: &mut DbConn,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Location>, AppError> {
    in_memory::locations(conn, &distinct(ids))
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
pub fn place_cells(place: Option<&Location>) -> [super::Cell<'_>; 6] {
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
