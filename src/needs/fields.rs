//! The need form as typed, and its parse.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::vocab::{FacilityType, NeedItem, Sensitivity, Urgency};
use crate::domain::{text, values, FieldErrors};
use crate::locations::{NewPlace, PlaceInput, TypedPlace};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NeedForm {
    pub facility_name: String,
    pub facility_type: String,
    pub location: String,
    // A new place, typed when the gazetteer does not know it yet.
    pub new_place_name: String,
    pub new_place_alt_names: String,
    pub new_place_admin1: String,
    pub new_place_admin2: String,
    pub new_place_pcode: String,
    pub new_place_lat: String,
    pub new_place_lon: String,
    pub new_place_kind: String,
    pub new_place_coordinates_checked: String,
    pub item: String,
    pub item_detail: String,
    pub quantity_needed: String,
    pub unit: String,
    pub urgency: String,
    pub needed_by: String,
    pub assessed_on: String,
    pub sensitivity: String,
    /// Why the sensitivity is lowered (edits that lower it only).
    pub sensitivity_reason: String,
    pub notes: String,
    /// Ticked: the need no longer stands (edits only).
    pub cancelled: String,
    pub version: String,
}

#[derive(Debug, Clone)]
pub struct NeedFields {
    pub facility_name: String,
    pub facility_type: FacilityType,
    pub location: PlaceInput,
    pub item: NeedItem,
    pub item_detail: String,
    pub quantity_needed: i64,
    pub unit: String,
    pub urgency: Urgency,
    pub needed_by: Option<NaiveDate>,
    pub assessed_on: Option<NaiveDate>,
    pub sensitivity: Sensitivity,
    pub sensitivity_reason: String,
    pub notes: String,
    pub cancelled: bool,
}

impl NeedForm {
    /// The place named by text, for a form sent back with other errors.
    pub fn typed_places(&self) -> Vec<TypedPlace> {
        TypedPlace::of(
            "location",
            "place-unknown",
            &self.location,
            &self.new_place(),
        )
        .into_iter()
        .collect()
    }

    /// The new place as typed.
    pub fn new_place(&self) -> NewPlace {
        crate::typed_place!(self => new_place_name, new_place_alt_names, new_place_admin1, new_place_admin2, new_place_pcode, new_place_lat, new_place_lon, new_place_kind, new_place_coordinates_checked)
    }

    /// `latest` bounds the needed-by date (a need can be for the coming two years).
    pub fn parse(&self, latest: NaiveDate, errors: &mut FieldErrors) -> Option<NeedFields> {
        let facility_name = errors.check(
            "facility_name",
            text::required_line(&self.facility_name, 200),
        );
        let facility_type = errors.check("facility_type", FacilityType::parse(&self.facility_type));
        let location = PlaceInput::parse(
            errors,
            ("location", &self.location),
            ("new_place", &self.new_place()),
            Some("place-required"),
        )
        .flatten();
        let item = errors.check("item", NeedItem::parse(&self.item));
        let item_detail = errors.check("item_detail", text::optional_line(&self.item_detail, 200));
        let quantity_needed = errors.check(
            "quantity_needed",
            values::positive_number(&self.quantity_needed, 1_000_000_000),
        );
        let unit = errors.check("unit", text::required_line(&self.unit, 40));
        let urgency = errors.check("urgency", Urgency::parse(&self.urgency));
        let needed_by = errors.check(
            "needed_by",
            values::optional_date(&self.needed_by, latest + chrono::TimeDelta::days(731)),
        );
        // An assessment is in the past: today at the latest.
        let assessed_on = errors.check(
            "assessed_on",
            values::optional_date(&self.assessed_on, latest),
        );
        let sensitivity = errors.check("sensitivity", Sensitivity::parse(&self.sensitivity));
        let sensitivity_reason = errors.check(
            "sensitivity_reason",
            text::optional_block(&self.sensitivity_reason, 2_000),
        );
        let notes = errors.check("notes", text::optional_block(&self.notes, 5_000));
        Some(NeedFields {
            facility_name: facility_name?,
            facility_type: facility_type?,
            location: location?,
            item: item?,
            item_detail: item_detail?,
            quantity_needed: quantity_needed?,
            unit: unit?,
            urgency: urgency?,
            needed_by: needed_by?,
            assessed_on: assessed_on?,
            sensitivity: sensitivity?,
            sensitivity_reason: sensitivity_reason?,
            notes: notes?,
            cancelled: !self.cancelled.trim().is_empty(),
        })
    }
}
