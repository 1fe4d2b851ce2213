//! Open-data downloads of a book — `projects.csv`, `indicators.csv`, `departments.csv`,
//! `<book>.json` — and reading them back, so people can fix data in a spreadsheet and
//! import it again.
//!
//! CSVs are UTF-8 with a BOM (Excel opens them correctly), amounts are exact decimal
//! strings, and text cells that a spreadsheet would run as a formula are neutralised with
//! a leading apostrophe (removed again on import).

use crate::amount::Amount;
use crate::model::{
    Book, Department, FundKind, FundRow, Funds, Indicator, Level1, Level2, Project, ProjectFlag,
    SourceRef,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

pub const BOM: &str = "\u{feff}";
pub const JSON_FORMAT: &str = "jixiao-book/1";

pub const PROJECT_COLUMNS: &[&str] = &[
    "book",
    "department",
    "department_code",
    "department_as_written",
    "project",
    "implementing_unit",
    "total",
    "fiscal",
    "fiscal_upper",
    "fiscal_own",
    "carry_over",
    "other",
    "total_raw",
    "fiscal_raw",
    "fiscal_upper_raw",
    "fiscal_own_raw",
    "carry_over_raw",
    "other_raw",
    "carry_over_beside_fiscal",
    "fund_rows",
    "fund_extra",
    "fund_labels",
    "funds_line",
    "goal",
    "has_goal_field",
    "long_goal",
    "project_extra",
    "flags",
    "indicators",
    "source_file",
    "source_line",
    "source_end_line",
    "notes",
];

pub const INDICATOR_COLUMNS: &[&str] = &[
    "book",
    "department",
    "project",
    "source_line",
    "level1",
    "level1_category",
    "level2",
    "level2_category",
    "level3",
    "value",
    "line",
    "operator",
    "unit",
    "weight",
    "standard",
    "note",
    "extra",
];

pub const DEPARTMENT_COLUMNS: &[&str] = &[
    "book",
    "department",
    "department_code",
    "aliases",
    "unnamed",
    "source_file",
    "source_line",
    "contents_text",
    "contents_line",
    "contents_page",
    "projects",
    "overall",
    "notes",
];

/// The Chinese column heading a CSV download carries for a machine name (the names stay
/// in `datapackage.json`, as `jixiao:key`). One heading per name across the tables, and
/// no two names share a heading, so a heading read back names its column.
pub fn label(key: &str) -> &str {
    match key {
        "book" => "册",
        "department" => "部门",
        "department_code" => "部门编码",
        "department_as_written" => "表中部门名称",
        "project" => "项目名称",
        "implementing_unit" => "实施单位",
        "total" => "年度资金总额",
        "fiscal" => "财政拨款",
        "fiscal_upper" => "其中上级补助",
        "fiscal_own" => "其中本级安排",
        "carry_over" => "结转资金",
        "other" => "其他资金",
        "total_raw" => "年度资金总额（原文）",
        "fiscal_raw" => "财政拨款（原文）",
        "fiscal_upper_raw" => "上级补助（原文）",
        "fiscal_own_raw" => "本级安排（原文）",
        "carry_over_raw" => "结转资金（原文）",
        "other_raw" => "其他资金（原文）",
        "carry_over_beside_fiscal" => "结转资金与财政拨款并列",
        "fund_rows" => "资金行",
        "fund_extra" => "资金附加行",
        "fund_labels" => "资金栏名称",
        "funds_line" => "资金所在行",
        "goal" => "总体目标",
        "has_goal_field" => "表样有总体目标栏",
        "long_goal" => "中长期目标",
        "project_extra" => "其他栏目",
        "flags" => "标记",
        "indicators" => "指标数",
        "source_file" => "源文件",
        "source_line" => "起始行",
        "source_end_line" => "结束行",
        "notes" => "备注",
        "level1" => "一级指标",
        "level1_category" => "一级指标类别",
        "level2" => "二级指标",
        "level2_category" => "二级指标类别",
        "level3" => "三级指标",
        "value" => "指标值",
        "line" => "所在行",
        "operator" => "比较符",
        "unit" => "计量单位",
        "weight" => "权重",
        "standard" => "评分标准",
        "note" => "指标说明",
        "extra" => "指标其他栏目",
        "aliases" => "别名",
        "unnamed" => "未署名部门",
        "contents_text" => "目录原文",
        "contents_line" => "目录所在行",
        "contents_page" => "目录页码",
        "projects" => "项目数",
        "overall" => "部门整体支出表",
        "rule" => "规则编号",
        "severity" => "级别",
        "title" => "规则",
        "message" => "说明",
        "file" => "文件",
        other => other,
    }
}

/// The columns of every CSV download.
const ALL_COLUMNS: [&[&str]; 4] = [
    PROJECT_COLUMNS,
    INDICATOR_COLUMNS,
    DEPARTMENT_COLUMNS,
    FINDING_COLUMNS,
];

/// The machine name of a CSV heading: a Chinese heading, or the name itself (downloads
/// from before the headings were Chinese).
fn key_of(heading: &str) -> &str {
    ALL_COLUMNS
        .iter()
        .flat_map(|c| c.iter())
        .find(|k| label(k) == heading)
        .copied()
        .unwrap_or(heading)
}

/// The heading row of a download.
pub fn headings(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|c| label(c).to_string()).collect()
}

