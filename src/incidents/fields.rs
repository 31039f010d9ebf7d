//! The incident form as typed, and its parse into checked fields. Each problem is noted beside
//! its field; what parses is kept so the form can be shown again with everything typed.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::vocab::{
    self, AttackType, Category, ClaimStance, Credibility, EventTag, FiguresQualifier, FiguresScope,
    LocationPrecision, PerpetratorType, RecordStatus, Reliability, Resource, Sensitivity,
    SourceType, TimePrecision,
};
use crate::domain::{text, values, FieldErrors};
pub use crate::locations::PlaceInput;
use crate::locations::{NewPlace, TypedPlace};

pub const TITLE_MAX: usize = 200;
pub const NARRATIVE_MAX: usize = 20_000;
pub const STATEMENT_MAX: usize = 5_000;
pub const REASON_MAX: usize = 2_000;
pub const AREA_PERIOD_MAX: usize = 300;

/// The incident form exactly as sent (every value text, checkboxes as lists).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IncidentForm {
    pub title: String,
    pub narrative: String,
    pub category: String,
    pub attack_types: Vec<String>,
    pub resources: Vec<String>,
    pub occurred_on: String,
    pub time_precision: String,
    pub occurred_time: String,
    pub reported_on: String,
    pub location: String,
    pub location_precision: String,
    pub new_place_name: String,
    pub new_place_admin1: String,
    pub new_place_admin2: String,
    pub new_place_pcode: String,
    pub new_place_lat: String,
    pub new_place_lon: String,
    pub new_place_kind: String,
    pub new_place_coordinates_checked: String,
    pub new_place_alt_names: String,
    pub perpetrator_type: String,
    pub perpetrator_name: String,
    pub civilians_killed: String,
    pub civilians_injured: String,
    pub aid_killed_national: String,
    pub aid_killed_international: String,
    pub aid_injured_national: String,
    pub aid_injured_international: String,
    pub aid_kidnapped_national: String,
    pub aid_kidnapped_international: String,
    pub aid_detained_national: String,
    pub aid_detained_international: String,
    pub people_affected: String,
    /// How exact the figures are; empty means exact (forms sent before the field existed).
    pub figures_qualifier: String,
    /// What the figures cover; empty means this incident.
    pub figures_scope: String,
    pub figures_area_period: String,
    pub event_tags: Vec<String>,
    pub sensitivity: String,
    /// Why the sensitivity is lowered (edits that lower it only).
    pub sensitivity_reason: String,
    pub status: String,
    /// The version the person started editing from (edits only).
    pub version: String,
    /// The convoy event this incident records (a blocked convoy), if any.
    pub convoy_event: String,
    // The first claim (new incidents only); same names as `ClaimForm`.
    pub claim_source_type: String,
    pub claim_source_name: String,
    pub claim_reliability: String,
    pub claim_credibility: String,
    pub claim_date: String,
    pub claim_statement: String,
    pub claim_stance: String,
}

/// A claim as typed (the first claim on the new-incident form, or a claim added later).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClaimForm {
    pub claim_source_type: String,
    pub claim_source_name: String,
    pub claim_reliability: String,
    pub claim_credibility: String,
    pub claim_date: String,
    pub claim_statement: String,
    pub claim_stance: String,
}

#[derive(Debug, Clone)]
pub struct IncidentFields {
    pub title: String,
    pub narrative: String,
    pub category: Category,
    pub attack_types: Vec<AttackType>,
    pub resources: Vec<Resource>,
    pub occurred_on: NaiveDate,
    pub time_precision: TimePrecision,
    pub occurred_time: String,
    pub reported_on: NaiveDate,
    pub place: PlaceInput,
    pub location_precision: LocationPrecision,
    pub perpetrator_type: PerpetratorType,
    pub perpetrator_name: String,
    pub counts: [Option<i64>; 11],
    pub figures_qualifier: FiguresQualifier,
    pub figures_scope: FiguresScope,
    /// The area and period (area-over-period figures only; empty otherwise).
    pub figures_area_period: String,
    pub event_tags: Vec<EventTag>,
    pub sensitivity: Sensitivity,
    pub sensitivity_reason: String,
    pub status: RecordStatus,
}

#[derive(Debug, Clone)]
pub struct ClaimFields {
    pub source_type: SourceType,
    pub source_name: String,
    pub reliability: Reliability,
    pub credibility: Credibility,
    pub claimed_on: NaiveDate,
    pub statement: String,
    pub stance: ClaimStance,
}

