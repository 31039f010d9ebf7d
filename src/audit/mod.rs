//! The tamper-evident audit trail. Every write in Corridor goes through `write`, which opens a
//! transaction that first locks the chain head, and records its event with `record` inside
//! it: the event and the change are kept together or not at all, and events form one line.

pub mod checkpoint;
pub mod files;
pub mod inspect;
pub mod query;
pub mod records;
pub mod revision_hashes;
pub mod verify;

use chrono::{NaiveDateTime, Timelike, Utc};
use diesel::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::schema::{audit_chain_head, audit_events};
use crate::db::DbConn;
use crate::error::AppError;

/// The hash before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did it, and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
    pub org_id: Option<i64>,
    pub client_addr: String,
}

impl Actor {
    /// Corridor itself, or a command run on the server.
    pub fn system(label: &str) -> Self {
        Self {
            user_id: None,
            label: label.to_string(),
            org_id: None,
            client_addr: String::new(),
        }
    }

    /// A client that has not signed in (failed sign-ins, first-admin set-up).
    pub fn anonymous(attempted: &str, client_addr: &str) -> Self {
        Self {
            user_id: None,
            label: attempted.to_string(),
            org_id: None,
            client_addr: client_addr.to_string(),
        }
    }
}

/// What happened, to what.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub details: Value,
}

impl Event {
    pub fn new(action: &'static str, entity_type: &'static str, entity_id: impl ToString) -> Self {
        Self {
            action,
            entity_type,
            entity_id: entity_id.to_string(),
            details: Value::Object(Default::default()),
        }
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

/// Serialisable too: evidence bundles carry whole events, so their hashes can be recomputed.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = audit_events)]
// An absent actor is bound as NULL, not written as DEFAULT: the INSERT then has one text, which
// diesel keeps compiled (it compiles a statement with DEFAULT in it anew at every run).
#[diesel(treat_none_as_default_value = false)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub actor_org_id: Option<i64>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub client_addr: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEvent {
    /// SHA-256 over a canonical JSON array of every field but the hash itself.
    pub fn compute_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.id,
            self.occurred_at
                .format("%Y-%m-%dT%H:%M:%S%.6fZ")
                .to_string(),
            self.actor_user_id,
            self.actor_label,
            self.actor_org_id,
            self.action,
            self.entity_type,
            self.entity_id,
            self.client_addr,
            self.details,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// The current time in UTC, to the microsecond (what both databases keep).
pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// Reads the chain head under the write lock. SQLite's transaction took the lock as it began
/// (`BEGIN IMMEDIATE`, see `db::writer`), so a transaction that reads first cannot fail later
/// on a stale snapshot; PostgreSQL locks the head row itself.
fn lock_head(conn: &mut DbConn) -> QueryResult<(i64, String)> {
    match conn {
        DbConn::Sqlite(sqlite) => audit_chain_head::table
            .find(1)
            .select((audit_chain_head::last_id, audit_chain_head::last_hash))
            .get_result(sqlite),
        DbConn::Pg(pg) => audit_chain_head::table
            .find(1)
            .select((audit_chain_head::last_id, audit_chain_head::last_hash))
            .for_update()
            .get_result(pg),
    }
}

/// Runs `f` in a transaction that holds the chain lock. Use it for every write: it is the only
/// way to get a `Tx`, and the functions that change records, accounts and the trail itself
/// (`record`, `revisions::record`, the stores) ask for one, so a write outside an audited
/// transaction does not compile.
pub fn write<T, F>(conn: &mut DbConn, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut Tx<'_>) -> Result<T, AppError>,
{
    write_on(Some(conn), f)
}

/// [`write`] for a request that does nothing but write: on a blocking thread, on `db`'s writer
/// connection, with no pooled connection of its own, which would sit unused while the write
/// waits its turn ([`Db::run_write`](crate::db::Db::run_write)).
pub async fn write_alone<T, F>(db: &crate::db::Db, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut Tx<'_>) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    db.run_write(move || write_on(None, f)).await
}

/// [`write`] on `conn`, or with none on the thread's writer connection (`write_alone`).
fn write_on<T, F>(conn: Option<&mut DbConn>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut Tx<'_>) -> Result<T, AppError>,
{
    if crate::db::writer::is_reading() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "a write inside a read-only request (Db::read)"
        )));
    }
    let turn = writer_turn();
    let in_tx = |conn: &mut DbConn, head: Option<(i64, String)>| {
        let head = match head {
            Some(head) => head,
            None => lock_head(conn)?,
        };
        let nested_before = NESTED.with(|n| n.get());
        let mut tx = Tx { conn, head };
        let value = f(&mut tx)?;
        // A write inside this one moved the head through a `Tx` of its own, which this one's
        // does not know of: the next write reads the head again.
        let carried = (NESTED.with(|n| n.get()) == nested_before).then_some(tx.head);
        Ok((value, carried))
    };
    let writer = crate::db::writer::current();
    match (conn, turn.outermost, writer) {
        (Some(conn), false, _) => {
            // A write inside a write is a savepoint of it.
            NESTED.with(|n| n.set(n.get() + 1));
            conn.transaction(|conn| in_tx(conn, None))
                .map(|(value, _)| value)
        }
        // The server's writer connection, which commits groups of writes (see `db::writer`).
        // The group's first write locks and reads the chain head; each passes the head as it
        // left it to the next, which holds the lock already in the same transaction, so
        // reading it again would only cost a round trip to the server.
        (_, true, Some(writer)) => writer.run_carrying(|conn, carried| {
            let head = carried
                .take()
                .and_then(|c| c.downcast::<(i64, String)>().ok())
                .map(|head| *head);
            let (value, head) = in_tx(conn, head)?;
            *carried = head.map(|head| Box::new(head) as crate::db::writer::Carried);
            Ok(value)
        }),
        (Some(conn), true, None) => {
            let _queued = turn.queue();
            crate::db::writer::immediate(conn, |conn| in_tx(conn, None)).map(|(value, _)| value)
        }
        (None, _, _) => Err(AppError::Internal(anyhow::anyhow!(
            "a write without a connection, inside another write or with no writer"
        ))),
    }
}

