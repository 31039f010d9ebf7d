//! Finding incidents: filters (all kept in the URL), sorting, paging and the total count, with
//! the viewer's visibility applied in the query itself so hidden records are never counted.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde::{Deserialize, Serialize};

use super::model::Listed;
use super::months;
use super::search;
use crate::db::kept_answers::{self, Incidents};
use crate::db::schema::{
    incident_district_tallies, incident_governorate_tallies, incident_governorate_totals,
    incident_month_tallies, incident_tallies, incidents,
};
use crate::db::{self, kept, DbConn};
use crate::domain::vocab::{Category, EventTag, RecordStatus, Sensitivity, Verification};
use crate::error::AppError;
use crate::locations::Listed as Place;
use crate::permissions::{self, Viewer};

use crate::db::Backend;

pub use crate::paging::PAGE_SIZE;
/// A text search counts its matches up to this many ("more than 1,000"): counting every one
/// of a common word's hundred thousand matches would cost far more than the page shown.
pub const SEARCH_COUNT_LIMIT: usize = 1_000;

/// The list's query string. Unknown or malformed values are ignored (and flagged), never 400.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub category: String,
    pub from: String,
    pub to: String,
    pub location: String,
    pub admin1: String,
    pub admin2: String,
    pub organization: String,
    pub verification: String,
    pub sensitivity: String,
    pub status: String,
    /// An event tag's code.
    pub tag: String,
    pub sort: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
}

/// How to order the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    OccurredDesc,
    RecordedDesc,
    OccurredAsc,
    ReportedDesc,
    UpdatedDesc,
}

impl Sort {
    pub const ALL: [(Sort, &'static str, &'static str); 5] = [
        (Sort::OccurredDesc, "occurred-desc", "sort-occurred-desc"),
        (Sort::RecordedDesc, "recorded-desc", "sort-recorded-desc"),
        (Sort::OccurredAsc, "occurred-asc", "sort-occurred-asc"),
        (Sort::ReportedDesc, "reported-desc", "sort-reported-desc"),
        (Sort::UpdatedDesc, "updated-desc", "sort-updated-desc"),
    ];

    /// The chosen order; by default the newest incidents first, or for a text search the
    /// newest records (the order the search index keeps, so the first page comes at once).
    fn parse(s: &str, searching: bool) -> Sort {
        let default = if searching {
            Sort::RecordedDesc
        } else {
            Sort::OccurredDesc
        };
        Self::ALL
            .iter()
            .find(|(_, code, _)| *code == s)
            .map_or(default, |(s, _, _)| *s)
    }

    pub fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("", |(_, code, _)| code)
    }

    fn apply<'a>(
        self,
        q: incidents::BoxedQuery<'a, Backend>,
    ) -> incidents::BoxedQuery<'a, Backend> {
        match self {
            Sort::OccurredDesc => q.order((incidents::occurred_on.desc(), incidents::id.desc())),
            Sort::OccurredAsc => q.order((incidents::occurred_on.asc(), incidents::id.asc())),
            Sort::RecordedDesc => q.order(incidents::id.desc()),
            Sort::ReportedDesc => q.order((incidents::reported_on.desc(), incidents::id.desc())),
            Sort::UpdatedDesc => q.order((incidents::updated_at.desc(), incidents::id.desc())),
        }
    }
}

/// The filters, parsed.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub text: String,
    pub category: Option<Category>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub location_id: Option<i64>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub organization_id: Option<i64>,
    pub verification: Option<Verification>,
    pub sensitivity: Option<Sensitivity>,
    pub status: Option<RecordStatus>,
    pub include_retracted: bool,
    /// Any of these categories (reports choose several).
    pub categories: Vec<Category>,
    /// Leave drafts out (reports count only submitted and closed records).
    pub exclude_drafts: bool,
    /// Any of these verification statuses (reports choose several).
    pub verifications: Vec<Verification>,
    /// Incidents with this event tag.
    pub tag: Option<EventTag>,
}

impl Filter {
    /// Whether the filter asks for nothing (its words aside): every record, retracted ones
    /// too. Each field is named, so that a field added is weighed here too.
    fn asks_nothing(&self) -> bool {
        let Filter {
            text: _,
            category,
            from,
            to,
            location_id,
            admin1,
            admin2,
            organization_id,
            verification,
            sensitivity,
            status,
            include_retracted,
            categories,
            exclude_drafts,
            verifications,
            tag,
        } = self;
        category.is_none()
            && from.is_none()
            && to.is_none()
            && location_id.is_none()
            && admin1.is_none()
            && admin2.is_none()
            && organization_id.is_none()
            && verification.is_none()
            && sensitivity.is_none()
            && status.is_none()
            && *include_retracted
            && categories.is_empty()
            && !exclude_drafts
            && verifications.is_empty()
            && tag.is_none()
    }

