//! Whole-document tests on the four shared source documents: counts, totals, the
//! accounting line, department aliases, and byte-identical re-import of content/.

mod common;

use jixiao::import::{SourceInput, import};
use jixiao::model::{Book, ProjectFlag, Stage};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn config() -> jixiao::config::Config {
    jixiao::config::load(&root().join("book.toml")).expect("book.toml")
}

fn seeds_available() -> bool {
    common::seeds_dir().is_dir()
}

fn imported(book: &str) -> jixiao::import::Imported {
    let spec = config()
        .imports
        .into_iter()
        .find(|s| s.book == book)
        .expect("book in book.toml");
    let inputs: Vec<SourceInput> = spec
        .files
        .iter()
        .map(|f| {
            let p = root().join(f);
            SourceInput {
                name: p.file_name().unwrap().to_string_lossy().to_string(),
                bytes: std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            }
        })
        .collect();
    import(&inputs, &spec.options()).expect("import")
}

fn overall_count(b: &Book) -> usize {
    b.departments.iter().filter(|d| d.overall.is_some()).count()
}

fn check_common(i: &jixiao::import::Imported) {
    let r = &i.report;
    assert!(r.accounting.balances(), "{}", r.accounting.line());
    assert_eq!(
        r.project_total, r.source_total,
        "sum of project totals must equal the document's own 年度资金总额/合计 cells"
    );
    assert_eq!(i.book.project_count(), r.projects);
}

#[test]
fn book_000_fantai() {
    assert!(seeds_available());
    let i = imported("fantai-2024");
    check_common(&i);
    assert_eq!(
        i.book.project_count(),
        245,
        "245 project tables, one of them without a title line"
    );
    assert_eq!(overall_count(&i.book), 1);
    assert_eq!(i.book.year, Some(2024));
    let untitled: Vec<_> = i
        .book
        .projects()
        .filter(|(_, p)| p.flags.contains(&ProjectFlag::NoTitle))
        .collect();
    assert_eq!(untitled.len(), 1);
    assert!(untitled[0].1.name.starts_with("综治、维稳"));
    // The garbled amount is kept verbatim, not guessed.
    let (_, garbled) = i
        .book
        .projects()
        .find(|(_, p)| p.funds.total.raw == "35.9816.49")
        .expect("kept verbatim");
    assert_eq!(garbled.funds.total.value, None);
    assert_eq!(i.report.source_total_unreadable, 1);
    // Thousands separators read exactly.
    assert!(
        i.book
            .projects()
            .any(|(_, p)| p.funds.total.value == Some(Decimal::from(4414)))
    );
    // Tables with an empty 部门（单位） go to the visible 未注明部门.
    let unnamed = i
        .book
        .departments
        .iter()
        .find(|d| d.unnamed)
        .expect("未注明部门");
    assert_eq!(unnamed.name, "未注明部门");
    assert_eq!(unnamed.projects.len(), 7);
    // Short and full names of one body are one department with aliases.
    let hezuo = i
        .book
        .departments
        .iter()
        .find(|d| d.name == "钒钛高新区经济合作局")
        .unwrap();
    assert!(hezuo.aliases.contains(&"经济合作局".to_string()));
    assert!(
        hezuo
            .aliases
            .contains(&"经济合作局（政务服务管理局）".to_string())
    );
}

#[test]
fn book_001_xiqu() {
    assert!(seeds_available());
    let i = imported("xiqu-2026");
    check_common(&i);
    let b = &i.book;
    assert_eq!(b.project_count(), 327);
    assert_eq!(b.stage, Stage::Draft, "the cover says 草案");
    assert_eq!(b.year, Some(2026));
    assert_eq!(b.region, "攀枝花市西区");
    assert_eq!(b.issuer, "攀枝花市西区财政局");
    assert!(
        b.prose.contains("编制说明"),
        "the 编制说明 becomes the book's prose"
    );
    // The contents list gives every unit its code; every table lands in a listed unit.
    assert_eq!(b.departments.len(), 72);
    assert!(
        b.departments
            .iter()
            .all(|d| d.code.is_some() && !d.projects.is_empty())
    );
    let dept = |code: &str| {
        b.departments
            .iter()
            .find(|d| d.code.as_deref() == Some(code))
            .unwrap()
    };
    let npc = dept("101001");
    assert_eq!(npc.name, "攀枝花市西区人民代表大会常务委员会办公室");
    assert!(
        npc.aliases
            .contains(&"西区人民代表大会常务委员会办公室".to_string())
    );
    let propaganda = dept("107001");
    assert!(
        propaganda
            .aliases
            .contains(&"中共攀枝花市西区区委宣传部".to_string())
    );
    let fagai = dept("112001");
    assert!(
        fagai
            .aliases
            .contains(&"攀枝花市西区发展和改革委员会".to_string())
    );
    // The fund row labelled twice is kept, not dropped.
    let doubled: usize = fagai.projects.iter().map(|p| p.funds.extra.len()).sum();
    assert_eq!(doubled, 6);
    // This form has no separate goal field.
    assert!(b.projects().all(|(_, p)| p.goal.is_none()));
    assert!(b.projects().all(|(_, p)| p.funds.total.value.is_some()));
    assert!(
        b.projects()
            .filter(|(_, p)| p.funds.fiscal_upper.value.is_some())
            .count()
            > 300
    );
}

