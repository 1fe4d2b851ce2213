//! The rules. Messages are neutral: they say what is missing or does not add up, not
//! who is at fault. Each rule names the official basis it rests on.

use super::values;
use super::{Ctx, Finding, Severity};
use crate::amount::Unit;
use crate::model::{
    Book, FundKind, Indicator, Level1, Level2, Project, ProjectFlag, is_placeholder,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// 财政部 财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》.
pub const BASIS_101: &str =
    "财政部 财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》";
/// The local form the table was filled in on.
pub const BASIS_FORM: &str =
    "本地区《部门（单位）预算项目支出绩效目标表》的填报要求（表中各栏的勾稽关系）";

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// Shown on the public site. A rule whose findings fall below the precision bar on
    /// the labelled benchmark (tests/findings) is for reviewers only: `jixiao check`
    /// shows it, the site does not. `[check.public]` in book.toml overrides.
    pub public: bool,
    /// Short Chinese title (charts, filters).
    pub title: &'static str,
    pub basis: &'static str,
    /// Plain-Chinese explanation for the rules page.
    pub explain: &'static str,
}

macro_rules! rule {
    ($id:literal, $sev:ident, $title:literal, $basis:expr, $explain:literal) => {
        rule!($id, $sev, true, $title, $basis, $explain)
    };
    ($id:literal, $sev:ident, review, $title:literal, $basis:expr, $explain:literal) => {
        rule!($id, $sev, false, $title, $basis, $explain)
    };
    ($id:literal, $sev:ident, $public:literal, $title:literal, $basis:expr, $explain:literal) => {
        Rule {
            id: $id,
            severity: Severity::$sev,
            public: $public,
            title: $title,
            basis: $basis,
            explain: $explain,
        }
    };
}

