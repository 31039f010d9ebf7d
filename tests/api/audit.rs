//! The audit trail: the hash chain checked by `corridor audit verify` and on the auditors'
//! page, the triggers that keep it append-only, tampering that must show, and the filters.

use corridor::domain::Role;

use crate::helpers::{client, Backend, Page, TestApp};

/// A form the administrator sends: the page it is on, where it goes, and its fields.
struct Step {
    page: String,
    action: String,
    fields: Vec<(&'static str, String)>,
}

/// Sign-ins, failed sign-ins, and changes to people and organisations by an administrator.
pub async fn mixed_workload(app: &TestApp) {
    let org = app.seed_org("Mercy Relief");
    app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
    app.seed_user("aziz.auditor", Role::Auditor, "Mercy Relief");
    let rania = app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
    let admin = app.signed_in("adam.admin").await;
    let wrong = app
        .try_login_with(&client(), "rania.reporter", "not-her-password-at-all")
        .await;
    assert_eq!(wrong.status, 422);
    let unknown = app
        .try_login_with(&client(), "nobody.here", "not-a-password-at-all")
        .await;
    assert_eq!(unknown.status, 422);
    let reporter = app.signed_in("rania.reporter").await;
    let steps = [
        Step {
            page: "/admin/organizations/new".into(),
            action: "/admin/organizations".into(),
            fields: vec![
                ("name", "Sahel Health Alliance".into()),
                ("acronym", "SHA".into()),
                ("org_type", "national_ngo".into()),
            ],
        },
        Step {
            page: format!("/admin/organizations/{org}"),
            action: format!("/admin/organizations/{org}"),
            fields: vec![
                ("name", "Mercy Relief".into()),
                ("acronym", "MR".into()),
                ("org_type", "international_ngo".into()),
            ],
        },
        Step {
            page: "/admin/users/new".into(),
            action: "/admin/users".into(),
            fields: vec![
                ("username", "cora.coordinator".into()),
                ("display_name", "Cora Mansour".into()),
                ("organization_id", org.to_string()),
                ("role", "coordinator".into()),
                ("password", "pebble-orchard-zenith-4417".into()),
                ("password_confirm", "pebble-orchard-zenith-4417".into()),
            ],
        },
        Step {
            page: format!("/admin/users/{rania}"),
            action: format!("/admin/users/{rania}"),
            fields: vec![
                ("display_name", "Rania Haddad".into()),
                ("organization_id", org.to_string()),
                ("role", "reporter".into()),
            ],
        },
        Step {
            page: format!("/admin/users/{rania}"),
            action: format!("/admin/users/{rania}/disable"),
            fields: vec![],
        },
        Step {
            page: format!("/admin/users/{rania}"),
            action: format!("/admin/users/{rania}/enable"),
            fields: vec![],
        },
    ];
    for Step {
        page,
        action,
        fields,
    } in steps
    {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = app.post_form_with(&admin, &page, &action, &fields).await;
        assert_eq!(answer.status, 303, "POST {action}: {}", answer.body);
    }
    // Disabling Rania ended her session.
    assert_eq!(app.get_with(&reporter, "/").await.status, 303);
    for action in [
        "auth.login",
        "auth.login_failed",
        "organization.create",
        "organization.update",
        "user.create",
        "user.update",
        "user.disable",
        "user.enable",
        "session.end_all",
    ] {
        assert!(
            app.count_where("audit_events", &format!("action = '{action}'")) > 0,
            "the workload records {action}"
        );
    }
}

/// The chain head as the database records it: (id, hash).
fn head(app: &TestApp) -> (i64, String) {
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    corridor::audit::query::head(&mut conn).expect("chain head")
}

fn event(app: &TestApp, id: i64) -> corridor::audit::AuditEvent {
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    corridor::audit::query::find(&mut conn, id).expect("event")
}

/// `corridor audit verify`: its exit code and what it printed.
fn verify(app: &TestApp) -> (Option<i32>, String) {
    let out = app.command(&["audit", "verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "nothing on standard error: {stderr}");
    (out.status.code(), stdout)
}

/// Checks that `corridor audit verify` and the auditors' page both name `event_id` as the
/// first broken event, giving `reason`.
async fn assert_broken_at(app: &TestApp, auditor: &reqwest::Client, event_id: i64, reason: &str) {
    let (code, stdout) = verify(app);
    assert_eq!(code, Some(1), "a broken chain fails: {stdout}");
    assert!(
        stdout.starts_with(&format!(
            "Audit trail BROKEN (audit chain): the chain breaks at event {event_id}: {reason}"
        )),
        "expected event {event_id} ({reason}): {stdout}"
    );
    let page = app.get_with(auditor, "/audit?verify=1").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("Chain broken at event {event_id} (")),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Chain verified"));
}

/// (id, action) of each event listed on an audit page, newest first.
fn listed_events(page: &Page) -> Vec<(i64, String)> {
    page.body
        .split("<tr>")
        .filter_map(|row| {
            let marker = "<td class=\"num\"><a href=\"/audit/";
            let rest = &row[row.find(marker)? + marker.len()..];
            let id = rest[..rest.find('"')?].parse().ok()?;
            let action_at = row.find("<td data-action=\"")? + "<td data-action=\"".len();
            let action_end = row[action_at..].find('"')? + action_at;
            Some((id, row[action_at..action_end].to_string()))
        })
        .collect()
}

both_backends! {
    async fn an_intact_chain_verifies_on_the_command_line_and_for_auditors(app: TestApp) {
        mixed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        let events = app.count("audit_events");
        let (head_id, head_hash) = head(&app);
        assert_eq!(head_id, events);
        assert_eq!(head_hash, event(&app, events).hash, "the head is the newest event");
        assert_eq!(head_hash.len(), 64);

        let (code, stdout) = verify(&app);
        assert_eq!(code, Some(0), "{stdout}");
        assert!(stdout.starts_with("Audit trail intact: every check holds.\n"), "{stdout}");
        assert!(
            stdout.contains(&format!("  ok     audit chain: {events} events checked, in order and unaltered; head hash {head_hash}\n")),
            "{stdout}"
        );

        let page = app.get_with(&auditor, "/audit?verify=1").await;
        assert_eq!(page.status, 200);
        let verified = format!("Chain verified: all {events} events are intact and in order.");
        assert!(page.body.contains(&verified), "{}", page.body);
        assert!(page.body.contains(&format!("<code>{head_hash}</code>")));
        // Without ?verify=1 the page offers the check and does not run it.
        let plain = app.get_with(&auditor, "/audit").await;
        assert!(plain.body.contains("href=\"/audit?verify=1\""));
        assert!(!plain.body.contains("Chain verified"));
    }

    /// The server's writes queue for one writer connection and share commits (`db::writer`);
    /// each passes the chain head to the next of its commit instead of reading it again
    /// (`audit::write`). Creations and conflicting edits sent all at once, some failing
    /// inside the shared transaction, leave one unbroken chain, every record with its events.
    async fn writes_sent_at_once_keep_one_unbroken_chain(app: TestApp) {
        use crate::incidents::{create_incident, incident_form, seed_place, signed_in};
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let reporter = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let first = create_incident(&app, &reporter, &[]).await;
        // A second claim on the first record, so that claims and records are numbered apart.
        let show = format!("/incidents/{first}");
        let claim = [
            ("claim_source_type", "authorities"),
            ("claim_reliability", "F"),
            ("claim_credibility", "6"),
            ("claim_date", "2018-02-27"),
            ("claim_statement", "The authorities deny it."),
        ];
        let added = app.post_form_with(&reporter, &show, &format!("{show}/claims"), &claim).await;
        assert_eq!(added.status, 303, "{}", added.body);
        let edit = format!("/incidents/{first}/edit");
        let csrf = app.get_with(&reporter, &edit).await.csrf();
        let mut create = incident_form(&[]);
        create.push(("csrf_token".into(), csrf.clone()));
        let mut stale = incident_form(&[("title", "An edit of version 1"), ("version", "1")]);
        stale.push(("csrf_token".into(), csrf));
        let forms: Vec<(String, Vec<(String, String)>)> = (0..24)
            .map(|n| match n % 4 {
                // Every edit names version 1: the first to be written wins, the others conflict.
                3 => (format!("/incidents/{first}"), stale.clone()),
                _ => ("/incidents".to_string(), create.clone()),
            })
            .collect();
        let answers = futures_util::future::join_all(forms.iter().map(|(path, fields)| {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let reporter = &reporter;
            let app = &app;
            async move { app.post_raw_with(reporter, path, &refs).await.status }
        }))
        .await;
        let created = answers.iter().enumerate().filter(|(n, s)| n % 4 != 3 && **s == 303).count();
        let edited = answers.iter().enumerate().filter(|(n, s)| n % 4 == 3 && **s == 303).count();
        let conflicts = answers.iter().filter(|s| **s == 409).count();
        assert_eq!((created, edited, conflicts), (18, 1, 5), "{answers:?}");
        assert_eq!(app.count("incidents"), 19);
        // Nineteen creations, the claim added and the one edit.
        assert_eq!(app.count("revisions WHERE entity_type = 'incident'"), 21);
        // Each change wrote its own event and its revision's, and nothing else was kept.
        assert_eq!(app.count_where("audit_events", "action = 'incident.create'"), 19);
        assert_eq!(app.count_where("audit_events", "action = 'incident.update'"), 1);
        let events = app.count("audit_events");
        assert_eq!(head(&app).0, events, "the head is the newest event");
        // Each creation's event names its record's one claim (on PostgreSQL the two rows are
        // written by one statement, with ids taken beforehand: `references::next_incident`).
        assert_eq!(app.count("claims"), 20);
        for e in (1..=events).map(|id| event(&app, id)).filter(|e| e.action == "incident.create") {
            let details: serde_json::Value = serde_json::from_str(&e.details).unwrap();
            let claim = details["claim_id"].as_i64().expect("a claim id");
            let filter = format!("id = {claim} AND incident_id = {}", e.entity_id);
            assert_eq!(app.count_where("claims", &filter), 1, "event {}: {details}", e.id);
        }
        let (code, stdout) = verify(&app);
        assert_eq!(code, Some(0), "{stdout}");
        assert!(stdout.starts_with("Audit trail intact: every check holds.\n"), "{stdout}");
    }

    async fn the_database_refuses_to_change_or_remove_audit_events(app: TestApp) {
        mixed_workload(&app).await;
        let events = app.count("audit_events");
        let before = event(&app, 3);
        let mut attempts = vec![
            "UPDATE audit_events SET details = '{\"forged\":true}' WHERE id = 3",
            "UPDATE audit_events SET actor_label = 'someone.else'",
            "DELETE FROM audit_events WHERE id = 3",
            "DELETE FROM audit_events",
        ];
        if app.backend == Backend::Postgres {
            attempts.push("TRUNCATE audit_events");
        }
        for sql in attempts {
            let err = app.sql(sql).expect_err(sql);
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
        assert_eq!(app.count("audit_events"), events);
        assert_eq!(event(&app, 3).details, before.details);
        assert_eq!(verify(&app).0, Some(0));
    }

    async fn an_altered_event_is_named(app: TestApp) {
        mixed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        let k = app.count("audit_events") / 2;
        app.drop_audit_triggers();
        app.sql(&format!("UPDATE audit_events SET details = '{{\"forged\":true}}' WHERE id = {k}")).unwrap();
        assert_broken_at(&app, &auditor, k, "its contents were altered").await;
        let page = app.get_with(&auditor, "/audit?verify=1").await;
        assert!(page.body.contains("its contents were altered after it was written."));
    }

    async fn an_altered_event_with_a_recomputed_hash_is_named_by_the_next_one(app: TestApp) {
        mixed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        let k = app.count("audit_events") / 2;
        let mut forged = event(&app, k);
        forged.details = "{\"forged\":true}".into();
        forged.hash = forged.compute_hash();
        app.drop_audit_triggers();
        app.sql(&format!("UPDATE audit_events SET details = '{}', hash = '{}' WHERE id = {k}",
            forged.details, forged.hash)).unwrap();
        assert_broken_at(&app, &auditor, k + 1, "it does not follow the event before it").await;
    }

    async fn a_removed_event_is_named_by_the_one_after_it(app: TestApp) {
        mixed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        let events = app.count("audit_events");
        let k = events / 2;
        app.drop_audit_triggers();
        app.sql(&format!("DELETE FROM audit_events WHERE id = {k}")).unwrap();
        assert_eq!(app.count("audit_events"), events - 1);
        assert_broken_at(&app, &auditor, k + 1, "an event before it is missing").await;
    }

    async fn removing_the_newest_event_shows_at_the_head(app: TestApp) {
        mixed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        let newest = app.count("audit_events");
        app.drop_audit_triggers();
        app.sql(&format!("DELETE FROM audit_events WHERE id = {newest}")).unwrap();
        assert_broken_at(&app, &auditor, newest, "the chain does not end at the recorded head").await;
    }

    async fn swapping_who_did_what_breaks_the_chain(app: TestApp) {
        mixed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        let a = event(&app, 2);
        let b = (3..=app.count("audit_events")).map(|id| event(&app, id))
            .find(|e| e.actor_label != a.actor_label).expect("an event by someone else");
        app.drop_audit_triggers();
        app.sql(&format!(
            "UPDATE audit_events SET actor_label = CASE id WHEN {} THEN '{}' ELSE '{}' END WHERE id IN ({}, {})",
            a.id, b.actor_label, a.actor_label, a.id, b.id)).unwrap();
        assert_eq!(event(&app, a.id).actor_label, b.actor_label, "the swap happened");
        assert_broken_at(&app, &auditor, a.id, "its contents were altered").await;
    }

    async fn reordering_events_breaks_the_chain(app: TestApp) {
        mixed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        let k = app.count("audit_events") / 2;
        let (first, second) = (event(&app, k), event(&app, k + 1));
        app.drop_audit_triggers();
        app.sql(&format!(
            "UPDATE audit_events SET id = -1 WHERE id = {k}; \
             UPDATE audit_events SET id = {k} WHERE id = {}; \
             UPDATE audit_events SET id = {} WHERE id = -1;", k + 1, k + 1)).unwrap();
        assert_eq!(event(&app, k).hash, second.hash, "the two events changed places");
        assert_eq!(event(&app, k + 1).hash, first.hash);
        assert_broken_at(&app, &auditor, k, "it does not follow the event before it").await;
    }

    async fn auditors_filter_the_trail_by_action_and_by_person(app: TestApp) {
        mixed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        for action in ["user.create", "auth.login_failed", "organization.update"] {
            let page = app.get_with(&auditor, &format!("/audit?action={action}")).await;
            assert_eq!(page.status, 200);
            let listed = listed_events(&page);
            let stored = app.count_where("audit_events", &format!("action = '{action}'"));
            assert_eq!(listed.len() as i64, stored, "{action}: {listed:?}");
            assert!(listed.iter().all(|(_, a)| a == action), "{action}: {listed:?}");
            assert!(listed.windows(2).all(|w| w[0].0 > w[1].0), "newest first: {listed:?}");
            assert!(page.body.contains(&format!("<option value=\"{action}\" selected>")), "the filter is kept");
        }
        // Unfiltered, the page lists every kind of event.
        let all = listed_events(&app.get_with(&auditor, "/audit").await);
        assert_eq!(all.len() as i64, app.count("audit_events").min(50));
        // By person: everything the administrator did, and nothing else.
        let page = app.get_with(&auditor, "/audit?actor=adam.admin").await;
        let listed = listed_events(&page);
        let stored = app.count_where("audit_events",
            "actor_user_id = (SELECT id FROM users WHERE username = 'adam.admin')");
        assert!(stored >= 7);
        assert_eq!(listed.len() as i64, stored, "{listed:?}");
        // One event in full, with both hashes.
        let shown = app.get_with(&auditor, &format!("/audit/{}", listed[0].0)).await;
        assert_eq!(shown.status, 200);
        assert!(shown.body.contains(&event(&app, listed[0].0).hash));
        assert!(shown.body.contains(&event(&app, listed[0].0).prev_hash));
    }
}
