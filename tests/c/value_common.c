/* Definitions for value_common.h: the assertion framework, helpers and builders. */
#include "value_common.h"

/* ------------------------------------------------------------------------------------------ */
/* A tiny assertion framework                                                                  */
/* ------------------------------------------------------------------------------------------ */

unsigned long g_passed;
unsigned long g_failed;

int check_at(int ok, const char *file, int line, const char *expr) {
  if (ok) {
    g_passed++;
  } else {
    g_failed++;
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
  }
  return ok;
}

/* CHECK(cond): counts one check; prints file:line and the expression when it fails. */

int check_rc_at(uint32_t got, uint32_t want, const char *file, int line, const char *expr) {
  if (got == want) {
    g_passed++;
    return 1;
  }
  g_failed++;
  fprintf(stderr, "%s:%d: CHECK_RC failed: %s returned %s (%u), expected %s (%u)\n", file, line,
          expr, packr_result_name(got), (unsigned)got, packr_result_name(want), (unsigned)want);
  return 0;
}

/* CHECK_RC(call, want): the packr_result of `call` equals `want`. */


/* (ptr, len) view equals the C string s. */
int view_is(const char *p, size_t len, const char *s) {
  return p != NULL && len == strlen(s) && memcmp(p, s, len) == 0;
}

/* Sentinels: out-parameters preset to these must be left untouched on failure. Never freed. */
char g_sentinel_storage[4];

/* ------------------------------------------------------------------------------------------ */
/* Hex, floats, encode/decode helpers                                                          */
/* ------------------------------------------------------------------------------------------ */

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes a hex string into a malloc'd buffer (caller frees); *len_out = byte count. */
uint8_t *unhex(const char *hex, size_t *len_out) {
  size_t n = strlen(hex) / 2;
  uint8_t *out = (uint8_t *)malloc(n ? n : 1);
  size_t i;
  if (out == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  for (i = 0; i < n; i++) {
    out[i] = (uint8_t)(hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
  }
  *len_out = n;
  return out;
}

void print_hex(const char *label, const uint8_t *p, size_t n) {
  size_t i;
  fprintf(stderr, "    %s (%zu bytes): ", label, n);
  for (i = 0; i < n; i++) fprintf(stderr, "%02x", p[i]);
  fprintf(stderr, "\n");
}

float f32_from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}
uint32_t f32_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}
double f64_from_bits(uint64_t b) {
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}
uint64_t f64_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

/* Encodes v; returns the bytes (caller frees) or NULL, printing the error. */
packr_bytes *encode(const packr_value *v) {
  packr_bytes *b = NULL;
  packr_error *e = NULL;
  uint32_t rc = (uint32_t)packr_value_encode(v, &b, &e);
  if (rc != 0) {
    fprintf(stderr, "    encode failed: %s: %s\n", packr_result_name(rc), packr_error_message(e));
    packr_error_free(e);
    return NULL;
  }
  return b;
}

/* Decodes bytes; returns the value (caller frees) or NULL, printing the error. */
packr_value *decode_buf(const uint8_t *p, size_t n) {
  packr_value *v = NULL;
  packr_error *e = NULL;
  uint32_t rc = (uint32_t)packr_value_decode(p, n, &v, &e);
  if (rc != 0) {
    fprintf(stderr, "    decode failed: %s: %s\n", packr_result_name(rc), packr_error_message(e));
    packr_error_free(e);
    return NULL;
  }
  return v;
}

packr_value *decode_hex(const char *hex) {
  size_t n;
  uint8_t *p = unhex(hex, &n);
  packr_value *v = decode_buf(p, n);
  free(p);
  return v;
}

/* encode(v) == hex exactly. */
int encodes_to_hex(const packr_value *v, const char *hex) {
  size_t n;
  uint8_t *want = unhex(hex, &n);
  packr_bytes *b = encode(v);
  int ok = b != NULL && packr_bytes_len(b) == n && memcmp(packr_bytes_data(b), want, n) == 0;
  if (!ok && b != NULL) {
    print_hex("got ", packr_bytes_data(b), packr_bytes_len(b));
    print_hex("want", want, n);
  }
  packr_bytes_free(b);
  free(want);
  return ok;
}

/* decode(encode(v)) equals v, and re-encoding gives the same bytes. */
int roundtrips(const packr_value *v) {
  packr_bytes *b1 = encode(v);
  packr_value *d;
  packr_bytes *b2;
  int ok;
  if (b1 == NULL) return 0;
  d = decode_buf(packr_bytes_data(b1), packr_bytes_len(b1));
  b2 = d ? encode(d) : NULL;
  ok = d != NULL && b2 != NULL && packr_value_equal(v, d) && packr_value_equal(d, v) &&
       packr_bytes_len(b1) == packr_bytes_len(b2) &&
       memcmp(packr_bytes_data(b1), packr_bytes_data(b2), packr_bytes_len(b1)) == 0;
  packr_bytes_free(b2);
  packr_value_free(d);
  packr_bytes_free(b1);
  return ok;
}

