//! The HXL exports (CSV with the hashtag row, and HXL's JSON form) pass libhxl's
//! `hxlvalidate` without an error or a warning, with text that starts like a formula, text on
//! several lines and a convoy with several cargo lines. Built without `hxlvalidate` (on PATH or
//! named by HXLVALIDATE), the test is reported as ignored, with the reason.

use corridor::domain::Role;
use serde_json::Value;

use crate::convoys::{create_convoy, create_need, places};
use crate::helpers::TestApp;
use crate::incidents::{create_incident, signed_in};

fn hxlvalidate() -> std::path::PathBuf {
    std::env::var_os("HXLVALIDATE")
        .filter(|p| !p.is_empty())
        .map(Into::into)
        .unwrap_or_else(|| "hxlvalidate".into())
}

/// Runs `hxlvalidate` on `body` saved as a file ending in `extension`; its report.
fn validate(body: &str, extension: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("export.{extension}"));
    std::fs::write(&file, body).unwrap();
    let out = std::process::Command::new(hxlvalidate())
        .arg(&file)
        .output()
        .expect("hxlvalidate runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), report)
}

both_backends! {
    #[cfg_attr(not(corridor_test_hxlvalidate), ignore = "needs hxlvalidate (pip install libhxl six), on PATH or named by HXLVALIDATE")]
    async fn every_hxl_export_passes_hxlvalidate_cleanly(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        create_incident(&app, &c, &[("title", "=HYPERLINK(\"http://example.org\")"),
            ("narrative", "Stopped at the checkpoint\n\nTrucks   searched.\r\nKits removed"),
            ("time_precision", "week"), ("location_precision", "near")]).await;
        create_incident(&app, &c, &[("title", "-2+3 trucks"), ("time_precision", "day")]).await;
        create_convoy(&app, &c, &[("notes", "+ held 9 hours\nthen turned back")]).await;
        create_need(&app, &c, &[("notes", "@ the basement\nentrance")]).await;

        for kind in ["incidents", "convoys", "needs"] {
            let csv = app.get_with(&c, &format!("/exports/{kind}.csv?hxl=1")).await;
            assert_eq!(csv.status, 200);
            let json = app.get_with(&c, &format!("/exports/{kind}.json?hxl=1")).await;
            assert_eq!(json.status, 200);
            assert!(json.headers["content-disposition"].to_str().unwrap().ends_with(".hxl.json\""));
            for (body, extension) in [(&csv.body, "csv"), (&json.body, "json")] {
                let (ok, report) = validate(body, extension);
                assert!(ok, "{kind}.{extension} fails hxlvalidate:\n{report}\n{body}");
                assert!(!report.contains("[error]") && !report.contains("[warning]"), "{kind}.{extension}:\n{report}");
            }
            // The JSON form: the same hashtags as the CSV's HXL row, one array per record.
            let rows: Vec<Vec<Value>> = serde_json::from_str(&json.body).expect("an array of arrays");
            let hxl_row = csv.body.lines().nth(1).unwrap().split(',').map(str::to_string).collect::<Vec<_>>();
            let tags: Vec<String> = rows[0].iter().map(|t| t.as_str().unwrap().to_string()).collect();
            assert_eq!(tags, hxl_row, "{kind}");
            assert!(tags[0].starts_with("#meta+id+"), "one reference convention: {}", tags[0]);
            assert!(rows.len() > 1);
            assert!(!csv.body.lines().skip(2).any(|l| l.matches('"').count() % 2 == 1), "{kind}: a cell spans lines:\n{}", csv.body);
        }
        let json = app.get_with(&c, "/exports/incidents.json?hxl=1").await;
        let rows: Vec<Vec<Value>> = serde_json::from_str(&json.body).unwrap();
        let titles: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str().unwrap()).collect();
        // JSON is never run as a formula: the title as typed.
        assert!(titles.contains(&"=HYPERLINK(\"http://example.org\")"), "{titles:?}");
        let narrative = rows[1..].iter().map(|r| r[2].as_str().unwrap()).find(|n| n.starts_with("Stopped")).unwrap();
        assert_eq!(narrative, "Stopped at the checkpoint; Trucks searched.; Kits removed".replace("searched.;", "searched."));
        let precision = tags_index(&rows[0], "#meta+precision+date");
        assert!(rows[1..].iter().any(|r| r[precision] == "week"));
        let convoys = app.get_with(&c, "/exports/convoys.csv?hxl=1").await;
        assert!(convoys.body.contains("800 kg; Food parcels (food)"), "{}", convoys.body);
    }
}

fn tags_index(tags: &[Value], tag: &str) -> usize {
    tags.iter()
        .position(|t| t == tag)
        .unwrap_or_else(|| panic!("no {tag}"))
}
