//! The vocabulary of 绩效目标表 forms: which cell texts are labels, and what they mean.
//! Every function takes a matching key (see [`crate::text::label_key`]), never display text.

use crate::model::{FundKind, Level1, Level2};
use regex::Regex;
use std::sync::LazyLock;

/// What kind of table a title line starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Project,
    /// 部门（单位）整体支出绩效目标表.
    Overall,
}

/// A title line: mentions 绩效目标 and ends in 表 (`部门（单位）预算项目支出绩效目标表`,
/// `项目支出绩效目标表`, `部门/单位整体支出绩效目标表`, `…绩效目标申报表`).
pub fn table_title(key: &str) -> Option<TableKind> {
    if key.chars().count() > 40 || !key.contains("绩效目标") || !key.ends_with('表') {
        return None;
    }
    Some(if key.contains("整体支出") || key.contains("整体绩效") {
        TableKind::Overall
    } else {
        TableKind::Project
    })
}

static YEAR_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\((\d{4})年度?\)$").expect("valid regex"));

/// `（2024年度）` → 2024.
pub fn year_line(key: &str) -> Option<u16> {
    YEAR_LINE.captures(key).and_then(|c| c[1].parse().ok())
}

static ANNEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^附(件|表)[0-9一二三四五六七八九十]*(-\d+)?$").expect("valid regex")
});

/// `附表13`, `附件2`: the annex numbering printed above a table.
pub fn annex_label(key: &str) -> bool {
    ANNEX.is_match(key)
}

/// The money unit a line or heading states for the table below it: `单位：元`,
/// `金额单位:万元`, `(单位:元)`. True for 元, false for 万元.
pub fn unit_line(key: &str) -> Option<bool> {
    let c = UNIT_LINE.captures(key)?;
    Some(&c[1] == "元")
}

static UNIT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\p{Han}]|金额|计量|[)）\p{Han}])单位:?(万元|元)\)?$").expect("valid regex")
});

/// Rows that are drawing artefacts of a conversion (`--|-----|---`).
pub fn is_decoration(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| matches!(c, '-' | '—' | '=' | ':' | '|' | '_' | '─'))
}

/// Labels of the fields above the indicator tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Department,
    /// 主管部门及代码 / 主管部门: the supervising department.
    SupervisingDepartment,
    ImplementingUnit,
    /// A heading of the funds block (`项目资金（万元）`, `资金来源`, `预算情况（万元）`).
    FundsHeading,
    Fund(FundKind),
    /// A group heading inside a department-level funds block (`基本支出`).
    FundGroup,
    Goal,
    /// 中期目标 / 长期目标 / 中长期目标 (beside the 年度目标 in the central template).
    LongGoal,
    /// `年度主要任务`, and its column headings.
    Tasks,
    TaskHeading,
}

static YEAR_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}年(度)?").expect("valid regex"));

pub fn field(key: &str) -> Option<Field> {
    let k = key.strip_prefix("其中:").unwrap_or(key);
    let f = match k {
        "项目名称" | "项目名" | "项目支出名称" | "专项名称" | "专项资金名称" | "项目(专项)名称" => {
            Field::Name
        }
        "部门(单位)"
        | "部门(单位)名称"
        | "部门/单位"
        | "部门名称"
        | "单位名称"
        | "预算单位"
        | "预算部门"
        | "部门"
        | "单位" => Field::Department,
        "主管部门及代码" | "主管部门" | "主管部门名称" => {
            Field::SupervisingDepartment
        }
        "实施单位" | "项目实施单位" => Field::ImplementingUnit,
        "总体目标" | "年度目标" | "总体绩效目标" | "年度总体目标" | "项目总体目标"
        | "年度绩效目标" | "绩效目标" | "年度项目目标" => Field::Goal,
        "年度主要任务" | "主要任务" => Field::Tasks,
        "任务名称" | "主要内容" => Field::TaskHeading,
        "基本支出" => Field::FundGroup,
        "预算金额" | "按支出类型分" | "按来源类型分" | "资金来源" => {
            Field::FundsHeading
        }
        _ => {
            if is_long_goal(k) {
                Field::LongGoal
            } else if is_funds_heading(k) {
                Field::FundsHeading
            } else if let Some(kind) = fund_kind(k) {
                Field::Fund(kind)
            } else {
                return None;
            }
        }
    };
    Some(f)
}

