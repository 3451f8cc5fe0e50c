//! Unit tests of the text form.

use super::*;
use crate::value::{Type, Value, tag};

/// `v` prints as exactly `text`, and `text` parses back to a value that is `same()` as `v`.
#[track_caller]
fn rt(v: Value, text: &str) {
    assert_eq!(to_text(&v), text);
    let back = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert!(back.same(&v), "{text}: parsed {back:?}, want {v:?}");
}

/// `text` parses to a value that prints as `canonical`.
#[track_caller]
fn reads_as(text: &str, canonical: &str) {
    let v = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    assert_eq!(to_text(&v), canonical, "{text}");
}

/// `text` fails at (line, column) with a message containing `msg`.
#[track_caller]
fn fails(text: &str, line: u32, column: u32, msg: &str) -> TextError {
    let e = match parse(text) {
        Ok(v) => panic!("{text:?} parsed as {}", to_text(&v)),
        Err(e) => e,
    };
    assert!(
        e.message.contains(msg),
        "{text:?}: message {:?} lacks {msg:?}",
        e.message
    );
    assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
    e
}

#[test]
fn scalars() {
    rt(Value::Bool(true), "true");
    rt(Value::Bool(false), "false");
    rt(Value::U8(255), "255u8");
    rt(Value::U16(4660), "4660u16");
    rt(Value::U32(u32::MAX), "4294967295u32");
    rt(Value::U64(u64::MAX), "18446744073709551615u64");
    rt(Value::S8(-128), "-128s8");
    rt(Value::S16(-32768), "-32768s16");
    rt(Value::S32(-1), "-1s32");
    rt(Value::S64(42), "42");
    rt(Value::S64(i64::MIN), "-9223372036854775808");
    rt(Value::S64(i64::MAX), "9223372036854775807");
    rt(Value::Flags(0x2b), "flags(0x2b)");
    rt(Value::Flags(0), "flags(0x0)");
    rt(Value::Flags(u64::MAX), "flags(0xffffffffffffffff)");
}

#[test]
fn integer_input_forms() {
    reads_as("0xffu8", "255u8");
    reads_as("-0x80s8", "-128s8");
    reads_as("0X7fffffffffffffff", "9223372036854775807");
    reads_as("-0x8000000000000000", "-9223372036854775808");
    reads_as("-0u8", "0u8");
    reads_as("007s16", "7s16");
    reads_as("42s64", "42");
    reads_as("flags(43)", "flags(0x2b)");
    reads_as("flags( 0x2B )", "flags(0x2b)");
}

#[test]
fn floats() {
    rt(Value::F32(1.5), "1.5f32");
    rt(Value::F32(-0.0), "-0.0f32");
    rt(Value::F64(-0.0), "-0.0f64");
    rt(Value::F64(1.0), "1.0f64");
    rt(Value::F64(std::f64::consts::PI), "3.141592653589793f64");
    rt(Value::F64(f64::from_bits(1)), "5e-324f64");
    rt(Value::F32(f32::from_bits(1)), "1e-45f32");
    rt(Value::F64(1e16), "1e16f64");
    rt(Value::F64(f64::MAX), "1.7976931348623157e308f64");
    rt(Value::F32(f32::MAX), "3.4028235e38f32");
    rt(Value::F32(0.1), "0.1f32");
    rt(Value::F64(f64::INFINITY), "inf_f64");
    rt(Value::F64(f64::NEG_INFINITY), "-inf_f64");
    rt(Value::F32(f32::INFINITY), "inf_f32");
    rt(Value::F32(f32::NEG_INFINITY), "-inf_f32");
    rt(Value::F64(f64::from_bits(0x7ff8_0000_0000_0000)), "nan_f64");
    rt(Value::F32(f32::from_bits(0x7fc0_0000)), "nan_f32");
    rt(
        Value::F64(f64::from_bits(0x7ff0_0000_0000_0001)),
        "nan_f64(0x7ff0000000000001)",
    );
    rt(
        Value::F64(f64::from_bits(0xfff8_0000_0000_0000)),
        "nan_f64(0xfff8000000000000)",
    );
    rt(
        Value::F32(f32::from_bits(0xffc0_0001)),
        "nan_f32(0xffc00001)",
    );
    rt(
        Value::F32(f32::from_bits(0x7f80_0001)),
        "nan_f32(0x7f800001)",
    );
    // Input forms.
    reads_as("1.5", "1.5f64");
    reads_as("2e3", "2000.0f64");
    reads_as("-1E-2f32", "-0.01f32");
    reads_as("1.0e+2f64", "100.0f64");
    reads_as("nan_f64(0x7ff8000000000000)", "nan_f64");
    reads_as("nan_f32 ( 0xffc00001 )", "nan_f32(0xffc00001)");
    // f32 is parsed directly, not through f64 (double rounding would give 0x3f800000 here).
    let v = parse("1.00000005960464477539062500001f32").unwrap();
    assert!(v.same(&Value::F32(f32::from_bits(0x3f80_0001))), "{v:?}");
}

