"""Values (packr_value) and type descriptors (packr_type)."""

from __future__ import annotations

import atexit
import ctypes
import enum
import struct
from ctypes import byref, c_bool, c_size_t, c_uint32, c_uint64, c_void_p
from typing import Iterable, Iterator

from ._lib import SCALARS as _SCALARS
from ._errors import Error, InvalidArgumentError, NotFoundError, Result, check
from ._lib import lib

__all__ = ["Kind", "Type", "Value"]


class _State:
    shutting_down = False


@atexit.register
def _at_exit():  # objects collected after this leak instead of calling into a dying interpreter
    _State.shutting_down = True


class Kind(enum.IntEnum):
    """The kind of a value or type (packr_kind); ``str()`` gives the text-form name."""

    NONE = 0
    BOOL = 1
    U8 = 2
    U16 = 3
    U32 = 4
    U64 = 5
    S8 = 6
    S16 = 7
    S32 = 8
    S64 = 9
    F32 = 10
    F64 = 11
    CHAR = 12
    STRING = 13
    LIST = 14
    OPTION = 15
    RESULT = 16
    RECORD = 17
    VARIANT = 18
    TUPLE = 19
    FLAGS = 20
    MAP = 21  #: ``map<K, V>``: CGRF v3 (packr-guest 0.24)
    SET = 22  #: ``set<T>``: CGRF v3 (packr-guest 0.24)

    def __str__(self) -> str:
        return self.name.lower()


# ---------------------------------------------------------------------------------------------
# helpers


def cstr(s, what: str) -> bytes:
    """A NUL-terminated UTF-8 argument. bytes are passed as they are (the library checks UTF-8)."""
    if isinstance(s, (bytes, bytearray, memoryview)):
        b = bytes(s)
    elif isinstance(s, str):
        try:
            b = s.encode("utf-8")
        except UnicodeEncodeError as e:
            raise InvalidArgumentError(f"{what} is not valid UTF-8: {e}") from None
    else:
        raise TypeError(f"{what} must be str or bytes, not {type(s).__name__}")
    if b"\0" in b:
        raise InvalidArgumentError(f"{what} contains a NUL byte")
    return b


