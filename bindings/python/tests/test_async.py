"""Deferred host answers and started (async) calls: cur_async.wasm (fetch_double, fetch_sum,
ready_now) with a host.slow_double that answers later, and sync guests waiting for a deferred
answer (greeter 0.5.4, cur_greeter 0.24.1)."""

from __future__ import annotations

import asyncio
import os
import queue
import selectors
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import packr
from packr import Result, Value

REPO = Path(__file__).resolve().parents[3]
GUESTS = Path(os.environ.get("PACKR_GUEST_DIR", REPO / "target" / "guests" / "wasm"))


def guest(name: str) -> str:
    return str(GUESTS / f"{name}.wasm")


def s64(n: int) -> bytes:
    return Value.s64(n).encode()


def as_s64(b: bytes) -> int:
    return Value.decode(b).as_s64()


def async_composition(timeout_ms: int = 0):
    """cur_async.wasm with host.slow_double deferring every answer into the returned queue of
    (n, Completion)."""
    q: queue.Queue = queue.Queue()

    def slow_double(data: bytes, reply: packr.HostReply):
        q.put((Value.decode(data).as_s64(), reply.defer()))

    with packr.Builder() as b:
        b.add_package_file("a", guest("cur_async"))
        b.add_host_function_reply("host", "slow_double", slow_double)
        b.set_timeout_ms(timeout_ms)
        return b.build(), q


def take(q: queue.Queue):
    return q.get(timeout=10)


def test_call_start_poll_fileno_and_an_answer_from_another_thread():
    c, q = async_composition()
    with c, c.call_start("a", "fetch_double", s64(21)) as call:
        assert call.pending
        assert call.poll() is None
        assert call.wait(0.001) is None
        fd = call.fileno()
        assert fd >= 0
        sel = selectors.DefaultSelector()
        sel.register(call, selectors.EVENT_READ)  # a Call is a file object (fileno())
        assert sel.select(0) == []
        n, done = take(q)
        assert n == 21

        def answer():
            with done:
                done.complete(Value.s64(2 * n))

        t = threading.Thread(target=answer)
        t.start()
        assert len(sel.select(10)) == 1
        t.join()
        sel.close()
        assert as_s64(call.poll()) == 42
        assert not call.pending
        assert call.fileno() == -1
        assert as_s64(call.wait()) == 42  # the outcome stays
        assert call.wait_value().as_s64() == 42

        # An export that does not wait has finished when call_start returns.
        with c.call_start_value("a", "ready_now", Value.string("now")) as now:
            assert not now.pending
            assert now.poll_value().as_string() == "now"
        with pytest.raises(packr.NotFoundError):
            c.call_start("a", "nope", s64(1))


def test_many_parked_calls_answered_from_a_thread_pool():
    c, q = async_composition()
    n = 40
    calls = [c.call_start("a", "fetch_sum", s64(i)) for i in range(n)]
    assert all(call.pending for call in calls)

    def answer(_):
        k, done = take(q)
        with done:
            done.complete(s64(2 * k))

    # Every call parks twice (two sequential awaits); the answers come from 4 threads while
    # this thread waits on each call.
    with ThreadPoolExecutor(4) as pool:
        answered = pool.map(answer, range(2 * n))
        results = [as_s64(call.wait(30)) for call in calls]
        list(answered)
    assert results == [2 * i + 2 * (i + 1) for i in range(n)]
    for call in calls:
        call.close()
    c.close()


