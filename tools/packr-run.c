/*
 * packr-run: compose packr packages and call one export from the command line.
 *
 *   packr-run [OPTIONS] [NAME=]FILE.wasm... PACKAGE FUNCTION [VALUE]
 *   packr-run --precompile FILE.wasm OUT.cwasm
 *
 * Every FILE.wasm becomes a package named NAME (default: the file name without directories
 * and without ".wasm"); FILE.cwasm files are precompiled artifacts (made with --precompile),
 * loaded without compiling. VALUE is the argument in libpackr's text form (default "()"); the result
 * is printed in the text form. Written only against the public C API (include/packr.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packr.h"

static void usage(FILE *f) {
  fputs(
      "usage: packr-run [OPTIONS] [NAME=]FILE.wasm... PACKAGE FUNCTION [VALUE]\n"
      "       packr-run [OPTIONS] [NAME=]FILE.wasm... --types PACKAGE\n"
      "       packr-run --precompile FILE.wasm OUT.cwasm\n"
      "\n"
      "Compose packr WebAssembly packages, call PACKAGE's export FUNCTION with VALUE\n"
      "(libpackr's text form, default \"()\"), and print the result in the text form.\n"
      "\n"
      "options:\n"
      "  --wire TARGET:MODULE.NAME=SOURCE:EXPORT\n"
      "                    when TARGET calls its import MODULE.NAME, run SOURCE's EXPORT\n"
      "  --echo-host MODULE.NAME\n"
      "                    provide host function MODULE.NAME that returns its argument\n"
      "  --types PACKAGE   print PACKAGE's embedded type metadata instead of calling\n"
      "  --fuel N          fuel per call (0 = unlimited)\n"
      "  --timeout MS      wall-clock limit per call in milliseconds\n"
      "  --memory BYTES    memory limit per package\n"
      "  --hex             print the result as hex CGRF bytes instead of text\n"
      "  --precompile FILE.wasm OUT.cwasm\n"
      "                    compile FILE.wasm for this machine (with and without fuel\n"
      "                    metering), write the artifact to OUT.cwasm and exit\n"
      "\n"
      "A package given as [NAME=]FILE.cwasm is a precompiled artifact: it loads without\n"
      "compiling, only into the same libpackr version on a compatible machine.\n"
      "  -h, --help        this help\n"
      "\n"
      "exit status: 0 success, 1 the call or the composition failed, 2 bad usage\n",
      f);
}

static int fail(const char *what, packr_result rc, packr_error *err) {
  fprintf(stderr, "packr-run: %s: %s: %s\n", what, packr_result_name(rc), err ? packr_error_message(err) : "");
  packr_error_free(err);
  return 1;
}

static int bad_usage(const char *msg, const char *arg) {
  fprintf(stderr, "packr-run: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  fprintf(stderr, "try 'packr-run --help'\n");
  return 2;
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || !end || *end || s[0] == '-' || s[0] == '\0') return 0;
  *out = (uint64_t)v;
  return 1;
}

/* Splits "A:B.C=D:E" into its five parts (in place). */
static int split_wire(char *s, char **t, char **m, char **n, char **src, char **exp) {
  char *eq = strchr(s, '=');
  if (!eq) return 0;
  *eq = '\0';
  char *c1 = strchr(s, ':'), *c2 = strchr(eq + 1, ':');
  if (!c1 || !c2) return 0;
  *c1 = '\0';
  *c2 = '\0';
  char *dot = strrchr(c1 + 1, '.');
  if (!dot) return 0;
  *dot = '\0';
  *t = s;
  *m = c1 + 1;
  *n = dot + 1;
  *src = eq + 1;
  *exp = c2 + 1;
  return **t && **m && **n && **src && **exp;
}

