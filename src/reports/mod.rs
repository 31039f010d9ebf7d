//! The situation report: figures over a period and area, with a SHA-256 digest of exactly the
//! data shown, so a printed copy can be checked against the system later. The incidents'
//! figures come from one walk of the period's incidents (`tally`), the convoys' from the
//! indexes (`convoys`); a year at a million incidents takes about 0.3 s.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::db::schema::{claims, incidents, needs};
use crate::db::DbConn;

mod convoys;
mod tally;
use crate::domain::vocab::{
    Category, FiguresQualifier, FiguresScope, Sensitivity, Urgency, Verification,
};
use crate::error::AppError;
use crate::incidents::by_area;
use crate::incidents::list::{filtered, Filter};
use crate::incidents::Incident;
use crate::locations::Location;
use crate::permissions::{self, Viewer};

/// Who the report is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Audience {
    /// Everything the viewer may see.
    Internal,
    /// Only public records, withholding source identities, exact coordinates, facility
    /// names and narratives; counts only.
    Public,
}

/// The report's parameters, as the URL carries them (so a report can be reproduced).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportQuery {
    pub from: String,
    pub to: String,
    pub admin1: String,
    pub admin2: String,
    pub organization: String,
    pub category: Vec<String>,
    /// Any of these verification statuses (none: every status).
    pub verification: Vec<String>,
    pub audience: String,
}

/// Parsed parameters.
#[derive(Debug, Clone, Serialize)]
pub struct Params {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub organization_id: Option<i64>,
    pub categories: Vec<&'static str>,
    /// Verification statuses counted (empty: all).
    pub verifications: Vec<&'static str>,
    pub audience: Audience,
}

impl ReportQuery {
    /// Checks the parameters; the problems are message ids by field.
    pub fn parse(&self, errors: &mut crate::domain::FieldErrors) -> Option<Params> {
        let date = |s: &str| crate::domain::values::iso_date(s).ok_or("date-invalid");
        let from = errors.check("from", date(&self.from));
        let to = errors.check("to", date(&self.to));
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                errors.add("to", "report-period-reversed");
            }
            if (t - f).num_days() > 366 * 5 {
                errors.add("to", "report-period-too-long");
            }
        }
        let mut categories = Vec::new();
        for c in self.category.iter().filter(|c| !c.trim().is_empty()) {
            match Category::parse(c) {
                Ok(c) => categories.push(c.code()),
                Err(e) => errors.add("category", e),
            }
        }
        let mut verifications = Vec::new();
        for v in self.verification.iter().filter(|v| !v.trim().is_empty()) {
            match Verification::parse(v) {
                Ok(v) if !verifications.contains(&v.code()) => verifications.push(v.code()),
                Ok(_) => {}
                Err(e) => errors.add("verification", e),
            }
        }
        let audience = match self.audience.trim() {
            "" | "internal" => Some(Audience::Internal),
            "public" => Some(Audience::Public),
            _ => {
                errors.add("audience", "report-audience-invalid");
                None
            }
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        if !errors.is_empty() {
            return None;
        }
        Some(Params {
            from: from?,
            to: to?,
            admin1: opt(&self.admin1),
            admin2: opt(&self.admin2),
            organization_id: self.organization.trim().parse().ok(),
            categories,
            verifications,
            audience: audience?,
        })
    }
}

/// A sum over records that says how many of them reported the figure: a record that did not
/// report it adds nothing and is not counted as reporting zero.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figure {
    /// The sum of the values reported (meaningless when `reported` is 0).
    pub total: i64,
    /// How many records reported a value.
    pub reported: i64,
    /// How exact the sum is: `exact`, or `at_least` / `about` when a value added was.
    pub qualifier: &'static str,
}

