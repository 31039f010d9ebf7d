//! The message files and the formats: every id used exists, every language says everything.

use super::*;

/// Every `t("…")` in the templates and every message id quoted in the source must exist.
#[test]
fn every_message_id_used_is_translated() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let ftl = std::fs::read_to_string(root.join("src/i18n/locales/en/main.ftl")).unwrap();
    let defined: std::collections::HashSet<&str> = ftl
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim()))
        .collect();
    let mut missing = Vec::new();
    let mut checked = 0;
    for dir in ["templates", "src"] {
        for path in walk(root.join(dir))
            .into_iter()
            .filter(|p| !p.ends_with("i18n/mod.rs"))
        {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for id in message_ids(&text) {
                checked += 1;
                if !defined.contains(id.as_str()) {
                    missing.push(format!("{}: {id}", path.display()));
                }
            }
        }
    }
    assert!(
        checked > 20,
        "found only {checked} message ids: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "missing translations:\n{}",
        missing.join("\n")
    );
}

/// Message ids as they appear in code and templates: in calls that translate, and where
/// ids are handed around (`Err("id")`, `errors.add("field", "id")`, match arms). Every id
/// has a dash, which tells it from codes such as `reporter`.
fn message_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let markers = [
        ".t(\"",
        "t_args(\"",
        "Err(\"",
        "ok_or(\"",
        "BadRequest(\"",
        "=> \"",
        ".add(\"",
    ];
    // Template macro calls pass label and hint ids as literals.
    for line in text.lines().filter(|l| l.contains("{% call ")) {
        for (i, literal) in line.split('"').enumerate() {
            let charset = literal
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            let html_token = matches!(literal, "new-password" | "current-password");
            if i % 2 == 1 && literal.contains('-') && charset && !html_token {
                ids.push(literal.to_string());
            }
        }
    }
    for marker in markers {
        let mut rest = text;
        while let Some(pos) = rest.find(marker) {
            rest = &rest[pos + marker.len()..];
            let literal = if marker == ".add(\"" {
                // errors.add("field", "id"): the id is the second argument.
                rest.find("\", \"").map(|i| &rest[i + 4..])
            } else {
                Some(rest)
            };
            let Some(literal) = literal else { continue };
            if let Some(end) = literal.find('"') {
                let id = &literal[..end];
                let charset = id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if id.contains('-') && charset {
                    ids.push(id.to_string());
                }
            }
        }
    }
    ids
}

