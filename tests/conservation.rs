//! Conservation over the bundled books: nothing of a source document is lost between
//! the source, the content, the site and its downloads.
//!
//! * every non-empty source line is in the content or in the import report, checked
//!   against the files themselves rather than the importer's own accounting;
//! * each book's amounts add up to the same sum in the source, the content, the JSON and
//!   CSV downloads and on the book's page;
//! * CSV downloads → `jixiao import` → build reproduces the same pages.

mod common;

use common::files;
use jixiao::forms::labels;
use jixiao::model::Book;
use jixiao::site::{BuildOptions, build};
use jixiao::sources::text::decode;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

fn root() -> PathBuf {
    common::manifest()
}

fn seeds_available() -> bool {
    common::seeds_dir().is_dir()
}

fn config() -> jixiao::config::Config {
    jixiao::config::load(&root().join("book.toml")).unwrap()
}

fn books() -> Vec<Book> {
    jixiao::content::load_books(&root().join("content")).unwrap()
}

fn import_report(book: &str) -> String {
    std::fs::read_to_string(root().join("content").join(book).join("import-report.md")).unwrap()
}

/// Text compared without layout: no whitespace, no Markdown backslash escapes.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\\' && !c.is_control())
        .collect()
}

fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// A cell that is part of the printed form (a label, a heading, the unit), not data.
fn is_form_label(cell: &str) -> bool {
    let k = jixiao::text::label_key(cell);
    let unit: String = cell
        .chars()
        .filter(|c| !"（）()：: 单位".contains(*c) && !c.is_whitespace())
        .collect();
    unit == "万元"
        || labels::field(&k).is_some()
        || labels::table_title(&k).is_some()
        || labels::year_line(&k).is_some()
        || labels::fund_kind(&k).is_some()
        || labels::starts_funds_block(&k)
        || labels::indicator_block(&k)
        || labels::is_indicator_heading(&k).is_some()
        || labels::level1(&k).is_some()
        || labels::level2(&k).is_some()
        || labels::level2_cut_short(&k).is_some()
        || labels::is_ambiguous_level(&k)
        || labels::is_decoration(&k)
        || labels::annex_label(&k)
}

