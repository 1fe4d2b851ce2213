//! `jixiao check` end to end: what it finds in the bundled books, its three output
//! formats and its exit codes.

mod common;

use jixiao::check::{Finding, check_book};
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn jixiao(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A site with the small fixture book, and `book_toml` as its configuration.
fn fixture_site(book_toml: &str) -> tempfile::TempDir {
    common::fixture_site_with(book_toml)
}

fn bundled() -> Vec<(String, Vec<Finding>)> {
    let site = jixiao::site::load(&manifest()).unwrap();
    site.books
        .iter()
        .map(|b| {
            let f = check_book(b, &site.config.check);
            (b.slug.clone(), f.all().cloned().collect())
        })
        .collect()
}

fn of<'a>(all: &'a [(String, Vec<Finding>)], book: &str, rule: &str) -> Vec<&'a Finding> {
    all.iter()
        .find(|(b, _)| b == book)
        .map(|(_, f)| f.iter().filter(|f| f.rule == rule).collect())
        .unwrap_or_default()
}

#[test]
fn finds_what_reviewers_must_see_in_the_bundled_books() {
    let all = bundled();

    // 共计100万元 of cost against funds of 15 万元.
    let cost = of(&all, "fantai-2024", "cost.exceeds-funds");
    let siji = cost
        .iter()
        .find(|f| f.project == "四上企业培育项目")
        .expect("四上企业培育项目 is found");
    assert!(
        siji.message.contains("100.00") && siji.message.contains("15.00"),
        "{}",
        siji.message
    );
    assert_eq!(siji.file, "000_79b8ab552a28bf65.txt");

    // The department table whose 当年财政拨款 disagrees with its 收入预算合计.
    let overall = of(&all, "zhangye-jingkai-2024", "overall.inconsistent");
    assert_eq!(overall.len(), 1, "{overall:?}");
    assert!(overall[0].message.contains("12,253.00") && overall[0].message.contains("14,438.25"));
    assert!(overall[0].project.is_empty());

    // Projects with no department: 7 in 000. The 2 headless fragments of 002 are one
    // neutral finding each about the published file, not a list of omissions.
    assert_eq!(of(&all, "fantai-2024", "structure.no-department").len(), 7);
    assert_eq!(
        of(&all, "renhe-caizheng-2021", "structure.no-department").len(),
        0
    );
    let fragments = of(&all, "renhe-caizheng-2021", "structure.fragment");
    assert_eq!(fragments.len(), 2);
    for f in fragments {
        let on_it: Vec<_> = all
            .iter()
            .flat_map(|(_, fs)| fs)
            .filter(|g| g.project == f.project && g.book == f.book)
            .collect();
        assert_eq!(on_it.len(), 1, "{on_it:?}");
    }

    // Fund rows labelled twice (2025年结转资金 twice) in one department's tables.
    let twice = of(&all, "xiqu-2026", "funds.duplicate-row");
    assert_eq!(twice.len(), 6);
    assert!(twice.iter().all(|f| f.department == twice[0].department));
    assert!(twice.iter().all(|f| f.message.contains("2025年结转资金")));

    // The form without a goal field is reported once per book, not per project.
    assert_eq!(
        of(&all, "xiqu-2026", "structure.form-without-goal").len(),
        1
    );
    assert_eq!(of(&all, "xiqu-2026", "structure.no-goal").len(), 0);
}

#[test]
fn text_output_is_a_numbered_list_by_book_and_department() {
    let site = fixture_site("title = \"示例\"\n");
    let root = site.path().to_str().unwrap();
    let (code, out, _) = jixiao(&["check", "--root", root]);
    assert_eq!(code, 1, "the fixture has errors");
    insta::assert_snapshot!("check_text", out);
}

