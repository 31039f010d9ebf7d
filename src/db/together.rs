//! Two writes in one statement on PostgreSQL, so they cost one round trip to the server.
//!
//! Each statement a write sends waits for its answer: on this project's 2-core machine a round
//! trip to PostgreSQL over its local socket is about 50 µs (`pgbench`, `SELECT 1`), more than
//! most of the statements themselves, and every write of the server queues behind the one
//! before it on the writer connection (`db::writer`), so the round trips of one write are time
//! the next waits. Two writes that need nothing of each other's results can go as one
//! statement: `WITH first AS (<first>) <then>`. PostgreSQL runs a data-modifying statement in
//! `WITH` even when nothing reads it, both in the same snapshot, so they must not touch the
//! same rows. SQLite has no such statement and no round trip to save: callers run the two as
//! they were there.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

use super::kept::{kept, Kept};

/// `first`, then `then` (which answers rows: an UPDATE or INSERT with `RETURNING`), as one
/// statement kept compiled: both texts must be fixed by the code (see `db::kept`).
pub fn together<W, Q: Query>(first: W, then: Q) -> Kept<Together<W, Q>> {
    kept(Together { first, then })
}

#[derive(Debug, Clone, Copy)]
pub struct Together<W, Q> {
    first: W,
    then: Q,
}

impl<W, Q> QueryFragment<Pg> for Together<W, Q>
where
    W: QueryFragment<Pg>,
    Q: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // Bound values are numbered in the order they are pushed, across both statements.
        pass.push_sql("WITH first AS (");
        self.first.walk_ast(pass.reborrow())?;
        pass.push_sql(") ");
        self.then.walk_ast(pass)
    }
}

impl<W, Q> QueryId for Together<W, Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<W, Q: Query> Query for Together<W, Q> {
    type SqlType = Q::SqlType;
}

impl<W, Q, Conn> RunQueryDsl<Conn> for Together<W, Q> {}
