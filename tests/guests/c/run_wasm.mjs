// Runs the C guest modules in node's WebAssembly engine and drives them through the packr ABI
// directly (no libpackr): alloc/write/call/read/free as a host does, imports served from JS with
// host-owned (status 0), guest-owned (status 1) and failing (status -1) results, and a C adder
// wired to a C doubler instance. Usage: node run_wasm.mjs WASM_DIR GOLDEN_V3
import fs from "fs";

const [dir, golden] = process.argv.slice(2);
let passed = 0, failed = 0;
function check(cond, what) {
  if (cond) passed++;
  else { failed++; console.log("FAIL " + what); }
}

// ---- a small CGRF v3 encoder for expected values ----
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const utf8 = (s) => Buffer.from(s, "utf8");
const cat = (...xs) => Buffer.concat(xs.map((x) => (Buffer.isBuffer(x) ? x : Buffer.from(x))));
function enc(v) {
  const nodes = [];
  const push = (k, p) => { nodes.push(cat([k, 0, 0, 0], u32(p.length), p)); return nodes.length - 1; };
  const kids = (k) => cat(u32(k.length), ...k.map(u32));
  function e(v) {
    switch (v.t) {
      case "s64": { const d = Buffer.alloc(8); d.writeBigInt64LE(BigInt(v.v)); return push(3, d); }
      case "u32": return push(0x0e, u32(v.v));
      case "str": { const s = utf8(v.v); return push(6, cat(u32(s.length), s)); }
      case "tuple": return push(0x0b, kids(v.items.map(e)));
      case "list": { const k = v.items.map(e); return push(7, cat(v.type, kids(k))); }
      case "variant": {
        const k = v.items.map(e), tn = utf8(v.tn), cn = utf8(v.cn);
        return push(8, cat(u32(tn.length), tn, u32(cn.length), cn, u32(v.tag), kids(k)));
      }
      case "result": { const k = e(v.v); return push(0x14, cat(v.ok, v.err, u32(v.tag), [1], u32(k))); }
    }
    throw new Error("enc " + v.t);
  }
  const root = e(v);
  return new Uint8Array(cat(utf8("CGRF"), [3, 0, 0, 0], u32(nodes.length), u32(root), ...nodes));
}
const S64 = (v) => ({ t: "s64", v });
const STR = (v) => ({ t: "str", v });
const TUP = (...items) => ({ t: "tuple", items });
const EXPR_T = cat([8], u32(4), utf8("expr"));
const sym = (s) => ({ t: "variant", tn: "expr", cn: "sym", tag: 0, items: [STR(s)] });
const num = (n) => ({ t: "variant", tn: "expr", cn: "num", tag: 1, items: [S64(n)] });
const lst = (...xs) => ({ t: "variant", tn: "expr", cn: "lst", tag: 4, items: [{ t: "list", type: EXPR_T, items: xs }] });
const hex = (b) => Buffer.from(b).toString("hex");
const same = (a, b) => hex(a) === hex(b);
const text = (b) => Buffer.from(b).toString("utf8");

// ---- the host side of the ABI ----
async function load(name, imports = {}) {
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(`${dir}/${name}.wasm`), imports);
  return instance.exports;
}
function call(ex, fn, input) {
  const p = ex.__pack_alloc(input.length);
  if (input.length) new Uint8Array(ex.memory.buffer).set(input, p);
  const slots = ex.__pack_alloc(8);
  const status = ex[fn](p, input.length, slots, slots + 4);
  ex.__pack_free(p, input.length);
  const dv = new DataView(ex.memory.buffer);
  const ptr = dv.getUint32(slots, true), len = dv.getUint32(slots + 4, true);
  const out = new Uint8Array(ex.memory.buffer).slice(ptr, ptr + len);
  ex.__pack_free(ptr, len);
  ex.__pack_free(slots, 8);
  return { status, out };
}
const ok = (r, want, what) => check(r.status === 0 && same(r.out, want), `${what}: status ${r.status} ${r.status ? text(r.out) : hex(r.out)}`);
const err = (r, msg, what) => check(r.status === -1 && text(r.out) === msg, `${what}: status ${r.status} ${text(r.out)}`);

