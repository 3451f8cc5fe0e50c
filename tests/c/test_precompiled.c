/*
 * Precompiled packages through the C API: packr_package_precompile(_file) and
 * packr_builder_add_package_precompiled(_file). Round trip (calls, wiring, metadata, fuel),
 * flipped bytes, truncation, wrong magic, format and libpackr version mismatches, missing
 * configurations, NULL arguments and I/O errors.
 *
 * Usage: test_precompiled GUEST_DIR   (tests/guests/build.sh puts the guests in
 * target/guests/wasm). Compiles as C11 and as C++17.
 */
#define _POSIX_C_SOURCE 200809L
#include "packr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long g_passed, g_failed;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (cond) {                                                             \
      g_passed++;                                                           \
    } else {                                                                \
      g_failed++;                                                           \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);  \
    }                                                                       \
  } while (0)

#define CHECK_RC(expr, want)                                                          \
  do {                                                                                \
    uint32_t rc_ = (uint32_t)(expr);                                                  \
    if (rc_ == (uint32_t)(want)) {                                                    \
      g_passed++;                                                                     \
    } else {                                                                          \
      g_failed++;                                                                     \
      fprintf(stderr, "%s:%d: FAILED: %s returned %s, want %s\n", __FILE__, __LINE__, \
              #expr, packr_result_name((packr_result)rc_),                            \
              packr_result_name((packr_result)(want)));                               \
    }                                                                                 \
  } while (0)

static void check_has(const char *hay, const char *needle, int line) {
  if (hay && strstr(hay, needle)) {
    g_passed++;
  } else {
    g_failed++;
    fprintf(stderr, "%s:%d: FAILED: message \"%s\" lacks \"%s\"\n", __FILE__, line,
            hay ? hay : "(null)", needle);
  }
}
#define CHECK_HAS(hay, needle) check_has((hay), (needle), __LINE__)

typedef struct {
  uint8_t *data;
  size_t len;
} buf;

static char g_dir[4096];

static char *path_of(const char *name, char *out, size_t cap) {
  snprintf(out, cap, "%s/%s.wasm", g_dir, name);
  return out;
}

static buf read_file(const char *path) {
  buf b = {NULL, 0};
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  b.data = (uint8_t *)malloc(n > 0 ? (size_t)n : 1);
  b.len = fread(b.data, 1, (size_t)n, f);
  fclose(f);
  return b;
}

static buf wasm(const char *name) {
  char p[4200];
  return read_file(path_of(name, p, sizeof p));
}

/* An artifact for `name` as a malloc'd copy (so tests can damage it). */
static buf artifact(const char *name, uint32_t flags) {
  buf w = wasm(name), a = {NULL, 0};
  packr_bytes *out = NULL;
  packr_error *err = NULL;
  CHECK_RC(packr_package_precompile(w.data, w.len, flags, &out, &err), PACKR_RESULT_OK);
  CHECK(err == NULL);
  if (out) {
    a.len = packr_bytes_len(out);
    a.data = (uint8_t *)malloc(a.len);
    memcpy(a.data, packr_bytes_data(out), a.len);
  }
  packr_bytes_free(out);
  packr_error_free(err);
  free(w.data);
  return a;
}

/* Adds `a` as package "p" and expects `want`; returns the error message (malloc'd) or NULL. */
static char *add_expect(const buf *a, packr_result want) {
  packr_builder *b = packr_builder_new();
  packr_error *err = NULL;
  char *msg = NULL;
  CHECK_RC(packr_builder_add_package_precompiled(b, "p", a->data, a->len, &err), want);
  if (err) {
    const char *m = packr_error_message(err);
    msg = (char *)malloc(strlen(m) + 1);
    strcpy(msg, m);
    CHECK(packr_error_code(err) == want);
  } else {
    CHECK(want == PACKR_RESULT_OK);
  }
  packr_error_free(err);
  packr_builder_free(b);
  return msg;
}

