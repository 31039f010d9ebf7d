//! Saved searches and subscriptions: an Atom feed shows only what its owner may see now and
//! stops when revoked; a webhook receives signed messages cut to its owner's scope, a failed
//! delivery is retried, and "send a test" arrives; an email digest reaches an SMTP server the
//! test starts. Receivers are tiny local servers; results are awaited with a deadline.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use corridor::domain::Role;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{client, Page, TestApp};
use crate::incidents::{create_incident, seed_place, signed_in};

/// Waits for `check` to hold, looking again every 50 ms, for at most 20 seconds.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Saves a search of incidents with `query` for `c`; returns its page's path.
async fn save_search(app: &TestApp, c: &reqwest::Client, name: &str, query: &str) -> String {
    save_search_of(app, c, "incidents", name, query).await
}

/// Saves a search of `kind` (incidents, convoys or needs); returns its page's path.
async fn save_search_of(
    app: &TestApp,
    c: &reqwest::Client,
    kind: &str,
    name: &str,
    query: &str,
) -> String {
    let saved = app
        .post_form_with(
            c,
            &format!(
                "/searches/new?kind={kind}&query={}",
                crate::incidents::encode(query)
            ),
            "/searches",
            &[("name", name), ("kind", kind), ("query", query)],
        )
        .await;
    assert_eq!(saved.status, 303, "search not saved: {}", saved.body);
    saved.location.expect("the search's page")
}

async fn subscribe(
    app: &TestApp,
    c: &reqwest::Client,
    search: &str,
    fields: &[(&str, &str)],
) -> Page {
    app.post_form_with(c, search, &format!("{search}/subscriptions"), fields)
        .await
}

