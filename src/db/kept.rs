//! Statements of a fixed text, kept compiled on the connection like diesel's SELECTs.
//!
//! Diesel never keeps an UPDATE, an upsert or a query with SQL text of its own (a viewer's
//! scope) in its statement cache (their text could vary without their type varying, and an
//! unbounded variety would fill the cache), so each run compiles its SQL again: on SQLite tens
//! of microseconds, inside the writers' turn or on every page. A statement whose text is fixed
//! by the code that writes it (the same columns, no `IN` list of varying length), or varies
//! within a small set (a scope: one text per organisation and role), can be kept like any
//! other, keyed by its text; [`kept`] says so.
//!
//! Only statements that answer rows (`RETURNING …`) can be kept, run with `get_result` or
//! `load`: diesel's `execute` passes the statement on by reference, and a reference asks the
//! statement itself whether it may be kept, which an UPDATE always refuses.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// A statement diesel may keep compiled, keyed by its SQL text. Only wrap statements whose
/// text takes few forms (never one per value bound into them).
#[derive(Debug, Clone, Copy)]
pub struct Kept<Q>(Q);

/// Marks `statement` (a scoped SELECT, an UPDATE or upsert with `RETURNING`) as safe to keep.
pub fn kept<Q: Query>(statement: Q) -> Kept<Q> {
    Kept(statement)
}

impl<Q, DB> QueryFragment<DB> for Kept<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        // The cache key is the statement's text (no static query id), so two statements that
        // differ in their text are never confused; the wrapped ones have one text each.
        Ok(true)
    }
}

impl<Q> QueryId for Kept<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Kept<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Kept<Q> {}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
    use diesel::prelude::*;

    use super::kept;
    use crate::db::schema::reference_counters as rc;

    /// A connection that counts the statements it compiles into its cache.
    fn counting() -> (SqliteConnection, Arc<AtomicUsize>) {
        let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        conn.batch_execute(
            "CREATE TABLE reference_counters (prefix TEXT NOT NULL, year INTEGER NOT NULL, \
             last_value BIGINT NOT NULL, PRIMARY KEY (prefix, year));
             INSERT INTO reference_counters VALUES ('INC', 2026, 0);",
        )
        .expect("table");
        let cached = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&cached);
        let count = move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { .. } = event {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        };
        conn.set_instrumentation(Box::new(count) as Box<dyn Instrumentation>);
        (conn, cached)
    }

    /// The reference counter's UPDATE, as `references` runs it.
    macro_rules! advance {
        () => {
            diesel::update(rc::table.find(("INC", 2026))).set(rc::last_value.eq(rc::last_value + 1))
        };
    }

    #[test]
    fn a_kept_update_is_compiled_once_and_runs_every_time() {
        let (mut conn, cached) = counting();
        for expected in 1..=3 {
            let value: i64 = kept(advance!().returning(rc::last_value))
                .get_result(&mut conn)
                .expect("kept update");
            assert_eq!(value, expected, "every run wrote");
        }
        assert_eq!(
            cached.load(Ordering::SeqCst),
            1,
            "compiled once, then reused"
        );
        // Diesel on its own compiles the same UPDATE at every run and keeps none of them.
        advance!().execute(&mut conn).expect("plain update");
        let value: i64 = advance!()
            .returning(rc::last_value)
            .get_result(&mut conn)
            .expect("plain update");
        assert_eq!(value, 5);
        assert_eq!(cached.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn kept_statements_of_different_text_are_not_confused() {
        let (mut conn, cached) = counting();
        let back: i64 = kept(advance!().returning(rc::last_value))
            .get_result(&mut conn)
            .expect("advance");
        let set: i64 = kept(
            diesel::update(rc::table.find(("INC", 2026)))
                .set(rc::last_value.eq(10))
                .returning(rc::last_value),
        )
        .get_result(&mut conn)
        .expect("set");
        assert_eq!(set, 10);
        let again: i64 = kept(advance!().returning(rc::last_value))
            .get_result(&mut conn)
            .expect("advance again");
        assert_eq!((back, again), (1, 11));
        assert_eq!(
            cached.load(Ordering::SeqCst),
            2,
            "two texts, two statements"
        );
    }

    /// `first_rows!` answers the first rows in the query's order, no more, and one kept
    /// statement serves every count (the count is never written into its text).
    #[test]
    fn first_rows_answers_the_first_rows_with_one_statement() {
        let (mut conn, cached) = counting();
        conn.batch_execute(
            "INSERT INTO reference_counters VALUES ('INC', 2027, 7), ('INC', 2028, 8), \
             ('INC', 2029, 9);",
        )
        .expect("rows");
        let mut conn = crate::db::DbConn::Sqlite(conn);
        for n in [2_i64, 3, 0] {
            let years: Vec<i32> = crate::first_rows!(
                &mut conn,
                n,
                rc::table.order(rc::year.desc()).select(rc::year)
            )
            .expect("first rows");
            let want: Vec<i32> = [2029, 2028, 2027].into_iter().take(n as usize).collect();
            assert_eq!(years, want, "the first {n}");
        }
        assert_eq!(
            cached.load(Ordering::SeqCst),
            1,
            "one statement for every n"
        );
    }
}
