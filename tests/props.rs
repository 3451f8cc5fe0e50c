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
    AbiError, DecodeError, Doc, Kind, Limits, Node, Type, Value, decode, decode_with_limits,
    encode, encode_into,
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
    r
}

/// The C API's in-place view (`Doc`) is built only from bytes the decoder accepts under the same
/// limits, holds the same value, and allocates no more at once than the decoder may.
fn check_document(bytes: &[u8], limits: &Limits, decoded: Option<&Value>) {
    let (built, st) = measure(|| {
        let mut d = Box::new(Doc::empty());
        let ok = d.index(bytes, limits);
        (ok, d.root().and_then(Node::to_value))
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

// =============================================================================================
// Strategies

fn arb_char() -> BoxedStrategy<char> {
    prop_oneof![
        4 => any::<char>(),
        3 => proptest::char::range('a', 'z'),
        2 => (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
        1 => prop::sample::select(vec![
            '\0', '"', '\'', '\\', '\u{7f}', '\u{80}', '\u{9f}', '\u{a0}', '\u{feff}',
            '\u{fffd}', '\u{d7ff}', '\u{e000}', '\u{10ffff}', '😀', '\u{2028}',
        ]),
    ]
    .boxed()
}

fn arb_string() -> BoxedStrategy<String> {
    prop_oneof![
        8 => prop::collection::vec(arb_char(), 0..20).prop_map(String::from_iter),
        1 => prop::collection::vec(arb_char(), 20..200).prop_map(String::from_iter),
    ]
    .boxed()
}

/// Type, field and case names: identifiers, the empty name, and arbitrary strings.
fn arb_name() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-z][a-z0-9_-]{0,10}",
        1 => Just(String::new()),
        1 => Just("x".repeat(30)),
        2 => arb_string(),
    ]
    .boxed()
}

const FIXED: [Kind; 13] = [
    Kind::Bool,
    Kind::U8,
    Kind::S8,
    Kind::U16,
    Kind::S16,
    Kind::U32,
    Kind::S32,
    Kind::F32,
    Kind::Char,
    Kind::U64,
    Kind::S64,
    Kind::F64,
    Kind::Flags,
];

fn arb_f32() -> BoxedStrategy<f32> {
    prop_oneof![
        4 => any::<u32>().prop_map(f32::from_bits),
        1 => prop::sample::select(vec![
            0x7fc0_0000u32, 0xffc0_0000, 0x7f80_0001, 0xff80_0001, 0x7fff_ffff, 0x8000_0000,
            0x7f80_0000, 0xff80_0000, 0x0000_0001, 0x8000_0001, 0x7f7f_ffff,
        ])
        .prop_map(f32::from_bits),
    ]
    .boxed()
}

fn arb_f64() -> BoxedStrategy<f64> {
    prop_oneof![
        4 => any::<u64>().prop_map(f64::from_bits),
        1 => prop::sample::select(vec![
            0x7ff8_0000_0000_0000u64, 0xfff8_0000_0000_0000, 0x7ff0_0000_0000_0001,
            0xfff0_0000_0000_0001, 0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000,
            0x7ff0_0000_0000_0000, 0xfff0_0000_0000_0000, 0x0000_0000_0000_0001,
        ])
        .prop_map(f64::from_bits),
    ]
    .boxed()
}

/// A value of one of the 13 fixed-width kinds.
fn arb_fixed(k: Kind) -> BoxedStrategy<Value> {
    match k {
        Kind::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Kind::U8 => any::<u8>().prop_map(Value::U8).boxed(),
        Kind::S8 => any::<i8>().prop_map(Value::S8).boxed(),
        Kind::U16 => any::<u16>().prop_map(Value::U16).boxed(),
        Kind::S16 => any::<i16>().prop_map(Value::S16).boxed(),
        Kind::U32 => any::<u32>().prop_map(Value::U32).boxed(),
        Kind::S32 => any::<i32>().prop_map(Value::S32).boxed(),
        Kind::F32 => arb_f32().prop_map(Value::F32).boxed(),
        Kind::Char => arb_char().prop_map(Value::Char).boxed(),
        Kind::U64 => any::<u64>().prop_map(Value::U64).boxed(),
        Kind::S64 => any::<i64>().prop_map(Value::S64).boxed(),
        Kind::F64 => arb_f64().prop_map(Value::F64).boxed(),
        Kind::Flags => any::<u64>().prop_map(Value::Flags).boxed(),
        _ => unreachable!("{k:?} is not fixed-width"),
    }
}

fn arb_fixed_kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(FIXED.to_vec())
}