/* True when the NUL-terminated `hay` contains `needle`. */
int contains(const char *hay, const char *needle) {
  return hay != NULL && strstr(hay, needle) != NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Builders (each checks its own calls)                                                        */
/* ------------------------------------------------------------------------------------------ */

packr_value *str(const char *s) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_string(s, strlen(s), &v), OK);
  return v;
}

packr_value *chr(uint32_t c) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_char(c, &v), OK);
  return v;
}

packr_value *list_of(packr_type *elem, int n, ...) {
  packr_value *l = NULL;
  va_list ap;
  int i;
  CHECK_RC(packr_value_list_new(elem, &l), OK);
  va_start(ap, n);
  for (i = 0; i < n; i++) CHECK_RC(packr_value_push(l, va_arg(ap, packr_value *)), OK);
  va_end(ap);
  return l;
}

packr_value *tuple_of(int n, ...) {
  packr_value *t = packr_value_tuple_new();
  va_list ap;
  int i;
  CHECK(t != NULL);
  va_start(ap, n);
  for (i = 0; i < n; i++) CHECK_RC(packr_value_push(t, va_arg(ap, packr_value *)), OK);
  va_end(ap);
  return t;
}

/* record_of(name, n, "f1", v1, "f2", v2, ...) */
packr_value *record_of(const char *name, int n, ...) {
  packr_value *r = NULL;
  va_list ap;
  int i;
  CHECK_RC(packr_value_record_new(name, &r), OK);
  va_start(ap, n);
  for (i = 0; i < n; i++) {
    const char *field = va_arg(ap, const char *);
    packr_value *val = va_arg(ap, packr_value *);
    CHECK_RC(packr_value_record_push(r, field, val), OK);
  }
  va_end(ap);
  return r;
}

packr_value *variant_of(const char *type_name, const char *case_name, uint64_t tag, int n,
                               ...) {
  packr_value *v = NULL;
  va_list ap;
  int i;
  CHECK_RC(packr_value_variant_new(type_name, case_name, tag, &v), OK);
  va_start(ap, n);
  for (i = 0; i < n; i++) CHECK_RC(packr_value_push(v, va_arg(ap, packr_value *)), OK);
  va_end(ap);
  return v;
}

packr_value *some(packr_type *t, packr_value *x) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_option_some(t, x, &v), OK);
  return v;
}

packr_value *none(packr_type *t) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_option_none(t, &v), OK);
  return v;
}

packr_value *ok_of(packr_type *okt, packr_type *errt, packr_value *x) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_result_ok(okt, errt, x, &v), OK);
  return v;
}

packr_value *err_of(packr_type *okt, packr_type *errt, packr_value *x) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_result_err(okt, errt, x, &v), OK);
  return v;
}

packr_type *t_list(packr_type *elem) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_list(elem, &t), OK);
  return t;
}

packr_type *t_option(packr_type *inner) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_option(inner, &t), OK);
  return t;
}

packr_type *t_result(packr_type *ok, packr_type *err) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_result(ok, err, &t), OK);
  return t;
}

packr_type *t_tuple2(packr_type *a, packr_type *b) {
  packr_type *items[2];
  packr_type *t = NULL;
  items[0] = a;
  items[1] = b;
  CHECK_RC(packr_type_tuple(items, 2, &t), OK);
  return t;
}

packr_type *t_record(const char *name) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_record(name, &t), OK);
  return t;
}

packr_type *t_variant(const char *name) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_variant(name, &t), OK);
  return t;
}

/* s-expression helpers, as packr's tests build them (spec 1.3). */
packr_value *sx_sym(const char *s) { return variant_of("expr", "sym", 0, 1, str(s)); }
packr_value *sx_num(int64_t n) {
  return variant_of("expr", "num", 1, 1, packr_value_s64(n));
}
packr_value *sx_lst3(packr_value *a, packr_value *b, packr_value *c) {
  return variant_of("expr", "lst", 4, 1, list_of(t_variant("expr"), 3, a, b, c));
}

/* Builds `depth` nested 1-tuples around s64(0). */
packr_value *nest_tuples(int depth) {
  packr_value *v = packr_value_s64(0);
  int i;
  int all_ok = 1;
  for (i = 0; i < depth; i++) {
    packr_value *t = packr_value_tuple_new();
    all_ok &= packr_value_push(t, v) == OK;
    v = t;
  }
  CHECK(all_ok);
  return v;
}
