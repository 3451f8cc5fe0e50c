"""Tests of the Python bindings against the real guests (tests/guests, built into
target/guests/wasm by tests/guests/build.sh)."""

from __future__ import annotations

import contextlib
import gc
import io
import math
import os
import re
import struct
import threading
import time
from pathlib import Path

import pytest

import packr
from packr import Kind, Result, Type, Value

REPO = Path(__file__).resolve().parents[3]
GUESTS = Path(os.environ.get("PACKR_GUEST_DIR", REPO / "target" / "guests" / "wasm"))

if not (GUESTS / "doubler.wasm").exists():
    pytest.exit(f"packr tests need the guests in {GUESTS}: run tests/guests/build.sh", returncode=2)


def guest(name: str) -> str:
    return str(GUESTS / f"{name}.wasm")


def s64(n: int) -> bytes:
    return Value.s64(n).encode()


def as_s64(b: bytes) -> int:
    return Value.decode(b).as_s64()


def build(*packages, wires=(), hosts=(), fuel=None, timeout=None, memory=None) -> packr.Composition:
    b = packr.Builder()
    for p in packages:
        b.add_package_file(p, guest(p))
    for w in wires:
        b.wire(*w)
    for module, name, fn in hosts:
        b.add_host_function(module, name, fn)
    if fuel is not None:
        b.set_fuel(fuel)
    if timeout is not None:
        b.set_timeout(timeout)
    if memory is not None:
        b.set_memory_limit(memory)
    return b.build()


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", packr.version())


def test_doubler():
    with build("doubler") as c:
        assert as_s64(c.call("doubler", "double", s64(21))) == 42
        with c.func("doubler", "double") as f:
            assert f.call_value(Value.s64(-8)).as_s64() == -16
            assert f(Value.s64(4)).as_s64() == 8
            assert as_s64(f(s64(5))) == 10
        assert c.packages == ["doubler"]
        # A 1-tuple is not accepted by a one-parameter export: the guest's message comes through.
        with pytest.raises(packr.GuestError, match="failed to convert parameter") as ei:
            c.call_value("doubler", "double", Value.tuple(Value.s64(21)))
        assert ei.value.code == Result.GUEST
        with pytest.raises(packr.NotFoundError, match="triple"):
            c.call("doubler", "triple", s64(1))
        with pytest.raises(packr.NotFoundError):
            c.call("nobody", "double", s64(1))
        with pytest.raises(packr.NotFoundError):
            c.func("doubler", "nope")


def test_adder_wired_to_doubler():
    b = packr.Builder()
    b.add_package_file("adder", guest("adder"))
    b.add_package("doubler", Path(guest("doubler")).read_bytes())
    b.wire("adder", "math", "double", "doubler", "double")
    with b.build() as c:
        for n, want in [(5, 11), (-7, -13), (0, 1)]:
            assert as_s64(c.call("adder", "process", s64(n))) == want
        assert c.packages == ["adder", "doubler"]


class Greeter:
    """Host functions for greeter: greet answers "Hello, <name>", raises for "mallory", fails
    in other ways for "boom"/"exit"/"garbage"; log counts its calls."""

    def __init__(self):
        self.logs = 0
        self.lock = threading.Lock()

    def greet(self, data: bytes):
        name = Value.decode(data).as_string()
        if name == "mallory":
            raise RuntimeError("no greeting for mallory")
        if name == "boom":
            return {}["missing key"]  # KeyError
        if name == "exit":
            raise SystemExit(3)  # even BaseException must not escape into C
        if name == "garbage":
            return b"this is not CGRF"
        if name == "wrongtype":
            return 42
        return Value.string("Hello, " + name)

    def log(self, data: bytes):
        with self.lock:
            self.logs += 1
        return None  # the unit value

    def hosts(self):
        return [("host", "greet", self.greet), ("host", "log", self.log)]


def hello(c, name: str) -> str:
    return c.call_value("greeter", "hello", Value.string(name)).as_string()


