//! Finding needs: critical and overdue first, filtered by facility, place, item, urgency and
//! status, with the viewer's visibility applied in the query.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde::{Deserialize, Serialize};

use super::model::Need;
use crate::db::kept_answers::{self, Needs};
use crate::db::schema::{need_tallies, needs};
use crate::db::{self, DbConn};
use crate::domain::vocab::{NeedItem, NeedStatus, Urgency};
use crate::error::AppError;
use crate::locations::names;
use crate::permissions::{self, Viewer};

use crate::db::Backend;

pub use crate::paging::PAGE_SIZE;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub facility: String,
    pub admin1: String,
    pub location: String,
    /// Any name of the need's place (any language or spelling).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub place: String,
    pub item: String,
    pub urgency: String,
    pub status: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub facility: Option<String>,
    pub admin1: Option<String>,
    pub location_id: Option<i64>,
    pub place: Option<String>,
    pub item: Option<NeedItem>,
    pub urgency: Option<Urgency>,
    pub status: Option<NeedStatus>,
    /// Only needs still open or partly met.
    pub active_only: bool,
    /// Only needs past their date (still active).
    pub overdue_on: Option<NaiveDate>,
}

impl ListQuery {
    pub fn parse(&self) -> (Filter, i64) {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let filter = Filter {
            facility: opt(&self.facility).map(|f| f.chars().take(100).collect()),
            admin1: opt(&self.admin1),
            location_id: opt(&self.location).and_then(|l| l.parse().ok()),
            place: opt(&self.place).map(|p| p.chars().take(100).collect()),
            item: opt(&self.item).and_then(|c| NeedItem::parse(&c).ok()),
            urgency: opt(&self.urgency).and_then(|c| Urgency::parse(&c).ok()),
            status: opt(&self.status).and_then(|c| NeedStatus::parse(&c).ok()),
            ..Default::default()
        };
        (filter, crate::paging::page_number(&self.page))
    }
}

impl crate::paging::PagedQuery for ListQuery {
    fn page_mut(&mut self) -> &mut String {
        &mut self.page
    }
}

/// The needs matching `f` that `viewer` may see, as a boxed query (for the list page, its
/// count and the exports).
pub fn filtered<'a>(viewer: Viewer, f: &Filter) -> needs::BoxedQuery<'a, Backend> {
    let mut q = needs::table.into_boxed::<Backend>();
    if let Some(visible) = permissions::visible_sql(viewer, "needs", false) {
        q = q.filter(diesel::dsl::sql::<Bool>(&visible));
    }
    // A facility is found by its name or by any name of its place (Douma, Duma, دوما).
    if let Some(facility) = &f.facility {
        let like = names::like_pattern(facility);
        q = q.filter(
            diesel::dsl::sql::<Bool>("(lower(needs.facility_name) LIKE ")
                .bind::<Text, _>(like.clone())
                .sql(&format!(
                    " OR needs.location_id IN ({}",
                    names::ANY_NAME_LIKE
                ))
                .bind::<Text, _>(like)
                .sql("))"),
        );
    }
    if let Some(place) = &f.place {
        q = q.filter(
            diesel::dsl::sql::<Bool>(&format!("needs.location_id IN ({}", names::ANY_NAME_LIKE))
                .bind::<Text, _>(names::like_pattern(place))
                .sql(")"),
        );
    }
    for condition in crate::locations::in_areas("needs.location_id", f.admin1.as_deref(), None) {
        q = q.filter(condition);
    }
    if let Some(l) = f.location_id {
        q = q.filter(needs::location_id.eq(l));
    }
    if let Some(i) = f.item {
        q = q.filter(needs::item.eq(i.code()));
    }
    if let Some(u) = f.urgency {
        // The rank, not the code: it is in the list's index.
        q = q.filter(needs::urgency_rank.eq(u.rank()));
    }
    if let Some(s) = f.status {
        q = q.filter(needs::status.eq(s.code()));
    }
    if f.active_only || f.overdue_on.is_some() {
        q = q.filter(needs::active.eq(true));
    }
    if let Some(today) = f.overdue_on {
        q = q.filter(needs::due_on.lt(today));
    }
    q
}

