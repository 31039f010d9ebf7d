//! The one permission table: which role may do which action. Every route names the action it
//! needs (see `web::routes`), and object-level checks (organisation, sensitivity) also live here,
//! so no handler decides on its own who may do what.

use crate::domain::vocab::{RecordStatus, Sensitivity, Verification};
use crate::domain::Role;

/// Something a signed-in person may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the home page, change one's own password, sign out.
    UseAccount,
    /// List, create and change user accounts; unlock sign-in.
    ManageUsers,
    /// List, create and change organisations.
    ManageOrganizations,
    /// Read the audit trail and check its chain.
    ReadAuditTrail,
    /// See incidents (which ones: `can_view_record`), their claims and history.
    ReadIncidents,
    /// Record incidents and claims, and edit them (which ones: `can_edit_record`).
    RecordIncidents,
    /// Set an incident's verification status.
    VerifyIncidents,
    /// Retract an incident (which ones: `can_retract_incident`).
    RetractIncidents,
    /// Merge a duplicate incident into the record kept (`can_merge_incident`).
    MergeIncidents,
    /// See convoys (which ones: `can_view_record`).
    ReadConvoys,
    /// Plan convoys, record their events and deliveries (which ones: `can_edit_record`).
    RecordConvoys,
    /// See medical-supply needs.
    ReadNeeds,
    /// Record and change needs.
    RecordNeeds,
    /// Produce situation reports.
    RunReports,
    /// Write the summary paragraph kept with a situation report's parameters.
    SummarizeReports,
    /// Export records as CSV or JSON (what the person may see, nothing more).
    ExportRecords,
    /// Remove an evidence file's bytes for a legal or safety reason (its hash stays).
    PurgeEvidence,
    /// See the gazetteer (which places: `can_view_place`).
    ReadPlaces,
    /// Correct places, their names and areas, and merge duplicates.
    ManagePlaces,
}

use Action::*;
use Role::*;

/// Role × action. Anything not listed is refused.
const TABLE: &[(Action, &[Role])] = &[
    (UseAccount, &[Reporter, Coordinator, Auditor, Admin]),
    (ManageUsers, &[Admin]),
    (ManageOrganizations, &[Admin]),
    (ReadAuditTrail, &[Auditor]),
    (ReadIncidents, &[Reporter, Coordinator, Auditor]),
    (RecordIncidents, &[Reporter, Coordinator]),
    (VerifyIncidents, &[Coordinator]),
    (RetractIncidents, &[Reporter, Coordinator]),
    (MergeIncidents, &[Coordinator]),
    (ReadConvoys, &[Reporter, Coordinator, Auditor]),
    (RecordConvoys, &[Reporter, Coordinator]),
    (ReadNeeds, &[Reporter, Coordinator, Auditor]),
    (RecordNeeds, &[Reporter, Coordinator]),
    (RunReports, &[Coordinator, Auditor]),
    (SummarizeReports, &[Coordinator]),
    (ExportRecords, &[Coordinator, Auditor]),
    (PurgeEvidence, &[Admin]),
    (ReadPlaces, &[Reporter, Coordinator, Auditor, Admin]),
    (ManagePlaces, &[Coordinator, Admin]),
];

/// May a person with `role` do `action`?
pub fn allows(role: Role, action: Action) -> bool {
    TABLE
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

/// Every action with the roles allowed it, for documentation pages and tests.
pub fn table() -> &'static [(Action, &'static [Role])] {
    TABLE
}

/// Who is asking, for object-level checks.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub role: Role,
    pub organization_id: i64,
}

/// What the object-level checks need to know of a record.
#[derive(Debug, Clone, Copy)]
pub struct RecordFacts {
    pub organization_id: i64,
    pub sensitivity: Sensitivity,
    pub status: RecordStatus,
    pub verification: Verification,
    /// Retracted, or merged into another record: either way, no more changes.
    pub retracted: bool,
}

