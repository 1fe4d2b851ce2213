//! The rules. Messages are neutral: they say what is missing or does not add up, not
//! who is at fault.

use super::{BookFindings, Ctx, Finding, Severity};
use crate::model::{Book, Level2, Project, ProjectFlag};
use serde::Deserialize;
use std::collections::BTreeMap;

/// 财政部 财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》.
pub const BASIS_101: &str =
    "财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》";
/// The local form the table was filled in on.
pub const BASIS_FORM: &str = "本地区《部门（单位）预算项目支出绩效目标表》填报要求";

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// Short Chinese title (used in charts and filters).
    pub title: &'static str,
    pub basis: &'static str,
    /// Plain-Chinese explanation shown on the rules page.
    pub explain: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        id: "funds.total-missing",
        severity: Severity::Error,
        title: "未填年度资金总额",
        basis: BASIS_FORM,
        explain: "绩效目标表应填写项目的年度资金总额（万元）。没有总额，就无法核对资金来源，也无法与成本指标比较。",
    },
    Rule {
        id: "funds.total-unreadable",
        severity: Severity::Error,
        title: "资金总额无法识别",
        basis: BASIS_FORM,
        explain: "年度资金总额单元格中的文字不是一个可确认的金额（例如“35.9816.49”）。网站照录原文，不作猜测，需由编制单位核实。",
    },
    Rule {
        id: "structure.no-name",
        severity: Severity::Warning,
        title: "未填项目名称",
        basis: BASIS_FORM,
        explain: "表格没有“项目名称”一栏或该栏为空，网站以占位名称显示。",
    },
    Rule {
        id: "structure.no-department",
        severity: Severity::Warning,
        title: "未注明部门",
        basis: BASIS_FORM,
        explain: "表格没有填写部门（单位），网站把它归入“未注明部门”。",
    },
    Rule {
        id: "structure.no-goal",
        severity: Severity::Warning,
        title: "未填总体目标",
        basis: BASIS_101,
        explain: "表格设有“总体目标”一栏但内容为空。总体目标应概括项目在一定期限内预期达到的产出和效果。",
    },
    Rule {
        id: "structure.form-without-goal",
        severity: Severity::Info,
        title: "表样未设总体目标栏",
        basis: BASIS_101,
        explain: "本册使用的表样没有单独的“总体目标”栏，整册只提示一次，不逐个项目计入。",
    },
    Rule {
        id: "coverage.quantity",
        severity: Severity::Warning,
        title: "缺少数量指标",
        basis: BASIS_101,
        explain: "产出指标中的数量指标属于核心指标，反映预计提供的公共产品和服务数量。",
    },
    Rule {
        id: "coverage.cost",
        severity: Severity::Warning,
        title: "缺少成本指标",
        basis: BASIS_101,
        explain: "财预〔2021〕101号把成本指标列为一级指标，要求反映项目的经济成本等。",
    },
    Rule {
        id: "coverage.benefit",
        severity: Severity::Warning,
        title: "缺少效益指标",
        basis: BASIS_101,
        explain: "至少应设置一项效益指标（经济、社会、生态效益或可持续影响），反映项目实施的效果。",
    },
    Rule {
        id: "coverage.quality",
        severity: Severity::Info,
        title: "缺少质量指标",
        basis: BASIS_101,
        explain: "质量指标反映提供的公共产品和服务达到的标准和水平，一般应当设置。",
    },
    Rule {
        id: "coverage.timeliness",
        severity: Severity::Info,
        title: "缺少时效指标",
        basis: BASIS_101,
        explain: "时效指标反映完成产出的时间要求，一般应当设置。",
    },
    Rule {
        id: "coverage.satisfaction",
        severity: Severity::Info,
        title: "缺少满意度指标",
        basis: BASIS_101,
        explain: "满意度指标反映服务对象对项目实施效果的认可程度，一般应当设置。",
    },
];

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// `[check]` in book.toml: which rules run and at what severity.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Rule ids (or prefixes like `coverage.`) that do not run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity overrides: `"coverage.quality" = "warning"`.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

