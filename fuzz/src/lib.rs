//! The properties the fuzz targets check, shared by the three targets in `fuzz_targets/`.
//! Every check panics (which libFuzzer reports as a crash) when a property fails.

use packr::runtime::{Builder, Composition, ErrorKind};
use packr::value::{
    DecodeError, Doc, Limits, Value, check_with_limits, decode, decode_with_limits, encode, text,
};
use std::sync::OnceLock;

/// `decode` with the default limits must not panic; a value it accepts must survive
/// encode → decode unchanged.
pub fn check_decode(data: &[u8]) {
    let r = decode(data);
    check_document(data, &Limits::default(), r.as_ref().ok());
    check_check(data, &Limits::default(), &r);
    if let Ok(v) = r {
        check_reencode(&v, &Limits::default());
    }
}

/// The C API's in-place view (`Doc`) is built only from bytes the decoder accepts under the
/// same limits (`decoded`), and holds the same value.
pub fn check_document(data: &[u8], limits: &Limits, decoded: Option<&Value>) {
    if let Some(d) = Doc::new(data, limits) {
        let v = decoded.unwrap_or_else(|| panic!("a document was built from rejected bytes"));
        let back = d.root().to_value();
        assert!(
            back.is_some_and(|b| b.same(v)),
            "the document holds another value"
        );
    }
}

/// Checking without keeping the value (what host-function results get) agrees exactly with
/// decoding (`decoded`): the same acceptance, the same error.
pub fn check_check(data: &[u8], limits: &Limits, decoded: &Result<Value, DecodeError>) {
    match (check_with_limits(data, limits), decoded) {
        (Ok(()), Ok(_)) => {}
        (Err(e), Err(f)) => assert_eq!(e, *f, "check and decode report different errors"),
        (c, d) => panic!("check says {c:?}, decode says {:?}", d.is_ok()),
    }
}

/// The limits picked by the first three bytes of a `decode_limited` input: byte 0 sets
/// `max_bytes` to 64 × (b + 1) (64 ..= 16,320), byte 1 sets `max_nodes` to b (0 ..= 254) and byte 2
/// sets `max_depth` to b (0 ..= 254); 0xff in any byte keeps that limit's default.
pub fn limits_from(prefix: [u8; 3]) -> Limits {
    let d = Limits::default();
    let pick = |b: u8, small: u64, default: u64| if b == 0xff { default } else { small };
    Limits {
        max_bytes: pick(prefix[0], 64 * (u64::from(prefix[0]) + 1), d.max_bytes),
        max_nodes: pick(prefix[1], u64::from(prefix[1]), d.max_nodes),
        max_depth: pick(prefix[2], u64::from(prefix[2]), d.max_depth),
    }
}

/// `decode_with_limits` under the limits picked by the first three bytes (see [`limits_from`]).
/// Besides not panicking:
/// - an accepted value survives encode → decode unchanged;
/// - the limits are monotone: what small limits accept, the (larger) default limits accept as
///   the same value, and a malformed-input error under small limits is exactly the error the
///   default limits report.
pub fn check_decode_limited(data: &[u8]) {
    let [a, b, c, rest @ ..] = data else {
        return;
    };
    let limits = limits_from([*a, *b, *c]);
    let small = decode_with_limits(rest, &limits);
    check_document(rest, &limits, small.as_ref().ok());
    check_check(rest, &limits, &small);
    let default = decode(rest);
    match (&small, &default) {
        (Ok(v), Ok(w)) => {
            assert!(v.same(w), "small and default limits decode differently");
            check_reencode(v, &limits);
        }
        (Ok(_), Err(e)) => panic!("small limits accept what the default limits reject: {e}"),
        (Err(e), _) if e.limit => {}
        (Err(e), Ok(_)) => panic!("small limits reject valid input as malformed: {e}"),
        (Err(e), Err(f)) => assert_eq!(e, f, "small and default limits report different errors"),
    }
}

/// `v` was decoded under `limits`: it must encode, decode again to a `same()` value, and
/// re-encode to the same (canonical) bytes.
pub fn check_reencode(v: &Value, limits: &Limits) {
    let enc = encode(v).unwrap_or_else(|e| panic!("a decoded value does not encode: {e}"));
    // Shared nodes may expand, but never beyond max_bytes of encoding.
    assert!(
        enc.len() as u64 <= limits.max_bytes,
        "re-encoding is {} bytes, max_bytes is {}",
        enc.len(),
        limits.max_bytes
    );
    let relaxed = Limits {
        max_bytes: limits.max_bytes.max(enc.len() as u64),
        ..*limits
    };
    let back = decode_with_limits(&enc, &relaxed)
        .unwrap_or_else(|e| panic!("the re-encoding of a decoded value does not decode: {e}"));
    assert!(back.same(v), "decode(encode(v)) is not v");
    assert!(
        encode(&back).ok().as_deref() == Some(&enc[..]),
        "the encoding is not canonical"
    );
}

