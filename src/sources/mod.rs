//! Source documents → one shape: a [`Document`] of grids of cells and the prose between
//! them, every piece with a [`Place`] a person can find in the original file.
//!
//! One module per format; none of them knows what a 绩效目标表 is (that is `forms`).
//! The format is recognised from the bytes, never from the file name.

pub mod csv;
pub mod docx;
pub mod html;
pub mod pdf;
pub mod text;
pub mod xlsx;

use std::fmt;

/// What a reader made of one file.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// `text`, `xlsx`, `xls`, `ods`, `docx`, `html`, `pdf`.
    pub format: &'static str,
    /// How the tables are laid out: text exports `rows` or `cells`; other formats repeat
    /// their format.
    pub layout: &'static str,
    /// The character encoding or container as read (`utf-8`, `gb18030`, `xlsx`…).
    pub encoding: String,
    /// Names of the grids' containers, indexed by [`Place::Cell::sheet`]: sheet names.
    pub sheets: Vec<String>,
    pub blocks: Vec<Block>,
    /// What the reader saw that a person should know about (hidden sheets and rows,
    /// formulas without a cached value, images): each goes into the import report.
    pub notices: Vec<Notice>,
    /// Text exports only: the decoded lines, which the import accounting covers one by
    /// one (office formats are accounted by their rows and paragraphs).
    pub lines: Vec<String>,
}

impl Document {
    /// The tables, in document order.
    pub fn tables(&self) -> impl Iterator<Item = &Grid> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(g) => Some(g),
            Block::Text { .. } => None,
        })
    }

    /// The text outside tables, in document order, with its place.
    pub fn texts(&self) -> impl Iterator<Item = (&str, Place)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Text { text, place } => Some((text.as_str(), *place)),
            Block::Table(_) => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Table(Grid),
    /// A paragraph or line outside any table (titles, 编制说明, annex labels).
    Text {
        text: String,
        place: Place,
    },
}

/// One table (a Word or HTML table, a sheet, a run of tab-separated text rows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub rows: Vec<GridRow>,
}

impl Grid {
    /// (col, text, rowspan, colspan) of each cell, row by row: a grid's shape at a glance,
    /// for the readers' tests.
    #[cfg(test)]
    pub(crate) fn shape(&self) -> Vec<Vec<(u32, &str, u32, u32)>> {
        self.rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| (c.col, c.text.as_str(), c.rowspan, c.colspan))
                    .collect()
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GridRow {
    /// Cells in column order. A cell covered by a merge from the left or from above is
    /// not listed; the merge's anchor carries `rowspan`/`colspan`.
    pub cells: Vec<GridCell>,
    /// A row hidden in the source (Excel); its cells are still read, and reported.
    pub hidden: bool,
    /// Text exports only: every line the row spans, continuation lines included (office
    /// formats leave it empty: their rows are numbered when the forms read them).
    pub lines: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    /// 0-based column in the grid (after the spans of the cells to its left).
    pub col: u32,
    /// Text as written or displayed; line breaks inside the cell as `\n`; not trimmed
    /// of meaning (readers only drop the markup).
    pub text: String,
    pub rowspan: u32,
    pub colspan: u32,
    pub place: Place,
}

impl GridCell {
    pub fn new(col: u32, text: impl Into<String>, place: Place) -> Self {
        GridCell {
            col,
            text: text.into(),
            rowspan: 1,
            colspan: 1,
            place,
        }
    }
}

/// Where a piece of a source document is, as a person would look for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// A text export: 1-based line.
    Line(u32),
    /// A spreadsheet cell: index into [`Document::sheets`], 1-based row, 0-based column.
    Cell { sheet: u32, row: u32, col: u32 },
    /// A Word or HTML table: 1-based table number in document order, 1-based row.
    TableRow { table: u32, row: u32 },
    /// A Word or HTML paragraph outside tables: 1-based number in document order.
    Paragraph(u32),
    /// A PDF table row: 1-based page, table on that page, row of that table on that page.
    PdfRow { page: u32, table: u32, row: u32 },
    /// A PDF line of text outside tables: 1-based page and line on that page (0: the
    /// page as a whole).
    PdfLine { page: u32, line: u32 },
}

impl Place {
    /// The place as a person would write it next to the file name:
    /// `:123`, `!Sheet1!C12`, ` 表3 第5行`, ` 第4段`.
    pub fn display(&self, doc_sheets: &[String]) -> String {
        match *self {
            Place::Line(n) => format!(":{n}"),
            Place::Cell { sheet, row, col } => {
                let name = doc_sheets
                    .get(sheet as usize)
                    .map(String::as_str)
                    .unwrap_or("?");
                format!("!{name}!{}{row}", column_name(col))
            }
            Place::TableRow { table, row } => format!(" 表{table} 第{row}行"),
            Place::Paragraph(n) => format!(" 第{n}段"),
            Place::PdfRow { page, table, row } => format!(" 第{page}页 表{table} 第{row}行"),
            Place::PdfLine { page, line: 0 } => format!(" 第{page}页"),
            Place::PdfLine { page, line } => format!(" 第{page}页 第{line}行"),
        }
    }
}

