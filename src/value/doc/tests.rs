use super::*;
use crate::value::decode::decode_three_phase;
use crate::value::encode;

fn doc_of(b: &[u8]) -> Option<Doc> {
    Doc::new(b, &Limits::default())
}

fn samples() -> Vec<Value> {
    let mut tree = Value::S64(0);
    for i in 0..6 {
        tree = Value::variant("t", "n", i, vec![tree.clone(), Value::string("leaf")]);
    }
    let long = "a name longer than twenty-four bytes, so stored on the heap";
    vec![
        Value::tuple(vec![Value::Bool(true), Value::Char('é'), Value::string("")]),
        Value::tuple(vec![Value::unit(), Value::F32(-0.0), Value::F64(f64::NAN)]),
        Value::list(
            Type::string(),
            vec![Value::string("a"), Value::string(long)],
        ),
        Value::tuple(vec![
            Value::list(Type::u8(), (0..300).map(|i| Value::U8(i as u8)).collect()),
            Value::list(Type::bool(), vec![Value::Bool(true), Value::Bool(false)]),
            Value::list(Type::char(), vec![Value::Char('x')]),
        ]),
        Value::tuple(vec![Value::option(Type::s32(), None)]),
        Value::option(Type::s32(), Some(Value::S32(-4))),
        Value::result(Type::s32(), Type::string(), true, Value::string("e")),
        Value::result(Type::s32(), Type::string(), false, Value::S32(9)),
        Value::record(
            long,
            vec![
                ("a", Value::U16(1)),
                ("b", Value::F64(0.5)),
                (long, Value::Flags(5)),
                (
                    "d",
                    Value::tuple(vec![Value::U8(1), Value::S8(-1), Value::S16(-2)]),
                ),
                (
                    "e",
                    Value::tuple(vec![Value::U32(3), Value::U64(4), Value::S64(-5)]),
                ),
            ],
        ),
        Value::tuple(vec![Value::variant("v", "none", 3, vec![])]),
        Value::list(
            Type::list(Type::u8()),
            vec![Value::list(Type::u8(), vec![Value::U8(7)])],
        ),
        // Types shared between neighbours, and not: each node must still report its own.
        Value::tuple(vec![
            Value::option(Type::u8(), Some(Value::U8(1))),
            Value::option(Type::u8(), Some(Value::U8(2))),
            Value::option(Type::string(), Some(Value::string("x"))),
            Value::result(Type::u8(), Type::string(), false, Value::U8(3)),
            Value::result(Type::u8(), Type::string(), true, Value::string("e")),
            Value::result(Type::u8(), Type::u8(), true, Value::U8(4)),
            Value::list(Type::u8(), vec![]),
            Value::list(Type::string(), vec![]),
        ]),
        tree,
    ]
}

/// Every accessor of `n` agrees with `v`, all the way down.
fn agrees(n: &Node, v: &Value) {
    assert_eq!(n.kind(), v.kind(), "{v:?}");
    assert_eq!(n.len(), v.children().len(), "{v:?}");
    assert!(n.to_value().is_some_and(|x| x.same(v)), "{v:?}");
    match v {
        Value::Record(r) => {
            assert_eq!(n.type_name(), Some(r.type_name.as_str()));
            let names: Vec<&str> = n.field_names().into_iter().flatten().collect();
            assert_eq!(
                names,
                r.names.iter().map(|s| s.as_str()).collect::<Vec<_>>()
            );
        }
        Value::Variant(x) => {
            assert_eq!(n.type_name(), Some(x.type_name.as_str()));
            assert_eq!(n.case_name(), Some(x.case_name.as_str()));
            assert_eq!(n.variant_tag(), Some(x.tag));
        }
        Value::List(l) => assert!(n.elem_type() == Some(&l.elem_type)),
        Value::Option(o) => assert!(n.elem_type() == Some(&o.inner_type)),
        Value::Result(r) => {
            assert_eq!(n.is_err(), Some(r.is_err));
            assert!(n.ok_type() == Some(&r.ok_type) && n.err_type() == Some(&r.err_type));
        }
        Value::String(s) => assert_eq!(n.string(), Some(s.as_str())),
        _ => {}
    }
    if !matches!(v, Value::Record(_) | Value::Variant(_)) {
        assert!(n.type_name().is_none() && n.case_name().is_none());
    }
    for (j, c) in v.children().iter().enumerate() {
        match n.child(j) {
            Some(Child::Node(m)) => agrees(m, c),
            Some(Child::Value(x)) => assert!(x.same(c)),
            None => panic!("child {j} missing in {v:?}"),
        }
    }
    assert!(n.child(v.children().len()).is_none());
}

