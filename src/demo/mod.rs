//! `corridor demo`: a realistic scenario to try Corridor with, built from the Eastern Ghouta
//! account (February–March 2018): organisations, users of every role, places with their other
//! spellings, and incidents with conflicting claims. `--synthetic N` adds N random incidents.

pub mod synthetic;

use chrono::NaiveDate;
use serde_json::json;

use crate::accounts::{organizations, passwords, users};
use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::convoys::fields::{ConvoyFields, EventFields, LineFields, LineOutcome};
use crate::db::DbConn;
use crate::domain::vocab::{
    AttackType, Category, ClaimStance, ConvoyStatus, Credibility, EventTag, FacilityType,
    FiguresQualifier, FiguresScope, LocationPrecision, NeedItem, PerpetratorType, PlaceKind,
    RecordStatus, Reliability, Resource, Sector, Sensitivity, SourceType, TimePrecision, Urgency,
    Verification,
};
use crate::domain::{ConvoyId, NeedId};
use crate::domain::{NewPassword, OrgType, Role, Username};
use crate::error::AppError;
use crate::incidents::fields::{ClaimFields, IncidentFields, PlaceInput};
use crate::locations::{self, PlaceFields};
use crate::needs::fields::NeedFields;
use crate::permissions::Viewer;
use crate::records::store::convoys as convoys_store;
use crate::records::store::needs as needs_store;
use crate::records::store::{incidents as store, Author};
use crate::records::Scope;

/// An account the demo created, with the password it was given (printed once).
pub struct DemoAccount {
    pub username: String,
    pub role: Role,
    pub organization: String,
    pub password: String,
}

pub struct DemoSummary {
    pub accounts: Vec<DemoAccount>,
    pub incidents: usize,
    pub places: usize,
}

const ORGS: [(&str, &str, OrgType); 5] = [
    ("World Health Organization", "WHO", OrgType::UnAgency),
    (
        "Office for the Coordination of Humanitarian Affairs",
        "OCHA",
        OrgType::UnAgency,
    ),
    ("Syrian Arab Red Crescent", "SARC", OrgType::RedCross),
    ("Médecins Sans Frontières", "MSF", OrgType::InternationalNgo),
    ("Ghouta Medical Relief", "GMR", OrgType::NationalNgo),
];

/// (username, role, organisation acronym)
const USERS: [(&str, Role, &str); 6] = [
    ("demo.admin", Role::Admin, "OCHA"),
    ("layla.coordinator", Role::Coordinator, "OCHA"),
    ("omar.reporter", Role::Reporter, "WHO"),
    ("nour.reporter", Role::Reporter, "GMR"),
    ("sami.reporter", Role::Reporter, "SARC"),
    ("hana.auditor", Role::Auditor, "OCHA"),
];

/// (name, other spellings, admin1, admin2, latitude, longitude)
pub const PLACES: [(&str, &str, &str, &str, f64, f64); 12] = [
    (
        "Douma",
        "Duma\nدوما",
        "Rural Damascus",
        "Duma",
        33.5711,
        36.4028,
    ),
    (
        "Harasta",
        "Harasta al-Basal\nحرستا",
        "Rural Damascus",
        "Duma",
        33.5586,
        36.3650,
    ),
    (
        "Mudeira",
        "Mudayra\nAl-Mudayrah\nالمديرة",
        "Rural Damascus",
        "Duma",
        33.5490,
        36.4180,
    ),
    (
        "Misraba",
        "Mesraba\nمسرابا",
        "Rural Damascus",
        "Duma",
        33.5430,
        36.3960,
    ),
    (
        "Kafr Batna",
        "Kafar Batna\nكفر بطنا",
        "Rural Damascus",
        "Markaz Rif Dimashq",
        33.5150,
        36.3800,
    ),
    (
        "Saqba",
        "Saqaba\nسقبا",
        "Rural Damascus",
        "Markaz Rif Dimashq",
        33.5260,
        36.3870,
    ),
    (
        "Hamouriyeh",
        "Hammouriyeh\nHamouria\nحمورية",
        "Rural Damascus",
        "Markaz Rif Dimashq",
        33.5240,
        36.3990,
    ),
    (
        "Ein Terma",
        "Ayn Tarma\nعين ترما",
        "Rural Damascus",
        "Markaz Rif Dimashq",
        33.5070,
        36.3460,
    ),
    (
        "Zamalka",
        "Zamalka\nزملكا",
        "Rural Damascus",
        "Markaz Rif Dimashq",
        33.5210,
        36.3600,
    ),
    (
        "Arbin",
        "Irbin\nعربين",
        "Rural Damascus",
        "Markaz Rif Dimashq",
        33.5360,
        36.3690,
    ),
    (
        "Al-Wafideen checkpoint",
        "Wafideen camp crossing\nمخيم الوافدين",
        "Rural Damascus",
        "Duma",
        33.5840,
        36.3900,
    ),
    (
        "Damascus",
        "Dimashq\nDamas\nدمشق",
        "Damascus",
        "Damascus",
        33.5138,
        36.2765,
    ),
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid demo date")
}

