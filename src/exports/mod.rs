//! Exports of incidents, convoys and needs as CSV (optionally with a row of HXL hashtags under
//! the header) or JSON, for people whose role allows `ExportRecords`.
//!
//! Each kind is a [`Source`]: the same filters and the same visibility as its list page (the
//! list modules' `filtered` queries, which carry `permissions::visible_sql`), read in pages that
//! each cover [`PAGE_IDS`] ids, up to the highest id when the export starts. A [`Cursor`] turns
//! pages into pieces of the file one at a time (two pages at once, on two connections, when a
//! second is free: a page is independent of the one before, and reading is most of the work),
//! and [`stream`] hands those pieces to the HTTP response as they are read, so memory stays
//! constant however many rows match. Every export is recorded
//! in the audit trail, with its filters and the number of rows they match, by [`record`] before
//! the first byte is sent.

pub mod convoys;
pub mod evidence;
pub mod format;
pub mod incidents;
mod lookup;
pub mod needs;

use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::NaiveDate;
use futures_util::stream::{self, Stream, StreamExt};
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::{Db, DbConn};
use crate::error::AppError;
pub use format::{neutralise, Encoder, Format};

/// Ids one page covers (so at most this many rows).
pub const PAGE_IDS: i64 = 1000;

/// One column of an export: its name (the CSV header and the JSON key) and its HXL hashtag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub hxl: &'static str,
}

/// Shorthand for the column tables of each kind.
pub(crate) const fn col(name: &'static str, hxl: &'static str) -> Column {
    Column { name, hxl }
}

/// One value of a row. Text is the only kind that can start a spreadsheet formula, and the only
/// kind the CSV writer neutralises; numbers stay numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
    /// `yes` / `no` in CSV, `true` / `false` in JSON.
    Bool(bool),
    /// An empty field in CSV, `null` in JSON.
    Null,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// A vocabulary code (never a formula: codes are lower-case words).
    pub fn code(code: &'static str) -> Self {
        Self::Text(code.to_owned())
    }

    pub fn int(n: Option<i64>) -> Self {
        n.map_or(Self::Null, Self::Int)
    }

    pub fn float(f: Option<f64>) -> Self {
        f.filter(|f| f.is_finite()).map_or(Self::Null, Self::Float)
    }

    pub fn date(d: Option<NaiveDate>) -> Self {
        d.map_or(Self::Null, Self::Date)
    }
}

/// A kind of record that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Incidents,
    Convoys,
    Needs,
}

impl Kind {
    /// The plural name used in paths and file names.
    pub fn name(self) -> &'static str {
        match self {
            Self::Incidents => "incidents",
            Self::Convoys => "convoys",
            Self::Needs => "needs",
        }
    }

    /// The audit trail's action for an export of this kind.
    pub fn audit_action(self) -> &'static str {
        match self {
            Self::Incidents => "export.incidents",
            Self::Convoys => "export.convoys",
            Self::Needs => "export.needs",
        }
    }

    /// `corridor-incidents-2018-02-26.csv`.
    pub fn file_name(self, format: Format, on: NaiveDate) -> String {
        format!(
            "corridor-{}-{}.{}",
            self.name(),
            on.format("%Y-%m-%d"),
            format.extension()
        )
    }
}

/// The records of one kind that one person may see and that match one filter.
pub trait Source: Send + Sync + 'static {
    fn kind(&self) -> Kind;

    /// The columns, in order; every row has one cell per column.
    fn columns(&self) -> &'static [Column];

    /// How many records match (the same query as the rows, counted).
    fn count(&self, conn: &mut DbConn) -> Result<i64, AppError>;

    /// The highest id of the table (where the export stops; later records are not in it).
    fn last_id(&self, conn: &mut DbConn) -> Result<i64, AppError>;

    /// The matching records with ids above `after` and up to `upto`, in id order.
    fn page(&self, conn: &mut DbConn, after: i64, upto: i64) -> Result<Vec<Vec<Cell>>, AppError>;
}

/// Records the export in the audit trail: its filters (`filters`, the list's query string), its
/// format and the number of rows the filters match, counted in the same transaction. Returns
/// that number. Call before sending anything.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    source: &dyn Source,
    format: Format,
    filters: &str,
) -> Result<i64, AppError> {
    audit::write(conn, |conn| {
        let rows = source.count(conn)?;
        audit::record(
            conn,
            actor,
            Event::new(source.kind().audit_action(), "export", "").details(json!({
                "format": format.extension(),
                "hxl": format.is_hxl(),
                "filters": filters,
                "rows": rows,
            })),
        )?;
        Ok(rows)
    })
}

