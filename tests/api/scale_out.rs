//! Scale-out: two real `corridor serve` processes share one PostgreSQL database. Sessions and
//! CSRF tokens from one server work on the other, a concurrent edit through both gives one save
//! and one conflict page, and concurrent writes keep the audit chain in one line. Both servers'
//! delivery workers share the subscriptions' queue: each message is sent once; each counts API
//! reads in memory, and the token's count and period summary add both up exactly.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use corridor::db::DatabaseUrl;
use corridor::domain::Role;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};

use crate::helpers::{spawn_app, Backend, Page, TestApp, PASSWORD, SESSION_COOKIE};
use crate::incidents::{incident_form, seed_place};

/// Both servers sign with the same key, so a visitor's CSRF token from one is valid on the other.
const SECRET_KEY: &str = "3f9a1c7e5b2d4086a1e3c5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5";

/// A `corridor serve` process on its own port and data folder, killed when dropped.
struct Server {
    child: Child,
    address: String,
    name: &'static str,
}

impl Server {
    /// A server of the deployment: its own data folder, the database and the audit signing key
    /// (at `signing_key`) shared with the others, as several app nodes share them.
    fn start(name: &'static str, data_dir: &Path, database_url: &str, signing_key: &Path) -> Self {
        Self::start_with(name, data_dir, database_url, signing_key, &[])
    }

    /// [`start`](Self::start), with more settings (`CORRIDOR_*` variables).
    fn start_with(
        name: &'static str,
        data_dir: &Path,
        database_url: &str,
        signing_key: &Path,
        settings: &[(&str, &str)],
    ) -> Self {
        std::fs::create_dir_all(data_dir).expect("server data dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("free port")
            .local_addr()
            .expect("port")
            .port();
        let log = std::fs::File::create(data_dir.join("server.log")).expect("log file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_corridor"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("CORRIDOR_") {
                cmd.env_remove(key);
            }
        }
        let child = cmd
            .arg("serve")
            .env("CORRIDOR_DATABASE_URL", database_url)
            .env("CORRIDOR_DATA_DIR", data_dir)
            .env("CORRIDOR_BIND", format!("127.0.0.1:{port}"))
            .env("CORRIDOR_SECRET_KEY", SECRET_KEY)
            .env("CORRIDOR_AUDIT_SIGNING_KEY_FILE", signing_key)
            .env("CORRIDOR_WORKERS", "2")
            .env("CORRIDOR_DB_POOL_SIZE", "4")
            .env("RUST_LOG", "warn")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start corridor serve");
        Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
            name,
        }
    }

