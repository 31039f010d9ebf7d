//! Evidence pages: the files of an incident, convoy or need (with the upload form, the size
//! limit stated before upload), downloads (always as attachments, never rendered by the
//! browser), retraction, an admin's purge, and the incident's evidence bundle.

pub mod upload;

use std::io::Read;
use std::sync::Arc;

use actix_web::body::SizedStream;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use self::upload::{Refused, UploadForm};
use super::extract::Today;
use super::{see_other, Page, State};
use crate::audit;
use crate::blobs::BlobStore;
use crate::db::DbConn;
use crate::domain::vocab::Sensitivity;
use crate::domain::{text, values};
use crate::error::AppError;
use crate::evidence::{metadata, size_label, thumbnail, types, EvidenceFile, RecordKind};
use crate::exports::evidence::{self as export, name_of, uploaders};
use crate::records::evidence::{self as scoped, RecordRef};
use crate::records::store::evidence::{self as store, Description, Part};
use crate::records::store::Author;
use crate::records::{self, Hidden, Scope, Visible};
use crate::web::forms::{FormErrors, HtmlForm};

/// The longest caption.
const CAPTION_MAX: usize = 2_000;

/// A file as the list shows it.
pub struct Shown {
    pub file: Visible<EvidenceFile>,
    pub uploader: String,
    pub can_retract: bool,
    /// A thumbnail can be shown (`/files/{id}/thumbnail`).
    pub thumbnail: bool,
    /// The viewer's download is a copy with the photo's metadata removed (its hash differs).
    pub without_metadata: bool,
    /// A photo whose metadata cannot be removed: only its organisation may download it.
    pub withheld: bool,
}

impl Shown {
    /// "The photo's metadata says it was taken on …": the date in words and the time as the
    /// camera's clock had it, for the page's claim-to-weigh sentence.
    pub fn taken(&self, page: &Page) -> Option<(String, String)> {
        let raw = &self.file.photo_taken_at;
        let (date, time) = raw.split_once(' ')?;
        let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        Some((page.date(date), time.to_string()))
    }

    /// The photo's GPS position, as degrees to five decimals (about a metre).
    pub fn position(&self) -> Option<String> {
        Some(format!(
            "{:.5}, {:.5}",
            self.file.photo_latitude?, self.file.photo_longitude?
        ))
    }
}

#[derive(Template)]
#[template(path = "evidence/files.html")]
pub struct FilesPage {
    pub page: Page,
    pub back: String,
    pub reference: String,
    pub upload_to: String,
    pub files: Vec<Shown>,
    pub hidden: Hidden,
    pub can_attach: bool,
    pub form: UploadForm,
    pub errors: FormErrors,
    pub refused: Vec<Refused>,
    /// The size limit, stated on the form.
    pub limit: String,
    /// Claims or convoy events the files may belong to: (value, label).
    pub parts: Vec<(String, String)>,
    pub bundle: Option<String>,
    /// A retraction sent back with its message: the file, the reason as typed, the errors.
    pub retraction: Option<(i64, String, FormErrors)>,
    pub notice: Option<&'static str>,
}

impl FilesPage {
    pub fn sensitivities(&self) -> &'static [Sensitivity] {
        Sensitivity::ALL
    }

    pub fn retraction_of(&self, id: &i64) -> (String, Option<&'static str>) {
        match &self.retraction {
            Some((file, reason, errors)) if file == id => (reason.clone(), errors.get("reason")),
            _ => (String::new(), None),
        }
    }
}

/// What a re-rendered files page keeps of a failed action.
#[derive(Default)]
struct Kept {
    form: UploadForm,
    errors: FormErrors,
    refused: Vec<Refused>,
    retraction: Option<(i64, String, FormErrors)>,
}

/// The record a files page is about, as the viewer may see it.
struct Loaded {
    record: RecordRef,
    reference: String,
    facts: crate::permissions::RecordFacts,
    parts: Vec<(String, String)>,
}

