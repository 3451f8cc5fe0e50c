"""Builder, Composition, Func and host functions."""

from __future__ import annotations

import asyncio
import ctypes
import enum
import itertools
import math
import os
import threading
import time
from ctypes import byref, c_void_p
from typing import Callable, NamedTuple, Union

from ._errors import Error, InvalidArgumentError, Result, check
from ._lib import FINALIZER, HOST_FN, lib
from ._value import _State, Value, buf, cstr, take_bytes

__all__ = ["Builder", "Composition", "Func", "Call", "Completion", "HostReply", "Generation",
           "PackageGeneration", "host_function_stats"]

HostCallable = Callable[[bytes], Union[bytes, bytearray, memoryview, Value, None]]

# ---------------------------------------------------------------------------------------------
# host functions
#
# One C trampoline serves every Python host function: user_data is a key into _registry, which
# holds the callable until libpackr runs the finalizer (exactly once, when the last builder,
# composition or func holding the function is freed, or before add_host_function returns when
# it fails). The trampoline and finalizer CFUNCTYPE objects live as long as the module.


class _HostEntry:
    __slots__ = ("module", "name", "fn", "with_reply")

    def __init__(self, module, name, fn, with_reply=False):
        self.module, self.name, self.fn, self.with_reply = module, name, fn, with_reply


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
        r = None
        try:
            inp = ctypes.string_at(data, length) if length else b""
            if entry.with_reply:
                r = HostReply(reply)
                try:
                    out = entry.fn(inp, r)
                finally:
                    deferred = r._end()
                if deferred:
                    return 0  # libpackr ignores any output or error now
            else:
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
            if r is not None and r.deferred:
                return 0  # raised after deferring: the completion decides the outcome
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
# deferred host answers


class HostReply:
    """How a host function registered with :meth:`Builder.add_host_function_reply` answers
    later. Valid only during the call of the host function it was passed to."""

    __slots__ = ("_ptr", "_deferred", "_lock")

    def __init__(self, ptr):
        self._ptr, self._deferred, self._lock = ptr, False, threading.Lock()

    def defer(self) -> "Completion":
        """Defer the answer (packr_host_reply_defer): returns the :class:`Completion` to
        answer through later, from any thread; what the host function returns (or raises)
        afterwards is ignored. Meanwhile a packr-guest 0.5.4 package or a sync 0.24 package
        blocks the calling thread until the answer comes; an async 0.24 package parks, so
        :meth:`Composition.call_start` returns a pending :class:`Call`. Deferring twice, or
        after the host function returned, raises InvalidArgumentError."""
        with self._lock:
            if not self._ptr:
                raise InvalidArgumentError("HostReply used after its host function returned")
            out = c_void_p()
            check(lib.packr_host_reply_defer(self._ptr, byref(out)), None,
                  "packr_host_reply_defer (deferred twice?)")
            self._deferred = True
            return Completion._wrap(out.value)

    @property
    def deferred(self) -> bool:
        """True once :meth:`defer` succeeded."""
        return self._deferred

    def _end(self) -> bool:
        with self._lock:
            self._ptr = None
            return self._deferred


