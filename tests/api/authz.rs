//! Who may do what: every route of the route table for every kind of visitor, the CSRF check
//! in front of every form, and the cookie attributes and security headers of every answer.

use corridor::domain::Role;
use corridor::permissions::Action;
use corridor::web::routes::{Access, RouteSpec, ROUTES};

use crate::helpers::{client_from, Page, TestApp, PASSWORD, SESSION_COOKIE};
use crate::incidents::{create_incident, signed_in};

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

// ---------------------------------------------------------------------------------------------
// The expected answers, written from the README (never read from `corridor::permissions`)

/// The README's "Roles and permissions" table, written out by hand: for each action, may a
/// reporter, a coordinator, an auditor, an admin do it? A wrong row of the permission table in
/// the code then fails the matrix instead of being copied into its expectations.
const README_ROLES: &[(Action, [bool; 4])] = &[
    // use the application, change own password
    (Action::UseAccount, [true, true, true, true]),
    // read incidents, convoys, needs and their history
    (Action::ReadIncidents, [true, true, true, false]),
    (Action::ReadConvoys, [true, true, true, false]),
    (Action::ReadNeeds, [true, true, true, false]),
    // record and edit incidents, convoys, needs; add claims to an incident
    (Action::RecordIncidents, [true, true, false, false]),
    (Action::RecordConvoys, [true, true, false, false]),
    (Action::RecordNeeds, [true, true, false, false]),
    // verify incidents
    (Action::VerifyIncidents, [false, true, false, false]),
    // retract incidents
    (Action::RetractIncidents, [true, true, false, false]),
    // merge a duplicate incident into the record kept
    (Action::MergeIncidents, [false, true, false, false]),
    // situation reports, exports
    (Action::RunReports, [false, true, true, false]),
    (Action::ExportRecords, [false, true, true, false]),
    // write a situation report's summary paragraph
    (Action::SummarizeReports, [false, true, false, false]),
    // manage users and organisations
    (Action::ManageUsers, [false, false, false, true]),
    (Action::ManageOrganizations, [false, false, false, true]),
    // read the audit trail
    (Action::ReadAuditTrail, [false, false, true, false]),
    // purge an evidence file's bytes (legal or safety reason; the hash stays)
    (Action::PurgeEvidence, [false, false, false, true]),
    // read the gazetteer (places)
    (Action::ReadPlaces, [true, true, true, true]),
    // correct places and merge duplicate places
    (Action::ManagePlaces, [false, true, false, true]),
];

/// The README's table for one cell. A route naming an action the README does not list stops
/// the test until the README (and this table) say who may do it.
fn readme_allows(role: Role, action: Action) -> bool {
    let column = match role {
        Role::Reporter => 0,
        Role::Coordinator => 1,
        Role::Auditor => 2,
        Role::Admin => 3,
    };
    README_ROLES
        .iter()
        .find(|(a, _)| *a == action)
        .unwrap_or_else(|| panic!("{action:?} is not in the README's roles table"))
        .1[column]
}

/// The answer a visitor should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Answer {
    /// A public route: answered for anyone (a signed-in person may be sent on from the
    /// sign-in page).
    Public,
    /// Served (a page, or the form's own answer: saved, or sent back with its errors).
    Served,
    /// Sent to the sign-in page.
    SignIn,
    /// 403 "You cannot do this".
    Refused,
    /// 404: the record is not there for this visitor.
    Hidden,
}

/// A record the matrix acts on, and what the README's rules need to know of it.
#[derive(Debug, Clone, Copy)]
struct Record {
    id: i64,
    /// Of the visitors' organisation (else of another one).
    own_org: bool,
    sensitivity: &'static str,
    draft: bool,
}

/// The README's "Sensitivity" paragraph and the "(own organisation)" notes of its roles table,
/// for a visitor the route itself lets through.
fn readme_record_rule(role: Role, action: Action, record: &Record) -> Answer {
    // "`public` and `restricted` records are visible to every signed-in user of the
    // participating organisations; `confidential` ones (and drafts) only to the reporting
    // organisation, coordinators and auditors."
    let sees = match role {
        Role::Coordinator | Role::Auditor => true,
        Role::Reporter => record.own_org || (!record.draft && record.sensitivity != "confidential"),
        Role::Admin => false,
    };
    if !sees {
        return Answer::Hidden;
    }
    // Reporters record, edit and retract for their own organisation only.
    let own_organisation_only = matches!(
        action,
        Action::RecordIncidents
            | Action::RecordConvoys
            | Action::RecordNeeds
            | Action::RetractIncidents
    );
    if role == Role::Reporter && own_organisation_only && !record.own_org {
        return Answer::Refused;
    }
    // "A draft is verified only once it is submitted."
    if action == Action::VerifyIncidents && record.draft {
        return Answer::Refused;
    }
    Answer::Served
}

