//! `hostile`: misbehaving exports for host robustness tests. No imports, so
//! any host can instantiate it. (`call_missing` lives in `hostile_import`.)
//!
//! Remember that under `setup_guest!` a panic (including allocation failure
//! and capacity overflow) is an infinite `loop {}`, not a trap.
#![no_std]
extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use core::hint::black_box;
use packr_guest::{export, Value};

packr_guest::setup_guest!();

/// Never written by anything; read volatilely so the loops below cannot be
/// proven infinite/side-effect free and removed by the optimiser.
static mut STOP: u32 = 0;

#[inline(always)]
fn stop_requested() -> bool {
    unsafe { core::ptr::read_volatile(&raw const STOP) != 0 }
}

/// Spins forever (whatever `n` is). Needs fuel/epoch interruption to stop.
#[export]
fn spin(n: i64) -> i64 {
    loop {
        if stop_requested() {
            return n;
        }
    }
}

/// Bounded busy loop: `n` iterations (n <= 0: none) with a volatile read
/// each, then returns `n`. For "enough fuel finishes" tests.
#[export]
fn busy(n: i64) -> i64 {
    let mut i: i64 = 0;
    while i < n {
        if stop_requested() {
            break;
        }
        i += 1;
    }
    i
}

/// Panics. Under `setup_guest!` the panic handler is `loop {}`, so this
/// spins forever (it does NOT trap).
#[export]
fn panic_now(n: i64) -> i64 {
    if black_box(true) {
        panic!("panic_now({})", n);
    }
    n
}

const MIB: usize = 1 << 20;

/// Allocates `n` MiB (n <= 0: nothing) through the global allocator (dlmalloc,
/// which grows linear memory), writes every byte, and returns the length in
/// bytes. Allocation failure (memory limit, > 4 GiB) panics => spins forever.
#[export]
fn grow(n: i64) -> i64 {
    if n <= 0 {
        return 0;
    }
    let bytes = (n as u64).saturating_mul(MIB as u64);
    let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
    let mut v: Vec<u8> = Vec::with_capacity(bytes);
    v.resize(bytes, 0xA5);
    let v = black_box(v);
    let len = v.len() as i64;
    // Read back a sample so the writes cannot be elided.
    let mut acc: u8 = 0;
    let mut i = 0;
    while i < v.len() {
        acc ^= v[i];
        i += 4096;
    }
    black_box(acc);
    len
}

/// Like `grow`, but uses `try_reserve_exact`: returns -1 (status 0) instead
/// of spinning when the allocation fails.
#[export]
fn try_grow(n: i64) -> i64 {
    if n <= 0 {
        return 0;
    }
    let bytes = (n as u64).saturating_mul(MIB as u64);
    let bytes = match usize::try_from(bytes) {
        Ok(b) => b,
        Err(_) => return -1,
    };
    let mut v: Vec<u8> = Vec::new();
    if v.try_reserve_exact(bytes).is_err() {
        return -1;
    }
    v.resize(bytes, 0x5A);
    black_box(&v);
    v.len() as i64
}

#[inline(never)]
fn rec(n: i64) -> i64 {
    if n <= 0 {
        return 0;
    }
    // A small address-taken buffer: each level uses wasm (native) stack and
    // some shadow stack in linear memory.
    let mut pad = [0u8; 16];
    black_box(&mut pad);
    let r = rec(black_box(n - 1));
    black_box(r + 1 + pad[(n & 15) as usize] as i64)
}

/// Non-tail recursion `n` levels deep; returns `n` if it survives.
/// Large n (e.g. 10_000_000) exhausts the wasm stack: a trap.
#[export]
fn recurse(n: i64) -> i64 {
    rec(n)
}

/// Returns a `String` of `n` bytes ('a' repeated); n <= 0 gives "".
/// The CGRF output is n + 28 bytes (16 header + 8 node header + u32 length).
#[export]
fn big(n: i64) -> Value {
    let n = if n <= 0 { 0 } else { n as usize };
    let mut s = String::with_capacity(n);
    for _ in 0..n {
        s.push('a');
    }
    Value::String(s)
}

packr_guest::pack_types! {
    exports {
        spin: func(n: s64) -> s64,
        busy: func(n: s64) -> s64,
        panic_now: func(n: s64) -> s64,
        grow: func(n: s64) -> s64,
        try_grow: func(n: s64) -> s64,
        recurse: func(n: s64) -> s64,
        big: func(n: s64) -> value,
    }
}