    /// Whether the filter asks for a category or a verification, which
    /// `incident_governorate_totals` does not keep (`in_area!`). Each field is named, so that a
    /// field added is weighed here too: the totals answer only what `scope_filters!` applies.
    fn asks_kind(&self) -> bool {
        let Filter {
            category,
            categories,
            verification,
            verifications,
            // Applied by `scope_filters!`.
            organization_id: _,
            sensitivity: _,
            status: _,
            include_retracted: _,
            exclude_drafts: _,
            // Never answered by a tally (`tally_for`), or the area itself (`in_area!`).
            text: _,
            from: _,
            to: _,
            location_id: _,
            tag: _,
            admin1: _,
            admin2: _,
        } = self;
        category.is_some()
            || !categories.is_empty()
            || verification.is_some()
            || !verifications.is_empty()
    }
}

impl ListQuery {
    /// The filter, sort and page; the names of values that could not be understood.
    pub fn parse(&self) -> (Filter, Sort, i64, Vec<&'static str>) {
        let mut bad = Vec::new();
        let date = |s: &str, name: &'static str, bad: &mut Vec<&'static str>| {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            crate::domain::values::iso_date(s).or_else(|| {
                bad.push(name);
                None
            })
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let filter = Filter {
            text: self.q.trim().chars().take(200).collect(),
            category: opt(&self.category)
                .and_then(|c| Category::parse(&c).map_err(|_| bad.push("category")).ok()),
            from: date(&self.from, "from", &mut bad),
            to: date(&self.to, "to", &mut bad),
            location_id: opt(&self.location).and_then(|l| l.parse().ok()),
            admin1: opt(&self.admin1),
            admin2: opt(&self.admin2),
            organization_id: opt(&self.organization).and_then(|o| o.parse().ok()),
            verification: opt(&self.verification).and_then(|c| Verification::parse(&c).ok()),
            sensitivity: opt(&self.sensitivity).and_then(|c| Sensitivity::parse(&c).ok()),
            status: opt(&self.status).and_then(|c| RecordStatus::parse(&c).ok()),
            include_retracted: true,
            categories: Vec::new(),
            exclude_drafts: false,
            verifications: Vec::new(),
            tag: opt(&self.tag).and_then(|t| EventTag::parse(&t).map_err(|_| bad.push("tag")).ok()),
        };
        let page = crate::paging::page_number(&self.page);
        let searching = !search::terms(&filter.text).is_empty();
        (filter, Sort::parse(self.sort.trim(), searching), page, bad)
    }
}

impl crate::paging::PagedQuery for ListQuery {
    fn page_mut(&mut self) -> &mut String {
        &mut self.page
    }
}

/// The list's conditions applied to the incidents query `$q` (boxed, grouped or not).
macro_rules! with_filters {
    ($q:expr, $conn:expr, $viewer:expr, $filter:expr) => {{
        let (conn, viewer, filter): (&DbConn, Viewer, &Filter) = ($conn, $viewer, $filter);
        let mut q = $q;
        if let Some(visible) = permissions::visible_sql(viewer, "incidents", true) {
            q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&visible));
        }
        if let Some(cond) = search::condition(conn, &filter.text) {
            q = q.filter(cond);
        }
        if let Some(c) = filter.category {
            q = q.filter(incidents::category.eq(c.code()));
        }
        if let Some(d) = filter.from {
            q = q.filter(incidents::occurred_on.ge(d));
        }
        if let Some(d) = filter.to {
            q = q.filter(incidents::occurred_on.le(d));
        }
        if let Some(l) = filter.location_id {
            q = q.filter(incidents::location_id.eq(l));
        }
        let (admin1, admin2) = (filter.admin1.as_deref(), filter.admin2.as_deref());
        for condition in crate::locations::in_areas("incidents.location_id", admin1, admin2) {
            q = q.filter(condition);
        }
        if let Some(o) = filter.organization_id {
            q = q.filter(incidents::organization_id.eq(o));
        }
        if let Some(v) = filter.verification {
            q = q.filter(incidents::verification.eq(v.code()));
        }
        if let Some(s) = filter.sensitivity {
            q = q.filter(incidents::sensitivity.eq(s.code()));
        }
        if let Some(s) = filter.status {
            q = match s {
                // A constant, not a bound value, so that both planners may read the drafts'
                // own index (partial: drafts alone, migration 480), which they may use only
                // for a statement that says 'draft' itself.
                RecordStatus::Draft => q.filter(diesel::dsl::sql::<Bool>(&format!(
                    "incidents.status = '{}'",
                    RecordStatus::Draft.code()
                ))),
                _ => q.filter(incidents::status.eq(s.code())),
            };
        }
        if !filter.include_retracted {
            // Nor duplicates merged into another record: counted there.
            q = q
                .filter(incidents::retracted_at.is_null())
                .filter(incidents::merged_into.is_null());
        }
        if !filter.categories.is_empty() {
            let codes: Vec<&str> = filter.categories.iter().map(|c| c.code()).collect();
            q = crate::one_or_any!(q, incidents::category, codes);
        }
        if filter.exclude_drafts {
            q = q.filter(incidents::status.ne(RecordStatus::Draft.code()));
        }
        if !filter.verifications.is_empty() {
            let codes: Vec<&str> = filter.verifications.iter().map(|v| v.code()).collect();
            q = crate::one_or_any!(q, incidents::verification, codes);
        }
        if let Some(tag) = filter.tag {
            // Tags are stored as comma-separated codes: match one whole code.
            q = q.filter(
                diesel::dsl::sql::<Bool>("(',' || incidents.event_tags || ',') LIKE ")
                    .bind::<Text, _>(format!("%,{},%", tag.code())),
            );
        }
        q
    }};
}

