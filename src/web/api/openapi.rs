//! The API's OpenAPI 3.1 description, generated from the handlers' annotations (`utoipa`), so
//! it cannot drift from the code; a test checks its paths against the route table.

use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::handlers;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Corridor read API",
        version = "1",
        description = "Read-only access to incidents, convoys, needs, places, the situation \
                       report's figures and a feed of changes, for partner systems. Every request \
                       carries `Authorization: Bearer TOKEN`; what it reads depends on the \
                       token's scope (`public`, `partner`, `internal`)."
    ),
    paths(
        handlers::incidents,
        handlers::incident,
        handlers::convoys,
        handlers::convoy,
        handlers::needs,
        handlers::need,
        handlers::places,
        handlers::changes,
        handlers::report,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document, as served.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn json() -> HttpResponse {
    match document().to_pretty_json() {
        Ok(body) => HttpResponse::Ok()
            .content_type("application/json")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "OpenAPI document");
            HttpResponse::InternalServerError()
                .content_type("application/json")
                .body(r#"{"error":"internal","message":"Something went wrong on our side."}"#)
        }
    }
}
