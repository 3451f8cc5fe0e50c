//! Scalar values: constructors (`packr_value_bool` ... `packr_value_string`) and accessors
//! (`packr_value_as_bool` ... `packr_value_as_string`).

use super::boundary::{Fail, arg_bytes, arg_out, put};
use super::result::packr_result;
use super::value::{packr_value, wrong_kind};
use super::view::{new_value, vref};
use crate::value::{Str, Value};
use std::ffi::c_char;

/// A new `char` value. `scalar` must be a Unicode scalar value (at most 0x10FFFF and not a
/// surrogate), else `PACKR_RESULT_INVALID_ARGUMENT`. On success `*value_out` is a new value.
/// Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_char(
    scalar: u32,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        arg_out(value_out, "value_out")?;
        let c = char::from_u32(scalar)
            .ok_or_else(|| Fail::arg(format!("U+{scalar:04X} is not a Unicode scalar value")))?;
        put(value_out, new_value(Value::Char(c)));
        Ok(())
    })
}

/// A new `string` value holding a copy of `len` bytes of UTF-8 at `data` (which may contain
/// NUL bytes, and may be NULL when `len` is 0). Invalid UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`.
/// On success `*value_out` is a new value. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_string(
    data: *const c_char,
    len: usize,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let bytes = arg_bytes(data.cast(), len, "data")?;
        arg_out(value_out, "value_out")?;
        let s = std::str::from_utf8(bytes).map_err(|e| {
            Fail::arg(format!(
                "data is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        put(value_out, new_value(Value::String(Str::from(s))));
        Ok(())
    })
}

/// The `char` in `v` as a Unicode scalar value. Not a char: `PACKR_RESULT_INVALID_ARGUMENT`
/// (and `*out` is untouched). NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_char(v: *const packr_value, out: *mut u32) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("char")?;
        arg_out(out, "out")?;
        match &*v {
            Value::Char(c) => put(out, *c as u32),
            other => return Err(wrong_kind(other, "char")),
        }
        Ok(())
    })
}

/// A borrowed view of the string in `v`: `*data_out` points at `*len_out` bytes of UTF-8,
/// NOT NUL-terminated (strings may contain NUL), valid while `v`'s owner lives and is not
/// modified. Not a string: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_string(
    v: *const packr_value,
    data_out: *mut *const c_char,
    len_out: *mut usize,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?;
        arg_out(data_out, "data_out")?;
        arg_out(len_out, "len_out")?;
        match v.string() {
            Some(s) => {
                put(data_out, s.as_ptr().cast());
                put(len_out, s.len());
            }
            None => return Err(v.wrong_kind("string")),
        }
        Ok(())
    })
}

/// A new `bool` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_bool(x: bool) -> *mut packr_value {
    ffi_boundary! { new_value(Value::Bool(x)) }
}

/// A new `u8` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_u8(x: u8) -> *mut packr_value {
    ffi_boundary! { new_value(Value::U8(x)) }
}

/// A new `u16` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_u16(x: u16) -> *mut packr_value {
    ffi_boundary! { new_value(Value::U16(x)) }
}

/// A new `u32` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_u32(x: u32) -> *mut packr_value {
    ffi_boundary! { new_value(Value::U32(x)) }
}

/// A new `u64` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_u64(x: u64) -> *mut packr_value {
    ffi_boundary! { new_value(Value::U64(x)) }
}

/// A new `s8` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_s8(x: i8) -> *mut packr_value {
    ffi_boundary! { new_value(Value::S8(x)) }
}

/// A new `s16` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_s16(x: i16) -> *mut packr_value {
    ffi_boundary! { new_value(Value::S16(x)) }
}

/// A new `s32` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_s32(x: i32) -> *mut packr_value {
    ffi_boundary! { new_value(Value::S32(x)) }
}

/// A new `s64` value. Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_s64(x: i64) -> *mut packr_value {
    ffi_boundary! { new_value(Value::S64(x)) }
}

/// A new `f32` value (any bit pattern, NaN payloads included, is kept exactly). Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_f32(x: f32) -> *mut packr_value {
    ffi_boundary! { new_value(Value::F32(x)) }
}

