//! A built composition: packages instantiated together, calls, metadata, interrupts.
//!
//! All packages of a composition are instantiated into one wasmtime Store (an "instance set"),
//! so a cross-package call is a direct call inside that store, fuel and deadlines span the whole
//! call, and a wiring cycle (A calls B calls A) simply re-enters A. Calls check an instance set
//! out of a pool and return it afterwards: calls into one composition from several threads run
//! in parallel on separate instance sets, and a host function that calls back into its own
//! composition gets a set of its own, so nothing ever waits on a lock held by a caller.
//! Sequential calls reuse the same set (last in, first out), so package state persists between
//! them. After a trap the set is discarded, and a fresh one is instantiated on demand.

use super::abi::{
    self, CallError, CallOutput, ExportFn, InputHome, MemoryLimitHit, PackageHandles, PackageState,
    Stop, classify, place, read_guest, read_result, release,
};
use super::engine::TickerGuard;
use super::error::{Error, ErrorKind, Result};
use super::generation::{Detection, Generation};
use super::host::HostFn;
use super::parking::{
    Parked, ParkedImport, PendingCall, abandon_parked, drive, far_future, wait_for,
};
use super::pending::{Completion, HostAnswer, Waker};
use super::pool::{Pool, lock};
use crate::value::{Limits, TranscodeError, check_with_limits, transcode};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use wasmtime::{
    AsContextMut, Caller, Engine, InstancePre, ResourceLimiter, Store, StoreContextMut,
    UpdateDeadline,
};

/// Limits applied to every call (0 = none).
#[derive(Clone, Copy, Debug, Default)]
pub struct CallLimits {
    pub fuel: u64,
    pub timeout_ms: u64,
    pub memory_bytes: u64,
}

/// What satisfies one import of one package.
#[derive(Clone)]
pub(crate) enum Provider {
    Wire { source: usize, export: usize },
    Host(Arc<dyn HostFn>),
}

/// One instance set: a store holding an instance of every package (boxed, so that the pool
/// moves it as one pointer).
pub(crate) type InstanceSet = Box<Store<StoreData>>;

/// Data kept in each instance set's Store.
pub(crate) struct StoreData {
    /// Assigned only in `Shared::new_set`, through the `Store` itself, never through a context
    /// (`call_handles` relies on that); private, so that nothing outside this module can.
    handles: Arc<Vec<PackageHandles>>,
    pub states: Vec<PackageState>,
    pub(crate) interrupts: Arc<AtomicU64>,
    pub(crate) call_gen: u64,
    pub(crate) deadline: Option<Instant>,
    memory_limit: usize,
    pub value_limits: Limits,
    /// The call limits, for error messages of nested calls.
    pub(crate) limits: CallLimits,
    /// Deferred host answers that parked async packages wait for, by completion id.
    pub(crate) parked: Vec<ParkedImport>,
    pub(crate) next_completion_id: u32,
    /// What a call waiting for deferred answers sleeps on.
    pub(crate) waker: Arc<Waker>,
    /// True while the top-level call (started with `Composition::start`) may park.
    pub(crate) may_park: bool,
    /// True while a deadline alarm is set on `waker` for the current call.
    pub(crate) alarm_set: bool,
    /// True once a package's scratch region was used since the last reset.
    pub(crate) scratch_used: bool,
}

impl StoreData {
    /// The handles of every package in this set.
    pub(crate) fn handles(&self) -> &Arc<Vec<PackageHandles>> {
        &self.handles
    }
}

/// The package handles of the store behind `cx`, borrowed for as long as the store is, apart
/// from the context: a call passes `&mut` context to wasmtime while it reads the handles, and
/// cloning the `Arc` for that costs two atomic operations per call.
pub(crate) fn call_handles<'a>(cx: &StoreContextMut<'a, StoreData>) -> &'a [PackageHandles] {
    let v: *const Vec<PackageHandles> = &**cx.data().handles();
    // SAFETY: the Vec lives in the Arc's heap block, not in the store, and nothing ever has
    // `&mut` access to it (the Arc is shared and never unwrapped). The field is assigned in one
    // place, `new_set`, through the owning `Store` itself, which needs every context borrow of
    // the store to have ended: so while `cx` (and `'a`) lasts, the field keeps this Arc, and
    // the Vec outlives `'a`.
    unsafe { &*v }
}

/// [`call_handles`] for a host function's caller.
fn caller_handles<'a>(caller: &Caller<'a, StoreData>) -> &'a [PackageHandles] {
    let v: *const Vec<PackageHandles> = &**caller.data().handles();
    // SAFETY: as in `call_handles`: the Vec outlives every borrow `'a` of the store, because
    // the field holding its Arc is only ever assigned through the owning `Store`.
    unsafe { &*v }
}

