//! The build cache beside the output (`.public.cache/` for `public/`): what the last build
//! read and wrote, so that the next build, in a fresh process, loads and renders only the
//! books whose files changed and writes only the files whose bytes changed.
//!
//! - `state.json`: the frame key (what every page depends on: the executable, book.toml,
//!   the theme, site pages, the base URL), each book's fingerprint (its files' sizes,
//!   times and inodes) and its [`BookSummary`] for the site-wide pages;
//! - `outputs`: every output file with a hash of its bytes;
//! - `search/b-<book>`: a book's search documents and tokens, `search/s-<n>`: shard n's
//!   whole postings (the site's shard files hold only the best [`super::search::POSTINGS_CAP`]).
//!
//! Changes land through a journal: new files are staged in `stage/`, the list of moves is
//! written to `journal` (the commit point), then carried out. A build killed before the
//! journal exists leaves the old site and cache; one killed after it is completed by the
//! next run ([`recover`]), which thus always starts from a whole old or whole new site.

use super::summary::BookSummary;
use super::{OutFile, Sink, safe_join};
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

/// Changes whenever the cache's layout does.
const FORMAT: &str = "jixiao build cache 1";

/// Files changed this close before the last scan may have changed again without their
/// time moving (file systems that keep seconds, or two seconds): such books are rebuilt.
const RACY_NS: i128 = 2_000_000_000;

pub fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// The cache folder of output folder `out`.
pub fn dir_of(out: &Path) -> PathBuf {
    let (parent, name) = super::out_parts(out);
    parent.join(format!(".{name}.cache"))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    format: String,
    pub frame: u64,
    /// When the inputs were scanned, in ns since the Unix epoch.
    pub scanned: i128,
    pub books: Vec<BookState>,
}

impl State {
    pub fn new(frame: u64, scanned: i128, books: Vec<BookState>) -> State {
        State {
            format: FORMAT.to_string(),
            frame,
            scanned,
            books,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookState {
    pub fingerprint: u64,
    /// The newest modification time among the book's files.
    pub newest: i128,
    pub summary: BookSummary,
}

/// What a build reads, as found on disk before anything is loaded.
pub struct Inputs {
    pub frame: u64,
    pub scanned: i128,
    pub books: Vec<BookInput>,
}

pub struct BookInput {
    pub slug: String,
    pub dir: PathBuf,
    pub fingerprint: u64,
    pub newest: i128,
}

fn nanos(t: std::io::Result<std::time::SystemTime>) -> i128 {
    t.ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

/// Size, time and inode: what tells a changed file without reading it.
fn stamp(h: &mut xxhash_rust::xxh3::Xxh3, m: &std::fs::Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        h.update(&m.ino().to_le_bytes());
        h.update(&m.ctime().to_le_bytes());
        h.update(&m.ctime_nsec().to_le_bytes());
    }
    h.update(&m.len().to_le_bytes());
    h.update(&nanos(m.modified()).to_le_bytes());
    h.update(&[m.is_dir() as u8, m.is_symlink() as u8]);
}

fn feed(h: &mut xxhash_rust::xxh3::Xxh3, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// Scan the inputs: the frame's bytes (small files, read and hashed) and each book
/// folder's file stamps (stat only), books in parallel.
pub fn scan(root: &Path, theme: Option<&str>, base_url: &str, pdf: bool) -> Result<Inputs> {
    let scanned = nanos(Ok(std::time::SystemTime::now()));
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    feed(&mut h, FORMAT);
    feed(&mut h, env!("CARGO_PKG_VERSION"));
    // The executable itself: a rebuilt jixiao may render differently.
    if let Ok(exe) = std::env::current_exe() {
        feed(&mut h, &exe.to_string_lossy());
        if let Ok(m) = std::fs::metadata(&exe) {
            stamp(&mut h, &m);
        }
    }
    feed(&mut h, base_url);
    h.update(&[pdf as u8]);
    let mut small = vec![root.join("book.toml")];
    if let Some(theme) = theme {
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("themes").join(theme))
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| !e.file_type().is_dir())
            .map(|e| e.into_path())
            .collect();
        files.sort();
        small.extend(files);
    }
    let content = root.join("content");
    let mut books = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&content) {
        let mut entries: Vec<(String, std::fs::FileType)> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                Some((
                    e.file_name().to_string_lossy().to_string(),
                    e.file_type().ok()?,
                ))
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, ty) in entries {
            let path = content.join(&name);
            // Every top-level name is part of the frame: a site page, a book appearing.
            feed(&mut h, &name);
            h.update(&[ty.is_dir() as u8, ty.is_symlink() as u8]);
            if ty.is_dir() && path.join(crate::content::INDEX).is_file() {
                books.push(BookInput {
                    slug: name,
                    dir: path,
                    fingerprint: 0,
                    newest: 0,
                });
            } else if !ty.is_dir() {
                small.push(path);
            }
        }
    }
    for f in &small {
        feed(&mut h, &f.to_string_lossy());
        match std::fs::read(f) {
            Ok(bytes) => h.update(&bytes),
            Err(_) => h.update(b"\0missing"),
        }
    }
    books.par_iter_mut().for_each(|b| {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        let mut newest = 0;
        for e in walkdir::WalkDir::new(&b.dir).sort_by_file_name() {
            match e {
                Ok(e) => {
                    feed(&mut h, &e.path().to_string_lossy());
                    // A folder is its list of names; its times move with any save inside.
                    if e.file_type().is_dir() {
                        h.update(b"/");
                    } else if let Ok(m) = e.metadata() {
                        stamp(&mut h, &m);
                        newest = newest.max(nanos(m.modified()));
                    }
                }
                // Unreadable: never taken as unchanged (loading reports it).
                Err(_) => h.update(&scanned.to_le_bytes()),
            }
        }
        b.fingerprint = h.digest();
        b.newest = newest;
    });
    Ok(Inputs {
        frame: h.digest(),
        scanned,
        books,
    })
}

