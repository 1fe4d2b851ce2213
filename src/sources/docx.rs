//! Word `.docx` → [`Document`]: the tables of `word/document.xml` as grids (merged cells
//! as `rowspan`/`colspan` on their anchor) and the paragraphs between them as text.
//!
//! The part is streamed with `quick_xml` (no tree is built) and read at most
//! [`MAX_DOCUMENT_XML`] bytes far, so a ZIP bomb is refused rather than inflated.
//!
//! What is read and how:
//! - body paragraphs → [`Block::Text`], numbered among the non-empty ones;
//! - every `w:tbl` → [`Block::Table`], numbered 1.. in the order tables start. A table
//!   inside a cell (or a text box) becomes a table of its own, listed after the table
//!   around it, with a [`Notice`]; the outer cell keeps only its own text;
//! - `w:gridSpan`, `w:gridBefore`, `w:vMerge` and the legacy `w:hMerge` become spans;
//!   cells covered by a merge are not listed (text in them goes to the anchor);
//! - tracked insertions are kept, tracked deletions (`w:del`, `w:moveFrom`, deleted table
//!   rows) dropped; field codes, ruby annotations and the grey prompt of an empty content
//!   control are not text;
//! - of an `mc:AlternateContent` only the first choice is read (the fallback repeats it);
//! - text boxes' paragraphs become text blocks after the paragraph or table holding them;
//!   pictures, charts and embedded objects become notices.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, BufReader, Cursor, Read};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;
use zip::result::ZipError;

use super::{Block, Document, Grid, GridCell, GridRow, Notice, Place, SourceError};

/// The main part of a Word package, where Word itself writes it.
const MAIN_PART: &str = "word/document.xml";
/// The largest `word/document.xml` read (uncompressed). Real forms are a few MB at most.
pub const MAX_DOCUMENT_XML: u64 = 200 * 1024 * 1024;
/// `_rels/.rels` is read only to find a main part stored under another name.
const MAX_RELS: u64 = 1024 * 1024;
/// Widest span (`w:gridSpan`, `w:gridBefore`) believed; Word allows 63 columns.
const MAX_SPAN: u32 = 1000;
/// Cells starting right of this grid column are not read (a notice says so).
const MAX_COL: u64 = 10_000;
/// Elements nested deeper than this (Word's own stay under a hundred) stop the reading.
const MAX_DEPTH: usize = 2_000;
/// Table rows and cells in one document, beyond which the reading stops: `<w:tc/>` is
/// 7 bytes of XML but a cell in memory, so a highly compressible part could otherwise
/// take gigabytes.
const MAX_GRID_ITEMS: usize = 2_000_000;

const HELP_RESAVE: &str = "open the file in Word, WPS or LibreOffice and save it again as a Word document (.docx), then import that copy";

/// Read a `.docx` (or `.docm`) package.
pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        SourceError::new(
            format!("this .docx file is not a readable ZIP package ({e})"),
            HELP_RESAVE,
        )
    })?;
    let part = main_part_name(&mut zip)?;
    let file = zip.by_name(&part).map_err(|e| part_error(&part, e))?;
    if file.encrypted() {
        return Err(SourceError::new(
            format!("{part} inside this .docx is encrypted"),
            "open it in the office program, remove the password (save a copy without protection), then import that copy",
        ));
    }
    if file.size() > MAX_DOCUMENT_XML {
        return Err(too_large(&part));
    }
    let mut input = BufReader::with_capacity(
        64 * 1024,
        Limited {
            inner: file,
            left: MAX_DOCUMENT_XML,
        },
    );
    let head = input.fill_buf().map_err(|e| io_error(&part, &e))?;
    let utf16 = match head {
        [0xFF, 0xFE, ..] | [b'<', 0, b'?', 0, ..] => Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] | [0, b'<', 0, b'?', ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    match utf16 {
        None => parse(Reader::from_reader(input), &part),
        // OOXML parts may be UTF-16 (Word itself writes UTF-8).
        Some(encoding) => {
            let mut raw = Vec::new();
            input
                .read_to_end(&mut raw)
                .map_err(|e| io_error(&part, &e))?;
            let (text, had_errors) = encoding.decode_with_bom_removal(&raw);
            if had_errors {
                return Err(SourceError::new(
                    format!("{part} inside this .docx is not valid UTF-16 text"),
                    HELP_RESAVE,
                ));
            }
            parse(Reader::from_str(&text), &part)
        }
    }
}

/// Stream the events of the main part through a [`Parser`].
fn parse<R: BufRead>(mut reader: Reader<R>, part: &str) -> Result<Document, SourceError> {
    let mut parser = Parser::default();
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(event) => event,
            Err(e) => return Err(xml_error(part, &e, reader.error_position())),
        };
        parser.event(event).map_err(|problem| {
            SourceError::new(
                format!("{part} inside this .docx cannot be read: {problem}"),
                HELP_RESAVE,
            )
        })?;
        buf.clear();
    }
    parser.finish(part)
}

