//! Profiling aid: decodes (or encodes) one shape in a loop, e.g.
//! `perf record target/release/decode_loop tree` or `decode_loop string encode`.
//! Shapes: tree (default), cons, nested, bytes, string, string64k. `N` sets the iterations;
//! `SPLIT=1` times decoding and dropping apart. Op `doc` builds the C API's checked view
//! (`Doc`) instead of a value tree.
use packr::value as ours;
use std::hint::black_box;

fn tree(d: u32, n: &mut i64) -> ours::Value {
    if d == 0 {
        *n += 1;
        return ours::Value::S64(*n);
    }
    let l = tree(d - 1, n);
    let r = tree(d - 1, n);
    ours::Value::variant("tree", "node", 1, vec![l, r])
}

fn shape(which: &str) -> ours::Value {
    match which {
        "bytes" => ours::Value::list(
            ours::Type::u8(),
            (0..65536).map(|i| ours::Value::U8(i as u8)).collect(),
        ),
        "string" => ours::Value::string(&"x".repeat(1024)),
        "string64k" => ours::Value::string(&"x".repeat(65536)),
        "cons" => {
            let mut v = ours::Value::variant("list", "nil", 0, vec![]);
            for i in 0..333 {
                let t = ours::Value::tuple(vec![ours::Value::S64(i), v]);
                v = ours::Value::variant("list", "cons", 1, vec![t]);
            }
            v
        }
        "nested" => {
            let mut v = ours::Value::list(ours::Type::string(), vec![]);
            for _ in 1..100_000 {
                v = ours::Value::list(ours::Type::list(ours::Type::string()), vec![v]);
            }
            v
        }
        _ => tree(9, &mut 0),
    }
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "tree".into());
    let op = std::env::args().nth(2).unwrap_or_else(|| "decode".into());
    let v = shape(&which);
    let b = ours::encode(&v).unwrap();
    let n: u128 = std::env::var("N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20000);
    let t = std::time::Instant::now();
    if op == "encode" {
        for _ in 0..n {
            black_box(ours::encode(black_box(&v)).unwrap());
        }
        println!("{} ns per encode", t.elapsed().as_nanos() / n);
        return;
    }
    if op == "doc" {
        let limits = ours::Limits::default();
        for _ in 0..n {
            black_box(ours::Doc::new(black_box(&b), &limits).unwrap());
        }
        println!(
            "{} ns per document (index and free)",
            t.elapsed().as_nanos() / n
        );
        return;
    }
    for _ in 0..n {
        black_box(ours::decode(black_box(&b)).unwrap());
    }
    println!("{} ns per decode", t.elapsed().as_nanos() / n);
    if std::env::var_os("SPLIT").is_some() {
        let (mut dec, mut drp) = (0u128, 0u128);
        for _ in 0..n / 100 {
            let t = std::time::Instant::now();
            let held: Vec<_> = (0..100)
                .map(|_| ours::decode(black_box(&b)).unwrap())
                .collect();
            dec += t.elapsed().as_nanos();
            let t = std::time::Instant::now();
            drop(held);
            drp += t.elapsed().as_nanos();
        }
        println!("{} ns decode, {} ns drop", dec / n, drp / n);
    }
}
