//! Need and delivery rows as stored.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::db::schema::{need_deliveries, needs};
use crate::domain::vocab::{
    FacilityType, NeedItem, NeedStatus, RecordStatus, Sensitivity, Urgency, Verification,
};
use crate::permissions::RecordFacts;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = needs)]
pub struct Need {
    pub id: i64,
    pub reference: String,
    pub facility_name: String,
    pub facility_type: String,
    pub location_id: i64,
    pub item: String,
    pub item_detail: String,
    pub quantity_needed: i64,
    pub unit: String,
    pub urgency: String,
    pub urgency_rank: i32,
    pub needed_by: Option<NaiveDate>,
    pub status: String,
    pub quantity_delivered: i64,
    pub organization_id: i64,
    pub sensitivity: Sensitivity,
    pub notes: String,
    pub created_by: i64,
    pub version: i32,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub updated_at: NaiveDateTime,
    pub assessed_on: Option<NaiveDate>,
    pub recorded_on: NaiveDate,
}

impl Need {
    /// This record's id, typed.
    pub fn key(&self) -> crate::domain::NeedId {
        crate::domain::NeedId::new(self.id)
    }

    pub fn status(&self) -> NeedStatus {
        NeedStatus::from_stored(&self.status).unwrap_or(NeedStatus::Open)
    }
    pub fn urgency(&self) -> Option<Urgency> {
        Urgency::from_stored(&self.urgency)
    }
    pub fn item(&self) -> Option<NeedItem> {
        NeedItem::from_stored(&self.item)
    }
    pub fn facility_type(&self) -> Option<FacilityType> {
        FacilityType::from_stored(&self.facility_type)
    }
    pub fn sensitivity(&self) -> Sensitivity {
        self.sensitivity
    }
    pub fn is_active(&self) -> bool {
        matches!(self.status(), NeedStatus::Open | NeedStatus::PartiallyMet)
    }
    /// Still needed, and its date passed since it was recorded (a need typed in after its
    /// date is history, not overdue at once).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_active()
            && self
                .needed_by
                .is_some_and(|d| d < today && d >= self.recorded_on)
    }
    pub fn outstanding(&self) -> i64 {
        (self.quantity_needed - self.quantity_delivered).max(0)
    }
    /// Share delivered, 0–100.
    pub fn percent_met(&self) -> i64 {
        (self.quantity_delivered.min(self.quantity_needed) * 100) / self.quantity_needed.max(1)
    }
    pub fn facts(&self) -> RecordFacts {
        RecordFacts {
            organization_id: self.organization_id,
            sensitivity: self.sensitivity(),
            status: RecordStatus::Submitted,
            verification: Verification::Unverified,
            retracted: false,
        }
    }

    pub fn snapshot(&self, location: &str) -> Value {
        json!({
            "reference": self.reference,
            "facility_name": self.facility_name,
            "facility_type": self.facility_type,
            "location": location,
            "item": self.item,
            "item_detail": self.item_detail,
            "quantity_needed": self.quantity_needed,
            "unit": self.unit,
            "urgency": self.urgency,
            "needed_by": self.needed_by.map(|d| d.to_string()),
            "assessed_on": self.assessed_on.map(|d| d.to_string()),
            "status": self.status,
            "quantity_delivered": self.quantity_delivered,
            "organization_id": self.organization_id,
            "sensitivity": self.sensitivity,
            "notes": self.notes,
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = need_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub need_id: i64,
    pub convoy_id: i64,
    pub cargo_line_id: i64,
    pub quantity: i64,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}
