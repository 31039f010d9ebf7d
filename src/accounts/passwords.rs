//! Argon2id hashing (the crate's defaults: 19 MiB, t=2, p=1). Call these from blocking threads.

use std::sync::LazyLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

use crate::domain::NewPassword;

/// A hash of nothing anyone knows, checked when the username is unknown or disabled, so the
/// answer takes as long as for a real account.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random: [u8; 32] = rand::random();
    hash_raw(&hex::encode(random))
});

fn hash_raw(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

/// A PHC string with algorithm, parameters and salt (so cost can rise later).
pub fn hash(password: &NewPassword) -> String {
    hash_raw(password.expose())
}

/// Checks `password` against `stored`; with `None` checks a dummy hash and returns false.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let stored = stored.unwrap_or(DUMMY_HASH.as_str());
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && !std::ptr::eq(stored, DUMMY_HASH.as_str())
}

/// Computes the dummy hash ahead of the first sign-in.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}
