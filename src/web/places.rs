//! The gazetteer's pages: the list (search by any name, filters by area and kind), a place
//! with its names in the reader's language and the records that use it (as far as the reader
//! may see them), the correction form, and the merge of a duplicate into the place kept.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::audit;
use crate::error::AppError;
use crate::locations::edit::{PlaceEdit, PlaceForm, BLANK_NAME_ROWS};
use crate::locations::{self, names::Name, Location};
use crate::paging::Pager;
use crate::permissions::{self, Action};
use crate::records::places::{self as scoped, ListQuery, Uses};
use crate::records::store::places as store;
use crate::records::store::Author;
use crate::records::{Scope, Visible};
use crate::web::edit::{self, Difference, VersionedForm};
use crate::web::extract::Today;
use crate::web::forms::{FormErrors, HtmlForm};
use crate::web::State;
use crate::web::{see_other, Page};

#[derive(Template)]
#[template(path = "places/list.html")]
pub struct ListPage {
    pub page: Page,
    pub query: ListQuery,
    pub places: Vec<Visible<Location>>,
    pub total: i64,
    pub pager: Pager,
    pub admin1s: Vec<String>,
}

pub async fn list(
    page: Page,
    state: State,
    query: web::Query<ListQuery>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let q = query.clone();
    let ((places, total), areas) = state
        .db
        .read(move |conn| {
            Ok((
                scoped::list(conn, &scope, &q)?,
                locations::admin_areas(conn, scope.viewer())?,
            ))
        })
        .await?;
    let admin1s = locations::admin1_names(&areas)
        .into_iter()
        .map(str::to_string)
        .collect();
    let page_no = crate::paging::page_number(&query.page);
    let pager = Pager::new("/places", &query, page_no, total);
    crate::web::ok(&ListPage {
        page,
        query,
        places,
        total,
        pager,
        admin1s,
    })
}

#[derive(Template)]
#[template(path = "places/show.html")]
pub struct ShowPage {
    pub page: Page,
    pub place: Visible<Location>,
    pub names: Vec<Name>,
    pub uses: Uses,
    /// Other places answering to one of its names: likely duplicates.
    pub namesakes: Vec<Visible<Location>>,
    pub can_manage: bool,
    pub notice: Option<&'static str>,
    /// The merge form as typed, and its problems.
    pub merge: (String, String),
    pub merge_errors: FormErrors,
    pub today: chrono::NaiveDate,
}

