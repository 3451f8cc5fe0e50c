//! Text form: `parse` never panics on UTF-8 input; what it accepts prints with `to_text` and
//! parses back to a `same()` value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        packr_fuzz::check_text(text);
    }
});
