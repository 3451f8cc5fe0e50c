//! Typed wiring (issue 8, item 5) and metadata of both generations as text (item 7).

mod common;

use common::{guest, hex, unhex, vectors, vectors_v3, wat};
use packr::runtime::metadata::{
    self, FuncSig, HASH_SELF_REF, Hash, Metadata, TypeDesc, hash_function, hash_interface,
    hash_primitive, hash_type,
};
use packr::runtime::{Builder, Composition, ErrorKind};
use packr::value::{encode, parse, to_text};
use std::sync::Arc;

/// A packr-guest C package built by tests/guests/build_c.sh.
fn c_guest(name: &str) -> Vec<u8> {
    let p = format!(
        "{}/target/guests/wasm-c/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e} (run tests/guests/build_c.sh first)"))
}

/// Every import any test guest has, served by a host function that answers s64 0.
const HOST_IMPORTS: &[(&str, &str)] = &[
    ("math", "double"),
    ("calc", "scale"),
    ("ops", "square"),
    ("host", "greet"),
    ("host", "log"),
    ("host", "lookup"),
    ("host", "try_lookup"),
    ("host", "slow_double"),
    ("nowhere", "nothing"),
];

fn with_hosts(b: &mut Builder) {
    for (m, n) in HOST_IMPORTS {
        b.add_host_function(
            m,
            n,
            Arc::new(|_: &[u8]| -> Result<Vec<u8>, String> {
                Ok(encode(&parse("0s64").unwrap()).unwrap())
            }),
        );
    }
}

/// The metadata of one package, read through a composition of that package alone.
fn metadata_of(wasm: &[u8]) -> Metadata {
    let mut b = Builder::new();
    b.add_package("p", wasm).unwrap();
    with_hosts(&mut b);
    let c = b.build().unwrap();
    let bytes = c.types(0).unwrap().expect("the package has metadata");
    Metadata::parse(&bytes).unwrap()
}

fn all_guests() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for n in [
        "adder",
        "doubler",
        "echo",
        "greeter",
        "hostile",
        "hostile_import",
        "sexpr",
        "cur_adder",
        "cur_async",
        "cur_doubler",
        "cur_echo",
        "cur_greeter",
        "cur_meta",
    ] {
        out.push((n.to_string(), guest(n)));
    }
    for n in ["adder", "doubler", "echo", "sexpr"] {
        out.push((format!("c_{n}"), c_guest(n)));
    }
    out
}

fn h32(s: &str) -> Hash {
    unhex(s).try_into().unwrap()
}

fn prim(name: &str) -> TypeDesc {
    let names = [
        "bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char",
        "string", "flags",
    ];
    TypeDesc::Prim(names.iter().position(|n| *n == name).unwrap() as u8)
}

fn sig(interface: &str, name: &str, params: &[TypeDesc], results: &[TypeDesc]) -> FuncSig {
    FuncSig {
        interface: interface.into(),
        name: name.into(),
        params: params
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("p{i}"), t.clone()))
            .collect(),
        results: results.to_vec(),
    }
}

fn b(t: TypeDesc) -> Box<TypeDesc> {
    Box::new(t)
}

