#!/usr/bin/env python3
"""Generate the __pack_types metadata of a C packr package.

    packr_types.py pkg.types > pkg_types.c      # a C file exporting __pack_types
    packr_types.py --hex pkg.types              # the CGRF blob as hex

The input is the body of packr-guest's pack_types! macro (0.24.1), for example

    variant expr { sym(string), num(s64), lst(list<self>) }
    record point { x: s32, y: s32 }
    type s: serializable                 // an interface type parameter
    imports { math { double: func(n: s64) -> s64 } }
    exports { process: func(n: s64) -> s64, ns:pkg/iface.name: func(p: point) }

The output is what packr-guest-macros 0.24.1 embeds for the same text: a CGRF v3 `package-metadata`
record (imports, exports, import-hashes, export-hashes, and type-params when any), with type-descs
expanded inline and SHA-256 Merkle interface hashes. Named types are expanded structurally; `self`,
`value`, unknown names and self-recursive named types become the `value` type-desc.
"""
import hashlib
import re
import struct
import sys

PRIMS = ["bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char",
         "string", "flags"]
PRIM_HASH_BYTE = {p: i + 1 for i, p in enumerate(PRIMS)}  # HASH_BOOL = 00 01 00.., HASH_U8 = 00 02 ..
HASH_SELF_REF = b"\xff\xff" + bytes(30)


class ParseError(Exception):
    pass


# ---------------------------------------------------------------- parser

TOKEN = re.compile(r"\s+|//[^\n]*|(->|[{}()<>,=:]|[A-Za-z0-9_\-./@]+)")


def tokenize(text):
    out, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise ParseError("unexpected character %r at offset %d" % (text[pos], pos))
        if m.group(1):
            out.append(m.group(1))
        pos = m.end()
    return out


class Parser:
    def __init__(self, text):
        self.t = tokenize(text)
        self.i = 0
        self.typedefs = {}     # name -> ("record", fields) | ("variant", cases) | ("alias", ty) | ("flags",)
        self.type_params = []  # (name, constraint)
        self.imports = []      # (interface, name, params, results)
        self.exports = []

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else None

    def next(self):
        if self.i >= len(self.t):
            raise ParseError("unexpected end of input")
        self.i += 1
        return self.t[self.i - 1]

    def expect(self, tok):
        got = self.next()
        if got != tok:
            raise ParseError("expected %r, got %r" % (tok, got))

    def comma(self):
        if self.peek() == ",":
            self.next()

    def parse(self):
        while self.peek() is not None:
            kw = self.next()
            if kw == "record":
                name = self.next()
                self.expect("{")
                fields = []
                while self.peek() != "}":
                    f = self.next()
                    self.expect(":")
                    fields.append((f, self.type()))
                    self.comma()
                self.next()
                self.typedefs[name] = ("record", fields)
            elif kw == "variant":
                name = self.next()
                self.expect("{")
                cases = []
                while self.peek() != "}":
                    c = self.next()
                    payload = None
                    if self.peek() == "(":
                        self.next()
                        payload = self.type()
                        self.expect(")")
                    cases.append((c, payload))
                    self.comma()
                self.next()
                self.typedefs[name] = ("variant", cases)
            elif kw in ("enum", "flags"):
                name = self.next()
                self.expect("{")
                names = []
                while self.peek() != "}":
                    names.append(self.next())
                    self.comma()
                self.next()
                self.typedefs[name] = ("variant", [(n, None) for n in names]) if kw == "enum" else ("flags",)
            elif kw == "type":
                name = self.next()
                sep = self.next()
                if sep == ":":
                    self.type_params.append((name, self.next()))
                elif sep == "=":
                    self.typedefs[name] = ("alias", self.type())
                else:
                    raise ParseError("expected ':' or '=' after type %s" % name)
            elif kw == "imports":
                self.expect("{")
                while self.peek() != "}":
                    iface = ""
                    while self.peek() != "{":
                        iface += self.next()
                    self.next()
                    while self.peek() != "}":
                        self.imports.append(self.func(iface))
                    self.next()
                self.next()
            elif kw == "exports":
                self.expect("{")
                while self.peek() != "}":
                    self.exports.append(self.func(None))
                self.next()
            else:
                raise ParseError("unexpected %r" % kw)
        return self

    def func(self, iface):
        # name tokens up to the ':' that precedes 'func' (export names may be ns:pkg/iface.name)
        parts = []
        while not (self.peek() == ":" and self.peek(1) == "func"):
            parts.append(self.next())
        full = "".join(parts)
        self.expect(":")
        self.expect("func")
        if iface is None:
            iface, name = (full.rsplit(".", 1) if ("/" in full or ":" in full) and "." in full else ("", full))
        else:
            name = full
        self.expect("(")
        params = []
        while self.peek() != ")":
            p = self.next()
            self.expect(":")
            params.append((p, self.type()))
            self.comma()
        self.next()
        results = []
        if self.peek() == "->":
            self.next()
            results.append(self.type())
        self.comma()
        return (iface, name, params, results)

    def type(self):
        name = self.next()
        if name in ("list", "option", "set"):
            self.expect("<")
            inner = self.type()
            self.expect(">")
            return (name, inner)
        if name == "map":
            self.expect("<")
            k = self.type()
            self.expect(",")
            v = self.type()
            self.expect(">")
            return ("map", k, v)
        if name == "result":
            ok = err = None
            if self.peek() == "<":
                self.next()
                ok = None if self.peek() == "_" and self.next() else self.type()
                if self.peek() == ",":
                    self.next()
                    err = None if self.peek() == "_" and self.next() else self.type()
                self.expect(">")
            return ("result", ok, err)
        if name == "tuple":
            self.expect("<")
            items = []
            while self.peek() != ">":
                items.append(self.type())
                self.comma()
            self.next()
            return ("tuple", items)
        if name in PRIMS:
            return (name,)
        if name in ("value", "self"):
            return ("value",)
        return ("named", name)


