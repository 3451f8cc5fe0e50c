//! Every vector in tests/data/golden-v3.txt (produced by the real packr-abi 0.24.1 encoder and
//! decoder, CGRF v3 with maps and sets) is checked here, and v2 <-> v3 transcoding against both
//! vector files.
//!
//! Where libpackr deliberately differs from packr-abi 0.24.1, the test says so: libpackr reads
//! both wire versions (0.24.1 rejects v2), and it rejects maps and sets whose keys are not unique
//! and in canonical order (0.24.1 trusts its `BTreeMap`s and accepts any order).

use packr::value::{
    Limits, Value, canonical_cmp, debug_string, decode, encode, encode_version, parse, to_text,
    transcode, wire_version,
};
use std::cmp::Ordering;

mod common;
use common::{category, hex, unhex, vectors, vectors_v3};

/// Vectors whose map keys or set items are out of order or repeated: accepted by packr-abi,
/// rejected by libpackr with a message that says so.
fn not_canonical(name: &str) -> bool {
    [
        "unsorted",
        "duplicate",
        "out_of_order",
        "same_node_twice",
        "shared_key_node",
    ]
    .iter()
    .any(|w| name.contains(w))
}

#[test]
fn file_is_large_and_has_every_category() {
    let vs = vectors_v3();
    for c in ["valid", "from", "decode", "invalid", "encode-error", "meta"] {
        assert!(vs.iter().any(|v| category(v) == c), "no {c} vectors");
    }
    assert!(vs.len() >= 150, "only {} vectors", vs.len());
}

#[test]
fn valid_and_from_vectors_decode_to_the_value_and_reencode_exactly() {
    let mut n = 0;
    for v in vectors_v3()
        .iter()
        .filter(|v| matches!(category(v), "valid" | "from") && !not_canonical(&v.name))
    {
        let bytes = unhex(&v.hex);
        let value = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(debug_string(&value), v.detail, "{}", v.name);
        assert_eq!(
            hex(&encode_version(&value, 3).unwrap()),
            v.hex,
            "{}",
            v.name
        );
        // The text form round-trips maps and sets too.
        let back = parse(&to_text(&value)).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert!(back.same(&value), "{}: {}", v.name, to_text(&value));
        // encode() picks v3 exactly when the value needs it, else the v2 bytes.
        let auto = encode(&value).unwrap();
        assert_eq!(
            wire_version(&auto),
            Some(if value.has_v3_parts() { 3 } else { 2 })
        );
        n += 1;
    }
    assert!(n >= 90, "{n} vectors");
}

#[test]
fn keys_out_of_order_or_repeated_are_rejected_by_name() {
    let mut n = 0;
    for v in vectors_v3()
        .iter()
        .filter(|v| matches!(category(v), "valid" | "decode" | "from") && not_canonical(&v.name))
    {
        let err = decode(&unhex(&v.hex))
            .err()
            .unwrap_or_else(|| panic!("{} decoded", v.name));
        let msg = err.to_string();
        assert!(
            msg.contains("must be unique and in increasing order"),
            "{}: {msg}",
            v.name
        );
        n += 1;
    }
    assert!(n >= 8, "{n} vectors");
}

#[test]
fn decode_only_vectors_are_accepted() {
    let mut n = 0;
    for v in vectors_v3()
        .iter()
        .filter(|v| category(v) == "decode" && !not_canonical(&v.name))
    {
        let value = decode(&unhex(&v.hex)).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(debug_string(&value), v.detail, "{}", v.name);
        n += 1;
    }
    assert!(n >= 6, "{n}");
}

#[test]
fn invalid_vectors_give_the_exact_upstream_error() {
    let mut n = 0;
    for v in vectors_v3().iter().filter(|v| category(v) == "invalid") {
        let bytes = unhex(&v.hex);
        if wire_version(&bytes) == Some(2) {
            // libpackr reads v2 as well (packr-abi 0.24.1 does not).
            assert!(decode(&bytes).is_ok(), "{}", v.name);
            continue;
        }
        let err = decode(&bytes)
            .err()
            .unwrap_or_else(|| panic!("{} decoded", v.name));
        assert_eq!(format!("{:?}", err.abi), v.detail, "{}", v.name);
        n += 1;
    }
    assert!(n >= 25, "{n}");
}

