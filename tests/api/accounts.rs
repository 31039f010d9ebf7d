//! Accounts and sessions: first start, administrators managing people, forms sent back with
//! errors, sign-in lock-out, and sessions that end when they should.

use corridor::domain::Role;

use crate::helpers::{client, client_from, Page, TestApp, PASSWORD, SESSION_COOKIE};

/// What the sign-in page says to every failure, whatever the reason.
const LOGIN_FAILED: &str = "We could not sign you in. Check your username and password.";

const ADMIN_PASSWORD: &str = "saffron-glacier-tandem-opal-8";

/// The path part of the set-up link the server printed.
fn setup_path(app: &TestApp) -> String {
    let link = app
        .setup_link
        .as_deref()
        .expect("a server on an empty database prints a set-up link");
    let at = link.find("/setup?token=").expect("the link opens /setup");
    link[at..].to_string()
}

/// Posts the edit form of user `id` as the administrator signed in on `admin`.
async fn save_user(
    app: &TestApp,
    admin: &reqwest::Client,
    id: i64,
    display_name: &str,
    org_id: i64,
    role: &str,
) -> Page {
    let org = org_id.to_string();
    app.post_form_with(
        admin,
        &format!("/admin/users/{id}"),
        &format!("/admin/users/{id}"),
        &[
            ("display_name", display_name),
            ("organization_id", &org),
            ("role", role),
        ],
    )
    .await
}

/// Presses one of the account buttons (disable, enable, unlock) on the edit page of user `id`.
async fn account_action(app: &TestApp, admin: &reqwest::Client, id: i64, action: &str) -> Page {
    app.post_form_with(
        admin,
        &format!("/admin/users/{id}"),
        &format!("/admin/users/{id}/{action}"),
        &[],
    )
    .await
}

/// Checks a form sent back with errors: 422, the summary links to `field` with `message`,
/// every typed value is back in its field, and the password is nowhere on the page.
fn assert_sent_back(
    what: &str,
    page: &Page,
    field: &str,
    message: &str,
    kept: &[(&str, &str)],
    secrets: &[&str],
) {
    assert_eq!(page.status, 422, "{what}: {}", page.body);
    let summary = page.error_summary();
    assert!(summary.contains("There is a problem"), "{what}: {summary}");
    let link = format!("<a href=\"#{field}\">{message}");
    assert!(
        summary.contains(&link),
        "{what}: no link {link} in {summary}"
    );
    assert!(
        page.body.contains(&format!("id=\"{field}\"")),
        "{what}: the summary links to a field that is not on the page"
    );
    for (name, value) in kept {
        assert_eq!(&page.input_value(name), value, "{what}: {name} not kept");
    }
    for secret in secrets {
        assert!(
            !page.body.contains(secret),
            "{what}: the password is echoed"
        );
    }
}

/// The error summary of a failed sign-in, checked to be the generic one.
fn failed_sign_in(what: &str, page: &Page) -> String {
    assert_eq!(page.status, 422, "{what}: {:?}", page.location);
    assert!(
        page.set_cookie(SESSION_COOKIE).is_none(),
        "{what}: signed in"
    );
    let summary = page.error_summary().to_string();
    assert!(summary.contains(LOGIN_FAILED), "{what}: {summary}");
    for hint in ["locked", "disabled", "exist", "unknown", "wrong password"] {
        assert!(
            !page.body.to_lowercase().contains(hint),
            "{what}: the answer says more than it should ({hint})"
        );
    }
    summary
}

