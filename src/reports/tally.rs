//! The report's one pass over its incidents: every figure that counts or sums them (headline,
//! categories, tags, weeks, places, the marking) and the choice of its key incidents, taken
//! row by row as the rows arrive.
//!
//! A year at a million incidents is about 100,000 rows, read from `incidents_report_idx`
//! alone. Grouping in SQL would walk them once per grouping (SQLite sorts each), so they are
//! walked once here; the rows are streamed, never collected, and their codes and dates are
//! read in place (`db::codes`), so a row costs no allocation unless it has event tags.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chrono::{Datelike, NaiveDate, TimeDelta};
use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use super::{Figure, Headline};
use crate::db::schema::incidents;
use crate::db::{Day, DbConn};
use crate::domain::vocab::{
    Category, EventTag, FiguresQualifier, FiguresScope, Sensitivity, Verification,
};
use crate::error::AppError;
use crate::incidents::list::{filtered, Filter};
use crate::incidents::model::{split_codes, COUNT_FIELDS};
use crate::permissions::Viewer;

/// How many key incidents a report lists.
pub const KEY_INCIDENTS: usize = 20;

/// One incident as the pass reads it: id, date, place, category, civilians killed and
/// injured, aid workers (the eight counts summed; unknown when none is known), people
/// affected, sensitivity, verification, the figures' qualifier and scope, event tags.
type Row = (
    i64,
    Day,
    i64,
    Category,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Sensitivity,
    Verification,
    FiguresQualifier,
    FiguresScope,
    String,
);

/// What the pass found.
pub struct Tally {
    pub headline: Headline,
    /// Incidents per category, most first (then by code).
    pub by_category: Vec<(String, i64)>,
    /// Incidents per event tag, most first (then by code).
    pub by_tag: Vec<(String, i64)>,
    /// Monday of each week of the period, and the incidents that week.
    pub by_week: Vec<(NaiveDate, i64)>,
    /// Per place id: incidents, and the civilians killed that its incidents reported as their
    /// own (an area's figures over a period do not rank a place); `None` when none did.
    pub per_place: HashMap<i64, (i64, Option<i64>)>,
    /// The key incidents' ids: the most killed and injured first (an area's figures over a
    /// period count as none), then the newest.
    pub key_ids: Vec<i64>,
    /// Whether any incident's figures are an area's over a period.
    pub any_area: bool,
    /// The most sensitive level among the incidents counted.
    pub most_sensitive: Option<Sensitivity>,
}

/// Walks the incidents `filter` matches that `viewer` may see, once, adding each to `pass`.
pub fn walk(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
    pass: &mut Pass,
) -> Result<(), AppError> {
    let rows = filtered(conn, viewer, filter).select((
        incidents::id,
        incidents::occurred_on,
        incidents::location_id,
        incidents::category,
        incidents::civilians_killed,
        incidents::civilians_injured,
        diesel::dsl::sql::<Nullable<BigInt>>(&aid_workers_sql()),
        incidents::people_affected,
        incidents::sensitivity,
        incidents::verification,
        incidents::figures_qualifier,
        incidents::figures_scope,
        incidents::event_tags,
    ));
    for row in rows.load_iter::<Row, DefaultLoadingMode>(conn)? {
        pass.add(row?);
    }
    Ok(())
}

/// Aid workers: the sum of the eight counts, unknown (NULL) when none of them is known.
fn aid_workers_sql() -> String {
    let aid: Vec<&str> = COUNT_FIELDS
        .iter()
        .map(|(column, _)| *column)
        .filter(|column| column.starts_with("aid_"))
        .collect();
    format!(
        "CASE WHEN COALESCE({}) IS NULL THEN NULL ELSE CAST({} AS BIGINT) END",
        aid.join(", "),
        aid.iter()
            .map(|c| format!("COALESCE({c}, 0)"))
            .collect::<Vec<_>>()
            .join(" + ")
    )
}

fn monday(d: NaiveDate) -> NaiveDate {
    d - TimeDelta::days(i64::from(d.weekday().num_days_from_monday()))
}

/// The running figures of a walk (counts by vocabulary in arrays, in the vocabulary's order).
pub struct Pass {
    headline: Headline,
    categories: Vec<i64>,
    tags: Vec<i64>,
    first_week: NaiveDate,
    weeks: Vec<i64>,
    per_place: HashMap<i64, (i64, Option<i64>)>,
    /// The key incidents so far, the least of them on top.
    key: BinaryHeap<Reverse<(i64, NaiveDate, i64)>>,
    any_area: bool,
    most_sensitive: Option<Sensitivity>,
}

