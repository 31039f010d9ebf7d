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
    /// An event numbered below 1 lies before the first event: it was inserted.
    BeforeFirst,
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
            Self::BeforeFirst => "it is numbered before the first event (it was inserted)",
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Self::Gap => "audit-break-gap",
            Self::Altered => "audit-break-altered",
            Self::Unlinked => "audit-break-unlinked",
            Self::HeadMismatch => "audit-break-head",
            Self::BeforeFirst => "audit-break-before-first",
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
    // The walk starts at event 1: anything numbered below it was put there by hand.
    let first: Option<i64> = audit_events::table
        .select(diesel::dsl::min(audit_events::id))
        .get_result(conn)?;
    if let Some(id) = first.filter(|id| *id < 1) {
        return Ok(ChainReport {
            checked: 0,
            head_hash: GENESIS_HASH.to_string(),
            broken: Some(Break {
                event_id: id,
                reason: BreakReason::BeforeFirst,
            }),
        });
    }
    let walked = walk(conn, 0, GENESIS_HASH, None)?;
    if walked.broken.is_some() {
        return Ok(walked);
    }
    let (head_id, head_hash): (i64, String) = audit_chain_head::table
        .find(1)
        .select((audit_chain_head::last_id, audit_chain_head::last_hash))
        .get_result(conn)?;
    let broken = (head_id != walked.checked || head_hash != walked.head_hash).then_some(Break {
        event_id: head_id.max(walked.checked),
        reason: BreakReason::HeadMismatch,
    });
    Ok(ChainReport { broken, ..walked })
}

/// Walks the events after event `after` (whose hash is `after_hash`) up to `upto` (or the
/// last), checking that each follows the one before it and is unaltered. `checked` counts
/// from the start of the trail, so it is the id of the last good event.
pub fn walk(
    conn: &mut DbConn,
    after: i64,
    after_hash: &str,
    upto: Option<i64>,
) -> Result<ChainReport, AppError> {
    let mut expected_id = after + 1;
    let mut prev_hash = after_hash.to_string();
    loop {
        let mut q = audit_events::table
            .filter(audit_events::id.ge(expected_id))
            .order(audit_events::id.asc())
            .limit(BATCH)
            .select(AuditEvent::as_select())
            .into_boxed();
        if let Some(last) = upto {
            q = q.filter(audit_events::id.le(last));
        }
        let batch: Vec<AuditEvent> = q.load(conn)?;
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
                    checked: expected_id - 1,
                    head_hash: prev_hash,
                    broken: Some(Break {
                        event_id: event.id,
                        reason,
                    }),
                });
            }
            expected_id += 1;
            prev_hash = event.hash;
        }
    }
    Ok(ChainReport {
        checked: expected_id - 1,
        head_hash: prev_hash,
        broken: None,
    })
}

/// The hash of event `id` as stored (the genesis hash for 0), if there is such an event.
pub fn hash_of(conn: &mut DbConn, id: i64) -> Result<Option<String>, AppError> {
    if id == 0 {
        return Ok(Some(GENESIS_HASH.to_string()));
    }
    Ok(audit_events::table
        .find(id)
        .select(audit_events::hash)
        .get_result(conn)
        .optional()?)
}
