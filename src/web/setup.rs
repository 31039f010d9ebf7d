//! First start: the one-time link printed by the server opens this form, which creates the
//! first organisation and its administrator, then signs them in.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::forms::FormErrors;
use super::session::session_cookie;
use super::{blocking, client_addr, see_other, Page};
use crate::accounts::{organizations, passwords, sessions, setup, users};
use crate::audit::{self, Actor, Event};
use crate::domain::{text, NewPassword, OrgType, Role, Username};
use crate::error::AppError;
use crate::web::State;

#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    pub page: Page,
    pub form: SetupForm,
    pub errors: FormErrors,
    pub org_types: &'static [OrgType],
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SetupForm {
    pub token: String,
    pub org_name: String,
    pub org_acronym: String,
    pub org_type: String,
    pub username: String,
    pub display_name: String,
    #[serde(skip_serializing)]
    pub password: String,
    #[serde(skip_serializing)]
    pub password_confirm: String,
}

#[derive(Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    token: String,
}

async fn token_usable(state: &State, token: String) -> Result<bool, AppError> {
    state
        .db
        .run(move |conn| Ok(users::count(conn)? == 0 && setup::is_valid(conn, &token)?))
        .await
}

pub async fn form(
    page: Page,
    state: State,
    query: web::Query<SetupQuery>,
) -> Result<HttpResponse, AppError> {
    if !token_usable(&state, query.token.clone()).await? {
        return Err(AppError::BadRequest("setup-link-invalid"));
    }
    super::ok(&SetupPage {
        page,
        form: SetupForm {
            token: query.token.clone(),
            org_type: OrgType::UnAgency.code().into(),
            ..Default::default()
        },
        errors: FormErrors::new(),
        org_types: &OrgType::ALL,
    })
}

pub async fn submit(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    if !token_usable(&state, form.token.clone()).await? {
        return Err(AppError::BadRequest("setup-link-invalid"));
    }
    let mut errors = FormErrors::new();
    let org_name = errors.check("org_name", text::required_line(&form.org_name, 200));
    let org_acronym = errors.check("org_acronym", text::optional_line(&form.org_acronym, 20));
    let org_type = errors.check("org_type", OrgType::parse(&form.org_type));
    let username = errors.check("username", Username::parse(&form.username));
    let display_name = errors.check("display_name", text::optional_line(&form.display_name, 100));
    let context = [form.username.as_str(), form.org_name.as_str()];
    let password = errors.check(
        "password",
        NewPassword::parse(&form.password, &form.password_confirm, &context),
    );
    let (
        Some(org_name),
        Some(org_acronym),
        Some(org_type),
        Some(username),
        Some(display_name),
        Some(password),
        true,
    ) = (
        org_name,
        org_acronym,
        org_type,
        username,
        display_name,
        password,
        errors.is_empty(),
    )
    else {
        form.password.clear();
        form.password_confirm.clear();
        return super::invalid(&SetupPage {
            page,
            form,
            errors,
            org_types: &OrgType::ALL,
        });
    };

    let hash = blocking(move || passwords::hash(&password)).await?;
    let addr = client_addr(&req);
    let lifetime = state.settings.session_max;
    let token = form.token.clone();
    let created = audit::write_alone(&state.db, move |conn| {
        if users::count(conn)? > 0 || !setup::consume(conn, &token)? {
            return Err(AppError::BadRequest("setup-link-invalid"));
        }
        let actor = Actor::anonymous("setup-link", &addr);
        let fields = organizations::OrgFields {
            name: org_name,
            acronym: org_acronym,
            org_type,
        };
        let org = organizations::create(conn, &actor, &fields)?
            .map_err(|_| AppError::BadRequest("org-name-taken"))?;
        let account = users::NewAccount {
            username,
            display_name,
            organization_id: org.id,
            role: Role::Admin,
            password_hash: hash,
            must_change_password: false,
        };
        let user =
            users::create(conn, &actor, &account)?.ok_or(AppError::BadRequest("username-taken"))?;
        let session = sessions::create(conn, user.id, &addr, "", lifetime)?;
        let signed_in = Actor {
            user_id: Some(user.id),
            label: user.username.clone(),
            org_id: Some(org.id),
            client_addr: addr.clone(),
        };
        audit::record(
            conn,
            &signed_in,
            Event::new("auth.login", "session", session.id),
        )?;
        Ok(session.token)
    })
    .await?;
    let mut res = see_other("/");
    res.add_cookie(&session_cookie(&state.settings, created))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    Ok(res)
}
