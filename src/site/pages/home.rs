//! The home page: every book as a card.

use super::*;

#[derive(Serialize)]
pub(super) struct BookCard {
    meta: BookMeta,
    total_text: String,
    departments: usize,
    projects: usize,
    indicators: usize,
    findings: usize,
    unreadable: usize,
}

pub(super) fn home(site: &Site, findings: &[BookFindings], tera: &tera::Tera) -> Result<OutFile> {
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
