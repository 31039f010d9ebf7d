//! What became of an edit to a record saved with a version number (incidents, convoys, needs).

use super::FieldErrors;

pub enum Saved<L> {
    Saved,
    /// The form had problems only the database could see (unknown place, status change).
    Invalid(FieldErrors),
    /// Someone saved in between: nothing was written; here is what is stored now.
    Conflict(Box<L>),
}
