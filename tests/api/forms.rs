//! Forms in words a person understands: every error names what to do for its own field, every
//! form shows all its errors at once, each error is tied to its field for assistive technology,
//! and no page uses an id twice. Then the records the forms gained: a claim's stance (and its
//! statement found by search), the reason for lowering a sensitivity, a need's assessment date.

use crate::convoys::{create_convoy, create_need, places};
use crate::helpers::{Page, TestApp};
use crate::incidents::{create_incident, encode, incident_form, post, signed_in};
use corridor::domain::Role;

/// Messages that say nothing of their field: an error summary must never show them.
const VAGUE: &[&str] = &[
    "Choose one of the options.",
    "Enter a value",
    "Choose a value",
    "this cannot be left empty",
    "{",
];

/// The links of the page's error summary: (field id, message).
fn summary_links(page: &Page) -> Vec<(String, String)> {
    let summary = page.error_summary();
    summary
        .split("<li><a href=\"#")
        .skip(1)
        .map(|item| {
            let (field, rest) = item.split_once("\">").expect("link target");
            let message = rest.split("</a>").next().unwrap_or_default();
            (field.to_string(), message.to_string())
        })
        .collect()
}

/// Every `id="…"` on the page, in order.
fn ids(body: &str) -> Vec<&str> {
    body.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// Fails unless every id on the page is used once.
fn assert_unique_ids(page: &Page, what: &str) {
    let all = ids(&page.body);
    let mut seen = std::collections::HashSet::new();
    let twice: Vec<&&str> = all.iter().filter(|id| !seen.insert(**id)).collect();
    assert!(twice.is_empty(), "{what}: ids used twice: {twice:?}");
}

/// The opening tag of the element with `id`.
fn tag_with_id<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let at = body.find(&format!(" id=\"{id}\""))?;
    let start = body[..at].rfind('<')?;
    let end = body[at..].find('>')? + at;
    Some(&body[start..=end])
}

/// The value of attribute `name` in an opening tag, if it has one.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split('"').next()
}

/// Fails unless, in every form of the page with more than one submit button, the first is the
/// form's main one (the same name and value): Enter in a field presses the first submit
/// button of its form, and must save the form, not add rows to it.
fn assert_enter_saves(page: &Page, what: &str) {
    for form in page.body.split("<form").skip(1) {
        let form = form.split("</form>").next().unwrap_or_default();
        let submits: Vec<&str> = form
            .split("<button")
            .skip(1)
            .filter_map(|b| b.split('>').next())
            .filter(|tag| attribute(tag, "type").is_none_or(|t| t == "submit"))
            .collect();
        let main = submits.iter().rev().find(|tag| {
            attribute(tag, "class")
                .is_some_and(|c| c.split(' ').any(|c| c == "button") && !c.contains("secondary"))
        });
        let (Some(first), Some(main)) = (submits.first(), main) else {
            continue;
        };
        assert_eq!(
            (attribute(first, "name"), attribute(first, "value")),
            (attribute(main, "name"), attribute(main, "value")),
            "{what}: Enter presses the form's first submit button, which is not its main one: {first}"
        );
    }
}

/// Checks an answer to an empty form: an error summary whose messages each name their field
/// (no two alike, none of the vague ones), each linked to a control that is marked invalid
/// or names its message in `aria-describedby`; and no id used twice.
fn assert_errors_name_fields(page: &Page, what: &str) {
    assert!(
        page.status == 422 || page.status == 400,
        "{what}: an empty form is refused with its messages, not {}: {}",
        page.status,
        page.body
    );
    assert!(
        page.body.contains("class=\"error-summary\""),
        "{what}: no error summary: {}",
        page.body
    );
    let links = summary_links(page);
    assert!(!links.is_empty(), "{what}: no errors listed");
    for (field, message) in &links {
        for vague in VAGUE {
            assert!(
                !message.contains(vague),
                "{what}: the message for {field} does not name it: {message:?}"
            );
        }
        let tag = tag_with_id(&page.body, field).unwrap_or_else(|| {
            panic!("{what}: the summary links to #{field}, which is not on the page")
        });
        assert!(
            tag.contains(&format!("{field}-error")),
            "{what}: {field} does not name its error in aria-describedby: {tag}"
        );
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{what}: the message of {field} is not beside it"
        );
    }
    for (i, (field, message)) in links.iter().enumerate() {
        for (other, again) in &links[i + 1..] {
            assert_ne!(
                message, again,
                "{what}: {field} and {other} say the same thing"
            );
        }
    }
    assert_unique_ids(page, what);
}

