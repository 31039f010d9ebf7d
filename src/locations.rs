//! The gazetteer: places with admin areas (admin1 governorate, admin2 district, admin3
//! sub-district), optional OCHA p-code and coordinates, and alternate spellings (Douma / Duma /
//! دوما), which forms and search both understand. `names` keeps each name with its language.

pub mod areas;
pub mod boundaries;
pub mod edit;
pub mod in_memory;
pub mod names;
pub mod outline;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::Tx;
use crate::audit::{self, Actor, Event};
use crate::db::schema::locations;
use crate::db::{Backend, DbConn};
use crate::domain::vocab::PlaceKind;
use crate::domain::{text, values, FieldErrors};
use crate::error::AppError;
use crate::permissions::{self, RecordFacts, Viewer};
use crate::revisions::{self, NewRevision};

/// The conditions "the record's place lies in this governorate" and "in this district" on a
/// record's place column `place` (a constant of the code, such as `incidents.location_id`),
/// for the areas given: a sub-select on the places' indexed area columns.
pub fn in_areas<T>(
    place: &'static str,
    admin1: Option<&str>,
    admin2: Option<&str>,
) -> Vec<crate::db::BoxedCondition<T>> {
    [("admin1", admin1), ("admin2", admin2)]
        .into_iter()
        .filter_map(|(column, value)| {
            let condition = diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "{place} IN (SELECT id FROM locations WHERE {column} = "
            ))
            .bind::<diesel::sql_types::Text, _>(value?.to_string())
            .sql(")");
            Some(Box::new(condition) as crate::db::BoxedCondition<T>)
        })
        .collect()
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = locations)]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub alt_names: String,
    pub country_code: String,
    pub admin1: String,
    pub admin2: String,
    pub admin3: String,
    pub pcode: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::Moment)]
    pub updated_at: NaiveDateTime,
    /// Seen only by this organisation (and coordinators, auditors) until a record others may
    /// see uses the place; `None`: shared.
    pub restricted_to_org: Option<i64>,
    /// `PlaceKind` code; '' when not said.
    pub kind: String,
    /// The preferred Arabic and French names; '' when the place has none.
    pub name_ar: String,
    pub name_fr: String,
    /// The place kept when this one was merged into it as a duplicate.
    pub merged_into: Option<i64>,
    pub version: i32,
}

/// "Douma, Duma district, Rif Dimashq": the name people pick in forms.
fn label(name: &str, admin2: &str, admin1: &str) -> String {
    let mut parts = vec![name];
    for a in [admin2, admin1] {
        if !a.is_empty() && a != name {
            parts.push(a);
        }
    }
    parts.join(", ")
}

/// Just enough of a place to offer it in a menu (long menus load hundreds).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = locations)]
pub struct PlaceName {
    pub id: i64,
    pub name: String,
    pub admin1: String,
    pub admin2: String,
}

impl PlaceName {
    pub fn label(&self) -> String {
        label(&self.name, &self.admin2, &self.admin1)
    }
}

/// A place as lists show it: its names and areas, and where it lies (for the likely
/// duplicates of a home page's queue); not its other spellings, codes, history and scope,
/// which were two thirds of reading a list's places.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = locations)]
pub struct Listed {
    pub id: i64,
    pub name: String,
    pub admin1: String,
    pub admin2: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub name_ar: String,
    pub name_fr: String,
}

/// The names a page shows, the same for a whole place and a list's.
macro_rules! shown_names {
    ($($place:ty),+) => {$(
        impl $place {
            /// "Douma, Duma district, Rif Dimashq": the name people pick in forms.
            pub fn label(&self) -> String {
                label(&self.name, &self.admin2, &self.admin1)
            }

            /// The label with the place's preferred name in the reader's language ("دوما, Duma,
            /// Rural Damascus"), for pages; forms keep `label`, which they resolve.
            pub fn label_in(&self, language: &str) -> String {
                label(self.name_in(language), &self.admin2, &self.admin1)
            }

            /// The place's preferred name in the reader's language (`ar`, `fr`; otherwise, or
            /// when it has none in that language, its main name).
            pub fn name_in(&self, language: &str) -> &str {
                let own = match language {
                    "ar" => &self.name_ar,
                    "fr" => &self.name_fr,
                    _ => &self.name,
                };
                if own.is_empty() {
                    &self.name
                } else {
                    own
                }
            }
        }
    )+};
}
shown_names!(Location, Listed);

