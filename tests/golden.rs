//! Every vector in tests/data/golden-vectors.txt (a copy of ../shared/spec/golden-vectors.txt,
//! produced by the real packr-abi 0.5.4 encoder) is checked here.

use packr::value::{Limits, Type, Value, debug_string, decode, decode_with_limits, encode};
use sha2::{Digest, Sha256};

mod common;
use common::{big_value, category, hex, unhex, vectors};

#[test]
fn shared_copy_is_current() {
    // When the shared spec folder is beside the checkout, our copy must equal it.
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/spec/golden-vectors.txt"
    );
    if let Ok(s) = std::fs::read_to_string(shared) {
        assert_eq!(
            s,
            include_str!("data/golden-vectors.txt"),
            "tests/data copy is stale"
        );
    }
}

#[test]
fn file_has_every_category() {
    let vs = vectors();
    for c in [
        "valid",
        "lossy",
        "big",
        "encode-error",
        "decode",
        "invalid",
        "invalid-with-limits",
        "meta",
    ] {
        assert!(vs.iter().any(|v| category(v) == c), "no {c} vectors");
    }
    assert!(vs.len() >= 130, "only {} vectors", vs.len());
}

#[test]
fn valid_vectors_decode_to_the_value_and_reencode_exactly() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| category(v) == "valid") {
        let bytes = unhex(&v.hex);
        let value = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(debug_string(&value), v.detail, "{}", v.name);
        assert_eq!(hex(&encode(&value).unwrap()), v.hex, "{}", v.name);
        n += 1;
    }
    assert!(n >= 60, "{n} valid vectors");
}

#[test]
fn decode_only_vectors_are_accepted() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| category(v) == "decode") {
        let value = decode(&unhex(&v.hex)).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(debug_string(&value), v.detail, "{}", v.name);
        n += 1;
    }
    assert!(n >= 6);
}

#[test]
fn invalid_vectors_give_the_exact_upstream_error() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| category(v) == "invalid") {
        let err = decode(&unhex(&v.hex))
            .err()
            .unwrap_or_else(|| panic!("{} decoded", v.name));
        assert_eq!(format!("{:?}", err.abi), v.detail, "{}", v.name);
        // Our own message names a place.
        assert!(
            err.to_string().contains("byte offset"),
            "{}: {}",
            v.name,
            err
        );
        n += 1;
    }
    assert!(n >= 40);
}

#[test]
fn invalid_with_limits_vector() {
    for v in vectors()
        .iter()
        .filter(|v| category(v) == "invalid-with-limits")
    {
        let bytes = unhex(&v.hex);
        assert!(
            decode(&bytes).is_ok(),
            "{} must decode with default limits",
            v.name
        );
        let limits = Limits {
            max_nodes: 1,
            ..Limits::default()
        };
        let err = decode_with_limits(&bytes, &limits).unwrap_err();
        assert_eq!(format!("{:?}", err.abi), v.detail);
        assert!(err.limit);
    }
}

#[test]
fn lossy_variant_tag_truncates_like_upstream() {
    let v = vectors()
        .into_iter()
        .find(|v| category(v) == "lossy")
        .unwrap();
    let value = Value::variant("t", "c", (1u64 << 32) + 5, vec![]);
    assert_eq!(hex(&encode(&value).unwrap()), v.hex);
    let back = decode(&unhex(&v.hex)).unwrap();
    let want = v.detail.split(" => decodes as ").nth(1).unwrap();
    assert_eq!(debug_string(&back), want);
}

#[test]
fn encode_error_vectors() {
    let cases = [
        (
            "encode-error/list_s32_with_string_item",
            Value::list(Type::s32(), vec![Value::S32(1), Value::string("x")]),
        ),
        (
            "encode-error/list_u8_with_s32_item",
            Value::list(Type::u8(), vec![Value::S32(1)]),
        ),
    ];
    let vs = vectors();
    for (name, value) in cases {
        let v = vs
            .iter()
            .find(|v| v.name == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        let (val, err) = v.detail.split_once(" => ").unwrap();
        assert_eq!(debug_string(&value), val);
        assert_eq!(format!("{:?}", encode(&value).unwrap_err().abi), err);
    }
    assert_eq!(
        vs.iter().filter(|v| category(v) == "encode-error").count(),
        2
    );
}

fn check_summary(summary: &str, bytes: &[u8], name: &str) {
    let mut fields = summary.split(';');
    let len: usize = fields
        .next()
        .unwrap()
        .strip_prefix("len=")
        .unwrap()
        .parse()
        .unwrap();
    let sha = fields.next().unwrap().strip_prefix("sha256=").unwrap();
    let first = fields.next().unwrap().strip_prefix("first64=").unwrap();
    assert_eq!(bytes.len(), len, "{name} length");
    assert_eq!(hex(&Sha256::digest(bytes)), sha, "{name} sha256");
    assert_eq!(hex(&bytes[..64.min(bytes.len())]), first, "{name} first64");
}

#[test]
fn big_vectors_match_length_and_sha256() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| category(v) == "big") {
        let value = big_value(&v.name);
        let bytes = encode(&value).unwrap();
        check_summary(&v.hex, &bytes, &v.name);
        let back = decode(&bytes).unwrap();
        assert!(back.same(&value), "{} round trip", v.name);
        n += 1;
    }
    assert!(n >= 6);
}

#[test]
fn metadata_blob_decodes_and_roundtrips() {
    let v = vectors()
        .into_iter()
        .find(|v| category(v) == "meta")
        .unwrap();
    let bytes = unhex(include_str!("data/golden-metadata.hex").trim());
    check_summary(&v.hex, &bytes, &v.name);
    let value = decode(&bytes).unwrap();
    assert!(debug_string(&value).starts_with("Record { type_name: \"package-metadata\""));
    assert_eq!(encode(&value).unwrap(), bytes);
}
