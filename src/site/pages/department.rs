//! Department pages: summary, the project table (paged), the overall-spending form.

use super::*;

#[derive(Serialize)]
pub(super) struct DeptMeta {
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) code: String,
    pub(super) aliases: Vec<String>,
    pub(super) unnamed: bool,
    pub(super) contents_page: Option<u32>,
    /// `file.txt:12` or `目标表.docx 表3 第1行`.
    pub(super) source: String,
    pub(super) notes_html: String,
}

pub(super) fn dept_meta(b: &Book, d: &Department) -> DeptMeta {
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

#[derive(Serialize)]
pub(super) struct OverallView {
    pub(super) title: String,
    pub(super) name_as_written: String,
    pub(super) source: String,
    pub(super) tasks: Vec<(String, String)>,
    pub(super) goal: Option<String>,
    pub(super) amounts: Vec<(String, String)>,
    pub(super) tree: Tree,
}

/// A line of a department's project table.
#[derive(Serialize)]
pub(super) struct DeptProjectRow {
    pub(super) slug: String,
    pub(super) name: String,
    pub(super) total: Option<Decimal>,
    pub(super) total_text: String,
    pub(super) fiscal_text: String,
    pub(super) indicators: usize,
    /// The 二级指标 categories set, each followed by a space (the 覆盖 cell's tooltip),
    /// written here once instead of by a loop over the categories in every row.
    pub(super) categories_title: String,
    pub(super) categories_set: usize,
    pub(super) completeness: u8,
    pub(super) findings: usize,
    /// What changed since the previous version (empty without one).
    pub(super) marks: Vec<Badge>,
}

impl From<ProjectRow> for DeptProjectRow {
    fn from(r: ProjectRow) -> Self {
        let mut categories_title = String::new();
        for (c, set) in Level2::ALL.iter().zip(&r.categories) {
            if *set {
                categories_title.push_str(c.label());
                categories_title.push(' ');
            }
        }
        DeptProjectRow {
            slug: r.slug,
            name: r.name,
            total: r.total,
            total_text: r.total_text,
            fiscal_text: r.fiscal_text,
            indicators: r.indicators,
            categories_title,
            categories_set: r.categories_set,
            completeness: r.completeness,
            findings: r.findings,
            marks: Vec::new(),
        }
    }
}

/// Projects per page of a department's table: pages must not grow with the book.
pub const DEPT_PAGE: usize = 100;

/// A department's page, split into pages of [`DEPT_PAGE`] projects when it is large
/// (`index.html`, `index_2.html`, …; `_` never occurs in a slug, so no project page
/// can collide).
pub(super) fn department_pages(
    site: &Site,
    bi: usize,
    di: usize,
    f: &BookFindings,
    theme: &Theme,
) -> Result<Vec<OutFile>> {
    let d = &site.books[bi].departments[di];
    let pages = d.projects.len().div_ceil(DEPT_PAGE).max(1);
    (0..pages)
        .map(|n| department_page(site, bi, di, f, theme, n, pages))
        .collect()
}

pub(super) fn department_page(
    site: &Site,
    bi: usize,
    di: usize,
    f: &BookFindings,
    theme: &Theme,
    page: usize,
    pages: usize,
) -> Result<OutFile> {
    let b = &site.books[bi];
    let d = &b.departments[di];
    let path = format!("{}/{}/{}", b.slug, d.slug, page_file("index", page));
    let range = page_range(d.projects.len(), DEPT_PAGE, page);
    let rows: Vec<DeptProjectRow> = range
        .clone()
        .map(|pi| {
            let mut row = DeptProjectRow::from(analyse::project_row(
                d,
                &d.projects[pi],
                &f.projects[di][pi],
            ));
            row.marks = project_badges(site, bi, di, pi);
            row
        })
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
    let dept = dept_meta(b, d);
    let pager = pager("index", pages, page);
    let change = dept_mark(site, bi, di);
    let total_text = format_amount(sums.total);
    let fiscal_text = format_amount(sums.fiscal);
    let other_text = format_amount(sums.other);
    let trail = [(b.title.as_str(), "../index.html"), (d.name.as_str(), "")];
    if theme.keeps(compiled::DEPARTMENT_TEMPLATES) {
        let bytes = compiled::department_page(&compiled::DepartmentPage {
            layout: layout(site, b, &path, &trail),
            book_slug: &b.slug,
            book_title: &b.title,
            title_mark: title_mark(b),
            unit: b.unit.label(),
            dept: &dept,
            dept_projects: d.projects.len(),
            projects: &rows,
            total_text: &total_text,
            fiscal_text: &fiscal_text,
            other_text: &other_text,
            categories: Level2::ALL.len(),
            coverage: &coverage,
            completeness: row.completeness,
            overall: overall.as_ref(),
            findings: &all,
            pager: &pager,
            page: page + 1,
            change: change.as_ref(),
        });
        return Ok(OutFile { path, bytes });
    }
    let mut ctx = base(site, &path);
    crumbs(&mut ctx, &trail);
    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    ctx.insert("dept", &dept);
    ctx.insert("projects", &rows);
    ctx.insert("total_text", &total_text);
    ctx.insert("fiscal_text", &fiscal_text);
    ctx.insert("other_text", &other_text);
    ctx.insert(
        "categories",
        &Level2::ALL.iter().map(|c| c.label()).collect::<Vec<_>>(),
    );
    ctx.insert("coverage", &coverage);
    ctx.insert("completeness", &row.completeness);
    ctx.insert("overall", &overall);
    ctx.insert("findings", &all);
    ctx.insert("pager", &pager);
    ctx.insert("dept_projects", &d.projects.len());
    ctx.insert("change", &change);
    ctx.insert("page", &(page + 1));
    render(&theme.tera, "department.html", &ctx, &path)
}
