//! Text exports → a [`Document`]. Exports arrive as UTF-8 (with or without BOM), UTF-16
//! with BOM, or GB18030/GBK from older Windows tools; line ends may be CRLF or bare CR.
//! Two layouts, recognised from the text:
//!
//! * **rows**: one table row per line, cells separated by tabs; merged cells collapse,
//!   so a value may sit in a different column from row to row;
//! * **cells**: one cell per line, each starting with a tab, rows separated by blank
//!   lines; a line without a leading tab right after a cell continues that cell.
//!
//! Consecutive rows become one grid; lines outside rows become text blocks. Every cell
//! keeps its line number.

use super::{Block, Document, Grid, GridCell, GridRow, Place, SourceError};
use crate::text;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
        })
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("the file is empty: nothing to import")]
    Empty,
    #[error("line {line}: binary data (a NUL byte) in what should be a text export")]
    Binary { line: u32 },
    #[error("line {line}: bytes that are neither UTF-8, UTF-16 nor GB18030 text")]
    Undecodable { line: u32 },
}

/// Decoded text split into lines (1-based numbering is the index + 1).
#[derive(Debug)]
pub struct Decoded {
    pub encoding: Encoding,
    pub lines: Vec<String>,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (encoding, text) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (Encoding::Utf8Bom, utf8(rest)?)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (Encoding::Utf16Le, utf16(rest, encoding_rs::UTF_16LE)?)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (Encoding::Utf16Be, utf16(rest, encoding_rs::UTF_16BE)?)
    } else {
        check_binary(bytes)?;
        match std::str::from_utf8(bytes) {
            Ok(s) => (Encoding::Utf8, s.to_string()),
            Err(_) => {
                let (cow, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
                if had_errors {
                    return Err(DecodeError::Undecodable {
                        line: first_bad_line(&cow),
                    });
                }
                (Encoding::Gb18030, cow.into_owned())
            }
        }
    };
    Ok(Decoded {
        encoding,
        lines: split_lines(&text),
    })
}

fn utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    check_binary(bytes)?;
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| DecodeError::Undecodable {
            line: 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32,
        })
}

fn utf16(bytes: &[u8], enc: &'static encoding_rs::Encoding) -> Result<String, DecodeError> {
    let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(DecodeError::Undecodable {
            line: first_bad_line(&cow),
        });
    }
    if let Some(pos) = cow.find('\0') {
        return Err(DecodeError::Binary {
            line: 1 + cow[..pos].matches('\n').count() as u32,
        });
    }
    Ok(cow.into_owned())
}

fn check_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    match bytes.iter().position(|&b| b == 0) {
        Some(pos) => Err(DecodeError::Binary {
            line: 1 + bytes[..pos].iter().filter(|&&b| b == b'\n').count() as u32,
        }),
        None => Ok(()),
    }
}

fn first_bad_line(text: &str) -> u32 {
    let pos = text.find('\u{FFFD}').unwrap_or(0);
    1 + text[..pos].matches('\n').count() as u32
}

/// Split on LF, CRLF or bare CR, so line numbers match what an editor shows.
pub fn split_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => lines.push(std::mem::take(&mut cur)),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(std::mem::take(&mut cur));
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Read a text export. A text without any table row still reads (as text blocks only);
/// whether it holds a 绩效目标表 is for the forms to say.
pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    let decoded = decode(bytes).map_err(|e| {
        let help = match e {
            DecodeError::Empty => "check that the export or download finished, and pass that file",
            DecodeError::Binary { .. } => {
                "export the document as plain text (.txt), or pass the Word/Excel/HTML file itself"
            }
            DecodeError::Undecodable { .. } => "re-save the export as UTF-8 text",
        };
        SourceError::new(e.to_string(), help)
    })?;
    let layout = detect(&decoded.lines);
    let blocks = match layout {
        Some(Layout::Cells) => cells_layout(&decoded.lines),
        _ => rows_layout(&decoded.lines),
    };
    Ok(Document {
        format: "text",
        layout: layout.map_or("text", Layout::name),
        encoding: decoded.encoding.to_string(),
        sheets: Vec::new(),
        blocks,
        notices: Vec::new(),
        lines: decoded.lines,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Rows,
    Cells,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Rows => "rows",
            Layout::Cells => "cells",
        }
    }
}

/// Decide the layout from the text itself: cell-per-line exports have many lines that
/// are a single leading tab plus text and almost none with two or more tabs.
pub fn detect(lines: &[String]) -> Option<Layout> {
    let mut multi = 0usize;
    let mut single_leading = 0usize;
    for l in lines {
        let tabs = l.matches('\t').count();
        if tabs >= 2 && l.split('\t').filter(|c| !text::clean(c).is_empty()).count() >= 1 {
            multi += 1;
        } else if tabs == 1 && l.starts_with('\t') {
            single_leading += 1;
        }
    }
    if multi == 0 && single_leading == 0 {
        None
    } else if single_leading > multi * 2 {
        Some(Layout::Cells)
    } else {
        Some(Layout::Rows)
    }
}

/// A cell's text without export artefacts (control characters, Word bookmarks, padding).
fn cell_text(raw: &str) -> String {
    text::clean(&text::strip_artifacts(&text::strip_controls(raw))).to_string()
}

