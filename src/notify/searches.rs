//! Saved searches: a list's query string, named by its owner. It is parsed again each time it
//! is used and always run through its owner's scope at that moment (`matching`, `feed`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Actor, Event, Tx};
use crate::db::schema::{deliveries, saved_searches, subscriptions};
use crate::db::DbConn;
use crate::domain::text;
use crate::error::AppError;

/// The longest query string kept (the lists' filters are far shorter).
const MAX_QUERY: usize = 2_000;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saved_searches)]
pub struct SavedSearch {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub kind: String,
    pub query: String,
    pub created_at: NaiveDateTime,
}

/// Which list a search is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Incidents,
    Convoys,
    Needs,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Incidents, Kind::Convoys, Kind::Needs];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Incidents => "incidents",
            Kind::Convoys => "convoys",
            Kind::Needs => "needs",
        }
    }

    pub fn parse(code: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == code.trim())
            .ok_or("field-choose")
    }

    /// The revisions' and events' name of one record of this kind.
    pub fn entity_type(self) -> &'static str {
        match self {
            Kind::Incidents => "incident",
            Kind::Convoys => "convoy",
            Kind::Needs => "need",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Kind::Incidents => "nav-incidents",
            Kind::Convoys => "nav-convoys",
            Kind::Needs => "nav-needs",
        }
    }
}

impl SavedSearch {
    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind).unwrap_or(Kind::Incidents)
    }

    /// The list page with the saved filters.
    pub fn list_url(&self) -> String {
        format!("/{}?{}", self.kind().code(), self.query)
    }
}

/// A checked request to save a search.
pub struct NewSearch {
    pub name: String,
    pub kind: Kind,
    pub query: String,
}

/// Checks a name and query string; the errors are message ids for the fields.
pub fn check(
    name: &str,
    kind: &str,
    query: &str,
) -> Result<NewSearch, Vec<(&'static str, &'static str)>> {
    let name = text::required_line(name, 100);
    let kind = Kind::parse(kind);
    let query = query.trim().trim_start_matches('?');
    let query_ok = query.len() <= MAX_QUERY && !query.chars().any(char::is_control);
    match (name, kind, query_ok) {
        (Ok(name), Ok(kind), true) => Ok(NewSearch {
            name,
            kind,
            // Never the page number: a subscription follows the whole list.
            query: without_page(query),
        }),
        (name, kind, query_ok) => {
            let mut errors = Vec::new();
            if let Err(e) = name {
                errors.push(("name", e));
            }
            if let Err(e) = kind {
                errors.push(("kind", e));
            }
            if !query_ok {
                errors.push(("query", "search-query-invalid"));
            }
            Err(errors)
        }
    }
}

fn without_page(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("page="))
        .collect::<Vec<_>>()
        .join("&")
}

/// Saves a search for `user_id`. Call inside `audit::write`.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    user_id: i64,
    new: &NewSearch,
) -> Result<i64, AppError> {
    let id: i64 = diesel::insert_into(saved_searches::table)
        .values((
            saved_searches::user_id.eq(user_id),
            saved_searches::name.eq(&new.name),
            saved_searches::kind.eq(new.kind.code()),
            saved_searches::query.eq(&new.query),
            saved_searches::created_at.eq(audit::now()),
        ))
        .returning(saved_searches::id)
        .get_result(tx.db())?;
    audit::record(
        tx,
        actor,
        Event::new("saved_search.create", "saved_search", id).details(json!({
            "name": new.name, "kind": new.kind.code(), "query": new.query,
        })),
    )?;
    Ok(id)
}

/// A person's saved searches, newest first.
pub fn mine(conn: &mut DbConn, user_id: i64) -> Result<Vec<SavedSearch>, AppError> {
    Ok(saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .order(saved_searches::id.desc())
        .select(SavedSearch::as_select())
        .load(conn)?)
}

/// One of `user_id`'s saved searches; another person's is not found.
pub fn find_own(conn: &mut DbConn, user_id: i64, id: i64) -> Result<SavedSearch, AppError> {
    saved_searches::table
        .find(id)
        .filter(saved_searches::user_id.eq(user_id))
        .select(SavedSearch::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Deletes one of `user_id`'s saved searches with its subscriptions and their deliveries
/// (the audit trail keeps that they existed). Call inside `audit::write`.
pub fn delete(tx: &mut Tx<'_>, actor: &Actor, user_id: i64, id: i64) -> Result<(), AppError> {
    let search = find_own(tx.db(), user_id, id)?;
    let subs = subscriptions::table
        .filter(subscriptions::saved_search_id.eq(id))
        .select(subscriptions::id);
    diesel::delete(deliveries::table.filter(deliveries::subscription_id.eq_any(subs)))
        .execute(tx.db())?;
    diesel::delete(subscriptions::table.filter(subscriptions::saved_search_id.eq(id)))
        .execute(tx.db())?;
    diesel::delete(saved_searches::table.find(id)).execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Event::new("saved_search.delete", "saved_search", id)
            .details(json!({ "name": search.name, "kind": search.kind })),
    )?;
    Ok(())
}
