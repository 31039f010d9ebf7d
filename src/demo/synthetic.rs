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
use crate::records::Scope;
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
                locations::create(conn, &actor, &place, None)?;
            }
            Ok(())
        })?;
    }
    locations::all(conn, Scope::everything().viewer())
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
            let revisions_before = audit::revision_hashes::newest_revision(conn)?;
            let max_before: i64 = incidents::table
                .select(diesel::dsl::max(incidents::id))
                .first::<Option<i64>>(conn.db())?
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
                crate::on_backend!(conn, |c| {
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
                .load(conn.db())?;
            let mut claim_rows = Vec::with_capacity(inserted.len());
            let mut revision_rows = Vec::with_capacity(inserted.len());
            for incident in &inserted {
                let (label, places_text) = &labels[&incident.location_id];
                // Indexed before its claim is written, as it was when claims were read: the
                // synthetic claims' statements are not among its words.
                search::index_new(conn, incident, places_text, "")?;
                let snapshot = incident.snapshot(label);
                revision_rows.push(revision_row("incident", incident.id, &snapshot, now));
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
                crate::on_backend!(conn, |c| diesel::insert_into(claims::table)
                    .values(chunk.to_vec())
                    .execute(c))?;
            }
            for chunk in revision_rows.chunks(ROWS_PER_STATEMENT * 2) {
                crate::on_backend!(conn, |c| diesel::insert_into(rev_table::table)
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
            // The batch's revisions, written in bulk, are vouched for by one digest.
            audit::revision_hashes::seal_written_after(conn, &actor, revisions_before)?;
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

/// Adds `n` convoys and `n` needs (each convoy with cargo lines and events), in batches.
pub fn load_convoys_and_needs(
    conn: &mut DbConn,
    n: u64,
    seed: u64,
    mut progress: impl FnMut(u64),
) -> Result<(), AppError> {
    use crate::db::schema::{cargo_lines, convoy_events, convoys, needs};
    use crate::domain::vocab::{ConvoyStatus, FacilityType, NeedItem, NeedStatus, Sector, Urgency};

    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let places = locations::all(conn, Scope::everything().viewer())?;
    let authors: Vec<(i64, i64)> = users::table
        .select((users::id, users::organization_id))
        .load(conn)?;
    if places.len() < 2 || authors.is_empty() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "load the demo scenario first"
        )));
    }
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).expect("date");
    let actor = Actor::system("demo-synthetic");
    let statuses: [(ConvoyStatus, u32); 9] = [
        (ConvoyStatus::Planned, 5),
        (ConvoyStatus::Notified, 5),
        (ConvoyStatus::Approved, 5),
        (ConvoyStatus::EnRoute, 3),
        (ConvoyStatus::Delivered, 45),
        (ConvoyStatus::PartiallyDelivered, 12),
        (ConvoyStatus::Blocked, 8),
        (ConvoyStatus::TurnedBack, 9),
        (ConvoyStatus::Cancelled, 8),
    ];
    let weighted = |rng: &mut StdRng| {
        let mut roll = rng.gen_range(0..100);
        for (s, w) in statuses {
            if roll < w {
                return s;
            }
            roll -= w;
        }
        ConvoyStatus::Delivered
    };
    const ITEMS: [(&str, Sector, &str); 6] = [
        ("Trauma kits", Sector::Health, "kits"),
        ("Surgical supplies", Sector::Health, "boxes"),
        ("Food parcels", Sector::Food, "parcels"),
        ("Hygiene kits", Sector::Wash, "kits"),
        ("Blankets", Sector::Shelter, "pieces"),
        ("High-energy biscuits", Sector::Nutrition, "cartons"),
    ];
    let mut done = 0u64;
    while done < n {
        let size = (n - done).min(BATCH as u64) as usize;
        audit::write(conn, |conn| {
            let revisions_before = audit::revision_hashes::newest_revision(conn)?;
            let now = audit::now();
            // Convoys
            let max_before: i64 = convoys::table
                .select(diesel::dsl::max(convoys::id))
                .first::<Option<i64>>(conn.db())?
                .unwrap_or(0);
            let year = 2026;
            let first = references::reserve(conn, "CVY", year, size as i64)?;
            let rows: Vec<_> = (0..size)
                .map(|i| {
                    let origin = &places[rng.gen_range(0..places.len())];
                    let destination = &places[rng.gen_range(0..places.len())];
                    let (created_by, org) = authors[rng.gen_range(0..authors.len())];
                    let departure = start + TimeDelta::days(rng.gen_range(0..3_900));
                    (
                        convoys::reference.eq(references::format("CVY", year, first + i as i64)),
                        convoys::organization_id.eq(org),
                        convoys::origin_id.eq(origin.id),
                        convoys::destination_id.eq(destination.id),
                        convoys::planned_departure.eq(departure),
                        convoys::route.eq(""),
                        convoys::trucks.eq(rng.gen_range(1..30)),
                        convoys::beneficiaries.eq(Some(rng.gen_range(500..80_000_i64))),
                        convoys::notification_ref.eq(""),
                        convoys::sensitivity.eq(pick(&mut rng, Sensitivity::ALL).code()),
                        convoys::status.eq(weighted(&mut rng).code()),
                        convoys::notes.eq(""),
                        convoys::created_by.eq(created_by),
                        (
                            convoys::version.eq(1),
                            convoys::created_at.eq(now),
                            convoys::updated_at.eq(now),
                        ),
                    )
                })
                .collect();
            for chunk in rows.chunks(ROWS_PER_STATEMENT) {
                crate::on_backend!(conn, |c| diesel::insert_into(convoys::table)
                    .values(chunk.to_vec())
                    .execute(c))?;
            }
            let inserted: Vec<crate::convoys::model::Convoy> = convoys::table
                .filter(convoys::id.gt(max_before))
                .order(convoys::id.asc())
                .select(crate::convoys::model::Convoy::as_select())
                .load(conn.db())?;
            let mut lines = Vec::new();
            let mut events = Vec::new();
            let mut revs = Vec::new();
            for c in &inserted {
                let status = c.status();
                for position in 1..=rng.gen_range(1..4) {
                    let (item, sector, unit) = pick(&mut rng, &ITEMS);
                    let quantity: i64 = rng.gen_range(10..5_000);
                    let (delivered, removed) = match status {
                        ConvoyStatus::Delivered => (Some(quantity), None),
                        ConvoyStatus::PartiallyDelivered => {
                            let removed = rng.gen_range(0..quantity / 2 + 1);
                            (Some(quantity - removed), Some(removed))
                        }
                        ConvoyStatus::Blocked | ConvoyStatus::TurnedBack => {
                            (None, rng.gen_bool(0.3).then(|| rng.gen_range(1..quantity)))
                        }
                        _ => (None, None),
                    };
                    lines.push((
                        cargo_lines::convoy_id.eq(c.id),
                        cargo_lines::position.eq(position),
                        cargo_lines::item.eq(item),
                        cargo_lines::sector.eq(sector.code()),
                        cargo_lines::quantity.eq(quantity),
                        cargo_lines::unit.eq(unit),
                        cargo_lines::weight_kg.eq(Some(quantity as f64 * 1.5)),
                        cargo_lines::delivered_quantity.eq(delivered),
                        cargo_lines::removed_quantity.eq(removed),
                        cargo_lines::removal_note.eq(""),
                    ));
                }
                for s in [ConvoyStatus::Planned, status] {
                    events.push((
                        convoy_events::convoy_id.eq(c.id),
                        convoy_events::occurred_on.eq(c.planned_departure),
                        convoy_events::occurred_time.eq(""),
                        convoy_events::status.eq(s.code()),
                        convoy_events::location_id.eq(Some(c.origin_id)),
                        convoy_events::note.eq(""),
                        convoy_events::created_by.eq(c.created_by),
                        convoy_events::created_at.eq(now),
                    ));
                }
                let snapshot = json!({ "reference": c.reference, "status": c.status, "planned_departure": c.planned_departure.to_string() });
                revs.push(revision_row("convoy", c.id, &snapshot, now));
            }
            for chunk in lines.chunks(ROWS_PER_STATEMENT) {
                crate::on_backend!(conn, |c| diesel::insert_into(cargo_lines::table)
                    .values(chunk.to_vec())
                    .execute(c))?;
            }
            for chunk in events.chunks(ROWS_PER_STATEMENT) {
                crate::on_backend!(conn, |c| diesel::insert_into(convoy_events::table)
                    .values(chunk.to_vec())
                    .execute(c))?;
            }
            // Needs
            let max_need: i64 = needs::table
                .select(diesel::dsl::max(needs::id))
                .first::<Option<i64>>(conn.db())?
                .unwrap_or(0);
            let first = references::reserve(conn, "NEED", year, size as i64)?;
            let need_rows: Vec<_> = (0..size)
                .map(|i| {
                    let place = &places[rng.gen_range(0..places.len())];
                    let (created_by, org) = authors[rng.gen_range(0..authors.len())];
                    let urgency = pick(&mut rng, Urgency::ALL);
                    let needed: i64 = rng.gen_range(10..10_000);
                    let delivered = if rng.gen_bool(0.5) {
                        rng.gen_range(0..needed + needed / 4)
                    } else {
                        0
                    };
                    let status = NeedStatus::from_deliveries(rng.gen_bool(0.05), needed, delivered);
                    (
                        needs::reference.eq(references::format("NEED", year, first + i as i64)),
                        needs::facility_name.eq(format!(
                            "{} {}",
                            pick(
                                &mut rng,
                                &[
                                    "Hospital",
                                    "Health centre",
                                    "Medical point",
                                    "Field hospital"
                                ]
                            ),
                            place.name
                        )),
                        needs::facility_type.eq(pick(&mut rng, FacilityType::ALL).code()),
                        needs::location_id.eq(place.id),
                        needs::item.eq(pick(&mut rng, NeedItem::ALL).code()),
                        needs::item_detail.eq(""),
                        needs::quantity_needed.eq(needed),
                        needs::unit.eq("units"),
                        needs::urgency.eq(urgency.code()),
                        needs::urgency_rank.eq(urgency.rank()),
                        needs::needed_by.eq(Some(start + TimeDelta::days(rng.gen_range(0..4_000)))),
                        needs::status.eq(status.code()),
                        needs::quantity_delivered.eq(delivered),
                        (
                            needs::organization_id.eq(org),
                            needs::sensitivity.eq(pick(&mut rng, Sensitivity::ALL).code()),
                            needs::notes.eq(""),
                            needs::created_by.eq(created_by),
                            needs::version.eq(1),
                            needs::created_at.eq(now),
                            needs::updated_at.eq(now),
                        ),
                    )
                })
                .collect();
            for chunk in need_rows.chunks(ROWS_PER_STATEMENT) {
                crate::on_backend!(conn, |c| diesel::insert_into(needs::table)
                    .values(chunk.to_vec())
                    .execute(c))?;
            }
            let new_needs: Vec<(i64, String)> = needs::table
                .filter(needs::id.gt(max_need))
                .select((needs::id, needs::reference))
                .load(conn.db())?;
            for (id, reference) in &new_needs {
                revs.push(revision_row(
                    "need",
                    *id,
                    &json!({ "reference": reference }),
                    now,
                ));
            }
            for chunk in revs.chunks(ROWS_PER_STATEMENT * 2) {
                crate::on_backend!(conn, |c| diesel::insert_into(rev_table::table)
                    .values(chunk.to_vec())
                    .execute(c))?;
            }
            audit::record(
                conn,
                &actor,
                Event::new("demo.synthetic_batch", "convoy", "").details(
                    json!({ "convoys": inserted.len(), "needs": new_needs.len(), "seed": seed }),
                ),
            )?;
            audit::revision_hashes::seal_written_after(conn, &actor, revisions_before)?;
            Ok(())
        })?;
        done += size as u64;
        progress(done);
    }
    Ok(())
}

