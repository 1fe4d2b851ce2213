//! Rows → tables. A title line starts a table; so does a 项目名称 row when the current
//! table already has one, a year line after a table's content (a title replaced by
//! prose), and funds rows or a new 一级指标 block after a finished indicator tree (a
//! headless fragment). Cells are recognised by what they say, not by their column,
//! because merged cells move values from column to column.

use super::columns;
pub use super::labels::TableKind;
use super::labels::{self, Field, HeadingCol};
use super::report::{Ledger, ReportKind};
use super::rows::{Cell, Item, Layout, Row};
use crate::amount::Amount;
use crate::model::{FundKind, FundRow, Funds, Indicator, Level1, Level2, ProjectFlag, Task};
use crate::text;

/// What the document says before its first table: cover, prose, contents.
#[derive(Debug, Default)]
pub struct Preamble {
    pub title: Option<(String, u32)>,
    pub issuer: Option<(String, u32)>,
    pub date: Option<(String, u32)>,
    /// Prose lines as Markdown blocks, in order.
    pub prose: Vec<String>,
    pub contents: Vec<ContentsItem>,
}

#[derive(Debug, Clone)]
pub struct ContentsItem {
    pub code: Option<String>,
    pub name: String,
    pub page: Option<u32>,
    pub text: String,
    pub line: u32,
}

/// One table as read, before departments are resolved.
#[derive(Debug, Default)]
pub struct Table {
    pub kind: Option<TableKind>,
    pub title: Option<String>,
    pub year: Option<u16>,
    pub start: u32,
    pub end: u32,
    pub name: Option<String>,
    pub department: Option<String>,
    pub supervising: Option<String>,
    pub implementing: Option<String>,
    pub funds: Funds,
    pub amounts: Vec<FundRow>,
    pub tasks: Vec<Task>,
    pub goal: Option<String>,
    /// The form has a goal field (even if empty).
    pub goal_field: bool,
    pub indicators: Vec<Indicator>,
    pub flags: Vec<ProjectFlag>,
    /// The amount cells labelled 年度资金总额/合计 that this table holds (for the
    /// book-level check that totals equal the document's own cells).
    pub total_cells: Vec<Amount>,
    /// 中期目标 / 长期目标 beside the year's goal.
    pub long_goal: String,
    /// Fields of the form's own above the indicators (项目属性, 项目期…).
    pub extra: Vec<crate::model::ExtraField>,
    /// The money unit the document states for this table (`单位：元` → true).
    pub yuan: Option<bool>,
    // Reading state.
    /// The heading row's columns, for office grids.
    columns: Option<columns::Columns>,
    /// Indicators whose 一级 / 二级 label is in another row of the group.
    blank1: Vec<usize>,
    blank2: Vec<usize>,
    /// A row of goal headings (`中期目标 | 年度目标`): their columns, for the next row.
    goal_columns: Vec<(usize, Field)>,
    /// Whether the goal columns have had their first row of goals.
    goal_columns_used: bool,
    /// The goal's label is merged down over the rows that follow (more lines of it).
    goal_continues: bool,
    /// The column of the year's total where a 中期资金总额 sits beside it.
    annual_col: Option<usize>,
    section: Section,
    tree: Tree,
    heading: Option<Heading>,
    pending_goal: bool,
    in_tasks: bool,
    fund_group: Option<(usize, String)>,
    amount_heading: Vec<(usize, String, FundKind)>,
    satisfaction_seen: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Section {
    #[default]
    Head,
    Indicators,
}

/// Column positions of the indicator heading row.
#[derive(Debug, Clone, Copy)]
struct Heading {
    width: usize,
    level1: Option<usize>,
    level2: Option<usize>,
}

/// The indicator tree as carried down merged cells.
#[derive(Debug, Default, Clone)]
struct Tree {
    level1: String,
    level1_cat: Option<Level1>,
    /// True under the older local 一级 names (项目完成), where 成本 is a 二级指标.
    old_form: bool,
    level2: String,
    level2_cat: Option<Level2>,
}

impl Table {
    /// An empty project table starting at row `start` (for readers other than [`parse`]).
    pub fn project(start: u32) -> Self {
        Table::new(Some(TableKind::Project), start)
    }

    /// Record one of the project's amounts as the form states it.
    pub fn note_fund(
        &mut self,
        kind: FundKind,
        amount: Amount,
        label: &str,
        line: u32,
        ledger: &mut Ledger,
    ) {
        note_amount(self, ledger, label, kind, amount, line);
    }

    fn new(kind: Option<TableKind>, start: u32) -> Self {
        Table {
            kind,
            start,
            end: start,
            ..Default::default()
        }
    }

    /// Has the table got past its title?
    fn has_content(&self) -> bool {
        self.name.is_some()
            || self.department.is_some()
            || !self.funds.rows.is_empty()
            || !self.indicators.is_empty()
            || self.goal.is_some()
            || !self.amounts.is_empty()
    }

    pub fn is_overall(&self) -> bool {
        self.kind == Some(TableKind::Overall)
    }
}

pub struct Parsed {
    pub preamble: Preamble,
    pub tables: Vec<Table>,
}

pub fn parse(items: &[Item], layout: Layout, ledger: &mut Ledger) -> Parsed {
    let mut p = Parser {
        layout,
        ledger,
        preamble: Preamble::default(),
        tables: Vec::new(),
        cur: None,
        in_contents: false,
        unit: None,
        loose_since_open: Vec::new(),
    };
    for item in items {
        p.item(item);
    }
    p.close();
    Parsed {
        preamble: p.preamble,
        tables: p.tables,
    }
}

struct Parser<'a> {
    layout: Layout,
    ledger: &'a mut Ledger,
    preamble: Preamble,
    tables: Vec<Table>,
    cur: Option<Table>,
    in_contents: bool,
    /// The money unit last stated outside the tables (`单位：元` → true).
    unit: Option<bool>,
    /// Report items for loose lines met since the current table opened.
    loose_since_open: Vec<usize>,
}

