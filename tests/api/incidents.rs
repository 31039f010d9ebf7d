//! Incidents: create, edit, conflict, claims, verification, retraction, history, validation,
//! visibility by sensitivity and organisation, and full-text search over other spellings.

use crate::helpers::{client, Page, TestApp};
use corridor::audit::{self, Actor};
use corridor::domain::Role;
use corridor::locations::{self, PlaceFields};

/// Adds a place to the gazetteer directly (arranging, not testing).
pub fn seed_place(app: &TestApp, name: &str, alt: &str, admin1: &str, admin2: &str) -> i64 {
    let db = app.db();
    let mut conn = db.conn().unwrap();
    let place = PlaceFields {
        name: name.into(),
        alt_names: alt.into(),
        admin1: admin1.into(),
        admin2: admin2.into(),
        ..Default::default()
    };
    audit::write(&mut conn, |conn| {
        Ok(locations::create(conn, &Actor::system("test"), &place, None)?.id)
    })
    .unwrap()
}

/// A complete, valid incident form; `changes` replace or add fields.
pub fn incident_form(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("title", "WHO convoy held at checkpoint outside Douma"),
        (
            "narrative",
            "Nine trucks were stopped for nine hours; medical items were removed.",
        ),
        ("category", "movement_restriction"),
        ("occurred_on", "2018-02-26"),
        ("time_precision", "day"),
        ("occurred_time", ""),
        ("reported_on", "2018-02-27"),
        ("location", "Douma"),
        ("location_precision", "exact"),
        ("perpetrator_type", "state_forces"),
        ("perpetrator_name", "Checkpoint personnel"),
        ("civilians_killed", ""),
        ("people_affected", "70,000"),
        ("sensitivity", "restricted"),
        ("status", "submitted"),
        ("claim_source_type", "own_staff"),
        ("claim_source_name", "Convoy leader Amal"),
        ("claim_reliability", "A"),
        ("claim_credibility", "1"),
        ("claim_date", "2018-02-26"),
        ("claim_statement", "Held nine hours; trauma kits removed."),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push((k.to_string(), v.to_string()));
    }
    fields
}

/// Posts a form (a list that may repeat names) with the token from `form_page`.
pub async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    form_page: &str,
    path: &str,
    fields: &[(String, String)],
) -> Page {
    let token = app.get_with(c, form_page).await.csrf();
    let mut all = vec![("csrf_token".to_string(), token)];
    all.extend_from_slice(fields);
    let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.post_raw_with(c, path, &refs).await
}

/// Records an incident as the signed-in `c`; returns its id.
pub async fn create_incident(app: &TestApp, c: &reqwest::Client, changes: &[(&str, &str)]) -> i64 {
    let page = post(
        app,
        c,
        "/incidents/new",
        "/incidents",
        &incident_form(changes),
    )
    .await;
    assert_eq!(page.status, 303, "create failed: {}", page.body);
    let location = page.location.expect("redirect");
    location
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .expect("incident id in redirect")
}

/// A signed-in client for a new account.
pub async fn signed_in(app: &TestApp, username: &str, role: Role, org: &str) -> reqwest::Client {
    app.seed_user(username, role, org);
    let c = client();
    app.login_with(&c, username, crate::helpers::PASSWORD).await;
    c
}

/// A validation case: fields changed, the field that is wrong, words of its message.
type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

