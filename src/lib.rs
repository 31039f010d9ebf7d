//! Corridor: record and report obstructed humanitarian access.
//!
//! Read the tree top-down: `config` (settings), `db` (connections, schema, migrations),
//! `domain` (values that parse), `accounts` and `audit` (people and the tamper-evident trail),
//! `permissions` (who may do what), `web` (routes, pages, middleware), `cli` (commands),
//! `startup` (the server).

pub mod accounts;
pub mod api;
pub mod audit;
pub mod backup;
pub mod blobs;
pub mod cli;
pub mod config;
pub mod convoys;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod evidence;
pub mod exports;
pub mod i18n;
pub mod incidents;
pub mod locations;
pub mod needs;
pub mod notify;
pub mod paging;
pub mod permissions;
pub mod record_events;
pub mod records;
pub mod references;
pub mod reports;
pub mod revisions;
pub mod startup;
pub mod telemetry;
pub mod web;
