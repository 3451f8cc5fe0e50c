//! The text form of values (src/value/text.rs, docs/text-form.md): golden vectors, documented
//! examples, and property tests (round trip of arbitrary values; no panic on arbitrary text).

use packr::value::{
    Kind, Type, Value, debug_string, decode, encode, parse, parse_type, to_text, type_to_text,
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

mod common;
use common::{big_value, category, hex, unhex, vectors};

// ---------------------------------------------------------------------------------------------
// Golden vectors (read the way tests/golden.rs reads them)

/// `v` prints, parses back `same()`, prints identically again, and re-encodes to `v`'s bytes.
/// Returns the text.
#[track_caller]
fn text_round_trip(v: &Value, what: &str) -> String {
    let text = to_text(v);
    assert!(!text.contains('\0'), "{what}: NUL in {text}");
    assert!(
        !text.chars().any(char::is_control),
        "{what}: raw control character in {text:?}"
    );
    let back = parse(&text).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    assert!(
        back.same(v),
        "{what}: {text}\n parsed {}\n want   {}",
        debug_string(&back),
        debug_string(v)
    );
    assert_eq!(to_text(&back), text, "{what}");
    if let Ok(bytes) = encode(v) {
        assert_eq!(encode(&back).unwrap(), bytes, "{what}: bytes differ");
    }
    text
}

#[test]
fn valid_and_decode_vectors_round_trip_through_text() {
    let mut n = 0;
    for v in vectors()
        .iter()
        .filter(|v| matches!(category(v), "valid" | "decode"))
    {
        let value = decode(&unhex(&v.hex)).unwrap_or_else(|e| panic!("{}: {e}", v.name));
        let text = text_round_trip(&value, &v.name);
        let back = parse(&text).unwrap();
        assert_eq!(debug_string(&back), v.detail, "{}", v.name);
        let bytes = encode(&back).unwrap();
        assert_eq!(bytes, encode(&value).unwrap(), "{}", v.name);
        if category(v) == "valid" {
            assert_eq!(hex(&bytes), v.hex, "{}", v.name);
        }
        n += 1;
    }
    assert!(n >= 68, "{n} vectors");
}

#[test]
fn some_golden_vectors_print_as_expected() {
    let want = [
        ("valid/f32_nan_bits_7fc00000", "nan_f32"),
        (
            "valid/f64_snan_bits_7ff0000000000001",
            "nan_f64(0x7ff0000000000001)",
        ),
        ("valid/f64_min_subnormal", "5e-324f64"),
        ("valid/f32_neg_zero", "-0.0f32"),
        ("valid/char_nul", "'\\0'"),
        ("valid/string_with_nul", "\"a\\0b\""),
        ("valid/char_max_U+10FFFF", "'\u{10ffff}'"),
        ("valid/flags_0b1011", "flags(0xb)"),
        ("valid/list_s32_empty_array", "list<s32>[]"),
        ("valid/list_f64_array", "[1.0f64, -inf_f64]"),
        ("valid/list_of_tuple_type", "[(\"k\", 1u8)]"),
        ("valid/list_of_list_s32", "[[1s32], list<s32>[]]"),
        ("valid/option_none_list_string", "none<list<string>>"),
        ("valid/option_some_some_u8", "some(some(1u8))"),
        ("valid/result_ok_s32_err_string", "ok<_, string>(1s32)"),
        ("valid/result_err_string", "err<s32, _>(\"bad\")"),
        ("decode/result_tag_7_is_err", "err<s32, string>(1s32)"),
        ("valid/record_point_x1_y2", "point{x: 1s32, y: 2s32}"),
        ("valid/variant_enum_like_tag2", "color::blue#2"),
        ("valid/variant_two_payloads", "msg::pair#3(1s32, \"z\")"),
        ("valid/variant_tag_u32_max", "t::c#4294967295"),
        ("valid/variant_nested", "outer::wrap#0(inner::leaf#1(9u8))"),
        (
            "valid/sexpr_list_plus_1_times_2_3",
            "expr::lst#4([expr::sym#0(\"+\"), expr::num#1(1), \
             expr::lst#4([expr::sym#0(\"*\"), expr::num#1(2), expr::num#1(3)])])",
        ),
    ];
    let vs = vectors();
    for (name, text) in want {
        let v = vs.iter().find(|v| v.name == name).unwrap();
        let value = decode(&unhex(&v.hex)).unwrap();
        assert_eq!(to_text(&value), text, "{name}");
    }
}

#[test]
fn lossy_tag_round_trips_in_text() {
    let v = Value::variant("t", "c", (1u64 << 32) + 5, vec![]);
    assert_eq!(text_round_trip(&v, "lossy"), "t::c#4294967301");
}

#[test]
fn big_vectors_round_trip_through_text() {
    let mut n = 0;
    for v in vectors().iter().filter(|v| category(v) == "big") {
        let value = big_value(&v.name);
        let text = text_round_trip(&value, &v.name);
        let back = parse(&text).unwrap();
        let bytes = encode(&back).unwrap();
        let mut fields = v.hex.split(';');
        let len = fields.next().unwrap().strip_prefix("len=").unwrap();
        let sha = fields.next().unwrap().strip_prefix("sha256=").unwrap();
        assert_eq!(bytes.len().to_string(), len, "{}", v.name);
        assert_eq!(hex(&Sha256::digest(&bytes)), sha, "{}", v.name);
        n += 1;
    }
    assert!(n >= 6);
    assert!(to_text(&big_value("big/nest_option_depth_1000")).starts_with("some<s32>(some<s32>("));
}

// ---------------------------------------------------------------------------------------------
// docs/text-form.md

const DOC: &str = include_str!("../docs/text-form.md");

/// The values behind the doc's three full examples.
fn doc_examples() -> Vec<(&'static str, Value)> {
    let sexpr = vectors()
        .into_iter()
        .find(|v| v.name == "valid/sexpr_list_plus_1_times_2_3")
        .unwrap();
    let person = Value::record(
        "person",
        vec![
            ("name", Value::string("Ada \"the Countess\"")),
            ("born", Value::U16(1815)),
            ("langs", Value::list(Type::string(), vec![])),
            (
                "notes",
                Value::list(Type::string(), vec![Value::string("line 1\nline 2")]),
            ),
            ("email", Value::option(Type::string(), None)),
            ("pos", Value::tuple(vec![Value::F32(1.5), Value::F32(-0.0)])),
            ("role", Value::variant("role", "admin", 2, vec![])),
            ("perms", Value::Flags(0x2b)),
            ("weird key", Value::Char('\'')),
        ],
    );
    let result = Value::result(
        Type::list(Type::u8()),
        Type::variant("io-error"),
        true,
        Value::variant(
            "io-error",
            "not-found",
            2,
            vec![Value::string("config.toml"), Value::S64(-1)],
        ),
    );
    vec![
        ("sexpr", decode(&unhex(&sexpr.hex)).unwrap()),
        ("record", person),
        ("result", result),
    ]
}

#[test]
fn doc_examples_are_exactly_what_to_text_prints() {
    for (what, v) in doc_examples() {
        let text = text_round_trip(&v, what);
        assert!(
            DOC.contains(&format!("\n{text}\n")),
            "docs/text-form.md lacks the {what} example as printed:\n{text}"
        );
    }
}

/// Every example in the doc's kind table (the second cell of each row, in backticks) is
/// canonical: it parses and prints back identically.
#[test]
fn doc_table_examples_are_canonical() {
    let mut n = 0;
    for line in DOC.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let Some(cell) = cells.get(1) else { continue };
        let Some(example) = cell.strip_prefix('`').and_then(|c| c.strip_suffix('`')) else {
            continue;
        };
        let v = parse(example).unwrap_or_else(|e| panic!("{example}: {e}"));
        assert_eq!(to_text(&v), example);
        n += 1;
    }
    assert!(n >= 20, "{n} table examples");
}

