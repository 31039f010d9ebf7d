//! Evidence files against their hashes: every file whose bytes are kept (not purged) must
//! still hash to the SHA-256 recorded when it was attached (which the audit trail, and so the
//! signed checkpoints, also hold). Files are read in batches of rows, each streamed through
//! the hash, so memory stays flat whatever their number and size.

use diesel::prelude::*;

use crate::blobs::{sha256_of, BlobStore};
use crate::db::schema::evidence_files;
use crate::db::DbConn;
use crate::error::AppError;

const BATCH: i64 = 500;

/// The number of files checked, or the first that fails, in words.
pub fn verify_files(
    conn: &mut DbConn,
    blobs: &dyn BlobStore,
) -> Result<Result<usize, String>, AppError> {
    let mut after = 0_i64;
    let mut checked = 0;
    loop {
        let rows: Vec<(i64, String, i64)> = evidence_files::table
            .filter(evidence_files::id.gt(after))
            .filter(evidence_files::purged_at.is_null())
            .order(evidence_files::id.asc())
            .limit(BATCH)
            .select((
                evidence_files::id,
                evidence_files::sha256,
                evidence_files::size_bytes,
            ))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0) else {
            break;
        };
        for (id, sha, size) in rows {
            let found = blobs.open(&sha).and_then(sha256_of);
            let problem = match found {
                Err(e) => Some(format!(
                    "evidence file {id} (SHA-256 {sha}) cannot be read from {}: {e}",
                    blobs.describe()
                )),
                Ok((actual, n)) if actual != sha || n as i64 != size => Some(format!(
                    "evidence file {id} was changed: it was recorded as SHA-256 {sha} ({size} bytes), it now hashes to {actual} ({n} bytes)"
                )),
                Ok(_) => None,
            };
            if let Some(p) = problem {
                return Ok(Err(p));
            }
            checked += 1;
        }
        after = last;
    }
    Ok(Ok(checked))
}
