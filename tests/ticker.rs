//! The shared epoch ticker sleeps once no timed call has run for a while (100 ms); a timed call
//! that comes after that must wake it, or its timeout would never fire. Alone in its test binary
//! (its own process), so that no other test's timed calls keep the ticker awake meanwhile.

use packr::runtime::{Builder, ErrorKind};
use std::time::{Duration, Instant};

mod common;
use common::wat;

#[test]
fn timeout_fires_after_the_ticker_went_to_sleep() {
    let mut b = Builder::new();
    b.add_package("l", &wat("loop")).unwrap();
    b.set_timeout_ms(50);
    let c = b.build().unwrap();
    let (l, ok) = c.resolve("l", "ok").unwrap();
    let (_, spin) = c.resolve("l", "spin").unwrap();
    for round in 0..3 {
        assert_eq!(c.call(l, ok, b"y").unwrap(), b"y");
        // Longer than the ticker's idle time (50 ticks of 2 ms).
        std::thread::sleep(Duration::from_millis(400));
        // A watchdog, so that a sleeping ticker fails the test (Interrupted) instead of
        // hanging it.
        let (done, watch) = std::sync::mpsc::channel::<()>();
        let c2 = c.clone();
        let dog = std::thread::spawn(move || {
            if watch.recv_timeout(Duration::from_secs(10)).is_err() {
                c2.interrupt();
            }
        });
        let t = Instant::now();
        let r = c.call(l, spin, b"x");
        let took = t.elapsed();
        done.send(()).unwrap();
        dog.join().unwrap();
        let e = r.expect_err("the spin must time out");
        assert_eq!(e.kind, ErrorKind::Limit, "round {round}: {}", e.message);
        assert!(e.message.contains("timeout"), "{}", e.message);
        assert!(
            took < Duration::from_millis(2000),
            "round {round}: {took:?}"
        );
    }
}