/// Any type descriptor, nested up to 4 levels.
fn arb_type() -> BoxedStrategy<Type> {
    let mut prims: Vec<Kind> = FIXED.to_vec();
    prims.push(Kind::String);
    let leaf = prop_oneof![
        4 => prop::sample::select(prims).prop_map(|k| Type::primitive(k).unwrap()),
        1 => arb_name().prop_map(|n| Type::record(&n)),
        1 => arb_name().prop_map(|n| Type::variant(&n)),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::option),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Type::result(a, b)),
            prop::collection::vec(inner.clone(), 0..5).prop_map(|ts| Type::tuple(&ts)),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| Type::map(k, v)),
            inner.prop_map(Type::set),
        ]
    })
    .boxed()
}

/// Keys (every `stride`-th item) sorted and deduplicated in canonical order, as a map or set
/// built from a `BTreeMap` / `BTreeSet` holds them.
fn canonical_items(mut entries: Vec<Vec<Value>>) -> Vec<Value> {
    entries.sort_by(|a, b| packr::value::canonical_cmp(&a[0], &b[0]));
    entries.dedup_by(|a, b| packr::value::canonical_cmp(&a[0], &b[0]).is_eq());
    entries.into_iter().flatten().collect()
}

/// A list element type that is not fixed-width (so the list is a List node).
fn arb_nonfixed_type() -> BoxedStrategy<Type> {
    prop_oneof![
        Just(Type::string()),
        arb_type().prop_map(Type::list),
        arb_type().prop_map(Type::option),
        (arb_type(), arb_type()).prop_map(|(a, b)| Type::result(a, b)),
        arb_name().prop_map(|n| Type::record(&n)),
        arb_name().prop_map(|n| Type::variant(&n)),
        prop::collection::vec(arb_type(), 0..4).prop_map(|ts| Type::tuple(&ts)),
    ]
    .boxed()
}

/// A fixed-width list whose items all match the element type (it encodes as an Array node).
fn arb_array() -> BoxedStrategy<Value> {
    arb_fixed_kind()
        .prop_flat_map(|k| {
            prop_oneof![
                4 => prop::collection::vec(arb_fixed(k), 0..8),
                1 => prop::collection::vec(arb_fixed(k), 8..64),
            ]
            .prop_map(move |items| Value::list(Type::primitive(k).unwrap(), items))
        })
        .boxed()
}

/// Any value of the 20 kinds, nested up to 8 levels, containers up to 8 wide.
fn arb_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        4 => arb_fixed_kind().prop_flat_map(arb_fixed),
        2 => arb_string().prop_map(|s| Value::string(&s)),
        1 => arb_array(),
        1 => arb_nonfixed_type().prop_map(|t| Value::list(t, vec![])),
        1 => arb_type().prop_map(|t| Value::option(t, None)),
        1 => Just(Value::unit()),
        1 => (arb_name(), arb_name(), any::<u32>())
            .prop_map(|(t, c, g)| Value::variant(&t, &c, u64::from(g), vec![])),
        1 => arb_name().prop_map(|t| Value::record(&t, vec![])),
    ];
    leaf.prop_recursive(8, 512, 3, |inner| {
        let kids = prop::collection::vec(inner.clone(), 0..8);
        prop_oneof![
            2 => (arb_nonfixed_type(), kids.clone()).prop_map(|(t, items)| Value::list(t, items)),
            1 => arb_array(),
            2 => (arb_type(), prop::option::of(inner.clone()))
                .prop_map(|(t, v)| Value::option(t, v)),
            2 => (arb_type(), arb_type(), any::<bool>(), inner.clone())
                .prop_map(|(ok, err, is_err, v)| Value::result(ok, err, is_err, v)),
            2 => (arb_name(), prop::collection::vec((arb_name(), inner.clone()), 0..8)).prop_map(
                |(t, fields)| {
                    let fields: Vec<(&str, Value)> =
                        fields.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
                    Value::record(&t, fields)
                }
            ),
            2 => (arb_name(), arb_name(), any::<u32>(), kids.clone())
                .prop_map(|(t, c, g, p)| Value::variant(&t, &c, u64::from(g), p)),
            2 => kids.clone().prop_map(Value::tuple),
            1 => (arb_type(), arb_type(), prop::collection::vec((inner.clone(), inner.clone()), 0..6))
                .prop_map(|(kt, vt, es)| {
                    let es = es.into_iter().map(|(k, v)| vec![k, v]).collect();
                    Value::map(kt, vt, canonical_items(es))
                }),
            1 => (arb_type(), kids).prop_map(|(t, items)| {
                Value::set(t, canonical_items(items.into_iter().map(|i| vec![i]).collect()))
            }),
        ]
    })
    .boxed()
}

