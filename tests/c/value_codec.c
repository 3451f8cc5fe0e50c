/* Value tests: the CGRF codec against the golden vectors (tests/data/golden-vectors.txt,
 * produced by packr-abi 0.5.4), deep nesting, decode and encode errors. */
#include "value_common.h"

/* Every valid golden vector: built with the C API, encodes byte for byte, and decodes back. */
void test_golden_valid(void) {
  size_t i;
  for (i = 0; i < k_valid_count; i++) {
    packr_value *v = k_valid[i].build();
    packr_value *d = decode_hex(k_valid[i].hex);
    if (!CHECK(v != NULL && encodes_to_hex(v, k_valid[i].hex)))
      fprintf(stderr, "    vector %s\n", k_valid[i].name);
    if (!CHECK(d != NULL && packr_value_equal(v, d)))
      fprintf(stderr, "    vector %s\n", k_valid[i].name);
    if (!CHECK(d != NULL && encodes_to_hex(d, k_valid[i].hex)))
      fprintf(stderr, "    vector %s\n", k_valid[i].name);
    packr_value_free(v);
    packr_value_free(d);
  }
}

/* (+ 1 (* 2 3)): built with the C API, byte for byte the golden vector, and inspected. */
void test_sexpr(void) {
  packr_value *e = b_sexpr_plus();
  packr_value *d = decode_hex(SEXPR_PLUS_HEX);
  const packr_value *list;
  const packr_value *inner;
  const char *p = NULL;
  size_t n = 0;
  uint64_t tag = 99;
  int64_t x = 0;

  CHECK(encodes_to_hex(e, SEXPR_PLUS_HEX));
  CHECK(packr_value_equal(e, d));

  /* Take the decoded value apart: lst#4([sym#0("+"), num#1(1), lst#4([...])]) */
  CHECK(packr_value_kind(d) == PACKR_KIND_VARIANT);
  CHECK_RC(packr_value_type_name(d, &p, &n), OK);
  CHECK(view_is(p, n, "expr"));
  CHECK_RC(packr_value_case_name(d, &p, &n), OK);
  CHECK(view_is(p, n, "lst"));
  CHECK_RC(packr_value_tag(d, &tag), OK);
  CHECK(tag == 4);
  CHECK(packr_value_len(d) == 1);
  list = packr_value_get(d, 0);
  CHECK(packr_value_kind(list) == PACKR_KIND_LIST && packr_value_len(list) == 3);
  CHECK(packr_type_kind(packr_value_elem_type(list)) == PACKR_KIND_VARIANT);
  CHECK_RC(packr_type_name(packr_value_elem_type(list), &p, &n), OK);
  CHECK(view_is(p, n, "expr"));
  CHECK_RC(packr_value_case_name(packr_value_get(list, 0), &p, &n), OK);
  CHECK(view_is(p, n, "sym"));
  CHECK_RC(packr_value_tag(packr_value_get(list, 0), &tag), OK);
  CHECK(tag == 0);
  CHECK_RC(packr_value_as_string(packr_value_get(packr_value_get(list, 0), 0), &p, &n), OK);
  CHECK(view_is(p, n, "+"));
  CHECK_RC(packr_value_tag(packr_value_get(list, 1), &tag), OK);
  CHECK(tag == 1);
  CHECK_RC(packr_value_as_s64(packr_value_get(packr_value_get(list, 1), 0), &x), OK);
  CHECK(x == 1);
  inner = packr_value_get(packr_value_get(list, 2), 0);
  CHECK(packr_value_kind(inner) == PACKR_KIND_LIST && packr_value_len(inner) == 3);
  CHECK_RC(packr_value_as_s64(packr_value_get(packr_value_get(inner, 2), 0), &x), OK);
  CHECK(x == 3);
  CHECK_RC(packr_value_as_string(packr_value_get(packr_value_get(inner, 0), 0), &p, &n), OK);
  CHECK(view_is(p, n, "*"));

  /* A different tree differs. */
  {
    packr_value *other = sx_lst3(sx_sym("+"), sx_num(1), sx_lst3(sx_sym("*"), sx_num(2), sx_num(4)));
    CHECK(!packr_value_equal(e, other));
    packr_value_free(other);
  }
  packr_value_free(e);
  packr_value_free(d);
}

