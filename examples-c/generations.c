/*
 * generations: packages of two guest SDK generations in one composition.
 *   adder        packr-guest 0.5.4  (CGRF v2), imports math.double
 *   cur_doubler  packr-guest 0.24.1 (CGRF v3, maps and sets)
 *   cur_adder    packr-guest 0.24.1, imports math.double, calc.scale and ops.square
 *   doubler      packr-guest 0.5.4
 * The old adder is wired to the new doubler and the new adder to the old doubler; libpackr
 * tells each package's generation from its module and translates every call on the way.
 *   usage: generations GUEST_DIR
 */
#include "common.h"

static void call(packr_composition *c, const char *pkg, const char *fn, const char *arg) {
  packr_error *err = NULL;
  packr_bytes *in = encode_text(arg), *out = NULL;
  check(packr_composition_call(c, pkg, fn, packr_bytes_data(in), packr_bytes_len(in), &out, &err), err, fn);
  printf("%s.%s(%s) = ", pkg, fn, arg);
  print_cgrf("", out);
  packr_bytes_free(out);
  packr_bytes_free(in);
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "target/guests/wasm";
  const char *names[] = {"adder", "doubler", "cur_adder", "cur_doubler"};
  packr_error *err = NULL;
  packr_composition *c = NULL;
  packr_builder *b = packr_builder_new();
  for (size_t i = 0; i < 4; i++)
    check(packr_builder_add_package_file(b, names[i], guest_path(dir, names[i]), &err), err, names[i]);
  check(packr_builder_wire(b, "adder", "math", "double", "cur_doubler", "double", &err), err, "wire");
  check(packr_builder_wire(b, "cur_adder", "math", "double", "doubler", "double", &err), err, "wire");
  check(packr_builder_wire(b, "cur_adder", "calc", "scale", "cur_doubler", "add", &err), err, "wire");
  check(packr_builder_wire(b, "cur_adder", "ops", "square", "doubler", "double", &err), err, "wire");
  check(packr_builder_build(b, &c, &err), err, "build");

  for (size_t i = 0; i < 4; i++) {
    const char *evidence = NULL;
    packr_generation g = packr_composition_package_generation(c, names[i], &evidence);
    printf("%-12s %s (%s)\n", names[i], g == PACKR_GENERATION_V0_5 ? "packr-guest 0.5" : "packr-guest 0.24", evidence);
  }
  call(c, "adder", "process", "5");     /* 0.5.4 -> 0.24: v2 in, v3 to the doubler */
  call(c, "cur_adder", "process", "5"); /* 0.24 -> 0.5.4 */
  call(c, "cur_doubler", "count_words", "\"to be or not to be\"");
  call(c, "cur_doubler", "sum_values", "map<string, s64>{\"a\": 1, \"b\": 41}");

  /* A map sent to a 0.5.4 package arrives as 0.5.4 writes a BTreeMap: a list of tuples. */
  packr_composition_free(c);
  b = packr_builder_new();
  check(packr_builder_add_package_file(b, "echo", guest_path(dir, "echo"), &err), err, "echo");
  check(packr_builder_build(b, &c, &err), err, "build");
  call(c, "echo", "echo", "map<string, set<s64>>{\"x\": set<s64>{1, 2}}");
  packr_composition_free(c);
  return 0;
}
