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
            shown.push(Visible::vouched(as_seen_by(scope, f)));
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
    Ok(Visible::vouched(as_seen_by(scope, file)))
}

/// Does the viewer get a file as it was uploaded, metadata and all? Its own organisation,
/// coordinators and auditors do; anyone else (another organisation's reporter reading a
/// restricted or public file) gets a copy with the photo's metadata removed, and is not told
/// what it said: where a photo was taken can lead to the person who took it.
pub fn gets_original(scope: &Scope, file: &EvidenceFile) -> bool {
    scope.sees_all() || scope.viewer().organization_id == file.organization_id
}

/// The file as the viewer may know it: without the photo's date and position for those who
/// do not get the original.
fn as_seen_by(scope: &Scope, file: EvidenceFile) -> EvidenceFile {
    if gets_original(scope, &file) {
        file
    } else {
        file.without_metadata()
    }
}

/// How many files of each of `ids` (records of one kind, a list page's rows) the viewer may
/// see and download: neither retracted nor purged, admitted by the scope, and on a claim only
/// when the viewer sees that claim. Two queries whatever the number of rows, never one per
/// row; files of records not asked for are never read. Records without files are absent.
///
/// Kept in memory between requests for the viewer's role and organisation and these record
/// numbers (`db::kept_answers`), until a file or a claim is written (`evidence_changes`): on
/// PostgreSQL the statement was a round trip of every incident list's page, for an answer that
/// rarely changes (most records have no file).
pub fn counts(
    conn: &mut DbConn,
    scope: &Scope,
    kind: RecordKind,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let asked = (kind.code(), ids);
    crate::db::kept_answers::kept::<crate::db::kept_answers::Evidence, _>(
        conn,
        &scope.viewer(),
        &asked,
        |conn| counted(conn, scope, kind, ids),
    )
}

/// [`counts`] as read from the database.
fn counted(
    conn: &mut DbConn,
    scope: &Scope,
    kind: RecordKind,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>, AppError> {
    use diesel::dsl::count_star;
    let of_records = evidence_files::record_type
        .eq(kind.code())
        .and(crate::db::one_of(evidence_files::record_id, ids))
        .and(evidence_files::retracted_at.is_null())
        .and(evidence_files::purged_at.is_null());
    // Kept compiled: the ids are one bound value, and the scope has one text per viewer. One
    // statement for files on the records and files on their claims (a round trip fewer on
    // PostgreSQL); the parts are told apart here.
    let by_part: Vec<(i64, String, Option<i64>, i64)> = crate::db::kept(
        evidence_files::table
            .filter(of_records)
            .filter(scope.records_of("evidence_files", false))
            .group_by((
                evidence_files::record_id,
                evidence_files::part_kind,
                evidence_files::part_id,
            ))
            .select((
                evidence_files::record_id,
                evidence_files::part_kind,
                evidence_files::part_id,
                count_star(),
            )),
    )
    .load(conn)?;
    let mut tally: Vec<(i64, i64)> = Vec::new();
    let mut on_claims: Vec<(i64, Option<i64>, i64)> = Vec::new();
    for (record, part_kind, part, n) in by_part {
        if part_kind == "claim" {
            on_claims.push((record, part, n));
        } else {
            add(&mut tally, record, n);
        }
    }
    if !on_claims.is_empty() {
        let claim_ids: Vec<i64> = on_claims.iter().filter_map(|(_, c, _)| *c).collect();
        let seen: Vec<i64> = claims::table
            .filter(crate::db::one_of(claims::id, &claim_ids))
            .select(Claim::as_select())
            .load(conn)?
            .into_iter()
            .filter(|c| scope.sees_claim(c))
            .map(|c| c.id)
            .collect();
        for (record, claim, n) in on_claims {
            if claim.is_some_and(|c| seen.contains(&c)) {
                add(&mut tally, record, n);
            }
        }
    }
    Ok(tally)
}

/// Adds `n` files to `record`'s count in `tally`.
fn add(tally: &mut Vec<(i64, i64)>, record: i64, n: i64) {
    match tally.iter_mut().find(|(r, _)| *r == record) {
        Some((_, total)) => *total += n,
        None => tally.push((record, n)),
    }
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
