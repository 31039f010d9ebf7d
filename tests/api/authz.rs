//! Who may do what: every route of the route table for every kind of visitor, the CSRF check
//! in front of every form, and the cookie attributes and security headers of every answer.

use corridor::domain::Role;
use corridor::permissions;
use corridor::web::routes::{Access, RouteSpec, ROUTES};

use crate::helpers::{client_from, Page, TestApp, PASSWORD, SESSION_COOKIE};

/// One column of the matrix: a visitor not signed in, or a person of one role. Each comes from
/// its own address, so the failed sign-ins the matrix makes (`POST /login` with no password)
/// never add up to a lock on the others.
struct Visitor {
    role: Option<Role>,
    username: &'static str,
    ip: [u8; 4],
    client: reqwest::Client,
    csrf: String,
}

impl Visitor {
    async fn new(app: &TestApp, role: Option<Role>, username: &'static str, ip: [u8; 4]) -> Self {
        let client = client_from(ip);
        let csrf = match role {
            None => app.get_with(&client, "/login").await.csrf(),
            Some(_) => {
                app.login_with(&client, username, PASSWORD).await;
                app.get_with(&client, "/account/password").await.csrf()
            }
        };
        Self {
            role,
            username,
            ip,
            client,
            csrf,
        }
    }

    fn label(&self) -> String {
        match self.role {
            None => "anonymous".into(),
            Some(r) => r.to_string(),
        }
    }
}

/// The real object that `{id}` names in the paths under each prefix, e.g.
/// `("/admin/users/", 3)`.
struct Objects(Vec<(&'static str, i64)>);

impl Objects {
    fn id_for(&self, path: &str) -> Option<i64> {
        self.0
            .iter()
            .filter(|(prefix, _)| path.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, id)| *id)
    }
}

/// `route.path` with every parameter replaced by a real object. A new kind of parameter, or
/// `{id}` under a new prefix, stops the test until it is taught what to use.
fn concrete_path(route: &RouteSpec, objects: &Objects) -> String {
    let segments: Vec<String> = route
        .path
        .split('/')
        .map(|segment| {
            let Some(param) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                return segment.to_string();
            };
            let name = param.split(':').next().unwrap_or_default();
            let known = match name {
                "file" => Some(
                    corridor::web::assets::css_url()
                        .trim_start_matches("/static/")
                        .to_string(),
                ),
                "id" => objects.id_for(route.path).map(|id| id.to_string()),
                _ => None,
            };
            known.unwrap_or_else(|| {
                panic!(
                    "the authorisation matrix does not know what {{{param}}} in {} names ({:?}): \
                     seed one and add it to the test's Objects",
                    route.path, objects.0
                )
            })
        })
        .collect();
    segments.join("/")
}

/// One account per role.
const PEOPLE: [(&str, Role); 4] = [
    ("rania.reporter", Role::Reporter),
    ("cora.coordinator", Role::Coordinator),
    ("aziz.auditor", Role::Auditor),
    ("adam.admin", Role::Admin),
];

/// The accounts of `PEOPLE`, and one object for each kind of `{id}` in the route table (new
/// kinds of object are seeded here).
fn seed_world(app: &TestApp) -> Objects {
    let org_id = app.seed_org("Mercy Relief");
    for (username, role) in PEOPLE {
        app.seed_user(username, role, "Mercy Relief");
    }
    let user_id = app.seed_user("tariq.target", Role::Reporter, "Mercy Relief");
    assert_eq!(
        app.count_where("audit_events", "id = 1"),
        1,
        "audit event 1"
    );
    let (incident, convoy, need) = seed_records(app);
    Objects(vec![
        ("/admin/users/", user_id),
        ("/admin/organizations/", org_id),
        ("/audit/", 1),
        ("/incidents/", incident),
        ("/convoys/", convoy),
        ("/needs/", need),
    ])
}

