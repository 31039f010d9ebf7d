//! A photo's metadata is evidence and a danger. The date the camera says it was taken and the
//! GPS position it wrote help weigh a claim (read at upload with `kamadak-exif`, shown as a
//! claim, never as fact: a camera's clock can be wrong and metadata can be forged). The same
//! GPS can lead to the person who took the photo, so copies shared beyond the recording
//! organisation have the metadata removed (`strip`), while the kept original keeps it.

use std::io::{self, BufRead, Seek};

use exif::{In, Reader, Tag, Value};
use img_parts::jpeg::{markers, Jpeg, JpegSegment};
use img_parts::png::Png;
use img_parts::webp::{WebP, CHUNK_EXIF, CHUNK_XMP};
use img_parts::{Bytes, ImageEXIF};

/// Photos larger than this are not read for metadata nor stripped in memory (a TIFF is read
/// whole by the EXIF reader; a photo from a phone is a few megabytes).
pub const MAX_PHOTO_BYTES: u64 = 64 * 1024 * 1024;

/// What a photo's EXIF says of when and where it was taken.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhotoMetadata {
    /// As the camera's clock had it: `YYYY-MM-DD HH:MM:SS`, then ` +HH:MM` when the photo
    /// names its time zone; empty when it says nothing.
    pub taken_at: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

impl PhotoMetadata {
    pub fn is_empty(&self) -> bool {
        self.taken_at.is_empty() && self.latitude.is_none()
    }
}

/// Reads the date taken and the GPS position of a photo; nothing when it has no EXIF or
/// cannot be read (metadata is optional, and a broken EXIF block must not refuse the photo).
pub fn read(photo: &mut (impl BufRead + Seek)) -> PhotoMetadata {
    let Ok(exif) = Reader::new().read_from_container(photo) else {
        return PhotoMetadata::default();
    };
    let ascii = |tag| match exif.get_field(tag, In::PRIMARY).map(|f| &f.value) {
        Some(Value::Ascii(v)) => v.first().cloned(),
        _ => None,
    };
    let taken_at = ascii(Tag::DateTimeOriginal)
        .or_else(|| ascii(Tag::DateTime))
        .and_then(|raw| {
            let mut dt = exif::DateTime::from_ascii(&raw).ok()?;
            let offset = ascii(Tag::OffsetTimeOriginal).or_else(|| ascii(Tag::OffsetTime));
            if let Some(o) = offset {
                let _ = dt.parse_offset(&o);
            }
            let valid = (1..=12).contains(&dt.month)
                && (1..=31).contains(&dt.day)
                && dt.hour < 24
                && dt.minute < 60
                && dt.second < 61;
            valid.then(|| {
                let mut s = format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                    dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second
                );
                if let Some(m) = dt.offset {
                    let sign = if m < 0 { '-' } else { '+' };
                    let m = m.unsigned_abs();
                    s.push_str(&format!(" {sign}{:02}:{:02}", m / 60, m % 60));
                }
                s
            })
        })
        .unwrap_or_default();
    let coordinate = |value: Tag, reference: Tag, negative: u8, max: f64| {
        let Some(Value::Rational(parts)) = exif.get_field(value, In::PRIMARY).map(|f| &f.value)
        else {
            return None;
        };
        let [d, m, s] = parts.as_slice() else {
            return None;
        };
        if d.denom == 0 || m.denom == 0 || s.denom == 0 {
            return None;
        }
        let degrees = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
        let sign = match ascii(reference) {
            Some(r) if r.first() == Some(&negative) => -1.0,
            _ => 1.0,
        };
        (degrees.is_finite() && degrees <= max).then_some(sign * degrees)
    };
    let latitude = coordinate(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S', 90.0);
    let longitude = coordinate(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W', 180.0);
    let (latitude, longitude) = match (latitude, longitude) {
        (Some(a), Some(b)) => (Some(a), Some(b)),
        // Half a position is no position.
        _ => (None, None),
    };
    PhotoMetadata {
        taken_at,
        latitude,
        longitude,
    }
}

/// Can a copy of a file of this type be shared beyond its organisation: its metadata removed
/// (JPEG, PNG, WebP), or a type that carries no photo metadata? Other photo types (HEIC,
/// AVIF, TIFF, GIF) cannot be stripped here, so only their organisation gets them.
pub fn shareable(mime: &str) -> bool {
    strippable(mime) || !super::types::is_image(mime)
}

/// Photo types whose metadata `strip` removes.
pub fn strippable(mime: &str) -> bool {
    matches!(mime, "image/jpeg" | "image/png" | "image/webp")
}

/// A copy of a photo without its metadata: EXIF (date, GPS, camera), XMP, IPTC, comments and
/// anything after the image's end; the pixels are untouched (segments are removed, nothing
/// is re-encoded). `InvalidData` when the photo cannot be parsed: it is then not shared.
pub fn strip(mime: &str, photo: Vec<u8>) -> io::Result<Vec<u8>> {
    let bad = |e: img_parts::Error| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
    let bytes = Bytes::from(photo);
    match mime {
        "image/jpeg" => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(bad)?;
            let segments = jpeg.segments_mut();
            segments.retain(keep_jpeg_segment);
            for s in segments.iter_mut() {
                if s.has_entropy() {
                    // The segment encodes as marker, length, header, then the scan data.
                    let whole = s.clone().encoder().bytes();
                    let tail = scans_without_metadata(&whole[4 + s.contents().len()..]);
                    *s = JpegSegment::new_with_entropy(s.marker(), s.contents().clone(), tail);
                }
            }
            Ok(jpeg.encoder().bytes().to_vec())
        }
        "image/png" => {
            let mut png = Png::from_bytes(bytes).map_err(bad)?;
            png.chunks_mut()
                .retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME"));
            Ok(png.encoder().bytes().to_vec())
        }
        "image/webp" => {
            let mut webp = WebP::from_bytes(bytes).map_err(bad)?;
            webp.remove_chunks_by_id(CHUNK_XMP);
            webp.remove_chunks_by_id(CHUNK_EXIF);
            // Also clears the EXIF and XMP flags of the extended header.
            webp.set_exif(None);
            Ok(webp.encoder().bytes().to_vec())
        }
        _ => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this type's metadata cannot be removed",
        )),
    }
}