impl Parser<'_> {
    fn close(&mut self) {
        // Loose lines that repeat the table's name or department (a heading typed above
        // it); lines after the table's last row wait for the next table.
        let mut later = Vec::new();
        for i in std::mem::take(&mut self.loose_since_open) {
            if let (Some(t), Some(item)) = (&self.cur, self.ledger.items.get_mut(i)) {
                if t.name.as_deref() == Some(item.text.as_str()) {
                    item.note = "表格上方重复书写的项目名称".into();
                } else if t.department.as_deref() == Some(item.text.as_str()) {
                    item.note = "表格上方重复书写的部门名称".into();
                } else if item.line > t.end {
                    later.push(i);
                }
            }
        }
        self.loose_since_open = later;
        if let Some(t) = self.cur.take() {
            if !t.has_content() && t.tasks.is_empty() {
                if let Some(title) = &t.title {
                    self.ledger.guess(
                        t.start,
                        format!(
                            "标题“{}”之后没有表格内容，未生成项目",
                            text::excerpt(title, 40)
                        ),
                    );
                }
                return;
            }
            let mut t = t;
            let (b1, b2) = (std::mem::take(&mut t.blank1), std::mem::take(&mut t.blank2));
            columns::settle_blanks(&mut t.indicators, &b1, &b2);
            self.tables.push(t);
        }
    }

    /// A stated money unit (`单位：元`) holds for the tables that follow it, and for the
    /// open one while it has no amounts yet.
    fn set_unit(&mut self, yuan: bool, line: u32) {
        self.unit = Some(yuan);
        if let Some(cur) = &mut self.cur
            && cur.funds.rows.is_empty()
            && cur.amounts.is_empty()
        {
            cur.yuan = Some(yuan);
        }
        self.ledger.guess(
            line,
            format!(
                "金额单位按表外注明的“{}”读取",
                if yuan { "元" } else { "万元" }
            ),
        );
    }

    fn open(&mut self, kind: Option<TableKind>, line: u32, flag: Option<ProjectFlag>) {
        self.close();
        let mut t = Table::new(kind, line);
        t.yuan = self.unit;
        if let Some(f) = flag {
            t.flags.push(f);
        }
        self.cur = Some(t);
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Loose { text, line } => self.loose(text, *line),
            Item::Row(row) => self.row(row),
        }
    }

    fn loose(&mut self, t: &str, line: u32) {
        let key = text::label_key(t);
        if let Some(kind) = labels::table_title(&key) {
            self.open(Some(kind), line, None);
            if let Some(cur) = &mut self.cur {
                cur.title = Some(t.to_string());
            }
            self.ledger.map(line);
            self.in_contents = false;
            return;
        }
        if let Some(year) = labels::year_line(&key) {
            let needs_new = match &self.cur {
                None => true,
                Some(c) => c.has_content() || c.year.is_some(),
            };
            if needs_new {
                self.open(Some(TableKind::Project), line, Some(ProjectFlag::NoTitle));
                self.ledger.guess(
                    line,
                    "年度行之前没有表格标题（标题行缺失或被其他文字替代），按新表格处理",
                );
            }
            if let Some(cur) = &mut self.cur {
                cur.year = Some(year);
                cur.end = line;
            }
            self.ledger.map(line);
            return;
        }
        if let Some(yuan) = labels::unit_line(&key) {
            self.set_unit(yuan, line);
            self.ledger.map(line);
            return;
        }
        if labels::annex_label(&key) {
            self.ledger
                .report(ReportKind::Outside, line, t, "附件/附表编号");
            return;
        }
        // A goal written in a row of its own under its label (one cell across the table).
        if let Some(cur) = &mut self.cur
            && cur.pending_goal
        {
            cur.goal = Some(t.to_string());
            cur.pending_goal = false;
            cur.end = cur.end.max(line);
            self.ledger.map(line);
            return;
        }
        if self.cur.is_some() || !self.tables.is_empty() {
            self.loose_since_open.push(self.ledger.items.len());
            self.ledger
                .report(ReportKind::Outside, line, t, "表格之间的文字");
            return;
        }
        self.preamble_line(t, &key, line);
    }

    fn preamble_line(&mut self, t: &str, key: &str, line: u32) {
        let pre = &mut self.preamble;
        if key == "目录" {
            self.in_contents = true;
            self.ledger.map(line);
            return;
        }
        if self.in_contents
            && let Some(c) = labels::contents_line(t)
        {
            pre.contents.push(ContentsItem {
                code: c.code,
                name: c.name,
                page: c.page,
                text: t.to_string(),
                line,
            });
            self.ledger.map(line);
            return;
        }
        if pre.title.is_none()
            && pre.prose.is_empty()
            && (key.contains("绩效目标") || key.contains("预算"))
        {
            pre.title = Some((t.to_string(), line));
        } else if pre.issuer.is_none()
            && pre.prose.is_empty()
            && key.ends_with("编制")
            && key.chars().count() <= 40
        {
            pre.issuer = Some((t.trim_end_matches("编制").trim().to_string(), line));
        } else if pre.date.is_none() && pre.prose.is_empty() && is_date(key) {
            pre.date = Some((t.to_string(), line));
        } else {
            let md = if pre.prose.is_empty() || key.ends_with("说明") && key.chars().count() <= 30
            {
                format!("## {}", crate::markdown::escape_inline(t))
            } else if is_section_heading(key) {
                format!("### {}", crate::markdown::escape_inline(t))
            } else {
                crate::markdown::escape_line(t)
            };
            pre.prose.push(md);
        }
        self.ledger.map(line);
    }

    fn row(&mut self, row: &Row) {
        let first = match row.first_non_empty() {
            Some(c) => c,
            None => return,
        };
        // `填报单位：… | 单位：元` above a table: the unit, and text outside the form.
        if row.non_empty().count() <= 2
            && let Some(unit_cell) = row
                .non_empty()
                .find(|c| labels::unit_line(&c.key).is_some() && labels::field(&c.key).is_none())
        {
            let yuan = labels::unit_line(&unit_cell.key) == Some(true);
            let line = row.line();
            for c in row.non_empty().filter(|c| !std::ptr::eq(*c, unit_cell)) {
                self.ledger
                    .report_cell(ReportKind::Outside, c, "表格之外的文字");
            }
            self.set_unit(yuan, line);
            self.ledger.map_all(&row.lines);
            return;
        }
        if row.non_empty().all(|c| labels::is_decoration(&c.key)) {
            let t = row_text(row);
            self.ledger.report(
                ReportKind::Artefact,
                row.line(),
                &t,
                "文档转换留下的表格分隔线",
            );
            return;
        }
        if self.cur.is_none() {
            if self.tables.is_empty() {
                // Before the first table: a contents line, or a table starting without title.
                let t = row
                    .non_empty()
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(c) = labels::contents_line(&t)
                    && (self.in_contents || c.code.is_some())
                {
                    self.preamble.contents.push(ContentsItem {
                        code: c.code,
                        name: c.name,
                        page: c.page,
                        text: t.clone(),
                        line: row.line(),
                    });
                    self.ledger.map_all(&row.lines);
                    return;
                }
            }
            let flag = if starts_table(first) {
                ProjectFlag::NoTitle
            } else {
                ProjectFlag::Fragment
            };
            self.ledger.guess(
                row.line(),
                match flag {
                    ProjectFlag::NoTitle => "没有标题行的表格，按新表格处理",
                    _ => "没有表头的表格片段（可能是分页后遗留的部分），单独保留",
                },
            );
            self.open(Some(TableKind::Project), row.line(), Some(flag));
        }
        // Boundaries inside a table.
        let boundary = {
            let cur = self.cur.as_ref().expect("table open");
            let f = labels::field(&first.key);
            if matches!(f, Some(Field::Name)) && (cur.name.is_some() || !cur.indicators.is_empty())
            {
                Some(ProjectFlag::NoTitle)
            } else if cur.section == Section::Indicators
                && (funds_again(cur, row, first) || new_tree(cur, row))
            {
                Some(ProjectFlag::Fragment)
            } else {
                None
            }
        };
        if let Some(flag) = boundary {
            let note = match flag {
                ProjectFlag::NoTitle => "同一表格出现第二个“项目名称”，按没有标题行的新表格处理",
                _ => "指标之后又出现资金或新的一级指标，按没有表头的表格片段处理",
            };
            self.ledger.guess(row.line(), note);
            self.open(Some(TableKind::Project), row.line(), Some(flag));
            if flag == ProjectFlag::Fragment
                && row_level1(row).is_some()
                && let Some(cur) = &mut self.cur
            {
                cur.section = Section::Indicators;
            }
        }
        let layout = self.layout;
        let cur = self.cur.as_mut().expect("table open");
        cur.end = cur.end.max(*row.lines.last().unwrap_or(&row.line()));
        if is_heading_row(row) {
            if layout == Layout::Grid {
                cur.columns = columns::Columns::from_heading(row);
            }
            read_heading(cur, row, self.ledger);
            return;
        }
        match cur.section {
            Section::Head => head_row(cur, row, self.ledger),
            Section::Indicators => indicator_row(cur, row, layout, self.ledger),
        }
    }
}