/// The pages a role reads most, given one incident, convoy and need.
pub fn main_pages(role: Role, incident: i64, convoy: i64, need: i64) -> Vec<String> {
    let records = [
        "/".to_string(),
        "/incidents".into(),
        format!("/incidents/{incident}"),
        format!("/incidents/{incident}/history"),
        "/convoys".into(),
        format!("/convoys/{convoy}"),
        "/needs".into(),
        format!("/needs/{need}"),
    ];
    let forms = ["/incidents/new", "/convoys/new", "/needs/new"].map(String::from);
    match role {
        Role::Reporter => records
            .into_iter()
            .chain(forms)
            .chain(["/account/password".into()])
            .collect(),
        Role::Coordinator => records
            .into_iter()
            .chain(forms)
            .chain([
                format!("/incidents/{incident}/edit"),
                format!("/convoys/{convoy}/edit"),
                format!("/needs/{need}/edit"),
                "/reports".into(),
            ])
            .collect(),
        Role::Auditor => records
            .into_iter()
            .chain(["/reports".into(), "/audit".into()])
            .collect(),
        Role::Admin => [
            "/",
            "/admin/users",
            "/admin/users/new",
            "/admin/organizations",
            "/admin/organizations/new",
            "/admin/api-tokens",
        ]
        .map(String::from)
        .to_vec(),
    }
}

