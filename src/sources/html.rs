//! Web pages → a [`Document`]. Government sites publish 绩效目标表 as `<table>`s with
//! `rowspan`/`colspan`, often in GBK, often inside layout tables.
//!
//! * **Charset**: a BOM, else a `<meta charset>` / `http-equiv` declaration in the first
//!   4 KB, else UTF-8 when the bytes are valid UTF-8, else GB18030 (which also reads GBK
//!   and GB2312). A declaration the bytes plainly contradict (declared UTF-8 but not
//!   UTF-8; declared GBK or another legacy charset but valid UTF-8 with non-ASCII
//!   text) is overruled.
//! * **Tables**: every `<table>` whose own rows (not those of tables nested in it) hold
//!   text becomes a grid, numbered in document order of its start tag. A layout table's
//!   cell that wraps a nested table keeps only its own text; the nested table is a grid
//!   of its own. Cells are placed with the HTML table algorithm (rowspans from above
//!   push later cells right); covered positions are not listed.
//! * **Text**: text outside tables becomes one text block per paragraph (block elements
//!   and tables separate paragraphs, `<br>` is a line break inside one); a `<caption>`
//!   is a text block just before its table. Whitespace collapses as a browser shows it.
//!
//! The walk over the parsed tree is iterative (no recursion, so deep nesting cannot
//! overflow the stack) and the cell placement spends from a fixed work budget, so
//! hostile spans cost bounded time and memory.

use super::{Block, Document, Grid, GridCell, GridRow, Notice, Place, SourceError};
use encoding_rs::Encoding;
use scraper::node::Element;
use scraper::{Html, Node};

/// How far into the file a charset declaration is looked for.
const HEAD_SCAN: usize = 4096;
/// The HTML limits on spans (browsers clamp to these too).
const MAX_COLSPAN: u32 = 1000;
const MAX_ROWSPAN: u32 = 65534;
/// Steps the cell placement may spend on one page (skipping covered columns, marking
/// them): far beyond any real table, and bounding the cover map's memory.
const PLACEMENT_BUDGET: u64 = 1 << 21;

const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// A page's text as decoded.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    /// The encoding came from a BOM or a declaration in the page.
    pub declared: bool,
    /// Some bytes were not valid in `encoding` and became U+FFFD.
    pub had_errors: bool,
}

/// Decode a page: BOM, then `<meta>` declaration, then UTF-8 if valid, else GB18030.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Decoded {
            text: text.into_owned(),
            encoding: enc,
            declared: true,
            had_errors,
        };
    }
    let utf8 = std::str::from_utf8(bytes).ok();
    let declared = meta_charset(bytes).map(|enc| match utf8 {
        // Declared GBK (or another legacy charset), but the bytes are valid UTF-8 with
        // non-ASCII text: a page re-saved as UTF-8 that kept its old declaration (legacy
        // text is practically never valid UTF-8 beyond a few characters).
        Some(s) if !s.is_ascii() => encoding_rs::UTF_8,
        _ => enc,
    });
    if let Some(enc) = declared {
        if enc == encoding_rs::UTF_8 {
            if let Some(s) = utf8 {
                return Decoded {
                    text: s.to_string(),
                    encoding: enc,
                    declared: true,
                    had_errors: false,
                };
            }
            // Declared UTF-8 but it is not: GB18030 if that reads cleanly.
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if !had_errors {
                return Decoded {
                    text: text.into_owned(),
                    encoding: encoding_rs::GB18030,
                    declared: false,
                    had_errors,
                };
            }
        }
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        return Decoded {
            text: text.into_owned(),
            encoding: enc,
            declared: true,
            had_errors,
        };
    }
    if let Some(s) = utf8 {
        return Decoded {
            text: s.to_string(),
            encoding: encoding_rs::UTF_8,
            declared: false,
            had_errors: false,
        };
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: encoding_rs::GB18030,
        declared: false,
        had_errors,
    }
}

/// The charset a `<meta>` tag in the first [`HEAD_SCAN`] bytes declares (comments
/// skipped), mapped as browsers do; GBK and GB2312 read as GB18030, their superset.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head: Vec<u8> = bytes[..bytes.len().min(HEAD_SCAN)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    let mut i = 0;
    while i < head.len() {
        let rest = &head[i..];
        if rest.starts_with(b"<!--") {
            i += 4 + find(&rest[4..], b"-->").map_or(rest.len(), |p| p + 3);
            continue;
        }
        if rest.starts_with(b"<meta")
            && rest
                .get(5)
                .is_some_and(|&b| b.is_ascii_whitespace() || b == b'/')
        {
            let end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
            if let Some(enc) = charset_in(&rest[..end]) {
                return Some(enc);
            }
            i += end.max(1);
            continue;
        }
        i += 1;
    }
    None
}

/// `charset=LABEL` inside one (lowercased) meta tag.
fn charset_in(tag: &[u8]) -> Option<&'static Encoding> {
    let mut from = 0;
    while let Some(p) = find(&tag[from..], b"charset") {
        let mut j = from + p + 7;
        from = j;
        while tag.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if tag.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while tag
            .get(j)
            .is_some_and(|&b| b.is_ascii_whitespace() || b == b'"' || b == b'\'')
        {
            j += 1;
        }
        let start = j;
        while tag
            .get(j)
            .is_some_and(|&b| !(b.is_ascii_whitespace() || b"\"';/>".contains(&b)))
        {
            j += 1;
        }
        return Encoding::for_label(&tag[start..j]).and_then(browser_choice);
    }
    None
}

