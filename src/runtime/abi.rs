//! The packr-guest 0.5.4 calling convention (spec §3), from the host side.
//!
//! An export is `f(in_ptr, in_len, out_ptr_ptr, out_len_ptr) -> status`. The host places the
//! input in guest memory (through `__pack_alloc` when the guest has one), passes the addresses of
//! two result slots, and on return reads `(ptr, len)` from the slots: CGRF bytes for status 0,
//! a UTF-8 message for status -1. Both buffers are then released with `__pack_free`; an input
//! of up to 4080 bytes goes instead into a buffer the host keeps in each guest (allocated once
//! through `__pack_alloc`, lent to one call at a time), which saves two wasm calls per call.
//!
//! Unlike packr 0.5.4, every read and write is bounds-checked, the result slots live in memory
//! the host allocated (not at the fixed offset 16384 inside the guest's stack), and guests
//! without an allocator get a host-owned scratch region at the top of their memory instead of
//! having their input written over address 0.

use super::composition::StoreData;
use super::engine::root_cause;
use super::error::ErrorKind;
use super::generation::Generation;
use wasmtime::{AsContext, AsContextMut, Memory, StoreContextMut, TypedFunc};

/// An export's wasm signature.
pub(crate) type ExportFn = TypedFunc<(i32, i32, i32, i32), i32>;

/// `__pack_resume(completion_id, result_ptr, result_len, out_ptr_ptr, out_len_ptr) -> status`.
pub(crate) type ResumeFn = TypedFunc<(i32, i32, i32, i32, i32), i32>;

/// Handles into one instantiated package.
pub(crate) struct PackageHandles {
    pub name: String,
    /// The guest generation, and the CGRF version it reads and writes.
    pub generation: Generation,
    pub wire: u16,
    /// `__pack_resume`, the re-entry of an async packr-guest 0.24 package.
    pub resume: Option<ResumeFn>,
    pub memory: Memory,
    pub alloc: Option<TypedFunc<i32, i32>>,
    pub free: Option<TypedFunc<(i32, i32), ()>>,
    pub exports: Vec<Option<ExportFn>>,
    pub export_names: Vec<String>,
    pub types: Option<TypedFunc<(i32, i32), i32>>,
}

/// Per-instance host bookkeeping (kept in the store's data, indexed like the packages).
#[derive(Default, Clone)]
pub(crate) struct PackageState {
    /// Address of the two result slots (8 bytes the host owns in this guest's memory).
    pub slots: u32,
    /// Host-owned scratch memory at the top of the guest's memory, for guests without a usable
    /// `__pack_alloc`: a bump region, reset at the start of every top-level call.
    pub scratch: Option<Scratch>,
    /// Import results handed to the guest through `__pack_alloc`. packr-guest 0.5.4 never
    /// frees them, so the host does: at the guest's next import call, and after the top-level
    /// call returns.
    pub pending_frees: Vec<(u32, u32)>,
    /// The error behind the last import that answered -1 (current-generation guests): if the
    /// guest then traps, as packr-guest 0.24 does, the call reports this error instead.
    pub import_error: Option<CallError>,
    /// A `__pack_alloc` buffer the host keeps for the inputs of calls into this package, so
    /// that a small call needs neither `__pack_alloc` nor `__pack_free` for its input.
    pub input: KeptInput,
}

/// The host's input buffer in one guest: `cap` bytes at `ptr` (none while `cap` is 0), lent to
/// one call at a time.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeptInput {
    ptr: u32,
    cap: u32,
    /// A call into this package is using the buffer (a call that re-enters the package through
    /// a wiring cycle places its input elsewhere).
    busy: bool,
    /// The guest's allocator gave no usable buffer once: its inputs are placed per call.
    refused: bool,
}

impl KeptInput {
    /// Ends a call's use of the buffer.
    #[inline]
    pub fn give_back(&mut self) {
        self.busy = false;
    }