/// The incidents matching `filter` that `viewer` may see, as a boxed query (reused for the
/// page and the count).
pub fn filtered<'a>(
    conn: &DbConn,
    viewer: Viewer,
    filter: &Filter,
) -> incidents::BoxedQuery<'a, Backend> {
    with_filters!(
        incidents::table.into_boxed::<Backend>(),
        conn,
        viewer,
        filter
    )
}

/// How many incidents `filter` matches that `viewer` may see, per place (for the map): the
/// same conditions as `filtered`, on a query grouped before it is boxed (a boxed query can
/// no longer be grouped).
pub fn count_by_place(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
) -> Result<Vec<(i64, i64)>, AppError> {
    let grouped = incidents::table
        .group_by(incidents::location_id)
        .select((incidents::location_id, diesel::dsl::count_star()))
        .into_boxed::<Backend>();
    Ok(with_filters!(grouped, conn, viewer, filter).load(conn)?)
}

/// `filter`'s conditions that a tally table (`incident_tallies`, `incident_month_tallies`,
/// `incident_governorate_tallies`, `incident_district_tallies`: the same columns) can answer,
/// and the viewer's visibility, on the query `$q` of `$table` (boxed, grouped or not).
macro_rules! tally_filters {
    ($table:ident, $q:expr, $viewer:expr, $filter:expr) => {{
        let (viewer, filter): (Viewer, &Filter) = ($viewer, $filter);
        let mut q = scope_filters!($table, $q, viewer, filter);
        if let Some(c) = filter.category {
            q = q.filter($table::category.eq(c.code()));
        }
        if !filter.categories.is_empty() {
            let codes: Vec<&str> = filter.categories.iter().map(|c| c.code()).collect();
            q = $crate::one_or_any!(q, $table::category, codes);
        }
        if let Some(v) = filter.verification {
            q = q.filter($table::verification.eq(v.code()));
        }
        if !filter.verifications.is_empty() {
            let codes: Vec<&str> = filter.verifications.iter().map(|v| v.code()).collect();
            q = $crate::one_or_any!(q, $table::verification, codes);
        }
        q
    }};
}

/// The part of [`tally_filters!`] that `incident_governorate_totals` (no category or
/// verification) can answer too: the viewer's visibility, organisation, sensitivity, status
/// and liveness.
macro_rules! scope_filters {
    ($table:ident, $q:expr, $viewer:expr, $filter:expr) => {{
        let (viewer, filter): (Viewer, &Filter) = ($viewer, $filter);
        let mut q = $q;
        if let Some(visible) = permissions::visible_sql(viewer, stringify!($table), true) {
            q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&visible));
        }
        if let Some(o) = filter.organization_id {
            q = q.filter($table::organization_id.eq(o));
        }
        if let Some(s) = filter.sensitivity {
            q = q.filter($table::sensitivity.eq(s.code()));
        }
        if let Some(s) = filter.status {
            q = q.filter($table::status.eq(s.code()));
        }
        if !filter.include_retracted {
            q = q.filter($table::live.eq(true));
        }
        if filter.exclude_drafts {
            q = q.filter($table::status.ne(RecordStatus::Draft.code()));
        }
        q
    }};
}

/// The area tally that answers `filter`: the districts' when it names a district, the
/// governorates' totals when it names no category or verification either, the governorates'
/// otherwise. `$start` (a query of the table named `$t`) gets `tally_filters!` (or
/// `scope_filters!`) and the filter's governorate and district (the same names, compared the
/// same way, as the list's `locations::in_areas`), and is given to `$then` as `$q`; written for
/// each table, since their queries are of different types.
macro_rules! in_area {
    ($viewer:expr, $filter:expr, |$t:ident| $start:expr, |$q:ident| $then:expr) => {{
        let (viewer, filter): (Viewer, &Filter) = ($viewer, $filter);
        match &filter.admin2 {
            Some(district) => {
                use incident_district_tallies as $t;
                // The table's own name: the visibility's SQL names it.
                let mut $q = tally_filters!(incident_district_tallies, $start, viewer, filter)
                    .filter($t::admin2.eq(district.clone()));
                if let Some(a) = &filter.admin1 {
                    $q = $q.filter($t::admin1.eq(a.clone()));
                }
                $then
            }
            None if !filter.asks_kind() => {
                use incident_governorate_totals as $t;
                let mut $q = scope_filters!(incident_governorate_totals, $start, viewer, filter);
                if let Some(a) = &filter.admin1 {
                    $q = $q.filter($t::admin1.eq(a.clone()));
                }
                $then
            }
            None => {
                use incident_governorate_tallies as $t;
                let mut $q = tally_filters!(incident_governorate_tallies, $start, viewer, filter);
                if let Some(a) = &filter.admin1 {
                    $q = $q.filter($t::admin1.eq(a.clone()));
                }
                $then
            }
        }
    }};
}

