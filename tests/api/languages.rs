//! Languages: every message in English, Arabic and French; the language chosen from the
//! person's own setting, else `Accept-Language`, else English; `<html lang dir>` following it;
//! no English label left on an Arabic or French page of the main journey; exports and HXL
//! the same whatever the language.

use std::collections::BTreeSet;

use crate::browser::Browser;
use crate::convoys::{create_convoy, create_need};
use crate::helpers::{Page, TestApp, PASSWORD};
use crate::incidents::{create_incident, seed_place, signed_in};
use corridor::domain::Role;
use fantoccini::wd::{PrintConfiguration, PrintSize};

const LANGUAGES: [&str; 3] = ["en", "ar", "fr"];

fn ftl(lang: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/i18n/locales")
        .join(lang)
        .join("main.ftl");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (id, value) of every message, a multi-line value joined (selectors and all).
fn messages(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with(' ') {
            if let Some(last) = out.last_mut() {
                last.1.push('\n');
                last.1.push_str(line);
            }
        } else if let Some((id, value)) = line.split_once(" = ").filter(|_| !line.starts_with('#'))
        {
            out.push((id.trim().to_string(), value.to_string()));
        }
    }
    out
}

/// What is wrong between the message files: ids one has and another lacks.
fn missing_keys(files: &[(&str, String)]) -> Vec<String> {
    let ids: Vec<(&str, BTreeSet<String>)> = files
        .iter()
        .map(|(lang, text)| {
            (
                *lang,
                messages(text).into_iter().map(|(id, _)| id).collect(),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for (lang, have) in &ids {
        for (other, theirs) in &ids {
            for id in theirs.difference(have) {
                problems.push(format!("{lang} lacks {id} (which {other} has)"));
            }
        }
    }
    problems
}

fn client_in(accept_language: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        accept_language.parse().expect("header value"),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .expect("client")
}

async fn signed_in_as(app: &TestApp, username: &str, accept_language: &str) -> reqwest::Client {
    let c = client_in(accept_language);
    app.login_with(&c, username, PASSWORD).await;
    c
}

/// The `<html …>` start tag of a page.
fn html_tag(page: &Page) -> &str {
    let start = page.body.find("<html").expect("an <html> tag");
    let end = page.body[start..].find('>').expect("end of <html>") + start;
    &page.body[start..=end]
}

async fn set_language(app: &TestApp, c: &reqwest::Client, code: &str) -> Page {
    app.post_form_with(
        c,
        "/account/password",
        "/account/language",
        &[("language", code)],
    )
    .await
}

/// The words a reader sees that Corridor wrote: the page's text without what people typed
/// (which templates isolate in `<bdi>` or `dir="auto"` elements), codes, references and the
/// values of form fields and options that hold typed or stored data.
fn corridor_text(body: &str) -> String {
    let mut text = body.to_string();
    for (open, close) in [
        ("<bdi", "</bdi>"),
        ("<code", "</code>"),
        ("<script", "</script>"),
        ("<textarea", "</textarea>"),
        ("<title>", "</title>"),
        // Typed text inside a sentence, between Unicode's isolation marks (FSI … PDI).
        ("\u{2068}", "\u{2069}"),
    ] {
        text = cut_elements(&text, open, close);
    }
    text = without_stored_options(&text);
    // Elements that carry typed text (`dir="auto"`) or say they are in another language
    // (`lang`, the language names on the account page): cut their text up to the next tag.
    for marker in ["dir=\"auto\"", " lang=\""] {
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(pos) = rest.find(marker) {
            out.push_str(&rest[..pos]);
            let after = &rest[pos..];
            let Some(gt) = after.find('>') else { break };
            let inner = &after[gt + 1..];
            let stop = inner.find('<').unwrap_or(inner.len());
            rest = &inner[stop..];
        }
        out.push_str(rest);
        text = out;
    }
    let out = text;
    // Tags themselves (and their attributes) are not read.
    let mut visible = String::new();
    let mut in_tag = false;
    for c in out.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                visible.push(' ');
            }
            _ if !in_tag => visible.push(c),
            _ => {}
        }
    }
    visible
}

