//! Dates, times, counts and coordinates as typed into forms.

use chrono::{Datelike, NaiveDate, NaiveTime};

use super::Invalid;

/// `raw` with the digits people type in Arabic read as the digits they are: Arabic-Indic
/// (٠–٩) and Eastern Arabic-Indic (۰–۹) digits become 0–9 and the Arabic decimal sign (٫) a
/// point, so "١٢" is 12 and "٣٣٫٥٧١١" is 33.5711. Nothing else changes: the Arabic
/// thousands sign (٬) is left for each reader of numbers to take or refuse.
fn ascii_digits(raw: &str) -> String {
    raw.trim()
        .chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            c => c,
        })
        .collect()
}

/// Thousands separators a count may be typed with: the comma, spaces (French writes 70 000
/// with a narrow no-break space) and the Arabic thousands sign (٧٠٬٠٠٠).
const GROUP_SEPARATORS: [char; 5] = [',', ' ', '\u{a0}', '\u{202F}', '\u{066C}'];

/// `raw` in ASCII digits without its thousands separators (counts and decimals).
fn without_separators(raw: &str) -> String {
    ascii_digits(raw)
        .chars()
        .filter(|c| !GROUP_SEPARATORS.contains(c))
        .collect()
}

/// The earliest date Corridor accepts: nothing it records happened before.
const EARLIEST_YEAR: i32 = 1990;

/// A date written `YYYY-MM-DD`, in any digits (٢٠١٨-٠٢-٢٦ too), in the years a database can
/// store (1 to 9999); for form fields and list filters alike.
pub fn iso_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&ascii_digits(raw), "%Y-%m-%d")
        .ok()
        .filter(|d| (1..=9999).contains(&d.year()))
}

/// A date typed as `YYYY-MM-DD` (what `<input type="date">` sends), not after `today`.
pub fn date(raw: &str, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    if raw.trim().is_empty() {
        return Err("date-required");
    }
    let parsed = iso_date(raw).ok_or("date-invalid")?;
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
    let raw = &ascii_digits(raw);
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
    let cleaned = without_separators(raw);
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
    let raw = without_separators(raw);
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
    let raw = &ascii_digits(raw);
    if raw.is_empty() {
        return Ok(None);
    }
    // "33,5711" may be a decimal comma or two numbers run together: ask, never guess.
    if raw.contains([',', '\u{066C}', '\u{060C}']) {
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
    fn arabic_digits_are_read_as_the_numbers_they_are() {
        assert_eq!(optional_count("١٢"), Ok(Some(12)));
        assert_eq!(optional_count("٧٠٬٠٠٠"), Ok(Some(70_000)));
        assert_eq!(
            optional_count("۱۲"),
            Ok(Some(12)),
            "Eastern Arabic-Indic (Persian) digits"
        );
        assert_eq!(
            optional_count("70\u{202F}000"),
            Ok(Some(70_000)),
            "as French prints it"
        );
        assert_eq!(optional_count("-٣"), Err("count-negative"));
        assert_eq!(optional_count("١٢٫٥"), Err("count-invalid"));
        assert_eq!(optional_decimal("٨٠٠٫٥", 1e6), Ok(Some(800.5)));
        assert_eq!(optional_coordinate("٣٣٫٥٧١١", 90.0), Ok(Some(33.5711)));
        assert_eq!(
            optional_coordinate("٣٣٬٥٧١١", 90.0),
            Err("coordinate-comma")
        );
        assert_eq!(
            optional_coordinate("٣٣،٥٧١١", 90.0),
            Err("coordinate-comma")
        );
        assert_eq!(
            date("٢٠١٨-٠٢-٢٦", today()),
            Ok(NaiveDate::from_ymd_opt(2018, 2, 26).unwrap())
        );
        assert_eq!(optional_time("١٤:٣٠"), Ok("14:30".into()));
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
