/*
 * packr_codec.c: CGRF v3 (packr-abi 0.24.1) decoder and encoder for guests.
 *
 * Both are iterative (explicit stacks on the heap, no recursion on input depth). The decoder
 * follows packr-abi's three phases (framing, per-node checks, decode from the root) in the same
 * order, so it rejects the same inputs with the same error, written in packr-abi's Debug form.
 * Every read is checked against the buffer it reads from.
 */
#include "packr_guest.h"

/* ---------------------------------------------------------------- errors */

static int err_msg(packr_ctx *ctx, const char *kind, const char *msg, int64_t node) {
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, kind);
  packr_buf_cstr(&b, "(\"");
  packr_buf_cstr(&b, msg);
  if (node >= 0) {
    packr_buf_cstr(&b, " ");
    packr_buf_i64(&b, node);
  }
  packr_buf_cstr(&b, "\")");
  packr_fail_str(ctx, packr_buf_done(&b));
  return -1;
}
static int err_enc(packr_ctx *ctx, const char *msg) { return err_msg(ctx, "InvalidEncoding", msg, -1); }
static int err_node(packr_ctx *ctx, const char *msg, uint32_t i) {
  return err_msg(ctx, "InvalidEncoding", msg, (int64_t)i);
}
static int err_small(packr_ctx *ctx, uint64_t need, uint64_t have) {
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, "BufferTooSmall { need: ");
  packr_buf_u64(&b, need);
  packr_buf_cstr(&b, ", have: ");
  packr_buf_u64(&b, have);
  packr_buf_cstr(&b, " }");
  packr_fail_str(ctx, packr_buf_done(&b));
  return -1;
}
static int err_tag(packr_ctx *ctx, uint8_t t) {
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, "InvalidTag(");
  packr_buf_u64(&b, t);
  packr_buf_cstr(&b, ")");
  packr_fail_str(ctx, packr_buf_done(&b));
  return -1;
}
static int err_range(packr_ctx *ctx, uint32_t i) { /* "Node index {i} out of range" */
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, "InvalidEncoding(\"Node index ");
  packr_buf_u64(&b, i);
  packr_buf_cstr(&b, " out of range\")");
  packr_fail_str(ctx, packr_buf_done(&b));
  return -1;
}
static int err_oom(packr_ctx *ctx) {
  packr_fail(ctx, "out of memory");
  return -1;
}

/* ---------------------------------------------------------------- cursor */

typedef struct cur {
  const uint8_t *p;
  uint32_t len, pos;
} cur;

static int rd_bytes(packr_ctx *ctx, cur *c, uint32_t n, const uint8_t **out) {
  if (out) *out = c->p; /* defined even on failure */
  if ((uint64_t)c->pos + n > c->len) return err_small(ctx, (uint64_t)c->pos + n, c->len);
  if (out) *out = c->p + c->pos;
  c->pos += n;
  return 0;
}
static uint64_t le(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}
static int rd_u8(packr_ctx *ctx, cur *c, uint8_t *v) {
  const uint8_t *p;
  if (rd_bytes(ctx, c, 1, &p)) return -1;
  *v = p[0];
  return 0;
}
static int rd_u16(packr_ctx *ctx, cur *c, uint16_t *v) {
  const uint8_t *p;
  if (rd_bytes(ctx, c, 2, &p)) return -1;
  *v = (uint16_t)le(p, 2);
  return 0;
}
static int rd_u32(packr_ctx *ctx, cur *c, uint32_t *v) {
  const uint8_t *p;
  if (rd_bytes(ctx, c, 4, &p)) return -1;
  *v = (uint32_t)le(p, 4);
  return 0;
}

static int valid_kind(uint8_t k) { return k >= 0x01 && k <= 0x17; }
static int valid_scalar(uint64_t c) { return c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF); }

/* Width of a fixed-width primitive kind (the Array element types), else 0. */
static uint32_t fixed_width(uint8_t k) {
  switch (k) {
  case PACKR_BOOL: case PACKR_U8: case PACKR_S8: return 1;
  case PACKR_U16: case PACKR_S16: return 2;
  case PACKR_U32: case PACKR_S32: case PACKR_F32: case PACKR_CHAR: return 4;
  case PACKR_U64: case PACKR_S64: case PACKR_F64: case PACKR_FLAGS: return 8;
  default: return 0;
  }
}
static uint32_t type_width(packr_type t) { return t.len == 1 ? fixed_width(t.ptr[0]) : 0; }

