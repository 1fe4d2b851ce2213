//! `jixiao build`: book.toml + content/ + theme → a static site.
//!
//! load → analyse → render → write. Pages are rendered in parallel; each page's context
//! holds only what that page shows (no site-wide lists copied into every page). All
//! internal links are relative, so the site works on any host, under a sub-path and from
//! `file://`. Output is written to a fresh folder and swapped in only when the build
//! succeeded, so a failed build leaves the previous site untouched.

pub mod analyse;
mod build;
pub mod cache;
pub mod charts;
pub mod pages;
pub mod pdf;
pub mod search;
pub mod summary;
pub mod theme;

pub use build::{Rebuilt, build};

use crate::check::{self, BookFindings};
use crate::config::Config;
use crate::model::Book;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Escape text for XML/HTML attributes and content, without the characters pages never
/// show ([`crate::text::is_hidden_on_pages`]: controls, invalid in XML, and bidi overrides).
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if crate::text::is_hidden_on_pages(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside a `<script>` element or a JS file loaded by one: `<`, `>`,
/// `&`, U+2028 and U+2029 are written as `\u` escapes.
pub fn json_for_script<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    // Runs without a character to escape are copied whole (search files are megabytes).
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(escaped);
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    /// Overrides book.toml's base_url (and is itself overridden by JIXIAO_BASE_URL).
    pub base_url: Option<String>,
    pub progress: bool,
    /// Also print each book's annual report to `<book>/print.pdf` (needs Chromium).
    pub pdf: bool,
}

/// Wall time per phase.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
}

impl Timings {
    pub fn add(&mut self, name: &'static str, since: Instant) -> Instant {
        self.phases.push((name, since.elapsed()));
        Instant::now()
    }

    pub fn report(&self) -> String {
        // Indented phases are parts of the one above and not added again.
        let total: Duration = self
            .phases
            .iter()
            .filter(|p| !p.0.starts_with(' '))
            .map(|p| p.1)
            .sum();
        let mut s = String::new();
        for (n, d) in &self.phases {
            s.push_str(&format!("  {n:<14} {:>9.1} ms\n", d.as_secs_f64() * 1000.0));
        }
        s.push_str(&format!(
            "  {:<14} {:>9.1} ms",
            "total",
            total.as_secs_f64() * 1000.0
        ));
        s
    }
}

#[derive(Debug, Default, Clone)]
pub struct BuildStats {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    pub search_bytes: u64,
    pub timings: Timings,
    /// Set when the build cache let the build render only what changed.
    pub rebuilt: Option<Rebuilt>,
}

/// One output file.
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where rendered files go as soon as they are ready: a folder on disk in a full build,
/// memory in `serve`'s incremental rebuilds.
pub trait Sink: Sync {
    fn put(&self, file: OutFile) -> Result<()>;
}

/// Writes each file into a staging folder; [`DirSink::commit`] swaps it in for the old
/// site, [`DirSink::abort`] removes it, so a failed build leaves the old site untouched.
pub struct DirSink {
    out: PathBuf,
    tmp: PathBuf,
    dirs: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Every path written, so two pages can never silently land on one file.
    written: std::sync::Mutex<std::collections::HashSet<String>>,
    files: std::sync::atomic::AtomicUsize,
    bytes: std::sync::atomic::AtomicU64,
}

