//! Actions on an incident: add a claim, set verification (coordinators, with a reason),
//! retract (with a reason), merge a duplicate into the record kept (coordinators, with a
//! reason). Each re-renders the page with its message when something is wrong.

use crate::domain::IncidentId;
use crate::records::store::Author;
use crate::records::Scope;
use crate::web::extract::Today;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::detail::{build, Kept};
use crate::audit;
use crate::domain::vocab::Verification;
use crate::error::AppError;
use crate::incidents::fields::{self, ClaimForm};
use crate::records::store::incidents as store;
use crate::web::forms::{FormErrors, HtmlForm};
use crate::web::State;
use crate::web::{see_other, Page};

pub async fn add_claim(
    page: Page,
    state: State,
    id: web::Path<IncidentId>,
    form: HtmlForm<ClaimForm>,
    author: Author,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let mut errors = FormErrors::new();
    let Some(claim) = form.parse(today.latest, &mut errors) else {
        let kept = Kept {
            claim_form: Some(form),
            claim_errors: errors,
            ..Default::default()
        };
        let p = build(page, &state, id, kept, None).await?;
        return crate::web::invalid_if_allowed(p.can_add_claim, &p);
    };
    audit::write_alone(&state.db, move |conn| {
        store::add_claim(conn, &author, id, &claim)
    })
    .await?;
    Ok(see_other(&format!("/incidents/{id}?done=claim#claims")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VerificationForm {
    verification: String,
    reason: String,
}

pub async fn verify(
    page: Page,
    state: State,
    id: web::Path<IncidentId>,
    form: HtmlForm<VerificationForm>,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let mut errors = FormErrors::new();
    let to = errors.check("verification", Verification::parse(&form.verification));
    let reason = fields::reason(&form.reason, &mut errors);
    let (Some(to), Some(reason)) = (to, reason) else {
        let kept = Kept {
            verification: Some((form.verification, form.reason)),
            verification_errors: errors,
            ..Default::default()
        };
        let p = build(page, &state, id, kept, None).await?;
        return crate::web::invalid_if_allowed(p.can_verify, &p);
    };
    audit::write_alone(&state.db, move |conn| {
        store::set_verification(conn, &author, id, to, &reason)
    })
    .await?;
    Ok(see_other(&format!("/incidents/{id}?done=verified")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RetractionForm {
    /// Named apart from the verification's reason: both forms are on the incident's page, and
    /// each field's id is its name. (`reason` is what older pages sent.)
    #[serde(alias = "reason")]
    retraction_reason: String,
}

pub async fn retract(
    page: Page,
    state: State,
    id: web::Path<IncidentId>,
    form: HtmlForm<RetractionForm>,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let mut errors = FormErrors::new();
    let Some(reason) = fields::reason_in("retraction_reason", &form.retraction_reason, &mut errors)
    else {
        let kept = Kept {
            retraction_reason: form.retraction_reason,
            retraction_errors: errors,
            ..Default::default()
        };
        let p = build(page, &state, id, kept, None).await?;
        return crate::web::invalid_if_allowed(p.can_retract, &p);
    };
    audit::write_alone(&state.db, move |conn| {
        store::retract(conn, &author, id, &reason)
    })
    .await?;
    Ok(see_other(&format!("/incidents/{id}?done=retracted")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MergeForm {
    merge_into: String,
    merge_reason: String,
}

pub async fn merge(
    page: Page,
    state: State,
    id: web::Path<IncidentId>,
    form: HtmlForm<MergeForm>,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let mut errors = FormErrors::new();
    if form.merge_into.trim().is_empty() {
        errors.add("merge_into", "merge-into-required");
    }
    // Every problem at once, in the form's order: the reference is looked up even while the
    // reason is missing.
    let mut reason_errors = FormErrors::new();
    let reason = fields::reason_in("merge_reason", &form.merge_reason, &mut reason_errors);
    if reason.is_none() && errors.get("merge_into").is_none() {
        let (into, scope) = (form.merge_into.clone(), Scope::of(author.viewer));
        let wrong = state
            .db
            .run(move |conn| crate::records::merge::check_target(conn, &scope, id, &into))
            .await?;
        if let Some(message) = wrong {
            errors.add("merge_into", message);
        }
    }
    errors.extend(reason_errors);
    let outcome = match reason {
        Some(reason) if errors.is_empty() => {
            let into = form.merge_into.clone();
            audit::write_alone(&state.db, move |conn| {
                crate::records::merge::merge(conn, &author, id, &into, &reason)
            })
            .await?
        }
        _ => Err(errors),
    };
    match outcome {
        Ok(kept) => Ok(see_other(&format!("/incidents/{kept}?done=merged"))),
        Err(errors) => {
            let kept = Kept {
                merge: Some((form.merge_into, form.merge_reason)),
                merge_errors: errors,
                ..Default::default()
            };
            let p = build(page, &state, id, kept, None).await?;
            crate::web::invalid_if_allowed(p.can_merge, &p)
        }
    }
}