/// Neutralise a text cell a spreadsheet would treat as a formula (`=`, `+`, `-`, `@`,
/// their full-width forms, tab and carriage return at the start).
pub fn neutralise(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some(c) if is_formula_start(c) => format!("'{s}").into(),
        _ => s.into(),
    }
}

fn is_formula_start(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠' | '|' | '%'
    )
}

/// Undo [`neutralise`].
pub fn unneutralise(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(is_formula_start) => rest.to_string(),
        _ => s.to_string(),
    }
}

fn dec(a: &Amount) -> String {
    a.value.map(|v| v.to_string()).unwrap_or_default()
}

fn flags_text(flags: &[ProjectFlag]) -> String {
    flags
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn kinds_text(kinds: &[FundKind]) -> String {
    kinds
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(";")
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// One CSV row of text cells (borrowed where a cell needs no change).
fn record(w: &mut csv::Writer<Vec<u8>>, cells: &[Cow<'_, str>]) {
    let _ = w.write_record(cells.iter().map(|c| c.as_bytes()));
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    let bytes = w.into_inner().unwrap_or_default();
    format!("{BOM}{}", String::from_utf8(bytes).unwrap_or_default())
}

/// A CSV download cut by department: its header line and each department's rows,
/// written once for both the book's file and each department's own.
pub struct CsvByDepartment {
    head: Vec<u8>,
    parts: Vec<Vec<u8>>,
}

impl CsvByDepartment {
    fn write(
        columns: &[&str],
        book: &Book,
        rows: impl Fn(&mut csv::Writer<Vec<u8>>, &crate::model::Department),
    ) -> Self {
        let mut w = writer();
        let _ = w.write_record(headings(columns));
        let head = w.into_inner().unwrap_or_default();
        let parts = book
            .departments
            .iter()
            .map(|d| {
                let mut w = writer();
                rows(&mut w, d);
                w.into_inner().unwrap_or_default()
            })
            .collect();
        CsvByDepartment { head, parts }
    }

    fn file<'a>(&'a self, parts: impl Iterator<Item = &'a Vec<u8>>) -> Vec<u8> {
        let mut out = Vec::with_capacity(BOM.len() + self.head.len());
        out.extend_from_slice(BOM.as_bytes());
        out.extend_from_slice(&self.head);
        parts.for_each(|p| out.extend_from_slice(p));
        out
    }

    /// The book's file.
    pub fn whole(&self) -> Vec<u8> {
        self.file(self.parts.iter())
    }

    /// The file of the book's department `di` alone.
    pub fn department(&self, di: usize) -> Vec<u8> {
        self.file(std::iter::once(&self.parts[di]))
    }
}

/// `projects.csv`: one row per project.
pub fn projects_csv(book: &Book) -> String {
    String::from_utf8(projects_by_department(book).whole()).unwrap_or_default()
}

pub fn projects_by_department(book: &Book) -> CsvByDepartment {
    let slug = neutralise(&book.slug);
    CsvByDepartment::write(PROJECT_COLUMNS, book, |w, d| {
        let dept = neutralise(&d.name);
        let code = neutralise(d.code.as_deref().unwrap_or(""));
        for p in &d.projects {
            let f = &p.funds;
            let row = [
                slug.clone(),
                dept.clone(),
                code.clone(),
                neutralise(&p.department),
                neutralise(&p.name),
                neutralise(&p.implementing_unit),
                dec(&f.total).into(),
                dec(&f.fiscal).into(),
                dec(&f.fiscal_upper).into(),
                dec(&f.fiscal_own).into(),
                dec(&f.carry_over).into(),
                dec(&f.other).into(),
                neutralise(&f.total.raw),
                neutralise(&f.fiscal.raw),
                neutralise(&f.fiscal_upper.raw),
                neutralise(&f.fiscal_own.raw),
                neutralise(&f.carry_over.raw),
                neutralise(&f.other.raw),
                f.carry_over_beside_fiscal.to_string().into(),
                kinds_text(&f.rows).into(),
                json_cell(&f.extra, f.extra.is_empty()),
                json_cell(&f.labels, f.labels.is_empty()),
                f.line.to_string().into(),
                neutralise(p.goal.as_deref().unwrap_or("")),
                p.goal.is_some().to_string().into(),
                neutralise(&p.long_goal),
                json_cell(&p.extra, p.extra.is_empty()),
                flags_text(&p.flags).into(),
                p.indicators.len().to_string().into(),
                neutralise(&p.source.file),
                p.source.line.to_string().into(),
                p.source.end_line.to_string().into(),
                neutralise(&p.notes),
            ];
            record(w, &row);
        }
    })
}

/// A cell holding `v` as JSON, neutralised; empty when `empty`.
fn json_cell<T: Serialize + ?Sized>(v: &T, empty: bool) -> Cow<'static, str> {
    if empty {
        return "".into();
    }
    neutralise(&serde_json::to_string(v).unwrap_or_default())
        .into_owned()
        .into()
}

/// `indicators.csv`: one row per indicator.
pub fn indicators_csv(book: &Book) -> String {
    String::from_utf8(indicators_by_department(book).whole()).unwrap_or_default()
}

pub fn indicators_by_department(book: &Book) -> CsvByDepartment {
    let slug = neutralise(&book.slug);
    CsvByDepartment::write(INDICATOR_COLUMNS, book, |w, d| {
        let dept = neutralise(&d.name);
        for p in &d.projects {
            let project = neutralise(&p.name);
            let line = p.source.line.to_string();
            for i in &p.indicators {
                let row = [
                    slug.clone(),
                    dept.clone(),
                    project.clone(),
                    line.as_str().into(),
                    neutralise(&i.level1),
                    i.level1_category
                        .map(|c| c.label())
                        .unwrap_or_default()
                        .into(),
                    neutralise(&i.level2),
                    i.level2_category
                        .map(|c| c.label())
                        .unwrap_or_default()
                        .into(),
                    neutralise(&i.name),
                    neutralise(&i.value),
                    i.line.to_string().into(),
                    neutralise(&i.operator),
                    neutralise(&i.unit),
                    neutralise(&i.weight),
                    neutralise(&i.standard),
                    neutralise(&i.note),
                    if i.extra.is_empty() {
                        "".into()
                    } else {
                        // JSON keeps each heading with its value whatever they contain.
                        serde_json::to_string(&i.extra).unwrap_or_default().into()
                    },
                ];
                record(w, &row);
            }
        }
    })
}

/// `departments.csv`: one row per department, with its aliases and 整体支出 table.
pub fn departments_csv(book: &Book) -> String {
    let mut w = writer();
    let _ = w.write_record(headings(DEPARTMENT_COLUMNS));
    for d in &book.departments {
        let row = [
            neutralise(&book.slug),
            neutralise(&d.name),
            neutralise(d.code.as_deref().unwrap_or("")),
            neutralise(&d.aliases.join("；")).into_owned().into(),
            d.unnamed.to_string().into(),
            neutralise(&d.source.file),
            d.source.line.to_string().into(),
            neutralise(d.contents.as_ref().map_or("", |c| c.text.as_str())),
            d.contents
                .as_ref()
                .map_or(String::new(), |c| c.line.to_string())
                .into(),
            d.contents
                .as_ref()
                .and_then(|c| c.page)
                .map_or(String::new(), |p| p.to_string())
                .into(),
            d.projects.len().to_string().into(),
            match &d.overall {
                Some(o) => json_cell(o, false),
                None => "".into(),
            },
            neutralise(&d.notes),
        ];
        record(&mut w, &row);
    }
    finish(w)
}

/// The whole book as JSON: everything the content holds, plus per-project findings
/// when given.
#[derive(Debug, Serialize, Deserialize)]
pub struct BookJson {
    pub format: String,
    pub slug: String,
    #[serde(flatten)]
    pub meta: Book,
    pub prose: String,
    pub departments: Vec<DepartmentJson>,
    /// Findings of the checks (written by the site; ignored on import).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<crate::check::Finding>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DepartmentJson {
    pub slug: String,
    #[serde(flatten)]
    pub department: Department,
    pub notes: String,
    pub projects: Vec<ProjectJson>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ProjectJson {
    pub slug: String,
    #[serde(flatten)]
    pub project: Project,
    pub notes: String,
}

pub fn book_json_value(book: &Book) -> BookJson {
    BookJson {
        format: JSON_FORMAT.to_string(),
        slug: book.slug.clone(),
        meta: book.clone_meta(),
        prose: book.prose.clone(),
        departments: book
            .departments
            .iter()
            .map(|d| DepartmentJson {
                slug: d.slug.clone(),
                department: d.without_projects(),
                notes: d.notes.clone(),
                projects: d
                    .projects
                    .iter()
                    .map(|p| ProjectJson {
                        slug: p.slug.clone(),
                        project: p.clone(),
                        notes: p.notes.clone(),
                    })
                    .collect(),
            })
            .collect(),
        findings: Vec::new(),
    }
}

impl BookJson {
    pub fn into_book(self) -> Book {
        let mut book = self.meta;
        book.slug = self.slug;
        book.prose = self.prose;
        book.departments = self
            .departments
            .into_iter()
            .map(|dj| {
                let mut d = dj.department;
                d.slug = dj.slug;
                d.notes = dj.notes;
                d.projects = dj
                    .projects
                    .into_iter()
                    .map(|pj| {
                        let mut p = pj.project;
                        p.slug = pj.slug;
                        p.notes = pj.notes;
                        p
                    })
                    .collect();
                d
            })
            .collect();
        book
    }
}

// ---- reading back -------------------------------------------------------------------

/// A CSV as read: header → column index, and the records.
pub struct Table {
    pub name: String,
    columns: std::collections::HashMap<String, usize>,
    pub rows: Vec<(u32, csv::StringRecord)>,
}

impl Table {
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Table, (u32, String)> {
        // Written as UTF-8; a spreadsheet on a Chinese Windows saves it back as GB18030.
        let (_, text) = crate::sources::text::decode_text(bytes).map_err(|e| {
            let line = e.place().map_or(1, |p| p.0);
            (
                line,
                format!("{e}: save the CSV as UTF-8 (\"CSV UTF-8\" in Excel)"),
            )
        })?;
        let text = text.strip_prefix(BOM).unwrap_or(&text);
        let mut r = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let header = r.headers().map_err(|e| (1, e.to_string()))?.clone();
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, h)| (key_of(h).to_string(), i))
            .collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as u32);
                (line, format!("{e}"))
            })?;
            let line = rec.position().map_or(0, |p| p.line() as u32);
            rows.push((line, rec));
        }
        Ok(Table {
            name: name.to_string(),
            columns,
            rows,
        })
    }

    pub fn has(&self, col: &str) -> bool {
        self.columns.contains_key(col)
    }

    /// A text cell, un-neutralised; empty when the column is absent.
    pub fn get(&self, rec: &csv::StringRecord, col: &str) -> String {
        self.columns
            .get(col)
            .and_then(|&i| rec.get(i))
            .map(unneutralise)
            .unwrap_or_default()
    }
}