/// Which tally answers a filter's count (`tallied_count` says how each is kept).
enum Tally {
    /// No date, place or area: `incident_tallies`.
    All,
    /// A date range (no place or area): `incident_month_tallies`, and the cut months by rows.
    Months(months::Split),
    /// A governorate or district (no date or place): `incident_governorate_tallies` or
    /// `incident_district_tallies`.
    Areas,
}

/// The tally that answers `filter`'s count; `None` when a filter (text, tag, one place, or an
/// area and dates together) is not among any tally's columns.
fn tally_for(filter: &Filter) -> Option<Tally> {
    // Every field named, so a new filter must say whether the tallies can answer it.
    let Filter {
        text,
        category: _,
        from,
        to,
        location_id,
        admin1,
        admin2,
        organization_id: _,
        verification: _,
        sensitivity: _,
        status: _,
        include_retracted: _,
        categories: _,
        exclude_drafts: _,
        verifications: _,
        tag,
    } = filter;
    if !search::terms(text).is_empty() || tag.is_some() || location_id.is_some() {
        return None;
    }
    let dated = from.is_some() || to.is_some();
    match (admin1.is_some() || admin2.is_some(), dated) {
        (false, false) => Some(Tally::All),
        (false, true) => months::split(*from, *to).map(Tally::Months),
        (true, false) => Some(Tally::Areas),
        (true, true) => None,
    }
}

/// Exact counts without counting: `incident_tallies` holds how many incidents there are per
/// organisation, sensitivity, status, category, verification and liveness,
/// `incident_month_tallies` the same per month of occurrence, and
/// `incident_governorate_tallies` and `incident_district_tallies` per governorate and per
/// district (and `incident_governorate_totals` the governorates' without category and
/// verification), all kept by database triggers in the same transaction as every write (see their
/// migrations). A list whose filters are all among those columns sums a few hundred tally rows
/// instead of counting a million incidents; a date range sums its whole months and counts only
/// the days of the months it cuts (see `months`). The viewer's visibility applies to the
/// tallies as it applies to the incidents, since it reads the same three columns.
///
/// The count of the incidents `filter` matches that `viewer` may see, from the tallies; `None`
/// when no tally answers it (`tally_for`).
fn tallied_count(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
) -> Result<Option<i64>, AppError> {
    let split = match tally_for(filter) {
        None => return Ok(None),
        Some(Tally::All) => {
            let q = tally_filters!(
                incident_tallies,
                incident_tallies::table.into_boxed::<Backend>(),
                viewer,
                filter
            );
            return Ok(Some(kept(q.select(db::tally_sum())).get_result(conn)?));
        }
        Some(Tally::Areas) => {
            let n: i64 = in_area!(viewer, filter, |t| t::table.into_boxed::<Backend>(), |q| {
                kept(q.select(db::tally_sum())).get_result(conn)?
            });
            return Ok(Some(n));
        }
        Some(Tally::Months(split)) => split,
    };
    let mut n = 0;
    if let Some((first, last)) = split.whole {
        let mut q = tally_filters!(
            incident_month_tallies,
            incident_month_tallies::table.into_boxed::<Backend>(),
            viewer,
            filter
        );
        if filter.category.is_none() && filter.categories.is_empty() {
            // Every category named, so that the key (category first) is searched, not scanned.
            // Every stored code is one of these: records are written through `Category` only.
            // (Naming them with a sub-select of `incident_tallies` instead made PostgreSQL
            // read the whole monthly table: 8.7 ms against 5.0.)
            let every: Vec<&str> = Category::ALL.iter().map(|c| c.code()).collect();
            q = q.filter(incident_month_tallies::category.eq_any(every));
        }
        if let Some(first) = first {
            q = q.filter(incident_month_tallies::month.ge(first));
        }
        if let Some(last) = last {
            q = q.filter(incident_month_tallies::month.le(last));
        }
        n += kept(q.select(db::tally_sum())).get_result::<i64>(conn)?;
    }
    for (from, to) in split.cut {
        let days = Filter {
            from: Some(from),
            to: Some(to),
            ..filter.clone()
        };
        n += kept(filtered(conn, viewer, &days).count()).get_result::<i64>(conn)?;
    }
    Ok(Some(n))
}

