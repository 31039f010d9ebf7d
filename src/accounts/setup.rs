//! First start: while no account exists, a one-time link lets the first administrator sign up.

use diesel::prelude::*;

use super::{random_token, token_hash};
use crate::audit;
use crate::audit::Tx;
use crate::db::schema::setup_tokens;
use crate::db::DbConn;
use crate::error::AppError;

/// How long a set-up link works.
pub const VALID_FOR: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Makes a new one-time token (earlier unused ones stop working). Call inside `audit::write`.
pub fn issue(conn: &mut Tx<'_>) -> Result<String, AppError> {
    let now = audit::now();
    diesel::update(setup_tokens::table.filter(setup_tokens::used_at.is_null()))
        .set(setup_tokens::used_at.eq(now))
        .execute(conn.db())?;
    let token = random_token();
    diesel::insert_into(setup_tokens::table)
        .values((
            setup_tokens::token_hash.eq(token_hash(&token)),
            setup_tokens::created_at.eq(now),
            setup_tokens::expires_at.eq(now + VALID_FOR),
        ))
        .execute(conn.db())?;
    audit::record(
        conn,
        &audit::Actor::system("corridor"),
        audit::Event::new("setup.link_issued", "setup", ""),
    )?;
    Ok(token)
}

/// Is `token` a live, unused set-up token?
pub fn is_valid(conn: &mut DbConn, token: &str) -> Result<bool, AppError> {
    Ok(setup_tokens::table
        .filter(setup_tokens::token_hash.eq(token_hash(token)))
        .filter(setup_tokens::used_at.is_null())
        .filter(setup_tokens::expires_at.gt(audit::now()))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Uses the token up; false when it was not valid. Call inside `audit::write`.
pub fn consume(conn: &mut DbConn, token: &str) -> Result<bool, AppError> {
    let now = audit::now();
    let used = diesel::update(
        setup_tokens::table
            .filter(setup_tokens::token_hash.eq(token_hash(token)))
            .filter(setup_tokens::used_at.is_null())
            .filter(setup_tokens::expires_at.gt(now)),
    )
    .set(setup_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(used == 1)
}
