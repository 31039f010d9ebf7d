//! The home page, by role: a reporter's recent records and drafts, a coordinator's queue of
//! submitted records awaiting verification, an auditor's recent changes, an administrator's
//! tasks.

use actix_web::HttpResponse;
use askama::Template;

use super::Page;
use crate::convoys::list::{self as convoy_list, Filter as ConvoyFilter, Row as ConvoyRow};
use crate::domain::vocab::{ConvoyStatus, RecordStatus, Urgency, Verification};
use crate::domain::Role;
use crate::error::AppError;
use crate::incidents::list::{self, Filter, Row, Sort};
use crate::needs::list::{self as need_list, Filter as NeedFilter, Row as NeedRow};
use crate::permissions::{self, Action, Viewer};
use crate::records::duplicates::{self, Likely};
use crate::records::Scope;
use crate::revisions::{self, Revision};
use crate::web::State;

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub page: Page,
    pub can_audit: bool,
    pub can_manage_users: bool,
    pub can_record: bool,
    /// Reporter: their organisation's latest records; coordinator: the verification queue.
    pub records: Vec<Row>,
    pub records_title: &'static str,
    pub drafts: Vec<Row>,
    pub changes: Vec<Revision>,
    /// Coordinator: convoys on the road or blocked now.
    pub moving: Vec<ConvoyRow>,
    /// Coordinator: critical needs still open, and needs past their date.
    pub critical: Vec<NeedRow>,
    pub overdue: Vec<NeedRow>,
    pub today: chrono::NaiveDate,
    /// Just arrived from the password change the account had to make first.
    pub password_changed: bool,
    /// Coordinator: records awaiting verification that may report the same event as another
    /// (each pair once): the record, its reference, and the others.
    pub likely: Vec<(i64, String, Vec<Likely>)>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct HomeQuery {
    done: String,
}

impl HomePage {
    /// The coordinator's two lists of needs, with their headings.
    pub fn need_sections(&self) -> [(&'static str, &[NeedRow]); 2] {
        [
            ("home-critical-needs", &self.critical),
            ("home-overdue-needs", &self.overdue),
        ]
    }
}

pub async fn show(
    page: Page,
    state: State,
    query: actix_web::web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    let user = page.user();
    let role = user.role;
    let viewer = Viewer {
        role,
        organization_id: user.organization_id,
    };
    let today = chrono::Utc::now().date_naive();
    let (records, records_title, drafts, changes, (moving, critical, overdue), likely) = state
        .db
        .read(move |conn| {
            let watch = if role == Role::Coordinator {
                let moving = ConvoyFilter {
                    statuses: vec![ConvoyStatus::EnRoute, ConvoyStatus::Blocked],
                    ..Default::default()
                };
                let critical = NeedFilter {
                    urgency: Some(Urgency::Critical),
                    active_only: true,
                    ..Default::default()
                };
                let overdue = NeedFilter {
                    overdue_on: Some(today),
                    ..Default::default()
                };
                let critical = need_list::top(conn, viewer, &critical, today, 20)?;
                // A critical need past its date is listed once, under "Critical".
                let mut overdue = need_list::top(conn, viewer, &overdue, today, 20)?;
                overdue.retain(|o| critical.iter().all(|c| c.need.id != o.need.id));
                (
                    convoy_list::top(conn, viewer, &moving, 20)?,
                    critical,
                    overdue,
                )
            } else {
                (Vec::new(), Vec::new(), Vec::new())
            };
            let (records, title, drafts, changes) = match role {
                Role::Reporter => {
                    let own = Filter {
                        organization_id: Some(viewer.organization_id),
                        ..Default::default()
                    };
                    let drafts = Filter {
                        status: Some(RecordStatus::Draft),
                        ..own.clone()
                    };
                    (
                        list::recent(conn, viewer, &own, Sort::UpdatedDesc, 10)?,
                        "home-recent-records",
                        list::recent(conn, viewer, &drafts, Sort::UpdatedDesc, 10)?,
                        Vec::new(),
                    )
                }
                Role::Coordinator => {
                    let queue = Filter {
                        status: Some(RecordStatus::Submitted),
                        verification: Some(Verification::Unverified),
                        include_retracted: false,
                        ..Default::default()
                    };
                    (
                        list::recent(conn, viewer, &queue, Sort::OccurredAsc, 20)?,
                        "home-queue",
                        Vec::new(),
                        Vec::new(),
                    )
                }
                Role::Auditor => (Vec::new(), "", Vec::new(), revisions::recent(conn, 20)?),
                Role::Admin => (Vec::new(), "", Vec::new(), Vec::new()),
            };
            // Likely duplicates among the queue, each pair offered once.
            let mut likely = Vec::new();
            if role == Role::Coordinator {
                let scope = Scope::of(viewer);
                let mut seen = std::collections::HashSet::new();
                let queue: Vec<_> = records
                    .iter()
                    .map(|r| ((&r.incident).into(), &r.location))
                    .collect();
                let each = duplicates::likely_each(conn, &scope, &queue)?;
                for (r, mut found) in records.iter().zip(each) {
                    found.retain(|d| {
                        seen.insert((d.id.min(r.incident.id), d.id.max(r.incident.id)))
                    });
                    if !found.is_empty() {
                        likely.push((r.incident.id, r.incident.reference.clone(), found));
                    }
                }
            }
            Ok((records, title, drafts, changes, watch, likely))
        })
        .await?;
    super::ok(&HomePage {
        can_audit: permissions::allows(role, Action::ReadAuditTrail),
        can_manage_users: permissions::allows(role, Action::ManageUsers),
        can_record: permissions::allows(role, Action::RecordIncidents),
        records,
        records_title,
        drafts,
        changes,
        moving,
        critical,
        overdue,
        today,
        password_changed: query.done == "password",
        likely,
        page,
    })
}
