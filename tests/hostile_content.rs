//! Hostile content through the whole pipeline: import → content → build → downloads.
//! Every payload must come out escaped, neutralised or refused with a clear message, and
//! the ordinary project beside it must come through whole.

mod common;

use common::files;
use jixiao::import::{ImportOptions, SourceInput, import};
use jixiao::site::{BuildOptions, build};
use std::collections::BTreeMap;
use std::path::Path;

/// One table of the tab-separated layout the bureaus export.
struct Table<'a> {
    dept: &'a str,
    name: &'a str,
    total: &'a str,
    goal: &'a str,
    indicators: Vec<(&'a str, &'a str, String, String)>,
}

impl Table<'_> {
    fn text(&self) -> String {
        let mut s = String::from("部门（单位）预算项目支出绩效目标表\n\n(2024年度)\n\n");
        s += &format!("项目名称\t{}\t\t\t\n", self.name);
        s += &format!("部门（单位）\t{}\t\t\t\n", self.dept);
        s += &format!("项目资金 （万元）\t年度资金总额\t\t{}\t\n", self.total);
        s += &format!("\t财政拨款\t\t{}\t\n", self.total);
        s += "\t其他资金\t\t\t\n";
        s += &format!("总体目标\t{}\t\t\t\n", self.goal);
        s += "绩效指标\t一级指标\t二级指标\t三级指标\t指标值（包含数字及文字描述）\n";
        for (l1, l2, l3, v) in &self.indicators {
            s += &format!("\t{l1}\t{l2}\t{l3}\t{v}\n");
        }
        s += "\n";
        s
    }
}

fn ordinary_indicators() -> Vec<(&'static str, &'static str, String, String)> {
    vec![
        ("产出指标", "数量指标", "培育企业".into(), "10户".into()),
        ("产出指标", "质量指标", "达标率".into(), "≥95%".into()),
        ("产出指标", "时效指标", "完成时间".into(), "2024年底".into()),
        ("成本指标", "经济成本指标", "奖励".into(), "15万元".into()),
        (
            "效益指标",
            "社会效益指标",
            "带动就业".into(),
            "≥50人".into(),
        ),
        (
            "满意度指标",
            "服务对象满意度指标",
            "企业满意度".into(),
            "≥90%".into(),
        ),
    ]
}

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const CLOSE_SCRIPT: &str = "</script><script>alert(2)</script>";

/// Everything hostile at once, beside one ordinary project that must survive intact.
fn hostile_document() -> String {
    let big = "超长单元格".repeat(100 * 1024 / 15); // about 100 KB of UTF-8
    let mut many = Vec::new();
    for i in 0..10_000 {
        many.push(("产出指标", "数量指标", format!("指标{i}"), format!("{i}个")));
    }
    let tables = [
        Table {
            dept: "正常局",
            name: "普通项目",
            total: "15",
            goal: "做好企业培育工作，预计培育10户规上企业。",
            indicators: ordinary_indicators(),
        },
        Table {
            dept: IMG,
            name: SCRIPT,
            total: "1.50",
            goal: CLOSE_SCRIPT,
            indicators: vec![
                (
                    "产出指标",
                    "数量指标",
                    "=HYPERLINK(\"http://x\",\"点\")".into(),
                    "+1".into(),
                ),
                ("产出指标", "质量指标", "-1+1".into(), "@SUM(A1)".into()),
                ("产出指标", "时效指标", "＝1+1".into(), "＋1".into()),
                ("效益指标", "社会效益指标", "－2".into(), "＠x".into()),
                (
                    "满意度指标",
                    "服务对象满意度指标",
                    "javascript:alert(1)".into(),
                    "≥90%".into(),
                ),
            ],
        },
        Table {
            dept: "../../etc",
            name: "/etc/passwd",
            total: "2",
            goal: "名字像路径",
            indicators: ordinary_indicators(),
        },
        Table {
            dept: "控制\u{7}字符\u{1b}[31m\u{202e}局",
            name: "右到左\u{202e}gnp.exe\u{200f}项目",
            total: "3",
            goal: "含\u{8}退格与\u{7f}删除符",
            indicators: ordinary_indicators(),
        },
        Table {
            dept: "正常局",
            name: "超长项目",
            total: "4",
            goal: &big,
            indicators: many,
        },
        Table {
            dept: "正常局",
            name: "重复项目",
            total: "5",
            goal: "第一个重名项目",
            indicators: ordinary_indicators(),
        },
        Table {
            dept: "正常局",
            name: "重复项目",
            total: "6",
            goal: "第二个重名项目",
            indicators: ordinary_indicators(),
        },
    ];
    tables.iter().map(Table::text).collect()
}

