/*
 * Multi-threaded stress test for libpackr's runtime (include/packr.h).
 *
 *   stress [-n CALLS_PER_THREAD] [-t THREADS] [GUEST_DIR]      (defaults: 10000, 8,
 *                                                               ../../target/guests/wasm)
 *
 * THREADS worker threads each make CALLS_PER_THREAD calls, round-robin over:
 *   - adder.process on one composition (adder wired to doubler) shared by every thread,
 *     through packr_composition_call and through one shared packr_func;
 *   - adder.process / doubler.double on a composition of the thread's own (built inside the
 *     thread, so builds run concurrently; rebuilt every 2,500 calls);
 *   - greeter.hello / greeter.log_twice on one shared composition whose host functions (C
 *     callbacks, counting with atomics) therefore run on every thread.
 * Meanwhile one more thread calls packr_composition_interrupt on the shared adder composition
 * every 1-4 ms. Calls on the shared adder composition must return the exact result or
 * PACKR_RESULT_INTERRUPTED (both are counted); every other call must return the exact result.
 * At the end the host-callback counters must equal the number of calls that needed them.
 *
 * Every verified call counts as one passed check. Ends with "N passed, M failed" and exits
 * non-zero when M > 0. Built plain and with -fsanitize=thread (see Makefile).
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "packr.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OK PACKR_RESULT_OK

static atomic_ulong g_passed;
static atomic_ulong g_failed;
static atomic_ulong g_interrupted; /* shared-composition calls that returned INTERRUPTED */
static atomic_ulong g_interrupts;  /* packr_composition_interrupt calls made */
static atomic_ulong g_greet_calls; /* host.greet callbacks */
static atomic_ulong g_log_calls;   /* host.log callbacks */
static atomic_ulong g_hello_ok;    /* greeter.hello calls that succeeded */
static atomic_ulong g_log_twice_ok;
static atomic_int g_stop;
static atomic_int g_finalized;