/// Coordinators and auditors see every record (incident, convoy, need). A reporter sees their
/// own organisation's records, and other organisations' submitted records that are public or
/// restricted; another organisation's drafts and confidential records stay hidden.
pub fn can_view_record(v: Viewer, r: RecordFacts) -> bool {
    // Reading any kind of record is given to the same roles.
    if !allows(v.role, ReadIncidents) {
        return false;
    }
    match v.role {
        Coordinator | Auditor => true,
        _ => {
            v.organization_id == r.organization_id
                || (r.status != RecordStatus::Draft && r.sensitivity != Sensitivity::Confidential)
        }
    }
}

/// `can_view_record` as an SQL condition on `table` (its `organization_id`, `sensitivity` and,
/// with drafts, `status` columns), so lists and counts never include what the page would
/// refuse. `None`: everything is visible. The organisation id is a number, so nothing typed by
/// a person reaches this SQL.
pub fn visible_sql(v: Viewer, table: &str, has_drafts: bool) -> Option<String> {
    match v.role {
        _ if !allows(v.role, ReadIncidents) => Some("1 = 0".into()),
        Coordinator | Auditor => None,
        _ => {
            let drafts = if has_drafts {
                format!(" AND {table}.status <> 'draft'")
            } else {
                String::new()
            };
            Some(format!(
                "({table}.organization_id = {org} OR ({table}.sensitivity <> 'confidential'{drafts}))",
                org = v.organization_id
            ))
        }
    }
}

/// What a search of the word index may return to a viewer: SQLite's `incidents_fts`,
/// PostgreSQL's `incident_words`. Each entry carries the facts that hide its incident, written
/// from the incident's row by SQL on every write of either (SQLite migration 450, PostgreSQL
/// migration 470; `incidents::search` spells the test for each), so a search tests the
/// viewer's scope in the index itself instead of reading each match's row (a thousand, to
/// count a common word's matches). Lists still read the rows they show through `visible_sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchScope {
    /// Every entry (coordinators, auditors).
    Everything,
    /// Every entry but those hidden from other organisations (confidential, or a draft: what
    /// `can_view_record` refuses them) unless of this organisation.
    OpenAndOwn(i64),
    /// None (roles that read no records).
    Nothing,
}

/// The scope of a viewer's search of the word index (`visible_sql` for its entries).
pub fn search_scope(v: Viewer) -> SearchScope {
    match v.role {
        _ if !allows(v.role, ReadIncidents) => SearchScope::Nothing,
        Coordinator | Auditor => SearchScope::Everything,
        _ => SearchScope::OpenAndOwn(v.organization_id),
    }
}

/// Places: a place first typed on a draft or confidential record is seen only by that record's
/// organisation (`restricted_to`), coordinators and auditors, until a record others may see
/// uses it; a shared place (`None`) is seen by everyone who reads records, and by
/// administrators, who keep the gazetteer but read no records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceScope {
    /// Every place (coordinators, auditors).
    Every,
    /// Shared places only (administrators).
    Shared,
    /// Shared places and those restricted to this organisation (reporters, viewers).
    SharedAnd(i64),
    /// None (roles that read no records).
    Nothing,
}

impl PlaceScope {
    /// The scope as two values bound into one statement shared by every viewer,
    /// `every OR restricted_to_org IS NULL OR restricted_to_org = own_org`, so that it is
    /// compiled once per connection (SQL written per viewer is compiled per run); `None` when
    /// no place may be seen.
    pub fn bound(self) -> Option<(bool, Option<i64>)> {
        match self {
            PlaceScope::Every => Some((true, None)),
            PlaceScope::Shared => Some((false, None)),
            PlaceScope::SharedAnd(org) => Some((false, Some(org))),
            PlaceScope::Nothing => None,
        }
    }
}

/// Which places `v` may see.
pub fn place_scope(v: Viewer) -> PlaceScope {
    match v.role {
        Admin => PlaceScope::Shared,
        _ if !allows(v.role, ReadIncidents) => PlaceScope::Nothing,
        Coordinator | Auditor => PlaceScope::Every,
        _ => PlaceScope::SharedAnd(v.organization_id),
    }
}

