//! A hint to SQLite's planner, which chooses indexes without statistics (no `ANALYZE` is run,
//! so a plan never changes with the data). PostgreSQL plans from its statistics and is left
//! to them.

use diesel::backend::Backend;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

/// Whether a backend plans without statistics (SQLite here).
pub trait PlansBlind {
    fn plans_blind(&self) -> bool;
}

impl PlansBlind for Sqlite {
    fn plans_blind(&self) -> bool {
        true
    }
}

impl PlansBlind for Pg {
    fn plans_blind(&self) -> bool {
        false
    }
}

impl PlansBlind for super::Backend {
    fn plans_blind(&self) -> bool {
        matches!(self, super::Backend::Sqlite(_))
    }
}

/// A column that SQLite must not choose an index by: written `+column`, which SQLite reads as
/// the column's value but never as a reason to walk an index that begins with it. For a
/// condition another index serves better than the one SQLite would guess (an equality on a
/// column that leads an index looks cheaper to it than an `IN` list of unknown length).
#[derive(Debug, Clone, Copy)]
pub struct NotByIndex<C>(C);

/// `column`, not to be looked up by an index on SQLite.
pub fn not_by_index<C>(column: C) -> NotByIndex<C> {
    NotByIndex(column)
}

impl<C: Expression> Expression for NotByIndex<C> {
    type SqlType = C::SqlType;
}

impl<C, DB> QueryFragment<DB> for NotByIndex<C>
where
    DB: Backend + PlansBlind,
    C: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if pass.backend().plans_blind() {
            pass.push_sql("+");
        }
        self.0.walk_ast(pass)
    }
}

impl<C> QueryId for NotByIndex<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: AppearsOnTable<QS>, QS: ?Sized> AppearsOnTable<QS> for NotByIndex<C> where
    NotByIndex<C>: Expression
{
}

impl<C: SelectableExpression<QS>, QS: ?Sized> SelectableExpression<QS> for NotByIndex<C> where
    NotByIndex<C>: AppearsOnTable<QS>
{
}

impl<C: ValidGrouping<GB>, GB> ValidGrouping<GB> for NotByIndex<C> {
    type IsAggregate = C::IsAggregate;
}