/* Reads one type descriptor in pre-order, like packr-abi's recursive decode_value_type, but
 * with a counter of descriptors still owed instead of recursion. */
static int rd_type(packr_ctx *ctx, cur *c, packr_type *out) {
  uint32_t start = c->pos;
  uint64_t owed = 1;
  while (owed) {
    owed--;
    uint8_t tag;
    uint32_t n;
    const uint8_t *s;
    if (rd_u8(ctx, c, &tag)) return -1;
    switch (tag) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x0C: case 0x0D:
    case 0x0E: case 0x0F: case 0x10: case 0x11: case 0x12: case 0x13:
      break;
    case 0x07: case 0x0A: case 0x17: owed += 1; break;
    case 0x14: case 0x16: owed += 2; break;
    case 0x08: case 0x09:
      if (rd_u32(ctx, c, &n) || rd_bytes(ctx, c, n, &s)) return -1;
      if (!packr_utf8_valid(s, n)) return err_enc(ctx, "Invalid UTF-8 in type name");
      break;
    case 0x0B:
      if (rd_u32(ctx, c, &n)) return -1;
      owed += n;
      break;
    default:
      return err_tag(ctx, tag);
    }
  }
  if (out) {
    out->ptr = c->p + start;
    out->len = c->pos - start;
  }
  return 0;
}

uint32_t packr_type_check(const uint8_t *p, uint32_t n) {
  packr_ctx ctx;
  packr_ctx_init(&ctx);
  cur c = {p, n, 0};
  int rc = rd_type(&ctx, &c, NULL);
  packr_ctx_free(&ctx);
  return rc == 0 ? c.pos : 0;
}

static int rd_name(packr_ctx *ctx, cur *c, packr_str *out, const char *bad) {
  uint32_t n;
  const uint8_t *s;
  if (rd_u32(ctx, c, &n) || rd_bytes(ctx, c, n, &s)) return -1;
  if (!packr_utf8_valid(s, n)) return err_enc(ctx, bad);
  out->ptr = (const char *)s;
  out->len = n;
  return 0;
}

/* ---------------------------------------------------------------- decoder */

typedef struct node {
  uint8_t kind;
  const uint8_t *payload;
  uint32_t len;
} node;

typedef struct frame {
  uint32_t idx;
  uint32_t next;     /* next child slot to fill */
  uint32_t pending;  /* map: the value index read with the key */
  cur c;
  packr_val *v;
} frame;

/* Phase B: the per-node checks packr-abi runs on every node, reachable or not. */
static int validate_node(packr_ctx *ctx, const node *nd, uint32_t i, uint32_t count) {
  cur c = {nd->payload, nd->len, 0};
  const uint8_t *s;
  uint32_t n, w;
  uint8_t b;
  packr_type t;
  switch (nd->kind) {
  case PACKR_BOOL:
    if (rd_u8(ctx, &c, &b)) return -1;
    if (b > 1) return err_node(ctx, "Invalid bool payload at node", i);
    break;
  case PACKR_CHAR:
    if (rd_u32(ctx, &c, &n)) return -1;
    if (!valid_scalar(n)) return err_node(ctx, "Invalid char scalar at node", i);
    break;
  case PACKR_FLAGS:
    if (rd_bytes(ctx, &c, 8, NULL)) return -1;
    break;
  case PACKR_STRING:
    if (rd_u32(ctx, &c, &n) || rd_bytes(ctx, &c, n, &s)) return -1;
    if (!packr_utf8_valid(s, n)) return err_node(ctx, "Invalid UTF-8 string at node", i);
    break;
  case PACKR_TUPLE:
    if (rd_u32(ctx, &c, &n)) return -1;
    if (n > PACKR_MAX_SEQUENCE) return err_node(ctx, "Sequence too large at node", i);
    for (uint32_t k = 0; k < n; k++) {
      uint32_t child;
      if (rd_u32(ctx, &c, &child)) return -1;
      if (child >= count) return err_node(ctx, "Child index out of range at node", i);
    }
    break;
  case PACKR_ARRAY_NODE:
    if (rd_type(ctx, &c, &t)) return -1;
    w = type_width(t);
    if (!w) return err_node(ctx, "Non-primitive element type in Array at node", i);
    if (rd_u32(ctx, &c, &n)) return -1;
    if (n > PACKR_MAX_SEQUENCE) return err_node(ctx, "Sequence too large at node", i);
    if ((uint64_t)c.pos + (uint64_t)n * w > c.len) return err_small(ctx, (uint64_t)c.pos + (uint64_t)n * w, c.len);
    c.pos += n * w;
    break;
  case PACKR_LIST: case PACKR_OPTION: case PACKR_RECORD: case PACKR_VARIANT:
  case PACKR_RESULT: case PACKR_MAP: case PACKR_SET:
    return 0; /* checked while decoding */
  default:
    w = fixed_width(nd->kind);
    if (rd_bytes(ctx, &c, w, NULL)) return -1;
    break;
  }
  if (c.pos < c.len) return err_node(ctx, "Trailing payload bytes at node", i);
  return 0;
}

