//! Signing in and out. Every attempt costs one Argon2 check, whether or not the account
//! exists, and the answer to a failure never says which part was wrong.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use super::session::{removal_cookie, session_cookie};
use super::{blocking, client_addr, safe_next, see_other, Page};
use crate::accounts::{passwords, sessions, throttle, users};
use crate::audit::{self, Actor, Event};
use crate::error::AppError;
use crate::web::State;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub page: Page,
    pub username: String,
    pub next: String,
    pub failed: bool,
    pub signed_out: bool,
    /// Too many sign-ins at once: try again in a moment.
    pub busy: bool,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
}

pub async fn form(page: Page, query: web::Query<LoginQuery>) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if page.user.is_some() {
        return Ok(see_other(&next));
    }
    super::ok(&LoginPage {
        page,
        username: String::new(),
        next,
        failed: false,
        signed_out: query.signed_out.is_some(),
        busy: false,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        username,
        password,
        next,
    } = form.into_inner();
    let next = safe_next(next.as_deref());
    let username: String = username.trim().to_lowercase().chars().take(100).collect();
    let typed = username.clone();
    let addr = client_addr(&req);
    let failed_page = |page: Page, busy: bool| LoginPage {
        page,
        username: typed.clone(),
        next: next.clone(),
        failed: !busy,
        signed_out: false,
        busy,
    };

    // Only so many password checks at once (each holds 19 MiB); beyond that, come back soon.
    let Some(_turn) = state.hashing.enter().await else {
        return busy(&failed_page(page, true));
    };
    let policy = state.settings.lockout;
    let (name, at) = (username.clone(), addr.clone());
    let (user, admission) = audit::write_alone(&state.db, move |conn| {
        let admission = throttle::admit(conn, &name, &at, &policy)?;
        if admission == throttle::Admission::Locked {
            audit::record(
                conn,
                &Actor::anonymous(&name, &at),
                Event::new("auth.login_failed", "user", &name)
                    .details(json!({ "reason": "locked", "locked_now": false })),
            )?;
        }
        Ok((users::find_by_username(conn, &name)?, admission))
    })
    .await?;
    let throttle::Admission::Admitted { locked_now } = admission else {
        return super::invalid(&failed_page(page, false));
    };
    let stored = user
        .as_ref()
        .filter(|u| !u.is_disabled())
        .map(|u| u.password_hash.clone());
    let password_ok = blocking(move || passwords::verify(&password, stored.as_deref())).await?;

    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let lifetime = state.settings.session_max;
    let token = audit::write_alone(&state.db, move |conn| match user.filter(|_| password_ok) {
        Some(user) => {
            let actor = Actor {
                user_id: Some(user.id),
                label: user.username.clone(),
                org_id: Some(user.organization_id),
                client_addr: addr.clone(),
            };
            throttle::succeeded(conn, &username)?;
            let session = sessions::create(conn, user.id, &addr, &user_agent, lifetime)?;
            audit::record(
                conn,
                &actor,
                Event::new("auth.login", "session", session.id),
            )?;
            Ok(Some(session.token))
        }
        None => {
            let address_locked = throttle::failed(conn, &addr, &policy)?;
            audit::record(
                conn,
                &Actor::anonymous(&username, &addr),
                Event::new("auth.login_failed", "user", &username).details(json!({
                    "reason": "bad_credentials",
                    "locked_now": locked_now || address_locked
                })),
            )?;
            Ok(None)
        }
    })
    .await?;

    match token {
        Some(token) => {
            let mut res = see_other(&next);
            res.add_cookie(&session_cookie(&state.settings, token))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            Ok(res)
        }
        None => super::invalid(&failed_page(page, false)),
    }
}

/// How long a client turned away for being one too many is asked to wait.
pub const RETRY_AFTER_SECONDS: &str = "2";

/// 503 with `Retry-After`: too many password checks are running; nothing was counted.
pub fn busy(template: &impl Template) -> Result<HttpResponse, AppError> {
    let mut res = super::render(actix_web::http::StatusCode::SERVICE_UNAVAILABLE, template)?;
    res.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    Ok(res)
}

pub async fn logout(req: HttpRequest, page: Page, state: State) -> Result<HttpResponse, AppError> {
    let user = page.user().clone();
    let addr = client_addr(&req);
    audit::write_alone(&state.db, move |conn| {
        let actor = user.actor(&addr);
        audit::record(
            conn,
            &actor,
            Event::new("auth.logout", "session", user.session_id),
        )?;
        sessions::end(conn, &actor, user.session_id, "signed_out")
    })
    .await?;
    let mut res = see_other("/login?signed_out=1");
    res.add_cookie(&removal_cookie(&state.settings))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    Ok(res)
}