/// `中期目标（2024年—2026年）`, `长期目标`, `中长期绩效目标`.
fn is_long_goal(k: &str) -> bool {
    k.chars().count() <= 24
        && [
            "中期目标",
            "长期目标",
            "中长期目标",
            "中期绩效目标",
            "长期绩效目标",
            "中长期绩效目标",
        ]
        .iter()
        .any(|p| k.starts_with(p))
}

/// A money label's unit in brackets: `资金总额（元）` → Some(true), `（万元）` → Some(false).
pub fn label_unit(key: &str) -> Option<bool> {
    if key.contains("(万元)") || key.contains("(单位:万元)") {
        Some(false)
    } else if key.contains("(元)") || key.contains("(单位:元)") {
        Some(true)
    } else {
        None
    }
}

/// A label without its bracketed unit: `资金总额（万元）：` → `资金总额`.
fn without_unit(k: &str) -> String {
    let mut out = k.to_string();
    for u in ["(万元)", "(元)", "(单位:万元)", "(单位:元)"] {
        out = out.replace(u, "");
    }
    out.trim_end_matches(':').to_string()
}

/// `项目资金（万元）`, `项目资金来源`, `预算情况（万元）`, `2026年预算申请数（万元）`: short
/// headings only, so an indicator named `项目资金使用合规率` is not mistaken for one.
fn is_funds_heading(k: &str) -> bool {
    if k.chars().count() > 20 {
        return false;
    }
    let unit = k.contains("万元") || k.ends_with("(元)");
    k == "项目资金"
        || k == "项目资金来源"
        || (k.starts_with("项目资金") && unit)
        || (k.starts_with("预算情况") && (unit || k == "预算情况"))
        || (k.contains("预算申请数") && unit)
        || (k.starts_with("年度部门整体支出预算") && unit)
}

/// The meaning of a funds label, whatever year it names (`2026年本级安排`).
pub fn fund_kind(key: &str) -> Option<FundKind> {
    let k = key.strip_prefix("其中:").unwrap_or(key);
    let k = YEAR_PREFIX.replace(k, "");
    let k = without_unit(k.strip_prefix("其中:").unwrap_or(&k));
    Some(match k.as_str() {
        "年度资金总额" | "资金总额" | "合计" | "总计" | "项目资金总额" | "资金总计"
        | "项目金额" | "预算数" | "年度预算数" | "当年预算" | "年度预算金额" | "年度预算"
        | "项目预算" | "年度金额" | "项目资金合计" | "预算金额合计" | "当年预算数" => {
            FundKind::Total
        }
        // Multi-year money beside the year's: kept, never taken for the year's total.
        "中期资金总额" | "项目总预算" | "总预算" | "中期资金" | "项目总投资" | "总投资" => {
            FundKind::Unknown
        }
        "财政拨款" | "当年财政拨款" | "财政拨款资金" | "财政资金" => {
            FundKind::Fiscal
        }
        "上级补助" | "上级补助资金" => FundKind::FiscalUpper,
        "本级安排" | "本级财力安排" | "本级资金" | "本级财政安排" => {
            FundKind::FiscalOwn
        }
        "结转资金" | "上年结转资金" | "上年结转" | "结转" | "财政拨款结转" => {
            FundKind::CarryOver
        }
        "其他资金" | "非财政拨款" | "其他来源资金" | "非财政拨款资金" | "其他" => {
            FundKind::Other
        }
        "人员经费" => FundKind::Personnel,
        "公用经费" => FundKind::PublicExpense,
        "项目支出" => FundKind::ProjectSpending,
        "收入预算合计" => FundKind::IncomeTotal,
        "支出预算合计" => FundKind::ExpenditureTotal,
        _ => return None,
    })
}

/// Fund labels that can only start a funds block, used to see a new table begin in the
/// middle of an indicator tree (a headless fragment).
pub fn starts_funds_block(key: &str) -> bool {
    let k = key.strip_prefix("其中:").unwrap_or(key);
    matches!(
        k,
        "年度资金总额" | "财政拨款" | "当年财政拨款" | "非财政拨款" | "其他资金"
    ) || is_funds_heading(k)
}

/// A label carried by the first column of the indicator block (`绩效指标`,
/// `年度绩效指标`, `总体绩效目标` where the goal cell is merged into the block, and the
/// truncated `效指标` of a page break).
pub fn indicator_block(key: &str) -> bool {
    matches!(
        key,
        "绩效指标"
            | "年度绩效指标"
            | "总体绩效目标"
            | "效指标"
            | "指标"
            | "项目绩效指标"
            | "年度绩效目标"
    )
}

