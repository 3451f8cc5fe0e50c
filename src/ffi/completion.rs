//! Deferred host answers (`packr_completion`) and calls that finish later (`packr_call`).

use super::boundary::{Fail, arg_bytes, arg_out, arg_str, put};
use super::bytes::packr_bytes;
use super::composition::{packr_composition, packr_func, resolve_args, runtime_fail};
use super::error::packr_error;
use super::handle::{BoxCastable, box_out, cast_mut, cast_ref, take_box};
use super::result::packr_result;
use crate::runtime::{CompleteError, Completion, PendingCall};
use std::ffi::c_char;
use std::sync::Arc;
use std::time::Duration;

/// A deferred host answer, from `packr_host_reply_defer`.
///
/// Finish it exactly once, from any thread, with `packr_completion_complete` or
/// `packr_completion_fail`, and free it with `packr_completion_free` (freeing it unanswered
/// fails the call that waits for it). Thread-safe: any function may be called on it from any
/// thread, but `packr_completion_free` only once and last.
pub struct packr_completion {
    _private: [u8; 0],
}

impl BoxCastable for packr_completion {
    type Rust = Arc<Completion>;
}

fn completion_fail(e: CompleteError) -> Fail {
    match e {
        CompleteError::AlreadyCompleted => Fail::arg(e.to_string()),
        CompleteError::CallGone => Fail::new(packr_result::NotFound, e.to_string()),
    }
}

/// Answers a deferred host function with `len` bytes of CGRF at `data` (copied; either wire
/// version), and wakes the call that waits for it. The bytes are checked before they reach the
/// guest: invalid CGRF fails that call with `PACKR_RESULT_DECODE`.
///
/// Errors: answered before: `PACKR_RESULT_INVALID_ARGUMENT`; the waiting call has ended
/// (interrupted, timed out, failed, or its `packr_call` was freed): `PACKR_RESULT_NOT_FOUND`.
/// NULL `c`, or NULL `data` with `len` > 0: `PACKR_RESULT_INVALID_ARGUMENT`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_completion_complete(
    c: *const packr_completion,
    data: *const u8,
    len: usize,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let c = cast_ref(c, "c")?;
        let bytes = arg_bytes(data, len, "data")?;
        c.complete(Ok(bytes.to_vec())).map_err(completion_fail)
    })
}

/// Answers a deferred host function with a failure: the waiting call fails with
/// `PACKR_RESULT_HOST` and `message` (NUL-terminated UTF-8, copied). Errors as for
/// `packr_completion_complete`. Any thread.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_completion_fail(
    c: *const packr_completion,
    message: *const c_char,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let c = cast_ref(c, "c")?;
        let m = arg_str(message, "message")?;
        c.complete(Err(m.to_string())).map_err(completion_fail)
    })
}

/// Frees a completion. Unanswered, it fails the call waiting for it (`PACKR_RESULT_HOST`).
/// NULL is fine; never free one twice. Any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_completion_free(c: *mut packr_completion) {
    ffi_boundary! {
        if let Some(c) = take_box(c) {
            c.abandon();
        }
    }
}

/// A call started with `packr_composition_call_start`: finished, or parked while an async
/// package waits for a deferred host answer.
///
/// Use it from one thread at a time (the answers it waits for may come from any thread). It
/// keeps its composition alive; free it with `packr_call_free`. Methods: `packr_call_poll`,
/// `packr_call_wait`, `packr_call_fd`, `packr_call_free`.
pub struct packr_call {
    _private: [u8; 0],
}

impl BoxCastable for packr_call {
    type Rust = PendingCall;
}

/// Starts a call like `packr_composition_call`, without blocking on deferred host answers of
/// async packages: when the package parks (an async packr-guest 0.24 export waiting for a host
/// function that called `packr_host_reply_defer`), this returns at once with a pending call.
/// Everything else (the wasm execution itself, sync packages waiting for deferred answers) runs
/// on this thread before it returns.
///
/// On success `*call_out` is a new `packr_call`, finished or pending; its outcome comes from
/// `packr_call_poll` or `packr_call_wait`. Unknown package or export: `PACKR_RESULT_NOT_FOUND`
/// (no call is made). NULL arguments or bad UTF-8: `PACKR_RESULT_INVALID_ARGUMENT`. `input` is
/// borrowed for this function only. Threading: any thread, concurrently (see
/// `packr_composition`); a pending call holds its own set of package instances.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_composition_call_start(
    c: *const packr_composition,
    package: *const c_char,
    export_name: *const c_char,
    input: *const u8,
    input_len: usize,
    call_out: *mut *mut packr_call,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let input = arg_bytes(input, input_len, "input")?;
        arg_out(call_out, "call_out")?;
        let (h, pi, ei) = resolve_args(c, package, export_name)?;
        let call = super::composition::handle_comp(h)
            .start(pi, ei, input)
            .map_err(runtime_fail)?;
        put(call_out, box_out::<packr_call>(call));
        Ok(())
    })
}

