//! Async packr-guest 0.24.1 packages (tests/guests/rust-current/cur_async): host functions that
//! answer later, from another thread, through a completion; blocking calls that wait for it,
//! and started calls that park and are polled.

use packr::runtime::{
    Builder, Completion, Composition, ErrorKind, HostAnswer, HostFn, PendingCall,
};
use packr::value::{Value, decode, encode};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;
use common::guest;

/// A host function that defers every answer and hands (input, completion) to the test.
struct Deferring(Mutex<Sender<(Value, Arc<Completion>)>>);

impl HostFn for Deferring {
    fn call(&self, _: &[u8]) -> Result<Vec<u8>, String> {
        Err("only call_or_defer is used".into())
    }
    fn call_or_defer(&self, input: &[u8]) -> Result<HostAnswer, String> {
        let c = Completion::new();
        let v = decode(input).map_err(|e| e.to_string())?;
        self.0.lock().unwrap().send((v, c.clone())).unwrap();
        Ok(HostAnswer::Deferred(c))
    }
}

fn composition(timeout_ms: u64) -> (Composition, Receiver<(Value, Arc<Completion>)>) {
    let (tx, rx) = channel();
    let mut b = Builder::new();
    b.add_package("a", &guest("cur_async")).unwrap();
    b.add_host_function("host", "slow_double", Arc::new(Deferring(Mutex::new(tx))));
    b.set_timeout_ms(timeout_ms);
    (b.build().unwrap(), rx)
}

fn s64(n: i64) -> Vec<u8> {
    encode(&Value::S64(n)).unwrap()
}

fn start(c: &Composition, f: &str, n: i64) -> PendingCall {
    let (p, e) = c.resolve("a", f).unwrap();
    c.start(p, e, &s64(n)).unwrap()
}

#[test]
fn a_started_call_parks_and_finishes_when_the_host_answers() {
    let (c, rx) = composition(0);
    let mut call = start(&c, "fetch_double", 21);
    assert!(call.is_pending());
    assert!(call.poll().is_none(), "nothing answered yet");
    let (arg, done) = rx.recv().unwrap();
    assert_eq!(arg, Value::S64(21));
    // Answer from another thread.
    std::thread::spawn(move || done.complete(Ok(s64(42))).unwrap())
        .join()
        .unwrap();
    let out = call
        .wait(Some(Duration::from_secs(10)))
        .unwrap()
        .clone()
        .unwrap();
    assert_eq!(decode(&out).unwrap(), Value::S64(42));
    assert!(!call.is_pending());
    // The instances went back to the pool in good order: a second call works.
    let mut again = start(&c, "ready_now", 5);
    assert!(!again.is_pending());
    assert_eq!(
        decode(&again.take().unwrap().unwrap()).unwrap(),
        Value::S64(5)
    );
}

#[test]
fn two_sequential_awaits_park_twice() {
    let (c, rx) = composition(0);
    let mut call = start(&c, "fetch_sum", 10);
    let (a, ca) = rx.recv().unwrap();
    assert_eq!(a, Value::S64(10));
    ca.complete(Ok(s64(20))).unwrap();
    assert!(call.poll().is_none(), "parked on the second import");
    let (b, cb) = rx.recv().unwrap();
    assert_eq!(b, Value::S64(11));
    cb.complete(Ok(s64(22))).unwrap();
    let out = call.wait(None).unwrap().clone().unwrap();
    assert_eq!(decode(&out).unwrap(), Value::S64(42));
}

#[test]
fn a_blocking_call_waits_for_an_answer_from_another_thread() {
    let (c, rx) = composition(0);
    let answerer = std::thread::spawn(move || {
        let (v, done) = rx.recv().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let Value::S64(n) = v else { panic!("{v:?}") };
        done.complete(Ok(s64(2 * n))).unwrap();
    });
    let (p, e) = c.resolve("a", "fetch_double").unwrap();
    let out = c.call(p, e, &s64(8)).unwrap();
    assert_eq!(decode(&out).unwrap(), Value::S64(16));
    answerer.join().unwrap();
}

#[test]
fn completions_that_fail_come_twice_or_never_come_are_errors() {
    let (c, rx) = composition(200);
    // A failed answer.
    let mut call = start(&c, "fetch_double", 1);
    let (_, done) = rx.recv().unwrap();
    done.complete(Err("the disk is on fire".into())).unwrap();
    // Twice.
    assert!(done.complete(Ok(s64(2))).is_err());
    let e = call.wait(None).unwrap().clone().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Host);
    assert!(e.message.contains("the disk is on fire"), "{}", e.message);
    assert!(e.message.contains("a.fetch_double"), "{}", e.message);
    // Never: the call's 200 ms timeout ends the wait.
    let mut call = start(&c, "fetch_double", 1);
    let (_, late) = rx.recv().unwrap();
    let e = call.wait(None).unwrap().clone().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit, "{}", e.message);
    // Completing after the call ended is refused, not lost silently.
    assert!(late.complete(Ok(s64(2))).is_err());
    // Abandoned by the host: the waiting call fails at once.
    let mut call = start(&c, "fetch_double", 3);
    let (_, dropped) = rx.recv().unwrap();
    dropped.abandon();
    let e = call.wait(None).unwrap().clone().unwrap_err();
    assert!(e.message.contains("without completing"), "{}", e.message);
    // The composition still works.
    let mut ok = start(&c, "ready_now", 7);
    assert_eq!(decode(&ok.take().unwrap().unwrap()).unwrap(), Value::S64(7));
}

