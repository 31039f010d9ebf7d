//! The report's one pass over its incidents: every figure that counts or sums them (headline,
//! categories, tags, weeks, places, the marking) and the choice of its key incidents, taken
//! row by row as the rows arrive.
//!
//! A year at a million incidents is about 100,000 rows, read from `incidents_report_idx`
//! alone. Grouping in SQL would walk them once per grouping (SQLite sorts each), so they are
//! walked once here; the rows are streamed, never collected, and their codes and dates are
//! read in place (`db::codes`), the codes joined into one column, so a row costs no
//! allocation.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use chrono::{Datelike, NaiveDate, TimeDelta};
use diesel::connection::DefaultLoadingMode;
use diesel::deserialize;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::{Figure, Headline};
use crate::db::codes::{FromText, InPlace};
use crate::db::schema::incidents;
use crate::db::{Day, DbConn};
use crate::domain::vocab::{
    Category, EventTag, FiguresQualifier, FiguresScope, Sensitivity, Verification,
};
use crate::error::AppError;
use crate::incidents::list::{filtered, Filter};
use crate::incidents::model::COUNT_FIELDS;
use crate::permissions::Viewer;

/// How many key incidents a report lists.
pub const KEY_INCIDENTS: usize = 20;

/// One incident as the pass reads it: id, date, place, civilians killed and injured, aid
/// workers (the eight counts summed; unknown when none is known), people affected, and its
/// codes ([`Facts`]).
type Row = (
    i64,
    Day,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    InPlace<Facts>,
);

/// An incident's codes, joined by the statement into one text ([`FACTS_SQL`]): category,
/// sensitivity, verification, the figures' qualifier and scope, then the event tags. Each
/// column a row has is a reading of its own through diesel and the multi-backend, and the
/// readings were most of the pass (45% of a year's report at a million, against 30% for
/// SQLite's walk of the index): six text columns read as one take five of those away.
struct Facts {
    category: Category,
    sensitivity: Sensitivity,
    verification: Verification,
    qualifier: FiguresQualifier,
    scope: FiguresScope,
    /// The event tags, one bit each, in the vocabulary's order (a tag listed twice counts once).
    tags: u64,
}

const _: () = assert!(EventTag::ALL.len() <= 64, "one bit per event tag");

/// The SQL of [`Facts`]: its columns joined by spaces (codes hold none; every column is NOT
/// NULL, so the text is never NULL).
const FACTS_SQL: &str = "incidents.category || ' ' || incidents.sensitivity || ' ' \
     || incidents.verification || ' ' || incidents.figures_qualifier || ' ' \
     || incidents.figures_scope || ' ' || incidents.event_tags";

impl FromText for Facts {
    fn from_text(bytes: &[u8]) -> deserialize::Result<Self> {
        let mut words = bytes.splitn(6, |b| *b == b' ');
        let mut next = || words.next().unwrap_or_default();
        let category = Category::from_text(next())?;
        let sensitivity = Sensitivity::from_text(next())?;
        let verification = Verification::from_text(next())?;
        let qualifier = FiguresQualifier::from_text(next())?;
        let scope = FiguresScope::from_text(next())?;
        // As `split_codes` reads them: trimmed, empty ones skipped (an unknown one too).
        let mut tags = 0u64;
        for tag in next().split(|b| *b == b',').map(<[u8]>::trim_ascii) {
            if let Some(t) = EventTag::ALL.iter().find(|t| t.code().as_bytes() == tag) {
                tags |= 1 << (*t as u32);
            }
        }
        Ok(Facts {
            category,
            sensitivity,
            verification,
            qualifier,
            scope,
            tags,
        })
    }
}

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
        incidents::civilians_killed,
        incidents::civilians_injured,
        diesel::dsl::sql::<Nullable<BigInt>>(&aid_workers_sql()),
        incidents::people_affected,
        diesel::dsl::sql::<Text>(FACTS_SQL),
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
        let (id, Day(on), place, killed, injured, aid, affected, InPlace(facts)) = row;
        let h = &mut self.headline;
        h.incidents += 1;
        match facts.verification {
            Verification::Unverified => h.unverified += 1,
            Verification::Disputed => h.disputed += 1,
            _ => {}
        }
        let own = facts.scope != FiguresScope::AreaPeriod;
        if own {
            h.with_own_figures += 1;
            h.killed.add(killed, facts.qualifier);
            h.injured.add(injured, facts.qualifier);
            h.aid_workers.add(aid, facts.qualifier);
            h.people_affected.add(affected, facts.qualifier);
        } else {
            self.any_area = true;
        }
        self.categories[facts.category as usize] += 1;
        let mut bits = facts.tags;
        while bits != 0 {
            self.tags[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
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
        self.sensitive(facts.sensitivity);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The joined codes read back as the columns would have been: every code of every
    /// vocabulary in its place, tags trimmed and each counted once, an unknown tag skipped (as
    /// `split_codes` and `from_stored` skipped it) and an unknown code a failed read.
    #[test]
    fn facts_read_as_their_columns() {
        let text = |c: Category, s: Sensitivity, v: Verification, tags: &str| {
            format!(
                "{} {} {} about area_period {tags}",
                c.code(),
                s.code(),
                v.code()
            )
        };
        for c in Category::ALL {
            for s in Sensitivity::ALL {
                for v in Verification::ALL {
                    let read = Facts::from_text(text(*c, *s, *v, "").as_bytes()).unwrap();
                    assert_eq!(
                        (
                            read.category,
                            read.sensitivity,
                            read.verification,
                            read.tags
                        ),
                        (*c, *s, *v, 0)
                    );
                    assert_eq!(read.qualifier, FiguresQualifier::About);
                    assert_eq!(read.scope, FiguresScope::AreaPeriod);
                }
            }
        }
        let (first, last) = (EventTag::ALL[0], EventTag::ALL[EventTag::ALL.len() - 1]);
        let tags = format!(
            "{}, spaceship,{} ,{},",
            last.code(),
            first.code(),
            last.code()
        );
        let c = Category::ALL[0];
        let read = Facts::from_text(
            text(c, Sensitivity::Public, Verification::Confirmed, &tags).as_bytes(),
        )
        .unwrap();
        assert_eq!(
            read.tags,
            1 << (first as u32) | 1 << (last as u32),
            "{tags}"
        );
        assert!(Facts::from_text(b"secret public confirmed exact incident ").is_err());
        assert!(Facts::from_text(c.code().as_bytes()).is_err());
    }
}
