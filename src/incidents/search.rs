//! Full-text search with each database's own index: SQLite FTS5 (`incidents_fts`), PostgreSQL
//! `tsvector` with a GIN index. The index row is rewritten inside the same transaction as the
//! record, so search never disagrees with what is stored.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::model::Incident;
use crate::db::DbConn;
use crate::error::AppError;

/// Rewrites the index entry of one incident.
pub fn index(conn: &mut DbConn, incident: &Incident, places: &str) -> Result<(), AppError> {
    match conn {
        DbConn::Sqlite(c) => {
            diesel::sql_query("DELETE FROM incidents_fts WHERE rowid = ?")
                .bind::<BigInt, _>(incident.id)
                .execute(c)?;
            diesel::sql_query(
                "INSERT INTO incidents_fts (rowid, reference, title, narrative, places) VALUES (?, ?, ?, ?, ?)",
            )
            .bind::<BigInt, _>(incident.id)
            .bind::<Text, _>(&incident.reference)
            .bind::<Text, _>(&incident.title)
            .bind::<Text, _>(&incident.narrative)
            .bind::<Text, _>(places)
            .execute(c)?;
        }
        DbConn::Pg(c) => {
            diesel::sql_query(
                "UPDATE incidents SET search_vector = \
                 setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'A') || \
                 setweight(to_tsvector('simple', $4), 'B') || setweight(to_tsvector('simple', $5), 'B') \
                 WHERE id = $1",
            )
            .bind::<BigInt, _>(incident.id)
            .bind::<Text, _>(pg_words(&incident.reference))
            .bind::<Text, _>(pg_words(&incident.title))
            .bind::<Text, _>(pg_words(&incident.narrative))
            .bind::<Text, _>(pg_words(places))
            .execute(c)?;
        }
    }
    Ok(())
}

/// PostgreSQL's parser reads `INC-2026-000123` as "inc", "-2026", "-000123" (signed
/// numbers), which no query word matches: index hyphens as spaces, as SQLite's tokenizer does.
fn pg_words(text: &str) -> String {
    text.replace('-', " ")
}

/// The words of a query: letters and digits in any script, lower-cased, at most eight.
pub fn terms(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase().chars().take(40).collect())
        .take(8)
        .collect()
}

/// A condition "this incident matches every term (as a word prefix)", for the backend in use;
/// `None` when the query has no searchable words.
pub fn condition(conn: &DbConn, query: &str) -> Option<Condition> {
    let terms = terms(query);
    if terms.is_empty() {
        return None;
    }
    Some(match conn {
        DbConn::Sqlite(_) => {
            let expr = terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            Box::new(
                diesel::dsl::sql::<Bool>(
                    "incidents.id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ",
                )
                .bind::<Text, _>(expr)
                .sql(")"),
            )
        }
        DbConn::Pg(_) => {
            let expr = terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            Box::new(
                diesel::dsl::sql::<Bool>("incidents.search_vector @@ to_tsquery('simple', ")
                    .bind::<Text, _>(expr)
                    .sql(")"),
            )
        }
    })
}

/// A raw SQL condition usable in a boxed incidents query on either backend.
pub type Condition = Box<
    dyn diesel::expression::BoxableExpression<
        crate::db::schema::incidents::table,
        <DbConn as diesel::Connection>::Backend,
        SqlType = Bool,
    >,
>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_words_in_any_script() {
        assert_eq!(
            terms("Duma, \"Harasta\" OR x*"),
            vec!["duma", "harasta", "or", "x"]
        );
        assert_eq!(terms("دوما"), vec!["دوما"]);
        assert_eq!(terms("INC-2026-000123"), vec!["inc", "2026", "000123"]);
        assert!(terms("'; DROP TABLE incidents; --")
            .iter()
            .all(|t| t.chars().all(char::is_alphanumeric)));
        assert!(terms("  --  ").is_empty());
    }
}