/// A short label of a field the model does not name (`项目属性`, `项目期`, `项目类别`).
fn is_own_label(s: &str) -> bool {
    let n = s.chars().count();
    (2..=10).contains(&n)
        && s.chars()
            .all(|c| text::is_han(c) || "（）()/、".contains(c))
}

/// Funds or a department row after the indicator tree started: a new table's head.
fn funds_again(cur: &Table, row: &Row, first: &Cell) -> bool {
    !cur.is_overall()
        && (labels::starts_funds_block(&first.key)
            || labels::field(&first.key) == Some(Field::Department))
        && !row
            .non_empty()
            .any(|c| labels::level1(&c.key).is_some() || labels::level2(&c.key).is_some())
}

/// A new 一级 block after the 满意度 block closed the tree: a headless fragment.
fn new_tree(cur: &Table, row: &Row) -> bool {
    cur.satisfaction_seen && row_level1(row).is_some_and(|l| l != Level1::Satisfaction)
}

static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^\d{4}年\d{1,2}月(\d{1,2}日)?$").expect("valid regex")
});

fn is_date(key: &str) -> bool {
    DATE.is_match(key)
}

fn is_section_heading(key: &str) -> bool {
    let mut chars = key.chars();
    let mut n = 0;
    for c in chars.by_ref() {
        if "一二三四五六七八九十".contains(c) {
            n += 1;
        } else {
            return n > 0 && c == '、' && key.chars().count() <= 30;
        }
    }
    false
}

/// The row's cells joined as one line of text, for the report.
pub fn row_text(row: &Row) -> String {
    row.non_empty()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn starts_table(c: &Cell) -> bool {
    matches!(
        labels::field(&c.key),
        Some(
            Field::Name
                | Field::Department
                | Field::SupervisingDepartment
                | Field::ImplementingUnit
        )
    )
}

/// The 一级指标 written in a row, if any (an ambiguous label counts only when a 二级
/// label follows it).
fn row_level1(row: &Row) -> Option<Level1> {
    let cells: Vec<&Cell> = row.non_empty().collect();
    for (i, c) in cells.iter().enumerate() {
        if let Some((l1, _)) = labels::level1(&c.key) {
            if labels::is_ambiguous_level(&c.key) {
                let next_is_l2 = cells
                    .get(i + 1)
                    .is_some_and(|n| labels::level2(&n.key).is_some());
                if !next_is_l2 {
                    return None;
                }
            }
            return Some(l1);
        }
        if labels::level2(&c.key).is_some() || !labels::indicator_block(&c.key) {
            return None;
        }
    }
    None
}

fn is_heading_row(row: &Row) -> bool {
    let cols: Vec<HeadingCol> = row
        .non_empty()
        .filter_map(|c| labels::is_indicator_heading(&c.key))
        .collect();
    cols.contains(&HeadingCol::Level1) && cols.contains(&HeadingCol::Level2)
}

fn read_heading(t: &mut Table, row: &Row, ledger: &mut Ledger) {
    let mut h = Heading {
        width: row.width(),
        level1: None,
        level2: None,
    };
    for c in row.non_empty() {
        match labels::is_indicator_heading(&c.key) {
            Some(HeadingCol::Level1) => h.level1 = Some(c.col),
            Some(HeadingCol::Level2) => h.level2 = Some(c.col),
            Some(_) => {}
            None if t.columns.is_some() => {} // a column of the form's own (备注, 权重…)
            None => {
                if labels::indicator_block(&c.key) || labels::field(&c.key) == Some(Field::Goal) {
                    if c.key == "效指标" {
                        ledger.guess(c.line, format!("指标区标签“{}”按“绩效指标”读取", c.text));
                    }
                } else {
                    ledger.report_cell(ReportKind::Unplaced, c, "指标表头中的其他文字");
                }
            }
        }
    }
    if t.heading.is_none() {
        t.heading = Some(h);
    }
    t.section = Section::Indicators;
    t.pending_goal = false;
    ledger.map_all(&row.lines);
}

/// Split a head row into (label, values) segments at every recognised label.
/// A labelled run of cells in a head row: the label (if any) and the cells after it.
type Segment<'a> = (Option<(&'a Cell, Field)>, Vec<&'a Cell>);

