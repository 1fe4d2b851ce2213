//! Flat exports of the budget systems (预算管理一体化系统): one row per indicator under a
//! header row, the unit, project, amount and goal repeated on every row, the 指标值 often
//! split over 指标性质 / 指标值 / 度量单位. Recognised by the header row, wherever it is.

use super::labels;
use super::report::{Ledger, ReportKind};
use super::rows::{Cell, Item, Row};
use super::tables::{Parsed, Preamble, Table, TableKind};
use crate::amount::Amount;
use crate::model::{ExtraField, FundKind, Indicator, Level1, Level2};
use crate::text;

/// What a header column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Department,
    DepartmentCode,
    ProjectCode,
    Project,
    /// An amount column; true when its heading says 元 (not 万元).
    Amount(FundKind, bool),
    Goal,
    Level1,
    Level2,
    Level3,
    Operator,
    Value,
    Unit,
    Weight,
    Standard,
    Note,
    /// Any other heading: kept on every indicator under this label.
    Extra(String),
}

/// The header row of a flat export: its number and what each column holds.
#[derive(Debug, Clone)]
pub struct Header {
    line: u32,
    columns: Vec<(usize, Column, String)>,
}

fn column(key: &str, text: &str, have_department: bool) -> Column {
    // Units in brackets belong to amount headings (`年度预算数（元）`).
    let yuan = (key.contains("(元)") || key.ends_with("元")) && !key.contains("万元");
    let bare = key
        .split('(')
        .next()
        .unwrap_or(key)
        .trim_end_matches(':')
        .to_string();
    match bare.as_str() {
        "单位名称" | "预算单位" | "部门名称" | "预算部门" | "主管部门" | "单位" | "部门"
        | "实施单位" | "预算单位名称" | "部门(单位)"
            if !have_department || bare != "单位" =>
        {
            Column::Department
        }
        "单位编码" | "单位代码" | "预算单位编码" | "部门编码" | "部门代码" => {
            Column::DepartmentCode
        }
        "项目编码" | "项目代码" | "项目编号" => Column::ProjectCode,
        "项目名称" | "项目支出名称" | "专项名称" => Column::Project,
        "年度绩效目标" | "年度目标" | "总体目标" | "绩效目标" | "年度总体目标" | "项目绩效目标" => {
            Column::Goal
        }
        "一级指标" => Column::Level1,
        "二级指标" => Column::Level2,
        "三级指标" | "指标名称" | "三级指标名称" => Column::Level3,
        "指标性质" | "指标方向" | "符号" | "运算符" | "比较符" => Column::Operator,
        "指标值" | "年度指标值" | "目标值" | "指标目标值" => Column::Value,
        "度量单位" | "计量单位" | "指标单位" | "单位" => Column::Unit,
        "权重" | "分值" | "权重(%)" | "指标权重" => Column::Weight,
        "评分标准" | "指标标准" | "指标标准或依据" | "评(计)分标准" | "指标解释" | "评价标准" => {
            Column::Standard
        }
        "备注" | "说明" => Column::Note,
        _ => {
            let money = [
                "预算数",
                "年度预算数",
                "资金总额",
                "年度资金总额",
                "项目金额",
                "预算金额",
                "年度预算金额",
                "当年预算",
                "金额",
                "项目资金",
                "申请金额",
            ];
            if money.contains(&bare.as_str()) {
                Column::Amount(FundKind::Total, yuan)
            } else if let Some(kind) = labels::fund_kind(&bare) {
                Column::Amount(kind, yuan)
            } else {
                Column::Extra(text.replace('\n', ""))
            }
        }
    }
}

/// A header row: a project column, a 三级指标 column and a value column in one row.
pub fn recognise(items: &[Item]) -> Option<Header> {
    items.iter().take(200).find_map(|item| {
        let Item::Row(row) = item else { return None };
        let mut columns = Vec::new();
        let mut have_department = false;
        for c in row.non_empty() {
            let col = column(&c.key, &c.text, have_department);
            have_department |= col == Column::Department;
            columns.push((c.col, col, c.text.clone()));
        }
        let has = |want: &dyn Fn(&Column) -> bool| columns.iter().any(|(_, c, _)| want(c));
        (has(&|c| *c == Column::Project)
            && has(&|c| *c == Column::Level3)
            && has(&|c| *c == Column::Value))
        .then(|| Header {
            line: row.line(),
            columns,
        })
    })
}

/// One project's rows, keyed by unit, project code and name.
struct Group {
    table: Table,
    /// Each amount column's first value, with its heading and row.
    amounts: Vec<(FundKind, Amount, String, u32)>,
}

