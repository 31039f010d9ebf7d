/// The kind of organisation, as coordination bodies list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgType {
    UnAgency,
    InternationalNgo,
    NationalNgo,
    RedCross,
    Authority,
    Other,
}

impl OrgType {
    pub const ALL: [OrgType; 6] = [
        OrgType::UnAgency,
        OrgType::InternationalNgo,
        OrgType::NationalNgo,
        OrgType::RedCross,
        OrgType::Authority,
        OrgType::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgType::UnAgency => "un_agency",
            OrgType::InternationalNgo => "international_ngo",
            OrgType::NationalNgo => "national_ngo",
            OrgType::RedCross => "red_cross",
            OrgType::Authority => "authority",
            OrgType::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Result<Self, super::Invalid> {
        Self::ALL
            .into_iter()
            .find(|t| t.code() == code.trim())
            .ok_or("org-type-invalid")
    }

    pub fn label_id(self) -> &'static str {
        match self {
            OrgType::UnAgency => "org-type-un-agency",
            OrgType::InternationalNgo => "org-type-international-ngo",
            OrgType::NationalNgo => "org-type-national-ngo",
            OrgType::RedCross => "org-type-red-cross",
            OrgType::Authority => "org-type-authority",
            OrgType::Other => "org-type-other",
        }
    }
}
