//! Helpers shared by the integration tests.
#![allow(dead_code)]

use jixiao::import::{ImportOptions, SourceInput, import};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, by path relative to it.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A site folder with `book_toml` and one book imported from tests/fixtures/site-source.txt.
pub fn fixture_site_with(book_toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), book_toml).unwrap();
    let bytes = std::fs::read(manifest().join("tests/fixtures/site-source.txt")).unwrap();
    let opts = ImportOptions {
        book: "demo".into(),
        title: Some("示例区2024年项目支出绩效目标表".into()),
        ..Default::default()
    };
    let i = import(
        &[SourceInput {
            name: "site-source.txt".into(),
            bytes,
        }],
        &opts,
    )
    .unwrap();
    jixiao::content::write_book(
        &i.book,
        &i.report.to_markdown(),
        &dir.path().join("content"),
    )
    .unwrap();
    dir
}
