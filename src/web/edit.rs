//! The one flow every record kind's edit goes through: read the version the form was opened
//! at, parse, save inside the audited write, and on a conflict show, field by field, what the
//! person typed beside what someone else saved meanwhile, keeping every character typed.
//! Incidents, convoys and needs differ only in their form and their store's `update`.

use actix_web::http::StatusCode;
use chrono::NaiveDate;

use super::forms::FormErrors;
use super::State;
use crate::audit::{self, Tx};
use crate::domain::Saved;
use crate::error::AppError;
use crate::locations::TypedPlace;
use crate::permissions::Viewer;
use crate::records::store;

/// A record's edit form as typed: its version and its fields in the form's order.
pub trait VersionedForm: Sized {
    /// What `parse` makes of a valid form.
    type Fields: Send + 'static;

    fn version(&self) -> &str;
    fn set_version(&mut self, version: String);
    /// Parses the fields, noting each problem beside its field.
    fn parse_fields(&self, latest: NaiveDate, errors: &mut FormErrors) -> Option<Self::Fields>;
    /// Each field a person edits, as (label message id, value as typed), in the form's order.
    fn labelled(&self) -> Vec<(&'static str, String)>;
    /// The places the form names by text: looked up even when other fields are wrong, so that
    /// every problem shows at once.
    fn typed_places(&self) -> Vec<TypedPlace> {
        Vec::new()
    }
}

/// One field where the person's version and the saved one differ.
pub struct Difference {
    pub label_id: &'static str,
    pub yours: String,
    pub saved: String,
}

/// The fields where `typed` differs from `stored`, in the form's order.
pub fn differences<F: VersionedForm>(typed: &F, stored: &F) -> Vec<Difference> {
    typed
        .labelled()
        .into_iter()
        .zip(stored.labelled())
        .filter(|((_, yours), (_, saved))| yours.trim() != saved.trim())
        .map(|((label_id, yours), (_, saved))| Difference {
            label_id,
            yours,
            saved,
        })
        .collect()
}

/// What became of an edit, for the handler to answer.
pub enum Edit {
    Saved,
    /// Problems beside the fields; the form keeps what was typed.
    Invalid(FormErrors),
    /// Someone saved in between: the form now carries their version number, so saving it
    /// again means "I have seen theirs, keep mine".
    Conflict(Vec<Difference>),
}

/// How the form page answers an edit that was not saved: its status, the messages beside the
/// fields, and the conflict's differences. `None` when it was saved.
pub type Unsaved = (StatusCode, FormErrors, Option<Vec<Difference>>);

impl Edit {
    pub fn unsaved(self) -> Option<Unsaved> {
        match self {
            Edit::Saved => None,
            Edit::Invalid(errors) => Some((StatusCode::UNPROCESSABLE_ENTITY, errors, None)),
            Edit::Conflict(diffs) => Some((StatusCode::CONFLICT, FormErrors::new(), Some(diffs))),
        }
    }
}

/// Runs an edit: `save` gets the write handle, the version the form was opened at and the
/// parsed fields; `form_of` draws the saved record as a form, for the conflict's comparison.
pub async fn save<F, L>(
    state: &State,
    viewer: Viewer,
    form: &mut F,
    latest: NaiveDate,
    save: impl FnOnce(&mut Tx<'_>, i32, F::Fields) -> Result<Saved<L>, AppError> + Send + 'static,
    form_of: impl FnOnce(&L) -> F,
) -> Result<Edit, AppError>
where
    F: VersionedForm,
    L: Send + 'static,
{
    // The version is a hidden field the page wrote: anything else is not a person's typing.
    let version = form
        .version()
        .trim()
        .parse::<i32>()
        .map_err(|_| AppError::BadRequest("error-400-text"))?;
    let mut errors = FormErrors::new();
    let (Some(fields), true) = (form.parse_fields(latest, &mut errors), errors.is_empty()) else {
        let typed = form.typed_places();
        if !typed.is_empty() {
            errors = state
                .db
                .run(move |conn| {
                    store::places::check_typed(conn, viewer, &typed, &mut errors)?;
                    Ok(errors)
                })
                .await?;
        }
        return Ok(Edit::Invalid(errors));
    };
    let saved = audit::write_alone(&state.db, move |tx| save(tx, version, fields)).await?;
    Ok(match saved {
        Saved::Saved => Edit::Saved,
        Saved::Invalid(errors) => Edit::Invalid(errors),
        Saved::Conflict(current) => {
            let stored = form_of(&current);
            let diffs = differences(form, &stored);
            form.set_version(stored.version().to_string());
            Edit::Conflict(diffs)
        }
    })
}
