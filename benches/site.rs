//! Benchmark harness (not a timed test):
//! `cargo bench --bench site -- [SIZES] [--rounds N] [--no-hugo] [--hugo-pages-only]`.
//!
//! SIZES is a comma-separated list of project counts (default `10000,100000`). For each
//! size it generates a synthetic site (`jixiao generate --seed 1`, kept under
//! `target/bench/site-N` for the next run) and writes the same pages as a Hugo site, with
//! each book's printed report, downloads and a search index as jixiao writes them
//! (`--hugo-pages-only`: the pages alone, under `target/bench/hugo-pages-N`). Then,
//! on disk (`target/bench`) and again on tmpfs (`/dev/shm`, or skipped with a note when
//! it is missing or short of space), with sources and output on that filesystem:
//!
//! * cold builds, jixiao against Hugo interleaved ABBA (jixiao, Hugo, Hugo, jixiao) for
//!   `--rounds` rounds (default 2: four runs of each). Every run is a fresh process into a
//!   fresh output folder, and the disks are synced before the clock starts. On tmpfs the
//!   previous output is deleted first; on disk it is kept until the measurements there
//!   are done, and nothing is timed within 65 s of a delete, because ext4 without a
//!   journal (this machine's disk) makes every new file skip the inodes freed in the
//!   last minute, which charged a build for the delete before it (see `settle`). Wall
//!   time, CPU time (user + sys of the child) and peak RSS come from `wait4`; the tables
//!   give the median and the range;
//! * `cp -r` of jixiao's output tree into a fresh folder (3 times, median), to set the
//!   build against the cost of just writing the same files;
//! * rebuilds of jixiao into the same output folder after a cold build, each a fresh
//!   `jixiao build --root R --out O` as a user would run it: with nothing changed, and
//!   after changing one indicator value in one project file (a different value each of 3
//!   times; the file is restored afterwards), with the number of files each wrote. On
//!   disk a rebuild that replaced its output is followed by the same wait as a delete.
//!
//! Each timed row also gives the share of the CPUs that other processes used during its
//! runs (from /proc/stat), since a shared machine skews the figures.
//! It also reports the bytes and files each tool writes, the `--timings` phases of the
//! median jixiao cold run, the search index size, the bytes the browser downloads for one
//! query, and `serve`'s in-process `Workspace::update` after editing one project (median
//! of 5 edits, disk only). Output: Markdown tables for BENCHMARKS.md on stdout, progress
//! on stderr.

mod common;

use common::{Run, cores, run};

use std::collections::{BTreeMap, HashMap};
use std::ffi::CString;
use std::io::Write as _;
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the tmpfs copy goes, if the first of these that is a tmpfs has room.
const TMPFS_CANDIDATES: &[&str] = &["/dev/shm", "/tmp"];
/// Runs of `cp -r`, rebuilds with no change, and rebuilds after an edit.
const REPEATS: usize = 3;
/// `serve` edits timed per size.
const SERVE_EDITS: usize = 5;
/// The query whose download is measured (three tokens, many hits).
const QUERY: &str = "道路养护";

// ---------------------------------------------------------------------------------------
// Running and timing a child process.

/// Other processes' share of the CPUs over some runs (%), from the total times, so that
/// the coarse clock ticks of /proc/stat do not swamp short runs.
fn others_share<'a>(runs: impl IntoIterator<Item = &'a Run>) -> f64 {
    let (others, wall) = runs
        .into_iter()
        .fold((0.0, 0.0), |(o, w), r| (o + r.others_ms, w + r.wall_ms));
    100.0 * others / (wall * cores()).max(1.0)
}

/// Flush dirty pages so one run's writeback does not land in the next run's time.
fn sync_disks() {
    // SAFETY: sync takes no arguments and cannot fail.
    unsafe { libc::sync() };
}

/// When files were last deleted on a filesystem other than tmpfs (see [`settle`]).
static LAST_DISK_DELETE: std::sync::Mutex<Option<Instant>> = std::sync::Mutex::new(None);

/// How long ext4 without a journal (this machine's disk) skips the inodes of deleted
/// files when it allocates new ones: 60 s after the inode table is written back (the
/// kernel's `RECENTCY_MIN`), plus a margin.
const INODE_QUARANTINE_SECS: u64 = 65;

/// Remove a folder tree if it is there.
fn remove(dir: &Path) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap_or_else(|e| panic!("remove {}: {e}", dir.display()));
        if !statfs(dir.parent().unwrap_or(dir)).is_some_and(|(_, tmpfs)| tmpfs) {
            *LAST_DISK_DELETE.lock().unwrap() = Some(Instant::now());
        }
    }
}

/// Sync, then wait until no file deleted on disk is recent enough for ext4 to skip its
/// inode. Each file a build creates in that window scans past the recently freed inodes
/// (`recently_deleted` in `fs/ext4/ialloc.c`; perf: half the cycles of a 1k-project
/// build right after deleting the previous output), so a build timed right after a
/// delete pays for it in system time, and more the more files it writes.
fn settle() {
    sync_disks();
    let Some(at) = *LAST_DISK_DELETE.lock().unwrap() else {
        return;
    };
    let wait = std::time::Duration::from_secs(INODE_QUARANTINE_SECS).saturating_sub(at.elapsed());
    if !wait.is_zero() {
        eprintln!(
            "waiting {:.0} s for the disk's deleted inodes to age",
            wait.as_secs_f64()
        );
        std::thread::sleep(wait);
    }
}

/// `cp -r FROM TO` (TO must not exist), as a timed child process.
fn copy_tree(from: &Path, to: &Path) -> Run {
    run(Command::new("cp").arg("-r").arg(from).arg(to))
}

// ---------------------------------------------------------------------------------------
// Statistics and formatting.

/// Median (mean of the middle two for an even count), minimum and maximum.
struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

fn stats(values: impl IntoIterator<Item = f64>) -> Stats {
    let mut v: Vec<f64> = values.into_iter().collect();
    assert!(!v.is_empty(), "no values");
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Stats {
        median,
        min: v[0],
        max: v[n - 1],
    }
}

/// "1924 ms (1900–1950)": median and range of one measure of some runs.
fn ms_range(runs: &[Run], f: impl Fn(&Run) -> f64) -> String {
    let s = stats(runs.iter().map(f));
    format!("{:.0} ms ({:.0}–{:.0})", s.median, s.min, s.max)
}

fn mb_range(runs: &[Run], f: impl Fn(&Run) -> f64) -> String {
    let s = stats(runs.iter().map(f));
    format!("{:.0} MB ({:.0}–{:.0})", s.median, s.min, s.max)
}

fn median(runs: &[Run], f: impl Fn(&Run) -> f64) -> f64 {
    stats(runs.iter().map(f)).median
}

