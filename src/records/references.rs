//! The references (INC-/CVY-/NEED- numbers) of records named by id elsewhere, such as the
//! audit trail's events: only those of records the viewer may see, so a page can link a
//! record by its reference and never name one it may not read.

use std::collections::HashMap;

use diesel::prelude::*;

use super::Scope;
use crate::db::schema::{convoys, incidents, needs};
use crate::db::DbConn;
use crate::error::AppError;

/// The kinds of record that have references, by the name the audit trail gives them.
pub const KINDS: [&str; 3] = ["incident", "convoy", "need"];

/// `(kind, id) → reference` of the records among `wanted` that the viewer may see; kinds
/// without references and records hidden from the viewer are left out.
pub fn visible(
    conn: &mut DbConn,
    scope: &Scope,
    wanted: &[(String, i64)],
) -> Result<HashMap<(String, i64), String>, AppError> {
    let mut out = HashMap::new();
    for kind in KINDS {
        let ids: Vec<i64> = wanted
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, id)| *id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let found: Vec<(i64, String)> = match kind {
            "incident" => incidents::table
                .filter(crate::db::one_of(incidents::id, &ids))
                .filter(scope.records_of("incidents", true))
                .select((incidents::id, incidents::reference))
                .load(conn)?,
            "convoy" => convoys::table
                .filter(crate::db::one_of(convoys::id, &ids))
                .filter(scope.records_of("convoys", false))
                .select((convoys::id, convoys::reference))
                .load(conn)?,
            _ => needs::table
                .filter(crate::db::one_of(needs::id, &ids))
                .filter(scope.records_of("needs", false))
                .select((needs::id, needs::reference))
                .load(conn)?,
        };
        out.extend(
            found
                .into_iter()
                .map(|(id, reference)| ((kind.to_string(), id), reference)),
        );
    }
    Ok(out)
}
