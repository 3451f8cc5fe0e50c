//! Property and adversarial-input tests for the CGRF codec (`packr::value`).
//!
//! * `decode` never panics, on random bytes, on random bytes behind a valid header, on random
//!   node tables with correct framing, and on mutations of every golden vector;
//! * whatever `decode` accepts re-encodes, and decoding that again gives a `same()` value;
//! * arbitrary values (all 20 kinds) round trip bit-exactly and encode deterministically;
//! * untrusted counts never size an allocation: a counting global allocator (below) checks the
//!   largest single allocation of every decode against the input length;
//! * million-deep values and type descriptors decode on a 256 KiB stack, exponential DAGs and
//!   deep inputs are stopped by the limits, and decode time is linear in depth.
//!
//! Case counts can be multiplied with `PACKR_PROPS_SCALE=<n>` for longer runs. Failures are not
//! persisted to a regressions file; proptest prints the minimal failing input instead. Tests
//! marked `#[ignore]` document known codec issues or only measure; run them with
//! `cargo test --release --test props -- --ignored --nocapture`.

use packr::value::{
    AbiError, DecodeError, Doc, Kind, Limits, Type, Value, check_with_limits, decode,
    decode_with_limits, encode, encode_into,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

// =============================================================================================
// A global allocator that records, per thread, the largest single allocation and the total
// number of bytes requested.

struct Tracking;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
    static TOTAL: Cell<u64> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|c| {
        if size > c.get() {
            c.set(size)
        }
    });
    let _ = TOTAL.try_with(|c| c.set(c.get().saturating_add(size as u64)));
}

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(l.size());
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        note(l.size());
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(p, l, new_size) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static ALLOC: Tracking = Tracking;

#[derive(Clone, Copy, Debug)]
struct AllocStats {
    largest: usize,
    total: u64,
}

/// Runs `f` and reports what this thread allocated while it ran.
fn measure<R>(f: impl FnOnce() -> R) -> (R, AllocStats) {
    LARGEST.with(|c| c.set(0));
    TOTAL.with(|c| c.set(0));
    let r = f();
    let stats = AllocStats {
        largest: LARGEST.with(|c| c.get()),
        total: TOTAL.with(|c| c.get()),
    };
    (r, stats)
}

/// The largest single allocation a decode of `len` input bytes may make.
fn alloc_budget(len: usize) -> usize {
    64 * 1024 + 64 * len
}

// =============================================================================================
// Helpers

