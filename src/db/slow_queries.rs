//! The slow-query log: with `CORRIDOR_SLOW_QUERY_MS` set, every statement that takes longer is
//! logged as a warning with its time and its SQL — never its bound values, which hold what
//! people typed (titles, sources, search words) and must not reach the log.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};

static THRESHOLD: OnceLock<Duration> = OnceLock::new();

/// Logs, from now on, every statement of every new connection slower than `threshold`.
pub fn log_slower_than(threshold: Duration) {
    if THRESHOLD.set(threshold).is_ok() {
        if let Err(e) = diesel::connection::set_default_instrumentation(|| {
            Some(Box::new(SlowQueries { started: None }))
        }) {
            tracing::warn!("the slow-query log could not be started: {e}");
        }
    }
}

struct SlowQueries {
    started: Option<Instant>,
}

impl Instrumentation for SlowQueries {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, .. } => {
                let (Some(started), Some(threshold)) = (self.started.take(), THRESHOLD.get())
                else {
                    return;
                };
                let took = started.elapsed();
                if took >= *threshold {
                    let text = query.to_string();
                    let sql = without_values(&text);
                    tracing::warn!(
                        ms = format!("{:.1}", took.as_secs_f64() * 1000.0),
                        sql,
                        "slow query"
                    );
                }
            }
            _ => {}
        }
    }
}

/// A statement as diesel prints it, without the values bound to it.
fn without_values(statement: &str) -> &str {
    statement.split(" -- binds:").next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sqlite::Sqlite;

    use crate::db::schema::incidents;

    #[test]
    fn the_log_keeps_the_sql_and_drops_what_was_typed() {
        let query = incidents::table
            .filter(incidents::title.eq("Informant Amal at the farm"))
            .select(incidents::id);
        let printed = diesel::debug_query::<Sqlite, _>(&query).to_string();
        assert!(
            printed.contains("Informant Amal"),
            "diesel prints the values: {printed}"
        );
        let logged = super::without_values(&printed);
        assert!(logged.contains("FROM `incidents`"), "{logged}");
        assert!(!logged.contains("Amal"), "{logged}");
    }
}
