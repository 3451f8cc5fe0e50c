//! `packr_error`: a result code plus a message.

use super::boundary::Fail;
use super::result::packr_result;
use std::ffi::{CString, c_char};

/// Details of a failure: its result code and a human-readable message that says what went
/// wrong and where (package, function, byte offset, node, limit).
///
/// Created by libpackr and handed out through `packr_error **error_out` parameters; owned by
/// the caller, who frees it with `packr_error_free`. Under the hood it is a `Box`.
///
/// Methods: `packr_error_code`, `packr_error_message`, `packr_error_free`.
pub struct packr_error {
    code: packr_result,
    message: CString,
}

impl packr_error {
    pub(crate) fn from_fail(f: Fail) -> packr_error {
        // A message with an interior NUL would be cut short in C: show it as text instead.
        let text = if f.message.contains('\0') {
            f.message.replace('\0', "\\0")
        } else {
            f.message
        };
        let message = CString::new(text).unwrap_or_default();
        packr_error {
            code: f.code,
            message,
        }
    }
}

/// Writes `*error_out` (when error_out is not NULL): NULL on success, a new error on failure.
pub(crate) fn write_error(error_out: *mut *mut packr_error, fail: Option<Fail>) {
    if error_out.is_null() {
        return;
    }
    let p = match fail {
        None => std::ptr::null_mut(),
        Some(f) => Box::into_raw(Box::new(packr_error::from_fail(f))),
    };
    // SAFETY: error_out is non-NULL and, per the API contract, points at writable storage.
    unsafe { error_out.write(p) };
}

/// The result code of an error.
///
/// NULL: returns `PACKR_RESULT_INVALID_ARGUMENT`. Threading: any thread; an error is
/// immutable, so several threads may read it at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_error_code(e: *const packr_error) -> packr_result {
    ffi_boundary! {
        // SAFETY: a non-NULL pointer came from libpackr and has not been freed.
        match unsafe { e.as_ref() } {
            Some(e) => e.code,
            None => packr_result::InvalidArgument,
        }
    }
}

/// The error's message: NUL-terminated UTF-8, never NULL for a non-NULL error.
///
/// Lifetime: the string belongs to the error and stays valid until `packr_error_free(e)`.
/// NULL: returns the static string `""`. Threading: any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_error_message(e: *const packr_error) -> *const c_char {
    ffi_boundary! {
        // SAFETY: a non-NULL pointer came from libpackr and has not been freed.
        match unsafe { e.as_ref() } {
            Some(e) => e.message.as_ptr(),
            None => c"".as_ptr(),
        }
    }
}

/// Frees an error. NULL is fine (nothing happens). Must not be called twice on the same error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_error_free(e: *mut packr_error) {
    ffi_boundary! {
        if !e.is_null() {
            // SAFETY: e came from Box::into_raw in write_error and is freed once.
            drop(unsafe { Box::from_raw(e) });
        }
    }
}