def test_greeter_host_functions():
    g = Greeter()
    with build("greeter", hosts=g.hosts()) as c:
        assert hello(c, "bob") == "Hello, bob!"
        assert c.call_value("greeter", "log_twice", Value.string("twice")).as_u32() == 2
        assert g.logs == 2

        # A host function raising: HostError, code HOST, with the exception's text.
        with pytest.raises(packr.Error) as ei:
            hello(c, "mallory")
        assert isinstance(ei.value, packr.HostError)
        assert ei.value.code == Result.HOST and str(ei.value.code) == "PACKR_RESULT_HOST"
        assert "RuntimeError: no greeting for mallory" in ei.value.message
        assert str(ei.value).startswith("PACKR_RESULT_HOST: ")

        with pytest.raises(packr.HostError, match="KeyError"):
            hello(c, "boom")
        with pytest.raises(packr.HostError, match="SystemExit"):
            hello(c, "exit")
        with pytest.raises(packr.HostError, match="TypeError"):
            hello(c, "wrongtype")
        # Output that is not CGRF is caught before it reaches the guest.
        with pytest.raises(packr.DecodeError):
            hello(c, "garbage")
        # The composition recovers after each failure.
        assert hello(c, "alice") == "Hello, alice!"


def test_host_function_calls_back_into_composition():
    box = {}

    def greet(data):
        name = Value.decode(data).as_string()
        n = box["c"].call_value("doubler", "double", Value.s64(len(name)))
        return Value.string(f"{name} has {n}")

    with build("greeter", "doubler", hosts=[("host", "greet", greet), ("host", "log", lambda d: None)]) as c:
        box["c"] = c
        assert hello(c, "bob") == "bob has 6!"
    box.clear()


def sym(s):
    return Value.variant("expr", "sym", 0, Value.string(s))


def num(n):
    return Value.variant("expr", "num", 1, Value.s64(n))


def lst(*items):
    return Value.variant("expr", "lst", 4, Value.list(Type.variant("expr"), *items))


SEXPR_GOLDEN = ('expr::lst#4([expr::sym#0("+"), expr::num#1(1), expr::lst#4([expr::sym#0("*"), '
                'expr::num#1(2), expr::num#1(3)])])')


def test_sexpr_eval():
    with build("sexpr") as c:
        e = lst(sym("+"), num(1), lst(sym("*"), num(2), num(3)))
        assert str(e) == SEXPR_GOLDEN
        assert e == Value.parse(SEXPR_GOLDEN)

        r = c.call_value("sexpr", "eval", e)
        assert (r.kind, r.type_name, r.case_name, r.tag) == (Kind.VARIANT, "expr", "num", 1)
        assert r[0].as_s64() == 7
        assert c.call_value("sexpr", "count", e).as_s64() == 7
        assert c.call_value("sexpr", "depth", e).as_s64() == 3

        te = c.call_value("sexpr", "try_eval", e)
        assert te.kind == Kind.RESULT and not te.is_err and te[0].as_s64() == 7
        assert te.ok_type.kind == Kind.S64 and te.err_type.kind == Kind.STRING

        bad = lst(sym("frob"), num(1))
        assert str(c.call_value("sexpr", "eval", bad)) == 'expr::sym#0("error: unknown symbol: frob")'
        with pytest.raises(packr.GuestError, match="eval error: unknown symbol: frob"):
            c.call_value("sexpr", "eval_strict", bad)
        with pytest.raises(packr.GuestError, match="decode error"):
            c.call("sexpr", "eval_strict", b"junk")


def test_types_metadata():
    g = Greeter()
    with build("greeter", hosts=g.hosts()) as c:
        md = c.types("greeter")
        assert md.kind == Kind.RECORD and md.type_name == "package-metadata"

        def names(lst):
            out = []
            for f in lst:
                n = f.field("name").as_string()
                iface = f.field("interface")
                if iface is not None and iface.as_string():
                    n = iface.as_string() + "." + n
                out.append(n)
            return sorted(out)

        assert names(md.field("exports")) == ["hello", "log_twice"]
        assert names(md.field("imports")) == ["host.greet", "host.log"]
        hello_md = next(f for f in md.field("exports") if f.field("name").as_string() == "hello")
        param = hello_md.field("params")[0]
        assert param.field("name").as_string() == "name"
        assert param.field("type").case_name == "string"
        assert [n for n, _ in md.fields()][:1] != []
        assert Value.decode(c.types_bytes("greeter")) == md
        with pytest.raises(packr.NotFoundError):
            c.types("nobody")


