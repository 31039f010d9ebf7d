//! Run-time settings: parsed once from flags and `CORRIDOR_*` variables into typed values.
//!
//! Every setting arrives as text (clap reads flag or environment) and is parsed here, so a bad
//! value stops start-up with one line that names the setting and says what is wrong.

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::db::DatabaseUrl;

/// Settings as given, before parsing (filled by clap from flags and the environment).
#[derive(Debug, Clone, clap::Args)]
pub struct RawSettings {
    /// Folder for the SQLite database and the generated secret key.
    #[arg(
        long,
        env = "CORRIDOR_DATA_DIR",
        default_value = "corridor-data",
        global = true
    )]
    pub data_dir: String,

    /// Database: `postgres://user:pass@host/db`, `sqlite://PATH` or a plain file path.
    /// Default: `corridor.db` in the data folder.
    #[arg(long, env = "CORRIDOR_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Address and port to listen on.
    #[arg(
        long,
        env = "CORRIDOR_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// Address people use to reach Corridor. An `https://` address turns on `Secure` `__Host-`
    /// cookies and HSTS; plain `http://` is for local use only. Default: `http://` + the bind address.
    #[arg(long, env = "CORRIDOR_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Secret key for signing (64 hex characters). Default: generated on first start and kept
    /// in `secret.key` in the data folder, readable only by its owner.
    #[arg(
        long,
        env = "CORRIDOR_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,

    /// Minutes without activity after which a sign-in session ends.
    #[arg(
        long,
        env = "CORRIDOR_SESSION_IDLE_MINUTES",
        default_value = "30",
        global = true
    )]
    pub session_idle_minutes: String,

    /// Hours after sign-in at which a session ends however active it is.
    #[arg(
        long,
        env = "CORRIDOR_SESSION_MAX_HOURS",
        default_value = "12",
        global = true
    )]
    pub session_max_hours: String,

    /// Failed sign-ins (per account and per client address) before sign-in is locked.
    #[arg(
        long,
        env = "CORRIDOR_LOCKOUT_THRESHOLD",
        default_value = "5",
        global = true
    )]
    pub lockout_threshold: String,

    /// Seconds of the first lock; each further failure doubles it.
    #[arg(
        long,
        env = "CORRIDOR_LOCKOUT_BASE_SECONDS",
        default_value = "60",
        global = true
    )]
    pub lockout_base_seconds: String,

    /// Longest lock, in seconds.
    #[arg(
        long,
        env = "CORRIDOR_LOCKOUT_MAX_SECONDS",
        default_value = "3600",
        global = true
    )]
    pub lockout_max_seconds: String,

    /// Worker threads serving requests (default: one per CPU core).
    #[arg(long, env = "CORRIDOR_WORKERS", global = true)]
    pub workers: Option<String>,

    /// Largest number of pooled database connections (default: two per CPU core).
    #[arg(long, env = "CORRIDOR_DB_POOL_SIZE", global = true)]
    pub db_pool_size: Option<String>,

    /// Log every database statement slower than this many milliseconds (its SQL and time,
    /// never its values). Default: off.
    #[arg(long, env = "CORRIDOR_SLOW_QUERY_MS", global = true)]
    pub slow_query_ms: Option<String>,

    /// Seconds between writes of the read API's per-token read counts, kept in memory until
    /// then (also written at shutdown and whenever the counts are shown). Default 5.
    #[arg(long, env = "CORRIDOR_API_READS_FLUSH_SECONDS", global = true)]
    pub api_reads_flush_seconds: Option<String>,

    /// The audit trail's signing key and the proxies trusted for client addresses.
    #[command(flatten)]
    pub security: SecurityRaw,

    /// Where evidence files are kept and how large one may be.
    #[command(flatten)]
    pub evidence: EvidenceRaw,

    /// Subscriptions: how often the delivery worker looks for work, and the SMTP server.
    #[command(flatten)]
    pub notify: NotifyRaw,
}

/// Settings of evidence files, as given.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EvidenceRaw {
    /// Folder where evidence files are kept, each under its SHA-256. Default: `evidence` in
    /// the data folder. Back it up with the database.
    #[arg(long, env = "CORRIDOR_EVIDENCE_DIR", global = true)]
    pub evidence_dir: Option<String>,

    /// The largest evidence file accepted, in megabytes (stated on every upload form).
    /// Default 500.
    #[arg(long, env = "CORRIDOR_EVIDENCE_MAX_MB", global = true)]
    pub evidence_max_mb: Option<String>,

    /// An S3-compatible object store for evidence files instead of the folder, for several
    /// app nodes: `s3://BUCKET/PREFIX?endpoint=https://…&region=…` (credentials from
    /// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY). Uploads still arrive in the evidence
    /// folder first.
    #[arg(long, env = "CORRIDOR_EVIDENCE_STORE", global = true)]
    pub evidence_store: Option<String>,
}

