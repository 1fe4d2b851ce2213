//! A build in a fresh process after a change renders only what the change affects (the
//! build cache beside the output), and its output is byte for byte what a clean build of
//! the same inputs gives: after each kind of change, and after a build killed mid-way.

mod common;

use common::files;
use jixiao::site::{BuildOptions, BuildStats, build};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

fn opts(root: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        base_url: None,
        progress: false,
        pdf: false,
    }
}

/// Every file's time an hour back, so the build cache trusts the books a test does not
/// touch (files changed within two seconds of the last build are always read again).
fn age(dir: &Path) {
    let then = SystemTime::now() - Duration::from_secs(3600);
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if e.file_type().is_file() {
            let f = std::fs::File::options()
                .append(true)
                .open(e.path())
                .unwrap();
            f.set_modified(then).unwrap();
        }
    }
}

/// Three books of 200 projects.
fn site() -> tempfile::TempDir {
    let site = common::synth_site(600, 11, 200);
    age(site.path());
    site
}

fn books(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn projects(book: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(book)
        .min_depth(2)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md") && p.file_name().unwrap() != "_index.md"
        })
        .collect();
    v.sort();
    v
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let edited = text.replacen(from, to, 1);
    assert_ne!(text, edited, "{} has no {from:?}", path.display());
    std::fs::write(path, edited).unwrap();
}

/// Build incrementally into `public/`, then cleanly (no cache) into a fresh folder, and
/// require the two trees to be the same files with the same bytes.
fn rebuild_matches_clean(root: &Path, what: &str) -> BuildStats {
    let stats = build(&opts(root, &root.join("public"))).unwrap();
    assert!(stats.rebuilt.is_some(), "{what}: the cache was used");
    let clean_out = root.join(format!("clean-{}", what.replace(' ', "-")));
    build(&opts(root, &clean_out)).unwrap();
    let (inc, clean) = (files(&root.join("public")), files(&clean_out));
    let only_inc: Vec<&String> = inc.keys().filter(|k| !clean.contains_key(*k)).collect();
    let only_clean: Vec<&String> = clean.keys().filter(|k| !inc.contains_key(*k)).collect();
    assert!(
        only_inc.is_empty() && only_clean.is_empty(),
        "{what}: files only in the incremental build {only_inc:?}, only in the clean one {only_clean:?}"
    );
    let differ: Vec<&String> = inc.keys().filter(|k| inc[*k] != clean[*k]).collect();
    assert!(differ.is_empty(), "{what}: bytes differ in {differ:?}");
    // No empty folders left behind either.
    for e in walkdir::WalkDir::new(root.join("public")) {
        let e = e.unwrap();
        if e.file_type().is_dir() {
            assert!(
                std::fs::read_dir(e.path()).unwrap().next().is_some(),
                "{what}: empty folder {}",
                e.path().display()
            );
        }
    }
    std::fs::remove_dir_all(&clean_out).unwrap();
    age(&root.join("content"));
    stats
}

