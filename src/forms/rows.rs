//! A [`Document`] → the stream of rows and loose text the forms are read from.
//!
//! Every row gets a position number (`line`): a text export's own line numbers, or, for
//! office formats, the rows and paragraphs numbered in document order; [`Positions`]
//! turns a number back into the place a person can find (`Sheet1!C12`, `表3 第5行`).

use crate::sources::{Block, Document, Place};
use crate::text;

/// How a document's cells relate to its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Merged cells collapse, so a value may sit in a different column from row to row
    /// (text exports one row per line).
    Rows,
    /// Empty cells are kept, so columns line up with the heading (text exports one cell
    /// per line).
    Cells,
    /// Real grid columns: merged cells sit at their anchor's column (office formats).
    Grid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Text as written (trimmed, Word artefacts removed, continuation lines joined with `\n`).
    pub text: String,
    /// Matching key of the text (see [`text::label_key`]).
    pub key: String,
    /// Column index within the row, empty cells included.
    pub col: usize,
    pub line: u32,
    /// Columns the cell spans (office formats; 1 for text exports).
    pub span: usize,
    /// An empty position inside a merged cell (from the left or from above): the value
    /// is the merge's, not a blank someone left.
    pub covered: bool,
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Every non-empty source line the row spans.
    pub lines: Vec<u32>,
}

impl Row {
    pub fn line(&self) -> u32 {
        self.cells
            .first()
            .map(|c| c.line)
            .or_else(|| self.lines.first().copied())
            .unwrap_or(0)
    }

    pub fn non_empty(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(|c| !c.is_empty())
    }

    pub fn first_non_empty(&self) -> Option<&Cell> {
        self.non_empty().next()
    }

    /// Number of cells, trailing empty cells excluded.
    pub fn width(&self) -> usize {
        self.cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Row(Row),
    Loose { text: String, line: u32 },
}

impl Item {
    pub fn line(&self) -> u32 {
        match self {
            Item::Row(r) => r.line(),
            Item::Loose { line, .. } => *line,
        }
    }
}

/// The rows of a document in reading order, and what their numbers mean.
pub struct Linear<'d> {
    pub layout: Layout,
    pub items: Vec<Item>,
    pub positions: Positions,
    /// Each numbered position's text, for the accounting: `units[n - 1]` is position n
    /// (a text export's own lines, borrowed).
    pub units: std::borrow::Cow<'d, [String]>,
}

/// Position numbers → places in the source.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    /// Office formats: the place of each numbered row or paragraph (`places[n - 1]`).
    /// Empty for text exports, whose numbers are their lines.
    places: Vec<Place>,
    sheets: Vec<String>,
    /// The same numbering as runs of consecutive rows, as the book keeps it.
    runs: Vec<crate::model::PlaceRun>,
}

impl Positions {
    fn new(places: Vec<Place>, sheets: Vec<String>) -> Self {
        let runs = runs(&places, &sheets);
        Positions {
            places,
            sheets,
            runs,
        }
    }

    /// `:12` for text exports, `!Sheet1 第12行`, ` 表3 第5行`, ` 第4段` for office files:
    /// read from the runs, as pages and findings read them from the book.
    pub fn display(&self, n: u32) -> String {
        crate::model::place_in(&self.runs, n)
    }

    /// The place of a cell in row `n`, column `col` (a spreadsheet names the cell).
    pub fn cell(&self, n: u32, col: usize) -> String {
        match self.places.get((n as usize).wrapping_sub(1)) {
            Some(Place::Cell { sheet, row, .. }) => Place::Cell {
                sheet: *sheet,
                row: *row,
                col: col as u32,
            }
            .display(&self.sheets),
            _ => self.display(n),
        }
    }

    pub fn is_text(&self) -> bool {
        self.places.is_empty()
    }

    /// The numbering as runs of consecutive rows, to keep with the source's record
    /// ([`crate::model::SourceFile::places`]).
    pub fn runs(&self) -> Vec<crate::model::PlaceRun> {
        self.runs.clone()
    }
}

/// Consecutive rows of one table, sheet or run of paragraphs as one run.
fn runs(places: &[Place], sheets: &[String]) -> Vec<crate::model::PlaceRun> {
    use crate::model::PlaceRun;
    let mut runs: Vec<PlaceRun> = Vec::new();
    for (i, p) in places.iter().enumerate() {
        let line = i as u32 + 1;
        let (kind, name, row) = match *p {
            Place::Cell { sheet, row, .. } => (
                "sheet",
                sheets.get(sheet as usize).cloned().unwrap_or_default(),
                row,
            ),
            Place::TableRow { table, row } => ("table", format!("表{table}"), row),
            Place::Paragraph(n) => ("paragraph", String::new(), n),
            Place::Line(n) => ("line", String::new(), n),
            Place::PdfRow { page, table, row } => ("table", format!("第{page}页 表{table}"), row),
            Place::PdfLine { page, line } => ("page", format!("第{page}页"), line),
        };
        let continues = runs
            .last()
            .is_some_and(|r| r.kind == kind && r.name == name && r.row + (line - r.line) == row);
        if !continues {
            runs.push(PlaceRun {
                line,
                kind: kind.to_string(),
                name,
                row,
            });
        }
    }
    runs
}