/// Settings of the audit trail's signing and of the client address, as given.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SecurityRaw {
    /// File holding the Ed25519 key that signs audit checkpoints (created, readable only by
    /// its owner, on first start). Keep it apart from the database: whoever holds both can
    /// rewrite history. Default: `audit-signing.key` in the data folder.
    #[arg(long, env = "CORRIDOR_AUDIT_SIGNING_KEY_FILE", global = true)]
    pub audit_signing_key_file: Option<String>,

    /// The audit signing key itself (64 hex characters), instead of the key file.
    #[arg(
        long,
        env = "CORRIDOR_AUDIT_SIGNING_KEY",
        hide_env_values = true,
        global = true
    )]
    pub audit_signing_key: Option<String>,

    /// File outside the database to which every signed checkpoint is appended.
    /// Default: `audit-checkpoints.log` in the data folder.
    #[arg(long, env = "CORRIDOR_AUDIT_CHECKPOINT_FILE", global = true)]
    pub audit_checkpoint_file: Option<String>,

    /// Seconds between the server's looks for new audit events to sign (at most one checkpoint
    /// a minute); 0: the server signs none by itself (backups and `corridor audit checkpoint`
    /// still do). Default 15.
    #[arg(long, env = "CORRIDOR_AUDIT_CHECKPOINT_SECONDS", global = true)]
    pub audit_checkpoint_seconds: Option<String>,

    /// Addresses of reverse proxies (comma-separated IPs) whose `X-Forwarded-For`,
    /// `X-Forwarded-Host` and `Forwarded` headers are believed. Default: none (the TCP peer is
    /// the client).
    #[arg(long, env = "CORRIDOR_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
}

/// Parsed, checked settings.
#[derive(Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub bind: SocketAddr,
    pub public_url: String,
    pub https: bool,
    pub secret_key: SecretKey,
    pub session_idle: Duration,
    pub session_max: Duration,
    pub lockout: LockoutPolicy,
    pub workers: usize,
    pub db_pool_size: u32,
    /// Statements slower than this are logged; `None`: none are.
    pub slow_query: Option<Duration>,
    /// How often the read API's counted reads are written to the database.
    pub api_reads_flush: Duration,
    /// The seed of the Ed25519 key that signs audit checkpoints; never stored in the database.
    pub audit_signing_key: SecretKey,
    /// Where signed checkpoints are appended, outside the database.
    pub audit_checkpoint_file: PathBuf,
    /// How often the server looks for new events to sign; `None`: it signs none by itself.
    pub audit_checkpoint_every: Option<Duration>,
    /// Peers whose forwarding headers are believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where evidence files are kept (uploads arrive there, whatever the store).
    pub evidence_dir: PathBuf,
    /// An object store's URL, when files are kept there rather than in `evidence_dir`.
    pub evidence_store: Option<String>,
    /// The largest evidence file accepted, in bytes.
    pub evidence_max_bytes: u64,
    /// Subscriptions' delivery: the worker, webhooks and email.
    pub notify: NotifySettings,
}

/// Back-off for failed sign-ins: after `threshold` failures, locked for
/// `base * 2^(failures - threshold)`, at most `max`.
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    pub threshold: u32,
    pub base: Duration,
    pub max: Duration,
}

/// A 32-byte signing key. `Debug` never prints it.
#[derive(Clone)]
pub struct SecretKey(pub [u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// A setting that could not be used: names the setting and says why.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {problem}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub problem: String,
}

fn bad(setting: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        problem: problem.into(),
    }
}

fn parse_number<T>(setting: &'static str, raw: &str, min: T, max: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let value: T = raw
        .trim()
        .parse()
        .map_err(|_| bad(setting, format!("'{raw}' is not a whole number")))?;
    if value < min || value > max {
        return Err(bad(
            setting,
            format!("{value} is out of range (allowed: {min} to {max})"),
        ));
    }
    Ok(value)
}