/// A site with the hostile book imported, plus a project note with hostile Markdown.
fn hostile_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "title = \"<b>站点</b>\"\nbase_url = \"/\"\n",
    )
    .unwrap();
    let i = import(
        &[SourceInput {
            name: "hostile.txt".into(),
            bytes: hostile_document().into_bytes(),
        }],
        &ImportOptions {
            book: "hostile".into(),
            title: Some("敌意<i>标题</i>".into()),
            ..Default::default()
        },
    )
    .expect("hostile document imports");
    assert!(
        i.report.accounting.balances(),
        "{}",
        i.report.accounting.line()
    );
    let content = dir.path().join("content");
    let book_dir = jixiao::content::write_book(&i.book, &i.report.to_markdown(), &content).unwrap();
    // A reviewer's note with script links and raw HTML.
    let ordinary = find_project(&book_dir, "普通项目");
    let mut text = std::fs::read_to_string(&ordinary).unwrap();
    text.push_str(
        "\n[点我](javascript:alert(1)) [也点](JaVaScRiPt:alert(1)) [空白]( java\tscript:alert(1))\n\
         ![图](javascript:alert(1)) <javascript:alert(1)> <a href=\"javascript:alert(1)\">a</a>\n\
         <script>alert(3)</script> <iframe src=\"https://evil.example\"></iframe>\n",
    );
    std::fs::write(&ordinary, text).unwrap();
    dir
}

fn find_project(book_dir: &Path, name: &str) -> std::path::PathBuf {
    walkdir::WalkDir::new(book_dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .find(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .contains(&format!("name = \"{name}\""))
        })
        .unwrap_or_else(|| panic!("no content file for {name}"))
}

fn built() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let site = hostile_site();
    let out = site.path().join("public");
    build(&BuildOptions {
        root: site.path().to_path_buf(),
        out: out.clone(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .expect("the hostile site builds");
    let all = files(&out);
    (site, all)
}

fn text_files(all: &BTreeMap<String, Vec<u8>>) -> Vec<(&String, String)> {
    all.iter()
        .filter(|(p, _)| {
            [".html", ".svg", ".xml", ".js", ".json", ".csv"]
                .iter()
                .any(|x| p.ends_with(x))
        })
        .map(|(p, b)| (p, String::from_utf8(b.clone()).expect("output is UTF-8")))
        .collect()
}

#[test]
fn markup_and_script_payloads_come_out_escaped() {
    let (_site, all) = built();
    let texts = text_files(&all);
    let mut escaped_seen = false;
    for (path, text) in &texts {
        let lower = text.to_ascii_lowercase();
        for bad in [
            "<script>alert",
            "<img src=x",
            "\"><img",
            "<iframe",
            "<i>标题",
            "<b>站点",
        ] {
            if path.ends_with(".csv") || path.ends_with(".json") {
                continue; // data files carry the text itself, checked below
            }
            assert!(!lower.contains(bad), "{path}: raw {bad}");
        }
        // Nothing that becomes a link or a source may run script, and no tag gains an
        // event handler: look inside every real tag (text `<` is escaped, so each `<` in
        // an HTML or SVG file opens a tag).
        if path.ends_with(".html") || path.ends_with(".svg") {
            for tag in tags(text) {
                let t = tag.to_ascii_lowercase();
                assert!(
                    !t.contains("javascript:"),
                    "{path}: script URL in <{tag:.300}>"
                );
                let handler = t
                    .split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '/')
                    .any(|w| w.starts_with("on") && w.contains('='));
                assert!(!handler, "{path}: event handler in <{tag:.300}>");
            }
        }
        // Data reaching JavaScript can never close the script element.
        if path.ends_with(".js") || path.ends_with(".json") && !path.contains("/data/") {
            assert!(
                !lower.contains("</script"),
                "{path}: </script in script data"
            );
        }
        if path.ends_with(".html") {
            for block in script_blocks(text) {
                assert!(!block.contains("</script"), "{path}: inline JSON closes");
                assert!(
                    !block.contains("alert("),
                    "{path}: payload inside a script: {block:.200}"
                );
            }
        }
        escaped_seen |= text.contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
    assert!(escaped_seen, "the hostile project name is shown, escaped");
}

/// The insides of the tags of an HTML or SVG text, script bodies skipped.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let Some(end) = after.find('>') else { break };
        let tag = &after[..end];
        out.push(tag);
        rest = &after[end + 1..];
        if tag.starts_with("script") {
            match rest.find("</script>") {
                Some(close) => rest = &rest[close..],
                None => break,
            }
        }
    }
    out
}