impl IncidentForm {
    /// The counts as typed, in `model::COUNT_FIELDS` order.
    pub fn count_values(&self) -> [&str; 11] {
        [
            &self.civilians_killed,
            &self.civilians_injured,
            &self.aid_killed_national,
            &self.aid_killed_international,
            &self.aid_injured_national,
            &self.aid_injured_international,
            &self.aid_kidnapped_national,
            &self.aid_kidnapped_international,
            &self.aid_detained_national,
            &self.aid_detained_international,
            &self.people_affected,
        ]
    }

    /// The first claim's fields.
    pub fn claim(&self) -> ClaimForm {
        ClaimForm {
            claim_source_type: self.claim_source_type.clone(),
            claim_source_name: self.claim_source_name.clone(),
            claim_reliability: self.claim_reliability.clone(),
            claim_credibility: self.claim_credibility.clone(),
            claim_date: self.claim_date.clone(),
            claim_statement: self.claim_statement.clone(),
            claim_stance: self.claim_stance.clone(),
        }
    }

    pub fn has_new_place(&self) -> bool {
        self.new_place().is_typed()
    }

    /// The place named by text, for a form sent back with other errors.
    pub fn typed_places(&self) -> Vec<TypedPlace> {
        TypedPlace::of(
            "location",
            "location-unknown",
            &self.location,
            &self.new_place(),
        )
        .into_iter()
        .collect()
    }

    /// The new place's fields as typed.
    pub fn new_place(&self) -> NewPlace {
        crate::typed_place!(self => new_place_name, new_place_alt_names, new_place_admin1, new_place_admin2, new_place_pcode, new_place_lat, new_place_lon, new_place_kind, new_place_coordinates_checked)
    }

    /// Parses every field; `None` when any is wrong (then `errors` says which and why).
    pub fn parse(&self, today: NaiveDate, errors: &mut FieldErrors) -> Option<IncidentFields> {
        let title = errors.check("title", text::required_line(&self.title, TITLE_MAX));
        let narrative = errors.check(
            "narrative",
            text::optional_block(&self.narrative, NARRATIVE_MAX),
        );
        let narrative = narrative.and_then(|n| {
            if n.is_empty() {
                errors.add("narrative", "narrative-required");
                None
            } else {
                Some(n)
            }
        });
        let category = errors.check("category", Category::parse(&self.category));
        let attack_types = errors.check(
            "attack_types",
            vocab::parse_set(&self.attack_types, AttackType::ALL, AttackType::parse),
        );
        let resources = errors.check(
            "resources",
            vocab::parse_set(&self.resources, Resource::ALL, Resource::parse),
        );
        let occurred_on = errors.check("occurred_on", values::date(&self.occurred_on, today));
        let time_precision =
            errors.check("time_precision", TimePrecision::parse(&self.time_precision));
        let occurred_time =
            errors.check("occurred_time", values::optional_time(&self.occurred_time));
        let reported_on = errors.check("reported_on", values::date(&self.reported_on, today));
        if let (Some(o), Some(r)) = (occurred_on, reported_on) {
            if r < o {
                errors.add("reported_on", "reported-before-occurred");
            }
        }
        let place = PlaceInput::parse(
            errors,
            ("location", &self.location),
            ("new_place", &self.new_place()),
            Some("location-required"),
        )
        .flatten();
        let location_precision = errors.check(
            "location_precision",
            LocationPrecision::parse(&self.location_precision),
        );
        let perpetrator_type = errors.check(
            "perpetrator_type",
            PerpetratorType::parse(&self.perpetrator_type),
        );
        let perpetrator_name = errors.check(
            "perpetrator_name",
            text::optional_line(&self.perpetrator_name, 200),
        );
        let mut counts = [None; 11];
        let mut counts_ok = true;
        for (i, (field, _)) in super::model::COUNT_FIELDS.iter().enumerate() {
            match values::optional_count(self.count_values()[i]) {
                Ok(v) => counts[i] = v,
                Err(e) => {
                    errors.add(*field, e);
                    counts_ok = false;
                }
            }
        }
        let (figures_qualifier, figures_scope, figures_area_period) = self.parse_figures(errors);
        let event_tags = errors.check(
            "event_tags",
            vocab::parse_set(&self.event_tags, EventTag::ALL, EventTag::parse),
        );
        let sensitivity = errors.check("sensitivity", Sensitivity::parse(&self.sensitivity));
        let sensitivity_reason = errors.check(
            "sensitivity_reason",
            text::optional_block(&self.sensitivity_reason, REASON_MAX),
        );
        let status = errors.check("status", RecordStatus::parse(&self.status));
        Some(IncidentFields {
            title: title?,
            narrative: narrative?,
            category: category?,
            attack_types: attack_types?,
            resources: resources?,
            occurred_on: occurred_on?,
            time_precision: time_precision?,
            occurred_time: occurred_time?,
            reported_on: reported_on?,
            place: place?,
            location_precision: location_precision?,
            perpetrator_type: perpetrator_type?,
            perpetrator_name: perpetrator_name?,
            counts: counts_ok.then_some(counts)?,
            figures_qualifier: figures_qualifier?,
            figures_scope: figures_scope?,
            figures_area_period: figures_area_period?,
            event_tags: event_tags?,
            sensitivity: sensitivity?,
            sensitivity_reason: sensitivity_reason?,
            status: status?,
        })
    }
}

