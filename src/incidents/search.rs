//! Full-text search with each database's own index: SQLite FTS5 (`incidents_fts`, Porter
//! stemming), PostgreSQL `tsvector` (`english` configuration) with a GIN index. The index row is
//! rewritten inside the same transaction as the record, so search never disagrees with what is
//! stored. On PostgreSQL a new record's entry is written by its own INSERT ([`Vector`]).

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::model::Incident;
use crate::db::{memory, DbConn};
use crate::error::AppError;

/// Rewrites the index entry of one incident: its words, its place's names, and the
/// statements of its claims that every reader of the incident may read (see `claim_words`).
pub fn index(conn: &mut DbConn, incident: &Incident, places: &str) -> Result<(), AppError> {
    let claims = claim_words(conn, incident)?;
    write(conn, incident, places, &claims, true)
}

/// [`index`] for an incident just recorded with its first claim, whose statement is
/// `first_claim`: it has no entry yet to replace, and no other claim to read. The first claim
/// is the record's own, as sensitive as the record, so whoever reads one reads the other.
pub fn index_new(
    conn: &mut DbConn,
    incident: &Incident,
    places: &str,
    first_claim: &str,
) -> Result<(), AppError> {
    write(conn, incident, places, first_claim, false)
}

/// The newest `limit` incidents whose entry matches `fts5_query` (SQLite) among those `scope`
/// lets the viewer see (`permissions::search_scope`), newest first, for a search that asks
/// nothing but words: one statement, the index alone. The index's rows are the incidents' own
/// (rowid = id), written and replaced in the same transaction as the record and never removed,
/// and each carries the facts that hide it from other organisations (SQLite migration 450), so
/// no incident row is read. Before, each match's row was read to test the scope: for a
/// reporter's search for "convoy checkpoint" at a million, 0.86–0.96 ms against 0.65 ms for the
/// index alone (timed from Python's sqlite3).
pub fn newest_entries(
    conn: &mut diesel::SqliteConnection,
    fts5_query: &str,
    scope: &crate::permissions::SearchScope,
    limit: usize,
) -> Result<Vec<i64>, AppError> {
    let Some(query) = fts5_scoped(fts5_query, scope) else {
        return Ok(Vec::new());
    };
    // The limit is written into the text (SQLite compiles a statement again for each bound
    // LIMIT); it is one of the callers' constants, so the statement is kept compiled.
    let sql = format!(
        "SELECT rowid AS id FROM incidents_fts WHERE incidents_fts MATCH ? \
         ORDER BY rowid DESC LIMIT {limit}"
    );
    let found: Vec<Entry> =
        crate::db::kept(diesel::sql_query(sql).bind::<Text, _>(query)).load(conn)?;
    Ok(found.into_iter().map(|e| e.id).collect())
}

/// `fts5_query` limited to the entries `scope` lets the viewer see; `None` when it lets them
/// see none.
fn fts5_scoped(fts5_query: &str, scope: &crate::permissions::SearchScope) -> Option<String> {
    use crate::permissions::SearchScope;
    match scope {
        SearchScope::Nothing => None,
        SearchScope::Everything => Some(fts5_query.to_string()),
        // A hidden entry holds the words `hidden` and `org<its organisation>` in `scope`.
        SearchScope::OpenAndOwn(org) => Some(format!(
            "({fts5_query}) NOT (scope : hidden NOT scope : org{org})"
        )),
    }
}

/// The scope's test of the first word's rows in `incident_words` (`w0`), as SQL; `None` when
/// the viewer may see none.
fn words_scoped(scope: &crate::permissions::SearchScope) -> Option<String> {
    use crate::permissions::SearchScope;
    match scope {
        SearchScope::Nothing => None,
        SearchScope::Everything => Some(String::new()),
        // A hidden incident's rows hold its organisation in `restricted_to`.
        SearchScope::OpenAndOwn(org) => Some(format!(
            " AND (w0.restricted_to IS NULL OR w0.restricted_to = {org})"
        )),
    }
}

