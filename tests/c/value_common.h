/*
 * Shared by the value tests (test_value.c, value_containers.c, value_codec.c, value_text.c,
 * linked into one binary): the assertion framework, hex and encode/decode helpers, and value
 * builders. Definitions are in value_common.c.
 */
#ifndef PACKR_TESTS_VALUE_COMMON_H
#define PACKR_TESTS_VALUE_COMMON_H

#include "packr.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern unsigned long g_passed;
extern unsigned long g_failed;
extern char g_sentinel_storage[4];

#define CHECK(cond) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
#define CHECK_RC(call, want) \
  check_rc_at((uint32_t)(call), (uint32_t)(want), __FILE__, __LINE__, #call)
#define OK PACKR_RESULT_OK
#define INVALID PACKR_RESULT_INVALID_ARGUMENT
#define SENT_VALUE ((packr_value *)(void *)&g_sentinel_storage[0])
#define SENT_TYPE ((packr_type *)(void *)&g_sentinel_storage[1])
#define SENT_BYTES ((packr_bytes *)(void *)&g_sentinel_storage[2])
#define SENT_ERROR ((packr_error *)(void *)&g_sentinel_storage[3])
#define SENT_STR ((const char *)&g_sentinel_storage[0])
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int check_at(int ok, const char *file, int line, const char *expr);
int check_rc_at(uint32_t got, uint32_t want, const char *file, int line, const char *expr);
int view_is(const char *p, size_t len, const char *s);
int hexval(char c);
uint8_t *unhex(const char *hex, size_t *len_out);
void print_hex(const char *label, const uint8_t *p, size_t n);
float f32_from_bits(uint32_t b);
uint32_t f32_bits(float f);
double f64_from_bits(uint64_t b);
uint64_t f64_bits(double d);
packr_bytes *encode(const packr_value *v);
packr_value *decode_buf(const uint8_t *p, size_t n);
packr_value *decode_hex(const char *hex);
int encodes_to_hex(const packr_value *v, const char *hex);
int roundtrips(const packr_value *v);
int contains(const char *hay, const char *needle);
packr_value *str(const char *s);
packr_value *chr(uint32_t c);
packr_value *list_of(packr_type *elem, int n, ...);
packr_value *tuple_of(int n, ...);
packr_value *record_of(const char *name, int n, ...);
packr_value *variant_of(const char *type_name, const char *case_name, uint64_t tag, int n, ...);
packr_value *some(packr_type *t, packr_value *x);
packr_value *none(packr_type *t);
packr_value *ok_of(packr_type *okt, packr_type *errt, packr_value *x);
packr_value *err_of(packr_type *okt, packr_type *errt, packr_value *x);
packr_type *t_list(packr_type *elem);
packr_type *t_option(packr_type *inner);
packr_type *t_result(packr_type *ok, packr_type *err);
packr_type *t_tuple2(packr_type *a, packr_type *b);
packr_type *t_record(const char *name);
packr_type *t_variant(const char *name);
packr_value *sx_sym(const char *s);
packr_value *sx_num(int64_t n);
packr_value *nest_tuples(int depth);
packr_value *sx_lst3(packr_value *a, packr_value *b, packr_value *c);

/* The golden "valid/" vectors (value_golden.c): name, hex encoding, and a builder of the value. */
typedef packr_value *(*build_fn)(void);
struct golden_valid {
  const char *name;
  const char *hex;
  build_fn build;
};
extern const struct golden_valid k_valid[];
extern const size_t k_valid_count;
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
packr_value *b_sexpr_plus(void);
packr_value *b_record_point(void);
packr_value *b_string_with_nul(void);

/* The tests, one group per file. */
void test_version_and_result_names(void);
void test_bytes_and_error_null(void);
void test_scalars(void);
void test_floats(void);
void test_char(void);
void test_string(void);
void test_wrong_kind_accessors(void);
void test_types(void);
void test_containers(void);
void test_golden_valid(void);
void test_sexpr(void);
void test_golden_decode_accepts(void);
void test_golden_big(void);
void test_deep(void);
void test_decode_errors(void);
void test_encode_errors(void);
void test_error_out(void);
void test_null_args(void);
void test_consuming(void);
void test_text(void);

#endif
