//! Builds of the adder + doubler composition: cold (in child processes), from precompiled
//! artifacts, and rebuilt from cached modules.

use super::*;

pub(crate) fn build_ours(g: &Guests) {
    let comp = ours_build(
        Shape::AdderDoubler,
        &[("adder", &g.adder), ("doubler", &g.doubler)],
        Lim::default(),
    );
    // SAFETY: built above, freed once.
    unsafe { packr_composition_free(black_box(comp)) };
}

/// The floor's build: link and instantiate both modules, cache every handle.
pub(crate) fn build_floor(engine: &wt::Engine, adder: &wt::Module, doubler: &wt::Module) {
    let f = Floor::new(
        engine,
        Shape::AdderDoubler,
        &[("adder", adder), ("doubler", doubler)],
        Lim::default(),
        "process",
        Keep::Nothing,
    );
    black_box(f);
}

pub(crate) fn build_p054(g: &Guests) {
    black_box(p054_build(
        Shape::AdderDoubler,
        &[("adder", &g.adder), ("doubler", &g.doubler)],
    ));
}

/// Child-process entry: one cold build, printed in ns.
pub(crate) fn cold_child(who: &str) {
    let g = guests();
    if let Some(prefix) = who.strip_prefix("ours-artifact:") {
        // Artifacts in memory before the clock starts, as the wasm bytes are for "ours".
        let a = std::fs::read(format!("{prefix}-adder.cwasm")).expect("read adder artifact");
        let d = std::fs::read(format!("{prefix}-doubler.cwasm")).expect("read doubler artifact");
        let t = Instant::now();
        build_ours_precompiled(&a, &d);
        println!("COLD_NS {}", t.elapsed().as_nanos());
        return;
    }
    let t = Instant::now();
    match who {
        "ours" => build_ours(&g),
        "floor" => {
            let e = floor_engine(false);
            let a = wt::Module::new(&e, &g.adder).unwrap();
            let d = wt::Module::new(&e, &g.doubler).unwrap();
            build_floor(&e, &a, &d);
        }
        "packr054" => build_p054(&g),
        _ => panic!("unknown --cold {who}"),
    }
    println!("COLD_NS {}", t.elapsed().as_nanos());
}

