//! The default theme's forms, project and department pages are written by compiled code
//! (src/site/pages/compiled/), not by Tera. Each site here is built as it is, and again
//! with a theme that holds unchanged copies of the templates they are made of, which
//! makes Tera render them: the two outputs must be the same bytes, file for file. A
//! theme that changes one of those templates is obeyed.

mod common;

use jixiao::amount::Amount;
use jixiao::model::{Book, ExtraField, FundKind, FundRow};
use std::collections::BTreeMap;
use std::path::Path;

const FORM_HTML: &str = include_str!("../themes/default/templates/form.html");
const MACROS_HTML: &str = include_str!("../themes/default/templates/macros.html");
const BASE_HTML: &str = include_str!("../themes/default/templates/base.html");
const PROJECT_HTML: &str = include_str!("../themes/default/templates/project.html");
const DEPARTMENT_HTML: &str = include_str!("../themes/default/templates/department.html");

/// `site` with a theme named `tera` holding `templates` (name, text), built; its files.
fn built_with_theme(site: &Path, templates: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    let copy = tempfile::tempdir().unwrap();
    common::copy_dir(site, copy.path());
    std::fs::remove_dir_all(copy.path().join("public")).ok();
    let toml = std::fs::read_to_string(copy.path().join("book.toml")).unwrap();
    assert!(!toml.contains("theme"), "the site names a theme already");
    std::fs::write(
        copy.path().join("book.toml"),
        format!("theme = \"tera\"\n{toml}"),
    )
    .unwrap();
    let dir = copy.path().join("themes/tera/templates");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in templates {
        std::fs::write(dir.join(name), text).unwrap();
    }
    common::files(&common::build_site(copy.path()))
}

/// What a build made of the forms: (pages with a form, of them with findings on rows,
/// with a 行 column, with an indicator's further columns).
#[derive(Debug, Default)]
struct Seen {
    forms: usize,
    row_findings: usize,
    lines: usize,
    details: usize,
    /// Project pages with the box about their previous version, and with its line
    /// saying nothing changed.
    changed: usize,
    unchanged: usize,
    /// Pages with the draft banner.
    drafts: usize,
    /// Department pages: split into pages, with an overall target table, with other
    /// spellings of the name, with the line about the previous version, with projects
    /// dropped since then.
    paged: usize,
    overall: usize,
    aliases: usize,
    dept_changes: usize,
    dropped: usize,
}

/// Builds `site` both ways and requires the same bytes in every file.
fn same_both_ways(site: &Path) -> Seen {
    let compiled = common::files(&common::build_site(site));
    let tera = built_with_theme(
        site,
        &[
            ("form.html", FORM_HTML),
            ("macros.html", MACROS_HTML),
            ("base.html", BASE_HTML),
            ("project.html", PROJECT_HTML),
            ("department.html", DEPARTMENT_HTML),
        ],
    );
    assert_eq!(
        compiled.keys().collect::<Vec<_>>(),
        tera.keys().collect::<Vec<_>>(),
        "{}: the same files",
        site.display()
    );
    let mut seen = Seen::default();
    for (path, bytes) in &compiled {
        let other = &tera[path];
        if bytes != other {
            let (a, b): (Vec<char>, Vec<char>) = (
                String::from_utf8_lossy(bytes).chars().collect(),
                String::from_utf8_lossy(other).chars().collect(),
            );
            let at = (0..a.len().min(b.len()))
                .find(|&i| a[i] != b[i])
                .unwrap_or(a.len().min(b.len()));
            let around = |s: &[char]| -> String {
                s[at.saturating_sub(150).min(s.len())..(at + 150).min(s.len())]
                    .iter()
                    .collect()
            };
            panic!(
                "{}: {path} differs at character {at}\ncompiled: {}\ntera:     {}",
                site.display(),
                around(&a),
                around(&b)
            );
        }
        let page = String::from_utf8_lossy(bytes);
        if path.ends_with(".html") && !path.ends_with("print.html") {
            if page.contains("<table class=\"form-table head\">") {
                seen.forms += 1;
            }
            seen.row_findings += usize::from(page.contains("class=\"row-finding"));
            seen.lines += usize::from(page.contains("<td class=\"num line\">"));
            seen.details += usize::from(page.contains("<small class=\"detail\">"));
            seen.changed +=
                usize::from(page.contains("<section id=\"changes\" class=\"change-box\">"));
            seen.unchanged += usize::from(page.contains("<p class=\"hint change-line\">"));
            seen.drafts += usize::from(page.contains("<div class=\"draft-banner\""));
            seen.paged += usize::from(page.contains("<nav class=\"pages\""));
            seen.overall += usize::from(page.contains("<section id=\"overall\""));
            seen.aliases += usize::from(page.contains("<p class=\"aliases\">"));
            seen.dept_changes += usize::from(page.contains("<p class=\"change-line\">"));
            seen.dropped += usize::from(page.contains("上一版有、本版删除的项目"));
        }
    }
    seen
}

