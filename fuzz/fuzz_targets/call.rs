//! Call inputs: arbitrary bytes to guest exports; errors are fine, panics and wrong answers are
//! not, and the composition keeps answering.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    // Build the composition (compiling the guests, slow in this instrumented binary) before
    // libFuzzer starts timing units.
    init: packr_fuzz::warm_up_call(),
    |data: &[u8]| packr_fuzz::check_call(data)
);
