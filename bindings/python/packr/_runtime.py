"""Builder, Composition, Func and host functions."""

from __future__ import annotations

import ctypes
import enum
import itertools
import math
import os
import threading
from ctypes import byref, c_void_p
from typing import Callable, NamedTuple, Union

from ._errors import Error, InvalidArgumentError, Result, check
from ._lib import FINALIZER, HOST_FN, lib
from ._value import _State, Value, buf, cstr, take_bytes

__all__ = ["Builder", "Composition", "Func", "Generation", "PackageGeneration", "host_function_stats"]

HostCallable = Callable[[bytes], Union[bytes, bytearray, memoryview, Value, None]]

# ---------------------------------------------------------------------------------------------
# host functions
#
# One C trampoline serves every Python host function: user_data is a key into _registry, which
# holds the callable until libpackr runs the finalizer (exactly once, when the last builder,
# composition or func holding the function is freed, or before add_host_function returns when
# it fails). The trampoline and finalizer CFUNCTYPE objects live as long as the module.


class _HostEntry:
    __slots__ = ("module", "name", "fn")

    def __init__(self, module, name, fn):
        self.module, self.name, self.fn = module, name, fn


_registry: dict[int, _HostEntry] = {}
_registry_lock = threading.RLock()  # reentrant: a GC-triggered free may finalize while held
_keys = itertools.count(1)
_stats = {"created": 0, "finalized": 0, "double_finalized": 0}


PRECOMPILE_PLAIN = 1
"""Precompile flag: code without fuel metering (compositions without a fuel limit)."""
PRECOMPILE_FUEL = 2
"""Precompile flag: fuel-metered code (compositions with a fuel limit)."""
PRECOMPILE_ALL = PRECOMPILE_PLAIN | PRECOMPILE_FUEL
"""Precompile flags: code for every engine configuration (the default)."""


def _path(p, what: str) -> bytes:
    return cstr(os.fsencode(p) if isinstance(p, os.PathLike) else p, what)


def precompile(wasm, flags: int = PRECOMPILE_ALL) -> bytes:
    """Compile a wasm module into a precompiled artifact for
    :meth:`Builder.add_package_precompiled` (CompileError for bad wasm). The artifact loads only
    into the same libpackr version on a compatible machine."""
    b = buf(wasm, "wasm")
    out, err = c_void_p(), c_void_p()
    check(lib.packr_package_precompile(b, len(b), flags, byref(out), byref(err)), err)
    return take_bytes(out.value)


def precompile_file(wasm_path, artifact_path, flags: int = PRECOMPILE_ALL) -> None:
    """:func:`precompile` from a .wasm file to an artifact file (IoError for unreadable or
    unwritable files)."""
    err = c_void_p()
    check(lib.packr_package_precompile_file(_path(wasm_path, "wasm path"),
                                            _path(artifact_path, "artifact path"), flags,
                                            byref(err)), err)


def host_function_stats() -> dict:
    """Counts of Python host functions: ``live`` (held by libpackr), ``created``, ``finalized``
    and ``double_finalized`` (finalizer calls for an unknown key; always 0 unless libpackr is
    broken)."""
    with _registry_lock:
        return dict(_stats, live=len(_registry))


def _reply_error(reply, msg: str) -> None:
    b = msg.encode("utf-8", "replace").replace(b"\0", b"\\0") or b"host function failed"
    lib.packr_host_reply_set_error(reply, b)


@HOST_FN
def _trampoline(user_data, data, length, reply):
    # Nothing may escape into C: every exception (BaseException included) becomes a host error.
    try:
        entry = _registry.get(user_data or 0)
        if entry is None:
            _reply_error(reply, "Python host function: unknown handle")
            return 1
        try:
            inp = ctypes.string_at(data, length) if length else b""
            out = entry.fn(inp)
            if out is None:
                return 0  # the unit value ()
            if isinstance(out, Value):
                out = out.encode()
            elif isinstance(out, (bytearray, memoryview)):
                out = bytes(out)
            elif not isinstance(out, bytes):
                raise TypeError(f"host function {entry.module}.{entry.name} returned "
                                f"{type(out).__name__}; expected bytes, a packr.Value or None")
            rc = lib.packr_host_reply_set_output(reply, out, len(out))
            if rc:
                _reply_error(reply, f"{entry.module}.{entry.name}: cannot set output ({Result(rc)})")
                return 1
            return 0
        except BaseException as e:  # noqa: BLE001
            text = str(e)
            _reply_error(reply, f"{type(e).__name__}: {text}" if text else type(e).__name__)
            return 1
    except BaseException:  # noqa: BLE001 (even formatting the error failed)
        return 1


