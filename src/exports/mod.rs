//! Exports of incidents, convoys and needs as CSV (optionally with a row of HXL hashtags under
//! the header) or JSON, for people whose role allows `ExportRecords`.
//!
//! Each kind is a [`Source`]: the same filters and the same visibility as its list page (the
//! list modules' `filtered` queries, which carry `permissions::visible_sql`), read a page at a
//! time. A [`Cursor`] walks the source one of two ways, chosen by how many records the filter
//! matches: along the table, in pages that each cover [`PAGE_IDS`] ids up to the highest id
//! when the export starts, when most records match; or, when few do, through the matching ids
//! read first (a filter that keeps one record in ten would otherwise read the whole table, and
//! a word search would be run again for every page), in pages of [`PAGE_IDS`] of them. A page
//! needs nothing of the one before it, and reading is most of the work: [`stream`] reads
//! [`PAGES_AT_ONCE`] at a time, each on its own connection, and hands their rows to the HTTP
//! response in order as they are read, so memory stays bounded however many rows match (those
//! pages, and the ids, eight bytes each, at most).
//! Every export is recorded in the audit trail, with its filters and the number of rows they
//! match, by [`record`] before the first byte is sent.

pub mod convoys;
pub mod evidence;
pub mod format;
pub mod incidents;
mod lookup;
pub mod needs;

use std::collections::VecDeque;
use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::NaiveDate;
use futures_util::stream::{self, Stream, StreamExt};
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::{Db, DbConn};
use crate::error::AppError;
pub(crate) use format::col;
pub use format::{neutralise, Cell, Column, Encoder, Format, Rows};

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
    /// Along the table, ids above `after` up to `last` (the highest id when the export
    /// started).
    Range { after: i64, last: i64 },
    /// Through the matching ids, read when the export started; `at` is the next one.
    Ids { ids: Arc<[i64]>, at: usize },
}

impl Walk {
    /// Along the table when at least half its ids match (`matching` of them): reading every
    /// id first would then cost more than the rows it saves. Otherwise through the ids.
    fn choose(source: &dyn Source, matching: i64, conn: &mut DbConn) -> Result<Self, AppError> {
        let last = source.last_id(conn)?;
        Ok(if matching.saturating_mul(2) >= last {
            Self::Range { after: 0, last }
        } else {
            Self::Ids {
                ids: source.ids(conn)?.into(),
                at: 0,
            }
        })
    }
}

/// One page of a walk, owned: it is read on a thread of its own.
#[derive(Debug, Clone)]
pub enum Page {
    /// Ids above the first up to the second.
    Range(i64, i64),
    /// These of the matching ids (`ids[start..end]`).
    Ids(Arc<[i64]>, usize, usize),
}

impl Page {
    fn span(&self) -> Span<'_> {
        match self {
            Self::Range(after, upto) => Span::Range(*after, *upto),
            Self::Ids(ids, start, end) => Span::Ids(&ids[*start..*end]),
        }
    }
}

/// Walks a source page by page. Pages are read apart from the cursor and from each other
/// ([`Cursor::reader`]; [`stream`] reads several at once), and given back in order
/// ([`Cursor::add`]) to be turned into the file's next piece.
pub struct Cursor {
    source: Arc<dyn Source>,
    encoder: Encoder,
    /// How many records the filter matched when the export was recorded (it chooses the walk).
    matching: i64,
    /// `None` until [`Cursor::start`].
    walk: Option<Walk>,
}

/// Reads pages of one cursor's source into pieces of its file, on any thread.
#[derive(Clone)]
pub struct Reader {
    source: Arc<dyn Source>,
    encoder: Encoder,
}

/// A page's rows as bytes, and how many rows they are.
pub type Piece = (Vec<u8>, usize);

impl Reader {
    /// The rows of `page`, read on `conn`, as a piece to give to [`Cursor::add`].
    pub fn read(&self, conn: &mut DbConn, page: &Page) -> Result<Piece, AppError> {
        let mut rows = self.encoder.rows();
        self.source.page(conn, page.span(), &mut rows)?;
        rows.finish()
    }
}

