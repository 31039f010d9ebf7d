//! Likely duplicates: two organisations reporting one event. An incident of the same access
//! constraint, within two days, in the same district or within 5 km, that the viewer may see
//! (scoped in SQL), submitted, neither retracted nor already merged, is offered for a merge.

use std::collections::HashMap;

use chrono::TimeDelta;
use diesel::prelude::*;

use super::Scope;
use crate::db::schema::{incidents, locations};
use crate::db::{kept, lower, trim, DbConn};
use crate::domain::vocab::RecordStatus;
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
/// seeks each near place's window of the category in `incidents_likely_idx`, which carries
/// every column the scope and the window test, so an incident row is read only for a candidate
/// (its reference and title). Before, the statement walked the category's window (about 150
/// incidents a record at a million) in `incidents_category_idx` (20 µs against 12); earlier still,
/// every candidate's place was looked up in a second statement and the titles read in a third.
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
    let mut places: Vec<&Place> = records
        .iter()
        .filter(|(of, _)| of.live)
        .map(|(_, place)| *place)
        .collect();
    places.sort_unstable_by_key(|p| p.id);
    places.dedup_by_key(|p| p.id);
    let near_places = match conn {
        DbConn::Pg(c) => every_place_near(c, &places)?,
        DbConn::Sqlite(_) => places
            .iter()
            .map(|p| Ok((p.id, places_near(conn, p)?)))
            .collect::<Result<HashMap<_, _>, AppError>>()?,
    };
    let windows: Vec<Option<(Of<'_>, Vec<i64>)>> = records
        .iter()
        .map(|(of, place)| {
            let near = near_places
                .get(&place.id)
                .filter(|n| of.live && !n.is_empty())?;
            Some((*of, near.clone()))
        })
        .collect();
    let mut each = match conn {
        // Each statement is a round trip to the server, which costs more there than the
        // reading: the queue's twenty windows took 1.7 ms one by one, 0.4 ms in one statement.
        DbConn::Pg(c) => every_window(c, scope, &windows)?,
        // SQLite runs in the process: one statement per window, each seeking its places in
        // the index, is quicker than one statement reading every window from a JSON list
        // (265 µs against 446 µs for the queue's twenty, both timed from Python's sqlite3).
        DbConn::Sqlite(_) => windows
            .iter()
            .map(|w| match w {
                Some((of, near)) => one_window(conn, scope, of, near),
                None => Ok(Vec::new()),
            })
            .collect::<Result<_, _>>()?,
    };
    for found in &mut each {
        found.sort_unstable_by_key(|l: &Likely| l.id);
    }
    Ok(each)
}

/// The likely duplicates of `of` among the incidents at the places `near` (on SQLite).
/// `every_window` asks the same of many windows on PostgreSQL: a condition changed in one is
/// changed in both (the tests run on both databases).
fn one_window(
    conn: &mut DbConn,
    scope: &Scope,
    of: &Of<'_>,
    near: &[i64],
) -> Result<Vec<Likely>, AppError> {
    let rows: Vec<(i64, String, String)> = crate::first_rows!(
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
            .filter(incidents::status.ne(RecordStatus::Draft.code()))
            .filter(crate::db::one_of(incidents::location_id, near))
            // Unordered: they are listed by id afterwards.
            .select((incidents::id, incidents::reference, incidents::title))
    )?;
    Ok(rows.into_iter().map(Likely::from).collect())
}

/// The likely duplicates of every window in one statement (on PostgreSQL): the windows are
/// bound as parallel arrays, one element each, and each is searched as `one_window` searches
/// one, with its own limit. The statement's text varies only with the viewer's scope (one per
/// organisation and role), so it is kept compiled; its plan, generic or not, seeks each
/// window's places in `incidents_likely_idx`.
fn every_window(
    conn: &mut diesel::PgConnection,
    scope: &Scope,
    windows: &[Option<(Of<'_>, Vec<i64>)>],
) -> Result<Vec<Vec<Likely>>, AppError> {
    use diesel::sql_types::Text;
    use std::fmt::Write;
    let mut each: Vec<Vec<Likely>> = vec![Vec::new(); windows.len()];
    // Array literals' elements: the window's position, record, category, first and last day,
    // and places (written as one text each, `"1,2,3"`). Vocabulary codes are plain words.
    let [mut at, mut records, mut categories, mut from, mut to, mut places]: [String; 6] =
        Default::default();
    for (i, (of, near)) in windows
        .iter()
        .enumerate()
        .filter_map(|(i, w)| Some((i, w.as_ref()?)))
    {
        if !at.is_empty() {
            for list in [
                &mut at,
                &mut records,
                &mut categories,
                &mut from,
                &mut to,
                &mut places,
            ] {
                list.push(',');
            }
        }
        let ids: Vec<String> = near.iter().map(i64::to_string).collect();
        let _ = write!(at, "{i}");
        let _ = write!(records, "{}", of.id);
        let _ = write!(categories, "\"{}\"", of.category);
        let _ = write!(from, "{}", of.occurred_on - TimeDelta::days(DAYS));
        let _ = write!(to, "{}", of.occurred_on + TimeDelta::days(DAYS));
        let _ = write!(places, "\"{}\"", ids.join(","));
    }
    if at.is_empty() {
        return Ok(each);
    }
    let scope_sql = scope.record_sql("incidents", true);
    let sql = format!(
        "SELECT q.at, c.id, c.reference, c.title \
         FROM unnest(CAST('{{' || $1 || '}}' AS BIGINT[]), CAST('{{' || $2 || '}}' AS BIGINT[]), \
                     CAST('{{' || $3 || '}}' AS TEXT[]), CAST('{{' || $4 || '}}' AS DATE[]), \
                     CAST('{{' || $5 || '}}' AS DATE[]), CAST('{{' || $6 || '}}' AS TEXT[])) \
              AS q(at, record, category, first, last, places) \
         CROSS JOIN LATERAL (\
             SELECT incidents.id, incidents.reference, incidents.title FROM incidents \
             WHERE ({scope}) AND incidents.id <> q.record AND incidents.category = q.category \
               AND incidents.occurred_on >= q.first AND incidents.occurred_on <= q.last \
               AND incidents.retracted_at IS NULL AND incidents.merged_into IS NULL \
               AND incidents.status <> $7 \
               AND incidents.location_id = ANY(CAST('{{' || q.places || '}}' AS BIGINT[])) \
             LIMIT {CANDIDATES}) AS c",
        scope = scope_sql.as_deref().unwrap_or("1 = 1"),
    );
    let rows: Vec<Candidate> = kept(
        diesel::sql_query(sql)
            .bind::<Text, _>(at)
            .bind::<Text, _>(records)
            .bind::<Text, _>(categories)
            .bind::<Text, _>(from)
            .bind::<Text, _>(to)
            .bind::<Text, _>(places)
            .bind::<Text, _>(RecordStatus::Draft.code()),
    )
    .load(conn)?;
    for c in rows {
        if let Some(found) = usize::try_from(c.at).ok().and_then(|i| each.get_mut(i)) {
            found.push(Likely {
                id: c.id,
                reference: c.reference,
                title: c.title,
            });
        }
    }
    Ok(each)
}

/// A row of `every_window`: which window, and the candidate.
#[derive(diesel::QueryableByName)]
struct Candidate {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    at: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    reference: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    title: String,
}

impl From<(i64, String, String)> for Likely {
    fn from((id, reference, title): (i64, String, String)) -> Self {
        Likely {
            id,
            reference,
            title,
        }
    }
}

/// The places near `place` (itself among them when it has a district or coordinates).
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
