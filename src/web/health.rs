//! `/healthz`: the process answers. `/readyz`: the database answers and is fully migrated, and
//! a SQLite database still has room to write.

use actix_web::HttpResponse;

use crate::db;
use crate::web::State;

/// Below this much free space beside a SQLite database, writes are about to fail.
const MIN_FREE_BYTES: u64 = 1024 * 1024;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok\n")
}

fn plain(mut b: actix_web::HttpResponseBuilder, text: &str) -> HttpResponse {
    b.content_type("text/plain; charset=utf-8")
        .body(text.to_string())
}

pub async fn readyz(state: State) -> HttpResponse {
    if let db::DatabaseUrl::Sqlite(path) = &state.db.url {
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        if fs4::available_space(folder).is_ok_and(|free| free < MIN_FREE_BYTES) {
            return plain(HttpResponse::ServiceUnavailable(), "not ready: disk full\n");
        }
    }
    match state.db.run(db::migrations_current).await {
        Ok(true) => plain(HttpResponse::Ok(), "ready\n"),
        Ok(false) => plain(
            HttpResponse::ServiceUnavailable(),
            "not ready: migrations pending\n",
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            plain(
                HttpResponse::ServiceUnavailable(),
                "not ready: database unreachable\n",
            )
        }
    }
}
