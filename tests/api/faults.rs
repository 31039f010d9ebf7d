//! Faults and recovery: backup and restore, a crash in the middle of writes, the database
//! going away and coming back, and requests that are too big, malformed or too slow.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corridor::audit::{self, Actor};
use corridor::db::{DatabaseUrl, Db};
use corridor::domain::Role;
use corridor::locations::{self, PlaceFields};
use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{client, postgres_url, spawn_app, Backend, TestApp, PASSWORD};
use crate::incidents::{create_incident, incident_form, seed_place, signed_in};

const BIN: &str = env!("CARGO_BIN_EXE_corridor");

// ---------------------------------------------------------------------------------------------
// Helpers

/// `corridor ARGS` on the SQLite database at `db`, with no other CORRIDOR_* setting inherited.
fn corridor(db: &Path, data_dir: &Path, args: &[&str]) -> Output {
    corridor_command(data_dir)
        .env("CORRIDOR_DATABASE_URL", db)
        .args(args)
        .output()
        .expect("run corridor")
}

/// The same, off the async thread (the server keeps answering meanwhile).
async fn corridor_async(db: &Path, data_dir: &Path, args: &[&str]) -> Output {
    let (db, data_dir) = (db.to_path_buf(), data_dir.to_path_buf());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        corridor(&db, &data_dir, &args)
    })
    .await
    .expect("command thread")
}

fn corridor_command(data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CORRIDOR_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("CORRIDOR_DATA_DIR", data_dir)
        .env("RUST_LOG", "warn");
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

fn sqlite_path(app: &TestApp) -> PathBuf {
    match &app.database {
        DatabaseUrl::Sqlite(p) => p.clone(),
        DatabaseUrl::Postgres(_) => panic!("a SQLite test"),
    }
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    line: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn open_sqlite(path: &Path) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy()).expect("open SQLite");
    conn.batch_execute("PRAGMA busy_timeout = 10000;")
        .expect("busy timeout");
    conn
}

fn lines(conn: &mut SqliteConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql)
        .load::<Line>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|l| l.line)
        .collect()
}

