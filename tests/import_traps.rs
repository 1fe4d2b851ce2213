//! The traps of office files, one import each: float amounts, percent formats, amounts
//! in 元, a 一级 label in the middle of its group, extra columns, hidden sheets and rows,
//! one department per sheet, and files jixiao cannot read (old Word, encrypted, scans).

use jixiao::import::{ImportOptions, Imported, SourceInput, import};
use jixiao::model::{Level1, Project};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

fn fixture(name: &str) -> SourceInput {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/office")
        .join(name);
    SourceInput {
        name: name.to_string(),
        bytes: std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    }
}

fn opts() -> ImportOptions {
    ImportOptions {
        book: "traps".into(),
        ..Default::default()
    }
}

fn traps() -> Imported {
    import(&[fixture("traps.xlsx")], &opts()).expect("traps.xlsx imports")
}

fn project<'a>(i: &'a Imported, name: &str) -> &'a Project {
    i.book
        .projects()
        .map(|(_, p)| p)
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no project {name}"))
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn one_department_per_sheet() {
    let i = traps();
    let names: Vec<&str> = i.book.departments.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["某市民政局", "某市教育局"]);
    assert_eq!(i.book.departments[0].code.as_deref(), Some("301001"));
    assert!(
        i.report.accounting.balances(),
        "{}",
        i.report.accounting.line()
    );
}

#[test]
fn amounts_in_yuan_become_exact_wan_yuan() {
    let i = traps();
    let p = project(&i, "困难群众救助补助");
    // 1234567.8 元 under `单位：元`: exactly 123.45678 万元, the text kept as written.
    assert_eq!(p.funds.total.value, Some(dec("123.45678")));
    assert_eq!(p.funds.total.raw, "1234567.8");
    assert_eq!(p.funds.fiscal.value, Some(dec("100")));
    let report = i.report.to_markdown();
    assert!(report.contains("按表中所注单位“元”换算为万元"), "{report}");
}

#[test]
fn float_amounts_read_as_their_shortest_decimal() {
    let i = traps();
    let p = project(&i, "义务教育公用经费");
    // 12.3 is stored as the nearest binary float; it reads as 12.3, not its expansion.
    assert_eq!(p.funds.total.value, Some(dec("12.3")));
    assert_eq!(p.funds.total.raw, "12.3");
    // A float amount under `单位：元` (0.3 元) converts exactly, without binary noise.
    let other = &project(&i, "困难群众救助补助").funds.other;
    assert_eq!(other.raw, "0.3");
    assert_eq!(other.value, Some(dec("0.00003")));
}

#[test]
fn percent_cells_read_as_displayed() {
    let i = traps();
    let p = project(&i, "困难群众救助补助");
    let value = |name: &str| {
        p.indicators
            .iter()
            .find(|x| x.name == name)
            .map(|x| x.value.clone())
            .unwrap_or_else(|| panic!("no indicator {name}"))
    };
    assert_eq!(value("资金发放准确率"), "100%");
    assert_eq!(value("按月发放率"), "95.5%");
    assert_eq!(value("救助对象满意度"), "90%");
}

#[test]
fn a_level1_label_in_the_middle_of_its_group_covers_the_group() {
    let i = traps();
    let p = project(&i, "困难群众救助补助");
    let first = &p.indicators[0];
    assert_eq!(first.name, "救助人数");
    assert_eq!(first.level1, "产出指标");
    assert_eq!(first.level1_category, Some(Level1::Output));
    let timely = p
        .indicators
        .iter()
        .find(|x| x.name == "按月发放率")
        .unwrap();
    assert_eq!(timely.level1, "产出指标");
}

#[test]
fn extra_columns_stay_on_the_indicator() {
    let i = traps();
    let p = project(&i, "困难群众救助补助");
    assert_eq!(p.indicators.len(), 5);
    assert!(
        p.indicators.iter().all(|x| !x.weight.is_empty()),
        "{:?}",
        p.indicators
    );
    assert_eq!(p.indicators[0].weight, "20");
}

#[test]
fn hidden_sheets_and_rows_are_read_and_reported() {
    let i = traps();
    let report = i.report.to_markdown();
    assert!(report.contains("隐藏"), "{report}");
    assert!(
        report.contains("备注"),
        "the hidden sheet is named: {report}"
    );
    // The hidden row's indicator is still imported.
    let p = project(&i, "困难群众救助补助");
    assert!(
        p.indicators
            .iter()
            .any(|x| x.name == "困难群众基本生活保障")
    );
}

#[test]
fn cells_are_found_by_sheet_and_cell() {
    let i = traps();
    let report = i.report.to_markdown();
    assert!(
        report.contains("`traps.xlsx!民政局 第2行`"),
        "the unit line is placed by sheet and row: {report}"
    );
}

fn refused(bytes: Vec<u8>, name: &str) -> String {
    let input = SourceInput {
        name: name.to_string(),
        bytes,
    };
    import(&[input], &opts()).expect_err("refused").to_string()
}

fn ole(stream: &str) -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.extend(std::iter::repeat_n(0u8, 64));
    b.extend(stream.encode_utf16().flat_map(|u| u.to_le_bytes()));
    b
}

#[test]
fn old_word_encrypted_and_scans_are_refused_with_what_to_do() {
    let doc = refused(ole("WordDocument"), "目标表.doc");
    assert!(doc.starts_with("目标表.doc: "), "{doc}");
    assert!(
        doc.contains("libreoffice --headless --convert-to docx"),
        "{doc}"
    );
    let enc = refused(ole("EncryptedPackage"), "预算.xlsx");
    assert!(enc.contains("password"), "{enc}");
    let png = refused(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "scan.png");
    assert!(png.contains("no OCR"), "{png}");
}

#[test]
fn sources_keep_where_each_row_is() {
    let i = traps();
    let p = project(&i, "义务教育公用经费");
    // The book keeps the numbering, so pages and findings name the sheet and row.
    assert_eq!(
        i.book.locate("traps.xlsx", p.source.line),
        "traps.xlsx!教育局 第1行"
    );
    let first = &p.indicators[0];
    assert_eq!(
        i.book.locate("traps.xlsx", first.line),
        "traps.xlsx!教育局 第8行"
    );
}