class Completion:
    """A deferred host answer (packr_completion), from :meth:`HostReply.defer`.

    Answer it exactly once, from any thread, with :meth:`complete` or :meth:`fail`, then
    :meth:`close` it (or use it as a context manager). Closing it unanswered, also by the
    garbage collector, fails the waiting call with HostError ("freed the completion without
    completing it"). Thread-safe.
    """

    def __init__(self):
        raise TypeError("use HostReply.defer()")

    @classmethod
    def _wrap(cls, p) -> "Completion":
        c = object.__new__(cls)
        c._shared = _Shared(p, lib.packr_completion_free)
        return c

    def complete(self, output=None) -> None:
        """Answer with ``output``: CGRF bytes, a :class:`Value` (encoded), or None (the unit
        value ``()``); wakes the waiting call. Raises InvalidArgumentError when answered
        before, NotFoundError when the call has ended (failed, timed out, interrupted, or its
        :class:`Call` was closed). Bytes that are not CGRF fail the call with DecodeError."""
        if output is None:
            output = Value.tuple([])
        if isinstance(output, Value):
            output = output.encode()
        b = buf(output, "output")
        p = self._shared.acquire("Completion")
        try:
            err = c_void_p()
            check(lib.packr_completion_complete(p, b, len(b), byref(err)), err)
        finally:
            self._shared.release()

    def fail(self, message: str) -> None:
        """Answer with a failure: the call raises HostError with ``message``. Raises as
        :meth:`complete`."""
        m = cstr(message, "message")
        p = self._shared.acquire("Completion")
        try:
            err = c_void_p()
            check(lib.packr_completion_fail(p, m, byref(err)), err)
        finally:
            self._shared.release()

    def close(self) -> None:
        """Free the completion (unanswered, the waiting call fails). Twice is fine."""
        s = getattr(self, "_shared", None)
        if s is not None:
            s.close()

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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
        self._timeout_ms = 0
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

    def wire_unchecked(self, target: str, import_module: str, import_name: str, source: str,
                       source_export: str) -> None:
        """Like :meth:`wire`, without the typed-wiring check of the two declared signatures
        (``build`` otherwise raises LinkError when both packages' metadata disagree)."""
        self._call(lib.packr_builder_wire_unchecked, cstr(target, "target package"),
                   cstr(import_module, "import module"), cstr(import_name, "import name"),
                   cstr(source, "source package"), cstr(source_export, "source export"))

    def add_host_function_reply(self, module: str, name: str, fn) -> None:
        """Register ``fn(input: bytes, reply: HostReply)`` as the host function ``module.name``:
        like :meth:`add_host_function`, but ``fn`` may answer later through
        ``reply.defer()``, which returns a :class:`Completion` to finish from any thread (then
        what ``fn`` returns is ignored)."""
        self._add_host_function(module, name, fn, True)

    def add_host_function(self, module: str, name: str, fn: HostCallable) -> None:
        """Register ``fn`` as the host function ``module.name``.

        ``fn(input: bytes)`` gets the guest's CGRF bytes and returns the answer: bytes (CGRF), a
        :class:`Value` (encoded for you) or None (the unit value ``()``). An exception fails the
        guest's call: the caller gets a :class:`HostError` with the exception's type and text.
        ``fn`` may run on several threads at once and may call back into the composition.
        """
        self._add_host_function(module, name, fn, False)

    def _add_host_function(self, module: str, name: str, fn, with_reply: bool) -> None:
        if not callable(fn):
            raise TypeError("host function must be callable")
        m, n = cstr(module, "module name"), cstr(name, "function name")
        with self._lock:
            if not self._ptr:
                raise InvalidArgumentError("Builder was already built or closed")
            key = next(_keys)
            with _registry_lock:
                _registry[key] = _HostEntry(module, name, fn, with_reply)
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
        self._timeout_ms = int(ms)

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
            c = Composition._wrap(out.value)
            c._timeout_ms = self._timeout_ms
            return c


