//! Likely duplicates: two organisations reporting one event. An incident of the same access
//! constraint, within two days, in the same district or within 5 km, that the viewer may see
//! (scoped in SQL), submitted, neither retracted nor already merged, is offered for a merge.

use std::collections::HashMap;

use chrono::TimeDelta;
use diesel::prelude::*;

use super::Scope;
use crate::db::schema::{incidents, locations};
use crate::db::DbConn;
use crate::error::AppError;
use crate::incidents::Incident;
use crate::locations::Location;

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

/// How many candidates of one window are weighed: far more than one event's reports.
const CANDIDATES: i64 = 200;

/// The incidents the viewer may see that may report the same event as `of` at `place`.
pub fn likely(
    conn: &mut DbConn,
    scope: &Scope,
    of: &Incident,
    place: &Location,
) -> Result<Vec<Likely>, AppError> {
    Ok(likely_each(conn, scope, &[(of, place)])?
        .pop()
        .unwrap_or_default())
}

/// [`likely`] for each of `records` (the coordinator's queue). One index-only query per record
/// finds its candidates (`incidents_category_idx` carries every column it tests, so no
/// incident row is read); then one query reads the candidates' places, and one the titles of
/// those that are near. Reading each candidate's place in the first query cost three times
/// as much as the rest of it.
pub fn likely_each(
    conn: &mut DbConn,
    scope: &Scope,
    records: &[(&Incident, &Location)],
) -> Result<Vec<Vec<Likely>>, AppError> {
    let mut candidates: Vec<Vec<(i64, i64)>> = Vec::with_capacity(records.len());
    for (of, _) in records {
        if of.merged_into.is_some() || of.retracted_at.is_some() {
            candidates.push(Vec::new());
            continue;
        }
        candidates.push(crate::first_rows!(
            conn,
            CANDIDATES,
            incidents::table
                .filter(scope.records_of("incidents", true))
                .filter(incidents::id.ne(of.id))
                .filter(incidents::category.eq(&of.category))
                .filter(incidents::occurred_on.ge(of.occurred_on - TimeDelta::days(DAYS)))
                .filter(incidents::occurred_on.le(of.occurred_on + TimeDelta::days(DAYS)))
                .filter(incidents::retracted_at.is_null())
                .filter(incidents::merged_into.is_null())
                // A draft is not a report yet: it is not offered.
                .filter(incidents::status.ne(crate::domain::vocab::RecordStatus::Draft.code()))
                // In the index's order (no sort); those near are then listed by id.
                .order(incidents::occurred_on.asc())
                .select((incidents::id, incidents::location_id))
        )?);
    }
    let mut place_ids: Vec<i64> = candidates.iter().flatten().map(|c| c.1).collect();
    place_ids.sort_unstable();
    place_ids.dedup();
    let places: HashMap<i64, Whereabouts> = if place_ids.is_empty() {
        HashMap::new()
    } else {
        locations::table
            .filter(crate::db::one_of(locations::id, &place_ids))
            .select((
                locations::id,
                locations::admin2,
                locations::latitude,
                locations::longitude,
            ))
            .load::<(i64, String, Option<f64>, Option<f64>)>(conn)?
            .into_iter()
            .map(|(id, admin2, lat, lon)| (id, Whereabouts::of(&admin2, lat, lon)))
            .collect()
    };
    let near_ids: Vec<Vec<i64>> = records
        .iter()
        .zip(candidates)
        .map(|((_, place), found)| {
            let here = Whereabouts::of(&place.admin2, place.latitude, place.longitude);
            let mut near: Vec<i64> = found
                .into_iter()
                .filter(|(_, at)| places.get(at).is_some_and(|there| here.near(there)))
                .map(|(id, _)| id)
                .collect();
            near.sort_unstable();
            near
        })
        .collect();
    let wanted: Vec<i64> = near_ids.iter().flatten().copied().collect();
    let named: HashMap<i64, (String, String)> = if wanted.is_empty() {
        HashMap::new()
    } else {
        incidents::table
            .filter(crate::db::one_of(incidents::id, &wanted))
            .select((incidents::id, incidents::reference, incidents::title))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, reference, title)| (id, (reference, title)))
            .collect()
    };
    Ok(near_ids
        .into_iter()
        .map(|ids| {
            ids.into_iter()
                .filter_map(|id| {
                    let (reference, title) = named.get(&id)?;
                    Some(Likely {
                        id,
                        reference: reference.clone(),
                        title: title.clone(),
                    })
                })
                .collect()
        })
        .collect())
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
    use super::kilometres;

    #[test]
    fn distances() {
        // Douma to Harasta: about 3 km; Douma to Damascus: about 10 km.
        let douma = (33.5711, 36.4028);
        assert!(kilometres(douma, (33.5586, 36.3653)) < 5.0);
        assert!(kilometres(douma, (33.5138, 36.2765)) > 5.0);
    }
}
