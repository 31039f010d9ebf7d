//! A photo's metadata over HTTP on both backends: the EXIF date and GPS read at upload and shown
//! as a claim to weigh to the file's organisation (and coordinators), never to another
//! organisation's reporter nor in public outputs; copies beyond the organisation (downloads,
//! bundles, shared bundles, thumbnails) without metadata while the original keeps it; file
//! counts on the incident list; `corridor evidence export`.

use std::io::Cursor;

use corridor::domain::Role;

use crate::confidentiality::{every_get_path, everything_seen, Records};
use crate::evidence::{bytes, pdf, upload};
use crate::helpers::TestApp;
use crate::incidents::{create_incident, signed_in};

/// Text the photo's EXIF carries (the camera's make): found in the bytes of any copy that
/// kept the metadata.
const CAMERA: &str = "CanaryCameraMake";
/// How the page writes the position the photo carries.
const LATITUDE: &str = "33.57123";
const LONGITUDE: &str = "36.40123";

/// A real 64×48 JPEG (made here, so it has no other origin) with EXIF: date taken
/// 2018-02-25 14:03:11 +03:00, GPS 33.571234 N 36.401234 E, camera make `CAMERA`.
pub(crate) fn photo_with_gps() -> Vec<u8> {
    use exif::{Field, In, Rational, Tag, Value};
    use img_parts::ImageEXIF;
    let pixels = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 90])
    });
    let mut jpeg = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
        .encode_image(&pixels)
        .unwrap();

    let dms = |degrees: f64| {
        let d = degrees.trunc();
        let m = ((degrees - d) * 60.0).trunc();
        let s = ((degrees - d) * 60.0 - m) * 60.0;
        vec![
            Rational {
                num: d as u32,
                denom: 1,
            },
            Rational {
                num: m as u32,
                denom: 1,
            },
            Rational {
                num: (s * 10_000.0).round() as u32,
                denom: 10_000,
            },
        ]
    };
    let field = |tag, value| Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    };
    let fields = [
        field(Tag::Make, Value::Ascii(vec![CAMERA.as_bytes().to_vec()])),
        field(
            Tag::DateTimeOriginal,
            Value::Ascii(vec![b"2018:02:25 14:03:11".to_vec()]),
        ),
        field(
            Tag::OffsetTimeOriginal,
            Value::Ascii(vec![b"+03:00".to_vec()]),
        ),
        field(Tag::GPSLatitudeRef, Value::Ascii(vec![b"N".to_vec()])),
        field(Tag::GPSLatitude, Value::Rational(dms(33.571234))),
        field(Tag::GPSLongitudeRef, Value::Ascii(vec![b"E".to_vec()])),
        field(Tag::GPSLongitude, Value::Rational(dms(36.401234))),
    ];
    let mut writer = exif::experimental::Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let mut parsed = img_parts::jpeg::Jpeg::from_bytes(jpeg.into_inner().into()).unwrap();
    parsed.set_exif(Some(tiff.into_inner().into()));
    parsed.encoder().bytes().to_vec()
}

