//! The printable annual report: cover and contents, chapters per department.

use super::*;

#[derive(Serialize)]
pub(super) struct PrintDept {
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

pub(super) fn print_pages(site: &Site, bi: usize, tera: &tera::Tera) -> Result<Vec<OutFile>> {
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
