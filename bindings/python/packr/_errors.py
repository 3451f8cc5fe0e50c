"""Result codes and the exception hierarchy."""

from __future__ import annotations

import enum
from ctypes import c_void_p

from ._lib import lib

__all__ = [
    "Result", "Error", "InvalidArgumentError", "NotFoundError", "CompileError", "LinkError",
    "TrapError", "GuestError", "HostError", "DecodeError", "EncodeError", "LimitError",
    "InterruptError", "IoError", "PanicError", "PendingError",
]


class Result(enum.IntEnum):
    """A libpackr result code (packr_result). ``str()`` gives the C name, ``PACKR_RESULT_HOST``."""

    OK = 0
    INVALID_ARGUMENT = 1
    NOT_FOUND = 2
    COMPILE = 3
    LINK = 4
    TRAP = 5
    GUEST = 6
    HOST = 7
    DECODE = 8
    ENCODE = 9
    LIMIT = 10
    INTERRUPTED = 11
    IO = 12
    PANIC = 13
    PENDING = 14  #: a started call still waits for a deferred host answer (not a failure)

    def __str__(self) -> str:
        return lib.packr_result_name(int(self)).decode()


def result_name(code: int) -> str:
    """The C name of any number, ``PACKR_RESULT_UNKNOWN`` for one that is not a code."""
    return lib.packr_result_name(code & 0xFFFFFFFF).decode()


class Error(Exception):
    """A libpackr failure: ``code`` (a :class:`Result`) and ``message`` (what went wrong, where).

    ``Error(code, message)`` builds the subclass for that code, so
    ``except packr.HostError`` and ``except packr.Error as e: e.code == Result.HOST`` both work.
    """

    code: Result = Result.OK

    def __new__(cls, code=None, message: str = ""):
        if cls is Error and code is not None and not isinstance(code, str):
            cls = _BY_CODE.get(int(code), Error)
        return super().__new__(cls)

    def __init__(self, code=None, message: str = ""):
        if isinstance(code, str) and not message:  # HostError("text")
            code, message = None, code
        if code is None:
            code = type(self).code
        try:
            code = Result(int(code))
        except ValueError:
            code = int(code)
        self.code = code
        self.message = message
        super().__init__(code, message)

    def __str__(self) -> str:
        name = result_name(int(self.code))
        return f"{name}: {self.message}" if self.message else name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({result_name(int(self.code))}, {self.message!r})"

    def __reduce__(self):
        return (Error, (int(self.code), self.message))


def _sub(name: str, code: Result, *bases, doc: str):
    cls = type(name, (Error, *bases), {"code": code, "__doc__": doc})
    return cls


InvalidArgumentError = _sub("InvalidArgumentError", Result.INVALID_ARGUMENT, ValueError,
                            doc="A NULL, bad UTF-8, out-of-range or misused argument.")
NotFoundError = _sub("NotFoundError", Result.NOT_FOUND, doc="Unknown package or export, or no metadata.")
CompileError = _sub("CompileError", Result.COMPILE, doc="The bytes are not a valid WebAssembly module.")
LinkError = _sub("LinkError", Result.LINK, doc="Wiring or instantiation failed.")
TrapError = _sub("TrapError", Result.TRAP, doc="The guest trapped.")
GuestError = _sub("GuestError", Result.GUEST, doc="The guest returned an error status and message.")
HostError = _sub("HostError", Result.HOST, doc="A host function failed (or raised).")
DecodeError = _sub("DecodeError", Result.DECODE, doc="Malformed CGRF bytes or text.")
EncodeError = _sub("EncodeError", Result.ENCODE, doc="The value cannot be encoded.")
LimitError = _sub("LimitError", Result.LIMIT, doc="A fuel, time, memory, size or depth limit.")
InterruptError = _sub("InterruptError", Result.INTERRUPTED, doc="Composition.interrupt() stopped the call.")
IoError = _sub("IoError", Result.IO, doc="A file could not be read.")
PanicError = _sub("PanicError", Result.PANIC, doc="An internal libpackr bug caught at the boundary.")
PendingError = _sub("PendingError", Result.PENDING,
                    doc="A started call still waits for a deferred host answer (Call.poll and "
                        "Call.wait return None instead of raising it).")

_BY_CODE = {c.code: c for c in (InvalidArgumentError, NotFoundError, CompileError, LinkError,
                                TrapError, GuestError, HostError, DecodeError, EncodeError,
                                LimitError, InterruptError, IoError, PanicError, PendingError)}


def check(rc: int, err: c_void_p | None = None, what: str = "") -> None:
    """Raise the Error for a packr_result (freeing the packr_error, if any)."""
    e = err.value if err is not None else None
    if rc == 0:
        if e:
            lib.packr_error_free(e)
        return
    if e:
        code = lib.packr_error_code(e)
        msg = lib.packr_error_message(e).decode("utf-8", "replace")
        lib.packr_error_free(e)
    else:
        code, msg = rc, what
    raise Error(code, msg)
