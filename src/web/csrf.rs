//! Refuses any state-changing request that is cross-site or lacks the form's CSRF token.
//! Runs before every handler, so no handler can forget it; nothing is written on refusal.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage};
use subtle::ConstantTimeEq;

use super::session::CsrfToken;
use crate::error::AppError;

/// How long a form body may take to arrive in full.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The hidden form field that carries the token.
pub const FIELD: &str = "csrf_token";

pub async fn check(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // A NUL character is never part of anything Corridor stores or looks up, and PostgreSQL
    // refuses it in text: answer 400 before it reaches a query.
    if has_nul(req.query_string().as_bytes()) {
        return Ok(req.error_response(AppError::BadRequest("error-form-unreadable")));
    }
    // Reads pass; so do requests no route takes (actix answers those 404 or 405). The route is
    // looked up only for the others: finding a request's pattern walks the route table again.
    let reads = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let routed = || {
        req.match_pattern()
            .is_some_and(|p| super::routes::access_for(req.method().as_str(), &p).is_some())
    };
    if reads || !routed() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let cross_site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site");
    if cross_site || !same_origin(&req) {
        return Ok(req.error_response(AppError::Csrf));
    }
    let expected = req.extensions().get::<CsrfToken>().map(|t| t.0.clone());
    // File uploads: the token is the form's first field, read without reading the files.
    if super::multipart_token::is_multipart(&req) {
        let sent = match tokio::time::timeout(
            BODY_TIMEOUT,
            super::multipart_token::first_field(&mut req, FIELD),
        )
        .await
        {
            Ok(Ok(sent)) => sent,
            Ok(Err(e)) => return Ok(req.error_response(e)),
            Err(_) => return Ok(req.error_response(AppError::Timeout)),
        };
        if !token_matches(expected, sent) {
            return Ok(req.error_response(AppError::Csrf));
        }
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // A client that sends its headers and then trickles the body must not hold a worker.
    let body = match tokio::time::timeout(BODY_TIMEOUT, req.extract::<Bytes>()).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => return Ok(req.error_response(AppError::TooLarge)),
        Err(_) => return Ok(req.error_response(AppError::Timeout)),
    };
    if has_nul(&body) {
        return Ok(req.error_response(AppError::BadRequest("error-form-unreadable")));
    }
    let sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
        .ok()
        .and_then(|fields| fields.into_iter().find(|(k, _)| k == FIELD).map(|(_, v)| v));
    if !token_matches(expected, sent) {
        return Ok(req.error_response(AppError::Csrf));
    }
    req.set_payload(Payload::from(body));
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// The session's token and the one sent, compared in constant time.
fn token_matches(expected: Option<String>, sent: Option<String>) -> bool {
    match (expected, sent) {
        (Some(e), Some(s)) => !e.is_empty() && bool::from(e.as_bytes().ct_eq(s.as_bytes())),
        _ => false,
    }
}

/// A raw or percent-encoded NUL.
fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || bytes
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

/// When the browser names the page that sent the form, it must be this site.
fn same_origin(req: &ServiceRequest) -> bool {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true;
    };
    if origin == "null" {
        return false;
    }
    // The host the browser asked for. `X-Forwarded-Host` and `Forwarded` say otherwise only
    // when a trusted proxy sent them; from anyone else they would let a forger name the host.
    let trusted = req
        .app_data::<crate::web::State>()
        .is_some_and(|s| super::from_trusted_proxy(&s.settings.trusted_proxies, req.peer_addr()));
    let host = if trusted {
        req.connection_info().host().to_string()
    } else {
        req.headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map_or_else(
                || {
                    req.uri()
                        .authority()
                        .map_or(String::new(), |a| a.to_string())
                },
                str::to_string,
            )
    };
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}