/// How many incidents `filter` matches that `viewer` may see, per governorate as the places
/// name it (for the map), from the area tallies; governorates with none left out. `None` when
/// the area tallies cannot answer (`tally_for`: a date, text, tag or one place).
pub fn tallied_by_admin1(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
) -> Result<Option<Vec<(String, i64)>>, AppError> {
    if !matches!(tally_for(filter), Some(Tally::All | Tally::Areas)) {
        return Ok(None);
    }
    let found: Vec<(String, i64)> = in_area!(
        viewer,
        filter,
        |t| t::table
            .group_by(t::admin1)
            .select((t::admin1, db::tally_sum()))
            .into_boxed::<Backend>(),
        |q| kept(q).load(conn)?
    );
    Ok(Some(found.into_iter().filter(|(_, n)| *n > 0).collect()))
}

/// One row of the list.
pub struct Row {
    pub incident: Listed,
    pub location: Place,
    pub organization: String,
}

pub struct ListPage {
    pub rows: Vec<Row>,
    /// How many match (for a text search, at most [`SEARCH_COUNT_LIMIT`]).
    pub total: i64,
    /// A text search found more than it counted.
    pub more: bool,
}

pub fn list(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
    sort: Sort,
    page: i64,
) -> Result<ListPage, AppError> {
    if search::terms(&filter.text).is_empty() {
        let total = kept_answers::kept::<Incidents, _>(conn, &viewer, filter, |conn| {
            Ok(match tallied_count(conn, viewer, filter)? {
                Some(n) => n,
                None => kept(filtered(conn, viewer, filter).count()).get_result(conn)?,
            })
        })?;
        let offset = (page - 1) * PAGE_SIZE;
        let found = if filter.admin1.is_some() || filter.admin2.is_some() {
            // An area's places are many: the database reads each one's incidents in order and
            // sorts what it read, so it is asked for the page's record numbers alone, which
            // the place index answers, and only then for those rows (migration 420).
            let ids: Vec<i64> = db::page(
                sort.apply(filtered(conn, viewer, filter))
                    .select(incidents::id),
                PAGE_SIZE,
                offset,
            )
            .load(conn)?;
            listed_in_order(conn, viewer, &ids)?
        } else {
            db::page(
                sort.apply(filtered(conn, viewer, filter))
                    .select(Listed::as_select()),
                PAGE_SIZE,
                offset,
            )
            .load(conn)?
        };
        let rows = attach(conn, found)?;
        return Ok(ListPage {
            rows,
            total,
            more: false,
        });
    }
    // A text search: counted as the newest matches, one more than are counted, and the count
    // kept as the other lists' are; the matches read for it serve the page too.
    let mut newest_read = None;
    let counted = kept_answers::kept::<Incidents, _>(conn, &viewer, filter, |conn| {
        let ids = newest(conn, viewer, filter, SEARCH_COUNT_LIMIT + 1)?;
        let n = ids.len() as i64;
        newest_read = Some(ids);
        Ok(n)
    })?;
    let more = counted > SEARCH_COUNT_LIMIT as i64;
    let found = if sort == Sort::RecordedDesc {
        // Newest records first is the order the matches are found in: this page's slice of
        // them, the count kept, only as many as reach the page's end.
        let skip = ((page - 1) * PAGE_SIZE) as usize;
        let ids = match newest_read {
            Some(ids) => ids,
            None => {
                let reach = (skip + PAGE_SIZE as usize).min(SEARCH_COUNT_LIMIT + 1);
                newest(conn, viewer, filter, reach)?
            }
        };
        let shown: Vec<i64> = ids
            .iter()
            .skip(skip)
            .take(PAGE_SIZE as usize)
            .copied()
            .collect();
        listed_in_order(conn, viewer, &shown)?
    } else {
        // Another order: by hand over the matches found, or, when there are more than were
        // counted, by the database over all of them (slower, but asked for).
        let matches = if more {
            filtered(conn, viewer, filter)
        } else {
            let ids = match newest_read {
                Some(ids) => ids,
                None => newest(conn, viewer, filter, SEARCH_COUNT_LIMIT + 1)?,
            };
            incidents::table
                .filter(db::one_of(incidents::id, &ids))
                .into_boxed()
        };
        // Not kept: it carries the words (`db::Kept`).
        sort.apply(matches)
            .select(Listed::as_select())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
            .load(conn)?
    };
    Ok(ListPage {
        rows: attach(conn, found)?,
        total: counted.min(SEARCH_COUNT_LIMIT as i64),
        more,
    })
}

/// `permissions::visible_sql` for incidents, as a filter (as `records::Scope::records_of`
/// gives it to the layers above).
pub fn visible_to(viewer: Viewer) -> diesel::expression::SqlLiteral<Bool> {
    db::sql_filter(permissions::visible_sql(viewer, "incidents", true))
}

