//! Administrative areas from OCHA's common operational datasets (COD-AB): governorates,
//! districts, sub-districts by p-code, with their names in English, Arabic and French and the
//! p-code of the area they lie in. `corridor places import` reads the tabular CSV that HDX
//! publishes (`admin1Name_en`, `admin1Name_ar`, `admin1Pcode`, `admin0Pcode`, … — the deepest
//! level present is the one imported) or a GeoJSON file whose features carry the same
//! properties (or the `ADM1_EN`, `ADM1_PCODE` spelling). Re-importing is idempotent: an area
//! is added when its p-code is new, changed when a name or its parent differs, and left alone
//! otherwise; the counts are recorded in one audit event with the writes.

use std::collections::HashMap;

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::audit::{self, Actor, Event, Tx};
use crate::db::schema::admin_areas;
use crate::db::DbConn;
use crate::error::AppError;

/// One administrative area.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = admin_areas)]
pub struct Area {
    pub pcode: String,
    pub level: i32,
    pub parent_pcode: String,
    pub country_code: String,
    pub name_en: String,
    pub name_ar: String,
    pub name_fr: String,
}

impl Area {
    /// The area's name in the reader's language (English when it has none in that one).
    pub fn name_in(&self, language: &str) -> &str {
        let own = match language {
            "ar" => &self.name_ar,
            "fr" => &self.name_fr,
            _ => &self.name_en,
        };
        if own.is_empty() {
            &self.name_en
        } else {
            own
        }
    }
}

/// An area as read from a file, with its outline when the file has one (GeoJSON).
#[derive(Debug, Clone)]
pub struct ReadArea {
    pub area: Area,
    pub geometry: Option<String>,
}

/// The key under which a GeoJSON feature's geometry travels with its properties (a space
/// begins it, so no trimmed CSV header can be it).
const GEOMETRY: &str = " geometry";

/// Why a file could not be read, in words for the person running the import.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Unreadable(String),
    #[error("row {row}: {problem}")]
    Row { row: usize, problem: String },
}

/// Property names, any case: `admin2Pcode` / `ADM2_PCODE`, `admin2Name_en` / `ADM2_EN`.
fn find<'a>(props: &'a HashMap<String, String>, names: &[String]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| props.get(&n.to_lowercase()))
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
}

fn pcode_keys(level: i32) -> Vec<String> {
    vec![format!("admin{level}Pcode"), format!("ADM{level}_PCODE")]
}

fn name_keys(level: i32, language: &str) -> Vec<String> {
    vec![
        format!("admin{level}Name_{language}"),
        format!("ADM{level}_{language}"),
    ]
}

/// The deepest level whose p-code the properties carry (1 to 4).
fn deepest_level(props: &HashMap<String, String>) -> Option<i32> {
    (1..=4)
        .rev()
        .find(|l| find(props, &pcode_keys(*l)).is_some())
}

/// An area from one row's properties (lower-cased keys).
fn area_of(props: &HashMap<String, String>, row: usize) -> Result<Area, ReadError> {
    // Corridor's own export: one level a row.
    if let (Some(pcode), Some(level)) = (
        find(props, &["pcode".into()]),
        find(props, &["level".into()]),
    ) {
        let level = level
            .parse::<i32>()
            .ok()
            .filter(|l| (0..=4).contains(l))
            .ok_or_else(|| ReadError::Row {
                row,
                problem: format!("level {level:?} is not 0 to 4"),
            })?;
        let get = |k: &str| find(props, &[k.into()]).unwrap_or_default().to_string();
        return Ok(Area {
            pcode: pcode.to_uppercase(),
            level,
            parent_pcode: get("parent_pcode").to_uppercase(),
            country_code: get("country_code").to_uppercase(),
            name_en: find(props, &["name_en".into()])
                .ok_or_else(|| ReadError::Row {
                    row,
                    problem: format!("{pcode} has no name_en"),
                })?
                .to_string(),
            name_ar: get("name_ar"),
            name_fr: get("name_fr"),
        });
    }
    let level = deepest_level(props).ok_or_else(|| ReadError::Row {
        row,
        problem: "no admin1Pcode … admin4Pcode value".into(),
    })?;
    let pcode = find(props, &pcode_keys(level))
        .unwrap_or_default()
        .to_uppercase();
    let name_en = find(props, &name_keys(level, "en"))
        .or_else(|| find(props, &[format!("admin{level}Name")]))
        .ok_or_else(|| ReadError::Row {
            row,
            problem: format!("{pcode} has no English name (admin{level}Name_en)"),
        })?
        .to_string();
    let parent_pcode = find(props, &pcode_keys(level - 1))
        .map(str::to_uppercase)
        .unwrap_or_default();
    let country_code = find(props, &pcode_keys(0))
        .map(str::to_uppercase)
        .unwrap_or_else(|| pcode.chars().take(2).collect());
    let text = |language: &str| {
        find(props, &name_keys(level, language))
            .unwrap_or_default()
            .to_string()
    };
    Ok(Area {
        level,
        parent_pcode,
        country_code,
        name_en,
        name_ar: text("ar"),
        name_fr: text("fr"),
        pcode,
    })
}