impl Pass {
    /// For a report of the period `from`..=`to` (its weeks).
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        let first_week = monday(from);
        let weeks = usize::try_from((to - first_week).num_days() / 7 + 1).unwrap_or(0);
        Self {
            headline: Headline {
                incidents: 0,
                with_own_figures: 0,
                killed: Figure::default(),
                injured: Figure::default(),
                aid_workers: Figure::default(),
                people_affected: Figure::default(),
                unverified: 0,
                disputed: 0,
            },
            categories: vec![0; Category::ALL.len()],
            tags: vec![0; EventTag::ALL.len()],
            first_week,
            weeks: vec![0; weeks],
            per_place: HashMap::new(),
            key: BinaryHeap::with_capacity(KEY_INCIDENTS + 1),
            any_area: false,
            most_sensitive: None,
        }
    }

    fn add(&mut self, row: Row) {
        let (id, Day(on), place, category, killed, injured, aid, affected) =
            (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
        let (sensitivity, verification, qualifier, scope, tags) =
            (row.8, row.9, row.10, row.11, row.12);
        let h = &mut self.headline;
        h.incidents += 1;
        match verification {
            Verification::Unverified => h.unverified += 1,
            Verification::Disputed => h.disputed += 1,
            _ => {}
        }
        let own = scope != FiguresScope::AreaPeriod;
        if own {
            h.with_own_figures += 1;
            h.killed.add(killed, qualifier);
            h.injured.add(injured, qualifier);
            h.aid_workers.add(aid, qualifier);
            h.people_affected.add(affected, qualifier);
        } else {
            self.any_area = true;
        }
        self.categories[category as usize] += 1;
        for tag in split_codes(&tags).filter_map(EventTag::from_stored) {
            self.tags[tag as usize] += 1;
        }
        let week = (monday(on) - self.first_week).num_days() / 7;
        if let Some(n) = usize::try_from(week)
            .ok()
            .and_then(|w| self.weeks.get_mut(w))
        {
            *n += 1;
        }
        let at = self.per_place.entry(place).or_default();
        at.0 += 1;
        if let (true, Some(k)) = (own, killed) {
            at.1 = Some(at.1.unwrap_or(0) + k);
        }
        self.sensitive(sensitivity);
        let toll = if own {
            killed.unwrap_or(0) + injured.unwrap_or(0)
        } else {
            0
        };
        self.keep(Reverse((toll, on, id)));
    }

    /// Keeps `key` if it is among the key incidents so far.
    fn keep(&mut self, key: Reverse<(i64, NaiveDate, i64)>) {
        // Most rows rank below the twenty kept: they are not pushed only to be popped.
        if self.key.len() == KEY_INCIDENTS && self.key.peek().is_some_and(|least| key >= *least) {
            return;
        }
        self.key.push(key);
        if self.key.len() > KEY_INCIDENTS {
            self.key.pop();
        }
    }

    fn sensitive(&mut self, s: Sensitivity) {
        if self.most_sensitive.is_none_or(|m| s.rank() > m.rank()) {
            self.most_sensitive = Some(s);
        }
    }

    pub fn finish(self) -> Tally {
        let ranked = |all: &[&'static str], counts: Vec<i64>| {
            let mut found: Vec<(String, i64)> = all
                .iter()
                .zip(counts)
                .filter(|(_, n)| *n > 0)
                .map(|(code, n)| (code.to_string(), n))
                .collect();
            found.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            found
        };
        let category_codes: Vec<&str> = Category::ALL.iter().map(|c| c.code()).collect();
        let tag_codes: Vec<&str> = EventTag::ALL.iter().map(|t| t.code()).collect();
        let first_week = self.first_week;
        Tally {
            headline: self.headline,
            by_category: ranked(&category_codes, self.categories),
            by_tag: ranked(&tag_codes, self.tags),
            by_week: (0i64..)
                .zip(self.weeks)
                .map(|(w, n)| (first_week + TimeDelta::days(7 * w), n))
                .collect(),
            per_place: self.per_place,
            key_ids: self
                .key
                .into_sorted_vec()
                .into_iter()
                .map(|Reverse((_, _, id))| id)
                .collect(),
            any_area: self.any_area,
            most_sensitive: self.most_sensitive,
        }
    }
}