/// Which download a CSV is, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    Projects,
    Indicators,
    Departments,
}

pub fn csv_kind(t: &Table) -> Option<CsvKind> {
    if t.has("level3") && t.has("value") {
        Some(CsvKind::Indicators)
    } else if t.has("total") && t.has("project") {
        Some(CsvKind::Projects)
    } else if t.has("aliases") && t.has("department") {
        Some(CsvKind::Departments)
    } else {
        None
    }
}

pub fn parse_amount(value: &str, raw: &str) -> Result<Amount, String> {
    let value = value.trim();
    let v = if value.is_empty() {
        None
    } else {
        Some(rust_decimal::Decimal::from_str_exact(value).map_err(|_| {
            format!("\"{value}\" is not an exact decimal amount (at most 28 digits)")
        })?)
    };
    let raw = if raw.is_empty() {
        v.map(|v| v.to_string()).unwrap_or_default()
    } else {
        raw.to_string()
    };
    Ok(Amount { value: v, raw })
}

/// A `;`-separated list of serde names (`placeholder-name;fragment`).
fn parse_list<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<Vec<T>, String> {
    s.split(';')
        .filter(|x| !x.trim().is_empty())
        .map(|x| {
            serde_json::from_value(serde_json::Value::String(x.trim().to_string()))
                .map_err(|_| format!("unknown {what} \"{x}\""))
        })
        .collect()
}

