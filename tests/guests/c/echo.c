/* echo: the C twin of tests/guests/rust/echo, one export per parameter mode of packr-guest:
 *   echo(value) -> value    value mode: Tuple([x]) is unwrapped once, anything else returned as is
 *   double(n: s64) -> s64   one typed parameter (S64 or Tuple([S64]), unwrapped once)
 *   len(s: string) -> u32   byte length
 *   add(a: s64, b: s64) -> s64   two parameters: the input must be a Tuple
 *   unit() -> ()            any decodable input, returns Tuple([])
 */
#include "packr_guest.h"

static packr_val *echo(packr_ctx *ctx, packr_val *in) {
  (void)ctx;
  return in;
}

static packr_val *double_fn(packr_ctx *ctx, packr_val *in) {
  int64_t n;
  if (packr_arg_s64(ctx, in, &n)) return NULL;
  return packr_s64(ctx, (int64_t)((uint64_t)n * 2u));
}

static packr_val *len(packr_ctx *ctx, packr_val *in) {
  if (in->kind == PACKR_TUPLE && in->count == 1) in = in->items[0]; /* one typed parameter */
  if (in->kind != PACKR_STRING) return packr_fail(ctx, "failed to convert parameter");
  return packr_u32(ctx, in->as.str.len);
}

static packr_val *add(packr_ctx *ctx, packr_val *in) {
  if (in->kind != PACKR_TUPLE) return packr_fail(ctx, "expected tuple of parameters");
  int64_t sum = 0;
  for (uint32_t i = 0; i < 2; i++) {
    if (i >= in->count) return packr_fail(ctx, "missing parameter in tuple");
    if (in->items[i]->kind != PACKR_S64) return packr_fail(ctx, "failed to convert parameter");
    sum = (int64_t)((uint64_t)sum + (uint64_t)in->items[i]->as.i);
  }
  return packr_s64(ctx, sum);
}

static packr_val *unit(packr_ctx *ctx, packr_val *in) {
  (void)in;
  return packr_tuple(ctx, 0);
}

PACKR_EXPORT(echo, echo)
PACKR_EXPORT_RAW(double, double_fn)
PACKR_EXPORT_RAW(len, len)
PACKR_EXPORT_RAW(add, add)
PACKR_EXPORT(unit, unit)
