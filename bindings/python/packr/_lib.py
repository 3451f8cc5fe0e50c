"""Loading libpackr and declaring the C prototypes (ctypes)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, c_bool, c_char_p, c_double, c_float, c_int8, c_int16,
                    c_int32, c_int64, c_size_t, c_uint8, c_uint16, c_uint32, c_uint64, c_void_p)
from pathlib import Path

__all__ = ["lib", "library_path", "HOST_FN", "FINALIZER"]


def _candidates():
    env = os.environ.get("PACKR_LIBRARY")
    if env:
        yield env
        return
    # bindings/python/packr/_lib.py -> the repository root is three levels up.
    repo = Path(__file__).resolve().parents[3]
    yield str(repo / "target" / "release" / "libpackr.so")
    found = ctypes.util.find_library("packr")
    if found:
        yield found
    yield "libpackr.so"


def _load():
    errors = []
    for cand in _candidates():
        if os.sep in cand and not os.path.exists(cand):
            errors.append(f"{cand}: no such file")
            continue
        try:
            return ctypes.CDLL(cand), cand
        except OSError as e:
            errors.append(f"{cand}: {e}")
    raise ImportError(
        "packr: cannot load libpackr (set PACKR_LIBRARY to the path of libpackr.so, or run "
        "`cargo build --release` in the repository): " + "; ".join(errors))


lib, library_path = _load()

# Opaque handles are plain c_void_p (Python int, or None for NULL).
_P = c_void_p
_PP = POINTER(c_void_p)
_R = c_uint32  # packr_result
_K = c_uint32  # packr_kind

HOST_FN = CFUNCTYPE(c_int32, c_void_p, c_void_p, c_size_t, c_void_p)
FINALIZER = CFUNCTYPE(None, c_void_p)

_PROTOTYPES = {
    # errors, bytes, version
    "packr_result_name": (c_char_p, [c_uint32]),
    "packr_version": (c_char_p, []),
    "packr_error_code": (_R, [_P]),
    "packr_error_message": (c_char_p, [_P]),
    "packr_error_free": (None, [_P]),
    "packr_bytes_data": (_P, [_P]),
    "packr_bytes_len": (c_size_t, [_P]),
    "packr_bytes_free": (None, [_P]),
    # builder
    "packr_builder_new": (_P, []),
    "packr_builder_free": (None, [_P]),
    "packr_builder_add_package": (_R, [_P, c_char_p, c_char_p, c_size_t, _PP]),
    "packr_builder_add_package_file": (_R, [_P, c_char_p, c_char_p, _PP]),
    "packr_builder_add_package_precompiled": (_R, [_P, c_char_p, c_char_p, c_size_t, _PP]),
    "packr_builder_add_package_precompiled_file": (_R, [_P, c_char_p, c_char_p, _PP]),
    "packr_package_precompile": (_R, [c_char_p, c_size_t, c_uint32, _PP, _PP]),
    "packr_package_precompile_file": (_R, [c_char_p, c_char_p, c_uint32, _PP]),
    "packr_builder_wire": (_R, [_P, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, _PP]),
    "packr_builder_wire_unchecked": (_R, [_P, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, _PP]),
    "packr_builder_add_host_function": (_R, [_P, c_char_p, c_char_p, HOST_FN, c_void_p, FINALIZER, _PP]),
    "packr_builder_set_fuel": (_R, [_P, c_uint64]),
    "packr_builder_set_timeout_ms": (_R, [_P, c_uint64]),
    "packr_builder_set_memory_limit": (_R, [_P, c_uint64]),
    "packr_builder_set_value_limits": (_R, [_P, c_uint64, c_uint64, c_uint64]),
    "packr_builder_build": (_R, [_P, _PP, _PP]),
    # composition, func
    "packr_composition_free": (None, [_P]),
    "packr_composition_call": (_R, [_P, c_char_p, c_char_p, c_char_p, c_size_t, _PP, _PP]),
    "packr_composition_func": (_R, [_P, c_char_p, c_char_p, _PP, _PP]),
    "packr_composition_types": (_R, [_P, c_char_p, _PP, _PP]),
    "packr_composition_signatures": (_R, [_P, c_char_p, _PP, _PP]),
    "packr_composition_package_count": (c_size_t, [_P]),
    "packr_composition_package_name": (c_char_p, [_P, c_size_t]),
    "packr_composition_interrupt": (None, [_P]),
    "packr_func_call": (_R, [_P, c_char_p, c_size_t, _PP, _PP]),
    "packr_func_free": (None, [_P]),
    "packr_host_reply_set_output": (_R, [_P, c_char_p, c_size_t]),
    "packr_host_reply_set_error": (_R, [_P, c_char_p]),
    # types
    "packr_type_list": (_R, [_P, _PP]),
    "packr_type_option": (_R, [_P, _PP]),
    "packr_type_result": (_R, [_P, _P, _PP]),
    "packr_type_tuple": (_R, [_PP, c_size_t, _PP]),
    "packr_type_record": (_R, [c_char_p, _PP]),
    "packr_type_variant": (_R, [c_char_p, _PP]),
    "packr_type_parse": (_R, [c_char_p, _PP, _PP]),
    "packr_type_to_text": (_R, [_P, _PP]),
    "packr_type_kind": (_K, [_P]),
    "packr_type_len": (c_size_t, [_P]),
    "packr_type_get": (_R, [_P, c_size_t, _PP]),
    "packr_type_name": (_R, [_P, _PP, POINTER(c_size_t)]),
    "packr_type_equal": (c_bool, [_P, _P]),
    "packr_type_clone": (_P, [_P]),
    "packr_type_free": (None, [_P]),
    # values
    "packr_value_decode": (_R, [c_char_p, c_size_t, _PP, _PP]),
    "packr_value_decode_limited": (_R, [c_char_p, c_size_t, c_uint64, c_uint64, c_uint64, _PP, _PP]),
    "packr_value_encode": (_R, [_P, _PP, _PP]),
    "packr_value_parse": (_R, [c_char_p, _PP, _PP]),
    "packr_value_to_text": (_R, [_P, _PP, _PP]),
    "packr_value_free": (None, [_P]),
    "packr_value_clone": (_P, [_P]),
    "packr_value_equal": (c_bool, [_P, _P]),
    "packr_value_kind": (_K, [_P]),
    "packr_value_char": (_R, [c_uint32, _PP]),
    "packr_value_string": (_R, [c_char_p, c_size_t, _PP]),
    "packr_value_as_char": (_R, [_P, POINTER(c_uint32)]),
    "packr_value_as_string": (_R, [_P, _PP, POINTER(c_size_t)]),
    "packr_value_tuple_new": (_P, []),
    "packr_value_list_new": (_R, [_P, _PP]),
    "packr_value_record_new": (_R, [c_char_p, _PP]),
    "packr_value_variant_new": (_R, [c_char_p, c_char_p, c_uint64, _PP]),
    "packr_value_push": (_R, [_P, _P]),
    "packr_value_record_push": (_R, [_P, c_char_p, _P]),
    "packr_value_option_some": (_R, [_P, _P, _PP]),
    "packr_value_option_none": (_R, [_P, _PP]),
    "packr_value_result_ok": (_R, [_P, _P, _P, _PP]),
    "packr_value_result_err": (_R, [_P, _P, _P, _PP]),
    "packr_value_len": (c_size_t, [_P]),
    "packr_value_get": (_P, [_P, c_size_t]),
    "packr_value_type_name": (_R, [_P, _PP, POINTER(c_size_t)]),
    "packr_value_case_name": (_R, [_P, _PP, POINTER(c_size_t)]),
    "packr_value_field_name": (_R, [_P, c_size_t, _PP, POINTER(c_size_t)]),
    "packr_value_tag": (_R, [_P, POINTER(c_uint64)]),
    "packr_value_is_err": (_R, [_P, POINTER(c_bool)]),
    "packr_value_elem_type": (_P, [_P]),
    "packr_value_ok_type": (_P, [_P]),
    "packr_value_err_type": (_P, [_P]),
    "packr_kind_name": (c_char_p, [c_uint32]),
    # maps and sets (CGRF v3), wire versions, generations
    "packr_type_map": (_R, [_P, _P, _PP]),
    "packr_type_set": (_R, [_P, _PP]),
    "packr_value_map_new": (_R, [_P, _P, _PP]),
    "packr_value_set_new": (_R, [_P, _PP]),
    "packr_value_map_insert": (_R, [_P, _P, _P, _PP]),
    "packr_value_set_insert": (_R, [_P, _P, _PP]),
    "packr_value_map_find": (_P, [_P, _P]),
    "packr_value_key_type": (_P, [_P]),
    "packr_value_value_type": (_P, [_P]),
    "packr_value_encode_version": (_R, [_P, c_uint32, _PP, _PP]),
    "packr_composition_package_generation": (c_uint32, [_P, c_char_p, POINTER(c_char_p)]),
    "packr_value_set_contains": (c_bool, [_P, _P]),
    "packr_generation_name": (c_char_p, [c_uint32]),
    # deferred host answers, started calls
    "packr_host_reply_defer": (_R, [_P, _PP]),
    "packr_completion_complete": (_R, [_P, c_char_p, c_size_t, _PP]),
    "packr_completion_fail": (_R, [_P, c_char_p, _PP]),
    "packr_completion_free": (None, [_P]),
    "packr_composition_call_start": (_R, [_P, c_char_p, c_char_p, c_char_p, c_size_t, _PP, _PP]),
    "packr_func_call_start": (_R, [_P, c_char_p, c_size_t, _PP, _PP]),
    "packr_call_poll": (_R, [_P, _PP, _PP]),
    "packr_call_wait": (_R, [_P, c_uint64, _PP, _PP]),
    "packr_call_is_pending": (c_bool, [_P]),
    "packr_call_fd": (c_int32, [_P]),
    "packr_call_free": (None, [_P]),
}

# Scalars: name -> ctypes type; constructors packr_value_<name>, accessors packr_value_as_<name>,
# type constructors packr_type_<name>.
SCALARS = {
    "bool": c_bool, "u8": c_uint8, "u16": c_uint16, "u32": c_uint32, "u64": c_uint64,
    "s8": c_int8, "s16": c_int16, "s32": c_int32, "s64": c_int64,
    "f32": c_float, "f64": c_double, "flags": c_uint64,
}
for _name, _ct in SCALARS.items():
    _PROTOTYPES[f"packr_value_{_name}"] = (_P, [_ct])
    _PROTOTYPES[f"packr_value_as_{_name}"] = (_R, [_P, POINTER(_ct)])
for _name in ["bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "char",
              "string", "flags"]:
    _PROTOTYPES[f"packr_type_{_name}"] = (_P, [])

for _fname, (_res, _args) in _PROTOTYPES.items():
    _f = getattr(lib, _fname)
    _f.restype = _res
    _f.argtypes = _args
