//! The evidence bundle: one zip with the files a viewer may see, `manifest.json` (hashes,
//! captions, uploader, times, and the audit events that recorded each file) and the latest
//! signed checkpoint of the audit trail. `verify` checks a bundle with nothing but the bundle
//! and the deployment's public key, so a partner or a court can check a file without access
//! to Corridor. Entries are stored uncompressed: evidence is mostly compressed already, and
//! anyone can read the files with any zip tool.

use std::io::{self, Read, Seek, Write};

use chrono::NaiveDateTime;
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use zip::write::SimpleFileOptions;

use super::{metadata, EvidenceFile};
use crate::audit::checkpoint::Checkpoint;
use crate::audit::AuditEvent;
use crate::blobs::{sha256_of, BlobStore};

/// What the manifest names the format, so a future change is told apart.
pub const FORMAT: &str = "corridor evidence bundle v1";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The record's reference (e.g. INC-2018-0001) and kind.
    pub record: String,
    pub record_type: String,
    pub exported_at: NaiveDateTime,
    pub exported_by: String,
    pub files: Vec<ManifestFile>,
    /// The audit events that recorded each file, whole, so their hashes can be recomputed.
    pub audit_events: Vec<AuditEvent>,
    /// The newest signed checkpoint when the bundle was made.
    pub checkpoint: Option<Checkpoint>,
    /// Files the viewer may not see, or whose bytes were purged, are left out; this many.
    pub left_out: usize,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ManifestFile {
    /// The entry in the zip.
    pub path: String,
    pub id: i64,
    pub sha256: String,
    pub size: i64,
    pub mime_type: String,
    pub original_name: String,
    pub caption: String,
    pub made_on: Option<chrono::NaiveDate>,
    pub sensitivity: String,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
    /// The audit event that recorded it.
    pub audit_event: Option<i64>,
    /// Set when the zip holds a copy with the photo's metadata removed (a bundle shared
    /// beyond the recording organisation): the copy's own hash and size. `sha256` and `size`
    /// stay the original's, as its audit event recorded them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_without_metadata: Option<CopyFacts>,
}

/// The hash and size of a copy of a file without its metadata.
#[derive(Debug, Serialize, Deserialize)]
pub struct CopyFacts {
    pub sha256: String,
    pub size: i64,
}

/// Which bytes of a file a bundle carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// As uploaded, metadata and all: it hashes to what the audit trail recorded.
    Original,
    /// With the photo's metadata removed (`metadata::strip`).
    WithoutMetadata,
}

/// Does an event's stored hash still cover its fields?
fn intact(e: &AuditEvent) -> bool {
    e.compute_hash() == e.hash
}

/// One file to put in a bundle, with who uploaded it and the event that recorded it.
pub struct Entry {
    pub file: EvidenceFile,
    pub uploaded_by: String,
    pub event: Option<AuditEvent>,
    pub content: Content,
}

/// The manifest's entry path of a file: numbered, so two files of one name stay apart.
fn entry_path(file: &EvidenceFile) -> String {
    format!("files/{:04}-{}", file.id, file.download_name())
}

/// The photo `file` without its metadata, with its hash; `None` when it cannot be parsed.
fn copy_without_metadata(
    blobs: &dyn BlobStore,
    file: &EvidenceFile,
) -> io::Result<Option<(Vec<u8>, CopyFacts)>> {
    let mut bytes = Vec::new();
    blobs
        .open(&file.sha256)?
        .take(metadata::MAX_PHOTO_BYTES)
        .read_to_end(&mut bytes)?;
    let Ok(copy) = metadata::strip(&file.mime_type, bytes) else {
        return Ok(None);
    };
    let (sha256, size) = sha256_of(&copy[..])?;
    Ok(Some((
        copy,
        CopyFacts {
            sha256,
            size: size as i64,
        },
    )))
}

/// Writes the bundle into `out`: each file (read from `blobs`), then the manifest. A photo
/// that must go without its metadata but cannot be parsed is left out, and counted.
#[allow(clippy::too_many_arguments)]
pub fn write<W: Write + Seek>(
    out: W,
    blobs: &dyn BlobStore,
    record_type: &str,
    record: &str,
    exported_by: &str,
    entries: Vec<Entry>,
    mut left_out: usize,
    checkpoint: Option<Checkpoint>,
) -> io::Result<W> {
    let mut zip = zip::ZipWriter::new(out);
    let mut files = Vec::with_capacity(entries.len());
    let mut events = Vec::with_capacity(entries.len());
    for Entry {
        file,
        uploaded_by,
        event,
        content,
    } in entries
    {
        let stripped = match content {
            Content::Original => None,
            Content::WithoutMetadata => match copy_without_metadata(blobs, &file)? {
                Some(c) => Some(c),
                None => {
                    left_out += 1;
                    continue;
                }
            },
        };
        let path = entry_path(&file);
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(file.size_bytes >= u32::MAX as i64);
        zip.start_file(&path, options).map_err(io::Error::other)?;
        let copy_facts = match stripped {
            None => {
                io::copy(&mut blobs.open(&file.sha256)?, &mut zip)?;
                None
            }
            Some((bytes, facts)) => {
                zip.write_all(&bytes)?;
                Some(facts)
            }
        };
        files.push(ManifestFile {
            path,
            id: file.id,
            sha256: file.sha256,
            size: file.size_bytes,
            mime_type: file.mime_type,
            original_name: file.original_name,
            caption: file.caption,
            made_on: file.made_on,
            sensitivity: file.sensitivity,
            uploaded_by,
            uploaded_at: file.created_at,
            audit_event: event.as_ref().map(|e| e.id),
            copy_without_metadata: copy_facts,
        });
        events.extend(event);
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        record: record.into(),
        record_type: record_type.into(),
        exported_at: crate::audit::now(),
        exported_by: exported_by.into(),
        files,
        audit_events: events,
        checkpoint,
        left_out,
    };
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("manifest.json", options)
        .map_err(io::Error::other)?;
    serde_json::to_writer_pretty(&mut zip, &manifest)?;
    zip.finish().map_err(io::Error::other)
}

