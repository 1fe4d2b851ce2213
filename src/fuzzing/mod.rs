//! The properties the fuzzers check, shared by the `cargo fuzz` targets in `fuzz/` and
//! `tests/fuzz_regressions.rs` (which replays the inputs that found bugs and the seed
//! documents), so both check the same thing. Each function panics only when a property
//! fails.

pub mod read_docx;
pub mod read_html;
pub mod read_pdf;
pub mod read_xlsx;

use crate::amount::{self, Amount};
use crate::check::{self, rules::Settings};
use crate::import::{ImportOptions, SourceInput, import};
use crate::model::Book;
use crate::opendata;
use rust_decimal::Decimal;
use std::path::Path;

/// A reader's grid is well formed: spans of at least 1, each row's cells left to right
/// without overlapping, no merge running past the last row.
fn assert_grid_well_formed(grid: &crate::sources::Grid) {
    for (r, row) in grid.rows.iter().enumerate() {
        let mut next_free = 0u64;
        for cell in &row.cells {
            assert!(
                cell.colspan >= 1 && cell.rowspan >= 1,
                "span 0 in row {}: {cell:?}",
                r + 1
            );
            let col = u64::from(cell.col);
            assert!(
                col >= next_free,
                "row {}: cells overlap or go right to left: {:?}",
                r + 1,
                row.cells
            );
            next_free = col + u64::from(cell.colspan);
            assert!(
                r + cell.rowspan as usize <= grid.rows.len(),
                "rowspan past the last row: {cell:?}"
            );
        }
    }
}

fn options() -> ImportOptions {
    ImportOptions {
        book: "fuzz".into(),
        ..Default::default()
    }
}

/// Arbitrary bytes as a source document. Either an error that names the file, or a book
/// whose line accounting balances, whose content files load back to the same model,
/// whose checks and downloads run, and whose CSV and JSON downloads import back to it.
pub fn import_bytes(data: &[u8]) {
    let input = SourceInput {
        name: "fuzz.txt".into(),
        bytes: data.to_vec(),
    };
    match import(&[input], &options()) {
        Ok(imported) => {
            let acc = &imported.report.accounting;
            assert!(acc.balances(), "accounting: {}", acc.line());
            let _ = imported.report.to_markdown();
            book_survives_the_pipeline(&imported.book);
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("fuzz.txt"),
                "error must name the file: {msg}"
            );
        }
    }
}

/// Arbitrary rows under the header of `projects.csv`.
pub fn import_csv_rows(data: &[u8]) {
    let mut bytes = opendata::headings(opendata::PROJECT_COLUMNS)
        .join(",")
        .into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(data);
    let input = SourceInput {
        name: "projects.csv".into(),
        bytes,
    };
    match import(&[input], &options()) {
        Ok(imported) => book_survives_the_pipeline(&imported.book),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("projects.csv"),
                "error must name the file: {msg}"
            );
        }
    }
}

/// Arbitrary text as a content file: a project, a department `_index.md` or a book
/// `_index.md`. Errors point at a line of the text; what loads survives the pipeline.
pub fn content_text(text: &str) {
    let path = Path::new("content/fuzz/d/p.md");
    let lines = text.lines().count().max(1) + 1;
    let in_text = |e: &crate::content::ContentError| {
        assert!(
            e.line >= 1 && e.line <= lines && e.col >= 1,
            "error points outside the file: {e}"
        );
        assert!(e.to_string().starts_with("content/fuzz/d/p.md:"), "{e}");
    };
    let mut book = match crate::content::parse_book(path, text) {
        Ok(b) => b,
        Err(e) => {
            in_text(&e);
            Book {
                slug: "fuzz".into(),
                title: "书".into(),
                region: String::new(),
                issuer: String::new(),
                year: Some(2024),
                stage: Default::default(),
                unit: crate::amount::Unit::Wan,
                date: String::new(),
                sources: Vec::new(),
                prose: String::new(),
                departments: Vec::new(),
            }
        }
    };
    book.slug = "fuzz".into();
    let mut dept = match crate::content::parse_department(path, text) {
        Ok(d) => d,
        Err(e) => {
            in_text(&e);
            return;
        }
    };
    dept.slug = "d".into();
    match crate::content::parse_project(path, text) {
        Ok(mut p) => {
            p.slug = "p".into();
            dept.projects.push(p);
        }
        Err(e) => in_text(&e),
    }
    book.departments.push(dept);
    let findings = check::check_book(&book, &Settings::default());
    let _ = opendata::findings_csv(&findings);
    let _ = crate::markdown::render(&book.prose);
    downloads_run(&book);
}

