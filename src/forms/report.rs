//! The import report: every guess, every unreadable cell, every line outside a table,
//! and the accounting that proves no line was dropped.

use super::rows::{Cell, Positions};
use crate::markdown::escape_inline;
use crate::text;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReportKind {
    /// Something the importer had to assume.
    Guess,
    /// A cell that should hold an amount but does not read as one (kept verbatim).
    Unreadable,
    /// A cell or row that fits no field of the form (kept verbatim).
    Unplaced,
    /// A line outside any table row: prose between tables, annex labels, stray titles.
    Outside,
    /// A conversion artefact such as `--|----|---`.
    Artefact,
}

impl ReportKind {
    pub fn heading(self) -> &'static str {
        match self {
            ReportKind::Guess => "推断（导入时的假设）",
            ReportKind::Unreadable => "无法读取的金额（原文保留）",
            ReportKind::Unplaced => "未能归入字段的单元格（原文保留）",
            ReportKind::Outside => "表格之外的文字（原文保留）",
            ReportKind::Artefact => "转换残留（原文保留）",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            ReportKind::Guess => "guess",
            ReportKind::Unreadable => "unreadable",
            ReportKind::Unplaced => "unplaced",
            ReportKind::Outside => "outside",
            ReportKind::Artefact => "artefact",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportItem {
    pub kind: ReportKind,
    pub file: String,
    pub line: u32,
    /// The source text concerned, verbatim (may be empty for pure guesses).
    pub text: String,
    pub note: String,
    /// The cell's column, when the item is about one cell.
    pub col: Option<u32>,
    /// Where to find it, after the file name (`:12`, `!Sheet1!C12`, ` 表3 第5行`); set
    /// when the ledger closes.
    pub place: String,
}

/// Tracks, per source line, whether it went into a field; collects report items.
#[derive(Debug)]
pub struct Ledger {
    pub file: String,
    mapped: Vec<bool>,
    reported: Vec<bool>,
    pub items: Vec<ReportItem>,
    /// Rows whose reading was guessed (a label completed, a level inferred).
    pub guessed_rows: Vec<u32>,
}

impl Ledger {
    pub fn new(file: &str, line_count: usize) -> Self {
        Ledger {
            file: file.to_string(),
            mapped: vec![false; line_count + 2],
            reported: vec![false; line_count + 2],
            guessed_rows: Vec::new(),
            items: Vec::new(),
        }
    }

    pub fn map(&mut self, line: u32) {
        if let Some(m) = self.mapped.get_mut(line as usize) {
            *m = true;
        }
    }

    pub fn map_all(&mut self, lines: &[u32]) {
        for &l in lines {
            self.map(l);
        }
    }

    pub fn report(&mut self, kind: ReportKind, line: u32, text: &str, note: impl Into<String>) {
        if let Some(r) = self.reported.get_mut(line as usize) {
            *r = true;
        }
        self.items.push(ReportItem {
            kind,
            file: self.file.clone(),
            line,
            text: text.to_string(),
            note: note.into(),
            col: None,
            place: String::new(),
        });
    }

    /// Something a reader saw outside the cells (a hidden sheet, an image): reported with
    /// its own place, so it needs no row number.
    pub fn notice(
        &mut self,
        text: &str,
        note: &str,
        place: crate::sources::Place,
        sheets: &[String],
    ) {
        self.items.push(ReportItem {
            kind: ReportKind::Guess,
            file: self.file.clone(),
            line: 0,
            text: text.to_string(),
            note: note.to_string(),
            col: None,
            place: place.display(sheets),
        });
    }

    /// Report one cell, keeping its column so a spreadsheet names the cell.
    pub fn report_cell(&mut self, kind: ReportKind, cell: &Cell, note: impl Into<String>) {
        self.report(kind, cell.line, &cell.text, note);
        if let Some(last) = self.items.last_mut() {
            last.col = Some(cell.col as u32);
        }
    }

    /// A guess about how to read a table row: findings resting on it stay with reviewers.
    pub fn guess_row(&mut self, line: u32, note: impl Into<String>) {
        self.guessed_rows.push(line);
        self.guess(line, note);
    }

    pub fn guess(&mut self, line: u32, note: impl Into<String>) {
        self.items.push(ReportItem {
            kind: ReportKind::Guess,
            file: self.file.clone(),
            line,
            text: String::new(),
            note: note.into(),
            col: None,
            place: String::new(),
        });
    }

    /// Close the books: any non-empty line neither mapped nor reported is reported now,
    /// so the accounting always balances and the gap is visible rather than silent.
    pub fn finish(
        mut self,
        lines: &[String],
        positions: &Positions,
    ) -> (Accounting, Vec<ReportItem>) {
        let mut acc = Accounting::default();
        for (i, l) in lines.iter().enumerate() {
            let n = i + 1;
            if !crate::sources::text::is_non_empty(l) {
                continue;
            }
            acc.non_empty += 1;
            if self.mapped[n] {
                acc.mapped += 1;
            } else {
                if !self.reported[n] {
                    let t = text::clean(&l.replace('\t', " ")).to_string();
                    self.report(ReportKind::Unplaced, n as u32, &t, "此行未能归入任何字段");
                }
                acc.reported += 1;
            }
        }
        self.items.sort_by_key(|a| (a.line, a.kind));
        for it in self.items.iter_mut().filter(|i| i.place.is_empty()) {
            it.place = match it.col {
                Some(c) => positions.cell(it.line, c as usize),
                None => positions.display(it.line),
            };
        }
        (acc, self.items)
    }
}

/// non-empty source lines = lines mapped to fields + lines reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accounting {
    pub non_empty: usize,
    pub mapped: usize,
    pub reported: usize,
}

impl Accounting {
    pub fn add(&mut self, o: Accounting) {
        self.non_empty += o.non_empty;
        self.mapped += o.mapped;
        self.reported += o.reported;
    }

