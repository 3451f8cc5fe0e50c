/* Packages of both guest generations from C: detection, mixed wiring, maps and sets through
 * the C value API, explicit wire versions, and a failing host function called by a
 * packr-guest 0.24 package. Usage: test_generations GUEST_DIR. Prints "N passed, N failed". */
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

static const char *dir;

static packr_value *str(const char *s) {
  packr_value *v = NULL;
  if (packr_value_string(s, strlen(s), &v) != PACKR_RESULT_OK) abort();
  return v;
}

static void add(packr_builder *b, const char *name) {
  char path[1024];
  packr_error *err = NULL;
  snprintf(path, sizeof path, "%s/%s.wasm", dir, name);
  packr_result r = packr_builder_add_package_file(b, name, path, &err);
  CHECK(r == PACKR_RESULT_OK, "%s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
}

static void wire(packr_builder *b, const char *t, const char *m, const char *n, const char *s, const char *e) {
  packr_error *err = NULL;
  packr_result r = packr_builder_wire(b, t, m, n, s, e, &err);
  CHECK(r == PACKR_RESULT_OK, "%s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
}

/* Calls pkg.fn with the value written as `arg_text`; returns the result's text (malloc'd) or
 * NULL, with *code set. */
static char *call_text(packr_composition *c, const char *pkg, const char *fn, const char *arg_text,
                       packr_result *code, char *msg, size_t msg_len) {
  packr_value *arg = NULL, *res = NULL;
  packr_bytes *in = NULL, *out = NULL, *text = NULL;
  packr_error *err = NULL;
  char *s = NULL;
  *code = packr_value_parse(arg_text, &arg, &err);
  if (*code == PACKR_RESULT_OK) *code = packr_value_encode(arg, &in, &err);
  if (*code == PACKR_RESULT_OK)
    *code = packr_composition_call(c, pkg, fn, packr_bytes_data(in), packr_bytes_len(in), &out, &err);
  if (*code == PACKR_RESULT_OK) *code = packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &res, &err);
  if (*code == PACKR_RESULT_OK) *code = packr_value_to_text(res, &text, &err);
  if (*code == PACKR_RESULT_OK) {
    s = malloc(packr_bytes_len(text) + 1);
    memcpy(s, packr_bytes_data(text), packr_bytes_len(text) + 1);
  }
  if (msg) snprintf(msg, msg_len, "%s", err ? packr_error_message(err) : "");
  packr_error_free(err);
  packr_bytes_free(text);
  packr_bytes_free(out);
  packr_bytes_free(in);
  packr_value_free(res);
  packr_value_free(arg);
  return s;
}

static void expect(packr_composition *c, const char *pkg, const char *fn, const char *arg, const char *want) {
  packr_result code;
  char msg[1024];
  char *got = call_text(c, pkg, fn, arg, &code, msg, sizeof msg);
  CHECK(got && strcmp(got, want) == 0, "%s.%s(%s): got %s, want %s (%s)", pkg, fn, arg, got ? got : "(error)", want, msg);
  free(got);
}

static void mixed_wiring(void) {
  packr_builder *b = packr_builder_new();
  add(b, "adder");
  add(b, "cur_adder");
  add(b, "doubler");
  add(b, "cur_doubler");
  wire(b, "adder", "math", "double", "cur_doubler", "double");   /* 0.5.4 -> 0.24 */
  wire(b, "cur_adder", "math", "double", "doubler", "double");   /* 0.24 -> 0.5.4 */
  wire(b, "cur_adder", "calc", "scale", "cur_doubler", "add");
  wire(b, "cur_adder", "ops", "square", "doubler", "double");
  packr_composition *c = NULL;
  packr_error *err = NULL;
  packr_result r = packr_builder_build(b, &c, &err);
  CHECK(r == PACKR_RESULT_OK, "%s", err ? packr_error_message(err) : "?");
  packr_error_free(err);
  if (!c) return;
  const char *ev = NULL;
  CHECK(packr_composition_package_generation(c, "adder", &ev) == PACKR_GENERATION_V0_5, "adder");
  CHECK(ev && strstr(ev, "CGRF v2"), "evidence %s", ev ? ev : "(null)");
  CHECK(packr_composition_package_generation(c, "cur_doubler", &ev) == PACKR_GENERATION_V0_24, "cur_doubler");
  CHECK(ev && strstr(ev, "CGRF v3"), "evidence %s", ev ? ev : "(null)");
  CHECK(packr_composition_package_generation(c, "nope", NULL) == PACKR_GENERATION_UNKNOWN, "unknown");
  CHECK(packr_composition_package_generation(NULL, "adder", NULL) == PACKR_GENERATION_UNKNOWN, "NULL");
  expect(c, "adder", "process", "5", "11");
  expect(c, "cur_adder", "process", "5", "11");
  expect(c, "cur_adder", "process_scaled", "(4, 10)", "15");
  expect(c, "cur_doubler", "count_words", "\"to be or not to be\"",
         "map<string, s64>{\"be\": 2, \"not\": 1, \"or\": 1, \"to\": 2}");
  packr_composition_free(c);
}

static void maps_and_sets(void) {
  packr_type *ks = packr_type_string(), *vs = packr_type_s64();
  packr_value *m = NULL;
  packr_error *err = NULL;
  CHECK(packr_value_map_new(ks, vs, &m) == PACKR_RESULT_OK, "map_new");
  /* Inserted out of order: kept in canonical order. */
  CHECK(packr_value_map_insert(m, str("b"), packr_value_s64(2), &err) == PACKR_RESULT_OK, "b");
  CHECK(packr_value_map_insert(m, str("a"), packr_value_s64(40), &err) == PACKR_RESULT_OK, "a");
  packr_result r = packr_value_map_insert(m, str("a"), packr_value_s64(1), &err);
  CHECK(r == PACKR_RESULT_INVALID_ARGUMENT, "duplicate key: %d", (int)r);
  CHECK(err && strstr(packr_error_message(err), "already has the key \"a\""), "%s", err ? packr_error_message(err) : "");
  packr_error_free(err);
  err = NULL;
  CHECK(packr_value_kind(m) == PACKR_KIND_MAP, "kind");
  CHECK(packr_value_len(m) == 4, "len %zu", packr_value_len(m));
  packr_value *key = str("a");
  int64_t n = 0;
  const packr_value *found = packr_value_map_find(m, key);
  CHECK(found && packr_value_as_s64(found, &n) == PACKR_RESULT_OK && n == 40, "find a");
  packr_value_free(key);
  CHECK(packr_type_kind(packr_value_key_type(m)) == PACKR_KIND_STRING, "key type");
  CHECK(packr_type_kind(packr_value_value_type(m)) == PACKR_KIND_S64, "value type");

  packr_bytes *v3 = NULL, *v2 = NULL, *bad = NULL;
  CHECK(packr_value_encode(m, &v3, &err) == PACKR_RESULT_OK && packr_bytes_data(v3)[4] == 3, "auto v3");
  CHECK(packr_value_encode_version(m, 2, &v2, &err) == PACKR_RESULT_OK && packr_bytes_data(v2)[4] == 2, "v2");
  CHECK(packr_value_encode_version(m, 7, &bad, &err) == PACKR_RESULT_INVALID_ARGUMENT, "version 7");
  packr_error_free(err);
  err = NULL;
  packr_value *back = NULL;
  packr_bytes *text = NULL;
  CHECK(packr_value_decode(packr_bytes_data(v2), packr_bytes_len(v2), &back, &err) == PACKR_RESULT_OK, "decode v2");
  CHECK(back && packr_value_to_text(back, &text, &err) == PACKR_RESULT_OK &&
            strcmp((const char *)packr_bytes_data(text), "[(\"a\", 40), (\"b\", 2)]") == 0,
        "v2 shape: %s", text ? (const char *)packr_bytes_data(text) : "");
  packr_bytes_free(text);
  packr_value_free(back);

  /* A set, and a map passed to packages of both generations. */
  packr_value *s = NULL;
  CHECK(packr_value_set_new(packr_type_s64(), &s) == PACKR_RESULT_OK, "set_new");
  CHECK(packr_value_set_insert(s, packr_value_s64(3), &err) == PACKR_RESULT_OK, "3");
  CHECK(packr_value_set_insert(s, packr_value_s64(1), &err) == PACKR_RESULT_OK, "1");
  CHECK(packr_value_set_insert(s, packr_value_s64(3), &err) == PACKR_RESULT_INVALID_ARGUMENT, "dup 3");
  CHECK(err && strstr(packr_error_message(err), "the set already has 3 "), "%s", err ? packr_error_message(err) : "");
  {
    packr_value *three = packr_value_s64(3), *two = packr_value_s64(2);
    CHECK(packr_value_set_contains(s, three) && !packr_value_set_contains(s, two), "contains");
    CHECK(!packr_value_set_contains(m, three) && !packr_value_set_contains(NULL, three), "contains on a map, NULL");
    packr_value_free(three);
    packr_value_free(two);
  }
  CHECK(strcmp(packr_generation_name(PACKR_GENERATION_V0_24), "0.24") == 0 &&
            strcmp(packr_generation_name(PACKR_GENERATION_V0_5), "0.5") == 0 &&
            strcmp(packr_generation_name(99), "unknown") == 0,
        "generation names");
  packr_error_free(err);
  err = NULL;
  n = 0;
  CHECK(packr_value_len(s) == 2 && packr_value_as_s64(packr_value_get(s, 0), &n) == PACKR_RESULT_OK && n == 1, "sorted");

  packr_builder *b = packr_builder_new();
  add(b, "echo");
  add(b, "cur_doubler");
  packr_composition *c = NULL;
  CHECK(packr_builder_build(b, &c, &err) == PACKR_RESULT_OK, "build");
  if (c) {
    packr_bytes *out = NULL;
    packr_value *res = NULL;
    CHECK(packr_composition_call(c, "cur_doubler", "sum_values", packr_bytes_data(v3), packr_bytes_len(v3), &out, &err) ==
              PACKR_RESULT_OK, "sum_values");
    n = 0;
    CHECK(out && packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &res, &err) == PACKR_RESULT_OK &&
              packr_value_as_s64(res, &n) == PACKR_RESULT_OK && n == 42, "sum_values = %lld", (long long)n);
    packr_value_free(res);
    packr_bytes_free(out);
    expect(c, "echo", "echo", "set<s64>{1, 3}", "[1, 3]");
    expect(c, "cur_doubler", "set_len", "set<s64>{1, 3}", "2u32");
    packr_composition_free(c);
  }
  packr_error_free(err);
  packr_bytes_free(v3);
  packr_bytes_free(v2);
  packr_value_free(s);
  packr_value_free(m);
}

