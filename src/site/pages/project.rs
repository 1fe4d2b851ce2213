//! Project pages: the form, what changed since the previous version, the indicator
//! coverage and the findings.

use super::*;

/// The page fields of a project beside its form.
#[derive(Serialize)]
struct ProjectView<'a> {
    name: &'a str,
    slug: &'a str,
    flags: Vec<&'static str>,
    source_file: &'a str,
    source_line: u32,
    source_end_line: u32,
    source_place: String,
    notes_html: String,
    categories: Vec<Category>,
    total_text: String,
    completeness: u8,
}

/// Where a project's table is in its source, when that is an office file (empty for
/// text exports, which are found by line).
pub(super) fn source_place(b: &Book, p: &Project) -> String {
    office_source(b, p)
        .map(|office| office.place(p.source.line))
        .unwrap_or_default()
}

pub(super) fn office_source<'a>(b: &'a Book, p: &Project) -> Option<&'a crate::model::SourceFile> {
    b.source(&p.source.file).filter(|s| !s.places.is_empty())
}

/// A 二级指标 category and whether the project sets an indicator of it.
#[derive(Serialize)]
pub(super) struct Category {
    label: &'static str,
    set: bool,
}


pub(super) fn project_page(
    site: &Site,
    bi: usize,
    di: usize,
    pi: usize,
    f: &BookFindings,
    tera: &tera::Tera,
    form: &str,
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
    let cats = rules::categories(p);
    ctx.insert(
        "project",
        &ProjectView {
            name: &p.name,
            slug: &p.slug,
            flags: p.flags.iter().map(|f| f.label()).collect(),
            source_file: &p.source.file,
            source_line: p.source.line,
            source_end_line: p.source.end_line,
            source_place: source_place(b, p),
            notes_html: crate::markdown::render(&p.notes),
            categories: Level2::ALL
                .iter()
                .map(|c| Category {
                    label: c.label(),
                    set: cats.contains(c),
                })
                .collect(),
            total_text: amount_text(&p.funds.total),
            completeness: rules::completeness(p, !d.unnamed),
        },
    );
    ctx.insert("form", form);
    ctx.insert("anchor", &form_anchor(d, p));
    ctx.insert("change", &project_mark(site, bi, di, pi));
    let findings = &f.projects[di][pi];
    ctx.insert(
        "findings",
        &findings.iter().map(finding_view).collect::<Vec<_>>(),
    );
    let link = |q: &Project| (format!("{}.html", q.slug), q.name.clone());
    ctx.insert("prev", &pi.checked_sub(1).map(|i| link(&d.projects[i])));
    ctx.insert("next", &d.projects.get(pi + 1).map(link));
    render(tera, "project.html", &ctx, &path)
}
