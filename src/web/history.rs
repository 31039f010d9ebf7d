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
            changes: in_words(lang, &r.changes, r.revision.action == "create"),
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

/// The recorded fields with their labels, in the order the forms show them (title first);
/// a field not listed is bookkeeping, not worth showing.
const FIELDS: &[(&str, &str)] = &[
    ("title", "field-title"),
    ("narrative", "field-narrative"),
    ("category", "field-category"),
    ("event_tags", "field-event-tags"),
    ("attack_types", "field-attack-types"),
    ("resources_affected", "field-resources"),
    ("occurred_on", "field-occurred-on"),
    ("time_precision", "field-time-precision"),
    ("occurred_time", "field-occurred-time"),
    ("reported_on", "field-reported-on"),
    ("location", "field-location"),
    ("location_precision", "field-location-precision"),
    ("perpetrator_type", "field-perpetrator-type"),
    ("perpetrator_name", "field-perpetrator-name"),
    // The eleven counts come here, in `COUNT_FIELDS` order.
    (COUNTS, ""),
    ("figures_qualifier", "field-figures-qualifier"),
    ("figures_scope", "field-figures-scope"),
    ("figures_area_period", "field-figures-area-period"),
    // Convoys.
    ("origin", "field-origin"),
    ("destination", "field-destination"),
    ("participants", "field-participants"),
    ("planned_departure", "field-planned-departure"),
    ("route", "field-route"),
    ("trucks", "field-trucks"),
    ("beneficiaries", "field-beneficiaries"),
    ("notification_ref", "field-notification-ref"),
    ("cargo", "field-cargo"),
    ("event", "field-event"),
    ("incident", "field-incident"),
    // Needs.
    ("facility_name", "field-facility-name"),
    ("facility_type", "field-facility-type"),
    ("item", "field-item"),
    ("item_detail", "field-item-detail"),
    ("quantity_needed", "field-quantity-needed"),
    ("quantity_delivered", "field-quantity-delivered"),
    ("unit", "field-unit"),
    ("urgency", "field-urgency"),
    ("needed_by", "field-needed-by"),
    ("assessed_on", "field-assessed-on"),
    ("notes", "field-notes"),
    // Claims, handling and the record's life.
    ("claim", "field-claim"),
    ("claim_source_name", "field-source-name"),
    ("claim_stance", "field-stance"),
    ("sensitivity", "field-sensitivity"),
    ("sensitivity_reason", "field-sensitivity-reason"),
    ("status", "field-status"),
    ("verification", "field-verification"),
    ("retracted", "field-retracted"),
    ("retraction_reason", "field-reason"),
    ("merged_into", "field-merged-into"),
    ("duplicate", "field-duplicate"),
    ("claims_moved", "field-claims-moved"),
    ("claims", "field-claims"),
    ("shared", "field-shared"),
    ("evidence_file", "field-evidence-file"),
    ("evidence_retracted", "field-evidence-retracted"),
    ("evidence_purged", "field-evidence-purged"),
    ("reference", "field-reference"),
];

/// Where the victim and impact counts stand among `FIELDS`.
const COUNTS: &str = "(counts)";

/// Where a recorded field comes in the form's order, and its label's message id.
fn field_label(field: &str) -> Option<((usize, usize), &'static str)> {
    use crate::incidents::model::COUNT_FIELDS;
    let at = |name: &str| FIELDS.iter().position(|(n, _)| *n == name);
    if let Some(k) = COUNT_FIELDS.iter().position(|(name, _)| *name == field) {
        return Some(((at(COUNTS)?, k), COUNT_FIELDS[k].1));
    }
    at(field)
        .filter(|_| field != COUNTS)
        .map(|i| ((i, 0), FIELDS[i].1))
}

/// Does history show this field (with a label)?
pub fn has_label(field: &str) -> bool {
    field_label(field).is_some()
}

/// A claim as history keeps it ("own_staff (B3), 2018-02-20: statement") in words: "Own
/// staff, B – usually reliable, 3 – possibly true, 20 February 2018: statement".
fn claim_in_words(lang: &crate::i18n::Lang, value: &str) -> Option<String> {
    use crate::domain::vocab::{Credibility, Reliability, SourceType};
    let (source, rest) = value.split_once(" (")?;
    let (grade, rest) = rest.split_once("), ")?;
    let (date, statement) = rest.split_once(": ")?;
    let mut g = grade.chars();
    let reliability = Reliability::parse(&g.next()?.to_string()).ok()?;
    let credibility = Credibility::parse(g.as_str()).ok()?;
    let source = SourceType::parse(source).ok()?;
    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(format!(
        "{}, {}, {}, {}: {}",
        lang.t(source.label_id()),
        lang.t(reliability.label_id()),
        lang.t(credibility.label_id()),
        lang.date(date),
        statement
    ))
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
            .map(|t| lang.t(id(t)).into_owned())
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
            .map(|s| s.label_id())
            .or_else(|_| ConvoyStatus::parse(value).map(|s| s.label_id()))
            .or_else(|_| NeedStatus::parse(value).map(|s| s.label_id()))
            .map(|id| lang.t(id).into_owned())
            .unwrap_or_else(|_| value.to_string()),
        "facility_type" => label(lang, FacilityType::parse, FacilityType::label_id, value),
        "item" => label(lang, NeedItem::parse, NeedItem::label_id, value),
        "urgency" => label(lang, Urgency::parse, Urgency::label_id, value),
        "claim_stance" => label(lang, ClaimStance::parse, ClaimStance::label_id, value),
        "attack_types" => list(&|c| label(lang, AttackType::parse, AttackType::label_id, c)),
        "resources_affected" => list(&|c| label(lang, Resource::parse, Resource::label_id, c)),
        "retracted" => lang
            .t(if value == "true" { "yes" } else { "no" })
            .into_owned(),
        "event_tags" => list(&|c| label(lang, EventTag::parse, EventTag::label_id, c)),
        "figures_qualifier" => label(
            lang,
            FiguresQualifier::parse,
            FiguresQualifier::label_id,
            value,
        ),
        "figures_scope" => label(lang, FiguresScope::parse, FiguresScope::label_id, value),
        "claim" => claim_in_words(lang, value).unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    }
}

/// The changes of a revision in words, in the form's order, leaving out bookkeeping and
/// changes that read the same before and after ("No → No"); on a record's first revision
/// (`first`) also the fields it was created without (empty, "No"). A value the viewer may
/// not read says so.
pub fn in_words(
    lang: &crate::i18n::Lang,
    changes: &[ScopedChange],
    first: bool,
) -> Vec<ShownChange> {
    let word = |field: &str, value: &Option<String>| match value {
        Some(v) if v.is_empty() => String::new(),
        Some(v) => value_in_words(lang, field, v),
        None => lang.t("history-withheld").into_owned(),
    };
    let mut shown: Vec<((usize, usize), ShownChange)> = changes
        .iter()
        .filter(|c| !first || !matches!(c.after.as_deref(), Some("" | "false")))
        .filter_map(|c| {
            let (position, label) = field_label(&c.field)?;
            let before = if first {
                String::new()
            } else {
                word(&c.field, &c.before)
            };
            let after = word(&c.field, &c.after);
            // A withheld value is shown as withheld, whatever the other side says.
            let withheld = c.after.is_none() || (!first && c.before.is_none());
            (before != after || withheld).then(|| {
                (
                    position,
                    ShownChange {
                        label: lang.t(label).into_owned(),
                        before,
                        after,
                    },
                )
            })
        })
        .collect();
    shown.sort_by_key(|(position, _)| *position);
    shown.into_iter().map(|(_, c)| c).collect()
}
