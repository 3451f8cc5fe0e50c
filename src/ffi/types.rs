//! `packr_type`: type descriptors (the element type of a list, the inner type of an option, the
//! two types of a result, ...), and `packr_kind`.

use super::boundary::{Fail, arg_out, arg_str, put};
use super::bytes::packr_bytes;
use super::error::packr_error;
use super::handle::{BoxCastable, box_out, cast_ref, is_view, take_box};
use super::result::packr_result;
use crate::value::{Kind, Type, text};
use std::ffi::c_char;

/// The kind of a value or of a type descriptor. `PACKR_KIND_NONE` (0) is what
/// `packr_value_kind(NULL)` and `packr_type_kind(NULL)` return; it is never a real kind.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum packr_kind {
    /// Not a kind: returned for NULL.
    None = 0,
    /// `bool`
    Bool = 1,
    /// `u8`
    U8 = 2,
    /// `u16`
    U16 = 3,
    /// `u32`
    U32 = 4,
    /// `u64`
    U64 = 5,
    /// `s8`
    S8 = 6,
    /// `s16`
    S16 = 7,
    /// `s32`
    S32 = 8,
    /// `s64`
    S64 = 9,
    /// `f32`
    F32 = 10,
    /// `f64`
    F64 = 11,
    /// `char` (a Unicode scalar value)
    Char = 12,
    /// `string` (UTF-8)
    String = 13,
    /// `list<T>`
    List = 14,
    /// `option<T>`
    Option = 15,
    /// `result<T, E>`
    Result = 16,
    /// `record` (named fields)
    Record = 17,
    /// `variant` (a tagged case with a payload)
    Variant = 18,
    /// `tuple`
    Tuple = 19,
    /// `flags` (a 64-bit mask)
    Flags = 20,
    /// `map<K, V>`: unique keys in canonical order (CGRF v3, packr-guest 0.24)
    Map = 21,
    /// `set<T>`: unique items in canonical order (CGRF v3, packr-guest 0.24)
    Set = 22,
}

impl super::boundary::PanicDefault for packr_kind {
    fn panic_default() -> Self {
        packr_kind::None
    }
}

impl From<Kind> for packr_kind {
    fn from(k: Kind) -> packr_kind {
        match k {
            Kind::Bool => packr_kind::Bool,
            Kind::U8 => packr_kind::U8,
            Kind::U16 => packr_kind::U16,
            Kind::U32 => packr_kind::U32,
            Kind::U64 => packr_kind::U64,
            Kind::S8 => packr_kind::S8,
            Kind::S16 => packr_kind::S16,
            Kind::S32 => packr_kind::S32,
            Kind::S64 => packr_kind::S64,
            Kind::F32 => packr_kind::F32,
            Kind::F64 => packr_kind::F64,
            Kind::Char => packr_kind::Char,
            Kind::String => packr_kind::String,
            Kind::List => packr_kind::List,
            Kind::Option => packr_kind::Option,
            Kind::Result => packr_kind::Result,
            Kind::Record => packr_kind::Record,
            Kind::Variant => packr_kind::Variant,
            Kind::Tuple => packr_kind::Tuple,
            Kind::Flags => packr_kind::Flags,
            Kind::Map => packr_kind::Map,
            Kind::Set => packr_kind::Set,
        }
    }
}

/// A type descriptor, as carried by list, option and result values (and nested inside other
/// descriptors). Immutable once built.
///
/// Owned handles (`packr_type *`) come from the `packr_type_*` constructors and are freed with
/// `packr_type_free`, or consumed by a function that says so (`packr_value_list_new`,
/// `packr_type_list`, ...). Borrowed views (`const packr_type *`) come from accessors such as
/// `packr_value_elem_type` and live as long as their owner; a function that consumes a type
/// refuses one with `PACKR_RESULT_INVALID_ARGUMENT`, and `packr_type_free` ignores it
/// (`packr_type_clone` makes an owned copy). Types are immutable, so any number of threads may
/// read one at once.
///
/// Methods: `packr_type_bool` ... `packr_type_flags`, `packr_type_list`, `packr_type_option`,
/// `packr_type_result`, `packr_type_tuple`, `packr_type_record`, `packr_type_variant`,
/// `packr_type_parse`, `packr_type_to_text`, `packr_type_kind`, `packr_type_len`,
/// `packr_type_get`, `packr_type_name`, `packr_type_equal`, `packr_type_clone`,
/// `packr_type_free`. (Under the hood: a `Box`.)
pub struct packr_type {
    _private: [u8; 0],
}

impl BoxCastable for packr_type {
    type Rust = Type;
    const VIEW_TAG: usize = 1;
}

