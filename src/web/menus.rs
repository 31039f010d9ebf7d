//! Menus that cost more to build than the pages that show them (the convoy list's destinations
//! take a look-up per place): kept for a minute, and dropped at once when this process saves a
//! convoy. Another server sharing the database shows a new destination within the minute.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::convoys::list;
use crate::db::Db;
use crate::error::AppError;
use crate::locations::PlaceName;

const KEEP: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct Menus {
    destinations: Mutex<Option<(Instant, Arc<Vec<PlaceName>>)>>,
}

impl Menus {
    /// The places convoys go to, for the convoy list's filter.
    pub async fn destinations(&self, db: &Db) -> Result<Arc<Vec<PlaceName>>, AppError> {
        if let Some((at, places)) = &*self.lock() {
            if at.elapsed() < KEEP {
                return Ok(Arc::clone(places));
            }
        }
        let places = Arc::new(db.run(list::destinations).await?);
        *self.lock() = Some((Instant::now(), Arc::clone(&places)));
        Ok(places)
    }

    /// Forgets the menus built from convoys (one was saved).
    pub fn convoys_changed(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Instant, Arc<Vec<PlaceName>>)>> {
        // A panic while holding the lock leaves only a cache behind: use it anyway.
        self.destinations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