fn walk(dir: std::path::PathBuf) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(path));
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("rs" | "html")
            ) {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn negotiates_and_formats() {
    assert_eq!(Lang::negotiate(Some("de-DE, en;q=0.5")).tag(), "en");
    assert_eq!(Lang::negotiate(None).dir(), "ltr");
    assert_eq!(Lang::negotiate(Some("ar-SY,ar;q=0.9,en;q=0.8")).tag(), "ar");
    assert_eq!(Lang::negotiate(Some("ar-SY")).dir(), "rtl");
    assert_eq!(Lang::negotiate(Some("fr-ML, fr;q=0.9")).tag(), "fr");
    assert_eq!(Lang::negotiate(Some("de, fr;q=0.7")).tag(), "fr");
    assert_eq!(Lang::negotiate(Some("not a ~ tag")).tag(), "en");
    // A person's own setting wins over the browser; an unknown stored code does not.
    assert_eq!(Lang::choose(Some("fr"), Some("ar")).tag(), "fr");
    assert_eq!(Lang::choose(Some("xx"), Some("ar")).tag(), "ar");
    assert_eq!(Lang::choose(None, None).tag(), "en");

    let en = Lang::default();
    assert_eq!(en.number(1234567), "1,234,567");
    assert_eq!(en.number(-1000), "-1,000");
    assert_eq!(en.number(999), "999");
    let fr = Lang::choose(Some("fr"), None);
    assert_eq!(fr.number(1234567), "1\u{202F}234\u{202F}567");
    let ar = Lang::choose(Some("ar"), None);
    assert_eq!(ar.number(1234567), "1,234,567");
    let ar_digits = Lang::choose(Some("ar-u-nu-arab"), None);
    assert_eq!(ar_digits.tag(), "ar");
    assert_eq!(ar_digits.number(1234567), "١٬٢٣٤٬٥٦٧");

    let day = chrono::NaiveDate::from_ymd_opt(2018, 2, 20).unwrap();
    assert_eq!(en.date(day), "20 February 2018");
    assert_eq!(en.date_short(day), "20 Feb 2018");
    assert_eq!(fr.date(day), "20 février 2018");
    assert_eq!(ar.date(day), "20 شباط 2018");
    assert_eq!(ar_digits.date(day), "٢٠ شباط ٢٠١٨");
    let moment = day.and_hms_opt(14, 30, 5).unwrap();
    assert_eq!(en.date_time(moment), "20 Feb 2018 14:30");
    assert_eq!(ar_digits.date_time_seconds(moment), "٢٠ شباط ٢٠١٨ ١٤:٣٠:٠٥");
}

#[test]
fn plurals_follow_each_language_and_numbers_its_digits() {
    let args = |n: i64| [("count", Arg::from(n)), ("shown", Arg::from(n))];
    let en = Lang::default();
    assert_eq!(en.t_args("convoys-found", &args(1)), "1 convoy");
    assert_eq!(en.t_args("convoys-found", &args(3)), "3 convoys");
    let ar = Lang::choose(Some("ar"), None);
    assert_eq!(ar.t_args("convoys-found", &args(1)), "قافلة واحدة");
    assert_eq!(ar.t_args("convoys-found", &args(2)), "قافلتان");
    assert_eq!(ar.t_args("convoys-found", &args(3)), "3 قوافل");
    assert_eq!(ar.t_args("convoys-found", &args(11)), "11 قافلة");
    let fr = Lang::choose(Some("fr"), None);
    assert_eq!(fr.t_args("convoys-found", &args(0)), "0 convoi");
    // Numbers handed to a message are written in the reader's digits and grouping.
    let head = [("count", Arg::from(12345))];
    assert_eq!(en.t_args("audit-head", &head), "12,345 events recorded.");
    let ar_digits = Lang::choose(Some("ar-u-nu-arab"), None);
    assert!(ar_digits.t_args("audit-head", &head).contains("١٢٬٣٤٥"));
    assert!(fr.t_args("audit-head", &head).contains("12\u{202F}345"));
}

/// Every language file parses, has the same message ids as English, and uses no variable
/// the English message does not give it.
#[test]
fn every_language_has_every_message() {
    use fluent_templates::fluent_bundle::FluentResource;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n/locales");
    let read = |lang: &str| std::fs::read_to_string(root.join(lang).join("main.ftl")).unwrap();
    let english = messages(&read("en"));
    assert!(english.len() > 600, "is the scan broken?");
    let languages: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(languages.len() >= 3, "{languages:?}");
    for lang in languages {
        let text = read(&lang);
        if let Err((_, errors)) = FluentResource::try_new(text.clone()) {
            panic!("{lang}/main.ftl does not parse: {errors:?}");
        }
        let found = messages(&text);
        let ids =
            |m: &[(String, Vec<String>)]| m.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(&found),
            ids(&english),
            "{lang}: message ids differ from en"
        );
        for ((id, vars), (_, en_vars)) in found.iter().zip(&english) {
            for v in vars {
                assert!(
                    en_vars.contains(v),
                    "{lang}: {id} uses ${v}, which English does not give it"
                );
            }
        }
    }
}

/// (id, variables used) for each message, in file order.
fn messages(ftl: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in ftl.lines() {
        let starts_message = !line.starts_with([' ', '#']);
        if let Some((id, _)) = line.split_once(" = ").filter(|_| starts_message) {
            out.push((id.trim().to_string(), Vec::new()));
        }
        if let Some(last) = out.last_mut() {
            for piece in line.split("{ $").skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                if !last.1.contains(&name) {
                    last.1.push(name);
                }
            }
        }
    }
    out
}

/// Every field the code notes an error for has its own words (`what-FIELD`), so no message
/// falls back to "Enter a value": field names are read where errors are noted
/// (`.add("field"`, `.check("field"`, `row_field("field"`).
#[test]
fn every_field_with_errors_says_what_to_enter() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let en = Lang::default();
    let mut fields = std::collections::BTreeSet::new();
    // (This folder's own examples are not fields.)
    for path in walk(root.join("src"))
        .into_iter()
        .filter(|p| !p.starts_with(root.join("src/i18n")))
    {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for marker in [".add(\"", ".check(\"", "row_field(\""] {
            for piece in text.split(marker).skip(1) {
                if let Some(end) = piece.find('"') {
                    let name = &piece[..end];
                    if !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    {
                        fields.insert(name.to_string());
                    }
                }
            }
        }
    }
    assert!(
        fields.len() > 40,
        "found only {} fields: is the scan broken?",
        fields.len()
    );
    let missing: Vec<&String> = fields
        .iter()
        .filter(|f| {
            let base = f
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .trim_end_matches('_');
            en.t_opt(&format!("what-{}", base.replace('_', "-")))
                .is_none()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "fields without words for their errors: {missing:?}"
    );
    assert_eq!(
        en.error("category", "field-choose"),
        "Choose the access constraint."
    );
    assert_eq!(en.error("line_unit_3", "field-required"), "Enter the unit.");
    assert_eq!(
        en.error("no_such_field", "field-required"),
        "Enter a value."
    );
}