/// The run whose wall time is the median (the lower middle one for an even count), so
/// its `--timings` phases are those of a typical run.
fn median_run(runs: &[Run]) -> &Run {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms));
    sorted[(sorted.len() - 1) / 2]
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

// ---------------------------------------------------------------------------------------
// What a build wrote.

/// Size of an output tree: all files, and the HTML pages among them.
#[derive(Clone, Copy, Default)]
struct Tree {
    bytes: u64,
    files: u64,
    html_bytes: u64,
    html_files: u64,
}

fn tree(dir: &Path) -> Tree {
    let mut t = Tree::default();
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if !e.file_type().is_file() {
            continue;
        }
        let len = e.metadata().map(|m| m.len()).unwrap_or(0);
        t.bytes += len;
        t.files += 1;
        if e.path().extension().is_some_and(|x| x == "html") {
            t.html_bytes += len;
            t.html_files += 1;
        }
    }
    t
}

/// Where jixiao keeps the build cache of output folder `out`: `.NAME.cache` beside it.
fn cache_dir(out: &Path) -> PathBuf {
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    out.with_file_name(format!(".{name}.cache"))
}

/// The page count from jixiao's `built N pages (…)` line.
fn pages(stderr: &str) -> usize {
    stderr
        .lines()
        .find(|l| l.starts_with("built "))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The `--timings` report as (phase, ms) in the order printed: every line after `built`
/// of the form `  NAME  12.3 ms`, so phases added later show up without changes here.
fn phases(stderr: &str) -> Vec<(String, f64)> {
    stderr
        .lines()
        .skip_while(|l| !l.starts_with("built "))
        .skip(1)
        .filter_map(|l| {
            let (name, ms) = l.trim().strip_suffix(" ms")?.trim_end().rsplit_once(' ')?;
            Some((name.trim().to_string(), ms.parse().ok()?))
        })
        .collect()
}

/// Bytes one query downloads: search.js, the manifest, the shards of its tokens and the
/// document blocks of its first 20 results. `None` if the index is not in the form read here.
fn query_bytes(public: &Path, query: &str) -> Option<u64> {
    use jixiao::site::search::{fnv1a, tokens};
    let read = |p: &str| std::fs::read_to_string(public.join(p)).ok();
    let manifest = read("search/manifest.js")?;
    let json = &manifest[manifest.find('(')? + 1..manifest.rfind(')')?];
    let m: serde_json::Value = serde_json::from_str(json).ok()?;
    let shards = m["shards"].as_u64()? as u32;
    let block = m["block"].as_u64()? as usize;
    let mut bytes = (read("static/search.js")?.len() + manifest.len()) as u64;
    let mut score: std::collections::HashMap<u64, u64> = Default::default();
    let mut seen = std::collections::BTreeSet::new();
    for t in tokens(query) {
        let s = fnv1a(&t) % shards;
        let shard = read(&format!("search/t{s}.js"))?;
        if seen.insert(s) {
            bytes += shard.len() as u64;
        }
        let json = &shard[shard.find(',')? + 1..shard.rfind(')')?];
        let v: serde_json::Value = serde_json::from_str(json).ok()?;
        for p in v[&t].as_array().into_iter().flatten() {
            *score.entry(p[0].as_u64()?).or_default() += p[1].as_u64()?;
        }
    }
    let mut hits: Vec<(u64, u64)> = score.into_iter().collect();
    hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let blocks: std::collections::BTreeSet<usize> =
        hits.iter().take(20).map(|h| h.0 as usize / block).collect();
    for b in blocks {
        bytes += read(&format!("search/d{b}.js"))?.len() as u64;
    }
    Some(bytes)
}

// ---------------------------------------------------------------------------------------
// Filesystems.

/// Free bytes for an unprivileged writer on the filesystem holding `path`, and whether
/// that filesystem is a tmpfs.
fn statfs(path: &Path) -> Option<(u64, bool)> {
    let c = CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut s: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: c is a NUL-terminated path and s a valid out-pointer.
    if unsafe { libc::statfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    let free = s.f_bavail as u64 * s.f_bsize as u64;
    Some((free, s.f_type == libc::TMPFS_MAGIC))
}

/// `MemAvailable` from /proc/meminfo: a tmpfs lives in memory, so its files must fit
/// beside the builds' own memory.
fn mem_available() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemAvailable:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kb| kb * 1024)
}

/// A folder on tmpfs with room for `need` bytes of files, or why there is none.
fn tmpfs_dir(n: usize, need: u64) -> Result<PathBuf, String> {
    let Some((dir, free)) = TMPFS_CANDIDATES
        .iter()
        .find_map(|d| match statfs(Path::new(d)) {
            Some((free, true)) => Some((PathBuf::from(d), free)),
            _ => None,
        })
    else {
        return Err(format!("no tmpfs at {}", TMPFS_CANDIDATES.join(" or ")));
    };
    // The builds themselves need memory too (Hugo took ~4 GB at 100k projects).
    let room = free.min(mem_available().saturating_sub(6 << 30));
    if room < need {
        return Err(format!(
            "{} has {} free for files, {} needed",
            dir.display(),
            mb(room),
            mb(need)
        ));
    }
    Ok(dir.join(format!("jixiao-bench-{n}")))
}

/// The folders of one filesystem's measurements.
struct Places {
    /// "disk" or "tmpfs".
    fs: &'static str,
    /// jixiao's site root (book.toml, content/).
    site: PathBuf,
    /// Hugo's site.
    hugo: PathBuf,
    /// Holds every output folder, so one delete clears all of them and any staging or
    /// cache folder a build left beside its output.
    out: PathBuf,
    /// On disk, outputs are kept until the end instead of deleted before each run, which
    /// would slow the next run down (see [`settle`]); on tmpfs, which has no such cost
    /// but holds its files in memory, each run's output is deleted before the next.
    defer_deletes: bool,
    /// Output folders handed out so far, to name the next one.
    made: std::cell::Cell<usize>,
}

impl Places {
    /// A folder that does not exist yet, for the next timed run's output (`what` names
    /// it), with earlier output but `keep` deleted (tmpfs) or left alone (disk), and the
    /// disks synced. On disk, when free space runs short, earlier output is deleted and
    /// its inodes left to age first.
    fn fresh(&self, what: &str, keep: Option<&Path>) -> PathBuf {
        if !self.defer_deletes {
            self.delete_outputs(keep);
        } else if statfs(self.parent()).is_some_and(|(free, _)| free < 8 << 30) {
            eprintln!("disk space short: deleting earlier output");
            self.delete_outputs(keep);
        }
        std::fs::create_dir_all(&self.out).unwrap();
        self.settle();
        self.made.set(self.made.get() + 1);
        self.out.join(format!("{what}-{}", self.made.get()))
    }

    /// [`settle`] on disk, a sync on tmpfs.
    fn settle(&self) {
        if self.defer_deletes {
            settle();
        } else {
            sync_disks();
        }
    }

