//! Reading back jixiao's own downloads: `projects.csv` (+ `indicators.csv`,
//! `departments.csv`), `<book>.json`, with book metadata from `datapackage.json`.
//! Recognised by content (header row, JSON `format`), never by file name.

use crate::model::{Book, ContentsEntry, Department, SourceRef, Stage, UNNAMED_DEPARTMENT};
use crate::opendata::{self, CsvKind, Table};
use std::collections::HashMap;

/// A jixiao download: a CSV whose header starts `册,部门,` (`book,department,` before the
/// headings were Chinese), as UTF-8 or saved back by a spreadsheet as GB18030, or a JSON
/// book or data package written by jixiao.
pub fn looks_like_export(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let starts = |h: &str| {
        let heading = format!(
            "{},{},",
            opendata::label("book"),
            opendata::label("department")
        );
        let (gb, _, _) = encoding_rs::GB18030.encode(&heading);
        b.starts_with(h.as_bytes()) || b.starts_with(heading.as_bytes()) || b.starts_with(&gb)
    };
    starts("book,department,") || is_jixiao_json(b)
}

fn is_jixiao_json(b: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&b[..b.len().min(4096)]);
    head.trim_start().starts_with('{')
        && (head.contains(opendata::JSON_FORMAT) || head.contains("\"jixiao\""))
}

/// A row that did not fit the book (an indicator of a project not in projects.csv).
#[derive(Debug, Clone)]
pub struct Unplaced {
    pub file: String,
    pub line: u32,
    pub text: String,
    pub note: String,
}

/// A download that does not read back: the file, its line and what is wrong.
#[derive(Debug)]
pub struct CsvError {
    pub file: String,
    pub line: u32,
    pub message: String,
}

fn err(file: &str, line: u32, message: impl Into<String>) -> CsvError {
    CsvError {
        file: file.to_string(),
        line,
        message: message.into(),
    }
}

/// Book metadata stored in `datapackage.json` under the key `jixiao`.
#[derive(serde::Deserialize)]
struct DataPackage {
    jixiao: serde_json::Value,
}

