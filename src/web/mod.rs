//! The HTTP side: routes and their handlers, pages, forms and the middleware every request
//! passes through (outermost first): request log with id → security headers → error pages →
//! session → CSRF check → access guard → handler.

pub mod account;
pub mod admin;
pub mod assets;
pub mod audit_trail;
pub mod convoys;
pub mod csrf;
pub mod error_pages;
pub mod exports;
pub mod forms;
pub mod guard;
pub mod headers;
pub mod health;
pub mod history;
pub mod home;
pub mod incidents;
pub mod login;
pub mod menus;
pub mod needs;
pub mod page;
pub mod reports;
pub mod routes;
pub mod session;
pub mod setup;
pub mod state;

use actix_web::{web, HttpRequest};

pub use crate::error::login_url;
pub use page::Page;
pub use state::{AppState, State};

/// Largest form body accepted (bigger ones get 413).
pub const FORM_LIMIT: usize = 256 * 1024;

/// Routes and request-body limits; middleware is added in `startup`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::FormConfig::default().limit(FORM_LIMIT))
        .app_data(web::PayloadConfig::new(FORM_LIMIT));
    routes::register(cfg);
}

/// Keeps a redirect target local: a path on this site, never `//host` or `https://…`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

/// The client's address as this server saw it (the TCP peer; a proxy's X-Forwarded-For is
/// not trusted, so nobody can dodge sign-in throttling by sending a header).
pub fn client_addr(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default()
}

/// A 303 "See Other" to `location`, the answer to every successful form post.
pub fn see_other(location: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

/// Renders a page; `status` 422 is used for forms sent back with errors.
pub fn render(
    status: actix_web::http::StatusCode,
    template: &impl askama::Template,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    let body = template
        .render()
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// 200 OK with the page.
pub fn ok(
    template: &impl askama::Template,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    render(actix_web::http::StatusCode::OK, template)
}

/// 422 with the form and its messages.
pub fn invalid(
    template: &impl askama::Template,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    render(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, template)
}

/// A form on a record sent back with its messages, but only to someone who may take the action
/// at all: anyone else is refused (403) whatever they typed, as a valid form would be.
pub fn invalid_if_allowed(
    allowed: bool,
    template: &impl askama::Template,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    if allowed {
        invalid(template)
    } else {
        Err(crate::error::AppError::Forbidden)
    }
}

/// Runs CPU-heavy work (password hashing) on a blocking thread.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::AppError> {
    web::block(f)
        .await
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("blocking task: {e}")))
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}