/* "decode/" vectors: non-canonical bytes the decoder accepts. */
void test_golden_decode_accepts(void) {
  struct {
    const char *name;
    const char *hex;
    packr_value *want;
  } cases[6];
  size_t i;
  cases[0].name = "decode/header_flags_ignored";
  cases[0].hex = "434752460200cdab0100000000000000010000000100000001";
  cases[0].want = packr_value_bool(true);
  cases[1].name = "decode/node_flags_reserved_ignored";
  cases[1].hex = "43475246020000000100000000000000027fefbe0400000005000000";
  cases[1].want = packr_value_s32(5);
  cases[2].name = "decode/dag_shared_child";
  cases[2].hex =
      "4347524602000000020000000100000006000000060000000200000068690b0000000c00000002000000000000"
      "0000000000";
  cases[2].want = tuple_of(2, str("hi"), str("hi"));
  cases[3].name = "decode/orphan_node_ignored";
  cases[3].hex = "434752460200000002000000010000000600000007000000030000007a7a7a010000000100000000";
  cases[3].want = packr_value_bool(false);
  cases[4].name = "decode/result_tag_7_is_err";
  cases[4].hex =
      "43475246020000000200000001000000020000000400000001000000140000000b0000000206070000000100000000";
  cases[4].want = err_of(packr_type_s32(), packr_type_string(), packr_value_s32(1));
  cases[5].name = "decode/array_bool_byte_2_is_true";
  cases[5].hex = "43475246020000000100000000000000150000000700000001020000000200";
  cases[5].want =
      list_of(packr_type_bool(), 2, packr_value_bool(true), packr_value_bool(false));
  for (i = 0; i < COUNT(cases); i++) {
    packr_value *d = decode_hex(cases[i].hex);
    if (!CHECK(d != NULL && packr_value_equal(d, cases[i].want)))
      fprintf(stderr, "    vector %s\n", cases[i].name);
    CHECK(roundtrips(d));
    packr_value_free(d);
    packr_value_free(cases[i].want);
  }
}

/* "big/" vectors: length and first 64 bytes of large encodings. */
static int encoding_starts_with(const packr_value *v, size_t len, const char *first64) {
  size_t n;
  uint8_t *want = unhex(first64, &n);
  packr_bytes *b = encode(v);
  int ok = b != NULL && packr_bytes_len(b) == len && memcmp(packr_bytes_data(b), want, n) == 0;
  if (!ok && b != NULL) fprintf(stderr, "    got length %zu\n", packr_bytes_len(b));
  packr_bytes_free(b);
  free(want);
  return ok;
}

void test_golden_big(void) {
  packr_value *v = packr_value_s64(0);
  int i;
  int all_ok = 1;
  for (i = 0; i < 1000; i++) {
    packr_value *t = packr_value_tuple_new();
    all_ok &= packr_value_push(t, v) == OK;
    v = t;
  }
  CHECK(all_ok);
  CHECK(encoding_starts_with(
      v, 16032,
      "4347524602000000e9030000e8030000030000000800000000000000000000000b00000008000000010000000000"
      "00000b000000080000000100000001000000"));
  CHECK(roundtrips(v));
  packr_value_free(v);

  v = packr_value_s64(0);
  all_ok = 1;
  for (i = 0; i < 1000; i++) {
    packr_value *o = NULL;
    all_ok &= packr_value_option_some(packr_type_s32(), v, &o) == OK;
    v = o;
  }
  CHECK(all_ok);
  CHECK(encoding_starts_with(
      v, 14032,
      "4347524602000000e9030000e8030000030000000800000000000000000000000a000000060000000201000000"
      "000a000000060000000201010000000a000000"));
  CHECK(roundtrips(v));
  packr_value_free(v);

  v = NULL;
  CHECK_RC(packr_value_list_new(packr_type_s64(), &v), OK);
  all_ok = 1;
  for (i = 0; i < 10000; i++) all_ok &= packr_value_push(v, packr_value_s64(i)) == OK;
  CHECK(all_ok);
  CHECK(packr_value_len(v) == 10000);
  CHECK(encoding_starts_with(
      v, 80029,
      "43475246020000000100000000000000150000008538010003102700000000000000000000010000000000000002"
      "000000000000000300000000000000040000"));
  CHECK(roundtrips(v));
  packr_value_free(v);
}

