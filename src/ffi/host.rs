//! Host functions written in C: the callback typedef, replies, and the user-data finalizer.

use super::boundary::{Fail, arg_bytes, arg_str};
use super::completion::packr_completion;
use super::handle::box_out;
use super::result::packr_result;
use crate::runtime::{Completion, HostAnswer, HostFn};
use crate::value::{Value, encode};
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// A host function implemented in C (or any language with a C ABI).
///
/// libpackr calls it with the `user_data` given at registration, the CGRF bytes the guest passed
/// (`input`, `input_len`; borrowed for the duration of the callback, may be NULL when empty), and
/// a `reply` to answer through. Return 0 for success; the output is what was last passed to
/// `packr_host_reply_set_output`, or the unit value `()` when nothing was. Any other return
/// value, or a message set with `packr_host_reply_set_error`, is a failure: the calling guest is
/// stopped (trapped) and the top-level call returns `PACKR_RESULT_HOST` with the message.
///
/// Threading: the callback runs on the thread that called into the composition, and may run on
/// several threads at once when calls run in parallel. It may call libpackr functions, including
/// calls into the same composition (they run on a separate set of instances). C++ exceptions,
/// Go panics and longjmp must not escape it.
pub type packr_host_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        input: *const u8,
        input_len: usize,
        reply: *mut packr_host_reply,
    ) -> i32,
>;

/// Frees the `user_data` of a host function; see `packr_builder_add_host_function`.
pub type packr_finalizer = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// How a host function answers: set the output bytes or an error message, or defer the answer.
///
/// Only valid during the callback it was passed to; owned by libpackr (never free it). Methods:
/// `packr_host_reply_set_output`, `packr_host_reply_set_error`, `packr_host_reply_defer`.
pub struct packr_host_reply {
    output: Option<Vec<u8>>,
    error: Option<String>,
    deferred: Option<Arc<Completion>>,
}

/// Sets the host function's output: `len` bytes of CGRF at `data`, copied (so the caller may
/// free or reuse its buffer right away). Calling it again replaces the previous output.
/// `data` may be NULL when `len` is 0. The bytes are checked before they reach the guest;
/// invalid CGRF fails the call with `PACKR_RESULT_DECODE` naming this host function.
/// NULL `r`: `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_host_reply_set_output(
    r: *mut packr_host_reply,
    data: *const u8,
    len: usize,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let bytes = arg_bytes(data, len, "data")?;
        // SAFETY: r is the reply libpackr passed to the running callback.
        let r = unsafe { r.as_mut() }.ok_or_else(|| Fail::arg("r is NULL"))?;
        r.output = Some(bytes.to_vec());
        Ok(())
    })
}

/// Marks the host function as failed with `message` (NUL-terminated UTF-8, copied). The
/// message reaches the caller of `packr_composition_call` inside the returned `packr_error`,
/// with the import's name. NULL arguments or bad UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_host_reply_set_error(
    r: *mut packr_host_reply,
    message: *const c_char,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        let m = arg_str(message, "message")?;
        // SAFETY: r is the reply libpackr passed to the running callback.
        let r = unsafe { r.as_mut() }.ok_or_else(|| Fail::arg("r is NULL"))?;
        r.error = Some(m.to_string());
        Ok(())
    })
}

/// Defers the host function's answer: `*completion_out` receives a new completion, which the
/// host finishes later, from any thread, with `packr_completion_complete` or
/// `packr_completion_fail`, and frees with `packr_completion_free`. The callback then returns
/// 0 (an output or error set on this reply is ignored).
///
/// Meanwhile the guest that called the import waits: a packr-guest 0.5.4 package or a sync
/// 0.24 package blocks the calling thread inside `packr_composition_call` until the answer
/// comes (the composition's timeout and `packr_composition_interrupt` still end the wait); an
/// async packr-guest 0.24 package parks instead, so `packr_composition_call_start` returns a
/// pending `packr_call` and the thread is free. A completion freed without an answer fails the
/// waiting call (`PACKR_RESULT_HOST`, "freed the completion without completing it").
///
/// A callback that defers and then returns non-zero (or sets an error) fails the call as
/// usual; the completion it handed out is then unwanted (completing it returns
/// `PACKR_RESULT_NOT_FOUND`), but must still be freed. Calling it twice in one callback:
/// `PACKR_RESULT_INVALID_ARGUMENT`. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_host_reply_defer(
    r: *mut packr_host_reply,
    completion_out: *mut *mut packr_completion,
) -> packr_result {
    ffi_result!(std::ptr::null_mut(), {
        // SAFETY: r is the reply libpackr passed to the running callback.
        let r = unsafe { r.as_mut() }.ok_or_else(|| Fail::arg("r is NULL"))?;
        super::boundary::arg_out(completion_out, "completion_out")?;
        if r.deferred.is_some() {
            return Err(Fail::arg("this reply is already deferred"));
        }
        let c = Completion::new();
        r.deferred = Some(c.clone());
        super::boundary::put(completion_out, box_out::<packr_completion>(c));
        Ok(())
    })
}