/// `text` without the `<option>`s that show stored data rather than Corridor's words: those
/// whose value is a record's id (organisations, places, cargo lines, needs) or is the very text
/// shown (a governorate or district as typed). Options of vocabularies keep their labels.
fn without_stored_options(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<option value=\"") {
        out.push_str(&rest[..start]);
        let option = &rest[start..];
        let end = option
            .find("</option>")
            .map_or(option.len(), |e| e + "</option>".len());
        let value_start = "<option value=\"".len();
        let value =
            &option[value_start..value_start + option[value_start..].find('"').unwrap_or(0)];
        let shown = option[..end]
            .split_once('>')
            .map_or("", |(_, t)| t.trim_end_matches("</option>"));
        let stored =
            !value.is_empty() && (value.chars().all(|c| c.is_ascii_digit()) || value == shown);
        if !stored {
            out.push_str(&option[..end]);
        }
        rest = &option[end..];
    }
    out.push_str(rest);
    out
}

fn cut_elements(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        match rest[start..].find(close) {
            Some(end) => rest = &rest[start + end + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// English labels that must not appear on a page in `lang`: every short English message (a
/// label, a status, a heading: at most five words) whose translation differs from it.
fn english_labels(lang: &str) -> Vec<String> {
    let english = messages(&ftl("en"));
    let other: std::collections::HashMap<String, String> =
        messages(&ftl(lang)).into_iter().collect();
    english
        .into_iter()
        .filter(|(id, value)| {
            !value.contains('{')
                && value.split_whitespace().count() <= 5
                && value.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 4
                && other.get(id) != Some(value)
        })
        .map(|(_, value)| value.trim_end_matches(['.', ':']).to_string())
        .filter(|v| v.len() >= 4)
        .collect()
}

/// Whole-phrase matches of `labels` in `text` (word boundaries on both sides).
fn found_labels(text: &str, labels: &[String]) -> Vec<String> {
    labels
        .iter()
        .filter(|label| {
            text.match_indices(label.as_str()).any(|(i, _)| {
                let before = text[..i].chars().next_back();
                let after = text[i + label.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric())
                    && !after.is_some_and(|c| c.is_alphanumeric())
            })
        })
        .cloned()
        .collect()
}

/// ASCII words of four letters or more in `text`, but for the few that every language writes
/// so (formats, standards) and the Latin spellings of Douma that the place hints give as
/// examples of other spellings.
fn latin_words(text: &str) -> BTreeSet<String> {
    const INTERNATIONAL: [&str; 7] = ["UTC", "SHA", "JSON", "HXL", "Ed25519", "Douma", "Duma"];
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .collect();
    words
        .iter()
        // References (INC-2018-000001, CVY-…, NEED-…) are identifiers, not words.
        .filter(|w| {
            !w.split_once('-')
                .is_some_and(|(_, n)| n.starts_with(|c: char| c.is_ascii_digit()))
        })
        .flat_map(|w| w.split('-'))
        .filter(|w| w.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 4)
        .filter(|w| !INTERNATIONAL.contains(w))
        .map(str::to_string)
        .collect()
}

/// Records the main journey's data over HTTP: a convoy, the chlorine incident with a denial,
/// a need, a corroboration. Returns (incident id, convoy id, need id).
async fn arrange_journey(app: &TestApp) -> (i64, i64, i64) {
    seed_douma_with_coordinates(app);
    seed_place(app, "Damascus", "Dimashq", "Damascus", "Damascus");
    seed_place(app, "Al-Wafideen checkpoint", "", "Rural Damascus", "Duma");
    let reporter = signed_in(app, "omar.reporter", Role::Reporter, "WHO").await;
    let convoy = create_convoy(app, &reporter, &[]).await;
    let need = create_need(app, &reporter, &[]).await;
    let incident = create_incident(
        app,
        &reporter,
        &[
            ("title", "Chlorine symptoms reported after bombing in Douma"),
            ("narrative", "أفاد أطباء بأعراض اختناق بعد القصف."),
            ("category", "hostilities"),
            ("attack_types", "chemical_agent"),
        ],
    )
    .await;
    let show = format!("/incidents/{incident}");
    let claim = app
        .post_form_with(
            &reporter,
            &show,
            &format!("{show}/claims"),
            &[
                ("claim_source_type", "authorities"),
                ("claim_source_name", "Ministry"),
                ("claim_reliability", "F"),
                ("claim_credibility", "6"),
                ("claim_date", "2018-02-27"),
                (
                    "claim_statement",
                    "The authorities deny any use of chemicals.",
                ),
            ],
        )
        .await;
    assert_eq!(claim.status, 303, "{}", claim.body);
    let coordinator = signed_in(app, "layla.coordinator", Role::Coordinator, "OCHA").await;
    let verified = app
        .post_form_with(
            &coordinator,
            &show,
            &format!("{show}/verification"),
            &[
                ("verification", "corroborated"),
                ("reason", "Two independent sources agree."),
            ],
        )
        .await;
    assert_eq!(verified.status, 303, "{}", verified.body);
    app.seed_user("hana.auditor", Role::Auditor, "OCHA");
    (incident, convoy, need)
}

/// Douma, with its coordinates, before the other places (whose Douma then is a spelling of it).
fn seed_douma_with_coordinates(app: &TestApp) {
    use corridor::audit::{self, Actor};
    use corridor::locations::{self, PlaceFields};
    let db = app.db();
    let mut conn = db.conn().unwrap();
    let place = PlaceFields {
        name: "Douma".into(),
        alt_names: "Duma\nدوما".into(),
        admin1: "Rural Damascus".into(),
        admin2: "Duma".into(),
        latitude: Some(33.5711),
        longitude: Some(36.4028),
        ..Default::default()
    };
    audit::write(&mut conn, |conn| {
        Ok(locations::create(conn, &Actor::system("test"), &place, None)?.id)
    })
    .unwrap();
}

/// The main journey's pages, as (who reads it, path).
fn journey_pages(incident: i64, convoy: i64, need: i64) -> Vec<(&'static str, String)> {
    let mut pages: Vec<(&'static str, String)> = [
        "/",
        "/incidents",
        "/incidents/new",
        "/convoys",
        "/convoys/new",
        "/needs",
        "/needs/new",
        "/reports",
        "/reports/situation?from=2018-01-01&to=2018-12-31",
        "/account/password",
    ]
    .iter()
    .map(|p| ("layla.coordinator", p.to_string()))
    .collect();
    for path in [
        format!("/incidents/{incident}"),
        format!("/incidents/{incident}/history"),
        format!("/incidents/{incident}/edit"),
        format!("/convoys/{convoy}"),
        format!("/convoys/{convoy}/history"),
        format!("/needs/{need}"),
        format!("/needs/{need}/history"),
    ] {
        pages.push(("layla.coordinator", path));
    }
    pages.push(("hana.auditor", "/audit".to_string()));
    pages.push(("hana.auditor", "/audit/1".to_string()));
    pages
}

/// A test that cannot fail is no test: the key comparison finds a key taken out of a copy.
#[test]
fn a_message_missing_in_one_language_is_found() {
    let files: Vec<(&str, String)> = LANGUAGES.iter().map(|l| (*l, ftl(l))).collect();
    let problems = missing_keys(&files);
    assert!(
        problems.is_empty(),
        "message ids differ between languages:\n{}",
        problems.join("\n")
    );
    assert!(messages(&files[0].1).len() > 700, "is the parse broken?");

    let mut damaged = files.clone();
    damaged[2].1 = damaged[2]
        .1
        .lines()
        .filter(|l| !l.starts_with("report-method-2 = "))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        missing_keys(&damaged),
        vec![
            "fr lacks report-method-2 (which en has)",
            "fr lacks report-method-2 (which ar has)"
        ]
    );
}

/// Arabic plural messages give every category Arabic has (zero, one, two, few, and the
/// default), and no translation drops a variable its English gives (a count, a name).
#[test]
fn plural_messages_and_variables_are_complete() {
    let english: std::collections::HashMap<String, String> =
        messages(&ftl("en")).into_iter().collect();
    for lang in ["ar", "fr"] {
        for (id, value) in messages(&ftl(lang)) {
            let en = &english[&id];
            if en.contains("->") && lang == "ar" {
                for key in ["[zero]", "[one]", "[two]", "[few]", "*[other]"] {
                    assert!(value.contains(key), "ar {id} lacks {key}");
                }
            }
            for var in en
                .split("{ $")
                .skip(1)
                .filter_map(|s| s.split([' ', '}']).next())
            {
                // `shown` is the display form of `count`; one of them is enough in a variant.
                let used = value.contains(&format!("{{ ${var}"))
                    || (var == "shown" && value.contains("{ $count"));
                assert!(used || en.contains("->"), "{lang} {id} drops ${var}");
            }
        }
    }
}

both_backends! {
    async fn accept_language_chooses_the_language_and_its_direction(app: TestApp) {
        app.seed_user("omar.reporter", Role::Reporter, "WHO");
        let arabic = client_in("ar-SY,ar;q=0.9,en;q=0.5");
        let login = app.get_with(&arabic, "/login").await;
        assert_eq!(html_tag(&login), r#"<html lang="ar" dir="rtl">"#);
        assert!(login.body.contains("تسجيل الدخول"), "Arabic sign-in page");
        app.login_with(&arabic, "omar.reporter", PASSWORD).await;
        let home = app.get_with(&arabic, "/").await;
        assert_eq!(html_tag(&home), r#"<html lang="ar" dir="rtl">"#);
        // The typed name sits inside the Arabic sentence between isolation marks.
        assert!(home.body.contains("أهلاً بك، \u{2068}omar.reporter\u{2069}"), "{}", home.body);

        let french = client_in("fr-ML, fr;q=0.9");
        let login = app.get_with(&french, "/login").await;
        assert_eq!(html_tag(&login), r#"<html lang="fr" dir="ltr">"#);
        assert!(login.body.contains("Se connecter"));

        for header in ["de-DE, en;q=0.5", "zz"] {
            let page = app.get_with(&client_in(header), "/login").await;
            assert_eq!(html_tag(&page), r#"<html lang="en" dir="ltr">"#, "{header}");
        }
        // Error pages too.
        let missing = app.get_with(&arabic, "/incidents/999999").await;
        assert_eq!(missing.status, 404);
        assert!(missing.body.contains("الصفحة غير موجودة"), "{}", missing.body);
    }

    async fn a_persons_setting_outranks_the_browser(app: TestApp) {
        app.seed_user("omar.reporter", Role::Reporter, "WHO");
        let c = signed_in_as(&app, "omar.reporter", "ar").await;
        let account = app.get_with(&c, "/account/password").await;
        assert!(account.body.contains(r#"<label for="language-fr" lang="fr" dir="ltr">Français</label>"#), "{}", account.body);

        let saved = set_language(&app, &c, "fr").await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(saved.location.as_deref(), Some("/account/password?language=1"));
        let home = app.get_with(&c, "/").await;
        assert_eq!(html_tag(&home), r#"<html lang="fr" dir="ltr">"#, "the setting beats Accept-Language: ar");
        assert!(home.body.contains("Bienvenue"));
        let notice = app.get_with(&c, "/account/password?language=1").await;
        assert!(notice.body.contains("Votre langue a été enregistrée."));
        assert_eq!(app.count_where("users", "language = 'fr'"), 1);
        assert_eq!(app.count_where("audit_events", "action = 'user.language_change'"), 1, "recorded in the audit trail");

        // Arabic with Arabic-Indic digits, from an English browser.
        let c_en = signed_in_as(&app, "omar.reporter", "en").await;
        assert_eq!(set_language(&app, &c_en, "ar-u-nu-arab").await.status, 303);
        let incidents = app.get_with(&c_en, "/incidents").await;
        assert_eq!(html_tag(&incidents), r#"<html lang="ar" dir="rtl">"#);
        assert!(incidents.body.contains("لا توجد حوادث مطابقة"), "{}", incidents.body);
        let audit_free = app.get_with(&c_en, "/account/password").await;
        assert!(audit_free.body.contains(r#"value="ar-u-nu-arab" checked"#), "the choice is shown as made");

        // A code that is not offered is refused next to the field, and nothing changes.
        let refused = set_language(&app, &c_en, "de").await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("اختر إحدى اللغات المعروضة."), "the error in the reader's language");
        assert_eq!(app.count_where("users", "language = 'ar-u-nu-arab'"), 1);

        // Back to "as my browser asks": the browser decides again.
        assert_eq!(set_language(&app, &c_en, "").await.status, 303);
        assert_eq!(app.count_where("users", "language IS NULL"), 1);
        let home = app.get_with(&c_en, "/").await;
        assert_eq!(html_tag(&home), r#"<html lang="en" dir="ltr">"#);
        let home = app.get_with(&c, "/").await;
        assert_eq!(html_tag(&home), r#"<html lang="ar" dir="rtl">"#);
    }

    async fn numbers_and_dates_follow_the_reader(app: TestApp) {
        let (incident, _, _) = arrange_journey(&app).await;
        let c = signed_in_as(&app, "layla.coordinator", "ar").await;
        let show = app.get_with(&c, &format!("/incidents/{incident}")).await;
        assert!(show.body.contains("26 شباط 2018"), "a date in Arabic with Western digits");
        assert!(show.body.contains(r#"<time datetime="2018-02-26">"#), "machine-readable date kept");
        assert_eq!(set_language(&app, &c, "ar-u-nu-arab").await.status, 303);
        let show = app.get_with(&c, &format!("/incidents/{incident}")).await;
        assert!(show.body.contains("٢٦ شباط ٢٠١٨"), "Arabic-Indic digits as chosen");
        assert!(show.body.contains("٧٠٬٠٠٠"), "70,000 people affected, grouped in Arabic");
        let french = signed_in_as(&app, "hana.auditor", "fr").await;
        let show = app.get_with(&french, &format!("/incidents/{incident}")).await;
        assert!(show.body.contains("26 février 2018"));
        assert!(show.body.contains("70\u{202F}000"), "French grouping");

        // The print stylesheet numbers pages in the reader's words and digits.
        let en_css = app.get("/static/print.en.css").await;
        assert!(en_css.body.contains(r#""Page " counter(page, decimal) " of " counter(pages, decimal)"#), "{}", en_css.body);
        let ar_css = app.get("/static/print.ar-u-nu-arab.css").await;
        assert!(ar_css.body.contains("counter(page, arabic-indic)") && ar_css.body.contains("صفحة"), "{}", ar_css.body);
        assert_eq!(app.get("/static/print.xx.css").await.status, 404);
        let font = app.get("/static/Amiri-Regular.ttf").await;
        assert_eq!(font.status, 200);
        assert_eq!(font.headers["content-type"], "font/ttf");
    }

    async fn no_english_left_on_arabic_or_french_pages(app: TestApp) {
        let (incident, convoy, need) = arrange_journey(&app).await;
        for lang in ["ar", "fr"] {
            let labels = english_labels(lang);
            assert!(labels.len() > 300, "{lang}: {} labels: is the list broken?", labels.len());
            for probe in ["Incidents by access constraint", "Corroborated", "Save changes", "Medical needs"] {
                assert!(labels.iter().any(|l| l == probe), "{probe} is among the labels checked");
            }
            let coordinator = signed_in_as(&app, "layla.coordinator", lang).await;
            let auditor = signed_in_as(&app, "hana.auditor", lang).await;
            let mut checked = 0;
            for (who, path) in journey_pages(incident, convoy, need) {
                let c = if who == "hana.auditor" { &auditor } else { &coordinator };
                let page = app.get_with(c, &path).await;
                assert_eq!(page.status, 200, "{lang} {path}: {}", page.body);
                assert!(html_tag(&page).contains(&format!("lang=\"{lang}\"")), "{lang} {path}");
                let text = corridor_text(&page.body);
                let english = found_labels(&text, &labels);
                assert!(english.is_empty(), "{lang} {path} shows English labels {english:?}");
                if lang == "ar" {
                    let latin = latin_words(&text);
                    assert!(latin.is_empty(), "ar {path} shows Latin words {latin:?}");
                }
                checked += 1;
            }
            assert!(checked >= 19, "{lang}: {checked} pages");
        }
        // The check would see English: the same page in English trips it.
        let english = signed_in_as(&app, "layla.coordinator", "en").await;
        let page = app.get_with(&english, &format!("/incidents/{incident}")).await;
        assert!(!found_labels(&corridor_text(&page.body), &english_labels("ar")).is_empty());
    }

    async fn exports_are_the_same_in_every_language(app: TestApp) {
        arrange_journey(&app).await;
        let readers = [
            signed_in_as(&app, "layla.coordinator", "en").await,
            signed_in_as(&app, "layla.coordinator", "ar").await,
            signed_in_as(&app, "layla.coordinator", "fr-FR").await,
        ];
        let digits = signed_in_as(&app, "hana.auditor", "ar").await;
        assert_eq!(set_language(&app, &digits, "ar-u-nu-arab").await.status, 303);
        for path in [
            "/exports/incidents.csv?hxl=1",
            "/exports/incidents.json",
            "/exports/convoys.csv?hxl=1",
            "/exports/convoys.json",
            "/exports/needs.csv?hxl=1",
            "/exports/needs.json",
        ] {
            let english = app.get_with(&readers[0], path).await;
            assert_eq!(english.status, 200, "{path}");
            assert!(english.body.len() > 100, "{path}: {}", english.body);
            for reader in readers.iter().skip(1).chain([&digits]) {
                let other = app.get_with(reader, path).await;
                assert_eq!(other.body, english.body, "{path} changes with the language");
            }
        }
    }

    /// In a real browser: a coordinator chooses Arabic on their account page; the main pages
    /// then read right to left, what people typed keeps its own direction, coordinates read
    /// "33.5711, 36.4028", and the printed situation report is in Arabic, in Amiri, with its
    /// digest and page numbers on every page.
    #[cfg_attr(not(corridor_test_browser), ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)")]
    #[cfg_attr(not(corridor_test_pdftotext), ignore = "needs pdftotext and pdfinfo (apt-get install poppler-utils)")]
    async fn arabic_pages_in_a_browser(app: TestApp) {
        let (incident, convoy, need) = arrange_journey(&app).await;
        let b = Browser::start(&app, module_path!()).await;
        b.goto("/login").await;
        b.fill("username", "layla.coordinator").await;
        b.fill("password", PASSWORD).await;
        b.press("Sign in").await;
        b.follow("Your account").await;
        b.check("language-ar").await;
        b.press("Save language").await;
        b.sees("تم حفظ لغتك.").await;

        let js = |script: &str| {
            let script = script.to_string();
            let client = b.client().clone();
            async move { client.execute(&script, vec![]).await.expect("script runs") }
        };
        for path in [
            "/".to_string(),
            "/incidents".to_string(),
            format!("/incidents/{incident}"),
            format!("/convoys/{convoy}"),
            format!("/needs/{need}"),
            "/reports".to_string(),
        ] {
            b.goto(&path).await;
            let seen = js("const h = document.documentElement; \
                return [h.lang, h.dir, getComputedStyle(document.body).direction];").await;
            assert_eq!(seen, serde_json::json!(["ar", "rtl", "rtl"]), "{path}");
        }

        b.goto(&format!("/incidents/{incident}")).await;
        b.sees("الإفادات").await;
        // Typed text keeps its own direction inside the right-to-left page.
        let typed = js("return [...document.querySelectorAll('[dir=auto]')] \
            .map(e => [e.textContent.trim(), getComputedStyle(e).direction]);").await;
        let direction_of = |start: &str| {
            typed.as_array().unwrap().iter()
                .find(|p| p[0].as_str().unwrap().starts_with(start))
                .map(|p| p[1].as_str().unwrap().to_string())
                .unwrap_or_else(|| panic!("no typed text starting {start:?} in {typed}"))
        };
        assert_eq!(direction_of("Chlorine symptoms"), "ltr", "an English title");
        assert_eq!(direction_of("أفاد أطباء"), "rtl", "an Arabic narrative");
        assert_eq!(direction_of("The authorities deny"), "ltr", "an English claim");
        // Coordinates: isolated and left to right, so they never read backwards; the latitude
        // is drawn to the left of the longitude.
        let coords = js("const e = document.querySelector('.coords'); \
            const r = document.createRange(); const t = e.firstChild; \
            r.setStart(t, 0); r.setEnd(t, 7); const lat = r.getBoundingClientRect().left; \
            r.setStart(t, t.length - 7); r.setEnd(t, t.length); const lon = r.getBoundingClientRect().left; \
            return [e.textContent, getComputedStyle(e).direction, getComputedStyle(e).unicodeBidi, lat < lon];").await;
        assert_eq!(coords, serde_json::json!(["33.5711, 36.4028", "ltr", "isolate", true]));

        // The situation report, printed: Arabic words, the Amiri font, digest and page numbers.
        b.goto("/reports/situation?from=2018-01-01&to=2018-12-31").await;
        b.sees("الأرقام الرئيسية").await;
        let digest = b.text_of(".digest").await;
        let config = PrintConfiguration::builder().size(PrintSize::A4).background(true).build().expect("print settings");
        let pdf = b.client().print(config).await.expect("Chromium prints the report");
        let path = crate::browser::artifacts_dir().join(format!("situation-report-ar-{:?}.pdf", app.backend));
        std::fs::write(&path, &pdf).expect("save the PDF");
        let (pages, text) = crate::journeys::pdf_text(&path);
        assert!(pages >= 2, "{pages} pages");
        assert!(text.matches(digest.trim()).count() >= pages, "digest on every page");
        let fonts = std::process::Command::new("pdffonts").arg(&path).output().expect("run pdffonts (poppler-utils)");
        let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
        assert!(fonts.contains("Amiri"), "the Arabic text is set in Amiri: {fonts}");
        for words in ["تقرير الوضع", "الأرقام الرئيسية", "المنهجية والتحفظات"] {
            assert!(contains_words(&text, words), "{words:?} printed:\n{text}");
        }
        for page in 1..=pages {
            let number = format!("صفحة {page} من {pages}");
            assert!(contains_words(&text, &number), "page number {number:?} printed:\n{text}");
        }
        b.screenshot("").await;
        b.close().await;
    }
}

/// Whether `text` (as pdftotext gives it) holds `words`, in reading order or, as PDF text
/// extraction may give right-to-left lines, with the words in the reverse order.
fn contains_words(text: &str, words: &str) -> bool {
    // pdftotext marks the direction of runs with Unicode's invisible bidi controls.
    let controls = |c: char| matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let text: String = text
        .chars()
        .map(|c| if controls(c) { ' ' } else { c })
        .collect();
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = squeeze(&text);
    let reversed: Vec<&str> = words.split_whitespace().rev().collect();
    text.contains(&squeeze(words)) || text.contains(&reversed.join(" "))
}
