//! `greeter`: a guest that calls host functions.
//! Imports `host`.`greet` (string -> string) and `host`.`log` (string -> ()).
#![no_std]
extern crate alloc;

use alloc::string::String;
use packr_guest::{export, import};

packr_guest::setup_guest!();

// Sends a bare `String` and expects a bare `String` back.
#[import(module = "host", name = "greet")]
fn greet(name: String) -> String;

// Sends a bare `String`; the result must be valid CGRF (any value, dropped).
#[import(module = "host", name = "log")]
fn log(msg: String);

/// `hello(name)` = host greet(name) + "!".
#[export]
fn hello(name: String) -> String {
    let mut answer = greet(name);
    answer.push('!');
    answer
}

/// Calls `host`.`log(s)` twice and returns `U32(2)`.
#[export]
fn log_twice(s: String) -> u32 {
    log(s.clone());
    log(s);
    2
}

packr_guest::pack_types! {
    imports {
        host {
            greet: func(name: string) -> string,
            log: func(msg: string),
        }
    }
    exports {
        hello: func(name: string) -> string,
        log_twice: func(s: string) -> u32,
    }
}
