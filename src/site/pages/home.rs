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

/// What the home page shows of one book (kept in the build cache, so an incremental
/// build need not load the books it does not render).
pub fn book_card(site: &Site, b: &Book, f: &BookFindings) -> serde_json::Value {
    let sums = book_sums(b);
    let card = BookCard {
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
    };
    serde_json::to_value(card).unwrap_or_default()
}

pub(super) fn home(site: &Site, tera: &tera::Tera) -> Result<OutFile> {
    let mut ctx = base(site, "index.html");
    let cards: Vec<&serde_json::Value> = site.summaries.iter().map(|s| &s.card).collect();
    ctx.insert("books", &cards);
    let pages: Vec<(String, String)> = site
        .pages
        .iter()
        .map(|(s, t, _)| (format!("{s}.html"), t.clone()))
        .collect();
    ctx.insert("pages", &pages);
    render(tera, "index.html", &ctx, "index.html")
}
