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
//!   (variants `func`, `comp`, `floor`, `p054`, `kept` (the floor that keeps its input buffer);
//!   for the rebuild case `rebuild`, `floor_rebuild`);
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

mod builds;
mod floor;
mod ours;
mod report;
use builds::*;
use floor::*;
use ours::*;
use report::*;

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
    runners: [Option<Runner<'a>>; 5],
    per_batch: [usize; 5],
    samples: [Vec<f64>; 5],
}

impl<'a> Bench<'a> {
    fn new(row: Row, reset: bool, runners: [Option<Runner<'a>>; 5]) -> Bench<'a> {
        Bench {
            row,
            reset,
            runners,
            per_batch: [0; 5],
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
        r.kept = m[4].or(r.kept);
        self.row
    }

    /// `RUNTIME_BENCH_LOOP`: call one variant in a loop instead of measuring, then exit.
    fn profile(&mut self, variant: &str, secs: f64) -> ! {
        let names = ["func", "comp", "floor", "p054", "kept"];
        let i = names
            .iter()
            .position(|n| *n == variant)
            .expect("RUNTIME_BENCH_LOOP variant: func, comp, floor, p054 or kept");
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
    /// The floor that keeps one input buffer per instance, as libpackr does (`Keep::Input`).
    kept: Option<f64>,
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
    let floor = |keep: Keep| -> Runner<'_> {
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
            Floor::new(&engine, c.shape, &mrefs, c.lim, c.export, keep)
        };
        let mut f = new_floor();
        Box::new(move |op| {
            let _ticking = &ticker;
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
        kept: None,
    };
    Bench::new(
        row,
        c.reset,
        [
            Some(func),
            Some(comp),
            Some(floor(Keep::Nothing)),
            p054,
            Some(floor(Keep::Input)),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

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

    report(&rows, artifact_ratio);
    println!(
        "\nload average at end: {}; measuring took {:.1} s",
        loadavg(),
        start.elapsed().as_secs_f64()
    );
}
