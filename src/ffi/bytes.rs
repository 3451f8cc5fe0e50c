//! `packr_bytes`: library-owned byte buffers handed out to C.

use crate::runtime::CallOutput;
use std::alloc::Layout;
use std::ptr::NonNull;

/// A byte buffer owned by libpackr: encoded values, text, metadata, call results.
///
/// Read it with `packr_bytes_data` and `packr_bytes_len`; free it with `packr_bytes_free`
/// (never with `free()`). The data is always followed by one NUL byte that `packr_bytes_len`
/// does not count, so text can be used directly as a C string.
///
/// Methods: `packr_bytes_data`, `packr_bytes_len`, `packr_bytes_free`.
pub struct packr_bytes {
    /// The content followed by one NUL byte.
    data: NonNull<u8>,
    /// The content's length, without the NUL.
    len: usize,
    /// The capacity of the `Vec` that owns `data`; 0 when the content follows this header in
    /// the header's own allocation (see [`packr_bytes::copy_of`]).
    cap: usize,
}

/// Where an inline buffer's content starts, after its header.
const INLINE_AT: usize = std::mem::size_of::<packr_bytes>();

/// The allocation of an inline buffer of `len` content bytes: header, content, NUL.
fn inline_layout(len: usize) -> Option<Layout> {
    let size = INLINE_AT.checked_add(len)?.checked_add(1)?;
    Layout::from_size_align(size, std::mem::align_of::<packr_bytes>()).ok()
}

impl packr_bytes {
    /// Takes ownership of `data` and appends the terminating NUL.
    pub(crate) fn from_vec(mut data: Vec<u8>) -> *mut packr_bytes {
        data.push(0);
        let mut data = std::mem::ManuallyDrop::new(data);
        let b = packr_bytes {
            data: NonNull::new(data.as_mut_ptr()).unwrap_or(NonNull::dangling()),
            len: data.len() - 1,
            cap: data.capacity(),
        };
        Box::into_raw(Box::new(b))
    }

    /// A copy of `bytes` in one allocation (header, content and NUL together): what a call
    /// result is, copied straight out of guest memory. Null when the allocation fails or its
    /// size overflows.
    pub(crate) fn copy_of(bytes: &[u8]) -> *mut packr_bytes {
        let Some(layout) = inline_layout(bytes.len()) else {
            return std::ptr::null_mut();
        };
        // SAFETY: the layout has a non-zero size (the header).
        let block = unsafe { std::alloc::alloc(layout) };
        if block.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: `block` holds the header, then `len + 1` bytes; the header is aligned (the
        // layout's alignment is the header's) and `INLINE_AT` is past it.
        unsafe {
            let data = block.add(INLINE_AT);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
            *data.add(bytes.len()) = 0;
            let b = block.cast::<packr_bytes>();
            b.write(packr_bytes {
                data: NonNull::new_unchecked(data),
                len: bytes.len(),
                cap: 0,
            });
            b
        }
    }

    fn content(&self) -> &[u8] {
        // SAFETY: `data` holds `len` initialised bytes (and a NUL) for as long as `self` lives.
        unsafe { std::slice::from_raw_parts(self.data.as_ptr(), self.len) }
    }

    /// Frees a buffer made by `from_vec` or `copy_of`.
    ///
    /// # Safety
    /// `b` is non-null, came from one of them, and is not used afterwards.
    unsafe fn destroy(b: *mut packr_bytes) {
        // SAFETY: per the contract, `b` points at a live header.
        let (len, cap) = unsafe { ((*b).len, (*b).cap) };
        if cap == 0 {
            // SAFETY: an inline buffer, allocated by `copy_of` with this very layout (it had
            // `len` content bytes, so the layout computation succeeded then).
            unsafe {
                let layout = Layout::from_size_align_unchecked(
                    INLINE_AT + len + 1,
                    std::mem::align_of::<packr_bytes>(),
                );
                std::alloc::dealloc(b.cast(), layout);
            }
        } else {
            // SAFETY: a Vec's parts (with the NUL, `len + 1` bytes) and its boxed header.
            unsafe {
                let h = Box::from_raw(b);
                drop(Vec::from_raw_parts(h.data.as_ptr(), len + 1, cap));
            }
        }
    }
}

/// A call result on its way to C: a `packr_bytes` copied straight out of guest memory, freed
/// if the call fails after all.
pub(crate) struct OwnedBytes(NonNull<packr_bytes>);

impl OwnedBytes {
    /// Hands the buffer to C.
    pub(crate) fn into_raw(self) -> *mut packr_bytes {
        let p = self.0.as_ptr();
        std::mem::forget(self);
        p
    }
}

impl Drop for OwnedBytes {
    fn drop(&mut self) {
        // SAFETY: an OwnedBytes owns its buffer, which nothing else has seen.
        unsafe { packr_bytes::destroy(self.0.as_ptr()) }
    }
}

impl CallOutput for OwnedBytes {
    fn copy_of(bytes: &[u8]) -> Self {
        match NonNull::new(packr_bytes::copy_of(bytes)) {
            Some(p) => OwnedBytes(p),
            None => std::alloc::handle_alloc_error(
                inline_layout(bytes.len()).unwrap_or(Layout::new::<packr_bytes>()),
            ),
        }
    }

    fn from_vec(v: Vec<u8>) -> Self {
        // SAFETY: from_vec never returns null (Box::new aborts instead).
        OwnedBytes(unsafe { NonNull::new_unchecked(packr_bytes::from_vec(v)) })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: the buffer lives as long as self.
        unsafe { self.0.as_ref() }.content()
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
            Some(b) => b.data.as_ptr(),
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
            // SAFETY: b came from packr_bytes::from_vec or copy_of and is freed once.
            unsafe { packr_bytes::destroy(b) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both kinds of buffer read back their content and a NUL, and free cleanly (Miri and ASan
    /// check the frees; here the content and the NUL are checked).
    #[test]
    fn both_kinds_read_back_and_free() {
        for content in [&b""[..], b"a", b"hello, world", &[7u8; 4097]] {
            for p in [
                packr_bytes::from_vec(content.to_vec()),
                packr_bytes::copy_of(content),
            ] {
                assert!(!p.is_null());
                // SAFETY: p is a live buffer made just above.
                unsafe {
                    assert_eq!(packr_bytes_len(p), content.len());
                    let d = packr_bytes_data(p);
                    assert_eq!(std::slice::from_raw_parts(d, content.len()), content);
                    assert_eq!(*d.add(content.len()), 0, "NUL after the content");
                    packr_bytes_free(p);
                }
            }
            let o = OwnedBytes::copy_of(content);
            assert_eq!(o.bytes(), content);
            drop(o);
            let o = OwnedBytes::from_vec(content.to_vec());
            assert_eq!(o.bytes(), content);
            let p = o.into_raw();
            // SAFETY: handed over by into_raw.
            unsafe { packr_bytes_free(p) };
        }
    }
}