/// The plain words of `terms` as `incident_words` holds them (`to_tsvector`: "convoys" is
/// "convoy"; a word the configuration drops is gone). Kept in the server's memory once read
/// (`db::memory`, under a stamp that never moves): they follow from the words and the server's
/// text search configuration alone, never from a record, and asking for them was one round
/// trip of every search.
fn lexemes(conn: &mut diesel::PgConnection, terms: &[Term]) -> Result<Vec<String>, AppError> {
    #[derive(QueryableByName)]
    struct Words {
        #[diesel(sql_type = diesel::sql_types::Array<Text>)]
        words: Vec<String>,
    }
    let plain = plain_words(terms);
    if let Some(Some(words)) = memory::at(Lexemes::STAMP, |kept: &mut Lexemes| {
        kept.0.get(&plain).cloned()
    }) {
        return Ok(words);
    }
    let Words { words } =
        diesel::sql_query("SELECT tsvector_to_array(to_tsvector('english', $1)) AS words")
            .bind::<Text, _>(&plain)
            .get_result(conn)?;
    memory::keep(Lexemes::STAMP, |kept: &mut Lexemes| {
        if kept.0.len() >= Lexemes::MOST {
            kept.0.clear();
        }
        kept.0.insert(plain, words.clone());
    });
    Ok(words)
}

/// Searches' words and their lexemes, by the words as asked (`plain_words`).
#[derive(Default)]
struct Lexemes(std::collections::HashMap<String, Vec<String>>);

impl Lexemes {
    /// No write changes them.
    const STAMP: i64 = 0;
    /// Past this many searches, they are dropped and read again as asked.
    const MOST: usize = 4_096;
}

/// A search's matches in its database's word index, newest first, a slice at a time below a
/// record number, the viewer's scope tested in the index itself (as [`newest_entries`] reads
/// them on SQLite): for a search of whole words alone on PostgreSQL (one slice), and for a
/// search that asks other conditions too, which `list::newest` tests on each slice's records.
///
/// On PostgreSQL the matches come from the table of each incident's words (`incident_words`,
/// PostgreSQL migration 470, kept by trigger from the incident's row): each word's rows are
/// read newest first and joined on the record number, stopping at the last match wanted, the
/// scope tested in the first word's rows, so no incident row is read. The words are first made
/// what the table holds, as `to_tsquery` makes them ("convoys" is "convoy"); a word the
/// configuration drops (a stop word) asks nothing, as there.
pub enum Slices {
    /// SQLite: the FTS5 query, the scope included.
    Fts5(String),
    /// PostgreSQL: the plain words as `incident_words` holds them; the scope's test of the
    /// first word's rows; and the prefixes, which the table cannot answer, tested on each
    /// slice's records.
    Words {
        words: Vec<String>,
        scoped: String,
        prefixes: Vec<Term>,
    },
}

impl Slices {
    /// The slices of `terms`' matches that `scope` lets the viewer see; `None` when slices
    /// cannot answer: the viewer may see nothing, or, on PostgreSQL, no word is plain once the
    /// configuration has dropped its stop words (prefixes have no rows of their own in the
    /// table; `list::newest` walks the records for them).
    pub fn of(
        conn: &mut DbConn,
        terms: &[Term],
        scope: &crate::permissions::SearchScope,
    ) -> Result<Option<Self>, AppError> {
        Ok(match conn {
            DbConn::Sqlite(_) => fts5_scoped(&fts5_query(terms), scope).map(Slices::Fts5),
            DbConn::Pg(c) => {
                let Some(scoped) = words_scoped(scope) else {
                    return Ok(None);
                };
                let words = if terms.iter().any(|t| !t.prefix) {
                    lexemes(c, terms)?
                } else {
                    Vec::new()
                };
                (!words.is_empty()).then(|| Slices::Words {
                    words,
                    scoped,
                    prefixes: terms.iter().filter(|t| t.prefix).cloned().collect(),
                })
            }
        })
    }

    /// The record numbers of the `wanted` newest matches below `before`, newest first: the
    /// words matched by FTS5, or each word's rows in the table of words joined on the record
    /// number (the planner merges them newest first, or looks the others up for each of the
    /// first's), stopping at the last one wanted.
    pub fn below(&self, conn: &mut DbConn, before: i64, wanted: i64) -> Result<Vec<i64>, AppError> {
        let found: Vec<Entry> = match (self, conn) {
            (Slices::Fts5(query), DbConn::Sqlite(c)) => diesel::sql_query(
                "SELECT rowid AS id FROM incidents_fts WHERE incidents_fts MATCH ? \
                 AND rowid < ? ORDER BY rowid DESC LIMIT ?",
            )
            .bind::<Text, _>(query)
            .bind::<BigInt, _>(before)
            .bind::<BigInt, _>(wanted)
            .load(c)?,
            (Slices::Words { words, scoped, .. }, DbConn::Pg(c)) => {
                // One reading of the table per word, each joined to the first on the record
                // number.
                let mut sql = String::from("SELECT w0.incident_id AS id FROM incident_words AS w0");
                for n in 1..words.len() {
                    sql.push_str(&format!(
                        " JOIN incident_words AS w{n} \
                         ON w{n}.word = ${} AND w{n}.incident_id = w0.incident_id",
                        n + 1
                    ));
                }
                sql.push_str(&format!(
                    " WHERE w0.word = $1{scoped} AND w0.incident_id < ${} \
                     ORDER BY w0.incident_id DESC LIMIT ${}",
                    words.len() + 1,
                    words.len() + 2
                ));
                let mut query = diesel::sql_query(sql).into_boxed();
                for word in words {
                    query = query.bind::<Text, _>(word);
                }
                query
                    .bind::<BigInt, _>(before)
                    .bind::<BigInt, _>(wanted)
                    .load(c)?
            }
            _ => {
                return Err(AppError::Internal(anyhow::anyhow!(
                    "a search's slices asked of the other database"
                )))
            }
        };
        Ok(found.into_iter().map(|e| e.id).collect())
    }