/* 100,000 levels: encode, decode, clone, compare, print and free must not recurse. */
void test_deep(void) {
  const int depth = 100000;
  packr_value *v = nest_tuples(depth);
  packr_bytes *b = encode(v);
  packr_value *d = NULL;
  packr_value *c;
  const packr_value *walk;
  int levels = 0;

  /* header 16 + s64 node 16 + 16 per tuple node */
  CHECK(b != NULL && packr_bytes_len(b) == (size_t)16 + 16 + (size_t)16 * (size_t)depth);
  if (b != NULL) d = decode_buf(packr_bytes_data(b), packr_bytes_len(b));
  CHECK(d != NULL);
  CHECK(packr_value_equal(v, d));
  c = packr_value_clone(d);
  CHECK(c != NULL && packr_value_equal(c, v));
  /* Walk down the clone with borrowed views. */
  for (walk = c; packr_value_kind(walk) == PACKR_KIND_TUPLE; walk = packr_value_get(walk, 0))
    levels++;
  CHECK(levels == depth);
  CHECK(packr_value_kind(walk) == PACKR_KIND_S64);
  /* A difference at the very bottom is seen. */
  {
    packr_value *w = packr_value_s64(1);
    int i;
    for (i = 0; i < depth; i++) {
      packr_value *t = packr_value_tuple_new();
      if (packr_value_push(t, w) != OK) break;
      w = t;
    }
    CHECK(!packr_value_equal(v, w));
    packr_value_free(w);
  }
  /* Printing is iterative too (documented). */
  {
    packr_bytes *t = NULL;
    CHECK_RC(packr_value_to_text(v, &t, NULL), OK);
    CHECK(packr_bytes_len(t) >= (size_t)depth);
    packr_bytes_free(t);
  }
  packr_value_free(c);
  packr_value_free(d);
  packr_bytes_free(b);
  packr_value_free(v);
}

struct golden_invalid {
  const char *name;
  const char *hex;
  uint32_t code;        /* expected result */
  const char *message;  /* substring of the error message (upstream's text), or NULL */
};

