//! Where each size's data lives and how it is loaded: a SQLite file in its own folder, or a
//! database of its own on the PostgreSQL server given. A size is loaded once (`corridor demo
//! --synthetic N`); a marker file with the load time and the demo accounts' passwords keeps it
//! for the next run, and a load that did not finish is started again from empty.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use diesel::{Connection, PgConnection, RunQueryDsl};

/// One database to measure.
pub struct Target {
    /// Data folder of the server (SQLite file, secret key, signing key).
    pub dir: PathBuf,
    /// The PostgreSQL database of this size; `None` for SQLite in `dir`.
    pub postgres: Option<String>,
}

/// A demo account, as the load printed it.
pub struct Account {
    pub username: String,
    pub role: String,
    pub password: String,
}

pub struct Loaded {
    pub load_time: String,
    pub accounts: Vec<Account>,
}

impl Loaded {
    /// The account that signs in for `role`: the coordinator, or WHO's reporter.
    pub fn account(&self, role: &str) -> anyhow::Result<&Account> {
        self.accounts
            .iter()
            .find(|a| a.role == role)
            .ok_or_else(|| anyhow::anyhow!("no demo account with the role {role}"))
    }
}

impl Target {
    pub fn new(data_dir: &Path, database_url: Option<&str>, scale: u64) -> anyhow::Result<Self> {
        Ok(match database_url.filter(|u| u.starts_with("postgres")) {
            None => Self {
                dir: data_dir.join(format!("sqlite-{scale}")),
                postgres: None,
            },
            Some(server) => Self {
                dir: data_dir.join(format!("postgres-{scale}")),
                postgres: Some(database_on(server, &format!("corridor_bench_{scale}"))?),
            },
        })
    }

    pub fn backend(&self) -> &'static str {
        if self.postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

    /// The environment a `corridor` process needs to use this target.
    pub fn env(&self, c: &mut Command) {
        c.env("CORRIDOR_DATA_DIR", &self.dir)
            .env("RUST_LOG", "warn");
        match &self.postgres {
            Some(url) => c.env("CORRIDOR_DATABASE_URL", url),
            None => c.env_remove("CORRIDOR_DATABASE_URL"),
        };
    }

    /// The database URL for the minimal page.
    pub fn database_url(&self) -> String {
        self.postgres
            .clone()
            .unwrap_or_else(|| self.dir.join("corridor.db").to_string_lossy().into_owned())
    }

    pub fn ensure_loaded(&self, corridor: &Path) -> anyhow::Result<Loaded> {
        let marker = self.dir.join("loaded");
        if let Ok(text) = std::fs::read_to_string(&marker) {
            return Ok(parse_marker(&text));
        }
        eprintln!("loading into {} …", self.dir.display());
        let _ = std::fs::remove_dir_all(&self.dir);
        std::fs::create_dir_all(&self.dir)?;
        if let Some(url) = &self.postgres {
            recreate(url)?;
        }
        let scale: u64 = self
            .dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit('-').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let started = Instant::now();
        let mut c = Command::new(corridor);
        self.env(&mut c);
        let out = c
            .args(["demo", "--synthetic", &scale.to_string()])
            .stderr(Stdio::inherit())
            .output()?;
        anyhow::ensure!(out.status.success(), "the demo load failed");
        let text = String::from_utf8_lossy(&out.stdout);
        eprint!("{text}");
        let mut marker_text = format!("{:.1} s\n", started.elapsed().as_secs_f64());
        // Accounts print as "  name  role  org  password".
        for line in text.lines().filter(|l| l.starts_with("  ")) {
            let words: Vec<&str> = line.split_whitespace().collect();
            if let [name, role, _org, password] = words[..] {
                marker_text.push_str(&format!("{name} {role} {password}\n"));
            }
        }
        std::fs::write(&marker, &marker_text)?;
        Ok(parse_marker(&marker_text))
    }
}

fn parse_marker(text: &str) -> Loaded {
    let mut lines = text.lines();
    let load_time = lines.next().unwrap_or_default().to_string();
    let accounts = lines
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some(Account {
                username: w.next()?.into(),
                role: w.next()?.into(),
                password: w.next()?.into(),
            })
        })
        .collect();
    Loaded {
        load_time,
        accounts,
    }
}

/// The URL of database `name` on the server of `server_url` (its path replaced).
fn database_on(server_url: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = server_url.split_once('?').unwrap_or((server_url, ""));
    let host_start = base
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| anyhow::anyhow!("not a database URL: {server_url}"))?;
    let host_end = base[host_start..]
        .find('/')
        .map_or(base.len(), |i| host_start + i);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    Ok(format!("{}/{name}{query}", &base[..host_end]))
}

/// The database name in `url`'s path.
fn database_name(url: &str) -> String {
    let base = url.split('?').next().unwrap_or(url);
    base.rsplit('/').next().unwrap_or_default().to_string()
}

/// Drops and makes again the database of `url`, through the server's `postgres` database.
fn recreate(url: &str) -> anyhow::Result<()> {
    let name = database_name(url);
    anyhow::ensure!(
        name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "unexpected database name {name}"
    );
    let mut admin = PgConnection::establish(&database_on(url, "postgres")?)?;
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin)?;
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
    Ok(())
}
