//! `adder`: the composition consumer. Imports `math`.`double` and exports
//! `process(n) = double(n) + 1` (so wired to `doubler`, process(5) = 11).
#![no_std]
extern crate alloc;

use packr_guest::{export, import};

packr_guest::setup_guest!();

// wasm import `math`.`double` : (i32,i32,i32,i32)->i32.
// The guest sends a bare S64 (one parameter => not wrapped in a tuple) and
// expects a bare S64 back. A status != 0 or a non-S64 result makes the guest
// panic, i.e. spin forever (setup_guest!'s panic handler is `loop {}`).
#[import(module = "math", name = "double")]
fn double(n: i64) -> i64;

#[export]
fn process(n: i64) -> i64 {
    double(n).wrapping_add(1)
}

packr_guest::pack_types! {
    imports {
        math {
            double: func(n: s64) -> s64,
        }
    }
    exports {
        process: func(n: s64) -> s64,
    }
}