@FINALIZER
def _finalizer(user_data):
    try:
        with _registry_lock:
            if _registry.pop(user_data or 0, None) is None:
                _stats["double_finalized"] += 1
            else:
                _stats["finalized"] += 1
    except BaseException:  # noqa: BLE001
        pass


# ---------------------------------------------------------------------------------------------
# shared handles


class _Shared:
    """A C handle used from several threads: 1 reference for the open Python object plus 1 per
    call in flight. The C object is freed when the count drops to 0, so close() never frees
    memory a running call (or interrupt) uses, and never blocks."""

    __slots__ = ("ptr", "free", "refs", "closed", "lock")

    def __init__(self, ptr, free):
        self.ptr, self.free, self.refs, self.closed = ptr, free, 1, False
        self.lock = threading.Lock()

    def acquire(self, what: str, require_open: bool = True) -> int | None:
        with self.lock:
            if self.refs <= 0 or (require_open and self.closed):
                if require_open:
                    raise InvalidArgumentError(f"{what} is closed")
                return None
            self.refs += 1
            return self.ptr

    def release(self) -> None:
        with self.lock:
            self.refs -= 1
            last = self.refs == 0
        if last and not _State.shutting_down:
            self.free(self.ptr)

    def close(self) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
        self.release()


class Builder:
    """Collects packages, wires, host functions and limits; :meth:`build` makes a Composition.

    Methods are serialised by a lock. After build() (successful or not) or close(), every
    method raises InvalidArgumentError.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._ptr = lib.packr_builder_new()
        if not self._ptr:
            raise Error(Result.INVALID_ARGUMENT, "out of memory")

    def close(self) -> None:
        """Free an unbuilt builder with everything added to it. Twice, or after build, is fine."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock:
            p, self._ptr = self._ptr, None
        if p and not _State.shutting_down:
            lib.packr_builder_free(p)

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _call(self, f, *args, with_error=True, what=""):
        with self._lock:
            if not self._ptr:
                raise InvalidArgumentError("Builder was already built or closed")
            if with_error:
                err = c_void_p()
                check(f(self._ptr, *args, byref(err)), err)
            else:
                check(f(self._ptr, *args), None, what)

    def add_package(self, name: str, wasm) -> None:
        """Add a package from the bytes of a WebAssembly module (compiled now: CompileError)."""
        b = buf(wasm, "wasm")
        self._call(lib.packr_builder_add_package, cstr(name, "package name"), b, len(b))

    def add_package_file(self, name: str, path) -> None:
        """Add a package from a .wasm file (IoError when it cannot be read)."""
        self._call(lib.packr_builder_add_package_file, cstr(name, "package name"),
                   cstr(os.fsencode(path) if isinstance(path, os.PathLike) else path, "path"))

    def add_package_precompiled(self, name: str, artifact) -> None:
        """Add a package from an artifact made by :func:`precompile`, without compiling.

        A stale, foreign, truncated or corrupt artifact raises CompileError naming the problem.
        Artifacts contain machine code: load only artifacts you trust.
        """
        b = buf(artifact, "artifact")
        self._call(lib.packr_builder_add_package_precompiled, cstr(name, "package name"), b, len(b))

    def add_package_precompiled_file(self, name: str, path) -> None:
        """Add a package from a precompiled artifact file (IoError when it cannot be read)."""
        self._call(lib.packr_builder_add_package_precompiled_file, cstr(name, "package name"),
                   cstr(os.fsencode(path) if isinstance(path, os.PathLike) else path, "path"))

    def wire(self, target: str, import_module: str, import_name: str, source: str, source_export: str) -> None:
        """When ``target`` calls import ``import_module.import_name``, run ``source.source_export``."""
        self._call(lib.packr_builder_wire, cstr(target, "target package"), cstr(import_module, "import module"),
                   cstr(import_name, "import name"), cstr(source, "source package"),
                   cstr(source_export, "source export"))

    def add_host_function(self, module: str, name: str, fn: HostCallable) -> None:
        """Register ``fn`` as the host function ``module.name``.

        ``fn(input: bytes)`` gets the guest's CGRF bytes and returns the answer: bytes (CGRF), a
        :class:`Value` (encoded for you) or None (the unit value ``()``). An exception fails the
        guest's call: the caller gets a :class:`HostError` with the exception's type and text.
        ``fn`` may run on several threads at once and may call back into the composition.
        """
        if not callable(fn):
            raise TypeError("host function must be callable")
        m, n = cstr(module, "module name"), cstr(name, "function name")
        with self._lock:
            if not self._ptr:
                raise InvalidArgumentError("Builder was already built or closed")
            key = next(_keys)
            with _registry_lock:
                _registry[key] = _HostEntry(module, name, fn)
                _stats["created"] += 1
            err = c_void_p()
            # From here libpackr owns the key: _finalizer removes it, exactly once.
            rc = lib.packr_builder_add_host_function(self._ptr, m, n, _trampoline, key, _finalizer, byref(err))
            check(rc, err)

    def set_fuel(self, fuel_per_call: int) -> None:
        """Fuel per call (0 = unlimited); running out raises LimitError."""
        self._call(lib.packr_builder_set_fuel, int(fuel_per_call), with_error=False, what="set_fuel")

    def set_timeout(self, seconds: float) -> None:
        """Wall-clock limit per call in seconds (0 = none), rounded up to milliseconds."""
        ms = 0 if seconds <= 0 else math.ceil(seconds * 1000)
        self.set_timeout_ms(ms)

    def set_timeout_ms(self, ms: int) -> None:
        self._call(lib.packr_builder_set_timeout_ms, int(ms), with_error=False, what="set_timeout_ms")

    def set_memory_limit(self, bytes_per_package: int) -> None:
        """Largest linear memory per package instance, in bytes (0 = none)."""
        self._call(lib.packr_builder_set_memory_limit, int(bytes_per_package), with_error=False,
                   what="set_memory_limit")

    def set_value_limits(self, max_bytes: int = 0, max_nodes: int = 0, max_depth: int = 0) -> None:
        """Limits for values handed between guests (0 = the default for that limit)."""
        self._call(lib.packr_builder_set_value_limits, int(max_bytes), int(max_nodes), int(max_depth),
                   with_error=False, what="set_value_limits")

    def build(self) -> "Composition":
        """Check the wiring, instantiate every package, return the Composition. The builder is
        used up either way."""
        with self._lock:
            if not self._ptr:
                raise InvalidArgumentError("Builder was already built or closed")
            p, self._ptr = self._ptr, None
            out, err = c_void_p(), c_void_p()
            check(lib.packr_builder_build(p, byref(out), byref(err)), err)
            return Composition._wrap(out.value)


