//! The JSON the API answers with: dates in ISO 8601 (`2018-02-26`, `2018-02-26T10:00:00Z`),
//! other records named by their ids, vocabulary as `{code, label}` (the English label). What a
//! scope may not read is left out (`null` or absent), never blanked into something misleading.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::Organization;
use crate::i18n::Lang;
use crate::locations::Location;

/// A code of a controlled vocabulary with its English label.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Term {
    pub code: String,
    pub label: String,
}

impl Term {
    /// The stored `code`, labelled through `label_id` when the code is known.
    pub fn of<T: Copy>(
        code: &str,
        from_stored: fn(&str) -> Option<T>,
        label_id: fn(T) -> &'static str,
    ) -> Self {
        let label = from_stored(code)
            .map(|v| Lang::default().t(label_id(v)).into_owned())
            .unwrap_or_default();
        Self {
            code: code.to_string(),
            label,
        }
    }
}

/// `Term::of` for a vocabulary type `T` (its `from_stored` and `label_id`).
macro_rules! term {
    ($ty:ty, $code:expr) => {
        $crate::api::views::Term::of($code, <$ty>::from_stored, <$ty>::label_id)
    };
}
pub(crate) use term;

/// `2018-02-26`. chrono's `Display` writes ISO 8601 directly; a format string is parsed again
/// at every call, which was 4% of a page of 100 records.
pub fn date(d: NaiveDate) -> String {
    d.to_string()
}

/// `2018-02-26T09:30:00Z`, to the second (written directly, as `date`).
pub fn timestamp(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A place. The public view names only its district and governorate (no id, name, code or
/// coordinates).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Place {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt_names: Option<Vec<String>>,
    pub admin1: String,
    pub admin2: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pcode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

impl Place {
    pub fn of(l: &Location, public: bool) -> Self {
        if public {
            return Self::district(&l.admin1, &l.admin2);
        }
        Self {
            id: Some(l.id),
            name: Some(l.name.clone()),
            alt_names: Some(l.alternate_names().map(str::to_string).collect()),
            admin1: l.admin1.clone(),
            admin2: l.admin2.clone(),
            admin3: Some(l.admin3.clone()),
            pcode: Some(l.pcode.clone()),
            latitude: l.latitude,
            longitude: l.longitude,
        }
    }

    pub fn district(admin1: &str, admin2: &str) -> Self {
        Self {
            id: None,
            name: None,
            alt_names: None,
            admin1: admin1.to_string(),
            admin2: admin2.to_string(),
            admin3: None,
            pcode: None,
            latitude: None,
            longitude: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
    pub acronym: String,
}

impl OrgRef {
    pub fn of(o: &Organization) -> Self {
        Self {
            id: o.id,
            name: o.name.clone(),
            acronym: o.acronym.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Claim {
    pub id: i64,
    pub source_type: Term,
    /// Only for readers who may see the sources of this claim (its organisation, coordinators).
    pub source_name: Option<String>,
    pub reliability: Term,
    pub credibility: Term,
    pub claimed_on: String,
    pub statement: String,
    /// The duplicate incident this claim was first recorded on, when the reader may see it.
    pub merged_from: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Incident {
    pub id: i64,
    pub reference: String,
    pub title: String,
    /// Absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<String>,
    pub category: Term,
    pub attack_types: Vec<Term>,
    pub resources_affected: Vec<Term>,
    pub occurred_on: String,
    pub time_precision: Term,
    pub reported_on: String,
    pub place: Place,
    pub location_precision: Term,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perpetrator_type: Option<Term>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perpetrator_name: Option<String>,
    /// Victim and impact counts by field name (`civilians_killed`, …); `null`: not known.
    pub figures: BTreeMap<String, Option<i64>>,
    /// How exact the figures are: `exact`, `at_least`, `about`.
    pub figures_qualifier: Term,
    /// What the figures cover: `incident`, or `area_period` (an area over a period, which
    /// totals must not add to incident figures).
    pub figures_scope: Term,
    /// The area and period of area-over-period figures, in words (absent from the public view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures_area_period: Option<String>,
    /// Event tags beside the access constraint.
    pub event_tags: Vec<Term>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrgRef>,
    pub sensitivity: Term,
    pub verification: Term,
    pub status: Term,
    pub retracted_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retraction_reason: Option<String>,
    /// The record this duplicate was merged into, when the reader may see it.
    pub merged_into: Option<i64>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
    /// The claims the reader may see (absent from the public view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<Claim>>,
    /// How many claims the reader may not see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_withheld: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CargoLine {
    pub id: i64,
    pub position: i32,
    pub item: String,
    pub sector: Term,
    pub quantity: i64,
    pub unit: String,
    pub weight_kg: Option<f64>,
    pub delivered_quantity: Option<i64>,
    pub removed_quantity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removal_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConvoyEvent {
    pub id: i64,
    pub occurred_on: String,
    pub occurred_time: String,
    pub status: Term,
    pub place: Option<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Convoy {
    pub id: i64,
    pub reference: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrgRef>,
    pub origin: Place,
    pub destination: Place,
    pub planned_departure: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    pub trucks: i32,
    pub beneficiaries: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification_ref: Option<String>,
    pub sensitivity: Term,
    pub status: Term,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub cargo: Vec<CargoLine>,
    pub events: Vec<ConvoyEvent>,
    /// Incidents that obstructed this convoy, those the reader may see (absent from the
    /// public view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<Vec<i64>>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Need {
    pub id: i64,
    pub reference: String,
    /// Absent from the public view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facility_name: Option<String>,
    pub facility_type: Term,
    pub place: Place,
    pub item: Term,
    pub item_detail: String,
    pub quantity_needed: i64,
    pub quantity_delivered: i64,
    pub unit: String,
    pub urgency: Term,
    pub needed_by: Option<String>,
    pub status: Term,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrgRef>,
    pub sensitivity: Term,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

/// One change of a record: enough to know what to fetch again. Values are not repeated here:
/// the record itself, read through the API, is what the reader may see of it now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Change {
    /// Where a reader resumes to get the changes after this one.
    pub cursor: String,
    /// `incident`, `convoy`, `need` or (internal tokens only) `location`.
    pub entity_type: String,
    pub entity_id: i64,
    pub revision_no: i32,
    /// `create`, `update`, `verify`, `retract`, `merge`, … as the history records it.
    pub action: String,
    pub at: String,
    /// The names of the fields that changed.
    pub fields: Vec<String>,
    /// Why (absent from the public view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A page of a list: the rows, and the cursor of the next page (`null` at the end).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// An error: a stable code and a sentence for people.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same text as the format strings they replace, fractions of a second dropped.
    #[test]
    fn dates_and_timestamps_read_as_iso_8601() {
        let d = NaiveDate::from_ymd_opt(2018, 2, 6).unwrap();
        assert_eq!(date(d), d.format("%Y-%m-%d").to_string());
        assert_eq!(date(d), "2018-02-06");
        for t in [
            d.and_hms_opt(9, 5, 7).unwrap(),
            d.and_hms_micro_opt(23, 59, 59, 999_999).unwrap(),
            NaiveDate::from_ymd_opt(1, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        ] {
            assert_eq!(timestamp(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
        assert_eq!(
            timestamp(d.and_hms_opt(9, 5, 7).unwrap()),
            "2018-02-06T09:05:07Z"
        );
    }
}
