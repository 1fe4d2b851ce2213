//! Every rule against a small fixture that triggers it and a near miss that must not.
//! The baseline project is a complete, well-formed target: it triggers nothing.

use jixiao::amount::Amount;
use jixiao::check::rules::{RULES, Settings};
use jixiao::check::{BookFindings, Severity, check_book};
use jixiao::model::{
    Book, Department, FundKind, FundRow, Indicator, OverallTable, Project, ProjectFlag, SourceRef,
    Stage,
};

const BASELINE: &str = r#"
name = "社区老年助餐服务补助"
department = "某区民政局"
goal = "2024年在辖区12个社区开设老年助餐点，为60岁以上老人提供每日午餐服务，全年服务不少于12000人次。"

[source]
file = "fixture.txt"
line = 3

[funds]
total = "20.00"
fiscal = "20.00"
rows = ["total", "fiscal", "other"]
line = 8

[[indicators]]
level1 = "产出指标"
level1_category = "产出"
level2 = "数量指标"
level2_category = "数量"
name = "助餐服务人次"
value = "≥12000人次"
line = 12

[[indicators]]
level1 = "产出指标"
level1_category = "产出"
level2 = "质量指标"
level2_category = "质量"
name = "餐食抽检合格率"
value = "≥98%"
line = 13

[[indicators]]
level1 = "产出指标"
level1_category = "产出"
level2 = "时效指标"
level2_category = "时效"
name = "补助资金拨付时间"
value = "2024年6月底前"
line = 14

[[indicators]]
level1 = "成本指标"
level1_category = "成本"
level2 = "经济成本指标"
level2_category = "成本"
name = "助餐补贴"
value = "每餐补贴15元，共计18万元"
line = 15

[[indicators]]
level1 = "效益指标"
level1_category = "效益"
level2 = "社会效益指标"
level2_category = "社会效益"
name = "开设助餐点的社区"
value = "12个社区"
line = 16

[[indicators]]
level1 = "满意度指标"
level1_category = "满意度"
level2 = "服务对象满意度指标"
level2_category = "服务对象满意度"
name = "老年人满意度"
value = "≥90%"
line = 17
"#;

fn baseline() -> Project {
    let mut p: Project = toml::from_str(BASELINE).expect("baseline parses");
    p.slug = "zhucan".into();
    p
}

fn department(projects: Vec<Project>) -> Department {
    Department {
        slug: "minzhengju".into(),
        name: "某区民政局".into(),
        code: None,
        aliases: Vec::new(),
        unnamed: false,
        source: SourceRef {
            file: "fixture.txt".into(),
            line: 2,
            end_line: 0,
        },
        contents: None,
        overall: None,
        notes: String::new(),
        projects,
    }
}

fn book(departments: Vec<Department>) -> Book {
    Book {
        slug: "fixture-2024".into(),
        title: "某区2024年部门预算项目支出绩效目标表".into(),
        region: String::new(),
        issuer: String::new(),
        year: Some(2024),
        stage: Stage::Final,
        unit: jixiao::amount::Unit::Wan,
        date: String::new(),
        sources: Vec::new(),
        prose: String::new(),
        departments,
    }
}

fn run(b: &Book, settings: &Settings) -> BookFindings {
    check_book(b, settings)
}

/// Rule ids found for one project (after `edit`), with default settings.
fn rules_for(edit: impl FnOnce(&mut Project)) -> Vec<String> {
    let mut p = baseline();
    edit(&mut p);
    let b = book(vec![department(vec![p])]);
    let mut ids: Vec<String> = run(&b, &Settings::default())
        .all()
        .map(|f| f.rule.clone())
        .collect();
    ids.sort();
    ids
}

fn triggers(rule: &str, edit: impl FnOnce(&mut Project)) {
    let found = rules_for(edit);
    assert!(
        found.iter().any(|r| r == rule),
        "expected {rule}, found {found:?}"
    );
}

fn quiet(rule: &str, edit: impl FnOnce(&mut Project)) {
    let found = rules_for(edit);
    assert!(
        !found.iter().any(|r| r == rule),
        "{rule} must not fire here, found {found:?}"
    );
}

fn ind<'a>(p: &'a mut Project, level2: &str) -> &'a mut Indicator {
    p.indicators
        .iter_mut()
        .find(|i| i.level2 == level2)
        .expect("baseline has the indicator")
}

fn drop(p: &mut Project, level2: &str) {
    p.indicators.retain(|i| i.level2 != level2);
}

fn amount(s: &str) -> Amount {
    Amount::parse(s)
}

