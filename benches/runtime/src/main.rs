//! Prints a table of per-call costs of libpackr's composition runtime, measured in one run on
//! the same guest bytes against
//!
//! * **the floor**: a hand-rolled wasmtime 48.0.8 call of the same export through the same guest
//!   ABI (`__pack_alloc`, write, call with two result slots, read the slots, copy the result,
//!   `__pack_free` both), with the Store, Memory and TypedFuncs cached; for cross-package and
//!   host-function cases, the floor's import function does the same copies by hand;
//! * **packr 0.5.4** from crates.io (`CompositionBuilder` / `BuiltComposition::call`, on
//!   wasmtime 27).
//!
//! Timings are medians of 35 batches of about 2 ms per variant: 5 rounds over all cases, each
//! with 7 batches per variant, the variants of a case interleaved batch by batch, so that noise
//! from other processes hits the variants of a case alike and a burst hits only a few batches.
//! Every variant's result bytes are asserted before timing. echo_raw's bump allocator never
//! frees, so those cases start every batch from fresh instances (outside the timing). Cold
//! builds run in child processes of this binary (`--cold <who>`), so each one really is the
//! first build in its process.
//!
//! Run: `cargo run --release -p runtime-bench` (from the repository root; the guests must have
//! been built with `tests/guests/build.sh`). Knobs:
//!
//! * `RUNTIME_BENCH_ONLY=<substring>`: only the matching cases (`rebuild`, `cold`, a case name);
//! * `RUNTIME_BENCH_LOOP=<variant>:<seconds>` with `RUNTIME_BENCH_ONLY`: call one variant of the
//!   first matching case in a loop instead of measuring, for `perf record` / callgrind
//!   (variants `func`, `comp`, `floor`, `p054`; for the rebuild case `rebuild`, `floor_rebuild`);
//! * `RUNTIME_BENCH_FLOOR_NO_EPOCH=1`: a diagnostic floor without epoch-interruption checks
//!   (libpackr always compiles them in; packr 0.5.4 does not). Not for the reported table.

use packr::ffi::*;
use packr::value as pv;
use packr_abi::Value as PValue;
use packr054::runtime::{BuiltComposition, CompositionBuilder};
use std::ffi::{CStr, CString, c_void};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use wasmtime as wt;

mod floor;
mod ours;
use floor::*;
use ours::*;

// ---------------------------------------------------------------------------------------------
// Guest bytes and the shared host functions
// ---------------------------------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn guest(name: &str) -> Vec<u8> {
    let p = repo()
        .join("target/guests/wasm")
        .join(format!("{name}.wasm"));
    std::fs::read(&p).unwrap_or_else(|e| {
        panic!(
            "reading {}: {e} (build the guests first: tests/guests/build.sh)",
            p.display()
        )
    })
}

struct Guests {
    echo_raw: Vec<u8>,
    echo: Vec<u8>,
    doubler: Vec<u8>,
    adder: Vec<u8>,
    greeter: Vec<u8>,
    /// packr-guest 0.24.1's doubler (CGRF v3).
    cur_doubler: Option<Vec<u8>>,
    /// The doubler written in C with guest/packr_guest.h (CGRF v3; tests/guests/build_c.sh).
    c_doubler: Option<Vec<u8>>,
}

fn guests() -> Guests {
    let wat_path = repo().join("tests/guests/wat/echo_raw.wat");
    Guests {
        echo_raw: wat::parse_file(&wat_path).expect("parse echo_raw.wat"),
        echo: guest("echo"),
        doubler: guest("doubler"),
        adder: guest("adder"),
        greeter: guest("greeter"),
        cur_doubler: std::fs::read(repo().join("target/guests/wasm/cur_doubler.wasm")).ok(),
        c_doubler: std::fs::read(repo().join("target/guests/wasm-c/doubler.wasm")).ok(),
    }
}

fn enc(v: &pv::Value) -> Vec<u8> {
    pv::encode(v).expect("encode")
}

/// host.greet, shared by all three hosts: `String(name)` → `String("Hello, " + name)`.
fn greet(input: &[u8]) -> Result<Vec<u8>, String> {
    match pv::decode(input).map_err(|e| e.to_string())? {
        pv::Value::String(s) => pv::encode(&pv::Value::string(&format!("Hello, {}", s.as_str())))
            .map_err(|e| e.to_string()),
        _ => Err("greet expects a string".into()),
    }
}

