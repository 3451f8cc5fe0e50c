/* Value tests: types, containers, error reporting, NULL arguments and consumed arguments. */
#include "value_common.h"


/* Type descriptors: every constructor and accessor. */
void test_types(void) {
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
void test_containers(void) {
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
    /* A child view cannot be modified (the container must be owned): a clear error, and the
     * pushed item is still consumed. */
    CHECK_RC(packr_value_push((packr_value *)packr_value_get(t, 2), packr_value_bool(true)),
             PACKR_RESULT_INVALID_ARGUMENT);
    CHECK(packr_value_len(packr_value_get(t, 2)) == 0);
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

/* error_out: NULL on success, an owned error on failure, and NULL error_out is accepted. */
void test_error_out(void) {
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
void test_null_args(void) {
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
void test_consuming(void) {
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
