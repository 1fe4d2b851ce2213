//! Stub: being written.
use super::{Document, SourceError};

pub fn read(_bytes: &[u8]) -> Result<Document, SourceError> {
    Err(SourceError::new("not yet", "wait"))
}