/// The previous build's cache, if it is whole and was made by this format.
pub struct Previous {
    pub dir: PathBuf,
    pub state: State,
    pub outputs: HashMap<String, u64>,
}

impl Previous {
    pub fn read(out: &Path) -> Option<Previous> {
        let dir = dir_of(out);
        if !out.is_dir() {
            return None;
        }
        let state: State =
            serde_json::from_slice(&std::fs::read(dir.join("state.json")).ok()?).ok()?;
        if state.format != FORMAT {
            return None;
        }
        let text = std::fs::read_to_string(dir.join("outputs")).ok()?;
        let mut outputs = HashMap::with_capacity(text.len() / 48);
        for line in text.lines() {
            let (h, path) = line.split_once(' ')?;
            outputs.insert(path.to_string(), u64::from_str_radix(h, 16).ok()?);
        }
        Some(Previous {
            dir,
            state,
            outputs,
        })
    }

    pub fn book(&self, slug: &str) -> Option<&BookState> {
        self.state.books.iter().find(|b| b.summary.slug == slug)
    }

    /// Is this book as the last build saw it? Books changed just before that build's
    /// scan are not trusted (see [`RACY_NS`]).
    pub fn unchanged(&self, b: &BookInput) -> bool {
        self.book(&b.slug).is_some_and(|s| {
            s.fingerprint == b.fingerprint && s.newest < self.state.scanned - RACY_NS
        })
    }

    pub fn read_file(&self, rel: &str) -> Option<Vec<u8>> {
        std::fs::read(self.dir.join(rel)).ok()
    }
}

fn outputs_text(outputs: &BTreeMap<String, u64>) -> Vec<u8> {
    let mut s = String::with_capacity(outputs.len() * 64);
    for (path, h) in outputs {
        s.push_str(&format!("{h:016x} {path}\n"));
    }
    s.into_bytes()
}

/// Records each file's hash on its way to another sink (a full build's staging folder).
pub struct Recorder<'a> {
    pub inner: &'a dyn Sink,
    pub hashes: Mutex<BTreeMap<String, u64>>,
}

impl Sink for Recorder<'_> {
    fn put(&self, file: OutFile) -> Result<()> {
        let h = hash(&file.bytes);
        if let Ok(mut m) = self.hashes.lock() {
            m.insert(file.path.clone(), h);
        }
        self.inner.put(file)
    }
}

