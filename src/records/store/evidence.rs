//! Writing evidence rows. Each function runs inside `audit::write` and, with the change,
//! writes a revision of the record the file belongs to and an audit event that carries the
//! file's hash, size, type and record: the row and its custody record are kept together or
//! not at all. The bytes are put in the blob store before the row is written (so a row always
//! has its bytes until a purge), and removed by a purge only after it is recorded.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::{convoys, incidents, needs, Author};
use crate::audit::{self, Actor, Event, Tx};
use crate::db::schema::{claims, convoy_events, evidence_files, revisions as revisions_table};
use crate::db::DbConn;
use crate::domain::vocab::Sensitivity;
use crate::error::AppError;
use crate::evidence::metadata::PhotoMetadata;
use crate::evidence::{EvidenceFile, RecordKind};
use crate::permissions::{self, RecordFacts, Viewer};
use crate::revisions::{self, NewRevision};

/// A file received, hashed and accepted by type.
#[derive(Debug, Clone)]
pub struct Received {
    pub sha256: String,
    pub size: u64,
    pub mime: &'static str,
    pub original_name: String,
    /// What a photo's EXIF says of when and where it was taken (kept with the row, not in
    /// the audit event: bundles carry their events to partners).
    pub photo: PhotoMetadata,
}

/// What the uploader said of the files sent together.
#[derive(Debug, Clone)]
pub struct Description {
    pub caption: String,
    pub made_on: Option<NaiveDate>,
    /// `None`: the record's own sensitivity.
    pub sensitivity: Option<Sensitivity>,
    /// A claim of the incident, or an event of the convoy, the files belong to.
    pub part: Option<Part>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Claim(i64),
    Event(i64),
}

impl Part {
    fn code(self) -> (&'static str, i64) {
        match self {
            Part::Claim(id) => ("claim", id),
            Part::Event(id) => ("event", id),
        }
    }
}

/// The facts of a record a viewer may see, for writes (404 when they may not see it).
pub fn record_facts(
    conn: &mut DbConn,
    kind: RecordKind,
    id: i64,
    viewer: Viewer,
) -> Result<(RecordFacts, String), AppError> {
    Ok(match kind {
        RecordKind::Incident => {
            let l = incidents::find_visible(conn, id, viewer)?;
            (l.facts(), l.incident.reference)
        }
        RecordKind::Convoy => {
            let l = convoys::find_visible(conn, id, viewer)?;
            (l.convoy.facts(), l.convoy.reference)
        }
        RecordKind::Need => {
            let l = needs::find_visible(conn, id, viewer)?;
            (l.need.facts(), l.need.reference)
        }
    })
}

/// May the viewer attach evidence to a record with these facts? To an incident, whoever may add
/// a claim (evidence often arrives after verification); to a convoy or need, whoever may edit it.
pub fn may_attach(viewer: Viewer, kind: RecordKind, facts: RecordFacts) -> bool {
    match kind {
        RecordKind::Incident => permissions::can_add_claim(viewer, facts),
        RecordKind::Convoy | RecordKind::Need => permissions::can_edit_record(viewer, facts),
    }
}

/// Retracting a file is for its organisation and coordinators, as retracting a record is.
pub fn may_retract(viewer: Viewer, file: &EvidenceFile) -> bool {
    permissions::can_retract_incident(viewer, file.facts())
}

/// Checks that a claim or event belongs to the record.
fn check_part(conn: &mut DbConn, kind: RecordKind, id: i64, part: Part) -> Result<(), AppError> {
    let belongs = match (kind, part) {
        (RecordKind::Incident, Part::Claim(claim)) => {
            claims::table
                .find(claim)
                .filter(claims::incident_id.eq(id))
                .count()
                .get_result::<i64>(conn)?
                > 0
        }
        (RecordKind::Convoy, Part::Event(event)) => {
            convoy_events::table
                .find(event)
                .filter(convoy_events::convoy_id.eq(id))
                .count()
                .get_result::<i64>(conn)?
                > 0
        }
        _ => false,
    };
    if belongs {
        Ok(())
    } else {
        Err(AppError::BadRequest("evidence-part-invalid"))
    }
}