/// What a declared encoding is read with: as a browser does (a page whose declaration
/// the ASCII scan can read is not UTF-16), GB18030 for the GB family, and no choice for
/// labels browsers refuse (`hz-gb-2312`, `iso-2022-kr`…), so the bytes decide.
fn browser_choice(enc: &'static Encoding) -> Option<&'static Encoding> {
    Some(
        if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else if enc == encoding_rs::GBK || enc == encoding_rs::GB18030 {
            encoding_rs::GB18030
        } else if enc == encoding_rs::X_USER_DEFINED {
            encoding_rs::WINDOWS_1252
        } else if enc == encoding_rs::REPLACEMENT {
            return None;
        } else {
            enc
        },
    )
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// True when the bytes look like an HTML page (a doctype, `<html>`, `<head>`, `<body>`,
/// a charset `<meta>`, a `<table>` with rows, or a fragment starting with a common tag)
/// in the first 4 KB, whatever the charset (UTF-16 with a BOM included).
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head: Vec<u8> = match Encoding::for_bom(bytes) {
        Some((enc, bom)) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
            let end = bytes.len().min(bom + 2 * HEAD_SCAN);
            let (text, _) = enc.decode_without_bom_handling(&bytes[bom..end]);
            text.bytes().map(|b| b.to_ascii_lowercase()).collect()
        }
        Some((_, bom)) => bytes[bom..bytes.len().min(bom + HEAD_SCAN)]
            .iter()
            .map(u8::to_ascii_lowercase)
            .collect(),
        None => bytes[..bytes.len().min(HEAD_SCAN)]
            .iter()
            .map(u8::to_ascii_lowercase)
            .collect(),
    };
    let has = |n: &[u8]| find(&head, n).is_some();
    if has(b"<!doctype html")
        || has(b"<html")
        || has(b"<head>")
        || has(b"<body")
        || has(b"<meta charset")
        || has(b"<meta http-equiv")
        || (has(b"<table") && (has(b"<td") || has(b"<tr")))
    {
        return true;
    }
    // A saved fragment: the first thing in the file is a common tag.
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let first = &head[start..];
    const TAGS: &[&[u8]] = &[
        b"<p", b"<div", b"<table", b"<span", b"<font", b"<center", b"<title", b"<style", b"<meta",
        b"<h1", b"<h2", b"<h3", b"<h4", b"<h5", b"<h6", b"<br", b"<b>", b"<strong",
    ];
    TAGS.iter().any(|t| {
        first.starts_with(t)
            && first.get(t.len()).is_none_or(|&b| {
                b.is_ascii_whitespace() || b == b'>' || b == b'/' || t.ends_with(b">")
            })
    })
}

/// Read a web page. Only bytes that neither decode nor look like HTML are an error; an
/// empty page or one without tables is a document without grids.
/// How deep elements may nest before a page is refused.
const MAX_DEPTH: usize = 512;

/// A quick upper bound of the nesting depth from the tags alone: elements whose end tag
/// may be left out (`<p>`, `<td>`, `<li>`…) and void elements are not counted. Returns the
/// limit when the page goes past it.
fn too_deep(html: &str) -> Option<usize> {
    const UNCOUNTED: &[&str] = &[
        "p", "li", "td", "th", "tr", "tbody", "thead", "tfoot", "option", "dt", "dd", "br", "img",
        "meta", "link", "hr", "input", "col", "colgroup", "area", "base", "wbr", "source", "embed",
        "param", "track", "html", "head", "body", "caption", "rt", "rp", "optgroup",
    ];
    let b = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = memchr_lt(&b[i..]) {
        i += off + 1;
        let closing = b.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let mut end = start;
        while end < b.len() && b[end].is_ascii_alphanumeric() {
            end += 1;
        }
        if end == start {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        if UNCOUNTED.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let self_closing = html[end..]
                .split('>')
                .next()
                .is_some_and(|t| t.ends_with('/'));
            if !self_closing {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(MAX_DEPTH);
                }
            }
        }
    }
    None
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    let decoded = decode(bytes);
    if decoded.had_errors && !decoded.declared && !looks_like_html(bytes) {
        return Err(SourceError::new(
            "this file is neither UTF-8 nor GB18030 text and does not look like a web page",
            "open the page in a browser and save it again (\"Web page, HTML only\"), or save its tables from an office program as .xlsx",
        ));
    }
    let mut doc = Document {
        format: "html",
        layout: "html",
        encoding: decoded.encoding.name().to_ascii_lowercase(),
        ..Default::default()
    };
    if decoded.had_errors {
        let line = decoded
            .text
            .find('\u{FFFD}')
            .map_or(1, |p| 1 + decoded.text[..p].matches('\n').count());
        doc.notices.push(Notice {
            place: Place::Line(u32::try_from(line).unwrap_or(u32::MAX)),
            text: String::new(),
            note: format!(
                "网页中有不能按 {} 解码的字节，已显示为 �；请核对这些文字",
                doc.encoding
            ),
        });
    }
    if let Some(depth) = too_deep(&decoded.text) {
        // html5ever's tree building slows down quadratically on very deep nesting.
        return Err(SourceError::new(
            format!(
                "the page nests elements more than {depth} levels deep, which no table page does"
            ),
            "save the page again from a browser, or save its tables from an office program as .xlsx",
        ));
    }
    let page = Html::parse_document(&decoded.text);
    drop(decoded);
    let mut walk = Walk::default();
    // Iterative depth-first walk: (node, leaving).
    let mut stack = vec![(page.tree.root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        if leaving {
            walk.leave();
            continue;
        }
        let descend = match node.value() {
            Node::Document | Node::Fragment => true,
            Node::Text(t) => {
                walk.text(t);
                false
            }
            Node::Element(e) => {
                let entered = walk.enter(e);
                if entered {
                    stack.push((node, true));
                }
                entered
            }
            _ => false,
        };
        if descend {
            for child in node.children().rev() {
                stack.push((child, false));
            }
        }
    }
    walk.block_break(Sink::Top);
    walk.emit(&mut doc);
    Ok(doc)
}

