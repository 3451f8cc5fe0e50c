//! `packr_value`: build, inspect, encode, decode, print and parse values from C.

use super::boundary::{Fail, arg_bytes, arg_out, arg_str, put};
use super::bytes::packr_bytes;
use super::error::packr_error;
use super::handle::view_out;
use super::result::packr_result;
use super::types::{packr_kind, packr_type, take_type};
use super::view::{VRef, decode_out, free_value, new_value, value_mut_if, vref};
use crate::value::{self as v, Kind, Limits, Record, Str, Type, Value, text};
use std::ffi::c_char;

/// A value: one of the 22 kinds (`packr_kind`), possibly a tree of nested values.
///
/// Owned handles (`packr_value *`) come from decode, parse, the constructors and
/// `packr_value_clone`; free them with `packr_value_free`, or hand them to a function that
/// consumes them (`packr_value_push`, `packr_value_record_push`, `packr_value_option_some`, ...).
/// Borrowed views (`const packr_value *`) come from `packr_value_get` and
/// `packr_value_map_find`; they stay valid while the value that owns them lives and is not
/// modified (freeing one does nothing).
///
/// A value from `packr_value_decode` is read in place: it keeps one copy of the CGRF bytes and a
/// 24-byte entry per node, so decoding costs a handful of allocations however many nodes there
/// are, and the accessors read names, strings and numbers straight from the bytes. The first
/// function that modifies or consumes it (`packr_value_push`, `packr_value_option_some`, ...)
/// turns it into a tree of nodes once, keeping the same handle. Values built by the
/// constructors or `packr_value_parse` are trees from the start. Either way every operation
/// (free, clone, encode, print, compare) is iterative, so values nested a million levels deep
/// are safe.
///
/// A borrowed view (from `packr_value_get` or `packr_value_map_find`) cannot be modified or
/// consumed: functions that would do so return `PACKR_RESULT_INVALID_ARGUMENT` (use
/// `packr_value_clone` for an owned copy), and freeing one does nothing. A call refused for the
/// value's kind leaves a decoded value as it was, views included.
///
/// Threading: not thread-safe to modify; `const` functions on the same value may run on several
/// threads at once.
///
/// Methods: `packr_value_decode`, `packr_value_decode_limited`, `packr_value_encode`,
/// `packr_value_parse`, `packr_value_to_text`, `packr_value_kind`, the scalar constructors
/// `packr_value_bool` ... `packr_value_flags`, `packr_value_char`, `packr_value_string`, the
/// accessors `packr_value_as_*`, the containers `packr_value_tuple_new`, `packr_value_list_new`,
/// `packr_value_record_new`, `packr_value_variant_new`, `packr_value_push`,
/// `packr_value_record_push`, `packr_value_option_some`, `packr_value_option_none`,
/// `packr_value_result_ok`, `packr_value_result_err`, and `packr_value_len`, `packr_value_get`,
/// `packr_value_type_name`, `packr_value_case_name`, `packr_value_tag`,
/// `packr_value_field_name`, `packr_value_is_err`, `packr_value_elem_type`,
/// `packr_value_ok_type`, `packr_value_err_type`, `packr_value_equal`, `packr_value_clone`,
/// `packr_value_free`.
pub struct packr_value {
    _private: [u8; 0],
}

pub(crate) use super::view::take_value;

fn decode_fail(e: v::DecodeError) -> Fail {
    let code = if e.limit {
        packr_result::Limit
    } else {
        packr_result::Decode
    };
    Fail::new(code, format!("CGRF decode: {e}"))
}

fn decode_into(
    data: *const u8,
    len: usize,
    limits: &Limits,
    value_out: *mut *mut packr_value,
) -> Result<(), Fail> {
    let bytes = arg_bytes(data, len, "data")?;
    arg_out(value_out, "value_out")?;
    put(value_out, decode_out(bytes, limits).map_err(decode_fail)?);
    Ok(())
}