/// The value each golden `hash/*` vector was computed from (its DETAIL column, as code).
fn golden_hash(name: &str) -> Hash {
    let s64 = || prim("s64");
    let s32 = || prim("s32");
    let string = || prim("string");
    match name {
        "hash/HASH_S32" => hash_type(&s32()),
        "hash/HASH_S64" => hash_primitive(8),
        "hash/HASH_STRING" => hash_type(&string()),
        "hash/HASH_SELF_REF" => hash_type(&TypeDesc::Value),
        "hash/option_string" => hash_type(&TypeDesc::Option(b(string()))),
        "hash/result_s32_string" => hash_type(&TypeDesc::Result(b(s32()), b(string()))),
        "hash/tuple_s32_string" => hash_type(&TypeDesc::Tuple(vec![s32(), string()])),
        "hash/record_x_s32_y_s32" => hash_type(&TypeDesc::Record {
            name: "point".into(),
            // Declared out of order: the hash sorts fields by name.
            fields: vec![("y".into(), s32()), ("x".into(), s32())],
        }),
        "hash/func_s64_to_s64" => hash_function(&[&s64()], &[&s64()]),
        "hash/func_string_to_unit" => hash_function(&[&string()], &[]),
        "hash/iface_empty_name_double_echo_shout" => hash_interface(
            "",
            &[
                &sig("", "shout", &[string()], &[string()]),
                &sig("", "double", &[s64()], &[s64()]),
                &sig("", "echo", &[TypeDesc::Value], &[TypeDesc::Value]),
            ],
        ),
        "hash/list_s64" => hash_type(&TypeDesc::List(b(s64()))),
        "hash/map_string_s64" => hash_type(&TypeDesc::Map(b(string()), b(s64()))),
        "hash/map_s64_string" => hash_type(&TypeDesc::Map(b(s64()), b(string()))),
        "hash/set_s64" => hash_type(&TypeDesc::Set(b(s64()))),
        "hash/set_string" => hash_type(&TypeDesc::Set(b(string()))),
        "hash/list_tuple_string_s64" => {
            hash_type(&TypeDesc::List(b(TypeDesc::Tuple(vec![string(), s64()]))))
        }
        "hash/func_map_string_s64_to_s64" => {
            hash_function(&[&TypeDesc::Map(b(string()), b(s64()))], &[&s64()])
        }
        "hash/func_set_string_to_set_string" => {
            let t = TypeDesc::Set(b(string()));
            hash_function(&[&t], &[&t])
        }
        "hash/func_value_to_value" => hash_function(&[&TypeDesc::Value], &[&TypeDesc::Value]),
        "hash/iface_demo_kv_store_count_sum" => hash_interface(
            "demo:kv/store",
            &[
                &sig(
                    "demo:kv/store",
                    "sum",
                    &[TypeDesc::Map(b(string()), b(s64()))],
                    &[s64()],
                ),
                &sig(
                    "demo:kv/store",
                    "count",
                    &[TypeDesc::Set(b(string()))],
                    &[TypeDesc::Set(b(string()))],
                ),
            ],
        ),
        "hash/variant_tree_leaf_s64_node_list_selfref" => hash_type(&TypeDesc::Variant {
            name: "tree".into(),
            cases: vec![
                ("node".into(), Some(TypeDesc::List(b(TypeDesc::Value)))),
                ("leaf".into(), Some(s64())),
            ],
        }),
        "hash/iface_empty_echo_get_moveipt" => {
            // Recomputed from the signatures of the real metadata blob it belongs to.
            let m = kv_generic_point();
            let exports: Vec<&FuncSig> = m.exports.iter().collect();
            hash_interface("", &exports)
        }
        other => panic!("no recipe for golden vector {other}"),
    }
}

fn kv_generic_point() -> Metadata {
    let v = vectors_v3()
        .into_iter()
        .find(|v| v.name == "meta/kv_generic_point")
        .unwrap();
    Metadata::parse(&unhex(&v.hex)).unwrap()
}

#[test]
fn every_golden_hash_vector_is_reproduced() {
    let mut n = 0;
    for v in vectors().into_iter().chain(vectors_v3()) {
        if !v.name.starts_with("hash/") {
            continue;
        }
        assert_eq!(hex(&golden_hash(&v.name)), v.hex, "{}", v.name);
        n += 1;
    }
    assert_eq!(n, 9 + 15);
    assert_eq!(HASH_SELF_REF, h32(&format!("ffff{}", "00".repeat(30))));
}

#[test]
fn embedded_hashes_of_golden_metadata_are_recomputed() {
    // 0.24.1: generics, ref, map, set, type-params.
    let m = kv_generic_point();
    assert_eq!(
        Metadata::interface_hashes(&m.imports),
        m.import_hashes,
        "imports"
    );
    assert_eq!(
        Metadata::interface_hashes(&m.exports),
        m.export_hashes,
        "exports"
    );
    assert_eq!(
        m.type_params,
        vec![("s".to_string(), "serializable".to_string())]
    );
    // 0.5.4: the packr-guest-try blob of golden-metadata.hex.
    let hexfile = include_str!("data/golden-metadata.hex");
    let hexstr: String = hexfile
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.split_whitespace())
        .collect();
    let m = Metadata::parse(&unhex(&hexstr)).unwrap();
    assert_eq!(m.import_hashes.len(), 1);
    assert_eq!(Metadata::interface_hashes(&m.imports), m.import_hashes);
    assert_eq!(Metadata::interface_hashes(&m.exports), m.export_hashes);
    assert_eq!(
        hex(&m.export_hashes[0].1),
        "5abbe255867be83304f55077184a18c34e7bbfe63c17b0ca657d83bc8a8f51f6"
    );
}