    /// Every output folder but `keep` and its `.NAME.*` cache and staging folders.
    fn delete_outputs(&self, keep: Option<&Path>) {
        let keep = keep
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().to_string());
        for e in std::fs::read_dir(&self.out).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let kept = keep
                .as_ref()
                .is_some_and(|k| name == *k || name.starts_with(&format!(".{k}.")));
            if !kept {
                remove(&e.path());
            }
        }
    }

    fn parent(&self) -> &Path {
        self.out.parent().unwrap_or(&self.out)
    }
}

// ---------------------------------------------------------------------------------------
// Builds.

fn jixiao_build(bin: &Path, site: &Path, out: &Path) -> Command {
    let mut c = Command::new(bin);
    c.arg("build").arg("--root").arg(site).arg("--out").arg(out);
    c
}

fn hugo_build(site: &Path, out: &Path) -> Command {
    let mut c = Command::new("hugo");
    c.arg("--quiet")
        .arg("--source")
        .arg(site)
        .arg("--destination")
        .arg(out);
    c
}

/// Cold builds of both tools and what each wrote.
struct Cold {
    jixiao: Vec<Run>,
    hugo: Vec<Run>,
    jixiao_tree: Tree,
    /// jixiao's build cache beside its output (`.NAME.cache`), if it writes one.
    jixiao_cache: Tree,
    hugo_tree: Tree,
    /// The last jixiao run's output, kept for the copies and the rebuilds.
    last_jixiao: PathBuf,
}

/// `rounds` rounds of jixiao, Hugo, Hugo, jixiao (ABBA, so drift over time and the
/// position after the other tool's run fall equally on both), each into fresh output.
/// The last run is jixiao's, whose output is kept for the copies and the rebuilds.
fn cold_builds(bin: &Path, p: &Places, rounds: usize, hugo: bool) -> Cold {
    let mut c = Cold {
        jixiao: Vec::new(),
        hugo: Vec::new(),
        jixiao_tree: Tree::default(),
        jixiao_cache: Tree::default(),
        hugo_tree: Tree::default(),
        last_jixiao: PathBuf::new(),
    };
    let order: &[bool] = if hugo {
        &[true, false, false, true]
    } else {
        &[true, true]
    };
    for round in 1..=rounds {
        for &is_jixiao in order {
            if is_jixiao {
                let out = p.fresh("jixiao", None);
                let r = run(jixiao_build(bin, &p.site, &out).arg("--timings"));
                eprintln!("{} round {round}: jixiao {}", p.fs, brief(&r));
                if c.jixiao.is_empty() {
                    c.jixiao_tree = tree(&out);
                    c.jixiao_cache = tree(&cache_dir(&out));
                }
                c.jixiao.push(r);
                c.last_jixiao = out;
            } else {
                let out = p.fresh("hugo", None);
                let r = run(&mut hugo_build(&p.hugo, &out));
                eprintln!("{} round {round}: Hugo   {}", p.fs, brief(&r));
                if c.hugo.is_empty() {
                    c.hugo_tree = tree(&out);
                }
                c.hugo.push(r);
            }
        }
    }
    c
}

fn brief(r: &Run) -> String {
    format!(
        "wall {:.0} ms, CPU {:.0} ms, RSS {:.0} MB, other processes {:.0}% of the CPUs",
        r.wall_ms,
        r.cpu_ms,
        r.rss_mb,
        others_share(std::slice::from_ref(r))
    )
}

/// `cp -r` of jixiao's output into a fresh folder, `REPEATS` times.
fn copies(p: &Places, jixiao_out: &Path) -> Vec<Run> {
    (0..REPEATS)
        .map(|_| {
            let to = p.fresh("copy", Some(jixiao_out));
            let r = copy_tree(jixiao_out, &to);
            eprintln!("{}: cp -r {}", p.fs, brief(&r));
            r
        })
        .collect()
}

/// Puts a file's original text back when dropped, also when a build fails half-way, so
/// the cached synthetic site is never left edited.
struct Restore {
    path: PathBuf,
    original: String,
}

impl Drop for Restore {
    fn drop(&mut self) {
        std::fs::write(&self.path, &self.original).ok();
    }
}

/// The first project file (in name order) with an indicator value to edit.
fn project_file(site: &Path) -> PathBuf {
    walkdir::WalkDir::new(site.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|f| f != "_index.md")
                && std::fs::read_to_string(p).is_ok_and(|s| s.contains("value = \""))
        })
        .expect("a project file with an indicator value")
}

/// The project file with its first indicator value changed; `i` makes each edit differ.
fn edited(original: &str, i: usize) -> String {
    original.replacen("value = \"", &format!("value = \"基准修改{i} "), 1)
}

/// Fresh-process rebuilds into the existing output.
struct Rebuilds {
    unchanged: Vec<Run>,
    edited: Vec<Run>,
    /// Output files each rebuild wrote (new, or another inode or time than before).
    unchanged_written: Vec<f64>,
    edited_written: Vec<f64>,
}

/// Each output file's inode and modification time, to tell which files a rebuild wrote.
fn stamps(dir: &Path) -> HashMap<PathBuf, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt as _;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((e.into_path(), (m.ino(), m.mtime(), m.mtime_nsec())))
        })
        .collect()
}

/// Freed inodes past which a rebuild counts as a delete for [`settle`]; a few freed
/// files (an incremental build replacing what changed) cost the next build nothing.
const FREED_INODES_SETTLE: usize = 1000;

/// One timed `jixiao build` into `out`, and how many files it wrote. A rebuild that
/// replaced its output freed the old files' inodes, so on disk the next one waits for
/// them to age, as after any delete (see [`settle`]): each rebuild starts from the same
/// state, not from the accumulated deletes of the ones before.
fn rebuild(bin: &Path, p: &Places, out: &Path, what: &str) -> (Run, f64) {
    let before = stamps(out);
    p.settle();
    let r = run(&mut jixiao_build(bin, &p.site, out));
    let after = stamps(out);
    let written = after
        .iter()
        .filter(|(f, s)| before.get(*f) != Some(s))
        .count();
    let freed = before
        .iter()
        .filter(|(f, (ino, ..))| after.get(*f).is_none_or(|a| a.0 != *ino))
        .count();
    if p.defer_deletes && freed >= FREED_INODES_SETTLE {
        *LAST_DISK_DELETE.lock().unwrap() = Some(Instant::now());
    }
    eprintln!(
        "{}: rebuild, {what}: {} ({written} files written)",
        p.fs,
        brief(&r)
    );
    (r, written as f64)
}

