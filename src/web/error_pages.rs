//! Error answers (4xx, 5xx) without a body of their own become full pages in the layout,
//! in the reader's language, with what to do next.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use askama::Template;

use super::page::Page;
use crate::error::ErrorMessage;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: Page,
    pub status: u16,
    pub title_id: &'static str,
    pub message_id: &'static str,
}

impl ErrorPage {
    /// The record a refused change was about (`/incidents/5/edit` → `/incidents/5`), so the
    /// page can lead back to it.
    pub fn record_link(&self) -> Option<String> {
        if self.status != 403 {
            return None;
        }
        let mut parts = self.page.path.trim_start_matches('/').split('/');
        let (kind, id) = (parts.next()?, parts.next()?);
        let known = ["incidents", "convoys", "needs"].contains(&kind);
        (known && !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
            .then(|| format!("/{kind}/{id}"))
    }
}

pub async fn render(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let has_body_type = res.headers().contains_key(header::CONTENT_TYPE);
    if !(status.is_client_error() || status.is_server_error())
        || has_body_type
        || res.request().method() == actix_web::http::Method::HEAD
    {
        return Ok(res);
    }
    let message_id = res
        .response()
        .extensions()
        .get::<ErrorMessage>()
        .map(|m| m.0)
        .unwrap_or_else(|| default_message(status));
    let page = Page::from_request(res.request());
    let title_id = title(status);
    let body = ErrorPage {
        page,
        status: status.as_u16(),
        title_id,
        message_id,
    }
    .render()
    .unwrap_or_else(|_| "Error".to_string());
    let (req, old) = res.into_parts();
    let mut new = HttpResponse::build(status);
    for (name, value) in old.headers() {
        new.append_header((name.clone(), value.clone()));
    }
    let new = new.content_type("text/html; charset=utf-8").body(body);
    Ok(ServiceResponse::new(req, new))
}

fn title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "error-400-title",
        403 => "error-403-title",
        404 => "error-404-title",
        405 => "error-405-title",
        408 => "error-408-title",
        413 => "error-413-title",
        503 => "error-503-title",
        s if s >= 500 => "error-500-title",
        _ => "error-400-title",
    }
}

fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "error-403-text",
        404 => "error-404-text",
        405 => "error-405-text",
        408 => "error-408-text",
        413 => "error-413-text",
        503 => "error-503-text",
        s if s >= 500 => "error-500-text",
        _ => "error-400-text",
    }
}
