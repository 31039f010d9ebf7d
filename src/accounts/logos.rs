//! An organisation's logo, printed at the head of the situation reports it issues. The upload
//! is decoded (bounded in size and memory) and drawn anew as a PNG no larger than a report's
//! header needs, so what is kept and served is never the uploaded file: no metadata, no
//! script disguised as a picture. Each change is in the audit trail with the image's SHA-256.

use std::io::Cursor;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use image::{ImageFormat, ImageReader, Limits};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor, Event, Tx};
use crate::db::schema::organization_logos;
use crate::db::DbConn;
use crate::error::AppError;

/// The most an upload may weigh.
pub const MAX_UPLOAD: usize = 2 * 1024 * 1024;
/// The box a logo is drawn to fit, in pixels (twice what a report shows, for print).
const WIDTH: u32 = 600;
const HEIGHT: u32 = 200;

/// The address of organisation `id`'s logo, `version` (its SHA-256) making each change a new
/// address, so a browser may keep it.
pub fn address(id: i64, version: &str) -> String {
    format!(
        "/organizations/{id}/logo?v={}",
        &version[..version.len().min(16)]
    )
}

/// A logo as kept: the PNG, its SHA-256 and size.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organization_logos)]
pub struct Logo {
    pub organization_id: i64,
    pub image: Vec<u8>,
    pub sha256: String,
    pub width: i32,
    pub height: i32,
    pub updated_at: NaiveDateTime,
}

/// A logo drawn from an upload, ready to keep.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Draws the logo from an uploaded PNG, JPEG or WebP; the message id says why it cannot.
pub fn draw(upload: &[u8]) -> Result<Drawn, &'static str> {
    if upload.is_empty() {
        return Err("logo-required");
    }
    if upload.len() > MAX_UPLOAD {
        return Err("logo-too-large");
    }
    let mut reader = ImageReader::new(Cursor::new(upload))
        .with_guessed_format()
        .map_err(|_| "logo-not-image")?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)
    ) {
        return Err("logo-not-image");
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(8_192);
    limits.max_image_height = Some(8_192);
    limits.max_alloc = Some(128 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode().map_err(|_| "logo-not-image")?;
    let fitted = if picture.width() > WIDTH || picture.height() > HEIGHT {
        picture.resize(WIDTH, HEIGHT, image::imageops::FilterType::Lanczos3)
    } else {
        picture
    };
    let rgba = fitted.into_rgba8();
    let mut png = Cursor::new(Vec::new());
    rgba.write_to(&mut png, ImageFormat::Png)
        .map_err(|_| "logo-not-image")?;
    Ok(Drawn {
        png: png.into_inner(),
        width: rgba.width(),
        height: rgba.height(),
    })
}

/// The logo of organisation `id`, if it has one.
pub fn find(conn: &mut DbConn, id: i64) -> Result<Option<Logo>, AppError> {
    Ok(organization_logos::table
        .find(id)
        .select(Logo::as_select())
        .get_result(conn)
        .optional()?)
}

/// The SHA-256 of organisation `id`'s logo (for pages that link to it), if it has one.
pub fn version(conn: &mut DbConn, id: i64) -> Result<Option<String>, AppError> {
    Ok(organization_logos::table
        .find(id)
        .select(organization_logos::sha256)
        .get_result(conn)
        .optional()?)
}

/// Keeps `drawn` as organisation `id`'s logo, in place of any earlier one.
pub fn save(tx: &mut Tx<'_>, actor: &Actor, id: i64, drawn: &Drawn) -> Result<(), AppError> {
    let before = version(tx.db(), id)?;
    let sha256 = hex::encode(Sha256::digest(&drawn.png));
    diesel::delete(organization_logos::table.find(id)).execute(tx.db())?;
    diesel::insert_into(organization_logos::table)
        .values((
            organization_logos::organization_id.eq(id),
            organization_logos::image.eq(&drawn.png),
            organization_logos::sha256.eq(&sha256),
            organization_logos::width.eq(i32::try_from(drawn.width).unwrap_or(i32::MAX)),
            organization_logos::height.eq(i32::try_from(drawn.height).unwrap_or(i32::MAX)),
            organization_logos::updated_at.eq(audit::now()),
        ))
        .execute(tx.db())?;
    record_change(tx, actor, id, before, Some(sha256))
}

/// The audit event of a logo's change: the SHA-256 before and after (`null`: none).
fn record_change(
    tx: &mut Tx<'_>,
    actor: &Actor,
    id: i64,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), AppError> {
    let changes = audit::changes(&[("logo", json!(before), json!(after))]);
    audit::record(
        tx,
        actor,
        Event::new("organization.logo", "organization", id).details(changes),
    )?;
    Ok(())
}

/// Removes organisation `id`'s logo; `false` when it had none.
pub fn remove(tx: &mut Tx<'_>, actor: &Actor, id: i64) -> Result<bool, AppError> {
    let Some(before) = version(tx.db(), id)? else {
        return Ok(false);
    };
    diesel::delete(organization_logos::table.find(id)).execute(tx.db())?;
    record_change(tx, actor, id, Some(before), None)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image::RgbaImage::from_pixel(width, height, image::Rgba([0, 94, 184, 255]))
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn a_logo_is_drawn_anew_to_fit_the_report_header() {
        let drawn = draw(&png(1200, 300)).unwrap();
        assert_eq!((drawn.width, drawn.height), (600, 150));
        assert!(drawn.png.starts_with(b"\x89PNG"));
        let small = draw(&png(40, 20)).unwrap();
        assert_eq!(
            (small.width, small.height),
            (40, 20),
            "a small logo is not enlarged"
        );
    }

    #[test]
    fn what_is_not_a_picture_is_refused() {
        assert_eq!(draw(b"").unwrap_err(), "logo-required");
        assert_eq!(
            draw(b"<svg onload=alert(1)>").unwrap_err(),
            "logo-not-image"
        );
        assert_eq!(
            draw(b"\x89PNG\r\n\x1a\nbroken").unwrap_err(),
            "logo-not-image"
        );
        assert_eq!(
            draw(&vec![0; MAX_UPLOAD + 1]).unwrap_err(),
            "logo-too-large"
        );
    }
}
