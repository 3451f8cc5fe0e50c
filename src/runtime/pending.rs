//! Deferred host answers: completions, and the waker a parked call sleeps on.
//!
//! A host function may answer "later": it hands out a [`Completion`] and returns. Whoever holds
//! the completion finishes it from any thread with [`Completion::complete`]. Meanwhile the call
//! that needs the answer either waits for it (a packr-guest 0.5.4 or sync 0.24 guest, whose
//! import must return a value), or parks (an async packr-guest 0.24 guest: its import answers
//! PENDING with a completion id, its export returns PENDING, and the host resumes it through
//! `__pack_resume` once the answer is there).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What a host function returns: its answer now, or a promise of one. More variants may come.
#[non_exhaustive]
pub enum HostAnswer {
    Ready(Vec<u8>),
    /// The unit value `()`: libpackr writes it itself, so there are no bytes to check.
    Unit,
    Deferred(Arc<Completion>),
}

enum State {
    Waiting,
    Done(Result<Vec<u8>, String>),
    /// The answer was handed to the guest.
    Taken,
    /// The host dropped its handle without completing.
    Abandoned,
    /// The call that waited for it has ended (interrupted, timed out, freed).
    CallGone,
}

/// One deferred answer.
pub struct Completion {
    state: Mutex<State>,
    waker: Mutex<Option<Arc<Waker>>>,
}

/// Why [`Completion::complete`] was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompleteError {
    AlreadyCompleted,
    CallGone,
}

impl std::fmt::Display for CompleteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CompleteError::AlreadyCompleted => "this completion was already completed",
            CompleteError::CallGone => {
                "the call waiting for this completion has ended (interrupted, timed out, failed or freed)"
            }
        })
    }
}

impl Completion {
    pub fn new() -> Arc<Completion> {
        Arc::new(Completion {
            state: Mutex::new(State::Waiting),
            waker: Mutex::new(None),
        })
    }

    /// Delivers the answer (CGRF bytes) or a failure message. Once only.
    pub fn complete(&self, answer: Result<Vec<u8>, String>) -> Result<(), CompleteError> {
        {
            let mut s = lock(&self.state);
            match &*s {
                State::Waiting => *s = State::Done(answer),
                State::CallGone => return Err(CompleteError::CallGone),
                _ => return Err(CompleteError::AlreadyCompleted),
            }
        }
        self.wake();
        Ok(())
    }

    /// The host let go of its handle; a waiting call fails instead of waiting for ever.
    pub fn abandon(&self) {
        {
            let mut s = lock(&self.state);
            if matches!(*s, State::Waiting) {
                *s = State::Abandoned;
            } else {
                return;
            }
        }
        self.wake();
    }

    /// The call that waited for this completion has ended.
    pub(crate) fn call_gone(&self) {
        let mut s = lock(&self.state);
        if matches!(*s, State::Waiting) {
            *s = State::CallGone;
        }
    }

    fn wake(&self) {
        if let Some(w) = lock(&self.waker).clone() {
            w.notify();
        }
    }

    /// The answer, once: None while the host has not answered.
    pub(crate) fn take(&self) -> Option<Result<Vec<u8>, String>> {
        let mut s = lock(&self.state);
        match std::mem::replace(&mut *s, State::Taken) {
            State::Waiting => {
                *s = State::Waiting;
                None
            }
            State::Done(r) => Some(r),
            State::Abandoned => Some(Err(
                "the host freed the completion without completing it".into()
            )),
            State::Taken | State::CallGone => Some(Err("the answer was already taken".into())),
        }
    }

    /// True once an answer (or abandonment) is there to take.
    pub(crate) fn ready(&self) -> bool {
        matches!(*lock(&self.state), State::Done(_) | State::Abandoned)
    }

    /// Wakes `w` when this completion is answered.
    pub(crate) fn attach(&self, w: &Arc<Waker>) {
        *lock(&self.waker) = Some(w.clone());
        if self.ready() {
            w.notify();
        }
    }
}

/// What a waiting call sleeps on: a counter bumped by every completion, a condition variable,
/// and (on request) a pipe that an event loop can watch.
pub struct Waker {
    seq: Mutex<u64>,
    cond: Condvar,
    pipe: Mutex<Option<(i32, i32)>>,
    /// The deadline alarm that may ring this waker: bumped when one is set and when the call
    /// it was set for ends, so that a pooled instance set's next call is not woken by an
    /// earlier call's deadline.
    alarm: AtomicU64,
}

impl Waker {
    pub fn new() -> Arc<Waker> {
        Arc::new(Waker {
            seq: Mutex::new(0),
            cond: Condvar::new(),
            pipe: Mutex::new(None),
            alarm: AtomicU64::new(0),
        })
    }

    /// A new alarm token (any earlier one stops counting).
    pub(crate) fn arm(&self) -> u64 {
        self.alarm.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// Ends the current alarm token.
    pub(crate) fn disarm(&self) {
        self.alarm.fetch_add(1, Ordering::AcqRel);
    }

    /// True if `token` is still the current alarm.
    pub(crate) fn armed_with(&self, token: u64) -> bool {
        self.alarm.load(Ordering::Acquire) == token
    }

    /// Notifies if `token` is still the current alarm.
    pub(crate) fn ring(&self, token: u64) {
        if self.armed_with(token) {
            self.notify();
        }
    }

    pub(crate) fn notify(&self) {
        *lock(&self.seq) += 1;
        self.cond.notify_all();
        if let Some((_, w)) = *lock(&self.pipe) {
            let b = 1u8;
            // SAFETY: w is the write end of our own non-blocking pipe; a full pipe already
            // signals readiness, so a failed write loses nothing.
            unsafe { libc::write(w, (&b as *const u8).cast(), 1) };
        }
    }

    /// The current count (to wait for a change from).
    pub(crate) fn seq(&self) -> u64 {
        *lock(&self.seq)
    }

    /// Sleeps until the count differs from `seen` or `until` passes.
    pub(crate) fn wait(&self, seen: u64, until: Instant) {
        let mut g = lock(&self.seq);
        while *g == seen {
            let now = Instant::now();
            if now >= until {
                return;
            }
            g = match self.cond.wait_timeout(g, until - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }

    /// A file descriptor that becomes readable when a completion arrives (created on first
    /// use; owned by the waker).
    pub(crate) fn fd(&self) -> std::io::Result<i32> {
        let mut p = lock(&self.pipe);
        if let Some((r, _)) = *p {
            return Ok(r);
        }
        let mut fds = [0i32; 2];
        // SAFETY: fds has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        *p = Some((fds[0], fds[1]));
        Ok(fds[0])
    }

    /// Empties the pipe (called before looking for answers, so readiness means news).
    pub(crate) fn drain(&self) {
        if let Some((r, _)) = *lock(&self.pipe) {
            let mut buf = [0u8; 64];
            // SAFETY: r is our non-blocking read end; reading stops at EAGAIN.
            while unsafe { libc::read(r, buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
        }
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        if let Some((r, w)) = *lock(&self.pipe) {
            // SAFETY: both descriptors are ours and closed once.
            unsafe {
                libc::close(r);
                libc::close(w);
            }
        }
    }
}
