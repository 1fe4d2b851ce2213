//! Helpers shared by the integration tests.
#![allow(dead_code)]

use jixiao::import::{ImportOptions, SourceInput, import};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, by path relative to it.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A site folder with `book_toml` and one book imported from tests/fixtures/site-source.txt.
pub fn fixture_site_with(book_toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), book_toml).unwrap();
    let bytes = std::fs::read(manifest().join("tests/fixtures/site-source.txt")).unwrap();
    let opts = ImportOptions {
        book: "demo".into(),
        title: Some("示例区2024年项目支出绩效目标表".into()),
        ..Default::default()
    };
    let i = import(
        &[SourceInput {
            name: "site-source.txt".into(),
            bytes,
        }],
        &opts,
    )
    .unwrap();
    jixiao::content::write_book(
        &i.book,
        &i.report.to_markdown(),
        &dir.path().join("content"),
    )
    .unwrap();
    dir
}

/// Build the site folder `root` into `root/public`, as `jixiao build` does with no
/// options; returns the output folder.
pub fn build_site(root: &Path) -> PathBuf {
    let out = root.join("public");
    jixiao::site::build(&jixiao::site::BuildOptions {
        root: root.to_path_buf(),
        out: out.clone(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .unwrap_or_else(|e| panic!("{} does not build: {e:#}", root.display()));
    out
}

/// Debug text cut to `max` characters, so a failing comparison of a 100 KB field stays readable.
pub fn short<T: std::fmt::Debug>(v: &T, max: usize) -> String {
    let s = format!("{v:?}");
    if s.chars().count() <= max {
        s
    } else {
        format!(
            "{}… ({} chars)",
            s.chars().take(max).collect::<String>(),
            s.chars().count()
        )
    }
}

/// Departments equal, or a panic naming the first department, project and field that differ.
pub fn assert_same_departments(
    got: &[jixiao::model::Department],
    want: &[jixiao::model::Department],
    what: &str,
) {
    assert_eq!(got.len(), want.len(), "{what}: number of departments");
    for (a, b) in got.iter().zip(want) {
        assert_eq!(
            a.without_projects(),
            b.without_projects(),
            "{what}: department {}",
            b.name
        );
        assert_eq!(
            a.projects.len(),
            b.projects.len(),
            "{what}: projects of {}",
            b.name
        );
        for (p, q) in a.projects.iter().zip(&b.projects) {
            let (pv, qv) = (
                serde_json::to_value(p).unwrap(),
                serde_json::to_value(q).unwrap(),
            );
            for (k, v) in qv.as_object().unwrap() {
                assert!(
                    pv.get(k) == Some(v),
                    "{what}: {} / {}: field {k}: got {} want {}",
                    b.name,
                    q.name,
                    short(&pv.get(k), 300),
                    short(v, 300)
                );
            }
            assert!(
                p == q,
                "{what}: {} / {} differs (slug or notes: {:?} vs {:?})",
                b.name,
                q.name,
                short(&p.notes, 200),
                short(&q.notes, 200)
            );
        }
    }
}

/// The CSV downloads (with datapackage.json) of `book` in a built site's files, imported
/// back as that book.
pub fn import_csv_downloads(
    site: &BTreeMap<String, Vec<u8>>,
    book: &str,
) -> jixiao::import::Imported {
    let read = |n: &str| SourceInput {
        name: n.into(),
        bytes: site[&format!("{book}/data/{n}")].clone(),
    };
    import(
        &[
            read("projects.csv"),
            read("indicators.csv"),
            read("departments.csv"),
            read("datapackage.json"),
        ],
        &ImportOptions {
            book: book.into(),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{book}: CSV downloads import back: {e}"))
}

/// A project's six fund rows as `total,fiscal,…`: exact values, or the text as written
/// where a row does not read as an amount (for comparing two imports).
pub fn funds_text(f: &jixiao::model::Funds) -> String {
    [
        &f.total,
        &f.fiscal,
        &f.fiscal_upper,
        &f.fiscal_own,
        &f.carry_over,
        &f.other,
    ]
    .iter()
    .map(|a| {
        a.value
            .map(|v| v.normalize().to_string())
            .unwrap_or_else(|| a.raw.clone())
    })
    .collect::<Vec<_>>()
    .join(",")
}

/// `../shared/seeds`, the real text exports. The tests that read them fail when it is
/// missing rather than pass having tested nothing (CI always has it beside the project).
#[allow(dead_code)]
pub fn seeds_dir() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    assert!(
        dir.is_dir(),
        "{} is missing: these tests read the source documents there. Put the shared folder \
         beside the project (CI has it), or run the other tests by name.",
        dir.display()
    );
    dir
}

/// A synthetic site (`jixiao generate`) in a fresh temporary folder.
#[allow(dead_code)]
pub fn synth_site(projects: usize, seed: u64, book_size: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    jixiao::synth::write_site(
        &jixiao::synth::Options {
            projects,
            seed,
            book_size,
        },
        dir.path(),
    )
    .unwrap();
    dir
}

/// Copy a folder tree (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// book.toml of [`previous_versions_site`].
pub const PREVIOUS_VERSIONS_TOML: &str = "title = \"预算绩效目标公开\"\n\n[books.xiqu-r2]\nprevious = \"xiqu-r1\"\n\n[books.fantai-2025]\nprevious = \"fantai-2024\"\n";

/// A site of the two fixture pairs of tests/fixtures/diff, each newer book naming the
/// older one as its previous version.
pub fn previous_versions_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = manifest().join("tests/fixtures/diff");
    for (from, to) in [
        ("draft-r1", "xiqu-r1"),
        ("draft-r2", "xiqu-r2"),
        ("year-2024", "fantai-2024"),
        ("year-2025", "fantai-2025"),
    ] {
        assert!(
            fixtures.join(from).join("_index.md").is_file(),
            "fixture {from} is missing"
        );
        copy_dir(&fixtures.join(from), &dir.path().join("content").join(to));
    }
    std::fs::write(dir.path().join("book.toml"), PREVIOUS_VERSIONS_TOML).unwrap();
    dir
}
