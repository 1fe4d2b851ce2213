//! Page contexts and rendering. Each page gets only what it shows.

mod book;
mod changes;
mod compiled;
mod department;
mod downloads;
mod findings;
mod form;
mod home;
mod print;
mod project;
mod project_list;
mod report;
mod rules_page;
mod search_docs;
mod sitemap;

use super::analyse::{self, DeptRow, ProjectRow, Sums, amount_text, percent};
use super::charts;
use super::search::{Doc, IndexBuilder};
use super::theme::Theme;
use super::{OutFile, Site};
use crate::amount::format_amount;
use crate::check::{BookFindings, Finding, rules};
use crate::model::{Book, Department, FundKind, Indicator, Level1, Level2, Project, Stage};
use anyhow::{Result, anyhow};
use book::*;
pub use changes::BookChanges;
use changes::*;
pub use department::DEPT_PAGE;
use department::*;
pub use downloads::downloads;
use findings::*;
pub use findings::{FINDINGS_INLINE, FINDINGS_PAGE, anchor};
use form::*;
pub use form::{Forms, Tree, TreeRow, tree};
pub use home::book_card;
use home::*;
pub use print::print_page_numbered;
use print::*;
use project::*;
use rayon::prelude::*;
use report::*;
use rules_page::*;
use rust_decimal::Decimal;
pub use search_docs::{book_search_docs, search_books, search_builder};
use serde::Serialize;
pub use sitemap::{SITEMAP_URLS, book_urls, sitemap};
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

/// `（草案）` after a draft's title, unless the title says 草案 already.
fn title_mark(b: &Book) -> &'static str {
    if b.stage == Stage::Draft && !b.title.contains("草案") {
        "（草案）"
    } else {
        ""
    }
}

/// The address of the book's publication (book.toml `[[import]]`), or "".
fn source_url<'a>(site: &'a Site, b: &Book) -> &'a str {
    site.config
        .imports
        .iter()
        .find(|i| i.book == b.slug)
        .and_then(|i| i.source_url.as_deref())
        .unwrap_or_default()
}

fn book_meta(site: &Site, b: &Book) -> BookMeta {
    let spec = site.config.imports.iter().find(|i| i.book == b.slug);
    BookMeta {
        source_name: spec.and_then(|i| i.source_name.clone()).unwrap_or_default(),
        source_url: source_url(site, b).to_string(),
        slug: b.slug.clone(),
        title: b.title.clone(),
        year: b.year,
        stage_label: b.stage.label(),
        draft: b.stage == Stage::Draft,
        title_mark: title_mark(b),
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

/// What the compiled `base.html` shows around a page of book `b` (as [`base`] and
/// [`crumbs`] give Tera).
fn layout<'a>(
    site: &'a Site,
    b: &'a Book,
    path: &str,
    crumbs: &'a [(&'a str, &'a str)],
) -> compiled::Layout<'a> {
    compiled::Layout {
        language: &site.config.language,
        site_title: &site.config.title,
        description: &site.config.description,
        canonical: format!("{}{}", site.config.base_url, path),
        root: "../".repeat(path.matches('/').count()),
        draft: b.stage == Stage::Draft,
        crumbs,
        unit: Some(b.unit.label()),
    }
}

/// A breadcrumb: its label and link relative to the page (empty for the page itself).
#[derive(Serialize)]
struct Crumb {
    label: String,
    href: String,
}

/// Breadcrumbs: (label, link relative to the page); the last has no link.
fn crumbs(ctx: &mut tera::Context, items: &[(&str, &str)]) {
    let root = ctx
        .get("root")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let mut list = vec![Crumb {
        label: "首页".into(),
        href: format!("{root}index.html"),
    }];
    list.extend(items.iter().map(|(l, h)| Crumb {
        label: l.to_string(),
        href: h.to_string(),
    }));
    ctx.insert("crumbs", &list);
}

fn render(tera: &tera::Tera, name: &str, ctx: &tera::Context, path: &str) -> Result<OutFile> {
    // Straight into the bytes written: `Tera::render` would check the whole page is
    // UTF-8 again to return a `String` (it is: Tera writes nothing but `str`s).
    let mut bytes = Vec::with_capacity(16 * 1024);
    tera.render_to(name, ctx, &mut bytes).map_err(|e| {
        anyhow!(
            "rendering {path} with {name}: {}",
            super::theme::tera_error_chain(&e)
        )
    })?;
    Ok(OutFile {
        path: path.to_string(),
        bytes,
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
    /// The overview and the printed report, which share its figures and charts.
    Book(usize),
    Department(usize, usize),
    Project(usize, usize, usize),
    Findings(usize),
    Projects(usize),
    ImportReport(usize),
    /// The comparison with the previous version.
    Changes(usize),
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
        Job::ImportReport(bi),
    ];
    if site.changes(bi).is_some() {
        jobs.push(Job::Changes(bi));
    }
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
    theme: &Theme,
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
    let tera = &theme.tera;
    let written = std::sync::atomic::AtomicUsize::new(0);
    // A book's printed report holds the forms its project pages show: its job runs once
    // they are rendered, and takes any that were not. Only the books of these jobs get a
    // table of forms (serve renders a few books of a large site).
    let mut forms: Vec<Option<Forms>> = site.books.iter().map(|_| None).collect();
    for job in jobs {
        if let Job::Book(bi) | Job::Project(bi, ..) = *job {
            forms[bi].get_or_insert_with(|| Forms::new(&site.books[bi]));
        }
    }
    let forms_of = |bi: usize| {
        forms[bi]
            .as_ref()
            .ok_or_else(|| anyhow!("no forms for book {bi}"))
    };
    let (reports, pages): (Vec<Job>, Vec<Job>) =
        jobs.iter().partition(|j| matches!(j, Job::Book(_)));
    let run = |job: &Job| -> Result<()> {
        tick();
        let files: Vec<OutFile> = match job {
            Job::Home => vec![home(site, tera)?],
            Job::Book(bi) => {
                let (f, forms) = (&findings[*bi], forms_of(*bi)?);
                forms.fill(site, *bi, f, theme)?;
                let (files, spent) = book_pages(site, *bi, f, tera, forms)?;
                if let Ok(mut t) = chart_time.lock() {
                    *t += spent;
                }
                files
            }
            Job::Department(bi, di) => department_pages(site, *bi, *di, &findings[*bi], theme)?,
            Job::Project(bi, di, pi) => {
                let f = &findings[*bi];
                let form = forms_of(*bi)?.get_or_render(site, (*bi, *di, *pi), f, theme)?;
                vec![project_page(site, (*bi, *di, *pi), f, theme, form)?]
            }
            Job::Findings(bi) => findings_pages(site, *bi, &findings[*bi], tera)?,
            Job::Projects(bi) => project_list::projects_pages(site, *bi, &findings[*bi], tera)?,
            Job::ImportReport(bi) => vec![import_report_page(site, *bi, tera)?],
            Job::Changes(bi) => vec![changes_page(site, *bi, tera)?],
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
    };
    pages.par_iter().try_for_each(run)?;
    reports.par_iter().try_for_each(run)?;
    let spent = chart_time.into_inner().unwrap_or_default();
    Ok((written.into_inner(), spent))
}

fn book_sums(b: &Book) -> Sums {
    let mut s = Sums::default();
    for (_, p) in b.projects() {
        s.add(p);
    }
    s
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
