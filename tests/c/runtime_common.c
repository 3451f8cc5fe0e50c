/* Definitions for runtime_common.h. */
#include "runtime_common.h"

/* ------------------------------------------------------------------------------------------ */
/* A tiny assertion framework (as in test_value.c; counters are atomic because a few checks    */
/* run on helper threads)                                                                      */
/* ------------------------------------------------------------------------------------------ */

unsigned long g_passed;
unsigned long g_failed;

int check_at(int ok, const char *file, int line, const char *expr) {
  if (ok) {
    __atomic_add_fetch(&g_passed, 1, __ATOMIC_SEQ_CST);
  } else {
    __atomic_add_fetch(&g_failed, 1, __ATOMIC_SEQ_CST);
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", file, line, expr);
  }
  return ok;
}

int check_rc_at(uint32_t got, uint32_t want, const char *file, int line, const char *expr) {
  if (got == want) {
    __atomic_add_fetch(&g_passed, 1, __ATOMIC_SEQ_CST);
    return 1;
  }
  __atomic_add_fetch(&g_failed, 1, __ATOMIC_SEQ_CST);
  fprintf(stderr, "%s:%d: CHECK_RC failed: %s returned %s (%u), expected %s (%u)\n", file, line,
          expr, packr_result_name(got), (unsigned)got, packr_result_name(want), (unsigned)want);
  return 0;
}

int check_has_at(const char *hay, const char *needle, const char *file, int line,
                        const char *expr) {
  if (hay != NULL && strstr(hay, needle) != NULL) {
    __atomic_add_fetch(&g_passed, 1, __ATOMIC_SEQ_CST);
    return 1;
  }
  __atomic_add_fetch(&g_failed, 1, __ATOMIC_SEQ_CST);
  fprintf(stderr, "%s:%d: CHECK_HAS failed: %s = \"%s\" does not contain \"%s\"\n", file, line,
          expr, hay ? hay : "(null)", needle);
  return 0;
}

/* REGRESSION(cond, what): a check for a bug that was found and fixed; counted like CHECK. */
int regression_at(int ok, const char *file, int line, const char *what) {
  if (ok) {
    __atomic_add_fetch(&g_passed, 1, __ATOMIC_SEQ_CST);
  } else {
    __atomic_add_fetch(&g_failed, 1, __ATOMIC_SEQ_CST);
    fprintf(stderr, "%s:%d: CHECK failed (regression): %s\n", file, line, what);
  }
  return ok;
}

/* Sentinels: out-parameters preset to these must be left untouched on failure. Never freed. */
char g_sentinel_storage[8];

const char BAD_UTF8[] = "bad\xff\xfe";

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = (char *)malloc(n);
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  memcpy(p, s, n);
  return p;
}

double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) != 0) {
  }
}

guest g_doubler = {"doubler", NULL, 0, {0}};
guest g_adder = {"adder", NULL, 0, {0}};
guest g_greeter = {"greeter", NULL, 0, {0}};
guest g_sexpr = {"sexpr", NULL, 0, {0}};
guest g_hostile = {"hostile", NULL, 0, {0}};
guest g_echo = {"echo", NULL, 0, {0}};

void load_guest(const char *dir, guest *g) {
  FILE *f;
  long n;
  snprintf(g->path, sizeof g->path, "%s/%s.wasm", dir, g->name);
  f = fopen(g->path, "rb");
  if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "cannot read %s (build the guests with tests/guests/build.sh)\n", g->path);
    exit(2);
  }
  g->data = (uint8_t *)malloc((size_t)n);
  if (g->data == NULL || fread(g->data, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", g->path);
    exit(2);
  }
  g->len = (size_t)n;
  fclose(f);
}

/* ------------------------------------------------------------------------------------------ */
/* Builder helpers                                                                             */
/* ------------------------------------------------------------------------------------------ */

/* Adds a package; checks OK and that *error_out was set to NULL. */
void add_pkg(packr_builder *b, const char *name, const guest *g) {
  packr_error *e = SENT_ERROR;
  uint32_t rc = (uint32_t)packr_builder_add_package(b, name, g->data, g->len, &e);
  if (!CHECK_RC(rc, OK)) {
    if (e != SENT_ERROR) {
      fprintf(stderr, "    %s\n", packr_error_message(e));
      packr_error_free(e);
    }
    return;
  }
  CHECK(e == NULL);
}