fn segments(row: &Row) -> Vec<Segment<'_>> {
    let mut segs: Vec<Segment<'_>> = Vec::new();
    for c in &row.cells {
        if c.is_empty() {
            continue;
        }
        match labels::field(&c.key) {
            Some(f) => segs.push((Some((c, f)), Vec::new())),
            None => match segs.last_mut() {
                Some(last) => last.1.push(c),
                None => segs.push((None, vec![c])),
            },
        }
    }
    segs
}

fn joined(values: &[&Cell]) -> String {
    values
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn head_row(t: &mut Table, row: &Row, ledger: &mut Ledger) {
    let segs = segments(row);
    let labelled = segs.iter().any(|s| s.0.is_some());
    if !labelled {
        let cells: Vec<&Cell> = row.non_empty().collect();
        // A row under a label merged down over it continues that label's field (a
        // spreadsheet turns each line of a cell into a row of its own).
        let continues = row.cells.first().is_some_and(|c| c.covered);
        if !t.goal_columns.is_empty() && (!t.goal_columns_used || continues) {
            // The goals under a row of goal headings, each in its heading's column.
            t.goal_columns_used = true;
            let heads = t.goal_columns.clone();
            for c in &cells {
                let field = heads
                    .iter()
                    .rev()
                    .find(|(col, _)| *col <= c.col)
                    .or(heads.first())
                    .map(|h| h.1);
                let slot = if field == Some(Field::LongGoal) {
                    &mut t.long_goal
                } else {
                    t.goal.get_or_insert_with(String::new)
                };
                if !slot.is_empty() {
                    slot.push('\n');
                }
                slot.push_str(&c.text);
            }
            t.pending_goal = false;
            ledger.map_all(&row.lines);
            return;
        }
        if continues && t.goal_continues {
            let g = t.goal.get_or_insert_with(String::new);
            if !g.is_empty() {
                g.push('\n');
            }
            g.push_str(&joined(&cells));
            ledger.map_all(&row.lines);
            return;
        }
        if t.pending_goal {
            t.goal = Some(joined(&cells));
            t.pending_goal = false;
            t.goal_continues = true;
            ledger.map_all(&row.lines);
        } else if t.in_tasks && !cells.is_empty() {
            t.tasks.push(Task {
                name: cells[0].text.clone(),
                content: joined(&cells[1..]),
                line: row.line(),
            });
            ledger.map_all(&row.lines);
        } else if !t.amount_heading.is_empty()
            && cells
                .iter()
                .any(|c| crate::amount::parse_wan(&c.text).is_some())
        {
            // A row of amounts under a row of amount labels: pair them by column.
            let heading = std::mem::take(&mut t.amount_heading);
            for c in cells
                .iter()
                .filter(|c| !heading.iter().any(|h| h.0 == c.col))
            {
                ledger.report_cell(ReportKind::Unplaced, c, "金额行中没有对应标签的单元格");
            }
            for (col, label, kind) in heading {
                let amount = row
                    .cells
                    .get(col)
                    .map(|c| Amount::parse(&c.text))
                    .unwrap_or_default();
                note_amount(t, ledger, &label, kind, amount, row.line());
            }
            ledger.map_all(&row.lines);
        } else {
            // A row that is not a field of the form: maybe a page-break repeat of an
            // indicator row, which starts the indicator section.
            if row_level1(row).is_some() || cells.iter().any(|c| labels::level2(&c.key).is_some()) {
                t.section = Section::Indicators;
                indicator_row(t, row, Layout::Rows, ledger);
                return;
            }
            // `项目属性 | 延续项目 | 项目期 | 3年`: fields of the form's own, in label/value
            // pairs, kept on the project under their labels.
            let pairs = cells.len() >= 2
                && cells.len().is_multiple_of(2)
                && t.name.is_some()
                && cells.iter().step_by(2).all(|c| is_own_label(&c.text));
            if pairs {
                for pair in cells.chunks(2) {
                    t.extra.push(crate::model::ExtraField {
                        label: pair[0].text.replace('\n', ""),
                        value: pair[1].text.clone(),
                    });
                }
                ledger.map_all(&row.lines);
                return;
            }
            for c in cells {
                ledger.report_cell(ReportKind::Unplaced, c, "不属于表格任何字段的单元格");
            }
        }
        return;
    }
    t.in_tasks = false;
    t.goal_columns.clear();
    t.goal_columns_used = false;
    t.goal_continues = false;
    let labels_only = segs.iter().all(|s| s.1.is_empty());
    let goal_heads: Vec<(usize, Field)> = segs
        .iter()
        .filter_map(|s| s.0)
        .filter(|(_, f)| matches!(f, Field::Goal | Field::LongGoal))
        .map(|(c, f)| (c.col, f))
        .collect();
    if labels_only
        && goal_heads.len() >= 2
        && goal_heads.len() == segs.len()
        && goal_heads.iter().any(|g| g.1 == Field::LongGoal)
    {
        // `总体目标 | 中期目标 | 年度目标`: headings of the goals in the next row. The
        // first label names the row when more than one goal label follows it.
        t.goal_field = true;
        t.goal_columns = if goal_heads.len() >= 3 {
            goal_heads[1..].to_vec()
        } else {
            goal_heads
        };
        ledger.map_all(&row.lines);
        return;
    }
    // Where a multi-year total sits beside the year's, the year's column starts at its
    // total's label.
    let row_funds: Vec<(usize, FundKind)> = segs
        .iter()
        .filter_map(|s| match s.0 {
            Some((c, Field::Fund(k))) => Some((c.col, k)),
            _ => None,
        })
        .collect();
    if row_funds.iter().any(|f| f.1 == FundKind::Unknown)
        && let Some(&(col, _)) = row_funds.iter().find(|f| f.1 == FundKind::Total)
    {
        t.annual_col = Some(col);
    }
    let fund_labels = segs
        .iter()
        .filter(|s| matches!(s.0, Some((_, Field::Fund(_)))))
        .count();
    if labels_only && fund_labels >= 2 && t.is_overall() {
        // A heading row of amount labels whose values follow on the next row.
        t.amount_heading = segs
            .iter()
            .filter_map(|s| match s.0 {
                Some((c, Field::Fund(k))) => Some((c.col, c.text.clone(), k)),
                _ => None,
            })
            .collect();
        ledger.map_all(&row.lines);
        return;
    }
    for (label, values) in &segs {
        let Some((lc, field)) = label else {
            for c in values {
                ledger.report_cell(ReportKind::Unplaced, c, "行首没有标签的单元格");
            }
            continue;
        };
        match field {
            Field::Name => {
                let v = joined(values);
                if t.name.is_some() {
                    ledger.report(ReportKind::Unplaced, lc.line, &v, "重复的项目名称");
                } else {
                    t.name = Some(v);
                }
            }
            Field::Department => {
                if t.is_overall() || t.department.is_none() {
                    t.department = Some(joined(values));
                } else {
                    ledger.report(
                        ReportKind::Unplaced,
                        lc.line,
                        &joined(values),
                        "重复的部门（单位）",
                    );
                }
            }
            Field::SupervisingDepartment => t.supervising = Some(joined(values)),
            Field::ImplementingUnit => t.implementing = Some(joined(values)),
            Field::FundsHeading => {
                // `项目资金（万元）`: the unit the heading states holds for its amounts.
                if let Some(u) = labels::label_unit(&lc.key) {
                    t.yuan = Some(u);
                }
                for c in values {
                    // Column headings such as `2026年预算申请数（万元）`.
                    if labels::field(&c.key).is_none()
                        && !c.key.contains("万元")
                        && !c.key.contains("预算")
                    {
                        ledger.report_cell(ReportKind::Unplaced, c, "资金栏标题旁的文字");
                    }
                }
                t.fund_group = None;
            }
            Field::FundGroup => {
                t.fund_group = Some((lc.col, lc.text.clone()));
                for c in values {
                    ledger.report_cell(ReportKind::Unplaced, c, "资金分组标签旁的文字");
                }
            }
            Field::Fund(kind) => {
                let mut kind = *kind;
                let mut label = lc.text.clone();
                let next_is_fund = segs
                    .iter()
                    .skip_while(|s| !s.0.is_some_and(|(c, _)| std::ptr::eq(c, *lc)))
                    .nth(1)
                    .is_some_and(|s| matches!(s.0, Some((_, Field::Fund(_)))));
                if values.is_empty() && next_is_fund && !t.is_overall() {
                    // `预算数（万元）| 合计 | 150`: a heading over the rows of amounts.
                    if let Some(u) = labels::label_unit(&lc.key) {
                        t.yuan = Some(u);
                    }
                    continue;
                }
                if let Some(ac) = t.annual_col
                    && lc.col < ac
                    && row_funds.iter().any(|f| f.0 >= ac)
                {
                    // The multi-year column of `中期资金总额 | … | 年度资金总额 | …`.
                    if kind != FundKind::Unknown {
                        let bare = label
                            .trim_start_matches("其中：")
                            .trim_start_matches("其中:");
                        label = format!("中期{bare}");
                    }
                    kind = FundKind::Unknown;
                }
                if t.is_overall() {
                    if let Some((gcol, gname)) = &t.fund_group
                        && kind == FundKind::Total
                        && lc.col >= *gcol
                    {
                        kind = FundKind::BasicTotal;
                        label = format!("{gname}{label}");
                    }
                    if kind == FundKind::ProjectSpending {
                        t.fund_group = None;
                    }
                }
                // The value is the first non-label cell after the label.
                let amount = values
                    .first()
                    .map(|c| Amount::parse(&c.text))
                    .unwrap_or_default();
                note_amount(t, ledger, &label, kind, amount, lc.line);
                for c in values.iter().skip(1) {
                    ledger.report_cell(
                        ReportKind::Unplaced,
                        c,
                        format!("“{}”一行多出的单元格", lc.text),
                    );
                }
            }
            Field::LongGoal => {
                if !t.long_goal.is_empty() {
                    t.long_goal.push('\n');
                }
                t.long_goal.push_str(&joined(values));
            }
            Field::Goal => {
                t.goal_field = true;
                t.goal_continues = !values.is_empty();
                if values.is_empty() {
                    t.pending_goal = t.goal.is_none();
                } else if t.goal.is_none() {
                    t.goal = Some(joined(values));
                    t.pending_goal = false;
                } else {
                    let g = t.goal.take().unwrap_or_default();
                    t.goal = Some(format!("{g}\n{}", joined(values)));
                }
            }
            Field::Tasks | Field::TaskHeading => {
                t.in_tasks = true;
                if *field == Field::Tasks && !values.is_empty() {
                    t.tasks.push(Task {
                        name: joined(values),
                        content: String::new(),
                        line: row.line(),
                    });
                }
            }
        }
    }
    ledger.map_all(&row.lines);
}

/// A funds label as the form writes it, without `其中：`, its unit in brackets and the
/// trailing colon: `其中：非财政拨款` → `非财政拨款`, `资金总额（万元）：` → `资金总额`.
fn form_label(label: &str) -> String {
    let mut l = text::clean(label).replace('\n', "");
    for p in ["其中：", "其中:"] {
        if let Some(rest) = l.strip_prefix(p) {
            l = rest.trim().to_string();
        }
    }
    for u in ["（万元）", "(万元)", "（元）", "(元)"] {
        l = l.replace(u, "");
    }
    l.trim_end_matches(['：', ':']).trim().to_string()
}

fn note_amount(
    t: &mut Table,
    ledger: &mut Ledger,
    label: &str,
    kind: FundKind,
    mut amount: Amount,
    line: u32,
) {
    // An amount without its own unit, under a label or a table in 元: exact 万元.
    let own_unit = {
        let k = text::key(&amount.raw);
        k.ends_with('元') || k.ends_with('万')
    };
    let in_yuan = labels::label_unit(&text::label_key(label)).or(t.yuan) == Some(true);
    if in_yuan
        && !own_unit
        && let Some(v) = amount.value
    {
        amount.value = v
            .checked_div(rust_decimal::Decimal::from(10_000))
            .map(|v| v.normalize());
        ledger.guess(
            line,
            format!(
                "“{label}”的金额 {} 按表中所注单位“元”换算为万元",
                amount.raw
            ),
        );
    }
    if amount.is_unreadable() {
        ledger.report(
            ReportKind::Unreadable,
            line,
            &amount.raw,
            format!("“{label}”的金额无法读取，原文保留"),
        );
    } else if amount.value.is_some()
        && text::key(&amount.raw).ends_with('元')
        && !text::key(&amount.raw).ends_with("万元")
    {
        ledger.guess(
            line,
            format!("“{label}”以元为单位（{}），已换算为万元", amount.raw),
        );
    }
    if kind == FundKind::Total && !t.is_overall() {
        t.total_cells.push(amount.clone());
    }
    if t.is_overall() {
        t.amounts.push(FundRow {
            label: label.to_string(),
            kind,
            amount,
            line,
        });
        return;
    }
    if t.funds.line == 0 {
        t.funds.line = line;
    }
    let key = text::label_key(label);
    if kind == FundKind::Fiscal && key.contains("当年") {
        t.funds.carry_over_beside_fiscal = true;
    }
    let repeated = t.funds.rows.contains(&kind);
    match t.funds.get_mut(kind) {
        Some(slot) if !repeated => {
            *slot = amount;
            t.funds.rows.push(kind);
            let written = form_label(label);
            if !written.is_empty()
                && !crate::model::Funds::usual_labels(kind)
                    .contains(&text::label_key(&written).as_str())
            {
                t.funds.labels.insert(kind, written);
            }
        }
        _ => {
            ledger.guess(
                line,
                if repeated {
                    format!("资金行标签“{label}”在本表中重复出现，第二行原样保留在 extra 中")
                } else {
                    format!("资金行“{label}”不属于项目资金的标准栏目，原样保留在 extra 中")
                },
            );
            t.funds.extra.push(FundRow {
                label: label.to_string(),
                kind,
                amount,
                line,
            });
        }
    }
}

/// Classification of one cell inside an indicator row.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    L1(Level1, bool),
    L2(Level2),
    /// `成本指标`, `满意度指标`: 一级 or 二级 depending on neighbours.
    Ambiguous(Level1, Level2),
    Text,
}