/// Decodes CGRF bytes into a new value: wire version 2 (packr-abi 0.5.4) or 3 (packr-abi 0.24,
/// which adds maps and sets; their keys must be unique and in canonical order, see README,
/// "Guest generations"). Default limits:
/// 16 MiB of input, 1,000,000 nodes, 1,000,000 levels of nesting (as packr-abi 0.5.4, which
/// has no depth limit).
///
/// Ownership: `data` is borrowed for the call (NULL is fine when `len` is 0). On success
/// `*value_out` is a new value; free it with `packr_value_free`.
/// Errors: malformed bytes give `PACKR_RESULT_DECODE` with a message naming the byte offset and
/// node (the same first error packr-abi 0.5.4 reports). `PACKR_RESULT_LIMIT` is returned for
/// everything that is a size cap rather than malformed data: input over 16 MiB, a header node
/// count over 1,000,000, a node payload over 8 MiB, a tuple or array of more than 1,000,000
/// items (packr-abi's own caps), nesting deeper than the depth limit, and a graph whose shared
/// nodes would expand beyond the node or byte limit. NULL `value_out`, or NULL `data` with `len` > 0:
/// `PACKR_RESULT_INVALID_ARGUMENT`. `error_out` may be NULL.
/// Time is linear in the decoded size and nothing recurses on the native stack. A value of two
/// or more nodes (without maps or sets) is read in place from a copy of `data` (see
/// `packr_value`): about twice the input's size in memory, and no allocation per node.
/// Threading: any thread, concurrently.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_decode(
    data: *const u8,
    len: usize,
    value_out: *mut *mut packr_value,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        decode_into(data, len, &Limits::default(), value_out)
    })
}

/// `packr_value_decode` with explicit limits; 0 means the default for that limit.
///
/// `max_bytes` bounds the input length (and what shared nodes may expand to), `max_nodes` the
/// node count (and the decoded node count), `max_depth` the nesting depth (a scalar at the
/// root has depth 1). Raising `max_bytes` or `max_nodes` above the defaults also lifts
/// packr-abi's per-node caps (8 MiB payload, 1,000,000 tuple or array items) to match.
/// Everything else is as `packr_value_decode`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_decode_limited(
    data: *const u8,
    len: usize,
    max_bytes: u64,
    max_nodes: u64,
    max_depth: u64,
    value_out: *mut *mut packr_value,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        decode_into(
            data,
            len,
            &Limits::with_defaults(max_bytes, max_nodes, max_depth),
            value_out,
        )
    })
}

/// Encodes a value as CGRF bytes, byte-for-byte as packr-abi 0.5.4 would (wire version 2), or,
/// when the value holds a map or a set (which version 2 cannot carry), as packr-abi 0.24 would
/// (version 3). `packr_value_encode_version` picks the version explicitly. Calls need no
/// particular version: `packr_composition_call` rewrites its input for the package it calls.
///
/// Ownership: `v` is borrowed. On success `*bytes_out` is a new `packr_bytes`; free it with
/// `packr_bytes_free`. A list whose element type is fixed-width (bool, integers, floats, char,
/// flags) but holds an item of another kind cannot be encoded: `PACKR_RESULT_ENCODE`, with the
/// path of the list (`root.2.0`) in the message. NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Threading: any thread, concurrently with other readers of `v`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_encode(
    v: *const packr_value,
    bytes_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let v = vref(v, "v")?.value()?;
        arg_out(bytes_out, "bytes_out")?;
        let mut out = Vec::new();
        v::encode_into(&v, &mut out)
            .map_err(|e| Fail::new(packr_result::Encode, format!("CGRF encode: {e}")))?;
        put(bytes_out, packr_bytes::from_vec(out));
        Ok(())
    })
}

