//! `jixiao diff` benchmark (not a timed test): `cargo bench --bench diff -- [PROJECTS]`.
//!
//! The claim: diffing two 10,000-project books takes under 1 s. PROJECTS (default 10000)
//! is the size of the book. Under `target/bench-diff` it writes a synthetic site with one
//! book of that size (`jixiao generate --projects N --book-size N --seed 1`), and for two
//! variants of that book writes a later round of it beside it, made in process with a
//! fixed seed the way a department's next draft looks: 2% of the projects with funds
//! moved, 1% dropped, 1% added (clones of others under new names), 1% renamed, 3% with one
//! indicator value changed, and one department renamed. The variants:
//!
//! * department names told apart: `jixiao generate` names the townships past its list
//!   `…镇人民政府（2）`, `（3）`…, which jixiao's department matching reads as one name
//!   (it drops a parenthesised part), so this variant renames them `…第2片区`, as real
//!   books name each department once;
//! * the book as generated, which shows what ambiguous department names do to the
//!   comparison (and to its cost).
//!
//! For each it also diffs the book against itself (which must find nothing), and times
//!
//! * the whole command a user or CI runs, `jixiao diff A B --format json > /dev/null`, as a
//!   fresh process from the site folder, 5 runs: wall time (median and range), CPU time
//!   (user + sys of the child) and peak RSS from `wait4`;
//! * the same work in process, 5 times: load each book, check each, and diff, each
//!   phase timed (median and range).
//!
//! Each row also gives the share of the CPUs other processes used during its runs (from
//! /proc/stat), since the machine may be shared. Output: Markdown for BENCHMARKS.md on
//! stdout, progress on stderr.

mod common;

use common::{Run, cores, machine_busy_ms, run};

use jixiao::amount::Amount;
use jixiao::model::{Book, Project};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 5;

/// CPU time (user + sys) this process has used so far (ms).
fn own_cpu_ms() -> f64 {
    // SAFETY: rusage is plain data; getrusage fills it.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid out-pointer for RUSAGE_SELF.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
    ms(u.ru_utime) + ms(u.ru_stime)
}

/// Median, min and max.
fn stats(v: &[f64]) -> (f64, f64, f64) {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    (s[s.len() / 2], s[0], s[s.len() - 1])
}

fn ms_range(v: &[f64]) -> String {
    let (m, lo, hi) = stats(v);
    format!("{m:.0} ms ({lo:.0}–{hi:.0})")
}

fn load(dir: &Path) -> Book {
    let mut errors = Vec::new();
    let book = jixiao::content::load_book(dir, &mut errors);
    assert!(
        errors.is_empty(),
        "{}: {}",
        dir.display(),
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    book.unwrap_or_else(|| panic!("{}: no book", dir.display()))
}

/// The first number written in `s`, moved by `by` (kept ≥ 0); `None` when there is none.
fn bump_number(s: &str, by: i64) -> Option<String> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let len = s[start..]
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(s.len() - start);
    let n: i64 = s[start..start + len].parse().ok()?;
    Some(format!(
        "{}{}{}",
        &s[..start],
        (n + by).max(0),
        &s[start + len..]
    ))
}

/// What was done to make the later round, for the report.
#[derive(Default, Debug)]
struct Edits {
    funds: usize,
    dropped: usize,
    added: usize,
    renamed: usize,
    indicators: usize,
    department: String,
}