pub fn parse_level1(s: &str) -> Result<Option<Level1>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    Level1::ALL
        .iter()
        .find(|c| c.label() == s)
        .copied()
        .map(Some)
        .ok_or_else(|| format!("unknown 一级指标 category \"{s}\""))
}

pub fn parse_level2(s: &str) -> Result<Option<Level2>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    Level2::ALL
        .iter()
        .find(|c| c.label() == s)
        .copied()
        .map(Some)
        .ok_or_else(|| format!("unknown 二级指标 category \"{s}\""))
}

/// A project from a `projects.csv` row (indicators are joined in later).
pub fn project_from_row(t: &Table, rec: &csv::StringRecord) -> Result<Project, String> {
    let g = |c: &str| t.get(rec, c);
    let num = |c: &str| -> Result<u32, String> {
        let v = g(c);
        if v.is_empty() {
            Ok(0)
        } else {
            v.parse()
                .map_err(|_| format!("column {c}: \"{v}\" is not a line number"))
        }
    };
    let amount = |c: &str| {
        parse_amount(&g(c), &g(&format!("{c}_raw"))).map_err(|e| format!("column {c}: {e}"))
    };
    let extra: Vec<FundRow> = {
        let s = g("fund_extra");
        if s.is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&s).map_err(|e| format!("column fund_extra: {e}"))?
        }
    };
    let funds = Funds {
        total: amount("total")?,
        fiscal: amount("fiscal")?,
        fiscal_upper: amount("fiscal_upper")?,
        fiscal_own: amount("fiscal_own")?,
        carry_over: amount("carry_over")?,
        other: amount("other")?,
        carry_over_beside_fiscal: g("carry_over_beside_fiscal") == "true",
        rows: parse_list(&g("fund_rows"), "fund row")?,
        line: num("funds_line")?,
        extra,
        labels: match g("fund_labels").as_str() {
            "" => Default::default(),
            l => serde_json::from_str(l).map_err(|e| format!("column fund_labels: {e}"))?,
        },
    };
    let has_goal = match g("has_goal_field").as_str() {
        "false" => false,
        "true" => true,
        _ => !g("goal").is_empty(),
    };
    Ok(Project {
        slug: String::new(),
        name: g("project"),
        department: g("department_as_written"),
        implementing_unit: g("implementing_unit"),
        goal: if has_goal { Some(g("goal")) } else { None },
        long_goal: g("long_goal"),
        extra: match g("project_extra").as_str() {
            "" => Vec::new(),
            e => serde_json::from_str(e).map_err(|e| format!("column project_extra: {e}"))?,
        },
        source: SourceRef {
            file: g("source_file"),
            line: num("source_line")?,
            end_line: num("source_end_line")?,
        },
        flags: parse_list(&g("flags"), "flag")?,
        funds,
        indicators: Vec::new(),
        notes: g("notes"),
    })
}