/// Where text goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sink {
    /// Outside tables: paragraphs.
    Top,
    /// Inside table structure but not in a cell or caption (whitespace between tags).
    Discard,
    Caption(usize),
    /// table, row, cell
    Cell(usize, usize, usize),
}

/// What an open element is to the table structure.
#[derive(Debug, Clone, Copy)]
enum Role {
    Table(usize),
    Group(usize),
    Row(usize, usize),
    Other,
}

#[derive(Debug)]
struct Frame {
    role: Role,
    /// Where this element's text goes.
    sink: Sink,
    pre: bool,
    /// Leaving it ends a line / paragraph.
    block: bool,
}

enum Item {
    Text(String),
    Table(usize),
}

#[derive(Default)]
struct RawTable {
    caption: TextBuf,
    rows: Vec<RawRow>,
    groups: u32,
    /// The last row sat directly in the table (no row group since).
    direct_open: bool,
}

struct RawRow {
    group: u32,
    hidden: bool,
    cells: Vec<RawCell>,
    images: u32,
    alts: Vec<String>,
}

struct RawCell {
    rowspan: u32,
    colspan: u32,
    text: TextBuf,
}

/// A row with its cells' text finished, ready for layout.
struct Row {
    group: u32,
    hidden: bool,
    cells: Vec<Cell>,
    images: u32,
    alts: Vec<String>,
}

struct Cell {
    rowspan: u32,
    colspan: u32,
    text: String,
}

impl From<RawRow> for Row {
    fn from(row: RawRow) -> Row {
        Row {
            group: row.group,
            hidden: row.hidden,
            cells: row
                .cells
                .into_iter()
                .map(|c| Cell {
                    rowspan: c.rowspan,
                    colspan: c.colspan,
                    text: c.text.finish(),
                })
                .collect(),
            images: row.images,
            alts: row.alts,
        }
    }
}

#[derive(Default)]
struct Walk {
    frames: Vec<Frame>,
    top: TextBuf,
    items: Vec<Item>,
    tables: Vec<RawTable>,
}

impl Walk {
    fn parent(&self) -> (Sink, bool, Role) {
        self.frames
            .last()
            .map_or((Sink::Top, false, Role::Other), |f| (f.sink, f.pre, f.role))
    }

    fn buf(&mut self, sink: Sink) -> Option<&mut TextBuf> {
        match sink {
            Sink::Top => Some(&mut self.top),
            Sink::Discard => None,
            Sink::Caption(t) => self.tables.get_mut(t).map(|t| &mut t.caption),
            Sink::Cell(t, r, c) => self
                .tables
                .get_mut(t)
                .and_then(|t| t.rows.get_mut(r))
                .and_then(|r| r.cells.get_mut(c))
                .map(|c| &mut c.text),
        }
    }

    /// End the line; outside tables, end the paragraph.
    fn block_break(&mut self, sink: Sink) {
        if sink == Sink::Top {
            let text = std::mem::take(&mut self.top).finish();
            if has_text(&text) {
                self.items.push(Item::Text(text));
            }
        } else if let Some(buf) = self.buf(sink) {
            buf.block_break();
        }
    }

    fn text(&mut self, s: &str) {
        let (sink, pre, _) = self.parent();
        if let Some(buf) = self.buf(sink) {
            buf.push(s, pre);
        }
    }

    /// Open an element; false when its content is not read (and nothing was pushed).
    fn enter(&mut self, e: &Element) -> bool {
        let name = e.name();
        if matches!(
            name,
            "script"
                | "style"
                | "head"
                | "title"
                | "template"
                | "noscript"
                | "iframe"
                | "noembed"
                | "noframes"
        ) {
            return false;
        }
        let (psink, ppre, prole) = self.parent();
        if &*e.name.ns != XHTML {
            // SVG or MathML: only its text matters.
            self.frames.push(Frame {
                role: Role::Other,
                sink: psink,
                pre: ppre,
                block: false,
            });
            return true;
        }
        let frame = match (name, prole) {
            ("table", _) => {
                if is_hidden(e) {
                    return false;
                }
                self.block_break(psink);
                let t = self.tables.len();
                self.tables.push(RawTable::default());
                self.items.push(Item::Table(t));
                Frame {
                    role: Role::Table(t),
                    sink: Sink::Discard,
                    pre: false,
                    block: true,
                }
            }
            ("caption", Role::Table(t)) => Frame {
                role: Role::Other,
                sink: Sink::Caption(t),
                pre: false,
                block: false,
            },
            ("thead" | "tbody" | "tfoot", Role::Table(t)) => {
                let table = &mut self.tables[t];
                table.groups += 1;
                table.direct_open = false;
                Frame {
                    role: Role::Group(t),
                    sink: Sink::Discard,
                    pre: false,
                    block: false,
                }
            }
            ("tr", Role::Table(t) | Role::Group(t)) => {
                let table = &mut self.tables[t];
                if matches!(prole, Role::Table(_)) {
                    if !table.direct_open {
                        table.groups += 1;
                        table.direct_open = true;
                    }
                } else {
                    table.direct_open = false;
                }
                let r = table.rows.len();
                table.rows.push(RawRow {
                    group: table.groups,
                    hidden: is_hidden(e),
                    cells: Vec::new(),
                    images: 0,
                    alts: Vec::new(),
                });
                Frame {
                    role: Role::Row(t, r),
                    sink: Sink::Discard,
                    pre: false,
                    block: false,
                }
            }
            ("td" | "th", Role::Row(t, r)) => {
                let row = &mut self.tables[t].rows[r];
                let c = row.cells.len();
                row.cells.push(RawCell {
                    rowspan: parse_span(e.attr("rowspan")).min(MAX_ROWSPAN),
                    colspan: parse_span(e.attr("colspan")).min(MAX_COLSPAN),
                    text: TextBuf::default(),
                });
                Frame {
                    role: Role::Other,
                    sink: Sink::Cell(t, r, c),
                    pre: false,
                    block: false,
                }
            }
            _ => {
                if is_hidden(e) {
                    return false;
                }
                match name {
                    "br" => {
                        if let Some(buf) = self.buf(psink) {
                            buf.line_break();
                        }
                        return false;
                    }
                    "hr" => {
                        self.block_break(psink);
                        return false;
                    }
                    "img" => {
                        if let Sink::Cell(t, r, _) = psink {
                            let row = &mut self.tables[t].rows[r];
                            row.images = row.images.saturating_add(1);
                            let alt = e.attr("alt").map(str::trim).unwrap_or("");
                            if !alt.is_empty() && row.alts.len() < 8 {
                                row.alts.push(alt.chars().take(200).collect());
                            }
                        }
                        return false;
                    }
                    _ => {}
                }
                let block = is_block(name);
                if block {
                    self.block_break(psink);
                }
                Frame {
                    role: Role::Other,
                    sink: psink,
                    pre: ppre
                        || matches!(name, "pre" | "listing" | "xmp" | "plaintext" | "textarea"),
                    block,
                }
            }
        };
        self.frames.push(frame);
        true
    }

