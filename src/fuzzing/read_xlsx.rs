//! Arbitrary bytes as a spreadsheet, twice: read as they are (a mutated .xlsx/.xls/.ods
//! or anything else), and as the first worksheet (`xl/worksheets/sheet1.xml`) of an
//! otherwise valid .xlsx built around them, with percent, date and duration styles and
//! shared strings to point at. The reader must not panic, and every grid keeps its
//! shape: spans at least 1; in each row, columns strictly increasing and no cell inside
//! the span of the one before; rows strictly increasing down a grid; places that agree
//! with the cells. In the wrapped sheet, a number-looking text never carries an exponent
//! unless the sheet wrote it that way (strings, errors and unreadable numbers are kept
//! as written).
use std::io::{Cursor, Write};

use crate::sources::{Block, Document, Place};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

// s="1" 0%, "2" 0.0%, "3" a date, "4" 0.00%, "5" [h]:mm:ss, "6" a custom date.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="10"/><xf numFmtId="46"/><xf numFmtId="165"/></cellXfs></styleSheet>"#;

const SHARED: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>项目名称</t></si><si><r><t>甲</t></r><r><t>乙</t></r></si></sst>"#;

fn wrap(sheet: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/styles.xml", STYLES.as_bytes()),
        ("xl/sharedStrings.xml", SHARED.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    for (name, body) in parts {
        w.start_file(name, stored).expect("zip entry");
        w.write_all(body).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

fn check_shape(doc: &Document) {
    for block in &doc.blocks {
        let Block::Table(grid) = block else { continue };
        let mut last_row = 0u32;
        for row in &grid.rows {
            assert!(!row.cells.is_empty(), "a row without cells");
            let mut next_free = 0u32;
            let mut row_number = None;
            for cell in &row.cells {
                assert!(cell.rowspan >= 1 && cell.colspan >= 1, "span < 1: {cell:?}");
                assert!(cell.col >= next_free, "cells overlap or go back: {row:?}");
                next_free = cell.col.checked_add(cell.colspan).expect("span overflows");
                let Place::Cell { sheet, row: r, col } = cell.place else {
                    panic!("a spreadsheet cell without a cell place: {cell:?}");
                };
                assert!(
                    (sheet as usize) < doc.sheets.len(),
                    "sheet index out of range"
                );
                assert_eq!(col, cell.col, "place and column disagree");
                assert!(r >= 1, "row 0");
                assert!(
                    *row_number.get_or_insert(r) == r,
                    "one row, two row numbers"
                );
            }
            let r = row_number.unwrap_or(0);
            assert!(
                r > last_row,
                "rows not strictly increasing: {r} after {last_row}"
            );
            last_row = r;
        }
    }
}

fn number_like(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && t.bytes().any(|b| b.is_ascii_digit())
        && t.parse::<f64>().is_ok()
}

/// The character data of an XML text (markup dropped, CDATA kept, references and
/// Excel's `_xHHHH_` escapes decoded, whitespace dropped): what "as written" can yield.
fn written(xml: &str) -> String {
    let mut data = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        data.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            data.push_str(&body[..end]);
            rest = &body[(end + 3).min(body.len())..];
        } else {
            rest = &rest[rest.find('>').map_or(rest.len(), |e| e + 1)..];
        }
    }
    data.push_str(rest);
    let mut out = String::new();
    let mut rest = data.as_str();
    while let Some(c) = rest.chars().next() {
        let reference = rest.strip_prefix('&').and_then(|r| {
            let end = r.find(';')?;
            let name = &r[..end];
            let ch = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
            } else if let Some(dec) = name.strip_prefix('#') {
                char::from_u32(dec.parse().ok()?)?
            } else {
                match name {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => return None,
                }
            };
            Some((ch, end + 2))
        });
        let escape = rest.strip_prefix("_x").and_then(|r| {
            let hex = r.get(..4)?;
            (r.get(4..5) == Some("_")).then_some(())?;
            Some((char::from_u32(u32::from_str_radix(hex, 16).ok()?)?, 7))
        });
        match reference.or(escape) {
            Some((ch, len)) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out.retain(|c| !c.is_whitespace());
    out
}

fn check_numbers(doc: &Document, sheet_xml: &[u8]) {
    let mut content: Option<String> = None;
    for block in &doc.blocks {
        let Block::Table(grid) = block else { continue };
        for cell in grid.rows.iter().flat_map(|r| &r.cells) {
            let t = cell.text.as_str();
            if number_like(t) && t.contains(['e', 'E']) {
                let content =
                    content.get_or_insert_with(|| written(&String::from_utf8_lossy(sheet_xml)));
                assert!(
                    content.contains(t),
                    "a number shown with an exponent: {t:?} at {:?}",
                    cell.place
                );
            }
        }
    }
}

pub fn run(data: &[u8]) {
    if let Ok(doc) = crate::sources::xlsx::read(data) {
        check_shape(&doc);
    }
    if let Ok(doc) = crate::sources::xlsx::read(&wrap(data)) {
        check_shape(&doc);
        check_numbers(&doc, data);
    }
}
