//! The incident map: figures per governorate through the viewer's scope (another
//! organisation's confidential incident is neither counted nor drawn for a reporter), dots
//! only for incidents placed exactly or nearly, each governorate a link to the list filtered
//! to it, and the map in the situation report (no dots in a public one).

use crate::helpers::{TestApp, PASSWORD};
use crate::incidents::{create_incident, signed_in};
use corridor::audit::{self, Actor};
use corridor::domain::Role;
use corridor::locations::{self, PlaceFields};

/// A place with coordinates in the gazetteer.
fn place_at(app: &TestApp, name: &str, admin1: &str, lat: f64, lon: f64) -> i64 {
    add_place(
        app,
        PlaceFields {
            name: name.into(),
            admin1: admin1.into(),
            latitude: Some(lat),
            longitude: Some(lon),
            ..Default::default()
        },
    )
}

fn add_place(app: &TestApp, place: PlaceFields) -> i64 {
    let db = app.db();
    let mut conn = db.conn().unwrap();
    audit::write(&mut conn, |conn| {
        Ok(locations::create(conn, &Actor::system("test"), &place, None)?.id)
    })
    .unwrap()
}

/// The figure the map's table gives a governorate ('' when it has no row).
pub fn figure(body: &str, governorate: &str) -> String {
    let Some(at) = body.find(&format!(
        "<bdi>{governorate}</bdi></a></td><td class=\"num\">"
    )) else {
        return String::new();
    };
    let rest = &body[at..];
    let start = rest.find("class=\"num\">").unwrap() + "class=\"num\">".len();
    rest[start..start + rest[start..].find('<').unwrap()].to_string()
}

/// Is incident `id` drawn as a dot? A dot drawn is titled with its incident's reference.
fn dot(body: &str, id: i64) -> bool {
    let Some(at) = body.find(&format!("<a href=\"/incidents/{id}\"><circle")) else {
        return false;
    };
    let rest = &body[at..];
    let title =
        &rest[rest.find("<title>").unwrap() + "<title>".len()..rest.find("</title>").unwrap()];
    assert!(
        title.starts_with("Incident ") && title.contains("INC-") && !title.contains('\u{FFFC}'),
        "a dot's title names its incident: {title:?}"
    );
    true
}

/// The incidents drawn as dots, in the order drawn.
fn dots(body: &str) -> Vec<&str> {
    body.split("<a href=\"/incidents/")
        .skip(1)
        .filter(|rest| {
            rest.split('"')
                .nth(1)
                .is_some_and(|a| a.starts_with("><circle"))
        })
        .map(|rest| rest.split('"').next().unwrap())
        .collect()
}

