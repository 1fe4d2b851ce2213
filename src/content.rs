//! The content tree, Zola style: TOML front matter between `+++` lines, Markdown body.
//!
//! ```text
//! content/<book>/_index.md              book metadata + the document's own prose
//! content/<book>/import-report.md       what the importer guessed, could not read, left out
//! content/<book>/<department>/_index.md department (code, aliases, 整体支出 table)
//! content/<book>/<department>/<project>.md
//! ```
//!
//! Writing is atomic per book (a new tree is built beside the old and swapped in), and
//! Markdown notes that people added to existing files survive a re-import.

use crate::model::{Book, Department, Project};
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

pub const INDEX: &str = "_index.md";
pub const IMPORT_REPORT: &str = "import-report.md";

/// A content error that points at a file, line and column, shows the line, and says
/// what to do.
#[derive(Debug, thiserror::Error)]
#[error(
    "{}:{line}:{col}: {message}{}{}",
    shown_path(path),
    context_lines(context),
    help_line(help)
)]
pub struct ContentError {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The offending line with a caret under the column (empty when there is no text).
    pub context: String,
    /// What to do about it.
    pub help: String,
}

/// The path as the user would type it (`content/…`, not `./content/…`).
fn shown_path(path: &Path) -> String {
    path.strip_prefix(".").unwrap_or(path).display().to_string()
}

fn context_lines(context: &str) -> String {
    if context.is_empty() {
        String::new()
    } else {
        format!("\n{context}")
    }
}

fn help_line(help: &str) -> String {
    if help.is_empty() {
        String::new()
    } else {
        format!("\n      = help: {help}")
    }
}

const FRONT_MATTER_HELP: &str = "fix the TOML between the `+++` lines (strings in \"quotes\", amounts as \"12.50\"), or re-run `jixiao import` to rewrite the file from its source";

impl ContentError {
    /// An error at `line`:`col` (1-based) of `text`.
    pub fn at(
        path: &Path,
        text: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        ContentError {
            path: path.to_path_buf(),
            line,
            col,
            message: message.into(),
            context: context_line(text, line, col),
            help: help.into(),
        }
    }

    /// An error about the file or folder as a whole.
    pub fn whole(path: &Path, message: impl Into<String>, help: impl Into<String>) -> Self {
        ContentError {
            path: path.to_path_buf(),
            line: 1,
            col: 1,
            message: message.into(),
            context: String::new(),
            help: help.into(),
        }
    }

    /// A TOML parse error, with the line and column of its span in `text`, where the
    /// TOML starts at line `first_line`.
    pub fn toml(
        path: &Path,
        text: &str,
        toml_text: &str,
        first_line: usize,
        e: &toml::de::Error,
        help: &str,
    ) -> Self {
        let (line, col) = match e.span() {
            Some(span) => {
                let before = &toml_text[..span.start.min(toml_text.len())];
                let line = before.matches('\n').count() + first_line;
                let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, col)
            }
            None => (first_line, 1),
        };
        ContentError::at(path, text, line, col, e.message().trim_end(), help)
    }
}

fn front_matter<T: serde::Serialize>(value: &T) -> Result<String> {
    let toml = toml::to_string(value).context("serialising front matter")?;
    Ok(toml)
}

/// The text of a content file: TOML front matter between `+++` lines, then the Markdown body.
pub fn to_text<T: serde::Serialize>(value: &T, body: &str) -> Result<String> {
    let mut s = String::from("+++\n");
    s.push_str(&front_matter(value)?);
    s.push_str("+++\n");
    if !body.is_empty() {
        s.push('\n');
        s.push_str(body.trim_end());
        s.push('\n');
    }
    Ok(s)
}

/// Split a content file into its front matter and body; the front matter starts on line 2.
pub fn split(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Some((front, body.trim_start_matches(['\n', '\r'])));
        }
        offset += line.len();
    }
    None
}

