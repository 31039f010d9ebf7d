//! Blobs in an S3-compatible object store (AWS S3, MinIO, Ceph, Garage…), for several app
//! nodes sharing one store, through the `object_store` crate (rustls, no OpenSSL). Configured
//! by a URL: `s3://BUCKET/PREFIX?endpoint=https://…&region=…`; the query takes the crate's S3
//! options by name (`endpoint`, `region`, `access_key_id`, `secret_access_key`,
//! `allow_http`, `virtual_hosted_style_request`, …). Credentials are better given as the usual
//! `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` environment variables, which are read too.
//!
//! The `BlobStore` trait is blocking (it is called from blocking threads and the command
//! line), so the store keeps a small runtime of its own for the crate's async calls. Uploads
//! go in parts of `PART` bytes, two in flight at most, and downloads are read a piece at a
//! time: memory stays flat whatever the size of a file.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};

use super::{is_sha256, BlobStore, Incoming};

/// The size of each part of a multipart upload (S3's smallest allowed part is 5 MiB).
const PART: usize = 8 * 1024 * 1024;

pub struct ObjectStoreBlobs {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    incoming: PathBuf,
    runtime: Option<tokio::runtime::Runtime>,
    description: String,
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn to_io(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, e),
        other => io::Error::other(other),
    }
}

impl ObjectStoreBlobs {
    /// A store from its URL; uploads arrive in `incoming` (a local folder) first.
    pub fn from_url(url: &str, incoming: PathBuf) -> io::Result<Self> {
        let parsed = url::Url::parse(url).map_err(|e| invalid(format!("{e}")))?;
        if parsed.scheme() != "s3" {
            return Err(invalid(format!(
                "'{}://' is not an object store Corridor knows: give s3://BUCKET/PREFIX?endpoint=…",
                parsed.scheme()
            )));
        }
        let bucket = parsed
            .host_str()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| invalid("the URL names no bucket (s3://BUCKET/…)".into()))?;
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        let mut endpoint = String::new();
        for (key, value) in parsed.query_pairs() {
            let config: AmazonS3ConfigKey =
                key.parse()
                    .or_else(|_| format!("aws_{key}").parse())
                    .map_err(|_| invalid(format!("unknown object store option '{key}'")))?;
            if matches!(config, AmazonS3ConfigKey::Endpoint) {
                endpoint = value.to_string();
            }
            builder = builder.with_config(config, value.to_string());
        }
        let store = builder.build().map_err(|e| invalid(e.to_string()))?;
        let prefix = parsed.path().trim_matches('/').to_string();
        std::fs::create_dir_all(&incoming)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("corridor-object-store")
            .enable_all()
            .build()?;
        // Never the credentials: only where the files are.
        let description = format!(
            "the object store s3://{bucket}/{prefix}{}",
            if endpoint.is_empty() {
                String::new()
            } else {
                format!(" at {endpoint}")
            }
        );
        Ok(Self {
            store: Arc::new(store),
            prefix,
            incoming,
            runtime: Some(runtime),
            description,
        })
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        self.runtime
            .as_ref()
            .expect("the runtime lives as long as the store")
    }

    /// The object a blob is kept as: `PREFIX/ab/abcdef…`, as in the folder store.
    fn path_of(&self, sha256: &str) -> io::Result<ObjectPath> {
        if !is_sha256(sha256) {
            return Err(invalid("not a SHA-256 name".into()));
        }
        let key = format!("{}/{sha256}", &sha256[..2]);
        Ok(if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        })
    }

    async fn upload(&self, path: &ObjectPath, local: &Path) -> io::Result<()> {
        if self.store.head(path).await.is_ok() {
            return Ok(());
        }
        let mut file = std::fs::File::open(local)?;
        let size = file.metadata()?.len();
        if size <= PART as u64 {
            let mut bytes = Vec::with_capacity(size as usize);
            file.read_to_end(&mut bytes)?;
            self.store
                .put(path, PutPayload::from(bytes))
                .await
                .map_err(to_io)?;
            return Ok(());
        }
        let upload = self.store.put_multipart(path).await.map_err(to_io)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut buf = vec![0_u8; 1024 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            writer.wait_for_capacity(2).await.map_err(to_io)?;
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(to_io)?;
        Ok(())
    }
}

impl Drop for ObjectStoreBlobs {
    fn drop(&mut self) {
        // The store may be dropped inside the web server's async context, where a runtime
        // may not block to shut down.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// A blob being read: the next piece is fetched when the last one is used up.
struct ObjectReader {
    stream: BoxStream<'static, object_store::Result<bytes::Bytes>>,
    piece: bytes::Bytes,
    handle: tokio::runtime::Handle,
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.piece.is_empty() {
            match self.handle.block_on(self.stream.next()) {
                None => return Ok(0),
                Some(Ok(piece)) => self.piece = piece,
                Some(Err(e)) => return Err(to_io(e)),
            }
        }
        let n = buf.len().min(self.piece.len());
        buf[..n].copy_from_slice(&self.piece[..n]);
        let _ = self.piece.split_to(n);
        Ok(n)
    }
}

impl BlobStore for ObjectStoreBlobs {
    fn incoming_dir(&self) -> &Path {
        &self.incoming
    }

    fn put(&self, sha256: &str, file: Incoming) -> io::Result<()> {
        let path = self.path_of(sha256)?;
        self.runtime().block_on(self.upload(&path, file.path()))
        // `file` is dropped here: the local copy is removed once the object is kept.
    }

    fn open(&self, sha256: &str) -> io::Result<Box<dyn Read + Send>> {
        let path = self.path_of(sha256)?;
        let found = self
            .runtime()
            .block_on(self.store.get(&path))
            .map_err(to_io)?;
        Ok(Box::new(ObjectReader {
            stream: found.into_stream(),
            piece: bytes::Bytes::new(),
            handle: self.runtime().handle().clone(),
        }))
    }

    fn remove(&self, sha256: &str) -> io::Result<()> {
        let path = self.path_of(sha256)?;
        match self.runtime().block_on(self.store.delete(&path)) {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(e) => Err(to_io(e)),
        }
    }

    fn describe(&self) -> String {
        self.description.clone()
    }

    fn is_object_store(&self) -> bool {
        true
    }
}
