//! Sending: a webhook is one signed POST per message (`signature`); email goes through the
//! administrator's SMTP server, one message per delivery or one per digest, in the
//! subscriber's language. Neither follows redirects or waits long: a slow receiver is retried
//! later, never holds the worker.

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::Body;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::address::{self, PublicOnly, Refused};
use super::deliveries::{Attempt, Delivery};
use super::message::{self, Message};
use super::searches::SavedSearch;
use super::signature;
use super::subscriptions::Subscription;
use crate::config::{NotifySettings, SmtpSecurity};
use crate::i18n::{Arg, Lang};

/// How long a webhook receiver or the SMTP server may take.
const TIMEOUT: Duration = Duration::from_secs(10);

pub struct Sender {
    http: reqwest::Client,
    /// Whether receivers in the server's own network are refused (`address`).
    public_only: bool,
    smtp: Option<(AsyncSmtpTransport<Tokio1Executor>, lettre::message::Mailbox)>,
}

impl Sender {
    pub fn new(settings: &NotifySettings) -> anyhow::Result<Self> {
        let public_only = !settings.webhook_allow_http;
        let mut http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("Corridor-Webhooks/1");
        if public_only {
            // Connections go only to the addresses the resolver let through; a proxy would
            // resolve the name itself, unchecked.
            http = http
                .dns_resolver(std::sync::Arc::new(PublicOnly))
                .no_proxy();
        }
        let http = http.build()?;
        let smtp = match &settings.smtp {
            Some(s) => {
                let builder = match s.security {
                    SmtpSecurity::StartTls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)?
                    }
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)?,
                    SmtpSecurity::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
                    }
                };
                let mut builder = builder.port(s.port).timeout(Some(TIMEOUT));
                if let Some((user, password)) = &s.credentials {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Some((builder.build(), s.from.parse()?))
            }
            None => None,
        };
        Ok(Self {
            http,
            public_only,
            smtp,
        })
    }

    /// POSTs one delivery to a webhook, signed with its secret.
    pub async fn webhook(&self, sub: &Subscription, search: &SavedSearch, d: &Delivery) -> Attempt {
        let body = serde_json::json!({
            "delivery_id": d.id,
            "saved_search": search.name,
            "message": d.message(),
        })
        .to_string();
        if let Some(refused) = self.refused_literal(&sub.target) {
            return Attempt {
                ok: false,
                status: None,
                error: refused.to_string(),
            };
        }
        let timestamp = chrono::Utc::now().timestamp();
        let secret = sub.secret.as_deref().unwrap_or_default();
        let sent = self
            .http
            .post(&sub.target)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(
                signature::HEADER,
                signature::header(secret, timestamp, body.as_bytes()),
            )
            .header("Corridor-Delivery", d.id.to_string())
            .body(body)
            .send()
            .await;
        match sent {
            Ok(r) => {
                let status = r.status();
                Attempt {
                    ok: status.is_success(),
                    status: Some(i32::from(status.as_u16())),
                    error: if status.is_success() {
                        String::new()
                    } else {
                        format!("HTTP {status}")
                    },
                }
            }
            Err(e) => Attempt {
                ok: false,
                status: None,
                error: short(
                    &address::refusal(&e).map_or_else(|| e.to_string(), Refused::to_string),
                ),
            },
        }
    }

    /// A receiver written as an address (no name to resolve) that may not be reached.
    fn refused_literal(&self, url: &str) -> Option<Refused> {
        let ip = address::literal(url)?;
        (self.public_only && address::forbidden(ip)).then(|| Refused {
            host: ip.to_string(),
            addresses: Vec::new(),
        })
    }

    /// Emails one or more deliveries (a digest) to the subscription's address.
    pub async fn email(
        &self,
        sub: &Subscription,
        search: &SavedSearch,
        language: Option<&str>,
        ds: &[Delivery],
    ) -> Attempt {
        let Some((transport, from)) = &self.smtp else {
            return Attempt {
                ok: false,
                status: None,
                error: "no SMTP server is configured".into(),
            };
        };
        let lang = Lang::choose(language, None);
        let messages: Vec<Message> = ds.iter().filter_map(Delivery::message).collect();
        let subject = lang.t_args(
            "email-subject",
            &[
                ("search", Arg::from(search.name.as_str())),
                ("count", Arg::Number(messages.len() as i64)),
            ],
        );
        let mut text = lang.t_args(
            "email-intro",
            &[("search", Arg::from(search.name.as_str()))],
        );
        text.push_str("\n\n");
        for m in &messages {
            text.push_str(&message::line(m));
            text.push_str("\n\n");
        }
        text.push_str(&lang.t("email-footer"));
        text.push('\n');
        let to = match sub.target.parse() {
            Ok(to) => to,
            Err(e) => {
                return Attempt {
                    ok: false,
                    status: None,
                    error: short(&format!("address: {e}")),
                }
            }
        };
        let email = lettre::Message::builder()
            .from(from.clone())
            .to(to)
            .subject(strip_marks(&subject))
            .header(ContentType::TEXT_PLAIN)
            // Quoted-printable: the text stays readable in the raw message too.
            .body(
                Body::new_with_encoding(
                    strip_marks(&text),
                    ContentTransferEncoding::QuotedPrintable,
                )
                .unwrap_or_else(Body::new),
            );
        let email = match email {
            Ok(e) => e,
            Err(e) => {
                return Attempt {
                    ok: false,
                    status: None,
                    error: short(&e.to_string()),
                }
            }
        };
        match transport.send(email).await {
            Ok(r) => Attempt {
                ok: r.is_positive(),
                status: r.code().to_string().parse().ok(),
                error: String::new(),
            },
            Err(e) => Attempt {
                ok: false,
                status: e.status().and_then(|c| c.to_string().parse().ok()),
                error: short(&e.to_string()),
            },
        }
    }
}

/// Fluent marks numbers for the page's digits; plain text has no use for the marks.
fn strip_marks(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
        .collect()
}

/// Errors are shown to the subscriber: one line, not too long.
fn short(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}
