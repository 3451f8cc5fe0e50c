/* A packr package in C: exports greet(name: string) -> string and count(xs: list<s64>) -> s64. */
#include "packr_guest.h"

static packr_val *greet(packr_ctx *ctx, packr_val *in) {
  if (in->kind != PACKR_STRING) return packr_fail(ctx, "greet: expected a string"); /* status -1 */
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, "Hello, ");
  packr_buf_str(&b, in->as.str);
  packr_buf_cstr(&b, "!");
  return packr_string(ctx, packr_buf_done(&b));
}

static packr_val *count(packr_ctx *ctx, packr_val *in) {
  if (in->kind != PACKR_LIST) return packr_fail(ctx, "count: expected a list");
  return packr_s64(ctx, in->count);
}

PACKR_EXPORT(greet, greet) /* value mode: a 1-tuple input is unwrapped */
PACKR_EXPORT(count, count)
