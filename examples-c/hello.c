/*
 * hello: load one packr package (built with packr-guest 0.5.4) and call an export.
 *   usage: hello GUEST_DIR      (GUEST_DIR holds doubler.wasm)
 */
#include "common.h"

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "target/guests/wasm";
  packr_error *err = NULL;

  packr_builder *b = packr_builder_new();
  check(packr_builder_add_package_file(b, "doubler", guest_path(dir, "doubler"), &err), err, "add_package_file");
  packr_composition *c = NULL;
  check(packr_builder_build(b, &c, &err), err, "build"); /* consumes b */

  /* Arguments travel as CGRF bytes; the text form makes them easy to write. */
  packr_bytes *in = encode_text("21");
  packr_bytes *out = NULL;
  check(packr_composition_call(c, "doubler", "double", packr_bytes_data(in), packr_bytes_len(in), &out, &err), err,
        "call");
  print_cgrf("doubler.double(21) = ", out);
  packr_bytes_free(out);

  /* Errors name the package and function, and say what the guest said. */
  packr_bytes *bad = encode_text("(21,)");
  packr_result rc = packr_composition_call(c, "doubler", "double", packr_bytes_data(bad), packr_bytes_len(bad), &out, &err);
  printf("doubler.double((21,)) -> %s: %s\n", packr_result_name(rc), packr_error_message(err));
  packr_error_free(err);

  rc = packr_composition_call(c, "doubler", "triple", packr_bytes_data(in), packr_bytes_len(in), &out, &err);
  printf("doubler.triple -> %s: %s\n", packr_result_name(rc), packr_error_message(err));
  packr_error_free(err);

  packr_bytes_free(bad);
  packr_bytes_free(in);
  packr_composition_free(c);
  return 0;
}
