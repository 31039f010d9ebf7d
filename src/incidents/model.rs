//! Incident and claim rows as stored, and the snapshot kept in each revision.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::db::schema::{claims, incidents};
use crate::domain::vocab::{
    AttackType, Category, Credibility, EventTag, FiguresQualifier, FiguresScope, LocationPrecision,
    PerpetratorType, RecordStatus, Reliability, Resource, Sensitivity, SourceType, TimePrecision,
    Verification,
};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = incidents)]
pub struct Incident {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub narrative: String,
    pub category: String,
    pub attack_types: String,
    pub resources_affected: String,
    #[diesel(deserialize_as = crate::db::Day)]
    pub occurred_on: NaiveDate,
    pub time_precision: String,
    pub occurred_time: String,
    #[diesel(deserialize_as = crate::db::Day)]
    pub reported_on: NaiveDate,
    pub location_id: i64,
    pub location_precision: String,
    pub perpetrator_type: String,
    pub perpetrator_name: String,
    pub civilians_killed: Option<i64>,
    pub civilians_injured: Option<i64>,
    pub aid_killed_national: Option<i64>,
    pub aid_killed_international: Option<i64>,
    pub aid_injured_national: Option<i64>,
    pub aid_injured_international: Option<i64>,
    pub aid_kidnapped_national: Option<i64>,
    pub aid_kidnapped_international: Option<i64>,
    pub aid_detained_national: Option<i64>,
    pub aid_detained_international: Option<i64>,
    pub people_affected: Option<i64>,
    pub organization_id: i64,
    pub created_by: i64,
    pub sensitivity: Sensitivity,
    pub verification: Verification,
    pub status: RecordStatus,
    #[diesel(deserialize_as = crate::db::MaybeMoment)]
    pub retracted_at: Option<NaiveDateTime>,
    pub retraction_reason: String,
    pub version: i32,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub updated_at: NaiveDateTime,
    /// A duplicate merged into this record (the one kept).
    pub merged_into: Option<i64>,
    #[diesel(deserialize_as = crate::db::MaybeMoment)]
    pub merged_at: Option<NaiveDateTime>,
    /// How exact the figures are (`FiguresQualifier`).
    pub figures_qualifier: String,
    /// What the figures cover (`FiguresScope`): the incident, or an area over a period.
    pub figures_scope: String,
    /// The area and period of area-over-period figures, in words.
    pub figures_area_period: String,
    /// Event tags beside the access constraint (comma-separated `EventTag` codes).
    pub event_tags: String,
}

/// An incident as lists show it (a row of a list page, a home page's queues): the columns those
/// read, not the narrative, figures and claims' details a list never shows, which were half of
/// reading a page of fifty.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = incidents)]
pub struct Listed {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub category: String,
    #[diesel(deserialize_as = crate::db::Day)]
    pub occurred_on: NaiveDate,
    pub location_id: i64,
    pub organization_id: i64,
    pub sensitivity: Sensitivity,
    pub verification: Verification,
    pub status: RecordStatus,
    #[diesel(deserialize_as = crate::db::MaybeMoment)]
    pub retracted_at: Option<NaiveDateTime>,
    pub merged_into: Option<i64>,
}

/// What a whole record and a list's row both answer (pages and lists call the same names).
macro_rules! listed_facts {
    ($($record:ty),+) => {$(
        impl $record {
            pub fn category(&self) -> Option<Category> {
                Category::from_stored(&self.category)
            }
            pub fn verification(&self) -> Verification {
                self.verification
            }
            pub fn status(&self) -> RecordStatus {
                self.status
            }
            pub fn is_retracted(&self) -> bool {
                self.retracted_at.is_some()
            }
            /// A duplicate, merged into another record.
            pub fn is_merged(&self) -> bool {
                self.merged_into.is_some()
            }
        }
    )+};
}
listed_facts!(Incident, Listed);

/// The victim and impact counts, in the order forms and pages show them, with message ids.
pub const COUNT_FIELDS: [(&str, &str); 11] = [
    ("civilians_killed", "count-civilians-killed"),
    ("civilians_injured", "count-civilians-injured"),
    ("aid_killed_national", "count-aid-killed-national"),
    ("aid_killed_international", "count-aid-killed-international"),
    ("aid_injured_national", "count-aid-injured-national"),
    (
        "aid_injured_international",
        "count-aid-injured-international",
    ),
    ("aid_kidnapped_national", "count-aid-kidnapped-national"),
    (
        "aid_kidnapped_international",
        "count-aid-kidnapped-international",
    ),
    ("aid_detained_national", "count-aid-detained-national"),
    (
        "aid_detained_international",
        "count-aid-detained-international",
    ),
    ("people_affected", "count-people-affected"),
];

impl Incident {
    /// This record's id, typed.
    pub fn key(&self) -> crate::domain::IncidentId {
        crate::domain::IncidentId::new(self.id)
    }

