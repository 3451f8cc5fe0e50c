//! Packages of both guest generations side by side: packr-guest 0.5.4 (CGRF v2) and
//! packr-guest 0.24.1 (CGRF v3; tests/guests/rust-current), wired both ways, with host
//! functions, maps and sets crossing into v2 packages, and failing imports.

use packr::runtime::{Builder, Composition, ErrorKind, Generation};
use packr::value::{Value, decode, encode, encode_version, parse, to_text, wire_version};
use std::sync::Arc;

mod common;
use common::{guest, wat};

fn call_bytes(
    c: &Composition,
    pkg: &str,
    f: &str,
    input: &[u8],
) -> Result<Vec<u8>, packr::runtime::Error> {
    let (p, e) = c.resolve(pkg, f)?;
    c.call(p, e, input)
}

fn call(c: &Composition, pkg: &str, f: &str, v: &str) -> Result<String, packr::runtime::Error> {
    let out = call_bytes(c, pkg, f, &encode(&parse(v).unwrap()).unwrap())?;
    Ok(to_text(&decode(&out).unwrap()))
}

fn generation(c: &Composition, pkg: &str) -> Generation {
    let (p, _) = c.resolve(pkg, c_first_export(c, pkg)).unwrap();
    c.detection(p).unwrap().generation
}

fn c_first_export<'a>(_c: &Composition, pkg: &'a str) -> &'a str {
    match pkg {
        "adder" | "cur_adder" => "process",
        "doubler" | "cur_doubler" => "double",
        "echo" | "cur_echo" => "echo",
        "cur_greeter" => "greet",
        _ => "echo",
    }
}

#[test]
fn generations_are_told_from_the_module() {
    let mut b = Builder::new();
    for n in [
        "doubler",
        "echo",
        "adder",
        "cur_doubler",
        "cur_echo",
        "cur_adder",
        "cur_greeter",
    ] {
        b.add_package(n, &guest(n)).unwrap();
    }
    b.wire("adder", "math", "double", "doubler", "double");
    b.wire("cur_adder", "math", "double", "doubler", "double");
    b.wire("cur_adder", "calc", "scale", "cur_doubler", "add");
    b.wire("cur_adder", "ops", "square", "cur_doubler", "double");
    for (m, n) in [("host", "lookup"), ("host", "try_lookup"), ("host", "log")] {
        b.add_host_function(m, n, Arc::new(|i: &[u8]| Ok(i.to_vec())));
    }
    let c = b.build().unwrap();
    for n in ["doubler", "echo", "adder"] {
        assert_eq!(generation(&c, n), Generation::V0_5, "{n}");
    }
    for n in ["cur_doubler", "cur_echo", "cur_adder", "cur_greeter"] {
        assert_eq!(generation(&c, n), Generation::V0_24, "{n}");
    }
}