/// A later round of `a`: funds moved, projects dropped, added, renamed, indicator values
/// changed, one department renamed. Deterministic (seed 2).
fn later_round(a: &Book, slug: &str) -> (Book, Edits) {
    let mut b = a.clone();
    b.slug = slug.to_string();
    b.title = format!("{}（第二稿）", a.title);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut at: Vec<(usize, usize)> = b
        .departments
        .iter()
        .enumerate()
        .flat_map(|(di, d)| (0..d.projects.len()).map(move |pi| (di, pi)))
        .collect();
    at.shuffle(&mut rng);
    let n = at.len();
    let pct = |p: usize| (n * p).div_ceil(100);
    let (dropped, rest) = at.split_at(pct(1));
    let (renamed, rest) = rest.split_at(pct(1));
    let (funds, rest) = rest.split_at(pct(2));
    let (indicators, rest) = rest.split_at(pct(3));
    let (cloned, _) = rest.split_at(pct(1));
    let mut e = Edits::default();

    for &(di, pi) in funds {
        let p = &mut b.departments[di].projects[pi];
        let Some(total) = p.funds.total.value else {
            continue;
        };
        // Up or down by 1–20% of the total, to the 万元 cent.
        let share = Decimal::new(rng.random_range(1..=20), 2);
        let mut delta = (total * share).round_dp(2).max(Decimal::new(1, 2));
        if rng.random_bool(0.5) {
            delta = -delta.min(total);
        }
        for a in [
            &mut p.funds.total,
            &mut p.funds.fiscal,
            &mut p.funds.fiscal_own,
        ] {
            if let Some(v) = a.value {
                *a = Amount::exact(v + delta);
            }
        }
        e.funds += 1;
    }
    for &(di, pi) in indicators {
        let p = &mut b.departments[di].projects[pi];
        let by = if rng.random_bool(0.5) { 1 } else { -1 };
        if let Some(i) = p
            .indicators
            .iter_mut()
            .find(|i| bump_number(&i.value, by).is_some())
        {
            i.value = bump_number(&i.value, by).unwrap_or_default();
        } else if let Some(i) = p.indicators.first_mut() {
            i.value = format!("{}（调整）", i.value);
        } else {
            continue;
        }
        e.indicators += 1;
    }
    for &(di, pi) in renamed {
        let p = &mut b.departments[di].projects[pi];
        p.name = format!("{}提升项目", p.name);
        e.renamed += 1;
    }
    let mut clones: Vec<(usize, Project)> = Vec::new();
    for (k, &(di, pi)) in cloned.iter().enumerate() {
        let mut p = b.departments[di].projects[pi].clone();
        p.name = format!("新增试点{}号：{}", k + 1, p.name);
        clones.push((di, p));
    }
    let mut gone = dropped.to_vec();
    gone.sort_unstable_by(|x, y| y.cmp(x));
    for (di, pi) in gone {
        b.departments[di].projects.remove(pi);
        e.dropped += 1;
    }
    for (di, p) in clones {
        b.departments[di].projects.push(p);
        e.added += 1;
    }
    // One department renamed (the third, whichever it is), its projects with it.
    let d = &mut b.departments[2];
    let name = format!("{}服务中心", d.name.trim_end_matches('局'));
    e.department = format!("{} → {name}", d.name);
    d.name = name.clone();
    for p in &mut d.projects {
        p.department = name.clone();
    }
    b.departments.retain(|d| !d.projects.is_empty());
    jixiao::slug::assign_slugs(&mut b.departments);
    (b, e)
}

/// The synthetic book with its department names told apart: `jixiao generate` numbers
/// the townships past its list as `…镇人民政府（2）`, `（3）`…, and jixiao compares
/// department names without a parenthesised part, so those names are ambiguous and
/// `jixiao diff` pairs none of those departments (see BENCHMARKS.md). Real books name each
/// department once; this variant times the comparison as it goes on them.
fn unique_departments(a: &Book, slug: &str) -> Book {
    let mut b = a.clone();
    b.slug = slug.to_string();
    for d in &mut b.departments {
        if let Some(stem) = d.name.strip_suffix('）')
            && let Some((head, n)) = stem.rsplit_once('（')
        {
            d.name = format!("{head}第{n}片区");
            for p in &mut d.projects {
                p.department = d.name.clone();
            }
        }
    }
    jixiao::slug::assign_slugs(&mut b.departments);
    b
}

