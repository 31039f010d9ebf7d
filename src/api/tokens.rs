//! API tokens: issued by an administrator (named, scoped, tied to an organisation, expiring),
//! shown once and stored only as the SHA-256 of the token (a random 256-bit value, so a plain
//! hash is enough), revocable. Every issue and revocation is an audit event; reads are counted
//! in memory (`reads`), added to the token in batches and summarised into the audit trail once
//! per token and hour ([`SUMMARY_PERIOD`]), and at revocation, never one event per request.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde_json::json;

use super::scope::TokenScope;
use crate::accounts::{random_token, token_hash};
use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::db::schema::{api_tokens, organizations};
use crate::db::DbConn;
use crate::error::AppError;

/// Every token starts so, which makes a leaked one easy to recognise (and to search logs for).
pub const PREFIX: &str = "corridor_";
/// Reads of one token are summarised in one audit event per this period.
pub const SUMMARY_PERIOD: TimeDelta = TimeDelta::hours(1);
/// The longest a token may live.
pub const MAX_DAYS: i64 = 366;
/// Requests a minute when the administrator does not choose.
pub const DEFAULT_RATE: i32 = 600;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub organization_id: i64,
    pub rate_per_minute: i32,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub expires_at: NaiveDateTime,
    pub created_by: i64,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::MaybeMoment)]
    pub revoked_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = crate::db::MaybeMoment)]
    pub last_used_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = crate::db::MaybeMoment)]
    pub period_start: Option<NaiveDateTime>,
    pub reads: i64,
}

impl ApiToken {
    pub fn token_scope(&self) -> TokenScope {
        // Stored codes are checked by the table; an unknown one reads as the narrowest scope.
        TokenScope::parse(&self.scope).unwrap_or(TokenScope::Public)
    }

    pub fn usable_at(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A checked request for a token.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub scope: TokenScope,
    pub organization_id: i64,
    pub expires_at: NaiveDateTime,
    pub rate_per_minute: i32,
}

/// Issues a token; returns it with the secret, which is never stored. Call inside
/// `audit::write`.
pub fn issue(
    conn: &mut Tx<'_>,
    actor: &Actor,
    created_by: i64,
    new: &NewToken,
) -> Result<(ApiToken, String), AppError> {
    let secret = format!("{PREFIX}{}", random_token());
    let id: i64 = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::name.eq(&new.name),
            api_tokens::scope.eq(new.scope.code()),
            api_tokens::organization_id.eq(new.organization_id),
            api_tokens::token_hash.eq(token_hash(&secret)),
            api_tokens::rate_per_minute.eq(new.rate_per_minute),
            api_tokens::expires_at.eq(new.expires_at),
            api_tokens::created_by.eq(created_by),
            api_tokens::created_at.eq(audit::now()),
        ))
        .returning(api_tokens::id)
        .get_result(conn.db())?;
    let token: ApiToken = api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .get_result(conn.db())?;
    audit::record(
        conn,
        actor,
        Event::new("api_token.issue", "api_token", token.id).details(json!({
            "name": new.name,
            "scope": new.scope.code(),
            "organization_id": new.organization_id,
            "expires_at": new.expires_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            "rate_per_minute": new.rate_per_minute,
        })),
    )?;
    Ok((token, secret))
}

/// Every token, newest first, with its organisation's name.
pub fn list(conn: &mut DbConn) -> Result<Vec<(ApiToken, String)>, AppError> {
    let tokens: Vec<ApiToken> = api_tokens::table
        .order(api_tokens::id.desc())
        .select(ApiToken::as_select())
        .load(conn)?;
    let orgs: Vec<(i64, String)> = organizations::table
        .select((organizations::id, organizations::name))
        .load(conn)?;
    Ok(tokens
        .into_iter()
        .map(|t| {
            let org = orgs
                .iter()
                .find(|(id, _)| *id == t.organization_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            (t, org)
        })
        .collect())
}

/// Revokes a token (once); its reads not yet summarised are summarised now (flush this
/// server's counted reads first: `reads::ReadCounter::flush`). `false` when
/// there is no such token or it was already revoked. Call inside `audit::write`.
pub fn revoke(
    conn: &mut Tx<'_>,
    actor: &Actor,
    revoked_by: i64,
    id: i64,
) -> Result<bool, AppError> {
    let Some(token) = locked(conn, id)? else {
        return Ok(false);
    };
    if token.revoked_at.is_some() {
        return Ok(false);
    }
    let now = audit::now();
    summarise(conn, &token, now)?;
    diesel::update(api_tokens::table.find(id))
        .set((
            api_tokens::revoked_at.eq(now),
            api_tokens::revoked_by.eq(revoked_by),
            api_tokens::reads.eq(0),
            api_tokens::period_start.eq(None::<NaiveDateTime>),
        ))
        .execute(conn.db())?;
    audit::record(
        conn,
        actor,
        Event::new("api_token.revoke", "api_token", id)
            .details(json!({ "name": token.name, "scope": token.scope })),
    )?;
    Ok(true)
}

/// The token a request presented, if it exists, is not revoked and has not expired.
pub fn authenticate(
    conn: &mut DbConn,
    presented: &str,
    now: NaiveDateTime,
) -> Result<Option<ApiToken>, AppError> {
    let found = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash(presented.trim())))
        .select(ApiToken::as_select())
        .get_result(conn)
        .optional()?;
    Ok(found.filter(|t| t.usable_at(now)))
}