static packr_val **alloc_slots(packr_ctx *ctx, uint32_t count, uint32_t remaining, uint32_t per) {
  /* never more slots than the payload can name: a lying count fails on the read, not here */
  uint32_t n = count < remaining / per ? count : remaining / per;
  if (n == 0) n = 1;
  return (packr_val **)packr_arena_alloc(&ctx->arena, (size_t)n * per / 4 * sizeof(packr_val *));
}

static int decode_array(packr_ctx *ctx, cur *c, packr_val *v) {
  uint32_t n, w;
  if (rd_type(ctx, c, &v->t1) || rd_u32(ctx, c, &n)) return -1;
  w = type_width(v->t1);
  if (!w) return err_enc(ctx, "Non-primitive type in array");
  if ((uint64_t)c->pos + (uint64_t)n * w > c->len) return err_small(ctx, (uint64_t)c->pos + (uint64_t)n * w, c->len);
  v->kind = PACKR_LIST;
  v->count = n;
  if (n == 0) return 0;
  packr_val *cells = (packr_val *)packr_arena_alloc(&ctx->arena, (size_t)n * sizeof(packr_val));
  v->items = (packr_val **)packr_arena_alloc(&ctx->arena, (size_t)n * sizeof(packr_val *));
  if (!cells || !v->items) return err_oom(ctx);
  uint8_t ek = v->t1.ptr[0];
  for (uint32_t k = 0; k < n; k++) {
    const uint8_t *p = c->p + c->pos;
    uint64_t raw = le(p, (int)w);
    c->pos += w;
    packr_val *e = &cells[k];
    e->kind = ek;
    switch (ek) {
    case PACKR_BOOL: e->as.u = raw != 0; break;
    case PACKR_S8: e->as.i = (int8_t)raw; break;
    case PACKR_S16: e->as.i = (int16_t)raw; break;
    case PACKR_S32: e->as.i = (int32_t)raw; break;
    case PACKR_S64: e->as.i = (int64_t)raw; break;
    case PACKR_F32: { uint32_t b32 = (uint32_t)raw; __builtin_memcpy(&e->as.f32, &b32, 4); break; }
    case PACKR_F64: __builtin_memcpy(&e->as.f64, &raw, 8); break;
    case PACKR_CHAR:
      if (!valid_scalar(raw)) return err_enc(ctx, "Invalid char in array");
      e->as.u = raw;
      break;
    default: e->as.u = raw; break;
    }
    v->items[k] = e;
  }
  return 0;
}

/* Decodes the part of node f->idx before its first child; leaves f->c after it. Returns 1 if
 * the node has no children left to read (scalars, strings, arrays, empty containers). */
