//! The site: golden `<main>` regions of a small fixture site, determinism, links and
//! anchors, downloads that re-import, atomic failure, and a headless Chromium run.

mod common;

use jixiao::import::{ImportOptions, SourceInput, import};
use jixiao::site::{BuildOptions, build};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A site folder with one book imported from tests/fixtures/site-source.txt.
fn fixture_site() -> tempfile::TempDir {
    let dir = common::fixture_site_with(
        "title = \"预算绩效目标公开（示例）\"\ndescription = \"示例站点\"\nbase_url = \"https://example.org/budget/\"\n",
    );
    std::fs::write(
        dir.path().join("content/about.md"),
        "+++\ntitle = \"关于本站\"\n+++\n\n本站**（示例）**公开预算绩效目标。\n",
    )
    .unwrap();
    dir
}

fn build_into(site: &Path, out: &Path) -> jixiao::site::BuildStats {
    build(&BuildOptions {
        root: site.to_path_buf(),
        out: out.to_path_buf(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .expect("build")
}

use common::files;

fn main_region(html: &str) -> String {
    let start = html.find("<main").expect("<main>");
    let end = html.find("</main>").expect("</main>") + "</main>".len();
    // Charts are checked on their own; keep the golden text readable.
    let mut out = String::new();
    let mut rest = &html[start..end];
    while let Some(s) = rest.find("<svg") {
        out.push_str(&rest[..s]);
        let e = rest[s..]
            .find("</svg>")
            .map(|e| s + e + 6)
            .unwrap_or(rest.len());
        out.push_str("<svg …/>");
        rest = &rest[e..];
    }
    out.push_str(rest);
    out
}

fn page(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn first_project(out: &Path) -> String {
    let book = page(out, "demo/index.html");
    let dept = book
        .split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .find(|h| h.ends_with("/index.html") && !h.starts_with("..") && !h.starts_with("http"))
        .unwrap()
        .to_string();
    let d = page(out, &format!("demo/{dept}"));
    let dir = dept.trim_end_matches("index.html");
    let p = d
        .split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .find(|h| h.ends_with(".html") && !h.contains('/') && *h != "index.html")
        .unwrap();
    format!("demo/{dir}{p}")
}

#[test]
fn golden_main_regions() {
    let site = fixture_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    insta::assert_snapshot!("index_main", main_region(&page(&out, "index.html")));
    insta::assert_snapshot!("book_main", main_region(&page(&out, "demo/index.html")));
    let proj = first_project(&out);
    let dept = format!("{}index.html", &proj[..proj.rfind('/').unwrap() + 1]);
    insta::assert_snapshot!("department_main", main_region(&page(&out, &dept)));
    insta::assert_snapshot!("project_main", main_region(&page(&out, &proj)));
    insta::assert_snapshot!("about_main", main_region(&page(&out, "about.html")));
}

/// The form of a page: its head table and its indicator tree (or the note that it has
/// none).
fn form_of(html: &str) -> &str {
    let start = html
        .find("<table class=\"form-table head\">")
        .expect("a form");
    let rest = &html[start..];
    let head = rest.find("</table>").expect("the head table's end") + "</table>".len();
    let after = &rest[head..];
    let end = if after
        .trim_start()
        .starts_with("<table class=\"form-tree\">")
    {
        after.find("</table>").expect("the tree's end") + "</table>".len()
    } else {
        after.find("</p>").expect("the note's end") + "</p>".len()
    };
    &rest[..head + end]
}

#[test]
fn the_printed_report_shows_each_form_as_its_page_does() {
    let site = fixture_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let report = page(&out, "demo/print.html");
    let all = files(&out);
    let pages: Vec<&String> = all
        .keys()
        .filter(|k| {
            k.starts_with("demo/")
                && k.ends_with(".html")
                && k.matches('/').count() == 2
                && !k.ends_with("/index.html")
                && !k.contains("/data/")
        })
        .collect();
    assert!(pages.len() >= 5, "{} project pages", pages.len());
    let mut with_findings = 0;
    for path in &pages {
        let html = String::from_utf8_lossy(&all[*path]).to_string();
        let form = form_of(&html);
        assert!(
            report.contains(form),
            "{path}: its form is not in the printed report as its page shows it"
        );
        if form.contains("class=\"row-finding") {
            with_findings += 1;
        }
    }
    assert!(
        with_findings > 0,
        "no form with findings on its rows was compared"
    );
    // One document: no id twice, so each form's findings links reach its own findings.
    let ids = attrs(&report, "id");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "the printed report repeats an id");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = fixture_site();
    let a = site.path().join("a");
    let b = site.path().join("b");
    build_into(site.path(), &a);
    build_into(site.path(), &b);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between two builds");
    }
}

/// `href`/`src` values and `id`s of an HTML or SVG document.
fn attrs(html: &str, name: &str) -> Vec<String> {
    let pat = format!(" {name}=\"");
    html.split(&pat)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let site = fixture_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let checked = check_links(&out);
    assert!(checked > 100, "checked {checked} links");
}

/// Follow every internal link and anchor of the site in `out`; returns the links checked.
fn check_links(out: &Path) -> usize {
    let all = files(out);
    let ids: BTreeMap<String, BTreeSet<String>> = all
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| {
            (
                k.clone(),
                attrs(&String::from_utf8_lossy(v), "id")
                    .into_iter()
                    .collect(),
            )
        })
        .collect();
    let mut checked = 0;
    for (path, bytes) in all
        .iter()
        .filter(|(k, _)| k.ends_with(".html") && k.as_str() != "404.html")
    {
        let html = String::from_utf8_lossy(bytes);
        let base = Path::new(path).parent().unwrap_or(Path::new(""));
        for link in attrs(&html, "href").into_iter().chain(attrs(&html, "src")) {
            if link.starts_with("http") || link.starts_with("mailto:") || link.starts_with('?') {
                continue;
            }
            let (file, frag) = match link.split_once('#') {
                Some((f, a)) => (f.to_string(), Some(a.to_string())),
                None => (link.clone(), None),
            };
            let target = if file.is_empty() {
                path.clone()
            } else if let Some(abs) = file.strip_prefix('/') {
                // Root-relative (canonical links with base_url "/").
                if abs.is_empty() {
                    "index.html".to_string()
                } else {
                    abs.to_string()
                }
            } else {
                let mut parts: Vec<String> = base
                    .iter()
                    .map(|s| s.to_string_lossy().to_string())
                    .collect();
                for seg in file.split('?').next().unwrap().split('/') {
                    match seg {
                        ".." => {
                            assert!(parts.pop().is_some(), "{path}: link {link} leaves the site");
                        }
                        "." | "" => {}
                        s => parts.push(s.to_string()),
                    }
                }
                parts.join("/")
            };
            assert!(
                all.contains_key(&target),
                "{path}: broken link {link} → {target}"
            );
            if let Some(f) = frag {
                let known = ids.get(&target).is_some_and(|s| s.contains(&f));
                assert!(known, "{path}: link {link} points at a missing anchor #{f}");
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn downloads_reimport_to_the_same_content() {
    let site = fixture_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let books = jixiao::content::load_books(&site.path().join("content")).unwrap();
    let book = &books[0];
    let site_files = files(&out);
    let from_csv = common::import_csv_downloads(&site_files, "demo").book;
    let read = |n: &str| SourceInput {
        name: n.into(),
        bytes: site_files[&format!("demo/data/{n}")].clone(),
    };
    let opts = ImportOptions {
        book: "demo".into(),
        ..Default::default()
    };
    assert_eq!(from_csv.departments, book.departments);
    assert_eq!(from_csv.title, book.title);
    let from_json = import(&[read("demo.json")], &opts).unwrap().book;
    assert_eq!(&from_json, book);
    let pkg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("demo/data/datapackage.json")).unwrap())
            .unwrap();
    let total = &pkg["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["jixiao:key"] == "total")
        .unwrap()
        .clone();
    // The field is named as the CSV heads its column (in Chinese), the machine name beside.
    assert_eq!(total["name"], "年度资金总额");
    let csv = String::from_utf8(site_files["demo/data/projects.csv"].clone()).unwrap();
    assert!(
        csv.starts_with("\u{feff}册,部门,部门编码,"),
        "{}",
        &csv[..80]
    );
    assert_eq!(total["currency"], "CNY");
    assert_eq!(total["factor"], 10000);
    // Each department's own download holds exactly its projects, and re-imports to them.
    for d in book.departments.iter().filter(|d| !d.projects.is_empty()) {
        let one = |n: &str| SourceInput {
            name: n.into(),
            bytes: site_files[&format!("demo/data/{}/{n}", d.slug)].clone(),
        };
        let back = import(&[one("projects.csv"), one("indicators.csv")], &opts)
            .unwrap_or_else(|e| panic!("{}: {e}", d.slug))
            .book;
        assert_eq!(back.departments.len(), 1, "{}", d.slug);
        assert_eq!(back.departments[0].projects, d.projects, "{}", d.slug);
    }
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = fixture_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let before = files(&out);
    let dept = std::fs::read_dir(site.path().join("content/demo"))
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.path().is_dir())
        .unwrap()
        .path();
    let index = dept.join("_index.md");
    std::fs::write(&index, "+++\nname = [broken\n+++\n").unwrap();
    let err = build(&BuildOptions {
        root: site.path().to_path_buf(),
        out: out.clone(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .unwrap_err();
    let msg = format!("{err:#}");
    assert!(
        msg.contains("_index.md:2:"),
        "error names file and line: {msg}"
    );
    assert_eq!(files(&out), before, "previous output untouched");
}

#[test]
fn base_url_reaches_canonical_links_and_the_sitemap() {
    let site = fixture_site();
    let out = site.path().join("public");
    build(&BuildOptions {
        root: site.path().to_path_buf(),
        out: out.clone(),
        base_url: Some("https://preview.example.net/pr-7".into()),
        progress: false,
        pdf: false,
    })
    .unwrap();
    let sitemap = page(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://preview.example.net/pr-7/demo/index.html</loc>"));
    assert!(page(&out, "demo/index.html").contains(
        "<link rel=\"canonical\" href=\"https://preview.example.net/pr-7/demo/index.html\">"
    ));
    // Internal links stay relative, so the site also works from file:// and sub-paths.
    assert!(page(&out, "demo/index.html").contains("href=\"../static/style.css\""));
}

#[test]
fn charts_read_in_chinese_with_data_tables() {
    let site = fixture_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let html = page(&out, "demo/index.html");
    for id in [
        "spending",
        "sources",
        "coverage",
        "gaps",
        "sizes",
        "concentration",
    ] {
        assert!(
            html.contains(&format!("aria-labelledby=\"{id}-t {id}-d\"")),
            "chart {id} has title and description"
        );
    }
    assert!(html.contains("Noto Sans CJK SC"));
    assert!(
        html.matches("<table class=\"data").count() >= 5,
        "every chart is followed by its data"
    );
    // Amounts: two decimals, rounded half away from zero, exact.
    assert!(html.contains("51.00"));
}

/// Chromium, as installed by .ci/run (chromium, fonts-noto-cjk).
fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn dump_dom(url: &str) -> String {
    let browser =
        chromium().expect("chromium is installed (see .ci/run); set JIXIAO_SKIP_BROWSER=1 to skip");
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn headless_chromium_loads_pages_and_searches_in_chinese() {
    if std::env::var("JIXIAO_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        return;
    }
    let site = fixture_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let url = |rel: &str| format!("file://{}/{rel}", out.display());
    let overview = dump_dom(&url("demo/index.html"));
    assert!(
        overview.contains("示例区2024年项目支出绩效目标表"),
        "overview renders"
    );
    let proj = first_project(&out);
    let dept = format!("{}index.html", &proj[..proj.rfind('/').unwrap() + 1]);
    assert!(dump_dom(&url(&dept)).contains("<h2>项目</h2>"));
    assert!(dump_dom(&url(&proj)).contains("绩效指标"));
    // Sorting works: the department table gets aria-sort after a click is simulated by JS? (static check)
    let results = dump_dom(&format!("{}?q=%E4%BD%93%E6%A3%80", url("search.html")));
    assert!(
        results.contains("找到"),
        "search ran: {}",
        &results[results.find("search-status").unwrap_or(0)..]
            .chars()
            .take(300)
            .collect::<String>()
    );
    assert!(
        results.contains("><mark>体检</mark>费</a>"),
        "the query 体检 finds the project 体检费, the match marked"
    );
}

#[test]
fn gaps_chart_reaches_the_projects_behind_each_bar_in_two_clicks() {
    let site = fixture_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let overview = page(&out, "demo/index.html");
    let gaps = &overview[overview.find("id=\"gaps\"").unwrap()..];
    let gaps = &gaps[..gaps.find("</section>").unwrap()];
    // Click 1: a bar of the chart (an SVG link) opens the rule's section of the findings page.
    let svg = &gaps[gaps.find("<svg").unwrap()..gaps.find("</svg>").unwrap()];
    let bars: BTreeSet<String> = attrs(svg, "href")
        .into_iter()
        .filter(|h| h.starts_with("findings.html#rule-"))
        .collect();
    assert!(bars.len() >= 5, "{bars:?}");
    let findings = page(&out, "demo/findings.html");
    for href in &bars {
        let id = href.trim_start_matches("findings.html#");
        let at = findings
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} missing"));
        let section = &findings[at..];
        let section = &section[..section.find("</section>").unwrap_or(section.len())];
        // Click 2: the section links to the project pages it concerns.
        let projects: Vec<String> = attrs(section, "href")
            .into_iter()
            .filter(|h| h.ends_with(".html") && h.matches('/').count() == 1)
            .collect();
        assert!(!projects.is_empty(), "{id} lists no project");
        for p in projects {
            assert!(out.join("demo").join(&p).is_file(), "{p}");
        }
    }
}

/// A large book: one department of exactly 700 projects; returns the site and the
/// number of projects in the book.
fn large_site() -> (tempfile::TempDir, usize) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("book.toml"), "title = \"大册\"\n").unwrap();
    let mut books = jixiao::synth::books(&jixiao::synth::Options {
        projects: 1400,
        seed: 3,
        book_size: 1400,
    });
    let book = &mut books[0];
    // Fold the first departments into one of 700 projects, as a big bureau has.
    let mut moved = Vec::new();
    while book.departments[0].projects.len() + moved.len() < 700 {
        let d = book.departments.remove(1);
        moved.extend(d.projects);
    }
    book.departments[0].projects.extend(moved);
    book.departments[0].projects.truncate(700);
    let name = book.departments[0].name.clone();
    for p in &mut book.departments[0].projects {
        p.department = name.clone();
    }
    jixiao::slug::assign_slugs(&mut book.departments);
    jixiao::content::write_book(book, "# 导入报告\n", &dir.path().join("content")).unwrap();
    (dir, book.project_count())
}

#[test]
fn large_books_paginate_and_split_so_no_page_grows_with_the_book() {
    let (site, projects) = large_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let all = files(&out);
    let book = all
        .keys()
        .find(|k| k.ends_with("/index.html") && k.matches('/').count() == 1)
        .unwrap()
        .trim_end_matches("/index.html")
        .to_string();
    // No HTML page is anywhere near the size of the book, but the printed report, which
    // is the book (readers print it as one document).
    let (largest, size) = all
        .iter()
        .filter(|(k, _)| k.ends_with(".html") && !k.ends_with("/print.html"))
        .map(|(k, v)| (k.clone(), v.len()))
        .max_by_key(|x| x.1)
        .unwrap();
    assert!(size < 700_000, "{largest} is {size} bytes");

    // The big department's table is split into pages of 100, every project on one page.
    let dept_pages: Vec<&String> = all
        .keys()
        .filter(|k| k.starts_with(&format!("{book}/")) && k.contains("/index"))
        .filter(|k| k.matches('/').count() == 2)
        .collect();
    let big = dept_pages
        .iter()
        .find(|k| k.ends_with("/index_7.html"))
        .expect("a department with 7 pages");
    let dept = Path::new(big.as_str())
        .parent()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let mut listed = BTreeSet::new();
    for n in 1..=7 {
        let f = if n == 1 {
            format!("{dept}/index.html")
        } else {
            format!("{dept}/index_{n}.html")
        };
        let html = String::from_utf8_lossy(&all[&f]).to_string();
        let table = &html[html.find("id=\"projects\"").unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        for h in attrs(table, "href")
            .into_iter()
            .filter(|h| !h.contains('#'))
        {
            assert!(listed.insert(h.clone()), "{h} listed twice");
        }
    }
    assert_eq!(listed.len(), 700);
    assert!(!all.contains_key(&format!("{dept}/index_8.html")));

    // The print report is one document however long the book: every project once, every
    // department a chapter the contents link to.
    assert!(!all.keys().any(|k| k.starts_with(&format!("{book}/print-"))));
    let report = String::from_utf8_lossy(&all[&format!("{book}/print.html")]).to_string();
    assert_eq!(
        report.matches("class=\"form project print-page\"").count(),
        projects,
        "every project is printed once"
    );
    let chapters = attrs(&report, "href")
        .into_iter()
        .filter(|h| h.starts_with("#d-"))
        .count();
    assert_eq!(
        chapters,
        report.matches("<section class=\"chapter\" id=\"d-").count()
    );
    assert!(chapters >= 2);

    // Long findings lists continue on pages of their own, and nothing is dropped.
    let findings = String::from_utf8_lossy(&all[&format!("{book}/findings.html")]).to_string();
    let more: Vec<String> = attrs(&findings, "href")
        .into_iter()
        .filter(|h| h.starts_with("findings-"))
        .collect();
    assert!(!more.is_empty());
    for m in more {
        let stem = m.trim_end_matches(".html");
        let mut rows = 0;
        let mut n = 1;
        loop {
            let f = if n == 1 {
                format!("{book}/{stem}.html")
            } else {
                format!("{book}/{stem}_{n}.html")
            };
            let Some(bytes) = all.get(&f) else { break };
            rows += String::from_utf8_lossy(bytes)
                .matches("<tr data-dept=")
                .count();
            n += 1;
        }
        let anchor = stem.trim_start_matches("findings-");
        let sec = &findings[findings.find(&format!("id=\"rule-{anchor}\"")).unwrap()..];
        let count: usize = sec[sec.find("<small>（").unwrap() + "<small>（".len()..]
            .split('）')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(rows, count, "{stem}");
    }
    assert!(check_links(&out) > 1000);
}

#[test]
fn a_common_word_does_not_make_one_query_download_the_site() {
    // All 1,400 synthetic projects are named `2024年…`.
    let (site, _) = large_site();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let manifest = std::fs::read_to_string(out.join("search/manifest.js")).unwrap();
    let json = &manifest[manifest.find('(').unwrap() + 1..manifest.rfind(')').unwrap()];
    let shards = serde_json::from_str::<serde_json::Value>(json).unwrap()["shards"]
        .as_u64()
        .unwrap() as u32;
    let token = "2024";
    let s = jixiao::site::search::fnv1a(token) % shards;
    let shard = std::fs::read_to_string(out.join(format!("search/t{s}.js"))).unwrap();
    let json = &shard[shard.find(',').unwrap() + 1..shard.rfind(')').unwrap()];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let posts = v[token].as_array().unwrap();
    assert_eq!(posts.len(), jixiao::site::search::POSTINGS_CAP);
    // The best matches are kept: projects named with the word score 10 or more.
    assert!(posts.iter().all(|p| p[1].as_u64().unwrap() >= 10));
}

#[test]
fn configured_severities_reach_the_findings_page_and_gaps_table() {
    let site = fixture_site();
    let toml = site.path().join("book.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("[check.severity]\n\"satisfaction.hundred\" = \"error\"\n");
    std::fs::write(&toml, text).unwrap();
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let findings = page(&out, "demo/findings.html");
    let group = &findings[findings.find("id=\"rule-satisfaction-hundred\"").unwrap()..];
    assert!(group[..group.find("</h2>").unwrap()].contains("sev-error"));
    let overview = page(&out, "demo/index.html");
    let row = &overview[overview
        .find("findings.html#rule-satisfaction-hundred\">")
        .unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains("需核对"));
}

#[test]
fn a_book_in_yuan_says_yuan_on_every_page_finding_and_download() {
    let site = fixture_site();
    let index = site.path().join("content/demo/_index.md");
    let meta = std::fs::read_to_string(&index).unwrap();
    assert!(meta.contains("unit = \"万元\""), "fixture names its unit");
    std::fs::write(&index, meta.replace("unit = \"万元\"", "unit = \"元\"")).unwrap();
    let out = site.path().join("public");
    build_into(site.path(), &out);

    let book = page(&out, "demo/index.html");
    assert!(book.contains("金额单位：元"), "book header names 元");
    assert!(book.contains("<dd>51.00 <small>元</small></dd>"));
    assert!(book.contains("各部门项目资金（元）") && book.contains("资金（元）"));
    assert!(book.contains("金额单位为元；"), "footer");
    // No amount of this book is labelled 万元 (indicator values may still say 万元).
    for (rel, html) in common::files(&out)
        .iter()
        .filter(|(k, _)| k.starts_with("demo/") && k.ends_with(".html"))
        .map(|(k, v)| (k, String::from_utf8_lossy(v).into_owned()))
    {
        for label in ["（万元）", "<small>万元</small>", "<br>（万元）"] {
            assert!(
                !html.contains(label),
                "{rel} still labels an amount {label}"
            );
        }
    }
    let project = page(&out, &first_project(&out));
    assert!(project.contains("项目资金<br>（元）"), "project form");
    // Money written in a value (100万元) is compared in the book's unit: 1,000,000 元
    // against a total of 15 元, and the finding says so in 元.
    let findings = page(&out, "demo/findings.html");
    assert!(
        findings.contains("1,000,000.00 元，超过年度资金总额 15.00 元"),
        "{}",
        common::short(&findings, 3000)
    );
    let pkg: serde_json::Value =
        serde_json::from_str(&page(&out, "demo/data/datapackage.json")).unwrap();
    let total = pkg["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["jixiao:key"] == "total")
        .unwrap();
    assert_eq!(
        (&total["factor"], &total["unit"]),
        (&1.into(), &"元".into())
    );
    assert_eq!(
        pkg["jixiao"]["unit"], "元",
        "a CSV re-import keeps the unit"
    );

    // A unit jixiao cannot read is an error naming the file, not 万元 in disguise.
    std::fs::write(&index, meta.replace("unit = \"万元\"", "unit = \"千元\"")).unwrap();
    let e = build(&BuildOptions {
        root: site.path().to_path_buf(),
        out: out.clone(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("_index.md") && e.contains("unit = \"元\""),
        "{e}"
    );
}

#[test]
fn the_original_publication_is_named_and_linked_when_book_toml_gives_it() {
    let spec = "title = \"t\"\nbase_url = \"https://example.org/\"\n[[import]]\nbook = \"demo\"\nfiles = [\"site-source.txt\"]\nsource_name = \"示例区2024年项目支出绩效目标表（公开版）\"\n";
    let site = common::fixture_site_with(&format!(
        "{spec}source_url = \"https://example.gov.cn/yusuan/2024.html\"\n"
    ));
    let out = site.path().join("public");
    build_into(site.path(), &out);
    let book = page(&out, "demo/index.html");
    assert!(
        book.contains("原文 <a href=\"https://example.gov.cn/yusuan/2024.html\" rel=\"external\">示例区2024年项目支出绩效目标表（公开版）</a>（源文件 <code>site-source.txt</code>）"),
        "{}",
        common::short(&book, 2000)
    );
    let project = page(&out, &first_project(&out));
    assert!(project.contains(
        "<a href=\"https://example.gov.cn/yusuan/2024.html\" rel=\"external\">原始发布页面</a>"
    ));
    // An address that would run script is refused, naming the book.
    std::fs::write(
        site.path().join("book.toml"),
        format!("{spec}source_url = \"javascript:alert(1)\"\n"),
    )
    .unwrap();
    let e = build(&BuildOptions {
        root: site.path().to_path_buf(),
        out: out.clone(),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .unwrap_err();
    let e = format!("{e:#}");
    assert!(
        e.contains("source_url of book demo") && e.contains("https://"),
        "{e}"
    );
}