    /// What each record of a slice must pass besides: on PostgreSQL, the prefixes.
    pub fn row_test(&self) -> Option<Condition> {
        match self {
            Slices::Words { prefixes, .. } if !prefixes.is_empty() => {
                Some(tested_row_by_row(prefixes))
            }
            _ => None,
        }
    }
}

/// A match of [`newest_entries`].
#[derive(diesel::QueryableByName)]
struct Entry {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// SQLite's FTS5 table, for writing its rows (searches match it in SQL of their own).
mod fts {
    diesel::table! {
        incidents_fts (rowid) {
            rowid -> BigInt,
            reference -> Text,
            title -> Text,
            narrative -> Text,
            places -> Text,
            scope -> Text,
        }
    }
}

fn write(
    conn: &mut DbConn,
    incident: &Incident,
    places: &str,
    claims: &str,
    replace: bool,
) -> Result<(), AppError> {
    let narrative = with_claims(&incident.narrative, claims);
    match conn {
        DbConn::Sqlite(c) => {
            // Through diesel's DSL, so both statements stay compiled on the connection (a raw
            // `sql_query` is compiled anew at every run, inside the writers' turn).
            use fts::incidents_fts;
            if replace {
                diesel::delete(incidents_fts::table.filter(incidents_fts::rowid.eq(incident.id)))
                    .execute(c)?;
            }
            // The facts that hide the incident, as the view of migration 450 spells them from
            // its row (so does the trigger that keeps them when the row changes).
            let scope =
                diesel::dsl::sql::<Text>("(SELECT words FROM incident_search_scope WHERE id = ")
                    .bind::<BigInt, _>(incident.id)
                    .sql(")");
            diesel::insert_into(incidents_fts::table)
                .values((
                    incidents_fts::rowid.eq(incident.id),
                    incidents_fts::reference.eq(&incident.reference),
                    incidents_fts::title.eq(&incident.title),
                    incidents_fts::narrative.eq(&narrative),
                    incidents_fts::places.eq(places),
                    incidents_fts::scope.eq(scope),
                ))
                .execute(c)?;
        }
        DbConn::Pg(c) => {
            use crate::db::schema::incidents;
            let entry = Vector::of(&incident.reference, &incident.title, &narrative, places);
            diesel::update(incidents::table.find(incident.id))
                .set(incidents::search_vector.eq(entry))
                .execute(c)?;
        }
    }
    Ok(())
}

/// The narrative and the claims' words, as the entry keeps them.
fn with_claims(narrative: &str, claims: &str) -> String {
    if claims.is_empty() {
        narrative.to_string()
    } else {
        format!("{narrative}\n{claims}")
    }
}

/// PostgreSQL's search entry of an incident (`incidents.search_vector`): its reference and
/// title weighted A, its narrative (with the claims' words) and its place's names B, each
/// parsed by the `english` configuration. An expression, so that a new incident's INSERT
/// writes it with the row: a second statement rewrote the whole row and each of its indexes
/// again (the vector is indexed, so PostgreSQL cannot update it in place), 150 µs a record of
/// the writers' turn (`pgbench`, a million incidents).
#[derive(Debug, Clone)]
pub struct Vector {
    /// Reference, title, narrative and claims, places: in the order written.
    parts: [String; 4],
}

impl Vector {
    fn of(reference: &str, title: &str, narrative: &str, places: &str) -> Self {
        Self {
            parts: [reference, title, narrative, places].map(pg_words),
        }
    }

