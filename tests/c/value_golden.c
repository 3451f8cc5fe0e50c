/* The golden "valid/" vectors (tests/data/golden-vectors.txt, produced by packr-abi 0.5.4)
 * and the builders of the values they encode. */
#include "value_common.h"

/* ------------------------------------------------------------------------------------------ */
/* Golden vectors: builders for "valid/" cases                                                  */
/* ------------------------------------------------------------------------------------------ */


packr_value *b_bool_false(void) { return packr_value_bool(false); }
packr_value *b_bool_true(void) { return packr_value_bool(true); }
packr_value *b_u8_255(void) { return packr_value_u8(255); }
packr_value *b_u16_0x1234(void) { return packr_value_u16(0x1234); }
packr_value *b_u32_deadbeef(void) { return packr_value_u32(0xdeadbeefu); }
packr_value *b_u32_max(void) { return packr_value_u32(UINT32_MAX); }
packr_value *b_u64_max(void) { return packr_value_u64(UINT64_MAX); }
packr_value *b_s8_min(void) { return packr_value_s8(INT8_MIN); }
packr_value *b_s16_min(void) { return packr_value_s16(INT16_MIN); }
packr_value *b_s16_minus2(void) { return packr_value_s16(-2); }
packr_value *b_s32_minus1(void) { return packr_value_s32(-1); }
packr_value *b_s32_min(void) { return packr_value_s32(INT32_MIN); }
packr_value *b_s64_minus1(void) { return packr_value_s64(-1); }
packr_value *b_s64_min(void) { return packr_value_s64(INT64_MIN); }
packr_value *b_f32_1_5(void) { return packr_value_f32(1.5f); }
packr_value *b_f32_neg_zero(void) { return packr_value_f32(f32_from_bits(0x80000000u)); }
packr_value *b_f32_nan(void) { return packr_value_f32(f32_from_bits(0x7fc00000u)); }
packr_value *b_f64_pi(void) { return packr_value_f64(3.141592653589793); }
packr_value *b_f64_inf(void) { return packr_value_f64(f64_from_bits(0x7ff0000000000000u)); }
packr_value *b_f64_neg_inf(void) {
  return packr_value_f64(f64_from_bits(0xfff0000000000000u));
}
packr_value *b_f64_snan(void) { return packr_value_f64(f64_from_bits(0x7ff0000000000001u)); }
packr_value *b_f64_min_subnormal(void) { return packr_value_f64(f64_from_bits(1)); }
packr_value *b_char_nul(void) { return chr(0); }
packr_value *b_char_e_acute(void) { return chr(0xe9); }
packr_value *b_char_max(void) { return chr(0x10ffff); }
packr_value *b_string_empty(void) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_string(NULL, 0, &v), OK);
  return v;
}
packr_value *b_string_with_nul(void) {
  packr_value *v = NULL;
  CHECK_RC(packr_value_string("a\0b", 3, &v), OK);
  return v;
}
packr_value *b_string_unicode(void) {
  return str("h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c \xf0\x9f\x8c\x8d");
}
packr_value *b_flags_0b1011(void) { return packr_value_flags(11); }
packr_value *b_flags_max(void) { return packr_value_flags(UINT64_MAX); }
packr_value *b_tuple_s32_string(void) { return tuple_of(2, packr_value_s32(7), str("x")); }
packr_value *b_tuple_nested(void) {
  return tuple_of(2, tuple_of(1, packr_value_bool(true)), packr_value_tuple_new());
}
packr_value *b_list_s32_empty(void) { return list_of(packr_type_s32(), 0); }
packr_value *b_list_u8_bytes(void) {
  return list_of(packr_type_u8(), 4, packr_value_u8(0xde), packr_value_u8(0xad),
                 packr_value_u8(0xbe), packr_value_u8(0xef));
}
packr_value *b_list_s8(void) {
  return list_of(packr_type_s8(), 2, packr_value_s8(-1), packr_value_s8(127));
}
packr_value *b_list_u16(void) {
  return list_of(packr_type_u16(), 2, packr_value_u16(1), packr_value_u16(65535));
}
packr_value *b_list_u32(void) {
  return list_of(packr_type_u32(), 1, packr_value_u32(16909060));
}
packr_value *b_list_u64(void) {
  return list_of(packr_type_u64(), 2, packr_value_u64(1), packr_value_u64(UINT64_MAX));
}
packr_value *b_list_f32(void) {
  return list_of(packr_type_f32(), 2, packr_value_f32(0.5f), packr_value_f32(-2.0f));
}
packr_value *b_list_f64(void) {
  return list_of(packr_type_f64(), 2, packr_value_f64(1.0),
                 packr_value_f64(f64_from_bits(0xfff0000000000000u)));
}
packr_value *b_list_flags(void) { return list_of(packr_type_flags(), 1, packr_value_flags(5)); }
packr_value *b_list_string_a_b(void) {
  return list_of(packr_type_string(), 2, str("a"), str("b"));
}
packr_value *b_list_of_list_s32(void) {
  return list_of(t_list(packr_type_s32()), 2, list_of(packr_type_s32(), 1, packr_value_s32(1)),
                 list_of(packr_type_s32(), 0));
}
packr_value *b_list_of_tuple_type(void) {
  return list_of(t_tuple2(packr_type_string(), packr_type_u8()), 1,
                 tuple_of(2, str("k"), packr_value_u8(1)));
}
packr_value *b_option_none_s32(void) { return none(packr_type_s32()); }
packr_value *b_option_some_s32_7(void) { return some(packr_type_s32(), packr_value_s32(7)); }
packr_value *b_option_none_list_string(void) { return none(t_list(packr_type_string())); }
packr_value *b_option_some_some_u8(void) {
  return some(t_option(packr_type_u8()), some(packr_type_u8(), packr_value_u8(1)));
}
packr_value *b_result_ok_s32_err_string(void) {
  return ok_of(packr_type_s32(), packr_type_string(), packr_value_s32(1));
}
packr_value *b_result_err_string(void) {
  return err_of(packr_type_s32(), packr_type_string(), str("bad"));
}
packr_value *b_record_point(void) {
  return record_of("point", 2, "x", packr_value_s32(1), "y", packr_value_s32(2));
}
packr_value *b_record_empty(void) { return record_of("empty", 0); }
packr_value *b_variant_unit_case(void) { return variant_of("color", "red", 0, 0); }
packr_value *b_variant_enum_like_tag2(void) { return variant_of("color", "blue", 2, 0); }
packr_value *b_variant_two_payloads(void) {
  return variant_of("msg", "pair", 3, 2, packr_value_s32(1), str("z"));
}
packr_value *b_variant_nested(void) {
  return variant_of("outer", "wrap", 0, 1, variant_of("inner", "leaf", 1, 1, packr_value_u8(9)));
}
packr_value *b_sexpr_num_42(void) { return sx_num(42); }
packr_value *b_from_result_ok_i64(void) {
  return ok_of(packr_type_s64(), packr_type_string(), packr_value_s64(3));
}
packr_value *b_from_result_err_str(void) {
  return err_of(packr_type_s32(), packr_type_string(), str("e"));
}
packr_value *b_variant_tag_u32_max(void) { return variant_of("t", "c", 0xffffffffu, 0); }
/* (+ 1 (* 2 3)) */
packr_value *b_sexpr_plus(void) {
  return sx_lst3(sx_sym("+"), sx_num(1), sx_lst3(sx_sym("*"), sx_num(2), sx_num(3)));
}



