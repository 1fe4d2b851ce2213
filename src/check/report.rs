//! `jixiao check`: findings of every book as a numbered text list, JSON, or GitHub
//! workflow annotations, and the exit code CI acts on.

use super::{BookFindings, Finding, Severity};
use crate::model::Book;
use crate::text::for_terminal;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
}

/// A book and its findings.
pub struct Checked<'a> {
    pub book: &'a Book,
    pub findings: &'a BookFindings,
}

/// The severity from which `check` fails: errors, or warnings too with `--strict`.
pub fn failing(strict: bool) -> Severity {
    if strict {
        Severity::Warning
    } else {
        Severity::Error
    }
}

/// Exit code: 0 when nothing reaches the failing severity, 1 when something does.
pub fn exit_code(checked: &[Checked<'_>], strict: bool) -> u8 {
    let fail = failing(strict);
    let failed = checked
        .iter()
        .flat_map(|c| c.findings.all())
        .any(|f| f.severity <= fail);
    u8::from(failed)
}

/// Where the content file behind a finding is, relative to the site root: the file an
/// editor opens to fix it.
pub fn content_path(f: &Finding) -> String {
    match (f.department_slug.is_empty(), f.project_slug.is_empty()) {
        (true, _) => format!("content/{}/_index.md", f.book),
        (false, true) => format!("content/{}/{}/_index.md", f.book, f.department_slug),
        (false, false) => format!(
            "content/{}/{}/{}.md",
            f.book, f.department_slug, f.project_slug
        ),
    }
}

/// The line of `content` (a content file's text) that records source line `line`, so
/// an annotation lands on the indicator or fund table it is about.
pub fn content_line(content: &str, line: u32) -> Option<usize> {
    let want = format!("line = {line}");
    content
        .lines()
        .position(|l| l.trim() == want)
        .map(|i| i + 1)
}

fn counts<'a>(fs: impl Iterator<Item = &'a Finding>) -> [usize; 3] {
    let mut c = [0; 3];
    for f in fs {
        c[f.severity as usize] += 1;
    }
    c
}

fn counts_text(c: [usize; 3]) -> String {
    format!("{} error(s), {} warning(s), {} info", c[0], c[1], c[2])
}

/// Numbered list grouped by book and department.
pub fn text(checked: &[Checked<'_>], min: Severity) -> String {
    let mut out = String::new();
    let mut n = 0usize;
    let mut total = [0usize; 3];
    for c in checked {
        let shown = |f: &&Finding| f.severity <= min;
        let all = counts(c.findings.all());
        for (t, a) in total.iter_mut().zip(all) {
            *t += a;
        }
        let _ = writeln!(
            out,
            "{} — {} ({})",
            c.book.slug,
            for_terminal(&c.book.title),
            counts_text(all)
        );
        let mut section = |title: &str, fs: Vec<&Finding>, out: &mut String| {
            if fs.is_empty() {
                return;
            }
            let _ = writeln!(out, "  {}", for_terminal(title));
            for f in fs {
                n += 1;
                let what = if f.project.is_empty() {
                    String::new()
                } else {
                    format!("{}：", for_terminal(&f.project))
                };
                let _ = writeln!(
                    out,
                    "    {n:>4}. {}[{}] {what}{}\n          at {}{}",
                    f.severity.id(),
                    f.rule,
                    for_terminal(&f.message),
                    for_terminal(&f.place),
                    if f.public { "" } else { "  (reviewers only)" }
                );
            }
        };
        section(
            "（全册）",
            c.findings.book_level.iter().filter(shown).collect(),
            &mut out,
        );
        for (di, d) in c.book.departments.iter().enumerate() {
            let fs: Vec<&Finding> = c.findings.departments[di]
                .iter()
                .chain(c.findings.projects[di].iter().flatten())
                .filter(shown)
                .collect();
            section(&d.name, fs, &mut out);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{} book(s): {}", checked.len(), counts_text(total));
    out
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    book: &'a str,
    department: &'a str,
    project: &'a str,
    message: &'a str,
    file: &'a str,
    line: u32,
    /// `file.txt:12`, `目标表.docx 表3 第5行`.
    place: &'a str,
    content: String,
    /// Shown on the public site (false: for reviewers only).
    public: bool,
}

/// A JSON array of findings (all severities at or above `min`).
pub fn json(checked: &[Checked<'_>], min: Severity) -> String {
    let list: Vec<JsonFinding<'_>> = checked
        .iter()
        .flat_map(|c| c.findings.all())
        .filter(|f| f.severity <= min)
        .map(|f| JsonFinding {
            rule: &f.rule,
            severity: f.severity,
            book: &f.book,
            department: &f.department,
            project: &f.project,
            message: &f.message,
            file: &f.file,
            line: f.line,
            place: &f.place,
            content: content_path(f),
            public: f.public,
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// Workflow-command escaping: `%`, CR and LF in messages; also `:` and `,` in properties.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// GitHub workflow annotations (`::error file=…,line=…,title=…::message`), pointing at
/// the content file an editor changes. `root` is read to place each annotation on the
/// line that records the source line.
pub fn github(checked: &[Checked<'_>], min: Severity, root: &Path) -> String {
    let mut out = String::new();
    let mut cache: std::collections::HashMap<String, Option<String>> = Default::default();
    for f in checked.iter().flat_map(|c| c.findings.all()) {
        if f.severity > min {
            continue;
        }
        let path = content_path(f);
        let text = cache
            .entry(path.clone())
            .or_insert_with(|| std::fs::read_to_string(root.join(&path)).ok());
        let line = text
            .as_deref()
            .and_then(|t| content_line(t, f.line))
            .unwrap_or(1);
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let title = match super::rules::rule(&f.rule) {
            Some(r) => format!("{} {}", f.rule, r.title),
            None => f.rule.clone(),
        };
        let what = match (f.project.as_str(), f.department.as_str()) {
            ("", "") => String::new(),
            ("", dept) => format!("{dept}："),
            (project, _) => format!("{project}："),
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={line},title={}::{}",
            gh_escape(&path, true),
            gh_escape(&title, true),
            gh_escape(&format!("{what}{}（来源 {}）", f.message, f.place), false)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_cannot_break_out_of_their_line() {
        assert_eq!(gh_escape("a\nb%c", false), "a%0Ab%25c");
        assert_eq!(gh_escape("a:b,c", true), "a%3Ab%2Cc");
    }

    #[test]
    fn content_line_finds_the_recorded_source_line() {
        let t = "+++\nname = \"x\"\n\n[[indicators]]\nvalue = \"1\"\nline = 134\n";
        assert_eq!(content_line(t, 134), Some(6));
        assert_eq!(content_line(t, 13), None);
    }
}
