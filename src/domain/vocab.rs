//! The field's controlled vocabularies (see shared domain notes): each a closed set of stable
//! stored codes, with a message id for its label. `vocabulary!` writes the boilerplate once.

use super::Invalid;

/// Declares a code list: `Type { Variant = "code" / "label-message-id", … }`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $invalid:literal { $( $variant:ident = $code:literal / $label:literal ),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $( $variant ),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The stored code.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }

            /// Message id of the label people read.
            pub fn label_id(self) -> &'static str {
                match self { $( $name::$variant => $label ),+ }
            }

            pub fn parse(code: &str) -> Result<Self, Invalid> {
                match code.trim() {
                    $( $code => Ok($name::$variant), )+
                    "" => Err("field-choose"),
                    _ => Err($invalid),
                }
            }

            /// For values read back from the database: an unknown code is a bug, shown as-is.
            pub fn from_stored(code: &str) -> Option<Self> {
                Self::parse(code).ok()
            }
        }

        /// Stored, exported and logged as its code.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        /// Shown as its code (for attributes and hidden fields; people read `label_id`).
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

vocabulary! {
    /// The nine access-constraint categories of the OCHA access monitoring framework.
    Category, "category-invalid" {
        DenialOfNeeds = "denial_of_needs" / "cat-denial-of-needs",
        RestrictedServices = "restricted_services" / "cat-restricted-services",
        EntryImpediments = "entry_impediments" / "cat-entry-impediments",
        MovementRestriction = "movement_restriction" / "cat-movement-restriction",
        Interference = "interference" / "cat-interference",
        ViolenceAgainstAid = "violence_against_aid" / "cat-violence-against-aid",
        Hostilities = "hostilities" / "cat-hostilities",
        ExplosiveHazards = "explosive_hazards" / "cat-explosive-hazards",
        PhysicalEnvironment = "physical_environment" / "cat-physical-environment",
    }
}

impl Category {
    /// Message id of the framework's pillar this category belongs to.
    pub fn pillar_id(self) -> &'static str {
        match self {
            Category::DenialOfNeeds | Category::RestrictedServices => "pillar-people-to-aid",
            Category::EntryImpediments
            | Category::MovementRestriction
            | Category::Interference
            | Category::ViolenceAgainstAid => "pillar-aid-to-people",
            Category::Hostilities | Category::ExplosiveHazards | Category::PhysicalEnvironment => {
                "pillar-security"
            }
        }
    }
}

vocabulary! {
    /// WHO Surveillance System for Attacks on health care: types of attack.
    AttackType, "attack-type-invalid" {
        Psychological = "psychological_violence" / "attack-psychological",
        RemovalOfAssets = "removal_of_assets" / "attack-removal-assets",
        RemovalOfPeople = "removal_of_personnel_or_patients" / "attack-removal-people",
        SettingFire = "setting_fire" / "attack-fire",
        SexualAssault = "sexual_assault" / "attack-sexual-assault",
        HeavyWeapons = "heavy_weapons" / "attack-heavy-weapons",
        IndividualWeapons = "individual_weapons" / "attack-individual-weapons",
        Detention = "abduction_arrest_detention" / "attack-detention",
        ArmedSearch = "armed_search" / "attack-armed-search",
        Assault = "assault" / "attack-assault",
        ChemicalAgent = "chemical_agent" / "attack-chemical",
        Militarization = "militarization" / "attack-militarization",
        Obstruction = "obstruction" / "attack-obstruction",
    }
}

vocabulary! {
    /// WHO SSA: what was affected.
    Resource, "resource-invalid" {
        Facility = "facility" / "resource-facility",
        Transport = "transport" / "resource-transport",
        Personnel = "personnel" / "resource-personnel",
        Supplies = "supplies" / "resource-supplies",
        Warehouse = "warehouse" / "resource-warehouse",
        Patients = "patients" / "resource-patients",
        Other = "other" / "resource-other",
    }
}

vocabulary! {
    /// Who did it (ACLED / AWSD style).
    PerpetratorType, "perpetrator-invalid" {
        StateForces = "state_forces" / "perp-state-forces",
        NonStateArmedGroup = "non_state_armed_group" / "perp-nsag",
        Militia = "militia" / "perp-militia",
        Criminal = "criminal" / "perp-criminal",
        Unknown = "unknown" / "perp-unknown",
        Other = "other" / "perp-other",
    }
}