#[test]
fn encode_errors_are_reported() {
    let mut n = 0;
    for v in vectors_v3()
        .iter()
        .filter(|v| category(v) == "encode-error")
    {
        let (value_text, want) = v.detail.split_once(" => ").unwrap();
        // Rebuild the value from its Debug form's text-form equivalent in the name's cases.
        let value = match v.name.as_str() {
            "encode-error/list_s32_with_string_item" => parse("list<s32>[1s32, \"x\"]").unwrap(),
            "encode-error/list_u8_with_s32_item" => parse("list<u8>[1s32]").unwrap(),
            "encode-error/map_inside_list_s64_elem" => {
                parse("list<s64>[map<string, s64>{}]").unwrap()
            }
            other => panic!("unknown encode-error vector {other}"),
        };
        assert!(value_text.starts_with("List {"), "{}", v.name);
        let err = encode_version(&value, 3).unwrap_err();
        assert_eq!(format!("{:?}", err.abi), want, "{}", v.name);
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn v2_vectors_cross_to_v3_by_the_header_and_back() {
    // Every 0.5.4 valid vector is a v3 vector once its version says 3, and transcoding back
    // gives the exact 0.5.4 bytes.
    let limits = Limits::default();
    let mut n = 0;
    for v in vectors().iter().filter(|v| category(v) == "valid") {
        let v2 = unhex(&v.hex);
        let v3 = transcode(&v2, 3, &limits).unwrap().into_owned();
        assert_eq!(wire_version(&v3), Some(3));
        assert_eq!(&v3[6..], &v2[6..], "{}", v.name);
        assert!(decode(&v3).unwrap().same(&decode(&v2).unwrap()));
        assert_eq!(transcode(&v3, 2, &limits).unwrap().as_ref(), &v2[..]);
        n += 1;
    }
    assert!(n >= 60);
}

#[test]
fn maps_and_sets_cross_to_v2_as_lists() {
    let limits = Limits::default();
    let m = parse(r#"map<string, set<u8>>{"a": set<u8>{1u8, 2u8}, "b": set<u8>{}}"#).unwrap();
    let v3 = encode(&m).unwrap();
    assert_eq!(wire_version(&v3), Some(3));
    let v2 = transcode(&v3, 2, &limits).unwrap().into_owned();
    assert_eq!(wire_version(&v2), Some(2));
    let back = decode(&v2).unwrap();
    assert_eq!(
        to_text(&back),
        r#"[("a", [1u8, 2u8]), ("b", list<u8>[])]"#,
        "map -> list of tuples, set -> list"
    );
    // The v2 bytes are what packr-abi 0.5.4 writes for that list (it has no maps).
    assert_eq!(encode_version(&back, 2).unwrap(), v2);
    // A descriptor alone (an empty list of maps) is rewritten too.
    let e = parse("list<map<s64, string>>[]").unwrap();
    assert_eq!(
        to_text(&decode(&encode_version(&e, 2).unwrap()).unwrap()),
        "list<list<tuple<s64, string>>>[]"
    );
    // Bytes that are not CGRF pass through unchanged (the reader reports them).
    assert_eq!(transcode(b"junk", 2, &limits).unwrap().as_ref(), b"junk");
}

#[test]
fn canonical_order_follows_rust_ord_of_the_key_types() {
    let ord = |a: &str, b: &str| canonical_cmp(&parse(a).unwrap(), &parse(b).unwrap());
    assert_eq!(ord("-5", "3"), Ordering::Less);
    assert_eq!(
        ord(r#""B""#, r#""a""#),
        Ordering::Less,
        "bytewise, like String's Ord"
    );
    assert_eq!(ord(r#""ab""#, r#""b""#), Ordering::Less);
    assert_eq!(ord("(1, \"z\")", "(2, \"a\")"), Ordering::Less);
    assert_eq!(ord("[1, 2]", "[1, 2, 0]"), Ordering::Less, "prefix first");
    assert_eq!(ord("none<s64>", "some(0)"), Ordering::Less);
    assert_eq!(
        ord("ok<_, string>(9)", "err<s64, _>(\"a\")"),
        Ordering::Less
    );
    assert_eq!(ord("-0.0f64", "0.0f64"), Ordering::Less, "IEEE total order");
    assert_eq!(ord("e::b#1", "e::a#2"), Ordering::Less, "variants by tag");
    assert_eq!(ord("(1, 2)", "(1, 2)"), Ordering::Equal);
    // BTreeMap vectors from the real encoder are in this order.
    for v in vectors_v3()
        .iter()
        .filter(|v| v.name.starts_with("from/btree"))
    {
        let value: Value = decode(&unhex(&v.hex)).unwrap();
        assert!(value.check_canonical().is_ok(), "{}", v.name);
    }
}

#[test]
fn text_form_rejects_unsorted_and_duplicate_keys() {
    let e = parse(r#"map<string, s64>{"b": 1, "a": 2}"#).unwrap_err();
    assert!(e.message.contains("sorts before"), "{}", e.message);
    let e = parse("set<s64>{1, 1}").unwrap_err();
    assert!(e.message.contains("duplicates"), "{}", e.message);
    assert!(parse(r#"map<string, s64>{"a": 1, "b": 2,}"#).is_ok());
}