/// The bodies of inline `<script>` elements.
fn script_blocks(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<script") {
        let after = &rest[i..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        out.push(&body[..close]);
        rest = &body[close..];
    }
    out
}

#[test]
fn pages_carry_no_control_or_bidi_override_characters() {
    let (_site, all) = built();
    for (path, text) in text_files(&all) {
        if path.ends_with(".csv") || path.ends_with(".json") {
            continue;
        }
        let bad = text.chars().find(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        });
        assert!(bad.is_none(), "{path}: {:?}", bad);
    }
}

#[test]
fn csv_cells_never_start_a_formula_and_data_survives_round_trip() {
    let (site, all) = built();
    let mut neutralised = 0;
    for (path, bytes) in all.iter().filter(|(p, _)| p.ends_with(".csv")) {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                let Some(first) = cell.chars().next() else {
                    continue;
                };
                let formula = matches!(
                    first,
                    '=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠'
                );
                let number = rust_decimal::Decimal::from_str_exact(cell).is_ok();
                assert!(!formula || number, "{path}: cell {cell:?} starts a formula");
                neutralised += usize::from(cell.starts_with('\''));
            }
        }
    }
    assert!(
        neutralised >= 8,
        "the formula payloads are there, neutralised ({neutralised})"
    );
    // The downloads import back to exactly the content, payloads included.
    let content = jixiao::content::load_books(&site.path().join("content")).unwrap();
    let book = &content[0];
    let back = common::import_csv_downloads(&all, "hostile").book;
    common::assert_same_departments(&back.departments, &book.departments, "CSV round trip");
    let json = SourceInput {
        name: "hostile.json".into(),
        bytes: all["hostile/data/hostile.json"].clone(),
    };
    let opts = ImportOptions {
        book: "hostile".into(),
        ..Default::default()
    };
    let back = import(&[json], &opts).unwrap().book;
    common::assert_same_departments(&back.departments, &book.departments, "JSON round trip");
    assert!(back == *book, "JSON round trip: book metadata");
}

#[test]
fn names_never_become_paths_outside_the_output() {
    let (site, all) = built();
    let mut top: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(
        top,
        [".public.cache", "book.toml", "content", "public"],
        "nothing written beside the site but the build cache"
    );
    for path in all.keys() {
        assert!(
            path.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b)),
            "output path {path:?} is plain ASCII"
        );
        assert!(
            !path.split('/').any(|s| s == ".." || s.is_empty()),
            "{path}"
        );
    }
    // A book name that is a path is refused before anything is written.
    for bad in ["../x", "/etc", "a/b", "..", ""] {
        let e = import(
            &[SourceInput {
                name: "a.txt".into(),
                bytes: hostile_document().into_bytes(),
            }],
            &ImportOptions {
                book: bad.into(),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("not usable as a folder name"), "{e}");
    }
}

#[test]
fn every_project_survives_including_duplicates_and_giants() {
    let (site, all) = built();
    let books = jixiao::content::load_books(&site.path().join("content")).unwrap();
    let book = &books[0];
    let projects: Vec<_> = book.projects().collect();
    assert_eq!(projects.len(), 7, "all seven tables are projects");
    let by_name = |n: &str| -> Vec<&jixiao::model::Project> {
        projects
            .iter()
            .filter(|(_, p)| p.name == n)
            .map(|(_, p)| *p)
            .collect()
    };
    // The ordinary project is whole.
    let ordinary = by_name("普通项目");
    assert_eq!(ordinary.len(), 1);
    let p = ordinary[0];
    assert_eq!(p.funds.total.value.unwrap().to_string(), "15");
    assert_eq!(
        p.goal.as_deref().unwrap(),
        "做好企业培育工作，预计培育10户规上企业。"
    );
    let values: Vec<&str> = p.indicators.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(
        values,
        ["10户", "≥95%", "2024年底", "15万元", "≥50人", "≥90%"]
    );
    // Duplicates are two projects with their own pages and amounts.
    let dups = by_name("重复项目");
    assert_eq!(dups.len(), 2);
    assert_ne!(dups[0].slug, dups[1].slug);
    let goals: Vec<&str> = dups.iter().map(|p| p.goal.as_deref().unwrap()).collect();
    assert!(goals.contains(&"第一个重名项目") && goals.contains(&"第二个重名项目"));
    for d in &dups {
        let page = all
            .keys()
            .find(|k| k.ends_with(&format!("/{}.html", d.slug)) && k.starts_with("hostile/"))
            .unwrap_or_else(|| panic!("page of {}", d.slug));
        let html = String::from_utf8(all[page].clone()).unwrap();
        assert!(
            html.contains(d.goal.as_deref().unwrap()),
            "{page} shows its own goal"
        );
    }
    // The giant cell and the 10,000 indicators are all there.
    let giant = by_name("超长项目")[0];
    assert!(
        giant.goal.as_deref().unwrap().len() >= 100 * 1000,
        "100 KB goal kept"
    );
    assert_eq!(giant.indicators.len(), 10_000);
    assert_eq!(giant.indicators[9_999].value, "9999个");
    // Control characters are kept in content (nothing lost) but not on pages.
    assert!(by_name("/etc/passwd").len() == 1);
    let total: rust_decimal::Decimal = projects
        .iter()
        .filter_map(|(_, p)| p.funds.total.value)
        .sum();
    assert_eq!(total.to_string(), "36.50", "every amount kept");
}

