//! The place form of the gazetteer (a coordinator's or administrator's correction) as typed,
//! and its parse. Names come as rows (name, language, preferred), like cargo lines: a blank
//! row is ignored, a row with a mistake is reported by its number.

use serde::Deserialize;

use super::names::{self, Name};
use crate::domain::vocab::{NameLanguage, PlaceKind};
use crate::domain::{text, values, FieldErrors};

/// Blank name rows offered below the place's names.
pub const BLANK_NAME_ROWS: usize = 2;
/// Most names of one place.
pub const MAX_NAMES: usize = 40;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlaceForm {
    pub name_text: Vec<String>,
    pub name_language: Vec<String>,
    /// Row numbers (from 0) ticked as the preferred name of their language.
    pub name_preferred: Vec<String>,
    pub kind: String,
    pub country_code: String,
    pub admin1: String,
    pub admin2: String,
    pub admin3: String,
    pub pcode: String,
    pub latitude: String,
    pub longitude: String,
    /// Ticked: the coordinates are right though they lie outside the governorate named.
    pub coordinates_checked: String,
    /// "yes": share a place still seen by one organisation only with everyone.
    pub share: String,
    pub version: String,
}

/// One name row as typed.
#[derive(Debug, Clone, Default)]
pub struct NameRow {
    pub index: usize,
    pub name: String,
    pub language: String,
    pub preferred: bool,
}

/// A checked place form.
#[derive(Debug, Clone)]
pub struct PlaceEdit {
    pub names: Vec<Name>,
    pub kind: Option<PlaceKind>,
    pub country_code: String,
    pub admin1: String,
    pub admin2: String,
    pub admin3: String,
    pub pcode: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub coordinates_checked: bool,
    pub share: bool,
}

/// The field name of row `i`, e.g. `name_text_3`.
pub fn row_field(base: &str, i: usize) -> String {
    format!("{base}_{i}")
}

impl PlaceForm {
    /// The name rows as typed, with `blank` empty ones after them.
    pub fn rows(&self, blank: usize) -> Vec<NameRow> {
        let n = self
            .name_text
            .len()
            .max(self.name_language.len())
            .min(MAX_NAMES + BLANK_NAME_ROWS);
        let get = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..n + blank)
            .map(|i| NameRow {
                index: i,
                name: get(&self.name_text, i),
                language: get(&self.name_language, i),
                preferred: self
                    .name_preferred
                    .iter()
                    .any(|p| p.trim() == i.to_string()),
            })
            .collect()
    }

    /// The form filled in from a place and its names.
    pub fn of(place: &super::Location, all: &[Name]) -> Self {
        Self {
            name_text: all.iter().map(|n| n.name.clone()).collect(),
            name_language: all.iter().map(|n| n.language.code().to_string()).collect(),
            name_preferred: all
                .iter()
                .enumerate()
                .filter(|(_, n)| n.preferred)
                .map(|(i, _)| i.to_string())
                .collect(),
            kind: place.kind.clone(),
            country_code: place.country_code.clone(),
            admin1: place.admin1.clone(),
            admin2: place.admin2.clone(),
            admin3: place.admin3.clone(),
            pcode: place.pcode.clone(),
            latitude: place.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: place.longitude.map(|v| v.to_string()).unwrap_or_default(),
            coordinates_checked: String::new(),
            share: String::new(),
            version: place.version.to_string(),
        }
    }

    /// Parses every field; `None` when any is wrong (then `errors` says which and why).
    pub fn parse(&self, errors: &mut FieldErrors) -> Option<PlaceEdit> {
        let mut all = Vec::new();
        let mut names_ok = true;
        for row in self.rows(0) {
            if row.name.trim().is_empty() && row.language.trim().is_empty() {
                continue;
            }
            let i = row.index;
            let name = errors.check(
                row_field("name_text", i),
                text::required_line(&row.name, 200),
            );
            let language = errors.check(
                row_field("name_language", i),
                NameLanguage::parse(&row.language),
            );
            match (name, language) {
                (Some(name), Some(language)) => all.push(Name {
                    name,
                    language,
                    preferred: row.preferred,
                }),
                _ => names_ok = false,
            }
        }
        if all.is_empty() && names_ok {
            errors.add("name_text_0", "place-name-required");
            names_ok = false;
        }
        if let Err(language) = names::settle(&mut all) {
            let row = self
                .rows(0)
                .into_iter()
                .filter(|r| r.preferred && r.language.trim() == language.code())
                .nth(1)
                .map_or(0, |r| r.index);
            errors.add(
                row_field("name_preferred", row),
                "place-name-preferred-twice",
            );
            names_ok = false;
        }
        let kind = match self.kind.trim() {
            "" => Some(None),
            k => errors.check("kind", PlaceKind::parse(k).map(Some)),
        };
        let country_code = errors.check("country_code", text::optional_line(&self.country_code, 3));
        let admin1 = errors.check("admin1", text::optional_line(&self.admin1, 200));
        let admin2 = errors.check("admin2", text::optional_line(&self.admin2, 200));
        let admin3 = errors.check("admin3", text::optional_line(&self.admin3, 200));
        let pcode = errors.check("pcode", text::optional_line(&self.pcode, 30));
        let latitude = errors.check(
            "latitude",
            values::optional_coordinate(&self.latitude, 90.0),
        );
        let longitude = errors.check(
            "longitude",
            values::optional_coordinate(&self.longitude, 180.0),
        );
        if let (Some(Some(_)), Some(None)) | (Some(None), Some(Some(_))) = (latitude, longitude) {
            errors.add("longitude", "coordinates-both");
        }
        if !names_ok {
            return None;
        }
        Some(PlaceEdit {
            names: all,
            kind: kind?,
            country_code: country_code?.to_uppercase(),
            admin1: admin1?,
            admin2: admin2?,
            admin3: admin3?,
            pcode: pcode?.to_uppercase(),
            latitude: latitude?,
            longitude: longitude?,
            coordinates_checked: !self.coordinates_checked.trim().is_empty(),
            share: self.share.trim() == "yes",
        })
    }
}
