//! `jixiao build`: book.toml + content/ + theme → a static site.
//!
//! load → analyse → render → write. Pages are rendered in parallel; each page's context
//! holds only what that page shows (no site-wide lists copied into every page). All
//! internal links are relative, so the site works on any host, under a sub-path and from
//! `file://`. Output is written to a fresh folder and swapped in only when the build
//! succeeded, so a failed build leaves the previous site untouched.

pub mod analyse;
pub mod charts;
pub mod pages;
pub mod search;
pub mod theme;

use crate::check::{self, BookFindings};
use crate::config::Config;
use crate::model::Book;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Escape text for XML/HTML attributes and content.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// JSON that is safe inside a `<script>` element or a JS file loaded by one: `<`, `>`,
/// `&`, U+2028 and U+2029 are written as `\u` escapes.
pub fn json_for_script<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    /// Overrides book.toml's base_url (and is itself overridden by JIXIAO_BASE_URL).
    pub base_url: Option<String>,
    pub progress: bool,
}

/// Wall time per phase.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn add(&mut self, name: &'static str, since: Instant) -> Instant {
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
}

/// One output file.
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Everything loaded for a build.
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub books: Vec<Book>,
    /// Site Markdown pages from `content/*.md`: (slug, title, markdown).
    pub pages: Vec<(String, String, String)>,
}

/// Load book.toml and the content tree. All content errors are collected and listed
/// together.
pub fn load(root: &Path) -> Result<Site> {
    let config = crate::config::load(&root.join("book.toml"))?;
    let content = root.join("content");
    let books = match crate::content::load_books(&content) {
        Ok(b) => b,
        Err(e) => bail!("{e}"),
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
                bail!(
                    "{}: page file names must be a-z, 0-9 and '-' and not one of the site's own pages",
                    f.display()
                );
            }
            let text = std::fs::read_to_string(&f)
                .with_context(|| format!("{}: cannot read", f.display()))?;
            let (title, body) = match crate::content::split(&text) {
                Some((front, body)) => {
                    #[derive(serde::Deserialize)]
                    struct Front {
                        title: String,
                    }
                    let fm: Front = toml::from_str(front)
                        .map_err(|e| anyhow::anyhow!("{}: {}", f.display(), e.message()))?;
                    (fm.title, body.to_string())
                }
                None => (slug.clone(), text.clone()),
            };
            pages.push((slug, title, body));
        }
    }
    Ok(Site {
        root: root.to_path_buf(),
        config,
        books,
        pages,
    })
}

/// The base URL in force: `--base-url`, else `JIXIAO_BASE_URL` (CI previews), else
/// book.toml. Always ends in `/`.
pub fn base_url(config: &Config, cli: Option<&str>) -> String {
    let env = std::env::var("JIXIAO_BASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let url = cli
        .map(str::to_string)
        .or(env)
        .unwrap_or_else(|| config.base_url.clone());
    if url.ends_with('/') {
        url
    } else {
        format!("{url}/")
    }
}

/// Build the whole site into `opts.out`.
pub fn build(opts: &BuildOptions) -> Result<BuildStats> {
    let mut timings = Timings::default();
    let t = Instant::now();
    let mut site = load(&opts.root)?;
    site.config.base_url = base_url(&site.config, opts.base_url.as_deref());
    let (tera, statics) = theme::load(&opts.root, site.config.theme.as_deref())?;
    let t = timings.add("load", t);

    let findings: Vec<BookFindings> = site
        .books
        .par_iter()
        .map(|b| check::check_book(b, &site.config.check))
        .collect();
    let t = timings.add("analyse", t);

    let mut files: Vec<OutFile> = Vec::new();
    let (rendered, chart_time) = pages::render_all(&site, &findings, &tera, opts.progress)?;
    let pages = rendered.len();
    files.extend(rendered);
    let mut t = timings.add("render", t);
    timings.phases.push(("  of which charts", chart_time));

    // Search index.
    let search_files = pages::search_index(&site);
    let search_bytes: u64 = search_files.iter().map(|f| f.bytes.len() as u64).sum();
    files.extend(search_files);
    t = timings.add("search index", t);

    // Downloads and static files.
    files.par_extend(
        site.books
            .par_iter()
            .zip(findings.par_iter())
            .flat_map_iter(|(b, f)| pages::downloads(b, f)),
    );
    for (name, bytes) in statics {
        files.push(OutFile {
            path: format!("static/{name}"),
            bytes,
        });
    }
    files.push(OutFile {
        path: "sitemap.xml".into(),
        bytes: pages::sitemap(&site).into_bytes(),
    });
    let t = timings.add("downloads", t);

    let bytes = write_atomically(&opts.out, &files)?;
    timings.add("write", t);
    Ok(BuildStats {
        pages,
        files: files.len(),
        bytes,
        search_bytes,
        timings,
    })
}

/// Write every file into a new folder next to `out`, then swap it in.
fn write_atomically(out: &Path, files: &[OutFile]) -> Result<u64> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.new-{pid}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    let result: Result<u64> = (|| {
        // Folders first (sequential, few), then files in parallel.
        let mut dirs: Vec<PathBuf> = files
            .iter()
            .filter_map(|f| Path::new(&f.path).parent().map(|p| tmp.join(p)))
            .collect();
        dirs.sort();
        dirs.dedup();
        std::fs::create_dir_all(&tmp)?;
        for d in dirs {
            std::fs::create_dir_all(&d)?;
        }
        files.par_iter().try_for_each(|f| -> Result<()> {
            let p = safe_join(&tmp, &f.path)?;
            std::fs::write(&p, &f.bytes).with_context(|| format!("writing {}", p.display()))
        })?;
        Ok(files.iter().map(|f| f.bytes.len() as u64).sum())
    })();
    let bytes = match result {
        Ok(b) => b,
        Err(e) => {
            std::fs::remove_dir_all(&tmp).ok();
            return Err(e);
        }
    };
    let old = parent.join(format!(".{name}.old-{pid}"));
    if out.exists() {
        std::fs::rename(out, &old).with_context(|| format!("moving aside {}", out.display()))?;
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        if old.exists() {
            std::fs::rename(&old, out).ok();
        }
        return Err(e).with_context(|| format!("moving the new site into {}", out.display()));
    }
    if old.exists() {
        std::fs::remove_dir_all(&old).ok();
    }
    Ok(bytes)
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
