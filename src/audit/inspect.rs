//! The whole check an auditor runs (`corridor audit verify`, `/audit?verify=1`): the hash
//! chain, the signed checkpoints (in the database and in the checkpoint file), the
//! append-only triggers, the revisions, the records and the accounts. Each check says what it
//! covered, or names the first record or event that fails, in plain words.

use std::path::PathBuf;

use diesel::prelude::*;
use diesel::sql_types::Text;
use ed25519_dalek::VerifyingKey;

use super::checkpoint::{self, Checkpoint};
use super::verify::{self, ChainReport};
use super::{records, revision_hashes};
use crate::db::DbConn;
use crate::error::AppError;

/// What the verification trusts: the public key (from the signing key, or given by an
/// auditor) and the checkpoint file kept outside the database.
#[derive(Clone)]
pub struct Trust {
    pub key: VerifyingKey,
    pub checkpoint_file: Option<PathBuf>,
    /// Where evidence files are kept, to check each against its recorded hash.
    pub blobs: Option<std::sync::Arc<dyn crate::blobs::BlobStore>>,
}

/// One check and its outcome.
#[derive(Debug, Clone)]
pub struct Finding {
    pub check: &'static str,
    /// What was covered, when it held.
    pub covered: String,
    /// The first thing that failed, in words.
    pub problem: Option<String>,
}

/// Every check's outcome, in the order they ran.
#[derive(Debug, Clone)]
pub struct Inspection {
    pub chain: ChainReport,
    pub findings: Vec<Finding>,
    /// The newest checkpoint that verified, if any.
    pub latest_checkpoint: Option<Checkpoint>,
}

impl Inspection {
    pub fn is_intact(&self) -> bool {
        self.findings.iter().all(|f| f.problem.is_none())
    }

    /// The first problem, if any.
    pub fn first_problem(&self) -> Option<&Finding> {
        self.findings.iter().find(|f| f.problem.is_some())
    }
}

/// The triggers that keep history append-only, by backend.
const SQLITE_TRIGGERS: &[&str] = &[
    "audit_events_no_update",
    "audit_events_no_delete",
    "audit_checkpoints_no_update",
    "audit_checkpoints_no_delete",
    "revisions_no_update",
    "revisions_no_delete",
];
const POSTGRES_TRIGGERS: &[&str] = &[
    "audit_events_no_update_delete",
    "audit_events_no_truncate",
    "audit_checkpoints_no_update_delete",
    "audit_checkpoints_no_truncate",
    "revisions_no_update_delete",
    "revisions_no_truncate",
];

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Names of the append-only triggers that are present, enabled and still refuse changes.
fn working_triggers(conn: &mut DbConn) -> Result<Vec<String>, AppError> {
    let names: Vec<Name> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'",
        )
        .load(c)?,
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT t.tgname::text AS name FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid \
             WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' \
             AND p.prosrc ILIKE '%RAISE EXCEPTION%'",
        )
        .load(c)?,
    };
    Ok(names.into_iter().map(|n| n.name).collect())
}

fn check_triggers(conn: &mut DbConn) -> Result<Finding, AppError> {
    let expected = match conn {
        DbConn::Sqlite(_) => SQLITE_TRIGGERS,
        DbConn::Pg(_) => POSTGRES_TRIGGERS,
    };
    let present = working_triggers(conn)?;
    let missing = expected.iter().find(|t| !present.iter().any(|p| p == *t));
    Ok(Finding {
        check: "append-only triggers",
        covered: format!(
            "all {} present (audit events, checkpoints and revisions cannot be changed or removed)",
            expected.len()
        ),
        problem: missing.map(|t| {
            format!("the trigger {t} was removed or disabled: rows it protects can be changed in silence")
        }),
    })
}

fn chain_finding(chain: &ChainReport) -> Finding {
    Finding {
        check: "audit chain",
        covered: format!(
            "{} events checked, in order and unaltered; head hash {}",
            chain.checked, chain.head_hash
        ),
        problem: chain.broken.as_ref().map(|b| {
            format!(
                "the chain breaks at event {}: {}; the {} events before it verified",
                b.event_id,
                b.reason.describe(),
                chain.checked
            )
        }),
    }
}

/// Checks one checkpoint against the key and the trail as walked.
fn check_one(
    conn: &mut DbConn,
    cp: &Checkpoint,
    key: &VerifyingKey,
    chain: &ChainReport,
    place: &str,
) -> Result<Option<String>, AppError> {
    let when = cp.signed_at.format("%Y-%m-%d %H:%M:%S UTC");
    if !cp.signed_by(key) {
        return Ok(Some(format!(
            "the checkpoint {place} signed {when} (of {} events) is not signed by the trusted key: it was forged or altered",
            cp.events
        )));
    }
    let walked_to = chain.checked;
    if cp.events > walked_to {
        if chain.broken.is_some() {
            // The chain's own break is reported; this checkpoint lies beyond it.
            return Ok(None);
        }
        return Ok(Some(format!(
            "the checkpoint {place} signed {when} covers {} events, but the trail holds only {}: events were removed",
            cp.events, walked_to
        )));
    }
    if verify::hash_of(conn, cp.events)?.as_deref() != Some(cp.head_hash.as_str()) {
        return Ok(Some(format!(
            "event {} is not the event signed {when} ({place}): the trail up to event {} was rewritten",
            cp.events, cp.events
        )));
    }
    Ok(None)
}

