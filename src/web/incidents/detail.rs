//! The incident page (everything the viewer may see, claims side by side, the actions they
//! may take) and its full history.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{today, viewer};
use crate::convoys::model::Convoy;
use crate::convoys::store as convoy_store;
use crate::error::AppError;
use crate::incidents::fields::ClaimForm;
use crate::incidents::store::{self, Link, Loaded};
use crate::incidents::Claim;
use crate::permissions::{self, Viewer};
use crate::revisions::{self, Revision};
use crate::startup::State;
use crate::web::forms::FormErrors;
use crate::web::history::{shown, ShownChange};
use crate::web::Page;

/// Fields of a revision that name sources: hidden from those who may not see them.
const SOURCE_FIELDS: [&str; 1] = ["claim_source_name"];

#[derive(Template)]
#[template(path = "incidents/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub l: Loaded,
    pub claims: Vec<Claim>,
    pub see_sources: bool,
    pub can_edit: bool,
    pub can_add_claim: bool,
    pub can_verify: bool,
    pub can_retract: bool,
    pub can_merge: bool,
    pub claim_form: ClaimForm,
    pub claim_errors: FormErrors,
    pub verification: String,
    pub verification_reason: String,
    pub verification_errors: FormErrors,
    pub retraction_reason: String,
    pub retraction_errors: FormErrors,
    pub merge_into: String,
    pub merge_reason: String,
    pub merge_errors: FormErrors,
    /// The record this duplicate was merged into, if it was.
    pub merged_into: Option<Link>,
    /// Duplicates merged into this record.
    pub duplicates: Vec<Link>,
    pub timeline: Vec<(Revision, Vec<ShownChange>)>,
    /// Convoys this incident obstructed (those the viewer may see).
    pub convoys: Vec<Convoy>,
    pub notice: Option<&'static str>,
}

impl ShowPage {
    /// The duplicate a claim was moved from, when it was.
    pub fn origin(&self, c: &Claim) -> Option<&str> {
        let from = c.merged_from?;
        self.duplicates
            .iter()
            .find(|(id, _)| *id == from)
            .map(|(_, reference)| reference.as_str())
    }
}

/// Fields hidden from those who may not see sources.
fn hidden(see_sources: bool) -> &'static [&'static str] {
    if see_sources {
        &[]
    } else {
        &SOURCE_FIELDS
    }
}

/// What a re-rendered page keeps of a failed action.
#[derive(Default)]
pub struct Kept {
    pub claim_form: Option<ClaimForm>,
    pub claim_errors: FormErrors,
    pub verification: Option<(String, String)>,
    pub verification_errors: FormErrors,
    pub retraction_reason: String,
    pub retraction_errors: FormErrors,
    /// The record to merge into and the reason, as typed.
    pub merge: Option<(String, String)>,
    pub merge_errors: FormErrors,
}

pub async fn build(
    page: Page,
    state: &State,
    id: i64,
    kept: Kept,
    notice: Option<&'static str>,
) -> Result<ShowPage, AppError> {
    let v: Viewer = viewer(&page);
    let (l, claims, history, convoys, (merged_into, duplicates)) = state
        .db
        .run(move |conn| {
            let l = store::find_visible(conn, id, v)?;
            let claims = store::claims_of(conn, id)?;
            let history = revisions::history(conn, "incident", id)?;
            let convoys = convoy_store::linked_to_incident(conn, id)?
                .into_iter()
                .filter(|c| permissions::can_view_record(v, c.facts()))
                .collect();
            let links = store::merge_links(conn, &l.incident)?;
            Ok((l, claims, history, convoys, links))
        })
        .await?;
    let facts = l.facts();
    let see_sources = permissions::can_see_sources(v, facts);
    let timeline = history
        .into_iter()
        .rev()
        .take(10)
        .map(|r| {
            let changes = shown(&page.lang, &r, hidden(see_sources));
            (r, changes)
        })
        .collect();
    let (verification, verification_reason) = kept
        .verification
        .unwrap_or_else(|| (l.incident.verification.clone(), String::new()));
    let (merge_into, merge_reason) = kept.merge.unwrap_or_default();
    Ok(ShowPage {
        can_edit: permissions::can_edit_record(v, facts),
        can_add_claim: permissions::can_add_claim(v, facts),
        can_verify: permissions::can_verify_incident(v, facts),
        can_retract: permissions::can_retract_incident(v, facts),
        can_merge: permissions::can_merge_incident(v, facts),
        merge_into,
        merge_reason,
        merge_errors: kept.merge_errors,
        merged_into,
        duplicates,
        see_sources,
        claim_form: kept.claim_form.unwrap_or_else(|| ClaimForm {
            claim_date: today().to_string(),
            ..Default::default()
        }),
        claim_errors: kept.claim_errors,
        verification,
        verification_reason,
        verification_errors: kept.verification_errors,
        retraction_reason: kept.retraction_reason,
        retraction_errors: kept.retraction_errors,
        page,
        l,
        claims,
        timeline,
        convoys,
        notice,
    })
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show(
    page: Page,
    state: State,
    id: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match query.done.as_deref() {
        Some("created") => Some("incident-created"),
        Some("saved") => Some("incident-saved"),
        Some("claim") => Some("incident-claim-added"),
        Some("verified") => Some("incident-verification-set"),
        Some("retracted") => Some("incident-retracted"),
        Some("merged") => Some("incident-merged"),
        Some("exists") => Some("incident-exists-for-event"),
        _ => None,
    };
    let p = build(page, &state, id.into_inner(), Kept::default(), notice).await?;
    crate::web::ok(&p)
}

pub async fn history(
    page: Page,
    state: State,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let v = viewer(&page);
    let (l, history) = state
        .db
        .run(move |conn| {
            Ok((
                store::find_visible(conn, id, v)?,
                revisions::history(conn, "incident", id)?,
            ))
        })
        .await?;
    let see_sources = permissions::can_see_sources(v, l.facts());
    let reference = l.incident.reference.clone();
    crate::web::history::render(
        page,
        format!("/incidents/{id}"),
        reference,
        l.incident.title,
        history,
        hidden(see_sources),
    )
}
