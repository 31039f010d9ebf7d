//! Loads the signed-in person (if any) for every request, and hands out the CSRF token of the
//! session, or for visitors not signed in a token bound to a random cookie and signed with the
//! secret key.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::accounts::sessions::{self, CurrentUser, Lookup};
use crate::config::Settings;
use crate::i18n::Lang;
use crate::web::State;

/// The CSRF token that forms on this request must echo.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Cookie names: with HTTPS, the `__Host-` prefix pins the cookie to this host and path `/`.
pub fn session_cookie_name(settings: &Settings) -> &'static str {
    if settings.https {
        "__Host-corridor_session"
    } else {
        "corridor_session"
    }
}

fn anon_cookie_name(settings: &Settings) -> &'static str {
    if settings.https {
        "__Host-corridor_visitor"
    } else {
        "corridor_visitor"
    }
}

fn base_cookie(settings: &Settings, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(settings.https)
        .same_site(SameSite::Lax)
        .finish()
}

/// The cookie that carries a new session's token; a browser-session cookie (gone when the
/// browser closes), the server enforcing idle and absolute limits.
pub fn session_cookie(settings: &Settings, token: String) -> Cookie<'static> {
    base_cookie(settings, session_cookie_name(settings), token)
}

/// A cookie that tells the browser to forget the session.
pub fn removal_cookie(settings: &Settings) -> Cookie<'static> {
    let mut c = base_cookie(settings, session_cookie_name(settings), String::new());
    c.set_max_age(time::Duration::ZERO);
    c.set_expires(time::OffsetDateTime::UNIX_EPOCH);
    c
}

/// A visitor's CSRF token: HMAC of their random cookie under the secret key.
fn visitor_token(settings: &Settings, nonce: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&settings.secret_key.0).expect("any key length");
    mac.update(b"csrf-visitor:");
    mac.update(nonce.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub async fn load(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let state = req
        .app_data::<State>()
        .expect("state is registered")
        .clone();
    let settings = &state.settings;
    let mut forget_session = false;
    let mut user: Option<CurrentUser> = None;
    let mut stamps = None;
    if let Some(cookie) = req.cookie(session_cookie_name(settings)) {
        let token = cookie.value().to_string();
        let idle = settings.session_idle;
        let addr = super::client_addr(req.request());
        let found = state
            .db
            .run(move |conn| sessions::lookup(conn, &token, idle, &addr))
            .await;
        match found {
            Ok(Lookup::Active(u, read)) => {
                user = Some(*u);
                stamps = read;
            }
            Ok(Lookup::Unknown | Lookup::Expired) => forget_session = true,
            Err(e) => return Ok(req.error_response(e)),
        }
    }

    let mut new_nonce = None;
    let csrf = match &user {
        Some(u) => u.csrf_token.clone(),
        None => {
            let nonce = match req.cookie(anon_cookie_name(settings)) {
                Some(c) if c.value().len() == 64 => c.value().to_string(),
                _ => {
                    let n = crate::accounts::random_token();
                    new_nonce = Some(n.clone());
                    n
                }
            };
            visitor_token(settings, &nonce)
        }
    };
    req.extensions_mut().insert(CsrfToken(csrf));
    // The person's own language setting first, else what their browser asks for.
    let lang = Lang::choose(
        user.as_ref().and_then(|u| u.language.as_deref()),
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    req.extensions_mut().insert(lang);
    if let Some(u) = user {
        req.extensions_mut().insert(u);
    }

    let mut res = crate::db::stamps::for_request(stamps, next.call(req))
        .await?
        .map_into_boxed_body();
    if forget_session {
        // Unless the handler itself just set a new session cookie (a fresh sign-in).
        let name = session_cookie_name(settings);
        let handler_set_one = res.response().cookies().any(|c| c.name() == name);
        if !handler_set_one {
            let _ = res.response_mut().add_cookie(&removal_cookie(settings));
        }
    }
    // Only pages carry forms; health checks and stylesheets need no visitor cookie.
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let (Some(nonce), true) = (new_nonce, is_page) {
        let _ = res.response_mut().add_cookie(&base_cookie(
            settings,
            anon_cookie_name(settings),
            nonce,
        ));
    }
    Ok(res)
}
