/*
 * recursive_values: build the s-expression (+ 1 (* 2 3)) with the C value API, encode it to
 * CGRF (packr 0.5.4's wire format), decode it back, print it in the text form, and evaluate it
 * by walking the tree. No knowledge of CGRF needed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "packr.h"

/* Prints the error (if any) and exits. */
static void check(packr_result rc, packr_error *err, const char *what) {
  if (rc == PACKR_RESULT_OK) return;
  fprintf(stderr, "%s failed: %s: %s\n", what, packr_result_name(rc), packr_error_message(err));
  packr_error_free(err);
  exit(1);
}

/* expr::sym#0("name") */
static packr_value *sym(const char *name) {
  packr_value *v = NULL, *s = NULL;
  check(packr_value_variant_new("expr", "sym", 0, &v), NULL, "variant_new");
  check(packr_value_string(name, strlen(name), &s), NULL, "string");
  check(packr_value_push(v, s), NULL, "push");
  return v;
}

/* expr::num#1(n) */
static packr_value *num(int64_t n) {
  packr_value *v = NULL;
  check(packr_value_variant_new("expr", "num", 1, &v), NULL, "variant_new");
  check(packr_value_push(v, packr_value_s64(n)), NULL, "push");
  return v;
}

/* expr::lst#4(list<variant<expr>>[items...]); consumes the items. */
static packr_value *lst(packr_value **items, size_t n) {
  packr_type *t = NULL;
  packr_value *list = NULL, *v = NULL;
  check(packr_type_variant("expr", &t), NULL, "type_variant");
  check(packr_value_list_new(t, &list), NULL, "list_new");
  for (size_t i = 0; i < n; i++) check(packr_value_push(list, items[i]), NULL, "push");
  check(packr_value_variant_new("expr", "lst", 4, &v), NULL, "variant_new");
  check(packr_value_push(v, list), NULL, "push");
  return v;
}

/* Evaluates an expr tree by walking it with the accessors. */
static int64_t eval(const packr_value *e) {
  const char *cs;
  size_t clen;
  check(packr_value_case_name(e, &cs, &clen), NULL, "case_name");
  if (clen == 3 && memcmp(cs, "num", 3) == 0) {
    int64_t n = 0;
    check(packr_value_as_s64(packr_value_get(e, 0), &n), NULL, "as_s64");
    return n;
  }
  /* lst: the first item names the operator, the rest are operands. */
  const packr_value *items = packr_value_get(e, 0);
  const char *op;
  size_t oplen;
  check(packr_value_as_string(packr_value_get(packr_value_get(items, 0), 0), &op, &oplen), NULL, "as_string");
  int64_t acc = (op[0] == '*') ? 1 : 0;
  for (size_t i = 1; i < packr_value_len(items); i++) {
    int64_t x = eval(packr_value_get(items, i));
    acc = (op[0] == '*') ? acc * x : acc + x;
  }
  return acc;
}

int main(void) {
  packr_value *inner[] = {sym("*"), num(2), num(3)};
  packr_value *outer[] = {sym("+"), num(1), lst(inner, 3)};
  packr_value *expr = lst(outer, 3);

  packr_error *err = NULL;
  packr_bytes *cgrf = NULL;
  check(packr_value_encode(expr, &cgrf, &err), err, "encode");
  printf("libpackr %s\n", packr_version());
  const uint8_t *b = packr_bytes_data(cgrf);
  uint32_t nodes = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
  printf("encoded (+ 1 (* 2 3)) as %zu bytes of CGRF, %" PRIu32 " nodes\n", packr_bytes_len(cgrf), nodes);

  packr_value *decoded = NULL;
  check(packr_value_decode(packr_bytes_data(cgrf), packr_bytes_len(cgrf), &decoded, &err), err, "decode");
  printf("decoded value equals the original: %s\n", packr_value_equal(expr, decoded) ? "yes" : "no");

  packr_bytes *text = NULL;
  check(packr_value_to_text(decoded, &text, &err), err, "to_text");
  printf("text form: %s\n", (const char *)packr_bytes_data(text));
  printf("evaluates to %" PRId64 "\n", eval(decoded));

  /* A decode error names the byte offset. */
  packr_result rc = packr_value_decode(packr_bytes_data(cgrf), 20, &decoded, &err);
  printf("decoding the first 20 bytes: %s: %s\n", packr_result_name(rc), packr_error_message(err));

  packr_error_free(err);
  packr_bytes_free(text);
  packr_value_free(decoded);
  packr_bytes_free(cgrf);
  packr_value_free(expr);
  return 0;
}
