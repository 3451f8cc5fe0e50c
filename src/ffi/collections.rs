//! Maps and sets (CGRF v3, packr-guest 0.24), explicit wire versions, and guest generations.

use super::boundary::{Fail, arg_out, arg_str, put};
use super::bytes::packr_bytes;
use super::composition::packr_composition;
use super::error::packr_error;
use super::handle::box_out;
use super::result::packr_result;
use super::types::{packr_type, take_type};
use super::value::{kind_error, packr_value, take_value, type_view};
use super::view::{VRef, new_value, value_mut_if, value_ptr, vref};
use crate::runtime::Generation;
use crate::value::{Kind, Type, Value, canonical_cmp, encode_version};
use std::cmp::Ordering;
use std::ffi::c_char;

/// The type `map<key, value>` (CGRF v3).
///
/// Ownership: consumes `key` and `value` on every return (each one that is not NULL). On
/// success `*type_out` is a new type. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any
/// thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_map(
    key: *mut packr_type,
    value: *mut packr_type,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let k = take_type(key, "key");
        let v = take_type(value, "value");
        let (k, v) = (k?, v?);
        arg_out(type_out, "type_out")?;
        put(type_out, box_out(Type::map(k, v)));
        Ok(())
    })
}

/// The type `set<elem>` (CGRF v3).
///
/// Ownership: consumes `elem` on every return. On success `*type_out` is a new type. NULL
/// arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_type_set(
    elem: *mut packr_type,
    type_out: *mut *mut packr_type,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let e = take_type(elem, "elem")?;
        arg_out(type_out, "type_out")?;
        put(type_out, box_out(Type::set(e)));
        Ok(())
    })
}

/// A new empty map of type `map<key_type, value_type>`; add entries with
/// `packr_value_map_insert`. A map keeps its keys unique and in canonical order (the order of
/// Rust's `BTreeMap`, which packr-guest 0.24 builds maps from; see README, "Maps and sets").
///
/// Ownership: consumes `key_type` and `value_type` on every return. On success `*value_out` is
/// a new value. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_map_new(
    key_type: *mut packr_type,
    value_type: *mut packr_type,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let k = take_type(key_type, "key_type");
        let v = take_type(value_type, "value_type");
        let (k, v) = (k?, v?);
        arg_out(value_out, "value_out")?;
        put(value_out, new_value(Value::map(k, v, Vec::new())));
        Ok(())
    })
}

/// A new empty set of type `set<elem_type>`; add items with `packr_value_set_insert`. Items stay
/// unique and in canonical order.
///
/// Ownership: consumes `elem_type` on every return. On success `*value_out` is a new value.
/// NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_set_new(
    elem_type: *mut packr_type,
    value_out: *mut *mut packr_value,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let t = take_type(elem_type, "elem_type")?;
        arg_out(value_out, "value_out")?;
        put(value_out, new_value(Value::set(t, Vec::new())));
        Ok(())
    })
}

/// Where `key` belongs among the keys `items[0], items[stride], ...`: Ok(entry index) to insert
/// at, or Err(index) of an equal key.
fn position(items: &[Value], stride: usize, key: &Value) -> Result<usize, usize> {
    let n = items.len() / stride;
    let (mut lo, mut hi) = (0usize, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match canonical_cmp(&items[mid * stride], key) {
            Ordering::Less => lo = mid + 1,
            Ordering::Greater => hi = mid,
            Ordering::Equal => return Err(mid),
        }
    }
    Ok(lo)
}

