//! The writer: one connection per database that every write of the server goes through, with
//! group commit.
//!
//! SQLite lets one writer in at a time, so writes queue anyway; what they cost in the queue is
//! what decides how many a second the server can take. Two costs are not the writes' own:
//! - **A cold page cache.** A connection's cache is emptied whenever another connection has
//!   written since its last transaction, so a write on whichever pooled connection came free
//!   first began by throwing its cache away and read every page it touched again. The writer
//!   connection is the only one that writes, so its cache stays warm.
//! - **One commit per write.** Each commit writes every page the transaction changed to the
//!   log, and a search entry becomes a segment of its own. When writers are waiting, the one
//!   done leaves the transaction open for them and waits; the last of the group commits for
//!   all (at most [`MAX_GROUP`]). Each write after the first runs in a savepoint of its own,
//!   so one that fails is rolled back alone and the others go on (the first fails alone with
//!   the whole transaction); none is told it succeeded before the commit that keeps it, and if
//!   that commit fails, every write in the group is told so.
//!
//! PostgreSQL lets writers in together, but every write takes the audit chain head's row lock
//! first (`audit::write`), so there too they went one at a time, each holding the lock through
//! its own commit and the next woken by the server only then. On the writer connection they
//! share commits (one flush of the server's log per group) and wait for none of that: 213–247
//! creations a second became 276–335 in alternating runs (100,000 incidents). A group of 32
//! writes opens 31 savepoints or more (a write inside a write adds its own); past 64 a
//! PostgreSQL transaction's subtransactions no longer fit in shared memory and other sessions'
//! snapshots look further, which costs only while that group is open.
//!
//! Every statement is a round trip to PostgreSQL (about 50 µs on this project's 2-core
//! machine, more under load), and the writes of a group wait for each other's: a write's
//! savepoint is released in the same round trip as the next one's begins, and the last one's
//! ends with the commit (see [`enter_savepoint`]).
//!
//! Alone, a write commits at once, as before. The server's handlers reach the writer through
//! [`Db::run`](super::Db::run), which names it for the thread while the handler's closure runs
//! (see [`current`]), or, for a request that does nothing but write, through
//! [`Db::run_write`](super::Db::run_write), which takes no pooled connection for it to hold
//! while it waits here; command-line jobs and anything else write on their own connection.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

use diesel::connection::{
    SimpleConnection, TransactionDepthChange, TransactionManager, TransactionManagerStatus,
};

use super::on_thread::{self, Restore};
use super::{DatabaseUrl, DbConn};
use crate::error::AppError;

/// The most writes one commit keeps: bounds how long the first of a group waits for its answer.
pub const MAX_GROUP: usize = 32;

pub struct Writer {
    url: DatabaseUrl,
    state: Mutex<State>,
    /// Signalled when a group's commit has ended, one way or the other.
    committed: Condvar,
    /// Writes waiting for the lock: while there are some, the transaction is left open.
    queued: AtomicUsize,
    /// Groups ended so far (committed or not), for the benchmark and the tests.
    groups: AtomicUsize,
}

#[derive(Default)]
struct State {
    /// Opened at the first write, and again after a failure that may have left it unusable.
    conn: Option<DbConn>,
    /// The group whose transaction is open, if one is.
    open: Option<Arc<Group>>,
    /// What the last write of the open group left for the next (see [`Writer::run_carrying`]).
    carried: Option<Carried>,
    /// The last write's savepoint is still open, for the next write to release (see
    /// [`enter_savepoint`]).
    savepoint_kept: bool,
}

/// What one write of a group hands to the next in the same transaction: the audit trail's
/// chain head, which the group's first write locked and read (`audit::write`).
pub type Carried = Box<dyn std::any::Any + Send>;

#[derive(Default)]
struct Group {
    writes: AtomicUsize,
    /// Set once, by the write that ends the group: `Err` when the commit failed.
    outcome: OnceLock<Result<(), Failed>>,
}

/// Why a group's commit failed, told to each of its writes: "unavailable" (a full disk, a
/// lock held too long: 503) stays so for all of them.
#[derive(Debug, Clone)]
enum Failed {
    Unavailable(String),
    Internal(String),
}

impl Failed {
    fn of(e: diesel::result::Error) -> Self {
        match AppError::from(e) {
            AppError::Unavailable(m) => Self::Unavailable(m),
            other => Self::Internal(other.to_string()),
        }
    }

    fn error(&self) -> AppError {
        match self {
            Self::Unavailable(m) => AppError::Unavailable(m.clone()),
            Self::Internal(m) => AppError::Internal(anyhow::anyhow!("the commit failed: {m}")),
        }
    }
}