static int enter_node(packr_ctx *ctx, const node *nd, frame *f) {
  cur *c = &f->c;
  packr_val *v = f->v;
  const uint8_t *s;
  uint32_t n;
  uint8_t b;
  v->kind = nd->kind;
  switch (nd->kind) {
  case PACKR_BOOL:
    if (rd_u8(ctx, c, &b)) return -1;
    v->as.u = b == 1;
    return 1;
  case PACKR_STRING:
    if (rd_u32(ctx, c, &n) || rd_bytes(ctx, c, n, &s)) return -1;
    if (!packr_utf8_valid(s, n)) return err_enc(ctx, "Invalid UTF-8");
    v->as.str.ptr = (const char *)s;
    v->as.str.len = n;
    return 1;
  case PACKR_CHAR:
    if (rd_u32(ctx, c, &n)) return -1;
    if (!valid_scalar(n)) return err_enc(ctx, "Invalid char scalar");
    v->as.u = n;
    return 1;
  case PACKR_ARRAY_NODE:
    return decode_array(ctx, c, v) ? -1 : 1;
  case PACKR_LIST:
  case PACKR_SET:
    if (rd_type(ctx, c, &v->t1)) return -1;
    if (nd->kind == PACKR_LIST && type_width(v->t1))
      return err_enc(ctx, "List node with primitive elem_type; expected Array node");
    /* fallthrough */
  case PACKR_TUPLE:
    if (rd_u32(ctx, c, &v->count)) return -1;
    if (!(v->items = alloc_slots(ctx, v->count, c->len - c->pos, 4))) return err_oom(ctx);
    return v->count == 0;
  case PACKR_MAP:
    if (rd_type(ctx, c, &v->t1) || rd_type(ctx, c, &v->t2) || rd_u32(ctx, c, &v->count)) return -1;
    if (!(v->items = alloc_slots(ctx, v->count, c->len - c->pos, 8))) return err_oom(ctx);
    return v->count == 0;
  case PACKR_OPTION:
    if (rd_type(ctx, c, &v->t1) || rd_u8(ctx, c, &b)) return -1;
    v->tag = b == 1;
    v->count = v->tag;
    if (!(v->items = alloc_slots(ctx, 1, 4, 4))) return err_oom(ctx);
    return v->count == 0;
  case PACKR_RESULT:
    if (rd_type(ctx, c, &v->t1) || rd_type(ctx, c, &v->t2) || rd_u32(ctx, c, &n) || rd_u8(ctx, c, &b))
      return -1;
    if (b != 1) return err_enc(ctx, "Result must have payload");
    v->tag = n != 0;
    v->count = 1;
    if (!(v->items = alloc_slots(ctx, 1, 4, 4))) return err_oom(ctx);
    return 0;
  case PACKR_RECORD:
    if (rd_name(ctx, c, &v->name, "Invalid UTF-8 in type name") || rd_u32(ctx, c, &v->count)) return -1;
    {
      uint32_t cap = v->count < (c->len - c->pos) / 4 ? v->count : (c->len - c->pos) / 4;
      v->fields = (packr_str *)packr_arena_alloc(&ctx->arena, (size_t)(cap ? cap : 1) * sizeof(packr_str));
      if (!v->fields) return err_oom(ctx);
      for (uint32_t k = 0; k < v->count; k++) {
        packr_str name;
        if (rd_name(ctx, c, &name, "Invalid UTF-8 in field name")) return -1;
        v->fields[k] = name; /* k < cap: each name took at least 4 bytes */
      }
    }
    if (!(v->items = alloc_slots(ctx, v->count, c->len - c->pos, 4))) return err_oom(ctx);
    return v->count == 0;
  case PACKR_VARIANT:
    if (rd_name(ctx, c, &v->name, "Invalid UTF-8 in type name") ||
        rd_name(ctx, c, &v->case_name, "Invalid UTF-8 in case name") || rd_u32(ctx, c, &v->tag) ||
        rd_u32(ctx, c, &v->count))
      return -1;
    if (!(v->items = alloc_slots(ctx, v->count, c->len - c->pos, 4))) return err_oom(ctx);
    return v->count == 0;
  default: { /* fixed-width scalars other than bool and char */
    uint32_t w = fixed_width(nd->kind);
    if (rd_bytes(ctx, c, w, &s)) return -1;
    uint64_t raw = le(s, (int)w);
    switch (nd->kind) {
    case PACKR_S8: v->as.i = (int8_t)raw; break;
    case PACKR_S16: v->as.i = (int16_t)raw; break;
    case PACKR_S32: v->as.i = (int32_t)raw; break;
    case PACKR_S64: v->as.i = (int64_t)raw; break;
    case PACKR_F32: { uint32_t b32 = (uint32_t)raw; __builtin_memcpy(&v->as.f32, &b32, 4); break; }
    case PACKR_F64: __builtin_memcpy(&v->as.f64, &raw, 8); break;
    default: v->as.u = raw; break;
    }
    return 1;
  }
  }
}

/* Reads the index of the next child of f (map entries read key and value index together). */
static int next_child(packr_ctx *ctx, frame *f, uint32_t *child) {
  if (f->v->kind == PACKR_MAP) {
    if (f->next % 2 == 1) {
      *child = f->pending;
      return 0;
    }
    return rd_u32(ctx, &f->c, child) || rd_u32(ctx, &f->c, &f->pending) ? -1 : 0;
  }
  return rd_u32(ctx, &f->c, child);
}