vocabulary! {
    /// Who made a claim.
    SourceType, "source-type-invalid" {
        OwnStaff = "own_staff" / "source-own-staff",
        Partner = "partner" / "source-partner",
        Monitor = "monitor" / "source-monitor",
        Media = "media" / "source-media",
        Authorities = "authorities" / "source-authorities",
        ArmedGroup = "armed_group" / "source-armed-group",
        Community = "community" / "source-community",
    }
}

vocabulary! {
    /// Where a claim stands toward its incident: a denial or a counter-claim ("the rebels plan
    /// to stage a chemical attack") is a claim like any other, graded, dated and attributed.
    ClaimStance, "stance-invalid" {
        Supports = "supports" / "stance-supports",
        Denies = "denies" / "stance-denies",
        CounterClaim = "counter_claim" / "stance-counter-claim",
        Context = "context" / "stance-context",
    }
}

vocabulary! {
    /// Admiralty grading: how reliable the source has been.
    Reliability, "reliability-invalid" {
        A = "A" / "reliability-a",
        B = "B" / "reliability-b",
        C = "C" / "reliability-c",
        D = "D" / "reliability-d",
        E = "E" / "reliability-e",
        F = "F" / "reliability-f",
    }
}

vocabulary! {
    /// Admiralty grading: how credible this piece of information is.
    Credibility, "credibility-invalid" {
        Confirmed = "1" / "credibility-1",
        Probable = "2" / "credibility-2",
        Possible = "3" / "credibility-3",
        Doubtful = "4" / "credibility-4",
        Improbable = "5" / "credibility-5",
        CannotJudge = "6" / "credibility-6",
    }
}

vocabulary! {
    /// How sure the incident as a whole is; set only by coordinators.
    Verification, "verification-invalid" {
        Unverified = "unverified" / "verification-unverified",
        Corroborated = "corroborated" / "verification-corroborated",
        Confirmed = "confirmed" / "verification-confirmed",
        Disputed = "disputed" / "verification-disputed",
    }
}

vocabulary! {
    /// Who may see a record (data responsibility).
    Sensitivity, "sensitivity-invalid" {
        Public = "public" / "sensitivity-public",
        Restricted = "restricted" / "sensitivity-restricted",
        Confidential = "confidential" / "sensitivity-confidential",
    }
}

impl Sensitivity {
    /// Higher is more sensitive (a report is marked with the highest of what it includes).
    pub fn rank(self) -> u8 {
        match self {
            Sensitivity::Public => 0,
            Sensitivity::Restricted => 1,
            Sensitivity::Confidential => 2,
        }
    }
}

vocabulary! {
    /// Where a record is in its life.
    RecordStatus, "status-invalid" {
        Draft = "draft" / "status-draft",
        Submitted = "submitted" / "status-submitted",
        Closed = "closed" / "status-closed",
    }
}

vocabulary! {
    /// How exactly the date is known.
    TimePrecision, "time-precision-invalid" {
        Day = "day" / "time-precision-day",
        Week = "week" / "time-precision-week",
        Month = "month" / "time-precision-month",
    }
}

vocabulary! {
    /// How exactly the place is known.
    LocationPrecision, "location-precision-invalid" {
        Exact = "exact" / "location-precision-exact",
        Near = "near" / "location-precision-near",
        Region = "region" / "location-precision-region",
    }
}

vocabulary! {
    /// What kind of place a gazetteer entry is (the field's place kinds).
    PlaceKind, "place-kind-invalid" {
        Town = "town" / "place-kind-town",
        Neighbourhood = "neighbourhood" / "place-kind-neighbourhood",
        District = "district" / "place-kind-district",
        Governorate = "governorate" / "place-kind-governorate",
        Checkpoint = "checkpoint" / "place-kind-checkpoint",
        Crossing = "crossing" / "place-kind-crossing",
        Facility = "facility" / "place-kind-facility",
        School = "school" / "place-kind-school",
        Camp = "camp" / "place-kind-camp",
        Warehouse = "warehouse" / "place-kind-warehouse",
        Road = "road" / "place-kind-road",
    }
}

vocabulary! {
    /// The language of a place's name (BCP 47): `ar-Latn` is Arabic written in Latin letters
    /// (a transliteration such as "Duma"), `und` a name whose language nobody said.
    NameLanguage, "name-language-invalid" {
        En = "en" / "name-language-en",
        Ar = "ar" / "name-language-ar",
        Fr = "fr" / "name-language-fr",
        ArLatn = "ar-Latn" / "name-language-ar-latn",
        Und = "und" / "name-language-und",
    }
}