/// Node counts and roots: small, boundary and arbitrary.
fn arb_count() -> BoxedStrategy<u32> {
    prop_oneof![
        4 => 0u32..8,
        2 => 0u32..256,
        1 => any::<u32>(),
        1 => prop::sample::select(vec![u32::MAX, u32::MAX - 1, 1_000_000, 1_000_001, 0x8000_0000]),
    ]
    .boxed()
}

/// A node table with correct framing (so decoding gets past phase A) whose payloads are built
/// from child indices, type tags, small counts, names and random bytes.
fn arb_graph() -> BoxedStrategy<Vec<u8>> {
    (1u32..12)
        .prop_flat_map(|n| {
            let piece = prop_oneof![
                4 => (0..n + 1).prop_map(|i| u32le(i).to_vec()),
                3 => (1u8..=0x15).prop_map(|t| vec![t]),
                2 => any::<u8>().prop_map(|b| vec![b]),
                2 => (0u32..4).prop_map(|c| u32le(c).to_vec()),
                1 => Just(vec![1]),
                1 => Just(vec![0xff; 4]),
                1 => "[a-z]{0,3}".prop_map(|s| name(&s)),
            ];
            let node = (
                prop_oneof![6 => 1u8..=0x15, 1 => any::<u8>()],
                prop::collection::vec(piece, 0..8),
            )
                .prop_map(|(k, pieces)| (k, pieces.concat()));
            (
                prop::collection::vec(node, n as usize),
                prop_oneof![4 => Just(n - 1), 2 => 0..n, 1 => Just(n)],
            )
        })
        .prop_map(|(nodes, root)| cgrf(root, &nodes))
        .boxed()
}

/// Small limits, as the decode_limited fuzz target picks them.
fn arb_limits() -> BoxedStrategy<Limits> {
    prop_oneof![
        1 => Just(Limits::default()),
        3 => (0u64..4096, 1u64..64, 1u64..16).prop_map(|(b, n, d)| Limits {
            max_bytes: b,
            max_nodes: n,
            max_depth: d,
        }),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
enum Mutation {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    SetU32(Index, u32),
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Remove(Index, usize),
    Duplicate(Index, usize, Index),
}

fn interesting_u32() -> BoxedStrategy<u32> {
    prop_oneof![
        3 => prop::sample::select(vec![
            0u32, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x1_0000, 999_999, 1_000_000,
            1_000_001, 0x80_0000, 0x80_0001, 0x100_0000, 0x7fff_ffff, 0x8000_0000,
            0xffff_fffe, 0xffff_ffff,
        ]),
        1 => any::<u32>(),
    ]
    .boxed()
}

fn arb_mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        3 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        3 => (any::<Index>(), prop_oneof![Just(0u8), Just(0xff), any::<u8>()])
            .prop_map(|(i, v)| Mutation::SetByte(i, v)),
        3 => (any::<Index>(), interesting_u32()).prop_map(|(i, v)| Mutation::SetU32(i, v)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..9))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<Index>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
        1 => (any::<Index>(), 1usize..64, any::<Index>())
            .prop_map(|(a, n, b)| Mutation::Duplicate(a, n, b)),
    ]
    .boxed()
}

