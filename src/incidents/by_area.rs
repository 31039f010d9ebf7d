//! What the incident map shows for a list's filters: how many incidents per governorate and
//! the most recent ones placed exactly, all through the list's own scoped query (so a record
//! the viewer may not see is neither counted nor drawn). Counting sums the governorates'
//! totals (a few hundred rows however many incidents) when no category or verification is
//! asked, the area tallies (a few thousand) when the filters are among their columns;
//! otherwise (dates, a tag, one place) it is one grouped query by place, then a batched
//! lookup of those places' governorates.

use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::list::{
    count_by_place, filtered, newest, tallied_by_admin1, visible_to, Filter, SEARCH_COUNT_LIMIT,
};
use super::search;
use crate::db::kept_answers::{self, Incidents};
use crate::db::schema::incidents;
use crate::db::DbConn;
use crate::domain::vocab::LocationPrecision;
use crate::error::AppError;
use crate::permissions::Viewer;

/// At most this many points are drawn: the most recent incidents placed exactly or nearly.
pub const POINTS_CAP: i64 = 500;

/// One incident drawn as a point.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Point {
    pub id: i64,
    pub reference: String,
    pub lon: f64,
    pub lat: f64,
}

/// The map's figures for a list.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Incidents per governorate as the places name it ('' for places without one).
    pub by_admin1: Vec<(String, i64)>,
    pub points: Vec<Point>,
    /// More incidents are placed exactly than the points drawn.
    pub more_points: bool,
}

/// A map's figures, up to 500 points (some 40 kB): a few hundred maps kept at once.
impl kept_answers::Kept for Figures {
    const MOST: usize = 256;
}

/// Incidents per governorate among those `filter` matches that `viewer` may see. A text
/// search counts the matches the list counts (the newest [`SEARCH_COUNT_LIMIT`]).
pub fn by_admin1(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
) -> Result<Vec<(String, i64)>, AppError> {
    if let Some(counted) = tallied_by_admin1(conn, viewer, filter)? {
        return Ok(merged(counted));
    }
    let per_place: Vec<(i64, i64)> = if search::terms(&filter.text).is_empty() {
        count_by_place(conn, viewer, filter)?
    } else {
        let ids = newest(conn, viewer, filter, SEARCH_COUNT_LIMIT)?;
        // Through the scope again, as the list reads its rows (`newest` may have tested it in
        // the word index).
        let places: Vec<i64> = incidents::table
            .filter(crate::db::one_of(incidents::id, &ids))
            .filter(visible_to(viewer))
            .select(incidents::location_id)
            .load(conn)?;
        let mut counted: Vec<(i64, i64)> = Vec::new();
        for p in places {
            match counted.iter_mut().find(|(id, _)| *id == p) {
                Some(slot) => slot.1 += 1,
                None => counted.push((p, 1)),
            }
        }
        counted
    };
    // The places' governorates from the gazetteer kept in memory (by id: the places of rows
    // the viewer's scoped query counted).
    let ids: Vec<i64> = per_place.iter().map(|(id, _)| *id).collect();
    let places = crate::locations::find_listed(conn, &ids)?;
    let per_admin1 = per_place
        .into_iter()
        .map(|(place, n)| {
            let admin1 = places
                .get(&place)
                .map(|p| p.admin1.clone())
                .unwrap_or_default();
            (admin1, n)
        })
        .collect();
    Ok(merged(per_admin1))
}

/// Counts per governorate name summed by the name trimmed (a name typed with a stray space
/// is the same governorate), the largest first.
fn merged(counted: Vec<(String, i64)>) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = Vec::new();
    for (admin1, n) in counted {
        let admin1 = admin1.trim();
        match out.iter_mut().find(|(a, _)| a == admin1) {
            Some(slot) => slot.1 += n,
            None => out.push((admin1.to_string(), n)),
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// The most places that cannot be a map's point that `points` names in its statement (more
/// are asked for by a subquery).
pub const NAMED_UNMAPPED: usize = 200;

/// The most recent incidents (by date of the event) placed exactly or nearly at a place with
/// coordinates, at most `cap`, and whether there are more. An incident known only to its
/// district or governorate (precision "region"), or at a place that is itself a district or
/// governorate, is never a point: it counts in its area.
pub fn points(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
    cap: i64,
) -> Result<(Vec<Point>, bool), AppError> {
    // The date index carries the columns this statement reads when no other filter is given
    // (migration 400): walking the date order reads no incident row and stops at the 501st
    // (1.9 ms → 0.4–0.7 ms at a million). The places that cannot be a point come from the
    // gazetteer kept in memory: nearly always none (no condition at all) or a few, named.
    // Before, a subquery listed every place with coordinates on every request (the map took
    // 1.30 ms of the server's time a request at a million, 0.99 without it). A gazetteer with
    // many of them (every district of a country loaded) is still asked by a subquery.
    let mut q = filtered(conn, viewer, filter).filter(incidents::location_precision.eq_any([
        LocationPrecision::Exact.code(),
        LocationPrecision::Near.code(),
    ]));
    let unmapped = crate::locations::in_memory::unmapped(conn)?;
    // `+`: not a condition to find rows by (by it SQLite read every other place's incidents
    // and sorted them all by date, 7 ms at a million).
    let not_at = if unmapped.is_empty() {
        None
    } else if unmapped.len() <= NAMED_UNMAPPED {
        let ids: Vec<String> = unmapped.iter().map(i64::to_string).collect();
        Some(format!(
            "+incidents.location_id NOT IN ({})",
            ids.join(", ")
        ))
    } else {
        Some(format!(
            "+incidents.location_id NOT IN (SELECT id FROM locations WHERE {})",
            crate::locations::in_memory::unmapped_sql()
        ))
    };
    if let Some(not_at) = not_at {
        q = q.filter(diesel::dsl::sql::<Bool>(&not_at));
    }
    if !search::terms(&filter.text).is_empty() {
        let ids = newest(conn, viewer, filter, SEARCH_COUNT_LIMIT)?;
        q = q.filter(crate::db::one_of(incidents::id, &ids));
    }
    let found: Vec<(i64, String, i64)> = q
        .order((incidents::occurred_on.desc(), incidents::id.desc()))
        .limit(cap + 1)
        .select((incidents::id, incidents::reference, incidents::location_id))
        .load(conn)?;
    let more = found.len() as i64 > cap;
    // The places' coordinates from the gazetteer kept in memory (by id: these rows were found
    // by the viewer's scoped query).
    let place_ids: Vec<i64> = found.iter().map(|f| f.2).collect();
    let places = crate::locations::find_listed(conn, &place_ids)?;
    let points = found
        .into_iter()
        .take(cap as usize)
        .filter_map(|(id, reference, place)| {
            let place = places.get(&place)?;
            Some(Point {
                id,
                reference,
                lon: place.longitude?,
                lat: place.latitude?,
            })
        })
        .collect();
    Ok((points, more))
}

/// Both, for the incident list's map; kept between requests until an incident or a place is
/// written (`kept_answers`).
pub fn figures(conn: &mut DbConn, viewer: Viewer, filter: &Filter) -> Result<Figures, AppError> {
    kept_answers::kept::<Incidents, _>(conn, &viewer, filter, |conn| {
        let (points, more_points) = points(conn, viewer, filter, POINTS_CAP)?;
        Ok(Figures {
            by_admin1: by_admin1(conn, viewer, filter)?,
            points,
            more_points,
        })
    })
}
