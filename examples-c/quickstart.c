#include <stdio.h>
#include "packr.h"

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "target/guests/wasm";
  char adder[512], doubler[512];
  snprintf(adder, sizeof adder, "%s/adder.wasm", dir);
  snprintf(doubler, sizeof doubler, "%s/doubler.wasm", dir);

  packr_error *err = NULL;
  packr_builder *b = packr_builder_new();
  if (packr_builder_add_package_file(b, "adder", adder, &err) ||
      packr_builder_add_package_file(b, "doubler", doubler, &err) ||
      /* adder imports math.double: let doubler's export "double" answer it */
      packr_builder_wire(b, "adder", "math", "double", "doubler", "double", &err)) {
    fprintf(stderr, "%s\n", packr_error_message(err)); /* says what failed, and where */
    packr_error_free(err);
    packr_builder_free(b);
    return 1;
  }
  packr_composition *c = NULL;
  if (packr_builder_build(b, &c, &err)) { /* consumes b, also on failure */
    fprintf(stderr, "%s\n", packr_error_message(err));
    packr_error_free(err);
    return 1;
  }

  packr_value *arg = packr_value_s64(5);
  packr_bytes *in = NULL, *out = NULL;
  packr_value *result = NULL;
  int64_t n = 0;
  if (packr_value_encode(arg, &in, &err) ||
      packr_composition_call(c, "adder", "process", packr_bytes_data(in), packr_bytes_len(in), &out, &err) ||
      packr_value_decode(packr_bytes_data(out), packr_bytes_len(out), &result, &err) ||
      packr_value_as_s64(result, &n)) {
    fprintf(stderr, "%s\n", packr_error_message(err));
  } else {
    printf("process(5) = %lld\n", (long long)n);
  }
  packr_value_free(result);
  packr_bytes_free(out);
  packr_bytes_free(in);
  packr_value_free(arg);
  packr_error_free(err);
  packr_composition_free(c);
  return 0;
}
