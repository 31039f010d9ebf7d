//! API reads, counted in memory per token and written in batches, so a read costs no database
//! write. The batches go to the database from a background task every few seconds
//! (`CORRIDOR_API_READS_FLUSH_SECONDS`), at shutdown, and before anything shows or summarises
//! the counts (the administrator's token list, revocation, the audit trail). Several servers
//! each keep their own counts; `tokens::add_reads` adds them up without losing or counting
//! twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::NaiveDateTime;

use super::tokens::{self, Pending};
use crate::db::{Db, DbConn};
use crate::error::AppError;

/// This process's uncounted reads, by token id. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct ReadCounter {
    pending: Arc<Mutex<HashMap<i64, Pending>>>,
    /// Held for a whole flush, so a flush that returns has written every read counted
    /// before it began, even when another flush had taken them.
    flushing: Arc<Mutex<()>>,
}

impl ReadCounter {
    /// Counts one read of `token_id` at `now`.
    pub fn count(&self, token_id: i64, now: NaiveDateTime) {
        let one = Pending {
            reads: 1,
            first: now,
            last: now,
        };
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending
            .entry(token_id)
            .and_modify(|p| p.merge(one))
            .or_insert(one);
    }

    /// Writes every counted read to the database (blocking; call through `Db::run`). Reads
    /// that could not be written are kept for the next flush.
    pub fn flush(&self, conn: &mut DbConn) -> Result<(), AppError> {
        let _turn = self.flushing.lock().unwrap_or_else(PoisonError::into_inner);
        let taken =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        let mut left = taken.into_iter();
        while let Some((id, reads)) = left.next() {
            if let Err(e) = tokens::add_reads(conn, id, reads) {
                let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
                for (id, reads) in std::iter::once((id, reads)).chain(left) {
                    pending
                        .entry(id)
                        .and_modify(|p| p.merge(reads))
                        .or_insert(reads);
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// [`flush`](Self::flush) off the async workers.
    pub async fn flush_to(&self, db: &Db) -> Result<(), AppError> {
        let counter = self.clone();
        db.run(move |conn| counter.flush(conn)).await
    }
}

/// Flushes every `every`, forever (started with the server).
pub async fn run_periodic(counter: ReadCounter, db: Db, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = counter.flush_to(&db).await {
            tracing::warn!(error = %e, "API reads: cannot write the counts yet; kept for the next try");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_of_a_token_add_up_with_their_first_and_last_time() {
        let counter = ReadCounter::default();
        let t = |s: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, s)
                .unwrap()
        };
        counter.count(7, t(5));
        counter.count(7, t(2));
        counter.count(8, t(9));
        let pending = counter.pending.lock().unwrap();
        assert_eq!(
            pending[&7],
            Pending {
                reads: 2,
                first: t(2),
                last: t(5)
            }
        );
        assert_eq!(pending[&8].reads, 1);
    }
}
