//! A person's own language setting, on their account page: the choices offered, and saving
//! one. It outranks the browser's `Accept-Language` from the next page on.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::account::PasswordPage;
use super::forms::FormErrors;
use super::{client_addr, see_other, Page};
use crate::accounts::users;
use crate::audit;
use crate::error::AppError;
use crate::i18n::{Setting, SETTINGS};
use crate::web::State;

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

#[derive(Deserialize)]
pub struct LanguageInput {
    #[serde(default)]
    language: String,
}

pub async fn set_language(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<LanguageInput>,
) -> Result<HttpResponse, AppError> {
    let wanted = form.into_inner().language;
    let setting = match wanted.trim() {
        "" => None,
        code => match Setting::find(code) {
            Some(s) => Some(s.code),
            None => {
                let mut errors = FormErrors::new();
                errors.add("language", "language-invalid");
                return super::invalid(&PasswordPage::refused(page, errors));
            }
        },
    };
    let user = page.user().clone();
    let actor = user.actor(&client_addr(&req));
    state
        .db
        .run(move |conn| {
            audit::write(conn, |conn| {
                users::set_language(conn, &actor, user.id, setting)
            })
        })
        .await?;
    Ok(see_other("/account/password?language=1"))
}
