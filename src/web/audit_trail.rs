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
use crate::records::history::ScopedChange;
use crate::records::{references, Scope};
use crate::web::history::ShownChange;
use crate::web::State;
use std::collections::HashMap;

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
    /// The kinds of record events are about, for the "record type" choice.
    pub entity_types: Vec<String>,
    pub organizations: Vec<Organization>,
    pub date_error: bool,
    /// Each event's record by reference, with its link, where it has one the viewer may see.
    pub links: HashMap<i64, (String, String)>,
}

impl ListPage {
    /// The record an event is about, as (link, reference), when it is one the reader may see.
    pub fn link(&self, event_id: &i64) -> Option<&(String, String)> {
        self.links.get(event_id)
    }
}

#[derive(Template)]
#[template(path = "audit/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub event: AuditEvent,
    /// The raw details, for those who want the JSON.
    pub details: String,
    /// The record the event is about, as (link, reference), when the reader may see it.
    pub link: Option<(String, String)>,
    /// What changed, field by field, in words (events that carry `changes`).
    pub changes: Vec<ShownChange>,
    /// The other details as (label, value) in words.
    pub facts: Vec<(String, String)>,
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

/// Where a record of `kind` is read, for links.
fn record_path(kind: &str, id: i64) -> String {
    match kind {
        "incident" => format!("/incidents/{id}"),
        "convoy" => format!("/convoys/{id}"),
        _ => format!("/needs/{id}"),
    }
}

/// The records of these events by reference, with links (those the viewer may see).
fn links_of(
    conn: &mut crate::db::DbConn,
    scope: &Scope,
    events: &[AuditEvent],
) -> Result<HashMap<i64, (String, String)>, AppError> {
    let wanted: Vec<(String, i64)> = events
        .iter()
        .filter_map(|e| Some((e.entity_type.clone(), e.entity_id.parse().ok()?)))
        .collect();
    let found = references::visible(conn, scope, &wanted)?;
    Ok(events
        .iter()
        .filter_map(|e| {
            let id: i64 = e.entity_id.parse().ok()?;
            let reference = found.get(&(e.entity_type.clone(), id))?;
            Some((e.id, (record_path(&e.entity_type, id), reference.clone())))
        })
        .collect())
}

pub async fn list(
    page: Page,
    state: State,
    q: web::Query<AuditQuery>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let query = q.into_inner();
    let (filter, date_error) = query.filter();
    let run_verify = !query.verify.is_empty();
    let trust = Trust {
        key: state.signer.verifying_key(),
        checkpoint_file: Some(state.signer.file().to_path_buf()),
        blobs: Some(state.blobs.clone()),
    };
    let api_reads = state.api_reads.clone();
    let (
        (result, links),
        (head_id, head_hash),
        inspection,
        latest_checkpoint,
        (actions, entity_types),
        organizations,
    ) = state
        .db
        .run(move |conn| {
            // The API reads this server has counted reach the trail (their period summary) first.
            api_reads.flush(conn)?;
            let inspection = if run_verify {
                Some(inspect::inspect(conn, &trust)?)
            } else {
                None
            };
            let result = query::page(conn, &filter, PAGE_SIZE)?;
            let links = links_of(conn, &scope, &result.events)?;
            Ok((
                (result, links),
                query::head(conn)?,
                inspection,
                checkpoint::latest(conn)?,
                (query::actions(conn)?, query::entity_types(conn)?),
                organizations::all(conn)?,
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
        entity_types,
        organizations,
        date_error,
        links,
    })
}

pub async fn show(
    page: Page,
    state: State,
    id: web::Path<i64>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (event, links) = state
        .db
        .run(move |conn| {
            let event = query::find(conn, id)?;
            let links = links_of(conn, &scope, std::slice::from_ref(&event))?;
            Ok((event, links))
        })
        .await?;
    let value = serde_json::from_str::<serde_json::Value>(&event.details).ok();
    let details = value
        .as_ref()
        .and_then(|v| serde_json::to_string_pretty(v).ok())
        .unwrap_or_else(|| event.details.clone());
    let (changes, facts) = match &value {
        Some(serde_json::Value::Object(map)) => readable(&page, map),
        _ => (Vec::new(), Vec::new()),
    };
    super::ok(&ShowPage {
        link: links.get(&event.id).cloned(),
        page,
        event,
        details,
        changes,
        facts,
    })
}

/// An event's details for people: its `changes` as before and after in words (as history
/// shows them), and every other detail as a labelled value.
fn readable(
    page: &Page,
    map: &serde_json::Map<String, serde_json::Value>,
) -> (Vec<ShownChange>, Vec<(String, String)>) {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let changes: Vec<ScopedChange> = match map.get("changes") {
        Some(serde_json::Value::Object(c)) => c
            .iter()
            .map(|(field, pair)| {
                let (before, after) = match pair {
                    serde_json::Value::Array(v) if v.len() == 2 => (text(&v[0]), text(&v[1])),
                    other => (String::new(), text(other)),
                };
                ScopedChange {
                    field: field.clone(),
                    before: Some(before),
                    after: Some(after),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut shown = crate::web::history::in_words(&page.lang, &changes, false);
    // A change of a field history does not label (a report's summary, say) still shows.
    for c in &changes {
        if !shown_field(c) {
            shown.push(ShownChange {
                label: c.field.replace('_', " "),
                before: c.before.clone().unwrap_or_default(),
                after: c.after.clone().unwrap_or_default(),
            });
        }
    }
    let facts = map
        .iter()
        .filter(|(k, _)| k.as_str() != "changes")
        .map(|(k, v)| {
            let label = page
                .lang
                .t_opt(&format!("audit-detail-{}", k.replace('_', "-")))
                .unwrap_or_else(|| k.replace('_', " "));
            let value = match v {
                serde_json::Value::Object(o) => o
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| format!("{}: {}", k.replace('_', " "), text(v)))
                    .collect::<Vec<_>>()
                    .join("; "),
                other => text(other),
            };
            (label, value)
        })
        .collect();
    (shown, facts)
}

/// Does history have a label for this field (so `in_words` showed it)?
fn shown_field(c: &ScopedChange) -> bool {
    crate::web::history::has_label(&c.field)
}