def test_misuse():
    c, q = async_composition()
    # Answered twice; then fail.
    call = c.call_start("a", "fetch_double", s64(1))
    _, done = take(q)
    done.complete(s64(2))
    with pytest.raises(packr.InvalidArgumentError):
        done.complete(s64(2))
    with pytest.raises(packr.InvalidArgumentError):
        done.fail("late")
    done.close()
    done.close()  # twice is fine
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        done.complete(s64(2))
    assert as_s64(call.wait(10)) == 2
    call.close()

    # fail(): HostError with the message, again on every poll.
    call = c.call_start("a", "fetch_double", s64(1))
    _, done = take(q)
    with done:
        done.fail("the disk is on fire")
    with pytest.raises(packr.HostError, match="the disk is on fire") as e:
        call.wait()
    assert "a.fetch_double" in e.value.message
    with pytest.raises(packr.HostError):
        call.poll()
    call.close()

    # Closed unanswered (the garbage collector would do the same).
    call = c.call_start("a", "fetch_double", s64(1))
    take(q)[1].close()
    with pytest.raises(packr.HostError, match="without completing"):
        call.wait()
    call.close()

    # Not CGRF.
    call = c.call_start("a", "fetch_double", s64(1))
    with take(q)[1] as done:
        done.complete(b"not cgrf")
    with pytest.raises(packr.DecodeError):
        call.wait()
    call.close()

    # The call closed while it waits: the late answer is refused.
    call = c.call_start("a", "fetch_double", s64(1))
    _, done = take(q)
    call.close()
    with pytest.raises(packr.NotFoundError):
        done.complete(s64(2))
    done.close()
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        call.poll()
    assert not call.pending and call.fileno() == -1

    # A short wait leaves the call pending.
    with c.call_start("a", "fetch_double", s64(5)) as call:
        assert call.wait(0.01) is None
        assert call.pending
        with take(q)[1] as done:
            done.complete(s64(10))
        assert as_s64(call.wait()) == 10
    c.close()


def test_timeout_and_interrupt():
    c, q = async_composition(timeout_ms=150)
    with c, c.call_start("a", "fetch_double", s64(1)) as call:
        _, late = take(q)
        with pytest.raises(packr.LimitError, match="timeout"):
            call.wait()
        with pytest.raises(packr.NotFoundError):
            late.complete(s64(2))
        late.close()

    c, q = async_composition()
    with c, c.call_start("a", "fetch_double", s64(1)) as call:
        _, done = take(q)
        errors = []

        def wait():
            try:
                call.wait()
            except packr.Error as e:
                errors.append(e)

        t = threading.Thread(target=wait)
        t.start()
        c.interrupt()
        t.join(30)
        assert len(errors) == 1 and isinstance(errors[0], packr.InterruptError), errors
        with pytest.raises(packr.NotFoundError):
            done.complete(s64(2))
        done.close()


@pytest.mark.parametrize("wasm,imp,export,want", [
    ("greeter", "greet", "hello", "Later, bob!"),
    ("cur_greeter", "lookup", "greet", "Hello, Later, bob!"),
])
def test_deferred_answer_to_sync_guests(wasm, imp, export, want):
    q: queue.Queue = queue.Queue()
    seen = {}

    def ask(data: bytes, reply: packr.HostReply):
        done = reply.defer()
        try:
            reply.defer()
        except packr.InvalidArgumentError as e:
            seen["twice"] = e  # (raising here would be ignored: the answer is deferred)
        seen["reply"] = reply
        q.put((Value.decode(data).as_string(), done))
        return b"ignored: the answer was deferred"

    with packr.Builder() as b:
        b.add_package_file("g", guest(wasm))
        b.add_host_function_reply("host", imp, ask)
        b.add_host_function("host", "log", lambda _: None)
        if wasm == "cur_greeter":
            b.add_host_function("host", "try_lookup", lambda _: None)
        c = b.build()

    def answer(fail=False):
        name, done = take(q)
        with done:
            if fail:
                done.fail(f"no answer for {name}")
            else:
                done.complete(Value.string(f"Later, {name}"))

    t = threading.Thread(target=answer)
    t.start()
    assert c.call_value("g", export, Value.string("bob")).as_string() == want
    t.join()
    assert isinstance(seen.get("twice"), packr.InvalidArgumentError)
    with pytest.raises(packr.InvalidArgumentError, match="returned"):
        seen["reply"].defer()

    # call_start of a sync guest waits too, and returns a finished call.
    t = threading.Thread(target=answer, kwargs={"fail": True})
    t.start()
    with c.call_start_value("g", export, Value.string("eve")) as call:
        t.join()
        assert not call.pending
        with pytest.raises(packr.HostError, match="no answer for eve"):
            call.wait()
    c.close()


