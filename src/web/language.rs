//! A person's own language setting, as the account page offers it: the choices, each named in
//! its own language. Saving one is the account page's (`account::set_language`); it outranks
//! the browser's `Accept-Language` from the next page on.

use super::Page;
use crate::i18n::SETTINGS;

/// One choice: its stored code, its name in its own language, and that language's tag and
/// direction (so each name is read right even on a page in another language).
pub struct LanguageChoice {
    pub code: &'static str,
    pub name: &'static str,
    pub lang: &'static str,
    pub dir: &'static str,
}

/// The language part of the account page.
pub struct LanguageForm {
    pub choices: Vec<LanguageChoice>,
    /// The stored code, or empty for "as my browser asks".
    pub current: String,
    pub saved: bool,
}

impl LanguageForm {
    pub fn of(page: &Page, saved: bool) -> Self {
        let choices = SETTINGS
            .iter()
            .map(|s| LanguageChoice {
                code: s.code,
                name: s.name,
                lang: s.language,
                dir: if s.language == "ar" { "rtl" } else { "ltr" },
            })
            .collect();
        Self {
            choices,
            current: page.user().language.clone().unwrap_or_default(),
            saved,
        }
    }
}
