//! Finding convoys by status, organisation, destination and planned departure.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde::{Deserialize, Serialize};

use super::model::Convoy;
use crate::db::kept_answers::{self, Convoys};
use crate::db::schema::{convoy_tallies, convoys, locations};
use crate::db::{self, DbConn};
use crate::domain::vocab::ConvoyStatus;
use crate::error::AppError;
use crate::locations::{names, PlaceName};
use crate::permissions::{self, Viewer};

use crate::db::Backend;

pub use crate::paging::PAGE_SIZE;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub organization: String,
    pub destination: String,
    /// Any name of a place the convoy leaves from, goes to or passes (an event's place).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub place: String,
    pub from: String,
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub statuses: Vec<ConvoyStatus>,
    pub organization_id: Option<i64>,
    pub destination_id: Option<i64>,
    /// A name of the place (any language or spelling).
    pub place: Option<String>,
    /// The place itself (its page lists the convoys that use it).
    pub place_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl ListQuery {
    pub fn parse(&self) -> (Filter, i64, Vec<&'static str>) {
        let mut bad = Vec::new();
        let mut date = |s: &str, name: &'static str| {
            let s = s.trim();
            (!s.is_empty())
                .then(|| {
                    crate::domain::values::iso_date(s).or_else(|| {
                        bad.push(name);
                        None
                    })
                })
                .flatten()
        };
        let from = date(&self.from, "from");
        let to = date(&self.to, "to");
        let filter = Filter {
            statuses: ConvoyStatus::parse(&self.status).ok().into_iter().collect(),
            organization_id: self.organization.trim().parse().ok(),
            destination_id: self.destination.trim().parse().ok(),
            place: Some(self.place.trim().chars().take(100).collect::<String>())
                .filter(|p| !p.is_empty()),
            place_id: None,
            from,
            to,
        };
        (filter, crate::paging::page_number(&self.page), bad)
    }
}

impl crate::paging::PagedQuery for ListQuery {
    fn page_mut(&mut self) -> &mut String {
        &mut self.page
    }
}

/// The convoys matching `f` that `viewer` may see, as a boxed query (for the list page, its
/// count and the exports).
pub fn filtered<'a>(viewer: Viewer, f: &Filter) -> convoys::BoxedQuery<'a, Backend> {
    let mut q = convoys::table.into_boxed::<Backend>();
    if let Some(visible) = permissions::visible_sql(viewer, "convoys", false) {
        q = q.filter(diesel::dsl::sql::<Bool>(&visible));
    }
    if !f.statuses.is_empty() {
        let codes: Vec<&str> = f.statuses.iter().map(|s| s.code()).collect();
        q = crate::one_or_any!(q, convoys::status, codes);
    }
    if let Some(o) = f.organization_id {
        q = q.filter(convoys::organization_id.eq(o));
    }
    if let Some(d) = f.destination_id {
        q = q.filter(convoys::destination_id.eq(d));
    }
    if let Some(typed) = &f.place {
        let like = names::like_pattern(typed);
        let any = names::ANY_NAME_LIKE;
        q = q.filter(
            diesel::dsl::sql::<Bool>(&format!("(convoys.origin_id IN ({any}"))
                .bind::<Text, _>(like.clone())
                .sql(&format!(") OR convoys.destination_id IN ({any}"))
                .bind::<Text, _>(like.clone())
                .sql(&format!(
                    ") OR convoys.id IN (SELECT convoy_id FROM convoy_events WHERE location_id IN ({any}"
                ))
                .bind::<Text, _>(like)
                .sql(")))"),
        );
    }
    if let Some(p) = f.place_id {
        q = q.filter(
            convoys::origin_id
                .eq(p)
                .or(convoys::destination_id.eq(p))
                .or(diesel::dsl::sql::<Bool>(
                    "convoys.id IN (SELECT convoy_id FROM convoy_events WHERE location_id = ",
                )
                .bind::<diesel::sql_types::BigInt, _>(p)
                .sql(")")),
        );
    }
    if let Some(d) = f.from {
        q = q.filter(convoys::planned_departure.ge(d));
    }
    if let Some(d) = f.to {
        q = q.filter(convoys::planned_departure.le(d));
    }
    q
}

