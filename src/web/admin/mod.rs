//! Administration: user accounts and organisations. Every change is audited.

pub mod api_tokens;
pub mod organizations;
pub mod users;
