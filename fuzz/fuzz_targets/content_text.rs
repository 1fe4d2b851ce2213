//! Arbitrary text as a content file (TOML front matter + Markdown notes).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        jixiao::fuzzing::content_text(text);
    }
});
