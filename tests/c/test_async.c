/* Deferred host answers and async packr-guest 0.24 packages from C: a host function that
 * answers later from another thread, blocking calls that wait, started calls that park and
 * are driven through packr_call_poll/packr_call_wait and a file descriptor, many parked calls
 * at once, and every misuse (twice, never, after the call ended). Usage: test_async GUEST_DIR. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* Deferred answers waiting for the test: (argument, completion). */
#define MAXQ 256
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static packr_completion *queue[MAXQ];
static int64_t args[MAXQ];
static int qlen;

static int64_t as_s64(const uint8_t *data, size_t len) {
  packr_value *v = NULL;
  int64_t n = 0;
  if (packr_value_decode(data, len, &v, NULL) == PACKR_RESULT_OK && packr_value_as_s64(v, &n) != PACKR_RESULT_OK) n = -999;
  packr_value_free(v);
  return n;
}

static packr_bytes *s64_bytes(int64_t n) {
  packr_value *v = packr_value_s64(n);
  packr_bytes *b = NULL;
  if (packr_value_encode(v, &b, NULL) != PACKR_RESULT_OK) abort();
  packr_value_free(v);
  return b;
}

static int32_t slow_double(void *ud, const uint8_t *in, size_t len, packr_host_reply *reply) {
  (void)ud;
  packr_completion *c = NULL;
  if (packr_host_reply_defer(reply, &c) != PACKR_RESULT_OK) return 1;
  pthread_mutex_lock(&qlock);
  args[qlen] = as_s64(in, len);
  queue[qlen++] = c;
  pthread_cond_broadcast(&qcond);
  pthread_mutex_unlock(&qlock);
  return 0;
}

/* Takes the oldest deferred answer (waits up to 5 s for one). */
static packr_completion *next(int64_t *arg) {
  packr_completion *c = NULL;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 5;
  pthread_mutex_lock(&qlock);
  while (qlen == 0)
    if (pthread_cond_timedwait(&qcond, &qlock, &until) != 0) break;
  if (qlen > 0) {
    c = queue[0];
    if (arg) *arg = args[0];
    memmove(queue, queue + 1, sizeof queue[0] * (size_t)(qlen - 1));
    memmove(args, args + 1, sizeof args[0] * (size_t)(qlen - 1));
    qlen--;
  }
  pthread_mutex_unlock(&qlock);
  return c;
}

static packr_result answer(packr_completion *c, int64_t n) {
  packr_bytes *b = s64_bytes(n);
  packr_result r = packr_completion_complete(c, packr_bytes_data(b), packr_bytes_len(b), NULL);
  packr_bytes_free(b);
  return r;
}

static packr_composition *build(const char *dir, uint64_t timeout_ms) {
  char path[1024];
  packr_error *err = NULL;
  packr_composition *c = NULL;
  packr_builder *b = packr_builder_new();
  snprintf(path, sizeof path, "%s/cur_async.wasm", dir);
  if (packr_builder_add_package_file(b, "a", path, &err) ||
      packr_builder_add_host_function(b, "host", "slow_double", slow_double, NULL, NULL, &err) ||
      packr_builder_set_timeout_ms(b, timeout_ms) || packr_builder_build(b, &c, &err)) {
    fprintf(stderr, "build: %s\n", packr_error_message(err));
    exit(1);
  }
  return c;
}

static packr_call *start(packr_composition *c, const char *fn, int64_t n) {
  packr_bytes *in = s64_bytes(n);
  packr_call *call = NULL;
  packr_error *err = NULL;
  packr_result r = packr_composition_call_start(c, "a", fn, packr_bytes_data(in), packr_bytes_len(in), &call, &err);
  CHECK(r == PACKR_RESULT_OK, "start: %s", err ? packr_error_message(err) : "");
  packr_error_free(err);
  packr_bytes_free(in);
  return call;
}

/* The call's outcome as (code, s64). */
static packr_result finish(packr_call *call, uint64_t timeout_ms, int64_t *n, char *msg, size_t msg_len) {
  packr_bytes *out = NULL;
  packr_error *err = NULL;
  packr_result r = packr_call_wait(call, timeout_ms, &out, &err);
  if (r == PACKR_RESULT_OK) *n = as_s64(packr_bytes_data(out), packr_bytes_len(out));
  if (msg) snprintf(msg, msg_len, "%s", err ? packr_error_message(err) : "");
  packr_bytes_free(out);
  packr_error_free(err);
  return r;
}

static void *answer_later(void *p) {
  (void)p;
  int64_t arg = 0;
  packr_completion *c = next(&arg);
  struct timespec d = {0, 20 * 1000 * 1000};
  nanosleep(&d, NULL);
  if (c) {
    (void)answer(c, 2 * arg);
    packr_completion_free(c);
  }
  return NULL;
}

