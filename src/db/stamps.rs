//! The counts of changes that what the server keeps in memory (`db::memory`) is stamped with:
//! the gazetteer's (`gazetteer_changes`, migration 410), the incidents' (`incident_changes`,
//! migration 440) and the organisations' (`organization_changes`, migration 460), each kept by
//! triggers on every write of its table. They are read together, once a read
//! (`memory::once_a_read`): on PostgreSQL every statement is a round trip, and most pages keep
//! two or three of them.

use diesel::prelude::*;

use super::memory;
use super::schema::{gazetteer_changes, incident_changes, organization_changes};
use super::DbConn;
use crate::error::AppError;

/// The counts of changes as of the caller's snapshot. Read before what is kept under them, so
/// what is kept is never older than its stamp says (see `memory::once_a_read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamps {
    pub gazetteer: i64,
    pub incidents: i64,
    pub organizations: i64,
}

/// The counts, in one statement the first time a read asks for any.
pub fn read(conn: &mut DbConn) -> Result<Stamps, AppError> {
    memory::once_a_read(|| {
        let (gazetteer, incidents, organizations): (Option<i64>, Option<i64>, Option<i64>) =
            crate::on_backend!(conn, |c| diesel::select((
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
            ))
            .get_result(c))?;
        match (gazetteer, incidents, organizations) {
            (Some(gazetteer), Some(incidents), Some(organizations)) => Ok(Stamps {
                gazetteer,
                incidents,
                organizations,
            }),
            // Their migrations write each row; without one, nothing kept could be trusted.
            _ => Err(AppError::Internal(anyhow::anyhow!(
                "a count of changes is missing (gazetteer_changes, incident_changes or \
                 organization_changes)"
            ))),
        }
    })
}