#[test]
fn the_baseline_is_clean() {
    assert_eq!(rules_for(|_| {}), Vec::<String>::new());
}

#[test]
fn every_registered_rule_is_exercised_here() {
    // Keep this file in step with the registry: a new rule needs its fixtures.
    let src = include_str!("check_rules.rs");
    for r in RULES {
        assert!(
            src.contains(&format!("\"{}\"", r.id)),
            "rule {} has no fixture in tests/check_rules.rs",
            r.id
        );
    }
}

#[test]
fn funds_total_missing_and_unreadable() {
    triggers("funds.total-missing", |p| p.funds.total = Amount::missing());
    triggers("funds.total-unreadable", |p| {
        p.funds.total = amount("35.9816.49")
    });
    quiet("funds.total-unreadable", |p| p.funds.total = amount("20"));
    triggers("funds.unreadable", |p| p.funds.fiscal = amount("二十"));
    quiet("funds.unreadable", |p| p.funds.fiscal = amount("20.0"));
}

#[test]
fn funds_sources_add_up_to_the_total() {
    triggers("funds.sum-total", |p| p.funds.fiscal = amount("15"));
    quiet("funds.sum-total", |p| {
        p.funds.fiscal = amount("15");
        p.funds.other = amount("5");
    });
    // An unreadable part is reported as unreadable, not as a wrong sum.
    quiet("funds.sum-total", |p| p.funds.other = amount("5..0"));
}

#[test]
fn fiscal_parts_add_up_to_fiscal() {
    let parts = |own: &'static str| {
        move |p: &mut Project| {
            p.funds.rows = vec![
                FundKind::Total,
                FundKind::Fiscal,
                FundKind::FiscalUpper,
                FundKind::FiscalOwn,
                FundKind::Other,
            ];
            p.funds.fiscal_upper = amount("5");
            p.funds.fiscal_own = amount(own);
        }
    };
    triggers("funds.sum-fiscal", parts("10"));
    quiet("funds.sum-fiscal", parts("15"));
}

#[test]
fn fund_rows_labelled_twice() {
    let extra = |kind: FundKind| {
        move |p: &mut Project| {
            p.funds.rows.push(FundKind::CarryOver);
            p.funds.extra.push(FundRow {
                label: "2025年结转资金".into(),
                kind,
                amount: amount("0"),
                line: 10,
            });
        }
    };
    triggers("funds.duplicate-row", extra(FundKind::CarryOver));
    quiet("funds.duplicate-row", extra(FundKind::Unknown));
}

fn overall(amounts: &[(FundKind, &str, &str)]) -> OverallTable {
    OverallTable {
        title: "部门（单位）整体支出绩效目标表".into(),
        name_as_written: "某区民政局".into(),
        source: SourceRef {
            file: "fixture.txt".into(),
            line: 40,
            end_line: 0,
        },
        tasks: Vec::new(),
        goal: None,
        amounts: amounts
            .iter()
            .enumerate()
            .map(|(i, (kind, label, v))| FundRow {
                label: label.to_string(),
                kind: *kind,
                amount: amount(v),
                line: 41 + i as u32,
            })
            .collect(),
        indicators: Vec::new(),
    }
}