def test_concurrent_calls():
    c = build("adder", "doubler", wires=[("adder", "math", "double", "doubler", "double")])
    f = c.func("doubler", "double")
    threads, calls = 8, 1000
    bad, errors, done = [], [], []

    def worker(t):
        try:
            for i in range(calls):
                n = t * 100000 + i
                if i % 3 == 0:
                    got, want = as_s64(f.call(s64(n))), 2 * n
                elif i % 3 == 1:
                    got, want = as_s64(c.call("doubler", "double", s64(n))), 2 * n
                else:
                    got, want = as_s64(c.call("adder", "process", s64(n))), 2 * n + 1
                if got != want:
                    bad.append((n, got, want))
                done.append(1)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    f.close()
    c.close()
    assert not errors and not bad
    assert len(done) == threads * calls


def test_concurrent_host_callbacks():
    g = Greeter()
    bad = []
    with build("greeter", hosts=g.hosts()) as c:
        def worker(t):
            for i in range(200):
                if i % 50 == 7:
                    try:
                        hello(c, "mallory")
                        bad.append("no error")
                    except packr.HostError:
                        pass
                    continue
                name = f"t{t}-{i}"
                if hello(c, name) != f"Hello, {name}!":
                    bad.append(name)

        ts = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    assert not bad


def test_close_during_concurrent_calls():
    """close() while 8 threads call in a loop: each call succeeds or reports "closed"."""
    g = Greeter()
    c = build("greeter", hosts=g.hosts())
    f = c.func("greeter", "hello")
    ok, closed, other = [], [], []

    def worker(t):
        while True:
            try:
                if t % 2:
                    f.call_value(Value.string("y"))
                else:
                    hello(c, "x")
                ok.append(1)
            except packr.InvalidArgumentError as e:
                (closed if "closed" in e.message else other).append(e)
                return
            except Exception as e:  # noqa: BLE001
                other.append(e)
                return

    ts = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in ts:
        t.start()
    time.sleep(0.05)
    c.close()
    f.close()
    for t in ts:
        t.join()
    assert not other and len(closed) == 8 and ok


def spin_until_interrupted(c, start_delay=0.05):
    result = {}

    def run():
        try:
            c.call("hostile", "spin", s64(0))
            result["err"] = None
        except packr.Error as e:
            result["err"] = e

    t = threading.Thread(target=run)
    t.start()
    time.sleep(start_delay)
    while t.is_alive():
        c.interrupt()
        t.join(0.005)
    return result["err"]


def test_interrupt_spin():
    with build("hostile", timeout=30) as c:  # the timeout is a backstop: we want INTERRUPTED
        c.interrupt()  # not sticky: nothing runs, nothing happens
        err = spin_until_interrupted(c)
        assert isinstance(err, packr.InterruptError) and err.code == Result.INTERRUPTED
        assert as_s64(c.call("hostile", "busy", s64(1000))) == 1000


def test_interrupt_after_close_while_running():
    c = build("hostile")
    busy = c.func("hostile", "busy")
    result = {}

    def run():
        try:
            c.call("hostile", "spin", s64(0))
        except packr.Error as e:
            result["err"] = e

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.05)
    c.close()
    c.close()
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        c.call("hostile", "busy", s64(1))
    while t.is_alive():
        c.interrupt()  # still reaches the running call
        t.join(0.005)
    assert result["err"].code == Result.INTERRUPTED
    assert as_s64(busy.call(s64(7))) == 7  # the Func holds the composition
    busy.close()
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        busy.call(s64(1))


def test_limits():
    with build("hostile", fuel=5_000_000, memory=64 << 20) as c:
        with pytest.raises(packr.LimitError):
            c.call("hostile", "spin", s64(0))
        assert as_s64(c.call("hostile", "busy", s64(100))) == 100
        with pytest.raises(packr.LimitError, match="memory limit"):
            c.call("hostile", "try_grow", s64(1000))
        assert as_s64(c.call("hostile", "grow", s64(4))) == 4 << 20
    with build("hostile", timeout=0.1) as c:
        t0 = time.monotonic()
        with pytest.raises(packr.LimitError):
            c.call("hostile", "spin", s64(0))
        assert time.monotonic() - t0 < 5
    b = packr.Builder()
    b.set_value_limits(max_bytes=1 << 20, max_nodes=1000, max_depth=100)
    b.close()