/// 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub place: Place,
    /// The text concerned (may be empty).
    pub text: String,
    /// What the reader saw, in Chinese, for the import report.
    pub note: String,
}

/// A file that cannot be read: what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// Where in the file, when known (`:12:5`, `!Sheet1`, ` 表3`).
    pub place: Option<String>,
    pub problem: String,
    pub help: String,
    /// The line at `place` with a caret under the column (empty when there is none).
    pub context: String,
}

impl SourceError {
    pub fn new(problem: impl Into<String>, help: impl Into<String>) -> Self {
        SourceError {
            place: None,
            problem: problem.into(),
            help: help.into(),
            context: String::new(),
        }
    }

    /// At line `line`, column `col` (in characters) of a text whose line reads `text`.
    pub fn at_line(mut self, line: u32, col: u32, text: &str) -> Self {
        self.place = Some(format!(":{line}:{col}"));
        self.context = crate::text::caret_line(text, line as usize, col as usize);
        self
    }

    pub fn at(mut self, place: impl Into<String>) -> Self {
        self.place = Some(place.into());
        self
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem)
    }
}

/// The formats recognised from the first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    /// jixiao's own `projects.csv` download (re-import).
    Csv,
    Xlsx,
    Xls,
    Ods,
    Docx,
    Html,
    Pdf,
    /// Old binary Word (`.doc`) or WPS documents: compound files that are not workbooks.
    OldWord,
    Encrypted,
    Image,
    OtherZip,
}

/// Recognise a format by content. Compound (OLE) files are told apart by the stream
/// names they hold; ZIP packages by their parts.
pub fn sniff(bytes: &[u8]) -> Format {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(b"%PDF") {
        return Format::Pdf;
    }
    if bytes.starts_with(OLE) {
        // An encrypted OOXML workbook or document is an OLE file with these streams.
        let has = |name: &str| {
            let utf16: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            bytes.windows(utf16.len()).any(|w| w == utf16.as_slice())
        };
        if has("EncryptedPackage") || has("EncryptionInfo") {
            return Format::Encrypted;
        }
        if has("Workbook") || has("Book") {
            return Format::Xls;
        }
        return Format::OldWord;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let has = |name: &[u8]| bytes.windows(name.len()).any(|w| w == name);
        if has(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet") {
            return Format::Ods;
        }
        if has(b"word/document.xml") {
            return Format::Docx;
        }
        if has(b"xl/workbook.xml") || has(b"xl/worksheets/") {
            return Format::Xlsx;
        }
        return Format::OtherZip;
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G'])
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF8")
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
    {
        return Format::Image;
    }
    if html::looks_like_html(bytes) {
        return Format::Html;
    }
    if csv::looks_like_export(bytes) {
        return Format::Csv;
    }
    Format::Text
}

/// Read any supported file into a [`Document`]. Formats that carry no readable table
/// (images, old binary Word, encrypted files) get an error saying what to do.
pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    match sniff(bytes) {
        Format::Text => text::read(bytes),
        Format::Xlsx | Format::Xls | Format::Ods => xlsx::read(bytes),
        Format::Docx => docx::read(bytes),
        Format::Html => html::read(bytes),
        Format::Csv => Err(SourceError::new(
            "a jixiao projects.csv download is imported as a whole book, not as a table document",
            "pass the CSV on its own to `jixiao import`",
        )),
        Format::Pdf => pdf::read(bytes),
        Format::OldWord => Err(SourceError::new(
            "this is an old binary Word or WPS document (.doc/.wps), which jixiao cannot read",
            "convert it first: `libreoffice --headless --convert-to docx FILE`, then import the .docx",
        )),
        Format::Encrypted => Err(SourceError::new(
            "this file is password-protected (encrypted), so its tables cannot be read",
            "open it in the office program, remove the password (save a copy without protection), then import that copy",
        )),
        Format::Image => Err(SourceError::new(
            "this is an image, not a document with text; jixiao does not read scans or pictures (no OCR)",
            "import the original Word, Excel, HTML or text file the table was made from",
        )),
        Format::OtherZip => Err(SourceError::new(
            "this is a ZIP file that is neither a Word (.docx) nor a spreadsheet (.xlsx/.ods) document",
            "unpack it and import the documents inside",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_like_a_spreadsheet() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn places_read_as_a_person_writes_them() {
        let sheets = vec!["Sheet1".to_string()];
        assert_eq!(Place::Line(12).display(&sheets), ":12");
        assert_eq!(
            Place::Cell {
                sheet: 0,
                row: 12,
                col: 2
            }
            .display(&sheets),
            "!Sheet1!C12"
        );
        assert_eq!(
            Place::TableRow { table: 3, row: 5 }.display(&sheets),
            " 表3 第5行"
        );
    }

    #[test]
    fn formats_are_recognised_from_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff("项目名称\t甲\n".as_bytes()), Format::Text);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Format::Image);
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend("WordDocument".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(sniff(&ole), Format::OldWord);
    }
}