/* Counts a failure; prints the first 20. */
static void fail(const char *what, const char *detail, int64_t want) {
  unsigned long n = atomic_fetch_add(&g_failed, 1) + 1;
  if (n <= 20) fprintf(stderr, "FAIL: %s: %s (want %" PRId64 ")\n", what, detail, want);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_us(long us) {
  struct timespec ts;
  ts.tv_sec = us / 1000000;
  ts.tv_nsec = (us % 1000000) * 1000L;
  while (nanosleep(&ts, &ts) != 0) {
  }
}

/* ------------------------------------------------------------------------------------------ */

typedef struct guest {
  const char *name;
  uint8_t *data;
  size_t len;
} guest;

static guest g_doubler = {"doubler", NULL, 0};
static guest g_adder = {"adder", NULL, 0};
static guest g_greeter = {"greeter", NULL, 0};

static void load_guest(const char *dir, guest *g) {
  char path[4096];
  FILE *f;
  long n;
  snprintf(path, sizeof path, "%s/%s.wasm", dir, g->name);
  f = fopen(path, "rb");
  if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "cannot read %s (build the guests with tests/guests/build.sh)\n", path);
    exit(2);
  }
  g->data = (uint8_t *)malloc((size_t)n);
  if (g->data == NULL || fread(g->data, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  g->len = (size_t)n;
  fclose(f);
}

static void must(packr_result rc, packr_error *e, const char *what) {
  if (rc != OK) {
    fprintf(stderr, "FATAL: %s: %s: %s\n", what, packr_result_name((uint32_t)rc),
            packr_error_message(e));
    exit(2);
  }
}

static packr_composition *build_adder_doubler(void) {
  packr_builder *b = packr_builder_new();
  packr_composition *c = NULL;
  packr_error *e = NULL;
  must(packr_builder_add_package(b, "adder", g_adder.data, g_adder.len, &e), e, "add adder");
  must(packr_builder_add_package(b, "doubler", g_doubler.data, g_doubler.len, &e), e, "add doubler");
  must(packr_builder_wire(b, "adder", "math", "double", "doubler", "double", &e), e, "wire");
  must(packr_builder_build(b, &c, &e), e, "build adder+doubler");
  return c;
}

/* ------------------------------------------------------------------------------------------ */
/* Host functions (run on every worker thread, concurrently)                                   */
/* ------------------------------------------------------------------------------------------ */

static const char GREET_PREFIX[] = "Hello, ";

static void finalize(void *ud) {
  (void)ud;
  atomic_fetch_add(&g_finalized, 1);
}

static int32_t greet_cb(void *ud, const uint8_t *in, size_t len, packr_host_reply *r) {
  const char *prefix = (const char *)ud;
  packr_value *v = NULL, *s = NULL;
  packr_bytes *out = NULL;
  const char *p = NULL;
  size_t n = 0, pl = strlen(prefix);
  char buf[256];
  int32_t rc = 1;
  atomic_fetch_add(&g_greet_calls, 1);
  if (packr_value_decode(in, len, &v, NULL) == OK && packr_value_as_string(v, &p, &n) == OK &&
      pl + n < sizeof buf) {
    memcpy(buf, prefix, pl);
    memcpy(buf + pl, p, n);
    if (packr_value_string(buf, pl + n, &s) == OK && packr_value_encode(s, &out, NULL) == OK &&
        packr_host_reply_set_output(r, packr_bytes_data(out), packr_bytes_len(out)) == OK)
      rc = 0;
  }
  packr_bytes_free(out);
  packr_value_free(s);
  packr_value_free(v);
  return rc;
}

static int32_t log_cb(void *ud, const uint8_t *in, size_t len, packr_host_reply *r) {
  packr_value *v = NULL;
  const char *p = NULL;
  size_t n = 0;
  int32_t rc = 1;
  (void)ud;
  (void)r;
  atomic_fetch_add(&g_log_calls, 1);
  if (packr_value_decode(in, len, &v, NULL) == OK && packr_value_as_string(v, &p, &n) == OK &&
      n > 0 && p[0] == 't')
    rc = 0;
  packr_value_free(v);
  return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* Calls                                                                                       */
/* ------------------------------------------------------------------------------------------ */

static packr_composition *g_shared;
static packr_func *g_shared_func;
static packr_composition *g_greeter_comp;
static long g_calls = 10000;

/* Encodes v (and frees it); returns the bytes (caller frees). */
static packr_bytes *enc(packr_value *v) {
  packr_bytes *b = NULL;
  if (v == NULL || packr_value_encode(v, &b, NULL) != OK) {
    fprintf(stderr, "FATAL: encode\n");
    exit(2);
  }
  packr_value_free(v);
  return b;
}

/* Checks an S64 result. interrupt_ok: PACKR_RESULT_INTERRUPTED is acceptable. */
static void verify_s64(packr_result rc, packr_bytes *out, packr_error *e, int64_t want,
                       int interrupt_ok, const char *what) {
  if (rc == OK) {
    packr_value *v = NULL;
    int64_t got = 0;
    if (e == NULL && packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &v, NULL) == OK &&
        packr_value_as_s64(v, &got) == OK && got == want) {
      atomic_fetch_add(&g_passed, 1);
    } else {
      fail(what, "wrong result", want);
    }
    packr_value_free(v);
  } else if (rc == PACKR_RESULT_INTERRUPTED && interrupt_ok && e != NULL &&
             packr_error_code(e) == rc) {
    atomic_fetch_add(&g_passed, 1);
    atomic_fetch_add(&g_interrupted, 1);
  } else {
    fail(what, packr_error_message(e), want);
  }
  packr_bytes_free(out);
  packr_error_free(e);
}

static void verify_str(packr_result rc, packr_bytes *out, packr_error *e, const char *want,
                       const char *what) {
  if (rc == OK) {
    packr_value *v = NULL;
    const char *p = NULL;
    size_t n = 0;
    if (e == NULL && packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &v, NULL) == OK &&
        packr_value_as_string(v, &p, &n) == OK && n == strlen(want) && memcmp(p, want, n) == 0) {
      atomic_fetch_add(&g_passed, 1);
      atomic_fetch_add(&g_hello_ok, 1);
    } else {
      fail(what, "wrong result", 0);
    }
    packr_value_free(v);
  } else {
    fail(what, packr_error_message(e), 0);
  }
  packr_bytes_free(out);
  packr_error_free(e);
}

static void verify_u32_2(packr_result rc, packr_bytes *out, packr_error *e, const char *what) {
  if (rc == OK) {
    packr_value *v = NULL;
    uint32_t got = 0;
    if (e == NULL && packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &v, NULL) == OK &&
        packr_value_as_u32(v, &got) == OK && got == 2) {
      atomic_fetch_add(&g_passed, 1);
      atomic_fetch_add(&g_log_twice_ok, 1);
    } else {
      fail(what, "wrong result", 2);
    }
    packr_value_free(v);
  } else {
    fail(what, packr_error_message(e), 0);
  }
  packr_bytes_free(out);
  packr_error_free(e);
}

