//! Exports: CSV (RFC 4180, optional HXL row, formula injection neutralised) and JSON for
//! incidents, convoys and needs; the list's filters and visibility; roles; the audit event;
//! streaming past one page of rows.

use std::collections::HashMap;
use std::sync::Arc;

use crate::helpers::{Page, TestApp};
use crate::incidents::{create_incident, post, signed_in};
use corridor::audit::{self, Actor};
use corridor::domain::Role;
use corridor::exports::{self, Format, Source};
use corridor::locations::{self, PlaceFields};
use corridor::permissions::Viewer;

const EXPORTS: [&str; 6] = [
    "/exports/incidents.csv",
    "/exports/incidents.json",
    "/exports/convoys.csv",
    "/exports/convoys.json",
    "/exports/needs.csv",
    "/exports/needs.json",
];

/// Adds a place with coordinates to the gazetteer (arranging, not testing).
pub fn seed_place_at(app: &TestApp, name: &str, admin1: &str, admin2: &str, at: (f64, f64)) -> i64 {
    let db = app.db();
    let mut conn = db.conn().unwrap();
    let place = PlaceFields {
        name: name.into(),
        admin1: admin1.into(),
        admin2: admin2.into(),
        pcode: format!("SY{}", name.len()),
        latitude: Some(at.0),
        longitude: Some(at.1),
        ..Default::default()
    };
    audit::write(&mut conn, |conn| {
        Ok(locations::create(conn, &Actor::system("test"), &place, None)?.id)
    })
    .unwrap()
}

fn places(app: &TestApp) {
    seed_place_at(app, "Douma", "Rural Damascus", "Duma", (33.5705, 36.4039));
    seed_place_at(app, "Damascus", "Damascus", "Damascus", (33.5138, 36.2765));
    // West of Greenwich: a negative longitude is a number, never "neutralised" text.
    seed_place_at(app, "Westfield", "Western", "West", (5.6037, -0.187));
}

/// A convoy from Damascus to Douma with two cargo lines; `changes` replace fields.
async fn create_convoy(app: &TestApp, c: &reqwest::Client, changes: &[(&str, &str)]) -> Page {
    let mut fields: Vec<(String, String)> = [
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
        ("line_weight", "800"),
        ("line_item", "Food parcels"),
        ("line_sector", "food"),
        ("line_quantity", "5000"),
        ("line_unit", "parcels"),
        ("line_weight", ""),
        ("action", "save"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push((k.to_string(), v.to_string()));
    }
    let page = post(app, c, "/convoys/new", "/convoys", &fields).await;
    assert_eq!(page.status, 303, "convoy not created: {}", page.body);
    page
}

/// A need for trauma kits at Douma; `changes` replace fields.
/// Every record of a CSV body, parsed back by an RFC 4180 reader (which also refuses records
/// of different lengths).
fn parse_csv(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}

/// The data rows of a CSV export (after the header, and the HXL row if `hxl`), by column name.
fn csv_rows(body: &str, hxl: bool) -> Vec<HashMap<String, String>> {
    let records = parse_csv(body);
    let header = records.first().expect("header row").clone();
    records
        .into_iter()
        .skip(if hxl { 2 } else { 1 })
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect()
}

fn json_rows(body: &str) -> Vec<serde_json::Value> {
    serde_json::from_str::<serde_json::Value>(body)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {body}"))
        .as_array()
        .expect("an array")
        .clone()
}

async fn export(app: &TestApp, c: &reqwest::Client, path: &str) -> Page {
    let page = app.get_with(c, path).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    page
}

fn header<'a>(page: &'a Page, name: &str) -> &'a str {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A page's HTML with the ampersands of its links unescaped.
fn unescaped(page: &Page) -> String {
    page.body.replace("&#38;", "&").replace("&amp;", "&")
}

fn references(rows: &[HashMap<String, String>]) -> Vec<String> {
    rows.iter().map(|r| r["reference"].clone()).collect()
}

