#!/usr/bin/env python3
"""Dependency-free wasm inspector for the guest fixtures.

Prints the imports, exports (with function signatures), memory and data
segments of each module given on the command line. With --check it also
verifies the packr-guest 0.5.4 module shape (spec section 3.1):

  * exports `memory`, `__pack_alloc: (i32)->i32`, `__pack_free: (i32,i32)->()`,
    `__pack_types: (i32,i32)->i32`;
  * every other function export and every import is (i32,i32,i32,i32)->i32.

Usage: inspect_wasm.py [--check] FILE.wasm...
Exit status 1 if a check fails.
"""
import sys

VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128",
            0x70: "funcref", 0x6F: "externref"}
EXTERN = {0: "func", 1: "table", 2: "memory", 3: "global", 4: "tag"}


class Reader:
    def __init__(self, data, pos=0, end=None):
        self.d, self.p = data, pos
        self.end = len(data) if end is None else end

    def byte(self):
        b = self.d[self.p]
        self.p += 1
        return b

    def uleb(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    def sleb(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if b & 0x40:
                    result -= 1 << shift
                return result

    def name(self):
        n = self.uleb()
        s = self.d[self.p:self.p + n].decode("utf-8")
        self.p += n
        return s

    def limits(self):
        flag = self.byte()
        lo = self.uleb()
        hi = self.uleb() if flag & 1 else None
        return lo, hi

    def const_expr(self):
        # Only the simple forms rustc emits: i32.const N / global.get N; end.
        op = self.byte()
        val = None
        if op == 0x41:
            val = self.sleb()
        elif op == 0x23:
            val = ("global", self.uleb())
        elif op == 0x42:
            val = self.sleb()
        while self.byte() != 0x0B:
            pass
        return val


def cgrf_len(buf):
    """Length of the CGRF blob at the start of buf (the pack_types! metadata
    sits at the start of .rodata), or None if buf does not start with one."""
    if buf[:4] != b"CGRF" or len(buf) < 16:
        return None
    count = int.from_bytes(buf[8:12], "little")
    pos = 16
    for _ in range(count):
        if pos + 8 > len(buf):
            return None
        pos += 8 + int.from_bytes(buf[pos + 4:pos + 8], "little")
    return pos if pos <= len(buf) else None


def parse(path):
    data = open(path, "rb").read()
    assert data[:4] == b"\0asm", f"{path}: not a wasm module"
    r = Reader(data, 8)
    types, imports, funcs, exports, memories, data_segs = [], [], [], [], [], []
    customs = []
    while r.p < len(data):
        sid = r.byte()
        size = r.uleb()
        end = r.p + size
        s = Reader(data, r.p, end)
        if sid == 0:
            customs.append(s.name())
        elif sid == 1:
            for _ in range(s.uleb()):
                form = s.byte()
                assert form == 0x60, hex(form)
                params = tuple(VALTYPES.get(s.byte(), "?") for _ in range(s.uleb()))
                results = tuple(VALTYPES.get(s.byte(), "?") for _ in range(s.uleb()))
                types.append((params, results))
        elif sid == 2:
            for _ in range(s.uleb()):
                mod, field, kind = s.name(), s.name(), s.byte()
                if kind == 0:
                    desc = s.uleb()
                elif kind == 1:
                    s.byte()
                    desc = s.limits()
                elif kind == 2:
                    desc = s.limits()
                elif kind == 3:
                    desc = (s.byte(), s.byte())
                else:
                    desc = s.uleb()
                imports.append((mod, field, EXTERN.get(kind, kind), desc))
        elif sid == 3:
            funcs = [s.uleb() for _ in range(s.uleb())]
        elif sid == 5:
            memories = [s.limits() for _ in range(s.uleb())]
        elif sid == 7:
            for _ in range(s.uleb()):
                exports.append((s.name(), EXTERN.get(s.byte(), "?"), s.uleb()))
        elif sid == 11:
            for _ in range(s.uleb()):
                flag = s.uleb()
                offset = None
                if flag == 0:
                    offset = s.const_expr()
                elif flag == 2:
                    s.uleb()
                    offset = s.const_expr()
                n = s.uleb()
                data_segs.append((offset, n, data[s.p:s.p + 4], cgrf_len(data[s.p:s.p + n])))
                s.p += n
        r.p = end

    imported_funcs = [i for i in imports if i[2] == "func"]

    def func_sig(idx):
        if idx < len(imported_funcs):
            return types[imported_funcs[idx][3]]
        return types[funcs[idx - len(imported_funcs)]]

    return {
        "size": len(data),
        "imports": [(m, f, k, types[d] if k == "func" else d) for m, f, k, d in imports],
        "exports": [(n, k, func_sig(i) if k == "func" else i) for n, k, i in exports],
        "memories": memories,
        "data": data_segs,
        "nfuncs": len(funcs),
        "customs": customs,
    }


def fmt_sig(sig):
    p, r = sig
    return f"({', '.join(p)}) -> ({', '.join(r)})"


ABI = (("i32",) * 4, ("i32",))
FIXED = {
    "__pack_alloc": (("i32",), ("i32",)),
    "__pack_free": (("i32", "i32"), ()),
    "__pack_types": (("i32", "i32"), ("i32",)),
}


def check(info):
    errors = []
    exp = {n: (k, s) for n, k, s in info["exports"]}
    if exp.get("memory", (None,))[0] != "memory":
        errors.append("no `memory` export")
    for name, sig in FIXED.items():
        if name not in exp:
            errors.append(f"missing export {name}")
        elif exp[name] != ("func", sig):
            errors.append(f"{name} has signature {fmt_sig(exp[name][1])}")
    for n, k, s in info["exports"]:
        if k == "func" and n not in FIXED and s != ABI:
            errors.append(f"export {n} is {fmt_sig(s)}, not the packr ABI")
    for m, f, k, s in info["imports"]:
        if k != "func" or s != ABI:
            errors.append(f"import {m}.{f} is {k} {s}, not the packr ABI")
    return errors


def main(argv):
    do_check = "--check" in argv
    files = [a for a in argv if not a.startswith("--")]
    failed = False
    for path in files:
        info = parse(path)
        print(f"== {path} ({info['size']} bytes, {info['nfuncs']} defined functions)")
        for m, f, k, s in info["imports"]:
            print(f"  import {m!r}.{f!r} {k} {fmt_sig(s) if k == 'func' else s}")
        for n, k, s in info["exports"]:
            print(f"  export {n!r} {k} {fmt_sig(s) if k == 'func' else ''}")
        for lo, hi in info["memories"]:
            print(f"  memory min {lo} pages, max {hi}")
        for off, n, head, meta in info["data"]:
            extra = f" (CGRF metadata blob of {meta} bytes first)" if meta else ""
            print(f"  data segment at {off}: {n} bytes, starts {head!r}{extra}")
        if info["customs"]:
            print(f"  custom sections: {', '.join(info['customs'])}")
        if do_check:
            errs = check(info)
            for e in errs:
                print(f"  CHECK FAILED: {e}")
            failed |= bool(errs)
            if not errs:
                print("  check: packr-guest 0.5.4 shape OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
