//! The convoy page: details, cargo (loaded, delivered, removed), the timeline of events, the
//! incidents that obstructed it and the needs it served; with the forms to record an event, set
//! delivered cargo against a need, and record or link the incident of a blocked convoy.

use crate::domain::{ConvoyId, NeedId};
use crate::records::store::Author;
use crate::records::Scope;
use crate::web::extract::Today;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::audit;
use crate::convoys::fields::{row_field, DeliveryForm, EventForm, LinkForm};
use crate::convoys::model::{CargoLine, ConvoyEvent};
use crate::domain::values;
use crate::domain::vocab::{Category, ConvoyStatus};
use crate::error::AppError;
use crate::needs::list::{open_for_delivery, Row as NeedRow};
use crate::needs::model::{Delivery, Need};
use crate::permissions;
use crate::records::convoys as records;
use crate::records::store::convoys::{self as store, Loaded};
use crate::records::store::needs as needs_store;
use crate::records::{history as scoped_history, Hidden, Visible};
use crate::web::forms::{FormErrors, HtmlForm};
use crate::web::State;
use crate::web::{see_other, Page};

#[derive(Template)]
#[template(path = "convoys/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub l: Visible<Loaded>,
    /// Linked incidents the viewer may see, and how many others there are.
    pub incidents: Vec<records::LinkedIncident>,
    pub hidden_incidents: Hidden,
    pub can_edit: bool,
    pub next_statuses: &'static [ConvoyStatus],
    pub event: EventForm,
    pub event_errors: FormErrors,
    pub event_lines: Vec<EventLine>,
    /// The latest obstruction event with no incident yet: offer to record one.
    pub offer: Option<ConvoyEvent>,
    pub link: LinkForm,
    pub link_errors: FormErrors,
    pub delivery: DeliveryForm,
    pub delivery_errors: FormErrors,
    pub deliverable: Vec<(CargoLine, i64)>,
    pub open_needs: Vec<NeedRow>,
    pub served: Vec<(Delivery, Need)>,
    pub hidden_served: Hidden,
    pub notice: Option<&'static str>,
    /// The places the event form suggests (for those who may record events).
    pub places: Vec<String>,
}

/// A cargo line in the event form, with what was typed and its messages.
pub struct EventLine {
    pub index: usize,
    pub line: CargoLine,
    pub delivered: String,
    pub removed: String,
    pub note: String,
    pub errors: [Option<&'static str>; 3],
}

#[derive(Default)]
pub struct Kept {
    pub event: Option<EventForm>,
    pub event_errors: FormErrors,
    pub link: Option<LinkForm>,
    pub link_errors: FormErrors,
    pub delivery: Option<DeliveryForm>,
    pub delivery_errors: FormErrors,
}

pub async fn build(
    page: Page,
    state: &State,
    id: ConvoyId,
    kept: Kept,
    notice: Option<&'static str>,
) -> Result<ShowPage, AppError> {
    let today = Today::now();
    let scope = page.scope();
    let v = scope.viewer();
    let (l, open_needs, (served, hidden_served), (incidents, hidden_incidents), allocated) = state
        .db
        .read(move |conn| {
            let l = records::find(conn, &scope, id)?;
            let open_needs = open_for_delivery(conn, v, Some(l.convoy.destination_id))?;
            let served = records::needs_served(conn, &scope, &l)?;
            let incidents = records::linked_incidents(conn, &scope, &l)?;
            let allocated = records::allocated(conn, &l)?;
            Ok((l, open_needs, served, incidents, allocated))
        })
        .await?;
    let can_edit = permissions::can_edit_record(v, l.convoy.facts());
    let places = if can_edit {
        crate::web::incidents::form::place_labels(state, &page).await?
    } else {
        Vec::new()
    };
    let event = kept.event.unwrap_or_else(|| EventForm {
        occurred_on: today.date.to_string(),
        ..Default::default()
    });
    let event_lines = l
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| EventLine {
            index,
            line: line.clone(),
            delivered: event
                .delivered_quantity
                .get(index)
                .cloned()
                .unwrap_or_default(),
            removed: event
                .removed_quantity
                .get(index)
                .cloned()
                .unwrap_or_default(),
            note: event.removal_note.get(index).cloned().unwrap_or_default(),
            errors: ["delivered_quantity", "removed_quantity", "removal_note"]
                .map(|f| kept.event_errors.get(&row_field(f, index))),
        })
        .collect();
    // One obstruction episode (blocked, then turned back…) is one incident: offer to record
    // it only while no event of the latest run of obstruction events has one.
    // Whoever may see it: an episode already recorded by anyone is not offered again.
    let recorded = &l.recorded_events;
    let episode: Vec<&ConvoyEvent> = l
        .events
        .iter()
        .rev()
        .map(|(e, _)| e)
        .take_while(|e| e.status().is_obstruction())
        .collect();
    let offer = if episode.iter().any(|e| recorded.contains(&e.id)) {
        None
    } else {
        episode.first().map(|e| (*e).clone())
    };
    let deliverable = l
        .lines
        .iter()
        .zip(allocated)
        .filter_map(|(line, used)| {
            let left = line.delivered_quantity? - used;
            (left > 0).then(|| (line.clone(), left))
        })
        .collect();
    Ok(ShowPage {
        can_edit,
        next_statuses: l.convoy.status().next(),
        event,
        event_errors: kept.event_errors,
        event_lines,
        offer,
        link: kept.link.unwrap_or_default(),
        link_errors: kept.link_errors,
        delivery: kept.delivery.unwrap_or_default(),
        delivery_errors: kept.delivery_errors,
        deliverable,
        open_needs,
        served,
        hidden_served,
        incidents,
        hidden_incidents,
        page,
        l,
        notice,
        places,
    })
}