/* Calls pkg.fn with S64 n and returns the S64 result (or INT64_MIN on failure). */
static int64_t call_s64(const packr_composition *c, const char *pkg, const char *fn, int64_t n) {
  packr_value *v = packr_value_s64(n);
  packr_bytes *in = NULL, *out = NULL;
  packr_value *r = NULL;
  int64_t got = INT64_MIN;
  if (packr_value_encode(v, &in, NULL) == PACKR_RESULT_OK &&
      packr_composition_call(c, pkg, fn, packr_bytes_data(in), packr_bytes_len(in), &out, NULL) ==
          PACKR_RESULT_OK &&
      packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &r, NULL) ==
          PACKR_RESULT_OK) {
    if (packr_value_as_s64(r, &got) != PACKR_RESULT_OK) got = INT64_MIN;
  }
  packr_value_free(v);
  packr_value_free(r);
  packr_bytes_free(in);
  packr_bytes_free(out);
  return got;
}

static void test_round_trip_and_wiring(void) {
  buf adder = artifact("adder", PACKR_PRECOMPILE_ALL);
  buf doubler = artifact("doubler", 0);
  CHECK(adder.len > 37 && memcmp(adder.data, "\x7fPACKRPC", 8) == 0);
  packr_builder *b = packr_builder_new();
  CHECK_RC(packr_builder_add_package_precompiled(b, "adder", adder.data, adder.len, NULL),
           PACKR_RESULT_OK);
  CHECK_RC(packr_builder_add_package_precompiled(b, "doubler", doubler.data, doubler.len, NULL),
           PACKR_RESULT_OK);
  /* The artifact is copied: the caller's buffers may go away before build. */
  memset(adder.data, 0, adder.len);
  memset(doubler.data, 0, doubler.len);
  CHECK_RC(packr_builder_wire(b, "adder", "math", "double", "doubler", "double", NULL),
           PACKR_RESULT_OK);
  packr_composition *c = NULL;
  CHECK_RC(packr_builder_build(b, &c, NULL), PACKR_RESULT_OK);
  if (c) {
    CHECK(call_s64(c, "adder", "process", 20) == 41);
    CHECK(call_s64(c, "doubler", "double", -7) == -14);
    CHECK(packr_composition_package_count(c) == 2);
  }
  packr_composition_free(c);
  free(adder.data);
  free(doubler.data);
}

static void test_metadata_matches_wasm(void) {
  const char *names[] = {"doubler", "echo"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    buf w = wasm(names[i]), a = artifact(names[i], 0);
    packr_builder *bw = packr_builder_new(), *ba = packr_builder_new();
    CHECK_RC(packr_builder_add_package(bw, "x", w.data, w.len, NULL), PACKR_RESULT_OK);
    CHECK_RC(packr_builder_add_package_precompiled(ba, "x", a.data, a.len, NULL), PACKR_RESULT_OK);
    packr_composition *cw = NULL, *ca = NULL;
    CHECK_RC(packr_builder_build(bw, &cw, NULL), PACKR_RESULT_OK);
    CHECK_RC(packr_builder_build(ba, &ca, NULL), PACKR_RESULT_OK);
    packr_bytes *tw = NULL, *ta = NULL;
    uint32_t rw = (uint32_t)packr_composition_types(cw, "x", &tw, NULL);
    uint32_t ra = (uint32_t)packr_composition_types(ca, "x", &ta, NULL);
    CHECK(rw == ra);
    if (tw && ta) {
      CHECK(packr_bytes_len(tw) == packr_bytes_len(ta));
      CHECK(memcmp(packr_bytes_data(tw), packr_bytes_data(ta), packr_bytes_len(tw)) == 0);
    }
    packr_bytes_free(tw);
    packr_bytes_free(ta);
    packr_composition_free(cw);
    packr_composition_free(ca);
    free(w.data);
    free(a.data);
  }
}