#[test]
fn documents_agree_with_decoded_values_node_by_node() {
    for v in samples() {
        let b = encode(&v).unwrap();
        let d = doc_of(&b).unwrap_or_else(|| panic!("declined {v:?}"));
        agrees(d.root(), &v);
    }
}

#[test]
fn documents_decline_what_they_do_not_hold() {
    // A lone scalar or string, a map, a set: the caller decodes a tree.
    for v in [
        Value::S64(1),
        Value::string("x"),
        Value::list(Type::u8(), vec![Value::U8(1)]),
        Value::map(
            Type::string(),
            Type::u8(),
            vec![Value::string("k"), Value::U8(1)],
        ),
        Value::tuple(vec![Value::set(Type::s8(), vec![Value::S8(1)])]),
    ] {
        assert!(doc_of(&encode(&v).unwrap()).is_none(), "{v:?}");
    }
    // A shared child: valid CGRF, but not a post-order tree.
    let mut b = b"CGRF\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00".to_vec();
    b.extend_from_slice(&[tag::S64, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
    b.extend_from_slice(&[tag::TUPLE, 0, 0, 0, 12, 0, 0, 0, 2, 0, 0, 0]);
    b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
    assert!(doc_of(&b).is_none());
    // Limits: depth and node count.
    let deep = Value::tuple(vec![Value::tuple(vec![Value::unit()])]);
    let b = encode(&deep).unwrap();
    assert!(Doc::new(&b, &Limits::with_defaults(0, 0, 2)).is_none());
    assert!(Doc::new(&b, &Limits::with_defaults(0, 0, 3)).is_some());
}

#[test]
fn documents_accept_only_what_the_full_decoder_accepts() {
    // Every single-byte change of a valid buffer: a document is built only if the full decoder
    // accepts the bytes, and then holds the same value.
    for v in samples() {
        let good = encode(&v).unwrap();
        for i in 0..good.len() {
            for x in [0u8, 1, 2, 3, 0x7f, 0x80, 0xff] {
                let mut m = good.clone();
                m[i] = x;
                if let Some(d) = doc_of(&m) {
                    let s = decode_three_phase(&m, &Limits::default())
                        .unwrap_or_else(|e| panic!("document built, full decoder says {e}"));
                    agrees(d.root(), &s);
                }
            }
        }
    }
}

#[test]
fn a_deep_document_rebuilds_without_recursion() {
    let mut v = Value::list(Type::string(), vec![]);
    for _ in 1..200_000 {
        v = Value::list(Type::list(Type::string()), vec![v]);
    }
    let d = doc_of(&encode(&v).unwrap()).unwrap();
    let root = d.root();
    assert!(root.to_value().unwrap().same(&v));
    let mut n = root;
    for _ in 0..199_999 {
        n = match n.child(0) {
            Some(Child::Node(m)) => m,
            _ => panic!("a list of one list"),
        };
    }
    assert!(n.is_empty() && n.kind() == Kind::List);
}

#[test]
fn a_node_takes_24_bytes() {
    // The memory figures in README ("Performance") count 24 bytes per node.
    assert_eq!(size_of::<Node>(), 24);
    assert_eq!(size_of::<Type>(), 24);
}

#[test]
fn a_document_can_move_after_it_is_built() {
    // Nodes point into the document's heap block, not at the Doc: moving it (into a Vec, out
    // of a function, through a Box) leaves every node readable.
    let values = samples();
    let mut docs: Vec<Doc> = Vec::new();
    for v in &values {
        docs.push(doc_of(&encode(v).unwrap()).unwrap());
    }
    let moved: Vec<Box<Doc>> = docs.into_iter().rev().map(Box::new).collect();
    for (d, v) in moved.iter().rev().zip(&values) {
        agrees(d.root(), v);
    }
    let last = moved.into_iter().next().map(|b| *b).unwrap();
    agrees(last.root(), values.last().unwrap());
}
