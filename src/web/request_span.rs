//! The span every log line of a request is written in: its method, path (never its query),
//! route and answer.
//!
//! tracing-actix-web's own span finds the request's route pattern before actix has routed it,
//! walking the route table's patterns once more per request (2% of the incident page's server
//! time). Here the route is recorded when the answer is, once routing has found it and naming
//! it is a look-up by position.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::field::Empty;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        // The fields are worked out only when the span is logged at all.
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.target = %logged_path(request.path()),
            http.route = Empty,
            http.status_code = Empty,
            request_id = %request
                .extensions()
                .get::<RequestId>()
                .map(ToString::to_string)
                .unwrap_or_default(),
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        if span.is_disabled() {
            return;
        }
        if let Some(route) = outcome
            .as_ref()
            .ok()
            .and_then(|r| r.request().match_pattern())
        {
            span.record("http.route", route);
        }
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// What the log keeps of a request's path: the path alone, since a query string holds what
/// people typed (search words, names), which must not reach the log (as `db::slow_queries`
/// keeps bound values out); and a feed's path without its token, the secret that opens it.
fn logged_path(path: &str) -> &str {
    if path.starts_with(FEEDS) {
        FEEDS
    } else {
        path
    }
}

/// The feeds' paths (`/feeds/{token}`).
const FEEDS: &str = "/feeds/";

#[cfg(test)]
mod tests {
    use super::logged_path;

    #[test]
    fn a_feeds_token_never_reaches_the_log() {
        assert_eq!(logged_path("/feeds/Zx9-secret-token"), "/feeds/");
        assert_eq!(logged_path("/incidents/4242"), "/incidents/4242");
    }
}