impl ResourceLimiter for StoreData {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if self.memory_limit > 0 && desired > self.memory_limit {
            return Err(wasmtime::Error::new(MemoryLimitHit {
                desired,
                limit: self.memory_limit,
            }));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// Static facts about one package.
pub(crate) struct PackageInfo {
    pub name: String,
    /// Which guest SDK generation built it, and how that was told.
    pub detection: Detection,
    pub exports: Vec<String>,
    pub export_index: HashMap<String, usize>,
    pub types: OnceLock<Option<Vec<u8>>>,
}

pub(crate) struct Shared {
    pub engine: Engine,
    pub packages: Vec<PackageInfo>,
    pub by_name: HashMap<String, usize>,
    pub pres: Vec<InstancePre<StoreData>>,
    pub limits: CallLimits,
    pub value_limits: Limits,
    pub interrupts: Arc<AtomicU64>,
    /// Idle instance sets.
    pub pool: Pool<Store<StoreData>>,
    /// The wakers of calls that parked (weak: a finished call's waker goes with it), so that
    /// `interrupt` can wake them.
    pub parked_wakers: Mutex<Vec<std::sync::Weak<Waker>>>,
}

/// A composition of packages, ready to call. Cheap to clone (shared); thread-safe.
#[derive(Clone)]
pub struct Composition {
    pub(crate) shared: Arc<Shared>,
}

impl Shared {
    /// Instantiates every package into a new store.
    pub(crate) fn new_set(&self) -> std::result::Result<Store<StoreData>, CallError> {
        let data = StoreData {
            handles: Arc::new(Vec::new()),
            states: vec![PackageState::default(); self.packages.len()],
            interrupts: self.interrupts.clone(),
            call_gen: self.interrupts.load(Ordering::SeqCst),
            deadline: None,
            memory_limit: usize::try_from(self.limits.memory_bytes).unwrap_or(usize::MAX),
            value_limits: self.value_limits,
            limits: self.limits,
            parked: Vec::new(),
            next_completion_id: 1,
            waker: Waker::new(),
            may_park: false,
            alarm_set: false,
            scratch_used: false,
        };
        let mut store = Store::new(&self.engine, data);
        store.limiter(|d| d as &mut dyn ResourceLimiter);
        store.epoch_deadline_callback(|cx| {
            let d = cx.data();
            if d.interrupts.load(Ordering::SeqCst) != d.call_gen {
                return Err(wasmtime::Error::new(Stop::Interrupted));
            }
            if d.deadline.is_some_and(|t| Instant::now() >= t) {
                return Err(wasmtime::Error::new(Stop::Timeout));
            }
            Ok(UpdateDeadline::Continue(1))
        });
        store.set_epoch_deadline(1);
        if self.limits.fuel > 0 {
            store
                .set_fuel(self.limits.fuel)
                .map_err(|e| classify(e, 0, 0))?;
        }
        let mut handles = Vec::with_capacity(self.pres.len());
        for (info, pre) in self.packages.iter().zip(&self.pres) {
            let inst = pre.instantiate(&mut store).map_err(|e| {
                let c = classify(e, self.limits.fuel, self.limits.timeout_ms);
                CallError {
                    message: format!("instantiating package {}: {}", info.name, c.message),
                    ..c
                }
            })?;
            let memory = inst.get_memory(&mut store, "memory").ok_or_else(|| {
                CallError::new(
                    ErrorKind::Link,
                    format!(
                        "package {} does not export its memory as `memory`",
                        info.name
                    ),
                )
            })?;
            let exports: Vec<Option<ExportFn>> = info
                .exports
                .iter()
                .map(|n| inst.get_typed_func(&mut store, n).ok())
                .collect();
            let resume = inst.get_typed_func(&mut store, "__pack_resume").ok();
            handles.push(PackageHandles {
                name: info.name.clone(),
                generation: info.detection.generation,
                wire: info.detection.generation.wire_version(),
                resume,
                memory,
                alloc: inst.get_typed_func(&mut store, "__pack_alloc").ok(),
                free: inst.get_typed_func(&mut store, "__pack_free").ok(),
                exports,
                export_names: info.exports.clone(),
                types: inst.get_typed_func(&mut store, "__pack_types").ok(),
            });
        }
        let handles = Arc::new(handles);
        store.data_mut().handles = handles.clone();
        // Result slots: 8 bytes per package in memory the host owns.
        for (i, h) in handles.iter().enumerate() {
            match abi::reserve_slots(&mut store, h, i) {
                Ok(addr) => store.data_mut().states[i].slots = addr,
                Err(e) => {
                    let c = classify(e, self.limits.fuel, self.limits.timeout_ms);
                    return Err(CallError {
                        message: format!("preparing package {}: {}", h.name, c.message),
                        ..c
                    });
                }
            }
        }
        Ok(store)
    }