/// The count of the convoys `f` matches that `viewer` may see, from `convoy_tallies` (kept by
/// triggers in every write's transaction); `None` when a filter (destination, dates) is not
/// among the tallied columns.
fn tallied_count(conn: &mut DbConn, viewer: Viewer, f: &Filter) -> Result<Option<i64>, AppError> {
    // Every field named, so a new filter must say whether the tallies can answer it.
    let Filter {
        statuses,
        organization_id,
        destination_id,
        from,
        to,
        place,
        place_id,
    } = f;
    if destination_id.is_some()
        || from.is_some()
        || to.is_some()
        || place.is_some()
        || place_id.is_some()
    {
        return Ok(None);
    }
    // Kept between requests until a record of the kind is written (`db::kept_answers`): the
    // tallies follow the records' rows alone, and the viewer's scope is in the key.
    let count = kept_answers::kept::<Convoys, i64>(conn, &viewer, f, |conn| {
        let mut q = convoy_tallies::table.into_boxed::<Backend>();
        if let Some(visible) = permissions::visible_sql(viewer, "convoy_tallies", false) {
            q = q.filter(diesel::dsl::sql::<Bool>(&visible));
        }
        if !statuses.is_empty() {
            let codes: Vec<&str> = statuses.iter().map(|s| s.code()).collect();
            q = crate::one_or_any!(q, convoy_tallies::status, codes);
        }
        if let Some(o) = organization_id {
            q = q.filter(convoy_tallies::organization_id.eq(*o));
        }
        Ok(db::kept(q.select(crate::db::tally_sum())).get_result(conn)?)
    })?;
    Ok(Some(count))
}

pub struct Row {
    pub convoy: Convoy,
    pub origin: crate::locations::Listed,
    pub destination: crate::locations::Listed,
    pub organization: String,
}

pub struct ListPage {
    pub rows: Vec<Row>,
    pub total: i64,
}

/// Newest planned departure first; `size` rows a page (a constant of the caller: it is written
/// into the statement, see `db::page`).
pub fn list(
    conn: &mut DbConn,
    viewer: Viewer,
    f: &Filter,
    page: i64,
    size: i64,
) -> Result<ListPage, AppError> {
    let total: i64 = match tallied_count(conn, viewer, f)? {
        Some(n) => n,
        None => db::kept(filtered(viewer, f).count()).get_result(conn)?,
    };
    let rows = rows(conn, viewer, f, page, size)?;
    Ok(ListPage { rows, total })
}

/// The first `size` convoys in the list's order, without counting them (for the home page).
pub fn top(conn: &mut DbConn, viewer: Viewer, f: &Filter, size: i64) -> Result<Vec<Row>, AppError> {
    rows(conn, viewer, f, 1, size)
}

/// One page of the list's rows, newest departure first, with their places and organisations.
fn rows(
    conn: &mut DbConn,
    viewer: Viewer,
    f: &Filter,
    page: i64,
    size: i64,
) -> Result<Vec<Row>, AppError> {
    let found: Vec<Convoy> = db::page(
        filtered(viewer, f)
            .order((convoys::planned_departure.desc(), convoys::id.desc()))
            .select(Convoy::as_select()),
        size,
        (page - 1) * size,
    )
    .load(conn)?;
    let mut ids: Vec<i64> = found
        .iter()
        .flat_map(|c| [c.origin_id, c.destination_id])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let places = crate::locations::find_listed(conn, &ids)?;
    let orgs = crate::accounts::organizations::all(conn)?;
    let place = |id: i64| places.get(&id).cloned();
    Ok(found
        .into_iter()
        .filter_map(|convoy| {
            let organization = orgs
                .iter()
                .find(|o| o.id == convoy.organization_id)
                .map(|o| o.short().to_string())
                .unwrap_or_default();
            Some(Row {
                origin: place(convoy.origin_id)?,
                destination: place(convoy.destination_id)?,
                organization,
                convoy,
            })
        })
        .collect())
}

/// Destinations of the convoys `viewer` may see, for the filter: each place checked against
/// the destination index (a few hundred look-ups) rather than a pass over every convoy.
pub fn destinations(conn: &mut DbConn, viewer: Viewer) -> Result<Vec<PlaceName>, AppError> {
    // The viewer's condition is SQL text (numbers only), so the sub-query is too.
    let visible = permissions::visible_sql(viewer, "convoys", false)
        .map(|v| format!(" AND {v}"))
        .unwrap_or_default();
    let mut q = locations::table
        .filter(diesel::dsl::sql::<Bool>(&format!(
            "EXISTS (SELECT 1 FROM convoys WHERE convoys.destination_id = locations.id{visible})"
        )))
        .into_boxed::<Backend>();
    if let Some(visible) = permissions::place_visible_sql(viewer, "locations") {
        q = q.filter(diesel::dsl::sql::<Bool>(&visible));
    }
    Ok(db::page(
        q.order(locations::name.asc())
            .select(PlaceName::as_select()),
        500,
        0,
    )
    .load(conn)?)
}
