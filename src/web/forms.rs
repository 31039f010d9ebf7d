//! Forms: the extractor for bodies with repeated fields (checkboxes, cargo lines), and the
//! field errors that templates show beside each field and in the summary at the top
//! (`templates/_form.html`).

use std::future::Future;
use std::pin::Pin;

use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

pub use crate::domain::FieldErrors as FormErrors;
use crate::error::AppError;

/// A URL-encoded form body, repeated names collected into lists. A body that cannot be read
/// (not UTF-8, malformed) is a 400 page, never a 500.
pub struct HtmlForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for HtmlForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = body.await.map_err(|_| AppError::TooLarge)?;
            serde_html_form::from_bytes::<T>(&bytes)
                .map(HtmlForm)
                .map_err(|_| AppError::BadRequest("error-form-unreadable").into())
        })
    }
}

/// Is `code` among the checked boxes? (for templates)
pub fn has(chosen: &[String], code: &str) -> bool {
    chosen.iter().any(|c| c == code)
}

/// A new record from a form's `parsed` fields: when the form was `valid`, written by `create`
/// alone (it waits for the writers' turn with no pooled connection held, `audit::write_alone`);
/// otherwise `check` runs on a pooled connection, to add what only the database knows (whether
/// a place typed is known), so every problem shows at once.
pub async fn create_or_check<V, T>(
    db: &crate::db::Db,
    parsed: Option<V>,
    valid: bool,
    create: impl FnOnce(&mut crate::audit::Tx<'_>, V) -> Result<T, AppError> + Send + 'static,
    check: impl FnOnce(&mut crate::db::DbConn, Option<V>) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError>
where
    V: Send + 'static,
    T: Send + 'static,
{
    match (parsed, valid) {
        (Some(fields), true) => crate::audit::write_alone(db, move |tx| create(tx, fields)).await,
        (parsed, _) => db.run(move |conn| check(conn, parsed)).await,
    }
}
