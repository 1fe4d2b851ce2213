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
    /// `line` and `col` (in characters) of the first NUL; `text`: that line, readable part.
    #[error("binary data (a NUL byte) in what should be a text export")]
    Binary { line: u32, col: u32, text: String },
    /// The first byte that reads as neither encoding, and its line as far as it reads.
    #[error("bytes that are neither UTF-8, UTF-16 nor GB18030 text")]
    Undecodable { line: u32, col: u32, text: String },
    /// A file that reads as UTF-8 up to a bad byte: damaged there, not in another encoding.
    #[error("a byte that is not UTF-8, in a file that is UTF-8 up to here")]
    BrokenUtf8 { line: u32, col: u32, text: String },
}

impl DecodeError {
    /// `(line, col, text of the line)` when the error has a place.
    pub fn place(&self) -> Option<(u32, u32, &str)> {
        match self {
            DecodeError::Empty => None,
            DecodeError::Binary { line, col, text }
            | DecodeError::Undecodable { line, col, text }
            | DecodeError::BrokenUtf8 { line, col, text } => Some((*line, *col, text)),
        }
    }
}

/// Decoded text split into lines (1-based numbering is the index + 1).
#[derive(Debug)]
pub struct Decoded {
    pub encoding: Encoding,
    pub lines: Vec<String>,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let (encoding, text) = decode_text(bytes)?;
    Ok(Decoded {
        encoding,
        lines: split_lines(&text),
    })
}

/// The whole text, line ends as written (a CSV keeps line breaks inside its cells).
pub fn decode_text(bytes: &[u8]) -> Result<(Encoding, String), DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (encoding, text) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        (Encoding::Utf8Bom, utf8(rest)?)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (Encoding::Utf16Le, utf16(rest, encoding_rs::UTF_16LE)?)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (Encoding::Utf16Be, utf16(rest, encoding_rs::UTF_16BE)?)
    } else if let Some((encoding, text)) = utf16_without_bom(bytes) {
        (encoding, text)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                check_nul(s)?;
                (Encoding::Utf8, s.to_string())
            }
            Err(e) => {
                // Binary data is named as such before GB18030 (which reads almost any
                // bytes) is tried.
                if bytes.contains(&0) {
                    check_nul(&String::from_utf8_lossy(bytes))?;
                }
                let (cow, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
                if had_errors {
                    // Chinese read as UTF-8 before the bad byte: a UTF-8 file, broken there.
                    let valid = &bytes[..e.valid_up_to()];
                    if !valid.is_ascii() {
                        return Err(utf8(bytes).unwrap_err());
                    }
                    return Err(at_char(&cow, '\u{FFFD}', |line, col, text| {
                        DecodeError::Undecodable { line, col, text }
                    }));
                }
                (Encoding::Gb18030, cow.into_owned())
            }
        }
    };
    Ok((encoding, text))
}

fn utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            check_nul(s)?;
            Ok(s.to_string())
        }
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            check_nul(&lossy)?;
            let at = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).len();
            Err(at_offset(&lossy, at, |line, col, text| {
                DecodeError::BrokenUtf8 { line, col, text }
            }))
        }
    }
}

fn utf16(bytes: &[u8], enc: &'static encoding_rs::Encoding) -> Result<String, DecodeError> {
    let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(at_char(&cow, '\u{FFFD}', |line, col, text| {
            DecodeError::Undecodable { line, col, text }
        }));
    }
    check_nul(&cow)?;
    Ok(cow.into_owned())
}

