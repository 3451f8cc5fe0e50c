//! Profiling aid: decodes one shape in a loop (`perf record target/release/decode_loop tree`).
use packr::value as ours;

fn tree(d: u32, n: &mut i64) -> ours::Value {
    if d == 0 {
        *n += 1;
        return ours::Value::S64(*n);
    }
    let l = tree(d - 1, n);
    let r = tree(d - 1, n);
    ours::Value::variant("tree", "node", 1, vec![l, r])
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "tree".into());
    let v = match which.as_str() {
        "bytes" => ours::Value::list(
            ours::Type::u8(),
            (0..65536).map(|i| ours::Value::U8(i as u8)).collect(),
        ),
        _ => tree(9, &mut 0),
    };
    let b = ours::encode(&v).unwrap();
    let t = std::time::Instant::now();
    let n: u128 = std::env::var("N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20000);
    for _ in 0..n {
        std::hint::black_box(ours::decode(std::hint::black_box(&b)).unwrap());
    }
    println!("{} ns per decode", t.elapsed().as_nanos() / n);
    let t = std::time::Instant::now();
    for _ in 0..n {
        let d = ours::decode(std::hint::black_box(&b)).unwrap();
        std::mem::forget(d);
    }
    println!(
        "{} ns per decode without drop (leaks)",
        t.elapsed().as_nanos() / n
    );
}
