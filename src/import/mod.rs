//! `jixiao import`: source documents → a [`Book`] and its [`ImportReport`].
//!
//! sources (any format → grids) → forms (grids → tables) → departments → book. Formats
//! and forms are recognised from the content; the file name only names the source in
//! reports.

pub mod departments;

use crate::forms::report::{self, Accounting, ImportReport, Ledger};
use crate::forms::rows;
use crate::forms::tables::{self as parse, Preamble, Table};
use crate::model::{
    Book, ContentsEntry, Department, OverallTable, Project, ProjectFlag, SourceFile, SourceRef,
    Stage, UNNAMED_DEPARTMENT,
};
use crate::slug::assign_slugs;
use crate::sources::{self, SourceError};
use crate::text;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// What the user says about the book on the command line; anything left `None` is
/// read from the document.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub book: String,
    pub title: Option<String>,
    pub region: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<u16>,
    pub stage: Option<Stage>,
}

/// One input file: its name (for reports) and bytes.
#[derive(Debug, Clone)]
pub struct SourceInput {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    // `problem`, not `source`: the message already includes it, and anyhow would print
    // a source a second time.
    #[error("{file}{}: {}{}\n  = help: {}", .problem.place.as_deref().unwrap_or(""), .problem.problem, quoted(&.problem.context), .problem.help)]
    Source { file: String, problem: SourceError },
    /// `first`: where the text starts and that line, so the user sees what was read.
    #[error(
        "{file}{}: no 绩效目标表 found: no table in it has the labels of a target form (项目名称, 年度资金总额, 一级指标 …){}\n  = help: pass the document that holds the tables: Word, Excel, HTML, a PDF with a text layer, or a text export with one row per line (tab-separated cells) or one cell per line",
        .first.as_ref().map(|(l, _)| format!(":{l}:1")).unwrap_or_default(),
        .first.as_ref().map(|(l, t)| format!("\n{}", crate::text::caret_line(t, *l, 1))).unwrap_or_default()
    )]
    NoTable {
        file: String,
        first: Option<(usize, String)>,
    },
    #[error(
        "{file}:{line}:1: {message}{}\n  = help: the file is read as a jixiao download (its header starts `book,department,`): pass the projects.csv, indicators.csv, departments.csv and datapackage.json of one book as `jixiao build` wrote them; a spreadsheet may change cells but not the header or the columns",
        quoted(.context)
    )]
    Csv {
        file: String,
        line: u32,
        message: String,
        /// The line quoted, when the file has it.
        context: String,
    },
    #[error(
        "book name \"{0}\" is not usable as a folder name\n  = help: use lowercase ASCII letters, digits and '-', e.g. --book xiqu-2026"
    )]
    BadBookSlug(String),
    #[error("no input files given")]
    NoInput,
}

/// A quoted line under an error's first line.
fn quoted(c: &str) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!("\n{c}")
    }
}

#[derive(Debug)]
pub struct Imported {
    pub book: Book,
    pub report: ImportReport,
}

struct ParsedFile {
    name: String,
    source: SourceFile,
    preamble: Preamble,
    tables: Vec<Table>,
    accounting: Accounting,
    items: Vec<report::ReportItem>,
    positions: rows::Positions,
}

/// Import one or more files into one book.
pub fn import(inputs: &[SourceInput], opts: &ImportOptions) -> Result<Imported, ImportError> {
    import_found(inputs, &[], opts)
}

