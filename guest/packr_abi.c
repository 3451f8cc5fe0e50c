/*
 * packr_abi.c: the packr calling convention on the guest side: running an export, calling an
 * import, answering __pack_types.
 */
#include "packr_guest.h"

static void copy_bytes(void *dst, const void *src, uint32_t n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  while (n--) *d++ = *s++;
}

/* Replaces ctx->err with prefix + ctx->err (+ suffix). */
static void wrap_err(packr_ctx *ctx, const char *prefix, const char *suffix) {
  packr_buf b;
  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, prefix);
  if (ctx->err.ptr) packr_buf_str(&b, ctx->err);
  if (suffix) packr_buf_cstr(&b, suffix);
  ctx->err = packr_buf_done(&b);
}

/* True if [ptr, ptr+len) lies inside linear memory (always true natively). */
static int in_memory(uintptr_t ptr, uint32_t len) {
#if defined(__wasm__)
  uint64_t end = (uint64_t)__builtin_wasm_memory_size(0) * 65536u;
  return (uint64_t)ptr + len <= end;
#else
  (void)ptr;
  (void)len;
  return 1;
#endif
}

static void write_slots(uintptr_t out_ptr_ptr, uintptr_t out_len_ptr, const void *p, uint32_t len) {
  uintptr_t ptr = (uintptr_t)p;
  copy_bytes((void *)out_ptr_ptr, &ptr, sizeof ptr);
  copy_bytes((void *)out_len_ptr, &len, sizeof len);
}

int32_t packr_run_export(uintptr_t in_ptr, uint32_t in_len, uintptr_t out_ptr_ptr,
                         uintptr_t out_len_ptr, packr_export_fn fn, int mode) {
  packr_ctx ctx;
  packr_ctx_init(&ctx);
  uint8_t *out = NULL;
  uint32_t out_len = 0;
  packr_val *input = NULL, *result = NULL;
  int32_t status = -1;
  if (!in_memory(in_ptr, in_len)) {
    packr_fail(&ctx, "input out of bounds");
  } else if (packr_decode(&ctx, in_len ? (const uint8_t *)in_ptr : (const uint8_t *)"", in_len, &input)) {
    wrap_err(&ctx, "decode error: ", NULL);
  } else {
    if (mode == PACKR_UNWRAP_1TUPLE && input->kind == PACKR_TUPLE && input->count == 1)
      input = input->items[0];
    ctx.err.ptr = NULL;
    ctx.err.len = 0;
    result = fn(&ctx, input);
    if (!result) {
      if (!ctx.err.ptr) packr_fail(&ctx, ctx.oom ? "out of memory" : "export failed");
    } else if (packr_encode(&ctx, result, &out, &out_len)) {
      wrap_err(&ctx, "encode error: ", NULL);
    } else {
      status = 0;
    }
  }
  if (status != 0) {
    out_len = ctx.err.len;
    out = (uint8_t *)packr_malloc(out_len);
    if (out) {
      copy_bytes(out, ctx.err.ptr, out_len);
    } else {
      out_len = 0;
    }
  }
  write_slots(out_ptr_ptr, out_len_ptr, out, out_len);
  packr_ctx_free(&ctx);
  return status;
}

int32_t packr_run_types(const uint8_t *blob, uint32_t len, uintptr_t out_ptr_ptr,
                        uintptr_t out_len_ptr) {
  write_slots(out_ptr_ptr, out_len_ptr, blob, len);
  return 0;
}

int packr_arg_s64(packr_ctx *ctx, const packr_val *input, int64_t *n) {
  if (input && input->kind == PACKR_TUPLE && input->count == 1) input = input->items[0];
  if (!input || input->kind != PACKR_S64) {
    packr_fail(ctx, "failed to convert parameter");
    return -1;
  }
  *n = input->as.i;
  return 0;
}

packr_val *packr_call(packr_ctx *ctx, packr_import_fn fn, const char *what, const packr_val *arg) {
  uint8_t *in = NULL;
  uint32_t in_len = 0;
  packr_buf b;
  ctx->err.ptr = NULL;
  ctx->err.len = 0;
  if (packr_encode(ctx, arg, &in, &in_len)) {
    packr_str e = ctx->err;
    packr_buf_init(&b, ctx);
    packr_buf_cstr(&b, what);
    packr_buf_cstr(&b, ": encode error: ");
    packr_buf_str(&b, e);
    ctx->err = packr_buf_done(&b);
    return NULL;
  }
  /* The callee writes (ptr, len) into these two i32 slots on our stack. */
  uintptr_t res_ptr = 0;
  uint32_t res_len = 0;
  int32_t status = fn((uintptr_t)in, in_len, (uintptr_t)&res_ptr, (uintptr_t)&res_len);
  packr_free(in);

  packr_buf_init(&b, ctx);
  packr_buf_cstr(&b, what);
  if (status >= 0) { /* packr-guest 0.24.1: 1 = guest-owned, 0 and any other >= 0 = host-owned */
    if ((res_len && !res_ptr) || !in_memory(res_ptr, res_len)) {
      packr_buf_cstr(&b, ": result out of bounds");
      return packr_fail_str(ctx, packr_buf_done(&b));
    }
    /* Copy first: a host-owned buffer (status 0) may be reused by the next call, and a
     * guest-owned one (status 1) is freed right here. */
    uint8_t *copy = (uint8_t *)packr_arena_alloc(&ctx->arena, res_len ? res_len : 1);
    if (!copy) {
      if (status == 1) packr_free((void *)res_ptr);
      return packr_fail(ctx, "out of memory");
    }
    if (res_len) copy_bytes(copy, (const void *)res_ptr, res_len);
    if (status == 1) packr_free((void *)res_ptr);
    packr_val *v = NULL;
    if (packr_decode(ctx, copy, res_len, &v)) {
      packr_buf_cstr(&b, ": decode error: ");
      packr_buf_str(&b, ctx->err);
      ctx->err = packr_buf_done(&b);
      return NULL;
    }
    return v;
  }
  packr_buf_cstr(&b, " failed");
  /* libpackr puts a UTF-8 message in the slots with status -1, in a buffer it allocated with
   * our __pack_alloc: the message is ours, so it is copied and freed (docs/generations.md).
   * packr-guest hosts write nothing there (the slots stay 0). */
  if (res_ptr && res_len && in_memory(res_ptr, res_len)) {
    if (res_len <= 4096 && packr_utf8_valid((const uint8_t *)res_ptr, res_len)) {
      packr_buf_cstr(&b, ": ");
      packr_buf_bytes(&b, (const void *)res_ptr, res_len);
    } else {
      packr_buf_cstr(&b, " (status -1, unreadable message)");
    }
    packr_free((void *)res_ptr);
  } else {
    packr_buf_cstr(&b, " (status ");
    packr_buf_i64(&b, status);
    packr_buf_cstr(&b, ")");
  }
  return packr_fail_str(ctx, packr_buf_done(&b));
}