impl ShowPage {
    pub fn categories(&self) -> &'static [Category] {
        Category::ALL
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show(
    page: Page,
    state: State,
    id: web::Path<ConvoyId>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = match q.done.as_deref() {
        Some("created") => Some("convoy-created"),
        Some("saved") => Some("convoy-saved"),
        Some("event") => Some("convoy-event-recorded"),
        Some("delivery") => Some("convoy-delivery-recorded"),
        Some("linked") => Some("convoy-incident-linked"),
        _ => None,
    };
    crate::web::ok(&build(page, &state, id.into_inner(), Kept::default(), notice).await?)
}

pub async fn add_event(
    page: Page,
    state: State,
    id: web::Path<ConvoyId>,
    form: HtmlForm<EventForm>,
    author: Author,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let mut errors = FormErrors::new();
    let fields = form.parse(today.latest, &mut errors);
    let outcome = match fields {
        Some(f) if errors.is_empty() => {
            audit::write_alone(&state.db, move |conn| {
                store::add_event(conn, &author, id, &f)
            })
            .await?
        }
        _ => Err(errors),
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!("/convoys/{id}?done=event#timeline"))),
        Err(errors) => {
            let kept = Kept {
                event: Some(form),
                event_errors: errors,
                ..Default::default()
            };
            let p = build(page, &state, id, kept, None).await?;
            crate::web::invalid_if_allowed(p.can_edit, &p)
        }
    }
}

pub async fn add_delivery(
    page: Page,
    state: State,
    id: web::Path<ConvoyId>,
    form: HtmlForm<DeliveryForm>,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let mut errors = FormErrors::new();
    let line = errors.check(
        "cargo_line",
        form.cargo_line
            .trim()
            .parse::<i64>()
            .map_err(|_| "field-choose"),
    );
    let need = errors.check(
        "need",
        form.need.trim().parse::<i64>().map_err(|_| "field-choose"),
    );
    let quantity = errors.check(
        "quantity",
        values::positive_number(&form.quantity, 1_000_000_000),
    );
    let outcome = match (line, need, quantity) {
        (Some(line), Some(need), Some(quantity)) => {
            audit::write_alone(&state.db, move |conn| {
                needs_store::add_delivery(conn, &author, id, line, NeedId::new(need), quantity)
            })
            .await?
        }
        _ => Err(errors),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/convoys/{id}?done=delivery#deliveries"
        ))),
        Err(errors) => {
            let kept = Kept {
                delivery: Some(form),
                delivery_errors: errors,
                ..Default::default()
            };
            let p = build(page, &state, id, kept, None).await?;
            crate::web::invalid_if_allowed(p.can_edit, &p)
        }
    }
}

/// Links an incident already recorded (by its reference) to the convoy.
pub async fn link_incident(
    page: Page,
    state: State,
    id: web::Path<ConvoyId>,
    form: HtmlForm<LinkForm>,
    author: Author,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let reference = form.incident_reference.clone();
    let outcome = audit::write_alone(&state.db, move |conn| {
        store::link_by_reference(conn, &author, id, &reference)
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/convoys/{id}?done=linked#incidents"))),
        Err(errors) => {
            let kept = Kept {
                link: Some(form),
                link_errors: errors,
                ..Default::default()
            };
            let p = build(page, &state, id, kept, None).await?;
            crate::web::invalid_if_allowed(p.can_edit, &p)
        }
    }
}

pub async fn history(
    page: Page,
    state: State,
    id: web::Path<ConvoyId>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (l, history) = state
        .db
        .read(move |conn| {
            let l = records::find(conn, &scope, id)?;
            let history = scoped_history::of(conn, &scope, "convoy", id.get(), None)?;
            Ok((l, history))
        })
        .await?;
    let l = l.into_inner();
    let title = format!("{} → {}", l.origin.name, l.destination.name);
    crate::web::history::render(
        page,
        format!("/convoys/{id}"),
        l.convoy.reference,
        title,
        history,
    )
}
