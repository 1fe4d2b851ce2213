//! Arbitrary text as an amount cell: read exactly or not at all.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        jixiao::fuzzing::amount_text(text);
    }
});
