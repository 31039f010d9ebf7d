//! The convoy form: new and edit, with cargo lines added and removed without JavaScript
//! ("add more rows" re-renders the form with blank rows; a ticked "remove" drops a row).

use crate::domain::ConvoyId;
use crate::permissions::Viewer;
use crate::records::store::Author;
use crate::web::extract::Today;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::accounts::{organizations, Organization};
use crate::convoys::fields::{
    row_field, ConvoyFields, ConvoyForm, LineInput, BLANK_ROWS, LINE_FIELDS,
};
use crate::domain::vocab::Sensitivity;
use crate::error::AppError;
use crate::permissions;
use crate::records::store::convoys::{self as store, Loaded};
use crate::records::store::places;
use crate::records::{self, Scope};
use crate::web::edit::{self, Difference, VersionedForm};
use crate::web::forms::{FormErrors, HtmlForm};
use crate::web::State;
use crate::web::{see_other, Page};
use actix_web::http::StatusCode;
use chrono::NaiveDate;

#[derive(Template)]
#[template(path = "convoys/form.html")]
pub struct FormPage {
    pub page: Page,
    pub form: ConvoyForm,
    pub errors: FormErrors,
    pub editing: Option<(ConvoyId, String)>,
    /// False once the trucks have left: cargo is then shown, not edited.
    pub cargo_editable: bool,
    pub locked_cargo: Vec<String>,
    pub places: Vec<String>,
    pub organizations: Vec<(Organization, i64)>,
    /// Set when someone else saved first: what differs between their version and this input.
    pub conflict: Option<Vec<Difference>>,
}

/// One cargo row of the form, with its messages.
pub struct CargoRow {
    pub index: usize,
    pub values: [String; 5],
    pub errors: [Option<&'static str>; 5],
}

impl FormPage {
    pub fn rows(&self) -> Vec<CargoRow> {
        self.form
            .rows_all()
            .into_iter()
            .enumerate()
            .map(|(index, r)| CargoRow {
                index,
                values: [r.item, r.sector, r.quantity, r.unit, r.weight],
                errors: LINE_FIELDS.map(|f| self.errors.get(&row_field(f, index))),
            })
            .collect()
    }

    pub fn action(&self) -> String {
        match &self.editing {
            Some((id, _)) => format!("/convoys/{id}"),
            None => "/convoys".into(),
        }
    }

    pub fn participates(&self, id: &i64) -> bool {
        self.form
            .participants
            .iter()
            .any(|p| p.trim() == id.to_string())
    }
}

impl ConvoyForm {
    /// Every row as typed, removed ones included (for re-display after an error).
    pub fn rows_all(&self) -> Vec<LineInput> {
        let mut copy = self.clone();
        copy.line_remove.clear();
        copy.rows()
    }
}

/// The places offered, and the organisations that may take part: every one but `recorder`,
/// the organisation that records the convoy (it is part of it already).
async fn context(
    state: &State,
    page: &Page,
    recorder: i64,
) -> Result<(Vec<String>, Vec<(Organization, i64)>), AppError> {
    let scope = page.scope();
    state
        .db
        .run(move |conn| {
            let mut organizations = organizations::list(conn)?;
            organizations.retain(|(org, _)| org.id != recorder);
            Ok((records::places::suggestions(conn, &scope)?, organizations))
        })
        .await
}

impl VersionedForm for ConvoyForm {
    type Fields = ConvoyFields;

    fn version(&self) -> &str {
        &self.version
    }

    fn set_version(&mut self, version: String) {
        self.version = version;
    }

    fn parse_fields(&self, latest: NaiveDate, errors: &mut FormErrors) -> Option<ConvoyFields> {
        self.parse(latest, errors)
    }

    fn typed_places(&self) -> Vec<crate::locations::TypedPlace> {
        ConvoyForm::typed_places(self)
    }