#[test]
fn every_non_empty_source_line_is_in_the_content_or_the_report() {
    assert!(seeds_available());
    let books = books();
    for spec in config().imports {
        let book = books.iter().find(|b| b.slug == spec.book).unwrap();
        let report = import_report(&book.slug);
        // Everything the content holds, as exact strings and as one searchable text.
        let mut all = Vec::new();
        strings(
            &serde_json::to_value(jixiao::opendata::book_json_value(book)).unwrap(),
            &mut all,
        );
        let exact: HashSet<String> = all.iter().map(|s| norm(s)).collect();
        let haystack = norm(&all.join("\u{1}")) + &norm(&report);
        let (mut lines_checked, mut cells_checked) = (0, 0);
        let mut missing = Vec::new();
        for f in &spec.files {
            let path = root().join(f);
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let reported: BTreeSet<usize> = report
                .match_indices(&format!("`{name}:"))
                .filter_map(|(i, m)| {
                    let rest = &report[i + m.len()..];
                    rest[..rest.find('`')?].parse().ok()
                })
                .collect();
            let decoded = decode(&std::fs::read(&path).unwrap()).unwrap();
            for (i, line) in decoded.lines.iter().enumerate() {
                let n = i + 1;
                if line.trim().is_empty() || reported.contains(&n) {
                    continue;
                }
                lines_checked += 1;
                for cell in line.split('\t') {
                    let c = norm(&jixiao::text::strip_artifacts(
                        &jixiao::text::strip_controls(cell),
                    ));
                    if c.is_empty() || is_form_label(cell) {
                        continue;
                    }
                    cells_checked += 1;
                    // The cover's "<issuer>编制" line is the issuer field.
                    let c = c.strip_suffix("编制").map_or(c.clone(), str::to_string);
                    if !(exact.contains(&c) || haystack.contains(&c)) {
                        missing.push(format!(
                            "{name}:{n}: «{}» (line: {})",
                            cell.trim(),
                            common::short(&line, 120)
                        ));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "{}: {} source cells are neither in the content nor in the import report:\n{}",
            book.slug,
            missing.len(),
            missing[..missing.len().min(40)].join("\n")
        );
        assert!(lines_checked > 100, "{}: {lines_checked} lines", book.slug);
        assert!(cells_checked > 100, "{}: {cells_checked} cells", book.slug);
    }
}

fn bundled_site() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&BuildOptions {
        root: root(),
        out: out.clone(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .unwrap();
    let all = files(&out);
    (tmp, all)
}

fn sum_csv(bytes: &[u8]) -> (Decimal, usize) {
    let text = std::str::from_utf8(bytes).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let col = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "年度资金总额")
        .unwrap();
    let mut sum = Decimal::ZERO;
    let mut n = 0;
    for rec in r.records() {
        let cell = rec.unwrap()[col].to_string();
        if !cell.is_empty() {
            sum += Decimal::from_str_exact(&cell).unwrap();
            n += 1;
        }
    }
    (sum, n)
}

#[test]
fn amounts_add_up_alike_in_source_content_json_csv_and_pages() {
    assert!(seeds_available());
    let (_tmp, site) = bundled_site();
    let books = books();
    for spec in config().imports {
        let book = books.iter().find(|b| b.slug == spec.book).unwrap();
        // Source: each total read again from the source line its project came from.
        let sources: BTreeMap<String, Vec<String>> = spec
            .files
            .iter()
            .map(|f| {
                let p = root().join(f);
                (
                    p.file_name().unwrap().to_string_lossy().to_string(),
                    decode(&std::fs::read(&p).unwrap()).unwrap().lines,
                )
            })
            .collect();
        let (mut from_source, mut from_content, mut n) = (Decimal::ZERO, Decimal::ZERO, 0);
        for (_, p) in book.projects() {
            let Some(v) = p.funds.total.value else {
                continue;
            };
            from_content += v;
            n += 1;
            let lines = &sources[&p.source.file];
            let end = p.source.end_line.max(p.source.line) as usize;
            let raw = &p.funds.total.raw;
            let found = lines[p.source.line as usize - 1..end.min(lines.len())]
                .iter()
                .any(|l| {
                    l.split('\t')
                        .any(|c| jixiao::text::clean(c) == raw.as_str())
                });
            assert!(
                found,
                "{}: {}: total «{raw}» is not a cell of source lines {}–{end}",
                book.slug, p.name, p.source.line
            );
            assert_eq!(
                jixiao::amount::parse_wan(raw),
                Some(v),
                "{}: {}",
                book.slug,
                p.name
            );
            from_source += jixiao::amount::parse_wan(raw).unwrap();
        }
        assert!(n >= 5, "{}: {n} totals", book.slug);
        assert_eq!(
            from_source, from_content,
            "{}: source vs content",
            book.slug
        );

        let json: jixiao::opendata::BookJson =
            serde_json::from_slice(&site[&format!("{0}/data/{0}.json", book.slug)]).unwrap();
        let json_book = json.into_book();
        let (from_json, json_n) = json_book
            .projects()
            .filter_map(|(_, p)| p.funds.total.value)
            .fold((Decimal::ZERO, 0), |(s, k), v| (s + v, k + 1));
        assert_eq!(
            (from_json, json_n),
            (from_content, n),
            "{}: JSON",
            book.slug
        );

        let (from_csv, csv_n) = sum_csv(&site[&format!("{}/data/projects.csv", book.slug)]);
        assert_eq!((from_csv, csv_n), (from_content, n), "{}: CSV", book.slug);

        let page = String::from_utf8(site[&format!("{}/index.html", book.slug)].clone()).unwrap();
        let shown = jixiao::amount::format_amount(from_content);
        assert!(
            page.contains(&shown),
            "{}: the book page shows the sum {shown}",
            book.slug
        );
    }
}

#[test]
fn csv_downloads_imported_again_build_the_same_pages() {
    let (_tmp, site) = bundled_site();
    let again = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("book.toml"), again.path().join("book.toml")).unwrap();
    let content = again.path().join("content");
    for book in books() {
        let imported = common::import_csv_downloads(&site, &book.slug);
        // The import report is the original one: a CSV re-import has no source lines
        // of its own to report on.
        let report = import_report(&book.slug);
        jixiao::content::write_book(&imported.book, &report, &content).unwrap();
    }
    let out = again.path().join("public");
    build(&BuildOptions {
        root: again.path().to_path_buf(),
        out: out.clone(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .unwrap();
    let rebuilt = files(&out);
    let differ: Vec<&String> = site
        .keys()
        .chain(rebuilt.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|k| site.get(*k) != rebuilt.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} files differ after CSV → import → build, e.g. {:?}",
        differ.len(),
        site.len(),
        &differ[..differ.len().min(10)]
    );
}
