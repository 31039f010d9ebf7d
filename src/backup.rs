//! `corridor backup FILE` and `corridor restore FILE` for SQLite.
//!
//! Backup takes a consistent copy of the live database with `VACUUM INTO` (one read
//! transaction, so a running server may keep writing), into a temporary file beside FILE; it
//! then checks the copy (`PRAGMA integrity_check`, the expected tables, the audit chain) and
//! only then renames it to FILE. Restore checks a backup the same way on a copy written beside
//! the configured database, then replaces the database with one rename. PostgreSQL has its
//! own tools (`pg_dump`, `pg_restore`); both commands say so and stop.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use indicatif::{HumanBytes, ProgressBar, ProgressFinish, ProgressStyle};

use crate::audit::checkpoint::{self, Checkpoint, Signer};
use crate::audit::verify::{self, ChainReport};
use crate::config::Settings;
use crate::db::{DatabaseUrl, Db, DbConn};

/// The tables a Corridor database has (besides the search index), in the order reports list them.
pub const TABLES: &[&str] = &[
    "organizations",
    "users",
    "sessions",
    "login_throttle",
    "setup_tokens",
    "audit_events",
    "audit_chain_head",
    "locations",
    "reference_counters",
    "incidents",
    "claims",
    "revisions",
];

/// Tables that must exist besides `TABLES` (migrations bookkeeping, full-text index).
const OTHER_TABLES: &[&str] = &["__diesel_schema_migrations", "incidents_fts"];

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What a checked database holds.
#[derive(Debug, Clone)]
pub struct Summary {
    pub bytes: u64,
    pub rows: Vec<(&'static str, i64)>,
    pub chain: ChainReport,
}

impl Summary {
    fn print(&self) {
        println!("Rows per table:");
        for (table, n) in &self.rows {
            println!("  {table:<20} {n:>10}");
        }
        match &self.chain.broken {
            None => println!(
                "Audit chain intact: {} events. Head hash: {}",
                self.chain.checked, self.chain.head_hash
            ),
            Some(b) => println!(
                "Audit chain BROKEN at event {}: {}. {} events before it verified.",
                b.event_id,
                b.reason.describe(),
                self.chain.checked
            ),
        }
    }
}

/// The one-line answer for PostgreSQL, which has its own backup tools.
fn postgres_refusal(command: &str) -> ExitCode {
    let hint = match command {
        "backup" => "use pg_dump instead, e.g. pg_dump --format=custom --file=FILE \"$CORRIDOR_DATABASE_URL\"",
        _ => "use pg_restore instead, e.g. pg_restore --no-owner --dbname=\"$CORRIDOR_DATABASE_URL\" FILE (into a new, empty database)",
    };
    eprintln!(
        "corridor: `corridor {command}` works on SQLite only; this database is PostgreSQL: {hint}"
    );
    ExitCode::from(2)
}

/// `corridor backup FILE [--force]`. Signs a checkpoint of the live trail first, so the copy
/// carries it, and writes the public key and that checkpoint beside the copy.
pub fn backup(settings: &Settings, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let source = match &settings.database {
        DatabaseUrl::Sqlite(path) => path,
        DatabaseUrl::Postgres(_) => return Ok(postgres_refusal("backup")),
    };
    let signer = Signer::from_settings(settings);
    let signed = if source.is_file() {
        sign_before_backup(settings, &signer)
    } else {
        None
    };
    let summary = backup_sqlite(source, file, force)?;
    println!(
        "Backup written to {} ({}). Integrity check: ok.",
        file.display(),
        HumanBytes(summary.bytes)
    );
    summary.print();
    if let Some(checkpoint) = &signed {
        let beside = write_checkpoint_beside(file, &signer, checkpoint)?;
        println!(
            "Signed checkpoint: {}. Public key: {}. Both written to {}.",
            checkpoint.describe(),
            signer.public_key(),
            beside.display()
        );
    }
    println!("{}", evidence_note(settings));
    if summary.chain.is_intact() {
        Ok(ExitCode::SUCCESS)
    } else {
        // The copy is faithful and kept (it may be evidence); the exit status tells scripts.
        eprintln!(
            "corridor: the backup was written, but the audit chain of the database is broken"
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Signs the live trail's head; a trail that no longer continues its last signed head is
/// not signed (the copy is still taken, and its verification will say why).
fn sign_before_backup(settings: &Settings, signer: &Signer) -> Option<Checkpoint> {
    let taken = Db::new(settings.database.clone(), 1)
        .conn()
        .and_then(|mut conn| checkpoint::take(&mut conn, signer, checkpoint::Reason::Backup));
    match taken {
        Ok(c) => c,
        Err(e) => {
            eprintln!("corridor: no checkpoint signed for this backup: {e}");
            None
        }
    }
}

/// `FILE.checkpoint.json`: the public key and the checkpoint the backup carries, for
/// whoever keeps the backup and has to trust it later.
fn write_checkpoint_beside(
    file: &Path,
    signer: &Signer,
    checkpoint: &Checkpoint,
) -> anyhow::Result<PathBuf> {
    let path = with_suffix(file, ".checkpoint.json");
    let doc = serde_json::json!({
        "public_key": signer.public_key(),
        "checkpoint": checkpoint,
        "verify": format!("corridor audit verify --public-key {}", signer.public_key()),
    });
    fs::write(&path, format!("{doc:#}\n"))
        .with_context(|| format!("cannot write '{}'", path.display()))?;
    Ok(path)
}

/// `corridor restore FILE [--force]`.
pub fn restore(settings: &Settings, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let target = match &settings.database {
        DatabaseUrl::Sqlite(path) => path,
        DatabaseUrl::Postgres(_) => return Ok(postgres_refusal("restore")),
    };
    let summary = restore_sqlite(file, target, force)?;
    println!(
        "Restored {} to {} ({}).",
        file.display(),
        target.display(),
        HumanBytes(summary.bytes)
    );
    summary.print();
    set_aside_checkpoints(&settings.audit_checkpoint_file)?;
    println!("{}", evidence_note(settings));
    println!("Start `corridor serve` to use it.");
    Ok(ExitCode::SUCCESS)
}

/// Where the evidence files are and how they are kept: the database holds their hashes, not
/// their bytes, so a backup names them; `corridor audit verify` checks the pair afterwards.
fn evidence_note(settings: &Settings) -> String {
    match &settings.evidence_store {
        Some(url) => format!(
            "Evidence files are not in this file: they stay in the object store ({}),              never changed once written; keep them with the store's own versioning or              replication. `corridor audit verify` checks every file the database names.",
            url.split('?').next().unwrap_or_default()
        ),
        None => format!(
            "Evidence files are not in this file: copy the folder {} beside it (it only              grows; each file is named by its hash). `corridor audit verify` checks every              file the database names.",
            settings.evidence_dir.display()
        ),
    }
}

/// After a restore the database no longer holds what was signed after the backup: the
/// checkpoint file of the replaced history is kept under another name, and a new one begins.
fn set_aside_checkpoints(path: &Path) -> anyhow::Result<()> {
    if !path.is_file() {
        return Ok(());
    }
    let kept = with_suffix(
        path,
        &format!(
            ".before-restore-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ),
    );
    fs::rename(path, &kept).with_context(|| format!("cannot rename '{}'", path.display()))?;
    println!(
        "Checkpoints signed before this restore are kept in {} (the restored database holds \
         only those up to the backup).",
        kept.display()
    );
    Ok(())
}

/// Copies the live database at `source` to `target` and checks the copy. The chain may be
/// broken in the summary (the copy is still written); any other problem is an error.
pub fn backup_sqlite(source: &Path, target: &Path, force: bool) -> anyhow::Result<Summary> {
    if !source.is_file() {
        bail!("no SQLite database at '{}'", source.display());
    }
    let target = checked_target(target)?;
    if same_file(source, &target) {
        bail!(
            "'{}' is the database itself; choose another file for the backup",
            target.display()
        );
    }
    refuse_existing(&target, force, "the backup file")?;
    let temp = Temp::beside(&target)?;
    // VACUUM INTO fills an empty file it finds: this one is readable by its owner only.
    crate::db::create_private(&temp.path).map_err(|e| anyhow!(e))?;

    let estimate = file_len(source) + file_len(&with_suffix(source, "-wal"));
    let bar = bytes_bar(estimate, "copying the database");
    crate::db::sqlite_process_settings();
    let mut conn = SqliteConnection::establish(&source.to_string_lossy())
        .with_context(|| format!("cannot open '{}'", source.display()))?;
    conn.batch_execute("PRAGMA busy_timeout = 10000;")?;
    let temp_text = temp.path.to_str().ok_or_else(|| {
        anyhow!(
            "'{}' cannot be named to SQLite (not UTF-8)",
            temp.path.display()
        )
    })?;
    // The file name is a bound value, never spliced into the SQL. It is absolute, so SQLite
    // cannot take it for a `file:` URI either.
    let copied = watch_growth(&bar, &temp.path, || {
        diesel::sql_query("VACUUM INTO ?")
            .bind::<Text, _>(temp_text)
            .execute(&mut conn)
    });
    drop(conn);
    bar.finish_and_clear();
    copied.with_context(|| format!("cannot copy '{}'", source.display()))?;

    let summary = check(&temp.path)?;
    fsync(&temp.path)?;
    refuse_existing(&target, force, "the backup file")?;
    temp.rename_to(&target)?;
    Ok(summary)
}

/// Replaces the database at `target` with a checked copy of the backup `file`. Must not run
/// while a server uses `target`; a server seen using it is refused.
pub fn restore_sqlite(file: &Path, target: &Path, force: bool) -> anyhow::Result<Summary> {
    let mut source =
        File::open(file).with_context(|| format!("cannot open '{}'", file.display()))?;
    let mut header = [0_u8; 16];
    if source.read_exact(&mut header).is_err() || &header != SQLITE_HEADER {
        bail!("'{}' is not a SQLite database", file.display());
    }
    let target = absolute(target)?;
    if same_file(file, &target) {
        bail!("'{}' is the configured database itself", file.display());
    }
    refuse_existing(&target, force, "the database")?;
    refuse_in_use(&target)?;

    let temp = Temp::beside(&target)?;
    copy_with_progress(file, &temp.path)?;
    let summary =
        check(&temp.path).with_context(|| format!("'{}' cannot be restored", file.display()))?;
    if let Some(b) = &summary.chain.broken {
        bail!(
            "'{}' cannot be restored: its audit chain is broken at event {} ({})",
            file.display(),
            b.event_id,
            b.reason.describe()
        );
    }
    fsync(&temp.path)?;
    refuse_existing(&target, force, "the database")?;
    refuse_in_use(&target)?;
    // A write-ahead log left by the old database must not be replayed onto the new one.
    for suffix in ["-wal", "-shm", "-journal"] {
        let stale = with_suffix(&target, suffix);
        match fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("cannot remove '{}'", stale.display()))
            }
        }
    }
    temp.rename_to(&target)?;
    Ok(summary)
}

/// Opens a copy and checks it: integrity, the expected tables, rows, the audit chain.
fn check(path: &Path) -> anyhow::Result<Summary> {
    let spinner = spinner("checking the copy");
    let mut conn = DatabaseUrl::Sqlite(path.to_path_buf())
        .connect()
        .with_context(|| format!("cannot open the copy '{}'", path.display()))?;
    let DbConn::Sqlite(sqlite) = &mut conn else {
        unreachable!("a SQLite URL opens a SQLite connection");
    };
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        line: String,
    }
    let integrity: Vec<Line> =
        diesel::sql_query("SELECT integrity_check AS line FROM pragma_integrity_check")
            .load(sqlite)
            .context("integrity check failed")?;
    if integrity.len() != 1 || integrity[0].line != "ok" {
        let first: Vec<&str> = integrity.iter().take(3).map(|l| l.line.as_str()).collect();
        bail!("the integrity check found damage: {}", first.join("; "));
    }
    let present: Vec<Line> =
        diesel::sql_query("SELECT name AS line FROM sqlite_master WHERE type = 'table'")
            .load(sqlite)?;
    let missing: Vec<&str> = TABLES
        .iter()
        .chain(OTHER_TABLES)
        .copied()
        .filter(|t| !present.iter().any(|p| p.line == *t))
        .collect();
    if !missing.is_empty() {
        bail!(
            "it is not a Corridor database (missing tables: {})",
            missing.join(", ")
        );
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut rows = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        spinner.set_message(format!("counting rows of {table}"));
        let n = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM \"{table}\""))
            .get_result::<Count>(sqlite)?
            .n;
        rows.push((*table, n));
    }
    spinner.set_message("verifying the audit chain");
    let chain = verify::verify_chain(&mut conn).map_err(|e| anyhow!("audit chain: {e}"))?;
    drop(conn);
    spinner.finish_and_clear();
    Ok(Summary {
        bytes: file_len(path),
        rows,
        chain,
    })
}

