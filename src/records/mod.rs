//! The records core: the one way to incidents, convoys, needs, claims, revisions, places and
//! evidence files. Reads take a `Scope` (the viewer), and what passed it comes back as
//! `Visible<T>`, which only this module can make. Related lists (linked incidents, needs
//! served, deliveries, duplicates, claims, history, files) are scoped in SQL, with a count of
//! what was left out, so a page can say "1 linked record you cannot see" and never name it.
//! Writes live in `store`: each takes the audit trail's write handle and checks the writer's
//! rights on every record it touches; the finders there that read a record whoever asks are
//! private to this module. Work that spans two kinds of record (merging duplicates, the
//! blocked-convoy offer) lives here too, above both.

pub mod convoys;
pub mod duplicates;
pub mod evidence;
pub mod history;
pub mod incidents;
pub mod merge;
mod near;
pub mod needs;
pub mod place_merge;
pub mod places;
pub mod references;
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
