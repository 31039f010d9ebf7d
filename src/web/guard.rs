//! The access guard: looks up the matched route in the route table and lets the request
//! through only when the table allows it for this person.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use super::routes::{access_for, Access};
use crate::accounts::sessions::CurrentUser;
use crate::error::AppError;
use crate::permissions;

/// Routes open to a person who must first choose a new password.
const OPEN_WHILE_PASSWORD_EXPIRED: [&str; 3] = ["/account/password", "/logout", "/static/{file}"];

pub async fn check(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // Unknown paths and methods fall through to actix's own 404 and 405.
    let Some(pattern) = req.match_pattern() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Some(access) = access_for(req.method().as_str(), &pattern) else {
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
            if u.must_change_password
                && !OPEN_WHILE_PASSWORD_EXPIRED.contains(&pattern.as_str()) =>
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
