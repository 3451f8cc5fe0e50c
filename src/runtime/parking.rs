//! Async packr-guest 0.24 packages: parked tasks, `__pack_resume`, and calls that finish later.
//!
//! The protocol (packr-guest 0.24's executor): an async export returns 1 (PENDING) while its
//! task waits for an import that answered 1 with a completion id in its pointer slot. When the
//! answer is there, the host places it in the guest (`__pack_alloc`) and calls
//! `__pack_resume(id, ptr, len, out_ptr_ptr, out_len_ptr)`, which returns 0 with the export's
//! result in the slots, 1 while the task still waits, or -1. The guest never frees the resumed
//! buffer; the host does. Only host functions that defer their answer make a task park: wired
//! packages answer before their import returns.

use super::abi::{self, CallError, read_result, release};
use super::composition::{Composition, InstanceSet, StoreData, accept, guest_alloc};
use super::error::{ErrorKind, Result};
use super::pending::Completion;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use wasmtime::{AsContextMut, StoreContextMut};

/// A completion id handed to a parked package.
pub(crate) struct ParkedImport {
    pub pkg: usize,
    pub id: u32,
    pub completion: Arc<Completion>,
}

/// Raised through the top-level call when its package parks (only when the call may park).
#[derive(Debug)]
pub(crate) struct Parked;

impl std::fmt::Display for Parked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("parked")
    }
}
impl std::error::Error for Parked {}

/// An instant no wait reaches.
pub(crate) fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(60 * 60 * 24 * 365)
}

/// Sleeps until `ready()` holds, the call's deadline passes or the composition is interrupted.
pub(crate) fn wait_for(
    d: &StoreData,
    ready: impl Fn() -> bool,
) -> std::result::Result<(), CallError> {
    wait_until(d, &ready, far_future()).map(|_| ())
}

/// [`wait_for`], giving up (Ok(false)) at `until`.
fn wait_until(
    d: &StoreData,
    ready: &dyn Fn() -> bool,
    until: Instant,
) -> std::result::Result<bool, CallError> {
    loop {
        let seen = d.waker.seq();
        if ready() {
            return Ok(true);
        }
        if d.interrupts.load(Ordering::SeqCst) != d.call_gen {
            return Err(CallError {
                kind: ErrorKind::Interrupted,
                message: "interrupted by packr_composition_interrupt while waiting for a deferred host answer".into(),
                trapped: true,
                hops: 0,
            });
        }
        let now = Instant::now();
        if let Some(t) = d.deadline
            && now >= t
        {
            return Err(CallError {
                kind: ErrorKind::Limit,
                message: format!(
                    "timeout: the call ran longer than its limit of {} ms (waiting for a deferred host answer)",
                    d.limits.timeout_ms
                ),
                trapped: true,
                hops: 0,
            });
        }
        if now >= until {
            return Ok(false);
        }
        // Interrupts do not signal the waker: look again every 2 ms.
        let mut next = (now + Duration::from_millis(2)).min(until);
        if let Some(t) = d.deadline {
            next = next.min(t);
        }
        d.waker.wait(seen, next);
    }
}

/// Drives package `pkg`'s parked task: resumes it with each deferred answer as it arrives,
/// until the export's result is there (Some) or, with nothing ready, `until` passes (None;
/// `until` None means "do not wait"). Limits and interrupts apply throughout.
pub(crate) fn drive(
    mut cx: StoreContextMut<'_, StoreData>,
    pkg: usize,
    until: Option<Instant>,
) -> wasmtime::Result<Option<Vec<u8>>> {
    let handles = cx.data().handles().clone();
    let h = &handles[pkg];
    let Some(resume) = h.resume.clone() else {
        return Err(trap(format!(
            "{} cannot be resumed: it has no __pack_resume",
            h.name
        )));
    };
    loop {
        cx.data().waker.drain();
        let ready = cx
            .data()
            .parked
            .iter()
            .position(|p| p.pkg == pkg && p.completion.ready());
        let Some(i) = ready else {
            if !cx.data().parked.iter().any(|p| p.pkg == pkg) {
                return Err(trap(
                    "returned PENDING (1), but waits for no import that libpackr answered later"
                        .into(),
                ));
            }
            let d = cx.data();
            let Some(until) = until else {
                // Not waiting, but the limits still apply: an interrupt or a passed deadline
                // ends the call now.
                wait_until(d, &|| false, Instant::now()).map_err(wasmtime::Error::new)?;
                return Ok(None);
            };
            let any_ready = || {
                d.parked
                    .iter()
                    .any(|p| p.pkg == pkg && p.completion.ready())
            };
            if !wait_until(d, &any_ready, until).map_err(wasmtime::Error::new)? {
                return Ok(None);
            }
            continue;
        };
        let p = cx.data_mut().parked.remove(i);
        let answer = p
            .completion
            .take()
            .unwrap_or_else(|| Err("no answer".into()));
        let bytes = answer
            .map_err(|m| {
                let mut c = CallError::new(
                    ErrorKind::Host,
                    format!("the deferred host answer for completion {}: {m}", p.id),
                );
                // The guest cannot be told: its task stays parked, so the set is discarded.
                c.trapped = true;
                c
            })
            .and_then(|b| accept(cx.data(), pkg, b))
            .map_err(|mut c| {
                c.trapped = true;
                wasmtime::Error::new(c)
            })?;
        let Some(r) = guest_alloc(&mut cx, h, &bytes, "a deferred host answer")? else {
            return Err(trap(format!(
                "__pack_alloc({}) returned 0 for a deferred host answer",
                bytes.len()
            )));
        };
        let slots = cx.data().states[pkg].slots;
        abi::write_guest(&mut cx, h.memory, slots, &[0; 8], "the result slots")?;
        let status = resume.call(
            &mut cx,
            (
                p.id as i32,
                r as i32,
                bytes.len() as i32,
                slots as i32,
                slots.wrapping_add(4) as i32,
            ),
        )?;
        release(&mut cx, h, r, bytes.len() as u32)?;
        match status {
            0 => {
                let what = "the result (pointer and length __pack_resume returned)";
                let ((op, ol), out) = read_result(&cx, h, slots, what)?;
                release(&mut cx, h, op, ol)?;
                return Ok(Some(out));
            }
            1 => continue,
            -1 => {
                return Err(trap(format!(
                    "__pack_resume({}) returned -1: the package could not take the answer",
                    p.id
                )));
            }
            s => {
                return Err(trap(format!(
                    "__pack_resume returned status {s} (0 READY, 1 PENDING or -1 are the only answers)"
                )));
            }
        }
    }
}

