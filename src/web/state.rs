//! What every request shares: the database, the settings and the menus kept between requests.
//! Built by `startup`, read by the handlers as `State`.

use actix_web::web;

use crate::config::Settings;
use crate::db::Db;
use crate::web::menus::Menus;

/// Shared by every request.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub menus: Menus,
    /// Signs audit checkpoints (the key never enters the database).
    pub signer: std::sync::Arc<crate::audit::checkpoint::Signer>,
    /// Lets only so many password hashes run at once.
    pub hashing: crate::accounts::passwords::HashingGate,
    /// Where evidence files are kept.
    pub blobs: std::sync::Arc<dyn crate::blobs::BlobStore>,
    /// The read API's reads not yet written to the database.
    pub api_reads: crate::api::reads::ReadCounter,
}

pub type State = web::Data<AppState>;
