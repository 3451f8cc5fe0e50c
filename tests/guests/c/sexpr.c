/*
 * sexpr: the C twin of tests/guests/rust/sexpr, an s-expression evaluator over the `expr`
 * variant (sym tag 0 [String], num tag 1 [S64], lst tag 4 [List<Variant("expr")>]; tags 2 flt
 * and 3 str exist only in the metadata and are rejected). Same exports, same results, same
 * messages:
 *   eval        num(result), or sym("error: <msg>") with status 0
 *   try_eval    Result{S64, String}: Ok(S64) or Err(String msg)
 *   eval_strict num(result), or status -1 "eval error: <msg>" (input errors: "decode error: ...")
 *   count       number of nodes, -1 if the input is not an expr
 *   depth       depth of the tree, -1 if the input is not an expr
 * All take the expression in value mode (a 1-tuple is unwrapped). Arithmetic is checked i64.
 * The checks and the evaluator recurse, bounded by MAX_DEPTH ("bad shape: expression nested
 * deeper than 4096"); the Rust guest traps at about 731 levels instead.
 */
#include "packr_guest.h"

#define MAX_DEPTH 4096
enum { TAG_SYM = 0, TAG_NUM = 1, TAG_FLT = 2, TAG_STR = 3, TAG_LST = 4 };
static const char *const case_names[5] = {"sym", "num", "flt", "str", "lst"};

static const char *kind_name(uint8_t k) {
  switch (k) {
  case PACKR_BOOL: return "bool";
  case PACKR_U8: return "u8";
  case PACKR_U16: return "u16";
  case PACKR_U32: return "u32";
  case PACKR_U64: return "u64";
  case PACKR_S8: return "s8";
  case PACKR_S16: return "s16";
  case PACKR_S32: return "s32";
  case PACKR_S64: return "s64";
  case PACKR_F32: return "f32";
  case PACKR_F64: return "f64";
  case PACKR_CHAR: return "char";
  case PACKR_STRING: return "string";
  case PACKR_LIST: return "list";
  case PACKR_OPTION: return "option";
  case PACKR_RESULT: return "result";
  case PACKR_RECORD: return "record";
  case PACKR_VARIANT: return "variant";
  case PACKR_TUPLE: return "tuple";
  case PACKR_FLAGS: return "flags";
  case PACKR_MAP: return "map";
  default: return "set";
  }
}

/* Rust's {:?} of a string: quoted, with \" \\ \n \r \t \0 and \u{..} for other controls. */
static void buf_debug_str(packr_buf *b, packr_str s) {
  static const char hex[] = "0123456789abcdef";
  packr_buf_cstr(b, "\"");
  for (uint32_t i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    char esc[8] = {'\\', 0, 0, 0, 0, 0, 0, 0};
    uint32_t n = 2;
    if (c == '"' || c == '\\') esc[1] = (char)c;
    else if (c == '\n') esc[1] = 'n';
    else if (c == '\r') esc[1] = 'r';
    else if (c == '\t') esc[1] = 't';
    else if (c == 0) esc[1] = '0';
    else if (c < 0x20 || c == 0x7f) {
      esc[1] = 'u'; esc[2] = '{';
      n = 3;
      if (c >= 16) esc[n++] = hex[c >> 4];
      esc[n++] = hex[c & 15];
      esc[n++] = '}';
    } else {
      packr_buf_bytes(b, &s.ptr[i], 1);
      continue;
    }
    packr_buf_bytes(b, esc, n);
  }
  packr_buf_cstr(b, "\"");
}

/* The "bad shape" checks of the Rust guest's Expr::try_from, in the same order (pre-order, the
 * whole tree before any evaluation). Returns 0, or -1 with the message in *msg. */