/// `word/document.xml`, or the part `_rels/.rels` names as the main document when a
/// program stored it elsewhere.
fn main_part_name(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Result<String, SourceError> {
    if zip.index_for_name(MAIN_PART).is_some() {
        return Ok(MAIN_PART.to_string());
    }
    if let Some(target) = office_document_target(zip)
        && zip.index_for_name(&target).is_some()
    {
        return Ok(target);
    }
    Err(SourceError::new(
        format!(
            "this ZIP package has no {MAIN_PART}, so it is not a Word document (or it is damaged)"
        ),
        "if it is a Word file, open it in Word, WPS or LibreOffice and save it again as .docx; otherwise unpack it and import the documents inside",
    ))
}

/// The `Target` of the `officeDocument` relationship in `_rels/.rels`, if readable.
fn office_document_target(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Option<String> {
    let mut xml = String::new();
    zip.by_name("_rels/.rels")
        .ok()?
        .take(MAX_RELS)
        .read_to_string(&mut xml)
        .ok()?;
    let mut reader = Reader::from_str(&xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().into_inner() == "Relationship" =>
            {
                let kind = attr(&e, "Type").unwrap_or_default();
                if kind.ends_with("/officeDocument") {
                    let target = attr(&e, "Target")?;
                    return Some(target.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

fn part_error(part: &str, e: ZipError) -> SourceError {
    SourceError::new(
        format!("{part} cannot be opened inside this .docx ({e})"),
        HELP_RESAVE,
    )
}

fn too_large(part: &str) -> SourceError {
    SourceError::new(
        format!(
            "{part} inside this .docx is larger than {} MB uncompressed; jixiao does not read it (a damaged file or a ZIP bomb)",
            MAX_DOCUMENT_XML / (1024 * 1024)
        ),
        "split the document into smaller files, or save only the tables to import as a new .docx",
    )
}

fn io_error(part: &str, e: &io::Error) -> SourceError {
    if e.get_ref().is_some_and(|inner| inner.is::<TooLarge>()) {
        return too_large(part);
    }
    SourceError::new(
        format!("{part} is damaged inside this .docx and cannot be unpacked ({e})"),
        HELP_RESAVE,
    )
}

fn xml_error(part: &str, e: &quick_xml::Error, position: u64) -> SourceError {
    if let quick_xml::Error::Io(io) = e {
        return io_error(part, io);
    }
    let near = if position > 0 {
        format!(", near byte {position}")
    } else {
        String::new()
    };
    SourceError::new(
        format!("{part} inside this .docx is not well-formed XML ({e}{near})"),
        HELP_RESAVE,
    )
}

/// The value of the attribute whose local name is `name` (any prefix), unescaped.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().into_inner() == name)
        .map(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.clone().into_owned())
        })
}

/// A `w:val` read as a span: 1..=[`MAX_SPAN`], 1 when missing or not a number.
fn span_value(e: &BytesStart<'_>) -> u32 {
    attr(e, "val")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_SPAN)
}

/// Marks the read that went past [`MAX_DOCUMENT_XML`].
#[derive(Debug)]
struct TooLarge;

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("part larger than the limit")
    }
}

impl std::error::Error for TooLarge {}

/// A reader that fails (instead of stopping quietly) past `left` bytes.
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(TooLarge)),
            };
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------
// The event handler.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Any element read through (its children are handled as if they were its parent's).
    Other,
    Para,
    /// `w:t`: its text is the run's text.
    T,
    Table,
    Row,
    Cell,
    TcPr,
    TrPr,
    /// `w:txbxContent`: paragraphs of a text box.
    Txbx,
    /// `w:drawing`, `w:pict`, `w:object`: only text boxes inside are read.
    Drawing,
    /// `mc:AlternateContent`; `taken` once a choice has been read.
    Alt {
        taken: bool,
    },
    /// `w:sdt`; `placeholder` when its content is the prompt of an empty control.
    Sdt {
        placeholder: bool,
    },
    SdtPr,
    /// The `w:sdtContent` of a control showing its placeholder prompt.
    Placeholder,
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    kind: Kind,
    /// Children are inside a drawing and outside its text boxes: not document text.
    ignore: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    /// Paragraphs go into the open cell of `tables[i]`.
    Cell(usize),
    /// Paragraphs of a text box.
    Txbx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Merge {
    #[default]
    No,
    Restart,
    Continue,
}

impl Merge {
    fn from_val(val: Option<String>) -> Merge {
        match val.as_deref().map(str::trim) {
            None | Some("continue") => Merge::Continue,
            Some("restart") => Merge::Restart,
            Some(_) => Merge::No,
        }
    }
}

#[derive(Debug, Default)]
struct ParaBuf {
    text: String,
    seq: u64,
}

#[derive(Debug)]
struct CellBuf {
    col: u64,
    colspan: u32,
    vmerge: Merge,
    hmerge: Merge,
    paras: Vec<String>,
}

#[derive(Debug)]
struct CellDone {
    col: u32,
    colspan: u32,
    vmerge: Merge,
    hmerge: Merge,
    text: String,
}

#[derive(Debug, Default)]
struct RowBuf {
    next_col: u64,
    deleted: bool,
    cells: Vec<CellDone>,
    cell: Option<CellBuf>,
    too_wide: bool,
}

#[derive(Debug)]
struct TableBuf {
    number: u32,
    seq: u64,
    rows: Vec<GridRow>,
    /// Vertical merges still open after the last row: start column → (row, cell) index
    /// of the anchor.
    open: BTreeMap<u32, (usize, usize)>,
    row: Option<RowBuf>,
}

#[derive(Debug)]
struct DrawingBuf {
    has_text: bool,
    has_picture: bool,
    object: bool,
    descr: String,
}

#[derive(Debug)]
enum Item {
    Para(String),
    Table(Grid),
}

#[derive(Debug, Default)]
struct Parser {
    seen_root: bool,
    frames: Vec<Frame>,
    /// Depth inside a subtree being skipped (0: not skipping).
    skip: usize,
    /// Depth inside placeholder content: its text is not read.
    placeholder: usize,
    paras: Vec<ParaBuf>,
    containers: Vec<Container>,
    tables: Vec<TableBuf>,
    drawings: Vec<DrawingBuf>,
    /// Order in which paragraphs and tables start.
    seq: u64,
    table_count: u32,
    para_count: u32,
    /// Rows and cells opened so far (see [`MAX_GRID_ITEMS`]).
    grid_items: usize,
    /// Finished paragraphs and tables waiting for the body-level element holding them
    /// to end, emitted in `seq` order.
    done: Vec<(u64, Item)>,
    /// Notices about body paragraphs, placed when the paragraph is numbered.
    body_notices: Vec<(String, String)>,
    blocks: Vec<Block>,
    notices: Vec<Notice>,
}

/// Elements whose whole content is not document text.
const SKIPPED: &[&str] = &[
    "del",
    "moveFrom",
    "delText",
    "delInstrText",
    "instrText",
    "rt",
    "fldData",
    "sectPr",
    "tblGrid",
    "tblPrEx",
    "background",
    "customXmlPr",
];