    pub fn sensitivity(&self) -> Sensitivity {
        self.sensitivity
    }
    pub fn time_precision(&self) -> Option<TimePrecision> {
        TimePrecision::from_stored(&self.time_precision)
    }
    pub fn location_precision(&self) -> Option<LocationPrecision> {
        LocationPrecision::from_stored(&self.location_precision)
    }
    pub fn perpetrator(&self) -> Option<PerpetratorType> {
        PerpetratorType::from_stored(&self.perpetrator_type)
    }
    pub fn attack_types(&self) -> Vec<AttackType> {
        split_codes(&self.attack_types)
            .filter_map(AttackType::from_stored)
            .collect()
    }
    pub fn resources(&self) -> Vec<Resource> {
        split_codes(&self.resources_affected)
            .filter_map(Resource::from_stored)
            .collect()
    }
    pub fn event_tags(&self) -> Vec<EventTag> {
        split_codes(&self.event_tags)
            .filter_map(EventTag::from_stored)
            .collect()
    }
    pub fn figures_qualifier(&self) -> FiguresQualifier {
        FiguresQualifier::from_stored(&self.figures_qualifier).unwrap_or(FiguresQualifier::Exact)
    }
    pub fn figures_scope(&self) -> FiguresScope {
        FiguresScope::from_stored(&self.figures_scope).unwrap_or(FiguresScope::Incident)
    }
    /// Figures for an area over a period: reported beside incident totals, never added in.
    pub fn figures_are_area(&self) -> bool {
        self.figures_scope() == FiguresScope::AreaPeriod
    }

    /// The figures that were reported (label id, value), in display order; the ones not
    /// reported are left out (the page says in one line that the rest were not).
    pub fn reported_counts(&self) -> Vec<(&'static str, i64)> {
        self.counts()
            .into_iter()
            .filter_map(|(label, v)| v.map(|n| (label, n)))
            .collect()
    }

    /// How many of the figures were not reported.
    pub fn unreported(&self) -> i64 {
        self.counts().iter().filter(|(_, v)| v.is_none()).count() as i64
    }

    /// The counts with their message ids, in display order.
    pub fn counts(&self) -> [(&'static str, Option<i64>); 11] {
        let v = [
            self.civilians_killed,
            self.civilians_injured,
            self.aid_killed_national,
            self.aid_killed_international,
            self.aid_injured_national,
            self.aid_injured_international,
            self.aid_kidnapped_national,
            self.aid_kidnapped_international,
            self.aid_detained_national,
            self.aid_detained_international,
            self.people_affected,
        ];
        let mut out = [("", None); 11];
        for (i, (_, label)) in COUNT_FIELDS.iter().enumerate() {
            out[i] = (*label, v[i]);
        }
        out
    }

    /// The record as its revisions keep it (the place both by id and by label).
    pub fn snapshot(&self, location_label: &str) -> Value {
        let mut v = json!({
            "reference": self.reference,
            "title": self.title,
            "narrative": self.narrative,
            "category": self.category,
            "attack_types": self.attack_types,
            "resources_affected": self.resources_affected,
            "occurred_on": self.occurred_on.to_string(),
            "time_precision": self.time_precision,
            "occurred_time": self.occurred_time,
            "reported_on": self.reported_on.to_string(),
            "location_id": self.location_id,
            "location": location_label,
            "location_precision": self.location_precision,
            "perpetrator_type": self.perpetrator_type,
            "perpetrator_name": self.perpetrator_name,
            "organization_id": self.organization_id,
            "sensitivity": self.sensitivity,
            "verification": self.verification,
            "status": self.status,
            "retracted": self.retracted_at.is_some(),
            "retraction_reason": self.retraction_reason,
            "figures_qualifier": self.figures_qualifier,
            "figures_scope": self.figures_scope,
            "figures_area_period": self.figures_area_period,
            "event_tags": self.event_tags,
        });
        for ((field, _), (_, value)) in COUNT_FIELDS.iter().zip(self.counts()) {
            v[*field] = json!(value);
        }
        v
    }
}

pub fn split_codes(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|c| !c.is_empty())
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = claims)]
pub struct Claim {
    pub id: i64,
    pub incident_id: i64,
    pub source_type: String,
    pub source_name: String,
    pub reliability: String,
    pub credibility: String,
    pub claimed_on: NaiveDate,
    pub statement: String,
    pub created_by: i64,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    /// The duplicate this claim was first recorded on, when merged here.
    pub merged_from: Option<i64>,
    /// The organisation and sensitivity of the record the claim was first recorded on: who
    /// may read its statement and source follows these (`records::Scope::sees_claim`).
    pub organization_id: Option<i64>,
    pub sensitivity: String,
    pub stance: String,
}

impl Claim {
    pub fn stance(&self) -> Option<crate::domain::vocab::ClaimStance> {
        crate::domain::vocab::ClaimStance::from_stored(&self.stance)
    }
    pub fn source_type(&self) -> Option<SourceType> {
        SourceType::from_stored(&self.source_type)
    }
    pub fn reliability(&self) -> Option<Reliability> {
        Reliability::from_stored(&self.reliability)
    }
    pub fn credibility(&self) -> Option<Credibility> {
        Credibility::from_stored(&self.credibility)
    }
    /// The Admiralty grade, e.g. `B2`.
    pub fn grade(&self) -> String {
        format!("{}{}", self.reliability, self.credibility)
    }
}
