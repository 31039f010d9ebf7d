//! A saved search as an Atom 1.0 feed: its newest records that the subscriber may see now
//! (the same scoped list query as the list page, then each record through the records core),
//! each entry carrying what a message carries (`message`).

use atom_syndication::{Entry, Feed, FixedDateTime, Link, Text};
use chrono::{DateTime, Utc};

use super::matching;
use super::message::{self, Message};
use super::searches::SavedSearch;
use crate::db::DbConn;
use crate::error::AppError;
use crate::records::Scope;

/// Entries a feed holds.
pub const ENTRIES: i64 = 50;

/// The messages of a feed, newest change first.
pub fn entries(
    conn: &mut DbConn,
    scope: &Scope,
    search: &SavedSearch,
    base_url: &str,
) -> Result<Vec<Message>, AppError> {
    let ids = matching::found_ids(conn, scope.viewer(), search, None, ENTRIES)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(m) = message::of_record(conn, scope, search.kind().entity_type(), id, base_url)?
        {
            out.push(m);
        }
    }
    Ok(out)
}

fn parse_time(s: &str) -> FixedDateTime {
    DateTime::parse_from_rfc3339(s).unwrap_or_else(|_| DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
}

/// The Atom document. `title` names the search; `self_url` is the feed's own URL (the
/// entries' ids are the records' pages, which stay the same as they change).
pub fn atom(title: &str, self_url: &str, list_url: &str, messages: &[Message]) -> String {
    let entries: Vec<Entry> = messages
        .iter()
        .map(|m| {
            let mut summary = vec![m.category.as_str(), m.district.as_str(), m.status.as_str()];
            summary.retain(|s| !s.is_empty());
            let heading = match &m.internal {
                Some(i) if !i.title.is_empty() => format!("{} {}", m.reference, i.title),
                _ => m.reference.clone(),
            };
            Entry {
                id: m.url.clone(),
                title: Text::plain(heading),
                updated: parse_time(&m.updated_at),
                links: vec![Link {
                    href: m.url.clone(),
                    rel: "alternate".into(),
                    ..Default::default()
                }],
                summary: Some(Text::plain(summary.join(" · "))),
                ..Default::default()
            }
        })
        .collect();
    let updated = messages
        .iter()
        .map(|m| parse_time(&m.updated_at))
        .max()
        .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset());
    let feed = Feed {
        id: self_url.to_string(),
        title: Text::plain(title),
        updated,
        links: vec![
            Link {
                href: self_url.to_string(),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
            Link {
                href: list_url.to_string(),
                rel: "alternate".into(),
                ..Default::default()
            },
        ],
        authors: vec![atom_syndication::Person {
            name: "Corridor".into(),
            ..Default::default()
        }],
        entries,
        ..Default::default()
    };
    feed.to_string()
}
