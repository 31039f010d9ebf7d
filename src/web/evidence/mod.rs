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
use diesel::prelude::*;
use serde::Deserialize;

use self::upload::{Refused, UploadForm};
use super::extract::Today;
use super::{see_other, Page, State};
use crate::audit::{self, checkpoint, AuditEvent, Event};
use crate::blobs::BlobStore;
use crate::db::schema::{audit_events, users};
use crate::db::DbConn;
use crate::domain::vocab::Sensitivity;
use crate::domain::{text, values};
use crate::error::AppError;
use crate::evidence::{bundle, size_label, EvidenceFile, RecordKind};
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

/// Display names of the people who uploaded `files`.
fn uploaders(
    conn: &mut DbConn,
    files: &[Visible<EvidenceFile>],
) -> Result<Vec<(i64, String)>, AppError> {
    let ids: Vec<i64> = files.iter().map(|f| f.uploaded_by).collect();
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?)
}

fn name_of(names: &[(i64, String)], id: i64) -> String {
    names
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
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
        .map(|f| Shown {
            uploader: name_of(&names, f.uploaded_by),
            can_retract: !f.is_retracted() && !f.is_purged() && store::may_retract(viewer, &f),
            file: f,
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
    state
        .db
        .run(move |conn| {
            audit::write(conn, |conn| {
                store::attach(conn, &author, kind, id, &description, &files)
            })
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

pub async fn download(
    state: State,
    id: web::Path<i64>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let file = state
        .db
        .run(move |conn| scoped::find(conn, &scope, id))
        .await?
        .into_inner();
    if file.is_purged() {
        return Err(AppError::NotFound);
    }
    let blobs = state.blobs.clone();
    let sha = file.sha256.clone();
    let reader = crate::web::blocking(move || blobs.open(&sha))
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence file {id}: {e}")))?;
    let size = file.size_bytes.max(0) as u64;
    Ok(attachment(&file.download_name(), &file.mime_type).body(stream_body(reader, size, ())))
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
    state
        .db
        .run(move |conn| audit::write(conn, |conn| store::retract(conn, &author, id, &reason)))
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
    let (file, bytes_may_go) = state
        .db
        .run(move |conn| audit::write(conn, |conn| store::purge(conn, &actor, id, &reason)))
        .await?;
    if bytes_may_go {
        let blobs = state.blobs.clone();
        crate::web::blocking(move || blobs.remove(&file.sha256))
            .await?
            .map_err(|e| AppError::Internal(anyhow::anyhow!("purging evidence file {id}: {e}")))?;
    }
    Ok(see_other(&format!("/files/{id}/purge?done=purged")))
}

/// The audit events that recorded `files` being attached.
fn attach_events(
    conn: &mut DbConn,
    files: &[Visible<EvidenceFile>],
) -> Result<Vec<AuditEvent>, AppError> {
    let ids: Vec<String> = files.iter().map(|f| f.id.to_string()).collect();
    Ok(audit_events::table
        .filter(audit_events::entity_type.eq("evidence_file"))
        .filter(audit_events::action.eq("evidence.attach"))
        .filter(audit_events::entity_id.eq_any(ids))
        .select(AuditEvent::as_select())
        .load(conn)?)
}

/// `GET /incidents/{id}/evidence.zip`: the files the viewer may see, with the manifest and the
/// newest signed checkpoint (signed now when the newest file came after the last one). The
/// export is audited before the first byte goes out.
pub async fn bundle(
    page: Page,
    state: State,
    id: web::Path<i64>,
    scope: Scope,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = author.actor;
    let exported_by = page.user().display_name.clone();
    let signer = state.signer.clone();
    let (reference, entries, left_out, cp) = state
        .db
        .run(move |conn| {
            let l = records::incidents::find(conn, &scope, crate::domain::IncidentId::new(id))?;
            let (files, hidden) = scoped::files(conn, &scope, RecordRef::incident(&l))?;
            let (kept, dropped): (Vec<_>, Vec<_>) = files
                .into_iter()
                .partition(|f| !f.is_retracted() && !f.is_purged());
            let events = attach_events(conn, &kept)?;
            let names = uploaders(conn, &kept)?;
            let newest = events.iter().map(|e| e.id).max().unwrap_or(0);
            let covered = checkpoint::latest(conn)?.is_some_and(|c| c.events >= newest);
            if !covered {
                checkpoint::take(conn, &signer, checkpoint::Reason::Periodic)?;
            }
            let cp = checkpoint::latest(conn)?;
            let reference = l.incident.reference.clone();
            let hashes: Vec<serde_json::Value> = kept
                .iter()
                .map(|f| serde_json::json!({ "id": f.id, "sha256": f.sha256 }))
                .collect();
            audit::write(conn, |conn| {
                audit::record(
                    conn,
                    &actor,
                    Event::new("evidence.export", "incident", id)
                        .details(serde_json::json!({ "reference": reference, "files": hashes })),
                )
            })?;
            let entries: Vec<bundle::Entry> = kept
                .into_iter()
                .map(|f| {
                    let f = f.into_inner();
                    bundle::Entry {
                        uploaded_by: name_of(&names, f.uploaded_by),
                        event: events
                            .iter()
                            .find(|e| e.entity_id == f.id.to_string())
                            .cloned(),
                        file: f,
                    }
                })
                .collect();
            Ok((reference, entries, hidden.0 + dropped.len(), cp))
        })
        .await?;
    let blobs: Arc<dyn BlobStore> = state.blobs.clone();
    let name = format!("{reference}-evidence.zip");
    let (scratch, size) = crate::web::blocking(move || -> std::io::Result<_> {
        let scratch = crate::blobs::Incoming::create(blobs.incoming_dir())?;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(scratch.path())?;
        let file = bundle::write(
            std::io::BufWriter::new(file),
            blobs.as_ref(),
            "incident",
            &reference,
            &exported_by,
            entries,
            left_out,
            cp,
        )?;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        let size = file.metadata()?.len();
        Ok((scratch, size))
    })
    .await?
    .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence bundle: {e}")))?;
    let reader = std::fs::File::open(scratch.path())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("evidence bundle: {e}")))?;
    Ok(attachment(&name, "application/zip").body(stream_body(Box::new(reader), size, scratch)))
}