both_backends! {
    async fn create_show_and_history(app: TestApp) {
        seed_place(&app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let id = create_incident(&app, &c, &[]).await;
        let page = app.get_with(&c, &format!("/incidents/{id}")).await;
        assert_eq!(page.status, 200);
        let year = chrono::Utc::now().format("%Y").to_string();
        assert!(page.body.contains(&format!("INC-{year}-000001")), "reference shown");
        assert!(page.body.contains("WHO convoy held at checkpoint outside Douma"));
        assert!(page.body.contains("Convoy leader Amal"), "own organisation sees the source name");
        assert!(page.body.contains("70,000"), "numbers grouped for the reader");
        assert!(page.body.contains("Restriction of movement within the country"));
        assert_eq!(app.count("incidents"), 1);
        assert_eq!(app.count("claims"), 1);
        assert_eq!(app.count("revisions WHERE entity_type = 'incident'"), 1);
        assert_eq!(app.count("audit_events WHERE action = 'incident.create'"), 1);
        let history = app.get_with(&c, &format!("/incidents/{id}/history")).await;
        assert_eq!(history.status, 200);
        assert!(history.body.contains("Recorded"));
        assert!(history.body.contains("Restriction of movement within the country"), "codes shown in words");
    }

    async fn references_are_unique_and_sequential(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let a = create_incident(&app, &c, &[]).await;
        let b = create_incident(&app, &c, &[("title", "Second")]).await;
        let year = chrono::Utc::now().format("%Y").to_string();
        assert!(app.get_with(&c, &format!("/incidents/{a}")).await.body.contains(&format!("INC-{year}-000001")));
        assert!(app.get_with(&c, &format!("/incidents/{b}")).await.body.contains(&format!("INC-{year}-000002")));
    }

    async fn every_validation_rule_has_its_message_and_keeps_input(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let long_title = "x".repeat(201);
        // (fields changed, the field that is wrong, words of its message)
        let cases: Vec<Case> = vec![
            (vec![("title", "")], "title", "Enter the title."),
            (vec![("title", long_title.as_str())], "title", "Shorten the title: it is too long."),
            (vec![("narrative", "  ")], "narrative", "Describe what happened."),
            (vec![("category", "teleportation")], "category", "Choose one of the categories listed."),
            (vec![("category", "")], "category", "Choose the access constraint."),
            (vec![("occurred_on", "9999-12-31")], "occurred_on", "Enter the date it happened: the date typed is in the future."),
            (vec![("occurred_on", "0000-00-00")], "occurred_on", "Enter the date it happened as a real date"),
            (vec![("occurred_on", "")], "occurred_on", "Enter the date it happened."),
            (vec![("reported_on", "2018-01-01")], "reported_on", "The report date cannot be before"),
            (vec![("civilians_killed", "-3")], "civilians_killed", "Enter the number of civilians killed as zero or more: a count cannot be negative."),
            (vec![("people_affected", "dozens")], "people_affected", "Enter the number of people affected as a whole number"),
            (vec![("location", "Atlantis")], "location", "No place with this name is known"),
            (vec![("location", "")], "location", "Enter the place where it happened"),
            (vec![("sensitivity", "top-secret")], "sensitivity", "Choose one of the sensitivity levels listed."),
            (vec![("attack_types", "orbital_laser")], "attack_types", "Choose only attack types from the list."),
            (vec![("occurred_time", "25:61")], "occurred_time", "Enter the time it happened as hours and minutes"),
            (vec![("claim_statement", "")], "claim_statement", "Enter what the source said."),
            (vec![("claim_reliability", "Z")], "claim_reliability", "Choose a reliability grade from A to F."),
            (vec![("new_place_name", "Nowhere"), ("new_place_lat", "123")], "new_place_lat", "Latitude is between -90 and 90"),
        ];
        for (changes, field, message) in cases {
            let page = post(&app, &c, "/incidents/new", "/incidents", &incident_form(&changes)).await;
            assert_eq!(page.status, 422, "{field}: {changes:?}");
            assert!(page.body.contains(message), "{field}: message {message:?} missing");
            assert!(page.body.contains(&format!("href=\"#{field}\"")), "{field}: summary links to the field");
            assert!(page.body.contains(&format!("id=\"{field}-error\"")), "{field}: message beside field");
            // Everything else typed is kept.
            if field != "narrative" {
                assert!(page.body.contains("Nine trucks were stopped for nine hours"), "{field}: narrative kept");
            }
            if field != "claim_statement" {
                assert!(page.body.contains("Held nine hours; trauma kits removed."), "{field}: claim kept");
            }
        }
        assert_eq!(app.count("incidents"), 0, "nothing saved from invalid forms");
        assert_eq!(app.count("claims"), 0);
    }

    async fn a_new_place_can_be_added_from_the_form(app: TestApp) {
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let id = create_incident(&app, &c, &[
            ("location", ""),
            ("new_place_name", "Mudeira"),
            ("new_place_alt_names", "Mudayra\nالمديرة"),
            ("new_place_admin1", "Rural Damascus"),
            ("new_place_admin2", "Duma"),
            ("new_place_lat", "33.549"),
            ("new_place_lon", "36.418"),
        ]).await;
        assert_eq!(app.count("locations"), 1);
        assert_eq!(app.count("audit_events WHERE action = 'location.create'"), 1);
        let page = app.get_with(&c, &format!("/incidents/{id}")).await;
        assert!(page.body.contains("Mudeira, Duma, Rural Damascus"));
    }

    async fn concurrent_edits_give_a_conflict_page_and_lose_nothing(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let a = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let b = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let id = create_incident(&app, &a, &[]).await;
        let edit = format!("/incidents/{id}/edit");
        let form_a = app.get_with(&a, &edit).await;
        let form_b = app.get_with(&b, &edit).await;
        assert!(form_a.body.contains("name=\"version\" value=\"1\""));
        let mut first = incident_form(&[("title", "Title from the reporter"), ("version", "1")]);
        first.push(("csrf_token".into(), form_a.csrf()));
        let refs: Vec<(&str, &str)> = first.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw_with(&a, &format!("/incidents/{id}"), &refs).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let mut second = incident_form(&[("title", "Title from the coordinator"), ("version", "1")]);
        second.push(("csrf_token".into(), form_b.csrf()));
        let refs: Vec<(&str, &str)> = second.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let conflict = app.post_raw_with(&b, &format!("/incidents/{id}"), &refs).await;
        assert_eq!(conflict.status, 409);
        assert!(conflict.body.contains("Someone else changed this incident"));
        assert!(conflict.body.contains("Title from the coordinator"), "their input kept");
        assert!(conflict.body.contains("Title from the reporter"), "the saved version shown");
        assert!(conflict.body.contains("name=\"version\" value=\"2\""), "resaving is a deliberate overwrite");
        let shown = app.get_with(&a, &format!("/incidents/{id}")).await;
        assert!(shown.body.contains("Title from the reporter"));
        assert_eq!(app.count("revisions WHERE entity_type = 'incident'"), 2);
    }

    async fn claims_verification_retraction_and_history(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let reporter = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let id = create_incident(&app, &reporter, &[]).await;
        let show = format!("/incidents/{id}");
        // A conflicting claim, side by side with the first.
        let claim = [
            ("claim_source_type", "authorities"), ("claim_source_name", "Ministry"), ("claim_reliability", "F"),
            ("claim_credibility", "6"), ("claim_date", "2018-02-27"), ("claim_statement", "The government denies using chlorine."),
        ];
        let added = app.post_form_with(&reporter, &show, &format!("/incidents/{id}/claims"), &claim).await;
        assert_eq!(added.status, 303);
        let page = app.get_with(&reporter, &show).await;
        assert!(page.body.contains("The government denies using chlorine."));
        assert!(page.body.contains("Held nine hours; trauma kits removed."));
        // A missing claim statement keeps the rest.
        let bad = app.post_form_with(&reporter, &show, &format!("/incidents/{id}/claims"), &[("claim_source_type", "media"), ("claim_source_name", "Radio X")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("Enter what the source said."));
        assert!(bad.body.contains("value=\"Radio X\""));
        // Verification: reporters may not; coordinators must give a reason.
        let refused = app.post_form_with(&reporter, &show, &format!("/incidents/{id}/verification"), &[("verification", "confirmed"), ("reason", "sure")]).await;
        assert_eq!(refused.status, 403);
        let no_reason = app.post_form_with(&coordinator, &show, &format!("/incidents/{id}/verification"), &[("verification", "disputed"), ("reason", "")]).await;
        assert_eq!(no_reason.status, 422);
        assert!(no_reason.body.contains("Give the reason: it is kept in the history."));
        let verified = app.post_form_with(&coordinator, &show, &format!("/incidents/{id}/verification"), &[("verification", "disputed"), ("reason", "Medical reports and denial conflict.")]).await;
        assert_eq!(verified.status, 303);
        // Once verified, the reporter can no longer edit; the coordinator can.
        assert_eq!(app.get_with(&reporter, &format!("/incidents/{id}/edit")).await.status, 403);
        assert_eq!(app.get_with(&coordinator, &format!("/incidents/{id}/edit")).await.status, 200);
        // Retraction replaces deletion.
        let retracted = app.post_form_with(&reporter, &show, &format!("/incidents/{id}/retraction"), &[("reason", "Duplicate of another record.")]).await;
        assert_eq!(retracted.status, 303);
        let page = app.get_with(&coordinator, &show).await;
        assert!(page.body.contains("This incident has been retracted"));
        assert!(page.body.contains("Duplicate of another record."));
        assert_eq!(app.count("incidents"), 1);
        let history = app.get_with(&coordinator, &format!("/incidents/{id}/history")).await;
        for text in ["Recorded", "Claim added", "Verification changed", "Medical reports and denial conflict.", "Retracted", "Duplicate of another record."] {
            assert!(history.body.contains(text), "history shows {text}");
        }
        for action in ["incident.create", "incident.claim_add", "incident.verify", "incident.retract"] {
            assert_eq!(app.count(&format!("audit_events WHERE action = '{action}'")), 1, "{action} audited");
        }
        assert_eq!(app.count("revisions WHERE entity_type = 'incident'"), 4);
    }

    async fn reporters_never_see_other_organisations_confidential_records(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let secret = create_incident(&app, &who, &[("title", "Confidential zebra event"), ("sensitivity", "confidential")]).await;
        let draft = create_incident(&app, &who, &[("title", "Draft zebra event"), ("status", "draft")]).await;
        let shared = create_incident(&app, &who, &[("title", "Restricted zebra event")]).await;
        // The other organisation: not in the list, not by search, not in the count, 404 on the page.
        let list = app.get_with(&sarc, "/incidents?q=zebra").await;
        assert!(list.body.contains("1 incident"), "count excludes hidden records");
        assert!(list.body.contains("Restricted zebra event"));
        assert!(!list.body.contains("Confidential zebra event"));
        assert!(!list.body.contains("Draft zebra event"));
        assert_eq!(app.get_with(&sarc, &format!("/incidents/{secret}")).await.status, 404);
        assert_eq!(app.get_with(&sarc, &format!("/incidents/{draft}")).await.status, 404);
        assert_eq!(app.get_with(&sarc, &format!("/incidents/{secret}/history")).await.status, 404);
        let everything = app.get_with(&sarc, "/incidents").await;
        assert!(everything.body.contains("1 incident"));
        // They see the restricted one, without its source's name.
        let page = app.get_with(&sarc, &format!("/incidents/{shared}")).await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("Convoy leader Amal"));
        assert!(page.body.contains("source withheld"));
        let history = app.get_with(&sarc, &format!("/incidents/{shared}/history")).await;
        assert!(!history.body.contains("Convoy leader Amal"), "history redacts source names too");
        // The reporting organisation and coordinators see all three.
        assert!(app.get_with(&who, "/incidents?q=zebra").await.body.contains("3 incidents"));
        assert!(app.get_with(&coordinator, "/incidents?q=zebra").await.body.contains("3 incidents"));
        assert!(app.get_with(&coordinator, &format!("/incidents/{secret}")).await.body.contains("Convoy leader Amal"));
        // Nor may they act on what they cannot see.
        let claim = app.post_form_with(&sarc, "/incidents", &format!("/incidents/{secret}/claims"), &[("claim_source_type", "media"), ("claim_reliability", "B"), ("claim_credibility", "2"), ("claim_date", "2018-03-01"), ("claim_statement", "x")]).await;
        assert_eq!(claim.status, 404);
    }

    async fn search_finds_other_spellings_and_references(app: TestApp) {
        seed_place(&app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
        seed_place(&app, "Harasta", "حرستا", "Rural Damascus", "Duma");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        create_incident(&app, &c, &[]).await;
        create_incident(&app, &c, &[("title", "Hospital out of service"), ("narrative", "Generator destroyed."), ("location", "Harasta")]).await;
        // Both places lie in Duma district, so "Duma" finds both; the Arabic spelling only Douma.
        // Whole words after stemming ("generators" finds "generator", "destroy" finds
        // "destroyed"), common words left out, and a trailing * for the start of a word.
        for (q, expected) in [("Duma", 2), ("دوما", 1), ("douma", 1), ("harasta", 1), ("حرستا", 1), ("generator", 1), ("hospital harasta", 1), ("rural damascus", 2), ("atlantis", 0), ("generators", 1), ("destroy", 1), ("the hospital of harasta", 1), ("Hara*", 1), ("Hara", 0), ("gener* destr*", 1)] {
            let page = app.get_with(&c, &format!("/incidents?q={}", crate::incidents::encode(q))).await;
            let wanted = if expected == 1 { "1 incident".to_string() } else { format!("{expected} incidents") };
            assert!(page.body.contains(&wanted), "search {q:?} finds {expected}");
        }
        let year = chrono::Utc::now().format("%Y").to_string();
        let by_reference = app.get_with(&c, &format!("/incidents?q=INC-{year}-000002")).await;
        assert!(by_reference.body.contains("1 incident") && by_reference.body.contains("Hospital out of service"));
        // Filters are kept in the URL (bookmarkable) and combine.
        let filtered = app.get_with(&c, "/incidents?category=movement_restriction&from=2018-02-01&to=2018-02-28&admin1=Rural+Damascus").await;
        assert!(filtered.body.contains("2 incidents"));
        let none = app.get_with(&c, "/incidents?category=hostilities").await;
        assert!(none.body.contains("0 incidents"));
    }

    async fn a_common_word_is_counted_up_to_a_limit(app: TestApp) {
        let c = signed_in(&app, "search.coordinator", Role::Coordinator, "OCHA").await;
        let loaded = app.command(&["demo", "--synthetic", "1100", "--seed", "3"]);
        assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
        let everything = app.get_with(&c, "/incidents").await;
        let total = everything.body.split("class=\"result-count\" role=\"status\">").nth(1).expect("count").split(' ').next().expect("number").replace(',', "");
        let total: usize = total.parse().expect("a number");
        assert!(total > 1100, "the list counts every record exactly: {total}");
        // Every reference holds "INC": more matches than a search counts.
        let all = app.get_with(&c, "/incidents?q=inc").await;
        assert!(all.body.contains("More than 1,000 incidents match."), "{}", all.body);
        assert!(all.body.contains("page 1 of 20"));
        // Newest records first (every record matches, so the same as the unfiltered list in
        // that order), 50 to a page.
        let refs = |body: &str| body.match_indices(">INC-").map(|(i, _)| body[i + 1..i + 16].to_string()).collect::<Vec<_>>();
        let newest = app.get_with(&c, "/incidents?sort=recorded-desc").await;
        assert_eq!(refs(&all.body).len(), 50);
        assert_eq!(refs(&all.body), refs(&newest.body));
        let second = app.get_with(&c, "/incidents?q=inc&page=2").await;
        let newest_second = app.get_with(&c, "/incidents?sort=recorded-desc&page=2").await;
        assert_eq!(refs(&second.body), refs(&newest_second.body));
        assert_ne!(refs(&second.body), refs(&all.body));
        // Another order is honoured over all the matches, not only the newest thousand.
        let oldest = app.get_with(&c, "/incidents?q=inc&sort=occurred-asc").await;
        let oldest_listed = app.get_with(&c, "/incidents?sort=occurred-asc").await;
        assert_eq!(refs(&oldest.body)[..5], refs(&oldest_listed.body)[..5]);
        // A narrower search is counted exactly.
        let narrow = app.get_with(&c, "/incidents?q=inc+flooding").await;
        assert!(!narrow.body.contains("More than"));
        // A reporter, from whom some of every slice of matches is hidden: the search walks on
        // slice by slice and finds, newest first, exactly what their own list holds.
        let r = signed_in(&app, "search.reporter", Role::Reporter, "WHO").await;
        let number = |body: &str| -> usize {
            let n = body.split("class=\"result-count\" role=\"status\">").nth(1).expect("count");
            n.split(' ').next().expect("number").replace(',', "").parse().expect("a number")
        };
        let theirs = app.get_with(&r, "/incidents?sort=recorded-desc").await;
        let visible = number(&theirs.body);
        assert!(visible < total, "some records are hidden from the reporter: {visible} of {total}");
        let searched = app.get_with(&r, "/incidents?q=inc").await;
        if visible > 1000 {
            assert!(searched.body.contains("More than 1,000 incidents match."), "{}", searched.body);
        } else {
            assert_eq!(number(&searched.body), visible, "every record they may see matches");
        }
        assert_eq!(refs(&searched.body), refs(&theirs.body));
        let last = visible.min(1000).div_ceil(50);
        let (a, b) = (format!("/incidents?q=inc&page={last}"), format!("/incidents?sort=recorded-desc&page={last}"));
        assert_eq!(refs(&app.get_with(&r, &a).await.body), refs(&app.get_with(&r, &b).await.body));
    }

    async fn duplicates_are_merged_into_the_record_kept(app: TestApp) {
        crate::convoys::places(&app);
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let kept = create_incident(&app, &who, &[]).await;
        let dup = create_incident(&app, &sarc, &[("title", "Convoy stopped near Duma"), ("claim_source_name", "Driver Sami"), ("claim_statement", "Stopped at the Wafideen checkpoint.")]).await;
        let other = create_incident(&app, &sarc, &[("title", "Another event"), ("occurred_on", "2018-02-20")]).await;
        let year = chrono::Utc::now().format("%Y").to_string();
        let kept_ref = format!("INC-{year}-{kept:06}");
        let report = |body: &str| body.split("id=\"figure-incidents\">").nth(1).and_then(|r| r.split('<').next()).map(str::to_string);
        // A convoy linked to the duplicate.
        let convoy = crate::convoys::create_convoy(&app, &c, &[]).await;
        let dup_ref = format!("INC-{year}-{dup:06}");
        let linked = app.post_form_with(&c, &format!("/convoys/{convoy}"), &format!("/convoys/{convoy}/incidents"), &[("incident_reference", &dup_ref)]).await;
        assert_eq!(linked.status, 303);
        let before = app.get_with(&c, "/reports/situation?from=2018-01-01&to=2018-12-31").await;
        assert_eq!(report(&before.body).as_deref(), Some("3"));
        let form = format!("/incidents/{dup}");
        let action = format!("/incidents/{dup}/merge");
        // Reporters may not merge; a coordinator must give the record kept and a reason.
        assert_eq!(app.post_form_with(&sarc, &form, &action, &[("merge_into", &kept_ref), ("merge_reason", "Same convoy.")]).await.status, 403);
        for (into, reason, field, message) in [
            ("", "Same convoy.", "merge_into", "Enter the reference of the record to keep."),
            (kept_ref.as_str(), "", "merge_reason", "Give the reason for the merge: it is kept in the history."),
            ("INC-1999-000001", "Same convoy.", "merge_into", "No record you can see has this reference."),
            (&format!("INC-{year}-{dup:06}"), "Same convoy.", "merge_into", "cannot be merged into itself"),
        ] {
            let bad = app.post_form_with(&c, &form, &action, &[("merge_into", into), ("merge_reason", reason)]).await;
            assert_eq!(bad.status, 422, "{into:?} {reason:?}");
            assert!(bad.body.contains(&format!("href=\"#{field}\"")), "summary links to {field}");
            assert!(bad.body.contains(message), "{message}: {}", bad.body);
            assert!(bad.body.contains(&format!("value=\"{into}\"")), "typed reference kept");
        }
        assert_eq!(app.count_where("incidents", "merged_into IS NOT NULL"), 0, "nothing merged by a refused form");
        // Merged (the reference as typed, in any case).
        let merged = app.post_form_with(&c, &form, &action, &[("merge_into", &kept_ref.to_lowercase()), ("merge_reason", "Same convoy, same day: reported by two organisations.")]).await;
        assert_eq!(merged.status, 303);
        assert_eq!(merged.location.as_deref(), Some(format!("/incidents/{kept}?done=merged").as_str()));
        // The record kept holds both claims side by side, one marked as moved, and names the duplicate.
        let kept_page = app.get_with(&c, &format!("/incidents/{kept}")).await;
        for text in ["Held nine hours; trauma kits removed.", "Stopped at the Wafideen checkpoint.", "First recorded on the duplicate", "Duplicates merged into this record:", "Duplicate merged in"] {
            assert!(kept_page.body.contains(text), "kept page shows {text:?}");
        }
        // The duplicate stays, marked, frozen, and points to the record kept.
        let dup_page = app.get_with(&c, &format!("/incidents/{dup}")).await;
        assert!(dup_page.body.contains("This record is a duplicate.") && dup_page.body.contains(&format!("href=\"/incidents/{kept}\"")));
        assert!(dup_page.body.contains("Same convoy, same day"), "the reason is in its history");
        for action in ["/claims\"", "/verification\"", "/retraction\"", "/merge\""] {
            assert!(!dup_page.body.contains(&format!("action=\"/incidents/{dup}{action}")), "no {action} form on a merged record");
        }
        let again = app.post_form_with(&c, &form, &format!("/incidents/{dup}/claims"), &[("claim_source_type", "media"), ("claim_reliability", "B"), ("claim_credibility", "2"), ("claim_date", "2018-03-01"), ("claim_statement", "x")]).await;
        assert_eq!(again.status, 403, "no claims on a merged record");
        // Nothing can be merged into a duplicate.
        let into_dup = app.post_form_with(&c, &format!("/incidents/{other}"), &format!("/incidents/{other}/merge"), &[("merge_into", &format!("INC-{year}-{dup:06}")), ("merge_reason", "x")]).await;
        assert_eq!(into_dup.status, 422);
        assert!(into_dup.body.contains("merge into the record that is kept"));
        // The list still shows it, marked; the report counts the event once.
        assert!(app.get_with(&c, "/incidents").await.body.contains("Merged duplicate"));
        let after = app.get_with(&c, "/reports/situation?from=2018-01-01&to=2018-12-31").await;
        assert_eq!(report(&after.body).as_deref(), Some("2"));
        // The CSV says which record it was merged into.
        let csv = app.get_with(&c, "/exports/incidents.csv").await.body;
        assert!(csv.lines().any(|l| l.contains("Convoy stopped near Duma") && l.contains(&kept_ref)), "{csv}");
        // History and audit trail on both records, written with the change.
        assert_eq!(app.count_where("revisions", &format!("entity_type = 'incident' AND entity_id = {dup} AND action = 'merge'")), 1);
        assert_eq!(app.count_where("revisions", &format!("entity_type = 'incident' AND entity_id = {kept} AND action = 'duplicate'")), 1);
        assert_eq!(app.count_where("audit_events", "action IN ('incident.merge', 'incident.duplicate_merged')"), 2);
        assert_eq!(app.count_where("claims", &format!("incident_id = {kept} AND merged_from = {dup}")), 1);
        // The convoy's link moved to the record kept, in the convoy's history too.
        assert_eq!(app.count_where("convoy_incidents", &format!("convoy_id = {convoy} AND incident_id = {kept}")), 1);
        assert_eq!(app.count_where("convoy_incidents", &format!("incident_id = {dup}")), 0);
        assert_eq!(app.count_where("revisions", &format!("entity_type = 'convoy' AND entity_id = {convoy} AND action = 'link'")), 2);
        let convoy_history = app.get_with(&c, &format!("/convoys/{convoy}/history")).await;
        assert!(convoy_history.body.contains("Same convoy, same day") && convoy_history.body.contains(&kept_ref));
    }

    async fn the_verification_queue_counts_a_merged_event_once(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let kept = create_incident(&app, &who, &[("title", "Convoy held at Douma")]).await;
        let dup = create_incident(&app, &sarc, &[("title", "Convoy stopped near Duma")]).await;
        let year = chrono::Utc::now().format("%Y").to_string();
        let reference = |id: i64| format!("INC-{year}-{id:06}");
        let queue = |body: String| -> Vec<String> {
            let start = body.find("Waiting for verification").expect("the queue");
            let section = &body[start..start + body[start..].find("</section>").expect("its end")];
            section.match_indices(">INC-").map(|(i, _)| section[i + 1..i + 16].to_string()).collect()
        };
        assert_eq!(queue(app.get_with(&c, "/").await.body), [reference(kept), reference(dup)]);
        let merged = app.post_form_with(&c, &format!("/incidents/{dup}"), &format!("/incidents/{dup}/merge"), &[
            ("merge_into", &reference(kept)), ("merge_reason", "The same convoy, reported twice."),
        ]).await;
        assert_eq!(merged.status, 303, "{}", merged.body);
        assert_eq!(queue(app.get_with(&c, "/").await.body), [reference(kept)], "one event, waiting once");
    }

    async fn another_organisation_cannot_act_on_a_record_it_can_see(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let id = create_incident(&app, &who, &[("sensitivity", "public")]).await;
        let show = format!("/incidents/{id}");
        assert_eq!(app.get_with(&sarc, &show).await.status, 200, "SARC sees WHO's public record");
        let page = app.get_with(&sarc, &show).await;
        for form in ["/claims\"", "/retraction\""] {
            assert!(!page.body.contains(&format!("action=\"{show}{form}")), "no {form} form offered to another organisation");
        }
        let before = app.dump();
        let claim = app.post_form_with(&sarc, &show, &format!("{show}/claims"), &[
            ("claim_source_type", "media"), ("claim_source_name", "Radio X"), ("claim_reliability", "B"),
            ("claim_credibility", "2"), ("claim_date", "2018-03-01"), ("claim_statement", "It was worse."),
        ]).await;
        assert_eq!(claim.status, 403, "a claim on another organisation's record: {}", claim.body);
        let retraction = app.post_form_with(&sarc, &show, &format!("{show}/retraction"), &[("reason", "Not true.")]).await;
        assert_eq!(retraction.status, 403, "retracting another organisation's record: {}", retraction.body);
        assert_eq!(crate::helpers::dump_changes(&before, &app.dump()), vec![], "nothing written");
        // The reporting organisation may do both.
        let own = app.post_form_with(&who, &show, &format!("{show}/claims"), &[
            ("claim_source_type", "media"), ("claim_source_name", "Radio X"), ("claim_reliability", "B"),
            ("claim_credibility", "2"), ("claim_date", "2018-03-01"), ("claim_statement", "It was worse."),
        ]).await;
        assert_eq!(own.status, 303, "{}", own.body);
        let own = app.post_form_with(&who, &show, &format!("{show}/retraction"), &[("reason", "Entered twice.")]).await;
        assert_eq!(own.status, 303, "{}", own.body);
    }

    async fn home_pages_by_role(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let reporter = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let auditor = signed_in(&app, "hana.auditor", Role::Auditor, "OCHA").await;
        create_incident(&app, &reporter, &[("title", "Queued for verification")]).await;
        create_incident(&app, &reporter, &[("title", "Still a draft"), ("status", "draft")]).await;
        let home = app.get_with(&reporter, "/").await;
        assert!(home.body.contains("drafts</h2>"), "{}", home.body);
        assert!(home.body.contains("Still a draft"));
        // The drafts' own list holds the draft alone (read through the drafts' index).
        let drafts = home.body.split("<section aria-labelledby=\"drafts-title\">").nth(1).unwrap();
        let drafts = drafts.split("</section>").next().unwrap();
        assert!(drafts.contains("Still a draft") && !drafts.contains("Queued for verification"), "{drafts}");
        let queue = app.get_with(&coordinator, "/").await;
        assert!(queue.body.contains("Waiting for verification"));
        assert!(queue.body.contains("Queued for verification"));
        assert!(!queue.body.contains("Still a draft"), "drafts are not in the queue");
        let changes = app.get_with(&auditor, "/").await;
        assert!(changes.body.contains("Recent changes"));
        assert!(changes.body.contains("omar.reporter"));
    }
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    corridor::web::urlencode(s)
}
