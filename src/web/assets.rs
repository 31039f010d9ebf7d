//! The stylesheet, compiled into the binary and served under a name that carries its hash, so
//! browsers may keep it for a year and still fetch a new one the moment it changes. Beside it:
//! the Arabic webfont (Amiri, SIL Open Font License, `templates/static/fonts/OFL.txt`) and a
//! small print stylesheet per language that numbers printed pages in the reader's words.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::i18n::{Arg, Digits, Lang, Setting};

const CSS: &str = include_str!("../../templates/static/corridor.css");

static CSS_NAME: LazyLock<String> = LazyLock::new(|| {
    let digest = hex::encode(Sha256::digest(CSS.as_bytes()));
    format!("corridor.{}.css", &digest[..12])
});

static CSS_URL: LazyLock<String> = LazyLock::new(|| format!("/static/{}", *CSS_NAME));

pub fn css_url() -> &'static str {
    &CSS_URL
}

/// Fonts keep their own names (the stylesheet's `@font-face` names them); a week in caches.
const FONTS: [(&str, &[u8]); 2] = [
    (
        "Amiri-Regular.ttf",
        include_bytes!("../../templates/static/fonts/Amiri-Regular.ttf"),
    ),
    (
        "Amiri-Bold.ttf",
        include_bytes!("../../templates/static/fonts/Amiri-Bold.ttf"),
    ),
];

/// The print stylesheet's address for a reader: `print.ar.css`, `print.ar-u-nu-arab.css`, …
pub fn print_css_url(lang: &Lang) -> String {
    format!("/static/print.{}.css", print_code(lang))
}

fn print_code(lang: &Lang) -> String {
    match lang.digits() {
        Digits::Western => lang.tag(),
        Digits::ArabicIndic => format!("{}-u-nu-arab", lang.tag()),
    }
}

/// "Page 3 of 10" in the page margin, in the reader's words, digits and direction, and with
/// Arabic-Indic digits the numbers of numbered lists (this stylesheet is for screen and paper).
fn print_css(lang: &Lang) -> String {
    const PAGE: &str = "\u{E010}";
    const PAGES: &str = "\u{E011}";
    let words = lang.t_args(
        "print-page-of",
        &[("page", Arg::from(PAGE)), ("pages", Arg::from(PAGES))],
    );
    // CSS counter styles for the two kinds of digits.
    const WESTERN: &str = "decimal";
    const ARABIC_INDIC: &str = "arabic-indic";
    let style = match lang.digits() {
        Digits::Western => WESTERN,
        Digits::ArabicIndic => ARABIC_INDIC,
    };
    let quoted = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut content = Vec::new();
    for (i, part) in words.split(PAGE).enumerate() {
        if i > 0 {
            content.push(format!("counter(page, {style})"));
        }
        for (j, piece) in part.split(PAGES).enumerate() {
            if j > 0 {
                content.push(format!("counter(pages, {style})"));
            }
            if !piece.is_empty() {
                content.push(quoted(piece));
            }
        }
    }
    // The margin box is laid out left to right; right-to-left words go inside an isolate.
    let (corner, isolate) = if lang.dir() == "rtl" {
        ("bottom-left", ("\"\u{2067}\" ", " \"\u{2069}\""))
    } else {
        ("bottom-right", ("", ""))
    };
    // Numbered lists (timelines, history) count in the reader's digits, on screen and paper.
    let lists = match lang.digits() {
        Digits::Western => "",
        Digits::ArabicIndic => "ol { list-style-type: arabic-indic; }\n",
    };
    format!(
        "@media print {{ @page {{ @{corner} {{ content: {}{}{}; \
         font: 9pt system-ui, \"Amiri\", sans-serif; }} }} }}\n{lists}",
        isolate.0,
        content.join(" "),
        isolate.1
    )
}

/// The icon browsers ask for at `/favicon.ico` on every site (a 16-pixel road through a
/// square), so that request is answered rather than logged as a 404.
const FAVICON: &[u8] = include_bytes!("../../templates/static/favicon.ico");

pub async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/x-icon")
        .insert_header((header::CACHE_CONTROL, "public, max-age=604800"))
        .body(FAVICON)
}

pub async fn serve(file: web::Path<String>) -> Result<HttpResponse, AppError> {
    if *file == *CSS_NAME {
        return Ok(HttpResponse::Ok()
            .content_type("text/css; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(CSS));
    }
    if let Some((_, bytes)) = FONTS.iter().find(|(name, _)| *name == file.as_str()) {
        return Ok(HttpResponse::Ok()
            .content_type("font/ttf")
            .insert_header((header::CACHE_CONTROL, "public, max-age=604800"))
            .body(*bytes));
    }
    let print = file
        .strip_prefix("print.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .and_then(Setting::find);
    if let Some(setting) = print {
        let lang = Lang::choose(Some(setting.code), None);
        return Ok(HttpResponse::Ok()
            .content_type("text/css; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(print_css(&lang)));
    }
    Err(AppError::NotFound)
}