static void parked_call_with_fd(packr_composition *c) {
  packr_call *call = start(c, "fetch_double", 21);
  CHECK(packr_call_is_pending(call), "pending");
  packr_bytes *out = NULL;
  packr_error *err = NULL;
  CHECK(packr_call_poll(call, &out, &err) == PACKR_RESULT_PENDING, "poll before the answer");
  packr_error_free(err);
  err = NULL;
  int fd = packr_call_fd(call);
  CHECK(fd >= 0, "fd %d", fd);
  struct pollfd p = {fd, POLLIN, 0};
  CHECK(poll(&p, 1, 0) == 0, "not readable before the answer");
  pthread_t t;
  pthread_create(&t, NULL, answer_later, NULL);
  CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN), "readable after the answer");
  pthread_join(t, NULL);
  CHECK(packr_call_poll(call, &out, &err) == PACKR_RESULT_OK, "poll after: %s", err ? packr_error_message(err) : "");
  CHECK(out && as_s64(packr_bytes_data(out), packr_bytes_len(out)) == 42, "42");
  CHECK(!packr_call_is_pending(call), "finished");
  CHECK(packr_call_fd(call) == -1, "no fd once finished");
  packr_bytes_free(out);
  packr_error_free(err);
  /* The outcome stays readable. */
  int64_t n = 0;
  CHECK(finish(call, 0, &n, NULL, 0) == PACKR_RESULT_OK && n == 42, "again");
  packr_call_free(call);
}

static void blocking_call_waits(packr_composition *c) {
  pthread_t t;
  pthread_create(&t, NULL, answer_later, NULL);
  packr_bytes *in = s64_bytes(8), *out = NULL;
  packr_error *err = NULL;
  packr_result r = packr_composition_call(c, "a", "fetch_double", packr_bytes_data(in), packr_bytes_len(in), &out, &err);
  CHECK(r == PACKR_RESULT_OK && as_s64(packr_bytes_data(out), packr_bytes_len(out)) == 16, "%s", err ? packr_error_message(err) : "");
  pthread_join(t, NULL);
  packr_bytes_free(in);
  packr_bytes_free(out);
  packr_error_free(err);
}

/* N parked calls at once (PACKR_TEST_PARKED, default 40: each holds an instance set, whose
 * address-space reservation valgrind cannot provide 40 times). */
static void many_parked_calls(packr_composition *c) {
  const char *env = getenv("PACKR_TEST_PARKED");
  int N = env ? atoi(env) : 40;
  if (N < 1 || N > 64) N = 40;
  packr_call *calls[64];
  int i;
  for (i = 0; i < N; i++) calls[i] = start(c, "fetch_sum", i);
  /* Answer every first import (n -> 2n), newest first, then every second one. */
  int round;
  for (round = 0; round < 2; round++) {
    packr_completion *cs[64];
    int64_t as[64];
    for (i = 0; i < N; i++) cs[i] = next(&as[i]);
    for (i = N - 1; i >= 0; i--) {
      CHECK(cs[i] && answer(cs[i], 2 * as[i]) == PACKR_RESULT_OK, "answer %d", i);
      packr_completion_free(cs[i]);
    }
    for (i = 0; i < N && round == 0; i++) {
      packr_bytes *out = NULL;
      CHECK(packr_call_poll(calls[i], &out, NULL) == PACKR_RESULT_PENDING, "call %d waits for its second answer", i);
    }
  }
  for (i = 0; i < N; i++) {
    int64_t n = -1;
    CHECK(finish(calls[i], 5000, &n, NULL, 0) == PACKR_RESULT_OK && n == 2 * i + 2 * (i + 1), "call %d: %lld", i, (long long)n);
    packr_call_free(calls[i]);
  }
}

static void misuse(packr_composition *c) {
  int64_t n = 0;
  char msg[1024];
  /* A failed answer, then a second answer. */
  packr_call *call = start(c, "fetch_double", 1);
  packr_completion *d = next(NULL);
  CHECK(packr_completion_fail(d, "the disk is on fire", NULL) == PACKR_RESULT_OK, "fail");
  CHECK(answer(d, 2) == PACKR_RESULT_INVALID_ARGUMENT, "twice");
  packr_completion_free(d);
  CHECK(finish(call, 0, &n, msg, sizeof msg) == PACKR_RESULT_HOST, "host: %s", msg);
  CHECK(strstr(msg, "the disk is on fire") && strstr(msg, "a.fetch_double"), "%s", msg);
  packr_call_free(call);
  /* Freed unanswered. */
  call = start(c, "fetch_double", 1);
  packr_completion_free(next(NULL));
  CHECK(finish(call, 0, &n, msg, sizeof msg) == PACKR_RESULT_HOST && strstr(msg, "without completing"), "%s", msg);
  packr_call_free(call);
  /* The call freed while it waits: a late answer is refused. */
  call = start(c, "fetch_double", 1);
  d = next(NULL);
  packr_call_free(call);
  CHECK(answer(d, 2) == PACKR_RESULT_NOT_FOUND, "after free");
  packr_completion_free(d);
  /* Waiting with a short timeout leaves the call pending. */
  call = start(c, "fetch_double", 5);
  CHECK(finish(call, 10, &n, NULL, 0) == PACKR_RESULT_PENDING, "short wait");
  d = next(NULL);
  CHECK(answer(d, 10) == PACKR_RESULT_OK, "answer");
  packr_completion_free(d);
  CHECK(finish(call, 0, &n, NULL, 0) == PACKR_RESULT_OK && n == 10, "then done");
  packr_call_free(call);
  /* NULLs. */
  CHECK(packr_call_poll(NULL, NULL, NULL) == PACKR_RESULT_INVALID_ARGUMENT, "NULL");
  CHECK(packr_call_fd(NULL) == -1, "NULL fd");
  CHECK(!packr_call_is_pending(NULL), "NULL pending");
  packr_call_free(NULL);
  packr_completion_free(NULL);
  CHECK(strcmp(packr_result_name(PACKR_RESULT_PENDING), "PACKR_RESULT_PENDING") == 0, "name");
}