const struct golden_valid k_valid[] = {
    {"valid/bool_false", "43475246020000000100000000000000010000000100000000", b_bool_false},
    {"valid/bool_true", "43475246020000000100000000000000010000000100000001", b_bool_true},
    {"valid/u8_255", "434752460200000001000000000000000c00000001000000ff", b_u8_255},
    {"valid/u16_0x1234", "434752460200000001000000000000000d000000020000003412", b_u16_0x1234},
    {"valid/u32_0xdeadbeef", "434752460200000001000000000000000e00000004000000efbeadde",
     b_u32_deadbeef},
    {"valid/u32_max", "434752460200000001000000000000000e00000004000000ffffffff", b_u32_max},
    {"valid/u64_max", "434752460200000001000000000000000f00000008000000ffffffffffffffff",
     b_u64_max},
    {"valid/s8_min", "43475246020000000100000000000000100000000100000080", b_s8_min},
    {"valid/s16_min", "4347524602000000010000000000000011000000020000000080", b_s16_min},
    {"valid/s16_minus2", "434752460200000001000000000000001100000002000000feff", b_s16_minus2},
    {"valid/s32_minus1", "434752460200000001000000000000000200000004000000ffffffff",
     b_s32_minus1},
    {"valid/s32_min", "43475246020000000100000000000000020000000400000000000080", b_s32_min},
    {"valid/s64_minus1", "434752460200000001000000000000000300000008000000ffffffffffffffff",
     b_s64_minus1},
    {"valid/s64_min", "4347524602000000010000000000000003000000080000000000000000000080",
     b_s64_min},
    {"valid/f32_1_5", "4347524602000000010000000000000004000000040000000000c03f", b_f32_1_5},
    {"valid/f32_neg_zero", "43475246020000000100000000000000040000000400000000000080",
     b_f32_neg_zero},
    {"valid/f32_nan_bits_7fc00000", "4347524602000000010000000000000004000000040000000000c07f",
     b_f32_nan},
    {"valid/f64_pi", "434752460200000001000000000000000500000008000000182d4454fb210940",
     b_f64_pi},
    {"valid/f64_inf", "434752460200000001000000000000000500000008000000000000000000f07f",
     b_f64_inf},
    {"valid/f64_neg_inf", "434752460200000001000000000000000500000008000000000000000000f0ff",
     b_f64_neg_inf},
    {"valid/f64_snan_bits_7ff0000000000001",
     "434752460200000001000000000000000500000008000000010000000000f07f", b_f64_snan},
    {"valid/f64_min_subnormal", "4347524602000000010000000000000005000000080000000100000000000000",
     b_f64_min_subnormal},
    {"valid/char_nul", "43475246020000000100000000000000120000000400000000000000", b_char_nul},
    {"valid/char_e_acute_U+E9", "434752460200000001000000000000001200000004000000e9000000",
     b_char_e_acute},
    {"valid/char_max_U+10FFFF", "434752460200000001000000000000001200000004000000ffff1000",
     b_char_max},
    {"valid/string_empty", "43475246020000000100000000000000060000000400000000000000",
     b_string_empty},
    {"valid/string_with_nul", "43475246020000000100000000000000060000000700000003000000610062",
     b_string_with_nul},
    {"valid/string_unicode",
     "4347524602000000010000000000000006000000160000001200000068c3a96c6c6f20e4b896e7958c20f09f8c8d",
     b_string_unicode},
    {"valid/flags_0b1011", "4347524602000000010000000000000013000000080000000b00000000000000",
     b_flags_0b1011},
    {"valid/flags_max", "434752460200000001000000000000001300000008000000ffffffffffffffff",
     b_flags_max},
    {"valid/tuple_s32_string",
     "43475246020000000300000002000000020000000400000007000000060000000500000001000000780b000000"
     "0c000000020000000000000001000000",
     b_tuple_s32_string},
    {"valid/tuple_nested",
     "434752460200000004000000030000000100000001000000010b0000000800000001000000000000000b000000"
     "04000000000000000b0000000c000000020000000100000002000000",
     b_tuple_nested},
    {"valid/list_s32_empty_array", "4347524602000000010000000000000015000000050000000200000000",
     b_list_s32_empty},
    {"valid/list_u8_bytes_array",
     "4347524602000000010000000000000015000000090000000c04000000deadbeef", b_list_u8_bytes},
    {"valid/list_s8_array", "4347524602000000010000000000000015000000070000001002000000ff7f",
     b_list_s8},
    {"valid/list_u16_array", "4347524602000000010000000000000015000000090000000d020000000100ffff",
     b_list_u16},
    {"valid/list_u32_array", "4347524602000000010000000000000015000000090000000e0100000004030201",
     b_list_u32},
    {"valid/list_u64_array",
     "4347524602000000010000000000000015000000150000000f020000000100000000000000ffffffffffffffff",
     b_list_u64},
    {"valid/list_f32_array",
     "43475246020000000100000000000000150000000d00000004020000000000003f000000c0", b_list_f32},
    {"valid/list_f64_array",
     "4347524602000000010000000000000015000000150000000502000000000000000000f03f000000000000f0ff",
     b_list_f64},
    {"valid/list_flags_array",
     "43475246020000000100000000000000150000000d00000013010000000500000000000000", b_list_flags},
    {"valid/list_string_a_b",
     "434752460200000003000000020000000600000005000000010000006106000000050000000100000062070000"
     "000d00000006020000000000000001000000",
     b_list_string_a_b},
    {"valid/list_of_list_s32",
     "43475246020000000300000002000000150000000900000002010000000100000015000000050000000200000000"
     "070000000e0000000702020000000000000001000000",
     b_list_of_list_s32},
    {"valid/list_of_tuple_type",
     "434752460200000004000000030000000600000005000000010000006b0c00000001000000010b0000000c0000"
     "00020000000000000001000000070000000f0000000b02000000060c0100000002000000",
     b_list_of_tuple_type},
    {"valid/option_none_s32", "434752460200000001000000000000000a000000020000000200",
     b_option_none_s32},
    {"valid/option_some_s32_7",
     "434752460200000002000000010000000200000004000000070000000a00000006000000020100000000",
     b_option_some_s32_7},
    {"valid/option_none_list_string", "434752460200000001000000000000000a00000003000000070600",
     b_option_none_list_string},
    {"valid/option_some_some_u8",
     "434752460200000003000000020000000c00000001000000010a000000060000000c01000000000a0000000700"
     "00000a0c0101000000",
     b_option_some_some_u8},
    {"valid/result_ok_s32_err_string",
     "43475246020000000200000001000000020000000400000001000000140000000b0000000206000000000100000000",
     b_result_ok_s32_err_string},
    {"valid/result_err_string",
     "43475246020000000200000001000000060000000700000003000000626164140000000b00000002060100000001"
     "00000000",
     b_result_err_string},
    {"valid/record_point_x1_y2",
     "43475246020000000300000002000000020000000400000001000000020000000400000002000000090000001f00"
     "000005000000706f696e7402000000010000007801000000790000000001000000",
     b_record_point},
    {"valid/record_empty",
     "43475246020000000100000000000000090000000d00000005000000656d70747900000000", b_record_empty},
    {"valid/variant_unit_case",
     "43475246020000000100000000000000080000001800000005000000636f6c6f72030000007265640000000000"
     "000000",
     b_variant_unit_case},
    {"valid/variant_enum_like_tag2",
     "43475246020000000100000000000000080000001900000005000000636f6c6f7204000000626c756502000000"
     "00000000",
     b_variant_enum_like_tag2},
    {"valid/variant_two_payloads",
     "434752460200000003000000020000000200000004000000010000000600000005000000010000007a08000000"
     "1f000000030000006d7367040000007061697203000000020000000000000001000000",
     b_variant_two_payloads},
    {"valid/variant_nested",
     "434752460200000003000000020000000c0000000100000009080000001d00000005000000696e6e657204000000"
     "6c656166010000000100000000000000080000001d000000050000006f75746572040000007772617000000000"
     "0100000001000000",
     b_variant_nested},
    {"valid/sexpr_num_42",
     "4347524602000000020000000100000003000000080000002a00000000000000080000001b000000040000006578"
     "7072030000006e756d010000000100000000000000",
     b_sexpr_num_42},
    {"valid/from_result_ok_i64_err_defaults_string",
     "4347524602000000020000000100000003000000080000000300000000000000140000000b00000003060000000001"
     "00000000",
     b_from_result_ok_i64},
    {"valid/from_result_err_str_ok_defaults_s32",
     "4347524602000000020000000100000006000000050000000100000065140000000b0000000206010000000100000000",
     b_from_result_err_str},
    {"valid/variant_tag_u32_max",
     "43475246020000000100000000000000080000001200000001000000740100000063ffffffff00000000",
     b_variant_tag_u32_max},
    {"valid/sexpr_list_plus_1_times_2_3", SEXPR_PLUS_HEX, b_sexpr_plus},
};

const size_t k_valid_count = sizeof(k_valid) / sizeof(k_valid[0]);
