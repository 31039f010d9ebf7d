//! A query's rows as one value of another statement's row, on PostgreSQL: the rows a page reads
//! beside a record (its claims, its latest history) come back in the record's own statement.
//!
//! Each statement costs PostgreSQL a round trip (about 50 µs over its local socket on this
//! project's 2-core machine, more under load: a thread switch either way) and its own start and
//! end in the server, more than an indexed read of a few rows. `ARRAY(SELECT r FROM (<query>)
//! r)` hands the query's rows back as an array of records, read here in PostgreSQL's binary
//! form by diesel's own readers of each column, and built into the row struct by its
//! `Queryable` like any row of its own statement. SQLite, with no round trip to save, reads
//! such rows with their own statements.

use std::marker::PhantomData;

use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::{is_aggregate, AppearsOnTable, Expression, SelectableExpression};
use diesel::expression::{Selectable, ValidGrouping};
use diesel::pg::{Pg, PgValue};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Record};
use diesel::QueryResult;

/// The SQL types of the columns `T` selects, in order.
pub type ColumnsOf<T> = diesel::dsl::SqlTypeOf<<T as Selectable<Pg>>::SelectExpression>;

/// `query`'s rows (a SELECT of `T::as_select()`, with its own ORDER BY and LIMIT) as one column
/// of the statement that selects this; read it as [`Rows<T>`].
pub fn rows_of<T, Q>(query: Q) -> RowsOf<T, Q>
where
    T: Selectable<Pg>,
{
    RowsOf {
        query,
        row: PhantomData,
    }
}

pub struct RowsOf<T, Q> {
    query: Q,
    row: PhantomData<fn() -> T>,
}

impl<T: Selectable<Pg>, Q> Expression for RowsOf<T, Q>
where
    ColumnsOf<T>: diesel::sql_types::SqlType + 'static,
{
    type SqlType = Array<Record<ColumnsOf<T>>>;
}

impl<T, Q: QueryFragment<Pg>> QueryFragment<Pg> for RowsOf<T, Q> {
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // The subquery's rows come in its order in practice (nothing around them reorders
        // them), which PostgreSQL does not promise: readers that need an order sort again.
        pass.push_sql("ARRAY(SELECT nested FROM (");
        self.query.walk_ast(pass.reborrow())?;
        pass.push_sql(") nested)");
        Ok(())
    }
}

// Its text is the subquery's with a fixed frame: a statement that holds it is kept compiled by
// its type, as diesel keeps its own, and its SQL is not written out again at every run.
impl<T: 'static, Q: QueryId> QueryId for RowsOf<T, Q> {
    type QueryId = RowsOf<T, Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

// A subquery of its own tables and bound values: it reads nothing of the outer statement's.
impl<T, Q, QS> AppearsOnTable<QS> for RowsOf<T, Q> where Self: Expression {}
impl<T, Q, QS> SelectableExpression<QS> for RowsOf<T, Q> where Self: Expression {}
impl<T, Q> ValidGrouping<()> for RowsOf<T, Q> {
    type IsAggregate = is_aggregate::Never;
}

/// The rows of a [`rows_of`] column, each built as its own statement would build it.
pub struct Rows<T>(pub Vec<T>);

impl<T, ST> FromSql<Array<Record<ST>>, Pg> for Rows<T>
where
    T: Queryable<ST, Pg>,
    T::Row: FromSql<Record<ST>, Pg>,
{
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let rows = <Vec<T::Row> as FromSql<Array<Record<ST>>, Pg>>::from_sql(value)?;
        rows.into_iter()
            .map(T::build)
            .collect::<deserialize::Result<Vec<T>>>()
            .map(Rows)
    }
}

// What diesel asks of a column read whole into a value of its own.
impl<T, ST> Queryable<Array<Record<ST>>, Pg> for Rows<T>
where
    Rows<T>: FromSql<Array<Record<ST>>, Pg>,
{
    type Row = Self;

    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}
