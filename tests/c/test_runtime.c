/*
 * C tests for libpackr's runtime API (include/packr.h): builder, wiring, host functions written
 * in C, compositions, funcs, metadata, limits and interrupts, run against the real packr-guest
 * 0.5.4 guests built by tests/guests/build.sh (see tests/guests/README.md for their shapes).
 *
 *   test_runtime GUEST_DIR        (GUEST_DIR holds doubler.wasm, adder.wasm, greeter.wasm, ...)
 *
 * Compiled as C11 and as C++17 (see Makefile) with -Wall -Wextra -Wpedantic -Werror, and run
 * plain, under ASan+UBSan (LeakSanitizer checks that builders, compositions, funcs and host
 * user data are all released) and under valgrind. Prints one line per failed check and ends
 * with "N passed, M failed"; exits non-zero when M > 0. A watchdog (SIGALRM, default 600 s,
 * PACKR_TEST_TIMEOUT=seconds to change) turns a hang (a deadlock, a call that cannot be
 * interrupted) into a failure.
 *
 * Argument values are built with the value constructors, never with packr_value_parse.
 *
 * One binary from several files: the doubler, the adder and link errors here; host functions
 * in runtime_host.c; the s-expression guest and metadata in runtime_sexpr.c; limits,
 * interrupts and NULL arguments in runtime_limits.c; shared helpers in runtime_common.c.
 */
#include "runtime_common.h"

/* ------------------------------------------------------------------------------------------ */
/* doubler                                                                                     */
/* ------------------------------------------------------------------------------------------ */

