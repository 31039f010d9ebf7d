//! The places near a place, as likely duplicates count them: the same district (by name, any
//! case) or within 5 km. Found in the gazetteer from two indexes (the district as the
//! database's `lower` and `trim` read it, or a box around the 5 km circle), then by the exact
//! test here ([`Whereabouts::near`]).
//!
//! Every incident page and the coordinator's queue ask this of their places, and the answer
//! changes only when the gazetteer does: it is kept in the server's memory (`db::memory`), per
//! database, with the count of the gazetteer's changes it was read at (`gazetteer_changes`,
//! kept by triggers on the places, migration 410). Each request reads that count in its own
//! snapshot (one row by its key) and drops what was kept at another. On PostgreSQL the lookup
//! this spares was 0.53 ms of the database's time on every incident page (a hash join over the
//! whole gazetteer), three fifths of what the page asked of the database. Only place ids are
//! kept: they narrow the candidates a viewer may see, which are scoped in SQL, and no place
//! reaches a page from here.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::locations;
use crate::db::{kept, lower, memory, trim, DbConn};
use crate::error::AppError;
use crate::locations::Listed as Place;

/// How far apart two reports of one event may be, in kilometres.
pub const KILOMETRES: f64 = 5.0;

/// The places near each place, as of one count of the gazetteer's changes.
#[derive(Default)]
struct Neighbours {
    near: HashMap<i64, Vec<i64>>,
}

/// The places near each of `places` (each among its own when it has a district or
/// coordinates), from memory where they were kept at the gazetteer's present state.
pub fn near_each(conn: &mut DbConn, places: &[&Place]) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    if places.is_empty() {
        return Ok(HashMap::new());
    }
    let changes = crate::locations::in_memory::changes(conn)?;
    let mut found = HashMap::with_capacity(places.len());
    let missing: Vec<&Place> = memory::at(changes, |kept: &mut Neighbours| {
        memory::found_and_missing(&kept.near, places, |p| p.id, &mut found)
    })
    .unwrap_or_else(|| places.to_vec());
    if missing.is_empty() {
        return Ok(found);
    }
    let read = match conn {
        DbConn::Pg(c) => every_place_near(c, &missing)?,
        DbConn::Sqlite(_) => missing
            .iter()
            .map(|p| Ok((p.id, places_near(conn, p)?)))
            .collect::<Result<HashMap<_, _>, AppError>>()?,
    };
    memory::keep(changes, |kept: &mut Neighbours| {
        for (id, ids) in &read {
            kept.near.insert(*id, ids.clone());
        }
    });
    found.extend(read);
    Ok(found)
}

/// The places near `place`, read from the gazetteer (itself among them when it has a district
/// or coordinates).
///
/// The gazetteer is read here without the viewer's place scope, as the candidates' places were
/// before: only ids come out, and only to narrow candidates the viewer may see (scoped in
/// SQL); nothing of a place reaches the page. `every_place_near` asks the same for many places
/// on PostgreSQL: a condition changed in one is changed in both.
fn places_near(conn: &mut DbConn, place: &Place) -> Result<Vec<i64>, AppError> {
    let here = Whereabouts::of(&place.admin2, place.latitude, place.longitude);
    let [south, north, west, east] = box_around(here.at);
    let rows: Vec<(i64, String, Option<f64>, Option<f64>)> = crate::on_backend!(conn, |c| kept(
        locations::table
            .filter(
                lower(trim(locations::admin2))
                    .eq(lower(trim(&place.admin2)))
                    .or(locations::latitude
                        .between(south, north)
                        .and(locations::longitude.between(west, east))
                        .assume_not_null()),
            )
            .select((
                locations::id,
                locations::admin2,
                locations::latitude,
                locations::longitude,
            ))
    )
    .load(c))?;
    Ok(rows
        .into_iter()
        .filter(|(_, admin2, lat, lon)| here.near(&Whereabouts::of(admin2, *lat, *lon)))
        .map(|(id, ..)| id)
        .collect())
}

/// [`places_near`] for each of `places` in one statement (on PostgreSQL, where each statement
/// is a round trip): the places of each one's district and those inside each one's box, bound
/// as one JSON list (district names are free text). The box join seeks
/// `locations_position_idx`; for the district join PostgreSQL chose a hash join over the whole
/// gazetteer here (312 places, where that is cheapest, with a generic plan too), and is left to
/// choose the district index for a larger one.
fn every_place_near(
    conn: &mut diesel::PgConnection,
    places: &[&Place],
) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    let mut near: HashMap<i64, Vec<i64>> = places.iter().map(|p| (p.id, Vec::new())).collect();
    if places.is_empty() {
        return Ok(near);
    }
    let here: HashMap<i64, Whereabouts> = places
        .iter()
        .map(|p| (p.id, Whereabouts::of(&p.admin2, p.latitude, p.longitude)))
        .collect();
    let list: Vec<serde_json::Value> = places
        .iter()
        .map(|p| {
            let [s, n, w, e] = box_around(here[&p.id].at);
            serde_json::json!({ "place": p.id, "district": p.admin2, "s": s, "n": n, "w": w, "e": e })
        })
        .collect();
    let rows: Vec<NearRow> = kept(
        diesel::sql_query(
            "WITH q AS (SELECT * FROM json_to_recordset(CAST($1 AS json)) \
                 AS q(place BIGINT, district TEXT, s FLOAT8, n FLOAT8, w FLOAT8, e FLOAT8)) \
             SELECT q.place, locations.id, locations.admin2, locations.latitude, \
                    locations.longitude \
             FROM q JOIN locations ON lower(trim(locations.admin2)) = lower(trim(q.district)) \
             UNION ALL \
             SELECT q.place, locations.id, locations.admin2, locations.latitude, \
                    locations.longitude \
             FROM q JOIN locations ON locations.latitude BETWEEN q.s AND q.n \
                                  AND locations.longitude BETWEEN q.w AND q.e",
        )
        .bind::<diesel::sql_types::Text, _>(serde_json::Value::Array(list).to_string()),
    )
    .load(conn)?;
    for r in rows {
        if let (Some(from), Some(ids)) = (here.get(&r.place), near.get_mut(&r.place)) {
            if from.near(&Whereabouts::of(&r.admin2, r.latitude, r.longitude)) {
                ids.push(r.id);
            }
        }
    }
    // A place of the same district inside the box came twice.
    for ids in near.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    Ok(near)
}

