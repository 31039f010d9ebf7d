//! What every page's layout needs: the reader's language, who is signed in, the CSRF token
//! for forms, and the navigation this person may use.

use std::future::{ready, Ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest};

use super::assets;
use super::session::CsrfToken;
use crate::accounts::sessions::CurrentUser;
use crate::i18n::{Arg, Lang};
use crate::permissions::{self, Action};

/// One link in the main navigation.
pub struct NavLink {
    pub href: &'static str,
    pub label_id: &'static str,
    pub current: bool,
}

/// Navigation entries and the action each needs.
const NAV: [(&str, &str, Action); 9] = [
    ("/", "nav-home", Action::UseAccount),
    ("/incidents", "nav-incidents", Action::ReadIncidents),
    ("/convoys", "nav-convoys", Action::ReadConvoys),
    ("/needs", "nav-needs", Action::ReadNeeds),
    ("/reports", "nav-reports", Action::RunReports),
    ("/audit", "nav-audit", Action::ReadAuditTrail),
    ("/admin/users", "nav-users", Action::ManageUsers),
    (
        "/admin/organizations",
        "nav-organizations",
        Action::ManageOrganizations,
    ),
    ("/admin/api-tokens", "nav-api-tokens", Action::ManageUsers),
];

/// A whole number however many references deep templates hold it.
pub trait WholeNumber {
    fn value(&self) -> i64;
}

impl WholeNumber for i64 {
    fn value(&self) -> i64 {
        *self
    }
}

impl<T: WholeNumber + ?Sized> WholeNumber for &T {
    fn value(&self) -> i64 {
        (**self).value()
    }
}

pub struct Page {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub path: String,
}

impl Page {
    pub fn from_request(req: &HttpRequest) -> Self {
        let ext = req.extensions();
        Self {
            lang: ext.get::<Lang>().cloned().unwrap_or_default(),
            user: ext.get::<CurrentUser>().cloned(),
            csrf: ext
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            path: req.path().to_string(),
        }
    }

    /// A translated message.
    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// A translated message with arguments.
    pub fn t_args(&self, id: &str, args: &[(&'static str, Arg)]) -> String {
        self.lang.t_args(id, args)
    }

    /// A whole number as the reader writes it.
    pub fn number(&self, n: impl WholeNumber) -> String {
        self.lang.number(n.value())
    }

    pub fn css_url(&self) -> &'static str {
        assets::css_url()
    }

    pub fn nav(&self) -> Vec<NavLink> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        if user.must_change_password {
            return Vec::new();
        }
        NAV.iter()
            .filter(|(_, _, action)| permissions::allows(user.role, *action))
            .map(|(href, label_id, _)| NavLink {
                href,
                label_id,
                current: if *href == "/" {
                    self.path == "/"
                } else {
                    self.path.starts_with(href)
                },
            })
            .collect()
    }

    /// What the signed-in person may see (for helpers that draw a page from `Page` alone;
    /// handlers take `Viewer` or `Scope` as extractors).
    pub fn scope(&self) -> crate::records::Scope {
        crate::records::Scope::of(self.user().viewer())
    }

    /// Signed-in user, for handlers behind the guard (which has already required one).
    pub fn user(&self) -> &CurrentUser {
        self.user
            .as_ref()
            .expect("the access guard requires a signed-in user here")
    }
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Page::from_request(req)))
    }
}