impl RawSettings {
    /// Parses every setting; creates the data folder and, where none is given, the secret key.
    pub fn parse(&self) -> Result<Settings, ConfigError> {
        let data_dir = PathBuf::from(&self.data_dir);
        let bind: SocketAddr = self.bind.trim().parse().map_err(|_| {
            bad(
                "CORRIDOR_BIND",
                format!(
                    "'{}' is not an address and port (expected e.g. 127.0.0.1:8080)",
                    self.bind
                ),
            )
        })?;
        let public_url = match &self.public_url {
            Some(url) => {
                let url = url.trim().trim_end_matches('/').to_string();
                if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
                    return Err(bad(
                        "CORRIDOR_PUBLIC_URL",
                        format!("'{url}' must start with http:// or https://"),
                    ));
                }
                url
            }
            None => format!("http://{bind}"),
        };
        let https = public_url.starts_with("https://");
        let session_idle_minutes: u64 = parse_number(
            "CORRIDOR_SESSION_IDLE_MINUTES",
            &self.session_idle_minutes,
            1,
            24 * 60,
        )?;
        let session_max_hours: u64 = parse_number(
            "CORRIDOR_SESSION_MAX_HOURS",
            &self.session_max_hours,
            1,
            24 * 30,
        )?;
        let lockout = LockoutPolicy {
            threshold: parse_number(
                "CORRIDOR_LOCKOUT_THRESHOLD",
                &self.lockout_threshold,
                1,
                100,
            )?,
            base: Duration::from_secs(parse_number(
                "CORRIDOR_LOCKOUT_BASE_SECONDS",
                &self.lockout_base_seconds,
                1,
                86_400,
            )?),
            max: Duration::from_secs(parse_number(
                "CORRIDOR_LOCKOUT_MAX_SECONDS",
                &self.lockout_max_seconds,
                1,
                7 * 86_400,
            )?),
        };
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = match &self.workers {
            Some(raw) => parse_number("CORRIDOR_WORKERS", raw, 1, 256)?,
            None => cores,
        };
        // Two connections a core: with PostgreSQL on the same machine, more backends than that
        // share the cores with each other and lengthen the slowest answers (at a million, 2
        // cores: the incident page's p99 61-98 ms with 8 or 16 connections, 28-29 with 4, at
        // the same rate; README, session log of 2026-12-07).
        let db_pool_size = match &self.db_pool_size {
            Some(raw) => parse_number("CORRIDOR_DB_POOL_SIZE", raw, 1, 200)?,
            None => u32::try_from(2 * cores).unwrap_or(200).min(200),
        };