/// UTF-16 saved without its byte-order mark (some Windows tools do): NUL bytes in every
/// other place, and text that reads as ordinary characters in one byte order only.
fn utf16_without_bom(bytes: &[u8]) -> Option<(Encoding, String)> {
    if !bytes.len().is_multiple_of(2) || !bytes.contains(&0) {
        return None;
    }
    // Share of ordinary characters (CJK, ASCII text, full-width forms, line ends) when
    // read in this byte order; `None` when it does not decode.
    let score = |enc: &'static encoding_rs::Encoding| -> Option<(usize, String)> {
        let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
        if had_errors || cow.contains('\0') {
            return None;
        }
        let ordinary = cow
            .chars()
            .filter(|&c| {
                matches!(c, '\t' | '\n' | '\r' | ' '..='~')
                    || ('\u{3000}'..='\u{9FFF}').contains(&c)
                    || ('\u{FF00}'..='\u{FFEF}').contains(&c)
                    || ('\u{00A0}'..='\u{024F}').contains(&c)
                    || ('\u{2000}'..='\u{27BF}').contains(&c)
            })
            .count();
        let n = cow.chars().count();
        (ordinary * 100 >= n * 95).then(|| (ordinary, cow.into_owned()))
    };
    let le = score(encoding_rs::UTF_16LE);
    let be = score(encoding_rs::UTF_16BE);
    match (le, be) {
        (Some((a, t)), Some((b, _))) if a >= b => Some((Encoding::Utf16Le, t)),
        (Some(_), Some((_, t))) | (None, Some((_, t))) => Some((Encoding::Utf16Be, t)),
        (Some((_, t)), None) => Some((Encoding::Utf16Le, t)),
        (None, None) => None,
    }
}

fn check_nul(text: &str) -> Result<(), DecodeError> {
    match text.find('\0') {
        Some(_) => Err(at_char(text, '\0', |line, col, text| DecodeError::Binary {
            line,
            col,
            text,
        })),
        None => Ok(()),
    }
}

/// The place of the first `c` in `text`.
fn at_char(text: &str, c: char, make: impl Fn(u32, u32, String) -> DecodeError) -> DecodeError {
    at_offset(text, text.find(c).unwrap_or(0), make)
}

/// Line, column (in characters) and that line's text for a byte offset.
fn at_offset(text: &str, at: usize, make: impl Fn(u32, u32, String) -> DecodeError) -> DecodeError {
    let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let end = text[at..].find('\n').map_or(text.len(), |p| at + p);
    let line = 1 + text[..start].matches('\n').count() as u32;
    let col = 1 + text[start..at].chars().count() as u32;
    make(
        line,
        col,
        text[start..end].trim_end_matches('\r').to_string(),
    )
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
            DecodeError::BrokenUtf8 { .. } => {
                "the file is damaged at this place (shown as �): export it again, or fix the bytes there"
            }
        };
        let err = SourceError::new(e.to_string(), help);
        match e.place() {
            Some((line, col, text)) => err.at_line(line, col, text),
            None => err,
        }
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
            decode(b"ok\nPK\x03\x04\x00\x00").unwrap_err().place(),
            Some((2, 5, "PK\u{3}\u{4}\0\0"))
        );
        assert!(matches!(
            decode(&[0x81, 0x20, 0xFF, 0xFF]),
            Err(DecodeError::Undecodable { .. })
        ));
    }

    #[test]
    fn utf16_without_a_byte_order_mark_reads_in_the_right_order() {
        let text = "部门（单位）预算项目支出绩效目标表\n项目名称\t禁毒工作经费\n年度资金总额\t10\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let d = decode(&le).unwrap();
        assert_eq!(
            (d.encoding, d.lines[1].as_str()),
            (Encoding::Utf16Le, "项目名称\t禁毒工作经费")
        );
        let d = decode(&be).unwrap();
        assert_eq!(
            (d.encoding, d.lines[2].as_str()),
            (Encoding::Utf16Be, "年度资金总额\t10")
        );
        // Binary data with NULs is not mistaken for UTF-16.
        let zip = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb2\x1b";
        assert!(
            matches!(decode(zip), Err(DecodeError::Binary { .. })),
            "{:?}",
            decode(zip)
        );
    }

    #[test]
    fn bare_cr_line_ends() {
        assert_eq!(split_lines("a\rb\r\nc"), vec!["a", "b", "c"]);
    }
}
