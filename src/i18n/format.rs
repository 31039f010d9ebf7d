//! Numbers and dates as the reader writes them: grouping, decimal sign, digits and month names
//! follow the language. Exports, HXL rows and `datetime` attributes never come through here:
//! they keep one machine-readable form whatever the language.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use fluent_templates::fluent_bundle::FluentValue;

use super::{Digits, Lang};

/// Fluent writes numbers between these private-use marks, so `t_args` can write them as
/// `Lang::number` does (the formatter Fluent calls cannot know the reader's digits).
const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// The formatter handed to every Fluent bundle: whole numbers come out marked.
pub(super) fn mark_number<M>(value: &FluentValue, _: &M) -> Option<String> {
    match value {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 9.0e15 => {
            Some(format!("{MARK_START}{}{MARK_END}", n.value as i64))
        }
        _ => None,
    }
}

/// `text` with every marked number replaced by `write(number)`.
pub(super) fn write_marked_numbers(text: &str, write: impl Fn(i64) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(MARK_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + MARK_START.len_utf8()..];
        let Some(end) = after.find(MARK_END) else {
            rest = after;
            break;
        };
        match after[..end].parse::<i64>() {
            Ok(n) => out.push_str(&write(n)),
            Err(_) => out.push_str(&after[..end]),
        }
        rest = &after[end + MARK_END.len_utf8()..];
    }
    out.push_str(rest);
    out
}

impl Lang {
    /// A whole number grouped the way the reader expects: 1,234,567 in English and Arabic,
    /// 1 234 567 in French (narrow no-break spaces), ١٬٢٣٤٬٥٦٧ with Arabic-Indic digits.
    pub fn number(&self, n: i64) -> String {
        let group = match (self.language(), self.digits) {
            (_, Digits::ArabicIndic) => "\u{066C}",
            ("fr", _) => "\u{202F}",
            _ => ",",
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() * 2);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(group);
            }
            out.push(c);
        }
        self.in_digits(&out)
    }

    /// `text` (a number, a date or a time) with its ASCII digits in the reader's digits, and
    /// with Arabic-Indic digits the decimal point as the Arabic decimal sign (٣٣٫٥٧١١).
    pub fn in_digits(&self, text: &str) -> String {
        match self.digits {
            Digits::Western => text.to_string(),
            Digits::ArabicIndic => text
                .chars()
                .map(|c| match c.to_digit(10) {
                    Some(d) if c.is_ascii_digit() => {
                        char::from_u32(0x0660 + d).expect("Arabic-Indic digits exist")
                    }
                    _ if c == '.' => '\u{066B}',
                    _ => c,
                })
                .collect(),
        }
    }

    /// A latitude and longitude, "33.5711, 36.4028", in the reader's digits, for a left-to-right
    /// isolate. Arabic-Indic digits are "Arabic numbers" to Unicode's bidi algorithm, which
    /// lays out the comma between two of them right to left even inside a left-to-right run
    /// (the longitude would be drawn first); a left-to-right mark after the comma prevents it.
    pub fn coordinates(&self, latitude: f64, longitude: f64) -> String {
        let separator = match self.digits {
            Digits::Western => ", ",
            Digits::ArabicIndic => ",\u{200E} ",
        };
        format!(
            "{}{separator}{}",
            self.in_digits(&latitude.to_string()),
            self.in_digits(&longitude.to_string())
        )
    }

    /// A date in words: 20 February 2018, 20 février 2018, 20 شباط 2018.
    pub fn date(&self, d: NaiveDate) -> String {
        self.day_month_year(d, "month")
    }

    /// A date for tables and lists: 20 Feb 2018, 20 févr. 2018 (Arabic month names are short).
    pub fn date_short(&self, d: NaiveDate) -> String {
        self.day_month_year(d, "month-short")
    }

    /// A moment to the minute, in UTC as stored: 20 Feb 2018 14:30.
    pub fn date_time(&self, t: NaiveDateTime) -> String {
        let hm = format!("{:02}:{:02}", t.hour(), t.minute());
        format!("{} {}", self.date_short(t.date()), self.in_digits(&hm))
    }

    /// A moment to the second, for the audit trail: 20 Feb 2018 14:30:05.
    pub fn date_time_seconds(&self, t: NaiveDateTime) -> String {
        let s = format!(":{:02}", t.second());
        format!("{}{}", self.date_time(t), self.in_digits(&s))
    }

    /// A month and year, for chart axes: Feb 2018.
    pub fn month_year(&self, d: NaiveDate) -> String {
        let month = self.t(&format!("month-short-{}", d.month()));
        format!("{month} {}", self.in_digits(&d.year().to_string()))
    }

    fn day_month_year(&self, d: NaiveDate, names: &str) -> String {
        let month = self.t(&format!("{names}-{}", d.month()));
        let day = self.in_digits(&d.day().to_string());
        let year = self.in_digits(&d.year().to_string());
        format!("{day} {month} {year}")
    }
}