    /// A new incident's entry: its words and its first claim's (the record's own, as
    /// sensitive as the record, so whoever reads one reads the other).
    pub fn new_incident(
        reference: &str,
        title: &str,
        narrative: &str,
        places: &str,
        first_claim: &str,
    ) -> Self {
        Self::of(
            reference,
            title,
            &with_claims(narrative, first_claim),
            places,
        )
    }
}

impl diesel::Expression for Vector {
    type SqlType = diesel::sql_types::Nullable<crate::db::schema::sql_types::TsVector>;
}

impl diesel::query_builder::QueryFragment<Pg> for Vector {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, Pg>,
    ) -> QueryResult<()> {
        for (n, (part, weight)) in self.parts.iter().zip(["A", "A", "B", "B"]).enumerate() {
            if n > 0 {
                out.push_sql(" || ");
            }
            out.push_sql("setweight(to_tsvector('english', ");
            out.push_bind_param::<Text, _>(part)?;
            out.push_sql(&format!("), '{weight}')"));
        }
        Ok(())
    }
}

impl diesel::query_builder::QueryId for Vector {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<QS> diesel::AppearsOnTable<QS> for Vector {}

impl<GB> diesel::expression::ValidGrouping<GB> for Vector {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

/// The statements of the incident's claims that everyone who may read the incident may read
/// too, so a search never finds an incident by words its reader could not see: a claim whose
/// statement is not confidential, or a confidential one of the incident's own organisation on
/// a confidential incident (read by the same people). A claim merged in from another
/// organisation's confidential duplicate, or kept confidential on a record shared later, is
/// left out of the index.
fn claim_words(conn: &mut DbConn, incident: &Incident) -> Result<String, AppError> {
    use crate::db::schema::claims;
    use crate::domain::vocab::Sensitivity;
    let rows: Vec<(Option<i64>, String, String)> = crate::on_backend!(conn, |c| claims::table
        .filter(claims::incident_id.eq(incident.id))
        .order(claims::id.asc())
        .select((
            claims::organization_id,
            claims::sensitivity,
            claims::statement,
        ))
        .load(c))?;
    let confidential = Sensitivity::Confidential.code();
    let incident_confidential = incident.sensitivity == Sensitivity::Confidential;
    Ok(rows
        .into_iter()
        .filter(|(org, sensitivity, _)| {
            sensitivity != confidential
                || (incident_confidential && *org == Some(incident.organization_id))
        })
        .map(|(_, _, statement)| statement)
        .collect::<Vec<_>>()
        .join("\n"))
}

/// PostgreSQL's parser reads `INC-2026-000123` as "inc", "-2026", "-000123" (signed
/// numbers), which no query word matches: index hyphens as spaces, as SQLite's tokenizer does.
/// (Migration 5 does the same in SQL when it rebuilds the index.)
fn pg_words(text: &str) -> String {
    text.replace('-', " ")
}

/// One word of a query; `prefix` when the user typed `*` after it (`Hara*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub word: String,
    pub prefix: bool,
}

/// Words too common to narrow a search, left out on both backends alike (PostgreSQL's
/// `english` configuration drops them anyway).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "had", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "there", "this", "to",
    "was", "were", "which", "with",
];

/// The words of a query: letters and digits in any script, lower-cased, at most eight. Words
/// are matched whole after stemming ("convoys" finds "convoy", "blocked" finds "block"); a
/// trailing `*` asks for every word that starts so, which costs more on common prefixes.
pub fn terms(query: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    let mut word = String::new();
    for c in query.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() {
            word.push(c);
        } else if !word.is_empty() {
            let w: String = std::mem::take(&mut word)
                .to_lowercase()
                .chars()
                .take(40)
                .collect();
            let prefix = c == '*';
            if prefix || !STOP_WORDS.contains(&w.as_str()) {
                terms.push(Term { word: w, prefix });
            }
        }
    }
    terms.truncate(8);
    terms
}

/// The FTS5 query for `terms` (each word quoted, so no query syntax gets through).
pub(super) fn fts5_query(terms: &[Term]) -> String {
    // The words are matched in what was written, never in the `scope` column's bookkeeping.
    format!(
        "{{reference title narrative places}} : ({})",
        spell(terms, ("\"", "\"", "\"*"), " ")
    )
}

/// The `to_tsquery` text for `terms` (letters and digits only, so always valid).
fn tsquery(terms: &[Term]) -> String {
    spell(terms, ("", "", ":*"), " & ")
}

/// Each word between `open` and `close` (or `prefix_close` for a prefix), joined by `and`.
fn spell(terms: &[Term], (open, close, prefix_close): (&str, &str, &str), and: &str) -> String {
    terms
        .iter()
        .map(|t| {
            format!(
                "{open}{}{}",
                t.word,
                if t.prefix { prefix_close } else { close }
            )
        })
        .collect::<Vec<_>>()
        .join(and)
}