/// Parses the text form of a value (see README, "Text form of values"), for example
/// `point{x: 1s32, y: 2s32}` or `expr::num#1(42)`.
///
/// Ownership: `text` (NUL-terminated UTF-8) is borrowed for the call. On success `*value_out` is
/// a new value. Text that does not parse: `PACKR_RESULT_DECODE`, with line and column in the
/// message. NULL or invalid UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`. Threading: any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_parse(
    text: *const c_char,
    value_out: *mut *mut packr_value,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let text = arg_str(text, "text")?;
        arg_out(value_out, "value_out")?;
        let value = text::parse(text)
            .map_err(|e| Fail::new(packr_result::Decode, format!("value text: {e}")))?;
        put(value_out, new_value(value));
        Ok(())
    })
}

/// Prints a value in the text form. Lossless: parsing the text gives a value that encodes to
/// exactly the same bytes (NaN payloads, variant tags and list element types included).
///
/// Ownership: `v` is borrowed. On success `*text_out` is a new `packr_bytes` holding UTF-8 with
/// no NUL byte inside, followed by a terminating NUL that `packr_bytes_len` does not count, so
/// `packr_bytes_data(text)` is a valid C string. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`.
/// Threading: any thread, concurrently with other readers of `v`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_to_text(
    v: *const packr_value,
    text_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let v = vref(v, "v")?.value()?;
        arg_out(text_out, "text_out")?;
        put(
            text_out,
            packr_bytes::from_vec(text::to_text(&v).into_bytes()),
        );
        Ok(())
    })
}

/// Frees an owned value and everything inside it. NULL and borrowed views (from
/// `packr_value_get` or `packr_value_map_find`) are ignored. Must not be called twice on the
/// same owned value. Threading: any thread, once no other thread uses the value or its views.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_free(v: *mut packr_value) {
    ffi_boundary! {
        free_value(v);
    }
}

/// A deep copy of `v` (borrowed; may be a view). NULL `v` or out of memory: NULL. Free the copy
/// with `packr_value_free`. Any thread, concurrently with other readers of `v`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_clone(v: *const packr_value) -> *mut packr_value {
    ffi_boundary! {
        vref(v, "v")
            .and_then(VRef::clone_out)
            .unwrap_or(std::ptr::null_mut())
    }
}

/// True when `a` and `b` are the same value: same kinds, types, names, tags and items, floats
/// compared by their bits (so a NaN equals the same NaN, and 0.0 differs from -0.0). NULL equals
/// only NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_equal(a: *const packr_value, b: *const packr_value) -> bool {
    ffi_boundary! {
        match (vref(a, "a"), vref(b, "b")) {
            (Ok(a), Ok(b)) => match (a.value(), b.value()) {
                (Ok(a), Ok(b)) => a.same(&b),
                _ => false,
            },
            (Err(_), Err(_)) => true,
            _ => false,
        }
    }
}

/// The kind of `v`; `PACKR_KIND_NONE` (0) for NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_kind(v: *const packr_value) -> packr_kind {
    ffi_boundary! {
        match vref(v, "v") {
            Ok(v) => v.kind().into(),
            Err(_) => packr_kind::None,
        }
    }
}

pub(crate) fn wrong_kind(v: &Value, want: &str) -> Fail {
    kind_error(v.kind(), want)
}

/// "the value is a list, not a record".
pub(crate) fn kind_error(k: Kind, want: &str) -> Fail {
    Fail::arg(format!("the value is a {}, not a {want}", k.name()))
}

/// A new empty tuple (the unit value `()` until items are pushed with `packr_value_push`).
/// NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_value_tuple_new() -> *mut packr_value {
    ffi_boundary! { new_value(Value::unit()) }
}