#[test]
fn embedded_hashes_of_every_guest_are_recomputed() {
    let mut checked = 0;
    for (name, wasm) in all_guests() {
        let m = metadata_of(&wasm);
        assert!(!m.exports.is_empty(), "{name}");
        assert_eq!(
            Metadata::interface_hashes(&m.imports),
            m.import_hashes,
            "{name} imports"
        );
        assert_eq!(
            Metadata::interface_hashes(&m.exports),
            m.export_hashes,
            "{name} exports"
        );
        for s in m.imports.iter().chain(&m.exports) {
            assert!(s.to_text().starts_with("func("), "{name}");
        }
        checked += 1;
    }
    assert_eq!(checked, 17);
}

fn call(c: &Composition, pkg: &str, f: &str, v: &str) -> Result<String, packr::runtime::Error> {
    let (p, e) = c.resolve(pkg, f)?;
    let out = c.call(p, e, &encode(&parse(v).unwrap()).unwrap())?;
    Ok(to_text(&packr::value::decode(&out).unwrap()))
}

#[test]
fn matching_wires_across_generations_and_c_packages_build_and_run() {
    let mut b = Builder::new();
    for n in ["adder", "doubler", "cur_adder", "cur_doubler", "echo"] {
        b.add_package(n, &guest(n)).unwrap();
    }
    b.add_package("c_adder", &c_guest("adder")).unwrap();
    b.add_package("c_doubler", &c_guest("doubler")).unwrap();
    b.wire("adder", "math", "double", "cur_doubler", "double"); // 0.5.4 -> 0.24
    b.wire("cur_adder", "math", "double", "doubler", "double"); // 0.24 -> 0.5.4
    b.wire("cur_adder", "calc", "scale", "cur_doubler", "add"); // (n, k) against (a, b)
    b.wire("cur_adder", "ops", "square", "c_doubler", "double"); // 0.24 -> C
    b.wire("c_adder", "math", "double", "doubler", "double"); // C -> 0.5.4
    let c = b.build().unwrap();
    assert_eq!(call(&c, "adder", "process", "20").unwrap(), "41");
    assert_eq!(call(&c, "cur_adder", "process", "20").unwrap(), "41");
    assert_eq!(call(&c, "c_adder", "process", "20").unwrap(), "41");
}

#[test]
fn value_on_either_side_matches_any_type() {
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("cur_adder", &guest("cur_adder")).unwrap();
    b.add_package("echo", &guest("echo")).unwrap();
    b.add_package("cur_echo", &guest("cur_echo")).unwrap();
    b.add_package("c_doubler", &c_guest("doubler")).unwrap();
    b.wire("adder", "math", "double", "echo", "echo"); // s64 -> s64 against value -> value
    b.wire("cur_adder", "math", "double", "cur_echo", "echo");
    b.wire("cur_adder", "calc", "scale", "echo", "add");
    b.wire("cur_adder", "ops", "square", "c_doubler", "double");
    let c = b.build().unwrap();
    assert_eq!(call(&c, "adder", "process", "20").unwrap(), "21");
}

fn mismatched(unchecked: bool) -> Result<Composition, packr::runtime::Error> {
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("cur_doubler", &guest("cur_doubler")).unwrap();
    if unchecked {
        b.wire_unchecked("adder", "math", "double", "cur_doubler", "shout");
    } else {
        b.wire("adder", "math", "double", "cur_doubler", "shout");
    }
    b.build()
}