/// The first revision of a synthetic record.
#[allow(clippy::type_complexity)]
fn revision_row(
    entity_type: &'static str,
    id: i64,
    snapshot: &serde_json::Value,
    now: chrono::NaiveDateTime,
) -> (
    diesel::dsl::Eq<rev_table::entity_type, &'static str>,
    diesel::dsl::Eq<rev_table::entity_id, i64>,
    diesel::dsl::Eq<rev_table::revision_no, i32>,
    diesel::dsl::Eq<rev_table::action, &'static str>,
    diesel::dsl::Eq<rev_table::reason, &'static str>,
    diesel::dsl::Eq<rev_table::changes, String>,
    diesel::dsl::Eq<rev_table::snapshot, String>,
    diesel::dsl::Eq<rev_table::actor_user_id, Option<i64>>,
    diesel::dsl::Eq<rev_table::actor_label, &'static str>,
    diesel::dsl::Eq<rev_table::created_at, chrono::NaiveDateTime>,
) {
    (
        rev_table::entity_type.eq(entity_type),
        rev_table::entity_id.eq(id),
        rev_table::revision_no.eq(1),
        rev_table::action.eq("create"),
        rev_table::reason.eq(""),
        rev_table::changes.eq(crate::revisions::diff(&json!({}), snapshot).to_string()),
        rev_table::snapshot.eq(snapshot.to_string()),
        rev_table::actor_user_id.eq(None::<i64>),
        rev_table::actor_label.eq("demo-synthetic"),
        rev_table::created_at.eq(now),
    )
}
