//! Hostile input: generated values (empty, very long, right-to-left and combining text, control
//! characters, SQL and HTML fragments, numbers and dates out of range, repeated and missing
//! fields, bodies that are not UTF-8) posted to every form. The answer is a redirect or a 4xx
//! page, never a 5xx, and the database never holds half a write. Then: text that looks like
//! HTML is escaped on every page that shows it and comes back verbatim in the data exports.

use std::sync::atomic::{AtomicU64, Ordering};

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use crate::helpers::{client, postgres_url, spawn_app, Backend, Page, TestApp, PASSWORD};
use crate::incidents::{create_incident, incident_form, post, seed_place, signed_in};
use corridor::db::Db;
use corridor::domain::Role;

/// Generated cases per form and backend.
const CASES: u32 = 40;

// ---------------------------------------------------------------------------------------------
// Generated values
// ---------------------------------------------------------------------------------------------

/// Fragments a hostile (or careless) client might type, plus a few valid codes so that some
/// generated forms pass and the success path is exercised too.
const FRAGMENTS: &[&str] = &[
    "",
    " ",
    "'; DROP TABLE incidents; --",
    "' OR '1'='1",
    "\"; DELETE FROM claims; --",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "-1",
    "0",
    "1e40",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "NaN",
    "1,5",
    "0000-00-00",
    "9999-12-31",
    "2018-02-30",
    "1900-01-01",
    "+275760-09-13",
    "24:00",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\r\n",
    "مستشفى دوما الجراحي",
    "בית חולים",
    "\u{202e}gnp.exe\u{202c}",
    "e\u{301}\u{302}\u{303}\u{304}",
    "Z\u{337}\u{322}a\u{335}l\u{336}g\u{338}o",
    "%FF%FE",
    "../../etc/passwd",
    "Douma",
    "A",
    "1",
    "6",
    "day",
    "public",
    "confidential",
    "submitted",
    "draft",
    "confirmed",
    "disputed",
    "hospital",
    "critical",
    "trauma_kits",
    "health",
    "national_ngo",
    "state_forces",
    "2018-02-26",
];

/// Units repeated to make very long values.
const LONG_UNITS: &[&str] = &["x", "ش", "א", "é\u{301}", "<", " ", "\u{0}", "9"];

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => select(FRAGMENTS).prop_map(String::from),
        2 => prop::collection::vec(select(FRAGMENTS), 1..4).prop_map(|v| v.concat()),
        2 => "\\PC{0,30}",
        1 => "[\\x00-\\x1f\\x7f]{1,8}",
        1 => (0usize..20_000, select(LONG_UNITS)).prop_map(|(n, unit)| {
            unit.repeat(n / unit.chars().count())
        }),
    ]
}

/// One value of a field as it goes on the wire.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    /// `%FF%FE`: percent-encoded bytes that are not UTF-8.
    PercentBadUtf8,
    /// The raw bytes 0xFF 0xFE, not encoded at all.
    RawBadUtf8,
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        14 => hostile_text().prop_map(Value::Text),
        1 => Just(Value::PercentBadUtf8),
        1 => Just(Value::RawBadUtf8),
    ]
}

/// A change to a valid form.
#[derive(Debug, Clone)]
enum Edit {
    /// The field is left out.
    Missing(&'static str),
    /// The field is sent with these values (more than one: a repeated field).
    Set(&'static str, Vec<Value>),
}

fn edits(fields: &'static [&'static str]) -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        1 => select(fields).prop_map(Edit::Missing),
        6 => (select(fields), prop::collection::vec(value(), 1..2))
            .prop_map(|(f, v)| Edit::Set(f, v)),
        1 => (select(fields), prop::collection::vec(value(), 2..4))
            .prop_map(|(f, v)| Edit::Set(f, v)),
    ];
    prop::collection::vec(edit, 0..5)
}

// ---------------------------------------------------------------------------------------------
// The forms
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Incident,
    Claim,
    Convoy,
    Need,
    Verification,
    Retraction,
    Organization,
    SignIn,
}

