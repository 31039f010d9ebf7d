//! Incident pages: list and search, the form (new and edit, with conflict handling), the
//! record with its claims and history, and the actions on it (claims, verification,
//! retraction).

pub mod actions;
pub mod detail;
pub mod form;
pub mod list;

use actix_web::HttpRequest;
use chrono::{NaiveDate, TimeDelta, Utc};

use super::{client_addr, Page};
use crate::incidents::store::Author;
use crate::permissions::Viewer;

pub fn viewer(page: &Page) -> Viewer {
    let user = page.user();
    Viewer {
        role: user.role,
        organization_id: user.organization_id,
    }
}

pub fn author(page: &Page, req: &HttpRequest) -> Author {
    let user = page.user();
    Author {
        actor: user.actor(&client_addr(req)),
        user_id: user.id,
        viewer: viewer(page),
    }
}

/// The latest date anywhere on Earth (UTC+14), the limit for "not in the future": field staff
/// east of Greenwich must be able to record what happened on their today.
pub fn latest_date() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(14)).date_naive()
}

/// Today in UTC, for default values in forms.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Message id for a revision's action.
pub fn revision_label(action: &str) -> &'static str {
    match action {
        "create" => "revision-create",
        "edit" => "revision-edit",
        "claim" => "revision-claim",
        "verification" => "revision-verification",
        "retraction" => "revision-retraction",
        _ => "revision-other",
    }
}

/// A change as a reader sees it: the field's label and the values in words.
pub struct ShownChange {
    pub label: String,
    pub before: String,
    pub after: String,
}

/// Message id of a recorded field's label; `None` for bookkeeping fields not worth showing.
fn field_label(field: &str) -> Option<&'static str> {
    use crate::incidents::model::COUNT_FIELDS;
    if let Some((_, label)) = COUNT_FIELDS.iter().find(|(name, _)| *name == field) {
        return Some(label);
    }
    Some(match field {
        "reference" => "field-reference",
        "title" => "field-title",
        "narrative" => "field-narrative",
        "category" => "field-category",
        "attack_types" => "field-attack-types",
        "resources_affected" => "field-resources",
        "occurred_on" => "field-occurred-on",
        "time_precision" => "field-time-precision",
        "occurred_time" => "field-occurred-time",
        "reported_on" => "field-reported-on",
        "location" => "field-location",
        "location_precision" => "field-location-precision",
        "perpetrator_type" => "field-perpetrator-type",
        "perpetrator_name" => "field-perpetrator-name",
        "sensitivity" => "field-sensitivity",
        "verification" => "field-verification",
        "status" => "field-status",
        "retracted" => "field-retracted",
        "retraction_reason" => "field-reason",
        "claim" => "field-claim",
        "claim_source_name" => "field-source-name",
        _ => return None,
    })
}

/// A stored value in words: vocabulary codes become their labels.
fn value_in_words(lang: &crate::i18n::Lang, field: &str, value: &str) -> String {
    use crate::domain::vocab::*;
    fn label<T: Copy>(
        lang: &crate::i18n::Lang,
        parse: fn(&str) -> Result<T, &'static str>,
        id: fn(T) -> &'static str,
        v: &str,
    ) -> String {
        parse(v)
            .map(|t| lang.t(id(t)))
            .unwrap_or_else(|_| v.to_string())
    }
    let list = |word: &dyn Fn(&str) -> String| {
        crate::incidents::model::split_codes(value)
            .map(word)
            .collect::<Vec<_>>()
            .join("; ")
    };
    match field {
        "category" => label(lang, Category::parse, Category::label_id, value),
        "time_precision" => label(lang, TimePrecision::parse, TimePrecision::label_id, value),
        "location_precision" => label(
            lang,
            LocationPrecision::parse,
            LocationPrecision::label_id,
            value,
        ),
        "perpetrator_type" => label(
            lang,
            PerpetratorType::parse,
            PerpetratorType::label_id,
            value,
        ),
        "sensitivity" => label(lang, Sensitivity::parse, Sensitivity::label_id, value),
        "verification" => label(lang, Verification::parse, Verification::label_id, value),
        "status" => label(lang, RecordStatus::parse, RecordStatus::label_id, value),
        "attack_types" => list(&|c| label(lang, AttackType::parse, AttackType::label_id, c)),
        "resources_affected" => list(&|c| label(lang, Resource::parse, Resource::label_id, c)),
        "retracted" => lang.t(if value == "true" { "yes" } else { "no" }),
        _ => value.to_string(),
    }
}

/// The changes of a revision in words, leaving out bookkeeping and empty-to-empty fields.
pub fn in_words(
    lang: &crate::i18n::Lang,
    changes: &[crate::revisions::FieldChange],
) -> Vec<ShownChange> {
    changes
        .iter()
        .filter(|c| !(c.before.is_empty() && c.after.is_empty()))
        .filter_map(|c| {
            let label = field_label(&c.field)?;
            Some(ShownChange {
                label: lang.t(label),
                before: value_in_words(lang, &c.field, &c.before),
                after: value_in_words(lang, &c.field, &c.after),
            })
        })
        .collect()
}