/// Reads the areas of a COD-AB CSV or GeoJSON file (told apart by its first character).
pub fn read(bytes: &[u8]) -> Result<Vec<ReadArea>, ReadError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ReadError::Unreadable("the file is not UTF-8 text".into()))?;
    let text = text.trim_start_matches('\u{feff}');
    let rows: Vec<HashMap<String, String>> = if text.trim_start().starts_with('{') {
        geojson_rows(text)?
    } else {
        csv_rows(text)?
    };
    let mut areas: Vec<ReadArea> = Vec::with_capacity(rows.len());
    for (i, props) in rows.iter().enumerate() {
        let area = area_of(props, i + 1)?;
        let geometry = props
            .get(GEOMETRY)
            .filter(|g| g.as_str() != "null")
            .cloned();
        // An area listed twice: the first one counts.
        if !areas.iter().any(|a| a.area.pcode == area.pcode) {
            areas.push(ReadArea { area, geometry });
        }
    }
    if areas.is_empty() {
        return Err(ReadError::Unreadable("the file holds no area".into()));
    }
    Ok(areas)
}

fn csv_rows(text: &str) -> Result<Vec<HashMap<String, String>>, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ReadError::Unreadable(format!("no CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ReadError::Row {
            row: i + 1,
            problem: e.to_string(),
        })?;
        // HXL's second header row (#adm1+code…) is not an area.
        if record
            .get(0)
            .is_some_and(|v| v.trim_start().starts_with('#'))
        {
            continue;
        }
        rows.push(
            headers
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_string))
                .collect(),
        );
    }
    Ok(rows)
}

fn geojson_rows(text: &str) -> Result<Vec<HashMap<String, String>>, ReadError> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| ReadError::Unreadable(format!("not valid GeoJSON: {e}")))?;
    let features = doc["features"].as_array().ok_or_else(|| {
        ReadError::Unreadable("no \"features\" list (a FeatureCollection)".into())
    })?;
    Ok(features
        .iter()
        .map(|f| {
            f["properties"]
                .as_object()
                .map(|p| {
                    let mut props: HashMap<String, String> = p
                        .iter()
                        .map(|(k, v)| {
                            let v = match v {
                                Value::String(s) => s.clone(),
                                Value::Null => String::new(),
                                other => other.to_string(),
                            };
                            (k.to_lowercase(), v)
                        })
                        .collect();
                    props.insert(GEOMETRY.into(), f["geometry"].to_string());
                    props
                })
                .unwrap_or_default()
        })
        .collect())
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// Adds and updates `areas` by p-code in one transaction with its audit event; `progress`
/// hears how many are done.
pub fn import(
    conn: &mut DbConn,
    actor: &Actor,
    file_name: &str,
    areas: &[ReadArea],
    mut progress: impl FnMut(usize),
) -> Result<Imported, AppError> {
    audit::write(conn, |tx| {
        let mut done = Imported::default();
        let now = audit::now();
        for (i, read) in areas.iter().enumerate() {
            let area = &read.area;
            let stored: Option<(Area, String)> = admin_areas::table
                .find(&area.pcode)
                .select((Area::as_select(), admin_areas::geometry))
                .get_result(tx.db())
                .optional()?;
            // A file without outlines (CSV) leaves the outlines known alone.
            let geometry = match (&read.geometry, &stored) {
                (Some(g), _) => g.clone(),
                (None, Some((_, g))) => g.clone(),
                (None, None) => String::new(),
            };
            match stored {
                Some((s, g)) if s == *area && g == geometry => done.unchanged += 1,
                Some(_) => {
                    diesel::update(admin_areas::table.find(&area.pcode))
                        .set((columns(area, now), admin_areas::geometry.eq(&geometry)))
                        .execute(tx.db())?;
                    done.changed += 1;
                }
                None => {
                    diesel::insert_into(admin_areas::table)
                        .values((
                            admin_areas::pcode.eq(&area.pcode),
                            columns(area, now),
                            admin_areas::geometry.eq(&geometry),
                        ))
                        .execute(tx.db())?;
                    done.added += 1;
                }
            }
            progress(i + 1);
        }
        record(tx, actor, file_name, areas.len(), done)?;
        Ok(done)
    })
}

