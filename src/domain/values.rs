//! Dates, times, counts and coordinates as typed into forms.

use chrono::{Datelike, NaiveDate, NaiveTime};

use super::Invalid;

/// The earliest date Corridor accepts: nothing it records happened before.
const EARLIEST_YEAR: i32 = 1990;

/// A date typed as `YYYY-MM-DD` (what `<input type="date">` sends), not after `today`.
pub fn date(raw: &str, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("date-required");
    }
    let parsed = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| "date-invalid")?;
    if parsed.year() < EARLIEST_YEAR {
        return Err("date-too-early");
    }
    if parsed > today {
        return Err("date-future");
    }
    Ok(parsed)
}

/// An optional date; empty is `None`.
pub fn optional_date(raw: &str, today: NaiveDate) -> Result<Option<NaiveDate>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        date(raw, today).map(Some)
    }
}

/// An optional time of day, `HH:MM` (24-hour); kept as typed, normalised.
pub fn optional_time(raw: &str) -> Result<String, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    NaiveTime::parse_from_str(raw, "%H:%M")
        .map(|t| t.format("%H:%M").to_string())
        .map_err(|_| "time-invalid")
}

/// The most any single count may be: more people than live in any country.
const MAX_COUNT: i64 = 2_000_000_000;

/// An optional whole number of people, never negative. Thousands separators are allowed.
pub fn optional_count(raw: &str) -> Result<Option<i64>, Invalid> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ' && *c != '\u{a0}')
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    if cleaned.starts_with('-')
        && cleaned[1..].chars().all(|c| c.is_ascii_digit())
        && cleaned.len() > 1
    {
        return Err("count-negative");
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Err("count-invalid");
    }
    let n: i64 = cleaned.parse().map_err(|_| "count-too-large")?;
    if n > MAX_COUNT {
        return Err("count-too-large");
    }
    Ok(Some(n))
}

/// A required positive whole number (trucks, quantities) up to `max`.
pub fn positive_number(raw: &str, max: i64) -> Result<i64, Invalid> {
    match optional_count(raw)? {
        None => Err("field-required"),
        Some(0) => Err("number-zero"),
        Some(n) if n > max => Err("count-too-large"),
        Some(n) => Ok(n),
    }
}

/// An optional decimal number from 0 to `max` (weights in kilograms).
pub fn optional_decimal(raw: &str, max: f64) -> Result<Option<f64>, Invalid> {
    let raw = raw.trim().replace(',', "");
    if raw.is_empty() {
        return Ok(None);
    }
    let v: f64 = raw.parse().map_err(|_| "decimal-invalid")?;
    if !v.is_finite() || v < 0.0 {
        return Err("decimal-invalid");
    }
    if v > max {
        return Err("count-too-large");
    }
    Ok(Some(v))
}

/// An optional coordinate in decimal degrees within ±`limit`.
pub fn optional_coordinate(raw: &str, limit: f64) -> Result<Option<f64>, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    // "33,5711" may be a decimal comma or two numbers run together: ask, never guess.
    if raw.contains(',') {
        return Err("coordinate-comma");
    }
    let v: f64 = raw.parse().map_err(|_| "coordinate-invalid")?;
    if !v.is_finite() || v.abs() > limit {
        return Err("coordinate-out-of-range");
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn dates() {
        assert_eq!(
            date("2018-02-20", today()),
            Ok(NaiveDate::from_ymd_opt(2018, 2, 20).unwrap())
        );
        assert_eq!(date("", today()), Err("date-required"));
        assert_eq!(date("0000-00-00", today()), Err("date-invalid"));
        assert_eq!(date("9999-12-31", today()), Err("date-future"));
        assert_eq!(date("1066-10-14", today()), Err("date-too-early"));
        assert_eq!(date("2026-02-30", today()), Err("date-invalid"));
        assert_eq!(date("20/02/2018", today()), Err("date-invalid"));
        assert_eq!(date("2026-11-27", today()), Err("date-future"));
    }

    #[test]
    fn counts() {
        assert_eq!(optional_count(""), Ok(None));
        assert_eq!(optional_count("1,100"), Ok(Some(1100)));
        assert_eq!(optional_count("-3"), Err("count-negative"));
        assert_eq!(optional_count("dozens"), Err("count-invalid"));
        assert_eq!(optional_count("3.5"), Err("count-invalid"));
        assert_eq!(
            optional_count("99999999999999999999999"),
            Err("count-too-large")
        );
        assert_eq!(positive_number("0", 10), Err("number-zero"));
    }

    #[test]
    fn times_and_coordinates() {
        assert_eq!(optional_time("7:05"), Ok("07:05".into()));
        assert_eq!(optional_time("25:00"), Err("time-invalid"));
        assert_eq!(optional_coordinate("33.57", 90.0), Ok(Some(33.57)));
        assert_eq!(
            optional_coordinate("33,5711", 90.0),
            Err("coordinate-comma")
        );
        assert_eq!(
            optional_coordinate("95", 90.0),
            Err("coordinate-out-of-range")
        );
        assert_eq!(
            optional_coordinate("NaN", 90.0),
            Err("coordinate-out-of-range")
        );
    }
}