async fn reference_of(app: &TestApp, c: &reqwest::Client, id: i64) -> String {
    let page = app.get_with(c, &format!("/incidents/{id}")).await;
    let at = page.body.find("INC-").expect("a reference");
    page.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

fn subscription_id(app: &TestApp) -> String {
    let db = app.db();
    let mut conn = db.conn().expect("conn");
    use diesel::prelude::*;
    corridor::db::schema::subscriptions::table
        .select(diesel::dsl::max(corridor::db::schema::subscriptions::id))
        .first::<Option<i64>>(&mut *conn)
        .expect("subscriptions")
        .expect("a subscription")
        .to_string()
}

both_backends! {
    async fn a_feed_shows_what_its_owner_may_see_until_revoked(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let ocha = signed_in(&app, "ocha.coordinator", Role::Coordinator, "OCHA").await;
        let secret = create_incident(&app, &sarc, &[("title", "CanaryFeedSecret"), ("sensitivity", "confidential")]).await;
        let open = create_incident(&app, &who, &[("title", "WHO open record"), ("sensitivity", "public")]).await;
        let (secret_ref, open_ref) = (reference_of(&app, &sarc, secret).await, reference_of(&app, &who, open).await);

        let search = save_search(&app, &who, "Everything", "").await;
        let created = subscribe(&app, &who, &search, &[("channel", "feed")]).await;
        assert_eq!(created.status, 200, "{}", created.body);
        let feed_url = created.input_value("feed-url-shown");
        let path = feed_url.split("/feeds/").nth(1).map(|t| format!("/feeds/{t}")).expect("a feed URL");

        // Read by a feed reader, signed in as no one.
        let feed = app.get_with(&client(), &path).await;
        assert_eq!(feed.status, 200);
        assert!(feed.headers["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
        let parsed = atom_syndication::Feed::from_str(&feed.body).expect("an Atom 1.0 document");
        assert_eq!(parsed.title.value, "Everything");
        assert_eq!(parsed.entries.len(), 1, "{}", feed.body);
        assert!(parsed.entries[0].title.value.contains(&open_ref));
        assert!(feed.body.contains("Duma, Rural Damascus"), "the district: {}", feed.body);
        assert!(!feed.body.contains(&secret_ref) && !feed.body.contains("CanaryFeedSecret"));
        // A reporter's feed names no titles: reference, category, district and status only.
        assert!(!feed.body.contains("WHO open record"));

        // Positive control: a coordinator's feed carries both, with titles.
        let all = save_search(&app, &ocha, "All", "").await;
        let ocha_feed = subscribe(&app, &ocha, &all, &[("channel", "feed")]).await.input_value("feed-url-shown");
        let ocha_path = format!("/feeds/{}", ocha_feed.split("/feeds/").nth(1).unwrap());
        let body = app.get_with(&client(), &ocha_path).await.body;
        assert!(body.contains("CanaryFeedSecret") && body.contains(&open_ref), "{body}");

        // Another person's search is not found; neither is a made-up token.
        assert_eq!(app.get_with(&sarc, &search).await.status, 404);
        assert_eq!(app.get_with(&client(), &format!("/feeds/{}", "0".repeat(64))).await.status, 404);

        // Revoked: the URL is refused at once.
        let id = subscription_id(&app);
        assert_ne!(format!("/feeds/{id}"), path);
        let owner_sub = {
            let page = app.get_with(&who, &search).await;
            let at = page.body.find("/subscriptions/").expect("a revoke form");
            page.body[at..].split('/').nth(2).unwrap().to_string()
        };
        let revoked = app
            .post_form_with(&who, &search, &format!("/subscriptions/{owner_sub}/revoke"), &[])
            .await;
        assert_eq!(revoked.status, 303, "{}", revoked.body);
        assert_eq!(app.get_with(&client(), &path).await.status, 404);
        assert_eq!(app.get_with(&client(), &ocha_path).await.status, 200);
    }
}

/// What a receiver got: headers (lower-case names) and body.
pub type Received = Arc<Mutex<Vec<(Vec<(String, String)>, String)>>>;

/// A webhook receiver: answers each request with the next status of `answers` (then 200).
pub async fn webhook_receiver(answers: Vec<u16>) -> (String, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hooks/corridor", listener.local_addr().unwrap());
    let got: Received = Arc::default();
    let seen = got.clone();
    tokio::spawn(async move {
        let mut answers = answers.into_iter();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let mut reader = BufReader::new(stream);
            let mut headers = Vec::new();
            let mut line = String::new();
            reader.read_line(&mut line).await.expect("request line");
            loop {
                line.clear();
                reader.read_line(&mut line).await.expect("header");
                let Some((name, value)) = line.trim_end().split_once(':') else {
                    break;
                };
                headers.push((name.to_lowercase(), value.trim().to_string()));
            }
            let length: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).await.expect("body");
            seen.lock()
                .unwrap()
                .push((headers, String::from_utf8(body).expect("UTF-8")));
            let status = answers.next().unwrap_or(200);
            let reply =
                format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = reader.get_mut().write_all(reply.as_bytes()).await;
        }
    });
    (url, got)
}

both_backends! {
    async fn a_webhook_gets_signed_messages_and_a_failure_is_retried(app: TestApp) where settings = |raw| {
        raw.notify.notify_poll_ms = Some("50".into());
        raw.notify.notify_retry_ms = Some("100".into());
        raw.notify.webhook_allow_http = Some("true".into());
    }; {
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let (url, got) = webhook_receiver(vec![500]).await;
        let search = save_search(&app, &who, "Everything", "").await;
        let created = subscribe(&app, &who, &search, &[("channel", "webhook"), ("url", &url)]).await;
        assert_eq!(created.status, 200, "{}", created.body);
        let secret = created.input_value("webhook-secret-shown");
        assert!(secret.starts_with("whsec_"));

        // Another organisation's confidential record first, then one the subscriber may see.
        let hidden = create_incident(&app, &sarc, &[("title", "CanaryHookSecret"), ("sensitivity", "confidential")]).await;
        let open = create_incident(&app, &who, &[("title", "WHO open record"), ("sensitivity", "public")]).await;
        let hidden_ref = reference_of(&app, &sarc, hidden).await;
        let open_ref = reference_of(&app, &who, open).await;

        eventually("the message, refused once, then taken", || got.lock().unwrap().len() >= 2).await;
        let sub = subscription_id(&app);
        eventually("the delivery recorded as sent", || {
            app.count_where("deliveries", &format!("subscription_id = {sub} AND status = 'sent' AND attempts = 2")) == 1
        }).await;
        let received = got.lock().unwrap().clone();
        assert_eq!(received.len(), 2, "one message, sent twice");
        let now = chrono::Utc::now().timestamp();
        for (headers, body) in &received {
            let signature = headers.iter().find(|(n, _)| n == "corridor-signature").map(|(_, v)| v.as_str()).expect("signed");
            assert!(corridor::notify::signature::verify(&secret, signature, body.as_bytes(), now, 300), "{signature}");
            assert!(!corridor::notify::signature::verify("whsec_wrong", signature, body.as_bytes(), now, 300));
            let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
            assert_eq!(json["message"]["event"], "incident.created");
            assert_eq!(json["message"]["reference"], open_ref.as_str());
            assert_eq!(json["message"]["district"], "Duma, Rural Damascus");
            assert!(json["message"].get("internal").is_none(), "a reporter gets no title: {body}");
            assert!(!body.contains(&hidden_ref) && !body.contains("CanaryHookSecret"));
        }
        assert_eq!(app.count_where("deliveries", &format!("subscription_id = {sub}")), 1, "nothing about the hidden record");
        // The subscriber sees how it went: the refusal, then the success.
        let page = app.get_with(&who, &search).await;
        assert!(page.body.contains("<td>Sent</td>") && page.body.contains("<td>200 "), "{}", page.body);

        // "Send a test" arrives, signed the same way.
        let tested = app.post_form_with(&who, &search, &format!("/subscriptions/{sub}/test"), &[]).await;
        assert_eq!(tested.status, 303, "{}", tested.body);
        eventually("the test message", || got.lock().unwrap().len() == 3).await;
        let (headers, body) = got.lock().unwrap()[2].clone();
        let signature = headers.iter().find(|(n, _)| n == "corridor-signature").map(|(_, v)| v.clone()).unwrap();
        assert!(corridor::notify::signature::verify(&secret, &signature, body.as_bytes(), chrono::Utc::now().timestamp(), 300));
        assert!(body.contains("\"event\":\"test\""), "{body}");
    }
}

thread_local! {
    /// The mail server's socket, bound before the app starts (its settings name the port).
    static SMTP_LISTENER: std::cell::RefCell<Option<std::net::TcpListener>> = const { std::cell::RefCell::new(None) };
}

/// Binds the mail server's port and points the app's SMTP settings at it.
fn smtp_settings(raw: &mut corridor::config::RawSettings) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    raw.notify.smtp_host = Some("127.0.0.1".into());
    raw.notify.smtp_port = Some(listener.local_addr().unwrap().port().to_string());
    raw.notify.smtp_security = Some("none".into());
    raw.notify.smtp_from = Some("Corridor <corridor@example.org>".into());
    SMTP_LISTENER.with(|l| *l.borrow_mut() = Some(listener));
}

