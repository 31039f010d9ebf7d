/// What a user may do, in broad strokes; the permission table has the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Field staff: record for their own organisation.
    Reporter,
    /// Verifies, merges, reports and exports.
    Coordinator,
    /// Reads everything, including history and the audit trail; changes nothing.
    Auditor,
    /// Manages users and organisations.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Reporter,
        Role::Coordinator,
        Role::Auditor,
        Role::Admin,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Reporter => "reporter",
            Role::Coordinator => "coordinator",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Result<Self, super::Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code.trim())
            .ok_or("role-invalid")
    }

    /// Message id of the role's name.
    pub fn label_id(self) -> &'static str {
        match self {
            Role::Reporter => "role-reporter",
            Role::Coordinator => "role-coordinator",
            Role::Auditor => "role-auditor",
            Role::Admin => "role-admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}
