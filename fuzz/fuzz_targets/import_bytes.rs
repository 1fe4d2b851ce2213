//! Arbitrary bytes as a source document: import, then everything a build does with
//! the book (content round trip, checks, downloads) must not panic, and the line
//! accounting must balance.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jixiao::fuzzing::import_bytes(data);
});
