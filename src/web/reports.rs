//! `/reports`: the parameters form; `/reports/situation`: the printable situation report, with
//! server-drawn SVG charts, its sensitivity marking and a digest of its data on every page.

use crate::permissions::Viewer;
use crate::web::extract::Today;
use actix_web::{HttpRequest, HttpResponse};
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
    pub organizations: Vec<Organization>,
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
    pub fn verification_checked(&self, code: &str) -> bool {
        self.query.verification.iter().any(|c| c == code)
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
        .read(move |conn| {
            Ok((
                organizations::all(conn)?,
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
                    .map(|c| page.t(c.label_id()).into_owned())
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
    // Low enough to leave room on paper for the other sections.
    let height = 120.0;
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
    /// The organisation issuing the report: the reader's own, with its logo's address.
    pub issuer: String,
    pub issuer_logo: Option<String>,
    /// May write the summary paragraph (coordinators); with the parameters as hidden fields.
    pub can_summarize: bool,
    pub params_fields: Vec<(&'static str, String)>,
    /// The summary as typed, with its message, when it was refused.
    pub summary_draft: Option<String>,
    pub summary_errors: FormErrors,
    /// The incidents on a map, with the same figures as a table.
    pub map: crate::web::map::IncidentMap,
}

impl ReportPage {
    /// A figure with its qualifier: "at least 1,100", "about 40", or "12" when exact.
    pub fn qualified(&self, qualifier: &str, n: impl crate::web::page::WholeNumber) -> String {
        let words = match qualifier {
            "at_least" => "report-qualifier-at-least",
            "about" => "report-qualifier-about",
            _ => return self.page.number(n),
        };
        format!("{} {}", self.page.t(words), self.page.number(n))
    }

    /// The headline figures after the count of incidents: (id, label, figure).
    pub fn headline_figures(&self) -> [(&'static str, &'static str, &reports::Figure); 4] {
        let h = &self.data.headline;
        [
            ("killed", "report-fig-killed", &h.killed),
            ("injured", "report-fig-injured", &h.injured),
            ("aid", "report-fig-aid", &h.aid_workers),
            ("affected", "report-fig-affected", &h.people_affected),
        ]
    }

    /// A headline figure in words: "1,100 (reported on 1 of 5 incidents)".
    pub fn reported_on(&self, f: &reports::Figure) -> String {
        self.page.t_args(
            "report-reported-on",
            &[
                ("reported", crate::i18n::Arg::from(f.reported)),
                (
                    "of",
                    crate::i18n::Arg::from(self.data.headline.with_own_figures),
                ),
            ],
        )
    }
}

/// The report's parameters as hidden form fields (the summary form posts them back).
fn params_fields(q: &ReportQuery) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("from", q.from.clone()),
        ("to", q.to.clone()),
        ("admin1", q.admin1.clone()),
        ("admin2", q.admin2.clone()),
        ("organization", q.organization.clone()),
        ("audience", q.audience.clone()),
    ];
    out.extend(q.category.iter().map(|c| ("category", c.clone())));
    out.extend(q.verification.iter().map(|c| ("verification", c.clone())));
    out
}

pub async fn situation(
    req: HttpRequest,
    page: Page,
    state: State,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    // Repeated (or single) `category` and `verification` values: the HTML-form parser reads
    // both, where a plain query extractor refuses a single value for a list.
    let query: ReportQuery = serde_html_form::from_str(req.query_string())
        .map_err(|_| AppError::BadRequest("error-form-unreadable"))?;
    render(&req, page, &state, query, v, today, None).await
}

/// Makes the report with `query` (recording it in the audit trail) and renders it, with the
/// summary as typed and its message when `draft` holds a refused one.
async fn render(
    req: &HttpRequest,
    page: Page,
    state: &State,
    mut query: ReportQuery,
    v: Viewer,
    today: Today,
    draft: Option<(String, FormErrors)>,
) -> Result<HttpResponse, AppError> {
    // Without a period: the last 30 days.
    if query.to.trim().is_empty() {
        query.to = today.date.to_string();
    }
    if query.from.trim().is_empty() {
        query.from = (today.date - chrono::TimeDelta::days(30)).to_string();
    }
    let mut errors = FormErrors::new();
    let Some(params) = query.parse(&mut errors) else {
        return crate::web::invalid(&form_page(page, state, query, errors).await?);
    };
    let actor = page.user().actor(&client_addr(req));
    let org_id = params.organization_id;
    let p = params.clone();
    // A summary sent back with its message shows the report already made (and recorded).
    let record = draft.is_none();
    // Every figure from one snapshot of the records (`Db::read`); the report made is then
    // recorded in the audit trail, with the digest of what it showed.
    let (data, organization, boundaries) = state
        .db
        .read(move |conn| {
            let data = reports::build(conn, v, &p)?;
            let organization = match org_id {
                Some(id) => organizations::find(conn, id)
                    .map(|o| o.display())
                    .unwrap_or_default(),
                None => String::new(),
            };
            Ok((
                data,
                organization,
                crate::locations::boundaries::load(conn)?,
            ))
        })
        .await?;
    if record {
        let (p, digest, records) = (params.clone(), data.digest(), data.records);
        audit::write_alone(&state.db, move |conn| {
            audit::record(
                conn,
                &actor,
                Event::new("report.situation", "report", &digest[..16])
                    .details(reports::audit_details(&p, &digest, records)),
            )?;
            // Those subscribed hear that a report was made (not its figures).
            crate::record_events::queue(conn, crate::record_events::REPORT_GENERATED, "report", 0)
        })
        .await?;
    }
    let public = params.audience == Audience::Public;
    // An internal report's governorates link to the incident list over the same period.
    let link = |admin1: &str| {
        let q = crate::incidents::list::ListQuery {
            from: params.from.to_string(),
            to: params.to.to_string(),
            admin1: admin1.to_string(),
            organization: params
                .organization_id
                .map(|o| o.to_string())
                .unwrap_or_default(),
            ..Default::default()
        };
        format!(
            "/incidents?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    };
    let map = crate::web::map::draw(
        &page,
        "report-map",
        &boundaries,
        &data.by_admin1,
        (!public).then_some((data.map_points.as_slice(), data.more_map_points)),
        (!public).then_some(&link as crate::web::map::Link<'_>),
    );
    let digest = data.digest();
    let area = [params.admin1.clone(), params.admin2.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" › ");
    let targeted = data.convoys.beneficiaries_targeted.max(1);
    let issuer_id = page.user().organization_id;
    let (checkpoint, issuer_logo) = state
        .db
        .run(move |conn| {
            let logo = crate::accounts::logos::version(conn, issuer_id)?;
            Ok((
                crate::audit::checkpoint::latest(conn)?,
                logo.map(|v| crate::accounts::logos::address(issuer_id, &v)),
            ))
        })
        .await?;
    let query_string = serde_html_form::to_string(&query).unwrap_or_default();
    let (summary_draft, summary_errors) = match draft {
        Some((text, errors)) => (Some(text), errors),
        None => (None, FormErrors::new()),
    };
    let page_out = ReportPage {
        audit_key: state.signer.public_key(),
        checkpoint,
        categories_chart: category_chart(&page, &data),
        weeks_chart: week_chart(&page, &data),
        public,
        map,
        generated_by: page.user().name().to_string(),
        issuer: page.user().organization_name.clone(),
        issuer_logo,
        can_summarize: crate::permissions::allows(
            page.user().role,
            crate::permissions::Action::SummarizeReports,
        ),
        params_fields: params_fields(&query),
        query_string,
        reached_percent: data.convoys.beneficiaries_reached * 100 / targeted,
        label_weeks: data.by_week.len() <= 16,
        digest,
        area,
        organization,
        data,
        page,
        summary_draft,
        summary_errors,
    };
    if page_out.summary_draft.is_some() {
        crate::web::invalid(&page_out)
    } else {
        crate::web::ok(&page_out)
    }
}

/// The summary form's own field; the rest of the form is the report's parameters
/// (`ReportQuery`), read from the same body.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SummaryText {
    pub summary: String,
}

/// The longest summary paragraph kept.
const SUMMARY_MAX: usize = 3_000;

/// Keeps the coordinator's summary paragraph with the report's parameters (audited), then
/// shows the report again.
pub async fn save_summary(
    req: HttpRequest,
    page: Page,
    state: State,
    body: actix_web::web::Bytes,
    author: crate::records::store::Author,
    v: Viewer,
    today: Today,
) -> Result<HttpResponse, AppError> {
    let unreadable = |_| AppError::BadRequest("error-form-unreadable");
    let query: ReportQuery = serde_html_form::from_bytes(&body).map_err(unreadable)?;
    let form: SummaryText = serde_html_form::from_bytes(&body).map_err(unreadable)?;
    let mut errors = FormErrors::new();
    let summary = errors.check(
        "summary",
        crate::domain::text::optional_block(&form.summary, SUMMARY_MAX),
    );
    let mut param_errors = FormErrors::new();
    let params = query.parse(&mut param_errors);
    let (Some(summary), Some(params)) = (summary, params) else {
        return render(
            &req,
            page,
            &state,
            query,
            v,
            today,
            Some((form.summary, errors)),
        )
        .await;
    };
    let p = params.clone();
    audit::write_alone(&state.db, move |tx| {
        reports::save_summary(tx, &author.actor, author.user_id, &p, &summary)
    })
    .await?;
    let query = serde_html_form::to_string(&query).unwrap_or_default();
    Ok(crate::web::see_other(&format!(
        "/reports/situation?{query}#summary"
    )))
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

pub fn tag_label(code: &str) -> &'static str {
    crate::domain::vocab::EventTag::parse(code)
        .map(|c| c.label_id())
        .unwrap_or("field-event-tag")
}