fn apply(m: &Mutation, b: &mut Vec<u8>) {
    let len = b.len();
    match m {
        Mutation::FlipBit(i, bit) if len > 0 => b[i.index(len)] ^= 1 << bit,
        Mutation::SetByte(i, v) if len > 0 => b[i.index(len)] = *v,
        Mutation::SetU32(i, v) if len >= 4 => {
            let at = i.index(len - 3);
            b[at..at + 4].copy_from_slice(&u32le(*v));
        }
        Mutation::Truncate(i) => b.truncate(i.index(len + 1)),
        Mutation::Insert(i, bytes) => {
            let at = i.index(len + 1);
            b.splice(at..at, bytes.iter().copied());
        }
        Mutation::Remove(i, n) if len > 0 => {
            let at = i.index(len);
            b.drain(at..(at + n).min(len));
        }
        Mutation::Duplicate(a, n, to) if len > 0 => {
            let at = a.index(len);
            let slice = b[at..(at + n).min(len)].to_vec();
            let to = to.index(len + 1);
            b.splice(to..to, slice);
        }
        _ => {}
    }
}

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

// =============================================================================================
// 4. huge counts allocate nothing

/// Inputs whose counts claim 0xFFFFFFFF items behind a few bytes.
fn huge_count_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let ff = u32le(u32::MAX);
    vec![
        ("List count", cgrf(0, &[(LIST, cat(&[&[STRING], &ff]))])),
        (
            "List count with three children",
            cgrf(
                1,
                &[
                    (BOOL, vec![1]),
                    (
                        LIST,
                        cat(&[&[STRING], &ff, &u32le(0), &u32le(0), &u32le(0)]),
                    ),
                ],
            ),
        ),
        (
            "Record field count",
            cgrf(0, &[(RECORD, cat(&[&name("r"), &ff]))]),
        ),
        (
            "Record field count with names",
            cgrf(
                0,
                &[(RECORD, cat(&[&name("r"), &ff, &name("a"), &name("b")]))],
            ),
        ),
        (
            "Record type-name length",
            cgrf(0, &[(RECORD, cat(&[&ff, b"abc"]))]),
        ),
        (
            "Record field-name length",
            cgrf(0, &[(RECORD, cat(&[&name("r"), &u32le(1), &ff, b"x"]))]),
        ),
        (
            "Variant payload count",
            cgrf(
                0,
                &[(VARIANT, cat(&[&name("t"), &name("c"), &u32le(0), &ff]))],
            ),
        ),
        (
            "Variant case-name length",
            cgrf(0, &[(VARIANT, cat(&[&name("t"), &ff, b"c"]))]),
        ),
        ("Tuple count", cgrf(0, &[(TUPLE, ff.to_vec())])),
        ("Array count", cgrf(0, &[(ARRAY, cat(&[&[U64], &ff]))])),
        ("String length", cgrf(0, &[(STRING, cat(&[&ff, b"hi"]))])),
        ("node count", {
            let mut b = header(u32::MAX, 0);
            push_node(&mut b, BOOL, &[1]);
            b
        }),
        ("payload length", {
            let mut b = header(1, 0);
            b.extend_from_slice(&[S32, 0, 0, 0]);
            b.extend_from_slice(&ff);
            b.extend_from_slice(&u32le(7));
            b
        }),
        // Descriptors that claim 2^32 - 1 nested items and then end.
        (
            "tuple descriptor count in a List",
            cgrf(0, &[(LIST, cat(&[&[TUPLE], &ff, &[S32, S32]]))]),
        ),
        (
            "tuple descriptor count in an Option",
            cgrf(0, &[(OPTION, cat(&[&[TUPLE], &ff]))]),
        ),
        (
            "tuple descriptor count in a Result",
            cgrf(0, &[(RESULT, cat(&[&[S32, TUPLE], &ff, &[S32]]))]),
        ),
        (
            "nested tuple descriptor counts",
            cgrf(
                0,
                &[(LIST, cat(&[&[TUPLE], &ff, &[TUPLE], &ff, &[TUPLE], &ff]))],
            ),
        ),
        (
            "record descriptor name length",
            cgrf(0, &[(OPTION, cat(&[&[RECORD], &ff, b"ab"]))]),
        ),
    ]
}