/// One incident (WHO, restricted), a convoy and a need, and a signed-in client per role.
pub struct Arranged {
    pub incident: i64,
    pub convoy: i64,
    pub need: i64,
    pub clients: Vec<(Role, &'static str, reqwest::Client)>,
}

pub async fn arrange(app: &TestApp) -> Arranged {
    places(app);
    let reporter = signed_in(app, "omar.reporter", Role::Reporter, "WHO").await;
    let coordinator = signed_in(app, "layla.coordinator", Role::Coordinator, "OCHA").await;
    let auditor = signed_in(app, "aziz.auditor", Role::Auditor, "OCHA").await;
    let admin = signed_in(app, "amal.admin", Role::Admin, "OCHA").await;
    let incident = create_incident(app, &reporter, &[]).await;
    let convoy = create_convoy(app, &reporter, &[]).await;
    let need = create_need(app, &reporter, &[]).await;
    Arranged {
        incident,
        convoy,
        need,
        clients: vec![
            (Role::Reporter, "omar.reporter", reporter),
            (Role::Coordinator, "layla.coordinator", coordinator),
            (Role::Auditor, "aziz.auditor", auditor),
            (Role::Admin, "amal.admin", admin),
        ],
    }
}

both_backends! {
    /// Every form, sent empty: each message names what to do for its own field, and is tied to
    /// that field. The need form's quantity says nothing of a narrative.
    async fn every_form_names_each_field_in_its_errors(app: TestApp) {
        let a = arrange(&app).await;
        let (reporter, coordinator, admin) = (&a.clients[0].2, &a.clients[1].2, &a.clients[3].2);
        let (incident, convoy) = (format!("/incidents/{}", a.incident), format!("/convoys/{}", a.convoy));
        let forms: Vec<(&reqwest::Client, String, String)> = vec![
            (reporter, "/incidents/new".into(), "/incidents".into()),
            (reporter, "/convoys/new".into(), "/convoys".into()),
            (reporter, "/needs/new".into(), "/needs".into()),
            (reporter, "/account/password".into(), "/account/password".into()),
            (reporter, incident.clone(), format!("{incident}/claims")),
            (reporter, incident.clone(), format!("{incident}/retraction")),
            (coordinator, incident.clone(), format!("{incident}/verification")),
            (coordinator, incident.clone(), format!("{incident}/merge")),
            (coordinator, convoy.clone(), format!("{convoy}/events")),
            (coordinator, convoy.clone(), format!("{convoy}/incidents")),
            (admin, "/admin/users/new".into(), "/admin/users".into()),
            (admin, "/admin/organizations/new".into(), "/admin/organizations".into()),
            (admin, "/admin/api-tokens".into(), "/admin/api-tokens".into()),
        ];
        for (c, form, path) in &forms {
            let page = post(&app, c, form, path, &[]).await;
            assert_errors_name_fields(&page, path);
        }
        // Words for the field, not for another form's.
        let need = post(&app, reporter, "/needs/new", "/needs", &[("quantity_needed".into(), "dozens".into())]).await;
        let quantity = summary_links(&need).into_iter().find(|(f, _)| f == "quantity_needed").expect("quantity message").1;
        assert!(quantity.contains("quantity needed") && !quantity.contains("narrative"), "{quantity}");
        let incident_page = post(&app, reporter, "/incidents/new", "/incidents", &[]).await;
        let category = summary_links(&incident_page).into_iter().find(|(f, _)| f == "category").expect("category message").1;
        assert_eq!(category, "Choose the access constraint.");
        let org = post(&app, admin, "/admin/organizations/new", "/admin/organizations", &[]).await;
        assert!(summary_links(&org).iter().any(|(f, m)| f == "name" && m.starts_with("Enter the name")), "{}", org.body);
        // An unknown place is said at once, with the other problems.
        let both = post(&app, reporter, "/incidents/new", "/incidents", &incident_form(&[("title", ""), ("category", ""), ("location", "Atlantis")])).await;
        let fields: Vec<String> = summary_links(&both).into_iter().map(|(f, _)| f).collect();
        assert!(fields.contains(&"title".to_string()) && fields.contains(&"location".to_string()), "{fields:?}");
        // So on the convoy form, and on an edit sent back.
        let convoy = post(&app, reporter, "/convoys/new", "/convoys", &[("origin".into(), "Atlantis".into())]).await;
        let origin = summary_links(&convoy).into_iter().find(|(f, _)| f == "origin").expect("origin message").1;
        assert!(origin.starts_with("No place with this name is known"), "{origin}");
        let edit = format!("/incidents/{}/edit", a.incident);
        let version = app.get_with(reporter, &edit).await.input_value("version");
        let edited = post(&app, reporter, &edit, &format!("/incidents/{}", a.incident), &incident_form(&[("title", ""), ("location", "Atlantis"), ("version", version.as_str())])).await;
        let fields: Vec<String> = summary_links(&edited).into_iter().map(|(f, _)| f).collect();
        assert!(fields.contains(&"title".to_string()) && fields.contains(&"location".to_string()), "{fields:?}");
        // A latitude with a decimal comma is asked about, never read as something else.
        let comma = post(&app, reporter, "/incidents/new", "/incidents", &incident_form(&[("location", ""), ("new_place_name", "Saqba"), ("new_place_lat", "33,5711"), ("new_place_lon", "36.4")])).await;
        let lat = summary_links(&comma).into_iter().find(|(f, _)| f == "new_place_lat").expect("latitude message").1;
        assert!(lat.contains("decimal point, not a comma"), "{lat}");
        assert!(comma.body.contains("value=\"33,5711\""), "what was typed is kept");
        // In French and Arabic too, each field has its own words.
        for (lang, words) in [("fr", "Choisissez la contrainte d'accès."), ("ar", "اختر")] {
            let set = app.post_form_with(reporter, "/account/password", "/account/language", &[("language", lang)]).await;
            assert_eq!(set.status, 303, "{}", set.body);
            let page = post(&app, reporter, "/incidents/new", "/incidents", &[]).await;
            let category = summary_links(&page).into_iter().find(|(f, _)| f == "category").expect("category message").1;
            assert!(category.replace("&#39;", "'").contains(words), "{lang}: {category}");
            assert_errors_name_fields(&page, lang);
        }
    }

    /// The main pages of every role use each id once, and in each of their forms Enter saves
    /// (the first submit button is the main one); the coordinator's incident page carries the
    /// verification and the retraction forms, each with its own reason field.
    async fn every_id_is_used_once_and_enter_saves_on_every_page(app: TestApp) {
        let a = arrange(&app).await;
        for (role, _, c) in &a.clients {
            for path in main_pages(*role, a.incident, a.convoy, a.need) {
                let page = app.get_with(c, &path).await;
                assert_eq!(page.status, 200, "{role:?} {path}");
                assert_unique_ids(&page, &format!("{role:?} {path}"));
                assert_enter_saves(&page, &format!("{role:?} {path}"));
            }
        }
        let coordinator = &a.clients[1].2;
        let page = app.get_with(coordinator, &format!("/incidents/{}", a.incident)).await;
        assert!(page.body.contains("id=\"reason\"") && page.body.contains("id=\"retraction_reason\""));
        assert!(page.body.contains("<label for=\"retraction_reason\">"), "the retraction's label names its own field");
    }

    /// The merge form says at once that the reference names nothing and that the reason is
    /// missing; a reference is found in any case and without its leading zeros.
    async fn merge_shows_every_error_at_once_and_takes_references_as_typed(app: TestApp) {
        let a = arrange(&app).await;
        let (reporter, coordinator) = (&a.clients[0].2, &a.clients[1].2);
        let show = format!("/incidents/{}", a.incident);
        let both = post(&app, coordinator, &show, &format!("{show}/merge"), &[("merge_into".into(), "INC-1999-424242".into()), ("merge_reason".into(), "".into())]).await;
        let fields: Vec<String> = summary_links(&both).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["merge_into", "merge_reason"], "{}", both.body);
        assert!(both.body.contains("No record you can see has this reference"), "{}", both.body);

        let kept = create_incident(&app, reporter, &[("title", "Convoy held again")]).await;
        let reference = app.get_with(coordinator, &format!("/incidents/{kept}")).await.body;
        let at = reference.find("INC-").expect("reference on the page");
        let reference = &reference[at..at + "INC-2026-000002".len()];
        let (year, number) = reference["INC-".len()..].split_once('-').unwrap();
        let typed = format!("inc-{year}-{}", number.trim_start_matches('0'));
        let merged = post(&app, coordinator, &show, &format!("{show}/merge"), &[("merge_into".into(), typed.clone()), ("merge_reason".into(), "The same convoy.".into())]).await;
        assert_eq!(merged.status, 303, "{typed}: {}", merged.body);
        assert_eq!(merged.location.as_deref(), Some(format!("/incidents/{kept}?done=merged").as_str()));
    }