#[test]
fn chars_and_strings() {
    rt(Value::Char('a'), "'a'");
    rt(Value::Char('\0'), "'\\0'");
    rt(Value::Char('\''), "'\\''");
    rt(Value::Char('"'), "'\"'");
    rt(Value::Char('\\'), "'\\\\'");
    rt(Value::Char('\n'), "'\\n'");
    rt(Value::Char('\r'), "'\\r'");
    rt(Value::Char('\t'), "'\\t'");
    rt(Value::Char('\u{1b}'), "'\\u{1b}'");
    rt(Value::Char('\u{7f}'), "'\\u{7f}'");
    rt(Value::Char('\u{9f}'), "'\\u{9f}'");
    rt(Value::Char('\u{a0}'), "'\u{a0}'");
    rt(Value::Char('é'), "'é'");
    rt(Value::Char('\u{10ffff}'), "'\u{10ffff}'");
    rt(Value::string(""), "\"\"");
    rt(Value::string("a\0b"), "\"a\\0b\"");
    rt(Value::string("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
    rt(Value::string("it's"), "\"it's\"");
    rt(Value::string("tab\there\\"), "\"tab\\there\\\\\"");
    rt(Value::string("héllo 世界 🌍"), "\"héllo 世界 🌍\"");
    rt(Value::string("\u{85}\u{1}x"), "\"\\u{85}\\u{1}x\"");
    reads_as("'\\u{41}'", "'A'");
    reads_as("\"\\u{1F30D}\\u{0}\"", "\"🌍\\0\"");
    // Raw control characters are accepted inside quotes; the printer escapes them.
    reads_as("\"a\nb\u{0}\"", "\"a\\nb\\0\"");
    assert!(!to_text(&Value::string("\0\u{1}\u{7f}\u{9f}")).contains(|c: char| c.is_control()));
}

#[test]
fn tuples_and_lists() {
    rt(Value::unit(), "()");
    rt(Value::tuple(vec![Value::S64(1)]), "(1,)");
    rt(
        Value::tuple(vec![Value::S32(7), Value::string("x")]),
        "(7s32, \"x\")",
    );
    rt(
        Value::tuple(vec![Value::tuple(vec![Value::Bool(true)]), Value::unit()]),
        "((true,), ())",
    );
    rt(
        Value::list(Type::s32(), vec![Value::S32(1), Value::S32(2)]),
        "[1s32, 2s32]",
    );
    rt(Value::list(Type::s32(), vec![]), "list<s32>[]");
    // Element type disagreeing with the first item: the prefix is printed.
    rt(
        Value::list(Type::s32(), vec![Value::string("x")]),
        "list<s32>[\"x\"]",
    );
    // Agreeing with the first item only: no prefix, later items are kept as they are.
    rt(
        Value::list(Type::s32(), vec![Value::S32(1), Value::string("x")]),
        "[1s32, \"x\"]",
    );
    let kv = Type::tuple(&[Type::string(), Type::u8()]);
    rt(Value::list(kv.clone(), vec![]), "list<tuple<string, u8>>[]");
    rt(
        Value::list(
            kv,
            vec![Value::tuple(vec![Value::string("k"), Value::U8(1)])],
        ),
        "[(\"k\", 1u8)]",
    );
    rt(Value::list(Type::tuple(&[]), vec![Value::unit()]), "[()]");
    rt(Value::list(Type::tuple(&[]), vec![]), "list<tuple<>>[]");
    rt(
        Value::list(
            Type::list(Type::s32()),
            vec![
                Value::list(Type::s32(), vec![Value::S32(1)]),
                Value::list(Type::s32(), vec![]),
            ],
        ),
        "[[1s32], list<s32>[]]",
    );
    reads_as("( 1 , )", "(1,)");
    reads_as("(1, 2,)", "(1, 2)");
    reads_as("[1, 2, ]", "[1, 2]");
    reads_as("list<s64>[1]", "[1]");
    reads_as("list < tuple < > > [ ]", "list<tuple<>>[]");
    reads_as("list<tuple<s64,>>[]", "list<tuple<s64>>[]");
}

#[test]
fn options_and_results() {
    rt(
        Value::option(Type::s32(), Some(Value::S32(7))),
        "some(7s32)",
    );
    rt(Value::option(Type::s32(), None), "none<s32>");
    rt(
        Value::option(Type::list(Type::string()), None),
        "none<list<string>>",
    );
    rt(
        Value::option(Type::s32(), Some(Value::S64(7))),
        "some<s32>(7)",
    );
    rt(
        Value::option(
            Type::option(Type::u8()),
            Some(Value::option(Type::u8(), Some(Value::U8(1)))),
        ),
        "some(some(1u8))",
    );
    rt(
        Value::result(Type::s32(), Type::string(), false, Value::S32(1)),
        "ok<_, string>(1s32)",
    );
    rt(
        Value::result(Type::s32(), Type::string(), true, Value::string("bad")),
        "err<s32, _>(\"bad\")",
    );
    rt(
        Value::result(Type::s32(), Type::string(), false, Value::string("x")),
        "ok<s32, string>(\"x\")",
    );
    rt(
        Value::result(Type::s32(), Type::string(), true, Value::S32(1)),
        "err<s32, string>(1s32)",
    );
    rt(
        Value::result(Type::string(), Type::string(), false, Value::string("x")),
        "ok<_, string>(\"x\")",
    );
    reads_as("some<s32>(7s32)", "some(7s32)");
    reads_as("ok<s64, string>(3)", "ok<_, string>(3)");
    reads_as("err<s32, string,>(\"e\")", "err<s32, _>(\"e\")");
    reads_as("ok < _ , u8 > ( 1 )", "ok<_, u8>(1)");
}

#[test]
fn records_and_variants() {
    rt(
        Value::record("point", vec![("x", Value::S32(1)), ("y", Value::S32(2))]),
        "point{x: 1s32, y: 2s32}",
    );
    rt(Value::record("empty", vec![]), "empty{}");
    rt(
        Value::record("", vec![("", Value::S64(1))]),
        "\"\"{\"\": 1}",
    );
    rt(
        Value::record("a b", vec![("x y", Value::S64(1))]),
        "\"a b\"{\"x y\": 1}",
    );
    rt(
        Value::record(
            "true",
            vec![("list", Value::S64(1)), ("s64", Value::unit())],
        ),
        "\"true\"{\"list\": 1, \"s64\": ()}",
    );
    rt(
        Value::record("r", vec![("x", Value::S64(1)), ("x", Value::S64(2))]),
        "r{x: 1, x: 2}",
    );
    rt(
        Value::record("k-v_2", vec![("_a", Value::Bool(true))]),
        "k-v_2{_a: true}",
    );
    rt(Value::variant("color", "red", 0, vec![]), "color::red#0");
    rt(
        Value::variant("shape", "circle", 1, vec![Value::F64(2.5)]),
        "shape::circle#1(2.5f64)",
    );
    rt(
        Value::variant("msg", "pair", 3, vec![Value::S32(1), Value::string("z")]),
        "msg::pair#3(1s32, \"z\")",
    );
    // Tags are independent of anything else and round-trip, including above u32::MAX.
    rt(
        Value::variant("t", "c", 4_294_967_301, vec![]),
        "t::c#4294967301",
    );
    rt(
        Value::variant("t", "c", u64::MAX, vec![]),
        "t::c#18446744073709551615",
    );
    rt(
        Value::variant("demo:host/log", "c", 0, vec![]),
        "\"demo:host/log\"::c#0",
    );
    rt(
        Value::variant("some", "none", 7, vec![Value::unit()]),
        "\"some\"::\"none\"#7(())",
    );
    rt(
        Value::variant("inf_f64", "nan", 1, vec![]),
        "\"inf_f64\"::\"nan\"#1",
    );
    rt(Value::variant("", "", 0, vec![]), "\"\"::\"\"#0");
    reads_as("msg::pair#3()", "msg::pair#3");
    reads_as("msg :: pair # 3 ( 1 , )", "msg::pair#3(1)");
    reads_as("\"color\"::\"red\"#0", "color::red#0");
    // Reserved words are accepted bare wherever only a name can stand.
    reads_as("true{list: 1}", "\"true\"{\"list\": 1}");
    reads_as("some::none#0", "\"some\"::\"none\"#0");
    reads_as("r{x: 1,}", "r{x: 1}");
    reads_as("list<record<flags>>[]", "list<record<\"flags\">>[]");
    reads_as("none<variant<\"a b\">>", "none<variant<\"a b\">>");
}

#[test]
fn types() {
    for (t, s) in [
        (Type::s64(), "s64"),
        (Type::flags(), "flags"),
        (Type::list(Type::string()), "list<string>"),
        (Type::option(Type::char()), "option<char>"),
        (
            Type::result(Type::u8(), Type::record("e")),
            "result<u8, record<e>>",
        ),
        (Type::tuple(&[]), "tuple<>"),
        (
            Type::tuple(&[Type::bool(), Type::f32()]),
            "tuple<bool, f32>",
        ),
        (Type::variant("demo:x"), "variant<\"demo:x\">"),
        (Type::record(""), "record<\"\">"),
        (Type::record("u8"), "record<\"u8\">"),
    ] {
        assert_eq!(type_to_text(&t), s);
        assert_eq!(parse_type(s).unwrap(), t, "{s}");
    }
    assert_eq!(
        parse_type(" result < s8 , tuple< u16 , > , > // c").unwrap(),
        Type::result(Type::s8(), Type::tuple(&[Type::u16()]))
    );
    let e = parse_type("list<int>").unwrap_err();
    assert_eq!((e.line, e.column), (1, 6));
    assert!(e.message.starts_with("expected a type"), "{e}");
    assert!(e.message.ends_with("found 'int'"), "{e}");
    let e = parse_type("s64 s64").unwrap_err();
    assert_eq!(
        e.message,
        "expected end of input after the type, found 's64'"
    );
    let e = parse_type("_").unwrap_err();
    assert!(e.message.contains("'_'"), "{e}");
}

#[test]
fn whitespace_and_comments() {
    reads_as(
        "// a point\npoint {\n  x : 1s32 , // first\n  y: 2s32,\r\n}\n// end",
        "point{x: 1s32, y: 2s32}",
    );
    reads_as("\t[ 1 ,2 ]  ", "[1, 2]");
}

#[test]
fn errors_say_what_and_where() {
    fails(
        "\"abc",
        1,
        1,
        "unterminated string: expected a closing '\"', found end of input",
    );
    fails("[\"a\\qb\"]", 1, 4, "unknown escape");
    fails("'\\u{D800}'", 1, 2, "char U+D800 is a surrogate");
    fails("\"\\u{110000}\"", 1, 2, "char U+110000 is above U+10FFFF");
    fails("'\\u{1234567}'", 1, 5, "expected 1 to 6 hex digits");
    fails(
        "'\\u{}'",
        1,
        5,
        "expected 1 to 6 hex digits in \\u{...}, found '}'",
    );
    fails("''", 1, 1, "empty char literal");
    fails(
        "'ab'",
        1,
        3,
        "expected ''' to close the char literal, found 'b'",
    );
    fails("300u8", 1, 1, "integer 300 does not fit u8");
    fails("-1u64", 1, 1, "integer -1 does not fit u64");
    fails("128s8", 1, 1, "integer 128 does not fit s8");
    fails(
        "9223372036854775808",
        1,
        1,
        "integer 9223372036854775808 does not fit s64",
    );
    fails("(1, 99999999999999999999999u64)", 1, 5, "does not fit u64");
    fails("0x100u8", 1, 1, "integer 0x100 does not fit u8");
    fails(
        "1f64",
        1,
        1,
        "expected a '.' or an exponent in float 1f64: write 1.0f64",
    );
    fails("12abc", 1, 3, "expected integer suffix");
    fails(
        "1.5u8",
        1,
        4,
        "expected float suffix f32 or f64, found 'u8'",
    );
    fails("1e999", 1, 1, "out of range for f64");
    fails("1.", 1, 3, "expected a digit after '.'");
    fails("-x", 1, 1, "after '-', found 'x'");
    fails("-nan_f64", 1, 1, "write nan_f64(0x...)");
    fails(
        "nan_f64(0x7ff0000000000000)",
        1,
        9,
        "not the bit pattern of an f64 NaN",
    );
    fails(
        "nan_f32(0x7fc000000)",
        1,
        9,
        "not the bit pattern of an f32 NaN",
    );
    fails("nan_f32(12)", 1, 9, "expected hex bits like 0xffc00001");
    fails("[]", 1, 1, "empty list needs a type: write list<T>[]");
    fails(
        "[1 x]",
        1,
        4,
        "expected ',' or ']' after list item, found 'x'",
    );
    fails("(1)", 1, 3, "1-tuple");
    fails(
        "(1 2)",
        1,
        4,
        "expected ',' or ')' after tuple item, found '2'",
    );
    fails(
        "color::red",
        1,
        11,
        "expected '#' and a tag after the case name",
    );
    fails("color::red(1)", 1, 11, "expected '#'");
    fails(
        "color::red#x",
        1,
        12,
        "expected a decimal tag after '#', found 'x'",
    );
    fails(
        "t::c#18446744073709551616",
        1,
        6,
        "variant tag 18446744073709551616 does not fit u64",
    );
    fails(
        "1 x",
        1,
        3,
        "expected end of input after the value, found 'x'",
    );
    fails(
        "[1] ]",
        1,
        5,
        "expected end of input after the value, found ']'",
    );
    fails("", 1, 1, "expected a value, found end of input");
    fails(
        "// only a comment",
        1,
        18,
        "expected a value, found end of input",
    );
    fails(
        "none",
        1,
        5,
        "expected '<' after none (write none<T>), found end of input",
    );
    fails("ok(1)", 1, 3, "expected '<' after ok");
    fails("ok<s32, _>(1s32)", 1, 9, "only T may be '_'");
    fails("err<_, string>(\"e\")", 1, 5, "only E may be '_'");
    fails(
        "some(1, )",
        1,
        7,
        "expected ')' to close some(...), found ','",
    );
    fails(
        "flags(-1)",
        1,
        7,
        "expected a decimal or 0x hex number in flags(...)",
    );
    fails("flags(0x1u8)", 1, 7, "expected a decimal or 0x hex number");
    fails("flags(0x10000000000000000)", 1, 7, "does not fit u64");
    fails(
        "point{x 1}",
        1,
        9,
        "expected ':' after field name, found '1'",
    );
    fails(
        "point{x: 1 y: 2}",
        1,
        12,
        "expected ',' or '}' after record field, found 'y'",
    );
    fails("point{1: 2}", 1, 7, "expected a field name or '}'");
    fails(
        "list<s32>",
        1,
        10,
        "expected '[' after list<T>, found end of input",
    );
    fails(
        "list<s32[]",
        1,
        9,
        "expected '>' after the list element type, found '['",
    );
    fails("foo", 1, 1, "expected a value, found 'foo'");
    fails("@", 1, 1, "expected a value, found '@'");
    fails("\u{0}", 1, 1, "expected a value, found '\\0'");
    fails("/ 1", 1, 1, "expected a value, found '/'");
    // Line and column count lines and Unicode scalar values.
    fails("[\n  1,\n  \"é\", 2u8x\n]", 3, 9, "expected integer suffix");
    fails("(\"世界\", 300u8)", 1, 8, "integer 300 does not fit u8");
    let e = fails("[1,\r\n 2 x]", 2, 4, "expected ',' or ']'");
    assert_eq!(e.offset, 8);
    assert_eq!(
        e.to_string(),
        "line 2, column 4: expected ',' or ']' after list item, found 'x'"
    );
}

fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

const DEEP: usize = 1_000_000;

#[test]
fn deep_tuple_prints_and_parses_on_a_small_stack() {
    on_small_stack(|| {
        let mut v = Value::S64(0);
        for _ in 0..DEEP {
            v = Value::tuple(vec![v]);
        }
        let t = to_text(&v);
        assert_eq!(t, format!("{}0{}", "(".repeat(DEEP), ",)".repeat(DEEP)));
        let back = parse(&t).unwrap();
        assert!(back.same(&v));
    });
}

#[test]
fn deep_list_prints_and_parses_on_a_small_stack() {
    on_small_stack(|| {
        // Each level's element type is fixed (a list's inferred type grows with depth, so
        // a million levels of inferred types would not fit in memory).
        let elem = Type::list(Type::s64());
        let mut v = Value::list(Type::s64(), vec![Value::S64(1)]);
        for _ in 0..DEEP {
            v = Value::list(elem.clone(), vec![v]);
        }
        let t = to_text(&v);
        // The innermost list's parent agrees with its item (`[[1]]`); no other level does.
        let want = format!(
            "{}[[1]{}",
            "list<list<s64>>[".repeat(DEEP - 1),
            "]".repeat(DEEP)
        );
        assert!(t == want, "{}", &t[t.len() - 40..]);
        let back = parse(&t).unwrap();
        assert!(back.same(&v));
        assert_eq!(to_text(&back), t);
    });
}

#[test]
fn deep_type_prints_and_parses_on_a_small_stack() {
    on_small_stack(|| {
        let mut b = vec![tag::LIST; DEEP];
        b.push(tag::TUPLE);
        b.extend_from_slice(&2u32.to_le_bytes());
        b.push(tag::STRING);
        b.push(tag::OPTION);
        b.push(tag::U8);
        let t = Type::from_wire(&b).unwrap();
        let s = type_to_text(&t);
        assert_eq!(s.len(), 6 * DEEP + "tuple<string, option<u8>>".len());
        assert!(s.contains("<list<tuple<string, option<u8>>>>"));
        assert_eq!(parse_type(&s).unwrap(), t);
        // The same type inside values.
        for v in [
            Value::list(t.clone(), vec![]),
            Value::option(t.clone(), None),
            Value::result(t.clone(), t.clone(), true, Value::S64(1)),
        ] {
            let text = to_text(&v);
            assert!(parse(&text).unwrap().same(&v));
        }
    });
}

#[test]
fn deep_mixed_nesting_on_a_small_stack() {
    on_small_stack(|| {
        let mut v = Value::S64(1);
        for i in 0..100_000u64 {
            v = Value::option(Type::s32(), Some(v));
            v = Value::variant("t", "c", i, vec![v, Value::unit()]);
            v = Value::result(Type::s32(), Type::string(), i % 2 == 0, v);
            v = Value::record("r", vec![("f", v)]);
            v = Value::list(Type::record("q"), vec![v]);
            v = Value::tuple(vec![Value::Bool(true), v]);
        }
        let t = to_text(&v);
        let back = parse(&t).unwrap();
        assert!(back.same(&v));
    });
}

#[test]
fn deep_unclosed_input_is_an_error_on_a_small_stack() {
    on_small_stack(|| {
        for (open, msg) in [
            ("[", "expected a value, found end of input"),
            ("(", "expected a value, found end of input"),
            ("some(", "expected a value, found end of input"),
            ("ok<_, s64>(", "expected a value, found end of input"),
            ("r{f: ", "expected a value, found end of input"),
            ("t::c#0(", "expected a value, found end of input"),
            ("list<", "expected a type, found end of input"),
            ("list<tuple<", "expected a type, found end of input"),
        ] {
            let text = open.repeat(DEEP);
            let e = parse(&text).unwrap_err();
            assert_eq!(e.offset, text.len(), "{open}");
            assert_eq!((e.line, e.column as usize), (1, text.len() + 1), "{open}");
            assert_eq!(e.message, msg, "{open}");
        }
        // Closed one short.
        let text = format!("{}1{}", "(".repeat(DEEP), ",)".repeat(DEEP - 1));
        let e = parse(&text).unwrap_err();
        assert_eq!(
            e.message,
            "expected ',' or ')' after tuple item, found end of input"
        );
        let text = format!("{}s64{}", "list<".repeat(DEEP), ">".repeat(DEEP - 1));
        let e = parse_type(&text).unwrap_err();
        assert_eq!(
            e.message,
            "expected '>' after the list element type, found end of input"
        );
    });
}
