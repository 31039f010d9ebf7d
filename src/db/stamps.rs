//! The counts of changes that what the server keeps in memory (`db::memory`) is stamped with:
//! the gazetteer's (`gazetteer_changes`, migration 410), the incidents' (`incident_changes`,
//! migration 440), the organisations' (`organization_changes`, migration 460), the convoys' and
//! the needs' (`record_changes`, a row each, migration 490) and the evidence files' (with the
//! claims they sit on, `evidence_changes`, migration 500), each kept by triggers on every write
//! of its table. They are read together, once a read
//! (`memory::once_a_read`): on PostgreSQL every statement is a round trip, and most pages keep
//! two or three of them. There a signed-in request reads them with its session, in the same
//! statement ([`columns`], [`for_request`]), and its reads start from those.

use std::cell::Cell;
use std::future::Future;

use diesel::prelude::*;

use super::memory;
use super::schema::{
    evidence_changes, gazetteer_changes, incident_changes, organization_changes, record_changes,
};
use super::DbConn;
use crate::error::AppError;

/// The counts of changes as of the caller's snapshot. Read before what is kept under them, so
/// what is kept is never older than its stamp says (see `memory::once_a_read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamps {
    pub gazetteer: i64,
    pub incidents: i64,
    pub organizations: i64,
    pub convoys: i64,
    pub needs: i64,
    pub evidence: i64,
}

/// One count, as a subquery of its table's one row (`K`: the row's key).
type Count<T, C, K = i32> =
    diesel::dsl::SingleValue<diesel::dsl::Select<diesel::dsl::Find<T, K>, C>>;

/// The counts as columns of any statement, each a subquery of its one-row table; typed,
/// so the statement holding them stays prepared (a literal would have it planned anew each
/// time).
pub type Columns = (
    Count<gazetteer_changes::table, gazetteer_changes::changes>,
    Count<incident_changes::table, incident_changes::changes>,
    Count<organization_changes::table, organization_changes::changes>,
    Count<record_changes::table, record_changes::changes, &'static str>,
    Count<record_changes::table, record_changes::changes, &'static str>,
    Count<evidence_changes::table, evidence_changes::changes>,
);

/// What [`Columns`] reads: `None` where a table has lost its row.
pub type Read = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// The counts as columns, for `read` and for the session's look-up.
pub fn columns() -> Columns {
    (
        gazetteer_changes::table
            .find(1)
            .select(gazetteer_changes::changes)
            .single_value(),
        incident_changes::table
            .find(1)
            .select(incident_changes::changes)
            .single_value(),
        organization_changes::table
            .find(1)
            .select(organization_changes::changes)
            .single_value(),
        record_changes::table
            .find("convoys")
            .select(record_changes::changes)
            .single_value(),
        record_changes::table
            .find("needs")
            .select(record_changes::changes)
            .single_value(),
        evidence_changes::table
            .find(1)
            .select(evidence_changes::changes)
            .single_value(),
    )
}

/// The counts from what [`columns`] read.
pub fn from_columns(read: Read) -> Result<Stamps, AppError> {
    match read {
        (
            Some(gazetteer),
            Some(incidents),
            Some(organizations),
            Some(convoys),
            Some(needs),
            Some(evidence),
        ) => Ok(Stamps {
            gazetteer,
            incidents,
            organizations,
            convoys,
            needs,
            evidence,
        }),
        // Their migrations write each row; without one, nothing kept could be trusted.
        _ => Err(AppError::Internal(anyhow::anyhow!(
            "a count of changes is missing (gazetteer_changes, incident_changes, \
             organization_changes, record_changes or evidence_changes)"
        ))),
    }
}

/// The counts, in one statement the first time a read asks for any.
pub fn read(conn: &mut DbConn) -> Result<Stamps, AppError> {
    memory::once_a_read(|| {
        let read: Read = crate::on_backend!(conn, |c| diesel::select(columns()).get_result(c))?;
        from_columns(read)
    })
}

tokio::task_local! {
    /// The counts a request read with its session, until the request may have written.
    static WITH_SESSION: Cell<Option<Stamps>>;
}

/// Runs a request's handler (`f`) with the counts its session's look-up read beside the
/// session (PostgreSQL's: one round trip fewer a page), for its reads to start from
/// ([`with_session`]). Read before any statement of the handler, they are never newer than what
/// its reads see, which is all `memory::once_a_read` asks of them; on SQLite, where a read is
/// one snapshot of its own, the look-up reads none.
pub async fn for_request<F: Future>(stamps: Option<Stamps>, f: F) -> F::Output {
    WITH_SESSION.scope(Cell::new(stamps), f).await
}

/// The counts the request's session read, for a read (`Db::read`) of this request.
pub fn with_session() -> Option<Stamps> {
    WITH_SESSION.try_with(Cell::get).ok().flatten()
}

/// Forgets the request's counts: called by whatever may write (`Db::run`), so a request that
/// writes reads its own write's counts after it, not its session's from before.
pub fn forget_with_session() {
    let _ = WITH_SESSION.try_with(|stamps| stamps.set(None));
}
