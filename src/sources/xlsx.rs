//! Spreadsheets (`.xlsx`/`.xlsm`, `.xls`, `.ods`, and `.xlsb` as a bonus) → a [`Document`]
//! with one [`Grid`] per sheet that holds anything, every cell at its real sheet position.
//!
//! `.xlsx` is read here directly (ZIP + quick-xml, one streaming pass per sheet, cells kept
//! sparse) rather than through calamine, because calamine's `Range` is dense over the
//! used area (one cell at `XFD1048576` next to `A1` asks for ~17 billion cells), an error
//! value it does not know (`#SPILL!`, `#CALC!`) fails the whole sheet, and it does not
//! expose hidden rows. Reading the package ourselves also gives the number formats
//! (percentages and dates as displayed) and a hard cap on what is unpacked.
//!
//! `.xls`, `.ods` and `.xlsb` go through calamine. Limits there: no hidden rows; no
//! percent formats (a `0%` cell reads as its stored number, `1`; in `.ods` calamine drops
//! `office:value-type="percentage"`); no merged ranges for `.ods`/`.xlsb`; calamine's
//! dense ranges bound memory only by the format's own limits.
//!
//! Texts: strings as written (line breaks as `\n`); numbers as the shortest decimal that
//! round-trips the stored binary float, never with an exponent (`15`, `315.1`,
//! `0.30000000000000004`); percent formats as displayed (`1` under `0%` → `100%`),
//! computed on the decimal digits; date formats as `YYYY-MM-DD` (plus ` HH:MM[:SS]` when
//! there is a time); booleans `TRUE`/`FALSE`; error values as written (with a notice).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::io::{Cursor, Read};

use quick_xml::Reader as XmlReader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::{Block, Document, Format, Grid, GridCell, GridRow, Notice, Place, SourceError};

/// The most a workbook may unpack to (all parts read, together).
const UNPACKED_LIMIT: u64 = 500 * 1024 * 1024;
/// Excel's sheet size: rows are 1-based up to this, columns 0-based below this.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLS: u32 = 16_384;
/// The most cells with content (and merged ranges) one sheet may hold: far beyond any
/// table, and it bounds the memory a crafted sheet can take.
const MAX_SHEET_ITEMS: usize = 5_000_000;

const RESAVE: &str =
    "open it in Excel or LibreOffice and save it again as .xlsx, then import that copy";

const NOTE_FORMULA_ERROR: &str = "公式错误";
const NOTE_NO_CACHE: &str = "公式没有缓存值";
const NOTE_HIDDEN_ROW: &str = "隐藏的行";

/// Read a spreadsheet (`.xlsx`/`.xlsm`, `.xls`, `.ods`; recognised from the bytes).
pub fn read(bytes: &[u8]) -> Result<Document, SourceError> {
    read_limited(bytes, UNPACKED_LIMIT, MAX_SHEET_ITEMS)
}

/// [`read`] with the caps as parameters: bytes unpacked, cells and merges per sheet.
fn read_limited(bytes: &[u8], limit: u64, max_items: usize) -> Result<Document, SourceError> {
    match super::sniff(bytes) {
        Format::Xlsx => {
            let pkg = Package::open(bytes, limit)?;
            if pkg.has("xl/workbook.bin") && !pkg.has("xl/workbook.xml") {
                let mut pkg = pkg;
                pkg.unpack_all()?;
                return legacy::read_xlsb(bytes);
            }
            ooxml::read(pkg, max_items)
        }
        Format::Ods => {
            let mut pkg = Package::open(bytes, limit)?;
            pkg.unpack_all()?;
            legacy::read_ods(bytes)
        }
        Format::Xls => legacy::read_xls(bytes),
        Format::Encrypted => Err(password_protected()),
        _ => Err(SourceError::new(
            "this is not a spreadsheet (.xlsx, .xls or .ods)",
            "import the workbook itself, or save the table from its program as .xlsx",
        )),
    }
}

fn damaged(detail: impl std::fmt::Display) -> SourceError {
    SourceError::new(format!("this spreadsheet is damaged: {detail}"), RESAVE)
}

fn password_protected() -> SourceError {
    SourceError::new(
        "this workbook is password-protected (encrypted), so its sheets cannot be read",
        "open it in Excel or LibreOffice, remove the password (save a copy without protection), then import that copy",
    )
}

fn too_many_cells(max_items: usize) -> SourceError {
    SourceError::new(
        format!("a sheet holds more than {max_items} cells, more than jixiao reads"),
        "copy the tables into a new workbook, leaving the rest of the sheet out, and import that",
    )
}

fn too_large(limit: u64) -> SourceError {
    SourceError::new(
        format!(
            "this workbook unpacks to more than {} MB, more than jixiao reads",
            limit / (1024 * 1024)
        ),
        "split it, or copy the sheets with the tables into a new workbook and import that",
    )
}

// ---------------------------------------------------------------------------------------
// The ZIP package, read with a cap on the unpacked size.

struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Normalised part name (lower case, `/`, no leading `/`) → index in the archive.
    names: HashMap<String, usize>,
    /// Bytes that may still be unpacked.
    budget: u64,
    limit: u64,
}

fn zip_error(path: &str, e: zip::result::ZipError) -> SourceError {
    if matches!(e, zip::result::ZipError::InvalidPassword)
        || e.to_string().to_lowercase().contains("password")
    {
        password_protected()
    } else {
        damaged(format!("the part {path} cannot be unpacked ({e})"))
    }
}

fn part_key(name: &str) -> String {
    name.replace('\\', "/")
        .trim_start_matches('/')
        .to_lowercase()
}

impl<'a> Package<'a> {
    fn open(bytes: &'a [u8], limit: u64) -> Result<Self, SourceError> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| damaged(format!("its ZIP container cannot be read ({e})")))?;
        let mut names = HashMap::new();
        for i in 0..zip.len() {
            if let Some(Ok(name)) = zip.name_for_index(i) {
                names.entry(part_key(&name)).or_insert(i);
            }
        }
        Ok(Package {
            zip,
            names,
            budget: limit,
            limit,
        })
    }

    fn has(&self, path: &str) -> bool {
        self.names.contains_key(&part_key(path))
    }

    /// The bytes of one part, or `None` when the package has no such part.
    fn read(&mut self, path: &str) -> Result<Option<Vec<u8>>, SourceError> {
        let Some(&index) = self.names.get(&part_key(path)) else {
            return Ok(None);
        };
        let budget = self.budget;
        let mut buf = Vec::new();
        let result = match self.zip.by_index(index) {
            Ok(file) => file.take(budget + 1).read_to_end(&mut buf).map(|_| ()),
            Err(e) => return Err(zip_error(path, e)),
        };
        result.map_err(|e| damaged(format!("the part {path} cannot be unpacked ({e})")))?;
        if buf.len() as u64 > budget {
            return Err(too_large(self.limit));
        }
        self.budget -= buf.len() as u64;
        Ok(Some(buf))
    }

    fn read_xml(&mut self, path: &str) -> Result<Option<String>, SourceError> {
        Ok(self.read(path)?.map(decode_xml))
    }

    /// Unpack every part once without keeping it: a damaged or oversized package is
    /// refused before another reader (calamine) unpacks it again.
    fn unpack_all(&mut self) -> Result<(), SourceError> {
        for index in 0..self.zip.len() {
            let budget = self.budget;
            let copied = match self.zip.by_index(index) {
                Ok(file) => std::io::copy(&mut file.take(budget + 1), &mut std::io::sink()),
                Err(e) => return Err(zip_error(&format!("#{index}"), e)),
            };
            let copied = copied.map_err(|e| damaged(format!("a part cannot be unpacked ({e})")))?;
            if copied > budget {
                return Err(too_large(self.limit));
            }
            self.budget -= copied;
        }
        Ok(())
    }
}

/// XML bytes → text: UTF-8 (BOM dropped; invalid bytes replaced) or UTF-16 with a BOM.
fn decode_xml(bytes: Vec<u8>) -> String {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return encoding_rs::UTF_16LE.decode(&bytes[2..]).0.into_owned();
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return encoding_rs::UTF_16BE.decode(&bytes[2..]).0.into_owned();
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    text
}

// ---------------------------------------------------------------------------------------
// What every format hands to the grid builder.

/// One cell as read, before merges are applied.
#[derive(Debug, Clone)]
struct RawCell {
    /// 1-based sheet row.
    row: u32,
    /// 0-based sheet column.
    col: u32,
    text: String,
    /// A notice about this cell: (note, text concerned).
    note: Option<(&'static str, String)>,
}

/// A merged range, 1-based rows and 0-based columns, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Merge {
    r1: u32,
    c1: u32,
    r2: u32,
    c2: u32,
}

impl Merge {
    /// Ordered, inside the sheet, and more than one cell; otherwise `None`.
    fn new(a: (u32, u32), b: (u32, u32)) -> Option<Merge> {
        let m = Merge {
            r1: a.0.min(b.0),
            c1: a.1.min(b.1),
            r2: a.0.max(b.0),
            c2: a.1.max(b.1),
        };
        let inside = m.r1 >= 1 && m.r2 <= MAX_ROWS && m.c2 < MAX_COLS;
        (inside && (m.r1, m.c1) != (m.r2, m.c2)).then_some(m)
    }
}