const INCIDENT_FIELDS: &[&str] = &[
    "title",
    "narrative",
    "category",
    "occurred_on",
    "time_precision",
    "occurred_time",
    "reported_on",
    "location",
    "location_precision",
    "perpetrator_type",
    "perpetrator_name",
    "civilians_killed",
    "people_affected",
    "sensitivity",
    "status",
    "claim_source_type",
    "claim_source_name",
    "claim_reliability",
    "claim_credibility",
    "claim_date",
    "claim_statement",
    "attack_types",
    "new_place_name",
    "new_place_alt_names",
    "new_place_lat",
    "new_place_lon",
    "version",
    "unexpected_field",
];

const CLAIM_FIELDS: &[&str] = &[
    "claim_source_type",
    "claim_source_name",
    "claim_reliability",
    "claim_credibility",
    "claim_date",
    "claim_statement",
    "unexpected_field",
];

const CONVOY_FIELDS: &[&str] = &[
    "origin",
    "destination",
    "planned_departure",
    "route",
    "trucks",
    "beneficiaries",
    "notification_ref",
    "sensitivity",
    "notes",
    "line_item",
    "line_sector",
    "line_quantity",
    "line_unit",
    "line_weight",
    "line_remove",
    "action",
    "status",
    "version",
];

const NEED_FIELDS: &[&str] = &[
    "facility_name",
    "facility_type",
    "location",
    "item",
    "item_detail",
    "quantity_needed",
    "unit",
    "urgency",
    "needed_by",
    "sensitivity",
    "notes",
    "cancelled",
    "version",
];

const VERIFICATION_FIELDS: &[&str] = &["verification", "reason", "unexpected_field"];
const RETRACTION_FIELDS: &[&str] = &["reason", "unexpected_field"];
const ORGANIZATION_FIELDS: &[&str] = &["name", "acronym", "org_type", "unexpected_field"];
const SIGN_IN_FIELDS: &[&str] = &["username", "password", "next"];

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn convoy_base() -> Vec<(String, String)> {
    pairs(&[
        ("origin", "Damascus"),
        ("destination", "Douma"),
        ("planned_departure", "2018-02-26"),
        ("route", "Via Al-Wafideen"),
        ("trucks", "9"),
        ("beneficiaries", "70000"),
        ("notification_ref", "HN-1"),
        ("sensitivity", "restricted"),
        ("notes", ""),
        ("line_item", "Trauma kits"),
        ("line_sector", "health"),
        ("line_quantity", "40"),
        ("line_unit", "kits"),
        ("line_weight", "800"),
        ("line_item", "Food parcels"),
        ("line_sector", "food"),
        ("line_quantity", "5000"),
        ("line_unit", "parcels"),
        ("line_weight", ""),
        ("action", "save"),
    ])
}

fn need_base() -> Vec<(String, String)> {
    pairs(&[
        ("facility_name", "Douma surgical hospital"),
        ("facility_type", "hospital"),
        ("location", "Douma"),
        ("item", "trauma_kits"),
        ("item_detail", ""),
        ("quantity_needed", "60"),
        ("unit", "kits"),
        ("urgency", "critical"),
        ("needed_by", "2018-02-27"),
        ("sensitivity", "restricted"),
        ("notes", ""),
    ])
}

impl Form {
    fn fields(self) -> &'static [&'static str] {
        match self {
            Form::Incident => INCIDENT_FIELDS,
            Form::Claim => CLAIM_FIELDS,
            Form::Convoy => CONVOY_FIELDS,
            Form::Need => NEED_FIELDS,
            Form::Verification => VERIFICATION_FIELDS,
            Form::Retraction => RETRACTION_FIELDS,
            Form::Organization => ORGANIZATION_FIELDS,
            Form::SignIn => SIGN_IN_FIELDS,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the database holds
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::QueryableByName)]
struct Counts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    incidents: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    claims: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    revisions: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    audit_events: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    convoys: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    cargo_lines: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    needs: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    organizations: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    sessions: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    locations: i64,
}

fn counts(db: &Db) -> Counts {
    use diesel::RunQueryDsl;
    let tables = [
        "incidents",
        "claims",
        "revisions",
        "audit_events",
        "convoys",
        "cargo_lines",
        "needs",
        "organizations",
        "sessions",
        "locations",
    ];
    let select: Vec<String> = tables
        .iter()
        .map(|t| format!("(SELECT COUNT(*) FROM {t}) AS {t}"))
        .collect();
    let mut conn = db.conn().expect("conn");
    diesel::sql_query(format!("SELECT {}", select.join(", ")))
        .get_result::<Counts>(&mut *conn)
        .expect("counts")
}

