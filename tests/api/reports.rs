//! The situation report for the public (`audience=public`): only `public` records are counted,
//! and source identities, exact places and coordinates, facility names and narratives are
//! withheld; the internal report of the same period shows them.

use corridor::audit::{self, Actor};
use corridor::domain::Role;
use corridor::locations::{self, PlaceFields};

use crate::convoys::{create_convoy, create_need};
use crate::helpers::{Page, TestApp};
use crate::incidents::{create_incident, signed_in};

/// A place with a p-code and coordinates (arranging, not testing).
fn seed_place_at(app: &TestApp, name: &str, admin2: &str, pcode: &str, at: (f64, f64)) {
    let db = app.db();
    let mut conn = db.conn().unwrap();
    let place = PlaceFields {
        name: name.into(),
        admin1: "Rural Damascus".into(),
        admin2: admin2.into(),
        pcode: pcode.into(),
        latitude: Some(at.0),
        longitude: Some(at.1),
        ..Default::default()
    };
    audit::write(&mut conn, |conn| {
        Ok(locations::create(conn, &Actor::system("test"), &place, None)?.id)
    })
    .unwrap();
}

/// A headline figure of the report (`id="figure-incidents"`).
fn figure(page: &Page, name: &str) -> String {
    let marker = format!("id=\"figure-{name}\">");
    page.body
        .split(&marker)
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_else(|| panic!("no figure {name}: {}", page.body))
        .trim()
        .to_string()
}

/// Written into the records, never to be seen in the public report.
const WITHHELD: &[&str] = &[
    "Narrative of the public record",
    "Source Nadia Haddad",
    "Harasta surgical hospital",
    "Restricted airstrike",
    "Confidential detention",
    "Restricted clinic",
    "SY0301",
    "33.5705",
    "36.4039",
];

/// The records of the two tests: a public, a restricted and a confidential incident, a public
/// and a restricted critical need and convoy, all at Douma (in Duma district). Returns the
/// coordinator's client.
async fn arrange(app: &TestApp) -> reqwest::Client {
    seed_place_at(app, "Douma", "Duma", "SY0301", (33.5705, 36.4039));
    seed_place_at(app, "Damascus", "Damascus", "SY0101", (33.5138, 36.2765));
    let c = signed_in(app, "layla.coordinator", Role::Coordinator, "OCHA").await;
    create_incident(
        app,
        &c,
        &[
            ("title", "Public shelling of a market"),
            ("narrative", "Narrative of the public record."),
            ("claim_source_name", "Source Nadia Haddad"),
            ("sensitivity", "public"),
        ],
    )
    .await;
    create_incident(
        app,
        &c,
        &[
            ("title", "Restricted airstrike"),
            ("sensitivity", "restricted"),
        ],
    )
    .await;
    create_incident(
        app,
        &c,
        &[
            ("title", "Confidential detention"),
            ("sensitivity", "confidential"),
        ],
    )
    .await;
    create_need(
        app,
        &c,
        &[
            ("facility_name", "Harasta surgical hospital"),
            ("sensitivity", "public"),
            ("needed_by", "2018-06-01"),
        ],
    )
    .await;
    create_need(
        app,
        &c,
        &[
            ("facility_name", "Restricted clinic"),
            ("sensitivity", "restricted"),
            ("needed_by", "2018-06-01"),
        ],
    )
    .await;
    create_convoy(
        app,
        &c,
        &[("sensitivity", "public"), ("beneficiaries", "1234")],
    )
    .await;
    create_convoy(
        app,
        &c,
        &[("sensitivity", "restricted"), ("beneficiaries", "56789")],
    )
    .await;
    c
}

const PERIOD: &str = "/reports/situation?from=2018-01-01&to=2018-12-31";

both_backends! {
    async fn the_public_report_counts_public_records_and_withholds_sources_facilities_and_narratives(app: TestApp) {
        let c = arrange(&app).await;
        let internal = app.get_with(&c, PERIOD).await;
        assert_eq!(internal.status, 200, "{}", internal.body);
        assert_eq!(figure(&internal, "incidents"), "3");
        for shown in ["Restricted airstrike", "Confidential detention", "Harasta surgical hospital", "Restricted clinic"] {
            assert!(internal.body.contains(shown), "the internal report shows {shown}");
        }
        assert!(internal.body.contains("/ 58,023"), "the internal report counts both convoys");

        let public = app.get_with(&c, &format!("{PERIOD}&audience=public")).await;
        assert_eq!(public.status, 200, "{}", public.body);
        assert_eq!(figure(&public, "incidents"), "1", "only the public incident is counted");
        assert!(public.body.contains("/ 1,234") && !public.body.contains("56,789"), "only the public convoy is counted");
        for withheld in WITHHELD {
            assert!(!public.body.contains(withheld), "the public report shows {withheld:?}");
        }
        // Counts only: no record is listed by its title.
        assert!(!public.body.contains("Public shelling of a market"));
        // The audit trail records which report was made.
        assert_eq!(app.count_where("audit_events", "action = 'report.situation' AND details LIKE '%\"audience\":\"Public\"%'"), 1);
    }

    async fn the_public_report_names_areas_not_exact_places(app: TestApp) {
        let c = arrange(&app).await;
        let internal = app.get_with(&c, PERIOD).await;
        assert!(internal.body.contains("<bdi>Douma</bdi>"), "the internal report names the place");
        let public = app.get_with(&c, &format!("{PERIOD}&audience=public")).await;
        assert_eq!(public.status, 200, "{}", public.body);
        assert!(!public.body.contains("Douma"), "the public report names the exact place: {}", public.body);
        assert!(public.body.contains("<bdi>Duma</bdi>"), "the public report names the area");
    }
}