pub const RULES: &[Rule] = &[
    rule!(
        "funds.total-missing",
        Error,
        "未填年度资金总额",
        BASIS_FORM,
        "绩效目标表应填写项目的年度资金总额（万元）。没有总额，就无法核对资金来源，也无法与成本指标比较。"
    ),
    rule!(
        "funds.total-unreadable",
        Error,
        "资金总额无法识别",
        BASIS_FORM,
        "年度资金总额单元格中的文字不是一个可确认的金额（例如“35.9816.49”）。网站照录原文，不作猜测，需由编制单位核实。"
    ),
    rule!(
        "funds.unreadable",
        Error,
        "资金栏金额无法识别",
        BASIS_FORM,
        "财政拨款、其他资金等栏中的文字不是一个可确认的金额。网站照录原文，不作猜测。"
    ),
    rule!(
        "funds.sum-total",
        Error,
        "资金来源合计不等于总额",
        BASIS_FORM,
        "年度资金总额应等于财政拨款与其他资金之和（表样把结转资金与当年财政拨款并列时，也计入结转资金）。"
    ),
    rule!(
        "funds.sources-blank",
        Warning,
        "未填资金来源",
        BASIS_FORM,
        "表中填了年度资金总额，财政拨款和其他资金两栏却都空着，读者无法知道钱从哪里来。"
    ),
    rule!(
        "funds.sum-fiscal",
        Error,
        "财政拨款不等于其构成之和",
        BASIS_FORM,
        "财政拨款应等于上级补助、本级安排和结转资金之和。"
    ),
    rule!(
        "funds.duplicate-row",
        Warning,
        "资金栏标签重复",
        BASIS_FORM,
        "同一张表中同一个资金栏目（如“2025年结转资金”）出现了两次，通常是另一栏的标签写错了，需核对哪一行才是该栏的金额。"
    ),
    rule!(
        "overall.inconsistent",
        Error,
        "部门整体支出表自身不平衡",
        BASIS_FORM,
        "部门整体支出绩效目标表中，收入合计应等于各来源之和，并等于支出合计；基本支出合计应等于人员经费与公用经费之和。"
    ),
    rule!(
        "overall.projects",
        Warning,
        "整体支出表与项目表合计不符",
        BASIS_FORM,
        "部门整体支出表列出的项目支出，应与同一文件中该部门各项目表的资金总额之和一致；不一致时可能有项目表缺失或金额有误。"
    ),
    rule!(
        "structure.no-name",
        Warning,
        "未填项目名称",
        BASIS_FORM,
        "表格没有“项目名称”一栏或该栏为空，网站以占位名称显示。"
    ),
    rule!(
        "structure.no-department",
        Warning,
        "未注明部门",
        BASIS_FORM,
        "表格没有填写部门（单位），网站把它归入“未注明部门”；或主管部门一栏为空，网站按实施单位归类。"
    ),
    rule!(
        "structure.no-goal",
        Warning,
        "未填总体目标",
        BASIS_101,
        "表格设有“总体目标”一栏但内容为空。总体目标应概括项目在一定期限内预期达到的产出和效果。"
    ),
    rule!(
        "structure.form-without-goal",
        Info,
        "表样未设总体目标栏",
        BASIS_101,
        "这批绩效目标表使用的表样没有单独的“总体目标”栏，只提示一次，不逐个项目计入。"
    ),
    rule!(
        "structure.misplaced-level2",
        Warning,
        "二级指标放错一级指标",
        BASIS_101,
        "二级指标应归入相应的一级指标：数量、质量、时效属于产出指标，经济成本等属于成本指标，经济、社会、生态效益和可持续影响属于效益指标，服务对象满意度属于满意度指标（部分地方表样把成本指标列在“项目完成”下，这种情况不计入）。"
    ),
    rule!(
        "structure.fragment",
        Info,
        "表格缺少表头",
        BASIS_FORM,
        "公开的文件中有一段表格没有表头（项目名称、部门、资金），通常是分页时表头留在了前一页或没有印出。这段表格无法对应到具体项目，网站不据此评价任何部门，只提示文件本身需要补全。"
    ),
    rule!(
        "structure.misfiled",
        Warning,
        "指标填错类别",
        BASIS_101,
        "指标值的内容与所在的二级指标不符：数量指标里填的是完成时间，或效益指标里填的是项目花费的金额。时间属于时效指标，花费属于成本指标。"
    ),
    rule!(
        "structure.generic-names",
        Warning,
        "三级指标名称未说明衡量内容",
        BASIS_101,
        "三级指标的名称应说明衡量什么（如“助餐服务人次”）。多个不同类别的指标都只写项目名称或同一句话，读者无法知道各指标衡量的内容。"
    ),
    rule!(
        "coverage.quantity",
        Warning,
        "缺少数量指标",
        BASIS_101,
        "产出指标中的数量指标属于核心指标，反映预计提供的公共产品和服务数量。"
    ),
    rule!(
        "coverage.cost",
        Warning,
        review,
        "缺少成本指标",
        BASIS_101,
        "财预〔2021〕101号把成本指标列为一级指标，要求反映项目的经济成本等。"
    ),
    rule!(
        "coverage.benefit",
        Warning,
        review,
        "缺少效益指标",
        BASIS_101,
        "至少应设置一项效益指标（经济、社会、生态效益或可持续影响），反映项目实施的效果。"
    ),
    rule!(
        "coverage.quality",
        Info,
        "缺少质量指标",
        BASIS_101,
        "质量指标反映提供的公共产品和服务达到的标准和水平，一般应当设置。"
    ),
    rule!(
        "coverage.timeliness",
        Info,
        review,
        "缺少时效指标",
        BASIS_101,
        "时效指标反映完成产出的时间要求，一般应当设置。"
    ),
    rule!(
        "coverage.satisfaction",
        Info,
        review,
        "缺少满意度指标",
        BASIS_101,
        "满意度指标反映服务对象对项目实施效果的认可程度，一般应当设置。"
    ),
    rule!(
        "values.empty",
        Warning,
        review,
        "指标值为空",
        BASIS_101,
        "指标已列出但指标值为空或只填了“/”“无”等占位符，无法据以评价。"
    ),
    rule!(
        "values.not-quantified",
        Warning,
        "指标值未量化",
        BASIS_101,
        "数量、时效和成本指标应当用数字表述（数量多少、何时完成、花费多少），以便事后核对。"
    ),
    rule!(
        "values.rate-without-sign",
        Info,
        "比率目标未写比较符号",
        BASIS_101,
        "比率类目标一般写明“≥”“≤”或“=”，说明是下限、上限还是确数。"
    ),
    rule!(
        "values.bare-number",
        Info,
        "数字没有单位",
        BASIS_101,
        "只写数字不写单位（如“7”“19”），读者无法判断是人、次、万元还是年份。"
    ),
    rule!(
        "values.restates-name",
        Warning,
        "指标值重复指标名称",
        BASIS_101,
        "指标值只是重复了指标名称（如“确保用车安全 / 确保用车安全”），没有给出可衡量的目标。"
    ),
    rule!(
        "values.vague",
        Info,
        "表述缺少衡量标准",
        BASIS_101,
        "指标值只写了方向（如“有效提高”“明显改善”），没有数量、比率或等级，事后难以评价。"
    ),
    rule!(
        "values.percent-not-rate",
        Info,
        "非比率指标使用百分比",
        BASIS_101,
        "指标名称不是比率（如“促进经开区高质量发展”），指标值却是百分比，含义不清。"
    ),
    rule!(
        "values.money-as-output",
        Warning,
        "以资金额作为产出数量",
        BASIS_101,
        "数量指标应反映提供的产品和服务数量，花了多少钱属于成本指标。"
    ),
    rule!(
        "cost.exceeds-funds",
        Error,
        "成本指标金额超过项目资金",
        BASIS_101,
        "成本指标中写明的金额合计超过了项目的年度资金总额，两者至少有一个需要核对。"
    ),
    rule!(
        "cost.arithmetic",
        Warning,
        "指标值中的算式不成立",
        BASIS_101,
        "指标值中写出的算式（如“2人×4月×12000元=9.6万元”）计算结果与所写结果不一致。"
    ),
    rule!(
        "cost.goal-exceeds-funds",
        Warning,
        review,
        "总体目标中的金额超过项目资金",
        BASIS_101,
        "总体目标里写明的支出金额合计超过了项目的年度资金总额，两者至少有一个需要核对。写明为总投资、概算或多年合计的金额不计入。"
    ),
    rule!(
        "cost.no-amount",
        Warning,
        "成本指标没有金额",
        BASIS_101,
        "成本指标应写明花费多少（如“≤18万元”“每人每月600元”）。只写比率、次数或不带单位的数字，读者无法知道成本是多少。"
    ),
    rule!(
        "time.outside-year",
        Warning,
        "时效超出预算年度",
        BASIS_101,
        "时效指标中的年份不是这批绩效目标表的预算年度，项目完成时间或期间需要核对。"
    ),
    rule!(
        "satisfaction.no-sign",
        Info,
        "满意度未写比较符号",
        BASIS_101,
        "满意度目标一般写成“≥90%”这样的下限，便于与调查结果比较。"
    ),
    rule!(
        "satisfaction.hundred",
        Info,
        "满意度目标为100%",
        BASIS_101,
        "满意度调查几乎不可能得到100%，这样的目标难以用调查结果核实。"
    ),
    rule!(
        "duplicate.indicator",
        Warning,
        "同一指标重复",
        BASIS_101,
        "同一项目中，相同的二级指标、指标名称和指标值出现了不止一次。"
    ),
    rule!(
        "duplicate.project",
        Warning,
        "同一项目表出现两次",
        BASIS_FORM,
        "同一部门的同名项目表在文件中出现了两次。两张表内容相同时是重复印出；资金总额不同时需核对以哪一张为准。"
    ),
    rule!(
        "duplicate.boilerplate",
        Info,
        "多个项目使用相同表述",
        BASIS_101,
        "同一句指标值或总体目标出现在许多项目中，可能是套用的模板文字，未针对项目填写。"
    ),
];

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// `[check]` in book.toml: which rules run, at what severity, with which thresholds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Rule ids (or prefixes ending in `.`, like `values.`) that do not run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity overrides: `"coverage.quality" = "warning"`.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Which rules the public site shows: `"coverage.satisfaction" = true` publishes a
    /// reviewer-only rule, `false` keeps a published one for reviewers.
    #[serde(default)]
    pub public: BTreeMap<String, bool>,
    /// A text repeated in at least this many projects is reported as boilerplate.
    #[serde(default = "default_boilerplate")]
    pub boilerplate_min_projects: usize,
    /// Allowed difference (万元, whatever a book's unit) when sums are compared.
    #[serde(default)]
    pub tolerance: Decimal,
    /// Per-book (per-form) settings: `[check.book.xiqu-2026] disable = [...]`.
    #[serde(default)]
    pub book: BTreeMap<String, BookSettings>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookSettings {
    #[serde(default)]
    pub disable: Vec<String>,
}

