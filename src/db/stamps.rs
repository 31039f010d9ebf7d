//! The counts of changes that what the server keeps in memory (`db::memory`) is stamped with:
//! the gazetteer's (`gazetteer_changes`, migration 410) and the incidents' (`incident_changes`,
//! migration 440), each kept by triggers on every write of its table. They are read together,
//! once a read (`memory::once_a_read`): on PostgreSQL every statement is a round trip, and the
//! pages that keep both (home, the incident page) read them in two.

use diesel::prelude::*;

use super::memory;
use super::schema::{gazetteer_changes, incident_changes};
use super::DbConn;
use crate::error::AppError;

/// The counts of changes as of the caller's snapshot. Read before what is kept under them, so
/// what is kept is never older than its stamp says (see `memory::once_a_read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamps {
    pub gazetteer: i64,
    pub incidents: i64,
}

/// Both counts, in one statement the first time a read asks for either.
pub fn read(conn: &mut DbConn) -> Result<Stamps, AppError> {
    memory::once_a_read(|| {
        let (gazetteer, incidents): (Option<i64>, Option<i64>) =
            crate::on_backend!(conn, |c| diesel::select((
                gazetteer_changes::table
                    .find(1)
                    .select(gazetteer_changes::changes)
                    .single_value(),
                incident_changes::table
                    .find(1)
                    .select(incident_changes::changes)
                    .single_value(),
            ))
            .get_result(c))?;
        match (gazetteer, incidents) {
            (Some(gazetteer), Some(incidents)) => Ok(Stamps {
                gazetteer,
                incidents,
            }),
            // Their migrations write both rows; without one, nothing kept could be trusted.
            _ => Err(AppError::Internal(anyhow::anyhow!(
                "a count of changes is missing (gazetteer_changes or incident_changes)"
            ))),
        }
    })
}
