//! Deadlines for parked calls: a parked call's waker is notified when the call's timeout
//! passes, so that an event loop watching the call's descriptor wakes up, polls, and sees the
//! timeout, instead of sleeping until an answer that may never come.
//!
//! One thread (started on first use, like the epoch ticker) sleeps until the earliest deadline.
//! Entries hold weak references and the waker's alarm token: a call that finishes first costs
//! nothing but its entry, and entries of ended calls are dropped when they come due or when
//! the queue grows.

use super::pending::Waker;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Instant;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

struct Entry {
    at: Instant,
    /// Tie-breaker (and a stable order for equal deadlines).
    id: u64,
    waker: Weak<Waker>,
    /// The waker's alarm token when this was set (see `Waker::arm`).
    token: u64,
}

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.id) == (o.at, o.id)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.at, self.id).cmp(&(o.at, o.id))
    }
}

struct Alarm {
    queue: Mutex<(BinaryHeap<Reverse<Entry>>, u64)>,
    changed: Condvar,
}

/// Past this many queued entries, those of ended calls are swept out on insertion.
const SWEEP_AT: usize = 1024;

fn alarm() -> Option<&'static Alarm> {
    static ALARM: OnceLock<Alarm> = OnceLock::new();
    static RUNNING: OnceLock<bool> = OnceLock::new();
    let a = ALARM.get_or_init(|| Alarm {
        queue: Mutex::new((BinaryHeap::new(), 0)),
        changed: Condvar::new(),
    });
    // Without a thread, deadlines still end calls when they are polled or waited on; only the
    // descriptor stays quiet.
    let running = RUNNING.get_or_init(|| {
        std::thread::Builder::new()
            .name("packr-deadline".into())
            .spawn(move || run(a))
            .is_ok()
    });
    running.then_some(a)
}

fn run(a: &Alarm) {
    let mut q = lock(&a.queue);
    loop {
        let now = Instant::now();
        while let Some(Reverse(e)) = q.0.peek()
            && e.at <= now
        {
            let Some(Reverse(e)) = q.0.pop() else {
                break;
            };
            if let Some(w) = e.waker.upgrade() {
                w.ring(e.token);
            }
        }
        q = match q.0.peek() {
            Some(Reverse(e)) => {
                let d = e.at.saturating_duration_since(now);
                match a.changed.wait_timeout(q, d) {
                    Ok((g, _)) => g,
                    Err(p) => p.into_inner().0,
                }
            }
            None => a.changed.wait(q).unwrap_or_else(|p| p.into_inner()),
        };
    }
}

/// Notifies `w` at `at` (at once if `at` has passed), unless `w.disarm()` (or another
/// `ring_at`) comes first.
pub(crate) fn ring_at(at: Instant, w: &Arc<Waker>) {
    let Some(a) = alarm() else {
        return;
    };
    let token = w.arm();
    let mut q = lock(&a.queue);
    if q.0.len() >= SWEEP_AT {
        // Entries whose call has ended (its waker gone, or set for another call since).
        q.0.retain(|Reverse(e)| e.waker.upgrade().is_some_and(|w| w.armed_with(e.token)));
    }
    q.1 += 1;
    let id = q.1;
    let earliest = q.0.peek().is_none_or(|Reverse(e)| at < e.at);
    q.0.push(Reverse(Entry {
        at,
        id,
        waker: Arc::downgrade(w),
        token,
    }));
    if earliest {
        a.changed.notify_one();
    }
}
