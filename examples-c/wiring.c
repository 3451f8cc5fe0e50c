/*
 * wiring: two packages, one calling the other. adder imports math.double; wire it to
 * doubler's export double, then adder.process(n) = double(n) + 1.
 *   usage: wiring GUEST_DIR
 */
#include "common.h"

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "target/guests/wasm";
  packr_error *err = NULL;
  packr_composition *c = NULL;

  /* Without the wire, build names the import nobody provides. */
  packr_builder *b = packr_builder_new();
  check(packr_builder_add_package_file(b, "adder", guest_path(dir, "adder"), &err), err, "add adder");
  packr_result rc = packr_builder_build(b, &c, &err);
  printf("build without the wire -> %s: %s\n", packr_result_name(rc), packr_error_message(err));
  packr_error_free(err);

  b = packr_builder_new();
  check(packr_builder_add_package_file(b, "adder", guest_path(dir, "adder"), &err), err, "add adder");
  check(packr_builder_add_package_file(b, "doubler", guest_path(dir, "doubler"), &err), err, "add doubler");
  check(packr_builder_wire(b, "adder", "math", "double", "doubler", "double", &err), err, "wire");
  check(packr_builder_build(b, &c, &err), err, "build");

  printf("packages:");
  for (size_t i = 0; i < packr_composition_package_count(c); i++) printf(" %s", packr_composition_package_name(c, i));
  printf("\n");

  /* Resolve once, call many times. */
  packr_func *process = NULL;
  check(packr_composition_func(c, "adder", "process", &process, &err), err, "func");
  const char *inputs[] = {"5", "-7", "1000000"};
  for (size_t i = 0; i < 3; i++) {
    packr_bytes *in = encode_text(inputs[i]), *out = NULL;
    check(packr_func_call(process, packr_bytes_data(in), packr_bytes_len(in), &out, &err), err, "process");
    printf("adder.process(%s) = ", inputs[i]);
    print_cgrf("", out);
    packr_bytes_free(out);
    packr_bytes_free(in);
  }
  packr_composition_free(c); /* the func keeps the composition alive */
  packr_bytes *in = encode_text("20"), *out = NULL;
  check(packr_func_call(process, packr_bytes_data(in), packr_bytes_len(in), &out, &err), err, "process");
  print_cgrf("after packr_composition_free, the func still works: adder.process(20) = ", out);
  packr_bytes_free(out);
  packr_bytes_free(in);
  packr_func_free(process);
  return 0;
}