pub fn parse(items: &[Item], header: &Header, ledger: &mut Ledger) -> Parsed {
    let mut preamble = Preamble::default();
    let mut groups: Vec<Group> = Vec::new();
    let mut index: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    let mut unit: Option<bool> = None;
    // Cells merged down a group of rows (单位, 项目, 金额 written once per project).
    let mut carried: Vec<Option<Cell>> = Vec::new();
    for item in items {
        match item {
            Item::Loose { text: t, line } if labels::unit_line(&text::label_key(t)).is_some() => {
                unit = labels::unit_line(&text::label_key(t));
                ledger.map(*line);
            }
            Item::Loose { text: t, line } => {
                if preamble.title.is_none() && groups.is_empty() {
                    preamble.title = Some((t.clone(), *line));
                    ledger.map(*line);
                } else {
                    ledger.report(ReportKind::Outside, *line, t, "表格之外的文字");
                }
            }
            Item::Row(row) if row.line() == header.line => ledger.map_all(&row.lines),
            Item::Row(row) if row.line() < header.line => {
                let t = super::tables::row_text(row);
                if preamble.title.is_none() {
                    preamble.title = Some((t, row.line()));
                    ledger.map_all(&row.lines);
                } else {
                    ledger.report(ReportKind::Outside, row.line(), &t, "表头之前的文字");
                }
            }
            Item::Row(row) => {
                let row = carry_down(row, &mut carried);
                data_row(&row, header, unit, &mut groups, &mut index, ledger)
            }
        }
    }
    let tables = groups
        .into_iter()
        .map(|mut g| {
            for (kind, amount, heading, line) in std::mem::take(&mut g.amounts) {
                g.table.note_fund(kind, amount, &heading, line, ledger);
            }
            g.table
        })
        .collect();
    Parsed { preamble, tables }
}

/// The row with cells covered by a merge from above filled from the merge's anchor.
fn carry_down(row: &Row, carried: &mut Vec<Option<Cell>>) -> Row {
    let mut out = row.clone();
    if carried.len() < out.cells.len() {
        carried.resize(out.cells.len(), None);
    }
    for (i, c) in out.cells.iter_mut().enumerate() {
        if !c.is_empty() {
            carried[i] = Some(c.clone());
        } else if c.covered
            && let Some(Some(above)) = carried.get(i)
        {
            let line = c.line;
            *c = above.clone();
            c.line = line;
            c.covered = true;
        } else {
            carried[i] = None;
        }
    }
    out
}

fn cell(row: &Row, col: usize) -> Option<&Cell> {
    row.cells.get(col).filter(|c| !c.is_empty())
}

