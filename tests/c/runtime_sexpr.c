/* Runtime tests: the s-expression guest (recursive values across the boundary) and embedded
 * type metadata. */
#include "runtime_common.h"


/* ------------------------------------------------------------------------------------------ */
/* sexpr                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* Building expressions is the value API's business (test_value.c); here a failure is a
   harness error, not a counted check. */
static void must(uint32_t rc, const char *what) {
  if (rc != OK) {
    fprintf(stderr, "harness: %s failed: %s\n", what, packr_result_name(rc));
    exit(2);
  }
}

static packr_value *ex_sym(const char *s) {
  packr_value *v = NULL;
  must((uint32_t)packr_value_variant_new("expr", "sym", 0, &v), "variant_new");
  must((uint32_t)packr_value_push(v, str_value(s, strlen(s))), "push");
  return v;
}

static packr_value *ex_num(int64_t n) {
  packr_value *v = NULL;
  must((uint32_t)packr_value_variant_new("expr", "num", 1, &v), "variant_new");
  must((uint32_t)packr_value_push(v, packr_value_s64(n)), "push");
  return v;
}

/* lst(items...): consumes the items. */
static packr_value *ex_lst(size_t n, packr_value **items) {
  packr_value *v = NULL, *list = NULL;
  packr_type *t = NULL;
  size_t i;
  must((uint32_t)packr_type_variant("expr", &t), "type_variant");
  must((uint32_t)packr_value_list_new(t, &list), "list_new");
  for (i = 0; i < n; i++) must((uint32_t)packr_value_push(list, items[i]), "push");
  must((uint32_t)packr_value_variant_new("expr", "lst", 4, &v), "variant_new");
  must((uint32_t)packr_value_push(v, list), "push");
  return v;
}

static packr_value *ex3(packr_value *a, packr_value *b, packr_value *c) {
  packr_value *items[3];
  items[0] = a;
  items[1] = b;
  items[2] = c;
  return ex_lst(3, items);
}

/* The output is expr::num(want) / expr::sym(want_sym). Frees r. */
static int expect_expr_at(res r, const char *want_case, int64_t want_num, const char *want_sym,
                          const char *file, int line, const char *expr) {
  int ok = 0;
  packr_value *v = res_value(&r);
  const char *p = NULL;
  size_t n = 0;
  uint64_t tag = 99;
  if (v != NULL && packr_value_kind(v) == PACKR_KIND_VARIANT &&
      packr_value_type_name(v, &p, &n) == OK && view_is(p, n, "expr") &&
      packr_value_case_name(v, &p, &n) == OK && view_is(p, n, want_case) &&
      packr_value_tag(v, &tag) == OK && packr_value_len(v) == 1) {
    const packr_value *x = packr_value_get(v, 0);
    if (want_sym == NULL) {
      int64_t got = 0;
      ok = tag == 1 && packr_value_as_s64(x, &got) == OK && got == want_num;
      if (!ok) fprintf(stderr, "    got num %" PRId64 "\n", got);
    } else {
      ok = tag == 0 && packr_value_as_string(x, &p, &n) == OK && view_is(p, n, want_sym);
      if (!ok && p != NULL) fprintf(stderr, "    got sym \"%.*s\"\n", (int)n, p);
    }
  }
  if (!check_at(ok, file, line, expr) && r.rc != OK) print_res(&r);
  packr_value_free(v);
  res_free(&r);
  return ok;
}
#define EXPECT_NUM(call, want) expect_expr_at((call), "num", (want), NULL, __FILE__, __LINE__, #call)
#define EXPECT_SYM(call, want) expect_expr_at((call), "sym", 0, (want), __FILE__, __LINE__, #call)

/* (+ 1 (* 2 3)) */
static packr_value *golden_expr(void) {
  return ex3(ex_sym("+"), ex_num(1), ex3(ex_sym("*"), ex_num(2), ex_num(3)));
}

/* (+ 1 (+ 1 ... (+ 1 1))) with `levels` lists: evaluates to levels + 1. */
static packr_value *deep_expr(int levels) {
  packr_value *e = ex_num(1);
  int i;
  for (i = 0; i < levels; i++) e = ex3(ex_sym("+"), ex_num(1), e);
  return e;
}

