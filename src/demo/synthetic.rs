//! `corridor demo --synthetic N`: plausible random incidents in bulk, for benchmarks. Each
//! batch is one transaction with its claims, revisions, search entries and one audit event, so
//! the usual guarantees hold (a revision per incident, a verified audit chain).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, TimeDelta};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::schema::{
    claims, incidents, locations as loc_table, organizations, revisions as rev_table, users,
};
use crate::db::DbConn;
use crate::domain::vocab::{
    AttackType, Category, Credibility, LocationPrecision, PerpetratorType, RecordStatus,
    Reliability, Sensitivity, SourceType, TimePrecision, Verification,
};
use crate::error::AppError;
use crate::incidents::{search, Incident};
use crate::locations::{self, Location, PlaceFields};
use crate::references;

/// Incidents per transaction.
pub const BATCH: usize = 2_000;
/// Rows per INSERT statement (SQLite allows at most 32,766 bound values in one statement).
const ROWS_PER_STATEMENT: usize = 500;

const SYLLABLES: [&str; 24] = [
    "ka", "far", "tel", "ain", "dar", "bab", "jis", "rin", "sa", "qa", "ma", "zan", "hal", "bur",
    "ras", "nab", "deir", "um", "kur", "bin", "mar", "sha", "tur", "wad",
];
const GOVERNORATES: [&str; 6] = [
    "Rural Damascus",
    "Homs",
    "Hama",
    "Idleb",
    "Aleppo",
    "Deir-ez-Zor",
];
const PLACE_COUNT: usize = 300;

const TITLES: [&str; 10] = [
    "Convoy delayed at checkpoint near {place}",
    "Clinic in {place} damaged by shelling",
    "Access to {place} denied for assessment team",
    "Aid warehouse in {place} looted",
    "Road to {place} cut by fighting",
    "Unexploded ordnance found on route to {place}",
    "Permits for distribution in {place} withheld",
    "Ambulance stopped and searched near {place}",
    "Flooding blocks access to {place}",
    "Health workers detained in {place}",
];
const SENTENCES: [&str; 12] = [
    "Staff were held for several hours before being told to return.",
    "Local authorities cited security concerns.",
    "The team could not reach families registered for assistance.",
    "Medical supplies were removed from the vehicles.",
    "Residents report continued shelling in the area.",
    "Partners confirm the account independently.",
    "The distribution was postponed until further notice.",
    "Two vehicles were damaged and later recovered.",
    "Negotiations for access are ongoing.",
    "Figures are as reported by the source and may change.",
    "The road remained closed for the rest of the week.",
    "Patients were referred to facilities further away.",
];

/// The insertable values of a `Row` (a macro: the tuple's type is too long to write out).
macro_rules! insertable {
    ($r:expr, $now:expr) => {
        (
            (
                incidents::reference.eq($r.reference.clone()),
                incidents::title.eq($r.title.clone()),
                incidents::narrative.eq($r.narrative.clone()),
                incidents::category.eq($r.category.code()),
                incidents::attack_types.eq($r.attack.map(|a| a.code()).unwrap_or("")),
                incidents::resources_affected.eq(""),
                incidents::occurred_on.eq($r.occurred_on),
                incidents::time_precision.eq(TimePrecision::Day.code()),
                incidents::occurred_time.eq(""),
                incidents::reported_on.eq($r.reported_on),
                incidents::location_id.eq($r.location_id),
                incidents::location_precision.eq(LocationPrecision::Exact.code()),
                incidents::perpetrator_type.eq($r.perpetrator.code()),
                incidents::perpetrator_name.eq(""),
            ),
            (
                incidents::civilians_killed.eq($r.killed),
                incidents::civilians_injured.eq($r.injured),
                incidents::people_affected.eq($r.affected),
                incidents::organization_id.eq($r.organization_id),
                incidents::created_by.eq($r.created_by),
                incidents::sensitivity.eq($r.sensitivity.code()),
                incidents::verification.eq($r.verification.code()),
                incidents::status.eq($r.status.code()),
                incidents::retraction_reason.eq(""),
                incidents::version.eq(1),
                incidents::created_at.eq($now),
                incidents::updated_at.eq($now),
            ),
        )
    };
}

/// What a synthetic run produced.
pub struct Loaded {
    pub incidents: u64,
}

