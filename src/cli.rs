//! The command line: `corridor [serve]`, `migrate`, `user add`, `audit verify`.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::accounts::{self, organizations, users};
use crate::audit::{self, checkpoint, inspect, Actor};
use crate::config::{RawSettings, Settings};
use crate::db::Db;
use crate::domain::{NewPassword, OrgType, Role, Username};

#[derive(Debug, Parser)]
#[command(
    name = "corridor",
    version,
    about = "Corridor: record and report obstructed humanitarian access.",
    long_about = "Corridor: record and report obstructed humanitarian access: blocked convoys, \
                  denied access, attacks on aid workers and health care, and medical supplies \
                  still needed.\n\nWith no command, `corridor` runs `serve`. Every setting can \
                  be given as a flag or as the CORRIDOR_* environment variable shown beside it."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: RawSettings,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web server (the default). Applies pending migrations first; on an empty
    /// database prints a one-time link for setting up the first administrator.
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Manage user accounts from the shell.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Evidence bundles.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Administrative areas of the gazetteer (OCHA common operational datasets).
    #[command(subcommand)]
    Places(PlacesCommand),
    /// Load the Eastern Ghouta demonstration scenario: organisations, one account of every
    /// role (their passwords are printed once), places with their other spellings, and
    /// incidents with conflicting claims. Add `--synthetic N` for N random incidents more.
    Demo {
        /// Also add this many random incidents (in batches; 1,000,000 takes minutes).
        #[arg(long, value_name = "N")]
        synthetic: Option<u64>,
        /// Seed for the random incidents, so a load can be repeated exactly.
        #[arg(long, default_value_t = 2018)]
        seed: u64,
    },
    /// Copy the SQLite database to FILE while the server keeps running (a consistent
    /// snapshot, taken with VACUUM INTO), then check the copy: integrity, rows per table and
    /// the audit chain head. For PostgreSQL use `pg_dump` instead.
    #[command(
        long_about = "Copy the SQLite database to FILE while the server keeps running: one \
                      consistent snapshot (VACUUM INTO), written beside FILE and renamed into \
                      place only once checked (PRAGMA integrity_check, the expected tables, the \
                      audit hash chain). Prints the size, the rows per table and the audit chain \
                      head; exits 1 when the chain is broken (the copy is kept).\n\n\
                      SQLite only: for PostgreSQL use pg_dump, e.g. \
                      `pg_dump --format=custom --file=FILE \"$CORRIDOR_DATABASE_URL\"`."
    )]
    Backup {
        /// The backup file to write.
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the SQLite database with the backup FILE, after checking it. Stop the server
    /// first: restore must not run while `corridor serve` uses the database.
    #[command(
        long_about = "Replace the configured SQLite database with the backup FILE. The backup \
                      is first copied beside the database and checked (a SQLite file, \
                      PRAGMA integrity_check, the expected tables, an intact audit hash chain); \
                      then it replaces the database in one atomic rename, and any write-ahead \
                      log (-wal, -shm) left by the old database is removed.\n\n\
                      STOP THE SERVER FIRST: restore must not run while `corridor serve` (or any \
                      other process) uses the database. A server seen holding the database is \
                      refused, but one that has no connection open at that moment is not seen. \
                      An existing database is replaced only with --force.\n\n\
                      SQLite only: for PostgreSQL use pg_restore into a new, empty database, \
                      e.g. `pg_restore --no-owner --dbname=\"$CORRIDOR_DATABASE_URL\" FILE`."
    )]
    Restore {
        /// The backup file to restore.
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
        /// Replace the database if one exists already.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (one line), never from
    /// the command line, so it stays out of shell history and process lists.
    Add {
        /// Sign-in name: 3 to 64 lower-case letters, digits, '.', '_' or '-'.
        #[arg(long)]
        username: String,
        /// One of: reporter, coordinator, auditor, admin.
        #[arg(long)]
        role: String,
        /// Organisation name or acronym; created (type "other") when it does not exist yet.
        #[arg(long)]
        org: String,
        /// Name shown in the application (default: the username).
        #[arg(long, default_value = "")]
        display_name: String,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check everything the audit trail vouches for: the append-only triggers, the hash chain
    /// from the first event to the head, every signed checkpoint (in the database and in the
    /// checkpoint file), every revision, each incident, convoy and need against its latest
    /// revision, and each account against the trail. Prints what each check covered; exits
    /// with status 1 naming the first record or event that fails.
    Verify {
        /// Verify the checkpoints with this public key (64 hex characters, shown on the audit
        /// page and beside every backup) instead of the server's signing key: an auditor
        /// needs no power to sign.
        #[arg(long, value_name = "KEY")]
        public_key: Option<String>,
        /// The checkpoint file to check against (default: the configured one).
        #[arg(long, value_name = "FILE")]
        checkpoint_file: Option<std::path::PathBuf>,
    },
    /// Sign a checkpoint of the audit trail now (for instance right before `pg_dump`) and
    /// print it with the public key.
    Checkpoint,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Write an incident's evidence bundle to a file: the same zip as
    /// `GET /incidents/{id}/evidence.zip` (the files, manifest.json, the signed checkpoint),
    /// as one person would get it (`--as USERNAME`: only the files they may see) or with every
    /// file (`--all`). The export is an audit event. Check the result with `evidence verify`.
    Export {
        /// The incident's reference, e.g. INC-2018-0001.
        #[arg(value_name = "INC-…")]
        reference: String,
        /// Export as this user would: their scope, their name in the manifest and the trail.
        #[arg(long = "as", value_name = "USERNAME", conflicts_with = "all")]
        as_user: Option<String>,
        /// Export every file of the incident, as the deployment (recorded as the command line).
        #[arg(long, required_unless_present = "as_user")]
        all: bool,
        /// A bundle to give beyond the recording organisation: every photo without its
        /// metadata (date, GPS, camera); photos whose metadata cannot be removed are left out.
        #[arg(long)]
        shared: bool,
        /// Where to write the zip (default: `REFERENCE-evidence.zip` in the current folder).
        #[arg(long, short, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
    /// Check an evidence bundle (`/incidents/{id}/evidence.zip`) offline: every file against
    /// its SHA-256 in the manifest, each file's audit event against its own hash, and the
    /// signed checkpoint against the public key. Needs no access to Corridor; exits 1 naming
    /// the first thing that fails.
    Verify {
        /// The bundle to check.
        #[arg(value_name = "BUNDLE.zip")]
        bundle: std::path::PathBuf,
        /// The deployment's public key (64 hex characters, published on the audit page).
        /// Without it, the checkpoint is checked against the key it names itself, which
        /// shows only that it is well formed.
        #[arg(long, value_name = "KEY")]
        public_key: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlacesCommand {
    /// Add and update administrative areas (governorates, districts, sub-districts) from an
    /// OCHA COD admin-boundaries file: the tabular CSV from HDX (`admin1Name_en`,
    /// `admin1Name_ar`, `admin1Pcode`, `admin0Pcode`, …; the deepest level present is read)
    /// or a GeoJSON file with the same properties (or `ADM1_EN`, `ADM1_PCODE`). Areas are
    /// matched by p-code: running it again adds nothing twice, and prints what it added and
    /// changed. The import is one transaction with its audit event.
    Import {
        /// The CSV or GeoJSON file.
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
    },
    /// Write every administrative area as CSV to standard output (level, p-code, parent
    /// p-code, country, names in English, Arabic and French); `places import` reads it back.
    Export,
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli.settings.parse() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("corridor: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => migrate(&settings),
        Command::User(UserCommand::Add {
            username,
            role,
            org,
            display_name,
            password_stdin: _,
        }) => add_user(&settings, &username, &role, &org, &display_name),
        Command::Audit(AuditCommand::Verify {
            public_key,
            checkpoint_file,
        }) => audit_verify(&settings, public_key.as_deref(), checkpoint_file),
        Command::Audit(AuditCommand::Checkpoint) => audit_checkpoint(&settings),
        Command::Evidence(EvidenceCommand::Export {
            reference,
            as_user,
            all: _,
            shared,
            output,
        }) => evidence_export(&settings, &reference, as_user.as_deref(), shared, output),
        Command::Evidence(EvidenceCommand::Verify { bundle, public_key }) => {
            evidence_verify(&bundle, public_key.as_deref())
        }
        Command::Demo { synthetic, seed } => demo(&settings, synthetic, seed),
        Command::Places(PlacesCommand::Import { file }) => places_import(&settings, &file),
        Command::Places(PlacesCommand::Export) => places_export(&settings),
        Command::Backup { file, force } => backup(&settings, &file, force),
        Command::Restore { file, force } => restore(&settings, &file, force),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("corridor: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    tune_malloc(matches!(
        settings.database,
        crate::db::DatabaseUrl::Postgres(_)
    ));
    crate::telemetry::init("info,actix_server=warn");
    actix_web::rt::System::new().block_on(async move {
        let app = crate::startup::Application::build(settings).await?;
        app.run_until_stopped().await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// glibc gives each thread that allocates its own memory arena (up to eight per core), and
/// memory freed into one is kept there: under load the server's many blocking threads held
/// twice the memory they use. Measured on the heaviest page and then a full export: 250 MB
/// peak with glibc's default, 155 MB with four arenas, 117 MB with two, where the export (two
/// threads allocating hard) slowed by a fifth; four it is. On Linux the server's own
/// allocations now go to jemalloc (`main.rs`, with four arenas too); glibc's still serve the C
/// libraries (SQLite's page cache, libpq) and other platforms.
///
/// On PostgreSQL, libpq holds each page of an export (a thousand rows, about a megabyte) in
/// glibc's memory and frees it when the page is read; by default glibc handed that back to the
/// system each time (`brk`, `madvise`), and every hand-back stopped both cores to flush their
/// address caches: a third of the server's time during the export went to the kernel. Kept
/// up to 4 MB free per arena instead (and blocks up to that size from the heap, not a mapping
/// of their own each), the full export of a million took 3.9–4.3 s against 4.9–5.6 s (the
/// kernel's share 12%), its peak memory unchanged (52–54 MB). On SQLite, whose page cache
/// glibc serves, it gained nothing (the export alone 3.0–3.5 s with it and without, 46–47 MB
/// either way) and could only keep more memory free, so glibc keeps its default there.
/// Called before any thread starts.
fn tune_malloc(postgres: bool) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets tuning parameters; it is called before other threads exist.
    unsafe {
        const KEPT: libc::c_int = 4 << 20;
        libc::mallopt(libc::M_ARENA_MAX, 4);
        if postgres {
            libc::mallopt(libc::M_TRIM_THRESHOLD, KEPT);
            libc::mallopt(libc::M_MMAP_THRESHOLD, KEPT);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = postgres;
}

fn open_db(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::new(settings.database.clone(), 2);
    db.migrate().map_err(|e| {
        anyhow::anyhow!(
            "cannot prepare the {} database: {e}",
            settings.database.backend_name()
        )
    })?;
    Ok(db)
}

fn migrate(settings: &Settings) -> anyhow::Result<ExitCode> {
    let db = Db::new(settings.database.clone(), 1);
    let applied = db.migrate()?;
    println!(
        "{} database is up to date ({applied} migration(s) applied now).",
        settings.database.backend_name()
    );
    Ok(ExitCode::SUCCESS)
}

fn add_user(
    settings: &Settings,
    username: &str,
    role: &str,
    org: &str,
    display_name: &str,
) -> anyhow::Result<ExitCode> {
    let username = Username::parse(username).map_err(|e| {
        anyhow::anyhow!(
            "--username: {}",
            crate::i18n::Lang::default().error("username", e)
        )
    })?;
    let role = Role::parse(role).map_err(|_| {
        anyhow::anyhow!("--role: must be one of reporter, coordinator, auditor, admin")
    })?;
    let org_name = crate::domain::text::required_line(org, 200).map_err(|e| {
        anyhow::anyhow!(
            "--org: {}",
            crate::i18n::Lang::default().error("org_name", e)
        )
    })?;
    if std::io::stdin().is_terminal() {
        eprintln!(
            "Type the password for {} and press Enter:",
            username.as_str()
        );
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let raw = line.trim_end_matches(['\n', '\r']);
    let password = NewPassword::parse(raw, raw, &[username.as_str(), &org_name]).map_err(|e| {
        anyhow::anyhow!(
            "password: {}",
            crate::i18n::Lang::default().error("password", e)
        )
    })?;
    let hash = accounts::passwords::hash(&password);

    let db = open_db(settings)?;
    let mut conn = db.conn()?;
    let actor = Actor::system("cli");
    let display_name = display_name.trim().to_string();
    let outcome = audit::write(&mut conn, |conn| {
        let organization = match organizations::find_by_name(conn, &org_name)? {
            Some(o) => o,
            None => {
                let fields = organizations::OrgFields {
                    name: org_name.clone(),
                    acronym: String::new(),
                    org_type: OrgType::Other,
                };
                let created = organizations::create(conn, &actor, &fields)?
                    .map_err(|_| crate::error::AppError::BadRequest("org-name-taken"))?;
                println!("Created organisation '{}'.", created.name);
                created
            }
        };
        let account = users::NewAccount {
            username: username.clone(),
            display_name,
            organization_id: organization.id,
            role,
            password_hash: hash,
            must_change_password: false,
        };
        Ok(users::create(conn, &actor, &account)?.map(|u| (u, organization)))
    })?;
    match outcome {
        Some((user, org)) => {
            println!(
                "Created {} '{}' in {}.",
                role.code(),
                user.username,
                org.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!(
                "corridor: --username: '{}' is already taken.",
                username.as_str()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn audit_verify(
    settings: &Settings,
    public_key: Option<&str>,
    checkpoint_file: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    let key = match public_key {
        Some(k) => {
            checkpoint::parse_public_key(k).map_err(|e| anyhow::anyhow!("--public-key: {e}"))?
        }
        None => checkpoint::Signer::from_settings(settings).verifying_key(),
    };
    let trust = inspect::Trust {
        key,
        checkpoint_file: Some(
            checkpoint_file.unwrap_or_else(|| settings.audit_checkpoint_file.clone()),
        ),
        blobs: Some(evidence_store(settings)?),
    };
    let db = open_db(settings)?;
    let mut conn = db.conn()?;
    let inspection = inspect::inspect(&mut conn, &trust)?;
    match inspection.first_problem() {
        None => println!("Audit trail intact: every check holds."),
        Some(f) => println!(
            "Audit trail BROKEN ({}): {}",
            f.check,
            f.problem.as_deref().unwrap_or_default()
        ),
    }
    println!("Checked:");
    for f in &inspection.findings {
        match &f.problem {
            None => println!("  ok     {}: {}", f.check, f.covered),
            Some(p) => println!("  FAILS  {}: {p}", f.check),
        }
    }
    Ok(if inspection.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The evidence store the settings name (folder or object store).
fn evidence_store(
    settings: &Settings,
) -> anyhow::Result<std::sync::Arc<dyn crate::blobs::BlobStore>> {
    crate::blobs::open(settings.evidence_store.as_deref(), &settings.evidence_dir)
        .map_err(|e| anyhow::anyhow!("the evidence store: {e}"))
}

fn evidence_export(
    settings: &Settings,
    reference: &str,
    as_user: Option<&str>,
    shared: bool,
    output: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    use crate::records::Scope;
    let db = open_db(settings)?;
    let mut conn = db.conn()?;
    let (scope, actor, exported_by) = match as_user {
        None => (
            Scope::everything(),
            Actor::system("evidence export"),
            "the command line (every file)".to_string(),
        ),
        Some(name) => {
            let user = users::find_by_username(&mut conn, name)?
                .filter(|u| !u.is_disabled())
                .ok_or_else(|| anyhow::anyhow!("--as: no active user named '{name}'"))?;
            let viewer = crate::permissions::Viewer {
                role: user.role(),
                organization_id: user.organization_id,
            };
            let actor = Actor {
                user_id: Some(user.id),
                label: user.username.clone(),
                org_id: Some(user.organization_id),
                client_addr: "command line".into(),
            };
            (Scope::of(viewer), actor, user.display_name)
        }
    };
    let spinner = crate::backup::spinner("gathering the files and signing a checkpoint");
    let Some(found) = crate::records::incidents::find_by_reference(&mut conn, &scope, reference)?
    else {
        anyhow::bail!("no incident '{reference}' that this export may see");
    };
    let signer = checkpoint::Signer::from_settings(settings);
    let gathered = crate::exports::evidence::gather(
        &mut conn,
        &scope,
        &actor,
        &signer,
        found.incident.id,
        shared,
    )?;
    drop(spinner);
    let files = gathered.entries.len();
    let left_out = gathered.left_out;
    let total: u64 = gathered
        .entries
        .iter()
        .map(|e| e.file.size_bytes.max(0) as u64)
        .sum();
    let path = output.unwrap_or_else(|| {
        let suffix = if shared { "-shared" } else { "" };
        format!("{}-evidence{suffix}.zip", gathered.reference).into()
    });
    let blobs = evidence_store(settings)?;
    let bar = crate::backup::bytes_bar(total, "writing the evidence bundle");
    let size = crate::backup::watch_growth(&bar, &path, || {
        crate::exports::evidence::write_file(&path, blobs.as_ref(), gathered, &exported_by)
    })
    .map_err(|e| anyhow::anyhow!("cannot write '{}': {e}", path.display()))?;
    drop(bar);
    println!(
        "Wrote {} ({} bytes): {files} file(s){}{}.",
        path.display(),
        size,
        if left_out > 0 {
            format!(", {left_out} left out (not visible, retracted, purged or not shareable)")
        } else {
            String::new()
        },
        if shared {
            ", photos without their metadata"
        } else {
            ""
        }
    );
    println!(
        "Check it with: corridor evidence verify {} --public-key {}",
        path.display(),
        signer.public_key()
    );
    Ok(ExitCode::SUCCESS)
}

fn evidence_verify(bundle: &std::path::Path, public_key: Option<&str>) -> anyhow::Result<ExitCode> {
    let key = public_key
        .map(checkpoint::parse_public_key)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--public-key: {e}"))?;
    let file = std::fs::File::open(bundle)
        .map_err(|e| anyhow::anyhow!("cannot open '{}': {e}", bundle.display()))?;
    let verdict = crate::evidence::bundle::verify(std::io::BufReader::new(file), key.as_ref());
    match &verdict.problem {
        None => println!("Evidence bundle intact: every check holds."),
        Some(p) => println!("Evidence bundle BROKEN: {p}"),
    }
    println!("Checked:");
    for line in &verdict.checked {
        println!("  ok     {line}");
    }
    Ok(if verdict.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn audit_checkpoint(settings: &Settings) -> anyhow::Result<ExitCode> {
    let db = open_db(settings)?;
    let mut conn = db.conn()?;
    let signer = checkpoint::Signer::from_settings(settings);
    let taken = checkpoint::take(&mut conn, &signer, checkpoint::Reason::Manual)?;
    if let Some(c) = taken {
        println!("Signed checkpoint: {}.", c.describe());
    }
    println!("Public key: {}", signer.public_key());
    println!("Checkpoint file: {}", signer.file().display());
    Ok(ExitCode::SUCCESS)
}

fn places_import(settings: &Settings, file: &std::path::Path) -> anyhow::Result<ExitCode> {
    use crate::locations::areas;
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let read = match areas::read(&bytes) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("corridor: {}: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    println!("{}: {} areas read.", file.display(), read.len());
    let db = open_db(settings)?;
    let mut conn = db.conn()?;
    let n = read.len();
    let bar = indicatif::ProgressBar::new(n as u64);
    let quiet = bar.is_hidden();
    let mut last_line = 0;
    let name = file
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let done = areas::import(
        &mut conn,
        &Actor::system("places import"),
        &name,
        &read,
        |i| {
            bar.set_position(i as u64);
            // Without a terminal (logs, CI), a plain line every tenth of the way.
            if quiet && (i * 10 / n > last_line || i == n) {
                last_line = i * 10 / n;
                println!("areas: {i}/{n}");
            }
        },
    )?;
    bar.finish_and_clear();
    println!(
        "Imported: {} added, {} changed, {} already up to date.",
        done.added, done.changed, done.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

fn places_export(settings: &Settings) -> anyhow::Result<ExitCode> {
    let db = open_db(settings)?;
    let mut conn = db.conn()?;
    let all = crate::locations::areas::all(&mut conn)?;
    crate::locations::areas::export(&all, std::io::stdout().lock())?;
    Ok(ExitCode::SUCCESS)
}

fn demo(settings: &Settings, synthetic: Option<u64>, seed: u64) -> anyhow::Result<ExitCode> {
    let db = open_db(settings)?;
    let mut conn = db.conn()?;
    match crate::demo::load(&mut conn)? {
        Ok(summary) => {
            println!(
                "Loaded the demo scenario: {} incidents, {} places. Accounts (passwords shown once):",
                summary.incidents, summary.places
            );
            for a in &summary.accounts {
                println!(
                    "  {:<20} {:<12} {:<6} {}",
                    a.username,
                    a.role.code(),
                    a.organization,
                    a.password
                );
            }
        }
        Err(reason) if synthetic.is_some() => println!("Scenario not loaded again: {reason}."),
        Err(reason) => {
            eprintln!("corridor: {reason}");
            return Ok(ExitCode::FAILURE);
        }
    }
    if let Some(n) = synthetic.filter(|n| *n > 0) {
        let bar = indicatif::ProgressBar::new(n);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} synthetic incidents {pos}/{len} [{bar:30}] {per_sec} · about {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let quiet = bar.is_hidden();
        let mut last_line = 0;
        let started = std::time::Instant::now();
        let loaded = crate::demo::synthetic::load(&mut conn, n, seed, |done| {
            bar.set_position(done);
            // Without a terminal (logs, CI), a plain line every tenth of the way.
            if quiet && (done * 10 / n > last_line || done == n) {
                last_line = done * 10 / n;
                println!("synthetic incidents: {done}/{n} ({}%)", done * 100 / n);
            }
        })?;
        bar.finish_and_clear();
        let secs = started.elapsed().as_secs_f64();
        println!(
            "Added {} synthetic incidents in {:.1} s ({:.0} per second).",
            loaded.incidents,
            secs,
            loaded.incidents as f64 / secs.max(0.001)
        );
        // Convoys and needs in proportion: one of each for every ten incidents.
        let m = (n / 10).max(1);
        let started = std::time::Instant::now();
        crate::demo::synthetic::load_convoys_and_needs(&mut conn, m, seed, |done| {
            if done == m || done % (m / 5).max(1) < crate::demo::synthetic::BATCH as u64 {
                println!("synthetic convoys and needs: {done}/{m}");
            }
        })?;
        println!(
            "Added {m} synthetic convoys and {m} needs in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn backup(settings: &Settings, file: &std::path::Path, force: bool) -> anyhow::Result<ExitCode> {
    crate::backup::backup(settings, file, force)
}

fn restore(settings: &Settings, file: &std::path::Path, force: bool) -> anyhow::Result<ExitCode> {
    crate::backup::restore(settings, file, force)
}
