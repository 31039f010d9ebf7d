//! Convoy pages: list, form (new and edit), the convoy with its timeline and actions, history.

pub mod detail;
pub mod form;
pub mod list;