/// A level label as displayed: a label split over lines is one word.
fn label_text(c: &Cell) -> String {
    c.text.replace('\n', "")
}

fn classify(c: &Cell) -> Part {
    match (labels::level1(&c.key), labels::level2(&c.key)) {
        (Some((l1, _)), Some(l2)) => Part::Ambiguous(l1, l2),
        (Some((l1, old)), None) => Part::L1(l1, old),
        (None, Some(l2)) => Part::L2(l2),
        _ => match labels::level2_cut_short(&c.key) {
            Some(l2) => Part::L2(l2),
            None => Part::Text,
        },
    }
}

fn looks_like_value(s: &str) -> bool {
    let k = text::key(s);
    let first = k.chars().next().unwrap_or(' ');
    "≥≤><=＞＜≧≦".contains(first)
        || k.ends_with('%')
        || k.chars().all(|c| c.is_ascii_digit() || c == '.')
        || (k.chars().next().is_some_and(|c| c.is_ascii_digit()) && k.chars().count() <= 12)
}

fn indicator_row(t: &mut Table, row: &Row, layout: Layout, ledger: &mut Ledger) {
    if layout == Layout::Grid && t.columns.is_some() {
        grid_indicator_row(t, row, ledger);
        return;
    }
    ledger.map_all(&row.lines);
    let mut cells: Vec<&Cell> = row.non_empty().collect();
    // The first column repeats the block label after a page break (`总体绩效目标`).
    if let Some(first) = cells.first()
        && (labels::indicator_block(&first.key)
            || (first.col == 0 && labels::field(&first.key) == Some(Field::Goal)))
    {
        cells.remove(0);
    }
    // Positional reading: a cell layout keeps empty cells, so a row as wide as the
    // heading has its labels in the heading's columns.
    let positional = match t.heading {
        Some(h) if layout == Layout::Cells => row.cells.len() == h.width || row.width() == h.width,
        // Rows layouts shift cells, so columns only explain rows with more text cells
        // than a name and a value.
        Some(h) => {
            row.cells.len() == h.width
                && cells.len() >= 3
                && cells.iter().all(|c| classify(c) == Part::Text)
        }
        None => false,
    };

    let mut l1: Option<(String, Option<Level1>, bool)> = None;
    let mut l2: Option<(String, Option<Level2>)> = None;
    let mut rest: Vec<&Cell> = Vec::new();

    if positional {
        let h = t.heading.expect("positional needs a heading");
        for c in &cells {
            if Some(c.col) == h.level1 && rest.is_empty() {
                match classify(c) {
                    Part::L1(cat, old) => l1 = Some((label_text(c), Some(cat), old)),
                    Part::Ambiguous(cat, _) => l1 = Some((label_text(c), Some(cat), false)),
                    Part::L2(cat) => l2 = Some((label_text(c), Some(cat))),
                    _ => l1 = Some((label_text(c), None, false)),
                }
            } else if Some(c.col) == h.level2 && rest.is_empty() {
                match classify(c) {
                    Part::L2(cat) | Part::Ambiguous(_, cat) => {
                        l2 = Some((label_text(c), Some(cat)))
                    }
                    Part::L1(cat, old) if l1.is_none() => {
                        l1 = Some((label_text(c), Some(cat), old))
                    }
                    _ => l2 = Some((label_text(c), None)),
                }
            } else {
                rest.push(c);
            }
        }
    } else {
        let n = cells.len();
        let mut i = 0;
        while i < n {
            let c = cells[i];
            if !rest.is_empty() {
                rest.push(c);
                i += 1;
                continue;
            }
            match classify(c) {
                Part::L1(cat, old) if l1.is_none() && l2.is_none() => {
                    l1 = Some((label_text(c), Some(cat), old))
                }
                Part::L2(cat) if l2.is_none() => l2 = Some((label_text(c), Some(cat))),
                Part::L2(_) if l2.as_ref().is_some_and(|(t2, _)| text::key(t2) == c.key) => {
                    // The same 二级 label twice in a row: one merged cell written twice.
                }
                Part::Ambiguous(c1, c2) => {
                    let next_l2 = cells.get(i + 1).is_some_and(|nx| {
                        matches!(classify(nx), Part::L2(_) | Part::Ambiguous(..))
                    });
                    if l1.is_none() && l2.is_none() && next_l2 {
                        l1 = Some((label_text(c), Some(c1), false));
                    } else if l2.is_none() {
                        let under_old_form =
                            l1.is_none() && t.tree.old_form && c2 != Level2::Satisfaction;
                        let same_l1 = l1.as_ref().is_some_and(|x| x.1 == Some(c2.parent()))
                            || (l1.is_none() && t.tree.level1_cat == Some(c2.parent()));
                        if l1.is_some() || under_old_form || same_l1 {
                            l2 = Some((label_text(c), Some(c2)));
                        } else {
                            l1 = Some((label_text(c), Some(c1), false));
                        }
                    } else {
                        rest.push(c);
                    }
                }
                _ => rest.push(c),
            }
            i += 1;
        }
    }

    if let Some((t2, Some(c2))) = &l2
        && labels::level2(&text::label_key(t2)).is_none()
    {
        ledger.guess_row(
            row.line(),
            format!("二级指标“{t2}”写得不完整，按“{}指标”读取", c2.label()),
        );
    }

    // A 二级 name without 指标 followed only by a value, inside a category already, is a
    // 三级 indicator named like a category (`服务对象满意度  ≥90%` under 质量指标).
    if !positional
        && l1.is_none()
        && t.tree.level2_cat.is_some()
        && let Some((t2, _)) = &l2
    {
        let only_value = rest.len() == 1 && looks_like_value(&rest[0].text);
        if only_value
            && !text::key(t2).ends_with("指标")
            && let Some(c) = cells.iter().find(|c| label_text(c) == *t2).copied()
        {
            rest.insert(0, c);
            l2 = None;
        }
    }

    let line = row.line();
    update_tree(t, &l1, &l2, line, ledger);

    if rest.len() > 2 {
        // A merged cell written twice (`救助对象覆盖率 | 救助对象覆盖率 | ≥100%`), or
        // three times (then one cell is left).
        rest.dedup_by(|a, b| a.text == b.text);
    }
    let (name, value) = match rest.len() {
        0 => (String::new(), String::new()),
        1 => {
            let c = rest[0];
            if looks_like_value(&c.text) {
                (String::new(), c.text.clone())
            } else {
                // A lone text in the 指标值 column of a row whose labels sit one column
                // right: the export shifted the row, and whether the text is the name or
                // the value cannot be told.
                if !positional
                    && t.heading
                        .is_some_and(|h| h.width > 1 && c.col + 1 >= h.width)
                {
                    ledger.guess_row(
                        row.line(),
                        format!(
                            "本行各栏右移了一列，“{}”按三级指标名称读取，指标值不能确定",
                            c.text
                        ),
                    );
                }
                (c.text.clone(), String::new())
            }
        }
        2 => (rest[0].text.clone(), rest[1].text.clone()),
        _ => {
            // More cells than a row has columns: keep the first as the name, the last
            // as the value, and report the ones between.
            for c in &rest[1..rest.len() - 1] {
                ledger.report_cell(
                    ReportKind::Unplaced,
                    c,
                    "指标行中多出的单元格（名称与指标值之间）",
                );
            }
            (rest[0].text.clone(), rest[rest.len() - 1].text.clone())
        }
    };
    push_indicator(t, name, value, line);
}