fn parse_front<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> std::result::Result<(T, String), ContentError> {
    let Some((front, body)) = split(text) else {
        let stripped = text.strip_prefix('\u{feff}').unwrap_or(text);
        let opened = stripped.starts_with("+++\n") || stripped.starts_with("+++\r\n");
        let (line, message) = if opened {
            // Opened but never closed: point at the end, where the closing line is missing.
            (
                text.lines().count().max(1),
                "the front matter is not closed: no line `+++` after the TOML that starts on line 1",
            )
        } else {
            (
                1,
                "missing front matter: the file must start with a line `+++`, then TOML, then `+++`",
            )
        };
        return Err(ContentError::at(
            path,
            text,
            line,
            1,
            message,
            if opened {
                "add a line `+++` where the TOML ends (before the Markdown notes, if any)"
            } else {
                "content files are written by `jixiao import`; restore this one from version control or re-import its book"
            },
        ));
    };
    match toml::from_str::<T>(front) {
        Ok(v) => Ok((v, body.to_string())),
        Err(e) => Err(ContentError::toml(
            path,
            text,
            front,
            2,
            &e,
            FRONT_MATTER_HELP,
        )),
    }
}

fn context_line(text: &str, line: usize, col: usize) -> String {
    let l = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    crate::text::caret_line(l, line, col)
}

/// Existing Markdown bodies under a book folder, keyed by path relative to the book, so
/// people's notes survive a re-import.
fn existing_bodies(dir: &Path) -> std::collections::HashMap<PathBuf, String> {
    let mut out = std::collections::HashMap::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "md")
            && p.file_name().is_some_and(|n| n != IMPORT_REPORT)
            && let Ok(text) = fs::read_to_string(p)
            && let Some((_, body)) = split(&text)
            && !body.trim().is_empty()
            && let Ok(rel) = p.strip_prefix(dir)
        {
            out.insert(rel.to_path_buf(), body.to_string());
        }
    }
    out
}

/// Write a book under `content_dir/<slug>/`, replacing the previous version atomically.
pub fn write_book(book: &Book, report_md: &str, content_dir: &Path) -> Result<PathBuf> {
    if !crate::slug::is_valid(&book.slug) {
        bail!("book name \"{}\" is not a safe folder name", book.slug);
    }
    fs::create_dir_all(content_dir)
        .with_context(|| format!("creating {}", content_dir.display()))?;
    let final_dir = content_dir.join(&book.slug);
    let notes = existing_bodies(&final_dir);
    let pid = std::process::id();
    let tmp = content_dir.join(format!(".{}.new-{pid}", book.slug));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).ok();
    }
    let result = write_tree(book, report_md, &tmp, &final_dir, &notes);
    if let Err(e) = result {
        fs::remove_dir_all(&tmp).ok();
        return Err(e);
    }
    let old = content_dir.join(format!(".{}.old-{pid}", book.slug));
    if final_dir.exists() {
        fs::rename(&final_dir, &old)
            .with_context(|| format!("moving aside {}", final_dir.display()))?;
    }
    if let Err(e) = fs::rename(&tmp, &final_dir) {
        if old.exists() {
            fs::rename(&old, &final_dir).ok();
        }
        return Err(e).with_context(|| format!("moving new content into {}", final_dir.display()));
    }
    if old.exists() {
        fs::remove_dir_all(&old).ok();
    }
    Ok(final_dir)
}

