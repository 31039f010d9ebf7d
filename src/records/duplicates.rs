//! Likely duplicates: two organisations reporting one event. An incident of the same access
//! constraint, within two days, in the same district or within 5 km, that the viewer may see
//! (the scope's SQL, or its test on what was read with a kept candidate), submitted, neither
//! retracted nor already merged, is offered for a merge.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::TimeDelta;
use diesel::prelude::*;

use super::Scope;
use crate::db::schema::incidents;
use crate::db::{kept, memory, DbConn};
use crate::domain::vocab::{RecordStatus, Sensitivity, Verification};
use crate::error::AppError;
use crate::incidents::{Incident, Listed};
use crate::locations::{Listed as Place, Location};
use crate::permissions::RecordFacts;

/// How far apart two reports of one event may be, in days (and in kilometres,
/// `near::KILOMETRES`).
const DAYS: i64 = 2;

/// An incident that may report the same event.
#[derive(Debug, Clone)]
pub struct Likely {
    pub id: i64,
    pub reference: String,
    pub title: String,
    /// What the viewer's scope tests of it (`Scope::sees`), as read with it: kept candidates,
    /// read for every viewer alike, are shown to each through it.
    hidden_by: HiddenBy,
}

/// The columns that hide an incident from a viewer (`permissions::visible_sql`), as stored.
#[derive(Debug, Clone)]
struct HiddenBy {
    organization_id: i64,
    sensitivity: String,
    status: String,
}

impl Likely {
    /// The record's facts for `Scope::sees`: a value not understood counts as confidential
    /// and a draft, so it hides the record.
    fn facts(&self) -> RecordFacts {
        let h = &self.hidden_by;
        RecordFacts {
            organization_id: h.organization_id,
            sensitivity: Sensitivity::from_stored(&h.sensitivity)
                .unwrap_or(Sensitivity::Confidential),
            status: RecordStatus::from_stored(&h.status).unwrap_or(RecordStatus::Draft),
            // Not read by the scope; a candidate is never retracted (`offered`).
            verification: Verification::Unverified,
            retracted: false,
        }
    }
}

/// The most records of one window at the places near that are offered (any of them, when
/// there are more): far more than one event's reports.
pub const CANDIDATES: i64 = 200;

/// The most candidates kept at once, over every window (about 100 bytes each, with their
/// references and titles).
const KEPT_CANDIDATES: usize = 50_000;

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
/// First the places near each record's place are found (`near`: from the gazetteer's indexes
/// and an exact test, kept in memory until the gazetteer changes); then each window (the
/// category, two days either side, the places near) is sought in `incidents_likely_idx`, which
/// carries every column the scope and the window test, so an incident row is read only for a
/// candidate (its reference and title).
///
/// A window's candidates change only when an incident does. They are kept in the server's
/// memory (`db::memory`), read for every viewer alike, with the count of the incidents'
/// changes they were read at (`incident_changes`, kept by triggers on every insert, update and
/// delete of an incident, migration 440); each request reads that count in its own snapshot
/// and drops what was kept at another. At a million, the twenty windows of the coordinator's
/// queue were 38% of the home page's server time, nearly all of it SQLite's own seeks, for an
/// answer that had not changed since the last request. A window with [`CANDIDATES`] or more
/// keeps only that: its first ones depend on the scope, and it is sought with the scope each
/// time, as before.
///
/// Kept candidates carry the columns that hide a record (organisation, sensitivity, status),
/// read with them, and each viewer is shown those `Scope::sees` admits: at the same count of
/// changes no incident has changed, so the test on them is the test on the record. Re-reading
/// them through the scope's SQL was 8% of a coordinator's incident page, and on PostgreSQL a
/// round trip of every reporter's: 5,209–6,166 req/s with it, 7,407–7,742 without (by hand, a
/// million incidents, 16 connections).
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
    let near_places = super::near::near_each(conn, &places)?;
    let windows: Vec<Option<Window>> = records
        .iter()
        .map(|(of, place)| {
            let near = near_places
                .get(&place.id)
                .filter(|n| of.live && !n.is_empty())?;
            Some(Window::of(of, near))
        })
        .collect();
    let changes = changes(conn)?;
    // Per window: its candidates; `Some(None)`: too many to keep; `None`: not known.
    let mut kept: Vec<Option<Option<Arc<[Likely]>>>> = memory::at(changes, |k: &mut Candidates| {
        windows
            .iter()
            .map(|w| w.as_ref().and_then(|w| k.windows.get(w).cloned()))
            .collect()
    })
    .unwrap_or_else(|| vec![None; windows.len()]);
    // The windows not known, sought for every viewer alike.
    let unknown = windows_where(&windows, &kept, Option::is_none);
    if unknown.iter().any(Option::is_some) {
        let read = seek(conn, &Scope::everything(), &unknown)?;
        let mut learnt = Vec::new();
        for ((w, found), slot) in unknown.iter().zip(read).zip(&mut kept) {
            if let Some(w) = w {
                let found: Option<Arc<[Likely]>> =
                    ((found.len() as i64) < CANDIDATES).then(|| found.into());
                *slot = Some(found.clone());
                learnt.push((w.clone(), found));
            }
        }
        memory::keep(changes, |k: &mut Candidates| k.learn(learnt));
    }
    // A window too full to keep is sought with the viewer's scope itself.
    let full = windows_where(&windows, &kept, |k| matches!(k, Some(None)));
    let mut each = if full.iter().any(Option::is_some) {
        seek(conn, scope, &full)?
    } else {
        vec![Vec::new(); windows.len()]
    };
    // The kept candidates through the viewer's scope, tested on what was read with them: at
    // this request's count of the incidents' changes, no incident has changed since.
    let kept_of = kept.iter().map(|k| k.as_ref().and_then(Option::as_deref));
    for (found, kept) in each.iter_mut().zip(kept_of) {
        found.extend(
            kept.into_iter()
                .flatten()
                .filter(|l| scope.sees(l.facts()))
                .cloned(),
        );
    }
    for found in &mut each {
        found.sort_unstable_by_key(|l: &Likely| l.id);
    }
    Ok(each)
}

