//! `packr_builder`: packages, wiring, host functions and limits, then build.

use super::boundary::{Fail, arg_bytes, arg_out, arg_str, put};
use super::composition::{CompositionHandle, packr_composition, runtime_fail};
use super::error::packr_error;
use super::handle::{BoxCastable, box_out, cast_mut, take_box};
use super::host::{ForeignHostFn, OrphanUserData, packr_finalizer, packr_host_fn};
use super::result::packr_result;
use crate::runtime::Builder;
use crate::value::Limits;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// Collects packages, wires, host functions and limits; `packr_builder_build` turns it into a
/// `packr_composition` (and consumes it).
///
/// Created by `packr_builder_new`; freed by `packr_builder_free` or consumed by
/// `packr_builder_build`. Under the hood it is a `Box`. Not thread-safe: one thread at a time.
///
/// Methods: `packr_builder_new`, `packr_builder_add_package`, `packr_builder_add_package_file`,
/// `packr_builder_add_package_precompiled`, `packr_builder_add_package_precompiled_file`,
/// `packr_builder_wire`, `packr_builder_wire_unchecked`, `packr_builder_add_host_function`,
/// `packr_builder_set_fuel`, `packr_builder_set_timeout_ms`, `packr_builder_set_memory_limit`,
/// `packr_builder_set_value_limits`, `packr_builder_build`, `packr_builder_free`.
pub struct packr_builder {
    _private: [u8; 0],
}

impl BoxCastable for packr_builder {
    type Rust = Builder;
}

/// A new, empty builder. Free it with `packr_builder_free`, or hand it to `packr_builder_build`.
/// NULL only when out of memory. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_builder_new() -> *mut packr_builder {
    ffi_boundary! { box_out::<packr_builder>(Builder::new()) }
}

/// Frees a builder that was not built, with everything added to it (host functions registered
/// on it have their finalizers run, unless a composition still holds them). NULL is fine. Must
/// not be called twice, nor after `packr_builder_build` (which consumes the builder).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_builder_free(b: *mut packr_builder) {
    ffi_boundary! { drop(take_box(b)); }
}

/// Adds a package under `name` from `len` bytes of a WebAssembly module (a packr guest).
///
/// The bytes are borrowed for the call and compiled now, once per distinct module in the
/// process (later builders with the same bytes reuse the compiled code), so bytes that are not
/// valid wasm fail here with `PACKR_RESULT_COMPILE`. Package names must be unique; a duplicate
/// is reported by `packr_builder_build` (`PACKR_RESULT_LINK`). NULL arguments, an empty name or
/// bad UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`. Threading: exclusive access to `b`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_add_package(
    b: *mut packr_builder,
    name: *const c_char,
    wasm: *const u8,
    len: usize,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let b = cast_mut(b, "b")?;
        let name = arg_str(name, "name")?;
        let wasm = arg_bytes(wasm, len, "wasm")?;
        b.add_package(name, wasm).map_err(runtime_fail)
    })
}

/// Like `packr_builder_add_package`, reading the module from the file at `path`
/// (NUL-terminated UTF-8). A file that cannot be read: `PACKR_RESULT_IO`, naming the path and
/// the reason.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_add_package_file(
    b: *mut packr_builder,
    name: *const c_char,
    path: *const c_char,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let b = cast_mut(b, "b")?;
        let name = arg_str(name, "name")?;
        let path = arg_str(path, "path")?;
        let wasm = std::fs::read(path)
            .map_err(|e| Fail::new(packr_result::Io, format!("reading {path}: {e}")))?;
        b.add_package(name, &wasm).map_err(runtime_fail)
    })
}

/// Adds a package under `name` from a precompiled artifact (`len` bytes written by
/// `packr_package_precompile`), without compiling.
///
/// The artifact is checked now: its magic number, artifact format version, libpackr version
/// (it must be this library's exact version), length, xxh3-128 checksum, and that its code was
/// compiled for this machine's CPU features, target and wasmtime build (for the code of one
/// configuration now, plain if present; for the other when `packr_builder_build` first needs
/// it). Anything wrong fails with `PACKR_RESULT_COMPILE` and a message naming the problem (not
/// an artifact, another version, truncated, checksum mismatch, foreign engine); precompile the
/// package again. The
/// package then behaves exactly like one added from its wasm bytes (exports, metadata,
/// wiring, limits). If the composition sets a fuel limit and the artifact was made without
/// `PACKR_PRECOMPILE_FUEL` (or without `PACKR_PRECOMPILE_PLAIN` when it sets none),
/// `packr_builder_build` fails with `PACKR_RESULT_COMPILE` naming the missing configuration.
///
/// Trust: an artifact contains machine code that runs in this process. The checks detect
/// stale, foreign, truncated and accidentally corrupted files, not deliberate forgeries: load
/// only artifacts you (or someone you trust as much as libpackr itself) produced, and never
/// artifacts from the same untrusted source you would take wasm from.
///
/// `data` is borrowed for the call (it is copied; NULL is fine when `len` is 0, which is
/// `PACKR_RESULT_COMPILE`). Loading the same artifact again in the process reuses the code
/// already loaded. NULL `b` or `name`, an empty name or bad UTF-8:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Threading: exclusive access to `b`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_add_package_precompiled(
    b: *mut packr_builder,
    name: *const c_char,
    data: *const u8,
    len: usize,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let b = cast_mut(b, "b")?;
        let name = arg_str(name, "name")?;
        let data = arg_bytes(data, len, "data")?;
        b.add_package_precompiled(name, data).map_err(runtime_fail)
    })
}

