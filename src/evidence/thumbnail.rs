//! Small pictures of photos for the record's page. A thumbnail is decoded from the photo's
//! pixels and encoded anew as a JPEG, so nothing of the original's metadata (EXIF, GPS, XMP,
//! comments) survives, and nothing the uploader wrote is sent to a browser as an image as is.
//! Made on first request and cached in the data folder under the photo's SHA-256 (the same
//! bytes make the same thumbnail); the cache can be deleted at any time.

use std::fs;
use std::io::{self, BufRead, Cursor, Seek};
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::blobs::is_sha256;

/// The longest side of a thumbnail, in pixels.
pub const EDGE: u32 = 320;

/// Photos a thumbnail is made of (the types the `image` crate decodes here).
pub fn available(mime: &str) -> bool {
    format(mime).is_some()
}

fn format(mime: &str) -> Option<ImageFormat> {
    match mime {
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/png" => Some(ImageFormat::Png),
        "image/webp" => Some(ImageFormat::WebP),
        "image/gif" => Some(ImageFormat::Gif),
        _ => None,
    }
}

/// A JPEG thumbnail of a photo, turned upright as its EXIF orientation says. Decoding is
/// bounded (size and memory), so a hostile "photo" cannot exhaust the server.
pub fn make(mime: &str, photo: impl BufRead + Seek) -> io::Result<Vec<u8>> {
    let bad = |e: image::ImageError| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
    let format = format(mime)
        .ok_or_else(|| io::Error::new(io::ErrorKind::Unsupported, "no thumbnail for this type"))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_384);
    limits.max_image_height = Some(16_384);
    limits.max_alloc = Some(256 * 1024 * 1024);
    let mut reader = ImageReader::with_format(photo, format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(bad)?;
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(bad)?;
    if let Some(o) = orientation {
        picture.apply_orientation(o);
    }
    let small = picture.thumbnail(EDGE, EDGE).into_rgb8();
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&small)
        .map_err(bad)?;
    Ok(out.into_inner())
}

/// Where the thumbnail of the photo `sha256` is cached under `dir`.
pub fn cached(dir: &Path, sha256: &str) -> io::Result<PathBuf> {
    if !is_sha256(sha256) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a SHA-256 name",
        ));
    }
    Ok(dir.join(&sha256[..2]).join(format!("{sha256}.jpg")))
}

/// Keeps a thumbnail in the cache: written beside, then renamed, so a reader never sees half.
pub fn keep(dir: &Path, sha256: &str, jpeg: &[u8]) -> io::Result<()> {
    let target = cached(dir, sha256)?;
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    let partial = target.with_extension(format!("part-{}", hex::encode(rand::random::<[u8; 8]>())));
    fs::write(&partial, jpeg)?;
    fs::rename(&partial, &target)
}

/// Forgets a photo's thumbnail (its bytes were purged).
pub fn forget(dir: &Path, sha256: &str) -> io::Result<()> {
    match fs::remove_file(cached(dir, sha256)?) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}