impl Cursor {
    /// `matching`: the count [`record`] returned.
    pub fn new(source: Arc<dyn Source>, format: Format, matching: i64) -> Self {
        let encoder = Encoder::new(format, source.columns());
        Self {
            source,
            encoder,
            matching,
            walk: None,
        }
    }

    /// The start of the file (the CSV header rows, or the JSON array's opening bracket).
    pub fn head(&mut self) -> Result<Vec<u8>, AppError> {
        self.encoder.head()
    }

    /// What chooses the walk ([`Walk::choose`]), to run on a connection (a blocking thread's,
    /// for a streamed export) and give to [`Cursor::start`].
    fn choosing(&self) -> impl FnOnce(&mut DbConn) -> Result<Walk, AppError> + Send + 'static {
        let (source, matching) = (self.source.clone(), self.matching);
        move |conn| Walk::choose(&*source, matching, conn)
    }

    /// Starts the walk `choosing` chose.
    fn start(&mut self, walk: Walk) {
        self.walk = Some(walk);
    }

    /// The next page to read, `None` after the last (or before [`Cursor::start`]).
    pub fn next_page(&mut self) -> Option<Page> {
        match self.walk.as_mut()? {
            Walk::Range { after, last } if *after < *last => {
                let page = Page::Range(*after, *after + PAGE_IDS);
                *after += PAGE_IDS;
                Some(page)
            }
            Walk::Ids { ids, at } if *at < ids.len() => {
                let end = (*at + PAGE_IDS as usize).min(ids.len());
                let page = Page::Ids(ids.clone(), *at, end);
                *at = end;
                Some(page)
            }
            _ => None,
        }
    }

    /// What reads this cursor's pages.
    pub fn reader(&self) -> Reader {
        Reader {
            source: self.source.clone(),
            encoder: self.encoder.clone(),
        }
    }

    /// The next piece of the file: `piece`, a page read by [`Cursor::reader`], given in the
    /// order [`Cursor::next_page`] gave the pages.
    pub fn add(&mut self, piece: Piece) -> Vec<u8> {
        self.encoder.placed(piece.0, piece.1)
    }

    /// The end of the file, after the last page.
    pub fn tail(&mut self) -> Vec<u8> {
        self.encoder.tail()
    }
}

/// The whole file at once, through the same cursor as the streamed response, one page after
/// another (for tests and small outputs; the web answers with [`stream`]).
pub fn render(
    conn: &mut DbConn,
    source: Arc<dyn Source>,
    format: Format,
) -> Result<Vec<u8>, AppError> {
    let matching = source.count(conn)?;
    let mut cursor = Cursor::new(source, format, matching);
    let mut out = cursor.head()?;
    let walk = cursor.choosing()(conn)?;
    cursor.start(walk);
    let reader = cursor.reader();
    while let Some(page) = cursor.next_page() {
        let piece = reader.read(conn, &page)?;
        out.extend(cursor.add(piece));
    }
    out.extend(cursor.tail());
    Ok(out)
}

/// Pages read at once by one export: each on a blocking thread with a connection of its own,
/// taken from the pool in turn with everyone else's requests. Reading is most of an export's
/// work and a page needs nothing of the one before it, so on two cores two pages at once keep
/// both busy. Three were no faster at a million incidents (5.5–6.4 s against 5.7–7.2, runs
/// alternating) and held 10 MB more of the server's memory.
pub const PAGES_AT_ONCE: usize = 2;