void wire(packr_builder *b, const char *target, const char *mod, const char *name,
                 const char *source, const char *exp) {
  packr_error *e = SENT_ERROR;
  CHECK_RC(packr_builder_wire(b, target, mod, name, source, exp, &e), OK);
  CHECK(e == NULL);
}

/* Builds (consumes b); returns the composition, or NULL after a failed check. */
packr_composition *build(packr_builder *b) {
  packr_composition *c = SENT_COMP;
  packr_error *e = SENT_ERROR;
  uint32_t rc = (uint32_t)packr_builder_build(b, &c, &e);
  if (!CHECK_RC(rc, OK)) {
    if (e != SENT_ERROR) {
      fprintf(stderr, "    %s\n", packr_error_message(e));
      packr_error_free(e);
    }
    return NULL;
  }
  CHECK(e == NULL);
  CHECK(c != NULL && c != SENT_COMP);
  return c == SENT_COMP ? NULL : c;
}

/* Builds (consumes b) expecting failure `want`; returns the message (caller frees). */
char *build_fail(packr_builder *b, uint32_t want) {
  packr_composition *c = SENT_COMP;
  packr_error *e = SENT_ERROR;
  uint32_t rc = (uint32_t)packr_builder_build(b, &c, &e);
  char *msg;
  CHECK_RC(rc, want);
  CHECK(c == SENT_COMP);
  CHECK(e != NULL && e != SENT_ERROR);
  if (rc == OK) {
    packr_composition_free(c);
    return xstrdup("(build succeeded)");
  }
  if (e == NULL || e == SENT_ERROR) return xstrdup("(no error)");
  CHECK(packr_error_code(e) == rc);
  msg = xstrdup(packr_error_message(e));
  packr_error_free(e);
  return msg;
}

packr_composition *build_doubler(void) {
  packr_builder *b = packr_builder_new();
  add_pkg(b, "doubler", &g_doubler);
  return build(b);
}

packr_composition *build_adder_doubler(void) {
  packr_builder *b = packr_builder_new();
  add_pkg(b, "adder", &g_adder);
  add_pkg(b, "doubler", &g_doubler);
  wire(b, "adder", "math", "double", "doubler", "double");
  return build(b);
}

/* ------------------------------------------------------------------------------------------ */
/* Value helpers                                                                               */
/* ------------------------------------------------------------------------------------------ */

/* Encodes and frees v. Our own values always encode; anything else is a harness bug. */
packr_bytes *enc(packr_value *v) {
  packr_bytes *out = NULL;
  packr_error *e = NULL;
  if (v == NULL || packr_value_encode(v, &out, &e) != OK) {
    fprintf(stderr, "harness: cannot encode a value: %s\n", packr_error_message(e));
    exit(2);
  }
  packr_value_free(v);
  return out;
}

packr_value *str_value(const char *s, size_t len) {
  packr_value *v = NULL;
  if (packr_value_string(s, len, &v) != OK) {
    fprintf(stderr, "harness: bad string\n");
    exit(2);
  }
  return v;
}

packr_value *decode(const uint8_t *p, size_t n) {
  packr_value *v = NULL;
  packr_error *e = NULL;
  if (packr_value_decode(p, n, &v, &e) != OK) {
    fprintf(stderr, "    decode failed: %s\n", packr_error_message(e));
    packr_error_free(e);
    return NULL;
  }
  return v;
}

/* (ptr, len) view equals the C string s. */
int view_is(const char *p, size_t len, const char *s) {
  return p != NULL && len == strlen(s) && memcmp(p, s, len) == 0;
}

/* Checks the API conventions of every call: *error_out NULL on success, an error with the
   same code on failure, the output written only on success. */
