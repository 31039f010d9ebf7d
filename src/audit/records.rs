//! What the tables hold now against what the history and the trail last recorded: each
//! incident, convoy and need against its latest revision, each account against the trail's
//! account events.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::Value;

use crate::db::schema::{revisions, users};
use crate::db::DbConn;
use crate::error::AppError;

/// Rows read per query while walking records and events.
const BATCH: i64 = 2_000;

/// The record tables whose rows have revisions: (table, entity type, what people call one).
pub const RECORD_TABLES: &[(&str, &str, &str)] = &[
    ("incidents", "incident", "incident"),
    ("convoys", "convoy", "convoy"),
    ("needs", "need", "need"),
];

#[derive(QueryableByName)]
struct RowDoc {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    doc: String,
}

#[derive(QueryableByName)]
struct ColumnName {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Rows of `table` after id `after` as JSON objects of their columns.
fn rows_as_json(
    conn: &mut DbConn,
    table: &str,
    columns: &[String],
    after: i64,
) -> Result<Vec<RowDoc>, AppError> {
    // `table` and `columns` come from this file and the database's own catalogue.
    let rows = match conn {
        DbConn::Sqlite(c) => {
            let fields: Vec<String> = columns
                .iter()
                .map(|col| format!("'{col}', \"{col}\""))
                .collect();
            diesel::sql_query(format!(
                "SELECT id, json_object({}) AS doc FROM {table} WHERE id > ? ORDER BY id LIMIT {BATCH}",
                fields.join(", ")
            ))
            .bind::<BigInt, _>(after)
            .load(c)?
        }
        DbConn::Pg(c) => diesel::sql_query(format!(
            "SELECT id, row_to_json(t)::text AS doc FROM {table} t WHERE id > $1 ORDER BY id LIMIT {BATCH}"
        ))
        .bind::<BigInt, _>(after)
        .load(c)?,
    };
    Ok(rows)
}

fn columns_of(conn: &mut DbConn, table: &str) -> Result<Vec<String>, AppError> {
    let names: Vec<ColumnName> = match conn {
        DbConn::Sqlite(c) => {
            diesel::sql_query(format!("SELECT name FROM pragma_table_info('{table}')")).load(c)?
        }
        DbConn::Pg(c) => diesel::sql_query(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
        )
        .bind::<Text, _>(table)
        .load(c)?,
    };
    Ok(names.into_iter().map(|n| n.name).collect())
}

/// Whether a value the history recorded equals the value in the table, or `None` when the
/// history records that field in another form (a label for an id, say), so it cannot tell.
fn same_value(recorded: &Value, current: &Value) -> Option<bool> {
    use Value::{Bool, Null, Number, String as Str};
    match (recorded, current) {
        (Null, Null) => Some(true),
        (Str(a), Str(b)) => Some(a == b || same_time(a, b)),
        (Number(a), Number(b)) => Some(a.as_f64() == b.as_f64()),
        (Bool(a), Bool(b)) => Some(a == b),
        (Bool(a), Number(b)) | (Number(b), Bool(a)) => Some(b.as_i64() == Some(i64::from(*a))),
        (Null, _) | (_, Null) => Some(false),
        _ => None,
    }
}

/// The two databases write date-times differently ("2026-12-01 10:00:00", "…T10:00:00").
fn same_time(a: &str, b: &str) -> bool {
    let parse =
        |s: &str| NaiveDateTime::parse_from_str(&s.replace('T', " "), "%Y-%m-%d %H:%M:%S%.f").ok();
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// Checks that each incident, convoy and need holds what its latest revision recorded.
/// Returns how many records were checked, or the first that differs, in words.
pub fn verify_records(conn: &mut DbConn) -> Result<Result<i64, String>, AppError> {
    let mut checked = 0;
    for (table, entity_type, noun) in RECORD_TABLES {
        let columns = columns_of(conn, table)?;
        let mut after = 0;
        loop {
            let rows = rows_as_json(conn, table, &columns, after)?;
            let Some(end) = rows.last().map(|r| r.id) else {
                break;
            };
            let latest = latest_snapshots(conn, entity_type, after, end)?;
            for row in &rows {
                let current: Value = serde_json::from_str(&row.doc).unwrap_or(Value::Null);
                let name = current["reference"]
                    .as_str()
                    .map_or_else(|| format!("{noun} {}", row.id), |r| format!("{noun} {r}"));
                let Some(snapshot) = latest.get(&row.id) else {
                    return Ok(Err(format!(
                        "{name} (id {}) has no history: it was added outside Corridor",
                        row.id
                    )));
                };
                let Value::Object(fields) = snapshot else {
                    continue;
                };
                for (field, recorded) in fields {
                    let Some(value) = current.get(field) else {
                        continue;
                    };
                    if same_value(recorded, value) == Some(false) {
                        return Ok(Err(format!(
                            "{name} (id {}): its {field} is {value}, but its latest revision \
                             recorded {recorded} (changed outside Corridor)",
                            row.id
                        )));
                    }
                }
                checked += 1;
            }
            after = end;
        }
    }
    Ok(Ok(checked))
}

/// The latest snapshot of each record of `entity_type` with an id in `after+1..=last`.
fn latest_snapshots(
    conn: &mut DbConn,
    entity_type: &str,
    after: i64,
    last: i64,
) -> Result<HashMap<i64, Value>, AppError> {
    let rows: Vec<(i64, String)> = revisions::table
        .filter(revisions::entity_type.eq(entity_type))
        .filter(revisions::entity_id.gt(after))
        .filter(revisions::entity_id.le(last))
        .order((revisions::entity_id.asc(), revisions::revision_no.asc()))
        .select((revisions::entity_id, revisions::snapshot))
        .load(conn)?;
    // In ascending order, the last one inserted for an id is its latest.
    Ok(rows
        .into_iter()
        .map(|(id, s)| (id, serde_json::from_str(&s).unwrap_or(Value::Null)))
        .collect())
}

/// An account's role, organisation and whether it is disabled.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Standing {
    role: String,
    organization_id: i64,
    disabled: bool,
}

/// Replays the trail's account events and compares each account with what they last
/// recorded. Returns how many accounts were checked, or the first that differs.
pub fn verify_accounts(conn: &mut DbConn) -> Result<Result<i64, String>, AppError> {
    let mut recorded: HashMap<i64, Standing> = HashMap::new();
    let mut after = 0_i64;
    loop {
        let events = crate::audit::query::of_actions_after(
            conn,
            &["user.create", "user.update", "user.disable", "user.enable"],
            after,
            BATCH,
        )?;
        let Some(end) = events.last().map(|e| e.0) else {
            break;
        };
        for (_, action, entity_id, details) in events {
            let Ok(user_id) = entity_id.parse::<i64>() else {
                continue;
            };
            let details: Value = serde_json::from_str(&details).unwrap_or(Value::Null);
            match action.as_str() {
                "user.create" => {
                    recorded.insert(
                        user_id,
                        Standing {
                            role: details["role"].as_str().unwrap_or_default().to_string(),
                            organization_id: details["organization_id"].as_i64().unwrap_or(0),
                            disabled: false,
                        },
                    );
                }
                "user.update" => {
                    if let Some(s) = recorded.get_mut(&user_id) {
                        if let Some(role) = details["role"][1].as_str() {
                            s.role = role.to_string();
                        }
                        if let Some(org) = details["organization_id"][1].as_i64() {
                            s.organization_id = org;
                        }
                    }
                }
                other => {
                    if let Some(s) = recorded.get_mut(&user_id) {
                        s.disabled = other == "user.disable";
                    }
                }
            }
        }
        after = end;
    }
    let accounts: Vec<(i64, String, String, i64, Option<NaiveDateTime>)> = users::table
        .order(users::id.asc())
        .select((
            users::id,
            users::username,
            users::role,
            users::organization_id,
            users::disabled_at,
        ))
        .load(conn)?;
    for (id, username, role, organization_id, disabled_at) in &accounts {
        let Some(last) = recorded.remove(id) else {
            return Ok(Err(format!(
                "account '{username}' (id {id}) was never created in the audit trail (added outside Corridor)"
            )));
        };
        let now = Standing {
            role: role.clone(),
            organization_id: *organization_id,
            disabled: disabled_at.is_some(),
        };
        let differs = if now.role != last.role {
            Some(format!(
                "its role is {}, the audit trail last recorded {}",
                now.role, last.role
            ))
        } else if now.organization_id != last.organization_id {
            Some(format!(
                "its organisation is {}, the audit trail last recorded {}",
                now.organization_id, last.organization_id
            ))
        } else if now.disabled != last.disabled {
            let state = |d: bool| if d { "disabled" } else { "enabled" };
            Some(format!(
                "it is {}, the audit trail last recorded it {}",
                state(now.disabled),
                state(last.disabled)
            ))
        } else {
            None
        };
        if let Some(how) = differs {
            return Ok(Err(format!(
                "account '{username}' (id {id}): {how} (changed outside Corridor)"
            )));
        }
    }
    if let Some(id) = recorded.keys().min() {
        return Ok(Err(format!(
            "account {id}, created in the audit trail, is missing from the accounts (removed)"
        )));
    }
    Ok(Ok(accounts.len() as i64))
}