static void test_configurations(void) {
  buf plain = artifact("doubler", PACKR_PRECOMPILE_PLAIN);
  buf fuel = artifact("doubler", PACKR_PRECOMPILE_FUEL);
  buf all = artifact("doubler", PACKR_PRECOMPILE_ALL);
  CHECK(plain.len < all.len && fuel.len < all.len);

  /* Plain code cannot serve a fuel-limited composition: build names the gap. */
  packr_builder *b = packr_builder_new();
  packr_error *err = NULL;
  packr_composition *c = NULL;
  CHECK_RC(packr_builder_add_package_precompiled(b, "d", plain.data, plain.len, NULL),
           PACKR_RESULT_OK);
  CHECK_RC(packr_builder_set_fuel(b, 1000000), PACKR_RESULT_OK);
  CHECK_RC(packr_builder_build(b, &c, &err), PACKR_RESULT_COMPILE);
  CHECK(c == NULL);
  CHECK_HAS(err ? packr_error_message(err) : NULL, "no fuel-metered");
  packr_error_free(err);

  /* Fuel code does, and is metered. */
  b = packr_builder_new();
  CHECK_RC(packr_builder_add_package_precompiled(b, "d", fuel.data, fuel.len, NULL),
           PACKR_RESULT_OK);
  CHECK_RC(packr_builder_set_fuel(b, 1000000), PACKR_RESULT_OK);
  CHECK_RC(packr_builder_build(b, &c, NULL), PACKR_RESULT_OK);
  if (c) CHECK(call_s64(c, "d", "double", 9) == 18);
  packr_composition_free(c);
  c = NULL;

  /* Unknown flag bits. */
  packr_bytes *out = NULL;
  CHECK_RC(packr_package_precompile(plain.data, plain.len, 4, &out, NULL),
           PACKR_RESULT_INVALID_ARGUMENT);
  CHECK(out == NULL);
  free(plain.data);
  free(fuel.data);
  free(all.data);
}

static void test_damaged_artifacts(void) {
  buf a = artifact("doubler", 0);
  char *m;

  /* Every 97th byte flipped, plus the first and the last: always COMPILE, never a crash. */
  for (size_t i = 0;; i += 97) {
    if (i >= a.len) i = a.len - 1;
    a.data[i] ^= 0x10;
    free(add_expect(&a, PACKR_RESULT_COMPILE));
    a.data[i] ^= 0x10;
    if (i == a.len - 1) break;
  }
  a.data[a.len / 2] ^= 0xff;
  m = add_expect(&a, PACKR_RESULT_COMPILE);
  CHECK_HAS(m, "checksum mismatch");
  free(m);
  a.data[a.len / 2] ^= 0xff;

  /* Truncated at several lengths. */
  size_t cuts[] = {0, 5, 12, 30, 60, 200, a.len / 2, a.len - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    buf t = {a.data, cuts[i]};
    m = add_expect(&t, PACKR_RESULT_COMPILE);
    CHECK_HAS(m, "truncated");
    free(m);
  }

  /* Wrong magic; a wasm module; another format version; another libpackr version. */
  a.data[2] = 'Z';
  m = add_expect(&a, PACKR_RESULT_COMPILE);
  CHECK_HAS(m, "wrong magic");
  free(m);
  a.data[2] = 'A';
  buf w = wasm("doubler");
  m = add_expect(&w, PACKR_RESULT_COMPILE);
  CHECK_HAS(m, "WebAssembly module");
  free(m);
  free(w.data);
  a.data[8] = 42;
  m = add_expect(&a, PACKR_RESULT_COMPILE);
  CHECK_HAS(m, "format version 42");
  free(m);
  a.data[8] = 1;
  uint8_t saved = a.data[13];
  a.data[13] = '8';
  m = add_expect(&a, PACKR_RESULT_COMPILE);
  CHECK_HAS(m, "written by libpackr 8");
  CHECK_HAS(m, packr_version());
  free(m);
  a.data[13] = saved;

  /* Undamaged again: loads. */
  free(add_expect(&a, PACKR_RESULT_OK));
  free(a.data);
}

