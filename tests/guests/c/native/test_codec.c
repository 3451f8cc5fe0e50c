/*
 * Native tests of the guest SDK's CGRF v3 codec (guest/packr_codec.c) against packr-abi 0.24.1's
 * golden vectors, plus robustness cases. Run under ASan + UBSan by the Makefile.
 *
 *   test_codec GOLDEN_V3 [GOLDEN_V2]
 *
 * valid/ from/ meta/: decode, print as Rust Debug and compare with DETAIL, re-encode to the
 * identical bytes. decode/: decode and compare; re-encode identical where the file says so.
 * invalid/: rejected with exactly DETAIL. encode-error/: the three values built here.
 * GOLDEN_V2 (0.5.4's file): every valid vector with the version patched to 3 must round-trip,
 * and unpatched it must be rejected with Unsupported version.
 */
#define _GNU_SOURCE
#include <math.h>
#include "testutil.h"

int t_failed, t_passed;

/* ---- Rust Debug form of a value, to compare with the golden DETAIL column ---- */

static void dbg_type(FILE *f, const uint8_t **p);

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void dbg_strlit(FILE *f, const char *s, uint32_t n, char q) {
  fputc(q, f);
  for (uint32_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == (unsigned char)q || c == '\\') fprintf(f, "\\%c", c);
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\r') fputs("\\r", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c == 0) fputs("\\0", f);
    else if (c < 0x20 || c == 0x7f) fprintf(f, "\\u{%x}", c);
    else fputc(c, f);
  }
  fputc(q, f);
}

static void dbg_type(FILE *f, const uint8_t **p) {
  uint8_t t = *(*p)++;
  static const char *prim[0x14] = {0, "Bool", "S32", "S64", "F32", "F64", "String", 0, 0, 0, 0, 0,
                                   "U8", "U16", "U32", "U64", "S8", "S16", "Char", "Flags"};
  if (t < 0x14 && prim[t]) {
    fputs(prim[t], f);
    return;
  }
  uint32_t n;
  switch (t) {
  case 0x07: fputs("List(", f); dbg_type(f, p); fputs(")", f); break;
  case 0x0A: fputs("Option(", f); dbg_type(f, p); fputs(")", f); break;
  case 0x17: fputs("Set(", f); dbg_type(f, p); fputs(")", f); break;
  case 0x14: fputs("Result { ok: ", f); dbg_type(f, p); fputs(", err: ", f); dbg_type(f, p); fputs(" }", f); break;
  case 0x16: fputs("Map { key: ", f); dbg_type(f, p); fputs(", value: ", f); dbg_type(f, p); fputs(" }", f); break;
  case 0x08: case 0x09:
    n = rd32(*p);
    fputs(t == 0x08 ? "Variant(" : "Record(", f);
    dbg_strlit(f, (const char *)*p + 4, n, '"');
    fputs(")", f);
    *p += 4 + n;
    break;
  case 0x0B:
    n = rd32(*p);
    *p += 4;
    fputs("Tuple([", f);
    for (uint32_t i = 0; i < n; i++) {
      if (i) fputs(", ", f);
      dbg_type(f, p);
    }
    fputs("])", f);
    break;
  default: fprintf(f, "?%02x", t);
  }
}
static void dbg_t(FILE *f, packr_type t) {
  const uint8_t *p = t.ptr;
  dbg_type(f, &p);
}

static void dbg_float(FILE *f, double d, int is32) {
  if (isnan(d)) { fputs("NaN", f); return; }
  if (isinf(d)) { fputs(d < 0 ? "-inf" : "inf", f); return; }
  char buf[64];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (is32 ? (float)strtod(buf, NULL) == (float)d : strtod(buf, NULL) == d) break;
  }
  fputs(buf, f);
  if (!strpbrk(buf, ".e")) fputs(".0", f);
}

static void dbg_val(FILE *f, const packr_val *v);
static void dbg_items(FILE *f, const packr_val *v, uint32_t n) {
  fputs("[", f);
  for (uint32_t i = 0; i < n; i++) {
    if (i) fputs(", ", f);
    dbg_val(f, v->items[i]);
  }
  fputs("]", f);
}

