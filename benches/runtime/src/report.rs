//! The report: the table, the comparison with a floor that keeps its input buffer, and the
//! issue's targets.

use super::*;

pub(crate) fn fmt_t(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

pub(crate) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The fixed cost against the floor that keeps its input buffer too (for reference: the
/// issue's floor allocates every input).
pub(crate) fn line_kept(rows: &[Row]) {
    let fixed = rows
        .iter()
        .find(|r| r.kind == Kind::RawEcho)
        .and_then(|r| Some(r.func? - r.kept?));
    let worst = rows
        .iter()
        .filter_map(|r| Some((r.func? / r.kept?, short(&r.name))))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let (Some(d), Some((x, n))) = (fixed, worst) {
        println!(
            "- for reference, against a floor that also keeps its input buffer: fixed cost {d:.0} ns \
             (raw echo, 16 B); highest ratio {x:.2}× ({n})"
        );
    }
}

/// Prints the tables and the targets.
pub(crate) fn report(rows: &[Row], artifact_ratio: Option<f64>) {
    println!(
        "| case | libpackr func_call | libpackr composition_call | floor | packr 0.5.4 | func_call / floor | packr 0.5.4 / func_call |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let opt = |x: Option<f64>| x.map(fmt_t).unwrap_or_else(|| "—".into());
    for r in rows {
        let p = match (r.p054, r.p054_note) {
            (Some(p), n) => format!("{}{n}", fmt_t(p)),
            (None, n) if !n.is_empty() => n.to_string(),
            (None, _) => "—".into(),
        };
        let rf = match (r.func, r.floor) {
            (Some(a), Some(b)) => format!("{:.2}×", a / b),
            _ => "—".into(),
        };
        let rp = match (r.p054, r.func) {
            (Some(p), Some(f)) => format!("{:.1}×", p / f),
            _ => "—".into(),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            opt(r.func),
            opt(r.comp),
            opt(r.floor),
            p,
            rf,
            rp
        );
    }

    // libpackr keeps one input buffer per instance; the floor above allocates and frees every
    // input. The same comparison against a floor that keeps its input buffer too isolates the
    // host's own bookkeeping.
    if rows.iter().any(|r| r.kept.is_some()) {
        println!(
            "\nAgainst a floor that also keeps one input buffer per instance (no `__pack_alloc` / \
             `__pack_free` for inputs up to 4 KiB; libpackr keeps one for inputs up to 4080 bytes):\n"
        );
        println!(
            "| case | libpackr func_call | floor, input kept | func_call / floor | func_call − floor |"
        );
        println!("|---|---:|---:|---:|---:|");
        for r in rows {
            if let (Some(f), Some(k)) = (r.func, r.kept) {
                println!(
                    "| {} | {} | {} | {:.2}× | {:+.0} ns |",
                    r.name,
                    fmt_t(f),
                    fmt_t(k),
                    f / k,
                    f - k
                );
            }
        }
    }

    if let Some(r) = artifact_ratio {
        println!(
            "\nCold load-and-build from precompiled artifacts / from wasm bytes: {r:.3}× ({:.1}× faster)",
            1.0 / r
        );
    }

    // Targets.
    println!("\nTargets:");
    let verdict = |b: bool| if b { "PASS" } else { "MISS" };
    let find = |k: Kind| rows.iter().filter(move |r| r.kind == k);
    let line = |title: &str, items: Vec<(String, String, bool)>| {
        if items.is_empty() {
            println!("- {title}: not measured");
            return;
        }
        let all = items.iter().all(|i| i.2);
        let detail: Vec<String> = items
            .iter()
            .map(|(n, x, pass)| format!("{n}: {x} {}", verdict(*pass)))
            .collect();
        println!("- {}: {title} ({})", verdict(all), detail.join("; "));
    };
    // Issue 9's targets: every call case within 1.2x of its floor, a fixed cost over the floor
    // of at most 30 ns (the smallest call: raw echo of 16 B), a cached rebuild within 50 µs.
    line(
        "every call case within 1.2× of the floor (func_call / floor)",
        rows.iter()
            .filter(|r| r.kind != Kind::Build)
            .filter_map(|r| {
                let x = r.func? / r.floor?;
                Some((short(&r.name), format!("{x:.2}×"), x <= 1.2))
            })
            .collect(),
    );
    line(
        "fixed cost of packr_func_call over the floor ≤ 30 ns (raw echo, 16 B)",
        find(Kind::RawEcho)
            .take(1)
            .filter_map(|r| {
                let d = r.func? - r.floor?;
                Some((short(&r.name), format!("{d:.0} ns"), d <= 30.0))
            })
            .collect(),
    );
    line(
        "every packr-guest 0.5.4 case ≥ 2× faster than packr 0.5.4 (packr 0.5.4 / func_call)",
        rows.iter()
            .filter(|r| matches!(r.kind, Kind::GuestCall | Kind::CrossPackage | Kind::HostFn))
            .filter_map(|r| {
                let x = r.p054? / r.func?;
                Some((short(&r.name), format!("{x:.2}×"), x >= 2.0))
            })
            .collect(),
    );
    line(
        "rebuild of a 2-package composition from cached modules ≤ 50 µs",
        rows.iter()
            .filter(|r| r.name.starts_with("rebuild"))
            .filter_map(|r| {
                let ns = r.func?;
                Some(("libpackr rebuild".to_string(), fmt_t(ns), ns <= 50_000.0))
            })
            .collect(),
    );

    line_kept(rows);
    // How far the floor itself is from packr 0.5.4 (the most any host on this ABI could reach).
    let refs: Vec<String> = rows
        .iter()
        .filter(|r| matches!(r.kind, Kind::GuestCall | Kind::CrossPackage | Kind::HostFn))
        .filter_map(|r| Some(format!("{} {:.2}×", short(&r.name), r.p054? / r.floor?)))
        .collect();
    if !refs.is_empty() {
        println!(
            "- for reference, packr 0.5.4 / floor (a zero-overhead host with the same ABI and engine): {}",
            refs.join("; ")
        );
    }
    // The cost of limits.
    let get = |prefix: &str| rows.iter().find(|r| r.name.starts_with(prefix));
    for (plain, limited) in [
        (
            "packr-guest `double`",
            "limits (fuel 1e9 + timeout 10 s): `double`",
        ),
        (
            "cross-package `process`",
            "limits (fuel 1e9 + timeout 10 s): `process`",
        ),
    ] {
        if let (Some(a), Some(b)) = (get(plain), get(limited)) {
            println!(
                "- cost of limits on {}: libpackr func_call {} → {} ({:.2}×); floor {} → {} ({:.2}×)",
                short(plain),
                fmt_t(a.func.unwrap()),
                fmt_t(b.func.unwrap()),
                b.func.unwrap() / a.func.unwrap(),
                fmt_t(a.floor.unwrap()),
                fmt_t(b.floor.unwrap()),
                b.floor.unwrap() / a.floor.unwrap(),
            );
        }
    }
}

pub(crate) fn short(name: &str) -> String {
    name.split(" — ").next().unwrap_or(name).to_string()
}