void test_sexpr(void) {
  packr_builder *b = packr_builder_new();
  packr_composition *c;
  add_pkg(b, "sexpr", &g_sexpr);
  c = build(b);
  if (c == NULL) return;

  /* The golden bytes of valid/sexpr_list_plus_1_times_2_3 are what our value encodes to. */
  {
    packr_bytes *in = enc(golden_expr());
    static const char golden_hex[] = "43475246";
    char hex[9];
    size_t i;
    for (i = 0; i < 4 && i < packr_bytes_len(in); i++)
      snprintf(hex + 2 * i, 3, "%02x", packr_bytes_data(in)[i]);
    hex[8] = '\0';
    CHECK(strcmp(hex, golden_hex) == 0); /* "CGRF" magic */
    packr_bytes_free(in);
  }

  EXPECT_NUM(call_v(c, "sexpr", "eval", golden_expr()), 7);
  EXPECT_NUM(call_v(c, "sexpr", "eval_strict", golden_expr()), 7);
  EXPECT_S64(call_v(c, "sexpr", "count", golden_expr()), 7);
  EXPECT_S64(call_v(c, "sexpr", "depth", golden_expr()), 3);
  /* try_eval: Result{ok: S64 7}. */
  {
    res r = call_v(c, "sexpr", "try_eval", golden_expr());
    packr_value *v = res_value(&r);
    bool is_err = true;
    int64_t n = 0;
    CHECK(v != NULL && packr_value_kind(v) == PACKR_KIND_RESULT &&
          packr_value_is_err(v, &is_err) == OK && !is_err &&
          packr_value_as_s64(packr_value_get(v, 0), &n) == OK && n == 7);
    packr_value_free(v);
    res_free(&r);
  }
  /* Value mode: a 1-tuple is unwrapped once. */
  {
    packr_value *t = packr_value_tuple_new();
    CHECK_RC(packr_value_push(t, golden_expr()), OK);
    EXPECT_NUM(call_v(c, "sexpr", "eval", t), 7);
  }

  /* 200 levels deep: 201. count = 3 per level + 1, depth = levels + 1. */
  EXPECT_NUM(call_v(c, "sexpr", "eval", deep_expr(200)), 201);
  EXPECT_NUM(call_v(c, "sexpr", "eval_strict", deep_expr(200)), 201);
  EXPECT_S64(call_v(c, "sexpr", "count", deep_expr(200)), 601);
  EXPECT_S64(call_v(c, "sexpr", "depth", deep_expr(200)), 201);
  EXPECT_NUM(call_v(c, "sexpr", "eval", deep_expr(700)), 701);

  /* Wide: (+ 1 2 ... 10000) */
  {
    packr_value **items = (packr_value **)malloc(10001 * sizeof *items);
    int i;
    if (items != NULL) {
      items[0] = ex_sym("+");
      for (i = 1; i <= 10000; i++) items[i] = ex_num(i);
      EXPECT_NUM(call_v(c, "sexpr", "eval", ex_lst(10001, items)), 50005000);
      free(items);
    }
  }

  /* Errors: eval answers sym("error: ..."), eval_strict fails with GUEST. */
  EXPECT_SYM(call_v(c, "sexpr", "eval", ex3(ex_sym("frob"), ex_num(1), ex_num(2))),
             "error: unknown symbol: frob");
  EXPECT_FAIL(call_v(c, "sexpr", "eval_strict", ex3(ex_sym("frob"), ex_num(1), ex_num(2))),
              PACKR_RESULT_GUEST, "eval error: unknown symbol: frob", "sexpr.eval_strict");
  EXPECT_SYM(call_v(c, "sexpr", "eval", ex3(ex_sym("+"), ex_sym("x"), ex_num(2))),
             "error: unbound symbol: x");
  EXPECT_SYM(call_v(c, "sexpr", "eval", ex_lst(0, NULL)), "error: cannot evaluate empty list");
  EXPECT_SYM(call_v(c, "sexpr", "eval", ex3(ex_sym("*"), ex_num(INT64_MAX), ex_num(2))),
             "error: integer overflow");
  EXPECT_FAIL(call_v(c, "sexpr", "eval_strict", packr_value_s64(1)), PACKR_RESULT_GUEST,
              "eval error: bad shape");
  EXPECT_FAIL(call_raw(c, "sexpr", "eval_strict", (const uint8_t *)"CG", 2), PACKR_RESULT_GUEST,
              "decode error");
  EXPECT_S64(call_v(c, "sexpr", "count", packr_value_s64(1)), -1);
  {
    res r = call_v(c, "sexpr", "try_eval", ex3(ex_sym("frob"), ex_num(1), ex_num(2)));
    packr_value *v = res_value(&r);
    bool is_err = false;
    const char *p = NULL;
    size_t n = 0;
    CHECK(v != NULL && packr_value_is_err(v, &is_err) == OK && is_err &&
          packr_value_as_string(packr_value_get(v, 0), &p, &n) == OK &&
          view_is(p, n, "unknown symbol: frob"));
    packr_value_free(v);
    res_free(&r);
  }

  /* Too deep for the guest's 1 MiB shadow stack: a trap inside the guest's decoder; the
     instances are discarded and the next call works again. */
  EXPECT_FAIL(call_v(c, "sexpr", "eval", deep_expr(1500)), PACKR_RESULT_TRAP, "sexpr.eval",
              "re-instantiated");
  EXPECT_NUM(call_v(c, "sexpr", "eval", golden_expr()), 7);
  EXPECT_NUM(call_v(c, "sexpr", "eval", deep_expr(200)), 201);

  packr_composition_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Metadata                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* The value of field `name` of a record, or NULL. */
static const packr_value *field(const packr_value *rec, const char *name) {
  size_t i, n = packr_value_len(rec);
  for (i = 0; i < n; i++) {
    const char *p = NULL;
    size_t len = 0;
    if (packr_value_field_name(rec, i, &p, &len) == OK && view_is(p, len, name))
      return packr_value_get(rec, i);
  }
  return NULL;
}

static int str_is(const packr_value *v, const char *s) {
  const char *p = NULL;
  size_t n = 0;
  return v != NULL && packr_value_as_string(v, &p, &n) == OK && view_is(p, n, s);
}

static int type_name_is(const packr_value *v, const char *s) {
  const char *p = NULL;
  size_t n = 0;
  return v != NULL && packr_value_type_name(v, &p, &n) == OK && view_is(p, n, s);
}

static int case_is(const packr_value *v, const char *s) {
  const char *p = NULL;
  size_t n = 0;
  return v != NULL && packr_value_case_name(v, &p, &n) == OK && view_is(p, n, s);
}

/* Checks one function-sig: interface, name, one s64 param named pname, one s64 result. */
static void check_sig(const packr_value *sig, const char *iface, const char *name,
                      const char *pname) {
  const packr_value *params = field(sig, "params"), *results = field(sig, "results");
  const packr_value *p0 = packr_value_get(params, 0);
  CHECK(packr_value_kind(sig) == PACKR_KIND_RECORD && type_name_is(sig, "function-sig"));
  CHECK(str_is(field(sig, "interface"), iface));
  CHECK(str_is(field(sig, "name"), name));
  CHECK(packr_value_kind(params) == PACKR_KIND_LIST && packr_value_len(params) == 1);
  CHECK(str_is(field(p0, "name"), pname));
  CHECK(type_name_is(field(p0, "type"), "type-desc") && case_is(field(p0, "type"), "s64"));
  CHECK(packr_value_kind(results) == PACKR_KIND_LIST && packr_value_len(results) == 1);
  CHECK(case_is(packr_value_get(results, 0), "s64"));
}

void test_metadata(void) {
  packr_composition *c = build_adder_doubler();
  packr_bytes *md = SENT_BYTES, *md2 = NULL;
  packr_error *e = SENT_ERROR;
  if (c == NULL) return;

  CHECK_RC(packr_composition_types(c, "adder", &md, &e), OK);
  CHECK(e == NULL && md != SENT_BYTES && md != NULL);
  if (md != NULL && md != SENT_BYTES) {
    packr_value *v = decode(packr_bytes_data(md), packr_bytes_len(md));
    const packr_value *imports = field(v, "imports"), *exports = field(v, "exports");
    CHECK(v != NULL && packr_value_kind(v) == PACKR_KIND_RECORD);
    CHECK(type_name_is(v, "package-metadata"));
    CHECK(packr_value_kind(imports) == PACKR_KIND_LIST && packr_value_len(imports) == 1);
    check_sig(packr_value_get(imports, 0), "math", "double", "n");
    CHECK(packr_value_kind(exports) == PACKR_KIND_LIST && packr_value_len(exports) == 1);
    check_sig(packr_value_get(exports, 0), "", "process", "n");
    CHECK(field(v, "import-hashes") != NULL && field(v, "export-hashes") != NULL);
    packr_value_free(v);

    /* Cached: the same bytes again. */
    CHECK_RC(packr_composition_types(c, "adder", &md2, NULL), OK);
    CHECK(md2 != NULL && packr_bytes_len(md2) == packr_bytes_len(md) &&
          memcmp(packr_bytes_data(md2), packr_bytes_data(md), packr_bytes_len(md)) == 0);
    packr_bytes_free(md2);
    packr_bytes_free(md);
  }
  /* doubler: no imports, exports double. */
  md = NULL;
  CHECK_RC(packr_composition_types(c, "doubler", &md, NULL), OK);
  if (md != NULL) {
    packr_value *v = decode(packr_bytes_data(md), packr_bytes_len(md));
    CHECK(packr_value_len(field(v, "imports")) == 0);
    CHECK(packr_value_len(field(v, "exports")) == 1);
    check_sig(packr_value_get(field(v, "exports"), 0), "", "double", "n");
    packr_value_free(v);
    packr_bytes_free(md);
  }
  /* Unknown package: NOT_FOUND naming it. */
  md = SENT_BYTES;
  e = SENT_ERROR;
  CHECK_RC(packr_composition_types(c, "subtractor", &md, &e), PACKR_RESULT_NOT_FOUND);
  CHECK(md == SENT_BYTES && e != NULL && e != SENT_ERROR);
  if (e != NULL && e != SENT_ERROR) {
    CHECK(packr_error_code(e) == PACKR_RESULT_NOT_FOUND);
    CHECK_HAS(packr_error_message(e), "subtractor");
    packr_error_free(e);
  }
  /* Calls still work, metadata and calls share the instances. */
  EXPECT_S64(call_s64(c, "adder", "process", 5), 11);
  packr_composition_free(c);
}