static void test_files(void) {
  char wasm_path[4200], art[256], bad[300];
  packr_error *err = NULL;
  snprintf(art, sizeof art, "/tmp/packr-test-%ld.cwasm", (long)getpid());
  CHECK_RC(packr_package_precompile_file(path_of("doubler", wasm_path, sizeof wasm_path), art, 0,
                                         &err),
           PACKR_RESULT_OK);
  CHECK(err == NULL);
  packr_builder *b = packr_builder_new();
  CHECK_RC(packr_builder_add_package_precompiled_file(b, "d", art, NULL), PACKR_RESULT_OK);
  packr_composition *c = NULL;
  CHECK_RC(packr_builder_build(b, &c, NULL), PACKR_RESULT_OK);
  if (c) CHECK(call_s64(c, "d", "double", 50) == 100);
  packr_composition_free(c);

  /* A damaged file names the path. */
  FILE *f = fopen(art, "r+b");
  if (f) {
    fseek(f, 100, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
  }
  b = packr_builder_new();
  CHECK_RC(packr_builder_add_package_precompiled_file(b, "d", art, &err), PACKR_RESULT_COMPILE);
  CHECK_HAS(err ? packr_error_message(err) : NULL, art);
  packr_error_free(err);
  err = NULL;
  remove(art);

  /* Missing files and unwritable destinations are IO. */
  CHECK_RC(packr_builder_add_package_precompiled_file(b, "d", art, &err), PACKR_RESULT_IO);
  CHECK_HAS(err ? packr_error_message(err) : NULL, art);
  packr_error_free(err);
  err = NULL;
  snprintf(bad, sizeof bad, "/nonexistent-dir-%ld/x.cwasm", (long)getpid());
  CHECK_RC(packr_package_precompile_file(wasm_path, bad, 0, &err), PACKR_RESULT_IO);
  CHECK_HAS(err ? packr_error_message(err) : NULL, "writing");
  packr_error_free(err);
  err = NULL;
  CHECK_RC(packr_package_precompile_file(bad, art, 0, NULL), PACKR_RESULT_IO);
  /* Invalid wasm: COMPILE, and no file is left behind. */
  CHECK_RC(packr_package_precompile_file("/dev/null", art, 0, NULL), PACKR_RESULT_COMPILE);
  CHECK(access(art, F_OK) != 0);
  packr_builder_free(b);
}

static void test_null_arguments(void) {
  packr_bytes *out = NULL;
  packr_error *err = NULL;
  uint8_t byte = 0;
  CHECK_RC(packr_package_precompile(NULL, 4, 0, &out, &err), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK(out == NULL && err != NULL);
  packr_error_free(err);
  CHECK_RC(packr_package_precompile(&byte, 1, 0, NULL, NULL), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_package_precompile_file(NULL, "x", 0, NULL), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_package_precompile_file("x", NULL, 0, NULL), PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_builder_add_package_precompiled(NULL, "p", &byte, 1, NULL),
           PACKR_RESULT_INVALID_ARGUMENT);
  packr_builder *b = packr_builder_new();
  CHECK_RC(packr_builder_add_package_precompiled(b, NULL, &byte, 1, NULL),
           PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_builder_add_package_precompiled(b, "p", NULL, 1, NULL),
           PACKR_RESULT_INVALID_ARGUMENT);
  CHECK_RC(packr_builder_add_package_precompiled(b, "", &byte, 1, NULL),
           PACKR_RESULT_INVALID_ARGUMENT);
  /* NULL with length 0 is an empty (so truncated) artifact. */
  CHECK_RC(packr_builder_add_package_precompiled(b, "p", NULL, 0, NULL), PACKR_RESULT_COMPILE);
  CHECK_RC(packr_builder_add_package_precompiled_file(b, "p", NULL, NULL),
           PACKR_RESULT_INVALID_ARGUMENT);
  packr_builder_free(b);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s GUEST_DIR\n", argv[0]);
    return 2;
  }
  snprintf(g_dir, sizeof g_dir, "%s", argv[1]);
  test_round_trip_and_wiring();
  test_metadata_matches_wasm();
  test_configurations();
  test_damaged_artifacts();
  test_files();
  test_null_arguments();
  printf("test_precompiled: %lu passed, %lu failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}