/// The incidents `ids` names, as lists show them, in the order of `ids` (a page's, fifty at
/// most, found by the viewer's scoped query, or by the word index's own test of the scope:
/// read through the scope again, so a row is never shown on the index's word alone).
fn listed_in_order(
    conn: &mut DbConn,
    viewer: Viewer,
    ids: &[i64],
) -> Result<Vec<Listed>, AppError> {
    let mut rows: Vec<Listed> = kept(
        incidents::table
            .filter(db::one_of(incidents::id, ids))
            .filter(visible_to(viewer))
            .select(Listed::as_select()),
    )
    .load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows)
}

/// Adds place and organisation to a few incidents (the places kept in memory, the
/// organisations read once a page; not a join per row).
pub fn attach(conn: &mut DbConn, found: Vec<Listed>) -> Result<Vec<Row>, AppError> {
    let location_ids: Vec<i64> = found.iter().map(|i| i.location_id).collect();
    let places = crate::locations::find_listed(conn, &location_ids)?;
    let orgs = crate::accounts::organizations::all(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|incident| {
            let location = places.get(&incident.location_id)?.clone();
            let organization = orgs
                .iter()
                .find(|o| o.id == incident.organization_id)
                .map(|o| o.short().to_string())
                .unwrap_or_default();
            Some(Row {
                incident,
                location,
                organization,
            })
        })
        .collect())
}

/// A few incidents for a home page, by a condition chosen there; `limit` is a constant of the
/// caller (it is written into the statement, see `db::page`).
pub fn recent(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
    sort: Sort,
    limit: i64,
) -> Result<Vec<Row>, AppError> {
    // In the order asked for (the verification queue: oldest events first).
    let q = sort.apply(filtered(conn, viewer, filter));
    let found = db::page(q.select(Listed::as_select()), limit, 0).load(conn)?;
    attach(conn, found)
}

/// The ids of the newest matching incidents (by id, newest first), at most `limit`; `filter`
/// holds the text and every other condition. Words alone are one statement
/// (`search::newest_entries`; on PostgreSQL, one `search::Slices`). With other filters, the
/// planner would first collect every match of the text (SQLite into a temporary list;
/// PostgreSQL from its GIN index, then sorted), for a common word a tenth of the table;
/// instead the word index is read newest first, a slice of matches at a time
/// (`search::Slices`), the records of each checked against the other conditions by their
/// record numbers, stopping as soon as enough are found. On PostgreSQL, prefixes alone have no
/// rows in the table of words: the records are walked for them (`newest_walking`).
pub fn newest(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
    limit: usize,
) -> Result<Vec<i64>, AppError> {
    let terms = search::terms(&filter.text);
    let rest = Filter {
        text: String::new(),
        ..filter.clone()
    };
    let scope = permissions::search_scope(viewer);
    match conn {
        // Nothing but the words is asked: one statement walks the word index, testing only
        // the viewer's scope, in the index itself.
        DbConn::Sqlite(c) if rest.asks_nothing() => {
            return search::newest_entries(c, &search::fts5_query(&terms), &scope, limit);
        }
        _ => {}
    }
    let Some(slices) = search::Slices::of(conn, &terms, &scope)? else {
        return newest_walking(conn, viewer, filter, limit);
    };
    if rest.asks_nothing() && slices.row_test().is_none() {
        // On PostgreSQL, whole words and nothing else: their rows in the table of words, newest
        // first, one slice.
        return slices.below(conn, i64::MAX, i64::try_from(limit).unwrap_or(i64::MAX));
    }
    let mut found = Vec::new();
    let mut before = i64::MAX;
    // How many matches the slices so far held.
    let mut read = 0;
    while found.len() < limit {
        let wanted = slice_size(limit, found.len(), read);
        let slice = slices.below(conn, before, wanted)?;
        let (Some(&low), Ok(n)) = (slice.last(), i64::try_from(slice.len())) else {
            break;
        };
        // The slice's records that pass the other conditions, read through the viewer's
        // scope (a record is never listed on the index's word alone).
        let mut q = filtered(conn, viewer, &rest).filter(db::one_of(incidents::id, &slice));
        if let Some(test) = slices.row_test() {
            q = q.filter(test);
        }
        let q = q.select(incidents::id).order(incidents::id.desc());
        found.extend(match conn {
            // The same text for every slice of a search: SQLite compiles it once.
            DbConn::Sqlite(_) => kept(q).load::<i64>(conn)?,
            // Planned for each slice (kept, it would soon have one plan for any slice: see
            // `db::Kept`).
            DbConn::Pg(_) => q.load::<i64>(conn)?,
        });
        if n < wanted {
            // The index had no more.
            break;
        }
        before = low;
        read += n;
    }
    found.truncate(limit);
    Ok(found)
}