/// One record's window: what its likely duplicates are sought by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Window {
    id: i64,
    category: String,
    occurred_on: chrono::NaiveDate,
    near: Vec<i64>,
}

impl Window {
    fn of(of: &Of<'_>, near: &[i64]) -> Self {
        Window {
            id: of.id,
            category: of.category.to_string(),
            occurred_on: of.occurred_on,
            near: near.to_vec(),
        }
    }
}

/// Every window's candidates, as of one count of the incidents' changes, read for every viewer
/// alike (`None`: [`CANDIDATES`] or more, sought with the viewer's scope).
#[derive(Default)]
struct Candidates {
    windows: HashMap<Window, Option<Arc<[Likely]>>>,
    /// How many candidates `windows` holds, over all of them.
    held: usize,
}

impl Candidates {
    fn learn(&mut self, learnt: Vec<(Window, Option<Arc<[Likely]>>)>) {
        let adding: usize = learnt
            .iter()
            .map(|(_, c)| c.as_ref().map_or(1, |c| c.len() + 1))
            .sum();
        // Bounded: a crawl through every record's page between two changes would otherwise
        // keep every window.
        if self.held + adding > KEPT_CANDIDATES {
            self.windows.clear();
            self.held = 0;
        }
        self.held += adding;
        self.windows.extend(learnt);
    }
}

/// The windows whose kept candidates `which` picks (the others `None`, keeping positions).
fn windows_where(
    windows: &[Option<Window>],
    kept: &[Option<Option<Arc<[Likely]>>>],
    which: impl Fn(&Option<Option<Arc<[Likely]>>>) -> bool,
) -> Vec<Option<Window>> {
    windows
        .iter()
        .zip(kept)
        .map(|(w, k)| w.clone().filter(|_| which(k)))
        .collect()
}

/// The count of the incidents' changes, read in the caller's snapshot (`db::stamps`).
fn changes(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(crate::db::stamps::read(conn)?.incidents)
}

/// The likely duplicates of each window as `scope` may see them (at most [`CANDIDATES`] each).
fn seek(
    conn: &mut DbConn,
    scope: &Scope,
    windows: &[Option<Window>],
) -> Result<Vec<Vec<Likely>>, AppError> {
    match conn {
        // Each statement is a round trip to the server, which costs more there than the
        // reading: the queue's twenty windows took 1.7 ms one by one, 0.4 ms in one statement.
        DbConn::Pg(c) => every_window(c, scope, windows),
        // SQLite runs in the process: one statement per window, each seeking its places in
        // the index, is quicker than one statement reading every window from a JSON list
        // (265 µs against 446 µs for the queue's twenty, both timed from Python's sqlite3).
        DbConn::Sqlite(_) => windows
            .iter()
            .map(|w| match w {
                Some(w) => one_window(conn, scope, w),
                None => Ok(Vec::new()),
            })
            .collect(),
    }
}