impl Writer {
    pub fn new(url: DatabaseUrl) -> Self {
        Self {
            url,
            state: Mutex::new(State::default()),
            committed: Condvar::new(),
            queued: AtomicUsize::new(0),
            groups: AtomicUsize::new(0),
        }
    }

    /// How many groups have ended: fewer than the writes when writes were grouped.
    pub fn groups(&self) -> usize {
        self.groups.load(Ordering::SeqCst)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A write that panicked has been rolled back before the panic went on (see `run`).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `write` in a savepoint of the group's transaction and answers once the group is
    /// committed: `write`'s own error if it failed (its changes rolled back), the commit's if
    /// that failed.
    pub fn run<T, F>(&self, write: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError>,
    {
        self.run_carrying(|conn, _| write(conn))
    }

    /// [`run`](Self::run), with what the group's last write left (`None` for a group's first
    /// write, and after a write that failed: its savepoint's rollback undid whatever it was
    /// about). What `write` leaves in it passes to the next write only if `write` succeeds, and
    /// never to another group's.
    pub fn run_carrying<T, F>(&self, write: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn, &mut Option<Carried>) -> Result<T, AppError>,
    {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut state = self.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let group = begin(&mut state, &self.url)?;
        let first = group.writes.load(Ordering::SeqCst) == 0;
        let mut carried = state.carried.take();
        let kept = std::mem::take(&mut state.savepoint_kept);
        let conn = state.conn.as_mut().expect("begin opened the connection");
        // The group's first write runs in the transaction itself: if it fails, the whole
        // transaction is rolled back, with nothing else in it yet. Each later one runs in a
        // savepoint, so that it fails alone.
        let entered = first || enter_savepoint(conn, kept).is_ok();
        let outcome = if entered {
            panic::catch_unwind(AssertUnwindSafe(|| write(conn, &mut carried)))
        } else {
            Ok(Err(AppError::Unavailable(
                "the write could not begin its savepoint".to_string(),
            )))
        };
        let succeeded = matches!(outcome, Ok(Ok(_)));
        let writes = group.writes.fetch_add(1, Ordering::SeqCst) + 1;
        let depth = |conn: &mut DbConn| {
            match <DbConn as TransactionManager<DbConn>>::transaction_manager_status_mut(conn)
                .transaction_depth()
            {
                Ok(depth) => depth.map_or(0, |d| d.get()),
                Err(_) => 0,
            }
        };
        // Back to the savepoint, which stays for the next write to release (a panic may have
        // left a nested write's savepoint open too: then the depth is wrong, and the group
        // is abandoned below).
        let undone = if entered && !first && !succeeded && depth(conn) == 2 {
            conn.batch_execute(&format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}"))
                .is_ok()
        } else {
            true
        };
        let usable = entered && undone && depth(conn) == if first { 1 } else { 2 };
        let ending = match (usable, first, succeeded) {
            (false, ..) => Ending::Abandon,
            (true, true, false) => Ending::RollBack,
            (true, ..) if writes < MAX_GROUP && self.queued.load(Ordering::SeqCst) > 0 => {
                // Left open for the writes waiting. Undone already if it failed: nothing of
                // it waits for the commit.
                if succeeded {
                    state.carried = carried;
                }
                state.savepoint_kept = !first;
                let result = match outcome {
                    Err(panic) => {
                        drop(state);
                        panic::resume_unwind(panic)
                    }
                    Ok(Err(e)) => return Err(e),
                    Ok(Ok(value)) => value,
                };
                while group.outcome.get().is_none() {
                    state = self
                        .committed
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                drop(state);
                return match group.outcome.get() {
                    Some(Ok(())) => Ok(result),
                    Some(Err(failed)) => Err(failed.error()),
                    None => unreachable!("waited for the outcome"),
                };
            }
            (true, ..) => Ending::Commit { savepoint: !first },
        };
        let committed = end(&mut state, ending);
        let _ = group.outcome.set(committed.clone());
        state.open = None;
        state.carried = None;
        state.savepoint_kept = false;
        self.groups.fetch_add(1, Ordering::SeqCst);
        drop(state);
        self.committed.notify_all();
        match outcome {
            Err(panic) => panic::resume_unwind(panic),
            Ok(Err(e)) => Err(e),
            Ok(Ok(value)) => committed.map(|()| value).map_err(|f| f.error()),
        }
    }
}

/// The name of each write's savepoint in a group: diesel's own for that depth, so a write
/// inside the write (a savepoint one deeper, `diesel_savepoint_2`) never takes it.
const SAVEPOINT: &str = "diesel_savepoint_1";

/// Begins a write's savepoint. The one before it, if it succeeded or was rolled back to, is
/// still open (`kept`), and is released in the same round trip to the server: a write pays
/// one statement for its savepoint, not two.
fn enter_savepoint(conn: &mut DbConn, kept: bool) -> diesel::QueryResult<()> {
    if kept {
        conn.batch_execute(&format!(
            "RELEASE SAVEPOINT {SAVEPOINT}; SAVEPOINT {SAVEPOINT}"
        ))
    } else {
        <DbConn as TransactionManager<DbConn>>::begin_transaction(conn)
    }
}

/// How a group's transaction ends.
enum Ending {
    /// Committed; `savepoint`: the last write's savepoint is still open (the commit ends it).
    Commit { savepoint: bool },
    /// Rolled back: the group's first write failed, and nothing else is in it.
    RollBack,
    /// Rolled back and the connection closed: a failure left the transaction unusable.
    Abandon,
}

/// The open group, or a new one with its transaction begun.
fn begin(state: &mut State, url: &DatabaseUrl) -> Result<Arc<Group>, AppError> {
    if let Some(group) = &state.open {
        return Ok(group.clone());
    }
    state.carried = None;
    state.savepoint_kept = false;
    // A PostgreSQL connection kept from before may have been cut since (the server
    // restarted, the session ended by an administrator). Nothing is done yet, so one that
    // cannot begin is opened anew, once, as the pool tests its own before use. (A SQLite file
    // cannot be cut; what stops a SQLite `BEGIN` is another process's lock, waited for already.)
    let kept = state.conn.is_some() && matches!(url, DatabaseUrl::Postgres(_));
    if let Err(e) = open_and_begin(state, url) {
        if !kept {
            return Err(e);
        }
        open_and_begin(state, url)?;
    }
    let group = Arc::new(Group::default());
    state.open = Some(group.clone());
    Ok(group)
}

/// Begins a transaction on the kept connection, opened first if there is none; closed again
/// if it cannot begin.
fn open_and_begin(state: &mut State, url: &DatabaseUrl) -> Result<(), AppError> {
    let conn = match &mut state.conn {
        Some(conn) => conn,
        None => state.conn.insert(
            url.connect()
                .map_err(|e| AppError::Unavailable(e.to_string()))?,
        ),
    };
    if let Err(e) = begin_immediate(conn) {
        state.conn = None;
        return Err(e.into());
    }
    Ok(())
}

/// Ends the open group's transaction. After any failure the connection is closed, so the
/// next group starts on a clean one.
fn end(state: &mut State, ending: Ending) -> Result<(), Failed> {
    let conn = state.conn.as_mut().expect("a group is open");
    let result = match ending {
        Ending::Commit { savepoint } => {
            if savepoint {
                // The commit ends the savepoint with the transaction: no RELEASE first.
                if let TransactionManagerStatus::Valid(status) =
                    <DbConn as TransactionManager<DbConn>>::transaction_manager_status_mut(conn)
                {
                    let _ = status.change_transaction_depth(TransactionDepthChange::DecreaseDepth);
                }
            }
            <DbConn as TransactionManager<DbConn>>::commit_transaction(conn).map_err(Failed::of)
        }
        Ending::RollBack => {
            match <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn) {
                // Nothing to commit: the write that failed says why.
                Ok(()) => {
                    return Err(Failed::Internal(
                        "the group's only write failed".to_string(),
                    ))
                }
                Err(e) => Err(Failed::of(e)),
            }
        }
        Ending::Abandon => {
            let _ = <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn);
            Err(Failed::Internal(
                "a write in the same commit left the transaction unusable".to_string(),
            ))
        }
    };
    if result.is_err() {
        state.conn = None;
    }
    result
}

/// Begins a transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so that
/// none of its statements can fail later for want of it; on PostgreSQL, an ordinary one.
fn begin_immediate(conn: &mut DbConn) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => {
            diesel::connection::AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConn::Pg(_) => <DbConn as TransactionManager<DbConn>>::begin_transaction(conn),
    }
}