#[test]
fn book_002_renhe() {
    assert!(seeds_available());
    let i = imported("renhe-caizheng-2021");
    check_common(&i);
    let b = &i.book;
    assert_eq!(
        b.project_count(),
        16,
        "14 titled tables and 2 headless fragments"
    );
    let placeholder = b
        .projects()
        .filter(|(_, p)| p.flags.contains(&ProjectFlag::PlaceholderName))
        .count();
    assert_eq!(placeholder, 4);
    let fragments: Vec<_> = b
        .projects()
        .filter(|(_, p)| p.flags.contains(&ProjectFlag::Fragment))
        .collect();
    assert_eq!(fragments.len(), 2);
    assert!(
        fragments.iter().all(|(d, _)| d.unnamed),
        "fragments name no department"
    );
    assert_eq!(fragments[1].1.funds.fiscal.value, Some(Decimal::from(30)));
    assert_eq!(i.report.source_total_cells, 14);
}

#[test]
fn book_004_zhangye() {
    assert!(seeds_available());
    let i = imported("zhangye-jingkai-2024");
    check_common(&i);
    let b = &i.book;
    assert_eq!(b.project_count(), 6);
    assert_eq!(overall_count(b), 1);
    let overall = b
        .departments
        .iter()
        .find_map(|d| d.overall.as_ref())
        .unwrap();
    let amount = |label: &str| {
        overall
            .amounts
            .iter()
            .find(|a| a.label == label)
            .and_then(|a| a.amount.value)
    };
    assert_eq!(amount("当年财政拨款"), Some("14438.25".parse().unwrap()));
    assert_eq!(amount("收入预算合计"), Some(Decimal::from(12253)));
    assert_eq!(amount("基本支出合计"), Some("1170.63".parse().unwrap()));
    assert!(b.projects().all(|(_, p)| {
        p.flags
            .contains(&ProjectFlag::DepartmentFromImplementingUnit)
    }));
    assert_eq!(
        i.report.project_total,
        "4405.78".parse::<Decimal>().unwrap()
    );
}

/// Every file under a folder, as (relative path, bytes).
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn reimport_reproduces_committed_content_byte_for_byte() {
    assert!(seeds_available());
    let tmp = tempfile::tempdir().unwrap();
    for spec in config().imports {
        let i = imported(&spec.book);
        jixiao::content::write_book(&i.book, &i.report.to_markdown(), tmp.path()).unwrap();
        let committed = tree(&root().join("content").join(&spec.book));
        let fresh = tree(&tmp.path().join(&spec.book));
        let names = |t: &Vec<(PathBuf, Vec<u8>)>| t.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&committed),
            names(&fresh),
            "file list of {}",
            spec.book
        );
        for ((p, a), (_, b)) in committed.iter().zip(fresh.iter()) {
            assert!(
                a == b,
                "{}/{} differs from a fresh import",
                spec.book,
                p.display()
            );
        }
    }
}

#[test]
fn content_loads_back_to_the_imported_model() {
    assert!(seeds_available());
    let books = jixiao::content::load_books(&root().join("content")).expect("content loads");
    assert_eq!(books.len(), 4);
    let i = imported("renhe-caizheng-2021");
    let loaded = books
        .iter()
        .find(|b| b.slug == "renhe-caizheng-2021")
        .unwrap();
    assert_eq!(loaded.departments, i.book.departments);
    assert_eq!(loaded.title, i.book.title);
}