#[derive(Debug, Default)]
struct SheetCells {
    cells: Vec<RawCell>,
    merges: Vec<Merge>,
    hidden_rows: HashSet<u32>,
}

/// Merges that reach the current row of a sweep down the sheet, by first column. They
/// all cover that row and never overlap, so their column intervals are disjoint and the
/// one that could hold a column is the last starting at or before it.
#[derive(Default)]
struct Active {
    by_col: BTreeMap<u32, Merge>,
    /// (last row, first column) of every merge in `by_col`, soonest ending first.
    ends: BinaryHeap<Reverse<(u32, u32)>>,
}

impl Active {
    /// Forget the merges that end above `row`.
    fn expire(&mut self, row: u32) {
        while let Some(&Reverse((r2, c1))) = self.ends.peek() {
            if r2 >= row {
                break;
            }
            self.ends.pop();
            if self.by_col.get(&c1).is_some_and(|m| m.r2 == r2) {
                self.by_col.remove(&c1);
            }
        }
    }

    fn insert(&mut self, m: Merge) {
        self.by_col.insert(m.c1, m);
        self.ends.push(Reverse((m.r2, m.c1)));
    }

    /// The merge covering any column of `c1..=c2` in the current row.
    fn within(&self, c1: u32, c2: u32) -> Option<&Merge> {
        self.by_col
            .range(..=c2)
            .next_back()
            .map(|(_, m)| m)
            .filter(|m| m.c2 >= c1)
    }
}

/// Keep the merges that do not overlap one already kept (in anchor order), so that every
/// cell is covered by at most one merge. Returned sorted by anchor.
fn accept_merges(mut merges: Vec<Merge>) -> Vec<Merge> {
    merges.sort_unstable();
    merges.dedup();
    let mut accepted = Vec::with_capacity(merges.len());
    let mut active = Active::default();
    for m in merges {
        active.expire(m.r1);
        if active.within(m.c1, m.c2).is_none() {
            active.insert(m);
            accepted.push(m);
        }
    }
    accepted
}

/// Cells and merges → the sheet's grid (and its notices), or `None` when the sheet holds
/// nothing. Listed: non-empty cells and merge anchors; cells covered by a merge are not.
fn build_grid(sheet: u32, data: SheetCells, notices: &mut Vec<Notice>) -> Option<Grid> {
    let SheetCells {
        mut cells,
        merges,
        hidden_rows,
    } = data;
    cells.retain(|c| !c.text.is_empty() || c.note.is_some());
    if cells.is_empty() {
        return None;
    }
    // Stable sort: of two cells at one place the first written stays.
    cells.sort_by_key(|c| (c.row, c.col));
    cells.dedup_by(|later, kept| later.row == kept.row && later.col == kept.col);

    let merges = accept_merges(merges);
    let spans: HashMap<(u32, u32), (u32, u32)> = merges
        .iter()
        .map(|m| ((m.r1, m.c1), (m.r2 - m.r1 + 1, m.c2 - m.c1 + 1)))
        .collect();

    // Drop the cells a merge covers (not its anchor), sweeping down the rows.
    let mut kept = Vec::with_capacity(cells.len() + merges.len());
    let mut next = 0;
    let mut active = Active::default();
    let mut row = 0;
    for cell in cells {
        if cell.row != row {
            row = cell.row;
            active.expire(row);
            while next < merges.len() && merges[next].r1 <= row {
                if merges[next].r2 >= row {
                    active.insert(merges[next]);
                }
                next += 1;
            }
        }
        let covered = active
            .within(cell.col, cell.col)
            .is_some_and(|m| (m.r1, m.c1) != (cell.row, cell.col));
        if !covered {
            kept.push(cell);
        }
    }
    // Every merge anchor is listed, empty or not.
    let present: HashSet<(u32, u32)> = kept.iter().map(|c| (c.row, c.col)).collect();
    for m in &merges {
        if !present.contains(&(m.r1, m.c1)) {
            kept.push(RawCell {
                row: m.r1,
                col: m.c1,
                text: String::new(),
                note: None,
            });
        }
    }
    kept.sort_by_key(|c| (c.row, c.col));

    let mut grid = Grid::default();
    let mut cell_notices = Vec::new();
    let mut current: Option<u32> = None;
    let flush = |grid: &mut Grid, notices: &mut Vec<Notice>, cell_notices: &mut Vec<Notice>| {
        if let Some(last) = grid.rows.last()
            && last.hidden
        {
            let text = last
                .cells
                .iter()
                .map(|c| c.text.as_str())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" | ");
            notices.push(Notice {
                place: last.cells[0].place,
                text,
                note: NOTE_HIDDEN_ROW.to_string(),
            });
        }
        notices.append(cell_notices);
    };
    for cell in kept {
        if current != Some(cell.row) {
            flush(&mut grid, notices, &mut cell_notices);
            current = Some(cell.row);
            grid.rows.push(GridRow {
                cells: Vec::new(),
                hidden: hidden_rows.contains(&cell.row),
                lines: Vec::new(),
            });
        }
        let place = Place::Cell {
            sheet,
            row: cell.row,
            col: cell.col,
        };
        if let Some((note, text)) = cell.note {
            cell_notices.push(Notice {
                place,
                text,
                note: note.to_string(),
            });
        }
        let (rowspan, colspan) = spans.get(&(cell.row, cell.col)).copied().unwrap_or((1, 1));
        if let Some(r) = grid.rows.last_mut() {
            r.cells.push(GridCell {
                col: cell.col,
                text: cell.text,
                rowspan,
                colspan,
                place,
            });
        }
    }
    flush(&mut grid, notices, &mut cell_notices);
    Some(grid)
}

fn hidden_sheet_notice(sheet: u32, name: &str) -> Notice {
    Notice {
        place: Place::Cell {
            sheet,
            row: 1,
            col: 0,
        },
        text: name.to_string(),
        note: format!("隐藏的工作表 {name}"),
    }
}

// ---------------------------------------------------------------------------------------
// Values → text.

/// How a cell's number format shows a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumKind {
    Plain,
    /// Times 100 with a `%`; decimals shown: at least `min`, at most `max`.
    Percent {
        min: u8,
        max: u8,
    },
    Date,
    /// Elapsed time (`[h]:mm:ss`).
    Duration,
}

/// The kind of one of Excel's built-in number formats (ids below 164).
fn builtin_kind(id: u32) -> NumKind {
    match id {
        9 => NumKind::Percent { min: 0, max: 0 },
        10 => NumKind::Percent { min: 2, max: 2 },
        // Dates and times, including the zh-CN built-ins (27–36, 50–58).
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => NumKind::Date,
        46 => NumKind::Duration,
        _ => NumKind::Plain,
    }
}

/// The kind of a format code (its first section decides).
fn format_kind(code: &str) -> NumKind {
    let mut chars = code.chars().peekable();
    let (mut percent, mut date, mut elapsed, mut point) = (false, false, false, false);
    let (mut min, mut max) = (0u8, 0u8);
    while let Some(c) = chars.next() {
        match c {
            ';' => break,
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                let mut inner = String::new();
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                    inner.push(q.to_ascii_lowercase());
                }
                if !inner.is_empty() && inner.chars().all(|q| matches!(q, 'h' | 'm' | 's')) {
                    elapsed = true;
                }
            }
            '%' => percent = true,
            '.' => point = true,
            '0' | '#' | '?' if point => {
                max = max.saturating_add(1);
                if c != '#' {
                    min = min.saturating_add(1);
                }
            }
            'E' | 'e' if matches!(chars.peek(), Some('+' | '-')) => {
                chars.next();
            }
            'y' | 'Y' | 'd' | 'D' | 'm' | 'M' | 'h' | 'H' | 's' | 'S' => date = true,
            _ => {}
        }
    }
    if elapsed {
        NumKind::Duration
    } else if date {
        NumKind::Date
    } else if percent {
        NumKind::Percent { min, max }
    } else {
        NumKind::Plain
    }
}

/// The shortest decimal that reads back as `x`, without an exponent.
fn plain_number(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x}")
    }
}