/// A single number from the database (`sql` selects one BIGINT column named `n`).
fn scalar(app: &TestApp, sql: &str) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    diesel::sql_query(sql)
        .get_result::<N>(&mut *conn)
        .expect("scalar")
        .n
}

/// Does the change from `before` to `after` fit the answer `status` to `form`?
fn check(
    form: Form,
    status: u16,
    location: Option<&str>,
    before: Counts,
    after: Counts,
) -> Result<(), String> {
    let d = |f: fn(&Counts) -> i64| f(&after) - f(&before);
    let (inc, cla, rev, aud) = (
        d(|c| c.incidents),
        d(|c| c.claims),
        d(|c| c.revisions),
        d(|c| c.audit_events),
    );
    let (cvy, lines, needs, orgs, sess, locs) = (
        d(|c| c.convoys),
        d(|c| c.cargo_lines),
        d(|c| c.needs),
        d(|c| c.organizations),
        d(|c| c.sessions),
        d(|c| c.locations),
    );
    let refused = || -> Result<(), String> {
        let writes = [inc, cla, rev, cvy, lines, needs, orgs, sess, locs];
        // A refused sign-in is itself audited (auth.login_failed); nothing else may be.
        let audit_ok = if form == Form::SignIn {
            aud == 0 || (aud == 1 && status == 422)
        } else {
            aud == 0
        };
        if writes.iter().all(|n| *n == 0) && audit_ok {
            Ok(())
        } else {
            Err(format!(
                "answer {status} refused the form, but the database changed: {before:?} -> {after:?}"
            ))
        }
    };
    let ok = match status {
        s if s >= 500 => return Err(format!("server error {s}")),
        400 | 403 | 409 | 413 | 422 => return refused(),
        // "Add more rows" on the convoy form re-renders it, saving nothing.
        200 if form == Form::Convoy => return refused(),
        303 => match form {
            Form::Incident => {
                inc == 1
                    && cla == 1
                    && rev >= 1
                    && aud >= 1
                    && [cvy, lines, needs, orgs, sess].iter().all(|n| *n == 0)
                    && (0..=1).contains(&locs)
            }
            Form::Claim => {
                inc == 0
                    && cla == 1
                    && rev >= 1
                    && aud >= 1
                    && [cvy, lines, needs, orgs, sess, locs]
                        .iter()
                        .all(|n| *n == 0)
            }
            // Setting what is already set may change nothing; otherwise revision and audit together.
            Form::Verification | Form::Retraction => {
                inc == 0
                    && cla == 0
                    && ((rev == 0 && aud == 0) || (rev >= 1 && aud >= 1))
                    && [cvy, lines, needs, orgs, sess, locs]
                        .iter()
                        .all(|n| *n == 0)
            }
            Form::Convoy => {
                cvy == 1
                    && lines >= 1
                    && rev >= 1
                    && aud >= 1
                    && inc == 0
                    && cla == 0
                    && [needs, orgs, sess].iter().all(|n| *n == 0)
            }
            Form::Need => {
                needs == 1
                    && rev >= 1
                    && aud >= 1
                    && [inc, cla, cvy, lines, orgs, sess].iter().all(|n| *n == 0)
            }
            Form::Organization => {
                orgs == 1
                    && aud >= 1
                    && [inc, cla, cvy, lines, needs, sess, locs]
                        .iter()
                        .all(|n| *n == 0)
            }
            Form::SignIn => {
                let local = location.is_some_and(|l| {
                    l.starts_with('/') && !l.starts_with("//") && !l.contains('\\')
                });
                if !local {
                    return Err(format!("sign-in redirects off the site: {location:?}"));
                }
                sess == 1
                    && aud == 1
                    && [inc, cla, rev, cvy, lines, needs, orgs, locs]
                        .iter()
                        .all(|n| *n == 0)
            }
        },
        other => return Err(format!("unexpected answer {other}")),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "answer 303, but the writes do not add up: {before:?} -> {after:?}"
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Driving the app
// ---------------------------------------------------------------------------------------------

/// The app running on its own actix system in a background thread, so that the property (a
/// plain synchronous closure) can `block_on` HTTP requests from the test thread.
struct Served {
    app: Option<TestApp>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    fn start(backend: Backend) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let app = spawn_app(backend).await;
                tx.send(app).expect("hand over the app");
                let _ = stopped.await;
            });
        });
        let app = rx.recv().expect("the app starts");
        Served {
            app: Some(app),
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn app(&self) -> &TestApp {
        self.app.as_ref().expect("app")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // Now the database (a PostgreSQL one is dropped with the app).
        self.app.take();
    }
}

