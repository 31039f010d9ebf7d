//! Saved searches and subscriptions, for their owner only: save a list's filters (from the
//! list page), see and delete one's searches, subscribe to one (an Atom feed at a private URL,
//! a signed webhook, or email), revoke a subscription, send a test message, and read each
//! subscription's latest deliveries. Another person's search or subscription is not found.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::audit;
use crate::error::AppError;
use crate::notify::deliveries::{self, Delivery};
use crate::notify::searches::{self, Kind, SavedSearch};
use crate::notify::subscriptions::{self, Channel, Frequency, Subscription};
use crate::web::forms::FormErrors;
use crate::web::{client_addr, see_other, Page, State};

/// Deliveries listed per subscription.
const SHOWN_DELIVERIES: i64 = 10;

#[derive(Template)]
#[template(path = "searches/new.html")]
pub struct NewPage {
    pub page: Page,
    pub form: SearchForm,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "searches/list.html")]
pub struct ListPage {
    pub page: Page,
    pub searches: Vec<SavedSearch>,
}

#[derive(Template)]
#[template(path = "searches/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub search: SavedSearch,
    pub subscriptions: Vec<(Subscription, Vec<Delivery>)>,
    pub form: SubscribeForm,
    pub errors: FormErrors,
    pub channels: &'static [Channel],
    pub frequencies: &'static [Frequency],
    pub email_ready: bool,
}

#[derive(Template)]
#[template(path = "searches/created.html")]
pub struct CreatedPage {
    pub page: Page,
    pub search: SavedSearch,
    /// The feed's URL, or the webhook's signing secret: shown this once.
    pub feed_url: Option<String>,
    pub secret: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchForm {
    pub name: String,
    pub kind: String,
    pub query: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubscribeForm {
    pub channel: String,
    pub url: String,
    pub email: String,
    pub frequency: String,
}

impl SearchForm {
    pub fn kind_label(&self) -> &'static str {
        Kind::parse(&self.kind).map_or("what-fallback", Kind::label_id)
    }
}

fn errors_of(list: Vec<(&'static str, &'static str)>) -> FormErrors {
    let mut errors = FormErrors::new();
    for (field, message) in list {
        errors.add(field, message);
    }
    errors
}

/// The form that names a search, opened from a list page with its filters.
pub async fn new_form(page: Page, query: web::Query<SearchForm>) -> Result<HttpResponse, AppError> {
    let form = query.into_inner();
    crate::web::ok(&NewPage {
        page,
        form,
        errors: FormErrors::new(),
    })
}

pub async fn create(
    req: HttpRequest,
    page: Page,
    state: State,
    form: web::Form<SearchForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let new = match searches::check(&form.name, &form.kind, &form.query) {
        Ok(new) => new,
        Err(list) => {
            return crate::web::invalid(&NewPage {
                page,
                form,
                errors: errors_of(list),
            })
        }
    };
    let actor = page.user().actor(&client_addr(&req));
    let user = page.user().id;
    let id = audit::write_alone(&state.db, move |tx| {
        searches::create(tx, &actor, user, &new)
    })
    .await?;
    Ok(see_other(&format!("/searches/{id}")))
}

pub async fn list(page: Page, state: State) -> Result<HttpResponse, AppError> {
    let user = page.user().id;
    let searches = state.db.run(move |conn| searches::mine(conn, user)).await?;
    crate::web::ok(&ListPage { page, searches })
}

async fn render_show(
    state: &State,
    page: Page,
    id: i64,
    form: SubscribeForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let user = page.user().id;
    let (search, subscriptions) = state
        .db
        .run(move |conn| {
            let search = searches::find_own(conn, user, id)?;
            let mut subs = Vec::new();
            for s in subscriptions::of_search(conn, id)? {
                let recent = deliveries::recent(conn, s.id, SHOWN_DELIVERIES)?;
                subs.push((s, recent));
            }
            Ok((search, subs))
        })
        .await?;
    let invalid = !errors.is_empty();
    let show = ShowPage {
        page,
        search,
        subscriptions,
        form,
        errors,
        channels: Channel::ALL,
        frequencies: Frequency::ALL,
        email_ready: state.settings.notify.smtp.is_some(),
    };
    if invalid {
        crate::web::invalid(&show)
    } else {
        crate::web::ok(&show)
    }
}

pub async fn show(
    page: Page,
    state: State,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let form = SubscribeForm {
        channel: Channel::Feed.code().into(),
        frequency: Frequency::Immediate.code().into(),
        ..Default::default()
    };
    render_show(&state, page, path.into_inner(), form, FormErrors::new()).await
}

pub async fn delete(
    req: HttpRequest,
    page: Page,
    state: State,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = page.user().actor(&client_addr(&req));
    let user = page.user().id;
    audit::write_alone(&state.db, move |tx| searches::delete(tx, &actor, user, id)).await?;
    Ok(see_other("/searches"))
}

pub async fn subscribe(
    req: HttpRequest,
    page: Page,
    state: State,
    path: web::Path<i64>,
    form: web::Form<SubscribeForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let form = form.into_inner();
    let user = page.user().id;
    // Another person's search is not found, whatever the form says.
    let search = state
        .db
        .run(move |conn| searches::find_own(conn, user, id))
        .await?;
    let notify = &state.settings.notify;
    let new = match subscriptions::check(
        &form.channel,
        &form.frequency,
        &form.url,
        &form.email,
        notify.smtp.is_some(),
        notify.webhook_allow_http,
    ) {
        Ok(new) => new,
        Err(list) => return render_show(&state, page, id, form, errors_of(list)).await,
    };
    let actor = page.user().actor(&client_addr(&req));
    let channel = new.channel;
    let created = audit::write_alone(&state.db, move |tx| {
        subscriptions::create(tx, &actor, user, id, &new)
    })
    .await?;
    if channel == Channel::Email {
        return Ok(see_other(&format!("/searches/{id}")));
    }
    let base = &state.settings.public_url;
    let (feed_url, secret) = match channel {
        Channel::Feed => (
            created.shown_once.map(|t| format!("{base}/feeds/{t}")),
            None,
        ),
        _ => (None, created.shown_once),
    };
    crate::web::ok(&CreatedPage {
        page,
        search,
        feed_url,
        secret,
    })
}

/// The saved search a subscription belongs to, for the redirect back to it.
async fn own_subscription(state: &State, page: &Page, id: i64) -> Result<Subscription, AppError> {
    let user = page.user().id;
    state
        .db
        .run(move |conn| subscriptions::find_own(conn, user, id))
        .await
}

pub async fn revoke(
    req: HttpRequest,
    page: Page,
    state: State,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let sub = own_subscription(&state, &page, id).await?;
    let actor = page.user().actor(&client_addr(&req));
    let user = page.user().id;
    let revoked = audit::write_alone(&state.db, move |tx| {
        subscriptions::revoke(tx, &actor, user, id)
    })
    .await?;
    if !revoked {
        // Revoked already: nothing was changed.
        return Err(AppError::NotFound);
    }
    Ok(see_other(&format!("/searches/{}", sub.saved_search_id)))
}

pub async fn test(
    req: HttpRequest,
    page: Page,
    state: State,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let sub = own_subscription(&state, &page, path.into_inner()).await?;
    let actor = page.user().actor(&client_addr(&req));
    let base = state.settings.public_url.clone();
    let search = sub.saved_search_id;
    let queued = audit::write_alone(&state.db, move |tx| {
        deliveries::send_test(tx, &actor, &sub, &base)
    })
    .await?;
    if !queued {
        return Err(AppError::NotFound);
    }
    Ok(see_other(&format!("/searches/{search}")))
}