fn trap(message: String) -> wasmtime::Error {
    wasmtime::Error::new(CallError::trap(message))
}

/// Tells every completion a discarded instance set was waiting for that nobody waits any more.
pub(crate) fn abandon_parked(d: &mut StoreData) {
    for p in d.parked.drain(..) {
        p.completion.call_gone();
    }
}

/// A call started with [`Composition::start`] whose package parked on a deferred host answer.
pub struct PendingCall {
    comp: Composition,
    pkg: usize,
    export: usize,
    store: Option<InstanceSet>,
    done: Option<Result<Vec<u8>>>,
    finished: bool,
}

impl PendingCall {
    pub(crate) fn parked(
        comp: Composition,
        mut store: InstanceSet,
        pkg: usize,
        export: usize,
    ) -> PendingCall {
        // The call's timeout must wake an event loop watching the descriptor, too.
        if let Some(at) = store.data().deadline {
            super::alarm::ring_at(at, &store.data().waker);
            store.data_mut().alarm_set = true;
        }
        PendingCall {
            comp,
            pkg,
            export,
            store: Some(store),
            done: None,
            finished: false,
        }
    }

    pub(crate) fn done(comp: Composition, r: Result<Vec<u8>>) -> PendingCall {
        PendingCall {
            comp,
            pkg: 0,
            export: 0,
            store: None,
            done: Some(r),
            finished: true,
        }
    }

    /// True while the call waits for a deferred host answer.
    pub fn is_pending(&self) -> bool {
        !self.finished
    }

    /// Resumes the package with the answers that have arrived, without waiting. Returns the
    /// call's outcome once it has one (then again on every later poll), None while it waits.
    pub fn poll(&mut self) -> Option<&Result<Vec<u8>>> {
        self.step(None)
    }

    /// Like `poll`, waiting up to `timeout` (None: until the call finishes; the call's own
    /// timeout and interrupts still end it).
    pub fn wait(&mut self, timeout: Option<Duration>) -> Option<&Result<Vec<u8>>> {
        let until = timeout.map_or_else(far_future, |t| Instant::now() + t);
        self.step(Some(until))
    }

    fn step(&mut self, until: Option<Instant>) -> Option<&Result<Vec<u8>>> {
        if !self.finished
            && let Some(mut store) = self.store.take()
        {
            let timed = self.comp.shared.limits.timeout_ms > 0;
            let r = {
                let _ticker = timed.then(super::engine::TickerGuard::start);
                drive(store.as_context_mut(), self.pkg, until)
            };
            match r {
                Ok(None) => {
                    // Parked: let an interrupt wake whoever watches this call's descriptor.
                    self.comp.shared.watch(&store.data().waker);
                    self.store = Some(store);
                }
                Ok(Some(out)) => {
                    self.done = Some(self.comp.finish(store, Ok(out), self.pkg, self.export))
                }
                Err(e) => self.done = Some(self.comp.finish(store, Err(e), self.pkg, self.export)),
            }
            self.finished = self.store.is_none();
        }
        self.done.as_ref()
    }

    /// A file descriptor that becomes readable when an answer for this call arrives, on an
    /// interrupt, and when the call's timeout passes (then `poll`; wake-ups may be spurious);
    /// valid until the call is dropped. Errors when the call is already finished.
    pub fn fd(&self) -> std::io::Result<i32> {
        match &self.store {
            Some(s) => {
                let d = s.data();
                let fd = d.waker.fd()?;
                // An answer that came before the descriptor existed must still show.
                if d.parked.iter().any(|p| p.completion.ready()) {
                    d.waker.notify();
                }
                Ok(fd)
            }
            None => Err(std::io::Error::other("the call has finished")),
        }
    }

    /// The outcome, taken (None while pending or once taken; the call stays finished).
    pub fn take(&mut self) -> Option<Result<Vec<u8>>> {
        self.done.take()
    }
}

impl Drop for PendingCall {
    fn drop(&mut self) {
        if let Some(mut s) = self.store.take() {
            // The task stays parked inside: the instances are discarded, not pooled.
            abandon_parked(s.data_mut());
        }
    }
}