// ---- doubler ----
const dbl = await load("doubler");
ok(call(dbl, "double", enc(S64(21))), enc(S64(42)), "double(21)");
ok(call(dbl, "double", enc(TUP(S64(21)))), enc(S64(42)), "double((21,))");
ok(call(dbl, "double", enc(S64(-(2n ** 63n)))), enc(S64(0)), "double wraps");
err(call(dbl, "double", enc(STR("x"))), "failed to convert parameter", "double(string)");
err(call(dbl, "double", enc(TUP(TUP(S64(1))))), "failed to convert parameter", "double(((1,),))");
const v2 = enc(S64(1)); v2[4] = 2;
err(call(dbl, "double", v2), 'decode error: InvalidEncoding("Unsupported version")', "double(v2 input)");
err(call(dbl, "double", new Uint8Array(0)), "decode error: BufferTooSmall { need: 4, have: 0 }", "double(empty)");
err(call(dbl, "double", Uint8Array.from(utf8("not CGRF at all"))), 'decode error: InvalidEncoding("Invalid magic")', "double(junk)");
check(dbl.__pack_alloc(0) === 0 && dbl.__pack_alloc(-5) === 0, "__pack_alloc(<=0) is 0");
{
  const slots = dbl.__pack_alloc(8);
  const st = dbl.__pack_types(slots, slots + 4);
  const dv = new DataView(dbl.memory.buffer);
  const ptr = dv.getUint32(slots, true), len = dv.getUint32(slots + 4, true);
  const blob = new Uint8Array(dbl.memory.buffer).slice(ptr, ptr + len);
  check(st === 0 && text(blob.slice(0, 4)) === "CGRF" && blob[4] === 3 && len > 100, "__pack_types: CGRF v3 blob");
}

