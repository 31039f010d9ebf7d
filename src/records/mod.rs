//! The records core's read side. Every page, history, suggestion list and menu gets incidents,
//! convoys, needs, claims, revisions and places through a `Scope` (the viewer), and what passed
//! it comes back as `Visible<T>`, which only this module can make. Related lists (linked
//! incidents, needs served, deliveries, duplicates, claims, history) are scoped in SQL, with a
//! count of what was left out, so a page can say "1 linked record you cannot see" and never
//! name it. Writes go through the stores (`incidents::store`, `convoys::store`,
//! `needs::store`), which check the same rules on every record they touch; work that spans two
//! kinds of record and cannot belong to either store (merging duplicates) lives here, above them.

pub mod convoys;
pub mod evidence;
pub mod history;
pub mod incidents;
pub mod merge;
pub mod needs;
pub mod places;
mod scope;
pub mod store;

pub use scope::{Scope, Visible};

/// How many related records a list left out because the viewer may not see them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hidden(pub usize);

impl Hidden {
    fn of(all: i64, shown: usize) -> Self {
        Self(usize::try_from(all).unwrap_or(0).saturating_sub(shown))
    }

    pub fn any(&self) -> bool {
        self.0 > 0
    }

    pub fn count(&self) -> i64 {
        self.0 as i64
    }
}
