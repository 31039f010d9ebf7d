//! Convoy forms as typed, and their parse. Cargo lines come as parallel lists (one entry per
//! row); a row left blank is ignored, a row with a mistake is reported by its number, and every
//! other row is kept as typed.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::vocab::{ConvoyStatus, Sector, Sensitivity};
use crate::domain::{text, values, FieldErrors};
use crate::locations::{NewPlace, PlaceInput, TypedPlace};

/// Blank rows offered on a new form, and added by "add more rows".
pub const BLANK_ROWS: usize = 3;
/// Most cargo lines on one convoy.
pub const MAX_LINES: usize = 60;
const MAX_TRUCKS: i64 = 2_000;
const MAX_QUANTITY: i64 = 1_000_000_000;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConvoyForm {
    pub origin: String,
    pub destination: String,
    // A new origin or destination, typed when the gazetteer does not know it yet.
    pub new_origin_name: String,
    pub new_origin_alt_names: String,
    pub new_origin_admin1: String,
    pub new_origin_admin2: String,
    pub new_origin_pcode: String,
    pub new_origin_lat: String,
    pub new_origin_lon: String,
    pub new_origin_kind: String,
    pub new_origin_coordinates_checked: String,
    pub new_destination_name: String,
    pub new_destination_alt_names: String,
    pub new_destination_admin1: String,
    pub new_destination_admin2: String,
    pub new_destination_pcode: String,
    pub new_destination_lat: String,
    pub new_destination_lon: String,
    pub new_destination_kind: String,
    pub new_destination_coordinates_checked: String,
    pub planned_departure: String,
    pub route: String,
    pub trucks: String,
    pub beneficiaries: String,
    pub notification_ref: String,
    pub sensitivity: String,
    /// Why the sensitivity is lowered (edits that lower it only).
    pub sensitivity_reason: String,
    pub notes: String,
    pub participants: Vec<String>,
    pub line_item: Vec<String>,
    pub line_sector: Vec<String>,
    pub line_quantity: Vec<String>,
    pub line_unit: Vec<String>,
    pub line_weight: Vec<String>,
    /// Row numbers (from 0) ticked for removal.
    pub line_remove: Vec<String>,
    pub version: String,
    /// `add_rows` re-renders with more blank rows instead of saving.
    pub action: String,
}

/// One cargo row as typed.
#[derive(Debug, Clone, Default)]
pub struct LineInput {
    pub item: String,
    pub sector: String,
    pub quantity: String,
    pub unit: String,
    pub weight: String,
}