/// A tiny SMTP server on the port `smtp_settings` bound: enough of RFC 5321 for one client to
/// hand over messages.
fn smtp_server() -> Arc<Mutex<Vec<String>>> {
    let listener = SMTP_LISTENER
        .with(|l| l.borrow_mut().take())
        .expect("bound first");
    listener.set_nonblocking(true).expect("non-blocking");
    let listener = TcpListener::from_std(listener).expect("a tokio listener");
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut s = BufReader::new(stream);
                let _ = s.get_mut().write_all(b"220 test ESMTP\r\n").await;
                let mut line = String::new();
                loop {
                    line.clear();
                    if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            let _ = s.get_mut().write_all(b"354 end with .\r\n").await;
                            let mut message = String::new();
                            loop {
                                line.clear();
                                s.read_line(&mut line).await.expect("message line");
                                if line == ".\r\n" {
                                    break;
                                }
                                message.push_str(&line);
                            }
                            seen.lock().unwrap().push(message);
                            b"250 queued\r\n"
                        }
                        "QUIT" => {
                            let _ = s.get_mut().write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = s.get_mut().write_all(reply).await;
                }
            });
        }
    });
    got
}

both_backends! {
    async fn a_daily_digest_reaches_the_mail_server(app: TestApp) where settings = |raw| {
        raw.notify.notify_poll_ms = Some("50".into());
        smtp_settings(raw);
    }; {
        let got = smtp_server();
        seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let search = save_search(&app, &who, "Everything", "").await;
        let bad = subscribe(&app, &who, &search, &[("channel", "email"), ("email", "not an address"), ("frequency", "daily")]).await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("Enter an email address") && bad.body.contains("not an address"), "kept and explained");
        let done = subscribe(&app, &who, &search, &[("channel", "email"), ("email", "desk@who.example.org"), ("frequency", "daily")]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let first = create_incident(&app, &who, &[("sensitivity", "public")]).await;
        let second = create_incident(&app, &who, &[("sensitivity", "restricted")]).await;
        let refs = [reference_of(&app, &who, first).await, reference_of(&app, &who, second).await];
        let sub = subscription_id(&app);
        eventually("two messages waiting for the digest", || {
            app.count_where("deliveries", &format!("subscription_id = {sub} AND status = 'pending'")) == 2
        }).await;
        assert!(got.lock().unwrap().is_empty(), "a digest waits for its time");
        // Midnight comes.
        app.sql("UPDATE deliveries SET due_at = '2000-01-01 00:00:00'").expect("move the clock");
        eventually("the digest", || !got.lock().unwrap().is_empty()).await;
        eventually("both recorded as sent", || {
            app.count_where("deliveries", &format!("subscription_id = {sub} AND status = 'sent'")) == 2
        }).await;
        // Quoted-printable: soft line breaks joined, as a mail reader does.
        let mail: Vec<String> = got.lock().unwrap().iter().map(|m| m.replace("=\r\n", "")).collect();
        assert_eq!(mail.len(), 1, "one email for the day");
        assert!(mail[0].contains("desk@who.example.org"));
        for r in &refs {
            assert!(mail[0].contains(r.as_str()), "{r} in {}", mail[0]);
        }
    }
}