    /// Readies an instance set for a new top-level call: fresh fuel and deadline, the current
    /// interrupt generation, empty scratch regions.
    #[inline]
    fn prepare(&self, store: &mut Store<StoreData>) -> std::result::Result<(), CallError> {
        let d = store.data_mut();
        d.call_gen = self.interrupts.load(Ordering::SeqCst);
        if d.scratch_used {
            for st in &mut d.states {
                st.reset_scratch();
            }
            d.scratch_used = false;
        }
        if self.limits.timeout_ms > 0 {
            d.deadline = Some(Instant::now() + Duration::from_millis(self.limits.timeout_ms));
        }
        if self.limits.fuel > 0 {
            store
                .set_fuel(self.limits.fuel)
                .map_err(|e| classify(e, 0, 0))?;
        }
        // The epoch deadline needs no reset: it was set to one tick ahead when the set was
        // made, and the epoch callback sets it one tick ahead again every time it runs (so at
        // worst, after the epoch moved on while the set was idle, the callback runs once early
        // in the call, and finds nothing to stop).
        Ok(())
    }

    /// Calls `export` of package `pkg` once with the generation probe, in a throwaway set.
    pub(crate) fn probe_one(&self, pkg: usize, export: &str) -> Detection {
        use super::generation::{PROBE_INPUT, from_probe};
        let inconclusive = from_probe(0, b"");
        let Some(&e) = self.packages[pkg].export_index.get(export) else {
            return inconclusive;
        };
        let Ok(mut store) = self.new_set() else {
            return inconclusive;
        };
        if self.prepare(&mut store).is_err() {
            return inconclusive;
        }
        match invoke_raw::<Vec<u8>>(store.as_context_mut(), pkg, e, &PROBE_INPUT) {
            Ok(_) => inconclusive,
            Err(e) => {
                let c = classify(e, 0, 0);
                if c.kind == ErrorKind::Guest {
                    from_probe(-1, c.message.as_bytes())
                } else {
                    inconclusive
                }
            }
        }
    }

    /// Remembers a parked call's waker for `Composition::interrupt`.
    pub(crate) fn watch(&self, w: &Arc<Waker>) {
        let mut v = lock(&self.parked_wakers);
        if v.len() >= 64 {
            v.retain(|w| w.strong_count() > 0);
        }
        if !v.iter().any(|x| std::ptr::eq(x.as_ptr(), Arc::as_ptr(w))) {
            v.push(Arc::downgrade(w));
        }
    }