/// Inserts the entry `key: value` into a map, at the position its key takes in canonical order
/// (entries may be inserted in any order).
///
/// Ownership: consumes `key` and `value` on every return (also on failure, when they are
/// freed); both must be owned values, never views, and neither may be `map` itself. A key equal
/// to one already in the map: `PACKR_RESULT_INVALID_ARGUMENT`, with the key in the text form in
/// the message (maps never hold duplicate keys). `map` of another kind or NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Inserting invalidates views of `map`'s children.
/// Threading: needs exclusive access to `map`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_map_insert(
    map: *mut packr_value,
    key: *mut packr_value,
    value: *mut packr_value,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        if (!key.is_null() && std::ptr::eq(key, map))
            || (!value.is_null() && std::ptr::eq(value, map))
        {
            return Err(Fail::arg("cannot insert a map into itself"));
        }
        let k = take_value(key, "key");
        let v = take_value(value, "value");
        let (k, v) = (k?, v?);
        let not = |k| kind_error(k, "map");
        let Value::Map(m) = value_mut_if(map, "map", |k| k == Kind::Map, not)? else {
            return Err(Fail::internal("a map changed kind"));
        };
        match position(&m.items, 2, &k) {
            Ok(i) => {
                m.items.splice(2 * i..2 * i, [k, v]);
                Ok(())
            }
            Err(i) => Err(Fail::arg(format!(
                "the map already has the key {} (entry {i}); map keys must be unique",
                short_text(&m.items[2 * i])
            ))),
        }
    })
}

/// Inserts `item` into a set, at its position in canonical order.
///
/// Ownership: consumes `item` on every return (also on failure); it must be an owned value
/// and not `set` itself. An item equal to one already in the set:
/// `PACKR_RESULT_INVALID_ARGUMENT` (sets never hold duplicates). `set` of another kind or NULL
/// arguments: `PACKR_RESULT_INVALID_ARGUMENT`. Threading: needs exclusive access to `set`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_set_insert(
    set: *mut packr_value,
    item: *mut packr_value,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        if !item.is_null() && std::ptr::eq(item, set) {
            return Err(Fail::arg("cannot insert a set into itself"));
        }
        let x = take_value(item, "item")?;
        let not = |k| kind_error(k, "set");
        let Value::Set(s) = value_mut_if(set, "set", |k| k == Kind::Set, not)? else {
            return Err(Fail::internal("a set changed kind"));
        };
        match position(&s.items, 1, &x) {
            Ok(i) => {
                s.items.insert(i, x);
                Ok(())
            }
            Err(i) => Err(Fail::arg(format!(
                "the set already has {} (item {i}); set items must be unique",
                short_text(&s.items[i])
            ))),
        }
    })
}

/// The text form of a value, cut at about 80 bytes, for messages.
fn short_text(v: &Value) -> String {
    let mut s = crate::value::to_text(v);
    if s.len() > 80 {
        let mut cut = 77;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

/// True if `set` holds an item equal to `item` (a binary search in canonical order). `item` is
/// borrowed. `set` of another kind, or NULL arguments: false. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_set_contains(
    set: *const packr_value,
    item: *const packr_value,
) -> bool {
    ffi_boundary! {
        // Decoded documents never hold sets: a set is always a tree.
        match (vref(set, "set").map(VRef::tree), vref(item, "item").and_then(VRef::value)) {
            (Ok(Some(Value::Set(s))), Ok(x)) => position(&s.items, 1, &x).is_err(),
            _ => false,
        }
    }
}

/// The value stored under `key` in a map (a binary search in canonical order), as a borrowed
/// view valid while the map's owner lives and is not modified (see `packr_value_get`). No such key,
/// `map` of another kind, or NULL arguments: NULL. `key` is borrowed. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_map_find(
    map: *const packr_value,
    key: *const packr_value,
) -> *const packr_value {
    ffi_boundary! {
        // Decoded documents never hold maps: a map is always a tree.
        match (vref(map, "map").map(VRef::tree), vref(key, "key").and_then(VRef::value)) {
            (Ok(Some(Value::Map(m))), Ok(k)) => match position(&m.items, 2, &k) {
                Err(i) => value_ptr(&m.items[2 * i + 1]),
                Ok(_) => std::ptr::null(),
            },
            _ => std::ptr::null(),
        }
    }
}

/// The key type of a map, as a borrowed view (see `packr_value_elem_type`). Other kinds and
/// NULL: NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_key_type(v: *const packr_value) -> *const packr_type {
    ffi_boundary! {
        type_view(v, |v| match v.tree() {
            Some(Value::Map(m)) => Some(&m.key_type),
            _ => None,
        })
    }
}