/// Write the book's files under `dir` (the staging folder); errors name each file as it
/// would be called in `shown` (the book's folder), since the staging folder is gone by then.
fn write_tree(
    book: &Book,
    report_md: &str,
    dir: &Path,
    shown: &Path,
    notes: &std::collections::HashMap<PathBuf, String>,
) -> Result<()> {
    let put = |rel: &Path, text: &str| -> Result<()> {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(|e| write_error(&shown.join(rel), &e))?;
        }
        fs::write(&p, text).map_err(|e| write_error(&shown.join(rel), &e))
    };
    let body_of = |rel: &Path, generated: &str| -> String {
        notes
            .get(rel)
            .cloned()
            .unwrap_or_else(|| generated.to_string())
    };
    let rel = Path::new(INDEX);
    put(rel, &to_text(book, &body_of(rel, &book.prose))?)?;
    put(Path::new(IMPORT_REPORT), report_md)?;
    for d in &book.departments {
        if !crate::slug::is_valid(&d.slug) {
            bail!("department folder name \"{}\" is not safe", d.slug);
        }
        let rel = Path::new(&d.slug).join(INDEX);
        put(&rel, &to_text(d, &body_of(&rel, &d.notes))?)?;
        for p in &d.projects {
            if !crate::slug::is_valid(&p.slug) {
                bail!("project file name \"{}\" is not safe", p.slug);
            }
            let rel = Path::new(&d.slug).join(format!("{}.md", p.slug));
            put(&rel, &to_text(p, &body_of(&rel, &p.notes))?)?;
        }
    }
    Ok(())
}

fn write_error(path: &Path, e: &std::io::Error) -> anyhow::Error {
    anyhow::anyhow!(
        "{}: cannot write: {e}\n  = help: {}; nothing was changed (the book's previous content is as it was)",
        shown_path(path),
        crate::text::write_remedy(e)
    )
}

/// All content errors of one load, so they can be listed together.
#[derive(Debug, Default)]
pub struct LoadErrors(pub Vec<ContentError>);

impl std::fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} content error(s); nothing was written (the previous output is unchanged):"
        )?;
        for (i, e) in self.0.iter().enumerate() {
            writeln!(f, "\n{}. {e}", i + 1)?;
        }
        write!(f, "\n{n} content error(s): fix them and run again")
    }
}

impl std::error::Error for LoadErrors {}

/// Load one book folder.
pub fn load_book(dir: &Path, errors: &mut Vec<ContentError>) -> Option<Book> {
    let slug = dir.file_name()?.to_string_lossy().to_string();
    let index = dir.join(INDEX);
    if fs::symlink_metadata(&index).is_ok_and(|m| m.file_type().is_symlink()) {
        errors.push(link_error(&index));
        return None;
    }
    let text = match fs::read_to_string(&index) {
        Ok(t) => t,
        Err(e) => {
            errors.push(io_error(&index, &e));
            return None;
        }
    };
    let mut book = match parse_book(&index, &text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    book.slug = slug;
    let dept_dirs: Vec<PathBuf> = entries(dir, errors)?
        .into_iter()
        .filter(|(_, t)| t.is_dir())
        .map(|(p, _)| p)
        .collect();
    let file_order: std::collections::HashMap<String, usize> = book
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.file.clone(), i))
        .collect();
    // Departments load in parallel; errors keep folder order.
    let loaded: Vec<(Option<Department>, Vec<ContentError>)> = dept_dirs
        .par_iter()
        .map(|ddir| {
            let mut errs = Vec::new();
            (load_department(ddir, &mut errs), errs)
        })
        .collect();
    for (d, errs) in loaded {
        errors.extend(errs);
        book.departments.extend(d);
    }
    let order = |s: &crate::model::SourceRef| {
        (
            file_order.get(&s.file).copied().unwrap_or(usize::MAX),
            s.line,
        )
    };
    for d in &mut book.departments {
        d.projects.sort_by(|a, b| {
            order(&a.source)
                .cmp(&order(&b.source))
                .then(a.slug.cmp(&b.slug))
        });
    }
    book.departments.sort_by(|a, b| {
        order(&a.source)
            .cmp(&order(&b.source))
            .then(a.slug.cmp(&b.slug))
    });
    Some(book)
}

/// A symbolic link inside `content/`: never followed, since it could point anywhere
/// (`/proc/self/environ`) and its target's text would end up in pages and errors.
fn link_error(path: &Path) -> ContentError {
    ContentError {
        path: path.to_path_buf(),
        line: 0,
        col: 0,
        message: "is a symbolic link; jixiao does not follow links in content/".to_string(),
        context: String::new(),
        help: "put the file or folder itself here (copy it), or remove the link".to_string(),
    }
}

