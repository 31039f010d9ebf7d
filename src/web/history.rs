//! History as people read it: a revision's changes with field labels and values in words,
//! for incidents, convoys and needs alike.

use actix_web::HttpResponse;
use askama::Template;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::records::history::{ScopedChange, ScopedRevision};
use crate::revisions::Revision;
use crate::web::Page;

/// A revision as a page shows it: withheld (the record was hidden from the viewer then), or
/// its changes in words.
pub struct ShownRevision {
    pub rev: Revision,
    pub withheld: bool,
    pub changes: Vec<ShownChange>,
}

/// The full history of one record.
#[derive(Template)]
#[template(path = "history.html")]
pub struct HistoryPage {
    pub page: Page,
    pub back: String,
    pub reference: String,
    pub title: String,
    pub revisions: Vec<ShownRevision>,
}

/// Scoped revisions in words.
pub fn shown(lang: &Lang, revisions: Vec<ScopedRevision>) -> Vec<ShownRevision> {
    revisions
        .into_iter()
        .map(|r| ShownRevision {
            changes: in_words(lang, &r.changes),
            withheld: r.withheld,
            rev: r.revision,
        })
        .collect()
}

/// Renders the history page of a record, newest revision last.
pub fn render(
    page: Page,
    back: String,
    reference: String,
    title: String,
    revisions: Vec<ScopedRevision>,
) -> Result<HttpResponse, AppError> {
    let revisions = shown(&page.lang, revisions);
    crate::web::ok(&HistoryPage {
        page,
        back,
        reference,
        title,
        revisions,
    })
}

/// Message id for a revision's action.
pub fn revision_label(action: &str) -> &'static str {
    match action {
        "create" => "revision-create",
        "edit" => "revision-edit",
        "claim" => "revision-claim",
        "verification" => "revision-verification",
        "retraction" => "revision-retraction",
        "event" => "revision-event",
        "link" => "revision-link",
        "delivery" => "revision-delivery",
        "merge" => "revision-merge",
        "place_merged" => "revision-place-merged",
        "duplicate" => "revision-duplicate",
        "evidence" => "revision-evidence",
        "evidence_retraction" => "revision-evidence-retraction",
        "evidence_purge" => "revision-evidence-purge",
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
        "evidence_file" => "field-evidence-file",
        "evidence_retracted" => "field-evidence-retracted",
        "evidence_purged" => "field-evidence-purged",
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
        "participants" => "field-participants",
        "origin" => "field-origin",
        "destination" => "field-destination",
        "planned_departure" => "field-planned-departure",
        "route" => "field-route",
        "trucks" => "field-trucks",
        "beneficiaries" => "field-beneficiaries",
        "notification_ref" => "field-notification-ref",
        "notes" => "field-notes",
        "cargo" => "field-cargo",
        "event" => "field-event",
        "incident" => "field-incident",
        "facility_name" => "field-facility-name",
        "facility_type" => "field-facility-type",
        "item" => "field-item",
        "item_detail" => "field-item-detail",
        "quantity_needed" => "field-quantity-needed",
        "quantity_delivered" => "field-quantity-delivered",
        "unit" => "field-unit",
        "urgency" => "field-urgency",
        "needed_by" => "field-needed-by",
        "merged_into" => "field-merged-into",
        "duplicate" => "field-duplicate",
        "claims_moved" => "field-claims-moved",
        "claims" => "field-claims",
        "shared" => "field-shared",
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
        // Incidents, convoys and needs each have their own statuses; their codes differ.
        "status" => RecordStatus::parse(value)
            .map(|s| lang.t(s.label_id()))
            .or_else(|_| ConvoyStatus::parse(value).map(|s| lang.t(s.label_id())))
            .or_else(|_| NeedStatus::parse(value).map(|s| lang.t(s.label_id())))
            .unwrap_or_else(|_| value.to_string()),
        "facility_type" => label(lang, FacilityType::parse, FacilityType::label_id, value),
        "item" => label(lang, NeedItem::parse, NeedItem::label_id, value),
        "urgency" => label(lang, Urgency::parse, Urgency::label_id, value),
        "attack_types" => list(&|c| label(lang, AttackType::parse, AttackType::label_id, c)),
        "resources_affected" => list(&|c| label(lang, Resource::parse, Resource::label_id, c)),
        "retracted" => lang.t(if value == "true" { "yes" } else { "no" }),
        _ => value.to_string(),
    }
}

/// The changes of a revision in words, leaving out bookkeeping and empty-to-empty fields; a
/// value the viewer may not read says so.
pub fn in_words(lang: &crate::i18n::Lang, changes: &[ScopedChange]) -> Vec<ShownChange> {
    let word = |field: &str, value: &Option<String>| match value {
        Some(v) => value_in_words(lang, field, v),
        None => lang.t("history-withheld"),
    };
    changes
        .iter()
        .filter(|c| !(c.before.as_deref() == Some("") && c.after.as_deref() == Some("")))
        .filter_map(|c| {
            let label = field_label(&c.field)?;
            Some(ShownChange {
                label: lang.t(label),
                before: word(&c.field, &c.before),
                after: word(&c.field, &c.after),
            })
        })
        .collect()
}
