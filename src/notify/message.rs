//! What a subscriber is told of a record: read through the records core with the
//! subscriber's scope, so a record they may not see yields no message. Everyone gets the
//! reference, category, district and status (and where to read more); only those who see every
//! record (their organisation's coordinator view) also get the title, verification,
//! sensitivity and organisation.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::domain::{ConvoyId, IncidentId, NeedId};
use crate::error::AppError;
use crate::locations::Location;
use crate::records::{self, Scope};

/// One message, as sent in a webhook's body, listed in an email and shown in a feed entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Message {
    /// What happened (`record_events::KINDS`, or `test`); empty in a feed entry.
    pub event: String,
    /// `incident`, `convoy`, `need`, `report` or `test`.
    pub kind: String,
    pub id: i64,
    pub reference: String,
    /// The incident's category, the need's item (codes); empty for convoys.
    pub category: String,
    /// District and governorate, never the place itself.
    pub district: String,
    pub status: String,
    /// The record's page (it asks the reader to sign in).
    pub url: String,
    /// When the record last changed (ISO 8601, UTC).
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub internal: Option<Internal>,
}

/// What only an `internal`-level subscriber is told.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Internal {
    pub title: String,
    pub verification: String,
    pub sensitivity: String,
    pub organization: String,
}

fn district(place: &Location) -> String {
    [place.admin2.as_str(), place.admin1.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The message about record `entity_type`/`id` for `scope`, or `None` when that scope may not
/// see it (now).
pub fn of_record(
    conn: &mut DbConn,
    scope: &Scope,
    entity_type: &str,
    id: i64,
    base_url: &str,
) -> Result<Option<Message>, AppError> {
    let internal = scope.sees_all();
    let found = match entity_type {
        "incident" => records::incidents::find(conn, scope, IncidentId::new(id)).map(|f| {
            let i = &f.incident;
            Message {
                event: String::new(),
                kind: "incident".into(),
                id,
                reference: i.reference.clone(),
                category: i.category.clone(),
                district: district(&f.location),
                status: i.status.code().into(),
                url: format!("{base_url}/incidents/{id}"),
                updated_at: timestamp(i.updated_at),
                internal: internal.then(|| Internal {
                    title: i.title.clone(),
                    verification: i.verification.code().into(),
                    sensitivity: i.sensitivity.code().into(),
                    organization: f.organization.display(),
                }),
            }
        }),
        "convoy" => records::convoys::find(conn, scope, ConvoyId::new(id)).map(|f| {
            let c = &f.convoy;
            Message {
                event: String::new(),
                kind: "convoy".into(),
                id,
                reference: c.reference.clone(),
                category: String::new(),
                district: district(&f.destination),
                status: c.status.clone(),
                url: format!("{base_url}/convoys/{id}"),
                updated_at: timestamp(c.updated_at),
                internal: internal.then(|| Internal {
                    title: format!("{} → {}", f.origin.name, f.destination.name),
                    verification: String::new(),
                    sensitivity: c.sensitivity.code().into(),
                    organization: f.organization.display(),
                }),
            }
        }),
        "need" => records::needs::find(conn, scope, NeedId::new(id)).map(|f| {
            let n = &f.need;
            Message {
                event: String::new(),
                kind: "need".into(),
                id,
                reference: n.reference.clone(),
                category: n.item.clone(),
                district: district(&f.location),
                status: n.status.clone(),
                url: format!("{base_url}/needs/{id}"),
                updated_at: timestamp(n.updated_at),
                internal: internal.then(|| Internal {
                    title: n.facility_name.clone(),
                    verification: String::new(),
                    sensitivity: n.sensitivity.code().into(),
                    organization: f.organization.display(),
                }),
            }
        }),
        _ => return Ok(None),
    };
    match found {
        Ok(m) => Ok(Some(m)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A situation report was generated: said to those who may run reports, without its figures.
pub fn report(base_url: &str, at: NaiveDateTime) -> Message {
    Message {
        event: crate::record_events::REPORT_GENERATED.into(),
        kind: "report".into(),
        id: 0,
        reference: String::new(),
        category: String::new(),
        district: String::new(),
        status: "generated".into(),
        url: format!("{base_url}/reports"),
        updated_at: timestamp(at),
        internal: None,
    }
}

/// The message "send a test" sends.
pub fn test(base_url: &str, at: NaiveDateTime) -> Message {
    Message {
        event: "test".into(),
        kind: "test".into(),
        id: 0,
        reference: String::new(),
        category: String::new(),
        district: String::new(),
        status: "test".into(),
        url: format!("{base_url}/searches"),
        updated_at: timestamp(at),
        internal: None,
    }
}

/// One line of an email: what happened, to which record, where.
pub fn line(m: &Message) -> String {
    let mut parts = vec![m.event.clone(), m.reference.clone(), m.category.clone()];
    parts.push(m.district.clone());
    parts.push(m.status.clone());
    if let Some(i) = &m.internal {
        parts.push(i.title.clone());
    }
    let text: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    format!("{}\n  {}", text.join(" · "), m.url)
}