/// The count of the needs `f` matches that `viewer` may see, from `need_tallies` (kept by
/// triggers in every write's transaction); `None` when a filter (facility, place, date) is not
/// among the tallied columns.
fn tallied_count(conn: &mut DbConn, viewer: Viewer, f: &Filter) -> Result<Option<i64>, AppError> {
    // Every field named, so a new filter must say whether the tallies can answer it.
    let Filter {
        facility,
        admin1,
        location_id,
        item,
        urgency,
        status,
        active_only,
        overdue_on,
        place,
    } = f;
    if facility.is_some()
        || admin1.is_some()
        || location_id.is_some()
        || overdue_on.is_some()
        || place.is_some()
    {
        return Ok(None);
    }
    // Kept between requests until a record of the kind is written (`db::kept_answers`): the
    // tallies follow the records' rows alone, and the viewer's scope is in the key.
    let count = kept_answers::kept::<Needs, i64>(conn, &viewer, f, |conn| {
        let mut q = need_tallies::table.into_boxed::<Backend>();
        if let Some(visible) = permissions::visible_sql(viewer, "need_tallies", false) {
            q = q.filter(diesel::dsl::sql::<Bool>(&visible));
        }
        if let Some(i) = item {
            q = q.filter(need_tallies::item.eq(i.code()));
        }
        if let Some(u) = urgency {
            q = q.filter(need_tallies::urgency_rank.eq(u.rank()));
        }
        if let Some(s) = status {
            q = q.filter(need_tallies::status.eq(s.code()));
        }
        if *active_only {
            q = q.filter(need_tallies::status.eq_any(NeedStatus::ACTIVE.map(|s| s.code())));
        }
        Ok(db::kept(q.select(crate::db::tally_sum())).get_result(conn)?)
    })?;
    Ok(Some(count))
}

pub struct Row {
    pub need: Need,
    pub location: crate::locations::Listed,
}

pub struct ListPage {
    pub rows: Vec<Row>,
    pub total: i64,
}

/// The list's groups, in order: still-needed critical needs, still-needed overdue ones, the
/// rest still needed, then met and cancelled; within each, by urgency, then date needed.
#[derive(Debug, Clone, Copy)]
enum Group {
    Critical,
    Overdue,
    StillNeeded,
    Done,
}

impl Group {
    const ALL: [Group; 4] = [
        Group::Critical,
        Group::Overdue,
        Group::StillNeeded,
        Group::Done,
    ];

    /// Whether `f` leaves this group anything: a group the filter rules out is not read at all
    /// (its range of the index would be walked only to find nothing).
    fn admits(self, f: &Filter) -> bool {
        let critical = f.urgency.map(|u| u == Urgency::Critical);
        let active = f.status.map(|s| NeedStatus::ACTIVE.contains(&s));
        match self {
            Group::Critical => critical != Some(false) && active != Some(false),
            Group::Overdue => critical != Some(true) && active != Some(false),
            Group::StillNeeded => {
                critical != Some(true) && active != Some(false) && f.overdue_on.is_none()
            }
            Group::Done => !f.active_only && f.overdue_on.is_none() && active != Some(true),
        }
    }

    /// `q` narrowed to this group: each is one range of an index (`needs_queue_recorded_idx`, or
    /// `needs_due_idx` where only overdue needs count).
    fn within<'a>(
        self,
        q: needs::BoxedQuery<'a, Backend>,
        today: NaiveDate,
    ) -> needs::BoxedQuery<'a, Backend> {
        let q = q.filter(needs::active.eq(!matches!(self, Group::Done)));
        match self {
            Group::Critical => q.filter(needs::urgency_rank.eq(0)),
            // Overdue: its date passed since it was recorded (see `Need::is_overdue`); each
            // urgency's overdue needs are one range of `needs_due_idx`.
            Group::Overdue => q
                .filter(needs::urgency_rank.eq_any(Urgency::LATER_RANKS))
                .filter(needs::due_on.lt(today)),
            Group::StillNeeded => q.filter(needs::urgency_rank.gt(0)).filter(
                needs::needed_by
                    .ge(today)
                    .or(needs::needed_by.is_null())
                    .or(needs::needed_by.lt(needs::recorded_on.nullable())),
            ),
            Group::Done => q,
        }
    }

    /// `q` in the list's order. Where every need of the group is overdue, the date it is due is
    /// the date it is needed by, and the order follows `needs_due_idx`.
    fn ordered<'a>(
        self,
        q: needs::BoxedQuery<'a, Backend>,
        f: &Filter,
    ) -> needs::BoxedQuery<'a, Backend> {
        if matches!(self, Group::Overdue) || f.overdue_on.is_some() {
            q.order((
                needs::urgency_rank.asc(),
                needs::due_on.asc(),
                needs::id.asc(),
            ))
        } else {
            q.order((
                needs::urgency_rank.asc(),
                needs::needed_by.asc(),
                needs::id.asc(),
            ))
        }
    }
}

