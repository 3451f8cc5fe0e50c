/* Typed wiring and text signatures from C: wires between packr-guest 0.5.4, 0.24.1 and C
 * packages whose declared signatures match build; a mismatch fails with PACKR_RESULT_LINK
 * naming both sides; packr_builder_wire_unchecked builds it anyway; packr_composition_signature
 * and packr_composition_signatures print both generations' metadata; the raw metadata of a
 * 0.24 package shows type-params, ref, map and set.
 * Usage: test_wiring GUEST_DIR C_GUEST_DIR. Prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "packr.h"

static int passed, failed;
#define CHECK(cond, ...)                                              \
  do {                                                                \
    if (cond) {                                                       \
      passed++;                                                       \
    } else {                                                          \
      failed++;                                                       \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                   \
      fprintf(stderr, "\n");                                          \
    }                                                                 \
  } while (0)

static const char *dir, *cdir;

/* Adds DIR/FILE.wasm as NAME; a "c_" prefix on NAME means the C package FILE. */
static void add(packr_builder *b, const char *name) {
  char path[1024];
  packr_error *err = NULL;
  if (strncmp(name, "c_", 2) == 0)
    snprintf(path, sizeof path, "%s/%s.wasm", cdir, name + 2);
  else
    snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
  packr_result r = packr_builder_add_package_file(b, name, path, &err);
  CHECK(r == PACKR_RESULT_OK, "%s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
}

static void wire(packr_builder *b, const char *t, const char *m, const char *n, const char *s,
                 const char *e) {
  packr_error *err = NULL;
  packr_result r = packr_builder_wire(b, t, m, n, s, e, &err);
  CHECK(r == PACKR_RESULT_OK, "%s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
}

/* Calls pkg.fn(s64 n); returns the s64 result through *out. */
static packr_result call_s64(packr_composition *c, const char *pkg, const char *fn, int64_t n,
                             int64_t *out) {
  packr_value *arg = packr_value_s64(n), *res = NULL;
  packr_bytes *in = NULL, *o = NULL;
  packr_result r = packr_value_encode(arg, &in, NULL);
  if (r == PACKR_RESULT_OK)
    r = packr_composition_call(c, pkg, fn, packr_bytes_data(in), packr_bytes_len(in), &o, NULL);
  if (r == PACKR_RESULT_OK) r = packr_value_decode(packr_bytes_data(o), packr_bytes_len(o), &res, NULL);
  if (r == PACKR_RESULT_OK) r = packr_value_as_s64(res, out);
  packr_value_free(res);
  packr_bytes_free(o);
  packr_bytes_free(in);
  packr_value_free(arg);
  return r;
}

static void matching_wires_build(void) {
  packr_builder *b = packr_builder_new();
  const char *pkgs[] = {"adder", "doubler", "cur_adder", "cur_doubler", "c_adder", "c_doubler"};
  for (size_t i = 0; i < sizeof pkgs / sizeof *pkgs; i++) add(b, pkgs[i]);
  wire(b, "adder", "math", "double", "cur_doubler", "double");  /* 0.5.4 -> 0.24 */
  wire(b, "cur_adder", "math", "double", "doubler", "double");  /* 0.24 -> 0.5.4 */
  wire(b, "cur_adder", "calc", "scale", "cur_doubler", "add");  /* (n, k) vs (a, b) */
  wire(b, "cur_adder", "ops", "square", "c_doubler", "double"); /* 0.24 -> C */
  wire(b, "c_adder", "math", "double", "doubler", "double");    /* C -> 0.5.4 */
  packr_composition *c = NULL;
  packr_error *err = NULL;
  packr_result r = packr_builder_build(b, &c, &err);
  CHECK(r == PACKR_RESULT_OK, "build: %s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
  if (!c) return;
  const char *callers[] = {"adder", "cur_adder", "c_adder"};
  for (size_t i = 0; i < 3; i++) {
    int64_t got = 0;
    r = call_s64(c, callers[i], "process", 20, &got);
    CHECK(r == PACKR_RESULT_OK && got == 41, "%s.process(20) = %lld (%s)", callers[i], (long long)got,
          packr_result_name(r));
  }
  packr_composition_free(c);
}

static packr_composition *build_mismatch(int unchecked, packr_error **err) {
  packr_builder *b = packr_builder_new();
  add(b, "adder");
  add(b, "cur_doubler");
  packr_result r = unchecked
                       ? packr_builder_wire_unchecked(b, "adder", "math", "double", "cur_doubler", "shout", NULL)
                       : packr_builder_wire(b, "adder", "math", "double", "cur_doubler", "shout", NULL);
  CHECK(r == PACKR_RESULT_OK, "wire: %s", packr_result_name(r));
  packr_composition *c = NULL;
  r = packr_builder_build(b, &c, err);
  return r == PACKR_RESULT_OK ? c : NULL;
}

static void mismatch_fails_and_opt_out_builds(void) {
  packr_error *err = NULL;
  packr_composition *c = build_mismatch(0, &err);
  CHECK(c == NULL && packr_error_code(err) == PACKR_RESULT_LINK, "code %s",
        packr_result_name(packr_error_code(err)));
  const char *msg = err ? packr_error_message(err) : "";
  const char *parts[] = {"package adder", "math.double", "func(n: s64) -> s64", "package cur_doubler",
                         "shout", "func(s: string) -> string", "packr_builder_wire_unchecked"};
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
    CHECK(strstr(msg, parts[i]) != NULL, "%s missing in: %s", parts[i], msg);
  packr_error_free(err);
  packr_composition_free(c);

  err = NULL;
  c = build_mismatch(1, &err);
  CHECK(c != NULL, "unchecked build: %s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
  if (c) {
    int64_t got = 0;
    packr_result r = call_s64(c, "adder", "process", 20, &got);
    /* Built as asked; the types really disagree, so the call fails (not at link time). */
    CHECK(r != PACKR_RESULT_OK && r != PACKR_RESULT_LINK, "call: %s", packr_result_name(r));
    packr_composition_free(c);
  }

  /* NULL and bad arguments of the opt-out. */
  packr_builder *b = packr_builder_new();
  CHECK(packr_builder_wire_unchecked(NULL, "a", "m", "n", "s", "e", NULL) == PACKR_RESULT_INVALID_ARGUMENT, "NULL b");
  CHECK(packr_builder_wire_unchecked(b, "a", NULL, "n", "s", "e", NULL) == PACKR_RESULT_INVALID_ARGUMENT, "NULL m");
  CHECK(packr_builder_wire_unchecked(b, "a", "m", "n", "s", "\xff", NULL) == PACKR_RESULT_INVALID_ARGUMENT, "UTF-8");
  packr_builder_free(b);
}

/* packr_composition_signature as a string (malloc'd), or NULL with *code set. */
static char *sig(packr_composition *c, const char *pkg, uint32_t kind, const char *iface, const char *name,
                 packr_result *code) {
  packr_bytes *t = NULL;
  *code = packr_composition_signature(c, pkg, kind, iface, name, &t, NULL);
  if (*code != PACKR_RESULT_OK) return NULL;
  char *s = malloc(packr_bytes_len(t) + 1);
  memcpy(s, packr_bytes_data(t), packr_bytes_len(t) + 1);
  packr_bytes_free(t);
  return s;
}

static void expect_sig(packr_composition *c, const char *pkg, uint32_t kind, const char *iface,
                       const char *name, const char *want) {
  packr_result code;
  char *got = sig(c, pkg, kind, iface, name, &code);
  CHECK(got && strcmp(got, want) == 0, "%s %s: got %s, want %s", pkg, name, got ? got : packr_result_name(code),
        want);
  free(got);
}

static char *all_sigs(packr_composition *c, const char *pkg) {
  packr_bytes *t = NULL;
  packr_error *err = NULL;
  packr_result r = packr_composition_signatures(c, pkg, &t, &err);
  CHECK(r == PACKR_RESULT_OK, "signatures %s: %s", pkg, err ? packr_error_message(err) : "?");
  packr_error_free(err);
  if (r != PACKR_RESULT_OK) return NULL;
  char *s = malloc(packr_bytes_len(t) + 1);
  memcpy(s, packr_bytes_data(t), packr_bytes_len(t) + 1);
  packr_bytes_free(t);
  return s;
}

/* The record field `name` of v, or NULL. */
static const packr_value *field(const packr_value *v, const char *name) {
  for (size_t i = 0; v && i < packr_value_len(v); i++) {
    const char *n;
    size_t len;
    if (packr_value_field_name(v, i, &n, &len) == PACKR_RESULT_OK && len == strlen(name) &&
        memcmp(n, name, len) == 0)
      return packr_value_get(v, i);
  }
  return NULL;
}

static int is_case(const packr_value *v, const char *cname, uint64_t tag) {
  const char *n;
  size_t len;
  uint64_t t;
  return v && packr_value_case_name(v, &n, &len) == PACKR_RESULT_OK && len == strlen(cname) &&
         memcmp(n, cname, len) == 0 && packr_value_tag(v, &t) == PACKR_RESULT_OK && t == tag;
}

static int has_type_name(const packr_value *v, const char *tn) {
  const char *n;
  size_t len;
  return v && packr_value_type_name(v, &n, &len) == PACKR_RESULT_OK && len == strlen(tn) && memcmp(n, tn, len) == 0;
}

/* The function-sig named `name` in the list field `side` of metadata m. */
static const packr_value *find_sig(const packr_value *m, const char *side, const char *name) {
  const packr_value *l = field(m, side);
  for (size_t i = 0; l && i < packr_value_len(l); i++) {
    const packr_value *s = packr_value_get(l, i);
    const packr_value *n = field(s, "name");
    const char *p;
    size_t len;
    if (n && packr_value_as_string(n, &p, &len) == PACKR_RESULT_OK && len == strlen(name) && memcmp(p, name, len) == 0)
      return s;
  }
  return NULL;
}

static void raw_metadata_of_0_24(packr_composition *c) {
  packr_bytes *meta = NULL;
  packr_value *m = NULL;
  CHECK(packr_composition_types(c, "cur_meta", &meta, NULL) == PACKR_RESULT_OK, "types cur_meta");
  if (!meta) return;
  const uint8_t *d = packr_bytes_data(meta);
  CHECK(packr_bytes_len(meta) > 6 && d[4] == 3 && d[5] == 0, "cur_meta metadata is CGRF v3");
  CHECK(packr_value_decode(d, packr_bytes_len(meta), &m, NULL) == PACKR_RESULT_OK, "decode");
  CHECK(has_type_name(m, "package-metadata"), "package-metadata");
  /* The optional fifth field. */
  const packr_value *tp = field(m, "type-params");
  CHECK(tp && packr_value_len(tp) == 1, "type-params");
  const packr_value *p0 = tp ? packr_value_get(tp, 0) : NULL;
  const char *s;
  size_t len;
  CHECK(p0 && packr_value_as_string(field(p0, "name"), &s, &len) == PACKR_RESULT_OK && len == 1 && s[0] == 's',
        "type-param name");
  CHECK(p0 && packr_value_as_string(field(p0, "constraint"), &s, &len) == PACKR_RESULT_OK &&
            len == strlen("serializable") && memcmp(s, "serializable", len) == 0,
        "type-param constraint");
  /* ref: tag 18, case `ref`, payload record TypeRef{name}. */
  const packr_value *put = find_sig(m, "exports", "put");
  const packr_value *params = field(put, "params");
  const packr_value *t = params && packr_value_len(params) ? field(packr_value_get(params, 0), "type") : NULL;
  CHECK(is_case(t, "ref", 18), "put's parameter type is the ref case");
  const packr_value *tr = t ? packr_value_get(t, 0) : NULL;
  CHECK(has_type_name(tr, "TypeRef") && packr_value_as_string(field(tr, "name"), &s, &len) == PACKR_RESULT_OK &&
            len == 1 && s[0] == 's',
        "TypeRef{name: \"s\"}");
  /* map: tag 22, payload MapPayload{key, value}; set: tag 23, payload the element type. */
  const packr_value *inv = find_sig(m, "exports", "make_inventory");
  const packr_value *res = field(inv, "results");
  const packr_value *rec = res && packr_value_len(res) ? packr_value_get(res, 0) : NULL;
  CHECK(is_case(rec, "record", 17), "make_inventory returns a record");
  const packr_value *fields = rec ? field(packr_value_get(rec, 0), "fields") : NULL;
  const packr_value *counts = fields && packr_value_len(fields) == 2 ? field(packr_value_get(fields, 0), "type") : NULL;
  const packr_value *tags = fields && packr_value_len(fields) == 2 ? field(packr_value_get(fields, 1), "type") : NULL;
  CHECK(is_case(counts, "map", 22), "counts is a map");
  const packr_value *mp = counts ? packr_value_get(counts, 0) : NULL;
  CHECK(has_type_name(mp, "MapPayload") && is_case(field(mp, "key"), "string", 12) && is_case(field(mp, "value"), "u32", 3),
        "MapPayload{key: string, value: u32}");
  CHECK(is_case(tags, "set", 23) && is_case(packr_value_get(tags, 0), "string", 12), "tags is set<string>");
  packr_value_free(m);
  packr_bytes_free(meta);

  /* A 0.5.4 package's metadata stays CGRF v2. */
  meta = NULL;
  CHECK(packr_composition_types(c, "adder", &meta, NULL) == PACKR_RESULT_OK, "types adder");
  if (meta) {
    d = packr_bytes_data(meta);
    CHECK(packr_bytes_len(meta) > 6 && d[4] == 2 && d[5] == 0, "adder metadata is CGRF v2");
  }
  packr_bytes_free(meta);
}

static void signatures(void) {
  packr_builder *b = packr_builder_new();
  const char *pkgs[] = {"adder", "doubler", "cur_meta", "cur_doubler", "sexpr", "c_sexpr"};
  for (size_t i = 0; i < sizeof pkgs / sizeof *pkgs; i++) add(b, pkgs[i]);
  wire(b, "adder", "math", "double", "doubler", "double");
  packr_composition *c = NULL;
  packr_error *err = NULL;
  CHECK(packr_builder_build(b, &c, &err) == PACKR_RESULT_OK, "build: %s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
  if (!c) return;
  const uint32_t IMP = PACKR_SIGNATURE_KIND_IMPORT, EXP = PACKR_SIGNATURE_KIND_EXPORT;
  expect_sig(c, "adder", IMP, "math", "double", "func(n: s64) -> s64");
  expect_sig(c, "adder", IMP, NULL, "double", "func(n: s64) -> s64");
  expect_sig(c, "adder", EXP, "", "process", "func(n: s64) -> s64");
  expect_sig(c, "cur_meta", EXP, NULL, "store.put", "func(v: s) -> s");
  expect_sig(c, "cur_meta", EXP, "store", "put", "func(v: s) -> s");
  expect_sig(c, "cur_meta", EXP, NULL, "make_inventory",
             "func(words: list<string>) -> record inventory{counts: map<string, u32>, tags: set<string>}");
  expect_sig(c, "cur_meta", EXP, NULL, "swap",
             "func(p: record pair{first: s64, second: string}) -> record pair{first: string, second: s64}");
  expect_sig(c, "cur_doubler", EXP, NULL, "uniq", "func(v: list<s64>) -> set<s64>");
  expect_sig(c, "cur_doubler", EXP, NULL, "checked_div", "func(a: s64, b: s64) -> result<s64, string>");
  const char *expr = "variant expr{sym(string), num(s64), flt(f64), str(string), lst(list<value>)}";
  char want[512];
  snprintf(want, sizeof want, "func(e: %s) -> result<s64, string>", expr);
  expect_sig(c, "sexpr", EXP, NULL, "try_eval", want);
  expect_sig(c, "c_sexpr", EXP, NULL, "try_eval", want);

  char *all = all_sigs(c, "adder");
  CHECK(all && strcmp(all, "import\tmath\tdouble\tfunc(n: s64) -> s64\nexport\t\tprocess\tfunc(n: s64) -> s64\n") == 0,
        "adder: [%s]", all ? all : "");
  free(all);
  all = all_sigs(c, "cur_meta");
  CHECK(all && strstr(all, "export\tstore\tput\tfunc(v: s) -> s\n") && strstr(all, "type-param\t\ts\tserializable\n"),
        "cur_meta: [%s]", all ? all : "");
  free(all);

  /* Failures. */
  packr_result code;
  packr_bytes *t = NULL;
  char *none = sig(c, "adder", EXP, NULL, "nothing", &code);
  CHECK(!none && code == PACKR_RESULT_NOT_FOUND, "unknown function: %s", packr_result_name(code));
  err = NULL;
  code = packr_composition_signature(c, "adder", IMP, "calc", "double", &t, &err);
  CHECK(code == PACKR_RESULT_NOT_FOUND && err && strstr(packr_error_message(err), "math.double"),
        "wrong interface lists what exists: %s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
  none = sig(c, "ghost", EXP, NULL, "x", &code);
  CHECK(!none && code == PACKR_RESULT_NOT_FOUND, "unknown package: %s", packr_result_name(code));
  none = sig(c, "adder", 0, NULL, "process", &code);
  CHECK(!none && code == PACKR_RESULT_INVALID_ARGUMENT, "kind 0: %s", packr_result_name(code));
  none = sig(c, "adder", 3, NULL, "process", &code);
  CHECK(!none && code == PACKR_RESULT_INVALID_ARGUMENT, "kind 3: %s", packr_result_name(code));
  none = sig(c, "adder", EXP, NULL, NULL, &code);
  CHECK(!none && code == PACKR_RESULT_INVALID_ARGUMENT, "NULL name: %s", packr_result_name(code));
  none = sig(NULL, "adder", EXP, NULL, "process", &code);
  CHECK(!none && code == PACKR_RESULT_INVALID_ARGUMENT, "NULL c: %s", packr_result_name(code));
  CHECK(packr_composition_signature(c, "adder", EXP, NULL, "process", NULL, NULL) == PACKR_RESULT_INVALID_ARGUMENT,
        "NULL text_out");
  CHECK(packr_composition_signatures(c, NULL, &t, NULL) == PACKR_RESULT_INVALID_ARGUMENT, "NULL package");
  CHECK(packr_composition_signatures(c, "ghost", &t, NULL) == PACKR_RESULT_NOT_FOUND, "unknown package");
  CHECK(t == NULL, "no output on failure");

  raw_metadata_of_0_24(c);
  packr_composition_free(c);
}

int main(int argc, char **argv) {
  dir = argc > 1 ? argv[1] : "target/guests/wasm";
  cdir = argc > 2 ? argv[2] : "target/guests/wasm-c";
  matching_wires_build();
  mismatch_fails_and_opt_out_builds();
  signatures();
  printf("test_wiring: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