#[test]
fn huge_counts_fail_fast_without_allocating() {
    let _g = shared();
    for (what, bytes) in huge_count_inputs() {
        for (lname, limits) in [("default", Limits::default()), ("unlimited", unlimited())] {
            let t = Instant::now();
            let (r, st) = measure(|| decode_with_limits(&bytes, &limits));
            let dt = t.elapsed();
            let e = match r {
                Ok(v) => panic!("{what} ({lname} limits) decoded: {v:?}"),
                Err(e) => e,
            };
            assert!(
                is_short(&e) || e.limit,
                "{what} ({lname} limits): unexpected error {e:?}"
            );
            assert!(
                st.largest <= alloc_budget(bytes.len()),
                "{what} ({lname} limits): a {}-byte allocation for {} input bytes",
                st.largest,
                bytes.len()
            );
            assert!(
                st.total <= 1 << 20,
                "{what} ({lname} limits): {} bytes allocated in all",
                st.total
            );
            if dt > Duration::from_millis(50) {
                eprintln!("note: {what} ({lname} limits) took {dt:?}");
            }
            assert!(dt < Duration::from_secs(2), "{what} took {dt:?}");
        }
    }
}

// =============================================================================================
// 5. deep inputs

const DEEP: u32 = 1_000_000;

/// Node 0 is `Bool(true)`; node i wraps node i-1 in a one-item List of strings.
fn deep_list_bytes(depth: u32) -> Vec<u8> {
    let mut b = header(depth + 1, depth);
    b.reserve(8 + 1 + depth as usize * 17);
    push_node(&mut b, BOOL, &[1]);
    for i in 1..=depth {
        let mut p = [0u8; 9];
        p[0] = STRING;
        p[1..5].copy_from_slice(&u32le(1));
        p[5..9].copy_from_slice(&u32le(i - 1));
        push_node(&mut b, LIST, &p);
    }
    b
}

/// Node 0 is `S32(7)`; node i is `Some(node i-1)` of inner type s32.
fn deep_option_bytes(depth: u32) -> Vec<u8> {
    let mut b = header(depth + 1, depth);
    b.reserve(12 + depth as usize * 14);
    push_node(&mut b, S32, &u32le(7));
    for i in 1..=depth {
        let mut p = [0u8; 6];
        p[0] = S32;
        p[1] = 1;
        p[2..6].copy_from_slice(&u32le(i - 1));
        push_node(&mut b, OPTION, &p);
    }
    b
}

/// Nesting depth of a value, computed without recursion.
fn depth_of(v: &Value) -> usize {
    let mut max = 0;
    let mut stack = vec![(v, 1usize)];
    while let Some((x, d)) = stack.pop() {
        max = max.max(d);
        stack.extend(x.children().iter().map(|c| (c, d + 1)));
    }
    max
}

fn raised() -> Limits {
    Limits {
        max_bytes: 64 << 20,
        max_nodes: 2_000_000,
        max_depth: 2_000_000,
    }
}

fn check_deep(what: &'static str, bytes: Vec<u8>) {
    on_small_stack(move || {
        let t = Instant::now();
        let (r, st) = measure(|| decode_with_limits(&bytes, &raised()));
        let v = r.unwrap_or_else(|e| panic!("{what}: {e}"));
        eprintln!(
            "{what}: {} bytes decoded in {:?}, largest allocation {} bytes",
            bytes.len(),
            t.elapsed(),
            st.largest
        );
        assert!(st.largest <= alloc_budget(bytes.len()), "{what}: {st:?}");
        assert_eq!(depth_of(&v), DEEP as usize + 1, "{what}");
        // The input is canonical (post-order tree), so it re-encodes to itself.
        assert!(encode(&v).unwrap() == bytes, "{what}: re-encoding differs");
        assert!(v.clone().same(&v));
        drop(v);

        let e = decode(&bytes).expect_err(what);
        assert!(e.limit, "{what} with default limits: {e:?}");
        let tight = Limits {
            max_depth: 1000,
            ..raised()
        };
        let e = decode_with_limits(&bytes, &tight).expect_err(what);
        assert!(e.limit, "{what} with max_depth 1000: {e:?}");
        assert!(e.to_string().contains("deep"), "{what}: {e}");
    });
}

#[test]
fn deep_nested_list_on_a_small_stack() {
    let _g = shared();
    check_deep("1,000,000-deep List", deep_list_bytes(DEEP));
}

#[test]
fn deep_nested_option_on_a_small_stack() {
    let _g = shared();
    check_deep("1,000,000-deep Option", deep_option_bytes(DEEP));
}