fn make_cell(raw: &str, col: usize, line: u32) -> Cell {
    let t = text::strip_artifacts(&text::strip_controls(raw));
    // Line by line: office cells keep their line breaks, padded lines lose the padding.
    let t = if !t.contains('\n') {
        text::clean(&t).to_string()
    } else {
        t.split('\n')
            .map(text::clean)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let key = text::label_key(&t);
    Cell {
        text: t,
        key,
        col,
        line,
        span: 1,
        covered: false,
    }
}

fn grid_width(grid: &crate::sources::Grid) -> u32 {
    grid.rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.col + c.colspan))
        .max()
        .unwrap_or(0)
}

/// A spreadsheet or table row that is really a line of text: a title, a year line, an
/// annex number or a unit line (`单位：元`) alone in its row, or one cell merged across
/// the whole table. Text exports write these as lines without tabs.
fn line_of_text(cells: &[Cell], width: u32) -> Option<String> {
    let mut non_empty = cells.iter().filter(|c| !c.is_empty());
    let only = non_empty.next()?;
    if non_empty.next().is_some() {
        return None;
    }
    let k = &only.key;
    let spans_all = only.col == 0
        && cells.iter().skip(1).all(|c| c.covered)
        && only.span as u32 >= width
        && width >= 3
        && only.text.chars().count() <= 60;
    let is_line = super::labels::table_title(k).is_some()
        || super::labels::year_line(k).is_some()
        || super::labels::annex_label(k)
        || super::labels::unit_line(k).is_some();
    (is_line || (spans_all && super::labels::field(k).is_none() && !only.text.contains('\n')))
        .then(|| only.text.clone())
}

