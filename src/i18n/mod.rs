//! Every string a person reads goes through `Lang::t`, keyed by a message id from the Fluent
//! files in `locales/` (one folder per language, the same ids in each). Which language a
//! reader gets is decided in `choice`; numbers and dates are written in `format`.

mod choice;
mod format;

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

pub use choice::{Digits, Setting, SETTINGS};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./src/i18n/locales",
        fallback_language: "en",
        // Arguments are user data shown inside HTML; `t_args` isolates them itself where
        // direction matters (Fluent would mark every argument, numbers too). Numbers
        // come out marked, so `t_args` can write them in the reader's digits (see `format`).
        customise: |bundle| {
            bundle.set_use_isolating(false);
            bundle.set_formatter(Some(format::mark_number));
        },
    };
}

/// Messages without arguments as formatted once, by language and id. A page asks for hundreds
/// (every label, each row's category and status), always with the same result, and Fluent's
/// formatting of one cost more than finding it here (7% of a list page's time). Only messages
/// found are kept, so the set is bounded by the Fluent files. Each thread keeps its own, hashed
/// with foldhash, so no lock is taken per message (with one map behind a lock and SipHash,
/// finding a message was 8% of the incident page, two fifths of it hashing). The threads are
/// the workers that render pages, and blocking threads that label the API's vocabulary (a few
/// dozen messages each). The languages are few: they are compared, not hashed.
type Formatted = Vec<(LanguageIdentifier, foldhash::HashMap<String, &'static str>)>;

thread_local! {
    static FORMATTED: std::cell::RefCell<Formatted> = Default::default();
}

/// Every message text any thread has formatted, kept for the server's life so that a page
/// writes it without copying it first (a copy per message was 3% of the incident page). One
/// per language and message of the Fluent files at most; a thread's first use of a message
/// takes the lock, later uses do not.
static TEXTS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<&'static str>>> =
    std::sync::LazyLock::new(Default::default);

/// `text`, as kept for the server's life.
fn kept(text: String) -> &'static str {
    let mut texts = TEXTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(kept) = texts.get(text.as_str()) {
        return kept;
    }
    let kept: &'static str = Box::leak(text.into_boxed_str());
    texts.insert(kept);
    kept
}

/// Scripts written right to left, for the page's `dir` attribute.
const RTL_LANGUAGES: [&str; 5] = ["ar", "fa", "he", "ku", "ur"];

/// The reader's language (one of those shipped) and the digits they read numbers in.
#[derive(Debug, Clone)]
pub struct Lang {
    id: LanguageIdentifier,
    digits: Digits,
}

impl Default for Lang {
    fn default() -> Self {
        Self {
            id: fluent_templates::langid!("en"),
            digits: Digits::Western,
        }
    }
}

impl Lang {
    /// The BCP 47 tag for the `lang` attribute.
    pub fn tag(&self) -> String {
        self.id.to_string()
    }

    /// The language's primary subtag (`ar`, `en`, `fr`), for choices made per language.
    pub fn language(&self) -> &str {
        self.id.language.as_str()
    }

    /// `rtl` or `ltr`, for the `dir` attribute.
    pub fn dir(&self) -> &'static str {
        if RTL_LANGUAGES.contains(&self.language()) {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The message `id`; a missing id shows as itself (and a unit test keeps that from shipping).
    pub fn t(&self, id: &str) -> Cow<'static, str> {
        let known = FORMATTED.with_borrow(|known| {
            let (_, texts) = known.iter().find(|(lang, _)| *lang == self.id)?;
            texts.get(id).copied()
        });
        if let Some(text) = known {
            return Cow::Borrowed(text);
        }
        let Some(text) = LOCALES.try_lookup(&self.id, id) else {
            tracing::warn!(message_id = id, "missing translation");
            return Cow::Owned(id.to_string());
        };
        let text = kept(text);
        FORMATTED.with_borrow_mut(|known| {
            let at = match known.iter().position(|(lang, _)| *lang == self.id) {
                Some(at) => at,
                None => {
                    known.push((self.id.clone(), Default::default()));
                    known.len() - 1
                }
            };
            known[at].1.insert(id.to_string(), text);
        });
        Cow::Borrowed(text)
    }

    /// The message `id` if it exists, for ids made from stored codes (audit actions).
    pub fn t_opt(&self, id: &str) -> Option<String> {
        LOCALES.try_lookup(&self.id, id)
    }

    /// The message `id` with named arguments. Numbers stay numbers, so that plural variants
    /// are chosen by them, and are written as `number` writes them.
    pub fn t_args(&self, id: &str, args: &[(&'static str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Arg::Text(s) => FluentValue::from(self.isolated(s)),
                    Arg::Number(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*k), value)
            })
            .collect();
        let text = LOCALES
            .try_lookup_with_args(&self.id, id, &map)
            .unwrap_or_else(|| id.to_string());
        format::write_marked_numbers(&text, |n| self.number(n))
    }

    /// A field's error message, naming what to do for that field: messages shared by many
    /// fields ("Enter { $what }.") get the field's own words from `what-FIELD` (numbered rows
    /// such as `line_item_3` use `what-line-item`; a field without words reads "a value").
    pub fn error(&self, field: &str, message: &str) -> String {
        let base = field
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .trim_end_matches(['_', '-']);
        let what = self
            .t_opt(&format!("what-{}", base.replace('_', "-")))
            .unwrap_or_else(|| self.t("what-fallback").into_owned());
        self.t_args(message, &[("what", Arg::Text(what))])
    }

    /// Text a person typed, set inside a sentence: in a right-to-left page, or when the text
    /// itself has right-to-left letters, it goes between Unicode's isolation marks (FSI…PDI,
    /// what `<bdi>` does in markup), so "layla.coordinator" or "الهلال الأحمر" keeps its own
    /// direction and does not reorder the words around it.
    fn isolated(&self, text: &str) -> String {
        let rtl_letters = text
            .chars()
            .any(|c| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FEFC}'));
        if self.dir() == "rtl" || rtl_letters {
            format!("\u{2068}{text}\u{2069}")
        } else {
            text.to_string()
        }
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

impl From<Cow<'_, str>> for Arg {
    fn from(s: Cow<'_, str>) -> Self {
        Self::Text(s.into_owned())
    }
}

impl From<&i64> for Arg {
    fn from(n: &i64) -> Self {
        Self::Number(*n)
    }
}

impl From<&&i64> for Arg {
    fn from(n: &&i64) -> Self {
        Self::Number(**n)
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
mod tests;
