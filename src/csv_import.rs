//! Reading back jixiao's own open-data CSV downloads (`projects.csv`, `indicators.csv`),
//! so people can fix data in a spreadsheet and import it again.

use crate::import::{ImportError, ImportOptions, Imported, SourceInput};

/// A jixiao CSV export starts (after an optional BOM) with its header row.
pub fn looks_like_export(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let first = b.split(|&c| c == b'\n').next().unwrap_or(&[]);
    let header = String::from_utf8_lossy(first);
    header.starts_with("book,department,")
}

pub fn import(inputs: &[SourceInput], _opts: &ImportOptions) -> Result<Imported, ImportError> {
    Err(ImportError::Csv {
        file: inputs.first().map(|i| i.name.clone()).unwrap_or_default(),
        line: 1,
        message: "CSV import is not available yet".into(),
    })
}