/// Starts a call of a resolved export; same contract as `packr_composition_call_start`.
///
/// On success `*call_out` is a new `packr_call`, finished or pending, owned by the caller: get
/// its outcome with `packr_call_poll` or `packr_call_wait` and free it with `packr_call_free`.
/// The call holds its own reference to the composition, so `f` may be freed while it is
/// pending. On failure `*call_out` is untouched and `*error_out` (if not NULL) is a new
/// `packr_error`. NULL `f`, `input` (with `input_len` > 0) or `call_out`:
/// `PACKR_RESULT_INVALID_ARGUMENT`. `input` is borrowed for this function only. Threading: any
/// thread, concurrently (see `packr_composition`).
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_func_call_start(
    f: *const packr_func,
    input: *const u8,
    input_len: usize,
    call_out: *mut *mut packr_call,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let f = cast_ref(f, "f")?;
        let input = arg_bytes(input, input_len, "input")?;
        arg_out(call_out, "call_out")?;
        let call = f.comp.start(f.pkg, f.export, input).map_err(runtime_fail)?;
        put(call_out, box_out::<packr_call>(call));
        Ok(())
    })
}

fn outcome(
    call: &mut PendingCall,
    wait: Option<Option<Duration>>,
    output_out: *mut *mut packr_bytes,
) -> Result<(), Fail> {
    arg_out(output_out, "output_out")?;
    let r = match wait {
        None => call.poll(),
        Some(t) => call.wait(t),
    };
    match r {
        None => Err(Fail::new(
            packr_result::Pending,
            "the call is waiting for a deferred host answer",
        )),
        Some(Ok(out)) => {
            put(output_out, packr_bytes::from_vec(out.clone()));
            Ok(())
        }
        Some(Err(e)) => Err(runtime_fail(e.clone())),
    }
}

/// Resumes the call with the host answers that have arrived, without waiting, and reports its
/// outcome: `PACKR_RESULT_PENDING` while it still waits (nothing is written), otherwise exactly
/// what `packr_composition_call` would have returned (the output in `*output_out`, a new
/// `packr_bytes`, or the failure). A finished call reports the same outcome on every poll.
/// The limits apply here too: after `packr_composition_interrupt`, or once the composition's
/// timeout has passed, it reports `PACKR_RESULT_INTERRUPTED` or `PACKR_RESULT_LIMIT`.
/// The resumed package runs on this thread. NULL arguments: `PACKR_RESULT_INVALID_ARGUMENT`.
/// Threading: one thread at a time per call.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_call_poll(
    call: *mut packr_call,
    output_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let call = cast_mut(call, "call")?;
        outcome(call, None, output_out)
    })
}

/// Like `packr_call_poll`, but waits up to `timeout_ms` milliseconds for the call to finish
/// (0: until it finishes). The composition's own timeout and `packr_composition_interrupt`
/// still end the call with `PACKR_RESULT_LIMIT` or `PACKR_RESULT_INTERRUPTED`; running out of
/// `timeout_ms` returns `PACKR_RESULT_PENDING` and leaves the call as it was. Threading: one
/// thread at a time per call.
#[unsafe(no_mangle)]
#[must_use]
pub unsafe extern "C" fn packr_call_wait(
    call: *mut packr_call,
    timeout_ms: u64,
    output_out: *mut *mut packr_bytes,
    error_out: *mut *mut packr_error,
) -> packr_result {
    ffi_result!(error_out, {
        let call = cast_mut(call, "call")?;
        let t = (timeout_ms > 0).then(|| Duration::from_millis(timeout_ms));
        outcome(call, Some(t), output_out)
    })
}

/// True (1) while the call waits for a deferred host answer, 0 once it has an outcome (or for
/// NULL). Any thread that may use the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_call_is_pending(call: *const packr_call) -> bool {
    ffi_boundary! {
        cast_ref(call, "call").map(PendingCall::is_pending).unwrap_or(false)
    }
}

/// A file descriptor (a pipe's read end) that becomes readable when a host answer for this
/// call arrives, `packr_composition_interrupt` is called, or the composition's timeout for
/// this call passes, for `poll`/`epoll`/`select` or an event loop; then call `packr_call_poll`
/// (which drains it, and reports the timeout or interrupt). It may also wake spuriously:
/// `packr_call_poll` then returns `PACKR_RESULT_PENDING` again. Owned by the call: valid until
/// `packr_call_free`, never close it.
/// A finished call, NULL, or no descriptor available: -1. Threading: as `packr_call_poll`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_call_fd(call: *const packr_call) -> i32 {
    ffi_boundary! {
        match cast_ref(call, "call") {
            Ok(c) => c.fd().unwrap_or(-1),
            Err(_) => -1,
        }
    }
}

/// Frees a call. A call still pending is abandoned: its package instances are discarded, and
/// completing its host answers later returns `PACKR_RESULT_NOT_FOUND`. NULL is fine; never free
/// one twice. Threading: not while another thread uses the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_call_free(call: *mut packr_call) {
    ffi_boundary! {
        drop(take_box(call));
    }
}