#[test]
fn deep_type_descriptors_on_a_small_stack() {
    let _g = shared();
    on_small_stack(|| {
        // list<list<...<string>...>> a million levels deep.
        let mut desc = vec![LIST; DEEP as usize];
        desc.push(STRING);
        // tuple<tuple<...>> 200,000 levels deep, each of one item.
        let mut tdesc = Vec::new();
        for _ in 0..200_000 {
            tdesc.push(TUPLE);
            tdesc.extend_from_slice(&u32le(1));
        }
        tdesc.push(S32);

        for (what, d) in [("list^1e6", &desc), ("tuple^2e5", &tdesc)] {
            let cases: Vec<(&str, Vec<u8>)> = vec![
                ("List", cgrf(0, &[(LIST, cat(&[d, &u32le(0)]))])),
                ("Option", cgrf(0, &[(OPTION, cat(&[d, &[0]]))])),
                (
                    "Result",
                    cgrf(
                        1,
                        &[
                            (BOOL, vec![0]),
                            (RESULT, cat(&[d, d, &u32le(1), &[1], &u32le(0)])),
                        ],
                    ),
                ),
            ];
            for (node, bytes) in cases {
                let (r, st) = measure(|| decode(&bytes));
                let v = r.unwrap_or_else(|e| panic!("{what} in {node}: {e}"));
                assert!(st.largest <= alloc_budget(bytes.len()));
                assert!(encode(&v).unwrap() == bytes, "{what} in {node}");
                // Debug prints the type iteratively too.
                assert!(format!("{v:?}").len() > d.len());
                // And Type::children walks one level.
                let t = match &v {
                    Value::List(l) => l.elem_type.clone(),
                    Value::Option(o) => o.inner_type.clone(),
                    Value::Result(r) => r.err_type.clone(),
                    _ => unreachable!(),
                };
                assert_eq!(t.wire_bytes(), &d[..]);
                let skip = if d[0] == LIST { 1 } else { 5 };
                assert_eq!(t.children().len(), 1);
                assert_eq!(t.children()[0].wire_bytes(), &d[skip..]);
            }
            // An Array's element type must be one fixed-width byte.
            let bytes = cgrf(0, &[(ARRAY, cat(&[d, &u32le(0)]))]);
            let e = decode(&bytes).expect_err(what);
            assert!(!e.limit, "{e:?}");
        }

        // A descriptor that ends early, a million levels in.
        let bytes = cgrf(0, &[(LIST, vec![LIST; DEEP as usize])]);
        let e = decode(&bytes).expect_err("truncated descriptor");
        assert!(is_short(&e), "{e:?}");
    });
}

// =============================================================================================
// 6. DAG blow-up

/// Node 0 is a leaf; node i refers to node i-1 twice (through `kind`); the root is node `levels`.
fn dag_bytes(levels: u32, kind: u8, leaf: (u8, Vec<u8>)) -> Vec<u8> {
    let mut nodes = vec![leaf];
    for i in 1..=levels {
        let kids = cat(&[&u32le(i - 1), &u32le(i - 1)]);
        let payload = match kind {
            TUPLE => cat(&[&u32le(2), &kids]),
            LIST => cat(&[&[STRING], &u32le(2), &kids]),
            RECORD => cat(&[&name("r"), &u32le(2), &name("a"), &name("b"), &kids]),
            VARIANT => cat(&[&name("t"), &name("c"), &u32le(3), &u32le(2), &kids]),
            _ => unreachable!(),
        };
        nodes.push((kind, payload));
    }
    cgrf(levels, &nodes)
}

