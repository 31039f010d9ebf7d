//! `/reports`: the parameters form; `/reports/situation`: the printable situation report, with
//! server-drawn SVG charts, its sensitivity marking and a digest of its data on every page.

use crate::permissions::Viewer;
use crate::web::extract::Today;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::accounts::{organizations, Organization};
use crate::audit::{self, Event};
use crate::domain::vocab::Category;
use crate::error::AppError;
use crate::locations;
use crate::reports::{self, Audience, ReportData, ReportQuery};
use crate::web::forms::FormErrors;
use crate::web::State;
use crate::web::{client_addr, Page};

#[derive(Template)]
#[template(path = "reports/form.html")]
pub struct FormPage {
    pub page: Page,
    pub query: ReportQuery,
    pub errors: FormErrors,
    pub organizations: Vec<(Organization, i64)>,
    pub areas: Vec<(String, String)>,
}

impl FormPage {
    pub fn admin1s(&self) -> Vec<&str> {
        crate::locations::admin1_names(&self.areas)
    }
    pub fn admin2s(&self) -> Vec<&str> {
        crate::locations::admin2_names(&self.areas)
    }
    pub fn checked(&self, code: &str) -> bool {
        self.query.category.iter().any(|c| c == code)
    }
}

async fn form_page(
    page: Page,
    state: &State,
    query: ReportQuery,
    errors: FormErrors,
) -> Result<FormPage, AppError> {
    let viewer = page.user().viewer();
    let (organizations, areas) = state
        .db
        .run(move |conn| {
            Ok((
                organizations::list(conn)?,
                locations::admin_areas(conn, viewer)?,
            ))
        })
        .await?;
    Ok(FormPage {
        page,
        query,
        errors,
        organizations,
        areas,
    })
}

pub async fn form(page: Page, state: State, today: Today) -> Result<HttpResponse, AppError> {
    let to = today.date;
    let query = ReportQuery {
        from: (to - chrono::TimeDelta::days(30)).to_string(),
        to: to.to_string(),
        audience: "internal".into(),
        ..Default::default()
    };
    crate::web::ok(&form_page(page, &state, query, FormErrors::new()).await?)
}

/// One bar of a chart, placed in SVG user units.
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub label: String,
    pub value: i64,
    /// Where the value's text goes.
    pub tx: f64,
    pub ty: f64,
}

pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
    /// Axis labels: (x, y, text).
    pub ticks: Vec<(f64, f64, String)>,
}

const CHART_WIDTH: f64 = 760.0;
const LABEL_WIDTH: f64 = 380.0;
const ROW: f64 = 26.0;

/// Horizontal bars with their labels and values, for the categories.
fn category_chart(page: &Page, data: &ReportData) -> Chart {
    let max = data
        .by_category
        .iter()
        .map(|c| c.1)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let span = CHART_WIDTH - LABEL_WIDTH - 60.0;
    let bars = data
        .by_category
        .iter()
        .enumerate()
        .map(|(i, (code, n))| {
            let w = (*n as f64 / max) * span;
            let y = i as f64 * ROW;
            Bar {
                x: LABEL_WIDTH,
                y: y + 4.0,
                w: w.max(1.0),
                h: ROW - 8.0,
                label: Category::parse(code)
                    .map(|c| page.t(c.label_id()))
                    .unwrap_or_else(|_| code.clone()),
                value: *n,
                tx: LABEL_WIDTH + w + 6.0,
                ty: y + ROW / 2.0 + 4.0,
            }
        })
        .collect();
    Chart {
        width: CHART_WIDTH,
        height: (data.by_category.len().max(1) as f64) * ROW,
        bars,
        ticks: Vec::new(),
    }
}

/// Vertical bars, one a week, labelled by month.
fn week_chart(page: &Page, data: &ReportData) -> Chart {
    let height = 180.0;
    let base = height - 24.0;
    let n = data.by_week.len().max(1) as f64;
    let step = (CHART_WIDTH - 40.0) / n;
    let max = data.by_week.iter().map(|w| w.1).max().unwrap_or(1).max(1) as f64;
    let mut ticks = vec![
        (0.0, 12.0, page.number(max as i64)),
        (0.0, base, page.number(0)),
    ];
    let mut last_month = None;
    let bars = data
        .by_week
        .iter()
        .enumerate()
        .map(|(i, (week, count))| {
            let h = (*count as f64 / max) * (base - 20.0);
            let x = 40.0 + i as f64 * step;
            let month = page.lang.month_year(*week);
            if last_month.as_ref() != Some(&month) && (i == 0 || week.day() <= 7) {
                ticks.push((x, height - 6.0, month.clone()));
                last_month = Some(month);
            }
            Bar {
                x,
                y: base - h,
                w: (step - 1.0).max(1.0),
                h: h.max(if *count > 0 { 1.0 } else { 0.0 }),
                label: page.date_short(*week),
                value: *count,
                tx: x + step / 2.0,
                ty: base - h - 3.0,
            }
        })
        .collect();
    Chart {
        width: CHART_WIDTH,
        height,
        bars,
        ticks,
    }
}

