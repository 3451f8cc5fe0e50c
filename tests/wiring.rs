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
            eprintln!("{name}: {}.{}: {}", s.interface, s.name, s.to_text());
        }
        checked += 1;
    }
    assert_eq!(checked, 17);
}
