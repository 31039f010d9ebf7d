//! Domain values that parse rather than validate: once built, they are known to be good.
//! Each parse error is a message id, shown beside the form field it came from.

pub mod field_errors;
pub mod ids;
pub mod organization;
pub mod password;
pub mod role;
pub mod saved;
pub mod text;
pub mod username;
pub mod values;
pub mod vocab;

pub use field_errors::FieldErrors;
pub use ids::{ConvoyId, IncidentId, NeedId};
pub use organization::OrgType;
pub use password::NewPassword;
pub use role::Role;
pub use saved::Saved;
pub use username::Username;

/// A reason a value was refused: a message id from the translation files.
pub type Invalid = &'static str;