    /// Whether `len` bytes at `ptr` touch the buffer.
    pub fn overlaps(&self, ptr: u32, len: u32) -> bool {
        let (a, b) = (u64::from(ptr), u64::from(ptr) + u64::from(len));
        let (k0, k1) = (
            u64::from(self.ptr),
            u64::from(self.ptr) + u64::from(self.cap),
        );
        self.cap != 0 && len != 0 && a < k1 && k0 < b
    }

    /// Forgets the buffer without freeing it (the guest gave it away as its result, which the
    /// host frees), and places later inputs per call.
    pub fn forget(&mut self) {
        *self = KeptInput {
            refused: true,
            ..KeptInput::default()
        };
    }
}

/// The largest input placed in a kept buffer: larger inputs get one of their own, allocated and
/// freed per call (their copy costs more than the two calls). The buffer is at most this size.
const KEEP_INPUT_MAX: u32 = 4080;

/// Where [`place_input`] put a call's input, and so what the call does with it afterwards.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum InputHome {
    /// In the package's kept buffer: lent back.
    Kept,
    /// In a buffer of its own from `__pack_alloc`: freed.
    Owned,
    /// In scratch memory, or nowhere (empty input): nothing to do.
    Scratch,
}

/// A bump region of guest memory that only the host hands out.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scratch {
    base: u32,
    cap: u32,
    used: u32,
    /// Bytes at the start that survive `reset` (the result slots, when they live here).
    reserved: u32,
}

impl PackageState {
    /// Makes the scratch region reusable for a new top-level call.
    pub fn reset_scratch(&mut self) {
        if let Some(s) = &mut self.scratch {
            s.used = s.reserved;
        }
    }
}

/// A failed call: a kind, a message, and whether wasm trapped (the instances on the way may be
/// broken and must be re-instantiated).
#[derive(Debug, Clone)]
pub(crate) struct CallError {
    pub kind: ErrorKind,
    pub message: String,
    pub trapped: bool,
    /// How many import hops the message already names (a runaway cycle would otherwise
    /// produce a message with thousands of them).
    pub hops: u32,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for CallError {}

impl CallError {
    pub fn new(kind: ErrorKind, message: String) -> CallError {
        CallError {
            kind,
            message,
            trapped: false,
            hops: 0,
        }
    }
    pub fn trap(message: String) -> CallError {
        CallError {
            kind: ErrorKind::Trap,
            message,
            trapped: true,
            hops: 0,
        }
    }
}

/// Why the epoch callback stopped a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    Interrupted,
    Timeout,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stop::Interrupted => "interrupted",
            Stop::Timeout => "timeout",
        })
    }
}
impl std::error::Error for Stop {}

/// A memory.grow refused by the per-package memory limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemoryLimitHit {
    pub desired: usize,
    pub limit: usize,
}

impl std::fmt::Display for MemoryLimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "memory limit: growing to {} bytes exceeds the limit of {} bytes",
            self.desired, self.limit
        )
    }
}
impl std::error::Error for MemoryLimitHit {}

/// Turns a wasmtime error from a call into a CallError, keeping ours when one is inside.
pub(crate) fn classify(e: wasmtime::Error, fuel: u64, timeout_ms: u64) -> CallError {
    if let Some(c) = e.downcast_ref::<CallError>() {
        return c.clone();
    }
    if let Some(s) = e.downcast_ref::<Stop>() {
        return match s {
            Stop::Interrupted => CallError {
                kind: ErrorKind::Interrupted,
                message: "interrupted by packr_composition_interrupt".into(),
                trapped: true,
                hops: 0,
            },
            Stop::Timeout => CallError {
                kind: ErrorKind::Limit,
                message: format!("timeout: the call ran longer than its limit of {timeout_ms} ms"),
                trapped: true,
                hops: 0,
            },
        };
    }
    if let Some(m) = e.downcast_ref::<MemoryLimitHit>() {
        return CallError {
            kind: ErrorKind::Limit,
            message: m.to_string(),
            trapped: true,
            hops: 0,
        };
    }
    if let Some(t) = e.downcast_ref::<wasmtime::Trap>() {
        return match t {
            wasmtime::Trap::OutOfFuel => CallError {
                kind: ErrorKind::Limit,
                message: format!("fuel: the call used up its {fuel} units of fuel"),
                trapped: true,
                hops: 0,
            },
            wasmtime::Trap::StackOverflow => {
                CallError::trap("trapped: wasm stack overflow (call stack exhausted)".into())
            }
            other => CallError::trap(format!("trapped: {other}")),
        };
    }
    CallError::trap(format!("trapped: {}", root_cause(&e)))
}

