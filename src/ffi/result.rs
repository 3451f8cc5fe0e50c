//! Result codes.

use std::ffi::{CStr, c_char};

/// The outcome of a fallible libpackr function. `PACKR_RESULT_OK` is 0, so `if (rc)` tests for
/// failure. The numbers are stable: values are only ever added, never renumbered or reused.
#[repr(u32)]
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum packr_result {
    /// Success; outputs were written.
    Ok = 0,
    /// A NULL where a value is required, bad UTF-8, an out-of-range enum value, or misuse
    /// (for example pushing into a value that is not a container). Nothing ran.
    InvalidArgument = 1,
    /// Unknown package or export, or missing metadata.
    NotFound = 2,
    /// The bytes are not a valid WebAssembly module.
    Compile = 3,
    /// Wiring or instantiation failed: unknown name, duplicate, unsatisfied import, signature
    /// mismatch.
    Link = 4,
    /// The guest trapped; the message names the package and function.
    Trap = 5,
    /// The guest returned an error status and message.
    Guest = 6,
    /// A host function reported failure.
    Host = 7,
    /// Malformed CGRF bytes, or text that does not parse.
    Decode = 8,
    /// The value cannot be encoded.
    Encode = 9,
    /// A fuel, deadline, memory, size, node-count or depth limit was reached.
    Limit = 10,
    /// `packr_composition_interrupt` stopped the call.
    Interrupted = 11,
    /// A file could not be read.
    Io = 12,
    /// An internal bug was caught at the boundary. Only free the handles involved.
    Panic = 13,
    /// The call is still waiting for a deferred host answer (`packr_call_poll`,
    /// `packr_call_wait`); not a failure.
    Pending = 14,
}

impl packr_result {
    pub(crate) fn name(self) -> &'static CStr {
        match self {
            packr_result::Ok => c"PACKR_RESULT_OK",
            packr_result::InvalidArgument => c"PACKR_RESULT_INVALID_ARGUMENT",
            packr_result::NotFound => c"PACKR_RESULT_NOT_FOUND",
            packr_result::Compile => c"PACKR_RESULT_COMPILE",
            packr_result::Link => c"PACKR_RESULT_LINK",
            packr_result::Trap => c"PACKR_RESULT_TRAP",
            packr_result::Guest => c"PACKR_RESULT_GUEST",
            packr_result::Host => c"PACKR_RESULT_HOST",
            packr_result::Decode => c"PACKR_RESULT_DECODE",
            packr_result::Encode => c"PACKR_RESULT_ENCODE",
            packr_result::Limit => c"PACKR_RESULT_LIMIT",
            packr_result::Interrupted => c"PACKR_RESULT_INTERRUPTED",
            packr_result::Io => c"PACKR_RESULT_IO",
            packr_result::Panic => c"PACKR_RESULT_PANIC",
            packr_result::Pending => c"PACKR_RESULT_PENDING",
        }
    }

    /// Every code, in numeric order.
    pub(crate) const ALL: [packr_result; 15] = [
        packr_result::Ok,
        packr_result::InvalidArgument,
        packr_result::NotFound,
        packr_result::Compile,
        packr_result::Link,
        packr_result::Trap,
        packr_result::Guest,
        packr_result::Host,
        packr_result::Decode,
        packr_result::Encode,
        packr_result::Limit,
        packr_result::Interrupted,
        packr_result::Io,
        packr_result::Panic,
        packr_result::Pending,
    ];
}

/// The name of a result code as a static NUL-terminated string, for example
/// `"PACKR_RESULT_LINK"`; `"PACKR_RESULT_UNKNOWN"` for a number that is not a `packr_result`.
///
/// Ownership: the string is static; never free it. Any thread may call this.
#[unsafe(no_mangle)]
pub extern "C" fn packr_result_name(code: u32) -> *const c_char {
    ffi_boundary! {
        match packr_result::ALL.get(code as usize) {
            Some(r) => r.name().as_ptr(),
            None => c"PACKR_RESULT_UNKNOWN".as_ptr(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_numbers() {
        for (i, r) in packr_result::ALL.iter().enumerate() {
            assert_eq!(*r as u32, i as u32);
            let s = unsafe { CStr::from_ptr(packr_result_name(i as u32)) };
            assert_eq!(s, r.name());
        }
        let s = unsafe { CStr::from_ptr(packr_result_name(9999)) };
        assert_eq!(s.to_str(), Ok("PACKR_RESULT_UNKNOWN"));
    }
}