/// Adds places when the gazetteer is small, so area filters have something to find.
fn ensure_places(conn: &mut DbConn, rng: &mut StdRng) -> Result<Vec<Location>, AppError> {
    let existing: i64 = loc_table::table.count().get_result(conn)?;
    if existing < PLACE_COUNT as i64 {
        let actor = Actor::system("demo");
        audit::write(conn, |conn| {
            for i in 0..PLACE_COUNT {
                let name = place_name(rng, i);
                let gov = GOVERNORATES[i % GOVERNORATES.len()];
                let place = PlaceFields {
                    name: name.clone(),
                    alt_names: format!("{}-{}", name, SYLLABLES[i % SYLLABLES.len()]),
                    country_code: "SYR".into(),
                    admin1: gov.into(),
                    admin2: format!("{} district {}", gov, i % 5 + 1),
                    latitude: Some(32.5 + rng.gen_range(0.0..4.0)),
                    longitude: Some(35.8 + rng.gen_range(0.0..4.0)),
                    ..Default::default()
                };
                locations::create(conn, &actor, &place)?;
            }
            Ok(())
        })?;
    }
    locations::all(conn)
}

fn place_name(rng: &mut StdRng, i: usize) -> String {
    let n = rng.gen_range(2..4);
    let mut s: String = (0..n)
        .map(|_| SYLLABLES[rng.gen_range(0..SYLLABLES.len())])
        .collect();
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    format!("{s} {}", i + 1)
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

/// Adds `n` incidents; `progress` is called after each batch with the number done so far.
pub fn load(
    conn: &mut DbConn,
    n: u64,
    seed: u64,
    mut progress: impl FnMut(u64),
) -> Result<Loaded, AppError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let places = ensure_places(conn, &mut rng)?;
    let orgs: Vec<i64> = organizations::table.select(organizations::id).load(conn)?;
    let authors: Vec<(i64, i64)> = users::table
        .select((users::id, users::organization_id))
        .load(conn)?;
    if orgs.is_empty() || authors.is_empty() || places.is_empty() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "load the demo scenario first: no organisations or users"
        )));
    }
    let labels: HashMap<i64, (String, String)> = places
        .iter()
        .map(|l| (l.id, (l.label(), l.search_text())))
        .collect();
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).expect("date");
    let span_days = (NaiveDate::from_ymd_opt(2026, 10, 31).expect("date") - start).num_days();
    let actor = Actor::system("demo-synthetic");
    let mut done = 0u64;
    while done < n {
        let size = (n - done).min(BATCH as u64) as usize;
        audit::write(conn, |conn| {
            let max_before: i64 = incidents::table
                .select(diesel::dsl::max(incidents::id))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0);
            // References by the year reported, reserved in one step per year.
            let mut rows: Vec<Row> = (0..size)
                .map(|_| Row::random(&mut rng, &places, &authors, start, span_days))
                .collect();
            rows.sort_by_key(|r| r.reported_on);
            let mut next_by_year: HashMap<i32, i64> = HashMap::new();
            for year in rows
                .iter()
                .map(|r| r.reported_on.year())
                .collect::<std::collections::BTreeSet<_>>()
            {
                let count = rows.iter().filter(|r| r.reported_on.year() == year).count() as i64;
                next_by_year.insert(year, references::reserve(conn, "INC", year, count)?);
            }
            for r in rows.iter_mut() {
                let next = next_by_year
                    .get_mut(&r.reported_on.year())
                    .expect("reserved");
                r.reference = references::format("INC", r.reported_on.year(), *next);
                *next += 1;
            }
            let now = audit::now();
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                crate::on_backend!(&mut *conn, |c| {
                    let values: Vec<_> = chunk.iter().map(|r| insertable!(r, now)).collect();
                    diesel::insert_into(incidents::table)
                        .values(values)
                        .execute(c)
                })?;
            }
            let inserted: Vec<Incident> = incidents::table
                .filter(incidents::id.gt(max_before))
                .order(incidents::id.asc())
                .select(Incident::as_select())
                .load(conn)?;
            let mut claim_rows = Vec::with_capacity(inserted.len());
            let mut revision_rows = Vec::with_capacity(inserted.len());
            for incident in &inserted {
                let (label, places_text) = &labels[&incident.location_id];
                search::index(conn, incident, places_text)?;
                let snapshot = incident.snapshot(label);
                let changes = crate::revisions::diff(&json!({}), &snapshot);
                revision_rows.push((
                    rev_table::entity_type.eq("incident"),
                    rev_table::entity_id.eq(incident.id),
                    rev_table::revision_no.eq(1),
                    rev_table::action.eq("create"),
                    rev_table::reason.eq(""),
                    rev_table::changes.eq(changes.to_string()),
                    rev_table::snapshot.eq(snapshot.to_string()),
                    rev_table::actor_user_id.eq(None::<i64>),
                    rev_table::actor_label.eq("demo-synthetic"),
                    rev_table::created_at.eq(now),
                ));
                claim_rows.push((
                    claims::incident_id.eq(incident.id),
                    claims::source_type.eq(pick(&mut rng, SourceType::ALL).code()),
                    claims::source_name.eq(""),
                    claims::reliability.eq(pick(&mut rng, &Reliability::ALL[..4]).code()),
                    claims::credibility.eq(pick(&mut rng, &Credibility::ALL[..4]).code()),
                    claims::claimed_on.eq(incident.reported_on),
                    claims::statement.eq(pick(&mut rng, &SENTENCES)),
                    claims::created_by.eq(incident.created_by),
                    claims::created_at.eq(now),
                ));
            }
            for chunk in claim_rows.chunks(ROWS_PER_STATEMENT * 2) {
                crate::on_backend!(&mut *conn, |c| diesel::insert_into(claims::table)
                    .values(chunk.to_vec())
                    .execute(c))?;
            }
            for chunk in revision_rows.chunks(ROWS_PER_STATEMENT * 2) {
                crate::on_backend!(&mut *conn, |c| diesel::insert_into(rev_table::table)
                    .values(chunk.to_vec())
                    .execute(c))?;
            }
            let (first, last) = (
                inserted.first().map(|i| i.id),
                inserted.last().map(|i| i.id),
            );
            audit::record(
                conn,
                &actor,
                Event::new("demo.synthetic_batch", "incident", "")
                    .details(json!({ "count": inserted.len(), "first_id": first, "last_id": last, "seed": seed })),
            )?;
            Ok(())
        })?;
        done += size as u64;
        progress(done);
    }
    Ok(Loaded { incidents: done })
}

