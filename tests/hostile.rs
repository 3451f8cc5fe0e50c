//! Hostile guests: every case must end in a clear error of the right kind, and the
//! composition must keep working for the next call.

use packr::runtime::{Builder, Composition, Error, ErrorKind};
use packr::value::{Value, decode, encode};
use std::time::{Duration, Instant};

mod common;
use common::{guest, wat};

fn one(name: &str, wasm: &[u8], setup: impl FnOnce(&mut Builder)) -> Composition {
    let mut b = Builder::new();
    b.add_package(name, wasm).unwrap();
    setup(&mut b);
    b.build().unwrap()
}

fn call_raw(c: &Composition, pkg: &str, f: &str, input: &[u8]) -> Result<Vec<u8>, Error> {
    let (p, e) = c.resolve(pkg, f).unwrap();
    c.call(p, e, input)
}

fn call(c: &Composition, pkg: &str, f: &str, v: &Value) -> Result<Value, Error> {
    call_raw(c, pkg, f, &encode(v).unwrap()).map(|b| decode(&b).unwrap())
}

fn expect(r: Result<impl std::fmt::Debug, Error>, kind: ErrorKind, needles: &[&str]) -> Error {
    let e = r.expect_err("the call should fail");
    assert_eq!(e.kind, kind, "{}", e.message);
    for n in needles {
        assert!(e.message.contains(n), "message lacks {n:?}: {}", e.message);
    }
    e
}

#[test]
fn unreachable_trap_then_recovery() {
    let c = one("t", &wat("trap"), |_| {});
    expect(
        call_raw(&c, "t", "boom", b"x"),
        ErrorKind::Trap,
        &["t.boom", "unreachable", "re-instantiated"],
    );
    assert_eq!(call_raw(&c, "t", "ok", b"hello").unwrap(), b"hello");
}

#[test]
fn out_of_bounds_results_are_traps() {
    let c = one("b", &wat("bad_out"), |_| {});
    // (`straddle` is not here: it points just below the guest's initial 64 KiB, and the host's
    // own scratch page now follows, so it is in bounds.)
    for f in ["out_of_bounds", "huge_len", "wrap", "negative_len"] {
        expect(
            call_raw(&c, "b", f, b"x"),
            ErrorKind::Trap,
            &["out of bounds"],
        );
    }
    // Garbage that is in bounds passes through untouched (calls do not validate CGRF)...
    assert_eq!(
        call_raw(&c, "b", "garbage", b"x").unwrap(),
        b"this is not CGRF at all"
    );
    assert_eq!(call_raw(&c, "b", "empty", b"x").unwrap(), b"");
}

#[test]
fn invalid_cgrf_handed_to_another_guest_blames_the_producer() {
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("bad", &wat("bad_out")).unwrap();
    b.wire("adder", "math", "double", "bad", "garbage");
    let c = b.build().unwrap();
    expect(
        call(&c, "adder", "process", &Value::S64(1)),
        ErrorKind::Decode,
        &["bad.garbage", "invalid CGRF", "adder.process"],
    );
}

#[test]
fn guest_error_status_and_odd_statuses() {
    let c = one("e", &wat("err_status"), |_| {});
    expect(
        call_raw(&c, "e", "fail", b"x"),
        ErrorKind::Guest,
        &["nope: something went wrong"],
    );
    expect(
        call_raw(&c, "e", "fail_utf8", b"x"),
        ErrorKind::Guest,
        &["nope: "],
    );
    expect(
        call_raw(&c, "e", "fail_oob", b"x"),
        ErrorKind::Trap,
        &["out of bounds"],
    );
    expect(
        call_raw(&c, "e", "fail_huge", b"x"),
        ErrorKind::Trap,
        &["out of bounds"],
    );
    expect(
        call_raw(&c, "e", "weird_status", b"x"),
        ErrorKind::Trap,
        &["status 7"],
    );
    assert_eq!(call_raw(&c, "e", "ok", b"fine").unwrap(), b"fine");
}

#[test]
fn infinite_loop_stops_at_the_timeout() {
    let c = one("l", &wat("loop"), |b| b.set_timeout_ms(100));
    let t = Instant::now();
    expect(
        call_raw(&c, "l", "spin", b"x"),
        ErrorKind::Limit,
        &["timeout", "100 ms"],
    );
    let took = t.elapsed();
    // The contract is 2×T + 50 ms; allow the noisy shared machine some slack.
    assert!(took < Duration::from_millis(1000), "took {took:?}");
    assert_eq!(call_raw(&c, "l", "ok", b"y").unwrap(), b"y");
}