/// The most matches a slice of the word index holds: each one's incident row is read to test
/// the other conditions (on PostgreSQL about 4 µs each: 8,000 in 33 ms under `EXPLAIN
/// ANALYZE` at a million), and the slice is held in memory and sent back to the database as a
/// list.
const MOST_IN_A_SLICE: i64 = 50_000;

/// How many matches the next slice holds, when `found` of the `limit` wanted have passed the
/// other conditions out of the `read` matches of the slices before: the first, `limit` (every
/// match, when every one passes); then as many as the share passing so far says the rest
/// needs, and a quarter more, or eight times as many as were read when none passed (the
/// conditions are rare among the newest matches); at least 100, at most `MOST_IN_A_SLICE`.
/// Each slice costs two statements more; too large a slice reads matches for nothing.
fn slice_size(limit: usize, found: usize, read: i64) -> i64 {
    let limit = i64::try_from(limit).unwrap_or(MOST_IN_A_SLICE);
    let found = i64::try_from(found).unwrap_or(i64::MAX);
    let wanted = if read == 0 {
        limit
    } else if found == 0 {
        read.saturating_mul(8)
    } else {
        let needed = (limit - found).saturating_mul(read) / found + 1;
        needed.saturating_add(needed / 4)
    };
    wanted.clamp(100, MOST_IN_A_SLICE)
}

/// [`newest`] on PostgreSQL for prefixes alone (or words its configuration drops), which the
/// table of words cannot answer. The word index (GIN) yields every match at once and in no
/// order, so for the newest thousand matches of two common words the planner either walks the
/// records newest first, testing each, and stops at the thousandth (under a millisecond), or
/// reads every match from the index and sorts them (200 ms for "convoy checkpoint" at a
/// million incidents, 102,040 matches). Which one it picks rests on its guess of how many
/// records match, and for words that occur together it guesses ten times too few: with
/// `random_page_cost = 1.1`, the setting for SSDs, it picked the index and the search took
/// 1.3 s under sixteen requests. So the choice is made here, from what is found: the newest
/// records are walked a stretch of record numbers at a time (the words tested row by row,
/// through `ts_match_vq`, the function behind `@@`, which no index answers). When the matches
/// are too sparse for walking to reach `limit` soon, one word is left to the planner, whose
/// guess for one word is good; for more, how many matches the index would read is gauged
/// (`search::matches_at_most`, from the statistics): few, and the index is read; many (the
/// words are common further down, the newest records merely lack them), and walking goes on
/// as far as the index would read before the index is asked (see [`next_step`]).
fn newest_walking(
    conn: &mut DbConn,
    viewer: Viewer,
    filter: &Filter,
    limit: usize,
) -> Result<Vec<i64>, AppError> {
    let terms = search::terms(&filter.text);
    let rest = Filter {
        text: String::new(),
        ..filter.clone()
    };
    let top: Option<i64> = incidents::table
        .select(diesel::dsl::max(incidents::id))
        .get_result(conn)?;
    let mut found: Vec<i64> = Vec::new();
    let Some(top) = top else {
        return Ok(found);
    };
    // Record numbers at or above `below` are walked already.
    let mut below = top.saturating_add(1);
    let mut step = Next::Walk(first_stretch(limit));
    let mut walked = 0;
    // How many matches the word index would read, once known (`Next::Gauge`).
    let mut index_reads = None;
    while found.len() < limit && below > 1 {
        let wanted = i64::try_from(limit - found.len()).unwrap_or(i64::MAX);
        match step {
            Next::Walk(numbers) => {
                let low = below.saturating_sub(numbers);
                found.extend(
                    filtered(conn, viewer, &rest)
                        .filter(incidents::id.ge(low))
                        .filter(incidents::id.lt(below))
                        .filter(search::tested_row_by_row(&terms))
                        .select(incidents::id)
                        .order(incidents::id.desc())
                        .limit(wanted)
                        .load::<i64>(conn)?,
                );
                walked += numbers;
                below = low;
            }
            Next::Gauge => {
                if terms.len() < 2 {
                    // One word: the planner's statistics guess its matches well, and it
                    // chooses between walking and the index itself (`Next::Index`).
                    index_reads = Some(0);
                } else {
                    // With no statistics yet, or only prefixes, as far as eight first
                    // stretches.
                    index_reads = Some(
                        search::matches_at_most(conn, &terms, top)?
                            .unwrap_or(8 * first_stretch(limit)),
                    );
                }
            }
            Next::Index => {
                // Every match below the walk from the word index, sorted by the database.
                found.extend(
                    filtered(conn, viewer, filter)
                        .filter(incidents::id.lt(below))
                        .select(incidents::id)
                        .order(incidents::id.desc())
                        .limit(wanted)
                        .load::<i64>(conn)?,
                );
                break;
            }
        }
        step = next_step(walked, found.len(), limit, index_reads);
    }
    found.truncate(limit);
    Ok(found)
}