/// A condition "this incident matches every term", for the backend in use; `None` when the
/// query has no searchable words.
pub fn condition(conn: &DbConn, query: &str) -> Option<Condition> {
    let terms = terms(query);
    if terms.is_empty() {
        return None;
    }
    Some(match conn {
        DbConn::Sqlite(_) => Box::new(
            diesel::dsl::sql::<Bool>(
                "incidents.id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ",
            )
            .bind::<Text, _>(fts5_query(&terms))
            .sql(")"),
        ),
        DbConn::Pg(_) => Box::new(
            diesel::dsl::sql::<Bool>("incidents.search_vector @@ to_tsquery('english', ")
                .bind::<Text, _>(tsquery(&terms))
                .sql(")"),
        ),
    })
}

/// On PostgreSQL, [`condition`]'s test of the words written so that no index can answer it:
/// `ts_match_vq`, the function behind `@@`, which the planner applies row by row to the rows
/// another condition found (`list::newest` walks the newest records with it). A change to how
/// words match is made in both.
pub(super) fn tested_row_by_row(terms: &[Term]) -> Condition {
    Box::new(
        diesel::dsl::sql::<Bool>("ts_match_vq(incidents.search_vector, to_tsquery('english', ")
            .bind::<Text, _>(tsquery(terms))
            .sql("))"),
    )
}

/// On PostgreSQL, about how many of `rows` records match every plain (not prefix) word of
/// `terms`, at most, by the statistics `ANALYZE` keeps of the word column
/// (`pg_stats.most_common_elems`, the share of records holding each of the common words): the
/// rarest word's share. The planner multiplies the shares, which for words that occur
/// together (convoy, checkpoint) guesses ten times too few; the rarest share bounds the
/// matches however the words go together. A word missing from the common words counts as
/// none: it is in fewer records than the least common listed (a quarter of a percent at a
/// million), and its matches are best read from the index. `None` when no word is plain (a
/// prefix's matches have no one share), there are no statistics yet, or on SQLite (whose
/// word index is searched newest first and needs no such guess).
pub fn matches_at_most(
    conn: &mut DbConn,
    terms: &[Term],
    rows: i64,
) -> Result<Option<i64>, AppError> {
    #[derive(QueryableByName)]
    struct Bound {
        #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
        n: Option<i64>,
    }
    let plain = plain_words(terms);
    let DbConn::Pg(conn) = conn else {
        return Ok(None);
    };
    if plain.is_empty() {
        return Ok(None);
    }
    let bound: Bound = diesel::sql_query(
        "SELECT ceil(min(coalesce(s.f[array_position(s.e, w.lexeme)], 0)) * $2)::bigint AS n \
           FROM (SELECT most_common_elems::text::text[] AS e, \
                        most_common_elem_freqs::float8[] AS f \
                   FROM pg_stats WHERE schemaname = current_schema() \
                    AND tablename = 'incidents' AND attname = 'search_vector') s, \
                unnest(tsvector_to_array(to_tsvector('english', $1))) AS w(lexeme)",
    )
    .bind::<Text, _>(plain)
    .bind::<BigInt, _>(rows)
    .get_result(conn)?;
    Ok(bound.n)
}

/// The plain (not prefix) words of `terms`, space-separated, for PostgreSQL to make them what
/// its word column holds (`to_tsvector('english', …)`: "convoys" is "convoy").
fn plain_words(terms: &[Term]) -> String {
    terms
        .iter()
        .filter(|t| !t.prefix)
        .map(|t| t.word.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A raw SQL condition usable in a boxed incidents query on either backend.
pub type Condition = crate::db::BoxedCondition<crate::db::schema::incidents::table>;

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<String> {
        terms(q).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn terms_are_words_in_any_script() {
        assert_eq!(
            words("Duma, \"Harasta\" OR x"),
            vec!["duma", "harasta", "x"]
        );
        assert_eq!(words("دوما"), vec!["دوما"]);
        assert_eq!(words("INC-2026-000123"), vec!["inc", "2026", "000123"]);
        assert!(words("'; DROP TABLE incidents; --")
            .iter()
            .all(|t| t.chars().all(char::is_alphanumeric)));
        assert!(terms("  --  ").is_empty());
    }

    #[test]
    fn a_star_asks_for_a_prefix_and_common_words_are_left_out() {
        let t = terms("the convoy at Hara* of");
        assert_eq!(
            t,
            vec![
                Term {
                    word: "convoy".into(),
                    prefix: false
                },
                Term {
                    word: "hara".into(),
                    prefix: true
                },
            ]
        );
        assert_eq!(
            fts5_query(&t),
            "{reference title narrative places} : (\"convoy\" \"hara\"*)"
        );
        assert_eq!(tsquery(&t), "convoy & hara:*");
    }
}