impl Location {
    /// What lists read of this place.
    pub fn listed(&self) -> Listed {
        Listed {
            id: self.id,
            name: self.name.clone(),
            admin1: self.admin1.clone(),
            admin2: self.admin2.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            name_ar: self.name_ar.clone(),
            name_fr: self.name_fr.clone(),
        }
    }

    pub fn kind(&self) -> Option<PlaceKind> {
        PlaceKind::from_stored(&self.kind)
    }

    /// What a revision of the place records.
    pub fn snapshot(&self, names: &[names::Name]) -> serde_json::Value {
        json!({
            "names": names, "kind": self.kind, "country_code": self.country_code,
            "admin1": self.admin1, "admin2": self.admin2, "admin3": self.admin3,
            "pcode": self.pcode, "latitude": self.latitude, "longitude": self.longitude,
            "restricted_to_org": self.restricted_to_org, "merged_into": self.merged_into,
        })
    }

    pub fn alternate_names(&self) -> impl Iterator<Item = &str> {
        self.alt_names
            .lines()
            .map(str::trim)
            .filter(|n| !n.is_empty())
    }

    /// Every name of the place and its areas, for the full-text index.
    pub fn search_text(&self) -> String {
        let mut all: Vec<&str> = vec![&self.name];
        all.extend(self.alternate_names());
        all.extend([
            self.admin1.as_str(),
            self.admin2.as_str(),
            self.admin3.as_str(),
            self.pcode.as_str(),
        ]);
        all.retain(|s| !s.is_empty());
        all.join(" ")
    }

    /// Does `typed` name this place (its label, its name or one of its other spellings)?
    pub fn answers_to(&self, typed: &str) -> bool {
        let t = typed.trim().to_lowercase();
        self.label().to_lowercase() == t
            || self.name.to_lowercase() == t
            || self.alternate_names().any(|n| n.to_lowercase() == t)
    }
}

/// A new place, checked.
#[derive(Debug, Clone, Default)]
pub struct PlaceFields {
    pub name: String,
    pub alt_names: String,
    pub country_code: String,
    pub admin1: String,
    pub admin2: String,
    pub admin3: String,
    pub pcode: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub kind: Option<PlaceKind>,
    /// Names with their languages; when empty, `name` (English) and `alt_names` (Arabic
    /// script as Arabic, the rest of unknown language) make them.
    pub names: Vec<names::Name>,
    /// The form's prefix for the place's fields (`new_place`…), for messages about them.
    pub prefix: String,
    /// The person confirmed coordinates that lie outside the governorate named.
    pub coordinates_checked: bool,
}

impl PlaceFields {
    /// The names the place gets.
    pub fn all_names(&self) -> Vec<names::Name> {
        if self.names.is_empty() {
            names::from_typed(&self.name, &self.alt_names)
        } else {
            self.names.clone()
        }
    }

    /// Parses a new place typed on a form, noting each problem under its field
    /// (`{prefix}_name`, `{prefix}_lat`…).
    pub fn parse(errors: &mut FieldErrors, prefix: &str, typed: &NewPlace) -> Option<Self> {
        let field = |f: &str| format!("{prefix}_{f}");
        let name = errors.check(field("name"), text::required_line(&typed.name, 200));
        let admin1 = errors.check(field("admin1"), text::optional_line(&typed.admin1, 200));
        let admin2 = errors.check(field("admin2"), text::optional_line(&typed.admin2, 200));
        let pcode = errors.check(field("pcode"), text::optional_line(&typed.pcode, 30));
        let latitude = errors.check(field("lat"), values::optional_coordinate(&typed.lat, 90.0));
        let longitude = errors.check(field("lon"), values::optional_coordinate(&typed.lon, 180.0));
        let alt = errors.check(
            field("alt_names"),
            text::optional_block(&typed.alt_names, 2000),
        );
        if let (Some(Some(_)), Some(None)) | (Some(None), Some(Some(_))) = (latitude, longitude) {
            errors.add(field("lon"), "coordinates-both");
        }
        let kind = match typed.kind.trim() {
            "" => Some(None),
            k => errors.check(field("kind"), PlaceKind::parse(k).map(Some)),
        };
        Some(Self {
            name: name?,
            alt_names: alt?
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
            country_code: String::new(),
            admin1: admin1?,
            admin2: admin2?,
            admin3: String::new(),
            pcode: pcode?.to_uppercase(),
            latitude: latitude?,
            longitude: longitude?,
            kind: kind?,
            names: Vec::new(),
            prefix: prefix.to_string(),
            coordinates_checked: !typed.coordinates_checked.trim().is_empty(),
        })
    }
}

