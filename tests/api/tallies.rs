//! The incident list counts from tallies that database triggers keep (issue 18): after creates
//! of every sensitivity and status, an edit that changes category and sensitivity, a
//! verification, a retraction and a merge, every count the tallies answer must equal the count
//! of the same filter taken row by row (a date filter the tallies cannot answer), for a
//! coordinator and for reporters of two organisations. The same for convoys and needs, over the
//! demo scenario and synthetic records (whose needs have had deliveries).

use corridor::domain::Role;

use crate::helpers::TestApp;
use crate::incidents::{create_incident, incident_form, seed_place, signed_in};

/// The number in the list's "N incidents" line.
async fn listed(app: &TestApp, c: &reqwest::Client, query: &str) -> i64 {
    counted(app, c, &format!("/incidents?{query}")).await
}

/// The number in a list page's "N found" line.
async fn counted(app: &TestApp, c: &reqwest::Client, path_and_query: &str) -> i64 {
    let (page, query) = (app.get_with(c, path_and_query).await, path_and_query);
    assert_eq!(page.status, 200, "{query}: {}", page.body);
    page.body
        .split("class=\"result-count\" role=\"status\">")
        .nth(1)
        .map(|r| {
            r.chars()
                .take_while(|ch| ch.is_ascii_digit() || *ch == ',')
                .filter(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{query}: no count in the page"))
}

both_backends! {
    async fn list_counts_from_tallies_equal_counts_row_by_row(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;

        let public = create_incident(&app, &who, &[("sensitivity", "public")]).await;
        let edited = create_incident(&app, &who, &[("sensitivity", "restricted")]).await;
        create_incident(&app, &who, &[("status", "draft")]).await;
        let retracted = create_incident(&app, &sarc, &[("category", "violence_against_aid")]).await;
        create_incident(&app, &sarc, &[("sensitivity", "confidential")]).await;
        let duplicate = create_incident(&app, &sarc, &[]).await;

        // An edit moving a record to another category and from restricted to confidential.
        let form = app.get_with(&who, &format!("/incidents/{edited}/edit")).await;
        let mut fields = incident_form(&[
            ("category", "interference"),
            ("sensitivity", "confidential"),
            ("version", &form.input_value("version")),
        ]);
        fields.push(("csrf_token".into(), form.csrf()));
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw_with(&who, &format!("/incidents/{edited}"), &fields).await;
        assert_eq!(saved.status, 303, "{}", saved.body);

        let show = format!("/incidents/{public}");
        let verified = app.post_form_with(&coordinator, &show, &format!("{show}/verification"), &[("verification", "confirmed"), ("reason", "Two sources agree.")]).await;
        assert_eq!(verified.status, 303, "{}", verified.body);
        let show = format!("/incidents/{retracted}");
        let done = app.post_form_with(&sarc, &show, &format!("{show}/retraction"), &[("reason", "Recorded twice.")]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let year = chrono::Utc::now().format("%Y");
        let show = format!("/incidents/{duplicate}");
        let merged = app.post_form_with(&coordinator, &show, &format!("{show}/merge"), &[("merge_into", &format!("INC-{year}-{public:06}")), ("merge_reason", "The same convoy.")]).await;
        assert_eq!(merged.status, 303, "{}", merged.body);

        // What each sees, counted both ways.
        for (who_name, c, everything) in [("coordinator", &coordinator, 6), ("WHO reporter", &who, 5), ("SARC reporter", &sarc, 4)] {
            assert_eq!(listed(&app, c, "").await, everything, "{who_name}: all the records they may see");
            for filter in ["", "category=interference", "category=movement_restriction", "status=submitted", "status=draft",
                           "verification=confirmed", "verification=unverified", "sensitivity=confidential", "sensitivity=restricted"] {
                let tallied = listed(&app, c, filter).await;
                let counted = listed(&app, c, &format!("{filter}&from=1900-01-01")).await;
                assert_eq!(tallied, counted, "{who_name}, {filter:?}: the tallies agree with the rows");
            }
        }
    }
}

both_backends! {
    async fn convoy_and_need_counts_from_tallies_equal_counts_row_by_row(app: TestApp) {
        let loaded = app.command(&["demo", "--synthetic", "200", "--seed", "7"]);
        assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
        let coordinator = signed_in(&app, "test.coordinator", Role::Coordinator, "OCHA").await;
        let who = signed_in(&app, "test.reporter", Role::Reporter, "WHO").await;
        for (who_name, c) in [("coordinator", &coordinator), ("WHO reporter", &who)] {
            // A date (convoys) or a facility matching every name (needs) is counted row by row.
            for (tallied, by_rows) in [
                ("/convoys?", "/convoys?from=1900-01-01"),
                ("/convoys?status=blocked", "/convoys?status=blocked&from=1900-01-01"),
                ("/convoys?status=delivered", "/convoys?status=delivered&from=1900-01-01"),
                ("/needs?", "/needs?facility=%25"),
                ("/needs?urgency=critical&status=open", "/needs?urgency=critical&status=open&facility=%25"),
                ("/needs?status=partially_met", "/needs?status=partially_met&facility=%25"),
                ("/needs?item=insulin", "/needs?item=insulin&facility=%25"),
            ] {
                let (t, r) = (counted(&app, c, tallied).await, counted(&app, c, by_rows).await);
                assert_eq!(t, r, "{who_name}, {tallied}: the tallies agree with the rows");
            }
        }
        let everything = counted(&app, &coordinator, "/needs?").await;
        assert!(everything > counted(&app, &who, "/needs?").await, "the reporter's count leaves out confidential needs");
    }
}
