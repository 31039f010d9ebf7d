//! The yardsticks measured in the same run as the pages: a minimal page on Corridor's own stack
//! (actix-web, the same diesel pool over the same database, askama), one indexed query rendered,
//! as a one-row page and as a 50-row list; and a bare actix-web handler, the framework's ceiling.

use std::sync::mpsc;

use actix_web::{dev::ServerHandle, web, App, HttpResponse, HttpServer};
use askama::Template;
use chrono::NaiveDate;
use corridor::db::schema::incidents;
use corridor::db::{DatabaseUrl, Db};
use diesel::prelude::*;

use crate::data::Target;
use crate::drive::{wait_ready, Kind, Measure, Run};

#[derive(Template)]
#[template(
    source = "<!DOCTYPE html><html lang=\"en\"><title>{{ reference }}</title>\
              <h1>{{ title }}</h1><p>{{ occurred_on }}</p></html>",
    ext = "html"
)]
struct OnePage {
    reference: String,
    title: String,
    occurred_on: NaiveDate,
}

#[derive(Template)]
#[template(
    source = "<!DOCTYPE html><html lang=\"en\"><title>Incidents</title><table>\
              {% for r in rows %}<tr><td>{{ r.0 }}</td><td>{{ r.1 }}</td><td>{{ r.2 }}</td></tr>\
              {% endfor %}</table></html>",
    ext = "html"
)]
struct ListPage {
    rows: Vec<(String, String, NaiveDate)>,
}

/// The minimal page's two measures.
pub struct Minimal {
    pub one: Measure,
    pub list: Measure,
}

impl Minimal {
    /// The minimal measure a page of `kind` is compared with.
    pub fn of(&self, kind: Kind) -> &Measure {
        match kind {
            Kind::One => &self.one,
            Kind::List => &self.list,
        }
    }

    pub fn into_measures(self) -> [Measure; 2] {
        [self.one, self.list]
    }
}

pub fn measure(run: &Run, target: &Target, port: u16) -> anyhow::Result<Minimal> {
    let url = DatabaseUrl::parse(&target.database_url()).map_err(anyhow::Error::msg)?;
    let db = Db::new(url, 8);
    // Two workers, as the machine has two cores.
    let handle = serve(port, move || {
        Ok(HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(db.clone()))
                .route("/one/{id}", web::get().to(one))
                .route("/list", web::get().to(list))
                .route(
                    "/healthz",
                    web::get().to(|| async { HttpResponse::Ok().finish() }),
                )
        })
        .workers(2)
        .bind(("127.0.0.1", port))?
        .run())
    })?;
    let base = format!("http://127.0.0.1:{port}");
    let measured = (|| {
        Ok::<_, anyhow::Error>(Minimal {
            one: run.get(
                "minimal page: one row",
                Kind::One,
                &format!("{base}/one/4242"),
                "x=1",
            )?,
            list: run.get(
                "minimal page: 50-row list",
                Kind::List,
                &format!("{base}/list"),
                "x=1",
            )?,
        })
    })();
    stop(handle);
    measured
}

/// The ceiling: the same framework with nothing to do but answer a fixed small page.
pub fn ceiling(run: &Run, port: u16) -> anyhow::Result<Measure> {
    const PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><title>ok</title><p>ok</p></html>";
    let handle = serve(port, move || {
        Ok(HttpServer::new(|| {
            App::new().route(
                "/healthz",
                web::get().to(|| async { HttpResponse::Ok().content_type("text/html").body(PAGE) }),
            )
        })
        .workers(2)
        .bind(("127.0.0.1", port))?
        .run())
    })?;
    let m = run.get(
        "bare actix-web handler (ceiling)",
        Kind::One,
        &format!("http://127.0.0.1:{port}/healthz"),
        "x=1",
    );
    stop(handle);
    m
}

async fn one(db: web::Data<Db>, id: web::Path<i64>) -> HttpResponse {
    let id = id.into_inner();
    let row = db
        .run(move |conn| {
            Ok(incidents::table
                .find(id)
                .select((
                    incidents::reference,
                    incidents::title,
                    incidents::occurred_on,
                ))
                .first::<(String, String, NaiveDate)>(conn)?)
        })
        .await;
    match row {
        Ok((reference, title, occurred_on)) => html(OnePage {
            reference,
            title,
            occurred_on,
        }),
        Err(_) => HttpResponse::NotFound().finish(),
    }
}

async fn list(db: web::Data<Db>) -> HttpResponse {
    let rows = db
        .run(|conn| {
            Ok(incidents::table
                .order(incidents::id.desc())
                .limit(50)
                .select((
                    incidents::reference,
                    incidents::title,
                    incidents::occurred_on,
                ))
                .load::<(String, String, NaiveDate)>(conn)?)
        })
        .await;
    match rows {
        Ok(rows) => html(ListPage { rows }),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

fn html(page: impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::Ok().content_type("text/html").body(body),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

/// Starts a server on its own thread (made there: actix servers stay on their thread) and
/// waits until it answers.
fn serve(
    port: u16,
    make: impl FnOnce() -> std::io::Result<actix_web::dev::Server> + Send + 'static,
) -> anyhow::Result<ServerHandle> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = actix_web::rt::System::new().block_on(async move {
            let server = make()?;
            let _ = tx.send(server.handle());
            server.await
        });
    });
    let handle = rx.recv()?;
    wait_ready(&format!("http://127.0.0.1:{port}"))?;
    Ok(handle)
}

fn stop(handle: ServerHandle) {
    actix_web::rt::System::new().block_on(handle.stop(true));
}