fn oob(what: &str, ptr: u64, len: u64, size: usize) -> wasmtime::Error {
    wasmtime::Error::new(CallError::trap(format!(
        "{what} is out of bounds: {len} bytes at address {ptr}, but the guest's memory is {size} bytes"
    )))
}

/// The bytes `len` at `ptr` of guest memory, bounds-checked (both read as unsigned).
#[inline]
pub(crate) fn guest_bytes<'a>(
    data: &'a [u8],
    ptr: i32,
    len: i32,
    what: &str,
) -> wasmtime::Result<&'a [u8]> {
    let (p, l) = (ptr as u32 as u64, len as u32 as u64);
    match (usize::try_from(p), usize::try_from(p + l)) {
        (Ok(start), Ok(end)) if end <= data.len() => Ok(&data[start..end]),
        _ => Err(oob(what, p, l, data.len())),
    }
}

/// Copies `len` bytes at `ptr` out of guest memory, checking bounds before allocating.
pub(crate) fn read_guest(
    cx: impl AsContext,
    mem: Memory,
    ptr: i32,
    len: i32,
    what: &str,
) -> wasmtime::Result<Vec<u8>> {
    guest_bytes(mem.data(&cx), ptr, len, what).map(copy_out)
}

/// Copies bytes out of guest memory with one spare byte, so that `packr_bytes` can append its
/// NUL without reallocating.
fn copy_out(bytes: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes.len() + 1);
    v.extend_from_slice(bytes);
    v
}

/// What a call's result is copied into, straight out of guest memory: a `Vec`, or a buffer of
/// the caller's own (the C API's `packr_bytes`, in one allocation).
pub trait CallOutput: Sized {
    /// A copy of bytes in guest memory.
    fn copy_of(bytes: &[u8]) -> Self;
    /// Takes a result that is already on the host's side.
    fn from_vec(v: Vec<u8>) -> Self;
    /// The bytes.
    fn bytes(&self) -> &[u8];
}

impl CallOutput for Vec<u8> {
    fn copy_of(bytes: &[u8]) -> Self {
        copy_out(bytes)
    }
    fn from_vec(v: Vec<u8>) -> Self {
        v
    }
    fn bytes(&self) -> &[u8] {
        self
    }
}

/// Writes bytes into guest memory, bounds-checked.
#[inline]
pub(crate) fn write_guest(
    mut cx: impl AsContextMut,
    mem: Memory,
    addr: u32,
    bytes: &[u8],
    what: &str,
) -> wasmtime::Result<()> {
    let data = mem.data_mut(&mut cx);
    let end = addr as u64 + bytes.len() as u64;
    if end > data.len() as u64 {
        return Err(oob(what, addr as u64, bytes.len() as u64, data.len()));
    }
    data[addr as usize..end as usize].copy_from_slice(bytes);
    Ok(())
}