fn default_boilerplate() -> usize {
    8
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            disable: Vec::new(),
            severity: BTreeMap::new(),
            public: BTreeMap::new(),
            boilerplate_min_projects: default_boilerplate(),
            tolerance: Decimal::ZERO,
            book: BTreeMap::new(),
        }
    }
}

fn listed(list: &[String], id: &str) -> bool {
    list.iter()
        .any(|d| id == d || (d.ends_with('.') && id.starts_with(d.as_str())))
}

impl Settings {
    pub fn enabled(&self, rule: &Rule) -> bool {
        !listed(&self.disable, rule.id)
    }

    pub fn enabled_for(&self, book: &str, rule: &Rule) -> bool {
        self.enabled(rule)
            && !self
                .book
                .get(book)
                .is_some_and(|b| listed(&b.disable, rule.id))
    }

    pub fn severity(&self, rule: &Rule) -> Severity {
        self.severity.get(rule.id).copied().unwrap_or(rule.severity)
    }

    /// Whether the rule's findings are published on the site.
    pub fn public(&self, rule: &Rule) -> bool {
        self.public.get(rule.id).copied().unwrap_or(rule.public)
    }

    /// Reject unknown rule ids in book.toml, so a typo does not silently disable nothing.
    pub fn validate(&self) -> Result<(), String> {
        let known = |id: &str| {
            RULES
                .iter()
                .any(|r| r.id == id || (id.ends_with('.') && r.id.starts_with(id)))
        };
        let lists = self
            .disable
            .iter()
            .chain(self.book.values().flat_map(|b| b.disable.iter()))
            .chain(self.severity.keys())
            .chain(self.public.keys());
        for id in lists {
            if !known(id) {
                return Err(format!(
                    "[check] names an unknown rule \"{id}\"; see rules.html for the list"
                ));
            }
        }
        Ok(())
    }
}

fn r(id: &str) -> &'static Rule {
    rule(id).unwrap_or_else(|| panic!("rule {id} is registered"))
}

/// The 二级 categories a project sets (with a name or value that is not a placeholder).
pub fn categories(p: &Project) -> BTreeSet<Level2> {
    p.indicators
        .iter()
        .filter(|i| i.is_set())
        .filter_map(|i| i.level2_category)
        .collect()
}

/// Completeness: of the elements the form asks for (name, department, total, goal where
/// the form has one, 数量, 质量, 时效, 成本, an 效益, 满意度), the share present, 0–100.
pub fn completeness(p: &Project, dept_named: bool) -> u8 {
    let cats = categories(p);
    let mut have = 0;
    let mut want = 0;
    let mut count = |ok: bool| {
        want += 1;
        if ok {
            have += 1;
        }
    };
    count(!p.flags.contains(&ProjectFlag::PlaceholderName));
    count(dept_named);
    count(p.funds.total.value.is_some());
    if let Some(g) = &p.goal {
        count(!is_placeholder(g));
    }
    for c in [
        Level2::Quantity,
        Level2::Quality,
        Level2::Timeliness,
        Level2::Cost,
        Level2::Satisfaction,
    ] {
        count(cats.contains(&c));
    }
    count(
        [
            Level2::Economic,
            Level2::Social,
            Level2::Ecological,
            Level2::Sustainability,
        ]
        .iter()
        .any(|c| cats.contains(c)),
    );
    ((have * 100 + want / 2) / want.max(1)) as u8
}

fn add(a: &crate::amount::Amount) -> Decimal {
    a.value.unwrap_or(Decimal::ZERO)
}

/// An amount with the book's unit: `1,234.00 万元`.
fn w(u: Unit, d: Decimal) -> String {
    u.show(d)
}

