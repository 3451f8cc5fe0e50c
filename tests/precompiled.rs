//! Precompiled packages: `precompile` writes an artifact that `add_package_precompiled` loads
//! without compiling; the package behaves like one added from wasm, and every damaged, foreign
//! or stale artifact is a clear `Compile` error.

use packr::runtime::{Builder, Composition, ErrorKind, PrecompileConfigs, precompile};
use packr::value::{Value, decode, encode};

mod common;
use common::guest;

fn call(c: &Composition, pkg: &str, f: &str, v: &Value) -> Result<Value, packr::runtime::Error> {
    let (p, e) = c.resolve(pkg, f)?;
    let out = c.call(p, e, &encode(v).unwrap())?;
    Ok(decode(&out).unwrap())
}

fn artifact(name: &str) -> Vec<u8> {
    precompile(&guest(name), PrecompileConfigs::default()).unwrap()
}

fn load_err(a: &[u8]) -> String {
    let mut b = Builder::new();
    let e = b.add_package_precompiled("p", a).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Compile, "{}", e.message);
    assert!(e.message.starts_with("package p: "), "{}", e.message);
    e.message
}

/// Offset of the payload (after magic, format, version string, length and checksum).
fn payload_start(a: &[u8]) -> usize {
    8 + 4 + 1 + usize::from(a[12]) + 8 + 16
}

/// Rewrites the checksum so that a deliberately edited payload passes the integrity check.
fn reseal(a: &mut [u8]) {
    let p = payload_start(a);
    let sum = xxhash_rust::xxh3::xxh3_128(&a[p..]);
    a[p - 16..p].copy_from_slice(&sum.to_le_bytes());
}

