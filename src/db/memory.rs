//! What the server keeps in memory of one database between requests: values derived from it
//! that many requests read and few writes change (the gazetteer: the places near each place,
//! places by id, the areas, the places that cannot be a map's point; the record numbers of
//! likely duplicates' candidates; the lists' counts, the files on an incident list page's rows
//! and the map's figures; on
//! PostgreSQL, the lexemes of a search's words, which no write changes), each kept with the
//! stamp of the database's state it was derived from and dropped when the stamp moves. Only
//! reads (`Db::read`) store.
//!
//! A [`Db`](super::Db) owns one [`Memory`] and names it for the thread while a closure of
//! `Db::run` or `Db::read` runs ([`enter`]), as the writer is named: the code that reads the
//! database finds it with [`with`] and needs no handle passed down. Each `Db` has its own, so
//! two databases in one process (the tests run many) never share a value. Where none is named
//! (command-line jobs), nothing is kept and the value is derived again.
//!
//! No record belongs here, and nothing reaches a page from here but through a viewer's scope:
//! what is kept is either read by every viewer alike, and then what a scoped query narrows
//! (neighbours' ids, candidates' record numbers), or given out only by id for rows a scoped
//! query found (places), or filtered for each viewer by the permission rule before it is shown
//! (areas, by `permissions::can_view_place`); or it is the answer of one scope's own query, kept
//! under that scope's role and organisation and given to no other (the incident list's counts and
//! the map's figures, `incidents::kept_answers`).

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
    /// What the `Db::read` running on this thread has read once for all of it; `None`
    /// outside one.
    static ONCE_A_READ: RefCell<Option<ReadOnce>> = const { RefCell::new(None) };
}

/// Values read once for a whole read, by type.
pub type ReadOnce = Vec<(TypeId, Box<dyn Any>)>;

/// Names `memory` as this thread's until the returned guard is dropped.
pub fn enter(memory: Arc<Memory>) -> Restore<Option<Arc<Memory>>> {
    on_thread::set(&CURRENT, Some(memory))
}

/// Begins a read (`Db::read`): until the guard drops, [`once_a_read`] reads each kind once.
pub fn reading_once() -> Restore<Option<ReadOnce>> {
    on_thread::set(&ONCE_A_READ, Some(Vec::new()))
}

/// Tells the read running on this thread (`Db::read`) a value of type `T` it need not read: what
/// the request read before it, by the same rule as [`once_a_read`]'s (the stamps its session's
/// look-up read, `stamps::for_request`). Outside a read, nothing.
pub fn known_to_the_read<T: Clone + 'static>(value: T) {
    ONCE_A_READ.with(|s| {
        if let Some(values) = s.borrow_mut().as_mut() {
            values.retain(|(kind, _)| *kind != TypeId::of::<T>());
            values.push((TypeId::of::<T>(), Box::new(value)));
        }
    });
}

/// A value of type `T`, from `read` the first time one read (`Db::read`) asks for it and the
/// same for the rest of that read; outside a read, from `read` every time. For what a page
/// reads from several places: the stamps of what is kept (the home page asked for the
/// gazetteer's five times) and the organisations, each a round trip on PostgreSQL. The same
/// within a read is safe: on SQLite a read is one snapshot, so it could not have changed; on
/// PostgreSQL a page is one moment, and a stamp read first is never newer than the rows the
/// read's later statements see, so what is kept under it is never older than the stamp says.
pub fn once_a_read<T: Clone + 'static, E>(read: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let known = ONCE_A_READ.with(|s| {
        s.borrow().as_ref().and_then(|values| {
            values
                .iter()
                .find(|(kind, _)| *kind == TypeId::of::<T>())
                .and_then(|(_, v)| v.downcast_ref::<T>().cloned())
        })
    });
    if let Some(value) = known {
        return Ok(value);
    }
    let value = read()?;
    ONCE_A_READ.with(|s| {
        if let Some(values) = s.borrow_mut().as_mut() {
            values.push((TypeId::of::<T>(), Box::new(value.clone())));
        }
    });
    Ok(value)
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

    #[test]
    fn read_once_a_read_and_every_time_outside_one() {
        #[derive(Clone, Debug, PartialEq)]
        struct Changes(i64);
        #[derive(Clone, Debug, PartialEq)]
        struct Other(i64);
        let reads = std::cell::Cell::new(0);
        let read = || -> Result<i64, ()> {
            reads.set(reads.get() + 1);
            Ok(40 + reads.get())
        };
        let changes = || once_a_read(|| read().map(Changes));
        assert_eq!(changes(), Ok(Changes(41)));
        assert_eq!(changes(), Ok(Changes(42)), "outside a read: every time");
        {
            let _read = reading_once();
            assert_eq!(changes(), Ok(Changes(43)));
            assert_eq!(changes(), Ok(Changes(43)), "once a read");
            assert_eq!(
                once_a_read(|| read().map(Other)),
                Ok(Other(44)),
                "each kind its own"
            );
            assert_eq!(reads.get(), 4);
        }
        let _next = reading_once();
        assert_eq!(changes(), Ok(Changes(45)), "the next read reads again");
    }
}
