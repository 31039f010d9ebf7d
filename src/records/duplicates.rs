//! Likely duplicates: two organisations reporting one event. An incident of the same access
//! constraint, within two days, in the same district or within 5 km, that the viewer may see
//! (scoped in SQL), submitted, neither retracted nor already merged, is offered for a merge.

use std::collections::hash_map::{Entry, HashMap};

use chrono::TimeDelta;
use diesel::prelude::*;

use super::Scope;
use crate::db::schema::{incidents, locations};
use crate::db::{kept, lower, trim, DbConn};
use crate::error::AppError;
use crate::incidents::{Incident, Listed};
use crate::locations::{Listed as Place, Location};

/// How far apart two reports of one event may be, in days and kilometres.
const DAYS: i64 = 2;
const KILOMETRES: f64 = 5.0;

/// An incident that may report the same event.
#[derive(Debug, Clone)]
pub struct Likely {
    pub id: i64,
    pub reference: String,
    pub title: String,
}

/// The most records of one window at the places near that are offered (any of them, when
/// there are more): far more than one event's reports.
const CANDIDATES: i64 = 200;

/// What the search for an incident's likely duplicates reads of it: the same from a whole
/// record (its page) as from a list's row (the coordinator's queue).
#[derive(Debug, Clone, Copy)]
pub struct Of<'a> {
    id: i64,
    category: &'a str,
    occurred_on: chrono::NaiveDate,
    /// Neither retracted nor merged: only such a record is offered duplicates.
    live: bool,
}

/// A whole record and a list's row answer the same fields and methods.
macro_rules! of_from {
    ($($record:ty),+) => {$(
        impl<'a> From<&'a $record> for Of<'a> {
            fn from(i: &'a $record) -> Self {
                Of {
                    id: i.id,
                    category: &i.category,
                    occurred_on: i.occurred_on,
                    live: !i.is_retracted() && !i.is_merged(),
                }
            }
        }
    )+};
}
of_from!(Incident, Listed);

/// The incidents the viewer may see that may report the same event as `of` at `place`.
pub fn likely(
    conn: &mut DbConn,
    scope: &Scope,
    of: &Incident,
    place: &Location,
) -> Result<Vec<Likely>, AppError> {
    Ok(likely_each(conn, scope, &[(of.into(), &place.listed())])?
        .pop()
        .unwrap_or_default())
}

/// [`likely`] for each of `records` (the coordinator's queue).
///
/// First the places near each record's place are found in the gazetteer, from two indexes
/// (the same district as the database's `lower` and `trim` read it, or inside a box around
/// the 5 km circle) and then by the exact test here ([`Whereabouts::near`]); then one statement
/// walks the record's window in `incidents_category_idx`, which carries every column the scope,
/// the window and the place test, so an incident row is read only for a candidate at a near
/// place (its reference and title). Before, every candidate's place (about 150 per record at a
/// million incidents) was looked up, in a second statement, and the titles read in a third.
///
/// On SQLite, `lower` folds the letters A–Z only: two districts spelled with an accented
/// capital in one and a small letter in the other are not taken as one district there (they
/// still are when their places are within 5 km).
pub fn likely_each(
    conn: &mut DbConn,
    scope: &Scope,
    records: &[(Of<'_>, &Place)],
) -> Result<Vec<Vec<Likely>>, AppError> {
    // Queue records often share a place: its neighbours are found once.
    let mut near_places: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut each = Vec::with_capacity(records.len());
    for (of, place) in records {
        if !of.live {
            each.push(Vec::new());
            continue;
        }
        let near = match near_places.entry(place.id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert(places_near(conn, place)?),
        };
        if near.is_empty() {
            each.push(Vec::new());
            continue;
        }
        let mut found: Vec<Likely> = crate::first_rows!(
            conn,
            CANDIDATES,
            incidents::table
                .filter(scope.records_of("incidents", true))
                .filter(incidents::id.ne(of.id))
                .filter(incidents::category.eq(of.category))
                .filter(incidents::occurred_on.ge(of.occurred_on - TimeDelta::days(DAYS)))
                .filter(incidents::occurred_on.le(of.occurred_on + TimeDelta::days(DAYS)))
                .filter(incidents::retracted_at.is_null())
                .filter(incidents::merged_into.is_null())
                // A draft is not a report yet: it is not offered.
                .filter(incidents::status.ne(crate::domain::vocab::RecordStatus::Draft.code()))
                .filter(crate::db::one_of(incidents::location_id, near))
                // No ORDER BY: ordered by date, PostgreSQL's plan for any values (the statement
                // is kept) walked the window and tested the places row by row, reading each
                // row (1.2 ms); unordered, the places are tested in the index (0.2 ms). They
                // are listed by id below.
                .select((incidents::id, incidents::reference, incidents::title))
        )?
        .into_iter()
        .map(|(id, reference, title)| Likely {
            id,
            reference,
            title,
        })
        .collect();
        found.sort_unstable_by_key(|l| l.id);
        each.push(found);
    }
    Ok(each)
}

/// The places near `place` (itself among them when it has a district or coordinates).
///
/// The gazetteer is read here without the viewer's place scope, as the candidates' places were
/// before: only ids come out, and only to narrow candidates the viewer may see (scoped in
/// SQL); nothing of a place reaches the page.
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