/// A new empty list with element type `elem_type`; add items with `packr_value_push`.
///
/// Ownership: consumes `elem_type` on every return. On success `*value_out` is a new value.
/// Items are not checked against the element type when pushed (packr 0.5.4 treats it as
/// advisory), except that a list with a fixed-width element type (bool, integers, floats,
/// char, flags) only encodes when every item has exactly that type. NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_list_new(
    elem_type: *mut packr_type,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let t = take_type(elem_type, "elem_type")?;
        arg_out(value_out, "value_out")?;
        put(value_out, new_value(Value::list(t, Vec::new())));
        Ok(())
    })
}

/// A new record with type name `type_name` (NUL-terminated UTF-8, borrowed, may be empty) and
/// no fields yet; add fields with `packr_value_record_push`. On success `*value_out` is a new
/// value. NULL or bad UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_record_new(
    type_name: *const c_char,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let name = arg_str(type_name, "type_name")?;
        arg_out(value_out, "value_out")?;
        put(value_out, new_value(Value::record(name, Vec::new())));
        Ok(())
    })
}

/// A new variant case `type_name::case_name` with tag `tag` and an empty payload; add payload
/// values with `packr_value_push` (a case may carry 0..n values).
///
/// `tag` is independent of `case_name` (nothing checks that they agree); CGRF carries tags as
/// 32 bits, so a tag above 4294967295 is truncated when encoded, as packr 0.5.4 does. Names are
/// NUL-terminated UTF-8, borrowed, may be empty. On success `*value_out` is a new value. NULL or
/// bad UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_variant_new(
    type_name: *const c_char,
    case_name: *const c_char,
    tag: u64,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let tn = arg_str(type_name, "type_name")?;
        let cn = arg_str(case_name, "case_name")?;
        arg_out(value_out, "value_out")?;
        put(
            value_out,
            new_value(Value::variant(tn, cn, tag, Vec::new())),
        );
        Ok(())
    })
}

/// Appends `item` to a list's items, a tuple's items, or a variant's payload.
///
/// Ownership: consumes `item` on every return (also on failure, when it is freed); `item` must
/// be an owned value, never a borrowed view. `container` must be an owned value; pushing
/// invalidates views previously taken of its children. Pushing a value into itself
/// (`item == container`) is refused with `PACKR_RESULT_INVALID_ARGUMENT` and consumes nothing.
/// `container` of another kind (use `packr_value_record_push` for records):
/// `PACKR_RESULT_INVALID_ARGUMENT`. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`.
/// Threading: needs exclusive access to `container`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_push(
    container: *mut packr_value,
    item: *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        if !item.is_null() && std::ptr::eq(item, container) {
            return Err(Fail::arg("cannot push a value into itself"));
        }
        let item = take_value(item, "item")?;
        let c = value_mut_if(
            container,
            "container",
            |k| matches!(k, Kind::List | Kind::Tuple | Kind::Variant),
            |k| {
                Fail::arg(format!(
                    "cannot push into a {} (lists, tuples and variants take items; use packr_value_record_push for records)",
                    k.name()
                ))
            },
        )?;
        match c {
            Value::List(l) => l.items.push(item),
            Value::Tuple(t) => t.push(item),
            Value::Variant(x) => x.payload.push(item),
            other => return Err(wrong_kind(other, "list, tuple or variant")),
        }
        Ok(())
    })
}

/// Appends field `name: value` to a record (field order is kept; duplicate names are allowed,
/// as in packr 0.5.4).
///
/// Ownership: consumes `value` on every return (it must be an owned value, not a view);
/// `name` (NUL-terminated UTF-8) is borrowed. `value == record` is refused with
/// `PACKR_RESULT_INVALID_ARGUMENT` and consumes nothing. `record` of another kind, NULL
/// arguments or bad UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`.
/// Threading: needs exclusive access to `record`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_record_push(
    record: *mut packr_value,
    name: *const c_char,
    value: *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        if !value.is_null() && std::ptr::eq(value, record) {
            return Err(Fail::arg("cannot push a record into itself"));
        }
        // The name is copied first: it may point into `value` or into `record`'s bytes.
        let name = arg_str(name, "name").map(Str::from);
        let value = take_value(value, "value")?;
        let name = name?;
        let not = |k| kind_error(k, "record");
        match value_mut_if(record, "record", |k| k == Kind::Record, not)? {
            Value::Record(r) => {
                let r: &mut Record = r;
                r.names.push(name);
                r.values.push(value);
            }
            other => return Err(wrong_kind(other, "record")),
        }
        Ok(())
    })
}

