//! Figures say what was reported, event tags, history and the audit trail in words, and the
//! situation report's verification filter, counts, summary and print (issue 15, part A).

use corridor::domain::Role;
use diesel::prelude::*;

use crate::helpers::{Page, TestApp};
use crate::incidents::{create_incident, incident_form, post, seed_place, signed_in};

const PERIOD: &str = "/reports/situation?from=2018-01-01&to=2018-12-31";

/// The text of the element with `id` (up to its first tag).
fn text_of(page: &Page, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    page.body
        .split(&marker)
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_else(|| panic!("no #{id}: {}", page.body))
        .trim()
        .to_string()
}

/// The part of the page between two markers (a table, a section).
fn between<'a>(page: &'a Page, start: &str, end: &str) -> &'a str {
    let from = page
        .body
        .split_once(start)
        .unwrap_or_else(|| panic!("no {start}: {}", page.body))
        .1;
    from.split_once(end).map_or(from, |(inside, _)| inside)
}

/// Creates an incident from the standard form with `changes`, and `extra` pairs added (names
/// that repeat, such as event tags).
async fn create_with(
    app: &TestApp,
    c: &reqwest::Client,
    changes: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> i64 {
    let mut fields = incident_form(changes);
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let page = post(app, c, "/incidents/new", "/incidents", &fields).await;
    assert_eq!(page.status, 303, "create failed: {}", page.body);
    page.location
        .expect("redirect")
        .trim_start_matches("/incidents/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn verify(app: &TestApp, c: &reqwest::Client, id: i64, status: &str) {
    let show = format!("/incidents/{id}");
    let page = app
        .post_form_with(
            c,
            &show,
            &format!("{show}/verification"),
            &[
                ("verification", status),
                ("reason", "Checked with two sources."),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
}

both_backends! {
    async fn unknown_figures_are_never_summed_as_zero_and_say_on_how_many_they_were_reported(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let one = create_incident(&app, &c, &[("civilians_killed", "5"), ("people_affected", "")]).await;
        create_incident(&app, &c, &[("people_affected", "")]).await;
        create_incident(&app, &c, &[("people_affected", "")]).await;
        let report = app.get_with(&c, PERIOD).await;
        assert_eq!(report.status, 200, "{}", report.body);
        assert_eq!(text_of(&report, "figure-killed"), "5");
        assert_eq!(text_of(&report, "figure-killed-reported"), "reported on 1 of 3 incidents");
        // Nobody reported an injury: not "0 civilians injured".
        assert_eq!(text_of(&report, "figure-injured"), "–");
        assert_eq!(text_of(&report, "figure-injured-reported"), "reported on 0 of 3 incidents");
        // The incident page shows what was reported, and one line for the rest.
        let page = app.get_with(&c, &format!("/incidents/{one}")).await;
        assert!(page.body.contains("Civilians killed"), "{}", page.body);
        assert_eq!(text_of(&page, "figures-not-reported"), "The other 10 figures were not reported.");
        assert!(!page.body.contains(">not reported<"), "no row per unreported figure");
    }

    async fn an_area_over_a_period_is_reported_beside_not_added_into_totals(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        seed_place(&app, "Harasta", "", "Rural Damascus", "Harasta");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        create_incident(&app, &c, &[("civilians_killed", "10"), ("people_affected", "")]).await;
        // Area-over-period figures must say which area and period.
        let area = [
            ("location", "Harasta"), ("civilians_killed", "1,100"), ("people_affected", ""),
            ("figures_qualifier", "at_least"), ("figures_scope", "area_period"),
        ];
        let refused = post(&app, &c, "/incidents/new", "/incidents", &incident_form(&area)).await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("Enter the area and period the figures cover"), "{}", refused.body);
        let mut with_area = area.to_vec();
        with_area.push(("figures_area_period", "Eastern Ghouta, past three weeks"));
        let id = create_incident(&app, &c, &with_area).await;
        let page = app.get_with(&c, &format!("/incidents/{id}")).await;
        assert!(text_of(&page, "figures-scope").starts_with("At least (“over 1,100”) · An area over a period"), "{}", page.body);

        let report = app.get_with(&c, PERIOD).await;
        assert_eq!(text_of(&report, "figure-killed"), "10", "the area's 1,100 is not added in");
        assert_eq!(text_of(&report, "figure-killed-reported"), "reported on 1 of 1 incidents");
        assert_eq!(text_of(&report, "figure-incidents"), "2");
        let beside = between(&report, "id=\"area-figures\"", "</table>");
        assert!(beside.contains("at least 1,100") && beside.contains("Eastern Ghouta, past three weeks"), "{beside}");
        // Key incidents: the most killed and injured first, an area's figures counting as none
        // (the 1,100 would otherwise rank it first).
        create_incident(&app, &c, &[("title", "Shelling of the bakery queue"), ("civilians_killed", "3"), ("civilians_injured", "20"), ("people_affected", "")]).await;
        let report = app.get_with(&c, PERIOD).await;
        let key = between(&report, "id=\"key-incidents\"", "</table>");
        let order: Vec<usize> = [">Shelling of the bakery queue<", ">10<", ">1,100 "]
            .iter()
            .map(|m| key.find(m).unwrap_or_else(|| panic!("{m} not among the key incidents: {key}")))
            .collect();
        assert!(order[0] < order[1] && order[1] < order[2], "{key}");
        // Places most affected: Harasta's killed are not the area's figure.
        let places = between(&report, "id=\"places-title\"", "</table>");
        let harasta = places.split("Harasta").nth(1).expect("Harasta listed");
        assert!(!harasta.split("</tr>").next().unwrap().contains("1,100"), "{places}");
        // The exports and the API carry the scope.
        let csv = app.get_with(&c, "/exports/incidents.csv").await;
        assert!(csv.body.lines().next().unwrap().ends_with("figures_qualifier,figures_scope,figures_area_period,event_tags"), "{}", csv.body);
        assert!(csv.body.contains("at_least,area_period,\"Eastern Ghouta, past three weeks\""), "{}", csv.body);
    }

    async fn event_tags_filter_the_list_and_are_counted_in_the_report(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let leaflets = create_with(&app, &c, &[("title", "Leaflets order civilians out")], &[("event_tags", "displacement_order"), ("event_tags", "siege")]).await;
        create_with(&app, &c, &[("title", "Enclave encircled")], &[("event_tags", "siege")]).await;
        create_with(&app, &c, &[("title", "Checkpoint delay")], &[]).await;
        let refused = post(&app, &c, "/incidents/new", "/incidents", &{
            let mut f = incident_form(&[]);
            f.push(("event_tags".into(), "spaceship".into()));
            f
        }).await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("Choose event tags from the list."));

        let page = app.get_with(&c, &format!("/incidents/{leaflets}")).await;
        assert_eq!(text_of(&page, "event-tags"), "Order to leave (leaflets, warnings); Siege or encirclement");
        let list = app.get_with(&c, "/incidents?tag=displacement_order").await;
        assert!(list.body.contains("Leaflets order civilians out"));
        assert!(!list.body.contains("Enclave encircled") && !list.body.contains("Checkpoint delay"));
        let sieges = app.get_with(&c, "/incidents?tag=siege").await;
        assert!(sieges.body.contains("Enclave encircled") && !sieges.body.contains("Checkpoint delay"));

        let report = app.get_with(&c, PERIOD).await;
        let tags = between(&report, "id=\"report-tags\"", "</table>");
        assert!(tags.contains("Siege or encirclement</td><td class=\"num\">2"), "{tags}");
        assert!(tags.contains("Order to leave (leaflets, warnings)</td><td class=\"num\">1"), "{tags}");
        let hxl = app.get_with(&c, "/exports/incidents.csv?hxl=1").await;
        assert!(hxl.body.contains("#event+type+tags"), "{}", hxl.body);
        assert!(hxl.body.contains("\"displacement_order,siege\""), "{}", hxl.body);
    }

    async fn history_speaks_words_in_the_form_order(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let id = create_incident(&app, &c, &[]).await;
        let history = app.get_with(&c, &format!("/incidents/{id}/history")).await;
        assert_eq!(history.status, 200);
        let first = between(&history, "<table class=\"table changes\">", "</table>");
        assert!(first.contains("Own staff, A – completely reliable, 1 – confirmed by other sources, 26 February 2018: Held nine hours"), "{first}");
        assert!(!first.contains("own_staff") && !first.contains("(A1)"), "{first}");
        // Nothing the record was created without ("Retracted: No → No").
        assert!(!first.contains("Retracted"), "{first}");
        let at = |label: &str| first.find(&format!("<th scope=\"row\">{label}</th>")).unwrap_or_else(|| panic!("{label}: {first}"));
        assert!(at("Title") < at("What happened") && at("What happened") < at("Access constraint") && at("Access constraint") < at("Sensitivity"), "{first}");
    }

    async fn the_audit_trail_names_actions_and_records_in_words(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let id = create_incident(&app, &c, &[("title", "Old title")]).await;
        let edit = format!("/incidents/{id}/edit");
        let form = app.get_with(&c, &edit).await;
        let mut fields = incident_form(&[("title", "New title")]);
        fields.push(("version".into(), form.input_value("version")));
        let saved = post(&app, &c, &edit, &format!("/incidents/{id}"), &fields).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let auditor = signed_in(&app, "hana.auditor", Role::Auditor, "OCHA").await;
        let trail = app.get_with(&auditor, "/audit").await;
        let reference = format!("INC-{}-000001", chrono::Utc::now().format("%Y"));
        assert!(trail.body.contains(&format!("<a href=\"/incidents/{id}\" class=\"audit-record\">{reference}</a>")), "{}", trail.body);
        assert!(trail.body.contains("Incident changed") && !trail.body.contains("<code>incident.update</code>"));
        assert!(trail.body.contains("<select id=\"entity_type\" name=\"entity_type\">") && trail.body.contains("<option value=\"incident\">Incident</option>"), "record type is a choice");
        let only = app.get_with(&auditor, "/audit?entity_type=incident").await;
        assert!(only.body.contains("<option value=\"incident\" selected>"));

        let db = app.db();
        let mut conn = db.conn().unwrap();
        use corridor::db::schema::audit_events;
        let event: i64 = audit_events::table
            .filter(audit_events::action.eq("incident.update"))
            .select(audit_events::id)
            .first(&mut conn)
            .unwrap();
        let shown = app.get_with(&auditor, &format!("/audit/{event}")).await;
        assert_eq!(shown.status, 200);
        let changes = between(&shown, "id=\"audit-changes\"", "</table>");
        assert!(changes.contains("<th scope=\"row\">Title</th><td dir=\"auto\">Old title</td><td dir=\"auto\">New title</td>"), "{changes}");
        assert!(shown.body.contains(&format!("<a href=\"/incidents/{id}\" id=\"audit-record\">{reference}</a>")));
        // The JSON is still there for whoever wants it, folded away.
        assert!(between(&shown, "<details class=\"audit-raw\">", "</details>").contains("<pre class=\"details\">"));
    }

    async fn the_report_filters_by_verification_counts_the_unverified_and_keeps_a_summary(app: TestApp) {
        seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let disputed = create_incident(&app, &c, &[("title", "Chlorine alleged")]).await;
        let corroborated = create_incident(&app, &c, &[("title", "Convoy held")]).await;
        create_incident(&app, &c, &[("title", "Clinic closed")]).await;
        verify(&app, &c, disputed, "disputed").await;
        verify(&app, &c, corroborated, "corroborated").await;

        let all = app.get_with(&c, PERIOD).await;
        assert_eq!(text_of(&all, "figure-incidents"), "3");
        assert_eq!(text_of(&all, "figure-verification"), "1 unverified, 1 disputed");
        assert!(between(&all, "id=\"key-incidents\"", "</table>").contains("<strong class=\"tag tag-disputed\">Disputed</strong>"));
        assert_eq!(text_of(&all, "report-issuer"), "Issued by");
        assert!(all.body.contains("<bdi>OCHA</bdi>") && all.body.contains("Print or save as PDF"));
        let list = app.get_with(&c, "/incidents").await;
        assert!(list.body.contains("<strong class=\"tag tag-disputed\">Disputed</strong>"), "marked where listed");

        let only = app.get_with(&c, &format!("{PERIOD}&verification=corroborated&verification=confirmed")).await;
        assert_eq!(text_of(&only, "figure-incidents"), "1");
        assert!(only.body.contains("Convoy held") && !only.body.contains("Chlorine alleged"));
        assert_eq!(text_of(&only, "report-verification"), "Corroborated; Confirmed");
        let bad = app.get_with(&c, &format!("{PERIOD}&verification=rumour")).await;
        assert_eq!(bad.status, 422);

        // The summary is kept with these parameters, audited, and shown to whoever makes them.
        let url = format!("{PERIOD}&verification=corroborated");
        let saved = app.post_form_with(&c, &url, "/reports/summary", &[
            ("from", "2018-01-01"), ("to", "2018-12-31"), ("verification", "corroborated"),
            ("audience", "internal"), ("summary", "Access to Douma worsened through February."),
        ]).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(app.count("audit_events WHERE action = 'report.summary'"), 1);
        let auditor = signed_in(&app, "hana.auditor", Role::Auditor, "OCHA").await;
        let again = app.get_with(&auditor, &url).await;
        assert_eq!(text_of(&again, "report-summary"), "Access to Douma worsened through February.");
        assert!(!again.body.contains("action=\"/reports/summary\""), "auditors read it, coordinators write it");
        let other = app.get_with(&c, PERIOD).await;
        assert!(!other.body.contains("Access to Douma worsened"), "kept with its own parameters");
        let too_long = "x".repeat(3_001);
        let refused = app.post_form_with(&c, &url, "/reports/summary", &[
            ("from", "2018-01-01"), ("to", "2018-12-31"), ("verification", "corroborated"),
            ("audience", "internal"), ("summary", &too_long),
        ]).await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains(&too_long), "what was typed is kept");
        assert_eq!(app.count("audit_events WHERE action = 'report.summary'"), 1);
    }
}

both_backends! {
    /// The demo scenario's report for its two months prints compactly: about two A4 pages
    /// (it took six), with month labels that read as months.
    #[cfg_attr(not(corridor_test_browser), ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)")]
    #[cfg_attr(not(corridor_test_pdftotext), ignore = "needs pdftotext and pdfinfo (apt-get install poppler-utils)")]
    async fn the_demo_report_prints_on_two_a4_pages(app: TestApp) {
        use fantoccini::wd::{PrintConfiguration, PrintSize};
        let loaded = app.command(&["demo"]);
        assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
        app.seed_user("print.coordinator", Role::Coordinator, "OCHA");
        let b = crate::browser::Browser::start(&app, module_path!()).await;
        crate::journeys::sign_in(&b, "print.coordinator").await;
        b.goto("/reports/situation?from=2018-02-01&to=2018-03-31").await;
        b.sees("Headline figures").await;
        let config = PrintConfiguration::builder().size(PrintSize::A4).background(true).build().expect("print settings");
        let pdf = b.client().print(config).await.expect("Chromium prints the report");
        let path = crate::browser::artifacts_dir().join(format!("demo-report-a4-{:?}.pdf", app.backend));
        std::fs::write(&path, &pdf).expect("save the PDF");
        let (pages, text) = crate::journeys::pdf_text(&path);
        assert!(pages <= 2, "the demo report takes {pages} A4 pages");
        assert!(text.contains("Feb 2018") && text.contains("Mar 2018"), "month labels: {text}");
        assert!(text.contains("Key incidents") && text.contains("Method and caveats"));
        b.close().await;
    }
}