fn unit_bytes() -> &'static [u8] {
    static U: OnceLock<Vec<u8>> = OnceLock::new();
    U.get_or_init(|| enc(&pv::Value::unit()))
}

/// host.log for the floor and packr 0.5.4: ignores the message, returns `()`.
fn log(_input: &[u8]) -> Result<Vec<u8>, String> {
    Ok(unit_bytes().to_vec())
}

// ---------------------------------------------------------------------------------------------
// packr 0.5.4 (crates.io, wasmtime 27)
// ---------------------------------------------------------------------------------------------

fn p054_build(shape: Shape, pkgs: &[(&str, &[u8])]) -> BuiltComposition {
    let mut b = CompositionBuilder::new();
    for (n, bytes) in pkgs {
        b = b.add_package(*n, bytes.to_vec());
    }
    match shape {
        Shape::Single => {}
        Shape::AdderDoubler => b = b.wire("adder", "math", "double", "doubler", "double"),
        Shape::Greeter => {
            b = b
                .add_host_function("host", "greet", greet)
                .add_host_function("host", "log", log)
        }
    }
    b.build().expect("packr 0.5.4 build")
}

/// Our value, converted to packr-abi 0.5.4's (through the bytes, which are identical).
fn to_p(v: &pv::Value) -> PValue {
    packr_abi::decode(&enc(v)).expect("packr-abi decodes libpackr's bytes")
}

// ---------------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------------

enum Op {
    /// Untimed: start from fresh instances (for guests that never free, like echo_raw).
    Reset,
    /// Timed: one call.
    Call,
    /// Untimed: one call whose result is asserted.
    Check,
}

type Runner<'a> = Box<dyn FnMut(Op) + 'a>;

/// Rounds over all cases, and interleaved batches per case and round: every variant gets
/// ROUNDS × BATCHES_PER_ROUND batches, spread over the whole run so that a burst of noise from
/// other processes hits only some of them (and hits the variants of a case alike).
const ROUNDS: usize = 5;
const BATCHES_PER_ROUND: usize = 7;
const BATCH_NS: f64 = 2_000_000.0;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// The variants of one case, in column order: func_call, composition_call, floor, packr 0.5.4.
struct Bench<'a> {
    row: Row,
    /// Fresh instances before every batch (outside the timing).
    reset: bool,
    runners: [Option<Runner<'a>>; 4],
    per_batch: [usize; 4],
    samples: [Vec<f64>; 4],
}