#[test]
fn empty_and_binary_files_are_refused_with_the_file_name() {
    let opts = ImportOptions {
        book: "x".into(),
        ..Default::default()
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.txt", Vec::new()),
        ("blank.txt", b"\n\n   \n".to_vec()),
        ("image.png", {
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            b.extend((0..4000u32).map(|i| (i * 7919 % 251) as u8));
            b
        }),
        (
            "prose.txt",
            "这是一段没有表格的文字。\n第二行。\n".as_bytes().to_vec(),
        ),
        // One NUL in an otherwise good export: refused at its line, not half imported.
        (
            "nul.txt",
            hostile_document()
                .replacen("名字像路径", "名字\0像路径", 1)
                .into_bytes(),
        ),
    ];
    for (name, bytes) in cases {
        let e = import(
            &[SourceInput {
                name: name.into(),
                bytes,
            }],
            &opts,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with(name), "{name}: {e}");
        assert!(
            e.len() > name.len() + 40,
            "{name}: says what is wrong and what to do: {e}"
        );
        if name == "nul.txt" {
            assert!(e.starts_with("nul.txt:45:8: binary data"), "{e}");
            assert!(e.contains("名字�像路径"), "the line is quoted: {e}");
        }
    }
}

#[test]
fn broken_content_files_are_listed_together_with_what_to_do() {
    let site = common::fixture_site_with("title = \"t\"\n");
    let book = site.path().join("content/demo");
    let mut projects: Vec<_> = walkdir::WalkDir::new(&book)
        .min_depth(2)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file() && p.file_name().unwrap() != "_index.md")
        .collect();
    projects.sort();
    std::fs::write(&projects[0], "").unwrap();
    std::fs::write(&projects[1], b"\xff\xfe\0binary\0\x01").unwrap();
    std::fs::write(&projects[2], "+++\nname = \"x\"\nfunds = 12\n+++\n").unwrap();
    let e = jixiao::content::load_books(&site.path().join("content")).unwrap_err();
    let msg = e.to_string();
    assert_eq!(e.0.len(), 3, "{msg}");
    for (i, p) in projects[..3].iter().enumerate() {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        assert!(msg.contains(&format!("{}. ", i + 1)), "numbered: {msg}");
        assert!(msg.contains(&name), "names {name}: {msg}");
    }
    assert!(msg.contains("UTF-8"), "says the file is not text: {msg}");
    assert!(msg.contains("3 content error(s)"), "{msg}");
}

