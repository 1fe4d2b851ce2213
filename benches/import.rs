//! Import benchmark (not a timed test): `cargo bench --bench import`.
//!
//! For every shared document in every format (`../shared/seeds`, `../shared/seeds-office`,
//! PDFs included), it times the import in process (read → grids →
//! forms → book; best and median of 7) and the whole `jixiao import` command in a fresh
//! process writing the content files (best of 3). Output: a Markdown table for
//! BENCHMARKS.md.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = common::release_binary();
    let shared = manifest.join("../shared");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["seeds", "seeds-office"] {
        let d = shared.join(dir);
        let mut in_dir: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e} (the benchmark needs ../shared)", d.display()))
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                let n = p.to_string_lossy();
                !n.ends_with(".json") && !n.ends_with(".md")
            })
            .collect();
        in_dir.sort();
        files.extend(in_dir);
    }
    let work = manifest.join("target/bench-import");
    println!(
        "| file | size | projects | indicators | import in process (best / median of 7) | `jixiao import` command (best of 3) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(f).expect("read");
        let opts = jixiao::import::ImportOptions {
            book: "bench".into(),
            ..Default::default()
        };
        let mut times = Vec::new();
        let mut counts = (0, 0);
        for _ in 0..7 {
            let input = jixiao::import::SourceInput {
                name: name.clone(),
                bytes: bytes.clone(),
            };
            let t = Instant::now();
            let i = jixiao::import::import(&[input], &opts).expect("import");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            counts = (
                i.book.project_count(),
                i.book
                    .projects()
                    .map(|(_, p)| p.indicators.len())
                    .sum::<usize>(),
            );
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let mut cli = f64::MAX;
        for _ in 0..3 {
            let _ = std::fs::remove_dir_all(&work);
            let t = Instant::now();
            let out = Command::new(&bin)
                .arg("import")
                .arg(f)
                .args(["--book", "bench", "--content"])
                .arg(&work)
                .output()
                .expect("jixiao import");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            cli = cli.min(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "| `{name}` | {} KB | {} | {} | {:.0} / {:.0} ms | {:.0} ms |",
            bytes.len() / 1024,
            counts.0,
            counts.1,
            times[0],
            times[times.len() / 2],
            cli
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}
