//! A person's own account: changing their password (required after an administrator's reset),
//! and beside it their language (`language`).
//! The change ends every session of the account, then signs this browser in afresh.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use super::forms::FormErrors;
use super::language::LanguageForm;
use super::session::session_cookie;
use super::{blocking, client_addr, see_other, Page};
use crate::accounts::{passwords, sessions, throttle, users};
use crate::audit::{self, Event};
use crate::domain::NewPassword;
use crate::error::AppError;
use crate::i18n::Setting;
use crate::web::State;

#[derive(Template)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    pub page: Page,
    pub errors: FormErrors,
    pub changed: bool,
    pub language: LanguageForm,
}

impl PasswordPage {
    /// The account page sent back with `errors` (from either of its forms), nothing changed.
    pub fn refused(page: Page, errors: FormErrors) -> Self {
        let language = LanguageForm::of(&page, false);
        Self {
            page,
            errors,
            changed: false,
            language,
        }
    }
}

#[derive(Deserialize)]
pub struct ChangedQuery {
    changed: Option<String>,
    language: Option<String>,
}

pub async fn password_form(
    page: Page,
    query: web::Query<ChangedQuery>,
) -> Result<HttpResponse, AppError> {
    let language = LanguageForm::of(&page, query.language.is_some());
    super::ok(&PasswordPage {
        page,
        errors: FormErrors::new(),
        changed: query.changed.is_some(),
        language,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_confirm: String,
}

pub async fn change_password(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let user = page.user().clone();
    let addr = client_addr(&req);
    // Checking the current password is a sign-in by another door: the same gate and locks.
    let Some(_turn) = state.hashing.enter().await else {
        let mut errors = FormErrors::new();
        errors.add("current_password", "login-busy");
        return super::login::busy(&PasswordPage::refused(page, errors));
    };
    let policy = state.settings.lockout;
    let (uid, name, at) = (user.id, user.username.clone(), addr.clone());
    let actor = user.actor(&addr);
    let check_actor = actor.clone();
    let (stored, admission) = audit::write_alone(&state.db, move |conn| {
        let admission = throttle::admit(conn, &name, &at, &policy)?;
        if admission == throttle::Admission::Locked {
            audit::record(
                conn,
                &check_actor,
                Event::new("auth.password_check_failed", "user", uid)
                    .details(json!({ "reason": "locked" })),
            )?;
        }
        Ok((users::find(conn, uid)?.0, admission))
    })
    .await?;
    if admission == throttle::Admission::Locked {
        let mut errors = FormErrors::new();
        errors.add("current_password", "password-locked");
        return super::invalid(&PasswordPage::refused(page, errors));
    }
    // A person who must replace the password they were given signed in with it moments ago:
    // they are not asked for it again. What is checked instead is that the new one differs.
    let forced = user.must_change_password;
    let typed = if forced {
        form.new_password.clone()
    } else {
        form.current_password.clone()
    };
    let matches = blocking(move || passwords::verify(&typed, Some(&stored.password_hash))).await?;
    let current_ok = forced || matches;
    let (name, at, check_actor) = (user.username.clone(), addr.clone(), actor.clone());
    audit::write_alone(&state.db, move |conn| {
        if current_ok {
            return throttle::succeeded(conn, &name);
        }
        let locked_now = throttle::failed(conn, &at, &policy)?;
        audit::record(
            conn,
            &check_actor,
            Event::new("auth.password_check_failed", "user", uid)
                .details(json!({ "reason": "bad_credentials", "locked_now": locked_now })),
        )?;
        Ok(())
    })
    .await?;

    let mut errors = FormErrors::new();
    if !current_ok {
        errors.add("current_password", "password-current-wrong");
    }
    let context = [user.username.as_str(), user.organization_name.as_str()];
    let new = errors.check(
        "new_password",
        NewPassword::parse(&form.new_password, &form.new_password_confirm, &context),
    );
    let same = if forced {
        matches
    } else {
        form.new_password == form.current_password
    };
    if same && !form.new_password.is_empty() {
        errors.add("new_password", "password-same-as-current");
    }
    let (Some(new), true) = (new, errors.is_empty()) else {
        return super::invalid(&PasswordPage::refused(page, errors));
    };
    let hash = blocking(move || passwords::hash(&new)).await?;
    let lifetime = state.settings.session_max;
    let token = audit::write_alone(&state.db, move |conn| {
        users::set_password(conn, &actor, user.id, &hash, false)?;
        let session = sessions::create(conn, user.id, &addr, "", lifetime)?;
        audit::record(
            conn,
            &actor,
            Event::new("auth.login", "session", session.id),
        )?;
        Ok(session.token)
    })
    .await?;
    // A password the account had to replace (set by an administrator) was the way in, not
    // what the person came for: after it, home, and the form is not shown again.
    let mut res = see_other(if forced {
        "/?done=password"
    } else {
        "/account/password?changed=1"
    });
    res.add_cookie(&session_cookie(&state.settings, token))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    Ok(res)
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
    audit::write_alone(&state.db, move |conn| {
        users::set_language(conn, &actor, user.id, setting)
    })
    .await?;
    Ok(see_other("/account/password?language=1"))
}