/// One random incident before insertion.
struct Row {
    reference: String,
    title: String,
    narrative: String,
    category: Category,
    attack: Option<AttackType>,
    occurred_on: NaiveDate,
    reported_on: NaiveDate,
    location_id: i64,
    perpetrator: PerpetratorType,
    killed: Option<i64>,
    injured: Option<i64>,
    affected: Option<i64>,
    organization_id: i64,
    created_by: i64,
    sensitivity: Sensitivity,
    verification: Verification,
    status: RecordStatus,
}

impl Row {
    fn random(
        rng: &mut StdRng,
        places: &[Location],
        authors: &[(i64, i64)],
        start: NaiveDate,
        span_days: i64,
    ) -> Self {
        let place = &places[rng.gen_range(0..places.len())];
        let (created_by, organization_id) = authors[rng.gen_range(0..authors.len())];
        let occurred_on = start + TimeDelta::days(rng.gen_range(0..span_days));
        let reported_on = occurred_on + TimeDelta::days(rng.gen_range(0..4));
        let category = pick(rng, Category::ALL);
        let sentences: Vec<&str> = (0..rng.gen_range(2..5))
            .map(|_| pick(rng, &SENTENCES))
            .collect();
        let sensitivity = match rng.gen_range(0..100) {
            0..40 => Sensitivity::Public,
            40..85 => Sensitivity::Restricted,
            _ => Sensitivity::Confidential,
        };
        let status = match rng.gen_range(0..100) {
            0..5 => RecordStatus::Draft,
            5..85 => RecordStatus::Submitted,
            _ => RecordStatus::Closed,
        };
        let verification = if status == RecordStatus::Draft {
            Verification::Unverified
        } else {
            pick(rng, Verification::ALL)
        };
        Self {
            reference: String::new(),
            title: pick(rng, &TITLES).replace("{place}", &place.name),
            narrative: sentences.join(" "),
            category,
            attack: (category == Category::ViolenceAgainstAid).then(|| pick(rng, AttackType::ALL)),
            occurred_on,
            reported_on,
            location_id: place.id,
            perpetrator: pick(rng, PerpetratorType::ALL),
            killed: rng.gen_bool(0.3).then(|| rng.gen_range(0..40)),
            injured: rng.gen_bool(0.4).then(|| rng.gen_range(0..120)),
            affected: rng.gen_bool(0.5).then(|| rng.gen_range(10..50_000)),
            organization_id,
            created_by,
            sensitivity,
            verification,
            status,
        }
    }
}
