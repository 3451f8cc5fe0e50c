//! The idle instance sets of a composition, ready for the next call.
//!
//! A call checks a set out and returns it when it is done, last in, first out while calls do
//! not overlap: sequential calls from one thread keep running on the same instances (and see
//! the state the previous call left in them). Overlapping calls may get any idle set, or a new
//! one. The set on top is kept in an atomic slot, so the common case, one call at a time,
//! costs one atomic swap to check out and one to check in, without a lock. The sets under it
//! wait in a locked list.

use std::sync::Mutex;
use std::sync::atomic::{AtomicPtr, Ordering};

/// How many idle sets a pool keeps (the slot and the list together).
const KEEP: usize = 16;

/// A last-in, first-out pool of boxed `T`. On cache lines of its own: every call writes it, and
/// other threads read the fields around it on every call.
#[repr(align(128))]
pub(crate) struct Pool<T> {
    /// The set returned last, or null (then the list's last set is the top).
    slot: AtomicPtr<T>,
    /// The sets under the top one, oldest first.
    rest: Mutex<Vec<Box<T>>>,
}

impl<T> Pool<T> {
    pub(crate) fn new() -> Pool<T> {
        Pool {
            slot: AtomicPtr::new(std::ptr::null_mut()),
            rest: Mutex::new(Vec::new()),
        }
    }

    /// The set returned last, or None when the pool is empty.
    #[inline]
    pub(crate) fn take(&self) -> Option<Box<T>> {
        let p = self.slot.swap(std::ptr::null_mut(), Ordering::Acquire);
        if !p.is_null() {
            // SAFETY: the slot only ever holds a pointer from Box::into_raw (in `put`), and
            // the swap took it out, so this is now its only owner.
            return Some(unsafe { Box::from_raw(p) });
        }
        self.take_rest()
    }

    #[cold]
    fn take_rest(&self) -> Option<Box<T>> {
        lock(&self.rest).pop()
    }

    /// Returns a set: it goes on top, and the pool drops its oldest set when it holds too many.
    #[inline]
    pub(crate) fn put(&self, set: Box<T>) {
        let old = self.slot.swap(Box::into_raw(set), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: as in `take`: the swap took `old` out of the slot.
            self.put_rest(unsafe { Box::from_raw(old) });
        }
    }

    /// Puts the set that was on top under the new one.
    #[cold]
    fn put_rest(&self, set: Box<T>) {
        let evicted = {
            let mut rest = lock(&self.rest);
            let evicted = (rest.len() + 1 >= KEEP).then(|| rest.remove(0));
            rest.push(set);
            evicted
        };
        // Dropped outside the lock: freeing a set (its memories) takes a while.
        drop(evicted);
    }
}

impl<T> Drop for Pool<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

// SAFETY: the pool owns its sets (as a Mutex<Vec<Box<T>>> would) and hands each to one
// thread at a time; the slot is only read and written with atomic swaps.
unsafe impl<T: Send> Send for Pool<T> {}
// SAFETY: as above; `&Pool` only moves whole sets in and out.
unsafe impl<T: Send> Sync for Pool<T> {}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    /// Counts live sets, to check that the pool neither leaks nor double-frees.
    struct Set {
        tag: usize,
        live: Arc<AtomicUsize>,
        in_use: bool,
    }
    impl Drop for Set {
        fn drop(&mut self) {
            self.live.fetch_sub(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn last_in_first_out_bounded_and_nothing_lost() {
        let live = Arc::new(AtomicUsize::new(0));
        let set = |tag: usize| {
            live.fetch_add(1, Ordering::SeqCst);
            Box::new(Set {
                tag,
                live: live.clone(),
                in_use: false,
            })
        };
        let pool = Arc::new(Pool::new());
        assert!(pool.take().is_none());
        for i in 1..=3 {
            pool.put(set(i));
        }
        let a = pool.take().expect("3");
        pool.put(set(4));
        let order: Vec<usize> = std::iter::from_fn(|| pool.take()).map(|s| s.tag).collect();
        assert_eq!(order, [4, 2, 1]);
        assert_eq!(a.tag, 3);
        drop(a);
        assert_eq!(live.load(Ordering::SeqCst), 0);

        for i in 0..2 * KEEP {
            pool.put(set(i));
        }
        assert_eq!(
            live.load(Ordering::SeqCst),
            KEEP,
            "the pool keeps {KEEP} sets"
        );
        assert_eq!(pool.take().map(|s| s.tag), Some(2 * KEEP - 1));

        // Two threads taking and returning sets never hold the same one at once.
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        let Some(mut s) = pool.take() else { continue };
                        assert!(!s.in_use, "set {} handed out twice", s.tag);
                        s.in_use = true;
                        std::hint::spin_loop();
                        s.in_use = false;
                        pool.put(s);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("no panic");
        }
        assert_eq!(live.load(Ordering::SeqCst), KEEP - 1);
        drop(pool);
        assert_eq!(
            live.load(Ordering::SeqCst),
            0,
            "dropping the pool frees its sets"
        );
    }
}
