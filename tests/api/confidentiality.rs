//! Confidentiality by construction: records of one organisation (draft, confidential,
//! restricted after being confidential, merged into another organisation's record, linked to
//! convoys and needs) carry a unique canary in every text field. Every GET route of the route
//! table is fetched, for every record id, as a reporter of another organisation and as the
//! public report: no canary may appear. Positive control: each canary does appear to someone
//! allowed to see it, over the same routes. A new route or field is covered without editing
//! this test (a new kind of path parameter stops it until it is taught).

use std::collections::BTreeSet;

use corridor::domain::Role;
use corridor::web::routes::ROUTES;

use crate::convoys::create_need;
use crate::helpers::{Page, TestApp};
use crate::incidents::{create_incident, encode, incident_form, post, seed_place, signed_in};

/// Every canary and where it was typed.
pub(crate) const CANARIES: &[&str] = &[
    // A confidential incident of SARC, with a new place typed on it.
    "CanaryConfTitle",
    "CanaryConfNarrative",
    "CanaryConfStatement",
    "CanaryConfSource",
    "CanaryConfPerpetrator",
    "CanaryHideoutFarm",
    "CanaryHideoutAlias",
    "33.471234",
    // A draft of SARC (public sensitivity once submitted).
    "CanaryDraftTitle",
    "CanaryDraftSource",
    // Confidential, then edited and shared as restricted: the old values stay in history.
    "CanaryOldTitle",
    "CanaryOldNarrative",
    "CanaryOldPlace",
    // SARC's confidential duplicate merged into WHO's public record.
    "CanaryMergedStatement",
    "CanaryMergedSource",
    // A confidential need served by a restricted convoy.
    "CanaryBasementClinic",
    "CanaryNeedNotes",
    // A confidential convoy delivering to a public need.
    "CanaryCargoItem",
    "CanaryConvoyNotes",
    "CanaryConvoyRoute",
    // A confidential evidence file of SARC on its restricted convoy (name, caption, bytes).
    "CanaryFileName",
    "CanaryFileCaption",
    "CanaryFileBytes",
];

/// Ids of the records created, by kind.
#[derive(Default)]
pub(crate) struct Records {
    pub(crate) incidents: Vec<i64>,
    pub(crate) convoys: Vec<i64>,
    pub(crate) needs: Vec<i64>,
    /// The private feed URL of a saved search of every incident, of WHO's reporter.
    pub(crate) feeds: Vec<String>,
}

fn id_from(page: &Page, prefix: &str) -> i64 {
    page.location
        .as_deref()
        .unwrap_or_else(|| panic!("no redirect: {} {}", page.status, page.body))
        .trim_start_matches(prefix)
        .split(['?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn convoy_fields(changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields = owned(&[
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
        ("line_weight", ""),
        ("action", "save"),
    ]);
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push((k.to_string(), v.to_string()));
    }
    fields
}

async fn create_convoy(app: &TestApp, c: &reqwest::Client, changes: &[(&str, &str)]) -> i64 {
    let page = post(app, c, "/convoys/new", "/convoys", &convoy_fields(changes)).await;
    assert_eq!(page.status, 303, "convoy not created: {}", page.body);
    id_from(&page, "/convoys/")
}

/// Moves a convoy on to "delivered" (every line arrived in full).
async fn deliver(app: &TestApp, c: &reqwest::Client, id: i64) {
    for status in ["notified", "approved", "en_route", "delivered"] {
        let mut fields = owned(&[("status", status), ("occurred_on", "2018-02-27")]);
        if status == "delivered" {
            let page = app.get_with(c, &format!("/convoys/{id}")).await;
            let marker = "name=\"delivered_line\" value=\"";
            for (i, _) in page.body.match_indices(marker) {
                let rest = &page.body[i + marker.len()..];
                fields.push((
                    "delivered_line".into(),
                    rest[..rest.find('"').unwrap()].into(),
                ));
                for name in ["delivered_quantity", "removed_quantity", "removal_note"] {
                    fields.push((name.into(), String::new()));
                }
            }
        }
        let page = post(
            app,
            c,
            &format!("/convoys/{id}"),
            &format!("/convoys/{id}/events"),
            &fields,
        )
        .await;
        assert_eq!(page.status, 303, "{status}: {}", page.body);
    }
}