static void *worker(void *arg) {
  long tid = (long)(intptr_t)arg;
  packr_composition *own = build_adder_doubler();
  packr_func *own_double = NULL;
  long i;
  char name[64], want[96];
  if (packr_composition_func(own, "doubler", "double", &own_double, NULL) != OK) {
    fail("worker", "packr_composition_func failed", 0);
    return NULL;
  }
  for (i = 0; i < g_calls; i++) {
    /* Varied inputs, negative ones included; expected values computed without overflow UB. */
    uint64_t ux = ((uint64_t)tid << 40) ^ ((uint64_t)i * 2654435761u);
    int64_t x = (i & 1) ? -(int64_t)(ux & 0x7fffffffffffffffu) : (int64_t)(ux & 0x7fffffffffffffffu);
    int64_t want_process = (int64_t)((uint64_t)x * 2u + 1u);
    int64_t want_double = (int64_t)((uint64_t)x * 2u);
    packr_bytes *out = NULL;
    packr_error *e = NULL;
    packr_result rc;
    if (i > 0 && i % 2500 == 0) { /* rebuild the thread's own composition */
      packr_func_free(own_double);
      packr_composition_free(own);
      own = build_adder_doubler();
      own_double = NULL;
      if (packr_composition_func(own, "doubler", "double", &own_double, NULL) != OK) {
        fail("worker", "packr_composition_func failed", 0);
        break;
      }
    }
    switch (i % 6) {
      case 0: {
        packr_bytes *in = enc(packr_value_s64(x));
        rc = packr_composition_call(g_shared, "adder", "process", packr_bytes_data(in),
                                    packr_bytes_len(in), &out, &e);
        verify_s64(rc, out, e, want_process, 1, "shared adder.process");
        packr_bytes_free(in);
        break;
      }
      case 1: {
        packr_bytes *in = enc(packr_value_s64(x));
        rc = packr_func_call(g_shared_func, packr_bytes_data(in), packr_bytes_len(in), &out, &e);
        verify_s64(rc, out, e, want_process, 1, "shared func adder.process");
        packr_bytes_free(in);
        break;
      }
      case 2: {
        packr_bytes *in = enc(packr_value_s64(x));
        rc = packr_composition_call(own, "adder", "process", packr_bytes_data(in),
                                    packr_bytes_len(in), &out, &e);
        verify_s64(rc, out, e, want_process, 0, "own adder.process");
        packr_bytes_free(in);
        break;
      }
      case 3: {
        packr_bytes *in = enc(packr_value_s64(x));
        rc = packr_func_call(own_double, packr_bytes_data(in), packr_bytes_len(in), &out, &e);
        verify_s64(rc, out, e, want_double, 0, "own func doubler.double");
        packr_bytes_free(in);
        break;
      }
      case 4: {
        packr_bytes *in;
        packr_value *s = NULL;
        int n = snprintf(name, sizeof name, "t%ld-%ld", tid, i);
        snprintf(want, sizeof want, "Hello, %s!", name);
        if (packr_value_string(name, (size_t)n, &s) != OK) exit(2);
        in = enc(s);
        rc = packr_composition_call(g_greeter_comp, "greeter", "hello", packr_bytes_data(in),
                                    packr_bytes_len(in), &out, &e);
        verify_str(rc, out, e, want, "greeter.hello");
        packr_bytes_free(in);
        break;
      }
      default: {
        packr_bytes *in;
        packr_value *s = NULL;
        int n = snprintf(name, sizeof name, "t%ld log %ld", tid, i);
        if (packr_value_string(name, (size_t)n, &s) != OK) exit(2);
        in = enc(s);
        rc = packr_composition_call(g_greeter_comp, "greeter", "log_twice", packr_bytes_data(in),
                                    packr_bytes_len(in), &out, &e);
        verify_u32_2(rc, out, e, "greeter.log_twice");
        packr_bytes_free(in);
        break;
      }
    }
  }
  packr_func_free(own_double);
  packr_composition_free(own);
  return NULL;
}

static void *interrupter(void *arg) {
  unsigned seed = 12345;
  (void)arg;
  while (!atomic_load(&g_stop)) {
    packr_composition_interrupt(g_shared);
    atomic_fetch_add(&g_interrupts, 1);
    seed = seed * 1103515245u + 12345u;
    sleep_us(1000 + (long)((seed >> 16) % 3000)); /* 1-4 ms */
  }
  return NULL;
}

