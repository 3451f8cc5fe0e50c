/* Value tests: the text form (packr_value_to_text, packr_value_parse, packr_type_parse). */
#include "value_common.h"


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

void test_text(void) {
  size_t i;
  /* Round trips of every golden value. */
  for (i = 0; i < k_valid_count; i++) {
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