/// The reads of one token since the last flush.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    pub reads: i64,
    pub first: NaiveDateTime,
    pub last: NaiveDateTime,
}

impl Pending {
    pub fn merge(&mut self, other: Pending) {
        self.reads += other.reads;
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
    }
}

/// Adds a batch of reads (`reads::ReadCounter`) to the token. Within the token's current
/// period that is one conditional update. A batch that begins after the period has ended
/// summarises that period's reads in the audit trail and starts the next one; that runs
/// inside the audit transaction with the token's row locked, so when several servers add
/// their batches, no read is lost and no period is summarised twice. Reads of a token revoked
/// meanwhile are summarised at once.
pub fn add_reads(conn: &mut DbConn, id: i64, batch: Pending) -> Result<(), AppError> {
    let added = diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null())
            .filter(api_tokens::period_start.gt(batch.first - SUMMARY_PERIOD)),
    )
    .set((
        api_tokens::reads.eq(api_tokens::reads + batch.reads),
        api_tokens::last_used_at.eq(batch.last),
    ))
    .execute(conn)?;
    if added == 1 {
        return Ok(());
    }
    audit::write(conn, |conn| {
        let Some(current) = locked(conn, id)? else {
            return Ok(());
        };
        if current.revoked_at.is_some() {
            let late = ApiToken {
                reads: batch.reads,
                period_start: Some(batch.first),
                last_used_at: Some(batch.last),
                ..current
            };
            return summarise(conn, &late, batch.last);
        }
        let period_over = current
            .period_start
            .is_none_or(|start| batch.first - start >= SUMMARY_PERIOD);
        if period_over {
            summarise(conn, &current, batch.first)?;
            diesel::update(api_tokens::table.find(id))
                .set((
                    api_tokens::reads.eq(batch.reads),
                    api_tokens::period_start.eq(batch.first),
                    api_tokens::last_used_at.eq(batch.last),
                ))
                .execute(conn.db())?;
        } else {
            diesel::update(api_tokens::table.find(id))
                .set((
                    api_tokens::reads.eq(api_tokens::reads + batch.reads),
                    api_tokens::last_used_at.eq(batch.last),
                ))
                .execute(conn.db())?;
        }
        Ok(())
    })
}

/// The token, read after locking its row for the rest of the transaction (a write that
/// changes nothing), so another server's [`add_reads`] waits rather than adding reads this
/// transaction would not see.
fn locked(conn: &mut Tx<'_>, id: i64) -> Result<Option<ApiToken>, AppError> {
    diesel::update(api_tokens::table.find(id))
        .set(api_tokens::reads.eq(api_tokens::reads))
        .execute(conn.db())?;
    Ok(api_tokens::table
        .find(id)
        .select(ApiToken::as_select())
        .get_result(conn.db())
        .optional()?)
}

/// One audit event for the reads of `token`'s current period, if there were any.
fn summarise(conn: &mut Tx<'_>, token: &ApiToken, now: NaiveDateTime) -> Result<(), AppError> {
    let Some(start) = token.period_start.filter(|_| token.reads > 0) else {
        return Ok(());
    };
    let actor = Actor {
        user_id: None,
        label: format!("api token {}", token.name),
        org_id: Some(token.organization_id),
        client_addr: String::new(),
    };
    let iso = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    audit::record(
        conn,
        &actor,
        Event::new("api.reads", "api_token", token.id).details(json!({
            "scope": token.scope,
            "reads": token.reads,
            "from": iso(start),
            "last_read": iso(token.last_used_at.unwrap_or(now)),
        })),
    )?;
    Ok(())
}
