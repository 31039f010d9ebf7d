//! Places: the gazetteer's pages, names in several languages found by any of them (search,
//! need and convoy filters), corrections and merges of duplicates (records move, history and
//! audit), new places typed on the convoy, convoy event and need forms, and place visibility.

use crate::convoys::{convoy_form, create_need, id_from};
use crate::helpers::{Page, TestApp};
use crate::incidents::{create_incident, post, seed_place, signed_in};
use corridor::domain::Role;

fn owned(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The references (`INC-`, `NEED-`, `CVY-`) a list page shows.
fn references(page: &Page, prefix: &str) -> usize {
    page.body.matches(&format!(">{prefix}")).count()
}

both_backends! {
    async fn a_place_is_found_by_any_of_its_names_and_a_duplicate_merges_with_its_records(app: TestApp) {
        let douma = seed_place(&app, "Douma", "Duma\nدوما", "Rural Damascus", "Duma");
        seed_place(&app, "Damascus", "", "Damascus", "Damascus");
        let duplicate = seed_place(&app, "Doumah", "Duma", "Rural Damascus", "Duma");
        let coordinator = signed_in(&app, "cora.coordinator", Role::Coordinator, "OCHA").await;
        let incident = create_incident(&app, &coordinator, &[]).await;
        create_need(&app, &coordinator, &[]).await;
        let fields = convoy_form(&[]);
        let made = post(&app, &coordinator, "/convoys/new", "/convoys", &fields).await;
        assert_eq!(made.status, 303, "{}", made.body);

        // Every spelling finds Douma's incident, need and convoy.
        for name in ["Duma", "دوما", "douma"] {
            let q = urlencoding(name);
            let found = app.get_with(&coordinator, &format!("/incidents?q={q}")).await;
            assert_eq!(references(&found, "INC-"), 1, "incidents by {name}: {}", found.body);
            let needs = app.get_with(&coordinator, &format!("/needs?facility={q}")).await;
            assert_eq!(references(&needs, "NEED-"), 1, "needs by facility {name}");
            let needs = app.get_with(&coordinator, &format!("/needs?place={q}")).await;
            assert_eq!(references(&needs, "NEED-"), 1, "needs by place {name}");
            let convoys = app.get_with(&coordinator, &format!("/convoys?place={q}")).await;
            assert_eq!(references(&convoys, "CVY-"), 1, "convoys by place {name}");
            let places = app.get_with(&coordinator, &format!("/places?q={q}")).await;
            assert!(places.body.contains(&format!("/places/{douma}\"")), "{name} on /places");
        }
        let none = app.get_with(&coordinator, "/needs?place=Harasta").await;
        assert_eq!(references(&none, "NEED-"), 0);

        // The place's page: its names with their languages, the records that use it.
        let page = app.get_with(&coordinator, &format!("/places/{douma}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("دوما") && page.body.contains("Arabic"), "{}", page.body);
        assert!(page.body.contains(&format!("/incidents/{incident}\"")));
        assert!(page.body.contains(&format!("/places/{duplicate}\"")), "a namesake? {}", page.body);

        // A correction: a French name, preferred in French; French readers see it.
        let edit = app.get_with(&coordinator, &format!("/places/{douma}/edit")).await;
        let version = edit.input_value("version");
        let corrected = owned(&[
            ("name_text", "Douma"), ("name_language", "en"), ("name_preferred", "0"),
            ("name_text", "Duma"), ("name_language", "ar-Latn"),
            ("name_text", "دوما"), ("name_language", "ar"), ("name_preferred", "2"),
            ("name_text", "Douma (Ghouta)"), ("name_language", "fr"), ("name_preferred", "3"),
            ("kind", "town"), ("admin1", "Rural Damascus"), ("admin2", "Duma"), ("admin3", ""),
            ("pcode", "sy030100"), ("country_code", "sy"), ("latitude", "33.5711"),
            ("longitude", "36.4026"), ("version", &version),
        ]);
        let path = format!("/places/{douma}");
        let saved = post(&app, &coordinator, &format!("{path}/edit"), &path, &corrected).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(app.count_where("audit_events", "action = 'location.update'"), 1);
        let reader = signed_in(&app, "fatima.reader", Role::Reporter, "OCHA").await;
        let french = post(&app, &reader, "/account/password", "/account/language", &owned(&[("language", "fr")])).await;
        assert_eq!(french.status, 303, "{}", french.body);
        let page = app.get_with(&reader, &path).await;
        assert!(page.body.contains("<h1><bdi>Douma (Ghouta)</bdi></h1>"), "{}", page.body);
        assert!(page.body.contains("SY030100"), "p-codes in capitals");
        // Two preferred names of one language are refused beside the row, all input kept.
        let mut twice = corrected.clone();
        twice.retain(|(k, _)| k != "version");
        twice.push(("version".into(), app.get_with(&coordinator, &format!("{path}/edit")).await.input_value("version")));
        twice.push(("name_text".into(), "Dûma".into()));
        twice.push(("name_language".into(), "fr".into()));
        twice.push(("name_preferred".into(), "4".into()));
        let refused = post(&app, &coordinator, &format!("{path}/edit"), &path, &twice).await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("id=\"name_preferred_4-error\""), "{}", refused.body);
        assert!(refused.body.contains("value=\"Dûma\""));

        // The duplicate, used by an incident, a need and a convoy event, merges into Douma.
        let dup_incident = create_incident(&app, &coordinator, &[("location", "Doumah")]).await;
        let dup_need = create_need(&app, &coordinator, &[("location", "Doumah")]).await;
        let dup_path = format!("/places/{duplicate}");
        let refused = post(&app, &coordinator, &dup_path, &format!("{dup_path}/merge"), &owned(&[("merge_into", "Nowhere"), ("merge_reason", "same town")])).await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("value=\"Nowhere\""), "typed value kept");
        let merged = post(&app, &coordinator, &dup_path, &format!("{dup_path}/merge"), &owned(&[("merge_into", &douma.to_string()), ("merge_reason", "same town, other spelling")])).await;
        assert_eq!(merged.status, 303, "{}", merged.body);
        assert_eq!(merged.location.as_deref(), Some(format!("/places/{douma}?done=merged").as_str()));
        assert_eq!(app.count_where("incidents", &format!("location_id = {duplicate}")), 0);
        assert_eq!(app.count_where("needs", &format!("location_id = {duplicate}")), 0);
        assert_eq!(app.count_where("incidents", &format!("id = {dup_incident} AND location_id = {douma}")), 1);
        assert_eq!(app.count_where("needs", &format!("id = {dup_need} AND location_id = {douma}")), 1);
        assert_eq!(app.count_where("audit_events", "action = 'location.merge'"), 1);
        assert_eq!(app.count_where("revisions", &format!("entity_type = 'incident' AND entity_id = {dup_incident} AND action = 'place_merged'")), 1);
        // The duplicate's name is now a name of the place kept: it finds both its incidents.
        let found = app.get_with(&coordinator, "/incidents?q=doumah").await;
        assert_eq!(references(&found, "INC-"), 2, "{}", found.body);
        let gone = app.get_with(&coordinator, "/places?q=doumah").await;
        assert!(!gone.body.contains(&format!("/places/{duplicate}\"")), "a merged place is listed no more");
        let banner = app.get_with(&coordinator, &dup_path).await;
        assert!(banner.body.contains(&format!("/places/{douma}\"")));
        // Everything the merge wrote is in the history that the audit check compares.
        let verified = app.command(&["audit", "verify"]);
        assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stdout));
    }
}