fn counts_line(c: &jixiao::diff::Counts) -> String {
    format!(
        "projects changed {}, added {}, dropped {}, renamed {}, split {}, merged {}, moved {}, unchanged {}; departments renamed {}, merged {}, split {}, added {}, dropped {}; targets weakened {}, strengthened {}, other {}; findings new {}, resolved {}",
        c.projects_changed,
        c.projects_added,
        c.projects_dropped,
        c.projects_renamed,
        c.projects_split,
        c.projects_merged,
        c.projects_moved,
        c.projects_unchanged,
        c.departments_renamed,
        c.departments_merged,
        c.departments_split,
        c.departments_added,
        c.departments_dropped,
        c.targets_weakened,
        c.targets_strengthened,
        c.targets_changed,
        c.findings_new,
        c.findings_resolved,
    )
}

const REPORT: &str = "# 导入报告\n\n合成数据，没有源文件。\n";

/// Write the later round of the book in `a_dir` beside it, time the command and the
/// phases in process, and print the variant's section.
fn measure(
    title: &str,
    bin: &Path,
    site: &Path,
    a_dir: &Path,
    settings: &jixiao::check::rules::Settings,
) {
    let content = site.join("content");
    let a_slug = a_dir.file_name().unwrap().to_string_lossy().to_string();
    let b_slug = format!("{a_slug}-r2");
    let a = load(a_dir);
    let (b, edits) = later_round(&a, &b_slug);
    let b_dir = jixiao::content::write_book(&b, REPORT, &content).expect("write the later round");
    eprintln!("{title}: wrote {} ({edits:?})", b_dir.display());

    // The book against itself must show nothing.
    let fa = jixiao::check::check_book(&a, settings);
    let same = jixiao::diff::diff_books(&a, &fa, &a, &fa);

    // The command, as a user or CI runs it.
    eprintln!("{title}: timing `jixiao diff {a_slug} {b_slug} --format json` ({RUNS} runs)");
    let cmd_runs: Vec<Run> = (0..RUNS)
        .map(|_| {
            run(Command::new(bin)
                .args(["diff", &a_slug, &b_slug, "--format", "json"])
                .current_dir(site))
        })
        .collect();

    // In process, phase by phase.
    eprintln!("{title}: timing in process ({RUNS} runs)");
    let (busy, own) = (machine_busy_ms(), own_cpu_ms());
    let started = Instant::now();
    let mut phases: Vec<[f64; 5]> = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let mut t = [0.0; 5];
        let mut clock = Instant::now();
        let mut lap = |i: usize, t: &mut [f64; 5]| {
            t[i] = clock.elapsed().as_secs_f64() * 1000.0;
            clock = Instant::now();
        };
        let old = load(a_dir);
        lap(0, &mut t);
        let new = load(&b_dir);
        lap(1, &mut t);
        let fo = jixiao::check::check_book(&old, settings);
        lap(2, &mut t);
        let fnew = jixiao::check::check_book(&new, settings);
        lap(3, &mut t);
        let d = jixiao::diff::diff_books(&old, &fo, &new, &fnew);
        lap(4, &mut t);
        phases.push(t);
        last = Some((d, old, new));
    }
    let in_process_wall = started.elapsed().as_secs_f64() * 1000.0;
    let own = own_cpu_ms() - own;
    let in_process_others =
        100.0 * (machine_busy_ms() - busy - own).max(0.0) / (in_process_wall * cores());
    let (d, old, new) = last.expect("ran");

    let indicators = |b: &Book| -> usize { b.projects().map(|(_, p)| p.indicators.len()).sum() };
    println!("### {title}\n");
    println!(
        "Book A: {} projects, {} departments, {} indicators. Book B, its later round: funds moved on {}, {} dropped, {} added, {} renamed, an indicator value changed on {}, department {} ({} projects, {} departments).\n",
        old.project_count(),
        old.departments.len(),
        indicators(&old),
        edits.funds,
        edits.dropped,
        edits.added,
        edits.renamed,
        edits.indicators,
        edits.department,
        new.project_count(),
        new.departments.len(),
    );
    println!(
        "What `jixiao diff A B` found: {}.\n",
        counts_line(&d.counts)
    );
    println!(
        "What `jixiao diff A A` found: {}.\n",
        counts_line(&same.counts)
    );
    let walls: Vec<f64> = cmd_runs.iter().map(|r| r.wall_ms).collect();
    let cpus: Vec<f64> = cmd_runs.iter().map(|r| r.cpu_ms).collect();
    let rss: Vec<f64> = cmd_runs.iter().map(|r| r.rss_mb).collect();
    let others = 100.0 * cmd_runs.iter().map(|r| r.others_ms).sum::<f64>()
        / (walls.iter().sum::<f64>() * cores()).max(1.0);
    println!(
        "| what | wall, median (min–max) of {RUNS} | CPU (user+sys) | peak RSS | other processes' CPU |"
    );
    println!("|:--|--:|--:|--:|--:|");
    println!(
        "| `jixiao diff A B --format json > /dev/null` (fresh process) | {} | {} | {:.0} MB | {others:.0}% |",
        ms_range(&walls),
        ms_range(&cpus),
        stats(&rss).0,
    );
    let names = [
        "load A",
        "load B",
        "check A",
        "check B",
        "diff (match, compare, findings)",
    ];
    for (i, name) in names.iter().enumerate() {
        let v: Vec<f64> = phases.iter().map(|t| t[i]).collect();
        println!(
            "| in process: {name} | {} | | | {in_process_others:.0}% |",
            ms_range(&v)
        );
    }
    let totals: Vec<f64> = phases.iter().map(|t| t.iter().sum()).collect();
    println!(
        "| in process: the five together | {} | | | {in_process_others:.0}% |",
        ms_range(&totals)
    );
    let (m, _, hi) = stats(&walls);
    let (dm, _, _) = stats(&phases.iter().map(|t| t[4]).collect::<Vec<_>>());
    println!(
        "\nClaim \"diffing two {}-project books takes under 1 s\": the command {m:.0} ms (slowest {hi:.0} ms) — {}; the diff step alone {dm:.0} ms.\n",
        old.project_count(),
        if hi < 1000.0 {
            "holds"
        } else {
            "does not hold"
        }
    );
}