def test_builder_errors():
    b = packr.Builder()
    with pytest.raises(packr.CompileError):
        b.add_package("junk", b"not wasm at all")
    with pytest.raises(packr.IoError, match="/nonexistent/x.wasm"):
        b.add_package_file("missing", "/nonexistent/x.wasm")
    with pytest.raises(packr.InvalidArgumentError, match="NUL"):
        b.add_package_file("a\0b", guest("doubler"))
    with pytest.raises(packr.InvalidArgumentError):
        b.add_package("", b"")
    with pytest.raises(TypeError):
        b.add_host_function("host", "x", None)
    b.close()
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        b.add_package_file("doubler", guest("doubler"))
    b.close()

    b = packr.Builder()
    b.add_package_file("greeter", guest("greeter"))
    with pytest.raises(packr.LinkError):
        b.build()
    with pytest.raises(packr.InvalidArgumentError, match="already built"):
        b.build()

    b = packr.Builder()
    b.add_package_file("adder", Path(guest("adder")))  # a PathLike works too
    b.wire("adder", "math", "double", "nobody", "double")
    with pytest.raises(packr.LinkError, match="nobody"):
        b.build()


def test_codes_and_errors():
    for code in Result:
        assert str(code) == "PACKR_RESULT_" + code.name
        e = packr.Error(code, "m")
        assert e.code == code and e.message == "m" and isinstance(e, packr.Error)
        if code != Result.OK:
            assert type(e).code == code
    assert packr._errors.result_name(99) == "PACKR_RESULT_UNKNOWN"
    assert isinstance(packr.Error(1, "x"), ValueError)
    assert packr.HostError("text").message == "text"
    assert packr.HostError("text").code == Result.HOST
    assert repr(packr.Error(5, "boom")) == "TrapError(PACKR_RESULT_TRAP, 'boom')"
    assert str(Kind.S64) == "s64"


def every_kind():
    """(value, text) for each kind, plus edge cases."""
    return [
        (Value.bool(True), "true"),
        (Value.u8(255), "255u8"),
        (Value.u16(4660), "4660u16"),
        (Value.u32(2**32 - 1), "4294967295u32"),
        (Value.u64(2**64 - 1), "18446744073709551615u64"),
        (Value.s8(-128), "-128s8"),
        (Value.s16(-2), "-2s16"),
        (Value.s32(-1), "-1s32"),
        (Value.s64(42), "42"),
        (Value.f32(1.5), "1.5f32"),
        (Value.f32(-0.0), "-0.0f32"),
        (Value.f32_bits(0xFFC00001), "nan_f32(0xffc00001)"),
        (Value.f64(-math.inf), "-inf_f64"),
        (Value.f64(5e-324), "5e-324f64"),
        (Value.char("'"), r"'\''"),
        (Value.char(0x4E16), "'世'"),
        (Value.string('héllo\n"世界"'), r'"héllo\n\"世界\""'),
        (Value.string("a\0b\x1b"), r'"a\0b\u{1b}"'),
        (Value.flags(0x2B), "flags(0x2b)"),
        (Value.tuple(), "()"),
        (Value.tuple(Value.s64(1)), "(1,)"),
        (Value.tuple(Value.s32(7), Value.string("x"), Value.bool(True)), '(7s32, "x", true)'),
        (Value.list(Type.s32(), Value.s32(1), Value.s32(2)), "[1s32, 2s32]"),
        (Value.list("s32"), "list<s32>[]"),
        (Value.list(Type.string(), Value.s64(1)), "list<string>[1]"),
        (Value.some(Type.s32(), Value.s32(7)), "some(7s32)"),
        (Value.none(Type.list(Type.string())), "none<list<string>>"),
        (Value.ok("s32", "string", Value.s32(1)), "ok<_, string>(1s32)"),
        (Value.err(Type.s32(), Type.string(), Value.string("bad")), 'err<s32, _>("bad")'),
        (Value.record("point", {"x": Value.s32(1), "y": Value.s32(2)}), "point{x: 1s32, y: 2s32}"),
        (Value.record("empty"), "empty{}"),
        (Value.record("", [("field name", Value.s64(1))]), '""{"field name": 1}'),
        (Value.variant("color", "red", 0), "color::red#0"),
        (Value.variant("shape", "circle", 1, Value.f64(2.5)), "shape::circle#1(2.5f64)"),
        (Value.variant("msg", "pair", 3, Value.s32(1), Value.string("z")), 'msg::pair#3(1s32, "z")'),
        (Value.variant("t", "c", 4294967301), "t::c#4294967301"),
    ]