fn check_checkpoints(
    conn: &mut DbConn,
    chain: &ChainReport,
    trust: &Trust,
) -> Result<(Finding, Option<Checkpoint>), AppError> {
    let mut latest: Option<Checkpoint> = None;
    let mut in_db = 0_i64;
    let mut problem = None;
    let mut after = 0;
    'walk: loop {
        let batch = checkpoint::batch_after(conn, after, 2_000)?;
        let Some(end) = batch.last().map(|c| c.id) else {
            break;
        };
        for cp in batch {
            if let Some(p) = check_one(conn, &cp, &trust.key, chain, "in the database")? {
                problem = Some(p);
                break 'walk;
            }
            in_db += 1;
            if latest.as_ref().is_none_or(|l| cp.events >= l.events) {
                latest = Some(cp);
            }
        }
        after = end;
    }
    let mut in_file = 0;
    if let (None, Some(path)) = (&problem, &trust.checkpoint_file) {
        let lines = checkpoint::read_file(path).map_err(|e| {
            AppError::Internal(anyhow::anyhow!("cannot read '{}': {e}", path.display()))
        })?;
        for line in lines {
            let cp = match line {
                Ok(cp) => cp,
                Err(n) => {
                    problem = Some(format!(
                        "line {n} of the checkpoint file {} is unreadable",
                        path.display()
                    ));
                    break;
                }
            };
            if let Some(p) = check_one(conn, &cp, &trust.key, chain, "in the checkpoint file")? {
                problem = Some(p);
                break;
            }
            if !checkpoint::stored(conn, &cp.signature)? {
                problem = Some(format!(
                    "the checkpoint signed {} (of {} events) is in the checkpoint file but missing from the database: it was removed",
                    cp.signed_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    cp.events
                ));
                break;
            }
            in_file += 1;
        }
    }
    let key = hex::encode(trust.key.as_bytes());
    let covered = match &latest {
        None => format!(
            "no signed checkpoint yet (key {key}): until one is taken, only the hash chain protects the trail"
        ),
        Some(l) => {
            let file = match &trust.checkpoint_file {
                Some(p) => format!(", {in_file} in the checkpoint file {}", p.display()),
                None => String::new(),
            };
            let unsigned = chain.checked - l.events;
            format!(
                "{in_db} in the database{file}, all signed by key {key}; the newest covers {}{}",
                l.describe(),
                if unsigned > 0 {
                    format!("; the {unsigned} events after it are covered by the hash chain only")
                } else {
                    String::new()
                }
            )
        }
    };
    Ok((
        Finding {
            check: "signed checkpoints",
            covered,
            problem,
        },
        latest,
    ))
}

/// Runs every check.
pub fn inspect(conn: &mut DbConn, trust: &Trust) -> Result<Inspection, AppError> {
    let chain = verify::verify_chain(conn)?;
    let mut findings = vec![chain_finding(&chain)];
    let (checkpoints, latest_checkpoint) = check_checkpoints(conn, &chain, trust)?;
    findings.push(checkpoints);
    findings.push(check_triggers(conn)?);
    let revisions = revision_hashes::verify_revisions(conn)?;
    findings.push(Finding {
        check: "revisions",
        covered: format!(
            "{} revisions, each matching the content hash the audit trail recorded",
            revisions.as_ref().unwrap_or(&0)
        ),
        problem: revisions.err(),
    });
    let current = records::verify_records(conn)?;
    findings.push(Finding {
        check: "records",
        covered: format!(
            "{} incidents, convoys and needs, each as its latest revision recorded it",
            current.as_ref().unwrap_or(&0)
        ),
        problem: current.err(),
    });
    let accounts = records::verify_accounts(conn)?;
    findings.push(Finding {
        check: "accounts",
        covered: format!(
            "{} accounts, each with the role, organisation and state the audit trail last recorded",
            accounts.as_ref().unwrap_or(&0)
        ),
        problem: accounts.err(),
    });
    if let Some(blobs) = &trust.blobs {
        let files = super::files::verify_files(conn, blobs.as_ref())?;
        findings.push(Finding {
            check: "evidence files",
            covered: format!(
                "{} evidence files in {}, each with the SHA-256 recorded when it was attached",
                files.as_ref().unwrap_or(&0),
                blobs.describe()
            ),
            problem: files.err(),
        });
    }
    Ok(Inspection {
        chain,
        findings,
        latest_checkpoint,
    })
}
