//! Columns read straight into the domain's types, without copying their text.
//!
//! A vocabulary column read as a `String` and then parsed costs an allocation per value, and
//! dates on SQLite are parsed by diesel through a format string at each value. For reads that
//! walk a year of records (the situation report's one pass), that was most of the work: the
//! types here read the text in place, from SQLite's row or PostgreSQL's buffer, on either
//! backend and through `DbConn`. A stored code outside the vocabulary fails the read (a bug, not
//! a value to show as a default). The record structs read their vocabulary fields, dates and
//! timestamps through them too.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::pg::{Pg, PgValue};
use diesel::sql_types::{Date, Nullable, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteValue};

use super::{Backend, MultiRawValue};
use crate::domain::vocab::{
    Category, ConvoyStatus, FiguresQualifier, FiguresScope, RecordStatus, Sensitivity, Verification,
};

/// `FromSql<Text>` on both backends (and the multi-backend) for vocabularies, read by their
/// stored code in place ([`FromText`], through [`InPlace`]'s readings).
macro_rules! read_by_code {
    ($($vocabulary:ident),+ $(,)?) => {$(
        impl FromText for $vocabulary {
            fn from_text(bytes: &[u8]) -> deserialize::Result<Self> {
                code_of(bytes, $vocabulary::ALL, $vocabulary::code, stringify!($vocabulary))
            }
        }

        impl FromSql<Text, Sqlite> for $vocabulary {
            fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                <InPlace<Self> as FromSql<Text, Sqlite>>::from_sql(value).map(|InPlace(v)| v)
            }
        }

        impl FromSql<Text, Pg> for $vocabulary {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                <InPlace<Self> as FromSql<Text, Pg>>::from_sql(value).map(|InPlace(v)| v)
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

/// A value read from a text column's bytes in place (no copy of the text), on either backend:
/// the column is read as [`InPlace`] of it.
pub trait FromText: Sized {
    fn from_text(bytes: &[u8]) -> deserialize::Result<Self>;
}

/// A text column read through `T`'s [`FromText`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InPlace<T>(pub T);

impl<T: FromText> FromSql<Text, Sqlite> for InPlace<T> {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        // As text: diesel (2.3) reads a text value as a blob through a copy of it (an
        // allocation and a free per value, a tenth of the report's pass), while the check that
        // a code of a few letters is UTF-8 costs next to nothing.
        T::from_text(value.read_text().as_bytes()).map(InPlace)
    }
}

impl<T: FromText> FromSql<Text, Pg> for InPlace<T> {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        T::from_text(value.as_bytes()).map(InPlace)
    }
}

impl<T: FromText> FromSql<Text, Backend> for InPlace<T> {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Text>()
    }
}

impl<T, DB: diesel::backend::Backend> Queryable<Text, DB> for InPlace<T>
where
    InPlace<T>: FromSql<Text, DB>,
{
    type Row = Self;

    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}

/// For a wrapper `$wrapper($inner)` of a column of SQL type `$sql` with its own reading on SQLite:
/// diesel's reading on PostgreSQL, both through the multi-backend, and the wrapper as the
/// record structs' `deserialize_as` (`Queryable`, and `From` into the field's type).
macro_rules! read_as_diesel_elsewhere {
    ($wrapper:ident, $inner:ty, $sql:ty) => {
        impl FromSql<$sql, Pg> for $wrapper {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                <$inner as FromSql<$sql, Pg>>::from_sql(value).map($wrapper)
            }
        }

        impl FromSql<$sql, Backend> for $wrapper {
            fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, $sql>()
            }
        }

        impl<DB: diesel::backend::Backend> Queryable<$sql, DB> for $wrapper
        where
            $wrapper: FromSql<$sql, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        /// For record structs' fields (`#[diesel(deserialize_as = crate::db::...)]`).
        impl From<$wrapper> for $inner {
            fn from(read: $wrapper) -> Self {
                read.0
            }
        }
    };
}

