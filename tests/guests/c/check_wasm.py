#!/usr/bin/env python3
"""Checks that the C guest modules have exactly the expected exports and imports, with the packr
signatures, and that __pack_types's blob is CGRF v3.  Usage: check_wasm.py DIR"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import inspect_wasm  # noqa: E402

ABI = (("i32",) * 4, ("i32",))
BASE = {
    "memory": ("memory", None),
    "__pack_alloc": ("func", (("i32",), ("i32",))),
    "__pack_free": ("func", (("i32", "i32"), ())),
    "__pack_types": ("func", (("i32", "i32"), ("i32",))),
}
EXPECTED = {
    "doubler": (["double"], []),
    "adder": (["process"], [("math", "double")]),
    "echo": (["echo", "double", "len", "add", "unit"], []),
    "sexpr": (["eval", "try_eval", "eval_strict", "count", "depth"], []),
}


def check(path, exports, imports):
    info = inspect_wasm.parse(path)
    errors = list(inspect_wasm.check(info))
    want = dict(BASE)
    want.update({n: ("func", ABI) for n in exports})
    got = {n: (k, s if k == "func" else None) for n, k, s in info["exports"]}
    if got != want:
        errors.append("exports %s, expected %s" % (sorted(got), sorted(want)))
    for n, (k, s) in want.items():
        if n in got and got[n] != (k, s):
            errors.append("export %s is %s" % (n, got[n]))
    got_imports = sorted((m, f) for m, f, k, s in info["imports"])
    if got_imports != sorted(imports):
        errors.append("imports %s, expected %s" % (got_imports, sorted(imports)))
    if any(s != ABI for m, f, k, s in info["imports"]):
        errors.append("an import does not have the packr signature")
    v3 = [d for d in info["data"] if d[2] == b"CGRF"]
    data = open(path, "rb").read()
    if not v3 or data.find(b"CGRF\x03\x00") < 0:
        errors.append("no CGRF v3 metadata blob in the data segments")
    return errors


def main(argv):
    d = argv[1]
    failed = 0
    for name, (exports, imports) in EXPECTED.items():
        errs = check(os.path.join(d, name + ".wasm"), exports, imports)
        for e in errs:
            print("%s.wasm: %s" % (name, e))
        failed += bool(errs)
        if not errs:
            print("%s.wasm: exports and imports as expected" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
