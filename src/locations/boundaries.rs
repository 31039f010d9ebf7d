//! The governorates' outlines, ready to draw: read from the administrative areas (the
//! geometry an import of a GeoJSON file kept), or, for an area imported without one, from the
//! Natural Earth outlines shipped with Corridor (Syria, by p-code). Projected once into a
//! small picture (equirectangular, scaled by the cosine of the middle latitude, which is true
//! enough at a country's size), simplified to about half a pixel and rounded to a tenth, then
//! kept in memory until the areas change (boundaries change a few times a year, maps are
//! drawn on every list).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};

use super::areas::Area;
use super::outline::{simplify, Outline};
use crate::db::schema::admin_areas;
use crate::db::DbConn;
use crate::error::AppError;

/// The outlines shipped with Corridor, for areas that have none of their own.
const SHIPPED: &str = include_str!("../../data/boundaries/syria-admin1.geojson");

/// The picture's width; its height follows the areas' shape.
pub const WIDTH: f64 = 600.0;
const MARGIN: f64 = 8.0;
/// Points closer than this to the line drawn (in the picture's units) are left out.
const TOLERANCE: f64 = 0.5;

/// One governorate, drawn.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub area: Area,
    pub outline: Outline,
    /// SVG path data in the picture's units.
    pub path: String,
    /// Where its figure goes.
    pub label: (f64, f64),
}

/// The governorates with outlines, and how to place a point among them.
#[derive(Debug, Clone, Default)]
pub struct Boundaries {
    pub areas: Vec<Drawn>,
    /// Level-1 areas known without any outline (listed, not drawn).
    pub undrawn: Vec<Area>,
    pub height: f64,
    west: f64,
    north: f64,
    scale: f64,
    squeeze: f64,
}

impl Boundaries {
    /// Where a longitude and latitude fall in the picture.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            MARGIN + (lon - self.west) * self.squeeze * self.scale,
            MARGIN + (self.north - lat) * self.scale,
        )
    }

    /// Is the point within the picture?
    pub fn shows(&self, lon: f64, lat: f64) -> bool {
        let (x, y) = self.project(lon, lat);
        (0.0..=WIDTH).contains(&x) && (0.0..=self.height).contains(&y)
    }

    /// The area a place's governorate names: by p-code or by its name in any language (the
    /// places keep the governorate as typed, usually its English name).
    pub fn named(&self, name: &str) -> Option<&Drawn> {
        let n = name.trim();
        if n.is_empty() {
            return None;
        }
        self.areas.iter().find(|d| answers_to(&d.area, n))
    }

    /// Is `name` a level-1 area known without an outline?
    pub fn known_undrawn(&self, name: &str) -> Option<&Area> {
        self.undrawn.iter().find(|a| answers_to(a, name.trim()))
    }
}

fn answers_to(a: &Area, n: &str) -> bool {
    [&a.pcode, &a.name_en, &a.name_ar, &a.name_fr]
        .iter()
        .any(|v| !v.is_empty() && v.to_lowercase() == n.to_lowercase())
}

/// What the cached drawing was made from: the level-1 areas' count, last change and total
/// outline size (a new import changes at least one).
type Stamp = (i64, Option<chrono::NaiveDateTime>, Option<i64>);

static CACHE: Mutex<Option<(Stamp, Arc<Boundaries>)>> = Mutex::new(None);

/// The governorates' outlines, drawn (from memory while the areas are unchanged).
pub fn load(conn: &mut DbConn) -> Result<Arc<Boundaries>, AppError> {
    let level1 = admin_areas::table.filter(admin_areas::level.eq(1));
    let stamp: Stamp = level1
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(admin_areas::updated_at),
            diesel::dsl::sql::<Nullable<BigInt>>("CAST(SUM(LENGTH(geometry)) AS BIGINT)"),
        ))
        .first(conn)?;
    if let Some((s, b)) = CACHE.lock().map_err(poisoned)?.as_ref() {
        if *s == stamp {
            return Ok(b.clone());
        }
    }
    let rows: Vec<(Area, String)> = level1
        .order(admin_areas::pcode.asc())
        .select((Area::as_select(), admin_areas::geometry))
        .load(conn)?;
    let drawn = Arc::new(draw(rows));
    *CACHE.lock().map_err(poisoned)? = Some((stamp, drawn.clone()));
    Ok(drawn)
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> AppError {
    AppError::Internal(anyhow::anyhow!("the map's cache was poisoned"))
}

/// The shipped outline of the area with this p-code.
fn shipped(pcode: &str) -> Option<Outline> {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(|| serde_json::from_str(SHIPPED).unwrap_or_default());
    doc["features"]
        .as_array()?
        .iter()
        .find(|f| f["properties"]["ADM1_PCODE"].as_str() == Some(pcode))
        .and_then(|f| Outline::from_value(&f["geometry"]))
}