/// `text::parse` must not panic; a value it accepts prints with `to_text` and parses back to a
/// `same()` value, and if it encodes as CGRF it also decodes back to a `same()` value.
pub fn check_text(s: &str) {
    let Ok(v) = text::parse(s) else {
        return;
    };
    let printed = text::to_text(&v);
    let back = text::parse(&printed)
        .unwrap_or_else(|e| panic!("to_text output does not parse: {e}\n{printed}"));
    assert!(back.same(&v), "parse(to_text(v)) is not v:\n{printed}");
    assert_eq!(
        text::to_text(&back),
        printed,
        "to_text is not deterministic"
    );
    // A list whose fixed-width element type disagrees with its items does not encode, and a
    // variant tag above u32::MAX is truncated on the wire (spec §2.6 rule 7); anything else must
    // survive CGRF too.
    if !variant_tags_fit_u32(&v) {
        return;
    }
    if let Ok(bytes) = encode(&v) {
        match decode(&bytes) {
            Ok(w) => assert!(w.same(&v), "decode(encode(parse(s))) is not parse(s)"),
            Err(e) if e.limit => {}
            Err(e) => panic!("the CGRF encoding of a parsed value does not decode: {e}"),
        }
    }
}

/// True if every variant tag in `v` fits the wire's u32.
fn variant_tags_fit_u32(v: &Value) -> bool {
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        if let Value::Variant(var) = x
            && var.tag > u64::from(u32::MAX)
        {
            return false;
        }
        stack.extend(x.children());
    }
    true
}

/// The composition the `call` target calls into: the echo, sexpr, doubler and adder guests
/// (adder wired to doubler, echo's and sexpr's exports as they are), with fuel and a timeout so
/// that inputs sending a guest into its panic loop end quickly.
fn composition() -> &'static Composition {
    static C: OnceLock<Composition> = OnceLock::new();
    C.get_or_init(|| {
        let dir = std::env::var("PACKR_GUESTS").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/guests/wasm").into()
        });
        let mut b = Builder::new();
        for name in ["echo", "sexpr", "doubler", "adder"] {
            let wasm = std::fs::read(format!("{dir}/{name}.wasm"))
                .unwrap_or_else(|e| panic!("{dir}/{name}.wasm: {e} (run tests/guests/build.sh)"));
            b.add_package(name, &wasm)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        b.wire("adder", "math", "double", "doubler", "double");
        b.set_fuel(20_000_000);
        b.set_timeout_ms(2_000);
        b.set_memory_limit(256 << 20);
        b.build().unwrap_or_else(|e| panic!("build: {e}"))
    })
}

/// Builds the `call` target's composition ahead of the first input.
pub fn warm_up_call() {
    composition();
}

/// The exports the `call` target picks from with its first input byte.
pub const CALL_EXPORTS: [(&str, &str); 7] = [
    ("echo", "echo"),
    ("echo", "len"),
    ("echo", "add"),
    ("sexpr", "eval"),
    ("sexpr", "count"),
    ("doubler", "double"),
    ("adder", "process"),
];

/// Call inputs: arbitrary bytes passed to a guest export (byte 0 picks the export). The call may
/// fail, but only with a guest error, a trap or a limit (or a decode error, for a CGRF v3 input
/// with maps or sets that libpackr must rewrite for a 0.5.4 guest but cannot read), never a
/// panic or a wrong answer, and the composition must answer a known call correctly afterwards.
pub fn check_call(data: &[u8]) {
    let [pick, input @ ..] = data else { return };
    let c = composition();
    let (pkg, export) = CALL_EXPORTS[*pick as usize % CALL_EXPORTS.len()];
    let (p, e) = c.resolve(pkg, export).expect("known export");
    match c.call(p, e, input) {
        Ok(out) => {
            // What a packr-guest export returns with status 0 is CGRF it encoded itself.
            decode(&out)
                .unwrap_or_else(|e| panic!("{pkg}.{export} returned undecodable bytes: {e}"));
        }
        Err(err) => assert!(
            matches!(
                err.kind,
                ErrorKind::Guest | ErrorKind::Trap | ErrorKind::Limit
            ) || (err.kind == ErrorKind::Decode && input.get(4) == Some(&3)),
            "{pkg}.{export}: unexpected {:?}: {}",
            err.kind,
            err.message
        ),
    }
    let (p, e) = c.resolve("adder", "process").expect("adder.process");
    let out = c
        .call(p, e, &encode(&Value::S64(20)).expect("encode"))
        .expect("adder.process after a fuzz call");
    assert!(
        decode(&out).expect("decode").same(&Value::S64(41)),
        "adder.process(20) is not 41"
    );
}