    fn labelled(&self) -> Vec<(&'static str, String)> {
        // Cargo rows as one value each ("40 kits Trauma kits (health)"), so a changed row shows.
        let cargo = (0..self.line_item.len())
            .filter(|i| !self.line_remove.contains(&i.to_string()))
            .map(|i| {
                let cell = |v: &[String]| v.get(i).map(|s| s.trim()).unwrap_or("").to_string();
                let (item, sector, quantity, unit, weight) = (
                    cell(&self.line_item),
                    cell(&self.line_sector),
                    cell(&self.line_quantity),
                    cell(&self.line_unit),
                    cell(&self.line_weight),
                );
                format!("{quantity} {unit} {item} ({sector}) {weight}")
                    .trim()
                    .to_string()
            })
            .filter(|row| !row.starts_with("()"))
            .collect::<Vec<_>>()
            .join("; ");
        vec![
            ("field-origin", self.origin.clone()),
            ("field-destination", self.destination.clone()),
            ("field-planned-departure", self.planned_departure.clone()),
            ("field-route", self.route.clone()),
            ("field-trucks", self.trucks.clone()),
            ("field-beneficiaries", self.beneficiaries.clone()),
            ("field-notification-ref", self.notification_ref.clone()),
            ("field-participants", self.participants.join(", ")),
            ("field-cargo", cargo),
            ("field-sensitivity", self.sensitivity.clone()),
            ("field-notes", self.notes.clone()),
        ]
    }
}

fn form_from(l: &Loaded) -> ConvoyForm {
    let c = &l.convoy;
    let mut form = ConvoyForm {
        origin: l.origin.label(),
        destination: l.destination.label(),
        planned_departure: c.planned_departure.to_string(),
        route: c.route.clone(),
        trucks: c.trucks.to_string(),
        beneficiaries: c.beneficiaries.map(|b| b.to_string()).unwrap_or_default(),
        notification_ref: c.notification_ref.clone(),
        sensitivity: c.sensitivity.code().to_string(),
        notes: c.notes.clone(),
        participants: l.participants.iter().map(|o| o.id.to_string()).collect(),
        version: c.version.to_string(),
        ..Default::default()
    };
    let rows = l
        .lines
        .iter()
        .map(|line| LineInput {
            item: line.item.clone(),
            sector: line.sector.clone(),
            quantity: line.quantity.to_string(),
            unit: line.unit.clone(),
            weight: line.weight_kg.map(|w| w.to_string()).unwrap_or_default(),
        })
        .collect();
    form.with_rows(rows, if c.cargo_editable() { 1 } else { 0 });
    form
}

pub async fn new_form(page: Page, state: State, today: Today) -> Result<HttpResponse, AppError> {
    let (places, organizations) = context(&state, &page, page.user().organization_id).await?;
    let mut form = ConvoyForm {
        planned_departure: today.date.to_string(),
        sensitivity: Sensitivity::Restricted.code().into(),
        ..Default::default()
    };
    form.with_rows(Vec::new(), BLANK_ROWS);
    crate::web::ok(&FormPage {
        page,
        form,
        errors: FormErrors::new(),
        editing: None,
        cargo_editable: true,
        locked_cargo: Vec::new(),
        places,
        organizations,
        conflict: None,
    })
}

/// "Add more rows": the same form, nothing saved, with more blank rows.
fn with_more_rows(form: &mut ConvoyForm) {
    let rows = form.rows().into_iter().filter(|r| !r.is_blank()).collect();
    form.with_rows(rows, BLANK_ROWS);
}

pub async fn create(
    page: Page,
    state: State,
    form: HtmlForm<ConvoyForm>,
    author: Author,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let mut form = form.0;
    let (places, organizations) = context(&state, &page, page.user().organization_id).await?;
    let render = |page, form, errors, status| {
        let p = FormPage {
            page,
            form,
            errors,
            editing: None,
            cargo_editable: true,
            locked_cargo: Vec::new(),
            places: places.clone(),
            organizations: organizations.clone(),
            conflict: None,
        };
        crate::web::render(status, &p)
    };
    if form.action == "add_rows" {
        with_more_rows(&mut form);
        return render(
            page,
            form,
            FormErrors::new(),
            actix_web::http::StatusCode::OK,
        );
    }
    let mut errors = FormErrors::new();
    let fields = form.parse(today.latest, &mut errors);
    // Also say now whether the places typed are known, so every problem shows at once.
    let typed = form.typed_places();
    let (valid, viewer) = (errors.is_empty(), author.viewer);
    let outcome = crate::web::forms::create_or_check(
        &state.db,
        fields,
        valid,
        move |tx, f| store::create(tx, &author, &f, today.date),
        move |conn, fields| {
            match fields {
                Some(f) => store::check(conn, viewer, &f, &mut errors)?,
                None => places::check_typed(conn, viewer, &typed, &mut errors)?,
            }
            Ok(Err(errors))
        },
    )
    .await?;
    match outcome {
        Ok(id) => {
            state.menus.convoys_changed();
            Ok(see_other(&format!("/convoys/{id}?done=created")))
        }
        Err(errors) => {
            let rows = form.rows();
            form.with_rows(rows, 1);
            render(
                page,
                form,
                errors,
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

pub async fn edit_form(
    page: Page,
    state: State,
    id: web::Path<ConvoyId>,
    v: Viewer,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let loaded = state
        .db
        .run(move |conn| records::convoys::find(conn, &Scope::of(v), id))
        .await?;
    if let Some(why) = permissions::edit_refusal(v, loaded.convoy.facts()) {
        return Err(AppError::Refused(why));
    }
    let (places, organizations) = context(&state, &page, loaded.convoy.organization_id).await?;
    crate::web::ok(&FormPage {
        page,
        form: form_from(&loaded),
        errors: FormErrors::new(),
        editing: Some((id, loaded.convoy.reference.clone())),
        cargo_editable: loaded.convoy.cargo_editable(),
        locked_cargo: loaded.lines.iter().map(|l| l.describe()).collect(),
        places,
        organizations,
        conflict: None,
    })
}

pub async fn update(
    page: Page,
    state: State,
    id: web::Path<ConvoyId>,
    form: HtmlForm<ConvoyForm>,
    author: Author,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut form = form.0;
    let loaded = state
        .db
        .run(move |conn| records::convoys::find(conn, &Scope::of(v), id))
        .await?;
    if let Some(why) = permissions::edit_refusal(v, loaded.convoy.facts()) {
        return Err(AppError::Refused(why));
    }
    let cargo_editable = loaded.convoy.cargo_editable();
    if !cargo_editable {
        // The cargo is no longer the form's to change: keep what is stored.
        let stored = form_from(&loaded);
        form.line_item = stored.line_item;
        form.line_sector = stored.line_sector;
        form.line_quantity = stored.line_quantity;
        form.line_unit = stored.line_unit;
        form.line_weight = stored.line_weight;
        form.line_remove.clear();
    }
    let (places, organizations) = context(&state, &page, loaded.convoy.organization_id).await?;
    let editing = Some((id, loaded.convoy.reference.clone()));
    let locked_cargo: Vec<String> = loaded.lines.iter().map(|l| l.describe()).collect();
    let render = |page, form, errors, status, conflict| {
        let p = FormPage {
            page,
            form,
            errors,
            editing: editing.clone(),
            cargo_editable,
            locked_cargo: locked_cargo.clone(),
            places: places.clone(),
            organizations: organizations.clone(),
            conflict,
        };
        crate::web::render(status, &p)
    };
    if form.action == "add_rows" && cargo_editable {
        with_more_rows(&mut form);
        return render(page, form, FormErrors::new(), StatusCode::OK, None);
    }
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
        state.menus.convoys_changed();
        return Ok(see_other(&format!("/convoys/{id}?done=saved")));
    };
    render(page, form, errors, status, conflict)
}
