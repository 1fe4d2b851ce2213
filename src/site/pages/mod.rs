//! Page contexts and rendering. Each page gets only what it shows.

mod projects;

use super::analyse::{self, DeptRow, ProjectRow, Sums, amount_text, percent};
use super::charts;
use super::search::{Doc, IndexBuilder};
use super::{OutFile, Site};
use crate::amount::format_amount;
use crate::check::{BookFindings, Finding, rules};
use crate::model::{Book, Department, FundKind, Indicator, Level1, Level2, Project, Stage};
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
}

#[derive(Serialize)]
struct BookMeta {
    slug: String,
    title: String,
    year: Option<u16>,
    stage_label: &'static str,
    draft: bool,
    /// `（草案）` after the title in `<title>`, unless the title says 草案 already.
    title_mark: &'static str,
    region: String,
    issuer: String,
    date: String,
    unit: &'static str,
    sources: Vec<String>,
    /// The publication as readers know it, and its address (book.toml `[[import]]`).
    source_name: String,
    source_url: String,
}

fn book_meta(site: &Site, b: &Book) -> BookMeta {
    let spec = site.config.imports.iter().find(|i| i.book == b.slug);
    BookMeta {
        source_name: spec.and_then(|i| i.source_name.clone()).unwrap_or_default(),
        source_url: spec.and_then(|i| i.source_url.clone()).unwrap_or_default(),
        slug: b.slug.clone(),
        title: b.title.clone(),
        year: b.year,
        stage_label: b.stage.label(),
        draft: b.stage == Stage::Draft,
        title_mark: if b.stage == Stage::Draft && !b.title.contains("草案") {
            "（草案）"
        } else {
            ""
        },
        region: b.region.clone(),
        issuer: b.issuer.clone(),
        date: b.date.clone(),
        unit: b.unit.label(),
        sources: b.sources.iter().map(|s| s.file.clone()).collect(),
    }
}

/// Context shared by every page: the site, the way back to the root, the canonical URL.
fn base(site: &Site, path: &str) -> tera::Context {
    let depth = path.matches('/').count();
    let mut ctx = tera::Context::new();
    ctx.insert(
        "site",
        &SiteCtx {
            title: &site.config.title,
            description: &site.config.description,
            base_url: &site.config.base_url,
            language: &site.config.language,
        },
    );
    ctx.insert("root", &"../".repeat(depth));
    ctx.insert("path", path);
    ctx.insert("canonical", &format!("{}{}", site.config.base_url, path));
    ctx
}

/// Breadcrumbs: (label, link relative to the page); the last has no link.
fn crumbs(ctx: &mut tera::Context, items: &[(&str, &str)]) {
    let root = ctx
        .get("root")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let mut list: Vec<(String, String)> = vec![("首页".into(), format!("{root}index.html"))];
    list.extend(items.iter().map(|(l, h)| (l.to_string(), h.to_string())));
    ctx.insert("crumbs", &list);
}

fn render(tera: &tera::Tera, name: &str, ctx: &tera::Context, path: &str) -> Result<OutFile> {
    let html = tera.render(name, ctx).map_err(|e| {
        anyhow!(
            "rendering {path} with {name}: {}",
            super::theme::tera_error_chain(&e)
        )
    })?;
    Ok(OutFile {
        path: path.to_string(),
        bytes: html.into_bytes(),
    })
}

pub fn book_path(b: &Book) -> String {
    format!("{}/index.html", b.slug)
}
pub fn dept_path(b: &Book, d: &Department) -> String {
    format!("{}/{}/index.html", b.slug, d.slug)
}
pub fn project_path(b: &Book, d: &Department, p: &Project) -> String {
    format!("{}/{}/{}.html", b.slug, d.slug, p.slug)
}

/// One page to render.
#[derive(Debug, Clone, Copy)]
pub enum Job {
    Home,
    Book(usize),
    Department(usize, usize),
    Project(usize, usize, usize),
    Findings(usize),
    Projects(usize),
    Print(usize),
    ImportReport(usize),
    Search,
    Guide,
    Rules,
    NotFound,
    Page(usize),
}

/// The pages of the site-wide frame (home, search, guide, rules, 404, Markdown pages).
pub fn site_jobs(site: &Site) -> Vec<Job> {
    let mut jobs = vec![
        Job::Home,
        Job::Search,
        Job::Guide,
        Job::Rules,
        Job::NotFound,
    ];
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs
}

/// Every page of one book.
pub fn book_jobs(site: &Site, bi: usize) -> Vec<Job> {
    let b = &site.books[bi];
    let mut jobs = vec![
        Job::Book(bi),
        Job::Findings(bi),
        Job::Projects(bi),
        Job::Print(bi),
        Job::ImportReport(bi),
    ];
    for (di, d) in b.departments.iter().enumerate() {
        jobs.push(Job::Department(bi, di));
        jobs.extend((0..d.projects.len()).map(|pi| Job::Project(bi, di, pi)));
    }
    jobs
}

