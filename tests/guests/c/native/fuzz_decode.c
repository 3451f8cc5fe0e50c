/* libFuzzer target for the guest decoder: any input must decode or fail with a message, and a
 * decoded value must re-encode to bytes that decode again (or fail cleanly on DAG expansion). */
#include <stdint.h>
#include <stddef.h>
#include "packr_guest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  packr_ctx ctx;
  packr_ctx_init(&ctx);
  packr_val *v = NULL;
  if (packr_decode(&ctx, data, size, &v) == 0) {
    uint8_t *out = NULL;
    uint32_t len = 0;
    if (packr_encode(&ctx, v, &out, &len) == 0) {
      packr_val *again = NULL;
      if (packr_decode(&ctx, out, len, &again) != 0) __builtin_trap();
      packr_free(out);
    }
  } else if (!ctx.err.ptr || ctx.err.len == 0) {
    __builtin_trap();
  }
  packr_ctx_free(&ctx);
  return 0;
}
