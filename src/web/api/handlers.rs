//! The API's endpoints. Filters are the list pages' own (`incidents::list::ListQuery`, …,
//! parsed by the same code), paging is by cursor (`cursor`, `limit`); a value that cannot be
//! understood is a 400 naming it, not ignored as the pages do for people.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{ApiClient, ApiError};
use crate::api::read::{self, Paging, DEFAULT_LIMIT, MAX_LIMIT};
use crate::api::views::{self, Change, ErrorBody, Page, Place};
use crate::api::{cursor, ApiScope, TokenScope};
use crate::reports::{Audience, ReportQuery};
use crate::web::State;

/// Paging parameters of every list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    cursor: String,
    /// The changes feed names its cursor `since`.
    since: String,
    limit: String,
}

fn query<T: DeserializeOwned>(req: &HttpRequest) -> Result<T, ApiError> {
    serde_html_form::from_str(req.query_string())
        .map_err(|e| ApiError::BadRequest(format!("the query string could not be read: {e}")))
}

fn paging(req: &HttpRequest, kind: &str) -> Result<Paging, ApiError> {
    let q: PageQuery = query(req)?;
    let raw = if kind == "changes" {
        &q.since
    } else {
        &q.cursor
    };
    let after = cursor::parse(kind, raw).map_err(|m| ApiError::BadRequest(m.to_string()))?;
    let limit = match q.limit.trim() {
        "" => DEFAULT_LIMIT,
        n => n
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "limit must be a whole number from 1 to {MAX_LIMIT}"
                ))
            })?,
    };
    Ok(Paging { after, limit })
}

fn bad_filters(bad: &[&str]) -> Result<(), ApiError> {
    if bad.is_empty() {
        return Ok(());
    }
    Err(ApiError::BadRequest(format!(
        "these filters could not be understood: {}",
        bad.join(", ")
    )))
}

/// The value only, whatever the database step: for the JSON answer. Read as pages are
/// (`Db::read`): one snapshot for all of a page's statements on SQLite, no write, and what is
/// kept of the gazetteer used and stored.
async fn read<T: serde::Serialize + Send + 'static>(
    state: &State,
    f: impl FnOnce(&mut crate::db::DbConn) -> Result<T, crate::error::AppError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    let value = state.db.read(f).await?;
    Ok(HttpResponse::Ok().json(value))
}

