//! The columns of an indicator table, read from its heading row. Office grids keep
//! their columns (a merged cell sits at its anchor), so a cell's column says what it is:
//! 一级 / 二级 / 三级, 指标值, and the columns other forms add (指标性质, 计量单位, 权重,
//! 评分标准, 备注, 长期指标值 …), which are kept on the indicator rather than dropped.

use super::labels::{self, HeadingCol};
use super::rows::{Cell, Row};
use crate::model::{ExtraField, Indicator, Level1, Level2};
use crate::text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// `绩效指标`: the block label in the first column.
    Block,
    Level1,
    Level2,
    Level3,
    Value,
    Operator,
    Unit,
    Weight,
    Standard,
    Note,
    Extra(String),
}

/// What each column range of the heading row holds.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    ranges: Vec<(usize, usize, Role)>,
}

pub fn role_of_heading(key: &str, text: &str) -> Role {
    match labels::is_indicator_heading(key) {
        Some(HeadingCol::Level1) => return Role::Level1,
        Some(HeadingCol::Level2) => return Role::Level2,
        Some(HeadingCol::Level3) => return Role::Level3,
        Some(HeadingCol::Value) => return Role::Value,
        None => {}
    }
    if labels::indicator_block(key) {
        return Role::Block;
    }
    let bare = key.split('(').next().unwrap_or(key);
    match bare {
        "指标性质" | "指标方向" | "计算符号" | "符号" | "运算符" | "比较符" | "指标值性质"
        | "指标方向性" => Role::Operator,
        "计量单位" | "度量单位" | "单位" | "指标单位" => Role::Unit,
        "权重" | "分值" | "指标权重" | "权重分值" => Role::Weight,
        "评分标准"
        | "评(计)分标准"
        | "指标标准"
        | "指标标准或依据"
        | "指标解释"
        | "评价标准"
        | "评分细则"
        | "计分方法"
        | "评分规则" => Role::Standard,
        "备注" | "说明" => Role::Note,
        _ => Role::Extra(text.replace('\n', "")),
    }
}

impl Columns {
    /// The roles of a heading row's cells; `None` unless it names 三级 and 指标值 columns
    /// (without them, positions say too little and the rows are read by content).
    pub fn from_heading(row: &Row) -> Option<Columns> {
        let ranges: Vec<(usize, usize, Role)> = row
            .non_empty()
            .map(|c| {
                (
                    c.col,
                    c.col + c.span.max(1),
                    role_of_heading(&c.key, &c.text),
                )
            })
            .collect();
        let has = |r: Role| ranges.iter().any(|x| x.2 == r);
        (has(Role::Level3) && has(Role::Value) && has(Role::Level1)).then_some(Columns { ranges })
    }

    /// A second heading row under a heading that spans several columns
    /// (`指标值` over `中期指标值 | 年度指标值`): its cells name the columns below them.
    /// True when the row was such a heading.
    pub fn refine(&mut self, row: &Row) -> bool {
        let cells: Vec<&Cell> = row.non_empty().collect();
        let headings = !cells.is_empty()
            && cells.iter().all(|c| {
                let k = &c.key;
                k.chars().count() <= 12
                    && (k.ends_with("指标值")
                        || k.ends_with("目标值")
                        || k.ends_with("实际值")
                        || k.ends_with("完成值"))
            });
        if !headings {
            return false;
        }
        for c in cells {
            let Some(i) = self
                .ranges
                .iter()
                .position(|(a, b, _)| (*a..*b).contains(&c.col))
            else {
                continue;
            };
            let (a, b, parent) = self.ranges[i].clone();
            // The year's value is the 指标值; any other (中期, 长期, 上年) is kept apart.
            let annual =
                c.key.starts_with("年度") || c.key.starts_with("本年") || c.key.starts_with("当年");
            let role = if parent == Role::Value && annual {
                Role::Value
            } else {
                Role::Extra(c.text.replace('\n', ""))
            };
            let end = c.col + c.span.max(1);
            let mut parts = Vec::new();
            if a < c.col {
                parts.push((a, c.col, parent.clone()));
            }
            parts.push((c.col, end.min(b), role));
            if end < b {
                parts.push((end, b, parent.clone()));
            }
            self.ranges.splice(i..=i, parts);
        }
        true
    }

    pub fn role(&self, col: usize) -> Option<&Role> {
        self.ranges
            .iter()
            .find(|(a, b, _)| (*a..*b).contains(&col))
            .map(|x| &x.2)
    }