static int check(packr_ctx *ctx, const packr_val *v, int depth, packr_str *msg) {
  packr_buf b;
  packr_buf_init(&b, ctx);
  if (depth > MAX_DEPTH) {
    packr_buf_cstr(&b, "bad shape: expression nested deeper than 4096");
    goto fail;
  }
  if (v->kind != PACKR_VARIANT) {
    packr_buf_cstr(&b, "bad shape: expected variant expr, got ");
    packr_buf_cstr(&b, kind_name(v->kind));
    goto fail;
  }
  if (!packr_str_eq(v->name, "expr")) {
    packr_buf_cstr(&b, "bad shape: expected variant type expr, got ");
    buf_debug_str(&b, v->name);
    goto fail;
  }
  if (v->tag > TAG_LST) {
    packr_buf_cstr(&b, "bad shape: unknown expr tag ");
    packr_buf_u64(&b, v->tag);
    goto fail;
  }
  const char *want = case_names[v->tag];
  if (!packr_str_eq(v->case_name, want)) {
    packr_buf_cstr(&b, "bad shape: tag ");
    packr_buf_u64(&b, v->tag);
    packr_buf_cstr(&b, " is case ");
    packr_buf_cstr(&b, want);
    packr_buf_cstr(&b, " but case_name is ");
    buf_debug_str(&b, v->case_name);
    goto fail;
  }
  if (v->count != 1) {
    packr_buf_cstr(&b, "bad shape: case ");
    packr_buf_cstr(&b, want);
    packr_buf_cstr(&b, " needs 1 payload value, got ");
    packr_buf_u64(&b, v->count);
    goto fail;
  }
  const packr_val *in = v->items[0];
  if (v->tag == TAG_SYM && in->kind == PACKR_STRING) return 0;
  if (v->tag == TAG_NUM && in->kind == PACKR_S64) return 0;
  if (v->tag == TAG_LST && in->kind == PACKR_LIST) {
    for (uint32_t i = 0; i < in->count; i++)
      if (check(ctx, in->items[i], depth + 1, msg)) return -1;
    return 0;
  }
  packr_buf_cstr(&b, "bad shape: case ");
  packr_buf_cstr(&b, want);
  if (v->tag == TAG_FLT || v->tag == TAG_STR) {
    packr_buf_cstr(&b, " is not supported");
  } else {
    packr_buf_cstr(&b, " has a ");
    packr_buf_cstr(&b, kind_name(in->kind));
    packr_buf_cstr(&b, " payload");
  }
fail:
  *msg = packr_buf_done(&b);
  return -1;
}

static int fail_msg(packr_ctx *ctx, packr_str *msg, const char *text, packr_str extra) {
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, text);
  packr_buf_str(&b, extra);
  *msg = packr_buf_done(&b);
  return -1;
}

static int add_ovf(int64_t a, int64_t b, int64_t *r) { return __builtin_add_overflow(a, b, r); }
static int sub_ovf(int64_t a, int64_t b, int64_t *r) { return __builtin_sub_overflow(a, b, r); }
/* Not __builtin_mul_overflow: on wasm32 that needs __multi3 from compiler-rt, which is absent. */
static int mul_ovf(int64_t a, int64_t b, int64_t *r) {
  if (a == 0 || b == 0) {
    *r = 0;
    return 0;
  }
  uint64_t ua = a < 0 ? 0 - (uint64_t)a : (uint64_t)a, ub = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
  uint64_t limit = (a < 0) != (b < 0) ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  if (ua > limit / ub) return 1;
  *r = (int64_t)((uint64_t)a * (uint64_t)b);
  return 0;
}

/* Evaluates a checked expression. */
static int eval_expr(packr_ctx *ctx, const packr_val *e, int64_t *out, packr_str *msg) {
  static const packr_str none = {"", 0};
  const packr_val *in = e->items[0];
  if (e->tag == TAG_NUM) {
    *out = in->as.i;
    return 0;
  }
  if (e->tag == TAG_SYM) return fail_msg(ctx, msg, "unbound symbol: ", in->as.str);
  if (in->count == 0) return fail_msg(ctx, msg, "cannot evaluate empty list", none);
  const packr_val *head = in->items[0];
  if (head->tag != TAG_SYM) return fail_msg(ctx, msg, "bad shape: head of list is not a symbol", none);
  packr_str op = head->items[0]->as.str;
  int plus = packr_str_eq(op, "+"), minus = packr_str_eq(op, "-"), times = packr_str_eq(op, "*");
  int max = packr_str_eq(op, "max"), min = packr_str_eq(op, "min");
  if (!(plus || minus || times || max || min)) return fail_msg(ctx, msg, "unknown symbol: ", op);
  uint32_t nargs = in->count - 1;
  if (nargs == 0) {
    if (plus) { *out = 0; return 0; }
    if (times) { *out = 1; return 0; }
    return fail_msg(ctx, msg, minus ? "- needs at least one argument"
                              : max ? "max needs at least one argument" : "min needs at least one argument", none);
  }
  /* every argument is evaluated (left to right) before any arithmetic, as in the Rust guest */
  int64_t *vals = (int64_t *)packr_arena_alloc(&ctx->arena, (size_t)nargs * sizeof(int64_t));
  if (!vals) return fail_msg(ctx, msg, "out of memory", none);
  for (uint32_t i = 0; i < nargs; i++)
    if (eval_expr(ctx, in->items[i + 1], &vals[i], msg)) return -1;
  int64_t acc = plus ? 0 : times ? 1 : vals[0];
  uint32_t from = (plus || times) ? 0 : 1;
  if (minus && nargs == 1) {
    if (sub_ovf(0, vals[0], &acc)) return fail_msg(ctx, msg, "integer overflow", none);
    *out = acc;
    return 0;
  }
  for (uint32_t i = from; i < nargs; i++) {
    int64_t x = vals[i];
    int ovf = 0;
    if (plus) ovf = add_ovf(acc, x, &acc);
    else if (times) ovf = mul_ovf(acc, x, &acc);
    else if (minus) ovf = sub_ovf(acc, x, &acc);
    else if (max) acc = x > acc ? x : acc;
    else acc = x < acc ? x : acc;
    if (ovf) return fail_msg(ctx, msg, "integer overflow", none);
  }
  *out = acc;
  return 0;
}

