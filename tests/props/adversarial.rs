//! Adversarial inputs for the codec properties (tests/props.rs): huge counts, deep nesting, DAG
//! blow-up, decode time against depth, and a record whose names and values differ in length.

use super::*;

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