#[test]
fn a_mismatched_wire_fails_naming_both_sides_and_the_opt_out_builds_it() {
    let e = mismatched(false).err().expect("the build must fail");
    assert_eq!(e.kind, ErrorKind::Link, "{}", e.message);
    for part in [
        "package adder",
        "math.double",
        "func(n: s64) -> s64",
        "package cur_doubler",
        "exports shout",
        "func(s: string) -> string",
        "packr_builder_wire_unchecked",
    ] {
        assert!(
            e.message.contains(part),
            "{part:?} missing in: {}",
            e.message
        );
    }
    let c = mismatched(true).unwrap();
    // Built as asked; the types really disagree, so the call fails in the guest.
    let err = call(&c, "adder", "process", "20").unwrap_err();
    assert_ne!(err.kind, ErrorKind::Link);
}

#[test]
fn mismatches_between_generations_and_in_structure_are_found() {
    let cases: &[(&str, &str, &str, &str, &str, &str)] = &[
        // 0.24 importer, 0.5.4 exporter: arity.
        (
            "cur_adder",
            "calc",
            "scale",
            "doubler",
            "double",
            "func(n: s64, k: s64) -> s64",
        ),
        // 0.5.4 importer with no result, 0.5.4 exporter with one.
        (
            "greeter",
            "host",
            "log",
            "greeter2",
            "log_twice",
            "func(msg: string)",
        ),
        // map against s64.
        (
            "cur_adder",
            "ops",
            "square",
            "cur_doubler",
            "sum_values",
            "func(m: map<string, s64>) -> s64",
        ),
        // set against list.
        (
            "cur_adder",
            "math",
            "double",
            "cur_doubler",
            "uniq",
            "func(v: list<s64>) -> set<s64>",
        ),
    ];
    for (t, m, n, s, x, needle) in cases {
        let mut b = Builder::new();
        let wasm = |p: &str| guest(p.trim_end_matches('2'));
        b.add_package(t, &wasm(t)).unwrap();
        b.add_package(s, &wasm(s)).unwrap();
        with_hosts(&mut b);
        b.wire(t, m, n, s, x);
        let e = b.build().err().expect("mismatch");
        assert_eq!(e.kind, ErrorKind::Link);
        assert!(e.message.contains("signature mismatch"), "{}", e.message);
        assert!(
            e.message.contains(needle),
            "{needle:?} missing in {}",
            e.message
        );
    }
}

#[test]
fn packages_without_metadata_are_wired_as_before() {
    // The importer has metadata, the exporter (WAT) has none.
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("raw", &wat("echo_raw")).unwrap();
    b.wire("adder", "math", "double", "raw", "echo");
    let c = b.build().unwrap();
    assert!(c.types(1).unwrap().is_none());
    assert_eq!(call(&c, "adder", "process", "20").unwrap(), "21");
    // The importer (WAT) has none, the exporter has metadata of another signature.
    let mut b = Builder::new();
    b.add_package("missing", &wat("imports_missing")).unwrap();
    b.add_package("cur_doubler", &guest("cur_doubler")).unwrap();
    b.wire("missing", "nowhere", "nothing", "cur_doubler", "shout");
    b.build().unwrap();
}

/// A module with valid metadata that describes only an export `other`; it exports `double`
/// (echoing its input) and, if `import` is set, imports math.double.
fn partly_described(import: bool) -> Vec<u8> {
    let meta = encode(
        &parse(
            r#"package-metadata{imports: list<record<"">>[], exports: list<record<"">>[function-sig{interface: "", name: "other", params: list<record<"">>[], results: list<variant<"">>[]}], import-hashes: list<record<"">>[], export-hashes: list<record<"">>[]}"#,
        )
        .unwrap(),
    )
    .unwrap();
    assert!(Metadata::parse(&meta).unwrap().exports[0].name == "other");
    let data: String = meta.iter().map(|b| format!("\\{b:02x}")).collect();
    let imp = if import {
        r#"(import "math" "double" (func (param i32 i32 i32 i32) (result i32)))"#
    } else {
        ""
    };
    wat::parse_str(format!(
        r#"(module {imp}
  (memory (export "memory") 1)
  (data (i32.const 64) "{data}")
  (global $top (mut i32) (i32.const 4096))
  (func (export "__pack_alloc") (param i32) (result i32)
    (local $p i32) (local.set $p (global.get $top))
    (global.set $top (i32.add (global.get $top) (local.get 0))) (local.get $p))
  (func (export "__pack_free") (param i32 i32))
  (func (export "__pack_types") (param i32 i32) (result i32)
    (i32.store (local.get 0) (i32.const 64))
    (i32.store (local.get 1) (i32.const {len}))
    (i32.const 0))
  (func (export "double") (param i32 i32 i32 i32) (result i32)
    (i32.store (local.get 2) (local.get 0))
    (i32.store (local.get 3) (local.get 1))
    (i32.const 0)))"#,
        len = meta.len()
    ))
    .unwrap()
}