fn load_record(
    conn: &mut DbConn,
    scope: &Scope,
    kind: RecordKind,
    id: i64,
) -> Result<Loaded, AppError> {
    Ok(match kind {
        RecordKind::Incident => {
            let l = records::incidents::find(conn, scope, crate::domain::IncidentId::new(id))?;
            let (claims, _) = records::incidents::claims(conn, scope, &l)?;
            let parts = claims
                .iter()
                .map(|c| {
                    let statement: String = c.statement.chars().take(60).collect();
                    (
                        format!("claim:{}", c.id),
                        format!("{} · {statement}", c.claimed_on),
                    )
                })
                .collect();
            Loaded {
                record: RecordRef::incident(&l),
                reference: l.incident.reference.clone(),
                facts: l.facts(),
                parts,
            }
        }
        RecordKind::Convoy => {
            let l = records::convoys::find(conn, scope, crate::domain::ConvoyId::new(id))?;
            let parts = l
                .events
                .iter()
                .map(|(e, _)| {
                    (
                        format!("event:{}", e.id),
                        format!("{} · {}", e.occurred_on, e.status),
                    )
                })
                .collect();
            Loaded {
                record: RecordRef::convoy(&l),
                reference: l.convoy.reference.clone(),
                facts: l.convoy.facts(),
                parts,
            }
        }
        RecordKind::Need => {
            let l = records::needs::find(conn, scope, crate::domain::NeedId::new(id))?;
            Loaded {
                record: RecordRef::need(&l),
                reference: l.need.reference.clone(),
                facts: l.need.facts(),
                parts: Vec::new(),
            }
        }
    })
}

async fn build(
    page: Page,
    state: &State,
    scope: Scope,
    kind: RecordKind,
    id: i64,
    kept: Kept,
    notice: Option<&'static str>,
) -> Result<FilesPage, AppError> {
    let viewer = scope.viewer();
    let (loaded, files, hidden, names) = state
        .db
        .run(move |conn| {
            let loaded = load_record(conn, &scope, kind, id)?;
            let (files, hidden) = scoped::files(conn, &scope, loaded.record)?;
            let names = uploaders(conn, &files)?;
            Ok((loaded, files, hidden, names))
        })
        .await?;
    let files = files
        .into_iter()
        .map(|f| {
            let original = scoped::gets_original(&scope, &f);
            let image = types::is_image(&f.mime_type);
            let present = !f.is_purged();
            Shown {
                uploader: name_of(&names, f.uploaded_by),
                can_retract: present && !f.is_retracted() && store::may_retract(viewer, &f),
                thumbnail: present && thumbnail::available(&f.mime_type),
                without_metadata: present
                    && image
                    && !original
                    && metadata::shareable(&f.mime_type),
                withheld: present && !original && !metadata::shareable(&f.mime_type),
                file: f,
            }
        })
        .collect();
    let back = kind.path(id);
    Ok(FilesPage {
        can_attach: store::may_attach(viewer, kind, loaded.facts),
        upload_to: format!("{back}/files"),
        bundle: (kind == RecordKind::Incident).then(|| format!("{back}/evidence.zip")),
        reference: loaded.reference,
        parts: loaded.parts,
        back,
        files,
        hidden,
        form: kept.form,
        errors: kept.errors,
        refused: kept.refused,
        retraction: kept.retraction,
        limit: size_label(state.settings.evidence_max_bytes),
        page,
        notice,
    })
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

fn notice(q: &DoneQuery) -> Option<&'static str> {
    match q.done.as_deref() {
        Some("uploaded") => Some("evidence-uploaded"),
        Some("retracted") => Some("evidence-retracted"),
        _ => None,
    }
}

async fn show(
    page: Page,
    state: State,
    scope: Scope,
    kind: RecordKind,
    id: i64,
    q: &DoneQuery,
) -> Result<HttpResponse, AppError> {
    let p = build(page, &state, scope, kind, id, Kept::default(), notice(q)).await?;
    crate::web::ok(&p)
}

/// The kind of record a files route is about, from its path (`/incidents/…`, `/convoys/…`,
/// `/needs/…`): one handler serves the three.
fn kind_of(req: &HttpRequest) -> RecordKind {
    match req.path().split('/').nth(1) {
        Some("convoys") => RecordKind::Convoy,
        Some("needs") => RecordKind::Need,
        _ => RecordKind::Incident,
    }
}

