/* Robustness cases for the guest codec: depth, lying counts, DAGs, cycles. */
#include "testutil.h"

static uint8_t *put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
  return p + 4;
}
static uint8_t *header(uint8_t *p, uint32_t count, uint32_t root) {
  memcpy(p, "CGRF\x03\x00\x00\x00", 8);
  p = put32(p + 8, count);
  return put32(p, root);
}
static uint8_t *node(uint8_t *p, uint8_t kind, uint32_t plen) {
  p[0] = kind; p[1] = p[2] = p[3] = 0;
  return put32(p + 4, plen);
}

static int decode_err(const uint8_t *b, size_t n, const char *want) {
  packr_ctx ctx;
  packr_ctx_init(&ctx);
  packr_val *v;
  int ok = packr_decode(&ctx, b, n, &v) != 0 && (!want || str_is(ctx.err, want));
  if (!ok) fprintf(stderr, "  got: %.*s\n", (int)ctx.err.len, ctx.err.ptr ? ctx.err.ptr : "(accepted)");
  packr_ctx_free(&ctx);
  return ok;
}

int test_robustness(void) {
  enum { DEPTH = 1000000 };
  /* 1. a million nested 1-tuples around S64(7): decode, walk, re-encode identically */
  size_t n = 16 + 16 + (size_t)DEPTH * 16;
  uint8_t *b = malloc(n), *p = header(b, DEPTH + 1, DEPTH);
  p = node(p, PACKR_S64, 8);
  memcpy(p, "\x07\0\0\0\0\0\0\0", 8);
  p += 8;
  for (uint32_t i = 1; i <= DEPTH; i++) {
    p = node(p, PACKR_TUPLE, 8);
    p = put32(put32(p, 1), i - 1);
  }
  packr_ctx ctx;
  packr_ctx_init(&ctx);
  packr_val *v = NULL;
  CHECK(packr_decode(&ctx, b, n, &v) == 0, "deep tuple rejected: %.*s", (int)ctx.err.len, ctx.err.ptr);
  if (v) {
    int d = 0;
    while (v->kind == PACKR_TUPLE) { v = v->items[0]; d++; }
    CHECK(d == DEPTH && v->kind == PACKR_S64 && v->as.i == 7, "deep tuple: depth %d", d);
  }
  packr_ctx_free(&ctx);
  packr_ctx_init(&ctx);
  packr_decode(&ctx, b, n, &v);
  uint8_t *enc = NULL;
  uint32_t elen = 0;
  CHECK(packr_encode(&ctx, v, &enc, &elen) == 0 && elen == n && !memcmp(enc, b, n), "deep tuple re-encode");
  packr_free(enc);
  packr_ctx_free(&ctx);
  free(b);

  /* 2. a type descriptor nested a million deep: list<list<...<string>>>, empty list */
  n = 16 + 8 + DEPTH + 1 + 4;
  b = malloc(n);
  p = node(header(b, 1, 0), PACKR_LIST, DEPTH + 1 + 4);
  memset(p, 0x07, DEPTH);
  p[DEPTH] = 0x06;
  put32(p + DEPTH + 1, 0);
  packr_ctx_init(&ctx);
  CHECK(packr_decode(&ctx, b, n, &v) == 0 && v->kind == PACKR_LIST && v->t1.len == DEPTH + 1, "deep type");
  CHECK(packr_encode(&ctx, v, &enc, &elen) == 0 && elen == n && !memcmp(enc, b, n), "deep type re-encode");
  packr_free(enc);
  packr_ctx_free(&ctx);
  /* the same descriptor, truncated, is a clean error */
  CHECK(decode_err(b, n - 5, NULL), "truncated deep type accepted");
  free(b);

  /* 3. lying counts: a few bytes claiming 4 billion children fail on the read, without a huge allocation */
  uint8_t small[64];
  p = node(header(small, 1, 0), PACKR_LIST, 5);
  p[0] = 0x06;
  put32(p + 1, 0xFFFFFFFFu);
  CHECK(decode_err(small, 16 + 8 + 5, "BufferTooSmall { need: 9, have: 5 }"), "list count 2^32-1");
  p = node(header(small, 1, 0), PACKR_RECORD, 8);
  put32(put32(p, 0), 0xFFFFFFFFu);
  CHECK(decode_err(small, 16 + 8 + 8, "BufferTooSmall { need: 12, have: 8 }"), "record count 2^32-1");
  p = node(header(small, 1, 0), PACKR_MAP, 6);
  p[0] = 0x06; p[1] = 0x03;
  put32(p + 2, 0xFFFFFFFFu);
  CHECK(decode_err(small, 16 + 8 + 6, "BufferTooSmall { need: 10, have: 6 }"), "map count 2^32-1");
  p = node(header(small, 1, 0), PACKR_TUPLE, 4);
  put32(p, 0xFFFFFFFFu);
  CHECK(decode_err(small, 16 + 8 + 4, "InvalidEncoding(\"Sequence too large at node 0\")"), "tuple count");
  p = header(small, 0xFFFFFFu, 0); /* 16M nodes claimed, none present */
  CHECK(decode_err(small, 16, "InvalidEncoding(\"Node count exceeds limit\")"), "node count");
  p = header(small, 9000000u, 0);
  CHECK(decode_err(small, 16, "BufferTooSmall { need: 17, have: 16 }"), "node count, short");

  /* 4. cycles: a tuple containing itself */
  p = node(header(small, 1, 0), PACKR_TUPLE, 8);
  put32(put32(p, 1), 0);
  CHECK(decode_err(small, 16 + 16, "InvalidEncoding(\"Cycle detected in graph buffer\")"), "self cycle");

  /* 5. an exponential DAG: node i = Tuple([i-1, i-1]), 40 levels. Decoding shares nodes
   * (linear); encoding would expand to 2^40 nodes and must stop with an error instead. */
  enum { LEVELS = 40 };
  n = 16 + 9 + (size_t)LEVELS * 20;
  b = malloc(n);
  p = node(header(b, LEVELS + 1, LEVELS), PACKR_BOOL, 1);
  *p++ = 1;
  for (uint32_t i = 1; i <= LEVELS; i++) {
    p = node(p, PACKR_TUPLE, 12);
    p = put32(put32(put32(p, 2), i - 1), i - 1);
  }
  packr_ctx_init(&ctx);
  CHECK(packr_decode(&ctx, b, n, &v) == 0 && v->items[0] == v->items[1], "DAG decode shares nodes");
  CHECK(packr_encode(&ctx, v, &enc, &elen) != 0 && str_is(ctx.err, "InvalidEncoding(\"Output too large\")"),
        "DAG expansion not stopped: %.*s", (int)ctx.err.len, ctx.err.ptr ? ctx.err.ptr : "");
  packr_ctx_free(&ctx);
  free(b);

  /* 6. values built in C: a cycle, a NULL child, bad UTF-8, a bad char, a bad type descriptor */
  packr_ctx_init(&ctx);
  packr_val *t = packr_tuple(&ctx, 1);
  t->items[0] = t;
  CHECK(packr_encode(&ctx, t, &enc, &elen) != 0, "cyclic C value encoded");
  ctx.err.ptr = NULL;
  packr_val *hole = packr_tuple(&ctx, 2);
  hole->items[0] = packr_s64(&ctx, 1);
  CHECK(packr_encode(&ctx, hole, &enc, &elen) != 0 && str_is(ctx.err, "InvalidEncoding(\"Missing value (NULL child)\")"),
        "NULL child");
  ctx.err.ptr = NULL;
  packr_str bad = {"\xff", 1};
  CHECK(packr_encode(&ctx, packr_string(&ctx, bad), &enc, &elen) != 0, "bad UTF-8 encoded");
  ctx.err.ptr = NULL;
  CHECK(packr_encode(&ctx, packr_char(&ctx, 0xD800), &enc, &elen) != 0, "surrogate char encoded");
  ctx.err.ptr = NULL;
  packr_type junk = {(const uint8_t *)"\x07", 1};
  CHECK(packr_encode(&ctx, packr_list(&ctx, junk, 0), &enc, &elen) != 0, "truncated type encoded");
  packr_ctx_free(&ctx);

  /* 7. the constructors produce what packr-abi encodes: golden valid/record_point_x1_y2 */
  packr_ctx_init(&ctx);
  packr_val *pt = packr_record(&ctx, "point", 2);
  packr_record_field(pt, 0, "x", packr_s32(&ctx, 1));
  packr_record_field(pt, 1, "y", packr_s32(&ctx, 2));
  static const uint8_t point[] = "CGRF\x03\x00\x00\x00\x03\x00\x00\x00\x02\x00\x00\x00"
                                 "\x02\x00\x00\x00\x04\x00\x00\x00\x01\x00\x00\x00"
                                 "\x02\x00\x00\x00\x04\x00\x00\x00\x02\x00\x00\x00"
                                 "\x09\x00\x00\x00\x1f\x00\x00\x00\x05\x00\x00\x00point\x02\x00\x00\x00"
                                 "\x01\x00\x00\x00x\x01\x00\x00\x00y\x00\x00\x00\x00\x01\x00\x00\x00";
  CHECK(packr_encode(&ctx, pt, &enc, &elen) == 0 && elen == sizeof point - 1 && !memcmp(enc, point, elen),
        "record constructor bytes");
  packr_free(enc);
  packr_type tt[2] = {packr_t(PACKR_S32), packr_t_list(&ctx, packr_t_named(&ctx, PACKR_VARIANT, "expr"))};
  packr_type tup = packr_t_tuple(&ctx, 2, tt);
  CHECK(tup.len == 1 + 4 + 1 + 1 + 1 + 4 + 4 && packr_type_check(tup.ptr, tup.len) == tup.len, "tuple type");
  packr_ctx_free(&ctx);
  return 0;
}
