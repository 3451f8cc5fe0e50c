/* Decoded values (packr_value_decode) read in place from their CGRF bytes: every accessor on a
 * decoded value and on its borrowed children must agree with the same value built by hand or
 * parsed; modifying or consuming a decoded value turns it into a tree first; views of decoded
 * nodes can be read from several threads at once (run under TSan by `make decoded-tsan`). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packr.h"

static int g_passed, g_failed;

static int check_at(int ok, const char *file, int line, const char *expr) {
  if (ok) {
    g_passed++;
    return 1;
  }
  g_failed++;
  fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
  return 0;
}
#define CHECK(cond) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
#define CHECK_RC(call, want) CHECK((uint32_t)(call) == (uint32_t)(want))

/* The value used throughout: every container kind a decoded document holds, a packed list,
 * names and strings on both sides of the 24-byte inline limit. */
static const char *TEXT =
    "rec{"
    "\"a field name longer than twenty-four bytes\": \"a string longer than twenty-four bytes\", "
    "xs: [1s32, 2s32, 3s32], "
    "bytes: list<u8>[7u8, 8u8], "
    "words: [\"a\", \"b\"], "
    "opt: some(5u8), "
    "none: none<string>, "
    "res: err<s32, _>(\"bad\"), "
    "tree: t::node#9(t::leaf#0(1), t::leaf#0(2)), "
    "unit: (), "
    "ch: 'x'"
    "}";

static packr_value *parse(const char *text) {
  packr_value *v = NULL;
  packr_error *e = NULL;
  if (packr_value_parse(text, &v, &e) != PACKR_RESULT_OK) {
    fprintf(stderr, "parse: %s\n", packr_error_message(e));
    packr_error_free(e);
  }
  return v;
}

static packr_type *type_of(const char *text) {
  packr_type *t = NULL;
  if (packr_type_parse(text, &t, NULL) != PACKR_RESULT_OK) return NULL;
  return t;
}

static packr_bytes *encode(const packr_value *v) {
  packr_bytes *b = NULL;
  if (packr_value_encode(v, &b, NULL) != PACKR_RESULT_OK) return NULL;
  return b;
}

static packr_value *decode(const packr_bytes *b) {
  packr_value *v = NULL;
  if (packr_value_decode(packr_bytes_data(b), packr_bytes_len(b), &v, NULL) != PACKR_RESULT_OK)
    return NULL;
  return v;
}

static int text_is(const packr_value *v, const char *want) {
  packr_bytes *t = NULL;
  int ok;
  if (packr_value_to_text(v, &t, NULL) != PACKR_RESULT_OK) return 0;
  ok = strcmp((const char *)packr_bytes_data(t), want) == 0;
  if (!ok) fprintf(stderr, "    got  %s\n    want %s\n", (const char *)packr_bytes_data(t), want);
  packr_bytes_free(t);
  return ok;
}

static int same_bytes(const packr_bytes *a, const packr_bytes *b) {
  return a && b && packr_bytes_len(a) == packr_bytes_len(b) &&
         memcmp(packr_bytes_data(a), packr_bytes_data(b), packr_bytes_len(a)) == 0;
}

static int name_is(packr_result rc, const char *p, size_t n, const char *want) {
  return rc == PACKR_RESULT_OK && n == strlen(want) && memcmp(p, want, n) == 0;
}

