//! Checks: each rule has an id, a severity, a neutral Chinese message, the official
//! basis it rests on, and a place in the source. Findings are per project, per
//! department and per book.

pub mod report;
pub mod rules;
pub mod values;

use crate::model::{Book, Department, Project};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// The word the public site uses: a finding asks for a check or an improvement, it
    /// does not pass judgement.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "需核对",
            Severity::Warning => "建议完善",
            Severity::Info => "提示",
        }
    }
    pub fn id(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding: what is missing or inconsistent, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub book: String,
    pub department: String,
    /// Department folder name (for links).
    pub department_slug: String,
    /// Empty for department- and book-level findings.
    pub project: String,
    pub project_slug: String,
    pub message: String,
    pub file: String,
    pub line: u32,
    /// `file.txt:12`, `目标表.docx 表3 第5行`: where a person finds it in the source.
    pub place: String,
    /// Shown on the public site; `false` for reviewer-only rules and for findings that
    /// rest on a row the import had to guess (see the import report).
    pub public: bool,
}

/// The findings of a book, grouped as the site shows them.
#[derive(Debug, Default, Clone)]
pub struct BookFindings {
    pub book_level: Vec<Finding>,
    /// Per department (same order as the book): department-level findings.
    pub departments: Vec<Vec<Finding>>,
    /// Per department, per project.
    pub projects: Vec<Vec<Vec<Finding>>>,
}

impl BookFindings {
    /// What the public site shows: the published rules' findings, none resting on a guess.
    pub fn published(mut self) -> BookFindings {
        let keep = |fs: &mut Vec<Finding>| fs.retain(|f| f.public);
        keep(&mut self.book_level);
        self.departments.iter_mut().for_each(keep);
        self.projects.iter_mut().flatten().for_each(keep);
        self
    }

    pub fn all(&self) -> impl Iterator<Item = &Finding> {
        self.book_level
            .iter()
            .chain(self.departments.iter().flatten())
            .chain(self.projects.iter().flatten().flatten())
    }
}

/// Context handed to every rule.
pub struct Ctx<'a> {
    pub book: &'a Book,
    pub dept: &'a Department,
    pub settings: &'a rules::Settings,
}

impl Finding {
    /// A book-level finding; department and project findings fill in more below.
    pub fn new(
        rule: &rules::Rule,
        settings: &rules::Settings,
        book: &Book,
        message: String,
        file: String,
        line: u32,
    ) -> Finding {
        Finding {
            rule: rule.id.to_string(),
            severity: settings.severity(rule),
            book: book.slug.clone(),
            department: String::new(),
            department_slug: String::new(),
            project: String::new(),
            project_slug: String::new(),
            message,
            place: book.locate(&file, line),
            public: settings.public(rule) && !book.guessed(&file, line),
            file,
            line,
        }
    }
}

impl Ctx<'_> {
    pub fn project_finding(
        &self,
        rule: &rules::Rule,
        p: &Project,
        line: u32,
        message: String,
    ) -> Finding {
        let line = if line == 0 { p.source.line } else { line };
        Finding {
            project: p.name.clone(),
            project_slug: p.slug.clone(),
            ..self.in_department(rule, message, p.source.file.clone(), line)
        }
    }

    pub fn department_finding(&self, rule: &rules::Rule, line: u32, message: String) -> Finding {
        let file = match &self.dept.overall {
            Some(o) => o.source.file.clone(),
            None => self.dept.source.file.clone(),
        };
        let line = if line == 0 {
            self.dept.source.line
        } else {
            line
        };
        self.in_department(rule, message, file, line)
    }

    fn in_department(
        &self,
        rule: &rules::Rule,
        message: String,
        file: String,
        line: u32,
    ) -> Finding {
        Finding {
            department: self.dept.name.clone(),
            department_slug: self.dept.slug.clone(),
            ..Finding::new(rule, self.settings, self.book, message, file, line)
        }
    }
}

/// Run every enabled rule over a book.
pub fn check_book(book: &Book, settings: &rules::Settings) -> BookFindings {
    let mut out = BookFindings::default();
    for dept in &book.departments {
        let ctx = Ctx {
            book,
            dept,
            settings,
        };
        let mut per_project = Vec::with_capacity(dept.projects.len());
        // The first table of each project name: a later one is a second printing.
        let mut first: std::collections::HashMap<String, usize> = Default::default();
        for (pi, p) in dept.projects.iter().enumerate() {
            let earlier = *first.entry(crate::text::key(&p.name)).or_insert(pi);
            let copy_of = (earlier != pi).then(|| &dept.projects[earlier]);
            let mut f = Vec::new();
            rules::check_project(&ctx, p, copy_of, &mut f);
            f.sort_by(|a, b| (a.severity, a.line, &a.rule).cmp(&(b.severity, b.line, &b.rule)));
            per_project.push(f);
        }
        let mut d = Vec::new();
        rules::check_department(&ctx, &mut d);
        out.departments.push(d);
        out.projects.push(per_project);
    }
    out.book_level = rules::check_book_level(book, settings);
    out
}
