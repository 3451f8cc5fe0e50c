/*
 * Shared by the runtime tests (test_runtime.c, runtime_host.c, runtime_sexpr.c,
 * runtime_limits.c, linked into one binary): the assertion framework, the guests, call helpers
 * and the C host functions. Definitions are in runtime_common.c.
 */
#ifndef PACKR_TESTS_RUNTIME_COMMON_H
#define PACKR_TESTS_RUNTIME_COMMON_H

#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "packr.h"

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
extern unsigned long g_passed;
extern unsigned long g_failed;
int check_at(int ok, const char *file, int line, const char *expr);

/* CHECK(cond): counts one check; prints file:line and the expression when it fails. */
#define CHECK(cond) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
int check_rc_at(uint32_t got, uint32_t want, const char *file, int line, const char *expr);

/* CHECK_RC(call, want): the packr_result of `call` equals `want`. */
#define CHECK_RC(call, want) \
  check_rc_at((uint32_t)(call), (uint32_t)(want), __FILE__, __LINE__, #call)
int check_has_at(const char *hay, const char *needle, const char *file, int line, const char *expr);

/* CHECK_HAS(message, needle): the string `message` contains `needle`. */
#define CHECK_HAS(hay, needle) check_has_at((hay), (needle), __FILE__, __LINE__, #hay)
int regression_at(int ok, const char *file, int line, const char *what);
#define KNOWN_BUG(cond, what) regression_at((cond) ? 1 : 0, __FILE__, __LINE__, what)

#define OK PACKR_RESULT_OK
#define INVALID PACKR_RESULT_INVALID_ARGUMENT
extern char g_sentinel_storage[];
#define SENT_BYTES ((packr_bytes *)(void *)&g_sentinel_storage[0])
#define SENT_ERROR ((packr_error *)(void *)&g_sentinel_storage[1])
#define SENT_COMP ((packr_composition *)(void *)&g_sentinel_storage[2])
#define SENT_FUNC ((packr_func *)(void *)&g_sentinel_storage[3])
extern const char BAD_UTF8[];
char *xstrdup(const char *s);
double now_ms(void);
void sleep_ms(long ms);

/* ------------------------------------------------------------------------------------------ */
/* Guests                                                                                      */
/* ------------------------------------------------------------------------------------------ */

typedef struct guest {
  const char *name;
  uint8_t *data;
  size_t len;
  char path[4096];
} guest;

extern guest g_doubler;
extern guest g_adder;
extern guest g_greeter;
extern guest g_sexpr;
extern guest g_hostile;
extern guest g_echo;
void load_guest(const char *dir, guest *g);
void add_pkg(packr_builder *b, const char *name, const guest *g);
void wire(packr_builder *b, const char *target, const char *mod, const char *name, const char *source, const char *exp);
packr_composition *build(packr_builder *b);
char *build_fail(packr_builder *b, uint32_t want);
packr_composition *build_doubler(void);
packr_composition *build_adder_doubler(void);
packr_bytes *enc(packr_value *v);
packr_value *str_value(const char *s, size_t len);
packr_value *decode(const uint8_t *p, size_t n);
int view_is(const char *p, size_t len, const char *s);

/* ------------------------------------------------------------------------------------------ */
/* Calls                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/* The outcome of one call: the code, the output (on success) and the message (on failure). */
typedef struct res {
  uint32_t rc;
  packr_bytes *out;
  char *msg;
} res;

res finish(uint32_t rc, packr_bytes *out, packr_error *e);
res call_raw(const packr_composition *c, const char *pkg, const char *exp, const uint8_t *in, size_t len);
res fcall_raw(const packr_func *f, const uint8_t *in, size_t len);
res call_v(const packr_composition *c, const char *pkg, const char *exp, packr_value *v);
res fcall_v(const packr_func *f, packr_value *v);
res call_s64(const packr_composition *c, const char *pkg, const char *exp, int64_t n);
res call_str(const packr_composition *c, const char *pkg, const char *exp, const char *s);
void res_free(res *r);
packr_value *res_value(const res *r);
void print_res(const res *r);
int expect_s64_at(res r, int64_t want, const char *file, int line, const char *expr);
#define EXPECT_S64(call, want) expect_s64_at((call), (want), __FILE__, __LINE__, #call " == S64 " #want)
int expect_u32_at(res r, uint32_t want, const char *file, int line, const char *expr);
#define EXPECT_U32(call, want) expect_u32_at((call), (want), __FILE__, __LINE__, #call " == U32 " #want)
int expect_str_at(res r, const char *want, const char *file, int line, const char *expr);
#define EXPECT_STR(call, want) expect_str_at((call), (want), __FILE__, __LINE__, #call " == " #want)
int expect_fail_at(res r, uint32_t want, const char *const *needles, const char *file, int line, const char *expr);
#define EXPECT_FAIL(call, want, ...)                                                     \
  do {                                                                                   \
    static const char *const needles_[] = {__VA_ARGS__, NULL};                           \
    expect_fail_at((call), (uint32_t)(want), needles_, __FILE__, __LINE__, #call);       \
  } while (0)
/* ------------------------------------------------------------------------------------------ */
/* Host functions                                                                              */
/* ------------------------------------------------------------------------------------------ */

enum host_mode {
  H_OK,            /* greet: prefix + name */
  H_FAIL_MSG,      /* return 1 with a message */
  H_FAIL_CODE,     /* return 7 without a message */
  H_ERR_ZERO,      /* set an error but return 0 */
  H_BAD_CGRF,      /* output that is not CGRF */
  H_EMPTY_OUTPUT,  /* zero-length output (not CGRF either) */
  H_TWICE,         /* set_output twice: the last one wins */
  H_WRONG_TYPE,    /* valid CGRF of the wrong type (the guest panics = spins) */
  H_REENTER,       /* calls back into the composition: doubler.double, greeter.log_twice */
  H_RECURSE,       /* calls greeter.hello from inside greet, 2 levels deep */
  H_INTERRUPT_SELF,/* interrupts its own composition, then answers normally */
  H_SLEEP,         /* sleeps 120 ms, then answers normally */
  H_REPLY_ARGS     /* probes the reply functions with bad arguments */
};


typedef struct host_ctx {
  const char *prefix;
  int mode;
  int calls;
  int depth;
  int *finalized; /* incremented by the finalizer */
  int heap;       /* the finalizer frees this struct */
  int entered;    /* set (atomically) when the callback starts */
  char last[256]; /* the last string argument */
  uint32_t reply_rcs[6];
  int reenter_ok;
} host_ctx;

extern const packr_composition *g_self;
void ctx_init(host_ctx *h, const char *prefix, int *finalized);
host_ctx *ctx_new(const char *prefix, int *finalized);
void ctx_finalize(void *ud);
int read_name(host_ctx *h, const uint8_t *in, size_t len);
int32_t reply_string(packr_host_reply *r, const char *a, const char *b);
int32_t greet_cb(void *ud, const uint8_t *in, size_t len, packr_host_reply *r);
int32_t log_cb(void *ud, const uint8_t *in, size_t len, packr_host_reply *r);
int32_t triple_cb(void *ud, const uint8_t *in, size_t len, packr_host_reply *r);
void add_host(packr_builder *b, const char *mod, const char *name, packr_host_fn cb, host_ctx *h);
packr_composition *build_greeter(host_ctx *greet, host_ctx *log, int with_doubler);

/* Timeout latency measured by test_limits, printed by main. */
extern double g_timeout_latency_ms;

/* The tests, one group per file. */
void test_doubler(void);
void test_adder(void);
void test_link_errors(void);
void test_greeter(void);
void test_greeter_wired(void);
void test_finalizers(void);
void test_reentrancy(void);
void test_sexpr(void);
void test_metadata(void);
void test_limits(void);
void test_interrupt(void);
void test_null_args(void);

#endif
