//! Columns read straight into the domain's types, without copying their text.
//!
//! A vocabulary column read as a `String` and then parsed costs an allocation per value, and
//! dates on SQLite are parsed by diesel through a format string at each value. For reads that
//! walk a year of records (the situation report's one pass), that was most of the work: the
//! types here read the text in place, from SQLite's row or PostgreSQL's buffer, on either
//! backend and through `DbConn`. A stored code outside the vocabulary fails the read (a bug, not
//! a value to show as a default). The record structs read their vocabulary fields and dates
//! through them too.

use chrono::NaiveDate;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Date, Text};
use diesel::sqlite::{Sqlite, SqliteValue};

use super::{Backend, MultiRawValue};
use crate::domain::vocab::{
    Category, ConvoyStatus, FiguresQualifier, FiguresScope, RecordStatus, Sensitivity, Verification,
};

/// `FromSql<Text>` on both backends (and the multi-backend) for vocabularies, read by their
/// stored code.
macro_rules! read_by_code {
    ($($vocabulary:ident),+ $(,)?) => {$(
        impl FromSql<Text, Sqlite> for $vocabulary {
            fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                // The text's bytes (`read_text` would check they are UTF-8, twice).
                code_of(value.read_blob(), $vocabulary::ALL, $vocabulary::code, stringify!($vocabulary))
            }
        }

        impl FromSql<Text, Pg> for $vocabulary {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                code_of(value.as_bytes(), $vocabulary::ALL, $vocabulary::code, stringify!($vocabulary))
            }
        }

        impl FromSql<Text, Backend> for $vocabulary {
            fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        impl<DB: diesel::backend::Backend> Queryable<Text, DB> for $vocabulary
        where
            $vocabulary: FromSql<Text, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )+};
}

read_by_code!(
    Category,
    ConvoyStatus,
    FiguresQualifier,
    FiguresScope,
    RecordStatus,
    Sensitivity,
    Verification,
);

/// The value of `all` whose stored code is `bytes` (compared as bytes: a vocabulary has a few
/// codes, and a stored one is exactly a code).
fn code_of<T: Copy>(
    bytes: &[u8],
    all: &[T],
    code: fn(T) -> &'static str,
    what: &str,
) -> deserialize::Result<T> {
    all.iter()
        .copied()
        .find(|v| code(*v).as_bytes() == bytes)
        .ok_or_else(|| {
            let read = String::from_utf8_lossy(bytes);
            format!("{read:?} is not a {what} code").into()
        })
}

/// A date column. On SQLite (text, `YYYY-MM-DD`) it is read by chrono's own date parser, not
/// through a format string as diesel does; on PostgreSQL it is diesel's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub NaiveDate);

impl FromSql<Date, Sqlite> for Day {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        Ok(Day(value.read_text().parse()?))
    }
}

impl FromSql<Date, Pg> for Day {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, Pg>>::from_sql(value).map(Day)
    }
}

impl FromSql<Date, Backend> for Day {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Date>()
    }
}

/// For record structs' date fields (`#[diesel(deserialize_as = crate::db::Day)]`).
impl From<Day> for NaiveDate {
    fn from(day: Day) -> Self {
        day.0
    }
}

impl<DB: diesel::backend::Backend> Queryable<Date, DB> for Day
where
    Day: FromSql<Date, DB>,
{
    type Row = Self;

    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::{Date, Text};

    use super::Day;
    use crate::domain::vocab::Sensitivity;

    /// A code and a date read in place on SQLite's own connection and through the
    /// multi-backend one; an unknown code fails the read instead of passing as a default.
    #[test]
    fn codes_and_days_read_in_place() {
        let select = diesel::dsl::sql::<(Text, Date)>("'restricted', '2025-06-01'");
        let mut own = SqliteConnection::establish(":memory:").unwrap();
        let read: (Sensitivity, Day) = diesel::select(select.clone()).get_result(&mut own).unwrap();
        let expected = chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        assert_eq!(read, (Sensitivity::Restricted, Day(expected)));

        let mut multi = crate::db::DbConn::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        let read: (Sensitivity, Day) = diesel::select(select).get_result(&mut multi).unwrap();
        assert_eq!(read, (Sensitivity::Restricted, Day(expected)));

        let unknown = diesel::dsl::sql::<Text>("'secret'");
        let failed = diesel::select(unknown).get_result::<Sensitivity>(&mut multi);
        let message = format!("{:?}", failed.unwrap_err());
        assert!(message.contains("not a Sensitivity code"), "{message}");
    }
}
