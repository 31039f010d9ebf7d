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
//!
//! Two shapes would still give a statement a new text, or a new compilation, at every run:
//! - an `IN` list, whose text has one `?` per value: [`one_of`] binds the whole list as one
//!   value instead (SQLite reads it with `json_each`, PostgreSQL as an array);
//! - a bound `LIMIT`, which SQLite's planner reads as a constant, so it compiles the statement
//!   again whenever the value is bound: [`page`] writes the LIMIT (a constant of the code) into
//!   the text and binds only the OFFSET, which the planner does not read.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, Text};
use diesel::sqlite::Sqlite;
use diesel::{QueryResult, RunQueryDsl};

/// A statement diesel may keep compiled, keyed by its SQL text. Only wrap statements whose
/// text takes few forms (never one per value bound into them), and whose best plan does not
/// depend on the values bound: after five runs PostgreSQL gives a kept statement one generic
/// plan for any values, which for a text search's words walked the table (a reporter's search
/// for a common word took 3 s), so the searches are not kept (`incidents::list::newest`).
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

/// Whether a backend writes an id list as an array (PostgreSQL) or reads it from JSON (SQLite).
pub trait IdListSyntax {
    fn arrays(&self) -> bool;
}

impl IdListSyntax for Sqlite {
    fn arrays(&self) -> bool {
        false
    }
}

impl IdListSyntax for Pg {
    fn arrays(&self) -> bool {
        true
    }
}

impl IdListSyntax for super::Backend {
    fn arrays(&self) -> bool {
        matches!(self, super::Backend::Pg(_))
    }
}

/// `column IN (ids)` with the ids bound as one value, so the statement has one text whatever
/// their number and is kept compiled like any other (diesel's `eq_any` writes one `?` per id,
/// a new statement for every length). Also no limit on how many ids one statement binds.
#[derive(Debug, Clone)]
pub struct OneOf<C> {
    column: C,
    /// The ids, comma-separated: wrapped as a JSON array or an array literal in SQL.
    ids: String,
}

/// `column` is one of `ids`.
pub fn one_of<C>(column: C, ids: &[i64]) -> OneOf<C> {
    use std::fmt::Write;
    let mut list = String::with_capacity(ids.len() * 8);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        let _ = write!(list, "{id}");
    }
    OneOf { column, ids: list }
}

impl<C: Expression<SqlType = BigInt>> Expression for OneOf<C> {
    type SqlType = Bool;
}

impl<C, DB> QueryFragment<DB> for OneOf<C>
where
    DB: Backend + IdListSyntax + HasSqlType<Text>,
    C: QueryFragment<DB>,
    String: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        let arrays = pass.backend().arrays();
        self.column.walk_ast(pass.reborrow())?;
        if arrays {
            pass.push_sql(" = ANY(CAST('{' || ");
            pass.push_bind_param::<Text, _>(&self.ids)?;
            pass.push_sql(" || '}' AS BIGINT[]))");
        } else {
            pass.push_sql(" IN (SELECT value FROM json_each('[' || ");
            pass.push_bind_param::<Text, _>(&self.ids)?;
            pass.push_sql(" || ']'))");
        }
        Ok(())
    }
}

impl<C> QueryId for OneOf<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for OneOf<C> where OneOf<C>: Expression {}

impl<C: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for OneOf<C> where
    OneOf<C>: AppearsOnTable<QS>
{
}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for OneOf<C> {
    type IsAggregate = C::IsAggregate;
}

/// The first `LIMIT` rows of `query` (a SELECT with its ORDER BY) after `offset`, kept
/// compiled (see [`page`]).
#[derive(Debug, Clone, Copy)]
pub struct Page<Q> {
    query: Q,
    limit: i64,
    offset: i64,
}

/// `limit` rows of `query` from `offset`, kept compiled. The limit is written into the
/// statement's text, so pass only constants of the code (a page size), never a number a
/// request chose; the offset is bound, and written only when there is one (the first page
/// has one text, the others another).
pub fn page<Q: Query>(query: Q, limit: i64, offset: i64) -> Kept<Page<Q>> {
    kept(Page {
        query,
        limit,
        offset,
    })
}