fn is_skipped(name: &str) -> bool {
    SKIPPED.contains(&name) || name.ends_with("Pr") || name.ends_with("Change")
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Adds `more` to a merge anchor's text (a covered cell that still holds text).
fn append_text(text: &mut String, more: &str) {
    if more.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(more);
}

impl Parser {
    fn event(&mut self, event: Event<'_>) -> Result<(), String> {
        match event {
            Event::Start(e) => self.open(&e, false)?,
            Event::Empty(e) => self.open(&e, true)?,
            Event::End(_) => self.end(),
            Event::Text(t) if self.in_text() => self.push_run_text(&t.xml10_content()),
            Event::CData(t) if self.in_text() => self.push_run_text(&t.xml10_content()),
            Event::GeneralRef(r) if self.in_text() => match r.resolve_char_ref() {
                Ok(Some(c)) => self.push_run_text(c.encode_utf8(&mut [0u8; 4])),
                Ok(None) => match resolve_predefined_entity(&r) {
                    Some(s) => self.push_run_text(s),
                    // An entity Word never writes: kept as written.
                    None => self.push_run_text(&format!("&{};", &*r)),
                },
                // A reference to a character XML does not allow: dropped.
                Err(_) => {}
            },
            _ => {}
        }
        Ok(())
    }

    fn in_text(&self) -> bool {
        self.skip == 0
            && self.placeholder == 0
            && self.frames.last().is_some_and(|f| f.kind == Kind::T)
    }

    fn open(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), String> {
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return Ok(());
        }
        let local = e.local_name();
        let name = local.into_inner();
        if !self.seen_root {
            self.seen_root = true;
            if name != "document" {
                let root: String = e.name().as_ref().chars().take(40).collect();
                return Err(if root.chars().all(|c| !c.is_control()) {
                    format!("its root element is <{root}>, not a Word <w:document>")
                } else {
                    "it does not begin with a Word <w:document> element (an unknown encoding?)"
                        .to_string()
                });
            }
        }
        let parent = self.frames.last().copied();
        let ignore = parent.is_some_and(|f| f.ignore);

        let kind = if let Some(Frame {
            kind: Kind::Alt { taken },
            ..
        }) = self.frames.last_mut()
            && (name == "Choice" || name == "Fallback")
        {
            if *taken {
                None
            } else {
                *taken = true;
                Some(Kind::Other)
            }
        } else if ignore {
            self.open_in_drawing(name, e)
        } else {
            self.open_text(name, e, parent.map(|f| f.kind))
        };

        if matches!(kind, Some(Kind::Row | Kind::Cell)) {
            self.grid_items += 1;
            if self.grid_items > MAX_GRID_ITEMS {
                return Err(format!(
                    "it has more than {MAX_GRID_ITEMS} table rows and cells"
                ));
            }
        }
        match kind {
            None => {
                if !empty {
                    self.skip = 1;
                }
            }
            Some(kind) if empty => self.close(kind),
            Some(kind) => {
                if self.frames.len() >= MAX_DEPTH {
                    return Err(format!(
                        "its elements are nested more than {MAX_DEPTH} deep"
                    ));
                }
                let ignore = match kind {
                    Kind::Drawing => true,
                    Kind::Txbx => false,
                    _ => ignore,
                };
                self.frames.push(Frame { kind, ignore });
            }
        }
        Ok(())
    }

    /// An element inside a drawing, outside its text boxes.
    fn open_in_drawing(&mut self, name: &str, e: &BytesStart<'_>) -> Option<Kind> {
        match name {
            "txbxContent" => {
                self.containers.push(Container::Txbx);
                Some(Kind::Txbx)
            }
            "AlternateContent" => Some(Kind::Alt { taken: false }),
            "docPr" => {
                if let Some(d) = self.drawings.last_mut()
                    && d.descr.is_empty()
                {
                    d.descr = attr(e, "descr")
                        .filter(|s| !s.trim().is_empty())
                        .or_else(|| attr(e, "title"))
                        .unwrap_or_default();
                }
                Some(Kind::Other)
            }
            "pic" | "blip" | "imagedata" | "chart" | "relIds" | "OLEObject" | "contentPart" => {
                if let Some(d) = self.drawings.last_mut() {
                    d.has_picture = true;
                }
                Some(Kind::Other)
            }
            _ => Some(Kind::Other),
        }
    }

    /// An element of the document's text (body, cells, text boxes).
    fn open_text(&mut self, name: &str, e: &BytesStart<'_>, parent: Option<Kind>) -> Option<Kind> {
        match name {
            "p" => {
                self.seq += 1;
                self.paras.push(ParaBuf {
                    text: String::new(),
                    seq: self.seq,
                });
                Some(Kind::Para)
            }
            "t" => Some(Kind::T),
            "tab" | "ptab" => {
                self.push_text(" ");
                Some(Kind::Other)
            }
            "br" | "cr" => {
                self.push_text("\n");
                Some(Kind::Other)
            }
            "noBreakHyphen" => {
                self.push_text("-");
                Some(Kind::Other)
            }
            "tbl" => {
                self.open_table();
                Some(Kind::Table)
            }
            "tr" => match self.tables.last_mut() {
                Some(t) if t.row.is_none() => {
                    t.row = Some(RowBuf::default());
                    Some(Kind::Row)
                }
                _ => Some(Kind::Other),
            },
            "tc" => {
                let index = self.tables.len().wrapping_sub(1);
                match self.tables.get_mut(index).and_then(|t| t.row.as_mut()) {
                    Some(row) if row.cell.is_none() => {
                        row.cell = Some(CellBuf {
                            col: row.next_col,
                            colspan: 1,
                            vmerge: Merge::No,
                            hmerge: Merge::No,
                            paras: Vec::new(),
                        });
                        self.containers.push(Container::Cell(index));
                        Some(Kind::Cell)
                    }
                    _ => Some(Kind::Other),
                }
            }
            "tcPr" if parent == Some(Kind::Cell) => Some(Kind::TcPr),
            "trPr" if parent == Some(Kind::Row) => Some(Kind::TrPr),
            "gridSpan" | "vMerge" | "hMerge" if parent == Some(Kind::TcPr) => {
                if let Some(cell) = self.open_cell() {
                    match name {
                        "gridSpan" => cell.colspan = span_value(e),
                        "vMerge" => cell.vmerge = Merge::from_val(attr(e, "val")),
                        _ => cell.hmerge = Merge::from_val(attr(e, "val")),
                    }
                }
                Some(Kind::Other)
            }
            "gridBefore" | "del" if parent == Some(Kind::TrPr) => {
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    if name == "del" {
                        row.deleted = true;
                    } else if row.cells.is_empty() && row.cell.is_none() {
                        row.next_col += u64::from(span_value(e));
                    }
                }
                Some(Kind::Other)
            }
            "txbxContent" => {
                self.containers.push(Container::Txbx);
                Some(Kind::Txbx)
            }
            "drawing" | "pict" | "object" => {
                self.drawings.push(DrawingBuf {
                    has_text: false,
                    has_picture: false,
                    object: name == "object",
                    descr: String::new(),
                });
                Some(Kind::Drawing)
            }
            "AlternateContent" => Some(Kind::Alt { taken: false }),
            "sdt" => Some(Kind::Sdt { placeholder: false }),
            "sdtPr" if matches!(parent, Some(Kind::Sdt { .. })) => Some(Kind::SdtPr),
            "showingPlcHdr" if parent == Some(Kind::SdtPr) => {
                let n = self.frames.len();
                if n >= 2
                    && let Kind::Sdt { placeholder } = &mut self.frames[n - 2].kind
                {
                    *placeholder = !matches!(
                        attr(e, "val").as_deref().map(str::trim),
                        Some("false" | "0" | "off")
                    );
                }
                Some(Kind::Other)
            }
            "sdtContent" if parent == Some(Kind::Sdt { placeholder: true }) => {
                self.placeholder += 1;
                Some(Kind::Placeholder)
            }
            "altChunk" => {
                self.notice_here(
                    String::new(),
                    "嵌入的外部文档内容（altChunk，未读取）".to_string(),
                );
                None
            }
            _ if is_skipped(name) => None,
            _ => Some(Kind::Other),
        }
    }

    fn open_cell(&mut self) -> Option<&mut CellBuf> {
        self.tables.last_mut()?.row.as_mut()?.cell.as_mut()
    }

    fn open_table(&mut self) {
        self.table_count = self.table_count.saturating_add(1);
        self.seq += 1;
        let number = self.table_count;
        match self.containers.last() {
            Some(Container::Cell(i)) => {
                let outer = self.tables.get(*i).map_or(0, |t| t.number);
                self.notice_here(
                    String::new(),
                    format!("表{number} 嵌套在表{outer} 的单元格中，单独读取"),
                );
            }
            Some(Container::Txbx) => {
                self.notice_here(String::new(), format!("表{number} 在文本框中，单独读取"));
            }
            None => {}
        }
        self.tables.push(TableBuf {
            number,
            seq: self.seq,
            rows: Vec::new(),
            open: BTreeMap::new(),
            row: None,
        });
    }

    /// A break, tab or hyphen inside a run.
    fn push_text(&mut self, s: &str) {
        if self.placeholder > 0 {
            return;
        }
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    /// The content of a `w:t`.
    fn push_run_text(&mut self, s: &str) {
        let Some(p) = self.paras.last_mut() else {
            return;
        };
        p.text.push_str(s);
        if let Some(d) = self.drawings.last_mut()
            && !s.trim().is_empty()
        {
            d.has_text = true;
        }
    }

    fn end(&mut self) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        if let Some(frame) = self.frames.pop() {
            self.close(frame.kind);
        }
    }

    fn close(&mut self, kind: Kind) {
        match kind {
            Kind::Para => {
                if let Some(p) = self.paras.pop() {
                    self.end_paragraph(p);
                }
            }
            Kind::Table => self.end_table(),
            Kind::Row => self.end_row(),
            Kind::Cell => {
                self.end_cell();
                self.containers.pop();
            }
            Kind::Txbx => {
                self.containers.pop();
            }
            Kind::Drawing => self.end_drawing(),
            Kind::Placeholder => self.placeholder = self.placeholder.saturating_sub(1),
            Kind::Other
            | Kind::T
            | Kind::TcPr
            | Kind::TrPr
            | Kind::Alt { .. }
            | Kind::Sdt { .. }
            | Kind::SdtPr => {}
        }
    }

    fn end_paragraph(&mut self, p: ParaBuf) {
        match self.containers.last() {
            Some(Container::Cell(i)) => {
                if let Some(cell) = self
                    .tables
                    .get_mut(*i)
                    .and_then(|t| t.row.as_mut())
                    .and_then(|r| r.cell.as_mut())
                {
                    cell.paras.push(p.text);
                }
            }
            Some(Container::Txbx) | None => {
                let text = p.text.trim();
                if !text.is_empty() {
                    self.done.push((p.seq, Item::Para(text.to_string())));
                }
                self.flush_at_body_level();
            }
        }
    }

    fn end_cell(&mut self) {
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        let Some(row) = t.row.as_mut() else {
            return;
        };
        let Some(cell) = row.cell.take() else {
            return;
        };
        row.next_col = cell.col + u64::from(cell.colspan);
        if cell.col > MAX_COL {
            if !row.too_wide {
                row.too_wide = true;
                let place = Place::TableRow {
                    table: t.number,
                    row: to_u32(t.rows.len() + 1),
                };
                self.notices.push(Notice {
                    place,
                    text: String::new(),
                    note: format!("第{MAX_COL}列以右的单元格未读取"),
                });
            }
            return;
        }
        let text = cell.paras.join("\n").trim().to_string();
        row.cells.push(CellDone {
            col: cell.col as u32,
            colspan: cell.colspan,
            vmerge: cell.vmerge,
            hmerge: cell.hmerge,
            text,
        });
    }

    fn end_row(&mut self) {
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        let Some(row) = t.row.take() else {
            return;
        };
        if row.deleted {
            // A tracked deletion of the whole row: as if accepted.
            return;
        }
        let row_index = t.rows.len();
        let place = Place::TableRow {
            table: t.number,
            row: to_u32(row_index + 1),
        };
        let mut cells: Vec<GridCell> = Vec::with_capacity(row.cells.len());
        let mut open = BTreeMap::new();
        for c in row.cells {
            if c.hmerge == Merge::Continue
                && let Some(last) = cells.last_mut()
                && u64::from(last.col) + u64::from(last.colspan) == u64::from(c.col)
            {
                last.colspan = last.colspan.saturating_add(c.colspan);
                append_text(&mut last.text, &c.text);
                continue;
            }
            if c.vmerge == Merge::Continue
                && let Some(&(r, i)) = t.open.get(&c.col)
                && let Some(anchor) = t.rows.get_mut(r).and_then(|row| row.cells.get_mut(i))
            {
                anchor.rowspan = anchor.rowspan.saturating_add(1);
                append_text(&mut anchor.text, &c.text);
                open.insert(c.col, (r, i));
                continue;
            }
            // A restart, or a continuation with nothing above to continue: an anchor.
            if c.vmerge != Merge::No {
                open.insert(c.col, (row_index, cells.len()));
            }
            cells.push(GridCell {
                col: c.col,
                text: c.text,
                rowspan: 1,
                colspan: c.colspan,
                place,
            });
        }
        t.open = open;
        t.rows.push(GridRow {
            cells,
            hidden: false,
            lines: Vec::new(),
        });
    }

    fn end_table(&mut self) {
        let Some(t) = self.tables.pop() else {
            return;
        };
        self.done.push((t.seq, Item::Table(Grid { rows: t.rows })));
        self.flush_at_body_level();
    }

    fn end_drawing(&mut self) {
        let Some(d) = self.drawings.pop() else {
            return;
        };
        if d.has_text {
            if let Some(outer) = self.drawings.last_mut() {
                outer.has_text = true;
            }
        } else if d.object {
            self.notice_here(d.descr, "嵌入对象（未读取）".to_string());
        } else if d.has_picture {
            self.notice_here(d.descr, "图片（未读取）".to_string());
        }
        // A shape without text or picture (a line, a frame) is decoration.
    }

    /// A notice about the element being read: the row of the innermost table, or the
    /// body paragraph (placed when it is numbered).
    fn notice_here(&mut self, text: String, note: String) {
        if let Some(t) = self.tables.last() {
            self.notices.push(Notice {
                place: Place::TableRow {
                    table: t.number,
                    row: to_u32(t.rows.len() + 1),
                },
                text,
                note,
            });
        } else {
            self.body_notices.push((text, note));
        }
    }

    /// Once nothing but body-level wrappers is open, emit what was finished, in the order
    /// it started.
    fn flush_at_body_level(&mut self) {
        if self.paras.is_empty() && self.tables.is_empty() && self.containers.is_empty() {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let mut done = std::mem::take(&mut self.done);
        done.sort_by_key(|(seq, _)| *seq);
        let mut first_para = None;
        for (_, item) in done {
            match item {
                Item::Para(text) => {
                    self.para_count = self.para_count.saturating_add(1);
                    first_para.get_or_insert(self.para_count);
                    self.blocks.push(Block::Text {
                        text,
                        place: Place::Paragraph(self.para_count),
                    });
                }
                Item::Table(grid) => self.blocks.push(Block::Table(grid)),
            }
        }
        let n = first_para.unwrap_or(self.para_count).max(1);
        for (text, note) in std::mem::take(&mut self.body_notices) {
            self.notices.push(Notice {
                place: Place::Paragraph(n),
                text,
                note,
            });
        }
    }

    fn finish(mut self, part: &str) -> Result<Document, SourceError> {
        if !self.seen_root {
            return Err(SourceError::new(
                format!("{part} inside this .docx holds no XML element (empty or damaged)"),
                HELP_RESAVE,
            ));
        }
        if !self.frames.is_empty() || self.skip > 0 {
            return Err(SourceError::new(
                format!("{part} inside this .docx ends in the middle of the document (cut short)"),
                HELP_RESAVE,
            ));
        }
        self.flush();
        Ok(Document {
            format: "docx",
            layout: "docx",
            encoding: "docx".into(),
            sheets: Vec::new(),
            blocks: self.blocks,
            notices: self.notices,
            lines: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" mc:Ignorable=""><w:body>"#;
    const TAIL: &str =
        r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in parts {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn docx_xml(xml: &str) -> Vec<u8> {
        zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            (MAIN_PART, xml.as_bytes()),
        ])
    }

    fn docx(body: &str) -> Vec<u8> {
        docx_xml(&format!("{HEAD}{body}{TAIL}"))
    }

    fn p(text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#
        )
    }

    /// A cell: `props` inside `w:tcPr`, then one paragraph per line of `text`.
    fn tc(props: &str, text: &str) -> String {
        let paras: String = if text.is_empty() {
            "<w:p/>".to_string()
        } else {
            text.split('\n').map(p).collect()
        };
        format!(r#"<w:tc><w:tcPr><w:tcW w:w="1728" w:type="dxa"/>{props}</w:tcPr>{paras}</w:tc>"#)
    }

    fn tr(cells: &[String]) -> String {
        format!(
            "<w:tr><w:trPr><w:trHeight w:val=\"400\"/></w:trPr>{}</w:tr>",
            cells.concat()
        )
    }

    fn tbl(rows: &[String]) -> String {
        format!(
            r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr><w:tblGrid><w:gridCol w:w="1728"/></w:tblGrid>{}</w:tbl>"#,
            rows.concat()
        )
    }

    fn read_ok(bytes: &[u8]) -> Document {
        let doc = read(bytes).unwrap_or_else(|e| panic!("read failed: {e:?}"));
        check_document(&doc);
        doc
    }

    /// The properties the fuzz target checks, on every test document.
    fn check_document(doc: &Document) {
        assert_eq!(doc.format, "docx");
        let mut table = 0;
        let mut para = 0;
        for block in &doc.blocks {
            match block {
                Block::Table(grid) => {
                    table += 1;
                    for (r, row) in grid.rows.iter().enumerate() {
                        let mut end = 0u64;
                        for cell in &row.cells {
                            assert!(cell.colspan >= 1 && cell.rowspan >= 1, "{cell:?}");
                            assert!(u64::from(cell.col) >= end, "cells overlap: {row:?}");
                            end = u64::from(cell.col) + u64::from(cell.colspan);
                            assert_eq!(
                                cell.place,
                                Place::TableRow {
                                    table,
                                    row: r as u32 + 1
                                }
                            );
                            assert!(r + cell.rowspan as usize <= grid.rows.len());
                        }
                    }
                }
                Block::Text { text, place } => {
                    para += 1;
                    assert_eq!(*place, Place::Paragraph(para));
                    assert!(!text.trim().is_empty());
                }
            }
        }
    }

    fn tables(doc: &Document) -> Vec<&Grid> {
        doc.tables().collect()
    }

    fn texts(doc: &Document) -> Vec<(&str, Place)> {
        doc.texts().collect()
    }

    /// (col, text, rowspan, colspan) of each cell, row by row.
    fn shape(grid: &Grid) -> Vec<Vec<(u32, &str, u32, u32)>> {
        grid.shape()
    }

    #[test]
    fn grid_span_moves_the_next_cells() {
        let body = tbl(&[
            tr(&[
                tc("", "项目名称"),
                tc(r#"<w:gridSpan w:val="3"/>"#, "甲项目"),
            ]),
            tr(&[tc("", "a"), tc("", "b"), tc("", "c"), tc("", "d")]),
            tr(&[
                tc(r#"<w:gridSpan w:val="2"/>"#, "ab"),
                tc(r#"<w:gridSpan w:val="x"/>"#, "c"),
                tc("", "d"),
            ]),
        ]);
        let doc = read_ok(&docx(&body));
        assert_eq!(doc.layout, "docx");
        assert_eq!(doc.encoding, "docx");
        let t = tables(&doc);
        assert_eq!(t.len(), 1);
        assert_eq!(
            shape(t[0]),
            vec![
                vec![(0, "项目名称", 1, 1), (1, "甲项目", 1, 3)],
                vec![
                    (0, "a", 1, 1),
                    (1, "b", 1, 1),
                    (2, "c", 1, 1),
                    (3, "d", 1, 1)
                ],
                vec![(0, "ab", 1, 2), (2, "c", 1, 1), (3, "d", 1, 1)],
            ]
        );
    }

    #[test]
    fn grid_before_starts_the_row_further_right() {
        let body = tbl(&[
            tr(&[tc("", "a"), tc("", "b"), tc("", "c")]),
            r#"<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>b2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>c2</w:t></w:r></w:p></w:tc></w:tr>"#.to_string(),
        ]);
        let doc = read_ok(&docx(&body));
        assert_eq!(
            shape(tables(&doc)[0])[1],
            vec![(1, "b2", 1, 1), (2, "c2", 1, 1)]
        );
    }

    #[test]
    fn vertical_merge_gives_the_anchor_a_rowspan() {
        let restart = r#"<w:vMerge w:val="restart"/>"#;
        let body = tbl(&[
            tr(&[
                tc(restart, "项目资金（万元）"),
                tc("", "年度资金总额"),
                tc("", "315"),
            ]),
            tr(&[
                tc("<w:vMerge/>", ""),
                tc("", "其中：财政拨款"),
                tc("", "315"),
            ]),
            tr(&[
                tc(r#"<w:vMerge w:val="continue"/>"#, ""),
                tc("", "其他资金"),
                tc("", "0"),
            ]),
            tr(&[
                tc("", "总体目标"),
                tc(r#"<w:gridSpan w:val="2"/>"#, "完成规划编制"),
            ]),
            // A continuation with nothing open above it stands on its own.
            tr(&[tc("", "x"), tc("<w:vMerge/>", "孤"), tc("", "y")]),
        ]);
        let doc = read_ok(&docx(&body));
        assert_eq!(
            shape(tables(&doc)[0]),
            vec![
                vec![
                    (0, "项目资金（万元）", 3, 1),
                    (1, "年度资金总额", 1, 1),
                    (2, "315", 1, 1)
                ],
                vec![(1, "其中：财政拨款", 1, 1), (2, "315", 1, 1)],
                vec![(1, "其他资金", 1, 1), (2, "0", 1, 1)],
                vec![(0, "总体目标", 1, 1), (1, "完成规划编制", 1, 2)],
                vec![(0, "x", 1, 1), (1, "孤", 1, 1), (2, "y", 1, 1)],
            ]
        );
    }

    #[test]
    fn vertical_merges_are_matched_by_grid_column() {
        // The continuation in row 2 starts at column 2 because of the span before it;
        // row 3's cell at column 1 has no vMerge, which ends nothing at column 2.
        let restart = r#"<w:vMerge w:val="restart"/>"#;
        let span2 = r#"<w:gridSpan w:val="2"/>"#;
        let body = tbl(&[
            tr(&[tc("", "a"), tc("", "b"), tc(restart, "合并")]),
            tr(&[tc(span2, "ab"), tc("<w:vMerge/>", "")]),
            tr(&[tc("", "a"), tc(restart, "新"), tc("<w:vMerge/>", "续文")]),
            tr(&[tc("", "a"), tc("<w:vMerge/>", ""), tc("", "c")]),
        ]);
        let doc = read_ok(&docx(&body));
        assert_eq!(
            shape(tables(&doc)[0]),
            vec![
                vec![(0, "a", 1, 1), (1, "b", 1, 1), (2, "合并\n续文", 3, 1)],
                vec![(0, "ab", 1, 2)],
                vec![(0, "a", 1, 1), (1, "新", 2, 1)],
                vec![(0, "a", 1, 1), (2, "c", 1, 1)],
            ]
        );
    }

    #[test]
    fn legacy_horizontal_merge_widens_the_cell_on_its_left() {
        let body = tbl(&[tr(&[
            tc(r#"<w:hMerge w:val="restart"/>"#, "项目名称"),
            tc("<w:hMerge/>", ""),
            tc("", "甲"),
        ])]);
        let doc = read_ok(&docx(&body));
        assert_eq!(
            shape(tables(&doc)[0]),
            vec![vec![(0, "项目名称", 1, 2), (2, "甲", 1, 1)]]
        );
    }

    #[test]
    fn breaks_and_paragraphs_in_a_cell_are_line_breaks() {
        let cell = r#"<w:tc><w:p><w:r><w:t xml:space="preserve">  第一行</w:t><w:br/><w:t>第二行  内 空格</w:t></w:r></w:p><w:p><w:r><w:t>第三行</w:t><w:tab/><w:t>A&amp;B &#x4E2D;</w:t></w:r></w:p><w:p/></w:tc>"#;
        let body = tbl(&[format!("<w:tr>{cell}</w:tr>")]);
        let doc = read_ok(&docx(&body));
        assert_eq!(
            tables(&doc)[0].rows[0].cells[0].text,
            "第一行\n第二行  内 空格\n第三行 A&B 中"
        );
    }

    #[test]
    fn tables_and_paragraphs_are_numbered_in_document_order() {
        let one = tbl(&[
            tr(&[tc("", "项目名称"), tc("", "甲")]),
            tr(&[tc("", "x"), tc("", "y")]),
        ]);
        let two = tbl(&[tr(&[tc("", "项目名称"), tc("", "乙")])]);
        let body = format!(
            "{}<w:p/><w:p><w:r><w:t xml:space=\"preserve\">   </w:t></w:r></w:p>{one}{}{two}{}",
            p("项目支出绩效目标表"),
            p("（2024年度）"),
            p("  编制说明：单位 万元 ")
        );
        let doc = read_ok(&docx(&body));
        assert_eq!(doc.blocks.len(), 5);
        assert_eq!(
            texts(&doc),
            vec![
                ("项目支出绩效目标表", Place::Paragraph(1)),
                ("（2024年度）", Place::Paragraph(2)),
                ("编制说明：单位 万元", Place::Paragraph(3)),
            ]
        );
        assert!(matches!(doc.blocks[1], Block::Table(_)));
        assert!(matches!(doc.blocks[3], Block::Table(_)));
        let t = tables(&doc);
        assert_eq!(
            t[0].rows[1].cells[1].place,
            Place::TableRow { table: 1, row: 2 }
        );
        assert_eq!(t[1].rows[0].cells[1].text, "乙");
        assert_eq!(
            t[1].rows[0].cells[1].place,
            Place::TableRow { table: 2, row: 1 }
        );
        assert!(doc.notices.is_empty(), "{:?}", doc.notices);
    }

    #[test]
    fn a_nested_table_is_read_as_a_table_of_its_own() {
        let inner = tbl(&[
            tr(&[tc("", "一级指标"), tc("", "二级指标")]),
            tr(&[tc("", "产出指标"), tc("", "数量指标")]),
        ]);
        let outer = tbl(&[
            tr(&[tc("", "标题")]),
            format!(
                "<w:tr><w:tc>{}{inner}{}</w:tc></w:tr>",
                p("表前"),
                p("表后")
            ),
        ]);
        let after = tbl(&[tr(&[tc("", "后一张")])]);
        let doc = read_ok(&docx(&format!("{outer}{}{after}", p("段落"))));
        let t = tables(&doc);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].rows[1].cells[0].text, "表前\n表后");
        assert_eq!(t[1].rows[1].cells[1].text, "数量指标");
        assert_eq!(
            t[1].rows[1].cells[1].place,
            Place::TableRow { table: 2, row: 2 }
        );
        assert_eq!(
            t[2].rows[0].cells[0].place,
            Place::TableRow { table: 3, row: 1 }
        );
        assert!(matches!(doc.blocks[0], Block::Table(_)));
        assert!(matches!(doc.blocks[1], Block::Table(_)));
        assert_eq!(texts(&doc), vec![("段落", Place::Paragraph(1))]);
        assert_eq!(
            doc.notices,
            vec![Notice {
                place: Place::TableRow { table: 1, row: 2 },
                text: String::new(),
                note: "表2 嵌套在表1 的单元格中，单独读取".into(),
            }]
        );
    }

    #[test]
    fn tracked_deletions_are_dropped_and_insertions_kept() {
        let body = format!(
            r#"<w:p><w:r><w:t>保留</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins><w:moveFrom><w:r><w:t>移走</w:t></w:r></w:moveFrom></w:p>{}"#,
            tbl(&[
                tr(&[tc("", "a")]),
                r#"<w:tr><w:trPr><w:del w:id="3" w:author="a"/></w:trPr><w:tc><w:p><w:del><w:r><w:delText>删行</w:delText></w:r></w:del></w:p></w:tc></w:tr>"#.to_string(),
                tr(&[tc("", "b")]),
            ])
        );
        let doc = read_ok(&docx(&body));
        assert_eq!(texts(&doc), vec![("保留插入", Place::Paragraph(1))]);
        assert_eq!(
            shape(tables(&doc)[0]),
            vec![vec![(0, "a", 1, 1)], vec![(0, "b", 1, 1)]]
        );
    }

    #[test]
    fn links_controls_and_fields_keep_their_shown_text() {
        let body = concat!(
            r#"<w:p><w:hyperlink r:id="rId5"><w:r><w:t>链接</w:t></w:r></w:hyperlink>"#,
            r#"<w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>"#,
            r#"<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>单击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt>"#,
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
            r#"<w:ruby><w:rubyPr/><w:rt><w:r><w:t>jì</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>绩</w:t></w:r></w:rubyBase></w:ruby>"#,
            r#"</w:p>"#
        );
        let doc = read_ok(&docx(body));
        assert_eq!(texts(&doc), vec![("链接控件3绩", Place::Paragraph(1))]);
    }

    #[test]
    fn a_text_box_is_read_once_after_its_paragraph() {
        let txbx = |t: &str| {
            format!("<w:txbxContent><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:txbxContent>")
        };
        let body = format!(
            r#"<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="文本框 1"/><a:graphic><a:graphicData><wps:wsp><wps:txbx>{}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>续</w:t></w:r></w:p>{}"#,
            txbx("文本框"),
            txbx("文本框"),
            p("下一段")
        );
        let doc = read_ok(&docx(&body));
        assert_eq!(
            texts(&doc),
            vec![
                ("正文续", Place::Paragraph(1)),
                ("文本框", Place::Paragraph(2)),
                ("下一段", Place::Paragraph(3)),
            ]
        );
        assert!(doc.notices.is_empty(), "{:?}", doc.notices);
    }

    #[test]
    fn pictures_become_notices() {
        let drawing = r#"<w:r><w:drawing><wp:inline><wp:docPr id="2" name="图片 2" descr="公章"/><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="rId9"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#;
        let body = format!(
            "{}<w:p>{drawing}</w:p>{}",
            p("标题"),
            tbl(&[
                tr(&[tc("", "a")]),
                format!("<w:tr><w:tc><w:p>{drawing}<w:r><w:t>签章</w:t></w:r></w:p></w:tc></w:tr>"),
            ])
        );
        let doc = read_ok(&docx(&body));
        assert_eq!(texts(&doc), vec![("标题", Place::Paragraph(1))]);
        assert_eq!(tables(&doc)[0].rows[1].cells[0].text, "签章");
        assert_eq!(
            doc.notices,
            vec![
                Notice {
                    place: Place::Paragraph(1),
                    text: "公章".into(),
                    note: "图片（未读取）".into()
                },
                Notice {
                    place: Place::TableRow { table: 1, row: 2 },
                    text: "公章".into(),
                    note: "图片（未读取）".into()
                },
            ]
        );
    }

    #[test]
    fn reading_is_deterministic() {
        let body = format!(
            "{}{}",
            p("标题"),
            tbl(&[
                tr(&[tc(r#"<w:vMerge w:val="restart"/>"#, "a"), tc("", "b")]),
                tr(&[tc("<w:vMerge/>", ""), tc("", "c")])
            ])
        );
        let bytes = docx(&body);
        assert_eq!(
            format!("{:?}", read_ok(&bytes)),
            format!("{:?}", read_ok(&bytes))
        );
    }

    #[test]
    fn broken_zips_are_errors_not_panics() {
        let good = docx(&p("正文"));
        let mut inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"PK\x03\x04".to_vec(),
            b"PK\x03\x04 not really a zip at all".to_vec(),
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old word".to_vec(),
            "项目名称\t甲\n".as_bytes().to_vec(),
        ];
        for cut in [10, good.len() / 2, good.len() - 10] {
            inputs.push(good[..cut].to_vec());
        }
        // Damage the compressed data (the middle of the file) but keep the directory.
        let mut flipped = good.clone();
        for b in &mut flipped[60..good.len() / 2] {
            *b ^= 0x5A;
        }
        inputs.push(flipped);
        for bytes in &inputs {
            match read(bytes) {
                Err(e) => {
                    assert!(!e.problem.is_empty() && !e.help.is_empty(), "{e:?}");
                }
                Ok(doc) => check_document(&doc),
            }
        }
        let e = read(b"PK\x03\x04 not really a zip at all").unwrap_err();
        assert!(e.problem.contains("not a readable ZIP"), "{e:?}");
        assert!(e.help.contains(".docx"), "{e:?}");
    }

    #[test]
    fn a_zip_without_the_document_part_is_an_error() {
        let bytes = zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("xl/workbook.xml", b"<workbook/>"),
        ]);
        let e = read(&bytes).unwrap_err();
        assert!(e.problem.contains("word/document.xml"), "{e:?}");
        assert!(!e.help.is_empty());
    }

    #[test]
    fn a_main_part_under_another_name_is_found_through_the_relationships() {
        let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        let xml = format!("{HEAD}{}{TAIL}", p("正文"));
        let bytes = zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", rels.as_bytes()),
            ("word/document2.xml", xml.as_bytes()),
        ]);
        assert_eq!(texts(&read_ok(&bytes)), vec![("正文", Place::Paragraph(1))]);
    }

    #[test]
    fn broken_xml_is_an_error() {
        let cases = [
            format!("{HEAD}<w:p><w:r><w:t>a</w:r></w:p>{TAIL}"),
            format!("{HEAD}<w:p><w:r><w:t>a</w:t></w:r>"),
            format!("{HEAD}<w:p><w:r><w:t>a &amp b</w:t></w:r></w:p>{TAIL}"),
            "<html><body>not word</body></html>".to_string(),
            "".to_string(),
            "just text".to_string(),
        ];
        for xml in &cases {
            let e = read(&docx_xml(xml)).expect_err(xml);
            assert!(e.problem.contains("word/document.xml"), "{e:?}");
            assert!(e.help.contains("save it again"), "{e:?}");
        }
        let mut bad_utf8 = format!("{HEAD}<w:p><w:r><w:t>").into_bytes();
        bad_utf8.extend_from_slice(b"\xFF\xFE\xB0");
        bad_utf8.extend_from_slice(format!("</w:t></w:r></w:p>{TAIL}").as_bytes());
        let bytes = zip_of(&[(MAIN_PART, &bad_utf8)]);
        if let Ok(doc) = read(&bytes) {
            check_document(&doc);
        }
    }

    #[test]
    fn absurd_nesting_is_refused() {
        let deep = format!(
            "{}{}{}",
            "<w:customXml>".repeat(MAX_DEPTH),
            p("深"),
            "</w:customXml>".repeat(MAX_DEPTH)
        );
        let e = read(&docx(&deep)).unwrap_err();
        assert!(e.problem.contains("nested more than"), "{e:?}");
        // Nesting a real document has is read.
        let some = format!(
            "{}{}{}",
            "<w:sdt><w:sdtContent>".repeat(50),
            p("浅"),
            "</w:sdtContent></w:sdt>".repeat(50)
        );
        assert_eq!(
            texts(&read_ok(&docx(&some))),
            vec![("浅", Place::Paragraph(1))]
        );
    }

    #[test]
    fn the_size_limit_fails_loudly_instead_of_cutting() {
        let mut limited = Limited {
            inner: &b"0123456789"[..],
            left: 5,
        };
        let mut out = Vec::new();
        let e = limited.read_to_end(&mut out).unwrap_err();
        assert!(e.get_ref().is_some_and(|inner| inner.is::<TooLarge>()));
        let mut exact = Limited {
            inner: &b"01234"[..],
            left: 5,
        };
        out.clear();
        assert_eq!(exact.read_to_end(&mut out).unwrap(), 5);
        let err = xml_error(MAIN_PART, &quick_xml::Error::Io(std::sync::Arc::new(e)), 0);
        assert!(err.problem.contains("larger than 200 MB"), "{err:?}");
    }

    #[test]
    fn a_part_declared_larger_than_the_limit_is_refused() {
        // A ZIP bomb's directory says how large the part inflates to: 300 MB here.
        let mut bytes = zip_of(&[(MAIN_PART, format!("{HEAD}{}{TAIL}", p("正文")).as_bytes())]);
        let size = (300u32 * 1024 * 1024).to_le_bytes();
        let local = bytes.windows(4).position(|w| w == b"PK\x03\x04").unwrap();
        bytes[local + 22..local + 26].copy_from_slice(&size);
        let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[central + 24..central + 28].copy_from_slice(&size);
        let e = read(&bytes).unwrap_err();
        assert!(e.problem.contains("larger than 200 MB"), "{e:?}");
    }

    #[test]
    fn a_utf16_part_is_read() {
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>{HEAD}{}{TAIL}",
            p("中文")
        );
        let mut le = vec![0xFF, 0xFE];
        le.extend(xml.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut be = vec![0xFE, 0xFF];
        be.extend(xml.encode_utf16().flat_map(|u| u.to_be_bytes()));
        for bytes in [le, be] {
            let doc = read_ok(&zip_of(&[(MAIN_PART, &bytes)]));
            assert_eq!(texts(&doc), vec![("中文", Place::Paragraph(1))]);
        }
    }

    #[test]
    fn the_shared_seed_document_reads_as_its_tables() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/seeds-office/004_f80041b00704fd1b.docx"
        );
        let bytes = std::fs::read(path)
            .unwrap_or_else(|e| panic!("the seed document {path} is needed by this test: {e}"));
        let doc = read_ok(&bytes);
        let t = tables(&doc);
        assert_eq!(t.len(), 6, "one table per project");
        assert_eq!(t[0].rows[0].cells[0].text, "项目名称");
        assert_eq!(t[0].rows[0].cells[1].colspan, 4);
        let money = t[0]
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .find(|c| c.text == "项目资金（万元）")
            .expect("a 项目资金（万元） cell");
        assert!(money.rowspan > 1, "{money:?}");
        assert_eq!(money.col, 0);
        assert_eq!(texts(&doc)[0], ("项目支出绩效目标表", Place::Paragraph(1)));
        for grid in t {
            assert_eq!(grid.rows[0].cells[0].text, "项目名称");
        }
    }
}
