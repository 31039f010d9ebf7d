//! The read API (`/api/v1/`): tokens issued, listed and revoked by an administrator over the
//! real pages; bearer authentication (unknown, expired and revoked tokens refused); the rate
//! limit; every endpoint and filter, paged to the end; each scope against the role it stands
//! for, with the confidentiality canaries; the changes feed from the start; the OpenAPI
//! document against the route table.

use std::collections::BTreeSet;

use corridor::domain::Role;
use serde_json::Value;

use crate::confidentiality::{arrange, every_get_path, everything_seen, CANARIES};
use crate::convoys::{create_convoy, create_need, places};
use crate::helpers::{client, TestApp};
use crate::incidents::{create_incident, signed_in};

/// An administrator's client (one per app).
async fn admin(app: &TestApp) -> reqwest::Client {
    if app.count_where("users", "username = 'adam.admin'") == 0 {
        app.seed_user("adam.admin", Role::Admin, "OCHA");
    }
    app.signed_in("adam.admin").await
}

/// Issues a token through the administration page; returns the token shown once.
async fn issue(app: &TestApp, scope: &str, org: &str, rate: &str) -> String {
    let org_id = app.seed_org(org);
    let admin = admin(app).await;
    let name = format!("{scope} system of {org} {}", app.count("api_tokens"));
    let org_id = org_id.to_string();
    let send = |expires_on: String| {
        let (admin, name, org_id) = (&admin, &name, &org_id);
        async move {
            app.post_form_with(
                admin,
                "/admin/api-tokens",
                "/admin/api-tokens",
                &[
                    ("name", name.as_str()),
                    ("scope", scope),
                    ("organization_id", org_id.as_str()),
                    ("expires_on", &expires_on),
                    ("rate_per_minute", rate),
                ],
            )
            .await
        }
    };
    // The furthest expiry allowed is a year away: 2099 is refused, then a valid date is sent.
    let page = send("2099-01-01".into()).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("at most a year from now"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&name), "what was typed is kept");
    let in_a_month = chrono::Utc::now().date_naive() + chrono::TimeDelta::days(30);
    let page = send(in_a_month.format("%Y-%m-%d").to_string()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let token = page.input_value("api-token-shown");
    assert!(
        token.starts_with("corridor_") && token.len() > 60,
        "{token}"
    );
    token
}

/// `GET path` with `Authorization: Bearer token`: status, headers and JSON body.
async fn api(app: &TestApp, token: &str, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let res = client()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.text().await.expect("body");
    let json =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"));
    (status, headers, json)
}

/// Every row of a list, page by page (`limit` rows a page), following `next_cursor`.
async fn all_pages(app: &TestApp, token: &str, path: &str, limit: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let param = if path.starts_with("/api/v1/changes") {
        "since"
    } else {
        "cursor"
    };
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..1000 {
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit={limit}&{param}={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let (status, _, body) = api(app, token, &url).await;
        assert_eq!(status, 200, "{url}: {body}");
        let data = body["data"].as_array().expect("data").clone();
        assert!(data.len() <= limit, "{url}: more than {limit} rows");
        rows.extend(data);
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return rows,
        }
    }
    panic!("{path}: paging did not end");
}

fn ids(rows: &[Value]) -> BTreeSet<i64> {
    rows.iter().map(|r| r["id"].as_i64().expect("id")).collect()
}

