//! `cur_greeter`: host imports that can fail, under packr-guest 0.24.1.
//!
//! * `host`.`lookup` : `String -> String`. Import status < 0 (e.g. -1) makes
//!   `__import_impl` `panic!`, and `setup_guest!`'s panic handler is
//!   `unreachable`, so the export call TRAPS (it does not spin, and it does
//!   not return status -1).
//! * `host`.`try_lookup` : `String -> result<string, string>`. The fallible
//!   form: the host returns status 0/1 with a CGRF `Value::Result`, and the
//!   guest decodes it with `FromValue for Result<T, E>`.
#![no_std]
extern crate alloc;

use alloc::format;
use alloc::string::String;
use packr_guest::{export, import};

packr_guest::setup_guest!();

// Sends a bare `String(name)`; expects a bare `String` back.
#[import(module = "host", name = "lookup")]
fn lookup(name: String) -> String;

// Sends a bare `String(name)`; expects `Value::Result{Ok(String)|Err(String)}`
// (or the legacy variant form: tag 0 = ok, tag 1 = err, one payload value).
#[import(module = "host", name = "try_lookup")]
fn try_lookup(name: String) -> Result<String, String>;

// Sends a bare `String(msg)`; the result must be valid CGRF (dropped).
#[import(module = "host", name = "log")]
fn log(msg: String);

/// `greet(name) = "Hello, " + host.lookup(name) + "!"`. If the host import
/// returns a negative status the guest panics => wasm trap (`unreachable`).
#[export]
fn greet(name: String) -> String {
    let who = lookup(name);
    format!("Hello, {}!", who)
}

/// `try_greet(name)`: `Ok("Hello, <v>!")` if `host.try_lookup(name)` returned
/// `Ok(v)`, else `Err("lookup failed: <e>")`. Output is `Value::Result
/// {ok_type: String, err_type: String}` with status 0 either way.
#[export]
fn try_greet(name: String) -> Result<String, String> {
    match try_lookup(name) {
        Ok(v) => Ok(format!("Hello, {}!", v)),
        Err(e) => Err(format!("lookup failed: {}", e)),
    }
}

/// Calls `host.log(s)` twice, returns `U32(2)`.
#[export]
fn log_twice(s: String) -> u32 {
    log(s.clone());
    log(s);
    2
}

packr_guest::pack_types! {
    imports {
        host {
            lookup: func(name: string) -> string,
            try_lookup: func(name: string) -> result<string, string>,
            log: func(msg: string),
        }
    }
    exports {
        greet: func(name: string) -> string,
        try_greet: func(name: string) -> result<string, string>,
        log_twice: func(s: string) -> u32,
    }
}