/// The outcome of checking a bundle: what held, and the first thing that did not.
#[derive(Debug, Default)]
pub struct Verdict {
    pub checked: Vec<String>,
    pub problem: Option<String>,
}

impl Verdict {
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// Checks a bundle offline: every file against the hash in the manifest, every file's audit
/// event against its own hash and the file it names, and the checkpoint's signature (with
/// `key`, or else the key the checkpoint names, which proves only that it is well formed).
pub fn verify(bundle: impl Read + Seek, key: Option<&VerifyingKey>) -> Verdict {
    let mut v = Verdict::default();
    if let Err(problem) = check(bundle, key, &mut v.checked) {
        v.problem = Some(problem);
    }
    v
}

fn check(
    bundle: impl Read + Seek,
    key: Option<&VerifyingKey>,
    checked: &mut Vec<String>,
) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(bundle).map_err(|e| format!("not a zip file: {e}"))?;
    let manifest: Manifest = {
        let entry = zip
            .by_name("manifest.json")
            .map_err(|_| "the bundle has no manifest.json".to_string())?;
        serde_json::from_reader(entry).map_err(|e| format!("manifest.json is unreadable: {e}"))?
    };
    if manifest.format != FORMAT {
        return Err(format!("unknown bundle format '{}'", manifest.format));
    }
    for f in &manifest.files {
        let entry = zip
            .by_name(&f.path)
            .map_err(|_| format!("{} is named in the manifest but missing", f.path))?;
        let (sha, size) = sha256_of(entry).map_err(|e| {
            format!(
                "{} cannot be read ({e}): it was changed after export",
                f.path
            )
        })?;
        let (expected, expected_size) = match &f.copy_without_metadata {
            Some(c) => (&c.sha256, c.size),
            None => (&f.sha256, f.size),
        };
        if &sha != expected || size as i64 != expected_size {
            return Err(format!(
                "{} does not match its hash: SHA-256 {sha}, the manifest says {expected}",
                f.path
            ));
        }
        let event_id = f
            .audit_event
            .ok_or_else(|| format!("{} names no audit event", f.path))?;
        let event = manifest
            .audit_events
            .iter()
            .find(|e| e.id == event_id)
            .ok_or_else(|| format!("the audit event {event_id} of {} is missing", f.path))?;
        if !intact(event) {
            return Err(format!(
                "the audit event {event_id} of {} was altered: its hash does not cover its contents",
                f.path
            ));
        }
        let details: serde_json::Value = serde_json::from_str(&event.details).unwrap_or_default();
        if event.entity_id != f.id.to_string()
            || details["sha256"].as_str() != Some(f.sha256.as_str())
        {
            return Err(format!(
                "the audit event {event_id} does not record {} (SHA-256 {})",
                f.path, f.sha256
            ));
        }
        let when = event.occurred_at.format("%Y-%m-%d %H:%M:%S");
        checked.push(match &f.copy_without_metadata {
            None => format!(
                "{}: SHA-256 {} ({} bytes), recorded by audit event {} ({}, {when} UTC)",
                f.path, f.sha256, f.size, event.id, event.actor_label
            ),
            Some(c) => format!(
                "{}: a copy with the photo's metadata removed, SHA-256 {} ({} bytes), as the manifest says; the original's SHA-256 {} ({} bytes) was recorded by audit event {} ({}, {when} UTC), and only the original can be checked against it",
                f.path, c.sha256, c.size, f.sha256, f.size, event.id, event.actor_label
            ),
        });
    }
    let Some(cp) = &manifest.checkpoint else {
        checked.push("no signed checkpoint in the bundle: the files and events are checked, the trail's signature is not".into());
        return Ok(());
    };
    let (key, whose) = match key {
        Some(k) => (*k, "the trusted key"),
        None => (
            crate::audit::checkpoint::parse_public_key(&cp.public_key)
                .map_err(|e| format!("the checkpoint's public key: {e}"))?,
            "the key the checkpoint names (give --public-key to check it against the key you trust)",
        ),
    };
    if !cp.signed_by(&key) {
        return Err(format!(
            "the checkpoint of {} events is not signed by {whose}: it was forged or altered",
            cp.events
        ));
    }
    if let Some(e) = manifest.audit_events.iter().find(|e| e.id > cp.events) {
        return Err(format!(
            "audit event {} lies after the signed checkpoint of {} events",
            e.id, cp.events
        ));
    }
    checked.push(format!(
        "checkpoint: {} events, head {}, signed {} UTC by {whose} ({}); every file's audit event is numbered within it (that the trail holds exactly these events is checked against it by `corridor audit verify`)",
        cp.events,
        cp.head_hash,
        cp.signed_at.format("%Y-%m-%d %H:%M:%S"),
        cp.public_key
    ));
    Ok(())
}
