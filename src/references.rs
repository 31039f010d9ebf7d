//! Human-readable references such as `INC-2026-000123`: one counter per prefix and year,
//! advanced inside the writing transaction, so a number is never given twice or reused.

use diesel::prelude::*;

use crate::db::schema::reference_counters;
use crate::db::DbConn;
use crate::error::AppError;

/// The next reference for `prefix` (`INC`, `CVY`, `NEED`) in `year`. Call inside `audit::write`.
pub fn next(conn: &mut DbConn, prefix: &str, year: i32) -> Result<String, AppError> {
    let last: Option<i64> = reference_counters::table
        .find((prefix, year))
        .select(reference_counters::last_value)
        .first(conn)
        .optional()?;
    let value = last.unwrap_or(0) + 1;
    if last.is_some() {
        diesel::update(reference_counters::table.find((prefix, year)))
            .set(reference_counters::last_value.eq(value))
            .execute(conn)?;
    } else {
        diesel::insert_into(reference_counters::table)
            .values((
                reference_counters::prefix.eq(prefix),
                reference_counters::year.eq(year),
                reference_counters::last_value.eq(value),
            ))
            .execute(conn)?;
    }
    Ok(format(prefix, year, value))
}

pub fn format(prefix: &str, year: i32, value: i64) -> String {
    format!("{prefix}-{year}-{value:06}")
}

/// Reserves `count` references at once (bulk loads); returns the first number.
pub fn reserve(conn: &mut DbConn, prefix: &str, year: i32, count: i64) -> Result<i64, AppError> {
    let first = next(conn, prefix, year)?;
    let first_value: i64 = first
        .rsplit('-')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    if count > 1 {
        diesel::update(reference_counters::table.find((prefix, year)))
            .set(reference_counters::last_value.eq(first_value + count - 1))
            .execute(conn)?;
    }
    Ok(first_value)
}
