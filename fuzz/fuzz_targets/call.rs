//! Call inputs: arbitrary bytes to guest exports; errors are fine, panics and wrong answers are
//! not, and the composition keeps answering.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| packr_fuzz::check_call(data));
