//! The downloads re-import to the same content: CSV (with departments.csv and
//! datapackage.json) and JSON.

use jixiao::import::{ImportOptions, SourceInput, import};
use jixiao::opendata;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn books() -> Vec<jixiao::model::Book> {
    jixiao::content::load_books(&root().join("content")).expect("content loads")
}

fn input(name: &str, text: String) -> SourceInput {
    SourceInput {
        name: name.into(),
        bytes: text.into_bytes(),
    }
}

#[test]
fn csv_downloads_reimport_to_the_same_book() {
    for book in books() {
        let opts = ImportOptions {
            book: book.slug.clone(),
            ..Default::default()
        };
        let inputs = vec![
            input("projects.csv", opendata::projects_csv(&book)),
            input("indicators.csv", opendata::indicators_csv(&book)),
            input("departments.csv", opendata::departments_csv(&book)),
            input("datapackage.json", opendata::datapackage_json(&book)),
        ];
        let back = import(&inputs, &opts).expect("CSV re-import").book;
        assert_eq!(back.title, book.title);
        assert_eq!(back.stage, book.stage);
        assert_eq!(
            back.departments.len(),
            book.departments.len(),
            "{}",
            book.slug
        );
        for (a, b) in back.departments.iter().zip(&book.departments) {
            assert_eq!(a.slug, b.slug);
            assert_eq!(a.projects, b.projects, "{} / {}", book.slug, b.name);
            assert_eq!(a.overall, b.overall);
            assert_eq!(a.aliases, b.aliases);
        }
    }
}

#[test]
fn json_download_reimports_to_the_same_book() {
    for book in books() {
        let opts = ImportOptions {
            book: book.slug.clone(),
            ..Default::default()
        };
        let back = import(&[input("book.json", opendata::book_json(&book))], &opts)
            .expect("JSON re-import")
            .book;
        assert_eq!(back, book);
    }
}

#[test]
fn csv_cells_are_safe_for_spreadsheets() {
    let book = books().into_iter().next().unwrap();
    let csv = opendata::projects_csv(&book);
    assert!(csv.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            let first = cell.chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '@' | '＝' | '＋' | '＠')),
                "{cell}"
            );
        }
    }
}

/// Excel on a Chinese Windows saves a CSV back in GB18030 (GBK), without the BOM: it
/// still re-imports to the same book.
#[test]
fn csv_downloads_saved_back_as_gbk_reimport() {
    let book = books()
        .into_iter()
        .find(|b| b.slug == "fantai-2024")
        .expect("bundled book fantai-2024");
    let gbk = |name: &str, text: String| {
        let text = text
            .strip_prefix(opendata::BOM)
            .unwrap_or(&text)
            .to_string();
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
        assert!(!unmappable);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "{name} is no longer UTF-8"
        );
        SourceInput {
            name: name.into(),
            bytes: bytes.into_owned(),
        }
    };
    let inputs = vec![
        gbk("projects.csv", opendata::projects_csv(&book)),
        gbk("indicators.csv", opendata::indicators_csv(&book)),
        gbk("departments.csv", opendata::departments_csv(&book)),
        input("datapackage.json", opendata::datapackage_json(&book)),
    ];
    let opts = ImportOptions {
        book: book.slug.clone(),
        ..Default::default()
    };
    let back = import(&inputs, &opts)
        .unwrap_or_else(|e| panic!("GBK CSV re-import: {e}"))
        .book;
    for (a, b) in back.departments.iter().zip(&book.departments) {
        assert_eq!(a.projects, b.projects, "{}", b.name);
    }
    assert_eq!(back.departments.len(), book.departments.len());
}
