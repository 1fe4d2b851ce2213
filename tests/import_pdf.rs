//! PDF fixtures printed by Chromium (`tests/fixtures/pdf/make_fixtures.py`): CID fonts,
//! borders drawn as thin filled rectangles, a table over a page break with its first row
//! repeated, and a scan. The LibreOffice PDFs of `../shared` are in tests/import_office.rs.

use jixiao::import::{ImportOptions, Imported, SourceInput, import};
use jixiao::model::{Book, Project};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

fn fixture(name: &str) -> SourceInput {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pdf")
        .join(name);
    SourceInput {
        name: name.into(),
        bytes: std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    }
}

fn import_fixture(name: &str) -> Imported {
    let opts = ImportOptions {
        book: "pdf".into(),
        ..Default::default()
    };
    import(&[fixture(name)], &opts).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn project<'a>(b: &'a Book, name: &str) -> &'a Project {
    b.projects()
        .map(|(_, p)| p)
        .find(|p| p.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no project {name}: {:?}",
                b.projects().map(|(_, p)| &p.name).collect::<Vec<_>>()
            )
        })
}

#[test]
fn two_tables_on_a_page_are_two_forms_in_their_places() {
    let i = import_fixture("forms.pdf");
    let b = &i.book;
    assert_eq!(b.project_count(), 3);
    let total: Decimal = b.projects().filter_map(|(_, p)| p.funds.total.value).sum();
    assert_eq!(total, Decimal::from_str("438.9").unwrap());
    let a = project(b, "社区养老服务补贴");
    let c = project(b, "农村公路养护");
    assert_eq!(a.department, "某市民政局");
    assert_eq!(c.department, "某市交通运输局");
    assert_eq!(a.indicators.len(), 3);
    assert_eq!(c.indicators.len(), 2);
    assert_eq!(
        b.locate("forms.pdf", a.source.line),
        "forms.pdf 第1页 第1行",
        "a's title line"
    );
    assert_eq!(
        b.locate("forms.pdf", a.source.line + 1),
        "forms.pdf 第1页 表1 第1行"
    );
    assert_eq!(
        b.locate("forms.pdf", c.source.line + 1),
        "forms.pdf 第1页 表2 第1行"
    );
}

#[test]
fn a_table_over_a_page_break_is_one_form() {
    let i = import_fixture("forms.pdf");
    let b = &i.book;
    let p = project(b, "中小学校舍维修改造");
    assert_eq!(p.department, "某市教育局");
    assert_eq!(
        p.funds.total.value,
        Some(Decimal::from_str("386.4").unwrap())
    );
    // 28 output indicators and one benefit: none lost or doubled at the break, and the
    // repeated first row is not read as an indicator.
    assert_eq!(p.indicators.len(), 29);
    let names: Vec<&str> = p.indicators.iter().map(|i| i.name.as_str()).collect();
    for n in 1..=28 {
        assert!(
            names
                .iter()
                .filter(|t| t.starts_with(&format!("指标{n}：")))
                .count()
                == 1,
            "指标{n} once: {names:?}"
        );
    }
    // The group cell (一级 产出指标, rowspan over the break) runs on to page 2.
    for ind in &p.indicators[..28] {
        assert_eq!(
            (ind.level1.as_str(), ind.level2.as_str()),
            ("产出指标", "数量指标"),
            "{}",
            ind.name
        );
    }
    assert_eq!(p.indicators[28].level1, "效益指标");
    let eleventh = &p.indicators[10];
    assert_eq!(eleventh.name, "指标11：第11所学校校舍维修");
    assert_eq!(
        b.locate("forms.pdf", eleventh.line),
        "forms.pdf 第2页 表1 第2行"
    );
    // The repeated row is reported where it was dropped.
    let text = i.report.to_markdown();
    assert!(
        text.contains("`forms.pdf 第2页 表1 第1行` 续页重复的表头行，已略去"),
        "{text}"
    );
    assert!(
        i.report.accounting.balances(),
        "{}",
        i.report.accounting.line()
    );
}

#[test]
fn wrapped_cells_are_joined_and_paragraphs_kept() {
    let b = import_fixture("forms.pdf").book;
    let p = project(&b, "中小学校舍维修改造");
    assert_eq!(
        p.indicators[3].name,
        "指标4：完成全市中小学校舍安全隐患排查并建立台账，对排查出的问题逐一整改销号"
    );
    assert_eq!(
        p.goal.as_deref(),
        Some(
            "目标1：完成28所学校校舍维修，消除安全隐患，保障师生安全，改善办学条件和教学环境。\n目标2：建立校舍安全年检制度。"
        )
    );
    // The font maps 目, 小, 门 to radicals (⽬ U+2F6C…): read as the characters drawn.
    assert!(b.projects().all(|(d, p)| {
        !format!("{}{}{:?}", d.name, p.name, p.goal)
            .chars()
            .any(|c| ('\u{2E80}'..='\u{2FDF}').contains(&c))
    }));
}

#[test]
fn a_scanned_pdf_is_refused_with_help() {
    let opts = ImportOptions {
        book: "pdf".into(),
        ..Default::default()
    };
    let e = import(&[fixture("scan.pdf")], &opts).expect_err("a scan has no text to import");
    let text = e.to_string();
    assert!(
        text.starts_with("scan.pdf: this PDF has no text layer"),
        "{text}"
    );
    assert!(text.contains("no OCR"), "{text}");
    assert!(
        text.contains("help: ask for the Word or Excel file"),
        "{text}"
    );
}
