//! Human-readable references such as `INC-2026-000123`: one counter per prefix and year,
//! advanced inside the writing transaction, so a number is never given twice or reused.

use diesel::prelude::*;

use crate::db::schema::reference_counters;
use crate::db::DbConn;
use crate::error::AppError;

/// The next reference for `prefix` (`INC`, `CVY`, `NEED`) in `year`. Call inside `audit::write`.
pub fn next(conn: &mut DbConn, prefix: &str, year: i32) -> Result<String, AppError> {
    Ok(format(prefix, year, advance(conn, prefix, year)?))
}

/// Advances the counter of `prefix` in `year` by one and answers its new value.
fn advance(conn: &mut DbConn, prefix: &str, year: i32) -> Result<i64, AppError> {
    // One kept statement advances the counter and answers the new value; the first reference
    // of a prefix and year inserts its row.
    let advanced: Option<i64> = crate::on_backend!(conn, |c| crate::db::kept(
        diesel::update(reference_counters::table.find((prefix, year)))
            .set(reference_counters::last_value.eq(reference_counters::last_value + 1))
            .returning(reference_counters::last_value)
    )
    .get_result(c)
    .optional())?;
    Ok(match advanced {
        Some(value) => value,
        None => {
            diesel::insert_into(reference_counters::table)
                .values((
                    reference_counters::prefix.eq(prefix),
                    reference_counters::year.eq(year),
                    reference_counters::last_value.eq(1),
                ))
                .execute(conn)?;
            1
        }
    })
}

/// The ids a new incident, its first claim and its first revision will have, reserved on
/// PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct IncidentIds {
    pub incident: i64,
    pub claim: i64,
    pub revision: crate::revisions::ReservedId,
}

/// The next incident reference in `year` (`next`), and on PostgreSQL the ids the new incident,
/// its first claim and its first revision will have, taken from their tables' sequences in the
/// same round trip: with the ids known the incident and its claim go to the server as one
/// statement (`records::store::incidents::create`), its revision with the audit events as
/// another (`revisions::record_new_then`). SQLite gives ids as it inserts, with no round trip
/// to save. An id taken and not used leaves a gap, as a rolled-back insert's does; references
/// have none.
pub fn next_incident(
    conn: &mut DbConn,
    year: i32,
) -> Result<(String, Option<IncidentIds>), AppError> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    const PREFIX: &str = "INC";
    let DbConn::Pg(c) = conn else {
        return Ok((next(conn, PREFIX, year)?, None));
    };
    let advanced: Option<(i64, (i64, i64, i64))> = crate::db::kept(
        diesel::update(reference_counters::table.find((PREFIX, year)))
            .set(reference_counters::last_value.eq(reference_counters::last_value + 1))
            .returning((
                reference_counters::last_value,
                (
                    sql::<BigInt>("nextval('incidents_id_seq')"),
                    sql::<BigInt>("nextval('claims_id_seq')"),
                    sql::<BigInt>(crate::revisions::NEXT_ID),
                ),
            )),
    )
    .get_result(c)
    .optional()?;
    Ok(match advanced {
        Some((value, (incident, claim, revision))) => (
            format(PREFIX, year, value),
            Some(IncidentIds {
                incident,
                claim,
                revision: crate::revisions::ReservedId::taken(revision),
            }),
        ),
        // The year's first reference inserts its counter; its rows take their ids as they
        // are inserted.
        None => (next(conn, PREFIX, year)?, None),
    })
}

pub fn format(prefix: &str, year: i32, value: i64) -> String {
    format!("{prefix}-{year}-{value:06}")
}

/// A reference as a person typed it, in the stored form: any case, spaces around, and the
/// number with or without its leading zeros (`inc-2026-8` is `INC-2026-000008`). Text that is
/// not shaped like a reference comes back trimmed and upper-cased, to match nothing.
pub fn normalize(typed: &str) -> String {
    let upper = typed.trim().to_uppercase();
    let mut parts = upper.splitn(3, '-');
    if let (Some(prefix), Some(year), Some(number)) = (parts.next(), parts.next(), parts.next()) {
        let shaped = !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_uppercase());
        if let (true, Ok(year), Ok(value)) = (shaped, year.parse::<i32>(), number.parse::<i64>()) {
            if value > 0 && number.chars().all(|c| c.is_ascii_digit()) {
                return format(prefix, year, value);
            }
        }
    }
    upper
}

/// Reserves `count` references at once (bulk loads); returns the first number.
pub fn reserve(conn: &mut DbConn, prefix: &str, year: i32, count: i64) -> Result<i64, AppError> {
    let first_value = advance(conn, prefix, year)?;
    if count > 1 {
        diesel::update(reference_counters::table.find((prefix, year)))
            .set(reference_counters::last_value.eq(first_value + count - 1))
            .execute(conn)?;
    }
    Ok(first_value)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn references_in_any_case_and_without_leading_zeros() {
        assert_eq!(normalize("inc-2026-8"), "INC-2026-000008");
        assert_eq!(normalize(" Inc-2026-000008 "), "INC-2026-000008");
        assert_eq!(normalize("CVY-2026-1234567"), "CVY-2026-1234567");
        assert_eq!(normalize("inc-2026-x"), "INC-2026-X");
        assert_eq!(normalize("inc-2026--8"), "INC-2026--8");
    }
}
