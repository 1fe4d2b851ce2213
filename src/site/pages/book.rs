//! A book's overview: figures, charts with their data tables, the department table.

use super::*;

/// Department names without the administrative prefix the book's departments share,
/// for chart labels (the full name is in the table and the link title).
pub(super) fn short_names(b: &Book) -> Vec<String> {
    let prefix = crate::slug::shared_admin_prefix(
        b.departments
            .iter()
            .filter(|d| !d.unnamed)
            .map(|d| d.name.as_str()),
    );
    b.departments
        .iter()
        .map(|d| {
            d.name
                .strip_prefix(prefix.as_str())
                .filter(|r| r.chars().count() >= 2)
                .unwrap_or(&d.name)
                .to_string()
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct SourceRow {
    label: &'static str,
    text: String,
    share: String,
}

#[derive(Serialize)]
pub(super) struct CoverageRow {
    slug: String,
    name: String,
    projects: usize,
    cells: Vec<String>,
}

/// The book's overview page and its printed annual report: both show the overview
/// (figures, charts, summary tables), computed once. Returns the time spent on charts.
pub(super) fn book_pages(
    site: &Site,
    bi: usize,
    f: &BookFindings,
    tera: &tera::Tera,
    forms: &Forms,
) -> Result<(Vec<OutFile>, Duration)> {
    let b = &site.books[bi];
    let overview = overview(site, bi, f);
    let path = book_path(b);
    let mut ctx = base(site, &path);
    crumbs(&mut ctx, &[(&b.title, "")]);
    ctx.insert("pdf", &site.pdf);
    ctx.insert("changes", &book_mark(site, bi));
    ctx.extend(overview.ctx.clone());
    let page = render(tera, "book.html", &ctx, &path)?;
    let chart_time = overview.chart_time;
    let print = print_page(site, bi, f, tera, overview, forms, None)?;
    Ok((vec![page, print], chart_time))
}

/// What the overview shows: its template variables, the department rows in them (the
/// printed report's chapters reuse them), and the time spent drawing charts.
pub(super) struct Overview {
    pub ctx: tera::Context,
    pub rows: Vec<DeptRow>,
    pub chart_time: Duration,
}

pub(super) fn overview(site: &Site, bi: usize, f: &BookFindings) -> Overview {
    let b = &site.books[bi];
    let mut ctx = tera::Context::new();
    let sums = book_sums(b);
    let dept_counts: Vec<usize> = (0..b.departments.len())
        .map(|di| f.departments[di].len() + f.projects[di].iter().map(|x| x.len()).sum::<usize>())
        .collect();
    let rows: Vec<DeptRow> = b
        .departments
        .iter()
        .zip(&dept_counts)
        .map(|(d, n)| analyse::dept_row(d, sums.total, *n))
        .collect();
    let gaps = analyse::gap_rows(b, f);
    let sizes = analyse::size_stats(b);
    let short = short_names(b);

    let t = Instant::now();
    // Spending per department, largest first.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&x, &y| rows[y].total.cmp(&rows[x].total).then(x.cmp(&y)));
    let bars: Vec<charts::Bar> = order
        .iter()
        .map(|&i| charts::Bar {
            label: short[i].clone(),
            value: analyse::decimal_f64(rows[i].total),
            value_text: format!("{} {}", rows[i].total_text, b.unit.label()),
            href: format!("{}/index.html", rows[i].slug),
        })
        .collect();
    let (spending, spending_paper) = charts::drawn(|fit| {
        let max = fit.max_rows();
        let mut shown: Vec<charts::Bar> = Vec::new();
        let mut desc = format!(
            "{} 个部门的项目资金合计，按金额从大到小排列；数据见下表。",
            rows.len()
        );
        if bars.len() > max {
            let rest: Decimal = order[max - 1..].iter().map(|&i| rows[i].total).sum();
            shown.extend(bars[..max - 1].iter().cloned());
            shown.push(charts::Bar {
                label: format!("其余 {} 个部门", bars.len() - (max - 1)),
                value: analyse::decimal_f64(rest),
                value_text: format!("{} {}", format_amount(rest), b.unit.label()),
                href: String::new(),
            });
            desc = format!(
                "{} 个部门的项目资金合计，按金额从大到小排列，前 {} 个部门之外的合为一行；各部门数据见下表。",
                rows.len(),
                max - 1
            );
        } else {
            shown.extend(bars.iter().cloned());
        }
        charts::bars(
            "spending",
            fit,
            &format!("各部门项目资金（{}）", b.unit.label()),
            &desc,
            &shown,
            charts::BLUE,
        )
    });
    let c = |v: Decimal| analyse::decimal_f64(v);
    let other_total = sums.other;
    let fiscal_rest = (sums.total - sums.fiscal - sums.other).max(Decimal::ZERO);
    let mut source_parts = vec![
        (
            "财政拨款".to_string(),
            c(sums.fiscal),
            format_amount(sums.fiscal),
            charts::BLUE,
        ),
        (
            "其他资金".to_string(),
            c(other_total),
            format_amount(other_total),
            charts::ORANGE,
        ),
    ];
    if !fiscal_rest.is_zero() {
        source_parts.push((
            "未分列来源".to_string(),
            c(fiscal_rest),
            format_amount(fiscal_rest),
            charts::RULE,
        ));
    }
    let mut stacks = vec![charts::Stack {
        label: "资金来源".into(),
        parts: source_parts,
    }];
    let has_parts = !(sums.fiscal_upper + sums.fiscal_own).is_zero() || !sums.carry_over.is_zero();
    if has_parts {
        stacks.push(charts::Stack {
            label: "财政拨款构成".into(),
            parts: vec![
                (
                    "上级补助".into(),
                    c(sums.fiscal_upper),
                    format_amount(sums.fiscal_upper),
                    charts::SKY,
                ),
                (
                    "本级安排".into(),
                    c(sums.fiscal_own),
                    format_amount(sums.fiscal_own),
                    charts::GREEN,
                ),
                (
                    "结转资金".into(),
                    c(sums.carry_over),
                    format_amount(sums.carry_over),
                    charts::PINK,
                ),
            ],
        });
    }
    let (sources_chart, sources_chart_paper) = charts::drawn(|fit| {
        charts::stacks(
            "sources",
            fit,
            &format!("资金来源（{}）", b.unit.label()),
            "财政拨款与其他资金的构成；数据见下表。",
            &stacks,
        )
    });
    let heat = charts::Heat {
        columns: Level2::ALL
            .iter()
            .map(|c| match c.label() {
                "服务对象满意度" => ("服务对象".to_string(), "满意度".to_string()),
                "可持续影响" => ("可持续".to_string(), "影响".to_string()),
                l if l.chars().count() == 4 => {
                    (l.chars().take(2).collect(), l.chars().skip(2).collect())
                }
                l => (l.to_string(), String::new()),
            })
            .collect(),
        rows: rows
            .iter()
            .zip(&short)
            .map(|(r, s)| {
                let cells = r
                    .coverage
                    .iter()
                    .map(|&n| (r.projects > 0).then(|| n as f64 / r.projects as f64))
                    .collect();
                (s.clone(), format!("{}/index.html", r.slug), cells)
            })
            .collect(),
    };
    let (coverage_chart, coverage_chart_paper) = charts::drawn(|fit| {
        let max = fit.max_rows();
        let mut desc = "行是部门，列是二级指标类别，格中数字是该部门设置了这类指标的项目所占百分比；数据见下表。".to_string();
        if heat.rows.len() <= max {
            return charts::heatmap(
                "coverage",
                fit,
                "指标覆盖：设置了各类二级指标的项目占比（%）",
                &desc,
                &heat,
            );
        }
        // The departments with most projects, in the document's order.
        let mut by_size: Vec<usize> = (0..rows.len()).collect();
        by_size.sort_by(|&x, &y| rows[y].projects.cmp(&rows[x].projects).then(x.cmp(&y)));
        let mut keep: Vec<usize> = by_size[..max].to_vec();
        keep.sort_unstable();
        desc = format!(
            "行是项目最多的 {max} 个部门（共 {} 个），列是二级指标类别，格中数字是该部门设置了这类指标的项目所占百分比；全部部门见下表。",
            rows.len()
        );
        let part = charts::Heat {
            columns: heat.columns.clone(),
            rows: keep.iter().map(|&i| heat.rows[i].clone()).collect(),
        };
        charts::heatmap(
            "coverage",
            fit,
            "指标覆盖：设置了各类二级指标的项目占比（%）",
            &desc,
            &part,
        )
    });
    let gap_bars: Vec<charts::Bar> = gaps
        .iter()
        .map(|g| charts::Bar {
            label: format!("{}（{}）", g.title, g.severity_label),
            value: g.projects as f64,
            value_text: format!("{} 个项目（{}）", g.projects, g.share_text),
            href: format!("findings.html#rule-{}", anchor(&g.rule)),
        })
        .collect();
    let (gaps_chart, gaps_chart_paper) = charts::drawn(|fit| {
        charts::bars(
            "gaps",
            fit,
            "完整性缺口：涉及的项目数",
            "每一行是一项检查规则，条形长度是涉及的项目数；点击可查看具体项目。",
            &gap_bars,
            charts::VERMILLION,
        )
    });
    let (hist, hist_paper) = charts::drawn(|fit| {
        charts::histogram(
            "sizes",
            fit,
            "项目金额分布（个）",
            "各金额区间的项目数量；数据见下表。",
            &sizes.buckets,
        )
    });
    let (conc, conc_paper) = charts::drawn(|fit| {
        charts::concentration(
            "concentration",
            fit,
            "资金集中度",
            "横轴是按金额从大到小排列的项目累计占比，纵轴是这些项目的资金累计占比；对角线表示平均分配。",
            &sizes.curve,
        )
    });
    let chart_time = t.elapsed();

    let source_rows = vec![
        SourceRow {
            label: "项目资金合计",
            text: format_amount(sums.total),
            share: "100.0%".into(),
        },
        SourceRow {
            label: "财政拨款",
            text: format_amount(sums.fiscal),
            share: percent(sums.fiscal, sums.total),
        },
        SourceRow {
            label: "其中：上级补助",
            text: format_amount(sums.fiscal_upper),
            share: percent(sums.fiscal_upper, sums.total),
        },
        SourceRow {
            label: "其中：本级安排",
            text: format_amount(sums.fiscal_own),
            share: percent(sums.fiscal_own, sums.total),
        },
        SourceRow {
            label: "结转资金",
            text: format_amount(sums.carry_over),
            share: percent(sums.carry_over, sums.total),
        },
        SourceRow {
            label: "其他资金",
            text: format_amount(sums.other),
            share: percent(sums.other, sums.total),
        },
    ];
    // What the chart shows as 未分列来源 is in the table too, with where to read why.
    let mut source_rows = source_rows;
    if !fiscal_rest.is_zero() {
        source_rows.push(SourceRow {
            label: "未分列来源",
            text: format_amount(fiscal_rest),
            share: percent(fiscal_rest, sums.total),
        });
    }
    ctx.insert("unsplit", &!fiscal_rest.is_zero());
    let coverage_rows: Vec<CoverageRow> = rows
        .iter()
        .map(|r| CoverageRow {
            slug: r.slug.clone(),
            name: r.name.clone(),
            projects: r.projects,
            cells: r
                .coverage
                .iter()
                .map(|&n| percent(Decimal::from(n), Decimal::from(r.projects)))
                .collect(),
        })
        .collect();

    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    ctx.insert("total_text", &format_amount(sums.total));
    ctx.insert("fiscal_text", &format_amount(sums.fiscal));
    ctx.insert("other_text", &format_amount(sums.other));
    ctx.insert("unreadable", &sums.total_unreadable);
    ctx.insert("missing", &sums.total_missing);
    ctx.insert("projects", &b.project_count());
    ctx.insert(
        "indicators",
        &b.projects()
            .map(|(_, p)| p.indicators.iter().filter(|i| i.is_set()).count())
            .sum::<usize>(),
    );
    ctx.insert("findings", &f.all().count());
    ctx.insert("departments", &rows);
    ctx.insert(
        "categories",
        &Level2::ALL.iter().map(|c| c.label()).collect::<Vec<_>>(),
    );
    ctx.insert("source_rows", &source_rows);
    ctx.insert("coverage_rows", &coverage_rows);
    ctx.insert("gaps", &gaps);
    ctx.insert("completeness", &analyse::mean_completeness(b.projects()));
    ctx.insert("sizes", &sizes);
    ctx.insert("largest", &project_list::largest(b, sums.total, 5));
    ctx.insert(
        "projects_pages",
        &b.project_count().div_ceil(project_list::PROJECTS_PAGE),
    );
    let prose_html = crate::markdown::render(&b.prose);
    // The document's own prose usually opens with its own heading (编制说明).
    ctx.insert("prose_titled", &prose_html.starts_with("<h"));
    ctx.insert("prose_html", &prose_html);
    ctx.insert("chart_spending", &spending);
    ctx.insert("paper_spending", &spending_paper);
    ctx.insert("chart_sources", &sources_chart);
    ctx.insert("paper_sources", &sources_chart_paper);
    ctx.insert("chart_coverage", &coverage_chart);
    ctx.insert("paper_coverage", &coverage_chart_paper);
    ctx.insert("chart_gaps", &gaps_chart);
    ctx.insert("paper_gaps", &gaps_chart_paper);
    ctx.insert("chart_sizes", &hist);
    ctx.insert("paper_sizes", &hist_paper);
    ctx.insert("chart_concentration", &conc);
    ctx.insert("paper_concentration", &conc_paper);
    ctx.insert(
        "book_findings",
        &f.book_level.iter().map(finding_view).collect::<Vec<_>>(),
    );
    Overview {
        ctx,
        rows,
        chart_time,
    }
}
