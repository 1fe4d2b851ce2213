//! Project pages: the form, what changed since the previous version, the indicator
//! coverage and the findings.

use super::*;

/// The page fields of a project beside its form.
#[derive(Serialize)]
pub(super) struct ProjectView<'a> {
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    pub(super) flags: Vec<&'static str>,
    pub(super) source_file: &'a str,
    pub(super) source_line: u32,
    pub(super) source_end_line: u32,
    pub(super) source_place: String,
    pub(super) notes_html: String,
    pub(super) categories: Vec<Category>,
    pub(super) total_text: String,
    pub(super) completeness: u8,
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
    pub(super) label: &'static str,
    pub(super) set: bool,
}

pub(super) fn project_page(
    site: &Site,
    (bi, di, pi): (usize, usize, usize),
    f: &BookFindings,
    theme: &Theme,
    form: &str,
) -> Result<OutFile> {
    let b = &site.books[bi];
    let d = &b.departments[di];
    let p = &d.projects[pi];
    let path = project_path(b, d, p);
    let cats = rules::categories(p);
    let project = ProjectView {
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
    };
    let anchor = form_anchor(d, p);
    let change = project_mark(site, bi, di, pi);
    let findings: Vec<FindingView> = f.projects[di][pi].iter().map(finding_view).collect();
    let link = |q: &Project| (format!("{}.html", q.slug), q.name.clone());
    let prev = pi.checked_sub(1).map(|i| link(&d.projects[i]));
    let next = d.projects.get(pi + 1).map(link);
    let trail = [
        (b.title.as_str(), "../index.html"),
        (d.name.as_str(), "index.html"),
        (p.name.as_str(), ""),
    ];
    if theme.keeps(compiled::PROJECT_TEMPLATES) {
        let bytes = compiled::project_page(&compiled::ProjectPage {
            layout: layout(site, b, &path, &trail),
            book_title: &b.title,
            title_mark: title_mark(b),
            source_url: source_url(site, b),
            dept_name: &d.name,
            project: &project,
            form,
            anchor: &anchor,
            change: change.as_ref(),
            findings: &findings,
            prev: prev.as_ref().map(|(h, n)| (h.as_str(), n.as_str())),
            next: next.as_ref().map(|(h, n)| (h.as_str(), n.as_str())),
        });
        return Ok(OutFile { path, bytes });
    }
    let mut ctx = base(site, &path);
    crumbs(&mut ctx, &trail);
    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    ctx.insert("dept", &dept_meta(b, d));
    ctx.insert("project", &project);
    ctx.insert("form", form);
    ctx.insert("anchor", &anchor);
    ctx.insert("change", &change);
    ctx.insert("findings", &findings);
    ctx.insert("prev", &prev);
    ctx.insert("next", &next);
    render(&theme.tera, "project.html", &ctx, &path)
}
