//! The access guard: lets a request through to its route only when the route table allows it
//! for this person. It wraps each route's resource (`routes::register`), so it runs once actix
//! has routed the request: wrapped around the whole application, it had to find the request's
//! route pattern itself, a second walk of the route table per request.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use crate::accounts::sessions::CurrentUser;
use crate::error::AppError;
use crate::permissions::{self, Action};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, health checks, stylesheet).
    Public,
    /// A signed-in person whose role allows the action.
    Can(Action),
    /// A partner system with an API token (`Authorization: Bearer`), checked by the handler's
    /// `web::api::ApiClient` extractor: 401 JSON without a valid one.
    Token,
}

/// Routes open to a person who must first choose a new password.
const OPEN_WHILE_PASSWORD_EXPIRED: [&str; 3] = ["/account/password", "/logout", "/static/{file}"];

/// Guards a request routed to `pattern`, which the route table says needs `access` for the
/// request's method (`None`: no route for the method, which actix answers 405).
pub async fn check(
    pattern: &'static str,
    access: Option<Access>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(access) = access else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let user = req.extensions().get::<CurrentUser>().cloned();
    let refusal = match (access, user) {
        // The API's own extractor checks the token (and answers in JSON).
        (Access::Public | Access::Token, _) => None,
        (Access::Can(_), None) => {
            let next_path = if req.method() == actix_web::http::Method::GET {
                req.uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            Some(AppError::LoginRequired { next: next_path })
        }
        (Access::Can(_), Some(u))
            if u.must_change_password && !OPEN_WHILE_PASSWORD_EXPIRED.contains(&pattern) =>
        {
            return Ok(req.into_response(super::see_other("/account/password")));
        }
        (Access::Can(action), Some(u)) if !permissions::allows(u.role, action) => {
            Some(AppError::Forbidden)
        }
        _ => None,
    };
    match refusal {
        Some(e) => Ok(req.error_response(e)),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}