class Generation(enum.IntEnum):
    """The packr guest SDK generation that built a package (packr_generation); ``str()`` gives
    ``"0.5"``, ``"0.24"`` or ``"unknown"``."""

    UNKNOWN = 0  #: not a package of the composition
    V0_5 = 1  #: packr-guest 0.5.4: CGRF v2
    V0_24 = 2  #: packr-guest 0.24: CGRF v3 (maps and sets)

    def __str__(self) -> str:
        return lib.packr_generation_name(int(self)).decode()


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
        c._timeout_ms = 0
        c._wakers = set()  # callables run by interrupt(): wake the waits of call_async
        c._wakers_lock = threading.Lock()
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

    def call_start(self, package: str, export: str, data=b"") -> Call:
        """Start a call of ``package.export`` with CGRF bytes without blocking on deferred host
        answers of async packages (packr_composition_call_start): when an async packr-guest
        0.24 export parks on a host function that deferred its answer, this returns a pending
        :class:`Call` at once; otherwise the call has finished when this returns (a sync
        package waiting for a deferred answer blocks this thread, without the GIL). Unknown
        names raise NotFoundError; failures of the call itself come from the Call."""
        pk, ex, b = cstr(package, "package name"), cstr(export, "export name"), buf(data)
        p = self._shared.acquire("Composition")
        try:
            started = time.monotonic()
            out, err = c_void_p(), c_void_p()
            check(lib.packr_composition_call_start(p, pk, ex, b, len(b), byref(out), byref(err)), err)
            return Call._wrap(out.value, self._timeout_ms, started)
        finally:
            self._shared.release()

    def call_start_value(self, package: str, export: str, arg: Value) -> Call:
        """Encode ``arg`` and :meth:`call_start`."""
        return self.call_start(package, export, arg.encode())

    async def call_async(self, package: str, export: str, data=b"") -> bytes:
        """Call ``package.export`` from asyncio: starts the call on the loop's default executor
        (the wasm execution, and a sync package waiting for a deferred answer, do not block the
        loop), then waits for the answers on the event loop (``loop.add_reader`` on
        :meth:`Call.fileno`), holding no thread. Returns the CGRF output or raises the call's
        :class:`Error`. Cancelling the task abandons the call (later answers to it raise
        NotFoundError)."""
        loop = asyncio.get_running_loop()
        start = loop.run_in_executor(None, self.call_start, package, export, data)
        try:
            call = await asyncio.shield(start)
        except asyncio.CancelledError:
            # The start still runs on the executor: close its call when it is there.
            start.add_done_callback(lambda f: f.cancelled() or f.exception() or f.result().close())
            raise
        wake = asyncio.Event()

        def waker():  # run by interrupt(), on any thread
            wake.interrupted = True
            loop.call_soon_threadsafe(wake.set)

        with self._wakers_lock:
            self._wakers.add(waker)
        try:
            with call:
                return await call._drive(wake)
        finally:
            with self._wakers_lock:
                self._wakers.discard(waker)

    async def call_value_async(self, package: str, export: str, arg: Value) -> Value:
        """:meth:`call_async` with values."""
        return Value.decode(await self.call_async(package, export, arg.encode()))

    def func(self, package: str, export: str) -> "Func":
        """Resolve ``package.export`` once for fast repeated calls."""
        pk, ex = cstr(package, "package name"), cstr(export, "export name")
        p = self._shared.acquire("Composition")
        try:
            out, err = c_void_p(), c_void_p()
            check(lib.packr_composition_func(p, pk, ex, byref(out), byref(err)), err)
            return Func._wrap(out.value, package, export, self._timeout_ms)
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

    def signatures(self, package: str) -> list:
        """The package's declared signatures, from its metadata of either generation, as
        ``(kind, interface, name, text)`` tuples: kind ``"import"``, ``"export"`` or
        ``"type-param"`` (a 0.24 interface type parameter, whose text is its constraint), e.g.
        ``("export", "", "double", "func(n: s64) -> s64")`` (NotFoundError if it has none)."""
        pk = cstr(package, "package name")
        p = self._shared.acquire("Composition")
        try:
            out, err = c_void_p(), c_void_p()
            check(lib.packr_composition_signatures(p, pk, byref(out), byref(err)), err)
            text = take_bytes(out.value).decode("utf-8")
        finally:
            self._shared.release()
        return [tuple(line.split("\t")) for line in text.splitlines() if line]

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
        with self._wakers_lock:
            wakers = list(self._wakers)
        for w in wakers:
            try:
                w()
            except RuntimeError:  # its loop is closed
                pass



# ---------------------------------------------------------------------------------------------
# started calls

# How long waits run before looking at the call's limits (libpackr checks the composition's
# timeout and interrupts only inside packr_call_wait), and the slice of packr_call_wait in
# Call.wait (so close() from another thread and KeyboardInterrupt get in between).
_WAIT_SLICE = 0.25


