//! Exports of incidents, convoys and needs as CSV (optionally with a row of HXL hashtags under
//! the header) or JSON, for people whose role allows `ExportRecords`.
//!
//! Each kind is a [`Source`]: the same filters and the same visibility as its list page (the
//! list modules' `filtered` queries, which carry `permissions::visible_sql`), read a page at a
//! time. A [`Cursor`] walks the source one of two ways, chosen by how many records the filter
//! matches: along the table, in pages that each cover [`PAGE_IDS`] ids up to the highest id
//! when the export starts, when most records match; or, when few do, through the matching ids
//! read first (a filter that keeps one record in ten would otherwise read the whole table, and
//! a word search would be run again for every page), in pages of [`PAGE_IDS`] of them. Either
//! way it turns pages into pieces of the file one at a time (two pages at once, on two
//! connections, when a second is free: a page is independent of the one before, and reading
//! is most of the work), and [`stream`] hands those pieces to the HTTP response as they are
//! read, so memory stays bounded however many rows match (the ids, eight bytes each, at most).
//! Every export is recorded in the audit trail, with its filters and the number of rows they
//! match, by [`record`] before the first byte is sent.

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
pub use format::{neutralise, Encoder, Format, Rows};

/// Ids one page covers (so at most this many rows).
pub const PAGE_IDS: i64 = 1000;

/// Which records one page reads.
#[derive(Debug, Clone, Copy)]
pub enum Span<'a> {
    /// Those with ids above the first and up to the second (a walk along the table).
    Range(i64, i64),
    /// Those with these ids, read beforehand as matching the filter (`Source::ids`). The page
    /// still applies the viewer's visibility and the filter's conditions on the row (a record
    /// may have changed since); a word search need not be run again, the ids answered it.
    Ids(&'a [i64]),
}

impl Span<'_> {
    /// The span as a condition on the id column `column` of a kind's table.
    pub fn condition<T, C>(self, column: C) -> crate::db::BoxedCondition<T>
    where
        C: diesel::Column<Table = T, SqlType = diesel::sql_types::BigInt>
            + diesel::expression::ValidGrouping<
                (),
                IsAggregate = diesel::expression::is_aggregate::No,
            > + diesel::query_builder::QueryFragment<crate::db::Backend>
            + diesel::SelectableExpression<T>
            + Copy
            + Send
            + 'static,
    {
        use diesel::{BoolExpressionMethods, ExpressionMethods};
        match self {
            Self::Range(after, upto) => Box::new(column.gt(after).and(column.le(upto))),
            Self::Ids(ids) => Box::new(crate::db::one_of(column, ids)),
        }
    }
}

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

/// One value of a row, borrowed from what the page read (an export writes millions: text is
/// never copied into a cell). Text is the only kind that can start a spreadsheet formula, and
/// the only kind the CSV writer neutralises; numbers stay numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
    /// `yes` / `no` in CSV, `true` / `false` in JSON.
    Bool(bool),
    /// An empty field in CSV, `null` in JSON.
    Null,
}