type Columns<'a> = (
    diesel::dsl::Eq<admin_areas::level, i32>,
    diesel::dsl::Eq<admin_areas::parent_pcode, &'a str>,
    diesel::dsl::Eq<admin_areas::country_code, &'a str>,
    diesel::dsl::Eq<admin_areas::name_en, &'a str>,
    diesel::dsl::Eq<admin_areas::name_ar, &'a str>,
    diesel::dsl::Eq<admin_areas::name_fr, &'a str>,
    diesel::dsl::Eq<admin_areas::updated_at, chrono::NaiveDateTime>,
);

/// The columns an import sets (written once for insert and update).
fn columns(a: &Area, now: chrono::NaiveDateTime) -> Columns<'_> {
    (
        admin_areas::level.eq(a.level),
        admin_areas::parent_pcode.eq(a.parent_pcode.as_str()),
        admin_areas::country_code.eq(a.country_code.as_str()),
        admin_areas::name_en.eq(a.name_en.as_str()),
        admin_areas::name_ar.eq(a.name_ar.as_str()),
        admin_areas::name_fr.eq(a.name_fr.as_str()),
        admin_areas::updated_at.eq(now),
    )
}

fn record(
    tx: &mut Tx<'_>,
    actor: &Actor,
    file_name: &str,
    read: usize,
    done: Imported,
) -> Result<(), AppError> {
    audit::record(
        tx,
        actor,
        Event::new("admin_areas.import", "admin_areas", 0).details(json!({
            "file": file_name, "areas": read, "added": done.added, "changed": done.changed,
            "unchanged": done.unchanged,
        })),
    )?;
    Ok(())
}

/// Every area, by level and p-code.
pub fn all(conn: &mut DbConn) -> Result<Vec<Area>, AppError> {
    Ok(admin_areas::table
        .order((admin_areas::level.asc(), admin_areas::pcode.asc()))
        .select(Area::as_select())
        .load(conn)?)
}

/// The areas as CSV, in the columns `read` takes back (one level a row: `level`, `pcode`,
/// `parent_pcode`, names), so an export re-imports to the same areas.
pub fn export(areas: &[Area], out: impl std::io::Write) -> Result<(), AppError> {
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| AppError::Internal(anyhow::anyhow!("writing the export: {e}"));
    w.write_record([
        "level",
        "pcode",
        "parent_pcode",
        "country_code",
        "name_en",
        "name_ar",
        "name_fr",
    ])
    .map_err(io)?;
    for a in areas {
        w.write_record([
            a.level.to_string().as_str(),
            &a.pcode,
            &a.parent_pcode,
            &a.country_code,
            &a.name_en,
            &a.name_ar,
            &a.name_fr,
        ])
        .map_err(io)?;
    }
    w.flush()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing the export: {e}")))?;
    Ok(())
}
