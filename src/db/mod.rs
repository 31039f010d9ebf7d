//! The database layer: one connection type over SQLite and PostgreSQL, a pool, the embedded
//! migrations, and `Db::run`, which runs a closure on a pooled connection off the async workers.
//!
//! Reads of one row by key use diesel's `get_result`, not `first`: `first` adds `LIMIT ?`, and
//! SQLite re-prepares a statement whose LIMIT is a bound value every time it runs (its planner
//! reads the value), which cost every request several statement compilations; the first rows
//! of a list come through `first_rows!` or `db::page` (see `kept`) instead.

mod checked;
pub mod codes;
pub mod kept;
pub mod kept_answers;
pub mod memory;
pub mod nested;
pub mod on_thread;
pub mod schema;
pub mod slow_queries;
pub mod stamps;
pub mod together;
pub mod writer;

pub use codes::{Day, MaybeMoment, Moment};
pub use kept::{kept, one_of, page};
pub use together::{together, together_all, Write, Writes};

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long a SQLite writer waits for another's lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;
/// Bytes of the database file each SQLite connection reads through a memory map (the most the
/// bundled SQLite allows, about 2 GiB); the operating system shares the mapped pages.
const SQLITE_MMAP_SIZE: u64 = 0x7fff_0000;

/// One connection, to whichever backend the URL names. Queries written with diesel's DSL run
/// on both; backend-specific SQL matches on the variant.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection. The body is written once and
/// compiled for each backend. Use it for the statements diesel's multi-backend layer cannot
/// express (multi-row inserts, locking clauses), and for those on the hottest paths (the
/// writers' turn): that layer writes a statement's SQL out as text in each pass it makes over
/// it, three times per run even when the statement is cached, which cost more than running it.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $crate::db::AsDb::as_db($conn) {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Pg($c) => $body,
        }
    };
}

/// The first `$n` rows of `$query` (a SELECT with its ORDER BY), kept compiled (`db::kept`) on
/// the backend's own connection. SQLite compiles a statement whose LIMIT is bound anew at every
/// run (its planner takes the bound value as a constant), so there the rows are stepped
/// through, as far as needed, without a LIMIT; PostgreSQL gets the LIMIT.
#[macro_export]
macro_rules! first_rows {
    ($conn:expr, $n:expr, $query:expr) => {
        match $crate::db::AsDb::as_db($conn) {
            $crate::db::DbConn::Sqlite(c) => $crate::db::kept($query)
                .load_iter::<_, diesel::connection::DefaultLoadingMode>(c)
                .and_then(|rows| rows.take(usize::try_from($n).unwrap_or(0)).collect()),
            $crate::db::DbConn::Pg(c) => $crate::db::kept($query.limit($n)).load(c),
        }
    };
}

/// `$query` filtered to rows whose `$column` is one of `$values` (a `Vec`, not empty): `=` for
/// a single value, `IN` / `= ANY` for more. PostgreSQL plans a kept statement once for any
/// values (after five runs), and for `= ANY($1)` it cannot tell how many rows one value
/// matches, so it guesses half the table and walks the sort order's index past every row
/// of another value: the reporter's convoys "blocked" read 704 rows for 50, 320 µs a run
/// under load; as `status = $1` it reads the status's own index. One list of codes from a
/// form is one value nearly always.
#[macro_export]
macro_rules! one_or_any {
    ($query:expr, $column:expr, $values:expr) => {{
        let values = $values;
        match values.as_slice() {
            [one] => $query.filter($column.eq(*one)),
            _ => $query.filter($column.eq_any(values)),
        }
    }};
}

/// A connection, or something holding one (the audit trail's write handle), for `on_backend!`.
pub trait AsDb {
    fn as_db(&mut self) -> &mut DbConn;
}

impl AsDb for DbConn {
    fn as_db(&mut self) -> &mut DbConn {
        self
    }
}

/// Which backend, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://…` or `postgresql://…`; `sqlite://PATH`, `sqlite:PATH`, or a plain path.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("is empty".into());
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_string()));
        }
        let path = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
            .unwrap_or(raw);
        if path.is_empty() {
            return Err("names no database file".into());
        }
        if path.contains("://") {
            return Err(format!(
                "'{raw}' is neither postgres://… nor sqlite://… nor a file path"
            ));
        }
        Ok(Self::Sqlite(PathBuf::from(path)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "SQLite",
            Self::Postgres(_) => "PostgreSQL",
        }
    }

    /// Opens one connection, with the per-connection settings applied.
    pub fn connect(&self) -> Result<DbConn, diesel::ConnectionError> {
        match self {
            Self::Sqlite(path) => {
                sqlite_process_settings();
                // A new database (and so its -wal and -shm files) is readable by its owner only.
                create_private(path).map_err(diesel::ConnectionError::BadConnection)?;
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // WAL lets readers work while one writer writes; synchronous=NORMAL in WAL mode
                // loses no committed transaction when the application crashes. Reading the file
                // through a memory map spares each connection from copying pages into its own
                // cache, which every write by another connection empties.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA temp_store = MEMORY;
                     PRAGMA cache_size = -8000;
                     PRAGMA mmap_size = {SQLITE_MMAP_SIZE};"
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
            Self::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Requests are many and short, each wanting a few milliseconds: a parallel plan
                // starts its workers first (15 ms on two cores before a search's first row,
                // whose own reading took 1 ms), and a statement costed above `jit_above_cost`
                // is compiled to machine code first (tens of milliseconds). Neither pays off
                // here, and with sixteen requests at once the cores are already busy.
                conn.batch_execute(
                    "SET TIME ZONE 'UTC'; SET lock_timeout = '10s';
                     SET max_parallel_workers_per_gather = 0; SET jit = off;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Pg(conn))
            }
        }
    }
}

