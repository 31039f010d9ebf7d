//! The incident form: new and edit. Errors come back beside each field with everything typed
//! kept; an edit made from an old version shows the conflict instead of overwriting.

use crate::domain::IncidentId;
use crate::permissions::Viewer;
use crate::records::store::Author;
use crate::web::extract::Today;
use actix_web::{web, HttpResponse};
use askama::Template;

use serde::Deserialize;

use crate::convoys::model::ConvoyEvent;
use crate::domain::vocab::{
    Category, ClaimStance, LocationPrecision, PerpetratorType, RecordStatus, Sensitivity,
    SourceType, TimePrecision,
};
use crate::error::AppError;
use crate::incidents::fields::{IncidentFields, IncidentForm};
use crate::incidents::model::COUNT_FIELDS;
use crate::permissions;
use crate::records::convoys::ObstructionOffer;
use crate::records::store::convoys::{self as convoy_store, Loaded as ConvoyLoaded, Obstruction};
use crate::records::store::incidents::{self as store, Loaded};
use crate::records::store::places;
use crate::records::{self, Scope};
use crate::web::edit::{self, Difference, VersionedForm};
use crate::web::forms::{FormErrors, HtmlForm};
use crate::web::State;
use crate::web::{see_other, Page};
use chrono::NaiveDate;

#[derive(Template)]
#[template(path = "incidents/form.html")]
pub struct FormPage {
    pub page: Page,
    pub form: IncidentForm,
    pub errors: FormErrors,
    /// `(id, reference)` when editing.
    pub editing: Option<(IncidentId, String)>,
    pub places: Vec<String>,
    pub statuses: Vec<RecordStatus>,
    /// Set when someone else saved first: what differs between their version and this input.
    pub conflict: Option<Vec<Difference>>,
}

impl FormPage {
    pub fn count_fields(&self) -> Vec<(&'static str, &'static str, &str)> {
        COUNT_FIELDS
            .iter()
            .zip(self.form.count_values())
            .map(|((name, label), value)| (*name, *label, value))
            .collect()
    }

    /// The qualifier chosen, exact until another is chosen.
    pub fn figures_qualifier(&self) -> &str {
        match self.form.figures_qualifier.trim() {
            "" => "exact",
            q => q,
        }
    }

    /// The scope chosen, this incident until another is chosen.
    pub fn figures_scope(&self) -> &str {
        match self.form.figures_scope.trim() {
            "" => "incident",
            s => s,
        }
    }

    /// The figures are folded away until one is typed (or wrong): most reports give none.
    pub fn counts_open(&self) -> bool {
        COUNT_FIELDS
            .iter()
            .zip(self.form.count_values())
            .any(|((name, _), value)| !value.trim().is_empty() || self.errors.get(name).is_some())
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some((id, _)) => format!("/incidents/{id}"),
            None => "/incidents".into(),
        }
    }

    pub fn checked(&self, list: &[String], code: &str) -> bool {
        list.iter().any(|c| c == code)
    }
}

/// The form filled in from a stored incident.
fn form_from(l: &Loaded) -> IncidentForm {
    let i = &l.incident;
    let n = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    IncidentForm {
        title: i.title.clone(),
        narrative: i.narrative.clone(),
        category: i.category.clone(),
        attack_types: i
            .attack_types()
            .iter()
            .map(|t| t.code().to_string())
            .collect(),
        resources: i.resources().iter().map(|t| t.code().to_string()).collect(),
        occurred_on: i.occurred_on.to_string(),
        time_precision: i.time_precision.clone(),
        occurred_time: i.occurred_time.clone(),
        reported_on: i.reported_on.to_string(),
        location: l.location.label(),
        location_precision: i.location_precision.clone(),
        perpetrator_type: i.perpetrator_type.clone(),
        perpetrator_name: i.perpetrator_name.clone(),
        civilians_killed: n(i.civilians_killed),
        civilians_injured: n(i.civilians_injured),
        aid_killed_national: n(i.aid_killed_national),
        aid_killed_international: n(i.aid_killed_international),
        aid_injured_national: n(i.aid_injured_national),
        aid_injured_international: n(i.aid_injured_international),
        aid_kidnapped_national: n(i.aid_kidnapped_national),
        aid_kidnapped_international: n(i.aid_kidnapped_international),
        aid_detained_national: n(i.aid_detained_national),
        aid_detained_international: n(i.aid_detained_international),
        people_affected: n(i.people_affected),
        figures_qualifier: i.figures_qualifier.clone(),
        figures_scope: i.figures_scope.clone(),
        figures_area_period: i.figures_area_period.clone(),
        event_tags: i
            .event_tags()
            .iter()
            .map(|t| t.code().to_string())
            .collect(),
        sensitivity: i.sensitivity.code().to_string(),
        status: i.status.code().to_string(),
        version: i.version.to_string(),
        ..Default::default()
    }
}

impl VersionedForm for IncidentForm {
    type Fields = IncidentFields;

