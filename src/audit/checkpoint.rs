//! Signed checkpoints of the audit chain, after Certificate Transparency (RFC 6962): the
//! server signs (event count, head hash, time) with an Ed25519 key kept outside the database,
//! stores the checkpoint in the database and appends it to a file outside it. Whoever can
//! write to the database can recompute every hash of the chain, but cannot sign: rewriting,
//! truncating or renumbering the events before a checkpoint then fails verification.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::verify;
use crate::config::Settings;
use crate::db::schema::audit_checkpoints;
use crate::db::{Db, DbConn};
use crate::error::AppError;

/// Holds the signing key (never written to the database) and the checkpoint file.
pub struct Signer {
    key: SigningKey,
    file: PathBuf,
}

impl Signer {
    pub fn new(seed: &[u8; 32], file: PathBuf) -> Self {
        Self {
            key: SigningKey::from_bytes(seed),
            file,
        }
    }

    pub fn from_settings(settings: &Settings) -> Self {
        Self::new(
            &settings.audit_signing_key.0,
            settings.audit_checkpoint_file.clone(),
        )
    }

    /// The public key, 64 hex characters: what an auditor needs to verify.
    pub fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn file(&self) -> &Path {
        &self.file
    }
}

/// Why a checkpoint was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The minute's checkpoint of a running server.
    Periodic,
    /// Taken before a backup is copied.
    Backup,
    /// Asked for on the command line (`corridor audit checkpoint`).
    Manual,
}

impl Reason {
    pub fn code(self) -> &'static str {
        match self {
            Self::Periodic => "periodic",
            Self::Backup => "backup",
            Self::Manual => "manual",
        }
    }
}

/// One signed checkpoint, as stored in the database and written, one JSON line each, to the
/// checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, Deserialize)]
#[diesel(table_name = audit_checkpoints)]
pub struct Checkpoint {
    #[serde(default, skip_serializing)]
    pub id: i64,
    pub events: i64,
    pub head_hash: String,
    pub signed_at: NaiveDateTime,
    #[serde(default, skip_serializing)]
    pub interval_key: Option<i64>,
    pub reason: String,
    pub public_key: String,
    pub signature: String,
}

/// The exact bytes signed: a fixed label, then count, head and time, one per line.
pub fn message(events: i64, head_hash: &str, signed_at: NaiveDateTime) -> Vec<u8> {
    format!(
        "corridor audit checkpoint v1\nevents {events}\nhead {head_hash}\nsigned_at {}\n",
        signed_at.format("%Y-%m-%dT%H:%M:%S%.6fZ")
    )
    .into_bytes()
}

/// Parses a public key given as 64 hex characters.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("a public key is 64 hexadecimal characters")?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "this is not an Ed25519 public key".to_string())
}