    fn leave(&mut self) {
        if let Some(frame) = self.frames.pop()
            && frame.block
        {
            let (psink, _, _) = self.parent();
            self.block_break(psink);
        }
    }

    /// Number the paragraphs and the tables that hold text, lay out the grids.
    fn emit(mut self, doc: &mut Document) {
        let mut para = 0u32;
        let mut table_no = 0u32;
        let mut budget = PLACEMENT_BUDGET;
        for item in std::mem::take(&mut self.items) {
            match item {
                Item::Text(text) => {
                    para = para.saturating_add(1);
                    doc.blocks.push(Block::Text {
                        text,
                        place: Place::Paragraph(para),
                    });
                }
                Item::Table(t) => {
                    let table = std::mem::take(&mut self.tables[t]);
                    let caption = table.caption.finish();
                    if has_text(&caption) {
                        para = para.saturating_add(1);
                        doc.blocks.push(Block::Text {
                            text: caption,
                            place: Place::Paragraph(para),
                        });
                    }
                    let rows: Vec<Row> = table.rows.into_iter().map(Row::from).collect();
                    let holds_text = rows
                        .iter()
                        .any(|r| r.cells.iter().any(|c| has_text(&c.text)));
                    if holds_text {
                        table_no = table_no.saturating_add(1);
                        let grid = layout(rows, table_no, &mut budget, &mut doc.notices);
                        doc.blocks.push(Block::Table(grid));
                    } else {
                        let images = rows.iter().fold(0u32, |n, r| n.saturating_add(r.images));
                        if images > 0 {
                            let alts: Vec<&str> = rows
                                .iter()
                                .flat_map(|r| r.alts.iter().map(String::as_str))
                                .take(8)
                                .collect();
                            doc.notices.push(Notice {
                                place: Place::Paragraph(para.max(1)),
                                text: alts.join("；"),
                                note: format!(
                                    "此处一个没有文字的表格里有 {images} 张图片（可能是扫描的表格）；图片中的内容不会被读取"
                                ),
                            });
                        }
                    }
                }
            }
        }
    }
}

/// Place the cells of one table: the HTML algorithm, with rowspans clamped to their row
/// group and spending from `budget`; when it runs out, later rowspans count as 1.
fn layout(rows: Vec<Row>, table_no: u32, budget: &mut u64, notices: &mut Vec<Notice>) -> Grid {
    let n = rows.len();
    // Index one past the last row of each row's group.
    let mut group_end = vec![0usize; n];
    for i in (0..n).rev() {
        group_end[i] = if i + 1 < n && rows[i + 1].group == rows[i].group {
            group_end[i + 1]
        } else {
            i + 1
        };
    }
    // cover[col] = the first row no longer covered by a rowspan from above.
    let mut cover: Vec<usize> = Vec::new();
    let mut degraded = false;
    let mut grid = Grid::default();
    for (r, row) in rows.into_iter().enumerate() {
        let place = Place::TableRow {
            table: table_no,
            row: u32::try_from(r + 1).unwrap_or(u32::MAX),
        };
        let mut cells = Vec::with_capacity(row.cells.len());
        let mut x: u64 = 0;
        for cell in row.cells {
            while let Some(&until) = cover.get(x as usize) {
                if until <= r {
                    break;
                }
                if *budget == 0 {
                    degrade(&mut degraded, &mut cover, place, notices);
                    break;
                }
                *budget -= 1;
                x += 1;
            }
            let colspan = cell.colspan.max(1);
            let end = x + u64::from(colspan);
            if end > u64::from(u32::MAX) {
                notices.push(Notice {
                    place,
                    text: String::new(),
                    note: "这一行的合并列过多，后面的单元格未读取".into(),
                });
                break;
            }
            let mut rowspan = (cell.rowspan.max(1) as usize).min(group_end[r] - r);
            if degraded {
                rowspan = 1;
            }
            if rowspan > 1 {
                let growth = (end as usize).saturating_sub(cover.len()) as u64;
                let cost = u64::from(colspan) + growth;
                if cost > *budget {
                    degrade(&mut degraded, &mut cover, place, notices);
                    rowspan = 1;
                } else {
                    *budget -= cost;
                    if cover.len() < end as usize {
                        cover.resize(end as usize, 0);
                    }
                    for until in &mut cover[x as usize..end as usize] {
                        *until = (*until).max(r + rowspan);
                    }
                }
            }
            cells.push(GridCell {
                col: x as u32,
                text: cell.text,
                rowspan: u32::try_from(rowspan).unwrap_or(1),
                colspan,
                place,
            });
            x = end;
        }
        if row.images > 0 {
            notices.push(Notice {
                place,
                text: row.alts.join("；"),
                note: format!("表格这一行有 {} 张图片；图片中的内容不会被读取", row.images),
            });
        }
        if row.hidden {
            notices.push(Notice {
                place,
                text: String::new(),
                note: "网页中隐藏的行（不显示），其内容仍被读取".into(),
            });
        }
        grid.rows.push(GridRow {
            cells,
            hidden: row.hidden,
            lines: Vec::new(),
        });
    }
    grid
}