/// What `visitor` should get from `route` on `record` (the record `{id}` names, if any).
fn expected(route: &RouteSpec, role: Option<Role>, record: Option<&Record>) -> Answer {
    let Access::Can(action) = route.access else {
        return Answer::Public;
    };
    let Some(role) = role else {
        return Answer::SignIn;
    };
    if !readme_allows(role, action) {
        return Answer::Refused;
    }
    // "Another person's search or subscription is not found": the ones seeded are another
    // person's.
    if route.path.starts_with("/searches/{") || route.path.starts_with("/subscriptions/{") {
        return Answer::Hidden;
    }
    record.map_or(Answer::Served, |r| readme_record_rule(role, action, r))
}

// ---------------------------------------------------------------------------------------------
// The objects `{id}` names

/// The real objects that `{id}` names in the paths under each prefix: one each for accounts,
/// organisations and audit events, and for incidents, convoys and needs one of each
/// organisation (the visitors' and another) and each sensitivity, plus drafts.
struct Objects {
    single: Vec<(&'static str, i64)>,
    records: Vec<(&'static str, Vec<Record>)>,
}

impl Objects {
    fn longest_prefix<'a, T>(list: &'a [(&'static str, T)], path: &str) -> Option<&'a T> {
        list.iter()
            .filter(|(prefix, _)| path.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, t)| t)
    }

    /// Every concrete path of `route`, with the record each one names.
    fn paths(&self, route: &RouteSpec) -> Vec<(String, Option<Record>)> {
        if !route.path.contains("{id") {
            return vec![(concrete_path(route, None, self), None)];
        }
        if let Some(records) = Self::longest_prefix(&self.records, route.path) {
            return records
                .iter()
                .map(|r| (concrete_path(route, Some(r.id), self), Some(*r)))
                .collect();
        }
        let id = Self::longest_prefix(&self.single, route.path).copied();
        vec![(concrete_path(route, id, self), None)]
    }
}

/// `route.path` with every parameter replaced by a real object. A new kind of parameter, or
/// `{id}` under a new prefix, stops the test until it is taught what to use.
fn concrete_path(route: &RouteSpec, id: Option<i64>, objects: &Objects) -> String {
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
                "id" => id.map(|id| id.to_string()),
                // A feed token that opens nothing: answered alike for every visitor (404).
                "token" => Some("0".repeat(64)),
                _ => None,
            };
            known.unwrap_or_else(|| {
                panic!(
                    "the authorisation matrix does not know what {{{param}}} in {} names ({:?}): \
                     seed one and add it to the test's Objects",
                    route.path, objects.single
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

/// The visitors' organisation, and another one.
const OWN_ORG: &str = "Mercy Relief";
const OTHER_ORG: &str = "Other Aid";

/// The accounts of `PEOPLE`, and the objects `{id}` names (new kinds of object are seeded here).
async fn seed_world(app: &TestApp) -> Objects {
    let org_id = app.seed_org(OWN_ORG);
    for (username, role) in PEOPLE {
        app.seed_user(username, role, OWN_ORG);
    }
    let user_id = app.seed_user("tariq.target", Role::Reporter, OTHER_ORG);
    assert_eq!(
        app.count_where("audit_events", "id = 1"),
        1,
        "audit event 1"
    );
    // The other organisation's logo: the POST routes under `/admin/organizations/` change the
    // visitors' own, so removing it does not empty the address the GET route reads.
    let other_org_id = app.seed_org(OTHER_ORG);
    seed_logo(app, other_org_id);
    let records = seed_records(app).await;
    let file = seed_file(app, &records).await;
    let (search, subscription) = seed_subscription(app, user_id);
    Objects {
        single: vec![
            ("/admin/users/", user_id),
            ("/admin/organizations/", org_id),
            // An organisation's logo.
            ("/organizations/", other_org_id),
            ("/audit/", 1),
            ("/files/", file),
            // A shared place (Damascus, the first of `convoys::places`).
            ("/places/", 1),
            // The read API answers every visitor without a token alike (401).
            ("/api/v1/", 1),
            // Another person's saved search and feed subscription.
            ("/searches/", search),
            ("/subscriptions/", subscription),
        ],
        records,
    }
}

/// A logo for organisation `org_id`, so its address serves a picture.
fn seed_logo(app: &TestApp, org_id: i64) {
    use corridor::accounts::logos;
    let drawn = logos::draw(&crate::evidence_photos::photo_with_gps()).expect("a picture");
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    corridor::audit::write(&mut conn, |tx| {
        logos::save(tx, &corridor::audit::Actor::system("test"), org_id, &drawn)
    })
    .expect("seed a logo");
}

/// A saved search of `user_id`'s with a feed subscription: (search, subscription).
fn seed_subscription(app: &TestApp, user_id: i64) -> (i64, i64) {
    use corridor::notify::{searches, subscriptions};
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    let actor = corridor::audit::Actor::system("test");
    corridor::audit::write(&mut conn, |tx| {
        let new = searches::check("Their search", "incidents", "").expect("a search");
        let search = searches::create(tx, &actor, user_id, &new)?;
        let feed = subscriptions::check("feed", "", "", "", false, false).expect("a feed");
        let sub = subscriptions::create(tx, &actor, user_id, search, &feed)?;
        Ok((search, sub.id))
    })
    .expect("a saved search")
}

/// Incidents, convoys and needs recorded over HTTP by a reporter of each organisation: one of
/// each sensitivity, and a draft incident of each organisation.
async fn seed_records(app: &TestApp) -> Vec<(&'static str, Vec<Record>)> {
    crate::convoys::places(app);
    let own = signed_in(app, "rhea.recorder", Role::Reporter, OWN_ORG).await;
    let other = signed_in(app, "omar.other", Role::Reporter, OTHER_ORG).await;
    let (mut incidents, mut convoys, mut needs) = (Vec::new(), Vec::new(), Vec::new());
    for (own_org, c) in [(true, &own), (false, &other)] {
        for sensitivity in ["public", "restricted", "confidential"] {
            let title = format!("{sensitivity} incident (own organisation: {own_org})");
            let id =
                create_incident(app, c, &[("title", &title), ("sensitivity", sensitivity)]).await;
            incidents.push(Record {
                id,
                own_org,
                sensitivity,
                draft: false,
            });
            let id = crate::convoys::create_convoy(app, c, &[("sensitivity", sensitivity)]).await;
            convoys.push(Record {
                id,
                own_org,
                sensitivity,
                draft: false,
            });
            let id = crate::convoys::create_need(app, c, &[("sensitivity", sensitivity)]).await;
            needs.push(Record {
                id,
                own_org,
                sensitivity,
                draft: false,
            });
        }
        let id = create_incident(app, c, &[("title", "A draft"), ("status", "draft")]).await;
        incidents.push(Record {
            id,
            own_org,
            sensitivity: "restricted",
            draft: true,
        });
    }
    vec![
        ("/incidents/", incidents),
        ("/convoys/", convoys),
        ("/needs/", needs),
    ]
}

/// An evidence file on the visitors' organisation's public incident, for the `/files/{id}`
/// routes.
async fn seed_file(app: &TestApp, records: &[(&'static str, Vec<Record>)]) -> i64 {
    let incident = records[0].1[0];
    assert!(incident.own_org && incident.sensitivity == "public");
    let c = crate::helpers::client();
    app.login_with(&c, "rhea.recorder", crate::helpers::PASSWORD)
        .await;
    // A real photo, so its thumbnail route has one to make.
    let photo = crate::evidence_photos::photo_with_gps();
    let page = crate::evidence::upload(
        app,
        &c,
        &format!("/incidents/{}", incident.id),
        &[],
        &[("checkpoint.jpg", &photo)],
    )
    .await;
    assert_eq!(page.status, 303, "evidence file: {}", page.body);
    1
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

/// Checks one cell of the matrix against the README's answer.
fn check_cell(
    route: &RouteSpec,
    path: &str,
    record: Option<&Record>,
    visitor: &Visitor,
    page: &Page,
) {
    let want = expected(route, visitor.role, record);
    let what = format!(
        "{} {path} ({record:?}) as {} → {} {:?}; the README says {want:?}",
        route.method,
        visitor.label(),
        page.status,
        page.location
    );
    assert!(page.status < 500, "{what}: server error");
    match want {
        Answer::Public => {
            assert_ne!(page.status, 403, "{what}: a public route refused");
            assert!(
                !page.is_login_refusal(),
                "{what}: a public route asked to sign in"
            );
        }
        Answer::Served => {
            assert!(!page.is_login_refusal(), "{what}: sent to sign in");
            assert!(![403, 404, 405].contains(&page.status), "{what}: refused");
            if route.method == "GET" {
                assert_eq!(page.status, 200, "{what}");
            }
        }
        Answer::SignIn => {
            assert_eq!(page.status, 303, "{what}: should send to sign-in");
            let expected = if route.method == "GET" {
                corridor::web::login_url(path)
            } else {
                "/login".to_string()
            };
            assert_eq!(page.location.as_deref(), Some(expected.as_str()), "{what}");
        }
        Answer::Refused => {
            assert_eq!(page.status, 403, "{what}");
            assert!(page.body.contains("You cannot do this"), "{what}");
        }
        Answer::Hidden => assert_eq!(page.status, 404, "{what}"),
    }
}

/// Which records of the matrix: the visitors' organisation's (with every route that names
/// no record), or another organisation's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whose {
    Own,
    Other,
}

/// Checks every route of `ROUTES`, on every object its `{id}` can name (of `whose`
/// organisation), for every visitor.
async fn run_matrix(app: &TestApp, objects: &Objects, visitors: &mut [Visitor], whose: Whose) {
    let mut cells = 0;
    let mut wrong = 0;
    let mut seen = std::collections::HashSet::new();
    for route in ROUTES {
        let paths = objects
            .paths(route)
            .into_iter()
            .filter(|(_, record)| match record {
                Some(r) => r.own_org == (whose == Whose::Own),
                None => whose == Whose::Own,
            });
        for (path, record) in paths {
            for visitor in visitors.iter_mut() {
                let page = send(app, route, &path, visitor).await;
                // Every cell is checked, and every wrong one reported at the end.
                let cell = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    check_cell(route, &path, record.as_ref(), visitor, &page)
                }));
                if cell.is_err() {
                    wrong += 1;
                }
                seen.insert(expected(route, visitor.role, record.as_ref()));
                cells += 1;
                if visitor.role.is_some() && page.set_cookie(SESSION_COOKIE).is_some() {
                    // The request ended or replaced this person's session (signing out): sign
                    // in again, so the next rows test the role and not a visitor.
                    *visitor = Visitor::new(app, visitor.role, visitor.username, visitor.ip).await;
                }
            }
        }
    }
    assert_eq!(
        wrong, 0,
        "{wrong} of {cells} cells answer otherwise than the README says (each reported above)"
    );
    // Every kind of answer was expected somewhere, hidden records and refusals on records
    // included: the objects exercise the organisation and sensitivity rules.
    let kinds: &[Answer] = match whose {
        Whose::Own => &[
            Answer::Public,
            Answer::Served,
            Answer::SignIn,
            Answer::Refused,
        ],
        Whose::Other => &[
            Answer::Served,
            Answer::SignIn,
            Answer::Refused,
            Answer::Hidden,
        ],
    };
    for answer in kinds {
        assert!(seen.contains(answer), "no cell expects {answer:?}");
    }
    assert!(cells >= 20 * visitors.len(), "{cells} cells");
}

/// A visitor who is not signed in, and one signed-in person of each role, each from their
/// own address.
async fn visitors(app: &TestApp) -> Vec<Visitor> {
    let mut visitors = vec![Visitor::new(app, None, "", [127, 0, 0, 10]).await];
    for (n, (username, role)) in (11..).zip(PEOPLE) {
        visitors.push(Visitor::new(app, Some(role), username, [127, 0, 0, n]).await);
    }
    // Every role of the application has its column.
    for role in Role::ALL {
        assert!(
            visitors.iter().any(|v| v.role == Some(role)),
            "{role} has no column"
        );
    }
    visitors
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
    // Static files (the stylesheet, the icon) are the same for everyone: they may be kept.
    let is_static_file = page.headers.get("content-type").is_some_and(|v| {
        v.as_bytes().starts_with(b"text/css") || v.as_bytes().starts_with(b"image/x-icon")
    });
    if !is_static_file {
        assert!(
            header("cache-control").contains("no-store"),
            "{what}: pages must not be cached"
        );
    }
}

both_backends! {
    async fn every_route_answers_every_role_as_the_readme_says(app: TestApp) {
        let objects = seed_world(&app).await;
        let mut visitors = visitors(&app).await;
        run_matrix(&app, &objects, &mut visitors, Whose::Own).await;
    }

    async fn every_route_answers_for_another_organisations_records_as_the_readme_says(app: TestApp) {
        let objects = seed_world(&app).await;
        let mut visitors = visitors(&app).await;
        run_matrix(&app, &objects, &mut visitors, Whose::Other).await;
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
        assert_eq!(page.location.as_deref(), Some("/admin/organizations?done=saved"));
        assert_eq!(app.count("organizations"), orgs + 1);
        assert_eq!(app.count_where("organizations", "name = 'Forged Relief'"), 1);
        assert_eq!(app.count("audit_events"), events + 1);
    }

    async fn every_post_route_refuses_a_forged_or_cross_site_form(app: TestApp) {
        let objects = seed_world(&app).await;
        let visitors = visitors(&app).await;
        // Another visitor's token: valid, but not for these sessions.
        let stranger = Visitor::new(&app, Some(Role::Coordinator), "cora.coordinator", [127, 0, 0, 20]).await;
        let before = app.dump();
        let mut checked = 0;
        for route in ROUTES.iter().filter(|r| r.method == "POST") {
            // Sent by someone the route lets through, so that only the token stops it.
            let visitor = visitors
                .iter()
                .find(|v| match (route.access, v.role) {
                    (Access::Public, role) => role.is_none(),
                    (Access::Can(action), Some(role)) => readme_allows(role, action),
                    (Access::Can(_), None) => false,
                    (Access::Token, _) => false,
                })
                .unwrap_or_else(|| panic!("nobody may POST {}", route.path));
            for (path, _) in objects.paths(route) {
                let attempts: [(&str, Fields, Fields); 5] = [
                    ("no token", vec![], vec![]),
                    ("empty token", vec![("csrf_token", "")], vec![]),
                    ("another visitor's token", vec![("csrf_token", stranger.csrf.as_str())], vec![]),
                    ("Sec-Fetch-Site: cross-site", vec![("csrf_token", visitor.csrf.as_str())], vec![("Sec-Fetch-Site", "cross-site")]),
                    ("foreign Origin", vec![("csrf_token", visitor.csrf.as_str())], vec![("Origin", "https://evil.example.org")]),
                ];
                for (what, form, headers) in attempts {
                    let page = app.post_raw_with_headers(&visitor.client, &path, &form, &headers).await;
                    let who = visitor.label();
                    assert_eq!(page.status, 403, "POST {path} as {who} with {what}: {}", page.body);
                    assert!(page.body.contains("did not come from Corridor, so nothing was saved"), "POST {path} as {who} with {what}");
                    assert!(page.set_cookie(SESSION_COOKIE).is_none(), "POST {path} as {who} with {what}: the session changed");
                    checked += 1;
                }
            }
        }
        assert!(checked >= ROUTES.iter().filter(|r| r.method == "POST").count() * 5);
        // Nothing was written, anywhere; and every signed-in visitor is still signed in.
        assert_eq!(crate::helpers::dump_changes(&before, &app.dump()), vec![]);
        for visitor in visitors.iter().filter(|v| v.role.is_some()) {
            assert_eq!(app.get_with(&visitor.client, "/").await.status, 200, "{}", visitor.label());
        }
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
        let objects = seed_world(&app).await;
        let mut people = vec![("anonymous".to_string(), crate::helpers::client())];
        for (username, role) in PEOPLE {
            people.push((role.to_string(), app.signed_in(username).await));
        }
        let mut pages = 0;
        for route in ROUTES.iter().filter(|r| r.method == "GET") {
            let (path, _) = objects.paths(route).swap_remove(0);
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
