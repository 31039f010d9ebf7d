//! Subscriptions to a saved search: an Atom feed at a private URL (the token is shown once;
//! only its SHA-256 is kept), a webhook (its signing secret is shown once, and kept, since
//! every message is signed with it), or email to an address (at once, daily or weekly).
//! Revoking one stops it at once: its feed URL is refused and its pending messages are not
//! sent.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::accounts::{random_token, token_hash};
use crate::audit::{self, Actor, Event, Tx};
use crate::db::schema::{deliveries, subscriptions};
use crate::db::DbConn;
use crate::error::AppError;

/// Webhook secrets start so (as Stripe's `whsec_`), feed tokens are plain hex.
pub const SECRET_PREFIX: &str = "whsec_";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub id: i64,
    pub saved_search_id: i64,
    pub user_id: i64,
    pub channel: String,
    pub frequency: String,
    pub target: String,
    pub token_hash: Option<String>,
    pub secret: Option<String>,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl Subscription {
    pub fn channel(&self) -> Channel {
        Channel::parse(&self.channel).unwrap_or(Channel::Feed)
    }

    pub fn frequency(&self) -> Frequency {
        Frequency::parse(&self.frequency).unwrap_or(Frequency::Immediate)
    }

    pub fn active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// A test message can be sent to webhooks and email.
    pub fn testable(&self) -> bool {
        self.active() && self.channel() != Channel::Feed
    }
}

macro_rules! codes {
    ($name:ident { $($variant:ident = $code:literal / $label:literal,)* }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code,)* } }
            pub fn label_id(self) -> &'static str { match self { $($name::$variant => $label,)* } }
            pub fn parse(code: &str) -> Result<Self, &'static str> {
                Self::ALL.iter().copied().find(|c| c.code() == code.trim()).ok_or("field-choose")
            }
        }
    };
}

codes!(Channel {
    Feed = "feed" / "subscription-channel-feed",
    Webhook = "webhook" / "subscription-channel-webhook",
    Email = "email" / "subscription-channel-email",
});

codes!(Frequency {
    Immediate = "immediate" / "subscription-frequency-immediate",
    Daily = "daily" / "subscription-frequency-daily",
    Weekly = "weekly" / "subscription-frequency-weekly",
});

/// A checked request to subscribe.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub channel: Channel,
    pub frequency: Frequency,
    /// The webhook's URL or the email address; empty for a feed.
    pub target: String,
}

/// What the subscriber is shown once: the feed's token or the webhook's secret.
pub struct Created {
    pub id: i64,
    pub shown_once: Option<String>,
}

/// Checks a subscription form. `email_ready`: an SMTP server is configured; `allow_http`:
/// webhooks may use plain http:// (local receivers).
pub fn check(
    channel: &str,
    frequency: &str,
    url: &str,
    email: &str,
    email_ready: bool,
    allow_http: bool,
) -> Result<NewSubscription, Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let channel = Channel::parse(channel)
        .map_err(|e| errors.push(("channel", e)))
        .ok();
    let frequency = match channel {
        Some(Channel::Email) => Frequency::parse(frequency)
            .map_err(|e| errors.push(("frequency", e)))
            .ok(),
        _ => Some(Frequency::Immediate),
    };
    let target = match channel {
        Some(Channel::Webhook) => check_url(url.trim(), allow_http)
            .map_err(|e| errors.push(("url", e)))
            .ok(),
        Some(Channel::Email) if !email_ready => {
            errors.push(("channel", "subscription-email-unavailable"));
            None
        }
        Some(Channel::Email) => check_email(email.trim())
            .map_err(|e| errors.push(("email", e)))
            .ok(),
        _ => Some(String::new()),
    };
    match (channel, frequency, target) {
        (Some(channel), Some(frequency), Some(target)) if errors.is_empty() => {
            Ok(NewSubscription {
                channel,
                frequency,
                target,
            })
        }
        _ => Err(errors),
    }
}

fn check_url(url: &str, allow_http: bool) -> Result<String, &'static str> {
    if url.is_empty() {
        return Err("field-required");
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://").filter(|_| allow_http))
        .ok_or(if allow_http {
            "subscription-url-invalid"
        } else {
            "subscription-url-https"
        })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let fine = url.len() <= 500
        && !host.is_empty()
        && !host.contains('@')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        && reqwest::Url::parse(url).is_ok();
    if !fine {
        return Err("subscription-url-invalid");
    }
    // The server's own network is not a subscriber's to reach (unless local receivers are
    // allowed): addresses in it, written as such, are refused here; names that resolve to one
    // are refused at delivery (`address::PublicOnly`).
    let internal = match super::address::literal(url) {
        Some(ip) => super::address::forbidden(ip),
        None => {
            let host = reqwest::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
                .unwrap_or_default();
            host.is_empty() || host == "localhost" || host.ends_with(".localhost")
        }
    };
    if internal && !allow_http {
        return Err("subscription-url-invalid");
    }
    Ok(url.to_string())
}

