//! Journeys in a real browser: a person signs in and works through the pages as they are sent,
//! typing into fields found by the ids their labels name, pressing buttons by their words and
//! checking what the page shows. Headless Chromium through chromedriver (see `browser.rs`),
//! against the real server on SQLite and, when configured, PostgreSQL.
//!
//! Each journey ends by saving a screenshot of its last page as
//! `target/browser-artifacts/<journey>-<backend>.png`.

use crate::browser::Browser;
use crate::helpers::{TestApp, PASSWORD};
use crate::incidents::{create_incident, seed_place, signed_in};
use corridor::domain::Role;
use fantoccini::wd::{PrintConfiguration, PrintSize};

const TITLE: &str = "WHO convoy held at checkpoint outside Douma";

/// This year's reference of the `n`th incident (`INC-2026-000001`).
fn incident_ref(n: u32) -> String {
    format!("INC-{}-{n:06}", chrono::Utc::now().format("%Y"))
}

/// Signs in through the sign-in page and checks the home page greets `username`.
pub async fn sign_in(b: &Browser, username: &str) {
    b.goto("/login").await;
    b.fill("username", username).await;
    b.fill("password", PASSWORD).await;
    b.press("Sign in").await;
    b.sees(&format!("Welcome, {username}")).await;
}

/// The incident journey 1 leaves behind (recorded by a reporter of WHO), arranged over HTTP for
/// the journeys that start from it. Returns the incident's id.
async fn arrange_incident(app: &TestApp) -> i64 {
    seed_place(app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
    let reporter = signed_in(app, "omar.reporter", Role::Reporter, "WHO").await;
    create_incident(app, &reporter, &[("title", TITLE)]).await
}

both_backends! {
    /// 1. A reporter records an incident, makes a mistake, fixes it, adds a second claim and
    ///    finds the incident again by another spelling of the place.
    #[cfg_attr(not(corridor_test_browser), ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)")]
    async fn reporter_records_an_incident(app: TestApp) {
        let b = Browser::start(&app, module_path!()).await;
        seed_place(&app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
        app.seed_user("omar.reporter", Role::Reporter, "WHO");
        sign_in(&b, "omar.reporter").await;

        b.follow("Record an incident").await;
        assert_eq!(b.path().await, "/incidents/new");
        b.fill("title", TITLE).await;
        b.fill("narrative", "Nine trucks were stopped for nine hours; medical items were removed.").await;
        b.check("category-movement_restriction").await;
        b.fill("occurred_on", "2018-02-26").await;
        b.check("time_precision-day").await;
        b.fill("location", "Douma").await;
        b.check("location_precision-exact").await;
        b.choose("perpetrator_type", "State forces").await;
        b.fill("perpetrator_name", "Checkpoint personnel").await;
        // The figures are folded away until opened. The mistake: a negative count.
        b.open("People affected").await;
        b.fill("civilians_killed", "-3").await;
        b.fill("people_affected", "70000").await;
        b.choose("claim_source_type", "Own staff").await;
        b.fill("claim_source_name", "Convoy leader Amal").await;
        b.choose("claim_reliability", "A – completely reliable").await;
        b.choose("claim_credibility", "1 – confirmed by other sources").await;
        b.fill("claim_date", "2018-02-26").await;
        b.fill("claim_statement", "Held nine hours; trauma kits removed.").await;
        b.check("sensitivity-restricted").await;
        b.check("status-submitted").await;
        b.press("Save incident").await;

        // The error summary comes first, above the form, and links to the field...
        b.sees("There is a problem").await;
        let summary = b.by_css(".error-summary").await;
        let link = b.by_css(".error-summary a[href='#civilians_killed']").await;
        assert!(link.text().await.unwrap().contains("a count cannot be negative"));
        let (_, summary_y, _, _) = summary.rectangle().await.unwrap();
        let (_, form_y, _, _) = b.by_css("form.record-form").await.rectangle().await.unwrap();
        assert!(summary_y < form_y, "the error summary is above the form");
        // ...the message stands beside the field, which is marked invalid...
        let beside = b.text_of("#civilians_killed-error").await;
        assert!(beside.contains("a count cannot be negative"), "message beside the field: {beside:?}");
        let field = b.by_id("civilians_killed").await;
        assert_eq!(field.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
        assert!(field.attr("aria-describedby").await.unwrap().unwrap_or_default().contains("civilians_killed-error"));
        // ...and everything typed is still there.
        assert_eq!(b.value("civilians_killed").await, "-3");
        assert_eq!(b.value("title").await, TITLE);
        assert_eq!(b.value("narrative").await, "Nine trucks were stopped for nine hours; medical items were removed.");
        assert_eq!(b.value("occurred_on").await, "2018-02-26");
        assert_eq!(b.value("location").await, "Douma");
        assert_eq!(b.value("perpetrator_type").await, "state_forces");
        assert_eq!(b.value("people_affected").await, "70000");
        assert_eq!(b.value("claim_source_name").await, "Convoy leader Amal");
        assert_eq!(b.value("claim_statement").await, "Held nine hours; trauma kits removed.");
        assert_eq!(b.value("claim_reliability").await, "A");
        assert!(b.is_checked("category-movement_restriction").await, "category kept");
        assert!(b.is_checked("sensitivity-restricted").await, "sensitivity kept");
        // The summary's link leads to the field.
        link.click().await.unwrap();
        let url = b.client().current_url().await.unwrap();
        assert_eq!(url.fragment(), Some("civilians_killed"), "the summary links to the field");

        // Fixed, saved: the incident's page.
        b.fill("civilians_killed", "0").await;
        b.press("Save incident").await;
        let incident_path = b.path().await.replace("?done=created", "");
        assert!(incident_path.starts_with("/incidents/"), "landed on {incident_path}");
        b.sees("Incident recorded.").await;
        b.sees(&incident_ref(1)).await;
        b.sees(TITLE).await;
        b.sees("Held nine hours; trauma kits removed.").await;
        let tags = b.text_of("p.tags").await;
        assert!(tags.contains("Unverified") && tags.contains("Submitted"), "tags: {tags}");

        // A second claim, from the "Add a claim" panel.
        b.open("Add a claim").await;
        b.choose("claim_source_type", "Authorities").await;
        b.fill("claim_source_name", "Ministry of Interior").await;
        b.choose("claim_reliability", "F – reliability cannot be judged").await;
        b.choose("claim_credibility", "6 – truth cannot be judged").await;
        b.fill("claim_date", "2018-02-27").await;
        b.fill("claim_statement", "The authorities say the convoy lacked a permit.").await;
        b.press("Add a claim").await;
        b.sees("Claim added.").await;
        let claims = b.text_of("ul.claims").await;
        assert!(claims.contains("Held nine hours; trauma kits removed."), "first claim kept: {claims}");
        assert!(claims.contains("The authorities say the convoy lacked a permit."), "second claim shown: {claims}");

        // Found again from the list, by the other spellings of the place.
        for spelling in ["Duma", "دوما"] {
            b.follow("Incidents").await;
            b.fill("q", spelling).await;
            b.press("Apply filters").await;
            let count = b.text_of("p.result-count").await;
            assert!(count.starts_with("1 incident"), "search {spelling:?}: {count}");
            b.sees(TITLE).await;
            // The map of the list's incidents, its figures also as a table.
            b.follow("See these incidents on the map, by governorate").await;
            b.sees("Incidents by governorate").await;
            let mapped = b.text_of("#incident-map-table").await;
            assert!(mapped.contains("Rural Damascus") && mapped.contains('1'), "the map's table: {mapped}");
            b.follow("Back to the list of these incidents").await;
        }
        b.follow(&incident_ref(1)).await;
        assert_eq!(b.path().await, incident_path);
        b.sees(TITLE).await;
        // A need at Douma (recorded over HTTP: the journey is about finding it), found on the
        // needs list by each spelling of the place.
        let c = crate::helpers::client();
        app.login_with(&c, "omar.reporter", PASSWORD).await;
        crate::convoys::create_need(&app, &c, &[]).await;
        for spelling in ["Duma", "دوما"] {
            b.follow("Medical needs").await;
            b.fill("place", spelling).await;
            b.press("Apply filters").await;
            let count = b.text_of("p.result-count").await;
            assert!(count.starts_with("1 need"), "needs by {spelling:?}: {count}");
            b.sees("Douma surgical hospital").await;
        }
        b.screenshot("").await;
        b.close().await;
    }

    /// 2. A coordinator corroborates the incident, records a convoy that is blocked, and records
    ///    the obstruction as an incident linked to the convoy.
    #[cfg_attr(not(corridor_test_browser), ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)")]
    #[cfg_attr(not(corridor_test_pdftotext), ignore = "needs pdftotext and pdfinfo (apt-get install poppler-utils)")]
    async fn coordinator_verifies_and_records_a_blocked_convoy(app: TestApp) {
        let b = Browser::start(&app, module_path!()).await;
        seed_place(&app, "Damascus", "Dimashq", "Damascus", "Damascus");
        arrange_incident(&app).await;
        app.seed_user("layla.coordinator", Role::Coordinator, "OCHA");
        sign_in(&b, "layla.coordinator").await;

        // The incident waits for verification on the coordinator's home page.
        b.sees("Waiting for verification").await;
        b.follow(&incident_ref(1)).await;
        b.sees(TITLE).await;
        b.open("Change verification").await;
        b.check("verification-corroborated").await;
        b.fill("reason", "Two independent sources agree on the hours and the removed kits.").await;
        b.press("Save verification").await;
        b.sees("Verification status changed.").await;
        let tags = b.text_of("p.tags").await;
        assert!(tags.contains("Corroborated") && !tags.contains("Unverified"), "tags: {tags}");

        // A convoy, Damascus → Douma, with one line of cargo.
        b.follow("Convoys").await;
        b.follow("Record a convoy").await;
        assert_eq!(b.path().await, "/convoys/new");
        b.fill("origin", "Damascus").await;
        b.fill("destination", "Douma").await;
        b.fill("planned_departure", "2018-02-26").await;
        b.fill("route", "Via Al-Wafideen").await;
        b.fill("trucks", "9").await;
        b.fill("beneficiaries", "70000").await;
        b.fill("line_item_0", "Trauma kits").await;
        b.choose("line_sector_0", "Health").await;
        b.fill("line_quantity_0", "40").await;
        b.fill("line_unit_0", "kits").await;
        b.fill("line_weight_0", "800").await;
        b.check("sensitivity-restricted").await;
        b.press("Save convoy").await;
        let convoy_path = b.path().await.replace("?done=created", "");
        assert!(convoy_path.starts_with("/convoys/"), "landed on {convoy_path}");
        let convoy_ref = b.text_of("h1 .ref").await;
        assert!(convoy_ref.starts_with("CVY-"), "{convoy_ref}");
        assert!(b.text_of("h1").await.contains("Damascus → Douma"));
        b.sees("Trauma kits").await;
        assert_eq!(b.text_of("p.tags").await, "Planned");

        // Its journey: notified, approved, en route, blocked.
        for (id, shown) in [
            ("status-notified", "Notified to the authorities"),
            ("status-approved", "Approved"),
            ("status-en_route", "En route"),
            ("status-blocked", "Blocked"),
        ] {
            b.open("Record a status change").await;
            b.check(id).await;
            b.fill("occurred_on", "2018-02-26").await;
            if id == "status-blocked" {
                b.fill("note", "Held nine hours at the checkpoint; trauma kits removed.").await;
            }
            b.press("Save status change").await;
            b.sees("Event recorded.").await;
            assert_eq!(b.text_of("p.tags").await, shown, "after {id}");
        }
        b.sees("Held nine hours at the checkpoint; trauma kits removed.").await;

        // The offer to record the obstruction, followed: the form comes prefilled.
        b.sees("Record this obstruction as an incident").await;
        b.press("Record the incident").await;
        assert!(b.path().await.starts_with("/incidents/new?convoy_event="));
        assert!(b.value("title").await.starts_with(&convoy_ref), "title prefilled");
        assert!(b.value("narrative").await.contains("Held nine hours at the checkpoint"), "narrative prefilled");
        assert_eq!(b.value("occurred_on").await, "2018-02-26");
        assert!(b.value("location").await.starts_with("Douma"), "place prefilled");
        assert!(b.is_checked("category-movement_restriction").await);
        // The convoy's own staff saw it, but how far to trust what they said is a judgement:
        // the grade is chosen, never filled in.
        assert_eq!(b.value("claim_reliability").await, "", "reliability is chosen, not prefilled");
        assert_eq!(b.value("claim_credibility").await, "", "credibility is chosen, not prefilled");
        b.choose("claim_reliability", "A – completely reliable").await;
        b.choose("claim_credibility", "2 – probably true").await;
        b.press("Save incident").await;
        let errors = b.error_links().await;
        assert!(errors.is_empty(), "the prefilled form is refused: {errors:?}");
        b.sees("Incident recorded.").await;
        b.sees(&incident_ref(2)).await;
        // The incident names its convoy, and the link leads there.
        b.sees("Convoys affected").await;
        b.follow(&convoy_ref).await;
        assert_eq!(b.path().await, convoy_path);
        b.sees(&incident_ref(2)).await;
        b.never_sees("Record this obstruction as an incident").await;
        b.back().await;
        b.sees("Convoys affected").await;
        // The situation report for the period, printed to PDF by Chromium on A4 and US Letter.
        b.goto("/reports").await;
        b.fill("from", "2018-01-01").await;
        b.fill("to", "2018-12-31").await;
        b.press("Make the report").await;
        b.sees("Headline figures").await;
        let incidents = b.text_of("#figure-incidents").await;
        assert_eq!(incidents.trim(), "2", "both incidents of 2018 counted");
        let digest = b.text_of(".digest").await;
        assert_eq!(digest.trim().len(), 64, "the report carries its SHA-256 digest");
        b.screenshot("report").await;
        for (size, name) in [(PrintSize::A4, "a4"), (PrintSize::US_LETTER, "letter")] {
            let config = PrintConfiguration::builder().size(size).background(true).build().expect("print settings");
            let pdf = b.client().print(config).await.expect("Chromium prints the report");
            assert!(pdf.starts_with(b"%PDF"), "a PDF");
            let path = crate::browser::artifacts_dir().join(format!("situation-report-{name}-{:?}.pdf", app.backend));
            std::fs::write(&path, &pdf).expect("save the PDF");
            let (pages, text) = pdf_text(&path);
            // Printed compactly (no forced page breaks); each page carries the running head
            // (marking and period) and the digest.
            assert!((1..=3).contains(&pages), "{name}: {pages} pages");
            assert!(text.matches("Situation report · 2018-01-01 – 2018-12-31").count() >= pages, "{name}: running head on every page");
            assert!(text.matches(digest.trim()).count() >= pages, "{name}: digest on every page");
            assert!(text.contains("Headline figures") && text.contains("Key incidents") && text.contains("Method and caveats"));
            assert!(text.contains("Incidents by governorate"), "{name}: the map printed");
            assert!(text.contains(&format!("Page 1 of {pages}")), "{name}: page numbers");
            assert!(!text.contains("Sign out"), "{name}: no navigation chrome on paper");
        }
        b.close().await;
    }

    /// 3. An auditor reads the incident's history and verifies the audit chain.
    #[cfg_attr(not(corridor_test_browser), ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)")]
    async fn auditor_reads_history_and_verifies_the_chain(app: TestApp) {
        let b = Browser::start(&app, module_path!()).await;
        let id = arrange_incident(&app).await;
        let show = format!("/incidents/{id}");
        let reporter = app.signed_in("omar.reporter").await;
        let claim = app.post_form_with(&reporter, &show, &format!("{show}/claims"), &[
            ("claim_source_type", "authorities"), ("claim_source_name", "Ministry"), ("claim_reliability", "F"),
            ("claim_credibility", "6"), ("claim_date", "2018-02-27"), ("claim_statement", "The authorities deny it."),
        ]).await;
        assert_eq!(claim.status, 303, "{}", claim.body);
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let verified = app.post_form_with(&coordinator, &show, &format!("{show}/verification"), &[
            ("verification", "corroborated"), ("reason", "Two independent sources agree."),
        ]).await;
        assert_eq!(verified.status, 303, "{}", verified.body);
        app.seed_user("hana.auditor", Role::Auditor, "OCHA");
        sign_in(&b, "hana.auditor").await;

        b.follow("Incidents").await;
        b.follow(&incident_ref(1)).await;
        b.follow("See the full history").await;
        assert_eq!(b.path().await, format!("{show}/history"));
        b.sees(&format!("History of {}", incident_ref(1))).await;
        for entry in ["Recorded", "Claim added", "Verification changed", "Two independent sources agree.", "omar.reporter", "layla.coordinator"] {
            b.sees(entry).await;
        }

        b.follow("Audit trail").await;
        assert_eq!(b.path().await, "/audit");
        b.sees("Incident recorded").await;
        b.follow("Verify the whole chain now").await;
        let result = b.text_of("#chain-result").await;
        assert!(result.starts_with("Chain verified"), "chain result: {result}");
        b.screenshot("").await;
        b.close().await;
    }

    /// 4. After signing out, Back does not bring the incident back from the browser's cache.
    #[cfg_attr(not(corridor_test_browser), ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)")]
    async fn back_after_sign_out_shows_nothing_private(app: TestApp) {
        let b = Browser::start(&app, module_path!()).await;
        let id = arrange_incident(&app).await;
        sign_in(&b, "omar.reporter").await;
        b.follow("Incidents").await;
        b.follow(&incident_ref(1)).await;
        assert_eq!(b.path().await, format!("/incidents/{id}"));
        b.sees(TITLE).await;
        b.sees("Convoy leader Amal").await;

        b.press("Sign out").await;
        b.sees("You have signed out.").await;
        b.back().await;
        b.never_sees(TITLE).await;
        b.never_sees("Convoy leader Amal").await;
        let path = b.path().await;
        assert!(path.starts_with("/login"), "Back leads to the sign-in page, not {path}");
        b.sees("Sign in").await;
        b.screenshot("").await;
        b.close().await;
    }
}

/// The page count and text of a PDF, by poppler's `pdfinfo` and `pdftotext` (the journey that
/// prints is ignored when the build found them missing).
pub fn pdf_text(path: &std::path::Path) -> (usize, String) {
    let info = std::process::Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("run pdfinfo (poppler-utils)");
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gives no page count: {info:?}"));
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("run pdftotext (poppler-utils)");
    assert!(text.status.success(), "pdftotext: {text:?}");
    (pages, String::from_utf8_lossy(&text.stdout).into_owned())
}