/// A claim of the scenario: source, name, grades, date, statement.
type ClaimSpec = (
    SourceType,
    &'static str,
    Reliability,
    Credibility,
    (i32, u32, u32),
    &'static str,
);

struct Story {
    by: usize,
    title: &'static str,
    narrative: &'static str,
    category: Category,
    attacks: &'static [AttackType],
    resources: &'static [Resource],
    occurred: NaiveDate,
    precision: TimePrecision,
    reported: NaiveDate,
    place: &'static str,
    perpetrator: PerpetratorType,
    actor: &'static str,
    counts: [Option<i64>; 11],
    /// Figures reported for an area over a period ("over 1,100 killed in a few weeks"): the
    /// area and period in words; they are at least the numbers given.
    area: Option<&'static str>,
    tags: &'static [EventTag],
    sensitivity: Sensitivity,
    claims: &'static [ClaimSpec],
    verification: Option<(Verification, &'static str)>,
}

const NO: Option<i64> = None;

fn stories() -> Vec<Story> {
    use AttackType as A;
    use Credibility as Cr;
    use Reliability as R;
    use SourceType as S;
    vec![
        Story {
            by: 2,
            title: "WHO convoy with medical supplies and food held outside Douma",
            narrative: "An inter-agency convoy led by WHO, carrying trauma kits, surgical supplies and food packages, \
                        was stopped at Al-Wafideen checkpoint and not permitted to enter Douma. Medical items were \
                        removed from the trucks before the convoy was turned back. Hospitals in Douma report running \
                        out of anaesthetics and blood bags.",
            category: Category::MovementRestriction,
            attacks: &[A::Obstruction, A::RemovalOfAssets],
            resources: &[Resource::Supplies, Resource::Transport],
            occurred: d(2018, 2, 26),
            precision: TimePrecision::Day,
            reported: d(2018, 2, 26),
            place: "Al-Wafideen checkpoint",
            perpetrator: PerpetratorType::StateForces,
            actor: "Checkpoint personnel",
            counts: [NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, Some(70_000)],
            area: None,
            tags: &[EventTag::Siege],
            sensitivity: Sensitivity::Restricted,
            claims: &[
                (S::OwnStaff, "WHO convoy leader", R::A, Cr::Confirmed, (2018, 2, 26),
                 "Convoy of 9 trucks held for 9 hours at the checkpoint; trauma kits and surgical supplies removed; convoy turned back."),
                (S::Authorities, "Governorate security committee", R::C, Cr::Doubtful, (2018, 2, 27),
                 "The route was closed because of ongoing military operations; the convoy may proceed when it is safe."),
            ],
            verification: Some((Verification::Confirmed, "Convoy staff and two partner agencies give the same account.")),
        },
        Story {
            by: 3,
            title: "Offensive splits the enclave, cutting off Douma and Harasta",
            narrative: "Ground advances split the enclave into three parts, cutting Douma and Harasta off from the \
                        southern towns. Monitors report over 1,100 people killed in a few weeks of bombardment.",
            category: Category::Hostilities,
            attacks: &[],
            resources: &[],
            occurred: d(2018, 3, 10),
            precision: TimePrecision::Week,
            reported: d(2018, 3, 12),
            place: "Mudeira",
            perpetrator: PerpetratorType::StateForces,
            actor: "",
            counts: [Some(1_100), Some(4_000), NO, NO, NO, NO, NO, NO, NO, NO, Some(393_000)],
            area: Some("Eastern Ghouta, 18 February to mid-March 2018"),
            tags: &[EventTag::Siege],
            sensitivity: Sensitivity::Public,
            claims: &[
                (S::Monitor, "", R::B, Cr::Probable, (2018, 3, 12),
                 "Over 1,100 civilians killed since 18 February; thousands injured (figures as reported)."),
            ],
            verification: Some((Verification::Corroborated, "Two monitoring networks report figures of the same order.")),
        },
        Story {
            by: 3,
            title: "Choking symptoms after bombardment in Douma; chlorine suspected",
            narrative: "Doctors at two medical points in Douma treated patients with breathing difficulties, \
                        coughing and eye irritation after a night of bombardment, symptoms they describe as \
                        consistent with exposure to chlorine. The government denies using chemical weapons and \
                        says armed groups are preparing a staged attack.",
            category: Category::ViolenceAgainstAid,
            attacks: &[A::ChemicalAgent, A::HeavyWeapons],
            resources: &[Resource::Patients, Resource::Facility],
            occurred: d(2018, 2, 25),
            precision: TimePrecision::Day,
            reported: d(2018, 2, 26),
            place: "Douma",
            perpetrator: PerpetratorType::Unknown,
            actor: "",
            counts: [Some(1), Some(18), NO, NO, NO, NO, NO, NO, NO, NO, NO],
            area: None,
            tags: &[EventTag::ChemicalWeaponsAllegation],
            sensitivity: Sensitivity::Confidential,
            claims: &[
                (S::Partner, "Dr. A., Douma medical point 1", R::B, Cr::Possible, (2018, 2, 26),
                 "18 patients with choking, coughing and red eyes after a barrel bomb; smell of chlorine reported; one child died."),
                (S::Authorities, "Ministry of Foreign Affairs", R::F, Cr::CannotJudge, (2018, 2, 27),
                 "The government has never used chemical weapons; terrorists are preparing to stage an attack to blame the army."),
            ],
            verification: Some((Verification::Disputed, "Medical reports and the government's denial conflict; no sampling possible.")),
        },
        Story {
            by: 3,
            title: "Incendiary weapons reported on residential areas of Arbin and Zamalka",
            narrative: "Residents and monitors report incendiary munitions falling on residential buildings, \
                        setting several on fire.",
            category: Category::Hostilities,
            attacks: &[],
            resources: &[],
            occurred: d(2018, 3, 16),
            precision: TimePrecision::Day,
            reported: d(2018, 3, 17),
            place: "Arbin",
            perpetrator: PerpetratorType::Unknown,
            actor: "",
            counts: [Some(12), Some(40), NO, NO, NO, NO, NO, NO, NO, NO, NO],
            area: None,
            tags: &[EventTag::IncendiaryWeaponsAllegation],
            sensitivity: Sensitivity::Restricted,
            claims: &[
                (S::Community, "", R::C, Cr::Possible, (2018, 3, 16),
                 "Dozens of fires after white glowing munitions fell at night (reported as 'dozens': 12 recorded)."),
            ],
            verification: None,
        },
        Story {
            by: 1,
            title: "Leaflets tell civilians to leave through designated corridor",
            narrative: "Leaflets dropped over Douma told civilians to leave through a designated corridor. \
                        Humanitarian agencies were not consulted on the corridor's safety.",
            category: Category::RestrictedServices,
            attacks: &[],
            resources: &[],
            occurred: d(2018, 3, 1),
            precision: TimePrecision::Day,
            reported: d(2018, 3, 2),
            place: "Douma",
            perpetrator: PerpetratorType::StateForces,
            actor: "",
            counts: [NO; 11],
            area: None,
            tags: &[EventTag::DisplacementOrder],
            sensitivity: Sensitivity::Public,
            claims: &[
                (S::Media, "", R::B, Cr::Probable, (2018, 3, 1), "Leaflets and text messages urged residents to leave via the Wafideen crossing."),
            ],
            verification: None,
        },
        Story {
            by: 3,
            title: "Armed group refuses negotiated safe passage for civilians",
            narrative: "Armed groups controlling Douma refused a negotiated arrangement for the evacuation of the \
                        sick and wounded, according to negotiators.",
            category: Category::RestrictedServices,
            attacks: &[],
            resources: &[],
            occurred: d(2018, 3, 5),
            precision: TimePrecision::Week,
            reported: d(2018, 3, 7),
            place: "Douma",
            perpetrator: PerpetratorType::NonStateArmedGroup,
            actor: "",
            counts: [NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, Some(1_000)],
            area: None,
            tags: &[EventTag::SafePassageRefused],
            sensitivity: Sensitivity::Restricted,
            claims: &[
                (S::Partner, "Negotiation team", R::B, Cr::Possible, (2018, 3, 7), "The group refused the list of evacuees and the route proposed."),
                (S::ArmedGroup, "Group spokesperson", R::E, Cr::Doubtful, (2018, 3, 8), "No civilians were prevented from leaving; the corridor was under fire."),
            ],
            verification: None,
        },
        Story {
            by: 4,
            title: "SARC volunteer injured while evacuating patients from Harasta",
            narrative: "A Syrian Arab Red Crescent volunteer was injured by shelling while helping evacuate patients \
                        from a medical point in Harasta.",
            category: Category::ViolenceAgainstAid,
            attacks: &[A::HeavyWeapons],
            resources: &[Resource::Personnel, Resource::Transport],
            occurred: d(2018, 3, 22),
            precision: TimePrecision::Day,
            reported: d(2018, 3, 22),
            place: "Harasta",
            perpetrator: PerpetratorType::Unknown,
            actor: "",
            counts: [NO, NO, NO, NO, Some(1), NO, NO, NO, NO, NO, NO],
            area: None,
            tags: &[EventTag::Evacuation],
            sensitivity: Sensitivity::Confidential,
            claims: &[
                (S::OwnStaff, "SARC branch", R::A, Cr::Confirmed, (2018, 3, 22), "One volunteer injured by shrapnel; ambulance damaged."),
            ],
            verification: None,
        },
        Story {
            by: 2,
            title: "Hospital in Harasta out of service after strikes",
            narrative: "The main hospital serving Harasta stopped working after strikes damaged its generator and \
                        operating theatre; patients were moved to basements.",
            category: Category::ViolenceAgainstAid,
            attacks: &[A::HeavyWeapons],
            resources: &[Resource::Facility, Resource::Patients],
            occurred: d(2018, 2, 21),
            precision: TimePrecision::Day,
            reported: d(2018, 2, 22),
            place: "Harasta",
            perpetrator: PerpetratorType::Unknown,
            actor: "",
            counts: [Some(3), Some(9), NO, NO, NO, NO, NO, NO, NO, NO, Some(20_000)],
            area: None,
            tags: &[],
            sensitivity: Sensitivity::Public,
            claims: &[
                (S::Partner, "Hospital director", R::B, Cr::Probable, (2018, 2, 22), "Generator and operating theatre destroyed; three patients killed."),
            ],
            verification: None,
        },
    ]
}

/// Loads the scenario. Refuses (with a message) when the demo's accounts already exist.
pub fn load(conn: &mut DbConn) -> Result<Result<DemoSummary, String>, AppError> {
    if users::find_by_username(conn, USERS[0].0)?.is_some() {
        return Ok(Err(
            "the demo is already loaded (account demo.admin exists)".into(),
        ));
    }
    let actor = Actor::system("demo");
    let mut accounts = Vec::new();
    // Hash outside the transaction: Argon2 is deliberately slow.
    let prepared: Vec<(DemoAccount, String)> = USERS
        .iter()
        .map(|(name, role, org)| {
            let (password, parsed) = demo_password()?;
            Ok((
                DemoAccount {
                    username: name.to_string(),
                    role: *role,
                    organization: org.to_string(),
                    password,
                },
                passwords::hash(&parsed),
            ))
        })
        .collect::<Result<_, AppError>>()?;
    let mut incidents = 0;
    audit::write(conn, |conn| {
        let mut org_ids = Vec::new();
        for (name, acronym, kind) in ORGS {
            let fields = organizations::OrgFields {
                name: name.into(),
                acronym: acronym.into(),
                org_type: kind,
            };
            let id = match organizations::find_by_name(conn, name)? {
                Some(o) => o.id,
                None => {
                    organizations::create(conn, &actor, &fields)?
                        .map_err(|_| AppError::BadRequest("org-name-taken"))?
                        .id
                }
            };
            org_ids.push((acronym, id));
        }
        let mut user_ids = Vec::new();
        for (account, hash) in prepared {
            let org_id = org_ids
                .iter()
                .find(|(a, _)| *a == account.organization)
                .map(|(_, id)| *id)
                .unwrap_or(org_ids[0].1);
            let new = users::NewAccount {
                username: Username::parse(&account.username).expect("demo usernames are valid"),
                display_name: String::new(),
                organization_id: org_id,
                role: account.role,
                password_hash: hash,
                must_change_password: false,
            };
            let user =
                users::create(conn, &actor, &new)?.ok_or(AppError::BadRequest("username-taken"))?;
            user_ids.push((user.id, org_id, user.username.clone(), account.role));
            accounts.push(account);
        }
        for (name, alt, admin1, admin2, lat, lon) in PLACES {
            if matches!(
                locations::resolve(conn, Scope::everything().viewer(), name)?,
                locations::Resolution::NotFound
            ) {
                let place = PlaceFields {
                    name: name.into(),
                    alt_names: alt.into(),
                    country_code: "SYR".into(),
                    admin1: admin1.into(),
                    admin2: admin2.into(),
                    latitude: Some(lat),
                    longitude: Some(lon),
                    kind: Some(if name.contains("checkpoint") {
                        PlaceKind::Checkpoint
                    } else {
                        PlaceKind::Town
                    }),
                    ..Default::default()
                };
                locations::create(conn, &actor, &place, None)?;
            }
        }
        let coordinator = &user_ids[1];
        let mut first_incident: Option<crate::incidents::Incident> = None;
        for story in stories() {
            let (user_id, org_id, username, role) = &user_ids[story.by];
            let author = Author {
                actor: Actor {
                    user_id: Some(*user_id),
                    label: username.clone(),
                    org_id: Some(*org_id),
                    client_addr: String::new(),
                },
                user_id: *user_id,
                viewer: Viewer {
                    role: *role,
                    organization_id: *org_id,
                },
            };
            let fields = IncidentFields {
                title: story.title.into(),
                narrative: story
                    .narrative
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                category: story.category,
                attack_types: story.attacks.to_vec(),
                resources: story.resources.to_vec(),
                occurred_on: story.occurred,
                time_precision: story.precision,
                occurred_time: String::new(),
                reported_on: story.reported,
                place: PlaceInput::Typed(story.place.into()),
                location_precision: LocationPrecision::Exact,
                perpetrator_type: story.perpetrator,
                perpetrator_name: story.actor.into(),
                counts: story.counts,
                figures_qualifier: if story.area.is_some() {
                    FiguresQualifier::AtLeast
                } else {
                    FiguresQualifier::Exact
                },
                figures_scope: if story.area.is_some() {
                    FiguresScope::AreaPeriod
                } else {
                    FiguresScope::Incident
                },
                figures_area_period: story.area.unwrap_or_default().into(),
                event_tags: story.tags.to_vec(),
                sensitivity: story.sensitivity,
                sensitivity_reason: String::new(),
                status: RecordStatus::Submitted,
            };
            let claim = |c: &(
                SourceType,
                &str,
                Reliability,
                Credibility,
                (i32, u32, u32),
                &str,
            )| ClaimFields {
                source_type: c.0,
                source_name: c.1.into(),
                reliability: c.2,
                credibility: c.3,
                claimed_on: d(c.4 .0, c.4 .1, c.4 .2),
                statement: c.5.into(),
                stance: demo_stance(c.0, c.5),
            };
            let incident = store::create(
                conn,
                &author,
                &fields,
                &claim(&story.claims[0]),
                story.reported,
            )?
            .map_err(|_| {
                AppError::Internal(anyhow::anyhow!("demo place {} not found", story.place))
            })?;
            for c in &story.claims[1..] {
                store::add_claim(conn, &author, incident.key(), &claim(c))?;
            }
            if let Some((v, reason)) = story.verification {
                let coord = Author {
                    actor: Actor {
                        user_id: Some(coordinator.0),
                        label: coordinator.2.clone(),
                        org_id: Some(coordinator.1),
                        client_addr: String::new(),
                    },
                    user_id: coordinator.0,
                    viewer: Viewer {
                        role: Role::Coordinator,
                        organization_id: coordinator.1,
                    },
                };
                store::set_verification(conn, &coord, incident.key(), v, reason)?;
            }
            first_incident.get_or_insert(incident);
            incidents += 1;
        }
        let author_of = |i: usize| {
            let (user_id, org_id, username, role) = &user_ids[i];
            Author {
                actor: Actor {
                    user_id: Some(*user_id),
                    label: username.clone(),
                    org_id: Some(*org_id),
                    client_addr: String::new(),
                },
                user_id: *user_id,
                viewer: Viewer {
                    role: *role,
                    organization_id: *org_id,
                },
            }
        };
        convoys_and_needs(
            conn,
            &author_of(2),
            &author_of(4),
            &author_of(3),
            first_incident.as_ref(),
        )?;
        audit::record(
            conn,
            &actor,
            Event::new("demo.load", "demo", "").details(json!({ "incidents": incidents })),
        )?;
        Ok(())
    })?;
    Ok(Ok(DemoSummary {
        accounts,
        incidents,
        places: PLACES.len(),
    }))
}

fn line(item: &str, sector: Sector, quantity: i64, unit: &str, weight_kg: f64) -> LineFields {
    LineFields {
        item: item.into(),
        sector,
        quantity,
        unit: unit.into(),
        weight_kg: Some(weight_kg),
    }
}

#[allow(clippy::too_many_arguments)] // one line of the scenario's table of needs
fn need(
    facility: &str,
    kind: FacilityType,
    place: &str,
    item: NeedItem,
    detail: &str,
    quantity: i64,
    unit: &str,
    urgency: Urgency,
    by: NaiveDate,
) -> NeedFields {
    NeedFields {
        facility_name: facility.into(),
        facility_type: kind,
        location: place.into(),
        item,
        item_detail: detail.into(),
        quantity_needed: quantity,
        unit: unit.into(),
        urgency,
        needed_by: Some(by),
        assessed_on: None,
        sensitivity: Sensitivity::Restricted,
        sensitivity_reason: String::new(),
        notes: String::new(),
        cancelled: false,
    }
}

fn event(
    status: ConvoyStatus,
    on: NaiveDate,
    place: &str,
    note: &str,
    outcomes: Vec<LineOutcome>,
) -> EventFields {
    EventFields {
        status,
        occurred_on: on,
        occurred_time: String::new(),
        place: (!place.is_empty()).then(|| place.into()),
        note: note.into(),
        outcomes,
    }
}

/// The blocked WHO convoy of the scenario, a SARC convoy that got part of its cargo through,
/// and the medical needs of facilities in Douma and Harasta.
fn convoys_and_needs(
    conn: &mut Tx<'_>,
    who: &Author,
    sarc: &Author,
    gmr: &Author,
    blocked_incident: Option<&crate::incidents::Incident>,
) -> Result<(), AppError> {
    let failed =
        |what: &str| AppError::Internal(anyhow::anyhow!("demo {what} could not be created"));
    let needs = [
        need(
            "Douma surgical hospital",
            FacilityType::Hospital,
            "Douma",
            NeedItem::TraumaKits,
            "",
            60,
            "kits",
            Urgency::Critical,
            d(2018, 2, 27),
        ),
        need(
            "Douma surgical hospital",
            FacilityType::Hospital,
            "Douma",
            NeedItem::Anaesthetics,
            "ketamine",
            400,
            "vials",
            Urgency::Critical,
            d(2018, 3, 1),
        ),
        need(
            "Douma medical point 1",
            FacilityType::MedicalPoint,
            "Douma",
            NeedItem::Insulin,
            "",
            800,
            "vials",
            Urgency::High,
            d(2018, 3, 10),
        ),
        need(
            "Harasta hospital",
            FacilityType::Hospital,
            "Harasta",
            NeedItem::GeneratorFuel,
            "diesel",
            5_000,
            "litres",
            Urgency::Critical,
            d(2018, 2, 24),
        ),
        need(
            "Harasta hospital",
            FacilityType::Hospital,
            "Harasta",
            NeedItem::BloodProducts,
            "O negative",
            120,
            "units",
            Urgency::High,
            d(2018, 3, 5),
        ),
        need(
            "Kafr Batna health centre",
            FacilityType::HealthCentre,
            "Kafr Batna",
            NeedItem::Medicines,
            "antibiotics",
            2_000,
            "boxes",
            Urgency::Medium,
            d(2018, 3, 20),
        ),
    ];
    let mut need_ids = Vec::new();
    for n in &needs {
        need_ids
            .push(needs_store::create(conn, gmr, n, d(2018, 2, 20))?.map_err(|_| failed("need"))?);
    }
    // The WHO convoy: notified, approved, held at the checkpoint, medical items removed, turned back.
    let convoy = ConvoyFields {
        origin: "Damascus".into(),
        destination: "Douma".into(),
        planned_departure: d(2018, 2, 26),
        route: "Damascus – Al-Wafideen checkpoint – Douma".into(),
        trucks: 9,
        beneficiaries: Some(70_000),
        notification_ref: "HN-2018-0214".into(),
        sensitivity: Sensitivity::Restricted,
        sensitivity_reason: String::new(),
        notes: "Inter-agency convoy led by WHO.".into(),
        participants: Vec::new(),
        lines: vec![
            line("Trauma kits", Sector::Health, 40, "kits", 800.0),
            line("Surgical supplies", Sector::Health, 120, "boxes", 1_500.0),
            line("Insulin", Sector::Health, 800, "vials", 60.0),
            line("Food parcels", Sector::Food, 5_000, "parcels", 75_000.0),
        ],
    };
    let id =
        convoys_store::create(conn, who, &convoy, d(2018, 2, 20))?.map_err(|_| failed("convoy"))?;
    let id = ConvoyId::new(id);
    let lines = crate::records::convoys::find(conn, &Scope::everything(), id)?
        .lines
        .clone();
    let removal = |i: usize, n: i64, note: &str| LineOutcome {
        line_id: lines[i].id,
        delivered: None,
        removed: Some(n),
        removal_note: note.into(),
    };
    for e in [
        event(ConvoyStatus::Notified, d(2018, 2, 21), "", "Notification sent to the authorities.", vec![]),
        event(ConvoyStatus::Approved, d(2018, 2, 24), "", "Facilitation letter received.", vec![]),
        event(ConvoyStatus::EnRoute, d(2018, 2, 26), "Damascus", "", vec![]),
        event(
            ConvoyStatus::Blocked,
            d(2018, 2, 26),
            "Al-Wafideen checkpoint",
            "Held at the checkpoint for 9 hours; trauma kits, surgical supplies and insulin removed from the trucks.",
            vec![removal(0, 40, "security officers at the checkpoint"), removal(1, 120, "security officers at the checkpoint"), removal(2, 800, "security officers at the checkpoint")],
        ),
        event(ConvoyStatus::TurnedBack, d(2018, 2, 26), "Al-Wafideen checkpoint", "Convoy told to return to Damascus.", vec![]),
    ] {
        convoys_store::add_event(conn, who, id, &e)?.map_err(|_| failed("convoy event"))?;
    }
    if let Some(incident) = blocked_incident {
        let blocked = crate::records::convoys::find(conn, &Scope::everything(), id)?
            .events
            .iter()
            .find(|(e, _)| e.status() == ConvoyStatus::Blocked)
            .map(|(e, _)| e.id);
        convoys_store::link_incident(conn, &who.actor, id, incident, blocked)?;
    }
    // A SARC convoy that got part of its cargo through to Douma.
    let sarc_convoy = ConvoyFields {
        origin: "Damascus".into(),
        destination: "Douma".into(),
        planned_departure: d(2018, 3, 5),
        route: "Damascus – Al-Wafideen checkpoint – Douma".into(),
        trucks: 4,
        beneficiaries: Some(27_500),
        notification_ref: "HN-2018-0301".into(),
        sensitivity: Sensitivity::Restricted,
        sensitivity_reason: String::new(),
        notes: String::new(),
        participants: Vec::new(),
        lines: vec![
            line("Trauma kits", Sector::Health, 30, "kits", 600.0),
            line("Food parcels", Sector::Food, 2_000, "parcels", 30_000.0),
        ],
    };
    let id = convoys_store::create(conn, sarc, &sarc_convoy, d(2018, 3, 1))?
        .map_err(|_| failed("convoy"))?;
    let id = ConvoyId::new(id);
    let lines = crate::records::convoys::find(conn, &Scope::everything(), id)?
        .lines
        .clone();
    for e in [
        event(ConvoyStatus::Notified, d(2018, 3, 2), "", "", vec![]),
        event(ConvoyStatus::Approved, d(2018, 3, 4), "", "", vec![]),
        event(ConvoyStatus::EnRoute, d(2018, 3, 5), "Damascus", "", vec![]),
        event(
            ConvoyStatus::PartiallyDelivered,
            d(2018, 3, 5),
            "Douma",
            "Unloading cut short by shelling; 6 trauma kits removed at the checkpoint.",
            vec![
                LineOutcome {
                    line_id: lines[0].id,
                    delivered: Some(24),
                    removed: Some(6),
                    removal_note: "checkpoint".into(),
                },
                LineOutcome {
                    line_id: lines[1].id,
                    delivered: Some(1_400),
                    removed: None,
                    removal_note: String::new(),
                },
            ],
        ),
    ] {
        convoys_store::add_event(conn, sarc, id, &e)?.map_err(|_| failed("convoy event"))?;
    }
    needs_store::add_delivery(conn, sarc, id, lines[0].id, NeedId::new(need_ids[0]), 24)?
        .map_err(|_| failed("delivery"))?;
    Ok(())
}

/// Where a claim of the scenario stands: the government's answer to the chlorine reports
/// denies them and accuses the rebels of staging an attack (a counter-claim); other
/// statements by the authorities explain the obstruction (context); the rest report it.
fn demo_stance(source: SourceType, statement: &str) -> ClaimStance {
    match source {
        _ if statement.contains("stage an attack") => ClaimStance::CounterClaim,
        SourceType::Authorities => ClaimStance::Context,
        _ => ClaimStance::Supports,
    }
}

/// A random pass-phrase of four words and a number, easy to type from a printout, that the
/// strength check accepts: a phrase it refuses (four common words can score low) is drawn
/// again, and after many refusals the demo stops with an error rather than a weak password.
fn demo_password() -> Result<(String, NewPassword), AppError> {
    for _ in 0..100 {
        let phrase = pass_phrase();
        if let Ok(parsed) = NewPassword::parse(&phrase, &phrase, &[]) {
            return Ok((phrase, parsed));
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "no generated pass-phrase passed the strength check"
    )))
}

fn pass_phrase() -> String {
    const WORDS: [&str; 24] = [
        "cedar", "river", "lantern", "orchard", "harbor", "meadow", "copper", "falcon", "quartz",
        "willow", "ember", "summit", "canyon", "thistle", "marble", "signal", "pepper", "violet",
        "anchor", "juniper", "glacier", "saffron", "compass", "tundra",
    ];
    use rand::seq::SliceRandom;
    use rand::Rng;
    let mut rng = rand::thread_rng();
    // Four different words: a repeated one is a pattern the strength check sees through.
    let words: Vec<&str> = WORDS.choose_multiple(&mut rng, 4).copied().collect();
    format!("{}-{}", words.join("-"), rng.gen_range(10..100))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `corridor demo` prints the passwords it makes: every one it can draw passes its own
    /// strength check, the first time (the retry in `demo_password` is a safety net only).
    #[test]
    fn generated_passwords_pass_the_strength_check() {
        for _ in 0..300 {
            let phrase = pass_phrase();
            assert!(
                NewPassword::parse(&phrase, &phrase, &[]).is_ok(),
                "refused: {phrase}"
            );
        }
        assert!(demo_password().is_ok());
    }
}