/// What [`newest_on_postgres`] does next.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// Walk this many record numbers more, newest first.
    Walk(i64),
    /// Learn how many matches the word index would read below the walk: for one word, none
    /// (the planner chooses); for more, from the statistics.
    Gauge,
    /// Read every match below the walk from the word index and sort them.
    Index,
}

/// The record numbers walked first for the newest `limit` matches: enough when half the
/// records match, and a sample of the density otherwise; short, since for a rare word (a
/// place's name) it is walked in vain before the index is asked.
fn first_stretch(limit: usize) -> i64 {
    2 * i64::try_from(limit.max(100)).unwrap_or(i64::MAX / 64)
}

/// After walking `walked` record numbers and finding `found` of `limit` matches, knowing or
/// not how many matches the word index would read below the walk (`index_reads`):
/// - Not known: walk on (a quarter more than the density so far says the rest needs) while
///   the rest takes at most eight first stretches in all; past that (matches sparser than
///   one record in sixteen, or none found), [`Next::Gauge`].
/// - Known: walk on, in one statement (it stops at the last match wanted), until as many
///   records are walked as the index would read: a record walked costs about what a match
///   read from the index does, so the search costs at most about twice the cheaper way, and
///   a rare word goes to the index at once. Past that, the index.
fn next_step(walked: i64, found: usize, limit: usize, index_reads: Option<i64>) -> Next {
    if found >= limit {
        return Next::Walk(0);
    }
    if let Some(reads) = index_reads {
        return if reads > walked {
            Next::Walk(reads - walked)
        } else {
            Next::Index
        };
    }
    let left = 8 * first_stretch(limit) - walked;
    let Some(found) = i64::try_from(found).ok().filter(|n| *n > 0) else {
        return Next::Gauge;
    };
    let wanted = i64::try_from(limit).unwrap_or(i64::MAX) - found;
    let expected = wanted.saturating_mul(walked) / found + 1;
    if expected > left {
        return Next::Gauge;
    }
    Next::Walk((expected + expected / 4).min(left))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_walks_while_matches_are_dense_and_gauges_the_index_when_sparse() {
        use Next::*;
        assert_eq!(first_stretch(1_001), 2_002);
        // "convoy checkpoint", a tenth of the records: 200 in the first stretch, so about 8,000
        // numbers more for the other 801, and a quarter more to be sure of them.
        assert_eq!(next_step(2_002, 200, 1_001, None), Walk(10_023));
        // Nothing found: no density to go by.
        assert_eq!(next_step(2_002, 0, 1_001, None), Gauge);
        // A match in twenty: the rest would take 19,000 numbers, past eight first stretches.
        assert_eq!(next_step(2_002, 100, 1_001, None), Gauge);
        // Close to the most walked: only up to it; walked to it without enough: gauged.
        assert_eq!(next_step(12_000, 900, 1_001, None), Walk(1_683));
        assert_eq!(next_step(15_000, 944, 1_001, None), Walk(1_016));
        assert_eq!(next_step(16_016, 900, 1_001, None), Gauge);
        assert_eq!(next_step(2_002, 1_001, 1_001, None), Walk(0));
    }

    #[test]
    fn postgres_walks_as_far_as_the_index_would_read() {
        use Next::*;
        // "convoy checkpoint" at a million, none among the newest: the index would read about
        // 100,000 matches, so walking goes on that far, in one statement.
        assert_eq!(next_step(2_002, 0, 1_001, Some(100_800)), Walk(98_798));
        assert_eq!(next_step(8_008, 100, 1_001, Some(100_800)), Walk(92_792));
        // Walked that far without enough: the matches are old; the index reads them all.
        assert_eq!(next_step(100_800, 10, 1_001, Some(100_800)), Index);
        // A word missing from the statistics' common words: the index at once.
        assert_eq!(next_step(2_002, 0, 1_001, Some(0)), Index);
        assert_eq!(next_step(2_002, 3, 1_001, Some(2_942)), Walk(940));
        assert_eq!(next_step(2_002, 1_001, 1_001, Some(100_800)), Walk(0));
    }

    #[test]
    fn slices_grow_as_the_share_passing_the_other_conditions_says() {
        // First every match wanted, as if each one passed.
        assert_eq!(slice_size(1_001, 0, 0), 1_001);
        assert_eq!(slice_size(10, 0, 0), 100, "never fewer than 100");
        // "medical" in one governorate of fourteen: 71 of the first 1,001 passed, so about
        // 13,100 more for the other 930, and a quarter more to be sure of them.
        assert_eq!(slice_size(1_001, 71, 1_001), 16_390);
        // None passed: eight times as far.
        assert_eq!(slice_size(1_001, 0, 1_001), 8_008);
        assert_eq!(
            slice_size(1_001, 0, 16_016),
            50_000,
            "at most MOST_IN_A_SLICE"
        );
        // Nearly there: at least 100.
        assert_eq!(slice_size(1_001, 1_000, 1_100), 100);
    }
}