/// `copy_of`: an earlier table of the same department and project name, if any.
pub fn check_project(
    ctx: &Ctx<'_>,
    p: &Project,
    copy_of: Option<&Project>,
    out: &mut Vec<Finding>,
) {
    let book = ctx.book.slug.as_str();
    let mut push = |id: &str, line: u32, msg: String| {
        let rule = r(id);
        if ctx.settings.enabled_for(book, rule) {
            out.push(ctx.project_finding(rule, p, line, msg));
        }
    };
    // A headless piece of a table cannot be told apart from its project's omissions:
    // one neutral finding about the published file, nothing about the department.
    if p.flags.contains(&ProjectFlag::Fragment) {
        push(
            "structure.fragment",
            p.source.line,
            "公开的文件中这段表格没有表头（项目名称、部门、资金），无法对应到具体项目".into(),
        );
        return;
    }
    let f = &p.funds;
    let u = ctx.book.unit;
    let tol = u.from_wan(ctx.settings.tolerance);
    // The row's name as the form writes it (`合计`, `非财政拨款`), else the usual one.
    let name = |k: FundKind, usual: &'static str| f.form_label(k).unwrap_or(usual).to_string();

    // Funds.
    if f.total.is_missing() {
        push("funds.total-missing", f.line, "未填写年度资金总额".into());
    } else if f.total.is_unreadable() {
        push(
            "funds.total-unreadable",
            f.line,
            format!(
                "{}“{}”无法识别为金额",
                name(FundKind::Total, "年度资金总额"),
                f.total.raw
            ),
        );
    }
    for k in FundKind::SOURCES {
        if let Some(a) = f.get(k)
            && a.is_unreadable()
        {
            push(
                "funds.unreadable",
                f.line,
                format!("“{}”一栏“{}”无法识别为金额", name(k, k.label()), a.raw),
            );
        }
    }
    let readable = |k: FundKind| f.get(k).is_some_and(|a| !a.is_unreadable());
    // 财政拨款 against its parts first: when its own cell is what is wrong (written 0
    // while 本级安排 carries the amount), the total is not reported a second time.
    let has_parts = [FundKind::FiscalUpper, FundKind::FiscalOwn]
        .iter()
        .any(|k| f.rows.contains(k));
    let fiscal_parts = (has_parts
        && !f.carry_over_beside_fiscal
        && readable(FundKind::FiscalUpper)
        && readable(FundKind::FiscalOwn)
        && readable(FundKind::CarryOver))
    .then(|| add(&f.fiscal_upper) + add(&f.fiscal_own) + add(&f.carry_over));
    let fiscal_wrong =
        matches!((f.fiscal.value, fiscal_parts), (Some(v), Some(parts)) if (parts - v).abs() > tol);
    if let (Some(fiscal), Some(sum), true) = (f.fiscal.value, fiscal_parts, fiscal_wrong) {
        push(
            "funds.sum-fiscal",
            f.line,
            format!(
                "{} {}，{}、{}与{}之和为 {}",
                name(FundKind::Fiscal, "财政拨款"),
                w(u, fiscal),
                name(FundKind::FiscalUpper, "上级补助"),
                name(FundKind::FiscalOwn, "本级安排"),
                name(FundKind::CarryOver, "结转资金"),
                w(u, sum)
            ),
        );
    }
    if let Some(total) = f.total.value
        && !total.is_zero()
        && f.rows.contains(&FundKind::Fiscal)
        && f.rows.contains(&FundKind::Other)
        && f.fiscal.is_missing()
        && f.other.is_missing()
        && !has_parts
    {
        push(
            "funds.sources-blank",
            f.line,
            format!(
                "{} {}，{}与{}均未填写，资金来源不明",
                name(FundKind::Total, "年度资金总额"),
                w(u, total),
                name(FundKind::Fiscal, "财政拨款"),
                name(FundKind::Other, "其他资金"),
            ),
        );
    }
    if let Some(total) = f.total.value
        && f.fiscal.value.is_some()
        && readable(FundKind::Other)
        && readable(FundKind::CarryOver)
    {
        let carry = if f.carry_over_beside_fiscal {
            add(&f.carry_over)
        } else {
            Decimal::ZERO
        };
        let sum = add(&f.fiscal) + add(&f.other) + carry;
        let explained = fiscal_wrong
            && fiscal_parts.is_some_and(|parts| (parts + add(&f.other) - total).abs() <= tol);
        if (sum - total).abs() > tol && !explained {
            push(
                "funds.sum-total",
                f.line,
                format!(
                    "{} {}，{}与{}{}之和为 {}",
                    name(FundKind::Total, "年度资金总额"),
                    w(u, total),
                    name(FundKind::Fiscal, "财政拨款"),
                    name(FundKind::Other, "其他资金"),
                    if f.carry_over_beside_fiscal {
                        format!("、{}", name(FundKind::CarryOver, "结转资金"))
                    } else {
                        String::new()
                    },
                    w(u, sum)
                ),
            );
        }
    }
    for e in &f.extra {
        if f.rows.contains(&e.kind) {
            push(
                "funds.duplicate-row",
                e.line,
                format!(
                    "资金栏“{}”在表中出现两次（第二次金额 {}）",
                    e.label,
                    if e.amount.raw.is_empty() {
                        "为空".to_string()
                    } else {
                        e.amount.raw.clone()
                    }
                ),
            );
        }
    }

    // Structure.
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
    } else if p
        .flags
        .contains(&ProjectFlag::DepartmentFromImplementingUnit)
    {
        push(
            "structure.no-department",
            p.source.line,
            "主管部门一栏为空，按实施单位归类".into(),
        );
    }
    if p.goal.as_deref().is_some_and(is_placeholder) {
        push(
            "structure.no-goal",
            p.source.line,
            "总体目标一栏为空".into(),
        );
    }
    if let Some(dup) = copy_of {
        let msg = match (dup.funds.total.value, f.total.value) {
            (Some(a), Some(b)) if (a - b).abs() > tol => format!(
                "项目“{}”的绩效目标表出现两次，资金总额分别为 {}和 {}",
                crate::text::excerpt(&p.name, 40),
                exact(u, a),
                exact(u, b)
            ),
            _ if same_targets(dup, p) => format!(
                "项目“{}”的绩效目标表出现两次，两张表内容相同",
                crate::text::excerpt(&p.name, 40)
            ),
            _ => format!(
                "项目“{}”的绩效目标表出现两次，两张表的资金总额相同",
                crate::text::excerpt(&p.name, 40)
            ),
        };
        push("duplicate.project", p.source.line, msg);
        // A second printing of the same table would repeat every finding of the first.
        if same_targets(dup, p) && dup.funds.total.value == f.total.value {
            return;
        }
    }
    for i in &p.indicators {
        if let (Some(l1), Some(l2)) = (i.level1_category, i.level2_category) {
            let old_form_cost = l1 == Level1::Output
                && l2 == Level2::Cost
                && crate::forms::labels::level1(&crate::text::label_key(&i.level1))
                    .is_some_and(|x| x.1);
            if !i.level1.is_empty() && l2.parent() != l1 && !old_form_cost {
                push(
                    "structure.misplaced-level2",
                    i.line,
                    format!("二级指标“{}”列在一级指标“{}”下", i.level2, i.level1),
                );
            }
        }
    }
    if let Some((name, n, line)) = generic_name(p) {
        push(
            "structure.generic-names",
            line,
            format!(
                "{n} 个不同类别的三级指标都名为“{}”，名称没有说明各自衡量什么",
                crate::text::excerpt(&name, 40)
            ),
        );
    }

    // Coverage. A row filed under the wrong category (money under 数量, a deadline
    // under 数量) shows the department thought of it: the message says so.
    let cats = categories(p);
    let has = |c: Level2| cats.contains(&c);
    // Looked for only when the category is missing: most tables have it.
    let gap = |what: &str, elsewhere: Option<&str>| match elsewhere {
        Some(kind) => format!("未设置{what}（{kind}写在了其他类别的指标中）"),
        None => format!("未设置{what}"),
    };
    if !has(Level2::Quantity) {
        push("coverage.quantity", p.source.line, gap("数量指标", None));
    }
    if !has(Level2::Cost) {
        let money = p
            .indicators
            .iter()
            .any(|i| !values::money(&i.value).is_empty());
        push(
            "coverage.cost",
            p.source.line,
            gap("成本指标", money.then_some("金额")),
        );
    }
    if !cats.iter().any(|c| c.parent() == Level1::Benefit) {
        push(
            "coverage.benefit",
            p.source.line,
            "未设置任何效益指标".into(),
        );
    }
    if !has(Level2::Quality) {
        push("coverage.quality", p.source.line, gap("质量指标", None));
    }
    if !has(Level2::Timeliness) {
        let deadline = p
            .indicators
            .iter()
            .any(|i| values::is_deadline(&i.value) || values::is_deadline(&i.name));
        push(
            "coverage.timeliness",
            p.source.line,
            gap("时效指标", deadline.then_some("完成时间")),
        );
    }
    if !has(Level2::Satisfaction) {
        push(
            "coverage.satisfaction",
            p.source.line,
            gap("满意度指标", None),
        );
    }

    // Values. A row repeated word for word is reported once, as a repeat.
    // Key → the first row's name.
    let mut seen: BTreeMap<(Option<Level2>, String, String), &str> = BTreeMap::new();
    let mut deadlines = Vec::new();
    for i in &p.indicators {
        if i.is_set() && !is_placeholder(&i.value) {
            // The same sentence under 社会效益 and again under 经济/生态效益 is one
            // benefit written twice, whatever the rows are named.
            let benefit = i
                .level2_category
                .is_some_and(|c| c.parent() == Level1::Benefit);
            let long = crate::text::key(&i.value).chars().count() >= 10;
            let key = if benefit && long {
                (
                    Some(Level2::Social),
                    String::new(),
                    crate::text::key(&i.value),
                )
            } else {
                (
                    i.level2_category,
                    crate::text::key(&i.name),
                    crate::text::key(&i.value),
                )
            };
            if let Some(first) = seen.get(&key) {
                push(
                    "duplicate.indicator",
                    i.line,
                    if crate::text::key(first) == crate::text::key(&i.name) {
                        format!(
                            "指标“{}：{}”在本项目中重复出现",
                            crate::text::excerpt(&i.name, 30),
                            values::quote(&i.value)
                        )
                    } else {
                        format!(
                            "指标值“{}”在本项目的多个效益指标下重复填写",
                            values::quote(&i.value)
                        )
                    },
                );
                continue;
            }
            seen.insert(key, i.name.as_str());
        }
        value_rules(ctx, &p.indicators, i, &mut push, &mut deadlines);
    }
    // Deadlines filed as outputs are one mistake however many rows repeat it.
    if let Some((line, label, q, c)) = deadlines.first() {
        push(
            "structure.misfiled",
            *line,
            if deadlines.len() == 1 {
                format!(
                    "{}指标“{label}”的指标值“{q}”是完成时间，属于时效指标",
                    c.label()
                )
            } else {
                format!(
                    "{}指标“{label}”等 {} 项的指标值是完成时间（如“{q}”），属于时效指标",
                    c.label(),
                    deadlines.len()
                )
            },
        );
    }
    cost_rules(p, u, tol, &mut push);
}