#[test]
fn imports_and_exports_the_metadata_does_not_describe_are_unchecked() {
    // The exporter's metadata does not describe `double`: wired as before, and it runs.
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("partial", &partly_described(false)).unwrap();
    b.wire("adder", "math", "double", "partial", "double");
    let c = b.build().unwrap();
    assert_eq!(call(&c, "adder", "process", "20").unwrap(), "21");
    assert!(c.types(1).unwrap().is_some());
    // The importer's metadata does not describe math.double: wired as before.
    let mut b = Builder::new();
    b.add_package("partial", &partly_described(true)).unwrap();
    b.add_package("cur_doubler", &guest("cur_doubler")).unwrap();
    b.wire("partial", "math", "double", "cur_doubler", "shout");
    b.build().unwrap();
}

#[test]
fn exports_declared_in_an_interface_are_found_by_their_wasm_name() {
    // cur_meta declares `put` in interface "store"; its wasm export is `store.put`.
    let m = metadata_of(&guest("cur_meta"));
    assert_eq!(m.exports_named("store.put").count(), 1);
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("cur_meta", &guest("cur_meta")).unwrap();
    // A generic parameter (`put: func(v: s) -> s`) matches any type.
    b.wire("adder", "math", "double", "cur_meta", "store.put");
    b.build().unwrap();
    // ... while a concrete mismatch behind an interface-qualified name is found.
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("cur_meta", &guest("cur_meta")).unwrap();
    b.wire("adder", "math", "double", "cur_meta", "make_inventory");
    let e = b.build().err().expect("mismatch");
    assert!(e.message.contains("record inventory{"), "{}", e.message);
}

/// A module whose `__pack_types` returns bytes that are not metadata.
const BAD_METADATA: &str = r#"
(module
  (memory (export "memory") 1)
  (data (i32.const 64) "CGRF-not-really-metadata")
  (global $top (mut i32) (i32.const 1024))
  (func (export "__pack_alloc") (param i32) (result i32)
    (local $p i32) (local.set $p (global.get $top))
    (global.set $top (i32.add (global.get $top) (local.get 0))) (local.get $p))
  (func (export "__pack_free") (param i32 i32))
  (func (export "__pack_types") (param i32 i32) (result i32)
    (i32.store (local.get 0) (i32.const 64))
    (i32.store (local.get 1) (i32.const 24))
    (i32.const 0))
  (func (export "double") (param i32 i32 i32 i32) (result i32)
    (i32.store (local.get 2) (local.get 0))
    (i32.store (local.get 3) (local.get 1))
    (i32.const 0)))
"#;

#[test]
fn metadata_that_does_not_decode_fails_the_build_naming_the_package() {
    let bad = wat::parse_str(BAD_METADATA).unwrap();
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("bad", &bad).unwrap();
    b.wire("adder", "math", "double", "bad", "double");
    let e = b.build().err().expect("undecodable metadata");
    assert_eq!(e.kind, ErrorKind::Link);
    assert!(e.message.contains("package bad"), "{}", e.message);
    assert!(e.message.contains("does not decode"), "{}", e.message);

    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("bad", &bad).unwrap();
    b.wire_unchecked("adder", "math", "double", "bad", "double");
    let c = b.build().unwrap();
    // The export echoes its input, so process(20) = 20 + 1.
    assert_eq!(call(&c, "adder", "process", "20").unwrap(), "21");
}