res finish(uint32_t rc, packr_bytes *out, packr_error *e) {
  res r;
  r.rc = rc;
  r.out = NULL;
  r.msg = NULL;
  if (rc == OK) {
    CHECK(e == NULL);
    CHECK(out != NULL && out != SENT_BYTES);
    if (out != SENT_BYTES) r.out = out;
  } else {
    CHECK(out == SENT_BYTES);
    if (CHECK(e != NULL && e != SENT_ERROR)) {
      CHECK(packr_error_code(e) == rc);
      r.msg = xstrdup(packr_error_message(e));
      CHECK(r.msg[0] != '\0');
      packr_error_free(e);
    } else {
      r.msg = xstrdup("");
    }
  }
  return r;
}

res call_raw(const packr_composition *c, const char *pkg, const char *exp,
                    const uint8_t *in, size_t len) {
  packr_bytes *out = SENT_BYTES;
  packr_error *e = SENT_ERROR;
  uint32_t rc = (uint32_t)packr_composition_call(c, pkg, exp, in, len, &out, &e);
  return finish(rc, out, e);
}

res fcall_raw(const packr_func *f, const uint8_t *in, size_t len) {
  packr_bytes *out = SENT_BYTES;
  packr_error *e = SENT_ERROR;
  uint32_t rc = (uint32_t)packr_func_call(f, in, len, &out, &e);
  return finish(rc, out, e);
}

/* Calls with an encoded value (consumes v). */
res call_v(const packr_composition *c, const char *pkg, const char *exp, packr_value *v) {
  packr_bytes *in = enc(v);
  res r = call_raw(c, pkg, exp, packr_bytes_data(in), packr_bytes_len(in));
  packr_bytes_free(in);
  return r;
}

res fcall_v(const packr_func *f, packr_value *v) {
  packr_bytes *in = enc(v);
  res r = fcall_raw(f, packr_bytes_data(in), packr_bytes_len(in));
  packr_bytes_free(in);
  return r;
}

res call_s64(const packr_composition *c, const char *pkg, const char *exp, int64_t n) {
  return call_v(c, pkg, exp, packr_value_s64(n));
}

res call_str(const packr_composition *c, const char *pkg, const char *exp, const char *s) {
  return call_v(c, pkg, exp, str_value(s, strlen(s)));
}

void res_free(res *r) {
  packr_bytes_free(r->out);
  free(r->msg);
  r->out = NULL;
  r->msg = NULL;
}

packr_value *res_value(const res *r) {
  if (r->rc != OK || r->out == NULL) return NULL;
  return decode(packr_bytes_data(r->out), packr_bytes_len(r->out));
}

void print_res(const res *r) {
  fprintf(stderr, "    call returned %s: %s\n", packr_result_name(r->rc), r->msg ? r->msg : "");
}

/* The call succeeded with S64(want). Frees r. */
int expect_s64_at(res r, int64_t want, const char *file, int line, const char *expr) {
  int ok = 0;
  int64_t got = 0;
  packr_value *v = res_value(&r);
  if (v != NULL && packr_value_as_s64(v, &got) == OK && got == want) ok = 1;
  if (!check_at(ok, file, line, expr)) {
    if (r.rc != OK) {
      print_res(&r);
    } else {
      fprintf(stderr, "    got kind %u value %" PRId64 ", want S64(%" PRId64 ")\n",
              (unsigned)packr_value_kind(v), got, want);
    }
  }
  packr_value_free(v);
  res_free(&r);
  return ok;
}

int expect_u32_at(res r, uint32_t want, const char *file, int line, const char *expr) {
  int ok = 0;
  uint32_t got = 0;
  packr_value *v = res_value(&r);
  if (v != NULL && packr_value_as_u32(v, &got) == OK && got == want) ok = 1;
  if (!check_at(ok, file, line, expr) && r.rc != OK) print_res(&r);
  packr_value_free(v);
  res_free(&r);
  return ok;
}

int expect_str_at(res r, const char *want, const char *file, int line, const char *expr) {
  int ok = 0;
  const char *p = NULL;
  size_t n = 0;
  packr_value *v = res_value(&r);
  if (v != NULL && packr_value_as_string(v, &p, &n) == OK && view_is(p, n, want)) ok = 1;
  if (!check_at(ok, file, line, expr)) {
    if (r.rc != OK) {
      print_res(&r);
    } else if (p != NULL) {
      fprintf(stderr, "    got \"%.*s\", want \"%s\"\n", (int)n, p, want);
    }
  }
  packr_value_free(v);
  res_free(&r);
  return ok;
}

