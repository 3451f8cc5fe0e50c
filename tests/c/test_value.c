/*
 * C tests for libpackr's value and type API (include/packr.h).
 *
 * Compiled as C11 and as C++17 (see Makefile), with -Wall -Wextra -Wpedantic -Werror, and run
 * plain, under ASan+UBSan (LeakSanitizer catches leaked handles), under valgrind and linked
 * statically. Prints one line per failed check and ends with "N passed, M failed"; exits
 * non-zero when M > 0.
 *
 * Golden vectors are copied from tests/data/golden-vectors.txt (produced by packr-abi 0.5.4).
 */
#include "packr.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* A tiny assertion framework                                                                  */
/* ------------------------------------------------------------------------------------------ */

static unsigned long g_passed;
static unsigned long g_failed;

static int check_at(int ok, const char *file, int line, const char *expr) {
  if (ok) {
    g_passed++;
  } else {
    g_failed++;
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
  }
  return ok;
}

/* CHECK(cond): counts one check; prints file:line and the expression when it fails. */
#define CHECK(cond) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond)

static int check_rc_at(uint32_t got, uint32_t want, const char *file, int line, const char *expr) {
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
#define CHECK_RC(call, want) \
  check_rc_at((uint32_t)(call), (uint32_t)(want), __FILE__, __LINE__, #call)

#define OK PACKR_RESULT_OK
#define INVALID PACKR_RESULT_INVALID_ARGUMENT

/* (ptr, len) view equals the C string s. */
static int view_is(const char *p, size_t len, const char *s) {
  return p != NULL && len == strlen(s) && memcmp(p, s, len) == 0;
}

/* Sentinels: out-parameters preset to these must be left untouched on failure. Never freed. */
static char g_sentinel_storage[4];
#define SENT_VALUE ((packr_value *)(void *)&g_sentinel_storage[0])
#define SENT_TYPE ((packr_type *)(void *)&g_sentinel_storage[1])
#define SENT_BYTES ((packr_bytes *)(void *)&g_sentinel_storage[2])
#define SENT_ERROR ((packr_error *)(void *)&g_sentinel_storage[3])
#define SENT_STR ((const char *)&g_sentinel_storage[0])

/* ------------------------------------------------------------------------------------------ */
/* Hex, floats, encode/decode helpers                                                          */
/* ------------------------------------------------------------------------------------------ */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes a hex string into a malloc'd buffer (caller frees); *len_out = byte count. */
static uint8_t *unhex(const char *hex, size_t *len_out) {
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

static void print_hex(const char *label, const uint8_t *p, size_t n) {
  size_t i;
  fprintf(stderr, "    %s (%zu bytes): ", label, n);
  for (i = 0; i < n; i++) fprintf(stderr, "%02x", p[i]);
  fprintf(stderr, "\n");
}

static float f32_from_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}
static uint32_t f32_bits(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}
static double f64_from_bits(uint64_t b) {
  double d;
  memcpy(&d, &b, sizeof d);
  return d;
}
static uint64_t f64_bits(double d) {
  uint64_t b;
  memcpy(&b, &d, sizeof b);
  return b;
}

/* Encodes v; returns the bytes (caller frees) or NULL, printing the error. */
static packr_bytes *encode(const packr_value *v) {
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
static packr_value *decode_buf(const uint8_t *p, size_t n) {
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

static packr_value *decode_hex(const char *hex) {
  size_t n;
  uint8_t *p = unhex(hex, &n);
  packr_value *v = decode_buf(p, n);
  free(p);
  return v;
}

/* encode(v) == hex exactly. */
static int encodes_to_hex(const packr_value *v, const char *hex) {
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
static int roundtrips(const packr_value *v) {
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
static int contains(const char *hay, const char *needle) {
  return hay != NULL && strstr(hay, needle) != NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Builders (each checks its own calls)                                                        */
/* ------------------------------------------------------------------------------------------ */

static packr_value *str(const char *s) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_string(s, strlen(s), &v), OK);
  return v;
}

static packr_value *chr(uint32_t c) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_char(c, &v), OK);
  return v;
}

static packr_value *list_of(packr_type *elem, int n, ...) {
  packr_value *l = NULL;
  va_list ap;
  int i;
  CHECK_RC(packr_value_list_new(elem, &l), OK);
  va_start(ap, n);
  for (i = 0; i < n; i++) CHECK_RC(packr_value_push(l, va_arg(ap, packr_value *)), OK);
  va_end(ap);
  return l;
}

static packr_value *tuple_of(int n, ...) {
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
static packr_value *record_of(const char *name, int n, ...) {
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

static packr_value *variant_of(const char *type_name, const char *case_name, uint64_t tag, int n,
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

static packr_value *some(packr_type *t, packr_value *x) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_option_some(t, x, &v), OK);
  return v;
}

static packr_value *none(packr_type *t) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_option_none(t, &v), OK);
  return v;
}

static packr_value *ok_of(packr_type *okt, packr_type *errt, packr_value *x) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_result_ok(okt, errt, x, &v), OK);
  return v;
}

static packr_value *err_of(packr_type *okt, packr_type *errt, packr_value *x) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_result_err(okt, errt, x, &v), OK);
  return v;
}

static packr_type *t_list(packr_type *elem) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_list(elem, &t), OK);
  return t;
}

static packr_type *t_option(packr_type *inner) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_option(inner, &t), OK);
  return t;
}

static packr_type *t_result(packr_type *ok, packr_type *err) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_result(ok, err, &t), OK);
  return t;
}

static packr_type *t_tuple2(packr_type *a, packr_type *b) {
  packr_type *items[2];
  packr_type *t = NULL;
  items[0] = a;
  items[1] = b;
  CHECK_RC(packr_type_tuple(items, 2, &t), OK);
  return t;
}

static packr_type *t_record(const char *name) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_record(name, &t), OK);
  return t;
}

static packr_type *t_variant(const char *name) {
  packr_type *t = NULL;
  CHECK_RC(packr_type_variant(name, &t), OK);
  return t;
}

/* s-expression helpers, as packr's tests build them (spec 1.3). */
static packr_value *sx_sym(const char *s) { return variant_of("expr", "sym", 0, 1, str(s)); }
static packr_value *sx_num(int64_t n) {
  return variant_of("expr", "num", 1, 1, packr_value_s64(n));
}
static packr_value *sx_lst3(packr_value *a, packr_value *b, packr_value *c) {
  return variant_of("expr", "lst", 4, 1, list_of(t_variant("expr"), 3, a, b, c));
}

/* ------------------------------------------------------------------------------------------ */
/* Golden vectors: builders for "valid/" cases                                                  */
/* ------------------------------------------------------------------------------------------ */

typedef packr_value *(*build_fn)(void);

static packr_value *b_bool_false(void) { return packr_value_bool(false); }
static packr_value *b_bool_true(void) { return packr_value_bool(true); }
static packr_value *b_u8_255(void) { return packr_value_u8(255); }
static packr_value *b_u16_0x1234(void) { return packr_value_u16(0x1234); }
static packr_value *b_u32_deadbeef(void) { return packr_value_u32(0xdeadbeefu); }
static packr_value *b_u32_max(void) { return packr_value_u32(UINT32_MAX); }
static packr_value *b_u64_max(void) { return packr_value_u64(UINT64_MAX); }
static packr_value *b_s8_min(void) { return packr_value_s8(INT8_MIN); }
static packr_value *b_s16_min(void) { return packr_value_s16(INT16_MIN); }
static packr_value *b_s16_minus2(void) { return packr_value_s16(-2); }
static packr_value *b_s32_minus1(void) { return packr_value_s32(-1); }
static packr_value *b_s32_min(void) { return packr_value_s32(INT32_MIN); }
static packr_value *b_s64_minus1(void) { return packr_value_s64(-1); }
static packr_value *b_s64_min(void) { return packr_value_s64(INT64_MIN); }
static packr_value *b_f32_1_5(void) { return packr_value_f32(1.5f); }
static packr_value *b_f32_neg_zero(void) { return packr_value_f32(f32_from_bits(0x80000000u)); }
static packr_value *b_f32_nan(void) { return packr_value_f32(f32_from_bits(0x7fc00000u)); }
static packr_value *b_f64_pi(void) { return packr_value_f64(3.141592653589793); }
static packr_value *b_f64_inf(void) { return packr_value_f64(f64_from_bits(0x7ff0000000000000u)); }
static packr_value *b_f64_neg_inf(void) {
  return packr_value_f64(f64_from_bits(0xfff0000000000000u));
}
static packr_value *b_f64_snan(void) { return packr_value_f64(f64_from_bits(0x7ff0000000000001u)); }
static packr_value *b_f64_min_subnormal(void) { return packr_value_f64(f64_from_bits(1)); }
static packr_value *b_char_nul(void) { return chr(0); }
static packr_value *b_char_e_acute(void) { return chr(0xe9); }
static packr_value *b_char_max(void) { return chr(0x10ffff); }
static packr_value *b_string_empty(void) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_string(NULL, 0, &v), OK);
  return v;
}
static packr_value *b_string_with_nul(void) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_string("a\0b", 3, &v), OK);
  return v;
}
static packr_value *b_string_unicode(void) {
  return str("h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x8c\x8d");
}
static packr_value *b_flags_0b1011(void) { return packr_value_flags(11); }
static packr_value *b_flags_max(void) { return packr_value_flags(UINT64_MAX); }
static packr_value *b_tuple_s32_string(void) { return tuple_of(2, packr_value_s32(7), str("x")); }
static packr_value *b_tuple_nested(void) {
  return tuple_of(2, tuple_of(1, packr_value_bool(true)), packr_value_tuple_new());
}
static packr_value *b_list_s32_empty(void) { return list_of(packr_type_s32(), 0); }
static packr_value *b_list_u8_bytes(void) {
  return list_of(packr_type_u8(), 4, packr_value_u8(0xde), packr_value_u8(0xad),
                 packr_value_u8(0xbe), packr_value_u8(0xef));
}
static packr_value *b_list_s8(void) {
  return list_of(packr_type_s8(), 2, packr_value_s8(-1), packr_value_s8(127));
}
static packr_value *b_list_u16(void) {
  return list_of(packr_type_u16(), 2, packr_value_u16(1), packr_value_u16(65535));
}
static packr_value *b_list_u32(void) {
  return list_of(packr_type_u32(), 1, packr_value_u32(16909060));
}
static packr_value *b_list_u64(void) {
  return list_of(packr_type_u64(), 2, packr_value_u64(1), packr_value_u64(UINT64_MAX));
}
static packr_value *b_list_f32(void) {
  return list_of(packr_type_f32(), 2, packr_value_f32(0.5f), packr_value_f32(-2.0f));
}
static packr_value *b_list_f64(void) {
  return list_of(packr_type_f64(), 2, packr_value_f64(1.0),
                 packr_value_f64(f64_from_bits(0xfff0000000000000u)));
}
static packr_value *b_list_flags(void) { return list_of(packr_type_flags(), 1, packr_value_flags(5)); }
static packr_value *b_list_string_a_b(void) {
  return list_of(packr_type_string(), 2, str("a"), str("b"));
}
static packr_value *b_list_of_list_s32(void) {
  return list_of(t_list(packr_type_s32()), 2, list_of(packr_type_s32(), 1, packr_value_s32(1)),
                 list_of(packr_type_s32(), 0));
}
static packr_value *b_list_of_tuple_type(void) {
  return list_of(t_tuple2(packr_type_string(), packr_type_u8()), 1,
                 tuple_of(2, str("k"), packr_value_u8(1)));
}
static packr_value *b_option_none_s32(void) { return none(packr_type_s32()); }
static packr_value *b_option_some_s32_7(void) { return some(packr_type_s32(), packr_value_s32(7)); }
static packr_value *b_option_none_list_string(void) { return none(t_list(packr_type_string())); }
static packr_value *b_option_some_some_u8(void) {
  return some(t_option(packr_type_u8()), some(packr_type_u8(), packr_value_u8(1)));
}
static packr_value *b_result_ok_s32_err_string(void) {
  return ok_of(packr_type_s32(), packr_type_string(), packr_value_s32(1));
}
static packr_value *b_result_err_string(void) {
  return err_of(packr_type_s32(), packr_type_string(), str("bad"));
}
static packr_value *b_record_point(void) {
  return record_of("point", 2, "x", packr_value_s32(1), "y", packr_value_s32(2));
}
static packr_value *b_record_empty(void) { return record_of("empty", 0); }
static packr_value *b_variant_unit_case(void) { return variant_of("color", "red", 0, 0); }
static packr_value *b_variant_enum_like_tag2(void) { return variant_of("color", "blue", 2, 0); }
static packr_value *b_variant_two_payloads(void) {
  return variant_of("msg", "pair", 3, 2, packr_value_s32(1), str("z"));
}
static packr_value *b_variant_nested(void) {
  return variant_of("outer", "wrap", 0, 1, variant_of("inner", "leaf", 1, 1, packr_value_u8(9)));
}
static packr_value *b_sexpr_num_42(void) { return sx_num(42); }
static packr_value *b_from_result_ok_i64(void) {
  return ok_of(packr_type_s64(), packr_type_string(), packr_value_s64(3));
}
static packr_value *b_from_result_err_str(void) {
  return err_of(packr_type_s32(), packr_type_string(), str("e"));
}
static packr_value *b_variant_tag_u32_max(void) { return variant_of("t", "c", 0xffffffffu, 0); }
/* (+ 1 (* 2 3)) */
static packr_value *b_sexpr_plus(void) {
  return sx_lst3(sx_sym("+"), sx_num(1), sx_lst3(sx_sym("*"), sx_num(2), sx_num(3)));
}

#define SEXPR_PLUS_HEX                                                                         \
  "43475246020000000e0000000d0000000600000005000000010000002b080000001b000000040000006578707203" \
  "00000073796d00000000010000000000000003000000080000000100000000000000080000001b00000004000000" \
  "65787072030000006e756d0100000001000000020000000600000005000000010000002a080000001b0000000400" \
  "0000657870720300000073796d00000000010000000400000003000000080000000200000000000000080000001b" \
  "0000000400000065787072030000006e756d01000000010000000600000003000000080000000300000000000000" \
  "080000001b0000000400000065787072030000006e756d01000000010000000800000007000000190000000804000" \
  "0006578707203000000050000000700000009000000080000001b0000000400000065787072030000006c73740400" \
  "0000010000000a00000007000000190000000804000000657870720300000001000000030000000b000000080000" \
  "001b0000000400000065787072030000006c737404000000010000000c000000"

struct golden_valid {
  const char *name;
  const char *hex;
  build_fn build;
};