fn degrade(degraded: &mut bool, cover: &mut Vec<usize>, place: Place, notices: &mut Vec<Notice>) {
    if !*degraded {
        *degraded = true;
        notices.push(Notice {
            place,
            text: String::new(),
            note: "网页表格的跨行合并过多过大，从这里起的跨行合并按不合并读取；请核对单元格位置"
                .into(),
        });
    }
    cover.clear();
}

/// HTML's rules for a non-negative integer, leniently: leading whitespace and `+`,
/// digits, anything after ignored. Missing, invalid or 0 → 1; huge values saturate.
fn parse_span(value: Option<&str>) -> u32 {
    let Some(v) = value else { return 1 };
    let v = v.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let v = v.strip_prefix('+').unwrap_or(v);
    let mut n: u32 = 0;
    let mut any = false;
    for b in v.bytes().take_while(u8::is_ascii_digit) {
        any = true;
        n = n.saturating_mul(10).saturating_add(u32::from(b - b'0'));
    }
    if !any || n == 0 { 1 } else { n }
}

/// `hidden` or an inline `display:none`.
fn is_hidden(e: &Element) -> bool {
    if e.attr("hidden").is_some() {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        s.contains("display:none")
    })
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "listing"
            | "xmp"
            | "plaintext"
            | "address"
            | "article"
            | "aside"
            | "section"
            | "header"
            | "footer"
            | "nav"
            | "main"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "legend"
            | "center"
            | "details"
            | "summary"
            | "body"
            | "html"
            | "table"
            | "caption"
            | "tr"
            | "option"
            | "optgroup"
    )
}

fn has_text(s: &str) -> bool {
    s.chars().any(|c| !c.is_whitespace())
}

/// Text as a browser lays it out: whitespace runs collapse to one space (none at line
/// ends; none for a line break between two CJK characters), `&nbsp;` is a space,
/// U+3000 stays; `<br>` ends a line, block boundaries end a non-empty line.
#[derive(Default)]
struct TextBuf {
    out: String,
    /// Bytes of `out` in the current line.
    line_len: usize,
    pending_space: bool,
    pending_newline: bool,
    last: char,
}

impl TextBuf {
    fn push(&mut self, s: &str, pre: bool) {
        for ch in s.chars() {
            if pre {
                match ch {
                    '\n' => self.line_break(),
                    '\r' => {}
                    '\u{A0}' => self.push_char(' '),
                    c => self.push_char(c),
                }
                continue;
            }
            match ch {
                ' ' | '\t' | '\n' | '\r' | '\x0C' => {
                    if self.line_len > 0 {
                        self.pending_space = true;
                        self.pending_newline |= ch == '\n' || ch == '\r';
                    }
                }
                '\u{A0}' => self.push_char(' '),
                c => self.push_char(c),
            }
        }
    }

    fn push_char(&mut self, c: char) {
        if self.pending_space && !(self.pending_newline && is_wide(self.last) && is_wide(c)) {
            self.out.push(' ');
            self.line_len += 1;
        }
        self.pending_space = false;
        self.pending_newline = false;
        self.out.push(c);
        self.line_len += c.len_utf8();
        self.last = c;
    }

    fn line_break(&mut self) {
        self.out.push('\n');
        self.line_len = 0;
        self.pending_space = false;
        self.pending_newline = false;
    }

    fn block_break(&mut self) {
        if self.line_len > 0 {
            self.line_break();
        }
    }

    /// Lines trimmed of spaces at their ends, without empty lines before or after.
    fn finish(self) -> String {
        let lines: Vec<&str> = self.out.split('\n').map(|l| l.trim_matches(' ')).collect();
        let first = lines.iter().position(|l| !l.is_empty());
        let last = lines.iter().rposition(|l| !l.is_empty());
        match (first, last) {
            (Some(a), Some(b)) => lines[a..=b].join("\n"),
            _ => String::new(),
        }
    }
}

