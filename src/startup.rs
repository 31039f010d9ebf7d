//! Builds the application: database ready, server bound (port 0 in tests), routes and
//! middleware in place; then serves until SIGTERM or SIGINT, finishing requests in flight.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::accounts::{passwords, setup, users};
use crate::api::reads::ReadCounter;
use crate::audit;
use crate::config::Settings;
use crate::db::Db;
use crate::web::AppState;

pub struct Application {
    port: u16,
    server: Server,
    /// Written once more when the server has stopped.
    api_reads: (ReadCounter, Db),
    /// The one-time link for the first administrator, when the database has no account yet.
    pub setup_link: Option<String>,
}

/// How long a shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        if let Some(threshold) = settings.slow_query {
            crate::db::slow_queries::log_slower_than(threshold);
        }
        let db = Db::new(settings.database.clone(), settings.db_pool_size);
        let prepared_db = db.clone();
        let setup_link = web::block(move || -> anyhow::Result<Option<String>> {
            prepared_db.migrate().map_err(|e| {
                anyhow::anyhow!(
                    "cannot prepare the {} database: {e}",
                    prepared_db.url.backend_name()
                )
            })?;
            let mut conn = prepared_db.conn()?;
            // Revisions written before they had their own audit events are vouched for by
            // one digest, so verification covers every one.
            audit::write(&mut conn, |conn| {
                audit::revision_hashes::seal_earlier_history(conn, &audit::Actor::system("startup"))
            })?;
            if users::count(&mut conn)? > 0 {
                return Ok(None);
            }
            Ok(Some(audit::write(&mut conn, setup::issue)?))
        })
        .await??
        .map(|token| format!("{}/setup?token={token}", settings.public_url));
        // The first sign-in should not pay for computing the dummy hash.
        std::thread::spawn(passwords::warm_up);

        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("CORRIDOR_BIND: cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let workers = settings.workers;
        let signer = std::sync::Arc::new(audit::checkpoint::Signer::from_settings(&settings));
        if let Some(every) = settings.audit_checkpoint_every {
            actix_web::rt::spawn(audit::checkpoint::run_periodic(
                db.clone(),
                signer.clone(),
                every,
            ));
        }
        let blobs = crate::blobs::open(settings.evidence_store.as_deref(), &settings.evidence_dir)
            .map_err(|e| match &settings.evidence_store {
                Some(_) => anyhow::anyhow!("CORRIDOR_EVIDENCE_STORE: {e}"),
                None => anyhow::anyhow!(
                    "CORRIDOR_EVIDENCE_DIR: cannot use '{}': {e}",
                    settings.evidence_dir.display()
                ),
            })?;
        // Subscriptions' deliveries, in the background: requests only queue events.
        if let Some(poll) = settings.notify.poll {
            actix_web::rt::spawn(crate::notify::worker::run(
                db.clone(),
                settings.notify.clone(),
                settings.public_url.clone(),
                poll,
            ));
        }
        // The read API counts reads in memory; they reach the database in batches.
        let api_reads = ReadCounter::default();
        actix_web::rt::spawn(crate::api::reads::run_periodic(
            api_reads.clone(),
            db.clone(),
            settings.api_reads_flush,
        ));
        let flush_at_stop = (api_reads.clone(), db.clone());
        let state = web::Data::new(AppState {
            api_reads,
            blobs,
            db,
            settings,
            menus: Default::default(),
            signer,
            hashing: crate::accounts::passwords::HashingGate::per_core(),
        });

        let server = HttpServer::new(move || {
            // Middleware runs outermost-last: the request log sees everything. The access
            // guard wraps each route (`web::routes::register`), just before its handler.
            App::new()
                .app_data(state.clone())
                .configure(crate::web::configure)
                .wrap(from_fn(crate::web::csrf::check))
                .wrap(from_fn(crate::web::session::load))
                .wrap(from_fn(crate::web::error_pages::render))
                .wrap(from_fn(crate::web::headers::secure))
                // Field connections are slow: compress pages (the stylesheet too).
                .wrap(actix_web::middleware::Compress::default())
                .wrap(tracing_actix_web::TracingLogger::<
                    crate::web::request_span::RequestSpan,
                >::new())
        })
        .workers(workers)
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_GRACE.as_secs())
        .client_request_timeout(Duration::from_secs(10))
        .client_disconnect_timeout(Duration::from_secs(5))
        .keep_alive(Duration::from_secs(30))
        .listen(listener)?
        .run();

        if let Some(link) = &setup_link {
            println!(
                "\nNo account exists yet. Open this link within 24 hours to set up the first administrator\n(it works once):\n\n    {link}\n"
            );
        }
        Ok(Self {
            port,
            server,
            api_reads: flush_at_stop,
            setup_link,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server stops; SIGTERM and SIGINT stop it gracefully.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutting down: finishing requests in flight");
            handle.stop(true).await;
        });
        tracing::info!(port = self.port, "Corridor is listening");
        let served = self.server.await;
        let (counter, db) = self.api_reads;
        if let Err(e) = counter.flush_to(&db).await {
            tracing::error!(error = %e, "API reads counted since the last write are lost");
        }
        served
    }

    /// For tests: serve in the background.
    pub fn spawn(self) -> u16 {
        let port = self.port;
        actix_web::rt::spawn(self.server);
        port
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