static int parse_and_eval(packr_ctx *ctx, const packr_val *e, int64_t *out, packr_str *msg) {
  if (check(ctx, e, 0, msg)) return -1;
  return eval_expr(ctx, e, out, msg);
}

static packr_val *expr(packr_ctx *ctx, int num, packr_val *payload) {
  packr_val *v = packr_variant(ctx, "expr", num ? "num" : "sym", num ? TAG_NUM : TAG_SYM, 1);
  if (!v || !payload) return NULL;
  v->items[0] = payload;
  return v;
}

static packr_val *eval(packr_ctx *ctx, packr_val *in) {
  int64_t n;
  packr_str msg;
  if (parse_and_eval(ctx, in, &n, &msg) == 0) return expr(ctx, 1, packr_s64(ctx, n));
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, "error: ");
  packr_buf_str(&b, msg);
  return expr(ctx, 0, packr_string(ctx, packr_buf_done(&b)));
}

static packr_val *try_eval(packr_ctx *ctx, packr_val *in) {
  int64_t n;
  packr_str msg;
  packr_type ok = packr_t(PACKR_S64), err = packr_t(PACKR_STRING);
  if (parse_and_eval(ctx, in, &n, &msg) == 0) return packr_ok(ctx, ok, err, packr_s64(ctx, n));
  return packr_err(ctx, ok, err, packr_string(ctx, msg));
}

static packr_val *eval_strict(packr_ctx *ctx, packr_val *in) {
  int64_t n;
  packr_str msg;
  if (parse_and_eval(ctx, in, &n, &msg) == 0) return expr(ctx, 1, packr_s64(ctx, n));
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, "eval error: ");
  packr_buf_str(&b, msg);
  return packr_fail_str(ctx, packr_buf_done(&b)); /* status -1 */
}

static int64_t count_nodes(const packr_val *e) {
  if (e->tag != TAG_LST) return 1;
  int64_t n = 1;
  const packr_val *l = e->items[0];
  for (uint32_t i = 0; i < l->count; i++) n += count_nodes(l->items[i]);
  return n;
}

static int64_t tree_depth(const packr_val *e) {
  if (e->tag != TAG_LST) return 1;
  int64_t d = 0;
  const packr_val *l = e->items[0];
  for (uint32_t i = 0; i < l->count; i++) {
    int64_t c = tree_depth(l->items[i]);
    if (c > d) d = c;
  }
  return 1 + d;
}

static packr_val *count(packr_ctx *ctx, packr_val *in) {
  packr_str msg;
  return packr_s64(ctx, check(ctx, in, 0, &msg) ? -1 : count_nodes(in));
}

static packr_val *depth(packr_ctx *ctx, packr_val *in) {
  packr_str msg;
  return packr_s64(ctx, check(ctx, in, 0, &msg) ? -1 : tree_depth(in));
}

PACKR_EXPORT(eval, eval)
PACKR_EXPORT(try_eval, try_eval)
PACKR_EXPORT(eval_strict, eval_strict)
PACKR_EXPORT(count, count)
PACKR_EXPORT(depth, depth)