impl<'a> Cell<'a> {
    pub fn text(s: &'a str) -> Self {
        Self::Text(s)
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

    /// The highest id of the table (where a walk along it stops; later records are not in the
    /// export).
    fn last_id(&self, conn: &mut DbConn) -> Result<i64, AppError>;

    /// The ids of the matching records, in order (the same query as the rows).
    fn ids(&self, conn: &mut DbConn) -> Result<Vec<i64>, AppError>;

    /// Writes the matching records of `span` to `rows`, in id order, one cell per column.
    fn page(&self, conn: &mut DbConn, span: Span<'_>, rows: &mut Rows<'_>) -> Result<(), AppError>;
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

/// How a cursor goes through the matching records.
enum Walk {
    /// Not started: how is chosen with the first page.
    Unread,
    /// Along the table, ids above `after` up to `last` (the highest id when the export
    /// started).
    Range { after: i64, last: i64 },
    /// Through the matching ids, read when the export started; `at` is the next one.
    Ids { ids: Vec<i64>, at: usize },
}

/// Walks a source page by page, turning each page into the next piece of the file.
pub struct Cursor {
    source: Arc<dyn Source>,
    encoder: Encoder,
    /// How many records the filter matched when the export was recorded (it chooses the walk).
    matching: i64,
    walk: Walk,
    done: bool,
}

impl Cursor {
    /// `matching`: the count [`record`] returned.
    pub fn new(source: Arc<dyn Source>, format: Format, matching: i64) -> Self {
        let encoder = Encoder::new(format, source.columns());
        Self {
            source,
            encoder,
            matching,
            walk: Walk::Unread,
            done: false,
        }
    }

    /// The start of the file (the CSV header rows, or the JSON array's opening bracket).
    pub fn head(&mut self) -> Result<Vec<u8>, AppError> {
        self.encoder.head()
    }

    /// Chooses the walk. Along the table when at least half its ids match: reading every id
    /// first would then cost more than the rows it saves. Otherwise through the ids.
    fn start(&self, conn: &mut DbConn) -> Result<Walk, AppError> {
        let last = self.source.last_id(conn)?;
        Ok(if self.matching.saturating_mul(2) >= last {
            Walk::Range { after: 0, last }
        } else {
            Walk::Ids {
                ids: self.source.ids(conn)?,
                at: 0,
            }
        })
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
        if matches!(self.walk, Walk::Unread) {
            self.walk = self.start(conn)?;
        }
        // The next page's span, and the one after it if there is one.
        let page = PAGE_IDS as usize;
        let (first, then) = match &self.walk {
            Walk::Unread => unreachable!("the walk was chosen above"),
            Walk::Range { after, last } => {
                let (a, b, c) = (*after, after + PAGE_IDS, after + 2 * PAGE_IDS);
                (Span::Range(a, b), (b < *last).then_some(Span::Range(b, c)))
            }
            Walk::Ids { ids, at } => {
                let (first, rest) = ids[*at..].split_at((ids.len() - at).min(page));
                let then = &rest[..rest.len().min(page)];
                (
                    Span::Ids(first),
                    (!then.is_empty()).then_some(Span::Ids(then)),
                )
            }
        };
        let source = &*self.source;
        let read = |conn: &mut DbConn, span, mut rows: Rows<'_>| {
            source.page(conn, span, &mut rows)?;
            rows.finish()
        };
        let mut chunk = Vec::new();
        let mut both = false;
        match (second, then) {
            (Some(other), Some(then)) => {
                // The second page is read and encoded on another thread meanwhile.
                let encoder = &self.encoder;
                let (first, then) = std::thread::scope(|s| {
                    let then = s.spawn(move || read(other, then, encoder.following_rows()));
                    let first = read(conn, first, encoder.first_rows());
                    let then = then.join().unwrap_or_else(|_| {
                        Err(AppError::Internal(anyhow::anyhow!("an export page failed")))
                    });
                    (first, then)
                });
                let (encoded, count) = first?;
                self.encoder.append(&mut chunk, encoded, count);
                let (encoded, count) = then?;
                self.encoder.append(&mut chunk, encoded, count);
                both = true;
            }
            _ => {
                let (encoded, count) = read(conn, first, self.encoder.first_rows())?;
                self.encoder.append(&mut chunk, encoded, count);
            }
        }
        let finished = match &mut self.walk {
            Walk::Unread => unreachable!("the walk was chosen above"),
            Walk::Range { after, last } => {
                *after += if both { 2 * PAGE_IDS } else { PAGE_IDS };
                *after >= *last
            }
            Walk::Ids { ids, at } => {
                *at = (*at + if both { 2 * page } else { page }).min(ids.len());
                *at == ids.len()
            }
        };
        if finished {
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
    let matching = source.count(conn)?;
    let mut cursor = Cursor::new(source, format, matching);
    let mut out = cursor.head()?;
    while let Some(chunk) = cursor.next_chunk(conn, None)? {
        out.extend(chunk);
    }
    Ok(out)
}

/// The file as a stream of pieces: the head at once, then one page at a time, each read on the
/// blocking pool only when the previous piece has been taken (so a slow client never makes the
/// server hold more than one page). `matching`: the count [`record`] returned.
pub fn stream(
    db: Db,
    source: Arc<dyn Source>,
    format: Format,
    matching: i64,
) -> impl Stream<Item = Result<Bytes, AppError>> + 'static {
    let mut cursor = Cursor::new(source, format, matching);
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

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::{Connection, SqliteConnection};

    /// Records with ids 1 to `last`, of which those divisible by `every` match; a row is its id.
    /// Which ids each page was asked for is checked against the span, not the database.
    struct Every {
        last: i64,
        every: i64,
    }

    impl Source for Every {
        fn kind(&self) -> Kind {
            Kind::Incidents
        }

        fn columns(&self) -> &'static [Column] {
            const COLUMNS: &[Column] = &[col("id", "#meta+id")];
            COLUMNS
        }

        fn count(&self, _: &mut DbConn) -> Result<i64, AppError> {
            Ok(self.last / self.every)
        }

        fn last_id(&self, _: &mut DbConn) -> Result<i64, AppError> {
            Ok(self.last)
        }

        fn ids(&self, _: &mut DbConn) -> Result<Vec<i64>, AppError> {
            Ok((1..=self.last).filter(|id| id % self.every == 0).collect())
        }

        fn page(
            &self,
            _: &mut DbConn,
            span: Span<'_>,
            rows: &mut Rows<'_>,
        ) -> Result<(), AppError> {
            let ids: Vec<i64> = match span {
                Span::Range(after, upto) => ((after + 1)..=upto.min(self.last)).collect(),
                Span::Ids(ids) => {
                    assert!(
                        ids.len() as i64 <= PAGE_IDS,
                        "a page of at most PAGE_IDS ids"
                    );
                    ids.to_vec()
                }
            };
            for id in ids.into_iter().filter(|id| id % self.every == 0) {
                rows.push(&[Cell::Int(id)])?;
            }
            Ok(())
        }
    }

    fn conn() -> DbConn {
        DbConn::Sqlite(SqliteConnection::establish(":memory:").unwrap())
    }

    /// Every matching record once, in order, whichever walk the count chooses, with pages read
    /// one at a time or two side by side, across page boundaries and an odd last page.
    #[test]
    fn both_walks_give_every_matching_record_once_in_order() {
        for (last, every) in [
            (5_500, 1),
            (5_500, 3),
            (2_001, 2),
            (1, 1),
            (0, 1),
            (999, 1000),
        ] {
            let source = Arc::new(Every { last, every });
            let expected: Vec<i64> = (1..=last).filter(|id| id % every == 0).collect();
            // The count the audit recorded chooses the walk: all of them along the table, none
            // through the ids.
            for matching in [last, 0] {
                for second in [false, true] {
                    let (mut one, mut two) = (conn(), conn());
                    let mut cursor = Cursor::new(source.clone(), Format::Json, matching);
                    let mut out = cursor.head().unwrap();
                    while let Some(chunk) = cursor
                        .next_chunk(&mut one, second.then_some(&mut two))
                        .unwrap()
                    {
                        out.extend(chunk);
                    }
                    let read: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
                    let read: Vec<i64> = read.iter().map(|r| r["id"].as_i64().unwrap()).collect();
                    assert_eq!(read, expected, "{last} {every} {matching} {second}");
                }
            }
        }
    }
}