/// Everything the cases share: signed-in clients and an incident to act on.
struct Ctx<'a> {
    app: &'a TestApp,
    db: Db,
    coordinator: reqwest::Client,
    admin: reqwest::Client,
    target: i64,
    serial: AtomicU64,
}

async fn context(app: &TestApp) -> Ctx<'_> {
    seed_place(app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
    seed_place(app, "Damascus", "Dimashq", "Damascus", "Damascus");
    let coordinator = signed_in(app, "layla.coordinator", Role::Coordinator, "OCHA").await;
    let admin = signed_in(app, "amal.admin", Role::Admin, "OCHA").await;
    app.seed_user("omar.reporter", Role::Reporter, "WHO");
    let target = create_incident(app, &coordinator, &[]).await;
    Ctx {
        app,
        db: app.db(),
        coordinator,
        admin,
        target,
        serial: AtomicU64::new(0),
    }
}

/// The body of a valid form with `edits` applied, with the CSRF token first.
fn body(token: &str, base: Vec<(String, String)>, edits: &[Edit]) -> Vec<u8> {
    let mut fields: Vec<(String, Value)> =
        base.into_iter().map(|(k, v)| (k, Value::Text(v))).collect();
    for edit in edits {
        match edit {
            Edit::Missing(name) => fields.retain(|(k, _)| k != name),
            Edit::Set(name, values) => {
                fields.retain(|(k, _)| k != name);
                fields.extend(values.iter().map(|v| (name.to_string(), v.clone())));
            }
        }
    }
    let mut out = format!("csrf_token={}", corridor::web::urlencode(token)).into_bytes();
    for (k, v) in fields {
        out.push(b'&');
        out.extend_from_slice(corridor::web::urlencode(&k).as_bytes());
        out.push(b'=');
        match v {
            Value::Text(t) => out.extend_from_slice(corridor::web::urlencode(&t).as_bytes()),
            Value::PercentBadUtf8 => out.extend_from_slice(b"%FF%FE"),
            Value::RawBadUtf8 => out.extend_from_slice(&[0xFF, 0xFE, b'x']),
        }
    }
    out
}