both_backends! {
    async fn a_name_that_resolves_to_the_servers_own_network_is_refused_at_delivery(app: TestApp) where settings = |raw| {
        raw.notify.notify_poll_ms = Some("50".into());
        raw.notify.notify_retry_ms = Some("600000".into());
    }; {
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let (url, got) = webhook_receiver(vec![]).await;
        let search = save_search(&app, &who, "Everything", "").await;
        // Written as a name the form cannot judge; what it resolves to is checked when sending.
        let created = subscribe(&app, &who, &search, &[("channel", "webhook"), ("url", "https://hooks.partner.example.org/in")]).await;
        assert_eq!(created.status, 200, "{}", created.body);
        let sub = subscription_id(&app);
        // The name now resolves to loopback (as DNS rebinding would make it): `localhost`,
        // on the receiver's port.
        let port = url.split(':').nth(2).and_then(|p| p.split('/').next()).unwrap();
        app.sql(&format!("UPDATE subscriptions SET target = 'https://localhost:{port}/hooks/corridor' WHERE id = {sub}")).unwrap();
        let tested = app.post_form_with(&who, &search, &format!("/subscriptions/{sub}/test"), &[]).await;
        assert_eq!(tested.status, 303, "{}", tested.body);
        eventually("the attempt recorded", || {
            app.count_where("deliveries", &format!("subscription_id = {sub} AND attempts = 1")) == 1
        }).await;
        assert_eq!(
            app.count_where("deliveries", "last_error LIKE '%localhost resolves only to addresses in a private or local network%'"),
            1,
            "refused by the resolver, in words"
        );
        let page = app.get_with(&who, &search).await;
        assert!(page.body.contains("which webhooks may not reach"), "{}", page.body);
        assert!(got.lock().unwrap().is_empty(), "nothing reached the receiver");
        // An address written as such is refused before any connection, too.
        app.sql(&format!("UPDATE subscriptions SET target = 'https://[::ffff:127.0.0.1]:{port}/x' WHERE id = {sub}")).unwrap();
        app.post_form_with(&who, &search, &format!("/subscriptions/{sub}/test"), &[]).await;
        eventually("the second attempt recorded", || {
            app.count_where("deliveries", &format!("subscription_id = {sub} AND attempts = 1 AND last_error LIKE '%127.0.0.1 is in a private or local network%'")) == 1
        }).await;
        assert!(got.lock().unwrap().is_empty());
    }
}

