//! A readable page of the OpenAPI description, drawn on the server from the same document
//! (no script, no external assets: the application's own stylesheet).

use actix_web::HttpResponse;
use askama::Template;
use utoipa::openapi::path::ParameterIn;

use crate::error::AppError;
use crate::web::Page;

pub struct Endpoint {
    pub method: &'static str,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<Param>,
    pub statuses: Vec<String>,
}

pub struct Param {
    pub name: String,
    pub place: &'static str,
    pub required: bool,
    pub description: String,
}

#[derive(Template)]
#[template(path = "api/docs.html")]
pub struct DocsPage {
    pub page: Page,
    pub title: String,
    pub description: String,
    pub version: String,
    pub endpoints: Vec<Endpoint>,
}

pub async fn page(page: Page) -> Result<HttpResponse, AppError> {
    let doc = super::openapi::document();
    let endpoints = doc
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| {
            let op = item.get.as_ref()?;
            Some(Endpoint {
                method: "GET",
                path: path.clone(),
                summary: op.summary.clone().unwrap_or_default(),
                description: op.description.clone().unwrap_or_default(),
                params: op
                    .parameters
                    .iter()
                    .flatten()
                    .map(|p| Param {
                        name: p.name.clone(),
                        place: match p.parameter_in {
                            ParameterIn::Path => "path",
                            ParameterIn::Query => "query",
                            ParameterIn::Header => "header",
                            ParameterIn::Cookie => "cookie",
                        },
                        required: matches!(p.required, utoipa::openapi::Required::True),
                        description: p.description.clone().unwrap_or_default(),
                    })
                    .collect(),
                statuses: op.responses.responses.keys().cloned().collect(),
            })
        })
        .collect();
    crate::web::ok(&DocsPage {
        page,
        title: doc.info.title.clone(),
        description: doc.info.description.clone().unwrap_or_default(),
        version: doc.info.version.clone(),
        endpoints,
    })
}
