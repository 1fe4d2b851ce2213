//! A build killed while it writes, or between the two renames of the swap, leaves the
//! previous site exactly as it was; the next build cleans up and succeeds.

mod common;

use common::files;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn jixiao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
}

fn run(args: &[&str]) {
    let out = jixiao().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "jixiao {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Folders a build made beside the output (`.public.new-PID`, `.public.old-PID`), but the
/// build cache, which stays.
fn leftovers(site: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(site)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            name.starts_with(".public.") && name != ".public.cache"
        })
        .collect();
    v.sort();
    v
}

fn file_count(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .count()
}

/// The first project file of the generated site, with one value changed, so the next
/// build would write different pages.
fn edit_a_project(site: &Path) {
    let p = walkdir::WalkDir::new(site.join("content"))
        .min_depth(3)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.extension().is_some_and(|x| x == "md") && p.file_name().unwrap() != "_index.md")
        .unwrap();
    let text = std::fs::read_to_string(&p).unwrap();
    let edited = text.replacen("name = \"", "name = \"改名后的", 1);
    assert_ne!(text, edited);
    std::fs::write(&p, edited).unwrap();
}

#[test]
fn a_build_killed_mid_write_leaves_the_previous_site_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let site_s = site.to_str().unwrap();
    run(&[
        "generate",
        "--out",
        site_s,
        "--projects",
        "3000",
        "--seed",
        "7",
    ]);
    run(&["build", "--root", site_s]);
    let out = site.join("public");
    let before = files(&out);
    assert!(before.len() > 3000);
    edit_a_project(&site);
    // Without its cache the build is a full one, staged in a folder of its own (a killed
    // incremental build: tests/incremental_build.rs).
    std::fs::remove_dir_all(site.join(".public.cache")).unwrap();

    let mut child = jixiao()
        .args(["build", "--root", site_s])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = site.join(format!(".public.new-{}", child.id()));
    // Kill it once it has written part of the new site, while it is still writing.
    let started = Instant::now();
    loop {
        if staging.is_dir() && file_count(&staging) > 200 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build finished before it could be interrupted"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "build never started writing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    assert!(
        staging.is_dir(),
        "killed mid-write: the half-written site is still staged"
    );
    assert!(
        files(&out) == before,
        "the previous site is exactly as it was"
    );

    // The next build removes the dead build's staging folder and swaps in the new site.
    run(&["build", "--root", site_s]);
    assert!(
        leftovers(&site).is_empty(),
        "left over: {:?}",
        leftovers(&site)
    );
    let after = files(&out);
    assert!(after != before);
    assert!(
        after
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("改名后的")),
        "the edit is published"
    );
}

#[test]
fn a_build_killed_between_the_renames_is_repaired_even_by_a_failing_build() {
    let site = common::fixture_site_with("title = \"t\"\n");
    let root = site.path();
    let out = root.join("public");
    run(&["build", "--root", root.to_str().unwrap()]);
    let before = files(&out);
    // What a build killed between "move the old site aside" and "move the new one in"
    // leaves behind (dead process ids).
    std::fs::rename(&out, root.join(".public.old-999999999")).unwrap();
    std::fs::create_dir_all(root.join(".public.new-999999998/demo")).unwrap();
    std::fs::write(root.join(".public.new-999999998/demo/index.html"), "half").unwrap();
    // The next build fails on bad content, yet the previous site is back.
    std::fs::write(root.join("content/bad.md"), "+++\ntitle = \n+++\n").unwrap();
    let status = jixiao()
        .args(["build", "--root", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert!(
        files(&out) == before,
        "the previous site is restored exactly"
    );
    assert!(leftovers(root).is_empty(), "{:?}", leftovers(root));
}