static uint32_t child_total(const packr_val *v) { return v->kind == PACKR_MAP ? 2 * v->count : v->count; }

int packr_decode(packr_ctx *ctx, const uint8_t *buf, size_t len, packr_val **out) {
  if (len > PACKR_MAX_BUFFER) return err_enc(ctx, "Buffer too large");
  cur c = {buf, (uint32_t)len, 0};
  uint32_t magic, count, root;
  uint16_t version, flags;
  if (rd_u32(ctx, &c, &magic)) return -1;
  if (magic != 0x46524743u) return err_enc(ctx, "Invalid magic");
  if (rd_u16(ctx, &c, &version)) return -1;
  if (version != 3) return err_enc(ctx, "Unsupported version");
  if (rd_u16(ctx, &c, &flags) || rd_u32(ctx, &c, &count)) return -1;
  if (count > PACKR_MAX_NODES) return err_enc(ctx, "Node count exceeds limit");
  if (rd_u32(ctx, &c, &root)) return -1;

  /* Phase A: framing. The first pass only checks, so a huge count on a short buffer fails on
   * the read instead of allocating; afterwards count <= len / 8. */
  uint32_t body = c.pos;
  for (uint32_t i = 0; i < count; i++) {
    uint8_t kind, nf;
    uint16_t res;
    uint32_t plen;
    if (rd_u8(ctx, &c, &kind)) return -1;
    if (!valid_kind(kind)) return err_tag(ctx, kind);
    if (rd_u8(ctx, &c, &nf) || rd_u16(ctx, &c, &res) || rd_u32(ctx, &c, &plen)) return -1;
    if (plen > PACKR_MAX_PAYLOAD) return err_enc(ctx, "Payload too large");
    if (rd_bytes(ctx, &c, plen, NULL)) return -1;
  }
  if (root >= count) return err_enc(ctx, "Root index out of range");
  if (c.pos != c.len) return err_enc(ctx, "Trailing bytes");

  node *nodes = (node *)packr_malloc((size_t)count * sizeof(node));
  packr_val **memo = (packr_val **)packr_malloc((size_t)count * sizeof(packr_val *));
  uint8_t *visiting = (uint8_t *)packr_malloc(count);
  frame *stack = (frame *)packr_malloc((size_t)count * sizeof(frame));
  int rc = -1;
  if (!nodes || !memo || !visiting || !stack) {
    err_oom(ctx);
    goto done;
  }
  c.pos = body;
  for (uint32_t i = 0; i < count; i++) {
    nodes[i].kind = c.p[c.pos];
    nodes[i].len = (uint32_t)le(c.p + c.pos + 4, 4);
    nodes[i].payload = c.p + c.pos + 8;
    c.pos += 8 + nodes[i].len;
    memo[i] = NULL;
    visiting[i] = 0;
  }
  /* Phase B */
  for (uint32_t i = 0; i < count; i++)
    if (validate_node(ctx, &nodes[i], i, count)) goto done;

  /* Phase C: depth-first from the root; a node is on the stack at most once (cycle check). */
  {
    uint32_t depth = 0, want = root;
    packr_val *result = NULL;
    for (;;) {
      packr_val *got = NULL;
      if (want != UINT32_MAX) {
        uint32_t i = want;
        want = UINT32_MAX;
        if (i < count && memo[i]) {
          got = memo[i];
        } else {
          if (i < count && visiting[i]) {
            err_enc(ctx, "Cycle detected in graph buffer");
            goto done;
          }
          if (i >= count) {
            err_range(ctx, i);
            goto done;
          }
          frame *f = &stack[depth++];
          f->idx = i;
          f->next = 0;
          f->c.p = nodes[i].payload;
          f->c.len = nodes[i].len;
          f->c.pos = 0;
          f->v = (packr_val *)packr_arena_alloc(&ctx->arena, sizeof(packr_val));
          if (!f->v) {
            err_oom(ctx);
            goto done;
          }
          visiting[i] = 1;
          int r = enter_node(ctx, &nodes[i], f);
          if (r < 0) goto done;
          if (r == 0) {
            if (next_child(ctx, f, &want)) goto done;
            continue;
          }
        }
      }
      /* finish the frame on top (if `got` is NULL) or hand `got` to it */
      for (;;) {
        if (!got) {
          frame *f = &stack[depth - 1];
          if (f->c.pos < f->c.len) {
            err_node(ctx, "Trailing payload bytes at node", f->idx);
            goto done;
          }
          visiting[f->idx] = 0;
          memo[f->idx] = f->v;
          got = f->v;
          depth--;
        }
        if (depth == 0) {
          result = got;
          break;
        }
        frame *p = &stack[depth - 1];
        p->v->items[p->next++] = got;
        got = NULL;
        if (p->next < child_total(p->v)) {
          if (next_child(ctx, p, &want)) goto done;
          break;
        }
      }
      if (result) break;
    }
    *out = result;
    rc = 0;
  }
done:
  packr_free(nodes);
  packr_free(memo);
  packr_free(visiting);
  packr_free(stack);
  return rc;
}

