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

/// Every shipped language: the folders of `src/i18n/locales` (English first), so a language
/// added there is checked by these tests without being listed here.
fn languages() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n/locales");
    let mut tags: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("a locale folder")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    tags.sort_by_key(|t| (t != "en", t.clone()));
    tags
}

/// The shipped languages but English, each of which must translate every English label.
fn translations() -> Vec<String> {
    languages().into_iter().filter(|l| l != "en").collect()
}

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
    let tags = languages();
    assert_eq!(tags[..3], ["en", "ar", "fr"], "the languages are found");
    let files: Vec<(&str, String)> = tags.iter().map(|l| (l.as_str(), ftl(l))).collect();
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
    for lang in translations() {
        let lang = lang.as_str();
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
        // Numbers typed in Arabic-Indic digits are the numbers they say...
        let typed = |lat: &str| crate::incidents::incident_form(&[
            ("location", ""), ("new_place_name", "Saqba"), ("new_place_lat", lat),
            ("new_place_lon", "٣٦٫٤٠٢٨"), ("civilians_killed", "١٢"), ("title", "Saqba shelling"),
        ]);
        let refused = crate::incidents::post(&app, &c, "/incidents/new", "/incidents", &typed("٣٣،٥٧١١")).await;
        // ...and what could be read two ways (an Arabic comma) is asked about, and kept as typed.
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("بنقطة عشرية لا بفاصلة"), "{}", refused.body);
        assert_eq!(refused.input_value("new_place_lat"), "٣٣،٥٧١١");
        let saved = crate::incidents::post(&app, &c, "/incidents/new", "/incidents", &typed("٣٣٫٥٧١١")).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(app.count_where("locations", "name = 'Saqba' AND latitude BETWEEN 33.57109 AND 33.57111 AND longitude BETWEEN 36.40279 AND 36.40281"), 1);
        assert_eq!(app.count_where("incidents", "title = 'Saqba shelling' AND civilians_killed = 12"), 1);
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
        for lang in translations() {
            let lang = lang.as_str();
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

    /// The seed journey in a real browser, by a person whose browser asks for Arabic (see
    /// `seed_journey`); the French journey runs on SQLite only, to keep CI short.
    #[cfg_attr(not(corridor_test_browser), ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)")]
    #[cfg_attr(not(corridor_test_pdftotext), ignore = "needs pdftotext and pdfinfo (apt-get install poppler-utils)")]
    async fn seed_journey_in_arabic(app: TestApp) {
        seed_journey(&app, "ar", module_path!()).await;
    }
}

mod seed_journey_in_french {
    use super::*;

    // Two reasons may apply (the second ignore is then unused): the first is reported.
    #[allow(unused_attributes)]
    #[cfg_attr(
        not(corridor_test_browser),
        ignore = "needs chromium and chromedriver (apt-get install chromium chromium-driver)"
    )]
    #[cfg_attr(
        not(corridor_test_pdftotext),
        ignore = "needs pdftotext and pdfinfo (apt-get install poppler-utils)"
    )]
    #[actix_web::test]
    async fn sqlite() {
        let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
        seed_journey(&app, "fr", module_path!()).await;
    }
}

/// A language's words, read from its message file: what the person sees on a button, a link or
/// an option. Finding what to click by these words is what makes an English label left in a
/// template fail the journey. No-break spaces (French puts them before colons) read as the
/// plain spaces WebDriver gives for them in a page's text.
struct Words(std::collections::HashMap<String, String>);

impl Words {
    fn of(lang: &str) -> Self {
        let plain = |v: String| v.replace(['\u{a0}', '\u{202F}'], " ");
        Self(
            messages(&ftl(lang))
                .into_iter()
                .map(|(id, v)| (id, plain(v)))
                .collect(),
        )
    }

    fn t(&self, id: &str) -> &str {
        self.0.get(id).unwrap_or_else(|| panic!("no message {id}"))
    }

    /// A message with its `{ $name }` arguments replaced (no plural selectors).
    fn t_with(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(id).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{ ${name} }}"), value);
        }
        text
    }
}

