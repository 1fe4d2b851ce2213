//! The pages' tables and lines, in page order → the document's blocks. A table that
//! ends a page and one of the same width that begins the next (page numbers between
//! them aside) are one table: a header row repeated at the top of the page is dropped
//! (and reported), a row that the page break cut in two is put together again, and a
//! group cell that runs on over the break (empty on the new page) keeps growing.

use super::layout::{Cell, Item, Part, SNAP, Text, joiner};
use crate::sources::{Block, Grid, GridCell, GridRow, Notice, Place};

/// A table being put together from its pages.
struct Table {
    left: f64,
    right: f64,
    /// Where each row was read.
    rows: Vec<Place>,
    /// Cells with rows numbered across the whole table.
    cells: Vec<Cell>,
    /// The table's first page's part, for telling a repeated header.
    head: Vec<Cell>,
}

pub(super) fn blocks(pages: Vec<(u32, Vec<Item>)>, notices: &mut Vec<Notice>) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Table> = None;
    // Page furniture (page numbers) read while a table may still run on.
    let mut held: Vec<Block> = Vec::new();
    let mut last_page = 0;
    for (page, items) in pages {
        let mut line_no = 0;
        let mut seen_content = false;
        for item in items {
            match item {
                Item::Line { text, .. } => {
                    line_no += 1;
                    let block = Block::Text {
                        text: text.clone(),
                        place: Place::PdfLine {
                            page,
                            line: line_no,
                        },
                    };
                    if open.is_some() && is_furniture(&text) {
                        held.push(block);
                    } else {
                        close(&mut open, &mut held, &mut out);
                        out.push(block);
                        seen_content = true;
                    }
                }
                Item::Table(part) => {
                    let first_on_page = !seen_content;
                    seen_content = true;
                    let continues = first_on_page
                        && page == last_page + 1
                        && open.as_ref().is_some_and(|t| {
                            (t.left - part.left).abs() <= SNAP
                                && (t.right - part.right).abs() <= SNAP
                        });
                    if continues && let Some(t) = open.as_mut() {
                        t.append(page, part, notices);
                    } else {
                        close(&mut open, &mut held, &mut out);
                        open = Some(Table::new(page, part));
                    }
                }
            }
        }
        last_page = page;
    }
    close(&mut open, &mut held, &mut out);
    out
}

fn close(open: &mut Option<Table>, held: &mut Vec<Block>, out: &mut Vec<Block>) {
    if let Some(t) = open.take() {
        out.push(Block::Table(t.into_grid()));
    }
    out.append(held);
}

/// A line that only numbers the page: `3`, `- 3 -`, `第3页`, `第 3 页 共 10 页`, `3/10`.
fn is_furniture(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || "-—–/第页共Pagepageof".contains(c))
}

impl Table {
    fn new(page: u32, part: Part) -> Table {
        let rows = (1..=part.rows as u32)
            .map(|row| Place::PdfRow {
                page,
                table: part.number,
                row,
            })
            .collect();
        Table {
            left: part.left,
            right: part.right,
            rows,
            head: part.cells.clone(),
            cells: part.cells,
        }
    }

