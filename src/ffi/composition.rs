//! `packr_composition` and `packr_func`: calling packages.

use super::boundary::{Fail, arg_bytes, arg_out, arg_str, put};
use super::bytes::{OwnedBytes, packr_bytes};
use super::error::packr_error;
use super::handle::{BoxCastable, box_out, cast_ref, take_box};
use super::result::packr_result;
use crate::runtime::{Composition, Error, ErrorKind};
use std::ffi::{CString, c_char};

/// A built composition of packages, ready to call.
///
/// Created by `packr_builder_build`; freed by `packr_composition_free`. Under the hood it is a
/// `Box` holding a reference-counted runtime object that `packr_func`s share.
///
/// Thread safety: every function taking a `const packr_composition *` may be called from any
/// thread at the same time. Calls run in parallel: each call checks out its own set of package
/// instances (a pool; sequential calls reuse the same set, so package state persists between
/// them, while concurrent calls see separate instances). A host callback may call back into the
/// same composition; that call runs on a separate set of instances. A wiring cycle (A calls B
/// calls A) runs re-entrantly on the same instances. Nothing waits on a lock held across a call,
/// so none of this can deadlock.
///
/// After a trap (including fuel, timeout, interrupt and memory limits, and failed imports), the
/// instances that took part may be broken, so the set is discarded and the next call
/// re-instantiates every package of the composition; their in-memory state is lost, and the
/// error message says so. Guest errors (status -1) do not discard anything.
///
/// Methods: `packr_composition_call`, `packr_composition_call_start`, `packr_composition_func`,
/// `packr_composition_types`, `packr_composition_signature`, `packr_composition_signatures`,
/// `packr_composition_package_count`, `packr_composition_package_name`,
/// `packr_composition_package_generation`, `packr_composition_interrupt`,
/// `packr_composition_free`.
pub struct packr_composition {
    _private: [u8; 0],
}

pub(crate) struct CompositionHandle {
    comp: Composition,
    names: Vec<CString>,
}

impl CompositionHandle {
    pub(crate) fn new(comp: Composition) -> CompositionHandle {
        let names = comp
            .package_names()
            .map(|n| CString::new(n.replace('\0', "\\0")).unwrap_or_default())
            .collect();
        CompositionHandle { comp, names }
    }
}

/// The composition inside a handle.
pub(crate) fn handle_comp(h: &CompositionHandle) -> &Composition {
    &h.comp
}

/// The composition behind a handle.
pub(crate) fn comp_ref<'a>(c: *const packr_composition) -> Result<&'a Composition, Fail> {
    cast_ref(c, "c").map(|h: &CompositionHandle| &h.comp)
}

impl BoxCastable for packr_composition {
    type Rust = CompositionHandle;
}

/// A resolved export: call it many times without looking names up.
///
/// Created by `packr_composition_func`; freed by `packr_func_free`. It holds a reference to its
/// composition, which stays alive until both are freed (in any order). Under the hood it is a
/// `Box`. Thread-safe: `packr_func_call` may run on any thread, concurrently.
///
/// Methods: `packr_func_call`, `packr_func_free`.
pub struct packr_func {
    _private: [u8; 0],
}

pub(crate) struct FuncHandle {
    pub(super) comp: Composition,
    pub(super) pkg: usize,
    pub(super) export: usize,
}

impl BoxCastable for packr_func {
    type Rust = FuncHandle;
}

pub(crate) fn runtime_fail(e: Error) -> Fail {
    let code = match e.kind {
        ErrorKind::InvalidArgument => packr_result::InvalidArgument,
        ErrorKind::NotFound => packr_result::NotFound,
        ErrorKind::Compile => packr_result::Compile,
        ErrorKind::Link => packr_result::Link,
        ErrorKind::Trap => packr_result::Trap,
        ErrorKind::Guest => packr_result::Guest,
        ErrorKind::Host => packr_result::Host,
        ErrorKind::Decode => packr_result::Decode,
        ErrorKind::Encode => packr_result::Encode,
        ErrorKind::Limit => packr_result::Limit,
        ErrorKind::Interrupted => packr_result::Interrupted,
        ErrorKind::Io => packr_result::Io,
    };
    Fail::new(code, e.message)
}

/// Frees a composition. Calls running on other threads keep it alive until they return, and
/// `packr_func`s keep it alive until they are freed. NULL is fine; must not be called twice.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_composition_free(c: *mut packr_composition) {
    ffi_boundary! { drop(take_box(c)); }
}

/// The composition behind `c` and the indices of `package`.`export_name`.
pub(crate) fn resolve_args<'a>(
    c: *const packr_composition,
    package: *const c_char,
    export_name: *const c_char,
) -> Result<(&'a CompositionHandle, usize, usize), Fail> {
    let c = cast_ref(c, "c")?;
    let p = arg_str(package, "package")?;
    let e = arg_str(export_name, "export_name")?;
    let (pi, ei) = c.comp.resolve(p, e).map_err(runtime_fail)?;
    Ok((c, pi, ei))
}

#[inline(always)]
fn do_call(
    comp: &Composition,
    pkg: usize,
    export: usize,
    input: &[u8],
    output_out: *mut *mut packr_bytes,
) -> Result<(), Fail> {
    arg_out(output_out, "output_out")?;
    let out: OwnedBytes = comp.call_into(pkg, export, input).map_err(runtime_fail)?;
    put(output_out, out.into_raw());
    Ok(())
}