impl DirSink {
    /// Stage a new site beside `out`. Callers run [`recover_output`] first (as `build`
    /// and `serve` do), so what a killed build left is gone before anything is staged.
    pub fn begin(out: &Path) -> Result<DirSink> {
        let (parent, name) = out_parts(out);
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let tmp = parent.join(format!(".{name}.new-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)?;
        }
        std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        Ok(DirSink {
            out: out.to_path_buf(),
            tmp,
            dirs: Default::default(),
            written: Default::default(),
            files: Default::default(),
            bytes: Default::default(),
        })
    }

    pub fn files(&self) -> usize {
        self.files.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Where `rel` is staged, for a tool that reads the staged site (the PDF printer).
    pub fn staged(&self, rel: &str) -> Result<PathBuf> {
        safe_join(&self.tmp, rel)
    }

    /// Write `file` again: the printed report, once its contents are numbered.
    pub fn replace(&self, file: OutFile) -> Result<()> {
        if let Ok(mut w) = self.written.lock() {
            w.remove(&file.path);
        }
        let old = safe_join(&self.tmp, &file.path)?
            .metadata()
            .map(|m| m.len())
            .ok();
        if let Some(len) = old {
            self.files
                .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            self.bytes
                .fetch_sub(len, std::sync::atomic::Ordering::Relaxed);
        }
        self.put(file)
    }

    pub fn abort(self) {
        std::fs::remove_dir_all(&self.tmp).ok();
    }

    /// Swap the staged site in. On Linux one `renameat2(RENAME_EXCHANGE)` swaps the two
    /// folders atomically, so `out` always holds a whole site, old or new; elsewhere two
    /// renames, and a build killed between them is repaired by the next [`DirSink::begin`].
    pub fn commit(self) -> Result<()> {
        let (parent, name) = out_parts(&self.out);
        if self.out.exists() && exchange(&self.tmp, &self.out) {
            // The old site now sits in the staging folder.
            std::fs::remove_dir_all(&self.tmp).ok();
            return Ok(());
        }
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        if self.out.exists() {
            std::fs::rename(&self.out, &old)
                .with_context(|| format!("moving aside {}", self.out.display()))?;
        }
        if let Err(e) = std::fs::rename(&self.tmp, &self.out) {
            if old.exists() {
                std::fs::rename(&old, &self.out).ok();
            }
            return Err(e)
                .with_context(|| format!("moving the new site into {}", self.out.display()));
        }
        if old.exists() {
            std::fs::remove_dir_all(&old).ok();
        }
        Ok(())
    }
}

/// Atomically swap two folders; false where the system cannot (then the caller renames).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        std::ffi::CString::new(a.as_os_str().as_bytes()),
        std::ffi::CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        ) == 0
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// The folder that holds `out` and `out`'s own name, which staging folders are named after.
pub(crate) fn out_parts(out: &Path) -> (&Path, String) {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    (parent, name)
}

/// Repair what a killed build left beside `out` (see [`recover_interrupted`]). A build
/// does this first, so even a build that then fails on bad content restores the site.
pub fn recover_output(out: &Path) -> Result<()> {
    let (parent, name) = out_parts(out);
    recover_interrupted(out, parent, &name)
}

/// Clean up after builds that were killed: a staging folder (`.public.new-PID`) or a
/// moved-aside old site (`.public.old-PID`) whose process is gone. When the output
/// folder itself is missing because a build died between its two renames, the old
/// site is moved back first, so it is exactly as it was.
fn recover_interrupted(out: &Path, parent: &Path, name: &str) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let mut stale: Vec<(PathBuf, bool)> = Vec::new();
    for e in entries.filter_map(|e| e.ok()) {
        let file = e.file_name().to_string_lossy().to_string();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else {
            continue;
        };
        let (is_old, pid) = match (rest.strip_prefix("old-"), rest.strip_prefix("new-")) {
            (Some(pid), _) => (true, pid),
            (_, Some(pid)) => (false, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            stale.push((e.path(), is_old));
        }
    }
    stale.sort();
    for (path, is_old) in stale {
        if is_old && !out.exists() {
            std::fs::rename(&path, out).with_context(|| {
                format!(
                    "restoring the previous site from {} to {}",
                    path.display(),
                    out.display()
                )
            })?;
        } else {
            std::fs::remove_dir_all(&path).ok();
        }
    }
    Ok(())
}

#[cfg(unix)]
pub(crate) fn process_alive(pid: u32) -> bool {
    // Signal 0 checks existence; EPERM means it exists but is not ours.
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 sends nothing.
    let sent = unsafe { libc::kill(pid, 0) == 0 };
    sent || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    true
}

impl Sink for DirSink {
    fn put(&self, file: OutFile) -> Result<()> {
        let p = safe_join(&self.tmp, &file.path)?;
        let first = self
            .written
            .lock()
            .map_err(|_| anyhow::anyhow!("output lock poisoned"))?
            .insert(file.path.clone());
        if !first {
            bail!(
                "two pages would be written to {}: rename one of the content files behind them",
                file.path
            );
        }
        write_staged(&self.dirs, &p, &file.bytes, &self.out.join(&file.path))?;
        self.files
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.bytes.fetch_add(
            file.bytes.len() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        Ok(())
    }
}

/// Write a staged file at `p`, making its folder once (`dirs` remembers the folders made);
/// an error names the file as it will be in the site (`shown`).
pub(crate) fn write_staged(
    dirs: &std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    p: &Path,
    bytes: &[u8],
    shown: &Path,
) -> Result<()> {
    if let Some(dir) = p.parent() {
        let known = dirs.lock().map(|d| d.contains(dir)).unwrap_or(false);
        if !known {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            if let Ok(mut d) = dirs.lock() {
                d.insert(dir.to_path_buf());
            }
        }
    }
    std::fs::write(p, bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot write: {e}\n  = help: {}; nothing was changed (the previous site is as it was)",
            shown.display(),
            crate::text::write_remedy(&e)
        )
    })
}