impl IncidentForm {
    /// The figures' qualifier and scope (empty: exact, this incident), and the area and
    /// period, which area-over-period figures must name.
    #[allow(clippy::type_complexity)]
    fn parse_figures(
        &self,
        errors: &mut FieldErrors,
    ) -> (
        Option<FiguresQualifier>,
        Option<FiguresScope>,
        Option<String>,
    ) {
        let or_default = |raw: &str, default: &'static str| {
            let raw = raw.trim();
            if raw.is_empty() {
                default.to_string()
            } else {
                raw.to_string()
            }
        };
        let qualifier = errors.check(
            "figures_qualifier",
            FiguresQualifier::parse(&or_default(&self.figures_qualifier, "exact")),
        );
        let scope = errors.check(
            "figures_scope",
            FiguresScope::parse(&or_default(&self.figures_scope, "incident")),
        );
        let area = errors.check(
            "figures_area_period",
            text::optional_line(&self.figures_area_period, AREA_PERIOD_MAX),
        );
        let area = match (scope, area) {
            (Some(FiguresScope::AreaPeriod), Some(a)) if a.is_empty() => {
                errors.add("figures_area_period", "figures-area-period-required");
                None
            }
            // Only area-over-period figures have an area and period; typed for an incident's
            // own figures, it would be kept unseen, so it is refused with a reason instead.
            (Some(FiguresScope::Incident), Some(a)) if !a.is_empty() => {
                errors.add("figures_area_period", "figures-area-period-unexpected");
                None
            }
            (_, a) => a,
        };
        (qualifier, scope, area)
    }
}

impl ClaimForm {
    pub fn parse(&self, today: NaiveDate, errors: &mut FieldErrors) -> Option<ClaimFields> {
        let source_type = errors.check(
            "claim_source_type",
            SourceType::parse(&self.claim_source_type),
        );
        let source_name = errors.check(
            "claim_source_name",
            text::optional_line(&self.claim_source_name, 200),
        );
        let reliability = errors.check(
            "claim_reliability",
            Reliability::parse(&self.claim_reliability),
        );
        let credibility = errors.check(
            "claim_credibility",
            Credibility::parse(&self.claim_credibility),
        );
        let claimed_on = errors.check("claim_date", values::date(&self.claim_date, today));
        let statement = errors.check(
            "claim_statement",
            text::optional_block(&self.claim_statement, STATEMENT_MAX),
        );
        let statement = statement.and_then(|s| {
            if s.is_empty() {
                errors.add("claim_statement", "claim-statement-required");
                None
            } else {
                Some(s)
            }
        });
        // Claims sent without a stance (the forms always send one) report the incident, as
        // every claim did before stances existed.
        let stance = match self.claim_stance.trim() {
            "" => Some(ClaimStance::Supports),
            code => errors.check("claim_stance", ClaimStance::parse(code)),
        };
        Some(ClaimFields {
            source_type: source_type?,
            source_name: source_name?,
            reliability: reliability?,
            credibility: credibility?,
            claimed_on: claimed_on?,
            statement: statement?,
            stance: stance?,
        })
    }
}

/// A required reason (verification changes, retractions).
pub fn reason(raw: &str, errors: &mut FieldErrors) -> Option<String> {
    reason_in("reason", raw, errors)
}

/// A required reason given in the form field `field`.
pub fn reason_in(field: &'static str, raw: &str, errors: &mut FieldErrors) -> Option<String> {
    match text::optional_block(raw, REASON_MAX) {
        Ok(r) if r.is_empty() => {
            errors.add(field, "reason-required");
            None
        }
        Ok(r) => Some(r),
        Err(e) => {
            errors.add(field, e);
            None
        }
    }
}
