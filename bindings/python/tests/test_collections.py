"""Maps, sets, explicit wire versions, guest generations, and compositions that mix packr-guest
0.5.4 and 0.24.1 packages (tests/guests, built into target/guests/wasm by tests/guests/build.sh)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import packr
from packr import Generation, Kind, Type, Value
from packr._lib import lib

REPO = Path(__file__).resolve().parents[3]
GUESTS = Path(os.environ.get("PACKR_GUEST_DIR", REPO / "target" / "guests" / "wasm"))


def guest(name: str) -> str:
    return str(GUESTS / f"{name}.wasm")


S = Value.string


def test_kind_enum_has_every_library_kind():
    assert (Kind.MAP, Kind.SET) == (21, 22)
    assert (str(Kind.MAP), str(Kind.SET)) == ("map", "set")
    # Every kind the library names is in the enum, under the library's name.
    for k in range(0, 23):
        assert str(Kind(k)) == lib.packr_kind_name(k).decode()
    # Decoded maps and sets report their kind (Kind(21) used to raise ValueError).
    for text, kind in [('map<string, s64>{"a": 1}', Kind.MAP), ("set<s64>{1, 2}", Kind.SET)]:
        v = Value.decode(Value(text).encode())
        assert v.kind is kind
        assert Type("map<string, s64>").kind is Kind.MAP
        assert repr(v) == f"Value({text!r})"


def test_map_build_find_iterate():
    m = Value.map("string", Type.s64())
    assert m.kind is Kind.MAP and m.items() == [] and len(m) == 0
    # Out of order: kept in canonical (byte-wise) key order.
    m.insert(S("to"), Value.s64(2))
    m.insert(S("be"), Value.s64(20))
    m.insert(S("or"), Value.s64(1))
    dup = S("be")
    with pytest.raises(packr.InvalidArgumentError, match='already has the key "be"') as ei:
        m.insert(dup, Value.s64(7))
    assert ei.value.code == packr.Result.INVALID_ARGUMENT
    with pytest.raises(packr.InvalidArgumentError, match="moved"):
        dup.as_string()  # consumed even though it was refused
    assert len(m) == 6  # keys and values interleaved
    assert [(k.as_string(), v.as_s64()) for k, v in m.items()] == [("be", 20), ("or", 1), ("to", 2)]
    assert [k.as_string() for k in m.keys()] == ["be", "or", "to"]
    assert [v.as_s64() for v in m.values()] == [20, 1, 2]
    assert m[0].as_string() == "be" and m[1].as_s64() == 20

    f = m.find(S("be"))
    assert f.is_view and f.as_s64() == 20
    assert m.find(S("not")) is None
    assert m.get(S("not"), 0) == 0 and m.get(S("or")).as_s64() == 1
    assert S("or") in m and S("xx") not in m and Value.s64(1) not in m and "or" not in m
    assert str(m.key_type) == "string" and str(m.value_type) == "s64" and m.elem_type is None
    with pytest.raises(packr.InvalidArgumentError, match="not a map"):
        Value.s64(1).find(S("x"))
    with pytest.raises(packr.InvalidArgumentError):
        Value.s64(1).insert(S("x"), Value.s64(1))
    with pytest.raises(packr.InvalidArgumentError, match="not a map"):
        Value.s64(1).items()
    with pytest.raises(packr.InvalidArgumentError, match="itself"):
        m.insert(m, Value.s64(1))
    # Inserting invalidates views taken before.
    m.insert(S("zz"), Value.s64(0))
    with pytest.raises(packr.InvalidArgumentError, match="modified"):
        f.as_s64()

    # Text form, both ways.
    text = 'map<string, s64>{"be": 20, "or": 1, "to": 2, "zz": 0}'
    assert str(m) == text and Value(text) == m
    with pytest.raises(packr.DecodeError):
        Value('map<string, s64>{"b": 1, "a": 2}')

    # From pairs or a mapping, in any order; a duplicate raises.
    m2 = Value.map(Type.s64(), "bool", [(Value.s64(3), Value.bool(True)), (Value.s64(-1), Value.bool(False))])
    assert str(m2) == "map<s64, bool>{-1: false, 3: true}"
    assert Value.map("s64", "bool", m2) == m2  # another map's entries (views) are copied
    with pytest.raises(packr.InvalidArgumentError, match="already has the key"):
        Value.map("s64", "bool", [(Value.s64(3), Value.bool(True)), (Value.s64(3), Value.bool(False))])
    t = Type.map("string", Type.set("u8"))
    assert t.kind is Kind.MAP and str(t) == "map<string, set<u8>>" and t == Type("map<string, set<u8>>")


def test_set_build_iterate():
    s = Value.set("s64", Value.s64(30), Value.s64(-4))
    s.add(Value.s64(7))
    with pytest.raises(packr.InvalidArgumentError, match="already has"):
        s.add(Value.s64(7))
    assert s.kind is Kind.SET and len(s) == 3 and str(s.elem_type) == "s64" and s.key_type is None
    assert [x.as_s64() for x in s] == [-4, 7, 30]
    assert Value.s64(30) in s and Value.s64(31) not in s
    assert str(s) == "set<s64>{-4, 7, 30}" and Value("set<s64>{-4, 7, 30}") == s
    with pytest.raises(packr.InvalidArgumentError):
        Value.set("string", S("a"), S("a"))
    with pytest.raises(packr.InvalidArgumentError):
        Value.list("s64").add(Value.s64(1))
    st = Type.set(Type.s64())
    assert st.kind is Kind.SET and str(st) == "set<s64>"


def test_encode_versions():
    m = Value.map("string", "s64", [(S("b"), Value.s64(2)), (S("a"), Value.s64(40))])
    v3, v2 = m.encode(version=3), m.encode(2)
    assert (v3[4], v2[4]) == (3, 2)  # the header's wire version
    assert m.encode() == v3  # a map needs version 3
    back = Value.decode(v3)
    assert back == m and back.kind is Kind.MAP and back.find(S("a")).as_s64() == 40
    old = Value.decode(v2)  # what packr 0.5.4 makes of a BTreeMap
    assert old.kind is Kind.LIST and str(old) == '[("a", 40), ("b", 2)]'
    for bad in (7, -1, True, "3"):
        with pytest.raises(packr.InvalidArgumentError):
            m.encode(bad)

    s = Value("set<s64>{1, 2}")
    assert Value.decode(s.encode(3)) == s
    assert str(Value.decode(s.encode(2))) == "[1, 2]"
    assert Value.s64(5).encode(2) == Value.s64(5).encode()
    assert Value.decode(Value.s64(5).encode(3)) == Value.s64(5)


def mixed() -> packr.Composition:
    b = packr.Builder()
    for p in ["adder", "cur_adder", "doubler", "cur_doubler"]:
        b.add_package_file(p, guest(p))
    b.wire("adder", "math", "double", "cur_doubler", "double")  # 0.5.4 -> 0.24
    b.wire("cur_adder", "math", "double", "doubler", "double")  # 0.24 -> 0.5.4
    b.wire("cur_adder", "calc", "scale", "cur_doubler", "add")
    b.wire("cur_adder", "ops", "square", "doubler", "double")
    return b.build()


def test_package_generation():
    c = mixed()
    for pkg, gen, ev in [("adder", Generation.V0_5, "CGRF v2"), ("doubler", Generation.V0_5, "CGRF v2"),
                         ("cur_adder", Generation.V0_24, "CGRF v3"), ("cur_doubler", Generation.V0_24, "CGRF v3")]:
        g = c.package_generation(pkg)
        assert g.generation is gen and ev in g.evidence, (pkg, g)
    generation, evidence = c.package_generation("nope")
    assert generation is Generation.UNKNOWN and evidence == ""
    assert (str(Generation.V0_5), str(Generation.V0_24), str(Generation.UNKNOWN)) == ("0.5", "0.24", "unknown")
    with pytest.raises(packr.InvalidArgumentError):
        c.package_generation("a\0b")
    c.close()
    with pytest.raises(packr.InvalidArgumentError, match="closed"):
        c.package_generation("adder")


def test_mixed_generations():
    with mixed() as c:
        for pkg in ["adder", "cur_adder"]:
            for n in [5, -7, 1_000_000]:
                assert c.call_value(pkg, "process", Value.s64(n)).as_s64() == 2 * n + 1, pkg

        # A map out of a 0.24 package, read through the binding.
        words = c.call_value("cur_doubler", "count_words", S("to be or not to be"))
        assert words.kind is Kind.MAP
        assert {k.as_string(): v.as_s64() for k, v in words.items()} == {"be": 2, "not": 1, "or": 1, "to": 2}
        assert [k.as_string() for k in words.keys()] == ["be", "not", "or", "to"]
        assert words.find(S("be")).as_s64() == 2

        # A map built here, into a 0.24 package; a set out of one and into another.
        m = Value.map("string", "s64", {})
        m.insert(S("z"), Value.s64(41))
        m.insert(S("a"), Value.s64(1))
        assert c.call_value("cur_doubler", "sum_values", m).as_s64() == 42
        u = c.call_value("cur_doubler", "uniq", Value("[3, 1, 3, 2]"))
        assert u.kind is Kind.SET and str(u) == "set<s64>{1, 2, 3}"
        assert c.call_value("cur_doubler", "set_len", u).as_u32() == 3


def test_maps_reach_old_packages_as_lists():
    b = packr.Builder()
    b.add_package_file("echo", guest("echo"))
    b.add_package_file("cur_echo", guest("cur_echo"))
    with b.build() as c:
        m = Value.map("string", Type.set("s64"), [(S("x"), Value.set("s64", Value.s64(2), Value.s64(1)))])
        assert str(c.call_value("echo", "echo", m)) == '[("x", [1, 2])]'
        back = c.call_value("cur_echo", "echo", m)
        assert back == m and Value.s64(2) in back.find(S("x"))
