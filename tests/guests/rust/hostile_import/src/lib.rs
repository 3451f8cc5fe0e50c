//! `hostile_import`: imports a function nobody provides, so instantiation
//! (or composition) must fail cleanly with an unresolved-import error.
#![no_std]
extern crate alloc;

use packr_guest::{export, import};

packr_guest::setup_guest!();

// wasm import `nowhere`.`nothing` : (i32,i32,i32,i32)->i32.
#[import(module = "nowhere", name = "nothing")]
fn nothing(n: i64) -> i64;

/// Calls `nowhere`.`nothing(n)` and returns its result. If a host does stub
/// the import and returns status != 0, the guest panics => spins forever.
#[export]
fn call_missing(n: i64) -> i64 {
    nothing(n)
}

packr_guest::pack_types! {
    imports {
        nowhere {
            nothing: func(n: s64) -> s64,
        }
    }
    exports {
        call_missing: func(n: s64) -> s64,
    }
}
