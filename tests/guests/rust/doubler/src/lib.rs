//! `doubler`: the composition provider. Exports `double(s64) -> s64`.
#![no_std]
extern crate alloc;

use packr_guest::export;

packr_guest::setup_guest!();

/// Input CGRF: a bare `S64` (NOT a 1-tuple; `Tuple([S64])` gives status -1
/// "failed to convert parameter"). Output: `S64(n * 2)` (wrapping).
#[export]
fn double(n: i64) -> i64 {
    n.wrapping_mul(2)
}

packr_guest::pack_types! {
    exports {
        double: func(n: s64) -> s64,
    }
}
