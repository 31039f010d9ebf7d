//! Every string a person reads goes through `Lang::t`, keyed by a message id from the Fluent
//! files in `locales/`. English ships now; a new language is a new folder (Arabic sets `rtl`).

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./src/i18n/locales",
        fallback_language: "en",
        // Arguments are user data shown inside HTML; templates isolate them with <bdi> where
        // direction matters, so Fluent's invisible isolation marks are not wanted.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Scripts written right to left, for the page's `dir` attribute.
const RTL_LANGUAGES: [&str; 5] = ["ar", "fa", "he", "ku", "ur"];

/// The reader's language, chosen from `Accept-Language` among those shipped.
#[derive(Debug, Clone)]
pub struct Lang(LanguageIdentifier);

impl Default for Lang {
    fn default() -> Self {
        Self(fluent_templates::langid!("en"))
    }
}

impl Lang {
    /// Picks the first shipped language in an `Accept-Language` header (quality order).
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let Some(header) = accept_language else {
            return Self::default();
        };
        let mut wanted: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut bits = part.trim().split(";q=");
                let tag = bits.next()?.trim();
                let q = bits.next().and_then(|q| q.parse().ok()).unwrap_or(1.0);
                (!tag.is_empty()).then_some((q, tag))
            })
            .collect();
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, tag) in wanted {
            let Ok(id) = tag.parse::<LanguageIdentifier>() else {
                continue;
            };
            if let Some(found) = LOCALES.locales().find(|l| l.language == id.language) {
                return Self(found.clone());
            }
        }
        Self::default()
    }

    /// The BCP 47 tag for the `lang` attribute.
    pub fn tag(&self) -> String {
        self.0.to_string()
    }

    /// `rtl` or `ltr`, for the `dir` attribute.
    pub fn dir(&self) -> &'static str {
        if RTL_LANGUAGES.contains(&self.0.language.as_str()) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The message `id`; a missing id shows as itself (and a unit test keeps that from shipping).
    pub fn t(&self, id: &str) -> String {
        LOCALES.try_lookup(&self.0, id).unwrap_or_else(|| {
            tracing::warn!(message_id = id, "missing translation");
            id.to_string()
        })
    }

    /// The message `id` with named arguments.
    pub fn t_args(&self, id: &str, args: &[(&'static str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Arg::Text(s) => FluentValue::from(s.clone()),
                    Arg::Number(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*k), value)
            })
            .collect();
        LOCALES
            .try_lookup_with_args(&self.0, id, &map)
            .unwrap_or_else(|| id.to_string())
    }

    /// A whole number grouped the way the reader expects (1,234,567 in English).
    pub fn number(&self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    }
}

/// An argument to a message.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Self::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&i64> for Arg {
    fn from(n: &i64) -> Self {
        Self::Number(*n)
    }
}

impl From<&u16> for Arg {
    fn from(n: &u16) -> Self {
        Self::Number(i64::from(*n))
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Self::Text(s.clone())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t("…")` in the templates and every message id quoted in the source must exist.
    #[test]
    fn every_message_id_used_is_translated() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let ftl = std::fs::read_to_string(root.join("src/i18n/locales/en/main.ftl")).unwrap();
        let defined: std::collections::HashSet<&str> = ftl
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim()))
            .collect();
        let mut missing = Vec::new();
        let mut checked = 0;
        for dir in ["templates", "src"] {
            for path in walk(root.join(dir))
                .into_iter()
                .filter(|p| !p.ends_with("i18n/mod.rs"))
            {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for id in message_ids(&text) {
                    checked += 1;
                    if !defined.contains(id.as_str()) {
                        missing.push(format!("{}: {id}", path.display()));
                    }
                }
            }
        }
        assert!(
            checked > 20,
            "found only {checked} message ids: is the scan broken?"
        );
        assert!(
            missing.is_empty(),
            "missing translations:\n{}",
            missing.join("\n")
        );
    }

    /// Message ids as they appear in code and templates: in calls that translate, and where
    /// ids are handed around (`Err("id")`, `errors.add("field", "id")`, match arms). Every id
    /// has a dash, which tells it from codes such as `reporter`.
    fn message_ids(text: &str) -> Vec<String> {
        let mut ids = Vec::new();
        let markers = [
            ".t(\"",
            "t_args(\"",
            "Err(\"",
            "ok_or(\"",
            "BadRequest(\"",
            "=> \"",
            ".add(\"",
        ];
        // Template macro calls pass label and hint ids as literals.
        for line in text.lines().filter(|l| l.contains("{% call ")) {
            for (i, literal) in line.split('"').enumerate() {
                let charset = literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                let html_token = matches!(literal, "new-password" | "current-password");
                if i % 2 == 1 && literal.contains('-') && charset && !html_token {
                    ids.push(literal.to_string());
                }
            }
        }
        for marker in markers {
            let mut rest = text;
            while let Some(pos) = rest.find(marker) {
                rest = &rest[pos + marker.len()..];
                let literal = if marker == ".add(\"" {
                    // errors.add("field", "id"): the id is the second argument.
                    rest.find("\", \"").map(|i| &rest[i + 4..])
                } else {
                    Some(rest)
                };
                let Some(literal) = literal else { continue };
                if let Some(end) = literal.find('"') {
                    let id = &literal[..end];
                    let charset = id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if id.contains('-') && charset {
                        ids.push(id.to_string());
                    }
                }
            }
        }
        ids
    }

    fn walk(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    out.extend(walk(path));
                } else if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("rs" | "html")
                ) {
                    out.push(path);
                }
            }
        }
        out
    }

    #[test]
    fn negotiates_and_formats() {
        assert_eq!(Lang::negotiate(Some("de-DE, en;q=0.5")).tag(), "en");
        assert_eq!(Lang::negotiate(None).dir(), "ltr");
        let en = Lang::default();
        assert_eq!(en.number(1234567), "1,234,567");
        assert_eq!(en.number(-1000), "-1,000");
        assert_eq!(en.number(999), "999");
    }
}