#[test]
fn json_output_has_the_fields_ci_tools_read() {
    let site = fixture_site("title = \"示例\"\n");
    let root = site.path().to_str().unwrap();
    let (code, out, _) = jixiao(&["check", "--root", root, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let list = v.as_array().unwrap();
    assert!(!list.is_empty());
    for f in list {
        for key in [
            "rule",
            "severity",
            "book",
            "department",
            "project",
            "message",
            "file",
        ] {
            assert!(f[key].is_string(), "{key} in {f}");
        }
        assert!(f["line"].as_u64().unwrap() > 0);
        // The content file it names exists: that is where an editor fixes it.
        let content = f["content"].as_str().unwrap();
        assert!(site.path().join(content).is_file(), "{content}");
    }
    assert!(list.iter().any(|f| f["rule"] == "cost.exceeds-funds"
        && f["project"] == "四上企业培育项目"
        && f["severity"] == "error"));
}

#[test]
fn github_annotations_point_at_content_files() {
    let site = fixture_site("title = \"示例\"\n");
    let root = site.path().to_str().unwrap();
    let (code, out, _) = jixiao(&[
        "check", "--root", root, "--format", "github", "--show", "warning",
    ]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(
            l.starts_with("::error file=content/demo/")
                || l.starts_with("::warning file=content/demo/"),
            "{l}"
        );
    }
    // An indicator's annotation lands on its block in the content file, not line 1.
    let restates = lines
        .iter()
        .find(|l| l.contains("values.restates-name"))
        .unwrap();
    let line: usize = restates
        .split("line=")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert!(line > 1, "{restates}");
    assert!(!out.contains("::notice"), "--show warning hides info");
}

#[test]
fn exit_codes_follow_the_failing_severity() {
    // Errors fail by default.
    let site = fixture_site("title = \"示例\"\n");
    let root = site.path().to_str().unwrap();
    assert_eq!(jixiao(&["check", "--root", root]).0, 1);

    // With the error rules switched off, warnings pass unless --strict.
    let site = fixture_site("title = \"示例\"\n[check]\ndisable = [\"funds.\", \"cost.\"]\n");
    let root = site.path().to_str().unwrap();
    assert_eq!(jixiao(&["check", "--root", root]).0, 0);
    assert_eq!(jixiao(&["check", "--root", root, "--strict"]).0, 1);

    // Severity overrides count too.
    let site = fixture_site(
        "title = \"示例\"\n[check]\ndisable = [\"funds.\", \"cost.\", \"structure.\", \"coverage.\", \"values.\"]\n[check.severity]\n\"satisfaction.hundred\" = \"error\"\n",
    );
    assert_eq!(
        jixiao(&["check", "--root", site.path().to_str().unwrap()]).0,
        1
    );
}

#[test]
fn unusable_input_exits_2_with_the_place_to_fix() {
    let (code, _, err) = jixiao(&["check", "--root", "/nonexistent/site"]);
    assert_eq!(code, 2);
    assert!(err.contains("book.toml"), "{err}");

    let site = fixture_site("title = \"示例\"\n[check]\ndisable = [\"values.emtpy\"]\n");
    let (code, _, err) = jixiao(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("book.toml") && err.contains("values.emtpy"),
        "{err}"
    );

    let site = fixture_site("title = \"示例\"\n");
    let p = site.path().join("content/demo/_index.md");
    std::fs::write(&p, "+++\ntitle = \n+++\n").unwrap();
    let (code, _, err) = jixiao(&["check", "--root", site.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("_index.md:2"), "{err}");
}

#[test]
fn an_empty_site_passes() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(jixiao(&["init", dir.path().to_str().unwrap()]).0, 0);
    let (code, out, _) = jixiao(&["check", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("0 book(s)"), "{out}");
    let _ = Path::new(".");
}

/// A name from content cannot drive the terminal or a CI log: ESC, BEL and newlines are
/// shown as escapes in `check`'s text output.
#[test]
fn text_output_escapes_control_characters_from_content() {
    let site = fixture_site("title = \"示例\"\n");
    let file = walkdir::WalkDir::new(site.path().join("content"))
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("name = \"驾驶员经费\"")))
        .expect("the fixture has the project");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen(
            "name = \"驾驶员经费\"",
            "name = \"驾驶员经费\\u001b[2J\\u0007\\n::error::pwned\\u202e\"",
            1,
        ),
    )
    .unwrap();
    let root = site.path().to_str().unwrap();
    let (_, out, err) = jixiao(&["check", "--root", root]);
    assert!(out.contains("驾驶员经费"), "{out}{err}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'));
    assert!(
        !out.lines().any(|l| l.trim_start().starts_with("::")),
        "a content name started a log line:\n{out}"
    );
    assert!(out.contains("\\u{1b}"), "the escape is visible");
}