/// A packr-guest 0.5.4 guest may hand an import's result on, as is, as the argument of its next
/// import. The host frees that result at the next import call (the guest never does), and a
/// real allocator overwrites freed memory: the argument must be read before that.
#[test]
fn an_import_result_passed_on_as_the_next_argument_arrives_intact() {
    use std::sync::Arc;
    let echo = |input: &[u8]| -> Result<Vec<u8>, String> { Ok(input.to_vec()) };
    let c = one("r", &wat("relay"), |b| {
        b.add_host_function("host", "first", Arc::new(echo));
        b.add_host_function("host", "second", Arc::new(echo));
    });
    let v = Value::String("passed along twice".into());
    for _ in 0..3 {
        assert!(call(&c, "r", "relay", &v).unwrap().same(&v));
    }
}

/// The host keeps one input buffer in each guest (allocated once with `__pack_alloc`): it is
/// lent to one call at a time, so a call that re-enters the package gets a buffer of its own;
/// it is replaced (and the old one freed, with its size) when a larger input comes; inputs
/// beyond its maximum get a buffer of their own, freed after the call. Nothing leaks, and a
/// small call allocates only its result.
#[test]
fn the_kept_input_buffer_is_lent_to_one_call_at_a_time_and_never_leaks() {
    let mut b = Builder::new();
    b.add_package("k", &wat("kept_input")).unwrap();
    b.wire("k", "self", "echo", "k", "echo");
    let c = b.build().unwrap();
    // (live blocks, allocations so far, frees with a wrong length)
    let live = || {
        let out = call_raw(&c, "k", "live", b"").unwrap();
        let w = |i: usize| u32::from_le_bytes(out[i * 4..i * 4 + 4].try_into().unwrap());
        (w(0), w(1), w(2))
    };
    let bytes = |n: usize| -> Vec<u8> { (0..n).map(|i| (i * 7 + n) as u8).collect() };
    // Allocations one small echo makes, with its input already kept (`live`'s result is one).
    let allocs_of_one_echo = || {
        let before = live().1;
        assert_eq!(call_raw(&c, "k", "echo", &bytes(16)).unwrap(), bytes(16));
        live().1 - before - 1
    };
    // The result slots and `live`'s own result buffer.
    assert_eq!(live().0, 2);
    for n in [
        1usize, 16, 200, 300, 1000, 4080, 4081, 10_000, 16, 0, 3000, 70_000, 5,
    ] {
        let input = bytes(n);
        assert_eq!(
            call_raw(&c, "k", "echo", &input).unwrap(),
            input,
            "echo of {n} bytes"
        );
        // The nested call into `k` must not be handed the outer call's buffer.
        assert_eq!(
            call_raw(&c, "k", "nested", &input).unwrap(),
            input,
            "nested of {n} bytes"
        );
        assert_eq!(
            live(),
            (3, live().1 - 1, 0),
            "after {n} bytes: slots, kept buffer, live's result; no free with a wrong length"
        );
    }
    assert_eq!(allocs_of_one_echo(), 1, "only the result is allocated");
    // A call that fails gives the buffer back too.
    let e = call_raw(&c, "k", "fail", &bytes(16)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Guest, "{}", e.message);
    assert!(e.message.contains("failed on purpose"), "{}", e.message);
    assert_eq!(allocs_of_one_echo(), 1, "after a failed call");
    // A guest that answers with its input buffer itself: the host frees that result, as every
    // result, and must not write into the freed buffer again (echo traps on a freed input).
    assert_eq!(call_raw(&c, "k", "same", &bytes(16)).unwrap(), bytes(16));
    assert_eq!(live().2, 1, "the result was freed with its own length");
    assert_eq!(allocs_of_one_echo(), 2, "inputs are now placed per call");
    assert_eq!(live().0, 2, "slots and live's result: nothing leaks");
}

#[test]
fn infinite_loop_stops_when_fuel_runs_out() {
    let c = one("l", &wat("loop"), |b| b.set_fuel(5_000_000));
    expect(
        call_raw(&c, "l", "spin", b"x"),
        ErrorKind::Limit,
        &["fuel", "5000000"],
    );
    assert_eq!(call_raw(&c, "l", "ok", b"y").unwrap(), b"y");
}

#[test]
fn packr_guest_panic_spins_until_a_limit() {
    let c = one("h", &guest("hostile"), |b| b.set_fuel(20_000_000));
    expect(
        call(&c, "h", "panic_now", &Value::S64(1)),
        ErrorKind::Limit,
        &["fuel"],
    );
    let c = one("h", &guest("hostile"), |b| b.set_timeout_ms(50));
    expect(
        call(&c, "h", "panic_now", &Value::S64(1)),
        ErrorKind::Limit,
        &["timeout"],
    );
}