/// Creates an empty file readable only by its owner, if none exists yet (a database file:
/// SQLite gives its write-ahead log and shared-memory files the database file's permissions).
pub fn create_private(path: &std::path::Path) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!("cannot create '{}': {e}", path.display())),
    }
}

/// SQLite's process-wide settings, applied once before the first connection opens (they are
/// refused afterwards). Without memory statistics every allocation no longer takes one global
/// lock, which under concurrent requests cost more than the queries; and each connection is
/// used by one thread at a time (the pool hands it out), so SQLite needs no lock of its own.
pub fn sqlite_process_settings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use libsqlite3_sys::{sqlite3_config, SQLITE_CONFIG_MEMSTATUS, SQLITE_CONFIG_MULTITHREAD};
        // SAFETY: called once, before any connection exists; SQLite refuses (SQLITE_MISUSE)
        // rather than misbehaves if it has already started, and then keeps its defaults.
        unsafe {
            sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
            sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        }
    });
}

/// The r2d2 manager: opens connections for the configured backend.
#[derive(Debug)]
pub struct Manager(DatabaseUrl);

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.0.connect().map_err(r2d2::Error::ConnectionError)
    }

    /// Not asked: the pool's own test at checkout is off, and `checked::Health::ready` checks
    /// the connections that may have gone stale instead of every one.
    fn is_valid(&self, _conn: &mut DbConn) -> Result<(), r2d2::Error> {
        Ok(())
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type Pool = r2d2::Pool<Manager>;

/// The pool plus what we know of the backend. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    pub url: DatabaseUrl,
    /// The connection every write of `run`'s closures goes through.
    writer: std::sync::Arc<writer::Writer>,
    /// What is kept of this database between requests (see `memory`).
    memory: std::sync::Arc<memory::Memory>,
    /// Which pooled connections to check before use (`checked`).
    health: std::sync::Arc<checked::Health>,
}

impl Db {
    /// Builds the pool without connecting yet: the first use connects, and a database that is
    /// down at that moment answers with an error instead of stopping the process.
    pub fn new(url: DatabaseUrl, max_size: u32) -> Self {
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(3))
            // Checked at checkout only when they may have gone stale (`checked`).
            .test_on_check_out(false)
            .build_unchecked(Manager(url.clone()));
        let writer = std::sync::Arc::new(writer::Writer::new(url.clone()));
        Self {
            pool,
            url,
            writer,
            memory: Default::default(),
            health: Default::default(),
        }
    }

    /// A connection for synchronous code (command-line jobs, start-up), and for `run`; checked
    /// first when it may have gone stale (`checked`).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<Manager>, AppError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| AppError::Unavailable(e.to_string()))?;
        self.health.ready(&mut conn, &self.url)?;
        Ok(conn)
    }

    /// A connection if one is free or can be opened at once (for optional extra work; when
    /// every connection is busy, others' requests come first).
    pub fn try_conn(&self) -> Option<r2d2::PooledConnection<Manager>> {
        let mut conn = self.pool.get_timeout(Duration::from_millis(20)).ok()?;
        self.health.ready(&mut conn, &self.url).ok()?;
        Some(conn)
    }

    /// Runs `f` with a pooled connection on a blocking thread, keeping the async workers free.
    /// Its writes (`audit::write`) go through the writer connection; since `f` may write, the
    /// request's later reads no longer start from the stamps read with its session
    /// (`stamps::for_request`).
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        stamps::forget_with_session();
        self.on_blocking_thread(f).await
    }

    /// `f` on a blocking thread with this database's writer named for it and no pooled
    /// connection, for a request that only writes (`audit::write_alone`). Through `run`, a
    /// write held a pooled connection unused while it waited for the writers' turn: under a
    /// burst of writes every pooled connection (two a core) was held so, no session could be
    /// looked up and no page read meanwhile, and a commit gathered no more writes than there
    /// were connections.
    pub async fn run_write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce() -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        stamps::forget_with_session();
        self.on_named_thread(move |_| f()).await
    }

    /// `f` with a pooled connection on a blocking thread, for `run` and `read`.
    async fn on_blocking_thread<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.on_named_thread(move |db| {
            let mut conn = db.conn()?;
            let result = f(&mut conn);
            db.health.settle(&mut conn, &result);
            result
        })
        .await
    }

    /// `f` on a blocking thread, keeping the async workers free, with this database's writer
    /// and memory named for the thread while it runs (`db::on_thread`).
    async fn on_named_thread<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&Db) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let _writer = writer::enter(db.writer.clone());
            let _memory = memory::enter(db.memory.clone());
            f(&db)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// [`run`](Self::run) for a request that only reads (a page, a list): on SQLite its
    /// statements share one read transaction. Each statement outside a transaction takes and
    /// releases the write-ahead log's read lock, on memory shared by every connection and
    /// behind one mutex, which was 14% of the incident page's database time under sixteen
    /// requests at once; in one transaction the lock is taken once a page, and every statement
    /// of the page sees the same snapshot. PostgreSQL takes no such lock: there a transaction
    /// would cost two round trips more, so its statements run as they are.
    ///
    /// A write inside `f` is refused (`audit::write` answers an internal error): it would go
    /// through the writer connection and commit apart from the snapshot `f` reads.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        // Counted before any statement of the read, as the session's look-up read them.
        let with_session = stamps::with_session();
        self.on_blocking_thread(move |conn| {
            let _reading = writer::reading();
            let _once = memory::reading_once();
            if let Some(stamps) = with_session {
                memory::known_to_the_read(stamps);
            }
            match conn {
                DbConn::Sqlite(_) => conn.transaction(f),
                DbConn::Pg(_) => f(conn),
            }
        })
        .await
    }

    /// Applies every pending migration; returns how many were applied.
    pub fn migrate(&self) -> Result<usize, AppError> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConn::Pg(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        };
        applied.map_err(|e| AppError::Internal(anyhow::anyhow!("migration failed: {e}")))
    }
}

