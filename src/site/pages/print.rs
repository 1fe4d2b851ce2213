//! The printed annual report of a book: one document with a cover, contents, the
//! overview (figures, charts, summary tables), each department's summary and forms
//! (with their findings under them), and a findings chapter.

use super::*;
use crate::site::pdf::PdfInfo;

#[derive(Serialize)]
struct Chapter<'a> {
    meta: DeptMeta,
    /// Its line of the overview's department table (total, share, findings).
    row: &'a DeptRow,
    /// The page it starts on in the PDF, once printed.
    page: Option<u32>,
    rows: Vec<SummaryRow>,
    projects: Vec<PrintedProject<'a>>,
}

/// A line of a chapter's project table.
#[derive(Serialize)]
struct SummaryRow {
    name: String,
    total_text: String,
    indicators: usize,
    completeness: u8,
    findings: usize,
}

/// A project's form as printed: its form's HTML (the one its page shows), the
/// findings under it and its place in the source.
#[derive(Serialize)]
struct PrintedProject<'a> {
    slug: &'a str,
    name: &'a str,
    form: &'a str,
    anchor: String,
    source_file: &'a str,
    source_line: u32,
    source_place: String,
    findings: Vec<FormFinding<'a>>,
}

/// A finding printed under its form.
#[derive(Serialize)]
struct FormFinding<'a> {
    severity: &'static str,
    severity_label: &'static str,
    title: &'static str,
    message: &'a str,
}

fn printed_project<'a>(
    b: &Book,
    d: &Department,
    p: &'a Project,
    form: &'a str,
    found: &'a [Finding],
) -> PrintedProject<'a> {
    PrintedProject {
        slug: &p.slug,
        name: &p.name,
        form,
        anchor: form_anchor(d, p),
        source_file: &p.source.file,
        source_line: p.source.line,
        source_place: source_place(b, p),
        findings: found
            .iter()
            .map(|x| FormFinding {
                severity: x.severity.id(),
                severity_label: x.severity.label(),
                title: rules::rule(&x.rule).map(|r| r.title).unwrap_or(""),
                message: &x.message,
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct RuleSummary {
    title: String,
    severity: &'static str,
    severity_label: &'static str,
    count: usize,
    projects: usize,
    departments: usize,
}

/// The report, with the PDF's page numbers in its contents when `pdf` is known.
pub(super) fn print_page(
    site: &Site,
    bi: usize,
    f: &BookFindings,
    tera: &tera::Tera,
    overview: Overview,
    forms: &Forms,
    pdf: Option<&PdfInfo>,
) -> Result<OutFile> {
    let b = &site.books[bi];
    let page_of = |id: &str| pdf.and_then(|p| p.numbers.get(id).copied());
    let chapters: Vec<Chapter> = b
        .departments
        .iter()
        .zip(&overview.rows)
        .enumerate()
        .map(|(di, (d, row))| {
            let found = &f.projects[di];
            Chapter {
                meta: dept_meta(b, d),
                row,
                page: page_of(&format!("d-{}", d.slug)),
                rows: d
                    .projects
                    .iter()
                    .zip(found)
                    .map(|(p, x)| {
                        let r = analyse::project_row(d, p, x);
                        SummaryRow {
                            name: r.name,
                            total_text: r.total_text,
                            indicators: r.indicators,
                            completeness: r.completeness,
                            findings: r.findings,
                        }
                    })
                    .collect(),
                projects: d
                    .projects
                    .iter()
                    .zip(found)
                    .zip(forms.department(di))
                    .map(|((p, x), form)| printed_project(b, d, p, form, x))
                    .collect(),
            }
        })
        .collect();
    let rule_summary: Vec<RuleSummary> = by_rule(f)
        .into_iter()
        .map(|(r, items)| {
            let projects: std::collections::HashSet<(&str, &str)> = items
                .iter()
                .filter(|x| !x.project_slug.is_empty())
                .map(|x| (x.department_slug.as_str(), x.project_slug.as_str()))
                .collect();
            let departments: std::collections::HashSet<&str> =
                items.iter().map(|x| x.department_slug.as_str()).collect();
            RuleSummary {
                title: r.title.to_string(),
                severity: items[0].severity.id(),
                severity_label: items[0].severity.label(),
                count: items.len(),
                projects: projects.len(),
                departments: departments.len(),
            }
        })
        .collect();

    let path = format!("{}/print.html", b.slug);
    let mut ctx = base(site, &path);
    ctx.extend(overview.ctx);
    ctx.insert("chapters", &chapters);
    ctx.insert("rule_summary", &rule_summary);
    ctx.insert("overview_page", &page_of("overview"));
    ctx.insert("notes_page", &page_of("notes"));
    ctx.insert("findings_page", &page_of("findings"));
    ctx.insert("pdf", &pdf);
    render(tera, "print.html", &ctx, &path)
}

/// The report again, its contents numbered from the printed PDF.
pub fn print_page_numbered(
    site: &Site,
    bi: usize,
    f: &BookFindings,
    theme: &Theme,
    pdf: &PdfInfo,
) -> Result<OutFile> {
    let forms = Forms::new(&site.books[bi]);
    forms.fill(site, bi, f, theme)?;
    print_page(
        site,
        bi,
        f,
        &theme.tera,
        overview(site, bi, f),
        &forms,
        Some(pdf),
    )
}
