//! Arbitrary rows under the header of a projects.csv download, so the fuzzer starts
//! inside the CSV re-import instead of having to find the header first.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jixiao::fuzzing::import_csv_rows(data);
});
