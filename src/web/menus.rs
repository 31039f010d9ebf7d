//! Menus that cost more to build than the pages that show them (the convoy list's destinations
//! take a look-up per place): kept for a minute for each audience (coordinators and auditors
//! alike; each organisation's reporters apart, since they see different convoys), and dropped
//! at once when this process saves a convoy. Another server sharing the database shows a new
//! destination within the minute. One request at a time builds a menu: the others meanwhile
//! are given the one kept before, or wait for it when there is none. Every request that found
//! the menu missing built it at once before: sixteen at the first page of a benchmark, 27–72
//! ms each on PostgreSQL at a million incidents, the status filter's p95 at 244 ms.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::convoys::list;
use crate::db::Db;
use crate::error::AppError;
use crate::locations::PlaceName;
use crate::records::Scope;

const KEEP: Duration = Duration::from_secs(60);

/// Who a menu was built for: everyone who sees every record, or one organisation's reporters.
type Audience = Option<i64>;

/// A menu as kept and handed out.
type Menu = Arc<Vec<PlaceName>>;

type Kept = HashMap<Audience, (Instant, Menu)>;

#[derive(Default)]
pub struct Menus {
    destinations: Mutex<Kept>,
    /// Held by the one request building a menu.
    building: tokio::sync::Mutex<()>,
}

impl Menus {
    /// The places convoys go to, for the convoy list's filter.
    pub async fn destinations(&self, db: &Db, scope: Scope) -> Result<Menu, AppError> {
        let audience = (!scope.sees_all()).then_some(scope.viewer().organization_id);
        let (fresh, stale) = self.kept(audience);
        if let Some(places) = fresh {
            return Ok(places);
        }
        let _building = match stale {
            Some(places) => match self.building.try_lock() {
                Ok(building) => building,
                // Another request is building it: the one kept before, meanwhile.
                Err(_) => return Ok(places),
            },
            None => self.building.lock().await,
        };
        // Built by the request this one waited for?
        if let (Some(places), _) = self.kept(audience) {
            return Ok(places);
        }
        let viewer = scope.viewer();
        let places = Arc::new(db.run(move |conn| list::destinations(conn, viewer)).await?);
        self.lock()
            .insert(audience, (Instant::now(), Arc::clone(&places)));
        Ok(places)
    }

    /// The kept menu for `audience`: fresh (built within `KEEP`), or else stale.
    fn kept(&self, audience: Audience) -> (Option<Menu>, Option<Menu>) {
        match self.lock().get(&audience) {
            Some((at, places)) if at.elapsed() < KEEP => (Some(Arc::clone(places)), None),
            Some((_, places)) => (None, Some(Arc::clone(places))),
            None => (None, None),
        }
    }

    /// Forgets the menus built from convoys (one was saved).
    pub fn convoys_changed(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic while holding the lock leaves only a cache behind: use it anyway.
        self.destinations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