/// The entries of a content folder (hidden ones left out), sorted; symbolic links are
/// reported, not followed.
fn entries(dir: &Path, errors: &mut Vec<ContentError>) -> Option<Vec<(PathBuf, fs::FileType)>> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            errors.push(io_error(dir, &e));
            return None;
        }
    };
    let mut out = Vec::new();
    for e in rd.filter_map(|e| e.ok()) {
        let p = e.path();
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_symlink() => errors.push(link_error(&p)),
            Ok(t) => out.push((p, t)),
            Err(err) => errors.push(io_error(&p, &err)),
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Some(out)
}

fn io_error(path: &Path, e: &std::io::Error) -> ContentError {
    let help = match e.kind() {
        std::io::ErrorKind::InvalidData => {
            "content files are UTF-8 text: save it as UTF-8, or delete it if it is not a content file"
        }
        std::io::ErrorKind::NotFound => {
            "every book and department folder needs an `_index.md`; re-run `jixiao import` for this book"
        }
        std::io::ErrorKind::PermissionDenied => "make the file readable by the user running jixiao",
        _ => "",
    };
    let message = if e.kind() == std::io::ErrorKind::InvalidData {
        "cannot read: not UTF-8 text (binary data or another encoding)".to_string()
    } else {
        format!("cannot read: {e}")
    };
    ContentError::whole(path, message, help)
}

