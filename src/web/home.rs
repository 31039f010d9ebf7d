//! The home page: what this person can do from here, by role.

use actix_web::HttpResponse;
use askama::Template;

use super::Page;
use crate::error::AppError;
use crate::permissions::{self, Action};

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub page: Page,
    pub can_audit: bool,
    pub can_manage_users: bool,
}

pub async fn show(page: Page) -> Result<HttpResponse, AppError> {
    let role = page.user().role;
    super::ok(&HomePage {
        can_audit: permissions::allows(role, Action::ReadAuditTrail),
        can_manage_users: permissions::allows(role, Action::ManageUsers),
        page,
    })
}