/// A connection inside `write`'s transaction, holding the chain lock. It reads like any
/// connection (`db()`, or wherever a `&mut DbConn` is asked for); only `write` makes one.
pub struct Tx<'c> {
    conn: &'c mut DbConn,
    /// The chain head as of the last event this transaction wrote: read once under the lock,
    /// which no other writer can move while it is held, so `record` need not read it again.
    head: (i64, String),
}

impl Tx<'_> {
    /// The connection itself, for queries (diesel's methods want the connection type).
    pub fn db(&mut self) -> &mut DbConn {
        self.conn
    }
}

impl crate::db::AsDb for Tx<'_> {
    fn as_db(&mut self) -> &mut DbConn {
        self.conn
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        self.conn
    }
}

impl std::ops::DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.conn
    }
}

/// SQLite lets one writer in at a time and makes the others wait by sleeping and retrying
/// (`busy_timeout`): under many concurrent writes most of the time goes in sleeps. PostgreSQL
/// lets them in together, but each takes the chain head's row lock first, so they queue there
/// too, each holding the lock through its own commit. Writers of this process queue instead
/// and go in the moment the one before is done (another process still waits for the
/// database's lock): the server's on its writer connection, command-line jobs on
/// [`WriterTurn::queue`]. A write inside a write passes straight through, so the turn counts
/// how deep this thread is.
fn writer_turn() -> WriterTurn {
    let outermost = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get() == 1
    });
    WriterTurn { outermost }
}

