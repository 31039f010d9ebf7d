//! Sign-in throttling per account and per client address: after `threshold` failures each
//! further failure locks sign-in for twice as long as the last, up to a maximum.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit;
use crate::config::LockoutPolicy;
use crate::db::schema::{audit_events, login_throttle};
use crate::db::DbConn;
use crate::error::AppError;

/// How many times the account threshold a client address may fail before it is locked.
pub const ADDRESS_FACTOR: u32 = 4;

pub fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

pub fn address_key(addr: &str) -> String {
    format!("addr:{addr}")
}

/// The latest time until which any of `keys` is locked, if it is locked now.
pub fn locked_until(conn: &mut DbConn, keys: &[String]) -> Result<Option<NaiveDateTime>, AppError> {
    let now = audit::now();
    let until: Option<NaiveDateTime> = login_throttle::table
        .filter(login_throttle::throttle_key.eq_any(keys))
        .filter(login_throttle::locked_until.gt(now))
        .select(diesel::dsl::max(login_throttle::locked_until))
        .first::<Option<NaiveDateTime>>(conn)?;
    Ok(until)
}

/// Counts one failure against each key; returns whether any is now locked.
pub fn record_failure(
    conn: &mut DbConn,
    keys: &[String],
    policy: &LockoutPolicy,
) -> Result<bool, AppError> {
    let now = audit::now();
    let mut locked = false;
    for key in keys {
        let failures: i32 = login_throttle::table
            .find(key)
            .select(login_throttle::failures)
            .get_result(conn)
            .optional()?
            .unwrap_or(0)
            + 1;
        // A client address (an office, a shared connection) is given more tries than one
        // account, so one person's typing mistakes do not lock out their colleagues, and an
        // administrator's unlock of the account lets that person in again.
        let threshold = if key.starts_with("addr:") {
            policy.threshold * ADDRESS_FACTOR
        } else {
            policy.threshold
        };
        let lock = lock_for(
            &LockoutPolicy {
                threshold,
                ..*policy
            },
            failures,
        )
        .map(|d| now + d);
        locked |= lock.is_some();
        let updated = diesel::update(login_throttle::table.find(key))
            .set((
                login_throttle::failures.eq(failures),
                login_throttle::last_failure_at.eq(now),
                login_throttle::locked_until.eq(lock),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(login_throttle::table)
                .values((
                    login_throttle::throttle_key.eq(key),
                    login_throttle::failures.eq(failures),
                    login_throttle::last_failure_at.eq(now),
                    login_throttle::locked_until.eq(lock),
                ))
                .execute(conn)?;
        }
    }
    Ok(locked)
}

/// Whether a password may be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead; the attempt is already counted against the account (`locked_now`: this
    /// count reached the threshold), and a correct password takes the count back.
    Admitted { locked_now: bool },
    /// The account or the address is locked: refused without checking or counting, so
    /// attempts during a lock neither extend it nor find out whether they were right.
    Locked,
}

/// Decides whether this attempt may check a password, and if so counts it against the
/// account before the check. Call inside `audit::write`: attempts on one account are then
/// admitted one at a time, so concurrent attempts cannot slip past the threshold together
/// (the threshold-th admitted one locks everyone behind it).
pub fn admit(
    conn: &mut DbConn,
    username: &str,
    addr: &str,
    policy: &LockoutPolicy,
) -> Result<Admission, AppError> {
    if locked_until(conn, &[account_key(username), address_key(addr)])?.is_some() {
        return Ok(Admission::Locked);
    }
    let locked_now = record_failure(conn, &[account_key(username)], policy)?;
    Ok(Admission::Admitted { locked_now })
}

/// A wrong password: the account's count stands (`admit` made it); the address's grows.
/// Returns whether the address is now locked.
pub fn failed(conn: &mut DbConn, addr: &str, policy: &LockoutPolicy) -> Result<bool, AppError> {
    record_failure(conn, &[address_key(addr)], policy)
}

/// A right password: the account's failures are forgotten. The address's are not: one
/// account of one's own must not let an address try passwords on every other account.
pub fn succeeded(conn: &mut DbConn, username: &str) -> Result<(), AppError> {
    clear(conn, &[account_key(username)])?;
    Ok(())
}

/// An administrator's unlock: forgets the account's failures and lifts the lock of every
/// address from which this person signed in or failed to lately, so the lock that keeps
/// them out goes too. Returns how many locks were lifted.
pub fn unlock_person(conn: &mut DbConn, username: &str) -> Result<usize, AppError> {
    let name = username.trim().to_lowercase();
    let addresses: Vec<String> = audit_events::table
        .filter(
            audit_events::action
                .eq("auth.login_failed")
                .and(audit_events::entity_id.eq(&name))
                .or(audit_events::action
                    .eq("auth.login")
                    .and(audit_events::actor_label.eq(&name))),
        )
        .order(audit_events::id.desc())
        .limit(200)
        .select(audit_events::client_addr)
        .load(conn)?;
    let now = audit::now();
    let mut keys: Vec<String> = login_throttle::table
        .filter(
            login_throttle::throttle_key
                .eq_any(addresses.iter().map(|a| address_key(a)).collect::<Vec<_>>()),
        )
        .filter(login_throttle::locked_until.gt(now))
        .select(login_throttle::throttle_key)
        .load(conn)?;
    keys.push(account_key(&name));
    clear(conn, &keys)
}

/// How long the `failures`-th failure locks sign-in, if at all.
pub fn lock_for(policy: &LockoutPolicy, failures: i32) -> Option<chrono::TimeDelta> {
    let over = failures - policy.threshold as i32;
    if over < 0 {
        return None;
    }
    let secs = policy
        .base
        .as_secs()
        .saturating_mul(1_u64 << over.min(30))
        .min(policy.max.as_secs());
    Some(chrono::TimeDelta::seconds(secs as i64))
}

/// Forgets the failures of these keys (successful sign-in, or an administrator's unlock).
pub fn clear(conn: &mut DbConn, keys: &[String]) -> Result<usize, AppError> {
    Ok(
        diesel::delete(login_throttle::table.filter(login_throttle::throttle_key.eq_any(keys)))
            .execute(conn)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn backs_off_exponentially() {
        let p = LockoutPolicy {
            threshold: 3,
            base: Duration::from_secs(60),
            max: Duration::from_secs(600),
        };
        assert_eq!(lock_for(&p, 2), None);
        assert_eq!(lock_for(&p, 3), Some(chrono::TimeDelta::seconds(60)));
        assert_eq!(lock_for(&p, 4), Some(chrono::TimeDelta::seconds(120)));
        assert_eq!(lock_for(&p, 9), Some(chrono::TimeDelta::seconds(600)));
    }
}