def test_call_async_on_an_event_loop():
    c, q = async_composition()

    async def main():
        loop = asyncio.get_running_loop()
        # Answers from another thread, while the loop waits on the calls' descriptors.
        stop = threading.Event()

        def answerer():
            while not stop.is_set():
                try:
                    k, done = q.get(timeout=0.05)
                except queue.Empty:
                    continue
                with done:
                    done.complete(s64(2 * k))

        t = threading.Thread(target=answerer)
        t.start()
        try:
            outs = await asyncio.gather(*(c.call_async("a", "fetch_sum", s64(i)) for i in range(16)))
            v = await c.call_value_async("a", "fetch_double", Value.s64(4))
        finally:
            stop.set()
            await loop.run_in_executor(None, t.join)
        assert [as_s64(o) for o in outs] == [2 * i + 2 * (i + 1) for i in range(16)]
        assert v.as_s64() == 8

        # An answer produced on the loop itself: the loop is not blocked while the call waits.
        task = asyncio.ensure_future(c.call_async("a", "fetch_double", s64(50)))
        while q.empty():
            await asyncio.sleep(0.01)
        k, done = q.get()
        with done:
            done.complete(s64(2 * k))
        assert as_s64(await task) == 100

        # Cancelling abandons the call: the late answer is refused.
        task = asyncio.ensure_future(c.call_async("a", "fetch_double", s64(7)))
        while q.empty():
            await asyncio.sleep(0.01)
        _, done = q.get()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        with pytest.raises(packr.NotFoundError):
            done.complete(s64(14))
        done.close()

        # Failures raise; interrupt() wakes a waiting call_async.
        task = asyncio.ensure_future(c.call_async("a", "fetch_double", s64(1)))
        while q.empty():
            await asyncio.sleep(0.01)
        _, done = q.get()
        c.interrupt()
        with pytest.raises(packr.InterruptError):
            await task
        done.close()

    asyncio.run(main())
    c.close()


def test_call_async_timeout():
    c, q = async_composition(timeout_ms=150)

    async def main():
        with pytest.raises(packr.LimitError, match="timeout"):
            await c.call_async("a", "fetch_double", s64(1))

    asyncio.run(main())
    take(q)[1].close()
    c.close()


def test_pending_code_set_contains_generation_names():
    assert Result.PENDING == 14 and str(Result.PENDING) == "PACKR_RESULT_PENDING"
    e = packr.Error(14, "still waiting")
    assert isinstance(e, packr.PendingError) and e.code == Result.PENDING
    s = Value.parse('set<string>{"a", "c", "e"}')
    assert Value.string("c") in s
    assert Value.string("d") not in s
    assert Value.s64(1) not in s
    assert str(packr.Generation.V0_5) == "0.5" and str(packr.Generation.UNKNOWN) == "unknown"


def test_func_call_start_and_a_timeout_that_wakes_the_descriptor():
    c, q = async_composition(timeout_ms=100)
    with c:
        f = c.func("a", "fetch_double")
        call = f.call_start(s64(4))
        f.close()  # the call keeps what it needs
        with call:
            assert call.pending
            n, done = take(q)
            assert n == 4
            with done:
                done.complete(s64(8))
            assert as_s64(call.wait(10)) == 8
        # Nobody answers: the 100 ms timeout alone makes the descriptor readable. An event
        # loop: wait for readiness, poll, repeat (a wake-up may be spurious).
        with c.call_start("a", "fetch_double", s64(1)) as call:
            _, done = take(q)
            sel = selectors.DefaultSelector()
            sel.register(call, selectors.EVENT_READ)
            with pytest.raises(packr.LimitError):
                for _ in range(100):
                    assert len(sel.select(10)) == 1, "the timeout did not wake the descriptor"
                    call.poll()
            sel.close()
            done.close()