/// `some(value)` with inner type `inner_type`.
///
/// Ownership: consumes `inner_type` and `value` on every return. On success `*value_out` is a
/// new value. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_option_some(
    inner_type: *mut packr_type,
    value: *mut packr_value,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let t = take_type(inner_type, "inner_type");
        let x = take_value(value, "value");
        let (t, x) = (t?, x?);
        arg_out(value_out, "value_out")?;
        put(value_out, new_value(Value::option(t, Some(x))));
        Ok(())
    })
}

/// `none` with inner type `inner_type`. Ownership: consumes `inner_type` on every return. On
/// success `*value_out` is a new value. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_option_none(
    inner_type: *mut packr_type,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let t = take_type(inner_type, "inner_type")?;
        arg_out(value_out, "value_out")?;
        put(value_out, new_value(Value::option(t, None)));
        Ok(())
    })
}

fn make_result(
    ok_type: *mut packr_type,
    err_type: *mut packr_type,
    value: *mut packr_value,
    value_out: *mut *mut packr_value,
    is_err: bool,
) -> Result<(), Fail> {
    let ok = take_type(ok_type, "ok_type");
    let err = take_type(err_type, "err_type");
    let x = take_value(value, "value");
    let (ok, err, x) = (ok?, err?, x?);
    arg_out(value_out, "value_out")?;
    put(value_out, new_value(Value::result(ok, err, is_err, x)));
    Ok(())
}

/// `ok(value)` of type `result<ok_type, err_type>` (both types are always carried).
///
/// Ownership: consumes `ok_type`, `err_type` and `value` on every return. On success
/// `*value_out` is a new value. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_result_ok(
    ok_type: *mut packr_type,
    err_type: *mut packr_type,
    value: *mut packr_value,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        make_result(ok_type, err_type, value, value_out, false)
    })
}

/// `err(value)` of type `result<ok_type, err_type>`. Same rules as `packr_value_result_ok`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_result_err(
    ok_type: *mut packr_type,
    err_type: *mut packr_type,
    value: *mut packr_value,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        make_result(ok_type, err_type, value, value_out, true)
    })
}

/// Number of child values: list, tuple and set items, record fields, variant payload values,
/// 1 for `some` and for a result, twice the number of entries for a map (keys and values
/// interleaved: key i is child 2i, its value child 2i+1), 0 for `none`, scalars and NULL.
/// Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_len(v: *const packr_value) -> usize {
    ffi_boundary! {
        vref(v, "v").map_or(0, VRef::len)
    }
}

/// Child `index` of `v` (see `packr_value_len`): a list, tuple or set item, a record field's
/// value, a variant payload value, the payload of `some`, `ok` or `err`; for a map, key i at
/// 2i and its value at 2i+1 (or use `packr_value_map_find`).
///
/// Returns a borrowed view, valid while `v`'s owner lives and is not modified. A view reads
/// like any value, but functions that modify or consume values refuse it with
/// `PACKR_RESULT_INVALID_ARGUMENT` ("... is a borrowed view ..."), and `packr_value_free` on it
/// does nothing; `packr_value_clone` makes an owned copy. NULL `v` or `index` out of range:
/// NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_get(
    v: *const packr_value,
    index: usize,
) -> *const packr_value {
    ffi_boundary! {
        vref(v, "v").map_or(std::ptr::null(), |v| v.get(index))
    }
}