impl ShowPage {
    /// The place's name in the reader's language.
    pub fn title(&self) -> &str {
        self.place.name_in(self.page.lang.language())
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn build(
    page: Page,
    state: &State,
    scope: Scope,
    id: i64,
    today: chrono::NaiveDate,
    notice: Option<&'static str>,
    (merge_into, merge_reason, merge_errors): (String, String, FormErrors),
) -> Result<ShowPage, AppError> {
    let (place, names, uses, namesakes) = state
        .db
        .read(move |conn| {
            let place = scoped::find(conn, &scope, id)?;
            let names = scoped::names(conn, &place)?;
            let uses = scoped::uses(conn, &scope, &place, today)?;
            let namesakes = scoped::namesakes(conn, &scope, &place, &names)?;
            Ok((place, names, uses, namesakes))
        })
        .await?;
    let can_manage =
        permissions::allows(page.user().role, Action::ManagePlaces) && place.merged_into.is_none();
    Ok(ShowPage {
        page,
        place,
        names,
        uses,
        namesakes,
        can_manage,
        notice,
        merge: (merge_into, merge_reason),
        merge_errors,
        today,
    })
}

pub async fn show(
    page: Page,
    state: State,
    id: web::Path<i64>,
    q: web::Query<DoneQuery>,
    scope: Scope,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let notice = match q.done.as_deref() {
        Some("saved") => Some("place-saved"),
        Some("merged") => Some("place-merged"),
        _ => None,
    };
    let p = build(
        page,
        &state,
        scope,
        id.into_inner(),
        today.date,
        notice,
        (String::new(), String::new(), FormErrors::new()),
    )
    .await?;
    crate::web::ok(&p)
}

#[derive(Template)]
#[template(path = "places/form.html")]
pub struct FormPage {
    pub page: Page,
    pub id: i64,
    pub title: String,
    pub form: PlaceForm,
    pub errors: FormErrors,
    /// Seen by one organisation only (the form offers to share it).
    pub restricted: bool,
    pub conflict: Option<Vec<Difference>>,
}

impl FormPage {
    pub fn rows(&self) -> Vec<crate::locations::edit::NameRow> {
        self.form.rows(BLANK_NAME_ROWS)
    }
}

impl VersionedForm for PlaceForm {
    type Fields = PlaceEdit;

    fn version(&self) -> &str {
        &self.version
    }

    fn set_version(&mut self, version: String) {
        self.version = version;
    }

    fn parse_fields(&self, _: chrono::NaiveDate, errors: &mut FormErrors) -> Option<PlaceEdit> {
        self.parse(errors)
    }

    fn labelled(&self) -> Vec<(&'static str, String)> {
        vec![
            ("place-names", self.name_text.join(", ")),
            ("field-place-kind", self.kind.clone()),
            ("field-admin1", self.admin1.clone()),
            ("field-admin2", self.admin2.clone()),
            ("field-admin3", self.admin3.clone()),
            ("field-pcode", self.pcode.clone()),
            ("field-latitude", self.latitude.clone()),
            ("field-longitude", self.longitude.clone()),
        ]
    }
}

fn form_of(loaded: &store::Loaded) -> PlaceForm {
    PlaceForm::of(&loaded.0, &loaded.1)
}

/// The place to correct, as its form (404 for a place the person may not see).
async fn editable(state: &State, scope: Scope, id: i64) -> Result<(Location, PlaceForm), AppError> {
    state
        .db
        .run(move |conn| {
            let place = scoped::find(conn, &scope, id)?;
            if place.merged_into.is_some() {
                return Err(AppError::Forbidden);
            }
            let names = scoped::names(conn, &place)?;
            let form = PlaceForm::of(&place, &names);
            Ok((place.into_inner(), form))
        })
        .await
}

pub async fn edit_form(
    page: Page,
    state: State,
    id: web::Path<i64>,
    scope: Scope,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (place, form) = editable(&state, scope, id).await?;
    crate::web::ok(&FormPage {
        title: place.name_in(page.lang.language()).to_string(),
        page,
        id,
        form,
        errors: FormErrors::new(),
        restricted: place.restricted_to_org.is_some(),
        conflict: None,
    })
}

pub async fn update(
    page: Page,
    state: State,
    id: web::Path<i64>,
    form: HtmlForm<PlaceForm>,
    author: Author,
    scope: Scope,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let mut form = form.0;
    let (place, _) = editable(&state, scope, id).await?;
    let outcome = edit::save(
        &state,
        author.viewer,
        &mut form,
        today.latest,
        move |tx, version, fields| store::update(tx, &author, id, version, &fields),
        form_of,
    )
    .await?;
    let Some((status, errors, conflict)) = outcome.unsaved() else {
        return Ok(see_other(&format!("/places/{id}?done=saved")));
    };
    crate::web::render(
        status,
        &FormPage {
            title: place.name_in(page.lang.language()).to_string(),
            page,
            id,
            form,
            errors,
            restricted: place.restricted_to_org.is_some(),
            conflict,
        },
    )
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
    id: web::Path<i64>,
    form: HtmlForm<MergeForm>,
    author: Author,
    scope: Scope,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.0;
    let mut errors = FormErrors::new();
    if form.merge_into.trim().is_empty() {
        errors.add("merge_into", "place-merge-required");
    }
    let reason =
        crate::incidents::fields::reason_in("merge_reason", &form.merge_reason, &mut errors);
    let outcome = match reason {
        Some(reason) if errors.is_empty() => {
            let into = form.merge_into.clone();
            audit::write_alone(&state.db, move |tx| {
                crate::records::place_merge::merge(tx, &author, id, &into, &reason)
            })
            .await?
        }
        _ => Err(errors),
    };
    match outcome {
        Ok(kept) => Ok(see_other(&format!("/places/{kept}?done=merged"))),
        Err(errors) => {
            let p = build(
                page,
                &state,
                scope,
                id,
                today.date,
                None,
                (form.merge_into, form.merge_reason, errors),
            )
            .await?;
            crate::web::invalid(&p)
        }
    }
}
