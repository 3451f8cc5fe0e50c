/*
 * host_function: a package calls functions written in C. The greeter package imports
 * host.greet (string -> string) and host.log (string -> unit).
 *   usage: host_function GUEST_DIR
 */
#include "common.h"

/* host.greet: answers "<user_data><name>". */
static int32_t greet(void *user_data, const uint8_t *input, size_t input_len, packr_host_reply *reply) {
  packr_value *v = NULL;
  if (packr_value_decode(input, input_len, &v, NULL) != PACKR_RESULT_OK) {
    return packr_host_reply_set_error(reply, "greet: input is not CGRF") == PACKR_RESULT_OK ? 1 : 2;
  }
  const char *name;
  size_t len;
  if (packr_value_as_string(v, &name, &len) != PACKR_RESULT_OK || len == 0) {
    packr_value_free(v);
    return packr_host_reply_set_error(reply, "greet: expected a non-empty name") == PACKR_RESULT_OK ? 1 : 2;
  }
  char text[256];
  int n = snprintf(text, sizeof text, "%s%.*s", (const char *)user_data, (int)len, name);
  packr_value *answer = NULL;
  packr_bytes *bytes = NULL;
  int32_t rc = packr_value_string(text, (size_t)n, &answer) == PACKR_RESULT_OK &&
                       packr_value_encode(answer, &bytes, NULL) == PACKR_RESULT_OK &&
                       packr_host_reply_set_output(reply, packr_bytes_data(bytes), packr_bytes_len(bytes)) == PACKR_RESULT_OK
                   ? 0
                   : 1;
  packr_bytes_free(bytes);
  packr_value_free(answer);
  packr_value_free(v);
  return rc;
}

/* host.log: prints the message; no output means the unit value (). */
static int32_t log_line(void *user_data, const uint8_t *input, size_t input_len, packr_host_reply *reply) {
  (void)reply;
  int *count = (int *)user_data;
  packr_value *v = NULL;
  packr_bytes *text = NULL;
  if (packr_value_decode(input, input_len, &v, NULL) == PACKR_RESULT_OK &&
      packr_value_to_text(v, &text, NULL) == PACKR_RESULT_OK) {
    printf("  [host.log #%d] %s\n", ++*count, (const char *)packr_bytes_data(text));
  }
  packr_bytes_free(text);
  packr_value_free(v);
  return 0;
}

static void say_finalized(void *user_data) { printf("finalizer ran for %s\n", (const char *)user_data); }

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "target/guests/wasm";
  packr_error *err = NULL;
  static int log_count = 0;
  static char prefix[] = "Hello, ";

  packr_builder *b = packr_builder_new();
  check(packr_builder_add_package_file(b, "greeter", guest_path(dir, "greeter"), &err), err, "add greeter");
  check(packr_builder_add_host_function(b, "host", "greet", greet, prefix, say_finalized, &err), err, "greet");
  check(packr_builder_add_host_function(b, "host", "log", log_line, &log_count, NULL, &err), err, "log");
  packr_composition *c = NULL;
  check(packr_builder_build(b, &c, &err), err, "build");

  packr_bytes *in = encode_text("\"bob\""), *out = NULL;
  check(packr_composition_call(c, "greeter", "hello", packr_bytes_data(in), packr_bytes_len(in), &out, &err), err,
        "hello");
  print_cgrf("greeter.hello(\"bob\") = ", out);
  packr_bytes_free(out);
  packr_bytes_free(in);

  in = encode_text("\"twice\"");
  check(packr_composition_call(c, "greeter", "log_twice", packr_bytes_data(in), packr_bytes_len(in), &out, &err), err,
        "log_twice");
  print_cgrf("greeter.log_twice(\"twice\") = ", out);
  packr_bytes_free(out);
  packr_bytes_free(in);

  /* A failing host function: the message reaches the caller, and the composition recovers. */
  in = encode_text("\"\"");
  packr_result rc = packr_composition_call(c, "greeter", "hello", packr_bytes_data(in), packr_bytes_len(in), &out, &err);
  printf("greeter.hello(\"\") -> %s: %s\n", packr_result_name(rc), packr_error_message(err));
  packr_error_free(err);
  packr_bytes_free(in);

  in = encode_text("\"alice\"");
  check(packr_composition_call(c, "greeter", "hello", packr_bytes_data(in), packr_bytes_len(in), &out, &err), err,
        "hello again");
  print_cgrf("greeter.hello(\"alice\") = ", out);
  packr_bytes_free(out);
  packr_bytes_free(in);

  packr_composition_free(c); /* runs the finalizer of host.greet */
  return 0;
}
