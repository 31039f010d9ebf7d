//! Evidence files in an S3-compatible object store, on both backends: a local S3 server (the
//! `s3s-fs` crate serving a temporary folder, with signed requests) that this test binary
//! starts in-process. Uploads (one large enough for a multipart upload) land in the store, not
//! the folder; downloads, stripped copies, thumbnails and bundles read from it; `corridor
//! audit verify` checks the files there and detects a changed one; a purge removes the object.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use corridor::domain::Role;

use crate::evidence::{bytes, pdf, upload};
use crate::evidence_photos::{photo_with_gps, verify_bundle};
use crate::helpers::TestApp;
use crate::incidents::{create_incident, signed_in};

const KEY: &str = "corridor-test";
const SECRET: &str = "corridor-test-secret";
const BUCKET: &str = "evidence";

/// One S3 server for the whole test binary: its address and the folder it serves.
static S3: LazyLock<(String, PathBuf)> = LazyLock::new(|| {
    let root = tempfile::tempdir().expect("temp dir").keep();
    std::fs::create_dir_all(root.join(BUCKET)).expect("bucket");
    let (tx, rx) = std::sync::mpsc::channel();
    let served = root.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let fs = s3s_fs::FileSystem::new(&served).expect("s3s-fs");
            let mut b = s3s::service::S3ServiceBuilder::new(fs);
            b.set_auth(s3s::auth::SimpleAuth::from_single(KEY, SECRET));
            let service = b.build().into_shared();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr").port())
                .expect("port");
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(socket), service)
                        .await;
                });
            }
        });
    });
    let port = rx.recv().expect("the S3 server started");
    (format!("http://127.0.0.1:{port}"), root)
});

thread_local! {
    /// The prefix `with_object_store` gave the app started on this thread (the test's).
    static PREFIX: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A store URL under `prefix` of the shared bucket.
fn store_url(prefix: &str) -> String {
    format!(
        "s3://{BUCKET}/{prefix}?endpoint={}&region=us-east-1&allow_http=true&access_key_id={KEY}&secret_access_key={SECRET}",
        S3.0
    )
}

/// Settings of an app keeping its files under a prefix of its own, so tests running together
/// keep apart.
fn with_object_store(raw: &mut corridor::config::RawSettings) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let prefix = format!(
        "test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    raw.evidence.evidence_store = Some(store_url(&prefix));
    PREFIX.with(|p| *p.borrow_mut() = prefix);
}

/// Where the S3 server keeps the object of a blob under `prefix`, if it does.
fn object(prefix: &str, sha: &str) -> Option<PathBuf> {
    let path = S3.1.join(BUCKET).join(prefix).join(&sha[..2]).join(sha);
    path.is_file().then_some(path)
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `corridor audit verify` with the app's database and store.
fn audit_verify(app: &TestApp, store: &str) -> (bool, String) {
    let url = match &app.database {
        corridor::db::DatabaseUrl::Sqlite(p) => p.to_string_lossy().into_owned(),
        corridor::db::DatabaseUrl::Postgres(u) => u.clone(),
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["audit", "verify"])
        .env("CORRIDOR_DATABASE_URL", url)
        .env("CORRIDOR_DATA_DIR", &app.data_dir)
        .env("CORRIDOR_EVIDENCE_STORE", store)
        .output()
        .expect("run corridor");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

both_backends! {
    async fn files_kept_in_an_object_store_are_served_checked_and_purged(app: TestApp)
    where settings = with_object_store;
    {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let admin = signed_in(&app, "amal.admin", Role::Admin, "OCHA").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[("sensitivity", "public")]).await;
        let prefix = PREFIX.with(|p| p.borrow().clone());
        assert!(!prefix.is_empty());
        let photo = photo_with_gps();
        // Larger than one part: sent as a multipart upload.
        let mut video_like = pdf("a long scanned report");
        video_like.resize(9 * 1024 * 1024 + 17, b' ');
        let page = upload(&app, &sarc, &format!("/incidents/{id}"), &[("caption", "Kept in the object store")], &[("photo.jpg", &photo), ("report.pdf", &video_like)]).await;
        assert_eq!(page.status, 303, "{}", page.body);

        for (bytes_sent, sha) in [(&photo, sha256(&photo)), (&video_like, sha256(&video_like))] {
            let kept = object(&prefix, &sha).expect("the object is in the store");
            assert_eq!(&std::fs::read(&kept).unwrap(), bytes_sent);
            assert!(!app.data_dir.join("evidence").join(&sha[..2]).join(&sha).exists(), "not in the folder");
        }
        assert_eq!(std::fs::read_dir(app.data_dir.join("evidence/incoming")).unwrap().count(), 0, "nothing left behind");

        assert_eq!(bytes(&app, &sarc, "/files/1").await.2, photo);
        assert_eq!(bytes(&app, &sarc, "/files/2").await.2, video_like, "read back a piece at a time");
        let (status, _, copy) = bytes(&app, &who, "/files/1").await;
        assert!(status == 200 && copy != photo && image::load_from_memory(&copy).is_ok(), "a stripped copy from the store");
        let (status, headers, _) = bytes(&app, &who, "/files/1/thumbnail").await;
        assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "image/jpeg"));
        let (_, _, zip) = bytes(&app, &sarc, &format!("/incidents/{id}/evidence.zip")).await;
        let (intact, text) = verify_bundle(&zip);
        assert!(intact, "{text}");

        let store = store_url(&prefix);
        let (ok, text) = audit_verify(&app, &store);
        assert!(ok && text.contains("object store"), "{text}");
        // A changed object fails the check.
        let kept = object(&prefix, &sha256(&photo)).unwrap();
        std::fs::write(&kept, b"\xFF\xD8\xFF\xE0 a doctored photo").unwrap();
        let (ok, text) = audit_verify(&app, &store);
        assert!(!ok && text.contains("evidence file 1 was changed"), "{text}");

        // A purge removes the object; its hash stays.
        let purged = app.post_form_with(&admin, "/files/2/purge", "/files/2/purge", &[("reason", "Court order: names a witness")]).await;
        assert_eq!(purged.status, 303, "{}", purged.body);
        assert!(object(&prefix, &sha256(&video_like)).is_none(), "the bytes are gone from the store");
        assert_eq!(app.count_where("evidence_files", &format!("id = 2 AND sha256 = '{}'", sha256(&video_like))), 1);
    }
}
