//! Helpers shared by the integration tests: the golden vectors (tests/data, a copy of
//! ../shared/spec) and the guest fixtures (built by tests/guests/build.sh, WAT in tests/guests/wat).
#![allow(dead_code)]

use packr::value::{Type, Value};

/// One line of golden-vectors.txt: NAME, HEX, DETAIL.
pub struct Vector {
    pub name: String,
    pub hex: String,
    pub detail: String,
}

pub fn vectors() -> Vec<Vector> {
    parse_vectors(include_str!("../data/golden-vectors.txt"))
}

/// The CGRF v3 vectors of tests/data/golden-v3.txt, produced by the real packr-abi 0.24.1.
pub fn vectors_v3() -> Vec<Vector> {
    parse_vectors(include_str!("../data/golden-v3.txt"))
}

fn parse_vectors(text: &str) -> Vec<Vector> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut it = l.splitn(3, '\t');
            Vector {
                name: it.next().unwrap().to_string(),
                hex: it.next().unwrap_or("").to_string(),
                detail: it.next().unwrap_or("").to_string(),
            }
        })
        .collect()
}

/// `valid`, `invalid`, `big`, ...: the part of the name before the first `/`.
pub fn category(v: &Vector) -> &str {
    v.name.split('/').next().unwrap()
}

pub fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The value each `big/*` vector was made from (its DETAIL column, as code).
pub fn big_value(name: &str) -> Value {
    match name {
        "big/nest_tuple_depth_1000" => {
            let mut v = Value::S64(0);
            for _ in 0..1000 {
                v = Value::tuple(vec![v]);
            }
            v
        }
        "big/nest_option_depth_1000" => {
            let mut v = Value::S64(0);
            for _ in 0..1000 {
                v = Value::option(Type::s32(), Some(v));
            }
            v
        }
        "big/wide_list_s64_10000" => Value::list(Type::s64(), (0..10000).map(Value::S64).collect()),
        "big/wide_list_string_10000" => Value::list(
            Type::string(),
            (0..10000)
                .map(|i| Value::string(&format!("s{i}")))
                .collect(),
        ),
        "big/blob_u8_100000" => Value::list(
            Type::u8(),
            (0..100000).map(|i| Value::U8((i % 251) as u8)).collect(),
        ),
        "big/string_70000_a" => Value::string(&"a".repeat(70000)),
        other => panic!("no builder for {other}"),
    }
}

/// A packr-guest 0.5.4 fixture built by tests/guests/build.sh.
pub fn guest(name: &str) -> Vec<u8> {
    let p = format!(
        "{}/target/guests/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e} (run tests/guests/build.sh first)"))
}

/// A WAT fixture from tests/guests/wat, as wasm bytes.
pub fn wat(name: &str) -> Vec<u8> {
    let p = format!("{}/tests/guests/wat/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    wat::parse_file(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}
