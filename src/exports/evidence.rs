//! An incident's evidence bundle, as `GET /incidents/{id}/evidence.zip` and
//! `corridor evidence export` both make it: the files the viewer may see (through the records
//! core), the audit events that recorded them, the newest signed checkpoint (signed now when
//! the newest file came after it), and an `evidence.export` audit event before any byte is
//! written. Photos leave with their metadata only for their own organisation, coordinators and
//! auditors, and only when the bundle is not made for sharing.

use std::io;
use std::path::Path;

use diesel::prelude::*;

use crate::audit::checkpoint::{self, Checkpoint, Signer};
use crate::audit::{self, Actor, AuditEvent, Event};
use crate::blobs::{BlobStore, Incoming};
use crate::db::schema::{audit_events, users};
use crate::db::DbConn;
use crate::domain::IncidentId;
use crate::error::AppError;
use crate::evidence::bundle::{self, Content};
use crate::evidence::{metadata, EvidenceFile};
use crate::records::evidence::{self as scoped, RecordRef};
use crate::records::{self, Scope, Visible};

/// Everything a bundle holds but the bytes, gathered in one go from the database.
pub struct Gathered {
    pub reference: String,
    pub entries: Vec<bundle::Entry>,
    pub left_out: usize,
    pub checkpoint: Option<Checkpoint>,
}

/// Display names of the people who uploaded `files`.
pub fn uploaders(
    conn: &mut DbConn,
    files: &[Visible<EvidenceFile>],
) -> Result<Vec<(i64, String)>, AppError> {
    let ids: Vec<i64> = files.iter().map(|f| f.uploaded_by).collect();
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?)
}

/// The name of user `id` among `names` ('' when absent).
pub fn name_of(names: &[(i64, String)], id: i64) -> String {
    names
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

/// The audit events that recorded `files` being attached.
fn attach_events(
    conn: &mut DbConn,
    files: &[Visible<EvidenceFile>],
) -> Result<Vec<AuditEvent>, AppError> {
    let ids: Vec<String> = files.iter().map(|f| f.id.to_string()).collect();
    Ok(audit_events::table
        .filter(audit_events::entity_type.eq("evidence_file"))
        .filter(audit_events::action.eq("evidence.attach"))
        .filter(audit_events::entity_id.eq_any(ids))
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// Which bytes of `file` this bundle may carry: the original, a copy without the photo's
/// metadata, or none (a photo whose metadata cannot be removed, going beyond its organisation).
fn content_for(scope: &Scope, file: &EvidenceFile, shared: bool) -> Option<Content> {
    if !shared && scoped::gets_original(scope, file) {
        return Some(Content::Original);
    }
    if !crate::evidence::types::is_image(&file.mime_type) {
        return Some(Content::Original);
    }
    (metadata::strippable(&file.mime_type)
        && file.size_bytes.max(0) as u64 <= metadata::MAX_PHOTO_BYTES)
        .then_some(Content::WithoutMetadata)
}

/// Gathers the bundle of incident `id` for `scope`, and records the export in the audit trail.
/// `shared`: made to give beyond the organisation, so every photo goes without its metadata.
pub fn gather(
    conn: &mut DbConn,
    scope: &Scope,
    actor: &Actor,
    signer: &Signer,
    id: i64,
    shared: bool,
) -> Result<Gathered, AppError> {
    let l = records::incidents::find(conn, scope, IncidentId::new(id))?;
    let (files, hidden) = scoped::files(conn, scope, RecordRef::incident(&l))?;
    let mut left_out = hidden.0;
    let mut kept = Vec::with_capacity(files.len());
    for f in files {
        match content_for(scope, &f, shared) {
            Some(c) if !f.is_retracted() && !f.is_purged() => kept.push((f, c)),
            _ => left_out += 1,
        }
    }
    let visible: Vec<Visible<EvidenceFile>> = kept.iter().map(|(f, _)| f.clone()).collect();
    let events = attach_events(conn, &visible)?;
    let names = uploaders(conn, &visible)?;
    let newest = events.iter().map(|e| e.id).max().unwrap_or(0);
    let covered = checkpoint::latest(conn)?.is_some_and(|c| c.events >= newest);
    if !covered {
        checkpoint::take(conn, signer, checkpoint::Reason::Periodic)?;
    }
    let cp = checkpoint::latest(conn)?;
    let reference = l.incident.reference.clone();
    let hashes: Vec<serde_json::Value> = kept
        .iter()
        .map(|(f, c)| {
            serde_json::json!({
                "id": f.id, "sha256": f.sha256,
                "metadata_removed": *c == Content::WithoutMetadata,
            })
        })
        .collect();
    audit::write(conn, |conn| {
        audit::record(
            conn,
            actor,
            Event::new("evidence.export", "incident", id).details(serde_json::json!({
                "reference": reference, "files": hashes, "shared": shared,
            })),
        )
    })?;
    let entries = kept
        .into_iter()
        .map(|(f, content)| {
            let f = f.into_inner();
            bundle::Entry {
                uploaded_by: name_of(&names, f.uploaded_by),
                event: events
                    .iter()
                    .find(|e| e.entity_id == f.id.to_string())
                    .cloned(),
                file: f,
                content,
            }
        })
        .collect();
    Ok(Gathered {
        reference,
        entries,
        left_out,
        checkpoint: cp,
    })
}

/// Writes a gathered bundle into a new scratch file in the store's incoming folder (removed
/// when dropped); gives it with its size.
pub fn write_scratch(
    blobs: &dyn BlobStore,
    gathered: Gathered,
    exported_by: &str,
) -> io::Result<(Incoming, u64)> {
    let scratch = Incoming::create(blobs.incoming_dir())?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(scratch.path())?;
    let size = write_into(file, blobs, gathered, exported_by)?;
    Ok((scratch, size))
}

/// Writes a gathered bundle to `path` (created, or replaced).
pub fn write_file(
    path: &Path,
    blobs: &dyn BlobStore,
    gathered: Gathered,
    exported_by: &str,
) -> io::Result<u64> {
    write_into(std::fs::File::create(path)?, blobs, gathered, exported_by)
}

fn write_into(
    file: std::fs::File,
    blobs: &dyn BlobStore,
    g: Gathered,
    exported_by: &str,
) -> io::Result<u64> {
    let file = bundle::write(
        io::BufWriter::new(file),
        blobs,
        "incident",
        &g.reference,
        exported_by,
        g.entries,
        g.left_out,
        g.checkpoint,
    )?;
    let file = file.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(file.metadata()?.len())
}
