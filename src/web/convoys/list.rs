use crate::permissions::Viewer;
use crate::records::Scope;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::accounts::{organizations, Organization};
use crate::convoys::list::{self, ListQuery, Row};
use crate::error::AppError;
use crate::locations::PlaceName;
use crate::paging::{PagedQuery, Pager};
use crate::permissions::{self, Action};
use crate::web::Page;
use crate::web::State;

#[derive(Template)]
#[template(path = "convoys/list.html")]
pub struct ListPage {
    pub page: Page,
    pub query: ListQuery,
    pub rows: Vec<Row>,
    pub total: i64,
    pub pager: Pager,
    pub bad: Vec<&'static str>,
    pub organizations: Vec<Organization>,
    pub destinations: std::sync::Arc<Vec<PlaceName>>,
    pub can_record: bool,
    /// May export (CSV, JSON): the download links, with `export_query` (the filters, no page).
    pub can_export: bool,
    pub export_query: String,
}

pub async fn list(
    page: Page,
    state: State,
    query: web::Query<ListQuery>,
    v: Viewer,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, page_no, bad) = query.parse();
    let (found, organizations) = state
        .db
        .read(move |conn| {
            Ok((
                list::list(conn, v, &filter, page_no, list::PAGE_SIZE)?,
                organizations::all(conn)?,
            ))
        })
        .await?;
    let destinations = state.menus.destinations(&state.db, scope).await?;
    let pager = Pager::new("/convoys", &query, page_no, found.total);
    crate::web::ok(&ListPage {
        can_record: permissions::allows(page.user().role, Action::RecordConvoys),
        can_export: permissions::allows(page.user().role, Action::ExportRecords),
        export_query: query.with_page(1),
        page,
        query,
        rows: found.rows,
        total: found.total,
        pager,
        bad,
        organizations,
        destinations,
    })
}
