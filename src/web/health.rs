//! `/healthz`: the process answers. `/readyz`: the database answers and is fully migrated.

use actix_web::HttpResponse;

use crate::db;
use crate::startup::State;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok\n")
}

pub async fn readyz(state: State) -> HttpResponse {
    let checked = state.db.run(db::migrations_current).await;
    let plain = |mut b: actix_web::HttpResponseBuilder, text: &str| {
        b.content_type("text/plain; charset=utf-8")
            .body(text.to_string())
    };
    match checked {
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
