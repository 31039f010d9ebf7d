//! Evidence files with a chain of custody, over HTTP on both backends: uploads kept under
//! their SHA-256 and recorded in the audit trail, refusals that keep the form, retraction,
//! purge, `corridor audit verify` over the stored files, the evidence bundle checked offline,
//! and confidentiality of a file on a record others may see.

use corridor::domain::Role;

use crate::helpers::{Page, TestApp};
use crate::incidents::{create_incident, signed_in};

/// A small JPEG-looking file: the JPEG/JFIF signature, then text to find it by.
pub fn jpeg(text: &str) -> Vec<u8> {
    let mut b = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    b.extend_from_slice(text.as_bytes());
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

/// A minimal PDF carrying `text`.
pub fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Title ({text}) >> endobj\n%%EOF\n").into_bytes()
}

pub const BOUNDARY: &str = "----corridor-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body: the CSRF token first (as our forms send it), then `fields`,
/// then each file under the field name `files`.
pub fn multipart_body(token: &str, fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> Vec<u8> {
    multipart_named(token, fields, "files", files)
}

/// The same, with the files under the field name `file_field`.
pub fn multipart_named(
    token: &str,
    fields: &[(&str, &str)],
    file_field: &str,
    files: &[(&str, &[u8])],
) -> Vec<u8> {
    let mut body = Vec::new();
    let text = |name: &str, value: &str, body: &mut Vec<u8>| {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    };
    text("csrf_token", token, &mut body);
    for (name, value) in fields {
        text(name, value, &mut body);
    }
    for (filename, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads `files` to the record at `record` (e.g. `/incidents/3`) from its files page.
pub async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    record: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Page {
    let token = app.get_with(c, &format!("{record}/files")).await.csrf();
    let res = c
        .post(app.url(&format!("{record}/files")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart_body(&token, fields, files))
        .send()
        .await
        .expect("upload");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Page {
        status,
        location,
        headers,
        body: res.text().await.unwrap_or_default(),
    }
}

/// The bytes of a GET (downloads are binary).
pub async fn bytes(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = c.get(app.url(path)).send().await.expect("GET");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.expect("body").to_vec())
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Where the folder store keeps a blob.
fn blob_path(app: &TestApp, sha: &str) -> std::path::PathBuf {
    app.data_dir.join("evidence").join(&sha[..2]).join(sha)
}

fn small_limit(raw: &mut corridor::config::RawSettings) {
    raw.evidence.evidence_max_mb = Some("1".into());
}

both_backends! {
    async fn an_upload_is_kept_under_its_hash_and_recorded_in_the_audit_trail(app: TestApp)
    where settings = small_limit;
    {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[]).await;
        let form = app.get_with(&sarc, &format!("/incidents/{id}/files")).await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("Each file may be at most 1.0 MB"), "the limit is stated before upload: {}", form.body);
        assert!(form.body.contains("enctype=\"multipart/form-data\""));

        let photo = jpeg("checkpoint at the Wafideen crossing");
        let letter = pdf("Denial letter of the governorate");
        let page = upload(&app, &sarc, &format!("/incidents/{id}"),
            &[("caption", "Trucks held at the checkpoint"), ("made_on", "2018-02-26"), ("sensitivity", "")],
            &[("checkpoint.jpg", &photo), ("denial.pdf", &letter)]).await;
        assert_eq!(page.status, 303, "{}", page.body);

        let list = app.get_with(&sarc, &format!("/incidents/{id}/files")).await;
        for expected in [sha256(&photo), sha256(&letter), "Trucks held at the checkpoint".into(), "image/jpeg".into(), "application/pdf".into()] {
            assert!(list.body.contains(&expected), "the list shows {expected}");
        }
        // Hash, size, type, record and uploader are in the audit trail, with the row.
        assert_eq!(app.count("evidence_files"), 2);
        let recorded = app.count_where("audit_events", &format!(
            "action = 'evidence.attach' AND details LIKE '%{}%' AND details LIKE '%\"size\":{}%' AND details LIKE '%image/jpeg%' AND actor_label = 'sarc.reporter'",
            sha256(&photo), photo.len()));
        assert_eq!(recorded, 1, "the custody facts are in the audit trail");
        assert_eq!(app.count_where("revisions", &format!("entity_type = 'incident' AND entity_id = {id} AND action = 'evidence'")), 2);
        let history = app.get_with(&sarc, &format!("/incidents/{id}/history")).await;
        assert!(history.body.contains("Evidence file added"), "{}", history.body);
        assert!(blob_path(&app, &sha256(&photo)).exists(), "stored under its SHA-256");

        // A download is always an attachment, never sniffed, byte for byte what was sent.
        let (status, headers, body) = bytes(&app, &sarc, "/files/1").await;
        assert_eq!(status, 200);
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with("attachment;") && disposition.contains("checkpoint.jpg"), "{disposition}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(body, photo);

        let out = app.command(&["audit", "verify"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("2 evidence files"), "{text}");
    }

    async fn a_disguised_executable_and_an_oversize_file_are_refused_with_the_form_kept(app: TestApp)
    where settings = small_limit;
    {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[]).await;
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0payload".to_vec();
        let page = upload(&app, &sarc, &format!("/incidents/{id}"),
            &[("caption", "Photo from the field team"), ("made_on", "2018-02-27"), ("sensitivity", "confidential")],
            &[("photo.jpg", &elf)]).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(page.body.contains("This kind of file is not accepted"), "{}", page.body);
        assert!(page.body.contains("photo.jpg"), "the refused file is named");
        assert!(page.body.contains("Photo from the field team"), "the caption is kept");
        assert!(page.body.contains("value=\"2018-02-27\""), "the date is kept");
        assert!(page.body.contains("value=\"confidential\" selected"), "the sensitivity is kept");

        let mut big = jpeg("video still");
        big.resize(1_200_000, 7);
        let page = upload(&app, &sarc, &format!("/incidents/{id}"),
            &[("caption", "Long recording of the convoy"), ("made_on", ""), ("sensitivity", "")],
            &[("recording.jpg", &big)]).await;
        assert_eq!(page.status, 422, "{}", page.body);
        assert!(page.body.contains("larger than the limit stated above"), "{}", page.body);
        assert!(page.body.contains("Long recording of the convoy"), "the caption is kept");

        // A form with a good file and a bad one keeps neither; nothing is left on disk.
        let photo = jpeg("fine");
        let page = upload(&app, &sarc, &format!("/incidents/{id}"), &[("caption", "")], &[("a.jpg", &photo), ("b.jpg", &elf)]).await;
        assert_eq!(page.status, 422);
        assert_eq!(app.count("evidence_files"), 0);
        assert_eq!(app.count_where("audit_events", "action = 'evidence.attach'"), 0);
        let incoming = std::fs::read_dir(app.data_dir.join("evidence/incoming")).unwrap().count();
        assert_eq!(incoming, 0, "refused uploads leave nothing behind");
        assert!(!blob_path(&app, &sha256(&photo)).exists());

        // No file chosen at all.
        let page = upload(&app, &sarc, &format!("/incidents/{id}"), &[("caption", "Nothing")], &[("", b"")]).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("Choose at least one file"), "{}", page.body);
    }

    async fn retraction_hides_a_file_and_a_purge_keeps_its_hash(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let coordinator = signed_in(&app, "ocha.coordinator", Role::Coordinator, "OCHA").await;
        let admin = signed_in(&app, "amal.admin", Role::Admin, "OCHA").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[("sensitivity", "public")]).await;
        let photo = jpeg("a photo taken in error");
        let page = upload(&app, &sarc, &format!("/incidents/{id}"), &[("caption", "Wrong street")], &[("street.jpg", &photo)]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(bytes(&app, &who, "/files/1").await.0, 200, "a public file on a public record");

        // Another organisation's reporter may not retract it; a reason is required.
        let list = app.get_with(&who, &format!("/incidents/{id}/files")).await;
        assert!(!list.body.contains("Retract this file"));
        let refused = app.post_form_with(&who, &format!("/incidents/{id}/files"), "/files/1/retraction", &[("reason", "not ours")]).await;
        assert_eq!(refused.status, 403);
        let missing = app.post_form_with(&sarc, &format!("/incidents/{id}/files"), "/files/1/retraction", &[("reason", "")]).await;
        assert_eq!(missing.status, 422);
        let done = app.post_form_with(&sarc, &format!("/incidents/{id}/files"), "/files/1/retraction", &[("reason", "Taken in the wrong street")]).await;
        assert_eq!(done.status, 303, "{}", done.body);

        for c in [&who, &sarc] {
            assert_eq!(bytes(&app, c, "/files/1").await.0, 404, "a retracted file is hidden");
            let list = app.get_with(c, &format!("/incidents/{id}/files")).await;
            assert!(!list.body.contains("Wrong street"));
        }
        let seen = app.get_with(&coordinator, &format!("/incidents/{id}/files")).await;
        assert!(seen.body.contains("Wrong street") && seen.body.contains("Taken in the wrong street"), "coordinators see it, marked, with the reason");
        let history = app.get_with(&coordinator, &format!("/incidents/{id}/history")).await;
        assert!(history.body.contains("Evidence file retracted") && history.body.contains("Taken in the wrong street"));
        assert!(blob_path(&app, &sha256(&photo)).exists(), "retraction deletes nothing");

        // Only an admin purges, with a reason; the bytes go, the hash stays, audited.
        assert_eq!(app.get_with(&coordinator, "/files/1/purge").await.status, 403);
        let form = app.get_with(&admin, "/files/1/purge").await;
        assert_eq!(form.status, 200);
        assert!(!form.body.contains("Wrong street") && !form.body.contains("street.jpg"), "the admin sees no caption or name");
        let missing = app.post_form_with(&admin, "/files/1/purge", "/files/1/purge", &[("reason", "")]).await;
        assert_eq!(missing.status, 422);
        let purged = app.post_form_with(&admin, "/files/1/purge", "/files/1/purge", &[("reason", "Court order 12/2018: identifies a witness")]).await;
        assert_eq!(purged.status, 303, "{}", purged.body);
        assert!(!blob_path(&app, &sha256(&photo)).exists(), "the bytes are gone");
        assert_eq!(app.count_where("evidence_files", &format!("id = 1 AND sha256 = '{}' AND purged_at IS NOT NULL", sha256(&photo))), 1, "the hash stays");
        assert_eq!(app.count_where("audit_events", &format!("action = 'evidence.purge' AND details LIKE '%{}%' AND details LIKE '%Court order%'", sha256(&photo))), 1);
        let seen = app.get_with(&coordinator, &format!("/incidents/{id}/files")).await;
        assert!(seen.body.contains(&sha256(&photo)) && seen.body.contains("Purged"), "{}", seen.body);
        assert_eq!(bytes(&app, &coordinator, "/files/1").await.0, 404);
        let out = app.command(&["audit", "verify"]);
        assert!(out.status.success(), "a purge is not tampering: {}", String::from_utf8_lossy(&out.stdout));
    }

    async fn audit_verify_detects_a_changed_file(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[]).await;
        let photo = jpeg("the original photo");
        assert_eq!(upload(&app, &sarc, &format!("/incidents/{id}"), &[], &[("p.jpg", &photo)]).await.status, 303);
        assert!(app.command(&["audit", "verify"]).status.success());

        let path = blob_path(&app, &sha256(&photo));
        let mut perms = std::fs::metadata(&path).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(&path, perms).unwrap();
        std::fs::write(&path, jpeg("a doctored photo")).unwrap();
        let out = app.command(&["audit", "verify"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{text}");
        assert!(text.contains("evidence file 1 was changed"), "{text}");

        std::fs::remove_file(&path).unwrap();
        let out = app.command(&["audit", "verify"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success());
        assert!(text.contains("evidence file 1") && text.contains("cannot be read"), "{text}");
    }

    async fn the_evidence_bundle_verifies_offline_and_fails_when_one_byte_changes(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[]).await;
        let photo = jpeg("BundledPhotoBytes of the blocked convoy");
        let letter = pdf("Denial letter");
        let page = upload(&app, &sarc, &format!("/incidents/{id}"), &[("caption", "Convoy at the checkpoint")], &[("convoy.jpg", &photo), ("letter.pdf", &letter)]).await;
        assert_eq!(page.status, 303);
        let (status, headers, zip) = bytes(&app, &sarc, &format!("/incidents/{id}/evidence.zip")).await;
        assert_eq!(status, 200);
        assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        assert_eq!(app.count_where("audit_events", "action = 'evidence.export'"), 1, "the export is audited");

        let key_out = app.command(&["audit", "checkpoint"]);
        let key_text = String::from_utf8_lossy(&key_out.stdout);
        let key = key_text.lines().find_map(|l| l.strip_prefix("Public key: ")).expect("public key").trim().to_string();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bundle.zip");
        std::fs::write(&file, &zip).unwrap();
        let verify = |key: &str| {
            std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
                .args(["evidence", "verify", file.to_str().unwrap(), "--public-key", key])
                .env_remove("CORRIDOR_DATABASE_URL")
                .env("CORRIDOR_DATA_DIR", dir.path().join("nowhere"))
                .output()
                .unwrap()
        };
        let out = verify(&key);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains(&sha256(&photo)) && text.contains(&sha256(&letter)), "{text}");
        assert!(text.contains("signed") && text.contains("the trusted key"), "{text}");

        // Another key does not vouch for it.
        let other = hex::encode(ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key().as_bytes());
        assert!(!verify(&other).status.success(), "a checkpoint is not signed by any key");

        // One byte of one file changed: the bundle fails.
        let at = zip.windows(17).position(|w| w == b"BundledPhotoBytes").expect("stored uncompressed");
        let mut changed = zip.clone();
        changed[at] ^= 0x20;
        std::fs::write(&file, &changed).unwrap();
        let out = verify(&key);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{text}");
        assert!(text.contains("BROKEN") && text.contains("convoy.jpg"), "{text}");
    }

    async fn a_confidential_file_never_reaches_another_organisations_reporter(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let coordinator = signed_in(&app, "ocha.coordinator", Role::Coordinator, "OCHA").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[("sensitivity", "public")]).await;
        let secret = jpeg("CanaryWitnessFace");
        let page = upload(&app, &sarc, &format!("/incidents/{id}"),
            &[("caption", "CanaryWitnessCaption"), ("sensitivity", "confidential")],
            &[("CanaryWitnessName.jpg", &secret)]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        let open = jpeg("a public photo");
        assert_eq!(upload(&app, &sarc, &format!("/incidents/{id}"), &[("caption", "The damaged road")], &[("road.jpg", &open)]).await.status, 303);

        let mut seen = String::new();
        for path in [format!("/incidents/{id}"), format!("/incidents/{id}/files"), format!("/incidents/{id}/history"), "/files/1".into(), format!("/incidents/{id}/evidence.zip")] {
            let (status, _, body) = bytes(&app, &who, &path).await;
            assert!(status < 500, "{path}");
            seen.push_str(&String::from_utf8_lossy(&body));
        }
        for canary in ["CanaryWitness", &sha256(&secret)] {
            assert!(!seen.contains(canary), "another organisation's reporter saw {canary}");
        }
        assert_eq!(bytes(&app, &who, "/files/1").await.0, 404);
        assert!(seen.contains("The damaged road"), "the public file is seen");
        assert!(seen.contains("1 file you cannot see"));
        // Positive control: the recording organisation and coordinators see it.
        for c in [&sarc, &coordinator] {
            let list = app.get_with(c, &format!("/incidents/{id}/files")).await;
            assert!(list.body.contains("CanaryWitnessCaption") && list.body.contains("CanaryWitnessName.jpg"));
            let (_, _, zip) = bytes(&app, c, &format!("/incidents/{id}/evidence.zip")).await;
            assert!(zip.windows(17).any(|w| w == b"CanaryWitnessFace"), "in their bundle");
        }
    }
}
