//! User accounts: creating, changing, disabling and password resets, each change audited.
//! Disabling an account or changing its password ends its sessions in the same transaction.

use diesel::prelude::*;
use serde_json::json;

use super::models::{NewUser, Organization, User, UserUpdate};
use super::sessions;
use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::db::schema::{organizations, users};
use crate::db::DbConn;
use crate::domain::{Role, Username};
use crate::error::AppError;

/// A checked new account.
#[derive(Debug)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    pub organization_id: i64,
    pub role: Role,
    /// An Argon2id PHC string (hashed on a blocking thread beforehand).
    pub password_hash: String,
    pub must_change_password: bool,
}

/// Checked changes to an account.
#[derive(Debug)]
pub struct AccountChanges {
    pub display_name: String,
    pub organization_id: i64,
    pub role: Role,
}

pub fn count(conn: &mut DbConn) -> Result<i64, AppError> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn list(conn: &mut DbConn) -> Result<Vec<(User, Organization)>, AppError> {
    Ok(users::table
        .inner_join(organizations::table)
        .order(users::username.asc())
        .select((User::as_select(), Organization::as_select()))
        .load(conn)?)
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<(User, Organization), AppError> {
    Ok(users::table
        .inner_join(organizations::table)
        .filter(users::id.eq(id))
        .select((User::as_select(), Organization::as_select()))
        .get_result(conn)?)
}

fn find_row(conn: &mut DbConn, id: i64) -> Result<User, AppError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .get_result(conn)?)
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> Result<Option<User>, AppError> {
    Ok(users::table
        .filter(users::username.eq(username.trim().to_lowercase()))
        .select(User::as_select())
        .get_result(conn)
        .optional()?)
}

/// Creates an account; `Ok(None)` when the username is taken. Call inside `audit::write`.
pub fn create(
    conn: &mut Tx<'_>,
    actor: &Actor,
    account: &NewAccount,
) -> Result<Option<User>, AppError> {
    if find_by_username(conn, account.username.as_str())?.is_some() {
        return Ok(None);
    }
    let now = audit::now();
    let user_id: i64 = diesel::insert_into(users::table)
        .values(NewUser {
            username: account.username.as_str(),
            display_name: &account.display_name,
            organization_id: account.organization_id,
            role: account.role.code(),
            password_hash: &account.password_hash,
            must_change_password: account.must_change_password,
            created_at: now,
            updated_at: now,
        })
        .returning(users::id)
        .get_result(conn.db())?;
    let user = find_row(conn, user_id)?;
    audit::record(
        conn,
        actor,
        Event::new("user.create", "user", user.id).details(json!({
            "username": user.username,
            "display_name": user.display_name,
            "organization_id": user.organization_id,
            "role": user.role,
            "must_change_password": user.must_change_password,
        })),
    )?;
    Ok(Some(user))
}

/// Changes name, organisation and role. Call inside `audit::write`.
pub fn update(
    conn: &mut Tx<'_>,
    actor: &Actor,
    id: i64,
    changes: &AccountChanges,
) -> Result<User, AppError> {
    let (before, _) = find(conn, id)?;
    let user_id: i64 = diesel::update(users::table.find(id))
        .set(UserUpdate {
            display_name: &changes.display_name,
            organization_id: changes.organization_id,
            role: changes.role.code(),
            updated_at: audit::now(),
        })
        .returning(users::id)
        .get_result(conn.db())?;
    let user = find_row(conn, user_id)?;
    audit::record(
        conn,
        actor,
        Event::new("user.update", "user", id).details(audit::changes(&[
            (
                "display_name",
                json!(before.display_name),
                json!(user.display_name),
            ),
            (
                "organization_id",
                json!(before.organization_id),
                json!(user.organization_id),
            ),
            ("role", json!(before.role), json!(user.role)),
        ])),
    )?;
    // A change of role or organisation changes what the person may see: start afresh.
    if before.role != user.role || before.organization_id != user.organization_id {
        sessions::end_all_for_user(conn, actor, id, "role_or_organization_changed")?;
    }
    Ok(user)
}

/// Disables (ending every session at once) or re-enables an account. Call inside `audit::write`.
pub fn set_disabled(
    conn: &mut Tx<'_>,
    actor: &Actor,
    id: i64,
    disabled: bool,
) -> Result<(), AppError> {
    let now = audit::now();
    diesel::update(users::table.find(id))
        .set((
            users::disabled_at.eq(disabled.then_some(now)),
            users::updated_at.eq(now),
        ))
        .execute(conn.db())?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit::record(conn, actor, Event::new(action, "user", id))?;
    if disabled {
        sessions::end_all_for_user(conn, actor, id, "account_disabled")?;
    }
    Ok(())
}

/// Sets a new password hash and ends the account's sessions. With `must_change`, the person
/// has to choose their own password at next sign-in (an administrator's reset).
/// Sets (or with `None` clears) a person's own language setting, recorded in the audit trail.
pub fn set_language(
    conn: &mut Tx<'_>,
    actor: &Actor,
    id: i64,
    language: Option<&str>,
) -> Result<(), AppError> {
    diesel::update(users::table.find(id))
        .set((
            users::language.eq(language),
            users::updated_at.eq(audit::now()),
        ))
        .execute(conn.db())?;
    audit::record(
        conn,
        actor,
        Event::new("user.language_change", "user", id).details(json!({ "language": language })),
    )?;
    Ok(())
}

pub fn set_password(
    conn: &mut Tx<'_>,
    actor: &Actor,
    id: i64,
    password_hash: &str,
    must_change: bool,
) -> Result<(), AppError> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::must_change_password.eq(must_change),
            users::updated_at.eq(audit::now()),
        ))
        .execute(conn.db())?;
    let action = if must_change {
        "user.password_reset"
    } else {
        "user.password_change"
    };
    audit::record(conn, actor, Event::new(action, "user", id))?;
    sessions::end_all_for_user(conn, actor, id, "password_changed")?;
    Ok(())
}