/// Write a fresh cache after a full build swapped its site in: into a new folder, then
/// renamed into place (the old cache was removed before the swap).
pub fn write_fresh(
    out: &Path,
    state: &State,
    outputs: &BTreeMap<String, u64>,
    files: Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let dir = dir_of(out);
    let tmp = PathBuf::from(format!("{}-new-{}", dir.display(), std::process::id()));
    std::fs::remove_dir_all(&tmp).ok();
    let mut all = files;
    all.push(("outputs".into(), outputs_text(outputs)));
    all.push(("state.json".into(), serde_json::to_vec(state)?));
    write_all(&tmp, all)?;
    std::fs::remove_dir_all(&dir).ok();
    std::fs::rename(&tmp, &dir).with_context(|| format!("moving {} into place", dir.display()))
}

fn write_all(base: &Path, files: Vec<(String, Vec<u8>)>) -> Result<()> {
    let dirs: HashSet<PathBuf> = files
        .iter()
        .filter_map(|(rel, _)| Path::new(rel).parent().map(|p| base.join(p)))
        .collect();
    for d in dirs {
        std::fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
    }
    files.into_par_iter().try_for_each(|(rel, bytes)| {
        let p = safe_join(base, &rel)?;
        std::fs::write(&p, bytes).with_context(|| format!("writing {}", p.display()))
    })
}

/// Remove the cache (before a full build replaces the site it describes).
pub fn remove(out: &Path) {
    std::fs::remove_dir_all(dir_of(out)).ok();
}

/// A sink that stages only files whose bytes differ from the last build's, for
/// [`Changes::commit`] to move into the live site.
pub struct Changes<'a> {
    out: PathBuf,
    stage: PathBuf,
    old: &'a HashMap<String, u64>,
    new: Mutex<BTreeMap<String, u64>>,
    staged: Mutex<Vec<String>>,
    dirs: Mutex<HashSet<PathBuf>>,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl<'a> Changes<'a> {
    pub fn begin(out: &Path, prev: &'a Previous) -> Result<Changes<'a>> {
        let stage = prev.dir.join("stage");
        std::fs::remove_dir_all(&stage).ok();
        std::fs::create_dir_all(stage.join("out"))
            .with_context(|| format!("creating {}", stage.display()))?;
        Ok(Changes {
            out: out.to_path_buf(),
            stage,
            old: &prev.outputs,
            new: Default::default(),
            staged: Default::default(),
            dirs: Default::default(),
            files: Default::default(),
            bytes: Default::default(),
        })
    }

    /// Keep the last build's file at `path` as it is (a search shard no edit touched).
    pub fn keep(&self, path: &str) {
        if let (Some(h), Ok(mut new)) = (self.old.get(path), self.new.lock()) {
            new.entry(path.to_string()).or_insert(*h);
        }
    }

    /// Files written (changed or new) so far.
    pub fn written(&self) -> usize {
        self.files.load(Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Relaxed)
    }

    pub fn abort(self) {
        std::fs::remove_dir_all(&self.stage).ok();
    }

    /// Land the staged files: every old output under a `kept` prefix (books not rendered
    /// this time) stays, every other old output not produced again is deleted, and the
    /// cache files `cache` replace theirs (`None`: removed). Returns (written, removed).
    pub fn commit(
        self,
        kept: &[String],
        mut cache: Vec<(String, Option<Vec<u8>>)>,
        state: &State,
    ) -> Result<(usize, usize)> {
        let mut outputs = self.new.into_inner().unwrap_or_default();
        let mut deleted = Vec::new();
        for (path, h) in self.old {
            if outputs.contains_key(path) {
                continue;
            }
            if kept.iter().any(|k| path.starts_with(k.as_str())) {
                outputs.insert(path.clone(), *h);
            } else {
                deleted.push(path.clone());
            }
        }
        deleted.sort();
        cache.push(("outputs".into(), Some(outputs_text(&outputs))));
        cache.push(("state.json".into(), Some(serde_json::to_vec(state)?)));
        let mut journal = String::new();
        let staged = self.staged.into_inner().unwrap_or_default();
        for p in &staged {
            journal.push_str(&format!("P {p}\n"));
        }
        for p in &deleted {
            journal.push_str(&format!("D {p}\n"));
        }
        let mut cache_files = Vec::new();
        for (rel, bytes) in cache {
            match bytes {
                Some(b) => {
                    journal.push_str(&format!("C {rel}\n"));
                    cache_files.push((format!("cache/{rel}"), b));
                }
                None => journal.push_str(&format!("R {rel}\n")),
            }
        }
        write_all(&self.stage, cache_files)?;
        let cache_dir = self
            .stage
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let tmp = cache_dir.join("journal.tmp");
        std::fs::write(&tmp, journal).with_context(|| format!("writing {}", tmp.display()))?;
        // The commit point: from here on the change is carried out, now or by the next run.
        std::fs::rename(&tmp, cache_dir.join("journal"))?;
        // For tests: die as a kill at this point would, the journal written, nothing moved.
        if std::env::var_os("JIXIAO_CRASH_AFTER_JOURNAL").is_some() {
            std::process::abort();
        }
        replay(&self.out, &cache_dir)?;
        Ok((staged.len(), deleted.len()))
    }
}

impl Sink for Changes<'_> {
    fn put(&self, file: OutFile) -> Result<()> {
        let p = safe_join(&self.stage.join("out"), &file.path)?;
        let h = hash(&file.bytes);
        {
            let mut new = self
                .new
                .lock()
                .map_err(|_| anyhow::anyhow!("output lock poisoned"))?;
            if new.insert(file.path.clone(), h).is_some() {
                bail!(
                    "two pages would be written to {}: rename one of the content files behind them",
                    file.path
                );
            }
        }
        if self.old.get(&file.path) == Some(&h) {
            return Ok(());
        }
        super::write_staged(&self.dirs, &p, &file.bytes, &self.out.join(&file.path))?;
        self.staged
            .lock()
            .map_err(|_| anyhow::anyhow!("output lock poisoned"))?
            .push(file.path);
        self.files.fetch_add(1, Relaxed);
        self.bytes.fetch_add(file.bytes.len() as u64, Relaxed);
        Ok(())
    }
}