// ---------------------------------------------------------------------------------------------
// Property tests

fn arb_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        2 => (0u32..0xa0).prop_filter_map("scalar", char::from_u32),
        1 => prop::sample::select(vec!['\0', '"', '\'', '\\', '\n', '\u{7f}', '\u{9f}', '{', '#']),
    ]
}

fn arb_string() -> impl Strategy<Value = String> {
    prop::collection::vec(arb_char(), 0..10).prop_map(|v| v.into_iter().collect())
}

fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z_][a-zA-Z0-9_-]{0,8}",
        2 => prop::sample::select(vec![
            "true", "false", "list", "s64", "flags", "none", "some", "ok", "err", "inf", "nan",
            "inf_f64", "nan_f32", "tuple", "_", "", "a b", "demo:host/log", "é", "x\"y", "\\",
            "1a", "-a",
        ])
        .prop_map(String::from),
        2 => arb_string(),
    ]
}

fn arb_type() -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        6 => prop::sample::select(Kind::ALL.to_vec()).prop_filter_map("primitive", Type::primitive),
        1 => arb_name().prop_map(|n| Type::record(&n)),
        1 => arb_name().prop_map(|n| Type::variant(&n)),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::option),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Type::result(a, b)),
            prop::collection::vec(inner, 0..4).prop_map(|v| Type::tuple(&v)),
        ]
    })
    .boxed()
}

