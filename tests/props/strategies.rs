//! Strategies for the codec properties (tests/props.rs): characters, strings, names, floats,
//! types, values, framed node tables, limits and byte mutations.

use super::*;

pub(super) fn arb_char() -> BoxedStrategy<char> {
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

pub(super) fn arb_string() -> BoxedStrategy<String> {
    prop_oneof![
        8 => prop::collection::vec(arb_char(), 0..20).prop_map(String::from_iter),
        1 => prop::collection::vec(arb_char(), 20..200).prop_map(String::from_iter),
    ]
    .boxed()
}

/// Type, field and case names: identifiers, the empty name, and arbitrary strings.
pub(super) fn arb_name() -> BoxedStrategy<String> {
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

pub(super) fn arb_f32() -> BoxedStrategy<f32> {
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

pub(super) fn arb_f64() -> BoxedStrategy<f64> {
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
pub(super) fn arb_fixed(k: Kind) -> BoxedStrategy<Value> {
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

pub(super) fn arb_fixed_kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(FIXED.to_vec())
}

/// Any type descriptor, nested up to 4 levels.
pub(super) fn arb_type() -> BoxedStrategy<Type> {
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
pub(super) fn canonical_items(mut entries: Vec<Vec<Value>>) -> Vec<Value> {
    entries.sort_by(|a, b| packr::value::canonical_cmp(&a[0], &b[0]));
    entries.dedup_by(|a, b| packr::value::canonical_cmp(&a[0], &b[0]).is_eq());
    entries.into_iter().flatten().collect()
}

/// A list element type that is not fixed-width (so the list is a List node).
pub(super) fn arb_nonfixed_type() -> BoxedStrategy<Type> {
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
pub(super) fn arb_array() -> BoxedStrategy<Value> {
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
pub(super) fn arb_value() -> BoxedStrategy<Value> {
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
pub(super) fn arb_count() -> BoxedStrategy<u32> {
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
pub(super) fn arb_graph() -> BoxedStrategy<Vec<u8>> {
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
pub(super) fn arb_limits() -> BoxedStrategy<Limits> {
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
pub(super) enum Mutation {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    SetU32(Index, u32),
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Remove(Index, usize),
    Duplicate(Index, usize, Index),
}

pub(super) fn interesting_u32() -> BoxedStrategy<u32> {
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

pub(super) fn arb_mutation() -> BoxedStrategy<Mutation> {
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

pub(super) fn apply(m: &Mutation, b: &mut Vec<u8>) {
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