fn load_department(dir: &Path, errors: &mut Vec<ContentError>) -> Option<Department> {
    let slug = dir.file_name()?.to_string_lossy().to_string();
    if !crate::slug::is_valid(&slug) || crate::slug::RESERVED.contains(&slug.as_str()) {
        errors.push(ContentError::whole(
            dir,
            format!("folder name \"{slug}\" is not usable for a department"),
            "rename the folder using a-z, 0-9 and '-' (it becomes part of the page address), and not after one of the site's own pages (data, print, findings, index, …)",
        ));
        return None;
    }
    let index = dir.join(INDEX);
    if fs::symlink_metadata(&index).is_ok_and(|m| m.file_type().is_symlink()) {
        errors.push(link_error(&index));
        return None;
    }
    let text = match fs::read_to_string(&index) {
        Ok(t) => t,
        Err(e) => {
            errors.push(io_error(&index, &e));
            return None;
        }
    };
    let mut dept = match parse_department(&index, &text) {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    dept.slug = slug;
    let files: Vec<PathBuf> = entries(dir, errors)?
        .into_iter()
        .filter(|(p, t)| {
            t.is_file()
                && p.extension().is_some_and(|x| x == "md")
                && p.file_name().is_some_and(|n| n != INDEX)
        })
        .map(|(p, _)| p)
        .collect();
    let parsed: Vec<std::result::Result<Project, ContentError>> =
        files.par_iter().map(|f| load_project(f)).collect();
    for p in parsed {
        match p {
            Ok(p) => dept.projects.push(p),
            Err(e) => errors.push(e),
        }
    }
    Some(dept)
}

/// Load one project file (its name is its slug).
pub fn load_project(f: &Path) -> std::result::Result<Project, ContentError> {
    {
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        if !crate::slug::is_valid(&stem) || crate::slug::RESERVED.contains(&stem.as_str()) {
            return Err(ContentError::whole(
                f,
                format!("file name \"{stem}.md\" is not usable for a project"),
                "rename the file using a-z, 0-9 and '-' (it becomes part of the page address), and not after one of the site's own pages (index, data, print, …)",
            ));
        }
        let text = fs::read_to_string(f).map_err(|e| io_error(f, &e))?;
        let mut p = parse_project(f, &text)?;
        p.slug = stem;
        Ok(p)
    }
}

/// Notes as stored: without leading blank lines and trailing whitespace, which carry no
/// meaning in Markdown (so a file, a CSV cell and a JSON string of the same notes agree).
pub fn normalise_notes(s: &str) -> String {
    s.trim_start_matches(['\n', '\r']).trim_end().to_string()
}

/// Parse the text of a project file (front matter and notes); `path` only names it in
/// errors. The content fuzzer drives this directly.
pub fn parse_project(path: &Path, text: &str) -> std::result::Result<Project, ContentError> {
    let (mut p, body): (Project, String) = parse_front(path, text)?;
    p.notes = normalise_notes(&body);
    Ok(p)
}

/// Parse the text of a department's `_index.md`.
pub fn parse_department(path: &Path, text: &str) -> std::result::Result<Department, ContentError> {
    let (mut d, body): (Department, String) = parse_front(path, text)?;
    d.notes = normalise_notes(&body);
    Ok(d)
}

/// Parse the text of a book's `_index.md`.
pub fn parse_book(path: &Path, text: &str) -> std::result::Result<Book, ContentError> {
    let (mut b, body): (Book, String) = parse_front(path, text)?;
    b.prose = normalise_notes(&body);
    Ok(b)
}

/// Load every book under `content_dir` (folders with an `_index.md`), sorted by slug.
/// All errors are collected; the caller decides whether any is fatal.
pub fn load_books(content_dir: &Path) -> std::result::Result<Vec<Book>, LoadErrors> {
    let mut errors = Vec::new();
    let Some(dirs) = listed_books(content_dir, &mut errors) else {
        return Err(LoadErrors(errors));
    };
    match load_book_dirs(&dirs) {
        Ok(books) if errors.is_empty() => Ok(books),
        Ok(_) => Err(LoadErrors(errors)),
        Err(e) => {
            errors.extend(e.0);
            Err(LoadErrors(errors))
        }
    }
}

fn listed_books(content_dir: &Path, errors: &mut Vec<ContentError>) -> Option<Vec<PathBuf>> {
    Some(
        entries(content_dir, errors)?
            .into_iter()
            .filter(|(p, t)| t.is_dir() && p.join(INDEX).is_file())
            .map(|(p, _)| p)
            .collect(),
    )
}

/// The book folders under `content_dir` (those holding `_index.md`), in name order.
pub fn book_dirs(content_dir: &Path) -> std::result::Result<Vec<PathBuf>, LoadErrors> {
    let mut errors = Vec::new();
    match listed_books(content_dir, &mut errors) {
        Some(dirs) if errors.is_empty() => Ok(dirs),
        _ => Err(LoadErrors(errors)),
    }
}

/// Load the books in `dirs` in parallel, in their order; every error is collected.
pub fn load_book_dirs(dirs: &[PathBuf]) -> std::result::Result<Vec<Book>, LoadErrors> {
    let mut errors = Vec::new();
    let loaded: Vec<(Option<Book>, Vec<ContentError>)> = dirs
        .par_iter()
        .map(|d| {
            let mut errs = Vec::new();
            (load_book(d, &mut errs), errs)
        })
        .collect();
    let mut books = Vec::with_capacity(loaded.len());
    for (b, errs) in loaded {
        errors.extend(errs);
        books.extend(b);
    }
    if errors.is_empty() {
        Ok(books)
    } else {
        Err(LoadErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let (f, b) = split("+++\na = 1\n+++\n\n正文\n").unwrap();
        assert_eq!(f, "a = 1\n");
        assert_eq!(b, "正文\n");
        assert!(split("no front matter").is_none());
        let e = parse_front::<toml::Value>(Path::new("p.md"), "+++\nname = \"x\"\n\n正文\n")
            .unwrap_err();
        assert!(e.message.contains("not closed"), "{}", e.message);
        assert_eq!(e.line, 4);
    }

    #[test]
    fn errors_point_at_line_and_column() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            name: String,
        }
        let e = parse_front::<T>(Path::new("x.md"), "+++\nname = 3\n+++\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.col, 8);
        assert!(e.to_string().starts_with("x.md:2:8:"), "{e}");
        assert!(e.context.contains("name = 3"));
    }
}