fn arb_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        3 => any::<u32>().prop_map(f32::from_bits),
        1 => prop::sample::select(vec![
            0.0, -0.0, 1.0, 0.1, f32::MAX, f32::MIN_POSITIVE, f32::from_bits(1),
            f32::INFINITY, f32::NEG_INFINITY, f32::NAN, f32::from_bits(0xffc0_0001),
            f32::from_bits(0x7f80_0001),
        ]),
    ]
}

fn arb_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<u64>().prop_map(f64::from_bits),
        1 => prop::sample::select(vec![
            0.0, -0.0, 1.0, 0.1, 1e16, f64::MAX, f64::MIN_POSITIVE, f64::from_bits(1),
            f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::from_bits(0x7ff0_0000_0000_0001),
            f64::from_bits(0xfff8_0000_0000_0000),
        ]),
    ]
}

/// A list with a fixed-width element type whose items all have that type (so it encodes).
fn arb_fixed_list() -> impl Strategy<Value = Value> {
    macro_rules! fixed {
        ($strategy:expr, $ty:expr, $ctor:expr) => {
            prop::collection::vec($strategy, 0..5)
                .prop_map(|items| Value::list($ty, items.into_iter().map($ctor).collect()))
        };
    }
    prop_oneof![
        fixed!(any::<bool>(), Type::bool(), Value::Bool),
        fixed!(any::<u8>(), Type::u8(), Value::U8),
        fixed!(any::<u16>(), Type::u16(), Value::U16),
        fixed!(any::<u32>(), Type::u32(), Value::U32),
        fixed!(any::<u64>(), Type::u64(), Value::U64),
        fixed!(any::<i8>(), Type::s8(), Value::S8),
        fixed!(any::<i16>(), Type::s16(), Value::S16),
        fixed!(any::<i32>(), Type::s32(), Value::S32),
        fixed!(any::<i64>(), Type::s64(), Value::S64),
        fixed!(arb_f32(), Type::f32(), Value::F32),
        fixed!(arb_f64(), Type::f64(), Value::F64),
        fixed!(arb_char(), Type::char(), Value::Char),
        fixed!(any::<u64>(), Type::flags(), Value::Flags),
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<u8>().prop_map(Value::U8),
        any::<u16>().prop_map(Value::U16),
        any::<u32>().prop_map(Value::U32),
        any::<u64>().prop_map(Value::U64),
        any::<i8>().prop_map(Value::S8),
        any::<i16>().prop_map(Value::S16),
        any::<i32>().prop_map(Value::S32),
        any::<i64>().prop_map(Value::S64),
        arb_f32().prop_map(Value::F32),
        arb_f64().prop_map(Value::F64),
        arb_char().prop_map(Value::Char),
        arb_string().prop_map(|s| Value::string(&s)),
        any::<u64>().prop_map(Value::Flags),
        Just(Value::unit()),
        arb_fixed_list(),
        arb_type().prop_map(|t| Value::list(t, vec![])),
        arb_type().prop_map(|t| Value::option(t, None)),
    ];
    let non_fixed = arb_type().prop_filter("not fixed-width", |t| t.fixed_width().is_none());
    let tag = prop_oneof![0u64..8, any::<u64>()];
    leaf.prop_recursive(6, 96, 5, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::tuple),
            // A list whose element type is random (items not checked against it).
            (
                non_fixed.clone(),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(t, items)| Value::list(t, items)),
            // A list whose element type is the first item's type.
            prop::collection::vec(inner.clone(), 1..4).prop_map(|mut items| {
                let t = items[0].infer_type();
                if t.fixed_width().is_some() {
                    items.truncate(1);
                }
                Value::list(t, items)
            }),
            (arb_type(), inner.clone()).prop_map(|(t, v)| Value::option(t, Some(v))),
            inner
                .clone()
                .prop_map(|v| Value::option(v.infer_type(), Some(v))),
            (arb_type(), arb_type(), any::<bool>(), inner.clone())
                .prop_map(|(ok, err, is_err, v)| Value::result(ok, err, is_err, v)),
            (arb_type(), any::<bool>(), inner.clone()).prop_map(|(other, is_err, v)| {
                let own = v.infer_type();
                if is_err {
                    Value::result(other, own, true, v)
                } else {
                    Value::result(own, other, false, v)
                }
            }),
            (
                arb_name(),
                prop::collection::vec((arb_name(), inner.clone()), 0..4)
            )
                .prop_map(|(name, fields)| {
                    Value::record(
                        &name,
                        fields
                            .iter()
                            .map(|(n, v)| (n.as_str(), v.clone()))
                            .collect(),
                    )
                }),
            (
                arb_name(),
                arb_name(),
                tag.clone(),
                prop::collection::vec(inner, 0..3)
            )
                .prop_map(|(t, c, tag, payload)| Value::variant(&t, &c, tag, payload)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_values_round_trip(v in arb_value()) {
        let text = to_text(&v);
        prop_assert!(!text.contains('\0'));
        prop_assert!(!text.chars().any(char::is_control), "{:?}", text);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert!(back.same(&v), "{}\n{:?}\n{:?}", text, back, v);
        prop_assert_eq!(to_text(&back), text);
        // Generated values always encode; the parsed value encodes to the same bytes.
        let bytes = encode(&v).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(encode(&back).unwrap(), bytes);
    }

    #[test]
    fn arbitrary_types_round_trip(t in arb_type()) {
        let text = type_to_text(&t);
        prop_assert!(!text.contains('\0'));
        let back = parse_type(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, t);
    }
}

/// Anything that parses prints canonically and round-trips from there.
fn check_parse_total(text: &str) -> Result<(), TestCaseError> {
    match parse(text) {
        Ok(v) => {
            let printed = to_text(&v);
            let again = parse(&printed).map_err(|e| TestCaseError::fail(format!("{e}")))?;
            prop_assert!(again.same(&v), "{:?} -> {}", text, printed);
        }
        Err(e) => {
            prop_assert!(e.offset <= text.len());
            prop_assert!(e.line >= 1 && e.column >= 1);
            prop_assert!(!e.message.is_empty());
        }
    }
    if let Ok(t) = parse_type(text) {
        prop_assert_eq!(parse_type(&type_to_text(&t)).unwrap(), t);
    }
    Ok(())
}

fn arb_token_soup() -> impl Strategy<Value = String> {
    let tokens = vec![
        "list<",
        "option<",
        "result<",
        "tuple<",
        "record<",
        "variant<",
        "s32",
        "u8",
        "string",
        ">",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        ",",
        ", ",
        ":",
        "::",
        "#",
        "#0",
        "#7",
        "some",
        "some<",
        "none<",
        "ok<",
        "err<",
        "_",
        "true",
        "r",
        "x",
        "\"q\"",
        "\"\\u{41}\"",
        "'a'",
        "'\\''",
        "1",
        "-1",
        "255u8",
        "300u8",
        "1.5",
        "-0.0f32",
        "1e309",
        "0x",
        "0xff",
        "nan_f64",
        "nan_f32(",
        "0x7ff0000000000001",
        "inf_f64",
        "-inf_f32",
        "flags(",
        "//c\n",
        " ",
        "\n",
        "\"",
        "'",
        "\\",
        "é",
        "\0",
        "-",
    ];
    prop::collection::vec(prop::sample::select(tokens), 0..40).prop_map(|v| v.concat())
}

fn mutate(text: &str, edits: &[(usize, u8, u8)]) -> String {
    let mut b = text.as_bytes().to_vec();
    for &(at, op, byte) in edits {
        let i = if b.is_empty() { 0 } else { at % (b.len() + 1) };
        match op % 5 {
            0 if i < b.len() => {
                b.remove(i);
            }
            1 => b.insert(i, byte),
            2 if i < b.len() => b[i] = byte,
            3 => b.truncate(i),
            _ => {
                let j = (i + byte as usize).min(b.len());
                let dup = b[i..j].to_vec();
                b.splice(i..i, dup);
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_parse_total(&text)?;
    }

    #[test]
    fn syntax_like_text_never_panics(
        text in "[\\[\\](){}<>,:#'\"\\\\/a-z0-9_. \n\u{0}-]{0,64}"
    ) {
        check_parse_total(&text)?;
    }

    #[test]
    fn token_soup_never_panics(text in arb_token_soup()) {
        check_parse_total(&text)?;
    }

    #[test]
    fn mutated_values_never_panic(
        v in arb_value(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4),
    ) {
        check_parse_total(&mutate(&to_text(&v), &edits))?;
    }

    #[test]
    fn mutated_types_never_panic(
        t in arb_type(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4),
    ) {
        check_parse_total(&mutate(&type_to_text(&t), &edits))?;
    }
}