/// JPEG header segments a shared copy keeps: those that decode the image (tables, frame,
/// JFIF, Adobe's colour transform, the ICC colour profile). Every other application segment
/// (EXIF, XMP, IPTC, maker notes, multi-picture index) and comments go.
fn keep_jpeg_segment(s: &JpegSegment) -> bool {
    match s.marker() {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => s.contents().starts_with(b"ICC_PROFILE\0"),
        m if (markers::APP1..=markers::APP15).contains(&m) => false,
        markers::COM => false,
        _ => true,
    }
}

/// The image data from the first scan on, up to and including the end-of-image marker:
/// application segments and comments between the scans of a progressive JPEG are dropped, and
/// so is whatever follows the end (phones append further images there, each with its own
/// metadata).
fn scans_without_metadata(data: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] != 0xFF || i + 1 >= data.len() {
            out.push(data[i]);
            i += 1;
            continue;
        }
        let marker = data[i + 1];
        match marker {
            // Stuffed 0xFF, restart markers: part of the entropy-coded data.
            0x00 | 0xD0..=0xD7 => {
                out.extend_from_slice(&data[i..i + 2]);
                i += 2;
            }
            // Fill bytes before a marker.
            0xFF => i += 1,
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Bytes::from(out);
            }
            _ => {
                // A segment with a length (tables, the next scan's header, or metadata).
                let Some(len) = data
                    .get(i + 2..i + 4)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
                else {
                    break;
                };
                let end = (i + 2 + len).min(data.len());
                let metadata = (0xE1..=0xEF).contains(&marker) && marker != 0xEE || marker == 0xFE;
                if !metadata {
                    out.extend_from_slice(&data[i..end]);
                }
                i = end;
            }
        }
    }
    // No end marker: the data as far as it went, closed.
    out.extend_from_slice(&[0xFF, 0xD9]);
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_after_the_image_and_between_scans_goes() {
        // scan data with a stuffed byte and a restart, a comment, more scan data, the end,
        // then an appended second image.
        let data = [
            1, 2, 0xFF, 0x00, 3, 0xFF, 0xD0, 4, 0xFF, 0xFE, 0, 4, b'h', b'i', 5, 0xFF, 0xD9, 0xFF,
            0xD8, 9,
        ];
        assert_eq!(
            &scans_without_metadata(&data)[..],
            &[1, 2, 0xFF, 0x00, 3, 0xFF, 0xD0, 4, 5, 0xFF, 0xD9]
        );
        assert!(shareable("application/pdf"));
        assert!(shareable("image/jpeg"));
        assert!(!shareable("image/heif"));
    }
}