#[test]
fn interrupt_ends_a_wait_and_dropping_a_parked_call_frees_it() {
    let (c, rx) = composition(0);
    let mut call = start(&c, "fetch_double", 4);
    let (_, pending) = rx.recv().unwrap();
    let c2 = c.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        c2.interrupt();
    });
    let e = call.wait(None).unwrap().clone().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Interrupted, "{}", e.message);
    t.join().unwrap();
    assert!(pending.complete(Ok(s64(8))).is_err());
    // A parked call dropped before its answer.
    let call = start(&c, "fetch_double", 5);
    let (_, orphan) = rx.recv().unwrap();
    drop(call);
    assert!(orphan.complete(Ok(s64(10))).is_err());
    let mut ok = start(&c, "ready_now", 9);
    assert_eq!(decode(&ok.take().unwrap().unwrap()).unwrap(), Value::S64(9));
}

#[test]
fn an_answer_that_is_not_cgrf_fails_the_call_naming_it() {
    let (c, rx) = composition(0);
    let mut call = start(&c, "fetch_double", 1);
    let (_, done) = rx.recv().unwrap();
    done.complete(Ok(b"not cgrf".to_vec())).unwrap();
    let e = call.wait(None).unwrap().clone().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode, "{}", e.message);
}

#[test]
fn sync_guests_of_both_generations_wait_for_deferred_answers() {
    for (pkg, import, export) in [
        ("greeter", "greet", "hello"),
        ("cur_greeter", "lookup", "greet"),
    ] {
        let (tx, rx) = channel();
        let mut b = Builder::new();
        b.add_package("g", &guest(pkg)).unwrap();
        b.add_host_function("host", import, Arc::new(Deferring(Mutex::new(tx))));
        for (m, n) in [("host", "try_lookup"), ("host", "log")] {
            b.add_host_function(
                m,
                n,
                Arc::new(|_: &[u8]| Ok(encode(&Value::unit()).unwrap())),
            );
        }
        let c = match b.build() {
            Ok(c) => c,
            Err(e) => panic!("{pkg}: {e}"),
        };
        let t = std::thread::spawn(move || {
            let (_, done) = rx.recv().unwrap();
            done.complete(Ok(encode(&Value::string("X")).unwrap()))
                .unwrap();
        });
        let (p, e) = c.resolve("g", export).unwrap();
        let out = c.call(p, e, &encode(&Value::string("ann")).unwrap());
        t.join().unwrap();
        let out = out.unwrap_or_else(|e| panic!("{pkg}: {e}"));
        let Value::String(s) = decode(&out).unwrap() else {
            panic!()
        };
        assert!(s.contains('X'), "{pkg}: {s}");
    }
}

#[test]
fn polling_notices_interrupts_and_deadlines() {
    let (c, rx) = composition(0);
    let mut call = start(&c, "fetch_double", 1);
    let _pending = rx.recv().unwrap();
    assert!(call.poll().is_none());
    c.interrupt();
    let e = call.poll().unwrap().clone().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Interrupted, "{}", e.message);

    let (c, rx) = composition(50);
    let mut call = start(&c, "fetch_double", 1);
    let _pending = rx.recv().unwrap();
    std::thread::sleep(Duration::from_millis(80));
    let e = call.poll().unwrap().clone().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit, "{}", e.message);
}

/// Waits up to `ms` for `fd` to become readable.
fn readable_within(fd: i32, ms: i32) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut p, 1, ms) };
    n == 1 && p.revents & libc::POLLIN != 0
}

#[test]
fn a_parked_calls_descriptor_wakes_when_its_timeout_passes() {
    // An event loop that only watches the descriptor must learn of the timeout: the answer
    // never comes, so only the deadline can make the descriptor readable.
    let (c, rx) = composition(100);
    let mut call = start(&c, "fetch_double", 1);
    let _pending = rx.recv().unwrap();
    assert!(call.poll().is_none());
    let fd = call.fd().unwrap();
    assert!(!readable_within(fd, 0), "nothing has happened yet");
    assert!(
        readable_within(fd, 10_000),
        "the 100 ms timeout did not wake the descriptor within 10 s"
    );
    let e = call.poll().unwrap().clone().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit, "{}", e.message);
}

#[test]
fn an_earlier_calls_deadline_does_not_wake_the_next_call_on_the_same_instances() {
    let (c, rx) = composition(200);
    // Call 1 parks (its deadline alarm is set), is answered at once and finishes; its
    // instances go back to the pool.
    let mut first = start(&c, "fetch_double", 1);
    let (_, done) = rx.recv().unwrap();
    done.complete(Ok(s64(2))).unwrap();
    assert!(first.wait(Some(Duration::from_secs(10))).unwrap().is_ok());
    drop(first);
    std::thread::sleep(Duration::from_millis(150));
    // Call 2 runs on the same instances; call 1's deadline passes 50 ms into it.
    let mut second = start(&c, "fetch_double", 1);
    let _pending = rx.recv().unwrap();
    assert!(second.poll().is_none());
    let fd = second.fd().unwrap();
    assert!(
        !readable_within(fd, 100),
        "woken by the previous call's deadline"
    );
    assert!(
        readable_within(fd, 10_000),
        "its own deadline did not wake it"
    );
    let e = second.poll().unwrap().clone().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit, "{}", e.message);
}