fn same_targets(a: &Project, b: &Project) -> bool {
    let rows = |p: &Project| -> Vec<(String, String)> {
        p.indicators
            .iter()
            .map(|i| (crate::text::key(&i.name), crate::text::key(&i.value)))
            .collect()
    };
    rows(a) == rows(b)
}

/// A 三级 name used for indicators of at least three different 二级 categories: the
/// project's name or one phrase written into every row.
fn generic_name(p: &Project) -> Option<(String, usize, u32)> {
    let mut by: BTreeMap<String, (BTreeSet<Level2>, usize, u32, &str)> = BTreeMap::new();
    for i in p.indicators.iter().filter(|i| i.is_set()) {
        let (Some(c), false) = (i.level2_category, is_placeholder(&i.name)) else {
            continue;
        };
        let e = by.entry(crate::text::key(&i.name)).or_insert((
            BTreeSet::new(),
            0,
            i.line,
            i.name.as_str(),
        ));
        e.0.insert(c);
        e.1 += 1;
    }
    // A table itemised by sub-task names its 数量/时效/成本 rows after the sub-task;
    // the name says nothing only when it also stands for a benefit or satisfaction.
    by.into_values()
        .filter(|(cats, ..)| {
            let outcomes = cats
                .iter()
                .filter(|c| matches!(c.parent(), Level1::Benefit | Level1::Satisfaction))
                .count();
            cats.len() >= 5 || (cats.len() >= 3 && outcomes >= 2)
        })
        .max_by_key(|(cats, n, ..)| (cats.len(), *n))
        .map(|(_, n, line, name)| (name.to_string(), n, line))
}

/// The written total, give or take half a unit of its last written digit: a total
/// written `40.1` stands for anything that rounds to it.
fn rounding(a: &crate::amount::Amount) -> Decimal {
    let raw = crate::text::key(&a.raw);
    let decimals = raw
        .split_once('.')
        .map(|(_, d)| d.chars().take_while(|c| c.is_ascii_digit()).count())
        .unwrap_or(0);
    if raw.is_empty() || a.value.is_none() {
        return Decimal::ZERO;
    }
    // Amounts read from 元 were converted: their precision is that of 元.
    let scale = if a.value.is_some_and(|v| v.scale() as usize > decimals + 2) {
        decimals as u32 + 4
    } else {
        decimals as u32
    };
    Decimal::new(5, scale + 1)
}