#define D PACKR_RESULT_DECODE
#define L PACKR_RESULT_LIMIT
static const struct golden_invalid k_invalid[] = {
    {"invalid/empty_input", "", D, NULL},
    {"invalid/truncated_magic_3_bytes", "434752", D, NULL},
    {"invalid/magic_only", "43475246", D, NULL},
    {"invalid/version_1", "43475246010000000100000000000000010000000100000001", D,
     "Unsupported version"},
    {"invalid/truncated_header_no_root", "434752460200000001000000", D, NULL},
    {"invalid/zero_nodes_root_0", "43475246020000000000000000000000", D, "Root index out of range"},
    {"invalid/node_count_1_but_no_nodes", "43475246020000000100000000000000", D, NULL},
    {"invalid/truncated_node_header", "43475246020000000100000000000000010000", D, NULL},
    /* packr-abi's per-node caps are limits here (decode_limited can raise them). */
    {"invalid/payload_len_over_8MiB", "434752460200000001000000000000000600000001008000", L,
     "Payload too large"},
    {"invalid/unknown_node_kind_0x00", "434752460200000001000000000000000000000000000000", D, NULL},
    {"invalid/unknown_node_kind_0xff", "43475246020000000100000000000000ff00000000000000", D, NULL},
    {"invalid/root_out_of_range", "43475246020000000100000001000000010000000100000001", D,
     "Root index out of range"},
    {"invalid/bool_payload_2", "43475246020000000100000000000000010000000100000002", D,
     "Invalid bool payload at node 0"},
    {"invalid/bool_payload_empty", "434752460200000001000000000000000100000000000000", D, NULL},
    {"invalid/s32_payload_3_bytes", "434752460200000001000000000000000200000003000000010203", D,
     NULL},
    {"invalid/s32_payload_5_bytes", "4347524602000000010000000000000002000000050000000102030405", D,
     "Trailing payload bytes at node 0"},
    {"invalid/char_surrogate_d800", "43475246020000000100000000000000120000000400000000d80000", D,
     "Invalid char scalar at node 0"},
    {"invalid/char_0x110000", "43475246020000000100000000000000120000000400000000001100", D,
     "Invalid char scalar at node 0"},
    {"invalid/string_len_exceeds_payload",
     "434752460200000001000000000000000600000006000000050000006162", D, NULL},
    {"invalid/string_trailing_payload",
     "434752460200000001000000000000000600000006000000010000006162", D,
     "Trailing payload bytes at node 0"},
    {"invalid/tuple_count_over_max_sequence_len",
     "434752460200000001000000000000000b0000000400000041420f00", L, "Sequence too large"},
    {"invalid/tuple_count_exceeds_payload",
     "434752460200000001000000000000000b000000080000000200000000000000", D, NULL},
    {"invalid/tuple_two_node_cycle",
     "434752460200000002000000000000000b0000000800000001000000010000000b0000000800000001000000000"
     "00000",
     D, "Cycle detected in graph buffer"},
    {"invalid/list_child_out_of_range",
     "434752460200000001000000000000000700000009000000060100000005000000", D,
     "Node index 5 out of range"},
    {"invalid/list_elem_type_tag_0x00", "4347524602000000010000000000000007000000050000000000000000",
     D, NULL},
    {"invalid/list_elem_type_tag_0x15_array_not_a_type",
     "4347524602000000010000000000000007000000050000001500000000", D, NULL},
    {"invalid/list_truncated_child_index",
     "43475246020000000100000000000000070000000700000006010000000000", D, NULL},
    {"invalid/list_trailing_payload",
     "4347524602000000010000000000000007000000060000000600000000aa", D,
     "Trailing payload bytes at node 0"},
    {"invalid/list_elem_variant_name_invalid_utf8",
     "43475246020000000100000000000000070000000a0000000801000000c300000000", D,
     "Invalid UTF-8 in type name"},
    {"invalid/option_self_cycle", "434752460200000001000000000000000a00000006000000020100000000", D,
     "Cycle detected in graph buffer"},
    {"invalid/option_presence_2_with_child_index",
     "434752460200000001000000000000000a00000006000000020200000000", D,
     "Trailing payload bytes at node 0"},
    {"invalid/option_empty_payload", "434752460200000001000000000000000a00000000000000", D, NULL},
    {"invalid/result_err_type_tag_0x00",
     "43475246020000000200000001000000020000000400000001000000140000000a00000002000000000100000000",
     D, NULL},
    {"invalid/record_type_name_invalid_utf8",
     "43475246020000000100000000000000090000000900000001000000ff00000000", D,
     "Invalid UTF-8 in type name"},
    {"invalid/record_field_count_without_names",
     "4347524602000000010000000000000009000000080000000000000002000000", D, NULL},
    {"invalid/record_missing_child_index",
     "43475246020000000100000000000000090000000d00000000000000010000000100000061", D, NULL},
    {"invalid/variant_case_name_invalid_utf8",
     "434752460200000001000000000000000800000012000000010000007401000000800000000000000000", D,
     "Invalid UTF-8 in case name"},
    {"invalid/variant_type_name_invalid_utf8",
     "434752460200000001000000000000000800000012000000010000008001000000630000000000000000", D,
     "Invalid UTF-8 in type name"},
    {"invalid/variant_payload_self_cycle",
     "4347524602000000010000000000000008000000140000000000000000000000000000000100000000000000", D,
     "Cycle detected in graph buffer"},
    {"invalid/array_non_primitive_elem_string",
     "4347524602000000010000000000000015000000050000000600000000", D,
     "Non-primitive element type in Array at node 0"},
    {"invalid/array_trailing_bytes", "4347524602000000010000000000000015000000070000000c010000000102",
     D, "Trailing payload bytes at node 0"},
    {"invalid/array_count_over_max_sequence_len",
     "4347524602000000010000000000000015000000050000000c41420f00", L, "Sequence too large"},
    {"invalid/array_unknown_type_tag_0x16", "43475246020000000100000000000000150000000100000016", D,
     NULL},
    {"invalid/orphan_invalid_bool_still_rejected",
     "43475246020000000200000000000000010000000100000001010000000100000007", D,
     "Invalid bool payload at node 1"},
};
#undef D
#undef L

