/* adder: exports process(n: s64) -> s64 = double(n) + 1 (wrapping), where double is the import
 * math.double. Wired to a doubler, process(5) = 11. The C twin of tests/guests/rust/adder. */
#include "packr_guest.h"

PACKR_IMPORT("math", "double", math_double);

static packr_val *process(packr_ctx *ctx, packr_val *in) {
  int64_t n;
  if (packr_arg_s64(ctx, in, &n)) return NULL; /* S64 or Tuple([S64]) */
  /* one parameter: sent bare, not as a 1-tuple (as packr-guest does) */
  packr_val *r = packr_call(ctx, math_double, "math.double", packr_s64(ctx, n));
  if (!r) return NULL; /* the message says what went wrong, e.g. "math.double failed (status -1)" */
  if (r->kind != PACKR_S64) return packr_fail(ctx, "math.double: failed to convert import result");
  return packr_s64(ctx, (int64_t)((uint64_t)r->as.i + 1u));
}

PACKR_EXPORT_RAW(process, process)
