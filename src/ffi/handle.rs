//! Ownership helpers: each opaque C type names the Rust type behind it once, and these helpers
//! convert between the two only for that pairing.

use super::boundary::Fail;

/// An opaque C type backed by a `Box<Self::Rust>`.
pub(crate) trait BoxCastable {
    type Rust;
    /// The low address bit that marks a borrowed view (a pointer to a `Rust` inside something
    /// else, see [`view_out`]), or 0 for types that are never handed out as views.
    const VIEW_TAG: usize = 0;
}

/// Hands C a borrowed view of a value inside another: tagged, so that [`take_box`] refuses it.
pub(crate) fn view_out<C: BoxCastable>(r: &C::Rust) -> *const C {
    const { assert!(C::VIEW_TAG != 0 && align_of::<C::Rust>() > C::VIEW_TAG) };
    (r as *const C::Rust).map_addr(|a| a | C::VIEW_TAG).cast()
}

/// Whether `p` is a borrowed view from [`view_out`].
pub(crate) fn is_view<C: BoxCastable>(p: *const C) -> bool {
    p.addr() & C::VIEW_TAG != 0
}

/// Moves a Rust value to the heap and hands the pointer to C.
pub(crate) fn box_out<C: BoxCastable>(r: C::Rust) -> *mut C {
    Box::into_raw(Box::new(r)).cast()
}

/// Borrows the Rust value behind a C pointer, or INVALID_ARGUMENT naming the parameter.
pub(crate) fn cast_ref<'a, C: BoxCastable>(p: *const C, name: &str) -> Result<&'a C::Rust, Fail> {
    // SAFETY: a non-NULL pointer of this type was produced by box_out (or points at a value
    // inside one) and is still alive, as the API contract requires.
    let p = p.map_addr(|a| a & !C::VIEW_TAG);
    unsafe { p.cast::<C::Rust>().as_ref() }.ok_or_else(|| Fail::arg(format!("{name} is NULL")))
}

/// Mutably borrows the Rust value behind a C pointer.
pub(crate) fn cast_mut<'a, C: BoxCastable>(p: *mut C, name: &str) -> Result<&'a mut C::Rust, Fail> {
    // SAFETY: as for cast_ref, plus the caller's exclusive access for the call.
    unsafe { p.cast::<C::Rust>().as_mut() }.ok_or_else(|| Fail::arg(format!("{name} is NULL")))
}

/// Takes ownership back from C. None for NULL and for a borrowed view (see [`view_out`]).
pub(crate) fn take_box<C: BoxCastable>(p: *mut C) -> Option<Box<C::Rust>> {
    if p.is_null() || is_view(p) {
        return None;
    }
    // SAFETY: an owned handle came from box_out and is consumed exactly once.
    Some(unsafe { Box::from_raw(p.cast::<C::Rust>()) })
}
