//! One error type for the whole application, mapped to HTTP statuses. The page the person
//! sees is drawn by `web::error_pages`, which keeps the layout; here we only choose the status
//! and the message id that page shows.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Refused for a reason the person can act on (the record is verified, another
    /// organisation's): a 403 whose page says which.
    #[error("forbidden: {0}")]
    Refused(&'static str),
    #[error("the security token of the form was missing or wrong")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("sign-in required")]
    LoginRequired { next: String },
    #[error("the request was too large")]
    TooLarge,
    #[error("the request took too long to arrive")]
    Timeout,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the error page should say: a message id from the translation files.
#[derive(Debug, Clone, Copy)]
pub struct ErrorMessage(pub &'static str);

impl AppError {
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NotFound => "error-404-text",
            Self::Forbidden => "error-403-text",
            Self::Refused(id) => id,
            Self::Csrf => "error-csrf-text",
            Self::BadRequest(id) => id,
            Self::LoginRequired { .. } => "error-login-required",
            Self::TooLarge => "error-413-text",
            Self::Timeout => "error-408-text",
            Self::Unavailable(_) => "error-503-text",
            Self::Internal(_) => "error-500-text",
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Forbidden | Self::Refused(_) | Self::Csrf => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::LoginRequired { .. } => StatusCode::SEE_OTHER,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Timeout => StatusCode::REQUEST_TIMEOUT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::LoginRequired { next } => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, login_url(next)))
                .finish(),
            Self::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                plain(self.status_code(), self.message_id())
            }
            Self::Unavailable(e) => {
                tracing::warn!(error = %e, "database unavailable");
                let mut res = plain(self.status_code(), self.message_id());
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
                res
            }
            _ => plain(self.status_code(), self.message_id()),
        }
    }
}

fn plain(status: StatusCode, message: &'static str) -> HttpResponse {
    let mut res = HttpResponse::build(status).finish();
    res.extensions_mut().insert(ErrorMessage(message));
    res
}

/// Database failures that mean "not reachable now" become 503; the rest are bugs (500).
impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match &e {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_string())
            }
            DieselError::DatabaseError(_, info) if is_unavailable(info.message()) => {
                Self::Unavailable(info.message().to_string())
            }
            _ => Self::Internal(anyhow::Error::new(e)),
        }
    }
}

fn is_unavailable(message: &str) -> bool {
    const SIGNS: [&str; 8] = [
        "database or disk is full",
        "database is locked",
        "disk I/O error",
        "unable to open database",
        "server closed the connection",
        "terminating connection",
        "no connection to the server",
        "could not extend file",
    ];
    SIGNS.iter().any(|s| message.contains(s))
}

/// `/login?next=…`, returning to `next` (a local path) after sign-in.
pub fn login_url(next: &str) -> String {
    if next.is_empty() || next == "/" {
        return "/login".into();
    }
    let encoded = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    format!("/login?{encoded}")
}