fn scalar(conn: &mut SqliteConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// Every row of every table (the full-text index included, its internal tables not), each as
/// a JSON array of its columns, sorted: two databases hold the same data when equal.
fn dump(path: &Path) -> BTreeMap<String, Vec<String>> {
    let mut conn = open_sqlite(path);
    let tables = lines(
        &mut conn,
        "SELECT name AS line FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'incidents_fts_%' ORDER BY name",
    );
    assert!(tables.len() >= 14, "tables: {tables:?}");
    tables
        .into_iter()
        .map(|table| {
            let columns = lines(
                &mut conn,
                &format!("SELECT name AS line FROM pragma_table_info('{table}') ORDER BY cid"),
            );
            let list = columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let mut rows = lines(
                &mut conn,
                &format!("SELECT json_array({list}) AS line FROM \"{table}\""),
            );
            rows.sort();
            (table, rows)
        })
        .collect()
}

fn integrity(path: &Path) -> Vec<String> {
    lines(
        &mut open_sqlite(path),
        "SELECT integrity_check AS line FROM pragma_integrity_check",
    )
}

/// Incidents written only in part: without a claim (or with more than one, when `claims` is
/// `"= 1"`), a revision or their audit event.
fn half_written(conn: &mut SqliteConnection, claims: &str) -> i64 {
    scalar(
        conn,
        &format!("SELECT COUNT(*) AS n FROM incidents i WHERE \
           NOT (SELECT COUNT(*) FROM claims c WHERE c.incident_id = i.id) {claims} \
        OR (SELECT COUNT(*) FROM revisions r WHERE r.entity_type = 'incident' AND r.entity_id = i.id) < 1 \
        OR (SELECT COUNT(*) FROM audit_events e WHERE e.action = 'incident.create' \
              AND e.entity_id = CAST(i.id AS TEXT)) <> 1"),
    )
}

/// Posts an incident form with `csrf` as it is; returns the status.
async fn post_incident(
    c: &reqwest::Client,
    address: &str,
    csrf: &str,
    title: &str,
) -> reqwest::Result<u16> {
    let mut fields = incident_form(&[("title", title)]);
    fields.push(("csrf_token".into(), csrf.into()));
    let res = c
        .post(format!("{address}/incidents"))
        .form(&fields)
        .send()
        .await?;
    let status = res.status().as_u16();
    res.bytes().await?;
    Ok(status)
}

// ---------------------------------------------------------------------------------------------
// Part A: backup and restore

#[actix_web::test]
async fn backup_while_serving_and_restore_elsewhere_gives_the_same_data() {
    let app = spawn_app(Backend::Sqlite).await;
    let live = sqlite_path(&app);
    let dir = app.data_dir.clone();
    seed_place(&app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
    let reporter = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
    let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
    let mut ids = Vec::new();
    for title in [
        "Convoy held at Douma",
        "Clinic shelled",
        "Trauma kits removed",
    ] {
        ids.push(create_incident(&app, &reporter, &[("title", title)]).await);
    }
    ids.push(create_incident(&app, &coordinator, &[("title", "Access denied to Douma")]).await);
    let show = format!("/incidents/{}", ids[0]);
    let claim = app
        .post_form_with(
            &reporter,
            &show,
            &format!("/incidents/{}/claims", ids[0]),
            &[
                ("claim_source_type", "authorities"),
                ("claim_source_name", "Ministry"),
                ("claim_reliability", "F"),
                ("claim_credibility", "6"),
                ("claim_date", "2018-02-27"),
                ("claim_statement", "The authorities deny it."),
            ],
        )
        .await;
    assert_eq!(claim.status, 303, "{}", claim.body);

    // The data at backup time; the server keeps running while the backup is taken.
    let mut at_backup = dump(&live);
    for table in ["audit_events", "incidents", "claims", "revisions", "users"] {
        assert!(!at_backup[table].is_empty(), "{table} has rows");
    }
    assert_eq!(at_backup["claims"].len(), 5);
    let head = {
        let db = app.db();
        let mut conn = db.conn().unwrap();
        audit::verify::verify_chain(&mut conn).unwrap().head_hash
    };
    let backup = dir.join("backup-1.db");
    let out = corridor_async(&live, &dir, &["backup", backup.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", describe(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Integrity check: ok"), "{stdout}");
    assert!(stdout.contains(&format!("Head hash: {head}")), "{stdout}");
    let events = at_backup["audit_events"].len();
    assert!(
        stdout.contains(&format!("Audit chain intact: {events} events")),
        "{stdout}"
    );
    for table in corridor::backup::TABLES {
        let line = format!("{table:<20} {:>10}", at_backup[*table].len());
        assert!(stdout.contains(&line), "row count of {table}: {stdout}");
    }
    assert!(
        std::fs::read_dir(&dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".partial")),
        "no temporary file left"
    );
    assert_eq!(
        app.get_with(&reporter, &show).await.status,
        200,
        "server still serves"
    );

    // Writing the same file again needs --force.
    let again = corridor_async(&live, &dir, &["backup", backup.to_str().unwrap()]).await;
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        describe(&again)
    );
    assert!(text(&again.stderr).contains("--force"));

    // Life goes on after the backup.
    create_incident(&app, &reporter, &[("title", "After the backup")]).await;
    let edit = app
        .post_form_with(
            &coordinator,
            &format!("/incidents/{}", ids[3]),
            &format!("/incidents/{}/claims", ids[3]),
            &[
                ("claim_source_type", "media"),
                ("claim_source_name", "Radio X"),
                ("claim_reliability", "C"),
                ("claim_credibility", "3"),
                ("claim_date", "2018-02-28"),
                ("claim_statement", "Reported on the radio."),
            ],
        )
        .await;
    assert_eq!(edit.status, 303);
    assert_ne!(dump(&live), at_backup, "the live database moved on");

    // Restore into a new database path: every table equals the database at backup time.
    let restored = dir.join("restored").join("corridor.db");
    std::fs::create_dir_all(restored.parent().unwrap()).unwrap();
    let out = corridor_async(&restored, &dir, &["restore", backup.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", describe(&out));
    assert!(text(&out.stdout).contains(&format!("Head hash: {head}")));
    let back = dump(&restored);
    // The backup signed one checkpoint of the trail first; it travels with the copy.
    let signed = &back["audit_checkpoints"];
    assert_eq!(signed.len(), at_backup["audit_checkpoints"].len() + 1);
    assert!(
        signed.iter().any(|row| row.contains("\"backup\"")),
        "{signed:?}"
    );
    at_backup.insert("audit_checkpoints".into(), signed.clone());
    assert_eq!(
        back.keys().collect::<Vec<_>>(),
        at_backup.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &at_backup {
        assert_eq!(back[table].len(), rows.len(), "row count of {table}");
    }
    for table in ["audit_events", "incidents", "claims", "revisions"] {
        assert_eq!(back[table], at_backup[table], "content of {table}");
    }
    assert_eq!(back, at_backup, "every table");
    assert_eq!(integrity(&restored), ["ok"]);
    let verify = corridor(&restored, &dir, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", describe(&verify));
    assert!(text(&verify.stdout).contains(&head));
    let search = |term: &str| {
        scalar(
            &mut open_sqlite(&restored),
            &format!("SELECT COUNT(*) AS n FROM incidents_fts WHERE incidents_fts MATCH '{term}'"),
        )
    };
    assert_eq!(search("shelled"), 1, "the search index came back too");
    assert_eq!(search("douma"), 4);
    assert_eq!(search("after"), 0, "written after the backup");

    // The target exists now: refused without --force, and left as it was.
    let refused = corridor_async(&restored, &dir, &["restore", backup.to_str().unwrap()]).await;
    assert!(!refused.status.success(), "{}", describe(&refused));
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(dump(&restored), at_backup);

    // A second backup, taken while incidents are being written over HTTP.
    let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let (writing, address) = (writing.clone(), app.address.clone());
        let csrf = app.get_with(&reporter, "/incidents/new").await.csrf();
        let c = reporter.clone();
        actix_web::rt::spawn(async move {
            let mut n = 0;
            while writing.load(std::sync::atomic::Ordering::Relaxed) && n < 200 {
                let status = post_incident(&c, &address, &csrf, &format!("During backup {n}"))
                    .await
                    .expect("post");
                assert_eq!(status, 303);
                n += 1;
            }
            n
        })
    };
    actix_web::rt::time::sleep(Duration::from_millis(150)).await;
    let backup2 = dir.join("backup-2.db");
    let out = corridor_async(&live, &dir, &["backup", backup2.to_str().unwrap()]).await;
    writing.store(false, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert!(written > 0, "writes went on during the backup");

    // --force replaces the restored database with the second backup: a consistent snapshot.
    let out = corridor_async(
        &restored,
        &dir,
        &["restore", "--force", backup2.to_str().unwrap()],
    )
    .await;
    assert!(out.status.success(), "{}", describe(&out));
    let mut conn = open_sqlite(&restored);
    let incidents = scalar(&mut conn, "SELECT COUNT(*) AS n FROM incidents");
    assert!(
        incidents > at_backup["incidents"].len() as i64,
        "{incidents} incidents"
    );
    assert_eq!(
        half_written(&mut conn, ">= 1"),
        0,
        "nothing half-written in the snapshot"
    );
    drop(conn);
    let verify = corridor(&restored, &dir, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", describe(&verify));

    // And back to the first, over stale write-ahead files left beside the target.
    std::fs::write(dir.join("restored/corridor.db-wal"), b"stale wal").unwrap();
    std::fs::write(dir.join("restored/corridor.db-shm"), b"stale shm").unwrap();
    let out = corridor_async(
        &restored,
        &dir,
        &["restore", "--force", backup.to_str().unwrap()],
    )
    .await;
    assert!(out.status.success(), "{}", describe(&out));
    assert!(!dir.join("restored/corridor.db-wal").exists());
    assert_eq!(dump(&restored), at_backup);
    assert_eq!(integrity(&restored), ["ok"]);
}

#[actix_web::test]
async fn restore_refuses_damaged_foreign_or_busy_databases() {
    let app = spawn_app(Backend::Sqlite).await;
    let live = sqlite_path(&app);
    let dir = app.data_dir.clone();
    seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
    let reporter = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
    create_incident(&app, &reporter, &[]).await;
    let backup = dir.join("backup.db");
    let out = corridor_async(&live, &dir, &["backup", backup.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", describe(&out));

    // A path SQLite could misread is refused before anything is written.
    let err = corridor::backup::backup_sqlite(&live, Path::new("/tmp/a\0b.db"), false)
        .expect_err("NUL refused");
    assert!(err.to_string().contains("NUL"), "{err}");
    let err = corridor::backup::backup_sqlite(&live, &live, true).expect_err("itself refused");
    assert!(err.to_string().contains("database itself"), "{err}");

    // Not a SQLite file.
    let junk = dir.join("notes.txt");
    std::fs::write(&junk, "not a database").unwrap();
    let target = dir.join("new.db");
    let out = corridor(&target, &dir, &["restore", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is not a SQLite database"),
        "{}",
        describe(&out)
    );
    assert!(!target.exists());

    // A SQLite file that is not Corridor's.
    let other = dir.join("other.db");
    open_sqlite(&other)
        .batch_execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    let out = corridor(&target, &dir, &["restore", other.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("missing tables"),
        "{}",
        describe(&out)
    );
    assert!(!target.exists());

    // A backup whose audit trail was altered.
    let tampered = dir.join("tampered.db");
    std::fs::copy(&backup, &tampered).unwrap();
    open_sqlite(&tampered)
        .batch_execute(
            "DROP TRIGGER audit_events_no_update; \
             UPDATE audit_events SET details = '{}' WHERE id = 2;",
        )
        .unwrap();
    let out = corridor(&target, &dir, &["restore", tampered.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("audit chain is broken at event 2"),
        "{stderr}"
    );
    assert!(!target.exists(), "nothing restored");
    assert!(
        std::fs::read_dir(&dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".partial")),
        "temporary copy removed"
    );

    // The live database, held open by the running server, is not replaced even with --force.
    let before = dump(&live);
    let out = corridor_async(
        &live,
        &dir,
        &["restore", "--force", backup.to_str().unwrap()],
    )
    .await;
    assert!(!out.status.success(), "{}", describe(&out));
    assert!(
        text(&out.stderr).contains("is in use"),
        "{}",
        describe(&out)
    );
    assert_eq!(dump(&live), before);
    assert_eq!(app.get_with(&reporter, "/incidents").await.status, 200);
}

postgres_only! {
    /// On PostgreSQL both commands point to pg_dump and pg_restore, in one line.
    async fn postgres_backup_commands() {
        let app = spawn_app(Backend::Postgres).await;
        let file = app.data_dir.join("dump.db");
        for (command, tool) in [("backup", "pg_dump"), ("restore", "pg_restore")] {
            let out = app.command(&[command, file.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
            let stderr = text(&out.stderr);
            assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
            assert!(
                stderr.contains(tool) && stderr.contains("SQLite only"),
                "{stderr}"
            );
        }
        assert!(!file.exists());
    }
}

// ---------------------------------------------------------------------------------------------
// Part B1: a crash in the middle of writes

/// A `corridor serve` process, killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    async fn start(data_dir: &Path) -> Self {
        Self::start_with(data_dir, &[]).await
    }

    /// Starts it with further settings (`CORRIDOR_…` variables).
    async fn start_with(data_dir: &Path, settings: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.join("server.log"))
            .unwrap();
        let child = corridor_command(data_dir)
            .arg("serve")
            .env("CORRIDOR_BIND", format!("127.0.0.1:{port}"))
            .env("CORRIDOR_WORKERS", "2")
            .env("CORRIDOR_DB_POOL_SIZE", "4")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start corridor serve");
        let server = Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(res) = client()
                .get(format!("{}/readyz", server.address))
                .send()
                .await
            {
                if res.status() == 200 {
                    return server;
                }
            }
            assert!(Instant::now() < deadline, "the server did not get ready");
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    fn kill(&mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reap");
    }

    async fn sign_in(&self, username: &str) -> reqwest::Client {
        let c = client();
        let page = c
            .get(format!("{}/login", self.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&page);
        let res = c
            .post(format!("{}/login", self.address))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("username", username),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "sign-in of {username}");
        c
    }

    async fn csrf(&self, c: &reqwest::Client) -> String {
        let page = c
            .get(format!("{}/incidents/new", self.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        csrf_of(&page)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn csrf_of(body: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker).expect("CSRF field") + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_string()
}

fn add_user(data_dir: &Path, username: &str, role: &str) {
    let mut child = corridor_command(data_dir)
        .args(["user", "add", "--username", username, "--role", role])
        .args(["--org", "World Health Organization", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("corridor user add");
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "user add {username}: {}",
        describe(&out)
    );
}

#[actix_web::test]
async fn a_killed_server_loses_no_acknowledged_write_and_leaves_nothing_half_written() {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let db_path = data_dir.join("corridor.db");
    add_user(&data_dir, "amal.admin", "admin");
    let reporters = ["omar.reporter", "sara.reporter", "yusuf.reporter"];
    for r in reporters {
        add_user(&data_dir, r, "reporter");
    }
    {
        let db = Db::new(DatabaseUrl::Sqlite(db_path.clone()), 1);
        let mut conn = db.conn().unwrap();
        let place = PlaceFields {
            name: "Douma".into(),
            admin1: "Rural Damascus".into(),
            ..Default::default()
        };
        audit::write(&mut conn, |conn| {
            Ok(locations::create(conn, &Actor::system("test"), &place, None)?.id)
        })
        .unwrap();
    }

    let mut server = Server::start(&data_dir).await;
    server.sign_in("amal.admin").await;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for (t, r) in reporters.iter().enumerate() {
        // Two writers per account, each with its own session.
        for w in 0..2 {
            let c = server.sign_in(r).await;
            let csrf = server.csrf(&c).await;
            let (address, acknowledged) = (server.address.clone(), acknowledged.clone());
            tasks.push(actix_web::rt::spawn(async move {
                for n in 0..10_000 {
                    let title = format!("Crash test {t}-{w}-{n}");
                    match post_incident(&c, &address, &csrf, &title).await {
                        Ok(303) => acknowledged.lock().unwrap().push(title),
                        Ok(status) => panic!("unexpected {status} for {title}"),
                        // The server is gone: this one was never acknowledged.
                        Err(_) => return n,
                    }
                }
                10_000
            }));
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while acknowledged.lock().unwrap().len() < 40 && Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill();
    for task in tasks {
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("writers stop once the server is gone")
            .expect("writer task");
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 10,
        "only {} acknowledged",
        acknowledged.len()
    );

    // Start again on the same folder: it recovers by itself.
    let server = Server::start(&data_dir).await;
    let mut conn = open_sqlite(&db_path);
    let titles = lines(&mut conn, "SELECT title AS line FROM incidents");
    eprintln!(
        "{} creations acknowledged before the kill, {} incidents found after the restart",
        acknowledged.len(),
        titles.len()
    );
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|t| !titles.contains(t))
        .collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
    assert_eq!(
        half_written(&mut conn, "= 1"),
        0,
        "an incident was half written"
    );
    assert_eq!(
        scalar(&mut conn, "SELECT COUNT(*) AS n FROM incidents"),
        scalar(
            &mut conn,
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'incident.create'"
        )
    );
    drop(conn);
    assert_eq!(integrity(&db_path), ["ok"]);
    let verify = corridor(&db_path, &data_dir, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", describe(&verify));

    // And it takes new writes.
    let c = server.sign_in("omar.reporter").await;
    let csrf = server.csrf(&c).await;
    let status = post_incident(&c, &server.address, &csrf, "After the crash")
        .await
        .unwrap();
    assert_eq!(status, 303);
}

// ---------------------------------------------------------------------------------------------
// Part B2: the database goes away, then comes back

/// The database named in a PostgreSQL URL.
fn database_name(url: &str) -> String {
    let path = url.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().to_string()
}

/// An app on PostgreSQL with one place and one incident, WHO's reporter signed in; an
/// administrator's connection to the server, and the app's database name.
async fn postgres_app_with_an_incident() -> (TestApp, reqwest::Client, diesel::PgConnection, String)
{
    let admin_url = postgres_url().expect("CORRIDOR_TEST_POSTGRES_URL");
    let app = spawn_app(Backend::Postgres).await;
    let DatabaseUrl::Postgres(url) = &app.database else {
        unreachable!()
    };
    let name = database_name(url);
    seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
    let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
    create_incident(&app, &c, &[]).await;
    let admin = diesel::PgConnection::establish(&admin_url).unwrap();
    (app, c, admin, name)
}

/// Ends every server session of the database `name` but the caller's (as a restart or an
/// administrator would).
fn end_sessions(admin: &mut diesel::PgConnection, name: &str) {
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
               WHERE datname = '{name}' AND pid <> pg_backend_pid();"
        ))
        .expect("end the database's sessions");
}

postgres_only! {
    async fn database_unreachable_then_back() {
        // PostgreSQL only. SQLite is a file opened by the server process: there is no
        // reliable way to take it away from a running server in a test (the tests run as
        // root, so permissions do not stop it, and a removed file stays open). SQLite's
        // unavailable path (503 page, /readyz, recovery) is tested on a full disk instead
        // (`a_full_disk_answers_503_writes_nothing_and_recovers`).
        let (app, c, mut admin, name) = postgres_app_with_an_incident().await;
        let csrf = app.get_with(&c, "/incidents/new").await.csrf();
        assert_eq!(app.get("/readyz").await.status, 200);

        admin
            .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false;"))
            .expect("cut the database off");
        end_sessions(&mut admin, &name);

        let started = Instant::now();
        let (page, ready, post) = futures_util::future::join3(
            app.get_with(&c, "/incidents"),
            app.get("/readyz"),
            post_incident(
                &c,
                &app.address,
                &csrf,
                "Written while the database was away",
            ),
        )
        .await;
        let waited = started.elapsed();
        eprintln!("answers during the outage took {waited:?}");
        // Re-allow before asserting, so a failure does not leave the database closed.
        admin
            .batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true;"))
            .unwrap();
        assert_eq!(page.status, 503, "{}", page.body);
        assert!(
            page.body.contains("Corridor is unavailable"),
            "{}",
            page.body
        );
        assert!(page.body.contains("nothing was saved"));
        assert_eq!(page.headers.get("retry-after").unwrap(), "5");
        assert_eq!(ready.status, 503);
        assert!(ready.body.contains("database unreachable"));
        assert_eq!(post.expect("an answer"), 503, "the write is refused");
        assert!(waited < Duration::from_secs(15), "answers took {waited:?}");

        // Back without a restart.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if app.get("/readyz").await.status == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "/readyz did not recover");
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(
            app.get_with(&c, "/incidents").await.status,
            200,
            "pages again"
        );
        assert_eq!(
            app.count("incidents"),
            1,
            "nothing written during the outage"
        );
        assert_eq!(
            app.count("incidents WHERE title = 'Written while the database was away'"),
            0
        );
        create_incident(&app, &c, &[("title", "After the outage")]).await;
        assert_eq!(app.count("incidents"), 2);
    }
}

postgres_only! {
    /// Pooled connections cut by the server while the pool holds them (a restart, an
    /// administrator) are replaced: the pool checks a connection before use only when it has
    /// sat unused for a second or when a connection has failed since it was last good
    /// (`db::checked`), so the next page after a quiet cut answers, and after a cut under use
    /// at most one answer is lost, as a 503.
    async fn connections_cut_in_the_pool() {
        let (app, c, mut admin, name) = postgres_app_with_an_incident().await;
        let mut cut = || end_sessions(&mut admin, &name);

        // Cut while the pool rests: checked before use, replaced, and the page answers.
        assert_eq!(app.get_with(&c, "/incidents").await.status, 200);
        cut();
        actix_web::rt::time::sleep(Duration::from_millis(1_300)).await;
        let page = app.get_with(&c, "/incidents").await;
        assert_eq!(page.status, 200, "after a quiet cut: {}", page.body);

        // Cut while in use: the first answer may fail (503, never 500); the next ones do not.
        assert_eq!(app.get_with(&c, "/incidents").await.status, 200);
        cut();
        let first = app.get_with(&c, "/incidents").await;
        assert!(
            [200, 503].contains(&first.status),
            "{}: {}",
            first.status,
            first.body
        );
        for _ in 0..4 {
            let page = app.get_with(&c, "/incidents").await;
            assert_eq!(page.status, 200, "after a cut under use: {}", page.body);
        }
        assert_eq!(app.count("incidents"), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Part B3: request limits

/// Sends `request` as raw bytes (no client-side clean-up of the path) and returns the status
/// line and everything the server sent until it closed the connection or went quiet.
async fn raw(port: u16, request: &[u8]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    stream.write_all(request).await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf)).await;
    let answer = text(&buf);
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"));
    (status, answer)
}

both_backends! {
    async fn oversized_odd_and_crowded_requests_get_clean_answers(app: TestApp) {
        let login = app.get("/login").await;
        let csrf = login.csrf();

        // Over 256 KiB: 413, whether the length is announced or discovered.
        let big = "a".repeat(300 * 1024);
        let res = app.client.post(app.url("/login"))
            .form(&[("csrf_token", csrf.as_str()), ("username", "x"), ("password", big.as_str())])
            .send().await.expect("an answer, not a reset");
        assert_eq!(res.status().as_u16(), 413);
        assert!(res.text().await.unwrap().contains("<html"), "the 413 page in the layout");
        let (status, _) = raw(app.port, b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\
            Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000\r\n\
            Connection: close\r\n\r\nusername=x").await;
        assert_eq!(status, 413, "announced length refused before reading");
        let mut chunked = b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\
            Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\
            Connection: close\r\n\r\n".to_vec();
        for _ in 0..40 {
            chunked.extend_from_slice(b"2000\r\n");
            chunked.extend_from_slice(&[b'a'; 0x2000]);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let (status, _) = raw(app.port, &chunked).await;
        assert_eq!(status, 413, "chunked body without a length");

        // Methods no route takes: 405, with the page.
        for method in ["DELETE", "PUT", "PATCH", "BREW"] {
            let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            for path in ["/login", "/healthz"] {
                let res = app.client.request(m.clone(), app.url(path)).send().await.unwrap();
                assert_eq!(res.status().as_u16(), 405, "{method} {path}");
            }
        }

        // Path traversal on /static, sent byte for byte.
        for path in [
            "/static/../secret.key",
            "/static/..%2fsecret.key",
            "/static/%2e%2e%2fsecret.key",
            "/static/%2e%2e/%2e%2e/Cargo.toml",
            "/static/..%5c..%5cCargo.toml",
            "/static/....//....//etc/passwd",
            "/static/%252e%252e%252fsecret.key",
            "/static/corridor.css%00.key",
        ] {
            let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            let (status, answer) = raw(app.port, request.as_bytes()).await;
            assert!(status == 404 || status == 400, "{path}: {status}");
            assert!(!answer.contains("[package]") && !answer.contains("root:"), "{path} leaked");
        }
        let key = std::fs::read_to_string(app.data_dir.join("secret.key")).expect("the generated key");
        let key = key.trim();
        assert_eq!(key.len(), 64, "64 hex characters");
        let served = app.get("/static/secret.key").await;
        assert_eq!(served.status, 404);
        assert!(!served.body.contains(key));

        // 50,000 fields under the size limit: refused or ignored, never a crash.
        let mut crowd = format!("csrf_token={csrf}&");
        crowd.push_str(&"a=b&".repeat(50_000));
        assert!(crowd.len() < 256 * 1024);
        let res = app.client.post(app.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(crowd)
            .send().await.unwrap();
        let status = res.status().as_u16();
        assert!([400, 403, 413, 422].contains(&status), "many fields on /login: {status}");
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let token = app.get_with(&c, "/incidents/new").await.csrf();
        for field in ["a", "attack_types", "title"] {
            let mut crowd = format!("csrf_token={token}&");
            crowd.push_str(&format!("{field}=b&").repeat(45_000));
            let res = c.post(app.url("/incidents"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(crowd)
                .send().await.unwrap();
            let status = res.status().as_u16();
            assert!([400, 403, 413, 422].contains(&status), "{field} ×45,000 on /incidents: {status}");
        }
        assert_eq!(app.count("incidents"), 0);
        assert_eq!(app.get("/healthz").await.status, 200, "still serving");
    }
}

#[actix_web::test]
async fn a_slow_client_is_dropped_and_others_are_served_meanwhile() {
    let app = spawn_app(Backend::Sqlite).await;
    let started = Instant::now();
    // Half a request head: no blank line ever comes.
    let mut slow = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag")
        .await
        .unwrap();
    let dropped = actix_web::rt::spawn(async move {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(16), slow.read_to_end(&mut buf)).await;
        (read.is_ok(), started.elapsed(), text(&buf))
    });

    // Meanwhile everyone else is served at once.
    for _ in 0..5 {
        let t = Instant::now();
        assert_eq!(app.get("/healthz").await.status, 200);
        assert_eq!(app.get("/login").await.status, 200);
        assert!(t.elapsed() < Duration::from_secs(2), "answers stay quick");
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    }

    let (closed, after, answer) = dropped.await.unwrap();
    eprintln!("slow connection closed after {after:?} with {answer:?}");
    assert!(closed, "the slow connection was still open after {after:?}");
    assert!(
        after >= Duration::from_secs(8) && after <= Duration::from_secs(15),
        "closed after {after:?}"
    );
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer:?}"
    );
    assert_eq!(app.get("/healthz").await.status, 200);
}

/// A client that sends the whole head but only part of the body is answered 408 and dropped
/// once the body deadline (`src/web/csrf.rs`) passes, without holding up anyone else.
#[actix_web::test]
async fn a_slow_request_body_is_dropped() {
    let app = spawn_app(Backend::Sqlite).await;
    let started = Instant::now();
    let mut slow = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    slow.write_all(
        b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=a",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(16), slow.read_to_end(&mut buf)).await;
    assert!(
        read.is_ok(),
        "the connection was still open after {:?}",
        started.elapsed()
    );
    assert!(
        String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 408"),
        "answered 408"
    );
    assert_eq!(app.get("/healthz").await.status, 200);
}

/// A tmpfs mounted for one test and lazily unmounted afterwards (the server may still hold the
/// database open when the test ends).
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().ok()?.keep();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Self(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// SQLite on a full disk: writes answer 503 with the "unavailable" page and leave nothing
/// half-written, /readyz says so, and both recover by themselves once space is freed.
#[cfg_attr(
    not(corridor_test_tmpfs),
    ignore = "needs the right to mount a tmpfs (root, CAP_SYS_ADMIN)"
)]
#[actix_web::test]
async fn a_full_disk_answers_503_writes_nothing_and_recovers() {
    let disk = SmallDisk::mount("16m")
        .expect("mount a 16 MB tmpfs (the build found the right to mount; see build.rs)");
    let db_path = disk.0.join("corridor.db");
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, |raw| {
        raw.database_url = Some(db_path.to_string_lossy().into_owned());
    })
    .await;
    seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
    let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
    create_incident(&app, &c, &[]).await;
    assert_eq!(app.get("/readyz").await.status, 200);

    // Fill the disk to the last byte.
    let filler = disk.0.join("filler");
    {
        let mut f = std::fs::File::create(&filler).expect("filler");
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let _ = f.write_all(&[0u8; 512]);
    }
    let before = (
        app.count("incidents"),
        app.count("claims"),
        app.count("revisions"),
        app.count("audit_events"),
    );
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert!(ready.body.contains("disk full"));
    let full = crate::incidents::post(
        &app,
        &c,
        "/incidents/new",
        "/incidents",
        &incident_form(&[("title", "Written on a full disk")]),
    )
    .await;
    assert_eq!(full.status, 503, "{}", full.body);
    assert!(
        full.body.contains("Corridor is unavailable"),
        "the clear message"
    );
    let after = (
        app.count("incidents"),
        app.count("claims"),
        app.count("revisions"),
        app.count("audit_events"),
    );
    assert_eq!(before, after, "nothing half-written");

    // Space again: the same running app works without a restart.
    std::fs::remove_file(&filler).expect("remove filler");
    assert_eq!(app.get("/readyz").await.status, 200);
    create_incident(&app, &c, &[("title", "Written after the disk was freed")]).await;
    assert_eq!(app.count("incidents"), before.0 + 1);
    let verify = app.command(&["audit", "verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

// ---------------------------------------------------------------------------------------------
// Part E: memory under a crowd of sign-in attempts

/// The peak resident memory of a process, in KiB (`VmHWM` in `/proc/PID/status`).
fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("process status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Thirty-two anonymous sign-in attempts at once: each password check takes 19 MiB (Argon2id),
/// so unbounded they would add about 600 MiB to the server; with checks held to about one per
/// core (the rest answered 503 with `Retry-After`) the peak grows by a fraction of that.
#[actix_web::test]
async fn a_crowd_of_sign_in_attempts_does_not_run_away_with_memory() {
    let dir = tempfile::tempdir().unwrap();
    // A high lock threshold, so that every attempt reaches the password check.
    let server = Server::start_with(dir.path(), &[("CORRIDOR_LOCKOUT_THRESHOLD", "100")]).await;
    let pid = server.child.id();
    // Warm up: one attempt, so the baseline holds one Argon2 working area already.
    let attempt = |n: usize| {
        let address = server.address.clone();
        async move {
            let c = client();
            let page = c
                .get(format!("{address}/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let csrf = csrf_of(&page);
            c.post(format!("{address}/login"))
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("username", &format!("nobody{n}")),
                    ("password", "not-the-password-at-all"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        attempt(0).await,
        422,
        "a refused sign-in shows the form again"
    );
    let baseline = peak_memory_kib(pid);
    let answers = futures_util::future::join_all((1..=32).map(attempt)).await;
    let peak = peak_memory_kib(pid);
    let grown_mib = (peak.saturating_sub(baseline)) / 1024;
    assert!(
        answers.iter().all(|s| [422, 503].contains(s)),
        "{answers:?}"
    );
    assert!(
        grown_mib < 200,
        "peak memory grew by {grown_mib} MiB under 32 attempts at once"
    );
    assert!(
        answers.contains(&503),
        "some attempts are turned away: {answers:?}"
    );
}
