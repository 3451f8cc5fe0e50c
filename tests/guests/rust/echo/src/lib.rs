//! `echo`: Value-mode echo plus a few small typed exports covering every
//! parameter mode of packr-guest 0.5.4's `#[export]`.
#![no_std]
extern crate alloc;

use alloc::string::String;
use packr_guest::{export, Value};

packr_guest::setup_guest!();

/// Value mode: `Tuple([x])` is unwrapped to `x` (one layer only); any other
/// input is returned unchanged.
#[export]
fn echo(input: Value) -> Value {
    input
}

/// One typed parameter: input must be a bare `S64`.
#[export]
fn double(n: i64) -> i64 {
    n.wrapping_mul(2)
}

/// One typed parameter: input must be a bare `String`; returns `U32` byte length.
#[export]
fn len(s: String) -> u32 {
    s.len() as u32
}

/// Two typed parameters: input must be `Tuple([S64, S64])` (extra items ignored).
#[export]
fn add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

/// Zero parameters: input must be valid CGRF (any value, ignored);
/// returns the unit value `Tuple([])`.
#[export]
fn unit() -> () {}

packr_guest::pack_types! {
    exports {
        echo: func(input: value) -> value,
        double: func(n: s64) -> s64,
        len: func(s: string) -> u32,
        add: func(a: s64, b: s64) -> s64,
        unit: func(),
    }
}
