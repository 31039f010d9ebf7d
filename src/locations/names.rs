//! A place's names, each with its language, one preferred per language (Douma, Duma and دوما
//! are one place). `place_names` holds them all; the place's own row keeps what is read on
//! every page: the preferred English (or first) name, the preferred Arabic and French names,
//! and every other name one per line (`alt_names`, which search and suggestions read).

use diesel::prelude::*;

use crate::audit::Tx;
use crate::db::schema::{locations, place_names};
use crate::db::DbConn;
use crate::domain::vocab::NameLanguage;
use crate::error::AppError;

/// One name of a place.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Name {
    pub name: String,
    pub language: NameLanguage,
    pub preferred: bool,
}

/// Arabic script (U+0600–U+06FF) says its language by itself; other scripts do not.
pub fn script_language(name: &str) -> NameLanguage {
    match name.chars().find(|c| c.is_alphabetic()) {
        Some(c) if ('\u{0600}'..='\u{06FF}').contains(&c) => NameLanguage::Ar,
        _ => NameLanguage::Und,
    }
}

/// The names of a place typed as a name (English) and other spellings one per line (Arabic
/// script as Arabic, the rest of unknown language), preferred ones settled.
pub fn from_typed(name: &str, others: &str) -> Vec<Name> {
    let mut names = vec![Name {
        name: name.trim().to_string(),
        language: script_language(name),
        preferred: true,
    }];
    if names[0].language == NameLanguage::Und {
        names[0].language = NameLanguage::En;
    }
    for other in others.lines().map(str::trim).filter(|n| !n.is_empty()) {
        if names.iter().any(|n| n.name == other) {
            continue;
        }
        names.push(Name {
            name: other.to_string(),
            language: script_language(other),
            preferred: false,
        });
    }
    // Arabic keeps its first name as preferred; names of unknown language prefer none.
    let _ = settle(&mut names);
    names
}

/// One preferred name per language: the first of each language when none is marked (names of
/// unknown language excepted). `Err(language)` when two of one language are marked.
pub fn settle(names: &mut [Name]) -> Result<(), NameLanguage> {
    for language in NameLanguage::ALL {
        let marked = names
            .iter()
            .filter(|n| n.language == *language && n.preferred)
            .count();
        if marked > 1 {
            return Err(*language);
        }
        if marked == 0 && *language != NameLanguage::Und {
            if let Some(first) = names.iter_mut().find(|n| n.language == *language) {
                first.preferred = true;
            }
        }
    }
    Ok(())
}

/// What the place's own row keeps of its names: (name, name_ar, name_fr, alt_names).
pub fn kept(names: &[Name]) -> (String, String, String, String) {
    let preferred = |l: NameLanguage| {
        names
            .iter()
            .find(|n| n.language == l && n.preferred)
            .map(|n| n.name.clone())
    };
    use NameLanguage::*;
    let name = [En, Fr, ArLatn, Und, Ar]
        .into_iter()
        .find_map(preferred)
        .or_else(|| names.first().map(|n| n.name.clone()))
        .unwrap_or_default();
    let mut others: Vec<&str> = Vec::new();
    for n in names {
        if n.name != name && !others.contains(&n.name.as_str()) {
            others.push(&n.name);
        }
    }
    (
        name,
        preferred(Ar).unwrap_or_default(),
        preferred(Fr).unwrap_or_default(),
        others.join("\n"),
    )
}

/// The names of a place, in their order.
pub fn load(conn: &mut DbConn, location_id: i64) -> Result<Vec<Name>, AppError> {
    let rows: Vec<(String, String, bool)> = place_names::table
        .filter(place_names::location_id.eq(location_id))
        .order((place_names::position.asc(), place_names::id.asc()))
        .select((
            place_names::name,
            place_names::language,
            place_names::preferred,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(name, language, preferred)| Name {
            name,
            language: NameLanguage::from_stored(&language).unwrap_or(NameLanguage::Und),
            preferred,
        })
        .collect())
}

/// Replaces the names of a place, and what its row keeps of them. The caller writes the
/// place's revision and audit event in the same transaction.
pub fn write(conn: &mut Tx<'_>, location_id: i64, names: &[Name]) -> Result<(), AppError> {
    let conn = conn.db();
    diesel::delete(place_names::table.filter(place_names::location_id.eq(location_id)))
        .execute(conn)?;
    // One row at a time: batch inserts are not offered over both backends at once.
    for (i, n) in names.iter().enumerate() {
        diesel::insert_into(place_names::table)
            .values((
                place_names::location_id.eq(location_id),
                place_names::name.eq(&n.name),
                place_names::language.eq(n.language.code()),
                place_names::preferred.eq(n.preferred),
                place_names::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    let (name, name_ar, name_fr, alt_names) = kept(names);
    diesel::update(locations::table.find(location_id))
        .set((
            locations::name.eq(name),
            locations::name_ar.eq(name_ar),
            locations::name_fr.eq(name_fr),
            locations::alt_names.eq(alt_names),
        ))
        .execute(conn)?;
    Ok(())
}

/// The SQL of "the places with a name like the bound pattern", for filters that find a place
/// by any of its names (bind `like_pattern(typed)` after it, then close the bracket).
pub const ANY_NAME_LIKE: &str = "SELECT location_id FROM place_names WHERE lower(name) LIKE ";

/// The `LIKE` pattern of a typed name: anywhere in a name, any case, wildcards typed dropped.
pub fn like_pattern(typed: &str) -> String {
    format!(
        "%{}%",
        typed.trim().to_lowercase().replace(['%', '_', '\\'], "")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_names_get_languages_and_one_preferred_each() {
        let names = from_typed("Douma", "Duma\nدوما\n\nدومة");
        assert_eq!(names.len(), 4);
        assert_eq!(names[0].language, NameLanguage::En);
        assert!(names[0].preferred);
        assert_eq!(names[1].language, NameLanguage::Und);
        assert!(!names[1].preferred);
        assert_eq!(names[2].language, NameLanguage::Ar);
        assert!(names[2].preferred);
        assert!(!names[3].preferred);
        let (name, ar, fr, alt) = kept(&names);
        assert_eq!(
            (name.as_str(), ar.as_str(), fr.as_str()),
            ("Douma", "دوما", "")
        );
        assert_eq!(alt, "Duma\nدوما\nدومة");
        let mut two = names.clone();
        two[3].preferred = true;
        assert_eq!(settle(&mut two), Err(NameLanguage::Ar));
    }
}