/// Import the files named on the command line (`required`) and the files found in the
/// folders it named (`found`, in path order). A found file that is not a table document
/// (a scan, a PDF, a readme without tables) is skipped and listed in the report instead
/// of stopping the import; a named one stops it with its error.
pub fn import_found(
    required: &[SourceInput],
    found: &[SourceInput],
    opts: &ImportOptions,
) -> Result<Imported, ImportError> {
    if !crate::slug::is_valid(&opts.book) || crate::slug::RESERVED.contains(&opts.book.as_str()) {
        return Err(ImportError::BadBookSlug(opts.book.clone()));
    }
    if required.is_empty() && found.is_empty() {
        return Err(ImportError::NoInput);
    }
    if let Some(first) = required.first()
        && sources::sniff(&first.bytes) == sources::Format::Csv
    {
        return import_export(required, opts);
    }
    let mut files = Vec::new();
    for input in required {
        files.push(parse_file(input)?);
    }
    let mut skipped = Vec::new();
    for f in found {
        if sources::sniff(&f.bytes) == sources::Format::Csv {
            skipped.push((
                f.name.clone(),
                "jixiao 的下载文件（CSV/JSON）需要单独导入".to_string(),
            ));
            continue;
        }
        match parse_file(f) {
            Ok(p) => files.push(p),
            Err(e) => {
                let msg = e.to_string();
                let msg = msg.strip_prefix(&format!("{}: ", f.name)).unwrap_or(&msg);
                skipped.push((f.name.clone(), first_line(msg)))
            }
        }
    }
    if files.is_empty() {
        return Err(ImportError::NoTable {
            first: None,
            file: found
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let mut imported = assemble(files, opts);
    for (file, why) in skipped {
        imported.report.items.push(report::ReportItem {
            kind: report::ReportKind::Outside,
            file,
            line: 0,
            text: String::new(),
            note: format!("文件夹中的这个文件未导入：{why}"),
            col: None,
            place: String::new(),
        });
        imported.report.accounting.non_empty += 1;
        imported.report.accounting.reported += 1;
    }
    Ok(imported)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

fn parse_file(input: &SourceInput) -> Result<ParsedFile, ImportError> {
    let doc = sources::read(&input.bytes).map_err(|problem| ImportError::Source {
        file: input.name.clone(),
        problem,
    })?;
    let linear = rows::linearise(&doc);
    let mut ledger = Ledger::new(&input.name, linear.units.len());
    for n in &doc.notices {
        ledger.notice(&n.text, &n.note, n.place, &doc.sheets);
    }
    let parsed = match crate::forms::flat::recognise(&linear.items) {
        Some(header) => crate::forms::flat::parse(&linear.items, &header, &mut ledger),
        None => parse::parse(&linear.items, linear.layout, &mut ledger),
    };
    if parsed.tables.is_empty() {
        let first = doc
            .lines
            .iter()
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| (i + 1, l.clone()));
        return Err(ImportError::NoTable {
            file: input.name.clone(),
            first,
        });
    }
    let sha = Sha256::digest(&input.bytes);
    let mut guessed = std::mem::take(&mut ledger.guessed_rows);
    guessed.sort_unstable();
    guessed.dedup();
    let source = SourceFile {
        guessed,
        file: input.name.clone(),
        sha256: sha.iter().map(|b| format!("{b:02x}")).collect(),
        encoding: doc.encoding.clone(),
        layout: doc.layout.to_string(),
        lines: linear.units.len() as u32,
        places: linear.positions.runs(),
    };
    // Department resolution adds guesses later; the accounting is closed per file now
    // because it only depends on which lines were mapped or reported.
    let (accounting, items) = ledger.finish(&linear.units, &linear.positions);
    Ok(ParsedFile {
        name: input.name.clone(),
        source,
        preamble: parsed.preamble,
        tables: parsed.tables,
        accounting,
        items,
        positions: linear.positions,
    })
}

/// jixiao's own downloads (CSV, JSON) hold a whole book already.
fn import_export(inputs: &[SourceInput], opts: &ImportOptions) -> Result<Imported, ImportError> {
    let files: Vec<(&str, &[u8])> = inputs
        .iter()
        .map(|i| (i.name.as_str(), i.bytes.as_slice()))
        .collect();
    let (mut book, items) = sources::csv::read(&files).map_err(|e| {
        let context = files
            .iter()
            .find(|f| f.0 == e.file)
            .and_then(|f| sources::text::decode(f.1).ok())
            .and_then(|d| d.lines.get(e.line.saturating_sub(1) as usize).cloned())
            .map(|l| crate::text::caret_line(&l, e.line as usize, 1))
            .unwrap_or_default();
        ImportError::Csv {
            file: e.file,
            line: e.line,
            message: e.message,
            context,
        }
    })?;
    let items: Vec<report::ReportItem> = items
        .into_iter()
        .map(|u| report::ReportItem {
            kind: report::ReportKind::Unplaced,
            place: format!(":{}", u.line),
            file: u.file,
            line: u.line,
            text: u.text,
            note: u.note,
            col: None,
        })
        .collect();
    apply_options(&mut book, opts);
    assign_slugs(&mut book.departments);
    let total: Decimal = book
        .projects()
        .filter_map(|(_, p)| p.funds.total.value)
        .sum();
    let cells = book
        .projects()
        .filter(|(_, p)| p.funds.total.value.is_some())
        .count();
    let unreadable = book
        .projects()
        .filter(|(_, p)| p.funds.total.is_unreadable())
        .count();
    let rows = book.project_count()
        + book
            .projects()
            .map(|(_, p)| p.indicators.len())
            .sum::<usize>();
    let report = ImportReport {
        book_title: book.title.clone(),
        sources: book.sources.clone(),
        accounting: Accounting {
            non_empty: rows + items.len(),
            mapped: rows,
            reported: items.len(),
        },
        items,
        projects: book.project_count(),
        overall_tables: book
            .departments
            .iter()
            .filter(|d| d.overall.is_some())
            .count(),
        departments: book.departments.len(),
        indicators: book.projects().map(|(_, p)| p.indicators.len()).sum(),
        project_total: total,
        source_total: total,
        source_total_cells: cells,
        source_total_unreadable: unreadable,
    };
    Ok(Imported { book, report })
}

fn apply_options(book: &mut Book, opts: &ImportOptions) {
    book.slug = opts.book.clone();
    if let Some(t) = &opts.title {
        book.title = t.clone();
    }
    if book.title.is_empty() {
        book.title = opts.book.clone();
    }
    if let Some(r) = &opts.region {
        book.region = r.clone();
    }
    if let Some(i) = &opts.issuer {
        book.issuer = i.clone();
    }
    if opts.year.is_some() {
        book.year = opts.year;
    }
    if let Some(s) = opts.stage {
        book.stage = s;
    }
}

/// Most frequent element, ties broken by first appearance.
fn most_common<T: Eq + std::hash::Hash + Clone>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: HashMap<T, (usize, usize)> = HashMap::new();
    for (i, it) in items.enumerate() {
        let e = counts.entry(it).or_insert((0, i));
        e.0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(k, _)| k)
}

fn assemble(mut files: Vec<ParsedFile>, opts: &ImportOptions) -> Imported {
    let mut guesses = Ledger::new(&files[0].name, 0);

    // Book metadata: the command line first, then the document's cover.
    let cover = files.iter().find_map(|f| f.preamble.title.clone());
    let table_year = most_common(
        files
            .iter()
            .flat_map(|f| f.tables.iter().filter_map(|t| t.year)),
    );
    let cover_year = cover.as_ref().and_then(|(t, _)| year_in(t));
    let year = opts.year.or(cover_year).or(table_year);
    let region = opts.region.clone().unwrap_or_else(|| {
        match cover
            .as_ref()
            .and_then(|(t, l)| region_in(t).map(|r| (r, *l)))
        {
            Some((r, l)) => {
                guesses.guess(l, format!("地区按封面标题读作“{r}”"));
                r
            }
            None => String::new(),
        }
    });
    let issuer = opts.issuer.clone().or_else(|| {
        files
            .iter()
            .find_map(|f| f.preamble.issuer.clone().map(|i| i.0))
    });
    let table_title = most_common(
        files
            .iter()
            .flat_map(|f| f.tables.iter().filter_map(|t| t.title.clone())),
    );
    let title = opts
        .title
        .clone()
        .or_else(|| cover.as_ref().map(|c| c.0.clone()))
        .unwrap_or_else(|| {
            let base = table_title
                .clone()
                .unwrap_or_else(|| "预算项目支出绩效目标表".to_string());
            match year {
                Some(y) => format!("{region}{y}年{base}"),
                None => format!("{region}{base}"),
            }
        });
    let stage = opts.stage.unwrap_or_else(|| {
        if title.contains("草案") || cover.as_ref().is_some_and(|c| c.0.contains("草案")) {
            Stage::Draft
        } else {
            Stage::Final
        }
    });
    let prose = files
        .iter()
        .flat_map(|f| f.preamble.prose.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n\n");

    // Departments.
    let contents: Vec<(Option<String>, String, u32, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| {
            f.preamble
                .contents
                .iter()
                .map(move |c| (c.code.clone(), c.name.clone(), c.line, fi))
        })
        .collect();
    let contents_items: Vec<(usize, parse::ContentsItem)> = files
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| f.preamble.contents.iter().map(move |c| (fi, c.clone())))
        .collect();
    let mut dept_ledger = Ledger::new(&files[0].name, 0);
    let resolver_input: Vec<(Option<String>, String, u32)> = contents
        .iter()
        .map(|(c, n, l, _)| (c.clone(), n.clone(), *l))
        .collect();
    let mut resolver = departments::Resolver::new(&resolver_input, &mut dept_ledger);

    struct Placed {
        file: usize,
        unit: Option<usize>,
        table: Table,
    }
    let mut placed: Vec<Placed> = Vec::new();
    let mut unit_file: HashMap<usize, usize> = HashMap::new();
    for (fi, f) in files.iter_mut().enumerate() {
        for mut t in std::mem::take(&mut f.tables) {
            let name = department_of(&mut t);
            let unit = name.map(|n| {
                let (code, n) = split_code(&n);
                resolver.resolve_coded(code, &n, t.start)
            });
            if let Some(u) = unit {
                unit_file.entry(u).or_insert(fi);
            }
            placed.push(Placed {
                file: fi,
                unit,
                table: t,
            });
        }
    }
    let units = resolver.units.clone();
    let contents_names = resolver.contents_names().to_vec();
    drop(resolver);
    for it in dept_ledger.items.drain(..) {
        guesses.items.push(it);
    }

    // Assign tables to departments.
    let mut depts: Vec<(usize, u32, Department)> = units
        .iter()
        .enumerate()
        .map(|(ui, u)| {
            let fi = match u.contents {
                Some(ci) => contents[ci].3,
                None => unit_file.get(&ui).copied().unwrap_or(0),
            };
            let name = u.canonical(&contents_names);
            let aliases = u
                .spellings
                .iter()
                .filter(|s| s.0 != name)
                .map(|s| s.0.clone())
                .collect();
            let entry = u.contents.map(|ci| {
                let c = &contents_items[ci].1;
                ContentsEntry {
                    text: c.text.clone(),
                    line: c.line,
                    page: c.page,
                }
            });
            let dept = Department {
                slug: String::new(),
                name,
                code: u.code.clone(),
                aliases,
                unnamed: false,
                source: files[fi].source_ref(u.first_line, 0),
                contents: entry,
                overall: None,
                notes: String::new(),
                projects: Vec::new(),
            };
            (fi, u.first_line, dept)
        })
        .collect();
    let mut unnamed: Option<(usize, u32, Department)> = None;
    let mut project_count = 0usize;
    let mut overall_count = 0usize;
    let mut source_total = Decimal::ZERO;
    let mut source_total_cells = 0usize;
    let mut source_total_unreadable = 0usize;
    for p in placed {
        for cell in &p.table.total_cells {
            match cell.value {
                Some(v) => {
                    source_total += v;
                    source_total_cells += 1;
                }
                None if cell.is_unreadable() => source_total_unreadable += 1,
                None => {}
            }
        }
        let dept = match p.unit {
            Some(u) => &mut depts[u].2,
            None => {
                let slot = unnamed.get_or_insert_with(|| {
                    (
                        p.file,
                        p.table.start,
                        Department {
                            slug: String::new(),
                            name: UNNAMED_DEPARTMENT.to_string(),
                            code: None,
                            aliases: Vec::new(),
                            unnamed: true,
                            source: files[p.file].source_ref(p.table.start, 0),
                            contents: None,
                            overall: None,
                            notes: String::new(),
                            projects: Vec::new(),
                        },
                    )
                });
                &mut slot.2
            }
        };
        if p.table.is_overall() {
            overall_count += 1;
            let source = files[p.file].source_ref(p.table.start, p.table.end);
            let overall = overall_from(p.table, source);
            if dept.overall.is_some() {
                guesses.guess(
                    overall.source.line,
                    format!("部门“{}”有第二张整体支出表，后一张作为备注保留", dept.name),
                );
                dept.notes.push_str(&format!(
                    "另有一张整体支出表见源文件 `{}` 第 {} 行。\n",
                    overall.source.file, overall.source.line
                ));
            } else {
                dept.overall = Some(overall);
            }
        } else {
            project_count += 1;
            dept.projects
                .push(project_from(p.table, &files[p.file], &mut guesses));
        }
    }
    if let Some(u) = unnamed {
        depts.push(u);
    }
    depts.sort_by_key(|(fi, line, _)| (*fi, *line));

    let mut departments: Vec<Department> = depts.into_iter().map(|(_, _, d)| d).collect();
    assign_slugs(&mut departments);

    let mut accounting = Accounting::default();
    let mut items = Vec::new();
    for f in &mut files {
        accounting.add(f.accounting);
        items.append(&mut f.items);
    }
    // Guesses made while assembling the book are named after the first file.
    for mut it in guesses.items {
        if it.place.is_empty() {
            it.place = files[0].positions.display(it.line);
        }
        items.push(it);
    }
    items.sort_by(|a, b| (a.file.as_str(), a.line, a.kind).cmp(&(b.file.as_str(), b.line, b.kind)));

    let book = Book {
        slug: opts.book.clone(),
        title: title.clone(),
        region,
        issuer: issuer.unwrap_or_default(),
        year,
        stage,
        unit: crate::amount::Unit::Wan,
        date: files
            .iter()
            .find_map(|f| f.preamble.date.clone().map(|d| d.0))
            .unwrap_or_default(),
        sources: files.iter().map(|f| f.source.clone()).collect(),
        prose,
        departments,
    };
    let project_total = book
        .projects()
        .filter_map(|(_, p)| p.funds.total.value)
        .fold(Decimal::ZERO, |a, b| a + b);
    let indicators = book.projects().map(|(_, p)| p.indicators.len()).sum();
    let report = ImportReport {
        book_title: title,
        sources: book.sources.clone(),
        accounting,
        items,
        projects: project_count,
        overall_tables: overall_count,
        departments: book.departments.len(),
        indicators,
        project_total,
        source_total,
        source_total_cells,
        source_total_unreadable,
    };
    Imported { book, report }
}

/// The department a table belongs to: 部门（单位） or 主管部门, else its 实施单位.
fn department_of(t: &mut Table) -> Option<String> {
    let named = |s: &Option<String>| {
        s.as_ref()
            .map(|x| text::clean(x).to_string())
            .filter(|x| !x.is_empty())
    };
    if let Some(d) = named(&t.department).or_else(|| named(&t.supervising)) {
        return Some(d);
    }
    if !t.is_overall()
        && let Some(i) = named(&t.implementing)
    {
        t.flags.push(ProjectFlag::DepartmentFromImplementingUnit);
        return Some(i);
    }
    None
}

static CODED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^\s*(?:[\[［【(（]\s*(\d{2,15})\s*[\]］】)）]|(\d{3,15})\s*[-－—_·:：\s])\s*(\S.*)$",
    )
    .expect("valid regex")
});