vocabulary! {
    /// Where a convoy is in its life (Logistics Cluster / humanitarian notification practice).
    ConvoyStatus, "convoy-status-invalid" {
        Planned = "planned" / "convoy-planned",
        Notified = "notified" / "convoy-notified",
        Approved = "approved" / "convoy-approved",
        EnRoute = "en_route" / "convoy-en-route",
        Delivered = "delivered" / "convoy-delivered",
        PartiallyDelivered = "partially_delivered" / "convoy-partially-delivered",
        Blocked = "blocked" / "convoy-blocked",
        TurnedBack = "turned_back" / "convoy-turned-back",
        Cancelled = "cancelled" / "convoy-cancelled",
    }
}

impl ConvoyStatus {
    /// The statuses a convoy may move to from this one.
    pub fn next(self) -> &'static [ConvoyStatus] {
        use ConvoyStatus::*;
        match self {
            Planned => &[Notified, Cancelled],
            Notified => &[Approved, Blocked, Cancelled],
            Approved => &[EnRoute, Blocked, Cancelled],
            EnRoute => &[Delivered, PartiallyDelivered, Blocked, TurnedBack],
            Blocked => &[EnRoute, TurnedBack, Cancelled],
            Delivered | PartiallyDelivered | TurnedBack | Cancelled => &[],
        }
    }

    /// An event with this status is an access incident to record (prefilled and linked).
    pub fn is_obstruction(self) -> bool {
        matches!(
            self,
            ConvoyStatus::Blocked | ConvoyStatus::TurnedBack | ConvoyStatus::PartiallyDelivered
        )
    }

    /// Cargo arrived (all or part): deliveries can be recorded.
    pub fn delivers(self) -> bool {
        matches!(
            self,
            ConvoyStatus::Delivered | ConvoyStatus::PartiallyDelivered
        )
    }
}

vocabulary! {
    /// Humanitarian cluster sectors, for cargo.
    Sector, "sector-invalid" {
        Health = "health" / "sector-health",
        Food = "food" / "sector-food",
        Nutrition = "nutrition" / "sector-nutrition",
        Wash = "wash" / "sector-wash",
        Shelter = "shelter" / "sector-shelter",
        Protection = "protection" / "sector-protection",
        Education = "education" / "sector-education",
        Logistics = "logistics" / "sector-logistics",
        Other = "other" / "sector-other",
    }
}

vocabulary! {
    /// Kinds of health facility.
    FacilityType, "facility-type-invalid" {
        Hospital = "hospital" / "facility-hospital",
        FieldHospital = "field_hospital" / "facility-field-hospital",
        HealthCentre = "health_centre" / "facility-health-centre",
        MedicalPoint = "medical_point" / "facility-medical-point",
        MobileClinic = "mobile_clinic" / "facility-mobile-clinic",
        Warehouse = "warehouse" / "facility-warehouse",
        Other = "other" / "facility-other",
    }
}

vocabulary! {
    /// Medical supplies people in besieged areas need.
    NeedItem, "need-item-invalid" {
        TraumaKits = "trauma_kits" / "item-trauma-kits",
        SurgicalSupplies = "surgical_supplies" / "item-surgical-supplies",
        Medicines = "medicines" / "item-medicines",
        BloodProducts = "blood_products" / "item-blood-products",
        Oxygen = "oxygen" / "item-oxygen",
        GeneratorFuel = "generator_fuel" / "item-generator-fuel",
        Dialysis = "dialysis" / "item-dialysis",
        Insulin = "insulin" / "item-insulin",
        Anaesthetics = "anaesthetics" / "item-anaesthetics",
        Other = "other" / "item-other",
    }
}

vocabulary! {
    /// How soon a need must be met.
    Urgency, "urgency-invalid" {
        Critical = "critical" / "urgency-critical",
        High = "high" / "urgency-high",
        Medium = "medium" / "urgency-medium",
        Low = "low" / "urgency-low",
    }
}

impl Urgency {
    /// The ranks after critical's.
    pub const LATER_RANKS: [i32; 3] = [1, 2, 3];

    /// 0 for critical: sorts most urgent first.
    pub fn rank(self) -> i32 {
        match self {
            Urgency::Critical => 0,
            Urgency::High => 1,
            Urgency::Medium => 2,
            Urgency::Low => 3,
        }
    }
}

