//! Likely duplicates: two organisations reporting one event. An incident of the same access
//! constraint, within two days, in the same district or within 5 km, that the viewer may see
//! (scoped in SQL), submitted, neither retracted nor already merged, is offered for a merge.

use chrono::TimeDelta;
use diesel::prelude::*;

use super::Scope;
use crate::db::schema::incidents;
use crate::db::{kept, DbConn};
use crate::domain::vocab::RecordStatus;
use crate::error::AppError;
use crate::incidents::{Incident, Listed};
use crate::locations::{Listed as Place, Location};

/// How far apart two reports of one event may be, in days (and in kilometres,
/// `near::KILOMETRES`).
const DAYS: i64 = 2;

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
/// First the places near each record's place are found (`near`: from the gazetteer's indexes
/// and an exact test, kept in memory until the gazetteer changes); then one statement
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
    let near_places = super::near::near_each(conn, &places)?;
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