static void dbg_val(FILE *f, const packr_val *v) {
  switch (v->kind) {
  case PACKR_BOOL: fprintf(f, "Bool(%s)", v->as.u ? "true" : "false"); break;
  case PACKR_U8: fprintf(f, "U8(%llu)", (unsigned long long)v->as.u); break;
  case PACKR_U16: fprintf(f, "U16(%llu)", (unsigned long long)v->as.u); break;
  case PACKR_U32: fprintf(f, "U32(%llu)", (unsigned long long)v->as.u); break;
  case PACKR_U64: fprintf(f, "U64(%llu)", (unsigned long long)v->as.u); break;
  case PACKR_S8: fprintf(f, "S8(%lld)", (long long)v->as.i); break;
  case PACKR_S16: fprintf(f, "S16(%lld)", (long long)v->as.i); break;
  case PACKR_S32: fprintf(f, "S32(%lld)", (long long)v->as.i); break;
  case PACKR_S64: fprintf(f, "S64(%lld)", (long long)v->as.i); break;
  case PACKR_F32: fputs("F32(", f); dbg_float(f, v->as.f32, 1); fputs(")", f); break;
  case PACKR_F64: fputs("F64(", f); dbg_float(f, v->as.f64, 0); fputs(")", f); break;
  case PACKR_FLAGS: fprintf(f, "Flags(%llu)", (unsigned long long)v->as.u); break;
  case PACKR_CHAR: {
    char u[5] = {0};
    uint32_t c = (uint32_t)v->as.u;
    if (c < 0x80) u[0] = (char)c;
    else if (c < 0x800) { u[0] = (char)(0xC0 | c >> 6); u[1] = (char)(0x80 | (c & 63)); }
    else if (c < 0x10000) { u[0] = (char)(0xE0 | c >> 12); u[1] = (char)(0x80 | ((c >> 6) & 63)); u[2] = (char)(0x80 | (c & 63)); }
    else { u[0] = (char)(0xF0 | c >> 18); u[1] = (char)(0x80 | ((c >> 12) & 63)); u[2] = (char)(0x80 | ((c >> 6) & 63)); u[3] = (char)(0x80 | (c & 63)); }
    fputs("Char(", f);
    if (c >= 0xE0000) { /* unassigned / private planes: Rust's Debug escapes them */
      fprintf(f, "'\\u{%x}')", c);
      break;
    }
    dbg_strlit(f, u, c ? (uint32_t)strlen(u) : 1, '\'');
    fputs(")", f);
    break;
  }
  case PACKR_STRING: fputs("String(", f); dbg_strlit(f, v->as.str.ptr, v->as.str.len, '"'); fputs(")", f); break;
  case PACKR_LIST: fputs("List { elem_type: ", f); dbg_t(f, v->t1); fputs(", items: ", f); dbg_items(f, v, v->count); fputs(" }", f); break;
  case PACKR_SET: fputs("Set { elem_type: ", f); dbg_t(f, v->t1); fputs(", items: ", f); dbg_items(f, v, v->count); fputs(" }", f); break;
  case PACKR_TUPLE: fputs("Tuple(", f); dbg_items(f, v, v->count); fputs(")", f); break;
  case PACKR_MAP:
    fputs("Map { key_type: ", f); dbg_t(f, v->t1); fputs(", value_type: ", f); dbg_t(f, v->t2); fputs(", entries: [", f);
    for (uint32_t i = 0; i < v->count; i++) {
      fputs(i ? ", (" : "(", f);
      dbg_val(f, v->items[2 * i]);
      fputs(", ", f);
      dbg_val(f, v->items[2 * i + 1]);
      fputs(")", f);
    }
    fputs("] }", f);
    break;
  case PACKR_OPTION:
    fputs("Option { inner_type: ", f); dbg_t(f, v->t1); fputs(", value: ", f);
    if (v->tag) { fputs("Some(", f); dbg_val(f, v->items[0]); fputs(")", f); } else fputs("None", f);
    fputs(" }", f);
    break;
  case PACKR_RESULT:
    fputs("Result { ok_type: ", f); dbg_t(f, v->t1); fputs(", err_type: ", f); dbg_t(f, v->t2);
    fputs(v->tag ? ", value: Err(" : ", value: Ok(", f); dbg_val(f, v->items[0]); fputs(") }", f);
    break;
  case PACKR_RECORD:
    fputs("Record { type_name: ", f); dbg_strlit(f, v->name.ptr, v->name.len, '"'); fputs(", fields: [", f);
    for (uint32_t i = 0; i < v->count; i++) {
      fputs(i ? ", (" : "(", f);
      dbg_strlit(f, v->fields[i].ptr, v->fields[i].len, '"');
      fputs(", ", f);
      dbg_val(f, v->items[i]);
      fputs(")", f);
    }
    fputs("] }", f);
    break;
  case PACKR_VARIANT:
    fputs("Variant { type_name: ", f); dbg_strlit(f, v->name.ptr, v->name.len, '"');
    fputs(", case_name: ", f); dbg_strlit(f, v->case_name.ptr, v->case_name.len, '"');
    fprintf(f, ", tag: %u, payload: ", v->tag); dbg_items(f, v, v->count); fputs(" }", f);
    break;
  default: fprintf(f, "?kind%d", v->kind);
  }
}

