//! Evidence files through the viewer's scope. A file is seen only by those who see its record
//! AND whom its own organisation and sensitivity admit (the same rule as records, applied in
//! SQL to lists); a file on a claim also follows that claim's provenance. Retracted files are
//! seen only by coordinators and auditors, marked; a purged file's row (hash, reason) stays.

use diesel::prelude::*;

use super::store::evidence as store;
use super::{convoys, incidents, needs, Hidden, Scope, Visible};
use crate::db::schema::{claims, evidence_files};
use crate::db::DbConn;
use crate::error::AppError;
use crate::evidence::{EvidenceFile, RecordKind};
use crate::incidents::Claim;

/// A record the viewer may see, by kind and id: made only from a `Visible` record.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef {
    kind: RecordKind,
    id: i64,
}

impl RecordRef {
    pub fn incident(v: &Visible<super::store::incidents::Loaded>) -> Self {
        Self {
            kind: RecordKind::Incident,
            id: v.incident.id,
        }
    }

    pub fn convoy(v: &Visible<super::store::convoys::Loaded>) -> Self {
        Self {
            kind: RecordKind::Convoy,
            id: v.convoy.id,
        }
    }

    pub fn need(v: &Visible<super::store::needs::Loaded>) -> Self {
        Self {
            kind: RecordKind::Need,
            id: v.need.id,
        }
    }

    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    pub fn id(&self) -> i64 {
        self.id
    }
}

/// The files of a visible record the viewer may see, oldest first, with a count of the others.
pub fn files(
    conn: &mut DbConn,
    scope: &Scope,
    record: RecordRef,
) -> Result<(Vec<Visible<EvidenceFile>>, Hidden), AppError> {
    let mut q = evidence_files::table
        .filter(evidence_files::record_type.eq(record.kind.code()))
        .filter(evidence_files::record_id.eq(record.id))
        .filter(scope.records_of("evidence_files", false))
        .into_boxed();
    if !scope.sees_all() {
        q = q.filter(evidence_files::retracted_at.is_null());
    }
    let loaded: Vec<EvidenceFile> = q
        .order(evidence_files::id.asc())
        .select(EvidenceFile::as_select())
        .load(conn)?;
    let mut shown = Vec::with_capacity(loaded.len());
    for f in loaded {
        if sees_part(conn, scope, &f)? {
            shown.push(Visible::vouched(f));
        }
    }
    let all: i64 = evidence_files::table
        .filter(evidence_files::record_type.eq(record.kind.code()))
        .filter(evidence_files::record_id.eq(record.id))
        .count()
        .get_result(conn)?;
    let hidden = Hidden::of(all, shown.len());
    Ok((shown, hidden))
}

/// One file the viewer may see (its record too), or 404 as if it did not exist.
pub fn find(conn: &mut DbConn, scope: &Scope, id: i64) -> Result<Visible<EvidenceFile>, AppError> {
    let file = store::find(conn, id)?;
    match file.kind().ok_or(AppError::NotFound)? {
        RecordKind::Incident => {
            incidents::find(conn, scope, crate::domain::IncidentId::new(file.record_id))
                .map(|_| ())?
        }
        RecordKind::Convoy => {
            convoys::find(conn, scope, crate::domain::ConvoyId::new(file.record_id)).map(|_| ())?
        }
        RecordKind::Need => {
            needs::find(conn, scope, crate::domain::NeedId::new(file.record_id)).map(|_| ())?
        }
    }
    let own = crate::permissions::RecordFacts {
        retracted: false,
        ..file.facts()
    };
    if !scope.sees(own)
        || (file.is_retracted() && !scope.sees_all())
        || !sees_part(conn, scope, &file)?
    {
        return Err(AppError::NotFound);
    }
    Ok(Visible::vouched(file))
}

/// A file on a claim follows the claim's provenance too (merging does not widen it).
fn sees_part(conn: &mut DbConn, scope: &Scope, f: &EvidenceFile) -> Result<bool, AppError> {
    match (f.part_kind.as_str(), f.part_id) {
        ("claim", Some(claim)) => {
            let c: Option<Claim> = claims::table
                .find(claim)
                .select(Claim::as_select())
                .get_result(conn)
                .optional()?;
            Ok(c.is_some_and(|c| scope.sees_claim(&c)))
        }
        _ => Ok(true),
    }
}