/// `GET /{incidents,convoys,needs}/{id}/files`.
pub async fn files(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
    q: web::Query<DoneQuery>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    show(page, state, scope, kind_of(&req), id.into_inner(), &q).await
}

/// Parses the typed fields; notes problems beside each.
fn describe(form: &UploadForm, today: Today, errors: &mut FormErrors) -> Option<Description> {
    let caption = errors.check("caption", text::optional_block(&form.caption, CAPTION_MAX));
    let made_on = errors.check(
        "made_on",
        values::optional_date(&form.made_on, today.latest),
    );
    let sensitivity = match form.sensitivity.trim() {
        "" => Some(None),
        s => errors.check("sensitivity", Sensitivity::parse(s)).map(Some),
    };
    let part = match form.part.split_once(':') {
        None if form.part.trim().is_empty() => Some(None),
        Some(("claim", n)) => n.parse().ok().map(|n| Some(Part::Claim(n))),
        Some(("event", n)) => n.parse().ok().map(|n| Some(Part::Event(n))),
        _ => None,
    };
    if part.is_none() {
        errors.add("part", "evidence-part-invalid");
    }
    Some(Description {
        caption: caption?,
        made_on: made_on?,
        sensitivity: sensitivity?,
        part: part?,
    })
}

/// `POST /{incidents,convoys,needs}/{id}/files`.
#[allow(clippy::too_many_arguments)]
pub async fn upload_files(
    req: HttpRequest,
    page: Page,
    state: State,
    id: web::Path<i64>,
    payload: web::Payload,
    scope: Scope,
    author: Author,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let kind = kind_of(&req);
    let id = id.into_inner();
    // Who may attach is settled before a byte of the files is read.
    let viewer = scope.viewer();
    let allowed = state
        .db
        .run(move |conn| {
            let loaded = load_record(conn, &scope, kind, id)?;
            Ok(store::may_attach(viewer, kind, loaded.facts))
        })
        .await?;
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let body = actix_multipart::Multipart::new(req.headers(), payload);
    let limit = state.settings.evidence_max_bytes;
    let received = upload::receive(body, state.blobs.clone(), limit).await?;
    let mut errors = FormErrors::new();
    let description = describe(&received.form, today, &mut errors);
    if let Some(first) = received.refused.first() {
        errors.add("files", first.message_id);
    } else if received.files.is_empty() {
        errors.add("files", "evidence-file-required");
    }
    let Some(description) = description.filter(|_| errors.is_empty()) else {
        // The accepted files of a refused form are dropped (and removed from disk) here.
        drop(received.files);
        let kept = Kept {
            form: received.form,
            errors,
            refused: received.refused,
            retraction: None,
        };
        let p = build(page, &state, scope, kind, id, kept, None).await?;
        return crate::web::invalid(&p);
    };
    let files = upload::keep_all(state.blobs.clone(), received.files).await?;
    audit::write_alone(&state.db, move |conn| {
        store::attach(conn, &author, kind, id, &description, &files)
    })
    .await?;
    Ok(see_other(&format!("{}/files?done=uploaded", kind.path(id))))
}

/// Streams `reader` (of `size` bytes) as a response body from a blocking thread, a piece at a
/// time; `keep` lives until the last byte is read (a scratch file, for instance).
fn stream_body(
    mut reader: Box<dyn Read + Send>,
    size: u64,
    keep: impl Send + 'static,
) -> SizedStream<impl futures_util::Stream<Item = Result<Bytes, std::io::Error>>> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    actix_web::rt::task::spawn_blocking(move || {
        let _keep = keep;
        loop {
            let mut buf = vec![0_u8; 64 * 1024];
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    SizedStream::new(
        size,
        futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)),
    )
}

/// A download: never shown by the browser, whatever the file holds.
fn attachment(name: &str, mime: &str) -> actix_web::HttpResponseBuilder {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    };
    let mut res = HttpResponse::Ok();
    res.insert_header(disposition)
        .insert_header((header::CONTENT_TYPE, mime.to_string()))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    res
}

