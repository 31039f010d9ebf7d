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

/// Lets at most `running` password checks run at once (each holds 19 MiB for its duration),
/// with at most `waiting` more queued behind them; anyone beyond is turned away at once
/// (the caller answers 503 with `Retry-After`), so a burst of sign-ins cannot grow memory
/// without bound or queue up work nobody will wait for.
#[derive(Clone)]
pub struct HashingGate {
    admitted: std::sync::Arc<tokio::sync::Semaphore>,
    running: std::sync::Arc<tokio::sync::Semaphore>,
}

/// A place at the gate: hashing may run while it is held.
pub struct HashingPermit {
    _admitted: tokio::sync::OwnedSemaphorePermit,
    _running: tokio::sync::OwnedSemaphorePermit,
}

impl HashingGate {
    pub fn new(running: usize, waiting: usize) -> Self {
        Self {
            admitted: std::sync::Arc::new(tokio::sync::Semaphore::new(running + waiting)),
            running: std::sync::Arc::new(tokio::sync::Semaphore::new(running)),
        }
    }

    /// One check per CPU core, and three times as many waiting.
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self::new(cores, cores * 3)
    }

    /// Waits for a turn to hash, or `None` at once when the queue is full.
    pub async fn enter(&self) -> Option<HashingPermit> {
        let admitted = self.admitted.clone().try_acquire_owned().ok()?;
        let running = self.running.clone().acquire_owned().await.ok()?;
        Some(HashingPermit {
            _admitted: admitted,
            _running: running,
        })
    }

    /// How many checks may start now without waiting.
    pub fn free(&self) -> usize {
        self.running.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_gate_runs_a_bounded_number_and_turns_away_beyond_the_queue() {
        let gate = HashingGate::new(2, 3);
        let first = gate.enter().await.expect("first runs");
        let second = gate.enter().await.expect("second runs");
        assert_eq!(gate.free(), 0);
        // Three more may wait; they are admitted but do not run yet.
        let waiting: Vec<_> = (0..3)
            .map(|_| {
                let gate = gate.clone();
                tokio::spawn(async move { gate.enter().await.is_some() })
            })
            .collect();
        tokio::task::yield_now().await;
        while gate.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        assert!(gate.enter().await.is_none(), "the sixth is turned away");
        assert_eq!(gate.free(), 0, "no more than two run");
        drop((first, second));
        for w in waiting {
            assert!(w.await.unwrap(), "the waiting ones get their turn");
        }
        assert!(gate.enter().await.is_some(), "and then there is room again");
    }
}