/// Rows are appended to the open grid; a text line closes it.
struct Blocks {
    out: Vec<Block>,
    grid: Grid,
}

impl Blocks {
    fn new() -> Self {
        Blocks {
            out: Vec::new(),
            grid: Grid::default(),
        }
    }

    fn row(&mut self, row: GridRow) {
        self.grid.rows.push(row);
    }

    fn text(&mut self, t: String, line: u32) {
        self.close();
        self.out.push(Block::Text {
            text: t,
            place: Place::Line(line),
        });
    }

    fn close(&mut self) {
        if !self.grid.rows.is_empty() {
            self.out.push(Block::Table(std::mem::take(&mut self.grid)));
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.close();
        self.out
    }
}

fn rows_layout(lines: &[String]) -> Vec<Block> {
    let mut b = Blocks::new();
    for (i, l) in lines.iter().enumerate() {
        let line = i as u32 + 1;
        if l.contains('\t') {
            let cells: Vec<GridCell> = l
                .split('\t')
                .enumerate()
                .map(|(c, s)| GridCell::new(c as u32, cell_text(s), Place::Line(line)))
                .collect();
            if cells.iter().all(|c| c.text.is_empty()) {
                continue;
            }
            b.row(GridRow {
                cells,
                hidden: false,
                lines: vec![line],
            });
        } else {
            let t = cell_text(l);
            if !t.is_empty() {
                b.text(t, line);
            }
        }
    }
    b.finish()
}

fn cells_layout(lines: &[String]) -> Vec<Block> {
    let mut b = Blocks::new();
    // Raw cell texts of the row being read: (text lines, first line).
    let mut row: Vec<(Vec<String>, u32)> = Vec::new();
    let mut row_lines: Vec<u32> = Vec::new();
    let flush = |row: &mut Vec<(Vec<String>, u32)>, row_lines: &mut Vec<u32>, b: &mut Blocks| {
        if row.is_empty() {
            return;
        }
        let cells: Vec<GridCell> = row
            .drain(..)
            .enumerate()
            .map(|(col, (parts, line))| {
                // Continuation lines of one cell: keep the line breaks for display.
                let t = parts
                    .iter()
                    .map(|p| cell_text(p))
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                GridCell::new(col as u32, t, Place::Line(line))
            })
            .collect();
        if cells.iter().all(|c| c.text.is_empty()) {
            row_lines.clear();
            return;
        }
        b.row(GridRow {
            cells,
            hidden: false,
            lines: std::mem::take(row_lines),
        });
    };
    let mut in_row = false;
    for (i, l) in lines.iter().enumerate() {
        let line = i as u32 + 1;
        if l.trim_matches(text::is_space).is_empty() && !l.starts_with('\t') {
            // Blank line: ends the row.
            flush(&mut row, &mut row_lines, &mut b);
            in_row = false;
            continue;
        }
        if let Some(cell) = l.strip_prefix('\t') {
            // A further tab inside a cell line is kept as part of the text.
            row.push((vec![cell.replace('\t', " ")], line));
            if !text::clean(cell).is_empty() {
                row_lines.push(line);
            }
            in_row = true;
        } else if in_row && !row.is_empty() {
            if let Some(last) = row.last_mut() {
                last.0.push(l.clone());
            }
            if !text::clean(l).is_empty() {
                row_lines.push(line);
            }
        } else {
            let t = cell_text(l);
            if !t.is_empty() {
                flush(&mut row, &mut row_lines, &mut b);
                b.text(t, line);
            }
        }
    }
    flush(&mut row, &mut row_lines, &mut b);
    b.finish()
}

/// Lines that carry any visible character: the lines the import accounting must cover.
pub fn is_non_empty(line: &str) -> bool {
    line.chars().any(|c| !text::is_space(c) && !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_utf8_with_and_without_bom_and_crlf() {
        let d = decode("项目名称\t甲\r\n部门\t乙\r\n".as_bytes()).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8);
        assert_eq!(d.lines, vec!["项目名称\t甲", "部门\t乙"]);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("项目名称\n".as_bytes());
        let d = decode(&bom).unwrap();
        assert_eq!(d.encoding, Encoding::Utf8Bom);
        assert_eq!(d.lines, vec!["项目名称"]);
    }

    #[test]
    fn accepts_gbk_exports() {
        let (bytes, _, _) =
            encoding_rs::GB18030.encode("项目名称\t禁毒工作经费\n年度资金总额\t10\n");
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, Encoding::Gb18030);
        assert_eq!(d.lines[0], "项目名称\t禁毒工作经费");
    }

    #[test]
    fn accepts_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "项目名称\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!(d.lines, vec!["项目名称"]);
    }

    #[test]
    fn refuses_binary_and_empty_input_with_a_line() {
        assert_eq!(decode(b"").unwrap_err(), DecodeError::Empty);
        assert_eq!(
            decode(b"ok\nPK\x03\x04\x00\x00").unwrap_err(),
            DecodeError::Binary { line: 2 }
        );
        assert!(matches!(
            decode(&[0x81, 0x20, 0xFF, 0xFF]),
            Err(DecodeError::Undecodable { .. })
        ));
    }

    #[test]
    fn bare_cr_line_ends() {
        assert_eq!(split_lines("a\rb\r\nc"), vec!["a", "b", "c"]);
    }
}