fn scale() -> u32 {
    std::env::var("PACKR_PROPS_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1)
}

fn cfg(cases: u32) -> Config {
    Config {
        cases: cases.saturating_mul(scale()),
        failure_persistence: None,
        ..Config::default()
    }
}

fn hex(b: &[u8]) -> String {
    const MAX: usize = 512;
    let s: String = b.iter().take(MAX).map(|x| format!("{x:02x}")).collect();
    if b.len() > MAX {
        format!("{s}... ({} bytes)", b.len())
    } else {
        s
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

fn is_short(e: &DecodeError) -> bool {
    matches!(e.abi, AbiError::BufferTooSmall { .. })
}

fn unlimited() -> Limits {
    Limits {
        max_bytes: u64::MAX,
        max_nodes: u64::MAX,
        max_depth: u64::MAX,
    }
}

/// Runs `f` on a thread with a 256 KiB stack (a recursive decoder would overflow it).
fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// The timing test takes this lock exclusively, every other test shares it: timings are then
/// not taken while this binary's other tests load the (2-core) machine.
static TIMING: RwLock<()> = RwLock::new(());

fn shared() -> RwLockReadGuard<'static, ()> {
    TIMING.read().unwrap_or_else(|e| e.into_inner())
}

fn exclusive() -> RwLockWriteGuard<'static, ()> {
    TIMING.write().unwrap_or_else(|e| e.into_inner())
}

/// Decodes `bytes` and checks what must hold for every input:
/// - no single allocation beyond [`alloc_budget`];
/// - an error names an offset inside the input and a node that exists, and prints;
/// - an accepted value encodes, decodes again to a `same()` value, and re-encodes to the same
///   bytes (the encoding is canonical).
fn check_decode(bytes: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
    let (r, st) = measure(|| decode_with_limits(bytes, limits));
    assert!(
        st.largest <= alloc_budget(bytes.len()),
        "decoding {} bytes allocated {} bytes at once: {}",
        bytes.len(),
        st.largest,
        hex(bytes)
    );
    match &r {
        Err(e) => {
            assert!(
                e.offset <= bytes.len(),
                "error offset {} past the input ({} bytes): {e} for {}",
                e.offset,
                bytes.len(),
                hex(bytes)
            );
            if let Some(n) = e.node {
                let count = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
                assert!(n < count, "error names node {n} of {count}: {e}");
            }
            assert!(!e.to_string().is_empty());
        }
        Ok(v) => check_reencode(v, bytes, limits),
    }
    check_limits_monotone(bytes, limits, &r);
    check_document(bytes, limits, r.as_ref().ok());
    // Checking without keeping the value (what host-function results get) agrees exactly.
    match (check_with_limits(bytes, limits), &r) {
        (Ok(()), Ok(_)) => {}
        (Err(e), Err(f)) => assert_eq!(e, *f, "check and decode disagree on {}", hex(bytes)),
        (c, _) => panic!(
            "check says {c:?}, decode {:?}, for {}",
            r.is_ok(),
            hex(bytes)
        ),
    }
    r
}

/// The C API's in-place view (`Doc`) is built only from bytes the decoder accepts under the same
/// limits, holds the same value, and allocates no more at once than the decoder may.
fn check_document(bytes: &[u8], limits: &Limits, decoded: Option<&Value>) {
    let (built, st) = measure(|| {
        let d = Doc::new(bytes, limits);
        (d.is_some(), d.and_then(|d| d.root().to_value()))
    });
    assert!(
        st.largest <= alloc_budget(bytes.len()),
        "indexing {} bytes allocated {} bytes at once: {}",
        bytes.len(),
        st.largest,
        hex(bytes)
    );
    if built.0 {
        let v = decoded.unwrap_or_else(|| panic!("a document of rejected bytes: {}", hex(bytes)));
        assert!(
            built.1.is_some_and(|b| b.same(v)),
            "the document holds another value: {}",
            hex(bytes)
        );
    }
}

/// Limits only ever stop decoding: what smaller limits accept, the default limits accept as the
/// same value, and a malformed-input error under smaller limits is exactly the default's error.
fn check_limits_monotone(bytes: &[u8], limits: &Limits, r: &Result<Value, DecodeError>) {
    let d = Limits::default();
    if *limits == d
        || limits.max_bytes > d.max_bytes
        || limits.max_nodes > d.max_nodes
        || limits.max_depth > d.max_depth
    {
        return;
    }
    match (r, decode(bytes)) {
        (Ok(v), Ok(w)) => assert!(v.same(&w), "limits change the value of {}", hex(bytes)),
        (Ok(_), Err(e)) => panic!(
            "{limits:?} accept what the defaults reject ({e}): {}",
            hex(bytes)
        ),
        (Err(e), _) if e.limit => {}
        (Err(e), Ok(_)) => panic!(
            "{limits:?} reject valid input as malformed ({e}): {}",
            hex(bytes)
        ),
        (Err(e), Err(f)) => assert_eq!(*e, f, "{limits:?} change the error for {}", hex(bytes)),
    }
}

/// `v` was decoded from `input` with `limits`: it must survive encode → decode unchanged.
fn check_reencode(v: &Value, input: &[u8], limits: &Limits) {
    let enc = encode(v)
        .unwrap_or_else(|e| panic!("decoded value does not encode ({e}); input {}", hex(input)));
    // Shared (DAG) nodes may expand, but never beyond max_bytes of encoding
    // (`dag_expansion_never_exceeds_max_bytes`).
    assert!(
        enc.len() as u64 <= limits.max_bytes,
        "re-encoding is {} bytes, max_bytes is {}; input {}",
        enc.len(),
        limits.max_bytes,
        hex(input)
    );
    let relaxed = Limits {
        max_bytes: limits.max_bytes.max(enc.len() as u64),
        ..*limits
    };
    let back = decode_with_limits(&enc, &relaxed).unwrap_or_else(|e| {
        panic!(
            "re-encoding of a decoded value does not decode ({e}); input {}, re-encoding {}",
            hex(input),
            hex(&enc)
        )
    });
    assert!(
        back.same(v),
        "decode(encode(v)) differs from v: {v:?} vs {back:?}; input {}",
        hex(input)
    );
    assert_eq!(encode(&back).unwrap(), enc, "encoding is not canonical");
}

// ---------------------------------------------------------------------------------------------
// Hand-built CGRF

fn u32le(x: u32) -> [u8; 4] {
    x.to_le_bytes()
}

fn header(count: u32, root: u32) -> Vec<u8> {
    let mut b = b"CGRF\x02\x00\x00\x00".to_vec();
    b.extend_from_slice(&u32le(count));
    b.extend_from_slice(&u32le(root));
    b
}

fn push_node(out: &mut Vec<u8>, kind: u8, payload: &[u8]) {
    out.extend_from_slice(&[kind, 0, 0, 0]);
    out.extend_from_slice(&u32le(payload.len() as u32));
    out.extend_from_slice(payload);
}

/// A buffer with the given nodes and root.
fn cgrf(root: u32, nodes: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut b = header(nodes.len() as u32, root);
    for (k, p) in nodes {
        push_node(&mut b, *k, p);
    }
    b
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

const BOOL: u8 = 0x01;
const S32: u8 = 0x02;
const STRING: u8 = 0x06;
const LIST: u8 = 0x07;
const VARIANT: u8 = 0x08;
const RECORD: u8 = 0x09;
const OPTION: u8 = 0x0A;
const TUPLE: u8 = 0x0B;
const U8: u8 = 0x0C;
const U64: u8 = 0x0F;
const RESULT: u8 = 0x14;
const ARRAY: u8 = 0x15;

fn name(s: &str) -> Vec<u8> {
    cat(&[&u32le(s.len() as u32), s.as_bytes()])
}

// ---------------------------------------------------------------------------------------------
// Golden vectors

struct Vector {
    name: String,
    bytes: Vec<u8>,
}

/// Every golden vector whose HEX column is CGRF bytes (valid, decode, invalid, lossy, limits).
fn golden() -> Vec<Vector> {
    let text = include_str!("data/golden-vectors.txt");
    let mut out: Vec<Vector> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut it = l.splitn(3, '\t');
            let name = it.next()?.to_string();
            let cat = name.split('/').next()?;
            if !matches!(
                cat,
                "valid" | "decode" | "invalid" | "invalid-with-limits" | "lossy"
            ) {
                return None;
            }
            let bytes = unhex(it.next().unwrap_or(""))?;
            Some(Vector { name, bytes })
        })
        .collect();
    out.push(Vector {
        name: "meta/metadata".into(),
        bytes: unhex(include_str!("data/golden-metadata.hex").trim()).unwrap(),
    });
    out
}