impl Figure {
    fn add(&mut self, value: Option<i64>, qualifier: FiguresQualifier) {
        let Some(v) = value else { return };
        self.total += v;
        self.reported += 1;
        self.qualifier = match (self.qualifier, qualifier) {
            ("about", _) | (_, FiguresQualifier::About) => "about",
            ("at_least", _) | (_, FiguresQualifier::AtLeast) => "at_least",
            _ => "exact",
        };
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub incidents: i64,
    /// Incidents whose figures are their own (not an area over a period): the totals are
    /// theirs, and say on how many of them each figure was reported.
    pub with_own_figures: i64,
    pub killed: Figure,
    pub injured: Figure,
    pub aid_workers: Figure,
    pub people_affected: Figure,
    /// Incidents counted that are not verified yet, and that are disputed.
    pub unverified: i64,
    pub disputed: i64,
}

/// Figures reported for an area over a period, shown beside the incident totals (never
/// added into them).
#[derive(Debug, Clone, Serialize)]
pub struct AreaFigures {
    pub id: i64,
    pub reference: String,
    pub occurred_on: NaiveDate,
    pub place: String,
    /// The area and period in words (withheld in a public report, which names the district).
    pub area_period: String,
    pub qualifier: String,
    pub killed: Option<i64>,
    pub injured: Option<i64>,
    pub aid_workers: Option<i64>,
    pub people_affected: Option<i64>,
    pub verification: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaceCount {
    pub place: String,
    pub admin1: String,
    pub incidents: i64,
    /// Killed, from the place's incidents that reported it (area-over-period figures left
    /// out); `None` when none did.
    pub killed: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConvoyFigures {
    pub total: i64,
    pub planned: i64,
    pub en_route: i64,
    pub delivered: i64,
    pub partially_delivered: i64,
    pub blocked: i64,
    pub turned_back: i64,
    pub cancelled: i64,
    pub beneficiaries_targeted: i64,
    pub beneficiaries_reached: i64,
    /// Cargo removed on the way: (item, unit, quantity).
    pub removed: Vec<(String, String, i64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeedLine {
    pub reference: String,
    /// Withheld (empty) for the public audience.
    pub facility: String,
    pub place: String,
    pub item: String,
    pub outstanding: i64,
    pub unit: String,
    pub needed_by: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyIncident {
    pub id: i64,
    pub reference: String,
    pub occurred_on: NaiveDate,
    pub title: String,
    pub category: String,
    pub place: String,
    pub killed: Option<i64>,
    /// The figures are an area's over a period (shown, but not the incident's own).
    pub area_figures: bool,
    pub verification: String,
    /// Admiralty grades of its claims, e.g. "A1; F6".
    pub grading: String,
}

/// Everything a report shows; its digest is taken over this, serialised.
#[derive(Debug, Clone, Serialize)]
pub struct ReportData {
    pub params: Params,
    pub headline: Headline,
    /// Area-over-period figures, beside the totals.
    pub area_figures: Vec<AreaFigures>,
    pub by_category: Vec<(String, i64)>,
    /// Incidents per event tag, most first.
    pub by_tag: Vec<(String, i64)>,
    /// Monday of each week in the period, and the incidents that week.
    pub by_week: Vec<(NaiveDate, i64)>,
    pub places: Vec<PlaceCount>,
    /// Incidents per governorate as the places name it (the map).
    pub by_admin1: Vec<(String, i64)>,
    /// The most recent incidents placed exactly or nearly (none in a public report).
    pub map_points: Vec<by_area::Point>,
    pub more_map_points: bool,
    pub convoys: ConvoyFigures,
    pub critical_needs: Vec<NeedLine>,
    pub key_incidents: Vec<KeyIncident>,
    /// The most sensitive level of what is included.
    pub marking: String,
    pub records: i64,
    pub data_as_of: NaiveDateTime,
    /// The coordinator's summary paragraph kept with these parameters (empty: none).
    pub summary: String,
}

impl ReportData {
    /// SHA-256 over the canonical JSON of the report's data.
    pub fn digest(&self) -> String {
        let canonical = serde_json::to_string(self).unwrap_or_default();
        hex::encode(Sha256::digest(canonical.as_bytes()))
    }
}

use crate::db::Backend;

fn incident_filter(p: &Params) -> Filter {
    Filter {
        from: Some(p.from),
        to: Some(p.to),
        admin1: p.admin1.clone(),
        admin2: p.admin2.clone(),
        organization_id: p.organization_id,
        sensitivity: (p.audience == Audience::Public).then_some(Sensitivity::Public),
        include_retracted: false,
        exclude_drafts: true,
        categories: p
            .categories
            .iter()
            .filter_map(|c| Category::parse(c).ok())
            .collect(),
        verifications: p
            .verifications
            .iter()
            .filter_map(|v| Verification::parse(v).ok())
            .collect(),
        ..Default::default()
    }
}

/// Needs in the report's scope (area, organisation, audience, visibility).
fn need_scope(viewer: Viewer, p: &Params) -> needs::BoxedQuery<'static, Backend> {
    let mut q = needs::table.into_boxed::<Backend>();
    if let Some(v) = permissions::visible_sql(viewer, "needs", false) {
        q = q.filter(diesel::dsl::sql::<Bool>(&v));
    }
    if p.audience == Audience::Public {
        q = q.filter(needs::sensitivity.eq(Sensitivity::Public.code()));
    }
    if let Some(org) = p.organization_id {
        q = q.filter(needs::organization_id.eq(org));
    }
    for condition in in_area("needs.location_id", p) {
        q = q.filter(condition);
    }
    q
}

/// The report's area (governorate, district) as conditions on a record's place column.
fn in_area<T>(place: &'static str, p: &Params) -> Vec<crate::db::BoxedCondition<T>> {
    crate::locations::in_areas(place, p.admin1.as_deref(), p.admin2.as_deref())
}

/// The report's data, as `viewer` may see it.
pub fn build(conn: &mut DbConn, viewer: Viewer, p: &Params) -> Result<ReportData, AppError> {
    let f = incident_filter(p);
    let mut pass = tally::Pass::new(p.from, p.to);
    tally::walk(conn, viewer, &f, &mut pass)?;
    let (convoys, convoy_levels) = convoys::figures(conn, viewer, p)?;
    let tally::Tally {
        headline,
        by_category,
        by_tag,
        by_week,
        per_place,
        key_ids,
        any_area,
        most_sensitive,
    } = pass.finish();
    // Places as the audience may read them: a public report counts districts, never the
    // exact place, so each place's figures are added into its district first.
    let place_ids: Vec<i64> = per_place.keys().copied().collect();
    let per_place_counts: Vec<(i64, i64)> =
        per_place.iter().map(|(id, (n, _))| (*id, *n)).collect();
    let place_rows = crate::locations::find_many(conn, &place_ids)?;
    let mut per_name: std::collections::HashMap<(String, String), (i64, Option<i64>)> =
        std::collections::HashMap::new();
    for (id, (n, k)) in per_place {
        let Some(l) = place_rows.get(&id) else {
            continue;
        };
        let e = per_name
            .entry((place_name(p.audience, l), l.admin1.clone()))
            .or_default();
        e.0 += n;
        if let Some(k) = k {
            e.1 = Some(e.1.unwrap_or(0) + k);
        }
    }
    let mut places: Vec<PlaceCount> = per_name
        .into_iter()
        .map(|((place, admin1), (incidents, killed))| PlaceCount {
            place,
            admin1,
            incidents,
            killed,
        })
        .collect();
    places.sort_by(|a, b| {
        b.incidents
            .cmp(&a.incidents)
            .then(b.killed.unwrap_or(0).cmp(&a.killed.unwrap_or(0)))
            .then(a.place.cmp(&b.place))
    });
    places.truncate(10);
    // The map's figures: every governorate, and (internal reports only) the most recent
    // incidents placed exactly or nearly; a public report places nothing below a governorate.
    let mut by_admin1: Vec<(String, i64)> = Vec::new();
    for (id, n) in &per_place_counts {
        let admin1 = place_rows
            .get(id)
            .map(|l| l.admin1.trim().to_string())
            .unwrap_or_default();
        match by_admin1.iter_mut().find(|(a, _)| *a == admin1) {
            Some(slot) => slot.1 += n,
            None => by_admin1.push((admin1, *n)),
        }
    }
    by_admin1.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (map_points, more_map_points) = match p.audience {
        Audience::Internal => by_area::points(conn, viewer, &f, by_area::POINTS_CAP)?,
        Audience::Public => (Vec::new(), false),
    };

    let (critical_needs, need_levels) = critical_needs(conn, viewer, p)?;
    let key_incidents = key_incidents(conn, &key_ids, p)?;
    let area_figures = area_figures(conn, viewer, &f, any_area, &place_rows, p)?;
    let summary = summary_of(conn, p)?;

    // The marking: the most sensitive level among what was counted.
    let marking = if p.audience == Audience::Public {
        Sensitivity::Public
    } else {
        most_sensitive
            .into_iter()
            .chain(convoy_levels)
            .chain(need_levels)
            .max_by_key(|s| s.rank())
            .unwrap_or(Sensitivity::Public)
    };
    let records = headline.incidents + convoys.total + critical_needs.len() as i64;
    Ok(ReportData {
        params: p.clone(),
        headline,
        area_figures,
        by_category,
        by_tag,
        by_week,
        places,
        by_admin1,
        map_points,
        more_map_points,
        convoys,
        critical_needs,
        key_incidents,
        marking: marking.code().to_string(),
        records,
        data_as_of: crate::audit::now(),
        summary,
    })
}

/// A place as the audience may read it: its own name in an internal report; its district (or
/// governorate) in a public one, whatever the record's precision.
fn place_name(audience: Audience, l: &Location) -> String {
    if audience != Audience::Public {
        return l.name.clone();
    }
    [&l.admin2, &l.admin1]
        .into_iter()
        .find(|a| !a.is_empty())
        .cloned()
        .unwrap_or_default()
}

/// The open critical needs of the period, and their sensitivity levels (for the marking).
fn critical_needs(
    conn: &mut DbConn,
    viewer: Viewer,
    p: &Params,
) -> Result<(Vec<NeedLine>, Vec<Sensitivity>), AppError> {
    // Still needed and critical: one range of `needs_queue_recorded_idx`, already in date
    // order. Only the period's needs: due within it, or (with no date given) recorded within it.
    let start = p.from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = p.to.and_hms_opt(23, 59, 59).unwrap_or_default();
    let found: Vec<crate::needs::model::Need> = need_scope(viewer, p)
        .filter(
            needs::needed_by.between(p.from, p.to).or(needs::needed_by
                .is_null()
                .and(needs::created_at.between(start, end))),
        )
        .filter(needs::active.eq(true))
        .filter(needs::urgency_rank.eq(Urgency::Critical.rank()))
        .order((needs::needed_by.asc(), needs::id.asc()))
        .limit(25)
        .select(crate::needs::model::Need::as_select())
        .load(conn)?;
    let ids: Vec<i64> = found.iter().map(|n| n.location_id).collect();
    let places = crate::locations::find_many(conn, &ids)?;
    let public = p.audience == Audience::Public;
    let levels = found.iter().map(|n| n.sensitivity).collect();
    let lines = found
        .into_iter()
        .map(|n| {
            let place = places
                .get(&n.location_id)
                .map(|l| place_name(p.audience, l))
                .unwrap_or_default();
            NeedLine {
                reference: n.reference.clone(),
                facility: if public {
                    String::new()
                } else {
                    n.facility_name.clone()
                },
                place,
                item: n.item.clone(),
                outstanding: n.outstanding(),
                unit: n.unit.clone(),
                needed_by: n.needed_by,
            }
        })
        .collect();
    Ok((lines, levels))
}

/// The key incidents, read in full in the order the pass chose them.
fn key_incidents(
    conn: &mut DbConn,
    chosen: &[i64],
    p: &Params,
) -> Result<Vec<KeyIncident>, AppError> {
    let mut found: Vec<Incident> = incidents::table
        .filter(crate::db::one_of(incidents::id, chosen))
        .select(Incident::as_select())
        .load(conn)?;
    found.sort_by_key(|i| chosen.iter().position(|c| *c == i.id));
    let ids: Vec<i64> = found.iter().map(|i| i.id).collect();
    let grades: Vec<(i64, String, String)> = claims::table
        .filter(crate::db::one_of(claims::incident_id, &ids))
        .order(claims::id.asc())
        .select((
            claims::incident_id,
            claims::reliability,
            claims::credibility,
        ))
        .load(conn)?;
    let location_ids: Vec<i64> = found.iter().map(|i| i.location_id).collect();
    let places = crate::locations::find_many(conn, &location_ids)?;
    Ok(found
        .into_iter()
        .map(|i| {
            let grading = grades
                .iter()
                .filter(|g| g.0 == i.id)
                .map(|g| format!("{}{}", g.1, g.2))
                .collect::<Vec<_>>()
                .join("; ");
            let place = places
                .get(&i.location_id)
                .map(|l| place_name(p.audience, l))
                .unwrap_or_default();
            KeyIncident {
                id: i.id,
                reference: i.reference.clone(),
                occurred_on: i.occurred_on,
                title: i.title.clone(),
                category: i.category.clone(),
                place,
                killed: i.civilians_killed,
                area_figures: i.figures_are_area(),
                verification: i.verification.code().to_string(),
                grading,
            }
        })
        .collect())
}

/// Parameters as recorded in the audit event.
pub fn audit_details(p: &Params, digest: &str, records: i64) -> serde_json::Value {
    json!({ "params": p, "digest": digest, "records": records })
}

/// The first fifty incidents of the report whose figures are an area's over a period (`any`:
/// the report counted some), oldest first, each with its own figures.
fn area_figures(
    conn: &mut DbConn,
    viewer: Viewer,
    f: &Filter,
    any: bool,
    places: &std::collections::HashMap<i64, Location>,
    p: &Params,
) -> Result<Vec<AreaFigures>, AppError> {
    if !any {
        return Ok(Vec::new());
    }
    let found: Vec<Incident> = filtered(conn, viewer, f)
        .filter(incidents::figures_scope.eq(FiguresScope::AreaPeriod.code()))
        .order((incidents::occurred_on.asc(), incidents::id.asc()))
        .limit(50)
        .select(Incident::as_select())
        .load(conn)?;
    let public = p.audience == Audience::Public;
    Ok(found
        .into_iter()
        .map(|i| {
            let counts = i.counts();
            let aid: Vec<i64> = counts[2..10].iter().filter_map(|(_, v)| *v).collect();
            AreaFigures {
                id: i.id,
                reference: i.reference.clone(),
                occurred_on: i.occurred_on,
                place: places
                    .get(&i.location_id)
                    .map(|l| place_name(p.audience, l))
                    .unwrap_or_default(),
                area_period: if public {
                    String::new()
                } else {
                    i.figures_area_period.clone()
                },
                qualifier: i.figures_qualifier().code().to_string(),
                killed: i.civilians_killed,
                injured: i.civilians_injured,
                aid_workers: (!aid.is_empty()).then(|| aid.iter().sum()),
                people_affected: i.people_affected,
                verification: i.verification.code().to_string(),
            }
        })
        .collect())
}

/// The parameters a summary is kept with: the report's own, in one canonical form.
pub fn summary_key(p: &Params) -> String {
    let mut categories = p.categories.clone();
    categories.sort_unstable();
    let mut verifications = p.verifications.clone();
    verifications.sort_unstable();
    json!({
        "from": p.from, "to": p.to, "admin1": p.admin1, "admin2": p.admin2,
        "organization": p.organization_id, "category": categories,
        "verification": verifications, "audience": p.audience,
    })
    .to_string()
}

/// The summary paragraph kept with these parameters, or empty.
fn summary_of(conn: &mut DbConn, p: &Params) -> Result<String, AppError> {
    use crate::db::schema::report_summaries;
    Ok(report_summaries::table
        .filter(report_summaries::params_key.eq(summary_key(p)))
        .select(report_summaries::summary)
        .get_result(conn)
        .optional()?
        .unwrap_or_default())
}

/// Keeps (or, when empty, clears) the summary paragraph of the report with these parameters,
/// with an audit event carrying the parameters, the text before and after.
pub fn save_summary(
    tx: &mut crate::audit::Tx<'_>,
    actor: &crate::audit::Actor,
    user_id: i64,
    p: &Params,
    summary: &str,
) -> Result<(), AppError> {
    use crate::db::schema::report_summaries;
    let key = summary_key(p);
    // The report these parameters make, named by the hash of the parameters.
    let params_id = hex::encode(Sha256::digest(key.as_bytes()));
    let before: Option<String> = report_summaries::table
        .filter(report_summaries::params_key.eq(&key))
        .select(report_summaries::summary)
        .get_result(tx.db())
        .optional()?;
    let now = crate::audit::now();
    diesel::delete(report_summaries::table.filter(report_summaries::params_key.eq(&key)))
        .execute(tx.db())?;
    if !summary.is_empty() {
        diesel::insert_into(report_summaries::table)
            .values((
                report_summaries::params_key.eq(&key),
                report_summaries::summary.eq(summary),
                report_summaries::updated_by.eq(user_id),
                report_summaries::updated_at.eq(now),
            ))
            .execute(tx.db())?;
    }
    crate::audit::record(
        tx,
        actor,
        crate::audit::Event::new("report.summary", "report", &params_id[..16]).details(
            json!({ "params": p, "changes": { "summary": [before.unwrap_or_default(), summary] } }),
        ),
    )?;
    Ok(())
}
