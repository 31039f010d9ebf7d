//! The one permission table: which role may do which action. Every route names the action it
//! needs (see `web::routes`), and object-level checks (organisation, sensitivity) also live here,
//! so no handler decides on its own who may do what.

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
}

use Action::*;
use Role::*;

/// Role × action. Anything not listed is refused.
const TABLE: &[(Action, &[Role])] = &[
    (UseAccount, &[Reporter, Coordinator, Auditor, Admin]),
    (ManageUsers, &[Admin]),
    (ManageOrganizations, &[Admin]),
    (ReadAuditTrail, &[Auditor]),
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
    }
}
