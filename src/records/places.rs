//! Places through the viewer's scope: the gazetteer's list and pages, the records that use a
//! place, the suggestions a form offers. A place first typed on a draft or confidential record
//! is seen only by its organisation (and coordinators, auditors) until a record others may see
//! uses it; a place merged into another is listed no more.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use serde::{Deserialize, Serialize};

use super::{Scope, Visible};
use crate::db::schema::locations;
use crate::db::{Backend, DbConn};
use crate::domain::vocab::PlaceKind;
use crate::error::AppError;
use crate::incidents::list as incident_list;
use crate::locations::{self as gazetteer, names, Location};
use crate::{convoys, needs};

/// The labels of the places the viewer may see, for the forms' suggestions.
pub fn suggestions(conn: &mut DbConn, scope: &Scope) -> Result<Vec<String>, AppError> {
    Ok(gazetteer::all(conn, scope.viewer())?
        .iter()
        .map(gazetteer::Location::label)
        .collect())
}

/// The gazetteer's filters as typed in the address.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    /// Any name of the place (language or spelling), or its p-code.
    pub q: String,
    pub admin1: String,
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
}

impl crate::paging::PagedQuery for ListQuery {
    fn page_mut(&mut self) -> &mut String {
        &mut self.page
    }
}

/// The places matching the filters that the viewer may see, by name.
pub fn list(
    conn: &mut DbConn,
    scope: &Scope,
    query: &ListQuery,
) -> Result<(Vec<Visible<Location>>, i64), AppError> {
    let filtered = || {
        let mut q = locations::table
            .filter(locations::merged_into.is_null())
            .into_boxed::<Backend>();
        if let Some(visible) = scope.place_sql("locations") {
            q = q.filter(diesel::dsl::sql::<Bool>(&visible));
        }
        let typed = query.q.trim();
        if !typed.is_empty() {
            let like = names::like_pattern(typed);
            q = q.filter(
                diesel::dsl::sql::<Bool>(&format!("(locations.id IN ({}", names::ANY_NAME_LIKE))
                    .bind::<Text, _>(like.clone())
                    .sql(") OR lower(locations.pcode) LIKE ")
                    .bind::<Text, _>(like)
                    .sql(")"),
            );
        }
        if !query.admin1.trim().is_empty() {
            q = q.filter(locations::admin1.eq(query.admin1.trim().to_string()));
        }
        if let Ok(kind) = PlaceKind::parse(&query.kind) {
            q = q.filter(locations::kind.eq(kind.code()));
        }
        q
    };
    let total: i64 = filtered().count().get_result(conn)?;
    let page = crate::paging::page_number(&query.page);
    let found: Vec<Location> = filtered()
        .order((locations::name.asc(), locations::id.asc()))
        .limit(crate::paging::PAGE_SIZE)
        .offset((page - 1) * crate::paging::PAGE_SIZE)
        .select(Location::as_select())
        .load(conn)?;
    Ok((found.into_iter().map(Visible::vouched).collect(), total))
}

/// A place the viewer may see, or 404 (a merged place too: its page says where it went).
pub fn find(conn: &mut DbConn, scope: &Scope, id: i64) -> Result<Visible<Location>, AppError> {
    let place = match gazetteer::find(conn, id) {
        Err(AppError::NotFound) => return Err(AppError::NotFound),
        other => other?,
    };
    if scope.sees_place(&place) {
        Ok(Visible::vouched(place))
    } else {
        Err(AppError::NotFound)
    }
}

/// The names of a place the viewer may see.
pub fn names(conn: &mut DbConn, place: &Visible<Location>) -> Result<Vec<names::Name>, AppError> {
    names::load(conn, place.id)
}

/// Other places the viewer may see that answer to one of these names: likely duplicates.
pub fn namesakes(
    conn: &mut DbConn,
    scope: &Scope,
    place: &Visible<Location>,
    all_names: &[names::Name],
) -> Result<Vec<Visible<Location>>, AppError> {
    let lowered: Vec<String> = all_names.iter().map(|n| n.name.to_lowercase()).collect();
    let mut q = locations::table
        .filter(locations::merged_into.is_null())
        .filter(locations::id.ne(place.id))
        .filter(
            locations::id.eq_any(
                crate::db::schema::place_names::table
                    .filter(diesel::dsl::sql::<Text>("lower(place_names.name)").eq_any(lowered))
                    .select(crate::db::schema::place_names::location_id),
            ),
        )
        .into_boxed::<Backend>();
    if let Some(visible) = scope.place_sql("locations") {
        q = q.filter(diesel::dsl::sql::<Bool>(&visible));
    }
    Ok(q.order(locations::id.asc())
        .limit(20)
        .select(Location::as_select())
        .load(conn)?
        .into_iter()
        .map(Visible::vouched)
        .collect())
}

/// The records that use a place, as far as the viewer may see them (the scoped lists), the
/// newest first, with how many there are.
pub struct Uses {
    pub incidents: incident_list::ListPage,
    pub convoys: convoys::list::ListPage,
    pub needs: needs::list::ListPage,
}

pub fn uses(
    conn: &mut DbConn,
    scope: &Scope,
    place: &Visible<Location>,
    today: NaiveDate,
) -> Result<Uses, AppError> {
    let viewer = scope.viewer();
    let incidents = incident_list::list(
        conn,
        viewer,
        &incident_list::Filter {
            location_id: Some(place.id),
            include_retracted: true,
            ..Default::default()
        },
        incident_list::Sort::RecordedDesc,
        1,
    )?;
    let convoys = convoys::list::list(
        conn,
        viewer,
        &convoys::list::Filter {
            place_id: Some(place.id),
            ..Default::default()
        },
        1,
        crate::paging::PAGE_SIZE,
    )?;
    let needs = needs::list::list(
        conn,
        viewer,
        &needs::list::Filter {
            location_id: Some(place.id),
            ..Default::default()
        },
        today,
        1,
        crate::paging::PAGE_SIZE,
    )?;
    Ok(Uses {
        incidents,
        convoys,
        needs,
    })
}
