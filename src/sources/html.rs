//! Stub: being written.
use super::{Document, SourceError};

pub fn read(_bytes: &[u8]) -> Result<Document, SourceError> {
    Err(SourceError::new("not yet", "wait"))
}

/// True when the bytes look like an HTML page (a doctype, `<html`, or a `<table`
/// near the start), whatever the charset.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let has = |n: &[u8]| lower.windows(n.len()).any(|w| w == n);
    has(b"<!doctype html") || has(b"<html") || (has(b"<table") && has(b"<td"))
}