pub fn indicator_from_row(t: &Table, rec: &csv::StringRecord) -> Result<Indicator, String> {
    let g = |c: &str| t.get(rec, c);
    let line = g("line");
    Ok(Indicator {
        level1: g("level1"),
        level1_category: parse_level1(&g("level1_category"))?,
        level2: g("level2"),
        level2_category: parse_level2(&g("level2_category"))?,
        name: g("level3"),
        value: g("value"),
        line: if line.is_empty() {
            0
        } else {
            line.parse()
                .map_err(|_| format!("column line: \"{line}\" is not a line number"))?
        },
        operator: g("operator"),
        unit: g("unit"),
        weight: g("weight"),
        standard: g("standard"),
        note: g("note"),
        extra: match g("extra").as_str() {
            "" => Vec::new(),
            e => serde_json::from_str(e).map_err(|e| format!("column extra: {e}"))?,
        },
    })
}

/// Frictionless `datapackage.json` describing the downloads of a book. Amount fields
/// carry the fiscal properties (currency CNY, factor 10000 for 万元 or 1 for 元, phase proposed for
/// a draft); the book's metadata is kept under `jixiao` so a CSV re-import restores it.
pub fn datapackage_json(book: &Book) -> String {
    use serde_json::json;
    let phase = match book.stage {
        crate::model::Stage::Draft => "proposed",
        crate::model::Stage::Final => "approved",
    };
    let amount_fields = [
        "total",
        "fiscal",
        "fiscal_upper",
        "fiscal_own",
        "carry_over",
        "other",
    ];
    let describe_type = |c: &str| -> serde_json::Value {
        if amount_fields.contains(&c) {
            json!({"name": c, "type": "number", "decimalChar": ".", "groupChar": "",
                   "currency": "CNY", "factor": book.unit.factor(), "unit": book.unit.label(), "direction": "expenditure", "phase": phase})
        } else if c.ends_with("line")
            || c == "indicators"
            || c == "projects"
            || c == "contents_page"
        {
            json!({"name": c, "type": "integer"})
        } else if c == "carry_over_beside_fiscal" || c == "has_goal_field" || c == "unnamed" {
            json!({"name": c, "type": "boolean"})
        } else {
            json!({"name": c, "type": "string"})
        }
    };
    // The heading as the CSV has it; the machine name beside it.
    let describe = |c: &str| -> serde_json::Value {
        let mut field = describe_type(c);
        field["name"] = json!(label(c));
        field["jixiao:key"] = json!(c);
        field
    };
    let resource = |name: &str, cols: &[&str], title: &str| {
        json!({
            "name": name,
            "title": title,
            "path": format!("{name}.csv"),
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": {"fields": cols.iter().map(|c| describe(c)).collect::<Vec<_>>()}
        })
    };
    let mut pkg = json!({
        "profile": "tabular-data-package",
        "name": book.slug,
        "title": book.title,
        "language": "zh-CN",
        "resources": [
            resource("projects", PROJECT_COLUMNS, &format!("项目（每行一个项目，金额单位{}）", book.unit.label())),
            resource("indicators", INDICATOR_COLUMNS, "绩效指标（每行一条三级指标）"),
            resource("departments", DEPARTMENT_COLUMNS, "部门（含别名与整体支出表）"),
            {"name": book.slug, "title": "完整数据（JSON）", "path": format!("{}.json", book.slug),
             "format": "json", "mediatype": "application/json", "profile": "data-resource"}
        ],
        "jixiao": book.clone_meta(),
    });
    // The document's own prose travels with the metadata, so a CSV re-import keeps it.
    pkg["jixiao"]["prose"] = json!(book.prose);
    if let Some(y) = book.year {
        pkg["fiscalPeriod"] = json!({"start": format!("{y}-01-01"), "end": format!("{y}-12-31")});
    }
    serde_json::to_string_pretty(&pkg).unwrap_or_default()
}