/// `text` without Unicode's invisible direction marks and isolates (which pages put around
/// typed text inside a sentence, and pdftotext around right-to-left runs).
fn without_bidi_controls(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// What the person of the journey types: Arabic (with Arabic-Indic digits, as many type them)
/// or French.
struct Typed {
    org_name: &'static str,
    admin_name: &'static str,
    coordinator_name: &'static str,
    origin: &'static str,
    destination: &'static str,
    checkpoint: &'static str,
    route: &'static str,
    trucks: &'static str,
    beneficiaries: &'static str,
    cargo: [[&'static str; 4]; 2],
    removed: &'static str,
    blocked_note: &'static str,
    title: &'static str,
    narrative: &'static str,
    killed: &'static str,
    doctors: [&'static str; 2],
    denial: [&'static str; 2],
    reason: &'static str,
    /// A date as typed (`2018-02-26`, or in Arabic-Indic digits).
    date: fn(&str) -> String,
    /// The message the set-up form gives for the missing organisation name.
    missing_org_name: &'static str,
}

fn arabic_indic(ascii: &str) -> String {
    ascii
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0660 + d).unwrap(),
            None => c,
        })
        .collect()
}

const ARABIC: Typed = Typed {
    org_name: "منظمة الصحة العالمية",
    admin_name: "أمل الخطيب",
    coordinator_name: "ليلى حداد",
    origin: "دمشق",
    destination: "دوما",
    checkpoint: "حاجز الوافدين",
    // Latin letters inside an Arabic page: they keep their own direction.
    route: "Via Al-Wafideen (M5)",
    trucks: "٩",
    beneficiaries: "٧٠٬٠٠٠",
    cargo: [
        ["مستلزمات طبية", "sector-health", "٤٠", "صندوق"],
        ["سلال غذائية", "sector-food", "٥٠٠", "سلة"],
    ],
    removed: "٤٠",
    blocked_note: "احتُجزت القافلة تسع ساعات عند الحاجز وأُزيلت المستلزمات الطبية.",
    title: "أعراض اختناق بالكلور بعد القصف في دوما",
    narrative: "أفاد أطباء بأعراض اختناق ورائحة كلور بعد قصف أحياء سكنية.",
    killed: "٦",
    doctors: [
        "أطباء مستشفى دوما",
        "عالجنا أكثر من خمسين مريضاً يعانون أعراض التعرض للكلور.",
    ],
    denial: ["وزارة الخارجية", "تنفي الحكومة استخدام أي مواد كيميائية."],
    reason: "تتفق شهادات الأطباء وتقارير جهات الرصد المستقلة.",
    date: |d| arabic_indic(d),
    missing_org_name: "أدخل اسم المنظمة.",
};

const FRENCH: Typed = Typed {
    org_name: "Organisation mondiale de la Santé",
    admin_name: "Amal Khatib",
    coordinator_name: "Layla Haddad",
    origin: "Damas",
    destination: "Douma",
    checkpoint: "Al-Wafideen checkpoint",
    route: "Par Al-Wafideen (M5)",
    trucks: "9",
    beneficiaries: "70 000",
    cargo: [["Fournitures médicales", "sector-health", "40", "caisses"], ["Colis alimentaires", "sector-food", "500", "colis"]],
    removed: "40",
    blocked_note: "Retenu neuf heures au poste de contrôle ; fournitures médicales retirées.",
    title: "Symptômes de chlore après un bombardement à Douma",
    narrative: "Des médecins signalent des symptômes d'étouffement et une odeur de chlore après le bombardement.",
    killed: "6",
    doctors: ["Médecins de l'hôpital de Douma", "Nous avons soigné plus de cinquante patients présentant des symptômes d'exposition au chlore."],
    denial: ["Ministère des Affaires étrangères", "Le gouvernement dément tout usage d'armes chimiques."],
    reason: "Les témoignages des médecins et des observateurs indépendants concordent.",
    date: |d| d.to_string(),
    missing_org_name: "Saisissez le nom de l'organisation.",
};

/// The incident page's coordinates as drawn: their text, direction and isolation, and whether
/// the latitude (the first seven characters) is drawn to the left of the longitude.
const COORDINATES_DRAWN: &str = "const e = document.querySelector('.coords'); \
    const r = document.createRange(); const t = e.firstChild; \
    r.setStart(t, 0); r.setEnd(t, 7); const lat = r.getBoundingClientRect().left; \
    r.setStart(t, t.length - 7); r.setEnd(t, t.length); const lon = r.getBoundingClientRect().left; \
    return [e.textContent, getComputedStyle(e).direction, getComputedStyle(e).unicodeBidi, lat < lon];";

/// Fails unless the browser's page is in `lang` (`<html lang dir>`, the body's computed
/// direction) and shows none of the English labels.
async fn page_is_in(b: &Browser, lang: &str, english: &[String]) {
    let dir = if lang == "ar" { "rtl" } else { "ltr" };
    let seen = b
        .client()
        .execute(
            "const h = document.documentElement; \
            return [h.lang, h.dir, getComputedStyle(document.body).direction];",
            vec![],
        )
        .await
        .expect("script runs");
    let path = b.path().await;
    assert_eq!(seen, serde_json::json!([lang, dir, dir]), "{path}");
    let source = b.client().source().await.expect("page source");
    let found = found_labels(&corridor_text(&source), english);
    if !found.is_empty() {
        b.fail(&format!("{lang} {path} shows English labels {found:?}"))
            .await;
    }
}

/// The seed journey, in a real browser, by a person whose browser asks for `lang`: first
/// set-up through the one-time link (with one mistake, refused in the reader's language), the
/// administrator brings in a coordinator, who records the convoy blocked at the checkpoint and
/// the obstruction as an incident, the chlorine incident with the doctors' report and the
/// government's denial, verifies it, and prints the situation report. Every button, link and
/// option is found by its words in `lang` (or a field by its id); every page is checked for
/// its language, its direction and English labels left behind. Numbers are typed as the person
/// types them (Arabic-Indic digits in Arabic). In Arabic, the person then chooses Arabic-Indic
/// digits and prints the report again.
async fn seed_journey(app: &TestApp, lang: &str, test_path: &str) {
    let w = Words::of(lang);
    let typed = if lang == "ar" { &ARABIC } else { &FRENCH };
    let english = english_labels(lang);
    let rtl = lang == "ar";
    seed_douma_with_coordinates(app);
    seed_place(
        app,
        "Damascus",
        "Dimashq\nدمشق\nDamas",
        "Damascus",
        "Damascus",
    );
    seed_place(
        app,
        "Al-Wafideen checkpoint",
        "حاجز الوافدين",
        "Rural Damascus",
        "Duma",
    );
    let link = app.setup_link.as_deref().expect("a set-up link");
    let setup = &link[link.find("/setup?token=").expect("the link opens /setup")..];
    const TEMPORARY: &str = "ephemeral-lantern-quarry-19";
    let date = |iso: &str| (typed.date)(iso);

    let b = Browser::start_in(app, test_path, lang).await;

    // First set-up: the organisation and its administrator; the name forgotten at first.
    b.goto(setup).await;
    page_is_in(&b, lang, &english).await;
    b.fill("org_acronym", "WHO").await;
    b.choose("org_type", w.t("org-type-un-agency")).await;
    b.fill("username", "amal.admin").await;
    b.fill("display_name", typed.admin_name).await;
    b.fill("password", PASSWORD).await;
    b.fill("password_confirm", PASSWORD).await;
    b.press(w.t("setup-submit")).await;
    b.sees(w.t("form-error-summary")).await;
    page_is_in(&b, lang, &english).await;
    let errors = b.error_links().await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].0.ends_with("#org_name"), "{errors:?}");
    assert_eq!(without_bidi_controls(&errors[0].1), typed.missing_org_name);
    let beside = without_bidi_controls(&b.text_of("#org_name-error").await);
    assert!(
        beside.ends_with(typed.missing_org_name),
        "beside the field: {beside:?}"
    );
    assert_eq!(
        b.value("display_name").await,
        typed.admin_name,
        "what was typed is kept"
    );
    assert_eq!(b.value("password").await, "", "but never the password");
    b.fill("org_name", typed.org_name).await;
    b.fill("password", PASSWORD).await;
    b.fill("password_confirm", PASSWORD).await;
    b.press(w.t("setup-submit")).await;
    let greeting = w
        .t("home-welcome")
        .split('{')
        .next()
        .unwrap()
        .trim()
        .to_string();
    b.sees(&greeting).await;
    b.sees(typed.admin_name).await;
    page_is_in(&b, lang, &english).await;

    // The administrator brings in a coordinator, who chooses their own password.
    b.follow(w.t("nav-users")).await;
    b.follow(w.t("admin-user-new")).await;
    page_is_in(&b, lang, &english).await;
    b.fill("username", "layla.coordinator").await;
    b.fill("display_name", typed.coordinator_name).await;
    b.by_id("organization_id")
        .await
        .select_by_index(1)
        .await
        .expect("the organisation");
    b.check("role-coordinator").await;
    b.fill("password", TEMPORARY).await;
    b.fill("password_confirm", TEMPORARY).await;
    b.press(w.t("admin-user-create")).await;
    b.sees(w.t("admin-user-created")).await;
    page_is_in(&b, lang, &english).await;
    b.press(w.t("sign-out")).await;
    page_is_in(&b, lang, &english).await;
    b.fill("username", "layla.coordinator").await;
    b.fill("password", TEMPORARY).await;
    b.press(w.t("login-submit")).await;
    b.sees(w.t("password-must-change")).await;
    page_is_in(&b, lang, &english).await;
    b.fill("new_password", PASSWORD).await;
    b.fill("new_password_confirm", PASSWORD).await;
    b.press(w.t("password-submit")).await;
    b.sees(w.t("password-changed")).await;
    b.sees(typed.coordinator_name).await;

    // The convoy, Damascus → Douma, medical supplies and food.
    b.follow(w.t("nav-convoys")).await;
    page_is_in(&b, lang, &english).await;
    b.follow(w.t("convoy-new-title")).await;
    page_is_in(&b, lang, &english).await;
    b.fill("origin", typed.origin).await;
    b.fill("destination", typed.destination).await;
    b.fill("planned_departure", &date("2018-02-26")).await;
    b.fill("route", typed.route).await;
    b.fill("trucks", typed.trucks).await;
    b.fill("beneficiaries", typed.beneficiaries).await;
    for (i, [item, sector, quantity, unit]) in typed.cargo.iter().enumerate() {
        b.fill(&format!("line_item_{i}"), item).await;
        b.choose(&format!("line_sector_{i}"), w.t(sector)).await;
        b.fill(&format!("line_quantity_{i}"), quantity).await;
        b.fill(&format!("line_unit_{i}"), unit).await;
    }
    b.check("sensitivity-restricted").await;
    b.press(w.t("convoy-save-new")).await;
    b.sees(w.t("convoy-created")).await;
    page_is_in(&b, lang, &english).await;
    let convoy_path = b.path().await.replace("?done=created", "");
    // Numbers typed in Arabic-Indic digits are understood, and shown as the reader reads them.
    let convoy_text = b.text().await;
    let beneficiaries = if rtl { "70,000" } else { "70\u{202F}000" };
    assert!(
        convoy_text.contains(beneficiaries),
        "beneficiaries {beneficiaries}:\n{convoy_text}"
    );
    assert!(convoy_text.contains(typed.cargo[1][0]), "{convoy_text}");
    for (id, status) in [
        ("status-notified", "convoy-notified"),
        ("status-approved", "convoy-approved"),
        ("status-en_route", "convoy-en-route"),
        ("status-blocked", "convoy-blocked"),
    ] {
        b.open(w.t("convoy-event-add")).await;
        b.check(id).await;
        b.fill("occurred_on", &date("2018-02-26")).await;
        if id == "status-blocked" {
            b.fill("place", typed.checkpoint).await;
            b.fill("note", typed.blocked_note).await;
            b.fill("removed_quantity_0", typed.removed).await;
        }
        b.press(w.t("convoy-event-save")).await;
        b.sees(w.t("convoy-event-recorded")).await;
        assert_eq!(b.text_of("p.tags").await, w.t(status), "after {id}");
    }
    page_is_in(&b, lang, &english).await;
    b.sees(typed.blocked_note).await;
    // The obstruction, recorded as an incident from the convoy's page.
    b.press(w.t("convoy-offer-button")).await;
    page_is_in(&b, lang, &english).await;
    b.choose("claim_reliability", w.t("reliability-a")).await;
    b.choose("claim_credibility", w.t("credibility-2")).await;
    b.press(w.t("incident-save-new")).await;
    assert!(
        b.error_links().await.is_empty(),
        "the prefilled form is refused: {:?}",
        b.error_links().await
    );
    b.sees(w.t("incident-created")).await;

    // The chlorine incident, with the doctors' report.
    b.follow(w.t("nav-incidents")).await;
    page_is_in(&b, lang, &english).await;
    b.follow(w.t("incident-new-title")).await;
    b.fill("title", typed.title).await;
    b.fill("narrative", typed.narrative).await;
    b.check("category-hostilities").await;
    b.open(w.t("section-health")).await;
    b.check("attack_types-chemical_agent").await;
    b.fill("occurred_on", &date("2018-02-25")).await;
    b.check("time_precision-day").await;
    b.fill("reported_on", &date("2018-02-26")).await;
    b.fill("location", typed.destination).await;
    b.check("location_precision-exact").await;
    b.choose("perpetrator_type", w.t("perp-unknown")).await;
    b.open(w.t("section-counts")).await;
    b.fill("civilians_killed", typed.killed).await;
    b.choose("claim_source_type", w.t("source-partner")).await;
    b.fill("claim_source_name", typed.doctors[0]).await;
    b.choose("claim_reliability", w.t("reliability-b")).await;
    b.choose("claim_credibility", w.t("credibility-2")).await;
    b.fill("claim_date", &date("2018-02-25")).await;
    b.fill("claim_statement", typed.doctors[1]).await;
    b.check("claim_stance-supports").await;
    b.check("sensitivity-restricted").await;
    b.check("status-submitted").await;
    page_is_in(&b, lang, &english).await;
    b.press(w.t("incident-save-new")).await;
    assert!(
        b.error_links().await.is_empty(),
        "refused: {:?}",
        b.error_links().await
    );
    b.sees(w.t("incident-created")).await;
    let incident_path = b.path().await.replace("?done=created", "");
    // The government's denial, beside it.
    b.open(w.t("claim-add")).await;
    b.choose("claim_source_type", w.t("source-authorities"))
        .await;
    b.fill("claim_source_name", typed.denial[0]).await;
    b.choose("claim_reliability", w.t("reliability-f")).await;
    b.choose("claim_credibility", w.t("credibility-6")).await;
    b.fill("claim_date", &date("2018-02-27")).await;
    b.fill("claim_statement", typed.denial[1]).await;
    b.check("claim_stance-denies").await;
    b.press(w.t("claim-add")).await;
    b.sees(w.t("incident-claim-added")).await;
    let claims = b.text_of("ul.claims").await;
    assert!(
        claims.contains(typed.doctors[1]) && claims.contains(typed.denial[1]),
        "{claims}"
    );
    // Verified.
    b.open(w.t("verification-change")).await;
    b.check("verification-corroborated").await;
    b.fill("reason", typed.reason).await;
    b.press(w.t("verification-save")).await;
    b.sees(w.t("incident-verification-set")).await;
    assert!(b
        .text_of("p.tags")
        .await
        .contains(w.t("verification-corroborated")));
    page_is_in(&b, lang, &english).await;

    // Typed text keeps its own direction; coordinates read "33.5711, 36.4028" left to right.
    let js = |script: &str| {
        let script = script.to_string();
        let client = b.client().clone();
        async move { client.execute(&script, vec![]).await.expect("script runs") }
    };
    let typed_dirs = js("return [...document.querySelectorAll('[dir=auto]')] \
        .map(e => [e.textContent.trim(), getComputedStyle(e).direction]);")
    .await;
    let direction_of = |start: &str| {
        typed_dirs
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p[0].as_str().unwrap().starts_with(start))
            .map(|p| p[1].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no typed text starting {start:?} in {typed_dirs}"))
    };
    let text_dir = if rtl { "rtl" } else { "ltr" };
    assert_eq!(direction_of(typed.title), text_dir, "the title");
    assert_eq!(direction_of(typed.denial[1]), text_dir, "the denial");
    let coords = js(COORDINATES_DRAWN).await;
    assert_eq!(
        coords,
        serde_json::json!(["33.5711, 36.4028", "ltr", "isolate", true])
    );
    // History, in the reader's words.
    b.follow(w.t("history-full")).await;
    assert_eq!(b.path().await, format!("{incident_path}/history"));
    page_is_in(&b, lang, &english).await;
    b.sees(typed.reason).await;
    // The convoy's route, typed in Latin letters, stays left to right on an Arabic page.
    b.goto(&convoy_path).await;
    let route = b.by_css("dd.narrative").await;
    assert_eq!(
        route.css_value("direction").await.unwrap(),
        "ltr",
        "the route {:?}",
        route.text().await
    );

    // The situation report, made from the form and printed.
    b.follow(w.t("nav-reports")).await;
    page_is_in(&b, lang, &english).await;
    b.fill("from", &date("2018-01-01")).await;
    b.fill("to", &date("2018-12-31")).await;
    b.press(w.t("report-make")).await;
    b.sees(w.t("report-headline")).await;
    page_is_in(&b, lang, &english).await;
    assert_eq!(
        b.text_of("#figure-incidents").await.trim(),
        "2",
        "the obstruction and the chlorine incident"
    );
    assert_eq!(b.text_of("#convoys-blocked").await.trim(), "1");
    print_report(&b, app, lang, &w, |n| n.to_string()).await;

    if rtl {
        // Arabic-Indic digits, chosen on the account page: figures, dates and page numbers
        // in ٠–٩ on the page and on paper.
        let report = b.path().await;
        b.follow(w.t("nav-account")).await;
        b.check("language-ar-u-nu-arab").await;
        b.press(w.t("language-save")).await;
        b.sees(w.t("language-saved")).await;
        b.goto(&report).await;
        page_is_in(&b, lang, &english).await;
        assert_eq!(b.text_of("#figure-incidents").await.trim(), "٢");
        assert_eq!(b.text_of("#convoys-blocked").await.trim(), "١");
        let period = b.text_of(".report-params dd").await;
        assert!(period.contains("١ كانون الثاني ٢٠١٨"), "{period}");
        let head = b.text_of(".report-running-head").await;
        assert!(head.contains("٢٠١٨-٠١-٠١"), "{head}");
        print_report(&b, app, "ar-u-nu-arab", &w, |n| {
            arabic_indic(&n.to_string())
        })
        .await;
        // The incident's page: its date, its figures and its coordinates in ٠–٩.
        b.goto(&incident_path).await;
        let page = b.text().await;
        assert!(page.contains("٢٥ شباط ٢٠١٨"), "{page}");
        let coords = js(COORDINATES_DRAWN).await;
        assert_eq!(
            coords,
            serde_json::json!(["٣٣٫٥٧١١,\u{200E} ٣٦٫٤٠٢٨", "ltr", "isolate", true])
        );
        // The history's numbered list and revision numbers count in ٠–٩ too.
        let list =
            js("return getComputedStyle(document.querySelector('ol.timeline')).listStyleType;")
                .await;
        assert_eq!(list, "arabic-indic");
        b.sees(&format!("{} ٣", w.t("revision-number"))).await;
    }
    b.screenshot("").await;
    b.close().await;
}