static void interrupt_wakes_the_fd(packr_composition *c) {
  packr_call *call = start(c, "fetch_double", 1);
  packr_completion *d = next(NULL);
  int fd = packr_call_fd(call);
  struct pollfd p = {fd, POLLIN, 0};
  CHECK(fd >= 0 && poll(&p, 1, 0) == 0, "quiet before");
  packr_composition_interrupt(c);
  CHECK(poll(&p, 1, 5000) == 1, "readable after the interrupt");
  packr_bytes *out = NULL;
  CHECK(packr_call_poll(call, &out, NULL) == PACKR_RESULT_INTERRUPTED, "poll sees the interrupt");
  packr_call_free(call);
  packr_completion_free(d);
}

/* A resolved export started with packr_func_call_start; the func may go before the call. */
static void func_call_start(packr_composition *c) {
  packr_func *f = NULL;
  CHECK(packr_composition_func(c, "a", "fetch_double", &f, NULL) == PACKR_RESULT_OK && f, "func");
  packr_bytes *in = s64_bytes(7);
  packr_call *call = NULL;
  packr_error *err = NULL;
  packr_result r = packr_func_call_start(f, packr_bytes_data(in), packr_bytes_len(in), &call, &err);
  CHECK(r == PACKR_RESULT_OK && call, "func start: %s", err ? packr_error_message(err) : "");
  packr_error_free(err);
  packr_func_free(f);
  CHECK(packr_call_is_pending(call), "the func's call parks");
  int64_t arg = 0;
  packr_completion *d = next(&arg);
  CHECK(arg == 7, "the host saw %lld", (long long)arg);
  CHECK(answer(d, 2 * arg) == PACKR_RESULT_OK, "answer");
  packr_completion_free(d);
  int64_t n = 0;
  CHECK(finish(call, 5000, &n, NULL, 0) == PACKR_RESULT_OK && n == 14, "14: %lld", (long long)n);
  packr_call_free(call);
  CHECK(packr_func_call_start(NULL, packr_bytes_data(in), packr_bytes_len(in), &call, NULL) ==
            PACKR_RESULT_INVALID_ARGUMENT,
        "NULL func");
  packr_bytes_free(in);
}

static void never_answered_times_out(const char *dir) {
  packr_composition *c = build(dir, 100);
  int64_t n = 0;
  char msg[1024];
  packr_call *call = start(c, "fetch_double", 1);
  packr_completion *d = next(NULL);
  CHECK(finish(call, 0, &n, msg, sizeof msg) == PACKR_RESULT_LIMIT && strstr(msg, "timeout"), "%s", msg);
  CHECK(answer(d, 2) == PACKR_RESULT_NOT_FOUND, "too late");
  packr_completion_free(d);
  packr_call_free(call);
  /* Nobody answers and nobody waits: the timeout alone makes the descriptor readable. */
  call = start(c, "fetch_double", 1);
  d = next(NULL);
  int fd = packr_call_fd(call);
  struct pollfd p = {fd, POLLIN, 0};
  CHECK(fd >= 0 && poll(&p, 1, 10000) == 1 && (p.revents & POLLIN), "the timeout wakes the fd");
  packr_bytes *out = NULL;
  CHECK(packr_call_poll(call, &out, NULL) == PACKR_RESULT_LIMIT, "poll sees the timeout");
  packr_completion_free(d);
  packr_call_free(call);
  /* A parked call left pending when the composition is freed: nothing leaks (ASan/valgrind). */
  call = start(c, "fetch_double", 1);
  d = next(NULL);
  packr_composition_free(c);
  packr_call_free(call);
  packr_completion_free(d);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "target/guests/wasm";
  packr_composition *c = build(dir, 0);
  parked_call_with_fd(c);
  blocking_call_waits(c);
  many_parked_calls(c);
  misuse(c);
  interrupt_wakes_the_fd(c);
  func_call_start(c);
  packr_composition_free(c);
  never_answered_times_out(dir);
  printf("test_async: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