# ---------------------------------------------------------------- type-descs

def resolve(p, ty, stack=()):
    """Parsed type -> type-desc tree: prims, list/option/set/map/result/tuple, record, variant,
    ref, value (the forms of packr-guest-macros' TypeDesc)."""
    kind = ty[0]
    if kind in PRIMS or kind == "value":
        return ty
    if kind in ("list", "option", "set"):
        return (kind, resolve(p, ty[1], stack))
    if kind == "map":
        return ("map", resolve(p, ty[1], stack), resolve(p, ty[2], stack))
    if kind == "result":
        ok = resolve(p, ty[1], stack) if ty[1] else ("bool",)
        err = resolve(p, ty[2], stack) if ty[2] else ("string",)
        return ("result", ok, err)
    if kind == "tuple":
        return ("tuple", [resolve(p, t, stack) for t in ty[1]])
    name = ty[1]
    if any(name == tp for tp, _ in p.type_params):
        return ("ref", name)
    td = p.typedefs.get(name)
    if td is None or name in stack:  # unknown, or a recursive named type (upstream would loop)
        return ("value",)
    stack = stack + (name,)
    if td[0] == "alias":
        return resolve(p, td[1], stack)
    if td[0] == "flags":
        return ("flags",)
    if td[0] == "record":
        return ("record", name, [(f, resolve(p, t, stack)) for f, t in td[1]])
    return ("variant", name, [(c, resolve(p, t, stack) if t else None) for c, t in td[1]])


# values: ("string", s) ("u64", n) ("record", tname, [(f, v)]) ("list", elem_type_bytes, [v])
#         ("variant", tname, case, tag, [v]) ("option", inner_type_bytes, v|None) ("tuple", [v])
REC0 = b"\x09" + bytes(4)   # ValueType::Record("")
VAR0 = b"\x08" + bytes(4)   # ValueType::Variant("")
TAGS = {p: i for i, p in enumerate(PRIMS)}