/// A date column. On SQLite (text, `YYYY-MM-DD`) its ten bytes are read as three numbers
/// (chrono's parser, general enough for signs and long years, was a twentieth of the report's
/// pass; diesel's goes through a format string), anything else by chrono's parser; on
/// PostgreSQL it is diesel's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub NaiveDate);

impl FromSql<Date, Sqlite> for Day {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = value.read_text();
        Ok(Day(match iso_day(text) {
            Some(day) => day,
            None => text.parse()?,
        }))
    }
}

/// Digits as a number (at most nine of them: no overflow).
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// `15:22:41` or `15:22:41.008181` (one to nine digits of the second), as diesel writes a
/// time; a time that exists (no leap second: diesel writes none).
fn iso_time(text: &str) -> Option<NaiveTime> {
    let b = text.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let nanos = match &b[8..] {
        [] => 0,
        [b'.', fraction @ ..] => {
            let scale =
                10u32.checked_pow(9u32.checked_sub(u32::try_from(fraction.len()).ok()?)?)?;
            number(fraction)? * scale
        }
        _ => return None,
    };
    let (hour, minute, second) = (number(&b[..2])?, number(&b[3..5])?, number(&b[6..8])?);
    if second > 59 {
        return None;
    }
    NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
}

/// `2025-06-01`: four, two and two digits between dashes, a date that exists.
fn iso_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(number(&b[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..])?)
}

read_as_diesel_elsewhere!(Day, NaiveDate, Date);

/// A timestamp column. On SQLite diesel stores `YYYY-MM-DD HH:MM:SS.ffffff` and reads it back by
/// trying its format strings one after another, each parsed for every value (about a twentieth
/// of a full export's work, measured); text in that form is read here by chrono's own date and
/// time parsers, and anything else by diesel as before. On PostgreSQL it is diesel's reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment(pub NaiveDateTime);

/// `2026-12-03 15:22:41.008181` (or without the fraction), as diesel writes timestamps.
fn as_diesel_writes(text: &str) -> Option<NaiveDateTime> {
    if text.as_bytes().get(10) != Some(&b' ') {
        return None;
    }
    let (date, time) = (text.get(..10)?, text.get(11..)?);
    let day = match iso_day(date) {
        Some(day) => day,
        None => date.parse().ok()?,
    };
    let time = match iso_time(time) {
        Some(time) => time,
        None => time.parse().ok()?,
    };
    Some(NaiveDateTime::new(day, time))
}

impl FromSql<Timestamp, Sqlite> for Moment {
    fn from_sql(mut value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        if let Some(read) = as_diesel_writes(value.read_text()) {
            return Ok(Moment(read));
        }
        <NaiveDateTime as FromSql<Timestamp, Sqlite>>::from_sql(value).map(Moment)
    }
}

read_as_diesel_elsewhere!(Moment, NaiveDateTime, Timestamp);

/// For record structs' optional timestamps (`#[diesel(deserialize_as = crate::db::MaybeMoment)]`).
pub struct MaybeMoment(Option<NaiveDateTime>);

impl<DB: diesel::backend::Backend> Queryable<Nullable<Timestamp>, DB> for MaybeMoment
where
    Moment: FromSql<Timestamp, DB>,
{
    type Row = Option<Moment>;

    fn build(row: Option<Moment>) -> deserialize::Result<Self> {
        Ok(MaybeMoment(row.map(NaiveDateTime::from)))
    }
}

impl From<MaybeMoment> for Option<NaiveDateTime> {
    fn from(moment: MaybeMoment) -> Self {
        moment.0
    }
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;
    use diesel::prelude::*;
    use diesel::sql_types::{Date, Text, Timestamp};

    use super::{Day, MaybeMoment, Moment};
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

