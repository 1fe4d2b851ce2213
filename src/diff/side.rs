//! The two sides of a comparison: a book of this site (`xiqu-2026`), a book folder
//! (`../archive/content/xiqu-2026`), or a book as it is in a git revision (`--git main`,
//! what CI compares a pull request with). A revision is read with `git ls-tree` and one
//! `git cat-file --batch` into a private temporary folder, so the work tree, the index
//! and the checkout are never touched.

use crate::model::Book;
use anyhow::{Context, Result, anyhow, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where a book was read from, as the output names it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub book: Book,
    /// `content/xiqu-2026`, `main:content/xiqu-2026`.
    pub label: String,
}

/// A book folder named on the command line: a folder holding `_index.md`, else a book
/// of the site at `root`.
pub fn book_dir(root: &Path, arg: &str) -> Result<PathBuf> {
    let as_path = Path::new(arg);
    if as_path.join(crate::content::INDEX).is_file() {
        return Ok(as_path.to_path_buf());
    }
    let in_site = root.join("content").join(arg);
    if crate::slug::is_valid(arg) && in_site.join(crate::content::INDEX).is_file() {
        return Ok(in_site);
    }
    bail!(
        "{}: not a book: no {} there, and no book {} in {}\n  = help: name a book of the site (a folder under content/) or a book folder (one holding _index.md)",
        crate::text::for_terminal(arg),
        crate::content::INDEX,
        crate::text::for_terminal(arg),
        root.join("content").display()
    )
}

/// Load a book folder; content errors are listed with their file and line.
pub fn load_dir(dir: &Path, label: String) -> Result<Loaded> {
    let mut errors = Vec::new();
    match crate::content::load_book(dir, &mut errors) {
        Some(book) if errors.is_empty() => Ok(Loaded { book, label }),
        _ => Err(anyhow!(crate::content::LoadErrors(errors)))
            .with_context(|| format!("cannot read {label}")),
    }
}

/// The books (folder names) under the site's content/ at a revision.
pub fn books_at(root: &Path, rev: &str) -> Result<Vec<String>> {
    let repo = Repo::open(root)?;
    let listing = repo.git(&[
        "ls-tree",
        "-z",
        rev,
        "--",
        &format!("{}content/", repo.prefix),
    ])?;
    let mut books = Vec::new();
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        if meta.split(' ').nth(1) == Some("tree")
            && let Some(name) = path.rsplit('/').next()
            && crate::slug::is_valid(name)
        {
            books.push(name.to_string());
        }
    }
    books.sort();
    Ok(books)
}

/// A book of the site at `root` as it is in revision `rev`, read into `into` (which is
/// created, and should be a fresh temporary folder).
pub fn load_at(root: &Path, rev: &str, book: &str, into: &Path) -> Result<Loaded> {
    if !crate::slug::is_valid(book) {
        bail!(
            "{}: not a book folder name",
            crate::text::for_terminal(book)
        );
    }
    let repo = Repo::open(root)?;
    let base = format!("{}content/{book}/", repo.prefix);
    let listing = repo.git(&["ls-tree", "-r", "-z", rev, "--", &base])?;
    let dir = into.join(book);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut blobs = Vec::new();
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry).into_owned();
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (mode, kind, id) = (meta.next(), meta.next(), meta.next());
        // Regular files only: a link or a submodule could point out of the content.
        if kind != Some("blob") || !matches!(mode, Some("100644" | "100755")) {
            continue;
        }
        let Some(rel) = path.strip_prefix(&base) else {
            continue;
        };
        if rel
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == ".." || s.contains('\\'))
        {
            continue;
        }
        blobs.push((id.unwrap_or_default().to_string(), dir.join(rel)));
    }
    if !blobs
        .iter()
        .any(|(_, p)| p == &dir.join(crate::content::INDEX))
    {
        bail!(
            "{rev}:{base}: no such book in that revision\n  = help: check the revision (`git log {rev}`) and the book's folder name; a book new in this change has nothing to compare with"
        );
    }
    repo.cat_files(&blobs)?;
    load_dir(&dir, format!("{rev}:{}", base.trim_end_matches('/')))
}

/// A temporary folder removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Result<TempDir> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "jixiao-diff-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Repo {
    top: PathBuf,
    /// The site folder below the repository's top, with a trailing `/` (or empty).
    prefix: String,
}

/// Run git in `dir`; on failure, git's message and `help`.
fn git_in(dir: &Path, args: &[&str], help: &str) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context(
            "cannot run git\n  = help: install git, or compare two folders: jixiao diff OLD NEW",
        )?;
    if !out.status.success() {
        bail!(
            "git {} in {}: {}\n  = help: {help}",
            args.join(" "),
            dir.display(),
            crate::text::for_terminal(String::from_utf8_lossy(&out.stderr).trim())
        );
    }
    Ok(out.stdout)
}

impl Repo {
    fn open(root: &Path) -> Result<Repo> {
        let run = |args: &[&str]| -> Result<String> {
            let out = git_in(
                root,
                args,
                "run jixiao diff --git inside the site's repository, or compare two folders: jixiao diff OLD NEW",
            )?;
            Ok(String::from_utf8_lossy(&out)
                .trim_end_matches('\n')
                .to_string())
        };
        let top = PathBuf::from(run(&["rev-parse", "--show-toplevel"])?);
        let prefix = run(&["rev-parse", "--show-prefix"])?;
        Ok(Repo { top, prefix })
    }

    fn git(&self, args: &[&str]) -> Result<Vec<u8>> {
        git_in(
            &self.top,
            args,
            "check the revision name (a branch, tag or commit; in CI fetch it first, e.g. `git fetch origin main:main`)",
        )
    }

    /// Write each blob to its path, in one `git cat-file --batch`.
    fn cat_files(&self, blobs: &[(String, PathBuf)]) -> Result<()> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot run git cat-file")?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| anyhow!("git cat-file: no stdin"))?;
        let ids: String = blobs.iter().map(|(id, _)| format!("{id}\n")).collect();
        // Feed from a thread: git writes while it reads, and pipes are small.
        let feeder = std::thread::spawn(move || stdin.write_all(ids.as_bytes()));
        let mut out = BufReader::new(
            child
                .stdout
                .take()
                .ok_or_else(|| anyhow!("git cat-file: no stdout"))?,
        );
        let mut header = String::new();
        for (id, path) in blobs {
            header.clear();
            out.read_line(&mut header)?;
            let size: usize = header
                .trim_end()
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .filter(|_| header.starts_with(id.as_str()) && header.contains(" blob "))
                .ok_or_else(|| {
                    anyhow!(
                        "git cat-file: unexpected reply for {id}: {}",
                        header.trim_end()
                    )
                })?;
            let mut bytes = vec![0; size + 1];
            out.read_exact(&mut bytes)?;
            bytes.pop();
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        feeder
            .join()
            .map_err(|_| anyhow!("git cat-file feeder failed"))??;
        child.wait()?;
        Ok(())
    }
}