/// What an incident must be to be offered as a likely duplicate: neither retracted nor merged,
/// and not a draft (not a report yet). `every_window` states the same in its SQL.
type Offered = diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::IsNull<incidents::retracted_at>,
        diesel::dsl::IsNull<incidents::merged_into>,
    >,
    diesel::dsl::NotEq<incidents::status, &'static str>,
>;

fn offered() -> Offered {
    incidents::retracted_at
        .is_null()
        .and(incidents::merged_into.is_null())
        .and(incidents::status.ne(RecordStatus::Draft.code()))
}

/// The likely duplicates of `of` among the incidents at the places `near` (on SQLite).
/// `every_window` asks the same of many windows on PostgreSQL: a condition changed in one is
/// changed in both (the tests run on both databases).
fn one_window(conn: &mut DbConn, scope: &Scope, w: &Window) -> Result<Vec<Likely>, AppError> {
    let rows: Vec<Row> = crate::first_rows!(
        conn,
        CANDIDATES,
        incidents::table
            .filter(scope.records_of("incidents", true))
            .filter(incidents::id.ne(w.id))
            .filter(incidents::category.eq(&w.category))
            .filter(incidents::occurred_on.ge(w.occurred_on - TimeDelta::days(DAYS)))
            .filter(incidents::occurred_on.le(w.occurred_on + TimeDelta::days(DAYS)))
            .filter(offered())
            .filter(crate::db::one_of(incidents::location_id, &w.near))
            // Unordered: they are listed by id afterwards.
            .select((
                incidents::id,
                incidents::reference,
                incidents::title,
                incidents::organization_id,
                incidents::sensitivity,
                incidents::status,
            ))
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
    windows: &[Option<Window>],
) -> Result<Vec<Vec<Likely>>, AppError> {
    use diesel::sql_types::Text;
    use std::fmt::Write;
    let mut each: Vec<Vec<Likely>> = vec![Vec::new(); windows.len()];
    // Array literals' elements: the window's position, record, category, first and last day,
    // and places (written as one text each, `"1,2,3"`). Vocabulary codes are plain words.
    let [mut at, mut records, mut categories, mut from, mut to, mut places]: [String; 6] =
        Default::default();
    for (i, w) in windows
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
        let ids: Vec<String> = w.near.iter().map(i64::to_string).collect();
        let _ = write!(at, "{i}");
        let _ = write!(records, "{}", w.id);
        let _ = write!(categories, "\"{}\"", w.category);
        let _ = write!(from, "{}", w.occurred_on - TimeDelta::days(DAYS));
        let _ = write!(to, "{}", w.occurred_on + TimeDelta::days(DAYS));
        let _ = write!(places, "\"{}\"", ids.join(","));
    }
    if at.is_empty() {
        return Ok(each);
    }
    let scope_sql = scope.record_sql("incidents", true);
    let sql = format!(
        "SELECT q.at, c.id, c.reference, c.title, c.organization_id, c.sensitivity, c.status \
         FROM unnest(CAST('{{' || $1 || '}}' AS BIGINT[]), CAST('{{' || $2 || '}}' AS BIGINT[]), \
                     CAST('{{' || $3 || '}}' AS TEXT[]), CAST('{{' || $4 || '}}' AS DATE[]), \
                     CAST('{{' || $5 || '}}' AS DATE[]), CAST('{{' || $6 || '}}' AS TEXT[])) \
              AS q(at, record, category, first, last, places) \
         CROSS JOIN LATERAL (\
             SELECT incidents.id, incidents.reference, incidents.title, \
                    incidents.organization_id, incidents.sensitivity, incidents.status \
             FROM incidents \
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
            found.push(Likely::from((
                c.id,
                c.reference,
                c.title,
                c.organization_id,
                c.sensitivity,
                c.status,
            )));
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
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    organization_id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    sensitivity: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
}

/// What a candidate is read as: its number, reference and title, and what hides it.
type Row = (i64, String, String, i64, String, String);

impl From<Row> for Likely {
    fn from((id, reference, title, organization_id, sensitivity, status): Row) -> Self {
        Likely {
            id,
            reference,
            title,
            hidden_by: HiddenBy {
                organization_id,
                sensitivity,
                status,
            },
        }
    }
}