#[test]
fn a_base_url_that_would_run_script_is_refused() {
    let site = common::fixture_site_with("title = \"t\"\n");
    let out = site.path().join("public");
    for bad in [
        "javascript:alert(1)//",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "//evil.example/",
        "https://x.example/\"><script>",
        "",
    ] {
        let e = build(&BuildOptions {
            root: site.path().to_path_buf(),
            out: out.clone(),
            base_url: Some(bad.into()),
            progress: false,
            pdf: false,
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("is not a usable base URL"), "{bad}: {e}");
        assert!(!out.exists(), "{bad}: nothing written");
    }
    for good in ["https://budget.example.gov.cn/jixiao", "/preview/pr-7/"] {
        build(&BuildOptions {
            root: site.path().to_path_buf(),
            out: out.clone(),
            base_url: Some(good.into()),
            progress: false,
            pdf: false,
        })
        .unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

#[test]
fn content_names_that_would_overwrite_the_sites_own_pages_are_refused() {
    let site = common::fixture_site_with("title = \"t\"\n");
    let book = site.path().join("content/demo");
    let dept = std::fs::read_dir(&book)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    // A project file named like the department's own page, a department named like the
    // book's downloads folder.
    let project = std::fs::read_dir(&dept)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap() != "_index.md")
        .unwrap();
    std::fs::rename(&project, dept.join("index.md")).unwrap();
    std::fs::rename(&dept, book.join("data")).unwrap();
    let e = jixiao::content::load_books(&site.path().join("content")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("folder name \"data\" is not usable"), "{msg}");
    let out = site.path().join("public");
    assert!(
        build(&BuildOptions {
            root: site.path().to_path_buf(),
            out: out.clone(),
            base_url: None,
            progress: false,
            pdf: false,
        })
        .is_err()
    );
    std::fs::rename(book.join("data"), &dept).unwrap();
    let msg = jixiao::content::load_books(&site.path().join("content"))
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("file name \"index.md\" is not usable"),
        "{msg}"
    );
}

/// A symbolic link under content/ (to a file of secrets outside the site, or to a folder)
/// is refused with its place and what to do; its target is never read into pages or
/// errors.
#[test]
fn links_in_content_are_refused_not_followed() {
    let site = common::synth_site(6, 3, 6);
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("environ");
    std::fs::write(&secret, "API_TOKEN=hunter2-secret\n").unwrap();
    let book = std::fs::read_dir(site.path().join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let dept = std::fs::read_dir(&book)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let link = dept.join("stolen.md");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    std::os::unix::fs::symlink(outside.path(), book.join("elsewhere")).unwrap();

    let out = site.path().join("public");
    let err = build(&BuildOptions {
        root: site.path().to_path_buf(),
        out: out.clone(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .unwrap_err();
    let text = format!("{err:#}");
    assert!(!text.contains("hunter2"), "the link was followed: {text}");
    assert!(
        text.contains("stolen.md") && text.contains("symbolic link"),
        "{text}"
    );
    assert!(text.contains("elsewhere"), "{text}");
    assert!(text.contains("help:"), "{text}");
    assert!(!out.join("index.html").exists(), "nothing built");
}

/// Peak resident memory (MB) of `jixiao build` on a site, and its stderr.
#[allow(clippy::zombie_processes)] // waited for with wait4, which also gives the peak
fn build_peak_mb(site: &Path) -> (f64, String) {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["build", "--root"])
        .arg(site)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn jixiao");
    let pid = child.id() as libc::pid_t;
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.expect("stderr"), &mut stderr).ok();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet waited for; status and usage are valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "build failed: {stderr}"
    );
    (usage.ru_maxrss as f64 / 1024.0, stderr)
}

#[test]
fn a_ten_megabyte_table_in_notes_builds_in_bounded_memory() {
    let site = hostile_site();
    let ordinary = find_project(&site.path().join("content/hostile"), "普通项目");
    let mut text = std::fs::read_to_string(&ordinary).unwrap();
    text.push_str("\n\n| 序号 | 项目 | 金额（元） | 说明 |\n|---|---|---:|---|\n");
    let mut rows = 0;
    while text.len() < 10 << 20 {
        text.push_str(&format!(
            "| {rows} | 明细项目{rows} | {}.50 | 按**（标准）**支付 |\n",
            rows * 7
        ));
        rows += 1;
    }
    std::fs::write(&ordinary, &text).unwrap();
    let (peak, _) = build_peak_mb(site.path());
    // Measured 500 MB; about 1,130 MB before the CJK emphasis pass streamed (3.7 GB
    // earlier). Most of what is left is the parser's tree, once for the project page and
    // once for the printed report, which may be rendered at the same time.
    assert!(peak < 700.0, "peak {peak:.0} MB for a 10 MB table");
    // Nothing of the table is lost on the project page.
    let page = walkdir::WalkDir::new(site.path().join("public/hostile"))
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|h| h.contains("明细项目0<"))
        .expect("the project page shows the table");
    let last = rows - 1;
    assert!(
        page.contains(&format!("<td>明细项目{last}</td>")),
        "last row"
    );
    assert_eq!(page.matches("<strong>（标准）</strong>").count(), rows);
}