/// Calls export `export_name` of package `package` with `input_len` bytes of CGRF input and
/// returns the export's CGRF output.
///
/// `input` is borrowed for the call (NULL is fine when `input_len` is 0) and passed through
/// unchecked, in CGRF v2 or v3, rewritten for the wire version of the package called (see
/// README, "Guest generations"): the guest decodes it and reports problems as
/// `PACKR_RESULT_GUEST`. Only a v3 input holding maps or sets, which a packr-guest 0.5.4
/// package must receive in their v2 shape, is decoded by libpackr first: if that fails,
/// `PACKR_RESULT_DECODE` (or `PACKR_RESULT_LIMIT`). On success
/// `*output_out` is a new `packr_bytes` (free with `packr_bytes_free`). Failures:
/// `PACKR_RESULT_NOT_FOUND` (unknown package or export; the message lists what exists),
/// `PACKR_RESULT_GUEST` (the guest returned an error; its message is included),
/// `PACKR_RESULT_TRAP` (the guest trapped, or returned an out-of-bounds result),
/// `PACKR_RESULT_HOST` (a host function failed), `PACKR_RESULT_DECODE` (a package or host
/// function handed invalid CGRF to another guest), `PACKR_RESULT_LIMIT` (fuel, timeout, memory
/// or value limit), `PACKR_RESULT_INTERRUPTED`. Messages name every package and function on the
/// way. Threading: any thread, concurrently (see `packr_composition`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_composition_call(
    c: *const packr_composition,
    package: *const c_char,
    export_name: *const c_char,
    input: *const u8,
    input_len: usize,
    output_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let input = arg_bytes(input, input_len, "input")?;
        arg_out(output_out, "output_out")?;
        let (c, pi, ei) = resolve_args(c, package, export_name)?;
        do_call(&c.comp, pi, ei, input, output_out)
    })
}

/// Resolves `package`.`export_name` once, for fast repeated calls with `packr_func_call`.
///
/// On success `*func_out` is a new `packr_func` (free with `packr_func_free`); it keeps the
/// composition alive. Unknown names: `PACKR_RESULT_NOT_FOUND`. NULL arguments or bad UTF-8:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_composition_func(
    c: *const packr_composition,
    package: *const c_char,
    export_name: *const c_char,
    func_out: *mut *mut packr_func,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        arg_out(func_out, "func_out")?;
        let (c, pkg, export) = resolve_args(c, package, export_name)?;
        put(
            func_out,
            box_out::<packr_func>(FuncHandle {
                comp: c.comp.clone(),
                pkg,
                export,
            }),
        );
        Ok(())
    })
}

/// Calls a resolved export; same contract as `packr_composition_call`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_func_call(
    f: *const packr_func,
    input: *const u8,
    input_len: usize,
    output_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let f = cast_ref(f, "f")?;
        let input = arg_bytes(input, input_len, "input")?;
        do_call(&f.comp, f.pkg, f.export, input, output_out)
    })
}

/// Frees a func (and its reference to the composition). NULL is fine; must not be called twice.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_func_free(f: *mut packr_func) {
    ffi_boundary! { drop(take_box(f)); }
}

/// The embedded type metadata of a package: the CGRF bytes its `__pack_types` export returns
/// (a `package-metadata` record; decode it with `packr_value_decode`): CGRF v2 for packr-guest
/// 0.5.4 packages, v3 for 0.24 ones, whose metadata may also hold `type-params`, `ref`, `map`
/// and `set` type descriptors (docs/generations.md). `packr_composition_signatures` prints it
/// as text.
///
/// On success `*metadata_out` is a new `packr_bytes`. A package without `__pack_types`, or an
/// unknown package: `PACKR_RESULT_NOT_FOUND`. The metadata is read once and cached. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_composition_types(
    c: *const packr_composition,
    package: *const c_char,
    metadata_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let c = cast_ref(c, "c")?;
        let p = arg_str(package, "package")?;
        arg_out(metadata_out, "metadata_out")?;
        let idx =
            c.comp.package_names().position(|n| n == p).ok_or_else(|| {
                Fail::new(packr_result::NotFound, format!("no package named {p:?}"))
            })?;
        match c.comp.types(idx).map_err(runtime_fail)? {
            Some(bytes) => put(metadata_out, packr_bytes::from_vec(bytes)),
            None => {
                return Err(Fail::new(
                    packr_result::NotFound,
                    format!("package {p} has no embedded type metadata (no __pack_types export)"),
                ));
            }
        }
        Ok(())
    })
}

/// Number of packages in the composition (0 for NULL). Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_composition_package_count(c: *const packr_composition) -> usize {
    ffi_boundary! {
        cast_ref(c, "c").map(|c| c.names.len()).unwrap_or(0)
    }
}

/// Name of package `index` (in the order they were added), as a NUL-terminated UTF-8 string
/// owned by the composition and valid until `packr_composition_free`. NULL `c` or `index` out of
/// range: NULL. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_composition_package_name(
    c: *const packr_composition,
    index: usize,
) -> *const c_char {
    ffi_boundary! {
        match cast_ref(c, "c") {
            Ok(c) => c.names.get(index).map_or(std::ptr::null(), |n| n.as_ptr()),
            Err(_) => std::ptr::null(),
        }
    }
}

/// Stops the calls running in this composition at this moment, including nested cross-package
/// calls: they return `PACKR_RESULT_INTERRUPTED` as soon as their wasm code next checks (loop
/// back-edges and function entries; a running host callback is not interrupted). Not sticky:
/// with nothing running it does nothing, and later calls run normally. Works without any limit
/// set. Thread-safe: call it from any thread, also while other threads are calling. NULL: no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_composition_interrupt(c: *const packr_composition) {
    ffi_boundary! {
        if let Ok(c) = cast_ref(c, "c") {
            c.comp.interrupt();
        }
    }
}