fn has(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The GPS position EXIF gives in `photo`, if any.
fn gps_in(photo: &[u8]) -> Option<(f64, f64)> {
    let m = corridor::evidence::metadata::read(&mut Cursor::new(photo));
    Some((m.latitude?, m.longitude?))
}

/// The one file entry of a bundle (not the manifest).
fn file_in_bundle(zip: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("a zip");
    let name = archive
        .file_names()
        .find(|n| n.starts_with("files/"))
        .expect("a file in the bundle")
        .to_string();
    let mut out = Vec::new();
    archive
        .by_name(&name)
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

pub(crate) fn verify_bundle(zip: &[u8]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bundle.zip");
    std::fs::write(&file, zip).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(["evidence", "verify", file.to_str().unwrap()])
        .env_remove("CORRIDOR_DATABASE_URL")
        .env("CORRIDOR_DATA_DIR", dir.path().join("nowhere"))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

both_backends! {
    async fn a_photos_date_and_position_are_a_claim_for_its_organisation_and_stripped_beyond_it(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        let coordinator = signed_in(&app, "ocha.coordinator", Role::Coordinator, "OCHA").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[("sensitivity", "public")]).await;
        let photo = photo_with_gps();
        assert!(has(&photo, CAMERA) && gps_in(&photo).is_some(), "the fixture carries its metadata");
        let page = upload(&app, &sarc, &format!("/incidents/{id}"), &[("caption", "Checkpoint at dawn")], &[("dawn.jpg", &photo)]).await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(app.count_where("evidence_files", "photo_taken_at = '2018-02-25 14:03:11 +03:00' AND photo_latitude > 33.5712 AND photo_latitude < 33.5713 AND photo_longitude > 36.4012 AND photo_longitude < 36.4013"), 1, "read at upload and kept with the file");
        assert_eq!(app.count_where("audit_events", &format!("details LIKE '%{LATITUDE}%' OR details LIKE '%33.571%'")), 0, "the position stays out of the audit trail (bundles carry its events)");

        // Its organisation and coordinators see the metadata, worded as a claim to weigh.
        for c in [&sarc, &coordinator] {
            let files = app.get_with(c, &format!("/incidents/{id}/files")).await;
            assert!(files.body.contains("metadata says it was taken on 25 February 2018 at 14:03:11 +03:00"), "{}", files.body);
            assert!(files.body.contains(&format!("{LATITUDE}, {LONGITUDE}")) && files.body.contains("can be wrong or forged"));
            let (status, _, original) = bytes(&app, c, "/files/1").await;
            assert_eq!(status, 200);
            assert_eq!(original, photo, "the original keeps its metadata");
        }

        // Another organisation's reporter sees the file, not its metadata, anywhere.
        let files = app.get_with(&who, &format!("/incidents/{id}/files")).await;
        assert!(files.body.contains("Checkpoint at dawn"), "the file itself is seen");
        assert!(!files.body.contains("metadata says") && files.body.contains("a copy with the photo"), "{}", files.body);
        let (status, headers, copy) = bytes(&app, &who, "/files/1").await;
        assert_eq!(status, 200);
        assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        assert!(!has(&copy, CAMERA) && gps_in(&copy).is_none() && !has(&copy, "Exif"), "the copy has no metadata");
        assert!(image::load_from_memory(&copy).is_ok(), "and is still the photo");
        let (_, _, zip) = bytes(&app, &who, &format!("/incidents/{id}/evidence.zip")).await;
        let in_bundle = file_in_bundle(&zip);
        assert!(!has(&in_bundle, CAMERA) && gps_in(&in_bundle).is_none());
        let (intact, text) = verify_bundle(&zip);
        assert!(intact && text.contains("metadata removed"), "a bundle with a stripped copy verifies: {text}");
        let records = Records { incidents: vec![id], convoys: vec![], needs: vec![], feeds: vec![] };
        let seen = everything_seen(&app, &who, &every_get_path(&records)).await;
        for canary in [LATITUDE, LONGITUDE, CAMERA, "metadata says"] {
            assert!(!seen.contains(canary), "another organisation's reporter saw {canary}");
        }
        // Public outputs (the public situation report) never carry it either.
        let public = app.get_with(&coordinator, "/reports/situation?from=2018-01-01&to=2018-12-31&audience=public").await;
        assert_eq!(public.status, 200);
        assert!(!public.body.contains(LATITUDE) && !public.body.contains(LONGITUDE));

        // The organisation's own bundle keeps the original; its bundle made for sharing does not.
        let (_, _, own) = bytes(&app, &sarc, &format!("/incidents/{id}/evidence.zip")).await;
        assert_eq!(file_in_bundle(&own), photo);
        let (_, headers, shared) = bytes(&app, &sarc, &format!("/incidents/{id}/evidence.zip?shared=1")).await;
        assert!(headers["content-disposition"].to_str().unwrap().contains("-shared.zip"));
        assert!(!has(&file_in_bundle(&shared), CAMERA));
        assert!(verify_bundle(&shared).0);
        // One byte of the stripped copy changed: the bundle fails.
        let at = shared.windows(4).position(|w| w == [0xFF, 0xDB, 0x00, 0x43]).expect("the copy's tables") + 10;
        let mut broken = shared.clone();
        broken[at] ^= 0x01;
        assert!(!verify_bundle(&broken).0);
    }

    async fn thumbnails_are_reencoded_and_checked_like_the_file(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[("sensitivity", "public")]).await;
        let photo = photo_with_gps();
        assert_eq!(upload(&app, &sarc, &format!("/incidents/{id}"), &[("sensitivity", "public")], &[("open.jpg", &photo)]).await.status, 303);
        assert_eq!(upload(&app, &sarc, &format!("/incidents/{id}"), &[("sensitivity", "confidential")], &[("witness.png", &png())]).await.status, 303);

        let files = app.get_with(&sarc, &format!("/incidents/{id}/files")).await;
        assert!(files.body.contains("src=\"/files/1/thumbnail\"") && files.body.contains("src=\"/files/2/thumbnail\""));
        for c in [&sarc, &who] {
            let (status, headers, thumb) = bytes(&app, c, "/files/1/thumbnail").await;
            assert_eq!(status, 200);
            assert_eq!(headers["content-type"], "image/jpeg");
            assert_eq!(headers["x-content-type-options"], "nosniff");
            let small = image::load_from_memory(&thumb).expect("a JPEG");
            assert!(small.width() <= 320 && small.height() <= 320);
            assert!(!has(&thumb, CAMERA) && gps_in(&thumb).is_none(), "re-encoded, without metadata");
        }
        let sha: String = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&photo))
        };
        assert!(app.data_dir.join("thumbnails").join(&sha[..2]).join(format!("{sha}.jpg")).exists(), "cached");

        // The confidential photo's thumbnail: its organisation only; nobody signed out.
        assert_eq!(bytes(&app, &sarc, "/files/2/thumbnail").await.0, 200);
        assert_eq!(bytes(&app, &who, "/files/2/thumbnail").await.0, 404);
        let anonymous = app.get("/files/1/thumbnail").await;
        assert!(anonymous.status == 303 || anonymous.status == 401, "{}", anonymous.status);
        // A PDF has none.
        assert_eq!(upload(&app, &sarc, &format!("/incidents/{id}"), &[], &[("letter.pdf", &pdf("letter"))]).await.status, 303);
        assert_eq!(bytes(&app, &sarc, "/files/3/thumbnail").await.0, 404);
    }

    async fn the_incident_list_counts_only_the_files_its_reader_may_see(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[("sensitivity", "public")]).await;
        let record = format!("/incidents/{id}");
        assert_eq!(upload(&app, &sarc, &record, &[("sensitivity", "public")], &[("a.pdf", &pdf("open letter"))]).await.status, 303);
        assert_eq!(upload(&app, &sarc, &record, &[("sensitivity", "confidential")], &[("b.pdf", &pdf("witness statement"))]).await.status, 303);
        assert_eq!(upload(&app, &sarc, &record, &[("sensitivity", "public")], &[("c.pdf", &pdf("retracted later"))]).await.status, 303);
        let done = app.post_form_with(&sarc, &format!("{record}/files"), "/files/3/retraction", &[("reason", "Wrong incident")]).await;
        assert_eq!(done.status, 303);

        let own = app.get_with(&sarc, "/incidents").await;
        assert!(own.body.contains("2 files"), "its organisation counts both kept files: {}", own.body);
        let other = app.get_with(&who, "/incidents").await;
        assert!(other.body.contains("1 file") && !other.body.contains("2 files"), "another organisation's reporter counts only the public one");

        // The counts are kept between requests: the public file made confidential by another
        // writer of the same database is not counted for another organisation on the next page.
        app.sql("UPDATE evidence_files SET sensitivity = 'confidential' WHERE id = 1").unwrap();
        let other = app.get_with(&who, "/incidents").await;
        assert!(!other.body.contains("1 file") && !other.body.contains("2 files"), "no file counted: {}", other.body);
        let own = app.get_with(&sarc, "/incidents").await;
        assert!(own.body.contains("2 files"), "its organisation still counts both: {}", own.body);
    }

    async fn the_incident_list_counts_a_file_on_a_claim_only_for_those_who_see_the_claim(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        let who = signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[("sensitivity", "public")]).await;
        assert_eq!(app.count(&format!("claims WHERE id = 1 AND incident_id = {id}")), 1, "the record's claim");
        let record = format!("/incidents/{id}");
        assert_eq!(upload(&app, &sarc, &record, &[("sensitivity", "public"), ("part", "claim:1")], &[("a.pdf", &pdf("the claim's letter"))]).await.status, 303);
        assert_eq!(upload(&app, &sarc, &record, &[("sensitivity", "public")], &[("b.pdf", &pdf("the record's letter"))]).await.status, 303);
        let other = app.get_with(&who, "/incidents").await;
        assert!(other.body.contains("2 files"), "both public, the claim too: {}", other.body);

        // The claim as one merged in from a confidential record carries it: its file is
        // counted for its organisation only.
        app.sql("UPDATE claims SET sensitivity = 'confidential' WHERE id = 1").unwrap();
        let own = app.get_with(&sarc, "/incidents").await;
        assert!(own.body.contains("2 files"), "its organisation sees the claim: {}", own.body);
        let other = app.get_with(&who, "/incidents").await;
        assert!(other.body.contains("1 file") && !other.body.contains("2 files"), "the claim's file is not counted for another organisation: {}", other.body);
    }

    async fn the_command_line_exports_the_bundle_a_viewer_would_get(app: TestApp) {
        let sarc = signed_in(&app, "sarc.reporter", Role::Reporter, "SARC").await;
        signed_in(&app, "who.reporter", Role::Reporter, "WHO").await;
        crate::incidents::seed_place(&app, "Douma", "Duma", "Rural Damascus", "Duma");
        let id = create_incident(&app, &sarc, &[("sensitivity", "public")]).await;
        let record = format!("/incidents/{id}");
        let photo = photo_with_gps();
        assert_eq!(upload(&app, &sarc, &record, &[("sensitivity", "public")], &[("photo.jpg", &photo)]).await.status, 303);
        assert_eq!(upload(&app, &sarc, &record, &[("sensitivity", "confidential")], &[("secret.pdf", &pdf("CanaryExportSecret"))]).await.status, 303);
        let reference = app.get_with(&sarc, &record).await.body.split("INC-").nth(1).map(|s| format!("INC-{}", s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>())).expect("reference");

        let help = app.command(&["evidence", "export", "--help"]);
        assert!(help.status.success() && String::from_utf8_lossy(&help.stdout).contains("--as"));
        let dir = tempfile::tempdir().unwrap();
        let as_who = dir.path().join("who.zip");
        let out = app.command(&["evidence", "export", &reference, "--as", "who.reporter", "-o", as_who.to_str().unwrap()]);
        assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let zip = std::fs::read(&as_who).unwrap();
        assert!(!has(&zip, "CanaryExportSecret") && !has(&file_in_bundle(&zip), CAMERA), "WHO's bundle: the public photo, stripped");
        assert!(verify_bundle(&zip).0);

        let all = dir.path().join("all.zip");
        let out = app.command(&["evidence", "export", &reference, "--all", "-o", all.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let zip = std::fs::read(&all).unwrap();
        assert!(has(&zip, "CanaryExportSecret") && has(&zip, CAMERA), "every file, originals");
        let (intact, text) = verify_bundle(&zip);
        assert!(intact, "{text}");
        assert_eq!(app.count_where("audit_events", "action = 'evidence.export'"), 2, "each export is audited");
        assert!(!app.command(&["evidence", "export", &reference, "--as", "nobody", "-o", all.to_str().unwrap()]).status.success());
    }
}

/// A small PNG, made here.
fn png() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(40, 30, |x, _| image::Rgb([x as u8 * 6, 20, 200]));
    let mut out = Cursor::new(Vec::new());
    pixels.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}
