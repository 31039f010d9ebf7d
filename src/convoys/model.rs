//! Convoy, cargo line and event rows as stored, and the snapshot kept in each revision.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::db::schema::{cargo_lines, convoy_events, convoys};
use crate::domain::vocab::{ConvoyStatus, RecordStatus, Sector, Sensitivity, Verification};
use crate::permissions::RecordFacts;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = convoys)]
pub struct Convoy {
    pub id: i64,
    pub reference: String,
    pub organization_id: i64,
    pub origin_id: i64,
    pub destination_id: i64,
    pub planned_departure: NaiveDate,
    pub route: String,
    pub trucks: i32,
    pub beneficiaries: Option<i64>,
    pub notification_ref: String,
    pub sensitivity: Sensitivity,
    pub status: String,
    pub notes: String,
    pub created_by: i64,
    pub version: i32,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub updated_at: NaiveDateTime,
}

impl Convoy {
    /// This record's id, typed.
    pub fn key(&self) -> crate::domain::ConvoyId {
        crate::domain::ConvoyId::new(self.id)
    }

    pub fn status(&self) -> ConvoyStatus {
        ConvoyStatus::from_stored(&self.status).unwrap_or(ConvoyStatus::Planned)
    }
    pub fn sensitivity(&self) -> Sensitivity {
        self.sensitivity
    }
    /// Cargo can be changed until the trucks leave.
    pub fn cargo_editable(&self) -> bool {
        matches!(
            self.status(),
            ConvoyStatus::Planned | ConvoyStatus::Notified | ConvoyStatus::Approved
        )
    }
    /// What the permission checks need to know (convoys have no drafts and no verification).
    pub fn facts(&self) -> RecordFacts {
        RecordFacts {
            organization_id: self.organization_id,
            sensitivity: self.sensitivity(),
            status: RecordStatus::Submitted,
            verification: Verification::Unverified,
            retracted: false,
        }
    }

    pub fn snapshot(
        &self,
        origin: &str,
        destination: &str,
        participants: &[String],
        lines: &[CargoLine],
    ) -> Value {
        json!({
            "reference": self.reference,
            "organization_id": self.organization_id,
            "participants": participants.join(", "),
            "origin": origin,
            "destination": destination,
            "planned_departure": self.planned_departure.to_string(),
            "route": self.route,
            "trucks": self.trucks,
            "beneficiaries": self.beneficiaries,
            "notification_ref": self.notification_ref,
            "sensitivity": self.sensitivity,
            "status": self.status,
            "notes": self.notes,
            "cargo": lines.iter().map(CargoLine::describe).collect::<Vec<_>>().join("\n"),
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = cargo_lines)]
pub struct CargoLine {
    pub id: i64,
    pub convoy_id: i64,
    pub position: i32,
    pub item: String,
    pub sector: String,
    pub quantity: i64,
    pub unit: String,
    pub weight_kg: Option<f64>,
    pub delivered_quantity: Option<i64>,
    pub removed_quantity: Option<i64>,
    pub removal_note: String,
}

impl CargoLine {
    pub fn sector(&self) -> Option<Sector> {
        Sector::from_stored(&self.sector)
    }

    /// One line of text, for history: "Trauma kits (health): 40 kits, 800 kg; delivered 25; removed 15".
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} ({}): {} {}",
            self.item, self.sector, self.quantity, self.unit
        );
        if let Some(w) = self.weight_kg {
            s.push_str(&format!(", {w} kg"));
        }
        if let Some(d) = self.delivered_quantity {
            s.push_str(&format!("; delivered {d}"));
        }
        if let Some(r) = self.removed_quantity {
            s.push_str(&format!("; removed {r}"));
            if !self.removal_note.is_empty() {
                s.push_str(&format!(" ({})", self.removal_note));
            }
        }
        s
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = convoy_events)]
pub struct ConvoyEvent {
    pub id: i64,
    pub convoy_id: i64,
    pub occurred_on: NaiveDate,
    pub occurred_time: String,
    pub status: String,
    pub location_id: Option<i64>,
    pub note: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

impl ConvoyEvent {
    pub fn status(&self) -> ConvoyStatus {
        ConvoyStatus::from_stored(&self.status).unwrap_or(ConvoyStatus::Planned)
    }
}