/// The bundled site: four real documents' text exports, findings on rows.
#[test]
fn the_bundled_site_is_the_same_compiled_and_in_tera() {
    let site = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::manifest().join("content"),
        &site.path().join("content"),
    );
    std::fs::copy(
        common::manifest().join("book.toml"),
        site.path().join("book.toml"),
    )
    .unwrap();
    let seen = same_both_ways(site.path());
    assert!(seen.forms > 550, "{seen:?}");
    assert!(seen.row_findings > 100, "{seen:?}");
    assert!(seen.lines > 550, "{seen:?}");
    assert!(seen.drafts > 100, "{seen:?}");
    assert!(
        seen.paged >= 1 && seen.overall >= 1 && seen.aliases >= 1,
        "{seen:?}"
    );
}

/// Books that name their previous version: project pages with the box of changes (funds,
/// goal, targets weaker and stronger) and with the line saying nothing changed.
#[test]
fn changes_from_a_previous_version_are_the_same_compiled_and_in_tera() {
    let site = common::previous_versions_site();
    let seen = same_both_ways(site.path());
    assert!(seen.changed >= 10, "{seen:?}");
    assert!(seen.unchanged >= 10, "{seen:?}");
    assert!(seen.dept_changes >= 5 && seen.dropped >= 1, "{seen:?}");
    let out = common::files(&site.path().join("public"));
    let all: String = out
        .values()
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect();
    for shown in [
        "<span class=\"mark weaker\">要求降低</span>",
        "<span class=\"mark stronger\">要求提高</span>",
        "<strong>总体目标有改动。</strong>",
        "<table class=\"data compact\"><caption>资金（",
    ] {
        assert!(all.contains(shown), "some page shows {shown}");
    }
}

/// Books read from Word and Excel: their row numbers are hidden, further columns shown.
#[test]
fn forms_read_from_office_files_are_the_same_compiled_and_in_tera() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("book.toml"), "title = \"t\"\n").unwrap();
    for (book, file) in [
        ("word", "001_8c2fdb8da56f5970.docx"),
        ("excel", "004_f80041b00704fd1b.xlsx"),
    ] {
        let path = common::manifest().join("../shared/seeds-office").join(file);
        assert!(path.is_file(), "{} is missing", path.display());
        let imported = jixiao::import::import(
            &[jixiao::import::SourceInput {
                name: file.into(),
                bytes: std::fs::read(&path).unwrap(),
            }],
            &jixiao::import::ImportOptions {
                book: book.into(),
                ..Default::default()
            },
        )
        .unwrap();
        jixiao::content::write_book(
            &imported.book,
            &imported.report.to_markdown(),
            &site.path().join("content"),
        )
        .unwrap();
    }
    let seen = same_both_ways(site.path());
    assert!(seen.forms > 100, "{seen:?}");
    assert!(seen.row_findings > 50, "{seen:?}");
    assert_eq!(
        seen.lines, 0,
        "office forms hide their row numbers: {seen:?}"
    );
}

const HOSTILE: &str = "<script>alert('x')</script> & \"引号\" \u{202e}gnp.exe \u{2066}";