/// Render `jobs` in parallel, handing each file to `sink` as soon as it is ready (a
/// full build never holds the whole site in memory). Returns the files written and the
/// time spent drawing charts.
pub fn render_jobs(
    site: &Site,
    findings: &[BookFindings],
    tera: &tera::Tera,
    jobs: &[Job],
    sink: &dyn super::Sink,
    progress: bool,
) -> Result<(usize, Duration)> {
    let chart_time = Mutex::new(Duration::ZERO);
    // Progress on long builds: a line per tenth, on a terminal only.
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = jobs.len();
    let show = progress && total >= 5000 && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let tick = || {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if show && n.is_multiple_of((total / 10).max(1)) {
            eprintln!("  rendered {n}/{total} pages");
        }
    };
    let written = std::sync::atomic::AtomicUsize::new(0);
    jobs.par_iter().try_for_each(|job| -> Result<()> {
        tick();
        let files: Vec<OutFile> = match job {
            Job::Home => vec![home(site, findings, tera)?],
            Job::Book(bi) => {
                let (file, spent) = book_page(site, *bi, &findings[*bi], tera)?;
                if let Ok(mut t) = chart_time.lock() {
                    *t += spent;
                }
                vec![file]
            }
            Job::Department(bi, di) => department_pages(site, *bi, *di, &findings[*bi], tera)?,
            Job::Project(bi, di, pi) => {
                vec![project_page(site, *bi, *di, *pi, &findings[*bi], tera)?]
            }
            Job::Findings(bi) => findings_pages(site, *bi, &findings[*bi], tera)?,
            Job::Projects(bi) => projects::projects_pages(site, *bi, &findings[*bi], tera)?,
            Job::Print(bi) => print_pages(site, *bi, tera)?,
            Job::ImportReport(bi) => vec![import_report_page(site, *bi, tera)?],
            Job::Search => {
                let mut ctx = base(site, "search.html");
                crumbs(&mut ctx, &[("搜索", "")]);
                vec![render(tera, "search.html", &ctx, "search.html")?]
            }
            Job::Guide => {
                let mut ctx = base(site, "guide.html");
                crumbs(&mut ctx, &[("如何阅读", "")]);
                vec![render(tera, "guide.html", &ctx, "guide.html")?]
            }
            Job::Rules => vec![rules_page(site, tera)?],
            Job::NotFound => {
                let mut ctx = base(site, "404.html");
                // Served at any depth: links must be absolute.
                ctx.insert("root", &site.config.base_url);
                vec![render(tera, "404.html", &ctx, "404.html")?]
            }
            Job::Page(i) => {
                let (slug, title, md) = &site.pages[*i];
                let path = format!("{slug}.html");
                let mut ctx = base(site, &path);
                ctx.insert("title", title);
                crumbs(&mut ctx, &[(title, "")]);
                ctx.insert("body_html", &crate::markdown::render(md));
                vec![render(tera, "page.html", &ctx, &path)?]
            }
        };
        written.fetch_add(files.len(), std::sync::atomic::Ordering::Relaxed);
        for f in files {
            sink.put(f)?;
        }
        Ok(())
    })?;
    let spent = chart_time.into_inner().unwrap_or_default();
    Ok((written.into_inner(), spent))
}

#[derive(Serialize)]
struct BookCard {
    meta: BookMeta,
    total_text: String,
    departments: usize,
    projects: usize,
    indicators: usize,
    findings: usize,
    unreadable: usize,
}

fn book_sums(b: &Book) -> Sums {
    let mut s = Sums::default();
    for (_, p) in b.projects() {
        s.add(p);
    }
    s
}

fn home(site: &Site, findings: &[BookFindings], tera: &tera::Tera) -> Result<OutFile> {
    let mut ctx = base(site, "index.html");
    let cards: Vec<BookCard> = site
        .books
        .iter()
        .zip(findings)
        .map(|(b, f)| {
            let sums = book_sums(b);
            BookCard {
                meta: book_meta(site, b),
                total_text: format_amount(sums.total),
                departments: b.departments.len(),
                projects: b.project_count(),
                indicators: b
                    .projects()
                    .map(|(_, p)| p.indicators.iter().filter(|i| i.is_set()).count())
                    .sum(),
                findings: f.all().count(),
                unreadable: sums.total_unreadable,
            }
        })
        .collect();
    ctx.insert("books", &cards);
    let pages: Vec<(String, String)> = site
        .pages
        .iter()
        .map(|(s, t, _)| (format!("{s}.html"), t.clone()))
        .collect();
    ctx.insert("pages", &pages);
    render(tera, "index.html", &ctx, "index.html")
}