fn put_str(s: &str, data_out: *mut *const c_char, len_out: *mut usize) -> Result<(), Fail> {
    arg_out(data_out, "name_out")?;
    arg_out(len_out, "len_out")?;
    put(data_out, s.as_ptr().cast());
    put(len_out, s.len());
    Ok(())
}

/// The type name of a record or variant, as a borrowed UTF-8 view of `*len_out` bytes (not
/// NUL-terminated) valid while `v`'s owner lives and is not modified. Other kinds and NULL
/// arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_type_name(
    v: *const packr_value,
    name_out: *mut *const c_char,
    len_out: *mut usize,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?;
        match v.type_name() {
            Some(n) => put_str(n, name_out, len_out),
            None => Err(v.wrong_kind("record or variant")),
        }
    })
}

/// The case name of a variant, as a borrowed view (see `packr_value_type_name`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_case_name(
    v: *const packr_value,
    name_out: *mut *const c_char,
    len_out: *mut usize,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?;
        match v.case_name() {
            Some(n) => put_str(n, name_out, len_out),
            None => Err(v.wrong_kind("variant")),
        }
    })
}

/// The name of field `index` of a record, as a borrowed view (see `packr_value_type_name`); its
/// value is `packr_value_get(v, index)`. `index` out of range: `PACKR_RESULT_NOT_FOUND`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_field_name(
    v: *const packr_value,
    index: usize,
    name_out: *mut *const c_char,
    len_out: *mut usize,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?;
        match v.field_name(index) {
            Some(Ok(n)) => put_str(n, name_out, len_out),
            Some(Err(count)) => Err(Fail::new(
                packr_result::NotFound,
                format!("the record has {count} fields, no index {index}"),
            )),
            None => Err(v.wrong_kind("record")),
        }
    })
}

/// The tag of a variant. Other kinds and NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`.
/// Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_tag(v: *const packr_value, tag_out: *mut u64) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?;
        match v.variant_tag() {
            Some(t) => {
                arg_out(tag_out, "tag_out")?;
                put(tag_out, t);
                Ok(())
            }
            None => Err(v.wrong_kind("variant")),
        }
    })
}

/// Whether a result holds `err` (true) or `ok` (false); its payload is `packr_value_get(v, 0)`.
/// Other kinds and NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_is_err(
    v: *const packr_value,
    is_err_out: *mut bool,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let v = vref(v, "v")?;
        match v.is_err() {
            Some(e) => {
                arg_out(is_err_out, "is_err_out")?;
                put(is_err_out, e);
                Ok(())
            }
            None => Err(v.wrong_kind("result")),
        }
    })
}

/// The element type of a list or a set, or the inner type of an option, as a borrowed view valid while
/// `v`'s owner lives and is not modified (never free it; `packr_type_clone` makes an owned
/// copy). Other kinds and NULL: NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_elem_type(v: *const packr_value) -> *const packr_type {
    ffi_boundary! {
        type_view(v, VRef::elem_type)
    }
}

/// A borrowed view of the type `pick` finds in `v` (NULL for NULL `v` or when it finds none).
pub(crate) fn type_view<'a>(
    v: *const packr_value,
    pick: impl FnOnce(VRef<'a>) -> Option<&'a Type>,
) -> *const packr_type {
    vref(v, "v")
        .ok()
        .and_then(pick)
        .map_or(std::ptr::null(), view_out::<packr_type>)
}

/// The ok type of a result, as a borrowed view (see `packr_value_elem_type`). Other kinds and
/// NULL: NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_ok_type(v: *const packr_value) -> *const packr_type {
    ffi_boundary! {
        type_view(v, VRef::ok_type)
    }
}

/// The err type of a result, as a borrowed view (see `packr_value_elem_type`). Other kinds and
/// NULL: NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_err_type(v: *const packr_value) -> *const packr_type {
    ffi_boundary! {
        type_view(v, VRef::err_type)
    }
}