/// Attaches accepted files to a record; returns their ids. Refuses (403) when the person may
/// not attach evidence to it, 404 when they may not see it.
pub fn attach(
    tx: &mut Tx<'_>,
    author: &Author,
    kind: RecordKind,
    record_id: i64,
    description: &Description,
    files: &[Received],
) -> Result<Vec<i64>, AppError> {
    let (facts, reference) = record_facts(tx.db(), kind, record_id, author.viewer)?;
    if !may_attach(author.viewer, kind, facts) {
        return Err(AppError::Forbidden);
    }
    if let Some(part) = description.part {
        check_part(tx.db(), kind, record_id, part)?;
    }
    let sensitivity = description.sensitivity.unwrap_or(facts.sensitivity);
    let (part_kind, part_id) = description.part.map_or(("", None), |p| {
        let (k, id) = p.code();
        (k, Some(id))
    });
    let now = audit::now();
    let mut ids = Vec::with_capacity(files.len());
    for f in files {
        let id: i64 = diesel::insert_into(evidence_files::table)
            .values((
                evidence_files::record_type.eq(kind.code()),
                evidence_files::record_id.eq(record_id),
                evidence_files::part_kind.eq(part_kind),
                evidence_files::part_id.eq(part_id),
                evidence_files::sha256.eq(&f.sha256),
                evidence_files::size_bytes.eq(f.size as i64),
                evidence_files::mime_type.eq(f.mime),
                evidence_files::original_name.eq(&f.original_name),
                evidence_files::caption.eq(&description.caption),
                evidence_files::made_on.eq(description.made_on),
                evidence_files::sensitivity.eq(sensitivity.code()),
                evidence_files::organization_id.eq(facts.organization_id),
                evidence_files::uploaded_by.eq(author.user_id),
                evidence_files::created_at.eq(now),
                evidence_files::photo_taken_at.eq(&f.photo.taken_at),
                evidence_files::photo_latitude.eq(f.photo.latitude),
                evidence_files::photo_longitude.eq(f.photo.longitude),
            ))
            .returning(evidence_files::id)
            .get_result(tx.db())?;
        let file = find(tx.db(), id)?;
        let custody = custody(&file, &reference);
        let changes = json!({ "evidence_file": [null, file_label(&file)] });
        let number = revise(tx, &author.actor, &file, facts, "evidence", "", &changes)?;
        let mut details = custody;
        details["revision"] = json!(number);
        audit::record(
            tx,
            &author.actor,
            Event::new("evidence.attach", "evidence_file", id).details(details),
        )?;
        ids.push(id);
    }
    Ok(ids)
}

/// Hides a file from everyone but coordinators and auditors, with the reason, in history.
pub fn retract(
    tx: &mut Tx<'_>,
    author: &Author,
    file_id: i64,
    reason: &str,
) -> Result<EvidenceFile, AppError> {
    let file = find(tx.db(), file_id)?;
    let kind = file.kind().ok_or(AppError::NotFound)?;
    let (facts, reference) = record_facts(tx.db(), kind, file.record_id, author.viewer)?;
    if !permissions::can_view_record(author.viewer, file.facts()) {
        return Err(AppError::NotFound);
    }
    if file.is_retracted() || file.is_purged() {
        return Err(AppError::BadRequest("evidence-already-retracted"));
    }
    if !may_retract(author.viewer, &file) {
        return Err(AppError::Forbidden);
    }
    diesel::update(evidence_files::table.find(file_id))
        .set((
            evidence_files::retracted_at.eq(Some(audit::now())),
            evidence_files::retraction_reason.eq(reason),
        ))
        .execute(tx.db())?;
    let changes = json!({ "evidence_retracted": [null, file_label(&file)] });
    let number = revise(
        tx,
        &author.actor,
        &file,
        facts,
        "evidence_retraction",
        reason,
        &changes,
    )?;
    audit::record(
        tx,
        &author.actor,
        Event::new("evidence.retract", "evidence_file", file_id).details(json!({
            "record": reference, "record_type": file.record_type, "record_id": file.record_id,
            "sha256": file.sha256, "reason": reason, "revision": number,
        })),
    )?;
    find(tx.db(), file_id)
}