/// Flatten a document into rows and loose lines. Merged cells appear once, at their
/// anchor; the columns they cover are left empty, as in a text export.
pub fn linearise(doc: &Document) -> Linear<'_> {
    let text = doc.format == "text";
    let layout = match doc.layout {
        "cells" => Layout::Cells,
        "rows" | "text" => Layout::Rows,
        _ => Layout::Grid,
    };
    let mut items = Vec::new();
    let mut places = Vec::new();
    let mut units: Vec<String> = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Text { text: t, place } => {
                let line = match place {
                    Place::Line(n) if text => *n,
                    _ => {
                        places.push(*place);
                        units.push(t.clone());
                        places.len() as u32
                    }
                };
                let t = make_cell(t, 0, line).text.replace('\n', " ");
                if !t.is_empty() {
                    items.push(Item::Loose { text: t, line });
                }
            }
            Block::Table(grid) => {
                // Columns still covered by a rowspan from above, and for how many rows.
                let mut below: std::collections::BTreeMap<u32, u32> = Default::default();
                let grid_width = grid_width(grid);
                for row in &grid.rows {
                    let line = if text {
                        row.cells
                            .first()
                            .map(|c| match c.place {
                                Place::Line(n) => n,
                                _ => 0,
                            })
                            .unwrap_or(0)
                    } else {
                        let place = row.cells.first().map(|c| match c.place {
                            Place::Cell { sheet, row, .. } => Place::Cell { sheet, row, col: 0 },
                            p => p,
                        });
                        let Some(place) = place else {
                            // A row wholly inside merges from above still uses them up.
                            for (_, left) in below.iter_mut() {
                                *left = left.saturating_sub(1);
                            }
                            continue;
                        };
                        places.push(place);
                        units.push(
                            row.cells
                                .iter()
                                .map(|c| c.text.as_str())
                                .collect::<Vec<_>>()
                                .join("\t"),
                        );
                        places.len() as u32
                    };
                    let width = row
                        .cells
                        .iter()
                        .map(|c| (c.col + c.colspan) as usize)
                        .max()
                        .unwrap_or(0);
                    let mut cells: Vec<Cell> = Vec::with_capacity(width);
                    let mut covered_here = vec![false; width];
                    for (col, left) in &below {
                        if *left > 0 && (*col as usize) < width {
                            covered_here[*col as usize] = true;
                        }
                    }
                    for c in &row.cells {
                        while cells.len() < c.col as usize {
                            let mut gap = make_cell("", cells.len(), line);
                            gap.covered = covered_here.get(cells.len()).copied().unwrap_or(false);
                            cells.push(gap);
                        }
                        let cell_line = match c.place {
                            Place::Line(n) if text => n,
                            _ => line,
                        };
                        let mut cell = make_cell(&c.text, c.col as usize, cell_line);
                        cell.span = c.colspan.max(1) as usize;
                        cells.push(cell);
                        // The columns a colspan covers are part of this cell.
                        for k in 1..c.colspan.min(1024) {
                            let mut part = make_cell("", c.col as usize + k as usize, line);
                            part.covered = true;
                            cells.push(part);
                        }
                    }
                    // Rowspans reaching into the next rows.
                    for (_, left) in below.iter_mut() {
                        *left = left.saturating_sub(1);
                    }
                    for c in &row.cells {
                        if c.rowspan > 1 {
                            for k in 0..c.colspan.clamp(1, 1024) {
                                below.insert(c.col + k, c.rowspan - 1);
                            }
                        }
                    }
                    if cells.iter().all(Cell::is_empty) {
                        continue;
                    }
                    if !text && let Some(t) = line_of_text(&cells, grid_width) {
                        items.push(Item::Loose { text: t, line });
                        continue;
                    }
                    let lines = if text { row.lines.clone() } else { vec![line] };
                    items.push(Item::Row(Row { cells, lines }));
                }
            }
        }
    }
    Linear {
        layout,
        items,
        positions: Positions::new(places, doc.sheets.clone()),
        units: if text {
            std::borrow::Cow::Borrowed(&doc.lines[..])
        } else {
            std::borrow::Cow::Owned(units)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lin(s: &str) -> Linear<'static> {
        let doc = crate::sources::text::read(s.as_bytes()).unwrap();
        linearise(Box::leak(Box::new(doc)))
    }

    #[test]
    fn text_rows_keep_their_lines() {
        let l = lin(
            "部门（单位）预算项目支出绩效目标表\n\n项目名称\t甲\t\t\n部门（单位）\t乙\t\t\n\t财政拨款\t\t15\t",
        );
        assert_eq!(l.layout, Layout::Rows);
        assert_eq!(l.items.len(), 4);
        match &l.items[3] {
            Item::Row(r) => {
                assert_eq!(r.cells[1].text, "财政拨款");
                assert_eq!(r.cells[3].text, "15");
                assert_eq!(r.line(), 5);
            }
            _ => panic!("row expected"),
        }
        assert_eq!(l.positions.display(5), ":5");
    }

    #[test]
    fn cells_layout_joins_continuations() {
        let l = lin(
            "项目支出绩效目标表\n（2024年度）\n\t项目名称\n\t 甲\n\n\t项目资金\n（万元）\n\t年度资金总额：\n\t315万元\n\n\t总\n体\n目\n标\n\t目标1：一\n目标2：二\n",
        );
        assert_eq!(l.layout, Layout::Cells);
        let rows: Vec<&Row> = l
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Row(r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].cells[1].text, "甲");
        assert_eq!(rows[1].cells[0].text, "项目资金\n（万元）");
        assert_eq!(rows[1].cells[0].key, "项目资金(万元)");
        assert_eq!(rows[2].cells[0].key, "总体目标");
        assert_eq!(rows[2].cells[1].text, "目标1：一\n目标2：二");
        assert_eq!(rows[2].lines, vec![11, 12, 13, 14, 15, 16]);
        assert!(matches!(&l.items[0], Item::Loose { line: 1, .. }));
    }

    #[test]
    fn office_rows_are_numbered_with_their_places() {
        use crate::sources::{Grid, GridCell, GridRow};
        let cell = |col, t: &str, row| GridCell::new(col, t, Place::TableRow { table: 2, row });
        let doc = Document {
            format: "docx",
            layout: "docx",
            blocks: vec![
                Block::Text {
                    text: "项目支出绩效目标表".into(),
                    place: Place::Paragraph(1),
                },
                Block::Table(Grid {
                    rows: vec![
                        GridRow {
                            cells: vec![cell(0, "项目名称", 1), cell(1, "甲", 1)],
                            ..Default::default()
                        },
                        GridRow {
                            cells: vec![cell(1, "年度资金总额", 2), cell(3, "15", 2)],
                            ..Default::default()
                        },
                    ],
                }),
            ],
            ..Default::default()
        };
        let l = linearise(&doc);
        assert_eq!(l.layout, Layout::Grid);
        assert_eq!(l.positions.display(1), " 第1段");
        assert_eq!(l.positions.display(3), " 表2 第2行");
        match &l.items[2] {
            Item::Row(r) => {
                // The covered column 0 and the gap at column 2 are empty cells.
                assert_eq!(r.cells.len(), 4);
                assert!(r.cells[0].is_empty());
                assert_eq!(r.cells[3].text, "15");
                assert_eq!(r.line(), 3);
            }
            _ => panic!("row expected"),
        }
        assert_eq!(l.units.len(), 3);
    }
}
