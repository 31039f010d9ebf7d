//! `spawn_app()` starts the real server on port 0 with a fresh database: a new SQLite file, or
//! a new PostgreSQL database when the test runs on PostgreSQL. Every test is written once and
//! run on both backends by `both_backends!`.

use std::path::PathBuf;
use std::sync::LazyLock;

use corridor::accounts::{organizations, passwords, users};
use corridor::audit::{self, Actor};
use corridor::config::RawSettings;
use corridor::db::{DatabaseUrl, Db};
use corridor::domain::{NewPassword, OrgType, Role, Username};
use corridor::startup::Application;
use diesel::connection::SimpleConnection;
use diesel::Connection;

/// The password every seeded test account has.
pub const PASSWORD: &str = "correct-horse-battery-staple-42";

/// The session cookie's name over plain HTTP.
pub const SESSION_COOKIE: &str = "corridor_session";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests, if `CORRIDOR_TEST_POSTGRES_URL` names one.
pub fn postgres_url() -> Option<String> {
    std::env::var("CORRIDOR_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .map(|u| without_tls(&u))
}

/// Local test servers need no TLS, and OpenSSL's clean-up at process exit races with server
/// threads still winding down (a rare crash after every test has passed).
fn without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

/// A test of PostgreSQL itself (its server cut off, its tools, its statistics), in a module
/// of its own named for the test, as `both_backends!` names them: `name::postgres`. Without
/// `CORRIDOR_TEST_POSTGRES_URL` at build time it is reported as ignored, never as passed.
#[macro_export]
macro_rules! postgres_only {
    ($(
        $(#[$meta:meta])*
        async fn $name:ident() $body:block
    )*) => {
        $(
            $(#[$meta])*
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[cfg_attr(
                    not(corridor_test_postgres),
                    ignore = "needs CORRIDOR_TEST_POSTGRES_URL (a PostgreSQL server)"
                )]
                #[actix_web::test]
                async fn postgres() $body
            }
        )*
    };
}

/// Runs each test body once on SQLite and once on PostgreSQL. Without
/// `CORRIDOR_TEST_POSTGRES_URL` at build time the PostgreSQL run is reported as ignored (see
/// `build.rs`), never as passed.
///
/// A test that needs other settings names them after its signature:
/// `async fn name(app: TestApp) where settings = |raw| raw.lockout_threshold = "3".into(); { … }`
#[macro_export]
macro_rules! both_backends {
    (@spawn $backend:expr) => {
        $crate::helpers::spawn_app($backend)
    };
    (@spawn $backend:expr, $adjust:expr) => {
        $crate::helpers::spawn_app_with($backend, $adjust)
    };
    ($(
        $(#[$meta:meta])*
        async fn $name:ident($app:ident : $ty:ty) $(where settings = $adjust:expr;)? $body:block
    )*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($app: $ty) $body

                $(#[$meta])*
                #[allow(unused_attributes)]
                #[actix_web::test]
                async fn sqlite() {
                    let backend = $crate::helpers::Backend::Sqlite;
                    run($crate::both_backends!(@spawn backend $(, $adjust)?).await).await;
                }

                $(#[$meta])*
                // Built without a PostgreSQL server: reported as ignored, with the reason (two
                // reasons may apply; the test's own comes first).
                #[allow(unused_attributes)]
                #[cfg_attr(not(corridor_test_postgres), ignore = "needs CORRIDOR_TEST_POSTGRES_URL (a PostgreSQL server)")]
                #[actix_web::test]
                async fn postgres() {
                    let backend = $crate::helpers::Backend::Postgres;
                    run($crate::both_backends!(@spawn backend $(, $adjust)?).await).await;
                }
            }
        )*
    };
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub database: DatabaseUrl,
    pub data_dir: PathBuf,
    pub setup_link: Option<String>,
    pub backend: Backend,
    _temp: tempfile::TempDir,
    pg_name: Option<String>,
}

/// Settings as a test wants them: port 0, a small pool, default policies.
pub fn raw_settings(data_dir: &std::path::Path, database_url: &str) -> RawSettings {
    RawSettings {
        data_dir: data_dir.to_string_lossy().into_owned(),
        database_url: Some(database_url.to_string()),
        bind: "127.0.0.1:0".into(),
        public_url: None,
        secret_key: None,
        session_idle_minutes: "30".into(),
        session_max_hours: "12".into(),
        lockout_threshold: "5".into(),
        lockout_base_seconds: "60".into(),
        lockout_max_seconds: "3600".into(),
        workers: Some("2".into()),
        db_pool_size: Some("4".into()),
        slow_query_ms: None,
        // Reads reach the database when a page shows them, not whenever the tick comes.
        api_reads_flush_seconds: Some("3600".into()),
        // The server's own checkpoint task would sign whenever its tick comes, in the middle
        // of a test's before-and-after comparison; tests sign checkpoints when they mean to.
        security: corridor::config::SecurityRaw {
            audit_checkpoint_seconds: Some("0".into()),
            ..Default::default()
        },
        evidence: Default::default(),
        // No delivery worker unless a test starts one (tests/api/subscriptions.rs).
        notify: corridor::config::NotifyRaw {
            notify_poll_ms: Some("0".into()),
            ..Default::default()
        },
    }
}

/// A fresh, empty database for `backend`: a file in `dir`, or a new PostgreSQL database.
pub fn fresh_database(backend: Backend, dir: &std::path::Path) -> (String, Option<String>) {
    match backend {
        Backend::Sqlite => (dir.join("test.db").to_string_lossy().into_owned(), None),
        Backend::Postgres => {
            let admin_url = postgres_url().expect(
                "CORRIDOR_TEST_POSTGRES_URL is not set (it was when the tests were built): \
                 set it to a PostgreSQL server where the user may create databases",
            );
            let name = format!("corridor_test_{}", hex::encode(rand::random::<[u8; 6]>()));
            let mut conn = diesel::PgConnection::establish(&admin_url)
                .expect("connect to PostgreSQL for tests");
            conn.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            (with_database(&admin_url, &name), Some(name))
        }
    }
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let cut = base[scheme_end..]
        .rfind('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..cut], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Starts the app after `adjust` has changed its settings.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut RawSettings)) -> TestApp {
    static LOGGING: LazyLock<()> = LazyLock::new(|| {
        if std::env::var("TEST_LOG").is_ok() {
            corridor::telemetry::init("info");
        }
    });
    LazyLock::force(&LOGGING);
    let temp = tempfile::tempdir().expect("temp dir");
    let data_dir = temp.path().join("data");
    let (url, pg_name) = fresh_database(backend, temp.path());
    let mut raw = raw_settings(&data_dir, &url);
    adjust(&mut raw);
    let settings = raw.parse().expect("test settings parse");
    let database = settings.database.clone();
    let app = Application::build(settings)
        .await
        .expect("application starts");
    let setup_link = app.setup_link.clone();
    let port = app.spawn();
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: client(),
        database,
        data_dir,
        setup_link,
        backend,
        _temp: temp,
        pg_name,
    }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A browser-like client on another machine: it connects from `ip` (any of 127.0.0.0/8), so
/// the server sees a different client address.
pub fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(std::net::IpAddr::from(ip))
        .build()
        .expect("client")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let (Some(name), Some(admin_url)) = (&self.pg_name, postgres_url()) {
            if let Ok(mut conn) = diesel::PgConnection::establish(&admin_url) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// A page as the client saw it.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker).expect("page has a CSRF field") + marker.len();
        let end = self.body[start..].find('"').expect("end of token") + start;
        self.body[start..end].to_string()
    }

    /// The whole `Set-Cookie` line for cookie `name`, if the response sets it.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}=");
        self.headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&prefix))
            .map(str::to_string)
    }

    /// The value of the session cookie this response hands out (panics if it sets none).
    pub fn session_token(&self) -> String {
        let line = self
            .set_cookie(SESSION_COOKIE)
            .unwrap_or_else(|| panic!("no session cookie set: {:?}", self.headers));
        let value = line[SESSION_COOKIE.len() + 1..]
            .split(';')
            .next()
            .unwrap_or_default();
        assert!(
            !value.is_empty(),
            "the session cookie is being removed: {line}"
        );
        value.to_string()
    }

    /// The `value` of the form control named `name` (text inputs and hidden fields).
    pub fn input_value(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\"");
        let at = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no field {name} on the page"));
        let tag_start = self.body[..at].rfind('<').expect("tag start");
        let tag_end = self.body[at..].find('>').expect("tag end") + at;
        let tag = &self.body[tag_start..tag_end];
        let start = tag
            .find("value=\"")
            .unwrap_or_else(|| panic!("field {name} has no value: {tag}"))
            + "value=\"".len();
        let end = tag[start..].find('"').expect("end of value") + start;
        tag[start..end].to_string()
    }

    /// The `value` of the `<option>` whose text is `label`.
    pub fn option_value(&self, label: &str) -> String {
        let marker = format!(">{label}</option>");
        let at = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no option {label} on the page"));
        let tag_start = self.body[..at].rfind("<option").expect("option tag");
        let tag = &self.body[tag_start..at];
        let start = tag.find("value=\"").expect("option value") + "value=\"".len();
        let end = tag[start..].find('"').expect("end of value") + start;
        tag[start..end].to_string()
    }

    /// The error summary at the top of a form ("There is a problem" and its links).
    pub fn error_summary(&self) -> &str {
        let start = self
            .body
            .find("<div class=\"error-summary\"")
            .unwrap_or_else(|| panic!("no error summary on the page: {}", self.body));
        let end = self.body[start..].find("</div>").expect("end of summary") + start;
        &self.body[start..end]
    }

    /// Is this the access guard sending a visitor to sign in (not a handler's redirect)?
    pub fn is_login_refusal(&self) -> bool {
        self.status == 303
            && self
                .location
                .as_deref()
                .is_some_and(|l| l == "/login" || l.starts_with("/login?next="))
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get_with(&self, client: &reqwest::Client, path: &str) -> Page {
        let res = client.get(self.url(path)).send().await.expect("GET");
        into_page(res).await
    }

    pub async fn get(&self, path: &str) -> Page {
        self.get_with(&self.client, path).await
    }

    /// Posts a form as it is, adding no token.
    pub async fn post_raw_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_raw_with_headers(client, path, fields, &[]).await
    }

    /// Posts a form as it is, with extra request headers (`Origin`, `Sec-Fetch-Site`, …).
    pub async fn post_raw_with_headers(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = client.post(self.url(path)).form(fields);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        into_page(req.send().await.expect("POST")).await
    }

    /// Fetches `form_page` for its CSRF token, then posts `fields` with it to `path`.
    pub async fn post_form_with(
        &self,
        client: &reqwest::Client,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let token = self.get_with(client, form_page).await.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw_with(client, path, &all).await
    }

    pub async fn post_form(&self, form_page: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form_with(&self.client, form_page, path, fields)
            .await
    }

    /// Signs `client` in; panics unless the sign-in succeeds.
    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> Page {
        let page = self
            .post_form_with(
                client,
                "/login",
                "/login",
                &[("username", username), ("password", password)],
            )
            .await;
        assert_eq!(
            page.status, 303,
            "sign-in of {username} failed: {}",
            page.body
        );
        page
    }

    pub async fn login(&self, username: &str) -> Page {
        self.login_with(&self.client, username, PASSWORD).await
    }

    /// A new client signed in as `username` (with `PASSWORD`).
    pub async fn signed_in(&self, username: &str) -> reqwest::Client {
        let c = client();
        self.login_with(&c, username, PASSWORD).await;
        c
    }

    /// Tries to sign in; returns the answer whatever it is.
    pub async fn try_login_with(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> Page {
        self.post_form_with(
            client,
            "/login",
            "/login",
            &[("username", username), ("password", password)],
        )
        .await
    }

    /// `GET path` from a client that holds nothing but this session cookie (a stolen copy).
    pub async fn get_with_session(&self, token: &str, path: &str) -> Page {
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let res = bare
            .get(self.url(path))
            .header(reqwest::header::COOKIE, format!("{SESSION_COOKIE}={token}"))
            .send()
            .await
            .expect("GET");
        into_page(res).await
    }

    /// A direct database handle, for arranging data and checking what was stored.
    pub fn db(&self) -> Db {
        Db::new(self.database.clone(), 2)
    }

    /// Creates an organisation directly (arranging a test, not testing this).
    pub fn seed_org(&self, name: &str) -> i64 {
        let db = self.db();
        let mut conn = db.conn().expect("conn");
        let name = name.to_string();
        audit::write(&mut conn, |conn| {
            if let Some(o) = organizations::find_by_name(conn, &name)? {
                return Ok(o.id);
            }
            let fields = organizations::OrgFields {
                name: name.clone(),
                acronym: String::new(),
                org_type: OrgType::InternationalNgo,
            };
            Ok(
                organizations::create(conn, &Actor::system("test"), &fields)?
                    .expect("new org")
                    .id,
            )
        })
        .expect("seed organisation")
    }

    /// Creates an account with `PASSWORD` directly; returns its id.
    pub fn seed_user(&self, username: &str, role: Role, org: &str) -> i64 {
        static HASH: LazyLock<String> = LazyLock::new(|| {
            passwords::hash(
                &NewPassword::parse(PASSWORD, PASSWORD, &[]).expect("test password is strong"),
            )
        });
        let org_id = self.seed_org(org);
        let db = self.db();
        let mut conn = db.conn().expect("conn");
        let account = users::NewAccount {
            username: Username::parse(username).expect("username"),
            display_name: String::new(),
            organization_id: org_id,
            role,
            password_hash: HASH.clone(),
            must_change_password: false,
        };
        audit::write(&mut conn, |conn| {
            Ok(users::create(conn, &Actor::system("test"), &account)?
                .expect("new user")
                .id)
        })
        .expect("seed user")
    }

    /// Runs a corridor command against this app's database.
    pub fn command(&self, args: &[&str]) -> std::process::Output {
        let url = match &self.database {
            DatabaseUrl::Sqlite(p) => p.to_string_lossy().into_owned(),
            DatabaseUrl::Postgres(u) => u.clone(),
        };
        std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
            .args(args)
            .env("CORRIDOR_DATABASE_URL", url)
            .env("CORRIDOR_DATA_DIR", &self.data_dir)
            .output()
            .expect("run corridor")
    }

    /// Runs raw SQL on the app's database (for tampering tests).
    pub fn sql(&self, sql: &str) -> Result<(), diesel::result::Error> {
        let db = self.db();
        let mut conn = db.conn().expect("conn");
        conn.batch_execute(sql)
    }

    /// Drops the triggers that keep `audit_events` append-only, as someone with direct access
    /// to the database could.
    pub fn drop_audit_triggers(&self) {
        let sql = match self.backend {
            Backend::Sqlite => {
                "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;"
            }
            Backend::Postgres => "DROP TRIGGER audit_events_no_update_delete ON audit_events;",
        };
        self.sql(sql).expect("drop audit triggers");
    }

    /// How many rows of `table` match the SQL condition `filter`.
    pub fn count_where(&self, table: &str, filter: &str) -> i64 {
        self.count(&format!("{table} WHERE {filter}"))
    }

    /// How many rows `table` has.
    pub fn count(&self, table: &str) -> i64 {
        use diesel::sql_types::BigInt;
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let db = self.db();
        let mut conn = db.conn().expect("conn");
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<N>(&mut *conn)
            .expect("count")
            .n
    }
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

/// Every row of every table, each as JSON text, sorted: two states of a database are the same
/// when their dumps are equal. Tables as the database lists them (on SQLite the search index's
/// own tables too, blobs as hex), so a table added later is compared without being named here.
pub type Dump = std::collections::BTreeMap<String, Vec<String>>;

/// Columns whose change is not a write of the request: a session's last activity is touched
/// at most once a minute by whatever request comes.
const UNDUMPED: &[(&str, &str)] = &[("sessions", "last_seen_at")];

/// Tables no request writes: the server's own task signs an audit checkpoint in the background
/// each minute that saw writes, whenever its tick comes (the tamper tests check checkpoints).
const UNDUMPED_TABLES: &[&str] = &["audit_checkpoints"];

impl TestApp {
    pub fn dump(&self) -> Dump {
        use diesel::sql_types::Text;
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Line {
            #[diesel(sql_type = Text)]
            line: String,
        }
        let db = self.db();
        let mut conn = db.conn().expect("conn");
        let mut lines = |sql: &str| -> Vec<String> {
            diesel::sql_query(sql)
                .load::<Line>(&mut *conn)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .into_iter()
                .map(|l| l.line)
                .collect()
        };
        let skipped = |table: &str| -> Vec<&str> {
            UNDUMPED
                .iter()
                .filter(|(t, _)| *t == table)
                .map(|(_, c)| *c)
                .collect()
        };
        let tables = match self.backend {
            Backend::Sqlite => lines(
                "SELECT name AS line FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
            ),
            Backend::Postgres => lines(
                "SELECT table_name::text AS line FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 ORDER BY table_name",
            ),
        };
        assert!(tables.len() >= 19, "tables: {tables:?}");
        let mut dump = Dump::new();
        for table in tables {
            if UNDUMPED_TABLES.contains(&table.as_str()) {
                continue;
            }
            let skip = skipped(&table);
            let sql = match self.backend {
                Backend::Sqlite => {
                    let columns = lines(&format!(
                        "SELECT name AS line FROM pragma_table_info('{table}') ORDER BY cid"
                    ));
                    let list = columns
                        .iter()
                        .filter(|c| !skip.contains(&c.as_str()))
                        .map(|c| format!("CASE WHEN typeof(\"{c}\") = 'blob' THEN hex(\"{c}\") ELSE \"{c}\" END"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("SELECT json_array({list}) AS line FROM \"{table}\"")
                }
                Backend::Postgres => {
                    let drop: String = skip.iter().map(|c| format!(" - '{c}'")).collect();
                    format!("SELECT (to_jsonb(t){drop})::text AS line FROM \"{table}\" t")
                }
            };
            let mut rows = lines(&sql);
            rows.sort();
            dump.insert(table, rows);
        }
        dump
    }
}

/// What changed from `before` to `after`, table by table: rows gone and rows new (a changed
/// row is both).
pub fn dump_changes(before: &Dump, after: &Dump) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    let tables: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for table in tables {
        let empty = Vec::new();
        let (b, a) = (
            before.get(table).unwrap_or(&empty),
            after.get(table).unwrap_or(&empty),
        );
        if a == b {
            continue;
        }
        let gone: Vec<String> = b
            .iter()
            .filter(|r| a.binary_search(r).is_err())
            .cloned()
            .collect();
        let new: Vec<String> = a
            .iter()
            .filter(|r| b.binary_search(r).is_err())
            .cloned()
            .collect();
        out.push((table.clone(), gone, new));
    }
    out
}