/// Like `packr_builder_add_package_precompiled`, reading the artifact from the file at `path`
/// (NUL-terminated UTF-8, borrowed). A file that cannot be read: `PACKR_RESULT_IO`, naming the
/// path and the reason; anything wrong with its content: `PACKR_RESULT_COMPILE`, naming the
/// path. The same trust rule applies: the file's code runs in this process.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_add_package_precompiled_file(
    b: *mut packr_builder,
    name: *const c_char,
    path: *const c_char,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let b = cast_mut(b, "b")?;
        let name = arg_str(name, "name")?;
        let path = arg_str(path, "path")?;
        let data = std::fs::read(path)
            .map_err(|e| Fail::new(packr_result::Io, format!("reading {path}: {e}")))?;
        b.add_package_precompiled(name, &data).map_err(|e| {
            let mut f = runtime_fail(e);
            f.message = format!("{path}: {}", f.message);
            f
        })
    })
}

/// When package `target` calls its import `import_module`.`import_name`, run package `source`'s
/// export `source_export`. The result is checked (valid CGRF within the value limits) and
/// copied into memory the calling guest allocated, at any size.
///
/// Names are NUL-terminated UTF-8, borrowed. The names are checked by `packr_builder_build`,
/// which fails with `PACKR_RESULT_LINK` naming the culprit for an unknown package, export or
/// import, or an import wired twice. A wire takes precedence over a host function of the same
/// name for that target. Wiring cycles (A calls B calls A) are allowed; runaway recursion ends
/// in a stack-overflow trap. NULL arguments or bad UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`.
///
/// Typed wiring: when both packages carry `__pack_types` metadata, and the target's metadata
/// describes the import (interface `import_module`, function `import_name`) and the source's
/// describes an export named `source_export`, `packr_builder_build` checks that the two declared
/// signatures match: the same number of parameters and results, with types that are
/// structurally equal the way packr hashes them (parameter names and record/variant type names
/// do not matter; field names, case names and payloads do), where `value` and a generic type
/// parameter match any type. A mismatch fails the build with `PACKR_RESULT_LINK`, naming both
/// packages, both functions and both signatures. A package without metadata, or metadata that
/// does not describe the import or the export, is wired unchecked. To skip the check for one
/// wire, use `packr_builder_wire_unchecked`. Threading: exclusive access to `b`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_wire(
    b: *mut packr_builder,
    target: *const c_char,
    import_module: *const c_char,
    import_name: *const c_char,
    source: *const c_char,
    source_export: *const c_char,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let b = cast_mut(b, "b")?;
        let t = arg_str(target, "target")?;
        let m = arg_str(import_module, "import_module")?;
        let n = arg_str(import_name, "import_name")?;
        let s = arg_str(source, "source")?;
        let e = arg_str(source_export, "source_export")?;
        b.wire(t, m, n, s, e);
        Ok(())
    })
}

/// Exactly `packr_builder_wire`, without the typed-wiring check: `packr_builder_build` does not
/// compare the two packages' declared signatures for this wire (nor read their metadata for
/// it). Every other check (names exist, each import wired once) still applies. Use it when a
/// package's metadata is known to be wrong or unreadable, or to connect functions whose
/// declared types differ but whose values are compatible in practice; a value the export
/// cannot handle then fails at call time (usually `PACKR_RESULT_GUEST`). Same parameters,
/// ownership and threading rules as `packr_builder_wire`; NULL arguments or bad UTF-8:
/// `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_wire_unchecked(
    b: *mut packr_builder,
    target: *const c_char,
    import_module: *const c_char,
    import_name: *const c_char,
    source: *const c_char,
    source_export: *const c_char,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let b = cast_mut(b, "b")?;
        let t = arg_str(target, "target")?;
        let m = arg_str(import_module, "import_module")?;
        let n = arg_str(import_name, "import_name")?;
        let s = arg_str(source, "source")?;
        let e = arg_str(source_export, "source_export")?;
        b.wire_unchecked(t, m, n, s, e);
        Ok(())
    })
}

