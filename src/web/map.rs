//! The incident map, drawn on the server as SVG (no tile server, no script, nothing fetched
//! from elsewhere): the governorates shaded by how many incidents each holds, the figure
//! written on each, a legend beside it, and points only for incidents placed exactly or nearly. The
//! shades step in lightness (white, then four blues from light to dark), so a black and white
//! print tells them apart as well as a screen; the figures are black on a white halo (21:1
//! on any shade). Each governorate links to the incident list filtered to it. The same
//! figures come as a table beside the map, for screen readers and for copying.

use crate::incidents::by_area::Point;
use std::fmt::Write as _;

use crate::locations::boundaries::{Boundaries, Tenth, WIDTH};

use super::page::Page;

/// The shades, lightest first: none, then four classes.
const SHADES: [&str; 5] = ["#ffffff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];

/// One governorate's figure, for the table beside the map.
pub struct AreaRow {
    pub name: String,
    pub count: i64,
    /// The incident list filtered to it (none in a public report).
    pub href: Option<String>,
}

/// A map, ready for a template.
pub struct IncidentMap {
    /// The `<svg>` element (escaped here; the template writes it as is).
    pub svg: String,
    /// Governorates with incidents, most first.
    pub rows: Vec<AreaRow>,
    /// Incidents at places of no governorate on the map.
    pub elsewhere: i64,
    /// Points drawn; more incidents were placed exactly than were drawn.
    pub points: i64,
    pub more_points: bool,
    /// Points are drawn at all (never in a public output).
    pub with_points: bool,
    /// Each shade and the figures it stands for, lightest first.
    pub legend: Vec<(&'static str, String)>,
}

/// Where the map's areas link: the list's address for a governorate, as the places name it.
pub type Link<'a> = &'a dyn Fn(&str) -> String;

/// Draws the map. `counts`: incidents per governorate as places name it; `points`: the
/// incidents to draw as points (`None`: a public output, which draws none); `link`: the
/// address of the list filtered to a governorate (`None`: no links).
pub fn draw(
    page: &Page,
    id: &str,
    b: &Boundaries,
    counts: &[(String, i64)],
    points: Option<(&[Point], bool)>,
    link: Option<Link<'_>>,
) -> IncidentMap {
    let lang = page.lang.language().to_string();
    // Each drawn governorate's figure, and the name its places give it (for the link).
    let mut per_area: Vec<(i64, Option<&str>)> = vec![(0, None); b.areas.len()];
    let mut rows: Vec<AreaRow> = Vec::new();
    let mut elsewhere = 0;
    for (admin1, n) in counts {
        match b
            .areas
            .iter()
            .position(|d| b.named(admin1).is_some_and(|x| std::ptr::eq(x, d)))
        {
            Some(i) => {
                per_area[i].0 += n;
                per_area[i].1.get_or_insert(admin1.as_str());
            }
            None if admin1.is_empty() => elsewhere += n,
            None => rows.push(AreaRow {
                name: b
                    .known_undrawn(admin1)
                    .map_or(admin1.clone(), |a| a.name_in(&lang).to_string()),
                count: *n,
                href: link.map(|l| l(admin1)),
            }),
        }
    }
    let max = per_area.iter().map(|a| a.0).max().unwrap_or(0);
    let classes = classes(max);
    let height = b.height;
    let mut svg = format!(
        "<svg class=\"chart map\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" \
         preserveAspectRatio=\"xMidYMin meet\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        w = WIDTH,
        h = Tenth(height),
        title = esc(&page.t("map-title")),
        desc = esc(&page.t("map-desc")),
    );
    // Areas first, then every figure above every outline.
    let mut figures = String::new();
    for (d, (n, named)) in b.areas.iter().zip(&per_area) {
        let name = d.area.name_in(&lang);
        let label = page.t_args(
            "map-area-count",
            &[
                ("area", crate::i18n::Arg::from(name)),
                ("count", crate::i18n::Arg::from(n)),
            ],
        );
        let shape = format!(
            "<path d=\"{}\" fill=\"{}\" class=\"map-area\"><title>{}</title></path>",
            d.path,
            SHADES[class_of(&classes, *n)],
            esc(&label)
        );
        let href = link.map(|l| l(named.unwrap_or(&d.area.name_en)));
        match &href {
            Some(h) => svg.push_str(&format!("<a href=\"{}\">{shape}</a>", esc(h))),
            None => svg.push_str(&shape),
        }
        if *n > 0 {
            // Writing to a String cannot fail.
            let _ = write!(
                figures,
                "<text x=\"{}\" y=\"{}\" class=\"map-figure\" text-anchor=\"middle\" \
                 aria-hidden=\"true\">{}</text>",
                Tenth(d.label.0),
                Tenth(d.label.1 + 10.0),
                esc(&page.number(*n))
            );
            rows.push(AreaRow {
                name: name.to_string(),
                count: *n,
                href,
            });
        }
    }
    svg.push_str(&figures);
    let (drawn, more_points) = match points {
        Some((points, more)) => {
            // Every dot's title is one message around its reference: put into words once, with
            // the object replacement character in the reference's place (no reference holds it,
            // and it is none of the i18n layer's own markers), rather than 501 times (a tenth
            // of the map's time).
            const REFERENCE: &str = "\u{FFFC}";
            let title = esc(&page.t_args(
                "map-point",
                &[("reference", crate::i18n::Arg::from(REFERENCE))],
            ));
            // Each dot is written straight into the picture, the reference escaped into each
            // place the title holds it.
            let (first, rest) = {
                let mut parts = title.split(REFERENCE);
                (parts.next().unwrap_or_default(), parts.collect::<Vec<_>>())
            };
            svg.reserve(points.len() * (150 + title.len()));
            for p in points.iter().filter(|p| b.shows(p.lon, p.lat)) {
                let (x, y) = b.project(p.lon, p.lat);
                // Writing to a String cannot fail.
                let _ = write!(
                    svg,
                    "<a href=\"/incidents/{}\"><circle cx=\"{}\" cy=\"{}\" r=\"4\" \
                     class=\"map-point\"><title>{first}",
                    p.id,
                    Tenth(x),
                    Tenth(y),
                );
                for part in &rest {
                    push_escaped(&mut svg, &p.reference);
                    svg.push_str(part);
                }
                svg.push_str("</title></circle></a>");
            }
            (points.len() as i64, more)
        }
        None => (0, false),
    };
    svg.push_str("</svg>");
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    IncidentMap {
        svg,
        rows,
        elsewhere,
        points: drawn,
        more_points,
        with_points: points.is_some(),
        legend: legend(page, &classes),
    }
}

/// The upper bounds of the four shaded classes (rising; fewer when the largest figure is
/// small, so no class is empty of meaning).
fn classes(max: i64) -> Vec<i64> {
    if max <= 4 {
        return (1..=max).collect();
    }
    (1..=4).map(|k| (max * k + 3) / 4).collect()
}

/// The shade of a figure: 0 for none, else its class (1 to 4).
fn class_of(classes: &[i64], n: i64) -> usize {
    if n <= 0 {
        return 0;
    }
    let c = classes.iter().position(|top| n <= *top).unwrap_or(3) + 1;
    // With fewer than four classes, spread them over the ramp (1, 2 → light, dark).
    match classes.len() {
        0 | 4 => c.min(4),
        len => (c * 4).div_ceil(len).min(4),
    }
}

/// The legend's steps: each shade with the figures it stands for ("0", "1–3"…). It is
/// HTML beside the map, not part of the picture, so its text keeps the page's size however
/// small the map is printed.
fn legend(page: &Page, classes: &[i64]) -> Vec<(&'static str, String)> {
    let mut steps = vec![(SHADES[0], page.number(0))];
    let mut low = 1;
    for top in classes {
        let label = if low == *top {
            page.number(*top)
        } else {
            format!("{}–{}", page.number(low), page.number(*top))
        };
        steps.push((SHADES[class_of(classes, *top)], label));
        low = top + 1;
    }
    steps
}

/// Text for SVG markup.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// [`esc`], written onto the end of `out`.
fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_fall_in_rising_shades() {
        let c = classes(100);
        assert_eq!(c, vec![25, 50, 75, 100]);
        assert_eq!(class_of(&c, 0), 0);
        assert_eq!(class_of(&c, 1), 1);
        assert_eq!(class_of(&c, 26), 2);
        assert_eq!(class_of(&c, 100), 4);
        let small = classes(2);
        assert_eq!(class_of(&small, 1), 2);
        assert_eq!(class_of(&small, 2), 4);
        assert_eq!(esc("<a&\""), "&lt;a&amp;&quot;");
    }
}