/// The value type of a map, as a borrowed view (see `packr_value_elem_type`). Other kinds and
/// NULL: NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_value_value_type(v: *const packr_value) -> *const packr_type {
    ffi_boundary! {
        type_view(v, |v| match v.tree() {
            Some(Value::Map(m)) => Some(&m.value_type),
            _ => None,
        })
    }
}

/// Encodes a value as CGRF wire version `version`: 2 (packr-abi 0.5.4) or 3 (packr-abi 0.24).
/// For version 2, maps and sets are written as packr 0.5.4 writes a `BTreeMap` and a
/// `BTreeSet`: a list of `(key, value)` tuples and a list (also inside type descriptors).
///
/// Ownership: `v` is borrowed. On success `*bytes_out` is a new `packr_bytes`. Another
/// `version`: `PACKR_RESULT_INVALID_ARGUMENT`. A value that cannot be encoded:
/// `PACKR_RESULT_ENCODE` (see `packr_value_encode`). NULL arguments:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Threading: any thread, concurrently with other readers of `v`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_value_encode_version(
    v: *const packr_value,
    version: u32,
    bytes_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let v = vref(v, "v")?.value()?;
        arg_out(bytes_out, "bytes_out")?;
        let version = match version {
            2 => 2u16,
            3 => 3u16,
            other => {
                return Err(Fail::arg(format!(
                    "version {other} is not a CGRF version libpackr writes (2 or 3)"
                )));
            }
        };
        let out = encode_version(&v, version)
            .map_err(|e| Fail::new(packr_result::Encode, format!("CGRF encode: {e}")))?;
        put(bytes_out, packr_bytes::from_vec(out));
        Ok(())
    })
}

/// The packr guest SDK generation that built a package.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum packr_generation {
    /// Not a generation: returned for NULL or an unknown package.
    Unknown = 0,
    /// packr-guest 0.5.4: speaks CGRF v2; import results are host-owned (status 0).
    V0_5 = 1,
    /// packr-guest 0.24 (and C packages built with guest/packr_guest.h): speaks CGRF v3 with
    /// maps and sets; import results are guest-owned `__pack_alloc` buffers (status 1).
    V0_24 = 2,
}

impl super::boundary::PanicDefault for packr_generation {
    fn panic_default() -> Self {
        packr_generation::Unknown
    }
}

/// A short name of a generation as a static NUL-terminated string: "0.5", "0.24", or "unknown"
/// for `PACKR_GENERATION_UNKNOWN` and numbers that are not a `packr_generation`. Never free it.
/// Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_generation_name(generation: u32) -> *const c_char {
    ffi_boundary! {
        match generation {
            1 => c"0.5".as_ptr(),
            2 => c"0.24".as_ptr(),
            _ => c"unknown".as_ptr(),
        }
    }
}

/// The generation of package `package` (NUL-terminated UTF-8, borrowed), told from its module
/// when it was built (see docs/generations.md), and optionally how it was told:
/// `*evidence_out`, if not NULL, receives a static NUL-terminated string such as "its embedded
/// metadata is CGRF v3" (never free it). NULL `c` or `package`, or no such package:
/// `PACKR_GENERATION_UNKNOWN`. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_composition_package_generation(
    c: *const packr_composition,
    package: *const c_char,
    evidence_out: *mut *const c_char,
) -> packr_generation {
    ffi_boundary! {
        let found = match (super::composition::comp_ref(c), arg_str(package, "package")) {
            (Ok(comp), Ok(name)) => comp
                .resolve_package(name)
                .and_then(|p| comp.detection(p)),
            _ => None,
        };
        match found {
            None => packr_generation::Unknown,
            Some(d) => {
                if !evidence_out.is_null() {
                    put(evidence_out, d.evidence.as_ptr());
                }
                match d.generation {
                    Generation::V0_5 => packr_generation::V0_5,
                    Generation::V0_24 => packr_generation::V0_24,
                }
            }
        }
    }
}
