//! What a token's scope may read, as a viewer of the records core:
//!
//! - `internal`: what a coordinator of the token's organisation sees (every record, claim and
//!   source name).
//! - `partner`: what a reporter of the token's organisation sees: that organisation's own
//!   records (drafts and confidential ones included, with their source names), and other
//!   organisations' submitted records that are public or restricted, without their sources.
//!   So a partner token of one organisation reads another organisation's records exactly as a
//!   reporter of another organisation would.
//! - `public`: what the public report shows: submitted `public` records that are neither
//!   retracted nor merged, without narrative, claims, sources, organisation or place: places are
//!   named by their district and governorate only.

use crate::domain::vocab::{RecordStatus, Sensitivity};
use crate::domain::Role;
use crate::permissions::Viewer;
use crate::records::Scope;
use crate::revisions::Revision;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    Public,
    Partner,
    Internal,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [Self::Public, Self::Partner, Self::Internal];

    pub fn code(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Partner => "partner",
            Self::Internal => "internal",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Self::Public => "api-scope-public",
            Self::Partner => "api-scope-partner",
            Self::Internal => "api-scope-internal",
        }
    }

    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or("api-scope-invalid")
    }
}

/// No organisation has id 0 (ids start at 1), and unlike -1 it is not the organisation that
/// claims without a recorded origin count as (`permissions::claim_facts`): the public viewer
/// owns nothing.
const NO_ORGANISATION: i64 = 0;

/// A token's reader: the records core's scope, and whether only the public view is allowed.
#[derive(Debug, Clone, Copy)]
pub struct ApiScope {
    pub token_scope: TokenScope,
    scope: Scope,
}

impl ApiScope {
    pub fn new(token_scope: TokenScope, organization_id: i64) -> Self {
        let viewer = match token_scope {
            TokenScope::Internal => Viewer {
                role: Role::Coordinator,
                organization_id,
            },
            TokenScope::Partner => Viewer {
                role: Role::Reporter,
                organization_id,
            },
            TokenScope::Public => Viewer {
                role: Role::Reporter,
                organization_id: NO_ORGANISATION,
            },
        };
        Self {
            token_scope,
            scope: Scope::of(viewer),
        }
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub fn public(&self) -> bool {
        self.token_scope == TokenScope::Public
    }

    /// May this reader see a revision: could it have seen the record as it was after it?
    /// The public view also needs the record to have been public and submitted then.
    pub fn sees_revision(&self, r: &Revision) -> bool {
        self.scope.sees_revision(r)
            && (!self.public()
                || (r.sensitivity == Sensitivity::Public.code()
                    && r.record_status != RecordStatus::Draft.code()))
    }
}
