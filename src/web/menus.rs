//! Menus that cost more to build than the pages that show them (the convoy list's destinations
//! take a look-up per place): kept for a minute for each audience (coordinators and auditors
//! alike; each organisation's reporters apart, since they see different convoys), and dropped
//! at once when this process saves a convoy. Another server sharing the database shows a new
//! destination within the minute.

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

type Kept = HashMap<Audience, (Instant, Arc<Vec<PlaceName>>)>;

#[derive(Default)]
pub struct Menus {
    destinations: Mutex<Kept>,
}

impl Menus {
    /// The places convoys go to, for the convoy list's filter.
    pub async fn destinations(
        &self,
        db: &Db,
        scope: Scope,
    ) -> Result<Arc<Vec<PlaceName>>, AppError> {
        let audience = (!scope.sees_all()).then_some(scope.viewer().organization_id);
        if let Some((at, places)) = self.lock().get(&audience) {
            if at.elapsed() < KEEP {
                return Ok(Arc::clone(places));
            }
        }
        let viewer = scope.viewer();
        let places = Arc::new(db.run(move |conn| list::destinations(conn, viewer)).await?);
        self.lock()
            .insert(audience, (Instant::now(), Arc::clone(&places)));
        Ok(places)
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