/// Collects files in memory (for incremental rebuilds and tests).
#[derive(Default)]
pub struct MemSink(pub std::sync::Mutex<Vec<OutFile>>);

impl Sink for MemSink {
    fn put(&self, file: OutFile) -> Result<()> {
        safe_join(Path::new("."), &file.path)?;
        self.0
            .lock()
            .map_err(|_| anyhow::anyhow!("output lock poisoned"))?
            .push(file);
        Ok(())
    }
}

/// Everything loaded for a build.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub books: Vec<Book>,
    /// Site Markdown pages from `content/*.md`: (slug, title, markdown).
    pub pages: Vec<(String, String, String)>,
    /// The build prints each book's report to `<book>/print.pdf`, so pages link to it.
    pub pdf: bool,
    /// What the site-wide pages show of every book, in book order: of the loaded books
    /// and, in an incremental build, of the others from the build cache.
    pub summaries: Vec<summary::BookSummary>,
    /// Per loaded book, its comparison with the previous version book.toml names.
    pub changes: Vec<Option<pages::BookChanges>>,
}

impl Site {
    /// Book `bi`'s comparison with its previous version, if it names one.
    pub fn changes(&self, bi: usize) -> Option<&pages::BookChanges> {
        self.changes.get(bi).and_then(Option::as_ref)
    }
}

/// The comparison of `book` with its previous version: the book `previous` names, with
/// its published findings (the public page compares what the public sees).
pub fn compare_with_previous(
    book: &crate::model::Book,
    findings: &BookFindings,
    previous: &crate::model::Book,
    previous_findings: &BookFindings,
) -> pages::BookChanges {
    let diff = crate::diff::diff_books(previous, previous_findings, book, findings);
    pages::BookChanges::new(diff, previous)
}

/// Comparisons of every loaded book that names a previous version (also loaded).
pub fn changes_of(site: &Site, findings: &[BookFindings]) -> Vec<Option<pages::BookChanges>> {
    site.books
        .par_iter()
        .map(|b| {
            let p = site.config.previous(&b.slug)?;
            let pi = site.books.iter().position(|x| x.slug == p)?;
            let bi = site.books.iter().position(|x| x.slug == b.slug)?;
            Some(compare_with_previous(
                b,
                &findings[bi],
                &site.books[pi],
                &findings[pi],
            ))
        })
        .collect()
}

/// Load book.toml and the content tree. All content errors (books and site pages) are
/// collected and listed together, numbered.
pub fn load(root: &Path) -> Result<Site> {
    load_books_in(root, None)
}

/// [`load`], with only the book folders `only` when given (an incremental build).
fn load_books_in(root: &Path, only: Option<&[PathBuf]>) -> Result<Site> {
    use crate::content::ContentError;
    let config = crate::config::load(&root.join("book.toml"))?;
    let content = root.join("content");
    let loaded = match only {
        None => crate::content::load_books(&content),
        Some(dirs) => crate::content::load_book_dirs(dirs),
    };
    let (books, mut errors) = match loaded {
        Ok(b) => (b, Vec::new()),
        Err(e) => (Vec::new(), e.0),
    };
    let mut pages = Vec::new();
    if content.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&content)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for f in files {
            let slug = f
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            if !crate::slug::is_valid(&slug) || crate::slug::RESERVED.contains(&slug.as_str()) {
                errors.push(ContentError::whole(
                    &f,
                    "not a usable page file name",
                    "name site pages with a-z, 0-9 and '-', and not after one of the site's own pages (index, search, guide, rules, 404, static, …)",
                ));
                continue;
            }
            let text = match std::fs::read(&f).map(String::from_utf8) {
                Ok(Ok(t)) => t,
                _ => {
                    errors.push(ContentError::whole(
                        &f,
                        "cannot read as UTF-8 text",
                        "save the page as UTF-8 text",
                    ));
                    continue;
                }
            };
            let (title, body) = match crate::content::split(&text) {
                Some((front, body)) => {
                    #[derive(serde::Deserialize)]
                    struct Front {
                        title: String,
                    }
                    match toml::from_str::<Front>(front) {
                        Ok(fm) => (fm.title, body.to_string()),
                        Err(e) => {
                            errors.push(ContentError::toml(
                                &f,
                                &text,
                                front,
                                2,
                                &e,
                                "a site page's front matter holds one setting: title = \"…\"",
                            ));
                            continue;
                        }
                    }
                }
                None => (slug.clone(), text.clone()),
            };
            pages.push((slug, title, body));
        }
    }
    if !errors.is_empty() {
        return Err(crate::content::LoadErrors(errors).into());
    }
    Ok(Site {
        root: root.to_path_buf(),
        config,
        books,
        pages,
        pdf: false,
        summaries: Vec::new(),
        changes: Vec::new(),
    })
}

