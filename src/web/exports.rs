//! `GET /exports/{incidents,convoys,needs}.{csv,json}`: the list page's filters (the same query
//! string), the same visibility, streamed as a download. The access guard has already checked
//! `ExportRecords`; the export is audited before the first byte goes out.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::extract::Today;
use super::{client_addr, Page};
use crate::error::AppError;
use crate::exports::{self, Format, Source};
use crate::web::State;
use crate::{convoys, incidents, needs};

/// What the exports take beyond the list's own filters.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Options {
    /// `hxl=1`: a second row of HXL hashtags under the CSV header; for JSON, HXL's JSON form
    /// (an array of arrays under the same hashtags).
    pub hxl: String,
}

impl Options {
    fn hxl(&self) -> bool {
        matches!(self.hxl.trim(), "1" | "true" | "yes")
    }

    fn csv(&self) -> Format {
        Format::Csv { hxl: self.hxl() }
    }

    fn json(&self) -> Format {
        if self.hxl() {
            Format::HxlJson
        } else {
            Format::Json
        }
    }
}

/// The list's query as the audit trail keeps it: the filters, without the page number.
fn filters<Q: Serialize>(query: &Q) -> String {
    serde_urlencoded::to_string(query).unwrap_or_default()
}

/// Audits the export, then answers with the file as a stream.
async fn download(
    page: Page,
    state: State,
    req: HttpRequest,
    source: Arc<dyn Source>,
    format: Format,
    filters: String,
) -> Result<HttpResponse, AppError> {
    let actor = page.user().actor(&client_addr(&req));
    let counted = source.clone();
    let matching = state
        .db
        .run(move |conn| exports::record(conn, &actor, &*counted, format, &filters))
        .await?;
    let file_name = source.kind().file_name(format, Today::now().date);
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(exports::stream(state.db.clone(), source, format, matching)))
}

async fn of_incidents(
    page: Page,
    state: State,
    req: HttpRequest,
    query: incidents::list::ListQuery,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let query = incidents::list::ListQuery {
        page: String::new(),
        ..query
    };
    let (filter, _, _, _) = query.parse();
    let source = exports::incidents::Incidents {
        viewer: page.user().viewer(),
        filter,
    };
    download(page, state, req, Arc::new(source), format, filters(&query)).await
}

async fn of_convoys(
    page: Page,
    state: State,
    req: HttpRequest,
    query: convoys::list::ListQuery,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let query = convoys::list::ListQuery {
        page: String::new(),
        ..query
    };
    let (filter, _, _) = query.parse();
    let source = exports::convoys::Convoys {
        viewer: page.user().viewer(),
        filter,
    };
    download(page, state, req, Arc::new(source), format, filters(&query)).await
}

async fn of_needs(
    page: Page,
    state: State,
    req: HttpRequest,
    query: needs::list::ListQuery,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let query = needs::list::ListQuery {
        page: String::new(),
        ..query
    };
    let (filter, _) = query.parse();
    let source = exports::needs::Needs {
        viewer: page.user().viewer(),
        filter,
    };
    download(page, state, req, Arc::new(source), format, filters(&query)).await
}

pub async fn incidents_csv(
    page: Page,
    state: State,
    req: HttpRequest,
    query: web::Query<incidents::list::ListQuery>,
    options: web::Query<Options>,
) -> Result<HttpResponse, AppError> {
    of_incidents(page, state, req, query.into_inner(), options.csv()).await
}

pub async fn incidents_json(
    page: Page,
    state: State,
    req: HttpRequest,
    query: web::Query<incidents::list::ListQuery>,
    options: web::Query<Options>,
) -> Result<HttpResponse, AppError> {
    of_incidents(page, state, req, query.into_inner(), options.json()).await
}

pub async fn convoys_csv(
    page: Page,
    state: State,
    req: HttpRequest,
    query: web::Query<convoys::list::ListQuery>,
    options: web::Query<Options>,
) -> Result<HttpResponse, AppError> {
    of_convoys(page, state, req, query.into_inner(), options.csv()).await
}

pub async fn convoys_json(
    page: Page,
    state: State,
    req: HttpRequest,
    query: web::Query<convoys::list::ListQuery>,
    options: web::Query<Options>,
) -> Result<HttpResponse, AppError> {
    of_convoys(page, state, req, query.into_inner(), options.json()).await
}

pub async fn needs_csv(
    page: Page,
    state: State,
    req: HttpRequest,
    query: web::Query<needs::list::ListQuery>,
    options: web::Query<Options>,
) -> Result<HttpResponse, AppError> {
    of_needs(page, state, req, query.into_inner(), options.csv()).await
}

pub async fn needs_json(
    page: Page,
    state: State,
    req: HttpRequest,
    query: web::Query<needs::list::ListQuery>,
    options: web::Query<Options>,
) -> Result<HttpResponse, AppError> {
    of_needs(page, state, req, query.into_inner(), options.json()).await
}