/// One page of the list, critical and overdue first (see [`Group`]), with the total count;
/// `size` rows a page (a constant of the caller: it is written into the statement).
pub fn list(
    conn: &mut DbConn,
    viewer: Viewer,
    f: &Filter,
    today: NaiveDate,
    page: i64,
    size: i64,
) -> Result<ListPage, AppError> {
    let total = match tallied_count(conn, viewer, f)? {
        Some(n) => n,
        None => db::kept(filtered(viewer, f).count()).get_result(conn)?,
    };
    let found = fetch(conn, viewer, f, today, (page - 1) * size, size)?;
    Ok(ListPage {
        rows: with_places(conn, found)?,
        total,
    })
}

/// The first `size` needs in the list's order, without counting them (for the home page).
pub fn top(
    conn: &mut DbConn,
    viewer: Viewer,
    f: &Filter,
    today: NaiveDate,
    size: i64,
) -> Result<Vec<Row>, AppError> {
    let found = fetch(conn, viewer, f, today, 0, size)?;
    with_places(conn, found)
}

/// Reads `size` needs after skipping `skip`, group by group; a group is counted only when
/// the page might start after it. Each group is asked for a whole page (`size`, a constant of
/// the caller), not for what is still missing, so its statement has one text and stays
/// compiled (see `db::page`); the rows beyond the page are dropped.
fn fetch(
    conn: &mut DbConn,
    viewer: Viewer,
    f: &Filter,
    today: NaiveDate,
    mut skip: i64,
    size: i64,
) -> Result<Vec<Need>, AppError> {
    let wanted = usize::try_from(size).unwrap_or(0);
    let mut found: Vec<Need> = Vec::new();
    for group in Group::ALL.into_iter().filter(|g| g.admits(f)) {
        if skip > 0 {
            let count: i64 =
                db::kept(group.within(filtered(viewer, f), today).count()).get_result(conn)?;
            if skip >= count {
                skip -= count;
                continue;
            }
        }
        let rows: Vec<Need> = db::page(
            group
                .ordered(group.within(filtered(viewer, f), today), f)
                .select(Need::as_select()),
            size,
            skip,
        )
        .load(conn)?;
        skip = 0;
        found.extend(rows.into_iter().take(wanted - found.len()));
        if found.len() >= wanted {
            break;
        }
    }
    Ok(found)
}

/// Adds each need's place (one query for the page).
fn with_places(conn: &mut DbConn, found: Vec<Need>) -> Result<Vec<Row>, AppError> {
    let ids: Vec<i64> = found.iter().map(|n| n.location_id).collect();
    let places = crate::locations::find_listed(conn, &ids)?;
    Ok(found
        .into_iter()
        .filter_map(|need| {
            let location = places.get(&need.location_id)?.clone();
            Some(Row { need, location })
        })
        .collect())
}

/// Open needs a delivery could be set against, nearest first (same place as `near`, if given).
pub fn open_for_delivery(
    conn: &mut DbConn,
    viewer: Viewer,
    near: Option<i64>,
) -> Result<Vec<Row>, AppError> {
    let f = Filter {
        active_only: true,
        ..Default::default()
    };
    let mut page = top(conn, viewer, &f, chrono::Utc::now().date_naive(), 200)?;
    if let Some(place) = near {
        page.sort_by_key(|r| r.need.location_id != place);
    }
    Ok(page)
}