#[test]
fn current_guests_get_v3_whatever_the_caller_sends() {
    let mut b = Builder::new();
    b.add_package("cur_doubler", &guest("cur_doubler")).unwrap();
    let c = b.build().unwrap();
    let arg = parse("21").unwrap();
    for version in [2, 3] {
        let out = call_bytes(
            &c,
            "cur_doubler",
            "double",
            &encode_version(&arg, version).unwrap(),
        )
        .unwrap();
        assert_eq!(
            wire_version(&out),
            Some(3),
            "the output is in the package's version"
        );
        assert_eq!(decode(&out).unwrap(), Value::S64(42));
    }
    assert_eq!(call(&c, "cur_doubler", "add", "(2, 40)").unwrap(), "42");
    assert_eq!(
        call(&c, "cur_doubler", "count_words", r#""b a b""#).unwrap(),
        r#"map<string, s64>{"a": 1, "b": 2}"#
    );
    assert_eq!(
        call(&c, "cur_doubler", "uniq", "[3, 1, 3, 2]").unwrap(),
        "set<s64>{1, 2, 3}"
    );
    assert_eq!(
        call(
            &c,
            "cur_doubler",
            "sum_values",
            r#"map<string, s64>{"a": 1, "b": 41}"#
        )
        .unwrap(),
        "42"
    );
}

#[test]
fn old_and_new_packages_wired_both_ways() {
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("cur_adder", &guest("cur_adder")).unwrap();
    b.add_package("doubler", &guest("doubler")).unwrap();
    b.add_package("cur_doubler", &guest("cur_doubler")).unwrap();
    // 0.5.4 adder -> 0.24 doubler, and 0.24 adder -> 0.5.4 doubler.
    b.wire("adder", "math", "double", "cur_doubler", "double");
    b.wire("cur_adder", "math", "double", "doubler", "double");
    b.wire("cur_adder", "calc", "scale", "cur_doubler", "add");
    b.wire("cur_adder", "ops", "square", "doubler", "double");
    let c = b.build().unwrap();
    for i in [-7, 0, 5, 1_000_000] {
        assert_eq!(
            call(&c, "adder", "process", &i.to_string()).unwrap(),
            (2 * i + 1).to_string()
        );
        assert_eq!(
            call(&c, "cur_adder", "process", &i.to_string()).unwrap(),
            (2 * i + 1).to_string()
        );
    }
}

#[test]
fn maps_and_sets_reach_v2_packages_as_lists() {
    let mut b = Builder::new();
    b.add_package("echo", &guest("echo")).unwrap();
    b.add_package("cur_echo", &guest("cur_echo")).unwrap();
    let c = b.build().unwrap();
    let m = r#"map<string, set<s64>>{"x": set<s64>{1, 2}}"#;
    // The 0.5.4 echo receives (and returns) the v2 shape.
    assert_eq!(call(&c, "echo", "echo", m).unwrap(), r#"[("x", [1, 2])]"#);
    // The 0.24 echo returns the map itself.
    assert_eq!(call(&c, "cur_echo", "echo", m).unwrap(), m);
}

fn greeter(
    lookup: impl Fn(&[u8]) -> Result<Vec<u8>, String> + Send + Sync + 'static,
) -> Composition {
    let mut b = Builder::new();
    b.add_package("cur_greeter", &guest("cur_greeter")).unwrap();
    b.add_host_function("host", "lookup", Arc::new(lookup));
    b.add_host_function(
        "host",
        "try_lookup",
        Arc::new(|_: &[u8]| Ok(encode(&parse(r#"err<string, _>("nobody")"#).unwrap()).unwrap())),
    );
    b.add_host_function(
        "host",
        "log",
        Arc::new(|_: &[u8]| Ok(encode(&Value::unit()).unwrap())),
    );
    b.build().unwrap()
}

#[test]
fn host_functions_serve_current_guests_and_their_errors_reach_the_caller() {
    let c = greeter(|i: &[u8]| {
        let name = decode(i).map_err(|e| e.to_string())?;
        match name {
            Value::String(s) if s.as_str() == "ann" => Ok(encode(&Value::string("Ann")).unwrap()),
            other => Err(format!("no such person: {}", to_text(&other))),
        }
    });
    assert_eq!(
        call(&c, "cur_greeter", "greet", r#""ann""#).unwrap(),
        r#""Hello, Ann!""#
    );
    let e = call(&c, "cur_greeter", "greet", r#""bob""#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Host, "{}", e.message);
    assert!(e.message.contains("cur_greeter.greet"), "{}", e.message);
    assert!(
        e.message.contains("host function host.lookup"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("no such person: \"bob\""),
        "{}",
        e.message
    );
    // The guest trapped (packr-guest 0.24 panics on -1): the composition recovers.
    assert_eq!(
        call(&c, "cur_greeter", "greet", r#""ann""#).unwrap(),
        r#""Hello, Ann!""#
    );
    // A Result-typed import carries its error as a value instead.
    assert_eq!(
        call(&c, "cur_greeter", "try_greet", r#""x""#).unwrap(),
        r#"err<string, _>("lookup failed: nobody")"#
    );
}

#[test]
fn a_current_guest_that_lacks_its_allocator_is_a_link_error() {
    // A module whose embedded metadata says CGRF v3 but exports no __pack_alloc/__pack_free.
    let w = wat::parse_str(
        r#"(module (memory (export "memory") 1)
             (data (i32.const 64) "CGRF\03\00\00\00\01\00\00\00\00\00\00\00\01\00\00\00\01\00\00\00\01")
             (func (export "f") (param i32 i32 i32 i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    let mut b = Builder::new();
    b.add_package("bad", &w).unwrap();
    let Err(e) = b.build() else { panic!("built") };
    assert_eq!(e.kind, ErrorKind::Link);
    assert!(
        e.message.contains("package bad is a packr-guest 0.24"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("__pack_alloc and __pack_free"),
        "{}",
        e.message
    );
}

#[test]
fn wat_fixtures_stay_in_the_old_generation() {
    let mut b = Builder::new();
    b.add_package("raw", &wat("echo_raw")).unwrap();
    let c = b.build().unwrap();
    assert_eq!(c.detection(0).unwrap().generation, Generation::V0_5);
}

/// A hand-written current-generation guest (its data holds a CGRF v3 header, so it is told to
/// be 0.24): `relay` calls its import `h.f` with its own input and returns the import's result
/// (status and buffer as the host handed them, copied to 8192); `status7` returns 7; `oob`
/// returns a result pointer far outside its memory. `__pack_alloc` returns `ALLOC`.
fn current_wat(alloc: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
          (import "h" "f" (func $f (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (data (i32.const 64) "CGRF\03\00\00\00\01\00\00\00\00\00\00\00\01\00\00\00\01\00\00\00\01")
          (global $status (export "last_status") (mut i32) (i32.const 99))
          (func (export "__pack_alloc") (param i32) (result i32) {alloc})
          (func (export "__pack_free") (param i32 i32))
          (func (export "relay") (param $ip i32) (param $il i32) (param $opp i32) (param $olp i32) (result i32)
            (global.set $status (call $f (local.get $ip) (local.get $il) (i32.const 1024) (i32.const 1028)))
            (memory.copy (i32.const 8192) (i32.load (i32.const 1024)) (i32.load (i32.const 1028)))
            (i32.store (local.get $opp) (i32.const 8192))
            (i32.store (local.get $olp) (i32.load (i32.const 1028)))
            (i32.const 0))
          (func (export "status7") (param i32 i32 i32 i32) (result i32) (i32.const 7))
          (func (export "oob") (param i32 i32 i32 i32) (result i32)
            (i32.store (local.get 2) (i32.const 0x7fff0000))
            (i32.store (local.get 3) (i32.const 16))
            (i32.const 0)))"#
    ))
    .unwrap()
}

fn echo_host() -> Arc<dyn packr::runtime::HostFn> {
    Arc::new(|i: &[u8]| Ok(i.to_vec()))
}

#[test]
fn bad_current_guests_get_clear_errors() {
    // Allocator returns 0: import results fall back to host-owned scratch memory (status 0,
    // which packr-guest 0.24 reads as "host-owned, do not free").
    let mut b = Builder::new();
    b.add_package("zero", &current_wat("i32.const 0")).unwrap();
    b.add_host_function("h", "f", echo_host());
    let c = b.build().unwrap();
    assert_eq!(generation_of(&c, "zero"), Generation::V0_24);
    assert_eq!(call(&c, "zero", "relay", "21").unwrap(), "21");
    // A status outside {0, -1}.
    let e = call(&c, "zero", "status7", "1").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Trap);
    assert!(
        e.message.contains("zero.status7") && e.message.contains("status 7"),
        "{}",
        e.message
    );
    // A result pointer out of bounds.
    let e = call(&c, "zero", "oob", "1").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Trap);
    assert!(
        e.message.contains("zero.oob") && e.message.contains("out of bounds"),
        "{}",
        e.message
    );
    // Still usable.
    assert_eq!(call(&c, "zero", "relay", "5").unwrap(), "5");

    // A working allocator: the import result comes in a guest buffer with status 1.
    let mut b = Builder::new();
    b.add_package("ok", &current_wat("i32.const 4096")).unwrap();
    b.add_host_function("h", "f", echo_host());
    let c = b.build().unwrap();
    assert_eq!(call(&c, "ok", "relay", "7").unwrap(), "7");
    // An allocator that returns an address outside memory: a trap naming the package.
    let mut b = Builder::new();
    b.add_package("wild", &current_wat("i32.const 0x7ffffff0"))
        .unwrap();
    b.add_host_function("h", "f", echo_host());
    let c = b.build().unwrap();
    let e = call(&c, "wild", "relay", "7").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Trap, "{}", e.message);
    assert!(
        e.message.contains("wild.relay") && e.message.contains("out of bounds"),
        "{}",
        e.message
    );
}

fn generation_of(c: &Composition, pkg: &str) -> Generation {
    c.detection(c.resolve_package(pkg).unwrap())
        .unwrap()
        .generation
}

#[test]
fn a_wiring_cycle_across_generations_ends_with_a_bounded_error() {
    // adder (0.5.4) -> cur_adder (0.24.1) -> adder -> ... never ends on its own.
    let mut b = Builder::new();
    b.add_package("old", &guest("adder")).unwrap();
    b.add_package("new", &guest("cur_adder")).unwrap();
    b.add_package("doubler", &guest("doubler")).unwrap();
    b.wire("old", "math", "double", "new", "process");
    b.wire("new", "math", "double", "old", "process");
    // calc.scale takes two numbers; nothing calls it here, so it is wired unchecked.
    b.wire_unchecked("new", "calc", "scale", "doubler", "double");
    b.wire("new", "ops", "square", "doubler", "double");
    b.set_timeout_ms(5_000);
    let c = b.build().unwrap();
    let e = call(&c, "old", "process", "1").unwrap_err();
    assert!(
        matches!(e.kind, ErrorKind::Trap | ErrorKind::Limit),
        "{:?}: {}",
        e.kind,
        e.message
    );
    assert!(e.message.starts_with("old.process: "), "{}", e.message);
    assert!(
        e.message.len() < 4096,
        "bounded message: {} bytes",
        e.message.len()
    );
    // Both generations recover.
    let mut b = Builder::new();
    b.add_package("old", &guest("adder")).unwrap();
    b.add_package("new", &guest("cur_doubler")).unwrap();
    b.wire("old", "math", "double", "new", "double");
    let c = b.build().unwrap();
    assert_eq!(call(&c, "old", "process", "20").unwrap(), "41");
}