/// File `id` if the viewer may see it and its bytes are still kept (not purged), else 404.
async fn kept_file(state: &State, id: i64, scope: Scope) -> Result<EvidenceFile, AppError> {
    let file = state
        .db
        .run(move |conn| scoped::find(conn, &scope, id))
        .await?
        .into_inner();
    if file.is_purged() {
        return Err(AppError::NotFound);
    }
    Ok(file)
}

/// `GET /files/{id}`: the file as a download. Its organisation, coordinators and auditors get
/// the original; anyone else a copy of a photo without its metadata (or, for a photo type whose
/// metadata cannot be removed, a refusal that says so).
pub async fn download(
    state: State,
    id: web::Path<i64>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let file = kept_file(&state, id, scope).await?;
    let blobs = state.blobs.clone();
    let name = file.download_name();
    if !scoped::gets_original(&scope, &file) && types::is_image(&file.mime_type) {
        let size = file.size_bytes.max(0) as u64;
        if !metadata::strippable(&file.mime_type) || size > metadata::MAX_PHOTO_BYTES {
            return Err(AppError::Refused("evidence-metadata-not-removable"));
        }
        let mime = file.mime_type.clone();
        let copy = crate::web::blocking(move || -> std::io::Result<Option<Vec<u8>>> {
            let mut bytes = Vec::new();
            blobs.open(&file.sha256)?.read_to_end(&mut bytes)?;
            Ok(metadata::strip(&file.mime_type, bytes).ok())
        })
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence file {id}: {e}")))?
        .ok_or(AppError::Refused("evidence-metadata-not-removable"))?;
        return Ok(attachment(&name, &mime).body(copy));
    }
    let sha = file.sha256.clone();
    let reader = crate::web::blocking(move || blobs.open(&sha))
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence file {id}: {e}")))?;
    let size = file.size_bytes.max(0) as u64;
    Ok(attachment(&name, &file.mime_type).body(stream_body(reader, size, ())))
}

/// Where thumbnails are cached: beside the database, apart from the evidence (they can be
/// deleted at any time and are made again).
fn thumbnail_dir(state: &State) -> std::path::PathBuf {
    state.settings.data_dir.join("thumbnails")
}