/// Refuses a path SQLite or the file system could misread, and makes it absolute.
fn checked_target(target: &Path) -> anyhow::Result<PathBuf> {
    let text = target
        .to_str()
        .ok_or_else(|| anyhow!("'{}': the file name must be valid UTF-8", target.display()))?;
    if text.contains('\0') {
        bail!("the file name contains a NUL character");
    }
    if text.is_empty() || text.ends_with('/') || target.is_dir() {
        bail!("'{text}' is a folder; name the backup file");
    }
    absolute(target)
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("'{}'", path.display()))
}

fn refuse_existing(path: &Path, force: bool, what: &str) -> anyhow::Result<()> {
    if !force && fs::symlink_metadata(path).is_ok() {
        bail!(
            "{what} '{}' already exists; add --force to replace it",
            path.display()
        );
    }
    Ok(())
}

/// Refuses when another process has the database open (a running server keeps connections in
/// its pool). Best effort: a server whose pool is momentarily empty is not seen.
fn refuse_in_use(target: &Path) -> anyhow::Result<()> {
    if !target.is_file() {
        return Ok(());
    }
    crate::db::sqlite_process_settings();
    let Ok(mut conn) = SqliteConnection::establish(&target.to_string_lossy()) else {
        return Ok(());
    };
    // In WAL mode, exclusive locking needs every other connection gone.
    let probe = conn.batch_execute(
        "PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; \
         SELECT COUNT(*) FROM sqlite_master;",
    );
    match probe {
        Err(e) if e.to_string().contains("locked") || e.to_string().contains("busy") => bail!(
            "'{}' is in use (is `corridor serve` running?); stop the server before restoring",
            target.display()
        ),
        // A damaged or foreign file is replaced (with --force) like any other.
        _ => Ok(()),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).map_or(0, |m| m.len())
}

