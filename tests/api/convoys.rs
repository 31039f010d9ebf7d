//! Convoys and needs: cargo lines added and removed, the status lifecycle, a blocked convoy
//! making exactly one linked incident, deliveries updating needs, visibility, history and audit.

use crate::helpers::{Page, TestApp};
use crate::incidents::{incident_form, post, seed_place, signed_in};
use crate::tallies::counted;
use corridor::domain::Role;

pub fn convoy_form(changes: &[(&str, &str)]) -> Vec<(String, String)> {
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
        if !k.starts_with("line_") {
            fields.retain(|(name, _)| name != k);
        }
        fields.push((k.to_string(), v.to_string()));
    }
    fields
}

pub fn places(app: &TestApp) {
    seed_place(app, "Damascus", "Dimashq", "Damascus", "Damascus");
    seed_place(app, "Douma", "Duma", "Rural Damascus", "Duma");
    seed_place(app, "Al-Wafideen checkpoint", "", "Rural Damascus", "Duma");
}

pub async fn create_convoy(app: &TestApp, c: &reqwest::Client, changes: &[(&str, &str)]) -> i64 {
    let page = post(app, c, "/convoys/new", "/convoys", &convoy_form(changes)).await;
    assert_eq!(page.status, 303, "convoy not created: {}", page.body);
    id_from(&page, "/convoys/")
}

/// Records a need as the signed-in `c` (Douma surgical hospital, 60 trauma kits, critical,
/// restricted; `changes` replace fields); returns its id.
pub async fn create_need(app: &TestApp, c: &reqwest::Client, changes: &[(&str, &str)]) -> i64 {
    let mut fields: Vec<(&str, &str)> = vec![
        ("facility_name", "Douma surgical hospital"),
        ("facility_type", "hospital"),
        ("location", "Douma"),
        ("item", "trauma_kits"),
        ("item_detail", ""),
        ("quantity_needed", "60"),
        ("unit", "kits"),
        ("urgency", "critical"),
        ("needed_by", "2018-02-27"),
        ("sensitivity", "restricted"),
        ("notes", ""),
    ];
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push((k, v));
    }
    let page = app.post_form_with(c, "/needs/new", "/needs", &fields).await;
    assert_eq!(page.status, 303, "need not created: {}", page.body);
    id_from(&page, "/needs/")
}