/// Time `jixiao build` into the output a cold build left: `REPEATS` times with nothing
/// changed, then `REPEATS` times each after a different one-value edit. The file is then
/// restored and the site rebuilt (untimed) so the output matches the sources again.
fn rebuilds(bin: &Path, p: &Places, out: &Path) -> Rebuilds {
    let (unchanged, unchanged_written) = (0..REPEATS)
        .map(|_| rebuild(bin, p, out, "no change"))
        .unzip();
    let path = project_file(&p.site);
    let restore = Restore {
        original: std::fs::read_to_string(&path).unwrap(),
        path,
    };
    let (edited, edited_written) = (1..=REPEATS)
        .map(|i| {
            std::fs::write(&restore.path, edited(&restore.original, i)).unwrap();
            rebuild(bin, p, out, "one value edited")
        })
        .unzip();
    drop(restore);
    run(&mut jixiao_build(bin, &p.site, out));
    Rebuilds {
        unchanged,
        edited,
        unchanged_written,
        edited_written,
    }
}

/// `serve`: open a workspace (a full build into its own folder), then time
/// `Workspace::update` after each of `SERVE_EDITS` different one-value edits.
fn serve_edits(site: &Path, out: &Path) -> Vec<f64> {
    remove(out);
    let mut ws =
        jixiao::serve::Workspace::open(site, out, Some("http://127.0.0.1:8000/".into())).unwrap();
    let path = project_file(site);
    let restore = Restore {
        original: std::fs::read_to_string(&path).unwrap(),
        path,
    };
    let changed = std::slice::from_ref(&restore.path);
    let times = (1..=SERVE_EDITS)
        .map(|i| {
            std::fs::write(&restore.path, edited(&restore.original, i)).unwrap();
            let t = Instant::now();
            let u = ws.update(changed).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            eprintln!("serve update {ms:.0} ms: {u:?}");
            ms
        })
        .collect();
    std::fs::write(&restore.path, &restore.original).unwrap();
    ws.update(changed).unwrap();
    drop(ws);
    remove(out);
    times
}

// ---------------------------------------------------------------------------------------
// The Hugo site.

/// One project page's front matter.
#[derive(serde::Serialize)]
struct HugoPage {
    title: String,
    /// `<book>/<dept>/<project>.html`, one file as jixiao writes it (a permalink pattern
    /// would make a folder per page, and `uglyURLs` would flatten the sections' reports and
    /// downloads into one file name each).
    url: String,
    department: String,
    book: String,
    total: String,
    /// The total as a number, for the department sums on book pages (0 when unreadable).
    total_value: f64,
    fiscal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    goal: Option<String>,
    source_file: String,
    line: u32,
    end_line: u32,
    funds: Vec<HugoFund>,
    indicators: Vec<HugoIndicator>,
}

#[derive(serde::Serialize)]
struct HugoFund {
    label: String,
    amount: String,
    /// A 其中 row under the total.
    sub: bool,
}

#[derive(serde::Serialize)]
struct HugoIndicator {
    level1: String,
    level2: String,
    name: String,
    value: String,
    line: u32,
}

fn amount_text(a: &jixiao::amount::Amount) -> String {
    match a.value {
        Some(v) => jixiao::amount::format_amount(v),
        None => a.raw.clone(),
    }
}

fn hugo_page(
    book: &jixiao::model::Book,
    d: &jixiao::model::Department,
    p: &jixiao::model::Project,
) -> HugoPage {
    use jixiao::model::{FundKind, Funds};
    let f = &p.funds;
    let kinds = if f.rows.is_empty() {
        vec![FundKind::Total, FundKind::Fiscal]
    } else {
        f.rows.clone()
    };
    let mut funds: Vec<HugoFund> = kinds
        .iter()
        .filter_map(|&k| {
            let label = f
                .form_label(k)
                .or_else(|| Funds::usual_labels(k).first().copied())?;
            Some(HugoFund {
                label: label.to_string(),
                amount: amount_text(f.get(k)?),
                sub: k != FundKind::Total,
            })
        })
        .collect();
    funds.extend(f.extra.iter().map(|r| HugoFund {
        label: r.label.clone(),
        amount: amount_text(&r.amount),
        sub: false,
    }));
    HugoPage {
        title: p.name.clone(),
        url: format!("/{}/{}/{}.html", book.slug, d.slug, p.slug),
        department: d.name.clone(),
        book: book.title.clone(),
        total: amount_text(&f.total),
        total_value: amount_text(&f.total).parse().unwrap_or(0.0),
        fiscal: amount_text(&f.fiscal),
        goal: p.goal.clone(),
        source_file: p.source.file.clone(),
        line: p.source.line,
        end_line: p.source.end_line,
        funds,
        indicators: p
            .indicators
            .iter()
            .map(|i| HugoIndicator {
                level1: i.level1.clone(),
                level2: i.level2.clone(),
                name: i.name.clone(),
                value: i.value.clone(),
                line: i.line,
            })
            .collect(),
    }
}

/// Templates for the same pages as jixiao's project, department, book and home pages:
/// the same site header, breadcrumbs and footer, the form's head table with every fund
/// row, the indicator table with all five columns, the pager within the department, the
/// department's project table and the book's department and project tables. jixiao pages
/// department tables by 100 projects, but no department of the synthetic books has 100,
/// so Hugo lists them whole (its paginator would add a redirect file per department).
/// Beyond the pages, Hugo does the same kinds of work jixiao does for every book, through
/// output formats, so both write comparable bytes: the printed report (every form of the
/// book in one page; the form is a `partialCached` partial, rendered once per project as
/// jixiao renders `form.html` once), the book as JSON, projects and indicators as CSV for
/// the book and for each department, and a search index of every project's text. jixiao's
/// findings pages, charts and check have no Hugo counterpart.
/// The title is added from the site's book.toml.
const HUGO_CONFIG: &str = r##"baseURL = "http://127.0.0.1/"
disableKinds = ["taxonomy", "term", "RSS"]
[outputs]
home = ["html", "searchindex"]
[outputFormats.print]
mediaType = "text/html"
baseName = "print"
isHTML = true
notAlternative = true
[outputFormats.bookjson]
mediaType = "application/json"
baseName = "book"
isPlainText = true
notAlternative = true
[outputFormats.projectscsv]
mediaType = "text/csv"
baseName = "projects"
isPlainText = true
notAlternative = true
[outputFormats.indicatorscsv]
mediaType = "text/csv"
baseName = "indicators"
isPlainText = true
notAlternative = true
[outputFormats.searchindex]
mediaType = "application/json"
baseName = "search-index"
isPlainText = true
notAlternative = true
"##;

