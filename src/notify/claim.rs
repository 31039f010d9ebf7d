//! Claiming work shared by several nodes. One statement marks a batch as this node's
//! (`claimed_by`, `claimed_at`) and returns it. On PostgreSQL the batch is chosen `FOR UPDATE
//! SKIP LOCKED`, so two nodes claiming at once take different rows and neither waits; SQLite
//! has one writer at a time, so the single statement is already exclusive. A claim older than
//! the lease counts as abandoned (its node stopped mid-way) and is taken over: a restart loses
//! nothing, and the worst case is one repeat of what was being sent when a node died.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::DbConn;
use crate::error::AppError;

/// How long a claim holds before another node may take the work over.
pub const LEASE: TimeDelta = TimeDelta::minutes(5);

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// What may be claimed in each queue.
#[derive(Clone, Copy)]
pub enum Queue {
    /// Events not yet turned into deliveries.
    Events,
    /// Deliveries due and not yet sent or given up.
    Deliveries,
}

impl Queue {
    fn table_and_condition(self) -> (&'static str, &'static str) {
        match self {
            Queue::Events => ("notification_events", "processed_at IS NULL"),
            Queue::Deliveries => ("deliveries", "status = 'pending' AND due_at <= {now}"),
        }
    }
}

/// Claims up to `limit` rows of `queue` for `node`; returns their ids, oldest first.
pub fn claim(
    conn: &mut DbConn,
    queue: Queue,
    node: &str,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<i64>, AppError> {
    let (table, condition) = queue.table_and_condition();
    let stale = now - LEASE;
    let mut ids: Vec<i64> = match conn {
        DbConn::Pg(c) => {
            let sql = format!(
                "UPDATE {table} SET claimed_by = $1, claimed_at = $2 WHERE id IN (\
                 SELECT id FROM {table} WHERE {} AND (claimed_by IS NULL OR claimed_at < $3) \
                 ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id",
                condition.replace("{now}", "$2")
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(node)
                .bind::<Timestamp, _>(now)
                .bind::<Timestamp, _>(stale)
                .bind::<BigInt, _>(limit)
                .load::<Claimed>(c)?
        }
        DbConn::Sqlite(c) => {
            let sql = format!(
                "UPDATE {table} SET claimed_by = ?1, claimed_at = ?2 WHERE id IN (\
                 SELECT id FROM {table} WHERE {} AND (claimed_by IS NULL OR claimed_at < ?3) \
                 ORDER BY id LIMIT ?4) RETURNING id",
                condition.replace("{now}", "?2")
            );
            diesel::sql_query(sql)
                .bind::<Text, _>(node)
                .bind::<Timestamp, _>(now)
                .bind::<Timestamp, _>(stale)
                .bind::<BigInt, _>(limit)
                .load::<Claimed>(c)?
        }
    }
    .into_iter()
    .map(|c| c.id)
    .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Gives back whatever `node` holds (after a round that failed part-way), so the work is
/// taken again at the next round instead of after the lease.
pub fn release(conn: &mut DbConn, node: &str) -> Result<(), AppError> {
    use crate::db::schema::{deliveries, notification_events};
    diesel::update(notification_events::table.filter(notification_events::claimed_by.eq(node)))
        .set((
            notification_events::claimed_by.eq(None::<String>),
            notification_events::claimed_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    diesel::update(deliveries::table.filter(deliveries::claimed_by.eq(node)))
        .set((
            deliveries::claimed_by.eq(None::<String>),
            deliveries::claimed_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}
