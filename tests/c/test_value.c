/*
 * C tests for libpackr's value and type API (include/packr.h): scalars, strings and names
 * here; containers and types in value_containers.c, the CGRF codec in value_codec.c and the
 * text form in value_text.c, all linked into one binary with value_common.c.
 *
 * Compiled as C11 and as C++17 (see Makefile), with -Wall -Wextra -Wpedantic -Werror, and run
 * plain, under ASan+UBSan (LeakSanitizer catches leaked handles), under valgrind and linked
 * statically. Prints one line per failed check and ends with "N passed, M failed"; exits
 * non-zero when M > 0.
 *
 * Golden vectors are copied from tests/data/golden-vectors.txt (produced by packr-abi 0.5.4).
 */
#include "value_common.h"


/* ------------------------------------------------------------------------------------------ */
/* Tests                                                                                       */
/* ------------------------------------------------------------------------------------------ */

void test_version_and_result_names(void) {
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

void test_bytes_and_error_null(void) {
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
void test_scalars(void) {
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
void test_floats(void) {
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

void test_char(void) {
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

void test_string(void) {
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

void test_wrong_kind_accessors(void) {
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
