//! The incident page (everything the viewer may see, claims side by side, the actions they
//! may take) and its full history.

use crate::domain::IncidentId;
use crate::records::Scope;
use crate::web::extract::Today;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::convoys::model::Convoy;
use crate::error::AppError;
use crate::incidents::fields::ClaimForm;
use crate::permissions;
use crate::records::incidents::{self as records, ScopedClaim};
use crate::records::store::incidents::{Link, Loaded};
use crate::records::{history as scoped_history, Hidden, Visible};
use crate::web::forms::FormErrors;
use crate::web::history::ShownRevision;
use crate::web::Page;
use crate::web::State;

#[derive(Template)]
#[template(path = "incidents/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub l: Visible<Loaded>,
    /// Claims the viewer may read, each with its source shown or withheld.
    pub claims: Vec<ScopedClaim>,
    pub hidden_claims: Hidden,
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
    /// The record this duplicate was merged into, if it was (and the viewer may see it).
    pub merged_into: Option<Link>,
    pub merged_into_hidden: bool,
    /// Duplicates merged into this record (those the viewer may see).
    pub duplicates: Vec<Link>,
    pub hidden_duplicates: Hidden,
    /// Records that may report the same event, offered for a merge.
    pub likely_duplicates: Vec<crate::records::duplicates::Likely>,
    pub timeline: Vec<ShownRevision>,
    /// Convoys this incident obstructed (those the viewer may see).
    pub convoys: Vec<Convoy>,
    pub hidden_convoys: Hidden,
    pub notice: Option<&'static str>,
}

impl ShowPage {
    /// The duplicate a claim was moved from, when it was.
    pub fn origin(&self, c: &ScopedClaim) -> Option<&str> {
        let from = c.merged_from?;
        self.duplicates
            .iter()
            .find(|(id, _)| *id == from)
            .map(|(_, reference)| reference.as_str())
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
    id: IncidentId,
    kept: Kept,
    notice: Option<&'static str>,
) -> Result<ShowPage, AppError> {
    let today = Today::now();
    let scope = page.scope();
    let v = scope.viewer();
    let (l, related) = state
        .db
        .read(move |conn| {
            let (l, counts) = records::find_for_page(conn, &scope, id)?;
            let related = records::page(conn, &scope, &l, counts)?;
            Ok((l, related))
        })
        .await?;
    let facts = l.facts();
    let timeline = crate::web::history::shown(&page.lang, related.timeline);
    let (verification, verification_reason) = kept
        .verification
        .unwrap_or_else(|| (l.incident.verification.code().to_string(), String::new()));
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
        merged_into: related.merged_into,
        merged_into_hidden: related.merged_into_hidden,
        duplicates: related.duplicates,
        hidden_duplicates: related.hidden_duplicates,
        likely_duplicates: related.likely_duplicates,
        claims: related.claims,
        hidden_claims: related.hidden_claims,
        convoys: related.convoys,
        hidden_convoys: related.hidden_convoys,
        claim_form: kept.claim_form.unwrap_or_else(|| ClaimForm {
            claim_date: today.date.to_string(),
            // In view and changed with a click: what a claim sent without one counts as.
            claim_stance: crate::domain::vocab::ClaimStance::Supports.code().into(),
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
        timeline,
        notice,
    })
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    /// A likely duplicate offered for a merge: the merge form comes filled in with it.
    merge_into: Option<String>,
}

pub async fn show(
    page: Page,
    state: State,
    id: web::Path<IncidentId>,
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
    let kept = Kept {
        merge: query.merge_into.clone().map(|r| (r, String::new())),
        ..Kept::default()
    };
    let p = build(page, &state, id.into_inner(), kept, notice).await?;
    crate::web::ok(&p)
}

pub async fn history(
    page: Page,
    state: State,
    id: web::Path<IncidentId>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (l, history) = state
        .db
        .read(move |conn| {
            let l = records::find(conn, &scope, id)?;
            let history = scoped_history::of(conn, &scope, "incident", id.get(), None)?;
            Ok((l, history))
        })
        .await?;
    let l = l.into_inner();
    crate::web::history::render(
        page,
        format!("/incidents/{id}"),
        l.incident.reference,
        l.incident.title,
        history,
    )
}