fn fsync(path: &Path) -> anyhow::Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot flush '{}' to disk", path.display()))
}

/// A temporary file in the target's folder (so the final rename stays on one file system),
/// removed with its SQLite side files unless renamed into place.
struct Temp {
    path: PathBuf,
    kept: bool,
}

impl Temp {
    fn beside(target: &Path) -> anyhow::Result<Self> {
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            bail!("the folder '{}' does not exist", dir.display());
        }
        let name = target
            .file_name()
            .ok_or_else(|| anyhow!("'{}' names no file", target.display()))?
            .to_string_lossy();
        let path = dir.join(format!(
            ".{name}.{}-{}.partial",
            std::process::id(),
            hex::encode(rand::random::<[u8; 4]>())
        ));
        Ok(Self { path, kept: false })
    }

    fn rename_to(mut self, target: &Path) -> anyhow::Result<()> {
        fs::rename(&self.path, target).with_context(|| {
            format!(
                "cannot move '{}' to '{}'",
                self.path.display(),
                target.display()
            )
        })?;
        self.kept = true;
        // Make the rename itself durable.
        #[cfg(unix)]
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .with_context(|| format!("cannot flush folder '{}'", dir.display()))?;
        }
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = fs::remove_file(with_suffix(&self.path, suffix));
            }
        }
    }
}