static int32_t echo_host(void *user_data, const uint8_t *input, size_t len, packr_host_reply *reply) {
  (void)user_data;
  return packr_host_reply_set_output(reply, input, len) == PACKR_RESULT_OK ? 0 : 1;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

int main(int argc, char **argv) {
  packr_builder *b = packr_builder_new();
  packr_error *err = NULL;
  packr_result rc;
  const char *types_pkg = NULL;
  const char *positional[3];
  int npos = 0, npackages = 0, hex = 0;

  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      packr_builder_free(b);
      return 0;
    } else if (!strcmp(a, "--hex")) {
      hex = 1;
    } else if (!strcmp(a, "--precompile")) {
      packr_builder_free(b);
      if (i + 2 >= argc) return bad_usage("--precompile wants FILE.wasm OUT.cwasm", NULL);
      rc = packr_package_precompile_file(argv[i + 1], argv[i + 2], PACKR_PRECOMPILE_ALL, &err);
      return rc ? fail(argv[i + 1], rc, err) : 0;
    } else if (!strcmp(a, "--wire") || !strcmp(a, "--echo-host") || !strcmp(a, "--types") || !strcmp(a, "--fuel") ||
               !strcmp(a, "--timeout") || !strcmp(a, "--memory")) {
      if (i + 1 >= argc) {
        packr_builder_free(b);
        return bad_usage("missing the value of option", a);
      }
      char *v = argv[++i];
      uint64_t n = 0;
      if (!strcmp(a, "--wire")) {
        char *t, *m, *nm, *s, *e;
        if (!split_wire(v, &t, &m, &nm, &s, &e)) {
          packr_builder_free(b);
          return bad_usage("--wire wants TARGET:MODULE.NAME=SOURCE:EXPORT", argv[i]);
        }
        rc = packr_builder_wire(b, t, m, nm, s, e, &err);
        if (rc) {
          packr_builder_free(b);
          return fail("--wire", rc, err);
        }
      } else if (!strcmp(a, "--echo-host")) {
        char *dot = strrchr(v, '.');
        if (!dot || dot == v || !dot[1]) {
          packr_builder_free(b);
          return bad_usage("--echo-host wants MODULE.NAME", v);
        }
        *dot = '\0';
        rc = packr_builder_add_host_function(b, v, dot + 1, echo_host, NULL, NULL, &err);
        if (rc) {
          packr_builder_free(b);
          return fail("--echo-host", rc, err);
        }
      } else if (!strcmp(a, "--types")) {
        types_pkg = v;
      } else if (!parse_u64(v, &n)) {
        packr_builder_free(b);
        return bad_usage("expected a non-negative number for", a);
      } else if (!strcmp(a, "--fuel")) {
        rc = packr_builder_set_fuel(b, n);
      } else if (!strcmp(a, "--timeout")) {
        rc = packr_builder_set_timeout_ms(b, n);
      } else {
        rc = packr_builder_set_memory_limit(b, n);
      }
    } else if (a[0] == '-' && a[1] == '-') {
      packr_builder_free(b);
      return bad_usage("unknown option", a);
    } else if (ends_with(a, ".wasm") || ends_with(a, ".cwasm")) {
      /* [NAME=]FILE.wasm or [NAME=]FILE.cwasm (precompiled) */
      int precompiled = ends_with(a, ".cwasm");
      char name[256];
      const char *path = a, *eq = strchr(a, '=');
      if (eq) {
        snprintf(name, sizeof name, "%.*s", (int)(eq - a), a);
        path = eq + 1;
      } else {
        const char *base = strrchr(a, '/');
        base = base ? base + 1 : a;
        snprintf(name, sizeof name, "%.*s", (int)(strlen(base) - (precompiled ? 6 : 5)), base);
      }
      rc = precompiled ? packr_builder_add_package_precompiled_file(b, name, path, &err)
                       : packr_builder_add_package_file(b, name, path, &err);
      if (rc) {
        packr_builder_free(b);
        return fail(path, rc, err);
      }
      npackages++;
    } else if (npos < 3) {
      positional[npos++] = a;
    } else {
      packr_builder_free(b);
      return bad_usage("too many arguments", a);
    }
  }
  if (npackages == 0) {
    packr_builder_free(b);
    return bad_usage("no packages given (FILE.wasm or FILE.cwasm)", NULL);
  }
  if (!types_pkg && npos < 2) {
    packr_builder_free(b);
    return bad_usage("missing PACKAGE and FUNCTION", NULL);
  }

  packr_composition *c = NULL;
  rc = packr_builder_build(b, &c, &err); /* consumes b */
  if (rc) return fail("building the composition", rc, err);

  int status = 0;
  packr_bytes *out = NULL;
  if (types_pkg) {
    rc = packr_composition_types(c, types_pkg, &out, &err);
    if (rc) status = fail("--types", rc, err);
  } else {
    packr_value *arg = NULL;
    packr_bytes *in = NULL;
    rc = packr_value_parse(npos > 2 ? positional[2] : "()", &arg, &err);
    if (rc == PACKR_RESULT_OK) rc = packr_value_encode(arg, &in, &err);
    packr_value_free(arg);
    if (rc) {
      status = fail("VALUE", rc, err);
    } else {
      rc = packr_composition_call(c, positional[0], positional[1], packr_bytes_data(in), packr_bytes_len(in), &out, &err);
      if (rc) status = fail("call", rc, err);
    }
    packr_bytes_free(in);
  }
  if (status == 0 && hex) {
    for (size_t i = 0; i < packr_bytes_len(out); i++) printf("%02x", packr_bytes_data(out)[i]);
    printf("\n");
  } else if (status == 0) {
    packr_value *v = NULL;
    packr_bytes *text = NULL;
    rc = packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &v, &err);
    if (rc == PACKR_RESULT_OK) rc = packr_value_to_text(v, &text, &err);
    if (rc)
      status = fail("the result is not valid CGRF", rc, err);
    else
      printf("%s\n", (const char *)packr_bytes_data(text));
    packr_bytes_free(text);
    packr_value_free(v);
  }
  packr_bytes_free(out);
  packr_composition_free(c);
  return status;
}
