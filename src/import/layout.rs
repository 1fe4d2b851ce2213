//! Text lines → table rows, for the two layouts Word/PDF exports come in:
//!
//! * **rows**: one table row per line, cells separated by tabs; merged cells collapse,
//!   so a value may sit in a different column from row to row;
//! * **cells**: one cell per line, each starting with a tab, rows separated by blank
//!   lines; a line without a leading tab right after a cell continues that cell.
//!
//! Lines outside any row (titles, prose, annex labels) become [`Item::Loose`].

use crate::text;

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Text as written (trimmed, Word artefacts removed, continuation lines joined with `\n`).
    pub text: String,
    /// Matching key of the text (see [`text::label_key`]).
    pub key: String,
    /// Column index within the row, empty cells included.
    pub col: usize,
    pub line: u32,
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

fn make_cell(raw: &str, col: usize, line: u32) -> Cell {
    let t = text::strip_artifacts(&text::strip_controls(raw));
    let t = text::clean(&t).to_string();
    let key = text::label_key(&t);
    Cell {
        text: t,
        key,
        col,
        line,
    }
}

/// Cut the lines into rows and loose lines.
pub fn items(lines: &[String], layout: Layout) -> Vec<Item> {
    match layout {
        Layout::Rows => rows_layout(lines),
        Layout::Cells => cells_layout(lines),
    }
}

fn rows_layout(lines: &[String]) -> Vec<Item> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let line = i as u32 + 1;
        if l.contains('\t') {
            let cells: Vec<Cell> = l
                .split('\t')
                .enumerate()
                .map(|(c, s)| make_cell(s, c, line))
                .collect();
            if cells.iter().all(Cell::is_empty) {
                continue;
            }
            out.push(Item::Row(Row {
                cells,
                lines: vec![line],
            }));
        } else {
            let t = text::clean(&text::strip_artifacts(&text::strip_controls(l))).to_string();
            if !t.is_empty() {
                out.push(Item::Loose { text: t, line });
            }
        }
    }
    out
}

fn cells_layout(lines: &[String]) -> Vec<Item> {
    let mut out = Vec::new();
    // Raw cell texts of the row being read: (text lines, first line, col).
    let mut row: Vec<(Vec<String>, u32)> = Vec::new();
    let mut row_lines: Vec<u32> = Vec::new();
    let flush = |row: &mut Vec<(Vec<String>, u32)>,
                 row_lines: &mut Vec<u32>,
                 out: &mut Vec<Item>| {
        if row.is_empty() {
            return;
        }
        let cells: Vec<Cell> = row
            .drain(..)
            .enumerate()
            .map(|(col, (parts, line))| {
                // Continuation lines of one cell: keep the line breaks for display.
                let joined: Vec<String> = parts
                    .iter()
                    .map(|p| {
                        text::clean(&text::strip_artifacts(&text::strip_controls(p))).to_string()
                    })
                    .collect();
                let mut c = make_cell(&joined.join("\n"), col, line);
                c.text = joined
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n");
                c
            })
            .collect();
        if cells.iter().all(Cell::is_empty) {
            row_lines.clear();
            return;
        }
        out.push(Item::Row(Row {
            cells,
            lines: std::mem::take(row_lines),
        }));
    };
    let mut in_row = false;
    for (i, l) in lines.iter().enumerate() {
        let line = i as u32 + 1;
        if l.trim_matches(text::is_space).is_empty() && !l.starts_with('\t') {
            // Blank line: ends the row.
            flush(&mut row, &mut row_lines, &mut out);
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
            let t = text::clean(&text::strip_artifacts(&text::strip_controls(l))).to_string();
            if !t.is_empty() {
                out.push(Item::Loose { text: t, line });
            }
        }
    }
    flush(&mut row, &mut row_lines, &mut out);
    out
}

/// Lines that carry any visible character: the lines the import accounting must cover.
pub fn is_non_empty(line: &str) -> bool {
    line.chars().any(|c| !text::is_space(c) && !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.split('\n').map(str::to_string).collect()
    }

    #[test]
    fn detects_rows_layout() {
        let l = lines(
            "部门（单位）预算项目支出绩效目标表\n\n项目名称\t甲\t\t\n部门（单位）\t乙\t\t\n\t财政拨款\t\t15\t",
        );
        assert_eq!(detect(&l), Some(Layout::Rows));
        let items = items(&l, Layout::Rows);
        assert_eq!(items.len(), 4);
        match &items[3] {
            Item::Row(r) => {
                assert_eq!(r.cells[1].text, "财政拨款");
                assert_eq!(r.cells[3].text, "15");
                assert_eq!(r.line(), 5);
            }
            _ => panic!("row expected"),
        }
    }

    #[test]
    fn detects_cells_layout_and_joins_continuations() {
        let l = lines(
            "项目支出绩效目标表\n（2024年度）\n\t项目名称\n\t 甲\n\n\t项目资金\n（万元）\n\t年度资金总额：\n\t315万元\n\n\t总\n体\n目\n标\n\t目标1：一\n目标2：二\n",
        );
        assert_eq!(detect(&l), Some(Layout::Cells));
        let items = items(&l, Layout::Cells);
        let rows: Vec<&Row> = items
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
        assert!(matches!(&items[0], Item::Loose { line: 1, .. }));
    }

    #[test]
    fn no_table_at_all() {
        assert_eq!(detect(&lines("只是一段文字\n没有表格")), None);
    }
}
