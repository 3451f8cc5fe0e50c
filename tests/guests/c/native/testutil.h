/* Shared helpers for the native tests of the C guest SDK. */
#ifndef PACKR_GUEST_TESTUTIL_H
#define PACKR_GUEST_TESTUTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "packr_guest.h"

extern int t_failed, t_passed;
#define CHECK(cond, ...)                                      \
  do {                                                        \
    if (cond) {                                               \
      t_passed++;                                             \
    } else {                                                  \
      t_failed++;                                             \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
      fprintf(stderr, __VA_ARGS__);                           \
      fprintf(stderr, "\n");                                  \
    }                                                         \
  } while (0)

static inline int str_is(packr_str s, const char *lit) { return packr_str_eq(s, lit); }

/* Hex string to bytes (malloc'd). Returns length or -1. */
static inline long unhex(const char *h, size_t n, uint8_t **out) {
  if (n % 2) return -1;
  uint8_t *b = (uint8_t *)malloc(n / 2 + 1);
  for (size_t i = 0; i < n / 2; i++) {
    unsigned v;
    if (sscanf(h + 2 * i, "%2x", &v) != 1) {
      free(b);
      return -1;
    }
    b[i] = (uint8_t)v;
  }
  *out = b;
  return (long)(n / 2);
}
#endif
