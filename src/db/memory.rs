//! What the server keeps in memory of one database between requests: values derived from it
//! that many requests read and few writes change (the gazetteer: the places near each place,
//! places by id, the areas, the places that cannot be a map's point; the record numbers of
//! likely duplicates' candidates), each kept with the stamp of the database's state it was
//! derived from and dropped when the stamp moves. Only reads (`Db::read`) store.
//!
//! A [`Db`](super::Db) owns one [`Memory`] and names it for the thread while a closure of
//! `Db::run` or `Db::read` runs ([`enter`]), as the writer is named: the code that reads the
//! database finds it with [`with`] and needs no handle passed down. Each `Db` has its own, so
//! two databases in one process (the tests run many) never share a value. Where none is named
//! (command-line jobs), nothing is kept and the value is derived again.
//!
//! No record belongs here, and nothing reaches a page from here but through a viewer's scope:
//! what is kept is read by every viewer alike, so it is either what a scoped query then narrows
//! (neighbours' ids, candidates' record numbers), or given out only by id for rows a scoped
//! query found (places), or filtered for each viewer by the permission rule before it is shown
//! (areas, by `permissions::can_view_place`).

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::on_thread::{self, Restore};

/// One kind of value per type, each behind the one lock (held only to look up or store).
#[derive(Default)]
pub struct Memory(Mutex<HashMap<TypeId, Box<dyn Any + Send>>>);

thread_local! {
    static CURRENT: RefCell<Option<Arc<Memory>>> = const { RefCell::new(None) };
}

/// Names `memory` as this thread's until the returned guard is dropped.
pub fn enter(memory: Arc<Memory>) -> Restore<Option<Arc<Memory>>> {
    on_thread::set(&CURRENT, Some(memory))
}

/// Runs `f` on this database's kept value of type `T` as of `stamp` (the database state it is
/// derived from): what was kept at another stamp is dropped first, and the value starts again
/// from `T::default()`. `None` when no memory is named for the thread (nothing is kept). `f`
/// runs under the lock: keep it to lookups and stores, never a statement.
pub fn at<T, R>(stamp: i64, f: impl FnOnce(&mut T) -> R) -> Option<R>
where
    T: Default + Send + 'static,
{
    with(|kept: &mut Stamped<T>| {
        if kept.stamp != stamp {
            *kept = Stamped {
                stamp,
                value: T::default(),
            };
        }
        f(&mut kept.value)
    })
}

/// Stores into the kept `T` what a read derived at `stamp`: only inside `Db::read` (a write's
/// transaction may move the stamp and then roll back, and what it read must not be kept under
/// that stamp), and only if no other stamp has replaced it meanwhile.
pub fn keep<T>(stamp: i64, f: impl FnOnce(&mut T))
where
    T: Default + Send + 'static,
{
    if super::writer::is_reading() {
        with(|kept: &mut Stamped<T>| {
            if kept.stamp == stamp {
                f(&mut kept.value);
            }
        });
    }
}

/// A kept value and the stamp of the database state it was derived from.
#[derive(Default)]
struct Stamped<T> {
    stamp: i64,
    value: T,
}

/// Runs `f` on this database's kept value of type `T` (made with `T::default()` the first
/// time); `None` when no memory is named for the thread.
fn with<T, R>(f: impl FnOnce(&mut T) -> R) -> Option<R>
where
    T: Default + Send + 'static,
{
    let memory = CURRENT.with(|c| c.borrow().clone())?;
    // A panic under the lock can leave a value half-stored, never unsafe: each kind is
    // stamped, and the next change of the database drops it.
    let mut kept = memory.0.lock().unwrap_or_else(PoisonError::into_inner);
    let value = kept
        .entry(TypeId::of::<T>())
        .or_insert_with(|| Box::new(T::default()));
    value.downcast_mut::<T>().map(f)
}

/// Copies into `found` what `kept` holds for each of `wanted` (by its `id`), and returns those
/// it holds nothing for, to be read from the database.
pub fn found_and_missing<T: Copy, V: Clone>(
    kept: &HashMap<i64, V>,
    wanted: &[T],
    id: impl Fn(T) -> i64,
    found: &mut HashMap<i64, V>,
) -> Vec<T> {
    wanted
        .iter()
        .copied()
        .filter(|w| match kept.get(&id(*w)) {
            Some(value) => {
                found.insert(id(*w), value.clone());
                false
            }
            None => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_database_keeps_its_own_and_a_job_keeps_nothing() {
        let (one, two) = (Arc::new(Memory::default()), Arc::new(Memory::default()));
        assert_eq!(with(|n: &mut u32| *n), None, "nothing named: nothing kept");
        {
            let _one = enter(one.clone());
            with(|n: &mut u32| *n = 7);
            {
                let _two = enter(two.clone());
                assert_eq!(with(|n: &mut u32| *n), Some(0), "the other database's own");
            }
            assert_eq!(with(|n: &mut u32| *n), Some(7), "back to the first");
        }
        assert_eq!(with(|n: &mut u32| *n), None, "left again");
    }
}
