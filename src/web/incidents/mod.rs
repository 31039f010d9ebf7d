//! Incident pages: list and search, the form (new and edit, with conflict handling), the
//! record with its claims and history, and the actions on it (claims, verification,
//! retraction).

pub mod actions;
pub mod detail;
pub mod form;
pub mod list;

use actix_web::HttpRequest;
use chrono::{NaiveDate, TimeDelta, Utc};

use super::{client_addr, Page};
use crate::permissions::Viewer;
use crate::records::store::Author;
use crate::records::Scope;

pub fn viewer(page: &Page) -> Viewer {
    let user = page.user();
    Viewer {
        role: user.role,
        organization_id: user.organization_id,
    }
}

/// The signed-in person's scope: what the records core lets them see.
pub fn scope(page: &Page) -> Scope {
    Scope::of(viewer(page))
}

pub fn author(page: &Page, req: &HttpRequest) -> Author {
    let user = page.user();
    Author {
        actor: user.actor(&client_addr(req)),
        user_id: user.id,
        viewer: viewer(page),
    }
}

/// The latest date anywhere on Earth (UTC+14), the limit for "not in the future": field staff
/// east of Greenwich must be able to record what happened on their today.
pub fn latest_date() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(14)).date_naive()
}

/// Today in UTC, for default values in forms.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