/// A new `f64` value (any bit pattern, NaN payloads included, is kept exactly). Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_f64(x: f64) -> *mut packr_value {
    ffi_boundary! { new_value(Value::F64(x)) }
}

/// A new `flags` value (bit i set = flag i; flag names are not carried). Returns a new value (free it with `packr_value_free`, or
/// hand it to a function that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_flags(x: u64) -> *mut packr_value {
    ffi_boundary! { new_value(Value::Flags(x)) }
}

/// Reads the `bool` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_bool(
    v: *const packr_value,
    out: *mut bool,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("bool")?;
        arg_out(out, "out")?;
        match &*v {
            Value::Bool(x) => put(out, *x),
            other => return Err(wrong_kind(other, "bool")),
        }
        Ok(())
    })
}

/// Reads the `u8` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_u8(v: *const packr_value, out: *mut u8) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("u8")?;
        arg_out(out, "out")?;
        match &*v {
            Value::U8(x) => put(out, *x),
            other => return Err(wrong_kind(other, "u8")),
        }
        Ok(())
    })
}

/// Reads the `u16` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_u16(v: *const packr_value, out: *mut u16) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("u16")?;
        arg_out(out, "out")?;
        match &*v {
            Value::U16(x) => put(out, *x),
            other => return Err(wrong_kind(other, "u16")),
        }
        Ok(())
    })
}

/// Reads the `u32` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_u32(v: *const packr_value, out: *mut u32) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("u32")?;
        arg_out(out, "out")?;
        match &*v {
            Value::U32(x) => put(out, *x),
            other => return Err(wrong_kind(other, "u32")),
        }
        Ok(())
    })
}

/// Reads the `u64` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_u64(v: *const packr_value, out: *mut u64) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("u64")?;
        arg_out(out, "out")?;
        match &*v {
            Value::U64(x) => put(out, *x),
            other => return Err(wrong_kind(other, "u64")),
        }
        Ok(())
    })
}

/// Reads the `s8` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_s8(v: *const packr_value, out: *mut i8) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("s8")?;
        arg_out(out, "out")?;
        match &*v {
            Value::S8(x) => put(out, *x),
            other => return Err(wrong_kind(other, "s8")),
        }
        Ok(())
    })
}

/// Reads the `s16` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_s16(v: *const packr_value, out: *mut i16) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("s16")?;
        arg_out(out, "out")?;
        match &*v {
            Value::S16(x) => put(out, *x),
            other => return Err(wrong_kind(other, "s16")),
        }
        Ok(())
    })
}

/// Reads the `s32` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_s32(v: *const packr_value, out: *mut i32) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("s32")?;
        arg_out(out, "out")?;
        match &*v {
            Value::S32(x) => put(out, *x),
            other => return Err(wrong_kind(other, "s32")),
        }
        Ok(())
    })
}

/// Reads the `s64` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_s64(v: *const packr_value, out: *mut i64) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("s64")?;
        arg_out(out, "out")?;
        match &*v {
            Value::S64(x) => put(out, *x),
            other => return Err(wrong_kind(other, "s64")),
        }
        Ok(())
    })
}

/// Reads the `f32` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_f32(v: *const packr_value, out: *mut f32) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("f32")?;
        arg_out(out, "out")?;
        match &*v {
            Value::F32(x) => put(out, *x),
            other => return Err(wrong_kind(other, "f32")),
        }
        Ok(())
    })
}

/// Reads the `f64` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_f64(v: *const packr_value, out: *mut f64) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("f64")?;
        arg_out(out, "out")?;
        match &*v {
            Value::F64(x) => put(out, *x),
            other => return Err(wrong_kind(other, "f64")),
        }
        Ok(())
    })
}

/// Reads the `flags` in `v` into `*out`. `v` of another kind: `PACKR_RESULT_INVALID_ARGUMENT`
/// (no conversion between kinds; `*out` is untouched). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_as_flags(
    v: *const packr_value,
    out: *mut u64,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?.leaf("flags")?;
        arg_out(out, "out")?;
        match &*v {
            Value::Flags(x) => put(out, *x),
            other => return Err(wrong_kind(other, "flags")),
        }
        Ok(())
    })
}