/// `[101001]清江市教育局`, `805001-井阳县清溪镇人民政府` → the unit code and the name.
fn split_code(name: &str) -> (Option<&str>, String) {
    match CODED.captures(name) {
        Some(c) if c[3].chars().next().is_some_and(text::is_han) => (
            c.get(1).or(c.get(2)).map(|m| m.as_str()),
            c[3].trim().to_string(),
        ),
        _ => (None, name.to_string()),
    }
}

fn year_in(s: &str) -> Option<u16> {
    let re = regex::Regex::new(r"(\d{4})年").expect("valid regex");
    re.captures(s).and_then(|c| c[1].parse().ok())
}

/// `攀枝花市西区2026年 区本级部门预算…` → `攀枝花市西区`.
fn region_in(s: &str) -> Option<String> {
    let re = regex::Regex::new(r"^\s*(\p{Han}+?)\s*\d{4}年").expect("valid regex");
    re.captures(s)
        .map(|c| c[1].to_string())
        .filter(|r| r.chars().count() >= 2)
}

impl ParsedFile {
    fn source_ref(&self, line: u32, end_line: u32) -> SourceRef {
        SourceRef {
            file: self.name.clone(),
            line,
            end_line,
        }
    }
}

fn overall_from(t: Table, source: SourceRef) -> OverallTable {
    OverallTable {
        title: t.title.unwrap_or_default(),
        name_as_written: t.department.or(t.supervising).unwrap_or_default(),
        source,
        tasks: t.tasks,
        goal: if t.goal_field {
            Some(t.goal.unwrap_or_default())
        } else {
            t.goal
        },
        amounts: t.amounts,
        indicators: t.indicators,
    }
}