def td_value(td):
    k = td[0]
    if k in TAGS:
        return ("variant", "type-desc", k, TAGS[k], [])
    if k == "value":
        return ("variant", "type-desc", "value", 20, [])
    if k == "list":
        return ("variant", "type-desc", "list", 14, [td_value(td[1])])
    if k == "option":
        return ("variant", "type-desc", "option", 15, [td_value(td[1])])
    if k == "result":
        return ("variant", "type-desc", "result", 16,
                [("record", "result-desc", [("ok", td_value(td[1])), ("err", td_value(td[2]))])])
    if k == "record":
        fields = [("record", "field-desc", [("name", ("string", f)), ("type", td_value(t))]) for f, t in td[2]]
        return ("variant", "type-desc", "record", 17,
                [("record", "record-desc", [("name", ("string", td[1])), ("fields", ("list", REC0, fields))])])
    if k == "variant":
        cases = [("record", "case-desc", [("name", ("string", c)),
                                          ("payload", ("option", VAR0, td_value(t) if t else None))])
                 for c, t in td[2]]
        return ("variant", "type-desc", "variant", 18,
                [("record", "variant-desc", [("name", ("string", td[1])), ("cases", ("list", REC0, cases))])])
    if k == "tuple":
        return ("variant", "type-desc", "tuple", 19, [("list", VAR0, [td_value(t) for t in td[1]])])
    if k == "map":
        return ("variant", "type-desc", "map", 22,
                [("record", "MapPayload", [("key", td_value(td[1])), ("value", td_value(td[2]))])])
    if k == "set":
        return ("variant", "type-desc", "set", 23, [td_value(td[1])])
    if k == "ref":
        return ("variant", "type-desc", "ref", 18, [("record", "TypeRef", [("name", ("string", td[1]))])])
    raise ValueError(td)


# ---------------------------------------------------------------- hashes

def u32(n):
    return struct.pack("<I", n)


def hstr(s):
    b = s.encode()
    return u32(len(b)) + b


def sha(data):
    return hashlib.sha256(data).digest()


def td_hash(td):
    k = td[0]
    if k in PRIM_HASH_BYTE:
        return bytes([0, PRIM_HASH_BYTE[k]]) + bytes(30)
    if k in ("value", "ref"):
        return HASH_SELF_REF
    if k == "list":
        return sha(b"\x10" + td_hash(td[1]))
    if k == "option":
        return sha(b"\x11" + td_hash(td[1]))
    if k == "result":
        return sha(b"\x12" + td_hash(td[1]) + td_hash(td[2]))
    if k == "tuple":
        return sha(b"\x13" + u32(len(td[1])) + b"".join(td_hash(t) for t in td[1]))
    if k == "record":
        fields = sorted(td[2], key=lambda f: f[0].encode())
        return sha(b"\x14" + u32(len(fields)) + b"".join(hstr(n) + td_hash(t) for n, t in fields))
    if k == "variant":
        cases = sorted(td[2], key=lambda c: c[0].encode())
        return sha(b"\x15" + u32(len(cases)) +
                   b"".join(hstr(n) + (b"\x01" + td_hash(t) if t else b"\x00") for n, t in cases))
    if k == "map":
        return sha(b"\x18" + td_hash(td[1]) + td_hash(td[2]))
    if k == "set":
        return sha(b"\x19" + td_hash(td[1]))
    raise ValueError(td)


def func_hash(params, results):
    return sha(b"\x16" + u32(len(params)) + b"".join(td_hash(t) for t in params) +
               u32(len(results)) + b"".join(td_hash(t) for t in results))


def iface_hash(name, funcs):
    """funcs: [(fname, hash)], sorted here by name."""
    funcs = sorted(funcs, key=lambda f: f[0].encode())
    return sha(b"\x17" + hstr(name) + u32(0) + u32(len(funcs)) + b"".join(hstr(n) + h for n, h in funcs))


# ---------------------------------------------------------------- CGRF v3 encoder (post-order)

