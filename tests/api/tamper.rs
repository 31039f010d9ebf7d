//! Tampering by someone who can write to the database but does not hold the signing key:
//! each row of the table in the issue, performed on a real database of each backend, and
//! named by `corridor audit verify`. An untouched database verifies, also with the public
//! key alone.

use corridor::audit::checkpoint::{self, Signer};
use corridor::audit::AuditEvent;
use corridor::db::schema::{audit_chain_head, audit_events};
use corridor::domain::Role;
use diesel::prelude::*;

use crate::audit::mixed_workload;
use crate::convoys::{create_convoy, places};
use crate::helpers::{Backend, TestApp};
use crate::incidents::create_incident;

/// The mixed workload, an incident, a convoy and a need, then a signed checkpoint of it all.
/// Returns the incident's id.
async fn signed_workload(app: &TestApp) -> i64 {
    mixed_workload(app).await;
    places(app);
    app.seed_user("cyrus.coordinator", Role::Coordinator, "Mercy Relief");
    let coordinator = app.signed_in("cyrus.coordinator").await;
    let incident = create_incident(app, &coordinator, &[]).await;
    create_convoy(app, &coordinator, &[]).await;
    let need = app
        .post_form_with(
            &coordinator,
            "/needs/new",
            "/needs",
            &[
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
            ],
        )
        .await;
    assert_eq!(need.status, 303, "need: {}", need.body);
    sign_now(app);
    incident
}

