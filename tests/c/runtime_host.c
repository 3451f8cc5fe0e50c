/* Runtime tests: host functions written in C, wired to the greeter guest; finalizers and
 * re-entrancy. */
#include "runtime_common.h"


/* ------------------------------------------------------------------------------------------ */
/* greeter with host functions in C                                                           */
/* ------------------------------------------------------------------------------------------ */

void test_greeter(void) {
  int gfin = 0, lfin = 0;
  host_ctx greet, log;
  packr_composition *c;
  ctx_init(&greet, "Hello, ", &gfin);
  ctx_init(&log, "", &lfin);
  c = build_greeter(&greet, &log, 0);
  if (c == NULL) return;
  CHECK(gfin == 0 && lfin == 0);

  EXPECT_STR(call_str(c, "greeter", "hello", "bob"), "Hello, bob!");
  CHECK(greet.calls == 1 && strcmp(greet.last, "bob") == 0);
  EXPECT_STR(call_str(c, "greeter", "hello", ""), "Hello, !");
  EXPECT_STR(call_str(c, "greeter", "hello", "J\xc3\xa9r\xc3\xb4me"), "Hello, J\xc3\xa9r\xc3\xb4me!");
  CHECK(greet.calls == 3 && log.calls == 0);

  EXPECT_U32(call_str(c, "greeter", "log_twice", "ping"), 2);
  CHECK(log.calls == 2 && strcmp(log.last, "ping") == 0);
  EXPECT_U32(call_str(c, "greeter", "log_twice", "pong"), 2);
  CHECK(log.calls == 4 && strcmp(log.last, "pong") == 0);
  CHECK(greet.calls == 3);

  /* A failing host function: HOST, with its message and the import's name. */
  greet.mode = H_FAIL_MSG;
  EXPECT_FAIL(call_str(c, "greeter", "hello", "bob"), PACKR_RESULT_HOST,
              "greet exploded: no greeting today", "host.greet", "greeter.hello");
  greet.mode = H_OK;
  EXPECT_STR(call_str(c, "greeter", "hello", "again"), "Hello, again!");

  /* Non-zero without a message: a default naming the import and the code. */
  greet.mode = H_FAIL_CODE;
  EXPECT_FAIL(call_str(c, "greeter", "hello", "bob"), PACKR_RESULT_HOST, "host.greet", "7");
  greet.mode = H_OK;
  EXPECT_STR(call_str(c, "greeter", "hello", "bob"), "Hello, bob!");

  /* A set error turns a 0 return into a failure. */
  greet.mode = H_ERR_ZERO;
  EXPECT_FAIL(call_str(c, "greeter", "hello", "bob"), PACKR_RESULT_HOST, "an error with status 0",
              "host.greet");
  greet.mode = H_OK;
  EXPECT_STR(call_str(c, "greeter", "hello", "bob"), "Hello, bob!");

  /* Output that is not CGRF: DECODE naming the host function (the guest never sees it). */
  greet.mode = H_BAD_CGRF;
  EXPECT_FAIL(call_str(c, "greeter", "hello", "bob"), PACKR_RESULT_DECODE, "host.greet");
  greet.mode = H_EMPTY_OUTPUT;
  EXPECT_FAIL(call_str(c, "greeter", "hello", "bob"), PACKR_RESULT_DECODE, "host.greet");
  greet.mode = H_OK;
  EXPECT_STR(call_str(c, "greeter", "hello", "bob"), "Hello, bob!");

  /* The last set_output wins. */
  greet.mode = H_TWICE;
  EXPECT_STR(call_str(c, "greeter", "hello", "bob"), "Twice, bob!");

  /* The reply functions refuse bad arguments without failing the reply. */
  greet.mode = H_REPLY_ARGS;
  EXPECT_STR(call_str(c, "greeter", "hello", "args"), "Hello, args!");
  CHECK(greet.reply_rcs[0] == INVALID);
  CHECK(greet.reply_rcs[1] == INVALID);
  CHECK(greet.reply_rcs[2] == INVALID);
  CHECK(greet.reply_rcs[3] == INVALID);
  CHECK(greet.reply_rcs[4] == INVALID);
  greet.mode = H_OK;

  /* The log host function answers nothing (unit); the guest is fine with that. */
  EXPECT_U32(call_str(c, "greeter", "log_twice", "last"), 2);
  CHECK(log.calls == 6);
  EXPECT_STR(call_str(c, "greeter", "hello", "end"), "Hello, end!");

  packr_composition_free(c);
  /* Finalizers: exactly once each, when the composition is freed. */
  CHECK(gfin == 1 && lfin == 1);

  /* A host function answering valid CGRF of the wrong type makes packr-guest 0.5.4 panic, which
     spins: fuel ends it with LIMIT (a timeout would too). */
  {
    packr_builder *b = packr_builder_new();
    ctx_init(&greet, "Hello, ", &gfin);
    ctx_init(&log, "", &lfin);
    add_pkg(b, "greeter", &g_greeter);
    add_host(b, "host", "greet", greet_cb, &greet);
    add_host(b, "host", "log", log_cb, &log);
    CHECK_RC(packr_builder_set_fuel(b, 10000000), OK);
    c = build(b);
    if (c != NULL) {
      greet.mode = H_WRONG_TYPE;
      EXPECT_FAIL(call_str(c, "greeter", "hello", "bob"), PACKR_RESULT_LIMIT, "fuel");
      greet.mode = H_OK;
      EXPECT_STR(call_str(c, "greeter", "hello", "bob"), "Hello, bob!");
      packr_composition_free(c);
    }
    CHECK(gfin == 2 && lfin == 2);
  }
}