/// Carry out a committed journal: move staged files into the site and the cache, delete
/// what the change removed. Every step can be repeated, so a run killed half-way is
/// finished by the next.
fn replay(out: &Path, cache_dir: &Path) -> Result<()> {
    let journal = cache_dir.join("journal");
    let text = std::fs::read_to_string(&journal)
        .with_context(|| format!("reading {}", journal.display()))?;
    let stage = cache_dir.join("stage");
    let mut emptied: Vec<PathBuf> = Vec::new();
    for line in text.lines() {
        let Some((op, rel)) = line.split_once(' ') else {
            continue;
        };
        match op {
            "P" | "C" => {
                let (from, to) = if op == "P" {
                    (safe_join(&stage.join("out"), rel)?, safe_join(out, rel)?)
                } else {
                    (
                        safe_join(&stage.join("cache"), rel)?,
                        safe_join(cache_dir, rel)?,
                    )
                };
                if !from.exists() {
                    continue; // moved before the run was killed
                }
                if let Some(d) = to.parent() {
                    std::fs::create_dir_all(d)
                        .with_context(|| format!("creating {}", d.display()))?;
                }
                std::fs::rename(&from, &to)
                    .with_context(|| format!("moving {} into place", to.display()))?;
            }
            "D" => {
                let p = safe_join(out, rel)?;
                std::fs::remove_file(&p).ok();
                emptied.extend(p.parent().map(Path::to_path_buf));
            }
            "R" => {
                std::fs::remove_file(safe_join(cache_dir, rel)?).ok();
            }
            _ => bail!("{}: unknown step {line:?}", journal.display()),
        }
    }
    // A deleted book or department leaves no empty folder, as a clean build would not.
    emptied.sort();
    emptied.dedup();
    for mut d in emptied.into_iter().rev() {
        while d.starts_with(out) && d != out && std::fs::remove_dir(&d).is_ok() {
            if !d.pop() {
                break;
            }
        }
    }
    std::fs::remove_dir_all(&stage).ok();
    std::fs::remove_file(&journal).with_context(|| format!("removing {}", journal.display()))?;
    Ok(())
}

/// Finish or undo what a killed build left in the cache: a committed journal is carried
/// out; staged files without one are dropped.
pub fn recover(out: &Path) -> Result<()> {
    let dir = dir_of(out);
    if dir.join("journal").is_file() {
        replay(out, &dir)?;
    }
    std::fs::remove_dir_all(dir.join("stage")).ok();
    std::fs::remove_file(dir.join("journal.tmp")).ok();
    // A fresh cache a killed full build was writing.
    let (parent, name) = super::out_parts(out);
    let prefix = format!(".{name}.cache-new-");
    for e in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        if let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<u32>().ok())
            && pid != std::process::id()
            && !super::process_alive(pid)
        {
            std::fs::remove_dir_all(e.path()).ok();
        }
    }
    Ok(())
}