fn dept_rules(o: OverallTable) -> Vec<String> {
    let mut d = department(vec![baseline()]);
    d.overall = Some(o);
    let b = book(vec![d]);
    run(&b, &Settings::default())
        .departments
        .concat()
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

#[test]
fn department_tables_agree_with_themselves_and_the_projects() {
    let bad = dept_rules(overall(&[
        (FundKind::IncomeTotal, "收入预算合计", "12253"),
        (FundKind::Fiscal, "当年财政拨款", "14438.25"),
        (FundKind::ProjectSpending, "项目支出", "20"),
    ]));
    assert_eq!(bad, vec!["overall.inconsistent"]);
    let good = dept_rules(overall(&[
        (FundKind::IncomeTotal, "收入预算合计", "14438.25"),
        (FundKind::Fiscal, "当年财政拨款", "14438.25"),
        (FundKind::ExpenditureTotal, "支出预算合计", "14438.25"),
        (FundKind::BasicTotal, "基本支出", "100"),
        (FundKind::Personnel, "人员经费", "80"),
        (FundKind::PublicExpense, "公用经费", "20"),
        (FundKind::ProjectSpending, "项目支出", "20"),
    ]));
    assert_eq!(good, Vec::<String>::new());
    let basic = dept_rules(overall(&[
        (FundKind::BasicTotal, "基本支出", "100"),
        (FundKind::Personnel, "人员经费", "80"),
        (FundKind::PublicExpense, "公用经费", "10"),
    ]));
    assert_eq!(basic, vec!["overall.inconsistent"]);
    let projects = dept_rules(overall(&[(FundKind::ProjectSpending, "项目支出", "30")]));
    assert_eq!(projects, vec!["overall.projects"]);
}

#[test]
fn structure_name_department_goal() {
    triggers("structure.no-name", |p| {
        p.flags.push(ProjectFlag::PlaceholderName)
    });
    quiet("structure.no-name", |_| {});
    triggers("structure.no-goal", |p| p.goal = Some("/".into()));
    quiet("structure.no-goal", |p| p.goal = None);

    let mut d = department(vec![baseline()]);
    d.unnamed = true;
    let found = run(&book(vec![d]), &Settings::default());
    assert!(found.all().any(|f| f.rule == "structure.no-department"));
    quiet("structure.no-department", |_| {});
}

#[test]
fn a_form_without_a_goal_field_is_reported_once_per_book() {
    let projects: Vec<Project> = (0..5)
        .map(|i| {
            let mut p = baseline();
            p.goal = None;
            p.slug = format!("p{i}");
            p.name = format!("项目{i}");
            p
        })
        .collect();
    let found = run(&book(vec![department(projects)]), &Settings::default());
    let goal: Vec<_> = found
        .all()
        .filter(|f| f.rule.starts_with("structure."))
        .collect();
    assert_eq!(goal.len(), 1, "{goal:?}");
    assert_eq!(goal[0].rule, "structure.form-without-goal");
    assert!(goal[0].message.contains('5'));
    quiet("structure.form-without-goal", |_| {});
}

#[test]
fn level2_under_the_wrong_level1() {
    triggers("structure.misplaced-level2", |p| {
        let i = ind(p, "质量指标");
        i.level1 = "效益指标".into();
        i.level1_category = Some(jixiao::model::Level1::Benefit);
    });
    // Older local forms list 成本指标 under 项目完成 (产出): that is the form, not a slip.
    quiet("structure.misplaced-level2", |p| {
        let i = ind(p, "经济成本指标");
        i.level1 = "项目完成".into();
        i.level1_category = Some(jixiao::model::Level1::Output);
    });
}

#[test]
fn coverage_of_required_and_expected_categories() {
    triggers("coverage.quantity", |p| drop(p, "数量指标"));
    triggers("coverage.cost", |p| drop(p, "经济成本指标"));
    triggers("coverage.benefit", |p| drop(p, "社会效益指标"));
    triggers("coverage.quality", |p| drop(p, "质量指标"));
    triggers("coverage.timeliness", |p| drop(p, "时效指标"));
    triggers("coverage.satisfaction", |p| drop(p, "服务对象满意度指标"));
    // A category listed with only placeholders is not set.
    triggers("coverage.quality", |p| {
        let i = ind(p, "质量指标");
        i.name = "/".into();
        i.value = "/".into();
    });
    quiet("coverage.benefit", |p| {
        let i = ind(p, "社会效益指标");
        i.level2 = "生态效益指标".into();
        i.level2_category = Some(jixiao::model::Level2::Ecological);
    });
}

#[test]
fn empty_and_placeholder_values() {
    triggers("values.empty", |p| ind(p, "数量指标").value = "/".into());
    triggers("values.empty", |p| ind(p, "数量指标").value = "无".into());
    quiet("values.empty", |p| {
        ind(p, "数量指标").value = "无障碍通道3处".into()
    });
    // A pre-printed 经济效益 row left blank may be dropped: the rules allow it, so it is
    // no finding at all (the issue's first false-positive family).
    let blank = |p: &mut Project| {
        p.indicators.push(Indicator {
            level1: "效益指标".into(),
            level1_category: Some(jixiao::model::Level1::Benefit),
            level2: "经济效益指标".into(),
            level2_category: Some(jixiao::model::Level2::Economic),
            name: String::new(),
            value: String::new(),
            line: 18,
            ..Default::default()
        })
    };
    assert_eq!(rules_for(blank), Vec::<String>::new());
    // A target written into the name column, or a wrapped fragment, is not a name whose
    // value is missing.
    quiet("values.empty", |p| {
        let i = ind(p, "数量指标");
        i.name = "退役军人8人、军人遗属1人".into();
        i.value = String::new();
    });
    quiet("values.empty", |p| {
        let i = ind(p, "数量指标");
        i.name = "右。".into();
        i.value = String::new();
    });
}

#[test]
fn values_that_are_not_measures() {
    triggers("values.not-quantified", |p| {
        ind(p, "数量指标").value = "按要求完成助餐服务".into()
    });
    quiet("values.not-quantified", |p| {
        ind(p, "数量指标").value = "完成3次".into()
    });
    triggers("values.rate-without-sign", |p| {
        ind(p, "质量指标").value = "98%".into()
    });
    quiet("values.rate-without-sign", |p| {
        ind(p, "质量指标").value = "不低于98%".into()
    });
    triggers("values.bare-number", |p| {
        let i = ind(p, "数量指标");
        i.name = "开设老年助餐服务".into();
        i.value = "12000".into();
    });
    quiet("values.bare-number", |p| {
        ind(p, "数量指标").value = "12000人次".into()
    });
    triggers("values.restates-name", |p| {
        let i = ind(p, "质量指标");
        i.name = "确保用车安全".into();
        i.value = "确保用车安全".into();
    });
    quiet("values.restates-name", |p| {
        let i = ind(p, "质量指标");
        i.name = "确保用车安全".into();
        i.value = "全年安全事故0起".into();
    });
    triggers("values.vague", |p| {
        ind(p, "社会效益指标").value = "有效提高".into()
    });
    quiet("values.vague", |p| {
        ind(p, "社会效益指标").value = "就餐便利程度提高10%".into()
    });
    triggers("values.percent-not-rate", |p| {
        let i = ind(p, "质量指标");
        i.name = "菜品安全".into();
        i.value = "95%".into();
    });
    // `100%` on an output reads as "all of it done".
    quiet("values.percent-not-rate", |p| {
        let i = ind(p, "质量指标");
        i.name = "菜品安全".into();
        i.value = "100%".into();
    });
    quiet("values.percent-not-rate", |p| {
        let i = ind(p, "质量指标");
        i.name = "菜品安全抽检合格率".into();
        i.value = "=100%".into();
    });
    triggers("values.money-as-output", |p| {
        let i = ind(p, "数量指标");
        i.name = "发放补助资金".into();
        i.value = "18万元".into();
    });
    quiet("values.money-as-output", |p| {
        ind(p, "数量指标").value = "宣传册5万本".into()
    });
}

#[test]
fn cost_against_funds_and_written_arithmetic() {
    // The issue's case: 共计100万元 on a project of 15 万元.
    let cost = |v: &'static str, total: &'static str| {
        move |p: &mut Project| {
            p.funds.total = amount(total);
            p.funds.fiscal = amount(total);
            ind(p, "经济成本指标").value = v.into();
        }
    };
    triggers(
        "cost.exceeds-funds",
        cost("针对新升规工业企业每户奖励10万元，共计100万元。", "15"),
    );
    quiet(
        "cost.exceeds-funds",
        cost("每户奖励5万元，共计15万元", "15"),
    );
    // A cap that restates the budget is not a part to add to the others.
    quiet("cost.exceeds-funds", |p| {
        ind(p, "经济成本指标").value = "≤20万元".into();
        let template = ind(p, "经济成本指标").clone();
        p.indicators.push(Indicator {
            name: "预算资金".into(),
            value: "20万元".into(),
            line: 19,
            ..template
        });
    });
    // Unit rates are not amounts spent.
    quiet(
        "cost.exceeds-funds",
        cost("90周岁以上津贴200元/月/人", "0.01"),
    );
    // A total written `40.1` stands for what rounds to it: 401,016 元 is not over it.
    quiet("cost.exceeds-funds", cost("预算：401016元", "40.1"));
    triggers("cost.exceeds-funds", cost("共计40.2万元", "40.1"));
    // Caps on parts add up: 60 + 50 of a 100 budget is over, though neither cap is.
    let caps = |second: &'static str| {
        move |p: &mut Project| {
            p.funds.total = amount("100");
            p.funds.fiscal = amount("100");
            ind(p, "经济成本指标").value = "≤60万元".into();
            let template = ind(p, "经济成本指标").clone();
            p.indicators.push(Indicator {
                name: "设备费".into(),
                value: second.into(),
                line: 19,
                ..template
            });
        }
    };
    triggers("cost.exceeds-funds", caps("≤50万元"));
    quiet("cost.exceeds-funds", caps("≤40万元"));

    triggers("cost.arithmetic", |p| {
        ind(p, "经济成本指标").value = "2人*4月*10000元/月=9万元".into()
    });
    quiet("cost.arithmetic", |p| {
        ind(p, "经济成本指标").value = "2人*4月*10000元/月=8万元".into()
    });
    // 乘 is times too; LaTeX is read as what it says.
    triggers("cost.arithmetic", |p| {
        ind(p, "经济成本指标").value = "市级：学生396人乘190天乘0.11725元=4643.1元".into()
    });
    quiet("cost.arithmetic", |p| {
        ind(p, "经济成本指标").value = "省级：学生396人乘190天乘0.665元=50034.6元".into()
    });
    triggers("cost.arithmetic", |p| {
        ind(p, "经济成本指标").value = "$120 \\times 20 \\text{元} = 1200 \\text{元}$".into()
    });
    // A number run together with the next by the export is not the department's sum.
    quiet("cost.arithmetic", |p| {
        ind(p, "经济成本指标").value =
            "区级 $0.21775333 \\times 0.21775 \\times 190 = 13777.04$ 元".into()
    });
}

