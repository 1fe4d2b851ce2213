//! Same input, same bytes: builds on 1 and on many threads, from copies of the content
//! written in a shuffled order into other folders, are byte-identical.

mod common;

use common::files;
use jixiao::site::{BuildOptions, build};
use std::collections::BTreeMap;
use std::path::Path;

/// Copy a site (book.toml + content/) into `to`, creating files and folders in an order
/// shuffled by `seed`, so directory listing order differs from the original's.
fn shuffled_copy(from: &Path, to: &Path, seed: u64) {
    let mut entries: Vec<_> = walkdir::WalkDir::new(from)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let rel = e.path().strip_prefix(from).unwrap();
            rel == Path::new("book.toml") || rel.starts_with("content")
        })
        .map(|e| e.into_path())
        .collect();
    // Fisher–Yates with a small xorshift, so a failure reproduces.
    let mut x = seed | 1;
    for i in (1..entries.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        entries.swap(i, (x % (i as u64 + 1)) as usize);
    }
    for p in entries {
        let dest = to.join(p.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&p, &dest).unwrap();
    }
}

fn build_with_threads(root: &Path, out: &Path, threads: usize) -> BTreeMap<String, Vec<u8>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        build(&BuildOptions {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            base_url: None,
            progress: false,
            pdf: false,
        })
    })
    .unwrap();
    files(out)
}

fn first_difference(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> String {
    let names_a: Vec<_> = a.keys().collect();
    let names_b: Vec<_> = b.keys().collect();
    if names_a != names_b {
        return format!("file lists differ: {} vs {} files", a.len(), b.len());
    }
    for (k, v) in a {
        if b[k] != *v {
            let at = v.iter().zip(&b[k]).position(|(x, y)| x != y).unwrap_or(0);
            return format!("{k} differs at byte {at}");
        }
    }
    String::new()
}

#[test]
fn thread_count_folder_and_file_order_do_not_change_a_byte() {
    let manifest = common::manifest();
    let tmp = tempfile::tempdir().unwrap();
    let one = build_with_threads(&manifest, &tmp.path().join("one/public"), 1);
    assert!(one.len() > 500, "the bundled site: {} files", one.len());
    for (seed, threads, folder) in [(1u64, 8usize, "a"), (2, 3, "deeper/b/c")] {
        let root = tmp.path().join(folder);
        shuffled_copy(&manifest, &root, seed);
        let many = build_with_threads(&root, &root.join("public"), threads);
        assert!(
            one == many,
            "{threads} threads in {folder}: {}",
            first_difference(&one, &many)
        );
    }
}

#[test]
fn a_synthetic_site_is_the_same_on_one_and_many_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    jixiao::synth::write_site(
        &jixiao::synth::Options {
            projects: 1200,
            seed: 3,
            book_size: 400,
        },
        &site,
    )
    .unwrap();
    let one = build_with_threads(&site, &tmp.path().join("one"), 1);
    let copy = tmp.path().join("copy");
    shuffled_copy(&site, &copy, 9);
    let many = build_with_threads(&copy, &tmp.path().join("many"), 16);
    assert!(one == many, "{}", first_difference(&one, &many));
}