/// Reserves `len` bytes of host-owned scratch memory in package `pkg`'s guest, growing its
/// memory when the current region is full (earlier regions stay valid: linear memory never
/// shrinks).
pub(crate) fn scratch(
    mut cx: impl AsContextMut<Data = StoreData>,
    mem: Memory,
    pkg: usize,
    len: u32,
) -> wasmtime::Result<u32> {
    let mut cx = cx.as_context_mut();
    let need = len.checked_add(7).map(|n| n & !7).unwrap_or(u32::MAX);
    let current = cx.data().states[pkg].scratch;
    if let Some(mut s) = current
        && s.cap - s.used >= need
    {
        let a = s.base + s.used;
        s.used += need;
        let d = cx.data_mut();
        d.states[pkg].scratch = Some(s);
        d.scratch_used = true;
        return Ok(a);
    }
    let want = u64::from(need)
        .max(65536)
        .max(current.map_or(0, |s| u64::from(s.cap) * 2));
    let pages = want.div_ceil(65536);
    let too_big = |what: String| wasmtime::Error::new(CallError::new(ErrorKind::Limit, what));
    let old = mem.grow(&mut cx, pages).map_err(|e| {
        too_big(format!(
            "cannot grow the guest's memory for {len} bytes: {}",
            root_cause(&e)
        ))
    })?;
    let base =
        u32::try_from(old * 65536).map_err(|_| too_big("guest memory beyond 4 GiB".into()))?;
    let cap =
        u32::try_from(pages * 65536).map_err(|_| too_big("guest memory beyond 4 GiB".into()))?;
    let d = cx.data_mut();
    d.states[pkg].scratch = Some(Scratch {
        base,
        cap,
        used: need,
        reserved: 0,
    });
    d.scratch_used = true;
    Ok(base)
}

/// Reserves the 8 bytes of result slots of package `pkg`: from `__pack_alloc` when it gives a
/// usable address, otherwise from scratch memory (kept across resets).
pub(crate) fn reserve_slots(
    mut cx: impl AsContextMut<Data = StoreData>,
    h: &PackageHandles,
    pkg: usize,
) -> wasmtime::Result<u32> {
    if let Some(alloc) = &h.alloc {
        let p = alloc.call(&mut cx, 8)? as u32;
        if p != 0 && u64::from(p) + 8 <= h.memory.data_size(&cx) as u64 {
            return Ok(p);
        }
    }
    let p = scratch(&mut cx, h.memory, pkg, 8)?;
    if let Some(s) = &mut cx.as_context_mut().data_mut().states[pkg].scratch {
        s.reserved = s.used;
    }
    Ok(p)
}

/// Places `bytes` in package `pkg`'s guest: in a `__pack_alloc` buffer (returned with `true`,
/// the caller frees it) or in the scratch region (`false`).
#[inline]
pub(crate) fn place(
    mut cx: impl AsContextMut<Data = StoreData>,
    h: &PackageHandles,
    pkg: usize,
    bytes: &[u8],
    what: &str,
) -> wasmtime::Result<(u32, bool)> {
    let len = u32::try_from(bytes.len()).map_err(|_| {
        wasmtime::Error::new(CallError::new(
            ErrorKind::Limit,
            format!("{what} of {} bytes is larger than 4 GiB", bytes.len()),
        ))
    })?;
    if len == 0 {
        return Ok((0, false));
    }
    if let Some(alloc) = &h.alloc {
        let p = alloc.call(&mut cx, len as i32)? as u32;
        if p != 0 {
            write_guest(&mut cx, h.memory, p, bytes, what)?;
            return Ok((p, true));
        }
    }
    let p = scratch(&mut cx, h.memory, pkg, len)?;
    write_guest(&mut cx, h.memory, p, bytes, what)?;
    Ok((p, false))
}

/// Places the input of a call into package `pkg`: in the kept buffer when it is free and large
/// enough, which costs no call into the guest.
#[inline]
pub(crate) fn place_input(
    mut cx: StoreContextMut<'_, StoreData>,
    h: &PackageHandles,
    pkg: usize,
    bytes: &[u8],
) -> wasmtime::Result<(u32, InputHome)> {
    let k = cx.data().states[pkg].input;
    if !k.busy && !bytes.is_empty() && bytes.len() <= k.cap as usize {
        write_guest(&mut cx, h.memory, k.ptr, bytes, "input")?;
        cx.data_mut().states[pkg].input.busy = true;
        return Ok((k.ptr, InputHome::Kept));
    }
    place_input_slow(cx, h, pkg, bytes)
}

