//! The CSRF token of a file upload (`multipart/form-data`). The CSRF check cannot read a
//! whole upload into memory to find the token, so an upload form sends the token as its first
//! field: this reads just that part (at most a few KiB), and puts what it read back in front
//! of the rest of the body for the handler, which then streams the files.

use actix_web::dev::{Payload, ServiceRequest};
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use futures_util::StreamExt;

use crate::error::AppError;

/// The most read before the first field must have ended.
const LIMIT: usize = 8 * 1024;

pub fn is_multipart(req: &ServiceRequest) -> bool {
    content_type(req).starts_with("multipart/form-data")
}

fn content_type(req: &ServiceRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The boundary parameter of the content type, unquoted.
fn boundary(req: &ServiceRequest) -> Option<String> {
    let raw = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?;
    raw.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The value of the body's first field if that field is `name`; the payload is restored.
pub async fn first_field(req: &mut ServiceRequest, name: &str) -> Result<Option<String>, AppError> {
    let Some(boundary) = boundary(req).filter(|b| !b.is_empty() && b.len() <= 200) else {
        return Err(AppError::BadRequest("error-form-unreadable"));
    };
    let mut payload = req.take_payload();
    let mut buf: Vec<u8> = Vec::new();
    let delimiter = format!("\r\n--{boundary}");
    let found = loop {
        if let Some(v) = parse_first(&buf, &boundary, &delimiter, name) {
            break v;
        }
        if buf.len() > LIMIT {
            break None;
        }
        match payload.next().await {
            Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(AppError::BadRequest("error-form-unreadable")),
            None => break None,
        }
    };
    let head = futures_util::stream::once(async move { Ok(Bytes::from(buf)) });
    let rest: Payload = payload;
    req.set_payload(Payload::Stream {
        payload: Box::pin(head.chain(rest)),
    });
    Ok(found)
}

/// `Some(Some(value))` once the first part is complete and named `name`, `Some(None)` when it
/// is complete and named otherwise, `None` while more is needed.
fn parse_first(buf: &[u8], boundary: &str, delimiter: &str, name: &str) -> Option<Option<String>> {
    let opening = format!("--{boundary}\r\n");
    if buf.len() < opening.len() {
        return None;
    }
    if !buf.starts_with(opening.as_bytes()) {
        return Some(None);
    }
    let rest = &buf[opening.len()..];
    let headers_end = find(rest, b"\r\n\r\n")?;
    let headers = String::from_utf8_lossy(&rest[..headers_end]).to_ascii_lowercase();
    let body = &rest[headers_end + 4..];
    let end = find(body, delimiter.as_bytes())?;
    let named = headers.lines().any(|l| {
        l.starts_with("content-disposition:")
            && l.split(';').any(|p| p.trim() == format!("name=\"{name}\""))
    });
    Some(
        named
            .then(|| String::from_utf8(body[..end].to_vec()).ok())
            .flatten(),
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_token_only_when_it_is_the_first_field() {
        let d = "\r\n--XyZ";
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n\xff\xd8";
        assert_eq!(
            parse_first(body, "XyZ", d, "csrf_token"),
            Some(Some("abc123".into()))
        );
        assert_eq!(parse_first(&body[..30], "XyZ", d, "csrf_token"), None);
        let other = b"--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nx\r\n--XyZ";
        assert_eq!(parse_first(other, "XyZ", d, "csrf_token"), Some(None));
    }
}
