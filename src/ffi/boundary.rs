//! The panic boundary and argument-checking helpers shared by every exported function.

use super::error::{packr_error, write_error};
use super::result::packr_result;
use std::ffi::{CStr, c_char};

/// What an exported function returns when a Rust panic is caught at the boundary.
pub(crate) trait PanicDefault {
    fn panic_default() -> Self;
}

impl PanicDefault for packr_result {
    fn panic_default() -> Self {
        packr_result::Panic
    }
}
impl<T> PanicDefault for *mut T {
    fn panic_default() -> Self {
        std::ptr::null_mut()
    }
}
impl<T> PanicDefault for *const T {
    fn panic_default() -> Self {
        std::ptr::null()
    }
}
impl PanicDefault for usize {
    fn panic_default() -> Self {
        0
    }
}
impl PanicDefault for i32 {
    fn panic_default() -> Self {
        -1
    }
}
impl PanicDefault for bool {
    fn panic_default() -> Self {
        false
    }
}
impl PanicDefault for () {
    fn panic_default() -> Self {}
}

/// Runs the body of an exported function, turning a panic into the type's `PanicDefault`.
macro_rules! ffi_boundary {
    ($($body:tt)*) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(r) => r,
            Err(_) => $crate::ffi::boundary::PanicDefault::panic_default(),
        }
    }};
}

/// Runs the body of an exported function that reports failures through `error_out`.
/// The body evaluates to `Result<(), Fail>`; outputs are written by the body only on success.
macro_rules! ffi_result {
    ($error_out:expr, { $($body:tt)* }) => {{
        let error_out: *mut *mut $crate::ffi::error::packr_error = $error_out;
        let r = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::ffi::boundary::Fail> { $($body)* },
        ));
        $crate::ffi::boundary::finish(r, error_out)
    }};
}

/// A failure on its way to C: a result code and a message for `packr_error`.
#[derive(Debug)]
pub(crate) struct Fail {
    pub code: packr_result,
    pub message: String,
}

impl Fail {
    pub fn new(code: packr_result, message: impl Into<String>) -> Fail {
        Fail {
            code,
            message: message.into(),
        }
    }
    pub fn arg(message: impl Into<String>) -> Fail {
        Fail::new(packr_result::InvalidArgument, message)
    }
    /// Something libpackr itself got wrong (reported as a caught panic would be).
    pub fn internal(message: impl std::fmt::Display) -> Fail {
        Fail::new(
            packr_result::Panic,
            format!("internal error in libpackr (please report it): {message}"),
        )
    }
}

/// Converts a body's outcome to a result code, setting `*error_out` on every return.
#[inline]
pub(crate) fn finish(
    r: std::thread::Result<Result<(), Fail>>,
    error_out: *mut *mut packr_error,
) -> packr_result {
    if let Ok(Ok(())) = r {
        if !error_out.is_null() {
            // SAFETY: non-NULL and, per the API contract, points at writable storage.
            unsafe { error_out.write(std::ptr::null_mut()) };
        }
        return packr_result::Ok;
    }
    failed(r, error_out)
}

/// [`finish`] of a failure or a panic.
#[cold]
#[inline(never)]
fn failed(
    r: std::thread::Result<Result<(), Fail>>,
    error_out: *mut *mut packr_error,
) -> packr_result {
    let fail = match r {
        Ok(Ok(())) => {
            write_error(error_out, None);
            return packr_result::Ok;
        }
        Ok(Err(f)) => f,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Fail::new(
                packr_result::Panic,
                format!(
                    "internal error (a bug in libpackr, please report it): {what}; only free the handles involved"
                ),
            )
        }
    };
    let code = fail.code;
    write_error(error_out, Some(fail));
    code
}

/// A NUL-terminated UTF-8 string argument.
pub(crate) fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Fail> {
    if p.is_null() {
        return Err(Fail::arg(format!("{name} is NULL")));
    }
    // SAFETY: C promises a NUL-terminated string that lives for the call.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| {
        Fail::arg(format!(
            "{name} is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// A borrowed `(pointer, length)` byte buffer. NULL is accepted when `len` is 0.
pub(crate) fn arg_bytes<'a>(p: *const u8, len: usize, name: &str) -> Result<&'a [u8], Fail> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Fail::arg(format!("{name} is NULL but its length is {len}")));
    }
    if len > isize::MAX as usize {
        return Err(Fail::arg(format!(
            "{name}'s length {len} is larger than any buffer can be"
        )));
    }
    // SAFETY: C promises `len` readable bytes at `p` for the duration of the call.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Checks that an output pointer is not NULL.
pub(crate) fn arg_out<T>(p: *mut T, name: &str) -> Result<(), Fail> {
    if p.is_null() {
        Err(Fail::arg(format!("{name} is NULL")))
    } else {
        Ok(())
    }
}

/// Writes an output (the pointer was checked with `arg_out`).
pub(crate) fn put<T>(p: *mut T, v: T) {
    if !p.is_null() {
        // SAFETY: checked non-NULL; C promises it points at writable storage for a T.
        unsafe { p.write(v) }
    }
}