    fn append(&mut self, page: u32, mut part: Part, notices: &mut Vec<Notice>) {
        let place = |row: usize| Place::PdfRow {
            page,
            table: part.number,
            row: row as u32 + 1,
        };
        // A header repeated on the new page: its first rows as the table's first rows.
        let repeated = (1..=3.min(part.rows.saturating_sub(1)))
            .rev()
            .find(|&k| same_rows(&self.head, &part.cells, k));
        let mut skip = 0;
        if let Some(k) = repeated {
            for r in 0..k {
                let text: Vec<&str> = part
                    .cells
                    .iter()
                    .filter(|c| c.row == r)
                    .map(|c| c.text.text.as_str())
                    .collect();
                notices.push(Notice {
                    place: place(r),
                    text: text.join(" | "),
                    note: "续页重复的表头行，已略去（与表格首行相同）".into(),
                });
            }
            part.cells.retain(|c| c.row >= k);
            skip = k;
        }
        let last = self.rows.len() - 1;
        let ends_last = |c: &Cell| c.row + c.rowspan - 1 == last;
        let matching = |cells: &[Cell], b: &Cell| {
            cells.iter().position(|a| {
                ends_last(a) && (a.x0 - b.x0).abs() <= SNAP && (a.x1 - b.x1).abs() <= SNAP
            })
        };
        let first: Vec<usize> = (0..part.cells.len())
            .filter(|&i| part.cells[i].row == skip)
            .collect();
        // A row cut by the page break: everything it shows on the new page continues
        // a cell of the last row, and at least one of those had run out of room.
        // A row cut by the page break: everything the row shows on the new page continues
        // a cell of the last row whose last line was full (the text ran out of room) and
        // was the row's lowest (the cut runs through the whole row).
        let lowest = self
            .cells
            .iter()
            .filter(|c| ends_last(c) && !c.text.is_empty())
            .map(|c| c.text.end.y)
            .fold(f64::NEG_INFINITY, f64::max);
        let cut = |a: &Cell, b: &Cell| {
            wraps(&a.text, &b.text) && a.text.end.y >= lowest - 0.5 * a.text.end.size
        };
        let split = !first.is_empty()
            && first
                .iter()
                .all(|&i| matching(&self.cells, &part.cells[i]).is_some())
            && first.iter().any(|&i| !part.cells[i].text.is_empty())
            && first.iter().all(|&i| {
                let b = &part.cells[i];
                b.text.is_empty()
                    || matching(&self.cells, b).is_some_and(|a| cut(&self.cells[a], b))
            });
        let offset = if split { last } else { last + 1 };
        // Where the first row's text begins.
        let content_from = first
            .iter()
            .map(|&i| &part.cells[i])
            .filter(|c| !c.text.is_empty())
            .map(|c| c.x0)
            .fold(f64::INFINITY, f64::min);
        let mut merged = vec![false; part.cells.len()];
        for &i in &first {
            let b = &part.cells[i];
            let Some(a) = matching(&self.cells, b) else {
                continue;
            };
            let a_cell = &mut self.cells[a];
            if split {
                if !b.text.is_empty() {
                    let glue = joiner(
                        a_cell.text.text.rsplit('\n').next().unwrap_or(""),
                        a_cell.text.end,
                        a_cell.text.room,
                        &b.text.text,
                        b.text.first_unit,
                    );
                    let text = if a_cell.text.is_empty() {
                        b.text.clone()
                    } else {
                        Text {
                            text: format!("{}{glue}{}", a_cell.text.text, b.text.text),
                            end: b.text.end,
                            ..a_cell.text.clone()
                        }
                    };
                    a_cell.text = text;
                }
                a_cell.rowspan = last - a_cell.row + b.rowspan;
                merged[i] = true;
            } else if b.text.is_empty()
                && (a_cell.rowspan > 1
                    || b.rowspan > 1
                    || !a_cell.text.is_empty() && b.x1 <= content_from + SNAP)
            {
                // A group cell running on over the break: empty on the new page, left of
                // the row's text (an empty value at the right end is a value left empty).
                a_cell.rowspan += b.rowspan;
                merged[i] = true;
            }
        }
        let start = if split { skip + 1 } else { skip };
        for r in start..part.rows {
            self.rows.push(place(r));
        }
        for (i, mut c) in part.cells.into_iter().enumerate() {
            if !merged[i] {
                c.row = c.row - skip + offset;
                self.cells.push(c);
            }
        }
    }

    fn into_grid(self) -> Grid {
        let xs = snap_edges(self.cells.iter().flat_map(|c| [c.x0, c.x1]).collect());
        let col_of = |x: f64| {
            xs.iter()
                .enumerate()
                .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
                .map_or(0, |(i, _)| i)
        };
        let mut rows: Vec<GridRow> = self.rows.iter().map(|_| GridRow::default()).collect();
        let mut cells = self.cells;
        cells.sort_by(|a, b| a.row.cmp(&b.row).then(a.x0.total_cmp(&b.x0)));
        let n = rows.len();
        for c in cells {
            let Some(row) = rows.get_mut(c.row) else {
                continue;
            };
            let (c0, c1) = (col_of(c.x0), col_of(c.x1));
            let next_free = row.cells.last().map_or(0, |l: &GridCell| l.col + l.colspan);
            let col = (c0 as u32).max(next_free);
            let end = (c1 as u32).max(col + 1);
            row.cells.push(GridCell {
                col,
                text: c.text.text,
                rowspan: (c.rowspan.min(n - c.row)).max(1) as u32,
                colspan: end - col,
                place: self.rows[c.row],
            });
        }
        Grid { rows }
    }
}

/// Whether `before`'s last line had no room for `after`'s first word.
fn wraps(before: &Text, after: &Text) -> bool {
    !before.is_empty()
        && !after.is_empty()
        && joiner(
            before.text.rsplit('\n').next().unwrap_or(""),
            before.end,
            before.room,
            &after.text,
            after.first_unit,
        ) != "\n"
}

/// Whether the first `k` rows of two parts hold the same cells (edges and text).
fn same_rows(head: &[Cell], part: &[Cell], k: usize) -> bool {
    let rows = |cells: &[Cell]| -> Option<Vec<(usize, f64, f64, String)>> {
        let mut v = Vec::new();
        for c in cells.iter().filter(|c| c.row < k) {
            if c.row + c.rowspan > k {
                return None;
            }
            v.push((c.row, c.x0, c.x1, c.text.text.clone()));
        }
        v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        Some(v)
    };
    match (rows(head), rows(part)) {
        (Some(a), Some(b)) => {
            a.len() == b.len()
                && a.iter().any(|c| !c.3.is_empty())
                && a.iter().zip(&b).all(|(x, y)| {
                    x.0 == y.0
                        && (x.1 - y.1).abs() <= SNAP
                        && (x.2 - y.2).abs() <= SNAP
                        && x.3 == y.3
                })
        }
        _ => false,
    }
}

fn snap_edges(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    for v in values {
        if out.last().is_none_or(|l| v - l > SNAP) {
            out.push(v);
        }
    }
    out
}
