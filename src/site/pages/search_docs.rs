//! What the search index holds: one document per book, department and project.

use super::*;

/// The index over every book, documents in book order.
pub fn search_builder(site: &Site, for_updates: bool) -> IndexBuilder {
    let per_book: Vec<Vec<crate::site::search::Tokenized>> =
        site.books.par_iter().map(book_search_docs).collect();
    let mut ix = if for_updates {
        IndexBuilder::for_updates()
    } else {
        IndexBuilder::default()
    };
    for t in per_book.into_iter().flatten() {
        ix.add_tokenized(t);
    }
    ix.set_books(search_books(site));
    ix
}

/// (slug, title) of every book, for the search manifest's book filter.
pub fn search_books(site: &Site) -> Vec<(String, String)> {
    site.summaries
        .iter()
        .map(|s| (s.slug.clone(), s.search_title.clone()))
        .collect()
}

/// The search documents of one book: each department, then its projects (tokenized in
/// parallel per department).
pub fn book_search_docs(b: &Book) -> Vec<crate::site::search::Tokenized> {
    use crate::site::search::{snippet_text, tokenize};
    let per_dept: Vec<Vec<crate::site::search::Tokenized>> = b
        .departments
        .par_iter()
        .map(|d| {
            let mut docs = Vec::with_capacity(d.projects.len() + 1);
            let mut fields: Vec<(&str, u32)> = vec![(&d.name, 10)];
            fields.extend(d.aliases.iter().map(|a| (a.as_str(), 5)));
            docs.push(tokenize(
                Doc {
                    title: d.name.clone(),
                    url: dept_path(b, d),
                    kind: "部门".into(),
                    sub: format!("{} · {} 个项目", b.title, d.projects.len()),
                    // What the department spends on: its projects' names.
                    text: snippet_text(d.projects.iter().map(|p| p.name.as_str()), "、"),
                },
                &fields,
            ));
            for p in &d.projects {
                let mut fields: Vec<(&str, u32)> = vec![(&p.name, 10), (&d.name, 2)];
                for i in &p.indicators {
                    fields.push((&i.name, 1));
                    fields.push((&i.value, 1));
                }
                docs.push(tokenize(
                    Doc {
                        title: p.name.clone(),
                        url: project_path(b, d, p),
                        kind: "项目".into(),
                        sub: format!(
                            "{} · {} · {} {}",
                            b.title,
                            d.name,
                            amount_text(&p.funds.total),
                            b.unit.label()
                        ),
                        // The goal, then each indicator with its value: where most
                        // matches that are not in the name are.
                        text: {
                            let pairs: Vec<String> = p
                                .indicators
                                .iter()
                                .filter(|i| i.is_set())
                                .map(|i| format!("{}：{}", i.name, i.value))
                                .collect();
                            snippet_text(
                                p.goal
                                    .as_deref()
                                    .into_iter()
                                    .chain(pairs.iter().map(String::as_str)),
                                "；",
                            )
                        },
                    },
                    &fields,
                ));
            }
            docs
        })
        .collect();
    per_dept.into_iter().flatten().collect()
}
