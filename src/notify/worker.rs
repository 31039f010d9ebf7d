//! The delivery worker: a background task on each node (started with the server, never on a
//! request's path). Each tick it claims events and turns them into deliveries, then claims
//! the due deliveries and sends them. Everything it works on is in the database, so a node
//! that stops loses nothing: what it had claimed is taken over after the lease (`claim`).

use std::sync::Arc;

use super::claim::{self, Queue};
use super::{deliveries, matching, send::Sender, subscriptions::Channel};
use crate::accounts::users;
use crate::audit;
use crate::config::NotifySettings;
use crate::db::Db;
use crate::error::AppError;

/// Work taken per claim: small enough that a node that dies leaves little to wait for.
const BATCH: i64 = 50;

/// Runs forever, waking every `poll`.
pub async fn run(db: Db, settings: NotifySettings, base_url: String, poll: std::time::Duration) {
    let sender = match Sender::new(&settings) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            tracing::error!(error = %e, "subscriptions: cannot start the delivery worker");
            return;
        }
    };
    // Tells this node's claims from another's.
    let node = format!("node-{}", hex::encode(rand::random::<[u8; 8]>()));
    let mut tick = tokio::time::interval(poll);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = once(&db, &settings, &base_url, &node, &sender).await {
            tracing::warn!(error = %e, "subscriptions: delivery round failed; trying again");
            let n = node.clone();
            if let Err(e) = db.run(move |conn| claim::release(conn, &n)).await {
                tracing::warn!(error = %e, "subscriptions: claims kept until the lease ends");
            }
        }
    }
}

/// One round: events to deliveries, then due deliveries sent.
pub async fn once(
    db: &Db,
    settings: &NotifySettings,
    base_url: &str,
    node: &str,
    sender: &Sender,
) -> Result<(), AppError> {
    let (n, b) = (node.to_string(), base_url.to_string());
    db.run(move |conn| loop {
        let events = claim::claim(conn, Queue::Events, &n, audit::now(), BATCH)?;
        if events.is_empty() {
            return Ok(());
        }
        matching::process(conn, &events, &b)?;
    })
    .await?;
    loop {
        let n = node.to_string();
        let groups = db
            .run(move |conn| {
                let ids = claim::claim(conn, Queue::Deliveries, &n, audit::now(), BATCH)?;
                let groups = deliveries::load(conn, &ids)?;
                let mut with_language = Vec::with_capacity(groups.len());
                for (sub, search, ds) in groups {
                    let language = users::find(conn, sub.user_id)?.0.language;
                    with_language.push((sub, search, ds, language));
                }
                Ok(with_language)
            })
            .await?;
        if groups.is_empty() {
            return Ok(());
        }
        for (sub, search, ds, language) in groups {
            let mut results = Vec::new();
            if !sub.active() {
                let attempt = deliveries::Attempt {
                    ok: false,
                    status: None,
                    error: "subscription revoked".into(),
                };
                results.push((ds.iter().map(|d| d.id).collect::<Vec<_>>(), attempt));
            } else if sub.channel() == Channel::Email {
                let attempt = sender.email(&sub, &search, language.as_deref(), &ds).await;
                results.push((ds.iter().map(|d| d.id).collect(), attempt));
            } else {
                for d in &ds {
                    results.push((vec![d.id], sender.webhook(&sub, &search, d).await));
                }
            }
            let (retry, max) = (settings.retry_base, settings.max_attempts);
            let max = if sub.active() { max } else { 1 };
            db.run(move |conn| {
                for (ids, attempt) in &results {
                    deliveries::record(conn, ids, attempt, audit::now(), retry, max)?;
                }
                Ok(())
            })
            .await?;
        }
    }
}