/// A C callback with its user data; the finalizer runs exactly once, when this is dropped.
pub(crate) struct ForeignHostFn {
    pub module: String,
    pub name: String,
    callback: unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut packr_host_reply) -> i32,
    user_data: *mut c_void,
    finalizer: packr_finalizer,
}

// SAFETY: libpackr never dereferences user_data; the API contract makes the callback and its
// user data usable from any thread (documented on packr_builder_add_host_function).
unsafe impl Send for ForeignHostFn {}
// SAFETY: as above; concurrent calls are allowed by the contract.
unsafe impl Sync for ForeignHostFn {}

impl ForeignHostFn {
    pub(crate) fn new(
        module: String,
        name: String,
        callback: unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut packr_host_reply) -> i32,
        user_data: *mut c_void,
        finalizer: packr_finalizer,
    ) -> ForeignHostFn {
        ForeignHostFn {
            module,
            name,
            callback,
            user_data,
            finalizer,
        }
    }
}

/// Owns user data whose finalizer must run even though no host function was created.
pub(crate) struct OrphanUserData(pub *mut c_void, pub packr_finalizer);

impl OrphanUserData {
    /// Hands the user data and finalizer on (this guard then no longer finalizes).
    pub(crate) fn take(mut self) -> (*mut c_void, packr_finalizer) {
        (self.0, self.1.take())
    }
}

impl Drop for OrphanUserData {
    fn drop(&mut self) {
        if let Some(f) = self.1 {
            // SAFETY: the finalizer was given for this user_data and runs exactly once.
            unsafe { f(self.0) };
        }
    }
}

impl Drop for ForeignHostFn {
    fn drop(&mut self) {
        drop(OrphanUserData(self.user_data, self.finalizer.take()));
    }
}

impl HostFn for ForeignHostFn {
    fn call(&self, input: &[u8]) -> Result<Vec<u8>, String> {
        match self.call_or_defer(input)? {
            HostAnswer::Ready(b) => Ok(b),
            HostAnswer::Unit => Ok(encode(&Value::unit()).unwrap_or_default()),
            HostAnswer::Deferred(_) => Err(format!(
                "host function {}.{} deferred its answer where none can wait",
                self.module, self.name
            )),
        }
    }

    fn call_or_defer(&self, input: &[u8]) -> Result<HostAnswer, String> {
        let mut reply = packr_host_reply {
            output: None,
            error: None,
            deferred: None,
        };
        let ptr = if input.is_empty() {
            std::ptr::null()
        } else {
            input.as_ptr()
        };
        // SAFETY: the callback was registered for this purpose; input and reply live for the call.
        let rc = unsafe { (self.callback)(self.user_data, ptr, input.len(), &mut reply) };
        if let (0, Some(c)) = (rc, reply.deferred.take()) {
            return Ok(HostAnswer::Deferred(c));
        }
        if let Some(c) = reply.deferred {
            // Deferred but then failed: nobody will wait for this completion.
            c.call_gone();
        }
        match (rc, reply.error) {
            (0, None) => Ok(reply.output.map_or(HostAnswer::Unit, HostAnswer::Ready)),
            (_, Some(msg)) => Err(msg),
            (rc, None) => Err(format!(
                "host function {}.{} returned {rc}",
                self.module, self.name
            )),
        }
    }
}
