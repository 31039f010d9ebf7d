//! Who is asking, and when, as request extractors: a handler names `Viewer`, `Scope`, `Author`
//! or `Today` among its arguments and gets them from the signed-in session, so no handler
//! builds a viewer of its own or reads the clock twice.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::{NaiveDate, TimeDelta, Utc};

use super::client_addr;
use crate::accounts::sessions::CurrentUser;
use crate::error::AppError;
use crate::permissions::Viewer;
use crate::records::store::Author;
use crate::records::Scope;

/// The signed-in person. The access guard has already sent anyone else to sign in; this
/// answers the same way should a route ever reach a handler without it.
fn signed_in(req: &HttpRequest) -> Result<CurrentUser, AppError> {
    req.extensions()
        .get::<CurrentUser>()
        .cloned()
        .ok_or_else(|| AppError::LoginRequired {
            next: String::new(),
        })
}

impl FromRequest for Viewer {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(signed_in(req).map(|u| u.viewer()))
    }
}

/// What the records core lets the signed-in person see.
impl FromRequest for Scope {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(signed_in(req).map(|u| Scope::of(u.viewer())))
    }
}

/// The signed-in person as the writer of a change: the audit trail's actor (with the client's
/// address), the account, and the organisation it acts for.
impl FromRequest for Author {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(signed_in(req).map(|u| Author {
            actor: u.actor(&client_addr(req)),
            user_id: u.id,
            viewer: u.viewer(),
        }))
    }
}

/// The date of the request, read once: `date` is today in UTC (defaults in forms, the year of a
/// new reference), `latest` the latest date anywhere on Earth (UTC+14), the limit for "not in
/// the future", so field staff east of Greenwich can record what happened on their today.
#[derive(Debug, Clone, Copy)]
pub struct Today {
    pub date: NaiveDate,
    pub latest: NaiveDate,
}

impl Today {
    pub fn now() -> Self {
        let now = Utc::now();
        Self {
            date: now.date_naive(),
            latest: (now + TimeDelta::hours(14)).date_naive(),
        }
    }
}

impl FromRequest for Today {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(_: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::now()))
    }
}