    /// Timestamps as diesel writes them read by chrono's parsers, the same as diesel reads
    /// them; any other form diesel accepts (a 'T', a zone, a Julian day) still read by diesel;
    /// NULL as none.
    #[test]
    fn timestamps_read_as_diesel_reads_them() {
        let mut multi = crate::db::DbConn::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        for text in [
            "'2026-12-03 15:22:41.008181'",
            "'2026-12-03 15:22:41'",
            "'2018-02-26 00:00:00.5'",
            "'2026-12-03T15:22:41.25'",
            "'2026-12-03 15:22'",
            "2461012.5",
        ] {
            let select = || diesel::dsl::sql::<Timestamp>(text);
            let ours: Moment = diesel::select(select()).get_result(&mut multi).unwrap();
            let diesels: chrono::NaiveDateTime =
                diesel::select(select()).get_result(&mut multi).unwrap();
            assert_eq!(ours.0, diesels, "{text}");
        }
        assert!(super::as_diesel_writes("2026-12-03 15:22:41.008181").is_some());
        assert!(super::as_diesel_writes("2026-12-03T15:22:41").is_none());
        let bad = diesel::dsl::sql::<Timestamp>("'yesterday'");
        assert!(diesel::select(bad)
            .get_result::<Moment>(&mut multi)
            .is_err());
        let none = diesel::dsl::sql::<diesel::sql_types::Nullable<Timestamp>>("NULL");
        let read: MaybeMoment = diesel::select(none).get_result(&mut multi).unwrap();
        assert_eq!(Option::<chrono::NaiveDateTime>::from(read), None);
    }

    /// The quick reading of a time agrees with chrono's on every second of a day, on
    /// fractions of every length, and on the texts it leaves to chrono.
    #[test]
    fn times_read_as_chrono_reads_them() {
        use chrono::NaiveTime;
        for s in 0..86_400u32 {
            let t = NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap();
            let text = t.format("%H:%M:%S").to_string();
            assert_eq!(super::iso_time(&text), Some(t), "{text}");
        }
        for text in [
            "15:22:41.008181",
            "15:22:41.5",
            "15:22:41.123456789",
            "00:00:00.000001",
            "23:59:59.999999",
        ] {
            assert_eq!(
                super::iso_time(text),
                text.parse::<NaiveTime>().ok(),
                "{text}"
            );
        }
        for text in [
            "24:00:00",
            "15:60:00",
            "15:22:60",
            "15:22:41.",
            "15:22:41.1234567891",
            "15:22",
            "15:22:41Z",
            "15:22:41 ",
            "1:22:41",
            "15-22-41",
            "",
        ] {
            assert_eq!(super::iso_time(text), None, "{text}");
        }
    }

    /// The quick reading of a date agrees with chrono's on every day from 1900 to 2100 and on
    /// the texts it leaves to chrono (days that do not exist, other forms).
    #[test]
    fn days_read_as_chrono_reads_them() {
        let mut day = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while day.year() <= 2100 {
            let text = day.to_string();
            assert_eq!(super::iso_day(&text), Some(day), "{text}");
            day = day.succ_opt().unwrap();
        }
        for text in [
            "2025-02-29",
            "2024-02-30",
            "2025-13-01",
            "2025-00-10",
            "2025-1-01",
            "2025/06/01",
            "+2025-06-01",
            "20250601",
            "2025-06-01 ",
            "２０２５-06-01",
            "",
            "-202-06-01",
        ] {
            assert_eq!(super::iso_day(text), None, "{text}");
        }
        // What it leaves, chrono still reads where it can (a sign, a long year).
        let mut multi = crate::db::DbConn::Sqlite(SqliteConnection::establish(":memory:").unwrap());
        let read: Day = diesel::select(diesel::dsl::sql::<Date>("'+12025-06-01'"))
            .get_result(&mut multi)
            .unwrap();
        assert_eq!(
            read.0,
            chrono::NaiveDate::from_ymd_opt(12025, 6, 1).unwrap()
        );
        let bad =
            diesel::select(diesel::dsl::sql::<Date>("'2025-02-29'")).get_result::<Day>(&mut multi);
        assert!(bad.is_err());
    }
}