/* Appends a tuple node (kind 0x0b) with the given child indices to buf at *pos. */
static void put_u32(uint8_t *buf, size_t *pos, uint32_t x) {
  buf[(*pos)++] = (uint8_t)x;
  buf[(*pos)++] = (uint8_t)(x >> 8);
  buf[(*pos)++] = (uint8_t)(x >> 16);
  buf[(*pos)++] = (uint8_t)(x >> 24);
}

/* A DAG: node 0 = bool, node i = tuple(i-1, i-1); expands to 2^levels leaves. */
static uint8_t *dag_bomb(uint32_t levels, size_t *len_out) {
  size_t len = 16 + 9 + (size_t)levels * 20;
  uint8_t *buf = (uint8_t *)malloc(len);
  size_t pos = 0;
  uint32_t i;
  if (buf == NULL) exit(2);
  memcpy(buf, "CGRF", 4);
  pos = 4;
  buf[pos++] = 2;
  buf[pos++] = 0;
  buf[pos++] = 0;
  buf[pos++] = 0;
  put_u32(buf, &pos, levels + 1); /* node count */
  put_u32(buf, &pos, levels);     /* root */
  put_u32(buf, &pos, 1);          /* bool */
  put_u32(buf, &pos, 1);
  buf[pos++] = 1;
  for (i = 1; i <= levels; i++) {
    put_u32(buf, &pos, 0x0b);
    put_u32(buf, &pos, 12);
    put_u32(buf, &pos, 2);
    put_u32(buf, &pos, i - 1);
    put_u32(buf, &pos, i - 1);
  }
  *len_out = pos;
  return buf;
}

