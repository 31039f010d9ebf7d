//! Need pages: list (critical and overdue first), form (new and edit), the need with the
//! convoys that carried supplies against it, history.

use crate::domain::NeedId;
use crate::permissions::Viewer;
use crate::records::store::Author;
use crate::web::extract::Today;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::vocab::{Sensitivity, Urgency};
use crate::error::AppError;
use crate::locations;
use crate::needs::fields::{NeedFields, NeedForm};
use crate::needs::list::{self, ListQuery, Row};
use crate::paging::{PagedQuery, Pager};
use crate::permissions::{self, Action};
use crate::records::needs as records;
use crate::records::store::needs::{self as store, Loaded};
use crate::records::store::places;
use crate::records::Scope;
use crate::records::{history as scoped_history, Hidden, Visible};
use crate::web::edit::{self, Difference, VersionedForm};
use crate::web::forms::{FormErrors, HtmlForm};
use crate::web::incidents::form::place_labels;
use crate::web::State;
use crate::web::{see_other, Page};
use chrono::NaiveDate;

#[derive(Template)]
#[template(path = "needs/list.html")]
pub struct ListPage {
    pub page: Page,
    pub query: ListQuery,
    pub rows: Vec<Row>,
    pub total: i64,
    pub pager: Pager,
    pub admin1s: Vec<String>,
    pub today: chrono::NaiveDate,
    pub can_record: bool,
    /// May export (CSV, JSON): the download links, with `export_query` (the filters, no page).
    pub can_export: bool,
    pub export_query: String,
}

pub async fn list(
    page: Page,
    state: State,
    query: web::Query<ListQuery>,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (filter, page_no) = query.parse();
    let today = today.date;
    let (found, areas) = state
        .db
        .read(move |conn| {
            Ok((
                list::list(conn, v, &filter, today, page_no, list::PAGE_SIZE)?,
                locations::admin_areas(conn, v)?,
            ))
        })
        .await?;
    let admin1s: Vec<String> = locations::admin1_names(&areas)
        .into_iter()
        .map(str::to_string)
        .collect();
    let pager = Pager::new("/needs", &query, page_no, found.total);
    crate::web::ok(&ListPage {
        can_record: permissions::allows(page.user().role, Action::RecordNeeds),
        can_export: permissions::allows(page.user().role, Action::ExportRecords),
        export_query: query.with_page(1),
        page,
        query,
        rows: found.rows,
        total: found.total,
        pager,
        admin1s,
        today,
    })
}

#[derive(Template)]
#[template(path = "needs/form.html")]
pub struct FormPage {
    pub page: Page,
    pub form: NeedForm,
    pub errors: FormErrors,
    pub editing: Option<(NeedId, String)>,
    pub places: Vec<String>,
    /// Set when someone else saved first: what differs between their version and this input.
    pub conflict: Option<Vec<Difference>>,
}

impl FormPage {
    pub fn action(&self) -> String {
        match &self.editing {
            Some((id, _)) => format!("/needs/{id}"),
            None => "/needs".into(),
        }
    }
}

impl VersionedForm for NeedForm {
    type Fields = NeedFields;

    fn version(&self) -> &str {
        &self.version
    }

    fn set_version(&mut self, version: String) {
        self.version = version;
    }

    fn parse_fields(&self, latest: NaiveDate, errors: &mut FormErrors) -> Option<NeedFields> {
        self.parse(latest, errors)
    }

    fn typed_places(&self) -> Vec<crate::locations::TypedPlace> {
        NeedForm::typed_places(self)
    }

    fn labelled(&self) -> Vec<(&'static str, String)> {
        vec![
            ("field-facility-name", self.facility_name.clone()),
            ("field-facility-type", self.facility_type.clone()),
            ("field-location", self.location.clone()),
            ("field-item", self.item.clone()),
            ("field-item-detail", self.item_detail.clone()),
            ("field-quantity-needed", self.quantity_needed.clone()),
            ("field-unit", self.unit.clone()),
            ("field-urgency", self.urgency.clone()),
            ("field-needed-by", self.needed_by.clone()),
            ("field-assessed-on", self.assessed_on.clone()),
            ("field-sensitivity", self.sensitivity.clone()),
            ("field-notes", self.notes.clone()),
            ("need-cancel", self.cancelled.clone()),
        ]
    }
}

fn form_from(l: &Loaded) -> NeedForm {
    let n = &l.need;
    NeedForm {
        facility_name: n.facility_name.clone(),
        facility_type: n.facility_type.clone(),
        location: l.location.label(),
        item: n.item.clone(),
        item_detail: n.item_detail.clone(),
        quantity_needed: n.quantity_needed.to_string(),
        unit: n.unit.clone(),
        urgency: n.urgency.clone(),
        needed_by: n.needed_by.map(|d| d.to_string()).unwrap_or_default(),
        assessed_on: n.assessed_on.map(|d| d.to_string()).unwrap_or_default(),
        sensitivity_reason: String::new(),
        sensitivity: n.sensitivity.code().to_string(),
        notes: n.notes.clone(),
        cancelled: if n.status == "cancelled" {
            "yes".into()
        } else {
            String::new()
        },
        version: n.version.to_string(),
        ..Default::default()
    }
}