/// A plain decimal (`-0.955`, `315`) times 100, rounded half-up to at most `max`
/// decimals, trailing zeros dropped down to `min`, with `%`. Exact: only digits move.
fn percent_text(decimal: &str, min: usize, max: usize) -> String {
    let (negative, digits) = match decimal.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, decimal),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut frac: Vec<u8> = frac.bytes().collect();
    while frac.len() < 2 {
        frac.push(b'0');
    }
    let mut all: Vec<u8> = int.bytes().chain(frac[..2].iter().copied()).collect();
    let mut int_len = all.len();
    let mut rest: Vec<u8> = frac[2..].to_vec();
    if rest.len() > max {
        let up = rest[max] >= b'5';
        rest.truncate(max);
        all.extend_from_slice(&rest);
        if up {
            let mut i = all.len();
            loop {
                if i == 0 {
                    all.insert(0, b'1');
                    int_len += 1;
                    break;
                }
                i -= 1;
                if all[i] == b'9' {
                    all[i] = b'0';
                } else {
                    all[i] += 1;
                    break;
                }
            }
        }
        rest = all.split_off(int_len);
    }
    while rest.len() > min && rest.last() == Some(&b'0') {
        rest.pop();
    }
    while rest.len() < min {
        rest.push(b'0');
    }
    let first = all
        .iter()
        .position(|&b| b != b'0')
        .unwrap_or(all.len().saturating_sub(1));
    let int_part = &all[first.min(all.len().saturating_sub(1))..];
    let zero = int_part.iter().chain(rest.iter()).all(|&b| b == b'0');
    let mut out = String::with_capacity(int_part.len() + rest.len() + 3);
    if negative && !zero {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(int_part).unwrap_or("0"));
    if out.is_empty() || out == "-" {
        out.push('0');
    }
    if !rest.is_empty() {
        out.push('.');
        out.push_str(std::str::from_utf8(&rest).unwrap_or(""));
    }
    out.push('%');
    out
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn clock(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// An Excel serial date → `YYYY-MM-DD` (and ` HH:MM[:SS]` when it has a time; only the
/// time for a 1900-system serial below 1). `None` outside Excel's dates.
fn excel_date(serial: f64, date1904: bool) -> Option<String> {
    if !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Whole seconds: rounding the product absorbs the float's last-bit error.
    let total = (serial * 86_400.0).round() as i64;
    let (days, secs) = (total / 86_400, total % 86_400);
    if days == 0 && !date1904 {
        return Some(clock(secs));
    }
    // 1970-01-01 is serial 25569 (1900 system, which counts a 29 February 1900 that
    // never was: serial 60) and 24107 (1904 system).
    let (y, m, d) = if date1904 {
        civil_from_days(days - 24_107)
    } else if days == 60 {
        (1900, 2, 29)
    } else if days < 60 {
        civil_from_days(days - 25_568)
    } else {
        civil_from_days(days - 25_569)
    };
    Some(if secs == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {}", clock(secs))
    })
}

/// Elapsed time `H:MM[:SS]` (hours may pass 24).
fn duration_text(serial: f64) -> Option<String> {
    if !serial.is_finite() || !(0.0..1e9).contains(&serial) {
        return None;
    }
    Some(clock((serial * 86_400.0).round() as i64))
}

/// The text of a number cell under its format; text that is no finite number stays as
/// written.
fn number_text(raw: &str, kind: NumKind, date1904: bool) -> String {
    let raw = raw.trim();
    let x = match raw.parse::<f64>() {
        Ok(x) if x.is_finite() => x,
        _ => return raw.to_string(),
    };
    match kind {
        NumKind::Plain => plain_number(x),
        NumKind::Percent { min, max } => percent_text(&plain_number(x), min.into(), max.into()),
        NumKind::Date => excel_date(x, date1904).unwrap_or_else(|| plain_number(x)),
        NumKind::Duration => duration_text(x).unwrap_or_else(|| plain_number(x)),
    }
}

/// An ISO 8601 date/time as written, `T` → space, a zero time dropped.
fn iso_text(s: &str) -> String {
    let s = s.trim();
    match s.split_once('T') {
        Some((date, time)) => {
            let time = time.trim_end_matches('Z');
            if time.bytes().all(|b| matches!(b, b'0' | b':' | b'.')) {
                date.to_string()
            } else {
                format!("{date} {time}")
            }
        }
        None => s.to_string(),
    }
}

/// Decode Excel's `_xHHHH_` escapes (UTF-16 code units) and make every line break `\n`.
fn clean_text(s: String) -> String {
    let s = if s.contains("_x") {
        decode_x_escapes(&s)
    } else {
        s
    };
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        s
    }
}

fn decode_x_escapes(s: &str) -> String {
    fn unit(b: &[u8], i: usize) -> Option<u16> {
        let esc = b.get(i..i + 7)?;
        if &esc[..2] != b"_x" || esc[6] != b'_' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&esc[2..6]).ok()?, 16).ok()
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut units: Vec<u16> = Vec::new();
    let mut i = 0;
    let mut plain = 0;
    while i < b.len() {
        if b[i] == b'_'
            && let Some(u) = unit(b, i)
        {
            out.push_str(&s[plain..i]);
            units.clear();
            units.push(u);
            i += 7;
            while let Some(u) = unit(b, i) {
                units.push(u);
                i += 7;
            }
            out.extend(char::decode_utf16(units.iter().copied()).map(|r| r.unwrap_or('\u{FFFD}')));
            plain = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&s[plain..]);
    out
}

// ---------------------------------------------------------------------------------------
// .xlsx / .xlsm, read directly.

mod ooxml {
    use super::*;

    struct Rel {
        id: String,
        kind: String,
        target: String,
    }

    struct SheetEntry {
        name: String,
        rid: String,
        hidden: bool,
    }