/// Registers a host function that every package importing `module`.`name` (and not wired
/// otherwise) calls. See `packr_host_fn` for how the callback is called and answers.
///
/// Ownership of `user_data` passes to libpackr on every return: `finalizer(user_data)` (when
/// not NULL) runs exactly once, before this function returns if it fails, otherwise when the
/// last builder, composition or func holding the function is freed, on whichever thread frees
/// it. libpackr never dereferences `user_data`; the callback and its data must be usable from
/// any thread, concurrently. A name registered twice fails at `packr_builder_build`
/// (`PACKR_RESULT_LINK`). NULL `b`, `module`, `name` or `callback`, or bad UTF-8:
/// `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_add_host_function(
    b: *mut packr_builder,
    module: *const c_char,
    name: *const c_char,
    callback: packr_host_fn,
    user_data: *mut c_void,
    finalizer: packr_finalizer,
    error_out: *mut *mut packr_error,
) -> packr_result {
    // Whatever happens below, user_data is owned from here on.
    let orphan = OrphanUserData(user_data, finalizer);
    ffi_result!(error_out, {
        let b = cast_mut(b, "b")?;
        let m = arg_str(module, "module")?;
        let n = arg_str(name, "name")?;
        let cb = callback.ok_or_else(|| Fail::arg("callback is NULL"))?;
        let (data, fin) = orphan.take();
        let f = ForeignHostFn::new(m.to_string(), n.to_string(), cb, data, fin);
        b.add_host_function(m, n, Arc::new(f));
        Ok(())
    })
}

fn with_builder(b: *mut packr_builder, f: impl FnOnce(&mut Builder)) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        f(cast_mut(b, "b")?);
        Ok(())
    })
}

/// Fuel per call (0 = unlimited, the default). Fuel counts executed wasm instructions across
/// every package a call reaches; running out fails the call with `PACKR_RESULT_LIMIT`.
/// Compositions with fuel use an engine that meters fuel (slower code); those without pay
/// nothing. NULL `b`: `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_set_fuel(
    b: *mut packr_builder,
    fuel_per_call: u64,
) -> packr_result {
    with_builder(b, |b| b.set_fuel(fuel_per_call))
}

/// Wall-clock limit per call in milliseconds (0 = none, the default). A call that runs longer
/// fails with `PACKR_RESULT_LIMIT` within about 2 ms of the deadline once wasm code is running
/// (time spent inside host callbacks is not interrupted). NULL `b`:
/// `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_set_timeout_ms(
    b: *mut packr_builder,
    ms_per_call: u64,
) -> packr_result {
    with_builder(b, |b| b.set_timeout_ms(ms_per_call))
}

/// Largest linear memory per package instance, in bytes (0 = none, the default). A
/// `memory.grow` beyond it fails the call with `PACKR_RESULT_LIMIT`. NULL `b`:
/// `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_set_memory_limit(
    b: *mut packr_builder,
    bytes_per_package: u64,
) -> packr_result {
    with_builder(b, |b| b.set_memory_limit(bytes_per_package))
}

/// Limits for values that packages and host functions hand to other guests (0 = the default
/// for that limit, as in `packr_value_decode_limited`). A result beyond them fails the call with
/// `PACKR_RESULT_LIMIT`, blaming the producer. NULL `b`: `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_set_value_limits(
    b: *mut packr_builder,
    max_bytes: u64,
    max_nodes: u64,
    max_depth: u64,
) -> packr_result {
    with_builder(b, |b| {
        b.set_value_limits(Limits::with_defaults(max_bytes, max_nodes, max_depth))
    })
}

/// Checks the wiring, instantiates every package once, and returns the composition.
///
/// A rebuild from modules that already instantiated cleanly in this process, without a fuel
/// limit, skips that first instantiation (the first call instantiates instead), so rebuilding
/// a composition costs tens of microseconds; everything that can differ between builds
/// (imports, signatures, the initial memory against the memory limit) is still checked here.
/// Each package's guest generation is told here too (see `packr_composition_package_generation`).
///
/// Consumed in this function call: `b` is freed on every return (success or failure, also when
/// `composition_out` is NULL) and must not be used again. On success `*composition_out` is a new
/// composition; free it with `packr_composition_free`. Failures: `PACKR_RESULT_LINK` for
/// duplicate package names, wires naming an unknown package, export or import, imports that
/// nothing provides, imports or exports with a non-packr signature, a package without an
/// exported `memory`, a wire whose two sides declare signatures that do not match (see
/// `packr_builder_wire`), and type metadata of a package on a checked wire that cannot be read
/// or does not decode (the message names the package; `packr_builder_wire_unchecked` skips
/// the check); `PACKR_RESULT_TRAP` or `PACKR_RESULT_LIMIT` when instantiation itself
/// fails; `PACKR_RESULT_COMPILE` when a precompiled package has no code for the composition's
/// configuration (fuel limit or not). The message names the culprit. Threading: exclusive access to `b`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_builder_build(
    b: *mut packr_builder,
    composition_out: *mut *mut packr_composition,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let b = take_box(b).ok_or_else(|| Fail::arg("b is NULL"))?;
        arg_out(composition_out, "composition_out")?;
        let c = b.build().map_err(runtime_fail)?;
        put(
            composition_out,
            box_out::<packr_composition>(CompositionHandle::new(c)),
        );
        Ok(())
    })
}