/* The call failed with `want`, and the message contains each of the NULL-terminated needles.
   Frees r. */
int expect_fail_at(res r, uint32_t want, const char *const *needles, const char *file,
                          int line, const char *expr) {
  int ok = check_rc_at(r.rc, want, file, line, expr);
  size_t i;
  if (!ok && r.rc != OK) fprintf(stderr, "    message: %s\n", r.msg);
  if (r.rc != OK) {
    for (i = 0; needles != NULL && needles[i] != NULL; i++) {
      ok &= check_has_at(r.msg, needles[i], file, line, "message");
    }
  }
  res_free(&r);
  return ok;
}

/* The composition host callbacks call back into (re-entrancy tests). */
const packr_composition *g_self;

void ctx_init(host_ctx *h, const char *prefix, int *finalized) {
  memset(h, 0, sizeof *h);
  h->prefix = prefix;
  h->finalized = finalized;
}

host_ctx *ctx_new(const char *prefix, int *finalized) {
  host_ctx *h = (host_ctx *)malloc(sizeof *h);
  if (h == NULL) exit(2);
  ctx_init(h, prefix, finalized);
  h->heap = 1;
  return h;
}

void ctx_finalize(void *ud) {
  host_ctx *h = (host_ctx *)ud;
  (*h->finalized)++;
  if (h->heap) free(h);
}

/* Reads the String argument into h->last. Returns 0 when it is not a string. */
int read_name(host_ctx *h, const uint8_t *in, size_t len) {
  packr_value *v = decode(in, len);
  const char *p = NULL;
  size_t n = 0;
  int ok = v != NULL && packr_value_as_string(v, &p, &n) == OK && n < sizeof h->last;
  if (ok) {
    memcpy(h->last, p, n);
    h->last[n] = '\0';
  }
  packr_value_free(v);
  return ok;
}

int32_t reply_string(packr_host_reply *r, const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = (char *)malloc(la + lb + 1);
  packr_bytes *out;
  int32_t rc;
  if (s == NULL) return 1;
  memcpy(s, a, la);
  memcpy(s + la, b, lb + 1);
  out = enc(str_value(s, la + lb));
  free(s);
  rc = packr_host_reply_set_output(r, packr_bytes_data(out), packr_bytes_len(out)) == OK ? 0 : 1;
  packr_bytes_free(out);
  return rc;
}

