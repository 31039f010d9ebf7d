//! Start-up, configuration, migrations, health, readiness, error pages and the stylesheet.

use crate::helpers::{raw_settings, Backend, TestApp};
use corridor::domain::Role;

both_backends! {
    async fn health_and_readiness_answer(app: TestApp) {
        let health = app.get("/healthz").await;
        assert_eq!(health.status, 200);
        assert_eq!(health.body, "ok\n");
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status, 200, "{}", ready.body);
        assert_eq!(ready.body, "ready\n");
    }

    async fn migrations_apply_and_are_current(app: TestApp) {
        // Start-up applied them; `corridor migrate` finds nothing left to do.
        let out = app.command(&["migrate"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("up to date (0 migration(s) applied now)"), "{text}");
        // Every table is there, as a fresh start leaves it: no account yet, one set-up link.
        for (table, rows) in [("organizations", 0), ("users", 0), ("sessions", 0), ("login_throttle", 0), ("setup_tokens", 1), ("audit_chain_head", 1)] {
            assert_eq!(app.count(table), rows, "{table}");
        }
        assert_eq!(app.count("audit_events"), app.count_where("audit_events", "action LIKE 'setup.%'"), "only the set-up link is recorded");
    }

    async fn unknown_pages_get_the_layout_and_404(app: TestApp) {
        let page = app.get("/no/such/page").await;
        assert_eq!(page.status, 404);
        assert!(page.body.contains("<h1>Page not found</h1>"), "{}", page.body);
        assert!(page.body.contains("class=\"site-header\""));
        assert!(page.body.contains("class=\"site-footer\""));
        assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    }

    async fn wrong_method_gets_405_page(app: TestApp) {
        let res = app.client.put(app.url("/login")).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 405);
        assert!(res.text().await.unwrap().contains("Not allowed here"));
    }

    async fn forbidden_and_bad_request_pages_keep_the_layout(app: TestApp) {
        app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        app.login("rania.reporter").await;
        let page = app.get("/admin/users").await;
        assert_eq!(page.status, 403);
        assert!(page.body.contains("You cannot do this"));
        // The layout still shows who is signed in.
        assert!(page.body.contains("rania.reporter"));
        let bad = app.get("/setup?token=nonsense").await;
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("This set-up link cannot be used"));
        assert!(bad.body.contains("class=\"site-header\""));
    }

    async fn stylesheet_is_cached_for_a_year_under_its_hash(app: TestApp) {
        let login = app.get("/login").await;
        let start = login.body.find("/static/corridor.").expect("stylesheet link");
        let end = login.body[start..].find('"').unwrap() + start;
        let css_path = &login.body[start..end];
        let css = app.get(css_path).await;
        assert_eq!(css.status, 200);
        assert_eq!(css.headers["cache-control"], "public, max-age=31536000, immutable");
        assert!(css.body.contains("@media print"));
        assert_eq!(app.get("/static/corridor.0000.css").await.status, 404);
        assert_eq!(app.get("/static/..%2F..%2FCargo.toml").await.status, 404);
        assert_eq!(app.get("/static/../Cargo.toml").await.status, 404);
    }

    async fn a_nul_character_is_refused_not_a_server_error(app: TestApp) {
        // PostgreSQL refuses NUL in text; found by the property tests on the sign-in form.
        let token = app.get("/login").await.csrf();
        let page = app.post_raw_with(&app.client, "/login", &[("csrf_token", &token), ("username", "\0"), ("password", "x")]).await;
        assert_eq!(page.status, 400, "{}", page.body);
        assert!(page.body.contains("The form could not be read"));
        app.seed_user("layla.coordinator", Role::Coordinator, "OCHA");
        app.login("layla.coordinator").await;
        assert_eq!(app.get("/incidents?admin1=%00").await.status, 400);
        assert_eq!(app.get("/incidents?admin1=Rural+Damascus").await.status, 200);
    }

    async fn pages_render_in_the_base_layout_without_script(app: TestApp) {
        let page = app.get("/login").await;
        assert_eq!(page.status, 200);
        assert!(page.body.starts_with("<!DOCTYPE html>"));
        assert!(page.body.contains("<html lang=\"en\" dir=\"ltr\">"));
        assert!(page.body.contains("<main id=\"main\""));
        assert!(!page.body.contains("<script"));
        assert!(page.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    }
}

fn run_binary(envs: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"));
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run corridor")
}

#[test]
fn a_bad_setting_stops_start_up_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_string_lossy().into_owned();
    for (name, value) in [
        ("CORRIDOR_BIND", "not-an-address"),
        ("CORRIDOR_DATABASE_URL", "mysql://db/corridor"),
        ("CORRIDOR_SESSION_IDLE_MINUTES", "-5"),
        ("CORRIDOR_SECRET_KEY", "too-short"),
        ("CORRIDOR_PUBLIC_URL", "ftp://example.org"),
    ] {
        let out = run_binary(&[("CORRIDOR_DATA_DIR", &data), (name, value)], &["serve"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name}={value} should stop start-up"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.trim().lines().count(),
            1,
            "one line for {name}: {stderr}"
        );
        assert!(stderr.contains(name), "the line names {name}: {stderr}");
    }
}

#[test]
fn help_explains_every_command() {
    let out = run_binary(&[], &["--help"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "migrate", "user", "audit"] {
        assert!(text.contains(command), "--help mentions {command}: {text}");
    }
    assert!(text.contains("CORRIDOR_DATABASE_URL"));
    let out = run_binary(&[], &["user", "add", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--password-stdin"));
}

#[actix_web::test]
async fn first_start_creates_data_folder_and_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("fresh").join("corridor-data");
    let mut raw = raw_settings(&data_dir, "");
    raw.database_url = None; // the default: a SQLite file in the data folder
    let settings = raw.parse().expect("settings");
    let app = corridor::startup::Application::build(settings)
        .await
        .expect("starts");
    assert!(app
        .setup_link
        .as_deref()
        .is_some_and(|l| l.contains("/setup?token=")));
    app.spawn();
    assert!(data_dir.join("corridor.db").exists());
    let key_path = data_dir.join("secret.key");
    let key = std::fs::read_to_string(&key_path).unwrap();
    assert_eq!(key.len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the key is readable only by its owner");
    }
    // A second start reuses the same key.
    let again = raw_settings(&data_dir, "");
    let mut again = again;
    again.database_url = None;
    again.parse().expect("settings again");
    assert_eq!(std::fs::read_to_string(&key_path).unwrap(), key);
}

#[actix_web::test]
async fn serving_over_https_uses_host_prefixed_secure_cookies_and_hsts() {
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, |raw| {
        raw.public_url = Some("https://corridor.example.org".into());
    })
    .await;
    let page = app.get("/login").await;
    let cookie = page.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-corridor_visitor="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(page.headers["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
}
