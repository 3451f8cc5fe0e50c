//! CGRF decode: never panics; what it accepts re-encodes and decodes to a `same()` value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::check_decode(data));