    /// Extra columns beyond the five of the standard form (for the report).
    pub fn extras(&self) -> impl Iterator<Item = &Role> {
        self.ranges.iter().map(|x| &x.2).filter(|r| {
            !matches!(
                r,
                Role::Block | Role::Level1 | Role::Level2 | Role::Level3 | Role::Value
            )
        })
    }
}

/// One indicator row read by column.
#[derive(Debug, Default)]
pub struct ByColumn<'a> {
    pub level1: Option<&'a Cell>,
    /// The 一级 cell is a blank of the source (not inside a merge): its label is
    /// elsewhere in the group (some pages print it in the group's middle row).
    pub level1_blank: bool,
    pub level2: Option<&'a Cell>,
    pub level2_blank: bool,
    pub name: Vec<&'a Cell>,
    pub value: Vec<&'a Cell>,
    /// Cells in no known column.
    pub stray: Vec<&'a Cell>,
    pub indicator: Indicator,
}

pub fn read_row<'a>(cols: &Columns, row: &'a Row) -> ByColumn<'a> {
    let mut out = ByColumn::default();
    for c in &row.cells {
        let Some(role) = cols.role(c.col) else {
            if !c.is_empty() {
                out.stray.push(c);
            }
            continue;
        };
        if c.is_empty() {
            match role {
                Role::Level1 if !c.covered && out.level1.is_none() => out.level1_blank = true,
                Role::Level2 if !c.covered && out.level2.is_none() => out.level2_blank = true,
                _ => {}
            }
            continue;
        }
        let t = c.text.clone();
        let i = &mut out.indicator;
        match role {
            Role::Block => {}
            Role::Level1 => {
                out.level1 = Some(c);
                out.level1_blank = false;
            }
            Role::Level2 => {
                out.level2 = Some(c);
                out.level2_blank = false;
            }
            Role::Level3 => out.name.push(c),
            Role::Value => out.value.push(c),
            Role::Operator => i.operator = t,
            Role::Unit => i.unit = t,
            Role::Weight => i.weight = t,
            Role::Standard => i.standard = t,
            Role::Note => i.note = t,
            Role::Extra(label) => i.extra.push(ExtraField {
                label: label.clone(),
                value: t,
            }),
        }
    }
    out
}

/// Indicators whose 一级 or 二级 label sits in another row of their group: settle them
/// once the table is read. A row's 二级 category names its 一级 (数量 → 产出); failing
/// that, the nearest label in the rows above and below wins.
pub fn settle_blanks(indicators: &mut [Indicator], blank1: &[usize], blank2: &[usize]) {
    // (row index, level text, category) of every written 一级 label.
    let labels1: Vec<(usize, String, Option<Level1>)> = indicators
        .iter()
        .enumerate()
        .filter(|(i, x)| !blank1.contains(i) && !x.level1.is_empty())
        .map(|(i, x)| (i, x.level1.clone(), x.level1_category))
        .collect();
    for &i in blank1 {
        let want = indicators[i].level2_category.map(Level2::parent);
        let pick = labels1
            .iter()
            .filter(|l| want.is_none() || l.2 == want)
            .min_by_key(|l| (l.0.abs_diff(i), l.0 < i));
        if let Some((_, t, c)) = pick {
            indicators[i].level1 = t.clone();
            indicators[i].level1_category = *c;
        } else if let Some(w) = want {
            indicators[i].level1_category = Some(w);
        }
    }
    let labels2: Vec<(usize, String, Option<Level2>, Option<Level1>)> = indicators
        .iter()
        .enumerate()
        .filter(|(i, x)| !blank2.contains(i) && !x.level2.is_empty())
        .map(|(i, x)| (i, x.level2.clone(), x.level2_category, x.level1_category))
        .collect();
    for &i in blank2 {
        let parent = indicators[i].level1_category;
        let pick = labels2
            .iter()
            .filter(|l| parent.is_none() || l.3 == parent)
            .min_by_key(|l| (l.0.abs_diff(i), l.0 < i));
        if let Some((_, t, c, _)) = pick {
            indicators[i].level2 = t.clone();
            indicators[i].level2_category = *c;
        }
    }
}

/// The cells of one role joined as one text.
pub fn joined(cells: &[&Cell]) -> String {
    cells
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A heading's text for the report.
pub fn label(role: &Role) -> String {
    match role {
        Role::Extra(l) => l.clone(),
        r => text::key(&format!("{r:?}")),
    }
}