/// (saved search, event, reference) of every message a receiver got.
fn received_events(got: &Received) -> Vec<(String, String, String)> {
    let mut all: Vec<(String, String, String)> = got
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| {
            let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
            let m = &json["message"];
            let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            (
                text(&json["saved_search"]),
                text(&m["event"]),
                text(&m["reference"]),
            )
        })
        .collect();
    all.sort();
    all
}

both_backends! {
    async fn every_kind_of_event_arrives_once_cut_to_its_subscriber(app: TestApp) where settings = |raw| {
        raw.notify.notify_poll_ms = Some("50".into());
        raw.notify.webhook_allow_http = Some("true".into());
    }; {
        crate::convoys::places(&app);
        seed_place(&app, "CanaryPlaceE2E", "", "Rural Damascus", "Duma");
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let ocha = signed_in(&app, "ocha.coordinator", Role::Coordinator, "OCHA").await;
        let (url, got) = webhook_receiver(vec![]).await;
        // A reporter hears of incidents, convoys and needs; a coordinator of incidents and
        // reports. One receiver; the body names the search.
        for (c, kind, name) in [(&who, "incidents", "WHO incidents"), (&who, "convoys", "WHO convoys"), (&who, "needs", "WHO needs"), (&ocha, "incidents", "OCHA incidents")] {
            let search = save_search_of(&app, c, kind, name, "").await;
            let created = subscribe(&app, c, &search, &[("channel", "webhook"), ("url", &url)]).await;
            assert_eq!(created.status, 200, "{name}: {}", created.body);
        }
        let canaries = [
            ("title", "CanaryTitleE2E"),
            ("narrative", "CanaryNarrativeE2E"),
            ("claim_source_name", "CanarySourceE2E"),
            ("claim_statement", "CanaryStatementE2E"),
            ("perpetrator_name", "CanaryActorE2E"),
            ("location", "CanaryPlaceE2E"),
        ];
        let mut incidents = Vec::new();
        for _ in 0..3 {
            let id = create_incident(&app, &who, &canaries).await;
            incidents.push((id, reference_of(&app, &who, id).await));
        }
        let [(a, a_ref), (b, b_ref), (c, c_ref)] = <[(i64, String); 3]>::try_from(incidents).unwrap();
        let verified = app.post_form_with(&ocha, &format!("/incidents/{a}"), &format!("/incidents/{a}/verification"), &[("verification", "corroborated"), ("reason", "Two sources.")]).await;
        assert_eq!(verified.status, 303, "{}", verified.body);
        let retracted = app.post_form_with(&who, &format!("/incidents/{b}"), &format!("/incidents/{b}/retraction"), &[("reason", "Entered twice.")]).await;
        assert_eq!(retracted.status, 303, "{}", retracted.body);
        let merged = app.post_form_with(&ocha, &format!("/incidents/{c}"), &format!("/incidents/{c}/merge"), &[("merge_into", &a_ref), ("merge_reason", "Same convoy.")]).await;
        assert_eq!(merged.status, 303, "{}", merged.body);

        // A convoy blocked; another arrives with cargo removed and meets a need.
        let convoy_fields = [("destination", "CanaryPlaceE2E"), ("notes", "CanaryNotesE2E")];
        let blocked = crate::convoys::create_convoy(&app, &who, &convoy_fields).await;
        crate::convoys::moves(&app, &who, blocked, &["notified", "approved", "en_route", "blocked"]).await;
        let robbed = crate::convoys::create_convoy(&app, &who, &convoy_fields).await;
        crate::convoys::moves(&app, &who, robbed, &["notified", "approved", "en_route"]).await;
        let lines = crate::convoys::line_ids(&app, &who, robbed).await;
        let arrived = crate::incidents::post(&app, &who, &format!("/convoys/{robbed}"), &format!("/convoys/{robbed}/events"), &[
            ("status".into(), "partially_delivered".into()), ("occurred_on".into(), "2018-02-27".into()),
            ("delivered_line".into(), lines[0].clone()), ("delivered_quantity".into(), "30".into()), ("removed_quantity".into(), "10".into()), ("removal_note".into(), "CanaryRemovalE2E".into()),
            ("delivered_line".into(), lines[1].clone()), ("delivered_quantity".into(), "5000".into()), ("removed_quantity".into(), "".into()), ("removal_note".into(), "".into()),
        ]).await;
        assert_eq!(arrived.status, 303, "{}", arrived.body);
        let need = crate::convoys::create_need(&app, &who, &[("quantity_needed", "10"), ("location", "CanaryPlaceE2E"), ("facility_name", "CanaryFacilityE2E")]).await;
        let delivered = app.post_form_with(&who, &format!("/convoys/{robbed}"), &format!("/convoys/{robbed}/deliveries"), &[("cargo_line", &lines[0]), ("need", &need.to_string()), ("quantity", "10")]).await;
        assert_eq!(delivered.status, 303, "{}", delivered.body);
        // A report is generated.
        assert_eq!(app.get_with(&ocha, "/reports/situation?from=2018-01-01&to=2018-12-31").await.status, 200);

        let settled = || {
            app.count_where("notification_events", "processed_at IS NULL") == 0
                && app.count_where("deliveries", "status <> 'sent'") == 0
                && got.lock().unwrap().len() as i64 == app.count("deliveries")
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !settled() {
            assert!(
                std::time::Instant::now() < deadline,
                "not all delivered: {} events unprocessed, {} deliveries unsent, received {:?}",
                app.count_where("notification_events", "processed_at IS NULL"),
                app.count_where("deliveries", "status <> 'sent'"),
                received_events(&got)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let reference = |table: &str, id: i64| {
            let page_of = format!("{table} id {id}");
            let db = app.db();
            let mut conn = db.conn().expect("conn");
            use diesel::prelude::*;
            #[derive(diesel::QueryableByName)]
            struct R {
                #[diesel(sql_type = diesel::sql_types::Text)]
                reference: String,
            }
            diesel::sql_query(format!("SELECT reference FROM {table} WHERE id = {id}"))
                .get_result::<R>(&mut *conn)
                .expect(&page_of)
                .reference
        };
        let (x_ref, y_ref, n_ref) = (reference("convoys", blocked), reference("convoys", robbed), reference("needs", need));
        let t = |search: &str, event: &str, r: &str| (search.to_string(), event.to_string(), r.to_string());
        let mut expected = vec![
            t("WHO convoys", "convoy.blocked", &x_ref),
            t("WHO convoys", "convoy.cargo_removed", &y_ref),
            t("WHO needs", "need.met", &n_ref),
            t("OCHA incidents", "report.generated", ""),
        ];
        for search in ["WHO incidents", "OCHA incidents"] {
            for r in [&a_ref, &b_ref, &c_ref] {
                expected.push(t(search, "incident.created", r));
            }
            expected.push(t(search, "incident.verification_changed", &a_ref));
            expected.push(t(search, "incident.retracted", &b_ref));
            expected.push(t(search, "incident.merged", &c_ref));
        }
        expected.sort();
        assert_eq!(received_events(&got), expected);

        // The reporter's messages carry reference, category, district and status only.
        let allowed = ["event", "kind", "id", "reference", "category", "district", "status", "url", "updated_at"];
        for (_, body) in got.lock().unwrap().iter() {
            let json: serde_json::Value = serde_json::from_str(body).unwrap();
            if json["saved_search"].as_str().unwrap().starts_with("WHO") {
                for key in json["message"].as_object().unwrap().keys() {
                    assert!(allowed.contains(&key.as_str()), "{key} in {body}");
                }
                assert!(!body.contains("Canary"), "{body}");
            } else if json["message"]["kind"] == "incident" {
                // Positive control: the coordinator's carry the title.
                assert!(body.contains("CanaryTitleE2E"), "{body}");
            }
        }
    }
}