/// `<book>.json`: everything in the book. Compact: read by programs, and indentation
/// was two fifths of its bytes.
pub fn book_json(book: &Book) -> String {
    serde_json::to_string(&book_json_value(book)).unwrap_or_default()
}

/// `<book>.json` with the findings of the checks.
pub fn book_json_with_findings(book: &Book, findings: &crate::check::BookFindings) -> String {
    let mut v = book_json_value(book);
    v.findings = findings.all().cloned().collect();
    serde_json::to_string(&v).unwrap_or_default()
}

pub const FINDING_COLUMNS: &[&str] = &[
    "book",
    "department",
    "project",
    "rule",
    "severity",
    "title",
    "message",
    "file",
    "line",
];

/// `findings.csv`: one row per finding.
pub fn findings_csv(findings: &crate::check::BookFindings) -> String {
    let mut w = writer();
    let _ = w.write_record(headings(FINDING_COLUMNS));
    for f in findings.all() {
        let title = crate::check::rules::rule(&f.rule)
            .map(|r| r.title)
            .unwrap_or("");
        record(
            &mut w,
            &[
                neutralise(&f.book),
                neutralise(&f.department),
                neutralise(&f.project),
                f.rule.as_str().into(),
                f.severity.id().into(),
                neutralise(title),
                neutralise(&f.message),
                neutralise(&f.file),
                f.line.to_string().into(),
            ],
        );
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_older_english_headings_read_as_the_same_columns() {
        let zh = Table::parse("p.csv", "册,部门,年度资金总额\nb,民政局,5.00\n".as_bytes()).unwrap();
        let en =
            Table::parse("p.csv", "book,department,total\nb,民政局,5.00\n".as_bytes()).unwrap();
        for t in [&zh, &en] {
            assert_eq!(t.get(&t.rows[0].1, "total"), "5.00");
            assert_eq!(t.get(&t.rows[0].1, "department"), "民政局");
        }
        // No two machine names share a heading, or a heading would read back as the wrong column.
        let mut seen = std::collections::HashMap::new();
        for k in ALL_COLUMNS.iter().flat_map(|c| c.iter()) {
            assert_ne!(label(k), *k, "{k} has a Chinese heading");
            if let Some(other) = seen.insert(label(k), *k) {
                assert_eq!(other, *k, "{} heads both {other} and {k}", label(k));
            }
        }
    }

    #[test]
    fn formula_cells_are_neutralised_and_restored() {
        for s in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "＝1+1",
            "\tx",
        ] {
            let n = neutralise(s);
            assert!(n.starts_with('\''), "{s}");
            assert_eq!(unneutralise(&n), s);
        }
        assert_eq!(neutralise("项目"), "项目");
        assert_eq!(
            unneutralise("'项目"),
            "'项目",
            "an apostrophe that is data stays"
        );
    }
}