both_backends! {
    async fn the_map_counts_and_draws_what_the_viewer_may_see(app: TestApp) {
        place_at(&app, "Douma", "Rural Damascus", 33.5711, 36.4026);
        place_at(&app, "Aleppo city", "Aleppo", 36.2021, 37.1343);
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let msf = signed_in(&app, "nadia.reporter", Role::Reporter, "MSF").await;
        let exact = create_incident(&app, &who, &[("sensitivity", "public")]).await;
        // Known only to its district: counted in Rural Damascus, never a dot.
        let district = create_incident(&app, &who, &[("location_precision", "region")]).await;
        // Another organisation's confidential incident in Aleppo, placed exactly.
        let secret = create_incident(&app, &msf, &[
            ("location", "Aleppo city"), ("sensitivity", "confidential"),
            ("title", "Canary-map-title"),
        ]).await;
        let coordinator = signed_in(&app, "cora.coordinator", Role::Coordinator, "OCHA").await;

        let list = app.get_with(&who, "/incidents/map").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("<svg class=\"chart map\""), "{}", list.body);
        assert!(list.body.contains("<title id=\"incident-map-title\">") && list.body.contains("<desc"));
        assert_eq!(figure(&list.body, "Rural Damascus"), "2", "{}", list.body);
        assert_eq!(figure(&list.body, "Aleppo"), "", "the reporter never counts MSF's confidential incident");
        assert!(list.body.contains("Aleppo: 0 incidents"), "Aleppo drawn, unshaded");
        assert!(dot(&list.body, exact), "the exact incident is a dot");
        assert!(!dot(&list.body, district), "a district-only incident is no dot");
        assert!(!dot(&list.body, secret) && !list.body.contains("Canary-map"));

        let seen = app.get_with(&coordinator, "/incidents/map").await;
        let listed = app.get_with(&coordinator, "/incidents").await;
        assert!(listed.body.contains("<a href=\"/incidents/map?"), "the list links to its map: {}", listed.body);
        assert_eq!(figure(&seen.body, "Rural Damascus"), "2");
        assert_eq!(figure(&seen.body, "Aleppo"), "1", "{}", seen.body);
        assert!(dot(&seen.body, secret) && dot(&seen.body, exact) && !dot(&seen.body, district));

        // Placed exactly, but at a district, or at a place without coordinates: no dot. The
        // server keeps those places' list between requests: one added since is known at once.
        add_place(&app, PlaceFields {
            name: "Duma district".into(), admin1: "Rural Damascus".into(),
            kind: Some(corridor::domain::vocab::PlaceKind::District),
            latitude: Some(33.57), longitude: Some(36.40), ..Default::default()
        });
        let at_district = create_incident(&app, &who, &[("location", "Duma district")]).await;
        add_place(&app, PlaceFields {
            name: "Unmapped village".into(), admin1: "Rural Damascus".into(), ..Default::default()
        });
        let unmapped = create_incident(&app, &who, &[("location", "Unmapped village")]).await;
        let seen = app.get_with(&coordinator, "/incidents/map").await;
        assert_eq!(figure(&seen.body, "Rural Damascus"), "4", "counted in their governorate");
        assert!(dot(&seen.body, exact) && !dot(&seen.body, at_district) && !dot(&seen.body, unmapped));
        // So many such places that the statement asks for them itself: the same dots.
        for n in 0..corridor::incidents::by_area::NAMED_UNMAPPED {
            add_place(&app, PlaceFields {
                name: format!("Hamlet {n}"), admin1: "Idlib".into(), ..Default::default()
            });
        }
        let many = app.get_with(&coordinator, "/incidents/map").await;
        assert_eq!(dots(&many.body), dots(&seen.body));
        assert!(dot(&many.body, exact) && !dot(&many.body, at_district) && !dot(&many.body, unmapped));

        // Each governorate links to the list filtered to it, the other filters kept.
        let filtered = app.get_with(&coordinator, "/incidents/map?category=movement_restriction").await;
        let link = "/incidents?q=&amp;category=movement_restriction&amp;from=&amp;to=&amp;location=&amp;admin1=Aleppo";
        assert!(filtered.body.contains(&format!("<a href=\"{link}")), "{}", filtered.body);
        let aleppo = app.get_with(&coordinator, &link.replace("&amp;", "&")).await;
        assert!(aleppo.body.contains(&format!("/incidents/{secret}\"")));
        assert!(!aleppo.body.contains(&format!("/incidents/{exact}\"")));
        let aleppo = app.get_with(&coordinator, &link.replace("&amp;", "&").replace("/incidents?", "/incidents/map?")).await;
        assert_eq!(figure(&aleppo.body, "Aleppo"), "1");
        assert_eq!(figure(&aleppo.body, "Rural Damascus"), "");
        // A text search maps its matches.
        let searched = app.get_with(&coordinator, "/incidents/map?q=Canary-map-title").await;
        assert_eq!(figure(&searched.body, "Aleppo"), "1");
        assert_eq!(figure(&searched.body, "Rural Damascus"), "");
        let _ = PASSWORD;
    }

    async fn the_report_maps_governorates_and_a_public_one_draws_no_dots(app: TestApp) {
        place_at(&app, "Douma", "Rural Damascus", 33.5711, 36.4026);
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let exact = create_incident(&app, &who, &[("sensitivity", "public")]).await;
        let coordinator = signed_in(&app, "cora.coordinator", Role::Coordinator, "OCHA").await;
        let internal = app
            .get_with(&coordinator, "/reports/situation?from=2018-02-01&to=2018-03-31")
            .await;
        assert_eq!(internal.status, 200, "{}", internal.body);
        assert!(internal.body.contains("<svg class=\"chart map\""), "{}", internal.body);
        assert_eq!(figure(&internal.body, "Rural Damascus"), "1");
        assert!(dot(&internal.body, exact));
        let public = app
            .get_with(&coordinator, "/reports/situation?from=2018-02-01&to=2018-03-31&audience=public")
            .await;
        assert!(public.body.contains("<svg class=\"chart map\""));
        assert!(public.body.contains("Rural Damascus: one incident"), "{}", public.body);
        assert!(!public.body.contains("<circle cx"), "no dots in a public report");
    }
}

