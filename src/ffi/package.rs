//! `packr_package_precompile`: compile a package once and save its machine code, so that
//! `packr_builder_add_package_precompiled` can load it later without compiling.

use super::boundary::{Fail, arg_bytes, arg_out, arg_str, put};
use super::bytes::packr_bytes;
use super::composition::runtime_fail;
use super::error::packr_error;
use super::result::packr_result;
use crate::runtime::{PrecompileConfigs, precompile};
use std::ffi::c_char;

/// `packr_package_precompile` flag: include code without fuel metering, used by compositions
/// that have no fuel limit (`packr_builder_set_fuel` not called, or 0).
pub const PACKR_PRECOMPILE_PLAIN: u32 = 1;
/// `packr_package_precompile` flag: include fuel-metered code, used by compositions with a fuel
/// limit.
pub const PACKR_PRECOMPILE_FUEL: u32 = 2;
/// `packr_package_precompile` flags: code for every engine configuration (the artifact is about
/// twice the size of one configuration). Passing 0 means the same.
pub const PACKR_PRECOMPILE_ALL: u32 = PACKR_PRECOMPILE_PLAIN | PACKR_PRECOMPILE_FUEL;

fn configs(flags: u32) -> Result<PrecompileConfigs, Fail> {
    if flags & !PACKR_PRECOMPILE_ALL != 0 {
        return Err(Fail::arg(format!(
            "flags 0x{flags:x} has unknown bits; use PACKR_PRECOMPILE_PLAIN, PACKR_PRECOMPILE_FUEL or PACKR_PRECOMPILE_ALL"
        )));
    }
    let flags = if flags == 0 {
        PACKR_PRECOMPILE_ALL
    } else {
        flags
    };
    Ok(PrecompileConfigs {
        plain: flags & PACKR_PRECOMPILE_PLAIN != 0,
        fuel: flags & PACKR_PRECOMPILE_FUEL != 0,
    })
}

/// Compiles `len` bytes of a WebAssembly module (a packr guest) and returns a precompiled
/// artifact: the machine code for the engine configurations selected by `flags`
/// (`PACKR_PRECOMPILE_PLAIN`, `PACKR_PRECOMPILE_FUEL`, or `PACKR_PRECOMPILE_ALL` = 0), for
/// `packr_builder_add_package_precompiled`.
///
/// The artifact starts with a magic number and records the artifact format version, the
/// libpackr version, a hash of the wasmtime version, target, CPU features and compiler settings
/// of each configuration, and an xxh3-128 checksum. It loads only into the same libpackr
/// version on a compatible machine; loading checks all of this and fails with
/// `PACKR_RESULT_COMPILE` otherwise. Compiled code from the process-wide module cache is
/// reused, so precompiling a package that was already added costs only serialization.
///
/// `wasm` is borrowed for the call (NULL is fine when `len` is 0). On success
/// `*artifact_out` is a new `packr_bytes`; free it with `packr_bytes_free`. Bytes that are not
/// valid wasm: `PACKR_RESULT_COMPILE`. NULL `artifact_out`, or unknown bits in `flags`:
/// `PACKR_RESULT_INVALID_ARGUMENT`. Threading: any thread, concurrently.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_package_precompile(
    wasm: *const u8,
    len: usize,
    flags: u32,
    artifact_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let wasm = arg_bytes(wasm, len, "wasm")?;
        let configs = configs(flags)?;
        arg_out(artifact_out, "artifact_out")?;
        let a = precompile(wasm, configs).map_err(runtime_fail)?;
        put(artifact_out, packr_bytes::from_vec(a));
        Ok(())
    })
}

/// Like `packr_package_precompile`, reading the module from the file at `wasm_path` and
/// writing the artifact to the file at `artifact_path` (both NUL-terminated UTF-8, borrowed).
///
/// The artifact is written to a temporary file next to `artifact_path` and renamed into place,
/// so a reader never sees half an artifact and an existing file is replaced only on success.
/// A file that cannot be read or written: `PACKR_RESULT_IO`, naming the path and the reason.
/// Other failures as for `packr_package_precompile`. Threading: any thread; concurrent calls
/// must not write the same `artifact_path`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_package_precompile_file(
    wasm_path: *const c_char,
    artifact_path: *const c_char,
    flags: u32,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let wasm_path = arg_str(wasm_path, "wasm_path")?;
        let artifact_path = arg_str(artifact_path, "artifact_path")?;
        let configs = configs(flags)?;
        let wasm = std::fs::read(wasm_path)
            .map_err(|e| Fail::new(packr_result::Io, format!("reading {wasm_path}: {e}")))?;
        let a = precompile(&wasm, configs).map_err(runtime_fail)?;
        let tmp = format!("{artifact_path}.tmp{}", std::process::id());
        let written = std::fs::write(&tmp, &a).and_then(|()| std::fs::rename(&tmp, artifact_path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(Fail::new(
                packr_result::Io,
                format!("writing {artifact_path}: {e}"),
            ));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_select_configurations() {
        assert_eq!(configs(0).ok(), Some(PrecompileConfigs::default()));
        assert_eq!(
            configs(PACKR_PRECOMPILE_ALL).ok(),
            Some(PrecompileConfigs::default())
        );
        let p = configs(PACKR_PRECOMPILE_PLAIN).ok();
        assert!(p.is_some_and(|p| p.plain && !p.fuel));
        let f = configs(PACKR_PRECOMPILE_FUEL).ok();
        assert!(f.is_some_and(|f| !f.plain && f.fuel));
        assert_eq!(
            configs(4).err().map(|e| e.code),
            Some(packr_result::InvalidArgument)
        );
    }

    #[test]
    fn null_arguments_are_invalid() {
        let mut out: *mut packr_bytes = std::ptr::null_mut();
        let rc = unsafe {
            packr_package_precompile(std::ptr::null(), 3, 0, &mut out, std::ptr::null_mut())
        };
        assert_eq!(rc, packr_result::InvalidArgument);
        assert!(out.is_null());
        let rc = unsafe {
            packr_package_precompile_file(std::ptr::null(), c"x".as_ptr(), 0, std::ptr::null_mut())
        };
        assert_eq!(rc, packr_result::InvalidArgument);
    }
}
