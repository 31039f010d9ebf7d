//! The viewer's scope: the one place that says which records, claims, revisions and places a
//! person may see, as a test on a loaded value and as the same test in SQL. Pages, exports and
//! reports get records only through a `Scope`; what passed it comes back as `Visible<T>`, which
//! only this core can make.

use std::ops::Deref;

use diesel::expression::SqlLiteral;
use diesel::sql_types::Bool;

use crate::domain::vocab::{RecordStatus, Sensitivity};
use crate::domain::Role;
use crate::incidents::Claim;
use crate::locations::Location;
use crate::permissions::{self, Action, RecordFacts, Viewer};
use crate::revisions::Revision;

/// Who is looking. Made from the signed-in person (or, for tools that act for the whole
/// deployment, `Scope::everything`).
#[derive(Debug, Clone, Copy)]
pub struct Scope {
    viewer: Viewer,
}

impl Scope {
    pub fn of(viewer: Viewer) -> Self {
        Self { viewer }
    }

    /// The scope of the command line's own tools (demo, backups): every record.
    pub fn everything() -> Self {
        Self {
            viewer: Viewer {
                role: Role::Coordinator,
                organization_id: 0,
            },
        }
    }

    pub fn viewer(&self) -> Viewer {
        self.viewer
    }

    /// Coordinators and auditors see every record.
    pub fn sees_all(&self) -> bool {
        permissions::allows(self.viewer.role, Action::ReadIncidents)
            && matches!(self.viewer.role, Role::Coordinator | Role::Auditor)
    }

    /// May the viewer see a record with these facts?
    pub fn sees(&self, facts: RecordFacts) -> bool {
        permissions::can_view_record(self.viewer, facts)
    }

    /// `sees` as an SQL condition on `table`; `None` when everything is visible.
    pub fn record_sql(&self, table: &str, has_drafts: bool) -> Option<String> {
        permissions::visible_sql(self.viewer, table, has_drafts)
    }

    /// `record_sql` as a filter for any query over `table` (always true for those who see
    /// everything).
    pub fn records_of(&self, table: &str, has_drafts: bool) -> SqlLiteral<Bool> {
        crate::db::sql_filter(self.record_sql(table, has_drafts))
    }

    /// May the viewer see this place (its name, spellings, coordinates)?
    pub fn sees_place(&self, place: &Location) -> bool {
        permissions::can_view_place(self.viewer, place.restricted_to_org)
    }

    /// `sees_place` as an SQL condition on the locations table `alias`; `None`: every place.
    pub fn place_sql(&self, alias: &str) -> Option<String> {
        permissions::place_visible_sql(self.viewer, alias)
    }

    /// A claim's statement follows the record it was first recorded on (its organisation and
    /// sensitivity then), not the record it sits on now: merging does not widen it.
    pub fn sees_claim(&self, c: &Claim) -> bool {
        self.sees(claim_facts(c))
    }

    /// Source names are for the organisation that recorded the claim, coordinators and auditors.
    pub fn sees_claim_source(&self, c: &Claim) -> bool {
        permissions::can_see_sources(self.viewer, claim_facts(c))
    }

    /// Could the viewer have seen the record as it was after this revision?
    pub fn sees_revision(&self, r: &Revision) -> bool {
        revision_facts(r).map_or_else(|| self.sees_all(), |f| self.sees(f))
    }

    /// May the viewer read the source names a revision records (those of its organisation)?
    pub fn sees_revision_sources(&self, r: &Revision) -> bool {
        revision_facts(r).map_or_else(
            || self.sees_all(),
            |f| permissions::can_see_sources(self.viewer, f),
        )
    }
}

/// The organisation, sensitivity and status a record had after revision `r`; `None` for
/// places and for revisions with no organisation recorded (coordinators and auditors only).
fn revision_facts(r: &Revision) -> Option<RecordFacts> {
    if r.entity_type == "location" {
        return None;
    }
    Some(RecordFacts {
        organization_id: r.organization_id?,
        // A revision from before the facts were kept counts as confidential.
        sensitivity: Sensitivity::from_stored(&r.sensitivity).unwrap_or(Sensitivity::Confidential),
        status: RecordStatus::from_stored(&r.record_status).unwrap_or(RecordStatus::Submitted),
        verification: crate::domain::vocab::Verification::Unverified,
        retracted: false,
    })
}

fn claim_facts(c: &Claim) -> RecordFacts {
    permissions::claim_facts(c.organization_id, &c.sensitivity)
}

/// A value that passed the viewer's scope. Only the records core makes one, so a page that
/// holds a `Visible<T>` holds something its viewer may see.
#[derive(Debug, Clone)]
pub struct Visible<T>(T);

impl<T> Visible<T> {
    pub(in crate::records) fn vouched(value: T) -> Self {
        Self(value)
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Visible<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
