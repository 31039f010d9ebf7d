//! Where the bytes of evidence files are kept: content-addressed by SHA-256, never changed once
//! written. The application holds a `dyn BlobStore`, so a shared object store (S3-compatible,
//! for several app nodes) can stand beside the folder kept in the data directory. Uploads are
//! first streamed into a `Incoming` file while they are hashed, so memory stays flat whatever
//! the size; only a complete, hashed and accepted file is handed to `put`.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub mod object;

/// The store the settings name: the object store at `store_url`, or else the folder `dir`
/// (uploads arrive in `dir/incoming` in either case).
pub fn open(store_url: Option<&str>, dir: &Path) -> io::Result<std::sync::Arc<dyn BlobStore>> {
    Ok(match store_url {
        Some(url) => std::sync::Arc::new(object::ObjectStoreBlobs::from_url(
            url,
            dir.join("incoming"),
        )?),
        None => std::sync::Arc::new(FolderStore::new(dir)?),
    })
}

/// A store of immutable blobs named by their SHA-256 (64 lower-case hex characters).
pub trait BlobStore: Send + Sync {
    /// A folder on local disk where uploads are written while they arrive.
    fn incoming_dir(&self) -> &Path;
    /// Keeps the finished upload `file` under `sha256` (the caller hashed it). Keeping a blob
    /// that is already there is not an error: the same bytes have the same name.
    fn put(&self, sha256: &str, file: Incoming) -> io::Result<()>;
    /// Opens a blob for reading; `NotFound` when it is absent (purged, or never kept).
    fn open(&self, sha256: &str) -> io::Result<Box<dyn Read + Send>>;
    /// Removes a blob (an admin's purge); absent already is fine.
    fn remove(&self, sha256: &str) -> io::Result<()>;
    /// Where the store keeps its blobs, in words (for messages and the README's promises).
    fn describe(&self) -> String;
    /// Kept in an object store, outside the data folder (backups say so).
    fn is_object_store(&self) -> bool {
        false
    }
}

/// Is `name` a SHA-256 in hex, as blob names are? Keeps anything else out of paths.
pub fn is_sha256(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The SHA-256 of everything `reader` yields, in hex, read in 64 KiB pieces.
pub fn sha256_of(mut reader: impl Read) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0_u8; 64 * 1024];
    let mut size = 0_u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// An upload being written to disk and hashed as it arrives. Dropped before `finish`, its file
/// is removed: a refused or interrupted upload leaves nothing behind.
pub struct Incoming {
    path: PathBuf,
    file: Option<File>,
    hasher: Sha256,
    size: u64,
    /// The first bytes, kept for detecting the file's type.
    head: Vec<u8>,
}

/// How many of the first bytes are kept for type detection.
pub const HEAD_BYTES: usize = 8 * 1024;

impl Incoming {
    /// A new, empty upload file in `dir` (created if needed), readable only by its owner.
    pub fn create(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        let name = format!("upload-{}", hex::encode(rand::random::<[u8; 16]>()));
        let path = dir.join(name);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        Ok(Self {
            path,
            file: Some(file),
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
        })
    }

    /// Appends a piece of the upload.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
        }
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
        match &mut self.file {
            Some(f) => f.write_all(bytes),
            None => Err(io::Error::other("upload already finished")),
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Flushes the file to disk and gives its SHA-256; the upload is then ready for `put`.
    pub fn finish(&mut self) -> io::Result<String> {
        if let Some(f) = self.file.take() {
            f.sync_all()?;
        }
        Ok(hex::encode(self.hasher.clone().finalize()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        // Gone already when `put` moved it into a store.
        let _ = fs::remove_file(&self.path);
    }
}

/// Blobs in a folder: `ab/abcdef…` (two-character fan-out), uploads in `incoming/` beside them
/// on the same file system, so keeping one is a rename.
pub struct FolderStore {
    root: PathBuf,
    incoming: PathBuf,
}

impl FolderStore {
    pub fn new(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        let incoming = root.join("incoming");
        fs::create_dir_all(&incoming)?;
        Ok(Self { root, incoming })
    }

    /// The file a blob is kept in.
    pub fn path_of(&self, sha256: &str) -> io::Result<PathBuf> {
        if !is_sha256(sha256) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a SHA-256 name",
            ));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }
}

impl BlobStore for FolderStore {
    fn incoming_dir(&self) -> &Path {
        &self.incoming
    }

    fn put(&self, sha256: &str, file: Incoming) -> io::Result<()> {
        let target = self.path_of(sha256)?;
        if target.exists() {
            return Ok(());
        }
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::rename(file.path(), &target)?;
        // Kept files are never written again.
        let mut perms = fs::metadata(&target)?.permissions();
        perms.set_readonly(true);
        fs::set_permissions(&target, perms)?;
        Ok(())
    }

    fn open(&self, sha256: &str) -> io::Result<Box<dyn Read + Send>> {
        Ok(Box::new(File::open(self.path_of(sha256)?)?))
    }

    fn remove(&self, sha256: &str) -> io::Result<()> {
        match fs::remove_file(self.path_of(sha256)?) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn describe(&self) -> String {
        format!("the folder {}", self.root.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_upload_reads_back_under_its_hash_and_a_dropped_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = FolderStore::new(dir.path()).unwrap();
        let mut up = Incoming::create(store.incoming_dir()).unwrap();
        up.write(b"checkpoint photo").unwrap();
        let sha = up.finish().unwrap();
        assert_eq!(sha, sha256_of(&b"checkpoint photo"[..]).unwrap().0);
        store.put(&sha, up).unwrap();
        let mut back = String::new();
        store.open(&sha).unwrap().read_to_string(&mut back).unwrap();
        assert_eq!(back, "checkpoint photo");

        let mut refused = Incoming::create(store.incoming_dir()).unwrap();
        refused.write(b"half").unwrap();
        drop(refused);
        assert_eq!(fs::read_dir(store.incoming_dir()).unwrap().count(), 0);
        assert!(store.path_of("../../etc/passwd").is_err());
    }
}