    /// An XML reader that knows how deep it is, so that a part cut short (which the
    /// parser itself ends quietly) is an error, not a sheet missing its last rows.
    struct Xml<'x> {
        rd: XmlReader<&'x [u8]>,
        depth: u32,
    }

    impl<'x> Xml<'x> {
        fn new(text: &'x str) -> Self {
            Xml {
                rd: XmlReader::from_str(text),
                depth: 0,
            }
        }

        fn next(&mut self) -> Result<Event<'x>, String> {
            let event = self.rd.read_event().map_err(|e| e.to_string())?;
            match &event {
                Event::Start(_) => self.depth += 1,
                Event::End(_) => self.depth = self.depth.saturating_sub(1),
                Event::Eof if self.depth > 0 => {
                    return Err("it ends before its elements are closed".to_string());
                }
                _ => {}
            }
            Ok(event)
        }

        /// Skip the rest of an element whose start was just read.
        fn skip(&mut self, name: quick_xml::name::QName<'_>) -> Result<(), String> {
            self.rd.read_to_end(name).map_err(|e| e.to_string())?;
            self.depth = self.depth.saturating_sub(1);
            Ok(())
        }
    }

    fn xml_error(part: &str, e: impl std::fmt::Display) -> SourceError {
        damaged(format!("the part {part} is not well-formed XML ({e})"))
    }

    fn local<'x>(e: &'x BytesStart<'_>) -> &'x str {
        let name = e.name().0;
        name.rsplit_once(':').map_or(name, |(_, l)| l)
    }

    fn end_local(name: &str) -> &str {
        name.rsplit_once(':').map_or(name, |(_, l)| l)
    }

    /// An attribute's value, entity references resolved.
    fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
        e.attributes()
            .with_checks(false)
            .flatten()
            .find(|a| a.key.0 == key)
            .map(|a| {
                a.normalized_value(XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_else(|_| a.value.into_owned())
            })
    }

    fn push_ref(out: &mut String, r: &BytesRef<'_>) {
        if r.is_char_ref() {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                out.push(c);
            }
        } else if let Some(s) = quick_xml::escape::resolve_xml_entity(r) {
            out.push_str(s);
        } else {
            out.push('&');
            out.push_str(r);
            out.push(';');
        }
    }

    /// Directory of a part path (`xl/workbook.xml` → `xl/`).
    fn dir_of(path: &str) -> &str {
        path.rfind('/').map_or("", |i| &path[..=i])
    }

    /// A relationship target relative to `base_dir`, `.`/`..` resolved.
    fn resolve(base_dir: &str, target: &str) -> String {
        let target = target.replace('\\', "/");
        let joined = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("{base_dir}{target}"),
        };
        let mut parts: Vec<&str> = Vec::new();
        for seg in joined.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        parts.join("/")
    }

    fn rels_path(part: &str) -> String {
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
        if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        }
    }

    fn parse_rels(xml: &str, base_dir: &str, part: &str) -> Result<Vec<Rel>, SourceError> {
        let mut rd = Xml::new(xml);
        let mut rels = Vec::new();
        loop {
            match rd.next().map_err(|e| xml_error(part, e))? {
                Event::Start(e) | Event::Empty(e) if local(&e) == "Relationship" => {
                    if attr(&e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External")) {
                        continue;
                    }
                    let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) else {
                        continue;
                    };
                    rels.push(Rel {
                        id,
                        kind: attr(&e, "Type").unwrap_or_default(),
                        target: resolve(base_dir, &target),
                    });
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(rels)
    }

    fn parse_workbook(xml: &str, part: &str) -> Result<(Vec<SheetEntry>, bool), SourceError> {
        let mut rd = Xml::new(xml);
        let mut sheets = Vec::new();
        let mut date1904 = false;
        loop {
            match rd.next().map_err(|e| xml_error(part, e))? {
                Event::Start(e) | Event::Empty(e) => match local(&e) {
                    "workbookPr" => {
                        date1904 = attr(&e, "date1904")
                            .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
                    }
                    "sheet" => {
                        let rid = e
                            .attributes()
                            .with_checks(false)
                            .flatten()
                            .find(|a| a.key.0.ends_with(":id"))
                            .map(|a| a.value.into_owned())
                            .unwrap_or_default();
                        let state = attr(&e, "state").unwrap_or_default();
                        sheets.push(SheetEntry {
                            name: attr(&e, "name").unwrap_or_default(),
                            rid,
                            hidden: state == "hidden" || state == "veryHidden",
                        });
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok((sheets, date1904))
    }

    /// `styles.xml` → the number-format kind of every cell format (`cellXfs` entry).
    fn parse_styles(xml: &str, part: &str) -> Result<Vec<NumKind>, SourceError> {
        let mut rd = Xml::new(xml);
        let mut custom: HashMap<u32, String> = HashMap::new();
        let mut xf_ids: Vec<u32> = Vec::new();
        let mut in_cell_xfs = false;
        loop {
            match rd.next().map_err(|e| xml_error(part, e))? {
                Event::Start(e) | Event::Empty(e) => match local(&e) {
                    "numFmt" => {
                        if let (Some(id), Some(code)) =
                            (attr(&e, "numFmtId"), attr(&e, "formatCode"))
                            && let Ok(id) = id.trim().parse()
                        {
                            custom.insert(id, code);
                        }
                    }
                    "cellXfs" => in_cell_xfs = true,
                    "xf" if in_cell_xfs => {
                        let id = attr(&e, "numFmtId").and_then(|v| v.trim().parse().ok());
                        xf_ids.push(id.unwrap_or(0));
                    }
                    _ => {}
                },
                Event::End(e) if end_local(e.name().0) == "cellXfs" => in_cell_xfs = false,
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(xf_ids
            .into_iter()
            .map(|id| match custom.get(&id) {
                Some(code) => format_kind(code),
                None => builtin_kind(id),
            })
            .collect())
    }

    /// Text of a rich or plain string element (`<si>`, `<is>`): its `<t>` runs, without
    /// the phonetic runs (`<rPh>`). Reads up to the element's end.
    fn read_rich(rd: &mut Xml<'_>, end: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut in_t = false;
        let mut phonetic = 0u32;
        loop {
            match rd.next()? {
                Event::Start(e) => match local(&e) {
                    "t" => in_t = true,
                    "rPh" => phonetic += 1,
                    _ => {}
                },
                Event::End(e) => match end_local(e.name().0) {
                    "t" => in_t = false,
                    "rPh" => phonetic = phonetic.saturating_sub(1),
                    name if name == end => break,
                    _ => {}
                },
                Event::Text(t) if in_t && phonetic == 0 => out.push_str(&t.xml10_content()),
                Event::CData(t) if in_t && phonetic == 0 => out.push_str(&t.xml10_content()),
                Event::GeneralRef(r) if in_t && phonetic == 0 => push_ref(&mut out, &r),
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(clean_text(out))
    }

    /// All text up to the end of the element `end` (for `<v>` and `<f>`).
    fn read_text(rd: &mut Xml<'_>, end: &str) -> Result<String, String> {
        let mut out = String::new();
        loop {
            match rd.next()? {
                Event::End(e) if end_local(e.name().0) == end => break,
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(t) => out.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => push_ref(&mut out, &r),
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(out)
    }

    fn parse_shared_strings(xml: &str, part: &str) -> Result<Vec<String>, SourceError> {
        let mut rd = Xml::new(xml);
        let mut strings = Vec::new();
        loop {
            match rd.next().map_err(|e| xml_error(part, e))? {
                Event::Start(e) if local(&e) == "si" => {
                    strings.push(read_rich(&mut rd, "si").map_err(|e| xml_error(part, e))?);
                }
                Event::Empty(e) if local(&e) == "si" => strings.push(String::new()),
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(strings)
    }

    /// `C12` → (12, 2): 1-based row, 0-based column; `None` if not a cell inside a sheet.
    pub(super) fn cell_ref(s: &str) -> Option<(u32, u32)> {
        let b = s.trim().as_bytes();
        let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        if letters == 0 || letters > 3 || letters == b.len() || b.len() - letters > 7 {
            return None;
        }
        let mut col: u32 = 0;
        for c in &b[..letters] {
            col = col * 26 + u32::from(c.to_ascii_uppercase() - b'A' + 1);
        }
        let digits = &b[letters..];
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let row: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        ((1..=MAX_ROWS).contains(&row) && col <= MAX_COLS).then_some((row, col - 1))
    }

    struct Ctx<'c> {
        strings: &'c [String],
        kinds: &'c [NumKind],
        date1904: bool,
        /// Cells with content and merges one sheet may hold.
        max_items: usize,
    }

    struct Formula {
        text: String,
        shared: Option<String>,
    }

    /// One worksheet part → its cells (those with content), merges and hidden rows.
    /// Errors: the XML's, or `None` for a sheet over `ctx.max_items`.
    fn parse_sheet(xml: &str, ctx: &Ctx<'_>) -> Result<SheetCells, Option<String>> {
        let mut rd = Xml::new(xml);
        let mut out = SheetCells::default();
        let mut in_data = false;
        let mut row: u32 = 0;
        let mut next_col: u32 = 0;
        // Shared formulas of this sheet: index → (formula, its cell).
        let mut shared: HashMap<String, (String, (u32, u32))> = HashMap::new();
        loop {
            let event = rd.next()?;
            let (e, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    if end_local(e.name().0) == "sheetData" {
                        in_data = false;
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match local(&e) {
                "sheetData" => in_data = !empty,
                "row" if in_data => {
                    let r = attr(&e, "r").and_then(|r| r.trim().parse::<u32>().ok());
                    row = match r {
                        Some(r) if (1..=MAX_ROWS).contains(&r) => r,
                        _ => row.saturating_add(1),
                    };
                    next_col = 0;
                    if attr(&e, "hidden").is_some_and(|h| h == "1" || h == "true") {
                        out.hidden_rows.insert(row);
                    }
                }
                "c" if in_data => {
                    let (mut r, mut s, mut t) = (None, None, None);
                    for a in e.attributes().with_checks(false).flatten() {
                        match a.key.0 {
                            "r" => r = Some(a.value),
                            "s" => s = Some(a.value),
                            "t" => t = Some(a.value),
                            _ => {}
                        }
                    }
                    let (cell_row, col) = match r.as_deref().and_then(cell_ref) {
                        Some(pos) => pos,
                        None => (row, next_col),
                    };
                    next_col = col.saturating_add(1);
                    if empty {
                        continue;
                    }
                    let (mut v, mut is, mut f) = (None::<String>, None::<String>, None::<Formula>);
                    loop {
                        match rd.next()? {
                            Event::Start(c) => match local(&c) {
                                "v" => v = Some(read_text(&mut rd, "v")?),
                                "is" => is = Some(read_rich(&mut rd, "is")?),
                                "f" => {
                                    let si = attr(&c, "si");
                                    let shared_kind = attr(&c, "t").is_some_and(|t| t == "shared");
                                    let text = read_text(&mut rd, "f")?;
                                    if shared_kind
                                        && let Some(si) = &si
                                        && !text.is_empty()
                                    {
                                        shared.insert(si.clone(), (text.clone(), (cell_row, col)));
                                    }
                                    f = Some(Formula {
                                        text,
                                        shared: si.filter(|_| shared_kind),
                                    });
                                }
                                _ => {
                                    rd.skip(c.name())?;
                                }
                            },
                            Event::Empty(c) => match local(&c) {
                                "v" => v = Some(String::new()),
                                "is" => is = Some(String::new()),
                                "f" => {
                                    let shared_kind = attr(&c, "t").is_some_and(|t| t == "shared");
                                    f = Some(Formula {
                                        text: String::new(),
                                        shared: attr(&c, "si").filter(|_| shared_kind),
                                    });
                                }
                                _ => {}
                            },
                            Event::End(c) if end_local(c.name().0) == "c" => break,
                            Event::Eof => break,
                            _ => {}
                        }
                    }
                    if cell_row == 0 || cell_row > MAX_ROWS || col >= MAX_COLS {
                        continue;
                    }
                    let kind = s
                        .and_then(|s| s.trim().parse::<usize>().ok())
                        .and_then(|s| ctx.kinds.get(s).copied())
                        .unwrap_or(NumKind::Plain);
                    let (mut cell, cached) =
                        cell_value(t.as_deref().unwrap_or("n"), v, is, kind, ctx);
                    cell.row = cell_row;
                    cell.col = col;
                    if let Some(f) = f
                        && !cached
                    {
                        let text = formula_text(&f, &shared, (cell_row, col));
                        cell.note = Some((NOTE_NO_CACHE, text));
                    }
                    if !cell.text.is_empty() || cell.note.is_some() {
                        out.cells.push(cell);
                    }
                    if out.cells.len() + out.merges.len() > ctx.max_items {
                        return Err(None);
                    }
                }
                "mergeCell" => {
                    if let Some(range) = attr(&e, "ref")
                        && let Some((a, b)) = range.split_once(':')
                        && let (Some(a), Some(b)) = (cell_ref(a), cell_ref(b))
                        && let Some(m) = Merge::new(a, b)
                    {
                        out.merges.push(m);
                        if out.cells.len() + out.merges.len() > ctx.max_items {
                            return Err(None);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The displayed text of a formula for a notice: `=` and the formula, a shared formula
    /// moved to this cell.
    fn formula_text(
        f: &Formula,
        shared: &HashMap<String, (String, (u32, u32))>,
        at: (u32, u32),
    ) -> String {
        let mut text = f.text.clone();
        if text.is_empty()
            && let Some(si) = &f.shared
            && let Some((master, origin)) = shared.get(si)
        {
            text = master.clone();
            if at.0 >= origin.0
                && at.1 >= origin.1
                && let Ok(moved) = calamine::expand_shared_formula(
                    master,
                    (origin.0 - 1, origin.1),
                    (at.0 - 1, at.1),
                )
            {
                text = moved;
            }
        }
        if text.is_empty() {
            text
        } else {
            format!("={text}")
        }
    }

    /// A cell's text (and notice) from its type, value and format, and whether it had a
    /// value at all (a formula cell without one has no cached value).
    fn cell_value(
        t: &str,
        v: Option<String>,
        is: Option<String>,
        kind: NumKind,
        ctx: &Ctx<'_>,
    ) -> (RawCell, bool) {
        let mut cell = RawCell {
            row: 0,
            col: 0,
            text: String::new(),
            note: None,
        };
        let mut cached = true;
        let mut no_cache = |_: &mut RawCell| cached = false;
        match t {
            "s" => match v.as_deref().map(str::trim) {
                Some(i) if !i.is_empty() => {
                    cell.text = i
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| ctx.strings.get(i))
                        .cloned()
                        .unwrap_or_default();
                }
                _ => no_cache(&mut cell),
            },
            "inlineStr" | "is" => match is.or(v) {
                Some(s) => cell.text = clean_text(s),
                None => no_cache(&mut cell),
            },
            "str" => match v {
                Some(s) => cell.text = clean_text(s),
                None => no_cache(&mut cell),
            },
            "b" => match v.as_deref().map(str::trim) {
                Some("1") => cell.text = "TRUE".into(),
                Some("0") => cell.text = "FALSE".into(),
                Some(b) if b.eq_ignore_ascii_case("true") => cell.text = "TRUE".into(),
                Some(b) if b.eq_ignore_ascii_case("false") => cell.text = "FALSE".into(),
                Some(b) if !b.is_empty() => cell.text = clean_text(b.to_string()),
                _ => no_cache(&mut cell),
            },
            "e" => match v.as_deref().map(str::trim) {
                Some(e) if !e.is_empty() => {
                    cell.text = e.to_string();
                    cell.note = Some((NOTE_FORMULA_ERROR, e.to_string()));
                }
                _ => no_cache(&mut cell),
            },
            "d" => match v.as_deref().map(str::trim) {
                Some(d) if !d.is_empty() => cell.text = iso_text(d),
                _ => no_cache(&mut cell),
            },
            _ => match v.as_deref().map(str::trim) {
                Some(n) if !n.is_empty() => cell.text = number_text(n, kind, ctx.date1904),
                _ => no_cache(&mut cell),
            },
        }
        (cell, cached)
    }

    pub(super) fn read(mut pkg: Package<'_>, max_items: usize) -> Result<Document, SourceError> {
        // The workbook part: named by the package relationships, usually xl/workbook.xml.
        let mut wb_path = "xl/workbook.xml".to_string();
        if let Some(xml) = pkg.read_xml("_rels/.rels")?
            && let Some(rel) = parse_rels(&xml, "", "_rels/.rels")?
                .into_iter()
                .find(|r| r.kind.ends_with("/officeDocument"))
            && pkg.has(&rel.target)
        {
            wb_path = rel.target;
        }
        let Some(wb_xml) = pkg.read_xml(&wb_path)? else {
            return Err(damaged("it has no workbook part (xl/workbook.xml)"));
        };
        let (entries, date1904) = parse_workbook(&wb_xml, &wb_path)?;
        let base = dir_of(&wb_path).to_string();
        let rels_part = rels_path(&wb_path);
        let rels = match pkg.read_xml(&rels_part)? {
            Some(xml) => parse_rels(&xml, &base, &rels_part)?,
            None => Vec::new(),
        };
        let part_of = |suffix: &str, default: &str| {
            rels.iter()
                .find(|r| r.kind.ends_with(suffix))
                .map_or_else(|| format!("{base}{default}"), |r| r.target.clone())
        };
        let styles_part = part_of("/styles", "styles.xml");
        let kinds = match pkg.read_xml(&styles_part)? {
            Some(xml) => parse_styles(&xml, &styles_part)?,
            None => Vec::new(),
        };
        let sst_part = part_of("/sharedStrings", "sharedStrings.xml");
        let strings = match pkg.read_xml(&sst_part)? {
            Some(xml) => parse_shared_strings(&xml, &sst_part)?,
            None => Vec::new(),
        };
        let ctx = Ctx {
            strings: &strings,
            kinds: &kinds,
            date1904,
            max_items,
        };

        let mut doc = Document {
            format: "xlsx",
            layout: "xlsx",
            encoding: "xlsx".to_string(),
            sheets: entries.iter().map(|s| s.name.clone()).collect(),
            ..Default::default()
        };
        for (index, entry) in entries.iter().enumerate() {
            let sheet = index as u32;
            if entry.hidden {
                doc.notices.push(hidden_sheet_notice(sheet, &entry.name));
            }
            // Chart sheets, dialog sheets and macro sheets hold no cells to read.
            let Some(rel) = rels.iter().find(|r| r.id == entry.rid) else {
                continue;
            };
            if !rel.kind.ends_with("/worksheet") {
                continue;
            }
            let Some(xml) = pkg.read_xml(&rel.target)? else {
                return Err(
                    damaged(format!("the sheet's part {} is missing", rel.target))
                        .at(format!("!{}", entry.name)),
                );
            };
            let cells = parse_sheet(&xml, &ctx)
                .map_err(|e| match e {
                    Some(e) => xml_error(&rel.target, e),
                    None => too_many_cells(max_items),
                })
                .map_err(|e| e.at(format!("!{}", entry.name)))?;
            drop(xml);
            if let Some(grid) = build_grid(sheet, cells, &mut doc.notices) {
                doc.blocks.push(Block::Table(grid));
            }
        }
        Ok(doc)
    }
}

// ---------------------------------------------------------------------------------------
// .xls, .ods and .xlsb through calamine.

mod legacy {
    use super::*;
    use calamine::{Data, Dimensions, Reader, SheetType, SheetVisible};

    type Bytes<'a> = Cursor<&'a [u8]>;

    /// calamine has panicked on malformed files before (its changelog lists several
    /// such fixes); a panic there becomes a "damaged" error, not a crash of the import.
    fn guarded<T>(f: impl FnOnce() -> Result<T, SourceError>) -> Result<T, SourceError> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .unwrap_or_else(|_| Err(damaged("the spreadsheet reader failed on its contents")))
    }

    fn open_error(e: impl std::fmt::Display, password: bool) -> SourceError {
        if password {
            password_protected()
        } else {
            damaged(format!("it cannot be opened ({e})"))
        }
    }

    pub(super) fn read_xls(bytes: &[u8]) -> Result<Document, SourceError> {
        guarded(|| {
            let wb = calamine::Xls::new(Cursor::new(bytes))
                .map_err(|e| open_error(&e, matches!(e, calamine::XlsError::Password)))?;
            let date1904 = wb.has_1904_epoch();
            read_workbook(wb, "xls", date1904, false, |wb, name| {
                wb.merge_cells_by_sheet_name(name).unwrap_or_default()
            })
        })
    }

    pub(super) fn read_ods(bytes: &[u8]) -> Result<Document, SourceError> {
        guarded(|| {
            let wb = calamine::Ods::new(Cursor::new(bytes))
                .map_err(|e| open_error(&e, matches!(e, calamine::OdsError::Password)))?;
            read_workbook(wb, "ods", false, true, |_, _| Vec::new())
        })
    }

    pub(super) fn read_xlsb(bytes: &[u8]) -> Result<Document, SourceError> {
        guarded(|| {
            let wb = calamine::Xlsb::new(Cursor::new(bytes))
                .map_err(|e| open_error(&e, matches!(e, calamine::XlsbError::Password)))?;
            let date1904 = wb.has_1904_epoch();
            let mut doc = read_workbook(wb, "xlsx", date1904, false, |_, _| Vec::new())?;
            doc.encoding = "xlsb".to_string();
            Ok(doc)
        })
    }

    /// A formula as a person reads it: `=` first, without ODF's `of:` namespace.
    fn shown_formula(formula: &str) -> String {
        let f = formula.strip_prefix("of:").unwrap_or(formula);
        if f.starts_with('=') {
            f.to_string()
        } else {
            format!("={f}")
        }
    }

    fn data_cell(data: &Data, date1904: bool) -> Option<(String, Option<&'static str>)> {
        Some(match data {
            Data::Empty => return None,
            Data::Int(i) => (i.to_string(), None),
            Data::Float(x) => (plain_number(*x), None),
            Data::String(s) => (clean_text(s.clone()), None),
            Data::Bool(b) => ((if *b { "TRUE" } else { "FALSE" }).to_string(), None),
            Data::DateTime(dt) => {
                let x = dt.as_f64();
                let text = if dt.is_duration() {
                    duration_text(x)
                } else {
                    excel_date(x, date1904)
                };
                (text.unwrap_or_else(|| plain_number(x)), None)
            }
            Data::DateTimeIso(s) => (iso_text(s), None),
            Data::DurationIso(s) => (s.clone(), None),
            Data::Error(e) => (e.to_string(), Some(NOTE_FORMULA_ERROR)),
        })
    }

    fn read_workbook<'a, R>(
        mut wb: R,
        format: &'static str,
        date1904: bool,
        formulas: bool,
        merges: impl Fn(&R, &str) -> Vec<Dimensions>,
    ) -> Result<Document, SourceError>
    where
        R: Reader<Bytes<'a>>,
        R::Error: std::fmt::Display,
    {
        let meta = wb.sheets_metadata().to_vec();
        let mut doc = Document {
            format,
            layout: format,
            encoding: format.to_string(),
            sheets: meta.iter().map(|s| s.name.clone()).collect(),
            ..Default::default()
        };
        for (index, info) in meta.iter().enumerate() {
            let sheet = index as u32;
            if info.visible != SheetVisible::Visible {
                doc.notices.push(hidden_sheet_notice(sheet, &info.name));
            }
            if info.typ != SheetType::WorkSheet {
                continue;
            }
            let range = wb.worksheet_range(&info.name).map_err(|e| {
                damaged(format!("a sheet cannot be read ({e})")).at(format!("!{}", info.name))
            })?;
            let mut data = SheetCells::default();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, value) in range.used_cells() {
                let (row, col) = (r0 as usize + r + 1, c0 as usize + c);
                if row > MAX_ROWS as usize || col >= MAX_COLS as usize {
                    continue;
                }
                if let Some((text, note)) = data_cell(value, date1904) {
                    data.cells.push(RawCell {
                        row: row as u32,
                        col: col as u32,
                        note: note.map(|n| (n, text.clone())),
                        text,
                    });
                }
            }
            if formulas && let Ok(fs) = wb.worksheet_formula(&info.name) {
                let (f0, g0) = fs.start().unwrap_or((0, 0));
                for (r, c, formula) in fs.used_cells() {
                    let (row, col) = (f0 + r as u32, g0 + c as u32);
                    let cached = range
                        .get_value((row, col))
                        .is_some_and(|d| *d != Data::Empty);
                    if !cached && !formula.is_empty() && row < MAX_ROWS && col < MAX_COLS {
                        data.cells.push(RawCell {
                            row: row + 1,
                            col,
                            text: String::new(),
                            note: Some((NOTE_NO_CACHE, shown_formula(formula))),
                        });
                    }
                }
            }
            if data.cells.len() > MAX_SHEET_ITEMS {
                return Err(too_many_cells(MAX_SHEET_ITEMS).at(format!("!{}", info.name)));
            }
            data.merges = merges(&wb, &info.name)
                .into_iter()
                .filter_map(|d| {
                    Merge::new(
                        (d.start.0.saturating_add(1), d.start.1),
                        (d.end.0.saturating_add(1), d.end.1),
                    )
                })
                .collect();
            if let Some(grid) = build_grid(sheet, data, &mut doc.notices) {
                doc.blocks.push(Block::Table(grid));
            }
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_parts(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body) in parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

    const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="秘密 &amp; 备注" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>"#;

    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

    // cellXfs: 0 General, 1 `0%`, 2 `0.0%`, 3 date (14), 4 `yyyy"年"m"月"d"日"`, 5 `0.00%`,
    // 6 `0.0"%"` (a quoted %: not a percent format), 7 `[h]:mm:ss`.
    // The cellStyleXfs entry with a percent format must not count as a cell format.
    const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="166" formatCode="0.0&quot;%&quot;"/></numFmts><cellStyleXfs count="1"><xf numFmtId="9"/></cellStyleXfs><cellXfs count="8"><xf numFmtId="0"/><xf numFmtId="9" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="165"/><xf numFmtId="10"/><xf numFmtId="166"/><xf numFmtId="46"/></cellXfs></styleSheet>"#;

    const SHARED: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4"><si><t>项目名称</t></si><si><t xml:space="preserve">第一行
第二行 </t></si><si><r><rPr><b/></rPr><t>合并</t></r><r><t>单元格</t></r><rPh sb="0" eb="1"><t>ガッペイ</t></rPh></si><si><t>A_x000D_
B&amp;C_x005F_x0041_</t></si></sst>"#;

    const SHEET1: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:F10"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>2</v></c><c r="C1" s="1"/><c r="D1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2"><v>315.1</v></c><c r="C2" t="inlineStr"><is><t>covered</t></is></c><c r="E2"><v>7</v></c></row>
<row r="3" hidden="1"><c r="A3"><v>0.30000000000000004</v></c><c r="B3" t="e"><f>A2/0</f><v>#DIV/0!</v></c><c r="C3" t="e"><v>#SPILL!</v></c></row>
<row r="5"><c r="A5" s="1"><v>1</v></c><c r="B5" s="2"><v>0.955</v></c><c r="C5" s="2"><v>0.95555</v></c><c r="D5" s="5"><v>1</v></c><c r="E5" s="6"><v>0.5</v></c><c r="F5" s="1"><v>-0.125</v></c></row>
<row r="6"><c r="A6" s="3"><v>45658</v></c><c r="B6"><f>SUM(A2:A3)</f><v>315.4</v></c><c r="C6"><f>A2*2</f></c><c r="D6" t="b"><v>1</v></c><c r="E6" t="inlineStr"><is><t>行1
行2</t></is></c><c r="F6" s="4"><v>45658.5</v></c></row>
<row r="7"><c r="A7"><v>1E+21</v></c><c r="B7"><v>1E-7</v></c><c r="C7"><v>15</v></c><c r="D7"><v>15.0</v></c><c r="E7" s="3"><v>60</v></c><c r="F7" s="7"><v>1.5</v></c></row>
<row r="8"><c r="A8" t="str"><f t="shared" ref="A8:B8" si="0">C7+1</f><v>16</v></c><c r="B8" t="str"><f t="shared" si="0"/></c><c r="C8" t="str"><f>IF(1,"","x")</f><v></v></c><c r="D8"><v>2.2999999999999998</v></c></row>
</sheetData><mergeCells count="3"><mergeCell ref="B1:C2"/><mergeCell ref="C1:D1"/><mergeCell ref="A9:B10"/></mergeCells></worksheet>"#;

    const SHEET2: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="12"><c r="C12" t="inlineStr"><is><t>秘密</t></is></c></row></sheetData></worksheet>"#;

    fn workbook_with(sheet1: &str) -> Vec<u8> {
        zip_parts(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
            ("xl/sharedStrings.xml", SHARED),
            ("xl/worksheets/sheet1.xml", sheet1),
            ("xl/worksheets/sheet2.xml", SHEET2),
        ])
    }

    fn grid(doc: &Document, n: usize) -> &Grid {
        match &doc.blocks[n] {
            Block::Table(g) => g,
            other => panic!("not a table: {other:?}"),
        }
    }

    /// The listed cell at `Sheet!A1`-style address, by place.
    fn cell<'d>(doc: &'d Document, sheet: u32, addr: &str) -> Option<&'d GridCell> {
        let (row, col) = ooxml::cell_ref(addr).unwrap();
        let want = Place::Cell { sheet, row, col };
        doc.blocks.iter().find_map(|b| match b {
            Block::Table(g) => g
                .rows
                .iter()
                .flat_map(|r| &r.cells)
                .find(|c| c.place == want),
            _ => None,
        })
    }

    fn text<'d>(doc: &'d Document, sheet: u32, addr: &str) -> &'d str {
        match cell(doc, sheet, addr) {
            Some(c) => &c.text,
            None => panic!("no cell {addr} on sheet {sheet}"),
        }
    }

    fn has_notice(doc: &Document, note: &str, place: Place, text: &str) -> bool {
        doc.notices
            .iter()
            .any(|n| n.note == note && n.place == place && n.text == text)
    }

    fn at(sheet: u32, addr: &str) -> Place {
        let (row, col) = ooxml::cell_ref(addr).unwrap();
        Place::Cell { sheet, row, col }
    }

    /// What every document must satisfy (the fuzz target checks the same).
    fn check_shape(doc: &Document) {
        for block in &doc.blocks {
            let Block::Table(g) = block else { continue };
            let mut last_row = 0;
            for row in &g.rows {
                let mut next_free = 0;
                for c in &row.cells {
                    assert!(c.rowspan >= 1 && c.colspan >= 1);
                    assert!(c.col >= next_free, "overlap in {row:?}");
                    next_free = c.col + c.colspan;
                    let Place::Cell { row: r, col, .. } = c.place else {
                        panic!("not a cell place")
                    };
                    assert_eq!(col, c.col);
                    assert_eq!(
                        r,
                        match row.cells[0].place {
                            Place::Cell { row, .. } => row,
                            _ => unreachable!(),
                        }
                    );
                }
                let Place::Cell { row: r, .. } = row.cells[0].place else {
                    unreachable!()
                };
                assert!(r > last_row);
                last_row = r;
            }
        }
    }

    #[test]
    fn reads_the_handmade_workbook() {
        let doc = read(&workbook_with(SHEET1)).unwrap();
        check_shape(&doc);
        assert_eq!(doc.format, "xlsx");
        assert_eq!(doc.encoding, "xlsx");
        assert_eq!(doc.sheets, vec!["Sheet1", "秘密 & 备注"]);
        assert_eq!(doc.blocks.len(), 2);

        // Strings: shared, rich (without the phonetic run), newlines kept, escapes decoded.
        assert_eq!(text(&doc, 0, "A1"), "项目名称");
        assert_eq!(text(&doc, 0, "B1"), "合并单元格");
        assert_eq!(text(&doc, 0, "D1"), "第一行\n第二行 ");
        assert_eq!(text(&doc, 0, "E6"), "行1\n行2");

        // Merges: B1:C2 anchors at B1; C2's stray value is covered; C1:D1 overlaps B1:C2
        // and is dropped, so D1 stands alone; A9:B10 is listed as an empty anchor.
        let b1 = cell(&doc, 0, "B1").unwrap();
        assert_eq!((b1.rowspan, b1.colspan), (2, 2));
        assert!(cell(&doc, 0, "C1").is_none());
        assert!(cell(&doc, 0, "C2").is_none());
        assert_eq!(cell(&doc, 0, "D1").unwrap().colspan, 1);
        let a9 = cell(&doc, 0, "A9").unwrap();
        assert_eq!((a9.text.as_str(), a9.rowspan, a9.colspan), ("", 2, 2));

        // Numbers as stored, shortest round trip, no exponent.
        assert_eq!(text(&doc, 0, "A2"), "315.1");
        assert_eq!(text(&doc, 0, "E2"), "7");
        assert_eq!(text(&doc, 0, "A3"), "0.30000000000000004");
        assert_eq!(text(&doc, 0, "A7"), "1000000000000000000000");
        assert_eq!(text(&doc, 0, "B7"), "0.0000001");
        assert_eq!(text(&doc, 0, "C7"), "15");
        assert_eq!(text(&doc, 0, "D7"), "15");
        assert_eq!(text(&doc, 0, "D8"), "2.3");

        // Percentages as displayed.
        assert_eq!(text(&doc, 0, "A5"), "100%");
        assert_eq!(text(&doc, 0, "B5"), "95.5%");
        assert_eq!(text(&doc, 0, "C5"), "95.6%");
        assert_eq!(text(&doc, 0, "D5"), "100.00%");
        assert_eq!(
            text(&doc, 0, "E5"),
            "0.5",
            "a quoted % is no percent format"
        );
        assert_eq!(text(&doc, 0, "F5"), "-13%");

        // Dates, booleans, durations.
        assert_eq!(text(&doc, 0, "A6"), "2025-01-01");
        assert_eq!(text(&doc, 0, "F6"), "2025-01-01 12:00");
        assert_eq!(text(&doc, 0, "E7"), "1900-02-29");
        assert_eq!(text(&doc, 0, "D6"), "TRUE");
        assert_eq!(text(&doc, 0, "F7"), "36:00");

        // Formulas: cached values; no cache → empty text and a notice with the formula.
        assert_eq!(text(&doc, 0, "B6"), "315.4");
        assert_eq!(text(&doc, 0, "C6"), "");
        assert!(has_notice(&doc, "公式没有缓存值", at(0, "C6"), "=A2*2"));
        assert_eq!(text(&doc, 0, "A8"), "16");
        assert_eq!(text(&doc, 0, "B8"), "");
        assert!(has_notice(&doc, "公式没有缓存值", at(0, "B8"), "=D7+1"));
        assert!(
            cell(&doc, 0, "C8").is_none(),
            "a cached empty string is an empty cell"
        );

        // Errors.
        assert_eq!(text(&doc, 0, "B3"), "#DIV/0!");
        assert!(has_notice(&doc, "公式错误", at(0, "B3"), "#DIV/0!"));
        assert_eq!(text(&doc, 0, "C3"), "#SPILL!");

        // Hidden row 3 and hidden sheet 2; sheet 2's cell at its real place.
        let g = grid(&doc, 0);
        let row3 = g
            .rows
            .iter()
            .find(|r| r.cells[0].place == at(0, "A3"))
            .unwrap();
        assert!(row3.hidden);
        assert!(g.rows.iter().filter(|r| r.hidden).count() == 1);
        assert!(
            doc.notices
                .iter()
                .any(|n| n.note == "隐藏的行" && n.place == at(0, "A3"))
        );
        assert!(has_notice(
            &doc,
            "隐藏的工作表 秘密 & 备注",
            at(1, "A1"),
            "秘密 & 备注"
        ));
        assert_eq!(text(&doc, 1, "C12"), "秘密");
        assert_eq!(at(1, "C12").display(&doc.sheets), "!秘密 & 备注!C12");

        // Row 4 has no cell: no row for it.
        assert!(g.rows.iter().all(|r| r.cells[0].place != at(0, "A4")));
        // Deterministic.
        let again = read(&workbook_with(SHEET1)).unwrap();
        assert_eq!(again.blocks, doc.blocks);
        assert_eq!(again.notices, doc.notices);
    }

    #[test]
    fn an_empty_sheet_has_no_table() {
        let empty = r#"<worksheet><sheetData><row r="1"><c r="A1" s="1"/></row></sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#;
        let doc = read(&workbook_with(empty)).unwrap();
        assert_eq!(doc.sheets.len(), 2);
        assert_eq!(doc.blocks.len(), 1, "only the hidden sheet has a cell");
        assert_eq!(text(&doc, 1, "C12"), "秘密");
    }

    #[test]
    fn far_cells_stay_sparse() {
        let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>"#;
        let doc = read(&workbook_with(sheet)).unwrap();
        assert_eq!(text(&doc, 0, "XFD1048576"), "2");
        assert_eq!(grid(&doc, 0).rows.len(), 2);
    }

    #[test]
    fn overlapping_merges_keep_the_first() {
        // Every merge below overlaps B2:C3 or the one kept after it; only the first of
        // each overlapping group stays, so no cell is covered twice.
        let sheet = r#"<worksheet><sheetData><row r="2"><c r="B2"><v>1</v></c><c r="D2"><v>2</v></c></row><row r="3"><c r="A3"><v>3</v></c><c r="C3"><v>4</v></c></row></sheetData><mergeCells><mergeCell ref="B2:C3"/><mergeCell ref="C3:D4"/><mergeCell ref="A1:B2"/><mergeCell ref="D2:E2"/><mergeCell ref="A3:A9"/><mergeCell ref="A5:B5"/></mergeCells></worksheet>"#;
        let doc = read(&workbook_with(sheet)).unwrap();
        check_shape(&doc);
        let spans = |addr| {
            let c = cell(&doc, 0, addr).unwrap();
            (c.rowspan, c.colspan)
        };
        assert_eq!(spans("A1"), (2, 2), "A1:B2 comes first in anchor order");
        assert!(cell(&doc, 0, "B2").is_none());
        assert_eq!(
            spans("C3"),
            (2, 2),
            "B2:C3 was dropped, so C3:D4 no longer overlaps"
        );
        assert_eq!(spans("D2"), (1, 2));
        assert_eq!(spans("A3"), (7, 1));
        assert!(cell(&doc, 0, "A5").is_none());
    }

    #[test]
    fn a_sheet_too_big_to_hold_is_refused() {
        let mut sheet = String::from("<worksheet><sheetData><row r=\"1\">");
        for col in ["A", "B", "C"] {
            sheet.push_str(&format!("<c r=\"{col}1\"><v>1</v></c>"));
        }
        sheet.push_str("</row></sheetData><mergeCells>");
        for row in [3, 5, 7] {
            sheet.push_str(&format!("<mergeCell ref=\"A{row}:B{row}\"/>"));
        }
        sheet.push_str("</mergeCells></worksheet>");
        let bytes = workbook_with(&sheet);
        assert!(read_limited(&bytes, UNPACKED_LIMIT, 6).is_ok());
        let e = read_limited(&bytes, UNPACKED_LIMIT, 5).unwrap_err();
        assert!(e.problem.contains("more than 5 cells"), "{e:?}");
        assert_eq!(e.place.as_deref(), Some("!Sheet1"));
    }

    #[test]
    fn cells_without_references_follow_on() {
        let sheet = r#"<worksheet><sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
        let doc = read(&workbook_with(sheet)).unwrap();
        assert_eq!(text(&doc, 0, "A1"), "1");
        assert_eq!(text(&doc, 0, "B1"), "2");
        assert_eq!(text(&doc, 0, "A2"), "x");
    }

    #[test]
    fn broken_files_are_errors_with_help() {
        for bytes in [
            b"PK\x03\x04 not really a zip xl/workbook.xml".to_vec(),
            b"\x00\x01\x02".to_vec(),
            Vec::new(),
        ] {
            let e = read(&bytes).unwrap_err();
            assert!(!e.problem.is_empty() && !e.help.is_empty(), "{e:?}");
        }
        // A package without its workbook part.
        let e = read(&zip_parts(&[("xl/worksheets/sheet1.xml", SHEET2)])).unwrap_err();
        assert!(e.problem.contains("workbook"), "{e:?}");
        assert!(e.help.contains("save it again"));
        // Malformed sheet XML.
        let e = read(&workbook_with("<worksheet><sheetData><row><c><v>1</x></c>")).unwrap_err();
        assert_eq!(e.place.as_deref(), Some("!Sheet1"));
        // An encrypted workbook (an OLE file holding EncryptionInfo).
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend(
            "EncryptionInfo"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert!(read(&ole).unwrap_err().problem.contains("password"));
        // A damaged .xls.
        let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        xls.extend("Workbook".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let e = read(&xls).unwrap_err();
        assert!(e.help.contains("save it again"), "{e:?}");
    }

    #[test]
    fn unpacking_is_capped() {
        let bytes = workbook_with(SHEET1);
        let e = read_limited(&bytes, 2_000, MAX_SHEET_ITEMS).unwrap_err();
        assert!(e.problem.contains("unpacks to more than"), "{e:?}");
        assert!(read_limited(&bytes, 1_000_000, MAX_SHEET_ITEMS).is_ok());
    }

    #[test]
    fn truncated_and_mangled_sheets_never_panic() {
        let full = SHEET1.as_bytes();
        let root = SHEET1.find("<worksheet").unwrap();
        for cut in (0..full.len()).step_by(7) {
            let sheet = String::from_utf8_lossy(&full[..cut]).into_owned();
            match read(&workbook_with(&sheet)) {
                Ok(doc) => {
                    check_shape(&doc);
                    assert!(cut <= root, "a sheet cut at {cut} read as complete");
                }
                Err(e) => assert_eq!(e.place.as_deref(), Some("!Sheet1"), "{e:?}"),
            }
        }
        let mangled = SHEET1
            .replace("r=\"B1\"", "r=\"ZZZZ0\"")
            .replace("C1:D1", "D1:C1")
            .replace("A9:B10", "B10:A9");
        check_shape(&read(&workbook_with(&mangled)).unwrap());
    }

    #[test]
    fn percent_text_is_exact_decimal() {
        assert_eq!(percent_text("1", 0, 0), "100%");
        assert_eq!(percent_text("0.955", 1, 1), "95.5%");
        assert_eq!(percent_text("0.95555", 1, 1), "95.6%");
        assert_eq!(percent_text("0.9995", 1, 1), "100.0%");
        assert_eq!(percent_text("0.99999", 0, 0), "100%");
        assert_eq!(percent_text("9.995", 0, 0), "1000%");
        assert_eq!(percent_text("0.001", 0, 0), "0%");
        assert_eq!(percent_text("-0.001", 0, 0), "0%");
        assert_eq!(percent_text("0.0123", 0, 2), "1.23%");
        assert_eq!(percent_text("0.5", 0, 2), "50%");
        assert_eq!(percent_text("0.30000000000000004", 2, 2), "30.00%");
        assert_eq!(percent_text("12", 0, 0), "1200%");
        assert_eq!(format_kind("0.0%"), NumKind::Percent { min: 1, max: 1 });
        assert_eq!(format_kind("0.##%"), NumKind::Percent { min: 0, max: 2 });
        assert_eq!(
            format_kind("[Red]0%;[Blue]-0%"),
            NumKind::Percent { min: 0, max: 0 }
        );
        assert_eq!(format_kind("0\\%"), NumKind::Plain);
        assert_eq!(format_kind("#,##0.00_);(#,##0.00)"), NumKind::Plain);
        assert_eq!(format_kind("0.00E+00"), NumKind::Plain);
        assert_eq!(format_kind("General"), NumKind::Plain);
        assert_eq!(format_kind("[$-804]yyyy/m/d"), NumKind::Date);
        assert_eq!(format_kind("[h]:mm"), NumKind::Duration);
    }

    #[test]
    fn serial_dates_in_both_systems() {
        assert_eq!(excel_date(1.0, false).unwrap(), "1900-01-01");
        assert_eq!(excel_date(59.0, false).unwrap(), "1900-02-28");
        assert_eq!(excel_date(60.0, false).unwrap(), "1900-02-29");
        assert_eq!(excel_date(61.0, false).unwrap(), "1900-03-01");
        assert_eq!(excel_date(45658.0, false).unwrap(), "2025-01-01");
        assert_eq!(excel_date(2_958_465.0, false).unwrap(), "9999-12-31");
        assert_eq!(excel_date(0.0, true).unwrap(), "1904-01-01");
        assert_eq!(excel_date(44196.0, true).unwrap(), "2025-01-01");
        assert_eq!(excel_date(0.75, false).unwrap(), "18:00");
        assert_eq!(excel_date(45658.999999999, false).unwrap(), "2025-01-02");
        assert_eq!(
            excel_date(45658.0 + 1.0 / 86_400.0, false).unwrap(),
            "2025-01-01 00:00:01"
        );
        assert!(excel_date(-1.0, false).is_none());
        assert!(excel_date(3e6, false).is_none());
    }

    #[test]
    fn reads_an_ods_through_calamine() {
        let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2"><office:automatic-styles><style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style></office:automatic-styles><office:body><office:spreadsheet>
<table:table table:name="表一"><table:table-row><table:table-cell office:value-type="string"><text:p>项目</text:p><text:p>名称</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="315.1"><text:p>315.1</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell/><table:table-cell office:value-type="percentage" office:value="0.955"><text:p>95.5%</text:p></table:table-cell><table:table-cell table:formula="of:=[.B1]*2"/></table:table-row></table:table>
<table:table table:name="Hidden" table:style-name="ta2"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"#;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("mimetype", stored).unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        w.start_file(
            "META-INF/manifest.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
        w.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(content.as_bytes()).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let doc = read(&bytes).unwrap();
        check_shape(&doc);
        assert_eq!((doc.format, doc.layout), ("ods", "ods"));
        assert_eq!(doc.sheets, vec!["表一", "Hidden"]);
        assert_eq!(text(&doc, 0, "A1"), "项目\n名称");
        assert_eq!(text(&doc, 0, "B1"), "315.1");
        // calamine drops office:value-type="percentage": the stored number (a known limit).
        assert_eq!(text(&doc, 0, "B2"), "0.955");
        assert!(has_notice(&doc, "公式没有缓存值", at(0, "C2"), "=[.B1]*2"));
        assert!(has_notice(
            &doc,
            "隐藏的工作表 Hidden",
            at(1, "A1"),
            "Hidden"
        ));
        assert_eq!(text(&doc, 1, "A1"), "x");
    }

    fn seed(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../shared/seeds-office/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("seed file {path} is missing: {e}"))
    }

    #[test]
    fn reads_the_office_seed_workbook() {
        let doc = read(&seed("004_f80041b00704fd1b.xlsx")).unwrap();
        check_shape(&doc);
        assert_eq!(doc.sheets, vec!["绩效目标表"]);
        assert_eq!(doc.blocks.len(), 1);
        let title = cell(&doc, 0, "A1").unwrap();
        assert_eq!(title.text, "项目支出绩效目标表");
        assert_eq!(title.colspan, 5);
        let a10 = cell(&doc, 0, "A10").unwrap();
        assert_eq!((a10.rowspan, a10.colspan), (13, 1));
        assert!(cell(&doc, 0, "A11").is_none());
        // 1 under `0%` (style 2, numFmtId 9) → 100%; the same 1 under General stays 1.
        assert_eq!(text(&doc, 0, "E22"), "100%");
        assert_eq!(text(&doc, 0, "E18"), "99%");
        assert_eq!(text(&doc, 0, "E82"), "30%");
        assert_eq!(text(&doc, 0, "E48"), "1");
        assert_eq!(text(&doc, 0, "D4"), "315万元");
        assert_eq!(cell(&doc, 0, "D4").unwrap().colspan, 2);
        assert!(doc.notices.is_empty(), "{:?}", doc.notices);
    }

    #[test]
    fn reads_the_flat_seed_export() {
        let doc = read(&seed("004_f80041b00704fd1b.flat.xlsx")).unwrap();
        check_shape(&doc);
        assert_eq!(doc.sheets, vec!["项目绩效目标"]);
        let header: Vec<&str> = grid(&doc, 0).rows[0]
            .cells
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(
            header,
            [
                "单位名称",
                "项目编码",
                "项目名称",
                "年度预算数（元）",
                "年度绩效目标",
                "一级指标",
                "二级指标",
                "三级指标",
                "指标性质",
                "指标值",
                "度量单位",
                "权重"
            ]
        );
        assert_eq!(text(&doc, 0, "B2"), "51042024000001");
        assert_eq!(text(&doc, 0, "D2"), "3150000");
    }

    #[test]
    fn reads_the_large_seed_workbook() {
        let bytes = seed("001_8c2fdb8da56f5970.xlsx");
        let start = std::time::Instant::now();
        let doc = read(&bytes).unwrap();
        let took = start.elapsed();
        let cells: usize = match &doc.blocks[0] {
            Block::Table(g) => g.rows.iter().map(|r| r.cells.len()).sum(),
            _ => 0,
        };
        println!("001 (327 projects): {cells} cells in {took:?}");
        check_shape(&doc);
        assert_eq!(doc.blocks.len(), 1);
        assert!(cells > 10_000, "{cells}");
    }
}
