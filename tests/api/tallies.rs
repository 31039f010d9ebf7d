//! The incident list counts from tallies that database triggers keep (issue 18): after creates
//! of every sensitivity and status, an edit that changes category and sensitivity, a
//! verification, a retraction and a merge, every count the tallies answer must equal the count
//! of the same filter taken row by row (one place, which no tally answers), for a coordinator
//! and for reporters of two organisations. Date ranges likewise (whole months from the monthly
//! tallies, cut months row by row), after edits that move a record to another month. Areas
//! likewise (governorate and district, the list and the map), after an incident moved to
//! another place, a place's governorate corrected and a duplicate place merged. The same for
//! convoys and needs, over the demo scenario and synthetic records (whose needs have had
//! deliveries).

use corridor::domain::Role;

use crate::helpers::TestApp;
use crate::incidents::{create_incident, incident_form, post, seed_place, signed_in};

/// A filter every test incident at `place` matches that no tally answers (one place), so the
/// list counts its rows one by one.
fn by_rows(place: i64) -> String {
    format!("location={place}")
}

/// Saves `changes` on incident `id` through its edit form.
async fn edit(app: &TestApp, c: &reqwest::Client, id: i64, changes: &[(&str, &str)]) {
    let form = app.get_with(c, &format!("/incidents/{id}/edit")).await;
    let version = form.input_value("version");
    let mut fields = incident_form(changes);
    fields.push(("version".into(), version));
    fields.push(("csrf_token".into(), form.csrf()));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = app
        .post_raw_with(c, &format!("/incidents/{id}"), &fields)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

/// The number in the list's "N incidents" line.
async fn listed(app: &TestApp, c: &reqwest::Client, query: &str) -> i64 {
    counted(app, c, &format!("/incidents?{query}")).await
}

/// The number in a list page's "N found" line.
pub async fn counted(app: &TestApp, c: &reqwest::Client, path_and_query: &str) -> i64 {
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
        let douma = seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
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
        edit(&app, &who, edited, &[("category", "interference"), ("sensitivity", "confidential")]).await;

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
                let counted = listed(&app, c, &format!("{filter}&{}", by_rows(douma))).await;
                assert_eq!(tallied, counted, "{who_name}, {filter:?}: the tallies agree with the rows");
            }
        }
    }
}

both_backends! {
    async fn date_range_counts_from_monthly_tallies_equal_counts_row_by_row(app: TestApp) {
        let douma = seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        // Days around a year's end and a leap February, of every sensitivity and a draft.
        let mut ids = Vec::new();
        for (c, day, change) in [
            (&who, "2023-12-31", ("sensitivity", "public")),
            (&who, "2024-01-01", ("sensitivity", "confidential")),
            (&sarc, "2024-01-31", ("category", "violence_against_aid")),
            (&sarc, "2024-02-01", ("status", "draft")),
            (&who, "2024-02-29", ("sensitivity", "restricted")),
            (&sarc, "2024-03-01", ("sensitivity", "confidential")),
            (&who, "2024-03-15", ("sensitivity", "public")),
        ] {
            let dated = [("occurred_on", day), ("reported_on", day), ("claim_date", day), change];
            ids.push(create_incident(&app, c, &dated).await);
        }
        // Moved to another month (the update trigger), and within one (no change of month).
        let leap_day = [("occurred_on", "2024-04-02"), ("reported_on", "2024-04-02"), ("claim_date", "2024-04-02")];
        edit(&app, &who, ids[4], &leap_day).await;
        let later = [("occurred_on", "2024-01-20"), ("reported_on", "2024-01-20"), ("claim_date", "2024-01-20"), ("sensitivity", "confidential")];
        edit(&app, &who, ids[1], &later).await;
        let show = format!("/incidents/{}", ids[6]);
        let done = app.post_form_with(&who, &show, &format!("{show}/retraction"), &[("reason", "Recorded twice.")]).await;
        assert_eq!(done.status, 303, "{}", done.body);

        // February holds only the draft now; the coordinator sees it, WHO does not.
        assert_eq!(listed(&app, &coordinator, "from=2024-02-01&to=2024-02-29").await, 1);
        assert_eq!(listed(&app, &who, "from=2024-02-01&to=2024-02-29").await, 0);
        assert_eq!(listed(&app, &coordinator, "from=2024-01-01&to=2024-12-31").await, 6);
        for (who_name, c) in [("coordinator", &coordinator), ("WHO reporter", &who), ("SARC reporter", &sarc)] {
            for range in ["from=2024-01-01&to=2024-12-31", "from=2024-01-01&to=2024-02-29", "from=2024-01-31&to=2024-03-01",
                          "from=2023-12-31&to=2024-01-01", "from=2024-01-02&to=2024-01-30", "from=2024-02-01", "from=2024-01-21",
                          "to=2024-01-31", "to=2024-03-14", "from=2024-03-02&to=2024-02-01"] {
                for filter in ["", "&category=movement_restriction", "&status=draft", "&sensitivity=confidential"] {
                    let query = format!("{range}{filter}");
                    let tallied = listed(&app, c, &query).await;
                    let counted = listed(&app, c, &format!("{query}&{}", by_rows(douma))).await;
                    assert_eq!(tallied, counted, "{who_name}, {query}: the monthly tallies agree with the rows");
                }
            }
        }
    }
}

