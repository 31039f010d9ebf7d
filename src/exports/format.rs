//! An export's columns and cells, and writing rows of them as CSV (RFC 4180, UTF-8, with
//! formula injection neutralised) or as a JSON array of objects. Text is written as it is
//! stored: these are data files, not pages, so nothing is HTML-escaped.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::error::AppError;

/// The file format asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// With `hxl`, a second row of HXL hashtags under the header (and every text on one line).
    Csv {
        hxl: bool,
    },
    Json,
    /// HXL's JSON form: an array of arrays, the first holding the same hashtags as the CSV's
    /// HXL row, then one array of values per record (text on one line, as in the HXL CSV).
    HxlJson,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv { .. } => "csv",
            Self::Json => "json",
            Self::HxlJson => "hxl.json",
        }
    }

    /// The HXL forms are read by HXL tools, which warn about text with line breaks or runs of
    /// spaces: there, text is written on one line ([`one_line`]).
    pub fn is_hxl(self) -> bool {
        matches!(self, Self::Csv { hxl: true } | Self::HxlJson)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv { .. } => "text/csv; charset=utf-8",
            Self::Json | Self::HxlJson => "application/json",
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

/// Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
/// before one) as a formula, and a formula can fetch URLs or run commands. Such text gets a
/// leading apostrophe, which spreadsheets show as text and hide.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Text on one line, for the HXL forms: each line's runs of white space become one space,
/// and lines are joined by "; " (or a space after a line that ends in punctuation), so a
/// cargo list reads "Trauma kits (health): 40 kits; Food parcels (food): 5000 parcels". The
/// plain CSV and JSON keep the text exactly as stored.
pub fn one_line(text: &str) -> Cow<'_, str> {
    let tidy = !text.contains(|c: char| c.is_whitespace() && c != ' ')
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ");
    if tidy {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let lines = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty());
    for line in lines {
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', ';', ':', '!', '?', ',']) {
                " "
            } else {
                "; "
            });
        }
        out.push_str(&line);
    }
    Cow::Owned(out)
}

impl Cell<'_> {
    /// The CSV field: text neutralised (and on one line for HXL), dates in ISO 8601, numbers
    /// as numbers. Numbers and dates are written into `scratch` (reused from cell to cell: an
    /// export writes millions).
    fn csv_field<'a>(&'a self, scratch: &'a mut String, hxl: bool) -> &'a [u8] {
        use std::fmt::Write;
        scratch.clear();
        // Writing to a String cannot fail.
        let _ = match self {
            Self::Text(s) if hxl => {
                *scratch = neutralise(&one_line(s)).into_owned();
                return scratch.as_bytes();
            }
            Self::Text(s) => {
                return match neutralise(s) {
                    Cow::Borrowed(s) => s.as_bytes(),
                    Cow::Owned(s) => {
                        *scratch = s;
                        scratch.as_bytes()
                    }
                }
            }
            Self::Int(n) => write!(scratch, "{n}"),
            Self::Float(f) => write!(scratch, "{f}"),
            // `Display` is ISO 8601 (and much cheaper than parsing a format string per cell).
            Self::Date(d) => write!(scratch, "{d}"),
            Self::Bool(b) => return if *b { b"yes" } else { b"no" },
            Self::Null => return b"",
        };
        scratch.as_bytes()
    }
}

impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(t) => s.serialize_str(t),
            Self::Int(n) => s.serialize_i64(*n),
            Self::Float(f) => s.serialize_f64(*f),
            Self::Date(d) => s.collect_str(d),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Null => s.serialize_unit(),
        }
    }
}

/// A row of HXL's JSON form: values in column order, text on one line.
struct HxlRow<'a>(&'a [Cell<'a>]);

impl Serialize for HxlRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for cell in self.0 {
            match cell {
                Cell::Text(t) => seq.serialize_element(&one_line(t))?,
                other => seq.serialize_element(other)?,
            }
        }
        seq.end()
    }
}

/// One row as a JSON object, keys in column order.
struct JsonRow<'a> {
    columns: &'a [Column],
    cells: &'a [Cell<'a>],
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.columns.len()))?;
        for (column, cell) in self.columns.iter().zip(self.cells) {
            map.serialize_entry(column.name, cell)?;
        }
        map.end()
    }
}

/// Turns rows into bytes, piece by piece: `head`, then `rows` as often as needed, then `tail`.
#[derive(Clone)]
pub struct Encoder {
    format: Format,
    columns: &'static [Column],
    written: u64,
}

fn failed(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("export encoding: {e}"))
}

impl Encoder {
    pub fn new(format: Format, columns: &'static [Column]) -> Self {
        Self {
            format,
            columns,
            written: 0,
        }
    }

