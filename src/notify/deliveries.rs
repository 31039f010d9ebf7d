//! Deliveries: one message for one subscription, sent when due, retried with exponential
//! back-off, and listed for its subscriber with the last attempt's result.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde_json::json;

use super::matching;
use super::message::{self, Message};
use super::searches::SavedSearch;
use super::subscriptions::Subscription;
use crate::audit::{self, Actor, Event, Tx};
use crate::db::schema::{deliveries, saved_searches, subscriptions};
use crate::db::DbConn;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
pub struct Delivery {
    pub id: i64,
    pub subscription_id: i64,
    pub event_id: Option<i64>,
    pub payload: String,
    pub status: String,
    pub due_at: NaiveDateTime,
    pub attempts: i32,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<NaiveDateTime>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: String,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Delivery {
    pub fn message(&self) -> Option<Message> {
        serde_json::from_str(&self.payload).ok()
    }

    pub fn attempts_made(&self) -> i64 {
        i64::from(self.attempts)
    }

    /// The status's message id.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "sent" => "delivery-sent",
            "failed" => "delivery-failed",
            _ if self.attempts > 0 => "delivery-retrying",
            _ => "delivery-pending",
        }
    }
}

/// Claimed deliveries with their subscription and search, grouped by subscription (a
/// digest's messages go out as one email).
pub fn load(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<Vec<(Subscription, SavedSearch, Vec<Delivery>)>, AppError> {
    let rows: Vec<(Delivery, Subscription, SavedSearch)> = deliveries::table
        .inner_join(subscriptions::table.inner_join(saved_searches::table))
        .filter(crate::db::one_of(deliveries::id, ids))
        .order(deliveries::id.asc())
        .select((
            Delivery::as_select(),
            Subscription::as_select(),
            SavedSearch::as_select(),
        ))
        .load(conn)?;
    let mut groups: Vec<(Subscription, SavedSearch, Vec<Delivery>)> = Vec::new();
    for (d, sub, search) in rows {
        match groups.iter_mut().find(|(s, _, _)| s.id == sub.id) {
            Some((_, _, list)) => list.push(d),
            None => groups.push((sub, search, vec![d])),
        }
    }
    Ok(groups)
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub ok: bool,
    /// The HTTP status a webhook answered, or the SMTP reply code.
    pub status: Option<i32>,
    pub error: String,
}

/// How long the `attempts`-th retry waits: `base`, then twice as long each time.
pub fn backoff(base: std::time::Duration, attempts: i32) -> TimeDelta {
    let factor = 1u32 << attempts.clamp(0, 20);
    TimeDelta::from_std(base * factor).unwrap_or(TimeDelta::days(1))
}

/// Records an attempt at the deliveries `ids` and releases their claim: sent, due again after
/// the back-off, or given up after `max_attempts`.
pub fn record(
    conn: &mut DbConn,
    ids: &[i64],
    attempt: &Attempt,
    now: NaiveDateTime,
    retry_base: std::time::Duration,
    max_attempts: i32,
) -> Result<(), AppError> {
    conn.transaction::<_, AppError, _>(|conn| {
        for id in ids {
            // Written before anything is read: SQLite then takes its write lock at once
            // (waiting its turn), where a transaction that read first could find the database
            // changed and fail, and the message, already sent, would be sent again.
            let attempts: i32 = diesel::update(deliveries::table.find(id))
                .set(deliveries::attempts.eq(deliveries::attempts + 1))
                .returning(deliveries::attempts)
                .get_result(conn)?;
            let (status, due) = if attempt.ok {
                ("sent", now)
            } else if attempts >= max_attempts {
                ("failed", now)
            } else {
                ("pending", now + backoff(retry_base, attempts - 1))
            };
            diesel::update(deliveries::table.find(id))
                .set((
                    deliveries::status.eq(status),
                    deliveries::due_at.eq(due),
                    deliveries::attempts.eq(attempts),
                    deliveries::claimed_by.eq(None::<String>),
                    deliveries::claimed_at.eq(None::<NaiveDateTime>),
                    deliveries::last_attempt_at.eq(now),
                    deliveries::last_status.eq(attempt.status),
                    deliveries::last_error.eq(&attempt.error),
                    deliveries::sent_at.eq(attempt.ok.then_some(now)),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// A subscription's latest deliveries, newest first.
pub fn recent(
    conn: &mut DbConn,
    subscription_id: i64,
    limit: i64,
) -> Result<Vec<Delivery>, AppError> {
    Ok(deliveries::table
        .filter(deliveries::subscription_id.eq(subscription_id))
        .order(deliveries::id.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)?)
}

/// Queues a test message for one of the subscriber's webhooks or email subscriptions, due at
/// once whatever its frequency. `false` when it cannot be tested (a feed, or revoked). Call
/// inside `audit::write`.
pub fn send_test(
    tx: &mut Tx<'_>,
    actor: &Actor,
    sub: &Subscription,
    base_url: &str,
) -> Result<bool, AppError> {
    if !sub.testable() {
        return Ok(false);
    }
    let now = audit::now();
    let mut immediate = sub.clone();
    immediate.frequency = super::subscriptions::Frequency::Immediate.code().into();
    matching::enqueue(
        tx.db(),
        &immediate,
        None,
        &message::test(base_url, now),
        now,
    )?;
    audit::record(
        tx,
        actor,
        Event::new("subscription.test", "subscription", sub.id)
            .details(json!({ "channel": sub.channel })),
    )?;
    Ok(true)
}
