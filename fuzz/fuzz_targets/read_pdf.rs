//! See `jixiao::fuzzing::read_pdf`: the properties live in the library so that
//! `tests/fuzz_regressions.rs` replays them on every `cargo test`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jixiao::fuzzing::read_pdf::run(data);
});