/// The golden vectors that decode: the seeds for mutation.
fn golden_decodable() -> Vec<Vector> {
    golden()
        .into_iter()
        .filter(|v| decode(&v.bytes).is_ok())
        .collect()
}

// Strategies are in props/strategies.rs; sections 4-8 (adversarial inputs) in props/adversarial.rs.
#[path = "props/strategies.rs"]
mod strategies;
use strategies::*;
#[path = "props/adversarial.rs"]
mod adversarial;

// =============================================================================================
// 1. decode never panics and never allocates absurdly

proptest! {
    #![proptest_config(cfg(50_000))]

    #[test]
    fn decode_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _g = shared();
        let _ = check_decode(&bytes, &Limits::default());
    }
}

proptest! {
    #![proptest_config(cfg(100_000))]

    #[test]
    fn decode_random_bytes_behind_a_valid_header(
        count in arb_count(),
        root in arb_count(),
        flags in prop_oneof![Just(0u16), any::<u16>()],
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let _g = shared();
        let mut b = header(count, root);
        b[6..8].copy_from_slice(&flags.to_le_bytes());
        b.extend_from_slice(&body);
        let _ = check_decode(&b, &Limits::default());
    }

    #[test]
    fn decode_random_framed_node_tables(bytes in arb_graph(), limits in arb_limits()) {
        let _g = shared();
        let _ = check_decode(&bytes, &limits);
        let _ = check_decode(&bytes, &Limits::default());
    }
}

// =============================================================================================
// 2. mutations of the golden vectors

