/*
 * A consumer of an installed libpackr: uses only the value API, so it needs no wasm guests.
 * Built by tests/install/run.sh through pkg-config (shared and static) and CMake.
 * Prints one line and exits 0 when everything checks out.
 */
#include <packr.h>

#include <stdio.h>
#include <string.h>

static int failures = 0;

static void expect(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "example: %s\n", what);
    failures++;
  }
}

int main(void) {
  /* The header and the library agree. */
  expect(strcmp(packr_version(), PACKR_VERSION_STRING) == 0, "packr_version() != PACKR_VERSION_STRING");

  /* Build point{x: 1s32, y: 2s32} with the constructors. */
  packr_value *point = NULL;
  expect(packr_value_record_new("point", &point) == PACKR_RESULT_OK, "record_new");
  expect(packr_value_record_push(point, "x", packr_value_s32(1)) == PACKR_RESULT_OK, "record_push x");
  expect(packr_value_record_push(point, "y", packr_value_s32(2)) == PACKR_RESULT_OK, "record_push y");

  /* Encode, decode, print, parse: the same value every time. */
  packr_bytes *cgrf = NULL, *text = NULL;
  packr_value *decoded = NULL, *parsed = NULL;
  packr_error *err = NULL;
  expect(packr_value_encode(point, &cgrf, &err) == PACKR_RESULT_OK, "encode");
  expect(packr_value_decode(packr_bytes_data(cgrf), packr_bytes_len(cgrf), &decoded, &err) == PACKR_RESULT_OK,
         "decode");
  expect(packr_value_to_text(decoded, &text, &err) == PACKR_RESULT_OK, "to_text");
  expect(packr_value_parse((const char *)packr_bytes_data(text), &parsed, &err) == PACKR_RESULT_OK, "parse");
  expect(packr_value_equal(point, decoded) && packr_value_equal(point, parsed), "round trip changed the value");

  /* A failure comes back as a code and a message. */
  packr_value *bad = NULL;
  packr_result rc = packr_value_parse("point{x: ", &bad, &err);
  expect(rc == PACKR_RESULT_DECODE && err != NULL && packr_error_message(err)[0] != '\0', "parse error");
  expect(strcmp(packr_result_name(rc), "PACKR_RESULT_DECODE") == 0, "packr_result_name");
  packr_error_free(err);

  printf("libpackr %s: %s (%zu bytes of CGRF)\n", packr_version(), text ? (const char *)packr_bytes_data(text) : "?",
         packr_bytes_len(cgrf));

  packr_value_free(parsed);
  packr_value_free(decoded);
  packr_bytes_free(text);
  packr_bytes_free(cgrf);
  packr_value_free(point);
  return failures ? 1 : 0;
}