pub fn can_view_place(v: Viewer, restricted_to: Option<i64>) -> bool {
    match (place_scope(v), restricted_to) {
        (PlaceScope::Every, _) => true,
        (PlaceScope::Nothing, _) => false,
        (PlaceScope::Shared, r) => r.is_none(),
        (PlaceScope::SharedAnd(org), r) => r.is_none_or(|r| r == org),
    }
}

/// `can_view_place` as an SQL condition on the locations table `alias`; `None`: every place.
/// (Queries compiled once and run often bind `PlaceScope::bound` instead.)
pub fn place_visible_sql(v: Viewer, alias: &str) -> Option<String> {
    match place_scope(v) {
        PlaceScope::Every => None,
        PlaceScope::Nothing => Some("1 = 0".into()),
        PlaceScope::Shared => Some(format!("{alias}.restricted_to_org IS NULL")),
        PlaceScope::SharedAnd(org) => Some(format!(
            "({alias}.restricted_to_org IS NULL OR {alias}.restricted_to_org = {org})"
        )),
    }
}

/// Is a record with these facts seen beyond its own organisation (submitted, not
/// confidential)? Such a record makes the places it uses shared.
pub fn seen_beyond_organization(r: RecordFacts) -> bool {
    r.status != RecordStatus::Draft && r.sensitivity != Sensitivity::Confidential
}

/// The facts a claim's statement and source follow: those of the record it was first recorded
/// on (its organisation and sensitivity then), kept with the claim. A claim with no recorded
/// origin counts as confidential to no organisation (coordinators and auditors only).
pub fn claim_facts(organization_id: Option<i64>, sensitivity: &str) -> RecordFacts {
    RecordFacts {
        organization_id: organization_id.unwrap_or(-1),
        sensitivity: Sensitivity::from_stored(sensitivity).unwrap_or(Sensitivity::Confidential),
        status: RecordStatus::Submitted,
        verification: Verification::Unverified,
        retracted: false,
    }
}

/// Confidential details (source names) are for the reporting organisation, coordinators and
/// auditors only, whatever the record's own sensitivity.
pub fn can_see_sources(v: Viewer, r: RecordFacts) -> bool {
    matches!(v.role, Coordinator | Auditor)
        || (allows(v.role, ReadIncidents) && v.organization_id == r.organization_id)
}

/// Reporters edit their own organisation's records until a coordinator verifies them (or
/// the record is closed or retracted); coordinators edit any record not retracted. Convoys and
/// needs are never verified, so reporters edit their own organisation's ones.
pub fn can_edit_record(v: Viewer, r: RecordFacts) -> bool {
    edit_refusal(v, r).is_none()
}

/// Why `v` may not edit the record, as the message the refusal page shows; `None` when they
/// may. The first reason that applies is the one a person can act on.
pub fn edit_refusal(v: Viewer, r: RecordFacts) -> Option<&'static str> {
    if !allows(v.role, RecordIncidents) {
        return Some("error-403-text");
    }
    if r.retracted {
        return Some("error-403-retracted");
    }
    if v.role == Coordinator {
        return None;
    }
    if v.organization_id != r.organization_id {
        Some("error-403-other-organization")
    } else if r.verification != Verification::Unverified {
        Some("error-403-verified")
    } else if r.status == RecordStatus::Closed {
        Some("error-403-closed")
    } else {
        None
    }
}

/// Claims can be added by the reporting organisation and by coordinators, until retraction.
pub fn can_add_claim(v: Viewer, r: RecordFacts) -> bool {
    allows(v.role, RecordIncidents)
        && !r.retracted
        && (v.role == Coordinator || v.organization_id == r.organization_id)
}

/// Verification is for coordinators, on records that have been submitted.
pub fn can_verify_incident(v: Viewer, r: RecordFacts) -> bool {
    allows(v.role, VerifyIncidents) && !r.retracted && r.status != RecordStatus::Draft
}

