//! Incidents with their place, organisation and a summary of their claims. Source names are
//! given only where the viewer may see them, claim by claim (`permissions::claim_facts`: where each was first recorded).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::lookup::{self, place_cells};
use super::{col, Cell, Column, Kind, Rows, Source, Span};
use crate::db::schema::{claims, incidents};
use crate::db::DbConn;
use crate::domain::vocab::{RecordStatus, Sensitivity, Verification};
use crate::error::AppError;
use crate::incidents::list::{self, Filter};
use crate::locations::Location;

use crate::permissions::{self, RecordFacts, Viewer};

/// The columns; the counts in the order of `model::COUNT_FIELDS`.
pub const COLUMNS: &[Column] = &[
    col("reference", "#meta+id+incident"),
    col("title", "#event+name"),
    col("narrative", "#description"),
    col("category", "#access+type"),
    col("occurred_on", "#date+occurred"),
    col("time_precision", "#meta+precision+date"),
    col("reported_on", "#date+reported"),
    col("place", "#loc+name"),
    col("admin1", "#adm1+name"),
    col("admin2", "#adm2+name"),
    col("pcode", "#loc+code"),
    col("latitude", "#geo+lat"),
    col("longitude", "#geo+lon"),
    col("location_precision", "#meta+precision+geo"),
    col("perpetrator_type", "#group+perpetrator+type"),
    col("perpetrator_name", "#group+perpetrator+name"),
    col("civilians_killed", "#affected+killed+civilians"),
    col("civilians_injured", "#affected+injured+civilians"),
    col("aid_killed_national", "#affected+killed+aid+national"),
    col(
        "aid_killed_international",
        "#affected+killed+aid+international",
    ),
    col("aid_injured_national", "#affected+injured+aid+national"),
    col(
        "aid_injured_international",
        "#affected+injured+aid+international",
    ),
    col("aid_kidnapped_national", "#affected+abducted+aid+national"),
    col(
        "aid_kidnapped_international",
        "#affected+abducted+aid+international",
    ),
    col("aid_detained_national", "#affected+detained+aid+national"),
    col(
        "aid_detained_international",
        "#affected+detained+aid+international",
    ),
    col("people_affected", "#affected+deprived"),
    col("organization", "#org+name"),
    col("sensitivity", "#meta+sensitivity"),
    col("verification", "#status+verification"),
    col("status", "#status+record"),
    col("retracted", "#status+retracted"),
    col("merged_into", "#meta+id+incident+kept"),
    col("claims", "#meta+claims+num"),
    col("sources", "#meta+source"),
    col("figures_qualifier", "#meta+figures+qualifier"),
    col("figures_scope", "#meta+figures+scope"),
    col("figures_area_period", "#meta+figures+area"),
    col("event_tags", "#event+type+tags"),
];

/// The incidents of the list page `/incidents` with the same filter, as `viewer` sees them.
pub struct Incidents {
    pub viewer: Viewer,
    pub filter: Filter,
}

impl Source for Incidents {
    fn kind(&self) -> Kind {
        Kind::Incidents
    }

