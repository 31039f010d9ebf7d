//! The records core's write side: creating and changing incidents, convoys and needs. Each
//! function runs inside `audit::write` and writes, with the change, a revision and an audit
//! event: all kept, or none. Each checks the writer's rights on every record it touches, and
//! the finders that read a record whoever asks are private to the records core, so a page
//! cannot reach a record except through the viewer's scope (`records::incidents` and siblings).

pub mod convoys;
pub mod evidence;
pub mod incidents;
pub mod needs;
pub mod places;

use crate::audit::Actor;
use crate::domain::vocab::Sensitivity;
use crate::domain::FieldErrors;
use crate::permissions::Viewer;

/// Lowering a record's sensitivity (confidential → restricted, restricted → public) widens who
/// reads it: the change needs a reason, which the revision keeps. Notes the missing reason
/// under `sensitivity_reason`; returns the reason to record (empty when not lowered).
pub(in crate::records) fn lowering_reason<'a>(
    from: Sensitivity,
    to: Sensitivity,
    reason: &'a str,
    errors: &mut FieldErrors,
) -> &'a str {
    if to.rank() >= from.rank() {
        return "";
    }
    if reason.trim().is_empty() {
        errors.add("sensitivity_reason", "sensitivity-reason-required");
    }
    reason.trim()
}

/// Who is writing: the audit trail's actor plus the account and organisation it acts for.
pub struct Author {
    pub actor: Actor,
    pub user_id: i64,
    pub viewer: Viewer,
}