/// Runs `write` in a transaction of its own begun with [`begin_immediate`], on `conn` (for
/// writes with no writer connection: command-line jobs).
pub fn immediate<T, F>(conn: &mut DbConn, write: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, AppError>,
{
    begin_immediate(conn)?;
    match write(conn) {
        Ok(value) => {
            // On failure diesel rolls back before answering.
            <DbConn as TransactionManager<DbConn>>::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            <DbConn as TransactionManager<DbConn>>::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Writer>>> = const { RefCell::new(None) };
}

/// The writer named for this thread by [`enter`], if any.
pub fn current() -> Option<Arc<Writer>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Names `writer` as this thread's until the returned guard is dropped.
pub fn enter(writer: Arc<Writer>) -> Restore<Option<Arc<Writer>>> {
    on_thread::set(&CURRENT, Some(writer))
}

thread_local! {
    static READING: RefCell<bool> = const { RefCell::new(false) };
}

/// True while this thread runs a closure of [`Db::read`](super::Db::read), where no write
/// belongs.
pub fn is_reading() -> bool {
    READING.with(|r| *r.borrow())
}

/// Marks this thread as reading until the returned guard is dropped.
pub fn reading() -> Restore<bool> {
    on_thread::set(&READING, true)
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;
    use std::time::Duration;

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    use super::*;

    /// `Db::read`'s promise: nothing written inside it (such a write would commit apart from
    /// the snapshot read), and the thread free to write again after it.
    #[test]
    fn a_write_inside_a_read_is_refused() {
        let mut conn = DbConn::Sqlite(SqliteConnection::establish(":memory:").expect("memory"));
        let guard = reading();
        let refused = crate::audit::write(&mut conn, |_| Ok(())).expect_err("refused");
        assert!(
            refused.to_string().contains("read-only request"),
            "refused as a write inside a read: {refused}"
        );
        drop(guard);
        assert!(!is_reading(), "the thread may write again");
    }

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    fn rows(url: &DatabaseUrl) -> Vec<i64> {
        let mut conn = url.connect().unwrap();
        let mut rows: Vec<i64> = diesel::sql_query("SELECT n FROM t")
            .load::<Row>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|r| r.n)
            .collect();
        rows.sort_unstable();
        rows
    }

    /// A database file with `schema`, and a writer over it.
    fn database(schema: &str) -> (tempfile::TempDir, DatabaseUrl, Arc<Writer>) {
        let dir = tempfile::tempdir().unwrap();
        let url = DatabaseUrl::Sqlite(dir.path().join("w.db"));
        url.connect().unwrap().batch_execute(schema).unwrap();
        let writer = Arc::new(Writer::new(url.clone()));
        (dir, url, writer)
    }

    /// Runs `write(n, conn)` for `n` in `0..count` from as many threads at once, through the
    /// writer; whoever gets the lock first holds it a while, so that the others queue behind
    /// it. Each thread's answer is passed to `check(n, ok)` on that thread; the join results
    /// come back in order (`None`: the thread panicked).
    fn at_once<W, C>(writer: &Arc<Writer>, count: i64, write: W, check: C) -> Vec<Option<bool>>
    where
        W: Fn(i64, &mut DbConn) -> Result<(), AppError> + Send + Sync + 'static,
        C: Fn(i64, bool) + Send + Sync + 'static,
    {
        let start = Arc::new(Barrier::new(count as usize));
        let first = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (write, check) = (Arc::new(write), Arc::new(check));
        let threads: Vec<_> = (0..count)
            .map(|n| {
                let (writer, start, first) = (writer.clone(), start.clone(), first.clone());
                let (write, check) = (write.clone(), check.clone());
                std::thread::spawn(move || {
                    start.wait();
                    let ok = writer
                        .run(|conn| {
                            write(n, conn)?;
                            let held = !first.swap(true, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(if held { 300 } else { 5 }));
                            Ok(())
                        })
                        .is_ok();
                    check(n, ok);
                    ok
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().ok()).collect()
    }

    fn insert(conn: &mut DbConn, n: i64) -> Result<(), AppError> {
        diesel::sql_query("INSERT INTO t (n) VALUES (?)")
            .bind::<BigInt, _>(n)
            .execute(conn)?;
        Ok(())
    }

    /// Sixteen writes at once, while the first is held: they are committed in fewer commits
    /// than writes; each is answered only once its row can be read from another connection;
    /// the ones that fail (an error, or a panic) after writing leave nothing behind and take
    /// nothing of the others with them.
    #[test]
    fn writes_waiting_together_are_committed_together_and_fail_alone() {
        let (_dir, url, writer) = database("CREATE TABLE t (n INTEGER NOT NULL)");
        let read = url.clone();
        let outcomes = at_once(
            &writer,
            16,
            |n, conn| {
                insert(conn, n)?;
                match n % 5 {
                    3 => Err(AppError::NotFound),
                    4 => panic!("write {n} panics after writing"),
                    _ => Ok(()),
                }
            },
            move |n, ok| {
                if ok {
                    assert!(
                        rows(&read).contains(&n),
                        "write {n} answered before its commit"
                    );
                }
            },
        );
        for (n, outcome) in outcomes.iter().enumerate() {
            let want = match n % 5 {
                3 => Some(false),
                4 => None,
                _ => Some(true),
            };
            assert_eq!(*outcome, want, "write {n}");
        }
        let expected: Vec<i64> = (0..16).filter(|n| n % 5 < 3).collect();
        assert_eq!(rows(&url), expected);
        assert!(
            writer.groups() < 16,
            "{} commits for 16 writes waiting together",
            writer.groups()
        );
        // And alone, a write commits at once.
        let before = writer.groups();
        writer.run(|conn| insert(conn, 100)).unwrap();
        assert_eq!(writer.groups(), before + 1);
        assert!(rows(&url).contains(&100));
    }

    /// When the commit fails, every write of the group is told so and none is kept.
    #[test]
    fn a_failed_commit_fails_every_write_of_the_group() {
        // A deferred foreign key is checked at the commit: write 3 names a missing parent.
        let (_dir, url, writer) = database(
            "CREATE TABLE p (id INTEGER PRIMARY KEY);
             CREATE TABLE t (n INTEGER NOT NULL REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);
             INSERT INTO p VALUES (1);",
        );
        let answers = at_once(
            &writer,
            4,
            |n, conn| insert(conn, if n == 3 { 99 } else { 1 }),
            |_, _| {},
        );
        assert_eq!(writer.groups(), 1, "the four writes waited together");
        assert_eq!(answers, [Some(false); 4], "one commit failed for all");
        assert!(rows(&url).is_empty());
        // The writer goes on, on a fresh connection.
        writer.run(|conn| insert(conn, 1)).unwrap();
        assert_eq!(rows(&url), [1]);
    }

    /// Waits until `n` writes are queued for the writer's lock.
    fn until_queued(writer: &Writer, n: usize) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while writer.queued.load(Ordering::SeqCst) != n {
            assert!(std::time::Instant::now() < deadline, "no write queued");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// What a write carries passes to the next of its group only when it succeeds; a write
    /// after the first fails alone; the group's first write, which runs without a savepoint of
    /// its own, fails with its whole transaction, and the writer goes on.
    #[test]
    fn only_what_a_write_that_succeeded_left_is_carried_and_a_first_write_fails_alone() {
        let (_dir, url, writer) = database("CREATE TABLE t (n INTEGER NOT NULL)");
        let seen = |carried: &mut Option<Carried>| {
            carried
                .take()
                .and_then(|c| c.downcast::<i64>().ok())
                .map(|c| *c)
        };
        let (a_in, b_in) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
        // A holds the group open until B queues behind it; B, until C does.
        let a = {
            let (writer, a_in) = (writer.clone(), a_in.clone());
            std::thread::spawn(move || {
                writer.run_carrying(|conn, carried| {
                    insert(conn, 1)?;
                    *carried = Some(Box::new(10_i64));
                    a_in.wait();
                    until_queued(&writer, 1);
                    Ok(())
                })
            })
        };
        a_in.wait();
        let b = {
            let (writer, b_in) = (writer.clone(), b_in.clone());
            std::thread::spawn(move || {
                writer.run_carrying(|conn, carried| {
                    let before = seen(carried);
                    insert(conn, 2)?;
                    *carried = Some(Box::new(20_i64));
                    b_in.wait();
                    until_queued(&writer, 1);
                    Err::<Option<i64>, _>(AppError::Unavailable(format!("{before:?}")))
                })
            })
        };
        b_in.wait();
        let c = {
            let writer = writer.clone();
            std::thread::spawn(move || {
                writer.run_carrying(|conn, carried| {
                    let before = seen(carried);
                    insert(conn, 3)?;
                    Ok(before)
                })
            })
        };
        assert!(a.join().unwrap().is_ok());
        match b.join().unwrap() {
            Err(AppError::Unavailable(before)) => assert_eq!(before, "Some(10)"),
            other => panic!("B: {other:?}"),
        }
        assert_eq!(
            c.join().unwrap().unwrap(),
            None,
            "B failed: nothing passes to C"
        );
        assert_eq!(writer.groups(), 1, "A, B and C waited together");
        assert_eq!(rows(&url), [1, 3]);
        // Alone, a write is its group's first: when it fails, nothing of it is kept.
        let failed = writer.run(|conn| {
            insert(conn, 4)?;
            Err::<(), _>(AppError::NotFound)
        });
        assert!(matches!(failed, Err(AppError::NotFound)));
        writer.run(|conn| insert(conn, 5)).unwrap();
        assert_eq!(rows(&url), [1, 3, 5]);
    }
}