    fn version(&self) -> &str {
        &self.version
    }

    fn set_version(&mut self, version: String) {
        self.version = version;
    }

    fn parse_fields(&self, latest: NaiveDate, errors: &mut FormErrors) -> Option<IncidentFields> {
        self.parse(latest, errors)
    }

    fn typed_places(&self) -> Vec<crate::locations::TypedPlace> {
        IncidentForm::typed_places(self)
    }

    fn labelled(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("field-title", self.title.clone()),
            ("field-narrative", self.narrative.clone()),
            ("field-category", self.category.clone()),
            ("field-occurred-on", self.occurred_on.clone()),
            ("field-reported-on", self.reported_on.clone()),
            ("field-location", self.location.clone()),
            ("field-perpetrator-type", self.perpetrator_type.clone()),
            ("field-perpetrator-name", self.perpetrator_name.clone()),
        ];
        fields.extend(
            COUNT_FIELDS
                .iter()
                .zip(self.count_values())
                .map(|((_, label), value)| (*label, value.to_string())),
        );
        fields.push(("field-figures-qualifier", self.figures_qualifier.clone()));
        fields.push(("field-figures-scope", self.figures_scope.clone()));
        fields.push((
            "field-figures-area-period",
            self.figures_area_period.clone(),
        ));
        fields.push(("field-event-tags", self.event_tags.join(", ")));
        fields.push(("field-sensitivity", self.sensitivity.clone()));
        fields.push(("field-status", self.status.clone()));
        fields
    }
}

/// The incident form as a blocked convoy's event suggests it.
fn prefill_from_convoy(
    page: &Page,
    form: &mut IncidentForm,
    l: &ConvoyLoaded,
    e: &ConvoyEvent,
    category: Option<&str>,
) {
    let place = l
        .events
        .iter()
        .find(|(ev, _)| ev.id == e.id)
        .and_then(|(_, p)| p.clone())
        .unwrap_or_else(|| l.destination.clone());
    let status = page.t(e.status().label_id());
    form.convoy_event = e.id.to_string();
    form.category = Category::parse(category.unwrap_or(""))
        .unwrap_or(Category::MovementRestriction)
        .code()
        .into();
    form.title = format!(
        "{} {} – {} → {}",
        l.convoy.reference,
        status.to_lowercase(),
        l.origin.name,
        l.destination.name
    );
    let removed: Vec<String> = l
        .lines
        .iter()
        .filter_map(|line| {
            line.removed_quantity
                .map(|r| format!("{r} {} {}", line.unit, line.item))
        })
        .collect();
    let mut narrative = format!("{}: {} ({}).", l.convoy.reference, status, e.occurred_on);
    if !e.note.is_empty() {
        narrative.push(' ');
        narrative.push_str(&e.note);
    }
    if !removed.is_empty() {
        narrative.push_str(&format!(
            " {}: {}.",
            page.t("cargo-removed"),
            removed.join("; ")
        ));
    }
    form.narrative = narrative;
    form.occurred_on = e.occurred_on.to_string();
    form.occurred_time = e.occurred_time.clone();
    form.location = place.label();
    form.perpetrator_type = PerpetratorType::Unknown.code().into();
    form.sensitivity = l.convoy.sensitivity.code().to_string();
    form.people_affected = l
        .convoy
        .beneficiaries
        .map(|b| b.to_string())
        .unwrap_or_default();
    // The convoy's own staff saw it. How far to trust what they said is the recorder's
    // judgement: the grade is left to be chosen, never defaulted.
    form.claim_source_type = SourceType::OwnStaff.code().into();
    form.claim_date = e.occurred_on.to_string();
    form.claim_statement = if e.note.is_empty() {
        status.into_owned()
    } else {
        e.note.clone()
    };
}

/// The places the person may pick, for the form's suggestions.
pub async fn place_labels(state: &State, page: &Page) -> Result<Vec<String>, AppError> {
    let scope = page.scope();
    state
        .db
        .run(move |conn| records::places::suggestions(conn, &scope))
        .await
}

#[derive(Deserialize)]
pub struct NewQuery {
    /// Prefill from this convoy event (a blocked, turned back or partly delivered convoy).
    convoy_event: Option<i64>,
    category: Option<String>,
}