fn project_from(mut t: Table, file: &ParsedFile, guesses: &mut Ledger) -> Project {
    let name = match t
        .name
        .as_ref()
        .map(|n| text::clean(n).to_string())
        .filter(|n| !n.is_empty())
    {
        Some(n) => n,
        None => {
            t.flags.push(ProjectFlag::PlaceholderName);
            let placeholder = if t.flags.contains(&ProjectFlag::Fragment) {
                format!("表格片段（第{}行起）", t.start)
            } else {
                format!("未注明项目名称（第{}行）", t.start)
            };
            guesses.guess(
                t.start,
                format!("表格没有填写项目名称，以“{placeholder}”代替"),
            );
            placeholder
        }
    };
    t.flags.sort();
    t.flags.dedup();
    // The first of 部门（单位） and 主管部门 that is filled in.
    let department = [&t.department, &t.supervising]
        .into_iter()
        .flatten()
        .find(|d| !text::clean(d).is_empty())
        .cloned()
        .unwrap_or_default();
    Project {
        slug: String::new(),
        name,
        department: text::clean(&department).to_string(),
        implementing_unit: t.implementing.clone().unwrap_or_default(),
        goal: match (t.goal.take(), t.goal_field) {
            (Some(g), _) => Some(g),
            (None, true) => Some(String::new()),
            (None, false) => None,
        },
        long_goal: std::mem::take(&mut t.long_goal),
        extra: std::mem::take(&mut t.extra),
        source: file.source_ref(t.start, t.end),
        flags: t.flags,
        funds: t.funds,
        indicators: t.indicators,
        notes: String::new(),
    }
}

/// A project's total as the sum helper for tests and reports.
pub fn sum_totals<'a>(projects: impl Iterator<Item = &'a Project>) -> Decimal {
    projects
        .filter_map(|p| p.funds.total.value)
        .fold(Decimal::ZERO, |a, b| a + b)
}
