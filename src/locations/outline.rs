//! An area's outline as GeoJSON gives it (a Polygon or MultiPolygon of longitude, latitude
//! rings): read once, asked whether a point lies inside (the form's check of coordinates
//! against the governorate named), and cut down for drawing.

use serde_json::Value;

/// A ring of (longitude, latitude); the first ring of a polygon is its outside, the others
/// its holes.
pub type Ring = Vec<(f64, f64)>;

/// One area's polygons.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub polygons: Vec<Vec<Ring>>,
}

impl Outline {
    /// The outline of a GeoJSON geometry (as text); `None` when it is not a Polygon or
    /// MultiPolygon with at least one ring.
    pub fn parse(geometry: &str) -> Option<Self> {
        let g: Value = serde_json::from_str(geometry).ok()?;
        Self::from_value(&g)
    }

    pub fn from_value(g: &Value) -> Option<Self> {
        let coordinates = &g["coordinates"];
        let polygons: Vec<Vec<Ring>> = match g["type"].as_str()? {
            "Polygon" => vec![polygon(coordinates)?],
            "MultiPolygon" => coordinates.as_array()?.iter().filter_map(polygon).collect(),
            _ => return None,
        };
        (!polygons.is_empty()).then_some(Self { polygons })
    }

    /// Does the point lie inside (in an outside ring and in none of its holes)?
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        self.polygons.iter().any(|rings| {
            let mut rings = rings.iter();
            rings.next().is_some_and(|outer| in_ring(outer, lon, lat))
                && !rings.any(|hole| in_ring(hole, lon, lat))
        })
    }

    /// The smallest and largest longitude and latitude.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let mut points = self.polygons.iter().flatten().flatten();
        let first = points.next()?;
        Some(points.fold([first.0, first.1, first.0, first.1], |b, p| {
            [b[0].min(p.0), b[1].min(p.1), b[2].max(p.0), b[3].max(p.1)]
        }))
    }

    /// Where to write the area's figure: the centre of its largest polygon's outside ring
    /// (the centroid, or the middle of its bounds when the centroid falls outside).
    pub fn label_point(&self) -> Option<(f64, f64)> {
        let outer = self
            .polygons
            .iter()
            .filter_map(|p| p.first())
            .max_by(|a, b| area(a).abs().total_cmp(&area(b).abs()))?;
        let a = area(outer);
        if a.abs() > f64::EPSILON {
            let (mut cx, mut cy) = (0.0, 0.0);
            for w in outer.windows(2) {
                let cross = w[0].0 * w[1].1 - w[1].0 * w[0].1;
                cx += (w[0].0 + w[1].0) * cross;
                cy += (w[0].1 + w[1].1) * cross;
            }
            let c = (cx / (6.0 * a), cy / (6.0 * a));
            if self.contains(c.0, c.1) {
                return Some(c);
            }
        }
        let (lo_x, hi_x) = outer
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), p| (l.min(p.0), h.max(p.0)));
        let (lo_y, hi_y) = outer
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), p| (l.min(p.1), h.max(p.1)));
        Some(((lo_x + hi_x) / 2.0, (lo_y + hi_y) / 2.0))
    }
}

fn polygon(v: &Value) -> Option<Vec<Ring>> {
    let rings: Vec<Ring> = v
        .as_array()?
        .iter()
        .filter_map(|ring| {
            let points: Ring = ring
                .as_array()?
                .iter()
                .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .collect();
            (points.len() >= 3).then_some(points)
        })
        .collect();
    (!rings.is_empty()).then_some(rings)
}

/// Ray casting: a ray from the point crosses the ring's edges an odd number of times when the
/// point is inside.
fn in_ring(ring: &Ring, x: f64, y: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Signed area (shoelace), in square degrees.
fn area(ring: &Ring) -> f64 {
    ring.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum::<f64>()
        / 2.0
}

/// Douglas–Peucker: the points of a line that keep it within `tolerance` of the original
/// (the first and last always stay).
pub fn simplify(points: &[(f64, f64)], tolerance: f64) -> Vec<(f64, f64)> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut stack = vec![(0, points.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let (mut far, mut far_d) = (0, 0.0);
        for i in a + 1..b {
            let d = distance_to_segment(points[i], points[a], points[b]);
            if d > far_d {
                (far, far_d) = (i, d);
            }
        }
        if far_d > tolerance {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

fn distance_to_segment(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (x, y) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - x).powi(2) + (p.1 - y).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE_WITH_HOLE: &str = r#"{"type":"Polygon","coordinates":[
        [[0,0],[10,0],[10,10],[0,10],[0,0]],
        [[4,4],[6,4],[6,6],[4,6],[4,4]]]}"#;

    #[test]
    fn a_point_is_inside_the_outside_ring_and_outside_its_holes() {
        let o = Outline::parse(SQUARE_WITH_HOLE).unwrap();
        assert!(o.contains(1.0, 1.0));
        assert!(!o.contains(5.0, 5.0), "in the hole");
        assert!(!o.contains(11.0, 5.0));
        assert_eq!(o.bounds(), Some([0.0, 0.0, 10.0, 10.0]));
    }

    #[test]
    fn the_shipped_governorates_hold_their_capitals() {
        let doc: Value =
            serde_json::from_str(include_str!("../../data/boundaries/syria-admin1.geojson"))
                .unwrap();
        let outline = |pcode: &str| {
            doc["features"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["properties"]["ADM1_PCODE"] == pcode)
                .and_then(|f| Outline::from_value(&f["geometry"]))
                .unwrap()
        };
        // Douma lies in Rural Damascus, not in Aleppo; Aleppo city in Aleppo.
        assert!(outline("SY03").contains(36.40, 33.57));
        assert!(!outline("SY02").contains(36.40, 33.57));
        assert!(outline("SY02").contains(37.16, 36.20));
    }

    #[test]
    fn simplifying_keeps_the_ends_and_the_corners() {
        let line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (2.0, 5.0)];
        assert_eq!(
            simplify(&line, 0.1),
            vec![(0.0, 0.0), (2.0, 0.0), (2.0, 5.0)]
        );
    }
}