/// Walks a source page by page, turning each page into the next piece of the file.
pub struct Cursor {
    source: Arc<dyn Source>,
    encoder: Encoder,
    after: i64,
    /// The highest id when the export started, read with the first page.
    last: Option<i64>,
    done: bool,
}

impl Cursor {
    pub fn new(source: Arc<dyn Source>, format: Format) -> Self {
        let encoder = Encoder::new(format, source.columns());
        Self {
            source,
            encoder,
            after: 0,
            last: None,
            done: false,
        }
    }

    /// The start of the file (the CSV header rows, or the JSON array's opening bracket).
    pub fn head(&mut self) -> Result<Vec<u8>, AppError> {
        self.encoder.head()
    }

    /// The next piece of the file: one page of rows, or two read side by side when `second`
    /// (another connection) is given, and the end of the file after the last page; `None` once
    /// everything has been given.
    pub fn next_chunk(
        &mut self,
        conn: &mut DbConn,
        second: Option<&mut DbConn>,
    ) -> Result<Option<Vec<u8>>, AppError> {
        if self.done {
            return Ok(None);
        }
        let last = match self.last {
            Some(last) => last,
            None => *self.last.insert(self.source.last_id(conn)?),
        };
        let source = &*self.source;
        let (a, b, c) = (self.after, self.after + PAGE_IDS, self.after + 2 * PAGE_IDS);
        let mut chunk;
        match second {
            Some(other) if b < last => {
                // The second page is read and encoded on another thread meanwhile.
                let encoder = &self.encoder;
                let (first, then) = std::thread::scope(|s| {
                    let then = s.spawn(move || {
                        let rows = source.page(other, b, c)?;
                        Ok((encoder.encode_following(&rows)?, rows.len()))
                    });
                    let first = source
                        .page(conn, a, b)
                        .and_then(|rows| Ok((encoder.encode_first(&rows)?, rows.len())));
                    let then = then.join().unwrap_or_else(|_| {
                        Err(AppError::Internal(anyhow::anyhow!("an export page failed")))
                    });
                    (first, then)
                });
                let (encoded, count) = first?;
                chunk = Vec::new();
                self.encoder.append(&mut chunk, encoded, count);
                let (encoded, count) = then?;
                self.encoder.append(&mut chunk, encoded, count);
                self.after = c;
            }
            _ => {
                chunk = self.encoder.rows(&source.page(conn, a, b)?)?;
                self.after = b;
            }
        }
        let upto = self.after;
        if upto >= last {
            self.done = true;
            chunk.extend(self.encoder.tail());
        }
        Ok(Some(chunk))
    }
}

/// The whole file at once, through the same cursor as the streamed response (for tests and
/// small outputs; the web answers with [`stream`]).
pub fn render(
    conn: &mut DbConn,
    source: Arc<dyn Source>,
    format: Format,
) -> Result<Vec<u8>, AppError> {
    let mut cursor = Cursor::new(source, format);
    let mut out = cursor.head()?;
    while let Some(chunk) = cursor.next_chunk(conn, None)? {
        out.extend(chunk);
    }
    Ok(out)
}

/// The file as a stream of pieces: the head at once, then one page at a time, each read on the
/// blocking pool only when the previous piece has been taken (so a slow client never makes the
/// server hold more than one page).
pub fn stream(
    db: Db,
    source: Arc<dyn Source>,
    format: Format,
) -> impl Stream<Item = Result<Bytes, AppError>> + 'static {
    let mut cursor = Cursor::new(source, format);
    let head = cursor.head().map(Bytes::from);
    let failed = head.is_err();
    let rest = stream::unfold((!failed).then_some(cursor), move |cursor| {
        let db = db.clone();
        async move {
            let mut cursor = cursor?;
            let pool = db.clone();
            let next = db
                .run(move |conn| {
                    // A second connection only if one is free this moment: pages for everyone
                    // else come first.
                    let mut second = pool.try_conn();
                    let chunk = cursor.next_chunk(conn, second.as_deref_mut())?;
                    Ok((cursor, chunk))
                })
                .await;
            match next {
                Ok((cursor, Some(chunk))) => Some((Ok(Bytes::from(chunk)), Some(cursor))),
                Ok((_, None)) => None,
                Err(e) => {
                    // The status line has gone: all that is left is to cut the response short,
                    // so the client sees an incomplete download rather than a short file.
                    tracing::error!(error = %e, "export stopped part-way");
                    Some((Err(e), None))
                }
            }
        }
    });
    stream::once(std::future::ready(head)).chain(rest)
}
