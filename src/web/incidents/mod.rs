//! Incident pages: list and search, the form (new and edit, with conflict handling), the
//! record with its claims and history, and the actions on it (claims, verification,
//! retraction).

pub mod actions;
pub mod detail;
pub mod form;
pub mod list;
pub mod map;