static char *debug_string(const packr_val *v) {
  char *s = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&s, &n);
  dbg_val(f, v);
  fclose(f);
  return s;
}

/* ---- golden file ---- */

static char identical[64][128]; /* decode/ names whose re-encode is identical */
static int n_identical;

static int counts[8];
enum { C_VALID, C_DECODE, C_INVALID, C_ENCERR, C_V2, C_SKIP };

static void run_line(char *name, char *hex, char *detail) {
  uint8_t *bytes = NULL;
  int is_valid = !strncmp(name, "valid/", 6) || !strncmp(name, "from/", 5) || !strncmp(name, "meta/", 5);
  int is_decode = !strncmp(name, "decode/", 7);
  int is_invalid = !strncmp(name, "invalid/", 8);
  if (!is_valid && !is_decode && !is_invalid) {
    counts[C_SKIP]++; /* hash/ (tested by test_types.py), decode-prefix/, invalid-with-limits/, encode-error/ */
    return;
  }
  long len = unhex(hex, strlen(hex), &bytes);
  CHECK(len >= 0, "%s: bad hex", name);
  if (len < 0) return;
  packr_ctx ctx;
  packr_ctx_init(&ctx);
  packr_val *v = NULL;
  int rc = packr_decode(&ctx, bytes, (size_t)len, &v);
  if (is_invalid) {
    counts[C_INVALID]++;
    CHECK(rc != 0, "%s: accepted", name);
    if (rc) CHECK(str_is(ctx.err, detail), "%s: error %.*s, want %s", name, (int)ctx.err.len, ctx.err.ptr, detail);
  } else {
    counts[is_valid ? C_VALID : C_DECODE]++;
    CHECK(rc == 0, "%s: rejected: %.*s", name, (int)ctx.err.len, ctx.err.ptr);
    if (rc == 0) {
      char *d = debug_string(v);
      CHECK(!strcmp(d, detail), "%s:\n  got  %s\n  want %s", name, d, detail);
      free(d);
      int want_same = is_valid;
      for (int i = 0; i < n_identical; i++)
        if (!strcmp(identical[i], name)) want_same = 1;
      uint8_t *enc = NULL;
      uint32_t elen = 0;
      int erc = packr_encode(&ctx, v, &enc, &elen);
      CHECK(erc == 0, "%s: re-encode failed: %.*s", name, (int)ctx.err.len, ctx.err.ptr);
      if (erc == 0 && want_same)
        CHECK(elen == (uint32_t)len && !memcmp(enc, bytes, elen), "%s: re-encode differs", name);
      if (erc == 0 && !want_same) /* then it must at least round-trip to the same value */
      {
        packr_val *v2 = NULL;
        CHECK(packr_decode(&ctx, enc, elen, &v2) == 0, "%s: re-encoded bytes rejected", name);
        if (v2) {
          char *a = debug_string(v), *b = debug_string(v2);
          CHECK(!strcmp(a, b), "%s: re-encode changed the value", name);
          free(a);
          free(b);
        }
      }
      packr_free(enc);
    }
  }
  packr_ctx_free(&ctx);
  free(bytes);
}