def encode(value):
    nodes = []

    def push(kind, payload):
        nodes.append(bytes([kind, 0, 0, 0]) + u32(len(payload)) + payload)
        return len(nodes) - 1

    def enc(v):
        k = v[0]
        if k == "string":
            return push(0x06, hstr(v[1]))
        if k == "u64":
            return push(0x0F, struct.pack("<Q", v[1]))
        if k == "tuple":
            kids = [enc(x) for x in v[1]]
            return push(0x0B, u32(len(kids)) + b"".join(u32(c) for c in kids))
        if k == "list":
            kids = [enc(x) for x in v[2]]
            return push(0x07, v[1] + u32(len(kids)) + b"".join(u32(c) for c in kids))
        if k == "option":
            if v[2] is None:
                return push(0x0A, v[1] + b"\x00")
            c = enc(v[2])
            return push(0x0A, v[1] + b"\x01" + u32(c))
        if k == "record":
            kids = [enc(x) for _, x in v[2]]
            return push(0x09, hstr(v[1]) + u32(len(kids)) + b"".join(hstr(f) for f, _ in v[2]) +
                        b"".join(u32(c) for c in kids))
        if k == "variant":
            kids = [enc(x) for x in v[4]]
            return push(0x08, hstr(v[1]) + hstr(v[2]) + u32(v[3]) + u32(len(kids)) +
                        b"".join(u32(c) for c in kids))
        raise ValueError(v)

    root = enc(value)
    return b"CGRF" + struct.pack("<HH", 3, 0) + u32(len(nodes)) + u32(root) + b"".join(nodes)


# ---------------------------------------------------------------- metadata

def metadata(text):
    p = Parser(text).parse()

    def sig(f):
        iface, name, params, results = f
        ps = [(n, resolve(p, t)) for n, t in params]
        rs = [resolve(p, t) for t in results]
        return iface, name, ps, rs

    imports = [sig(f) for f in p.imports]
    exports = [sig(f) for f in p.exports]

    def sig_value(s):
        iface, name, ps, rs = s
        return ("record", "function-sig", [
            ("interface", ("string", iface)), ("name", ("string", name)),
            ("params", ("list", REC0, [("record", "param-sig", [("name", ("string", n)), ("type", td_value(t))])
                                       for n, t in ps])),
            ("results", ("list", VAR0, [td_value(t) for t in rs]))])

    def hashes(sigs):
        groups = {}
        for iface, name, ps, rs in sigs:
            groups.setdefault(iface, []).append((name, func_hash([t for _, t in ps], rs)))
        out = []
        for iface in sorted(groups, key=lambda s: s.encode()):
            h = iface_hash(iface, groups[iface])
            out.append(("record", "interface-hash", [
                ("name", ("string", iface)),
                ("hash", ("tuple", [("u64", struct.unpack("<Q", h[i:i + 8])[0]) for i in range(0, 32, 8)]))]))
        return out

    fields = [("imports", ("list", REC0, [sig_value(s) for s in imports])),
              ("exports", ("list", REC0, [sig_value(s) for s in exports])),
              ("import-hashes", ("list", REC0, hashes(imports))),
              ("export-hashes", ("list", REC0, hashes(exports)))]
    if p.type_params:
        fields.append(("type-params", ("list", REC0, [
            ("record", "type-param", [("name", ("string", n)), ("constraint", ("string", c))])
            for n, c in p.type_params])))
    return encode(("record", "package-metadata", fields))


def c_source(blob, src):
    lines = ["/* Generated by guest/packr_types.py from %s. Do not edit. */" % src,
             '#include "packr_guest.h"', "",
             "/* Its own data segment, so the blob starts a segment as in rustc guests (hosts that scan",
             "   the data segments for a CGRF prefix find it there). */",
             "#if defined(__wasm__)",
             '__attribute__((section("packr_types")))',
             "#endif",
             "static const uint8_t packr_types_blob[%d] = {" % len(blob)]
    for i in range(0, len(blob), 16):
        lines.append("  " + ", ".join("0x%02x" % b for b in blob[i:i + 16]) + ",")
    lines += ["};", "", "PACKR_TYPES(packr_types_blob)", ""]
    return "\n".join(lines)


def main(argv):
    args = argv[1:]
    hexout = "--hex" in args
    args = [a for a in args if a != "--hex"]
    if len(args) != 1:
        sys.stderr.write("usage: packr_types.py [--hex] FILE.types > FILE_types.c\n")
        return 2
    with open(args[0], encoding="utf-8") as f:
        text = f.read()
    try:
        blob = metadata(text)
    except ParseError as e:
        sys.stderr.write("%s: %s\n" % (args[0], e))
        return 1
    sys.stdout.write(blob.hex() + "\n" if hexout else c_source(blob, args[0].rsplit("/", 1)[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
