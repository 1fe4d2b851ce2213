//! `jixiao import`: source documents → a [`Book`] and its [`ImportReport`].
//!
//! decode → layout → rows → tables → departments → book. The layout is recognised from
//! the text itself; the file name is only used to name the source in reports.

pub mod decode;
pub mod departments;
pub mod labels;
pub mod layout;
pub mod parse;
pub mod report;

use crate::model::{
    Book, ContentsEntry, Department, OverallTable, Project, ProjectFlag, SourceFile, SourceRef,
    Stage, UNNAMED_DEPARTMENT,
};
use crate::slug::{SlugSet, slugify};
use crate::text;
use parse::{Preamble, Table};
use report::{Accounting, ImportReport, Ledger};
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
    #[error("{file}: {problem}")]
    Decode {
        file: String,
        problem: decode::DecodeError,
    },
    #[error(
        "{file}: no 绩效目标表 found: the text has no tab-separated table rows; export the document's tables as text (one row per line with tab-separated cells, or one cell per line)"
    )]
    NoTable { file: String },
    #[error("{file}:{line}: {message}")]
    Csv {
        file: String,
        line: u32,
        message: String,
    },
    #[error(
        "book name \"{0}\" is not usable as a folder name: use lowercase ASCII letters, digits and '-', e.g. xiqu-2026"
    )]
    BadBookSlug(String),
    #[error("no input files given")]
    NoInput,
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
}

/// Import one or more files into one book.
pub fn import(inputs: &[SourceInput], opts: &ImportOptions) -> Result<Imported, ImportError> {
    if !crate::slug::is_valid(&opts.book) || crate::slug::RESERVED.contains(&opts.book.as_str()) {
        return Err(ImportError::BadBookSlug(opts.book.clone()));
    }
    if inputs.is_empty() {
        return Err(ImportError::NoInput);
    }
    if let Some(first) = inputs.first()
        && crate::csv_import::looks_like_export(&first.bytes)
    {
        return crate::csv_import::import(inputs, opts);
    }
    let mut files = Vec::new();
    for input in inputs {
        files.push(parse_file(input)?);
    }
    Ok(assemble(files, opts))
}

fn parse_file(input: &SourceInput) -> Result<ParsedFile, ImportError> {
    let decoded = decode::decode(&input.bytes).map_err(|problem| ImportError::Decode {
        file: input.name.clone(),
        problem,
    })?;
    let layout = layout::detect(&decoded.lines).ok_or_else(|| ImportError::NoTable {
        file: input.name.clone(),
    })?;
    let items = layout::items(&decoded.lines, layout);
    let mut ledger = Ledger::new(&input.name, decoded.lines.len());
    let parsed = parse::parse(&items, layout, &mut ledger);
    if parsed.tables.is_empty() {
        return Err(ImportError::NoTable {
            file: input.name.clone(),
        });
    }
    let sha = Sha256::digest(&input.bytes);
    let source = SourceFile {
        file: input.name.clone(),
        sha256: sha.iter().map(|b| format!("{b:02x}")).collect(),
        encoding: decoded.encoding.to_string(),
        layout: layout.name().to_string(),
        lines: decoded.lines.len() as u32,
    };
    // Department resolution adds guesses later; the accounting is closed per file now
    // because it only depends on which lines were mapped or reported.
    let (accounting, items) = ledger.finish(&decoded.lines);
    Ok(ParsedFile {
        name: input.name.clone(),
        source,
        preamble: parsed.preamble,
        tables: parsed.tables,
        accounting,
        items,
    })
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
            let unit = name.map(|n| resolver.resolve(&n, t.start));
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
                source: SourceRef {
                    file: files[fi].name.clone(),
                    line: u.first_line,
                    end_line: 0,
                },
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
        let file_name = files[p.file].name.clone();
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
                            source: SourceRef {
                                file: file_name.clone(),
                                line: p.table.start,
                                end_line: 0,
                            },
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
            let overall = overall_from(p.table, &file_name);
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
                .push(project_from(p.table, &file_name, &mut guesses));
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
    items.extend(guesses.items);
    items.sort_by(|a, b| (a.file.as_str(), a.line, a.kind).cmp(&(b.file.as_str(), b.line, b.kind)));

    let book = Book {
        slug: opts.book.clone(),
        title: title.clone(),
        region,
        issuer: issuer.unwrap_or_default(),
        year,
        stage,
        unit: "万元".to_string(),
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

/// Give departments and projects their folder and file names: unit codes where the
/// document gives them, otherwise the pinyin of the name without the administrative
/// prefix most departments share (`张掖经济技术开发区`). Depends only on names and
/// codes, so every import route (text, CSV, JSON) yields the same paths.
pub fn assign_slugs(departments: &mut [Department]) {
    let shared_prefix = shared_admin_prefix(
        departments
            .iter()
            .filter(|d| !d.unnamed)
            .map(|d| d.name.as_str()),
    );
    let mut dept_slugs = SlugSet::new();
    for d in departments.iter_mut() {
        let wanted = match &d.code {
            Some(code) => code.clone(),
            None if d.unnamed => "weizhuming".to_string(),
            None => slugify(
                d.name
                    .strip_prefix(shared_prefix.as_str())
                    .filter(|r| !r.is_empty())
                    .unwrap_or(&d.name),
            ),
        };
        d.slug = dept_slugs.claim(&wanted, &d.name);
        let mut project_slugs = SlugSet::new();
        for p in &mut d.projects {
            p.slug = project_slugs.claim(&slugify(&p.name), &p.name);
        }
    }
}

/// The longest prefix ending in an administrative division (区, 市, 县…) that at least
/// half of the names (and two or more) start with.
pub fn shared_admin_prefix<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for n in &names {
        for (i, c) in n.char_indices() {
            if ['省', '市', '区', '县', '州', '旗'].contains(&c) {
                *counts.entry(&n[..i + c.len_utf8()]).or_default() += 1;
            }
        }
    }
    let need = names.len().div_ceil(2).max(2);
    counts
        .into_iter()
        .filter(|(_, c)| *c >= need)
        .map(|(p, _)| p)
        .max_by(|a, b| a.len().cmp(&b.len()).then(b.cmp(a)))
        .unwrap_or("")
        .to_string()
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

fn overall_from(t: Table, file: &str) -> OverallTable {
    OverallTable {
        title: t.title.unwrap_or_default(),
        name_as_written: t.department.or(t.supervising).unwrap_or_default(),
        source: SourceRef {
            file: file.to_string(),
            line: t.start,
            end_line: t.end,
        },
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

fn project_from(mut t: Table, file: &str, guesses: &mut Ledger) -> Project {
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
    let department = t
        .department
        .clone()
        .or(t.supervising.clone())
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
        source: SourceRef {
            file: file.to_string(),
            line: t.start,
            end_line: t.end,
        },
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