pub async fn new_form(page: Page, state: State, today: Today) -> Result<HttpResponse, AppError> {
    let form = NeedForm {
        // Most needs are recorded the day they are assessed; one typed in later says when.
        assessed_on: today.date.to_string(),
        urgency: Urgency::High.code().into(),
        sensitivity: Sensitivity::Restricted.code().into(),
        ..Default::default()
    };
    let places = place_labels(&state, &page).await?;
    crate::web::ok(&FormPage {
        page,
        form,
        errors: FormErrors::new(),
        editing: None,
        places,
        conflict: None,
    })
}

pub async fn create(
    page: Page,
    state: State,
    form: HtmlForm<NeedForm>,
    author: Author,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let mut errors = FormErrors::new();
    let fields = form.parse(today.latest, &mut errors);
    // Also say now whether a typed place is known, so every problem shows at once.
    let typed = form.typed_places();
    let (valid, viewer) = (errors.is_empty(), author.viewer);
    let outcome = crate::web::forms::create_or_check(
        &state.db,
        fields,
        valid,
        move |tx, f| store::create(tx, &author, &f, today.date),
        move |conn, _| {
            places::check_typed(conn, viewer, &typed, &mut errors)?;
            Ok(Err(errors))
        },
    )
    .await?;
    match outcome {
        Ok(id) => Ok(see_other(&format!("/needs/{id}?done=created"))),
        Err(errors) => {
            let places = place_labels(&state, &page).await?;
            crate::web::invalid(&FormPage {
                page,
                form,
                errors,
                editing: None,
                places,
                conflict: None,
            })
        }
    }
}

pub async fn edit_form(
    page: Page,
    state: State,
    id: web::Path<NeedId>,
    v: Viewer,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let loaded = state
        .db
        .run(move |conn| records::find(conn, &Scope::of(v), id))
        .await?;
    if let Some(why) = permissions::edit_refusal(v, loaded.need.facts()) {
        return Err(AppError::Refused(why));
    }
    let places = place_labels(&state, &page).await?;
    crate::web::ok(&FormPage {
        page,
        form: form_from(&loaded),
        errors: FormErrors::new(),
        editing: Some((id, loaded.need.reference.clone())),
        places,
        conflict: None,
    })
}

pub async fn update(
    page: Page,
    state: State,
    id: web::Path<NeedId>,
    form: HtmlForm<NeedForm>,
    author: Author,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut form = form.0;
    let loaded = state
        .db
        .run(move |conn| records::find(conn, &Scope::of(v), id))
        .await?;
    if let Some(why) = permissions::edit_refusal(v, loaded.need.facts()) {
        return Err(AppError::Refused(why));
    }
    let editing = Some((id, loaded.need.reference.clone()));
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
        return Ok(see_other(&format!("/needs/{id}?done=saved")));
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
            conflict,
        },
    )
}

#[derive(Template)]
#[template(path = "needs/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub l: Visible<Loaded>,
    /// Which convoys (that the viewer may see) carried what against this need.
    pub deliveries: Vec<records::DeliveryLine>,
    pub hidden_deliveries: Hidden,
    pub can_edit: bool,
    pub today: chrono::NaiveDate,
    pub notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show(
    page: Page,
    state: State,
    id: web::Path<NeedId>,
    q: web::Query<DoneQuery>,
    scope: Scope,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let v = scope.viewer();
    let (l, (deliveries, hidden_deliveries)) = state
        .db
        .read(move |conn| {
            let l = records::find(conn, &scope, id)?;
            let deliveries = records::deliveries(conn, &scope, &l)?;
            Ok((l, deliveries))
        })
        .await?;
    let notice = match q.done.as_deref() {
        Some("created") => Some("need-created"),
        Some("saved") => Some("need-saved"),
        _ => None,
    };
    crate::web::ok(&ShowPage {
        can_edit: permissions::can_edit_record(v, l.need.facts()),
        page,
        l,
        deliveries,
        hidden_deliveries,
        today: today.date,
        notice,
    })
}

pub async fn history(
    page: Page,
    state: State,
    id: web::Path<NeedId>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (l, history) = state
        .db
        .read(move |conn| {
            let l = records::find(conn, &scope, id)?;
            let history = scoped_history::of(conn, &scope, "need", id.get(), None)?;
            Ok((l, history))
        })
        .await?;
    let l = l.into_inner();
    let title = format!("{} · {}", l.need.facility_name, l.location.name);
    crate::web::history::render(
        page,
        format!("/needs/{id}"),
        l.need.reference,
        title,
        history,
    )
}
