//! Walks the audit chain from the first event to the head and reports the first break.

use diesel::prelude::*;

use super::{AuditEvent, GENESIS_HASH};
use crate::db::schema::{audit_chain_head, audit_events};
use crate::db::DbConn;
use crate::error::AppError;

/// Events read per query while walking the chain.
const BATCH: i64 = 2_000;

/// The outcome of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub checked: i64,
    pub head_hash: String,
    pub broken: Option<Break>,
}

/// The first event where the chain does not hold, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub event_id: i64,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// An id is missing before this one: an event was removed (or inserted out of order).
    Gap,
    /// The event's stored hash is not the hash of its fields: it was altered.
    Altered,
    /// The event does not point to the event before it: removed, inserted or reordered.
    Unlinked,
    /// The chain ends before (or after) the recorded head: the newest events were removed.
    HeadMismatch,
}

impl BreakReason {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Gap => "an event before it is missing (removed or inserted out of order)",
            Self::Altered => "its contents were altered after it was written",
            Self::Unlinked => {
                "it does not follow the event before it (removed, inserted or reordered)"
            }
            Self::HeadMismatch => {
                "the chain does not end at the recorded head (events removed or added at the end)"
            }
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Self::Gap => "audit-break-gap",
            Self::Altered => "audit-break-altered",
            Self::Unlinked => "audit-break-unlinked",
            Self::HeadMismatch => "audit-break-head",
        }
    }
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Checks every event in id order, in batches, so memory stays flat on millions of events.
pub fn verify_chain(conn: &mut DbConn) -> Result<ChainReport, AppError> {
    let mut expected_id = 1_i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut checked = 0_i64;
    loop {
        let batch: Vec<AuditEvent> = audit_events::table
            .filter(audit_events::id.ge(expected_id))
            .order(audit_events::id.asc())
            .limit(BATCH)
            .select(AuditEvent::as_select())
            .load(conn)?;
        if batch.is_empty() {
            break;
        }
        for event in batch {
            let reason = if event.id != expected_id {
                Some(BreakReason::Gap)
            } else if event.prev_hash != prev_hash {
                Some(BreakReason::Unlinked)
            } else if event.compute_hash() != event.hash {
                Some(BreakReason::Altered)
            } else {
                None
            };
            if let Some(reason) = reason {
                return Ok(ChainReport {
                    checked,
                    head_hash: prev_hash,
                    broken: Some(Break {
                        event_id: event.id,
                        reason,
                    }),
                });
            }
            checked += 1;
            expected_id += 1;
            prev_hash = event.hash;
        }
    }
    let (head_id, head_hash): (i64, String) = audit_chain_head::table
        .find(1)
        .select((audit_chain_head::last_id, audit_chain_head::last_hash))
        .first(conn)?;
    let broken = (head_id != checked || head_hash != prev_hash).then_some(Break {
        event_id: head_id.max(checked),
        reason: BreakReason::HeadMismatch,
    });
    Ok(ChainReport {
        checked,
        head_hash: prev_hash,
        broken,
    })
}
