//! The stylesheet, compiled into the binary and served under a name that carries its hash, so
//! browsers may keep it for a year and still fetch a new one the moment it changes.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::AppError;

const CSS: &str = include_str!("../../templates/static/corridor.css");

static CSS_NAME: LazyLock<String> = LazyLock::new(|| {
    let digest = hex::encode(Sha256::digest(CSS.as_bytes()));
    format!("corridor.{}.css", &digest[..12])
});

static CSS_URL: LazyLock<String> = LazyLock::new(|| format!("/static/{}", *CSS_NAME));

pub fn css_url() -> &'static str {
    &CSS_URL
}

pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    if *file != *CSS_NAME {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(CSS))
}