/* greet wired to another package's export instead of a host function. */
void test_greeter_wired(void) {
  int lfin = 0;
  host_ctx log;
  packr_builder *b = packr_builder_new();
  packr_composition *c;
  ctx_init(&log, "", &lfin);
  add_pkg(b, "greeter", &g_greeter);
  add_pkg(b, "echo", &g_echo);
  add_pkg(b, "doubler", &g_doubler);
  wire(b, "greeter", "host", "greet", "echo", "echo");
  add_host(b, "host", "log", log_cb, &log);
  c = build(b);
  if (c != NULL) {
    EXPECT_STR(call_str(c, "greeter", "hello", "bob"), "bob!");
    packr_composition_free(c);
  }
  CHECK(lfin == 1);

  /* A wired export that fails (status -1) fails the whole call with its code, naming the way. */
  lfin = 0;
  ctx_init(&log, "", &lfin);
  b = packr_builder_new();
  add_pkg(b, "greeter", &g_greeter);
  add_pkg(b, "doubler", &g_doubler);
  /* string -> string wired to s64 -> s64 on purpose: skip the typed-wiring check. */
  CHECK_RC(packr_builder_wire_unchecked(b, "greeter", "host", "greet", "doubler", "double", NULL), OK);
  add_host(b, "host", "log", log_cb, &log);
  c = build(b);
  if (c != NULL) {
    EXPECT_FAIL(call_str(c, "greeter", "hello", "bob"), PACKR_RESULT_GUEST,
                "failed to convert parameter", "host.greet", "doubler.double", "greeter.hello");
    EXPECT_U32(call_str(c, "greeter", "log_twice", "still alive"), 2);
    packr_composition_free(c);
  }
  CHECK(lfin == 1);
}

/* ------------------------------------------------------------------------------------------ */
/* Finalizers                                                                                  */
/* ------------------------------------------------------------------------------------------ */

static void *free_composition_main(void *c) {
  packr_composition_free((packr_composition *)c);
  return NULL;
}