vocabulary! {
    /// How far a need has been met (follows from deliveries, except cancellation).
    NeedStatus, "need-status-invalid" {
        Open = "open" / "need-open",
        PartiallyMet = "partially_met" / "need-partially-met",
        Met = "met" / "need-met",
        Cancelled = "cancelled" / "need-cancelled",
    }
}

impl NeedStatus {
    /// Still to be met (the needs table's generated `active` column says the same).
    pub const ACTIVE: [NeedStatus; 2] = [NeedStatus::Open, NeedStatus::PartiallyMet];

    /// The status that deliveries give a need (cancelled stays cancelled).
    pub fn from_deliveries(cancelled: bool, needed: i64, delivered: i64) -> Self {
        if cancelled {
            NeedStatus::Cancelled
        } else if delivered >= needed {
            NeedStatus::Met
        } else if delivered > 0 {
            NeedStatus::PartiallyMet
        } else {
            NeedStatus::Open
        }
    }
}

vocabulary! {
    /// How exact an incident's reported figures are ("over 1,100" is `at_least`).
    FiguresQualifier, "figures-qualifier-invalid" {
        Exact = "exact" / "figures-exact",
        AtLeast = "at_least" / "figures-at-least",
        About = "about" / "figures-about",
    }
}

vocabulary! {
    /// What an incident's figures cover: the incident itself, or an area over a period
    /// ("in the region, in the past weeks"), which reports show beside incident totals.
    FiguresScope, "figures-scope-invalid" {
        Incident = "incident" / "figures-scope-incident",
        AreaPeriod = "area_period" / "figures-scope-area-period",
    }
}

vocabulary! {
    /// Event tags beside the access constraint, for what the nine categories do not name
    /// (after ACLED's sub-event types and HDX's conventions); several per incident.
    EventTag, "event-tag-invalid" {
        DisplacementOrder = "displacement_order" / "tag-displacement-order",
        SafePassageRefused = "safe_passage_refused" / "tag-safe-passage-refused",
        Siege = "siege" / "tag-siege",
        ChemicalWeaponsAllegation = "chemical_weapons_allegation" / "tag-chemical-weapons-allegation",
        IncendiaryWeaponsAllegation = "incendiary_weapons_allegation" / "tag-incendiary-weapons-allegation",
        Evacuation = "evacuation" / "tag-evacuation",
        DetentionOfStaff = "detention_of_staff" / "tag-detention-of-staff",
        Looting = "looting" / "tag-looting",
        AidDiversion = "aid_diversion" / "tag-aid-diversion",
    }
}

/// Parses a list of codes (checkboxes), refusing unknown ones; keeps the vocabulary's order.
pub fn parse_set<T: Copy + PartialEq>(
    raw: &[String],
    all: &[T],
    parse: fn(&str) -> Result<T, Invalid>,
) -> Result<Vec<T>, Invalid> {
    let mut chosen = Vec::new();
    for code in raw.iter().filter(|c| !c.trim().is_empty()) {
        chosen.push(parse(code)?);
    }
    Ok(all.iter().copied().filter(|t| chosen.contains(t)).collect())
}