    /// The refusal page says why and leads back: another organisation's record, a verified one.
    async fn a_refusal_says_why_and_leads_back(app: TestApp) {
        let a = arrange(&app).await;
        let other = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let edit = app.get_with(&other, &format!("/incidents/{}/edit", a.incident)).await;
        assert_eq!(edit.status, 403);
        assert!(edit.body.contains("belongs to another organisation"), "{}", edit.body);
        assert!(edit.body.contains(&format!("href=\"/incidents/{}\"", a.incident)), "a link back");
        let show = format!("/incidents/{}", a.incident);
        let verified = post(&app, &a.clients[1].2, &show, &format!("{show}/verification"), &[("verification".into(), "confirmed".into()), ("reason".into(), "Two agencies agree.".into())]).await;
        assert_eq!(verified.status, 303, "{}", verified.body);
        let edit = app.get_with(&a.clients[0].2, &format!("{show}/edit")).await;
        assert_eq!(edit.status, 403);
        assert!(edit.body.contains("has been verified"), "{}", edit.body);
        assert_eq!(app.get("/favicon.ico").await.status, 200, "the icon browsers ask for");
    }

    /// A claim stands toward its incident; a counter-claim is found by the incident search, but
    /// never by a reader who may not read its statement.
    async fn claims_have_a_stance_and_are_searched(app: TestApp) {
        let a = arrange(&app).await;
        let (reporter, coordinator) = (&a.clients[0].2, &a.clients[1].2);
        let show = format!("/incidents/{}", a.incident);
        let form = app.get_with(reporter, &show).await;
        assert!(form.body.contains("name=\"claim_stance\" value=\"supports\" checked"), "the stance is in view");
        assert!(!form.body.contains("value=\"A\" selected"), "a grade is never chosen for the person");
        let claim = [
            ("claim_source_type", "authorities"), ("claim_source_name", "Ministry of Information"),
            ("claim_reliability", "F"), ("claim_credibility", "6"), ("claim_date", "2018-02-27"),
            ("claim_stance", "counter_claim"),
            ("claim_statement", "The rebels plan to stage a fake chemical attack."),
        ];
        let claim: Vec<(String, String)> = claim.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let added = post(&app, reporter, &show, &format!("{show}/claims"), &claim).await;
        assert_eq!(added.status, 303, "{}", added.body);
        let shown = app.get_with(reporter, &show).await.body;
        assert!(shown.contains("Counter-claim"));
        assert!(shown.contains("Own staff</strong>: <bdi>Convoy leader Amal</bdi>"), "no stray space before the colon");
        for c in [reporter, coordinator] {
            let found = app.get_with(c, &format!("/incidents?q={}", encode("fake chemical"))).await;
            assert!(found.body.contains(&show), "the claim's words find the incident: {}", found.body);
        }
        let history = app.get_with(coordinator, &format!("{show}/history")).await;
        assert!(history.body.contains("Counter-claim"), "the stance is in the history");

        // SARC's confidential duplicate, merged into WHO's record: its claim moves, but WHO's
        // reporter never finds the record by the words of a statement they may not read.
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let dup = create_incident(&app, &sarc, &[("sensitivity", "confidential"), ("claim_statement", "Zamalka tunnel canary")]).await;
        let reference = app.get_with(coordinator, &show).await.body;
        let at = reference.find("INC-").unwrap();
        let into = reference[at..at + "INC-2026-000001".len()].to_string();
        let dup_show = format!("/incidents/{dup}");
        let merged = post(&app, coordinator, &dup_show, &format!("{dup_show}/merge"), &[("merge_into".into(), into), ("merge_reason".into(), "Same event.".into())]).await;
        assert_eq!(merged.status, 303, "{}", merged.body);
        let search = app.get_with(reporter, &format!("/incidents?q={}", encode("canary"))).await;
        assert!(!search.body.contains(&show), "a hidden statement finds nothing: {}", search.body);
    }