    /// CSV: the header row, and the HXL row if asked for. JSON: the opening bracket.
    pub fn head(&mut self) -> Result<Vec<u8>, AppError> {
        match self.format {
            Format::Csv { hxl } => {
                let mut header = vec![self.columns.iter().map(|c| c.name).collect::<Vec<_>>()];
                if hxl {
                    header.push(self.columns.iter().map(|c| c.hxl).collect());
                }
                csv_records(header.iter().map(|r| r.iter().map(|s| s.as_bytes())))
            }
            Format::Json => Ok(b"[".to_vec()),
            Format::HxlJson => {
                let tags: Vec<&str> = self.columns.iter().map(|c| c.hxl).collect();
                let mut out = b"[\n".to_vec();
                serde_json::to_writer(&mut out, &tags).map_err(failed)?;
                Ok(out)
            }
        }
    }

    /// A writer for some of the rows. Pieces are written side by side, each as if rows came
    /// before it, without touching the encoder; [`Encoder::placed`] then puts them in place,
    /// in order, and corrects the first.
    pub fn rows(&self) -> Rows<'_> {
        let out = match self.format {
            Format::Csv { .. } => Out::Csv(Box::new(csv_writer(Vec::with_capacity(512 * 1024)))),
            Format::Json | Format::HxlJson => Out::Json(Vec::with_capacity(512 * 1024)),
        };
        Rows {
            format: self.format,
            columns: self.columns,
            out,
            count: 0,
            scratch: String::new(),
        }
    }

    /// `count` rows written by a [`Rows`], as they go next in the file (the same bytes, moved,
    /// not copied: an export's pieces are half a megabyte each).
    pub fn placed(&mut self, mut encoded: Vec<u8>, count: usize) -> Vec<u8> {
        if self.written == 0 && count > 0 && self.format == Format::Json && encoded[0] == b',' {
            // They turned out to be the first rows of the file: no separator before them.
            encoded.remove(0);
        }
        self.written += count as u64;
        encoded
    }

    /// JSON (both forms): the closing bracket. CSV: nothing.
    pub fn tail(&mut self) -> Vec<u8> {
        match self.format {
            Format::Csv { .. } => Vec::new(),
            Format::Json if self.written == 0 => b"]\n".to_vec(),
            Format::Json | Format::HxlJson => b"\n]\n".to_vec(),
        }
    }
}

enum Out {
    /// Boxed: the writer's buffer state is large, and one is made per page.
    Csv(Box<csv::Writer<Vec<u8>>>),
    Json(Vec<u8>),
}

/// Rows turned into bytes as they are given, one at a time (so a page's rows need never be
/// held as values): [`Rows::push`] each, then [`Rows::finish`].
pub struct Rows<'e> {
    format: Format,
    columns: &'e [Column],
    out: Out,
    count: usize,
    /// Numbers and dates are written here, reused from cell to cell.
    scratch: String,
}

impl Rows<'_> {
    /// One row, with one cell per column.
    pub fn push(&mut self, cells: &[Cell<'_>]) -> Result<(), AppError> {
        debug_assert_eq!(cells.len(), self.columns.len(), "one cell per column");
        match &mut self.out {
            Out::Csv(writer) => {
                let hxl = self.format.is_hxl();
                for cell in cells {
                    writer
                        .write_field(cell.csv_field(&mut self.scratch, hxl))
                        .map_err(failed)?;
                }
                writer
                    .write_record(std::iter::empty::<&[u8]>())
                    .map_err(failed)?;
            }
            Out::Json(out) if self.format == Format::HxlJson => {
                // The hashtag row always comes first, so every row follows another.
                out.extend_from_slice(b",\n");
                serde_json::to_writer(&mut *out, &HxlRow(cells)).map_err(failed)?;
            }
            Out::Json(out) => {
                // Every row as if another came before it (`Encoder::placed` drops the file's
                // first comma).
                out.extend_from_slice(b",\n");
                let row = JsonRow {
                    columns: self.columns,
                    cells,
                };
                serde_json::to_writer(&mut *out, &row).map_err(failed)?;
            }
        }
        self.count += 1;
        Ok(())
    }

    /// The bytes and how many rows they hold.
    pub fn finish(self) -> Result<(Vec<u8>, usize), AppError> {
        let bytes = match self.out {
            Out::Csv(writer) => (*writer).into_inner().map_err(failed)?,
            Out::Json(out) => out,
        };
        Ok((bytes, self.count))
    }
}

