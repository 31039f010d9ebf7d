//! Reading the audit trail: newest first, filtered, paged by id (keyset), so a page costs the
//! same at the millionth event as at the first.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::AuditEvent;
use crate::db::schema::{audit_chain_head, audit_events, users};
use crate::db::DbConn;
use crate::error::AppError;

type Backend = <DbConn as diesel::Connection>::Backend;

/// Filters, all optional.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    /// Username, or the name given at a failed sign-in.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub organization_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Show events older than this id (the next page).
    pub before: Option<i64>,
}

pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// The `before` for the next (older) page, if there is one.
    pub next_before: Option<i64>,
}

pub fn page(conn: &mut DbConn, filter: &AuditFilter, size: i64) -> Result<AuditPage, AppError> {
    let mut q = audit_events::table
        .select(AuditEvent::as_select())
        .order(audit_events::id.desc())
        .limit(size + 1)
        .into_boxed::<Backend>();
    if let Some(actor) = &filter.actor {
        let name = actor.trim().to_lowercase();
        let user_id: Option<i64> = users::table
            .filter(users::username.eq(&name))
            .select(users::id)
            .get_result(conn)
            .optional()?;
        q = match user_id {
            Some(id) => q.filter(audit_events::actor_user_id.eq(id)),
            None => q.filter(audit_events::actor_label.eq(name)),
        };
    }
    if let Some(action) = &filter.action {
        q = q.filter(audit_events::action.eq(action.clone()));
    }
    if let Some(entity_type) = &filter.entity_type {
        q = q.filter(audit_events::entity_type.eq(entity_type.clone()));
    }
    if let Some(entity_id) = &filter.entity_id {
        q = q.filter(audit_events::entity_id.eq(entity_id.clone()));
    }
    if let Some(org) = filter.organization_id {
        q = q.filter(audit_events::actor_org_id.eq(org));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_events::occurred_at.ge(start_of(from)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        q = q.filter(audit_events::occurred_at.lt(start_of(to)));
    }
    if let Some(before) = filter.before {
        q = q.filter(audit_events::id.lt(before));
    }
    let mut events: Vec<AuditEvent> = q.load(conn)?;
    let next_before = if events.len() as i64 > size {
        events.truncate(size as usize);
        events.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage {
        events,
        next_before,
    })
}

fn start_of(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).expect("midnight exists")
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<AuditEvent, AppError> {
    Ok(audit_events::table
        .find(id)
        .select(AuditEvent::as_select())
        .get_result(conn)?)
}

/// The newest event's id and hash, as the chain head records them.
pub fn head(conn: &mut DbConn) -> Result<(i64, String), AppError> {
    Ok(audit_chain_head::table
        .find(1)
        .select((audit_chain_head::last_id, audit_chain_head::last_hash))
        .get_result(conn)?)
}

/// Every action name used so far, for the filter's list.
pub fn actions(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    Ok(audit_events::table
        .select(audit_events::action)
        .distinct()
        .order(audit_events::action.asc())
        .load(conn)?)
}

/// Every kind of record events were about so far, for the filter's choice.
pub fn entity_types(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    Ok(audit_events::table
        .select(audit_events::entity_type)
        .distinct()
        .order(audit_events::entity_type.asc())
        .load(conn)?)
}

/// (id, action, entity id, details) of an event, for walking events of some actions.
pub type EventBrief = (i64, String, String, String);

/// Up to `limit` events with one of `actions` after event `after`, oldest first.
pub fn of_actions_after(
    conn: &mut DbConn,
    actions: &[&str],
    after: i64,
    limit: i64,
) -> Result<Vec<EventBrief>, AppError> {
    Ok(audit_events::table
        .filter(audit_events::action.eq_any(actions))
        .filter(audit_events::id.gt(after))
        .order(audit_events::id.asc())
        .limit(limit)
        .select((
            audit_events::id,
            audit_events::action,
            audit_events::entity_id,
            audit_events::details,
        ))
        .load(conn)?)
}