/// The heading row of the indicator tree: `一级指标 / 二级指标 / 三级指标 / 指标值`.
pub fn is_indicator_heading(key: &str) -> Option<HeadingCol> {
    Some(match key {
        "一级指标" => HeadingCol::Level1,
        "二级指标" => HeadingCol::Level2,
        "三级指标" | "指标名称" | "三级指标名称" | "指标内容" => {
            HeadingCol::Level3
        }
        k if k.starts_with("指标值")
            || k.starts_with("目标值")
            || k.starts_with("年度指标值")
            || k.starts_with("年度目标值")
            || k.starts_with("当年预期实现值")
            || k.starts_with("预期目标值")
            || k.starts_with("绩效指标值") =>
        {
            HeadingCol::Value
        }
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingCol {
    Level1,
    Level2,
    Level3,
    Value,
}

/// A 一级指标 label. The flag is true for the older local names (项目完成, 项目效益),
/// under which 成本 is a 二级指标 of 项目完成.
pub fn level1(key: &str) -> Option<(Level1, bool)> {
    Some(match key {
        "产出指标" | "产出" | "项目产出" => (Level1::Output, false),
        "项目完成" | "完成指标" | "项目完成指标" => (Level1::Output, true),
        "成本指标" | "项目成本" | "成本" => (Level1::Cost, false),
        "效益指标" | "效益" | "效果指标" => (Level1::Benefit, false),
        "项目效益" | "项目收益" | "项目效果" => (Level1::Benefit, true),
        "满意度指标" | "满意度" => (Level1::Satisfaction, false),
        _ => return None,
    })
}

/// A 二级指标 label, including common misspellings (`可持续发展指标`, `可持续性指标`).
pub fn level2(key: &str) -> Option<Level2> {
    let k = key.strip_suffix("指标").unwrap_or(key);
    Some(match k {
        "数量" | "产出数量" => Level2::Quantity,
        "质量" | "产出质量" => Level2::Quality,
        "时效" | "产出时效" => Level2::Timeliness,
        "成本" | "经济成本" | "社会成本" | "生态环境成本" | "生态成本" | "产出成本" => {
            Level2::Cost
        }
        "经济效益" => Level2::Economic,
        "社会效益" => Level2::Social,
        "生态效益" => Level2::Ecological,
        "可持续影响" | "可持续发展" | "可持续性" | "可持续影响力" | "可持续" => {
            Level2::Sustainability
        }
        "服务对象满意度" | "满意度" | "社会公众满意度" | "服务对象满意" => {
            Level2::Satisfaction
        }
        _ => return None,
    })
}

/// A 二级 label cut short by the page (`服务对象满`): a prefix of four or more
/// characters of exactly one full label.
pub fn level2_cut_short(key: &str) -> Option<Level2> {
    const FULL: &[(&str, Level2)] = &[
        ("服务对象满意度指标", Level2::Satisfaction),
        ("可持续影响指标", Level2::Sustainability),
        ("社会效益指标", Level2::Social),
        ("经济效益指标", Level2::Economic),
        ("生态效益指标", Level2::Ecological),
        ("经济成本指标", Level2::Cost),
        ("社会成本指标", Level2::Cost),
        ("生态环境成本指标", Level2::Cost),
    ];
    if key.chars().count() < 4 {
        return None;
    }
    let hits: Vec<Level2> = FULL
        .iter()
        .filter(|(f, _)| f.starts_with(key) && *f != key)
        .map(|(_, c)| *c)
        .collect();
    match hits.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Labels that are both a 一级 and a 二级 name (`成本指标`, `满意度指标`): which one they
/// are depends on their neighbours.
pub fn is_ambiguous_level(key: &str) -> bool {
    level1(key).is_some() && level2(key).is_some()
}

/// A row of a table of contents: `101001 攀枝花市西区…办公室.....1`.
pub struct ContentsLine {
    pub code: Option<String>,
    pub name: String,
    pub page: Option<u32>,
}

static CONTENTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<code>\d{6,9})?\s*(?P<name>[^\d.．…·\s][^.．…·]*?)\s*(?P<dots>[.．…·]+)?\s*(?P<page>\d{1,4})?$")
        .expect("valid regex")
});

/// Read a contents line: it needs a unit code or dot leaders, and a name.
pub fn contents_line(text: &str) -> Option<ContentsLine> {
    let c = CONTENTS.captures(text)?;
    let code = c.name("code").map(|m| m.as_str().to_string());
    let dots = c
        .name("dots")
        .is_some_and(|d| d.as_str().chars().count() >= 2);
    if code.is_none() && !dots {
        return None;
    }
    let name = c.name("name")?.as_str().trim().to_string();
    if name.chars().count() < 2 {
        return None;
    }
    let page = c.name("page").and_then(|m| m.as_str().parse().ok());
    Some(ContentsLine { code, name, page })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::label_key;

    #[test]
    fn titles() {
        assert_eq!(
            table_title(&label_key("部门（单位）预算项目支出绩效目标表")),
            Some(TableKind::Project)
        );
        assert_eq!(
            table_title(&label_key("部门（单位）预算项目支出绩效目标申报表")),
            Some(TableKind::Project)
        );
        assert_eq!(
            table_title(&label_key("部门/单位整体支出绩效目标表")),
            Some(TableKind::Overall)
        );
        assert_eq!(
            table_title(&label_key(
                "攀枝花市西区2026年 区本级部门预算项目绩效目标（草案）"
            )),
            None
        );
        assert_eq!(year_line(&label_key("（2024年度）")), Some(2024));
        assert_eq!(year_line(&label_key("(2021年度)")), Some(2021));
    }

    #[test]
    fn funds_labels_in_any_spelling() {
        assert_eq!(
            fund_kind(&label_key("其中：2026年上级补助")),
            Some(FundKind::FiscalUpper)
        );
        assert_eq!(
            fund_kind(&label_key("其中:2026年上级补助")),
            Some(FundKind::FiscalUpper)
        );
        assert_eq!(
            fund_kind(&label_key("2026年本级安排")),
            Some(FundKind::FiscalOwn)
        );
        assert_eq!(
            fund_kind(&label_key("2025年结转资金")),
            Some(FundKind::CarryOver)
        );
        assert_eq!(
            fund_kind(&label_key("其中：当年财政拨款")),
            Some(FundKind::Fiscal)
        );
        assert_eq!(
            fund_kind(&label_key("年度资金总额：")),
            Some(FundKind::Total)
        );
        assert_eq!(fund_kind(&label_key("非财政拨款")), Some(FundKind::Other));
        assert_eq!(
            field(&label_key("项目资金 （万元）")),
            Some(Field::FundsHeading)
        );
    }

    #[test]
    fn indicator_levels() {
        assert_eq!(level1("项目完成"), Some((Level1::Output, true)));
        assert_eq!(level1("项目收益"), Some((Level1::Benefit, true)));
        assert_eq!(
            level2(&label_key("可持续影响 指标")),
            Some(Level2::Sustainability)
        );
        assert_eq!(
            level2(&label_key("服务对象\n满意度指标")),
            Some(Level2::Satisfaction)
        );
        assert_eq!(level2("可持续发展指标"), Some(Level2::Sustainability));
        assert_eq!(level2("节能审查项目数量"), None);
        assert_eq!(level2_cut_short("服务对象满"), Some(Level2::Satisfaction));
        assert_eq!(level2_cut_short("服务"), None);
        assert!(is_ambiguous_level("成本指标"));
        assert!(is_ambiguous_level("满意度指标"));
        assert!(!is_ambiguous_level("数量指标"));
    }

    #[test]
    fn contents_lines() {
        let c = contents_line("101001 攀枝花市西区人民代表大会常务委员会办公室..... 1").unwrap();
        assert_eq!(c.code.as_deref(), Some("101001"));
        assert_eq!(c.name, "攀枝花市西区人民代表大会常务委员会办公室");
        assert_eq!(c.page, Some(1));
        let c = contents_line("124005攀枝花市西区公共卫生服务中心..... 167").unwrap();
        assert_eq!(c.code.as_deref(), Some("124005"));
        assert_eq!(c.name, "攀枝花市西区公共卫生服务中心");
        let c = contents_line("126002攀枝花市西区文化馆(攀枝花市西区考古与西区文物保护中心 190")
            .unwrap();
        assert_eq!(
            c.name,
            "攀枝花市西区文化馆(攀枝花市西区考古与西区文物保护中心"
        );
        assert_eq!(c.page, Some(190));
        let c = contents_line("124010攀枝花市西区格里坪镇卫生院（格里坪社区卫生服务中心）. 176")
            .unwrap();
        assert_eq!(
            c.name,
            "攀枝花市西区格里坪镇卫生院（格里坪社区卫生服务中心）"
        );
        assert!(contents_line("为进一步加强预算绩效管理").is_none());
        assert!(contents_line("总体目标. 3").is_none());
    }
}