void test_finalizers(void) {
  /* Runs before add_host_function returns when it fails. */
  {
    int fin = 0;
    packr_builder *b = packr_builder_new();
    packr_error *e = SENT_ERROR;
    CHECK_RC(packr_builder_add_host_function(b, "host", "greet", NULL, ctx_new("", &fin),
                                             ctx_finalize, &e),
             INVALID);
    CHECK(fin == 1);
    CHECK(e != NULL && e != SENT_ERROR);
    if (e != NULL && e != SENT_ERROR) {
      CHECK(packr_error_code(e) == INVALID);
      packr_error_free(e);
    }
    CHECK_RC(packr_builder_add_host_function(NULL, "host", "greet", greet_cb, ctx_new("", &fin),
                                             ctx_finalize, NULL),
             INVALID);
    CHECK(fin == 2);
    CHECK_RC(packr_builder_add_host_function(b, NULL, "greet", greet_cb, ctx_new("", &fin),
                                             ctx_finalize, NULL),
             INVALID);
    CHECK(fin == 3);
    CHECK_RC(packr_builder_add_host_function(b, "host", NULL, greet_cb, ctx_new("", &fin),
                                             ctx_finalize, NULL),
             INVALID);
    CHECK(fin == 4);
    CHECK_RC(packr_builder_add_host_function(b, BAD_UTF8, "greet", greet_cb, ctx_new("", &fin),
                                             ctx_finalize, NULL),
             INVALID);
    CHECK(fin == 5);
    CHECK_RC(packr_builder_add_host_function(b, "host", BAD_UTF8, greet_cb, ctx_new("", &fin),
                                             ctx_finalize, NULL),
             INVALID);
    CHECK(fin == 6);
    /* A NULL finalizer is fine, also on failure (nothing to run, nothing leaks: static data). */
    {
      static host_ctx unowned;
      CHECK_RC(packr_builder_add_host_function(b, "host", "log", NULL, &unowned, NULL, NULL),
               INVALID);
      CHECK_RC(packr_builder_add_host_function(b, "host", "log", log_cb, &unowned, NULL, NULL),
               OK);
    }
    packr_builder_free(b);
    CHECK(fin == 6);
  }

  /* Runs once when the builder is freed without building. */
  {
    int fin = 0;
    packr_builder *b = packr_builder_new();
    add_pkg(b, "greeter", &g_greeter);
    add_host(b, "host", "greet", greet_cb, ctx_new("", &fin));
    add_host(b, "host", "log", log_cb, ctx_new("", &fin));
    CHECK(fin == 0);
    packr_builder_free(b);
    CHECK(fin == 2);
  }

  /* Runs once when the composition is freed, not at build. */
  {
    int fin = 0;
    packr_builder *b = packr_builder_new();
    packr_composition *c;
    add_pkg(b, "greeter", &g_greeter);
    add_host(b, "host", "greet", greet_cb, ctx_new("Hey ", &fin));
    add_host(b, "host", "log", log_cb, ctx_new("", &fin));
    c = build(b);
    CHECK(fin == 0);
    if (c != NULL) EXPECT_STR(call_str(c, "greeter", "hello", "x"), "Hey x!");
    CHECK(fin == 0);
    packr_composition_free(c);
    CHECK(fin == 2);
  }

  /* Runs after the last func is freed when the composition was freed first; the funcs keep
     working (and calling the host functions) in between. */
  {
    int gfin = 0, lfin = 0;
    host_ctx greet, log;
    packr_func *f1 = NULL, *f2 = NULL;
    packr_composition *c;
    ctx_init(&greet, "Yo ", &gfin);
    ctx_init(&log, "", &lfin);
    c = build_greeter(&greet, &log, 0);
    if (c != NULL) {
      CHECK_RC(packr_composition_func(c, "greeter", "hello", &f1, NULL), OK);
      CHECK_RC(packr_composition_func(c, "greeter", "log_twice", &f2, NULL), OK);
      packr_composition_free(c);
      CHECK(gfin == 0 && lfin == 0);
      if (f1 != NULL) EXPECT_STR(fcall_v(f1, str_value("ann", 3)), "Yo ann!");
      if (f2 != NULL) EXPECT_U32(fcall_v(f2, str_value("m", 1)), 2);
      CHECK(greet.calls == 1 && log.calls == 2);
      packr_func_free(f1);
      CHECK(gfin == 0 && lfin == 0);
      if (f2 != NULL) EXPECT_U32(fcall_v(f2, str_value("n", 1)), 2);
      packr_func_free(f2);
      CHECK(gfin == 1 && lfin == 1);
    }
  }

  /* A failed build consumes the builder and runs the finalizers once. */
  {
    int fin = 0;
    packr_builder *b = packr_builder_new();
    char *m;
    add_pkg(b, "greeter", &g_greeter);
    add_host(b, "host", "greet", greet_cb, ctx_new("", &fin));
    add_host(b, "host", "log", log_cb, ctx_new("", &fin));
    wire(b, "greeter", "host", "greet", "nobody", "nothing");
    m = build_fail(b, PACKR_RESULT_LINK);
    CHECK_HAS(m, "nobody");
    free(m);
    CHECK(fin == 2);
  }

  /* The finalizer may run on another thread: here the composition is freed on one. */
  {
    int fin = 0;
    packr_builder *b = packr_builder_new();
    packr_composition *c;
    add_pkg(b, "greeter", &g_greeter);
    add_host(b, "host", "greet", greet_cb, ctx_new("", &fin));
    add_host(b, "host", "log", log_cb, ctx_new("", &fin));
    c = build(b);
    if (c != NULL) {
      pthread_t t;
      EXPECT_STR(call_str(c, "greeter", "hello", "t"), "t!");
      if (CHECK(pthread_create(&t, NULL, free_composition_main, c) == 0)) {
        pthread_join(t, NULL);
      } else {
        packr_composition_free(c);
      }
    }
    CHECK(fin == 2);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* Re-entrancy: a host function calling back into its own composition                          */
/* ------------------------------------------------------------------------------------------ */

void test_reentrancy(void) {
  int gfin = 0, lfin = 0;
  host_ctx greet, log;
  packr_composition *c;
  ctx_init(&greet, "Hello, ", &gfin);
  ctx_init(&log, "", &lfin);
  c = build_greeter(&greet, &log, 1);
  if (c == NULL) return;
  g_self = c;

  greet.mode = H_REENTER;
  EXPECT_STR(call_str(c, "greeter", "hello", "bob"), "Hello, bob!");
  CHECK(greet.reenter_ok);
  CHECK(log.calls == 2 && strcmp(log.last, "inner") == 0);
  EXPECT_STR(call_str(c, "greeter", "hello", "amy"), "Hello, amy!");
  CHECK(greet.reenter_ok);
  CHECK(log.calls == 4);

  /* hello -> greet -> hello -> greet -> hello -> greet: three nested calls on the same thread. */
  greet.mode = H_RECURSE;
  greet.calls = 0;
  EXPECT_STR(call_str(c, "greeter", "hello", "eve"), "Hello, eve!!!");
  CHECK(greet.calls == 3 && greet.depth == 0);

  /* Through a func as well. */
  {
    packr_func *f = NULL;
    CHECK_RC(packr_composition_func(c, "greeter", "hello", &f, NULL), OK);
    if (f != NULL) {
      greet.mode = H_REENTER;
      EXPECT_STR(fcall_v(f, str_value("fn", 2)), "Hello, fn!");
      CHECK(greet.reenter_ok);
      packr_func_free(f);
    }
  }

  /* A host function that interrupts its own composition: it is not interrupted itself, but
     the guest is stopped when it resumes; the next call runs normally. */
  greet.mode = H_INTERRUPT_SELF;
  EXPECT_FAIL(call_str(c, "greeter", "hello", "int"), PACKR_RESULT_INTERRUPTED, "greeter.hello");
  greet.mode = H_OK;
  EXPECT_STR(call_str(c, "greeter", "hello", "after"), "Hello, after!");

  g_self = NULL;
  packr_composition_free(c);
  CHECK(gfin == 1 && lfin == 1);
}