        let database = match &self.database_url {
            Some(url) => DatabaseUrl::parse(url).map_err(|e| bad("CORRIDOR_DATABASE_URL", e))?,
            None => DatabaseUrl::Sqlite(data_dir.join("corridor.db")),
        };
        let needs_data_dir =
            self.secret_key.is_none() || matches!(database, DatabaseUrl::Sqlite(_));
        if needs_data_dir {
            fs::create_dir_all(&data_dir).map_err(|e| {
                bad(
                    "CORRIDOR_DATA_DIR",
                    format!("cannot create '{}': {e}", data_dir.display()),
                )
            })?;
        }
        if let DatabaseUrl::Sqlite(path) = &database {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                fs::create_dir_all(parent).map_err(|e| {
                    bad(
                        "CORRIDOR_DATABASE_URL",
                        format!("cannot create folder '{}': {e}", parent.display()),
                    )
                })?;
            }
        }
        let secret_key = match &self.secret_key {
            Some(hex_key) => parse_key(hex_key).map_err(|e| bad("CORRIDOR_SECRET_KEY", e))?,
            None => load_or_create_key(&data_dir.join("secret.key"))
                .map_err(|e| bad("CORRIDOR_DATA_DIR", e))?,
        };

        let security = &self.security;
        let audit_signing_key = match (
            &security.audit_signing_key,
            &security.audit_signing_key_file,
        ) {
            (Some(hex_key), _) => {
                parse_key(hex_key).map_err(|e| bad("CORRIDOR_AUDIT_SIGNING_KEY", e))?
            }
            (None, Some(file)) => load_or_create_key(Path::new(file))
                .map_err(|e| bad("CORRIDOR_AUDIT_SIGNING_KEY_FILE", e))?,
            (None, None) => load_or_create_key(&data_dir.join("audit-signing.key"))
                .map_err(|e| bad("CORRIDOR_DATA_DIR", e))?,
        };
        let audit_checkpoint_file = security
            .audit_checkpoint_file
            .as_ref()
            .map_or_else(|| data_dir.join("audit-checkpoints.log"), PathBuf::from);
        let checkpoint_seconds: u64 = parse_number(
            "CORRIDOR_AUDIT_CHECKPOINT_SECONDS",
            security.audit_checkpoint_seconds.as_deref().unwrap_or("15"),
            0,
            3600,
        )?;
        let audit_checkpoint_every =
            (checkpoint_seconds > 0).then(|| Duration::from_secs(checkpoint_seconds));
        let trusted_proxies = parse_proxies(security.trusted_proxies.as_deref().unwrap_or(""))
            .map_err(|e| bad("CORRIDOR_TRUSTED_PROXIES", e))?;
        let evidence_dir = self
            .evidence
            .evidence_dir
            .as_ref()
            .map_or_else(|| data_dir.join("evidence"), PathBuf::from);
        let evidence_max_mb: u64 = parse_number(
            "CORRIDOR_EVIDENCE_MAX_MB",
            self.evidence.evidence_max_mb.as_deref().unwrap_or("500"),
            1,
            100_000,
        )?;
        let slow_query = match &self.slow_query_ms {
            Some(ms) => Some(Duration::from_millis(parse_number(
                "CORRIDOR_SLOW_QUERY_MS",
                ms,
                0,
                600_000,
            )?)),
            None => None,
        };
        let api_reads_flush = Duration::from_secs(parse_number(
            "CORRIDOR_API_READS_FLUSH_SECONDS",
            self.api_reads_flush_seconds.as_deref().unwrap_or("5"),
            1,
            3600,
        )?);
        let notify = self.notify.parse()?;
        Ok(Settings {
            api_reads_flush,
            notify,
            slow_query,
            evidence_dir,
            evidence_store: self
                .evidence
                .evidence_store
                .clone()
                .filter(|u| !u.trim().is_empty()),
            evidence_max_bytes: evidence_max_mb * 1_000_000,
            data_dir,
            database,
            bind,
            public_url,
            https,
            secret_key,
            session_idle: Duration::from_secs(session_idle_minutes * 60),
            session_max: Duration::from_secs(session_max_hours * 3600),
            lockout,
            workers,
            db_pool_size,
            audit_signing_key,
            audit_checkpoint_file,
            audit_checkpoint_every,
            trusted_proxies,
        })
    }
}

/// Comma-separated IP addresses.
fn parse_proxies(raw: &str) -> Result<Vec<std::net::IpAddr>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse().map_err(|_| {
                format!("'{s}' is not an IP address (list addresses, comma-separated)")
            })
        })
        .collect()
}

fn parse_key(hex_key: &str) -> Result<SecretKey, String> {
    let bytes = hex::decode(hex_key.trim())
        .map_err(|_| "must be 64 hexadecimal characters (32 bytes)".to_string())?;
    let key: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "must be 64 hexadecimal characters (32 bytes)".to_string())?;
    Ok(SecretKey(key))
}