#[test]
fn signature_text_of_the_0_24_additions() {
    let m = metadata_of(&guest("cur_meta"));
    let text = |n: &str| m.exports_named(n).next().unwrap().to_text();
    assert_eq!(text("store.put"), "func(v: s) -> s");
    assert_eq!(
        text("make_inventory"),
        "func(words: list<string>) -> record inventory{counts: map<string, u32>, tags: set<string>}"
    );
    assert_eq!(
        text("eval"),
        "func(e: variant expr{sym(string), num(s64), lst(list<value>)}) -> result<s64, string>"
    );
    assert_eq!(m.type_params, vec![("s".into(), "serializable".into())]);
    let put = m.exports_named("store.put").next().unwrap();
    assert_eq!(put.params[0].1, TypeDesc::Ref("s".into()));
    // Type names do not take part; field names do.
    let rec = |name: &str, f: &str| TypeDesc::Record {
        name: name.into(),
        fields: vec![(f.into(), prim("s32"))],
    };
    assert_eq!(hash_type(&rec("a", "x")), hash_type(&rec("b", "x")));
    assert_ne!(hash_type(&rec("a", "x")), hash_type(&rec("a", "y")));
    let f = |t: TypeDesc| sig("", "f", &[t], &[]);
    assert!(f(rec("a", "x")).matches(&f(rec("b", "x"))));
    assert!(!f(rec("a", "x")).matches(&f(rec("a", "y"))));
    assert!(f(TypeDesc::List(b(TypeDesc::Value))).matches(&f(TypeDesc::List(b(prim("u8"))))));
    assert!(!f(TypeDesc::List(b(prim("s8")))).matches(&f(TypeDesc::List(b(prim("u8"))))));
}

fn metadata_with_param_type(ty: &str) -> Result<Metadata, String> {
    let text = format!(
        r#"package-metadata{{imports: list<record<"">>[], exports: [function-sig{{interface: "", name: "f", params: [param-sig{{name: "x", type: {ty}}}], results: list<variant<"">>[]}}]}}"#
    );
    Metadata::parse(&encode(&parse(&text).unwrap()).unwrap())
}

#[test]
fn hostile_metadata_is_refused_with_a_path() {
    let nest = |n: usize| {
        format!(
            "{}type-desc::s64#8{}",
            "type-desc::list#14(".repeat(n),
            ")".repeat(n)
        )
    };
    let ok = metadata_with_param_type(&nest(metadata::MAX_TYPE_DEPTH - 1)).unwrap();
    assert!(ok.exports[0].to_text().starts_with("func(x: list<list<"));
    let e = metadata_with_param_type(&nest(metadata::MAX_TYPE_DEPTH)).unwrap_err();
    assert!(e.contains("nested deeper than"), "{e}");
    assert!(e.starts_with("exports[0].params[0].type"), "{e}");
    let e = metadata_with_param_type("type-desc::what#99").unwrap_err();
    assert!(e.contains("unknown type-desc tag 99"), "{e}");
    let e = metadata_with_param_type("7s64").unwrap_err();
    assert!(e.contains("expected a type-desc variant"), "{e}");
    let e = metadata_with_param_type("type-desc::list#14").unwrap_err();
    assert!(e.contains("lacks its payload"), "{e}");
    // Names that are not identifiers are quoted in the text.
    let m = metadata_with_param_type(
        r#"type-desc::record#17(record-desc{name: "a b", fields: [field-desc{name: "t\tab", type: type-desc::value#20}]})"#,
    )
    .unwrap();
    assert_eq!(
        m.exports[0].to_text(),
        r#"func(x: record "a b"{"t\tab": value})"#
    );
}

#[test]
fn rebuilds_check_wires_too() {
    // Prove the modules (a clean build instantiates them), then rebuild with a bad wire: the
    // rebuild skips instantiation but not the check.
    for _ in 0..2 {
        let mut b = Builder::new();
        b.add_package("adder", &guest("adder")).unwrap();
        b.add_package("doubler", &guest("doubler")).unwrap();
        b.wire("adder", "math", "double", "doubler", "double");
        assert!(b.build().is_ok());
    }
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("cur_doubler", &guest("cur_doubler")).unwrap();
    b.wire("adder", "math", "double", "cur_doubler", "double");
    assert!(b.build().is_ok());
    let mut b = Builder::new();
    b.add_package("adder", &guest("adder")).unwrap();
    b.add_package("cur_doubler", &guest("cur_doubler")).unwrap();
    b.wire("adder", "math", "double", "cur_doubler", "shout");
    let e = b.build().err().expect("the mismatch is found on a rebuild");
    assert_eq!(e.kind, ErrorKind::Link);
    assert!(e.message.contains("signature mismatch"), "{}", e.message);
}