    fn columns(&self) -> &'static [Column] {
        COLUMNS
    }

    fn count(&self, conn: &mut DbConn) -> Result<i64, AppError> {
        Ok(list::filtered(conn, self.viewer, &self.filter)
            .count()
            .get_result(conn)?)
    }

    fn last_id(&self, conn: &mut DbConn) -> Result<i64, AppError> {
        Ok(incidents::table
            .select(diesel::dsl::max(incidents::id))
            .first::<Option<i64>>(conn)?
            .unwrap_or(0))
    }

    fn ids(&self, conn: &mut DbConn) -> Result<Vec<i64>, AppError> {
        Ok(list::filtered(conn, self.viewer, &self.filter)
            .order(incidents::id.asc())
            .select(incidents::id)
            .load(conn)?)
    }

    fn page(&self, conn: &mut DbConn, span: Span<'_>, rows: &mut Rows<'_>) -> Result<(), AppError> {
        // Ids read beforehand answered the word search (on SQLite, run again, it would be run
        // whole for every page); every other condition is checked again.
        let unsearched;
        let filter = match span {
            Span::Ids(_) if !self.filter.text.is_empty() => {
                unsearched = Filter {
                    text: String::new(),
                    ..self.filter.clone()
                };
                &unsearched
            }
            _ => &self.filter,
        };
        let found: Vec<Exported> = list::filtered(conn, self.viewer, filter)
            .filter(span.condition(incidents::id))
            .order(incidents::id.asc())
            .select(Exported::as_select())
            .load(conn)?;
        if found.is_empty() {
            return Ok(());
        }
        let places = lookup::places(conn, found.iter().map(|i| i.location_id))?;
        // Duplicates name the record they were merged into (counted there).
        let kept_ids: Vec<i64> = found.iter().filter_map(|i| i.merged_into).collect();
        let kept: HashMap<i64, String> = if kept_ids.is_empty() {
            HashMap::new()
        } else {
            incidents::table
                .filter(crate::db::one_of(incidents::id, &kept_ids))
                .select((incidents::id, incidents::reference))
                .load::<(i64, String)>(conn)?
                .into_iter()
                .collect()
        };
        let orgs = lookup::organizations(conn, found.iter().map(|i| i.organization_id))?;
        let ids: Vec<i64> = found.iter().map(|i| i.id).collect();
        let all_claims: Vec<ClaimSource> = claims::table
            .filter(crate::db::one_of(claims::incident_id, &ids))
            .order((claims::incident_id.asc(), claims::id.asc()))
            .select(ClaimSource::as_select())
            .load(conn)?;
        let mut by_incident: HashMap<i64, Vec<&ClaimSource>> = HashMap::new();
        for c in &all_claims {
            by_incident.entry(c.incident_id).or_default().push(c);
        }
        let mut summary = String::new();
        for i in &found {
            let claims = by_incident.get(&i.id).map_or(&[][..], Vec::as_slice);
            let claims: Vec<&ClaimSource> = claims
                .iter()
                .copied()
                .filter(|c| permissions::can_view_record(self.viewer, c.facts()))
                .collect();
            summary.clear();
            sources_summary(&mut summary, &claims, self.viewer);
            let kept_as = i.merged_into.and_then(|k| kept.get(&k)).map(String::as_str);
            let place = places.get(&i.location_id);
            rows.push(&row(i, place, &orgs, claims.len(), &summary, kept_as))?;
        }
        Ok(())
    }
}

/// An incident as the export writes it: the columns it has, not the nine of 42 it leaves to
/// the record's page and history (three of them timestamps, parsed a million times for
/// nothing).
#[derive(Queryable, Selectable)]
#[diesel(table_name = incidents)]
struct Exported {
    id: i64,
    reference: String,
    title: String,
    narrative: String,
    category: String,
    #[diesel(deserialize_as = crate::db::Day)]
    occurred_on: NaiveDate,
    time_precision: String,
    #[diesel(deserialize_as = crate::db::Day)]
    reported_on: NaiveDate,
    location_id: i64,
    location_precision: String,
    perpetrator_type: String,
    perpetrator_name: String,
    /// In the order of `model::COUNT_FIELDS`.
    #[diesel(select_expression = (
        incidents::civilians_killed,
        incidents::civilians_injured,
        incidents::aid_killed_national,
        incidents::aid_killed_international,
        incidents::aid_injured_national,
        incidents::aid_injured_international,
        incidents::aid_kidnapped_national,
        incidents::aid_kidnapped_international,
        incidents::aid_detained_national,
        incidents::aid_detained_international,
        incidents::people_affected,
    ))]
    counts: Counts,
    organization_id: i64,
    sensitivity: Sensitivity,
    verification: Verification,
    status: RecordStatus,
    #[diesel(select_expression = incidents::retracted_at.is_not_null())]
    retracted: bool,
    merged_into: Option<i64>,
    figures_qualifier: String,
    figures_scope: String,
    figures_area_period: String,
    event_tags: String,
}

