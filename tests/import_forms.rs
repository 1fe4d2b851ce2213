//! Form families beyond the shared documents (`tests/fixtures/forms/`, see RESEARCH.md
//! there): each fixture is a page as another province or system publishes it, with an
//! `expect.json` of its projects, exact Σ total in 万元, indicators and first project.

mod common;

use jixiao::import::{ImportOptions, Imported, SourceInput, import};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forms")
}

fn import_file(path: &Path) -> Imported {
    let input = SourceInput {
        name: path.file_name().unwrap().to_string_lossy().to_string(),
        bytes: std::fs::read(path).unwrap(),
    };
    let opts = ImportOptions {
        book: "forms".into(),
        ..Default::default()
    };
    import(&[input], &opts).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn dec(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(v.as_str().expect("decimal string")).unwrap()
}

/// Every mismatch between a fixture's import and its expectation.
fn mismatches(html: &Path) -> Vec<String> {
    mismatches_against(html, &html.with_extension("expect.json"))
}

fn mismatches_against(html: &Path, expect_path: &Path) -> Vec<String> {
    let e: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(expect_path).unwrap()).unwrap();
    let i = import_file(html);
    let b = &i.book;
    let name = html.file_name().unwrap().to_string_lossy().to_string();
    let mut wrong = Vec::new();
    let mut eq = |what: &str, got: String, want: String| {
        if got != want {
            wrong.push(format!("{name}: {what} = {got}, expected {want}"));
        }
    };
    let total: Decimal = b.projects().filter_map(|(_, p)| p.funds.total.value).sum();
    // The fixtures count indicator rows with a 三级 name; blank pre-printed rows
    // (经济效益 left empty) are kept by the import for the checks, but not counted here.
    let named_in =
        |p: &jixiao::model::Project| p.indicators.iter().filter(|i| !i.name.is_empty()).count();
    let indicators: usize = b.projects().map(|(_, p)| named_in(p)).sum();
    eq(
        "projects",
        b.project_count().to_string(),
        e["projects"].to_string(),
    );
    eq(
        "Σ total",
        total.normalize().to_string(),
        dec(&e["total"]).normalize().to_string(),
    );
    eq(
        "indicators",
        indicators.to_string(),
        e["indicators"].to_string(),
    );
    let named = b
        .departments
        .iter()
        .filter(|d| !d.projects.is_empty())
        .count();
    eq(
        "departments",
        named.to_string(),
        e["departments"].to_string(),
    );
    let first = &e["first_project"];
    match b.projects().next() {
        Some((d, p)) => {
            eq(
                "first name",
                p.name.clone(),
                first["name"].as_str().unwrap().to_string(),
            );
            eq(
                "first department",
                d.name.clone(),
                first["department"].as_str().unwrap().to_string(),
            );
            eq(
                "first total",
                p.funds
                    .total
                    .value
                    .map(|v| v.normalize().to_string())
                    .unwrap_or_default(),
                dec(&first["total"]).normalize().to_string(),
            );
            eq(
                "first indicators",
                named_in(p).to_string(),
                first["indicators"].to_string(),
            );
        }
        None => wrong.push(format!("{name}: no project")),
    }
    if !i.report.accounting.balances() {
        wrong.push(format!("{name}: {}", i.report.accounting.line()));
    }
    wrong
}

#[test]
fn every_form_family_imports_to_its_expectation() {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 8, "the form fixtures are missing");
    let wrong: Vec<String> = pages.iter().flat_map(|p| mismatches(p)).collect();
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// Projects and indicators as the form states them, for comparing two formats.
fn substance(b: &jixiao::model::Book) -> Vec<String> {
    let mut out = Vec::new();
    for (d, p) in b.projects() {
        let amounts = common::funds_text(&p.funds);
        out.push(format!(
            "{} / {} / {} / goal={:?} / long={:?} / {:?}",
            d.name, p.name, amounts, p.goal, p.long_goal, p.extra
        ));
        for i in &p.indicators {
            out.push(format!(
                "  {} {:?} > {} {:?} > {} = {} [{} {} {} {} {} {:?}]",
                i.level1,
                i.level1_category,
                i.level2,
                i.level2_category,
                i.name,
                i.value,
                i.operator,
                i.unit,
                i.weight,
                i.standard,
                i.note,
                i.extra
            ));
        }
    }
    out
}

/// The same pages saved as Word and Excel by LibreOffice (7.4, `tests/fixtures/
/// forms-converted/`) give the same book as the page itself. Calc turns each `<br>` in
/// a cell into a row of its own and puts headings between tables into single-cell rows;
/// Writer keeps layout tables as nested tables. `shenpi_gbk` is left out of the content
/// comparison: LibreOffice decodes its GB2312-labelled bytes strictly and turns `㎡`
/// into `©O` in the converted file itself.
#[test]
fn word_and_excel_conversions_give_the_same_book() {
    let converted = fixtures().join("../forms-converted");
    let mut wrong = Vec::new();
    let mut compared = 0;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&converted)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        let html = fixtures().join(format!("{stem}.html"));
        wrong.extend(mismatches_against(f, &html.with_extension("expect.json")));
        if stem == "shenpi_gbk" {
            continue;
        }
        let a = substance(&import_file(&html).book);
        let b = substance(&import_file(f).book);
        if a != b {
            let diff = similar::TextDiff::from_lines(&a.join("\n"), &b.join("\n"))
                .unified_diff()
                .context_radius(0)
                .to_string();
            wrong.push(format!("{}:\n{diff}", f.display()));
        }
        compared += 1;
    }
    assert!(compared >= 18, "converted fixtures missing");
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