/// The file as a stream of pieces: the head at once, then each page's rows as they are read,
/// in order, with [`PAGES_AT_ONCE`] pages being read meanwhile (the next one starts as one is
/// handed over). However large the export or slow the client, the server holds those pages
/// and the piece being sent, no more. `matching`: the count [`record`] returned.
pub fn stream(
    db: Db,
    source: Arc<dyn Source>,
    format: Format,
    matching: i64,
) -> impl Stream<Item = Result<Bytes, AppError>> + 'static {
    let mut cursor = Cursor::new(source, format, matching);
    let head = cursor.head().map(Bytes::from);
    let state = head.is_ok().then(|| Reading {
        db,
        cursor,
        pending: VecDeque::new(),
        ended: false,
    });
    let rest = stream::unfold(state, |state| async move {
        let mut state = state?;
        match state.next_piece().await {
            Ok(Some(piece)) => Some((Ok(Bytes::from(piece)), Some(state))),
            Ok(None) => None,
            Err(e) => {
                // The status line has gone: all that is left is to cut the response short,
                // so the client sees an incomplete download rather than a short file.
                tracing::error!(error = %e, "export stopped part-way");
                Some((Err(e), None))
            }
        }
    });
    stream::once(std::future::ready(head)).chain(rest)
}

/// A page being read on the blocking pool.
type Pending = actix_web::rt::task::JoinHandle<Result<Piece, AppError>>;

/// A streamed export part-way: the cursor and the pages being read, oldest first.
struct Reading {
    db: Db,
    cursor: Cursor,
    pending: VecDeque<Pending>,
    /// Whether the end of the file has been given.
    ended: bool,
}

impl Reading {
    /// The next piece of the file (the tail after the last page); `None` once it has all been
    /// given. Dropped part-way (the client went), the pages being read are read and thrown away.
    async fn next_piece(&mut self) -> Result<Option<Vec<u8>>, AppError> {
        if self.cursor.walk.is_none() {
            let walk = self.db.read(self.cursor.choosing()).await?;
            self.cursor.start(walk);
            self.read_ahead();
        }
        let Some(pending) = self.pending.pop_front() else {
            // After the last page, the end of the file once.
            return Ok((!std::mem::replace(&mut self.ended, true)).then(|| self.cursor.tail()));
        };
        let piece = pending
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("an export page failed: {e}")))??;
        // The next page starts before this one is sent.
        self.read_ahead();
        Ok(Some(self.cursor.add(piece)))
    }

    /// Starts reading pages until [`PAGES_AT_ONCE`] are.
    fn read_ahead(&mut self) {
        while self.pending.len() < PAGES_AT_ONCE {
            let Some(page) = self.cursor.next_page() else {
                return;
            };
            let (db, reader) = (self.db.clone(), self.cursor.reader());
            self.pending.push_back(actix_web::rt::spawn(async move {
                db.read(move |conn| reader.read(conn, &page)).await
            }));
        }
    }
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
    /// one after another or out of order on two connections, across page boundaries and an
    /// odd last page.
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
                // Pages read one after another, or all first and in reverse on two
                // connections (as pages read at once may finish), then added in order.
                for side_by_side in [false, true] {
                    let (mut one, mut two) = (conn(), conn());
                    let mut cursor = Cursor::new(source.clone(), Format::Json, matching);
                    let mut out = cursor.head().unwrap();
                    let walk = cursor.choosing()(&mut one).unwrap();
                    cursor.start(walk);
                    let reader = cursor.reader();
                    let pages: Vec<Page> = std::iter::from_fn(|| cursor.next_page()).collect();
                    let pieces: Vec<Piece> = if side_by_side {
                        let mut pieces: Vec<Piece> = pages
                            .iter()
                            .enumerate()
                            .rev()
                            .map(|(n, page)| {
                                let conn = if n % 2 == 1 { &mut two } else { &mut one };
                                reader.read(conn, page).unwrap()
                            })
                            .collect();
                        pieces.reverse();
                        pieces
                    } else {
                        pages
                            .iter()
                            .map(|page| reader.read(&mut one, page).unwrap())
                            .collect()
                    };
                    for piece in pieces {
                        out.extend(cursor.add(piece));
                    }
                    out.extend(cursor.tail());
                    let read: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
                    let read: Vec<i64> = read.iter().map(|r| r["id"].as_i64().unwrap()).collect();
                    assert_eq!(read, expected, "{last} {every} {matching} {side_by_side}");
                }
            }
        }
    }
}