/// The name of a kind as a static NUL-terminated string, as the text form spells it (`"s64"`,
/// `"list"`, `"record"`, ...); `"none"` for `PACKR_KIND_NONE` and any number that is not a kind.
/// Never free it. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_kind_name(kind: u32) -> *const c_char {
    ffi_boundary! {
        match Kind::from_u32(kind) {
            Some(k) => k.c_name().as_ptr(),
            None => c"none".as_ptr(),
        }
    }
}

/// Takes ownership of a type argument that the function consumes.
pub(crate) fn take_type(p: *mut packr_type, name: &str) -> Result<Type, Fail> {
    if is_view(p) {
        return Err(Fail::arg(format!(
            "{name} is a borrowed view (from packr_value_elem_type or similar) and cannot be consumed; pass an owned type (packr_type_clone makes one)"
        )));
    }
    take_box(p)
        .map(|b| *b)
        .ok_or_else(|| Fail::arg(format!("{name} is NULL")))
}

/// The type `bool`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_bool() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::bool()) }
}

/// The type `u8`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_u8() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::u8()) }
}

/// The type `u16`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_u16() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::u16()) }
}

/// The type `u32`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_u32() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::u32()) }
}

/// The type `u64`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_u64() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::u64()) }
}

/// The type `s8`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_s8() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::s8()) }
}

/// The type `s16`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_s16() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::s16()) }
}

/// The type `s32`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_s32() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::s32()) }
}

/// The type `s64`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_s64() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::s64()) }
}

/// The type `f32`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_f32() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::f32()) }
}

/// The type `f64`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_f64() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::f64()) }
}

/// The type `char`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_char() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::char()) }
}

/// The type `string`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_string() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::string()) }
}

/// The type `flags`. Returns a new type (free it with `packr_type_free`, or hand it to a function
/// that consumes it); NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_type_flags() -> *mut packr_type {
    ffi_boundary! { box_out::<packr_type>(Type::flags()) }
}

/// The type `list<elem>`.
///
/// Ownership: consumes `elem` on every return (also on failure). On success `*type_out` is a
/// new type for the caller. NULL `elem` or `type_out`: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_list(
    elem: *mut packr_type,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let elem = take_type(elem, "elem")?;
        arg_out(type_out, "type_out")?;
        put(type_out, box_out(Type::list(elem)));
        Ok(())
    })
}

/// The type `option<inner>`.
///
/// Ownership: consumes `inner` on every return. On success `*type_out` is a new type.
/// NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_option(
    inner: *mut packr_type,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let inner = take_type(inner, "inner")?;
        arg_out(type_out, "type_out")?;
        put(type_out, box_out(Type::option(inner)));
        Ok(())
    })
}

/// The type `result<ok, err>`.
///
/// Ownership: consumes `ok` and `err` on every return (each one that is not NULL). On success
/// `*type_out` is a new type. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_result(
    ok: *mut packr_type,
    err: *mut packr_type,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let ok = take_type(ok, "ok");
        let err = take_type(err, "err");
        let (ok, err) = (ok?, err?);
        arg_out(type_out, "type_out")?;
        put(type_out, box_out(Type::result(ok, err)));
        Ok(())
    })
}

/// The type `tuple<items[0], ..., items[count-1]>`; `count` 0 gives the unit type `tuple<>`.
///
/// Ownership: consumes every non-NULL `items[i]` on every return; the array itself stays the
/// caller's. `items` may be NULL when `count` is 0. A NULL item or `type_out`:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_tuple(
    items: *const *mut packr_type,
    count: usize,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        if items.is_null() && count > 0 {
            return Err(Fail::arg(format!("items is NULL but count is {count}")));
        }
        let ptrs: &[*mut packr_type] = if count == 0 {
            &[]
        } else {
            // SAFETY: C promises `count` readable pointers at `items`.
            unsafe { std::slice::from_raw_parts(items, count) }
        };
        // Take every item first, so all are consumed even when one is NULL or a view.
        let taken: Vec<Result<Type, Fail>> = (ptrs.iter().enumerate())
            .map(|(i, p)| take_type(*p, &format!("items[{i}]")))
            .collect();
        let types = taken.into_iter().collect::<Result<Vec<Type>, Fail>>()?;
        arg_out(type_out, "type_out")?;
        put(type_out, box_out(Type::tuple(&types)));
        Ok(())
    })
}

/// The type `record<name>` (only the record's type name is part of a type descriptor).
///
/// `name`: NUL-terminated UTF-8, borrowed for the call; may be empty. On success `*type_out`
/// is a new type. NULL or invalid UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_record(
    name: *const c_char,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let name = arg_str(name, "name")?;
        arg_out(type_out, "type_out")?;
        put(type_out, box_out(Type::record(name)));
        Ok(())
    })
}

/// The type `variant<name>`. Same rules as `packr_type_record`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_variant(
    name: *const c_char,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let name = arg_str(name, "name")?;
        arg_out(type_out, "type_out")?;
        put(type_out, box_out(Type::variant(name)));
        Ok(())
    })
}

