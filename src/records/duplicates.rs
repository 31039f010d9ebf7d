//! Likely duplicates: two organisations reporting one event. An incident of the same access
//! constraint, within two days, in the same district or within 5 km, that the viewer may see
//! (scoped in SQL), submitted, neither retracted nor already merged, is offered for a merge.

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

/// The incidents the viewer may see that may report the same event as `of` at `place`.
pub fn likely(
    conn: &mut DbConn,
    scope: &Scope,
    of: &Incident,
    place: &Location,
) -> Result<Vec<Likely>, AppError> {
    if of.merged_into.is_some() || of.retracted_at.is_some() {
        return Ok(Vec::new());
    }
    type Candidate = (i64, String, String, String, Option<f64>, Option<f64>);
    let candidates: Vec<Candidate> = incidents::table
        .inner_join(locations::table)
        .filter(scope.records_of("incidents", true))
        .filter(incidents::id.ne(of.id))
        .filter(incidents::category.eq(&of.category))
        .filter(incidents::occurred_on.ge(of.occurred_on - TimeDelta::days(DAYS)))
        .filter(incidents::occurred_on.le(of.occurred_on + TimeDelta::days(DAYS)))
        .filter(incidents::retracted_at.is_null())
        .filter(incidents::merged_into.is_null())
        // A draft is not a report yet: it is not offered.
        .filter(incidents::status.ne(crate::domain::vocab::RecordStatus::Draft.code()))
        .order(incidents::id.asc())
        .limit(50)
        .select((
            incidents::id,
            incidents::reference,
            incidents::title,
            locations::admin2,
            locations::latitude,
            locations::longitude,
        ))
        .load(conn)?;
    Ok(candidates
        .into_iter()
        .filter(|(_, _, _, admin2, lat, lon)| near(place, admin2, *lat, *lon))
        .map(|(id, reference, title, ..)| Likely {
            id,
            reference,
            title,
        })
        .collect())
}

/// The same district (by name, any case), or both placed within `KILOMETRES`.
fn near(place: &Location, admin2: &str, lat: Option<f64>, lon: Option<f64>) -> bool {
    let district = place.admin2.trim();
    if !district.is_empty() && district.to_lowercase() == admin2.trim().to_lowercase() {
        return true;
    }
    match (place.latitude, place.longitude, lat, lon) {
        (Some(a), Some(b), Some(c), Some(d)) => kilometres((a, b), (c, d)) <= KILOMETRES,
        _ => false,
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