def test_value_round_trips():
    kinds = set()
    with build("echo") as c:
        for v, text in every_kind():
            kinds.add(v.kind)
            assert v.text() == text
            enc = v.encode()
            dec = Value.decode(enc)
            if v.kind == Kind.VARIANT and v.tag > 0xFFFFFFFF:
                assert dec.tag == v.tag & 0xFFFFFFFF  # CGRF carries 32 bits of a tag
            else:
                assert dec == v, text
            parsed = Value.parse(text)
            assert parsed == v and parsed.encode() == enc
            assert v.clone() == v
            if not (v.kind == Kind.TUPLE and len(v) == 1):  # echo unwraps a 1-tuple
                assert c.call("echo", "echo", enc) == enc, text
    assert len(kinds) == 20


def test_value_accessors():
    assert Value.bool(True).as_bool() is True
    assert Value.u8(200).as_u8() == 200
    assert Value.u16(60000).as_u16() == 60000
    assert Value.u32(4_000_000_000).as_u32() == 4_000_000_000
    assert Value.u64(2**63).as_u64() == 2**63
    assert Value.s8(-100).as_s8() == -100
    assert Value.s16(-30000).as_s16() == -30000
    assert Value.s32(-2_000_000_000).as_s32() == -2_000_000_000
    assert Value.s64(-(2**63)).as_s64() == -(2**63)
    assert Value.f32(0.1).as_f32() == struct.unpack("<f", struct.pack("<f", 0.1))[0]
    assert Value.f32_bits(0x7F800001).as_f32_bits() == 0x7F800001  # a signalling NaN survives
    assert Value.f64_bits(0x7FF0000000000001).as_f64_bits() == 0x7FF0000000000001
    assert Value.f64(2.5).as_f64() == 2.5
    assert Value.flags(2**63 + 1).as_flags() == 2**63 + 1
    assert Value.char(0x10FFFF).as_char() == "\U0010ffff"
    assert Value.string("a\0b").as_string() == "a\0b"

    with pytest.raises(packr.InvalidArgumentError, match="s32.*s64"):
        Value.s32(1).as_s64()
    with pytest.raises(packr.InvalidArgumentError):
        Value.char(0xD800)
    with pytest.raises(packr.InvalidArgumentError):
        Value.char(0x110000)
    with pytest.raises(packr.InvalidArgumentError):
        Value.string(b"bad \xff utf-8")
    with pytest.raises(packr.InvalidArgumentError):
        Value.string("lone \ud800 surrogate")
    with pytest.raises(packr.InvalidArgumentError, match="does not fit u8"):
        Value.u8(256)
    with pytest.raises(ValueError):  # InvalidArgumentError is a ValueError too
        Value.s8(-129)
    with pytest.raises(TypeError):
        Value.s64("1")

    rec = Value.record("point", [("x", Value.s32(1)), ("y", Value.s32(2))])
    assert rec.type_name == "point" and len(rec) == 2 and rec.field_name(1) == "y"
    assert rec.field("y").as_s32() == 2 and rec.field("z") is None
    assert [(n, v.as_s32()) for n, v in rec.fields()] == [("x", 1), ("y", 2)]
    with pytest.raises(packr.NotFoundError):
        rec.field_name(2)
    with pytest.raises(IndexError):
        rec[2]
    assert rec[-1].as_s32() == 2
    with pytest.raises(packr.InvalidArgumentError):
        rec.case_name
    rec.record_push("z", Value.s32(3))
    assert str(rec) == "point{x: 1s32, y: 2s32, z: 3s32}"

    va = Value.variant("shape", "circle", 7, Value.f64(2.5))
    assert (va.type_name, va.case_name, va.tag, va[0].as_f64()) == ("shape", "circle", 7, 2.5)

    res = Value.err("s32", "string", Value.string("bad"))
    assert res.is_err and len(res) == 1 and res[0].as_string() == "bad"
    assert res.ok_type == Type.s32() and res.err_type == Type.string()
    none = Value.none("s32")
    assert len(none) == 0 and none.elem_type == Type.s32() and bool(none)
    assert Value.s64(1).elem_type is None
    assert str(Value.list("s32", Value.s32(1)).elem_type) == "s32"

    # A list whose fixed-width element type disagrees with an item does not encode.
    with pytest.raises(packr.EncodeError):
        Value.list("s32", Value.string("x")).encode()


