//! API tokens: an administrator issues one (the token is shown once, on the page that answers
//! the form), sees every token with its last use, and revokes them. Every change is audited.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{NaiveDate, NaiveTime, TimeDelta};
use serde::Deserialize;

use crate::accounts::{organizations, Organization};
use crate::api::tokens::{self, ApiToken, NewToken, DEFAULT_RATE, MAX_DAYS};
use crate::api::TokenScope;
use crate::audit;
use crate::domain::text;
use crate::error::AppError;
use crate::web::forms::FormErrors;
use crate::web::State;
use crate::web::{client_addr, see_other, Page};

#[derive(Template)]
#[template(path = "admin/api_tokens.html")]
pub struct ListPage {
    pub page: Page,
    pub tokens: Vec<(ApiToken, String)>,
    pub form: TokenForm,
    pub errors: FormErrors,
    pub organizations: Vec<(Organization, i64)>,
    pub scopes: [TokenScope; 3],
    pub now: chrono::NaiveDateTime,
}

#[derive(Template)]
#[template(path = "admin/api_token_issued.html")]
pub struct IssuedPage {
    pub page: Page,
    pub token: ApiToken,
    pub secret: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    pub name: String,
    pub scope: String,
    pub organization_id: String,
    pub expires_on: String,
    pub rate_per_minute: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RevokeForm {
    pub token_id: String,
}

impl TokenForm {
    fn parse(&self, errors: &mut FormErrors, today: NaiveDate) -> Option<NewToken> {
        let name = errors.check("name", text::required_line(&self.name, 100));
        let scope = errors.check("scope", TokenScope::parse(&self.scope));
        let organization_id = errors.check(
            "organization_id",
            self.organization_id
                .trim()
                .parse::<i64>()
                .map_err(|_| "field-choose"),
        );
        let expires_on = errors.check(
            "expires_on",
            NaiveDate::parse_from_str(self.expires_on.trim(), "%Y-%m-%d")
                .map_err(|_| "date-invalid")
                .and_then(|d| {
                    if d <= today || d > today + TimeDelta::days(MAX_DAYS) {
                        Err("api-token-expiry-range")
                    } else {
                        Ok(d)
                    }
                }),
        );
        let rate = errors.check(
            "rate_per_minute",
            match self.rate_per_minute.trim() {
                "" => Ok(DEFAULT_RATE),
                n => n
                    .parse::<i32>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or("api-token-rate-invalid"),
            },
        );
        Some(NewToken {
            name: name?,
            scope: scope?,
            organization_id: organization_id?,
            expires_at: expires_on?.and_time(NaiveTime::MIN),
            rate_per_minute: rate?,
        })
    }
}

fn today() -> NaiveDate {
    audit::now().date()
}

async fn render(
    state: &State,
    page: Page,
    form: TokenForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let invalid = !errors.is_empty();
    let counter = state.api_reads.clone();
    let (tokens, organizations) = state
        .db
        .run(move |conn| {
            // The reads this server has counted, so the list shows them.
            counter.flush(conn)?;
            Ok((tokens::list(conn)?, organizations::list(conn)?))
        })
        .await?;
    let list = ListPage {
        page,
        tokens,
        form,
        errors,
        organizations,
        scopes: TokenScope::ALL,
        now: audit::now(),
    };
    if invalid {
        crate::web::invalid(&list)
    } else {
        crate::web::ok(&list)
    }
}

pub async fn list(page: Page, state: State) -> Result<HttpResponse, AppError> {
    let form = TokenForm {
        scope: TokenScope::Partner.code().into(),
        expires_on: (today() + TimeDelta::days(90))
            .format("%Y-%m-%d")
            .to_string(),
        rate_per_minute: DEFAULT_RATE.to_string(),
        ..Default::default()
    };
    render(&state, page, form, FormErrors::new()).await
}

pub async fn issue(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FormErrors::new();
    let parsed = form.parse(&mut errors, today());
    let new = match parsed {
        Some(new) if errors.is_empty() => new,
        _ => return render(&state, page, form, errors).await,
    };
    let org = new.organization_id;
    let known = state
        .db
        .run(move |conn| match organizations::find(conn, org) {
            Ok(_) => Ok(true),
            Err(AppError::NotFound) => Ok(false),
            Err(e) => Err(e),
        })
        .await?;
    if !known {
        errors.add("organization_id", "field-choose");
        return render(&state, page, form, errors).await;
    }
    let actor = page.user().actor(&client_addr(&req));
    let by = page.user().id;
    let (token, secret) =
        audit::write_alone(&state.db, move |conn| tokens::issue(conn, &actor, by, &new)).await?;
    crate::web::ok(&IssuedPage {
        page,
        token,
        secret,
    })
}

pub async fn revoke(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    let id: i64 = form
        .token_id
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("error-form-unreadable"))?;
    let actor = page.user().actor(&client_addr(&req));
    let by = page.user().id;
    let counter = state.api_reads.clone();
    let revoked = state
        .db
        .run(move |conn| {
            // The summary at revocation includes the reads this server has counted.
            counter.flush(conn)?;
            audit::write(conn, |conn| tokens::revoke(conn, &actor, by, id))
        })
        .await?;
    if !revoked {
        // No such token, or revoked already: nothing was changed.
        return Err(AppError::NotFound);
    }
    Ok(see_other("/admin/api-tokens"))
}