/// Read a book back from its downloads, given as (file name, bytes). Report items say
/// what could not be placed. The book's slug and options are the caller's to set.
pub fn read(inputs: &[(&str, &[u8])]) -> Result<(Book, Vec<Unplaced>), CsvError> {
    struct Input<'a> {
        name: &'a str,
        bytes: &'a [u8],
    }
    let inputs: Vec<Input> = inputs
        .iter()
        .map(|(name, bytes)| Input { name, bytes })
        .collect();
    let mut meta: Option<Book> = None;
    let mut tables: Vec<(CsvKind, Table)> = Vec::new();
    for input in &inputs {
        let bytes = input
            .bytes
            .strip_prefix(&[0xEF, 0xBB, 0xBF])
            .unwrap_or(input.bytes);
        if is_jixiao_json(bytes) {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| err(input.name, 1, format!("not UTF-8: {e}")))?;
            let value: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| err(input.name, e.line() as u32, e.to_string()))?;
            if value.get("format").and_then(|f| f.as_str()) == Some(opendata::JSON_FORMAT) {
                let bj: opendata::BookJson =
                    serde_json::from_value(value).map_err(|e| err(input.name, 1, e.to_string()))?;
                return Ok((bj.into_book(), Vec::new()));
            }
            let dp: DataPackage = serde_json::from_value(value).map_err(|_| {
                err(
                    input.name,
                    1,
                    "a JSON file that is neither a jixiao book nor its datapackage.json",
                )
            })?;
            let prose = dp
                .jixiao
                .get("prose")
                .and_then(|p| p.as_str())
                .unwrap_or_default();
            let prose = crate::content::normalise_notes(prose);
            let mut book: Book =
                serde_json::from_value(dp.jixiao).map_err(|e| err(input.name, 1, e.to_string()))?;
            book.prose = prose;
            meta = Some(book);
            continue;
        }
        let t = Table::parse(input.name, input.bytes).map_err(|(l, m)| err(input.name, l, m))?;
        let kind = opendata::csv_kind(&t).ok_or_else(|| {
            err(
                input.name,
                1,
                "header is not that of a jixiao projects.csv, indicators.csv or departments.csv",
            )
        })?;
        tables.push((kind, t));
    }
    let projects = tables
        .iter()
        .find(|t| t.0 == CsvKind::Projects)
        .ok_or_else(|| err(inputs.first().map_or("", |i| i.name), 1, "no projects.csv among the inputs: give projects.csv (and optionally indicators.csv, departments.csv)"))?;

    let mut book = meta.unwrap_or_else(|| Book {
        slug: String::new(),
        title: String::new(),
        region: String::new(),
        issuer: String::new(),
        year: None,
        stage: Stage::Final,
        unit: crate::amount::Unit::Wan,
        date: String::new(),
        sources: Vec::new(),
        prose: String::new(),
        departments: Vec::new(),
    });
    book.departments.clear();
    let mut items: Vec<Unplaced> = Vec::new();

    // Departments: from departments.csv where given, else from the projects' rows.
    let mut index: HashMap<String, usize> = HashMap::new();
    if let Some((_, t)) = tables.iter().find(|t| t.0 == CsvKind::Departments) {
        for (line, rec) in &t.rows {
            let g = |c: &str| t.get(rec, c);
            let num = |c: &str| g(c).parse::<u32>().ok();
            let overall = match g("overall").as_str() {
                "" => None,
                s => Some(
                    serde_json::from_str(s)
                        .map_err(|e| err(&t.name, *line, format!("column overall: {e}")))?,
                ),
            };
            let contents = if g("contents_text").is_empty() {
                None
            } else {
                Some(ContentsEntry {
                    text: g("contents_text"),
                    line: num("contents_line").unwrap_or(0),
                    page: num("contents_page"),
                })
            };
            let d = Department {
                slug: String::new(),
                name: g("department"),
                code: Some(g("department_code")).filter(|c| !c.is_empty()),
                aliases: g("aliases")
                    .split('；')
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect(),
                unnamed: g("unnamed") == "true",
                source: SourceRef {
                    file: g("source_file"),
                    line: num("source_line").unwrap_or(0),
                    end_line: 0,
                },
                contents,
                overall,
                notes: g("notes"),
                projects: Vec::new(),
            };
            index.insert(d.name.clone(), book.departments.len());
            book.departments.push(d);
        }
    }
    let mut by_key: HashMap<(String, String, u32), (usize, usize)> = HashMap::new();
    for (line, rec) in &projects.1.rows {
        let t = &projects.1;
        let mut p = opendata::project_from_row(t, rec).map_err(|m| err(&t.name, *line, m))?;
        let dept_name = t.get(rec, "department");
        let di = match index.get(&dept_name) {
            Some(&i) => i,
            None => {
                let unnamed = dept_name == UNNAMED_DEPARTMENT;
                book.departments.push(Department {
                    slug: String::new(),
                    name: dept_name.clone(),
                    code: Some(t.get(rec, "department_code")).filter(|c| !c.is_empty()),
                    aliases: Vec::new(),
                    unnamed,
                    source: p.source.clone(),
                    contents: None,
                    overall: None,
                    notes: String::new(),
                    projects: Vec::new(),
                });
                index.insert(dept_name.clone(), book.departments.len() - 1);
                book.departments.len() - 1
            }
        };
        if p.name.trim().is_empty() {
            return Err(err(
                &t.name,
                *line,
                "column project is empty: every project needs a name",
            ));
        }
        p.notes = crate::content::normalise_notes(&p.notes);
        let key = (dept_name, p.name.clone(), p.source.line);
        by_key.insert(key, (di, book.departments[di].projects.len()));
        book.departments[di].projects.push(p);
    }
    if let Some((_, t)) = tables.iter().find(|t| t.0 == CsvKind::Indicators) {
        for (line, rec) in &t.rows {
            let ind = opendata::indicator_from_row(t, rec).map_err(|m| err(&t.name, *line, m))?;
            let key = (
                t.get(rec, "department"),
                t.get(rec, "project"),
                t.get(rec, "source_line").parse().unwrap_or(0),
            );
            match by_key.get(&key) {
                Some(&(di, pi)) => book.departments[di].projects[pi].indicators.push(ind),
                None => items.push(Unplaced {
                    file: t.name.clone(),
                    line: *line,
                    text: format!("{} / {} / {}", key.0, key.1, ind.name),
                    note: "指标所属的项目不在 projects.csv 中，未导入".into(),
                }),
            }
        }
    }
    book.departments
        .retain(|d| !d.projects.is_empty() || d.overall.is_some() || d.contents.is_some());
    Ok((book, items))
}