def test_value_ownership():
    x = Value.s64(1)
    tup = Value.tuple(x)
    with pytest.raises(packr.InvalidArgumentError, match="moved"):
        x.as_s64()
    with pytest.raises(packr.InvalidArgumentError, match="moved"):
        Value.tuple(x)
    x.close()
    assert str(tup) == "(1,)"

    lst_ = Value.list("s32", Value.s32(1), Value.s32(2))
    first = lst_[0]
    assert first.is_view
    first.close()  # no-op for views
    cp = Value.tuple(first)  # a view is copied
    assert str(cp) == "(1s32,)" and str(lst_) == "[1s32, 2s32]"
    lst_.push(Value.s32(3))
    with pytest.raises(packr.InvalidArgumentError, match="modified"):
        first.as_s32()
    lst_.push(lst_[0], lst_[1])  # views of itself are copied first
    assert str(lst_) == "[1s32, 2s32, 3s32, 1s32, 2s32]"
    with pytest.raises(packr.InvalidArgumentError, match="itself"):
        lst_.push(lst_)
    y = Value.s32(9)
    with pytest.raises(packr.InvalidArgumentError, match="twice"):
        lst_.push(y, y)
    assert y.as_s32() == 9  # a refused push consumes nothing
    with pytest.raises(packr.InvalidArgumentError, match="view"):
        lst_[0].push(Value.s32(1))
    with pytest.raises(packr.InvalidArgumentError):
        Value.s32(1).push(Value.s32(2))
    with pytest.raises(TypeError):
        Value.tuple(1)
    v = lst_[1]
    lst_.close()
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        v.as_s32()
    assert lst_.kind == Kind.NONE
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        len(lst_)

    nested = Value.parse("[[1, 2], [3]]")
    inner = nested[0][1]
    assert inner.as_s64() == 2
    del nested  # the view keeps its owner alive
    gc.collect()
    assert inner.as_s64() == 2
    assert [x.as_s64() for x in Value.parse("[4, 5]")] == [4, 5]
    with Value.s64(3) as v3:
        assert v3.as_s64() == 3
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        v3.as_s64()


def test_decode_and_parse_errors():
    with pytest.raises(packr.DecodeError):
        Value.decode(b"nope")
    with pytest.raises(packr.DecodeError):
        Value.decode(b"")
    with pytest.raises(packr.DecodeError, match="line 1"):
        Value.parse("[1, x]")
    with pytest.raises(packr.InvalidArgumentError, match="NUL"):
        Value.parse("[1,\0]")
    with pytest.raises(packr.DecodeError):
        Type.parse("list<")
    deep = Value.parse("((((((1,),),),),),)")
    enc = deep.encode()
    with pytest.raises(packr.LimitError):
        Value.decode(enc, max_depth=3)
    assert Value.decode(enc, max_depth=100) == deep
    assert Value.decode(bytearray(enc)) == deep


def test_types():
    lt = Type.parse("list<option<s32>>")
    assert lt.kind == Kind.LIST and len(lt) == 1 and str(lt) == "list<option<s32>>"
    assert lt[0].kind == Kind.OPTION and str(lt[0]) == "option<s32>"
    with pytest.raises(IndexError):
        lt[1]
    tt = Type.tuple(Type.u8(), "string")
    assert str(tt) == "tuple<u8, string>" and len(tt) == 2 and str(tt[-1]) == "string"
    assert str(Type.tuple()) == "tuple<>"
    assert str(Type.result(Type.s64(), Type.variant("io-error"))) == "result<s64, variant<io-error>>"
    assert Type.record("point").name == "point"
    with pytest.raises(packr.InvalidArgumentError):
        Type.s32().name
    assert Type.record("point").clone() == Type.record("point")
    assert Type.record("point") != Type.variant("point")
    assert str(Type.option(Type.f32())) == "option<f32>"
    for name in ["bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64",
                 "char", "string", "flags"]:
        t = getattr(Type, name)()
        assert str(t) == name == str(t.kind)
    et = Type.s32()
    Value.list(et)
    assert str(et) == "s32"  # types are copied, never consumed
    et.close()
    et.close()
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        Type.list(et)
    with pytest.raises(TypeError):
        Type.list(3)


