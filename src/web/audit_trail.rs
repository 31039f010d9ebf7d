//! `/audit`: the audit trail for auditors, with filters, keyset paging, each event's details,
//! and the chain's head hash; `?verify=1` walks the whole chain and shows the result.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use super::Page;
use crate::accounts::{organizations, Organization};
use crate::audit::checkpoint::{self, Checkpoint};
use crate::audit::inspect::{self, Inspection, Trust};
use crate::audit::query::{self, AuditFilter};
use crate::audit::verify::ChainReport;
use crate::audit::AuditEvent;
use crate::error::AppError;
use crate::web::State;

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "audit/list.html")]
pub struct ListPage {
    pub page: Page,
    pub query: AuditQuery,
    pub events: Vec<AuditEvent>,
    pub next_link: Option<String>,
    pub head_id: i64,
    pub head_hash: String,
    pub report: Option<ChainReport>,
    /// Every check, when `?verify=1` asked for them.
    pub inspection: Option<Inspection>,
    /// The key that signs checkpoints, for auditors to verify with.
    pub public_key: String,
    pub latest_checkpoint: Option<Checkpoint>,
    pub actions: Vec<String>,
    pub organizations: Vec<(Organization, i64)>,
    pub date_error: bool,
}

#[derive(Template)]
#[template(path = "audit/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub event: AuditEvent,
    pub details: String,
}

#[derive(Deserialize, Default, Clone, serde::Serialize)]
#[serde(default)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub organization: String,
    pub from: String,
    pub to: String,
    #[serde(skip_serializing)]
    pub before: String,
    #[serde(skip_serializing)]
    pub verify: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

impl AuditQuery {
    fn filter(&self) -> (AuditFilter, bool) {
        let date = |s: &str| opt(s).map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d"));
        let from = date(&self.from);
        let to = date(&self.to);
        let bad_date = matches!(from, Some(Err(_))) || matches!(to, Some(Err(_)));
        (
            AuditFilter {
                actor: opt(&self.actor),
                action: opt(&self.action),
                entity_type: opt(&self.entity_type),
                entity_id: opt(&self.entity_id),
                organization_id: self.organization.trim().parse().ok(),
                from: from.and_then(Result::ok),
                to: to.and_then(Result::ok),
                before: self.before.trim().parse().ok(),
            },
            bad_date,
        )
    }
}

pub async fn list(
    page: Page,
    state: State,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    let (filter, date_error) = query.filter();
    let run_verify = !query.verify.is_empty();
    let trust = Trust {
        key: state.signer.verifying_key(),
        checkpoint_file: Some(state.signer.file().to_path_buf()),
        blobs: Some(state.blobs.clone()),
    };
    let (result, (head_id, head_hash), inspection, latest_checkpoint, actions, organizations) =
        state
            .db
            .run(move |conn| {
                let inspection = if run_verify {
                    Some(inspect::inspect(conn, &trust)?)
                } else {
                    None
                };
                Ok((
                    query::page(conn, &filter, PAGE_SIZE)?,
                    query::head(conn)?,
                    inspection,
                    checkpoint::latest(conn)?,
                    query::actions(conn)?,
                    organizations::list(conn)?,
                ))
            })
            .await?;
    let report = inspection.as_ref().map(|i| i.chain.clone());
    let next_link = result.next_before.map(|before| {
        let kept = serde_urlencoded::to_string(&query).unwrap_or_default();
        format!("/audit?{kept}&before={before}")
    });
    super::ok(&ListPage {
        page,
        query,
        events: result.events,
        next_link,
        head_id,
        head_hash,
        report,
        inspection,
        public_key: state.signer.public_key(),
        latest_checkpoint,
        actions,
        organizations,
        date_error,
    })
}

pub async fn show(page: Page, state: State, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let event = state.db.run(move |conn| query::find(conn, id)).await?;
    let details = serde_json::from_str::<serde_json::Value>(&event.details)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| event.details.clone());
    super::ok(&ShowPage {
        page,
        event,
        details,
    })
}