/// Every field a form can show, empty and full, with text that must be escaped.
fn every_field(books: &mut [Book]) {
    books[0].year = None;
    let d = &mut books[0].departments[0];
    let p = &mut d.projects[0];
    p.name = format!("项目{HOSTILE}");
    p.department = format!("{}（表中写法）{HOSTILE}", d.name);
    p.implementing_unit = HOSTILE.into();
    p.long_goal = HOSTILE.into();
    p.goal = Some(String::new());
    p.extra = vec![ExtraField {
        label: HOSTILE.into(),
        value: HOSTILE.into(),
    }];
    p.funds.total = Amount::parse("1,000.5万元");
    p.funds.other = Amount::parse(HOSTILE);
    p.funds.extra.push(FundRow {
        label: HOSTILE.into(),
        kind: FundKind::Total,
        amount: Amount::parse("3"),
        line: 0,
    });
    let i = &mut p.indicators[0];
    i.name = HOSTILE.into();
    i.value = String::new();
    i.weight = "10".into();
    i.standard = HOSTILE.into();
    i.note = "备注".into();
    i.extra = vec![ExtraField {
        label: "长期指标值".into(),
        value: HOSTILE.into(),
    }];
    p.indicators[1].level1.clear();
    p.indicators[1].level2.clear();
    d.projects[1].indicators.clear();
    d.projects[1].goal = Some(HOSTILE.into());
}

/// A synthetic site with every field of the form set somewhere, and hostile text in it.
#[test]
fn every_field_and_hostile_text_is_the_same_compiled_and_in_tera() {
    let mut books = jixiao::synth::books(&jixiao::synth::Options {
        projects: 300,
        seed: 16,
        book_size: 150,
    });
    every_field(&mut books);
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("book.toml"), "title = \"合成\"\n").unwrap();
    for b in &books {
        jixiao::content::write_book(b, "", &site.path().join("content")).unwrap();
    }
    let seen = same_both_ways(site.path());
    assert_eq!(seen.forms, 300, "{seen:?}");
    assert!(seen.details >= 1, "{seen:?}");
    let built = common::files(&site.path().join("public"));
    let first = &books[0].departments[0];
    let page = String::from_utf8_lossy(
        &built[&format!(
            "{}/{}/{}.html",
            books[0].slug, first.slug, first.projects[0].slug
        )],
    )
    .into_owned();
    for shown in [
        "<th scope=\"row\">实施单位</th>",
        "<th scope=\"row\">中长期目标</th>",
        "表中写作：",
        "<span class=\"blank\">（空）</span>",
        "<small class=\"raw\">原文：1,000.5万元</small>",
        "<small>（表中重复的行）</small>",
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;引号&quot;",
    ] {
        assert!(
            page.contains(shown),
            "the first project's page shows {shown}"
        );
    }
    assert!(!page.contains("<script>alert"), "hostile text escaped");
    assert!(!page.contains('\u{202e}'), "bidi overrides dropped");
}

/// A theme's own `form.html`, `macros.html` (whose `tree` the form calls), `base.html`
/// or `project.html` is what the project pages show: the compiled forms are the default
/// theme's only.
#[test]
fn a_theme_that_changes_the_form_or_the_project_page_is_obeyed() {
    let site = common::synth_site(40, 3, 40);
    let form = FORM_HTML.replace("<caption>部门（单位）", "<caption>本主题·部门（单位）");
    let macros = MACROS_HTML.replace(
        "<table class=\"form-tree\">",
        "<table class=\"form-tree mine\">",
    );
    let base = BASE_HTML.replace(
        "<footer class=\"site-footer\">",
        "<footer class=\"site-footer mine\">",
    );
    let project = PROJECT_HTML.replace("<h2>检查发现</h2>", "<h2>本主题·检查发现</h2>");
    for (name, text, mark) in [
        ("form.html", form.as_str(), "<caption>本主题·部门（单位）"),
        (
            "macros.html",
            macros.as_str(),
            "<table class=\"form-tree mine\">",
        ),
        (
            "base.html",
            base.as_str(),
            "<footer class=\"site-footer mine\">",
        ),
        ("project.html", project.as_str(), "<h2>本主题·检查发现</h2>"),
    ] {
        assert!(text.contains(mark), "{name} is changed");
        let built = built_with_theme(site.path(), &[(name, text)]);
        let pages: Vec<&String> = built
            .iter()
            .filter(|(k, v)| {
                !k.ends_with("print.html")
                    && String::from_utf8_lossy(v).contains("<table class=\"form-table head\">")
            })
            .map(|(k, _)| k)
            .collect();
        assert!(
            pages.len() >= 40,
            "{name}: {} pages with a form",
            pages.len()
        );
        for path in pages {
            assert!(
                String::from_utf8_lossy(&built[path]).contains(mark),
                "{name}: {path} shows the theme's template"
            );
        }
    }
}
