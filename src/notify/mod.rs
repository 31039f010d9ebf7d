//! Saved searches and subscriptions to them (issue 17): a person saves a list's filters and
//! hears of what matches, through an Atom feed at a private URL, a signed webhook, or email
//! (at once, or a daily or weekly digest).
//!
//! Record writes queue events in their own transaction (`record_events`). The delivery
//! worker (`worker`, a background task of each node) claims events, matches them against the
//! subscriptions through each subscriber's own scope (`matching`), and writes deliveries cut to
//! what that subscriber may see (`message`); then it claims due deliveries and sends them
//! (`send`), retrying with back-off. Claims use row locks that skip what another node holds,
//! so nodes sharing one PostgreSQL database never send a message twice (`claim`).

pub mod address;
mod claim;
pub mod deliveries;
pub mod feed;
pub mod matching;
pub mod message;
pub mod searches;
pub mod send;
pub mod signature;
pub mod subscriptions;
pub mod worker;