/// `corridor audit checkpoint`: signs the head now.
fn sign_now(app: &TestApp) {
    let out = app.command(&["audit", "checkpoint"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `corridor audit verify` with `args`: its exit code and what it printed.
pub fn verify_with(app: &TestApp, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["audit", "verify"];
    all.extend_from_slice(args);
    let out = app.command(&all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "nothing on standard error: {stderr}");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Verification fails, and its first line names `check` and says `words`.
fn assert_named(app: &TestApp, check: &str, words: &[&str]) -> String {
    let (code, stdout) = verify_with(app, &[]);
    assert_eq!(code, Some(1), "tampering must fail verification: {stdout}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("Audit trail BROKEN ({check}): ")),
        "expected the {check} check to fail first: {stdout}"
    );
    for w in words {
        assert!(first.contains(w), "expected '{w}' in: {first}");
    }
    stdout
}

/// The public key the server signs with (from its key file).
fn public_key(app: &TestApp) -> String {
    server_signer(app).public_key()
}

/// A signer with the server's key (from its key file), as a second server would hold it.
fn server_signer(app: &TestApp) -> Signer {
    let hex_seed = std::fs::read_to_string(app.data_dir.join("audit-signing.key")).unwrap();
    let seed: [u8; 32] = hex::decode(hex_seed.trim()).unwrap().try_into().unwrap();
    Signer::new(&seed, app.data_dir.join("audit-checkpoints.log"))
}

/// Every append-only trigger, as the migrations create them: (drop, create) statements.
fn triggers(backend: Backend) -> (&'static str, &'static str) {
    match backend {
        Backend::Sqlite => (
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete; \
             DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete; \
             DROP TRIGGER revisions_no_update; DROP TRIGGER revisions_no_delete;",
            "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END; \
             CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END; \
             CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'x'); END; \
             CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'x'); END; \
             CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions BEGIN SELECT RAISE(ABORT, 'x'); END; \
             CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions BEGIN SELECT RAISE(ABORT, 'x'); END;",
        ),
        Backend::Postgres => (
            "DROP TRIGGER audit_events_no_update_delete ON audit_events; \
             DROP TRIGGER audit_events_no_truncate ON audit_events; \
             DROP TRIGGER audit_checkpoints_no_update_delete ON audit_checkpoints; \
             DROP TRIGGER audit_checkpoints_no_truncate ON audit_checkpoints; \
             DROP TRIGGER revisions_no_update_delete ON revisions; \
             DROP TRIGGER revisions_no_truncate ON revisions;",
            "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only(); \
             CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only(); \
             CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION corridor_append_only(); \
             CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION corridor_append_only(); \
             CREATE TRIGGER revisions_no_update_delete BEFORE UPDATE OR DELETE ON revisions FOR EACH ROW EXECUTE FUNCTION corridor_append_only(); \
             CREATE TRIGGER revisions_no_truncate BEFORE TRUNCATE ON revisions FOR EACH STATEMENT EXECUTE FUNCTION corridor_append_only();",
        ),
    }
}

/// Runs `tamper` with every append-only trigger out of the way, then puts the triggers back,
/// as a careful tamperer would (so that only what `tamper` did can give it away).
fn behind_the_triggers(app: &TestApp, tamper: impl FnOnce(&mut corridor::db::DbConn)) {
    let (remove, create) = triggers(app.backend);
    app.sql(remove).expect("drop triggers");
    let db = app.db();
    let mut conn = db.conn().unwrap();
    tamper(&mut conn);
    drop(conn);
    app.sql(create).expect("create triggers again");
}

fn events(conn: &mut corridor::db::DbConn) -> Vec<AuditEvent> {
    audit_events::table
        .order(audit_events::id.asc())
        .select(AuditEvent::as_select())
        .load(conn)
        .unwrap()
}

/// Re-links and rehashes every event from `from` on, and sets the head to the last: what
/// the 40 lines of Python in the review did.
fn rehash_from(conn: &mut corridor::db::DbConn, from: i64) {
    let all = events(conn);
    let mut prev = corridor::audit::GENESIS_HASH.to_string();
    for mut e in all {
        if e.id >= from {
            e.prev_hash = prev.clone();
            e.hash = e.compute_hash();
            diesel::update(audit_events::table.find(e.id))
                .set((
                    audit_events::actor_label.eq(&e.actor_label),
                    audit_events::details.eq(&e.details),
                    audit_events::prev_hash.eq(&e.prev_hash),
                    audit_events::hash.eq(&e.hash),
                ))
                .execute(conn)
                .unwrap();
        }
        prev = e.hash.clone();
        diesel::update(audit_chain_head::table.find(1))
            .set((
                audit_chain_head::last_id.eq(e.id),
                audit_chain_head::last_hash.eq(&e.hash),
            ))
            .execute(conn)
            .unwrap();
    }
}

both_backends! {
    async fn an_untouched_database_verifies_every_check_also_with_the_public_key_alone(app: TestApp) {
        signed_workload(&app).await;
        let (code, stdout) = verify_with(&app, &[]);
        assert_eq!(code, Some(0), "{stdout}");
        assert!(stdout.starts_with("Audit trail intact: every check holds.\n"), "{stdout}");
        for check in ["append-only triggers", "audit chain", "signed checkpoints", "revisions",
            "records", "accounts"] {
            assert!(stdout.contains(&format!("  ok     {check}: ")), "{check}: {stdout}");
        }
        let events = app.count("audit_events");
        assert!(stdout.contains(&format!("{events} events checked, in order")), "{stdout}");
        // What it covered, in numbers: 3 records (incident, convoy, need), every revision.
        assert!(stdout.contains("3 incidents, convoys and needs"), "{stdout}");
        let revisions = app.count("revisions");
        assert!(stdout.contains(&format!("{revisions} revisions, each matching")), "{stdout}");
        assert!(stdout.contains(&format!("all signed by key {}", public_key(&app))), "{stdout}");

        // An auditor with nothing but the public key and a copy of the checkpoint file, in a
        // folder of their own (no signing key anywhere near).
        let elsewhere = tempfile::tempdir().unwrap();
        let log = app.data_dir.join("audit-checkpoints.log");
        let url = match &app.database {
            corridor::db::DatabaseUrl::Sqlite(p) => p.to_string_lossy().into_owned(),
            corridor::db::DatabaseUrl::Postgres(u) => u.clone(),
        };
        let auditor = |key: &str| std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
            .args(["audit", "verify", "--public-key", key, "--checkpoint-file", log.to_str().unwrap()])
            .env("CORRIDOR_DATABASE_URL", &url)
            .env("CORRIDOR_DATA_DIR", elsewhere.path())
            .output()
            .unwrap();
        let out = auditor(&public_key(&app));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(text.contains(&format!("all signed by key {}", public_key(&app))), "{text}");
        // Another key (the auditor's folder has one of its own by now) does not vouch for it.
        let other = Signer::new(&[7; 32], log.clone()).public_key();
        let out = auditor(&other);
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.starts_with("Audit trail BROKEN (signed checkpoints): "), "{text}");
        assert!(text.contains("is not signed by the trusted key"), "{text}");
        let out = auditor("not-a-key");
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--public-key: a public key is 64 hexadecimal characters"));
    }

    async fn the_demonstration_and_synthetic_data_verify(app: TestApp) {
        // Every kind of write the demonstration makes (merges, convoys with deliveries,
        // needs met), and revisions loaded in bulk, each batch sealed by one digest.
        let loaded = app.command(&["demo", "--synthetic", "300", "--seed", "5"]);
        assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
        assert!(app.count_where("audit_events", "action = 'revision.seal'") >= 2);
        let (code, stdout) = verify_with(&app, &[]);
        assert_eq!(code, Some(0), "{stdout}");
        // A revision of the bulk load rewritten is still found.
        behind_the_triggers(&app, |conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("UPDATE revisions SET reason = 'backdated' WHERE id = (SELECT MAX(id) FROM revisions WHERE entity_type = 'need')").unwrap();
        });
        assert_named(&app, "revisions", &["sealed by audit event", "were changed, removed or added since"]);
    }

    async fn an_event_changed_with_its_hashes_left_as_they_were_is_named(app: TestApp) {
        signed_workload(&app).await;
        let k = app.count("audit_events") / 2;
        behind_the_triggers(&app, |conn| {
            diesel::update(audit_events::table.find(k))
                .set(audit_events::details.eq("{\"forged\":true}"))
                .execute(conn)
                .unwrap();
        });
        assert_named(&app, "audit chain", &[&format!("at event {k}: its contents were altered")]);
    }

    async fn deleting_the_newest_or_a_middle_event_is_named(app: TestApp) {
        signed_workload(&app).await;
        let n = app.count("audit_events");
        behind_the_triggers(&app, |conn| {
            diesel::delete(audit_events::table.find(n)).execute(conn).unwrap();
        });
        assert_named(&app, "audit chain", &[&format!("at event {n}: the chain does not end at the recorded head")]);
        behind_the_triggers(&app, |conn| {
            diesel::delete(audit_events::table.find(n / 2)).execute(conn).unwrap();
        });
        assert_named(&app, "audit chain", &[&format!("at event {}: an event before it is missing", n / 2 + 1)]);
    }

    async fn an_event_rewritten_with_every_later_hash_and_the_head_recomputed_fails_its_checkpoint(app: TestApp) {
        signed_workload(&app).await;
        let n = app.count("audit_events");
        let k = n / 2;
        behind_the_triggers(&app, |conn| {
            diesel::update(audit_events::table.find(k))
                .set((
                    audit_events::actor_label.eq("someone.else"),
                    audit_events::details.eq("{\"forged\":true}"),
                ))
                .execute(conn)
                .unwrap();
            rehash_from(conn, k);
        });
        // The chain itself is consistent again; only the signature gives it away.
        let stdout = assert_named(&app, "signed checkpoints", &[&format!("event {n} is not the event signed"), "was rewritten"]);
        assert!(stdout.contains("  ok     audit chain: "), "{stdout}");
        // The server refuses to sign the rewritten trail: that would launder it.
        let out = app.command(&["audit", "checkpoint"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("audit checkpoint refused"));
    }

    async fn deleting_the_newest_event_and_updating_the_head_fails_its_checkpoint(app: TestApp) {
        signed_workload(&app).await;
        let n = app.count("audit_events");
        behind_the_triggers(&app, |conn| {
            diesel::delete(audit_events::table.find(n)).execute(conn).unwrap();
            rehash_from(conn, n);
        });
        assert_named(&app, "signed checkpoints", &[&format!("covers {n} events, but the trail holds only {}: events were removed", n - 1)]);
    }

    async fn deleting_an_event_renumbering_the_rest_and_rehashing_fails_its_checkpoint(app: TestApp) {
        signed_workload(&app).await;
        let n = app.count("audit_events");
        let k = n / 2;
        behind_the_triggers(&app, |conn| {
            diesel::delete(audit_events::table.find(k)).execute(conn).unwrap();
            for id in k + 1..=n {
                diesel::update(audit_events::table.find(id))
                    .set(audit_events::id.eq(id - 1))
                    .execute(conn)
                    .unwrap();
            }
            rehash_from(conn, k);
        });
        assert_eq!(app.count("audit_events"), n - 1);
        assert_named(&app, "signed checkpoints", &["events were removed"]);
    }

    async fn deleting_every_event_and_resetting_the_head_fails_the_checkpoints_even_with_them_deleted(app: TestApp) {
        signed_workload(&app).await;
        behind_the_triggers(&app, |conn| {
            diesel::delete(audit_events::table).execute(conn).unwrap();
            diesel::update(audit_chain_head::table.find(1))
                .set((
                    audit_chain_head::last_id.eq(0),
                    audit_chain_head::last_hash.eq(corridor::audit::GENESIS_HASH),
                ))
                .execute(conn)
                .unwrap();
        });
        assert_named(&app, "signed checkpoints", &["but the trail holds only 0: events were removed"]);
        // Removing the checkpoints too leaves the checkpoint file outside the database.
        behind_the_triggers(&app, |conn| {
            diesel::delete(corridor::db::schema::audit_checkpoints::table).execute(conn).unwrap();
        });
        assert_named(&app, "signed checkpoints", &["in the checkpoint file", "events were removed"]);
    }

    async fn an_event_inserted_with_id_0_is_named(app: TestApp) {
        signed_workload(&app).await;
        let db = app.db();
        let mut conn = db.conn().unwrap();
        let mut first = events(&mut conn).remove(0);
        first.id = 0;
        first.details = "{\"note\":\"inserted\"}".into();
        first.hash = first.compute_hash();
        diesel::insert_into(audit_events::table).values(&first).execute(&mut conn).unwrap();
        assert_named(&app, "audit chain", &["at event 0: it is numbered before the first event"]);
    }

    async fn dropped_append_only_triggers_are_named(app: TestApp) {
        signed_workload(&app).await;
        let sql = match app.backend {
            Backend::Sqlite => "DROP TRIGGER revisions_no_delete",
            Backend::Postgres => "DROP TRIGGER revisions_no_update_delete ON revisions",
        };
        app.sql(sql).unwrap();
        assert_named(&app, "append-only triggers", &["revisions_no_", "was removed or disabled"]);
        // A trigger put back that no longer refuses anything counts as removed.
        let neutered = match app.backend {
            Backend::Sqlite => "DROP TRIGGER audit_events_no_update; \
                CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT 1; END;",
            Backend::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete",
        };
        app.sql(neutered).unwrap();
        assert_named(&app, "append-only triggers", &["audit_events_no_"]);
    }

    async fn a_changed_narrative_or_sensitivity_is_named(app: TestApp) {
        let incident = signed_workload(&app).await;
        app.sql(&format!("UPDATE incidents SET narrative = 'Nothing happened.' WHERE id = {incident}")).unwrap();
        assert_named(&app, "records", &["incident INC-", &format!("(id {incident}): its narrative is \"Nothing happened.\""),
            "its latest revision recorded"]);
        app.sql(&format!("UPDATE incidents SET narrative = 'Nine trucks were stopped for nine hours; medical items were removed.', sensitivity = 'public' WHERE id = {incident}")).unwrap();
        assert_named(&app, "records", &["its sensitivity is \"public\"", "recorded \"restricted\""]);
    }

    async fn an_incident_deleted_with_its_claims_and_revisions_is_named(app: TestApp) {
        let incident = signed_workload(&app).await;
        behind_the_triggers(&app, |conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute(&format!(
                "DELETE FROM claims WHERE incident_id = {incident}; \
                 DELETE FROM convoy_incidents WHERE incident_id = {incident}; \
                 DELETE FROM revisions WHERE entity_type = 'incident' AND entity_id = {incident}; \
                 DELETE FROM incidents WHERE id = {incident};"
            )).unwrap();
        });
        assert_eq!(app.count_where("incidents", &format!("id = {incident}")), 0);
        assert_named(&app, "revisions", &["is missing (removed)"]);
    }

    async fn a_rewritten_revision_is_named(app: TestApp) {
        let incident = signed_workload(&app).await;
        behind_the_triggers(&app, |conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute(&format!(
                "UPDATE revisions SET snapshot = replace(snapshot, 'Nine trucks', 'No trucks') \
                 WHERE entity_type = 'incident' AND entity_id = {incident}"
            )).unwrap();
        });
        assert_named(&app, "revisions", &[&format!("of incident {incident}"), "differs from what audit event", "(rewritten)"]);
    }

    async fn a_revision_slipped_in_is_named(app: TestApp) {
        let incident = signed_workload(&app).await;
        app.sql(&format!(
            "INSERT INTO revisions (entity_type, entity_id, revision_no, action, reason, changes, snapshot, actor_user_id, actor_label, created_at) \
             SELECT entity_type, entity_id, revision_no + 10, action, 'backdated', changes, snapshot, actor_user_id, actor_label, created_at \
             FROM revisions WHERE entity_type = 'incident' AND entity_id = {incident} AND revision_no = 1"
        )).unwrap();
        assert_named(&app, "revisions", &["is not recorded in the audit trail (added outside Corridor)"]);
    }

    async fn a_role_changed_in_the_database_is_named(app: TestApp) {
        signed_workload(&app).await;
        app.sql("UPDATE users SET role = 'coordinator' WHERE username = 'rania.reporter'").unwrap();
        assert_named(&app, "accounts", &["account 'rania.reporter'", "its role is coordinator, the audit trail last recorded reporter"]);
        app.sql("UPDATE users SET role = 'reporter', disabled_at = NULL WHERE username = 'rania.reporter'").unwrap();
        assert_eq!(verify_with(&app, &[]).0, Some(0), "as it was, it verifies again");
        app.sql("UPDATE users SET disabled_at = created_at WHERE username = 'adam.admin'").unwrap();
        assert_named(&app, "accounts", &["account 'adam.admin'", "it is disabled, the audit trail last recorded it enabled"]);
    }

    async fn a_checkpoint_forged_with_another_key_is_named(app: TestApp) {
        signed_workload(&app).await;
        // A valid signature, but by a key the server does not hold.
        let forger = Signer::new(&[9; 32], app.data_dir.join("forged.log"));
        let forged_db = corridor::db::DatabaseUrl::parse(&match &app.database {
            corridor::db::DatabaseUrl::Sqlite(p) => p.to_string_lossy().into_owned(),
            corridor::db::DatabaseUrl::Postgres(u) => u.clone(),
        }).unwrap();
        let mut conn = forged_db.connect().unwrap();
        // With the table empty of checkpoints by the forger's key, take() starts afresh.
        behind_the_triggers(&app, |c| {
            diesel::delete(corridor::db::schema::audit_checkpoints::table).execute(c).unwrap();
        });
        checkpoint::take(&mut conn, &forger, checkpoint::Reason::Manual).unwrap().expect("forged");
        assert_named(&app, "signed checkpoints", &["is not signed by the trusted key: it was forged or altered"]);
        // And the server will not continue from a checkpoint it did not sign.
        let out = app.command(&["audit", "checkpoint"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("is not signed by this server's key"));
    }

    async fn servers_sharing_a_database_sign_one_checkpoint_per_minute(app: TestApp) {
        mixed_workload(&app).await;
        let db = app.db();
        let signer = server_signer(&app);
        // Two servers with the same key: the first in a minute signs, the second finds the
        // minute taken (or nothing new) and signs nothing. Retried if the minute turns over
        // between the two.
        let minute = || chrono::Utc::now().timestamp() / 60;
        for _ in 0..3 {
            let at_start = minute();
            let mut a = db.conn().unwrap();
            let first = checkpoint::take(&mut a, &signer, checkpoint::Reason::Periodic).unwrap();
            app.seed_org(&format!("Org {}", rand::random::<u32>()));
            let mut b = db.conn().unwrap();
            let second = checkpoint::take(&mut b, &signer, checkpoint::Reason::Periodic).unwrap();
            if minute() != at_start {
                continue;
            }
            // This server's own task may have signed the minute already: either way, one.
            assert!(first.is_none() || second.is_none(), "two periodic checkpoints in one minute");
            assert_eq!(app.count_where("audit_checkpoints", &format!("interval_key = {at_start}")), 1);
            // A backup's checkpoint is not bound to the minute.
            let backup = checkpoint::take(&mut b, &signer, checkpoint::Reason::Backup).unwrap();
            assert_eq!(backup.expect("signed").events, app.count("audit_events"));
            return;
        }
        panic!("the minute turned over three times");
    }
}

both_backends! {
    async fn the_audit_page_shows_the_public_key_and_the_latest_checkpoint(app: TestApp) {
        signed_workload(&app).await;
        let auditor = app.signed_in("aziz.auditor").await;
        let page = app.get_with(&auditor, "/audit").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&format!("<code id=\"public-key\">{}</code>", public_key(&app))), "{}", page.body);
        let db = app.db();
        let mut conn = db.conn().unwrap();
        // The latest checkpoint (the server's own task may sign another meanwhile).
        let signed = checkpoint::batch_after(&mut conn, 0, 1000).unwrap();
        assert!(signed.iter().any(|c| page.body.contains(&c.head_hash)), "{}", page.body);
        let checked = app.get_with(&auditor, "/audit?verify=1").await;
        assert!(checked.body.contains("Every check holds"), "{}", checked.body);
        // The situation report prints them in its footer, beside its own digest.
        let coordinator = app.signed_in("cyrus.coordinator").await;
        let report = app.get_with(&coordinator, "/reports/situation").await;
        assert_eq!(report.status, 200);
        assert!(report.body.contains(&format!("id=\"audit-key\">{}</code>", public_key(&app))), "{}", report.body);
        let signed = checkpoint::batch_after(&mut conn, 0, 1000).unwrap();
        assert!(signed.iter().any(|c| report.body.contains(&format!("<code class=\"digest\">{}</code>", c.head_hash))),
            "{}", report.body);
        app.sql("UPDATE users SET role = 'admin' WHERE username = 'rania.reporter'").unwrap();
        let checked = app.get_with(&auditor, "/audit?verify=1").await;
        assert!(checked.body.contains("its role is admin, the audit trail last recorded reporter"), "{}", checked.body);
    }
}