impl<Q, DB> QueryFragment<DB> for Page<Q>
where
    DB: Backend + HasSqlType<BigInt>,
    Q: QueryFragment<DB>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(pass.reborrow())?;
        pass.push_sql(&format!(" LIMIT {}", self.limit));
        if self.offset > 0 {
            pass.push_sql(" OFFSET ");
            pass.push_bind_param::<BigInt, _>(&self.offset)?;
        }
        Ok(())
    }
}

// Keyed by its text like `Kept`, whose query id this is.
impl<Q> QueryId for Page<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Page<Q> {
    type SqlType = Q::SqlType;
}

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

    /// `counting`'s table with four counters (2026–2029, last values 0, 7, 8, 9), through the
    /// multi-backend connection the application uses.
    fn four_years() -> (crate::db::DbConn, Arc<AtomicUsize>) {
        let (mut conn, cached) = counting();
        conn.batch_execute(
            "INSERT INTO reference_counters VALUES ('INC', 2027, 7), ('INC', 2028, 8), \
             ('INC', 2029, 9);",
        )
        .expect("rows");
        (crate::db::DbConn::Sqlite(conn), cached)
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
        let (mut conn, cached) = four_years();
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

    /// `one_of` binds a list of any length as one value: one statement for every length, the
    /// empty list included, through the multi-backend connection the application uses.
    #[test]
    fn one_of_is_one_statement_for_every_list() {
        let (mut conn, cached) = four_years();
        for (ids, want) in [
            (vec![7_i64, 9], vec![2027, 2029]),
            (vec![8], vec![2028]),
            (vec![], vec![]),
            (vec![0, 7, 8, 9, 10], vec![2026, 2027, 2028, 2029]),
        ] {
            let years: Vec<i32> = rc::table
                .filter(super::one_of(rc::last_value, &ids))
                .order(rc::year.asc())
                .select(rc::year)
                .load(&mut conn)
                .expect("one of");
            assert_eq!(years, want, "the rows of {ids:?}");
        }
        assert_eq!(cached.load(Ordering::SeqCst), 1, "one statement");
    }

    /// `one_or_any!` answers the rows of one value or of several, and asks PostgreSQL for one
    /// value with `=` (a generic plan can estimate it), for several with `= ANY`.
    #[test]
    fn one_or_any_is_equality_for_one_value() {
        let (mut conn, _) = four_years();
        for (values, want) in [(vec![7_i64], vec![2027]), (vec![7, 9], vec![2027, 2029])] {
            let years: Vec<i32> = crate::one_or_any!(
                rc::table.into_boxed::<crate::db::Backend>(),
                rc::last_value,
                values.clone()
            )
            .order(rc::year.asc())
            .select(rc::year)
            .load(&mut conn)
            .expect("one or any");
            assert_eq!(years, want, "the rows of {values:?}");
        }
        let pg = |values: Vec<i64>| {
            let q = crate::one_or_any!(
                rc::table.into_boxed::<diesel::pg::Pg>(),
                rc::last_value,
                values
            )
            .select(rc::year);
            diesel::debug_query::<diesel::pg::Pg, _>(&q).to_string()
        };
        assert!(
            pg(vec![7]).contains("\"last_value\" = $1"),
            "{}",
            pg(vec![7])
        );
        assert!(pg(vec![7, 9]).contains("= ANY($1)"), "{}", pg(vec![7, 9]));
    }

    /// `page` answers the page asked for, its first page and the others each one statement.
    #[test]
    fn page_answers_its_rows_with_one_statement_a_shape() {
        let (mut conn, cached) = four_years();
        let mut years = |offset: i64| -> Vec<i32> {
            super::page(
                rc::table
                    .order(rc::year.asc())
                    .select(rc::year)
                    .into_boxed(),
                2,
                offset,
            )
            .load(&mut conn)
            .expect("page")
        };
        assert_eq!(years(0), [2026, 2027]);
        assert_eq!(years(2), [2028, 2029]);
        assert_eq!(years(3), [2029]);
        assert_eq!(years(0), [2026, 2027]);
        assert_eq!(years(4), Vec::<i32>::new());
        assert_eq!(
            cached.load(Ordering::SeqCst),
            2,
            "the first page and the others"
        );
    }
}
