//! Search stays true to the records: after an edit (old words gone, new ones found), after a
//! retraction and a merge (the records are still found, marked), by a place's p-code and by a
//! Latin other spelling that is no admin area's name.

use corridor::audit::{self, Actor};
use corridor::domain::Role;
use corridor::incidents::search;
use corridor::locations::{self, PlaceFields};

use crate::helpers::{Backend, TestApp};
use crate::incidents::{create_incident, encode, incident_form, signed_in};

/// A place with other spellings and a p-code (arranging, not testing).
fn seed_place(app: &TestApp, name: &str, alt: &str, admin2: &str, pcode: &str) {
    let db = app.db();
    let mut conn = db.conn().unwrap();
    let place = PlaceFields {
        name: name.into(),
        alt_names: alt.into(),
        admin1: "Rural Damascus".into(),
        admin2: admin2.into(),
        pcode: pcode.into(),
        ..Default::default()
    };
    audit::write(&mut conn, |conn| {
        Ok(locations::create(conn, &Actor::system("test"), &place, None)?.id)
    })
    .unwrap();
}

/// The references a search lists, in order.
async fn found(app: &TestApp, c: &reqwest::Client, q: &str) -> Vec<String> {
    found_where(app, c, q, "").await
}

/// The references a search lists with other filters (`&name=value…`), in order.
async fn found_where(app: &TestApp, c: &reqwest::Client, q: &str, filters: &str) -> Vec<String> {
    let page = app
        .get_with(c, &format!("/incidents?q={}{filters}", encode(q)))
        .await;
    assert_eq!(page.status, 200, "{q}: {}", page.body);
    let count = page
        .body
        .split("class=\"result-count\" role=\"status\">")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("{q}: no count"))
        .to_string();
    let refs: Vec<String> = page
        .body
        .match_indices(">INC-")
        .map(|(i, _)| page.body[i + 1..i + 16].to_string())
        .collect();
    assert_eq!(
        count,
        refs.len().to_string(),
        "{q}: the count is what is listed: {refs:?}"
    );
    refs
}

fn reference(id: i64) -> String {
    format!("INC-{}-{id:06}", chrono::Utc::now().format("%Y"))
}