async fn send(app: &TestApp, c: &reqwest::Client, path: &str, body: Vec<u8>) -> Page {
    let res = c
        .post(app.url(path))
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .expect("POST");
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

/// Posts one generated case to `form` and checks the answer and the database.
async fn run_case(ctx: &Ctx<'_>, form: Form, edits: &[Edit]) -> Result<(), String> {
    let app = ctx.app;
    let n = ctx.serial.fetch_add(1, Ordering::Relaxed);
    let show = format!("/incidents/{}", ctx.target);
    let anonymous = client();
    let (c, page, path, base) = match form {
        Form::Incident => (
            &ctx.coordinator,
            "/incidents/new".to_string(),
            "/incidents".to_string(),
            incident_form(&[]),
        ),
        Form::Claim => (
            &ctx.coordinator,
            show.clone(),
            format!("{show}/claims"),
            pairs(&[
                ("claim_source_type", "authorities"),
                ("claim_source_name", "Ministry"),
                ("claim_reliability", "F"),
                ("claim_credibility", "6"),
                ("claim_date", "2018-02-27"),
                ("claim_statement", "The government denies it."),
            ]),
        ),
        Form::Convoy => (
            &ctx.coordinator,
            "/convoys/new".to_string(),
            "/convoys".to_string(),
            convoy_base(),
        ),
        Form::Need => (
            &ctx.coordinator,
            "/needs/new".to_string(),
            "/needs".to_string(),
            need_base(),
        ),
        Form::Verification => {
            let to = if n % 2 == 0 { "disputed" } else { "confirmed" };
            (
                &ctx.coordinator,
                show.clone(),
                format!("{show}/verification"),
                pairs(&[("verification", to), ("reason", "Two sources agree.")]),
            )
        }
        Form::Retraction => {
            // A fresh incident each time, so that retraction can succeed.
            let id = create_incident(app, &ctx.coordinator, &[]).await;
            (
                &ctx.coordinator,
                format!("/incidents/{id}"),
                format!("/incidents/{id}/retraction"),
                pairs(&[("reason", "Duplicate of another record.")]),
            )
        }
        Form::Organization => (
            &ctx.admin,
            "/admin/organizations/new".to_string(),
            "/admin/organizations".to_string(),
            pairs(&[
                ("name", &format!("Sahel Health Alliance {n}")),
                ("acronym", "SHA"),
                ("org_type", "national_ngo"),
            ]),
        ),
        Form::SignIn => (
            &anonymous,
            "/login".to_string(),
            "/login".to_string(),
            pairs(&[("username", "omar.reporter"), ("password", PASSWORD)]),
        ),
    };
    let form_page = app.get_with(c, &page).await;
    if form_page.status != 200 {
        return Err(format!("form page {page} answered {}", form_page.status));
    }
    let before = counts(&ctx.db);
    let answer = send(app, c, &path, body(&form_page.csrf(), base, edits)).await;
    let after = counts(&ctx.db);
    check(
        form,
        answer.status,
        answer.location.as_deref(),
        before,
        after,
    )
    .map_err(|e| {
        let excerpt: String = answer.body.chars().take(600).collect();
        format!("POST {path}: {e}\n--- answer body ---\n{excerpt}")
    })
}

/// Runs `CASES` generated cases against one app on `backend`; shrinks and panics on failure.
fn property(backend: Backend, form: Form) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let served = Served::start(backend);
    let ctx = rt.block_on(context(served.app()));
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    });
    let result = runner.run(&edits(form.fields()), |case| {
        rt.block_on(run_case(&ctx, form, &case))
            .map_err(TestCaseError::fail)
    });
    drop(ctx);
    drop(served);
    if let Err(e) = result {
        panic!("{form:?} form on {backend:?}: {e}");
    }
}