static int32_t lookup(void *ud, const uint8_t *in, size_t len, packr_host_reply *reply) {
  (void)ud;
  (void)in;
  (void)len;
  return packr_host_reply_set_error(reply, "the directory is offline") == PACKR_RESULT_OK ? 1 : 2;
}

static int32_t log_ok(void *ud, const uint8_t *in, size_t len, packr_host_reply *reply) {
  (void)ud;
  (void)in;
  (void)len;
  (void)reply;
  return 0;
}

static void failing_host_function(void) {
  packr_builder *b = packr_builder_new();
  packr_error *err = NULL;
  add(b, "cur_greeter");
  CHECK(packr_builder_add_host_function(b, "host", "lookup", lookup, NULL, NULL, &err) == PACKR_RESULT_OK, "fn");
  CHECK(packr_builder_add_host_function(b, "host", "try_lookup", lookup, NULL, NULL, &err) == PACKR_RESULT_OK, "fn");
  CHECK(packr_builder_add_host_function(b, "host", "log", log_ok, NULL, NULL, &err) == PACKR_RESULT_OK, "fn");
  packr_composition *c = NULL;
  CHECK(packr_builder_build(b, &c, &err) == PACKR_RESULT_OK, "build");
  if (c) {
    packr_result code;
    char msg[2048];
    char *got = call_text(c, "cur_greeter", "greet", "\"ann\"", &code, msg, sizeof msg);
    CHECK(!got && code == PACKR_RESULT_HOST, "code %s", packr_result_name(code));
    CHECK(strstr(msg, "cur_greeter.greet") && strstr(msg, "host.lookup") && strstr(msg, "the directory is offline"),
          "message: %s", msg);
    free(got);
    expect(c, "cur_greeter", "log_twice", "\"x\"", "2u32");
    packr_composition_free(c);
  }
  packr_error_free(err);
}