/// Percent-encodes a query value (Arabic letters and all).
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

both_backends! {
    async fn a_new_place_is_added_from_the_convoy_event_and_need_forms(app: TestApp) {
        let reporter = signed_in(&app, "wafa.who", Role::Reporter, "WHO").await;
        // An empty gazetteer: the convoy from Damascus to Douma names both as new places.
        let mut fields = convoy_form(&[
            ("origin", ""), ("destination", ""),
            ("new_origin_name", "Damascus"), ("new_origin_admin1", "Damascus"),
            ("new_destination_name", "Douma"), ("new_destination_alt_names", "Duma\nدوما"),
            ("new_destination_admin1", "Rural Damascus"), ("new_destination_lat", "33.57"),
        ]);
        // A mistake is named beside its field and everything typed is kept; nothing is saved.
        let refused = post(&app, &reporter, "/convoys/new", "/convoys", &fields).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("id=\"new_destination_lon-error\""), "{}", refused.body);
        assert!(refused.body.contains("value=\"Douma\"") && refused.body.contains("دوما"));
        assert_eq!(app.count("locations"), 0);
        fields.push(("new_destination_lon".into(), "36.40".into()));
        let made = post(&app, &reporter, "/convoys/new", "/convoys", &fields).await;
        assert_eq!(made.status, 303, "{}", made.body);
        let convoy = id_from(&made, "/convoys/");
        assert_eq!(app.count("locations"), 2);
        assert_eq!(app.count_where("audit_events", "action = 'location.create'"), 2);
        assert_eq!(app.count_where("place_names", "name = 'دوما' AND language = 'ar'"), 1);

        // Its blocked event at a checkpoint nobody had recorded yet.
        let path = format!("/convoys/{convoy}");
        for status in ["notified", "approved", "en_route"] {
            let done = post(&app, &reporter, &path, &format!("{path}/events"), &owned(&[("status", status), ("occurred_on", "2018-02-26")])).await;
            assert_eq!(done.status, 303, "{status}: {}", done.body);
        }
        let blocked = owned(&[
            ("status", "blocked"), ("occurred_on", "2018-02-26"), ("place", ""),
            ("new_place_name", "Wafideen checkpoint"), ("new_place_admin1", "Rural Damascus"),
            ("note", "Held for nine hours"),
        ]);
        let done = post(&app, &reporter, &path, &format!("{path}/events"), &blocked).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let page = app.get_with(&reporter, &path).await;
        assert!(page.body.contains("Wafideen checkpoint"), "{}", page.body);
        assert_eq!(app.count("locations"), 3);

        // A need at a facility in a town the gazetteer did not know.
        let need = app
            .post_form_with(&reporter, "/needs/new", "/needs", &[
                ("facility_name", "Harasta field hospital"), ("facility_type", "hospital"),
                ("location", ""), ("new_place_name", "Harasta"), ("new_place_alt_names", "حرستا"),
                ("item", "trauma_kits"), ("quantity_needed", "10"), ("unit", "kits"),
                ("urgency", "high"), ("sensitivity", "restricted"),
            ])
            .await;
        assert_eq!(need.status, 303, "{}", need.body);
        let found = app.get_with(&reporter, "/needs?place=%D8%AD%D8%B1%D8%B3%D8%AA%D8%A7").await;
        assert_eq!(references(&found, "NEED-"), 1, "found by its Arabic name");
        let verified = app.command(&["audit", "verify"]);
        assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stdout));
    }
}