/* ---------------------------------------------------------------- encoder */

typedef struct obuf {
  uint8_t *p;
  uint32_t len, cap;
} obuf;

static int ob_room(packr_ctx *ctx, obuf *o, uint64_t n) {
  if (o->len + n <= o->cap) return 0;
  if (o->len + n > PACKR_MAX_BUFFER) return err_enc(ctx, "Output too large");
  uint64_t cap = o->cap ? o->cap : 256;
  while (cap < o->len + n) cap *= 2;
  if (cap > PACKR_MAX_BUFFER) cap = PACKR_MAX_BUFFER;
  uint8_t *np = (uint8_t *)packr_malloc((size_t)cap);
  if (!np) return err_oom(ctx);
  for (uint32_t i = 0; i < o->len; i++) np[i] = o->p[i];
  packr_free(o->p);
  o->p = np;
  o->cap = (uint32_t)cap;
  return 0;
}
static void ob_le(obuf *o, uint64_t v, int n) {
  for (int i = 0; i < n; i++) o->p[o->len++] = (uint8_t)(v >> (8 * i));
}
static void ob_bytes(obuf *o, const void *p, uint32_t n) {
  const uint8_t *s = (const uint8_t *)p;
  for (uint32_t i = 0; i < n; i++) o->p[o->len++] = s[i];
}

typedef struct eframe {
  const packr_val *v;
  uint32_t next;
  uint8_t array; /* a list written as one Array node */
} eframe;

static int good_type(packr_type t) { return t.ptr && t.len && packr_type_check(t.ptr, t.len) == t.len; }

static uint32_t enc_children(const eframe *f) {
  const packr_val *v = f->v;
  switch (v->kind) {
  case PACKR_LIST: return f->array ? 0 : v->count;
  case PACKR_TUPLE: case PACKR_SET: case PACKR_RECORD: case PACKR_VARIANT: return v->count;
  case PACKR_MAP: return 2 * v->count;
  case PACKR_OPTION: return v->tag ? 1 : 0;
  case PACKR_RESULT: return 1;
  default: return 0;
  }
}

/* Pre-order checks, as packr-abi makes them before encoding a node's children. */
static int enc_enter(packr_ctx *ctx, eframe *f, const packr_val *v) {
  f->v = v;
  f->next = 0;
  f->array = 0;
  if (!v) return err_enc(ctx, "Missing value (NULL child)");
  switch (v->kind) {
  case PACKR_LIST:
    if (!good_type(v->t1)) return err_enc(ctx, "Invalid type descriptor");
    if (type_width(v->t1)) {
      for (uint32_t k = 0; k < v->count; k++)
        if (!v->items[k] || v->items[k]->kind != v->t1.ptr[0])
          return err_enc(ctx, "List with primitive elem_type contains non-matching items; fix the elem_type or the items");
      f->array = 1;
    }
    break;
  case PACKR_SET: case PACKR_OPTION:
    if (!good_type(v->t1)) return err_enc(ctx, "Invalid type descriptor");
    break;
  case PACKR_MAP: case PACKR_RESULT:
    if (!good_type(v->t1) || !good_type(v->t2)) return err_enc(ctx, "Invalid type descriptor");
    break;
  case PACKR_RECORD:
    if (v->count && !v->fields) return err_enc(ctx, "Missing value (NULL child)");
    break;
  default:
    if (!valid_kind(v->kind) || v->kind == PACKR_ARRAY_NODE) return err_enc(ctx, "Unknown value kind");
    break;
  }
  if (enc_children(f) && !v->items) return err_enc(ctx, "Missing value (NULL child)");
  return 0;
}