/// The figure the map gives `governorate` for `query` ('' when it has no row).
async fn mapped(app: &TestApp, c: &reqwest::Client, query: &str, governorate: &str) -> String {
    let page = app.get_with(c, &format!("/incidents/map?{query}")).await;
    assert_eq!(page.status, 200, "{query}: {}", page.body);
    crate::map::figure(&page.body, governorate)
}

/// Saves a place's governorate and district through its edit form (one English name).
async fn correct_place(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    name: &str,
    admin1: &str,
    admin2: &str,
) {
    let path = format!("/places/{id}");
    let version = app
        .get_with(c, &format!("{path}/edit"))
        .await
        .input_value("version");
    let fields: Vec<(String, String)> = [
        ("name_text", name),
        ("name_language", "en"),
        ("name_preferred", "0"),
        ("kind", "town"),
        ("admin1", admin1),
        ("admin2", admin2),
        ("admin3", ""),
        ("pcode", ""),
        ("country_code", "sy"),
        ("latitude", ""),
        ("longitude", ""),
        ("version", &version),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let saved = post(app, c, &format!("{path}/edit"), &path, &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
}

both_backends! {
    async fn area_counts_and_the_map_from_area_tallies_equal_counts_row_by_row(app: TestApp) {
        let douma = seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        seed_place(&app, "Harasta", "", "Rural Damascus", "Duma");
        seed_place(&app, "Aleppo city", "", "Aleppo", "Jebel Saman");
        // Typed under the wrong governorate, corrected below.
        let tal_rifaat = seed_place(&app, "Tal Rifaat", "", "Idleb", "Azaz");
        let doumah = seed_place(&app, "Doumah", "", "Rural Damascus", "Duma");
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;

        let public = create_incident(&app, &who, &[("sensitivity", "public")]).await;
        let moved = create_incident(&app, &who, &[("location", "Harasta"), ("sensitivity", "restricted")]).await;
        create_incident(&app, &who, &[("location", "Tal Rifaat"), ("status", "draft")]).await;
        create_incident(&app, &sarc, &[("location", "Aleppo city"), ("sensitivity", "confidential")]).await;
        let retracted = create_incident(&app, &sarc, &[("location", "Tal Rifaat"), ("category", "violence_against_aid")]).await;
        create_incident(&app, &sarc, &[("location", "Doumah")]).await;
        let duplicate = create_incident(&app, &sarc, &[("location", "Aleppo city")]).await;

        // An incident moved to a place in another governorate, nothing else changed.
        edit(&app, &who, moved, &[("location", "Aleppo city"), ("sensitivity", "restricted")]).await;
        let show = format!("/incidents/{retracted}");
        let done = app.post_form_with(&sarc, &show, &format!("{show}/retraction"), &[("reason", "Recorded twice.")]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let year = chrono::Utc::now().format("%Y");
        let show = format!("/incidents/{duplicate}");
        let merged = app.post_form_with(&coordinator, &show, &format!("{show}/merge"), &[("merge_into", &format!("INC-{year}-{public:06}")), ("merge_reason", "The same convoy.")]).await;
        assert_eq!(merged.status, 303, "{}", merged.body);
        // A place's governorate corrected (its two incidents move with it), and a duplicate
        // place merged into Douma (its incident moves to Douma's place, in the same area).
        correct_place(&app, &coordinator, tal_rifaat, "Tal Rifaat", "Aleppo", "Azaz").await;
        let path = format!("/places/{doumah}");
        let fields = [("merge_into", douma.to_string()), ("merge_reason", "Same town.".to_string())]
            .map(|(k, v)| (k.to_string(), v));
        let merged = post(&app, &coordinator, &path, &format!("{path}/merge"), &fields).await;
        assert_eq!(merged.status, 303, "{}", merged.body);

        // Known answers first (so that agreeing with the rows is not agreeing on nothing).
        assert_eq!(listed(&app, &coordinator, "admin1=Aleppo").await, 5);
        assert_eq!(listed(&app, &coordinator, "admin1=Rural%20Damascus").await, 2);
        assert_eq!(listed(&app, &coordinator, "admin1=Idleb").await, 0, "the corrected place left Idleb");
        assert_eq!(listed(&app, &who, "admin1=Aleppo").await, 4, "not SARC's confidential incident");
        assert_eq!(mapped(&app, &coordinator, "", "Aleppo").await, "5");
        assert_eq!(mapped(&app, &sarc, "", "Aleppo").await, "4", "WHO's restricted incident, not its draft");

        // A date every incident matches makes the list and the map count row by row.
        const BY_ROWS: &str = "&from=1000-01-01";
        for (who_name, c) in [("coordinator", &coordinator), ("WHO reporter", &who), ("SARC reporter", &sarc)] {
            for area in ["admin1=Aleppo", "admin1=Rural%20Damascus", "admin1=Idleb", "admin2=Duma", "admin2=Azaz",
                         "admin1=Aleppo&admin2=Jebel%20Saman", "admin1=Aleppo&admin2=Duma",
                         "admin1=Aleppo&admin2=Azaz", "admin1=Idleb&admin2=Azaz"] {
                for filter in ["", "&category=interference", "&category=violence_against_aid", "&status=draft",
                               "&sensitivity=confidential", "&verification=unverified"] {
                    let query = format!("{area}{filter}");
                    let tallied = listed(&app, c, &query).await;
                    let counted = listed(&app, c, &format!("{query}{BY_ROWS}")).await;
                    assert_eq!(tallied, counted, "{who_name}, {query}: the area tallies agree with the rows");
                }
            }
            for filter in ["", "category=interference", "sensitivity=confidential", "admin2=Azaz"] {
                for governorate in ["Aleppo", "Rural Damascus", "Idleb"] {
                    let tallied = mapped(&app, c, filter, governorate).await;
                    let counted = mapped(&app, c, &format!("{filter}{BY_ROWS}"), governorate).await;
                    assert_eq!(tallied, counted, "{who_name}, map of {filter:?}, {governorate}");
                }
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

both_backends! {
    /// The list's counts and the map's figures are kept between requests
    /// (`incidents::kept_answers`): each asked again after a write of an incident, through a
    /// page or by plain SQL, or of a place, is counted afresh; and each viewer is given their
    /// own scope's, never another's.
    async fn kept_answers_follow_every_write(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let tal_rifaat = seed_place(&app, "Tal Rifaat", "", "Idleb", "Azaz");
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        create_incident(&app, &who, &[]).await;
        const YEAR: &str = "from=2018-01-01&to=2018-12-31";
        // A search's count (up to 1,001) is kept as the others are.
        const SEARCH: &str = "q=convoy";
        for query in ["", YEAR, SEARCH] {
            for c in [&coordinator, &who, &sarc] {
                assert_eq!(listed(&app, c, query).await, 1, "{query:?}");
            }
        }
        // Through a page: WHO's confidential record, counted for WHO and the coordinator only.
        create_incident(&app, &who, &[("sensitivity", "confidential")]).await;
        for query in ["", YEAR, SEARCH] {
            assert_eq!(listed(&app, &coordinator, query).await, 2, "{query:?}");
            assert_eq!(listed(&app, &who, query).await, 2, "{query:?}");
            assert_eq!(listed(&app, &sarc, query).await, 1, "{query:?}: not another's count");
        }
        // By SQL, as another server or a command-line job writes.
        assert_eq!(listed(&app, &coordinator, "category=interference").await, 0);
        app.sql("UPDATE incidents SET category = 'interference'").expect("recategorised");
        assert_eq!(listed(&app, &coordinator, "category=interference").await, 2);
        assert_eq!(listed(&app, &sarc, "category=interference").await, 1);
        assert_eq!(listed(&app, &coordinator, "").await, 2, "the whole list unchanged");
        // The map's figures, kept the same way: each viewer's own.
        assert_eq!(mapped(&app, &coordinator, "", "Rural Damascus").await, "2");
        assert_eq!(mapped(&app, &sarc, "", "Rural Damascus").await, "1", "not another's figures");
        // A place's governorate corrected: the area's counts and the map follow it.
        create_incident(&app, &who, &[("location", "Tal Rifaat")]).await;
        assert_eq!(listed(&app, &coordinator, "admin1=Aleppo").await, 0);
        assert_eq!(listed(&app, &coordinator, "admin1=Idleb").await, 1);
        assert_eq!(mapped(&app, &coordinator, "", "Aleppo").await, "");
        assert_eq!(mapped(&app, &coordinator, "", "Idleb").await, "1");
        correct_place(&app, &coordinator, tal_rifaat, "Tal Rifaat", "Aleppo", "Azaz").await;
        assert_eq!(listed(&app, &coordinator, "admin1=Aleppo").await, 1);
        assert_eq!(listed(&app, &coordinator, "admin1=Idleb").await, 0);
        assert_eq!(mapped(&app, &coordinator, "", "Aleppo").await, "1");
        assert_eq!(mapped(&app, &coordinator, "", "Idleb").await, "");
        // An incident written: the map follows.
        create_incident(&app, &who, &[("location", "Tal Rifaat")]).await;
        assert_eq!(mapped(&app, &coordinator, "", "Aleppo").await, "2");
    }
}

both_backends! {
    /// The convoy and need lists' counts are kept between requests as the incidents' are
    /// (`db::kept_answers`, under their kinds' rows of `record_changes`): each asked again after a
    /// write, through a page or by plain SQL, is counted afresh, and each viewer is given their
    /// own scope's.
    async fn convoy_and_need_counts_kept_follow_every_write(app: TestApp) {
        crate::convoys::places(&app);
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        crate::convoys::create_convoy(&app, &who, &[]).await;
        crate::convoys::create_need(&app, &who, &[]).await;
        const LISTS: [&str; 4] = ["/convoys?", "/convoys?status=planned", "/needs?", "/needs?urgency=critical"];
        for list in LISTS {
            for c in [&coordinator, &who, &sarc] {
                assert_eq!(counted(&app, c, list).await, 1, "{list}");
            }
        }
        // Through a page: WHO's confidential records, counted for WHO and the coordinator only.
        crate::convoys::create_convoy(&app, &who, &[("sensitivity", "confidential")]).await;
        crate::convoys::create_need(&app, &who, &[("sensitivity", "confidential")]).await;
        for list in LISTS {
            assert_eq!(counted(&app, &coordinator, list).await, 2, "{list}");
            assert_eq!(counted(&app, &who, list).await, 2, "{list}");
            assert_eq!(counted(&app, &sarc, list).await, 1, "{list}: not another's count");
        }
        // By SQL, as another server or a command-line job writes.
        for (list, write) in [
            ("/convoys?status=blocked", "UPDATE convoys SET status = 'blocked'"),
            ("/needs?urgency=high", "UPDATE needs SET urgency = 'high', urgency_rank = 1"),
        ] {
            assert_eq!(counted(&app, &coordinator, list).await, 0, "{list}");
            assert_eq!(counted(&app, &sarc, list).await, 0, "{list}");
            app.sql(write).expect("written");
            assert_eq!(counted(&app, &coordinator, list).await, 2, "{list}");
            assert_eq!(counted(&app, &sarc, list).await, 1, "{list}");
        }
        assert_eq!(counted(&app, &coordinator, "/convoys?status=planned").await, 0);
        assert_eq!(counted(&app, &coordinator, "/needs?urgency=critical").await, 0);
    }
}