/// Projects, simplifies and writes the paths of the areas' outlines.
pub fn draw(rows: Vec<(Area, String)>) -> Boundaries {
    let mut with: Vec<(Area, Outline)> = Vec::new();
    let mut undrawn = Vec::new();
    for (area, geometry) in rows {
        match Outline::parse(&geometry).or_else(|| shipped(&area.pcode)) {
            Some(o) => with.push((area, o)),
            None => undrawn.push(area),
        }
    }
    let Some(bounds) = with.iter().filter_map(|(_, o)| o.bounds()).reduce(|a, b| {
        [
            a[0].min(b[0]),
            a[1].min(b[1]),
            a[2].max(b[2]),
            a[3].max(b[3]),
        ]
    }) else {
        return Boundaries {
            undrawn,
            ..Boundaries::default()
        };
    };
    let [west, south, east, north] = bounds;
    let squeeze = ((south + north) / 2.0).to_radians().cos();
    let scale = (WIDTH - 2.0 * MARGIN) / ((east - west) * squeeze).max(1e-9);
    let mut b = Boundaries {
        areas: Vec::new(),
        undrawn,
        height: ((north - south) * scale + 2.0 * MARGIN).round(),
        west,
        north,
        scale,
        squeeze,
    };
    for (area, outline) in with {
        let mut path = String::new();
        for ring in outline.polygons.iter().flatten() {
            let projected: Vec<(f64, f64)> = ring.iter().map(|p| b.project(p.0, p.1)).collect();
            let kept = simplify(&projected, TOLERANCE);
            if kept.len() < 3 {
                continue;
            }
            for (i, (x, y)) in kept.iter().enumerate() {
                path.push(if i == 0 { 'M' } else { 'L' });
                // Writing to a String cannot fail.
                let _ = write!(path, "{},{}", Tenth(*x), Tenth(*y));
            }
            path.push('Z');
        }
        let label = outline
            .label_point()
            .map_or((0.0, 0.0), |(lon, lat)| b.project(lon, lat));
        b.areas.push(Drawn {
            area,
            outline,
            path,
            label,
        });
    }
    b
}

/// A coordinate to a tenth, without a trailing ".0" (`12`, `12.5`, `-0.5`), written as
/// whole numbers: the map writes a thousand a page, and a float's `{:.1}` (an exact decimal
/// expansion, by big numbers when its fast path gives up) was a twentieth of the map's time.
pub struct Tenth(pub f64);

impl std::fmt::Display for Tenth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round();
        // Beyond 2^53 tenths a float holds no tenths at all; no picture comes near (nor NaN).
        if !tenths.is_finite() || tenths.abs() >= 9.0e15 {
            return write!(f, "{}", tenths / 10.0);
        }
        let n = (tenths as i64).unsigned_abs();
        let sign = if tenths.is_sign_negative() { "-" } else { "" };
        match n % 10 {
            0 => write!(f, "{sign}{}", n / 10),
            d => write!(f, "{sign}{}.{d}", n / 10),
        }
    }
}

/// The outline of the level-1 area a place's governorate names, for checking typed
/// coordinates (`None`: no such area, or it has no outline).
pub fn governorate_outline(conn: &mut DbConn, admin1: &str) -> Result<Option<Drawn>, AppError> {
    Ok(load(conn)?.named(admin1).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `Tenth` replaced: the float rounded to a tenth and written by the float's own
    /// formatting.
    fn as_floats_write_it(v: f64) -> String {
        let r = (v * 10.0).round() / 10.0;
        if r.fract() == 0.0 {
            format!("{r:.0}")
        } else {
            format!("{r:.1}")
        }
    }

    #[test]
    fn a_tenth_is_written_as_the_float_would_be() {
        let mut v = -2_000.0;
        while v < 2_000.0 {
            for x in [v, v + 0.05, v - 0.05, v + 0.049_999, v + 0.333_333] {
                assert_eq!(Tenth(x).to_string(), as_floats_write_it(x), "{x}");
            }
            v += 0.37;
        }
        for x in [
            0.0,
            -0.0,
            -0.04,
            0.04,
            0.05,
            -0.05,
            1e12 + 0.25,
            640.0,
            99.95,
        ] {
            assert_eq!(Tenth(x).to_string(), as_floats_write_it(x), "{x}");
        }
        assert_eq!(Tenth(12.0).to_string(), "12");
        assert_eq!(Tenth(-0.5).to_string(), "-0.5");
    }

    fn area(pcode: &str, name: &str) -> Area {
        Area {
            pcode: pcode.into(),
            level: 1,
            parent_pcode: "SY".into(),
            country_code: "SY".into(),
            name_en: name.into(),
            name_ar: String::new(),
            name_fr: String::new(),
        }
    }

    #[test]
    fn areas_without_an_outline_take_the_shipped_one_and_the_picture_stays_small() {
        let b = draw(vec![
            (area("SY03", "Rural Damascus"), String::new()),
            (area("SY02", "Aleppo"), String::new()),
            (area("XX01", "Nowhere"), String::new()),
        ]);
        assert_eq!(b.areas.len(), 2);
        assert_eq!(b.undrawn.len(), 1);
        assert!(b.named("rural damascus").is_some());
        assert!(b.named("sy02").is_some());
        let bytes: usize = b.areas.iter().map(|d| d.path.len()).sum();
        assert!(bytes < 12_000, "{bytes} bytes of paths");
        // Aleppo lies north of Rural Damascus: higher in the picture.
        assert!(b.named("Aleppo").unwrap().label.1 < b.named("SY03").unwrap().label.1);
    }
}