/// An incident, a convoy and a need of the people's organisation, written through the library
/// as their reporter would.
fn seed_records(app: &TestApp) -> (i64, i64, i64) {
    use corridor::audit::{self, Actor};
    use corridor::incidents::store::Author;
    use corridor::permissions::Viewer;
    let reporter = app.seed_user("rhea.recorder", Role::Reporter, "Mercy Relief");
    let org = app.seed_org("Mercy Relief");
    crate::incidents::seed_place(app, "Douma", "Duma", "Rural Damascus", "Duma");
    let today = chrono::Utc::now().date_naive();
    let author = Author {
        actor: Actor {
            user_id: Some(reporter),
            label: "rhea.recorder".into(),
            org_id: Some(org),
            client_addr: String::new(),
        },
        user_id: reporter,
        viewer: Viewer {
            role: Role::Reporter,
            organization_id: org,
        },
    };
    let db = app.db();
    let mut conn = db.conn().unwrap();
    let mut errors = corridor::domain::FieldErrors::new();
    let form: corridor::incidents::fields::IncidentForm = serde_html_form::from_str(
        &serde_urlencoded::to_string(crate::incidents::incident_form(&[])).unwrap(),
    )
    .unwrap();
    let fields = form.parse(today, &mut errors).expect("incident fields");
    let claim = form
        .claim()
        .parse(today, &mut errors)
        .expect("claim fields");
    let incident = audit::write(&mut conn, |conn| {
        corridor::incidents::store::create(conn, &author, &fields, &claim, today)
    })
    .unwrap()
    .expect("incident")
    .id;
    let convoy = corridor::convoys::fields::ConvoyFields {
        origin: "Douma".into(),
        destination: "Douma".into(),
        planned_departure: today,
        route: String::new(),
        trucks: 1,
        beneficiaries: None,
        notification_ref: String::new(),
        sensitivity: corridor::domain::vocab::Sensitivity::Restricted,
        notes: String::new(),
        participants: Vec::new(),
        lines: vec![corridor::convoys::fields::LineFields {
            item: "Trauma kits".into(),
            sector: corridor::domain::vocab::Sector::Health,
            quantity: 10,
            unit: "kits".into(),
            weight_kg: None,
        }],
    };
    let convoy = audit::write(&mut conn, |conn| {
        corridor::convoys::store::create(conn, &author, &convoy, today)
    })
    .unwrap()
    .expect("convoy");
    let need = corridor::needs::fields::NeedFields {
        facility_name: "Douma hospital".into(),
        facility_type: corridor::domain::vocab::FacilityType::Hospital,
        location: "Douma".into(),
        item: corridor::domain::vocab::NeedItem::Oxygen,
        item_detail: String::new(),
        quantity_needed: 10,
        unit: "cylinders".into(),
        urgency: corridor::domain::vocab::Urgency::High,
        needed_by: None,
        sensitivity: corridor::domain::vocab::Sensitivity::Restricted,
        notes: String::new(),
        cancelled: false,
    };
    let need = audit::write(&mut conn, |conn| {
        corridor::needs::store::create(conn, &author, &need, today)
    })
    .unwrap()
    .expect("need");
    (incident, convoy, need)
}

/// Sends `route` as `visitor` would from a page of ours (POSTs carry the visitor's own CSRF
/// token, so the access guard, not the CSRF check, gives the answer).
async fn send(app: &TestApp, route: &RouteSpec, path: &str, visitor: &Visitor) -> Page {
    match route.method {
        "GET" => app.get_with(&visitor.client, path).await,
        "POST" => {
            app.post_raw_with(&visitor.client, path, &[("csrf_token", &visitor.csrf)])
                .await
        }
        other => panic!("the authorisation matrix cannot send {other} {path}: teach it"),
    }
}

/// Checks one cell of the matrix.
fn check_cell(route: &RouteSpec, path: &str, visitor: &Visitor, page: &Page) {
    let what = format!(
        "{} {path} as {} → {} {:?}",
        route.method,
        visitor.label(),
        page.status,
        page.location
    );
    assert!(page.status < 500, "{what}: server error");
    match (route.access, visitor.role) {
        (Access::Public, _) => {
            assert_ne!(page.status, 403, "{what}: a public route refused");
            assert!(
                !page.is_login_refusal(),
                "{what}: a public route asked to sign in"
            );
        }
        (Access::Can(_), None) => {
            assert_eq!(page.status, 303, "{what}: should send to sign-in");
            let expected = if route.method == "GET" {
                corridor::web::login_url(path)
            } else {
                "/login".to_string()
            };
            assert_eq!(page.location.as_deref(), Some(expected.as_str()), "{what}");
        }
        (Access::Can(action), Some(role)) if permissions::allows(role, action) => {
            assert!(
                !page.is_login_refusal(),
                "{what}: signed in, yet sent to sign in"
            );
            assert!(
                ![403, 404, 405].contains(&page.status),
                "{what}: allowed ({action:?}) but refused"
            );
            if route.method == "GET" {
                assert_eq!(page.status, 200, "{what}");
            }
        }
        (Access::Can(action), Some(_)) => {
            assert_eq!(page.status, 403, "{what}: not allowed ({action:?})");
            assert!(page.body.contains("You cannot do this"), "{what}");
        }
    }
}

/// Checks every route of `ROUTES` for every visitor.
async fn run_matrix(app: &TestApp, objects: &Objects, visitors: &mut [Visitor]) {
    let mut cells = 0;
    for route in ROUTES {
        let path = concrete_path(route, objects);
        for visitor in visitors.iter_mut() {
            let page = send(app, route, &path, visitor).await;
            check_cell(route, &path, visitor, &page);
            cells += 1;
            if visitor.role.is_some() && page.set_cookie(SESSION_COOKIE).is_some() {
                // The request ended or replaced this person's session (signing out): sign in
                // again, so the next rows test the role and not a visitor.
                *visitor = Visitor::new(app, visitor.role, visitor.username, visitor.ip).await;
            }
        }
    }
    assert_eq!(cells, ROUTES.len() * visitors.len());
}

