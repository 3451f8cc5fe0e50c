//! `cur_echo`: packr-guest 0.24.1 value-mode echo.
#![no_std]
extern crate alloc;

use packr_guest::{export, Value};

// dlmalloc global allocator + a panic handler that TRAPS (`unreachable`).
packr_guest::setup_guest!();

/// Value mode (exactly one parameter whose type's last path segment is
/// `Value`): a `Tuple([x])` input is unwrapped once to `x`; anything else is
/// passed through unchanged. Returns its input.
#[export]
fn echo(v: Value) -> Value {
    v
}

packr_guest::pack_types! {
    exports {
        echo: func(v: value) -> value,
    }
}