/// Coordinators merge duplicates: a record still open to changes, into another such record.
pub fn can_merge_incident(v: Viewer, r: RecordFacts) -> bool {
    allows(v.role, MergeIncidents) && !r.retracted
}

/// A coordinator, or the reporting organisation, may retract a record (once).
pub fn can_retract_incident(v: Viewer, r: RecordFacts) -> bool {
    allows(v.role, RetractIncidents)
        && !r.retracted
        && (v.role == Coordinator || v.organization_id == r.organization_id)
}

/// The statuses a person may put a record in, from its current status.
pub fn allowed_statuses(v: Viewer, current: Option<RecordStatus>) -> Vec<RecordStatus> {
    use RecordStatus::*;
    let mut out = Vec::new();
    if matches!(current, None | Some(Draft)) {
        out.push(Draft);
    }
    out.push(Submitted);
    if v.role == Coordinator || current == Some(Closed) {
        out.push(Closed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditors_change_nothing_and_admins_read_no_audit_trail() {
        assert!(allows(Auditor, ReadAuditTrail));
        assert!(!allows(Auditor, ManageUsers));
        assert!(!allows(Admin, ReadAuditTrail));
        assert!(!allows(Reporter, ManageOrganizations));
        assert!(allows(Admin, ManageUsers));
        assert!(!allows(Admin, ReadIncidents));
        assert!(!allows(Auditor, RecordIncidents));
        // One rule for reading every kind of record, so they cannot drift apart.
        for role in Role::ALL {
            assert_eq!(allows(role, ReadIncidents), allows(role, ReadConvoys));
            assert_eq!(allows(role, ReadIncidents), allows(role, ReadNeeds));
            assert_eq!(allows(role, RecordIncidents), allows(role, RecordConvoys));
            assert_eq!(allows(role, RecordIncidents), allows(role, RecordNeeds));
        }
    }

    fn facts(org: i64, s: Sensitivity, st: RecordStatus) -> RecordFacts {
        RecordFacts {
            organization_id: org,
            sensitivity: s,
            status: st,
            verification: Verification::Unverified,
            retracted: false,
        }
    }

    #[test]
    fn reporters_never_see_another_organisations_confidential_or_draft_records() {
        let reporter = Viewer {
            role: Reporter,
            organization_id: 1,
        };
        assert!(can_view_record(
            reporter,
            facts(1, Sensitivity::Confidential, RecordStatus::Draft)
        ));
        assert!(!can_view_record(
            reporter,
            facts(2, Sensitivity::Confidential, RecordStatus::Submitted)
        ));
        assert!(!can_view_record(
            reporter,
            facts(2, Sensitivity::Public, RecordStatus::Draft)
        ));
        assert!(can_view_record(
            reporter,
            facts(2, Sensitivity::Restricted, RecordStatus::Submitted)
        ));
        assert!(!can_see_sources(
            reporter,
            facts(2, Sensitivity::Restricted, RecordStatus::Submitted)
        ));
        let admin = Viewer {
            role: Admin,
            organization_id: 1,
        };
        assert!(!can_view_record(
            admin,
            facts(1, Sensitivity::Public, RecordStatus::Submitted)
        ));
        let coordinator = Viewer {
            role: Coordinator,
            organization_id: 9,
        };
        assert!(can_see_sources(
            coordinator,
            facts(2, Sensitivity::Confidential, RecordStatus::Draft)
        ));
    }

    #[test]
    fn reporters_edit_until_verified() {
        let reporter = Viewer {
            role: Reporter,
            organization_id: 1,
        };
        let mut r = facts(1, Sensitivity::Restricted, RecordStatus::Submitted);
        assert!(can_edit_record(reporter, r));
        r.verification = Verification::Corroborated;
        assert!(!can_edit_record(reporter, r));
        assert!(can_edit_record(
            Viewer {
                role: Coordinator,
                organization_id: 5
            },
            r
        ));
        r.retracted = true;
        assert!(!can_edit_record(
            Viewer {
                role: Coordinator,
                organization_id: 5
            },
            r
        ));
    }
}
