//! Server-side sessions. The browser holds a random 256-bit token; the table holds its SHA-256,
//! so a copy of the database cannot be replayed as cookies. Ending a session deletes its row.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::models::{Organization, User};
use super::{random_token, token_hash};
use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::db::schema::{organizations, sessions, users};
use crate::db::stamps::{self, Stamps};
use crate::db::DbConn;
use crate::domain::Role;
use crate::error::AppError;

/// How often `last_seen_at` is written at most: finer than this is not worth a write per
/// request. With a short idle limit it is written more often (see `touch_every`).
const TOUCH_AT_MOST_EVERY: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// A session in use is touched at least three times per idle period, so activity half an
/// idle period ago is always on record (a one-minute limit with one write a minute ended
/// sessions used 30 s before).
fn touch_every(idle: Duration) -> chrono::TimeDelta {
    TOUCH_AT_MOST_EVERY.min(delta(idle) / 3)
}

/// The signed-in person for this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organization_id: i64,
    pub organization_name: String,
    pub must_change_password: bool,
    /// Their own language setting, if they chose one on their account page.
    pub language: Option<String>,
    pub session_id: i64,
    pub csrf_token: String,
}

impl CurrentUser {
    /// What this person may see and do with records.
    pub fn viewer(&self) -> crate::permissions::Viewer {
        crate::permissions::Viewer {
            role: self.role,
            organization_id: self.organization_id,
        }
    }

    /// The audit trail's view of this person at `client_addr`.
    pub fn actor(&self, client_addr: &str) -> Actor {
        Actor {
            user_id: Some(self.id),
            label: self.username.clone(),
            org_id: Some(self.organization_id),
            client_addr: client_addr.to_string(),
        }
    }

    pub fn name(&self) -> &str {
        if self.display_name.is_empty() {
            &self.username
        } else {
            &self.display_name
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
struct SessionRow {
    id: i64,
    csrf_token: String,
    #[diesel(deserialize_as = crate::db::Moment)]
    last_seen_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Moment)]
    expires_at: NaiveDateTime,
}

/// A new session: the token for the cookie (never stored) and the session's row id.
pub struct NewSession {
    pub token: String,
    pub id: i64,
}

fn delta(d: Duration) -> chrono::TimeDelta {
    chrono::TimeDelta::from_std(d).unwrap_or(chrono::TimeDelta::days(1))
}

/// Starts a session for `user`. Call inside `audit::write`, after recording the sign-in.
pub fn create(
    conn: &mut DbConn,
    user_id: i64,
    client_addr: &str,
    user_agent: &str,
    max_lifetime: Duration,
) -> Result<NewSession, AppError> {
    let token = random_token();
    let now = audit::now();
    let id: i64 = diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(&token)),
            sessions::user_id.eq(user_id),
            sessions::csrf_token.eq(random_token()),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(now + delta(max_lifetime)),
            sessions::client_addr.eq(client_addr),
            sessions::user_agent.eq(user_agent.chars().take(300).collect::<String>()),
        ))
        .returning(sessions::id)
        .get_result(conn)?;
    Ok(NewSession { token, id })
}

/// What a presented cookie turned out to be.
pub enum Lookup {
    /// The person, and on PostgreSQL the stamps read with the session (`stamps::for_request`).
    Active(Box<CurrentUser>, Option<Stamps>),
    /// No such session (ended, or never existed).
    Unknown,
    /// It existed but has run out; it has now been ended.
    Expired,
}

/// Finds the session for `token`, ending it when idle too long or past its lifetime, or when
/// its account is disabled.
pub fn lookup(
    conn: &mut DbConn,
    token: &str,
    idle: Duration,
    client_addr: &str,
) -> Result<Lookup, AppError> {
    // Every signed-in request runs this, on the backend's own connection. On PostgreSQL, where
    // each statement is a round trip, it reads the stamps the request's reads will ask for too
    // (`stamps::for_request`); SQLite's reads take them in their own snapshot.
    let session = sessions::table
        .inner_join(users::table.inner_join(organizations::table))
        .filter(sessions::token_hash.eq(token_hash(token)));
    let found: Option<(SessionRow, User, Organization, Option<stamps::Read>)> = match conn {
        DbConn::Sqlite(c) => session
            .select((
                SessionRow::as_select(),
                User::as_select(),
                Organization::as_select(),
            ))
            .get_result(c)
            .optional()?
            .map(|(session, user, org)| (session, user, org, None)),
        DbConn::Pg(c) => session
            .select((
                SessionRow::as_select(),
                User::as_select(),
                Organization::as_select(),
                stamps::columns(),
            ))
            .get_result(c)
            .optional()?
            .map(|(session, user, org, read)| (session, user, org, Some(read))),
    };
    let Some((session, user, org, read)) = found else {
        return Ok(Lookup::Unknown);
    };
    let now = audit::now();
    let reason = if user.is_disabled() {
        Some("account_disabled")
    } else if now >= session.expires_at {
        Some("lifetime")
    } else if now - session.last_seen_at >= delta(idle) {
        Some("idle")
    } else {
        None
    };
    if let Some(reason) = reason {
        let actor = Actor {
            user_id: Some(user.id),
            label: user.username.clone(),
            org_id: Some(user.organization_id),
            client_addr: client_addr.to_string(),
        };
        audit::write(conn, |conn| end(conn, &actor, session.id, reason))?;
        return Ok(Lookup::Expired);
    }
    // A touch writes no record kind, so the stamps read before it still hold.
    if now - session.last_seen_at >= touch_every(idle) {
        diesel::update(sessions::table.find(session.id))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
    }
    let stamps = read.map(stamps::from_columns).transpose()?;
    Ok(Lookup::Active(
        Box::new(CurrentUser {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role(),
            organization_id: org.id,
            organization_name: org.display(),
            must_change_password: user.must_change_password,
            language: user.language.clone(),
            session_id: session.id,
            csrf_token: session.csrf_token,
        }),
        stamps,
    ))
}

/// Ends one session and records why (`signed_out`, `idle`, `lifetime`, …).
pub fn end(
    conn: &mut Tx<'_>,
    actor: &Actor,
    session_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let removed = diesel::delete(sessions::table.find(session_id)).execute(conn.db())?;
    if removed > 0 {
        audit::record(
            conn,
            actor,
            Event::new("session.end", "session", session_id).details(json!({ "reason": reason })),
        )?;
    }
    Ok(())
}

/// Ends every session of a user (disablement, password change, role change).
pub fn end_all_for_user(
    conn: &mut Tx<'_>,
    actor: &Actor,
    user_id: i64,
    reason: &str,
) -> Result<usize, AppError> {
    let removed =
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn.db())?;
    if removed > 0 {
        audit::record(
            conn,
            actor,
            Event::new("session.end_all", "user", user_id)
                .details(json!({ "reason": reason, "sessions": removed })),
        )?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_touched_at_least_three_times_per_idle_period() {
        assert_eq!(
            touch_every(Duration::from_secs(60)),
            chrono::TimeDelta::seconds(20)
        );
        assert_eq!(
            touch_every(Duration::from_secs(30 * 60)),
            chrono::TimeDelta::seconds(60)
        );
    }
}
