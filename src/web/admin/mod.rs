//! Administration: user accounts and organisations. Every change is audited.

pub mod organizations;
pub mod users;
