/*
 * Integration test: the C guest packages (target/guests/wasm-c, tests/guests/build_c.sh) through
 * libpackr, next to the Rust guests (target/guests/wasm, tests/guests/build.sh).
 *
 *   test_cguest C_WASM_DIR RUST_WASM_DIR
 *
 * Every check prints one line (ok / FAIL and why). Values are built and compared with libpackr's
 * own value API, so the test does not depend on which CGRF version libpackr speaks to a guest.
 */
#include <stdio.h>
#include <string.h>
#include "packr.h"

static int passed, failed;
static char cdir[512], rdir[512];

static void report(int ok, const char *what, const char *why) {
  if (ok) {
    passed++;
    printf("ok    %s\n", what);
  } else {
    failed++;
    printf("FAIL  %s: %s\n", what, why ? why : "");
  }
}

/* Builds a composition: pkgs is "name=dir/file.wasm" pairs; wire (4 strings) optional. */
static packr_composition *compose(const char *names[], const char *paths[], int n, const char *wire[4],
                                  char *why, size_t whylen) {
  packr_error *err = NULL;
  packr_builder *b = packr_builder_new();
  packr_composition *c = NULL;
  for (int i = 0; i < n; i++)
    if (packr_builder_add_package_file(b, names[i], paths[i], &err)) goto fail;
  if (wire && packr_builder_wire(b, wire[0], "math", "double", wire[1], "double", &err)) goto fail;
  if (packr_builder_build(b, &c, &err)) {
    b = NULL;
    goto fail;
  }
  return c;
fail:
  snprintf(why, whylen, "%s", err ? packr_error_message(err) : "(no message)");
  packr_error_free(err);
  packr_builder_free(b);
  return NULL;
}

/* Calls pkg.fn with the value written in text; returns the decoded result or NULL (message). */
static packr_value *call(const packr_composition *c, const char *pkg, const char *fn, const char *text,
                         char *why, size_t whylen) {
  packr_error *err = NULL;
  packr_value *arg = NULL, *res = NULL;
  packr_bytes *in = NULL, *out = NULL;
  if (packr_value_parse(text, &arg, &err) || packr_value_encode(arg, &in, &err) ||
      packr_composition_call(c, pkg, fn, packr_bytes_data(in), packr_bytes_len(in), &out, &err) ||
      packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &res, &err)) {
    snprintf(why, whylen, "%s", err ? packr_error_message(err) : "(no message)");
    res = NULL;
  }
  packr_error_free(err);
  packr_value_free(arg);
  packr_bytes_free(in);
  packr_bytes_free(out);
  return res;
}

static void text_of(const packr_value *v, char *buf, size_t n) {
  packr_bytes *t = NULL;
  if (v && !packr_value_to_text(v, &t, NULL)) {
    snprintf(buf, n, "%.*s", (int)packr_bytes_len(t), (const char *)packr_bytes_data(t));
  } else {
    snprintf(buf, n, "(none)");
  }
  packr_bytes_free(t);
}

/* pkg.fn(input) on the C package equals `want` (text), and equals the Rust package's answer. */
static void same(const packr_composition *c, const char *cpkg, const char *rpkg, const char *fn,
                 const char *input, const char *want) {
  char what[512], why[1024] = "", got[1024], rgot[1024];
  snprintf(what, sizeof what, "%s.%s(%s) = %s, as the Rust guest", cpkg, fn, input, want);
  packr_value *cv = call(c, cpkg, fn, input, why, sizeof why);
  if (!cv) {
    report(0, what, why);
    return;
  }
  packr_value *w = NULL;
  if (packr_value_parse(want, &w, NULL)) {
    report(0, what, "the expected value does not parse");
    packr_value_free(cv);
    return;
  }
  text_of(cv, got, sizeof got);
  if (!packr_value_equal(cv, w)) {
    char msg[2100];
    snprintf(msg, sizeof msg, "C guest returned %s", got);
    report(0, what, msg);
  } else if (rpkg) {
    packr_value *rv = call(c, rpkg, fn, input, why, sizeof why);
    text_of(rv, rgot, sizeof rgot);
    char msg[2100];
    snprintf(msg, sizeof msg, "Rust guest: %s", rv ? rgot : why);
    report(rv && packr_value_equal(cv, rv), what, msg);
    packr_value_free(rv);
  } else {
    report(1, what, NULL);
  }
  packr_value_free(w);
  packr_value_free(cv);
}

