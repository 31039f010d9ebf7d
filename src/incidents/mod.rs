//! Access incidents: what happened, where, when, to whom, by whom, according to whom, how
//! sure we are, and who may see it.

pub mod by_area;
pub mod fields;
pub mod list;
pub mod model;
pub mod months;
pub mod search;

pub use model::{Claim, Incident, Listed};
