//! `packr_bytes`: library-owned byte buffers handed out to C.

/// A byte buffer owned by libpackr: encoded values, text, metadata, call results.
///
/// Read it with `packr_bytes_data` and `packr_bytes_len`; free it with `packr_bytes_free`
/// (never with `free()`). The data is always followed by one NUL byte that `packr_bytes_len`
/// does not count, so text can be used directly as a C string. Under the hood it is a `Box`.
///
/// Methods: `packr_bytes_data`, `packr_bytes_len`, `packr_bytes_free`.
pub struct packr_bytes {
    /// The content followed by one NUL byte.
    buf: Vec<u8>,
}

impl packr_bytes {
    /// Takes ownership of `data` and appends the terminating NUL.
    pub(crate) fn from_vec(mut data: Vec<u8>) -> *mut packr_bytes {
        data.push(0);
        Box::into_raw(Box::new(packr_bytes { buf: data }))
    }

    fn content(&self) -> &[u8] {
        &self.buf[..self.buf.len().saturating_sub(1)]
    }
}

/// Pointer to the first byte. Never NULL for a non-NULL `b` (even when the length is 0, it
/// points at the terminating NUL).
///
/// Lifetime: valid until `packr_bytes_free(b)`. NULL `b`: returns NULL. Threading: any thread;
/// the buffer is immutable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_bytes_data(b: *const packr_bytes) -> *const u8 {
    ffi_boundary! {
        // SAFETY: a non-NULL pointer came from libpackr and has not been freed.
        match unsafe { b.as_ref() } {
            Some(b) => b.buf.as_ptr(),
            None => std::ptr::null(),
        }
    }
}

/// Number of bytes, not counting the terminating NUL. NULL `b`: returns 0. Threading: any
/// thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_bytes_len(b: *const packr_bytes) -> usize {
    ffi_boundary! {
        // SAFETY: a non-NULL pointer came from libpackr and has not been freed.
        match unsafe { b.as_ref() } {
            Some(b) => b.content().len(),
            None => 0,
        }
    }
}

/// Frees a buffer. NULL is fine (nothing happens). Must not be called twice on the same buffer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn packr_bytes_free(b: *mut packr_bytes) {
    ffi_boundary! {
        if !b.is_null() {
            // SAFETY: b came from packr_bytes::from_vec and is freed once.
            drop(unsafe { Box::from_raw(b) });
        }
    }
}