/// Cost indicators against the total, and money named in the goal.
fn cost_rules(p: &Project, u: Unit, tol: Decimal, push: &mut impl FnMut(&str, u32, String)) {
    let f = &p.funds;
    let Some(total) = f.total.value else { return };
    let slack = tol.max(rounding(&f.total));
    // Each cost row's amount. One that restates the total is the whole, not a part; one
    // that equals the sum of the others is their subtotal.
    let amounts: Vec<(Decimal, u32, &str)> = p
        .indicators
        .iter()
        .filter(|i| i.level2_category == Some(Level2::Cost))
        .filter_map(|i| {
            values::cost_amount(&i.value).map(|v| (u.from_wan(v), i.line, i.value.as_str()))
        })
        .filter(|(v, ..)| (*v - total).abs() > tol)
        .collect();
    // A row written twice, or a cap restating another row's amount (`≤4万元` beside
    // `4万元`), is one amount, not two.
    let mut parts: Vec<(Decimal, u32)> = Vec::new();
    for (n, (v, line, text)) in amounts.iter().enumerate() {
        let again = amounts[..n].iter().any(|(v2, _, t2)| {
            crate::text::key(t2) == crate::text::key(text)
                || (v2 == v && (values::has_comparison(t2) || values::has_comparison(text)))
        });
        if !again {
            parts.push((*v, *line));
        }
    }
    let sum: Decimal = parts.iter().map(|x| x.0).sum();
    if parts.len() > 2
        && let Some(pos) = parts.iter().position(|(v, _)| *v * Decimal::TWO == sum)
    {
        parts.remove(pos);
    }
    let sum: Decimal = parts.iter().map(|x| x.0).sum();
    if let Some((_, line)) = parts.first()
        && sum > total + slack
    {
        push(
            "cost.exceeds-funds",
            *line,
            if parts.len() == 1 {
                format!(
                    "成本指标写明的金额 {}，超过年度资金总额 {}",
                    exact(u, sum),
                    exact(u, total)
                )
            } else {
                format!(
                    "{} 项成本指标写明的金额合计 {}，超过年度资金总额 {}",
                    parts.len(),
                    exact(u, sum),
                    exact(u, total)
                )
            },
        );
    }
    if let Some(goal) = &p.goal
        && let Some((spent, summed)) = values::goal_spending(goal)
        && let spent = u.from_wan(spent)
        && spent > total + slack
    {
        push(
            "cost.goal-exceeds-funds",
            p.source.line,
            format!(
                "总体目标{} {}，超过年度资金总额 {}",
                if summed {
                    "写明的各项金额合计"
                } else {
                    "中写明的一项金额"
                },
                exact(u, spent),
                exact(u, total)
            ),
        );
    }
}

/// Two decimals, or every decimal when two would hide a difference.
fn exact(u: Unit, d: Decimal) -> String {
    if d.round_dp(2) == d {
        w(u, d)
    } else {
        format!("{} {}", d.normalize(), u.label())
    }
}