static int put_name(packr_ctx *ctx, obuf *o, packr_str s, const char *bad) {
  if (s.len && !s.ptr) return err_enc(ctx, bad);
  if (!packr_utf8_valid((const uint8_t *)s.ptr, s.len)) return err_enc(ctx, bad);
  if (ob_room(ctx, o, 4 + (uint64_t)s.len)) return -1;
  ob_le(o, s.len, 4);
  ob_bytes(o, s.ptr, s.len);
  return 0;
}
static int put_type(packr_ctx *ctx, obuf *o, packr_type t) {
  if (ob_room(ctx, o, t.len)) return -1;
  ob_bytes(o, t.ptr, t.len);
  return 0;
}
static int put_u32(packr_ctx *ctx, obuf *o, uint32_t v) {
  if (ob_room(ctx, o, 4)) return -1;
  ob_le(o, v, 4);
  return 0;
}
static int put_kids(packr_ctx *ctx, obuf *o, const uint32_t *kids, uint32_t n) {
  if (ob_room(ctx, o, 4 * (uint64_t)n)) return -1;
  for (uint32_t k = 0; k < n; k++) ob_le(o, kids[k], 4);
  return 0;
}
static int put_scalar(packr_ctx *ctx, obuf *o, const packr_val *v) {
  uint32_t w = fixed_width(v->kind);
  uint64_t raw = v->as.u;
  if (ob_room(ctx, o, w)) return -1;
  switch (v->kind) {
  case PACKR_BOOL: raw = v->as.u != 0; break;
  case PACKR_S8: case PACKR_S16: case PACKR_S32: case PACKR_S64: raw = (uint64_t)v->as.i; break;
  case PACKR_F32: { uint32_t b32; __builtin_memcpy(&b32, &v->as.f32, 4); raw = b32; break; }
  case PACKR_F64: __builtin_memcpy(&raw, &v->as.f64, 8); break;
  case PACKR_CHAR:
    if (!valid_scalar(v->as.u)) return err_enc(ctx, "Invalid char scalar");
    break;
  default: break;
  }
  ob_le(o, raw, (int)w);
  return 0;
}

/* Writes node v (its children are kids[0..]) as the next node. */
static int enc_emit(packr_ctx *ctx, obuf *o, const eframe *f, const uint32_t *kids) {
  const packr_val *v = f->v;
  if (ob_room(ctx, o, 8)) return -1;
  uint32_t at = o->len;
  ob_le(o, f->array ? PACKR_ARRAY_NODE : v->kind, 1);
  ob_le(o, 0, 3);
  ob_le(o, 0, 4);
  int rc = 0;
  switch (v->kind) {
  case PACKR_STRING:
    if (v->as.str.len && !v->as.str.ptr) return err_enc(ctx, "Invalid UTF-8 string");
    if (!packr_utf8_valid((const uint8_t *)v->as.str.ptr, v->as.str.len))
      return err_enc(ctx, "Invalid UTF-8 string");
    rc = put_u32(ctx, o, v->as.str.len) || ob_room(ctx, o, v->as.str.len);
    if (!rc) ob_bytes(o, v->as.str.ptr, v->as.str.len);
    break;
  case PACKR_LIST:
    rc = put_type(ctx, o, v->t1) || put_u32(ctx, o, v->count);
    if (rc) break;
    if (f->array) {
      for (uint32_t k = 0; k < v->count && !rc; k++) rc = put_scalar(ctx, o, v->items[k]);
    } else {
      rc = put_kids(ctx, o, kids, v->count);
    }
    break;
  case PACKR_TUPLE:
    rc = put_u32(ctx, o, v->count) || put_kids(ctx, o, kids, v->count);
    break;
  case PACKR_SET:
    rc = put_type(ctx, o, v->t1) || put_u32(ctx, o, v->count) || put_kids(ctx, o, kids, v->count);
    break;
  case PACKR_MAP:
    rc = put_type(ctx, o, v->t1) || put_type(ctx, o, v->t2) || put_u32(ctx, o, v->count) ||
         put_kids(ctx, o, kids, 2 * v->count);
    break;
  case PACKR_OPTION:
    rc = put_type(ctx, o, v->t1) || ob_room(ctx, o, 5);
    if (rc) break;
    ob_le(o, v->tag ? 1 : 0, 1);
    if (v->tag) ob_le(o, kids[0], 4);
    break;
  case PACKR_RESULT:
    rc = put_type(ctx, o, v->t1) || put_type(ctx, o, v->t2) || ob_room(ctx, o, 9);
    if (rc) break;
    ob_le(o, v->tag ? 1 : 0, 4);
    ob_le(o, 1, 1);
    ob_le(o, kids[0], 4);
    break;
  case PACKR_RECORD:
    rc = put_name(ctx, o, v->name, "Invalid UTF-8 in type name") || put_u32(ctx, o, v->count);
    for (uint32_t k = 0; k < v->count && !rc; k++)
      rc = put_name(ctx, o, v->fields[k], "Invalid UTF-8 in field name");
    rc = rc || put_kids(ctx, o, kids, v->count);
    break;
  case PACKR_VARIANT:
    rc = put_name(ctx, o, v->name, "Invalid UTF-8 in type name") ||
         put_name(ctx, o, v->case_name, "Invalid UTF-8 in case name") || put_u32(ctx, o, v->tag) ||
         put_u32(ctx, o, v->count) || put_kids(ctx, o, kids, v->count);
    break;
  default:
    rc = put_scalar(ctx, o, v);
    break;
  }
  if (rc) return -1;
  uint32_t plen = o->len - at - 8;
  for (int i = 0; i < 4; i++) o->p[at + 4 + i] = (uint8_t)(plen >> (8 * i));
  return 0;
}