#[actix_web::test]
async fn every_backup_carries_a_signed_checkpoint_written_beside_it_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    signed_workload(&app).await;
    let backup = app.data_dir.join("backup.db");
    let out = app.command(&["backup", backup.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let beside = app.data_dir.join("backup.db.checkpoint.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&beside).unwrap()).unwrap();
    assert_eq!(doc["public_key"], public_key(&app));
    let events = app.count("audit_events");
    assert_eq!(doc["checkpoint"]["events"], events);
    assert_eq!(doc["checkpoint"]["reason"], "backup");
    assert!(
        stdout.contains(&format!("Signed checkpoint: {events} events")),
        "{stdout}"
    );
    // The checkpoint is inside the copy too, and the copy verifies on its own.
    let copy = corridor::db::DatabaseUrl::Sqlite(backup.clone())
        .connect()
        .unwrap();
    drop(copy);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let db = match &app.database {
        corridor::db::DatabaseUrl::Sqlite(p) => p.clone(),
        _ => unreachable!(),
    };
    for file in [
        db.clone(),
        db.with_extension("db-wal"),
        backup,
        app.data_dir.join("audit-signing.key"),
        app.data_dir.join("audit-checkpoints.log"),
    ] {
        assert_eq!(
            mode(&file),
            0o600,
            "{} is readable by others",
            file.display()
        );
    }
}
