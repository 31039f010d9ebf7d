//! Evidence files with a chain of custody: a photo of the checkpoint, a scanned denial letter,
//! a doctor's note, a voice message, attached to an incident (or one of its claims), a convoy
//! (or one of its events) or a need. The bytes are kept under their SHA-256 in a `BlobStore`;
//! the hash, size, type, uploader, time and record go into the audit trail in the same
//! transaction as the row (`records::store::evidence`). Files are never changed: retraction hides one, an admin's
//! purge removes its bytes and keeps its hash. Who sees a file: `records::evidence`. The
//! evidence bundle (files, manifest, signed checkpoint) and its offline check: `bundle`.

pub mod bundle;
pub mod metadata;
pub mod thumbnail;
pub mod types;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::evidence_files;
use crate::domain::vocab::{RecordStatus, Sensitivity, Verification};
use crate::permissions::RecordFacts;

/// The kind of record a file belongs to (its visibility follows that record's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Incident,
    Convoy,
    Need,
}

impl RecordKind {
    /// As stored, and as the record's revisions name it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Incident => "incident",
            Self::Convoy => "convoy",
            Self::Need => "need",
        }
    }

    pub fn from_stored(code: &str) -> Option<Self> {
        match code {
            "incident" => Some(Self::Incident),
            "convoy" => Some(Self::Convoy),
            "need" => Some(Self::Need),
            _ => None,
        }
    }

    /// The record's page, e.g. `/incidents/12`.
    pub fn path(self, id: i64) -> String {
        match self {
            Self::Incident => format!("/incidents/{id}"),
            Self::Convoy => format!("/convoys/{id}"),
            Self::Need => format!("/needs/{id}"),
        }
    }
}

/// One evidence file's row: the custody facts. The bytes are in the blob store.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = evidence_files)]
pub struct EvidenceFile {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    /// '' (the record itself), 'claim' or 'event'.
    pub part_kind: String,
    pub part_id: Option<i64>,
    pub sha256: String,
    pub size_bytes: i64,
    pub mime_type: String,
    pub original_name: String,
    pub caption: String,
    pub made_on: Option<NaiveDate>,
    pub sensitivity: String,
    /// The organisation of the record it was attached to, then: the file stays with it.
    pub organization_id: i64,
    pub uploaded_by: i64,
    pub created_at: NaiveDateTime,
    pub retracted_at: Option<NaiveDateTime>,
    pub retraction_reason: String,
    pub purged_at: Option<NaiveDateTime>,
    pub purge_reason: String,
    /// What the photo's EXIF says of when it was taken (`metadata::PhotoMetadata`); empty
    /// when it says nothing, and cleared by the records core for those who get a copy
    /// without metadata.
    pub photo_taken_at: String,
    pub photo_latitude: Option<f64>,
    pub photo_longitude: Option<f64>,
}

impl EvidenceFile {
    pub fn kind(&self) -> Option<RecordKind> {
        RecordKind::from_stored(&self.record_type)
    }

    pub fn sensitivity(&self) -> Sensitivity {
        // An unreadable value counts as the most protective.
        Sensitivity::from_stored(&self.sensitivity).unwrap_or(Sensitivity::Confidential)
    }

    /// The facts the object-level rules of `permissions` apply to a file: its own
    /// organisation and sensitivity (its record's visibility is checked as well).
    pub fn facts(&self) -> RecordFacts {
        RecordFacts {
            organization_id: self.organization_id,
            sensitivity: self.sensitivity(),
            status: RecordStatus::Submitted,
            verification: Verification::Unverified,
            retracted: self.is_retracted() || self.is_purged(),
        }
    }

    /// The photo's own account of when and where it was taken, if it gives one.
    pub fn photo_metadata(&self) -> Option<metadata::PhotoMetadata> {
        let m = metadata::PhotoMetadata {
            taken_at: self.photo_taken_at.clone(),
            latitude: self.photo_latitude,
            longitude: self.photo_longitude,
        };
        (!m.is_empty()).then_some(m)
    }

    /// Forgets the photo's metadata (for a viewer who gets a copy without it).
    pub fn without_metadata(mut self) -> Self {
        self.photo_taken_at.clear();
        self.photo_latitude = None;
        self.photo_longitude = None;
        self
    }

    pub fn is_retracted(&self) -> bool {
        self.retracted_at.is_some()
    }

    pub fn is_purged(&self) -> bool {
        self.purged_at.is_some()
    }

    /// The name a download is saved under: what was uploaded, reduced to safe characters,
    /// with the extension of its detected type (never one the uploader chose).
    pub fn download_name(&self) -> String {
        let stem = self
            .original_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default();
        let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
        let safe: String = stem
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | ' ') {
                    c
                } else {
                    '_'
                }
            })
            .take(100)
            .collect();
        let safe = if !safe.chars().any(char::is_alphanumeric) {
            format!("evidence-{}", self.id)
        } else {
            safe.trim().to_string()
        };
        format!("{safe}.{}", types::extension(&self.mime_type))
    }

    /// The size for people: "1.4 MB", "820 KB", "12 bytes".
    pub fn size_label(&self) -> String {
        size_label(self.size_bytes.max(0) as u64)
    }
}

/// A size for people, in decimal units as file managers show them.
pub fn size_label(bytes: u64) -> String {
    const MB: u64 = 1_000_000;
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else if bytes >= 1_000 {
        format!("{} KB", bytes / 1_000)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_get_a_safe_name_with_the_detected_extension() {
        let mut f = EvidenceFile {
            id: 7,
            record_type: "incident".into(),
            record_id: 1,
            part_kind: String::new(),
            part_id: None,
            sha256: "0".repeat(64),
            size_bytes: 1_400_000,
            mime_type: "image/jpeg".into(),
            original_name: "../../checkpoint \"photo\".exe".into(),
            caption: String::new(),
            made_on: None,
            sensitivity: "public".into(),
            organization_id: 1,
            uploaded_by: 1,
            created_at: chrono::DateTime::UNIX_EPOCH.naive_utc(),
            retracted_at: None,
            retraction_reason: String::new(),
            purged_at: None,
            purge_reason: String::new(),
            photo_taken_at: String::new(),
            photo_latitude: None,
            photo_longitude: None,
        };
        assert_eq!(f.download_name(), "checkpoint _photo_.jpg");
        assert_eq!(f.size_label(), "1.4 MB");
        f.original_name = "...".into();
        assert_eq!(f.download_name(), "evidence-7.jpg");
    }
}