impl Checkpoint {
    /// Does `key` sign exactly this count, head and time?
    pub fn signed_by(&self, key: &VerifyingKey) -> bool {
        let Some(signature) = hex::decode(&self.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
        else {
            return false;
        };
        self.public_key == hex::encode(key.as_bytes())
            && key
                .verify(
                    &message(self.events, &self.head_hash, self.signed_at),
                    &signature,
                )
                .is_ok()
    }

    /// One line for people: "event 1234 (head 5f3a…) signed 2026-12-01 10:04:00 UTC".
    pub fn describe(&self) -> String {
        format!(
            "{} events, head {}, signed {} UTC ({})",
            self.events,
            self.head_hash,
            self.signed_at.format("%Y-%m-%d %H:%M:%S"),
            self.reason
        )
    }
}

/// The newest checkpoint, if any.
pub fn latest(conn: &mut DbConn) -> Result<Option<Checkpoint>, AppError> {
    Ok(audit_checkpoints::table
        .order((
            audit_checkpoints::events.desc(),
            audit_checkpoints::id.desc(),
        ))
        .select(Checkpoint::as_select())
        .first(conn)
        .optional()?)
}

/// Checkpoints in id order, `limit` after id `after` (for walking them in batches).
pub fn batch_after(conn: &mut DbConn, after: i64, limit: i64) -> Result<Vec<Checkpoint>, AppError> {
    Ok(audit_checkpoints::table
        .filter(audit_checkpoints::id.gt(after))
        .order(audit_checkpoints::id.asc())
        .limit(limit)
        .select(Checkpoint::as_select())
        .load(conn)?)
}

/// Is a checkpoint with this signature stored?
pub fn stored(conn: &mut DbConn, signature: &str) -> Result<bool, AppError> {
    let n: i64 = audit_checkpoints::table
        .filter(audit_checkpoints::signature.eq(signature))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Signs the chain's current head. A periodic checkpoint is skipped when nothing was written
/// since the last one, or when another server has signed this minute already. The server
/// never signs a chain that does not continue the last signed head: that would launder a
/// rewrite. Returns the checkpoint taken, if one was.
pub fn take(
    conn: &mut DbConn,
    signer: &Signer,
    reason: Reason,
) -> Result<Option<Checkpoint>, AppError> {
    // Most of the walk happens before the chain is locked, so writers wait only for the
    // events added meanwhile (the first checkpoint of a large trail walks all of it).
    // Only a checkpoint this key signed is a point to continue from: a row written into the
    // table by hand must not become the base of the next signature.
    let key = signer.verifying_key();
    let signed_point = |conn: &mut DbConn| -> Result<(i64, String), AppError> {
        match latest(conn)? {
            None => Ok((0, super::GENESIS_HASH.to_string())),
            Some(p) if p.signed_by(&key) => Ok((p.events, p.head_hash)),
            Some(p) => Err(refusal(format!(
                "the newest checkpoint, of {} events, is not signed by this server's key",
                p.events
            ))),
        }
    };
    let start = signed_point(conn)?;
    let unlocked_head = super::query::head(conn)?;
    let checked_to = if unlocked_head.0 > start.0 {
        continues(conn, &start, &unlocked_head)?;
        unlocked_head
    } else {
        start
    };
    let taken = super::write(conn, |conn| {
        let (events, head_hash) = super::query::head(conn)?;
        let last_signed = signed_point(conn)?;
        if reason == Reason::Periodic && last_signed.0 >= events {
            return Ok(None);
        }
        let from = if last_signed.0 > checked_to.0 {
            last_signed
        } else {
            checked_to.clone()
        };
        continues(conn, &from, &(events, head_hash.clone()))?;
        let signed_at = super::now();
        let interval_key =
            (reason == Reason::Periodic).then(|| signed_at.and_utc().timestamp() / 60);
        let signature = hex::encode(
            signer
                .key
                .sign(&message(events, &head_hash, signed_at))
                .to_bytes(),
        );
        let row = (
            audit_checkpoints::events.eq(events),
            audit_checkpoints::head_hash.eq(&head_hash),
            audit_checkpoints::signed_at.eq(signed_at),
            audit_checkpoints::interval_key.eq(interval_key),
            audit_checkpoints::reason.eq(reason.code()),
            audit_checkpoints::public_key.eq(signer.public_key()),
            audit_checkpoints::signature.eq(&signature),
        );
        // One checkpoint per minute however many servers share the database: the first
        // insert of the minute wins, the others insert nothing.
        let inserted = crate::on_backend!(conn, |c| diesel::insert_into(audit_checkpoints::table)
            .values(row.clone())
            .on_conflict_do_nothing()
            .execute(c))?;
        if inserted == 0 {
            return Ok(None);
        }
        let id: i64 = audit_checkpoints::table
            .filter(audit_checkpoints::signature.eq(&signature))
            .select(audit_checkpoints::id)
            .get_result(conn.db())?;
        Ok(Some(Checkpoint {
            id,
            events,
            head_hash,
            signed_at,
            interval_key,
            reason: reason.code().to_string(),
            public_key: signer.public_key(),
            signature,
        }))
    })?;
    if let Some(checkpoint) = &taken {
        append_to_file(&signer.file, checkpoint)?;
    }
    Ok(taken)
}

/// Checks that the trail still holds event `from.0` with hash `from.1` and continues from it,
/// unaltered and unbroken, to the head `to`.
fn continues(conn: &mut DbConn, from: &(i64, String), to: &(i64, String)) -> Result<(), AppError> {
    if verify::hash_of(conn, from.0)?.as_deref() != Some(from.1.as_str()) {
        return Err(refusal(format!(
            "event {} is no longer the event that was signed",
            from.0
        )));
    }
    let walked = verify::walk(conn, from.0, &from.1, Some(to.0))?;
    if let Some(b) = walked.broken {
        return Err(refusal(format!(
            "event {}: {}",
            b.event_id,
            b.reason.describe()
        )));
    }
    if walked.checked != to.0 || walked.head_hash != to.1 {
        return Err(refusal(format!(
            "the chain does not end at the recorded head (event {})",
            to.0
        )));
    }
    Ok(())
}

fn refusal(why: String) -> AppError {
    AppError::Internal(anyhow::anyhow!(
        "audit checkpoint refused: the audit trail was changed since it was last signed ({why})"
    ))
}

/// Appends one JSON line to the checkpoint file (created readable by its owner only).
fn append_to_file(path: &Path, checkpoint: &Checkpoint) -> Result<(), AppError> {
    let line = serde_json::to_string(checkpoint)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("checkpoint: {e}")))?;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .and_then(|mut f| {
            f.write_all(format!("{line}\n").as_bytes())?;
            f.sync_data()
        })
        .map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "cannot append to the checkpoint file '{}': {e}",
                path.display()
            ))
        })
}

/// Reads the checkpoint file: each line a checkpoint, or the line's number if it is unreadable.
pub fn read_file(path: &Path) -> std::io::Result<Vec<Result<Checkpoint, usize>>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    // A last line without its line break is still being written by the server: not yet.
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    Ok(complete
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|_| i + 1))
        .collect())
}

/// The running server's checkpoint task: looks for new events `every` few seconds and signs
/// the head at most once a minute.
pub async fn run_periodic(db: Db, signer: std::sync::Arc<Signer>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let signer = signer.clone();
        match db
            .run(move |conn| take(conn, &signer, Reason::Periodic))
            .await
        {
            Ok(Some(c)) => {
                tracing::info!(events = c.events, head = %c.head_hash, "audit checkpoint signed")
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "audit checkpoint not taken"),
        }
    }
}