/// The victim and impact counts, in the order of `model::COUNT_FIELDS` (and of `COLUMNS`).
type Counts = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// What the export says of a claim (its statement and dates are on the incident's page).
#[derive(Queryable, Selectable)]
#[diesel(table_name = claims)]
pub struct ClaimSource {
    pub incident_id: i64,
    pub source_type: String,
    pub source_name: String,
    pub reliability: String,
    pub credibility: String,
    pub organization_id: Option<i64>,
    pub sensitivity: String,
}

impl ClaimSource {
    /// Whom the claim's statement and source follow (`permissions::claim_facts`).
    pub fn facts(&self) -> RecordFacts {
        permissions::claim_facts(self.organization_id, &self.sensitivity)
    }
}

/// "own_staff A1 (Convoy leader Amal); authorities F6": each claim's source type and Admiralty
/// grade, with the source's name only where `viewer` may see that claim's sources, added to `s`.
pub fn sources_summary(s: &mut String, claims: &[&ClaimSource], viewer: Viewer) {
    for c in claims {
        if !s.is_empty() {
            s.push_str("; ");
        }
        s.push_str(&c.source_type);
        s.push(' ');
        s.push_str(&c.reliability);
        s.push_str(&c.credibility);
        let names = permissions::can_see_sources(viewer, c.facts());
        if names && !c.source_name.trim().is_empty() {
            s.push_str(" (");
            s.push_str(c.source_name.trim());
            s.push(')');
        }
    }
}

/// One incident's cells, borrowed from what the page read.
fn row<'a>(
    i: &'a Exported,
    place: Option<&'a Location>,
    orgs: &'a HashMap<i64, String>,
    claims: usize,
    sources: &'a str,
    merged_into: Option<&'a str>,
) -> [Cell<'a>; COLUMNS.len()] {
    let [place, admin1, admin2, pcode, lat, lon] = place_cells(place);
    let (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) = i.counts;
    let [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] =
        [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10].map(Cell::int);
    [
        Cell::text(&i.reference),
        Cell::text(&i.title),
        Cell::text(&i.narrative),
        Cell::text(&i.category),
        Cell::Date(i.occurred_on),
        Cell::text(&i.time_precision),
        Cell::Date(i.reported_on),
        place,
        admin1,
        admin2,
        pcode,
        lat,
        lon,
        Cell::text(&i.location_precision),
        Cell::text(&i.perpetrator_type),
        Cell::text(&i.perpetrator_name),
        c0,
        c1,
        c2,
        c3,
        c4,
        c5,
        c6,
        c7,
        c8,
        c9,
        c10,
        lookup::organization(orgs, i.organization_id),
        Cell::text(i.sensitivity.code()),
        Cell::text(i.verification.code()),
        Cell::text(i.status.code()),
        Cell::Bool(i.retracted),
        merged_into.map_or(Cell::Null, Cell::text),
        Cell::Int(claims as i64),
        Cell::text(sources),
        Cell::text(&i.figures_qualifier),
        Cell::text(&i.figures_scope),
        Cell::text(&i.figures_area_period),
        Cell::text(&i.event_tags),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::COUNT_FIELDS;

    #[test]
    fn the_count_columns_follow_the_model() {
        let start = COLUMNS
            .iter()
            .position(|c| c.name == COUNT_FIELDS[0].0)
            .unwrap();
        for (k, (field, _)) in COUNT_FIELDS.iter().enumerate() {
            assert_eq!(COLUMNS[start + k].name, *field);
        }
        let mut tags: Vec<&str> = COLUMNS.iter().map(|c| c.hxl).collect();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(
            tags.len(),
            COLUMNS.len(),
            "every column has its own hashtag"
        );
    }
}
