//! Writes in one statement on PostgreSQL, so they cost one round trip to the server.
//!
//! Each statement a write sends waits for its answer: on this project's 2-core machine a round
//! trip to PostgreSQL over its local socket is about 50 µs (`pgbench`, `SELECT 1`), more than
//! most of the statements themselves, and every write of the server queues behind the one
//! before it on the writer connection (`db::writer`), so the round trips of one write are time
//! the next waits. Writes that need nothing of each other's results can go as one statement:
//! `WITH w0 AS (<first>), w1 AS (<second>) <then>`. PostgreSQL runs a data-modifying statement
//! in `WITH` even when nothing reads it, all in the same snapshot, so they must not touch the
//! same rows. SQLite has no such statement and no round trip to save: callers run them as they
//! were there.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

use super::kept::{kept, Kept};

/// `first`, then `then` (which answers rows: an UPDATE or INSERT with `RETURNING`), as one
/// statement kept compiled: both texts must be fixed by the code (see `db::kept`).
pub fn together<W: QueryFragment<Pg>, Q: Query>(first: W, then: Q) -> Kept<Together<Write<W>, Q>> {
    together_all(Write(first), then)
}

/// [`together`] with any number of writes ahead of `then`: [`Write`]s, paired in tuples
/// (`(Write(a), (Write(b), Write(c)))`, or `()` for none), run in the order they are written.
/// A write inside `WITH` cannot hold a `WITH` of its own, so a write that goes with another
/// one everywhere (a revision's and its notification's) is passed on as a list of writes, for
/// the caller to add to before its own (the audit trail's events, `audit::record_all_after`).
pub fn together_all<W: Writes, Q: Query>(first: W, then: Q) -> Kept<Together<W, Q>> {
    kept(Together { first, then })
}

#[derive(Debug, Clone, Copy)]
pub struct Together<W, Q> {
    first: W,
    then: Q,
}

/// One write of the list ahead of a [`together_all`] statement.
#[derive(Debug, Clone, Copy)]
pub struct Write<W>(pub W);

/// Writes that go ahead of a statement, each as `WITH wN AS (<write>)`.
pub trait Writes {
    /// How many writes the list holds.
    const COUNT: usize;

    /// Writes each as a named part of the `WITH`, counting them in `written`.
    fn walk_writes<'b>(
        &'b self,
        pass: &mut AstPass<'_, 'b, Pg>,
        written: &mut usize,
    ) -> QueryResult<()>;
}

impl Writes for () {
    const COUNT: usize = 0;

    fn walk_writes<'b>(&'b self, _: &mut AstPass<'_, 'b, Pg>, _: &mut usize) -> QueryResult<()> {
        Ok(())
    }
}

impl<W: QueryFragment<Pg>> Writes for Write<W> {
    const COUNT: usize = 1;

    fn walk_writes<'b>(
        &'b self,
        pass: &mut AstPass<'_, 'b, Pg>,
        written: &mut usize,
    ) -> QueryResult<()> {
        pass.push_sql(if *written == 0 { "WITH " } else { ", " });
        pass.push_sql(&format!("w{written} AS ("));
        self.0.walk_ast(pass.reborrow())?;
        pass.push_sql(")");
        *written += 1;
        Ok(())
    }
}

impl<A: Writes, B: Writes> Writes for (A, B) {
    const COUNT: usize = A::COUNT + B::COUNT;

    fn walk_writes<'b>(
        &'b self,
        pass: &mut AstPass<'_, 'b, Pg>,
        written: &mut usize,
    ) -> QueryResult<()> {
        self.0.walk_writes(pass, written)?;
        self.1.walk_writes(pass, written)
    }
}

impl<W, Q> QueryFragment<Pg> for Together<W, Q>
where
    W: Writes,
    Q: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // Bound values are numbered in the order they are pushed, across every statement.
        let mut written = 0;
        self.first.walk_writes(&mut pass, &mut written)?;
        if written > 0 {
            pass.push_sql(" ");
        }
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