    /// Lowering a record's sensitivity needs a reason, which its history keeps.
    async fn lowering_sensitivity_asks_for_a_reason(app: TestApp) {
        let a = arrange(&app).await;
        let coordinator = &a.clients[1].2;
        let edit = format!("/incidents/{}/edit", a.incident);
        let version = app.get_with(coordinator, &edit).await.input_value("version");
        let mut fields = incident_form(&[("sensitivity", "public"), ("version", version.as_str())]);
        let refused = post(&app, coordinator, &edit, &format!("/incidents/{}", a.incident), &fields).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(summary_links(&refused)[0].0, "sensitivity_reason");
        fields.push(("sensitivity_reason".into(), "Cleared for the donors' briefing.".into()));
        let saved = post(&app, coordinator, &edit, &format!("/incidents/{}", a.incident), &fields).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let history = app.get_with(coordinator, &format!("/incidents/{}/history", a.incident)).await;
        assert!(history.body.contains("Cleared for the donors&#39; briefing."), "{}", history.body);
        // Raising it needs none.
        let version = app.get_with(coordinator, &edit).await.input_value("version");
        let raise = incident_form(&[("sensitivity", "confidential"), ("version", version.as_str())]);
        assert_eq!(post(&app, coordinator, &edit, &format!("/incidents/{}", a.incident), &raise).await.status, 303);
    }

    /// A need has the date it was assessed; one recorded after its date is history, not overdue,
    /// and a need is listed once on the coordinator's home.
    async fn a_need_recorded_after_the_fact_is_not_overdue(app: TestApp) {
        let a = arrange(&app).await;
        let (reporter, coordinator) = (&a.clients[0].2, &a.clients[1].2);
        let need = create_need(&app, reporter, &[("assessed_on", "2018-02-20"), ("urgency", "high")]).await;
        let page = app.get_with(reporter, &format!("/needs/{need}")).await;
        assert!(page.body.contains("Date assessed") && page.body.contains("20 February 2018"), "{}", page.body);
        assert!(!page.body.contains("Overdue"), "recorded after its date: {}", page.body);
        let home = app.get_with(coordinator, "/").await;
        assert!(!home.body.contains("Past their date"), "{}", home.body);
        let critical = home.body.matches(&format!("href=\"/needs/{}\"", a.need)).count();
        assert_eq!(critical, 1, "a need is listed once on the home page");
        // A convoy recorded after the fact: its timeline starts at its planned departure.
        let convoy = app.get_with(reporter, &format!("/convoys/{}", a.convoy)).await.body;
        let timeline = &convoy[convoy.find("id=\"timeline\"").expect("timeline")..];
        assert!(timeline.contains("<time datetime=\"2018-02-26\">"), "{timeline}");
        let future = app.post_form_with(reporter, "/needs/new", "/needs", &[("assessed_on", "2999-01-01")]).await;
        assert!(summary_links(&future).iter().any(|(f, _)| f == "assessed_on"));

        // The verification queue: the incident that happened first comes first, whenever it
        // was typed in or changed.
        let older = create_incident(&app, reporter, &[("title", "Older event"), ("occurred_on", "2018-01-05"), ("reported_on", "2018-01-06"), ("claim_date", "2018-01-05")]).await;
        let home = app.get_with(coordinator, "/").await.body;
        let (first, second) = (home.find(&format!("/incidents/{older}\"")), home.find(&format!("/incidents/{}\"", a.incident)));
        assert!(first.is_some() && second.is_some() && first < second, "oldest event first: {home}");
    }