/* Every accessor of `d` (decoded) and `t` (a tree) agrees, all the way down. */
static void agree(const packr_value *d, const packr_value *t) {
  size_t i, n = packr_value_len(t);
  const char *p1, *p2;
  size_t n1, n2;
  uint64_t g1, g2;
  bool e1, e2;
  packr_kind k = packr_value_kind(t);
  CHECK(packr_value_kind(d) == k);
  CHECK(packr_value_len(d) == n);
  CHECK(packr_value_equal(d, t) && packr_value_equal(t, d));
  CHECK((packr_value_type_name(d, &p1, &n1) == PACKR_RESULT_OK) ==
        (packr_value_type_name(t, &p2, &n2) == PACKR_RESULT_OK));
  if (packr_value_type_name(t, &p2, &n2) == PACKR_RESULT_OK) {
    CHECK(packr_value_type_name(d, &p1, &n1) == PACKR_RESULT_OK && n1 == n2 &&
          memcmp(p1, p2, n1) == 0);
  }
  if (k == PACKR_KIND_VARIANT) {
    CHECK_RC(packr_value_case_name(d, &p1, &n1), PACKR_RESULT_OK);
    CHECK_RC(packr_value_case_name(t, &p2, &n2), PACKR_RESULT_OK);
    CHECK(n1 == n2 && memcmp(p1, p2, n1) == 0);
    CHECK(packr_value_tag(d, &g1) == PACKR_RESULT_OK && packr_value_tag(t, &g2) == PACKR_RESULT_OK &&
          g1 == g2);
  } else {
    CHECK_RC(packr_value_tag(d, &g1), PACKR_RESULT_INVALID_ARGUMENT);
  }
  if (k == PACKR_KIND_RECORD) {
    for (i = 0; i < n; i++) {
      CHECK(packr_value_field_name(d, i, &p1, &n1) == PACKR_RESULT_OK &&
            packr_value_field_name(t, i, &p2, &n2) == PACKR_RESULT_OK && n1 == n2 &&
            memcmp(p1, p2, n1) == 0);
    }
    CHECK_RC(packr_value_field_name(d, n, &p1, &n1), PACKR_RESULT_NOT_FOUND);
  }
  if (k == PACKR_KIND_RESULT) {
    CHECK(packr_value_is_err(d, &e1) == PACKR_RESULT_OK &&
          packr_value_is_err(t, &e2) == PACKR_RESULT_OK && e1 == e2);
    CHECK(packr_type_equal(packr_value_ok_type(d), packr_value_ok_type(t)));
    CHECK(packr_type_equal(packr_value_err_type(d), packr_value_err_type(t)));
  }
  CHECK((packr_value_elem_type(d) == NULL) == (packr_value_elem_type(t) == NULL));
  if (packr_value_elem_type(t) != NULL)
    CHECK(packr_type_equal(packr_value_elem_type(d), packr_value_elem_type(t)));
  if (k == PACKR_KIND_STRING) {
    CHECK(packr_value_as_string(d, &p1, &n1) == PACKR_RESULT_OK &&
          packr_value_as_string(t, &p2, &n2) == PACKR_RESULT_OK && n1 == n2 &&
          memcmp(p1, p2, n1) == 0);
  } else {
    CHECK_RC(packr_value_as_string(d, &p1, &n1), PACKR_RESULT_INVALID_ARGUMENT);
  }
  for (i = 0; i < n; i++) agree(packr_value_get(d, i), packr_value_get(t, i));
  CHECK(packr_value_get(d, n) == NULL);
}

static void test_reading(void) {
  packr_value *t = parse(TEXT);
  packr_bytes *b = encode(t);
  packr_value *d = decode(b);
  const packr_value *s, *tree;
  const char *p;
  size_t n;
  uint8_t u8;
  uint32_t ch;
  packr_bytes *b2;
  if (!CHECK(t && b && d)) return;
  agree(d, t);
  /* Text, encoding and scalar reads on a decoded value. */
  b2 = encode(d);
  CHECK(same_bytes(b, b2));
  packr_bytes_free(b2);
  {
    packr_bytes *t1 = NULL, *t2 = NULL;
    CHECK_RC(packr_value_to_text(d, &t1, NULL), PACKR_RESULT_OK);
    CHECK_RC(packr_value_to_text(t, &t2, NULL), PACKR_RESULT_OK);
    CHECK(same_bytes(t1, t2));
    packr_bytes_free(t1);
    packr_bytes_free(t2);
  }
  s = packr_value_get(d, 0);
  CHECK(packr_value_as_string(s, &p, &n) == PACKR_RESULT_OK &&
        n == strlen("a string longer than twenty-four bytes") &&
        memcmp(p, "a string longer than twenty-four bytes", n) == 0);
  {
    packr_result rc = packr_value_field_name(d, 0, &p, &n);
    CHECK(name_is(rc, p, n, "a field name longer than twenty-four bytes"));
  }
  CHECK(packr_value_as_u8(packr_value_get(packr_value_get(d, 2), 1), &u8) == PACKR_RESULT_OK &&
        u8 == 8);
  CHECK(packr_value_as_u8(packr_value_get(packr_value_get(d, 4), 0), &u8) == PACKR_RESULT_OK &&
        u8 == 5);
  CHECK(packr_value_as_char(packr_value_get(d, 9), &ch) == PACKR_RESULT_OK && ch == 'x');
  /* A container read as a scalar: the usual error, naming both kinds. */
  {
    CHECK_RC(packr_value_as_u8(d, &u8), PACKR_RESULT_INVALID_ARGUMENT);
    CHECK_RC(packr_value_push(d, NULL), PACKR_RESULT_INVALID_ARGUMENT);
    /* Maps and sets are never part of a decoded document, but asking is fine. */
    CHECK(packr_value_key_type(d) == NULL && packr_value_map_find(d, s) == NULL);
    CHECK(!packr_value_set_contains(d, s));
  }
  /* Copies: of the whole decoded value, and of a child view. */
  tree = packr_value_get(d, 7);
  {
    packr_value *c1 = packr_value_clone(d);
    packr_value *c2 = packr_value_clone(tree);
    CHECK(c1 && packr_value_equal(c1, t));
    CHECK(c2 && text_is(c2, "t::node#9(t::leaf#0(1), t::leaf#0(2))"));
    agree(c1, t);
    packr_value_free(c1);
    packr_value_free(c2);
  }
  packr_value_free(d);
  packr_bytes_free(b);
  packr_value_free(t);
}

