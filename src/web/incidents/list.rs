use crate::permissions::Viewer;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::accounts::{organizations, Organization};
use crate::error::AppError;
use crate::incidents::list::{self, ListQuery, Row, Sort};
use crate::locations;
use crate::paging::{PagedQuery, Pager};
use crate::permissions::{self, Action};
use crate::web::Page;
use crate::web::State;

#[derive(Template)]
#[template(path = "incidents/list.html")]
pub struct ListPage {
    pub page: Page,
    pub query: ListQuery,
    pub rows: Vec<Row>,
    pub total: i64,
    /// A text search matched more than it counted.
    pub more: bool,
    pub pager: Pager,
    pub bad: Vec<&'static str>,
    pub organizations: Vec<Organization>,
    pub admin_areas: Vec<(String, String)>,
    pub can_record: bool,
    /// May export (CSV, JSON): the download links, with `export_query` (the filters, no page).
    pub can_export: bool,
    pub export_query: String,
    pub sorts: &'static [(Sort, &'static str, &'static str)],
    /// The order in force (the chosen one, or the default for this kind of list).
    pub sort_code: &'static str,
    /// (incident id, evidence files the viewer may see) for this page's rows that have any.
    pub file_counts: Vec<(i64, i64)>,
}

impl ListPage {
    pub fn admin1s(&self) -> Vec<&str> {
        crate::locations::admin1_names(&self.admin_areas)
    }
    pub fn sorted_by(&self, code: &str) -> bool {
        self.sort_code == code
    }
    pub fn admin2s(&self) -> Vec<&str> {
        crate::locations::admin2_names(&self.admin_areas)
    }
    /// How many evidence files of incident `id` the viewer may see (0: none, or none visible).
    pub fn files_of(&self, id: &i64) -> i64 {
        self.file_counts
            .iter()
            .find(|(i, _)| i == id)
            .map_or(0, |(_, n)| *n)
    }
}

pub async fn list(
    page: Page,
    state: State,
    query: web::Query<ListQuery>,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, sort, page_no, bad) = query.parse();
    let (found, organizations, admin_areas, file_counts) = state
        .db
        .read(move |conn| {
            let found = list::list(conn, viewer, &filter, sort, page_no)?;
            // Counted for this page's rows only, in one batch, never per row.
            let ids: Vec<i64> = found.rows.iter().map(|r| r.incident.id).collect();
            let scope = crate::records::Scope::of(viewer);
            let file_counts = crate::records::evidence::counts(
                conn,
                &scope,
                crate::evidence::RecordKind::Incident,
                &ids,
            )?;
            Ok((
                found,
                organizations::all(conn)?,
                locations::admin_areas(conn, viewer)?,
                file_counts,
            ))
        })
        .await?;
    let pager = Pager::new("/incidents", &query, page_no, found.total);
    let can_record = permissions::allows(page.user().role, Action::RecordIncidents);
    let can_export = permissions::allows(page.user().role, Action::ExportRecords);
    let export_query = query.with_page(1);
    crate::web::ok(&ListPage {
        page,
        query,
        rows: found.rows,
        total: found.total,
        more: found.more,
        pager,
        bad,
        organizations,
        admin_areas,
        can_record,
        can_export,
        export_query,
        sorts: &Sort::ALL,
        sort_code: sort.code(),
        file_counts,
    })
}
