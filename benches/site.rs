//! Benchmark harness (not a timed test): `cargo bench --bench site -- [SIZES] [--no-hugo]`.
//!
//! For each size (projects; default 1000,10000,100000) it generates a synthetic site
//! (seed 1), builds it with the release `jixiao` binary (best of 3 runs, each a fresh
//! process, peak RSS from wait4), reads the per-phase timings the build prints, measures
//! the search download of one query, times an incremental `serve` update after editing
//! one project, then builds the same pages with Hugo (one Markdown page per project with
//! the same fields, a comparable template) and prints the ratio. Output: a Markdown
//! table for BENCHMARKS.md.

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Run {
    wall_ms: f64,
    rss_mb: f64,
    stderr: String,
}

/// Run a command to completion; wall time and the child's peak RSS.
fn run(cmd: &mut Command) -> Run {
    let t = Instant::now();
    // Reaped below with wait4, which also gives the peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut stderr = String::new();
    let mut err = child.stderr.expect("stderr");
    std::io::Read::read_to_string(&mut err, &mut stderr).ok();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; status and usage are valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "command failed: {stderr}"
    );
    Run {
        wall_ms: t.elapsed().as_secs_f64() * 1000.0,
        rss_mb: usage.ru_maxrss as f64 / 1024.0,
        stderr,
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn phase(stderr: &str, name: &str) -> f64 {
    stderr
        .lines()
        .find(|l| l.trim_start().starts_with(name))
        .and_then(|l| l.split_whitespace().rev().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// Bytes one query downloads: search.js, the manifest, the shards of its tokens and the
/// document blocks of its first 20 results.
fn query_bytes(public: &Path, query: &str) -> (u64, usize) {
    use jixiao::site::search::{fnv1a, tokens};
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap_or_default();
    let manifest = read("search/manifest.js");
    let json = &manifest[manifest.find('(').unwrap() + 1..manifest.rfind(')').unwrap()];
    let m: serde_json::Value = serde_json::from_str(json).unwrap();
    let shards = m["shards"].as_u64().unwrap() as u32;
    let block = m["block"].as_u64().unwrap() as usize;
    let mut bytes = (read("static/search.js").len() + manifest.len()) as u64;
    let mut score: std::collections::HashMap<u64, u64> = Default::default();
    let mut seen = std::collections::BTreeSet::new();
    for t in tokens(query) {
        let s = fnv1a(&t) % shards;
        let shard = read(&format!("search/t{s}.js"));
        if seen.insert(s) {
            bytes += shard.len() as u64;
        }
        let json = &shard[shard.find(',').unwrap() + 1..shard.rfind(')').unwrap()];
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        if let Some(posts) = v[&t].as_array() {
            for p in posts {
                *score.entry(p[0].as_u64().unwrap()).or_default() += p[1].as_u64().unwrap();
            }
        }
    }
    let mut hits: Vec<(u64, u64)> = score.into_iter().collect();
    hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let blocks: std::collections::BTreeSet<usize> =
        hits.iter().take(20).map(|h| h.0 as usize / block).collect();
    for b in blocks {
        bytes += read(&format!("search/d{b}.js")).len() as u64;
    }
    (bytes, hits.len())
}

/// The same pages as a Hugo site: one Markdown page per project with the same fields,
/// a section per book and department, list and single templates of similar weight.
fn write_hugo_site(root: &Path, hugo: &Path) {
    let site = jixiao::site::load(root).unwrap();
    std::fs::create_dir_all(hugo.join("layouts/_default")).unwrap();
    std::fs::write(
        hugo.join("hugo.toml"),
        "baseURL = \"http://127.0.0.1/\"\ntitle = \"bench\"\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\"]\n",
    )
    .unwrap();
    std::fs::write(
        hugo.join("layouts/_default/baseof.html"),
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body><nav>{{ with .Parent }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    )
    .unwrap();
    std::fs::write(
        hugo.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><table><tr><th>部门</th><td>{{ .Params.department }}</td></tr><tr><th>资金总额</th><td>{{ .Params.total }}</td></tr><tr><th>财政拨款</th><td>{{ .Params.fiscal }}</td></tr>{{ with .Params.goal }}<tr><th>总体目标</th><td>{{ . }}</td></tr>{{ end }}</table><table>{{ range .Params.indicators }}<tr><td>{{ .level1 }}</td><td>{{ .level2 }}</td><td>{{ .name }}</td><td>{{ .value }}</td></tr>{{ end }}</table>{{ .Content }}{{ end }}\n",
    )
    .unwrap();
    std::fs::write(
        hugo.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><table>{{ range .Pages }}<tr><td><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></td><td>{{ .Params.total }}</td></tr>{{ end }}</table>{{ end }}\n",
    )
    .unwrap();
    let content = hugo.join("content");
    for b in &site.books {
        let bdir = content.join(&b.slug);
        std::fs::create_dir_all(&bdir).unwrap();
        std::fs::write(
            bdir.join("_index.md"),
            format!("+++\ntitle = {:?}\n+++\n", b.title),
        )
        .unwrap();
        for d in &b.departments {
            let ddir = bdir.join(&d.slug);
            std::fs::create_dir_all(&ddir).unwrap();
            std::fs::write(
                ddir.join("_index.md"),
                format!("+++\ntitle = {:?}\n+++\n", d.name),
            )
            .unwrap();
            for p in &d.projects {
                let mut s = format!(
                    "+++\ntitle = {:?}\ndepartment = {:?}\ntotal = {:?}\nfiscal = {:?}\n",
                    p.name,
                    d.name,
                    p.funds.total.raw_or_value(),
                    p.funds.fiscal.raw_or_value()
                );
                if let Some(g) = &p.goal {
                    s.push_str(&format!("goal = {g:?}\n"));
                }
                for i in &p.indicators {
                    s.push_str(&format!(
                        "[[indicators]]\nlevel1 = {:?}\nlevel2 = {:?}\nname = {:?}\nvalue = {:?}\n",
                        i.level1, i.level2, i.name, i.value
                    ));
                }
                s.push_str("+++\n");
                std::fs::write(ddir.join(format!("{}.md", p.slug)), s).unwrap();
            }
        }
    }
}

trait RawOrValue {
    fn raw_or_value(&self) -> String;
}
impl RawOrValue for jixiao::amount::Amount {
    fn raw_or_value(&self) -> String {
        match self.value {
            Some(v) => jixiao::amount::format_amount(v),
            None => self.raw.clone(),
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let hugo_on = !args.iter().any(|a| a == "--no-hugo");
    let sizes: Vec<usize> = args
        .iter()
        .find(|a| a.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(|s| s.split(',').map(|x| x.parse().expect("size")).collect())
        .unwrap_or_else(|| vec![1000, 10_000, 100_000]);
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = common::release_binary();
    let work = manifest.join("target/bench");
    let hugo_ok = hugo_on
        && Command::new("hugo")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success());

    println!(
        "| projects | pages | wall (best of 3) | load | analyse | render+write | search index | downloads | swap in | pages/s | peak RSS | output | search index | one query | serve: 1 edit | Hugo wall | Hugo RSS | jixiao/Hugo |"
    );
    println!(
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for n in sizes {
        let root = work.join(format!("site-{n}"));
        if !root.join("content").exists() {
            std::fs::remove_dir_all(&root).ok();
            let r = run(Command::new(&bin)
                .args([
                    "generate",
                    "--projects",
                    &n.to_string(),
                    "--seed",
                    "1",
                    "--out",
                ])
                .arg(&root));
            eprintln!("generated {n} projects in {:.0} ms", r.wall_ms);
        }
        let public = root.join("public");
        let mut best: Option<Run> = None;
        for _ in 0..3 {
            let r = run(Command::new(&bin)
                .args(["build", "--timings", "--root"])
                .arg(&root)
                .arg("--out")
                .arg(&public));
            if best.as_ref().is_none_or(|b| r.wall_ms < b.wall_ms) {
                best = Some(r);
            }
        }
        let b = best.expect("a run");
        let pages: usize = b
            .stderr
            .lines()
            .find(|l| l.starts_with("built "))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let output = dir_bytes(&public);
        let search = dir_bytes(&public.join("search"));
        let (q, _) = query_bytes(&public, "道路养护");

        // serve: open a workspace (full build into its own folder), edit one project.
        let serve_out = work.join(format!("serve-{n}"));
        let mut ws = jixiao::serve::Workspace::open(
            &root,
            &serve_out,
            Some("http://127.0.0.1:8000/".into()),
        )
        .unwrap();
        let project = walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .filter_map(|e| e.ok())
            .map(|e| e.into_path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && p.file_name().is_some_and(|f| f != "_index.md")
                    && p.components().count() > root.components().count() + 3
            })
            .unwrap();
        let original = std::fs::read_to_string(&project).unwrap();
        std::fs::write(
            &project,
            original.replacen("value = \"", "value = \"基准修改 ", 1),
        )
        .unwrap();
        let t = Instant::now();
        let u = ws.update(std::slice::from_ref(&project)).unwrap();
        let edit_ms = t.elapsed().as_secs_f64() * 1000.0;
        std::fs::write(&project, &original).unwrap();
        ws.update(std::slice::from_ref(&project)).unwrap();
        drop(ws);
        std::fs::remove_dir_all(&serve_out).ok();
        eprintln!("serve update: {u:?}");

        let (hugo_wall, hugo_rss, ratio) = if hugo_ok {
            let hroot = work.join(format!("hugo-{n}"));
            if !hroot.join("content").exists() {
                write_hugo_site(&root, &hroot);
            }
            let mut hb: Option<Run> = None;
            for _ in 0..3 {
                std::fs::remove_dir_all(hroot.join("public")).ok();
                let r = run(Command::new("hugo")
                    .args(["--quiet", "--source"])
                    .arg(&hroot));
                if hb.as_ref().is_none_or(|x| r.wall_ms < x.wall_ms) {
                    hb = Some(r);
                }
            }
            let h = hb.expect("hugo run");
            (
                format!("{:.0} ms", h.wall_ms),
                format!("{:.0} MB", h.rss_mb),
                format!("{:.2}", b.wall_ms / h.wall_ms),
            )
        } else {
            ("—".into(), "—".into(), "—".into())
        };
        println!(
            "| {n} | {pages} | {:.0} ms | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} MB | {:.1} MB | {:.1} MB | {:.1} KB | {:.0} ms | {hugo_wall} | {hugo_rss} | {ratio} |",
            b.wall_ms,
            phase(&b.stderr, "load"),
            phase(&b.stderr, "analyse"),
            phase(&b.stderr, "render+write"),
            phase(&b.stderr, "search index"),
            phase(&b.stderr, "downloads"),
            phase(&b.stderr, "swap in"),
            pages as f64 / (b.wall_ms / 1000.0),
            b.rss_mb,
            output as f64 / 1e6,
            search as f64 / 1e6,
            q as f64 / 1e3,
            edit_ms,
        );
        std::io::stdout().flush().ok();
    }
}