static void test_modifying_and_consuming(void) {
  packr_value *t = parse("[t::leaf#0(1), t::leaf#0(2)]");
  packr_bytes *b = encode(t);
  packr_value *d = decode(b), *d2 = decode(b), *d3 = decode(b), *item = NULL, *list = NULL;
  const packr_value *view;
  if (!CHECK(t && b && d && d2 && d3)) return;
  /* Pushing onto a decoded list turns it into a tree in place: same handle. */
  CHECK_RC(packr_value_push(d, packr_value_s64(3)), PACKR_RESULT_OK);
  CHECK(packr_value_len(d) == 3);
  CHECK(text_is(d, "[t::leaf#0(1), t::leaf#0(2), 3]"));
  /* A decoded value handed to a function that consumes it. */
  CHECK_RC(packr_value_push(d, d2), PACKR_RESULT_OK);
  CHECK(text_is(d, "[t::leaf#0(1), t::leaf#0(2), 3, [t::leaf#0(1), t::leaf#0(2)]]"));
  CHECK_RC(packr_value_option_some(type_of("s64"), d3, &item), PACKR_RESULT_OK);
  /* A view of a decoded node can be neither modified nor consumed: a clear error. */
  {
    packr_value *fresh = decode(b);
    view = packr_value_get(fresh, 0);
    CHECK(view != NULL);
    CHECK_RC(packr_value_push((packr_value *)view, packr_value_s64(1)),
             PACKR_RESULT_INVALID_ARGUMENT);
    CHECK_RC(packr_value_list_new(type_of("string"), &list), PACKR_RESULT_OK);
    CHECK_RC(packr_value_push(list, (packr_value *)view), PACKR_RESULT_INVALID_ARGUMENT);
    /* A view is never owned: the refused push freed nothing, and the view still reads. */
    CHECK(packr_value_kind(view) == PACKR_KIND_VARIANT);
    CHECK(packr_value_len(fresh) == 2); /* untouched */
    packr_value_free(fresh);
  }
  packr_value_free(list);
  packr_value_free(item);
  packr_value_free(d);
  packr_bytes_free(b);
  packr_value_free(t);
}

/* Several threads read one decoded value at once. */
struct reader {
  const packr_value *d;
  const packr_value *t;
  int ok;
};

static void *read_all(void *arg) {
  struct reader *r = (struct reader *)arg;
  int i;
  r->ok = 1;
  for (i = 0; i < 200; i++) {
    const char *p;
    size_t n;
    const packr_value *tree = packr_value_get(r->d, 7);
    if (!packr_value_equal(r->d, r->t)) r->ok = 0;
    if (packr_value_case_name(tree, &p, &n) != PACKR_RESULT_OK || n != 4) r->ok = 0;
    if (packr_value_len(packr_value_get(r->d, 1)) != 3) r->ok = 0;
  }
  return NULL;
}

static void test_threads(void) {
  packr_value *t = parse(TEXT);
  packr_bytes *b = encode(t);
  packr_value *d = decode(b);
  pthread_t th[4];
  struct reader r[4];
  int i;
  if (!CHECK(t && b && d)) return;
  for (i = 0; i < 4; i++) {
    r[i].d = d;
    r[i].t = t;
    CHECK(pthread_create(&th[i], NULL, read_all, &r[i]) == 0);
  }
  for (i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK(r[i].ok);
  }
  packr_value_free(d);
  packr_bytes_free(b);
  packr_value_free(t);
}

/* A call that fails (a value of the wrong kind) leaves a decoded value as it was: views taken
 * before the call still read (ASan and valgrind would catch a view left dangling). */