use chrono::Datelike;

#[derive(Template)]
#[template(path = "reports/situation.html")]
pub struct ReportPage {
    pub page: Page,
    pub data: ReportData,
    pub digest: String,
    pub query_string: String,
    pub categories_chart: Chart,
    pub weeks_chart: Chart,
    pub public: bool,
    pub generated_by: String,
    pub area: String,
    pub organization: String,
    pub reached_percent: i64,
    /// Show a value label on each weekly bar only when there is room.
    pub label_weeks: bool,
    /// The audit trail's public key and latest signed checkpoint, printed beside the digest.
    pub audit_key: String,
    pub checkpoint: Option<crate::audit::checkpoint::Checkpoint>,
}

pub async fn situation(
    req: HttpRequest,
    page: Page,
    state: State,
    query: web::Query<ReportQuery>,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    // Repeated `category` values: read the raw query string with the HTML-form parser.
    let mut query: ReportQuery =
        serde_html_form::from_str(req.query_string()).unwrap_or_else(|_| query.into_inner());
    // Without a period: the last 30 days.
    if query.to.trim().is_empty() {
        query.to = today.date.to_string();
    }
    if query.from.trim().is_empty() {
        query.from = (today.date - chrono::TimeDelta::days(30)).to_string();
    }
    let mut errors = FormErrors::new();
    let Some(params) = query.parse(&mut errors) else {
        return crate::web::invalid(&form_page(page, &state, query, errors).await?);
    };
    let actor = page.user().actor(&client_addr(&req));
    let org_id = params.organization_id;
    let p = params.clone();
    let (data, organization) = state
        .db
        .run(move |conn| {
            let data = reports::build(conn, v, &p)?;
            let digest = data.digest();
            audit::write(conn, |conn| {
                audit::record(
                    conn,
                    &actor,
                    Event::new("report.situation", "report", &digest[..16])
                        .details(reports::audit_details(&p, &digest, data.records)),
                )
            })?;
            let organization = match org_id {
                Some(id) => organizations::find(conn, id)
                    .map(|o| o.display())
                    .unwrap_or_default(),
                None => String::new(),
            };
            Ok((data, organization))
        })
        .await?;
    let digest = data.digest();
    let area = [params.admin1.clone(), params.admin2.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" › ");
    let targeted = data.convoys.beneficiaries_targeted.max(1);
    let checkpoint = state.db.run(crate::audit::checkpoint::latest).await?;
    crate::web::ok(&ReportPage {
        audit_key: state.signer.public_key(),
        checkpoint,
        categories_chart: category_chart(&page, &data),
        weeks_chart: week_chart(&page, &data),
        public: params.audience == Audience::Public,
        generated_by: page.user().name().to_string(),
        query_string: req.query_string().to_string(),
        reached_percent: data.convoys.beneficiaries_reached * 100 / targeted,
        label_weeks: data.by_week.len() <= 16,
        digest,
        area,
        organization,
        data,
        page,
    })
}

/// Message id for a stored sensitivity code (the report's marking).
pub fn marking_label(code: &str) -> &'static str {
    crate::domain::vocab::Sensitivity::parse(code)
        .map(|s| s.label_id())
        .unwrap_or("sensitivity-confidential")
}

pub fn category_label(code: &str) -> &'static str {
    Category::parse(code)
        .map(|c| c.label_id())
        .unwrap_or("field-category")
}

pub fn item_label(code: &str) -> &'static str {
    crate::domain::vocab::NeedItem::parse(code)
        .map(|c| c.label_id())
        .unwrap_or("item-other")
}

pub fn verification_label(code: &str) -> &'static str {
    crate::domain::vocab::Verification::parse(code)
        .map(|c| c.label_id())
        .unwrap_or("verification-unverified")
}