/// East Asian wide characters (not Hangul), between which a source line break is not a
/// space (CSS Text 3 segment break rules).
fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF01}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grids(doc: &Document) -> Vec<&Grid> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(g) => Some(g),
                _ => None,
            })
            .collect()
    }

    /// (col, text, rowspan, colspan) of each row's cells.
    fn shape(g: &Grid) -> Vec<Vec<(u32, &str, u32, u32)>> {
        g.shape()
    }

    fn texts(doc: &Document) -> Vec<(&str, Place)> {
        doc.texts().collect()
    }

    fn page(body: &str) -> Vec<u8> {
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{body}</body></html>"
        )
        .into_bytes()
    }

    #[test]
    fn rowspan_from_above_pushes_later_cells_right() {
        let doc = read(&page(
            "<table>\
             <tr><td rowspan=3>项目资金</td><td colspan=2>年度资金总额</td><td>315</td></tr>\
             <tr><td colspan=2>其中：财政拨款</td><td>300</td></tr>\
             <tr><td>其他</td><td>a</td><td>15</td></tr>\
             <tr><td>x</td><td>y</td></tr>\
             </table>",
        ))
        .unwrap();
        assert_eq!(doc.format, "html");
        assert_eq!(doc.encoding, "utf-8");
        let g = grids(&doc);
        assert_eq!(g.len(), 1);
        assert_eq!(
            shape(g[0]),
            vec![
                vec![
                    (0, "项目资金", 3, 1),
                    (1, "年度资金总额", 1, 2),
                    (3, "315", 1, 1)
                ],
                vec![(1, "其中：财政拨款", 1, 2), (3, "300", 1, 1)],
                vec![(1, "其他", 1, 1), (2, "a", 1, 1), (3, "15", 1, 1)],
                vec![(0, "x", 1, 1), (1, "y", 1, 1)],
            ]
        );
        assert_eq!(
            g[0].rows[2].cells[0].place,
            Place::TableRow { table: 1, row: 3 }
        );
    }

    #[test]
    fn rowspans_in_two_columns_and_a_colspan_over_them() {
        // Row 2's first cell lands after both covered columns; a rowspan stops at the
        // end of its row group.
        let doc = read(&page(
            "<table><tbody>\
             <tr><td rowspan=2>A</td><td>B</td><td rowspan=5>C</td><td>D</td></tr>\
             <tr><td>E</td><td>F</td></tr>\
             </tbody><tbody>\
             <tr><td>G</td><td>H</td></tr>\
             </tbody></table>",
        ))
        .unwrap();
        assert_eq!(
            shape(grids(&doc)[0]),
            vec![
                vec![
                    (0, "A", 2, 1),
                    (1, "B", 1, 1),
                    (2, "C", 2, 1),
                    (3, "D", 1, 1)
                ],
                vec![(1, "E", 1, 1), (3, "F", 1, 1)],
                vec![(0, "G", 1, 1), (1, "H", 1, 1)],
            ]
        );
    }

    #[test]
    fn spans_parse_leniently() {
        assert_eq!(parse_span(None), 1);
        assert_eq!(parse_span(Some("")), 1);
        assert_eq!(parse_span(Some("0")), 1);
        assert_eq!(parse_span(Some("-3")), 1);
        assert_eq!(parse_span(Some("abc")), 1);
        assert_eq!(parse_span(Some(" +3px")), 3);
        assert_eq!(parse_span(Some("99999999999999999999")), u32::MAX);
        let doc = read(&page(
            "<table><tr><td colspan=5000>wide</td><td colspan=0>z</td></tr></table>",
        ))
        .unwrap();
        assert_eq!(
            shape(grids(&doc)[0]),
            vec![vec![(0, "wide", 1, 1000), (1000, "z", 1, 1)]]
        );
    }

    #[test]
    fn cell_text_as_a_browser_shows_it() {
        let doc = read(&page(
            "<table><tr>\
             <td>目标1：建设\n   完成<br>目标2：  验收 <br/></td>\
             <td><p>第一段</p><p>第二段</p><div>  甲 <b>乙</b>\t丙 </div></td>\
             <td>a&nbsp;&amp;&lt;b<script>alert('<td>x')</script><style>td{}</style></td>\
             <td>\u{3000}\u{3000}缩进</td>\
             <td>项目\n名称 and\nmore</td>\
             </tr></table>",
        ))
        .unwrap();
        let cells: Vec<&str> = grids(&doc)[0].rows[0]
            .cells
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(
            cells,
            vec![
                "目标1：建设完成\n目标2： 验收",
                "第一段\n第二段\n甲 乙 丙",
                "a &<b",
                "\u{3000}\u{3000}缩进",
                "项目名称 and more",
            ]
        );
    }

    #[test]
    fn gbk_page_with_a_gb2312_meta() {
        let html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\
                    <title>绩效</title></head><body><p>项目支出绩效目标表</p>\
                    <table><tr><td>项目名称</td><td>园区绿化养护</td></tr></table></body></html>";
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(html);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert!(looks_like_html(&bytes));
        let doc = read(&bytes).unwrap();
        assert_eq!(doc.encoding, "gb18030");
        assert_eq!(
            texts(&doc),
            vec![("项目支出绩效目标表", Place::Paragraph(1))]
        );
        assert_eq!(
            shape(grids(&doc)[0]),
            vec![vec![(0, "项目名称", 1, 1), (1, "园区绿化养护", 1, 1)]]
        );
        assert!(doc.notices.is_empty());

        let charset = "<meta charset=\"gb2312\"><table><tr><td>指标值</td></tr></table>";
        let (bytes, _, _) = encoding_rs::GB18030.encode(charset);
        let doc = read(&bytes).unwrap();
        assert_eq!(doc.encoding, "gb18030");
        assert_eq!(grids(&doc)[0].rows[0].cells[0].text, "指标值");
    }

    #[test]
    fn gbk_page_without_a_declaration_falls_back_to_gb18030() {
        let html =
            "<html><body><table><tr><td>满意度指标</td><td>≥90%</td></tr></table></body></html>";
        let (bytes, _, _) = encoding_rs::GB18030.encode(html);
        assert!(looks_like_html(&bytes));
        let doc = read(&bytes).unwrap();
        assert_eq!(doc.encoding, "gb18030");
        assert_eq!(
            shape(grids(&doc)[0]),
            vec![vec![(0, "满意度指标", 1, 1), (1, "≥90%", 1, 1)]]
        );
        assert!(doc.notices.is_empty());
    }

    #[test]
    fn declarations_the_bytes_contradict_are_overruled() {
        // Declared UTF-8, written in GBK.
        let (bytes, _, _) = encoding_rs::GB18030
            .encode("<meta charset=utf-8><table><tr><td>数量指标</td></tr></table>");
        let doc = read(&bytes).unwrap();
        assert_eq!(doc.encoding, "gb18030");
        assert_eq!(grids(&doc)[0].rows[0].cells[0].text, "数量指标");
        // Declared GBK, written in UTF-8.
        let doc =
            read("<meta charset=gbk><table><tr><td>数量指标</td></tr></table>".as_bytes()).unwrap();
        assert_eq!(doc.encoding, "utf-8");
        assert_eq!(grids(&doc)[0].rows[0].cells[0].text, "数量指标");
        // A label browsers refuse leaves the choice to the bytes.
        let (bytes, _, _) = encoding_rs::GB18030
            .encode("<meta charset=hz-gb-2312><table><tr><td>数量指标</td></tr></table>");
        assert_eq!(read(&bytes).unwrap().encoding, "gb18030");
        // A declaration inside a comment does not count; UTF-16 with a BOM.
        let doc = read("<!-- <meta charset=big5> --><p>质量</p>".as_bytes()).unwrap();
        assert_eq!(doc.encoding, "utf-8");
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            "<html><body><table><tr><td>时效指标</td></tr></table>"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert!(looks_like_html(&utf16));
        let doc = read(&utf16).unwrap();
        assert_eq!(doc.encoding, "utf-16le");
        assert_eq!(grids(&doc)[0].rows[0].cells[0].text, "时效指标");
    }

    #[test]
    fn two_tables_with_a_paragraph_between() {
        let doc = read(&page(
            "<h1>部门项目支出绩效目标表</h1>\
             <table><tr><td>项目名称</td><td>甲</td></tr></table>\
             <p>注：单位\n为<br>万元</p>\
             <table><caption>表二</caption><tr><td>项目名称</td><td>乙</td></tr><tr><td>x</td></tr></table>\
             末尾说明",
        ))
        .unwrap();
        let order: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| match b {
                Block::Text { text, place } => format!("{place:?} {text}"),
                Block::Table(g) => format!("{:?}", g.rows[0].cells[0].place),
            })
            .collect();
        assert_eq!(
            order,
            vec![
                "Paragraph(1) 部门项目支出绩效目标表",
                "TableRow { table: 1, row: 1 }",
                "Paragraph(2) 注：单位为\n万元",
                "Paragraph(3) 表二",
                "TableRow { table: 2, row: 1 }",
                "Paragraph(4) 末尾说明",
            ]
        );
        assert_eq!(
            grids(&doc)[1].rows[1].cells[0].place,
            Place::TableRow { table: 2, row: 2 }
        );
    }

    #[test]
    fn a_layout_table_does_not_swallow_the_real_one() {
        let inner = "<table border=1>\
                     <tr><td>项目名称</td><td colspan=2>绿化</td></tr>\
                     <tr><td rowspan=2>产出指标</td><td>数量</td><td>1次</td></tr>\
                     <tr><td>质量</td><td>100%</td></tr></table>";
        // Only layout: the page comes out as the one real grid.
        let doc = read(&page(&format!(
            "<table width=100%><tr><td>\n</td></tr><tr><td><div>{inner}</div></td><td> </td></tr></table>"
        )))
        .unwrap();
        let g = grids(&doc);
        assert_eq!(g.len(), 1);
        assert_eq!(
            shape(g[0]),
            vec![
                vec![(0, "项目名称", 1, 1), (1, "绿化", 1, 2)],
                vec![(0, "产出指标", 2, 1), (1, "数量", 1, 1), (2, "1次", 1, 1)],
                vec![(1, "质量", 1, 1), (2, "100%", 1, 1)],
            ]
        );
        assert_eq!(
            g[0].rows[0].cells[0].place,
            Place::TableRow { table: 1, row: 1 }
        );
        // A layout table with text of its own: its grid keeps only that text, first.
        let doc = read(&page(&format!(
            "<table><tr><td>首页 &gt; 信息公开</td></tr>\
             <tr><td><b>项目支出绩效目标表</b>{inner}<p>公开日期：2024-01-05</p></td></tr></table>"
        )))
        .unwrap();
        let g = grids(&doc);
        assert_eq!(g.len(), 2);
        assert_eq!(
            shape(g[0]),
            vec![
                vec![(0, "首页 > 信息公开", 1, 1)],
                vec![(0, "项目支出绩效目标表\n公开日期：2024-01-05", 1, 1)],
            ]
        );
        assert_eq!(g[1].rows.len(), 3);
        assert_eq!(
            g[1].rows[2].cells[0].place,
            Place::TableRow { table: 2, row: 3 }
        );
        assert!(texts(&doc).is_empty());
    }

    #[test]
    fn hostile_rowspans_cost_nothing() {
        let doc = read(&page(
            "<table><tr><td rowspan=99999>a</td><td rowspan=65534 colspan=99999>b</td></tr>\
             <tr><td>c</td></tr></table>\
             <table><tr><td rowspan=99999>only</td></tr></table>",
        ))
        .unwrap();
        let g = grids(&doc);
        assert_eq!(
            shape(g[0]),
            vec![
                vec![(0, "a", 2, 1), (1, "b", 2, 1000)],
                vec![(1001, "c", 1, 1)]
            ]
        );
        assert_eq!(shape(g[1]), vec![vec![(0, "only", 1, 1)]]);

        // Many tall cells in the first row, then many rows: the placement stops honouring
        // rowspans when its budget runs out instead of going quadratic.
        let n = 3000;
        let mut html = String::from("<table><tr>");
        for _ in 0..n {
            html.push_str("<td rowspan=65534>x</td>");
        }
        html.push_str("</tr>");
        for _ in 0..n {
            html.push_str("<tr><td>y</td></tr>");
        }
        html.push_str("</table>");
        let doc = read(&page(&html)).unwrap();
        let g = grids(&doc);
        assert_eq!(g[0].rows.len(), n + 1);
        assert!(doc.notices.iter().any(|n| n.note.contains("跨行合并")));
        for row in &g[0].rows {
            assert!(
                row.cells
                    .windows(2)
                    .all(|w| w[0].col + w[0].colspan <= w[1].col)
            );
        }
    }

    #[test]
    fn images_hidden_rows_and_pages_without_tables() {
        let doc = read(&page(
            "<table><tr><td>签章</td><td><img src=seal.png alt=\"公章\"></td></tr>\
             <tr style=\"display: none\"><td>旧数据</td></tr></table>\
             <table><tr><td><img src=scan.jpg></td></tr></table>",
        ))
        .unwrap();
        assert_eq!(grids(&doc).len(), 1);
        let notes: Vec<(Place, &str)> = doc
            .notices
            .iter()
            .map(|n| (n.place, n.text.as_str()))
            .collect();
        assert_eq!(
            notes,
            vec![
                (Place::TableRow { table: 1, row: 1 }, "公章"),
                (Place::TableRow { table: 1, row: 2 }, ""),
                (Place::Paragraph(1), ""),
            ]
        );
        assert!(grids(&doc)[0].rows[1].hidden);

        let doc = read(b"").unwrap();
        assert!(doc.blocks.is_empty());
        let doc = read(&page("<p>只有文字</p>")).unwrap();
        assert_eq!(texts(&doc), vec![("只有文字", Place::Paragraph(1))]);
    }

    #[test]
    fn garbage_that_is_not_html_is_an_error() {
        assert!(read(&[0xFF, 0xFF, 0x80, 0x00, 0xFE]).is_err());
        // Bad bytes in a page still read, with a notice.
        let mut bytes = page("<table><tr><td>a</td></tr></table>");
        bytes.extend([0xFF, 0xFF]);
        let doc = read(&bytes).unwrap();
        assert_eq!(grids(&doc).len(), 1);
        assert_eq!(doc.notices.len(), 1);
    }

    #[test]
    fn html_is_told_from_text_exports() {
        assert!(looks_like_html(
            b"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">"
        ));
        assert!(looks_like_html(b"\r\n<HTML><BODY>x</BODY></HTML>"));
        assert!(looks_like_html(
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">"
        ));
        assert!(looks_like_html(b"<p align=center><b>x</b></p>"));
        assert!(looks_like_html(
            b"\xef\xbb\xbf<table border=1><tr><td>x</td></tr></table>"
        ));
        assert!(!looks_like_html("项目名称\t甲\n主管部门\t乙\n".as_bytes()));
        assert!(!looks_like_html("\t项目名称\n\t<5%\n\n".as_bytes()));
        assert!(!looks_like_html(b"id,name,amount\n1,<p>,2\n"));
        assert!(!looks_like_html(b""));
    }

    #[test]
    fn the_shared_office_seed_page() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/seeds-office/004_f80041b00704fd1b.html"
        );
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(looks_like_html(&bytes));
        assert_eq!(super::super::sniff(&bytes), super::super::Format::Html);
        let doc = read(&bytes).unwrap();
        assert_eq!(doc.encoding, "utf-8");
        let g = grids(&doc);
        assert_eq!(g.len(), 6);
        // Each table follows its title paragraph.
        assert!(
            matches!(&doc.blocks[0], Block::Text { text, place: Place::Paragraph(1) } if text == "项目支出绩效目标表")
        );
        assert_eq!(texts(&doc).len(), 6);
        for (i, grid) in g.iter().enumerate() {
            let first = &grid.rows[0].cells[0];
            assert_eq!(first.text, "项目名称");
            assert_eq!(
                first.place,
                Place::TableRow {
                    table: i as u32 + 1,
                    row: 1
                }
            );
        }
        // Table 1: 项目资金 spans four rows, the indicators' empty label thirteen.
        let t1 = shape(g[0]);
        assert_eq!(t1.len(), 21);
        assert_eq!(t1[2][0], (0, "项目资金（万元）", 4, 1));
        assert_eq!(t1[3][0], (1, "其中：当年财政拨款", 1, 2));
        assert_eq!(t1[8][0], (0, "", 13, 1));
        assert_eq!(
            t1[9][0],
            (3, "指标2：控制经开区辖区内项目可研评审费用成本", 1, 1)
        );
        assert_eq!(
            t1[20],
            vec![
                (1, "满意度指标", 1, 1),
                (2, "服务对象满意度指标", 1, 1),
                (3, "社会公众满意度", 1, 1),
                (4, "100%", 1, 1),
            ]
        );
        assert!(t1[6][1].1.starts_with("目标1：") && t1[6][1].1.contains("\n目标2："));
        assert!(
            g.iter()
                .any(|g| g.rows.iter().flat_map(|r| &r.cells).any(|c| c.rowspan > 1))
        );
        assert!(doc.notices.is_empty());
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn very_deep_nesting_is_refused_quickly() {
        let page = format!("<html><body>{}</body></html>", "<div>".repeat(40_000));
        let t = std::time::Instant::now();
        let e = read(page.as_bytes()).expect_err("refused");
        assert!(e.problem.contains("levels deep"), "{}", e.problem);
        assert!(t.elapsed().as_secs() < 2);
        let bold = "<b id=1>".repeat(40_000);
        assert!(read(bold.as_bytes()).is_err());
    }

    #[test]
    fn ordinary_pages_with_unclosed_cells_are_not_too_deep() {
        let rows = "<tr><td>项目名称<td>甲<tr><td>一级指标<td>二级指标".repeat(5_000);
        let page = format!("<table>{rows}</table><p>说明<p>更多");
        assert_eq!(too_deep(&page), None);
    }
}