/// A new place as typed on a form (incident, convoy origin and destination, convoy event,
/// need): the same fields and checks wherever a place is asked.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewPlace {
    pub name: String,
    pub alt_names: String,
    pub admin1: String,
    pub admin2: String,
    pub pcode: String,
    pub lat: String,
    pub lon: String,
    /// A `PlaceKind` code ('' when not said).
    pub kind: String,
    /// Ticked: the coordinates are right though they lie outside the governorate named.
    pub coordinates_checked: String,
}

/// A place a form names by text (not as a new place), to be looked up even when the form's
/// other fields are wrong, so that every problem shows at once.
#[derive(Debug, Clone)]
pub struct TypedPlace {
    pub field: &'static str,
    /// The message for a name no place the person may see answers to.
    pub unknown: &'static str,
    pub text: String,
}

impl TypedPlace {
    /// The place typed in `field`, unless the form adds a new place there or nothing is typed.
    pub fn of(
        field: &'static str,
        unknown: &'static str,
        typed: &str,
        new: &NewPlace,
    ) -> Option<Self> {
        (!new.is_typed() && !typed.trim().is_empty()).then(|| TypedPlace {
            field,
            unknown,
            text: typed.trim().to_string(),
        })
    }
}

/// The new place a form holds in nine fields of its own (`new_origin_name`…), as typed.
#[macro_export]
macro_rules! typed_place {
    ($form:expr => $name:ident, $alt:ident, $admin1:ident, $admin2:ident, $pcode:ident, $lat:ident, $lon:ident, $kind:ident, $checked:ident) => {
        $crate::locations::NewPlace {
            name: $form.$name.clone(),
            alt_names: $form.$alt.clone(),
            admin1: $form.$admin1.clone(),
            admin2: $form.$admin2.clone(),
            pcode: $form.$pcode.clone(),
            lat: $form.$lat.clone(),
            lon: $form.$lon.clone(),
            kind: $form.$kind.clone(),
            coordinates_checked: $form.$checked.clone(),
        }
    };
}

impl NewPlace {
    pub fn is_typed(&self) -> bool {
        !self.name.trim().is_empty()
    }
}

/// Where a record happened or goes: a place typed (to be found in the gazetteer) or a new one.
#[derive(Debug, Clone)]
pub enum PlaceInput {
    Typed(String),
    New(Box<PlaceFields>),
}

/// A place named as typed (the demo and tools name places the gazetteer knows).
impl From<&str> for PlaceInput {
    fn from(typed: &str) -> Self {
        PlaceInput::Typed(typed.to_string())
    }
}