impl<'a> Bench<'a> {
    fn new(row: Row, reset: bool, runners: [Option<Runner<'a>>; 4]) -> Bench<'a> {
        Bench {
            row,
            reset,
            runners,
            per_batch: [0; 4],
            samples: Default::default(),
        }
    }

    /// Checks every variant's result, warms up, and sizes the batches to about 2 ms.
    fn prepare(&mut self) {
        for (i, r) in self.runners.iter_mut().enumerate() {
            let Some(r) = r else { continue };
            r(Op::Check);
            if self.reset {
                r(Op::Reset);
            }
            for _ in 0..3 {
                r(Op::Call);
            }
            let t = Instant::now();
            let mut n = 0usize;
            while t.elapsed().as_nanos() < 500_000 || n < 3 {
                r(Op::Call);
                n += 1;
            }
            let one = t.elapsed().as_nanos() as f64 / n as f64;
            self.per_batch[i] = ((BATCH_NS / one) as usize).clamp(1, 1_000_000);
        }
    }

    /// One round: `batches` batches per variant, interleaved.
    fn round(&mut self, batches: usize) {
        for _ in 0..batches {
            for (i, r) in self.runners.iter_mut().enumerate() {
                let Some(r) = r else { continue };
                if self.reset {
                    r(Op::Reset);
                }
                let n = self.per_batch[i];
                let t = Instant::now();
                for _ in 0..n {
                    r(Op::Call);
                }
                self.samples[i].push(t.elapsed().as_nanos() as f64 / n as f64);
            }
        }
    }

    /// The row with the medians filled in (the columns without a runner keep their value).
    fn finish(mut self) -> Row {
        let m: Vec<Option<f64>> = self
            .samples
            .iter()
            .map(|s| (!s.is_empty()).then(|| median(s.clone())))
            .collect();
        let r = &mut self.row;
        r.func = m[0].or(r.func);
        r.comp = m[1].or(r.comp);
        r.floor = m[2].or(r.floor);
        r.p054 = m[3].or(r.p054);
        self.row
    }

    /// `RUNTIME_BENCH_LOOP`: call one variant in a loop instead of measuring, then exit.
    fn profile(&mut self, variant: &str, secs: f64) -> ! {
        let names = ["func", "comp", "floor", "p054"];
        let i = names
            .iter()
            .position(|n| *n == variant)
            .expect("RUNTIME_BENCH_LOOP variant: func, comp, floor or p054");
        let r = self.runners[i]
            .as_mut()
            .expect("this case has no such variant");
        run_loop(r, self.reset, secs);
        std::process::exit(0)
    }
}

/// `RUNTIME_BENCH_LOOP=<variant>:<seconds>`: instead of measuring, call one variant in a loop
/// (for `perf record`). Variants: func, comp, floor, p054 (calls); rebuild, floor_rebuild.
fn profile_loop() -> Option<(String, f64)> {
    let v = std::env::var("RUNTIME_BENCH_LOOP").ok()?;
    let (n, s) = v.split_once(':').unwrap_or((&v, "5"));
    Some((n.to_string(), s.parse().expect("seconds")))
}

fn run_loop(r: &mut Runner<'_>, reset: bool, secs: f64) {
    r(Op::Check);
    let t = Instant::now();
    let mut last_reset = Instant::now();
    let mut n = 0u64;
    while t.elapsed().as_secs_f64() < secs {
        // Fresh instances every 50 ms at most, so that resets stay a small part of the profile.
        if reset && last_reset.elapsed() > Duration::from_millis(50) {
            r(Op::Reset);
            last_reset = Instant::now();
        }
        for _ in 0..100 {
            r(Op::Call);
        }
        n += 100;
    }
    eprintln!(
        "loop: {n} calls, {:.0} ns per call (resets included)",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    RawEcho,
    GuestCall,
    CrossPackage,
    HostFn,
    Limits,
    Build,
}

struct CallCase {
    name: String,
    kind: Kind,
    shape: Shape,
    /// Packages in the composition (the called one first for Single/Greeter).
    pkgs: Vec<(&'static str, Vec<u8>)>,
    pkg: &'static str,
    export: &'static str,
    input: pv::Value,
    expected: pv::Value,
    input_b: Vec<u8>,
    expected_b: Vec<u8>,
    p_input: PValue,
    p_expected: PValue,
    lim: Lim,
    /// Fresh instances before every batch (echo_raw's bump allocator never frees).
    reset: bool,
    /// The CGRF version the guest speaks (3: a current-generation package, which packr 0.5.4
    /// cannot run); inputs and expected outputs are encoded in it.
    wire: u16,
}

struct Row {
    name: String,
    kind: Kind,
    func: Option<f64>,
    comp: Option<f64>,
    floor: Option<f64>,
    p054: Option<f64>,
    p054_note: &'static str,
}

fn call_cases(g: &Guests) -> Vec<CallCase> {
    let mut v = Vec::new();
    for (label, n) in [("16 B", 16usize), ("1 KiB", 1024), ("64 KiB", 65536)] {
        let s = pv::Value::string(&"a".repeat(n));
        let cgrf = enc(&s).len();
        v.push(CallCase {
            name: format!("raw echo, string {label} ({cgrf} B CGRF) — echo_raw.wat `echo`"),
            kind: Kind::RawEcho,
            shape: Shape::Single,
            pkgs: vec![("echo_raw", g.echo_raw.clone())],
            pkg: "echo_raw",
            export: "echo",
            input: s.clone(),
            expected: s,
            lim: Lim::default(),
            reset: true,
            ..CallCase::blank()
        });
    }
    v.push(CallCase {
        name: "packr-guest `echo` S64 (echo)".into(),
        kind: Kind::GuestCall,
        shape: Shape::Single,
        pkgs: vec![("echo", g.echo.clone())],
        pkg: "echo",
        export: "echo",
        input: pv::Value::S64(5),
        expected: pv::Value::S64(5),
        lim: Lim::default(),
        reset: false,
        ..CallCase::blank()
    });
    let doubler = |lim: Lim, name: &str| CallCase {
        name: name.into(),
        kind: if lim.on {
            Kind::Limits
        } else {
            Kind::GuestCall
        },
        shape: Shape::Single,
        pkgs: vec![("doubler", g.doubler.clone())],
        pkg: "doubler",
        export: "double",
        input: pv::Value::S64(21),
        expected: pv::Value::S64(42),
        lim,
        reset: false,
        ..CallCase::blank()
    };
    let process = |lim: Lim, name: &str| CallCase {
        name: name.into(),
        kind: if lim.on {
            Kind::Limits
        } else {
            Kind::CrossPackage
        },
        shape: Shape::AdderDoubler,
        pkgs: vec![("adder", g.adder.clone()), ("doubler", g.doubler.clone())],
        pkg: "adder",
        export: "process",
        input: pv::Value::S64(5),
        expected: pv::Value::S64(11),
        lim,
        reset: false,
        ..CallCase::blank()
    };
    v.push(doubler(
        Lim::default(),
        "packr-guest `double` S64 (doubler)",
    ));
    v.push(process(
        Lim::default(),
        "cross-package `process` (adder → doubler)",
    ));
    v.push(CallCase {
        name: "host fn: greeter `hello` (host.greet)".into(),
        kind: Kind::HostFn,
        shape: Shape::Greeter,
        pkgs: vec![("greeter", g.greeter.clone())],
        pkg: "greeter",
        export: "hello",
        input: pv::Value::string("bob"),
        expected: pv::Value::string("Hello, bob!"),
        lim: Lim::default(),
        reset: false,
        ..CallCase::blank()
    });
    v.push(CallCase {
        name: "host fn ×2: greeter `log_twice` (host.log)".into(),
        kind: Kind::HostFn,
        shape: Shape::Greeter,
        pkgs: vec![("greeter", g.greeter.clone())],
        pkg: "greeter",
        export: "log_twice",
        input: pv::Value::string("hi"),
        expected: pv::Value::U32(2),
        lim: Lim::default(),
        reset: false,
        ..CallCase::blank()
    });
    v.push(doubler(
        Lim { on: true },
        "limits (fuel 1e9 + timeout 10 s): `double`",
    ));
    v.push(process(
        Lim { on: true },
        "limits (fuel 1e9 + timeout 10 s): `process`",
    ));
    for (name, bytes) in [
        (
            "packr-guest 0.24.1 `double` S64 (cur_doubler, CGRF v3)",
            &g.cur_doubler,
        ),
        (
            "C package `double` S64 (guest/packr_guest.h, CGRF v3)",
            &g.c_doubler,
        ),
    ] {
        if let Some(b) = bytes {
            v.push(CallCase {
                name: format!("{name}, {} B wasm", b.len()),
                pkgs: vec![("doubler", b.clone())],
                wire: 3,
                ..doubler(Lim::default(), "")
            });
        }
    }
    for c in &mut v {
        c.input_b = pv::encode_version(&c.input, c.wire).expect("encode");
        c.expected_b = pv::encode_version(&c.expected, c.wire).expect("encode");
        c.p_input = to_p(&c.input);
        c.p_expected = to_p(&c.expected);
    }
    v
}

impl CallCase {
    fn blank() -> CallCase {
        CallCase {
            name: String::new(),
            kind: Kind::GuestCall,
            shape: Shape::Single,
            pkgs: Vec::new(),
            pkg: "",
            export: "",
            input: pv::Value::unit(),
            expected: pv::Value::unit(),
            input_b: Vec::new(),
            expected_b: Vec::new(),
            p_input: PValue::Bool(false),
            p_expected: PValue::Bool(false),
            lim: Lim::default(),
            reset: false,
            wire: 2,
        }
    }
}

fn pkg_refs(c: &CallCase) -> Vec<(&'static str, &[u8])> {
    c.pkgs.iter().map(|(n, b)| (*n, &b[..])).collect()
}

fn call_bench(c: &CallCase) -> Bench<'_> {
    let new_ours = move || Ours::new(c.shape, &pkg_refs(c), c.lim, c.pkg, c.export);
    let func: Runner = {
        let mut o = new_ours();
        Box::new(move |op| match op {
            Op::Reset => o = new_ours(),
            Op::Call => consume_bytes(o.func_call(&c.input_b)),
            Op::Check => assert_eq!(
                take_bytes(o.func_call(&c.input_b)),
                c.expected_b,
                "{}: packr_func_call result",
                c.name
            ),
        })
    };
    let comp: Runner = {
        let mut o = new_ours();
        Box::new(move |op| match op {
            Op::Reset => o = new_ours(),
            Op::Call => consume_bytes(o.comp_call(&c.input_b)),
            Op::Check => assert_eq!(
                take_bytes(o.comp_call(&c.input_b)),
                c.expected_b,
                "{}: packr_composition_call result",
                c.name
            ),
        })
    };
    let floor: Runner = {
        let engine = floor_engine(c.lim.on);
        let modules: Vec<(&str, wt::Module)> = c
            .pkgs
            .iter()
            .map(|(n, b)| (*n, wt::Module::new(&engine, b).expect("compile")))
            .collect();
        // Timeouts need a ticker, as in libpackr (which starts its own while timed calls run).
        let ticker = c.lim.on.then(|| Ticker::start(&engine));
        let new_floor = move || {
            let mrefs: Vec<(&str, &wt::Module)> = modules.iter().map(|(n, m)| (*n, m)).collect();
            Floor::new(&engine, c.shape, &mrefs, c.lim, c.export)
        };
        let mut f = new_floor();
        Box::new(move |op| {
            let _keep = &ticker;
            match op {
                Op::Reset => f = new_floor(),
                Op::Call => {
                    black_box(f.call(&c.input_b));
                }
                Op::Check => {
                    assert_eq!(f.call(&c.input_b), c.expected_b, "{}: floor result", c.name)
                }
            }
        })
    };
    // packr 0.5.4 has no limits: its column stays empty for the limits rows.
    let p054: Option<Runner> = (!c.lim.on && c.wire == 2).then(|| {
        let new_p054 = move || p054_build(c.shape, &pkg_refs(c));
        let mut p = new_p054();
        Box::new(move |op: Op| match op {
            Op::Reset => p = new_p054(),
            Op::Call => {
                black_box(p.call(c.pkg, c.export, &c.p_input).unwrap());
            }
            Op::Check => {
                let out = p
                    .call(c.pkg, c.export, &c.p_input)
                    .expect("packr 0.5.4 call");
                assert_eq!(out, c.p_expected, "{}: packr 0.5.4 result", c.name);
                let bytes = packr_abi::encode(&out).expect("packr-abi encode");
                assert_eq!(bytes, c.expected_b, "{}: packr 0.5.4 result bytes", c.name);
            }
        }) as Runner
    });
    let row = Row {
        name: c.name.clone(),
        kind: c.kind,
        func: None,
        comp: None,
        floor: None,
        p054: None,
        p054_note: if c.lim.on {
            "— (no limits)"
        } else if c.wire != 2 {
            "— (cannot run CGRF v3 guests)"
        } else {
            ""
        },
    };
    Bench::new(row, c.reset, [Some(func), Some(comp), Some(floor), p054])
}

// ---------------------------------------------------------------------------------------------
// Builds (adder + doubler)
// ---------------------------------------------------------------------------------------------

fn build_ours(g: &Guests) {
    let comp = ours_build(
        Shape::AdderDoubler,
        &[("adder", &g.adder), ("doubler", &g.doubler)],
        Lim::default(),
    );
    // SAFETY: built above, freed once.
    unsafe { packr_composition_free(black_box(comp)) };
}

/// The floor's build: link and instantiate both modules, cache every handle.
fn build_floor(engine: &wt::Engine, adder: &wt::Module, doubler: &wt::Module) {
    let f = Floor::new(
        engine,
        Shape::AdderDoubler,
        &[("adder", adder), ("doubler", doubler)],
        Lim::default(),
        "process",
    );
    black_box(f);
}

fn build_p054(g: &Guests) {
    black_box(p054_build(
        Shape::AdderDoubler,
        &[("adder", &g.adder), ("doubler", &g.doubler)],
    ));
}

/// Child-process entry: one cold build, printed in ns.
fn cold_child(who: &str) {
    let g = guests();
    if let Some(prefix) = who.strip_prefix("ours-artifact:") {
        // Artifacts in memory before the clock starts, as the wasm bytes are for "ours".
        let a = std::fs::read(format!("{prefix}-adder.cwasm")).expect("read adder artifact");
        let d = std::fs::read(format!("{prefix}-doubler.cwasm")).expect("read doubler artifact");
        let t = Instant::now();
        build_ours_precompiled(&a, &d);
        println!("COLD_NS {}", t.elapsed().as_nanos());
        return;
    }
    let t = Instant::now();
    match who {
        "ours" => build_ours(&g),
        "floor" => {
            let e = floor_engine(false);
            let a = wt::Module::new(&e, &g.adder).unwrap();
            let d = wt::Module::new(&e, &g.doubler).unwrap();
            build_floor(&e, &a, &d);
        }
        "packr054" => build_p054(&g),
        _ => panic!("unknown --cold {who}"),
    }
    println!("COLD_NS {}", t.elapsed().as_nanos());
}

fn cold(who: &str) -> f64 {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--cold", who])
        .output()
        .expect("spawn cold child");
    assert!(out.status.success(), "cold child {who}: {:?}", out);
    let s = String::from_utf8_lossy(&out.stdout);
    s.lines()
        .find_map(|l| l.strip_prefix("COLD_NS "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("cold child {who} printed {s:?}"))
}

/// libpackr's build of adder+doubler from precompiled artifacts (no compilation).
fn build_ours_precompiled(adder: &[u8], doubler: &[u8]) {
    let b = packr_builder_new();
    assert!(!b.is_null());
    let mut err = std::ptr::null_mut();
    for (name, bytes) in [(c"adder", adder), (c"doubler", doubler)] {
        // SAFETY: valid builder, string and bytes.
        let rc = unsafe {
            packr_builder_add_package_precompiled(
                b,
                name.as_ptr(),
                bytes.as_ptr(),
                bytes.len(),
                &mut err,
            )
        };
        ok(rc, err, "packr_builder_add_package_precompiled");
    }
    // SAFETY: valid builder and strings.
    let rc = unsafe {
        packr_builder_wire(
            b,
            c"adder".as_ptr(),
            c"math".as_ptr(),
            c"double".as_ptr(),
            c"doubler".as_ptr(),
            c"double".as_ptr(),
            &mut err,
        )
    };
    ok(rc, err, "packr_builder_wire");
    let mut comp = std::ptr::null_mut();
    // SAFETY: valid builder (consumed) and output pointer.
    let rc = unsafe { packr_builder_build(b, &mut comp, &mut err) };
    ok(rc, err, "packr_builder_build");
    // SAFETY: built above, freed once.
    unsafe { packr_composition_free(black_box(comp)) };
}

/// How many child processes each side of the artifact comparison gets.
const COLD_ARTIFACT_RUNS: usize = 7;

/// Cold load-and-build from precompiled artifacts (PACKR_PRECOMPILE_ALL, as written by
/// `packr_package_precompile` with flags 0) against cold load-and-build from wasm bytes, each
/// in fresh child processes, interleaved; medians. Returns the row and the ratio.
fn cold_artifact_row(g: &Guests) -> (Row, f64) {
    let prefix = std::env::temp_dir().join(format!("packr-bench-{}", std::process::id()));
    let prefix = prefix.to_str().expect("UTF-8 temp dir").to_string();
    for (name, wasm) in [("adder", &g.adder), ("doubler", &g.doubler)] {
        let mut out = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: valid bytes and output pointers.
        let rc =
            unsafe { packr_package_precompile(wasm.as_ptr(), wasm.len(), 0, &mut out, &mut err) };
        ok(rc, err, "packr_package_precompile");
        // SAFETY: out is a valid packr_bytes until freed below.
        let bytes =
            unsafe { std::slice::from_raw_parts(packr_bytes_data(out), packr_bytes_len(out)) };
        std::fs::write(format!("{prefix}-{name}.cwasm"), bytes).expect("write artifact");
        // SAFETY: freed once.
        unsafe { packr_bytes_free(out) };
    }
    let who = format!("ours-artifact:{prefix}");
    let (mut from_wasm, mut from_artifact) = (Vec::new(), Vec::new());
    for _ in 0..COLD_ARTIFACT_RUNS {
        from_wasm.push(cold("ours"));
        from_artifact.push(cold(&who));
    }
    for name in ["adder", "doubler"] {
        let _ = std::fs::remove_file(format!("{prefix}-{name}.cwasm"));
    }
    let (w, a) = (median(from_wasm), median(from_artifact));
    let ratio = a / w;
    let row = Row {
        name: format!(
            "build adder+doubler, cold, from precompiled artifacts (median of {COLD_ARTIFACT_RUNS}; \
             {} from wasm in the same runs: artifact / wasm = {ratio:.3}×, {:.1}× faster)",
            fmt_t(w),
            w / a
        ),
        kind: Kind::Build,
        func: Some(a),
        comp: None,
        floor: None,
        p054: None,
        p054_note: "",
    };
    (row, ratio)
}

/// Cold builds: three child processes per library, interleaved; medians.
fn cold_row() -> Row {
    let mut c = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..3 {
        for (i, who) in ["ours", "floor", "packr054"].iter().enumerate() {
            c[i].push(cold(who));
        }
    }
    let [co, cf, cp] = c.map(median);
    Row {
        name: "build adder+doubler, cold (first build in a process: compiles)".into(),
        kind: Kind::Build,
        func: Some(co),
        comp: None,
        floor: Some(cf),
        p054: Some(cp),
        p054_note: "",
    }
}

/// Rebuilds: ours from its process-wide module cache; the floor with its Modules in hand.
/// (packr 0.5.4 has no cache: its rebuild compiles again, and is timed separately.)
fn rebuild_bench(g: &Guests) -> Bench<'_> {
    build_ours(g); // fills the cache (the cold child processes had their own)
    let e = floor_engine(false);
    let a = wt::Module::new(&e, &g.adder).unwrap();
    let d = wt::Module::new(&e, &g.doubler).unwrap();
    let ours: Runner = Box::new(move |op| {
        if let Op::Call | Op::Check = op {
            build_ours(g)
        }
    });
    let floor: Runner = Box::new(move |op| {
        if let Op::Call | Op::Check = op {
            build_floor(&e, &a, &d)
        }
    });
    let row = Row {
        name: "rebuild adder+doubler from cached modules".into(),
        kind: Kind::Build,
        func: None,
        comp: None,
        floor: None,
        p054: None,
        p054_note: " (no cache: recompiles)",
    };
    Bench::new(row, false, [Some(ours), None, Some(floor), None])
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

fn fmt_t(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "--cold" {
        cold_child(&args[2]);
        return;
    }
    let only = std::env::var("RUNTIME_BENCH_ONLY").ok();
    let wanted = |name: &str| only.as_deref().is_none_or(|o| name.contains(o));
    let g = guests();
    let start = Instant::now();
    println!(
        "libpackr call cost vs a hand-rolled wasmtime 48.0.8 floor and packr 0.5.4 (wasmtime 27), \
         same process, same guest bytes; medians of {} batches of ~2 ms per variant \
         ({ROUNDS} rounds over all cases × {BATCHES_PER_ROUND} interleaved batches); cold builds: \
         median of 3 child processes; packr 0.5.4 rebuild: median of {ROUNDS}\n",
        ROUNDS * BATCHES_PER_ROUND
    );
    println!("load average at start: {}\n", loadavg());

    let cases: Vec<CallCase> = call_cases(&g)
        .into_iter()
        .filter(|c| wanted(&c.name))
        .collect();
    let mut benches: Vec<Bench> = Vec::new();
    if wanted("rebuild") {
        benches.push(rebuild_bench(&g));
    }
    benches.extend(cases.iter().map(call_bench));
    if let Some((v, secs)) = profile_loop() {
        let b = benches
            .first_mut()
            .expect("RUNTIME_BENCH_ONLY matches no case");
        let v = if b.row.kind == Kind::Build {
            v.replace("rebuild", "func").replace("floor_func", "floor")
        } else {
            v
        };
        b.profile(&v, secs);
    }
    let cold = wanted("cold").then(cold_row);
    let cold_artifact = wanted("cold").then(|| cold_artifact_row(&g));
    for b in &mut benches {
        b.prepare();
    }
    let mut p054_rebuild = Vec::new();
    for _ in 0..ROUNDS {
        for b in &mut benches {
            b.round(BATCHES_PER_ROUND);
        }
        if wanted("rebuild") {
            let t = Instant::now();
            build_p054(&g);
            p054_rebuild.push(t.elapsed().as_nanos() as f64);
        }
    }
    let mut rows: Vec<Row> = cold.into_iter().collect();
    let artifact_ratio = cold_artifact.as_ref().map(|(_, r)| *r);
    rows.extend(cold_artifact.map(|(row, _)| row));
    for b in benches {
        let mut r = b.finish();
        if r.kind == Kind::Build {
            r.p054 = Some(median(p054_rebuild.clone()));
        }
        rows.push(r);
    }

    println!(
        "| case | libpackr func_call | libpackr composition_call | floor | packr 0.5.4 | func_call / floor | packr 0.5.4 / func_call |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let opt = |x: Option<f64>| x.map(fmt_t).unwrap_or_else(|| "—".into());
    for r in &rows {
        let p = match (r.p054, r.p054_note) {
            (Some(p), n) => format!("{}{n}", fmt_t(p)),
            (None, n) if !n.is_empty() => n.to_string(),
            (None, _) => "—".into(),
        };
        let rf = match (r.func, r.floor) {
            (Some(a), Some(b)) => format!("{:.2}×", a / b),
            _ => "—".into(),
        };
        let rp = match (r.p054, r.func) {
            (Some(p), Some(f)) => format!("{:.1}×", p / f),
            _ => "—".into(),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            opt(r.func),
            opt(r.comp),
            opt(r.floor),
            p,
            rf,
            rp
        );
    }

    if let Some(r) = artifact_ratio {
        println!(
            "\nCold load-and-build from precompiled artifacts / from wasm bytes: {r:.3}× ({:.1}× faster)",
            1.0 / r
        );
    }

    // Targets.
    println!("\nTargets:");
    let verdict = |b: bool| if b { "PASS" } else { "MISS" };
    let find = |k: Kind| rows.iter().filter(move |r| r.kind == k);
    let line = |title: &str, items: Vec<(String, String, bool)>| {
        if items.is_empty() {
            println!("- {title}: not measured");
            return;
        }
        let all = items.iter().all(|i| i.2);
        let detail: Vec<String> = items
            .iter()
            .map(|(n, x, pass)| format!("{n}: {x} {}", verdict(*pass)))
            .collect();
        println!("- {}: {title} ({})", verdict(all), detail.join("; "));
    };
    // Issue 9's targets: every call case within 1.2x of its floor, a fixed cost over the floor
    // of at most 30 ns (the smallest call: raw echo of 16 B), a cached rebuild within 50 µs.
    line(
        "every call case within 1.2× of the floor (func_call / floor)",
        rows.iter()
            .filter(|r| r.kind != Kind::Build)
            .filter_map(|r| {
                let x = r.func? / r.floor?;
                Some((short(&r.name), format!("{x:.2}×"), x <= 1.2))
            })
            .collect(),
    );
    line(
        "fixed cost of packr_func_call over the floor ≤ 30 ns (raw echo, 16 B)",
        find(Kind::RawEcho)
            .take(1)
            .filter_map(|r| {
                let d = r.func? - r.floor?;
                Some((short(&r.name), format!("{d:.0} ns"), d <= 30.0))
            })
            .collect(),
    );
    line(
        "every packr-guest 0.5.4 case ≥ 2× faster than packr 0.5.4 (packr 0.5.4 / func_call)",
        rows.iter()
            .filter(|r| matches!(r.kind, Kind::GuestCall | Kind::CrossPackage | Kind::HostFn))
            .filter_map(|r| {
                let x = r.p054? / r.func?;
                Some((short(&r.name), format!("{x:.2}×"), x >= 2.0))
            })
            .collect(),
    );
    line(
        "rebuild of a 2-package composition from cached modules ≤ 50 µs",
        rows.iter()
            .filter(|r| r.name.starts_with("rebuild"))
            .filter_map(|r| {
                let ns = r.func?;
                Some(("libpackr rebuild".to_string(), fmt_t(ns), ns <= 50_000.0))
            })
            .collect(),
    );

    // How far the floor itself is from packr 0.5.4 (the most any host on this ABI could reach).
    let refs: Vec<String> = rows
        .iter()
        .filter(|r| matches!(r.kind, Kind::GuestCall | Kind::CrossPackage | Kind::HostFn))
        .filter_map(|r| Some(format!("{} {:.2}×", short(&r.name), r.p054? / r.floor?)))
        .collect();
    if !refs.is_empty() {
        println!(
            "- for reference, packr 0.5.4 / floor (a zero-overhead host with the same ABI and engine): {}",
            refs.join("; ")
        );
    }
    // The cost of limits.
    let get = |prefix: &str| rows.iter().find(|r| r.name.starts_with(prefix));
    for (plain, limited) in [
        (
            "packr-guest `double`",
            "limits (fuel 1e9 + timeout 10 s): `double`",
        ),
        (
            "cross-package `process`",
            "limits (fuel 1e9 + timeout 10 s): `process`",
        ),
    ] {
        if let (Some(a), Some(b)) = (get(plain), get(limited)) {
            println!(
                "- cost of limits on {}: libpackr func_call {} → {} ({:.2}×); floor {} → {} ({:.2}×)",
                short(plain),
                fmt_t(a.func.unwrap()),
                fmt_t(b.func.unwrap()),
                b.func.unwrap() / a.func.unwrap(),
                fmt_t(a.floor.unwrap()),
                fmt_t(b.floor.unwrap()),
                b.floor.unwrap() / a.floor.unwrap(),
            );
        }
    }
    println!(
        "\nload average at end: {}; measuring took {:.1} s",
        loadavg(),
        start.elapsed().as_secs_f64()
    );
}

fn short(name: &str) -> String {
    name.split(" — ").next().unwrap_or(name).to_string()
}
