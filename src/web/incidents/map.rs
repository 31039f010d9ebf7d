//! The incidents of the list's filters on a map (`/incidents/map`), with the same figures as a
//! table. A page of its own, linked from the list: counting every matching incident per place
//! reads far more than a page of rows, so the list itself stays as fast as its tallies allow.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::error::AppError;
use crate::incidents::by_area;
use crate::incidents::list::ListQuery;
use crate::locations;
use crate::paging::PagedQuery;
use crate::permissions::Viewer;
use crate::web::map::IncidentMap;
use crate::web::Page;
use crate::web::State;

#[derive(Template)]
#[template(path = "incidents/map.html")]
pub struct MapPage {
    pub page: Page,
    /// The list's filters, as a query string (no page), for the way back.
    pub list_query: String,
    pub bad: Vec<&'static str>,
    pub map: IncidentMap,
}

pub async fn map(
    page: Page,
    state: State,
    query: web::Query<ListQuery>,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, _, _, bad) = query.parse();
    let (figures, boundaries) = state
        .db
        .read(move |conn| {
            Ok((
                by_area::figures(conn, viewer, &filter)?,
                locations::boundaries::load(conn)?,
            ))
        })
        .await?;
    // Each governorate links to the list, filtered to it (the other filters kept).
    let link = |admin1: &str| {
        let mut q = query.clone();
        q.admin1 = admin1.to_string();
        format!("/incidents?{}", q.with_page(1))
    };
    let map = crate::web::map::draw(
        &page,
        "incident-map",
        &boundaries,
        &figures.by_admin1,
        Some((&figures.points, figures.more_points)),
        Some(&link),
    );
    crate::web::ok(&MapPage {
        page,
        list_query: query.with_page(1),
        bad,
        map,
    })
}
