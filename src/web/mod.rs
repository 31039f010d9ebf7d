//! The HTTP side: routes and their handlers, pages, forms and the middleware every request
//! passes through (outermost first): request log with id → security headers → error pages →
//! session → CSRF check → access guard → handler.

pub mod account;
pub mod admin;
pub mod api;
pub mod assets;
pub mod audit_trail;
pub mod convoys;
pub mod csrf;
pub mod edit;
pub mod error_pages;
pub mod evidence;
pub mod exports;
pub mod extract;
pub mod feeds;
pub mod forms;
pub mod guard;
pub mod headers;
pub mod health;
pub mod history;
pub mod home;
pub mod incidents;
pub mod language;
pub mod login;
pub mod logos;
pub mod map;
pub mod menus;
pub mod multipart_token;
pub mod needs;
pub mod page;
pub mod places;
pub mod reports;
pub mod request_span;
pub mod routes;
pub mod searches;
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

/// Keeps a redirect target on this site: a path starting with one `/`, with no control
/// character (browsers drop tabs and line breaks, so `/\t/host` would become `//host`), no
/// backslash (read as `/`) and no `//` anywhere a browser could take for another host.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            // A `Location` header holds ASCII only: letters of other scripts ("/places?q=دوما")
            // go percent-encoded, as a browser would have sent them.
            percent_encoding::utf8_percent_encode(n, NOT_ASCII).to_string()
        }
        _ => "/".to_string(),
    }
}

/// Percent-encode only what is not ASCII (controls were refused before).
const NOT_ASCII: &percent_encoding::AsciiSet = percent_encoding::CONTROLS;

/// The client's address. It is the TCP peer, unless that peer is one of the trusted proxies
/// (`CORRIDOR_TRUSTED_PROXIES`): then it is the nearest address in `X-Forwarded-For` that is
/// not itself a trusted proxy. Nobody else can choose their address by sending a header.
pub fn client_addr(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return String::new();
    };
    let trusted: &[std::net::IpAddr] = req
        .app_data::<crate::web::State>()
        .map_or(&[], |s| s.settings.trusted_proxies.as_slice());
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<std::net::IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(&peer)
        .to_string()
}

/// Whether the TCP peer is a trusted proxy, whose forwarding headers may be believed.
pub fn from_trusted_proxy(
    trusted: &[std::net::IpAddr],
    peer: Option<std::net::SocketAddr>,
) -> bool {
    peer.is_some_and(|p| trusted.contains(&p.ip()))
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_way_back_stays_on_the_site_and_in_ascii() {
        use super::safe_next;
        assert_eq!(safe_next(Some("/incidents?page=2")), "/incidents?page=2");
        assert_eq!(safe_next(Some("/\u{1930}")), "/%E1%A4%B0");
        assert_eq!(
            safe_next(Some("/places?q=دوما")),
            "/places?q=%D8%AF%D9%88%D9%85%D8%A7"
        );
        for off_site in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/a\nb",
            "",
        ] {
            assert_eq!(safe_next(Some(off_site)), "/", "{off_site:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