type Level1Read = Option<(String, Option<Level1>, bool)>;
type Level2Read = Option<(String, Option<Level2>)>;

/// Carry the tree down merged cells.
fn update_tree(t: &mut Table, l1: &Level1Read, l2: &Level2Read, line: u32, ledger: &mut Ledger) {
    match (l1, l2) {
        (Some((text1, cat1, old)), _) => {
            t.tree.level1 = text1.clone();
            t.tree.level1_cat = *cat1;
            t.tree.old_form = *old;
            match l2 {
                Some((text2, cat2)) => {
                    t.tree.level2 = text2.clone();
                    t.tree.level2_cat = *cat2;
                }
                None => {
                    t.tree.level2 = String::new();
                    // 满意度 has one 二级 category only.
                    t.tree.level2_cat = if *cat1 == Some(Level1::Satisfaction) {
                        Some(Level2::Satisfaction)
                    } else {
                        None
                    };
                }
            }
        }
        (None, Some((text2, cat2))) => {
            if let Some(c2) = cat2 {
                let compatible = t.tree.level1_cat == Some(c2.parent())
                    || (t.tree.old_form
                        && t.tree.level1_cat == Some(Level1::Output)
                        && *c2 == Level2::Cost);
                if !compatible && t.tree.level1_cat.is_some() {
                    // Page breaks and collapsed merges lose the 一级 cell: the category of
                    // the 二级 label tells which 一级 it belongs to.
                    ledger.guess_row(
                        line,
                        format!(
                            "二级指标“{}”不属于上方的一级指标“{}”，一级指标按“{}”推断",
                            text2,
                            t.tree.level1,
                            c2.parent().label()
                        ),
                    );
                    t.tree.level1 = String::new();
                    t.tree.level1_cat = Some(c2.parent());
                    t.tree.old_form = false;
                } else if t.tree.level1_cat.is_none() && t.tree.level1.is_empty() {
                    t.tree.level1_cat = Some(c2.parent());
                }
            }
            t.tree.level2 = text2.clone();
            t.tree.level2_cat = *cat2;
        }
        (None, None) => {}
    }
    if l1
        .as_ref()
        .is_some_and(|x| x.1 == Some(Level1::Satisfaction))
    {
        t.satisfaction_seen = true;
    }
}