both_backends! {
    async fn search_follows_edits_retractions_and_merges(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Duma", "SY0301");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let edited = create_incident(&app, &c, &[("title", "Zebrafish convoy stopped")]).await;
        let retracted = create_incident(&app, &c, &[("title", "Pangolin checkpoint closed")]).await;
        let kept = create_incident(&app, &c, &[("title", "Okapi clinic shelled")]).await;
        let duplicate = create_incident(&app, &c, &[("title", "Okapi clinic hit by shells"), ("narrative", "Wombat ambulance damaged.")]).await;
        assert_eq!(found(&app, &c, "zebrafish").await, [reference(edited)]);
        // A new record is found by its first claim's words too.
        let claimed = create_incident(&app, &c, &[("title", "Convoy turned back"), ("claim_statement", "Our driver saw capybara tracks.")]).await;
        assert_eq!(found(&app, &c, "capybara").await, [reference(claimed)]);

        // An edit: the old words no longer find it, the new ones do.
        let edit = app.get_with(&c, &format!("/incidents/{edited}/edit")).await;
        let mut fields = incident_form(&[("title", "Quokka convoy stopped"), ("version", &edit.input_value("version"))]);
        fields.push(("csrf_token".into(), edit.csrf()));
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let saved = app.post_raw_with(&c, &format!("/incidents/{edited}"), &refs).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(found(&app, &c, "zebrafish").await, Vec::<String>::new(), "the old title is forgotten");
        assert_eq!(found(&app, &c, "quokka").await, [reference(edited)]);

        // A retraction: still found (retraction replaces deletion), marked.
        let show = format!("/incidents/{retracted}");
        let done = app.post_form_with(&c, &show, &format!("{show}/retraction"), &[("reason", "Entered twice.")]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(found(&app, &c, "pangolin").await, [reference(retracted)]);
        let list = app.get_with(&c, "/incidents?q=pangolin").await;
        assert!(list.body.contains("Retracted"), "marked retracted: {}", list.body);

        // A merge: both still found by their own words, the duplicate marked.
        let show = format!("/incidents/{duplicate}");
        let merged = app.post_form_with(&c, &show, &format!("{show}/merge"), &[
            ("merge_into", &reference(kept)), ("merge_reason", "Same clinic, same day."),
        ]).await;
        assert_eq!(merged.status, 303, "{}", merged.body);
        assert_eq!(found(&app, &c, "wombat").await, [reference(duplicate)]);
        let mut both = found(&app, &c, "okapi").await;
        both.sort();
        assert_eq!(both, [reference(kept), reference(duplicate)]);
        assert!(app.get_with(&c, "/incidents?q=wombat").await.body.contains("Merged duplicate"));
        // Every record is still found by its place.
        assert_eq!(found(&app, &c, "douma").await.len(), 5);
    }

    /// A search shows a reporter what the record's page would: another organisation's
    /// confidential records and drafts never, their own always, and it follows a change of
    /// sensitivity, status or organisation made by any writer, plain SQL included (on SQLite
    /// the word index tests the scope itself, from facts kept by trigger). Typed words match
    /// what was written, never that bookkeeping.
    async fn a_search_follows_each_records_scope_as_it_changes(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Duma", "SY0301");
        let own = signed_in(&app, "rana.reporter", Role::Reporter, "SARC").await;
        let other = signed_in(&app, "omar.reporter", Role::Reporter, "MSF").await;
        let coordinator = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let shared = create_incident(&app, &own, &[("title", "Narwhal convoy turned back")]).await;
        let secret = create_incident(&app, &own, &[("title", "Narwhal convoy searched"), ("sensitivity", "confidential")]).await;
        let draft = create_incident(&app, &own, &[("title", "Narwhal convoy delayed"), ("status", "draft")]).await;
        let sorted = |mut refs: Vec<String>| { refs.sort(); refs };
        let all = sorted(vec![reference(shared), reference(secret), reference(draft)]);
        assert_eq!(sorted(found(&app, &own, "narwhal convoy").await), all, "their own, all of them");
        assert_eq!(sorted(found(&app, &coordinator, "narwhal convoy").await), all);
        assert_eq!(found(&app, &other, "narwhal convoy").await, [reference(shared)], "another organisation's: the shared one only");
        assert_eq!(found(&app, &other, "narwhal delayed").await, Vec::<String>::new());

        // Changed by another writer: made confidential, the draft submitted, the secret one
        // handed to the other organisation.
        let msf = app.seed_org("MSF");
        app.sql(&format!(
            "UPDATE incidents SET sensitivity = 'confidential' WHERE id = {shared}; \
             UPDATE incidents SET status = 'submitted' WHERE id = {draft}; \
             UPDATE incidents SET organization_id = {msf} WHERE id = {secret};"
        ))
        .expect("changed");
        assert_eq!(sorted(found(&app, &other, "narwhal convoy").await), sorted(vec![reference(secret), reference(draft)]));
        assert_eq!(sorted(found(&app, &own, "narwhal convoy").await), sorted(vec![reference(shared), reference(draft)]));
        assert_eq!(sorted(found(&app, &coordinator, "narwhal").await), all);

        // The words that mark a hidden record are not the record's words.
        for q in ["hidden", &format!("org{msf}"), "scope"] {
            assert_eq!(found(&app, &coordinator, q).await, Vec::<String>::new(), "{q}");
        }
    }

    async fn search_finds_a_place_by_p_code_and_by_a_latin_other_spelling(app: TestApp) {
        // "Harista" is only an other spelling of Harasta: no admin area bears it.
        seed_place(&app, "Harasta", "Harista\nحرستا", "Duma", "SY0302");
        seed_place(&app, "Douma", "Duma", "Duma", "SY0301");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let harasta = create_incident(&app, &c, &[("title", "Hospital out of service"), ("location", "Harasta")]).await;
        let douma = create_incident(&app, &c, &[]).await;
        assert_eq!(found(&app, &c, "Harista").await, [reference(harasta)]);
        assert_eq!(found(&app, &c, "harista").await, [reference(harasta)]);
        assert_eq!(found(&app, &c, "SY0302").await, [reference(harasta)]);
        assert_eq!(found(&app, &c, "sy0301").await, [reference(douma)]);
        assert_eq!(found(&app, &c, "SY0303").await, Vec::<String>::new());
    }

    /// Matches beyond a gap in the record numbers wider than every stretch PostgreSQL walks
    /// (`incidents::list::newest`) are still found, counted and listed newest first, as on
    /// SQLite, whole words (PostgreSQL's table of words) and prefixes (its walk) alike.
    async fn search_finds_the_newest_matches_across_a_gap_in_the_record_numbers(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Duma", "SY0301");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let mut older = Vec::new();
        for n in 0..3 {
            older.push(create_incident(&app, &c, &[("title", &format!("Narwhal convoy stopped {n}"))]).await);
        }
        create_incident(&app, &c, &[("title", "Ibex clinic closed")]).await;
        // The next record numbers start far above the last.
        app.sql(match app.backend {
            Backend::Sqlite => "UPDATE sqlite_sequence SET seq = 90000 WHERE name = 'incidents'",
            Backend::Postgres => "SELECT setval(pg_get_serial_sequence('incidents', 'id'), 90000)",
        })
        .expect("the numbers jump");
        let newer = [
            create_incident(&app, &c, &[("title", "Narwhal checkpoint closed")]).await,
            create_incident(&app, &c, &[("title", "Ibex convoy turned back")]).await,
            create_incident(&app, &c, &[("title", "Narwhal convoy searched")]).await,
        ];
        assert!(newer[0] > 90_000, "the gap is there: {newer:?}");
        assert!(older.iter().all(|id| *id < 10), "{older:?}");
        // References are numbered apart from the record numbers: in the order recorded.
        let newest_first: Vec<String> = [7, 5, 3, 2, 1].into_iter().map(reference).collect();
        assert_eq!(found(&app, &c, "narwhal").await, newest_first);
        let both_words: Vec<String> = [7, 3, 2, 1].into_iter().map(reference).collect();
        assert_eq!(found(&app, &c, "narwhal convoy").await, both_words);
        assert_eq!(found(&app, &c, "narwh* conv*").await, both_words);
    }
}

both_backends! {
    /// A search that asks nothing but words is one statement over the word index
    /// (`incidents::search::newest_entries`: the index alone for a coordinator, each match's
    /// row read for a reporter's scope); each other filter still narrows what is found.
    async fn a_search_with_other_filters_lists_only_what_matches_them_all(app: TestApp) {
        seed_place(&app, "Douma", "Duma", "Duma", "SY0301");
        crate::incidents::seed_place(&app, "Azaz town", "", "Aleppo", "Azaz");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let who = signed_in(&app, "omar.reporter", Role::Reporter, "WHO").await;
        let plain = create_incident(&app, &c, &[("title", "Narwhal convoy held")]).await;
        let later = create_incident(&app, &c, &[("title", "Narwhal permit refused"), ("category", "interference"), ("occurred_on", "2019-05-01"), ("reported_on", "2019-05-02"), ("claim_date", "2019-05-01")]).await;
        let aleppo = create_incident(&app, &c, &[("title", "Narwhal road cut"), ("location", "Azaz town")]).await;
        let draft = create_incident(&app, &c, &[("title", "Narwhal clinic closed"), ("status", "draft")]).await;
        let secret = create_incident(&app, &c, &[("title", "Narwhal staff detained"), ("sensitivity", "confidential")]).await;
        let theirs = create_incident(&app, &who, &[("title", "Narwhal ambulance stopped")]).await;
        create_incident(&app, &c, &[("title", "Ibex convoy held")]).await;
        let refs = |ids: &[i64]| -> Vec<String> { ids.iter().copied().map(reference).collect() };
        for (filters, expected) in [
            ("", refs(&[theirs, secret, draft, aleppo, later, plain])),
            ("&category=interference", refs(&[later])),
            ("&from=2019-01-01", refs(&[later])),
            ("&to=2018-12-31", refs(&[theirs, secret, draft, aleppo, plain])),
            ("&admin1=Aleppo", refs(&[aleppo])),
            ("&admin2=Duma", refs(&[theirs, secret, draft, later, plain])),
            ("&status=draft", refs(&[draft])),
            ("&sensitivity=confidential", refs(&[secret])),
            ("&sensitivity=public", refs(&[])),
        ] {
            assert_eq!(found_where(&app, &c, "narwhal", filters).await, expected, "narwhal{filters}");
        }
        // And the reporter, whose scope is read with each match: not OCHA's draft or secret.
        assert_eq!(found(&app, &who, "narwhal").await, refs(&[theirs, aleppo, later, plain]));
    }
}

postgres_only! {
    /// On PostgreSQL, words common in older records but missing from the newest ones, each
    /// record's words written by plain SQL. Whole words are read newest first from the table of
    /// words, which its trigger keeps for any writer (`incidents::search::Slices`); a prefix
    /// beside them is tested on the records of each slice of the table's matches, as is another
    /// filter. Prefixes alone are tested record by record, walking the newest: the first
    /// stretch finds too few, so how many matches the word index would read is gauged
    /// (`incidents::search::matches_at_most`): before `ANALYZE` has run, not at all, and the walk
    /// goes on as far as eight first stretches; after, from the statistics, as far as the index
    /// would read. Every way, the thousand newest matches are listed newest first, counted as
    /// more than a thousand; and a record whose words are rewritten by SQL is found by its new
    /// words only.
    async fn common_words_below_newer_records_without_them() {
        let app = crate::helpers::spawn_app(Backend::Postgres).await;
        seed_place(&app, "Douma", "Duma", "Duma", "SY0301");
        let c = signed_in(&app, "layla.coordinator", Role::Coordinator, "OCHA").await;
        let first = create_incident(&app, &c, &[("title", "Narwhal convoy stopped")]).await;
        // 4,100 copies of it (more than the index is asked for at once), then 3,000 record
        // numbers (more than the first stretch) before the newest records.
        // No statistics until asked for below.
        app.sql("ALTER TABLE incidents SET (autovacuum_enabled = false)")
            .expect("no statistics");
        app.sql(&format!(
            "CREATE TEMP TABLE copies AS SELECT i.* FROM incidents i, generate_series(1, 4100) \
               WHERE i.id = {first}; \
             UPDATE copies SET id = nextval(pg_get_serial_sequence('incidents', 'id')); \
             UPDATE copies SET reference = 'INC-1999-' || lpad(id::text, 6, '0'); \
             INSERT INTO incidents SELECT * FROM copies; \
             SELECT setval(pg_get_serial_sequence('incidents', 'id'), \
               (SELECT max(id) FROM copies) + 3000);"
        ))
        .expect("copies and a gap");
        let copied_last = first + 4_100;
        let newer = [
            create_incident(&app, &c, &[("title", "Narwhal convoy searched")]).await,
            create_incident(&app, &c, &[("title", "Ibex convoy turned back")]).await,
            create_incident(&app, &c, &[("title", "Narwhal convoy held")]).await,
        ];
        assert!(
            newer[0] > copied_last + 3_000,
            "the gap is there: {newer:?}"
        );

        let page = |q: &'static str, n: usize| {
            let app = &app;
            let c = &c;
            async move {
                let page = app
                    .get_with(c, &format!("/incidents?q={q}&page={n}"))
                    .await;
                assert_eq!(page.status, 200, "{}", page.body);
                assert!(
                    page.body.contains("More than 1,000 incidents match"),
                    "{}",
                    page.body
                );
                page.body
                    .match_indices(">INC-")
                    .map(|(i, _)| page.body[i + 1..i + 16].to_string())
                    .collect::<Vec<_>>()
            }
        };
        let copy = |id: i64| format!("INC-1999-{id:06}");
        // Newest first: the two newer matches (references counted apart from record numbers),
        // then the copies from the last one down, with none skipped.
        let expected_first: Vec<String> = [reference(4), reference(2)]
            .into_iter()
            .chain((0..48).map(|n| copy(copied_last - n)))
            .collect();
        for gauged_by in ["asking the index", "the statistics"] {
            for q in ["narwhal+convoy", "narwhal+conv*", "narw*+conv*"] {
                assert_eq!(page(q, 1).await, expected_first, "{q}, {gauged_by}");
                // The thousandth newest match ends the last page.
                let last = page(q, 20).await;
                assert_eq!(last.len(), 50, "{q}, {gauged_by}: {last:?}");
                assert_eq!(last.last(), Some(&copy(copied_last - 997)), "{q}, {gauged_by}");
            }
            app.sql("ANALYZE incidents").expect("statistics");
        }

        // Another filter that one copy in three passes, and none of the newer records: the
        // matches of the words are read a slice at a time, each slice's records then tested by
        // their record numbers, slices growing as the share passing says
        // (`incidents::list::newest`).
        app.sql(&format!(
            "UPDATE incidents SET category = 'interference' \
              WHERE id > {first} AND id <= {copied_last} AND id % 3 = 0"
        ))
        .expect("one copy in three of another category");
        let interference: Vec<String> = (first + 1..=copied_last)
            .rev()
            .filter(|id| id % 3 == 0)
            .map(copy)
            .collect();
        for q in [
            "narwhal+convoy&category=interference",
            "narwhal+conv*&category=interference",
            "narw*+conv*&category=interference",
        ] {
            assert_eq!(page(q, 1).await, interference[..50], "{q}");
            let last = page(q, 20).await;
            assert_eq!(last, interference[950..1000], "{q}");
        }

        // Words rewritten by SQL: the newest copy is found by its new word, and no longer by
        // the old ones.
        app.sql(&format!(
            "UPDATE incidents SET search_vector = to_tsvector('english', 'Axolotl convoy') \
              WHERE id = {copied_last}"
        ))
        .expect("words rewritten");
        assert_eq!(found(&app, &c, "axolotl convoy").await, [copy(copied_last)]);
        let first_page = page("narwhal+convoy", 1).await;
        assert_eq!(first_page[2], copy(copied_last - 1), "{first_page:?}");

        // The gauge itself: the rarest listed word's share of the records, none for a word
        // missing from the statistics' common words, nothing known for prefixes alone.
        let db = app.db();
        let mut conn = db.conn().unwrap();
        let top = newer[2];
        let gauge =
            |conn: &mut _, q: &str| search::matches_at_most(conn, &search::terms(q), top).unwrap();
        let both = gauge(&mut conn, "narwhal convoy").expect("statistics");
        assert!((4_000..=top).contains(&both), "{both} of {top}");
        for rare in ["ibex", "narwhal ibex"] {
            let n = gauge(&mut conn, rare);
            assert!(
                matches!(n, Some(0..=10)),
                "{rare}, one record in seven thousand: {n:?}"
            );
        }
        assert_eq!(gauge(&mut conn, "narwh* conv*"), None);
    }
}