/// Rules on one indicator's value.
fn value_rules(
    ctx: &Ctx<'_>,
    rows: &[Indicator],
    i: &Indicator,
    push: &mut impl FnMut(&str, u32, String),
    deadlines: &mut Vec<(u32, String, String, Level2)>,
) {
    let cat = i.level2_category;
    let label = if i.name.is_empty() {
        i.level2.clone()
    } else {
        crate::text::excerpt(&i.name, 30)
    };
    if is_placeholder(&i.value) {
        if !is_placeholder(&i.name) && is_indicator_name(rows, &i.name) {
            // A row with neither name nor value sets nothing; coverage reports the
            // category when no other row sets it.
            push("values.empty", i.line, format!("“{label}”的指标值为空"));
        }
        return;
    }
    let q = values::quote(&i.value);
    // Keyed once: every reading below asks the key.
    let v = &values::k(&i.value);
    let name = &values::k(&i.name);
    if values::not_applicable(v) {
        return;
    }
    if !i.name.is_empty() && name == v && !values::has_digit(v) {
        push(
            "values.restates-name",
            i.line,
            format!("指标值“{q}”与指标名称相同"),
        );
        return;
    }
    let timeliness = cat == Some(Level2::Timeliness);
    let when = values::is_deadline(v)
        || (["时间", "时限", "期限"].iter().any(|w| i.name.contains(w))
            && (values::is_year(v) || !values::years(v).is_empty())
            && !values::has_count(v));
    // A deadline filed under 数量 is reported as misfiled, not as unquantified.
    // Under 质量 a date is as often a label the export moved down a row: only 数量 is
    // judged.
    let misfiled_deadline = when && !values::has_count(v) && cat == Some(Level2::Quantity);
    match cat {
        Some(Level2::Quantity | Level2::Timeliness | Level2::Cost)
            if !misfiled_deadline && !values::is_quantified(name, v, timeliness) =>
        {
            push(
                "values.not-quantified",
                i.line,
                if values::has_digit(v) {
                    // Only a year or the date of a cited notice.
                    format!(
                        "“{label}”的指标值“{q}”只写了日期，没有{}",
                        if cat == Some(Level2::Cost) {
                            "金额"
                        } else {
                            "数量"
                        }
                    )
                } else {
                    format!("“{label}”的指标值“{q}”没有数字")
                },
            );
        }
        _ if values::is_vague(v)
            || (cat == Some(Level2::Satisfaction)
                && !values::has_digit(v)
                && !values::has_chinese_count(v)) =>
        {
            push(
                "values.vague",
                i.line,
                format!("“{label}”的指标值“{q}”没有衡量标准"),
            );
        }
        _ => {}
    }
    let cost = cat == Some(Level2::Cost);
    // A number on a row with no name is a stray cell of the export, not a target.
    if values::bare_number(v)
        && !is_placeholder(&i.name)
        && !timeliness
        && !cost
        && !values::is_year(v)
        && !values::name_gives_unit(name)
        && !values::is_zero(v)
    {
        push(
            "values.bare-number",
            i.line,
            format!("“{label}”的指标值“{q}”没有单位"),
        );
    }
    if values::has_percent(v) {
        let signed = values::has_comparison(v) || values::has_comparison(name);
        if cat == Some(Level2::Satisfaction) {
            // Rows under 满意度 that do not measure satisfaction (`企业正常运作 100%`)
            // are not satisfaction targets.
            let measures = |j: &Indicator| j.name.contains("满意") || j.value.contains("满意");
            let another = rows.iter().any(|j| {
                j.level2_category == Some(Level2::Satisfaction)
                    && !std::ptr::eq(j, i)
                    && measures(j)
            });
            if measures(i) || !another {
                if values::percent_of_hundred(v) && !crate::text::key(v).contains("≤") {
                    push(
                        "satisfaction.hundred",
                        i.line,
                        format!("满意度目标“{q}”为100%，调查结果难以核实"),
                    );
                } else if !signed {
                    push(
                        "satisfaction.no-sign",
                        i.line,
                        format!("满意度目标“{q}”未写“≥”等比较符号"),
                    );
                }
            }
        } else if !i.name.is_empty()
            && values::only_percent(v)
            // `100%` reads as "all of it done" (`妥善处理突发事件 100%`), except on a
            // benefit that only names a direction (`优化营商环境 100%`): 100% of nothing.
            && (!values::exact_percent(v)
                || (cat.is_some_and(|c| c.parent() == Level1::Benefit)
                    && values::names_a_direction(name)))
            && !values::is_rate_name(name)
        {
            push(
                "values.percent-not-rate",
                i.line,
                format!(
                    "“{}”不是比率，指标值却是“{q}”",
                    crate::text::excerpt(&i.name, 30)
                ),
            );
        } else if !signed && !values::exact_percent(v) && values::only_percent(v) {
            push(
                "values.rate-without-sign",
                i.line,
                format!("“{label}”的目标“{q}”未写比较符号"),
            );
        }
    }
    match cat {
        Some(c @ Level2::Quantity) if misfiled_deadline => {
            deadlines.push((i.line, label.clone(), q.clone(), c));
        }
        Some(Level2::Quantity) => {
            let money_name = [
                "经费", "资金", "费用", "金额", "预算", "补助", "补贴", "工资", "劳务",
            ]
            .iter()
            .any(|w| i.name.contains(w))
                || i.name.ends_with('费');
            // A money name with any amount (or a bare rate: `劳务费 600/月`), or a
            // value that is just one amount.
            let amounts = values::money(v);
            let rate = i.name.ends_with('费')
                && v.contains('/')
                && values::has_digit(v)
                && !values::has_count(v);
            // A value that also counts the output (`培训20人次，费用6万`) has its quantity.
            if (!amounts.is_empty() && !values::has_count(v) && (money_name || amounts.len() == 1))
                || rate
            {
                push(
                    "values.money-as-output",
                    i.line,
                    format!("数量指标“{label}”的指标值是金额“{q}”"),
                );
            }
        }
        // A bare percentage under 满意度 on a row that names no one's satisfaction
        // (`企业正常运作 100%`), beside a row that does. Rows whose text the export moved
        // under the label (`力争超额完成任务`) are not judged.
        Some(Level2::Satisfaction)
            if !["满意", "认可", "评价", "口碑"]
                .iter()
                .any(|w| i.name.contains(w) || v.contains(w))
                && values::only_percent(v)
                && rows.iter().any(|j| {
                    j.level2_category == Some(Level2::Satisfaction)
                        && (j.name.contains("满意") || j.value.contains("满意"))
                }) =>
        {
            push(
                "structure.misfiled",
                i.line,
                format!("满意度指标下的“{label}：{q}”不是满意度"),
            );
        }
        Some(Level2::Economic | Level2::Social | Level2::Ecological | Level2::Sustainability)
            if values::is_spending(name, v) =>
        {
            push(
                "structure.misfiled",
                i.line,
                format!("效益指标“{label}”的指标值“{q}”是项目花费的金额，属于成本指标"),
            );
        }
        Some(Level2::Cost)
            if values::is_quantified(name, v, false)
                && !values::mentions_money(v)
                && !values::mentions_money(name) =>
        {
            push(
                "cost.no-amount",
                i.line,
                if values::has_digit(v) && !values::has_percent(v) {
                    format!("成本指标“{label}”的指标值“{q}”没有写明金额单位（元或万元）")
                } else {
                    format!("成本指标“{label}”的指标值“{q}”没有写明金额")
                },
            );
        }
        _ => {}
    }
    if let Some((expr, stated, computed)) = values::bad_arithmetic(v) {
        push(
            "cost.arithmetic",
            i.line,
            format!(
                "算式“{}”的结果写为 {stated}，按所写数字计算为 {}",
                crate::text::excerpt(&expr, 40),
                computed.normalize()
            ),
        );
    }
    if timeliness && let Some(year) = ctx.book.year {
        let ys = values::years(v);
        // A period that includes the budget year (`2023年-2025年`) or a history before
        // it (`2018年已完成…，2024年完成`) is not outside the year.
        if !ys.is_empty() && !ys.contains(&year) && !values::spans_year(v, year) {
            push(
                "time.outside-year",
                i.line,
                format!("时效“{q}”写的是 {} 年，预算年度为 {year} 年", ys[0]),
            );
        }
    }
}

/// A name a department gave an indicator, not a target written into the name column
/// (`退役军人8人`), a wrapped fragment (`右。`) or a name written into every row.
fn is_indicator_name(rows: &[Indicator], name: &str) -> bool {
    let k = crate::text::key(name);
    let n = k.chars().count();
    let repeated = rows.iter().filter(|i| i.name == name).count() > 2;
    (2..=24).contains(&n)
        && !repeated
        && !values::has_digit(name)
        && !values::has_chinese_count(name)
        && !k.ends_with(['。', '；', ';', '，', ','])
}