// ---- echo: every golden valid vector comes back byte for byte (1-tuples are unwrapped) ----
const echo = await load("echo");
let echoed = 0;
for (const line of fs.readFileSync(golden, "utf8").split("\n")) {
  const [name, h] = line.split("\t");
  if (!/^(valid|from|meta)\//.test(name || "")) continue;
  const b = Buffer.from(h, "hex");
  const root = b.readUInt32LE(12);
  let pos = 16;
  for (let i = 0; i < root; i++) pos += 8 + b.readUInt32LE(pos + 4);
  if (b[pos] === 0x0b && b.readUInt32LE(pos + 8) === 1) continue; // a 1-tuple: unwrapped by value mode
  ok(call(echo, "echo", b), b, `echo ${name}`);
  echoed++;
}
check(echoed > 100, `only ${echoed} vectors echoed`);
ok(call(echo, "echo", enc(TUP(S64(5)))), enc(S64(5)), "echo((5,))");
ok(call(echo, "echo", enc(TUP(TUP(S64(5))))), enc(TUP(S64(5))), "echo(((5,),))");
ok(call(echo, "len", enc(STR("héllo"))), enc({ t: "u32", v: 6 }), "len(héllo)");
ok(call(echo, "add", enc(TUP(S64(2), S64(3), S64(9)))), enc(S64(5)), "add(2,3,9)");
err(call(echo, "add", enc(S64(2))), "expected tuple of parameters", "add(2)");
err(call(echo, "add", enc(TUP(S64(2)))), "missing parameter in tuple", "add((2,))");
err(call(echo, "add", enc(TUP(STR("a"), S64(2)))), "failed to convert parameter", "add(a, 2)");
ok(call(echo, "unit", enc(S64(1))), enc(TUP()), "unit()");
{ // the allocator reuses memory: 300 echoes of a 1 MB string settle at a fixed size
  const big = enc(STR("x".repeat(1 << 20)));
  for (let i = 0; i < 20; i++) call(echo, "echo", big);
  const pages = echo.memory.buffer.byteLength;
  for (let i = 0; i < 280; i++) call(echo, "echo", big);
  check(echo.memory.buffer.byteLength === pages, `memory grew from ${pages} to ${echo.memory.buffer.byteLength} bytes`);
}

// ---- adder, with math.double served by JS in three ways, then by a C doubler instance ----
let mode = "host";
let adderEx = null;
const imports = {
  math: {
    double(inPtr, inLen, outPtrSlot, outLenSlot) {
      const mem = () => new Uint8Array(adderEx.memory.buffer);
      const input = mem().slice(inPtr, inPtr + inLen);
      if (mode === "fail") return -1;
      let out;
      if (mode === "doubler") {
        const r = call(dbl, "double", input);
        if (r.status !== 0) return -1;
        out = r.out;
      } else {
        const n = Buffer.from(input).readBigInt64LE(input.length - 8);
        out = enc(S64(n * 2n));
      }
      let at = 16392, status = 0; // host-owned scratch, as packr's sync host functions use
      if (mode === "guest") { at = adderEx.__pack_alloc(out.length); status = 1; }
      if (mode === "status7") status = 7; // any status >= 0 other than 1 is host-owned
      mem().set(out, at);
      const dv = new DataView(adderEx.memory.buffer);
      dv.setUint32(outPtrSlot, at, true);
      dv.setUint32(outLenSlot, out.length, true);
      return status;
    },
  },
};
adderEx = await load("adder", imports);
for (mode of ["host", "guest", "status7", "doubler"]) {
  ok(call(adderEx, "process", enc(S64(5))), enc(S64(11)), `process(5) via ${mode}`);
  ok(call(adderEx, "process", enc(S64(-7))), enc(S64(-13)), `process(-7) via ${mode}`);
}
mode = "guest"; // status 1 buffers are freed by the guest: no growth over many calls
for (let i = 0; i < 2000; i++) call(adderEx, "process", enc(S64(i)));
const adderPages = adderEx.memory.buffer.byteLength;
for (let i = 0; i < 20000; i++) call(adderEx, "process", enc(S64(i)));
check(adderEx.memory.buffer.byteLength === adderPages, "adder memory grew with status-1 results");
mode = "fail";
err(call(adderEx, "process", enc(S64(5))), "math.double failed (status -1)", "process with failing import");
mode = "host";
ok(call(adderEx, "process", enc(S64(5))), enc(S64(11)), "process(5) after a failed import");

// ---- sexpr ----
const sx = await load("sexpr");
const expr = enc(lst(sym("+"), num(1), lst(sym("*"), num(2), num(3))));
let goldenSexpr = null;
for (const line of fs.readFileSync(golden, "utf8").split("\n"))
  if (line.startsWith("valid/sexpr_list_plus_1_times_2_3\t")) goldenSexpr = Buffer.from(line.split("\t")[1], "hex");
check(goldenSexpr && same(goldenSexpr, expr), "sexpr golden vector matches the JS encoder");
ok(call(sx, "eval", expr), enc(num(7)), "eval (+ 1 (* 2 3))");
ok(call(sx, "eval", enc(TUP(lst(sym("+"), num(1), lst(sym("*"), num(2), num(3)))))), enc(num(7)), "eval 1-tuple");
ok(call(sx, "eval_strict", expr), enc(num(7)), "eval_strict");
ok(call(sx, "count", expr), enc(S64(7)), "count");
ok(call(sx, "depth", expr), enc(S64(3)), "depth");
const T = { ok: [3], err: [6] };
ok(call(sx, "try_eval", expr), enc({ t: "result", ...T, tag: 0, v: S64(7) }), "try_eval ok");
const frob = enc(lst(sym("frob"), num(1)));
ok(call(sx, "eval", frob), enc(sym("error: unknown symbol: frob")), "eval unknown op");
ok(call(sx, "try_eval", frob), enc({ t: "result", ...T, tag: 1, v: STR("unknown symbol: frob") }), "try_eval err");
err(call(sx, "eval_strict", frob), "eval error: unknown symbol: frob", "eval_strict unknown op");
err(call(sx, "eval_strict", v2), 'decode error: InvalidEncoding("Unsupported version")', "eval_strict v2");
ok(call(sx, "eval", enc(lst(sym("+"), num(2n ** 62n), num(2n ** 62n)))), enc(sym("error: integer overflow")), "overflow");
ok(call(sx, "eval", enc(lst(sym("*"), num(-(2n ** 62n)), num(2)))), enc(num(-(2n ** 63n))), "min by multiplication");
ok(call(sx, "eval", enc(lst(sym("-"), num(10), num(3), num(2)))), enc(num(5)), "(- 10 3 2)");
ok(call(sx, "eval", enc(lst(sym("max"), num(3), num(9), num(-1)))), enc(num(9)), "max");
ok(call(sx, "eval", enc(lst())), enc(sym("error: cannot evaluate empty list")), "()");
ok(call(sx, "eval", enc(sym("x"))), enc(sym("error: unbound symbol: x")), "unbound");
ok(call(sx, "eval", enc(S64(1))), enc(sym("error: bad shape: expected variant expr, got s64")), "bad shape");
ok(call(sx, "count", enc(S64(1))), enc(S64(-1)), "count bad");
{
  let deep = num(1);
  for (let i = 0; i < 5000; i++) deep = lst(sym("+"), deep);
  ok(call(sx, "eval", enc(deep)), enc(sym("error: bad shape: expression nested deeper than 4096")), "5000 levels");
  let ok3000 = num(1);
  for (let i = 0; i < 3000; i++) ok3000 = lst(sym("+"), ok3000);
  ok(call(sx, "eval", enc(ok3000)), enc(num(1)), "3000 levels evaluate (the Rust guest traps at ~731)");
  ok(call(sx, "depth", enc(ok3000)), enc(S64(3001)), "3000 levels depth");
  ok(call(sx, "eval", expr), enc(num(7)), "still usable after deep inputs");
}

console.log(`run_wasm: ${passed} checks passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