    /// Two organisations report one event: the record offers the other for a merge (the same
    /// access constraint, within two days, the same district), the coordinator's home lists the
    /// pair, and nobody is offered a record they may not see.
    async fn likely_duplicates_are_offered_for_a_merge(app: TestApp) {
        let a = arrange(&app).await;
        let (reporter, coordinator) = (&a.clients[0].2, &a.clients[1].2);
        let sarc = signed_in(&app, "sami.reporter", Role::Reporter, "SARC").await;
        let same = create_incident(&app, &sarc, &[("title", "Trucks stopped at Wafideen"), ("occurred_on", "2018-02-27"), ("reported_on", "2018-02-27"), ("claim_date", "2018-02-27")]).await;
        let hidden = create_incident(&app, &sarc, &[("title", "Confidential twin"), ("sensitivity", "confidential")]).await;
        let later = create_incident(&app, &sarc, &[("title", "A week later"), ("occurred_on", "2018-03-06"), ("reported_on", "2018-03-06"), ("claim_date", "2018-03-06")]).await;
        let page = app.get_with(reporter, &format!("/incidents/{}", a.incident)).await.body;
        assert!(page.contains("Possibly the same event"), "{page}");
        assert!(page.contains(&format!("href=\"/incidents/{same}\"")));
        assert!(!page.contains("Confidential twin") && !page.contains(&format!("/incidents/{hidden}\"")), "a record they may not see is never offered");
        assert!(!page.contains(&format!("/incidents/{later}\"")), "a week apart is another event");
        let home = app.get_with(coordinator, "/").await.body;
        assert!(home.contains("Possible duplicates awaiting verification"), "{home}");
        let offer = format!("/incidents/{}?merge_into=", a.incident);
        let at = home.find(&offer).expect("a merge offered on the home page");
        let link = &home[at..at + home[at..].find('"').unwrap()];
        let form = app.get_with(coordinator, &link.replace("&amp;", "&")).await;
        assert!(form.body.contains("id=\"merge\" open"), "the merge form opens, filled in");
        assert!(form.body.contains("name=\"merge_into\" type=\"text\" value=\"INC-"), "{}", form.body);
    }

    /// A likely duplicate's place is near by its district (in any case) or by its distance (5
    /// km, east and west as well as north and south); one farther away in another district is
    /// not offered.
    async fn likely_duplicates_are_near_by_district_or_distance(app: TestApp) {
        use crate::exports::seed_place_at;
        let douma = (33.5705, 36.4039);
        seed_place_at(&app, "Douma", "Rural Damascus", "Duma", douma);
        // 3.8 km away, in another district.
        seed_place_at(&app, "Harasta", "Rural Damascus", "Harasta", (33.5586, 36.3653));
        // 13 km away.
        seed_place_at(&app, "Damascus", "Damascus", "Damascus", (33.5138, 36.2765));
        // The same district in capitals, 100 km away.
        seed_place_at(&app, "Mesraba", "Rural Damascus", "DUMA", (34.2, 37.1));
        // 4.5 km due east (a degree of longitude is 93 km here), and 5.5 km due north.
        seed_place_at(&app, "Eastward", "Rural Damascus", "East", (douma.0, douma.1 + 0.0486));
        seed_place_at(&app, "Northward", "Rural Damascus", "North", (douma.0 + 0.0495, douma.1));
        let reporter = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let at = |place: &'static str| [("location", place)];
        let base = create_incident(&app, &reporter, &at("Douma")).await;
        let mut offered = Vec::new();
        for place in ["Harasta", "Mesraba", "Eastward"] {
            offered.push(create_incident(&app, &reporter, &at(place)).await);
        }
        let mut not = Vec::new();
        for place in ["Damascus", "Northward"] {
            not.push(create_incident(&app, &reporter, &at(place)).await);
        }
        let page = app.get_with(&coordinator, &format!("/incidents/{base}")).await.body;
        for id in offered {
            assert!(page.contains(&format!("href=\"/incidents/{id}\"")), "{id} is near: {page}");
        }
        for id in not {
            assert!(!page.contains(&format!("href=\"/incidents/{id}\"")), "{id} is not near");
        }
    }