#[test]
fn dag_blow_up_is_stopped_by_the_limits() {
    let _g = shared();
    let array_leaf = (ARRAY, cat(&[&[U8], &u32le(1000), &[7u8; 1000]]));
    for kind in [TUPLE, LIST, RECORD, VARIANT] {
        let mut cases = vec![
            ("default", Limits::default(), (S32, u32le(5).to_vec())),
            (
                "unlimited nodes",
                Limits {
                    max_nodes: u64::MAX,
                    max_depth: u64::MAX,
                    ..Limits::default()
                },
                (S32, u32le(5).to_vec()),
            ),
            (
                "unlimited bytes",
                Limits {
                    max_bytes: u64::MAX,
                    max_depth: u64::MAX,
                    ..Limits::default()
                },
                (S32, u32le(5).to_vec()),
            ),
        ];
        // Shared Arrays: each reference counts its whole payload against max_bytes. (Kept to
        // 1 MiB: every array byte becomes a 24-byte Value, see `dag_of_arrays_memory`.)
        cases.push((
            "1 MiB, Array leaf",
            Limits {
                max_bytes: 1 << 20,
                ..Limits::default()
            },
            array_leaf.clone(),
        ));
        for (lname, limits, leaf) in cases {
            let bytes = dag_bytes(40, kind, leaf);
            let t = Instant::now();
            let (r, st) = measure(|| decode_with_limits(&bytes, &limits));
            let dt = t.elapsed();
            let e = r
                .err()
                .unwrap_or_else(|| panic!("2^40 DAG of {kind:#x} decoded ({lname})"));
            assert!(e.limit, "{kind:#x}, {lname}: {e:?}");
            assert!(
                st.largest <= alloc_budget(bytes.len()),
                "{kind:#x}, {lname}: {st:?}"
            );
            assert!(dt < Duration::from_secs(2), "{kind:#x}, {lname}: {dt:?}");
        }
        // A DAG that expands within the limits is accepted, and its expansion round trips.
        let bytes = dag_bytes(10, kind, (S32, u32le(5).to_vec()));
        let v = check_decode(&bytes, &Limits::default()).unwrap();
        let mut leaves = 0;
        let mut stack = vec![&v];
        while let Some(x) = stack.pop() {
            leaves += x.children().is_empty() as u32;
            stack.extend(x.children());
        }
        assert_eq!(leaves, 1 << 10);
    }
}

/// How much memory a small DAG of shared u8 Arrays makes the decoder allocate under the
/// default limits. The byte limit bounds the expanded *wire* bytes (16 MiB), but every array
/// byte becomes a 24-byte `Value`, so about 1 KB of input can demand ~400 MB. Reported, not
/// asserted; run with `--ignored --nocapture`.
#[test]
#[ignore = "measurement: memory amplification of shared Arrays (see report)"]
fn dag_of_arrays_memory() {
    let _g = shared();
    let leaf = (ARRAY, cat(&[&[U8], &u32le(1000), &[7u8; 1000]]));
    for levels in [10u32, 12, 14, 16] {
        let bytes = dag_bytes(levels, TUPLE, leaf.clone());
        let t = Instant::now();
        let (r, st) = measure(|| decode(&bytes).map(|v| depth_of(&v)));
        eprintln!(
            "{levels} levels, {} input bytes: {} after {:?}; {} MB allocated in all",
            bytes.len(),
            match r {
                Ok(d) => format!("decoded (depth {d})"),
                Err(e) => format!("rejected ({e})"),
            },
            t.elapsed(),
            st.total >> 20
        );
    }
}

/// Shared nodes may expand to at most max_bytes: the decoder counts 8 + payload bytes for every
/// expanded node, and the encoding of the expanded value is exactly 16 bytes more than that.
#[test]
fn dag_expansion_is_bounded_by_max_bytes() {
    let _g = shared();
    // node 0 = a string of `s` bytes, node 1 = Tuple([0, 0]): expands to 44 + 2s bytes of nodes,
    // 60 + 2s encoded bytes.
    let limits = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    let dag = |s: usize| {
        cgrf(
            1,
            &[
                (STRING, cat(&[&u32le(s as u32), &vec![b'a'; s]])),
                (TUPLE, cat(&[&u32le(2), &u32le(0), &u32le(0)])),
            ],
        )
    };
    // Expands to 1000 encoded bytes: accepted, and the re-encoding decodes with the same limits.
    let v = decode_with_limits(&dag(470), &limits).unwrap();
    let enc = encode(&v).unwrap();
    assert_eq!(enc.len(), 1000);
    assert!(decode_with_limits(&enc, &limits).unwrap().same(&v));
    // Expands far beyond: rejected as a limit.
    let e = decode_with_limits(&dag(600), &limits).unwrap_err();
    assert!(e.limit, "{e:?}");
}

