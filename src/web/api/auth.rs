//! Bearer authentication and per-token rate limits. A token is looked up by its SHA-256; a
//! revoked, expired or unknown one gets 401. Each token has its own limiter (`governor`'s
//! generic cell rate algorithm, burst = the token's rate a minute), kept in this process: several
//! servers each apply the rate. A request over the rate gets 429 with `Retry-After` and is not
//! counted as a read.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use super::ApiError;
use crate::accounts::token_hash;
use crate::api::{tokens, ApiScope, ApiToken};
use crate::audit;
use crate::web::State;

/// A request that presented a usable token, within its rate.
pub struct ApiClient {
    pub token: ApiToken,
    pub scope: ApiScope,
}

impl FromRequest for ApiClient {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = bearer(req);
        let state = req.app_data::<State>().cloned();
        Box::pin(async move {
            let (Some(presented), Some(state)) = (presented, state) else {
                return Err(ApiError::Unauthorized);
            };
            let now = audit::now();
            let lookup = presented.clone();
            let token = state
                .db
                .run(move |conn| tokens::authenticate(conn, &lookup, now))
                .await?
                .ok_or(ApiError::Unauthorized)?;
            admit(&token_hash(&presented), token.rate_per_minute)?;
            // Counted in memory: a read costs no database write (`api::reads`).
            state.api_reads.count(token.id, now);
            let scope = ApiScope::new(token.token_scope(), token.organization_id);
            Ok(ApiClient { token, scope })
        })
    }
}

/// The token of `Authorization: Bearer TOKEN`.
fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (kind, token) = value.trim().split_once(' ')?;
    (kind.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_string())
}

/// Each token's limiter, by the token's hash and rate (a changed rate starts afresh).
type Limiters = HashMap<(String, i32), Arc<DefaultDirectRateLimiter>>;

/// Lets the request through, or says how long to wait.
fn admit(key: &str, rate_per_minute: i32) -> Result<(), ApiError> {
    static LIMITERS: OnceLock<Mutex<Limiters>> = OnceLock::new();
    let rate = NonZeroU32::new(rate_per_minute.max(1) as u32).unwrap_or(NonZeroU32::MIN);
    let limiter = {
        let mut all = LIMITERS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        all.entry((key.to_string(), rate_per_minute))
            .or_insert_with(|| Arc::new(RateLimiter::direct(Quota::per_minute(rate))))
            .clone()
    };
    limiter.check().map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        ApiError::TooManyRequests {
            retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        }
    })
}
