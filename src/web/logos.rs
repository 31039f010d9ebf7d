//! Organisation logos: an administrator uploads or removes one on the organisation's page, and
//! the situation reports that organisation issues print it. The picture is served as the PNG
//! Corridor drew from the upload (`accounts::logos`), never as uploaded.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use super::admin::organizations::{edit_page, Notice};
use crate::accounts::logos;
use crate::audit;
use crate::error::AppError;
use crate::web::forms::FormErrors;
use crate::web::State;
use crate::web::{client_addr, see_other, Page};

/// The logo, as a PNG; 404 when the organisation has none.
pub async fn show(state: State, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let logo = state
        .db
        .run(move |conn| logos::find(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/png"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        // Like every answer to a signed-in person: not kept by the browser or a proxy.
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(logo.image))
}

/// Reads the upload's `logo` part (the CSRF token, the first part, was read by the check),
/// at most `logos::MAX_UPLOAD` and one byte more, so that too large a file is said as such.
async fn read_logo(mut body: Multipart) -> Result<Vec<u8>, AppError> {
    let mut logo = Vec::new();
    while let Some(field) = body.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest("error-form-unreadable"))?;
        let is_logo = field
            .content_disposition()
            .and_then(|cd| cd.get_name())
            .is_some_and(|n| n == "logo");
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest("error-form-unreadable"))?;
            // The rest of an oversized file is read and dropped, so the browser gets the answer.
            if is_logo && logo.len() <= logos::MAX_UPLOAD {
                logo.extend_from_slice(
                    &chunk[..chunk.len().min(logos::MAX_UPLOAD + 1 - logo.len())],
                );
            }
        }
    }
    Ok(logo)
}

/// `id`, or 404 when no organisation has it.
async fn existing(state: &State, id: i64) -> Result<i64, AppError> {
    state
        .db
        .run(move |conn| crate::accounts::organizations::find(conn, id))
        .await?;
    Ok(id)
}

/// Keeps an uploaded logo, or shows the organisation's page with the reason it cannot.
pub async fn upload(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    // 404 for an organisation that does not exist, before a byte of the file is read.
    let id = existing(&state, id.into_inner()).await?;
    let upload = read_logo(Multipart::new(req.headers(), payload)).await?;
    // Decoding and drawing take a few milliseconds of CPU: not on the async workers.
    let drawn = match crate::web::blocking(move || logos::draw(&upload)).await? {
        Ok(d) => d,
        Err(message) => {
            let mut errors = FormErrors::new();
            errors.add("logo", message);
            return edit_page(page, &state, id, errors, Notice::None, true).await;
        }
    };
    let actor = page.user().actor(&client_addr(&req));
    audit::write_alone(&state.db, move |tx| logos::save(tx, &actor, id, &drawn)).await?;
    Ok(see_other(&format!("/admin/organizations/{id}?done=logo")))
}

/// Removes the logo.
pub async fn remove(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = existing(&state, id.into_inner()).await?;
    let actor = page.user().actor(&client_addr(&req));
    audit::write_alone(&state.db, move |tx| logos::remove(tx, &actor, id)).await?;
    Ok(see_other(&format!(
        "/admin/organizations/{id}?done=logo-removed"
    )))
}
