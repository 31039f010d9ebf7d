//! A date range as the whole months it holds and the days of the months it cuts. A list
//! filtered by dates counts its whole months from the monthly tallies
//! (`incident_month_tallies`, kept by triggers) and only the cut days row by row, so a year's
//! count sums a few hundred tally rows whatever the year holds.

use chrono::{Datelike, Months, NaiveDate};

/// A month as the tallies store it: 'YYYY-MM'.
pub fn key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// `from..=to` (either end open) split in two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The first and last whole month inside the range (`None`: open at that end), or `None`
    /// when the range holds no whole month.
    pub whole: Option<(Option<String>, Option<String>)>,
    /// The days outside those months (at most two spans, each within two months).
    pub cut: Vec<(NaiveDate, NaiveDate)>,
}

/// The split of `from..=to`; `None` when a bound's year has no four-digit key (keys would no
/// longer sort as the dates do), so the count is taken row by row.
pub fn split(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Option<Split> {
    if [from, to]
        .into_iter()
        .flatten()
        .any(|d| !(1000..=9999).contains(&d.year()))
    {
        return None;
    }
    // The first day of the first whole month and the last day of the last one.
    let first = match from {
        Some(f) if f.day() == 1 => Some(f),
        Some(f) => Some(first_of(f).checked_add_months(Months::new(1))?),
        None => None,
    };
    let last = match to {
        Some(t) if t.succ_opt().is_none_or(|next| next.month() != t.month()) => Some(t),
        Some(t) => Some(first_of(t).pred_opt()?),
        None => None,
    };
    if let (Some(f), Some(l), Some(from), Some(to)) = (first, last, from, to) {
        if f > l {
            // No whole month: the range lies within two months at most (or is empty).
            let cut = if from <= to { vec![(from, to)] } else { vec![] };
            return Some(Split { whole: None, cut });
        }
    }
    let mut cut = Vec::new();
    if let (Some(from), Some(first)) = (from, first) {
        if from < first {
            cut.push((from, first.pred_opt()?));
        }
    }
    if let (Some(to), Some(last)) = (to, last) {
        if last < to {
            cut.push((last.succ_opt()?, to));
        }
    }
    Some(Split {
        whole: Some((first.map(key), last.map(key))),
        cut,
    })
}

fn first_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Every day of a window is counted exactly once if the range holds it, never otherwise,
    /// for every pair of bounds around a leap February and a year's end, and open ends.
    #[test]
    fn whole_months_and_cut_days_cover_the_range_once() {
        let window: Vec<NaiveDate> = day("2023-11-01")
            .iter_days()
            .take_while(|d| *d <= day("2024-04-30"))
            .collect();
        let bounds: Vec<Option<NaiveDate>> = std::iter::once(None)
            .chain(
                window
                    .iter()
                    .filter(|d| *d >= &day("2023-12-20") && *d <= &day("2024-03-05"))
                    .map(|d| Some(*d)),
            )
            .collect();
        for &from in &bounds {
            for &to in &bounds {
                let s = split(from, to).expect("four-digit years");
                for d in &window {
                    let wanted = from.is_none_or(|f| *d >= f) && to.is_none_or(|t| *d <= t);
                    let in_whole = s.whole.as_ref().is_some_and(|(a, b)| {
                        let k = key(*d);
                        a.as_ref().is_none_or(|a| k >= *a) && b.as_ref().is_none_or(|b| k <= *b)
                    });
                    let in_cuts = s.cut.iter().filter(|(a, b)| a <= d && d <= b).count();
                    assert_eq!(
                        usize::from(in_whole) + in_cuts,
                        usize::from(wanted),
                        "{d} for {from:?}..={to:?}: {s:?}"
                    );
                }
                assert!(s.cut.len() <= 2, "{from:?}..={to:?}: {s:?}");
                for (a, b) in &s.cut {
                    assert!((*b - *a).num_days() < 62, "a cut spans two months at most");
                }
            }
        }
    }

    #[test]
    fn a_year_is_twelve_whole_months() {
        assert_eq!(
            split(Some(day("2024-01-01")), Some(day("2024-12-31"))),
            Some(Split {
                whole: Some((Some("2024-01".into()), Some("2024-12".into()))),
                cut: vec![],
            })
        );
        assert_eq!(split(Some(day("0999-12-31")), None), None);
    }
}