/// True when every embedded migration has been applied (used by `/readyz`).
pub fn migrations_current(conn: &mut DbConn) -> Result<bool, AppError> {
    let pending = match conn {
        DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
        DbConn::Pg(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
    };
    pending
        .map(|p| !p)
        .map_err(|e| AppError::Unavailable(e.to_string()))
}

/// The backend type of `DbConn`, for boxed queries built for either database.
pub type Backend = <DbConn as diesel::Connection>::Backend;

/// A condition on the rows of table `T`, for a boxed query on either backend.
pub type BoxedCondition<T> =
    Box<dyn diesel::expression::BoxableExpression<T, Backend, SqlType = diesel::sql_types::Bool>>;

/// A condition written as SQL by `permissions` (a viewer's scope), as a filter for any query;
/// `None` (nothing to test: the viewer sees everything) is always true.
pub fn sql_filter(
    condition: Option<String>,
) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>(condition.as_deref().unwrap_or("1 = 1"))
}

// SQL's own text functions, for conditions that must match an index on the same expression
// (`locations_district_idx`, `place_names`' `lower(name)`). SQLite's `lower` folds A–Z only.
diesel::define_sql_function!(fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text);
diesel::define_sql_function!(fn trim(text: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// The sum of a tally table's `n` over the rows selected, 0 for none. (SUM of a BIGINT is
/// NUMERIC on PostgreSQL: cast back, on both.)
pub fn tally_sum() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql("CAST(COALESCE(SUM(n), 0) AS BIGINT)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres("postgres://u@h/db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db").unwrap(),
            DatabaseUrl::Sqlite("data/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("x.db").unwrap(),
            DatabaseUrl::Sqlite("x.db".into())
        );
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    /// A request's reads start from the stamps its session's look-up read, until it runs
    /// something that may write: then from its own write's.
    #[tokio::test]
    async fn a_requests_reads_use_its_sessions_stamps_until_it_may_write() {
        let dir = tempfile::tempdir().expect("a folder");
        let db = Db::new(DatabaseUrl::Sqlite(dir.path().join("corridor.db")), 2);
        db.migrate().expect("migrated");
        let asked = stamps::Stamps {
            gazetteer: -1,
            incidents: -2,
            organizations: -3,
            convoys: -4,
            needs: -5,
            evidence: -6,
        };
        stamps::for_request(Some(asked), async {
            assert_eq!(db.read(stamps::read).await.expect("read"), asked);
            assert_eq!(
                db.read(stamps::read).await.expect("read"),
                asked,
                "each read"
            );
            db.run(|_| Ok(())).await.expect("ran");
            let own = db.read(stamps::read).await.expect("read");
            assert!(own.incidents >= 0, "read again after a run: {own:?}");
        })
        .await;
        assert!(
            db.read(stamps::read).await.expect("read").incidents >= 0,
            "no request's"
        );
    }
}