void test_decode_errors(void) {
  size_t i;
  /* Every invalid golden vector is rejected with the documented code and a located message. */
  for (i = 0; i < COUNT(k_invalid); i++) {
    size_t n;
    uint8_t *p = unhex(k_invalid[i].hex, &n);
    packr_value *v = SENT_VALUE;
    packr_error *e = NULL;
    uint32_t rc = (uint32_t)packr_value_decode(n ? p : NULL, n, &v, &e);
    int ok = rc == k_invalid[i].code && v == SENT_VALUE && e != NULL &&
             (uint32_t)packr_error_code(e) == rc &&
             contains(packr_error_message(e), "byte offset") &&
             (k_invalid[i].message == NULL || contains(packr_error_message(e), k_invalid[i].message));
    if (!CHECK(ok))
      fprintf(stderr, "    vector %s: %s: %s\n", k_invalid[i].name, packr_result_name(rc),
              packr_error_message(e));
    /* Same with error_out NULL. */
    v = SENT_VALUE;
    CHECK(packr_value_decode(n ? p : NULL, n, &v, NULL) == k_invalid[i].code && v == SENT_VALUE);
    packr_error_free(e);
    free(p);
  }
  /* Five picked by hand: exactly DECODE. */
  {
    static const char *const picked[] = {
        "434752460200000001000000",                                         /* truncated header */
        "43475246020000000100000000000000ff00000000000000",                 /* kind 0xff */
        "43475246020000000100000000000000120000000400000000d80000",         /* char U+D800 */
        "434752460200000002000000000000000b0000000800000001000000010000000b000000080000000100000000000000",
        "434752460200000001000000000000000800000012000000010000007401000000800000000000000000",
    };
    for (i = 0; i < COUNT(picked); i++) {
      size_t n;
      uint8_t *p = unhex(picked[i], &n);
      packr_value *v = SENT_VALUE;
      CHECK_RC(packr_value_decode(p, n, &v, NULL), PACKR_RESULT_DECODE);
      CHECK(v == SENT_VALUE);
      free(p);
    }
  }
  /* Truncating a valid encoding anywhere gives DECODE with "byte offset" in the message. */
  {
    packr_value *v = b_sexpr_plus();
    packr_bytes *b = encode(v);
    size_t full = packr_bytes_len(b);
    size_t cut;
    int all_ok = 1;
    for (cut = 0; b != NULL && cut < full; cut++) {
      packr_value *d = SENT_VALUE;
      packr_error *e = NULL;
      uint32_t rc = (uint32_t)packr_value_decode(packr_bytes_data(b), cut, &d, &e);
      if (rc != PACKR_RESULT_DECODE || d != SENT_VALUE ||
          !contains(packr_error_message(e), "byte offset") ||
          (uint32_t)packr_error_code(e) != PACKR_RESULT_DECODE) {
        all_ok = 0;
        fprintf(stderr, "    truncated to %zu: %s: %s\n", cut, packr_result_name(rc),
                packr_error_message(e));
      }
      packr_error_free(e);
    }
    CHECK(all_ok);
    packr_bytes_free(b);
    packr_value_free(v);
  }
  /* One truncation, spelled out. */
  {
    size_t n;
    uint8_t *p = unhex("43475246020000000100000000000000020000000400000007000000", &n);
    packr_value *v = SENT_VALUE;
    packr_error *e = NULL;
    CHECK_RC(packr_value_decode(p, n - 1, &v, &e), PACKR_RESULT_DECODE);
    CHECK(v == SENT_VALUE);
    CHECK(e != NULL && contains(packr_error_message(e), "byte offset"));
    CHECK_RC(packr_error_code(e), PACKR_RESULT_DECODE);
    packr_error_free(e);
    free(p);
  }
  /* Depth limit: 20 tuples around a scalar has depth 21 (a scalar at the root has depth 1). */
  {
    packr_value *v = nest_tuples(20);
    packr_bytes *b = encode(v);
    packr_value *d = SENT_VALUE;
    packr_error *e = NULL;
    const uint8_t *p = packr_bytes_data(b);
    size_t n = packr_bytes_len(b);
    CHECK_RC(packr_value_decode_limited(p, n, 0, 0, 10, &d, &e), PACKR_RESULT_LIMIT);
    CHECK(d == SENT_VALUE);
    CHECK(e != NULL && packr_error_code(e) == PACKR_RESULT_LIMIT);
    CHECK(packr_error_message(e)[0] != '\0');
    packr_error_free(e);
    e = SENT_ERROR;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 0, 20, &d, &e), PACKR_RESULT_LIMIT);
    CHECK(e != SENT_ERROR && e != NULL);
    packr_error_free(e);
    CHECK_RC(packr_value_decode_limited(p, n, 0, 0, 21, &d, &e), OK);
    CHECK(e == NULL && d != SENT_VALUE && packr_value_equal(d, v));
    packr_value_free(d);
    d = NULL;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 0, 0, &d, NULL), OK); /* 0 = default */
    packr_value_free(d);
    /* Byte limit: exactly the length passes, one less is a limit. */
    d = NULL;
    CHECK_RC(packr_value_decode_limited(p, n, n, 0, 0, &d, NULL), OK);
    packr_value_free(d);
    d = SENT_VALUE;
    CHECK_RC(packr_value_decode_limited(p, n, n - 1, 0, 0, &d, NULL), PACKR_RESULT_LIMIT);
    CHECK(d == SENT_VALUE);
    /* Node limit: 21 nodes. */
    d = NULL;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 21, 0, &d, NULL), OK);
    packr_value_free(d);
    d = SENT_VALUE;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 20, 0, &d, NULL), PACKR_RESULT_LIMIT);
    CHECK(d == SENT_VALUE);
    packr_bytes_free(b);
    packr_value_free(v);
  }
  /* invalid-with-limits/max_node_count_1: accepted by default, LIMIT with max_nodes = 1. */
  {
    size_t n;
    uint8_t *p = unhex(
        "43475246020000000500000000000000010000000100000001010000000100000001010000000100000001010000"
        "000100000001010000000100000001",
        &n);
    packr_value *v = NULL;
    packr_error *e = NULL;
    CHECK_RC(packr_value_decode(p, n, &v, NULL), OK);
    packr_value_free(v);
    v = SENT_VALUE;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 1, 0, &v, &e), PACKR_RESULT_LIMIT);
    CHECK(v == SENT_VALUE);
    CHECK(contains(packr_error_message(e), "Node count exceeds limit"));
    packr_error_free(e);
    free(p);
  }
  /* Raising max_nodes lifts packr-abi's 1,000,000-item cap: the vector is then merely short. */
  {
    size_t n;
    uint8_t *p = unhex("434752460200000001000000000000000b0000000400000041420f00", &n);
    packr_value *v = SENT_VALUE;
    CHECK_RC(packr_value_decode_limited(p, n, 0, 2000000, 0, &v, NULL), PACKR_RESULT_DECODE);
    CHECK(v == SENT_VALUE);
    free(p);
  }
  /* A DAG whose shared nodes would expand to 2^40 nodes: a limit, quickly, not a hang. */
  {
    size_t n;
    uint8_t *p = dag_bomb(40, &n);
    packr_value *v = SENT_VALUE;
    packr_error *e = NULL;
    CHECK_RC(packr_value_decode(p, n, &v, &e), PACKR_RESULT_LIMIT);
    CHECK(v == SENT_VALUE && e != NULL);
    packr_error_free(e);
    free(p);
    /* A small DAG decodes to the expanded tree. */
    p = dag_bomb(2, &n);
    v = NULL;
    CHECK_RC(packr_value_decode(p, n, &v, NULL), OK);
    {
      packr_value *want = tuple_of(2, tuple_of(2, packr_value_bool(true), packr_value_bool(true)),
                                   tuple_of(2, packr_value_bool(true), packr_value_bool(true)));
      CHECK(packr_value_equal(v, want));
      packr_value_free(want);
    }
    packr_value_free(v);
    free(p);
  }
}