static void fails_with(const packr_composition *c, const char *pkg, const char *fn, const char *input,
                       const char *needle) {
  char what[512], why[1024] = "";
  snprintf(what, sizeof what, "%s.%s(%s) fails with \"%s\"", pkg, fn, input, needle);
  packr_value *v = call(c, pkg, fn, input, why, sizeof why);
  report(!v && strstr(why, needle), what, v ? "it succeeded" : why);
  packr_value_free(v);
}

static const char *path(const char *dir, const char *name) {
  static char buf[8][600];
  static int k;
  char *p = buf[k++ % 8];
  snprintf(p, 600, "%s/%s.wasm", dir, name);
  return p;
}

static int32_t refuse(void *ud, const uint8_t *in, size_t len, packr_host_reply *reply) {
  (void)ud;
  (void)in;
  (void)len;
  return packr_host_reply_set_error(reply, "doubling is closed today") == PACKR_RESULT_OK ? 1 : 2;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s C_WASM_DIR RUST_WASM_DIR\n", argv[0]);
    return 2;
  }
  snprintf(cdir, sizeof cdir, "%s", argv[1]);
  snprintf(rdir, sizeof rdir, "%s", argv[2]);
  char why[1024] = "";

  /* 1. the C packages alone, next to their Rust twins */
  const char *names[] = {"c_echo", "r_echo", "c_doubler", "r_doubler", "c_sexpr", "r_sexpr"};
  const char *paths[] = {path(cdir, "echo"), path(rdir, "echo"), path(cdir, "doubler"),
                         path(rdir, "doubler"), path(cdir, "sexpr"), path(rdir, "sexpr")};
  packr_composition *c = compose(names, paths, 6, NULL, why, sizeof why);
  report(c != NULL, "load C echo, doubler, sexpr next to the Rust ones", why);
  if (c) {
    same(c, "c_doubler", "r_doubler", "double", "21s64", "42s64");
    same(c, "c_doubler", "r_doubler", "double", "-7s64", "-14s64");
    same(c, "c_echo", "r_echo", "echo", "5s64", "5s64");
    same(c, "c_echo", "r_echo", "echo", "(5s64,)", "5s64");
    same(c, "c_echo", "r_echo", "echo", "(1s32, \"x\")", "(1s32, \"x\")");
    same(c, "c_echo", "r_echo", "echo", "[1s32, 2s32, 3s32]", "[1s32, 2s32, 3s32]");
    same(c, "c_echo", "r_echo", "echo", "point{x: 1s32, y: 2s32}", "point{x: 1s32, y: 2s32}");
    same(c, "c_echo", "r_echo", "echo", "some<s32>(7s32)", "some<s32>(7s32)");
    same(c, "c_echo", "r_echo", "echo", "\"h\\u{e9}llo\"", "\"h\\u{e9}llo\"");
    same(c, "c_echo", "r_echo", "len", "\"abc\"", "3u32");
    same(c, "c_echo", "r_echo", "add", "(2s64, 3s64)", "5s64");
    same(c, "c_echo", "r_echo", "unit", "1s64", "()");
    fails_with(c, "c_echo", "add", "2s64", "expected tuple of parameters");
    fails_with(c, "c_doubler", "double", "\"x\"", "failed to convert parameter");
    const char *e = "expr::lst#4([expr::sym#0(\"+\"), expr::num#1(1s64), expr::lst#4([expr::sym#0(\"*\"), expr::num#1(2s64), expr::num#1(3s64)])])";
    char num7[] = "expr::num#1(7s64)";
    same(c, "c_sexpr", "r_sexpr", "eval", e, num7);
    same(c, "c_sexpr", "r_sexpr", "eval_strict", e, num7);
    same(c, "c_sexpr", "r_sexpr", "count", e, "7s64");
    same(c, "c_sexpr", "r_sexpr", "depth", e, "3s64");
    same(c, "c_sexpr", "r_sexpr", "try_eval", e, "ok<s64, string>(7s64)");
    const char *frob = "expr::lst#4([expr::sym#0(\"frob\"), expr::num#1(1s64)])";
    same(c, "c_sexpr", "r_sexpr", "eval", frob, "expr::sym#0(\"error: unknown symbol: frob\")");
    /* packr-guest 0.24.1 gives ok_type s64 here; the 0.5.4 Rust guest gives s32 */
    same(c, "c_sexpr", NULL, "try_eval", frob, "err<s64, string>(\"unknown symbol: frob\")");
    fails_with(c, "c_sexpr", "eval_strict", frob, "eval error: unknown symbol: frob");

    packr_bytes *meta = NULL;
    packr_value *mv = NULL;
    int ok = !packr_composition_types(c, "c_sexpr", &meta, NULL) &&
             !packr_value_decode(packr_bytes_data(meta), packr_bytes_len(meta), &mv, NULL);
    char t[64] = "";
    snprintf(t, sizeof t, "%s", ok ? "" : "types() failed or the blob does not decode");
    report(ok, "packr_composition_types(c_sexpr) returns a decodable package-metadata blob", t);
    packr_value_free(mv);
    packr_bytes_free(meta);
    packr_composition_free(c);
  }

  /* 2. composition across languages: adder's import math.double wired to a doubler */
  const char *pairs[][2] = {{"adder (C)", "doubler (Rust)"}, {"adder (Rust)", "doubler (C)"}, {"adder (C)", "doubler (C)"}};
  const char *adirs[] = {cdir, rdir, cdir}, *ddirs[] = {rdir, cdir, cdir};
  for (int i = 0; i < 3; i++) {
    const char *n2[] = {"adder", "doubler"};
    const char *p2[] = {path(adirs[i], "adder"), path(ddirs[i], "doubler")};
    const char *wire[4] = {"adder", "doubler", NULL, NULL};
    char what[256];
    snprintf(what, sizeof what, "compose %s with %s", pairs[i][0], pairs[i][1]);
    packr_composition *cc = compose(n2, p2, 2, wire, why, sizeof why);
    report(cc != NULL, what, why);
    if (!cc) continue;
    same(cc, "adder", NULL, "process", "5s64", "11s64");
    same(cc, "adder", NULL, "process", "-7s64", "-13s64");
    packr_composition_free(cc);
  }

  /* 3. C packages are current-generation citizens; an import failure reaches the C package as
   * -1 with the host's message, and the package reports it (no trap). Also against a 0.24.1
   * Rust doubler and with a map crossing into a C echo. */
  {
    packr_error *err = NULL;
    packr_composition *cc = NULL;
    packr_builder *b = packr_builder_new();
    int ok = !packr_builder_add_package_file(b, "adder", path(cdir, "adder"), &err) &&
             !packr_builder_add_package_file(b, "echo", path(cdir, "echo"), &err) &&
             !packr_builder_add_host_function(b, "math", "double", refuse, NULL, NULL, &err) &&
             !packr_builder_build(b, &cc, &err);
    report(ok, "C adder with a failing C host function", err ? packr_error_message(err) : "");
    packr_error_free(err);
    err = NULL;
    if (cc) {
      const char *ev = NULL;
      report(packr_composition_package_generation(cc, "adder", &ev) == PACKR_GENERATION_V0_24,
             "a C package is told to be packr-guest 0.24", ev ? ev : "");
      packr_value *v = packr_value_s64(5);
      packr_bytes *in = NULL, *out = NULL;
      packr_result r = packr_value_encode(v, &in, NULL);
      if (r == PACKR_RESULT_OK)
        r = packr_composition_call(cc, "adder", "process", packr_bytes_data(in), packr_bytes_len(in), &out, &err);
      const char *m = err ? packr_error_message(err) : "";
      report(r == PACKR_RESULT_GUEST && strstr(m, "math.double") && strstr(m, "doubling is closed today"),
             "the import's failure comes back from the C package as its own error", m);
      packr_bytes_free(out);
      packr_bytes_free(in);
      packr_value_free(v);
      packr_error_free(err);
      err = NULL;
      same(cc, "echo", NULL, "echo", "map<string, s64>{\"a\": 1s64}", "map<string, s64>{\"a\": 1s64}");
      packr_composition_free(cc);
    }
    const char *n2[] = {"adder", "doubler"};
    const char *p2[] = {path(cdir, "adder"), path(rdir, "cur_doubler")};
    const char *wire[4] = {"adder", "doubler", NULL, NULL};
    cc = compose(n2, p2, 2, wire, why, sizeof why);
    report(cc != NULL, "compose adder (C) with doubler (Rust, packr-guest 0.24.1)", why);
    if (cc) {
      same(cc, "adder", NULL, "process", "5s64", "11s64");
      packr_composition_free(cc);
    }
  }

  printf("test_cguest: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