/// Copies `from` to `to` in chunks, showing bytes copied, and flushes it to disk.
fn copy_with_progress(from: &Path, to: &Path) -> anyhow::Result<()> {
    let total = file_len(from);
    let bar = bytes_bar(total, "copying the backup");
    let mut input =
        File::open(from).with_context(|| format!("cannot open '{}'", from.display()))?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut output = options
        .open(to)
        .with_context(|| format!("cannot create '{}'", to.display()))?;
    let mut buf = vec![0_u8; 1 << 20];
    let mut done = 0_u64;
    loop {
        let n = input
            .read(&mut buf)
            .with_context(|| format!("cannot read '{}'", from.display()))?;
        if n == 0 {
            break;
        }
        output
            .write_all(&buf[..n])
            .with_context(|| format!("cannot write '{}'", to.display()))?;
        done += n as u64;
        bar.set_position(done);
    }
    output
        .sync_all()
        .with_context(|| format!("cannot flush '{}' to disk", to.display()))?;
    bar.finish_and_clear();
    Ok(())
}

/// Runs `job` while the bar follows the size of `file` (VACUUM INTO reports no progress).
pub(crate) fn watch_growth<T>(bar: &ProgressBar, file: &Path, job: impl FnOnce() -> T) -> T {
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                bar.set_position(file_len(file));
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let out = job();
        finished.store(true, Ordering::Relaxed);
        out
    })
}

/// A bar in bytes on a terminal; without one, one line saying what is happening.
pub(crate) fn bytes_bar(total: u64, what: &'static str) -> ProgressBar {
    // Cleared when dropped, so an error is not printed after a half-drawn bar.
    let bar = ProgressBar::new(total.max(1)).with_finish(ProgressFinish::AndClear);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} {bytes}/{total_bytes} [{bar:30}] {bytes_per_sec} · about {eta} left",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(what);
    if bar.is_hidden() {
        eprintln!("corridor: {what} ({})…", HumanBytes(total));
    }
    bar
}

pub(crate) fn spinner(what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_finish(ProgressFinish::AndClear);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what);
    bar.enable_steady_tick(Duration::from_millis(120));
    if bar.is_hidden() {
        eprintln!("corridor: {what}…");
    }
    bar
}
