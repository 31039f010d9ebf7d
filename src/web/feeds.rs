//! A saved search's Atom feed at its private URL. The token in the URL is the only key (feed
//! readers cannot sign in); only its hash is stored, and a revoked one is not found. The
//! entries are what the search's owner may see at the moment the feed is read.

use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::notify::{feed, matching, searches, subscriptions};
use crate::web::State;

pub async fn atom(state: State, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let base = state.settings.public_url.clone();
    let self_url = format!("{base}/feeds/{token}");
    let body = state
        .db
        .run(move |conn| {
            let sub = subscriptions::by_feed_token(conn, &token)?.ok_or(AppError::NotFound)?;
            let scope = matching::owner_scope(conn, sub.user_id)?.ok_or(AppError::NotFound)?;
            let search = searches::find_own(conn, sub.user_id, sub.saved_search_id)?;
            let entries = feed::entries(conn, &scope, &search, &base)?;
            let list_url = format!("{base}{}", search.list_url());
            Ok(feed::atom(&search.name, &self_url, &list_url, &entries))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        // A private URL: no shared cache may keep it.
        .insert_header(("Cache-Control", "private, no-store"))
        .body(body))
}