impl LineInput {
    pub fn is_blank(&self) -> bool {
        [
            &self.item,
            &self.sector,
            &self.quantity,
            &self.unit,
            &self.weight,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// A checked cargo line.
#[derive(Debug, Clone)]
pub struct LineFields {
    pub item: String,
    pub sector: Sector,
    pub quantity: i64,
    pub unit: String,
    pub weight_kg: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct ConvoyFields {
    pub origin: PlaceInput,
    pub destination: PlaceInput,
    pub planned_departure: NaiveDate,
    pub route: String,
    pub trucks: i32,
    pub beneficiaries: Option<i64>,
    pub notification_ref: String,
    pub sensitivity: Sensitivity,
    pub sensitivity_reason: String,
    pub notes: String,
    pub participants: Vec<i64>,
    pub lines: Vec<LineFields>,
}

/// Field names for each row: `line_item_3` and so on, so messages can point at them.
pub const LINE_FIELDS: [&str; 5] = [
    "line_item",
    "line_sector",
    "line_quantity",
    "line_unit",
    "line_weight",
];

/// The field name of row `i`, e.g. `line_item_3`.
pub fn row_field(base: &str, i: usize) -> String {
    format!("{base}_{i}")
}

impl ConvoyForm {
    /// The places named by text, for a form sent back with other errors.
    pub fn typed_places(&self) -> Vec<TypedPlace> {
        [
            TypedPlace::of("origin", "place-unknown", &self.origin, &self.new_origin()),
            TypedPlace::of(
                "destination",
                "place-unknown",
                &self.destination,
                &self.new_destination(),
            ),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The new origin as typed.
    pub fn new_origin(&self) -> NewPlace {
        crate::typed_place!(self => new_origin_name, new_origin_alt_names, new_origin_admin1, new_origin_admin2, new_origin_pcode, new_origin_lat, new_origin_lon, new_origin_kind, new_origin_coordinates_checked)
    }

    /// The new destination as typed.
    pub fn new_destination(&self) -> NewPlace {
        crate::typed_place!(self => new_destination_name, new_destination_alt_names, new_destination_admin1, new_destination_admin2, new_destination_pcode, new_destination_lat, new_destination_lon, new_destination_kind, new_destination_coordinates_checked)
    }

    /// The rows as typed, without those ticked for removal.
    pub fn rows(&self) -> Vec<LineInput> {
        let n = [
            self.line_item.len(),
            self.line_sector.len(),
            self.line_quantity.len(),
            self.line_unit.len(),
            self.line_weight.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
        .min(MAX_LINES + BLANK_ROWS * 4);
        let get = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..n)
            .filter(|i| !self.line_remove.iter().any(|r| r.trim() == i.to_string()))
            .map(|i| LineInput {
                item: get(&self.line_item, i),
                sector: get(&self.line_sector, i),
                quantity: get(&self.line_quantity, i),
                unit: get(&self.line_unit, i),
                weight: get(&self.line_weight, i),
            })
            .collect()
    }

    /// Sets the rows to `rows` plus `blank` empty ones (rows keep their order, so messages
    /// keyed by row number still point at the right row).
    pub fn with_rows(&mut self, rows: Vec<LineInput>, blank: usize) {
        let rows: Vec<LineInput> = rows
            .into_iter()
            .chain((0..blank).map(|_| LineInput::default()))
            .collect();
        self.line_item = rows.iter().map(|r| r.item.clone()).collect();
        self.line_sector = rows.iter().map(|r| r.sector.clone()).collect();
        self.line_quantity = rows.iter().map(|r| r.quantity.clone()).collect();
        self.line_unit = rows.iter().map(|r| r.unit.clone()).collect();
        self.line_weight = rows.iter().map(|r| r.weight.clone()).collect();
        self.line_remove.clear();
    }

    /// Parses the convoy; origin and destination stay typed (the gazetteer resolves them).
    pub fn parse(&self, latest: NaiveDate, errors: &mut FieldErrors) -> Option<ConvoyFields> {
        let origin = PlaceInput::parse(
            errors,
            ("origin", &self.origin),
            ("new_origin", &self.new_origin()),
            Some("field-required"),
        )
        .flatten();
        let destination = PlaceInput::parse(
            errors,
            ("destination", &self.destination),
            ("new_destination", &self.new_destination()),
            Some("field-required"),
        )
        .flatten();
        let planned = errors.check(
            "planned_departure",
            values::date(
                &self.planned_departure,
                latest + chrono::TimeDelta::days(731),
            ),
        );
        let route = errors.check("route", text::optional_block(&self.route, 2_000));
        let trucks = errors.check("trucks", values::positive_number(&self.trucks, MAX_TRUCKS));
        let beneficiaries =
            errors.check("beneficiaries", values::optional_count(&self.beneficiaries));
        let notification_ref = errors.check(
            "notification_ref",
            text::optional_line(&self.notification_ref, 100),
        );
        let sensitivity = errors.check("sensitivity", Sensitivity::parse(&self.sensitivity));
        let sensitivity_reason = errors.check(
            "sensitivity_reason",
            text::optional_block(&self.sensitivity_reason, 2_000),
        );
        let notes = errors.check("notes", text::optional_block(&self.notes, 5_000));
        let mut participants = Vec::new();
        for p in self.participants.iter().filter(|p| !p.trim().is_empty()) {
            match p.trim().parse::<i64>() {
                Ok(id) if !participants.contains(&id) => participants.push(id),
                Ok(_) => {}
                Err(_) => errors.add("participants", "org-invalid"),
            }
        }
        let mut lines = Vec::new();
        let mut lines_ok = true;
        let rows = self.rows();
        for (i, row) in rows.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
            let mut row_errors = FieldErrors::new();
            let item = row_errors.check(
                row_field("line_item", i),
                text::required_line(&row.item, 200),
            );
            let sector = row_errors.check(row_field("line_sector", i), Sector::parse(&row.sector));
            let quantity = row_errors.check(
                row_field("line_quantity", i),
                values::positive_number(&row.quantity, MAX_QUANTITY),
            );
            let unit = row_errors.check(
                row_field("line_unit", i),
                text::required_line(&row.unit, 40),
            );
            let weight = row_errors.check(
                row_field("line_weight", i),
                values::optional_decimal(&row.weight, 10_000_000.0),
            );
            errors.extend(row_errors);
            match (item, sector, quantity, unit, weight) {
                (Some(item), Some(sector), Some(quantity), Some(unit), Some(weight_kg)) => lines
                    .push(LineFields {
                        item,
                        sector,
                        quantity,
                        unit,
                        weight_kg,
                    }),
                _ => lines_ok = false,
            }
        }
        if lines.is_empty() && lines_ok {
            errors.add("line_item_0", "cargo-required");
            lines_ok = false;
        }
        if lines.len() > MAX_LINES {
            errors.add("line_item_0", "cargo-too-many");
            lines_ok = false;
        }
        Some(ConvoyFields {
            origin: origin?,
            destination: destination?,
            planned_departure: planned?,
            route: route?,
            trucks: trucks? as i32,
            beneficiaries: beneficiaries?,
            notification_ref: notification_ref?,
            sensitivity: sensitivity?,
            sensitivity_reason: sensitivity_reason?,
            notes: notes?,
            participants,
            lines: lines_ok.then_some(lines)?,
        })
    }
}

/// A status change, as typed on the convoy page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub status: String,
    pub occurred_on: String,
    pub occurred_time: String,
    pub place: String,
    /// A new place for the event (a checkpoint the gazetteer does not know yet).
    pub new_place_name: String,
    pub new_place_alt_names: String,
    pub new_place_admin1: String,
    pub new_place_admin2: String,
    pub new_place_pcode: String,
    pub new_place_lat: String,
    pub new_place_lon: String,
    pub new_place_kind: String,
    pub new_place_coordinates_checked: String,
    pub note: String,
    /// Per cargo line (by line id): quantity that arrived, and that was removed on the way.
    pub delivered_line: Vec<String>,
    pub delivered_quantity: Vec<String>,
    pub removed_quantity: Vec<String>,
    pub removal_note: Vec<String>,
}

/// What arrived, and what was taken, of one cargo line.
#[derive(Debug, Clone)]
pub struct LineOutcome {
    pub line_id: i64,
    pub delivered: Option<i64>,
    pub removed: Option<i64>,
    pub removal_note: String,
}

#[derive(Debug, Clone)]
pub struct EventFields {
    pub status: ConvoyStatus,
    pub occurred_on: NaiveDate,
    pub occurred_time: String,
    pub place: Option<PlaceInput>,
    pub note: String,
    pub outcomes: Vec<LineOutcome>,
}

impl EventForm {
    /// The new place as typed.
    pub fn new_place(&self) -> NewPlace {
        crate::typed_place!(self => new_place_name, new_place_alt_names, new_place_admin1, new_place_admin2, new_place_pcode, new_place_lat, new_place_lon, new_place_kind, new_place_coordinates_checked)
    }

    /// Parses the event; checks against the lines' loaded quantities happen in the store.
    pub fn parse(&self, latest: NaiveDate, errors: &mut FieldErrors) -> Option<EventFields> {
        let status = errors.check("status", ConvoyStatus::parse(&self.status));
        let occurred_on = errors.check("occurred_on", values::date(&self.occurred_on, latest));
        let occurred_time =
            errors.check("occurred_time", values::optional_time(&self.occurred_time));
        let place = PlaceInput::parse(
            errors,
            ("place", &self.place),
            ("new_place", &self.new_place()),
            None,
        );
        let note = errors.check("note", text::optional_block(&self.note, 5_000));
        let mut outcomes = Vec::new();
        let mut ok = true;
        for (i, line) in self.delivered_line.iter().enumerate() {
            let Ok(line_id) = line.trim().parse::<i64>() else {
                ok = false;
                errors.add("status", "error-form-unreadable");
                continue;
            };
            let get = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
            let delivered = errors.check(
                row_field("delivered_quantity", i),
                values::optional_count(&get(&self.delivered_quantity)),
            );
            let removed = errors.check(
                row_field("removed_quantity", i),
                values::optional_count(&get(&self.removed_quantity)),
            );
            let removal_note = errors.check(
                row_field("removal_note", i),
                text::optional_line(&get(&self.removal_note), 300),
            );
            match (delivered, removed, removal_note) {
                (Some(delivered), Some(removed), Some(removal_note)) => {
                    outcomes.push(LineOutcome {
                        line_id,
                        delivered,
                        removed,
                        removal_note,
                    })
                }
                _ => ok = false,
            }
        }
        Some(EventFields {
            status: status?,
            occurred_on: occurred_on?,
            occurred_time: occurred_time?,
            place: place?,
            note: note?,
            outcomes: ok.then_some(outcomes)?,
        })
    }
}

/// Delivered cargo set against a need.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeliveryForm {
    pub cargo_line: String,
    pub need: String,
    pub quantity: String,
}

/// Links an existing incident to the convoy, by reference.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub incident_reference: String,
}