/// Parses a type in the text form (`list<option<s32>>`, `record<point>`, `tuple<string, u8>`;
/// see README "Text form of values").
///
/// `text`: NUL-terminated UTF-8, borrowed for the call. On success `*type_out` is a new type.
/// Text that does not parse: `PACKR_RESULT_DECODE`, with the line and column in the error.
/// NULL or bad UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`. `error_out` may be NULL. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_parse(
    text: *const c_char,
    type_out: *mut *mut packr_type,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let text = arg_str(text, "text")?;
        arg_out(type_out, "type_out")?;
        let t = text::parse_type(text)
            .map_err(|e| Fail::new(packr_result::Decode, format!("type text: {e}")))?;
        put(type_out, box_out(t));
        Ok(())
    })
}

/// Prints a type in the text form. On success `*text_out` is a new `packr_bytes` (free it with
/// `packr_bytes_free`) holding UTF-8 followed by a NUL that `packr_bytes_len` does not count.
///
/// `t` is borrowed. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread, concurrently
/// with other readers of `t`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_to_text(
    t: *const packr_type,
    text_out: *mut *mut packr_bytes,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let t = cast_ref(t, "t")?;
        arg_out(text_out, "text_out")?;
        put(
            text_out,
            packr_bytes::from_vec(text::type_to_text(t).into_bytes()),
        );
        Ok(())
    })
}

/// The kind of a type (`PACKR_KIND_LIST` for `list<s32>`, ...). NULL: `PACKR_KIND_NONE`.
/// `t` is borrowed. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_type_kind(t: *const packr_type) -> packr_kind {
    ffi_boundary! {
        match cast_ref(t, "t") {
            Ok(t) => t.kind().into(),
            Err(_) => packr_kind::None,
        }
    }
}

/// Number of nested types: 1 for list, option and set, 2 for result (ok, err) and map (key,
/// value), the item count for a tuple, 0 otherwise and for NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_type_len(t: *const packr_type) -> usize {
    ffi_boundary! {
        match cast_ref(t, "t") {
            Ok(t) => t.child_count(),
            Err(_) => 0,
        }
    }
}

/// A copy of nested type `index` (see `packr_type_len`): the element of a list or set, the
/// inner type of an option, ok (0) or err (1) of a result, key (0) or value (1) of a map, item
/// `index` of a tuple.
///
/// Ownership: `t` is borrowed; on success `*type_out` is a new type the caller frees.
/// `index` out of range: `PACKR_RESULT_NOT_FOUND`. NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_get(
    t: *const packr_type,
    index: usize,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let t = cast_ref(t, "t")?;
        arg_out(type_out, "type_out")?;
        let kids = t.children();
        let k = kids.into_iter().nth(index).ok_or_else(|| {
            Fail::new(
                packr_result::NotFound,
                format!(
                    "type has {} nested types, no index {index}",
                    t.child_count()
                ),
            )
        })?;
        put(type_out, box_out(k));
        Ok(())
    })
}

/// The name of a `record<name>` or `variant<name>` type, as a borrowed UTF-8 view of
/// `*len_out` bytes (not NUL-terminated) valid while `t` lives.
///
/// Other kinds: `PACKR_RESULT_INVALID_ARGUMENT`. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`.
/// Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_name(
    t: *const packr_type,
    name_out: *mut *const c_char,
    len_out: *mut usize,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let t = cast_ref(t, "t")?;
        arg_out(name_out, "name_out")?;
        arg_out(len_out, "len_out")?;
        let n = t
            .name()
            .ok_or_else(|| Fail::arg(format!("a {} type has no name", t.kind().name())))?;
        put(name_out, n.as_ptr().cast());
        put(len_out, n.len());
        Ok(())
    })
}

/// True when both types are the same descriptor. NULL equals only NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_type_equal(a: *const packr_type, b: *const packr_type) -> bool {
    ffi_boundary! {
        match (cast_ref(a, "a"), cast_ref(b, "b")) {
            (Ok(a), Ok(b)) => a == b,
            (Err(_), Err(_)) => true,
            _ => false,
        }
    }
}

/// A new copy of `t` (borrowed). NULL `t` or out of memory: NULL. Free the copy with
/// `packr_type_free`. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_type_clone(t: *const packr_type) -> *mut packr_type {
    ffi_boundary! {
        match cast_ref(t, "t") {
            Ok(t) => box_out(t.clone()),
            Err(_) => std::ptr::null_mut(),
        }
    }
}

/// Frees an owned type. NULL and borrowed views (`const packr_type *` from an accessor such as
/// `packr_value_elem_type`) are ignored. Must not be called twice on the same owned type.
/// Threading: any thread, once no other thread uses the type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_type_free(t: *mut packr_type) {
    ffi_boundary! {
        drop(take_box(t));
    }
}