/// The form of a project: the head table and the indicator table, as jixiao's `form.html`.
const HUGO_FORM: &str = r##"<table class="form-table head">
  <caption>部门（单位）预算项目支出绩效目标表</caption>
  <tbody>
    <tr><th scope="row">项目名称</th><td colspan="2">{{ .Title }}</td></tr>
    <tr><th scope="row">部门（单位）</th><td colspan="2">{{ .Params.department }}</td></tr>
    {{ $n := len .Params.funds }}{{ range $i, $f := .Params.funds }}<tr class="funds">{{ if eq $i 0 }}<th scope="rowgroup" rowspan="{{ $n }}">项目资金<br>（万元）</th>{{ end }}<th scope="row" class="fund-label">{{ if $f.sub }}其中：{{ end }}{{ $f.label }}</th><td class="num">{{ $f.amount }}</td></tr>
    {{ end }}
    {{ with .Params.goal }}<tr><th scope="row">年度目标</th><td colspan="2">{{ . }}</td></tr>{{ end }}
  </tbody>
</table>
<table class="form-tree">
  <caption>绩效指标</caption>
  <thead><tr><th scope="col">一级指标</th><th scope="col">二级指标</th><th scope="col">三级指标</th><th scope="col">指标值</th><th scope="col" class="num">行</th></tr></thead>
  <tbody>
  {{ range .Params.indicators }}<tr><th scope="rowgroup" class="l1">{{ .level1 }}</th><th scope="rowgroup" class="l2">{{ .level2 }}</th><td class="l3">{{ .name }}</td><td class="value">{{ .value }}</td><td class="num line">{{ .line }}</td></tr>
  {{ end }}
  </tbody>
</table>
"##;

/// The printed report of a book: every department's forms in one document.
const HUGO_PRINT: &str = r##"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{ .Title }} · 年度报告</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="stylesheet" href="/static/print.css">
</head>
<body class="print-report">
<main id="main">
<section class="cover"><h1>{{ .Title }}</h1><p>部门 {{ len .Sections }} · 项目 {{ len .RegularPagesRecursive }}</p></section>
<nav class="toc"><h2>目录</h2><ol>{{ range .Sections }}<li><a href="#d-{{ .File.ContentBaseName }}">{{ .Title }}</a> {{ len .RegularPages }} 个项目</li>{{ end }}</ol></nav>
{{ range .Sections }}
<section class="chapter" id="d-{{ .File.ContentBaseName }}">
  <h2>{{ .Title }}</h2>
  {{ range .RegularPages }}
  <article class="form project print-page" aria-label="{{ .Title }}">
    {{ partialCached "form.html" . .RelPermalink }}
    <p class="src">源文件 {{ .Params.source_file }} 第 {{ .Params.line }} 行</p>
  </article>
  {{ end }}
</section>
{{ end }}
</main>
</body>
</html>
"##;

/// The book (or department) as data: its projects with every field.
const HUGO_BOOK_JSON: &str = r##"{{ $projects := slice }}{{ range .RegularPagesRecursive }}{{ $projects = $projects | append (dict "slug" .File.ContentBaseName "name" .Title "params" .Params) }}{{ end }}{{ jsonify (dict "title" .Title "projects" $projects) }}"##;

const HUGO_PROJECTS_CSV: &str = r##"book,department,project,total,fiscal,goal,indicators,source_file,line,end_line
{{ range .RegularPagesRecursive }}"{{ replace .Params.book "\"" "\"\"" }}","{{ replace .Params.department "\"" "\"\"" }}","{{ replace .Title "\"" "\"\"" }}",{{ .Params.total }},{{ .Params.fiscal }},"{{ replace (.Params.goal | default "") "\"" "\"\"" }}",{{ len .Params.indicators }},"{{ .Params.source_file }}",{{ .Params.line }},{{ .Params.end_line }}
{{ end }}"##;

const HUGO_INDICATORS_CSV: &str = r##"book,department,project,level1,level2,name,value,line
{{ range .RegularPagesRecursive }}{{ $p := . }}{{ range .Params.indicators }}"{{ replace $p.Params.book "\"" "\"\"" }}","{{ replace $p.Params.department "\"" "\"\"" }}","{{ replace $p.Title "\"" "\"\"" }}","{{ replace .level1 "\"" "\"\"" }}","{{ replace .level2 "\"" "\"\"" }}","{{ replace .name "\"" "\"\"" }}","{{ replace .value "\"" "\"\"" }}",{{ .line }}
{{ end }}{{ end }}"##;

/// One entry per project with the text a search matches: name, department, goal and
/// every indicator's name and value.
const HUGO_SEARCH_INDEX: &str = r##"[{{ range $i, $p := .Site.RegularPages }}{{ if $i }},{{ end }}{{ $text := slice }}{{ range .Params.indicators }}{{ $text = $text | append .name .value }}{{ end }}{{ jsonify (dict "t" .Title "u" .RelPermalink "d" .Params.department "b" .Params.book "g" (.Params.goal | default "") "x" (delimit $text " ")) }}{{ end }}]"##;

const HUGO_BASEOF: &str = r##"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }}{{ with .Params.department }} · {{ . }}{{ end }}</title>
<link rel="canonical" href="{{ .RelPermalink }}">
<link rel="stylesheet" href="/static/style.css">
<link rel="stylesheet" href="/static/print.css" media="print">
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
<header class="site-header">
  <a class="site-title" href="/">{{ .Site.Title }}</a>
  <nav class="site-nav" aria-label="站点"><a href="/">首页</a> <a href="/guide.html">如何阅读</a> <a href="/rules.html">检查规则</a></nav>
  <form class="site-search" action="/search.html" method="get" role="search"><input type="search" name="q" placeholder="搜索项目、部门、指标" aria-label="搜索"><button type="submit">搜索</button></form>
</header>
<nav class="crumbs" aria-label="位置"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li><span aria-current="page">{{ .Title }}</span></li></ol></nav>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
  <p>数据照录各部门报送的《部门（单位）预算项目支出绩效目标表》，金额单位为万元；每个数字都注明了源文件与行号。</p>
  <p>由 Hugo 生成 · <a href="/rules.html">检查规则说明</a> · <a href="/guide.html">如何阅读绩效目标表</a></p>
</footer>
<script src="/static/site.js" defer></script>
</body>
</html>
"##;