/// An indicator row of an office grid, read by the columns of its heading row.
fn grid_indicator_row(t: &mut Table, row: &Row, ledger: &mut Ledger) {
    ledger.map_all(&row.lines);
    if t.indicators.is_empty()
        && let Some(cols) = &mut t.columns
        && cols.refine(row)
    {
        return;
    }
    let Some(cols) = &t.columns else {
        return;
    };
    // A heading or signature between tables that a spreadsheet keeps as a row of one cell
    // (`二、某项目绩效目标`, `某局`, a date): text outside the form, not an indicator.
    let mut only = row.non_empty();
    if let (Some(c), None) = (only.next(), only.next())
        && !matches!(
            cols.role(c.col),
            Some(columns::Role::Level3 | columns::Role::Value)
        )
        && classify(c) == Part::Text
    {
        ledger.report_cell(ReportKind::Outside, c, "表格之外的文字");
        return;
    }
    let r = columns::read_row(cols, row);
    let mut l1: Level1Read = None;
    let mut l2: Level2Read = None;
    if let Some(c) = r.level1 {
        match classify(c) {
            Part::L1(cat, old) => l1 = Some((label_text(c), Some(cat), old)),
            Part::Ambiguous(cat, _) => l1 = Some((label_text(c), Some(cat), false)),
            // A 二级 label in the 一级 column: the 一级 cell was left out.
            Part::L2(cat) if r.level2.is_none() => l2 = Some((label_text(c), Some(cat))),
            // …or the 二级 label written into both columns: the 一级 follows from it.
            Part::L2(_) => {}
            _ => l1 = Some((label_text(c), None, false)),
        }
    }
    if let Some(c) = r.level2 {
        match classify(c) {
            Part::L2(cat) | Part::Ambiguous(_, cat) => l2 = Some((label_text(c), Some(cat))),
            Part::L1(cat, old) if l1.is_none() => l1 = Some((label_text(c), Some(cat), old)),
            _ => l2 = Some((label_text(c), None)),
        }
    }
    for c in &r.stray {
        ledger.report_cell(ReportKind::Unplaced, c, "指标行中不属于任何表头列的单元格");
    }
    if r.level2.is_some()
        && let Some((t2, Some(c2))) = &l2
        && labels::level2(&text::label_key(t2)).is_none()
    {
        ledger.guess_row(
            row.line(),
            format!("二级指标“{t2}”写得不完整，按“{}指标”读取", c2.label()),
        );
    }
    let index = t.indicators.len();
    if r.level1_blank && l1.is_none() {
        t.tree.level1 = String::new();
        t.tree.level1_cat = None;
        t.tree.old_form = false;
        t.blank1.push(index);
    }
    if r.level2_blank && l2.is_none() {
        t.tree.level2 = String::new();
        t.tree.level2_cat = None;
        t.blank2.push(index);
    }
    let line = row.line();
    update_tree(t, &l1, &l2, line, ledger);
    let mut ind = r.indicator;
    let written = r.name.len();
    let mut names = r.name;
    // The 二级 label written again in the 三级 column (a merged cell written twice).
    names.retain(|c| {
        classify(c) == Part::Text
            || t.tree.level2.is_empty()
            || text::key(&label_text(c)) != text::key(&t.tree.level2)
    });
    ind.name = columns::joined(&names);
    ind.value = columns::joined(&r.value);
    if names.len() < written && ind.name.is_empty() && !looks_like_value(&ind.value) {
        // What is left is the indicator's name, as a text export reads it.
        ind.name = std::mem::take(&mut ind.value);
    }
    if !ind.operator.is_empty() || !ind.unit.is_empty() {
        ind.value = super::flat::joined_value(&ind.operator, &ind.value, &ind.unit);
    }
    if ind.name.is_empty()
        && ind.value.is_empty()
        && ind.operator.is_empty()
        && l1.is_none()
        && l2.is_none()
    {
        // A row of nothing but notes or weights: keep it on the indicator above.
        if let Some(prev) = t.indicators.last_mut() {
            for c in row.non_empty() {
                prev.extra.push(crate::model::ExtraField {
                    label: "续行".into(),
                    value: c.text.clone(),
                });
            }
            return;
        }
    }
    ind.level1 = t.tree.level1.clone();
    ind.level1_category = t.tree.level1_cat;
    ind.level2 = t.tree.level2.clone();
    ind.level2_category = t.tree.level2_cat;
    ind.line = line;
    t.indicators.push(ind);
}

fn push_indicator(t: &mut Table, name: String, value: String, line: u32) {
    t.indicators.push(Indicator {
        level1: t.tree.level1.clone(),
        level1_category: t.tree.level1_cat,
        level2: t.tree.level2.clone(),
        level2_category: t.tree.level2_cat,
        name,
        value,
        line,
        ..Default::default()
    });
}