/// The id of the delivered cargo line (the convoy page's delivery form).
async fn cargo_line(app: &TestApp, c: &reqwest::Client, convoy: i64) -> String {
    let page = app.get_with(c, &format!("/convoys/{convoy}")).await;
    let start = page
        .body
        .find("name=\"cargo_line\"")
        .unwrap_or_else(|| panic!("no delivery form: {}", page.body));
    let rest = &page.body[start..];
    let at = rest
        .find("<option value=\"")
        .expect("a cargo line to deliver")
        + 15;
    let rest = &rest[at..];
    let value = &rest[..rest.find('"').unwrap()];
    if value.is_empty() {
        // The first option is the "choose" prompt.
        let rest = &rest[rest.find("<option value=\"").unwrap() + 15..];
        return rest[..rest.find('"').unwrap()].to_string();
    }
    value.to_string()
}

async fn deliver_to(app: &TestApp, c: &reqwest::Client, convoy: i64, need: i64) {
    let line = cargo_line(app, c, convoy).await;
    let page = app
        .post_form_with(
            c,
            &format!("/convoys/{convoy}"),
            &format!("/convoys/{convoy}/deliveries"),
            &[
                ("cargo_line", &line),
                ("need", &need.to_string()),
                ("quantity", "10"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "delivery refused: {}", page.body);
}

/// SARC's records, WHO's public record, and the links between them.
pub(crate) async fn arrange(app: &TestApp) -> Records {
    seed_place(app, "Damascus", "Dimashq", "Damascus", "Damascus");
    seed_place(app, "Douma", "Duma", "Rural Damascus", "Duma");
    let sarc = signed_in(app, "sarc.reporter", Role::Reporter, "SARC").await;
    let who = signed_in(app, "who.reporter", Role::Reporter, "WHO").await;
    let coordinator = signed_in(app, "ocha.coordinator", Role::Coordinator, "OCHA").await;
    let mut r = Records::default();

    // 1. Confidential, with a new place typed on it.
    let confidential = create_incident(
        app,
        &sarc,
        &[
            ("title", "CanaryConfTitle"),
            ("narrative", "CanaryConfNarrative"),
            ("claim_statement", "CanaryConfStatement"),
            ("claim_source_name", "CanaryConfSource"),
            ("perpetrator_name", "CanaryConfPerpetrator"),
            ("sensitivity", "confidential"),
            ("location", ""),
            ("new_place_name", "CanaryHideoutFarm"),
            ("new_place_alt_names", "CanaryHideoutAlias"),
            ("new_place_admin1", "Rural Damascus"),
            ("new_place_admin2", "Duma"),
            ("new_place_lat", "33.471234"),
            ("new_place_lon", "36.401234"),
        ],
    )
    .await;
    r.incidents.push(confidential);

    // 2. A draft.
    r.incidents.push(
        create_incident(
            app,
            &sarc,
            &[
                ("title", "CanaryDraftTitle"),
                ("claim_source_name", "CanaryDraftSource"),
                ("sensitivity", "public"),
                ("status", "draft"),
            ],
        )
        .await,
    );

    // 3. Confidential with a new place, then withheld and shared as restricted.
    let downgraded = create_incident(
        app,
        &sarc,
        &[
            ("title", "CanaryOldTitle"),
            ("narrative", "CanaryOldNarrative"),
            ("sensitivity", "confidential"),
            ("location", ""),
            ("new_place_name", "CanaryOldPlace"),
            ("new_place_admin1", "Rural Damascus"),
            ("new_place_admin2", "Duma"),
        ],
    )
    .await;
    let edit = app
        .get_with(&sarc, &format!("/incidents/{downgraded}/edit"))
        .await;
    let mut fields = incident_form(&[
        ("title", "Details withheld"),
        ("narrative", "Details withheld."),
        ("location", "Douma"),
        ("sensitivity", "restricted"),
        (
            "sensitivity_reason",
            "Shared once the details were withheld.",
        ),
        ("version", &edit.input_value("version")),
    ]);
    fields.retain(|(k, _)| !k.starts_with("claim_"));
    let saved = post(
        app,
        &sarc,
        &format!("/incidents/{downgraded}/edit"),
        &format!("/incidents/{downgraded}"),
        &fields,
    )
    .await;
    assert_eq!(saved.status, 303, "edit refused: {}", saved.body);
    r.incidents.push(downgraded);

    // 4. SARC's confidential duplicate merged into WHO's public record.
    let kept = create_incident(app, &who, &[("sensitivity", "public")]).await;
    let duplicate = create_incident(
        app,
        &sarc,
        &[
            ("claim_statement", "CanaryMergedStatement"),
            ("claim_source_name", "CanaryMergedSource"),
            ("sensitivity", "confidential"),
        ],
    )
    .await;
    let kept_ref = app
        .get_with(&who, &format!("/incidents/{kept}"))
        .await
        .body
        .split("INC-")
        .nth(1)
        .map(|s| format!("INC-{}", &s[..11]))
        .expect("reference on the page");
    let merged = app
        .post_form_with(
            &coordinator,
            &format!("/incidents/{duplicate}"),
            &format!("/incidents/{duplicate}/merge"),
            &[("merge_into", &kept_ref), ("merge_reason", "Same convoy.")],
        )
        .await;
    assert_eq!(merged.status, 303, "merge refused: {}", merged.body);
    r.incidents.extend([kept, duplicate]);

    // 5. SARC's restricted convoy, linked to SARC's confidential incident, delivering to
    //    SARC's confidential need.
    let convoy = create_convoy(app, &sarc, &[]).await;
    let conf_ref = reference_of(app, &sarc, confidential).await;
    let linked = app
        .post_form_with(
            &sarc,
            &format!("/convoys/{convoy}"),
            &format!("/convoys/{convoy}/incidents"),
            &[("incident_reference", &conf_ref)],
        )
        .await;
    assert_eq!(linked.status, 303, "link refused: {}", linked.body);
    let basement = create_need(
        app,
        &sarc,
        &[
            ("facility_name", "CanaryBasementClinic"),
            ("notes", "CanaryNeedNotes"),
            ("sensitivity", "confidential"),
        ],
    )
    .await;
    deliver(app, &sarc, convoy).await;
    deliver_to(app, &sarc, convoy, basement).await;
    // A confidential evidence file on that convoy, which other organisations may see.
    let page = crate::evidence::upload(
        app,
        &sarc,
        &format!("/convoys/{convoy}"),
        &[
            ("caption", "CanaryFileCaption"),
            ("sensitivity", "confidential"),
        ],
        &[(
            "CanaryFileName.pdf",
            &crate::evidence::pdf("CanaryFileBytes"),
        )],
    )
    .await;
    assert_eq!(page.status, 303, "evidence file: {}", page.body);
    r.convoys.push(convoy);
    r.needs.push(basement);

    // 6. SARC's confidential convoy delivering to WHO's public need.
    let public_need = create_need(app, &who, &[("sensitivity", "public")]).await;
    let secret_convoy = create_convoy(
        app,
        &sarc,
        &[
            ("sensitivity", "confidential"),
            ("notes", "CanaryConvoyNotes"),
            ("route", "CanaryConvoyRoute"),
            ("line_item", "CanaryCargoItem"),
            ("destination", "CanaryHideoutFarm"),
        ],
    )
    .await;
    deliver(app, &sarc, secret_convoy).await;
    deliver_to(app, &sarc, secret_convoy, public_need).await;
    r.convoys.push(secret_convoy);
    r.needs.push(public_need);

    // 7. WHO's reporter subscribes to a feed of every incident.
    let search = app
        .post_form_with(
            &who,
            "/searches/new?kind=incidents",
            "/searches",
            &[
                ("name", "Every incident"),
                ("kind", "incidents"),
                ("query", ""),
            ],
        )
        .await;
    let search = search.location.expect("the saved search");
    let feed = app
        .post_form_with(
            &who,
            &search,
            &format!("{search}/subscriptions"),
            &[("channel", "feed")],
        )
        .await
        .input_value("feed-url-shown");
    r.feeds.push(
        feed.split("/feeds/")
            .nth(1)
            .expect("a feed URL")
            .to_string(),
    );
    r
}

async fn reference_of(app: &TestApp, c: &reqwest::Client, id: i64) -> String {
    page_reference(app, c, &format!("/incidents/{id}"), "INC-").await
}

/// The first reference with `prefix` on the page at `path` (the record's own, in its heading).
async fn page_reference(app: &TestApp, c: &reqwest::Client, path: &str, prefix: &str) -> String {
    let page = app.get_with(c, path).await;
    let at = page
        .body
        .find("<h1")
        .and_then(|h| page.body[h..].find(prefix).map(|i| h + i))
        .expect("reference");
    page.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// Every GET path of the route table with its parameters filled in by every record of the
/// kind, plus searches for every canary on the lists.
pub(crate) fn every_get_path(r: &Records) -> Vec<String> {
    let mut paths = BTreeSet::new();
    for route in ROUTES.iter().filter(|r| r.method == "GET") {
        // The read API's paths name the same records.
        let kind_path = route.path.strip_prefix("/api/v1").unwrap_or(route.path);
        let ids: Vec<i64> = if kind_path.starts_with("/incidents/{") {
            r.incidents.clone()
        } else if kind_path.starts_with("/convoys/{") {
            r.convoys.clone()
        } else if kind_path.starts_with("/needs/{") {
            r.needs.clone()
        } else if kind_path.starts_with("/places/{") {
            // Every place of the arrangement, the hidden ones too (a handful).
            (1..=30).collect()
        } else if route.path.contains('{') {
            // Accounts, organisations, audit events and static files hold no record text;
            // the first of each is enough to see that the page answers.
            vec![1]
        } else {
            vec![0]
        };
        for id in ids {
            let path: Vec<String> = route
                .path
                .split('/')
                .map(|segment| {
                    match segment
                        .strip_prefix('{')
                        .and_then(|s| s.trim_end_matches('}').split(':').next())
                    {
                        Some("id") => id.to_string(),
                        Some("token") => r.feeds.first().cloned().unwrap_or_default(),
                        Some("file") => corridor::web::assets::css_url()
                            .trim_start_matches("/static/")
                            .to_string(),
                        Some(other) => panic!("teach this test the parameter {{{other}}}"),
                        None => segment.to_string(),
                    }
                })
                .collect();
            paths.insert(path.join("/"));
        }
    }
    // Searched in lower case: the page repeats what was typed, and the canaries are checked
    // as written (search itself ignores case).
    for canary in CANARIES.iter().filter(|c| c.starts_with("Canary")) {
        for list in ["/incidents", "/convoys", "/needs"] {
            paths.insert(format!("{list}?q={}", encode(&canary.to_lowercase())));
        }
    }
    paths.insert("/incidents?q=canaryhideout*".into());
    paths.insert("/needs?place=canaryhideoutalias".into());
    paths.insert("/places?q=canaryhideout".into());
    paths.insert("/convoys?place=canaryhideoutalias".into());
    for kind in ["incidents", "convoys", "needs"] {
        paths.insert(format!("/exports/{kind}.csv?hxl=1"));
    }
    for audience in ["internal", "public"] {
        paths.insert(format!(
            "/reports/situation?from=2018-01-01&to=2018-12-31&audience={audience}"
        ));
    }
    paths.into_iter().collect()
}

/// What `c` is shown over every path: bodies and redirect targets.
pub(crate) async fn everything_seen(
    app: &TestApp,
    c: &reqwest::Client,
    paths: &[String],
) -> String {
    let mut all = String::new();
    for path in paths {
        let page = app.get_with(c, path).await;
        assert!(page.status < 500, "{path} answered {}", page.status);
        all.push_str(&page.body);
        if let Some(location) = &page.location {
            all.push_str(location);
        }
    }
    all
}

both_backends! {
    async fn no_canary_reaches_another_organisation_or_the_public_report(app: TestApp) {
        let records = arrange(&app).await;
        let paths = every_get_path(&records);
        let who = crate::helpers::client();
        app.login_with(&who, "who.reporter", crate::helpers::PASSWORD).await;
        let seen = everything_seen(&app, &who, &paths).await;
        let leaked: Vec<&&str> = CANARIES.iter().filter(|c| seen.contains(**c)).collect();
        assert!(leaked.is_empty(), "seen by another organisation's reporter: {leaked:?}");
        // Nor the references of what they may not see.
        let sarc = crate::helpers::client();
        app.login_with(&sarc, "sarc.reporter", crate::helpers::PASSWORD).await;
        let hidden_refs = [
            reference_of(&app, &sarc, records.incidents[0]).await,
            reference_of(&app, &sarc, records.incidents[1]).await,
            reference_of(&app, &sarc, records.incidents[4]).await,
            page_reference(&app, &sarc, &format!("/convoys/{}", records.convoys[1]), "CVY-").await,
            page_reference(&app, &sarc, &format!("/needs/{}", records.needs[0]), "NEED-").await,
        ];
        for r in &hidden_refs {
            assert!(!seen.contains(r.as_str()), "another organisation's reporter saw {r}");
        }
        // The convoy and the needs say that something is there, without naming it.
        let convoy = app.get_with(&who, &format!("/convoys/{}", records.convoys[0])).await;
        assert!(convoy.body.contains("1 linked record you cannot see"), "{}", convoy.body);

        // The public report, run by those who may see everything.
        let coordinator = crate::helpers::client();
        app.login_with(&coordinator, "ocha.coordinator", crate::helpers::PASSWORD).await;
        let public = app
            .get_with(&coordinator, "/reports/situation?from=2018-01-01&to=2018-12-31&audience=public")
            .await;
        assert_eq!(public.status, 200);
        let leaked: Vec<&&str> = CANARIES.iter().filter(|c| public.body.contains(**c)).collect();
        assert!(leaked.is_empty(), "in the public report: {leaked:?}");
        assert!(!public.body.contains("Douma surgical hospital"), "facilities withheld");
        assert!(!public.body.contains(">Douma<"), "public outputs name districts, not places");

        // Positive control: those allowed to see each canary do see it, over the same routes.
        let everything = everything_seen(&app, &coordinator, &paths).await;
        // Other spellings are never displayed: they make a place findable, so their control is
        // that they find it.
        let unseen: Vec<&&str> = CANARIES
            .iter()
            .filter(|c| **c != "CanaryHideoutAlias" && !everything.contains(**c))
            .collect();
        assert!(unseen.is_empty(), "a coordinator should see {unseen:?}");
        let found = app.get_with(&coordinator, "/incidents?q=canaryhideoutalias").await;
        assert!(found.body.contains("CanaryConfTitle"), "found by its place's other spelling");
        let own = everything_seen(&app, &sarc, &paths).await;
        for canary in ["CanaryConfSource", "CanaryHideoutFarm", "33.471234", "CanaryOldTitle", "CanaryMergedSource", "CanaryBasementClinic", "CanaryCargoItem"] {
            assert!(own.contains(canary), "SARC should see its own {canary}");
        }
    }
}

both_backends! {
    async fn cross_kind_work_checks_both_records(app: TestApp) {
        seed_place(&app, "Damascus", "Dimashq", "Damascus", "Damascus");
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;

        // Another organisation's convoy event: no incident can be recorded on it, and the
        // prefilled form is refused (it would show the convoy's details for an edit).
        let convoy = create_convoy(&app, &sarc, &[]).await;
        for status in ["notified", "approved", "en_route", "blocked"] {
            let page = post(&app, &sarc, &format!("/convoys/{convoy}"), &format!("/convoys/{convoy}/events"), &owned(&[("status", status), ("occurred_on", "2018-02-27")])).await;
            assert_eq!(page.status, 303, "{status}");
        }
        let page = app.get_with(&sarc, &format!("/convoys/{convoy}")).await;
        let marker = "name=\"convoy_event\" value=\"";
        let at = page.body.find(marker).expect("the offer to record the obstruction") + marker.len();
        let event: String = page.body[at..].chars().take_while(char::is_ascii_digit).collect();
        assert_eq!(app.get_with(&who, &format!("/incidents/new?convoy_event={event}")).await.status, 403);
        let mut fields = incident_form(&[]);
        fields.push(("convoy_event".into(), event.clone()));
        let refused = post(&app, &who, "/incidents/new", "/incidents", &fields).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert_eq!(app.count("convoy_incidents"), 0);
        assert_eq!(app.count("incidents"), 0, "nothing half-written");

        // SARC records it, confidentially; a coordinator of another organisation may see it,
        // WHO may not, and WHO's offer does not lead to it.
        let mut fields = incident_form(&[("sensitivity", "confidential")]);
        fields.push(("convoy_event".into(), event.clone()));
        let recorded = post(&app, &sarc, &format!("/incidents/new?convoy_event={event}"), "/incidents", &fields).await;
        assert_eq!(recorded.status, 303, "{}", recorded.body);
        let incident = id_from(&recorded, "/incidents/");
        let coordinator = signed_in(&app, "ocha.coordinator", Role::Coordinator, "OCHA").await;
        let again = app.get_with(&coordinator, &format!("/incidents/new?convoy_event={event}")).await;
        assert_eq!(again.location.as_deref(), Some(format!("/incidents/{incident}?done=exists").as_str()));
        let convoy_page = app.get_with(&who, &format!("/convoys/{convoy}")).await;
        assert!(!convoy_page.body.contains(&format!("/incidents/{incident}")));
        assert!(convoy_page.body.contains("1 linked record you cannot see"));

        // A delivery must match the need's unit and kind, and the need must be visible.
        let hidden_need = create_need(&app, &who, &[("sensitivity", "confidential")]).await;
        let blood = create_need(&app, &sarc, &[("item", "blood_products"), ("unit", "bags")]).await;
        let kits = create_need(&app, &sarc, &[("item", "surgical_supplies"), ("unit", "kits")]).await;
        let delivering = create_convoy(&app, &sarc, &[("line_item", "Food parcels"), ("line_sector", "food")]).await;
        deliver(&app, &sarc, delivering).await;
        let medical = create_convoy(&app, &sarc, &[]).await;
        deliver(&app, &sarc, medical).await;
        let line = cargo_line(&app, &sarc, medical).await;
        let food_line = cargo_line(&app, &sarc, delivering).await;
        for (convoy, line, need, message) in [
            (medical, &line, hidden_need, "Choose one of the needs listed"),
            (medical, &line, blood, "same unit"),
            (delivering, &food_line, kits, "same kind of supplies"),
        ] {
            let page = app.post_form_with(&sarc, &format!("/convoys/{convoy}"), &format!("/convoys/{convoy}/deliveries"), &[("cargo_line", line), ("need", &need.to_string()), ("quantity", "5")]).await;
            assert_eq!(page.status, 422, "delivery to need {need} accepted");
            assert!(page.body.contains(message), "{message}: {}", page.body);
        }
        assert_eq!(app.count("need_deliveries"), 0);
        // Another organisation cannot deliver from SARC's convoy at all.
        let page = app.post_form_with(&who, "/needs", &format!("/convoys/{medical}/deliveries"), &[("cargo_line", &line), ("need", &kits.to_string()), ("quantity", "5")]).await;
        assert_eq!(page.status, 403);
        let page = app.post_form_with(&sarc, &format!("/convoys/{medical}"), &format!("/convoys/{medical}/deliveries"), &[("cargo_line", &line), ("need", &kits.to_string()), ("quantity", "5")]).await;
        assert_eq!(page.status, 303, "a matching delivery: {}", page.body);
    }

    async fn places_follow_the_record_they_were_typed_on(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        create_incident(&app, &sarc, &[("sensitivity", "confidential"), ("location", ""), ("new_place_name", "Hideout farm 7"), ("new_place_alt_names", "Farm seven"), ("new_place_admin1", "Rural Damascus"), ("new_place_admin2", "Duma")]).await;
        // Not offered to another organisation, nor found by its name or other spelling.
        assert!(!app.get_with(&who, "/incidents/new").await.body.contains("Hideout farm 7"));
        assert!(app.get_with(&sarc, "/incidents/new").await.body.contains("Hideout farm 7"));
        for typed in ["Hideout farm 7", "Farm seven"] {
            let page = post(&app, &who, "/incidents/new", "/incidents", &incident_form(&[("location", typed)])).await;
            assert_eq!(page.status, 422, "{typed} resolved for another organisation");
            assert!(page.body.contains("No place with this name is known"));
        }
        // Once a record others may see uses it, the place is shared (with its history).
        create_incident(&app, &sarc, &[("sensitivity", "restricted"), ("location", "Farm seven")]).await;
        assert!(app.get_with(&who, "/incidents/new").await.body.contains("Hideout farm 7"));
        assert_eq!(app.count("audit_events WHERE action = 'location.share'"), 1);
    }

    async fn the_latest_history_withholds_what_came_before_it(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let id = create_incident(&app, &sarc, &[("title", "CanaryTimelineTitle"), ("location", "Douma"), ("sensitivity", "confidential")]).await;
        // Shared, then edited nine times: the page shows the latest ten revisions, so the
        // revision that shared it is the oldest shown, and its old title was never WHO's.
        for k in 0..10 {
            let edit = app.get_with(&sarc, &format!("/incidents/{id}/edit")).await;
            let narrative = format!("Visible note {k}.");
            let mut fields = incident_form(&[
                ("title", "Details withheld"),
                ("narrative", &narrative),
                ("location", "Douma"),
                ("sensitivity", "restricted"),
                ("sensitivity_reason", "Shared once the details were withheld."),
                ("version", &edit.input_value("version")),
            ]);
            fields.retain(|(k, _)| !k.starts_with("claim_"));
            let saved = post(&app, &sarc, &format!("/incidents/{id}/edit"), &format!("/incidents/{id}"), &fields).await;
            assert_eq!(saved.status, 303, "edit refused: {}", saved.body);
        }
        assert_eq!(app.count(&format!("revisions WHERE entity_type = 'incident' AND entity_id = {id}")), 11);
        let page = app.get_with(&who, &format!("/incidents/{id}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Visible note 0."), "the shared revisions are shown");
        assert!(!page.body.contains("CanaryTimelineTitle"), "the confidential title leaked");
        // Control: its own organisation reads the old title in the same, oldest shown, revision.
        let own = app.get_with(&sarc, &format!("/incidents/{id}")).await;
        assert!(own.body.contains("CanaryTimelineTitle"), "SARC should see its old title");
    }

    async fn a_report_is_marked_by_everything_it_shows(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let coordinator = signed_in(&app, "ocha.coordinator", Role::Coordinator, "OCHA").await;
        create_incident(&app, &sarc, &[("sensitivity", "public"), ("occurred_on", "2026-02-26"), ("reported_on", "2026-02-27"), ("claim_date", "2026-02-26")]).await;
        let report = "/reports/situation?from=2026-01-01&to=2026-12-31&audience=internal";
        let page = app.get_with(&coordinator, report).await;
        assert!(page.body.contains("marking-public"), "only public records so far");
        // A confidential critical need of the period raises the marking of the internal report.
        create_need(&app, &sarc, &[("sensitivity", "confidential"), ("facility_name", "Basement clinic"), ("needed_by", "2026-12-31")]).await;
        let page = app.get_with(&coordinator, report).await;
        assert!(page.body.contains("Basement clinic"));
        assert!(page.body.contains("marking-confidential"), "marked by its most sensitive part");
        // Needs follow the period: a report of an earlier year does not list it.
        let earlier = app.get_with(&coordinator, "/reports/situation?from=2018-01-01&to=2018-12-31&audience=internal").await;
        assert!(!earlier.body.contains("Basement clinic"));
        // And the public report names no facility and no place below the district.
        let public = app.get_with(&coordinator, "/reports/situation?from=2026-01-01&to=2026-12-31&audience=public").await;
        assert!(!public.body.contains("Basement clinic"));
        assert!(!public.body.contains("<bdi>Douma</bdi>"), "public reports name districts");
    }
}