impl Settings {
    pub fn enabled(&self, rule: &Rule) -> bool {
        !self
            .disable
            .iter()
            .any(|d| rule.id == d || (d.ends_with('.') && rule.id.starts_with(d.as_str())))
    }

    pub fn severity(&self, rule: &Rule) -> Severity {
        self.severity.get(rule.id).copied().unwrap_or(rule.severity)
    }
}

fn r(id: &str) -> &'static Rule {
    rule(id).unwrap_or_else(|| panic!("rule {id} is registered"))
}

pub fn check_project(ctx: &Ctx<'_>, p: &Project, out: &mut Vec<Finding>) {
    let mut push = |id: &str, line: u32, msg: String| {
        let rule = r(id);
        if ctx.settings.enabled(rule) {
            out.push(ctx.project_finding(rule, p, line, msg));
        }
    };
    let f = &p.funds;
    if f.total.is_missing() {
        push("funds.total-missing", f.line, "未填写年度资金总额".into());
    } else if f.total.is_unreadable() {
        push(
            "funds.total-unreadable",
            f.line,
            format!("年度资金总额“{}”无法识别为金额", f.total.raw),
        );
    }
    if p.flags.contains(&ProjectFlag::PlaceholderName) {
        push(
            "structure.no-name",
            p.source.line,
            "表格未填写项目名称".into(),
        );
    }
    if ctx.dept.unnamed {
        push(
            "structure.no-department",
            p.source.line,
            "表格未填写部门（单位）".into(),
        );
    }
    if p.goal.as_deref().is_some_and(crate::model::is_placeholder) {
        push(
            "structure.no-goal",
            p.source.line,
            "总体目标一栏为空".into(),
        );
    }
    let set = categories(p);
    if p.indicators.is_empty() && p.flags.contains(&ProjectFlag::Fragment) {
        return;
    }
    let has = |c: Level2| set.contains(&c);
    if !has(Level2::Quantity) {
        push("coverage.quantity", p.source.line, "未设置数量指标".into());
    }
    if !has(Level2::Cost) {
        push("coverage.cost", p.source.line, "未设置成本指标".into());
    }
    if ![
        Level2::Economic,
        Level2::Social,
        Level2::Ecological,
        Level2::Sustainability,
    ]
    .iter()
    .any(|c| has(*c))
    {
        push(
            "coverage.benefit",
            p.source.line,
            "未设置任何效益指标".into(),
        );
    }
    if !has(Level2::Quality) {
        push("coverage.quality", p.source.line, "未设置质量指标".into());
    }
    if !has(Level2::Timeliness) {
        push(
            "coverage.timeliness",
            p.source.line,
            "未设置时效指标".into(),
        );
    }
    if !has(Level2::Satisfaction) {
        push(
            "coverage.satisfaction",
            p.source.line,
            "未设置满意度指标".into(),
        );
    }
}

/// The 二级 categories a project sets (with a name or value that is not a placeholder).
pub fn categories(p: &Project) -> std::collections::BTreeSet<Level2> {
    p.indicators
        .iter()
        .filter(|i| i.is_set())
        .filter_map(|i| i.level2_category)
        .collect()
}

pub fn check_department(_ctx: &Ctx<'_>, _out: &mut Vec<Finding>) {}

pub fn check_book_level(
    book: &Book,
    settings: &super::rules::Settings,
    _found: &BookFindings,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let rule = r("structure.form-without-goal");
    let without_goal = book.projects().filter(|(_, p)| p.goal.is_none()).count();
    if settings.enabled(rule) && without_goal > 0 {
        let first = book
            .projects()
            .find(|(_, p)| p.goal.is_none())
            .map(|(_, p)| p.source.clone())
            .unwrap_or_default();
        out.push(Finding {
            rule: rule.id.into(),
            severity: settings.severity(rule),
            book: book.slug.clone(),
            department: String::new(),
            department_slug: String::new(),
            project: String::new(),
            project_slug: String::new(),
            message: format!("{without_goal} 个项目所用表样没有单独的总体目标栏"),
            file: first.file,
            line: first.line,
        });
    }
    out
}