#[test]
fn deadlines_outside_the_year() {
    triggers("time.outside-year", |p| {
        ind(p, "时效指标").value = "2023年底前完成".into()
    });
    quiet("time.outside-year", |p| {
        ind(p, "时效指标").value = "2024年12月31日前".into()
    });
}

#[test]
fn satisfaction_targets() {
    triggers("satisfaction.no-sign", |p| {
        ind(p, "服务对象满意度指标").value = "90%".into()
    });
    quiet("satisfaction.no-sign", |p| {
        ind(p, "服务对象满意度指标").value = "达到90%以上".into()
    });
    triggers("satisfaction.hundred", |p| {
        ind(p, "服务对象满意度指标").value = "=100%".into()
    });
    quiet("satisfaction.hundred", |p| {
        ind(p, "服务对象满意度指标").value = "≥95%".into()
    });
}

#[test]
fn the_same_indicator_twice() {
    triggers("duplicate.indicator", |p| {
        let mut again = ind(p, "数量指标").clone();
        again.line = 20;
        p.indicators.push(again);
    });
    quiet("duplicate.indicator", |p| {
        let mut other = ind(p, "数量指标").clone();
        other.value = "≥500户".into();
        other.line = 20;
        p.indicators.push(other);
    });
}

fn boilerplate_book(n: usize) -> Book {
    let projects: Vec<Project> = (0..n)
        .map(|i| {
            let mut p = baseline();
            p.slug = format!("p{i}");
            p.name = format!("项目{i}");
            ind(&mut p, "社会效益指标").value = "坚持绿色发展理念，促进经济社会协调发展".into();
            p
        })
        .collect();
    book(vec![department(projects)])
}