/// Department names without the administrative prefix the book's departments share,
/// for chart labels (the full name is in the table and the link title).
fn short_names(b: &Book) -> Vec<String> {
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
struct SourceRow {
    label: &'static str,
    text: String,
    share: String,
}

#[derive(Serialize)]
struct CoverageRow {
    slug: String,
    name: String,
    projects: usize,
    cells: Vec<String>,
}

fn book_page(
    site: &Site,
    bi: usize,
    f: &BookFindings,
    tera: &tera::Tera,
) -> Result<(OutFile, Duration)> {
    let b = &site.books[bi];
    let path = book_path(b);
    let mut ctx = base(site, &path);
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
    let spending = charts::both(|fit| {
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
    let sources_chart = charts::both(|fit| {
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
    let coverage_chart = charts::both(|fit| {
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
    let gaps_chart = charts::both(|fit| {
        charts::bars(
            "gaps",
            fit,
            "完整性缺口：涉及的项目数",
            "每一行是一项检查规则，条形长度是涉及的项目数；点击可查看具体项目。",
            &gap_bars,
            charts::VERMILLION,
        )
    });
    let hist = charts::both(|fit| {
        charts::histogram(
            "sizes",
            fit,
            "项目金额分布（个）",
            "各金额区间的项目数量；数据见下表。",
            &sizes.buckets,
        )
    });
    let conc = charts::both(|fit| {
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

    crumbs(&mut ctx, &[(&b.title, "")]);
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
    ctx.insert("largest", &projects::largest(b, 5));
    ctx.insert(
        "projects_pages",
        &b.project_count().div_ceil(projects::PROJECTS_PAGE),
    );
    let prose_html = crate::markdown::render(&b.prose);
    // The document's own prose usually opens with its own heading (编制说明).
    ctx.insert("prose_titled", &prose_html.starts_with("<h"));
    ctx.insert("prose_html", &prose_html);
    ctx.insert("chart_spending", &spending);
    ctx.insert("chart_sources", &sources_chart);
    ctx.insert("chart_coverage", &coverage_chart);
    ctx.insert("chart_gaps", &gaps_chart);
    ctx.insert("chart_sizes", &hist);
    ctx.insert("chart_concentration", &conc);
    ctx.insert(
        "book_findings",
        &f.book_level.iter().map(finding_view).collect::<Vec<_>>(),
    );
    Ok((render(tera, "book.html", &ctx, &path)?, chart_time))
}

/// URL fragment for a rule id (`coverage.quality` → `coverage-quality`).
pub fn anchor(rule: &str) -> String {
    rule.replace('.', "-")
}

#[derive(Serialize)]
struct FindingView {
    rule: String,
    anchor: String,
    title: String,
    severity: &'static str,
    severity_label: &'static str,
    message: String,
    department: String,
    department_slug: String,
    project: String,
    project_slug: String,
    place: String,
}

fn finding_view(f: &Finding) -> FindingView {
    FindingView {
        rule: f.rule.clone(),
        anchor: anchor(&f.rule),
        title: rules::rule(&f.rule)
            .map(|r| r.title)
            .unwrap_or("")
            .to_string(),
        severity: f.severity.id(),
        severity_label: f.severity.label(),
        message: f.message.clone(),
        department: f.department.clone(),
        department_slug: f.department_slug.clone(),
        project: f.project.clone(),
        project_slug: f.project_slug.clone(),
        place: f.place.clone(),
    }
}

#[derive(Serialize)]
struct DeptMeta {
    slug: String,
    name: String,
    code: String,
    aliases: Vec<String>,
    unnamed: bool,
    contents_page: Option<u32>,
    /// `file.txt:12` or `目标表.docx 表3 第1行`.
    source: String,
    notes_html: String,
}

fn dept_meta(b: &Book, d: &Department) -> DeptMeta {
    DeptMeta {
        slug: d.slug.clone(),
        name: d.name.clone(),
        code: d.code.clone().unwrap_or_default(),
        aliases: d.aliases.clone(),
        unnamed: d.unnamed,
        contents_page: d.contents.as_ref().and_then(|c| c.page),
        source: b.locate(&d.source.file, d.source.line),
        notes_html: crate::markdown::render(&d.notes),
    }
}

/// One row of an indicator tree with the rowspans of its merged cells.
#[derive(Serialize)]
pub struct TreeRow {
    level1: Option<(String, usize)>,
    level2: Option<(String, usize)>,
    name: String,
    value: String,
    /// The source line (text exports only; office files are found by `place`).
    line: u32,
    empty: bool,
    /// The form's own further columns (权重, 评分标准, 备注, 长期指标值…), as written.
    details: Vec<(String, String)>,
    /// Findings on this row: (severity id, severity label, rule title, number in the
    /// page's list of findings), so a reader sees them where they apply.
    findings: Vec<(&'static str, &'static str, String, usize)>,
}

fn level1_text(i: &Indicator) -> String {
    if !i.level1.is_empty() {
        i.level1.clone()
    } else {
        i.level1_category
            .map(|c: Level1| format!("{}指标（未写明）", c.label()))
            .unwrap_or_default()
    }
}

fn level2_text(i: &Indicator) -> String {
    if !i.level2.is_empty() {
        i.level2.clone()
    } else {
        i.level2_category
            .map(|c| format!("{}指标（未写明）", c.label()))
            .unwrap_or_default()
    }
}

/// An indicator's further columns, labelled as the common forms label them.
fn details(i: &Indicator) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let named = [
        ("指标性质", &i.operator),
        ("计量单位", &i.unit),
        ("权重", &i.weight),
        ("评分标准", &i.standard),
        ("备注", &i.note),
    ];
    for (label, v) in named {
        // Sign and unit are already part of the value shown.
        let shown = (label == "指标性质" || label == "计量单位") && i.value.contains(v.as_str());
        if !v.is_empty() && !shown {
            out.push((label.to_string(), v.clone()));
        }
    }
    out.extend(i.extra.iter().map(|e| (e.label.clone(), e.value.clone())));
    out
}

pub fn tree(indicators: &[Indicator]) -> Vec<TreeRow> {
    let mut rows: Vec<TreeRow> = indicators
        .iter()
        .map(|i| TreeRow {
            level1: None,
            level2: None,
            name: i.name.clone(),
            value: i.value.clone(),
            line: i.line,
            empty: !i.is_set(),
            details: details(i),
            findings: Vec::new(),
        })
        .collect();
    let key1 = |i: &Indicator| (level1_text(i), i.level1_category);
    let key2 = |i: &Indicator| (key1(i), level2_text(i), i.level2_category);
    let mut start = 0;
    while start < indicators.len() {
        let mut end = start + 1;
        while end < indicators.len() && key1(&indicators[end]) == key1(&indicators[start]) {
            end += 1;
        }
        rows[start].level1 = Some((level1_text(&indicators[start]), end - start));
        let mut s2 = start;
        while s2 < end {
            let mut e2 = s2 + 1;
            while e2 < end && key2(&indicators[e2]) == key2(&indicators[s2]) {
                e2 += 1;
            }
            rows[s2].level2 = Some((level2_text(&indicators[s2]), e2 - s2));
            s2 = e2;
        }
        start = end;
    }
    rows
}

#[derive(Serialize)]
struct OverallView {
    title: String,
    name_as_written: String,
    source: String,
    tasks: Vec<(String, String)>,
    goal: Option<String>,
    amounts: Vec<(String, String)>,
    tree: Vec<TreeRow>,
}

/// Projects per page of a department's table: pages must not grow with the book.
pub const DEPT_PAGE: usize = 100;

/// A department's page, split into pages of [`DEPT_PAGE`] projects when it is large
/// (`index.html`, `index_2.html`, …; `_` never occurs in a slug, so no project page
/// can collide).
fn department_pages(
    site: &Site,
    bi: usize,
    di: usize,
    f: &BookFindings,
    tera: &tera::Tera,
) -> Result<Vec<OutFile>> {
    let d = &site.books[bi].departments[di];
    let pages = d.projects.len().div_ceil(DEPT_PAGE).max(1);
    (0..pages)
        .map(|n| department_page(site, bi, di, f, tera, n, pages))
        .collect()
}

/// Items of page `n` (from 0) of `len` items split into pages of `size`.
fn page_range(len: usize, size: usize, n: usize) -> std::ops::Range<usize> {
    (n * size).min(len)..((n + 1) * size).min(len)
}

fn page_file(stem: &str, n: usize) -> String {
    if n == 0 {
        format!("{stem}.html")
    } else {
        format!("{stem}_{}.html", n + 1)
    }
}

/// Links of a pager: (label, href, is current).
fn pager(stem: &str, pages: usize, current: usize) -> Vec<(String, String, bool)> {
    if pages < 2 {
        return Vec::new();
    }
    (0..pages)
        .map(|n| ((n + 1).to_string(), page_file(stem, n), n == current))
        .collect()
}

fn department_page(
    site: &Site,
    bi: usize,
    di: usize,
    f: &BookFindings,
    tera: &tera::Tera,
    page: usize,
    pages: usize,
) -> Result<OutFile> {
    let b = &site.books[bi];
    let d = &b.departments[di];
    let path = format!("{}/{}/{}", b.slug, d.slug, page_file("index", page));
    let mut ctx = base(site, &path);
    let range = page_range(d.projects.len(), DEPT_PAGE, page);
    let rows: Vec<ProjectRow> = range
        .clone()
        .map(|pi| analyse::project_row(d, &d.projects[pi], &f.projects[di][pi]))
        .collect();
    let mut sums = Sums::default();
    for p in &d.projects {
        sums.add(p);
    }
    let row = analyse::dept_row(d, sums.total, 0);
    let coverage: Vec<(String, String)> = Level2::ALL
        .iter()
        .zip(&row.coverage)
        .map(|(c, n)| {
            (
                c.label().to_string(),
                percent(Decimal::from(*n), Decimal::from(d.projects.len())),
            )
        })
        .collect();
    let overall = d.overall.as_ref().map(|o| OverallView {
        title: o.title.clone(),
        name_as_written: o.name_as_written.clone(),
        source: b.locate(&o.source.file, o.source.line),
        tasks: o
            .tasks
            .iter()
            .map(|t| (t.name.clone(), t.content.clone()))
            .collect(),
        goal: o.goal.clone(),
        amounts: o
            .amounts
            .iter()
            .map(|a| (a.label.clone(), amount_text(&a.amount)))
            .collect(),
        tree: tree(&o.indicators),
    });
    // Department-level findings, and those of the projects on this page.
    let mut all: Vec<FindingView> = f.departments[di].iter().map(finding_view).collect();
    all.extend(f.projects[di][range].iter().flatten().map(finding_view));
    crumbs(&mut ctx, &[(&b.title, "../index.html"), (&d.name, "")]);
    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    ctx.insert("dept", &dept_meta(b, d));
    ctx.insert("projects", &rows);
    ctx.insert("total_text", &format_amount(sums.total));
    ctx.insert("fiscal_text", &format_amount(sums.fiscal));
    ctx.insert("other_text", &format_amount(sums.other));
    ctx.insert(
        "categories",
        &Level2::ALL.iter().map(|c| c.label()).collect::<Vec<_>>(),
    );
    ctx.insert("coverage", &coverage);
    ctx.insert("completeness", &row.completeness);
    ctx.insert("overall", &overall);
    ctx.insert("findings", &all);
    ctx.insert("pager", &pager("index", pages, page));
    ctx.insert("dept_projects", &d.projects.len());
    ctx.insert("page", &(page + 1));
    render(tera, "department.html", &ctx, &path)
}

#[derive(Serialize)]
struct FundLine {
    label: String,
    /// 0 for the total, 1 for its parts, 2 for the parts of 财政拨款.
    indent: u8,
    text: String,
    raw: String,
    /// The cell was written differently from the figure shown (units, separators).
    raw_differs: bool,
    unreadable: bool,
    extra: bool,
}

fn fund_lines(p: &Project) -> Vec<FundLine> {
    let f = &p.funds;
    // (label, indent level) as the official form lays the rows out.
    let label = |k: FundKind| -> (String, u8) {
        if let Some(own) = f.form_label(k) {
            let indent = match k {
                FundKind::Total => 0,
                FundKind::FiscalUpper | FundKind::FiscalOwn => 2,
                FundKind::CarryOver if !f.carry_over_beside_fiscal => 2,
                _ => 1,
            };
            return (own.to_string(), indent);
        }
        match k {
            FundKind::Total => ("年度资金总额".into(), 0),
            FundKind::Fiscal if f.carry_over_beside_fiscal => ("其中：当年财政拨款".into(), 1),
            FundKind::Fiscal => ("其中：财政拨款".into(), 1),
            FundKind::FiscalUpper => ("其中：上级补助".into(), 2),
            FundKind::FiscalOwn => ("本级安排".into(), 2),
            FundKind::CarryOver if f.carry_over_beside_fiscal => ("上年结转资金".into(), 1),
            FundKind::CarryOver => ("结转资金".into(), 2),
            FundKind::Other => ("其他资金".into(), 1),
            other => (other.label().into(), 1),
        }
    };
    let kinds: Vec<FundKind> = if f.rows.is_empty() {
        vec![FundKind::Total, FundKind::Fiscal, FundKind::Other]
    } else {
        f.rows.clone()
    };
    let mut out: Vec<FundLine> = kinds
        .iter()
        .filter_map(|k| f.get(*k).map(|a| (k, a)))
        .map(|(k, a)| {
            let (label, indent) = label(*k);
            FundLine {
                label,
                indent,
                text: amount_text(a),
                raw: a.raw.clone(),
                raw_differs: a.value.is_some_and(|v| v.to_string() != a.raw),
                unreadable: a.is_unreadable(),
                extra: false,
            }
        })
        .collect();
    for e in &f.extra {
        out.push(FundLine {
            label: e.label.clone(),
            indent: 1,
            text: amount_text(&e.amount),
            raw: e.amount.raw.clone(),
            raw_differs: false,
            unreadable: e.amount.is_unreadable(),
            // A row the form repeats, as opposed to one the model has no field for
            // (中期资金总额 beside the year's total).
            extra: e.kind != crate::model::FundKind::Unknown,
        });
    }
    out
}

#[derive(Serialize)]
struct ProjectView {
    name: String,
    slug: String,
    department_as_written: String,
    implementing_unit: String,
    flags: Vec<&'static str>,
    funds: Vec<FundLine>,
    /// The form has a goal field (its text may be empty).
    goal_field: bool,
    goal: String,
    tree: Vec<TreeRow>,
    source_file: String,
    source_line: u32,
    source_end_line: u32,
    source_place: String,
    long_goal: String,
    extra: Vec<(String, String)>,
    notes_html: String,
    categories: Vec<(String, bool)>,
    total_text: String,
    completeness: u8,
}

fn project_view(b: &Book, d: &Department, p: &Project) -> ProjectView {
    let cats = rules::categories(p);
    // Office files number rows, not lines: they are named by their place instead.
    let office = b.source(&p.source.file).filter(|s| !s.places.is_empty());
    ProjectView {
        name: p.name.clone(),
        slug: p.slug.clone(),
        department_as_written: p.department.clone(),
        implementing_unit: p.implementing_unit.clone(),
        flags: p.flags.iter().map(|f| f.label()).collect(),
        funds: fund_lines(p),
        goal_field: p.goal.is_some(),
        goal: p.goal.clone().unwrap_or_default(),
        tree: {
            let mut rows = tree(&p.indicators);
            if office.is_some() {
                // Row numbers of a Word or Excel file are not lines a reader can find.
                rows.iter_mut().for_each(|r| r.line = 0);
            }
            rows
        },
        source_file: p.source.file.clone(),
        source_line: p.source.line,
        source_end_line: p.source.end_line,
        source_place: office.map_or(String::new(), |s| s.place(p.source.line)),
        long_goal: p.long_goal.clone(),
        extra: p
            .extra
            .iter()
            .map(|e| (e.label.clone(), e.value.clone()))
            .collect(),
        notes_html: crate::markdown::render(&p.notes),
        categories: Level2::ALL
            .iter()
            .map(|c| (c.label().to_string(), cats.contains(c)))
            .collect(),
        total_text: amount_text(&p.funds.total),
        completeness: rules::completeness(p, !d.unnamed),
    }
}

fn project_page(
    site: &Site,
    bi: usize,
    di: usize,
    pi: usize,
    f: &BookFindings,
    tera: &tera::Tera,
) -> Result<OutFile> {
    let b = &site.books[bi];
    let d = &b.departments[di];
    let p = &d.projects[pi];
    let path = project_path(b, d, p);
    let mut ctx = base(site, &path);
    crumbs(
        &mut ctx,
        &[
            (&b.title, "../index.html"),
            (&d.name, "index.html"),
            (&p.name, ""),
        ],
    );
    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    ctx.insert("dept", &dept_meta(b, d));
    let mut view = project_view(b, d, p);
    let findings = &f.projects[di][pi];
    for (n, x) in findings.iter().enumerate() {
        if x.line == 0 {
            continue;
        }
        if let Some(row) = view.tree.iter_mut().find(|r| r.line == x.line) {
            let title = rules::rule(&x.rule).map(|r| r.title).unwrap_or("");
            row.findings.push((
                x.severity.id(),
                x.severity.label(),
                title.to_string(),
                n + 1,
            ));
        }
    }
    ctx.insert("project", &view);
    ctx.insert(
        "findings",
        &findings.iter().map(finding_view).collect::<Vec<_>>(),
    );
    let link = |q: &Project| (format!("{}.html", q.slug), q.name.clone());
    ctx.insert("prev", &pi.checked_sub(1).map(|i| link(&d.projects[i])));
    ctx.insert("next", &d.projects.get(pi + 1).map(link));
    render(tera, "project.html", &ctx, &path)
}

#[derive(Serialize)]
struct RuleGroup {
    id: String,
    anchor: String,
    title: String,
    severity: &'static str,
    severity_label: &'static str,
    /// All findings of the rule (the list may show only the first of them).
    count: usize,
    items: Vec<FindingView>,
    /// The page with the full list, when this one shows only the first findings.
    more: Option<String>,
}

/// Findings listed in full on the book's findings page per rule; a longer list shows
/// its first [`FINDINGS_INLINE`] there and continues on pages of its own.
pub const FINDINGS_INLINE: usize = 50;
pub const FINDINGS_PAGE: usize = 200;

fn findings_pages(
    site: &Site,
    bi: usize,
    f: &BookFindings,
    tera: &tera::Tera,
) -> Result<Vec<OutFile>> {
    let b = &site.books[bi];
    let path = format!("{}/findings.html", b.slug);
    let mut groups: Vec<RuleGroup> = Vec::new();
    let mut out = Vec::new();
    let mut by_rule: std::collections::HashMap<&str, Vec<&Finding>> = Default::default();
    for x in f.all() {
        by_rule.entry(x.rule.as_str()).or_default().push(x);
    }
    for r in rules::RULES {
        let Some(items) = by_rule.get(r.id) else {
            continue;
        };
        let group = |shown: &[&Finding], more: Option<String>| RuleGroup {
            id: r.id.to_string(),
            anchor: anchor(r.id),
            title: r.title.to_string(),
            // As configured in book.toml: every finding of a rule carries it.
            severity: items[0].severity.id(),
            severity_label: items[0].severity.label(),
            count: items.len(),
            items: shown.iter().map(|x| finding_view(x)).collect(),
            more,
        };
        if items.len() <= FINDINGS_INLINE {
            groups.push(group(items, None));
            continue;
        }
        let stem = format!("findings-{}", anchor(r.id));
        let pages = items.len().div_ceil(FINDINGS_PAGE);
        groups.push(group(&items[..FINDINGS_INLINE], Some(page_file(&stem, 0))));
        for (n, chunk) in items.chunks(FINDINGS_PAGE).enumerate() {
            let p = format!("{}/{}", b.slug, page_file(&stem, n));
            let mut ctx = base(site, &p);
            crumbs(
                &mut ctx,
                &[
                    (&b.title, "index.html"),
                    ("检查发现", "findings.html"),
                    (r.title, ""),
                ],
            );
            let g = group(chunk, None);
            ctx.insert("book", &book_meta(site, b));
            ctx.insert("draft", &(b.stage == Stage::Draft));
            ctx.insert("groups", &[g]);
            ctx.insert("departments", &Vec::<(String, String)>::new());
            ctx.insert("total", &items.len());
            ctx.insert("pager", &pager(&stem, pages, n));
            ctx.insert("page", &(n + 1));
            out.push(render(tera, "findings.html", &ctx, &p)?);
        }
    }
    let depts: Vec<(String, String)> = b
        .departments
        .iter()
        .map(|d| (d.slug.clone(), d.name.clone()))
        .collect();
    out.push(findings_data(b, f, &depts));
    let mut ctx = base(site, &path);
    crumbs(&mut ctx, &[(&b.title, "index.html"), ("检查发现", "")]);
    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    ctx.insert("groups", &groups);
    ctx.insert("departments", &depts);
    ctx.insert("total", &f.all().count());
    ctx.insert("pager", &Vec::<(String, String, bool)>::new());
    ctx.insert("page", &1);
    out.insert(0, render(tera, "findings.html", &ctx, &path)?);
    Ok(out)
}

/// Every published finding of a book, compact, for the findings page's filters: a filter
/// must show all that match, and the page itself shows only the first of a long rule.
/// Loaded only when a filter is used; a script file, so it works from `file://`.
fn findings_data(b: &Book, f: &BookFindings, depts: &[(String, String)]) -> OutFile {
    let dept_index: std::collections::HashMap<&str, usize> = depts
        .iter()
        .enumerate()
        .map(|(i, d)| (d.0.as_str(), i))
        .collect();
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut items = Vec::new();
    for r in rules::RULES {
        for x in f.all().filter(|x| x.rule == r.id) {
            let ri = match rule_ids.iter().position(|id| *id == r.id) {
                Some(i) => i,
                None => {
                    rule_ids.push(r.id);
                    rule_ids.len() - 1
                }
            };
            let di = dept_index
                .get(x.department_slug.as_str())
                .map_or(-1, |&i| i as i64);
            // Shown as page text: without the characters pages never carry.
            let t = |s: &str| crate::text::for_pages(s).into_owned();
            items.push(serde_json::json!([
                ri,
                di,
                t(&x.project),
                x.project_slug,
                t(&x.message),
                t(&x.place)
            ]));
        }
    }
    let rules: Vec<serde_json::Value> = rule_ids
        .iter()
        .filter_map(|id| rules::rule(id))
        .map(|r| {
            let sev = f.all().find(|x| x.rule == r.id).map(|x| x.severity);
            serde_json::json!([
                anchor(r.id),
                r.title,
                sev.map_or("info", |s| s.id()),
                sev.map_or("", |s| s.label())
            ])
        })
        .collect();
    let depts: Vec<(&str, String)> = depts
        .iter()
        .map(|(slug, name)| (slug.as_str(), crate::text::for_pages(name).into_owned()))
        .collect();
    let data = serde_json::json!({ "rules": rules, "depts": depts, "items": items });
    OutFile {
        path: format!("{}/data/findings.js", b.slug),
        bytes: format!("jixiaoFindings({});\n", super::json_for_script(&data)).into_bytes(),
    }
}

#[derive(Serialize)]
struct RuleView {
    id: String,
    anchor: String,
    title: &'static str,
    severity_label: &'static str,
    severity: &'static str,
    basis: &'static str,
    explain: &'static str,
    /// Published on this site; otherwise only reviewers see its findings.
    public: bool,
}

fn rules_page(site: &Site, tera: &tera::Tera) -> Result<OutFile> {
    let mut ctx = base(site, "rules.html");
    let list: Vec<RuleView> = rules::RULES
        .iter()
        .map(|r| RuleView {
            id: r.id.to_string(),
            anchor: anchor(r.id),
            title: r.title,
            severity_label: site.config.check.severity(r).label(),
            severity: site.config.check.severity(r).id(),
            basis: r.basis,
            explain: r.explain,
            public: site.config.check.public(r),
        })
        .collect();
    crumbs(&mut ctx, &[("检查规则", "")]);
    ctx.insert("rules", &list);
    render(tera, "rules.html", &ctx, "rules.html")
}

#[derive(Serialize)]
struct PrintDept {
    meta: DeptMeta,
    total_text: String,
    count: usize,
    /// The chapter: an anchor in this file, or its own file in a split report.
    href: String,
    /// The chapter's tables are in this file.
    inline: bool,
    /// `（2/5）` when a long chapter is printed in parts.
    part: String,
    projects: Vec<ProjectView>,
}

/// A book with more projects than this prints as a cover with contents and one file per
/// department chapter (a long chapter in parts of [`PRINT_PART`] projects), so no print
/// file grows with the book.
pub const PRINT_SPLIT: usize = 300;
pub const PRINT_PART: usize = 150;

fn print_pages(site: &Site, bi: usize, tera: &tera::Tera) -> Result<Vec<OutFile>> {
    let b = &site.books[bi];
    let split = b.project_count() > PRINT_SPLIT;
    let parts = |d: &Department| d.projects.len().div_ceil(PRINT_PART).max(1);
    // One chapter (or part of one): `part` of `parts`, or the whole department.
    let chapter = |d: &Department, part: Option<usize>| {
        let mut s = Sums::default();
        for p in &d.projects {
            s.add(p);
        }
        let range = match part {
            Some(n) => page_range(d.projects.len(), PRINT_PART, n),
            None if split => 0..0,
            None => 0..d.projects.len(),
        };
        PrintDept {
            meta: dept_meta(b, d),
            total_text: format_amount(s.total),
            count: d.projects.len(),
            href: if split {
                page_file(&format!("print-{}", d.slug), 0)
            } else {
                format!("#d-{}", d.slug)
            },
            inline: part.is_some() || !split,
            part: match (part, parts(d)) {
                (Some(n), k) if k > 1 => format!("（{}/{k}）", n + 1),
                _ => String::new(),
            },
            projects: d.projects[range]
                .iter()
                .map(|p| project_view(b, d, p))
                .collect(),
        }
    };
    let sums = book_sums(b);
    let page =
        |path: &str, depts: Vec<PrintDept>, cover: bool, links: Vec<(String, String, bool)>| {
            let mut ctx = base(site, path);
            ctx.insert("book", &book_meta(site, b));
            ctx.insert("draft", &(b.stage == Stage::Draft));
            ctx.insert("total_text", &format_amount(sums.total));
            ctx.insert("projects", &b.project_count());
            ctx.insert("departments", &depts);
            ctx.insert("cover", &cover);
            ctx.insert("pager", &links);
            ctx.insert(
                "prose_html",
                &if cover {
                    crate::markdown::render(&b.prose)
                } else {
                    String::new()
                },
            );
            render(tera, "print.html", &ctx, path)
        };
    let path = format!("{}/print.html", b.slug);
    let mut out = vec![page(
        &path,
        b.departments.iter().map(|d| chapter(d, None)).collect(),
        true,
        Vec::new(),
    )?];
    if split {
        for d in &b.departments {
            let stem = format!("print-{}", d.slug);
            let k = parts(d);
            for n in 0..k {
                let p = format!("{}/{}", b.slug, page_file(&stem, n));
                out.push(page(
                    &p,
                    vec![chapter(d, Some(n))],
                    false,
                    pager(&stem, k, n),
                )?);
            }
        }
    }
    Ok(out)
}

fn import_report_page(site: &Site, bi: usize, tera: &tera::Tera) -> Result<OutFile> {
    let b = &site.books[bi];
    let path = format!("{}/import-report.html", b.slug);
    let mut ctx = base(site, &path);
    let md = std::fs::read_to_string(
        site.root
            .join("content")
            .join(&b.slug)
            .join(crate::content::IMPORT_REPORT),
    )
    .unwrap_or_default();
    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    crumbs(&mut ctx, &[(&b.title, "index.html"), ("导入报告", "")]);
    ctx.insert("title", &format!("导入报告 · {}", b.title));
    ctx.insert("body_html", &crate::markdown::render(&md));
    render(tera, "page.html", &ctx, &path)
}

/// The search index over every book: departments, projects, indicator names and values.
pub fn search_index(site: &Site) -> Vec<OutFile> {
    search_builder(site, false)
        .files()
        .into_iter()
        .map(|(path, s)| OutFile {
            path,
            bytes: s.into_bytes(),
        })
        .collect()
}

/// The index over every book, documents in book order.
pub fn search_builder(site: &Site, for_updates: bool) -> IndexBuilder {
    let per_book: Vec<Vec<super::search::Tokenized>> =
        site.books.par_iter().map(book_search_docs).collect();
    let mut ix = if for_updates {
        IndexBuilder::for_updates()
    } else {
        IndexBuilder::default()
    };
    for t in per_book.into_iter().flatten() {
        ix.add_tokenized(t);
    }
    ix
}

/// The search documents of one book: each department, then its projects (tokenized in
/// parallel per department).
pub fn book_search_docs(b: &Book) -> Vec<super::search::Tokenized> {
    use super::search::tokenize;
    let per_dept: Vec<Vec<super::search::Tokenized>> = b
        .departments
        .par_iter()
        .map(|d| {
            let mut docs = Vec::with_capacity(d.projects.len() + 1);
            let mut fields: Vec<(&str, u32)> = vec![(&d.name, 10)];
            fields.extend(d.aliases.iter().map(|a| (a.as_str(), 5)));
            docs.push(tokenize(
                Doc {
                    title: d.name.clone(),
                    url: dept_path(b, d),
                    kind: "部门".into(),
                    sub: format!("{} · {} 个项目", b.title, d.projects.len()),
                },
                &fields,
            ));
            for p in &d.projects {
                let mut fields: Vec<(&str, u32)> = vec![(&p.name, 10), (&d.name, 2)];
                for i in &p.indicators {
                    fields.push((&i.name, 1));
                    fields.push((&i.value, 1));
                }
                docs.push(tokenize(
                    Doc {
                        title: p.name.clone(),
                        url: project_path(b, d, p),
                        kind: "项目".into(),
                        sub: format!(
                            "{} · {} · {} {}",
                            b.title,
                            d.name,
                            amount_text(&p.funds.total),
                            b.unit.label()
                        ),
                    },
                    &fields,
                ));
            }
            docs
        })
        .collect();
    per_dept.into_iter().flatten().collect()
}

/// Open-data downloads of one book under `<book>/data/`.
pub fn downloads(b: &Book, f: &BookFindings) -> Vec<OutFile> {
    let dir = format!("{}/data", b.slug);
    vec![
        OutFile {
            path: format!("{dir}/projects.csv"),
            bytes: crate::opendata::projects_csv(b).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/indicators.csv"),
            bytes: crate::opendata::indicators_csv(b).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/departments.csv"),
            bytes: crate::opendata::departments_csv(b).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/findings.csv"),
            bytes: crate::opendata::findings_csv(f).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/{}.json", b.slug),
            bytes: crate::opendata::book_json_with_findings(b, f).into_bytes(),
        },
        OutFile {
            path: format!("{dir}/datapackage.json"),
            bytes: crate::opendata::datapackage_json(b).into_bytes(),
        },
    ]
}

/// Sitemap protocol limit of URLs per file.
pub const SITEMAP_URLS: usize = 50_000;

/// `sitemap.xml`; above [`SITEMAP_URLS`] it becomes an index of `sitemap-N.xml` files.
pub fn sitemap(site: &Site) -> Vec<OutFile> {
    let mut urls = vec![
        "index.html".to_string(),
        "search.html".into(),
        "guide.html".into(),
        "rules.html".into(),
    ];
    urls.extend(site.pages.iter().map(|(s, _, _)| format!("{s}.html")));
    for b in &site.books {
        urls.push(book_path(b));
        urls.push(format!("{}/findings.html", b.slug));
        urls.push(format!("{}/print.html", b.slug));
        for d in &b.departments {
            urls.push(dept_path(b, d));
            urls.extend(d.projects.iter().map(|p| project_path(b, d, p)));
        }
    }
    let base = &site.config.base_url;
    let urlset = |urls: &[String]| {
        let mut s = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for u in urls {
            s.push_str("  <url><loc>");
            s.push_str(&super::escape_xml(&format!("{base}{u}")));
            s.push_str("</loc></url>\n");
        }
        s.push_str("</urlset>\n");
        s
    };
    if urls.len() <= SITEMAP_URLS {
        return vec![OutFile {
            path: "sitemap.xml".into(),
            bytes: urlset(&urls).into_bytes(),
        }];
    }
    let mut out = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in urls.chunks(SITEMAP_URLS).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str(&format!(
            "  <sitemap><loc>{}</loc></sitemap>\n",
            super::escape_xml(&format!("{base}{name}"))
        ));
        out.push(OutFile {
            path: name,
            bytes: urlset(chunk).into_bytes(),
        });
    }
    index.push_str("</sitemapindex>\n");
    out.insert(
        0,
        OutFile {
            path: "sitemap.xml".into(),
            bytes: index.into_bytes(),
        },
    );
    out
}