    fn checkout(&self) -> std::result::Result<InstanceSet, CallError> {
        match self.pool.take() {
            Some(s) => Ok(s),
            None => self.new_set().map(Box::new),
        }
    }
}

/// Calls export `export` of package `pkg` inside the store, following the guest ABI. The input
/// (CGRF v2 or v3) is first rewritten for the wire version the package speaks; the output is
/// in that version.
pub(crate) fn invoke<O: CallOutput>(
    cx: StoreContextMut<'_, StoreData>,
    pkg: usize,
    export: usize,
    input: &[u8],
) -> wasmtime::Result<O> {
    let h = &cx.data().handles()[pkg];
    let limits = cx.data().value_limits;
    let input = transcode(input, h.wire, &limits).map_err(|e| {
        let kind = match &e {
            TranscodeError::Decode(d) if d.limit => ErrorKind::Limit,
            TranscodeError::Decode(_) => ErrorKind::Decode,
            TranscodeError::Encode(_) => ErrorKind::Encode,
        };
        wasmtime::Error::new(CallError::new(
            kind,
            format!(
                "cannot hand the argument to {}, a {} package: {e}",
                h.name,
                h.generation.describe()
            ),
        ))
    })?;
    invoke_raw(cx, pkg, export, &input)
}

/// [`invoke`] without rewriting the input.
pub(crate) fn invoke_raw<O: CallOutput>(
    mut cx: StoreContextMut<'_, StoreData>,
    pkg: usize,
    export: usize,
    input: &[u8],
) -> wasmtime::Result<O> {
    let h = &call_handles(&cx)[pkg];
    let Some(f) = h.exports.get(export).and_then(Option::as_ref) else {
        let name = h.export_names.get(export).map_or("?", String::as_str);
        return Err(wasmtime::Error::new(CallError::new(
            ErrorKind::NotFound,
            format!("{}.{name} is not callable", h.name),
        )));
    };
    let slots = cx.data().states[pkg].slots;
    if h.resume.is_some() {
        // Async exports leave the slots alone on PENDING and on -1: start from (0, 0).
        abi::write_guest(&mut cx, h.memory, slots, &[0; 8], "the result slots")?;
    }
    // Nothing that can fail comes between lending the kept input buffer and giving it back.
    let placed = abi::place_input(cx.as_context_mut(), h, pkg, input)?;
    let status = f.call(
        &mut cx,
        (
            placed.0 as i32,
            input.len() as i32,
            slots as i32,
            slots.wrapping_add(4) as i32,
        ),
    );
    let st = &mut cx.data_mut().states[pkg];
    if placed.1 == InputHome::Kept {
        // Lent back at once, whatever happened: a set that is used again finds it free.
        st.input.give_back();
    }
    // An import that failed (and answered -1) explains a trap that follows it.
    let status = match (status, st.import_error.is_some()) {
        (Ok(s), false) => s,
        (Ok(s), true) => {
            st.import_error = None;
            s
        }
        (Err(e), _) => {
            return Err(match st.import_error.take() {
                Some(c) => wasmtime::Error::new(CallError { trapped: true, ..c }),
                None => e,
            });
        }
    };
    if placed.1 == InputHome::Owned {
        release(&mut cx, h, placed.0, input.len() as u32)?;
    }
    if status == 1 && h.resume.is_some() {
        // PENDING: the package's task waits for a deferred host answer.
        if cx.data().may_park {
            return Err(wasmtime::Error::new(Parked));
        }
        let out = drive(cx, pkg, Some(far_future()))?;
        return Ok(O::from_vec(out.unwrap_or_default()));
    }
    let what = "the result (pointer and length the guest returned)";
    let ((p, l), out) = read_result::<O>(&cx, h, slots, what)?;
    if h.resume.is_some() && status == -1 && (p, l) == (0, 0) {
        return Err(wasmtime::Error::new(CallError::new(
            ErrorKind::Guest,
            "returned an error without a message (an async packr-guest 0.24 export does this when its input does not decode or its result does not encode)".into(),
        )));
    }
    if placed.1 == InputHome::Kept && cx.data().states[pkg].input.overlaps(p, l) {
        // The guest answered with (part of) its input buffer: the result is freed below, as
        // every result is, so the buffer is the guest's again.
        cx.data_mut().states[pkg].input.forget();
    }
    release(&mut cx, h, p, l)?;
    match status {
        0 => Ok(out),
        -1 => Err(wasmtime::Error::new(CallError::new(
            ErrorKind::Guest,
            format!(
                "returned an error: {}",
                String::from_utf8_lossy(out.bytes())
            ),
        ))),
        s => Err(wasmtime::Error::new(CallError::trap(format!(
            "returned status {s} (packr guests return 0 for success or -1 for an error)"
        )))),
    }
}

/// The host side of one import: runs the provider and hands its result to the importing guest.
pub(crate) fn import_handler(
    target: usize,
    import: String,
    provider: Provider,
    provider_name: String,
) -> impl Fn(Caller<'_, StoreData>, i32, i32, i32, i32) -> wasmtime::Result<i32> + Send + Sync + 'static
{
    move |mut caller: Caller<'_, StoreData>, in_ptr: i32, in_len: i32, out_pp: i32, out_lp: i32| {
        let me = &caller_handles(&caller)[target];
        // Names the hop in the message; past MAX_HOPS (a runaway cycle) only the innermost
        // hops and the outermost one are kept.
        let wrap = |c: CallError| {
            const MAX_HOPS: u32 = 8;
            let message = match c.hops {
                h if h < MAX_HOPS => format!("import {import} → {provider_name}: {}", c.message),
                MAX_HOPS => format!("import {import} → {provider_name}: … {}", c.message),
                _ => c.message.clone(),
            };
            wasmtime::Error::new(CallError {
                message,
                trapped: true,
                hops: c.hops + 1,
                ..c
            })
        };
        let what = "the import's argument";
        // The argument is read before the previous import result is released below: a guest
        // may pass that result on as this argument, and freeing it can overwrite it.
        let served = match &provider {
            // Another package's export runs in this store: it gets a copy of the argument.
            Provider::Wire { source, export } => {
                let input = read_guest(&caller, me.memory, in_ptr, in_len, what)?;
                release_pending(&mut caller, me, target)?;
                serve_wire(&mut caller, target, *source, *export, &input)
            }
            // A host function reads the argument where it is: nothing runs in this store
            // while it does.
            Provider::Host(f) => {
                let answer = {
                    let input = abi::guest_bytes(me.memory.data(&caller), in_ptr, in_len, what)?;
                    f.call_or_defer(input)
                };
                release_pending(&mut caller, me, target)?;
                serve_host(&mut caller, target, answer)
            }
        }
        .map_err(wrap);
        match (served, me.generation) {
            (Ok(Served::Deferred(c)), _) => {
                // PENDING for an async package: the completion id goes in the pointer slot.
                let d = caller.data_mut();
                let id = d.next_completion_id;
                d.next_completion_id = id.wrapping_add(1).max(1);
                c.attach(&d.waker.clone());
                d.parked.push(ParkedImport {
                    pkg: target,
                    id,
                    completion: c,
                });
                abi::write_guest(
                    &mut caller,
                    me.memory,
                    out_pp as u32,
                    &id.to_le_bytes(),
                    "the import's completion id slot",
                )?;
                Ok(1)
            }
            (Ok(Served::Ready(out)), Generation::V0_5) => {
                // packr-guest 0.5.4 never frees import results: the host does, later.
                let (p, owned) = place(&mut caller, me, target, &out, "the import's result")?;
                if owned {
                    let st = &mut caller.data_mut().states[target];
                    st.pending_frees.push((p, out.len() as u32));
                }
                write_result_slots(&mut caller, me, out_pp, out_lp, p, out.len())?;
                Ok(0)
            }
            (Ok(Served::Ready(out)), Generation::V0_24) => {
                // Status 1: a __pack_alloc buffer that the guest frees. Async packages read
                // status 1 as PENDING, so they get status 0 with the same kind of buffer (their
                // import shim frees it too).
                let (p, status) = match guest_alloc(&mut caller, me, &out, "the import's result")? {
                    Some(p) => (p, if me.resume.is_some() { 0 } else { 1 }),
                    None if me.resume.is_some() => {
                        return Err(wasmtime::Error::new(CallError::trap(format!(
                            "{}: __pack_alloc({}) returned 0 for an import result",
                            me.name,
                            out.len()
                        ))));
                    }
                    None => {
                        // No guest buffer: status 0 (host-owned) into host scratch memory.
                        let a = abi::scratch(&mut caller, me.memory, target, out.len() as u32)?;
                        abi::write_guest(&mut caller, me.memory, a, &out, "the import's result")?;
                        (a, 0)
                    }
                };
                write_result_slots(&mut caller, me, out_pp, out_lp, p, out.len())?;
                Ok(status)
            }
            (Err(e), Generation::V0_5) => Err(e),
            (Err(e), Generation::V0_24) => {
                let c = match e.downcast::<CallError>() {
                    Ok(c) => c,
                    Err(e) => return Err(e),
                };
                // A trap, a limit or an interrupt ends the whole call now.
                if matches!(
                    c.kind,
                    ErrorKind::Trap | ErrorKind::Limit | ErrorKind::Interrupted
                ) {
                    return Err(wasmtime::Error::new(c));
                }
                // Otherwise the guest hears -1, with the message in a buffer it owns (the C
                // guest SDK reads it; packr-guest 0.24 traps, and the call reports `c`).
                let msg = c.message.clone().into_bytes();
                let p = guest_alloc(&mut caller, me, &msg, "the import's error message")?;
                let (p, n) = p.map_or((0, 0), |p| (p, msg.len()));
                write_result_slots(&mut caller, me, out_pp, out_lp, p, n)?;
                caller.data_mut().states[target].import_error = Some(c);
                Ok(-1)
            }
        }
    }
}

/// Releases the import results package `target` was handed before (packr-guest 0.5.4 never
/// frees them; it decoded them long before its next import call).
fn release_pending(
    caller: &mut Caller<'_, StoreData>,
    me: &PackageHandles,
    target: usize,
) -> wasmtime::Result<()> {
    // One at a time, keeping the list's capacity for the next call (and should the guest's
    // `__pack_free` re-enter the package, each block is still freed once).
    while let Some((p, l)) = caller.data_mut().states[target].pending_frees.pop() {
        release(&mut *caller, me, p, l)?;
    }
    Ok(())
}

/// Runs export `export` of package `source` for an import of package `target` and returns
/// its result in the importer's wire version, checked against the value limits (bad bytes are
/// blamed on the producer, before the consumer's decoder sees them).
fn serve_wire(
    caller: &mut Caller<'_, StoreData>,
    target: usize,
    source: usize,
    export: usize,
    input: &[u8],
) -> std::result::Result<Served, CallError> {
    // A nested call never parks: it finishes before the import returns.
    let may_park = std::mem::replace(&mut caller.data_mut().may_park, false);
    let r = invoke(caller.as_context_mut(), source, export, input);
    caller.data_mut().may_park = may_park;
    let out = r.map_err(|e| {
        let l = caller.data().limits;
        classify(e, l.fuel, l.timeout_ms)
    })?;
    accept(caller.data(), target, out).map(|v| Served::Ready(Cow::Owned(v)))
}

/// Turns a host function's answer into bytes for the importing package `target`, like
/// [`serve_wire`]; a deferred answer parks an async package, and is waited for otherwise.
fn serve_host(
    caller: &mut Caller<'_, StoreData>,
    target: usize,
    answer: std::result::Result<HostAnswer, String>,
) -> std::result::Result<Served, CallError> {
    let out = match answer.map_err(|msg| CallError::new(ErrorKind::Host, msg))? {
        HostAnswer::Ready(b) => b,
        HostAnswer::Unit => {
            let d = caller.data();
            let unit = unit_cgrf(d.handles()[target].wire);
            let l = &d.value_limits;
            if unit.len() as u64 <= l.max_bytes && l.max_nodes >= 1 && l.max_depth >= 1 {
                return Ok(Served::Ready(Cow::Borrowed(unit)));
            }
            // Limits too small even for `()`: `accept` says so.
            unit.to_vec()
        }
        // An async package parks on it; anything else waits for it here.
        HostAnswer::Deferred(c) if caller.data().handles()[target].resume.is_some() => {
            return Ok(Served::Deferred(c));
        }
        HostAnswer::Deferred(c) => {
            c.attach(&caller.data().waker.clone());
            if let Err(e) = wait_for(caller.data(), || c.ready()) {
                c.call_gone();
                return Err(e);
            }
            c.take()
                .unwrap_or_else(|| Err("no answer".into()))
                .map_err(|msg| CallError::new(ErrorKind::Host, msg))?
        }
    };
    accept(caller.data(), target, out).map(|v| Served::Ready(Cow::Owned(v)))
}

/// The CGRF of the unit value `()` in wire version `wire`, encoded once.
fn unit_cgrf(wire: u16) -> &'static [u8] {
    static UNIT: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    let [v2, v3] = UNIT.get_or_init(|| {
        let v2 = crate::value::encode(&crate::value::Value::unit()).unwrap_or_default();
        let v3 = match transcode(&v2, crate::value::V3, &Limits::default()) {
            Ok(b) => b.into_owned(),
            Err(_) => v2.clone(),
        };
        [v2, v3]
    });
    if wire == crate::value::V3 { v3 } else { v2 }
}

/// What an import's provider gave: bytes for the importer, or a promise of them.
enum Served {
    Ready(Cow<'static, [u8]>),
    Deferred(Arc<Completion>),
}

/// Checks bytes a provider returned against the value limits and rewrites them for the wire
/// version of package `target`.
pub(crate) fn accept(
    d: &StoreData,
    target: usize,
    out: Vec<u8>,
) -> std::result::Result<Vec<u8>, CallError> {
    let limits = d.value_limits;
    if let Err(e) = check_with_limits(&out, &limits) {
        return Err(if e.limit {
            CallError::new(
                ErrorKind::Limit,
                format!("returned a value beyond the composition's value limits: {e}"),
            )
        } else {
            CallError::new(ErrorKind::Decode, format!("returned invalid CGRF: {e}"))
        });
    }
    let me = &d.handles()[target];
    match transcode(&out, me.wire, &limits) {
        Ok(std::borrow::Cow::Borrowed(_)) => Ok(out),
        Ok(std::borrow::Cow::Owned(v)) => Ok(v),
        Err(e) => Err(CallError::new(
            ErrorKind::Encode,
            format!(
                "returned a value that {}, a {} package, cannot receive: {e}",
                me.name,
                me.generation.describe()
            ),
        )),
    }
}

/// A buffer from the guest's own `__pack_alloc` holding `bytes`; None when it has no
/// allocator or the allocator returned 0.
pub(crate) fn guest_alloc(
    mut caller: impl AsContextMut<Data = StoreData>,
    me: &PackageHandles,
    bytes: &[u8],
    what: &str,
) -> wasmtime::Result<Option<u32>> {
    let Some(alloc) = &me.alloc else {
        return Ok(None);
    };
    let len = i32::try_from(bytes.len()).map_err(|_| {
        wasmtime::Error::new(CallError::new(
            ErrorKind::Limit,
            format!("{what} of {} bytes is larger than 2 GiB", bytes.len()),
        ))
    })?;
    let p = alloc.call(&mut caller, len)? as u32;
    if p == 0 {
        return Ok(None);
    }
    abi::write_guest(&mut caller, me.memory, p, bytes, what)?;
    Ok(Some(p))
}

/// Writes an import result's address and length into the slots the guest passed.
fn write_result_slots(
    caller: &mut Caller<'_, StoreData>,
    me: &PackageHandles,
    out_pp: i32,
    out_lp: i32,
    ptr: u32,
    len: usize,
) -> wasmtime::Result<()> {
    abi::write_guest(
        &mut *caller,
        me.memory,
        out_pp as u32,
        &ptr.to_le_bytes(),
        "the import's result pointer slot",
    )?;
    abi::write_guest(
        &mut *caller,
        me.memory,
        out_lp as u32,
        &(len as u32).to_le_bytes(),
        "the import's result length slot",
    )
}

impl Composition {
    /// Package names, in the order they were added.
    pub fn package_names(&self) -> impl Iterator<Item = &str> {
        self.shared.packages.iter().map(|p| p.name.as_str())
    }