def test_handle_cleanup():
    """libpackr runs each Python host function's finalizer exactly once on every path."""
    gc.collect()
    s0 = packr.host_function_stats()

    def live():
        return packr.host_function_stats()["live"] - s0["live"]

    noop = lambda data: None  # noqa: E731
    g = Greeter()

    # 1. build and close
    c = build("greeter", hosts=g.hosts())
    assert live() == 2
    c.close()
    assert live() == 0
    # 2. a builder freed without building
    b = packr.Builder()
    b.add_host_function("host", "greet", noop)
    assert live() == 1
    b.close()
    assert live() == 0
    # 3. a failed registration releases before it returns
    b = packr.Builder()
    with pytest.raises(packr.InvalidArgumentError):
        b.add_host_function(b"bad\xff", "greet", noop)
    assert live() == 0
    # 4. a failed build (a name registered twice)
    b.add_package_file("greeter", guest("greeter"))
    b.add_host_function("host", "greet", noop)
    b.add_host_function("host", "greet", noop)
    b.add_host_function("host", "log", noop)
    with pytest.raises(packr.LinkError):
        b.build()
    assert live() == 0
    # 5. a Func keeps the composition (and its host functions) alive after close()
    c = build("greeter", hosts=g.hosts())
    f = c.func("greeter", "hello")
    c.close()
    assert live() == 2
    assert f(Value.string("func")).as_string() == "Hello, func!"
    f.close()
    assert live() == 0
    # 6. forgotten objects: the garbage collector releases everything
    for _ in range(5):
        c = build("greeter", hosts=g.hosts())
        c.func("greeter", "hello")
        b = packr.Builder()
        b.add_host_function("host", "x", noop)
    del c, b
    gc.collect()
    assert live() == 0
    s = packr.host_function_stats()
    assert s["double_finalized"] == s0["double_finalized"] == 0
    created = s["created"] - s0["created"]
    assert created == s["finalized"] - s0["finalized"] == 2 + 1 + 1 + 3 + 2 + 5 * 3


def test_readme_python_snippet(capsys):
    """The Python quickstart in bindings/README.md runs and prints what the README says."""
    readme = (REPO / "bindings" / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert blocks, "no ```python block in bindings/README.md"
    outputs = re.findall(r"```text\n(.*?)```", readme, re.S)
    cwd = os.getcwd()
    os.chdir(REPO)  # the snippets use paths relative to the repository
    try:
        for i, code in enumerate(blocks):
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"README.md python block {i + 1}", "exec"), {"__name__": "__readme__"})
            assert out.getvalue() == outputs[i], f"README python block {i + 1} output"
    finally:
        os.chdir(cwd)


def test_precompiled(tmp_path):
    wasm = Path(guest("doubler")).read_bytes()
    art = packr.precompile(wasm)
    assert art[:8] == b"\x7fPACKRPC"
    b = packr.Builder()
    b.add_package_precompiled("doubler", art)
    with b.build() as c:
        assert as_s64(c.call("doubler", "double", s64(21))) == 42

    bad = bytearray(art)
    bad[len(bad) // 2] ^= 1
    b = packr.Builder()
    with pytest.raises(packr.CompileError, match="checksum mismatch"):
        b.add_package_precompiled("x", bytes(bad))
    with pytest.raises(packr.CompileError, match="truncated"):
        b.add_package_precompiled("x", art[: len(art) // 3])
    with pytest.raises(packr.CompileError, match="WebAssembly module"):
        b.add_package_precompiled("x", wasm)
    with pytest.raises(packr.InvalidArgumentError):
        packr.precompile(wasm, 8)

    path = tmp_path / "doubler.cwasm"
    packr.precompile_file(guest("doubler"), path, packr.PRECOMPILE_PLAIN)
    b = packr.Builder()
    b.add_package_precompiled_file("d", path)
    b.set_fuel(1_000_000)
    with pytest.raises(packr.CompileError, match="no fuel-metered"):
        b.build()
    b = packr.Builder()
    b.add_package_precompiled_file("d", str(path))
    with b.build() as c:
        assert as_s64(c.call("d", "double", s64(-5))) == -10
    with pytest.raises(packr.IoError):
        packr.Builder().add_package_precompiled_file("d", tmp_path / "missing.cwasm")