const HUGO_SINGLE: &str = r##"{{ define "main" }}
<article class="form project">
<h1>{{ .Title }}</h1>
<p class="meta">{{ .Params.book }} · 原文第 {{ .Params.line }}–{{ .Params.end_line }} 行 <small>（源文件 <code>{{ .Params.source_file }}</code>）</small></p>
{{ partialCached "form.html" . .RelPermalink }}
{{ .Content }}
<nav class="pager" aria-label="同部门项目">
  {{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">← {{ .Title }}</a>{{ end }}
  {{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }} →</a>{{ end }}
</nav>
</article>
{{ end }}
"##;

/// A book section has department sections; a department section has only projects.
const HUGO_LIST: &str = r##"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if .Sections }}
<section id="departments"><h2>部门</h2>
<table class="data sortable"><thead><tr><th scope="col">部门</th><th scope="col" class="num">项目</th><th scope="col" class="num">资金（万元）</th></tr></thead>
<tbody>
{{ range .Sections }}{{ $t := 0.0 }}{{ range .RegularPages }}{{ $t = add $t .Params.total_value }}{{ end }}
<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td class="num">{{ len .RegularPages }}</td><td class="num">{{ printf "%.2f" $t }}</td></tr>
{{ end }}
</tbody></table></section>
<section id="projects"><h2>项目</h2>
<table class="data sortable"><thead><tr><th scope="col">项目</th><th scope="col">部门</th><th scope="col" class="num">资金（万元）</th><th scope="col" class="num">财政拨款</th><th scope="col" class="num">指标</th></tr></thead>
<tbody>
{{ range .RegularPagesRecursive }}
<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.department }}</td><td class="num">{{ .Params.total }}</td><td class="num">{{ .Params.fiscal }}</td><td class="num">{{ len .Params.indicators }}</td></tr>
{{ end }}
</tbody></table></section>
{{ else }}
<section id="projects"><h2>项目</h2>
<table class="data sortable"><thead><tr><th scope="col">项目</th><th scope="col" class="num">资金（万元）</th><th scope="col" class="num">财政拨款</th><th scope="col" class="num">指标</th></tr></thead>
<tbody>
{{ range .Pages }}
<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td class="num">{{ .Params.total }}</td><td class="num">{{ .Params.fiscal }}</td><td class="num">{{ len .Params.indicators }}</td></tr>
{{ end }}
</tbody></table></section>
{{ end }}
{{ end }}
"##;

