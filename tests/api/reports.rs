//! The situation report for the public (`audience=public`): only `public` records are counted,
//! and source identities, exact places and coordinates, facility names and narratives are
//! withheld; the internal report of the same period shows them.

use corridor::audit::{self, Actor};
use corridor::domain::Role;
use corridor::locations::{self, PlaceFields};

use crate::convoys::{create_convoy, create_need, line_ids, moves};
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

    /// An administrator uploads the organisation's logo: a photo with GPS in its metadata is
    /// drawn anew as a PNG without it, printed on the reports that organisation issues (and on
    /// no other's), recorded in the audit trail, and removed again. A file that is not a
    /// picture is refused beside the field.
    async fn the_issuing_organisations_logo_heads_its_reports(app: TestApp) {
        let c = arrange(&app).await;
        let admin = signed_in(&app, "amal.admin", Role::Admin, "OCHA").await;
        let org = app.seed_org("OCHA");
        let page = format!("/admin/organizations/{org}");
        let send = |bytes: Vec<u8>| {
            let (app, admin, page) = (&app, &admin, page.clone());
            async move {
                let token = app.get_with(admin, &page).await.csrf();
                let res = admin
                    .post(app.url(&format!("{page}/logo")))
                    .header("content-type", format!("multipart/form-data; boundary={}", crate::evidence::BOUNDARY))
                    .body(crate::evidence::multipart_named(&token, &[], "logo", &[("logo.jpg", &bytes)]))
                    .send()
                    .await
                    .expect("upload");
                (res.status().as_u16(), res.headers().get("location").map(|l| l.to_str().unwrap().to_string()), res.text().await.unwrap())
            }
        };
        let (status, _, body) = send(b"<svg onload=alert(1)>".to_vec()).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains("This file is not a PNG, JPEG or WebP picture"), "{body}");
        assert!(body.contains("href=\"#logo\""), "the summary links to the field");
        let (status, location, body) = send(crate::evidence_photos::photo_with_gps()).await;
        assert_eq!((status, location.as_deref()), (303, Some(format!("{page}?done=logo").as_str())), "{body}");
        let shown = app.get_with(&admin, &format!("{page}?done=logo")).await;
        assert!(shown.body.contains("The logo was saved"), "{}", shown.body);
        let src = shown.body.split("class=\"org-logo\" src=\"").nth(1).and_then(|r| r.split('"').next()).expect("the logo shown").replace("&amp;", "&");
        let (status, headers, png) = crate::evidence::bytes(&app, &c, &src).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/png");
        assert!(png.starts_with(b"\x89PNG"), "drawn anew as a PNG");
        assert!(!png.windows(4).any(|w| w == b"Exif") && !png.windows(4).any(|w| w == b"GPS\0"), "no metadata kept");
        assert_eq!(app.count_where("audit_events", "action = 'organization.logo'"), 1);
        // OCHA's coordinator's report is headed by OCHA's logo; another organisation's is not.
        let report = app.get_with(&c, PERIOD).await;
        assert!(report.body.contains(&format!("<img class=\"report-logo\" src=\"{}\"", src.replace('&', "&amp;"))), "{}", report.body);
        let other = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        assert!(!app.get_with(&other, PERIOD).await.body.contains("report-logo"));
        // Removed: the report is headed by the name alone, and the picture is gone.
        let token = app.get_with(&admin, &page).await.csrf();
        let removed = admin.post(app.url(&format!("{page}/logo/removal"))).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(removed.status().as_u16(), 303);
        assert!(!app.get_with(&c, PERIOD).await.body.contains("report-logo"));
        assert_eq!(crate::evidence::bytes(&app, &c, &src).await.0, 404);
        assert_eq!(app.count_where("audit_events", "action = 'organization.logo'"), 2);
    }

    /// The convoy figures: the beneficiaries reached are all of a delivered convoy's and a
    /// partly delivered one's in the share of its cargo that arrived; the cargo removed on the
    /// way is summed by item.
    async fn the_report_counts_beneficiaries_reached_and_cargo_removed(app: TestApp) {
        let c = arrange(&app).await;
        let delivered = create_convoy(&app, &c, &[("beneficiaries", "1000")]).await;
        let partly = create_convoy(&app, &c, &[("beneficiaries", "3000")]).await;
        // Each: 40 trauma kits and 5,000 food parcels. The second lost 6 kits and half of what
        // it carried did not arrive: 2,520 of 5,040.
        for (id, status, kits, removed, parcels) in
            [(delivered, "delivered", "40", "", "5000"), (partly, "partially_delivered", "24", "6", "2496")]
        {
            moves(&app, &c, id, &["notified", "approved", "en_route"]).await;
            let lines = line_ids(&app, &c, id).await;
            let outcome = [
                ("status", status), ("occurred_on", "2018-02-27"),
                ("delivered_line", lines[0].as_str()), ("delivered_quantity", kits), ("removed_quantity", removed), ("removal_note", ""),
                ("delivered_line", lines[1].as_str()), ("delivered_quantity", parcels), ("removed_quantity", ""), ("removal_note", ""),
            ];
            let page = app.post_form_with(&c, &format!("/convoys/{id}"), &format!("/convoys/{id}/events"), &outcome).await;
            assert_eq!(page.status, 303, "{status}: {}", page.body);
        }
        let report = app.get_with(&c, PERIOD).await;
        assert_eq!(report.status, 200, "{}", report.body);
        // Reached 1,000 + 3,000 × 2,520 / 5,040; targeted with the two planned convoys.
        assert!(report.body.contains("2,500 / 62,023"), "{}", report.body);
        assert!(report.body.contains("id=\"convoys-delivered\">1<"), "{}", report.body);
        let removed = report.body.split("<td dir=\"auto\">Trauma kits</td>").nth(1).expect("kits removed listed");
        assert!(removed.starts_with("<td class=\"num\">6 <bdi>kits</bdi>"), "{removed}");
        assert!(!report.body.contains("<td dir=\"auto\">Food parcels</td>"), "nothing removed of the parcels");
    }
}