    async fn wait_ready(&mut self, http: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(res) = http.get(self.url("/readyz")).send().await {
                if res.status() == 200 {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("server {} exited before it was ready: {status}", self.name);
            }
            assert!(
                Instant::now() < deadline,
                "server {} did not get ready",
                self.name
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client that keeps no cookies and follows no redirects: every cookie is sent by hand.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

async fn into_page(res: reqwest::Response) -> Page {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = res.text().await.unwrap_or_default();
    Page {
        status,
        location,
        headers,
        body,
    }
}

/// `GET path` on `server`, sending `cookie` (`name=value`) if given.
async fn get(http: &reqwest::Client, server: &Server, cookie: Option<&str>, path: &str) -> Page {
    let mut req = http.get(server.url(path));
    if let Some(c) = cookie {
        req = req.header(reqwest::header::COOKIE, c);
    }
    into_page(req.send().await.expect("GET")).await
}

/// Posts `fields` as they are (the caller adds the CSRF token) to `path` on `server`.
async fn post(
    http: &reqwest::Client,
    server: &Server,
    cookie: Option<&str>,
    path: &str,
    fields: &[(String, String)],
) -> Page {
    let mut req = http.post(server.url(path)).form(fields);
    if let Some(c) = cookie {
        req = req.header(reqwest::header::COOKIE, c);
    }
    into_page(req.send().await.expect("POST")).await
}

/// Signs `username` in: the login form is read from `form_server`, posted to `server` with the
/// visitor cookie `form_server` handed out. Returns the `Cookie` header value of the session.
async fn sign_in(
    http: &reqwest::Client,
    form_server: &Server,
    server: &Server,
    username: &str,
) -> String {
    let form = get(http, form_server, None, "/login").await;
    assert_eq!(form.status, 200);
    let visitor = form
        .set_cookie("corridor_visitor")
        .expect("the login page hands out a visitor cookie");
    let visitor = visitor.split(';').next().unwrap_or_default().to_string();
    let fields = [
        ("csrf_token".to_string(), form.csrf()),
        ("username".to_string(), username.to_string()),
        ("password".to_string(), PASSWORD.to_string()),
    ];
    let page = post(http, server, Some(&visitor), "/login", &fields).await;
    assert_eq!(
        page.status, 303,
        "sign-in of {username} on {} with the form of {}: {}",
        server.name, form_server.name, page.body
    );
    format!("{SESSION_COOKIE}={}", page.session_token())
}

/// An incident form with `changes` and the CSRF token.
fn form_with(token: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = incident_form(changes);
    fields.push(("csrf_token".into(), token.to_string()));
    fields
}

/// The incident id in a redirect after a save.
fn incident_id(page: &Page) -> i64 {
    page.location
        .as_deref()
        .expect("redirect")
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap_or_default()
        .parse()
        .expect("incident id in redirect")
}

/// One number from the app's database.
fn scalar(app: &TestApp, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    diesel::sql_query(sql)
        .get_result::<N>(&mut *conn)
        .expect("scalar query")
        .n
}

/// Creates `count` incidents as the holder of `cookie`, alternating between the servers.
async fn create_many(
    http: &reqwest::Client,
    servers: [&Server; 2],
    cookie: &str,
    token: &str,
    task: usize,
    count: usize,
) -> Vec<(u16, String)> {
    let mut answers = Vec::new();
    for i in 0..count {
        let server = servers[(task + i) % 2];
        let title = format!("Concurrent incident {task}-{i} via {}", server.name);
        let page = post(
            http,
            server,
            Some(cookie),
            "/incidents",
            &form_with(token, &[("title", title.as_str())]),
        )
        .await;
        let what = if page.status == 303 {
            title
        } else {
            format!("{title} on {}: {}", server.name, page.body)
        };
        answers.push((page.status, what));
    }
    answers
}

#[cfg_attr(
    not(corridor_test_postgres),
    ignore = "needs CORRIDOR_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
#[actix_web::test]
async fn two_servers_serve_one_postgres_database_together() {
    let started = Instant::now();
    // A fresh database, migrated by an in-process app that is used only to arrange and check.
    let app = spawn_app(Backend::Postgres).await;
    let DatabaseUrl::Postgres(url) = app.database.clone() else {
        panic!("a PostgreSQL app");
    };
    seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
    app.seed_user("omar.reporter", Role::Reporter, "WHO");
    app.seed_user("layla.coordinator", Role::Coordinator, "OCHA");

    let http = bare_client();
    let key = app.data_dir.join("audit-signing.key");
    let mut a = Server::start("A", &app.data_dir.join("server-a"), &url, &key);
    let mut b = Server::start("B", &app.data_dir.join("server-b"), &url, &key);
    a.wait_ready(&http).await;
    b.wait_ready(&http).await;

    // 1. Sessions and CSRF tokens work on either server.
    // The login form of B, posted to A: the visitor token is signed with the shared key.
    let reporter = sign_in(&http, &b, &a, "omar.reporter").await;
    let home = get(&http, &b, Some(&reporter), "/").await;
    assert_eq!(home.status, 200, "A's session on B: {:?}", home.location);
    assert!(
        home.body.contains("omar.reporter"),
        "B knows who is signed in"
    );
    let token_from_a = get(&http, &a, Some(&reporter), "/incidents/new")
        .await
        .csrf();
    let created = post(
        &http,
        &b,
        Some(&reporter),
        "/incidents",
        &form_with(&token_from_a, &[]),
    )
    .await;
    assert_eq!(
        created.status, 303,
        "a form of A posted to B: {}",
        created.body
    );
    let id = incident_id(&created);
    let coordinator = sign_in(&http, &a, &b, "layla.coordinator").await;
    assert_eq!(get(&http, &a, Some(&coordinator), "/").await.status, 200);

    // 2. One record edited at once through both servers: one save, one conflict page.
    let edit = format!("/incidents/{id}/edit");
    let form_a = get(&http, &a, Some(&reporter), &edit).await;
    let form_b = get(&http, &b, Some(&coordinator), &edit).await;
    for form in [&form_a, &form_b] {
        assert_eq!(form.status, 200);
        assert!(form.body.contains("name=\"version\" value=\"1\""));
    }
    let (title_a, title_b) = (
        "Title saved through server A",
        "Title saved through server B",
    );
    let fields_a = form_with(&form_a.csrf(), &[("title", title_a), ("version", "1")]);
    let fields_b = form_with(&form_b.csrf(), &[("title", title_b), ("version", "1")]);
    let path = format!("/incidents/{id}");
    let (answer_a, answer_b) = tokio::join!(
        post(&http, &a, Some(&reporter), &path, &fields_a),
        post(&http, &b, Some(&coordinator), &path, &fields_b),
    );
    let (winner, loser_title, loser) = match (answer_a.status, answer_b.status) {
        (303, 409) => (title_a, title_b, answer_b),
        (409, 303) => (title_b, title_a, answer_a),
        (sa, sb) => panic!("expected one 303 and one 409, got A {sa} and B {sb}"),
    };
    assert!(loser.body.contains("Someone else changed this incident"));
    assert!(
        loser.body.contains(loser_title),
        "the loser's input is kept"
    );
    assert_eq!(
        app.count_where(
            "incidents",
            &format!("id = {id} AND title = '{winner}' AND version = 2")
        ),
        1,
        "the winner's title is stored, as version 2"
    );
    assert_eq!(
        app.count_where(
            "revisions",
            &format!("entity_type = 'incident' AND entity_id = {id}")
        ),
        2
    );
    assert_eq!(
        app.count_where("audit_events", "action = 'incident.update'"),
        1
    );

    // 3. Concurrent writes through both servers keep the audit chain in one line.
    let before = app.count("incidents");
    let token_coordinator = get(&http, &b, Some(&coordinator), "/incidents/new")
        .await
        .csrf();
    let (tasks, per_task) = (4, 10);
    let servers = [&a, &b];
    let sessions = [
        (reporter.as_str(), token_from_a.as_str()),
        (coordinator.as_str(), token_coordinator.as_str()),
    ];
    let answers = futures_util::future::join_all((0..tasks).map(|task| {
        let (cookie, token) = sessions[task % 2];
        create_many(&http, servers, cookie, token, task, per_task)
    }))
    .await;
    for (status, what) in answers.iter().flatten() {
        assert_eq!(*status, 303, "{what}");
    }
    let created = i64::try_from(tasks * per_task).unwrap();
    assert_eq!(app.count("incidents"), before + created);
    assert_eq!(
        app.count("audit_events WHERE action = 'incident.create'"),
        1 + created
    );

    let verify = app.command(&["audit", "verify"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr),
    );
    assert!(
        verify.status.success(),
        "audit verify: {:?}\n{stdout}\n{stderr}",
        verify.status
    );
    let events = app.count("audit_events");
    assert_eq!(
        scalar(&app, "SELECT MAX(id) AS n FROM audit_events"),
        events,
        "audit ids are 1..N with no gap"
    );
    assert_eq!(scalar(&app, "SELECT MIN(id) AS n FROM audit_events"), 1);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(DISTINCT prev_hash) AS n FROM audit_events"
        ),
        events,
        "no two events follow the same one: no fork"
    );
    assert!(
        stdout.contains(&format!("{events} events checked")),
        "verify names the {events} events checked: {stdout}"
    );

    drop((a, b));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[cfg_attr(
    not(corridor_test_postgres),
    ignore = "needs CORRIDOR_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
#[actix_web::test]
async fn two_servers_deliver_each_message_once_and_count_each_api_read_once() {
    let started = Instant::now();
    let app = spawn_app(Backend::Postgres).await;
    let DatabaseUrl::Postgres(url) = app.database.clone() else {
        panic!("a PostgreSQL app");
    };
    seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
    app.seed_user("omar.reporter", Role::Reporter, "WHO");
    let (receiver, got) = crate::subscriptions::webhook_receiver(vec![]).await;

    let http = bare_client();
    let key = app.data_dir.join("audit-signing.key");
    let workers = [
        ("CORRIDOR_NOTIFY_POLL_MS", "50"),
        ("CORRIDOR_WEBHOOK_ALLOW_HTTP", "true"),
    ];
    let mut a = Server::start_with("A", &app.data_dir.join("server-a"), &url, &key, &workers);
    let mut b = Server::start_with("B", &app.data_dir.join("server-b"), &url, &key, &workers);
    a.wait_ready(&http).await;
    b.wait_ready(&http).await;

    let reporter = sign_in(&http, &a, &a, "omar.reporter").await;
    let form = get(&http, &a, Some(&reporter), "/searches/new?kind=incidents").await;
    let field = |k: &str, v: &str| (k.to_string(), v.to_string());
    let saved = post(
        &http,
        &a,
        Some(&reporter),
        "/searches",
        &[
            field("csrf_token", &form.csrf()),
            field("name", "Everything"),
            field("kind", "incidents"),
            field("query", ""),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let search = saved.location.expect("the search's page");
    let subscribed = post(
        &http,
        &b,
        Some(&reporter),
        &format!("{search}/subscriptions"),
        &[
            field("csrf_token", &form.csrf()),
            field("channel", "webhook"),
            field("url", &receiver),
        ],
    )
    .await;
    assert_eq!(subscribed.status, 200, "{}", subscribed.body);

    // 30 incidents through both servers at once; both workers deliver.
    let token = get(&http, &b, Some(&reporter), "/incidents/new")
        .await
        .csrf();
    let (tasks, per_task) = (3, 10);
    let answers = futures_util::future::join_all(
        (0..tasks).map(|task| create_many(&http, [&a, &b], &reporter, &token, task, per_task)),
    )
    .await;
    for (status, what) in answers.iter().flatten() {
        assert_eq!(*status, 303, "{what}");
    }
    let created = tasks * per_task;
    let deadline = Instant::now() + Duration::from_secs(15);
    while got.lock().unwrap().len() < created
        || app.count_where("deliveries", "status = 'sent'") < created as i64
    {
        assert!(
            Instant::now() < deadline,
            "{} of {created} delivered",
            got.lock().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A duplicate would come within a poll or two.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = got.lock().unwrap().clone();
    let mut references: Vec<String> = received
        .iter()
        .map(|(_, body)| {
            let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
            assert_eq!(json["message"]["event"], "incident.created", "{body}");
            json["message"]["reference"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(references.len(), created, "no message sent twice");
    references.sort();
    references.dedup();
    assert_eq!(references.len(), created, "each incident once, none lost");
    assert_eq!(app.count("deliveries"), created as i64);
    assert_eq!(
        app.count_where("deliveries", "attempts = 1"),
        created as i64
    );

    // API reads, counted by each server in memory, add up in the database; a period's reads
    // are summarised once, whichever server writes its batch first.
    app.seed_user("adam.admin", Role::Admin, "OCHA");
    let org = app.seed_org("OCHA").to_string();
    let admin = sign_in(&http, &a, &a, "adam.admin").await;
    let tokens_page = get(&http, &a, Some(&admin), "/admin/api-tokens").await;
    let expires = (chrono::Utc::now().date_naive() + chrono::TimeDelta::days(30)).to_string();
    let issued = post(
        &http,
        &a,
        Some(&admin),
        "/admin/api-tokens",
        &[
            field("csrf_token", &tokens_page.csrf()),
            field("name", "Dashboard"),
            field("scope", "partner"),
            field("organization_id", &org),
            field("expires_on", &expires),
            field("rate_per_minute", "600"),
        ],
    )
    .await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let token = issued.input_value("api-token-shown");
    let read = |server: &Server| {
        http.get(server.url("/api/v1/places"))
            .bearer_auth(&token)
            .send()
    };
    for server in [&a, &a, &a, &b, &b] {
        assert_eq!(read(server).await.expect("read").status(), 200);
    }
    let tokens = "/admin/api-tokens";
    let (on_a, on_b) = tokio::join!(
        get(&http, &a, Some(&admin), tokens),
        get(&http, &b, Some(&admin), tokens)
    );
    assert_eq!((on_a.status, on_b.status), (200, 200));
    assert_eq!(
        app.count_where("api_tokens", "reads = 5"),
        1,
        "both servers' reads"
    );
    app.sql("UPDATE api_tokens SET period_start = '2000-01-01 00:00:00'")
        .unwrap();
    for server in [&a, &b] {
        assert_eq!(read(server).await.expect("read").status(), 200);
    }
    let (on_a, on_b) = tokio::join!(
        get(&http, &a, Some(&admin), tokens),
        get(&http, &b, Some(&admin), tokens)
    );
    assert_eq!((on_a.status, on_b.status), (200, 200));
    assert_eq!(
        app.count_where(
            "audit_events",
            "action = 'api.reads' AND details LIKE '%\"reads\":5,%'"
        ),
        1,
        "the period summarised once"
    );
    assert_eq!(app.count_where("audit_events", "action = 'api.reads'"), 1);
    assert_eq!(
        app.count_where("api_tokens", "reads = 2"),
        1,
        "the next period's reads"
    );

    drop((a, b));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}