pub fn id_from(page: &Page, prefix: &str) -> i64 {
    page.location
        .as_deref()
        .unwrap()
        .trim_start_matches(prefix)
        .split(['?', '#'])
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn event(app: &TestApp, c: &reqwest::Client, id: i64, fields: &[(&str, &str)]) -> Page {
    let owned: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    post(
        app,
        c,
        &format!("/convoys/{id}"),
        &format!("/convoys/{id}/events"),
        &owned,
    )
    .await
}

/// The ids of a convoy's cargo lines, from the outcome form on its page.
pub async fn line_ids(app: &TestApp, c: &reqwest::Client, id: i64) -> Vec<String> {
    let page = app.get_with(c, &format!("/convoys/{id}")).await;
    page.body
        .match_indices("name=\"delivered_line\" value=\"")
        .map(|(i, m)| {
            let rest = &page.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// Moves convoy `id` through `statuses`, asserting each move is accepted.
pub async fn moves(app: &TestApp, c: &reqwest::Client, id: i64, statuses: &[&str]) {
    for status in statuses {
        let moved = event(
            app,
            c,
            id,
            &[("status", status), ("occurred_on", "2018-02-26")],
        )
        .await;
        assert_eq!(moved.status, 303, "{status}: {}", moved.body);
    }
}

/// Records the convoy's arrival (`status`), with what arrived of each line.
async fn arrival(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    status: &str,
    arrived: &[&str],
) -> Page {
    let lines = line_ids(app, c, id).await;
    assert_eq!(lines.len(), arrived.len(), "one quantity per line");
    let mut fields: Vec<(String, String)> = vec![
        ("status".into(), status.into()),
        ("occurred_on".into(), "2018-02-27".into()),
    ];
    for (line, quantity) in lines.iter().zip(arrived) {
        for (k, v) in [
            ("delivered_line", line.as_str()),
            ("delivered_quantity", quantity),
            ("removed_quantity", ""),
            ("removal_note", ""),
        ] {
            fields.push((k.into(), v.into()));
        }
    }
    post(
        app,
        c,
        &format!("/convoys/{id}"),
        &format!("/convoys/{id}/events"),
        &fields,
    )
    .await
}

/// The convoy's stored status.
fn status_of(app: &TestApp, id: i64) -> String {
    for status in [
        "planned",
        "notified",
        "approved",
        "en_route",
        "delivered",
        "partially_delivered",
        "blocked",
        "turned_back",
        "cancelled",
    ] {
        if app.count_where("convoys", &format!("id = {id} AND status = '{status}'")) == 1 {
            return status.to_string();
        }
    }
    panic!("convoy {id} has no known status")
}

both_backends! {
    async fn the_lifecycle_reaches_its_end_states(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        // Cancelled before it left: an end, nothing follows.
        let cancelled = create_convoy(&app, &c, &[]).await;
        moves(&app, &c, cancelled, &["notified", "cancelled"]).await;
        assert_eq!(status_of(&app, cancelled), "cancelled");
        assert!(app.get_with(&c, &format!("/convoys/{cancelled}")).await.body.contains("Cancelled"));
        for next in ["notified", "en_route", "planned"] {
            let refused = event(&app, &c, cancelled, &[("status", next), ("occurred_on", "2018-02-27")]).await;
            assert_eq!(refused.status, 422, "cancelled → {next}");
        }
        // Delivered in full: every line arrived whole.
        let delivered = create_convoy(&app, &c, &[]).await;
        moves(&app, &c, delivered, &["notified", "approved", "en_route"]).await;
        let done = arrival(&app, &c, delivered, "delivered", &["40", "5000"]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(status_of(&app, delivered), "delivered");
        let refused = event(&app, &c, delivered, &[("status", "blocked"), ("occurred_on", "2018-02-27")]).await;
        assert_eq!(refused.status, 422, "nothing follows delivery");
        // Blocked, then on its way again, then delivered.
        let resumed = create_convoy(&app, &c, &[]).await;
        moves(&app, &c, resumed, &["notified", "approved", "en_route", "blocked"]).await;
        assert_eq!(status_of(&app, resumed), "blocked");
        moves(&app, &c, resumed, &["en_route"]).await;
        assert_eq!(status_of(&app, resumed), "en_route");
        let done = arrival(&app, &c, resumed, "delivered", &["40", "5000"]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(status_of(&app, resumed), "delivered");
        let history = app.get_with(&c, &format!("/convoys/{resumed}")).await;
        assert!(history.body.matches("En route").count() >= 2, "both departures are in its events");
        assert_eq!(app.count_where("convoy_events", &format!("convoy_id = {resumed}")), 7, "planned and six moves");
        assert_eq!(app.count_where("audit_events", "action = 'convoy.event'"), 2 + 4 + 6);
    }

    async fn a_need_is_met_by_deliveries_from_several_convoys(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let need = create_need(&app, &c, &[("quantity_needed", "60")]).await;
        let need_page = format!("/needs/{need}");
        let mut convoys = Vec::new();
        for (arrived, status, shown) in [("40", "delivered", "40 <bdi>kits</bdi> (66% met)"), ("20", "partially_delivered", "60 <bdi>kits</bdi> (100% met)")] {
            let id = create_convoy(&app, &c, &[]).await;
            moves(&app, &c, id, &["notified", "approved", "en_route"]).await;
            let line = line_ids(&app, &c, id).await.remove(0);
            let done = arrival(&app, &c, id, status, &[arrived, "5000"]).await;
            assert_eq!(done.status, 303, "{}", done.body);
            let delivery = app.post_form_with(&c, &format!("/convoys/{id}"), &format!("/convoys/{id}/deliveries"), &[
                ("cargo_line", &line), ("need", &need.to_string()), ("quantity", arrived),
            ]).await;
            assert_eq!(delivery.status, 303, "{}", delivery.body);
            let page = app.get_with(&c, &need_page).await;
            assert!(page.body.contains(shown), "after convoy {id}: {shown}");
            convoys.push(id);
        }
        let page = app.get_with(&c, &need_page).await;
        assert!(page.body.contains("<span class=\"tag tag-grey\">Met</span>"), "the need is met: {}", page.body);
        assert!(!page.body.contains("Partially met"));
        for id in &convoys {
            assert!(page.body.contains(&format!("/convoys/{id}")), "the need names convoy {id}");
        }
        assert_eq!(app.count_where("needs", &format!("id = {need} AND status = 'met'")), 1);
        assert_eq!(app.count_where("need_deliveries", &format!("need_id = {need}")), 2);
        let list = app.get_with(&c, "/needs?status=met").await;
        assert!(list.body.contains("1 need"), "listed as met");
    }


    async fn cargo_lines_are_added_removed_and_kept_on_errors(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        // "Add more rows" re-renders with the typed lines kept and blank rows added; nothing saved.
        let more = post(&app, &c, "/convoys/new", "/convoys", &convoy_form(&[("action", "add_rows")])).await;
        assert_eq!(more.status, 200);
        assert!(more.body.contains("value=\"Trauma kits\"") && more.body.contains("value=\"Food parcels\""));
        assert!(more.body.contains("id=\"line_item_4\""), "three blank rows added after the two lines");
        assert_eq!(app.count("convoys"), 0);
        // An error in one line: message on that line, every other line kept.
        let bad = post(&app, &c, "/convoys/new", "/convoys", &convoy_form(&[
            ("line_item", "Insulin"), ("line_sector", "health"), ("line_quantity", "-5"), ("line_unit", "vials"), ("line_weight", ""),
        ])).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("href=\"#line_quantity_2\""), "summary links to the wrong line");
        assert!(bad.body.contains("id=\"line_quantity_2-error\""));
        for kept in ["value=\"Trauma kits\"", "value=\"Food parcels\"", "value=\"Insulin\"", "value=\"-5\"", ">Via Al-Wafideen</textarea>"] {
            assert!(bad.body.contains(kept), "kept {kept}");
        }
        assert_eq!(app.count("convoys"), 0);
        // No cargo at all.
        let empty: Vec<(String, String)> = convoy_form(&[]).into_iter().filter(|(k, _)| !k.starts_with("line_")).collect();
        let none = post(&app, &c, "/convoys/new", "/convoys", &empty).await;
        assert_eq!(none.status, 422);
        assert!(none.body.contains("Enter at least one line of cargo."));
        // Saved with a line removed (ticked) and blank rows ignored.
        let id = create_convoy(&app, &c, &[
            ("line_item", ""), ("line_sector", ""), ("line_quantity", ""), ("line_unit", ""), ("line_weight", ""),
            ("line_remove", "1"),
        ]).await;
        assert_eq!(app.count("cargo_lines"), 1, "the removed line is gone, the blank one ignored");
        let page = app.get_with(&c, &format!("/convoys/{id}")).await;
        assert!(page.body.contains("Trauma kits") && !page.body.contains("Food parcels"));
        let year = chrono::Utc::now().format("%Y").to_string();
        assert!(page.body.contains(&format!("CVY-{year}-000001")));
        // Editing: add the line back.
        let edit = format!("/convoys/{id}/edit");
        let form = app.get_with(&c, &edit).await;
        assert!(form.body.contains("name=\"version\" value=\"1\""));
        let mut fields = convoy_form(&[("version", "1")]);
        fields.push(("csrf_token".into(), form.csrf()));
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(app.post_raw_with(&c, &format!("/convoys/{id}"), &refs).await.status, 303);
        assert_eq!(app.count("cargo_lines"), 2);
        assert_eq!(app.count("revisions WHERE entity_type = 'convoy'"), 2);
        assert_eq!(app.count("audit_events WHERE action IN ('convoy.create', 'convoy.update')"), 2);
    }

    async fn convoy_and_need_edits_show_a_conflict_field_by_field(app: TestApp) {
        places(&app);
        let a = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let b = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        // A convoy: two people open the form at version 1; the second to save meets the first.
        let id = create_convoy(&app, &a, &[]).await;
        let edit = format!("/convoys/{id}/edit");
        let (form_a, form_b) = (app.get_with(&a, &edit).await, app.get_with(&b, &edit).await);
        let save = |form: &Page, route: &str| {
            let mut fields = convoy_form(&[("route", route), ("version", "1")]);
            fields.push(("csrf_token".into(), form.csrf()));
            fields
        };
        let first = save(&form_a, "Damascus - Harasta - Douma");
        let refs: Vec<(&str, &str)> = first.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(app.post_raw_with(&a, &format!("/convoys/{id}"), &refs).await.status, 303);
        let second = save(&form_b, "Damascus - Jobar - Douma");
        let refs: Vec<(&str, &str)> = second.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let conflict = app.post_raw_with(&b, &format!("/convoys/{id}"), &refs).await;
        assert_eq!(conflict.status, 409);
        assert!(conflict.body.contains("Someone else changed this record"));
        // The table names the route, with both versions; fields that agree are not listed.
        let table = &conflict.body[conflict.body.find("<table").expect("a table of differences")..];
        let table = &table[..table.find("</table>").unwrap()];
        assert!(table.contains("Route") && table.contains("Damascus - Jobar - Douma") && table.contains("Damascus - Harasta - Douma"), "{table}");
        assert!(!table.contains("Planned departure"), "an unchanged field is not listed: {table}");
        assert!(conflict.body.contains("name=\"version\" value=\"2\""), "resaving is a deliberate overwrite");
        assert_eq!(app.count("revisions WHERE entity_type = 'convoy'"), 2, "nothing saved by the conflict");

        // A need, the same way.
        let need = create_need(&app, &a, &[]).await;
        let edit = format!("/needs/{need}/edit");
        let (form_a, form_b) = (app.get_with(&a, &edit).await, app.get_with(&b, &edit).await);
        let need_form = |form: &Page, quantity: &'static str| -> Vec<(String, String)> {
            [("facility_name", "Douma surgical hospital"), ("facility_type", "hospital"), ("location", "Douma"),
             ("item", "trauma_kits"), ("item_detail", ""), ("quantity_needed", quantity), ("unit", "kits"),
             ("urgency", "critical"), ("needed_by", "2018-02-27"), ("sensitivity", "restricted"), ("notes", ""),
             ("version", "1")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .chain([("csrf_token".to_string(), form.csrf())])
                .collect()
        };
        let first = need_form(&form_a, "80");
        let refs: Vec<(&str, &str)> = first.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(app.post_raw_with(&a, &format!("/needs/{need}"), &refs).await.status, 303);
        let second = need_form(&form_b, "95");
        let refs: Vec<(&str, &str)> = second.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let conflict = app.post_raw_with(&b, &format!("/needs/{need}"), &refs).await;
        assert_eq!(conflict.status, 409);
        let table = &conflict.body[conflict.body.find("<table").expect("a table of differences")..];
        let table = &table[..table.find("</table>").unwrap()];
        assert!(table.contains("Quantity needed") && table.contains(">95<") && table.contains(">80<"), "{table}");
        assert!(!table.contains(">Facility<"), "an unchanged field is not listed: {table}");
        assert!(conflict.body.contains("value=\"95\""), "what they typed stays in the form");
        assert_eq!(app.count("revisions WHERE entity_type = 'need'"), 2);
    }

    async fn the_lifecycle_refuses_impossible_transitions(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let id = create_convoy(&app, &c, &[]).await;
        let jump = event(&app, &c, id, &[("status", "delivered"), ("occurred_on", "2018-02-26")]).await;
        assert_eq!(jump.status, 422);
        assert!(jump.body.contains("A convoy cannot move to this status from its current one."));
        assert!(jump.body.contains("href=\"#status\""));
        for status in ["notified", "approved", "en_route"] {
            let ok = event(&app, &c, id, &[("status", status), ("occurred_on", "2018-02-26")]).await;
            assert_eq!(ok.status, 303, "{status}: {}", ok.body);
        }
        let back = event(&app, &c, id, &[("status", "planned"), ("occurred_on", "2018-02-26")]).await;
        assert_eq!(back.status, 422);
        let future = event(&app, &c, id, &[("status", "blocked"), ("occurred_on", "9999-01-01")]).await;
        assert_eq!(future.status, 422);
        assert!(future.body.contains("the date typed is in the future"));
        let page = app.get_with(&c, &format!("/convoys/{id}")).await;
        assert!(page.body.contains("En route"));
        assert_eq!(app.count("convoy_events"), 4, "planned + three changes");
        assert_eq!(app.count("audit_events WHERE action = 'convoy.event'"), 3);
    }

    async fn a_blocked_convoy_makes_exactly_one_linked_incident(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let id = create_convoy(&app, &c, &[]).await;
        for status in ["notified", "approved", "en_route"] {
            let moved = event(&app, &c, id, &[("status", status), ("occurred_on", "2018-02-26")]).await;
            assert_eq!(moved.status, 303, "{status}: {}", moved.body);
        }
        let lines = app.get_with(&c, &format!("/convoys/{id}")).await;
        let line_ids: Vec<String> = lines.body.match_indices("name=\"delivered_line\" value=\"").map(|(i, m)| {
            let rest = &lines.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        }).collect();
        assert_eq!(line_ids.len(), 2);
        let blocked = post(&app, &c, &format!("/convoys/{id}"), &format!("/convoys/{id}/events"), &[
            ("status".into(), "blocked".into()), ("occurred_on".into(), "2018-02-26".into()),
            ("place".into(), "Al-Wafideen checkpoint".into()), ("note".into(), "Held 9 hours; trauma kits removed.".into()),
            ("delivered_line".into(), line_ids[0].clone()), ("delivered_quantity".into(), "".into()), ("removed_quantity".into(), "40".into()), ("removal_note".into(), "checkpoint".into()),
            ("delivered_line".into(), line_ids[1].clone()), ("delivered_quantity".into(), "".into()), ("removed_quantity".into(), "".into()), ("removal_note".into(), "".into()),
        ]).await;
        assert_eq!(blocked.status, 303, "{}", blocked.body);
        let page = app.get_with(&c, &format!("/convoys/{id}")).await;
        assert!(page.body.contains("Record this obstruction as an incident"));
        let start = page.body.find("name=\"convoy_event\" value=\"").unwrap() + "name=\"convoy_event\" value=\"".len();
        let event_id = page.body[start..start + page.body[start..].find('"').unwrap()].to_string();
        // The prefilled form.
        let form = app.get_with(&c, &format!("/incidents/new?convoy_event={event_id}&category=movement_restriction")).await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("Held 9 hours; trauma kits removed."));
        assert!(form.body.contains("value=\"Al-Wafideen checkpoint, Duma, Rural Damascus\""));
        assert!(form.body.contains("40 kits Trauma kits"), "removed cargo in the narrative");
        let mut fields = incident_form(&[("convoy_event", &event_id), ("location", "Al-Wafideen checkpoint")]);
        fields.push(("csrf_token".into(), form.csrf()));
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let created = app.post_raw_with(&c, "/incidents", &refs).await;
        assert_eq!(created.status, 303);
        let incident_id = id_from(&created, "/incidents/");
        assert_eq!(app.count("convoy_incidents"), 1, "linked in the same transaction; event {event_id}");
        // Sending the same form again (double click, back and resend) creates nothing new.
        let again = app.post_raw_with(&c, "/incidents", &refs).await;
        assert_eq!(again.status, 303);
        assert_eq!(id_from(&again, "/incidents/"), incident_id);
        assert_eq!(app.count("incidents"), 1, "{}", app.get_with(&c, "/incidents").await.body);
        assert_eq!(app.count("convoy_incidents"), 1);
        assert_eq!(app.get_with(&c, &format!("/incidents/new?convoy_event={event_id}")).await.location.unwrap(), format!("/incidents/{incident_id}?done=exists"));
        let convoy_page = app.get_with(&c, &format!("/convoys/{id}")).await;
        assert!(!convoy_page.body.contains("Record this obstruction as an incident"), "offer gone once recorded");
        assert!(convoy_page.body.contains(&format!("/incidents/{incident_id}")));
        let incident_page = app.get_with(&c, &format!("/incidents/{incident_id}")).await;
        assert!(incident_page.body.contains(&format!("/convoys/{id}")), "the incident shows its convoy");
        // Turned back after being blocked is the same episode: no second offer.
        // (A turned-back convoy is itself an obstruction to record: only its being the same
        // episode keeps the offer away.)
        let turned = event(&app, &c, id, &[("status", "turned_back"), ("occurred_on", "2018-02-26")]).await;
        assert_eq!(turned.status, 303, "{}", turned.body);
        assert_eq!(app.count_where("convoy_events", &format!("convoy_id = {id} AND status = 'turned_back'")), 1);
        let after = app.get_with(&c, &format!("/convoys/{id}")).await;
        assert!(after.body.contains("Turned back"), "the convoy is turned back");
        assert!(!after.body.contains("Record this obstruction as an incident"));
        // Linking an existing incident by reference.
        let other = create_convoy(&app, &c, &[]).await;
        let year = chrono::Utc::now().format("%Y").to_string();
        let bad = app.post_form_with(&c, &format!("/convoys/{other}"), &format!("/convoys/{other}/incidents"), &[("incident_reference", "INC-1999-999999")]).await;
        assert_eq!(bad.status, 422);
        let linked = app.post_form_with(&c, &format!("/convoys/{other}"), &format!("/convoys/{other}/incidents"), &[("incident_reference", &format!("inc-{year}-000001"))]).await;
        assert_eq!(linked.status, 303);
        assert_eq!(app.count("convoy_incidents"), 2);
    }

    async fn deliveries_update_needs(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let need_fields = [
            ("facility_name", "Douma surgical hospital"), ("facility_type", "hospital"), ("location", "Douma"),
            ("item", "trauma_kits"), ("item_detail", ""), ("quantity_needed", "60"), ("unit", "kits"),
            ("urgency", "critical"), ("needed_by", "2018-02-27"), ("sensitivity", "restricted"), ("notes", ""),
        ];
        let need = app.post_form_with(&c, "/needs/new", "/needs", &need_fields).await;
        assert_eq!(need.status, 303, "{}", need.body);
        let need_id = id_from(&need, "/needs/");
        let bad = app.post_form_with(&c, "/needs/new", "/needs", &[("facility_name", "X"), ("quantity_needed", "0"), ("location", "Atlantis")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("Enter the quantity needed as a number greater than zero."));
        assert!(bad.body.contains("No place with this name is known"));
        // The form in titled sections: where, what is needed and by when, handling.
        let titles: Vec<&str> = bad.body.split("<h2>").skip(1).filter_map(|h| h.split("</h2>").next()).collect();
        assert_eq!(titles, ["Where", "What is needed, and by when", "Handling"], "{}", bad.body);
        let id = create_convoy(&app, &c, &[]).await;
        for status in ["notified", "approved", "en_route"] {
            let moved = event(&app, &c, id, &[("status", status), ("occurred_on", "2018-02-26")]).await;
            assert_eq!(moved.status, 303, "{status}: {}", moved.body);
        }
        let page = app.get_with(&c, &format!("/convoys/{id}")).await;
        let line_ids: Vec<String> = page.body.match_indices("name=\"delivered_line\" value=\"").map(|(i, m)| {
            let rest = &page.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        }).collect();
        // "Delivered" with a line short is refused; partially delivered is accepted.
        let outcome = |status: &str| -> Vec<(String, String)> {
            vec![
                ("status".into(), status.into()), ("occurred_on".into(), "2018-02-27".into()),
                ("delivered_line".into(), line_ids[0].clone()), ("delivered_quantity".into(), "24".into()), ("removed_quantity".into(), "6".into()), ("removal_note".into(), "".into()),
                ("delivered_line".into(), line_ids[1].clone()), ("delivered_quantity".into(), "5000".into()), ("removed_quantity".into(), "".into()), ("removal_note".into(), "".into()),
            ]
        };
        let wrong = post(&app, &c, &format!("/convoys/{id}"), &format!("/convoys/{id}/events"), &outcome("delivered")).await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("Not all of this line arrived"));
        assert!(wrong.body.contains("value=\"24\""), "typed quantities kept");
        let ok = post(&app, &c, &format!("/convoys/{id}"), &format!("/convoys/{id}/events"), &outcome("partially_delivered")).await;
        assert_eq!(ok.status, 303, "{}", ok.body);
        // More than arrived cannot be set against a need.
        let too_much = app.post_form_with(&c, &format!("/convoys/{id}"), &format!("/convoys/{id}/deliveries"), &[("cargo_line", &line_ids[0]), ("need", &need_id.to_string()), ("quantity", "25")]).await;
        assert_eq!(too_much.status, 422);
        assert!(too_much.body.contains("more than what arrived"));
        let delivered = app.post_form_with(&c, &format!("/convoys/{id}"), &format!("/convoys/{id}/deliveries"), &[("cargo_line", &line_ids[0]), ("need", &need_id.to_string()), ("quantity", "24")]).await;
        assert_eq!(delivered.status, 303, "{}", delivered.body);
        let need_page = app.get_with(&c, &format!("/needs/{need_id}")).await;
        assert!(need_page.body.contains("Partially met"));
        assert!(need_page.body.contains("24 <bdi>kits</bdi> (40% met)"));
        assert!(need_page.body.contains(&format!("/convoys/{id}")), "the need shows which convoy carried what");
        let convoy_page = app.get_with(&c, &format!("/convoys/{id}")).await;
        assert!(convoy_page.body.contains("Douma surgical hospital"), "the convoy shows the needs it served");
        assert_eq!(app.count("audit_events WHERE action = 'need.delivery'"), 1);
        assert_eq!(app.count("revisions WHERE entity_type = 'need'"), 2);
        let history = app.get_with(&c, &format!("/needs/{need_id}/history")).await;
        assert!(history.body.contains("Delivery recorded"));
    }

    async fn needs_list_critical_and_overdue_first(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        for (name, urgency, by) in [("Low later", "low", "2028-01-01"), ("High overdue", "high", "2018-01-01"), ("Critical soon", "critical", "2028-01-01"), ("Medium later", "medium", "2028-01-01")] {
            let page = app.post_form_with(&c, "/needs/new", "/needs", &[
                ("facility_name", name), ("facility_type", "hospital"), ("location", "Douma"), ("item", "oxygen"),
                ("quantity_needed", "10"), ("unit", "cylinders"), ("urgency", urgency), ("needed_by", by), ("sensitivity", "public"),
            ]).await;
            assert_eq!(page.status, 303, "{}", page.body);
        }
        // Overdue is a date passed since the need was recorded: this one was recorded before
        // its date (as if in 2017); one typed in after its date is history, not overdue.
        app.sql("UPDATE needs SET recorded_on = '2017-12-01' WHERE facility_name = 'High overdue'").expect("date the record");
        let page = app.post_form_with(&c, "/needs/new", "/needs", &[
            ("facility_name", "High after the fact"), ("facility_type", "hospital"), ("location", "Douma"), ("item", "oxygen"),
            ("quantity_needed", "10"), ("unit", "cylinders"), ("urgency", "high"), ("needed_by", "2018-01-01"), ("sensitivity", "public"),
        ]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        let list = app.get_with(&c, "/needs").await;
        // The rows of the table, in the order listed (the filters and the hint above it name
        // the urgencies too).
        let rows = &list.body[list.body.find("<tbody").expect("the needs table")..];
        let listed: Vec<&str> = ["Critical soon", "High overdue", "Medium later", "Low later"]
            .into_iter()
            .filter(|name| rows.contains(name))
            .collect();
        assert_eq!(listed.len(), 4, "every need listed: {rows}");
        let mut by_position = listed.clone();
        by_position.sort_by_key(|name| rows.find(name));
        assert_eq!(by_position, ["Critical soon", "High overdue", "Medium later", "Low later"], "critical, then overdue, then by urgency");
        assert!(rows.contains("Overdue"));
        let after = rows.find("High after the fact").expect("listed");
        assert!(after > rows.find("High overdue").unwrap() && after < rows.find("Medium later").unwrap(), "with the other high needs, not overdue");
        assert_eq!(rows.matches(">Overdue<").count(), 1, "only the need whose date passed since it was recorded");
        let home = app.get_with(&c, "/").await;
        assert!(home.body.contains("Critical needs still open") && home.body.contains("Needs past their date"));
        let filtered = app.get_with(&c, "/needs?urgency=critical").await;
        assert!(filtered.body.contains("1 need"));
    }

    /// The list's second page starts where the first ended, across its groups: critical needs
    /// first, then the rest (each group is read a whole page at a time and cut to the page).
    async fn needs_pages_follow_on_across_groups(app: TestApp) {
        places(&app);
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let name = |i: usize| format!("Site {i:02} of the paging test");
        for i in 1..=53 {
            let (urgency, by) = if i <= 3 { ("critical", "2028-01-01") } else { ("medium", "2028-02-01") };
            let page = app.post_form_with(&c, "/needs/new", "/needs", &[
                ("facility_name", &name(i)), ("facility_type", "hospital"), ("location", "Douma"), ("item", "oxygen"),
                ("quantity_needed", "10"), ("unit", "cylinders"), ("urgency", urgency), ("needed_by", by), ("sensitivity", "public"),
            ]).await;
            assert_eq!(page.status, 303, "{}", page.body);
        }
        let mut seen = Vec::new();
        for (n, want) in [(1, 50), (2, 3)] {
            let list = app.get_with(&c, &format!("/needs?page={n}")).await;
            let rows = &list.body[list.body.find("<tbody").expect("the needs table")..];
            let shown: Vec<usize> = (1..=53).filter(|i| rows.contains(&name(*i))).collect();
            assert_eq!(shown.len(), want, "page {n} shows a page of needs: {shown:?}");
            seen.extend(shown);
        }
        seen.sort_unstable();
        assert_eq!(seen, (1..=53).collect::<Vec<_>>(), "every need on one page, none on two");
        let first = app.get_with(&c, "/needs").await;
        let rows = &first.body[first.body.find("<tbody").expect("the needs table")..];
        assert!(rows.find(&name(3)).unwrap() < rows.find(&name(4)).unwrap(), "critical first");
    }

    async fn convoy_pages_list_newest_departure_first_each_once(app: TestApp) {
        // 200 synthetic convoys of several organisations, sensitivities and statuses: pages of
        // 50 (`convoys::list`), newest planned departure first.
        let loaded = app.command(&["demo", "--synthetic", "2000", "--seed", "11"]);
        assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
        let coordinator = signed_in(&app, "test.coordinator", Role::Coordinator, "OCHA").await;
        let who = signed_in(&app, "test.reporter", Role::Reporter, "WHO").await;
        for (who_name, c, visible) in [
            ("coordinator", &coordinator, "1 = 1".to_string()),
            ("WHO reporter", &who, "(organization_id = (SELECT organization_id FROM users WHERE username = 'test.reporter') \
                                     OR sensitivity <> 'confidential')".to_string()),
        ] {
            for (query, status) in [("", "1 = 1"), ("status=delivered", "status = 'delivered'")] {
                let mut listed: Vec<i64> = Vec::new();
                for page in 1..=10 {
                    let body = app.get_with(c, &format!("/convoys?{query}&page={page}")).await.body;
                    let rows = &body[body.find("<tbody").map_or(body.len(), |at| at)..];
                    let on_page: Vec<i64> = rows.split("<a href=\"/convoys/").skip(1).filter_map(|r| {
                        r.split('"').next().and_then(|id| id.parse::<i64>().ok())
                    }).collect();
                    if on_page.is_empty() {
                        break;
                    }
                    listed.extend(on_page);
                }
                let expected = app.count_where("convoys", &format!("{visible} AND {status}"));
                assert!(expected > 50, "{who_name}, {query}: more than a page ({expected})");
                assert_eq!(listed.len() as i64, expected, "{who_name}, {query}: every convoy listed");
                assert_eq!(counted(&app, c, &format!("/convoys?{query}")).await, expected);
                let mut once = listed.clone();
                once.sort_unstable();
                once.dedup();
                assert_eq!(once.len(), listed.len(), "{who_name}, {query}: none on two pages");
                for pair in listed.windows(2) {
                    let later_first = format!(
                        "a.id = {} AND b.id = {} AND (a.planned_departure > b.planned_departure \
                         OR (a.planned_departure = b.planned_departure AND a.id > b.id))",
                        pair[0], pair[1]
                    );
                    assert_eq!(app.count_where("convoys a, convoys b", &later_first), 1,
                               "{who_name}, {query}: {} listed before {}", pair[0], pair[1]);
                }
            }
        }
    }

    async fn other_organisations_never_see_confidential_convoys_or_needs(app: TestApp) {
        places(&app);
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let secret = create_convoy(&app, &who, &[("sensitivity", "confidential")]).await;
        let shared = create_convoy(&app, &who, &[]).await;
        assert_eq!(app.get_with(&sarc, &format!("/convoys/{secret}")).await.status, 404);
        assert_eq!(app.get_with(&sarc, &format!("/convoys/{secret}/history")).await.status, 404);
        assert_eq!(app.get_with(&sarc, &format!("/convoys/{shared}")).await.status, 200);
        let list = app.get_with(&sarc, "/convoys").await;
        assert!(list.body.contains("1 convoy"));
        // Nor change what they can see but do not own.
        assert_eq!(app.get_with(&sarc, &format!("/convoys/{shared}/edit")).await.status, 403);
        let refused = event(&app, &sarc, shared, &[("status", "notified"), ("occurred_on", "2018-02-26")]).await;
        assert_eq!(refused.status, 403);
        let need = app.post_form_with(&who, "/needs/new", "/needs", &[
            ("facility_name", "Hidden clinic"), ("facility_type", "medical_point"), ("location", "Douma"), ("item", "insulin"),
            ("quantity_needed", "10"), ("unit", "vials"), ("urgency", "high"), ("sensitivity", "confidential"),
        ]).await;
        let need_id = id_from(&need, "/needs/");
        assert_eq!(app.get_with(&sarc, &format!("/needs/{need_id}")).await.status, 404);
        assert!(!app.get_with(&sarc, "/needs").await.body.contains("Hidden clinic"));
        let auditor = signed_in(&app, "hana.auditor", Role::Auditor, "OCHA").await;
        assert_eq!(app.get_with(&auditor, &format!("/convoys/{secret}")).await.status, 200);
        assert_eq!(app.get_with(&auditor, "/convoys/new").await.status, 403, "auditors change nothing");
    }
}