/// A row of `every_place_near`: whose neighbour, and the neighbour as `places_near` reads it.
#[derive(diesel::QueryableByName)]
struct NearRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    place: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    admin2: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    latitude: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    longitude: Option<f64>,
}

/// South, north, west and east bounds (degrees) of a box holding every point within
/// `KILOMETRES` of a point; an empty box for a place without coordinates.
fn box_around(at: Option<(f64, f64)>) -> [f64; 4] {
    let Some((lat, lon)) = at else {
        // Nothing lies between 1 and 0.
        return [1.0, 0.0, 1.0, 0.0];
    };
    // A degree of latitude is 111.19 km on the sphere `kilometres` measures; a degree of
    // longitude shrinks with the cosine of the latitude, taken where the box is widest.
    // A tenth more each way keeps the box a superset through rounding.
    let dlat = KILOMETRES / 111.19 * 1.1;
    let widest = (lat.abs() + dlat).min(90.0);
    let cos = widest.to_radians().cos();
    let dlon = if cos > 0.01 { dlat / cos } else { 360.0 };
    if lon - dlon < -180.0 || lon + dlon > 180.0 {
        // Across the antimeridian, or near a pole: every longitude.
        [lat - dlat, lat + dlat, -180.0, 180.0]
    } else {
        [lat - dlat, lat + dlat, lon - dlon, lon + dlon]
    }
}

/// Where a place is, as far as likeness goes: its district (trimmed, in lower case) and its
/// coordinates.
struct Whereabouts {
    district: String,
    at: Option<(f64, f64)>,
}

impl Whereabouts {
    fn of(admin2: &str, lat: Option<f64>, lon: Option<f64>) -> Self {
        Whereabouts {
            district: admin2.trim().to_lowercase(),
            at: lat.zip(lon),
        }
    }

    /// The same district (by name, any case), or both placed within `KILOMETRES`.
    fn near(&self, other: &Whereabouts) -> bool {
        if !self.district.is_empty() && self.district == other.district {
            return true;
        }
        match (self.at, other.at) {
            (Some(a), Some(b)) => kilometres(a, b) <= KILOMETRES,
            _ => false,
        }
    }
}

/// Great-circle distance (haversine) between two points in decimal degrees.
fn kilometres((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    const EARTH_RADIUS_KM: f64 = 6371.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::{box_around, kilometres, KILOMETRES};

    #[test]
    fn distances() {
        // Douma to Harasta: about 3 km; Douma to Damascus: about 10 km.
        let douma = (33.5711, 36.4028);
        assert!(kilometres(douma, (33.5586, 36.3653)) < 5.0);
        assert!(kilometres(douma, (33.5138, 36.2765)) > 5.0);
    }

    /// Every point within 5 km of a place lies in its box (the SQL test lets through every
    /// place the exact one accepts): scanned on a grid twice the box's size, at the equator,
    /// Douma, far north and south, near a pole and beside the antimeridian.
    #[test]
    fn the_box_holds_the_circle() {
        for centre in [
            (0.0, 0.0),
            (33.5705, 36.4039),
            (64.1, -21.9),
            (-54.8, -68.3),
            (89.99, 10.0),
            (10.0, 179.99),
            (-10.0, -179.99),
        ] {
            let [south, north, west, east] = box_around(Some(centre));
            let (dlat, dlon) = ((north - south).min(0.2), (east - west).min(0.5));
            for i in -40..=40 {
                for j in -40..=40 {
                    let lat = (centre.0 + dlat * f64::from(i) / 40.0).clamp(-90.0, 90.0);
                    let mut lon = centre.1 + dlon * f64::from(j) / 40.0;
                    if lon > 180.0 {
                        lon -= 360.0;
                    } else if lon < -180.0 {
                        lon += 360.0;
                    }
                    if kilometres(centre, (lat, lon)) <= KILOMETRES {
                        assert!(
                            (south..=north).contains(&lat) && (west..=east).contains(&lon),
                            "{lat},{lon} is near {centre:?} but outside its box"
                        );
                    }
                }
            }
        }
        let [south, north, ..] = box_around(None);
        assert!(south > north, "no coordinates, no box");
    }
}