both_backends! {
    async fn tokens_are_shown_once_stored_hashed_listed_with_their_use_and_revoked(app: TestApp) {
        let token = issue(&app, "internal", "OCHA", "").await;
        // Only its SHA-256 is kept.
        let stored = app.count_where("api_tokens", &format!("token_hash = '{}'", corridor::accounts::token_hash(&token)));
        assert_eq!(stored, 1);
        assert_eq!(app.count_where("api_tokens", &format!("token_hash = '{token}'")), 0);
        assert_eq!(app.count_where("audit_events", "action = 'api_token.issue'"), 1);
        let admin = admin(&app).await;
        let list = app.get_with(&admin, "/admin/api-tokens").await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("internal system of OCHA"), "{}", list.body);
        assert!(list.body.contains("Never"), "not yet used");
        assert!(!list.body.contains(&token), "the list never shows the token");

        for _ in 0..3 {
            assert_eq!(api(&app, &token, "/api/v1/incidents").await.0, 200);
        }
        let list = app.get_with(&admin, "/admin/api-tokens").await;
        assert!(!list.body.contains("Never"), "last use shown: {}", list.body);
        // Reads are counted, not one audit event per request.
        assert_eq!(app.count_where("audit_events", "action = 'api.reads'"), 0);
        // The first read after the hour summarises that hour's reads in one event.
        app.sql("UPDATE api_tokens SET period_start = '2000-01-01 00:00:00'").unwrap();
        assert_eq!(api(&app, &token, "/api/v1/places").await.0, 200);
        // Reads are counted in memory and written in batches, at the latest when shown.
        assert_eq!(app.count_where("api_tokens", "reads = 3"), 1, "not yet written");
        assert_eq!(app.get_with(&admin, "/admin/api-tokens").await.status, 200);
        assert_eq!(app.count_where("audit_events", "action = 'api.reads' AND details LIKE '%\"reads\":3,%'"), 1);
        for _ in 0..2 {
            assert_eq!(api(&app, &token, "/api/v1/places").await.0, 200);
        }
        assert_eq!(app.count_where("audit_events", "action = 'api.reads'"), 1, "one event an hour");

        let id = app.count("api_tokens");
        let revoked = app
            .post_form_with(&admin, "/admin/api-tokens", "/admin/api-tokens/revoke", &[("token_id", &id.to_string())])
            .await;
        assert_eq!(revoked.status, 303, "{}", revoked.body);
        assert_eq!(app.count_where("audit_events", "action = 'api_token.revoke'"), 1);
        // The next hour's three reads are summarised in one event at revocation.
        assert_eq!(app.count_where("audit_events", "action = 'api.reads'"), 2);
        assert_eq!(app.count_where("audit_events", "action = 'api.reads' AND details LIKE '%\"reads\":3,%'"), 2);
        let (status, headers, body) = api(&app, &token, "/api/v1/incidents").await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "unauthorized");
        assert!(headers.get("www-authenticate").is_some());
        // Revoking twice changes nothing.
        let again = app
            .post_form_with(&admin, "/admin/api-tokens", "/admin/api-tokens/revoke", &[("token_id", &id.to_string())])
            .await;
        assert_eq!(again.status, 404);
        assert_eq!(app.count_where("audit_events", "action = 'api_token.revoke'"), 1);
        // Only administrators manage tokens.
        let coordinator = signed_in(&app, "cora.coordinator", Role::Coordinator, "OCHA").await;
        assert_eq!(app.get_with(&coordinator, "/admin/api-tokens").await.status, 403);
    }

    async fn missing_unknown_and_expired_tokens_are_refused_with_json(app: TestApp) {
        let token = issue(&app, "public", "OCHA", "").await;
        assert_eq!(api(&app, &token, "/api/v1/needs").await.0, 200);
        let no_header = client().get(app.url("/api/v1/incidents")).send().await.unwrap();
        assert_eq!(no_header.status().as_u16(), 401);
        assert!(no_header.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        for wrong in ["corridor_0000", "", &token[..token.len() - 1]] {
            assert_eq!(api(&app, wrong, "/api/v1/incidents").await.0, 401, "{wrong:?}");
        }
        // A session cookie is not a token.
        let coordinator = signed_in(&app, "cora.coordinator", Role::Coordinator, "OCHA").await;
        assert_eq!(app.get_with(&coordinator, "/api/v1/incidents").await.status, 401);
        // Expired.
        app.sql("UPDATE api_tokens SET expires_at = created_at").unwrap();
        let (status, _, body) = api(&app, &token, "/api/v1/incidents").await;
        assert_eq!(status, 401, "{body}");
    }

    async fn a_burst_beyond_the_rate_is_answered_429_with_retry_after(app: TestApp) {
        let token = issue(&app, "partner", "WHO", "5").await;
        let other = issue(&app, "partner", "WHO", "5").await;
        for i in 0..5 {
            assert_eq!(api(&app, &token, "/api/v1/places").await.0, 200, "request {i}");
        }
        let (status, headers, body) = api(&app, &token, "/api/v1/places").await;
        assert_eq!(status, 429, "{body}");
        assert_eq!(body["error"], "rate_limited");
        let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "Retry-After {wait}");
        // The limit is the token's own.
        assert_eq!(api(&app, &other, "/api/v1/places").await.0, 200);
    }

    async fn every_endpoint_and_filter_answers_and_pages_to_the_end(app: TestApp) {
        places(&app);
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let mut incidents = Vec::new();
        for (i, (category, day)) in [("movement_restriction", "2018-02-26"), ("violence_against_aid", "2018-03-05"), ("movement_restriction", "2018-04-01"), ("hostilities", "2018-04-02"), ("movement_restriction", "2018-05-09")].iter().enumerate() {
            let title = format!("Incident number {i}");
            incidents.push(create_incident(&app, &who, &[("title", &title), ("category", category), ("occurred_on", day), ("reported_on", day)]).await);
        }
        let convoy = create_convoy(&app, &who, &[]).await;
        let other_convoy = create_convoy(&app, &who, &[("planned_departure", "2018-06-01")]).await;
        let need = create_need(&app, &who, &[]).await;
        let low_need = create_need(&app, &who, &[("urgency", "low"), ("facility_name", "Harasta clinic")]).await;
        let token = issue(&app, "internal", "OCHA", "").await;

        // Incidents, paged two at a time to the end; filters as on the list page.
        let all = all_pages(&app, &token, "/api/v1/incidents", 2).await;
        assert_eq!(ids(&all), incidents.iter().copied().collect());
        let first = &all[0];
        assert_eq!(first["category"]["code"], "movement_restriction");
        assert!(!first["category"]["label"].as_str().unwrap().is_empty());
        assert_eq!(first["occurred_on"], "2018-02-26");
        assert!(first["created_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(first["claims"][0]["source_name"], "Convoy leader Amal");
        assert_eq!(first["place"]["name"], "Douma");
        assert!(first["organization"]["id"].is_i64());
        let by_category = all_pages(&app, &token, "/api/v1/incidents?category=movement_restriction", 1).await;
        assert_eq!(ids(&by_category), [incidents[0], incidents[2], incidents[4]].into());
        let by_period = all_pages(&app, &token, "/api/v1/incidents?from=2018-03-01&to=2018-04-01", 10).await;
        assert_eq!(ids(&by_period), [incidents[1], incidents[2]].into());
        let by_words = all_pages(&app, &token, "/api/v1/incidents?q=number", 10).await;
        assert_eq!(by_words.len(), 5);
        let by_district = all_pages(&app, &token, "/api/v1/incidents?admin2=Duma&sensitivity=restricted&status=submitted", 10).await;
        assert_eq!(by_district.len(), 5);
        assert_eq!(all_pages(&app, &token, "/api/v1/incidents?admin2=Nowhere", 10).await.len(), 0);
        let (status, _, body) = api(&app, &token, "/api/v1/incidents?from=26/02/2018").await;
        assert_eq!(status, 400, "{body}");
        assert!(body["message"].as_str().unwrap().contains("from"));
        assert_eq!(api(&app, &token, "/api/v1/incidents?limit=0").await.0, 400);
        assert_eq!(api(&app, &token, "/api/v1/incidents?cursor=nonsense").await.0, 400);
        let convoy_cursor = all_pages(&app, &token, "/api/v1/convoys", 1).await;
        assert_eq!(convoy_cursor.len(), 2);
        let (_, _, page) = api(&app, &token, "/api/v1/convoys?limit=1").await;
        let wrong_list = format!("/api/v1/incidents?cursor={}", page["next_cursor"].as_str().unwrap());
        assert_eq!(api(&app, &token, &wrong_list).await.0, 400, "a convoy cursor on the incident list");
        let (status, _, one) = api(&app, &token, &format!("/api/v1/incidents/{}", incidents[3])).await;
        assert_eq!(status, 200);
        assert_eq!(one["title"], "Incident number 3");
        assert_eq!(api(&app, &token, "/api/v1/incidents/999999").await.0, 404);

        // Convoys with cargo and events; filters.
        let (status, _, c) = api(&app, &token, &format!("/api/v1/convoys/{convoy}")).await;
        assert_eq!(status, 200, "{c}");
        assert_eq!(c["cargo"].as_array().unwrap().len(), 2);
        assert_eq!(c["cargo"][0]["item"], "Trauma kits");
        assert_eq!(c["cargo"][0]["sector"]["code"], "health");
        assert!(c["events"].is_array());
        assert_eq!(c["destination"]["name"], "Douma");
        let june = all_pages(&app, &token, "/api/v1/convoys?from=2018-05-01", 10).await;
        assert_eq!(ids(&june), [other_convoy].into());
        assert_eq!(all_pages(&app, &token, "/api/v1/convoys?status=planned", 10).await.len(), 2);
        assert_eq!(all_pages(&app, &token, "/api/v1/convoys?status=blocked", 10).await.len(), 0);

        // Needs; filters.
        assert_eq!(ids(&all_pages(&app, &token, "/api/v1/needs", 1).await), [need, low_need].into());
        assert_eq!(ids(&all_pages(&app, &token, "/api/v1/needs?urgency=critical", 10).await), [need].into());
        assert_eq!(ids(&all_pages(&app, &token, "/api/v1/needs?facility=harasta", 10).await), [low_need].into());
        let (_, _, n) = api(&app, &token, &format!("/api/v1/needs/{need}")).await;
        assert_eq!(n["urgency"]["code"], "critical");
        assert_eq!(n["needed_by"], "2018-02-27");

        // Places, two a page.
        let places = all_pages(&app, &token, "/api/v1/places", 2).await;
        assert_eq!(places.len(), 3);
        assert!(places.iter().any(|p| p["name"] == "Al-Wafideen checkpoint"));

        // The situation report's figures.
        let (status, _, report) = api(&app, &token, "/api/v1/report?from=2018-01-01&to=2018-12-31&category=movement_restriction").await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["report"]["headline"]["incidents"], 3);
        assert_eq!(report["digest"].as_str().unwrap().len(), 64);
        assert_eq!(api(&app, &token, "/api/v1/report?from=2018-12-31&to=2018-01-01").await.0, 400);

        // The changes feed: every revision, once, in order.
        let changes = all_pages(&app, &token, "/api/v1/changes", 3).await;
        assert_eq!(changes.len() as i64, app.count("revisions"));
        assert!(changes.iter().all(|c| c["cursor"].is_string() && c["at"].as_str().unwrap().ends_with('Z')));
    }

    async fn each_scope_reads_what_its_role_sees_and_no_canary_escapes(app: TestApp) {
        let records = arrange(&app).await;
        let internal = issue(&app, "internal", "WHO", "").await;
        let partner = issue(&app, "partner", "WHO", "").await;
        let public = issue(&app, "public", "WHO", "").await;
        let who = app.signed_in("who.reporter").await;

        // Record by record, the partner token reads what WHO's reporter may open, the internal
        // token everything, the public token the submitted public ones only.
        for (kind, list) in [("incidents", &records.incidents), ("convoys", &records.convoys), ("needs", &records.needs)] {
            for id in list {
                let page = app.get_with(&who, &format!("/{kind}/{id}")).await.status;
                let path = format!("/api/v1/{kind}/{id}");
                assert_eq!(api(&app, &partner, &path).await.0, page, "partner {path}");
                assert_eq!(api(&app, &internal, &path).await.0, 200, "internal {path}");
            }
        }
        let public_ids = |rows: Vec<Value>| ids(&rows);
        // WHO's public incident (kept after the merge) and WHO's public need only.
        assert_eq!(public_ids(all_pages(&app, &public, "/api/v1/incidents", 50).await), [records.incidents[3]].into());
        assert_eq!(public_ids(all_pages(&app, &public, "/api/v1/needs", 50).await), [records.needs[1]].into());
        assert!(all_pages(&app, &public, "/api/v1/convoys", 50).await.is_empty());
        let (_, _, kept) = api(&app, &public, &format!("/api/v1/incidents/{}", records.incidents[3])).await;
        assert!(kept.get("narrative").is_none() && kept.get("claims").is_none(), "{kept}");
        assert!(kept["place"].get("name").is_none(), "districts only: {kept}");

        // Over every path, and the API's own: no canary reaches the partner or public token.
        let mut paths = every_get_path(&records);
        for extra in ["/api/v1/incidents?q=canaryhideout*", "/api/v1/incidents?limit=500", "/api/v1/convoys?limit=500",
                      "/api/v1/needs?limit=500", "/api/v1/places?limit=500", "/api/v1/changes?limit=500",
                      "/api/v1/report?from=2018-01-01&to=2018-12-31"] {
            paths.push(extra.to_string());
        }
        let api_paths: Vec<String> = paths.into_iter().filter(|p| p.starts_with("/api/v1/")).collect();
        assert!(api_paths.len() > 20, "{api_paths:?}");
        for (name, token) in [("partner", &partner), ("public", &public)] {
            let c = bearer_client(token);
            let seen = everything_seen(&app, &c, &api_paths).await;
            let leaked: Vec<&&str> = CANARIES.iter().filter(|c| seen.contains(**c)).collect();
            assert!(leaked.is_empty(), "{name} token saw {leaked:?}");
        }
        // Positive control: the internal token reads them over the same paths.
        let seen = everything_seen(&app, &bearer_client(&internal), &api_paths).await;
        for canary in ["CanaryConfTitle", "CanaryConfSource", "CanaryHideoutFarm", "CanaryHideoutAlias", "33.471234",
                       "CanaryMergedStatement", "CanaryMergedSource", "CanaryBasementClinic", "CanaryCargoItem", "CanaryConvoyNotes"] {
            assert!(seen.contains(canary), "internal token should see {canary}");
        }

        // The changes feed from the start: every revision of a record the reader saw
        // throughout, none of one it never saw.
        let feed = |rows: &[Value], kind: &str, id: i64| {
            rows.iter().filter(|c| c["entity_type"] == kind && c["entity_id"] == id).count() as i64
        };
        let partner_feed = all_pages(&app, &partner, "/api/v1/changes", 4).await;
        let public_feed = all_pages(&app, &public, "/api/v1/changes", 4).await;
        let revisions = |kind: &str, id: i64| app.count_where("revisions", &format!("entity_type = '{kind}' AND entity_id = {id}"));
        // WHO's own public incident and need: every change.
        for (kind, id) in [("incident", records.incidents[3]), ("need", records.needs[1])] {
            assert!(revisions(kind, id) >= 1);
            assert_eq!(feed(&partner_feed, kind, id), revisions(kind, id), "partner {kind} {id}");
        }
        // SARC's confidential incident, draft and duplicate, and confidential need and convoy.
        for (kind, id) in [("incident", records.incidents[0]), ("incident", records.incidents[1]), ("incident", records.incidents[4]), ("need", records.needs[0]), ("convoy", records.convoys[1])] {
            assert_eq!(feed(&partner_feed, kind, id), 0, "partner saw {kind} {id}");
            assert_eq!(feed(&public_feed, kind, id), 0, "public saw {kind} {id}");
        }
        // Confidential, then shared as restricted: only the changes from the sharing on.
        let downgraded = records.incidents[2];
        assert_eq!(feed(&partner_feed, "incident", downgraded), revisions("incident", downgraded) - 1);
        assert!(partner_feed.iter().all(|c| c["entity_type"] != "location"), "places' history is internal");
        let internal_feed = all_pages(&app, &internal, "/api/v1/changes", 50).await;
        assert_eq!(internal_feed.len() as i64, app.count("revisions"));
    }

    async fn the_openapi_document_describes_exactly_the_api_routes(app: TestApp) {
        let res = client().get(app.url("/api/v1/openapi.json")).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let doc: Value = res.json().await.expect("the document is JSON");
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
        let routed: BTreeSet<String> = corridor::web::routes::ROUTES
            .iter()
            .filter(|r| r.access == corridor::web::routes::Access::Token)
            .map(|r| r.path.replace(":\\d+", ""))
            .collect();
        assert_eq!(documented, routed);
        for path in &documented {
            assert!(doc["paths"][path]["get"]["security"].is_array(), "{path} names its security");
        }
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        // Every documented response schema is defined.
        let text = doc.to_string();
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &reference[..reference.find('"').unwrap()];
            assert!(doc["components"]["schemas"].get(name).is_some(), "{name} is not defined");
        }
        // The readable page, drawn on the server.
        let page = app.get("/api/v1/docs").await;
        assert_eq!(page.status, 200);
        for path in &documented {
            assert!(page.body.contains(path.as_str()), "{path} missing from the page");
        }
        assert!(!page.body.contains("<script"), "no script");
        assert!(!page.body.contains("https://"), "no external assets");
    }
}

fn bearer_client(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