impl NeedItem {
    /// Can cargo of `sector` meet a need for this item? Medical supplies come as health cargo,
    /// generator fuel as logistics (or other) cargo; "other" needs take any cargo.
    pub fn carried_by(self, sector: Sector) -> bool {
        match self {
            NeedItem::Other => true,
            NeedItem::GeneratorFuel => matches!(sector, Sector::Logistics | Sector::Other),
            _ => sector == Sector::Health,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_ranks_are_every_urgency_but_critical() {
        let mut later: Vec<i32> = Urgency::ALL
            .iter()
            .filter(|u| **u != Urgency::Critical)
            .map(|u| u.rank())
            .collect();
        later.sort_unstable();
        assert_eq!(later, Urgency::LATER_RANKS);
    }

    #[test]
    fn codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Ok(*c));
        }
        assert_eq!(Category::ALL.len(), 9);
        assert_eq!(Category::parse("bogus"), Err("category-invalid"));
        assert_eq!(Category::parse(""), Err("field-choose"));
        assert_eq!(AttackType::ALL.len(), 13);
        assert_eq!(Credibility::parse("6"), Ok(Credibility::CannotJudge));
    }

    /// Every label and every refusal of every vocabulary has an English text.
    #[test]
    fn every_label_is_translated() {
        let en = crate::i18n::Lang::default();
        let mut ids: Vec<&str> = Vec::new();
        ids.extend(Category::ALL.iter().map(|v| v.label_id()));
        ids.extend(Category::ALL.iter().map(|v| v.pillar_id()));
        ids.extend(AttackType::ALL.iter().map(|v| v.label_id()));
        ids.extend(Resource::ALL.iter().map(|v| v.label_id()));
        ids.extend(PerpetratorType::ALL.iter().map(|v| v.label_id()));
        ids.extend(SourceType::ALL.iter().map(|v| v.label_id()));
        ids.extend(ClaimStance::ALL.iter().map(|v| v.label_id()));
        ids.extend(Reliability::ALL.iter().map(|v| v.label_id()));
        ids.extend(Credibility::ALL.iter().map(|v| v.label_id()));
        ids.extend(Verification::ALL.iter().map(|v| v.label_id()));
        ids.extend(Sensitivity::ALL.iter().map(|v| v.label_id()));
        ids.extend(RecordStatus::ALL.iter().map(|v| v.label_id()));
        ids.extend(TimePrecision::ALL.iter().map(|v| v.label_id()));
        ids.extend(LocationPrecision::ALL.iter().map(|v| v.label_id()));
        ids.extend(ConvoyStatus::ALL.iter().map(|v| v.label_id()));
        ids.extend(Sector::ALL.iter().map(|v| v.label_id()));
        ids.extend(FacilityType::ALL.iter().map(|v| v.label_id()));
        ids.extend(NeedItem::ALL.iter().map(|v| v.label_id()));
        ids.extend(Urgency::ALL.iter().map(|v| v.label_id()));
        ids.extend(NeedStatus::ALL.iter().map(|v| v.label_id()));
        ids.extend(PlaceKind::ALL.iter().map(|v| v.label_id()));
        ids.extend(NameLanguage::ALL.iter().map(|v| v.label_id()));
        ids.extend([
            Category::parse("?").unwrap_err(),
            AttackType::parse("?").unwrap_err(),
            Resource::parse("?").unwrap_err(),
            PerpetratorType::parse("?").unwrap_err(),
            SourceType::parse("?").unwrap_err(),
            ClaimStance::parse("?").unwrap_err(),
            Reliability::parse("?").unwrap_err(),
            Credibility::parse("?").unwrap_err(),
            Verification::parse("?").unwrap_err(),
            Sensitivity::parse("?").unwrap_err(),
            RecordStatus::parse("?").unwrap_err(),
            TimePrecision::parse("?").unwrap_err(),
            LocationPrecision::parse("?").unwrap_err(),
            ConvoyStatus::parse("?").unwrap_err(),
            Sector::parse("?").unwrap_err(),
            FacilityType::parse("?").unwrap_err(),
            NeedItem::parse("?").unwrap_err(),
            Urgency::parse("?").unwrap_err(),
            NeedStatus::parse("?").unwrap_err(),
            PlaceKind::parse("?").unwrap_err(),
            NameLanguage::parse("?").unwrap_err(),
            "field-choose",
        ]);
        // Through `error`, as forms show them: shared messages name the field.
        let missing: Vec<&&str> = ids
            .iter()
            .filter(|id| en.error("category", id) == **id)
            .collect();
        assert!(missing.is_empty(), "untranslated: {missing:?}");
    }

    #[test]
    fn convoy_lifecycle_and_need_status() {
        assert!(ConvoyStatus::EnRoute
            .next()
            .contains(&ConvoyStatus::Blocked));
        assert!(ConvoyStatus::Delivered.next().is_empty());
        assert!(!ConvoyStatus::Planned
            .next()
            .contains(&ConvoyStatus::Delivered));
        assert_eq!(NeedStatus::from_deliveries(false, 100, 0), NeedStatus::Open);
        assert_eq!(
            NeedStatus::from_deliveries(false, 100, 40),
            NeedStatus::PartiallyMet
        );
        assert_eq!(
            NeedStatus::from_deliveries(false, 100, 120),
            NeedStatus::Met
        );
        assert_eq!(
            NeedStatus::from_deliveries(true, 100, 120),
            NeedStatus::Cancelled
        );
    }

    #[test]
    fn sets_keep_vocabulary_order_and_refuse_unknown() {
        let raw = vec!["patients".to_string(), "facility".to_string()];
        assert_eq!(
            parse_set(&raw, Resource::ALL, Resource::parse),
            Ok(vec![Resource::Facility, Resource::Patients])
        );
        let bad = vec!["spaceship".to_string()];
        assert_eq!(
            parse_set(&bad, Resource::ALL, Resource::parse),
            Err("resource-invalid")
        );
    }
}