/// RFC 4180: fields quoted when they hold a comma, quote or line break, quotes doubled, each
/// record ended by CRLF.
fn csv_writer(out: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// Records as RFC 4180 CSV: fields quoted when they hold a comma, quote or line break, quotes
/// doubled, each record ended by CRLF.
fn csv_records<R, F>(records: impl Iterator<Item = R>) -> Result<Vec<u8>, AppError>
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut writer = csv_writer(Vec::new());
    for record in records {
        writer.write_record(record).map_err(failed)?;
    }
    writer.into_inner().map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exports::col;
    use chrono::NaiveDate;

    #[test]
    fn formulas_are_neutralised_and_nothing_else_changes() {
        for dangerous in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(
                neutralise(dangerous),
                format!("'{dangerous}"),
                "{dangerous:?}"
            );
        }
        for harmless in [
            "",
            "Douma",
            "'already quoted",
            " =not first",
            "a=b",
            "#adm1+name",
            "دوما",
            "<script>alert(1)</script>",
        ] {
            assert!(
                matches!(neutralise(harmless), Cow::Borrowed(s) if s == harmless),
                "{harmless:?}"
            );
        }
    }

    const COLUMNS: &[Column] = &[
        col("text", "#meta+text"),
        col("count", "#affected"),
        col("lon", "#geo+lon"),
        col("on", "#date"),
        col("yes", "#status"),
        col("none", "#value"),
    ];

    fn row() -> Vec<Cell<'static>> {
        vec![
            Cell::text("-a, \"b\"\nc"),
            Cell::Int(-3),
            Cell::Float(-0.5),
            Cell::Date(NaiveDate::from_ymd_opt(2018, 2, 26).unwrap()),
            Cell::Bool(true),
            Cell::Null,
        ]
    }

    /// `rows` written after what the encoder wrote before, as the export's cursor does.
    fn rows(e: &mut Encoder, rows: &[Vec<Cell<'_>>]) -> Vec<u8> {
        let mut writer = e.rows();
        for cells in rows {
            writer.push(cells).unwrap();
        }
        let (encoded, count) = writer.finish().unwrap();
        e.placed(encoded, count)
    }

    #[test]
    fn csv_quotes_neutralises_text_only_and_adds_the_hxl_row_when_asked() {
        let mut e = Encoder::new(Format::Csv { hxl: true }, COLUMNS);
        let mut out = e.head().unwrap();
        out.extend(rows(&mut e, &[row()]));
        out.extend(e.tail());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "text,count,lon,on,yes,none\r\n\
             #meta+text,#affected,#geo+lon,#date,#status,#value\r\n\
             \"'-a, \"\"b\"\"; c\",-3,-0.5,2018-02-26,yes,\r\n",
            "the HXL form puts text on one line"
        );
        let mut plain = Encoder::new(Format::Csv { hxl: false }, COLUMNS);
        let mut out = plain.head().unwrap();
        assert_eq!(out, b"text,count,lon,on,yes,none\r\n");
        out.extend(rows(&mut plain, &[row()]));
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("\"'-a, \"\"b\"\"\nc\""));
    }

    #[test]
    fn one_line_joins_lines_and_spaces_only_where_there_are_any() {
        assert!(matches!(one_line("Douma, Duma"), Cow::Borrowed(_)));
        assert_eq!(
            one_line("Kits  (health)\nFood\r\n\nWater "),
            "Kits (health); Food; Water"
        );
        assert_eq!(one_line("Stopped.\nSearched"), "Stopped. Searched");
        assert_eq!(one_line("\t"), "");
    }

    #[test]
    fn hxl_json_is_the_hashtag_row_then_one_array_per_row() {
        let mut e = Encoder::new(Format::HxlJson, COLUMNS);
        let mut out = e.head().unwrap();
        out.extend(rows(&mut e, &[row()]));
        out.extend(rows(&mut e, &[row()]));
        out.extend(e.tail());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[0][0], "#meta+text");
        assert_eq!(v.as_array().unwrap().len(), 3);
        // No formula guard in JSON; text on one line.
        assert_eq!(v[1][0], "-a, \"b\"; c");
        assert_eq!(v[2][1], -3);
        assert!(v[2][5].is_null());
        let mut empty = Encoder::new(Format::HxlJson, COLUMNS);
        let mut out = empty.head().unwrap();
        out.extend(empty.tail());
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 1);
    }

    #[test]
    fn json_is_an_array_of_objects_in_column_order() {
        let mut e = Encoder::new(Format::Json, COLUMNS);
        let mut out = e.head().unwrap();
        out.extend(rows(&mut e, &[row()]));
        out.extend(rows(&mut e, &[row()]));
        out.extend(e.tail());
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("[\n{\"text\":\"-a, \\\"b\\\"\\nc\",\"count\":-3,"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert_eq!(v[1]["on"], "2018-02-26");
        assert_eq!(v[1]["yes"], true);
        assert!(v[1]["none"].is_null());
        // Pages encoded on another thread join up into one valid array, whether or not
        // rows came before them.
        for before in [0, 1] {
            let mut e = Encoder::new(Format::Json, COLUMNS);
            let mut out = e.head().unwrap();
            out.extend(rows(&mut e, &vec![row(); before]));
            let mut following = e.rows();
            following.push(&row()).unwrap();
            following.push(&row()).unwrap();
            let (following, count) = following.finish().unwrap();
            out.extend(e.placed(following, count));
            out.extend(e.tail());
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(v.as_array().unwrap().len(), before + 2);
        }
        let mut empty = Encoder::new(Format::Json, COLUMNS);
        let mut out = empty.head().unwrap();
        out.extend(empty.tail());
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&out).unwrap(),
            serde_json::json!([])
        );
    }
}