#[test]
fn interrupt_stops_a_running_call_and_is_not_sticky() {
    let c = one("l", &wat("loop"), |_| {});
    let c2 = c.clone();
    let h = std::thread::spawn(move || call_raw(&c2, "l", "spin", b"x"));
    std::thread::sleep(Duration::from_millis(50));
    c.interrupt();
    expect(h.join().unwrap(), ErrorKind::Interrupted, &["interrupted"]);
    // Nothing is running now: interrupting does nothing, and calls run normally.
    c.interrupt();
    assert_eq!(call_raw(&c, "l", "ok", b"z").unwrap(), b"z");
}

#[test]
fn memory_grow_bomb_hits_the_memory_limit() {
    let c = one("g", &wat("grow_bomb"), |b| b.set_memory_limit(16 << 20));
    expect(
        call_raw(&c, "g", "bomb", b"x"),
        ErrorKind::Limit,
        &["memory limit", "16777216"],
    );
    let c = one("h", &guest("hostile"), |b| b.set_memory_limit(32 << 20));
    expect(
        call(&c, "h", "grow", &Value::S64(64)),
        ErrorKind::Limit,
        &["memory limit"],
    );
    assert_eq!(
        call(&c, "h", "grow", &Value::S64(1)).unwrap(),
        Value::S64(1 << 20)
    );
}

#[test]
fn deep_recursion_is_a_stack_overflow_trap() {
    let c = one("d", &wat("deep_recursion"), |_| {});
    expect(
        call_raw(&c, "d", "recurse", b"x"),
        ErrorKind::Trap,
        &["stack overflow"],
    );
    let c = one("h", &guest("hostile"), |_| {});
    expect(
        call(&c, "h", "recurse", &Value::S64(10_000_000)),
        ErrorKind::Trap,
        &["stack overflow"],
    );
}

#[test]
fn bad_allocators() {
    // An allocator returning garbage: writing the input there fails cleanly.
    let c = one("a", &wat("bad_alloc"), |_| {});
    expect(
        call_raw(&c, "a", "echo", b"hello"),
        ErrorKind::Trap,
        &["out of bounds"],
    );
    // An allocator returning 0: the host uses its own scratch region instead.
    let c = one("z", &wat("bad_alloc_zero"), |_| {});
    assert_eq!(call_raw(&c, "z", "echo", b"hello").unwrap(), b"hello");
}

#[test]
fn guests_without_the_expected_exports() {
    let c = one("n", &wat("no_exports"), |_| {});
    let e = c.resolve("n", "anything").unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
    assert!(e.message.contains("anything"), "{}", e.message);
    let mut b = Builder::new();
    b.add_package("m", &wat("no_memory")).unwrap();
    let e = b.build().err().unwrap();
    assert_eq!(e.kind, ErrorKind::Link);
    assert!(e.message.contains("memory"), "{}", e.message);
}

#[test]
fn imports_nobody_provides() {
    for (name, wasm) in [
        ("w", wat("imports_missing")),
        ("h", guest("hostile_import")),
    ] {
        let mut b = Builder::new();
        b.add_package(name, &wasm).unwrap();
        let e = b.build().err().unwrap();
        assert_eq!(e.kind, ErrorKind::Link);
        assert!(e.message.contains("nowhere.nothing"), "{}", e.message);
    }
}

#[test]
fn not_wasm_is_a_compile_error() {
    let mut b = Builder::new();
    let e = b.add_package("x", b"this is not wasm").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Compile);
    assert!(e.message.contains("package x"), "{}", e.message);
}

#[test]
fn big_results_cross_packages_at_any_size() {
    // A 2 MiB result from one package handed to another (packr 0.5.4 corrupted the caller's
    // stack beyond about 1 MiB).
    let mut b = Builder::new();
    b.add_package("echo", &guest("echo")).unwrap();
    b.add_package("h", &guest("hostile")).unwrap();
    let c = b.build().unwrap();
    let v = call(&c, "h", "big", &Value::S64(2 << 20)).unwrap();
    let Value::String(s) = &v else {
        panic!("expected a string, got {v:?}")
    };
    assert_eq!(s.len(), 2 << 20);
    let back = call(&c, "echo", "echo", &v).unwrap();
    assert!(back.same(&v));
}

#[test]
fn wiring_cycle_runs_reentrantly() {
    // adder.process imports math.double; wire it to adder's own process: a cycle that recurses
    // until the wasm stack is exhausted. It must end in a trap, not a deadlock.
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.wire("adder", "math", "double", "adder", "process");
    let c = b.build().unwrap();
    let e = expect(
        call(&c, "adder", "process", &Value::S64(1)),
        ErrorKind::Trap,
        &["adder.process"],
    );
    assert!(
        e.message.contains("stack") || e.message.contains("out of bounds"),
        "{}",
        e.message
    );
}