void test_encode_errors(void) {
  /* encode-error/list_s32_with_string_item */
  {
    packr_value *l = list_of(packr_type_s32(), 2, packr_value_s32(1), str("x"));
    packr_bytes *b = SENT_BYTES;
    packr_error *e = NULL;
    CHECK_RC(packr_value_encode(l, &b, &e), PACKR_RESULT_ENCODE);
    CHECK(b == SENT_BYTES);
    CHECK(e != NULL && packr_error_code(e) == PACKR_RESULT_ENCODE);
    CHECK(contains(packr_error_message(e), "root"));
    CHECK(contains(packr_error_message(e), "List with primitive elem_type contains non-matching"));
    packr_error_free(e);
    CHECK_RC(packr_value_encode(l, &b, NULL), PACKR_RESULT_ENCODE);
    CHECK(b == SENT_BYTES);
    packr_value_free(l);
  }
  /* encode-error/list_u8_with_s32_item */
  {
    packr_value *l = list_of(packr_type_u8(), 1, packr_value_s32(1));
    packr_bytes *b = SENT_BYTES;
    CHECK_RC(packr_value_encode(l, &b, NULL), PACKR_RESULT_ENCODE);
    CHECK(b == SENT_BYTES);
    packr_value_free(l);
  }
  /* The path of a nested offending list is in the message. */
  {
    packr_value *v = tuple_of(2, packr_value_s32(0),
                              tuple_of(1, list_of(packr_type_bool(), 1, packr_value_u8(1))));
    packr_bytes *b = SENT_BYTES;
    packr_error *e = NULL;
    CHECK_RC(packr_value_encode(v, &b, &e), PACKR_RESULT_ENCODE);
    CHECK(contains(packr_error_message(e), "root.1.0"));
    if (e != NULL && !contains(packr_error_message(e), "root.1.0"))
      fprintf(stderr, "    message: %s\n", packr_error_message(e));
    packr_error_free(e);
    packr_value_free(v);
  }
  /* Every fixed-width element type with a string item fails; f32 list with an f64 fails. */
  {
    packr_type *(*ctors[])(void) = {packr_type_bool, packr_type_u8,  packr_type_u16,
                                    packr_type_u32,  packr_type_u64, packr_type_s8,
                                    packr_type_s16,  packr_type_s32, packr_type_s64,
                                    packr_type_f32,  packr_type_f64, packr_type_char,
                                    packr_type_flags};
    size_t i;
    for (i = 0; i < COUNT(ctors); i++) {
      packr_value *l = list_of(ctors[i](), 1, str("x"));
      packr_bytes *b = SENT_BYTES;
      CHECK_RC(packr_value_encode(l, &b, NULL), PACKR_RESULT_ENCODE);
      CHECK(b == SENT_BYTES);
      packr_value_free(l);
    }
    {
      packr_value *l = list_of(packr_type_f32(), 1, packr_value_f64(1.0));
      packr_bytes *b = SENT_BYTES;
      CHECK_RC(packr_value_encode(l, &b, NULL), PACKR_RESULT_ENCODE);
      packr_value_free(l);
    }
  }
}