/* A growable array of T on packr_malloc. */
static int grow(packr_ctx *ctx, void **arr, uint32_t *cap, uint32_t need, size_t elem) {
  if (need <= *cap) return 0;
  uint32_t nc = *cap ? *cap * 2 : 64;
  while (nc < need) nc *= 2;
  unsigned char *np = (unsigned char *)packr_malloc((size_t)nc * elem);
  if (!np) return err_oom(ctx);
  unsigned char *old = (unsigned char *)*arr;
  for (size_t i = 0; i < (size_t)*cap * elem; i++) np[i] = old[i];
  packr_free(old);
  *arr = np;
  *cap = nc;
  return 0;
}

int packr_encode(packr_ctx *ctx, const packr_val *root, uint8_t **out, uint32_t *out_len) {
  obuf o = {NULL, 0, 0};
  eframe *st = NULL;
  uint32_t *res = NULL;
  uint32_t depth = 0, st_cap = 0, nres = 0, res_cap = 0, nodes = 0;
  int rc = -1;
  if (ob_room(ctx, &o, 16)) goto done;
  ob_bytes(&o, "CGRF", 4);
  ob_le(&o, 3, 2);
  ob_le(&o, 0, 2);
  ob_le(&o, 0, 8); /* node count and root, patched at the end */
  if (grow(ctx, (void **)&st, &st_cap, 1, sizeof(eframe))) goto done;
  if (enc_enter(ctx, &st[depth++], root)) goto done;
  while (depth) {
    eframe *f = &st[depth - 1];
    uint32_t total = enc_children(f);
    if (f->next < total) {
      const packr_val *child = f->v->items[f->next++];
      if (depth >= PACKR_MAX_NODES) {
        err_enc(ctx, "Output too large");
        goto done;
      }
      if (grow(ctx, (void **)&st, &st_cap, depth + 1, sizeof(eframe))) goto done;
      if (enc_enter(ctx, &st[depth++], child)) goto done;
      continue;
    }
    if (nodes >= PACKR_MAX_NODES) {
      err_enc(ctx, "Output too large");
      goto done;
    }
    if (enc_emit(ctx, &o, f, total ? res + nres - total : NULL)) goto done;
    nres -= total;
    if (grow(ctx, (void **)&res, &res_cap, nres + 1, sizeof(uint32_t))) goto done;
    res[nres++] = nodes++;
    depth--;
  }
  for (int i = 0; i < 4; i++) {
    o.p[8 + i] = (uint8_t)(nodes >> (8 * i));
    o.p[12 + i] = (uint8_t)((nodes - 1) >> (8 * i));
  }
  *out = o.p;
  *out_len = o.len;
  o.p = NULL;
  rc = 0;
done:
  packr_free(o.p);
  packr_free(st);
  packr_free(res);
  return rc;
}