/// [`place_input`] without a kept buffer that fits: makes (or enlarges) one for a small input,
/// otherwise places the input in a buffer of its own.
#[inline(never)]
fn place_input_slow(
    mut cx: StoreContextMut<'_, StoreData>,
    h: &PackageHandles,
    pkg: usize,
    bytes: &[u8],
) -> wasmtime::Result<(u32, InputHome)> {
    let old = cx.data().states[pkg].input;
    if let Some(alloc) = &h.alloc
        && !old.busy
        && !old.refused
        && !bytes.is_empty()
        && bytes.len() <= KEEP_INPUT_MAX as usize
    {
        // Lent before the guest runs: should its allocator re-enter the package, that call
        // places its input elsewhere and leaves the kept buffer alone.
        cx.data_mut().states[pkg].input.busy = true;
        // The buffer is the host's, like the result slots made at instantiation: its
        // allocation is not billed to this call's fuel (so that a call costs the same fuel
        // whether or not its instances had a buffer yet). Fuel still stops a runaway allocator.
        let fuel = cx.get_fuel().ok();
        let cap = kept_capacity(bytes.len() as u32);
        let p = alloc.call(&mut cx, cap as i32)? as u32;
        if p != 0 && u64::from(p) + u64::from(cap) <= h.memory.data_size(&cx) as u64 {
            // The old buffer goes back to the guest only once the new one is in hand.
            release(&mut cx, h, old.ptr, old.cap)?;
            if let Some(f) = fuel {
                cx.set_fuel(f)?;
            }
            write_guest(&mut cx, h.memory, p, bytes, "input")?;
            cx.data_mut().states[pkg].input = KeptInput {
                ptr: p,
                cap,
                busy: true,
                refused: false,
            };
            return Ok((p, InputHome::Kept));
        }
        // No buffer, or an address the guest cannot have meant (nothing of it is used): this
        // package's inputs get buffers of their own from now on.
        let k = &mut cx.data_mut().states[pkg].input;
        k.busy = false;
        k.refused = true;
    }
    let (p, owned) = place(&mut cx, h, pkg, bytes, "input")?;
    Ok((
        p,
        if owned {
            InputHome::Owned
        } else {
            InputHome::Scratch
        },
    ))
}

/// The size of a kept buffer for an input of `len` bytes: a power of two less the 16 bytes a
/// size-class allocator may put in front of it, so that the block fills its class.
fn kept_capacity(len: u32) -> u32 {
    ((len + 16).next_power_of_two() - 16).max(240)
}

/// Calls `__pack_free(ptr, len)` when the guest has one.
#[inline]
pub(crate) fn release(
    mut cx: impl AsContextMut,
    h: &PackageHandles,
    ptr: u32,
    len: u32,
) -> wasmtime::Result<()> {
    if let (Some(free), true) = (&h.free, ptr != 0 && len != 0) {
        free.call(&mut cx, (ptr as i32, len as i32))?;
    }
    Ok(())
}

/// Reads the (ptr, len) pair the guest wrote into the result slots and copies those bytes out,
/// bounds-checked, with one look at guest memory. `what` names the bytes in errors.
#[inline]
pub(crate) fn read_result<O: CallOutput>(
    cx: impl AsContext,
    h: &PackageHandles,
    slots: u32,
    what: &str,
) -> wasmtime::Result<((u32, u32), O)> {
    let data = h.memory.data(&cx);
    let b = guest_bytes(data, slots as i32, 8, "result slots")?;
    let p = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let l = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
    let bytes = guest_bytes(data, p as i32, l as i32, what)?;
    Ok(((p, l), O::copy_of(bytes)))
}