/// Incidents, with their claims (sources only where the token's scope may see them).
#[utoipa::path(get, path = "/api/v1/incidents", tag = "records",
    params(
        ("q" = Option<String>, Query, description = "Words to find (title, narrative, reference, place names); `Hara*` finds words that begin so"),
        ("category" = Option<String>, Query, description = "A category code, e.g. `violence_against_aid`"),
        ("from" = Option<String>, Query, description = "Occurred on or after (YYYY-MM-DD)"),
        ("to" = Option<String>, Query, description = "Occurred on or before (YYYY-MM-DD)"),
        ("location" = Option<i64>, Query, description = "A place id"),
        ("admin1" = Option<String>, Query, description = "Governorate"),
        ("admin2" = Option<String>, Query, description = "District"),
        ("organization" = Option<i64>, Query, description = "An organisation id"),
        ("verification" = Option<String>, Query, description = "A verification code"),
        ("sensitivity" = Option<String>, Query, description = "`public`, `restricted` or `confidential`"),
        ("status" = Option<String>, Query, description = "`draft`, `submitted` or `closed`"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the page before"),
        ("limit" = Option<i64>, Query, description = "Rows per page, 1 to 500 (100)"),
    ),
    responses(
        (status = 200, body = Page<views::Incident>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn incidents(
    req: HttpRequest,
    client: ApiClient,
    state: State,
) -> Result<HttpResponse, ApiError> {
    let list: crate::incidents::list::ListQuery = query(&req)?;
    let (filter, _, _, bad) = list.parse();
    bad_filters(&bad)?;
    let paging = paging(&req, "incidents")?;
    let api = client.scope;
    read(&state, move |conn| {
        read::incidents(conn, &api, &filter, paging)
    })
    .await
}

/// One incident.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "records",
    params(("id" = i64, Path, description = "The incident's id")),
    responses((status = 200, body = views::Incident), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn incident(
    client: ApiClient,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (api, id) = (client.scope, id.into_inner());
    read(&state, move |conn| read::incident(conn, &api, id)).await
}

/// Convoys, with their cargo and lifecycle events.
#[utoipa::path(get, path = "/api/v1/convoys", tag = "records",
    params(
        ("status" = Option<String>, Query, description = "A convoy status code, e.g. `blocked`"),
        ("organization" = Option<i64>, Query, description = "An organisation id"),
        ("destination" = Option<i64>, Query, description = "A place id"),
        ("from" = Option<String>, Query, description = "Planned departure on or after (YYYY-MM-DD)"),
        ("to" = Option<String>, Query, description = "Planned departure on or before (YYYY-MM-DD)"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the page before"),
        ("limit" = Option<i64>, Query, description = "Rows per page, 1 to 500 (100)"),
    ),
    responses((status = 200, body = Page<views::Convoy>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn convoys(
    req: HttpRequest,
    client: ApiClient,
    state: State,
) -> Result<HttpResponse, ApiError> {
    let list: crate::convoys::list::ListQuery = query(&req)?;
    let (filter, _, bad) = list.parse();
    bad_filters(&bad)?;
    let paging = paging(&req, "convoys")?;
    let api = client.scope;
    read(&state, move |conn| {
        read::convoys(conn, &api, &filter, paging)
    })
    .await
}

/// One convoy.
#[utoipa::path(get, path = "/api/v1/convoys/{id}", tag = "records",
    params(("id" = i64, Path, description = "The convoy's id")),
    responses((status = 200, body = views::Convoy), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn convoy(
    client: ApiClient,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (api, id) = (client.scope, id.into_inner());
    read(&state, move |conn| read::convoy(conn, &api, id)).await
}

/// Medical-supply needs.
#[utoipa::path(get, path = "/api/v1/needs", tag = "records",
    params(
        ("facility" = Option<String>, Query, description = "Part of the facility's name"),
        ("admin1" = Option<String>, Query, description = "Governorate"),
        ("location" = Option<i64>, Query, description = "A place id"),
        ("item" = Option<String>, Query, description = "An item code"),
        ("urgency" = Option<String>, Query, description = "An urgency code, e.g. `critical`"),
        ("status" = Option<String>, Query, description = "A need status code"),
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the page before"),
        ("limit" = Option<i64>, Query, description = "Rows per page, 1 to 500 (100)"),
    ),
    responses((status = 200, body = Page<views::Need>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn needs(
    req: HttpRequest,
    client: ApiClient,
    state: State,
) -> Result<HttpResponse, ApiError> {
    let list: crate::needs::list::ListQuery = query(&req)?;
    let (filter, _) = list.parse();
    let paging = paging(&req, "needs")?;
    let api = client.scope;
    read(&state, move |conn| read::needs(conn, &api, &filter, paging)).await
}

/// One need.
#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "records",
    params(("id" = i64, Path, description = "The need's id")),
    responses((status = 200, body = views::Need), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn need(
    client: ApiClient,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (api, id) = (client.scope, id.into_inner());
    read(&state, move |conn| read::need(conn, &api, id)).await
}

/// Places of the gazetteer the token may see; a public token gets districts only.
#[utoipa::path(get, path = "/api/v1/places", tag = "records",
    params(
        ("cursor" = Option<String>, Query, description = "The `next_cursor` of the page before"),
        ("limit" = Option<i64>, Query, description = "Rows per page, 1 to 500 (100)"),
    ),
    responses((status = 200, body = Page<Place>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn places(
    req: HttpRequest,
    client: ApiClient,
    state: State,
) -> Result<HttpResponse, ApiError> {
    let paging = paging(&req, "places")?;
    let api = client.scope;
    read(&state, move |conn| read::places(conn, &api, paging)).await
}

/// Every change since a cursor, oldest first: edits, verifications, retractions, merges, of
/// the records (and, for internal tokens, places) the token could see as they were then.
#[utoipa::path(get, path = "/api/v1/changes", tag = "records",
    params(
        ("since" = Option<String>, Query, description = "The `next_cursor` (or a change's `cursor`) already read; none: from the start"),
        ("limit" = Option<i64>, Query, description = "Changes per page, 1 to 500 (100)"),
    ),
    responses((status = 200, body = Page<Change>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn changes(
    req: HttpRequest,
    client: ApiClient,
    state: State,
) -> Result<HttpResponse, ApiError> {
    let paging = paging(&req, "changes")?;
    let api = client.scope;
    read(&state, move |conn| read::changes(conn, &api, paging)).await
}

/// The situation report's figures for a period: the internal report's for an internal token,
/// the public report's for the others.
#[utoipa::path(get, path = "/api/v1/report", tag = "figures",
    params(
        ("from" = String, Query, description = "First day (YYYY-MM-DD)"),
        ("to" = String, Query, description = "Last day (YYYY-MM-DD), at most five years after `from`"),
        ("admin1" = Option<String>, Query, description = "Governorate"),
        ("admin2" = Option<String>, Query, description = "District"),
        ("organization" = Option<i64>, Query, description = "An organisation id"),
        ("category" = Option<Vec<String>>, Query, description = "Category codes (repeat the parameter)"),
    ),
    responses((status = 200, description = "The report's figures, with the digest printed on the report", body = Object),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn report(
    req: HttpRequest,
    client: ApiClient,
    state: State,
) -> Result<HttpResponse, ApiError> {
    let mut q: ReportQuery = query(&req)?;
    q.audience = String::new();
    let mut errors = crate::domain::FieldErrors::new();
    let Some(mut params) = q.parse(&mut errors) else {
        let fields: Vec<String> = errors
            .all()
            .iter()
            .map(|(field, message)| {
                format!(
                    "{field} ({})",
                    crate::i18n::Lang::default().error(field, message)
                )
            })
            .collect();
        return Err(ApiError::BadRequest(format!(
            "these parameters could not be understood: {}",
            fields.join(", ")
        )));
    };
    // People with a reporter's rights do not run reports: a partner token, like a public one,
    // gets the public report's figures; an internal token the internal report's.
    let api: ApiScope = client.scope;
    if api.token_scope != TokenScope::Internal {
        params.audience = Audience::Public;
    }
    read(&state, move |conn| {
        let data = crate::reports::build(conn, api.scope().viewer(), &params)?;
        let digest = data.digest();
        Ok(serde_json::json!({ "digest": digest, "report": data }))
    })
    .await
}