/// An admin's purge, for a legal or safety reason: the row stays with its hash, size and
/// type, and says when and why; the caller removes the bytes once this is committed. Returns
/// the file and whether its bytes may go (no other kept row holds the same bytes).
pub fn purge(
    tx: &mut Tx<'_>,
    actor: &Actor,
    file_id: i64,
    reason: &str,
) -> Result<(EvidenceFile, bool), AppError> {
    let file = find(tx.db(), file_id)?;
    if file.is_purged() {
        return Err(AppError::BadRequest("evidence-already-purged"));
    }
    let kind = file.kind().ok_or(AppError::NotFound)?;
    let (facts, reference) = record_facts(tx.db(), kind, file.record_id, everyone())?;
    diesel::update(evidence_files::table.find(file_id))
        .set((
            evidence_files::purged_at.eq(Some(audit::now())),
            evidence_files::purge_reason.eq(reason),
        ))
        .execute(tx.db())?;
    let changes =
        json!({ "evidence_purged": [null, format!("{} (SHA-256 {})", file.id, file.sha256)] });
    let number = revise(tx, actor, &file, facts, "evidence_purge", reason, &changes)?;
    audit::record(
        tx,
        actor,
        Event::new("evidence.purge", "evidence_file", file_id).details(json!({
            "record": reference, "record_type": file.record_type, "record_id": file.record_id,
            "sha256": file.sha256, "size": file.size_bytes, "mime_type": file.mime_type,
            "reason": reason, "revision": number,
        })),
    )?;
    let others: i64 = evidence_files::table
        .filter(evidence_files::sha256.eq(&file.sha256))
        .filter(evidence_files::purged_at.is_null())
        .count()
        .get_result(tx.db())?;
    Ok((find(tx.db(), file_id)?, others == 0))
}

/// A file row whoever asks: for writes and the records core only.
pub(in crate::records) fn find(conn: &mut DbConn, id: i64) -> Result<EvidenceFile, AppError> {
    Ok(evidence_files::table
        .find(id)
        .select(EvidenceFile::as_select())
        .get_result(conn)?)
}

/// The custody facts the audit trail keeps of an attached file.
fn custody(file: &EvidenceFile, reference: &str) -> Value {
    json!({
        "record": reference,
        "record_type": file.record_type,
        "record_id": file.record_id,
        "part": file.part_kind,
        "part_id": file.part_id,
        "sha256": file.sha256,
        "size": file.size_bytes,
        "mime_type": file.mime_type,
        "original_name": file.original_name,
        "caption": file.caption,
        "made_on": file.made_on,
        "sensitivity": file.sensitivity,
        "organization_id": file.organization_id,
        "uploaded_by": file.uploaded_by,
    })
}

/// How history names a file: number, name and hash.
fn file_label(file: &EvidenceFile) -> String {
    format!(
        "{} ({}, SHA-256 {})",
        file.original_name, file.mime_type, file.sha256
    )
}

/// A revision of the record the file belongs to. The record itself is unchanged, so its
/// snapshot is its latest revision's; the revision is seen only by those who may see both
/// the record and the file (the more sensitive of the two), so history never names a file
/// its reader may not see.
fn revise(
    tx: &mut Tx<'_>,
    actor: &Actor,
    file: &EvidenceFile,
    record: RecordFacts,
    action: &'static str,
    reason: &str,
    changes: &Value,
) -> Result<i32, AppError> {
    let kind = file.kind().ok_or(AppError::NotFound)?;
    let snapshot: Option<String> = revisions_table::table
        .filter(revisions_table::entity_type.eq(kind.code()))
        .filter(revisions_table::entity_id.eq(file.record_id))
        .order(revisions_table::revision_no.desc())
        .select(revisions_table::snapshot)
        .first(tx.db())
        .optional()?;
    let snapshot: Value = snapshot
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    let own = file.sensitivity();
    let facts = RecordFacts {
        sensitivity: if own.rank() > record.sensitivity.rank() {
            own
        } else {
            record.sensitivity
        },
        ..record
    };
    revisions::record(
        tx,
        actor,
        NewRevision {
            entity_type: kind.code(),
            entity_id: file.record_id,
            action,
            reason,
            changes,
            snapshot: &snapshot,
            facts: Some(facts),
        },
    )
}

/// The scope of an admin's purge: every record (admins read no records, but a purge must
/// reach any of them; nothing of the record is shown to them).
fn everyone() -> Viewer {
    Viewer {
        role: crate::domain::Role::Coordinator,
        organization_id: 0,
    }
}

/// A file for an admin's purge page (the route is for admins only; the page shows no caption,
/// name or bytes).
pub fn find_for_purge(conn: &mut DbConn, id: i64) -> Result<EvidenceFile, AppError> {
    find(conn, id)
}
