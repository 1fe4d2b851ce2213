//! What a user sees when input is bad: every error with file:line:col, the offending
//! line, a caret and what to do; all content errors of a build listed together and
//! numbered; exit code 2 (README "Exit codes"). Snapshots of the whole output.

mod common;

use std::path::Path;
use std::process::Command;

/// Run the CLI in `dir`; (exit code, stderr with the temporary folder removed).
fn jixiao_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    (out.status.code().unwrap_or(-1), err)
}

fn project_files(site: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = walkdir::WalkDir::new(site.join("content/demo"))
        .min_depth(2)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file() && p.file_name().unwrap() != "_index.md")
        .collect();
    v.sort();
    v
}

#[test]
fn a_build_lists_every_content_error_numbered_with_its_place_and_remedy() {
    let site = common::fixture_site_with("title = \"示例\"\n");
    let root = site.path();
    let files = project_files(root);
    // An unclosed string after CJK text, an amount that is not a number, a binary file,
    // a file without front matter, and a site page with a wrong type.
    let text = std::fs::read_to_string(&files[0]).unwrap();
    let broken = text.replacen("name = \"", "name = \"未闭合的名称\nx = \"", 1);
    std::fs::write(&files[0], broken).unwrap();
    let text = std::fs::read_to_string(&files[1]).unwrap();
    let total_line = text.lines().find(|l| l.starts_with("total = ")).unwrap();
    std::fs::write(
        &files[1],
        text.replacen(total_line, "total = \"35.9816.49\"", 1),
    )
    .unwrap();
    std::fs::write(&files[2], b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe").unwrap();
    std::fs::write(&files[3], "项目名称：没有前言\n").unwrap();
    std::fs::write(root.join("content/about.md"), "+++\ntitle = 3\n+++\n正文\n").unwrap();

    let (code, err) = jixiao_in(root, &["build"]);
    assert_eq!(code, 2, "{err}");
    assert!(!root.join("public").exists(), "nothing was written");
    insta::assert_snapshot!("build_content_errors", err);

    // `check` reads the same content and reports the same errors.
    let (code, check_err) = jixiao_in(root, &["check"]);
    assert_eq!(code, 2);
    assert_eq!(check_err, err);
}

#[test]
fn book_toml_errors_point_at_the_setting() {
    let site = common::fixture_site_with(
        "title = \"示例\"\nbase_url = \"/\"\n[check]\ntolerance = 0.5\nboilerplate_min_projects = \"多\"\n",
    );
    let (code, err) = jixiao_in(site.path(), &["build"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("book_toml_error", err);
}

#[test]
fn import_errors_name_the_file_and_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(dir.path().join("prose.txt"), "只有文字，没有表格。\n").unwrap();
    // A tab-separated file of something else: what was read is quoted.
    std::fs::write(
        dir.path().join("people.tsv"),
        "姓名\t年龄\t城市\n张三\t30\t北京\n",
    )
    .unwrap();
    // A NUL in the middle of a text export, and a UTF-8 export broken by three bytes.
    std::fs::write(
        dir.path().join("nul.txt"),
        "部门（单位）预算项目支出绩效目标表\n项目名称\t测试\0\u{1}abc\n",
    )
    .unwrap();
    let mut broken = "部门（单位）预算项目支出绩效目标表\n项目名称\t测试"
        .as_bytes()
        .to_vec();
    broken.extend_from_slice(b"\xff\xfe\xfa\xe9\xa1\xb9\xe7\x9b\xae\n");
    std::fs::write(dir.path().join("broken.txt"), broken).unwrap();
    // jixiao's own projects.csv with a header a spreadsheet changed.
    std::fs::write(
        dir.path().join("projects.csv"),
        "book,department,project,总额\ndemo,某局,项目,12\n",
    )
    .unwrap();
    let mut out = String::new();
    for args in [
        &["import", "empty.txt", "--book", "x"][..],
        &["import", "prose.txt", "--book", "x"],
        &["import", "people.tsv", "--book", "x"],
        &["import", "nul.txt", "--book", "x"],
        &["import", "broken.txt", "--book", "x"],
        &["import", "projects.csv", "--book", "x"],
        &["import", "missing.txt", "--book", "x"],
        &["import", "prose.txt", "--book", "../x"],
    ] {
        let (code, err) = jixiao_in(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        out.push_str(&format!("$ jixiao {}\n{err}\n", args.join(" ")));
    }
    assert!(!dir.path().join("content").exists(), "nothing written");
    insta::assert_snapshot!("import_errors", out);
}

/// `import` writes into the site it runs in (the nearest book.toml at or above the current
/// folder, as git finds its repository), and outside any site it says so and writes
/// nothing instead of making a stray content/.
#[test]
fn import_finds_its_site_or_says_there_is_none() {
    let source = common::manifest().join("tests/fixtures/site-source.txt");
    let source = source.to_str().unwrap();
    let nowhere = tempfile::tempdir().unwrap();
    let (code, err) = jixiao_in(nowhere.path(), &["import", source, "--book", "x"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no book.toml") && err.contains("help:"),
        "{err}"
    );
    assert!(
        !nowhere.path().join("content").exists(),
        "a stray content/ was made"
    );

    let site = common::fixture_site_with("title = \"示例\"\n");
    let inside = site.path().join("content");
    let (code, err) = jixiao_in(&inside, &["import", source, "--book", "again"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        site.path().join("content/again/_index.md").is_file(),
        "{err}"
    );
    assert!(
        !inside.join("content").exists(),
        "written below the site's content/"
    );

    let (code, err) = jixiao_in(
        nowhere.path(),
        &[
            "import",
            source,
            "--book",
            "third",
            "--root",
            site.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(site.path().join("content/third/_index.md").is_file());
}

/// A disk that fills while `import` writes: the error names the content file that could
/// not be written and says what to do, and the book's previous content is as it was.
/// (The file-size limit stands in for a full disk: the write fails the same way.)
#[test]
fn import_on_a_full_disk_names_the_file_and_changes_nothing() {
    use std::os::unix::process::CommandExt;
    let site = common::fixture_site_with("title = \"示例\"\n");
    let source = common::manifest().join("tests/fixtures/site-source.txt");
    let before = common::files(&site.path().join("content"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    cmd.current_dir(site.path()).args([
        "import",
        source.to_str().unwrap(),
        "--book",
        "demo",
        "--title",
        "改过的标题",
    ]);
    // SAFETY: setrlimit and signal are async-signal-safe; nothing else runs before exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1500,
                rlim_max: 1500,
            };
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: ")
            && first.contains("content/demo/")
            && first.contains(".md: cannot write"),
        "{err}"
    );
    assert!(
        err.contains("= help: the disk is full") && err.contains("nothing was changed"),
        "{err}"
    );
    assert!(
        !err.contains(".new-"),
        "the staging folder is not what the user knows: {err}"
    );
    assert_eq!(
        common::files(&site.path().join("content")),
        before,
        "the book's content changed although the import failed"
    );
}

/// `build --pdf` without Chromium says so before building anything, names what it looked
/// for and how to install it, and leaves the previous site as it was.
#[test]
fn build_pdf_without_chromium_says_how_to_get_it_and_changes_nothing() {
    let site = common::fixture_site_with("title = \"示例\"\n");
    let root = site.path();
    let (code, err) = jixiao_in(root, &["build"]);
    assert_eq!(code, 0, "{err}");
    let before = common::files(&root.join("public"));

    let run = |envs: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jixiao"));
        cmd.current_dir(root).args(["build", "--pdf"]);
        cmd.env_remove("JIXIAO_CHROMIUM");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    // Nothing on PATH.
    let (code, err) = run(&[("PATH", "/nonexistent")]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!("build_pdf_without_chromium", err);
    // JIXIAO_CHROMIUM pointing at nothing.
    let (code, err) = run(&[("JIXIAO_CHROMIUM", "/nonexistent/chrome")]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("JIXIAO_CHROMIUM is /nonexistent/chrome, which is not an executable file"),
        "{err}"
    );
    assert_eq!(
        common::files(&root.join("public")),
        before,
        "the site is as it was"
    );
}
