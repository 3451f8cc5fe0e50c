//! Version information.

use std::ffi::c_char;

/// libpackr's version as a static NUL-terminated string `"X.Y.Z"`, equal to the
/// `PACKR_VERSION_MAJOR`, `_MINOR` and `_PATCH` macros of the header the program was built
/// against when the library and header match. Never free it. Any thread.
#[unsafe(no_mangle)]
pub extern "C" fn packr_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