both_backends! {
    async fn first_start_sets_up_the_administrator_who_then_brings_in_a_team(app: TestApp) {
        // The link the server printed opens the set-up form.
        let path = setup_path(&app);
        let form = app.get(&path).await;
        assert_eq!(form.status, 200, "{}", form.body);
        assert!(form.body.contains("Set up Corridor"));
        let token = form.input_value("token");
        assert_eq!(Some(token.as_str()), path.strip_prefix("/setup?token="));
        let done = app.post_form(&path, "/setup", &[
            ("token", &token),
            ("org_name", "World Food Programme"),
            ("org_acronym", "WFP"),
            ("org_type", "un_agency"),
            ("username", "amal.admin"),
            ("display_name", "Amal Khatib"),
            ("password", ADMIN_PASSWORD),
            ("password_confirm", ADMIN_PASSWORD),
        ]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location.as_deref(), Some("/"));
        done.session_token();
        let home = app.get("/").await;
        assert_eq!(home.status, 200);
        assert!(home.body.contains("Welcome, Amal Khatib"), "{}", home.body);
        assert!(home.body.contains("You are signed in as Administrator of World Food Programme (WFP)."));

        // The link works once.
        let reused = app.get(&path).await;
        assert_eq!(reused.status, 400);
        assert!(reused.body.contains("This set-up link cannot be used"));
        let resent = app.post_raw_with(&app.client, "/setup", &[
            ("csrf_token", &home.csrf()), ("token", &token),
            ("org_name", "Another Agency"), ("org_type", "un_agency"),
            ("username", "eve.intruder"), ("password", ADMIN_PASSWORD), ("password_confirm", ADMIN_PASSWORD),
        ]).await;
        assert_eq!(resent.status, 400);
        assert_eq!(app.count("users"), 1);
        assert_eq!(app.count("organizations"), 1);

        // The administrator adds an organisation and three people of different roles.
        let created = app.post_form("/admin/organizations/new", "/admin/organizations", &[
            ("name", "Sahel Health Alliance"), ("acronym", "SHA"), ("org_type", "national_ngo"),
        ]).await;
        assert_eq!(created.status, 303, "{}", created.body);
        assert_eq!(created.location.as_deref(), Some("/admin/organizations?done=saved"));
        let listed = app.get("/admin/organizations?done=saved").await;
        assert!(listed.body.contains("Sahel Health Alliance"));
        assert!(listed.body.contains("The organisation is saved."), "a confirmation: {}", listed.body);
        let org_id = app.get("/admin/users/new").await.option_value("Sahel Health Alliance (SHA)");
        let team = [
            // username, role, as shown, temporary password, their own password
            ("rania.reporter", "reporter", "Reporter",
                "harbour-violet-quarry-3381", "lantern-mosaic-ember-canyon-6"),
            ("cora.coordinator", "coordinator", "Coordinator",
                "pebble-orchard-zenith-4417", "thistle-radar-mango-quiver-2"),
            ("aziz.auditor", "auditor", "Auditor",
                "copper-meadow-falcon-9052", "walnut-prism-gossamer-tide-5"),
        ];
        for (username, role, _, temporary, _) in team {
            let page = app.post_form("/admin/users/new", "/admin/users", &[
                ("username", username), ("display_name", ""), ("organization_id", &org_id),
                ("role", role), ("password", temporary), ("password_confirm", temporary),
            ]).await;
            assert_eq!(page.status, 303, "{username}: {}", page.body);
            let location = page.location.clone().unwrap_or_default();
            assert!(location.starts_with("/admin/users/") && location.ends_with("?done=created"), "{location}");
            let confirmed = app.get(&location).await;
            assert!(confirmed.body.contains("The account is created."), "a confirmation: {}", confirmed.body);
        }
        let list = app.get("/admin/users").await;
        for (username, ..) in team {
            assert!(list.body.contains(username), "{username} listed");
        }

        // Each signs in with the temporary password and must first choose their own.
        for (username, _, label, temporary, own) in team {
            let person = client();
            let signed_in = app.login_with(&person, username, temporary).await;
            assert_eq!(signed_in.location.as_deref(), Some("/"));
            let home = app.get_with(&person, "/").await;
            assert_eq!(home.status, 303, "{username}");
            assert_eq!(home.location.as_deref(), Some("/account/password"), "{username}");
            let form = app.get_with(&person, "/account/password").await;
            assert_eq!(form.status, 200);
            assert!(form.body.contains("Choose a new password before you continue"), "{username}");
            // They are not asked again for the temporary password they have just signed in with.
            assert!(!form.body.contains("name=\"current_password\""), "{username}");
            let same = app.post_form_with(&person, "/account/password", "/account/password", &[
                ("new_password", temporary), ("new_password_confirm", temporary),
            ]).await;
            assert_eq!(same.status, 422, "the temporary password cannot be kept: {}", same.body);
            let changed = app.post_form_with(&person, "/account/password", "/account/password", &[
                ("new_password", own), ("new_password_confirm", own),
            ]).await;
            assert_eq!(changed.status, 303, "{username}: {}", changed.body);
            assert_eq!(changed.location.as_deref(), Some("/?done=password"), "home after the forced change");
            let home = app.get_with(&person, "/?done=password").await;
            assert!(home.body.contains("Your password has been changed"), "{username}: {}", home.body);
            let home = app.get_with(&person, "/").await;
            assert_eq!(home.status, 200, "{username}: {:?}", home.location);
            let role_line = format!("You are signed in as {label} of Sahel Health Alliance (SHA).");
            assert!(home.body.contains(&role_line), "{username}: {}", home.body);
            // The temporary password is gone; their own works.
            let elsewhere = client();
            failed_sign_in(username, &app.try_login_with(&elsewhere, username, temporary).await);
            app.login_with(&elsewhere, username, own).await;
        }

        // The trail tells the story.
        assert_eq!(app.count_where("audit_events", "action = 'setup.link_issued'"), 1);
        assert_eq!(app.count_where("audit_events", "action = 'organization.create'"), 2);
        assert_eq!(app.count_where("audit_events", "action = 'user.create'"), 4);
        assert_eq!(app.count_where("audit_events", "action = 'user.password_change'"), 3);
    }

    async fn setup_form_sent_back_keeps_what_was_typed_but_never_the_password(app: TestApp) {
        let path = setup_path(&app);
        let token = app.get(&path).await.input_value("token");
        let cases = [
            ("short password", "amal.admin", "Short-pw-1", "Short-pw-1", "password",
                "Enter a password of at least 12 characters."),
            ("passwords differ", "amal.admin", "zebra-quartz-lantern-77", "zebra-quartz-lantern-78", "password",
                "The two passwords are not the same: type them again."),
            ("bad username", "Amal Admin!", "zebra-quartz-lantern-77", "zebra-quartz-lantern-77", "username",
                "Use only lower-case letters, digits, dots, dashes and underscores in the username."),
        ];
        for (what, username, password, confirm, field, message) in cases {
            let typed = [
                ("org_name", "Syrian Arab Red Crescent"),
                ("org_acronym", "SARC"),
                ("username", username),
                ("display_name", "أمل الخطيب"),
            ];
            let mut fields = vec![("token", token.as_str()), ("org_type", "red_cross"),
                ("password", password), ("password_confirm", confirm)];
            fields.extend_from_slice(&typed);
            let page = app.post_form(&path, "/setup", &fields).await;
            assert_sent_back(what, &page, field, message, &typed, &[password, confirm]);
            assert_eq!(page.input_value("token"), token, "{what}: the link is kept");
            assert!(page.body.contains("<option value=\"red_cross\" selected>"), "{what}: type kept");
            assert_eq!(page.input_value("password"), "", "{what}");
            assert_eq!(page.input_value("password_confirm"), "", "{what}");
            assert_eq!(app.count("users"), 0, "{what}: nothing created");
            assert_eq!(app.count("organizations"), 0, "{what}: nothing created");
        }
        // Several mistakes at once are all listed, in the order of the form.
        let page = app.post_form(&path, "/setup", &[
            ("token", &token), ("org_name", ""), ("org_type", "red_cross"), ("username", "a"),
            ("password", "short"), ("password_confirm", "short"),
        ]).await;
        assert_eq!(page.status, 422);
        let summary = page.error_summary();
        let order: Vec<usize> = ["#org_name", "#username", "#password"].iter()
            .map(|f| summary.find(f).unwrap_or_else(|| panic!("{f} missing: {summary}"))).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{summary}");
        // A form sent back does not use up the link.
        assert_eq!(app.get(&path).await.status, 200);
    }

    async fn new_user_form_sent_back_keeps_what_was_typed_but_never_the_password(app: TestApp) {
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        let org_id = app.seed_org("Mercy Relief").to_string();
        app.login("adam.admin").await;
        let cases = [
            ("short password", "cora.coordinator", "Short-pw-1", "Short-pw-1", "password",
                "Enter a password of at least 12 characters."),
            ("passwords differ", "cora.coordinator", "zebra-quartz-lantern-77", "zebra-quartz-lantern-78",
                "password", "The two passwords are not the same: type them again."),
            ("bad username", "Cora C.", "zebra-quartz-lantern-77", "zebra-quartz-lantern-77", "username",
                "Use only lower-case letters, digits, dots, dashes and underscores in the username."),
            ("username taken", "adam.admin", "zebra-quartz-lantern-77", "zebra-quartz-lantern-77", "username",
                "This username is already taken: choose another."),
        ];
        for (what, username, password, confirm, field, message) in cases {
            let typed = [("username", username), ("display_name", "Cora Mansour")];
            let mut fields = vec![("organization_id", org_id.as_str()), ("role", "coordinator"),
                ("password", password), ("password_confirm", confirm)];
            fields.extend_from_slice(&typed);
            let page = app.post_form("/admin/users/new", "/admin/users", &fields).await;
            assert_sent_back(what, &page, field, message, &typed, &[password, confirm]);
            assert!(page.body.contains(&format!("<option value=\"{org_id}\" selected>")), "{what}: organisation kept");
            assert!(page.body.contains("value=\"coordinator\" checked"), "{what}: role kept");
            assert_eq!(page.input_value("password"), "", "{what}");
            assert_eq!(app.count("users"), 1, "{what}: nothing created");
        }
    }

    async fn sign_in_locks_after_repeated_failures_until_an_administrator_unlocks(app: TestApp)
    where settings = |raw| raw.lockout_threshold = "3".into();
    {
        let lena = app.seed_user("lena.field", Role::Reporter, "Mercy Relief");
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        let admin = app.signed_in("adam.admin").await;

        // Someone on another machine guesses Lena's password three times.
        let guesser = client_from([127, 0, 0, 66]);
        let mut answers = Vec::new();
        for guess in ["lena-field-2026!", "mercy-relief-2026!", "letmein-letmein-letmein"] {
            answers.push(failed_sign_in(guess, &app.try_login_with(&guesser, "lena.field", guess).await));
        }
        // Now Lena herself, at her own desk with the right password, is refused as well,
        // in the very same words; so is a name that does not exist, from yet another place.
        let lena_desk = client_from([127, 0, 0, 21]);
        let locked = app.try_login_with(&lena_desk, "lena.field", PASSWORD).await;
        answers.push(failed_sign_in("right password, locked account", &locked));
        let unknown = app.try_login_with(&client_from([127, 0, 0, 77]), "no.such.person", PASSWORD).await;
        answers.push(failed_sign_in("unknown username", &unknown));
        assert!(answers.iter().all(|a| *a == answers[0]), "{answers:#?}");
        assert_eq!(app.count_where("sessions", &format!("user_id = {lena}")), 0);

        // Every failure is in the audit trail, the refusal of the right password as "locked".
        assert_eq!(app.count_where("audit_events", "action = 'auth.login_failed'"), 5);
        assert_eq!(app.count_where("audit_events", "action = 'auth.login_failed' AND actor_label = 'lena.field'"), 4);
        assert_eq!(app.count_where("audit_events",
            "action = 'auth.login_failed' AND details LIKE '%\"reason\":\"locked\"%'"), 1);
        assert_eq!(app.count_where("audit_events",
            "action = 'auth.login_failed' AND actor_label = 'no.such.person'"), 1);

        // The administrator sees the lock and lifts it.
        let edit = app.get_with(&admin, &format!("/admin/users/{lena}")).await;
        assert!(edit.body.contains("Sign-in locked after failed attempts"), "{}", edit.body);
        let unlocked = account_action(&app, &admin, lena, "unlock").await;
        assert_eq!(unlocked.status, 303, "{}", unlocked.body);
        assert_eq!(unlocked.location, Some(format!("/admin/users/{lena}?done=unlocked")));
        let edit = app.get_with(&admin, &format!("/admin/users/{lena}?done=unlocked")).await;
        assert!(edit.body.contains("Sign-in unlocked."));
        assert!(!edit.body.contains("Sign-in locked after failed attempts"));
        assert_eq!(app.count_where("audit_events", &format!("action = 'user.unlock' AND entity_id = '{lena}'")), 1);

        // Lena signs in.
        let page = app.login_with(&lena_desk, "lena.field", PASSWORD).await;
        assert_eq!(page.location.as_deref(), Some("/"));
        assert_eq!(app.get_with(&lena_desk, "/").await.status, 200);
        // The guesser's address gets more tries than one account (an office shares an
        // address), then it is locked too, whoever it tries.
        let address_limit = 3 * corridor::accounts::throttle::ADDRESS_FACTOR;
        for n in 3..address_limit {
            let name = format!("someone.{n}");
            failed_sign_in(&name, &app.try_login_with(&guesser, &name, "wrong-guess-wrong-guess").await);
        }
        failed_sign_in("locked address", &app.try_login_with(&guesser, "adam.admin", PASSWORD).await);
    }

    async fn unlock_lets_a_person_who_mistyped_sign_in_again(app: TestApp)
    where settings = |raw| raw.lockout_threshold = "3".into();
    {
        let lena = app.seed_user("lena.field", Role::Reporter, "Mercy Relief");
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        let admin = client_from([127, 0, 0, 31]);
        app.login_with(&admin, "adam.admin", PASSWORD).await;
        let lena_desk = client_from([127, 0, 0, 21]);
        let typos = ["correct-horse-battery-staple-24", "correct-horse-battery-stapel-42",
            "Correct-horse-battery-staple-42"];
        for typo in typos {
            failed_sign_in(typo, &app.try_login_with(&lena_desk, "lena.field", typo).await);
        }
        failed_sign_in("locked", &app.try_login_with(&lena_desk, "lena.field", PASSWORD).await);
        // She calls the administrator, who unlocks her account…
        let unlocked = account_action(&app, &admin, lena, "unlock").await;
        assert_eq!(unlocked.status, 303);
        // …and she can sign in from her desk.
        let page = app.try_login_with(&lena_desk, "lena.field", PASSWORD).await;
        assert_eq!(page.status, 303, "still refused after the administrator's unlock");
    }

    async fn a_copied_session_cookie_stops_working_at_sign_out(app: TestApp) {
        app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        let stolen = app.login("rania.reporter").await.session_token();
        let replay = app.get_with_session(&stolen, "/").await;
        assert_eq!(replay.status, 200, "the copy works while the session lives");
        assert!(replay.body.contains("rania.reporter"));

        let home = app.get("/").await;
        let out = app.post_raw_with(&app.client, "/logout", &[("csrf_token", &home.csrf())]).await;
        assert_eq!(out.status, 303);
        assert_eq!(out.location.as_deref(), Some("/login?signed_out=1"));
        assert_eq!(app.count("sessions"), 0);

        let replay = app.get_with_session(&stolen, "/").await;
        assert_eq!(replay.status, 303);
        assert_eq!(replay.location.as_deref(), Some("/login"));
        let forget = replay.set_cookie(SESSION_COOKIE).expect("the dead cookie is removed");
        assert!(forget.starts_with(&format!("{SESSION_COOKIE}=;")), "{forget}");
        assert_eq!(app.get_with_session(&stolen, "/account/password").await.location.as_deref(),
            Some("/login?next=%2Faccount%2Fpassword"));
        assert_eq!(app.get("/").await.location.as_deref(), Some("/login"));
        assert_eq!(app.count_where("audit_events", "action = 'auth.logout'"), 1);
    }

    async fn a_copied_session_cookie_stops_working_when_the_account_is_disabled(app: TestApp) {
        let rania = app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        let stolen = app.login("rania.reporter").await.session_token();
        let admin = app.signed_in("adam.admin").await;
        assert_eq!(app.get_with_session(&stolen, "/").await.status, 200);

        let disabled = account_action(&app, &admin, rania, "disable").await;
        assert_eq!(disabled.status, 303, "{}", disabled.body);
        assert_eq!(disabled.location, Some(format!("/admin/users/{rania}?done=disabled")));
        assert_eq!(app.count_where("sessions", &format!("user_id = {rania}")), 0);

        let replay = app.get_with_session(&stolen, "/").await;
        assert_eq!(replay.status, 303);
        assert_eq!(replay.location.as_deref(), Some("/login"));
        assert_eq!(app.get("/").await.location.as_deref(), Some("/login"));
        assert_eq!(app.count_where("audit_events",
            "action = 'session.end_all' AND details LIKE '%account_disabled%'"), 1);
        // The administrator's own session is untouched.
        assert_eq!(app.get_with(&admin, "/admin/users").await.status, 200);
    }

    async fn a_copied_session_cookie_stops_working_when_the_password_changes(app: TestApp) {
        let rania = app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        let stolen = app.login("rania.reporter").await.session_token();
        let phone = app.signed_in("rania.reporter").await;
        assert_eq!(app.get_with_session(&stolen, "/").await.status, 200);
        assert_eq!(app.count_where("sessions", &format!("user_id = {rania}")), 2);

        let new_password = "juniper-cobalt-harvest-lagoon-4";
        let changed = app.post_form("/account/password", "/account/password", &[
            ("current_password", PASSWORD), ("new_password", new_password), ("new_password_confirm", new_password),
        ]).await;
        assert_eq!(changed.status, 303, "{}", changed.body);
        assert_eq!(changed.location.as_deref(), Some("/account/password?changed=1"));
        let fresh = changed.session_token();
        assert_ne!(fresh, stolen);

        let replay = app.get_with_session(&stolen, "/").await;
        assert_eq!(replay.status, 303);
        assert_eq!(replay.location.as_deref(), Some("/login"));
        assert_eq!(app.get_with(&phone, "/").await.location.as_deref(), Some("/login"), "other devices are signed out");
        // This browser carries on with its new session.
        assert_eq!(app.get("/").await.status, 200);
        assert_eq!(app.get_with_session(&fresh, "/").await.status, 200);
        assert_eq!(app.count_where("sessions", &format!("user_id = {rania}")), 1);
        // Only the new password works now.
        failed_sign_in("old password", &app.try_login_with(&client(), "rania.reporter", PASSWORD).await);
        app.login_with(&client(), "rania.reporter", new_password).await;
    }

    async fn a_disabled_account_cannot_sign_in_until_enabled_again(app: TestApp) {
        let rania = app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        let admin = app.signed_in("adam.admin").await;
        let wrong = failed_sign_in("wrong password",
            &app.try_login_with(&client(), "rania.reporter", "not-her-password-at-all").await);

        let disabled = account_action(&app, &admin, rania, "disable").await;
        assert_eq!(disabled.status, 303);
        let edit = app.get_with(&admin, disabled.location.as_deref().unwrap()).await;
        assert!(edit.body.contains("Account disabled: the person has been signed out everywhere."));
        let refused = failed_sign_in("disabled", &app.try_login_with(&client(), "rania.reporter", PASSWORD).await);
        assert_eq!(refused, wrong, "a disabled account gets the same answer as a wrong password");
        assert_eq!(app.count_where("sessions", &format!("user_id = {rania}")), 0);

        let enabled = account_action(&app, &admin, rania, "enable").await;
        assert_eq!(enabled.status, 303);
        assert_eq!(enabled.location, Some(format!("/admin/users/{rania}?done=enabled")));
        let person = client();
        app.login_with(&person, "rania.reporter", PASSWORD).await;
        assert_eq!(app.get_with(&person, "/").await.status, 200);
        assert_eq!(app.count_where("audit_events", &format!("action = 'user.disable' AND entity_id = '{rania}'")), 1);
        assert_eq!(app.count_where("audit_events", &format!("action = 'user.enable' AND entity_id = '{rania}'")), 1);
    }

    async fn a_change_of_role_ends_the_persons_sessions(app: TestApp) {
        let rania = app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        let org = app.seed_org("Mercy Relief");
        let person = app.signed_in("rania.reporter").await;
        let admin = app.signed_in("adam.admin").await;

        // A new display name changes nothing she may do: her session goes on.
        let saved = save_user(&app, &admin, rania, "Rania Haddad", org, "reporter").await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(saved.location, Some(format!("/admin/users/{rania}?done=saved")));
        let home = app.get_with(&person, "/").await;
        assert_eq!(home.status, 200);
        assert!(home.body.contains("Welcome, Rania Haddad"));

        // A new role does: she is signed out everywhere and signs in to her new role.
        let saved = save_user(&app, &admin, rania, "Rania Haddad", org, "coordinator").await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(app.count_where("sessions", &format!("user_id = {rania}")), 0);
        assert_eq!(app.get_with(&person, "/").await.location.as_deref(), Some("/login"));
        assert_eq!(app.count_where("audit_events",
            "action = 'session.end_all' AND details LIKE '%role_or_organization_changed%'"), 1);
        app.login_with(&person, "rania.reporter", PASSWORD).await;
        let home = app.get_with(&person, "/").await;
        assert!(home.body.contains("You are signed in as Coordinator of Mercy Relief."), "{}", home.body);
        assert_eq!(app.get_with(&admin, "/admin/users").await.status, 200, "the administrator stays signed in");
    }

    async fn an_administrator_cannot_disable_or_demote_themselves(app: TestApp) {
        let adam = app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        let org = app.seed_org("Mercy Relief");
        let admin = app.signed_in("adam.admin").await;
        let events = app.count("audit_events");

        let disable = account_action(&app, &admin, adam, "disable").await;
        assert_eq!(disable.status, 400);
        assert!(disable.body.contains("You cannot disable your own account."), "{}", disable.body);
        assert_eq!(app.count_where("users", &format!("id = {adam} AND disabled_at IS NULL")), 1);

        let demote = save_user(&app, &admin, adam, "Adam", org, "coordinator").await;
        assert_eq!(demote.status, 422);
        let summary = demote.error_summary();
        assert!(summary.contains("<a href=\"#role\">You cannot remove your own administrator role."), "{summary}");
        assert_eq!(demote.input_value("display_name"), "Adam", "what was typed is kept");
        assert_eq!(app.count_where("users", &format!("id = {adam} AND role = 'admin'")), 1);

        assert_eq!(app.count("audit_events"), events, "nothing happened, nothing recorded");
        assert_eq!(app.count_where("sessions", &format!("user_id = {adam}")), 1);
        assert_eq!(app.get_with(&admin, "/admin/users").await.status, 200);
    }
}

