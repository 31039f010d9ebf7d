//! People, organisations, sign-in sessions, sign-in throttling and first-start set-up.

pub mod logos;
pub mod models;
pub mod organizations;
pub mod passwords;
pub mod sessions;
pub mod setup;
pub mod throttle;
pub mod users;

pub use models::{Organization, User};

/// A random token of 32 bytes, hex-encoded (256 bits).
pub fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// SHA-256 of a token, as stored in the database in its place.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}
