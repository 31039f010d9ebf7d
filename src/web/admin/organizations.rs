use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::accounts::logos;
use crate::accounts::organizations::{self, OrgFields, OrgSaveError};
use crate::accounts::Organization;
use crate::audit;
use crate::domain::{text, OrgType};
use crate::error::AppError;
use crate::web::forms::FormErrors;
use crate::web::State;
use crate::web::{client_addr, see_other, Page};

#[derive(Template)]
#[template(path = "admin/organizations.html")]
pub struct ListPage {
    pub page: Page,
    pub organizations: Vec<(Organization, i64)>,
    pub saved: bool,
}

#[derive(Template)]
#[template(path = "admin/organization_form.html")]
pub struct FormPage {
    pub page: Page,
    /// `None` when creating.
    pub id: Option<i64>,
    pub form: OrgForm,
    pub errors: FormErrors,
    pub org_types: &'static [OrgType],
    /// The address of the organisation's logo, if it has one (editing only).
    pub logo: Option<String>,
    /// What was just done to the logo.
    pub notice: Notice,
}

/// What the organisation's page says was just done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    None,
    LogoSaved,
    LogoRemoved,
}

impl Notice {
    pub fn message_id(self) -> Option<&'static str> {
        match self {
            Notice::None => None,
            Notice::LogoSaved => Some("org-logo-saved"),
            Notice::LogoRemoved => Some("org-logo-removed"),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgForm {
    pub name: String,
    pub acronym: String,
    pub org_type: String,
}

impl OrgForm {
    fn parse(&self, errors: &mut FormErrors) -> Option<OrgFields> {
        let name = errors.check("name", text::required_line(&self.name, 200));
        let acronym = errors.check("acronym", text::optional_line(&self.acronym, 20));
        let org_type = errors.check("org_type", OrgType::parse(&self.org_type));
        Some(OrgFields {
            name: name?,
            acronym: acronym?,
            org_type: org_type?,
        })
    }
}

pub async fn list(
    page: Page,
    state: State,
    query: web::Query<super::users::NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let organizations = state.db.run(organizations::list).await?;
    // Said after a save, so the administrator knows the organisation was kept.
    let saved = query.done.as_deref() == Some("saved");
    crate::web::ok(&ListPage {
        page,
        organizations,
        saved,
    })
}

pub async fn new_form(page: Page) -> Result<HttpResponse, AppError> {
    crate::web::ok(&FormPage {
        page,
        id: None,
        form: OrgForm {
            org_type: OrgType::InternationalNgo.code().into(),
            ..Default::default()
        },
        errors: FormErrors::new(),
        org_types: &OrgType::ALL,
        logo: None,
        notice: Notice::None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditQuery {
    pub done: String,
}

pub async fn edit_form(
    page: Page,
    state: State,
    id: web::Path<i64>,
    query: web::Query<EditQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.done.as_str() {
        "logo" => Notice::LogoSaved,
        "logo-removed" => Notice::LogoRemoved,
        _ => Notice::None,
    };
    edit_page(
        page,
        &state,
        id.into_inner(),
        FormErrors::new(),
        notice,
        false,
    )
    .await
}

/// The organisation's page as stored, with `errors` (about the logo) and `notice`; sent back
/// as 422 when `refused`.
pub async fn edit_page(
    page: Page,
    state: &State,
    id: i64,
    errors: FormErrors,
    notice: Notice,
    refused: bool,
) -> Result<HttpResponse, AppError> {
    let (org, logo) = state
        .db
        .run(move |conn| Ok((organizations::find(conn, id)?, logos::version(conn, id)?)))
        .await?;
    let p = FormPage {
        page,
        id: Some(id),
        form: OrgForm {
            name: org.name,
            acronym: org.acronym,
            org_type: org.org_type,
        },
        errors,
        org_types: &OrgType::ALL,
        logo: logo.map(|v| logos::address(id, &v)),
        notice,
    };
    if refused {
        crate::web::invalid(&p)
    } else {
        crate::web::ok(&p)
    }
}

pub async fn create(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<OrgForm>,
) -> Result<HttpResponse, AppError> {
    save(req, page, state, None, form.into_inner()).await
}

pub async fn update(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
    form: web::Form<OrgForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // 404 for an organisation that does not exist, before anything else.
    state
        .db
        .run(move |conn| organizations::find(conn, id))
        .await?;
    save(req, page, state, Some(id), form.into_inner()).await
}

async fn save(
    req: HttpRequest,
    page: Page,
    state: State,
    id: Option<i64>,
    form: OrgForm,
) -> Result<HttpResponse, AppError> {
    let mut errors = FormErrors::new();
    let fields = form.parse(&mut errors).filter(|_| errors.is_empty());
    let Some(fields) = fields else {
        return crate::web::invalid(&FormPage {
            page,
            id,
            form,
            errors,
            org_types: &OrgType::ALL,
            logo: None,
            notice: Notice::None,
        });
    };
    let actor = page.user().actor(&client_addr(&req));
    let saved = audit::write_alone(&state.db, move |conn| match id {
        None => organizations::create(conn, &actor, &fields),
        Some(id) => organizations::update(conn, &actor, id, &fields),
    })
    .await?;
    match saved {
        Ok(_) => Ok(see_other("/admin/organizations?done=saved")),
        Err(OrgSaveError::NameTaken) => {
            errors.add("name", "org-name-taken");
            crate::web::invalid(&FormPage {
                page,
                id,
                form,
                errors,
                org_types: &OrgType::ALL,
                logo: None,
                notice: Notice::None,
            })
        }
    }
}
