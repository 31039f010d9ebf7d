//! One integration-test binary: the real server over HTTP against a real database, every test
//! on SQLite and, when `CORRIDOR_TEST_POSTGRES_URL` is set, on PostgreSQL too.

#[macro_use]
mod helpers;

mod accounts;
mod audit;
mod authz;
mod browser;
mod confidentiality;
mod convoys;
mod evidence;
mod evidence_photos;
mod evidence_store;
mod exports;
mod faults;
mod figures;
mod forms;
mod foundation;
mod hostile;
mod hxl;
mod incidents;
mod journeys;
mod languages;
mod map;
mod phones;
mod places;
mod read_api;
mod reports;
mod scale_out;
mod search;
mod sessions;
mod subscriptions;
mod tallies;
mod tamper;
