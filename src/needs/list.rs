//! Finding needs: critical and overdue first, filtered by facility, place, item, urgency and
//! status, with the viewer's visibility applied in the query.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};
use serde::{Deserialize, Serialize};

use super::model::Need;
use crate::db::schema::{locations, needs};
use crate::db::DbConn;
use crate::domain::vocab::{NeedItem, NeedStatus, Urgency};
use crate::error::AppError;
use crate::locations::Location;
use crate::permissions::{self, Viewer};

type Backend = <DbConn as diesel::Connection>::Backend;

pub const PAGE_SIZE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub facility: String,
    pub admin1: String,
    pub location: String,
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
            item: opt(&self.item).and_then(|c| NeedItem::parse(&c).ok()),
            urgency: opt(&self.urgency).and_then(|c| Urgency::parse(&c).ok()),
            status: opt(&self.status).and_then(|c| NeedStatus::parse(&c).ok()),
            ..Default::default()
        };
        (
            filter,
            self.page
                .trim()
                .parse::<i64>()
                .unwrap_or(1)
                .clamp(1, MAX_PAGE),
        )
    }

    pub fn with_page(&self, page: i64) -> String {
        let mut q = self.clone();
        q.page = if page <= 1 {
            String::new()
        } else {
            page.to_string()
        };
        serde_urlencoded::to_string(&q).unwrap_or_default()
    }
}

/// The needs matching `f` that `viewer` may see, as a boxed query (for the list page, its
/// count and the exports).
pub fn filtered<'a>(viewer: Viewer, f: &Filter) -> needs::BoxedQuery<'a, Backend> {
    let mut q = needs::table.into_boxed::<Backend>();
    if let Some(visible) = permissions::visible_sql(viewer, "needs", false) {
        q = q.filter(diesel::dsl::sql::<Bool>(&visible));
    }
    if let Some(facility) = &f.facility {
        let like = format!("%{}%", facility.to_lowercase().replace(['%', '_'], ""));
        q = q.filter(
            diesel::dsl::sql::<Bool>("lower(needs.facility_name) LIKE ").bind::<Text, _>(like),
        );
    }
    if let Some(a) = &f.admin1 {
        q = q.filter(
            diesel::dsl::sql::<Bool>(
                "needs.location_id IN (SELECT id FROM locations WHERE admin1 = ",
            )
            .bind::<Text, _>(a.clone())
            .sql(")"),
        );
    }
    if let Some(l) = f.location_id {
        q = q.filter(needs::location_id.eq(l));
    }
    if let Some(i) = f.item {
        q = q.filter(needs::item.eq(i.code()));
    }
    if let Some(u) = f.urgency {
        q = q.filter(needs::urgency.eq(u.code()));
    }
    if let Some(s) = f.status {
        q = q.filter(needs::status.eq(s.code()));
    }
    if f.active_only || f.overdue_on.is_some() {
        q = q.filter(
            needs::status.eq_any([NeedStatus::Open.code(), NeedStatus::PartiallyMet.code()]),
        );
    }
    if let Some(today) = f.overdue_on {
        q = q.filter(needs::needed_by.lt(today));
    }
    q
}

pub struct Row {
    pub need: Need,
    pub location: Location,
}

pub struct ListPage {
    pub rows: Vec<Row>,
    pub total: i64,
}

/// Critical and overdue first: still-needed critical needs, then still-needed overdue ones,
/// then the rest still needed, then met and cancelled; within each, by urgency and date.
pub fn list(
    conn: &mut DbConn,
    viewer: Viewer,
    f: &Filter,
    today: NaiveDate,
    page: i64,
    size: i64,
) -> Result<ListPage, AppError> {
    let total: i64 = filtered(viewer, f).count().get_result(conn)?;
    let bucket = diesel::dsl::sql::<Integer>(
        "CASE WHEN needs.status IN ('open', 'partially_met') AND needs.urgency_rank = 0 THEN 0 \
         WHEN needs.status IN ('open', 'partially_met') AND needs.needed_by < ",
    )
    .bind::<diesel::sql_types::Date, _>(today)
    .sql(" THEN 1 WHEN needs.status IN ('open', 'partially_met') THEN 2 ELSE 3 END");
    let found: Vec<Need> = filtered(viewer, f)
        .order((
            bucket.asc(),
            needs::urgency_rank.asc(),
            needs::needed_by.asc(),
            needs::id.asc(),
        ))
        .limit(size)
        .offset((page - 1) * size)
        .select(Need::as_select())
        .load(conn)?;
    let ids: Vec<i64> = found.iter().map(|n| n.location_id).collect();
    let places: Vec<Location> = locations::table
        .filter(locations::id.eq_any(&ids))
        .select(Location::as_select())
        .load(conn)?;
    let rows = found
        .into_iter()
        .filter_map(|need| {
            let location = places.iter().find(|l| l.id == need.location_id)?.clone();
            Some(Row { need, location })
        })
        .collect();
    Ok(ListPage { rows, total })
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
    let mut page = list(conn, viewer, &f, chrono::Utc::now().date_naive(), 1, 200)?.rows;
    if let Some(place) = near {
        page.sort_by_key(|r| r.need.location_id != place);
    }
    Ok(page)
}
