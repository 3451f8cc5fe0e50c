//! `cur_async`: a packr-guest 0.24.1 async guest (pending/resume ABI).
//!
//! `setup_async_guest!` = `setup_guest!` + the `__pack_resume` export
//! `(completion_id, result_ptr, result_len, out_ptr_ptr, out_len_ptr) -> i32`.
//! `#[async_export]` and `#[async_import]` only support the shape
//! `async fn NAME(input: Value) -> Value` (the async_import stub's own
//! signature and body are discarded; typed parameters do not compile).
#![no_std]
extern crate alloc;

use alloc::string::String;
use packr_guest::{async_export, async_import, Value};

packr_guest::setup_async_guest!();

// wasm import `host`.`slow_double` : (i32,i32,i32,i32)->i32, pending/resume:
//   returns 0 (READY): result CGRF (ptr,len) in the two slots; the guest
//       decodes it and FREES it with `__pack_free(ptr, len)`;
//   returns 1 (PENDING): the completion id is in the out-ptr slot; the task
//       parks until the host calls `__pack_resume(id, ...)`;
//   anything else: `panic!` => trap.
// The argument is sent exactly as passed (no tuple wrapping).
#[async_import(module = "host", name = "slow_double")]
async fn slow_double(input: Value) -> Value {}

fn bad_input(what: &str) -> Value {
    Value::String(String::from(what))
}

/// `fetch_double(S64 n)`: awaits `host.slow_double(S64 n)` and returns its
/// result unchanged. The input is the decoded CGRF value as-is (NO 1-tuple
/// unwrapping); a non-S64 input gives `String("fetch_double: expected s64")`
/// (status 0 — an async export cannot return status -1 with a message).
#[async_export]
async fn fetch_double(input: Value) -> Value {
    match input {
        Value::S64(_) => slow_double(input).await,
        _ => bad_input("fetch_double: expected s64"),
    }
}

/// `fetch_sum(S64 n)` = `slow_double(n) + slow_double(n + 1)`, two
/// SEQUENTIAL awaits, so a pending host parks it twice (two completion ids).
/// A non-S64 result from the host gives `String("fetch_sum: host returned
/// non-s64")`.
#[async_export]
async fn fetch_sum(input: Value) -> Value {
    let n = match input {
        Value::S64(n) => n,
        _ => return bad_input("fetch_sum: expected s64"),
    };
    let a = slow_double(Value::S64(n)).await;
    let b = slow_double(Value::S64(n.wrapping_add(1))).await;
    match (a, b) {
        (Value::S64(x), Value::S64(y)) => Value::S64(x.wrapping_add(y)),
        _ => Value::String(String::from("fetch_sum: host returned non-s64")),
    }
}

/// `ready_now(v)`: no awaits, completes on the first poll (status 0) and
/// returns its input unchanged (no 1-tuple unwrapping).
#[async_export]
async fn ready_now(input: Value) -> Value {
    input
}

packr_guest::pack_types! {
    imports {
        host {
            slow_double: func(n: s64) -> s64,
        }
    }
    exports {
        fetch_double: func(n: s64) -> s64,
        fetch_sum: func(n: s64) -> s64,
        ready_now: func(v: value) -> value,
    }
}
