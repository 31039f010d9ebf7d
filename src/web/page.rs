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
const NAV: [(&str, &str, Action); 11] = [
    ("/", "nav-home", Action::UseAccount),
    ("/incidents", "nav-incidents", Action::ReadIncidents),
    ("/convoys", "nav-convoys", Action::ReadConvoys),
    ("/needs", "nav-needs", Action::ReadNeeds),
    ("/places", "nav-places", Action::ManagePlaces),
    ("/reports", "nav-reports", Action::RunReports),
    ("/audit", "nav-audit", Action::ReadAuditTrail),
    ("/admin/users", "nav-users", Action::ManageUsers),
    (
        "/admin/organizations",
        "nav-organizations",
        Action::ManageOrganizations,
    ),
    ("/admin/api-tokens", "nav-api-tokens", Action::ManageUsers),
    ("/searches", "nav-searches", Action::ReadIncidents),
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

/// A coordinate in decimal degrees, however templates pass it (by value or reference).
pub trait Degrees {
    fn degrees(&self) -> f64;
}

impl Degrees for f64 {
    fn degrees(&self) -> f64 {
        *self
    }
}

impl<T: Degrees + ?Sized> Degrees for &T {
    fn degrees(&self) -> f64 {
        (**self).degrees()
    }
}

impl WholeNumber for i32 {
    fn value(&self) -> i64 {
        i64::from(*self)
    }
}

impl<T: WholeNumber + ?Sized> WholeNumber for &T {
    fn value(&self) -> i64 {
        (**self).value()
    }
}

/// A calendar day however many references deep templates hold it.
pub trait Day {
    fn day(&self) -> chrono::NaiveDate;
}

impl Day for chrono::NaiveDate {
    fn day(&self) -> chrono::NaiveDate {
        *self
    }
}

/// A stored moment as a day: the date it fell on (UTC).
impl Day for chrono::NaiveDateTime {
    fn day(&self) -> chrono::NaiveDate {
        self.date()
    }
}

impl<T: Day + ?Sized> Day for &T {
    fn day(&self) -> chrono::NaiveDate {
        (**self).day()
    }
}

/// A moment (UTC, as stored) however many references deep templates hold it.
pub trait Moment {
    fn moment(&self) -> chrono::NaiveDateTime;
}

impl Moment for chrono::NaiveDateTime {
    fn moment(&self) -> chrono::NaiveDateTime {
        *self
    }
}

impl<T: Moment + ?Sized> Moment for &T {
    fn moment(&self) -> chrono::NaiveDateTime {
        (**self).moment()
    }
}

pub struct Page {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub path: String,
    /// The address carries a query (filters, a page number): the list's filters were used.
    pub has_query: bool,
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
            has_query: !req.query_string().is_empty(),
        }
    }

    /// Whether the list on this page was filtered (its filter panel then starts folded).
    pub fn filtered(&self) -> bool {
        self.has_query
    }

    /// A translated message.
    pub fn t(&self, id: &str) -> std::borrow::Cow<'static, str> {
        self.lang.t(id)
    }

    /// A translated message with arguments.
    pub fn t_args(&self, id: &str, args: &[(&'static str, Arg)]) -> String {
        self.lang.t_args(id, args)
    }

    /// A field's error message, naming what to do for that field (see `Lang::error`).
    pub fn error(&self, field: &str, message: &str) -> String {
        self.lang.error(field, message)
    }

    /// A whole number as the reader writes it.
    pub fn number(&self, n: impl WholeNumber) -> String {
        self.lang.number(n.value())
    }

    /// A date in words (20 February 2018), in the reader's language and digits.
    pub fn date(&self, d: impl Day) -> String {
        self.lang.date(d.day())
    }

    /// A date for tables (20 Feb 2018).
    pub fn date_short(&self, d: impl Day) -> String {
        self.lang.date_short(d.day())
    }

    /// A moment to the minute (20 Feb 2018 14:30); the page adds "UTC".
    pub fn date_time(&self, t: impl Moment) -> String {
        self.lang.date_time(t.moment())
    }

    /// A moment to the second, for the audit trail.
    pub fn date_time_seconds(&self, t: impl Moment) -> String {
        self.lang.date_time_seconds(t.moment())
    }

    /// A place's coordinates in the reader's digits, drawn latitude first (see `Lang`).
    pub fn coordinates(&self, latitude: impl Degrees, longitude: impl Degrees) -> String {
        self.lang
            .coordinates(latitude.degrees(), longitude.degrees())
    }

    /// Digits the reader reads (coordinates, times typed as text), for text that is a number.
    pub fn digits(&self, text: &str) -> String {
        self.lang.in_digits(text)
    }

    /// An audit action in words ("Incident recorded"); the stored code when it has none.
    pub fn audit_action(&self, code: &str) -> String {
        self.lang
            .t_opt(&format!("audit-action-{}", code.replace(['.', '_'], "-")))
            .unwrap_or_else(|| code.to_string())
    }

    /// The kind of record an audit event is about, in words.
    pub fn audit_entity(&self, kind: &str) -> String {
        self.lang
            .t_opt(&format!("audit-entity-{}", kind.replace('_', "-")))
            .unwrap_or_else(|| kind.to_string())
    }

    pub fn css_url(&self) -> &'static str {
        assets::css_url()
    }

    /// The print stylesheet for this reader's language: page numbers in their words and digits.
    pub fn print_css_url(&self) -> String {
        assets::print_css_url(&self.lang)
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
