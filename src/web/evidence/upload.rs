//! Receiving an upload (`multipart/form-data`, several files at once, no JavaScript needed):
//! each file is streamed to disk while it is hashed, so memory stays flat whatever its size.
//! A file over the limit stops being written at the limit (the rest of the body is read and
//! dropped, so the browser gets the answer), and the form comes back with its message.

use std::sync::Arc;

use actix_multipart::Multipart;
use actix_web::web;
use futures_util::StreamExt;

use crate::blobs::{BlobStore, Incoming};
use crate::error::AppError;
use crate::evidence::metadata::{self, PhotoMetadata};
use crate::evidence::types;

/// The typed fields of the upload form, kept as typed for a re-render.
#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    pub caption: String,
    pub made_on: String,
    /// '' for "as the record".
    pub sensitivity: String,
    /// '' (the record), `claim:ID` or `event:ID`.
    pub part: String,
}

/// A file as it arrived.
pub struct Arrived {
    pub name: String,
    pub incoming: Incoming,
    pub sha256: String,
    pub mime: &'static str,
}

/// Why a file was not taken, by its name.
pub struct Refused {
    pub name: String,
    pub message_id: &'static str,
}

/// Everything a form post brought.
pub struct Received {
    pub form: UploadForm,
    pub files: Vec<Arrived>,
    pub refused: Vec<Refused>,
}

/// The most a text field of the form may hold.
const TEXT_LIMIT: usize = 16 * 1024;
/// Writes to disk are gathered into pieces of this size, each written off the async workers.
const WRITE_PIECE: usize = 256 * 1024;

fn unreadable<E>(_: E) -> AppError {
    AppError::BadRequest("error-form-unreadable")
}

/// Reads the whole form: text fields into `UploadForm`, files into the store's incoming folder.
pub async fn receive(
    mut body: Multipart,
    blobs: Arc<dyn BlobStore>,
    limit: u64,
) -> Result<Received, AppError> {
    let mut out = Received {
        form: UploadForm::default(),
        files: Vec::new(),
        refused: Vec::new(),
    };
    while let Some(field) = body.next().await {
        let mut field = field.map_err(unreadable)?;
        let (name, filename) = match field.content_disposition() {
            Some(cd) => (
                cd.get_name().unwrap_or_default().to_string(),
                cd.get_filename().map(str::to_string),
            ),
            None => (String::new(), None),
        };
        if name == "files" {
            let filename = clean_name(filename.as_deref().unwrap_or_default());
            if let Some(result) = receive_file(&mut field, &blobs, limit, filename).await? {
                match result {
                    Ok(arrived) => out.files.push(arrived),
                    Err(refused) => out.refused.push(refused),
                }
            }
            continue;
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if value.len() + chunk.len() > TEXT_LIMIT {
                return Err(AppError::TooLarge);
            }
            value.extend_from_slice(&chunk);
        }
        let value = String::from_utf8(value).map_err(unreadable)?;
        match name.as_str() {
            "caption" => out.form.caption = value,
            "made_on" => out.form.made_on = value,
            "sensitivity" => out.form.sensitivity = value,
            "part" => out.form.part = value,
            _ => {}
        }
    }
    Ok(out)
}

/// One file field: `None` when no file was chosen (browsers send an empty, nameless part).
async fn receive_file(
    field: &mut actix_multipart::Field,
    blobs: &Arc<dyn BlobStore>,
    limit: u64,
    name: String,
) -> Result<Option<Result<Arrived, Refused>>, AppError> {
    let dir = blobs.incoming_dir().to_path_buf();
    let mut incoming = Some(
        crate::web::blocking(move || Incoming::create(&dir))
            .await?
            .map_err(|e| AppError::Internal(e.into()))?,
    );
    let mut piece: Vec<u8> = Vec::with_capacity(WRITE_PIECE);
    let mut total: u64 = 0;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(unreadable)?;
        total += chunk.len() as u64;
        if total > limit {
            // Over the limit: stop keeping it, but read on so the browser hears the answer.
            incoming = None;
            piece = Vec::new();
            continue;
        }
        piece.extend_from_slice(&chunk);
        if piece.len() >= WRITE_PIECE {
            if let Some(inc) = incoming.take() {
                incoming = Some(write_piece(inc, std::mem::take(&mut piece)).await?);
            }
        }
    }
    if name.is_empty() && total == 0 {
        return Ok(None);
    }
    let Some(mut inc) = incoming else {
        return Ok(Some(Err(Refused {
            name,
            message_id: "evidence-file-too-large",
        })));
    };
    if !piece.is_empty() {
        inc = write_piece(inc, piece).await?;
    }
    if inc.size() == 0 {
        return Ok(Some(Err(Refused {
            name,
            message_id: "evidence-file-empty",
        })));
    }
    let Some(mime) = types::detect(inc.head()) else {
        return Ok(Some(Err(Refused {
            name,
            message_id: "evidence-file-type-refused",
        })));
    };
    let (inc, sha256) = crate::web::blocking(move || {
        let sha = inc.finish();
        (inc, sha)
    })
    .await?;
    let sha256 = sha256.map_err(|e| AppError::Internal(e.into()))?;
    Ok(Some(Ok(Arrived {
        name,
        incoming: inc,
        sha256,
        mime,
    })))
}

async fn write_piece(mut inc: Incoming, piece: Vec<u8>) -> Result<Incoming, AppError> {
    let (inc, written) = crate::web::blocking(move || {
        let r = inc.write(&piece);
        (inc, r)
    })
    .await?;
    written.map_err(|e| AppError::Internal(e.into()))?;
    Ok(inc)
}

/// The name as uploaded, without any folder, control characters or excess length.
fn clean_name(raw: &str) -> String {
    raw.rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .trim()
        .to_string()
}

/// The date taken and GPS position of an accepted photo, read from the upload on disk
/// before it is kept (nothing for other types, or a photo too large to read).
fn photo_metadata(a: &Arrived, size: u64) -> PhotoMetadata {
    if !types::is_image(a.mime) || size > metadata::MAX_PHOTO_BYTES {
        return PhotoMetadata::default();
    }
    match std::fs::File::open(a.incoming.path()) {
        Ok(f) => metadata::read(&mut std::io::BufReader::new(f)),
        Err(_) => PhotoMetadata::default(),
    }
}

/// Moves accepted files into the store (each under its hash), off the async workers.
pub async fn keep_all(
    blobs: Arc<dyn BlobStore>,
    files: Vec<Arrived>,
) -> Result<Vec<crate::records::store::evidence::Received>, AppError> {
    web::block(move || {
        files
            .into_iter()
            .map(|a| {
                let size = a.incoming.size();
                let photo = photo_metadata(&a, size);
                blobs.put(&a.sha256, a.incoming)?;
                Ok(crate::records::store::evidence::Received {
                    sha256: a.sha256,
                    size,
                    mime: a.mime,
                    original_name: a.name,
                    photo,
                })
            })
            .collect::<std::io::Result<Vec<_>>>()
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task: {e}")))?
    .map_err(|e| AppError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\amal\\photo.jpg"), "photo.jpg");
        assert_eq!(clean_name("../../etc/pass\nwd"), "passwd");
    }
}