#[test]
fn boilerplate_across_many_projects() {
    let settings = Settings::default();
    let count = |b: &Book| {
        run(b, &settings)
            .book_level
            .iter()
            .filter(|f| f.rule == "duplicate.boilerplate")
            .count()
    };
    assert_eq!(count(&boilerplate_book(8)), 1);
    assert_eq!(count(&boilerplate_book(7)), 0);
    let lower = Settings {
        boilerplate_min_projects: 3,
        ..Settings::default()
    };
    assert_eq!(
        run(&boilerplate_book(3), &lower)
            .book_level
            .iter()
            .filter(|f| f.rule == "duplicate.boilerplate")
            .count(),
        1
    );
}

#[test]
fn settings_disable_override_and_reject_typos() {
    let settings: Settings = toml::from_str(
        r#"
        disable = ["coverage."]
        [severity]
        "values.empty" = "error"
        [book.fixture-2024]
        disable = ["values.vague"]
        "#,
    )
    .unwrap();
    settings.validate().unwrap();
    let mut p = baseline();
    drop(&mut p, "质量指标");
    ind(&mut p, "数量指标").value = "/".into();
    ind(&mut p, "社会效益指标").value = "有效提高".into();
    let b = book(vec![department(vec![p])]);
    let found: Vec<_> = run(&b, &settings).all().cloned().collect();
    assert!(!found.iter().any(|f| f.rule.starts_with("coverage.")));
    assert!(!found.iter().any(|f| f.rule == "values.vague"));
    let empty = found.iter().find(|f| f.rule == "values.empty").unwrap();
    assert_eq!(empty.severity, Severity::Error);

    let typo: Settings = toml::from_str(r#"disable = ["values.emtpy"]"#).unwrap();
    let err = typo.validate().unwrap_err();
    assert!(err.contains("values.emtpy"), "{err}");
}

#[test]
fn findings_point_at_the_source_line() {
    let mut p = baseline();
    ind(&mut p, "时效指标").value = "2023年底前".into();
    let b = book(vec![department(vec![p])]);
    let f = run(&b, &Settings::default())
        .all()
        .find(|f| f.rule == "time.outside-year")
        .cloned()
        .unwrap();
    assert_eq!((f.file.as_str(), f.line), ("fixture.txt", 14));
    assert_eq!(f.project, "社区老年助餐服务补助");
    assert_eq!(f.department, "某区民政局");
}

#[test]
fn completeness_counts_what_the_form_asks_for() {
    use jixiao::check::rules::completeness;
    assert_eq!(completeness(&baseline(), true), 100);
    let mut p = baseline();
    drop(&mut p, "质量指标");
    drop(&mut p, "服务对象满意度指标");
    // 10 elements asked for (name, department, total, goal, 数量, 质量, 时效, 成本,
    // 效益, 满意度), 8 present.
    assert_eq!(completeness(&p, true), 80);
    assert_eq!(completeness(&p, false), 70);
    // A form without a goal field asks for 9.
    p.goal = None;
    assert_eq!(completeness(&p, true), 78);
}

#[test]
fn tolerance_allows_rounding_differences() {
    let settings: Settings = toml::from_str(r#"tolerance = "0.01""#).unwrap();
    let mut p = baseline();
    p.funds.fiscal = amount("19.995");
    let b = book(vec![department(vec![p.clone()])]);
    assert!(
        !run(&b, &settings)
            .all()
            .any(|f| f.rule == "funds.sum-total")
    );
    p.funds.fiscal = amount("19.9");
    let b = book(vec![department(vec![p])]);
    assert!(
        run(&b, &settings)
            .all()
            .any(|f| f.rule == "funds.sum-total")
    );
}

/// The false-positive families found by reading the published findings against their
/// tables: each must stay quiet, while its near neighbour still fires.
#[test]
fn families_a_reviewer_rejected_stay_quiet() {
    // 100% and 0% are exact targets; a sign is asked only of a bare rate.
    quiet("values.rate-without-sign", |p| {
        ind(p, "质量指标").value = "100%".into()
    });
    quiet("values.rate-without-sign", |p| {
        ind(p, "质量指标").value = "0%".into()
    });
    triggers("values.rate-without-sign", |p| {
        ind(p, "质量指标").value = "98%".into()
    });
    // A payment schedule or a rate named inside the value is not "not a rate".
    for v in ["合格率达100%", "完成率100%", "6月底前支付80%"] {
        quiet("values.percent-not-rate", |p| {
            let i = ind(p, "质量指标");
            i.name = "资金拨付".into();
            i.value = v.into();
        });
        quiet("values.rate-without-sign", |p| {
            ind(p, "质量指标").value = v.into()
        });
    }
    triggers("values.percent-not-rate", |p| {
        let i = ind(p, "质量指标");
        i.name = "资金拨付".into();
        i.value = "80%".into();
    });
    // 万 before 平方米 / 页 / 亩 counts things, it is not money.
    for v in ["改造5万平方米", "扫描3万页", "造林2万亩"] {
        quiet("values.money-as-output", |p| {
            ind(p, "数量指标").value = v.into()
        });
    }
    triggers("values.money-as-output", |p| {
        ind(p, "数量指标").value = "5万元".into()
    });
    // Chinese numerals are numbers; a concrete in-year schedule is a time.
    for v in ["三座水库", "四个社区", "一套"] {
        quiet("values.not-quantified", |p| {
            ind(p, "数量指标").value = v.into()
        });
    }
    for v in ["按季度还本付息", "每月按时发放"] {
        quiet("values.not-quantified", |p| {
            ind(p, "时效指标").value = v.into()
        });
    }
    triggers("values.not-quantified", |p| {
        ind(p, "时效指标").value = "按计划推进".into()
    });
    quiet("values.not-quantified", |p| {
        ind(p, "数量指标").value = "统一项目管理".into();
        ind(p, "数量指标").value = "3个统一项目".into();
    });
    triggers("values.not-quantified", |p| {
        ind(p, "数量指标").value = "统一项目管理".into()
    });
    // LaTeX from the source has its sign, and messages show the sign, not the markup.
    quiet("satisfaction.no-sign", |p| {
        ind(p, "服务对象满意度指标").value = "$\\geq 90\\%$".into()
    });
    let mut p = baseline();
    ind(&mut p, "服务对象满意度指标").value = "$100\\%$".into();
    let b = book(vec![department(vec![p])]);
    let found = run(&b, &Settings::default());
    let f = found
        .all()
        .find(|f| f.rule == "satisfaction.hundred")
        .expect("100% satisfaction is reported");
    assert!(
        f.message.contains("“100%”") && !f.message.contains('$') && !f.message.contains('\\'),
        "{}",
        f.message
    );
    // A unit carried by the name.
    for name in ["计划审批工程数量（个）", "义教资助人数"] {
        quiet("values.bare-number", |p| {
            let i = ind(p, "数量指标");
            i.name = name.into();
            i.value = "12".into();
        });
    }
    // A sign written in the name (`满意度不低于`).
    quiet("satisfaction.no-sign", |p| {
        let i = ind(p, "服务对象满意度指标");
        i.name = "受益群众满意度不低于".into();
        i.value = "90%".into();
    });
    // A row repeated word for word is one finding, the repeat; not also vague twice.
    let mut p = baseline();
    ind(&mut p, "社会效益指标").value = "有效提高".into();
    let mut again = ind(&mut p, "社会效益指标").clone();
    again.line = 21;
    p.indicators.push(again);
    let b = book(vec![department(vec![p])]);
    let ids: Vec<String> = run(&b, &Settings::default())
        .all()
        .map(|f| f.rule.clone())
        .collect();
    assert_eq!(
        ids.iter().filter(|r| *r == "values.vague").count(),
        1,
        "{ids:?}"
    );
    assert!(ids.iter().any(|r| r == "duplicate.indicator"));
    // `不适用` on a row that does not apply is allowed.
    quiet("values.restates-name", |p| {
        let i = ind(p, "社会效益指标");
        i.name = "此项指标不适用".into();
        i.value = "此项指标不适用".into();
    });
    // 财政拨款 written 0 while its parts carry the money: one finding, not two.
    let ids = rules_for(|p| {
        p.funds.fiscal = amount("0");
        p.funds.fiscal_own = amount("20");
        p.funds.fiscal_upper = amount("0");
        p.funds.carry_over = amount("0");
        p.funds.rows = vec![
            FundKind::Total,
            FundKind::Fiscal,
            FundKind::FiscalUpper,
            FundKind::FiscalOwn,
            FundKind::CarryOver,
            FundKind::Other,
        ];
    });
    assert!(ids.contains(&"funds.sum-fiscal".to_string()), "{ids:?}");
    assert!(!ids.contains(&"funds.sum-total".to_string()), "{ids:?}");
}

#[test]
fn a_headless_fragment_is_one_neutral_finding() {
    let ids = rules_for(|p| {
        p.flags.push(ProjectFlag::Fragment);
        p.flags.push(ProjectFlag::PlaceholderName);
        p.funds.total = Amount::missing();
        drop(p, "数量指标");
    });
    assert_eq!(ids, vec!["structure.fragment"]);
    quiet("structure.fragment", |_| {});
}

#[test]
fn the_checks_a_reviewer_asks_first() {
    // Money in the goal beyond the funds.
    triggers("cost.goal-exceeds-funds", |p| {
        p.funds.total = amount("1");
        p.funds.fiscal = amount("1");
        ind(p, "经济成本指标").value = "≤1万元".into();
        p.goal = Some("矛盾纠纷排查化解预计1万、治安隐患排查消除预计1万、人员搜救预计2万、法制宣传预计1.5万元".into());
    });
    quiet("cost.goal-exceeds-funds", |p| {
        p.goal = Some("项目总投资500万元，本年度安排20万元用于助餐补贴".into());
    });
    // A cost indicator with no money in it.
    triggers("cost.no-amount", |p| {
        ind(p, "经济成本指标").value = "7".into()
    });
    triggers("cost.no-amount", |p| {
        ind(p, "经济成本指标").value = "600/月×12月".into()
    });
    quiet("cost.no-amount", |p| {
        ind(p, "经济成本指标").value = "每人每月600元".into()
    });
    // Deadlines under 数量; money under 效益; a 满意度 row that is not one.
    triggers("structure.misfiled", |p| {
        ind(p, "数量指标").value = "2024年底前完成".into()
    });
    quiet("structure.misfiled", |p| {
        ind(p, "数量指标").value = "2024年底前完成12000人次".into()
    });
    triggers("structure.misfiled", |p| {
        let i = ind(p, "社会效益指标");
        i.name = "发放补贴资金".into();
        i.value = "18万元".into();
    });
    triggers("structure.misfiled", |p| {
        let mut row = ind(p, "服务对象满意度指标").clone();
        row.name = "企业正常运作".into();
        row.value = "100%".into();
        row.line = 22;
        p.indicators.push(row);
    });
    quiet("structure.misfiled", |p| {
        let mut row = ind(p, "服务对象满意度指标").clone();
        row.name = "社会公众对优抚工作的认可度".into();
        row.value = "≥85%".into();
        row.line = 22;
        p.indicators.push(row);
    });
    quiet("structure.misfiled", |p| {
        let i = ind(p, "社会效益指标");
        i.name = "带动农户增收".into();
        i.value = "18万元".into();
    });
    // The same project table twice, with conflicting totals.
    let mut a = baseline();
    let mut b2 = baseline();
    b2.slug = "zhucan-2".into();
    b2.funds.total = amount("25");
    b2.funds.fiscal = amount("25");
    b2.source.line = 40;
    a.source.line = 3;
    let found = run(&book(vec![department(vec![a, b2])]), &Settings::default());
    let dup: Vec<_> = found
        .all()
        .filter(|f| f.rule == "duplicate.project")
        .collect();
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert!(
        dup[0].message.contains("20.00 万元和 25.00 万元"),
        "{}",
        dup[0].message
    );
    assert_eq!(dup[0].line, 40, "the second table carries it");
    quiet("duplicate.project", |_| {});
    // A second printing of the same table: one finding, and none of the first's repeated.
    let mut first = baseline();
    first.source.line = 3;
    ind(&mut first, "数量指标").value = "按要求完成".into();
    let mut second = first.clone();
    second.slug = "zhucan-2".into();
    second.source.line = 40;
    let found = run(
        &book(vec![department(vec![first, second])]),
        &Settings::default(),
    );
    assert!(
        found
            .all()
            .any(|f| f.rule == "values.not-quantified" && f.project_slug == "zhucan")
    );
    let on_second: Vec<_> = found
        .all()
        .filter(|f| f.project_slug == "zhucan-2")
        .collect();
    assert_eq!(on_second.len(), 1, "{on_second:?}");
    assert!(on_second[0].message.contains("两张表内容相同"));
    // Every 三级 name the project's own: the names say nothing.
    triggers("structure.generic-names", |p| {
        for i in &mut p.indicators {
            i.name = "社区老年助餐服务".into();
        }
    });
    quiet("structure.generic-names", |p| {
        for i in p.indicators.iter_mut().take(2) {
            i.name = "社区老年助餐服务".into();
        }
    });
    // Total given, sources left blank.
    triggers("funds.sources-blank", |p| {
        p.funds.fiscal = Amount::missing();
        p.funds.other = Amount::missing();
    });
    quiet("funds.sources-blank", |_| {});
}

#[test]
fn reviewer_only_rules_and_guessed_rows_stay_off_the_site() {
    let mut p = baseline();
    drop(&mut p, "服务对象满意度指标");
    let i = ind(&mut p, "数量指标");
    i.name = "开设老年助餐服务".into();
    i.value = "12000".into();
    let mut b = book(vec![department(vec![p])]);
    let all = run(&b, &Settings::default());
    let sat = all
        .all()
        .find(|f| f.rule == "coverage.satisfaction")
        .expect("reviewers see it");
    assert!(
        !sat.public,
        "coverage.satisfaction is below the bar: reviewer-only"
    );
    let bare = all
        .all()
        .find(|f| f.rule == "values.bare-number")
        .expect("bare number found");
    assert!(bare.public);
    let published = all.clone().published();
    assert!(published.all().all(|f| f.public));
    assert!(!published.all().any(|f| f.rule == "coverage.satisfaction"));
    // book.toml can publish a reviewer-only rule, or hold a published one back.
    let settings: Settings = toml::from_str(
        "[public]\n\"coverage.satisfaction\" = true\n\"values.bare-number\" = false\n",
    )
    .expect("settings parse");
    let found = run(&b, &settings);
    assert!(
        found
            .all()
            .any(|f| f.rule == "coverage.satisfaction" && f.public)
    );
    assert!(
        found
            .all()
            .any(|f| f.rule == "values.bare-number" && !f.public)
    );
    // A finding on a row the import had to guess is for reviewers.
    b.sources.push(jixiao::model::SourceFile {
        file: "fixture.txt".into(),
        sha256: String::new(),
        encoding: "utf-8".into(),
        layout: "rows".into(),
        lines: 40,
        places: Vec::new(),
        guessed: vec![12],
    });
    let found = run(&b, &Settings::default());
    let bare = found
        .all()
        .find(|f| f.rule == "values.bare-number")
        .expect("still found");
    assert_eq!(bare.line, 12);
    assert!(!bare.public, "it rests on a guessed row");
}
