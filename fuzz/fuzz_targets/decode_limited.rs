//! CGRF decode under small limits picked by the first three input bytes (see
//! `packr_fuzz::limits_from`); the rest of the input is the buffer.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::check_decode_limited(data));