/// Form fields or request headers.
type Fields<'a> = Vec<(&'a str, &'a str)>;

/// `fields` with `csrf_token` first.
fn with_token<'a>(token: &'a str, fields: &[(&'a str, &'a str)]) -> Fields<'a> {
    let mut all = vec![("csrf_token", token)];
    all.extend_from_slice(fields);
    all
}

/// A session cookie's attributes, as written in its `Set-Cookie` line.
fn assert_cookie_is_locked_down(line: &str) {
    let attributes: Vec<String> = line
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    for wanted in ["httponly", "samesite=lax", "path=/"] {
        assert!(
            attributes.iter().any(|a| a == wanted),
            "{wanted} missing: {line}"
        );
    }
    assert!(
        !attributes.iter().any(|a| a.starts_with("domain=")),
        "no Domain, so the cookie stays on this host: {line}"
    );
}

/// The headers every answer must carry; `Cache-Control: no-store` on every page.
fn assert_secure_headers(what: &str, page: &Page) {
    let header = |name: &str| {
        page.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_string()
    };
    let csp = header("content-security-policy");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
    let directives: Vec<(String, String)> = csp
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let (name, value) = d.split_once(' ').unwrap_or((d, ""));
            (name.to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    let directive = |name: &str| {
        directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(directive("default-src"), Some("'none'"), "{what}: {csp}");
    for script in ["script-src", "script-src-elem", "script-src-attr"] {
        assert!(
            matches!(directive(script), None | Some("'none'")),
            "{what}: {script} allows script: {csp}"
        );
    }
    let framing_refused = directive("frame-ancestors") == Some("'none'")
        || page
            .headers
            .get("x-frame-options")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"deny"));
    assert!(framing_refused, "{what}: framing is not refused");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    let referrer = header("referrer-policy");
    assert!(
        [
            "no-referrer",
            "same-origin",
            "strict-origin",
            "strict-origin-when-cross-origin"
        ]
        .contains(&referrer.as_str()),
        "{what}: Referrer-Policy {referrer} leaks addresses"
    );
    let is_stylesheet = page
        .headers
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"text/css"));
    if !is_stylesheet {
        assert!(
            header("cache-control").contains("no-store"),
            "{what}: pages must not be cached"
        );
    }
}