static void run_file(const char *path, int v2) {
  FILE *f = fopen(path, "r");
  CHECK(f != NULL, "cannot open %s", path);
  if (!f) return;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    if (line[n - 1] == '\n') line[--n] = 0;
    if (line[0] == '#') {
      char nm[128];
      if (!v2 && sscanf(line, "# %127[^:]:", nm) == 1 && strstr(line, "re-encode IDENTICAL") && n_identical < 64)
        strcpy(identical[n_identical++], nm);
      continue;
    }
    char *name = line, *hex = strchr(line, '\t');
    if (!hex) continue;
    *hex++ = 0;
    char *detail = strchr(hex, '\t');
    if (!detail) continue;
    *detail++ = 0;
    if (!v2) {
      run_line(name, hex, detail);
      continue;
    }
    /* 0.5.4 vectors: valid ones must be rejected as v2 and round-trip once patched to v3 */
    if (strncmp(name, "valid/", 6) || strlen(hex) < 32) continue;
    counts[C_V2]++;
    uint8_t *b = NULL;
    long len = unhex(hex, strlen(hex), &b);
    packr_ctx ctx;
    packr_ctx_init(&ctx);
    packr_val *v = NULL;
    CHECK(packr_decode(&ctx, b, (size_t)len, &v) != 0 && str_is(ctx.err, "InvalidEncoding(\"Unsupported version\")"),
          "v2 %s: not rejected as version 2", name);
    ctx.err.ptr = NULL;
    b[4] = 3;
    if (strstr(detail, "List { elem_type: S32, items: [] }") || strstr(name, "from_")) {
      /* 0.5.4-only conversions are still valid bytes; decode them too */
    }
    int rc = packr_decode(&ctx, b, (size_t)len, &v);
    CHECK(rc == 0, "v2->v3 %s: rejected: %.*s", name, (int)ctx.err.len, ctx.err.ptr);
    if (rc == 0) {
      char *d = debug_string(v);
      CHECK(!strcmp(d, detail), "v2->v3 %s:\n  got  %s\n  want %s", name, d, detail);
      free(d);
      uint8_t *enc = NULL;
      uint32_t elen = 0;
      CHECK(packr_encode(&ctx, v, &enc, &elen) == 0 && elen == (uint32_t)len && !memcmp(enc, b, elen),
            "v2->v3 %s: re-encode differs", name);
      packr_free(enc);
    }
    packr_ctx_free(&ctx);
    free(b);
  }
  free(line);
  fclose(f);
}

/* ---- encode errors (the three encode-error/ vectors, built by hand) ---- */
static void encode_errors(void) {
  static const char *want =
      "InvalidEncoding(\"List with primitive elem_type contains non-matching items; fix the elem_type or the items\")";
  packr_ctx ctx;
  packr_ctx_init(&ctx);
  uint8_t *out = NULL;
  uint32_t len = 0;
  packr_val *l1 = packr_list(&ctx, packr_t(PACKR_S32), 2);
  l1->items[0] = packr_s32(&ctx, 1);
  l1->items[1] = packr_string_c(&ctx, "x");
  packr_val *l2 = packr_list(&ctx, packr_t(PACKR_U8), 1);
  l2->items[0] = packr_s32(&ctx, 1);
  packr_val *l3 = packr_list(&ctx, packr_t(PACKR_S64), 1);
  l3->items[0] = packr_map(&ctx, packr_t(PACKR_STRING), packr_t(PACKR_S64), 0);
  packr_val *cases[3] = {l1, l2, l3};
  for (int i = 0; i < 3; i++) {
    ctx.err.ptr = NULL;
    counts[C_ENCERR]++;
    CHECK(packr_encode(&ctx, cases[i], &out, &len) != 0 && str_is(ctx.err, want), "encode-error case %d: %.*s", i,
          (int)ctx.err.len, ctx.err.ptr ? ctx.err.ptr : "");
  }
  packr_ctx_free(&ctx);
}

int test_robustness(void); /* test_robust.c */

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s golden-v3.txt [golden-vectors.txt]\n", argv[0]);
    return 2;
  }
  run_file(argv[1], 0);
  if (argc > 2) run_file(argv[2], 1);
  encode_errors();
  test_robustness();
  printf("golden v3: %d valid/from/meta round-trips, %d decode-only, %d invalid, %d encode errors; "
         "%d v2 vectors re-versioned; %d lines skipped (hash, limits, prefix, encode-error text)\n",
         counts[C_VALID], counts[C_DECODE], counts[C_INVALID], counts[C_ENCERR], counts[C_V2], counts[C_SKIP]);
  printf("test_codec: %d checks passed, %d failed\n", t_passed, t_failed);
  return t_failed ? 1 : 0;
}