/// (failures, locked until) of a throttle key, as stored.
fn throttle_row(app: &TestApp, key: &str) -> Option<(i32, Option<chrono::NaiveDateTime>)> {
    use corridor::db::schema::login_throttle;
    use diesel::prelude::*;
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    login_throttle::table
        .find(key)
        .select((login_throttle::failures, login_throttle::locked_until))
        .first(&mut conn)
        .optional()
        .expect("throttle row")
}

/// Clients on `n` machines, each holding the sign-in form's token: (client, token).
async fn sign_in_forms(app: &TestApp, first_ip: u8, n: u8) -> Vec<(reqwest::Client, String)> {
    let mut out = Vec::new();
    for i in 0..n {
        let c = client_from([127, 0, 1, first_ip + i]);
        let token = app.get_with(&c, "/login").await.csrf();
        out.push((c, token));
    }
    out
}

/// Posts the sign-in form with a token already fetched.
async fn post_sign_in(
    app: &TestApp,
    c: &reqwest::Client,
    token: &str,
    user: &str,
    password: &str,
) -> Page {
    app.post_raw_with(
        c,
        "/login",
        &[
            ("csrf_token", token),
            ("username", user),
            ("password", password),
        ],
    )
    .await
}

both_backends! {
    /// The organisations are kept in the server's memory with the count of their changes
    /// (`accounts::organizations::all`, migration 460): one renamed, or one added, is named
    /// anew at once on the pages that name them (a list's rows and its filter, the
    /// administrators' list), whoever wrote it.
    async fn a_renamed_organisation_is_named_anew_at_once(app: TestApp) {
        crate::incidents::seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let c = crate::incidents::signed_in(&app, "layla.coordinator", Role::Coordinator, "Relief Trust").await;
        crate::incidents::create_incident(&app, &c, &[("title", "Convoy held")]).await;
        app.seed_user("adam.admin", Role::Admin, "Relief Trust");
        let admin = app.signed_in("adam.admin").await;
        let org = app.seed_org("Relief Trust");
        // Read, and so kept, before the changes.
        let list = app.get_with(&c, "/incidents").await;
        assert!(list.body.contains("Relief Trust"), "{}", list.body);
        assert!(app.get_with(&admin, "/admin/organizations").await.body.contains("Relief Trust"));

        let edit = format!("/admin/organizations/{org}");
        let saved = app
            .post_form_with(&admin, &edit, &edit, &[
                ("name", "Relief Trust International"), ("acronym", "RTI"), ("org_type", "international_ngo"),
            ])
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let list = app.get_with(&c, "/incidents").await;
        assert!(list.body.contains(">RTI<"), "the row names the new acronym: {}", list.body);
        assert!(list.body.contains("Relief Trust International"), "the filter: {}", list.body);
        assert!(!list.body.contains(">Relief Trust<"), "{}", list.body);

        // Added by another writer (a command-line job, another server): seen as well.
        app.seed_org("Sahel Health Alliance");
        let listed = app.get_with(&admin, "/admin/organizations").await;
        assert!(listed.body.contains("Sahel Health Alliance"), "{}", listed.body);
        assert!(app.get_with(&c, "/incidents").await.body.contains("Sahel Health Alliance"));
    }

    async fn a_failure_during_a_lock_is_not_counted_and_the_right_password_does_not_extend_it(app: TestApp)
    where settings = |raw| raw.lockout_threshold = "3".into();
    {
        app.seed_user("lena.field", Role::Reporter, "Mercy Relief");
        let guesser = client_from([127, 0, 0, 66]);
        for guess in ["guess-one-guess-one", "guess-two-guess-two", "guess-three-guess"] {
            failed_sign_in(guess, &app.try_login_with(&guesser, "lena.field", guess).await);
        }
        let (failures, until) = throttle_row(&app, "user:lena.field").expect("counted");
        assert_eq!(failures, 3);
        let until = until.expect("locked");
        // During the lock: a wrong password and the right one, from elsewhere.
        let desk = client_from([127, 0, 0, 21]);
        failed_sign_in("wrong, locked", &app.try_login_with(&desk, "lena.field", "guess-four-guess-four").await);
        failed_sign_in("right, locked", &app.try_login_with(&desk, "lena.field", PASSWORD).await);
        assert_eq!(throttle_row(&app, "user:lena.field"), Some((3, Some(until))), "neither counted nor extended");
        assert_eq!(throttle_row(&app, "addr:127.0.0.21"), None, "nor counted against the address");
        assert_eq!(app.count_where("audit_events",
            "action = 'auth.login_failed' AND details LIKE '%\"reason\":\"locked\"%'"), 2);
    }

    async fn concurrent_attempts_cannot_get_past_the_threshold(app: TestApp)
    where settings = |raw| raw.lockout_threshold = "3".into();
    {
        let lena = app.seed_user("lena.field", Role::Reporter, "Mercy Relief");
        // Two failures already: one more attempt may be checked, then the account is locked.
        for (i, guess) in ["guess-one-guess-one", "guess-two-guess-two"].iter().enumerate() {
            failed_sign_in(guess, &app.try_login_with(&client_from([127, 0, 0, 60 + i as u8]), "lena.field", guess).await);
        }
        let before = app.count_where("audit_events", "action = 'auth.login_failed'");
        // Sixteen attempts at once from sixteen machines; the right password is among them.
        let forms = sign_in_forms(&app, 10, 16).await;
        let app_ref = &app;
        let answers = futures_util::future::join_all(forms.iter().enumerate().map(|(i, (c, token))| {
            let password = if i == 7 { PASSWORD.to_string() } else { format!("wrong-guess-number-{i}") };
            async move { post_sign_in(app_ref, c, token, "lena.field", &password).await }
        }))
        .await;
        for a in &answers {
            assert!([303, 422, 503].contains(&a.status), "{}: {}", a.status, a.body);
        }
        // Exactly one attempt was checked: either a wrong one (and then the lock holds) or
        // the right one (and then nobody else's was checked).
        let checked_failures = app.count_where("audit_events",
            "action = 'auth.login_failed' AND details LIKE '%bad_credentials%'") - 2;
        let signed_in = app.count_where("audit_events",
            &format!("action = 'auth.login' AND actor_user_id = {lena}"));
        assert_eq!(checked_failures + signed_in, 1, "answers: {:?}",
            answers.iter().map(|a| a.status).collect::<Vec<_>>());
        let refused_locked = app.count_where("audit_events", "action = 'auth.login_failed'") - before - checked_failures;
        let busy = answers.iter().filter(|a| a.status == 503).count() as i64;
        assert_eq!(refused_locked + busy + 1, 16, "every other attempt was refused unchecked");
        if signed_in == 0 {
            assert!(throttle_row(&app, "user:lena.field").unwrap().1.is_some(), "locked");
            assert!(answers.iter().all(|a| a.status != 303));
        }
    }

    async fn signing_in_to_ones_own_account_does_not_reset_the_address_for_others(app: TestApp)
    where settings = |raw| raw.lockout_threshold = "3".into();
    {
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        app.seed_user("lena.field", Role::Reporter, "Mercy Relief");
        let sprayer = client_from([127, 0, 0, 99]);
        let limit = 3 * corridor::accounts::throttle::ADDRESS_FACTOR as usize;
        // Spraying one guess over many accounts, signing in to one's own now and then.
        for n in 0..limit - 1 {
            failed_sign_in("spray", &app.try_login_with(&sprayer, &format!("person.{n}"), "summer-2026-summer-2026").await);
            if n % 4 == 3 {
                app.login_with(&client_from([127, 0, 0, 99]), "adam.admin", PASSWORD).await;
            }
        }
        assert_eq!(throttle_row(&app, "addr:127.0.0.99").unwrap().0, limit as i32 - 1, "the sign-ins cleared nothing");
        failed_sign_in("last spray", &app.try_login_with(&sprayer, "person.last", "summer-2026-summer-2026").await);
        // The address is locked now, for every account: Lena's right password too.
        failed_sign_in("locked address", &app.try_login_with(&sprayer, "lena.field", PASSWORD).await);
    }

    async fn an_administrators_unlock_also_lifts_the_address_lock_keeping_that_person_out(app: TestApp)
    where settings = |raw| raw.lockout_threshold = "3".into();
    {
        let lena = app.seed_user("lena.field", Role::Reporter, "Mercy Relief");
        app.seed_user("adam.admin", Role::Admin, "Mercy Relief");
        let admin = client_from([127, 0, 0, 31]);
        app.login_with(&admin, "adam.admin", PASSWORD).await;
        // Lena's office address fails often enough to be locked (her own typos among them).
        let office = client_from([127, 0, 0, 40]);
        let limit = 3 * corridor::accounts::throttle::ADDRESS_FACTOR as usize;
        for n in 0..limit {
            let name = if n < 2 { "lena.field".to_string() } else { format!("colleague.{n}") };
            failed_sign_in("office", &app.try_login_with(&office, &name, "typo-typo-typo-typo").await);
        }
        assert!(throttle_row(&app, "addr:127.0.0.40").unwrap().1.is_some(), "the office address is locked");
        failed_sign_in("locked office", &app.try_login_with(&office, "lena.field", PASSWORD).await);
        let unlocked = account_action(&app, &admin, lena, "unlock").await;
        assert_eq!(unlocked.status, 303, "{}", unlocked.body);
        let page = app.try_login_with(&office, "lena.field", PASSWORD).await;
        assert_eq!(page.status, 303, "the address lock still keeps her out");
    }

    async fn the_change_password_form_is_throttled_like_sign_in(app: TestApp)
    where settings = |raw| raw.lockout_threshold = "3".into();
    {
        app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        let c = app.signed_in("rania.reporter").await;
        let new_password = "juniper-cobalt-harvest-lagoon-4";
        let app_ref = &app;
        let attempt = |current: &'static str| {
            let c = c.clone();
            async move {
                app_ref.post_form_with(&c, "/account/password", "/account/password", &[
                    ("current_password", current), ("new_password", new_password),
                    ("new_password_confirm", new_password),
                ]).await
            }
        };
        for guess in ["guess-one-guess-one", "guess-two-guess-two", "guess-three-guess"] {
            let page = attempt(guess).await;
            assert_eq!(page.status, 422);
            assert!(page.error_summary().contains("Your current password is not right."));
        }
        // Locked now: even the right current password is refused, unchecked.
        let page = attempt(PASSWORD).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(page.error_summary().contains("changing the password is paused"), "{}", page.body);
        assert_eq!(app.count_where("audit_events", "action = 'user.password_change'"), 0);
        assert_eq!(app.count_where("audit_events", "action = 'auth.password_check_failed'"), 4);
        // The lock is the account's: sign-in is locked as well.
        failed_sign_in("locked", &app.try_login_with(&client(), "rania.reporter", PASSWORD).await);
    }

    async fn password_checks_beyond_the_gate_answer_503_with_retry_after(app: TestApp)
    where settings = |raw| raw.lockout_threshold = "100".into();
    {
        // Thirty-two anonymous attempts at once: a few are checked at a time, a few wait, the
        // rest are turned away at once, without being counted.
        let forms = sign_in_forms(&app, 100, 32).await;
        let app_ref = &app;
        let answers = futures_util::future::join_all(forms.iter().enumerate().map(|(i, (c, token))| {
            async move { post_sign_in(app_ref, c, token, &format!("nobody.{i}"), "not-a-password-at-all").await }
        }))
        .await;
        let busy: Vec<&Page> = answers.iter().filter(|a| a.status == 503).collect();
        assert!(answers.iter().all(|a| a.status == 422 || a.status == 503));
        assert!(!busy.is_empty(), "no attempt was turned away");
        for b in &busy {
            assert_eq!(b.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
            assert!(b.body.contains("Too many sign-ins are being checked at this moment"));
        }
        let checked = answers.iter().filter(|a| a.status == 422).count() as i64;
        assert_eq!(app.count_where("audit_events", "action = 'auth.login_failed'"), checked,
            "turned-away attempts are not counted");
    }

    async fn client_addresses_come_from_forwarding_headers_only_through_trusted_proxies(app: TestApp) {
        app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        let c = client();
        let token = app.get_with(&c, "/login").await.csrf();
        let answer = app.post_raw_with_headers(&c, "/login",
            &[("csrf_token", &token), ("username", "rania.reporter"), ("password", "wrong-wrong-wrong-wrong")],
            &[("x-forwarded-for", "203.0.113.7")]).await;
        assert_eq!(answer.status, 422);
        assert_eq!(app.count_where("audit_events", "action = 'auth.login_failed' AND client_addr = '127.0.0.1'"), 1,
            "an untrusted peer's X-Forwarded-For is ignored");
        // An Origin naming another host, with X-Forwarded-Host agreeing, from an untrusted peer.
        let token = app.get_with(&c, "/login").await.csrf();
        let forged = app.post_raw_with_headers(&c, "/login",
            &[("csrf_token", &token), ("username", "rania.reporter"), ("password", PASSWORD)],
            &[("origin", "http://evil.example"), ("x-forwarded-host", "evil.example"),
              ("forwarded", "host=evil.example")]).await;
        assert_eq!(forged.status, 403, "the CSRF check believed a forwarding header");
    }

    async fn a_trusted_proxy_passes_on_the_client_address(app: TestApp)
    where settings = |raw| raw.security.trusted_proxies = Some("127.0.0.1".into());
    {
        app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        let c = client();
        let token = app.get_with(&c, "/login").await.csrf();
        let answer = app.post_raw_with_headers(&c, "/login",
            &[("csrf_token", &token), ("username", "rania.reporter"), ("password", "wrong-wrong-wrong-wrong")],
            &[("x-forwarded-for", "198.51.100.9, 203.0.113.7")]).await;
        assert_eq!(answer.status, 422);
        assert_eq!(app.count_where("audit_events", "action = 'auth.login_failed' AND client_addr = '203.0.113.7'"), 1,
            "the address the trusted proxy saw");
        assert!(throttle_row(&app, "addr:203.0.113.7").is_some());
        // Behind the proxy, the host the browser used is the forwarded one.
        let token = app.get_with(&c, "/login").await.csrf();
        let page = app.post_raw_with_headers(&c, "/login",
            &[("csrf_token", &token), ("username", "rania.reporter"), ("password", PASSWORD)],
            &[("origin", "https://corridor.example.org"), ("x-forwarded-host", "corridor.example.org")]).await;
        assert_eq!(page.status, 303, "{}", page.body);
    }

    async fn sign_in_returns_only_to_a_path_of_this_site(app: TestApp) {
        app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        for next in ["/%09/evil.example/x", "/%0a/evil.example", "/%0d%0aSet-Cookie:x=1", "//evil.example",
            "/\\evil.example", "https://evil.example/", "/%7f/evil"] {
            let form = app.get(&format!("/login?next={next}")).await;
            assert_eq!(form.status, 200, "next={next}");
            assert_eq!(form.input_value("next"), "/", "next={next}");
            let c = client();
            let token = app.get_with(&c, "/login").await.csrf();
            let decoded: String = serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("n={next}"))
                .unwrap().remove(0).1;
            let page = app.post_raw_with(&c, "/login", &[("csrf_token", &token), ("username", "rania.reporter"),
                ("password", PASSWORD), ("next", &decoded)]).await;
            assert_eq!(page.status, 303, "next={next}");
            assert_eq!(page.location.as_deref(), Some("/"), "next={next}");
        }
        let page = app.post_form("/login", "/login", &[("username", "rania.reporter"), ("password", PASSWORD),
            ("next", "/incidents?q=convoy")]).await;
        assert_eq!(page.location.as_deref(), Some("/incidents?q=convoy"));
    }

    async fn a_session_in_use_within_the_idle_limit_is_kept(app: TestApp)
    where settings = |raw| raw.session_idle_minutes = "1".into();
    {
        let rania = app.seed_user("rania.reporter", Role::Reporter, "Mercy Relief");
        let c = app.signed_in("rania.reporter").await;
        // Last seen 25 seconds ago: within the minute, and worth a touch.
        let earlier = (chrono::Utc::now() - chrono::TimeDelta::seconds(25)).naive_utc();
        app.sql(&format!("UPDATE sessions SET last_seen_at = '{}' WHERE user_id = {rania}",
            earlier.format("%Y-%m-%d %H:%M:%S%.6f"))).unwrap();
        assert_eq!(app.get_with(&c, "/").await.status, 200);
        assert_eq!(app.count_where("sessions", &format!(
            "user_id = {rania} AND last_seen_at > '{}'", earlier.format("%Y-%m-%d %H:%M:%S%.6f"))), 1,
            "the visit was recorded, so the session lasts a minute from now");
    }

    async fn an_impossible_report_period_is_refused_with_a_message(app: TestApp) {
        app.seed_user("cyrus.coordinator", Role::Coordinator, "Mercy Relief");
        let c = app.signed_in("cyrus.coordinator").await;
        let page = app.get_with(&c, "/reports/situation?from=-262143-01-01&to=-262142-12-31").await;
        assert!(page.status == 400 || page.status == 422, "{}: {}", page.status, page.body);
        assert!(page.body.contains("error-summary"), "{}", page.body);
    }
}
