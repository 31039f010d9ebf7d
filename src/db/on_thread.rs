//! Values a closure of [`Db::run`](super::Db::run) finds on its thread rather than as
//! arguments passed down through every handler: the database's writer, its kept memory, and
//! whether the request only reads. Each is set with a guard that puts back what the thread
//! held before when it drops, so a `Db::run` inside another (a test with a second database,
//! a job inside a request) leaves the outer one's as it found it.

use std::cell::RefCell;
use std::thread::LocalKey;

/// A thread-local value that [`set`] names for a while.
pub type Slot<T> = LocalKey<RefCell<T>>;

/// Names `value` in `slot` for this thread until the returned guard drops.
pub fn set<T: 'static>(slot: &'static Slot<T>, value: T) -> Restore<T> {
    let previous = slot.with(|c| c.replace(value));
    Restore {
        slot,
        previous: Some(previous),
    }
}

/// Puts back what the slot held before [`set`].
#[must_use = "the value is named only while the guard lives"]
pub struct Restore<T: 'static> {
    slot: &'static Slot<T>,
    previous: Option<T>,
}

impl<T: 'static> Drop for Restore<T> {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            self.slot.with(|c| *c.borrow_mut() = previous);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static NAMED: RefCell<u32> = const { RefCell::new(0) };
    }

    #[test]
    fn each_guard_puts_back_what_it_found() {
        {
            let _outer = set(&NAMED, 1);
            {
                let _inner = set(&NAMED, 2);
                assert_eq!(NAMED.with(|n| *n.borrow()), 2);
            }
            assert_eq!(NAMED.with(|n| *n.borrow()), 1, "the outer value again");
        }
        assert_eq!(NAMED.with(|n| *n.borrow()), 0, "as before either");
    }
}
