//! What the site-wide pages (home, sitemap, search manifest) need of each book. The
//! build cache keeps it, so an incremental build renders these pages without loading
//! the books that did not change.

use super::Site;
use crate::check::BookFindings;
use crate::model::Book;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookSummary {
    pub slug: String,
    /// The home page's card of the book, as the template sees it.
    pub card: serde_json::Value,
    /// The book's pages in the sitemap.
    pub urls: Vec<String>,
    /// The book's title as the search's book filter shows it.
    pub search_title: String,
    /// Search documents: one per department and one per project.
    pub docs: usize,
}

pub fn summarise(site: &Site, b: &Book, f: &BookFindings) -> BookSummary {
    BookSummary {
        slug: b.slug.clone(),
        card: super::pages::book_card(site, b, f),
        urls: super::pages::book_urls(b, site.config.previous(&b.slug).is_some()),
        search_title: crate::text::for_pages(&b.title).into_owned(),
        docs: doc_count(b),
    }
}

/// Search documents of a book: one per department and one per project.
pub fn doc_count(b: &Book) -> usize {
    b.departments.len() + b.project_count()
}

/// Summaries of every book of `site`, in book order.
pub fn summarise_all(site: &Site, findings: &[BookFindings]) -> Vec<BookSummary> {
    use rayon::prelude::*;
    site.books
        .par_iter()
        .zip(findings.par_iter())
        .map(|(b, f)| summarise(site, b, f))
        .collect()
}
