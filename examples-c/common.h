/* Small helpers shared by the examples: stop with a clear message on any failure. */
#ifndef PACKR_EXAMPLES_COMMON_H
#define PACKR_EXAMPLES_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packr.h"

/* Prints the result code and message, frees the error, and exits when rc is not OK. */
static inline void check(packr_result rc, packr_error *err, const char *what) {
  if (rc == PACKR_RESULT_OK) return;
  fprintf(stderr, "%s failed: %s: %s\n", what, packr_result_name(rc), err ? packr_error_message(err) : "");
  packr_error_free(err);
  exit(1);
}

/* "<dir>/<name>.wasm" in a static buffer (examples take the guest directory as argv[1]). */
static inline const char *guest_path(const char *dir, const char *name) {
  static char buf[4096];
  snprintf(buf, sizeof buf, "%s/%s.wasm", dir, name);
  return buf;
}

/* Encodes a value given in the text form; the caller frees the bytes. */
static inline packr_bytes *encode_text(const char *text) {
  packr_error *err = NULL;
  packr_value *v = NULL;
  packr_bytes *b = NULL;
  check(packr_value_parse(text, &v, &err), err, "packr_value_parse");
  check(packr_value_encode(v, &b, &err), err, "packr_value_encode");
  packr_value_free(v);
  return b;
}

/* Prints CGRF bytes in the text form. */
static inline void print_cgrf(const char *label, const packr_bytes *b) {
  packr_error *err = NULL;
  packr_value *v = NULL;
  packr_bytes *text = NULL;
  check(packr_value_decode(packr_bytes_data(b), packr_bytes_len(b), &v, &err), err, "packr_value_decode");
  check(packr_value_to_text(v, &text, &err), err, "packr_value_to_text");
  printf("%s%s\n", label, (const char *)packr_bytes_data(text));
  packr_bytes_free(text);
  packr_value_free(v);
}

#endif
