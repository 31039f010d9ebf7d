//! The lists' counts (the incidents', the convoys' and the needs'; for a search, how many of its
//! newest matches there are, up to one more than `incidents::list::SEARCH_COUNT_LIMIT`), the
//! files on each row of an incident list's page and the map's figures kept in the server's
//! memory between requests (`db::memory`), under the count of changes of the records they count
//! (`incident_changes`, `record_changes` for convoys and needs, `evidence_changes` for files,
//! moved by trigger by every statement that writes the records, whoever runs it) and the
//! gazetteer's (an area's count follows its places, a point its place's coordinates): the next
//! write of either, and everything read before it is dropped. A list's count is a sum of tally
//! rows, or rows counted one by one, for every request of a page; most requests ask again what
//! another just asked (the first page, a category's year, the map) while nothing was written. On
//! PostgreSQL each is a statement of its own, and a tally's rows lie in the order records arrived,
//! one table page each: a category's year (1,171 rows of `incident_month_tallies` at a million
//! incidents, on 472 pages) took 1.7 ms, most of that list's database time.
//!
//! Each answer is kept for the viewer's role and organisation, which are all its scope reads
//! (`permissions::visible_sql`, `permissions::can_view_place`), beside the filter itself, and is
//! given out only to a viewer with both the same: the answer of their own scoped query. The
//! caller passes the viewer as anything printable (this layer knows no viewers), and every field
//! of it is in the key.

use std::collections::HashMap;
use std::marker::PhantomData;

use super::stamps::Stamps;
use super::{memory, stamps, DbConn};
use crate::error::AppError;

/// An answer that may be kept, and how many of its kind at once: past that, they are dropped
/// and kept again as asked (every filter is another answer, and a date range can be any two
/// days).
pub trait Kept: Clone + Send + 'static {
    const MOST: usize;
}

/// A list's count.
impl Kept for i64 {
    const MOST: usize = 4_096;
}

/// The files on each of a list page's records, by record number (`records::evidence::counts`):
/// fifty pairs at most, keyed by the page's record numbers.
impl Kept for Vec<(i64, i64)> {
    const MOST: usize = 1_024;
}

/// The records whose count of changes an answer follows.
pub trait Records: Send + 'static {
    fn changes(stamps: &Stamps) -> i64;
}

pub struct Incidents;
pub struct Convoys;
pub struct Needs;
/// The evidence files, and the claims they may sit on.
pub struct Evidence;

impl Records for Incidents {
    fn changes(stamps: &Stamps) -> i64 {
        stamps.incidents
    }
}

impl Records for Convoys {
    fn changes(stamps: &Stamps) -> i64 {
        stamps.convoys
    }
}

impl Records for Needs {
    fn changes(stamps: &Stamps) -> i64 {
        stamps.needs
    }
}

impl Records for Evidence {
    fn changes(stamps: &Stamps) -> i64 {
        stamps.evidence
    }
}

/// The answers of one kind about records `R`, by the gazetteer's count of changes, viewer and
/// filter (each kind kept apart, under its own records' count).
struct Answers<R, T>(HashMap<String, T>, PhantomData<R>);

impl<R, T> Default for Answers<R, T> {
    fn default() -> Self {
        Answers(HashMap::new(), PhantomData)
    }
}

/// The answer about records `R` to `filter` (the list's) as `viewer` (their role and
/// organisation) may see it: as kept, or from `answer` (the caller's own reading, through the
/// viewer's scope), then kept if the caller is a read (`memory::keep`).
pub fn kept<R: Records, T: Kept>(
    conn: &mut DbConn,
    viewer: &impl std::fmt::Debug,
    filter: &impl std::fmt::Debug,
    answer: impl FnOnce(&mut DbConn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let stamps = stamps::read(conn)?;
    let changes = R::changes(&stamps);
    // Every field of both, by their `Debug`: a field added to either is in the key.
    let key = format!("{}|{viewer:?}|{filter:?}", stamps.gazetteer);
    let kept = memory::at(changes, |kept: &mut Answers<R, T>| {
        kept.0.get(&key).cloned()
    });
    if let Some(Some(found)) = kept {
        return Ok(found);
    }
    let found = answer(conn)?;
    memory::keep(changes, |kept: &mut Answers<R, T>| {
        if kept.0.len() >= T::MOST {
            kept.0.clear();
        }
        kept.0.insert(key, found.clone());
    });
    Ok(found)
}
