//! Inputs the fuzzers (`fuzz/`, see README "Fuzzing") found bugs with, replayed through the
//! same properties on every `cargo test`: tests/fixtures/fuzz/<target>/<what it found>.

mod common;

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    // A target that has found nothing yet has no folder (git keeps no empty folders).
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn replay(target: &str, run: impl Fn(&[u8]) + std::panic::RefUnwindSafe) {
    let mut failed = Vec::new();
    for (name, bytes) in inputs(target) {
        if std::panic::catch_unwind(|| run(&bytes)).is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: these inputs fail again: {failed:?}"
    );
}

#[test]
fn amounts() {
    replay("amounts", |b| {
        if let Ok(t) = std::str::from_utf8(b) {
            jixiao::fuzzing::amount_text(t)
        }
    });
}

#[test]
fn import_bytes() {
    replay("import_bytes", jixiao::fuzzing::import_bytes);
}

#[test]
fn import_csv() {
    replay("import_csv", jixiao::fuzzing::import_csv_rows);
}

#[test]
fn content_text() {
    replay("content_text", |b| {
        if let Ok(t) = std::str::from_utf8(b) {
            jixiao::fuzzing::content_text(t)
        }
    });
}

/// The bundled seed documents and fixtures satisfy the import properties too (they are
/// the fuzzers' starting corpus).
#[test]
fn real_documents_satisfy_the_import_properties() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut docs: Vec<PathBuf> = ["tests/fixtures/mixed.txt", "tests/fixtures/site-source.txt"]
        .iter()
        .map(|p| root.join(p))
        .collect();
    let seeds = common::seeds_dir();
    docs.extend(
        std::fs::read_dir(&seeds)
            .unwrap_or_else(|e| panic!("{}: {e}", seeds.display()))
            .map(|e| e.unwrap().path()),
    );
    for d in docs {
        jixiao::fuzzing::import_bytes(&std::fs::read(&d).unwrap());
    }
}

#[test]
fn read_docx() {
    replay("read_docx", jixiao::fuzzing::read_docx::run);
}

#[test]
fn read_html() {
    replay("read_html", jixiao::fuzzing::read_html::run);
}

#[test]
fn read_pdf() {
    replay("read_pdf", jixiao::fuzzing::read_pdf::run);
}

#[test]
fn read_xlsx() {
    replay("read_xlsx", jixiao::fuzzing::read_xlsx::run);
}

/// The office documents and form fixtures (the readers' starting corpus) satisfy the
/// readers' properties, and import with the import properties.
#[test]
fn office_documents_satisfy_the_reader_properties() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let office = root.join("../shared/seeds-office");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&office)
        .unwrap_or_else(|e| panic!("{}: {e}", office.display()))
        .map(|e| e.unwrap().path())
        .collect();
    for dir in [
        "tests/fixtures/forms",
        "tests/fixtures/office",
        "tests/fixtures/pdf",
    ] {
        docs.extend(
            std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path()),
        );
    }
    docs.sort();
    let mut read = 0;
    for d in &docs {
        let bytes = std::fs::read(d).unwrap();
        let run: fn(&[u8]) = match d.extension().and_then(|e| e.to_str()) {
            Some("docx") => jixiao::fuzzing::read_docx::run,
            Some("html") => jixiao::fuzzing::read_html::run,
            Some("xlsx") => jixiao::fuzzing::read_xlsx::run,
            Some("pdf") => jixiao::fuzzing::read_pdf::run,
            _ => continue,
        };
        run(&bytes);
        jixiao::fuzzing::import_bytes(&bytes);
        read += 1;
    }
    assert!(read >= 25, "only {read} office documents found");
}