void test_doubler(void) {
  packr_composition *c = build_doubler();
  packr_func *f = SENT_FUNC;
  packr_error *e = SENT_ERROR;
  if (c == NULL) return;

  CHECK(packr_composition_package_count(c) == 1);
  CHECK(packr_composition_package_name(c, 0) != NULL &&
        strcmp(packr_composition_package_name(c, 0), "doubler") == 0);
  CHECK(packr_composition_package_name(c, 1) == NULL);

  /* packr_composition_call */
  EXPECT_S64(call_s64(c, "doubler", "double", 21), 42);
  EXPECT_S64(call_s64(c, "doubler", "double", -5), -10);
  EXPECT_S64(call_s64(c, "doubler", "double", 0), 0);
  EXPECT_S64(call_s64(c, "doubler", "double", INT64_MAX), -2); /* wrapping */

  /* packr_composition_func / packr_func_call */
  CHECK_RC(packr_composition_func(c, "doubler", "double", &f, &e), OK);
  CHECK(e == NULL && f != NULL && f != SENT_FUNC);
  if (f != NULL && f != SENT_FUNC) {
    int i, ok = 1;
    EXPECT_S64(fcall_v(f, packr_value_s64(21)), 42);
    for (i = -50; i <= 50; i++) {
      res r = fcall_v(f, packr_value_s64(i * 1000003));
      packr_value *v = res_value(&r);
      int64_t got = 0;
      if (v == NULL || packr_value_as_s64(v, &got) != OK || got != (int64_t)i * 2000006) ok = 0;
      packr_value_free(v);
      res_free(&r);
    }
    CHECK(ok); /* 101 calls through one func */
    /* A 1-tuple is not the bare S64 the guest wants. */
    {
      packr_value *t = packr_value_tuple_new();
      CHECK_RC(packr_value_push(t, packr_value_s64(21)), OK);
      EXPECT_FAIL(fcall_v(f, t), PACKR_RESULT_GUEST, "failed to convert parameter", "doubler",
                  "double");
    }
    EXPECT_S64(fcall_v(f, packr_value_s64(4)), 8);
    packr_func_free(f);
  }

  /* Wrong shapes: the guest reports them (status -1), the call returns GUEST. */
  {
    packr_value *t = packr_value_tuple_new();
    CHECK_RC(packr_value_push(t, packr_value_s64(21)), OK);
    EXPECT_FAIL(call_v(c, "doubler", "double", t), PACKR_RESULT_GUEST,
                "failed to convert parameter");
  }
  EXPECT_FAIL(call_v(c, "doubler", "double", packr_value_s32(21)), PACKR_RESULT_GUEST,
              "failed to convert parameter");
  EXPECT_FAIL(call_raw(c, "doubler", "double", (const uint8_t *)"garbage!", 8),
              PACKR_RESULT_GUEST, "decode error");
  EXPECT_FAIL(call_raw(c, "doubler", "double", NULL, 0), PACKR_RESULT_GUEST, "decode error");

  /* Unknown names: NOT_FOUND, naming them (and listing what exists). */
  EXPECT_FAIL(call_s64(c, "tripler", "double", 1), PACKR_RESULT_NOT_FOUND, "tripler", "doubler");
  EXPECT_FAIL(call_s64(c, "doubler", "triple", 1), PACKR_RESULT_NOT_FOUND, "triple", "double");
  EXPECT_FAIL(call_s64(c, "doubler", "__pack_alloc", 1), PACKR_RESULT_NOT_FOUND, "__pack_alloc");
  EXPECT_FAIL(call_s64(c, "doubler", "memory", 1), PACKR_RESULT_NOT_FOUND, "memory");
  EXPECT_FAIL(call_s64(c, "", "double", 1), PACKR_RESULT_NOT_FOUND, "doubler");
  f = SENT_FUNC;
  e = SENT_ERROR;
  CHECK_RC(packr_composition_func(c, "tripler", "double", &f, &e), PACKR_RESULT_NOT_FOUND);
  CHECK(f == SENT_FUNC && e != NULL && e != SENT_ERROR);
  if (e != NULL && e != SENT_ERROR) {
    CHECK(packr_error_code(e) == PACKR_RESULT_NOT_FOUND);
    CHECK_HAS(packr_error_message(e), "tripler");
    packr_error_free(e);
  }
  e = SENT_ERROR;
  CHECK_RC(packr_composition_func(c, "doubler", "triple", &f, &e), PACKR_RESULT_NOT_FOUND);
  CHECK(f == SENT_FUNC && e != NULL && e != SENT_ERROR);
  if (e != NULL && e != SENT_ERROR) {
    CHECK_HAS(packr_error_message(e), "triple");
    packr_error_free(e);
  }
  /* error_out may be NULL. */
  {
    packr_bytes *out = SENT_BYTES;
    CHECK_RC(packr_composition_call(c, "doubler", "nope", NULL, 0, &out, NULL),
             PACKR_RESULT_NOT_FOUND);
    CHECK(out == SENT_BYTES);
  }

  /* Still works after all of that. */
  EXPECT_S64(call_s64(c, "doubler", "double", 21), 42);
  packr_composition_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* adder wired to doubler, and link errors                                                     */
/* ------------------------------------------------------------------------------------------ */

void test_adder(void) {
  packr_composition *c = build_adder_doubler();
  if (c != NULL) {
    packr_func *f = NULL;
    CHECK(packr_composition_package_count(c) == 2);
    CHECK(strcmp(packr_composition_package_name(c, 0), "adder") == 0);
    CHECK(strcmp(packr_composition_package_name(c, 1), "doubler") == 0);
    EXPECT_S64(call_s64(c, "adder", "process", 5), 11);
    EXPECT_S64(call_s64(c, "adder", "process", -7), -13);
    EXPECT_S64(call_s64(c, "adder", "process", 0), 1);
    EXPECT_S64(call_s64(c, "doubler", "double", 5), 10); /* the wired package is callable too */
    CHECK_RC(packr_composition_func(c, "adder", "process", &f, NULL), OK);
    if (f != NULL) {
      EXPECT_S64(fcall_v(f, packr_value_s64(100)), 201);
      EXPECT_FAIL(fcall_v(f, packr_value_u64(1)), PACKR_RESULT_GUEST,
                  "failed to convert parameter");
      EXPECT_S64(fcall_v(f, packr_value_s64(-1)), -1);
      packr_func_free(f);
    }
    packr_composition_free(c);
  }

  /* The adder's import served by a host function in C instead (3n + 1). */
  {
    int fin = 0;
    host_ctx h;
    packr_builder *b = packr_builder_new();
    ctx_init(&h, "", &fin);
    add_pkg(b, "adder", &g_adder);
    add_host(b, "math", "double", triple_cb, &h);
    c = build(b);
    if (c != NULL) {
      EXPECT_S64(call_s64(c, "adder", "process", 5), 16);
      CHECK(h.calls == 1);
      packr_composition_free(c);
    }
    CHECK(fin == 1);
  }

  /* A wire takes precedence over a host function of the same name. */
  {
    int fin = 0;
    host_ctx h;
    packr_builder *b = packr_builder_new();
    ctx_init(&h, "", &fin);
    add_pkg(b, "adder", &g_adder);
    add_pkg(b, "doubler", &g_doubler);
    add_host(b, "math", "double", triple_cb, &h);
    wire(b, "adder", "math", "double", "doubler", "double");
    c = build(b);
    if (c != NULL) {
      EXPECT_S64(call_s64(c, "adder", "process", 5), 11);
      CHECK(h.calls == 0);
      packr_composition_free(c);
    }
    CHECK(fin == 1);
  }

  /* Package files. */
  {
    packr_builder *b = packr_builder_new();
    packr_error *e = SENT_ERROR;
    CHECK_RC(packr_builder_add_package_file(b, "adder", g_adder.path, &e), OK);
    CHECK(e == NULL);
    CHECK_RC(packr_builder_add_package_file(b, "doubler", g_doubler.path, NULL), OK);
    wire(b, "adder", "math", "double", "doubler", "double");
    c = build(b);
    if (c != NULL) {
      EXPECT_S64(call_s64(c, "adder", "process", 5), 11);
      packr_composition_free(c);
    }
  }
}

void test_link_errors(void) {
  char *m;
  packr_builder *b;

  /* No wire: the import is unsatisfied. */
  b = packr_builder_new();
  add_pkg(b, "adder", &g_adder);
  add_pkg(b, "doubler", &g_doubler);
  m = build_fail(b, PACKR_RESULT_LINK);
  CHECK_HAS(m, "math.double");
  CHECK_HAS(m, "adder");
  free(m);

  /* Wire to an unknown source package. */
  b = packr_builder_new();
  add_pkg(b, "adder", &g_adder);
  add_pkg(b, "doubler", &g_doubler);
  wire(b, "adder", "math", "double", "multiplier", "double");
  m = build_fail(b, PACKR_RESULT_LINK);
  CHECK_HAS(m, "multiplier");
  free(m);

  /* Wire from an unknown target package. */
  b = packr_builder_new();
  add_pkg(b, "adder", &g_adder);
  add_pkg(b, "doubler", &g_doubler);
  wire(b, "adder", "math", "double", "doubler", "double");
  wire(b, "subtractor", "math", "double", "doubler", "double");
  m = build_fail(b, PACKR_RESULT_LINK);
  CHECK_HAS(m, "subtractor");
  free(m);

  /* Wire to an unknown export. */
  b = packr_builder_new();
  add_pkg(b, "adder", &g_adder);
  add_pkg(b, "doubler", &g_doubler);
  wire(b, "adder", "math", "double", "doubler", "quadruple");
  m = build_fail(b, PACKR_RESULT_LINK);
  CHECK_HAS(m, "quadruple");
  free(m);

  /* Wire an import the target does not have. */
  b = packr_builder_new();
  add_pkg(b, "adder", &g_adder);
  add_pkg(b, "doubler", &g_doubler);
  wire(b, "adder", "math", "double", "doubler", "double");
  wire(b, "adder", "math", "halve", "doubler", "double");
  m = build_fail(b, PACKR_RESULT_LINK);
  CHECK_HAS(m, "math.halve");
  free(m);
  b = packr_builder_new();
  add_pkg(b, "adder", &g_adder);
  add_pkg(b, "doubler", &g_doubler);
  wire(b, "doubler", "math", "double", "adder", "process");
  wire(b, "adder", "math", "double", "doubler", "double");
  m = build_fail(b, PACKR_RESULT_LINK);
  CHECK_HAS(m, "doubler");
  CHECK_HAS(m, "math.double");
  free(m);

  /* The same import wired twice. */
  b = packr_builder_new();
  add_pkg(b, "adder", &g_adder);
  add_pkg(b, "doubler", &g_doubler);
  wire(b, "adder", "math", "double", "doubler", "double");
  wire(b, "adder", "math", "double", "doubler", "double");
  m = build_fail(b, PACKR_RESULT_LINK);
  CHECK_HAS(m, "math.double");
  free(m);

  /* Duplicate package names. */
  b = packr_builder_new();
  add_pkg(b, "doubler", &g_doubler);
  add_pkg(b, "doubler", &g_adder);
  m = build_fail(b, PACKR_RESULT_LINK);
  CHECK_HAS(m, "doubler");
  free(m);

  /* A host function registered twice: LINK, and both finalizers still run exactly once. */
  {
    int fin = 0;
    b = packr_builder_new();
    add_pkg(b, "adder", &g_adder);
    add_host(b, "math", "double", triple_cb, ctx_new("", &fin));
    add_host(b, "math", "double", triple_cb, ctx_new("", &fin));
    m = build_fail(b, PACKR_RESULT_LINK);
    CHECK_HAS(m, "math.double");
    free(m);
    CHECK(fin == 2);
  }

  /* An import nothing provides (greeter without host functions), finalizers of unrelated host
     functions run when the failed build consumes the builder. */
  {
    int fin = 0;
    b = packr_builder_new();
    add_pkg(b, "greeter", &g_greeter);
    add_host(b, "host", "greet", greet_cb, ctx_new("Hi ", &fin));
    m = build_fail(b, PACKR_RESULT_LINK);
    CHECK_HAS(m, "host.log");
    free(m);
    CHECK(fin == 1);
  }

  /* Not wasm: COMPILE from add_package, naming the package; the builder is still usable. */
  {
    packr_error *e = SENT_ERROR;
    packr_composition *c;
    b = packr_builder_new();
    CHECK_RC(packr_builder_add_package(b, "junk", (const uint8_t *)"\0asm\x01\0\0\0junk", 12, &e),
             PACKR_RESULT_COMPILE);
    if (CHECK(e != NULL && e != SENT_ERROR)) {
      CHECK(packr_error_code(e) == PACKR_RESULT_COMPILE);
      CHECK_HAS(packr_error_message(e), "junk");
      packr_error_free(e);
    }
    e = SENT_ERROR;
    CHECK_RC(packr_builder_add_package(b, "empty", NULL, 0, &e), PACKR_RESULT_COMPILE);
    if (e != SENT_ERROR) packr_error_free(e);
    add_pkg(b, "doubler", &g_doubler);
    c = build(b);
    if (c != NULL) {
      CHECK(packr_composition_package_count(c) == 1);
      EXPECT_S64(call_s64(c, "doubler", "double", 3), 6);
      packr_composition_free(c);
    }
  }

  /* Unreadable file: IO naming the path. */
  {
    packr_error *e = SENT_ERROR;
    b = packr_builder_new();
    CHECK_RC(packr_builder_add_package_file(b, "x", "/nonexistent/dir/x.wasm", &e),
             PACKR_RESULT_IO);
    if (CHECK(e != NULL && e != SENT_ERROR)) {
      CHECK(packr_error_code(e) == PACKR_RESULT_IO);
      CHECK_HAS(packr_error_message(e), "/nonexistent/dir/x.wasm");
      packr_error_free(e);
    }
    packr_builder_free(b);
  }

  /* build with composition_out NULL: INVALID_ARGUMENT, and the builder (with a host function
     and packages) is consumed anyway: its finalizer runs, LeakSanitizer sees no leak. */
  {
    int fin = 0;
    packr_error *e = SENT_ERROR;
    b = packr_builder_new();
    add_pkg(b, "adder", &g_adder);
    add_host(b, "math", "double", triple_cb, ctx_new("", &fin));
    CHECK_RC(packr_builder_build(b, NULL, &e), INVALID);
    CHECK(e != NULL && e != SENT_ERROR);
    if (e != NULL && e != SENT_ERROR) packr_error_free(e);
    CHECK(fin == 1);
  }
  /* A builder that was never used is fine to build (empty composition) or free. */
  {
    packr_composition *c = build(packr_builder_new());
    if (c != NULL) {
      CHECK(packr_composition_package_count(c) == 0);
      EXPECT_FAIL(call_s64(c, "doubler", "double", 1), PACKR_RESULT_NOT_FOUND, "doubler");
      packr_composition_free(c);
    }
    packr_builder_free(packr_builder_new());
  }
}

/* ------------------------------------------------------------------------------------------ */
static void on_alarm(int sig) {
  static const char msg[] = "FATAL: test_runtime watchdog expired (a hang?)\n";
  (void)sig;
  if (write(2, msg, sizeof msg - 1) < 0) {
  }
  _exit(3);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../../target/guests/wasm";
  const char *to = getenv("PACKR_TEST_TIMEOUT");
  double t0 = now_ms();
  signal(SIGALRM, on_alarm);
  alarm(to != NULL ? (unsigned)atoi(to) : 600u);

  load_guest(dir, &g_doubler);
  load_guest(dir, &g_adder);
  load_guest(dir, &g_greeter);
  load_guest(dir, &g_sexpr);
  load_guest(dir, &g_hostile);
  load_guest(dir, &g_echo);

  test_doubler();
  test_adder();
  test_link_errors();
  test_greeter();
  test_greeter_wired();
  test_finalizers();
  test_reentrancy();
  test_sexpr();
  test_metadata();
  test_limits();
  test_interrupt();
  test_null_args();

  free(g_doubler.data);
  free(g_adder.data);
  free(g_greeter.data);
  free(g_sexpr.data);
  free(g_hostile.data);
  free(g_echo.data);

  printf("runtime tests took %.0f ms; timeout latency (100 ms limit): %.1f ms\n", now_ms() - t0,
         g_timeout_latency_ms);
  printf("%lu passed, %lu failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}