/// Reads the key file, or creates it (owner-only) on first start.
fn load_or_create_key(path: &Path) -> Result<SecretKey, String> {
    match fs::read_to_string(path) {
        Ok(text) => {
            parse_key(&text).map_err(|e| format!("key file '{}' is damaged: {e}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; 32] = rand::random();
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options
                .open(path)
                .map_err(|e| format!("cannot create key file '{}': {e}", path.display()))?;
            file.write_all(hex::encode(key).as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(|e| format!("cannot write key file '{}': {e}", path.display()))?;
            Ok(SecretKey(key))
        }
        Err(e) => Err(format!("cannot read key file '{}': {e}", path.display())),
    }
}

/// Settings of subscriptions' delivery, as given.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct NotifyRaw {
    /// How often, in milliseconds, this node's delivery worker looks for new events and due
    /// messages. 0: this node runs no worker (another node sends). Default 5000.
    #[arg(long, env = "CORRIDOR_NOTIFY_POLL_MS", global = true)]
    pub notify_poll_ms: Option<String>,

    /// The first retry of a failed delivery waits this long (milliseconds), each next one
    /// twice as long. Default 30000.
    #[arg(long, env = "CORRIDOR_NOTIFY_RETRY_MS", global = true)]
    pub notify_retry_ms: Option<String>,

    /// Attempts before a delivery is given up. Default 8.
    #[arg(long, env = "CORRIDOR_NOTIFY_MAX_ATTEMPTS", global = true)]
    pub notify_max_attempts: Option<String>,

    /// Accept webhook addresses over plain http:// (local tests, a receiver on the same
    /// host). Default: https:// only.
    #[arg(long, env = "CORRIDOR_WEBHOOK_ALLOW_HTTP", global = true)]
    pub webhook_allow_http: Option<String>,

    /// The SMTP server that sends subscriptions' email; without it email cannot be chosen.
    #[arg(long, env = "CORRIDOR_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,

    /// Its port. Default 587.
    #[arg(long, env = "CORRIDOR_SMTP_PORT", global = true)]
    pub smtp_port: Option<String>,

    /// `starttls` (default), `tls` (implicit TLS, usually port 465) or `none` (a relay on the
    /// same host or network only).
    #[arg(long, env = "CORRIDOR_SMTP_SECURITY", global = true)]
    pub smtp_security: Option<String>,

    /// The sender address, e.g. `Corridor <corridor@example.org>`.
    #[arg(long, env = "CORRIDOR_SMTP_FROM", global = true)]
    pub smtp_from: Option<String>,

    /// Sign-in name and password at the SMTP server, if it asks for them.
    #[arg(long, env = "CORRIDOR_SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,
    #[arg(
        long,
        env = "CORRIDOR_SMTP_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    StartTls,
    Tls,
    None,
}

/// The SMTP server, when one is configured.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub from: String,
    pub credentials: Option<(String, String)>,
}

/// Checked settings of subscriptions' delivery.
#[derive(Debug, Clone)]
pub struct NotifySettings {
    /// `None`: this node runs no delivery worker.
    pub poll: Option<Duration>,
    pub retry_base: Duration,
    pub max_attempts: i32,
    pub webhook_allow_http: bool,
    pub smtp: Option<SmtpSettings>,
}

impl NotifyRaw {
    fn parse(&self) -> Result<NotifySettings, ConfigError> {
        let ms = |setting, raw: &Option<String>, default: &str, min, max| {
            parse_number::<u64>(setting, raw.as_deref().unwrap_or(default), min, max)
        };
        let poll = ms(
            "CORRIDOR_NOTIFY_POLL_MS",
            &self.notify_poll_ms,
            "5000",
            0,
            3_600_000,
        )?;
        let retry = ms(
            "CORRIDOR_NOTIFY_RETRY_MS",
            &self.notify_retry_ms,
            "30000",
            1,
            86_400_000,
        )?;
        let max_attempts = parse_number(
            "CORRIDOR_NOTIFY_MAX_ATTEMPTS",
            self.notify_max_attempts.as_deref().unwrap_or("8"),
            1,
            30,
        )?;
        let webhook_allow_http = match self.webhook_allow_http.as_deref().map(str::trim) {
            None | Some("") | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                return Err(bad(
                    "CORRIDOR_WEBHOOK_ALLOW_HTTP",
                    format!("'{other}' is neither true nor false"),
                ))
            }
        };
        let smtp = match self.smtp_host.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(host) => {
                let port = parse_number(
                    "CORRIDOR_SMTP_PORT",
                    self.smtp_port.as_deref().unwrap_or("587"),
                    1,
                    65_535,
                )?;
                let security = match self.smtp_security.as_deref().map(str::trim) {
                    None | Some("") | Some("starttls") => SmtpSecurity::StartTls,
                    Some("tls") => SmtpSecurity::Tls,
                    Some("none") => SmtpSecurity::None,
                    Some(other) => {
                        return Err(bad(
                            "CORRIDOR_SMTP_SECURITY",
                            format!("'{other}' is not starttls, tls or none"),
                        ))
                    }
                };
                let from = self.smtp_from.as_deref().map(str::trim).unwrap_or("");
                if from.parse::<lettre::message::Mailbox>().is_err() {
                    return Err(bad(
                        "CORRIDOR_SMTP_FROM",
                        format!("'{from}' is not an email address"),
                    ));
                }
                let credentials = match (&self.smtp_username, &self.smtp_password) {
                    (Some(u), Some(p)) if !u.trim().is_empty() => {
                        Some((u.trim().to_string(), p.clone()))
                    }
                    _ => None,
                };
                Some(SmtpSettings {
                    host: host.to_string(),
                    port,
                    security,
                    from: from.to_string(),
                    credentials,
                })
            }
        };
        Ok(NotifySettings {
            poll: (poll > 0).then(|| Duration::from_millis(poll)),
            retry_base: Duration::from_millis(retry),
            max_attempts,
            webhook_allow_http,
            smtp,
        })
    }
}
