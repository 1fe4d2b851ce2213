//! A book's import report as a page.

use super::*;

pub(super) fn import_report_page(site: &Site, bi: usize, tera: &tera::Tera) -> Result<OutFile> {
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
