use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::accounts::{organizations, passwords, throttle, users, Organization, User};
use crate::audit::{self, Event};
use crate::domain::{text, NewPassword, Role, Username};
use crate::error::AppError;
use crate::web::forms::FormErrors;
use crate::web::State;
use crate::web::{blocking, client_addr, see_other, Page};

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct ListPage {
    pub page: Page,
    pub users: Vec<(User, Organization)>,
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
pub struct NewPage {
    pub page: Page,
    pub form: NewUserForm,
    pub errors: FormErrors,
    pub organizations: Vec<(Organization, i64)>,
    pub roles: &'static [Role],
}

#[derive(Template)]
#[template(path = "admin/user_edit.html")]
pub struct EditPage {
    pub page: Page,
    pub user: User,
    pub organization: Organization,
    pub form: EditUserForm,
    pub errors: FormErrors,
    pub password_errors: FormErrors,
    pub organizations: Vec<(Organization, i64)>,
    pub roles: &'static [Role],
    pub locked: bool,
    pub notice: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub organization_id: String,
    pub role: String,
    #[serde(skip_serializing)]
    pub password: String,
    #[serde(skip_serializing)]
    pub password_confirm: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditUserForm {
    pub display_name: String,
    pub organization_id: String,
    pub role: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
    password_confirm: String,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    pub done: Option<String>,
}

/// The organisation id from a form, if it names one that exists.
fn org_choice(raw: &str, orgs: &[(Organization, i64)]) -> Result<i64, &'static str> {
    let id: i64 = raw.trim().parse().map_err(|_| "field-required")?;
    orgs.iter()
        .any(|(o, _)| o.id == id)
        .then_some(id)
        .ok_or("org-invalid")
}

pub async fn list(page: Page, state: State) -> Result<HttpResponse, AppError> {
    let users = state.db.run(users::list).await?;
    crate::web::ok(&ListPage { page, users })
}

pub async fn new_form(page: Page, state: State) -> Result<HttpResponse, AppError> {
    let organizations = state.db.run(organizations::list).await?;
    crate::web::ok(&NewPage {
        page,
        form: NewUserForm {
            role: Role::Reporter.code().into(),
            ..Default::default()
        },
        errors: FormErrors::new(),
        organizations,
        roles: &Role::ALL,
    })
}

pub async fn create(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    let mut form = form.into_inner();
    let organizations = state.db.run(organizations::list).await?;
    let mut errors = FormErrors::new();
    let username = errors.check("username", Username::parse(&form.username));
    let display_name = errors.check("display_name", text::optional_line(&form.display_name, 100));
    let organization_id = errors.check(
        "organization_id",
        org_choice(&form.organization_id, &organizations),
    );
    let role = errors.check("role", Role::parse(&form.role));
    let password = errors.check(
        "password",
        NewPassword::parse(
            &form.password,
            &form.password_confirm,
            &[form.username.as_str()],
        ),
    );
    let (
        Some(username),
        Some(display_name),
        Some(organization_id),
        Some(role),
        Some(password),
        true,
    ) = (
        username,
        display_name,
        organization_id,
        role,
        password,
        errors.is_empty(),
    )
    else {
        form.password.clear();
        form.password_confirm.clear();
        return crate::web::invalid(&NewPage {
            page,
            form,
            errors,
            organizations,
            roles: &Role::ALL,
        });
    };
    let password_hash = blocking(move || passwords::hash(&password)).await?;
    let actor = page.user().actor(&client_addr(&req));
    let account = users::NewAccount {
        username,
        display_name,
        organization_id,
        role,
        password_hash,
        // A password set by an administrator is known to two people: the owner must replace it.
        must_change_password: true,
    };
    let created =
        audit::write_alone(&state.db, move |conn| users::create(conn, &actor, &account)).await?;
    match created {
        Some(user) => Ok(see_other(&format!("/admin/users/{}?done=created", user.id))),
        None => {
            errors.add("username", "username-taken");
            form.password.clear();
            form.password_confirm.clear();
            crate::web::invalid(&NewPage {
                page,
                form,
                errors,
                organizations,
                roles: &Role::ALL,
            })
        }
    }
}

async fn edit_page(
    page: Page,
    state: &State,
    id: i64,
    form: Option<EditUserForm>,
    errors: FormErrors,
    password_errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<EditPage, AppError> {
    let (user, organization, organizations, locked) = state
        .db
        .run(move |conn| {
            let (user, org) = users::find(conn, id)?;
            let locked =
                throttle::locked_until(conn, &[throttle::account_key(&user.username)])?.is_some();
            Ok((user, org, organizations::list(conn)?, locked))
        })
        .await?;
    let form = form.unwrap_or_else(|| EditUserForm {
        display_name: user.display_name.clone(),
        organization_id: user.organization_id.to_string(),
        role: user.role.clone(),
    });
    Ok(EditPage {
        page,
        user,
        organization,
        form,
        errors,
        password_errors,
        organizations,
        roles: &Role::ALL,
        locked,
        notice,
    })
}

pub async fn edit_form(
    page: Page,
    state: State,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.done.as_deref() {
        Some("saved") => Some("admin-user-saved"),
        Some("created") => Some("admin-user-created"),
        Some("disabled") => Some("admin-user-disabled"),
        Some("enabled") => Some("admin-user-enabled"),
        Some("password") => Some("admin-user-password-reset"),
        Some("unlocked") => Some("admin-user-unlocked"),
        _ => None,
    };
    let p = edit_page(
        page,
        &state,
        id.into_inner(),
        None,
        FormErrors::new(),
        FormErrors::new(),
        notice,
    )
    .await?;
    crate::web::ok(&p)
}

pub async fn update(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
    form: web::Form<EditUserForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let organizations = state.db.run(organizations::list).await?;
    let mut errors = FormErrors::new();
    let display_name = errors.check("display_name", text::optional_line(&form.display_name, 100));
    let organization_id = errors.check(
        "organization_id",
        org_choice(&form.organization_id, &organizations),
    );
    let role = errors.check("role", Role::parse(&form.role));
    if page.user().id == id && role.is_some_and(|r| r != Role::Admin) {
        // An administrator cannot remove their own rights (and lock everyone out).
        errors.add("role", "admin-cannot-demote-self");
    }
    let (Some(display_name), Some(organization_id), Some(role), true) =
        (display_name, organization_id, role, errors.is_empty())
    else {
        let p = edit_page(
            page,
            &state,
            id,
            Some(form),
            errors,
            FormErrors::new(),
            None,
        )
        .await?;
        return crate::web::invalid(&p);
    };
    let actor = page.user().actor(&client_addr(&req));
    let changes = users::AccountChanges {
        display_name,
        organization_id,
        role,
    };
    state
        .db
        .run(move |conn| {
            users::find(conn, id)?;
            audit::write(conn, |conn| users::update(conn, &actor, id, &changes))
        })
        .await?;
    Ok(see_other(&format!("/admin/users/{id}?done=saved")))
}

async fn set_disabled(
    req: HttpRequest,
    page: Page,
    state: State,
    id: i64,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    if disabled && page.user().id == id {
        return Err(AppError::BadRequest("admin-cannot-disable-self"));
    }
    let actor = page.user().actor(&client_addr(&req));
    state
        .db
        .run(move |conn| {
            users::find(conn, id)?;
            audit::write(conn, |conn| users::set_disabled(conn, &actor, id, disabled))
        })
        .await?;
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(see_other(&format!("/admin/users/{id}?done={done}")))
}

pub async fn disable(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_disabled(req, page, state, id.into_inner(), true).await
}

pub async fn enable(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_disabled(req, page, state, id.into_inner(), false).await
}

/// Sets a temporary password; the owner must choose their own at next sign-in.
pub async fn reset_password(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (target, _) = state.db.run(move |conn| users::find(conn, id)).await?;
    let mut password_errors = FormErrors::new();
    let password = password_errors.check(
        "password",
        NewPassword::parse(
            &form.password,
            &form.password_confirm,
            &[target.username.as_str()],
        ),
    );
    let Some(password) = password else {
        let p = edit_page(
            page,
            &state,
            id,
            None,
            FormErrors::new(),
            password_errors,
            None,
        )
        .await?;
        return crate::web::invalid(&p);
    };
    let hash = blocking(move || passwords::hash(&password)).await?;
    let actor = page.user().actor(&client_addr(&req));
    audit::write_alone(&state.db, move |conn| {
        users::set_password(conn, &actor, id, &hash, true)
    })
    .await?;
    Ok(see_other(&format!("/admin/users/{id}?done=password")))
}

/// Lifts a sign-in lock on the account.
pub async fn unlock(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = page.user().actor(&client_addr(&req));
    state
        .db
        .run(move |conn| {
            let (user, _) = users::find(conn, id)?;
            audit::write(conn, |conn| {
                // The address locks that keep this person out go too.
                let cleared = throttle::unlock_person(conn, &user.username)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new("user.unlock", "user", id).details(json!({ "cleared": cleared })),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(see_other(&format!("/admin/users/{id}?done=unlocked")))
}