/// Department-level rules: the 整体支出 table against itself and against the projects,
/// and its satisfaction targets read like a project's. (Its other rows mix amounts and
/// tasks in ways the project rules were not measured on.)
pub fn check_department(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(o) = &ctx.dept.overall else { return };
    {
        let book = ctx.book.slug.as_str();
        let mut push = |id: &str, line: u32, msg: String| {
            let rule = r(id);
            if id.starts_with("satisfaction.") && ctx.settings.enabled_for(book, rule) {
                out.push(ctx.department_finding(rule, line, msg));
            }
        };
        let mut deadlines = Vec::new();
        for i in &o.indicators {
            value_rules(ctx, &o.indicators, i, &mut push, &mut deadlines);
        }
    }
    let book = ctx.book.slug.as_str();
    let u = ctx.book.unit;
    let tol = u.from_wan(ctx.settings.tolerance);
    let get = |k: FundKind| {
        o.amounts
            .iter()
            .find(|a| a.kind == k)
            .and_then(|a| a.amount.value.map(|v| (v, a.line, a.label.clone())))
    };
    let sum_of =
        |ks: &[FundKind]| -> Decimal { ks.iter().filter_map(|k| get(*k)).map(|x| x.0).sum() };
    let mut push = |id: &str, line: u32, msg: String| {
        let rule = r(id);
        if ctx.settings.enabled_for(book, rule) {
            out.push(ctx.department_finding(rule, line, msg));
        }
    };
    let fiscal_kinds = [FundKind::Fiscal, FundKind::CarryOver, FundKind::Other];
    if let Some((income, line, label)) = get(FundKind::IncomeTotal) {
        let parts = sum_of(&fiscal_kinds);
        if (parts - income).abs() > tol {
            let (fv, _, fl) =
                get(FundKind::Fiscal).unwrap_or((Decimal::ZERO, 0, "财政拨款".into()));
            push(
                "overall.inconsistent",
                line,
                format!(
                    "{label} {}，而{fl} {}（各来源合计 {}）",
                    w(u, income),
                    w(u, fv),
                    w(u, parts)
                ),
            );
        }
        if let Some((spend, l2, label2)) = get(FundKind::ExpenditureTotal)
            && (spend - income).abs() > tol
        {
            push(
                "overall.inconsistent",
                l2,
                format!("{label2} {}，{label} {}", w(u, spend), w(u, income)),
            );
        }
    }
    if let Some((total, line, label)) = get(FundKind::Total) {
        let parts = sum_of(&[FundKind::Fiscal, FundKind::Other]);
        if get(FundKind::Fiscal).is_some() && (parts - total).abs() > tol {
            push(
                "overall.inconsistent",
                line,
                format!(
                    "{label} {}，财政拨款与其他资金之和 {}",
                    w(u, total),
                    w(u, parts)
                ),
            );
        }
    }
    if let Some((basic, line, label)) = get(FundKind::BasicTotal) {
        let parts = sum_of(&[FundKind::Personnel, FundKind::PublicExpense]);
        if (parts - basic).abs() > tol {
            push(
                "overall.inconsistent",
                line,
                format!(
                    "{label} {}，人员经费与公用经费之和 {}",
                    w(u, basic),
                    w(u, parts)
                ),
            );
        }
    }
    let projects: Decimal = ctx
        .dept
        .projects
        .iter()
        .filter_map(|p| p.funds.total.value)
        .sum();
    // The 项目支出 cell, or when it is left blank, 支出合计 less 基本支出.
    let spending = get(FundKind::ProjectSpending)
        .map(|(v, line, label)| (v, line, format!("{label} {}", w(u, v))))
        .or_else(|| {
            let (spend, line, l1) = get(FundKind::ExpenditureTotal)?;
            let (basic, _, l2) = get(FundKind::BasicTotal)?;
            let v = spend - basic;
            Some((v, line, format!("项目支出未填写，{l1}减{l2}为 {}", w(u, v))))
        });
    if !ctx.dept.projects.is_empty()
        && let Some((spending, line, said)) = spending
        && (spending - projects).abs() > tol
    {
        push(
            "overall.projects",
            line,
            format!(
                "{said}，该部门 {} 个项目表的资金总额之和 {}",
                ctx.dept.projects.len(),
                w(u, projects)
            ),
        );
    }
}

/// Book-level rules: the form without a goal field (once), and boilerplate text.
pub fn check_book_level(book: &Book, settings: &Settings) -> Vec<Finding> {
    let mut out = Vec::new();
    let finding = |rule: &Rule, message: String, file: String, line: u32| {
        Finding::new(rule, settings, book, message, file, line)
    };
    let rule = r("structure.form-without-goal");
    let without_goal: Vec<&Project> = book
        .projects()
        .filter(|(_, p)| p.goal.is_none() && !p.flags.contains(&ProjectFlag::Fragment))
        .map(|(_, p)| p)
        .collect();
    if settings.enabled_for(&book.slug, rule) && !without_goal.is_empty() {
        let first = &without_goal[0].source;
        out.push(finding(
            rule,
            format!("{} 个项目所用表样没有单独的总体目标栏", without_goal.len()),
            first.file.clone(),
            first.line,
        ));
    }
    let rule = r("duplicate.boilerplate");
    if settings.enabled_for(&book.slug, rule) {
        // Text → (projects using it, first place). Short values ("100%", "2024年") are not
        // boilerplate; sentences are.
        struct Uses {
            projects: BTreeSet<(usize, usize)>,
            file: String,
            line: u32,
            text: String,
        }
        let mut uses: BTreeMap<String, Uses> = BTreeMap::new();
        for (di, d) in book.departments.iter().enumerate() {
            for (pi, p) in d.projects.iter().enumerate() {
                let mut texts: Vec<(&str, u32)> = p
                    .indicators
                    .iter()
                    .map(|i| (i.value.as_str(), i.line))
                    .collect();
                if let Some(g) = &p.goal {
                    texts.push((g.as_str(), p.source.line));
                }
                for (t, line) in texts {
                    let k = crate::text::key(t);
                    if k.chars().count() < 8 || values::has_digit(&k) {
                        continue;
                    }
                    let e = uses.entry(k).or_insert_with(|| Uses {
                        projects: BTreeSet::new(),
                        file: p.source.file.clone(),
                        line,
                        text: t.to_string(),
                    });
                    e.projects.insert((di, pi));
                }
            }
        }
        let mut common: Vec<_> = uses
            .into_values()
            .filter(|u| u.projects.len() >= settings.boilerplate_min_projects)
            .collect();
        common.sort_by(|a, b| {
            (b.projects.len(), &a.file, a.line).cmp(&(a.projects.len(), &b.file, b.line))
        });
        for Uses {
            projects,
            file,
            line,
            text,
        } in common
        {
            out.push(finding(
                rule,
                format!(
                    "“{}”出现在 {} 个项目中",
                    crate::text::excerpt(&text, 40),
                    projects.len()
                ),
                file,
                line,
            ));
        }
    }
    out
}
