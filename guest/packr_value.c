/*
 * packr_value.c: the per-call arena, error messages, strings, type descriptors and value
 * constructors.
 */
#include "packr_guest.h"

#define ARENA_BLOCK 16384u

struct packr_block {
  packr_block *next;
  size_t used, cap;
  /* data follows, 8-aligned (the header is 3 words on wasm32, so pad to 16) */
  uint64_t pad;
};

static void mem_zero(void *p, size_t n) {
  unsigned char *d = (unsigned char *)p;
  while (n--) *d++ = 0;
}
static void mem_copy(void *dst, const void *src, size_t n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  while (n--) *d++ = *s++;
}

void *packr_arena_alloc(packr_arena *a, size_t size) {
  size = (size + 7u) & ~(size_t)7u;
  if (size == 0) size = 8;
  packr_block *b = a->head;
  if (!b || b->cap - b->used < size) {
    size_t cap = size > ARENA_BLOCK / 2 ? size : ARENA_BLOCK;
    if (cap > (size_t)-1 - sizeof(packr_block)) return NULL;
    packr_block *nb = (packr_block *)packr_malloc(sizeof(packr_block) + cap);
    if (!nb) return NULL;
    nb->used = 0;
    nb->cap = cap;
    if (b && size > ARENA_BLOCK / 2) {
      /* a big one-off: keep the current block as the head for the small ones */
      nb->next = b->next;
      b->next = nb;
      nb->used = size;
      void *p = (unsigned char *)(nb + 1);
      mem_zero(p, size);
      return p;
    }
    nb->next = b;
    a->head = b = nb;
  }
  void *p = (unsigned char *)(b + 1) + b->used;
  b->used += size;
  mem_zero(p, size);
  return p;
}

void packr_arena_free(packr_arena *a) {
  packr_block *b = a->head;
  while (b) {
    packr_block *n = b->next;
    packr_free(b);
    b = n;
  }
  a->head = NULL;
}

void packr_ctx_init(packr_ctx *ctx) {
  ctx->arena.head = NULL;
  ctx->err.ptr = NULL;
  ctx->err.len = 0;
  ctx->oom = 0;
}

void packr_ctx_free(packr_ctx *ctx) { packr_arena_free(&ctx->arena); }

static void *ctx_alloc(packr_ctx *ctx, size_t n) {
  void *p = packr_arena_alloc(&ctx->arena, n);
  if (!p) ctx->oom = 1;
  return p;
}

packr_str packr_cstr(const char *s) {
  packr_str r;
  uint32_t n = 0;
  while (s[n]) n++;
  r.ptr = s;
  r.len = n;
  return r;
}

int packr_str_eq(packr_str s, const char *lit) {
  uint32_t i = 0;
  for (; i < s.len; i++)
    if (lit[i] == 0 || lit[i] != s.ptr[i]) return 0;
  return lit[i] == 0;
}

packr_val *packr_fail_str(packr_ctx *ctx, packr_str msg) {
  if (ctx->err.ptr) return NULL; /* the first error wins */
  char *p = (char *)ctx_alloc(ctx, msg.len + 1);
  if (p) {
    mem_copy(p, msg.ptr, msg.len);
    ctx->err.ptr = p;
    ctx->err.len = msg.len;
  } else {
    ctx->err = packr_cstr("out of memory");
  }
  return NULL;
}

packr_val *packr_fail(packr_ctx *ctx, const char *msg) { return packr_fail_str(ctx, packr_cstr(msg)); }

/* ---- packr_buf ---- */
void packr_buf_init(packr_buf *b, packr_ctx *ctx) {
  b->ctx = ctx;
  b->ptr = NULL;
  b->len = b->cap = 0;
}

