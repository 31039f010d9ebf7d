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
}

/// Runs each test body once on SQLite and once on PostgreSQL (when configured).
#[macro_export]
macro_rules! both_backends {
    ($( $(#[$meta:meta])* async fn $name:ident($app:ident : $ty:ty) $body:block )*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($app: $ty) $body

                #[actix_web::test]
                async fn sqlite() {
                    run($crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await).await;
                }

                #[actix_web::test]
                async fn postgres() {
                    if $crate::helpers::postgres_url().is_none() {
                        // In CI a missing PostgreSQL is a failure, never a silent skip.
                        assert!(std::env::var("CI").is_err(), "CI must set CORRIDOR_TEST_POSTGRES_URL");
                        eprintln!("CORRIDOR_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
                        return;
                    }
                    run($crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await).await;
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
        db_pool_size: "4".into(),
    }
}

/// A fresh, empty database for `backend`: a file in `dir`, or a new PostgreSQL database.
pub fn fresh_database(backend: Backend, dir: &std::path::Path) -> (String, Option<String>) {
    match backend {
        Backend::Sqlite => (dir.join("test.db").to_string_lossy().into_owned(), None),
        Backend::Postgres => {
            let admin_url = postgres_url().expect("CORRIDOR_TEST_POSTGRES_URL");
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
        let res = client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST");
        into_page(res).await
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
