//! Which pooled connections are checked before use, and how.
//!
//! A PostgreSQL connection can be cut while it sits in the pool (the server restarted, an
//! administrator ended the session, a firewall dropped it). The pool used to ask every
//! connection `SELECT 1` as it was handed out, which is a round trip of its own on every
//! request, twice on a signed-in page (the session, then the page): without those two, the
//! incident page answered 2,237–2,346 req/s against 1,806–1,864 (100,000 incidents, 16
//! connections, alternating servers).
//!
//! Now a connection is checked only when it may have gone stale: when it has not finished a
//! piece of work without a database failure in the last [`QUIET`] (idle, or new to this
//! code), or when any connection of the pool has failed since it last did (a server restart
//! cuts them all, so the first failure puts every one to the test). A connection that fails
//! its check is replaced in place by a new one; if none can be opened, the request answers 503
//! as before. A busy pool hands its connections out again within milliseconds, so under load
//! none is checked; a request already running when the server goes away fails as it always
//! did. SQLite's connections are an open file and are never checked.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::r2d2::PooledConnection;

use super::{DatabaseUrl, DbConn};
use crate::error::AppError;

/// How long a connection may sit unused before it is checked at its next use.
pub const QUIET: Duration = Duration::from_secs(1);

/// The pool's record of failures, shared by every checkout.
#[derive(Debug)]
pub struct Health {
    /// The moment the other times count from.
    start: Instant,
    /// When a piece of work last failed on a connection, in nanoseconds after `start`.
    failed_at: AtomicU64,
}

/// Kept in each pooled connection's extensions: when it last finished work without a failure,
/// in nanoseconds after [`Health::start`].
#[derive(Debug, Clone, Copy)]
struct LastGood(u64);

impl Default for Health {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            failed_at: AtomicU64::new(0),
        }
    }
}

impl Health {
    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Whether a connection last good at `last_good` must be checked now.
    fn must_check(&self, last_good: Option<u64>) -> bool {
        match last_good {
            None => true,
            Some(at) => {
                at < self.failed_at.load(Ordering::Relaxed)
                    || self.now().saturating_sub(at) >= QUIET.as_nanos() as u64
            }
        }
    }

    /// Makes `conn` fit for use: checks it when it may have gone stale, and opens a new one in
    /// its place when the check fails.
    pub fn ready(
        &self,
        conn: &mut PooledConnection<super::Manager>,
        url: &DatabaseUrl,
    ) -> Result<(), AppError> {
        let last_good = PooledConnection::extensions(conn)
            .get::<LastGood>()
            .map(|g| g.0);
        let DbConn::Pg(pg) = &mut **conn else {
            return Ok(());
        };
        if !self.must_check(last_good) || pg.batch_execute("SELECT 1").is_ok() {
            return Ok(());
        }
        **conn = url
            .connect()
            .map_err(|e| AppError::Unavailable(e.to_string()))?;
        Ok(())
    }

    /// Records how a piece of work on `conn` ended: a failure that may be the connection's
    /// (the database unreachable, or an error no handler expected) puts every connection of
    /// the pool to the test at its next use.
    pub fn settle<T>(
        &self,
        conn: &mut PooledConnection<super::Manager>,
        result: &Result<T, AppError>,
    ) {
        let extensions = PooledConnection::extensions_mut(conn);
        match result {
            Err(AppError::Unavailable(_) | AppError::Internal(_)) => {
                extensions.remove::<LastGood>();
                self.failed_at.fetch_max(self.now(), Ordering::Relaxed);
            }
            _ => {
                extensions.insert(LastGood(self.now()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_is_checked_when_new_idle_or_older_than_a_failure() {
        // As if the pool had started ten seconds ago.
        let health = Health {
            start: Instant::now() - Duration::from_secs(10),
            failed_at: AtomicU64::new(0),
        };
        assert!(health.must_check(None), "never used: checked");
        let used = health.now();
        assert!(!health.must_check(Some(used)), "just used: not checked");
        assert!(
            health.must_check(Some(used - QUIET.as_nanos() as u64 - 1)),
            "quiet too long: checked"
        );
        std::thread::sleep(Duration::from_millis(2));
        health.failed_at.fetch_max(health.now(), Ordering::Relaxed);
        assert!(
            health.must_check(Some(used)),
            "good only before a failure: checked"
        );
        std::thread::sleep(Duration::from_millis(2));
        assert!(
            !health.must_check(Some(health.now())),
            "good since the failure: not checked"
        );
    }
}