both_backends! {
    async fn incidents_come_out_whole_quoted_and_neutralised(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let year = chrono::Utc::now().format("%Y").to_string();
        create_incident(&app, &c, &[
            ("title", "=HYPERLINK(\"http://x\")"),
            ("narrative", "@SUM(1)"),
        ]).await;
        let markup = "<script>alert(1)</script> Shelling, \"heavy\" & <b>bold</b>";
        let narrative = "Line one, with a comma\nLine two with \"quotes\"\n<img src=x onerror=alert(1)>";
        // Every count its own number (3, 4, …), so that each column is seen to hold its own.
        let counts: Vec<(&str, String)> = corridor::incidents::model::COUNT_FIELDS
            .iter()
            .enumerate()
            .map(|(k, (field, _))| (*field, (k + 3).to_string()))
            .collect();
        let mut fields = vec![
            ("title", markup),
            ("narrative", narrative),
            ("location", "Westfield"),
            ("claim_source_type", "authorities"),
            ("claim_source_name", "Ministry, \"Health\""),
            ("claim_reliability", "F"),
            ("claim_credibility", "6"),
        ];
        fields.extend(counts.iter().map(|(field, n)| (*field, n.as_str())));
        create_incident(&app, &c, &fields).await;

        let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
        let page = export(&app, &c, "/exports/incidents.csv").await;
        assert_eq!(header(&page, "content-type"), "text/csv; charset=utf-8");
        assert_eq!(
            header(&page, "content-disposition"),
            format!("attachment; filename=\"corridor-incidents-{today}.csv\"")
        );
        assert_eq!(header(&page, "cache-control"), "no-store");
        assert_eq!(header(&page, "x-content-type-options"), "nosniff", "the security headers are added");

        // The header row names every column; no HXL row unless asked for.
        let records = parse_csv(&page.body);
        let names: Vec<&str> = exports::incidents::COLUMNS.iter().map(|c| c.name).collect();
        assert_eq!(records[0], names);
        assert_eq!(records.len(), 3, "header and two incidents");
        assert!(!page.body.contains("#meta+id+incident"));
        assert!(page.body.contains("\r\n"), "RFC 4180 line ends");

        let rows = csv_rows(&page.body, false);
        let (a, b) = (&rows[0], &rows[1]);
        // Formula injection: the text comes back with a leading apostrophe, quoted as RFC 4180 says.
        assert_eq!(a["title"], "'=HYPERLINK(\"http://x\")");
        assert_eq!(a["narrative"], "'@SUM(1)");
        assert!(page.body.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "quotes doubled inside a quoted field");
        // Commas, quotes, line breaks and markup survive the round trip, not HTML-escaped.
        assert_eq!(b["title"], markup);
        assert_eq!(b["narrative"], narrative);
        assert!(!page.body.contains("&lt;") && !page.body.contains("&amp;"));
        // Every field.
        assert_eq!(a["reference"], format!("INC-{year}-000001"));
        assert_eq!(a["category"], "movement_restriction");
        assert_eq!(a["occurred_on"], "2018-02-26");
        assert_eq!(a["reported_on"], "2018-02-27");
        assert_eq!(a["time_precision"], "day");
        assert_eq!(a["place"], "Douma");
        assert_eq!(a["admin1"], "Rural Damascus");
        assert_eq!(a["admin2"], "Duma");
        assert_eq!(a["pcode"], "SY5");
        assert_eq!(a["latitude"], "33.5705");
        assert_eq!(a["longitude"], "36.4039");
        assert_eq!(b["longitude"], "-0.187", "a negative number is not text");
        assert_eq!(a["location_precision"], "exact");
        assert_eq!(a["perpetrator_type"], "state_forces");
        assert_eq!(a["perpetrator_name"], "Checkpoint personnel");
        assert_eq!(a["people_affected"], "70000");
        assert_eq!(a["civilians_killed"], "", "an unknown count stays empty, not 0");
        assert_eq!(b["civilians_killed"], "3");
        for (field, n) in &counts {
            assert_eq!(&b[*field], n, "{field}");
        }
        assert_eq!(a["organization"], "OCHA");
        assert_eq!(a["sensitivity"], "restricted");
        assert_eq!(a["verification"], "unverified");
        assert_eq!(a["status"], "submitted");
        assert_eq!(a["retracted"], "no");
        assert_eq!(a["claims"], "1");
        assert_eq!(a["sources"], "own_staff A1 (Convoy leader Amal)");
        assert_eq!(b["sources"], "authorities F6 (Ministry, \"Health\")");

        // With ?hxl=1 the second row holds the hashtags.
        let hxl = export(&app, &c, "/exports/incidents.csv?hxl=1").await;
        let records = parse_csv(&hxl.body);
        assert_eq!(records.len(), 4);
        let tags: Vec<&str> = exports::incidents::COLUMNS.iter().map(|c| c.hxl).collect();
        assert_eq!(records[1], tags);
        for tag in ["#meta+id+incident", "#meta+precision+date", "#date+occurred", "#date+reported", "#adm1+name", "#adm2+name", "#loc+name", "#geo+lat", "#geo+lon", "#org+name", "#access+type", "#meta+source"] {
            assert!(records[1].iter().any(|t| t == tag), "{tag}");
        }
        assert!(records[1].iter().all(|t| t.starts_with('#')));
        // The same data under the extra row, each text on one line for HXL tools.
        let one_line: Vec<HashMap<String, String>> = rows
            .iter()
            .map(|r| r.iter().map(|(k, v)| (k.clone(), exports::format::one_line(v).into_owned())).collect())
            .collect();
        assert_eq!(csv_rows(&hxl.body, true), one_line, "the same data under the extra row");
        assert!(one_line != rows, "a narrative on several lines was put on one");

        // JSON: the same fields, as typed values, text verbatim (no apostrophe, no escaping).
        let json = export(&app, &c, "/exports/incidents.json").await;
        assert_eq!(header(&json, "content-type"), "application/json");
        assert_eq!(
            header(&json, "content-disposition"),
            format!("attachment; filename=\"corridor-incidents-{today}.json\"")
        );
        assert_eq!(header(&json, "cache-control"), "no-store");
        let objects = json_rows(&json.body);
        assert_eq!(objects.len(), 2);
        let keys: Vec<&str> = objects[0].as_object().unwrap().keys().map(String::as_str).collect();
        let mut names_sorted = names.clone();
        names_sorted.sort_unstable();
        let mut keys_sorted = keys.clone();
        keys_sorted.sort_unstable();
        assert_eq!(keys_sorted, names_sorted, "the same fields as the CSV");
        assert_eq!(objects[0]["title"], "=HYPERLINK(\"http://x\")");
        assert_eq!(objects[0]["narrative"], "@SUM(1)");
        assert_eq!(objects[1]["title"], markup);
        assert_eq!(objects[1]["narrative"], narrative);
        assert_eq!(objects[0]["people_affected"], 70000);
        assert!(objects[0]["civilians_killed"].is_null());
        assert_eq!(objects[0]["latitude"], 33.5705);
        assert_eq!(objects[1]["longitude"], -0.187);
        assert_eq!(objects[0]["occurred_on"], "2018-02-26");
        assert_eq!(objects[0]["retracted"], false);
        assert_eq!(objects[0]["claims"], 1);
        assert_eq!(objects[1]["sources"], "authorities F6 (Ministry, \"Health\")");
        assert!(!json.body.contains("&lt;"));

        // The page, unlike the data files, escapes the markup.
        let list = app.get_with(&c, "/incidents").await;
        assert!(list.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{}", list.body);
        assert!(!list.body.contains("<script>alert(1)"));
    }

    async fn convoys_and_needs_come_out_with_their_fields(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let year = chrono::Utc::now().format("%Y").to_string();
        create_convoy(&app, &c, &[("notes", "+ held 9 hours, \"trauma kits\" removed")]).await;
        crate::convoys::create_need(&app, &c, &[]).await;

        let page = export(&app, &c, "/exports/convoys.csv?hxl=1").await;
        let records = parse_csv(&page.body);
        let names: Vec<&str> = exports::convoys::COLUMNS.iter().map(|c| c.name).collect();
        assert_eq!(records[0], names);
        for tag in ["#meta+id+convoy", "#loc+name+origin", "#loc+name+dest", "#status", "#org+name"] {
            assert!(records[1].iter().any(|t| t == tag), "{tag}");
        }
        let rows = csv_rows(&page.body, true);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r["reference"], format!("CVY-{year}-000001"));
        assert_eq!(r["organization"], "OCHA");
        assert_eq!(r["origin"], "Damascus");
        assert_eq!(r["destination"], "Douma");
        assert_eq!(r["destination_admin1"], "Rural Damascus");
        assert_eq!(r["planned_departure"], "2018-02-26");
        assert_eq!(r["route"], "Via Al-Wafideen");
        assert_eq!(r["trucks"], "9");
        assert_eq!(r["beneficiaries"], "70000");
        assert_eq!(r["notification_ref"], "HN-1");
        // The HXL form puts each cargo line after the other on one line; JSON keeps the lines.
        assert_eq!(r["cargo"], "Trauma kits (health): 40 kits, 800 kg; Food parcels (food): 5000 parcels");
        assert_eq!(r["status"], "planned");
        assert_eq!(r["sensitivity"], "restricted");
        assert_eq!(r["notes"], "'+ held 9 hours, \"trauma kits\" removed");
        let json = json_rows(&export(&app, &c, "/exports/convoys.json").await.body);
        assert_eq!(json.len(), 1);
        assert_eq!(json[0]["trucks"], 9);
        assert_eq!(json[0]["notes"], "+ held 9 hours, \"trauma kits\" removed");
        assert_eq!(json[0]["cargo"], "Trauma kits (health): 40 kits, 800 kg\nFood parcels (food): 5000 parcels");

        let page = export(&app, &c, "/exports/needs.csv?hxl=1").await;
        let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
        assert_eq!(
            header(&page, "content-disposition"),
            format!("attachment; filename=\"corridor-needs-{today}.csv\"")
        );
        let records = parse_csv(&page.body);
        for tag in ["#item+name", "#value+needed", "#value+delivered", "#severity", "#status", "#loc+name"] {
            assert!(records[1].iter().any(|t| t == tag), "{tag}");
        }
        let rows = csv_rows(&page.body, true);
        assert_eq!(rows.len(), 1);
        let n = &rows[0];
        assert_eq!(n["reference"], format!("NEED-{year}-000001"));
        assert_eq!(n["facility_name"], "Douma surgical hospital");
        assert_eq!(n["facility_type"], "hospital");
        assert_eq!(n["place"], "Douma");
        assert_eq!(n["latitude"], "33.5705");
        assert_eq!(n["item"], "trauma_kits");
        assert_eq!(n["quantity_needed"], "60");
        assert_eq!(n["quantity_delivered"], "0");
        assert_eq!(n["quantity_outstanding"], "60");
        assert_eq!(n["unit"], "kits");
        assert_eq!(n["urgency"], "critical");
        assert_eq!(n["needed_by"], "2018-02-27");
        assert_eq!(n["status"], "open");
        assert_eq!(n["organization"], "OCHA");
        let json = json_rows(&export(&app, &c, "/exports/needs.json").await.body);
        assert_eq!(json[0]["quantity_needed"], 60);
        assert_eq!(json[0]["needed_by"], "2018-02-27");
        assert_eq!(json[0]["facility_name"], "Douma surgical hospital");
    }

    async fn exports_apply_the_list_filters(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        create_incident(&app, &c, &[("title", "Convoy held")]).await;
        create_incident(&app, &c, &[
            ("title", "Clinic shelled"), ("category", "violence_against_aid"), ("location", "Damascus"),
            ("occurred_on", "2018-03-10"), ("reported_on", "2018-03-10"), ("claim_date", "2018-03-10"),
        ]).await;
        create_incident(&app, &c, &[
            ("title", "Checkpoint closed"), ("location", "Damascus"), ("sensitivity", "public"),
            ("occurred_on", "2018-03-20"), ("reported_on", "2018-03-20"), ("claim_date", "2018-03-20"),
        ]).await;
        let titles = |body: &str| -> Vec<String> {
            let mut t: Vec<String> = json_rows(body).iter().map(|o| o["title"].as_str().unwrap().to_string()).collect();
            t.sort();
            t
        };
        for (query, expected) in [
            ("", vec!["Checkpoint closed", "Clinic shelled", "Convoy held"]),
            ("category=movement_restriction", vec!["Checkpoint closed", "Convoy held"]),
            ("admin1=Damascus", vec!["Checkpoint closed", "Clinic shelled"]),
            ("from=2018-03-01&to=2018-03-15", vec!["Clinic shelled"]),
            ("q=clinic", vec!["Clinic shelled"]),
            ("sensitivity=public", vec!["Checkpoint closed"]),
            ("category=explosive_hazards", vec![]),
            // The page number is the list's business: an export holds every match.
            ("page=2&sort=occurred-asc", vec!["Checkpoint closed", "Clinic shelled", "Convoy held"]),
        ] {
            let json = export(&app, &c, &format!("/exports/incidents.json?{query}")).await;
            assert_eq!(titles(&json.body), expected, "JSON ?{query}");
            let csv = export(&app, &c, &format!("/exports/incidents.csv?{query}")).await;
            let mut csv_titles: Vec<String> = csv_rows(&csv.body, false).iter().map(|r| r["title"].clone()).collect();
            csv_titles.sort();
            assert_eq!(csv_titles, expected, "CSV ?{query}");
        }
        // The list page with the same filters offers links that carry them.
        let list = unescaped(&app.get_with(&c, "/incidents?category=movement_restriction&page=1").await);
        assert!(list.contains("\"/exports/incidents.csv?q=&category=movement_restriction&"), "{list}");
        assert!(list.contains("&sort=&hxl=1\">CSV with HXL tags</a>"), "{list}");
        assert!(list.contains("\"/exports/incidents.json?q=&category=movement_restriction&"));

        let first = create_convoy(&app, &c, &[]).await;
        create_convoy(&app, &c, &[("destination", "Damascus"), ("origin", "Douma")]).await;
        let first_id = first.location.unwrap().trim_start_matches("/convoys/").split(['?', '#']).next().unwrap().to_string();
        let moved = app.post_form_with(&c, &format!("/convoys/{first_id}"), &format!("/convoys/{first_id}/events"), &[("status", "notified"), ("occurred_on", "2018-02-26")]).await;
        assert_eq!(moved.status, 303, "{}", moved.body);
        let notified = csv_rows(&export(&app, &c, "/exports/convoys.csv?status=notified").await.body, false);
        assert_eq!(notified.len(), 1);
        assert_eq!(notified[0]["destination"], "Douma");
        assert_eq!(json_rows(&export(&app, &c, "/exports/convoys.json?status=planned").await.body).len(), 1);
        assert_eq!(json_rows(&export(&app, &c, "/exports/convoys.json").await.body).len(), 2);
        let list = unescaped(&app.get_with(&c, "/convoys?status=notified").await);
        assert!(list.contains("\"/exports/convoys.csv?status=notified&organization=&destination=&from=&to=\""), "{list}");

        crate::convoys::create_need(&app, &c, &[]).await;
        crate::convoys::create_need(&app, &c, &[("facility_name", "Damascus clinic"), ("location", "Damascus"), ("urgency", "low")]).await;
        let critical = csv_rows(&export(&app, &c, "/exports/needs.csv?urgency=critical").await.body, false);
        assert_eq!(critical.len(), 1);
        assert_eq!(critical[0]["facility_name"], "Douma surgical hospital");
        let by_name = json_rows(&export(&app, &c, "/exports/needs.json?facility=damascus").await.body);
        assert_eq!(by_name.len(), 1);
        assert_eq!(by_name[0]["facility_name"], "Damascus clinic");
        let list = unescaped(&app.get_with(&c, "/needs?urgency=critical").await);
        assert!(list.contains("\"/exports/needs.json?facility=&admin1=&location=&item=&urgency=critical&status=\""), "{list}");
    }

    async fn only_coordinators_and_auditors_export_and_hidden_records_never_leave(app: TestApp) {
        places(&app);
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let auditor = signed_in(&app, "hana.auditor", Role::Auditor, "OCHA").await;
        create_incident(&app, &who, &[
            ("title", "Secret clinic raid"), ("sensitivity", "confidential"), ("claim_source_name", "Dr Hidden"),
        ]).await;
        create_incident(&app, &who, &[("title", "Shared checkpoint delay")]).await;
        create_convoy(&app, &who, &[("sensitivity", "confidential"), ("route", "Secret route")]).await;
        create_convoy(&app, &who, &[]).await;
        crate::convoys::create_need(&app, &who, &[("facility_name", "Hidden clinic"), ("sensitivity", "confidential")]).await;
        crate::convoys::create_need(&app, &who, &[]).await;

        // Reporters may not export at all, in either format; coordinators and auditors may.
        for path in EXPORTS {
            for (label, c) in [("reporter of another organisation", &sarc), ("reporter of the same organisation", &who)] {
                let refused = app.get_with(c, path).await;
                assert_eq!(refused.status, 403, "{label}: {path}");
                assert!(!refused.body.contains("Secret clinic raid") && !refused.body.contains("Dr Hidden"));
            }
            // The confidential record of this kind, and the shared one.
            let (hidden, shared) = match path.split(['/', '.']).nth(2) {
                Some("incidents") => ("Secret clinic raid", "Shared checkpoint delay"),
                Some("convoys") => ("Secret route", "Via Al-Wafideen"),
                Some("needs") => ("Hidden clinic", "Douma surgical hospital"),
                other => panic!("{path}: export of {other:?}"),
            };
            for c in [&coordinator, &auditor] {
                let page = export(&app, c, path).await;
                assert_eq!(page.status, 200, "{path}");
                assert!(page.body.contains(hidden), "coordinators and auditors see every record: {path}");
                assert!(page.body.contains(shared), "{path}");
            }
        }
        assert_eq!(app.count("audit_events WHERE action LIKE 'export.%'"), 12, "refused exports record nothing");
        let sources = json_rows(&export(&app, &auditor, "/exports/incidents.json").await.body);
        assert!(sources.iter().any(|o| o["sources"] == "own_staff A1 (Dr Hidden)"), "auditors see source names");
        // The links are shown only to those who may follow them.
        for list in ["/incidents", "/convoys", "/needs"] {
            assert!(!app.get_with(&sarc, list).await.body.contains("/exports/"), "{list}: no links for reporters");
            let page = app.get_with(&coordinator, list).await;
            assert!(page.body.contains(&format!("/exports{list}.csv?")) && page.body.contains(&format!("/exports{list}.json?")), "{list}");
        }

        // Underneath, an export is only ever what its viewer may see, in both formats: were a
        // reporter of another organisation ever allowed to export, the confidential records and
        // the source names would still stay out.
        let db = app.db();
        let mut conn = db.conn().unwrap();
        let outsider = Viewer { role: Role::Reporter, organization_id: app.seed_org("SARC") };
        let insider = Viewer { role: Role::Reporter, organization_id: app.seed_org("WHO") };
        let incidents = |viewer| -> Arc<dyn Source> {
            let (filter, ..) = corridor::incidents::list::ListQuery::default().parse();
            Arc::new(exports::incidents::Incidents { viewer, filter })
        };
        let convoys = |viewer| -> Arc<dyn Source> {
            Arc::new(exports::convoys::Convoys { viewer, filter: Default::default() })
        };
        let needs = |viewer| -> Arc<dyn Source> {
            Arc::new(exports::needs::Needs { viewer, filter: Default::default() })
        };
        for format in [Format::Csv { hxl: true }, Format::Json] {
            let mut text = |source| String::from_utf8(exports::render(&mut conn, source, format).unwrap()).unwrap();
            let seen = text(incidents(outsider));
            assert!(seen.contains("Shared checkpoint delay"), "{format:?}: {seen}");
            assert!(!seen.contains("Secret clinic raid"), "{format:?}");
            assert!(!seen.contains("Dr Hidden") && !seen.contains("Convoy leader Amal"), "{format:?}: no source names: {seen}");
            assert!(seen.contains("own_staff A1"), "{format:?}: the source type and grade are shown");
            let own = text(incidents(insider));
            assert!(own.contains("Secret clinic raid") && own.contains("Dr Hidden") && own.contains("Convoy leader Amal"), "{format:?}");
            let seen = text(convoys(outsider));
            assert!(seen.contains("Via Al-Wafideen") && !seen.contains("Secret route"), "{format:?}");
            assert!(text(convoys(insider)).contains("Secret route"));
            let seen = text(needs(outsider));
            assert!(seen.contains("Douma surgical hospital") && !seen.contains("Hidden clinic"), "{format:?}");
            assert!(text(needs(insider)).contains("Hidden clinic"));
        }
        // A word search read through its matching ids, then the rows: the rows are read with the
        // viewer's visibility again.
        let searched = |viewer, q: &str| -> Arc<dyn Source> {
            let query = corridor::incidents::list::ListQuery { q: q.into(), ..Default::default() };
            Arc::new(exports::incidents::Incidents { viewer, filter: query.parse().0 })
        };
        for q in ["secret clinic", "raid", "delay"] {
            let seen = String::from_utf8(exports::render(&mut conn, searched(outsider, q), Format::Json).unwrap()).unwrap();
            assert!(!seen.contains("Secret clinic raid") && !seen.contains("Dr Hidden"), "{q}: {seen}");
            assert_eq!(seen.contains("Shared checkpoint delay"), q == "delay", "{q}: {seen}");
            let own = String::from_utf8(exports::render(&mut conn, searched(insider, q), Format::Json).unwrap()).unwrap();
            assert_eq!(own.contains("Secret clinic raid"), q != "delay", "{q}: {own}");
        }
        // Ids handed to a page are still read with its viewer's visibility (a record may have
        // become confidential since they were read).
        let every = incidents(insider).ids(&mut conn).unwrap();
        assert_eq!(every.len(), 2);
        let encoder = exports::Encoder::new(Format::Json, exports::incidents::COLUMNS);
        let mut rows = encoder.rows();
        searched(outsider, "secret").page(&mut conn, exports::Span::Ids(&every), &mut rows).unwrap();
        let (read, count) = rows.finish().unwrap();
        let read = String::from_utf8(read).unwrap();
        assert_eq!(count, 1, "only the shared record: {read}");
        assert!(read.contains("Shared checkpoint delay") && !read.contains("Secret"), "{read}");
        let counted = exports::record(&mut conn, &Actor::system("test"), &*incidents(outsider), Format::Json, "").unwrap();
        assert_eq!(counted, 1, "the count uses the same visibility");
    }

    async fn every_export_is_audited_with_its_filters_and_row_count(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        create_incident(&app, &c, &[]).await;
        create_incident(&app, &c, &[("title", "Second")]).await;
        create_incident(&app, &c, &[("category", "hostilities")]).await;
        export(&app, &c, "/exports/incidents.csv?category=movement_restriction&hxl=1").await;
        assert_eq!(app.count("audit_events WHERE action = 'export.incidents'"), 1);
        assert_eq!(
            app.count(
                "audit_events WHERE action = 'export.incidents' AND entity_type = 'export' \
                 AND actor_label = 'layla.coordinator' AND details LIKE '%\"rows\":2}%' \
                 AND details LIKE '%category=movement_restriction%' AND details LIKE '%\"format\":\"csv\"%' \
                 AND details LIKE '%\"hxl\":true%'"
            ),
            1
        );
        export(&app, &c, "/exports/incidents.json").await;
        assert_eq!(app.count("audit_events WHERE action = 'export.incidents' AND details LIKE '%\"rows\":3}%' AND details LIKE '%\"format\":\"json\"%'"), 1);
        create_convoy(&app, &c, &[]).await;
        export(&app, &c, "/exports/convoys.json?status=blocked").await;
        assert_eq!(app.count("audit_events WHERE action = 'export.convoys' AND details LIKE '%\"rows\":0}%' AND details LIKE '%status=blocked%'"), 1);
        export(&app, &c, "/exports/needs.csv").await;
        assert_eq!(app.count("audit_events WHERE action = 'export.needs' AND details LIKE '%\"rows\":0}%'"), 1);
        let verify = app.command(&["audit", "verify"]);
        assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
        let trail = app.get_with(&signed_in(&app, "hana.auditor", Role::Auditor, "OCHA").await, "/audit").await;
        assert!(trail.body.contains("export.incidents"));
    }

    async fn large_exports_stream_page_by_page(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        create_incident(&app, &c, &[]).await;
        // 2,048 incidents (two full pages and a part), copied in the database directly.
        let columns = "title, narrative, category, attack_types, resources_affected, occurred_on, \
            time_precision, occurred_time, reported_on, location_id, location_precision, perpetrator_type, \
            perpetrator_name, civilians_killed, civilians_injured, aid_killed_national, \
            aid_killed_international, aid_injured_national, aid_injured_international, \
            aid_kidnapped_national, aid_kidnapped_international, aid_detained_national, \
            aid_detained_international, people_affected, organization_id, created_by, sensitivity, \
            verification, status, retracted_at, retraction_reason, version, created_at, updated_at";
        for round in 0..11 {
            app.sql(&format!(
                "INSERT INTO incidents (reference, {columns}) \
                 SELECT reference || '-{round}-' || CAST(id AS TEXT), {columns} FROM incidents"
            ))
            .unwrap();
        }
        assert_eq!(app.count("incidents"), 2048);
        let page = export(&app, &c, "/exports/incidents.csv").await;
        assert!(page.headers.get("content-length").is_none(), "streamed, not sent whole");
        assert_eq!(header(&page, "transfer-encoding"), "chunked");
        let rows = csv_rows(&page.body, false);
        assert_eq!(rows.len(), 2048);
        // Pages are read several at once and may finish in any order; they are sent in order.
        let in_order: Vec<String> = {
            use corridor::db::schema::incidents;
            use diesel::prelude::*;
            let db = app.db();
            let mut conn = db.conn().unwrap();
            incidents::table
                .order(incidents::id.asc())
                .select(incidents::reference)
                .load(&mut *conn)
                .unwrap()
        };
        assert_eq!(references(&rows), in_order, "in the records' order");
        let mut refs = references(&rows);
        refs.sort();
        refs.dedup();
        assert_eq!(refs.len(), 2048, "no row twice, none left out");
        let json = json_rows(&export(&app, &c, "/exports/incidents.json").await.body);
        assert_eq!(json.len(), 2048);
        assert_eq!(json[0]["claims"], 1);
        assert_eq!(json[2047]["claims"], 0);
        assert_eq!(app.count("audit_events WHERE action = 'export.incidents' AND details LIKE '%\"rows\":2048}%'"), 2);

        // A filter that matches fewer than half of them is read through its ids: every match,
        // once, and nothing else.
        app.sql("UPDATE incidents SET sensitivity = 'public' WHERE id % 3 = 0").unwrap();
        let public = csv_rows(&export(&app, &c, "/exports/incidents.csv?sensitivity=public").await.body, false);
        assert_eq!(public.len(), 682);
        assert!(public.iter().all(|r| r["sensitivity"] == "public"));
        let mut refs = references(&public);
        refs.sort();
        refs.dedup();
        assert_eq!(refs.len(), 682, "no row twice");
    }
}