/// Every single-step mutation of every decodable golden vector: each bit flipped, each byte set
/// to 00/ff/its complement, every truncation, and every (unaligned) u32 window overwritten with
/// boundary values. Deterministic and exhaustive.
#[test]
fn golden_vectors_every_single_mutation() {
    let _g = shared();
    let vectors = golden_decodable();
    assert!(vectors.len() >= 60, "{} decodable vectors", vectors.len());
    let words = [
        0u32,
        1,
        0x7fff_ffff,
        0xffff_fffe,
        0xffff_ffff,
        1_000_000,
        1_000_001,
    ];
    let mut n = 0u64;
    let mut accepted = 0u64;
    for v in &vectors {
        let mut run = |what: String, m: Vec<u8>| {
            let r = catch_unwind(AssertUnwindSafe(|| check_decode(&m, &Limits::default())));
            match r {
                Ok(Ok(_)) => accepted += 1,
                Ok(Err(_)) => {}
                Err(p) => {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    panic!("{} with {what}: {msg}\ninput {}", v.name, hex(&m));
                }
            }
            n += 1;
        };
        let b = &v.bytes;
        for i in 0..b.len() {
            for bit in 0..8 {
                let mut m = b.clone();
                m[i] ^= 1 << bit;
                run(format!("bit {bit} of byte {i} flipped"), m);
            }
            for val in [0u8, 0xff, !b[i]] {
                let mut m = b.clone();
                m[i] = val;
                run(format!("byte {i} set to {val:#04x}"), m);
            }
        }
        for len in 0..b.len() {
            run(format!("truncated to {len}"), b[..len].to_vec());
        }
        for i in 0..b.len().saturating_sub(3) {
            for w in words {
                let mut m = b.clone();
                m[i..i + 4].copy_from_slice(&u32le(w));
                run(format!("u32 at {i} set to {w:#x}"), m);
            }
        }
    }
    eprintln!("golden single mutations: {n} inputs, {accepted} accepted");
}

proptest! {
    #![proptest_config(cfg(300_000))]

    /// Stacked random mutations (bit flips, byte and u32 overwrites, truncation, insertion,
    /// removal, duplicated slices) of a random golden vector (valid, decode-only and invalid).
    #[test]
    fn golden_vectors_random_mutations(
        which in any::<Index>(),
        muts in prop::collection::vec(arb_mutation(), 1..6),
        limits in prop_oneof![3 => Just(Limits::default()), 1 => arb_limits()],
    ) {
        let _g = shared();
        thread_local! {
            static SEEDS: Vec<Vector> = golden();
        }
        let mut b = SEEDS.with(|s| s[which.index(s.len())].bytes.clone());
        for m in &muts {
            apply(m, &mut b);
        }
        let _ = check_decode(&b, &limits);
    }
}

// =============================================================================================
// 3. arbitrary values round trip

proptest! {
    #![proptest_config(cfg(10_000))]

    #[test]
    fn values_round_trip_bit_exactly(v in arb_value()) {
        let _g = shared();
        let bytes = encode(&v).expect("a generated value encodes");
        // Deterministic: the same value, and a deep copy of it, encode to the same bytes.
        prop_assert_eq!(&encode(&v).unwrap(), &bytes);
        prop_assert_eq!(&encode(&v.clone()).unwrap(), &bytes);
        // encode_into appends and leaves the prefix alone.
        let mut out = b"prefix".to_vec();
        encode_into(&v, &mut out).unwrap();
        prop_assert_eq!(&out[..6], b"prefix");
        prop_assert_eq!(&out[6..], &bytes[..]);

        let back = decode(&bytes).map_err(|e| TestCaseError::fail(format!("{e}: {}", hex(&bytes))))?;
        prop_assert!(back.same(&v), "{:?}\n  decoded as\n{:?}", v, back);
        prop_assert_eq!(&encode(&back).unwrap(), &bytes);
        // Post-order tree: the root is the last node and the header counts every node.
        let count = u32::from_le_bytes(bytes[8..12].try_into().unwrap());
        let root = u32::from_le_bytes(bytes[12..16].try_into().unwrap());
        prop_assert_eq!(root, count - 1);
        // The decoder's allocations stay proportional to the input here too.
        let (_, st) = measure(|| decode(&bytes));
        prop_assert!(st.largest <= alloc_budget(bytes.len()));
    }
}

/// The value strategy reaches all 22 kinds and nests at least 8 levels deep.
#[test]
fn value_strategy_covers_every_kind() {
    let _g = shared();
    let mut runner = TestRunner::deterministic();
    let strat = arb_value();
    let mut seen = std::collections::HashSet::new();
    let mut max_depth = 0;
    for _ in 0..2_000 {
        let v = strat.new_tree(&mut runner).unwrap().current();
        let mut stack = vec![(&v, 1usize)];
        while let Some((x, d)) = stack.pop() {
            seen.insert(x.kind());
            max_depth = max_depth.max(d);
            stack.extend(x.children().iter().map(|c| (c, d + 1)));
        }
    }
    let missing: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| !seen.contains(k))
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
    eprintln!("deepest generated value: {max_depth}");
    assert!(max_depth >= 8, "deepest generated value: {max_depth}");
}
