//! `cur_adder`: the composition consumer under packr-guest 0.24.1.
//! Three import styles:
//!   * `#[import(module = "math", name = "double")]` (same wiring as the
//!     0.5.4 `adder`), used by `process`;
//!   * `#[import_from("calc")]` (package-to-package import; a 2-parameter
//!     function, so the guest sends a Tuple), used by `process_scaled`;
//!   * `world!` generating a typed import module `ops` from an inline Pact
//!     interface, used by `process_square`.
#![no_std]
extern crate alloc;

use packr_guest::{export, import, import_from};

packr_guest::setup_guest!();

// wasm import `math`.`double` : (i32,i32,i32,i32)->i32.
// Sends the bare `S64(n)` (one parameter => NOT wrapped in a tuple) and
// decodes the result with `FromValue` (must be `S64`).
#[import(module = "math", name = "double")]
fn double(n: i64) -> i64;

// wasm import `calc`.`scale` : (i32,i32,i32,i32)->i32.
// Two parameters => sends `Tuple([S64 n, S64 k])`.
#[import_from("calc")]
fn scale(n: i64, k: i64) -> i64;

// `world!` parses the inline Pact and generates `pub mod ops { pub fn
// square(n: i64) -> i64 }` whose raw wasm import is `ops`.`square`.
packr_guest::world! {
    interface ops {
        square: func(n: s64) -> s64
    }
    world cur_adder {
        import ops
        export process: func(n: s64) -> s64
    }
}

/// `process(n) = math.double(n) + 1` (wrapping). Wired to a doubler:
/// process(5) = 11, process(-7) = -13.
#[export]
fn process(n: i64) -> i64 {
    double(n).wrapping_add(1)
}

/// `process_scaled(n, k) = calc.scale(n, k) + 1` (wrapping). Input must be
/// `Tuple([S64 n, S64 k])`.
#[export]
fn process_scaled(n: i64, k: i64) -> i64 {
    scale(n, k).wrapping_add(1)
}

/// `process_square(n) = ops.square(n) + 1` (wrapping).
#[export]
fn process_square(n: i64) -> i64 {
    ops::square(n).wrapping_add(1)
}

packr_guest::pack_types! {
    imports {
        math {
            double: func(n: s64) -> s64,
        }
        calc {
            scale: func(n: s64, k: s64) -> s64,
        }
        ops {
            square: func(n: s64) -> s64,
        }
    }
    exports {
        process: func(n: s64) -> s64,
        process_scaled: func(n: s64, k: s64) -> s64,
        process_square: func(n: s64) -> s64,
    }
}