macro_rules! hostile_forms {
    ($($name:ident => $form:expr,)*) => {
        $(
            mod $name {
                use super::*;

                #[test]
                fn sqlite() {
                    property(Backend::Sqlite, $form);
                }

                #[test]
                fn postgres() {
                    if postgres_url().is_none() {
                        assert!(std::env::var("CI").is_err(), "CI must set CORRIDOR_TEST_POSTGRES_URL");
                        eprintln!("CORRIDOR_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
                        return;
                    }
                    property(Backend::Postgres, $form);
                }
            }
        )*
    };
}

hostile_forms! {
    incident_form_never_fails_or_half_writes => Form::Incident,
    claim_form_never_fails_or_half_writes => Form::Claim,
    convoy_form_never_fails_or_half_writes => Form::Convoy,
    need_form_never_fails_or_half_writes => Form::Need,
    verification_form_never_fails_or_half_writes => Form::Verification,
    retraction_form_never_fails_or_half_writes => Form::Retraction,
    organization_form_never_fails_or_half_writes => Form::Organization,
    sign_in_form_never_fails_or_half_writes => Form::SignIn,
}

// ---------------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------------

const SCRIPT: &str = "<script>alert(\"x\")</script>";
const BREAKOUT: &str = "\"><b>bold</b>";

fn assert_escaped(page: &Page, what: &str) {
    assert_eq!(page.status, 200, "{what}: {}", page.body);
    assert!(
        !page.body.contains("<script>alert"),
        "{what}: raw <script> on the page"
    );
    assert!(
        !page.body.contains("<b>bold</b>"),
        "{what}: raw <b> on the page"
    );
    // askama writes `<` and `>` as named or numeric character references, depending on version.
    let escaped =
        |named: &str, numeric: &str| page.body.contains(named) || page.body.contains(numeric);
    assert!(
        escaped("&lt;script&gt;", "&#60;script&#62;"),
        "{what}: escaped <script> not shown"
    );
    assert!(
        escaped("&lt;b&gt;bold&lt;/b&gt;", "&#60;b&#62;bold&#60;/b&#62;"),
        "{what}: escaped <b> not shown"
    );
}

/// Every string anywhere in a JSON document.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

both_backends! {
    async fn html_in_every_text_field_is_escaped_on_pages_and_verbatim_in_exports(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        seed_place(&app, "Damascus", "", "Damascus", "Damascus");
        let text = format!("Hostile {SCRIPT} {BREAKOUT}");
        let t = text.as_str();
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let admin = signed_in(&app, "amal.admin", Role::Admin, "OCHA").await;
        let auditor = signed_in(&app, "hana.auditor", Role::Auditor, "OCHA").await;

        let id = create_incident(&app, &coordinator, &[
            ("title", t), ("narrative", t), ("perpetrator_name", t),
            ("claim_statement", t), ("claim_source_name", t),
        ]).await;
        let mut convoy = convoy_base();
        for (k, v) in convoy.iter_mut() {
            if k == "route" || k == "notes" || k == "line_item" {
                *v = text.clone();
            }
        }
        let made = post(&app, &coordinator, "/convoys/new", "/convoys", &convoy).await;
        assert_eq!(made.status, 303, "convoy: {}", made.body);
        let convoy_path = made.location.unwrap().split(['?', '#']).next().unwrap().to_string();
        let mut need = need_base();
        for (k, v) in need.iter_mut() {
            if k == "facility_name" || k == "notes" {
                *v = text.clone();
            }
        }
        let made = post(&app, &coordinator, "/needs/new", "/needs", &need).await;
        assert_eq!(made.status, 303, "need: {}", made.body);
        let need_path = made.location.unwrap().split(['?', '#']).next().unwrap().to_string();
        let org = app.post_form_with(&admin, "/admin/organizations/new", "/admin/organizations", &[
            ("name", t), ("acronym", "HX"), ("org_type", "national_ngo"),
        ]).await;
        assert_eq!(org.status, 303, "organisation: {}", org.body);

        for path in [
            format!("/incidents/{id}"),
            "/incidents".to_string(),
            format!("/incidents/{id}/history"),
            "/".to_string(),
            convoy_path.clone(),
            need_path.clone(),
            "/reports/situation?from=2018-01-01&to=2018-12-31".to_string(),
        ] {
            assert_escaped(&app.get_with(&coordinator, &path).await, &path);
        }
        assert_escaped(&app.get_with(&admin, "/admin/organizations").await, "/admin/organizations");
        // The organisation's audit event records its name; an incident's records only codes
        // and its reference, so there the text must simply never appear raw.
        for (action, shows_text) in [("organization.create", true), ("incident.create", false)] {
            let event = scalar(&app, &format!(
                "SELECT MAX(id) AS n FROM audit_events WHERE action = '{action}'"
            ));
            let path = format!("/audit/{event}");
            let page = app.get_with(&auditor, &path).await;
            if shows_text {
                assert_escaped(&page, &format!("{path} ({action})"));
            } else {
                assert_eq!(page.status, 200);
                assert!(!page.body.contains("<script>alert") && !page.body.contains("<b>bold</b>"), "{path}");
            }
        }

        // Data files carry the text as it was typed.
        let csv = app.get_with(&coordinator, "/exports/incidents.csv").await;
        assert_eq!(csv.status, 200);
        assert!(!csv.body.contains("&lt;") && !csv.body.contains("&#60;"), "CSV is not HTML-escaped");
        let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
        let cells: Vec<String> = reader
            .records()
            .flat_map(|r| r.expect("CSV row").iter().map(str::to_string).collect::<Vec<_>>())
            .collect();
        assert!(cells.iter().any(|c| c == t), "CSV holds the title verbatim: {}", csv.body);
        let json = app.get_with(&coordinator, "/exports/incidents.json").await;
        assert_eq!(json.status, 200);
        assert!(!json.body.contains("&lt;") && !json.body.contains("&#60;"), "JSON is not HTML-escaped");
        let doc: serde_json::Value = serde_json::from_str(&json.body).expect("JSON export parses");
        let mut all = Vec::new();
        strings(&doc, &mut all);
        let verbatim = all.iter().filter(|s| s.as_str() == t).count();
        assert!(verbatim >= 2, "JSON holds the text verbatim (title, narrative, …): {}", json.body);
    }
}
