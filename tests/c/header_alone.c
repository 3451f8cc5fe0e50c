/*
 * Proves that include/packr.h is self-contained: it is the only include of this translation unit,
 * which is compiled as C11 and as C++17 with -Wall -Wextra -Wpedantic -Werror. The code below
 * uses each type and macro the header defines, so a missing include or typedef fails to compile.
 */
#include "packr.h"

#ifndef PACKR_H
#error "packr.h does not define its include guard"
#endif

#include "packr.h" /* a second include is harmless */

#if PACKR_VERSION_NUMBER != ((PACKR_VERSION_MAJOR << 16) | (PACKR_VERSION_MINOR << 8) | PACKR_VERSION_PATCH)
#error "PACKR_VERSION_NUMBER disagrees with the version macros"
#endif

/* The types the header promises, usable without any other include. */
typedef struct header_alone_use {
  packr_result result;
  packr_kind kind;
  packr_value *value;
  const packr_type *type;
  packr_bytes *bytes;
  packr_error *error;
  size_t size;    /* from <stddef.h> via packr.h */
  uint64_t u64;   /* from <stdint.h> via packr.h */
  bool flag;      /* from <stdbool.h> via packr.h */
} header_alone_use;

/* Function pointer types check the exact signatures as the compiler sees them. */
typedef packr_result (*decode_fn)(const uint8_t *, size_t, packr_value **, packr_error **);
typedef const char *(*name_fn)(uint32_t);

int header_alone_check(void);

int header_alone_check(void) {
  decode_fn d = packr_value_decode;
  name_fn n = packr_result_name;
  header_alone_use u;
  u.result = PACKR_RESULT_OK;
  u.kind = PACKR_KIND_NONE;
  u.value = NULL;
  u.type = NULL;
  u.bytes = NULL;
  u.error = NULL;
  u.size = sizeof(u);
  u.u64 = PACKR_VERSION_NUMBER;
  u.flag = true;
  return (d != NULL) + (n != NULL) + (int)u.result + (int)u.kind + (u.value == NULL) +
         (u.type == NULL) + (u.bytes == NULL) + (u.error == NULL) + (int)(u.size > 0) +
         (int)(u.u64 > 0) + (int)u.flag;
}