    /// The places near each place are kept in the server's memory between requests: a place
    /// moved through its page, or by anything else that writes the gazetteer (here plain SQL
    /// on another connection), changes the likely duplicates on the very next page.
    async fn likely_duplicates_follow_the_gazetteer_as_it_changes(app: TestApp) {
        use crate::exports::seed_place_at;
        seed_place_at(&app, "Douma", "Rural Damascus", "Duma", (33.5705, 36.4039));
        let far = seed_place_at(&app, "Mayadin", "Deir ez-Zor", "Mayadin", (35.0187, 40.4510));
        let reporter = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let base = create_incident(&app, &reporter, &[("location", "Douma")]).await;
        let other = create_incident(&app, &reporter, &[("location", "Mayadin")]).await;
        let offered = |page: &str| page.contains(&format!("href=\"/incidents/{other}\""));
        let path = format!("/incidents/{base}");
        assert!(!offered(&app.get_with(&coordinator, &path).await.body), "400 km apart");

        // Corrected on its page: the place is in Douma's district, 3 km away.
        let place = format!("/places/{far}");
        let edit = app.get_with(&coordinator, &format!("{place}/edit")).await;
        let fields: Vec<(String, String)> = [
            ("name_text", "Mayadin"), ("name_language", "en"), ("name_preferred", "0"),
            ("kind", "town"), ("admin1", "Rural Damascus"), ("admin2", "Duma"), ("admin3", ""),
            ("pcode", "SY0301"), ("country_code", "SY"), ("latitude", "33.5900"),
            ("longitude", "36.4300"), ("version", &edit.input_value("version")),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let saved = post(&app, &coordinator, &format!("{place}/edit"), &place, &fields).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let page = app.get_with(&coordinator, &path).await.body;
        assert!(offered(&page), "moved next to Douma, offered at once: {page}");

        // Moved back by another writer of the same database: not offered any more.
        app.sql(&format!(
            "UPDATE locations SET admin2 = 'Mayadin', latitude = 35.0187, longitude = 40.4510 \
             WHERE id = {far}"
        ))
        .expect("moved back");
        assert!(!offered(&app.get_with(&coordinator, &path).await.body), "far again");
    }

    /// The candidates for likely duplicates are kept in the server's memory between requests,
    /// as record numbers for every viewer alike: what the coordinator was shown is narrowed
    /// again for a reporter, and a record written since (through a page, or by plain SQL on
    /// another connection) changes them on the very next page.
    async fn likely_duplicates_follow_the_incidents_as_they_change(app: TestApp) {
        let Twins { reporter, sarc, coordinator, base, hidden } = twins(&app).await;
        let path = format!("/incidents/{base}");
        let offered = |page: &str, id: i64| page.contains(&format!("href=\"/incidents/{id}\""));
        let page = app.get_with(&coordinator, &path).await.body;
        assert!(offered(&page, hidden), "the coordinator sees it: {page}");
        let page = app.get_with(&reporter, &path).await.body;
        assert!(!offered(&page, hidden) && !page.contains("Confidential twin"), "kept for all, shown through the scope: {page}");

        // Another report of the same event: offered at once, to both.
        let twin = create_incident(&app, &sarc, &[("title", "Open twin")]).await;
        assert!(offered(&app.get_with(&coordinator, &path).await.body, twin));
        assert!(offered(&app.get_with(&reporter, &path).await.body, twin));
        // Recorded as another kind of obstruction by another writer of the same database:
        // not offered any more.
        app.sql(&format!("UPDATE incidents SET category = 'explosive_hazards' WHERE id = {twin}"))
            .expect("changed");
        let page = app.get_with(&coordinator, &path).await.body;
        assert!(!offered(&page, twin) && offered(&page, hidden), "{page}");
    }

    /// A window with as many candidates as are ever offered keeps only that fact: its first
    /// ones depend on who looks, so it is sought through the viewer's scope every time. A
    /// reporter after the coordinator is offered every record they may see, up to the most
    /// offered, and never the confidential one.
    async fn a_crowded_window_is_sought_through_each_viewers_scope(app: TestApp) {
        use corridor::records::duplicates::CANDIDATES;
        let Twins { reporter, sarc, coordinator, base, hidden } = twins(&app).await;
        for n in 0..CANDIDATES {
            create_incident(&app, &sarc, &[("title", &format!("Twin {n}"))]).await;
        }
        let path = format!("/incidents/{base}");
        let offered = |page: &str| {
            let at = page.find("id=\"likely-title\"").expect("likely duplicates offered");
            let list = &page[at..at + page[at..].find("</ul>").unwrap()];
            list.matches("<li><a href=\"/incidents/").count() as i64
        };
        let page = app.get_with(&coordinator, &path).await.body;
        assert_eq!(offered(&page), CANDIDATES, "the most offered");
        for _ in 0..2 {
            let page = app.get_with(&reporter, &path).await.body;
            assert_eq!(offered(&page), CANDIDATES, "every open twin");
            assert!(!page.contains(&format!("href=\"/incidents/{hidden}\"")) && !page.contains("Confidential twin"));
        }
    }

    /// The coordinator's queue pairs each record only with incidents near its own place and
    /// within two days of its own date (on PostgreSQL every window is searched in one
    /// statement): a record near one queue record and within two days of another, but near and
    /// close in time to neither, is offered with neither.
    async fn the_home_queue_pairs_each_record_with_its_own_likely_duplicates(app: TestApp) {
        use crate::exports::seed_place_at;
        seed_place_at(&app, "Douma", "Rural Damascus", "Duma", (33.5705, 36.4039));
        // 3.8 km from Douma, in another district.
        seed_place_at(&app, "Harasta", "Rural Damascus", "Harasta", (33.5586, 36.3653));
        // 13 km from Douma.
        seed_place_at(&app, "Damascus", "Damascus", "Damascus", (33.5138, 36.2765));
        let reporter = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let mut ids = Vec::new();
        for (place, day) in [("Douma", "2018-02-20"), ("Harasta", "2018-02-20"), ("Damascus", "2018-02-22"),
                             ("Douma", "2018-02-23"), ("Damascus", "2018-02-24")] {
            let fields = [("location", place), ("occurred_on", day), ("reported_on", day), ("claim_date", day)];
            ids.push(create_incident(&app, &reporter, &fields).await);
        }
        let home = app.get_with(&coordinator, "/").await.body;
        // Each pair the home page offers, the smaller id first.
        let mut pairs: Vec<(i64, i64)> = home
            .split("<li><a href=\"/incidents/")
            .skip(1)
            .filter_map(|li| {
                let a: i64 = li.split('"').next()?.parse().ok()?;
                let b: i64 = li.split("<a href=\"/incidents/").nth(1)?.split('"').next()?.parse().ok()?;
                Some((a.min(b), a.max(b)))
            })
            .collect();
        pairs.sort_unstable();
        // Douma three days later (ids[3]) is in no pair.
        let (douma, harasta, damascus, damascus_later) = (ids[0], ids[1], ids[2], ids[4]);
        assert_eq!(pairs, vec![(douma, harasta), (damascus, damascus_later)],
                   "Douma three days later is near Douma and a day from Damascus: offered with neither. {home}");
    }
}

/// WHO's record at Douma, and SARC's confidential report of the same event, with the three
/// who look at them.
struct Twins {
    reporter: reqwest::Client,
    sarc: reqwest::Client,
    coordinator: reqwest::Client,
    base: i64,
    hidden: i64,
}

async fn twins(app: &TestApp) -> Twins {
    crate::exports::seed_place_at(app, "Douma", "Rural Damascus", "Duma", (33.5705, 36.4039));
    let reporter = signed_in(app, "omar.reporter", Role::Reporter, "WHO").await;
    let sarc = signed_in(app, "sami.reporter", Role::Reporter, "SARC").await;
    let coordinator = signed_in(app, "layla.coordinator", Role::Coordinator, "OCHA").await;
    let base = create_incident(app, &reporter, &[("location", "Douma")]).await;
    let hidden = create_incident(
        app,
        &sarc,
        &[
            ("title", "Confidential twin"),
            ("sensitivity", "confidential"),
        ],
    )
    .await;
    Twins {
        reporter,
        sarc,
        coordinator,
        base,
        hidden,
    }
}