both_backends! {
    async fn an_area_list_pages_through_what_its_export_holds_newest_event_first(app: TestApp) {
        // The list of an area reads the page's record numbers first and then their rows
        // (`incidents::list`); the export reads by its own walk. A reporter may not export:
        // what they are shown is the coordinator's export under the visibility rule (their
        // organisation's records, and others' that are neither confidential nor drafts).
        let loaded = app.command(&["demo", "--synthetic", "300", "--seed", "7"]);
        assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
        let coordinator = signed_in(&app, "test.coordinator", Role::Coordinator, "OCHA").await;
        let reporter = signed_in(&app, "test.reporter", Role::Reporter, "WHO").await;
        let mut sizes = HashMap::new();
        for area in ["admin1=Rural+Damascus", "admin1=Aleppo", "admin2=Rural+Damascus+district+2"] {
            let csv = export(&app, &coordinator, &format!("/exports/incidents.csv?{area}")).await;
            let rows = csv_rows(&csv.body, false);
            let on: HashMap<&str, &str> = rows.iter().map(|r| (r["reference"].as_str(), r["occurred_on"].as_str())).collect();
            for (who, c) in [("coordinator", &coordinator), ("reporter", &reporter)] {
                let mut expected: Vec<String> = rows
                    .iter()
                    .filter(|r| who == "coordinator" || r["organization"] == "World Health Organization"
                        || (r["sensitivity"] != "confidential" && r["status"] != "draft"))
                    .map(|r| r["reference"].clone())
                    .collect();
                let mut listed = Vec::new();
                for page in 1.. {
                    let list = app.get_with(c, &format!("/incidents?{area}&page={page}")).await;
                    assert_eq!(list.status, 200, "{who}, {area}, page {page}");
                    let shown: Vec<String> = list.body.split(">INC-").skip(1)
                        .map(|s| format!("INC-{}", &s[..s.find('<').unwrap()]))
                        .collect();
                    if shown.is_empty() {
                        break;
                    }
                    listed.extend(shown);
                }
                // In date order, newest first (the order among records of one day is the record
                // number's, which the export does not give).
                let dates: Vec<&str> = listed.iter().map(|r| on[r.as_str()]).collect();
                assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{who}, {area}: {listed:?} on {dates:?}");
                let mut shown = listed.clone();
                shown.sort();
                expected.sort();
                assert_eq!(shown, expected, "{who}, {area}: every page together, as exported");
                sizes.insert((who, area), listed.len());
            }
        }
        // Known answers, so that agreeing is not agreeing on nothing: two pages of the largest
        // area, fewer for the reporter.
        let (all, seen) = (sizes[&("coordinator", "admin1=Rural+Damascus")], sizes[&("reporter", "admin1=Rural+Damascus")]);
        assert!(all > 50 && seen < all, "coordinator {all}, reporter {seen}");
    }
}