pub async fn new_form(
    page: Page,
    state: State,
    query: web::Query<NewQuery>,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let today = today.date.to_string();
    let mut form = IncidentForm {
        reported_on: today.clone(),
        claim_date: today,
        time_precision: TimePrecision::Day.code().into(),
        location_precision: LocationPrecision::Exact.code().into(),
        sensitivity: Sensitivity::Restricted.code().into(),
        status: RecordStatus::Submitted.code().into(),
        // The first claim is usually the report itself; the choice stays in view.
        claim_stance: ClaimStance::Supports.code().into(),
        ..Default::default()
    };
    if let Some(event_id) = query.convoy_event {
        let offer = state
            .db
            .run(move |conn| records::convoys::obstruction_offer(conn, &Scope::of(v), event_id))
            .await?;
        // Never twice: an event already recorded leads to its incident, if the viewer may see it.
        let (convoy, event) = match offer {
            ObstructionOffer::New(found) => *found,
            ObstructionOffer::Recorded(incident_id) => {
                return Ok(see_other(&format!("/incidents/{incident_id}?done=exists")))
            }
            ObstructionOffer::RecordedHidden => {
                return Err(AppError::BadRequest("incident-exists-hidden"))
            }
        };
        prefill_from_convoy(&page, &mut form, &convoy, &event, query.category.as_deref());
    }
    let statuses = permissions::allowed_statuses(v, None);
    let places = place_labels(&state, &page).await?;
    crate::web::ok(&FormPage {
        page,
        form,
        errors: FormErrors::new(),
        editing: None,
        places,
        statuses,
        conflict: None,
    })
}

pub async fn create(
    page: Page,
    state: State,
    form: HtmlForm<IncidentForm>,
    author: Author,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let latest = today.latest;
    let mut errors = FormErrors::new();
    let fields = form.parse(latest, &mut errors);
    let claim = form.claim().parse(latest, &mut errors);
    let statuses = permissions::allowed_statuses(v, None);
    if let Some(f) = &fields {
        if !statuses.contains(&f.status) {
            errors.add("status", "status-transition-invalid");
        }
    }
    // The place typed, to be looked up even when other fields are wrong.
    let check = fields.as_ref().map(|f| f.place.clone());
    let typed = form.typed_places();
    let convoy_event: Option<i64> = form.convoy_event.trim().parse().ok();
    let (valid, viewer) = (errors.is_empty(), author.viewer);
    let outcome = crate::web::forms::create_or_check(
        &state.db,
        fields.zip(claim),
        valid,
        move |tx, (f, c)| {
            let Some(event_id) = convoy_event else {
                let created = store::create(tx, &author, &f, &c, today.date)?;
                return Ok(created.map(|i| Obstruction::Recorded(i.id)));
            };
            // A blocked convoy's incident: recorded once, linked in the same transaction.
            convoy_store::record_obstruction(tx, &author, event_id, &f, &c, today.date)
        },
        move |conn, _| {
            match &check {
                Some(place) => store::check_place(conn, viewer, place, &mut errors)?,
                None => places::check_typed(conn, viewer, &typed, &mut errors)?,
            }
            Ok(Err(errors))
        },
    )
    .await?;
    match outcome {
        Ok(Obstruction::Recorded(id)) => Ok(see_other(&format!("/incidents/{id}?done=created"))),
        Ok(Obstruction::Exists(id)) => Ok(see_other(&format!("/incidents/{id}?done=exists"))),
        Ok(Obstruction::ExistsHidden) => Err(AppError::BadRequest("incident-exists-hidden")),
        Err(errors) => {
            let places = place_labels(&state, &page).await?;
            crate::web::invalid(&FormPage {
                page,
                form,
                errors,
                editing: None,
                places,
                statuses,
                conflict: None,
            })
        }
    }
}

pub async fn edit_form(
    page: Page,
    state: State,
    id: web::Path<IncidentId>,
    v: Viewer,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let loaded = state
        .db
        .run(move |conn| records::incidents::find(conn, &Scope::of(v), id))
        .await?;
    if let Some(why) = permissions::edit_refusal(v, loaded.facts()) {
        return Err(AppError::Refused(why));
    }
    let statuses = permissions::allowed_statuses(v, Some(loaded.incident.status()));
    let places = place_labels(&state, &page).await?;
    crate::web::ok(&FormPage {
        page,
        form: form_from(&loaded),
        errors: FormErrors::new(),
        editing: Some((id, loaded.incident.reference.clone())),
        places,
        statuses,
        conflict: None,
    })
}

pub async fn update(
    page: Page,
    state: State,
    id: web::Path<IncidentId>,
    form: HtmlForm<IncidentForm>,
    author: Author,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut form = form.0;
    let loaded = state
        .db
        .run(move |conn| records::incidents::find(conn, &Scope::of(v), id))
        .await?;
    if let Some(why) = permissions::edit_refusal(v, loaded.facts()) {
        return Err(AppError::Refused(why));
    }
    let statuses = permissions::allowed_statuses(v, Some(loaded.incident.status()));
    let editing = Some((id, loaded.incident.reference.clone()));
    let edit = edit::save(
        &state,
        v,
        &mut form,
        today.latest,
        move |tx, version, fields| store::update(tx, &author, id, version, &fields),
        form_from,
    )
    .await?;
    let Some((status, errors, conflict)) = edit.unsaved() else {
        return Ok(see_other(&format!("/incidents/{id}?done=saved")));
    };
    let places = place_labels(&state, &page).await?;
    crate::web::render(
        status,
        &FormPage {
            page,
            form,
            errors,
            editing,
            places,
            statuses,
            conflict,
        },
    )
}