thread_local! {
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// Writes begun inside another on this thread, ever: a write that sees the count move
    /// while it runs does not pass its chain head on.
    static NESTED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

struct WriterTurn {
    outermost: bool,
}

impl WriterTurn {
    /// Waits for the process's other writers that have no writer connection.
    fn queue(&self) -> std::sync::MutexGuard<'static, ()> {
        static WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());
        // A panic in another write leaves nothing behind in the lock itself: go on.
        WRITER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for WriterTurn {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}

/// Appends one event to the chain, in the same transaction as the change; answers its id.
pub fn record(tx: &mut Tx<'_>, actor: &Actor, event: Event) -> Result<i64, AppError> {
    record_all(tx, actor, [event])
}

/// Appends `events` to the chain in their order, in the same transaction as the change, as
/// one statement (a change's revision event and its own: `revisions::record_then`); answers
/// the last one's id.
pub fn record_all<const N: usize>(
    tx: &mut Tx<'_>,
    actor: &Actor,
    events: [Event; N],
) -> Result<i64, AppError> {
    record_all_after(tx, actor, events, ())
}

/// [`record_all`], on PostgreSQL in one statement after `first`, writes of the same change
/// that need nothing of the events' (a revision whose id is known, with its notification:
/// `revisions::record_new_then` and the others of its kind): a round trip fewer for every
/// change. SQLite has no round trip to
/// save and no such statement: there `first` must be `()`, the caller's writes run on their own.
pub fn record_all_after<const N: usize, W: crate::db::Writes>(
    tx: &mut Tx<'_>,
    actor: &Actor,
    events: [Event; N],
    first: W,
) -> Result<i64, AppError> {
    let (mut last_id, mut last_hash) = tx.head.clone();
    let rows: Vec<AuditEvent> = events
        .into_iter()
        .map(|event| {
            let mut row = AuditEvent {
                id: last_id + 1,
                occurred_at: now(),
                actor_user_id: actor.user_id,
                actor_label: actor.label.clone(),
                actor_org_id: actor.org_id,
                action: event.action.to_string(),
                entity_type: event.entity_type.to_string(),
                entity_id: event.entity_id,
                client_addr: actor.client_addr.clone(),
                details: event.details.to_string(),
                prev_hash: std::mem::take(&mut last_hash),
                hash: String::new(),
            };
            row.hash = row.compute_hash();
            (last_id, last_hash) = (row.id, row.hash.clone());
            row
        })
        .collect();
    // The head row moves with every event, so that whatever reads it inside this transaction
    // (a nested `write`, a checkpoint) finds the chain as it now is. Both statements run in
    // every write, on the backend's own connection (see `on_backend!`) and kept compiled (see
    // `db::kept`: a statement of N rows has one text for each N the code passes); on
    // PostgreSQL as one statement with `first`'s writes, a round trip fewer (see
    // `db::together`).
    let insert = diesel::insert_into(audit_events::table).values(&rows);
    let move_head = diesel::update(audit_chain_head::table.find(1))
        .set((
            audit_chain_head::last_id.eq(last_id),
            audit_chain_head::last_hash.eq(&last_hash),
        ))
        .returning(audit_chain_head::last_id);
    let _moved: i64 = match tx.db() {
        DbConn::Sqlite(_) if W::COUNT > 0 => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "writes asked to go in the audit trail's statement on SQLite, which has none"
            )))
        }
        DbConn::Sqlite(c) => {
            insert.execute(c)?;
            crate::db::kept(move_head).get_result(c)?
        }
        DbConn::Pg(c) => {
            crate::db::together_all((first, crate::db::Write(insert)), move_head).get_result(c)?
        }
    };
    tx.head = (last_id, last_hash);
    Ok(last_id)
}

/// A JSON object of the fields that changed: `{"field": [old, new], …}`.
pub fn changes(pairs: &[(&str, Value, Value)]) -> Value {
    let map = pairs
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(k, old, new)| (k.to_string(), Value::Array(vec![old.clone(), new.clone()])))
        .collect();
    Value::Object(map)
}