both_backends! {
    async fn a_place_typed_on_a_confidential_record_stays_with_its_organisation(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let sarc = signed_in(&app, "sami.sarc", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "wafa.who", Role::Reporter, "WHO").await;
        let admin = signed_in(&app, "amal.admin", Role::Admin, "OCHA").await;
        create_incident(&app, &sarc, &[
            ("sensitivity", "confidential"), ("location", ""),
            ("new_place_name", "Hideout farm seven"), ("new_place_alt_names", "Farm 7"),
            ("new_place_lat", "33.471234"), ("new_place_lon", "36.351234"),
        ]).await;
        let hidden = app.count_where("locations", "name = 'Hideout farm seven'");
        assert_eq!(hidden, 1);
        for (c, sees) in [(&sarc, true), (&who, false), (&admin, false)] {
            let list = app.get_with(c, "/places").await;
            assert_eq!(list.status, 200);
            assert_eq!(list.body.contains("Hideout farm seven"), sees, "{}", list.body);
            let search = app.get_with(c, "/places?q=farm").await;
            assert_eq!(search.body.contains("Hideout"), sees);
        }
        let id: i64 = {
            let list = app.get_with(&sarc, "/places?q=hideout").await;
            let at = list.body.find("/places/").expect("a link") + "/places/".len();
            list.body[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
        };
        assert_eq!(app.get_with(&who, &format!("/places/{id}")).await.status, 404);
        assert_eq!(app.get_with(&admin, &format!("/places/{id}")).await.status, 404);
        let suggestions = app.get_with(&who, "/incidents/new").await;
        assert!(!suggestions.body.contains("Hideout"));
        assert!(suggestions.body.contains("Douma"));
        // Nor can WHO find it by name for a record of its own.
        let refused = post(&app, &who, "/needs/new", "/needs", &owned(&[
            ("facility_name", "Clinic"), ("facility_type", "hospital"), ("location", "Farm 7"),
            ("item", "trauma_kits"), ("quantity_needed", "10"), ("unit", "kits"),
            ("urgency", "high"), ("sensitivity", "restricted"),
        ])).await;
        assert_eq!(refused.status, 422);
        // A reporter reads the gazetteer but does not correct it.
        assert_eq!(app.get_with(&who, "/places/1/edit").await.status, 403);
        let coordinator = signed_in(&app, "cora.coordinator", Role::Coordinator, "OCHA").await;
        let page = app.get_with(&coordinator, &format!("/places/{id}")).await;
        assert!(page.body.contains("Hideout farm seven") && page.body.contains("33.471234"));
    }
}

both_backends! {
    async fn admin_areas_import_twice_without_duplicates_and_export_back(app: TestApp) {
        // The Syrian governorates come with every database.
        assert_eq!(app.count_where("admin_areas", "level = 1 AND country_code = 'SY'"), 14);
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("syr_adm2.csv");
        std::fs::write(&csv, "admin2Name_en,admin2Name_ar,admin2Pcode,admin1Name_en,admin1Pcode,admin0Pcode\n\
             #adm2+name,#adm2+name+i_ar,#adm2+code,#adm1+name,#adm1+code,#country+code\n\
             Duma,دوما,SY0303,Rural Damascus,SY03,SY\n\
             Damascus,دمشق,SY0100,Damascus,SY01,SY\n").unwrap();
        let run = |args: &[&str]| {
            let out = app.command(args);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let path = csv.to_str().unwrap();
        let first = run(&["places", "import", path]);
        assert!(first.contains("2 added, 0 changed, 0 already up to date"), "{first}");
        let again = run(&["places", "import", path]);
        assert!(again.contains("0 added, 0 changed, 2 already up to date"), "{again}");
        assert_eq!(app.count("admin_areas"), 16);
        assert_eq!(app.count_where("admin_areas", "pcode = 'SY0303' AND name_ar = 'دوما' AND parent_pcode = 'SY03'"), 1);
        // GeoJSON with the ADM spelling: a changed Arabic name is a change, not a new area.
        let geo = dir.path().join("adm2.geojson");
        std::fs::write(&geo, r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"ADM2_EN":"Duma","ADM2_AR":"دوما (الغوطة)","ADM2_PCODE":"SY0303","ADM1_PCODE":"SY03","ADM0_PCODE":"SY"},"geometry":null}]}"#).unwrap();
        let changed = run(&["places", "import", geo.to_str().unwrap()]);
        assert!(changed.contains("0 added, 1 changed, 0 already up to date"), "{changed}");
        assert_eq!(app.count_where("audit_events", "action = 'admin_areas.import'"), 3);
        // The export reads back to the same areas.
        let exported = run(&["places", "export"]);
        assert!(exported.contains("SY0303") && exported.contains("دوما (الغوطة)"));
        let back = dir.path().join("export.csv");
        std::fs::write(&back, &exported).unwrap();
        let reimport = run(&["places", "import", back.to_str().unwrap()]);
        assert!(reimport.contains("0 added, 0 changed, 16 already up to date"), "{reimport}");
        // A file that is not a boundaries file says why, and changes nothing.
        std::fs::write(&back, "name,lat\nDouma,33.5\n").unwrap();
        let out = app.command(&["places", "import", back.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("row 1"));
        assert_eq!(app.count("admin_areas"), 16);
    }
}