/// Regression (found by this suite): shared nodes could expand to a value whose encoding was up
/// to 32 bytes over `max_bytes`.
#[test]
fn dag_expansion_never_exceeds_max_bytes() {
    let _g = shared();
    let limits = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    let s = 486usize; // 60 + 2s = 1032 encoded bytes
    let bytes = cgrf(
        1,
        &[
            (STRING, cat(&[&u32le(s as u32), &vec![b'a'; s]])),
            (TUPLE, cat(&[&u32le(2), &u32le(0), &u32le(0)])),
        ],
    );
    assert!(bytes.len() <= 1000);
    let mut failures = Vec::new();
    if let Ok(v) = decode_with_limits(&bytes, &limits) {
        let enc = encode(&v).unwrap();
        if decode_with_limits(&enc, &limits).is_err() {
            failures.push(format!(
                "max_bytes 1000: {} input bytes decode to a value whose {}-byte encoding is rejected",
                bytes.len(),
                enc.len()
            ));
        }
    }
    // The same with the default limits (16 MiB).
    let s = (16 * 1024 * 1024 - 28) / 2;
    let bytes = cgrf(
        1,
        &[
            (STRING, cat(&[&u32le(s as u32), &vec![b'a'; s]])),
            (TUPLE, cat(&[&u32le(2), &u32le(0), &u32le(0)])),
        ],
    );
    if let Ok(v) = decode(&bytes) {
        let enc = encode(&v).unwrap();
        if let Err(e) = decode(&enc) {
            failures.push(format!(
                "default limits: {} input bytes decode to a value whose {}-byte encoding is \
                 rejected ({e})",
                bytes.len(),
                enc.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// =============================================================================================
// 7. decode time is linear in depth

/// `cons(0, cons(1, ... nil))`: variant `list`, cases `cons` (tag 1, [S32, tail]) and `nil`.
fn cons_list(n: usize) -> Vec<u8> {
    let mut v = Value::variant("list", "nil", 0, vec![]);
    for i in (0..n).rev() {
        v = Value::variant("list", "cons", 1, vec![Value::S32(i as i32), v]);
    }
    encode(&v).unwrap()
}

fn best_decode_time(bytes: &[u8], runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            let v = decode(bytes).unwrap();
            let dt = t.elapsed();
            drop(v);
            dt
        })
        .min()
        .unwrap()
}

#[test]
fn decode_time_is_linear_in_depth() {
    let small = cons_list(10_000);
    let big = cons_list(100_000);
    assert_eq!(depth_of(&decode(&big).unwrap()), 100_001);
    let _g = exclusive();
    let mut last = (Duration::ZERO, Duration::ZERO);
    // Timing on a shared machine is noisy: alternate the two sizes, keep the best of each, and
    // pass on any of five attempts. Quadratic behaviour would show as ~100x.
    for _ in 0..5 {
        let (mut ts, mut tb) = (Duration::MAX, Duration::MAX);
        for _ in 0..5 {
            ts = ts.min(best_decode_time(&small, 2));
            tb = tb.min(best_decode_time(&big, 1));
        }
        eprintln!("cons-list decode: 10,000 deep {ts:?}, 100,000 deep {tb:?}");
        if tb < ts * 20 {
            return;
        }
        last = (ts, tb);
    }
    panic!(
        "100,000-deep decode took {:?}, more than 20x the 10,000-deep {:?}",
        last.1, last.0
    );
}

// =============================================================================================
// 8. a Record whose `names` and `values` differ in length (the fields are public)

/// Regression (found by this suite): a mismatched record is now an encode error, and Debug
/// prints it without panicking.
#[test]
fn record_names_values_mismatch_is_an_encode_error() {
    let _g = shared();
    use packr::value::Record;
    let cases = [
        (vec!["a", "b"], vec![Value::S32(1)]),
        (vec!["a"], vec![Value::S32(1), Value::S32(2)]),
        (vec![], vec![Value::S32(1)]),
    ];
    let mut failures = Vec::new();
    for (names, values) in cases {
        let what = format!("{} names, {} values", names.len(), values.len());
        let v = Value::Record(Box::new(Record {
            type_name: "r".into(),
            names: names.iter().map(|n| (*n).into()).collect(),
            values,
        }));
        match encode(&v) {
            Ok(bytes) => failures.push(format!("{what}: encode succeeds ({} bytes)", bytes.len())),
            Err(e) => assert!(e.to_string().contains("field names"), "{what}: {e}"),
        }
        if catch_unwind(AssertUnwindSafe(|| format!("{v:?}"))).is_err() {
            failures.push(format!("{what}: Debug panics"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