/// `GET /files/{id}/thumbnail`: a small JPEG of a photo, re-encoded from its pixels (so without
/// its metadata), for whoever may see the file; made on first request and cached.
pub async fn thumbnail(
    state: State,
    id: web::Path<i64>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let file = kept_file(&state, id, scope).await?;
    if !thumbnail::available(&file.mime_type) {
        return Err(AppError::NotFound);
    }
    let blobs = state.blobs.clone();
    let dir = thumbnail_dir(&state);
    let jpeg = crate::web::blocking(move || -> std::io::Result<Option<Vec<u8>>> {
        let path = thumbnail::cached(&dir, &file.sha256)?;
        match std::fs::read(&path) {
            Ok(jpeg) => return Ok(Some(jpeg)),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            Err(_) => {}
        }
        if file.size_bytes.max(0) as u64 > metadata::MAX_PHOTO_BYTES {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        blobs.open(&file.sha256)?.read_to_end(&mut bytes)?;
        // A photo that does not decode has no thumbnail (the file itself is still there).
        let Ok(jpeg) = thumbnail::make(&file.mime_type, std::io::Cursor::new(bytes)) else {
            return Ok(None);
        };
        thumbnail::keep(&dir, &file.sha256, &jpeg)?;
        Ok(Some(jpeg))
    })
    .await?
    .map_err(|e| AppError::Internal(anyhow::anyhow!("thumbnail of evidence file {id}: {e}")))?
    .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/jpeg"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(jpeg))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

pub async fn retract(
    page: Page,
    state: State,
    id: web::Path<i64>,
    form: HtmlForm<ReasonForm>,
    scope: Scope,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let file = state
        .db
        .run(move |conn| scoped::find(conn, &scope, id))
        .await?
        .into_inner();
    let kind = file.kind().ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::new();
    let Some(reason) = crate::incidents::fields::reason(&form.0.reason, &mut errors) else {
        if !store::may_retract(author.viewer, &file) {
            return Err(AppError::Forbidden);
        }
        let kept = Kept {
            retraction: Some((id, form.0.reason, errors)),
            ..Default::default()
        };
        let p = build(page, &state, scope, kind, file.record_id, kept, None).await?;
        return crate::web::invalid(&p);
    };
    audit::write_alone(&state.db, move |conn| {
        store::retract(conn, &author, id, &reason)
    })
    .await?;
    Ok(see_other(&format!(
        "{}/files?done=retracted",
        kind.path(file.record_id)
    )))
}

#[derive(Template)]
#[template(path = "evidence/purge.html")]
pub struct PurgePage {
    pub page: Page,
    pub file: EvidenceFile,
    pub reason: String,
    pub errors: FormErrors,
    pub notice: Option<&'static str>,
}

/// An admin sees what a purge needs (number, hash, size, type, record), never the caption,
/// the name or the bytes.
fn purge_view(mut file: EvidenceFile) -> EvidenceFile {
    file.caption.clear();
    file.original_name.clear();
    file
}

async fn purge_page(
    page: Page,
    state: &State,
    id: i64,
    reason: String,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<PurgePage, AppError> {
    let file = state
        .db
        .run(move |conn| store::find_for_purge(conn, id))
        .await?;
    Ok(PurgePage {
        page,
        file: purge_view(file),
        reason,
        errors,
        notice,
    })
}

pub async fn purge_form(
    page: Page,
    state: State,
    id: web::Path<i64>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = (q.done.as_deref() == Some("purged")).then_some("evidence-purged");
    let p = purge_page(
        page,
        &state,
        id.into_inner(),
        String::new(),
        FormErrors::new(),
        notice,
    )
    .await?;
    crate::web::ok(&p)
}

pub async fn purge(
    page: Page,
    state: State,
    id: web::Path<i64>,
    form: HtmlForm<ReasonForm>,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut errors = FormErrors::new();
    let Some(reason) = crate::incidents::fields::reason(&form.0.reason, &mut errors) else {
        let p = purge_page(page, &state, id, form.0.reason, errors, None).await?;
        return crate::web::invalid(&p);
    };
    let actor = author.actor;
    let (file, bytes_may_go) = audit::write_alone(&state.db, move |conn| {
        store::purge(conn, &actor, id, &reason)
    })
    .await?;
    if bytes_may_go {
        let blobs = state.blobs.clone();
        let dir = thumbnail_dir(&state);
        crate::web::blocking(move || {
            thumbnail::forget(&dir, &file.sha256)?;
            blobs.remove(&file.sha256)
        })
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("purging evidence file {id}: {e}")))?;
    }
    Ok(see_other(&format!("/files/{id}/purge?done=purged")))
}

#[derive(Deserialize)]
pub struct BundleQuery {
    /// `1`: a bundle to give beyond the organisation, every photo without its metadata.
    shared: Option<String>,
}

/// `GET /incidents/{id}/evidence.zip`: the files the viewer may see, with the manifest and the
/// newest signed checkpoint (see `exports::evidence`). The export is audited before the first
/// byte goes out; the zip is written to a scratch file, then streamed.
pub async fn bundle(
    page: Page,
    state: State,
    id: web::Path<i64>,
    q: web::Query<BundleQuery>,
    scope: Scope,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let shared = q.shared.as_deref() == Some("1");
    let actor = author.actor;
    let exported_by = page.user().display_name.clone();
    let signer = state.signer.clone();
    let gathered = state
        .db
        .run(move |conn| export::gather(conn, &scope, &actor, &signer, id, shared))
        .await?;
    let blobs: Arc<dyn BlobStore> = state.blobs.clone();
    let name = format!(
        "{}-evidence{}.zip",
        gathered.reference,
        if shared { "-shared" } else { "" }
    );
    let (scratch, size) =
        crate::web::blocking(move || export::write_scratch(blobs.as_ref(), gathered, &exported_by))
            .await?
            .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence bundle: {e}")))?;
    let reader = std::fs::File::open(scratch.path())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence bundle: {e}")))?;
    Ok(attachment(&name, "application/zip").body(stream_body(Box::new(reader), size, scratch)))
}