fn data_row(
    row: &Row,
    header: &Header,
    unit: Option<bool>,
    groups: &mut Vec<Group>,
    index: &mut std::collections::HashMap<(String, String, String), usize>,
    ledger: &mut Ledger,
) {
    let get = |want: &Column| -> Option<&Cell> {
        header
            .columns
            .iter()
            .find(|(_, c, _)| c == want)
            .and_then(|(col, _, _)| cell(row, *col))
    };
    let text_of = |want: &Column| get(want).map(|c| c.text.clone()).unwrap_or_default();
    let project = text_of(&Column::Project);
    let code = text_of(&Column::ProjectCode);
    let department = text_of(&Column::Department);
    if project.is_empty() && code.is_empty() {
        // A total or note row under the table (合计, 填表说明).
        for c in row.non_empty() {
            ledger.report_cell(
                ReportKind::Unplaced,
                c,
                "不属于任何项目的行（没有项目名称或编码）",
            );
        }
        return;
    }
    ledger.map_all(&row.lines);
    let key = (department.clone(), code.clone(), project.clone());
    let gi = *index.entry(key).or_insert_with(|| {
        let mut t = Table::project(row.line());
        t.kind = Some(TableKind::Project);
        t.name = Some(project.clone());
        t.yuan = unit;
        if !department.is_empty() {
            t.department = Some(department.clone());
        }
        groups.push(Group {
            table: t,
            amounts: Vec::new(),
        });
        groups.len() - 1
    });
    let g = &mut groups[gi];
    let t = &mut g.table;
    t.end = t.end.max(row.line());
    let mut ind = Indicator {
        line: row.line(),
        ..Default::default()
    };
    let mut value_cell = String::new();
    for (col, kind, heading) in &header.columns {
        let Some(c) = cell(row, *col) else { continue };
        match kind {
            Column::Department | Column::Project | Column::ProjectCode => {}
            Column::DepartmentCode => {}
            Column::Amount(fund, _) => {
                // The heading carries the unit (`年度预算数（元）`); the table converts.
                let amount = Amount::parse(&c.text);
                match g.amounts.iter().find(|a| a.0 == *fund) {
                    None => g.amounts.push((*fund, amount, heading.clone(), row.line())),
                    Some(a) if a.1.raw == amount.raw => {}
                    Some(a) => ledger.report_cell(
                        ReportKind::Unplaced,
                        c,
                        format!(
                            "同一项目的“{heading}”与前面的行不同（前面为 {}），以第一行为准",
                            a.1.raw
                        ),
                    ),
                }
            }
            Column::Goal => {
                if t.goal.is_none() {
                    t.goal = Some(c.text.clone());
                    t.goal_field = true;
                } else if t.goal.as_deref() != Some(c.text.as_str()) {
                    ledger.report_cell(
                        ReportKind::Unplaced,
                        c,
                        "同一项目的年度目标与前面的行不同，以第一行为准",
                    );
                }
            }
            Column::Level1 => {
                ind.level1 = c.text.replace('\n', "");
                ind.level1_category = labels::level1(&c.key).map(|l| l.0);
            }
            Column::Level2 => {
                ind.level2 = c.text.replace('\n', "");
                ind.level2_category = labels::level2(&c.key);
            }
            Column::Level3 => ind.name = c.text.clone(),
            Column::Operator => ind.operator = c.text.clone(),
            Column::Value => value_cell = c.text.clone(),
            Column::Unit => ind.unit = c.text.clone(),
            Column::Weight => ind.weight = c.text.clone(),
            Column::Standard => ind.standard = c.text.clone(),
            Column::Note => ind.note = c.text.clone(),
            Column::Extra(label) => ind.extra.push(ExtraField {
                label: label.clone(),
                value: c.text.clone(),
            }),
        }
    }
    // The 二级 category settles the 一级 one when the 一级 column is missing or unknown.
    if ind.level1_category.is_none() {
        ind.level1_category = ind.level2_category.map(Level2::parent);
    }
    if ind.level2_category.is_none() && ind.level1_category == Some(Level1::Satisfaction) {
        ind.level2_category = Some(Level2::Satisfaction);
    }
    ind.value = joined_value(&ind.operator, &value_cell, &ind.unit);
    t.indicators.push(ind);
}

/// The 指标值 as it reads when sign, number and unit sit in separate columns: `≥` `90`
/// `%` → `≥90%`; `=` is left out (`1次/年`), and so is `定性` (the value is words).
pub fn joined_value(operator: &str, value: &str, unit: &str) -> String {
    let op = text::key(operator);
    let sign = match op.as_str() {
        "≥" | ">=" | "大于等于" | "不低于" | "≧" => "≥",
        "≤" | "<=" | "小于等于" | "不高于" | "≦" => "≤",
        ">" | "大于" | "＞" => ">",
        "<" | "小于" | "＜" => "<",
        _ => "",
    };
    let v = value.trim();
    let starts_with_sign = v.starts_with(['≥', '≤', '>', '<', '＞', '＜', '=', '≧', '≦']);
    let mut out = String::new();
    if !starts_with_sign && !v.is_empty() {
        out.push_str(sign);
    }
    out.push_str(v);
    let u = unit.trim();
    if !u.is_empty() && !v.is_empty() && !v.ends_with(u) && !text::key(u).contains("定性") {
        out.push_str(u);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_values_read_together() {
        assert_eq!(joined_value("≥", "90", "%"), "≥90%");
        assert_eq!(joined_value("=", "1", "次/年"), "1次/年");
        assert_eq!(joined_value("定性", "优良", ""), "优良");
        assert_eq!(joined_value("≥", "≥95%", "%"), "≥95%");
        assert_eq!(joined_value("≤", "200", "万元"), "≤200万元");
        assert_eq!(joined_value("", "", "万元"), "");
    }

    #[test]
    fn headings_name_their_columns() {
        assert_eq!(
            column("年度预算数(元)", "年度预算数（元）", true),
            Column::Amount(FundKind::Total, true)
        );
        assert_eq!(
            column("项目金额(万元)", "项目金额（万元）", true),
            Column::Amount(FundKind::Total, false)
        );
        assert_eq!(column("单位名称", "单位名称", false), Column::Department);
        assert_eq!(column("单位", "单位", true), Column::Unit);
        assert_eq!(column("度量单位", "度量单位", true), Column::Unit);
        assert_eq!(
            column("上年实际值", "上年实际值", true),
            Column::Extra("上年实际值".into())
        );
    }
}