    /// The index of a package, by name.
    pub fn resolve_package(&self, package: &str) -> Option<usize> {
        self.shared.by_name.get(package).copied()
    }

    /// Resolves a package and export name to indices (`NotFound` names what exists).
    pub fn resolve(&self, package: &str, export: &str) -> Result<(usize, usize)> {
        let p = *self.shared.by_name.get(package).ok_or_else(|| {
            let names: Vec<&str> = self.package_names().collect();
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "no package named {package:?} (packages: {})",
                    names.join(", ")
                ),
            )
        })?;
        let info = &self.shared.packages[p];
        let e = *info.export_index.get(export).ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "package {package} has no export {export:?} (its exports: {})",
                    info.exports.join(", ")
                ),
            )
        })?;
        Ok((p, e))
    }

    /// Calls an export with CGRF input bytes and returns its CGRF output bytes (in the wire
    /// version of the package called). Waits for deferred host answers.
    pub fn call(&self, pkg: usize, export: usize, input: &[u8]) -> Result<Vec<u8>> {
        self.call_into(pkg, export, input)
    }

    /// [`Composition::call`], with the result copied out of guest memory into an `O`.
    #[inline]
    pub fn call_into<O: CallOutput>(&self, pkg: usize, export: usize, input: &[u8]) -> Result<O> {
        let mut store = self.begin(pkg, export)?;
        let _ticker = (self.shared.limits.timeout_ms > 0).then(TickerGuard::start);
        let r = invoke(store.as_context_mut(), pkg, export, input);
        self.finish(store, r, pkg, export)
    }

    /// Starts a call that may park: when an async package waits for a deferred host answer,
    /// this returns a [`PendingCall`] holding the call's instance set, to be finished with
    /// [`PendingCall::poll`] or [`PendingCall::wait`]. A call that does not park is finished
    /// when this returns.
    pub fn start(&self, pkg: usize, export: usize, input: &[u8]) -> Result<PendingCall> {
        let mut store = self.begin(pkg, export)?;
        let r = {
            let _ticker = (self.shared.limits.timeout_ms > 0).then(TickerGuard::start);
            store.data_mut().may_park = true;
            let r = invoke(store.as_context_mut(), pkg, export, input);
            store.data_mut().may_park = false;
            r
        };
        if let Err(e) = &r
            && e.downcast_ref::<Parked>().is_some()
        {
            self.shared.watch(&store.data().waker);
            return Ok(PendingCall::parked(self.clone(), store, pkg, export));
        }
        Ok(PendingCall::done(
            self.clone(),
            self.finish(store, r, pkg, export),
        ))
    }

    /// `package.export`, the prefix of a call's messages.
    fn here(&self, pkg: usize, export: usize) -> String {
        let info = &self.shared.packages[pkg];
        format!("{}.{}", info.name, info.exports[export])
    }

    /// Checks a call out: an instance set readied for it.
    #[inline]
    fn begin(&self, pkg: usize, export: usize) -> Result<InstanceSet> {
        let sh = &self.shared;
        let Some(info) = sh.packages.get(pkg) else {
            return Err(Error::new(ErrorKind::NotFound, "no such package"));
        };
        if export >= info.exports.len() {
            return Err(Error::new(ErrorKind::NotFound, "no such export"));
        }
        let mut store = match sh.pool.take() {
            Some(s) => s,
            None => sh
                .new_set()
                .map(Box::new)
                .map_err(|c| self.here_fail(pkg, export, c))?,
        };
        match sh.prepare(&mut store) {
            Ok(()) => Ok(store),
            Err(c) => Err(self.here_fail(pkg, export, c)),
        }
    }

    /// A failure before the call started, named `package.export`.
    #[cold]
    fn here_fail(&self, pkg: usize, export: usize, c: CallError) -> Error {
        Error::new(c.kind, format!("{}: {}", self.here(pkg, export), c.message))
    }

    /// Ends a call: frees what the guests left behind, returns the instance set to the pool
    /// (or discards it after a trap), and words the error.
    #[inline]
    pub(crate) fn finish<O>(
        &self,
        mut store: InstanceSet,
        r: wasmtime::Result<O>,
        pkg: usize,
        export: usize,
    ) -> Result<O> {
        let d = store.data_mut();
        let clean = !d.alarm_set
            && d.parked.is_empty()
            && d.states.iter().all(|st| st.pending_frees.is_empty());
        match r {
            // The common case: nothing left behind.
            Ok(out) if clean => {
                d.deadline = None;
                self.shared.pool.put(store);
                Ok(out)
            }
            r => self.finish_slow(store, r, pkg, export),
        }
    }

    /// [`Composition::finish`] of a failed call, or of one that left something behind (every
    /// call that handed import results to a packr-guest 0.5.4 package, which never frees them).
    #[inline(never)]
    fn finish_slow<O>(
        &self,
        mut store: InstanceSet,
        r: wasmtime::Result<O>,
        pkg: usize,
        export: usize,
    ) -> Result<O> {
        let sh = &self.shared;
        // Import results the guests never freed.
        let mut cleanup_failed = false;
        if r.is_ok()
            && store
                .data()
                .states
                .iter()
                .any(|st| !st.pending_frees.is_empty())
        {
            let mut cx = store.as_context_mut();
            let handles = call_handles(&cx);
            'packages: for (i, h) in handles.iter().enumerate() {
                while let Some((p, l)) = cx.data_mut().states[i].pending_frees.pop() {
                    if release(&mut cx, h, p, l).is_err() {
                        // The set is dropped below: what is left goes with it.
                        cleanup_failed = true;
                        break 'packages;
                    }
                }
            }
        }
        store.data_mut().deadline = None;
        if store.data().alarm_set {
            // This call's deadline must not wake the next call on these instances.
            store.data().waker.disarm();
            store.data_mut().alarm_set = false;
        }
        match r {
            Ok(out) => {
                if !store.data().parked.is_empty() {
                    // A task finished with answers still outstanding: nobody takes them now.
                    abandon_parked(store.data_mut());
                } else if !cleanup_failed {
                    sh.pool.put(store);
                }
                Ok(out)
            }
            Err(e) => {
                let c = classify(e, sh.limits.fuel, sh.limits.timeout_ms);
                let mut msg = format!("{}: {}", self.here(pkg, export), c.message);
                if c.trapped || !store.data().parked.is_empty() {
                    abandon_parked(store.data_mut());
                    drop(store);
                    msg.push_str(" [the composition's instances were discarded and will be re-instantiated for the next call; their in-memory state is lost]");
                } else {
                    sh.pool.put(store);
                }
                Err(Error::new(c.kind, msg))
            }
        }
    }

    /// The guest generation of a package, and how it was told.
    pub fn detection(&self, pkg: usize) -> Option<Detection> {
        self.shared.packages.get(pkg).map(|p| p.detection)
    }

    /// The `__pack_types` metadata of a package (CGRF bytes), or None if it has none.
    pub fn types(&self, pkg: usize) -> Result<Option<Vec<u8>>> {
        let sh = &self.shared;
        let info = sh
            .packages
            .get(pkg)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, "no such package"))?;
        let fail =
            |c: CallError| Error::new(c.kind, format!("{}.__pack_types: {}", info.name, c.message));
        if let Some(cached) = info.types.get() {
            return Ok(cached.clone());
        }
        let mut store = sh.checkout().map_err(fail)?;
        sh.prepare(&mut store).map_err(fail)?;
        let handles = store.data().handles().clone();
        let h = &handles[pkg];
        let Some(f) = h.types.clone() else {
            sh.pool.put(store);
            return Ok(info.types.get_or_init(|| None).clone());
        };
        let slots = store.data().states[pkg].slots;
        let r = f
            .call(&mut *store, (slots as i32, slots.wrapping_add(4) as i32))
            .and_then(|status| {
                let (_, bytes) = read_result(&*store, h, slots, "the metadata")?;
                Ok((status, bytes))
            });
        match r {
            // Only success is cached: a failure (a limit, an interrupt) may not repeat.
            Ok((0, bytes)) => {
                sh.pool.put(store);
                Ok(info.types.get_or_init(|| Some(bytes)).clone())
            }
            Ok((s, _)) => {
                sh.pool.put(store);
                Err(fail(CallError::new(
                    ErrorKind::Guest,
                    format!("returned status {s}"),
                )))
            }
            Err(e) => Err(fail(classify(e, sh.limits.fuel, sh.limits.timeout_ms))),
        }
    }

    /// Stops the calls running in this composition now (they fail with `Interrupted`).
    pub fn interrupt(&self) {
        self.shared.interrupts.fetch_add(1, Ordering::SeqCst);
        self.shared.engine.increment_epoch();
        // Parked calls sleep outside wasm: wake them (and their descriptors) to notice.
        let mut w = lock(&self.shared.parked_wakers);
        w.retain(|w| w.strong_count() > 0);
        for w in w.iter().filter_map(std::sync::Weak::upgrade) {
            w.notify();
        }
    }
}