#[test]
fn every_kind_of_change_rebuilds_to_the_clean_result() {
    let site = site();
    let root = site.path();
    let out = root.join("public");
    let first = build(&opts(root, &out)).unwrap();
    assert!(first.rebuilt.is_none(), "the first build is a full one");
    let books = books(root);
    assert_eq!(books.len(), 3);

    // No change: nothing rendered, nothing written, the site untouched.
    let before = files(&out);
    let s = build(&opts(root, &out)).unwrap();
    let r = s.rebuilt.clone().unwrap();
    assert_eq!(
        (r.books, r.written, r.removed, s.pages),
        (0, 0, 0, 0),
        "{r:?}"
    );
    assert!(files(&out) == before);

    // One indicator value of one project: that book alone, and the search shards of
    // the tokens it gained and lost.
    let p = projects(&books[1])[7].clone();
    edit(&p, "value = \"", "value = \"提高到九十八 ");
    let s = rebuild_matches_clean(root, "an indicator value");
    let r = s.rebuilt.unwrap();
    assert_eq!((r.books, r.of), (1, 3), "only the edited book is rendered");
    assert!(
        r.written < 40,
        "only changed files are written: {}",
        r.written
    );

    // Funds of a project (the book's totals, the home page's card).
    edit(&p, "total = \"", "total = \"1");
    rebuild_matches_clean(root, "funds");

    // A project deleted: its page goes, and every later search id moves.
    let gone = projects(&books[0])[3].clone();
    std::fs::remove_file(&gone).unwrap();
    let s = rebuild_matches_clean(root, "a deleted project");
    assert!(s.rebuilt.unwrap().removed >= 1);

    // A department renamed: a new folder and name, the old pages gone.
    let dept = std::fs::read_dir(&books[2])
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .min()
        .unwrap();
    let renamed = dept.with_file_name("renamed-dept");
    std::fs::rename(&dept, &renamed).unwrap();
    edit(&renamed.join("_index.md"), "name = \"", "name = \"新");
    rebuild_matches_clean(root, "a renamed department");

    // book.toml: the frame of every page.
    edit(&root.join("book.toml"), "title = \"", "title = \"新版");
    let s = rebuild_matches_clean(root, "book.toml");
    assert_eq!(s.rebuilt.unwrap().books, 3, "every book renders again");

    // A theme: chosen, then one of its templates edited.
    let t = root.join("themes/mine/templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("page.html"),
        "{% extends \"jixiao/page.html\" %}{% block main %}<p>主题一</p>{% endblock %}",
    )
    .unwrap();
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(root.join("book.toml"), format!("theme = \"mine\"\n{toml}")).unwrap();
    std::fs::write(
        root.join("content/about.md"),
        "+++\ntitle = \"关于\"\n+++\n说明。\n",
    )
    .unwrap();
    rebuild_matches_clean(root, "a theme chosen");
    edit(&t.join("page.html"), "主题一", "主题二");
    rebuild_matches_clean(root, "a theme template");

    // A book compared with another (its 变化 page), then the other one edited: both
    // render again, and only they.
    let slug = |b: &Path| b.file_name().unwrap().to_string_lossy().to_string();
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(
        root.join("book.toml"),
        format!(
            "{toml}\n[books.{}]\nprevious = \"{}\"\n",
            slug(&books[2]),
            slug(&books[0])
        ),
    )
    .unwrap();
    rebuild_matches_clean(root, "a previous version named");
    assert!(
        root.join("public")
            .join(slug(&books[2]))
            .join("changes.html")
            .is_file()
    );
    // (Aging the files changed their times: one build records them again.)
    build(&opts(root, &root.join("public"))).unwrap();
    edit(&projects(&books[0])[5], "total = \"", "total = \"2");
    let s = rebuild_matches_clean(root, "the previous version edited");
    assert_eq!(
        s.rebuilt.unwrap().books,
        2,
        "the edited book and the one compared with it"
    );

    // A whole book removed.
    std::fs::remove_dir_all(&books[1]).unwrap();
    rebuild_matches_clean(root, "a deleted book");
}

fn jixiao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
}

#[test]
fn a_killed_incremental_build_leaves_the_old_site_and_the_next_gives_the_clean_one() {
    let site = site();
    let root = site.path();
    let out = root.join("public");
    build(&opts(root, &out)).unwrap();
    let before = files(&out);

    // Killed while it stages: the site is exactly as it was.
    edit(&root.join("book.toml"), "title = \"", "title = \"新版");
    let mut child = jixiao()
        .args(["build", "--root"])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stage = root.join(".public.cache/stage/out");
    let started = Instant::now();
    while walkdir::WalkDir::new(&stage)
        .into_iter()
        .filter_map(|e| e.ok())
        .count()
        < 100
    {
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be killed"
        );
        assert!(started.elapsed() < Duration::from_secs(60), "never staged");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!root.join(".public.cache/journal").exists());
    assert!(
        files(&out) == before,
        "killed before its commit: the old site, exactly"
    );

    // Killed right after its commit point: the next run finishes the change first.
    let status = jixiao()
        .args(["build", "--root"])
        .arg(root)
        .env("JIXIAO_CRASH_AFTER_JOURNAL", "1")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success());
    assert!(root.join(".public.cache/journal").exists());
    assert!(
        files(&out) == before,
        "the change is committed but not yet carried out"
    );
    rebuild_matches_clean(root, "after a crash");
    assert!(!root.join(".public.cache/journal").exists());
    assert!(!root.join(".public.cache/stage").exists());
}

#[test]
fn a_failed_incremental_build_changes_nothing() {
    let site = site();
    let root = site.path();
    let out = root.join("public");
    build(&opts(root, &out)).unwrap();
    let before = files(&out);
    let p = projects(&books(root)[0])[0].clone();
    std::fs::write(&p, "+++\nname = \n+++\n").unwrap();
    let err = build(&opts(root, &out)).unwrap_err();
    assert!(format!("{err:#}").contains(&p.file_name().unwrap().to_string_lossy().to_string()));
    assert!(files(&out) == before);
    // Mended: the build goes on from the same cache.
    std::fs::remove_file(&p).unwrap();
    rebuild_matches_clean(root, "mended");
}