both_backends! {
    async fn coordinates_outside_the_governorate_named_are_flagged_until_confirmed(app: TestApp) {
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        // Douma's coordinates, but the governorate typed is Aleppo.
        let typed = [
            ("location", ""), ("new_place_name", "Mudeira"), ("new_place_kind", "checkpoint"),
            ("new_place_admin1", "Aleppo"), ("new_place_lat", "33.549"), ("new_place_lon", "36.418"),
        ];
        let refused = crate::incidents::post(&app, &c, "/incidents/new", "/incidents",
            &crate::incidents::incident_form(&typed)).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("id=\"new_place_lat-error\""), "{}", refused.body);
        assert!(refused.body.contains("lie outside the governorate named"));
        assert!(refused.body.contains("name=\"new_place_coordinates_checked\""), "the confirmation is offered");
        assert!(refused.body.contains("value=\"33.549\"") && refused.body.contains("value=\"Aleppo\""), "input kept");
        assert_eq!(app.count("locations"), 0);
        assert_eq!(app.count("incidents"), 0);
        // The right governorate passes; so do confirmed coordinates.
        let mut confirmed = typed.to_vec();
        confirmed.push(("new_place_coordinates_checked", "1"));
        create_incident(&app, &c, &confirmed).await;
        assert_eq!(app.count_where("locations", "name = 'Mudeira' AND kind = 'checkpoint'"), 1);
        let mut fitting = typed.to_vec();
        fitting.retain(|(k, _)| *k != "new_place_admin1" && *k != "new_place_name");
        fitting.extend([("new_place_admin1", "Rural Damascus"), ("new_place_name", "Saqba")]);
        create_incident(&app, &c, &fitting).await;
        assert_eq!(app.count("locations"), 2);
    }
}

both_backends! {
    async fn pages_name_a_place_in_the_readers_language(app: TestApp) {
        crate::incidents::seed_place(&app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let id = create_incident(&app, &who, &[]).await;
        let english = app.get_with(&who, "/incidents").await;
        assert!(english.body.contains("<bdi>Douma, Duma, Rural Damascus</bdi>"), "{}", english.body);
        let reader = signed_in(&app, "amal.reporter", Role::Reporter, "WHO").await;
        let language = [("language".to_string(), "ar".to_string())];
        let set = crate::incidents::post(&app, &reader, "/account/password", "/account/language", &language).await;
        assert_eq!(set.status, 303, "{}", set.body);
        for path in ["/incidents".to_string(), format!("/incidents/{id}")] {
            let arabic = app.get_with(&reader, &path).await;
            assert!(arabic.body.contains("<bdi>دوما, Duma, Rural Damascus</bdi>"), "{path}: {}", arabic.body);
            assert!(!arabic.body.contains("<bdi>Douma, Duma"), "{path}");
        }
    }
}

both_backends! {
    async fn a_corrected_place_outside_its_governorate_is_flagged_until_confirmed(app: TestApp) {
        let douma = place_at(&app, "Douma", "Rural Damascus", 33.5711, 36.4026);
        let coordinator = signed_in(&app, "cora.coordinator", Role::Coordinator, "OCHA").await;
        let path = format!("/places/{douma}");
        let edit = app.get_with(&coordinator, &format!("{path}/edit")).await;
        let version = edit.input_value("version");
        let mut fields: Vec<(String, String)> = [
            ("name_text", "Douma"), ("name_language", "en"), ("name_preferred", "0"),
            ("kind", "town"), ("admin1", "Aleppo"), ("admin2", "Duma"), ("admin3", ""),
            ("pcode", ""), ("country_code", "SY"), ("latitude", "33.5711"),
            ("longitude", "36.4026"), ("version", &version),
        ].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let form = format!("{path}/edit");
        let refused = crate::incidents::post(&app, &coordinator, &form, &path, &fields).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("id=\"latitude-error\"") && refused.body.contains("name=\"coordinates_checked\""));
        assert_eq!(app.count_where("locations", "admin1 = 'Aleppo'"), 0);
        fields.push(("coordinates_checked".into(), "1".into()));
        let saved = crate::incidents::post(&app, &coordinator, &form, &path, &fields).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(app.count_where("locations", "admin1 = 'Aleppo'"), 1);
    }
}