/// The checks, the downloads and a content round trip of one book.
fn book_survives_the_pipeline(book: &Book) {
    // Content files store notes normalised; everything else comes back as it was.
    use crate::content::normalise_notes;
    for d in &book.departments {
        let mut want = d.without_projects();
        let text = crate::content::to_text(&want, &d.notes).expect("department serialises");
        let mut back = crate::content::parse_department(Path::new("_index.md"), &text)
            .unwrap_or_else(|e| panic!("department file does not load back: {e}\n{text}"));
        back.slug = d.slug.clone();
        want.notes = normalise_notes(&want.notes);
        assert_eq!(back, want);
        for p in &d.projects {
            let text = crate::content::to_text(p, &p.notes).expect("project serialises");
            let mut back = crate::content::parse_project(Path::new("p.md"), &text)
                .unwrap_or_else(|e| panic!("project file does not load back: {e}\n{text}"));
            back.slug = p.slug.clone();
            let mut want = p.clone();
            want.notes = normalise_notes(&want.notes);
            assert_eq!(back, want);
        }
    }
    let findings = check::check_book(book, &Settings::default());
    let _ = opendata::findings_csv(&findings);
    let (csv_in, json_in) = downloads_run(book);
    let opts = ImportOptions {
        book: book.slug.clone(),
        ..Default::default()
    };
    let from_json = import(&json_in, &opts).expect("JSON download imports back");
    assert_eq!(from_json.book, *book, "JSON download round trip");
    let from_csv = import(&csv_in, &opts).expect("CSV downloads import back");
    assert_eq!(
        from_csv.book.departments.len(),
        book.departments.len(),
        "CSV round trip: departments"
    );
    for (a, b) in from_csv.book.departments.iter().zip(&book.departments) {
        assert_eq!(
            a.projects, b.projects,
            "CSV round trip: projects of {}",
            b.name
        );
    }
}

/// Every download of a book; returns the CSV set and the JSON as import inputs.
fn downloads_run(book: &Book) -> (Vec<SourceInput>, Vec<SourceInput>) {
    let input = |name: &str, text: String| SourceInput {
        name: name.into(),
        bytes: text.into_bytes(),
    };
    let csv = vec![
        input("projects.csv", opendata::projects_csv(book)),
        input("indicators.csv", opendata::indicators_csv(book)),
        input("departments.csv", opendata::departments_csv(book)),
        input("datapackage.json", opendata::datapackage_json(book)),
    ];
    let json = vec![input("book.json", opendata::book_json(book))];
    (csv, json)
}

/// Arbitrary text as an amount cell. A value is read exactly (the digits written, or
/// the 元 figure divided by 10,000 without rounding) or not at all; display rounding
/// and the content round trip never panic or change the value.
pub fn amount_text(text: &str) {
    let a = Amount::parse(text);
    if let Some(v) = a.value {
        let written = written_digits(&a.raw);
        let exact = Decimal::from_str_exact(&written.0).unwrap_or_else(|e| {
            panic!("{text:?} read as {v} but {:?} is not exact: {e}", written.0)
        });
        let expected = if written.1 {
            exact / Decimal::from(10_000)
        } else {
            exact
        };
        assert_eq!(v, expected, "{text:?} read as {v}");
        if written.1 {
            assert_eq!(
                v * Decimal::from(10_000),
                exact,
                "{text:?}: 元 → 万元 rounded"
            );
        }
        let shown = amount::format_amount(v);
        assert!(shown.ends_with(|c: char| c.is_ascii_digit()), "{shown}");
    }
    // The content file keeps the amount as it was read.
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Cell {
        a: Amount,
    }
    let cell = Cell { a };
    let toml_text = toml::to_string(&cell).expect("amount serialises");
    let back: Cell = toml::from_str(&toml_text)
        .unwrap_or_else(|e| panic!("amount does not load back: {e}\n{toml_text}"));
    assert_eq!(back, cell);
    // The CSV re-import reads value and raw columns.
    if let Ok(b) = opendata::parse_amount(text, text) {
        let _ = b.value.map(amount::format_amount);
    }
}

/// The number as written in an amount cell, without separators and unit, and whether
/// it was in 元. Written apart from `amount::parse_wan` on purpose: it is the oracle.
fn written_digits(raw: &str) -> (String, bool) {
    let k = crate::text::key(raw);
    let yuan = k.ends_with('元') && !k.ends_with("万元");
    (k.trim_end_matches(['万', '元']).replace(',', ""), yuan)
}
