//! Arbitrary bytes as a Word document: read as they are (a ZIP or not), as the
//! `word/document.xml` of a ZIP built around them (so the XML reader sees them), and as
//! the body of a minimal `w:document` (so the fuzzer starts among paragraphs and tables).
//! The reader must never panic, and every grid it returns must be well formed: spans of
//! at least 1, cells of a row left to right without overlapping, rows and tables
//! numbered in order, merges not running past the table.
use std::io::{Cursor, Write};

use crate::sources::{Block, Document, Place, docx};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

const HEAD: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>"#;
const TAIL: &[u8] = b"</w:body></w:document>";

pub fn run(data: &[u8]) {
    check(data);
    check(&as_docx(data));
    let mut xml = HEAD.to_vec();
    xml.extend_from_slice(data);
    xml.extend_from_slice(TAIL);
    check(&as_docx(&xml));
}

fn check(bytes: &[u8]) {
    match docx::read(bytes) {
        Ok(doc) => check_document(&doc),
        Err(e) => assert!(!e.problem.is_empty() && !e.help.is_empty(), "{e:?}"),
    }
}

/// A ZIP holding `xml` as `word/document.xml` (stored: the fuzzer's bytes stay visible).
fn as_docx(xml: &[u8]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("[Content_Types].xml", options)
        .expect("in memory");
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .expect("in memory");
    zip.start_file("word/document.xml", options)
        .expect("in memory");
    zip.write_all(xml).expect("in memory");
    zip.finish().expect("in memory").into_inner()
}

fn check_document(doc: &Document) {
    assert_eq!(doc.format, "docx");
    let mut table = 0u32;
    let mut paragraph = 0u32;
    for block in &doc.blocks {
        match block {
            Block::Table(grid) => {
                table += 1;
                super::assert_grid_well_formed(grid);
                for (r, row) in grid.rows.iter().enumerate() {
                    let row_no = u32::try_from(r + 1).expect("row number fits");
                    for cell in &row.cells {
                        assert_eq!(
                            cell.place,
                            Place::TableRow { table, row: row_no },
                            "{cell:?}"
                        );
                    }
                }
            }
            Block::Text { text, place } => {
                paragraph += 1;
                assert_eq!(*place, Place::Paragraph(paragraph));
                assert!(
                    !text.trim().is_empty(),
                    "empty paragraph block at {place:?}"
                );
            }
        }
    }
}
