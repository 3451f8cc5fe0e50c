//! The composition runtime against real packr-guest 0.5.4 guests and WAT fixtures.
//! The guests are built by tests/guests/build.sh (the test command runs it first).

use packr::runtime::{Builder, Composition, ErrorKind};
use packr::value::{Value, decode, encode};
use std::sync::Arc;

mod common;
use common::{guest, wat};

fn call(c: &Composition, pkg: &str, f: &str, v: &Value) -> Result<Value, packr::runtime::Error> {
    let (p, e) = c.resolve(pkg, f)?;
    let out = c.call(p, e, &encode(v).unwrap())?;
    Ok(decode(&out).unwrap())
}

#[test]
fn doubler_doubles() {
    let mut b = Builder::new();
    b.add_package("doubler", &guest("doubler")).unwrap();
    let c = b.build().unwrap();
    assert_eq!(
        call(&c, "doubler", "double", &Value::S64(21)).unwrap(),
        Value::S64(42)
    );
    // A 1-tuple is not unwrapped for typed parameters at 0.5.4: the guest reports an error.
    let e = call(&c, "doubler", "double", &Value::tuple(vec![Value::S64(21)])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Guest);
    assert!(
        e.message.contains("failed to convert parameter"),
        "{}",
        e.message
    );
    // The composition still works afterwards.
    assert_eq!(
        call(&c, "doubler", "double", &Value::S64(-4)).unwrap(),
        Value::S64(-8)
    );
}

#[test]
fn adder_wired_to_doubler() {
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("doubler", &guest("doubler")).unwrap();
    b.wire("adder", "math", "double", "doubler", "double");
    let c = b.build().unwrap();
    assert_eq!(
        call(&c, "adder", "process", &Value::S64(5)).unwrap(),
        Value::S64(11)
    );
    for i in -50..50 {
        assert_eq!(
            call(&c, "adder", "process", &Value::S64(i)).unwrap(),
            Value::S64(2 * i + 1)
        );
    }
}

#[test]
fn unsatisfied_import_is_a_link_error() {
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    let e = b.build().err().unwrap();
    assert_eq!(e.kind, ErrorKind::Link);
    assert!(e.message.contains("math.double"), "{}", e.message);
}

#[test]
fn host_function_round_trip() {
    let mut b = Builder::new();
    b.add_package("greeter", &guest("greeter")).unwrap();
    b.add_host_function(
        "host",
        "greet",
        Arc::new(|input: &[u8]| -> Result<Vec<u8>, String> {
            let v = decode(input).map_err(|e| e.to_string())?;
            let Value::String(s) = v else {
                return Err("expected a string".into());
            };
            Ok(encode(&Value::string(&format!("Hello, {s}"))).unwrap())
        }),
    );
    b.add_host_function(
        "host",
        "log",
        Arc::new(|_: &[u8]| Ok(encode(&Value::unit()).unwrap())),
    );
    let c = b.build().unwrap();
    assert_eq!(
        call(&c, "greeter", "hello", &Value::string("bob")).unwrap(),
        Value::string("Hello, bob!")
    );
}

#[test]
fn host_error_reaches_the_caller() {
    let mut b = Builder::new();
    b.add_package("greeter", &guest("greeter")).unwrap();
    b.add_host_function(
        "host",
        "greet",
        Arc::new(|_: &[u8]| Err("no greetings today".to_string())),
    );
    b.add_host_function(
        "host",
        "log",
        Arc::new(|_: &[u8]| Ok(encode(&Value::unit()).unwrap())),
    );
    let c = b.build().unwrap();
    let e = call(&c, "greeter", "hello", &Value::string("bob")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Host);
    assert!(
        e.message.contains("no greetings today") && e.message.contains("host.greet"),
        "{}",
        e.message
    );
    // Re-instantiated: the next call works.
    let e2 = call(&c, "greeter", "hello", &Value::string("x")).unwrap_err();
    assert_eq!(e2.kind, ErrorKind::Host);
}

#[test]
fn wat_trap_and_raw_echo() {
    let mut b = Builder::new();
    b.add_package("echo", &wat("echo_raw")).unwrap();
    b.add_package("trap", &wat("trap")).unwrap();
    let c = b.build().unwrap();
    let (p, e) = c.resolve("echo", "echo").unwrap();
    for n in [0usize, 1, 16, 1024, 65536, 1 << 20] {
        let input: Vec<u8> = (0..n).map(|i| i as u8).collect();
        assert_eq!(c.call(p, e, &input).unwrap(), input);
    }
    let (p, e) = c.resolve("trap", "boom").unwrap();
    let err = c.call(p, e, b"x").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Trap);
    assert!(err.message.contains("trap.boom"), "{}", err.message);
}

#[test]
fn a_memory_limit_below_the_initial_memory_fails_at_build_and_rebuilds_stay_correct() {
    // doubler's memory starts at 17 pages (1,114,112 bytes).
    let mut b = Builder::new();
    b.add_package("doubler", &guest("doubler")).unwrap();
    b.set_memory_limit(1 << 20);
    let Err(e) = b.build() else { panic!("built") };
    assert_eq!(e.kind, ErrorKind::Limit);
    assert!(
        e.message.contains("package doubler: its memory starts at"),
        "{}",
        e.message
    );
    // Rebuilding the same composition many times (later builds instantiate on the first call)
    // gives working compositions every time.
    for i in 0..20 {
        let mut b = Builder::new();
        b.add_package("adder", &guest("adder")).unwrap();
        b.add_package("doubler", &guest("doubler")).unwrap();
        b.wire("adder", "math", "double", "doubler", "double");
        let c = b.build().unwrap();
        assert_eq!(
            call(&c, "adder", "process", &Value::S64(i)).unwrap(),
            Value::S64(2 * i + 1)
        );
    }
}