void packr_buf_bytes(packr_buf *b, const void *p, uint32_t n) {
  if (b->len + (uint64_t)n > 0x7fffffffu) return;
  if (b->len + n > b->cap) {
    uint32_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->len + n) cap *= 2;
    char *np = (char *)ctx_alloc(b->ctx, cap);
    if (!np) return;
    if (b->len) mem_copy(np, b->ptr, b->len);
    b->ptr = np;
    b->cap = cap;
  }
  mem_copy(b->ptr + b->len, p, n);
  b->len += n;
}
void packr_buf_cstr(packr_buf *b, const char *s) {
  packr_str t = packr_cstr(s);
  packr_buf_bytes(b, t.ptr, t.len);
}
void packr_buf_str(packr_buf *b, packr_str s) { packr_buf_bytes(b, s.ptr, s.len); }
void packr_buf_u64(packr_buf *b, uint64_t v) {
  char tmp[20];
  int n = 0;
  do {
    tmp[19 - n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  packr_buf_bytes(b, tmp + 20 - n, (uint32_t)n);
}
void packr_buf_i64(packr_buf *b, int64_t v) {
  if (v < 0) {
    packr_buf_bytes(b, "-", 1);
    packr_buf_u64(b, (uint64_t)0 - (uint64_t)v);
  } else {
    packr_buf_u64(b, (uint64_t)v);
  }
}
packr_str packr_buf_done(packr_buf *b) {
  packr_str s;
  s.ptr = b->ptr ? b->ptr : "";
  s.len = b->len;
  return s;
}

/* ---- UTF-8 (the same acceptance as Rust's str::from_utf8) ---- */
int packr_utf8_valid(const uint8_t *p, uint32_t n) {
  uint32_t i = 0;
  while (i < n) {
    uint8_t c = p[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    uint32_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return 0;
    }
    if (n - i - 1 < need) return 0;
    if (p[i + 1] < lo || p[i + 1] > hi) return 0;
    for (uint32_t k = 2; k <= need; k++)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return 0;
    i += need + 1;
  }
  return 1;
}

/* ---- type descriptors ---- */
static const uint8_t prim_types[0x18] = {0,    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0,
                                         0,    0,    0,    0,    0x0C, 0x0D, 0x0E, 0x0F,
                                         0x10, 0x11, 0x12, 0x13, 0,    0,    0,    0};

packr_type packr_t(uint8_t kind) {
  packr_type t = {NULL, 0};
  if (kind < sizeof prim_types && prim_types[kind]) {
    t.ptr = &prim_types[kind];
    t.len = 1;
  }
  return t;
}

static packr_type type_cat(packr_ctx *ctx, uint8_t tag, const packr_type *parts, uint32_t n,
                           const uint8_t *extra, uint32_t extra_len) {
  packr_type t = {NULL, 0};
  uint64_t total = 1 + (uint64_t)extra_len;
  for (uint32_t i = 0; i < n; i++) {
    if (!parts[i].ptr) return t;
    total += parts[i].len;
  }
  if (total > 0x7fffffffu) return t;
  uint8_t *p = (uint8_t *)ctx_alloc(ctx, (size_t)total);
  if (!p) return t;
  p[0] = tag;
  uint32_t off = 1;
  mem_copy(p + off, extra, extra_len);
  off += extra_len;
  for (uint32_t i = 0; i < n; i++) {
    mem_copy(p + off, parts[i].ptr, parts[i].len);
    off += parts[i].len;
  }
  t.ptr = p;
  t.len = off;
  return t;
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

packr_type packr_t_named(packr_ctx *ctx, uint8_t kind, const char *name) {
  packr_str s = packr_cstr(name);
  packr_type none = {NULL, 0};
  if (kind != PACKR_RECORD && kind != PACKR_VARIANT) return none;
  uint8_t *tmp = (uint8_t *)ctx_alloc(ctx, (size_t)s.len + 4);
  if (!tmp) return none;
  put_u32(tmp, s.len);
  mem_copy(tmp + 4, s.ptr, s.len);
  return type_cat(ctx, kind, NULL, 0, tmp, s.len + 4);
}
packr_type packr_t_list(packr_ctx *ctx, packr_type e) { return type_cat(ctx, 0x07, &e, 1, NULL, 0); }
packr_type packr_t_option(packr_ctx *ctx, packr_type e) { return type_cat(ctx, 0x0A, &e, 1, NULL, 0); }
packr_type packr_t_set(packr_ctx *ctx, packr_type e) { return type_cat(ctx, 0x17, &e, 1, NULL, 0); }
packr_type packr_t_result(packr_ctx *ctx, packr_type ok, packr_type err) {
  packr_type parts[2] = {ok, err};
  return type_cat(ctx, 0x14, parts, 2, NULL, 0);
}
packr_type packr_t_map(packr_ctx *ctx, packr_type k, packr_type v) {
  packr_type parts[2] = {k, v};
  return type_cat(ctx, 0x16, parts, 2, NULL, 0);
}
packr_type packr_t_tuple(packr_ctx *ctx, uint32_t n, const packr_type *items) {
  uint8_t cnt[4];
  put_u32(cnt, n);
  return type_cat(ctx, 0x0B, items, n, cnt, 4);
}

/* ---- values ---- */
static packr_val *mk(packr_ctx *ctx, uint8_t kind) {
  packr_val *v = (packr_val *)ctx_alloc(ctx, sizeof(packr_val));
  if (v) v->kind = kind;
  return v;
}
#define SCALAR(fn, ctype, kind, field, conv)           \
  packr_val *fn(packr_ctx *ctx, ctype x) {             \
    packr_val *v = mk(ctx, kind);                      \
    if (v) v->as.field = conv;                         \
    return v;                                          \
  }
SCALAR(packr_bool, int, PACKR_BOOL, u, (uint64_t)(x != 0))
SCALAR(packr_u8, uint8_t, PACKR_U8, u, x)
SCALAR(packr_u16, uint16_t, PACKR_U16, u, x)
SCALAR(packr_u32, uint32_t, PACKR_U32, u, x)
SCALAR(packr_u64, uint64_t, PACKR_U64, u, x)
SCALAR(packr_s8, int8_t, PACKR_S8, i, x)
SCALAR(packr_s16, int16_t, PACKR_S16, i, x)
SCALAR(packr_s32, int32_t, PACKR_S32, i, x)
SCALAR(packr_s64, int64_t, PACKR_S64, i, x)
SCALAR(packr_f32, float, PACKR_F32, f32, x)
SCALAR(packr_f64, double, PACKR_F64, f64, x)
SCALAR(packr_char, uint32_t, PACKR_CHAR, u, x)
SCALAR(packr_flags, uint64_t, PACKR_FLAGS, u, x)

packr_val *packr_string(packr_ctx *ctx, packr_str s) {
  packr_val *v = mk(ctx, PACKR_STRING);
  char *p = (char *)ctx_alloc(ctx, (size_t)s.len + 1);
  if (!v || !p) return NULL;
  mem_copy(p, s.ptr, s.len);
  v->as.str.ptr = p;
  v->as.str.len = s.len;
  return v;
}
packr_val *packr_string_c(packr_ctx *ctx, const char *s) { return packr_string(ctx, packr_cstr(s)); }

static packr_val *container(packr_ctx *ctx, uint8_t kind, uint32_t n, uint32_t slots) {
  packr_val *v = mk(ctx, kind);
  if (!v) return NULL;
  v->count = n;
  if (slots) {
    v->items = (packr_val **)ctx_alloc(ctx, (size_t)slots * sizeof(packr_val *));
    if (!v->items) return NULL;
  }
  return v;
}
packr_val *packr_tuple(packr_ctx *ctx, uint32_t n) { return container(ctx, PACKR_TUPLE, n, n); }
packr_val *packr_list(packr_ctx *ctx, packr_type elem, uint32_t n) {
  packr_val *v = container(ctx, PACKR_LIST, n, n);
  if (v) v->t1 = elem;
  return v;
}
packr_val *packr_set(packr_ctx *ctx, packr_type elem, uint32_t n) {
  packr_val *v = container(ctx, PACKR_SET, n, n);
  if (v) v->t1 = elem;
  return v;
}
packr_val *packr_map(packr_ctx *ctx, packr_type key, packr_type value, uint32_t n) {
  if (n > 0x7fffffffu) return NULL;
  packr_val *v = container(ctx, PACKR_MAP, n, 2 * n);
  if (v) {
    v->t1 = key;
    v->t2 = value;
  }
  return v;
}
packr_val *packr_record(packr_ctx *ctx, const char *type_name, uint32_t n) {
  packr_val *v = container(ctx, PACKR_RECORD, n, n);
  if (!v) return NULL;
  v->name = packr_cstr(type_name);
  if (n) {
    v->fields = (packr_str *)ctx_alloc(ctx, (size_t)n * sizeof(packr_str));
    if (!v->fields) return NULL;
  }
  return v;
}
void packr_record_field(packr_val *rec, uint32_t i, const char *name, packr_val *v) {
  if (!rec || rec->kind != PACKR_RECORD || i >= rec->count) return;
  rec->fields[i] = packr_cstr(name);
  rec->items[i] = v;
}
packr_val *packr_variant(packr_ctx *ctx, const char *type_name, const char *case_name,
                         uint32_t tag, uint32_t n) {
  packr_val *v = container(ctx, PACKR_VARIANT, n, n);
  if (!v) return NULL;
  v->name = packr_cstr(type_name);
  v->case_name = packr_cstr(case_name);
  v->tag = tag;
  return v;
}
packr_val *packr_some(packr_ctx *ctx, packr_type inner, packr_val *x) {
  packr_val *v = container(ctx, PACKR_OPTION, 1, 1);
  if (!v || !x) return NULL;
  v->t1 = inner;
  v->tag = 1;
  v->items[0] = x;
  return v;
}
packr_val *packr_none(packr_ctx *ctx, packr_type inner) {
  packr_val *v = mk(ctx, PACKR_OPTION);
  if (v) v->t1 = inner;
  return v;
}
static packr_val *result(packr_ctx *ctx, packr_type ok, packr_type err, packr_val *x, uint32_t tag) {
  packr_val *v = container(ctx, PACKR_RESULT, 1, 1);
  if (!v || !x) return NULL;
  v->t1 = ok;
  v->t2 = err;
  v->tag = tag;
  v->items[0] = x;
  return v;
}
packr_val *packr_ok(packr_ctx *ctx, packr_type ok, packr_type err, packr_val *x) {
  return result(ctx, ok, err, x, 0);
}
packr_val *packr_err(packr_ctx *ctx, packr_type ok, packr_type err, packr_val *x) {
  return result(ctx, ok, err, x, 1);
}