static const struct golden_valid k_valid[] = {
    {"valid/bool_false", "43475246020000000100000000000000010000000100000000", b_bool_false},
    {"valid/bool_true", "43475246020000000100000000000000010000000100000001", b_bool_true},
    {"valid/u8_255", "434752460200000001000000000000000c00000001000000ff", b_u8_255},
    {"valid/u16_0x1234", "434752460200000001000000000000000d000000020000003412", b_u16_0x1234},
    {"valid/u32_0xdeadbeef", "434752460200000001000000000000000e00000004000000efbeadde",
     b_u32_deadbeef},
    {"valid/u32_max", "434752460200000001000000000000000e00000004000000ffffffff", b_u32_max},
    {"valid/u64_max", "434752460200000001000000000000000f00000008000000ffffffffffffffff",
     b_u64_max},
    {"valid/s8_min", "43475246020000000100000000000000100000000100000080", b_s8_min},
    {"valid/s16_min", "4347524602000000010000000000000011000000020000000080", b_s16_min},
    {"valid/s16_minus2", "434752460200000001000000000000001100000002000000feff", b_s16_minus2},
    {"valid/s32_minus1", "434752460200000001000000000000000200000004000000ffffffff",
     b_s32_minus1},
    {"valid/s32_min", "43475246020000000100000000000000020000000400000000000080", b_s32_min},
    {"valid/s64_minus1", "434752460200000001000000000000000300000008000000ffffffffffffffff",
     b_s64_minus1},
    {"valid/s64_min", "4347524602000000010000000000000003000000080000000000000000000080",
     b_s64_min},
    {"valid/f32_1_5", "4347524602000000010000000000000004000000040000000000c03f", b_f32_1_5},
    {"valid/f32_neg_zero", "43475246020000000100000000000000040000000400000000000080",
     b_f32_neg_zero},
    {"valid/f32_nan_bits_7fc00000", "4347524602000000010000000000000004000000040000000000c07f",
     b_f32_nan},
    {"valid/f64_pi", "434752460200000001000000000000000500000008000000182d4454fb210940",
     b_f64_pi},
    {"valid/f64_inf", "434752460200000001000000000000000500000008000000000000000000f07f",
     b_f64_inf},
    {"valid/f64_neg_inf", "434752460200000001000000000000000500000008000000000000000000f0ff",
     b_f64_neg_inf},
    {"valid/f64_snan_bits_7ff0000000000001",
     "434752460200000001000000000000000500000008000000010000000000f07f", b_f64_snan},
    {"valid/f64_min_subnormal", "4347524602000000010000000000000005000000080000000100000000000000",
     b_f64_min_subnormal},
    {"valid/char_nul", "43475246020000000100000000000000120000000400000000000000", b_char_nul},
    {"valid/char_e_acute_U+E9", "434752460200000001000000000000001200000004000000e9000000",
     b_char_e_acute},
    {"valid/char_max_U+10FFFF", "434752460200000001000000000000001200000004000000ffff1000",
     b_char_max},
    {"valid/string_empty", "43475246020000000100000000000000060000000400000000000000",
     b_string_empty},
    {"valid/string_with_nul", "43475246020000000100000000000000060000000700000003000000610062",
     b_string_with_nul},
    {"valid/string_unicode",
     "4347524602000000010000000000000006000000160000001200000068c3a96c6c6f20e4b896e7958c20f09f8c8d",
     b_string_unicode},
    {"valid/flags_0b1011", "4347524602000000010000000000000013000000080000000b00000000000000",
     b_flags_0b1011},
    {"valid/flags_max", "434752460200000001000000000000001300000008000000ffffffffffffffff",
     b_flags_max},
    {"valid/tuple_s32_string",
     "43475246020000000300000002000000020000000400000007000000060000000500000001000000780b000000"
     "0c000000020000000000000001000000",
     b_tuple_s32_string},
    {"valid/tuple_nested",
     "434752460200000004000000030000000100000001000000010b0000000800000001000000000000000b000000"
     "04000000000000000b0000000c000000020000000100000002000000",
     b_tuple_nested},
    {"valid/list_s32_empty_array", "4347524602000000010000000000000015000000050000000200000000",
     b_list_s32_empty},
    {"valid/list_u8_bytes_array",
     "4347524602000000010000000000000015000000090000000c04000000deadbeef", b_list_u8_bytes},
    {"valid/list_s8_array", "4347524602000000010000000000000015000000070000001002000000ff7f",
     b_list_s8},
    {"valid/list_u16_array", "4347524602000000010000000000000015000000090000000d020000000100ffff",
     b_list_u16},
    {"valid/list_u32_array", "4347524602000000010000000000000015000000090000000e0100000004030201",
     b_list_u32},
    {"valid/list_u64_array",
     "4347524602000000010000000000000015000000150000000f020000000100000000000000ffffffffffffffff",
     b_list_u64},
    {"valid/list_f32_array",
     "43475246020000000100000000000000150000000d00000004020000000000003f000000c0", b_list_f32},
    {"valid/list_f64_array",
     "4347524602000000010000000000000015000000150000000502000000000000000000f03f000000000000f0ff",
     b_list_f64},
    {"valid/list_flags_array",
     "43475246020000000100000000000000150000000d00000013010000000500000000000000", b_list_flags},
    {"valid/list_string_a_b",
     "434752460200000003000000020000000600000005000000010000006106000000050000000100000062070000"
     "000d00000006020000000000000001000000",
     b_list_string_a_b},
    {"valid/list_of_list_s32",
     "43475246020000000300000002000000150000000900000002010000000100000015000000050000000200000000"
     "070000000e0000000702020000000000000001000000",
     b_list_of_list_s32},
    {"valid/list_of_tuple_type",
     "434752460200000004000000030000000600000005000000010000006b0c00000001000000010b0000000c0000"
     "00020000000000000001000000070000000f0000000b02000000060c0100000002000000",
     b_list_of_tuple_type},
    {"valid/option_none_s32", "434752460200000001000000000000000a000000020000000200",
     b_option_none_s32},
    {"valid/option_some_s32_7",
     "434752460200000002000000010000000200000004000000070000000a00000006000000020100000000",
     b_option_some_s32_7},
    {"valid/option_none_list_string", "434752460200000001000000000000000a00000003000000070600",
     b_option_none_list_string},
    {"valid/option_some_some_u8",
     "434752460200000003000000020000000c00000001000000010a000000060000000c01000000000a0000000700"
     "00000a0c0101000000",
     b_option_some_some_u8},
    {"valid/result_ok_s32_err_string",
     "43475246020000000200000001000000020000000400000001000000140000000b0000000206000000000100000000",
     b_result_ok_s32_err_string},
    {"valid/result_err_string",
     "43475246020000000200000001000000060000000700000003000000626164140000000b00000002060100000001"
     "00000000",
     b_result_err_string},
    {"valid/record_point_x1_y2",
     "43475246020000000300000002000000020000000400000001000000020000000400000002000000090000001f00"
     "000005000000706f696e7402000000010000007801000000790000000001000000",
     b_record_point},
    {"valid/record_empty",
     "43475246020000000100000000000000090000000d00000005000000656d70747900000000", b_record_empty},
    {"valid/variant_unit_case",
     "43475246020000000100000000000000080000001800000005000000636f6c6f72030000007265640000000000"
     "000000",
     b_variant_unit_case},
    {"valid/variant_enum_like_tag2",
     "43475246020000000100000000000000080000001900000005000000636f6c6f7204000000626c756502000000"
     "00000000",
     b_variant_enum_like_tag2},
    {"valid/variant_two_payloads",
     "434752460200000003000000020000000200000004000000010000000600000005000000010000007a08000000"
     "1f000000030000006d7367040000007061697203000000020000000000000001000000",
     b_variant_two_payloads},
    {"valid/variant_nested",
     "434752460200000003000000020000000c0000000100000009080000001d00000005000000696e6e657204000000"
     "6c656166010000000100000000000000080000001d000000050000006f75746572040000007772617000000000"
     "0100000001000000",
     b_variant_nested},
    {"valid/sexpr_num_42",
     "4347524602000000020000000100000003000000080000002a00000000000000080000001b000000040000006578"
     "7072030000006e756d010000000100000000000000",
     b_sexpr_num_42},
    {"valid/from_result_ok_i64_err_defaults_string",
     "4347524602000000020000000100000003000000080000000300000000000000140000000b00000003060000000001"
     "00000000",
     b_from_result_ok_i64},
    {"valid/from_result_err_str_ok_defaults_s32",
     "4347524602000000020000000100000006000000050000000100000065140000000b0000000206010000000100000000",
     b_from_result_err_str},
    {"valid/variant_tag_u32_max",
     "43475246020000000100000000000000080000001200000001000000740100000063ffffffff00000000",
     b_variant_tag_u32_max},
    {"valid/sexpr_list_plus_1_times_2_3", SEXPR_PLUS_HEX, b_sexpr_plus},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static void test_version_and_result_names(void) {
  static const char *const names[] = {
      "PACKR_RESULT_OK",         "PACKR_RESULT_INVALID_ARGUMENT", "PACKR_RESULT_NOT_FOUND",
      "PACKR_RESULT_COMPILE",    "PACKR_RESULT_LINK",             "PACKR_RESULT_TRAP",
      "PACKR_RESULT_GUEST",      "PACKR_RESULT_HOST",             "PACKR_RESULT_DECODE",
      "PACKR_RESULT_ENCODE",     "PACKR_RESULT_LIMIT",            "PACKR_RESULT_INTERRUPTED",
      "PACKR_RESULT_IO",         "PACKR_RESULT_PANIC",
  };
  static const uint32_t codes[] = {
      PACKR_RESULT_OK,      PACKR_RESULT_INVALID_ARGUMENT, PACKR_RESULT_NOT_FOUND,
      PACKR_RESULT_COMPILE, PACKR_RESULT_LINK,             PACKR_RESULT_TRAP,
      PACKR_RESULT_GUEST,   PACKR_RESULT_HOST,             PACKR_RESULT_DECODE,
      PACKR_RESULT_ENCODE,  PACKR_RESULT_LIMIT,            PACKR_RESULT_INTERRUPTED,
      PACKR_RESULT_IO,      PACKR_RESULT_PANIC,
  };
  size_t i;
  char buf[32];

  /* Stable numbering, as documented. */
  for (i = 0; i < COUNT(codes); i++) CHECK(codes[i] == (uint32_t)i);
  for (i = 0; i < COUNT(names); i++) {
    const char *n = packr_result_name((uint32_t)i);
    if (!CHECK(n != NULL && strcmp(n, names[i]) == 0)) fprintf(stderr, "    code %zu\n", i);
  }
  CHECK(strcmp(packr_result_name(14), "PACKR_RESULT_PENDING") == 0);
  CHECK(strcmp(packr_result_name(15), "PACKR_RESULT_UNKNOWN") == 0);
  CHECK(strcmp(packr_result_name(1000), "PACKR_RESULT_UNKNOWN") == 0);
  CHECK(strcmp(packr_result_name(UINT32_MAX), "PACKR_RESULT_UNKNOWN") == 0);
  /* packr_kind_name: the text form's spelling of every kind. */
  {
    static const char *const kinds[] = {"none", "bool", "u8", "u16", "u32", "u64", "s8", "s16",
                                        "s32", "s64", "f32", "f64", "char", "string", "list",
                                        "option", "result", "record", "variant", "tuple", "flags",
                                        "map", "set"};
    unsigned k;
    for (k = 0; k <= 22; k++) CHECK(strcmp(packr_kind_name(k), kinds[k]) == 0);
    CHECK(strcmp(packr_kind_name(23), "none") == 0);
    CHECK(strcmp(packr_kind_name(UINT32_MAX), "none") == 0);
  }
  /* Static: the same pointer twice. */
  CHECK(packr_result_name(PACKR_RESULT_LINK) == packr_result_name(PACKR_RESULT_LINK));

  CHECK(packr_version() != NULL);
  CHECK(strcmp(packr_version(), PACKR_VERSION_STRING) == 0);
  snprintf(buf, sizeof buf, "%d.%d.%d", PACKR_VERSION_MAJOR, PACKR_VERSION_MINOR,
           PACKR_VERSION_PATCH);
  CHECK(strcmp(packr_version(), buf) == 0);
  CHECK(PACKR_VERSION_NUMBER ==
        ((PACKR_VERSION_MAJOR << 16) | (PACKR_VERSION_MINOR << 8) | PACKR_VERSION_PATCH));
#if PACKR_VERSION_NUMBER < 0x000100
#error "PACKR_VERSION_NUMBER must be usable in #if"
#endif

  /* Kind numbering, as documented. */
  CHECK(PACKR_KIND_NONE == 0 && PACKR_KIND_BOOL == 1 && PACKR_KIND_STRING == 13 &&
        PACKR_KIND_FLAGS == 20);
}

static void test_bytes_and_error_null(void) {
  CHECK(packr_bytes_data(NULL) == NULL);
  CHECK(packr_bytes_len(NULL) == 0);
  packr_bytes_free(NULL);
  CHECK_RC(packr_error_code(NULL), INVALID);
  CHECK(packr_error_message(NULL) != NULL && packr_error_message(NULL)[0] == '\0');
  packr_error_free(NULL);
  packr_value_free(NULL);
  packr_type_free(NULL);

  /* An empty packr_bytes: data points at the NUL. */
  {
    packr_value *v = packr_value_tuple_new();
    packr_bytes *t = NULL;
    packr_bytes *b = encode(v);
    CHECK(b != NULL && packr_bytes_len(b) > 0 && packr_bytes_data(b) != NULL);
    CHECK(b != NULL && packr_bytes_data(b)[packr_bytes_len(b)] == 0);
    CHECK_RC(packr_type_to_text(packr_value_elem_type(v), &t), INVALID); /* tuple has no elem */
    packr_bytes_free(b);
    packr_value_free(v);
  }
}

/* Every scalar constructor and accessor, with extremes, plus encode/decode round trips. */
static void test_scalars(void) {
  packr_value *v;
  packr_value *d;

  {
    bool x = false;
    v = packr_value_bool(true);
    CHECK(v != NULL && packr_value_kind(v) == PACKR_KIND_BOOL);
    CHECK_RC(packr_value_as_bool(v, &x), OK);
    CHECK(x == true);
    CHECK(roundtrips(v));
    packr_value_free(v);
    v = packr_value_bool(false);
    x = true;
    CHECK_RC(packr_value_as_bool(v, &x), OK);
    CHECK(x == false);
    CHECK(roundtrips(v));
    packr_value_free(v);
  }
  {
    static const uint8_t vals[] = {0, 1, 127, 128, UINT8_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      uint8_t x = (uint8_t)~vals[i];
      v = packr_value_u8(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_U8);
      CHECK_RC(packr_value_as_u8(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const uint16_t vals[] = {0, 1, 0x1234, UINT16_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      uint16_t x = (uint16_t)~vals[i];
      v = packr_value_u16(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_U16);
      CHECK_RC(packr_value_as_u16(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const uint32_t vals[] = {0, 1, 0xdeadbeefu, UINT32_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      uint32_t x = ~vals[i];
      v = packr_value_u32(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_U32);
      CHECK_RC(packr_value_as_u32(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const uint64_t vals[] = {0, 1, UINT64_C(0x8000000000000000), UINT64_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      uint64_t x = ~vals[i];
      v = packr_value_u64(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_U64);
      CHECK_RC(packr_value_as_u64(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const int8_t vals[] = {INT8_MIN, -1, 0, 1, INT8_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      int8_t x = (int8_t)(vals[i] ^ 0x55);
      v = packr_value_s8(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_S8);
      CHECK_RC(packr_value_as_s8(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const int16_t vals[] = {INT16_MIN, -2, 0, 1, INT16_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      int16_t x = (int16_t)(vals[i] ^ 0x5555);
      v = packr_value_s16(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_S16);
      CHECK_RC(packr_value_as_s16(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const int32_t vals[] = {INT32_MIN, -1, 0, 1, INT32_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      int32_t x = vals[i] ^ 0x55555555;
      v = packr_value_s32(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_S32);
      CHECK_RC(packr_value_as_s32(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const int64_t vals[] = {INT64_MIN, -1, 0, 1, INT64_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      int64_t x = vals[i] ^ INT64_C(0x5555555555555555);
      v = packr_value_s64(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_S64);
      CHECK_RC(packr_value_as_s64(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    /* f32: min/max finite, smallest subnormal, infinities, zeros. */
    static const uint32_t bits[] = {0x00000000u, 0x80000000u, 0x3fc00000u, 0x7f7fffffu,
                                    0xff7fffffu, 0x00800000u, 0x00000001u, 0x7f800000u,
                                    0xff800000u};
    size_t i;
    for (i = 0; i < COUNT(bits); i++) {
      float x = 12345.0f;
      v = packr_value_f32(f32_from_bits(bits[i]));
      CHECK(packr_value_kind(v) == PACKR_KIND_F32);
      CHECK_RC(packr_value_as_f32(v, &x), OK);
      CHECK(f32_bits(x) == bits[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const uint64_t bits[] = {
        UINT64_C(0),
        UINT64_C(0x8000000000000000),
        UINT64_C(0x400921fb54442d18),
        UINT64_C(0x7fefffffffffffff),
        UINT64_C(0xffefffffffffffff),
        UINT64_C(0x0010000000000000),
        UINT64_C(1),
        UINT64_C(0x7ff0000000000000),
        UINT64_C(0xfff0000000000000),
    };
    size_t i;
    for (i = 0; i < COUNT(bits); i++) {
      double x = 12345.0;
      v = packr_value_f64(f64_from_bits(bits[i]));
      CHECK(packr_value_kind(v) == PACKR_KIND_F64);
      CHECK_RC(packr_value_as_f64(v, &x), OK);
      CHECK(f64_bits(x) == bits[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  {
    static const uint64_t vals[] = {0, 1, 11, UINT64_C(0x8000000000000001), UINT64_MAX};
    size_t i;
    for (i = 0; i < COUNT(vals); i++) {
      uint64_t x = ~vals[i];
      v = packr_value_flags(vals[i]);
      CHECK(packr_value_kind(v) == PACKR_KIND_FLAGS);
      CHECK_RC(packr_value_as_flags(v, &x), OK);
      CHECK(x == vals[i]);
      CHECK(roundtrips(v));
      packr_value_free(v);
    }
  }
  /* The same integer in different kinds are different values. */
  {
    packr_value *a = packr_value_s32(1);
    packr_value *b = packr_value_s64(1);
    packr_value *c = packr_value_u32(1);
    packr_value *a2 = packr_value_s32(1);
    CHECK(!packr_value_equal(a, b));
    CHECK(!packr_value_equal(a, c));
    CHECK(packr_value_equal(a, a2));
    CHECK(packr_value_equal(a, a));
    packr_value_free(a);
    packr_value_free(b);
    packr_value_free(c);
    packr_value_free(a2);
  }
  /* Decoded scalars read back through the accessors. */
  d = decode_hex("4347524602000000010000000000000003000000080000000000000000000080");
  {
    int64_t x = 0;
    CHECK(d != NULL);
    CHECK_RC(packr_value_as_s64(d, &x), OK);
    CHECK(x == INT64_MIN);
  }
  packr_value_free(d);
}

/* Floats: NaN payloads survive encode/decode/clone; equality is by bits. */
static void test_floats(void) {
  static const uint32_t nan32[] = {0x7fc00000u, 0x7f800001u, 0xffc12345u, 0x7fbfffffu,
                                   0xff800001u};
  static const uint64_t nan64[] = {UINT64_C(0x7ff8000000000000), UINT64_C(0x7ff0000000000001),
                                   UINT64_C(0xfff8dead0000beef), UINT64_C(0x7ff7ffffffffffff),
                                   UINT64_C(0xffffffffffffffff)};
  size_t i;
  for (i = 0; i < COUNT(nan32); i++) {
    packr_value *v = packr_value_f32(f32_from_bits(nan32[i]));
    packr_value *c = packr_value_clone(v);
    packr_bytes *b = encode(v);
    packr_value *d = b ? decode_buf(packr_bytes_data(b), packr_bytes_len(b)) : NULL;
    float x = 0.0f;
    CHECK(b != NULL && packr_bytes_len(b) == 28);
    /* The payload (last 4 bytes, little-endian) is the exact bit pattern. */
    if (b != NULL && packr_bytes_len(b) == 28) {
      const uint8_t *p = packr_bytes_data(b) + 24;
      uint32_t got = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
                     ((uint32_t)p[3] << 24);
      CHECK(got == nan32[i]);
    }
    CHECK_RC(packr_value_as_f32(d, &x), OK);
    CHECK(f32_bits(x) == nan32[i]);
    CHECK(packr_value_equal(v, d));
    CHECK(packr_value_equal(v, c));
    CHECK(roundtrips(v));
    packr_bytes_free(b);
    packr_value_free(d);
    packr_value_free(c);
    packr_value_free(v);
  }
  for (i = 0; i < COUNT(nan64); i++) {
    packr_value *v = packr_value_f64(f64_from_bits(nan64[i]));
    packr_value *c = packr_value_clone(v);
    packr_bytes *b = encode(v);
    packr_value *d = b ? decode_buf(packr_bytes_data(b), packr_bytes_len(b)) : NULL;
    double x = 0.0;
    CHECK(b != NULL && packr_bytes_len(b) == 32);
    if (b != NULL && packr_bytes_len(b) == 32) {
      const uint8_t *p = packr_bytes_data(b) + 24;
      uint64_t got = 0;
      int k;
      for (k = 7; k >= 0; k--) got = (got << 8) | p[k];
      CHECK(got == nan64[i]);
    }
    CHECK_RC(packr_value_as_f64(d, &x), OK);
    CHECK(f64_bits(x) == nan64[i]);
    CHECK(packr_value_equal(v, d));
    CHECK(packr_value_equal(v, c));
    CHECK(roundtrips(v));
    packr_bytes_free(b);
    packr_value_free(d);
    packr_value_free(c);
    packr_value_free(v);
  }
  /* Different NaN payloads differ; 0.0 differs from -0.0. */
  {
    packr_value *a = packr_value_f32(f32_from_bits(0x7fc00000u));
    packr_value *b = packr_value_f32(f32_from_bits(0x7fc00001u));
    packr_value *pz = packr_value_f32(0.0f);
    packr_value *nz = packr_value_f32(f32_from_bits(0x80000000u));
    packr_value *dpz = packr_value_f64(0.0);
    packr_value *dnz = packr_value_f64(f64_from_bits(UINT64_C(0x8000000000000000)));
    double x = 1.0;
    CHECK(!packr_value_equal(a, b));
    CHECK(!packr_value_equal(pz, nz));
    CHECK(!packr_value_equal(dpz, dnz));
    CHECK(!packr_value_equal(pz, dpz));
    CHECK(roundtrips(nz));
    CHECK(roundtrips(dnz));
    CHECK_RC(packr_value_as_f64(dnz, &x), OK);
    CHECK(f64_bits(x) == UINT64_C(0x8000000000000000));
    packr_value_free(a);
    packr_value_free(b);
    packr_value_free(pz);
    packr_value_free(nz);
    packr_value_free(dpz);
    packr_value_free(dnz);
  }
  /* NaN inside containers survives too. */
  {
    packr_value *l = list_of(packr_type_f64(), 2, packr_value_f64(f64_from_bits(nan64[1])),
                             packr_value_f64(f64_from_bits(nan64[2])));
    packr_value *t = tuple_of(1, packr_value_f32(f32_from_bits(nan32[1])));
    CHECK(roundtrips(l));
    CHECK(roundtrips(t));
    packr_value_free(l);
    packr_value_free(t);
  }
}

static void test_char(void) {
  static const uint32_t good[] = {0, 0x41, 0x7f, 0xe9, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000,
                                  0x1f30d, 0x10ffff};
  static const uint32_t bad[] = {0xd800, 0xdbff, 0xdc00, 0xdfff, 0x110000, 0x7fffffff, UINT32_MAX};
  size_t i;
  for (i = 0; i < COUNT(good); i++) {
    packr_value *v = NULL;
    uint32_t x = 0xaaaaaaaau;
    CHECK_RC(packr_value_char(good[i], &v), OK);
    CHECK(packr_value_kind(v) == PACKR_KIND_CHAR);
    CHECK_RC(packr_value_as_char(v, &x), OK);
    CHECK(x == good[i]);
    CHECK(roundtrips(v));
    packr_value_free(v);
  }
  for (i = 0; i < COUNT(bad); i++) {
    packr_value *v = SENT_VALUE;
    if (!CHECK_RC(packr_value_char(bad[i], &v), INVALID))
      fprintf(stderr, "    scalar 0x%x\n", (unsigned)bad[i]);
    CHECK(v == SENT_VALUE);
  }
  CHECK_RC(packr_value_char(0x41, NULL), INVALID);
}

static void test_string(void) {
  /* Embedded NUL: the view has all 5 bytes. */
  {
    static const char data[] = {'a', '\0', 'b', '\0', 'c'};
    packr_value *v = NULL;
    const char *p = NULL;
    size_t n = 0;
    CHECK_RC(packr_value_string(data, sizeof data, &v), OK);
    CHECK(packr_value_kind(v) == PACKR_KIND_STRING);
    CHECK_RC(packr_value_as_string(v, &p, &n), OK);
    CHECK(n == 5 && p != NULL && memcmp(p, data, 5) == 0);
    /* The value holds a copy, not the caller's pointer. */
    CHECK(p != data);
    CHECK(packr_value_len(v) == 0);
    CHECK(roundtrips(v));
    {
      packr_value *c = packr_value_clone(v);
      const char *cp = NULL;
      size_t cn = 0;
      CHECK_RC(packr_value_as_string(c, &cp, &cn), OK);
      CHECK(cn == 5 && memcmp(cp, data, 5) == 0);
      packr_value_free(c);
    }
    packr_value_free(v);
  }
  /* Empty string, with and without a pointer. */
  {
    packr_value *a = NULL;
    packr_value *b = NULL;
    const char *p = NULL;
    size_t n = 99;
    CHECK_RC(packr_value_string(NULL, 0, &a), OK);
    CHECK_RC(packr_value_string("xyz", 0, &b), OK);
    CHECK(packr_value_equal(a, b));
    CHECK_RC(packr_value_as_string(a, &p, &n), OK);
    CHECK(n == 0 && p != NULL);
    CHECK(roundtrips(a));
    packr_value_free(a);
    packr_value_free(b);
  }
  /* Multi-byte UTF-8 (2, 3 and 4 byte sequences) and a string read back after decode. */
  {
    const char *s = "h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x8c\x8d";
    packr_value *v = str(s);
    packr_bytes *b = encode(v);
    packr_value *d = b ? decode_buf(packr_bytes_data(b), packr_bytes_len(b)) : NULL;
    const char *p = NULL;
    size_t n = 0;
    CHECK_RC(packr_value_as_string(d, &p, &n), OK);
    CHECK(view_is(p, n, s));
    packr_bytes_free(b);
    packr_value_free(d);
    packr_value_free(v);
  }
  /* Invalid UTF-8 is rejected and *value_out is untouched. */
  {
    static const char *const bad[] = {
        "\xff",             /* never valid */
        "abc\x80",          /* lone continuation */
        "\xc3",             /* truncated 2-byte */
        "\xe4\xb8",         /* truncated 3-byte */
        "\xc0\xaf",         /* overlong '/' */
        "\xed\xa0\x80",     /* UTF-8 encoded surrogate U+D800 */
        "\xf4\x90\x80\x80", /* U+110000 */
        "ok\xf0\x9f\x8c",   /* truncated 4-byte at the end */
    };
    size_t i;
    for (i = 0; i < COUNT(bad); i++) {
      packr_value *v = SENT_VALUE;
      if (!CHECK_RC(packr_value_string(bad[i], strlen(bad[i]), &v), INVALID))
        fprintf(stderr, "    bad string #%zu\n", i);
      CHECK(v == SENT_VALUE);
    }
    /* Invalid bytes after a NUL are still inside the string. */
    {
      static const char data[] = {'a', '\0', '\xff'};
      packr_value *v = SENT_VALUE;
      CHECK_RC(packr_value_string(data, sizeof data, &v), INVALID);
      CHECK(v == SENT_VALUE);
    }
  }
  /* NULL data with a length, NULL out. */
  {
    packr_value *v = SENT_VALUE;
    CHECK_RC(packr_value_string(NULL, 3, &v), INVALID);
    CHECK(v == SENT_VALUE);
    CHECK_RC(packr_value_string("abc", 3, NULL), INVALID);
  }
}

/* One value of each of the 20 kinds (caller frees each). */
static void make_all_kinds(packr_value *out[20]) {
  out[0] = packr_value_bool(false); /* the bool accessor's sentinel is true */
  out[1] = packr_value_u8(1);
  out[2] = packr_value_u16(1);
  out[3] = packr_value_u32(1);
  out[4] = packr_value_u64(1);
  out[5] = packr_value_s8(1);
  out[6] = packr_value_s16(1);
  out[7] = packr_value_s32(1);
  out[8] = packr_value_s64(1);
  out[9] = packr_value_f32(1.0f);
  out[10] = packr_value_f64(1.0);
  out[11] = chr('a');
  out[12] = str("s");
  out[13] = list_of(packr_type_s32(), 1, packr_value_s32(1));
  out[14] = some(packr_type_s32(), packr_value_s32(1));
  out[15] = ok_of(packr_type_s32(), packr_type_string(), packr_value_s32(1));
  out[16] = record_of("r", 1, "f", packr_value_s32(1));
  out[17] = variant_of("v", "c", 0, 1, packr_value_s32(1));
  out[18] = tuple_of(1, packr_value_s32(1));
  out[19] = packr_value_flags(1);
}

/* Calls scalar accessor `which` on v with sentinel outputs. Returns the result; *untouched is
   set to whether the outputs still hold the sentinels. `which` indexes k_accessor_kinds. */
static const uint32_t k_accessor_kinds[] = {
    PACKR_KIND_BOOL, PACKR_KIND_U8,  PACKR_KIND_U16,  PACKR_KIND_U32,  PACKR_KIND_U64,
    PACKR_KIND_S8,   PACKR_KIND_S16, PACKR_KIND_S32,  PACKR_KIND_S64,  PACKR_KIND_F32,
    PACKR_KIND_F64,  PACKR_KIND_CHAR, PACKR_KIND_STRING, PACKR_KIND_FLAGS,
};

static uint32_t call_accessor(int which, const packr_value *v, int null_out, int *untouched) {
  uint32_t rc = 0;
  *untouched = 1;
  switch (which) {
    case 0: {
      bool o = true;
      rc = (uint32_t)packr_value_as_bool(v, null_out ? NULL : &o);
      *untouched = o == true;
      break;
    }
    case 1: {
      uint8_t o = 0xa5;
      rc = (uint32_t)packr_value_as_u8(v, null_out ? NULL : &o);
      *untouched = o == 0xa5;
      break;
    }
    case 2: {
      uint16_t o = 0xa5a5;
      rc = (uint32_t)packr_value_as_u16(v, null_out ? NULL : &o);
      *untouched = o == 0xa5a5;
      break;
    }
    case 3: {
      uint32_t o = 0xa5a5a5a5u;
      rc = (uint32_t)packr_value_as_u32(v, null_out ? NULL : &o);
      *untouched = o == 0xa5a5a5a5u;
      break;
    }
    case 4: {
      uint64_t o = UINT64_C(0xa5a5a5a5a5a5a5a5);
      rc = (uint32_t)packr_value_as_u64(v, null_out ? NULL : &o);
      *untouched = o == UINT64_C(0xa5a5a5a5a5a5a5a5);
      break;
    }
    case 5: {
      int8_t o = -91;
      rc = (uint32_t)packr_value_as_s8(v, null_out ? NULL : &o);
      *untouched = o == -91;
      break;
    }
    case 6: {
      int16_t o = -23131;
      rc = (uint32_t)packr_value_as_s16(v, null_out ? NULL : &o);
      *untouched = o == -23131;
      break;
    }
    case 7: {
      int32_t o = -1515870811;
      rc = (uint32_t)packr_value_as_s32(v, null_out ? NULL : &o);
      *untouched = o == -1515870811;
      break;
    }
    case 8: {
      int64_t o = INT64_C(-6510615555426900571);
      rc = (uint32_t)packr_value_as_s64(v, null_out ? NULL : &o);
      *untouched = o == INT64_C(-6510615555426900571);
      break;
    }
    case 9: {
      float o = f32_from_bits(0xa5a5a5a5u);
      rc = (uint32_t)packr_value_as_f32(v, null_out ? NULL : &o);
      *untouched = f32_bits(o) == 0xa5a5a5a5u;
      break;
    }
    case 10: {
      double o = f64_from_bits(UINT64_C(0xa5a5a5a5a5a5a5a5));
      rc = (uint32_t)packr_value_as_f64(v, null_out ? NULL : &o);
      *untouched = f64_bits(o) == UINT64_C(0xa5a5a5a5a5a5a5a5);
      break;
    }
    case 11: {
      uint32_t o = 0xa5a5a5a5u;
      rc = (uint32_t)packr_value_as_char(v, null_out ? NULL : &o);
      *untouched = o == 0xa5a5a5a5u;
      break;
    }
    case 12: {
      const char *p = SENT_STR;
      size_t n = 777;
      if (null_out == 1) {
        rc = (uint32_t)packr_value_as_string(v, NULL, &n);
      } else if (null_out == 2) {
        rc = (uint32_t)packr_value_as_string(v, &p, NULL);
      } else {
        rc = (uint32_t)packr_value_as_string(v, &p, &n);
      }
      *untouched = p == SENT_STR && n == 777;
      break;
    }
    case 13: {
      uint64_t o = UINT64_C(0xa5a5a5a5a5a5a5a5);
      rc = (uint32_t)packr_value_as_flags(v, null_out ? NULL : &o);
      *untouched = o == UINT64_C(0xa5a5a5a5a5a5a5a5);
      break;
    }
    default:
      break;
  }
  return rc;
}

static void test_wrong_kind_accessors(void) {
  packr_value *all[20];
  int which, k, untouched = 0;
  make_all_kinds(all);
  for (k = 0; k < 20; k++) {
    CHECK(all[k] != NULL && packr_value_kind(all[k]) == (uint32_t)(k + 1));
  }
  for (which = 0; which < (int)COUNT(k_accessor_kinds); which++) {
    for (k = 0; k < 20; k++) {
      uint32_t rc = call_accessor(which, all[k], 0, &untouched);
      if (packr_value_kind(all[k]) == k_accessor_kinds[which]) {
        CHECK(rc == OK);
        CHECK(!untouched);
      } else {
        if (!CHECK(rc == INVALID && untouched))
          fprintf(stderr, "    accessor #%d on kind %d: rc %u\n", which, k + 1, (unsigned)rc);
      }
    }
    /* NULL value, and NULL out on the right kind. */
    CHECK(call_accessor(which, NULL, 0, &untouched) == INVALID && untouched);
    for (k = 0; k < 20; k++) {
      if (packr_value_kind(all[k]) == k_accessor_kinds[which]) {
        CHECK(call_accessor(which, all[k], 1, &untouched) == INVALID && untouched);
        if (which == 12) CHECK(call_accessor(which, all[k], 2, &untouched) == INVALID && untouched);
      }
    }
  }
  /* Container inspectors on the wrong kinds leave outputs untouched. */
  for (k = 0; k < 20; k++) {
    const char *p = SENT_STR;
    size_t n = 777;
    uint64_t tag = 4242;
    bool is_err = true;
    uint32_t kind = packr_value_kind(all[k]);
    if (kind != PACKR_KIND_RECORD && kind != PACKR_KIND_VARIANT) {
      CHECK_RC(packr_value_type_name(all[k], &p, &n), INVALID);
      CHECK(p == SENT_STR && n == 777);
    }
    if (kind != PACKR_KIND_VARIANT) {
      CHECK_RC(packr_value_case_name(all[k], &p, &n), INVALID);
      CHECK_RC(packr_value_tag(all[k], &tag), INVALID);
      CHECK(p == SENT_STR && n == 777 && tag == 4242);
    }
    if (kind != PACKR_KIND_RECORD) {
      CHECK_RC(packr_value_field_name(all[k], 0, &p, &n), INVALID);
      CHECK(p == SENT_STR && n == 777);
    }
    if (kind != PACKR_KIND_RESULT) {
      CHECK_RC(packr_value_is_err(all[k], &is_err), INVALID);
      CHECK(is_err == true);
      CHECK(packr_value_ok_type(all[k]) == NULL);
      CHECK(packr_value_err_type(all[k]) == NULL);
    }
    if (kind != PACKR_KIND_LIST && kind != PACKR_KIND_OPTION) {
      CHECK(packr_value_elem_type(all[k]) == NULL);
    }
    /* len / get: containers have one child here, scalars none. */
    if (kind >= PACKR_KIND_LIST && kind <= PACKR_KIND_TUPLE) {
      CHECK(packr_value_len(all[k]) == 1);
      CHECK(packr_value_get(all[k], 0) != NULL);
      CHECK(packr_value_kind(packr_value_get(all[k], 0)) == PACKR_KIND_S32);
    } else {
      CHECK(packr_value_len(all[k]) == 0);
      CHECK(packr_value_get(all[k], 0) == NULL);
    }
    CHECK(packr_value_get(all[k], 1) == NULL);
    CHECK(packr_value_get(all[k], (size_t)-1) == NULL);
    /* Every kind round-trips and clones. */
    CHECK(roundtrips(all[k]));
    {
      packr_value *c = packr_value_clone(all[k]);
      CHECK(c != NULL && c != all[k] && packr_value_equal(c, all[k]));
      packr_value_free(c);
    }
    /* Each kind differs from every other kind. */
    {
      int j;
      int distinct = 1;
      for (j = 0; j < 20; j++)
        if (j != k && packr_value_equal(all[k], all[j])) distinct = 0;
      CHECK(distinct);
    }
  }
  for (k = 0; k < 20; k++) packr_value_free(all[k]);
}

/* Type descriptors: every constructor and accessor. */
static void test_types(void) {
  packr_type *prims[14];
  static const uint32_t prim_kinds[14] = {
      PACKR_KIND_BOOL, PACKR_KIND_U8,  PACKR_KIND_U16,  PACKR_KIND_U32,  PACKR_KIND_U64,
      PACKR_KIND_S8,   PACKR_KIND_S16, PACKR_KIND_S32,  PACKR_KIND_S64,  PACKR_KIND_F32,
      PACKR_KIND_F64,  PACKR_KIND_CHAR, PACKR_KIND_STRING, PACKR_KIND_FLAGS,
  };
  int i, j;
  prims[0] = packr_type_bool();
  prims[1] = packr_type_u8();
  prims[2] = packr_type_u16();
  prims[3] = packr_type_u32();
  prims[4] = packr_type_u64();
  prims[5] = packr_type_s8();
  prims[6] = packr_type_s16();
  prims[7] = packr_type_s32();
  prims[8] = packr_type_s64();
  prims[9] = packr_type_f32();
  prims[10] = packr_type_f64();
  prims[11] = packr_type_char();
  prims[12] = packr_type_string();
  prims[13] = packr_type_flags();
  for (i = 0; i < 14; i++) {
    packr_type *g = SENT_TYPE;
    const char *p = SENT_STR;
    size_t n = 777;
    CHECK(prims[i] != NULL);
    CHECK(packr_type_kind(prims[i]) == prim_kinds[i]);
    CHECK(packr_type_len(prims[i]) == 0);
    CHECK_RC(packr_type_get(prims[i], 0, &g), PACKR_RESULT_NOT_FOUND);
    CHECK(g == SENT_TYPE);
    CHECK_RC(packr_type_name(prims[i], &p, &n), INVALID);
    CHECK(p == SENT_STR && n == 777);
    for (j = 0; j < 14; j++) CHECK(packr_type_equal(prims[i], prims[j]) == (i == j));
    {
      packr_type *c = packr_type_clone(prims[i]);
      CHECK(c != NULL && c != prims[i] && packr_type_equal(c, prims[i]));
      packr_type_free(c);
    }
    {
      packr_bytes *t = NULL;
      CHECK_RC(packr_type_to_text(prims[i], &t), OK);
      CHECK(t != NULL && packr_bytes_len(t) > 0 && packr_bytes_data(t)[packr_bytes_len(t)] == 0);
      packr_bytes_free(t);
    }
  }
  for (i = 0; i < 14; i++) packr_type_free(prims[i]);

  /* list<option<s32>> */
  {
    packr_type *t = t_list(t_option(packr_type_s32()));
    packr_type *inner = NULL;
    packr_type *innermost = NULL;
    packr_type *g = SENT_TYPE;
    CHECK(packr_type_kind(t) == PACKR_KIND_LIST);
    CHECK(packr_type_len(t) == 1);
    CHECK_RC(packr_type_get(t, 0, &inner), OK);
    CHECK(packr_type_kind(inner) == PACKR_KIND_OPTION && packr_type_len(inner) == 1);
    CHECK_RC(packr_type_get(inner, 0, &innermost), OK);
    CHECK(packr_type_kind(innermost) == PACKR_KIND_S32);
    CHECK_RC(packr_type_get(t, 1, &g), PACKR_RESULT_NOT_FOUND);
    CHECK(g == SENT_TYPE);
    /* type_get returns an owned copy: it survives its parent. */
    packr_type_free(t);
    CHECK(packr_type_kind(inner) == PACKR_KIND_OPTION);
    packr_type_free(inner);
    packr_type_free(innermost);
  }
  /* result<s32, string> */
  {
    packr_type *t = t_result(packr_type_s32(), packr_type_string());
    packr_type *ok = NULL;
    packr_type *err = NULL;
    packr_type *g = SENT_TYPE;
    CHECK(packr_type_kind(t) == PACKR_KIND_RESULT && packr_type_len(t) == 2);
    CHECK_RC(packr_type_get(t, 0, &ok), OK);
    CHECK_RC(packr_type_get(t, 1, &err), OK);
    CHECK(packr_type_kind(ok) == PACKR_KIND_S32 && packr_type_kind(err) == PACKR_KIND_STRING);
    CHECK_RC(packr_type_get(t, 2, &g), PACKR_RESULT_NOT_FOUND);
    CHECK(g == SENT_TYPE);
    packr_type_free(ok);
    packr_type_free(err);
    packr_type_free(t);
  }
  /* tuples, including the unit tuple with a NULL array */
  {
    packr_type *unit = NULL;
    packr_type *unit2 = NULL;
    packr_type *items[3];
    packr_type *t3 = NULL;
    packr_type *g = NULL;
    CHECK_RC(packr_type_tuple(NULL, 0, &unit), OK);
    CHECK(packr_type_kind(unit) == PACKR_KIND_TUPLE && packr_type_len(unit) == 0);
    items[0] = packr_type_u8();
    CHECK_RC(packr_type_tuple(items, 0, &unit2), OK); /* count 0: items[0] not consumed */
    packr_type_free(items[0]);
    CHECK(packr_type_equal(unit, unit2));
    items[0] = packr_type_string();
    items[1] = packr_type_u8();
    items[2] = t_record("point");
    CHECK_RC(packr_type_tuple(items, 3, &t3), OK);
    CHECK(packr_type_kind(t3) == PACKR_KIND_TUPLE && packr_type_len(t3) == 3);
    CHECK_RC(packr_type_get(t3, 2, &g), OK);
    CHECK(packr_type_kind(g) == PACKR_KIND_RECORD);
    {
      const char *p = NULL;
      size_t n = 0;
      CHECK_RC(packr_type_name(g, &p, &n), OK);
      CHECK(view_is(p, n, "point"));
    }
    CHECK(!packr_type_equal(unit, t3));
    packr_type_free(g);
    packr_type_free(t3);
    packr_type_free(unit);
    packr_type_free(unit2);
  }
  /* record<> and variant<> with the same name are different types. */
  {
    packr_type *r = t_record("expr");
    packr_type *v = t_variant("expr");
    packr_type *v2 = t_variant("expr");
    packr_type *v3 = t_variant("other");
    packr_type *e = t_record("");
    const char *p = NULL;
    size_t n = 99;
    CHECK(packr_type_kind(r) == PACKR_KIND_RECORD && packr_type_kind(v) == PACKR_KIND_VARIANT);
    CHECK(packr_type_len(r) == 0 && packr_type_len(v) == 0);
    CHECK(!packr_type_equal(r, v));
    CHECK(packr_type_equal(v, v2));
    CHECK(!packr_type_equal(v, v3));
    CHECK_RC(packr_type_name(v, &p, &n), OK);
    CHECK(view_is(p, n, "expr"));
    CHECK_RC(packr_type_name(e, &p, &n), OK);
    CHECK(n == 0);
    packr_type_free(r);
    packr_type_free(v);
    packr_type_free(v2);
    packr_type_free(v3);
    packr_type_free(e);
  }
  /* Structural equality of composite types. */
  {
    packr_type *a = t_list(t_result(packr_type_s32(), t_option(packr_type_string())));
    packr_type *b = t_list(t_result(packr_type_s32(), t_option(packr_type_string())));
    packr_type *c = t_list(t_result(packr_type_s32(), t_option(packr_type_char())));
    packr_type *d = packr_type_clone(a);
    CHECK(packr_type_equal(a, b));
    CHECK(!packr_type_equal(a, c));
    CHECK(packr_type_equal(a, d));
    CHECK(packr_type_equal(NULL, NULL));
    CHECK(!packr_type_equal(a, NULL));
    CHECK(!packr_type_equal(NULL, a));
    packr_type_free(a);
    packr_type_free(b);
    packr_type_free(c);
    packr_type_free(d);
  }
  /* Bad UTF-8 names. */
  {
    packr_type *t = SENT_TYPE;
    CHECK_RC(packr_type_record("a\xff", &t), INVALID);
    CHECK_RC(packr_type_variant("\xc3", &t), INVALID);
    CHECK(t == SENT_TYPE);
  }
}

/* Containers: build, inspect, encode, decode, compare. */
static void test_containers(void) {
  /* tuple */
  {
    packr_value *unit = packr_value_tuple_new();
    packr_value *t = tuple_of(3, packr_value_s32(7), str("x"), packr_value_tuple_new());
    const packr_value *c;
    int32_t x = 0;
    CHECK(packr_value_kind(unit) == PACKR_KIND_TUPLE && packr_value_len(unit) == 0);
    CHECK(packr_value_get(unit, 0) == NULL);
    CHECK(roundtrips(unit));
    CHECK(packr_value_len(t) == 3);
    c = packr_value_get(t, 0);
    CHECK_RC(packr_value_as_s32(c, &x), OK);
    CHECK(x == 7);
    CHECK(packr_value_kind(packr_value_get(t, 1)) == PACKR_KIND_STRING);
    CHECK(packr_value_kind(packr_value_get(t, 2)) == PACKR_KIND_TUPLE);
    CHECK(packr_value_get(t, 3) == NULL);
    /* A borrowed view is stable across calls and equal to a copy. */
    CHECK(packr_value_get(t, 0) == c);
    {
      packr_value *copy = packr_value_clone(c);
      CHECK(packr_value_equal(copy, c));
      packr_value_free(copy);
    }
    CHECK(roundtrips(t));
    /* Pushing into a child view (documented as allowed for a view the caller may modify). */
    CHECK_RC(packr_value_push((packr_value *)packr_value_get(t, 2), packr_value_bool(true)), OK);
    CHECK(packr_value_len(packr_value_get(t, 2)) == 1);
    CHECK(roundtrips(t));
    /* Item order matters. */
    {
      packr_value *a = tuple_of(2, packr_value_u8(1), packr_value_u8(2));
      packr_value *b = tuple_of(2, packr_value_u8(2), packr_value_u8(1));
      CHECK(!packr_value_equal(a, b));
      packr_value_free(a);
      packr_value_free(b);
    }
    packr_value_free(unit);
    packr_value_free(t);
  }
  /* list */
  {
    packr_value *l = list_of(packr_type_string(), 3, str("a"), str("bb"), str(""));
    const packr_type *et = packr_value_elem_type(l);
    const char *p = NULL;
    size_t n = 0;
    CHECK(packr_value_kind(l) == PACKR_KIND_LIST);
    CHECK(packr_value_len(l) == 3);
    CHECK(et != NULL && packr_type_kind(et) == PACKR_KIND_STRING);
    CHECK(packr_value_elem_type(l) == et); /* a stable borrowed view */
    CHECK_RC(packr_value_as_string(packr_value_get(l, 1), &p, &n), OK);
    CHECK(view_is(p, n, "bb"));
    CHECK(packr_value_ok_type(l) == NULL && packr_value_err_type(l) == NULL);
    CHECK(roundtrips(l));
    {
      /* The elem type view can be cloned into an owned type and reused. */
      packr_type *owned = packr_type_clone(et);
      packr_value *l2 = NULL;
      CHECK_RC(packr_value_list_new(owned, &l2), OK);
      CHECK(packr_type_equal(packr_value_elem_type(l2), et));
      CHECK(!packr_value_equal(l, l2));
      packr_value_free(l2);
    }
    packr_value_free(l);
  }
  /* Empty lists of different element types differ, and keep their type through encode. */
  {
    packr_value *a = list_of(packr_type_s32(), 0);
    packr_value *b = list_of(packr_type_string(), 0);
    packr_value *c = list_of(t_record("expr"), 0);
    packr_value *d = list_of(t_variant("expr"), 0);
    packr_value *e = list_of(t_list(t_option(packr_type_u8())), 0);
    CHECK(packr_value_len(a) == 0 && packr_value_get(a, 0) == NULL);
    CHECK(!packr_value_equal(a, b));
    CHECK(!packr_value_equal(c, d));
    CHECK(roundtrips(a));
    CHECK(roundtrips(b));
    CHECK(roundtrips(c));
    CHECK(roundtrips(d));
    CHECK(roundtrips(e));
    packr_value_free(a);
    packr_value_free(b);
    packr_value_free(c);
    packr_value_free(d);
    packr_value_free(e);
  }
  /* A non-fixed-width element type is advisory: list<string> holding an s32 encodes. */
  {
    packr_value *l = list_of(packr_type_string(), 2, packr_value_s32(1), str("x"));
    CHECK(roundtrips(l));
    packr_value_free(l);
  }
  /* record */
  {
    packr_value *r = record_of("point", 2, "x", packr_value_s32(1), "y", packr_value_s32(2));
    const char *p = NULL;
    size_t n = 0;
    int32_t x = 0;
    CHECK(packr_value_kind(r) == PACKR_KIND_RECORD && packr_value_len(r) == 2);
    CHECK_RC(packr_value_type_name(r, &p, &n), OK);
    CHECK(view_is(p, n, "point"));
    CHECK_RC(packr_value_field_name(r, 0, &p, &n), OK);
    CHECK(view_is(p, n, "x"));
    CHECK_RC(packr_value_field_name(r, 1, &p, &n), OK);
    CHECK(view_is(p, n, "y"));
    CHECK_RC(packr_value_as_s32(packr_value_get(r, 1), &x), OK);
    CHECK(x == 2);
    p = SENT_STR;
    n = 777;
    CHECK_RC(packr_value_field_name(r, 2, &p, &n), PACKR_RESULT_NOT_FOUND);
    CHECK(p == SENT_STR && n == 777);
    CHECK_RC(packr_value_case_name(r, &p, &n), INVALID);
    CHECK(roundtrips(r));
    /* Field order and names matter; duplicate names are allowed. */
    {
      packr_value *swapped =
          record_of("point", 2, "y", packr_value_s32(2), "x", packr_value_s32(1));
      packr_value *dup = record_of("point", 2, "x", packr_value_s32(1), "x", packr_value_s32(2));
      packr_value *other = record_of("pt", 2, "x", packr_value_s32(1), "y", packr_value_s32(2));
      CHECK(!packr_value_equal(r, swapped));
      CHECK(!packr_value_equal(r, other));
      CHECK(packr_value_len(dup) == 2);
      CHECK(roundtrips(dup));
      packr_value_free(swapped);
      packr_value_free(dup);
      packr_value_free(other);
    }
    packr_value_free(r);
  }
  /* record with empty and unicode names, and a record inside a list (elem type record<...>) */
  {
    packr_value *r = record_of("", 2, "", packr_value_bool(true), "\xc3\xa9t\xc3\xa9",
                               packr_value_u8(3));
    packr_value *l = list_of(t_record("point"), 1,
                             record_of("point", 1, "x", packr_value_s32(1)));
    const char *p = SENT_STR;
    size_t n = 777;
    CHECK_RC(packr_value_type_name(r, &p, &n), OK);
    CHECK(n == 0 && p != SENT_STR);
    CHECK_RC(packr_value_field_name(r, 1, &p, &n), OK);
    CHECK(view_is(p, n, "\xc3\xa9t\xc3\xa9"));
    CHECK(roundtrips(r));
    CHECK(roundtrips(l));
    packr_value_free(r);
    packr_value_free(l);
  }
  /* variant */
  {
    packr_value *v = variant_of("msg", "pair", 3, 2, packr_value_s32(1), str("z"));
    packr_value *unit = variant_of("color", "red", 0, 0);
    const char *p = NULL;
    size_t n = 0;
    uint64_t tag = 0;
    CHECK(packr_value_kind(v) == PACKR_KIND_VARIANT && packr_value_len(v) == 2);
    CHECK_RC(packr_value_type_name(v, &p, &n), OK);
    CHECK(view_is(p, n, "msg"));
    CHECK_RC(packr_value_case_name(v, &p, &n), OK);
    CHECK(view_is(p, n, "pair"));
    CHECK_RC(packr_value_tag(v, &tag), OK);
    CHECK(tag == 3);
    CHECK(packr_value_kind(packr_value_get(v, 1)) == PACKR_KIND_STRING);
    CHECK_RC(packr_value_field_name(v, 0, &p, &n), INVALID);
    CHECK(roundtrips(v));
    CHECK(packr_value_len(unit) == 0);
    CHECK(roundtrips(unit));
    /* Tag and case name are independent, and both take part in equality. */
    {
      packr_value *t2 = variant_of("color", "red", 7, 0);
      packr_value *c2 = variant_of("color", "blue", 0, 0);
      uint64_t t = 0;
      CHECK(!packr_value_equal(unit, t2));
      CHECK(!packr_value_equal(unit, c2));
      CHECK_RC(packr_value_tag(t2, &t), OK);
      CHECK(t == 7);
      CHECK(roundtrips(t2));
      packr_value_free(t2);
      packr_value_free(c2);
    }
    /* A tag above 32 bits is kept in memory and truncated when encoded. */
    {
      packr_value *big = variant_of("t", "c", UINT64_C(4294967301), 0);
      packr_value *d;
      uint64_t t = 0;
      CHECK_RC(packr_value_tag(big, &t), OK);
      CHECK(t == UINT64_C(4294967301));
      CHECK(encodes_to_hex(
          big, "434752460200000001000000000000000800000012000000010000007401000000630500000000000000"));
      d = decode_hex(
          "434752460200000001000000000000000800000012000000010000007401000000630500000000000000");
      CHECK_RC(packr_value_tag(d, &t), OK);
      CHECK(t == 5);
      CHECK(!packr_value_equal(big, d));
      packr_value_free(d);
      packr_value_free(big);
    }
    packr_value_free(v);
    packr_value_free(unit);
  }
  /* option */
  {
    packr_value *s = some(packr_type_s32(), packr_value_s32(7));
    packr_value *n = none(packr_type_s32());
    packr_value *n2 = none(packr_type_string());
    int32_t x = 0;
    CHECK(packr_value_kind(s) == PACKR_KIND_OPTION && packr_value_kind(n) == PACKR_KIND_OPTION);
    CHECK(packr_value_len(s) == 1 && packr_value_len(n) == 0);
    CHECK_RC(packr_value_as_s32(packr_value_get(s, 0), &x), OK);
    CHECK(x == 7);
    CHECK(packr_value_get(n, 0) == NULL);
    CHECK(packr_type_kind(packr_value_elem_type(s)) == PACKR_KIND_S32);
    CHECK(packr_type_kind(packr_value_elem_type(n2)) == PACKR_KIND_STRING);
    CHECK(!packr_value_equal(n, n2));
    CHECK(!packr_value_equal(s, n));
    CHECK(roundtrips(s));
    CHECK(roundtrips(n));
    CHECK(roundtrips(n2));
    packr_value_free(s);
    packr_value_free(n);
    packr_value_free(n2);
  }
  /* result */
  {
    packr_value *o = ok_of(packr_type_s32(), packr_type_string(), packr_value_s32(1));
    packr_value *e = err_of(packr_type_s32(), packr_type_string(), str("bad"));
    packr_value *e2 = err_of(packr_type_s32(), packr_type_string(), packr_value_s32(1));
    bool is_err = true;
    const char *p = NULL;
    size_t n = 0;
    CHECK(packr_value_kind(o) == PACKR_KIND_RESULT && packr_value_len(o) == 1);
    CHECK_RC(packr_value_is_err(o, &is_err), OK);
    CHECK(is_err == false);
    CHECK_RC(packr_value_is_err(e, &is_err), OK);
    CHECK(is_err == true);
    CHECK(packr_value_len(e) == 1);
    CHECK_RC(packr_value_as_string(packr_value_get(e, 0), &p, &n), OK);
    CHECK(view_is(p, n, "bad"));
    CHECK(packr_type_kind(packr_value_ok_type(o)) == PACKR_KIND_S32);
    CHECK(packr_type_kind(packr_value_err_type(o)) == PACKR_KIND_STRING);
    CHECK(packr_value_elem_type(o) == NULL);
    CHECK(packr_value_get(o, 1) == NULL);
    /* ok(1) and err(1) of the same type differ. */
    {
      packr_value *o1 = ok_of(packr_type_s32(), packr_type_string(), packr_value_s32(1));
      CHECK(packr_value_equal(o, o1));
      CHECK(!packr_value_equal(o1, e2));
      packr_value_free(o1);
    }
    CHECK(roundtrips(o));
    CHECK(roundtrips(e));
    CHECK(roundtrips(e2));
    packr_value_free(o);
    packr_value_free(e);
    packr_value_free(e2);
  }
  /* Everything nested inside everything. */
  {
    packr_value *deep = record_of(
        "all", 4, "opt",
        some(t_list(t_variant("expr")), list_of(t_variant("expr"), 1, sx_num(5))), "res",
        err_of(t_tuple2(packr_type_u8(), packr_type_char()), t_record("e"),
               record_of("e", 1, "why", str("no"))),
        "tup", tuple_of(2, none(t_option(packr_type_f32())), packr_value_flags(3)), "var",
        variant_of("w", "x", 9, 2, list_of(packr_type_u8(), 0), chr(0x1f30d)));
    packr_value *c = packr_value_clone(deep);
    CHECK(packr_value_len(deep) == 4);
    CHECK(packr_value_equal(deep, c));
    CHECK(roundtrips(deep));
    /* Changing the clone makes it differ from the original. */
    CHECK_RC(packr_value_record_push(c, "more", packr_value_bool(false)), OK);
    CHECK(!packr_value_equal(deep, c));
    CHECK(packr_value_len(c) == 5 && packr_value_len(deep) == 4);
    packr_value_free(c);
    packr_value_free(deep);
  }
}

/* Every valid golden vector: built with the C API, encodes byte for byte, and decodes back. */
static void test_golden_valid(void) {
  size_t i;
  for (i = 0; i < COUNT(k_valid); i++) {
    packr_value *v = k_valid[i].build();
    packr_value *d = decode_hex(k_valid[i].hex);
    if (!CHECK(v != NULL && encodes_to_hex(v, k_valid[i].hex)))
      fprintf(stderr, "    vector %s\n", k_valid[i].name);
    if (!CHECK(d != NULL && packr_value_equal(v, d)))
      fprintf(stderr, "    vector %s\n", k_valid[i].name);
    if (!CHECK(d != NULL && encodes_to_hex(d, k_valid[i].hex)))
      fprintf(stderr, "    vector %s\n", k_valid[i].name);
    packr_value_free(v);
    packr_value_free(d);
  }
}

/* (+ 1 (* 2 3)): built with the C API, byte for byte the golden vector, and inspected. */
static void test_sexpr(void) {
  packr_value *e = b_sexpr_plus();
  packr_value *d = decode_hex(SEXPR_PLUS_HEX);
  const packr_value *list;
  const packr_value *inner;
  const char *p = NULL;
  size_t n = 0;
  uint64_t tag = 99;
  int64_t x = 0;

  CHECK(encodes_to_hex(e, SEXPR_PLUS_HEX));
  CHECK(packr_value_equal(e, d));

  /* Take the decoded value apart: lst#4([sym#0("+"), num#1(1), lst#4([...])]) */
  CHECK(packr_value_kind(d) == PACKR_KIND_VARIANT);
  CHECK_RC(packr_value_type_name(d, &p, &n), OK);
  CHECK(view_is(p, n, "expr"));
  CHECK_RC(packr_value_case_name(d, &p, &n), OK);
  CHECK(view_is(p, n, "lst"));
  CHECK_RC(packr_value_tag(d, &tag), OK);
  CHECK(tag == 4);
  CHECK(packr_value_len(d) == 1);
  list = packr_value_get(d, 0);
  CHECK(packr_value_kind(list) == PACKR_KIND_LIST && packr_value_len(list) == 3);
  CHECK(packr_type_kind(packr_value_elem_type(list)) == PACKR_KIND_VARIANT);
  CHECK_RC(packr_type_name(packr_value_elem_type(list), &p, &n), OK);
  CHECK(view_is(p, n, "expr"));
  CHECK_RC(packr_value_case_name(packr_value_get(list, 0), &p, &n), OK);
  CHECK(view_is(p, n, "sym"));
  CHECK_RC(packr_value_tag(packr_value_get(list, 0), &tag), OK);
  CHECK(tag == 0);
  CHECK_RC(packr_value_as_string(packr_value_get(packr_value_get(list, 0), 0), &p, &n), OK);
  CHECK(view_is(p, n, "+"));
  CHECK_RC(packr_value_tag(packr_value_get(list, 1), &tag), OK);
  CHECK(tag == 1);
  CHECK_RC(packr_value_as_s64(packr_value_get(packr_value_get(list, 1), 0), &x), OK);
  CHECK(x == 1);
  inner = packr_value_get(packr_value_get(list, 2), 0);
  CHECK(packr_value_kind(inner) == PACKR_KIND_LIST && packr_value_len(inner) == 3);
  CHECK_RC(packr_value_as_s64(packr_value_get(packr_value_get(inner, 2), 0), &x), OK);
  CHECK(x == 3);
  CHECK_RC(packr_value_as_string(packr_value_get(packr_value_get(inner, 0), 0), &p, &n), OK);
  CHECK(view_is(p, n, "*"));

  /* A different tree differs. */
  {
    packr_value *other = sx_lst3(sx_sym("+"), sx_num(1), sx_lst3(sx_sym("*"), sx_num(2), sx_num(4)));
    CHECK(!packr_value_equal(e, other));
    packr_value_free(other);
  }
  packr_value_free(e);
  packr_value_free(d);
}

/* "decode/" vectors: non-canonical bytes the decoder accepts. */
static void test_golden_decode_accepts(void) {
  struct {
    const char *name;
    const char *hex;
    packr_value *want;
  } cases[6];
  size_t i;
  cases[0].name = "decode/header_flags_ignored";
  cases[0].hex = "434752460200cdab0100000000000000010000000100000001";
  cases[0].want = packr_value_bool(true);
  cases[1].name = "decode/node_flags_reserved_ignored";
  cases[1].hex = "43475246020000000100000000000000027fefbe0400000005000000";
  cases[1].want = packr_value_s32(5);
  cases[2].name = "decode/dag_shared_child";
  cases[2].hex =
      "4347524602000000020000000100000006000000060000000200000068690b0000000c00000002000000000000"
      "0000000000";
  cases[2].want = tuple_of(2, str("hi"), str("hi"));
  cases[3].name = "decode/orphan_node_ignored";
  cases[3].hex = "434752460200000002000000010000000600000007000000030000007a7a7a010000000100000000";
  cases[3].want = packr_value_bool(false);
  cases[4].name = "decode/result_tag_7_is_err";
  cases[4].hex =
      "43475246020000000200000001000000020000000400000001000000140000000b0000000206070000000100000000";
  cases[4].want = err_of(packr_type_s32(), packr_type_string(), packr_value_s32(1));
  cases[5].name = "decode/array_bool_byte_2_is_true";
  cases[5].hex = "43475246020000000100000000000000150000000700000001020000000200";
  cases[5].want =
      list_of(packr_type_bool(), 2, packr_value_bool(true), packr_value_bool(false));
  for (i = 0; i < COUNT(cases); i++) {
    packr_value *d = decode_hex(cases[i].hex);
    if (!CHECK(d != NULL && packr_value_equal(d, cases[i].want)))
      fprintf(stderr, "    vector %s\n", cases[i].name);
    CHECK(roundtrips(d));
    packr_value_free(d);
    packr_value_free(cases[i].want);
  }
}

/* "big/" vectors: length and first 64 bytes of large encodings. */
static int encoding_starts_with(const packr_value *v, size_t len, const char *first64) {
  size_t n;
  uint8_t *want = unhex(first64, &n);
  packr_bytes *b = encode(v);
  int ok = b != NULL && packr_bytes_len(b) == len && memcmp(packr_bytes_data(b), want, n) == 0;
  if (!ok && b != NULL) fprintf(stderr, "    got length %zu\n", packr_bytes_len(b));
  packr_bytes_free(b);
  free(want);
  return ok;
}

static void test_golden_big(void) {
  packr_value *v = packr_value_s64(0);
  int i;
  int all_ok = 1;
  for (i = 0; i < 1000; i++) {
    packr_value *t = packr_value_tuple_new();
    all_ok &= packr_value_push(t, v) == OK;
    v = t;
  }
  CHECK(all_ok);
  CHECK(encoding_starts_with(
      v, 16032,
      "4347524602000000e9030000e8030000030000000800000000000000000000000b00000008000000010000000000"
      "00000b000000080000000100000001000000"));
  CHECK(roundtrips(v));
  packr_value_free(v);

  v = packr_value_s64(0);
  all_ok = 1;
  for (i = 0; i < 1000; i++) {
    packr_value *o = NULL;
    all_ok &= packr_value_option_some(packr_type_s32(), v, &o) == OK;
    v = o;
  }
  CHECK(all_ok);
  CHECK(encoding_starts_with(
      v, 14032,
      "4347524602000000e9030000e8030000030000000800000000000000000000000a000000060000000201000000"
      "000a000000060000000201010000000a000000"));
  CHECK(roundtrips(v));
  packr_value_free(v);

  v = NULL;
  CHECK_RC(packr_value_list_new(packr_type_s64(), &v), OK);
  all_ok = 1;
  for (i = 0; i < 10000; i++) all_ok &= packr_value_push(v, packr_value_s64(i)) == OK;
  CHECK(all_ok);
  CHECK(packr_value_len(v) == 10000);
  CHECK(encoding_starts_with(
      v, 80029,
      "43475246020000000100000000000000150000008538010003102700000000000000000000010000000000000002"
      "000000000000000300000000000000040000"));
  CHECK(roundtrips(v));
  packr_value_free(v);
}

/* Builds `depth` nested 1-tuples around s64(0). */
static packr_value *nest_tuples(int depth) {
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

/* 100,000 levels: encode, decode, clone, compare, print and free must not recurse. */
static void test_deep(void) {
  const int depth = 100000;
  packr_value *v = nest_tuples(depth);
  packr_bytes *b = encode(v);
  packr_value *d = NULL;
  packr_value *c;
  const packr_value *walk;
  int levels = 0;

  /* header 16 + s64 node 16 + 16 per tuple node */
  CHECK(b != NULL && packr_bytes_len(b) == (size_t)16 + 16 + (size_t)16 * (size_t)depth);
  if (b != NULL) d = decode_buf(packr_bytes_data(b), packr_bytes_len(b));
  CHECK(d != NULL);
  CHECK(packr_value_equal(v, d));
  c = packr_value_clone(d);
  CHECK(c != NULL && packr_value_equal(c, v));
  /* Walk down the clone with borrowed views. */
  for (walk = c; packr_value_kind(walk) == PACKR_KIND_TUPLE; walk = packr_value_get(walk, 0))
    levels++;
  CHECK(levels == depth);
  CHECK(packr_value_kind(walk) == PACKR_KIND_S64);
  /* A difference at the very bottom is seen. */
  {
    packr_value *w = packr_value_s64(1);
    int i;
    for (i = 0; i < depth; i++) {
      packr_value *t = packr_value_tuple_new();
      if (packr_value_push(t, w) != OK) break;
      w = t;
    }
    CHECK(!packr_value_equal(v, w));
    packr_value_free(w);
  }
  /* Printing is iterative too (documented). */
  {
    packr_bytes *t = NULL;
    CHECK_RC(packr_value_to_text(v, &t, NULL), OK);
    CHECK(packr_bytes_len(t) >= (size_t)depth);
    packr_bytes_free(t);
  }
  packr_value_free(c);
  packr_value_free(d);
  packr_bytes_free(b);
  packr_value_free(v);
}

struct golden_invalid {
  const char *name;
  const char *hex;
  uint32_t code;        /* expected result */
  const char *message;  /* substring of the error message (upstream's text), or NULL */
};

#define D PACKR_RESULT_DECODE
#define L PACKR_RESULT_LIMIT
static const struct golden_invalid k_invalid[] = {
    {"invalid/empty_input", "", D, NULL},
    {"invalid/truncated_magic_3_bytes", "434752", D, NULL},
    {"invalid/magic_only", "43475246", D, NULL},
    {"invalid/version_1", "43475246010000000100000000000000010000000100000001", D,
     "Unsupported version"},
    {"invalid/truncated_header_no_root", "434752460200000001000000", D, NULL},
    {"invalid/zero_nodes_root_0", "43475246020000000000000000000000", D, "Root index out of range"},
    {"invalid/node_count_1_but_no_nodes", "43475246020000000100000000000000", D, NULL},
    {"invalid/truncated_node_header", "43475246020000000100000000000000010000", D, NULL},
    /* packr-abi's per-node caps are limits here (decode_limited can raise them). */
    {"invalid/payload_len_over_8MiB", "434752460200000001000000000000000600000001008000", L,
     "Payload too large"},
    {"invalid/unknown_node_kind_0x00", "434752460200000001000000000000000000000000000000", D, NULL},
    {"invalid/unknown_node_kind_0xff", "43475246020000000100000000000000ff00000000000000", D, NULL},
    {"invalid/root_out_of_range", "43475246020000000100000001000000010000000100000001", D,
     "Root index out of range"},
    {"invalid/bool_payload_2", "43475246020000000100000000000000010000000100000002", D,
     "Invalid bool payload at node 0"},
    {"invalid/bool_payload_empty", "434752460200000001000000000000000100000000000000", D, NULL},
    {"invalid/s32_payload_3_bytes", "434752460200000001000000000000000200000003000000010203", D,
     NULL},
    {"invalid/s32_payload_5_bytes", "4347524602000000010000000000000002000000050000000102030405", D,
     "Trailing payload bytes at node 0"},
    {"invalid/char_surrogate_d800", "43475246020000000100000000000000120000000400000000d80000", D,
     "Invalid char scalar at node 0"},
    {"invalid/char_0x110000", "43475246020000000100000000000000120000000400000000001100", D,
     "Invalid char scalar at node 0"},
    {"invalid/string_len_exceeds_payload",
     "434752460200000001000000000000000600000006000000050000006162", D, NULL},
    {"invalid/string_trailing_payload",
     "434752460200000001000000000000000600000006000000010000006162", D,
     "Trailing payload bytes at node 0"},
    {"invalid/tuple_count_over_max_sequence_len",
     "434752460200000001000000000000000b0000000400000041420f00", L, "Sequence too large"},
    {"invalid/tuple_count_exceeds_payload",
     "434752460200000001000000000000000b000000080000000200000000000000", D, NULL},
    {"invalid/tuple_two_node_cycle",
     "434752460200000002000000000000000b0000000800000001000000010000000b0000000800000001000000000"
     "00000",
     D, "Cycle detected in graph buffer"},
    {"invalid/list_child_out_of_range",
     "434752460200000001000000000000000700000009000000060100000005000000", D,
     "Node index 5 out of range"},
    {"invalid/list_elem_type_tag_0x00", "4347524602000000010000000000000007000000050000000000000000",
     D, NULL},
    {"invalid/list_elem_type_tag_0x15_array_not_a_type",
     "4347524602000000010000000000000007000000050000001500000000", D, NULL},
    {"invalid/list_truncated_child_index",
     "43475246020000000100000000000000070000000700000006010000000000", D, NULL},
    {"invalid/list_trailing_payload",
     "4347524602000000010000000000000007000000060000000600000000aa", D,
     "Trailing payload bytes at node 0"},
    {"invalid/list_elem_variant_name_invalid_utf8",
     "43475246020000000100000000000000070000000a0000000801000000c300000000", D,
     "Invalid UTF-8 in type name"},
    {"invalid/option_self_cycle", "434752460200000001000000000000000a00000006000000020100000000", D,
     "Cycle detected in graph buffer"},
    {"invalid/option_presence_2_with_child_index",
     "434752460200000001000000000000000a00000006000000020200000000", D,
     "Trailing payload bytes at node 0"},
    {"invalid/option_empty_payload", "434752460200000001000000000000000a00000000000000", D, NULL},
    {"invalid/result_err_type_tag_0x00",
     "43475246020000000200000001000000020000000400000001000000140000000a00000002000000000100000000",
     D, NULL},
    {"invalid/record_type_name_invalid_utf8",
     "43475246020000000100000000000000090000000900000001000000ff00000000", D,
     "Invalid UTF-8 in type name"},
    {"invalid/record_field_count_without_names",
     "4347524602000000010000000000000009000000080000000000000002000000", D, NULL},
    {"invalid/record_missing_child_index",
     "43475246020000000100000000000000090000000d00000000000000010000000100000061", D, NULL},
    {"invalid/variant_case_name_invalid_utf8",
     "434752460200000001000000000000000800000012000000010000007401000000800000000000000000", D,
     "Invalid UTF-8 in case name"},
    {"invalid/variant_type_name_invalid_utf8",
     "434752460200000001000000000000000800000012000000010000008001000000630000000000000000", D,
     "Invalid UTF-8 in type name"},
    {"invalid/variant_payload_self_cycle",
     "4347524602000000010000000000000008000000140000000000000000000000000000000100000000000000", D,
     "Cycle detected in graph buffer"},
    {"invalid/array_non_primitive_elem_string",
     "4347524602000000010000000000000015000000050000000600000000", D,
     "Non-primitive element type in Array at node 0"},
    {"invalid/array_trailing_bytes", "4347524602000000010000000000000015000000070000000c010000000102",
     D, "Trailing payload bytes at node 0"},
    {"invalid/array_count_over_max_sequence_len",
     "4347524602000000010000000000000015000000050000000c41420f00", L, "Sequence too large"},
    {"invalid/array_unknown_type_tag_0x16", "43475246020000000100000000000000150000000100000016", D,
     NULL},
    {"invalid/orphan_invalid_bool_still_rejected",
     "43475246020000000200000000000000010000000100000001010000000100000007", D,
     "Invalid bool payload at node 1"},
};
#undef D
#undef L

/* Appends a tuple node (kind 0x0b) with the given child indices to buf at *pos. */
static void put_u32(uint8_t *buf, size_t *pos, uint32_t x) {
  buf[(*pos)++] = (uint8_t)x;
  buf[(*pos)++] = (uint8_t)(x >> 8);
  buf[(*pos)++] = (uint8_t)(x >> 16);
  buf[(*pos)++] = (uint8_t)(x >> 24);
}

/* A DAG: node 0 = bool, node i = tuple(i-1, i-1); expands to 2^levels leaves. */
static uint8_t *dag_bomb(uint32_t levels, size_t *len_out) {
  size_t len = 16 + 9 + (size_t)levels * 20;
  uint8_t *buf = (uint8_t *)malloc(len);
  size_t pos = 0;
  uint32_t i;
  if (buf == NULL) exit(2);
  memcpy(buf, "CGRF", 4);
  pos = 4;
  buf[pos++] = 2;
  buf[pos++] = 0;
  buf[pos++] = 0;
  buf[pos++] = 0;
  put_u32(buf, &pos, levels + 1); /* node count */
  put_u32(buf, &pos, levels);     /* root */
  put_u32(buf, &pos, 1);          /* bool */
  put_u32(buf, &pos, 1);
  buf[pos++] = 1;
  for (i = 1; i <= levels; i++) {
    put_u32(buf, &pos, 0x0b);
    put_u32(buf, &pos, 12);
    put_u32(buf, &pos, 2);
    put_u32(buf, &pos, i - 1);
    put_u32(buf, &pos, i - 1);
  }
  *len_out = pos;
  return buf;
}

static void test_decode_errors(void) {
  size_t i;
  /* Every invalid golden vector is rejected with the documented code and a located message. */
  for (i = 0; i < COUNT(k_invalid); i++) {
    size_t n;
    uint8_t *p = unhex(k_invalid[i].hex, &n);
    packr_value *v = SENT_VALUE;
    packr_error *e = NULL;
    uint32_t rc = (uint32_t)packr_value_decode(n ? p : NULL, n, &v, &e);
    int ok = rc == k_invalid[i].code && v == SENT_VALUE && e != NULL &&
             (uint32_t)packr_error_code(e) == rc &&
             contains(packr_error_message(e), "byte offset") &&
             (k_invalid[i].message == NULL || contains(packr_error_message(e), k_invalid[i].message));
    if (!CHECK(ok))
      fprintf(stderr, "    vector %s: %s: %s\n", k_invalid[i].name, packr_result_name(rc),
              packr_error_message(e));
    /* Same with error_out NULL. */
    v = SENT_VALUE;
    CHECK(packr_value_decode(n ? p : NULL, n, &v, NULL) == k_invalid[i].code && v == SENT_VALUE);
    packr_error_free(e);
    free(p);
  }
  /* Five picked by hand: exactly DECODE. */
  {
    static const char *const picked[] = {
        "434752460200000001000000",                                         /* truncated header */
        "43475246020000000100000000000000ff00000000000000",                 /* kind 0xff */
        "43475246020000000100000000000000120000000400000000d80000",         /* char U+D800 */
        "434752460200000002000000000000000b0000000800000001000000010000000b000000080000000100000000000000",
        "434752460200000001000000000000000800000012000000010000007401000000800000000000000000",
    };
    for (i = 0; i < COUNT(picked); i++) {
      size_t n;
      uint8_t *p = unhex(picked[i], &n);
      packr_value *v = SENT_VALUE;
      CHECK_RC(packr_value_decode(p, n, &v, NULL), PACKR_RESULT_DECODE);
      CHECK(v == SENT_VALUE);
      free(p);
    }
  }
  /* Truncating a valid encoding anywhere gives DECODE with "byte offset" in the message. */
  {
    packr_value *v = b_sexpr_plus();
    packr_bytes *b = encode(v);
    size_t full = packr_bytes_len(b);
    size_t cut;
    int all_ok = 1;
    for (cut = 0; b != NULL && cut < full; cut++) {
      packr_value *d = SENT_VALUE;
      packr_error *e = NULL;
      uint32_t rc = (uint32_t)packr_value_decode(packr_bytes_data(b), cut, &d, &e);
      if (rc != PACKR_RESULT_DECODE || d != SENT_VALUE ||
          !contains(packr_error_message(e), "byte offset") ||
          (uint32_t)packr_error_code(e) != PACKR_RESULT_DECODE) {
        all_ok = 0;
        fprintf(stderr, "    truncated to %zu: %s: %s\n", cut, packr_result_name(rc),
                packr_error_message(e));
      }
      packr_error_free(e);
    }
    CHECK(all_ok);
    packr_bytes_free(b);
    packr_value_free(v);
  }
  /* One truncation, spelled out. */
  {
    size_t n;
    uint8_t *p = unhex("43475246020000000100000000000000020000000400000007000000", &n);
    packr_value *v = SENT_VALUE;
    packr_error *e = NULL;
    CHECK_RC(packr_value_decode(p, n - 1, &v, &e), PACKR_RESULT_DECODE);
    CHECK(v == SENT_VALUE);
    CHECK(e != NULL && contains(packr_error_message(e), "byte offset"));
    CHECK_RC(packr_error_code(e), PACKR_RESULT_DECODE);
    packr_error_free(e);
    free(p);
  }
  /* Depth limit: 20 tuples around a scalar has depth 21 (a scalar at the root has depth 1). */
  {
    packr_value *v = nest_tuples(20);
    packr_bytes *b = encode(v);
    packr_value *d = SENT_VALUE;
    packr_error *e = NULL;
    const uint8_t *p = packr_bytes_data(b);
    size_t n = packr_bytes_len(b);
    CHECK_RC(packr_value_decode_limited(p, n, 0, 0, 10, &d, &e), PACKR_RESULT_LIMIT);
    CHECK(d == SENT_VALUE);
    CHECK(e != NULL && packr_error_code(e) == PACKR_RESULT_LIMIT);
    CHECK(packr_error_message(e)[0] != '\0');
    packr_error_free(e);
    e = SENT_ERROR;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 0, 20, &d, &e), PACKR_RESULT_LIMIT);
    CHECK(e != SENT_ERROR && e != NULL);
    packr_error_free(e);
    CHECK_RC(packr_value_decode_limited(p, n, 0, 0, 21, &d, &e), OK);
    CHECK(e == NULL && d != SENT_VALUE && packr_value_equal(d, v));
    packr_value_free(d);
    d = NULL;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 0, 0, &d, NULL), OK); /* 0 = default */
    packr_value_free(d);
    /* Byte limit: exactly the length passes, one less is a limit. */
    d = NULL;
    CHECK_RC(packr_value_decode_limited(p, n, n, 0, 0, &d, NULL), OK);
    packr_value_free(d);
    d = SENT_VALUE;
    CHECK_RC(packr_value_decode_limited(p, n, n - 1, 0, 0, &d, NULL), PACKR_RESULT_LIMIT);
    CHECK(d == SENT_VALUE);
    /* Node limit: 21 nodes. */
    d = NULL;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 21, 0, &d, NULL), OK);
    packr_value_free(d);
    d = SENT_VALUE;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 20, 0, &d, NULL), PACKR_RESULT_LIMIT);
    CHECK(d == SENT_VALUE);
    packr_bytes_free(b);
    packr_value_free(v);
  }
  /* invalid-with-limits/max_node_count_1: accepted by default, LIMIT with max_nodes = 1. */
  {
    size_t n;
    uint8_t *p = unhex(
        "43475246020000000500000000000000010000000100000001010000000100000001010000000100000001010000"
        "000100000001010000000100000001",
        &n);
    packr_value *v = NULL;
    packr_error *e = NULL;
    CHECK_RC(packr_value_decode(p, n, &v, NULL), OK);
    packr_value_free(v);
    v = SENT_VALUE;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 1, 0, &v, &e), PACKR_RESULT_LIMIT);
    CHECK(v == SENT_VALUE);
    CHECK(contains(packr_error_message(e), "Node count exceeds limit"));
    packr_error_free(e);
    free(p);
  }
  /* Raising max_nodes lifts packr-abi's 1,000,000-item cap: the vector is then merely short. */
  {
    size_t n;
    uint8_t *p = unhex("434752460200000001000000000000000b0000000400000041420f00", &n);
    packr_value *v = SENT_VALUE;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 2000000, 0, &v, NULL), PACKR_RESULT_DECODE);
    CHECK(v == SENT_VALUE);
    free(p);
  }
  /* A DAG whose shared nodes would expand to 2^40 nodes: a limit, quickly, not a hang. */
  {
    size_t n;
    uint8_t *p = dag_bomb(40, &n);
    packr_value *v = SENT_VALUE;
    packr_error *e = NULL;
    CHECK_RC(packr_value_decode(p, n, &v, &e), PACKR_RESULT_LIMIT);
    CHECK(v == SENT_VALUE && e != NULL);
    packr_error_free(e);
    free(p);
    /* A small DAG decodes to the expanded tree. */
    p = dag_bomb(2, &n);
    v = NULL;
    CHECK_RC(packr_value_decode(p, n, &v, NULL), OK);
    {
      packr_value *want = tuple_of(2, tuple_of(2, packr_value_bool(true), packr_value_bool(true)),
                                   tuple_of(2, packr_value_bool(true), packr_value_bool(true)));
      CHECK(packr_value_equal(v, want));
      packr_value_free(want);
    }
    packr_value_free(v);
    free(p);
  }
}

static void test_encode_errors(void) {
  /* encode-error/list_s32_with_string_item */
  {
    packr_value *l = list_of(packr_type_s32(), 2, packr_value_s32(1), str("x"));
    packr_bytes *b = SENT_BYTES;
    packr_error *e = NULL;
    CHECK_RC(packr_value_encode(l, &b, &e), PACKR_RESULT_ENCODE);
    CHECK(b == SENT_BYTES);
    CHECK(e != NULL && packr_error_code(e) == PACKR_RESULT_ENCODE);
    CHECK(contains(packr_error_message(e), "root"));
    CHECK(contains(packr_error_message(e), "List with primitive elem_type contains non-matching"));
    packr_error_free(e);
    CHECK_RC(packr_value_encode(l, &b, NULL), PACKR_RESULT_ENCODE);
    CHECK(b == SENT_BYTES);
    packr_value_free(l);
  }
  /* encode-error/list_u8_with_s32_item */
  {
    packr_value *l = list_of(packr_type_u8(), 1, packr_value_s32(1));
    packr_bytes *b = SENT_BYTES;
    CHECK_RC(packr_value_encode(l, &b, NULL), PACKR_RESULT_ENCODE);
    CHECK(b == SENT_BYTES);
    packr_value_free(l);
  }
  /* The path of a nested offending list is in the message. */
  {
    packr_value *v = tuple_of(2, packr_value_s32(0),
                              tuple_of(1, list_of(packr_type_bool(), 1, packr_value_u8(1))));
    packr_bytes *b = SENT_BYTES;
    packr_error *e = NULL;
    CHECK_RC(packr_value_encode(v, &b, &e), PACKR_RESULT_ENCODE);
    CHECK(contains(packr_error_message(e), "root.1.0"));
    if (e != NULL && !contains(packr_error_message(e), "root.1.0"))
      fprintf(stderr, "    message: %s\n", packr_error_message(e));
    packr_error_free(e);
    packr_value_free(v);
  }
  /* Every fixed-width element type with a string item fails; f32 list with an f64 fails. */
  {
    packr_type *(*ctors[])(void) = {packr_type_bool, packr_type_u8,  packr_type_u16,
                                    packr_type_u32,  packr_type_u64, packr_type_s8,
                                    packr_type_s16,  packr_type_s32, packr_type_s64,
                                    packr_type_f32,  packr_type_f64, packr_type_char,
                                    packr_type_flags};
    size_t i;
    for (i = 0; i < COUNT(ctors); i++) {
      packr_value *l = list_of(ctors[i](), 1, str("x"));
      packr_bytes *b = SENT_BYTES;
      CHECK_RC(packr_value_encode(l, &b, NULL), PACKR_RESULT_ENCODE);
      CHECK(b == SENT_BYTES);
      packr_value_free(l);
    }
    {
      packr_value *l = list_of(packr_type_f32(), 1, packr_value_f64(1.0));
      packr_bytes *b = SENT_BYTES;
      CHECK_RC(packr_value_encode(l, &b, NULL), PACKR_RESULT_ENCODE);
      packr_value_free(l);
    }
  }
}

/* error_out: NULL on success, an owned error on failure, and NULL error_out is accepted. */
static void test_error_out(void) {
  packr_value *v = packr_value_s32(5);
  packr_bytes *b = NULL;
  packr_error *e = SENT_ERROR;
  packr_value *d = NULL;

  CHECK_RC(packr_value_encode(v, &b, &e), OK);
  CHECK(e == NULL);
  e = SENT_ERROR;
  CHECK_RC(packr_value_decode(packr_bytes_data(b), packr_bytes_len(b), &d, &e), OK);
  CHECK(e == NULL);
  packr_value_free(d);
  e = SENT_ERROR;
  d = NULL;
  CHECK_RC(packr_value_decode_limited(packr_bytes_data(b), packr_bytes_len(b), 0, 0, 0, &d, &e),
           OK);
  CHECK(e == NULL);
  packr_value_free(d);
  e = SENT_ERROR;
  {
    packr_bytes *t = NULL;
    CHECK_RC(packr_value_to_text(v, &t, &e), OK);
    CHECK(e == NULL);
    packr_bytes_free(t);
  }
  /* Success with NULL error_out. */
  d = NULL;
  CHECK_RC(packr_value_decode(packr_bytes_data(b), packr_bytes_len(b), &d, NULL), OK);
  CHECK(packr_value_equal(d, v));
  packr_value_free(d);

  /* Failure: error set, its code matches, message non-empty and stable. */
  e = SENT_ERROR;
  d = SENT_VALUE;
  CHECK_RC(packr_value_decode(packr_bytes_data(b), 3, &d, &e), PACKR_RESULT_DECODE);
  CHECK(d == SENT_VALUE);
  CHECK(e != NULL && e != SENT_ERROR);
  CHECK_RC(packr_error_code(e), PACKR_RESULT_DECODE);
  CHECK(packr_error_message(e) != NULL && packr_error_message(e)[0] != '\0');
  CHECK(packr_error_message(e) == packr_error_message(e));
  packr_error_free(e);

  /* Argument errors also fill error_out. */
  e = SENT_ERROR;
  CHECK_RC(packr_value_encode(NULL, &b, &e), INVALID);
  CHECK(e != NULL && e != SENT_ERROR);
  CHECK_RC(packr_error_code(e), INVALID);
  CHECK(contains(packr_error_message(e), "NULL"));
  packr_error_free(e);
  e = SENT_ERROR;
  CHECK_RC(packr_value_decode(NULL, 4, &d, &e), INVALID);
  CHECK(e != NULL && e != SENT_ERROR && packr_error_code(e) == INVALID);
  packr_error_free(e);
  e = SENT_ERROR;
  CHECK_RC(packr_value_parse("\xff", &d, &e), INVALID);
  CHECK(e != NULL && e != SENT_ERROR && packr_error_code(e) == INVALID);
  packr_error_free(e);
  e = SENT_ERROR;
  {
    packr_type *t = SENT_TYPE;
    CHECK_RC(packr_type_parse(NULL, &t, &e), INVALID);
    CHECK(t == SENT_TYPE && e != NULL && e != SENT_ERROR);
    packr_error_free(e);
  }

  /* Failure with NULL error_out. */
  d = SENT_VALUE;
  CHECK_RC(packr_value_decode(packr_bytes_data(b), 3, &d, NULL), PACKR_RESULT_DECODE);
  CHECK(d == SENT_VALUE);

  /* Errors outlive the objects they talk about, and several can be held at once. */
  {
    packr_error *e1 = NULL;
    packr_error *e2 = NULL;
    packr_value *x = SENT_VALUE;
    CHECK_RC(packr_value_decode(packr_bytes_data(b), 1, &x, &e1), PACKR_RESULT_DECODE);
    CHECK_RC(packr_value_decode(packr_bytes_data(b), 2, &x, &e2), PACKR_RESULT_DECODE);
    packr_bytes_free(b);
    b = NULL;
    CHECK(e1 != NULL && e2 != NULL && e1 != e2);
    CHECK(contains(packr_error_message(e1), "byte offset"));
    CHECK(contains(packr_error_message(e2), "byte offset"));
    packr_error_free(e1);
    packr_error_free(e2);
  }
  packr_bytes_free(b);
  packr_value_free(v);
}

/* Every NULL argument path. Outputs stay untouched; consumed arguments are freed (ASan and
   valgrind check that nothing leaks). */
static void test_null_args(void) {
  packr_value *v = SENT_VALUE;
  packr_type *t = SENT_TYPE;
  packr_bytes *b = SENT_BYTES;
  packr_error *e = NULL;
  const char *p = SENT_STR;
  size_t n = 777;
  uint64_t tag = 4242;
  bool is_err = true;
  packr_value *rec = record_of("r", 1, "f", packr_value_u8(1));
  packr_value *var = variant_of("v", "c", 1, 0);
  packr_value *res = ok_of(packr_type_u8(), packr_type_u8(), packr_value_u8(1));
  packr_type *rt = t_record("r");

  /* Value-returning constructors never fail here; kind/len/get/equal/clone with NULL. */
  CHECK(packr_value_kind(NULL) == PACKR_KIND_NONE);
  CHECK(packr_value_len(NULL) == 0);
  CHECK(packr_value_get(NULL, 0) == NULL);
  CHECK(packr_value_clone(NULL) == NULL);
  CHECK(packr_value_equal(NULL, NULL));
  CHECK(!packr_value_equal(rec, NULL));
  CHECK(!packr_value_equal(NULL, rec));
  CHECK(packr_value_elem_type(NULL) == NULL);
  CHECK(packr_value_ok_type(NULL) == NULL);
  CHECK(packr_value_err_type(NULL) == NULL);
  CHECK(packr_type_kind(NULL) == PACKR_KIND_NONE);
  CHECK(packr_type_len(NULL) == 0);
  CHECK(packr_type_clone(NULL) == NULL);

  /* decode / decode_limited */
  CHECK_RC(packr_value_decode(NULL, 0, &v, &e), PACKR_RESULT_DECODE); /* empty input */
  CHECK(v == SENT_VALUE && e != NULL);
  packr_error_free(e);
  CHECK_RC(packr_value_decode(NULL, 1, &v, NULL), INVALID);
  CHECK_RC(packr_value_decode((const uint8_t *)"CGRF", 4, NULL, NULL), INVALID);
  CHECK_RC(packr_value_decode_limited(NULL, 1, 0, 0, 0, &v, NULL), INVALID);
  CHECK_RC(packr_value_decode_limited((const uint8_t *)"CGRF", 4, 0, 0, 0, NULL, NULL), INVALID);
  CHECK(v == SENT_VALUE);

  /* encode / to_text / parse */
  CHECK_RC(packr_value_encode(NULL, &b, NULL), INVALID);
  CHECK_RC(packr_value_encode(rec, NULL, NULL), INVALID);
  CHECK_RC(packr_value_to_text(NULL, &b, NULL), INVALID);
  CHECK_RC(packr_value_to_text(rec, NULL, NULL), INVALID);
  CHECK(b == SENT_BYTES);
  CHECK_RC(packr_value_parse(NULL, &v, NULL), INVALID);
  CHECK_RC(packr_value_parse("1s32", NULL, NULL), INVALID);
  CHECK_RC(packr_value_parse("\"\xc3\x28\"", &v, NULL), INVALID);
  CHECK(v == SENT_VALUE);

  /* char / string */
  CHECK_RC(packr_value_char('a', NULL), INVALID);
  CHECK_RC(packr_value_string(NULL, 1, &v), INVALID);
  CHECK_RC(packr_value_string("a", 1, NULL), INVALID);
  CHECK(v == SENT_VALUE);

  /* list_new consumes elem_type even when value_out is NULL. */
  CHECK_RC(packr_value_list_new(NULL, &v), INVALID);
  CHECK_RC(packr_value_list_new(packr_type_s32(), NULL), INVALID);
  CHECK_RC(packr_value_list_new(t_list(packr_type_string()), NULL), INVALID);

  /* record_new / variant_new */
  CHECK_RC(packr_value_record_new(NULL, &v), INVALID);
  CHECK_RC(packr_value_record_new("r", NULL), INVALID);
  CHECK_RC(packr_value_record_new("r\xff", &v), INVALID);
  CHECK_RC(packr_value_variant_new(NULL, "c", 0, &v), INVALID);
  CHECK_RC(packr_value_variant_new("t", NULL, 0, &v), INVALID);
  CHECK_RC(packr_value_variant_new("t", "c", 0, NULL), INVALID);
  CHECK_RC(packr_value_variant_new("t\xc3", "c", 0, &v), INVALID);
  CHECK_RC(packr_value_variant_new("t", "\x80", 0, &v), INVALID);
  CHECK(v == SENT_VALUE);

  /* push: the item is consumed on every return. */
  CHECK_RC(packr_value_push(NULL, packr_value_s32(1)), INVALID);
  CHECK_RC(packr_value_push(NULL, str("a string that must be freed")), INVALID);
  CHECK_RC(packr_value_push(NULL, NULL), INVALID);
  CHECK_RC(packr_value_push(var, NULL), INVALID);
  CHECK(packr_value_len(var) == 0);
  {
    packr_value *scalar = packr_value_s32(1);
    CHECK_RC(packr_value_push(scalar, tuple_of(1, str("freed"))), INVALID);
    CHECK_RC(packr_value_push(rec, packr_value_u8(2)), INVALID); /* records use record_push */
    CHECK(packr_value_len(rec) == 1);
    CHECK_RC(packr_value_push(res, packr_value_u8(2)), INVALID);
    CHECK(packr_value_len(res) == 1);
    {
      packr_value *opt = none(packr_type_u8());
      CHECK_RC(packr_value_push(opt, packr_value_u8(2)), INVALID);
      CHECK(packr_value_len(opt) == 0);
      packr_value_free(opt);
    }
    packr_value_free(scalar);
  }

  /* record_push: the value is consumed on every return. */
  CHECK_RC(packr_value_record_push(NULL, "f", packr_value_s32(1)), INVALID);
  CHECK_RC(packr_value_record_push(rec, NULL, str("freed")), INVALID);
  CHECK_RC(packr_value_record_push(rec, "f\xff", str("freed")), INVALID);
  CHECK_RC(packr_value_record_push(rec, "f", NULL), INVALID);
  CHECK_RC(packr_value_record_push(var, "f", packr_value_s32(1)), INVALID); /* not a record */
  CHECK(packr_value_len(rec) == 1);
  CHECK(packr_value_len(var) == 0);

  /* option_some / option_none: each non-NULL argument is consumed. */
  CHECK_RC(packr_value_option_some(NULL, packr_value_s32(1), &v), INVALID);
  CHECK_RC(packr_value_option_some(packr_type_s32(), NULL, &v), INVALID);
  CHECK_RC(packr_value_option_some(packr_type_s32(), packr_value_s32(1), NULL), INVALID);
  CHECK_RC(packr_value_option_some(NULL, NULL, NULL), INVALID);
  CHECK_RC(packr_value_option_none(NULL, &v), INVALID);
  CHECK_RC(packr_value_option_none(packr_type_s32(), NULL), INVALID);
  CHECK(v == SENT_VALUE);

  /* result_ok / result_err */
  CHECK_RC(packr_value_result_ok(NULL, packr_type_s32(), packr_value_s32(1), &v), INVALID);
  CHECK_RC(packr_value_result_ok(packr_type_s32(), NULL, packr_value_s32(1), &v), INVALID);
  CHECK_RC(packr_value_result_ok(packr_type_s32(), packr_type_s32(), NULL, &v), INVALID);
  CHECK_RC(packr_value_result_ok(packr_type_s32(), packr_type_s32(), packr_value_s32(1), NULL),
           INVALID);
  CHECK_RC(packr_value_result_err(NULL, packr_type_s32(), packr_value_s32(1), &v), INVALID);
  CHECK_RC(packr_value_result_err(packr_type_s32(), NULL, str("freed"), &v), INVALID);
  CHECK_RC(packr_value_result_err(packr_type_s32(), packr_type_s32(), NULL, &v), INVALID);
  CHECK_RC(packr_value_result_err(packr_type_s32(), packr_type_s32(), packr_value_s32(1), NULL),
           INVALID);
  CHECK_RC(packr_value_result_err(NULL, NULL, NULL, NULL), INVALID);
  CHECK(v == SENT_VALUE);

  /* Name, tag and is_err inspectors. */
  CHECK_RC(packr_value_type_name(NULL, &p, &n), INVALID);
  CHECK_RC(packr_value_type_name(rec, NULL, &n), INVALID);
  CHECK_RC(packr_value_type_name(rec, &p, NULL), INVALID);
  CHECK_RC(packr_value_case_name(NULL, &p, &n), INVALID);
  CHECK_RC(packr_value_case_name(var, NULL, &n), INVALID);
  CHECK_RC(packr_value_case_name(var, &p, NULL), INVALID);
  CHECK_RC(packr_value_field_name(NULL, 0, &p, &n), INVALID);
  CHECK_RC(packr_value_field_name(rec, 0, NULL, &n), INVALID);
  CHECK_RC(packr_value_field_name(rec, 0, &p, NULL), INVALID);
  CHECK(p == SENT_STR && n == 777);
  CHECK_RC(packr_value_tag(NULL, &tag), INVALID);
  CHECK_RC(packr_value_tag(var, NULL), INVALID);
  CHECK(tag == 4242);
  CHECK_RC(packr_value_is_err(NULL, &is_err), INVALID);
  CHECK_RC(packr_value_is_err(res, NULL), INVALID);
  CHECK(is_err == true);
  CHECK_RC(packr_value_as_string(NULL, &p, &n), INVALID);
  CHECK(p == SENT_STR && n == 777);

  /* Type functions. */
  CHECK_RC(packr_type_list(NULL, &t), INVALID);
  CHECK_RC(packr_type_list(packr_type_u8(), NULL), INVALID);
  CHECK_RC(packr_type_option(NULL, &t), INVALID);
  CHECK_RC(packr_type_option(packr_type_u8(), NULL), INVALID);
  CHECK_RC(packr_type_result(NULL, packr_type_u8(), &t), INVALID);
  CHECK_RC(packr_type_result(packr_type_u8(), NULL, &t), INVALID);
  CHECK_RC(packr_type_result(packr_type_u8(), packr_type_u8(), NULL), INVALID);
  CHECK_RC(packr_type_result(NULL, NULL, NULL), INVALID);
  CHECK_RC(packr_type_tuple(NULL, 2, &t), INVALID);
  {
    packr_type *items[3];
    items[0] = packr_type_u8();
    items[1] = NULL;
    items[2] = t_list(packr_type_string());
    CHECK_RC(packr_type_tuple(items, 3, &t), INVALID); /* items 0 and 2 consumed */
    items[0] = packr_type_u8();
    items[1] = packr_type_u16();
    CHECK_RC(packr_type_tuple(items, 2, NULL), INVALID); /* both consumed */
  }
  CHECK_RC(packr_type_tuple(NULL, 0, NULL), INVALID);
  CHECK_RC(packr_type_record(NULL, &t), INVALID);
  CHECK_RC(packr_type_record("r", NULL), INVALID);
  CHECK_RC(packr_type_variant(NULL, &t), INVALID);
  CHECK_RC(packr_type_variant("v", NULL), INVALID);
  CHECK_RC(packr_type_parse(NULL, &t, NULL), INVALID);
  CHECK_RC(packr_type_parse("s32", NULL, NULL), INVALID);
  CHECK_RC(packr_type_parse("list<\xff>", &t, NULL), INVALID);
  CHECK_RC(packr_type_to_text(NULL, &b), INVALID);
  CHECK_RC(packr_type_to_text(rt, NULL), INVALID);
  CHECK(b == SENT_BYTES);
  CHECK_RC(packr_type_get(NULL, 0, &t), INVALID);
  CHECK_RC(packr_type_get(rt, 0, NULL), INVALID);
  CHECK_RC(packr_type_name(NULL, &p, &n), INVALID);
  CHECK_RC(packr_type_name(rt, NULL, &n), INVALID);
  CHECK_RC(packr_type_name(rt, &p, NULL), INVALID);
  CHECK(t == SENT_TYPE);
  CHECK(p == SENT_STR && n == 777);

  packr_type_free(rt);
  packr_value_free(rec);
  packr_value_free(var);
  packr_value_free(res);
}

/* Consuming functions free what they take, on success and failure (checked by LSan/valgrind),
   and ownership of pushed children really moves (freeing the parent frees them). */
static void test_consuming(void) {
  int i;
  /* Many failing pushes of big items: a leak here would be large. */
  for (i = 0; i < 100; i++) {
    packr_value *big = list_of(packr_type_string(), 3, str("aaaaaaaaaaaaaaaaaaaa"),
                               str("bbbbbbbbbbbbbbbbbbbb"), str("cccccccccccccccccccc"));
    CHECK_RC(packr_value_push(NULL, big), INVALID);
  }
  /* A successful chain: types and values move into the containers. */
  {
    packr_value *inner = some(t_list(packr_type_u8()), list_of(packr_type_u8(), 1, packr_value_u8(4)));
    packr_value *outer =
        ok_of(t_option(t_list(packr_type_u8())), t_record("bad"), inner); /* inner consumed */
    packr_value *t = tuple_of(1, outer);                                /* outer consumed */
    CHECK(packr_value_len(t) == 1);
    CHECK(roundtrips(t));
    packr_value_free(t); /* frees everything */
  }
  /* Borrowed views from a clone stay valid after the original is freed. */
  {
    packr_value *orig = record_of("p", 1, "name", str("value"));
    packr_value *copy = packr_value_clone(orig);
    const char *p = NULL;
    size_t n = 0;
    packr_value_free(orig);
    CHECK_RC(packr_value_as_string(packr_value_get(copy, 0), &p, &n), OK);
    CHECK(view_is(p, n, "value"));
    CHECK_RC(packr_value_field_name(copy, 0, &p, &n), OK);
    CHECK(view_is(p, n, "name"));
    packr_value_free(copy);
  }
  /* Clone of a borrowed child view is independent of its parent. */
  {
    packr_value *parent = tuple_of(1, str("child"));
    packr_value *child = packr_value_clone(packr_value_get(parent, 0));
    const char *p = NULL;
    size_t n = 0;
    packr_value_free(parent);
    CHECK_RC(packr_value_as_string(child, &p, &n), OK);
    CHECK(view_is(p, n, "child"));
    packr_value_free(child);
  }
  /* Type views from accessors, cloned, survive the value. */
  {
    packr_value *l = list_of(t_variant("expr"), 0);
    packr_type *owned = packr_type_clone(packr_value_elem_type(l));
    const char *p = NULL;
    size_t n = 0;
    packr_value_free(l);
    CHECK_RC(packr_type_name(owned, &p, &n), OK);
    CHECK(view_is(p, n, "expr"));
    packr_type_free(owned);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Text form                                                                                   */
/* ------------------------------------------------------------------------------------------ */

/* to_text(v) is a C string of packr_bytes_len bytes with no NUL inside, and parses back to a value
   equal to v that encodes to the same bytes. */
static int text_roundtrips(const packr_value *v, const char *label) {
  packr_bytes *t = NULL;
  packr_error *e = NULL;
  packr_value *back = NULL;
  const char *s;
  size_t n;
  int ok = 1;
  if (packr_value_to_text(v, &t, &e) != OK) {
    fprintf(stderr, "    %s: to_text failed: %s\n", label, packr_error_message(e));
    packr_error_free(e);
    return 0;
  }
  s = (const char *)packr_bytes_data(t);
  n = packr_bytes_len(t);
  if (s == NULL || s[n] != '\0' || memchr(s, 0, n) != NULL || strlen(s) != n) {
    fprintf(stderr, "    %s: text is not a clean C string\n", label);
    ok = 0;
  }
  if (ok && packr_value_parse(s, &back, &e) != OK) {
    fprintf(stderr, "    %s: parse(\"%.120s%s\") failed: %s\n", label, s, n > 120 ? "..." : "",
            packr_error_message(e));
    packr_error_free(e);
    ok = 0;
  }
  if (ok && !packr_value_equal(v, back)) {
    fprintf(stderr, "    %s: parse(\"%.120s%s\") gives a different value\n", label, s,
            n > 120 ? "..." : "");
    ok = 0;
  }
  if (ok) {
    packr_bytes *b1 = NULL;
    packr_bytes *b2 = NULL;
    uint32_t r1 = (uint32_t)packr_value_encode(v, &b1, NULL);
    uint32_t r2 = (uint32_t)packr_value_encode(back, &b2, NULL);
    if (r1 != r2 || (r1 == 0 && (packr_bytes_len(b1) != packr_bytes_len(b2) ||
                                 memcmp(packr_bytes_data(b1), packr_bytes_data(b2),
                                        packr_bytes_len(b1)) != 0))) {
      fprintf(stderr, "    %s: parse(\"%.120s%s\") encodes differently\n", label, s,
              n > 120 ? "..." : "");
      ok = 0;
    }
    packr_bytes_free(b1);
    packr_bytes_free(b2);
  }
  packr_value_free(back);
  packr_bytes_free(t);
  return ok;
}

static void test_text(void) {
  size_t i;
  /* Round trips of every golden value. */
  for (i = 0; i < COUNT(k_valid); i++) {
    packr_value *v = k_valid[i].build();
    CHECK(text_roundtrips(v, k_valid[i].name));
    packr_value_free(v);
  }
  /* Round trips of the awkward ones the design calls out. */
  {
    packr_value *vals[24];
    size_t nvals = 0;
    size_t k;
    vals[nvals++] = packr_value_f32(f32_from_bits(0x7f800001u)); /* signalling NaN */
    vals[nvals++] = packr_value_f32(f32_from_bits(0xffc12345u)); /* negative NaN, payload */
    vals[nvals++] = packr_value_f64(f64_from_bits(UINT64_C(0xfff8dead0000beef)));
    vals[nvals++] = packr_value_f64(f64_from_bits(UINT64_C(0x8000000000000000))); /* -0.0 */
    vals[nvals++] = packr_value_f32(f32_from_bits(0x80000000u));
    vals[nvals++] = packr_value_f64(f64_from_bits(UINT64_C(0x7ff0000000000000))); /* inf */
    vals[nvals++] = packr_value_f64(f64_from_bits(1));                           /* subnormal */
    vals[nvals++] = packr_value_f64(0.1);
    vals[nvals++] = packr_value_f32(3.4028235e38f);
    {
      packr_value *s = NULL;
      static const char ctl[] = "q\"\\\n\r\t\x01\x1f\x7f\0end \xe2\x80\xa8";
      CHECK_RC(packr_value_string(ctl, sizeof ctl - 1, &s), OK);
      vals[nvals++] = s;
    }
    vals[nvals++] = chr(0);
    vals[nvals++] = chr('\'');
    vals[nvals++] = chr(0x10ffff);
    vals[nvals++] = variant_of("t", "c", 7, 0);                   /* tag != case index */
    vals[nvals++] = variant_of("", "", 0, 0);                     /* empty names */
    vals[nvals++] = list_of(t_record("expr"), 0);                 /* record vs variant type */
    vals[nvals++] = list_of(t_variant("expr"), 0);
    vals[nvals++] = list_of(packr_type_string(), 1, packr_value_s32(1)); /* disagreeing elem */
    vals[nvals++] = record_of("odd name", 1, "field with space", packr_value_s64(INT64_MIN));
    vals[nvals++] = none(t_result(t_tuple2(packr_type_u8(), packr_type_char()), t_option(packr_type_flags())));
    vals[nvals++] = packr_value_u64(UINT64_MAX);
    vals[nvals++] = packr_value_s8(INT8_MIN);
    vals[nvals++] = nest_tuples(1000);
    vals[nvals++] = b_sexpr_plus();
    for (k = 0; k < nvals; k++) {
      char label[32];
      snprintf(label, sizeof label, "extra #%zu", k);
      CHECK(text_roundtrips(vals[k], label));
      packr_value_free(vals[k]);
    }
  }
  /* point{x: 1s32, y: 2s32} */
  {
    packr_value *v = NULL;
    packr_error *e = NULL;
    const char *p = NULL;
    size_t n = 0;
    int32_t x = 0;
    CHECK_RC(packr_value_parse("point{x: 1s32, y: 2s32}", &v, &e), OK);
    if (e != NULL) fprintf(stderr, "    %s\n", packr_error_message(e));
    packr_error_free(e);
    CHECK(packr_value_kind(v) == PACKR_KIND_RECORD);
    CHECK(packr_value_len(v) == 2);
    CHECK(packr_value_type_name(v, &p, &n) == OK && view_is(p, n, "point"));
    CHECK(packr_value_field_name(v, 0, &p, &n) == OK && view_is(p, n, "x"));
    CHECK(packr_value_field_name(v, 1, &p, &n) == OK && view_is(p, n, "y"));
    CHECK(packr_value_kind(packr_value_get(v, 0)) == PACKR_KIND_S32);
    CHECK(packr_value_as_s32(packr_value_get(v, 0), &x) == OK && x == 1);
    CHECK(packr_value_as_s32(packr_value_get(v, 1), &x) == OK && x == 2);
    {
      packr_value *want = b_record_point();
      CHECK(packr_value_equal(v, want));
      packr_value_free(want);
    }
    packr_value_free(v);
  }
  /* [1, 2, 3] */
  {
    packr_value *v = NULL;
    int64_t x = 0;
    CHECK_RC(packr_value_parse("[1, 2, 3]", &v, NULL), OK);
    CHECK(packr_value_kind(v) == PACKR_KIND_LIST);
    CHECK(packr_type_kind(packr_value_elem_type(v)) == PACKR_KIND_S64);
    CHECK(packr_value_len(v) == 3);
    CHECK(packr_value_as_s64(packr_value_get(v, 0), &x) == OK && x == 1);
    CHECK(packr_value_as_s64(packr_value_get(v, 2), &x) == OK && x == 3);
    packr_value_free(v);
  }
  /* expr::num#1(42) */
  {
    packr_value *v = NULL;
    const char *p = NULL;
    size_t n = 0;
    uint64_t tag = 99;
    int64_t x = 0;
    CHECK_RC(packr_value_parse("expr::num#1(42)", &v, NULL), OK);
    CHECK(packr_value_kind(v) == PACKR_KIND_VARIANT);
    CHECK(packr_value_type_name(v, &p, &n) == OK && view_is(p, n, "expr"));
    CHECK(packr_value_case_name(v, &p, &n) == OK && view_is(p, n, "num"));
    CHECK(packr_value_tag(v, &tag) == OK && tag == 1);
    CHECK(packr_value_len(v) == 1);
    CHECK(packr_value_kind(packr_value_get(v, 0)) == PACKR_KIND_S64);
    CHECK(packr_value_as_s64(packr_value_get(v, 0), &x) == OK && x == 42);
    {
      packr_value *want = sx_num(42);
      CHECK(packr_value_equal(v, want));
      packr_value_free(want);
    }
    packr_value_free(v);
  }
  /* Text that does not parse: DECODE with line and column; outputs untouched. */
  {
    static const char *const bad[] = {"[", "", "point{x: }", "1s33", "\"unterminated", "(1, 2"};
    for (i = 0; i < COUNT(bad); i++) {
      packr_value *v = SENT_VALUE;
      packr_error *e = NULL;
      if (!CHECK_RC(packr_value_parse(bad[i], &v, &e), PACKR_RESULT_DECODE))
        fprintf(stderr, "    text \"%s\"\n", bad[i]);
      CHECK(v == SENT_VALUE);
      CHECK(e != NULL && packr_error_code(e) == PACKR_RESULT_DECODE);
      CHECK(contains(packr_error_message(e), "line") && contains(packr_error_message(e), "column"));
      packr_error_free(e);
    }
  }
  /* to_text output is NUL-terminated at packr_bytes_len, even for a string holding NUL. */
  {
    packr_value *v = b_string_with_nul();
    packr_bytes *t = NULL;
    CHECK_RC(packr_value_to_text(v, &t, NULL), OK);
    CHECK(t != NULL && packr_bytes_data(t)[packr_bytes_len(t)] == '\0');
    CHECK(t != NULL && memchr(packr_bytes_data(t), 0, packr_bytes_len(t)) == NULL);
    CHECK(t != NULL && strlen((const char *)packr_bytes_data(t)) == packr_bytes_len(t));
    packr_bytes_free(t);
    packr_value_free(v);
  }
  /* Types in the text form. */
  {
    static const char *const texts[] = {"list<option<s32>>", "record<point>", "tuple<string, u8>"};
    packr_type *t = NULL;
    packr_type *g = NULL;
    CHECK_RC(packr_type_parse(texts[0], &t, NULL), OK);
    CHECK(packr_type_kind(t) == PACKR_KIND_LIST);
    if (packr_type_get(t, 0, &g) == OK) {
      CHECK(packr_type_kind(g) == PACKR_KIND_OPTION);
      packr_type_free(g);
    }
    {
      packr_type *want = t_list(t_option(packr_type_s32()));
      CHECK(packr_type_equal(t, want));
      packr_type_free(want);
    }
    packr_type_free(t);
    t = NULL;
    CHECK_RC(packr_type_parse(texts[1], &t, NULL), OK);
    {
      const char *p = NULL;
      size_t n = 0;
      CHECK(packr_type_kind(t) == PACKR_KIND_RECORD);
      CHECK(packr_type_name(t, &p, &n) == OK && view_is(p, n, "point"));
    }
    packr_type_free(t);
    t = NULL;
    CHECK_RC(packr_type_parse(texts[2], &t, NULL), OK);
    CHECK(packr_type_kind(t) == PACKR_KIND_TUPLE && packr_type_len(t) == 2);
    packr_type_free(t);
    /* type -> text -> type */
    {
      packr_type *types[4];
      size_t k;
      types[0] = t_list(t_option(packr_type_s32()));
      types[1] = t_result(t_variant("expr"), t_record("expr"));
      types[2] = t_tuple2(packr_type_flags(), t_tuple2(packr_type_char(), packr_type_f64()));
      CHECK_RC(packr_type_tuple(NULL, 0, &types[3]), OK);
      for (k = 0; k < 4; k++) {
        packr_bytes *txt = NULL;
        packr_type *back = NULL;
        CHECK_RC(packr_type_to_text(types[k], &txt), OK);
        CHECK(txt != NULL && packr_bytes_data(txt)[packr_bytes_len(txt)] == '\0');
        if (!CHECK(packr_type_parse((const char *)packr_bytes_data(txt), &back, NULL) == OK &&
                   packr_type_equal(back, types[k])))
          fprintf(stderr, "    type text \"%s\"\n", (const char *)packr_bytes_data(txt));
        packr_type_free(back);
        packr_bytes_free(txt);
        packr_type_free(types[k]);
      }
    }
    /* Bad type text. */
    {
      packr_error *e = NULL;
      t = SENT_TYPE;
      CHECK_RC(packr_type_parse("list<", &t, &e), PACKR_RESULT_DECODE);
      CHECK(t == SENT_TYPE && e != NULL);
      packr_error_free(e);
    }
  }
}

int main(void) {
  test_version_and_result_names();
  test_bytes_and_error_null();
  test_scalars();
  test_floats();
  test_char();
  test_string();
  test_wrong_kind_accessors();
  test_types();
  test_containers();
  test_golden_valid();
  test_sexpr();
  test_golden_decode_accepts();
  test_golden_big();
  test_deep();
  test_decode_errors();
  test_encode_errors();
  test_error_out();
  test_null_args();
  test_consuming();
  test_text();

  printf("%lu passed, %lu failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