/// Prints the report on the page to PDF (A4) and checks the paper: the headings in the
/// reader's words, the digest and the page number on every page, page numbers in the reader's
/// words and `digits`, the heading set on the reader's side of the page, and for Arabic the
/// text set in Amiri.
async fn print_report(
    b: &Browser,
    app: &TestApp,
    name: &str,
    w: &Words,
    digits: impl Fn(usize) -> String,
) {
    let rtl = name.starts_with("ar");
    let digest = b.text_of(".digest").await;
    let config = PrintConfiguration::builder()
        .size(PrintSize::A4)
        .background(true)
        .build()
        .expect("print settings");
    let pdf = b
        .client()
        .print(config)
        .await
        .expect("Chromium prints the report");
    let path = crate::browser::artifacts_dir()
        .join(format!("situation-report-{name}-{:?}.pdf", app.backend));
    std::fs::write(&path, &pdf).expect("save the PDF");
    let (pages, text) = crate::journeys::pdf_text(&path);
    assert!((1..=3).contains(&pages), "{name}: {pages} pages");
    assert!(
        text.matches(digest.trim()).count() >= pages,
        "{name}: digest on every page"
    );
    for id in ["report-title", "report-headline", "report-method"] {
        assert!(
            contains_words(&text, w.t(id)),
            "{name}: {id} printed:\n{text}"
        );
    }
    for page in 1..=pages {
        let number = w.t_with(
            "print-page-of",
            &[("page", &digits(page)), ("pages", &digits(pages))],
        );
        assert!(
            contains_words(&text, &number),
            "{name}: page number {number:?} printed:\n{text}"
        );
    }
    // Where the words stand on paper: the headline figures' heading on the reader's side (the
    // right in Arabic), the page number in the opposite corner.
    let heading = w.t("report-headline").split_whitespace().next().unwrap();
    let number = w.t("print-page-of").split_whitespace().next().unwrap();
    let (width, heading_x) = word_position(&path, heading);
    let (_, number_x) = word_position(&path, number);
    if rtl {
        assert!(
            heading_x.0 > width / 2.0 && number_x.1 < width / 2.0,
            "{name}: {heading} at {heading_x:?}, {number} at {number_x:?} of {width}"
        );
        let fonts = std::process::Command::new("pdffonts")
            .arg(&path)
            .output()
            .expect("run pdffonts (poppler-utils)");
        let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
        assert!(
            fonts.contains("Amiri"),
            "the Arabic text is set in Amiri: {fonts}"
        );
    } else {
        assert!(
            heading_x.1 < width / 2.0 && number_x.0 > width / 2.0,
            "{name}: {heading} at {heading_x:?}, {number} at {number_x:?} of {width}"
        );
    }
}

/// The page width and the (left, right) edges of the first `word` in a PDF, by pdftotext's
/// bounding boxes (a right-to-left word may come out with its letters in either order).
fn word_position(path: &std::path::Path, word: &str) -> (f64, (f64, f64)) {
    let out = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(path)
        .arg("-")
        .output()
        .expect("run pdftotext");
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag
            .find(&format!("{name}=\""))
            .unwrap_or_else(|| panic!("{name} in {tag}"))
            + name.len()
            + 2;
        tag[at..].split('"').next().unwrap().parse().unwrap()
    };
    let page = html.find("<page ").expect("a page");
    let width = attr(&html[page..page + 80], "width");
    let reversed: String = word.chars().rev().collect();
    let found = html.split("<word ").skip(1).find(|w| {
        let text = w.split('>').nth(1).unwrap_or("").trim_end_matches("</word");
        let text = without_bidi_controls(text);
        text == word || text == reversed
    });
    let tag = found.unwrap_or_else(|| panic!("{word:?} not in the PDF's words"));
    (width, (attr(tag, "xMin"), attr(tag, "xMax")))
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