impl PlaceInput {
    /// The place of form field `field`: the new place typed under `prefix` when it has a
    /// name, else the place named in `field` (`None` inside when it may be left empty and
    /// was). `missing`: the message for a required place left empty.
    pub fn parse(
        errors: &mut FieldErrors,
        (field, typed): (&'static str, &str),
        (prefix, new): (&str, &NewPlace),
        missing: Option<&'static str>,
    ) -> Option<Option<Self>> {
        if new.is_typed() {
            return PlaceFields::parse(errors, prefix, new)
                .map(|p| Some(PlaceInput::New(Box::new(p))));
        }
        match text::optional_line(typed, 300) {
            Ok(t) if t.is_empty() => match missing {
                Some(message) => {
                    errors.add(field, message);
                    None
                }
                None => Some(None),
            },
            Ok(t) => Some(Some(PlaceInput::Typed(t))),
            Err(e) => {
                errors.add(field, e);
                None
            }
        }
    }
}

/// What a typed place name turned out to be.
pub enum Resolution {
    Found(Box<Location>),
    /// Several places answer to the name: the person must choose.
    Ambiguous(Vec<Location>),
    NotFound,
}

/// The places `ids` names, by id (a list's places, a report's), from what the server keeps of
/// the gazetteer (`in_memory`).
pub fn find_many(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Location>, AppError> {
    in_memory::locations(conn, ids)
}

/// [`find_many`] for lists: the places `ids` names as lists show them ([`Listed`]), from what
/// the server keeps of the gazetteer (`in_memory`).
pub fn find_listed(
    conn: &mut DbConn,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Listed>, AppError> {
    in_memory::places(conn, ids)
}

pub fn find(conn: &mut DbConn, id: i64) -> Result<Location, AppError> {
    Ok(locations::table
        .find(id)
        .select(Location::as_select())
        .get_result(conn)?)
}

/// The places `viewer` may see, by name (for the forms' lists of suggestions).
pub fn all(conn: &mut DbConn, viewer: Viewer) -> Result<Vec<Location>, AppError> {
    let mut q = locations::table
        .filter(locations::merged_into.is_null())
        .into_boxed::<Backend>();
    if let Some(visible) = permissions::place_visible_sql(viewer, "locations") {
        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&visible));
    }
    Ok(q.order((locations::name.asc(), locations::id.asc()))
        .limit(5_000)
        .select(Location::as_select())
        .load(conn)?)
}

/// Finds the place a person typed, by label, name or other spelling, among the places
/// `viewer` may see (a hidden place is not found, nor guessed by its other spellings).
pub fn resolve(conn: &mut DbConn, viewer: Viewer, typed: &str) -> Result<Resolution, AppError> {
    let t = typed.trim();
    if t.is_empty() {
        return Ok(Resolution::NotFound);
    }
    // The label starts with the name. Every name of a place, its own and its other spellings,
    // has a row in `place_names`, indexed by `lower(name)`: an equality there is one index
    // probe, where a `LIKE '%…%'` over `alt_names` read every place (and SQLite compiles a
    // statement with a bound LIKE pattern anew each time). SQLite's `lower` folds ASCII only,
    // so the name is also looked up as typed ("École").
    // One statement for every viewer, without SQL fragments and with the organisation bound, so
    // that it is compiled once per connection: it runs in the writers' turn of every record
    // saved with a place. (A boxed query, one per viewer kind, was rebuilt as text per run.)
    use crate::db::lower;
    use crate::db::schema::place_names;
    use diesel::sql_types::Bool;
    let Some((every, own_org)) = permissions::place_scope(viewer).bound() else {
        return Ok(Resolution::NotFound);
    };
    let first_typed = t.split(',').next().unwrap_or(t).trim();
    let first = first_typed.to_lowercase();
    let names = place_names::table
        .filter(
            lower(place_names::name)
                .eq(first.clone())
                .or(lower(place_names::name).eq(first_typed.to_string()))
                .or(lower(place_names::name).eq(t.to_lowercase())),
        )
        .select(place_names::location_id);
    let candidates: Vec<Location> = crate::on_backend!(conn, |c| locations::table
        .filter(locations::merged_into.is_null())
        .filter(
            every
                .into_sql::<Bool>()
                .or(locations::restricted_to_org.is_null())
                .or(locations::restricted_to_org.eq(own_org)),
        )
        .filter(locations::id.eq_any(names))
        // No LIMIT: a bound one is compiled anew on every run too, and few places share a name.
        .select(Location::as_select())
        .load(c))?;
    let exact: Vec<Location> = candidates
        .iter()
        .filter(|l| l.label().to_lowercase() == t.to_lowercase())
        .cloned()
        .collect();
    let mut matching: Vec<Location> = if exact.is_empty() {
        candidates
            .into_iter()
            .filter(|l| l.answers_to(t) || l.answers_to(&first))
            .collect()
    } else {
        exact
    };
    Ok(match matching.len() {
        0 => Resolution::NotFound,
        1 => Resolution::Found(Box::new(matching.remove(0))),
        _ => Resolution::Ambiguous(matching),
    })
}

/// The place typed in form field `field`, among those `viewer` may see; notes under `field`
/// why it cannot be used (`unknown`: the message for a name nobody answers to).
pub fn pick(
    conn: &mut DbConn,
    viewer: Viewer,
    typed: &str,
    field: &'static str,
    unknown: &'static str,
    errors: &mut FieldErrors,
) -> Result<Option<Location>, AppError> {
    Ok(match resolve(conn, viewer, typed)? {
        Resolution::Found(l) => Some(*l),
        Resolution::Ambiguous(_) => {
            errors.add(field, "location-ambiguous");
            None
        }
        Resolution::NotFound => {
            errors.add(field, unknown);
            None
        }
    })
}

/// The admin1 and admin2 areas of the places `viewer` may see, for filters (every list page
/// with area filters reads these), from what the server keeps of the gazetteer (`in_memory`).
pub fn admin_areas(conn: &mut DbConn, viewer: Viewer) -> Result<Vec<(String, String)>, AppError> {
    in_memory::areas(conn, viewer)
}

/// The distinct governorates (admin1) of `admin_areas`, in order, for filter lists.
pub fn admin1_names(areas: &[(String, String)]) -> Vec<&str> {
    let mut v: Vec<&str> = areas
        .iter()
        .map(|(a, _)| a.as_str())
        .filter(|a| !a.is_empty())
        .collect();
    v.dedup();
    v
}

/// The distinct districts (admin2) of `admin_areas`, sorted, for filter lists.
pub fn admin2_names(areas: &[(String, String)]) -> Vec<&str> {
    let mut v: Vec<&str> = areas
        .iter()
        .map(|(_, b)| b.as_str())
        .filter(|b| !b.is_empty())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Adds a place to the gazetteer, seen only by `restricted_to` (and coordinators, auditors)
/// when given. Call inside `audit::write`.
pub fn create(
    conn: &mut Tx<'_>,
    actor: &Actor,
    place: &PlaceFields,
    restricted_to: Option<i64>,
) -> Result<Location, AppError> {
    let now = audit::now();
    let all_names = place.all_names();
    let id: i64 = diesel::insert_into(locations::table)
        .values((
            locations::name.eq(&place.name),
            locations::alt_names.eq(&place.alt_names),
            locations::country_code.eq(&place.country_code),
            locations::admin1.eq(&place.admin1),
            locations::admin2.eq(&place.admin2),
            locations::admin3.eq(&place.admin3),
            locations::pcode.eq(&place.pcode),
            locations::latitude.eq(place.latitude),
            locations::longitude.eq(place.longitude),
            locations::created_at.eq(now),
            locations::updated_at.eq(now),
            locations::restricted_to_org.eq(restricted_to),
            locations::kind.eq(place.kind.map_or("", PlaceKind::code)),
        ))
        .returning(locations::id)
        .get_result(conn.db())?;
    names::write(conn, id, &all_names)?;
    let created = find(conn, id)?;
    let snapshot = created.snapshot(&all_names);
    revisions::record_then(
        conn,
        actor,
        NewRevision {
            entity_type: "location",
            entity_id: id,
            action: "create",
            reason: "",
            changes: &revisions::diff(&json!({}), &snapshot),
            snapshot: &snapshot,
            facts: None,
        },
        |_| Event::new("location.create", "location", id).details(snapshot.clone()),
    )?;
    Ok(created)
}

/// A record that others may see (`record`) uses the place: a place still restricted to its
/// organisation becomes shared, with a revision and an audit event. Call inside `audit::write`.
pub fn share_if_used_openly(
    conn: &mut Tx<'_>,
    actor: &Actor,
    place: &Location,
    record: RecordFacts,
) -> Result<(), AppError> {
    // A place already shared (most are) has nothing to change: no statement at all.
    if place.restricted_to_org.is_none() || !permissions::seen_beyond_organization(record) {
        return Ok(());
    }
    let place_id = place.id;
    let shared = diesel::update(
        locations::table
            .find(place_id)
            .filter(locations::restricted_to_org.is_not_null()),
    )
    .set((
        locations::restricted_to_org.eq(None::<i64>),
        locations::updated_at.eq(audit::now()),
    ))
    .execute(conn.db())?;
    if shared == 1 {
        let changes = json!({ "shared": [false, true] });
        revisions::record(
            conn,
            actor,
            NewRevision {
                entity_type: "location",
                entity_id: place_id,
                action: "share",
                reason: "",
                changes: &changes,
                snapshot: &changes,
                facts: None,
            },
        )?;
        audit::record(
            conn,
            actor,
            Event::new("location.share", "location", place_id).details(changes),
        )?;
    }
    Ok(())
}