fn check_email(email: &str) -> Result<String, &'static str> {
    if email.is_empty() {
        return Err("field-required");
    }
    match email.parse::<lettre::Address>() {
        Ok(a) if email.len() <= 254 => Ok(a.to_string()),
        _ => Err("subscription-email-invalid"),
    }
}

/// Subscribes `user_id` to their saved search `search_id` (whose ownership the caller has
/// checked). Call inside `audit::write`.
pub fn create(
    tx: &mut Tx<'_>,
    actor: &Actor,
    user_id: i64,
    search_id: i64,
    new: &NewSubscription,
) -> Result<Created, AppError> {
    let shown_once = match new.channel {
        Channel::Feed => Some(random_token()),
        Channel::Webhook => Some(format!("{SECRET_PREFIX}{}", random_token())),
        Channel::Email => None,
    };
    let (hash, secret) = match new.channel {
        Channel::Feed => (shown_once.as_deref().map(token_hash), None),
        Channel::Webhook => (None, shown_once.clone()),
        Channel::Email => (None, None),
    };
    let id: i64 = diesel::insert_into(subscriptions::table)
        .values((
            subscriptions::saved_search_id.eq(search_id),
            subscriptions::user_id.eq(user_id),
            subscriptions::channel.eq(new.channel.code()),
            subscriptions::frequency.eq(new.frequency.code()),
            subscriptions::target.eq(&new.target),
            subscriptions::token_hash.eq(hash),
            subscriptions::secret.eq(secret),
            subscriptions::created_at.eq(audit::now()),
        ))
        .returning(subscriptions::id)
        .get_result(tx.db())?;
    audit::record(
        tx,
        actor,
        Event::new("subscription.create", "subscription", id).details(json!({
            "saved_search": search_id,
            "channel": new.channel.code(),
            "frequency": new.frequency.code(),
            "target": new.target,
        })),
    )?;
    Ok(Created { id, shown_once })
}

/// The subscriptions of a saved search, newest first.
pub fn of_search(conn: &mut DbConn, search_id: i64) -> Result<Vec<Subscription>, AppError> {
    Ok(subscriptions::table
        .filter(subscriptions::saved_search_id.eq(search_id))
        .order(subscriptions::id.desc())
        .select(Subscription::as_select())
        .load(conn)?)
}

/// One of `user_id`'s subscriptions; another person's is not found.
pub fn find_own(conn: &mut DbConn, user_id: i64, id: i64) -> Result<Subscription, AppError> {
    subscriptions::table
        .find(id)
        .filter(subscriptions::user_id.eq(user_id))
        .select(Subscription::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The active feed subscription a feed URL's token opens, if any.
pub fn by_feed_token(conn: &mut DbConn, token: &str) -> Result<Option<Subscription>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(subscriptions::table
        .filter(subscriptions::token_hash.eq(token_hash(token)))
        .filter(subscriptions::channel.eq(Channel::Feed.code()))
        .filter(subscriptions::revoked_at.is_null())
        .select(Subscription::as_select())
        .first(conn)
        .optional()?)
}

/// Revokes one of `user_id`'s subscriptions (once) and drops its unsent messages; `false` when
/// it was revoked already. Call inside `audit::write`.
pub fn revoke(tx: &mut Tx<'_>, actor: &Actor, user_id: i64, id: i64) -> Result<bool, AppError> {
    let sub = find_own(tx.db(), user_id, id)?;
    if !sub.active() {
        return Ok(false);
    }
    diesel::update(subscriptions::table.find(id))
        .set(subscriptions::revoked_at.eq(audit::now()))
        .execute(tx.db())?;
    diesel::update(
        deliveries::table
            .filter(deliveries::subscription_id.eq(id))
            .filter(deliveries::status.eq("pending")),
    )
    .set((
        deliveries::status.eq("failed"),
        deliveries::last_error.eq("subscription revoked"),
    ))
    .execute(tx.db())?;
    audit::record(
        tx,
        actor,
        Event::new("subscription.revoke", "subscription", id)
            .details(json!({ "channel": sub.channel, "saved_search": sub.saved_search_id })),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_addresses_are_https_and_outside_the_servers_network() {
        let url = |u: &str, http: bool| check_url(u, http);
        assert!(url("https://partner.example.org/hooks", false).is_ok());
        assert_eq!(
            url("http://partner.example.org/hooks", false),
            Err("subscription-url-https")
        );
        for inside in [
            "https://127.0.0.1/x",
            "https://10.1.2.3/x",
            "https://[::1]/x",
            "https://localhost/x",
            "https://169.254.169.254/latest",
            "https://[::ffff:127.0.0.1]/x",
            "https://100.64.0.1/x",
        ] {
            assert_eq!(
                url(inside, false),
                Err("subscription-url-invalid"),
                "{inside}"
            );
        }
        assert!(url("http://127.0.0.1:9000/x", true).is_ok());
        assert_eq!(
            url("https://user@evil.example.org/", false),
            Err("subscription-url-invalid")
        );
    }
}