both_backends! {
    async fn every_route_answers_every_role_as_the_permission_table_says(app: TestApp) {
        let objects = seed_world(&app);
        let mut visitors = vec![Visitor::new(&app, None, "", [127, 0, 0, 10]).await];
        for (n, (username, role)) in (11..).zip(PEOPLE) {
            visitors.push(Visitor::new(&app, Some(role), username, [127, 0, 0, n]).await);
        }
        // Every role of the application has its column.
        for role in Role::ALL {
            assert!(visitors.iter().any(|v| v.role == Some(role)), "{role} has no column");
        }
        run_matrix(&app, &objects, &mut visitors).await;
    }

    async fn posts_without_the_right_token_or_from_another_site_change_nothing(app: TestApp) {
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        app.login("adam.admin").await;
        let token = app.get("/admin/organizations/new").await.csrf();
        let other_session = app.signed_in("adam.admin").await;
        let other_token = app.get_with(&other_session, "/admin/organizations/new").await.csrf();
        assert_ne!(token, other_token, "each session has its own token");
        let fields = [("name", "Forged Relief"), ("acronym", "FR"), ("org_type", "national_ngo")];
        let with = |t| with_token(t, &fields);
        let orgs = app.count("organizations");
        let events = app.count("audit_events");

        let attempts: Vec<(&str, Fields, Fields)> = vec![
            ("no token", fields.to_vec(), vec![]),
            ("empty token", with(""), vec![]),
            ("made-up token", with("00000000000000000000000000000000000000000000000000000000deadbeef"), vec![]),
            ("another session's token", with(&other_token), vec![]),
            ("Sec-Fetch-Site: cross-site", with(&token), vec![("Sec-Fetch-Site", "cross-site")]),
            ("foreign Origin", with(&token), vec![("Origin", "https://evil.example.org")]),
            ("Origin null", with(&token), vec![("Origin", "null")]),
            ("same host, other port", with(&token), vec![("Origin", "http://127.0.0.1:1")]),
        ];
        for (what, form, headers) in attempts {
            let page = app.post_raw_with_headers(&app.client, "/admin/organizations", &form, &headers).await;
            assert_eq!(page.status, 403, "{what}");
            assert!(page.body.contains("did not come from Corridor, so nothing was saved"), "{what}: {}", page.body);
            assert_eq!(app.count("organizations"), orgs, "{what}: an organisation was written");
            assert_eq!(app.count("audit_events"), events, "{what}: an audit event was written");
        }

        // The very same form from our own page is accepted: the refusals above were the check.
        let own_origin = app.address.clone();
        let page = app.post_raw_with_headers(&app.client, "/admin/organizations", &with(&token),
            &[("Origin", own_origin.as_str()), ("Sec-Fetch-Site", "same-origin")]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location.as_deref(), Some("/admin/organizations"));
        assert_eq!(app.count("organizations"), orgs + 1);
        assert_eq!(app.count_where("organizations", "name = 'Forged Relief'"), 1);
        assert_eq!(app.count("audit_events"), events + 1);
    }

    async fn sign_in_form_needs_the_visitors_own_token(app: TestApp) {
        app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        let stranger = crate::helpers::client();
        let strangers_token = app.get_with(&stranger, "/login").await.csrf();
        app.get("/login").await;
        let events = app.count("audit_events");
        let no_token = app.post_raw_with(&app.client, "/login",
            &[("username", "rania.reporter"), ("password", PASSWORD)]).await;
        assert_eq!(no_token.status, 403);
        let foreign = app.post_raw_with(&app.client, "/login",
            &[("csrf_token", &strangers_token), ("username", "rania.reporter"), ("password", PASSWORD)]).await;
        assert_eq!(foreign.status, 403, "a token belongs to one visitor's cookie");
        assert!(foreign.set_cookie(SESSION_COOKIE).is_none());
        assert_eq!(app.count("sessions"), 0);
        assert_eq!(app.count("audit_events"), events, "a refused form records nothing");
        // With its own token the same sign-in works.
        let page = app.login("rania.reporter").await;
        assert_eq!(page.location.as_deref(), Some("/"));
        assert_eq!(app.count("sessions"), 1);
    }

    async fn cookies_are_http_only_same_site_and_host_wide(app: TestApp) {
        app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        let login_page = app.get("/login").await;
        let visitor = login_page.set_cookie("corridor_visitor").expect("visitor cookie");
        assert_cookie_is_locked_down(&visitor);
        let signed_in = app.login("rania.reporter").await;
        let session = signed_in.set_cookie(SESSION_COOKIE).expect("session cookie");
        assert_cookie_is_locked_down(&session);
        assert_eq!(signed_in.session_token().len(), 64, "a 256-bit token in hex");
        assert!(!session.to_ascii_lowercase().contains("expires="), "a browser-session cookie: {session}");
        // Signing out tells the browser to forget it.
        let home = app.get("/").await;
        let out = app.post_raw_with(&app.client, "/logout", &[("csrf_token", &home.csrf())]).await;
        assert_eq!(out.status, 303);
        let removal = out.set_cookie(SESSION_COOKIE).expect("removal cookie");
        assert!(removal.starts_with(&format!("{SESSION_COOKIE}=;")), "{removal}");
        assert!(removal.contains("Max-Age=0"), "{removal}");
        assert_cookie_is_locked_down(&removal);
    }

    async fn every_answer_carries_the_security_headers(app: TestApp) {
        let objects = seed_world(&app);
        let mut people = vec![("anonymous".to_string(), crate::helpers::client())];
        for (username, role) in PEOPLE {
            people.push((role.to_string(), app.signed_in(username).await));
        }
        let mut pages = 0;
        for route in ROUTES.iter().filter(|r| r.method == "GET") {
            let path = concrete_path(route, &objects);
            for (who, client) in &people {
                let page = app.get_with(client, &path).await;
                assert_secure_headers(&format!("GET {path} as {who} ({})", page.status), &page);
                pages += 1;
            }
        }
        assert!(pages >= people.len() * 10);
        // Error pages, forms sent back with errors and redirects too.
        let (_, reporter) = &people[1];
        assert_eq!(people[1].0, "reporter");
        let not_found = app.get_with(reporter, "/no/such/page").await;
        assert_eq!(not_found.status, 404);
        assert_secure_headers("404", &not_found);
        let refused = app.get_with(reporter, "/admin/users").await;
        assert_eq!(refused.status, 403);
        assert_secure_headers("403", &refused);
        let failed = app.try_login_with(&app.client, "rania.reporter", "not-the-password-at-all").await;
        assert_eq!(failed.status, 422);
        assert_secure_headers("422 sign-in", &failed);
        let signed_in = app.login_with(&app.client, "rania.reporter", PASSWORD).await;
        assert_secure_headers("303 after sign-in", &signed_in);
        let css = app.get(corridor::web::assets::css_url()).await;
        assert_eq!(css.status, 200);
        assert_secure_headers("stylesheet", &css);
    }
}