/* Every kind of export and import packr-guest 0.24.1 offers, as a host sees it: value mode,
 * typed and multi-parameter exports (1-tuples unwrapped), Option/Result returns, `#[import]`,
 * `#[import_from]` and `world!` imports, pact! records and recursive variants with generics,
 * maps and sets inside records, and an export named with `name = "store.put"`. */
static void current_sdk_features(void) {
  packr_builder *b = packr_builder_new();
  packr_error *err = NULL;
  add(b, "cur_meta");
  add(b, "cur_echo");
  add(b, "cur_doubler");
  add(b, "cur_adder");
  add(b, "doubler");
  wire(b, "cur_adder", "math", "double", "doubler", "double");
  wire(b, "cur_adder", "calc", "scale", "cur_doubler", "add");
  wire(b, "cur_adder", "ops", "square", "cur_doubler", "double");
  packr_composition *c = NULL;
  CHECK(packr_builder_build(b, &c, &err) == PACKR_RESULT_OK, "%s", err ? packr_error_message(err) : "");
  packr_error_free(err);
  if (!c) return;
  expect(c, "cur_echo", "echo", "(5,)", "5");
  expect(c, "cur_echo", "echo", "(5, 6)", "(5, 6)");
  expect(c, "cur_doubler", "double", "(21,)", "42");
  expect(c, "cur_doubler", "add", "(40, 2)", "42");
  expect(c, "cur_doubler", "shout", "\"hi\"", "\"HI!\"");
  expect(c, "cur_doubler", "first_even", "[1, 3, 4]", "some(4)");
  expect(c, "cur_doubler", "checked_div", "(1, 0)", "err<s64, _>(\"division by zero\")");
  expect(c, "cur_doubler", "uniq", "[3, 1, 3]", "set<s64>{1, 3}");
  expect(c, "cur_adder", "process_scaled", "(4, 10)", "15");
  expect(c, "cur_adder", "process_square", "4", "9");
  expect(c, "cur_meta", "swap", "pair{first: 1, second: \"x\"}", "Pair{first: \"x\", second: 1}");
  expect(c, "cur_meta", "eval",
         "expr::lst#2([expr::sym#0(\"+\"), expr::num#1(1), expr::lst#2([expr::sym#0(\"*\"), expr::num#1(2), expr::num#1(3)])])",
         "ok<_, string>(7)");
  expect(c, "cur_meta", "eval", "expr::sym#0(\"x\")", "err<s64, _>(\"unbound symbol: x\")");
  expect(c, "cur_meta", "list_sum", "node{value: 1, next: some(node{value: 2, next: none<s64>})}", "3");
  expect(c, "cur_meta", "make_inventory", "[\"a\", \"b\", \"a\"]",
         "Inventory{counts: map<string, u32>{\"a\": 2u32, \"b\": 1u32}, tags: set<string>{\"a\", \"b\"}}");
  expect(c, "cur_meta", "store.put", "(1, \"z\")", "(1, \"z\")");
  packr_composition_free(c);
}

int main(int argc, char **argv) {
  dir = argc > 1 ? argv[1] : "target/guests/wasm";
  mixed_wiring();
  maps_and_sets();
  failing_host_function();
  current_sdk_features();
  printf("test_generations: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
