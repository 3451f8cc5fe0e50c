//! libpackr through its extern "C" functions, as the benchmark drives it.

use super::*;

// ---------------------------------------------------------------------------------------------
// Ours: libpackr through its extern "C" functions
// ---------------------------------------------------------------------------------------------

pub(crate) fn ok(rc: packr_result, err: *mut packr_error, what: &str) {
    if rc != packr_result::Ok {
        let msg = if err.is_null() {
            String::new()
        } else {
            // SAFETY: a non-NULL error from libpackr.
            let m = unsafe { CStr::from_ptr(packr_error_message(err)) }
                .to_string_lossy()
                .into_owned();
            unsafe { packr_error_free(err) };
            m
        };
        panic!("{what}: {rc:?}: {msg}");
    }
}

pub(crate) unsafe extern "C" fn greet_cb(
    _ud: *mut c_void,
    input: *const u8,
    len: usize,
    reply: *mut packr_host_reply,
) -> i32 {
    let inp: &[u8] = if len == 0 {
        &[]
    } else {
        // SAFETY: libpackr passes `len` readable bytes.
        unsafe { std::slice::from_raw_parts(input, len) }
    };
    match greet(inp) {
        Ok(out) => {
            // SAFETY: reply is the one libpackr passed to this callback.
            let rc = unsafe { packr_host_reply_set_output(reply, out.as_ptr(), out.len()) };
            if rc == packr_result::Ok { 0 } else { 1 }
        }
        Err(_) => 1,
    }
}

/// host.log for ours: returns 0 without output, so libpackr answers `()`.
pub(crate) unsafe extern "C" fn log_cb(
    _ud: *mut c_void,
    _input: *const u8,
    _len: usize,
    _reply: *mut packr_host_reply,
) -> i32 {
    0
}

/// What a composition is made of (for ours, the floor and packr 0.5.4 alike).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Shape {
    /// One package without imports.
    Single,
    /// adder (`math.double` wired to doubler's `double`) + doubler.
    AdderDoubler,
    /// greeter with host.greet and host.log.
    Greeter,
}

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Lim {
    pub(crate) on: bool,
}

pub(crate) const FUEL: u64 = 1_000_000_000;
pub(crate) const TIMEOUT_MS: u64 = 10_000;

pub(crate) fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Builds a composition through the C ABI.
pub(crate) fn ours_build(shape: Shape, pkgs: &[(&str, &[u8])], lim: Lim) -> *mut packr_composition {
    let b = packr_builder_new();
    assert!(!b.is_null());
    let mut err = std::ptr::null_mut();
    for (name, bytes) in pkgs {
        let n = cs(name);
        // SAFETY: valid builder, strings and bytes.
        let rc = unsafe {
            packr_builder_add_package(b, n.as_ptr(), bytes.as_ptr(), bytes.len(), &mut err)
        };
        ok(rc, err, "packr_builder_add_package");
    }
    match shape {
        Shape::Single => {}
        Shape::AdderDoubler => {
            // SAFETY: valid builder and strings.
            let rc = unsafe {
                packr_builder_wire(
                    b,
                    c"adder".as_ptr(),
                    c"math".as_ptr(),
                    c"double".as_ptr(),
                    c"doubler".as_ptr(),
                    c"double".as_ptr(),
                    &mut err,
                )
            };
            ok(rc, err, "packr_builder_wire");
        }
        Shape::Greeter => {
            for (name, cb) in [
                (c"greet", greet_cb as unsafe extern "C" fn(_, _, _, _) -> _),
                (c"log", log_cb),
            ] {
                // SAFETY: valid builder, strings and callback; no user data.
                let rc = unsafe {
                    packr_builder_add_host_function(
                        b,
                        c"host".as_ptr(),
                        name.as_ptr(),
                        Some(cb),
                        std::ptr::null_mut(),
                        None,
                        &mut err,
                    )
                };
                ok(rc, err, "packr_builder_add_host_function");
            }
        }
    }
    if lim.on {
        // SAFETY: valid builder.
        unsafe {
            ok(
                packr_builder_set_fuel(b, FUEL),
                std::ptr::null_mut(),
                "set_fuel",
            );
            ok(
                packr_builder_set_timeout_ms(b, TIMEOUT_MS),
                std::ptr::null_mut(),
                "set_timeout_ms",
            );
        }
    }
    let mut comp = std::ptr::null_mut();
    // SAFETY: consumes the builder.
    let rc = unsafe { packr_builder_build(b, &mut comp, &mut err) };
    ok(rc, err, "packr_builder_build");
    comp
}

/// A built composition plus one resolved export.
pub(crate) struct Ours {
    pub(crate) comp: *mut packr_composition,
    pub(crate) func: *mut packr_func,
    pub(crate) pkg: CString,
    pub(crate) export: CString,
}

impl Ours {
    pub(crate) fn new(
        shape: Shape,
        pkgs: &[(&str, &[u8])],
        lim: Lim,
        pkg: &str,
        export: &str,
    ) -> Ours {
        let comp = ours_build(shape, pkgs, lim);
        let (pkg, export) = (cs(pkg), cs(export));
        let mut func = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: valid composition and strings.
        let rc = unsafe {
            packr_composition_func(comp, pkg.as_ptr(), export.as_ptr(), &mut func, &mut err)
        };
        ok(rc, err, "packr_composition_func");
        Ours {
            comp,
            func,
            pkg,
            export,
        }
    }

    /// `packr_func_call`; returns the output buffer (free it with `packr_bytes_free`).
    #[inline(always)]
    pub(crate) fn func_call(&self, input: &[u8]) -> *mut packr_bytes {
        let mut out = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: valid func and input.
        let rc =
            unsafe { packr_func_call(self.func, input.as_ptr(), input.len(), &mut out, &mut err) };
        ok(rc, err, "packr_func_call");
        out
    }

    /// `packr_composition_call` (by name).
    #[inline(always)]
    pub(crate) fn comp_call(&self, input: &[u8]) -> *mut packr_bytes {
        let mut out = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        // SAFETY: valid composition, names and input.
        let rc = unsafe {
            packr_composition_call(
                self.comp,
                self.pkg.as_ptr(),
                self.export.as_ptr(),
                input.as_ptr(),
                input.len(),
                &mut out,
                &mut err,
            )
        };
        ok(rc, err, "packr_composition_call");
        out
    }
}

impl Drop for Ours {
    fn drop(&mut self) {
        // SAFETY: both were created above and are freed once.
        unsafe {
            packr_func_free(self.func);
            packr_composition_free(self.comp);
        }
    }
}

/// Reads and frees an output buffer.
pub(crate) fn take_bytes(b: *mut packr_bytes) -> Vec<u8> {
    // SAFETY: b came from a successful call.
    let v = unsafe { std::slice::from_raw_parts(packr_bytes_data(b), packr_bytes_len(b)) }.to_vec();
    unsafe { packr_bytes_free(b) };
    v
}

/// What a timed call does with ours' output: look at it, then free it.
#[inline(always)]
pub(crate) fn consume_bytes(b: *mut packr_bytes) {
    // SAFETY: b came from a successful call.
    unsafe {
        black_box(packr_bytes_data(b));
        black_box(packr_bytes_len(b));
        packr_bytes_free(b);
    }
}