class Call:
    """A call started with :meth:`Composition.call_start`: finished already, or parked while an
    async packr-guest 0.24 package waits for a deferred host answer.

    ``poll()`` never blocks, ``wait(timeout)`` blocks (without the GIL), ``fileno()`` gives a
    descriptor that becomes readable when an answer arrives, on an interrupt, or when the
    composition's timeout passes (for ``selectors``, ``select`` or ``loop.add_reader``; then
    ``poll()``, which also reports the timeout). Once finished, the outcome stays: every ``poll()`` or
    ``wait()`` returns the output again, or raises the failure again. ``close()`` (or leaving a
    ``with`` block) frees it; a call still pending is abandoned, and later answers to it raise
    NotFoundError. A lock serialises the methods, so any thread may use it.
    """

    def __init__(self):
        raise TypeError("use Composition.call_start()")

    @classmethod
    def _wrap(cls, p, timeout_ms: int, started: float) -> "Call":
        c = object.__new__(cls)
        c._ptr, c._lock = p, threading.Lock()
        c._done, c._out, c._err = False, None, None
        c._deadline = started + timeout_ms / 1000 if timeout_ms else None
        return c

    def _step(self, wait_ms: int | None):
        """poll (None) or wait up to wait_ms; returns the output, or None while pending."""
        with self._lock:
            if not self._done:
                if not self._ptr:
                    raise InvalidArgumentError("Call is closed")
                out, err = c_void_p(), c_void_p()
                if wait_ms is None:
                    rc = lib.packr_call_poll(self._ptr, byref(out), byref(err))
                else:
                    rc = lib.packr_call_wait(self._ptr, max(1, int(wait_ms)), byref(out), byref(err))
                if rc == Result.PENDING:
                    if err.value:
                        lib.packr_error_free(err.value)
                    return None
                self._done = True
                try:
                    check(rc, err)
                    self._out = take_bytes(out.value)
                except Error as e:
                    self._err = e
            if self._err is not None:
                raise self._err.with_traceback(None)
            return self._out

    def poll(self) -> bytes | None:
        """Resume the call with the answers that have arrived, without blocking: None while it
        still waits, else the CGRF output; a failed call raises its :class:`Error`. The resumed
        package runs on this thread."""
        return self._step(None)

    def wait(self, timeout: float | None = None) -> bytes | None:
        """Wait up to ``timeout`` seconds (None: until the call finishes) and return the output
        as :meth:`poll` does: None if the time ran out. The composition's timeout and
        :meth:`Composition.interrupt` end the call with LimitError or InterruptError."""
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            left = _WAIT_SLICE if end is None else min(_WAIT_SLICE, end - time.monotonic())
            if left <= 0:
                return self.poll()
            out = self._step(max(1, math.ceil(left * 1000)))
            if out is not None:
                return out

    def poll_value(self) -> Value | None:
        """:meth:`poll`, decoded."""
        out = self.poll()
        return None if out is None else Value.decode(out)

    def wait_value(self, timeout: float | None = None) -> Value | None:
        """:meth:`wait`, decoded."""
        out = self.wait(timeout)
        return None if out is None else Value.decode(out)

    @property
    def pending(self) -> bool:
        """True while the call waits for a deferred host answer."""
        with self._lock:
            return bool(self._ptr) and not self._done and bool(lib.packr_call_is_pending(self._ptr))

    def fileno(self) -> int:
        """A descriptor (a pipe's read end) that becomes readable when an answer for this call
        arrives; then call :meth:`poll`. Owned by the call (never close it), valid until
        :meth:`close`; -1 once the call has finished."""
        with self._lock:
            if not self._ptr or self._done:
                return -1
            return lib.packr_call_fd(self._ptr)

    def close(self) -> None:
        """Free the call; a pending one is abandoned (its package instances are discarded).
        Twice is fine."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock:
            p, self._ptr = self._ptr, None
            if not self._done:
                self._done, self._err = True, InvalidArgumentError("Call is closed")
        if p and not _State.shutting_down:
            lib.packr_call_free(p)

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        state = "pending" if self.pending else ("finished" if self._ptr else "closed")
        return f"<packr.Call {state}>"

    async def _drive(self, wake: "asyncio.Event") -> bytes:
        """Waits on the event loop for the outcome (see Composition.call_async)."""
        loop = asyncio.get_running_loop()
        while True:
            out = self.poll()
            if out is not None:
                return out
            if self._deadline is not None and time.monotonic() >= self._deadline:
                # The call's time is up (or nearly: libpackr counts from a moment later).
                out = self._step(5)
                if out is not None:
                    return out
                continue
            fd = self.fileno()
            wake.clear()
            if fd >= 0:
                loop.add_reader(fd, wake.set)
            try:
                slice_ = _WAIT_SLICE if fd >= 0 else 0.01
                if self._deadline is not None:
                    slice_ = max(0.0, min(slice_, self._deadline - time.monotonic()))
                try:
                    await asyncio.wait_for(wake.wait(), slice_)
                    if not getattr(wake, "interrupted", False):
                        continue  # an answer (poll at the top)
                    wake.interrupted = False
                except asyncio.TimeoutError:
                    pass
            finally:
                if fd >= 0:
                    loop.remove_reader(fd)
            out = self._step(1)  # let libpackr look at the timeout and interrupts
            if out is not None:
                return out


class Func:
    """A resolved export; safe to call from any number of threads at once."""

    def __init__(self):
        raise TypeError("use Composition.func()")

    @classmethod
    def _wrap(cls, p, package, export, timeout_ms=0) -> "Func":
        f = object.__new__(cls)
        f._shared = _Shared(p, lib.packr_func_free)
        f.package, f.export = package, export
        f._timeout_ms = timeout_ms
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

    def call_start(self, data=b"") -> Call:
        """Start a call with CGRF bytes (packr_func_call_start); same contract as
        Composition.call_start. The Call keeps what it needs: the Func may be closed first."""
        b = buf(data)
        p = self._shared.acquire("Func")
        try:
            started = time.monotonic()
            out, err = c_void_p(), c_void_p()
            check(lib.packr_func_call_start(p, b, len(b), byref(out), byref(err)), err)
            return Call._wrap(out.value, self._timeout_ms, started)
        finally:
            self._shared.release()

    def __call__(self, arg):
        """``f(value)`` is call_value, ``f(b"...")`` is call."""
        return self.call_value(arg) if isinstance(arg, Value) else self.call(arg)

    def __repr__(self) -> str:
        return f"<packr.Func {self.package}.{self.export}>"