def buf(data, what: str = "data") -> bytes:
    """A borrowed (pointer, length) byte buffer."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"{what} must be bytes-like, not {type(data).__name__}")


def take_bytes(p: int | None) -> bytes:
    """Copy a packr_bytes into Python and free it."""
    if not p:
        return b""
    try:
        n = lib.packr_bytes_len(p)
        return ctypes.string_at(lib.packr_bytes_data(p), n) if n else b""
    finally:
        lib.packr_bytes_free(p)


def _view_str(p, n) -> str:
    return ctypes.string_at(p, n.value).decode("utf-8") if n.value else ""


_INT_RANGES = {
    "u8": (0, 2**8 - 1), "u16": (0, 2**16 - 1), "u32": (0, 2**32 - 1), "u64": (0, 2**64 - 1),
    "s8": (-(2**7), 2**7 - 1), "s16": (-(2**15), 2**15 - 1), "s32": (-(2**31), 2**31 - 1),
    "s64": (-(2**63), 2**63 - 1), "flags": (0, 2**64 - 1),
}


def _int_arg(kind: str, x) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        if hasattr(x, "__index__") and not isinstance(x, bool):
            x = x.__index__()
        else:
            raise TypeError(f"{kind} needs an int, not {type(x).__name__}")
    lo, hi = _INT_RANGES[kind]
    if not lo <= x <= hi:
        raise InvalidArgumentError(f"{x} does not fit {kind}")
    return x


# ---------------------------------------------------------------------------------------------
# types


class Type:
    """An owned type descriptor (``list<s32>``, ``variant<expr>``, ...). Immutable.

    Anything that takes a Type also accepts its text form (``"list<s32>"``) and copies it, so a
    Type stays usable (and is freed by its own ``close()`` or the garbage collector).
    """

    __slots__ = ("_ptr",)

    def __init__(self, text: str):
        """``Type("list<s32>")`` parses the text form (same as :meth:`Type.parse`)."""
        self._ptr = None
        out = c_void_p()
        err = c_void_p()
        check(lib.packr_type_parse(cstr(text, "type text"), byref(out), byref(err)), err)
        self._ptr = out.value

    @classmethod
    def _wrap(cls, p) -> "Type":
        if not p:
            raise Error(Result.INVALID_ARGUMENT, "out of memory")
        t = object.__new__(cls)
        t._ptr = p
        return t

    def _cptr(self) -> int:
        if not self._ptr:
            raise InvalidArgumentError("Type is closed")
        return self._ptr

    def _owned(self) -> int:
        return _check_ptr(lib.packr_type_clone(self._cptr()))

    def close(self) -> None:
        """Free the type now (also done by the garbage collector). Twice is fine."""
        p, self._ptr = getattr(self, "_ptr", None), None
        if p and not _State.shutting_down:
            lib.packr_type_free(p)

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    parse = classmethod(lambda cls, text: cls(text))

    # primitive types
    @classmethod
    def bool(cls): return cls._wrap(lib.packr_type_bool())  # noqa: E704
    @classmethod
    def u8(cls): return cls._wrap(lib.packr_type_u8())  # noqa: E704
    @classmethod
    def u16(cls): return cls._wrap(lib.packr_type_u16())  # noqa: E704
    @classmethod
    def u32(cls): return cls._wrap(lib.packr_type_u32())  # noqa: E704
    @classmethod
    def u64(cls): return cls._wrap(lib.packr_type_u64())  # noqa: E704
    @classmethod
    def s8(cls): return cls._wrap(lib.packr_type_s8())  # noqa: E704
    @classmethod
    def s16(cls): return cls._wrap(lib.packr_type_s16())  # noqa: E704
    @classmethod
    def s32(cls): return cls._wrap(lib.packr_type_s32())  # noqa: E704
    @classmethod
    def s64(cls): return cls._wrap(lib.packr_type_s64())  # noqa: E704
    @classmethod
    def f32(cls): return cls._wrap(lib.packr_type_f32())  # noqa: E704
    @classmethod
    def f64(cls): return cls._wrap(lib.packr_type_f64())  # noqa: E704
    @classmethod
    def char(cls): return cls._wrap(lib.packr_type_char())  # noqa: E704
    @classmethod
    def string(cls): return cls._wrap(lib.packr_type_string())  # noqa: E704
    @classmethod
    def flags(cls): return cls._wrap(lib.packr_type_flags())  # noqa: E704

    @classmethod
    def list(cls, elem) -> "Type":
        """``list<elem>``."""
        out = c_void_p()
        check(lib.packr_type_list(_type_arg(elem), byref(out)), None, "packr_type_list")
        return cls._wrap(out.value)

    @classmethod
    def map(cls, key, value) -> "Type":
        """``map<key, value>`` (CGRF v3: only packr-guest 0.24 packages read it as a map)."""
        k = _type_arg(key)
        try:
            v = _type_arg(value)
        except BaseException:
            lib.packr_type_free(k)
            raise
        out = c_void_p()
        check(lib.packr_type_map(k, v, byref(out)), None, "packr_type_map")
        return cls._wrap(out.value)

    @classmethod
    def set(cls, elem) -> "Type":
        """``set<elem>`` (CGRF v3)."""
        out = c_void_p()
        check(lib.packr_type_set(_type_arg(elem), byref(out)), None, "packr_type_set")
        return cls._wrap(out.value)

    @classmethod
    def option(cls, inner) -> "Type":
        """``option<inner>``."""
        out = c_void_p()
        check(lib.packr_type_option(_type_arg(inner), byref(out)), None, "packr_type_option")
        return cls._wrap(out.value)

    @classmethod
    def result(cls, ok, err) -> "Type":
        """``result<ok, err>``."""
        o = _type_arg(ok)
        try:
            e = _type_arg(err)
        except BaseException:
            lib.packr_type_free(o)
            raise
        out = c_void_p()
        check(lib.packr_type_result(o, e, byref(out)), None, "packr_type_result")
        return cls._wrap(out.value)

    @classmethod
    def tuple(cls, *items) -> "Type":
        """``tuple<items...>``; no items give ``tuple<>``."""
        arr = (c_void_p * max(len(items), 1))()
        done = 0
        try:
            for i, it in enumerate(items):
                arr[i] = _type_arg(it)
                done += 1
        except BaseException:
            for i in range(done):
                lib.packr_type_free(arr[i])
            raise
        out = c_void_p()
        check(lib.packr_type_tuple(arr, len(items), byref(out)), None, "packr_type_tuple")
        return cls._wrap(out.value)

    @classmethod
    def record(cls, name) -> "Type":
        """``record<name>``."""
        out = c_void_p()
        check(lib.packr_type_record(cstr(name, "record type name"), byref(out)), None, "bad record name")
        return cls._wrap(out.value)

    @classmethod
    def variant(cls, name) -> "Type":
        """``variant<name>``."""
        out = c_void_p()
        check(lib.packr_type_variant(cstr(name, "variant type name"), byref(out)), None, "bad variant name")
        return cls._wrap(out.value)

    def text(self) -> str:
        """The text form, ``list<option<s32>>``."""
        out = c_void_p()
        check(lib.packr_type_to_text(self._cptr(), byref(out)), None, "packr_type_to_text")
        return take_bytes(out.value).decode("utf-8")

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"Type({self.text()!r})" if self._ptr else "Type(<closed>)"

    @property
    def kind(self) -> Kind:
        return Kind(lib.packr_type_kind(self._ptr)) if self._ptr else Kind.NONE

    def __len__(self) -> int:
        """Nested types: 1 for list and option, 2 for result, the items of a tuple."""
        return lib.packr_type_len(self._cptr())

    def __getitem__(self, i: int) -> "Type":
        """A copy of nested type ``i``."""
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"type index {i} out of range")
        out = c_void_p()
        check(lib.packr_type_get(self._cptr(), i, byref(out)), None, "packr_type_get")
        return Type._wrap(out.value)

    @property
    def name(self) -> str:
        """The name of a record<name> or variant<name> type."""
        p, n = c_void_p(), c_size_t()
        check(lib.packr_type_name(self._cptr(), byref(p), byref(n)), None,
              f"a {self.kind} type has no name")
        return _view_str(p.value, n)

    def __eq__(self, other):
        if not isinstance(other, Type):
            return NotImplemented
        return bool(lib.packr_type_equal(self._ptr, other._ptr))

    __hash__ = None  # type: ignore[assignment]

    def clone(self) -> "Type":
        return Type._wrap(self._owned())


def _check_ptr(p):
    if not p:
        raise Error(Result.INVALID_ARGUMENT, "out of memory")
    return p


def _type_arg(t) -> int:
    """An owned C copy of a Type (or of a type text) for a C function that consumes it."""
    if isinstance(t, Type):
        return t._owned()
    if isinstance(t, str):
        tmp = Type(t)
        p, tmp._ptr = tmp._ptr, None
        return p
    raise TypeError(f"expected a Type or a type text, not {type(t).__name__}")


# ---------------------------------------------------------------------------------------------
# values


class Value:
    """A packr value: one of the 22 kinds, possibly a tree of nested values.

    Owned values come from the constructors (``Value.s64(1)``, ``Value.record(...)``),
    :meth:`decode`, :meth:`parse`, :meth:`clone` and calls. ``v[i]`` returns a *view* of a child:
    it keeps its owner alive and is valid while the owner is open and unchanged; using it after
    the owner was closed or modified raises :class:`InvalidArgumentError` (never touches freed
    memory). Containers take ownership of the values put into them: an owned child is *moved*
    (using it afterwards raises), a view is copied.

    Values are not safe to modify from several threads at once; reading is.
    """

    __slots__ = ("_ptr", "_owner", "_gen", "_moved", "__weakref__")

    def __init__(self, text: str):
        """``Value("point{x: 1s32}")`` parses the text form (same as :meth:`Value.parse`)."""
        self._ptr, self._owner, self._gen, self._moved = None, None, 0, False
        out, err = c_void_p(), c_void_p()
        check(lib.packr_value_parse(cstr(text, "value text"), byref(out), byref(err)), err)
        self._ptr = out.value

    @classmethod
    def _wrap(cls, p) -> "Value":
        v = object.__new__(cls)
        v._ptr, v._owner, v._gen, v._moved = _check_ptr(p), None, 0, False
        return v

    def _cptr(self) -> int:
        o = self._owner
        if o is None:
            if not self._ptr:
                raise InvalidArgumentError(
                    "Value was moved into a container" if self._moved else "Value is closed")
            return self._ptr
        if not o._ptr:
            raise InvalidArgumentError("view of a closed Value")
        if o._gen != self._gen:
            raise InvalidArgumentError("view of a Value that was modified since")
        return self._ptr

    def _mutable(self) -> int:
        p = self._cptr()
        if self._owner is not None:
            raise InvalidArgumentError("cannot modify a view; clone() it first")
        return p

    def _take(self) -> int:
        """Hand the C value to a consuming function: move an owned value, copy a view."""
        p = self._cptr()
        if self._owner is not None:
            return _check_ptr(lib.packr_value_clone(p))
        self._ptr, self._moved = None, True
        self._gen += 1
        return p

    @property
    def is_view(self) -> bool:
        return self._owner is not None

    def close(self) -> None:
        """Free an owned value now (views of it become invalid). No-op for views; twice is fine."""
        if getattr(self, "_owner", None) is not None:
            return
        p, self._ptr = getattr(self, "_ptr", None), None
        if p:
            self._gen += 1
            if not _State.shutting_down:
                lib.packr_value_free(p)

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- scalar constructors ----
    @staticmethod
    def bool(x) -> "Value":
        return Value._wrap(lib.packr_value_bool(bool_(x)))

    @staticmethod
    def u8(x: int) -> "Value": return Value._wrap(lib.packr_value_u8(_int_arg("u8", x)))  # noqa: E704
    @staticmethod
    def u16(x: int) -> "Value": return Value._wrap(lib.packr_value_u16(_int_arg("u16", x)))  # noqa: E704
    @staticmethod
    def u32(x: int) -> "Value": return Value._wrap(lib.packr_value_u32(_int_arg("u32", x)))  # noqa: E704
    @staticmethod
    def u64(x: int) -> "Value": return Value._wrap(lib.packr_value_u64(_int_arg("u64", x)))  # noqa: E704
    @staticmethod
    def s8(x: int) -> "Value": return Value._wrap(lib.packr_value_s8(_int_arg("s8", x)))  # noqa: E704
    @staticmethod
    def s16(x: int) -> "Value": return Value._wrap(lib.packr_value_s16(_int_arg("s16", x)))  # noqa: E704
    @staticmethod
    def s32(x: int) -> "Value": return Value._wrap(lib.packr_value_s32(_int_arg("s32", x)))  # noqa: E704
    @staticmethod
    def s64(x: int) -> "Value": return Value._wrap(lib.packr_value_s64(_int_arg("s64", x)))  # noqa: E704
    @staticmethod
    def flags(x: int) -> "Value": return Value._wrap(lib.packr_value_flags(_int_arg("flags", x)))  # noqa: E704

    @staticmethod
    def f32(x: float) -> "Value":
        """An f32 (the float is rounded to single precision; see :meth:`f32_bits`)."""
        return Value._wrap(lib.packr_value_f32(float(x)))

    @staticmethod
    def f32_bits(bits: int) -> "Value":
        """An f32 with exactly these 32 bits (NaN payloads included)."""
        return Value._wrap(lib.packr_value_f32(
            ctypes.c_float.from_buffer_copy(struct.pack("<I", _int_arg("u32", bits)))))

    @staticmethod
    def f64(x: float) -> "Value":
        return Value._wrap(lib.packr_value_f64(float(x)))

    @staticmethod
    def f64_bits(bits: int) -> "Value":
        """An f64 with exactly these 64 bits."""
        return Value._wrap(lib.packr_value_f64(struct.unpack("<d", struct.pack("<Q", _int_arg("u64", bits)))[0]))

    @staticmethod
    def char(c) -> "Value":
        """A char from a one-character str or a code point (a Unicode scalar value)."""
        if isinstance(c, str):
            if len(c) != 1:
                raise InvalidArgumentError(f"char needs exactly one character, got {len(c)}")
            c = ord(c)
        if not isinstance(c, int) or not 0 <= c <= 0xFFFFFFFF:
            raise InvalidArgumentError(f"char {c!r} is not a Unicode scalar value")
        out = c_void_p()
        check(lib.packr_value_char(c, byref(out)), None, f"char U+{c:04X} is not a Unicode scalar value")
        return Value._wrap(out.value)

    @staticmethod
    def string(s) -> "Value":
        """A string from a str (NUL characters are fine) or from UTF-8 bytes."""
        if isinstance(s, str):
            try:
                b = s.encode("utf-8")
            except UnicodeEncodeError as e:
                raise InvalidArgumentError(f"string is not valid UTF-8: {e}") from None
        else:
            b = buf(s, "string")
        out = c_void_p()
        check(lib.packr_value_string(b, len(b), byref(out)), None, "string is not valid UTF-8")
        return Value._wrap(out.value)

    # ---- containers ----
    @staticmethod
    def tuple(*items: "Value") -> "Value":
        """A tuple of items (moved in); ``Value.tuple()`` is the unit value ``()``."""
        _check_all(items)
        t = Value._wrap(lib.packr_value_tuple_new())
        t.push(*items)
        return t

    @staticmethod
    def list(elem_type, *items: "Value") -> "Value":
        """A list with element type ``elem_type`` (a Type or type text) holding items (moved in)."""
        _check_all(items)
        out = c_void_p()
        check(lib.packr_value_list_new(_type_arg(elem_type), byref(out)), None, "packr_value_list_new")
        v = Value._wrap(out.value)
        v.push(*items)
        return v

    @staticmethod
    def map(key_type, value_type, entries=()) -> "Value":
        """A ``map<key_type, value_type>`` (Types or type texts) of ``entries``: (key, value)
        pairs (moved in) in any order, or anything with ``.items()``. The map keeps its keys
        unique and in canonical order; a duplicate key raises :class:`InvalidArgumentError`."""
        pairs = builtins_list(entries.items() if hasattr(entries, "items") else entries)
        _check_all([x for kv in pairs for x in kv])
        k = _type_arg(key_type)
        try:
            v = _type_arg(value_type)
        except BaseException:
            lib.packr_type_free(k)
            raise
        out = c_void_p()
        check(lib.packr_value_map_new(k, v, byref(out)), None, "packr_value_map_new")
        m = Value._wrap(out.value)
        for key, val in pairs:
            m.insert(key, val)
        return m

    @staticmethod
    def set(elem_type, *items: "Value") -> "Value":
        """A ``set<elem_type>`` of items (moved in) in any order; it keeps them unique and in
        canonical order (a duplicate raises :class:`InvalidArgumentError`)."""
        _check_all(items)
        out = c_void_p()
        check(lib.packr_value_set_new(_type_arg(elem_type), byref(out)), None, "packr_value_set_new")
        v = Value._wrap(out.value)
        v.add(*items)
        return v

    @staticmethod
    def record(type_name, fields=()) -> "Value":
        """A record; ``fields`` is a dict or an iterable of (name, value) pairs (values moved in)."""
        pairs = builtins_list(fields.items() if isinstance(fields, dict) else fields)
        _check_all([v for _, v in pairs])
        out = c_void_p()
        check(lib.packr_value_record_new(cstr(type_name, "record type name"), byref(out)), None,
              "packr_value_record_new")
        r = Value._wrap(out.value)
        for name, v in pairs:
            r.record_push(name, v)
        return r

    @staticmethod
    def variant(type_name, case_name, tag: int, *payload: "Value") -> "Value":
        """The case ``type_name::case_name#tag`` with payload values (moved in)."""
        _check_all(payload)
        out = c_void_p()
        check(lib.packr_value_variant_new(cstr(type_name, "variant type name"),
                                          cstr(case_name, "variant case name"),
                                          _int_arg("u64", tag), byref(out)), None,
              "packr_value_variant_new")
        v = Value._wrap(out.value)
        v.push(*payload)
        return v

    @staticmethod
    def some(inner_type, x: "Value") -> "Value":
        """``some(x)`` with inner type ``inner_type`` (x moved in)."""
        _check_all([x])
        t = _type_arg(inner_type)
        out = c_void_p()
        check(lib.packr_value_option_some(t, x._take(), byref(out)), None, "packr_value_option_some")
        return Value._wrap(out.value)

    @staticmethod
    def none(inner_type) -> "Value":
        """``none`` with inner type ``inner_type``."""
        out = c_void_p()
        check(lib.packr_value_option_none(_type_arg(inner_type), byref(out)), None, "packr_value_option_none")
        return Value._wrap(out.value)

    @staticmethod
    def ok(ok_type, err_type, x: "Value") -> "Value":
        """``ok(x)`` of type ``result<ok_type, err_type>`` (x moved in)."""
        return Value._result(False, ok_type, err_type, x)

    @staticmethod
    def err(ok_type, err_type, x: "Value") -> "Value":
        """``err(x)`` of type ``result<ok_type, err_type>`` (x moved in)."""
        return Value._result(True, ok_type, err_type, x)

    @staticmethod
    def _result(is_err, ok_type, err_type, x) -> "Value":
        _check_all([x])
        o = _type_arg(ok_type)
        try:
            e = _type_arg(err_type)
        except BaseException:
            lib.packr_type_free(o)
            raise
        out = c_void_p()
        f = lib.packr_value_result_err if is_err else lib.packr_value_result_ok
        check(f(o, e, x._take(), byref(out)), None, "packr_value_result")
        return Value._wrap(out.value)

    def push(self, *items: "Value") -> None:
        """Append items (moved in) to a list, a tuple or a variant's payload."""
        p = self._mutable()
        _check_all(items)
        if any(it is self for it in items):
            raise InvalidArgumentError("cannot push a value into itself")
        taken = []
        try:
            for it in items:  # views of self are copied before self changes
                taken.append(it._take())
        except BaseException:
            for q in taken:
                lib.packr_value_free(q)
            raise
        self._gen += 1
        for i, q in enumerate(taken):
            rc = lib.packr_value_push(p, q)
            if rc:
                for r in taken[i + 1:]:
                    lib.packr_value_free(r)
                check(rc, None, f"cannot push into a {self.kind} value")

    def insert(self, key: "Value", value: "Value") -> None:
        """Insert the entry ``key: value`` (both moved in, also when this raises) into a map, at
        its key's place in canonical order. A key the map already has raises
        :class:`InvalidArgumentError` with libpackr's message naming it."""
        p = self._mutable()
        _check_all([key, value])
        if key is self or value is self:
            raise InvalidArgumentError("cannot insert a map into itself")
        k = key._take()
        try:
            v = value._take()
        except BaseException:
            lib.packr_value_free(k)
            raise
        self._gen += 1
        err = c_void_p()
        check(lib.packr_value_map_insert(p, k, v, byref(err)), err)

    def add(self, *items: "Value") -> None:
        """Insert items (moved in, also when this raises) into a set, each at its place in
        canonical order. An item the set already has raises :class:`InvalidArgumentError` (the
        items before it stay inserted)."""
        p = self._mutable()
        _check_all(items)
        if any(it is self for it in items):
            raise InvalidArgumentError("cannot insert a set into itself")
        taken = []
        try:
            for it in items:
                taken.append(it._take())
        except BaseException:
            for q in taken:
                lib.packr_value_free(q)
            raise
        self._gen += 1
        for i, q in enumerate(taken):
            err = c_void_p()
            rc = lib.packr_value_set_insert(p, q, byref(err))
            if rc:
                for r in taken[i + 1:]:
                    lib.packr_value_free(r)
                check(rc, err)

    def record_push(self, name, x: "Value") -> None:
        """Append field ``name: x`` (moved in) to a record."""
        p = self._mutable()
        _check_all([x])
        if x is self:
            raise InvalidArgumentError("cannot push a value into itself")
        n = cstr(name, "field name")
        q = x._take()
        self._gen += 1
        check(lib.packr_value_record_push(p, n, q), None, f"cannot add a field to a {self.kind} value")

    # ---- encoding and text ----
    @staticmethod
    def decode(data, max_bytes: int = 0, max_nodes: int = 0, max_depth: int = 0) -> "Value":
        """Decode CGRF bytes (limits: 0 = libpackr's default)."""
        b = buf(data)
        out, err = c_void_p(), c_void_p()
        if max_bytes or max_nodes or max_depth:
            rc = lib.packr_value_decode_limited(b, len(b), max_bytes, max_nodes, max_depth, byref(out), byref(err))
        else:
            rc = lib.packr_value_decode(b, len(b), byref(out), byref(err))
        check(rc, err)
        return Value._wrap(out.value)

    @staticmethod
    def parse(text) -> "Value":
        """Read the text form, e.g. ``point{x: 1s32, y: 2s32}``."""
        return Value(text)

    def encode(self, version: int | None = None) -> bytes:
        """The CGRF bytes. Without ``version``: as packr 0.5.4 encodes them (wire version 2), or
        as packr 0.24 (version 3) when the value holds a map or a set. ``version=2`` writes maps
        and sets as 0.5.4 writes a BTreeMap and a BTreeSet (lists of (key, value) tuples and
        lists); ``version=3`` as packr 0.24. Another version raises InvalidArgumentError."""
        out, err = c_void_p(), c_void_p()
        if version is None:
            check(lib.packr_value_encode(self._cptr(), byref(out), byref(err)), err)
        else:
            if isinstance(version, bool_) or not isinstance(version, int) or not 0 <= version <= 0xFFFFFFFF:
                raise InvalidArgumentError(f"version {version!r} is not a CGRF version libpackr writes (2 or 3)")
            check(lib.packr_value_encode_version(self._cptr(), version, byref(out), byref(err)), err)
        return take_bytes(out.value)

    def text(self) -> str:
        """The lossless text form."""
        out, err = c_void_p(), c_void_p()
        check(lib.packr_value_to_text(self._cptr(), byref(out), byref(err)), err)
        return take_bytes(out.value).decode("utf-8")

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        try:
            t = self.text()
        except Error as e:
            return f"<packr.Value: {e.message}>"
        return f"Value({t[:200] + '...' if len(t) > 200 else t!r})"

    def clone(self) -> "Value":
        """An owned deep copy (of a value or a view)."""
        return Value._wrap(lib.packr_value_clone(self._cptr()))

    def __eq__(self, other):
        if not isinstance(other, Value):
            return NotImplemented
        return bool(lib.packr_value_equal(self._cptr(), other._cptr()))

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:  # a value is never "falsy", even with no children
        return True

    # ---- accessors ----
    @property
    def kind(self) -> Kind:
        try:
            return Kind(lib.packr_value_kind(self._cptr()))
        except InvalidArgumentError:
            return Kind.NONE

    def _scalar(self, name: str):
        ct = _SCALARS[name]
        x = ct()
        if getattr(lib, f"packr_value_as_{name}")(self._cptr(), byref(x)):
            raise InvalidArgumentError(f"value is a {self.kind}, not a {name}")
        return x

    def as_bool(self): return self._scalar("bool").value  # noqa: E704
    def as_u8(self) -> int: return self._scalar("u8").value  # noqa: E704
    def as_u16(self) -> int: return self._scalar("u16").value  # noqa: E704
    def as_u32(self) -> int: return self._scalar("u32").value  # noqa: E704
    def as_u64(self) -> int: return self._scalar("u64").value  # noqa: E704
    def as_s8(self) -> int: return self._scalar("s8").value  # noqa: E704
    def as_s16(self) -> int: return self._scalar("s16").value  # noqa: E704
    def as_s32(self) -> int: return self._scalar("s32").value  # noqa: E704
    def as_s64(self) -> int: return self._scalar("s64").value  # noqa: E704
    def as_f32(self) -> float: return self._scalar("f32").value  # noqa: E704
    def as_f64(self) -> float: return self._scalar("f64").value  # noqa: E704
    def as_flags(self) -> int: return self._scalar("flags").value  # noqa: E704

    def as_f32_bits(self) -> int:
        """The exact 32 bits of an f32."""
        return struct.unpack("<I", bytes(self._scalar("f32")))[0]

    def as_f64_bits(self) -> int:
        """The exact 64 bits of an f64."""
        return struct.unpack("<Q", bytes(self._scalar("f64")))[0]

    def as_char(self) -> str:
        x = c_uint32()
        if lib.packr_value_as_char(self._cptr(), byref(x)):
            raise InvalidArgumentError(f"value is a {self.kind}, not a char")
        return chr(x.value)

    def as_string(self) -> str:
        p, n = c_void_p(), c_size_t()
        if lib.packr_value_as_string(self._cptr(), byref(p), byref(n)):
            raise InvalidArgumentError(f"value is a {self.kind}, not a string")
        return _view_str(p.value, n)

    def __len__(self) -> int:
        """Children: list/tuple/set items, record fields, variant payload, 1 for some and
        results, 2 per entry of a map (keys and values interleaved: key i is ``self[2*i]``; see
        :meth:`items`)."""
        return lib.packr_value_len(self._cptr())

    def __getitem__(self, i: int) -> "Value":
        """A view of child ``i`` (negative indexes count from the end)."""
        if not isinstance(i, int):
            raise TypeError("Value indexes are ints; use field(name) for record fields")
        p = self._cptr()
        n = lib.packr_value_len(p)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"child {i} out of range ({n} children)")
        return self._view(lib.packr_value_get(p, i))

    def __iter__(self) -> Iterator["Value"]:
        for i in range(len(self)):
            yield self[i]

    def __contains__(self, x) -> bool:
        """``key in m`` for a map, ``item in s`` for a set (binary searches:
        packr_value_map_find, packr_value_set_contains), ``x in v`` (a child equal to x)
        otherwise."""
        if not isinstance(x, Value):
            return False
        kind = self.kind
        if kind == Kind.MAP:
            return self.find(x) is not None
        if kind == Kind.SET:
            return bool(lib.packr_value_set_contains(self._cptr(), x._cptr()))
        x._cptr()
        return any(c == x for c in self)

    def _view(self, c) -> "Value":
        owner = self._owner if self._owner is not None else self
        v = object.__new__(Value)
        v._ptr, v._owner, v._gen, v._moved = c, owner, owner._gen, False
        return v

    def find(self, key: "Value") -> "Value | None":
        """A view of the value stored under ``key`` in a map (binary search), or None."""
        p = self._cptr()
        if not isinstance(key, Value):
            raise TypeError(f"map keys are packr.Value, not {type(key).__name__}")
        k = key._cptr()
        if lib.packr_value_kind(p) != Kind.MAP:
            raise InvalidArgumentError(f"value is a {self.kind}, not a map")
        c = lib.packr_value_map_find(p, k)
        return self._view(c) if c else None

    def get(self, key: "Value", default=None):
        """Like ``dict.get``: a view of the value under ``key`` in a map, else ``default``."""
        v = self.find(key)
        return default if v is None else v

    def items(self) -> builtins_list:
        """``[(key view, value view), ...]`` of a map, in canonical key order."""
        if self.kind != Kind.MAP:
            raise InvalidArgumentError(f"value is a {self.kind}, not a map")
        return [(self[2 * i], self[2 * i + 1]) for i in range(len(self) // 2)]

    def keys(self) -> builtins_list:
        """Views of a map's keys, in canonical order."""
        return [k for k, _ in self.items()]

    def values(self) -> builtins_list:
        """Views of a map's values, in key order."""
        return [v for _, v in self.items()]

    def _name(self, f, what, *args) -> str:
        p, n = c_void_p(), c_size_t()
        rc = f(self._cptr(), *args, byref(p), byref(n))
        if rc:
            check(rc, None, f"{what} of a {self.kind} value")
        return _view_str(p.value, n)

    @property
    def type_name(self) -> str:
        """The type name of a record or variant."""
        return self._name(lib.packr_value_type_name, "type name")

    @property
    def case_name(self) -> str:
        """The case name of a variant."""
        return self._name(lib.packr_value_case_name, "case name")

    def field_name(self, i: int) -> str:
        """The name of field ``i`` of a record (its value is ``self[i]``)."""
        if i < 0:
            raise NotFoundError(f"field {i} out of range")
        return self._name(lib.packr_value_field_name, "field name", i)

    def fields(self) -> builtins_list:
        """``[(name, view), ...]`` of a record."""
        return [(self.field_name(i), self[i]) for i in range(len(self))]

    def field(self, name: str, default=None):
        """A view of the first field called ``name`` of a record, or ``default``."""
        for i in range(len(self)):
            if self.field_name(i) == name:
                return self[i]
        return default

    @property
    def tag(self) -> int:
        """The tag of a variant."""
        x = c_uint64()
        if lib.packr_value_tag(self._cptr(), byref(x)):
            raise InvalidArgumentError(f"value is a {self.kind}, not a variant")
        return x.value

    @property
    def is_err(self) -> bool:
        """Whether a result holds err (its payload is ``self[0]``)."""
        x = c_bool()
        if lib.packr_value_is_err(self._cptr(), byref(x)):
            raise InvalidArgumentError(f"value is a {self.kind}, not a result")
        return x.value

    def _type_copy(self, f):
        t = f(self._cptr())
        return Type._wrap(lib.packr_type_clone(t)) if t else None

    @property
    def elem_type(self) -> Type | None:
        """A copy of the element type of a list or a set, or the inner type of an option (else
        None)."""
        return self._type_copy(lib.packr_value_elem_type)

    @property
    def key_type(self) -> Type | None:
        """A copy of the key type of a map (else None)."""
        return self._type_copy(lib.packr_value_key_type)

    @property
    def value_type(self) -> Type | None:
        """A copy of the value type of a map (else None)."""
        return self._type_copy(lib.packr_value_value_type)

    @property
    def ok_type(self) -> Type | None:
        return self._type_copy(lib.packr_value_ok_type)

    @property
    def err_type(self) -> Type | None:
        return self._type_copy(lib.packr_value_err_type)


# The class body shadows these builtins with constructor names.
import builtins as _builtins  # noqa: E402

bool_ = _builtins.bool
builtins_list = _builtins.list


def _check_all(items: Iterable[Value]) -> None:
    """Validate every child before any is consumed, so a bad argument consumes nothing."""
    seen = set()
    for it in items:
        if not isinstance(it, Value):
            raise TypeError(f"expected a packr.Value, not {type(it).__name__}")
        it._cptr()
        if it._owner is None:
            if id(it) in seen:
                raise InvalidArgumentError("the same Value is passed twice")
            seen.add(id(it))
