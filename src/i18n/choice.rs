//! Which language a reader gets: their own setting (account page), else what their browser
//! asks for in `Accept-Language` (negotiated among the shipped languages by fluent-langneg),
//! else English.

use fluent_langneg::{negotiate_languages, parse_accepted_languages, NegotiationStrategy};
use fluent_templates::{LanguageIdentifier, Loader};

use super::{Lang, LOCALES};

/// The digits numbers are written in. Arabic readers get Western digits (0–9), as OCHA's
/// Arabic products print them, unless they choose Arabic-Indic digits (٠–٩) for themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digits {
    Western,
    ArabicIndic,
}

/// One choice on the account page. `code` is what is stored (a BCP 47 tag; `-u-nu-arab` is
/// Unicode's own extension for Arabic-Indic digits); `name` is written in its own language,
/// so a reader who cannot read the page's current language still finds theirs.
#[derive(Debug)]
pub struct Setting {
    pub code: &'static str,
    pub language: &'static str,
    pub digits: Digits,
    pub name: &'static str,
}

/// Every language setting a person can choose (besides "as my browser asks").
pub const SETTINGS: [Setting; 4] = [
    Setting {
        code: "en",
        language: "en",
        digits: Digits::Western,
        name: "English",
    },
    Setting {
        code: "fr",
        language: "fr",
        digits: Digits::Western,
        name: "Français",
    },
    Setting {
        code: "ar",
        language: "ar",
        digits: Digits::Western,
        name: "العربية (0123456789)",
    },
    Setting {
        code: "ar-u-nu-arab",
        language: "ar",
        digits: Digits::ArabicIndic,
        name: "العربية (٠١٢٣٤٥٦٧٨٩)",
    },
];

impl Setting {
    /// The setting stored as `code`, if it is one of those offered.
    pub fn find(code: &str) -> Option<&'static Setting> {
        SETTINGS.iter().find(|s| s.code == code)
    }
}

impl Lang {
    /// The person's own setting if they have a valid one, else the browser's languages.
    pub fn choose(setting: Option<&str>, accept_language: Option<&str>) -> Self {
        match setting.and_then(Setting::find) {
            Some(s) => Self {
                id: s.language.parse().expect("a shipped language's tag"),
                digits: s.digits,
            },
            None => Self::negotiate(accept_language),
        }
    }

    /// The best shipped language for an `Accept-Language` header; English when none fits.
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let requested = parse_accepted_languages(accept_language.unwrap_or_default());
        let available: Vec<LanguageIdentifier> = LOCALES.locales().cloned().collect();
        let english = Self::default().id;
        let chosen = negotiate_languages(
            &requested,
            &available,
            Some(&english),
            NegotiationStrategy::Lookup,
        );
        Self {
            id: chosen.first().map_or(english.clone(), |l| (*l).clone()),
            digits: Digits::Western,
        }
    }

    /// The digits this reader reads numbers in.
    pub fn digits(&self) -> Digits {
        self.digits
    }
}
