//! A file's type, from its first bytes rather than its name or what the browser claims: an
//! executable named `photo.jpg` is still an executable. Only kinds of evidence people send
//! (photos, scans, PDF letters, voice messages, video, office documents) are accepted.

/// The media types accepted as evidence, as `infer` names them, with the extension a
/// download is given.
const ALLOWED: &[(&str, &str)] = &[
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
    ("image/heif", "heic"),
    ("image/avif", "avif"),
    ("image/tiff", "tif"),
    ("application/pdf", "pdf"),
    ("audio/mpeg", "mp3"),
    ("audio/ogg", "ogg"),
    ("audio/opus", "opus"),
    ("audio/x-wav", "wav"),
    ("audio/m4a", "m4a"),
    ("audio/aac", "aac"),
    ("audio/amr", "amr"),
    ("audio/x-flac", "flac"),
    ("video/mp4", "mp4"),
    ("video/quicktime", "mov"),
    ("video/webm", "webm"),
    ("video/x-matroska", "mkv"),
    ("video/3gpp", "3gp"),
    ("video/x-msvideo", "avi"),
    ("application/msword", "doc"),
    ("application/vnd.ms-excel", "xls"),
    ("application/vnd.ms-powerpoint", "ppt"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    ("application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    ("application/vnd.oasis.opendocument.presentation", "odp"),
    ("text/rtf", "rtf"),
];

/// The accepted media type of a file that begins with `head`, or `None`: refused.
pub fn detect(head: &[u8]) -> Option<&'static str> {
    let found = infer::get(head)?.mime_type();
    ALLOWED
        .iter()
        .find(|(mime, _)| *mime == found)
        .map(|(mime, _)| *mime)
}

/// The extension a download of this type gets.
pub fn extension(mime: &str) -> &'static str {
    ALLOWED
        .iter()
        .find(|(m, _)| *m == mime)
        .map_or("bin", |(_, ext)| ext)
}

/// Is this an image (shown with its metadata warnings, and in bundles as a photo)?
pub fn is_image(mime: &str) -> bool {
    mime.starts_with("image/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(detect(b"%PDF-1.7\n1 0 obj"), Some("application/pdf"));
        assert_eq!(
            detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
            Some("image/jpeg")
        );
        // An ELF executable, a shell script, HTML and plain text are refused.
        assert_eq!(detect(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0"), None);
        assert_eq!(detect(b"#!/bin/sh\nrm -rf /\n"), None);
        assert_eq!(detect(b"<html><script>alert(1)</script>"), None);
        assert_eq!(detect(b"just some words"), None);
        assert_eq!(extension("application/pdf"), "pdf");
    }
}