/// The base URL in force: `--base-url`, else `JIXIAO_BASE_URL` (CI previews), else
/// book.toml. Always ends in `/`. It becomes canonical links and sitemap entries, so only
/// http(s) addresses and absolute paths are accepted (never `javascript:` and the like).
pub fn base_url(config: &Config, cli: Option<&str>) -> Result<String> {
    let env = std::env::var("JIXIAO_BASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let (url, from) = match (cli, env) {
        (Some(c), _) => (c.to_string(), "--base-url"),
        (None, Some(e)) => (e, "JIXIAO_BASE_URL"),
        (None, None) => (config.base_url.clone(), "base_url in book.toml"),
    };
    let lower = url.to_ascii_lowercase();
    let host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let shape_ok = match host {
        Some(h) => !h.is_empty() && !h.starts_with('/'),
        None => url.starts_with('/') && !url.starts_with("//"),
    };
    let chars_ok = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\'));
    if !shape_ok || !chars_ok {
        bail!(
            "{from}: \"{}\" is not a usable base URL: use an http(s) address like https://example.gov.cn/jixiao/ or a path like /jixiao/",
            crate::text::for_pages(&url)
        );
    }
    Ok(if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    })
}

/// Run the checks of every book and keep what the site publishes (`jixiao check` shows
/// reviewers everything: `check::check_book`).
pub fn analyse(site: &Site) -> Vec<BookFindings> {
    site.books
        .par_iter()
        .map(|b| analyse_book(b, &site.config))
        .collect()
}

/// The published findings of one book.
pub fn analyse_book(book: &crate::model::Book, config: &crate::config::Config) -> BookFindings {
    check::check_book(book, &config.check).published()
}

/// Render every file of the loaded books and the site-wide frame into `sink`: pages
/// (written as they are rendered), downloads, static files and the sitemap; the search
/// index is the caller's (a full build, an incremental one and `serve` keep it
/// differently). Returns the number of pages.
pub fn render_site(
    site: &Site,
    findings: &[BookFindings],
    theme: &theme::Theme,
    sink: &dyn Sink,
    progress: bool,
    timings: &mut Timings,
) -> Result<usize> {
    let t = Instant::now();
    let mut jobs = pages::site_jobs(site);
    for bi in 0..site.books.len() {
        jobs.extend(pages::book_jobs(site, bi));
    }
    let (pages, chart_time) = pages::render_jobs(site, findings, theme, &jobs, sink, progress)?;
    let t = timings.add("render+write", t);
    timings.phases.push(("  of which charts", chart_time));

    site.books
        .par_iter()
        .zip(findings.par_iter())
        .try_for_each(|(b, f)| -> Result<()> {
            for file in pages::downloads(b, f) {
                sink.put(file)?;
            }
            Ok(())
        })?;
    for (name, bytes) in &theme.statics {
        sink.put(OutFile {
            path: format!("static/{name}"),
            bytes: bytes.clone(),
        })?;
    }
    for file in pages::sitemap(site) {
        sink.put(file)?;
    }
    timings.add("downloads", t);
    Ok(pages)
}

/// Join a generated relative path under `base`, refusing anything that could leave it.
pub fn safe_join(base: &Path, rel: &str) -> Result<PathBuf> {
    let ok = !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..");
    if !ok {
        bail!("refusing to write outside the output folder: {rel}");
    }
    Ok(base.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let s = json_for_script(&serde_json::json!({"a": "</script><!-- \u{2028}&"}));
        assert!(!s.contains("</"));
        assert!(!s.contains("<!--"));
        assert!(s.contains("\\u003c/script\\u003e"));
        assert!(s.contains("\\u2028"));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><!-- \u{2028}&");
    }

    #[test]
    fn generated_paths_stay_inside() {
        let b = Path::new("/tmp/out");
        assert!(safe_join(b, "a/b.html").is_ok());
        assert!(safe_join(b, "../x").is_err());
        assert!(safe_join(b, "/etc/passwd").is_err());
        assert!(safe_join(b, "a//b").is_err());
    }
}
