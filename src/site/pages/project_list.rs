//! The book's project list: every project with its department, money, share of the book,
//! indicators, completeness and findings; sortable, and filterable by a word. Paged, so
//! no page grows with the book.

use super::{base, book_meta, crumbs, page_file, page_range, pager, render};
use crate::check::BookFindings;
use crate::model::Stage;
use crate::site::analyse::{self, percent};
use crate::site::{OutFile, Site};
use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;

/// Projects per page of the list.
pub const PROJECTS_PAGE: usize = 1000;

#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    project: analyse::ProjectRow,
    department: String,
    department_slug: String,
    share_text: String,
}

pub fn projects_pages(
    site: &Site,
    bi: usize,
    f: &BookFindings,
    tera: &tera::Tera,
) -> Result<Vec<OutFile>> {
    let b = &site.books[bi];
    let all: Vec<(usize, usize)> = b
        .departments
        .iter()
        .enumerate()
        .flat_map(|(di, d)| (0..d.projects.len()).map(move |pi| (di, pi)))
        .collect();
    let sums = super::book_sums(b);
    let pages = all.len().div_ceil(PROJECTS_PAGE).max(1);
    (0..pages)
        .map(|n| {
            let rows: Vec<Row> = all[page_range(all.len(), PROJECTS_PAGE, n)]
                .iter()
                .map(|&(di, pi)| {
                    let d = &b.departments[di];
                    let p = &d.projects[pi];
                    Row {
                        project: analyse::project_row(d, p, &f.projects[di][pi]),
                        department: d.name.clone(),
                        department_slug: d.slug.clone(),
                        share_text: p
                            .funds
                            .total
                            .value
                            .map(|v| percent(v, sums.total))
                            .unwrap_or_default(),
                    }
                })
                .collect();
            let path = format!("{}/{}", b.slug, page_file("projects", n));
            let mut ctx = base(site, &path);
            crumbs(&mut ctx, &[(&b.title, "index.html"), ("项目一览", "")]);
            ctx.insert("book", &book_meta(site, b));
            ctx.insert("draft", &(b.stage == Stage::Draft));
            ctx.insert("rows", &rows);
            ctx.insert("count", &all.len());
            ctx.insert("total_text", &crate::amount::format_amount(sums.total));
            ctx.insert("pager", &pager("projects", pages, n));
            ctx.insert("page", &(n + 1));
            render(tera, "projects.html", &ctx, &path)
        })
        .collect()
}

/// The largest projects of a book (name, department, link, amount, share), largest first.
#[derive(Serialize)]
pub struct Largest {
    name: String,
    department: String,
    href: String,
    total_text: String,
    share_text: String,
}

/// `total`: the book's project money (the overview has summed it already).
pub fn largest(b: &crate::model::Book, total: Decimal, n: usize) -> Vec<Largest> {
    let mut all: Vec<(&crate::model::Department, &crate::model::Project, Decimal)> = b
        .departments
        .iter()
        .flat_map(|d| {
            d.projects
                .iter()
                .filter_map(move |p| p.funds.total.value.map(|v| (d, p, v)))
        })
        .collect();
    // Largest first; ties in the document's order (a stable sort).
    all.sort_by_key(|x| std::cmp::Reverse(x.2));
    all.into_iter()
        .take(n)
        .map(|(d, p, v)| Largest {
            name: p.name.clone(),
            department: d.name.clone(),
            href: format!("{}/{}.html", d.slug, p.slug),
            total_text: crate::amount::format_amount(v),
            share_text: percent(v, total),
        })
        .collect()
}