const HUGO_HOME: &str = r##"{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul class="books">
{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> · {{ len .Sections }} 个部门 · {{ len .RegularPagesRecursive }} 个项目</li>
{{ end }}
</ul>
{{ end }}
"##;

/// The same pages as a Hugo site: a section per book and department and one page per
/// project whose front matter holds the fields jixiao's page shows. Written over on every
/// run, so a change to the templates here is always measured; not deleted first, since
/// a delete would slow the next builds on disk (see [`settle`]), and the same seed gives
/// the same pages.
fn write_hugo_site(root: &Path, hugo: &Path, pages_only: bool) {
    let site = jixiao::site::load(root).unwrap();
    // Output an older harness built inside the site.
    remove(&hugo.join("public"));
    let layouts = hugo.join("layouts");
    std::fs::create_dir_all(layouts.join("_default")).unwrap();
    let write = |p: PathBuf, s: &str| std::fs::write(p, s).unwrap();
    let mut config = format!("title = {}\n{HUGO_CONFIG}", toml_string(&site.config.title));
    if pages_only {
        config = config.replace(r#"home = ["html", "searchindex"]"#, r#"home = ["html"]"#);
    }
    write(hugo.join("hugo.toml"), &config);
    write(layouts.join("_default/baseof.html"), HUGO_BASEOF);
    write(layouts.join("_default/single.html"), HUGO_SINGLE);
    write(layouts.join("_default/list.html"), HUGO_LIST);
    write(layouts.join("index.html"), HUGO_HOME);
    std::fs::create_dir_all(layouts.join("partials")).unwrap();
    write(layouts.join("partials/form.html"), HUGO_FORM);
    write(layouts.join("_default/list.print.html"), HUGO_PRINT);
    write(layouts.join("_default/list.bookjson.json"), HUGO_BOOK_JSON);
    write(
        layouts.join("_default/list.projectscsv.csv"),
        HUGO_PROJECTS_CSV,
    );
    write(
        layouts.join("_default/list.indicatorscsv.csv"),
        HUGO_INDICATORS_CSV,
    );
    write(layouts.join("index.searchindex.json"), HUGO_SEARCH_INDEX);
    // A book section gets the report and the book's downloads; a department section its
    // own CSVs, as jixiao writes them.
    let section = |title: &str, outputs: &str| {
        format!(
            "+++\ntitle = {}\noutputs = {outputs}\n+++\n",
            toml_string(title)
        )
    };
    let (book_outputs, dept_outputs) = if pages_only {
        (r#"["html"]"#, r#"["html"]"#)
    } else {
        (
            r#"["html", "print", "bookjson", "projectscsv", "indicatorscsv"]"#,
            r#"["html", "projectscsv", "indicatorscsv"]"#,
        )
    };
    let content = hugo.join("content");
    for b in &site.books {
        let bdir = content.join(&b.slug);
        std::fs::create_dir_all(&bdir).unwrap();
        write(bdir.join("_index.md"), &section(&b.title, book_outputs));
        for d in &b.departments {
            let ddir = bdir.join(&d.slug);
            std::fs::create_dir_all(&ddir).unwrap();
            write(ddir.join("_index.md"), &section(&d.name, dept_outputs));
            for p in &d.projects {
                let front = toml::to_string(&hugo_page(b, d, p)).unwrap();
                write(
                    ddir.join(format!("{}.md", p.slug)),
                    &format!("+++\n{front}+++\n{}", p.notes),
                );
            }
        }
    }
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn hugo_available() -> bool {
    Command::new("hugo")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

// ---------------------------------------------------------------------------------------
// One size.

/// Everything measured on one filesystem.
struct FsResult {
    fs: &'static str,
    cold: Cold,
    copies: Vec<Run>,
    rebuilds: Rebuilds,
}

/// Everything measured for one size.
struct SizeResult {
    n: usize,
    pages: usize,
    fs: Vec<FsResult>,
    /// Why tmpfs was not measured.
    tmpfs_note: Option<String>,
    search_bytes: u64,
    query_bytes: Option<u64>,
    serve_ms: Vec<f64>,
}

/// All measurements on one filesystem, output deleted afterwards. The search figures
/// are read from the output before it goes.
fn measure_fs(bin: &Path, p: &Places, rounds: usize, hugo: bool) -> (FsResult, u64, Option<u64>) {
    let cold = cold_builds(bin, p, rounds, hugo);
    let out = cold.last_jixiao.clone();
    let search = tree(&out.join("search")).bytes;
    let query = query_bytes(&out, QUERY);
    let copies = copies(p, &out);
    let rebuilds = rebuilds(bin, p, &out);
    remove(&p.out);
    let r = FsResult {
        fs: p.fs,
        cold,
        copies,
        rebuilds,
    };
    (r, search, query)
}

/// The synthetic site for `n` projects, generated once and kept.
fn synthetic_site(bin: &Path, work: &Path, n: usize) -> PathBuf {
    let root = work.join(format!("site-{n}"));
    if !root.join("content").exists() {
        remove(&root);
        let r = run(Command::new(bin)
            .args([
                "generate",
                "--seed",
                "1",
                "--projects",
                &n.to_string(),
                "--out",
            ])
            .arg(&root));
        eprintln!("generated {n} projects in {:.0} ms", r.wall_ms);
    }
    // Output an older harness built inside the root would be copied to tmpfs with it.
    remove(&root.join("public"));
    root
}

fn measure_size(
    bin: &Path,
    work: &Path,
    n: usize,
    rounds: usize,
    hugo: bool,
    pages_only: bool,
) -> SizeResult {
    let site = synthetic_site(bin, work, n);
    let hugo_site = work.join(if pages_only {
        format!("hugo-pages-{n}")
    } else {
        format!("hugo-{n}")
    });
    if hugo {
        write_hugo_site(&site, &hugo_site, pages_only);
    }
    let disk = Places {
        fs: "disk",
        site: site.clone(),
        hugo: hugo_site.clone(),
        out: work.join(format!("out-{n}")),
        defer_deletes: true,
        made: Default::default(),
    };
    let (disk_result, search_bytes, query_bytes) = measure_fs(bin, &disk, rounds, hugo);
    let pages = pages(&disk_result.cold.jixiao[0].stderr);
    let mut fs = vec![disk_result];

    // tmpfs holds both sources, jixiao's output and a second copy of it (the cp -r
    // destination, or the staging folder of a rebuild), and one Hugo output.
    let sources = tree(&site).bytes + if hugo { tree(&hugo_site).bytes } else { 0 };
    let c = &fs[0].cold;
    let need = sources + 2 * c.jixiao_tree.bytes + c.hugo_tree.bytes + (1 << 30);
    let tmpfs_note = match tmpfs_dir(n, need) {
        Ok(dir) => {
            fs.push(measure_tmpfs(bin, &dir, &site, &hugo_site, rounds, hugo));
            None
        }
        Err(why) => {
            eprintln!("tmpfs skipped: {why}");
            Some(why)
        }
    };

    let serve_ms = serve_edits(&site, &work.join(format!("serve-{n}")));
    SizeResult {
        n,
        pages,
        fs,
        tmpfs_note,
        search_bytes,
        query_bytes,
        serve_ms,
    }
}

/// Copy both sites to tmpfs, measure there, and free the memory again.
fn measure_tmpfs(
    bin: &Path,
    dir: &Path,
    site: &Path,
    hugo_site: &Path,
    rounds: usize,
    hugo: bool,
) -> FsResult {
    remove(dir);
    std::fs::create_dir_all(dir).unwrap();
    let p = Places {
        fs: "tmpfs",
        site: dir.join("site"),
        hugo: dir.join("hugo"),
        out: dir.join("out"),
        defer_deletes: false,
        made: Default::default(),
    };
    // `cp -a` keeps the files' times: a build cache that tells changed files by their
    // times would otherwise take files copied just before a build for freshly edited ones.
    let copy_sources = |from: &Path, to: &Path| run(Command::new("cp").arg("-a").arg(from).arg(to));
    copy_sources(site, &p.site);
    if hugo {
        copy_sources(hugo_site, &p.hugo);
    }
    let (r, _, _) = measure_fs(bin, &p, rounds, hugo);
    remove(dir);
    r
}

// ---------------------------------------------------------------------------------------
// Tables.

fn print_tables(results: &[SizeResult], rounds: usize, hugo: bool) {
    print_cold(results, rounds, hugo);
    print_bytes(results, hugo);
    print_copy(results);
    print_rebuilds(results);
    print_phases(results);
    print_search(results);
    for r in results {
        if let Some(why) = &r.tmpfs_note {
            println!("\ntmpfs not measured at {} projects: {why}.", r.n);
        }
    }
}

fn header(cols: &[&str]) {
    println!("| {} |", cols.join(" | "));
    println!("|{}", "---:|".repeat(cols.len()));
}

fn print_cold(results: &[SizeResult], rounds: usize, hugo: bool) {
    // Each round runs each tool twice (ABBA, or jixiao twice without Hugo).
    let runs = 2 * rounds;
    let order = if hugo {
        format!("ABBA, {runs} runs of each")
    } else {
        format!("jixiao only, {runs} runs")
    };
    println!("\n### Cold builds ({order}, median (min–max); fresh process, fresh output folder)\n");
    header(&[
        "projects",
        "pages",
        "fs",
        "jixiao wall",
        "jixiao CPU",
        "jixiao peak RSS",
        "Hugo wall",
        "Hugo CPU",
        "Hugo peak RSS",
        "jixiao/Hugo wall",
        "jixiao/Hugo CPU",
        "other processes' CPU",
    ]);
    for r in results {
        for f in &r.fs {
            let (j, h) = (&f.cold.jixiao, &f.cold.hugo);
            let (hw, hc, hr, rw, rc) = if h.is_empty() {
                Default::default()
            } else {
                (
                    ms_range(h, |r| r.wall_ms),
                    ms_range(h, |r| r.cpu_ms),
                    mb_range(h, |r| r.rss_mb),
                    format!("{:.2}", median(j, |r| r.wall_ms) / median(h, |r| r.wall_ms)),
                    format!("{:.2}", median(j, |r| r.cpu_ms) / median(h, |r| r.cpu_ms)),
                )
            };
            let others = others_share(j.iter().chain(h));
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {others:.0}% |",
                r.n,
                r.pages,
                f.fs,
                ms_range(j, |r| r.wall_ms),
                ms_range(j, |r| r.cpu_ms),
                mb_range(j, |r| r.rss_mb),
                dash(hw),
                dash(hc),
                dash(hr),
                dash(rw),
                dash(rc),
            );
        }
    }
}

fn dash(s: String) -> String {
    if s.is_empty() { "—".into() } else { s }
}

fn print_bytes(results: &[SizeResult], hugo: bool) {
    println!(
        "\n### Bytes written (one cold build; HTML = the .html files among them; the build cache is beside the output, not in it)\n"
    );
    header(&[
        "projects",
        "jixiao output",
        "jixiao files",
        "jixiao HTML",
        "jixiao HTML files",
        "jixiao build cache",
        "Hugo output",
        "Hugo files",
        "Hugo HTML",
        "Hugo HTML files",
        "jixiao/Hugo bytes",
        "jixiao/Hugo HTML bytes",
    ]);
    for r in results {
        let (j, h) = (r.fs[0].cold.jixiao_tree, r.fs[0].cold.hugo_tree);
        let cache = r.fs[0].cold.jixiao_cache;
        let hugo_cells = if hugo {
            [
                mb(h.bytes),
                h.files.to_string(),
                mb(h.html_bytes),
                h.html_files.to_string(),
                format!("{:.2}", j.bytes as f64 / h.bytes as f64),
                format!("{:.2}", j.html_bytes as f64 / h.html_bytes as f64),
            ]
        } else {
            std::array::from_fn(|_| "—".to_string())
        };
        println!(
            "| {} | {} | {} | {} | {} | {} ({} files) | {} |",
            r.n,
            mb(j.bytes),
            j.files,
            mb(j.html_bytes),
            j.html_files,
            mb(cache.bytes),
            cache.files,
            hugo_cells.join(" | ")
        );
    }
}

fn print_copy(results: &[SizeResult]) {
    println!(
        "\n### jixiao cold build against `cp -r` of its own output (median of 3 copies, fresh destination)\n"
    );
    header(&[
        "projects",
        "fs",
        "jixiao cold build wall",
        "cp -r wall",
        "cp -r CPU",
        "cold build / cp -r",
        "other processes' CPU",
    ]);
    for r in results {
        for f in &r.fs {
            let build = median(&f.cold.jixiao, |r| r.wall_ms);
            let copy = median(&f.copies, |r| r.wall_ms);
            println!(
                "| {} | {} | {:.0} ms | {} | {} | {:.2} | {:.0}% |",
                r.n,
                f.fs,
                build,
                ms_range(&f.copies, |r| r.wall_ms),
                ms_range(&f.copies, |r| r.cpu_ms),
                build / copy,
                others_share(&f.copies),
            );
        }
    }
}

fn print_rebuilds(results: &[SizeResult]) {
    println!(
        "\n### jixiao rebuilds into the existing output (fresh `jixiao build` process, median of 3)\n"
    );
    header(&[
        "projects",
        "fs",
        "cold wall",
        "cold CPU",
        "no change wall",
        "no change CPU",
        "one value edited wall",
        "one value edited CPU",
        "files written: no change / edited",
        "other processes' CPU",
    ]);
    for r in results {
        for f in &r.fs {
            let (c, u, e) = (&f.cold.jixiao, &f.rebuilds.unchanged, &f.rebuilds.edited);
            println!(
                "| {} | {} | {:.0} ms | {:.0} ms | {} | {} | {} | {} | {:.0} / {:.0} | {:.0}% |",
                r.n,
                f.fs,
                median(c, |r| r.wall_ms),
                median(c, |r| r.cpu_ms),
                ms_range(u, |r| r.wall_ms),
                ms_range(u, |r| r.cpu_ms),
                ms_range(e, |r| r.wall_ms),
                ms_range(e, |r| r.cpu_ms),
                stats(f.rebuilds.unchanged_written.iter().copied()).median,
                stats(f.rebuilds.edited_written.iter().copied()).median,
                others_share(u.iter().chain(e)),
            );
        }
    }
}

/// The `--timings` phases of each median cold run; the columns are every phase any run
/// printed, in the order first seen.
fn print_phases(results: &[SizeResult]) {
    let rows: Vec<(usize, &str, f64, BTreeMap<String, f64>)> = results
        .iter()
        .flat_map(|r| {
            r.fs.iter().map(move |f| {
                let m = median_run(&f.cold.jixiao);
                (
                    r.n,
                    f.fs,
                    m.wall_ms,
                    phases(&m.stderr).into_iter().collect(),
                )
            })
        })
        .collect();
    let mut names: Vec<String> = Vec::new();
    for r in results {
        for f in &r.fs {
            for (name, _) in phases(&median_run(&f.cold.jixiao).stderr) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    println!("\n### jixiao phases of the median cold run (`--timings`, ms)\n");
    let mut cols = vec!["projects", "fs", "wall"];
    cols.extend(names.iter().map(String::as_str));
    cols.push("pages/s");
    header(&cols);
    for (n, fs, wall, ph) in &rows {
        let cells: Vec<String> = names
            .iter()
            .map(|p| ph.get(p).map_or("—".into(), |v| format!("{v:.0}")))
            .collect();
        let pages = results.iter().find(|r| r.n == *n).map_or(0, |r| r.pages);
        println!(
            "| {n} | {fs} | {wall:.0} ms | {} | {:.0} |",
            cells.join(" | "),
            pages as f64 / (wall / 1000.0)
        );
    }
}

fn print_search(results: &[SizeResult]) {
    println!("\n### Search and `serve` (disk)\n");
    header(&[
        "projects",
        "search index",
        "one query",
        "serve: 1 edit (median of 5, min–max)",
    ]);
    for r in results {
        let s = stats(r.serve_ms.iter().copied());
        println!(
            "| {} | {} | {} | {:.0} ms ({:.0}–{:.0}) |",
            r.n,
            mb(r.search_bytes),
            r.query_bytes
                .map_or("—".into(), |b| format!("{:.1} KB", b as f64 / 1e3)),
            s.median,
            s.min,
            s.max
        );
    }
}

// ---------------------------------------------------------------------------------------

/// Command line: sizes, `--rounds N` (or `--rounds=N`), `--no-hugo`.
struct Args {
    sizes: Vec<usize>,
    rounds: usize,
    hugo: bool,
    /// The Hugo site renders the pages only, without the report, downloads and search
    /// index (the comparison before these were added).
    hugo_pages_only: bool,
}

fn parse_args() -> Args {
    let mut a = Args {
        sizes: vec![10_000, 100_000],
        rounds: 2,
        hugo: true,
        hugo_pages_only: false,
    };
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(arg) = args.next() {
        if arg == "--no-hugo" {
            a.hugo = false;
        } else if arg == "--hugo-pages-only" {
            a.hugo_pages_only = true;
        } else if let Some(v) = arg.strip_prefix("--rounds=") {
            a.rounds = v.parse().expect("--rounds N");
        } else if arg == "--rounds" {
            a.rounds = args
                .next()
                .and_then(|v| v.parse().ok())
                .expect("--rounds N");
        } else if arg.starts_with(|c: char| c.is_ascii_digit()) {
            a.sizes = arg.split(',').map(|x| x.parse().expect("size")).collect();
        } else {
            panic!(
                "unknown argument {arg}: expected SIZES, --rounds N, --no-hugo or --hugo-pages-only"
            );
        }
    }
    assert!(a.rounds > 0, "--rounds must be at least 1");
    a
}

fn main() {
    let args = parse_args();
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = common::release_binary();
    let work = manifest.join("target/bench");
    std::fs::create_dir_all(&work).unwrap();
    // Output an interrupted run left; deleting it through `remove` makes the first disk
    // measurement wait for its inodes to age.
    for e in std::fs::read_dir(&work).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with("out-") || name.starts_with("serve-") {
            remove(&e.path());
        }
    }
    let hugo = args.hugo && hugo_available();
    if args.hugo && !hugo {
        eprintln!("hugo not found: the Hugo columns show —");
    }
    let mut results = Vec::new();
    for &n in &args.sizes {
        results.push(measure_size(
            &bin,
            &work,
            n,
            args.rounds,
            hugo,
            args.hugo_pages_only,
        ));
    }
    if hugo {
        println!(
            "Hugo site: {}\n",
            if args.hugo_pages_only {
                "the same pages only (no printed report, downloads or search index)"
            } else {
                "the same pages, each book's printed report and downloads, and a search index"
            }
        );
    }
    print_tables(&results, args.rounds, hugo);
    std::io::stdout().flush().ok();
}
