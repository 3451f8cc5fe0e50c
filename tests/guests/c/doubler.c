/* doubler: exports double(n: s64) -> s64 (wrapping), the C twin of tests/guests/rust/doubler. */
#include "packr_guest.h"

static packr_val *double_fn(packr_ctx *ctx, packr_val *in) {
  int64_t n;
  if (packr_arg_s64(ctx, in, &n)) return NULL; /* S64 or Tuple([S64]) */ /* "failed to convert parameter" */
  return packr_s64(ctx, (int64_t)((uint64_t)n * 2u));
}

PACKR_EXPORT_RAW(double, double_fn)