class Generation(enum.IntEnum):
    """The packr guest SDK generation that built a package (packr_generation); ``str()`` gives
    ``"0.5"``, ``"0.24"`` or ``"unknown"``."""

    UNKNOWN = 0  #: not a package of the composition
    V0_5 = 1  #: packr-guest 0.5.4: CGRF v2
    V0_24 = 2  #: packr-guest 0.24: CGRF v3 (maps and sets)

    def __str__(self) -> str:
        return {1: "0.5", 2: "0.24"}.get(int(self), "unknown")


class PackageGeneration(NamedTuple):
    """What :meth:`Composition.package_generation` returns."""

    generation: Generation
    evidence: str  #: how libpackr told, e.g. "its embedded metadata is CGRF v3" ("" if unknown)


class Composition:
    """A built composition, ready to call; safe to use from any number of threads at once (calls
    release the GIL and run in parallel, each on its own set of package instances)."""

    def __init__(self):
        raise TypeError("use Builder.build()")

    @classmethod
    def _wrap(cls, p) -> "Composition":
        c = object.__new__(cls)
        c._shared = _Shared(p, lib.packr_composition_free)
        n = lib.packr_composition_package_count(p)
        c._packages = [lib.packr_composition_package_name(p, i).decode("utf-8") for i in range(n)]
        return c

    def close(self) -> None:
        """Release the composition; calls in flight finish first, Funcs keep working. Twice is fine."""
        s = getattr(self, "_shared", None)
        if s is not None:
            s.close()

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def packages(self) -> list:
        """Package names, in the order they were added."""
        return list(self._packages)

    def package_generation(self, package: str) -> PackageGeneration:
        """Which packr guest SDK generation built ``package``, and the evidence libpackr told it
        by: ``(Generation.V0_24, "its embedded metadata is CGRF v3")``. A package the
        composition does not have gives ``(Generation.UNKNOWN, "")``."""
        pk = cstr(package, "package name")
        p = self._shared.acquire("Composition")
        try:
            ev = ctypes.c_char_p()
            g = lib.packr_composition_package_generation(p, pk, byref(ev))
        finally:
            self._shared.release()
        try:
            gen = Generation(g)
        except ValueError:  # a newer library's generation
            gen = Generation.UNKNOWN
        if gen == Generation.UNKNOWN or not ev.value:
            return PackageGeneration(gen, "")
        return PackageGeneration(gen, ev.value.decode("utf-8", "replace"))

    def call(self, package: str, export: str, data=b"") -> bytes:
        """Call ``package.export`` with CGRF bytes; returns the CGRF output bytes."""
        pk, ex, b = cstr(package, "package name"), cstr(export, "export name"), buf(data)
        p = self._shared.acquire("Composition")
        try:
            out, err = c_void_p(), c_void_p()
            check(lib.packr_composition_call(p, pk, ex, b, len(b), byref(out), byref(err)), err)
            return take_bytes(out.value)
        finally:
            self._shared.release()

    def call_value(self, package: str, export: str, arg: Value) -> Value:
        """Encode ``arg``, call, decode the result."""
        return Value.decode(self.call(package, export, arg.encode()))

    def func(self, package: str, export: str) -> "Func":
        """Resolve ``package.export`` once for fast repeated calls."""
        pk, ex = cstr(package, "package name"), cstr(export, "export name")
        p = self._shared.acquire("Composition")
        try:
            out, err = c_void_p(), c_void_p()
            check(lib.packr_composition_func(p, pk, ex, byref(out), byref(err)), err)
            return Func._wrap(out.value, package, export)
        finally:
            self._shared.release()

    def types_bytes(self, package: str) -> bytes:
        """The CGRF bytes of the package's embedded type metadata (NotFoundError if none)."""
        pk = cstr(package, "package name")
        p = self._shared.acquire("Composition")
        try:
            out, err = c_void_p(), c_void_p()
            check(lib.packr_composition_types(p, pk, byref(out), byref(err)), err)
            return take_bytes(out.value)
        finally:
            self._shared.release()

    def types(self, package: str) -> Value:
        """The package's type metadata, decoded (a ``package-metadata`` record)."""
        return Value.decode(self.types_bytes(package))

    def interrupt(self) -> None:
        """Stop the calls running now (they raise InterruptError). Not sticky. Any thread; also
        reaches calls still running after close()."""
        p = self._shared.acquire("Composition", require_open=False)
        if p is None:
            return
        try:
            lib.packr_composition_interrupt(p)
        finally:
            self._shared.release()


class Func:
    """A resolved export; safe to call from any number of threads at once."""

    def __init__(self):
        raise TypeError("use Composition.func()")

    @classmethod
    def _wrap(cls, p, package, export) -> "Func":
        f = object.__new__(cls)
        f._shared = _Shared(p, lib.packr_func_free)
        f.package, f.export = package, export
        return f

    def close(self) -> None:
        s = getattr(self, "_shared", None)
        if s is not None:
            s.close()

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, data=b"") -> bytes:
        """Call with CGRF bytes; same contract as Composition.call."""
        b = buf(data)
        p = self._shared.acquire("Func")
        try:
            out, err = c_void_p(), c_void_p()
            check(lib.packr_func_call(p, b, len(b), byref(out), byref(err)), err)
            return take_bytes(out.value)
        finally:
            self._shared.release()

    def call_value(self, arg: Value) -> Value:
        return Value.decode(self.call(arg.encode()))

    def __call__(self, arg):
        """``f(value)`` is call_value, ``f(b"...")`` is call."""
        return self.call_value(arg) if isinstance(arg, Value) else self.call(arg)

    def __repr__(self) -> str:
        return f"<packr.Func {self.package}.{self.export}>"