static void usage(void) {
  fprintf(stderr, "usage: stress [-n CALLS_PER_THREAD] [-t THREADS] [GUEST_DIR]\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *dir = "../../target/guests/wasm";
  long threads = 8, t;
  int i;
  pthread_t *ws, it;
  packr_builder *b;
  packr_error *e = NULL;
  double t0, ms;
  unsigned long greeter_calls, total;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
      g_calls = strtol(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
      threads = strtol(argv[++i], NULL, 10);
    } else if (argv[i][0] == '-') {
      usage();
    } else {
      dir = argv[i];
    }
  }
  if (g_calls <= 0 || threads <= 0 || threads > 1024) usage();

  load_guest(dir, &g_doubler);
  load_guest(dir, &g_adder);
  load_guest(dir, &g_greeter);

  g_shared = build_adder_doubler();
  must(packr_composition_func(g_shared, "adder", "process", &g_shared_func, &e), e, "func");
  b = packr_builder_new();
  must(packr_builder_add_package(b, "greeter", g_greeter.data, g_greeter.len, &e), e, "add greeter");
  must(packr_builder_add_host_function(b, "host", "greet", greet_cb, (void *)GREET_PREFIX,
                                       finalize, &e),
       e, "host greet");
  must(packr_builder_add_host_function(b, "host", "log", log_cb, NULL, finalize, &e), e,
       "host log");
  must(packr_builder_build(b, &g_greeter_comp, &e), e, "build greeter");

  ws = (pthread_t *)calloc((size_t)threads, sizeof *ws);
  if (ws == NULL) exit(2);
  t0 = now_ms();
  if (pthread_create(&it, NULL, interrupter, NULL) != 0) exit(2);
  for (t = 0; t < threads; t++)
    if (pthread_create(&ws[t], NULL, worker, (void *)(intptr_t)t) != 0) exit(2);
  for (t = 0; t < threads; t++) pthread_join(ws[t], NULL);
  atomic_store(&g_stop, 1);
  pthread_join(it, NULL);
  ms = now_ms() - t0;
  free(ws);

  /* The shared composition still works after all those interrupts. */
  {
    packr_bytes *in = enc(packr_value_s64(5)), *out = NULL;
    packr_result rc = packr_composition_call(g_shared, "adder", "process", packr_bytes_data(in),
                                             packr_bytes_len(in), &out, &e);
    verify_s64(rc, out, e, 11, 0, "shared adder.process after the run");
    e = NULL;
    packr_bytes_free(in);
  }

  /* Host callbacks: exactly one greet per hello, two logs per log_twice. */
  greeter_calls = atomic_load(&g_hello_ok);
  if (atomic_load(&g_greet_calls) == greeter_calls) {
    atomic_fetch_add(&g_passed, 1);
  } else {
    fprintf(stderr, "FAIL: %lu greet callbacks for %lu hello calls\n", atomic_load(&g_greet_calls),
            greeter_calls);
    atomic_fetch_add(&g_failed, 1);
  }
  if (atomic_load(&g_log_calls) == 2 * atomic_load(&g_log_twice_ok)) {
    atomic_fetch_add(&g_passed, 1);
  } else {
    fprintf(stderr, "FAIL: %lu log callbacks for %lu log_twice calls\n", atomic_load(&g_log_calls),
            atomic_load(&g_log_twice_ok));
    atomic_fetch_add(&g_failed, 1);
  }

  packr_func_free(g_shared_func);
  packr_composition_free(g_shared);
  packr_composition_free(g_greeter_comp);
  if (atomic_load(&g_finalized) == 2) {
    atomic_fetch_add(&g_passed, 1);
  } else {
    fprintf(stderr, "FAIL: %d finalizer runs, want 2\n", atomic_load(&g_finalized));
    atomic_fetch_add(&g_failed, 1);
  }
  free(g_doubler.data);
  free(g_adder.data);
  free(g_greeter.data);

  total = (unsigned long)threads * (unsigned long)g_calls;
  printf("stress: %ld threads x %ld calls = %lu calls in %.0f ms (%.0f calls/s)\n", threads,
         g_calls, total, ms, ms > 0 ? (double)total * 1000.0 / ms : 0.0);
  printf("stress: %lu interrupts issued; %lu shared-composition calls were interrupted; "
         "%lu greet and %lu log callbacks\n",
         atomic_load(&g_interrupts), atomic_load(&g_interrupted), atomic_load(&g_greet_calls),
         atomic_load(&g_log_calls));
  printf("%lu passed, %lu failed\n", atomic_load(&g_passed), atomic_load(&g_failed));
  return atomic_load(&g_failed) == 0 ? 0 : 1;
}