    pub fn balances(&self) -> bool {
        self.non_empty == self.mapped + self.reported
    }

    pub fn line(&self) -> String {
        format!(
            "非空源行 {} = 映射到字段 {} + 列入本报告 {}",
            self.non_empty, self.mapped, self.reported
        )
    }
}

/// Everything a person reviewing an import needs, rendered to Markdown and summarised
/// on stderr.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub book_title: String,
    pub sources: Vec<crate::model::SourceFile>,
    pub accounting: Accounting,
    pub items: Vec<ReportItem>,
    pub projects: usize,
    pub overall_tables: usize,
    pub departments: usize,
    pub indicators: usize,
    /// Sum of the project totals that read as amounts.
    pub project_total: rust_decimal::Decimal,
    /// Sum of the document's own 年度资金总额/合计 cells that read as amounts, and how
    /// many such cells were readable / unreadable.
    pub source_total: rust_decimal::Decimal,
    pub source_total_cells: usize,
    pub source_total_unreadable: usize,
}

impl ImportReport {
    pub fn count(&self, kind: ReportKind) -> usize {
        self.items.iter().filter(|i| i.kind == kind).count()
    }

    /// The short summary printed on stderr after an import.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} 个项目, {} 个部门, {} 张部门整体支出表, {} 条指标",
            self.book_title, self.projects, self.departments, self.overall_tables, self.indicators
        );
        let _ = writeln!(s, "  {}", self.accounting.line());
        let _ = writeln!(
            s,
            "  项目资金合计 {} 万元；源文件年度资金总额/合计单元格 {} 个可读（合计 {} 万元），{} 个不可读",
            crate::amount::plain(self.project_total),
            self.source_total_cells,
            crate::amount::plain(self.source_total),
            self.source_total_unreadable
        );
        let _ = write!(
            s,
            "  推断 {}，无法读取 {}，未归入字段 {}，表外文字 {}，转换残留 {}",
            self.count(ReportKind::Guess),
            self.count(ReportKind::Unreadable),
            self.count(ReportKind::Unplaced),
            self.count(ReportKind::Outside),
            self.count(ReportKind::Artefact)
        );
        s
    }

    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# 导入报告：{}\n", escape_inline(&self.book_title));
        s.push_str("本报告由 `jixiao import` 生成，列出导入时的每一项推断、每个无法读取的单元格和表格之外的每一行，原文照录。\n\n");
        s.push_str("## 源文件\n\n");
        for src in &self.sources {
            let _ = writeln!(
                s,
                "- `{}`：{} 行，编码 {}，版式 {}，sha256 `{}`",
                src.file, src.lines, src.encoding, src.layout, src.sha256
            );
        }
        s.push_str("\n## 核对\n\n");
        let _ = writeln!(s, "- {}", self.accounting.line());
        let _ = writeln!(
            s,
            "- 项目表 {} 张，部门整体支出表 {} 张，部门 {} 个，指标 {} 条",
            self.projects, self.overall_tables, self.departments, self.indicators
        );
        let _ = writeln!(
            s,
            "- 项目资金合计 {} 万元；源文件“年度资金总额/合计”单元格可读 {} 个，合计 {} 万元；不可读 {} 个",
            crate::amount::plain(self.project_total),
            self.source_total_cells,
            crate::amount::plain(self.source_total),
            self.source_total_unreadable
        );
        for kind in [
            ReportKind::Guess,
            ReportKind::Unreadable,
            ReportKind::Unplaced,
            ReportKind::Outside,
            ReportKind::Artefact,
        ] {
            let items: Vec<&ReportItem> = self.items.iter().filter(|i| i.kind == kind).collect();
            let _ = writeln!(s, "\n## {}（{}）\n", kind.heading(), items.len());
            if items.is_empty() {
                s.push_str("无。\n");
                continue;
            }
            for (n, it) in items.iter().enumerate() {
                let _ = write!(
                    s,
                    "{}. `{}{}` {}",
                    n + 1,
                    it.file,
                    it.place,
                    escape_inline(&it.note)
                );
                if !it.text.is_empty() {
                    let _ = write!(s, "：{}", quote(&it.text));
                }
                s.push('\n');
            }
        }
        s
    }
}

/// Verbatim source text inside a report line: one line, Markdown-escaped, in 「」.
fn quote(t: &str) -> String {
    format!("「{}」", escape_inline(&t.replace('\n', " ⏎ ")))
}