int32_t greet_cb(void *ud, const uint8_t *in, size_t len, packr_host_reply *r) {
  host_ctx *h = (host_ctx *)ud;
  __atomic_store_n(&h->entered, 1, __ATOMIC_SEQ_CST);
  h->calls++;
  if (!read_name(h, in, len)) {
    if (packr_host_reply_set_error(r, "greet: the argument is not a string") != OK) return 2;
    return 1;
  }
  switch (h->mode) {
    case H_FAIL_MSG:
      if (packr_host_reply_set_error(r, "greet exploded: no greeting today") != OK) return 2;
      return 1;
    case H_FAIL_CODE:
      return 7;
    case H_ERR_ZERO:
      if (packr_host_reply_set_error(r, "an error with status 0") != OK) return 2;
      return 0;
    case H_BAD_CGRF:
      if (packr_host_reply_set_output(r, (const uint8_t *)"this is not CGRF", 16) != OK) return 2;
      return 0;
    case H_EMPTY_OUTPUT:
      if (packr_host_reply_set_output(r, NULL, 0) != OK) return 2;
      return 0;
    case H_TWICE:
      if (packr_host_reply_set_output(r, (const uint8_t *)"garbage", 7) != OK) return 2;
      return reply_string(r, "Twice, ", h->last);
    case H_WRONG_TYPE: {
      packr_bytes *out = enc(packr_value_s64(5));
      int32_t rc = packr_host_reply_set_output(r, packr_bytes_data(out), packr_bytes_len(out)) == OK ? 0 : 2;
      packr_bytes_free(out);
      return rc;
    }
    case H_REENTER: {
      res a = call_s64(g_self, "doubler", "double", 21);
      res b = call_str(g_self, "greeter", "log_twice", "inner");
      packr_value *va = res_value(&a), *vb = res_value(&b);
      int64_t x = 0;
      uint32_t y = 0;
      h->reenter_ok = va != NULL && packr_value_as_s64(va, &x) == OK && x == 42 && vb != NULL &&
                      packr_value_as_u32(vb, &y) == OK && y == 2;
      if (!h->reenter_ok) {
        print_res(&a);
        print_res(&b);
      }
      packr_value_free(va);
      packr_value_free(vb);
      res_free(&a);
      res_free(&b);
      return reply_string(r, h->prefix, h->last);
    }
    case H_RECURSE: {
      if (h->depth < 2) {
        res a;
        int32_t rc;
        char name[sizeof h->last];
        memcpy(name, h->last, sizeof name);
        h->depth++;
        a = call_str(g_self, "greeter", "hello", name);
        h->depth--;
        if (a.rc != OK) {
          print_res(&a);
          res_free(&a);
          return 3;
        }
        rc = packr_host_reply_set_output(r, packr_bytes_data(a.out), packr_bytes_len(a.out)) == OK ? 0 : 2;
        res_free(&a);
        return rc;
      }
      return reply_string(r, h->prefix, h->last);
    }
    case H_INTERRUPT_SELF:
      packr_composition_interrupt(g_self);
      return reply_string(r, h->prefix, h->last);
    case H_SLEEP:
      sleep_ms(120);
      return reply_string(r, h->prefix, h->last);
    case H_REPLY_ARGS:
      h->reply_rcs[0] = (uint32_t)packr_host_reply_set_output(NULL, (const uint8_t *)"x", 1);
      h->reply_rcs[1] = (uint32_t)packr_host_reply_set_output(r, NULL, 5);
      h->reply_rcs[2] = (uint32_t)packr_host_reply_set_error(NULL, "x");
      h->reply_rcs[3] = (uint32_t)packr_host_reply_set_error(r, NULL);
      h->reply_rcs[4] = (uint32_t)packr_host_reply_set_error(r, BAD_UTF8);
      /* None of those may have marked the reply as failed. */
      return reply_string(r, h->prefix, h->last);
    default:
      return reply_string(r, h->prefix, h->last);
  }
}

int32_t log_cb(void *ud, const uint8_t *in, size_t len, packr_host_reply *r) {
  host_ctx *h = (host_ctx *)ud;
  (void)r;
  __atomic_add_fetch(&h->calls, 1, __ATOMIC_SEQ_CST);
  if (!read_name(h, in, len)) return 1;
  return 0; /* no output: libpackr answers the unit value () */
}

/* A host math.double that triples (to tell it from the doubler package). */
int32_t triple_cb(void *ud, const uint8_t *in, size_t len, packr_host_reply *r) {
  host_ctx *h = (host_ctx *)ud;
  packr_value *v = decode(in, len);
  int64_t n = 0;
  int32_t rc = 1;
  h->calls++;
  if (v != NULL && packr_value_as_s64(v, &n) == OK) {
    packr_bytes *out = enc(packr_value_s64((int64_t)((uint64_t)n * 3u)));
    rc = packr_host_reply_set_output(r, packr_bytes_data(out), packr_bytes_len(out)) == OK ? 0 : 2;
    packr_bytes_free(out);
  }
  packr_value_free(v);
  return rc;
}

void add_host(packr_builder *b, const char *mod, const char *name, packr_host_fn cb,
                     host_ctx *h) {
  packr_error *e = SENT_ERROR;
  CHECK_RC(packr_builder_add_host_function(b, mod, name, cb, h, ctx_finalize, &e), OK);
  CHECK(e == NULL);
}

/* A greeter composition with host.greet and host.log in C (plus doubler, for re-entrancy). */
packr_composition *build_greeter(host_ctx *greet, host_ctx *log, int with_doubler) {
  packr_builder *b = packr_builder_new();
  add_pkg(b, "greeter", &g_greeter);
  if (with_doubler) add_pkg(b, "doubler", &g_doubler);
  add_host(b, "host", "greet", greet_cb, greet);
  add_host(b, "host", "log", log_cb, log);
  return build(b);
}