pub(crate) fn cold(who: &str) -> f64 {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--cold", who])
        .output()
        .expect("spawn cold child");
    assert!(out.status.success(), "cold child {who}: {:?}", out);
    let s = String::from_utf8_lossy(&out.stdout);
    s.lines()
        .find_map(|l| l.strip_prefix("COLD_NS "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("cold child {who} printed {s:?}"))
}

/// libpackr's build of adder+doubler from precompiled artifacts (no compilation).
pub(crate) fn build_ours_precompiled(adder: &[u8], doubler: &[u8]) {
    let b = packr_builder_new();
    assert!(!b.is_null());
    let mut err = std::ptr::null_mut();
    for (name, bytes) in [(c"adder", adder), (c"doubler", doubler)] {
        // SAFETY: valid builder, string and bytes.
        let rc = unsafe {
            packr_builder_add_package_precompiled(
                b,
                name.as_ptr(),
                bytes.as_ptr(),
                bytes.len(),
                &mut err,
            )
        };
        ok(rc, err, "packr_builder_add_package_precompiled");
    }
    // SAFETY: valid builder and strings.
    let rc = unsafe {
        packr_builder_wire(
            b,
            c"adder".as_ptr(),
            c"math".as_ptr(),
            c"double".as_ptr(),
            c"doubler".as_ptr(),
            c"double".as_ptr(),
            &mut err,
        )
    };
    ok(rc, err, "packr_builder_wire");
    let mut comp = std::ptr::null_mut();
    // SAFETY: valid builder (consumed) and output pointer.
    let rc = unsafe { packr_builder_build(b, &mut comp, &mut err) };
    ok(rc, err, "packr_builder_build");
    // SAFETY: built above, freed once.
    unsafe { packr_composition_free(black_box(comp)) };
}

/// How many child processes each side of the artifact comparison gets.
pub(crate) const COLD_ARTIFACT_RUNS: usize = 7;

/// Cold load-and-build from precompiled artifacts (PACKR_PRECOMPILE_ALL, as written by
/// `packr_package_precompile` with flags 0) against cold load-and-build from wasm bytes, each
/// in fresh child processes, interleaved; medians. Returns the row and the ratio.
pub(crate) fn cold_artifact_row(g: &Guests) -> (Row, f64) {
    let prefix = std::env::temp_dir().join(format!("packr-bench-{}", std::process::id()));
    let prefix = prefix.to_str().expect("UTF-8 temp dir").to_string();
    for (name, wasm) in [("adder", &g.adder), ("doubler", &g.doubler)] {
        let mut out = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: valid bytes and output pointers.
        let rc =
            unsafe { packr_package_precompile(wasm.as_ptr(), wasm.len(), 0, &mut out, &mut err) };
        ok(rc, err, "packr_package_precompile");
        // SAFETY: out is a valid packr_bytes until freed below.
        let bytes =
            unsafe { std::slice::from_raw_parts(packr_bytes_data(out), packr_bytes_len(out)) };
        std::fs::write(format!("{prefix}-{name}.cwasm"), bytes).expect("write artifact");
        // SAFETY: freed once.
        unsafe { packr_bytes_free(out) };
    }
    let who = format!("ours-artifact:{prefix}");
    let (mut from_wasm, mut from_artifact) = (Vec::new(), Vec::new());
    for _ in 0..COLD_ARTIFACT_RUNS {
        from_wasm.push(cold("ours"));
        from_artifact.push(cold(&who));
    }
    for name in ["adder", "doubler"] {
        let _ = std::fs::remove_file(format!("{prefix}-{name}.cwasm"));
    }
    let (w, a) = (median(from_wasm), median(from_artifact));
    let ratio = a / w;
    let row = Row {
        name: format!(
            "build adder+doubler, cold, from precompiled artifacts (median of {COLD_ARTIFACT_RUNS}; \
             {} from wasm in the same runs: artifact / wasm = {ratio:.3}×, {:.1}× faster)",
            fmt_t(w),
            w / a
        ),
        kind: Kind::Build,
        func: Some(a),
        comp: None,
        floor: None,
        p054: None,
        p054_note: "",
        kept: None,
    };
    (row, ratio)
}

/// Cold builds: three child processes per library, interleaved; medians.
pub(crate) fn cold_row() -> Row {
    let mut c = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..3 {
        for (i, who) in ["ours", "floor", "packr054"].iter().enumerate() {
            c[i].push(cold(who));
        }
    }
    let [co, cf, cp] = c.map(median);
    Row {
        name: "build adder+doubler, cold (first build in a process: compiles)".into(),
        kind: Kind::Build,
        func: Some(co),
        comp: None,
        floor: Some(cf),
        p054: Some(cp),
        p054_note: "",
        kept: None,
    }
}

/// Rebuilds: ours from its process-wide module cache; the floor with its Modules in hand.
/// (packr 0.5.4 has no cache: its rebuild compiles again, and is timed separately.)
pub(crate) fn rebuild_bench(g: &Guests) -> Bench<'_> {
    build_ours(g); // fills the cache (the cold child processes had their own)
    let e = floor_engine(false);
    let a = wt::Module::new(&e, &g.adder).unwrap();
    let d = wt::Module::new(&e, &g.doubler).unwrap();
    let ours: Runner = Box::new(move |op| {
        if let Op::Call | Op::Check = op {
            build_ours(g)
        }
    });
    let floor: Runner = Box::new(move |op| {
        if let Op::Call | Op::Check = op {
            build_floor(&e, &a, &d)
        }
    });
    let row = Row {
        name: "rebuild adder+doubler from cached modules".into(),
        kind: Kind::Build,
        func: None,
        comp: None,
        floor: None,
        p054: None,
        p054_note: " (no cache: recompiles)",
        kept: None,
    };
    Bench::new(row, false, [Some(ours), None, Some(floor), None, None])
}
