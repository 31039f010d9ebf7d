//! The read API over HTTP (`/api/v1/`): a client presents `Authorization: Bearer TOKEN`,
//! gets JSON (errors too), at most its token's rate. The routes are in the route table with
//! `Access::Token`; the [`ApiClient`] extractor is what lets a request in.

pub mod auth;
pub mod docs;
pub mod handlers;
pub mod openapi;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

pub use auth::ApiClient;

use crate::api::views::ErrorBody;
use crate::error::AppError;

/// What went wrong, answered as JSON (`{"error": code, "message": sentence}`).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("a valid API token is needed")]
    Unauthorized,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::App(AppError::NotFound) => StatusCode::NOT_FOUND,
            Self::App(AppError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Self::App(AppError::BadRequest(_)) => StatusCode::BAD_REQUEST,
            Self::App(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (code, message) = match self {
            Self::Unauthorized => (
                "unauthorized",
                "Send a valid, unexpired API token: Authorization: Bearer TOKEN".to_string(),
            ),
            Self::TooManyRequests { retry_after_secs } => (
                "rate_limited",
                format!("This token's rate is used up; try again in {retry_after_secs} s."),
            ),
            Self::BadRequest(m) => ("bad_request", m.clone()),
            Self::App(AppError::NotFound) => ("not_found", "No such record.".to_string()),
            Self::App(AppError::Unavailable(e)) => {
                tracing::warn!(error = %e, "database unavailable");
                ("unavailable", "Try again in a few seconds.".to_string())
            }
            Self::App(AppError::BadRequest(m)) => ("bad_request", m.to_string()),
            Self::App(e) => {
                tracing::error!(error = ?e, "internal error in the API");
                ("internal", "Something went wrong on our side.".to_string())
            }
        };
        let mut res = HttpResponse::build(self.status_code());
        match self {
            Self::Unauthorized => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"corridor\""));
            }
            Self::TooManyRequests { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::App(AppError::Unavailable(_)) => {
                res.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        res.json(ErrorBody {
            error: code.to_string(),
            message,
        })
    }
}