fn main() {
    let projects: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(|a| a.parse().expect("PROJECTS is a number"))
        .unwrap_or(10_000);
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = common::release_binary();
    let site = manifest.join(format!("target/bench-diff/site-{projects}"));
    let _ = std::fs::remove_dir_all(&site);
    eprintln!("generating {projects} projects into {}", site.display());
    let n = projects.to_string();
    run(Command::new(&bin)
        .args([
            "generate",
            "--projects",
            &n,
            "--book-size",
            &n,
            "--seed",
            "1",
            "--out",
        ])
        .arg(&site));
    let content = site.join("content");
    let books = jixiao::content::book_dirs(&content).expect("books");
    assert_eq!(books.len(), 1, "one book: {books:?}");
    let a_dir = books[0].clone();
    let settings = jixiao::config::load(&site.join("book.toml"))
        .expect("book.toml")
        .check;
    let a_slug = a_dir.file_name().unwrap().to_string_lossy().to_string();
    let unique = unique_departments(&load(&a_dir), &format!("{a_slug}-u"));
    let u_dir = jixiao::content::write_book(&unique, REPORT, &content).expect("write");
    println!(
        "`jixiao generate --projects {projects} --book-size {projects} --seed 1`, then a later round of the book written beside it (seed 2). Release build; {} cores.\n",
        cores()
    );
    measure(
        "Department names told apart (as in real books)",
        &bin,
        &site,
        &u_dir,
        &settings,
    );
    measure(
        "Department names as generated (townships numbered `（2）`, `（3）`…)",
        &bin,
        &site,
        &a_dir,
        &settings,
    );
}
