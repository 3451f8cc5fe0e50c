"""packr: Python bindings (ctypes) for libpackr, the host of packr WebAssembly packages.

    >>> import packr
    >>> v = packr.Value.record("point", {"x": packr.Value.s32(1), "y": packr.Value.s32(2)})
    >>> print(v)
    point{x: 1s32, y: 2s32}
    >>> packr.Value.decode(v.encode()) == v
    True
    >>> v.field("y").as_s32()
    2

The library is loaded from ``$PACKR_LIBRARY``, else the repository's
``target/release/libpackr.so``, else the system (``ctypes.util.find_library("packr")``).
"""

from ._errors import (CompileError, DecodeError, EncodeError, Error, GuestError, HostError,
                      InterruptError, InvalidArgumentError, IoError, LimitError, LinkError,
                      NotFoundError, PanicError, PendingError, Result, TrapError)
from ._lib import lib as _clib, library_path
from ._runtime import (PRECOMPILE_ALL, PRECOMPILE_FUEL, PRECOMPILE_PLAIN, Builder, Call,
                       Completion, Composition, Func, Generation, HostReply, PackageGeneration,
                       host_function_stats, precompile, precompile_file)
from ._value import Kind, Type, Value

__all__ = [
    "Builder", "Composition", "Func", "Call", "Completion", "HostReply", "Value", "Type", "Kind",
    "Generation", "PackageGeneration", "Result", "Error", "PendingError",
    "InvalidArgumentError", "NotFoundError", "CompileError", "LinkError", "TrapError",
    "GuestError", "HostError", "DecodeError", "EncodeError", "LimitError", "InterruptError",
    "IoError", "PanicError", "version", "library_path", "host_function_stats", "precompile",
    "precompile_file", "PRECOMPILE_PLAIN", "PRECOMPILE_FUEL", "PRECOMPILE_ALL",
]

__version__ = "0.1.0"


def version() -> str:
    """The version of the loaded libpackr, "X.Y.Z"."""
    return _clib.packr_version().decode()