#[test]
fn wired_precompiled_packages_behave_like_wasm_ones() {
    let mut b = Builder::new();
    b.add_package_precompiled("adder", &artifact("adder"))
        .unwrap();
    b.add_package_precompiled("doubler", &artifact("doubler"))
        .unwrap();
    b.wire("adder", "math", "double", "doubler", "double");
    let c = b.build().unwrap();
    for i in -20..20 {
        assert_eq!(
            call(&c, "adder", "process", &Value::S64(i)).unwrap(),
            Value::S64(2 * i + 1)
        );
    }
    let e = call(&c, "doubler", "nope", &Value::S64(1)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn metadata_and_exports_match_the_wasm_package() {
    let mut with_types = 0;
    for name in ["doubler", "greeter", "echo", "adder"] {
        let mut from_wasm = Builder::new();
        from_wasm.add_package(name, &guest(name)).unwrap();
        let mut from_artifact = Builder::new();
        from_artifact
            .add_package_precompiled(name, &artifact(name))
            .unwrap();
        if name == "greeter" {
            for b in [&mut from_wasm, &mut from_artifact] {
                for f in ["log", "greet"] {
                    b.add_host_function(
                        "host",
                        f,
                        std::sync::Arc::new(|_: &[u8]| Ok(encode(&Value::tuple(vec![])).unwrap())),
                    );
                }
            }
        }
        if name == "adder" {
            for b in [&mut from_wasm, &mut from_artifact] {
                b.add_package("doubler", &guest("doubler")).unwrap();
                b.wire("adder", "math", "double", "doubler", "double");
            }
        }
        let (w, a) = (from_wasm.build().unwrap(), from_artifact.build().unwrap());
        let types = w.types(0).unwrap();
        assert_eq!(types, a.types(0).unwrap(), "{name}");
        with_types += usize::from(types.is_some());
        assert_eq!(
            w.package_names().collect::<Vec<_>>(),
            a.package_names().collect::<Vec<_>>()
        );
    }
    assert!(with_types > 0, "no fixture has metadata to compare");
}

#[test]
fn fuel_limited_compositions_use_the_fuel_section() {
    let mut b = Builder::new();
    b.add_package_precompiled("doubler", &artifact("doubler"))
        .unwrap();
    b.set_fuel(10_000_000);
    let c = b.build().unwrap();
    assert_eq!(
        call(&c, "doubler", "double", &Value::S64(4)).unwrap(),
        Value::S64(8)
    );
    // Too little fuel: the code really is metered.
    let mut b = Builder::new();
    b.add_package_precompiled("doubler", &artifact("doubler"))
        .unwrap();
    b.set_fuel(10);
    let e = b.build().err().unwrap();
    assert_eq!(e.kind, ErrorKind::Limit, "{}", e.message);
}

#[test]
fn a_missing_configuration_fails_at_build_naming_it() {
    let plain = precompile(
        &guest("doubler"),
        PrecompileConfigs {
            plain: true,
            fuel: false,
        },
    )
    .unwrap();
    let both = artifact("doubler");
    assert!(plain.len() < both.len());
    let mut b = Builder::new();
    b.add_package_precompiled("doubler", &plain).unwrap();
    b.set_fuel(1000);
    let e = b.build().err().unwrap();
    assert_eq!(e.kind, ErrorKind::Compile);
    assert!(e.message.contains("package doubler"), "{}", e.message);
    assert!(e.message.contains("no fuel-metered"), "{}", e.message);

    // Fuel-only code serves fuel-limited compositions.
    let fuel = precompile(
        &guest("doubler"),
        PrecompileConfigs {
            plain: false,
            fuel: true,
        },
    )
    .unwrap();
    let mut b = Builder::new();
    b.add_package_precompiled("doubler", &fuel).unwrap();
    b.set_fuel(1_000_000);
    let c = b.build().unwrap();
    assert_eq!(
        call(&c, "doubler", "double", &Value::S64(-3)).unwrap(),
        Value::S64(-6)
    );
    let none = precompile(
        &guest("doubler"),
        PrecompileConfigs {
            plain: false,
            fuel: false,
        },
    )
    .unwrap_err();
    assert_eq!(none.kind, ErrorKind::InvalidArgument);
}

#[test]
fn damaged_artifacts_are_rejected() {
    let a = artifact("doubler");
    // Truncation anywhere.
    for n in [0, 3, 8, 12, 20, 40, 60, a.len() / 2, a.len() - 1] {
        let m = load_err(&a[..n]);
        assert!(m.contains("truncated"), "{n}: {m}");
    }
    // A flipped bit anywhere (every 61st byte, and the first and last ones).
    let mut positions: Vec<usize> = (0..a.len()).step_by(61).collect();
    positions.push(a.len() - 1);
    for i in positions {
        let mut b = a.clone();
        b[i] ^= 0x04;
        load_err(&b);
    }
    let mut b = a.clone();
    b[a.len() / 2] ^= 0xff;
    assert!(load_err(&b).contains("checksum mismatch"));
    // Wrong magic, a wasm module, another format or libpackr version.
    let mut b = a.clone();
    b[1] = b'X';
    assert!(load_err(&b).contains("wrong magic"));
    assert!(load_err(&guest("doubler")).contains("WebAssembly module"));
    let mut b = a.clone();
    b[8] = 99;
    assert!(load_err(&b).contains("format version 99"));
    let mut b = a.clone();
    b[13] = b'7';
    assert!(load_err(&b).contains("written by libpackr 7"));
}

#[test]
fn foreign_engine_code_is_rejected_before_wasmtime_sees_it() {
    let mut a = artifact("doubler");
    // The first section's compatibility hash: after the section count and configuration byte.
    let at = payload_start(&a) + 4 + 1;
    a[at] ^= 1;
    reseal(&mut a);
    let m = load_err(&a);
    assert!(m.contains("another CPU, target or wasmtime build"), "{m}");

    // The fuel section's hash is checked when a fuel-limited composition first needs it.
    let mut a = artifact("doubler");
    let first = payload_start(&a) + 4;
    let len0 = u64::from_le_bytes(a[first + 9..first + 17].try_into().unwrap()) as usize;
    let second = first + 1 + 8 + 8 + len0;
    assert_eq!(a[second], 1, "the second section is the fuel one");
    a[second + 1] ^= 1;
    reseal(&mut a);
    let mut b = Builder::new();
    b.add_package_precompiled("d", &a).unwrap();
    b.set_fuel(1_000_000);
    let e = b.build().err().unwrap();
    assert_eq!(e.kind, ErrorKind::Compile);
    assert!(
        e.message.contains("fuel-metered") && e.message.contains("another CPU"),
        "{}",
        e.message
    );

    // Garbage code with a matching hash and checksum is caught by wasmtime's own checks.
    let mut a = artifact("doubler");
    let code = payload_start(&a) + 4 + 1 + 8 + 8;
    for b in &mut a[code..code + 16] {
        *b = 0xAA;
    }
    reseal(&mut a);
    assert!(load_err(&a).contains("not a compiled wasmtime module"));
}

#[test]
fn precompiling_invalid_wasm_is_a_compile_error() {
    let e = precompile(b"\0asm\x01\0\0\0\xff", PrecompileConfigs::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Compile);
    assert!(e.message.contains("not a valid WebAssembly module"));
}

#[test]
fn loading_the_same_artifact_twice_gives_independent_compositions() {
    let a = artifact("doubler");
    let cs: Vec<Composition> = (0..2)
        .map(|_| {
            let mut b = Builder::new();
            b.add_package_precompiled("d", &a).unwrap();
            b.build().unwrap()
        })
        .collect();
    drop(a);
    for (i, c) in cs.iter().enumerate() {
        assert_eq!(
            call(c, "d", "double", &Value::S64(i as i64)).unwrap(),
            Value::S64(2 * i as i64)
        );
    }
}