both_backends! {
    /// Lists read their rows' places and their filters' areas from what the server keeps of the
    /// gazetteer: a correction shows at the next request, and each viewer is offered only the
    /// areas of places they may see, whoever asked first.
    async fn lists_show_a_corrected_place_at_once_and_offer_each_viewer_only_their_areas(app: TestApp) {
        let douma = seed_place(&app, "Douma", "", "Rural Damascus", "Duma");
        let coordinator = signed_in(&app, "cora.coordinator", Role::Coordinator, "OCHA").await;
        let sarc = signed_in(&app, "sami.sarc", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "wafa.who", Role::Reporter, "WHO").await;
        create_incident(&app, &coordinator, &[]).await;
        let before = app.get_with(&coordinator, "/incidents").await;
        assert!(before.body.contains("Douma") && before.body.contains(">Rural Damascus</option>"), "{}", before.body);
        // The situation report reads whole places (kept too).
        let report = "/reports/situation?from=2018-01-01&to=2018-12-31&audience=internal";
        let first = app.get_with(&coordinator, report).await;
        assert!(first.body.contains("Douma") && !first.body.contains("Douma town"), "{}", first.body);

        // A place first typed on SARC's confidential record, in an area of its own.
        create_incident(&app, &sarc, &[
            ("sensitivity", "confidential"), ("location", ""),
            ("new_place_name", "Hideout farm seven"), ("new_place_admin1", "Hidden Hills"),
            ("new_place_admin2", "Far Valley"),
        ]).await;
        for (who_asks, c, sees) in [("coordinator", &coordinator, true), ("WHO", &who, false), ("SARC", &sarc, true), ("WHO again", &who, false)] {
            for path in ["/incidents", "/needs"] {
                let list = app.get_with(c, path).await;
                assert_eq!(list.status, 200);
                assert_eq!(list.body.contains(">Hidden Hills</option>"), sees, "{who_asks} on {path}: {}", list.body);
            }
        }

        // A correction of the place's name and governorate shows on the next list.
        let path = format!("/places/{douma}");
        let version = app.get_with(&coordinator, &format!("{path}/edit")).await.input_value("version");
        let corrected = owned(&[
            ("name_text", "Douma town"), ("name_language", "en"), ("name_preferred", "0"),
            ("kind", "town"), ("admin1", "Rif Dimashq"), ("admin2", "Duma"), ("admin3", ""),
            ("pcode", ""), ("country_code", "sy"), ("latitude", ""), ("longitude", ""),
            ("version", &version),
        ]);
        let saved = post(&app, &coordinator, &format!("{path}/edit"), &path, &corrected).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let after = app.get_with(&coordinator, "/incidents").await;
        assert!(after.body.contains("Douma town"), "the corrected name: {}", after.body);
        assert!(after.body.contains(">Rif Dimashq</option>"), "the corrected area offered");
        assert!(!after.body.contains("Rural Damascus"), "the old area gone: {}", after.body);
        let again = app.get_with(&coordinator, report).await;
        assert!(again.body.contains("Douma town"), "the report's place corrected: {}", again.body);
    }
}