static void test_failed_calls_keep_views(void) {
  packr_value *t = parse("(\"a string longer than twenty-four bytes\", [1u8, 2u8], 5s32)");
  packr_bytes *b = encode(t);
  packr_value *d = decode(b);
  const packr_value *s, *x;
  const char *p = NULL;
  size_t n = 0;
  if (!CHECK(t && b && d)) return;
  s = packr_value_get(d, 0);
  x = packr_value_get(d, 2);
  CHECK_RC(packr_value_record_push(d, "f", packr_value_s64(1)), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_value_map_insert(d, packr_value_s64(1), packr_value_s64(2), NULL),
           PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_value_set_insert(d, packr_value_s64(1), NULL), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK(packr_value_get(d, 0) == s); /* still the same document node */
  CHECK_RC(packr_value_as_string(s, &p, &n), PACKR_RESULT_OK);
  CHECK(n == 38 && memcmp(p, "a string longer than twenty-four bytes", n) == 0);
  CHECK(packr_value_kind(x) == PACKR_KIND_S32);
  CHECK(text_is(d, "(\"a string longer than twenty-four bytes\", [1u8, 2u8], 5s32)"));
  /* A decoded record refuses pushes before it changes, too. */
  {
    packr_value *r = parse("rec{a: \"x\", b: [1s32]}");
    packr_bytes *rb = encode(r);
    packr_value *rd = decode(rb);
    const packr_value *a = packr_value_get(rd, 0);
    CHECK_RC(packr_value_push(rd, packr_value_s64(1)), PACKR_RESULT_INVALID_ARGUMENT);
    CHECK_RC(packr_value_as_string(a, &p, &n), PACKR_RESULT_OK);
    CHECK(n == 1 && p[0] == 'x');
    CHECK_RC(packr_value_record_push(rd, "c", packr_value_bool(true)), PACKR_RESULT_OK);
    CHECK(text_is(rd, "rec{a: \"x\", b: [1s32], c: true}"));
    packr_value_free(rd);
    packr_bytes_free(rb);
    packr_value_free(r);
  }
  packr_value_free(d);
  packr_bytes_free(b);
  packr_value_free(t);
}

/* A packed list inside a decoded value (list<u8>) and its items are views like any other: they
 * read, but cannot be modified, consumed or freed. */
static void test_packed_list_views(void) {
  packr_value *t = parse("(list<u8>[1u8, 2u8, 3u8], \"x\")");
  packr_bytes *b = encode(t);
  packr_value *d = decode(b), *list = NULL;
  const packr_value *bytes, *item;
  uint8_t u = 0;
  if (!CHECK(t && b && d)) return;
  bytes = packr_value_get(d, 0);
  item = packr_value_get(bytes, 1);
  CHECK(packr_value_kind(bytes) == PACKR_KIND_LIST && packr_value_len(bytes) == 3);
  CHECK_RC(packr_value_as_u8(item, &u), PACKR_RESULT_OK);
  CHECK(u == 2);
  CHECK_RC(packr_value_push((packr_value *)bytes, packr_value_u8(4)),
           PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_value_list_new(type_of("list<u8>"), &list), PACKR_RESULT_OK);
  CHECK_RC(packr_value_push(list, (packr_value *)bytes), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_value_push(list, (packr_value *)item), PACKR_RESULT_INVALID_ARGUMENT);
  {
    packr_value *some = NULL;
    CHECK_RC(packr_value_option_some(type_of("u8"), (packr_value *)item, &some),
             PACKR_RESULT_INVALID_ARGUMENT);
    CHECK(some == NULL);
  }
  packr_value_free((packr_value *)bytes); /* does nothing */
  packr_value_free((packr_value *)item);  /* does nothing */
  CHECK(packr_value_len(list) == 0);
  CHECK(packr_value_len(bytes) == 3);
  CHECK_RC(packr_value_as_u8(packr_value_get(bytes, 2), &u), PACKR_RESULT_OK);
  CHECK(u == 3);
  CHECK(text_is(d, "([1u8, 2u8, 3u8], \"x\")"));
  packr_value_free(list);
  packr_value_free(d);
  packr_bytes_free(b);
  packr_value_free(t);
}

/* Type views (packr_value_elem_type and friends), of a decoded value and of a tree: consuming
 * functions refuse them and packr_type_free ignores them. */
static void test_type_views(void) {
  packr_value *t = parse("([1s32, 2s32], some(5u8))");
  packr_bytes *b = encode(t);
  packr_value *d = decode(b), *l = NULL;
  const packr_value *owners[2];
  int i;
  if (!CHECK(t && b && d)) return;
  owners[0] = packr_value_get(d, 0);
  owners[1] = packr_value_get(t, 0);
  for (i = 0; i < 2; i++) {
    const packr_type *et = packr_value_elem_type(owners[i]);
    CHECK(et != NULL && packr_type_kind(et) == PACKR_KIND_S32);
    CHECK_RC(packr_value_list_new((packr_type *)et, &l), PACKR_RESULT_INVALID_ARGUMENT);
    CHECK(l == NULL);
    {
      packr_type *tl = NULL;
      CHECK_RC(packr_type_list((packr_type *)et, &tl), PACKR_RESULT_INVALID_ARGUMENT);
      CHECK(tl == NULL);
    }
    {
      /* A tuple of an owned type and a view: the owned one is consumed, the view refused. */
      packr_type *items[2], *tt = NULL;
      items[0] = packr_type_string();
      items[1] = (packr_type *)et;
      CHECK_RC(packr_type_tuple(items, 2, &tt), PACKR_RESULT_INVALID_ARGUMENT);
      CHECK(tt == NULL);
    }
    packr_type_free((packr_type *)et); /* does nothing */
    CHECK(packr_type_kind(packr_value_elem_type(owners[i])) == PACKR_KIND_S32);
    {
      packr_type *copy = packr_type_clone(et);
      CHECK(copy != NULL && packr_type_equal(copy, et));
      CHECK_RC(packr_value_list_new(copy, &l), PACKR_RESULT_OK);
      packr_value_free(l);
      l = NULL;
    }
  }
  CHECK(text_is(d, "([1s32, 2s32], some(5u8))"));
  packr_value_free(d);
  packr_bytes_free(b);
  packr_value_free(t);
}

/* A map's value from packr_value_map_find is a view too; and a record field's name may point
 * into the value being pushed (run under ASan/valgrind: the name is copied before the value
 * is consumed). */
static void test_other_views(void) {
  packr_value *m = NULL, *k = NULL, *probe = NULL, *list = NULL, *s = NULL;
  packr_value *rec = parse("rec{a: 1s32}");
  const packr_value *found;
  const char *p = NULL;
  size_t n = 0;
  CHECK_RC(packr_value_map_new(packr_type_string(), type_of("list<s32>"), &m), PACKR_RESULT_OK);
  CHECK_RC(packr_value_string("k", 1, &k), PACKR_RESULT_OK);
  CHECK_RC(packr_value_map_insert(m, k, parse("[1s32, 2s32]"), NULL), PACKR_RESULT_OK);
  CHECK_RC(packr_value_string("k", 1, &probe), PACKR_RESULT_OK);
  found = packr_value_map_find(m, probe);
  if (CHECK(found != NULL)) {
    CHECK_RC(packr_value_push((packr_value *)found, packr_value_s64(3)),
             PACKR_RESULT_INVALID_ARGUMENT);
    CHECK_RC(packr_value_list_new(type_of("list<s32>"), &list), PACKR_RESULT_OK);
    CHECK_RC(packr_value_push(list, (packr_value *)found), PACKR_RESULT_INVALID_ARGUMENT);
    packr_value_free((packr_value *)found); /* does nothing */
    CHECK(packr_value_len(packr_value_map_find(m, probe)) == 2);
    CHECK(packr_value_len(list) == 0);
  }
  /* "fld\0": the bytes of the string happen to form a NUL-terminated name. */
  CHECK_RC(packr_value_string("fld", 4, &s), PACKR_RESULT_OK);
  CHECK_RC(packr_value_as_string(s, &p, &n), PACKR_RESULT_OK);
  if (CHECK(rec != NULL && n == 4)) {
    CHECK_RC(packr_value_record_push(rec, p, s), PACKR_RESULT_OK);
    CHECK_RC(packr_value_field_name(rec, 1, &p, &n), PACKR_RESULT_OK);
    CHECK(n == 3 && memcmp(p, "fld", 3) == 0);
  }
  packr_value_free(rec);
  packr_value_free(list);
  packr_value_free(probe);
  packr_value_free(m);
}

int main(void) {
  test_reading();
  test_modifying_and_consuming();
  test_failed_calls_keep_views();
  test_packed_list_views();
  test_type_views();
  test_other_views();
  test_threads();
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
