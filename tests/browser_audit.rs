//! The bundled site as readers meet it, in headless Chromium through
//! `tests/browser/audit.mjs` (playwright-core + axe-core, installed by .ci/run): one page
//! of every kind at 1280 and 390 px has no serious or critical accessibility violation;
//! at 390 px no table column is crushed (a cell under six characters wide whose text
//! wraps) and no chart text is under 12 px; searching 民政 finds 民政局 first, marked.

mod common;

use std::path::Path;
use std::process::Command;

/// `JIXIAO_SKIP_BROWSER=1`: the one way to leave the browser tests out.
fn skip_browser() -> bool {
    std::env::var("JIXIAO_SKIP_BROWSER").is_ok_and(|v| v == "1")
}

/// The bundled site built into a temporary folder (`public/` inside it).
fn bundled_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    jixiao::site::build(&jixiao::site::BuildOptions {
        root: common::manifest(),
        out: dir.path().join("public"),
        base_url: None,
        progress: false,
        pdf: false,
    })
    .expect("the bundled site builds");
    dir
}

/// A department with findings on the continuation pages of long rules (民政局).
const FILTERED_DEPT: &str = "114001";

/// The pages audited: one of every kind, from the largest bundled book.
fn pages(out: &Path) -> Vec<String> {
    let book = "xiqu-2026";
    let dept = "123001";
    let project = std::fs::read_dir(out.join(book).join(dept))
        .expect("department folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".html") && !n.starts_with("index"))
        .min()
        .expect("a project page");
    let v = vec![
        "index.html".to_string(),
        format!("{book}/index.html"),
        format!("{book}/{dept}/index.html"),
        format!("{book}/{dept}/{project}"),
        format!("{book}/findings.html"),
        format!("{book}/print.html"),
        format!("{book}/import-report.html"),
        "search.html?q=民政".to_string(),
        "search.html?q=民政&book=zhangye-jingkai-2024".to_string(),
        format!("search.html?q=低保&book={book}&dept={FILTERED_DEPT}"),
        format!("{book}/findings.html?dept={FILTERED_DEPT}"),
        "guide.html".to_string(),
        "rules.html".to_string(),
        "404.html".to_string(),
        format!("{book}/projects.html"),
    ];
    v
}

/// Run the audit harness over `pages` of the site in `out`, at 1280 and 390 px.
fn audit(out: &Path, pages: &[String]) -> Vec<serde_json::Value> {
    let harness = common::manifest().join("tests/browser");
    assert!(
        harness.join("node_modules/axe-core").is_dir()
            && harness.join("node_modules/playwright-core").is_dir(),
        "the browser audit needs its packages: run `cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci` (as .ci/run does), or set JIXIAO_SKIP_BROWSER=1"
    );
    let run = Command::new("node")
        .arg(harness.join("audit.mjs"))
        .arg(out)
        .args(pages)
        .output()
        .expect("node runs (install Node.js; see .ci/run)");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the audit ran: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("audit JSON");
    let entries = report["pages"].as_array().expect("pages").clone();
    assert_eq!(entries.len(), pages.len() * 2, "every page at both widths");
    entries
}

/// Serious or critical accessibility violations, page errors, and at 390 px crushed
/// table columns and chart text under 12 px.
fn layout_problems(entries: &[serde_json::Value]) -> Vec<String> {
    let mut problems = Vec::new();
    for e in entries {
        let at = format!("{} at {} px", e["page"].as_str().unwrap_or(""), e["width"]);
        for level in ["critical", "serious"] {
            for v in e["axe"][level].as_array().into_iter().flatten() {
                problems.push(format!(
                    "{at}: axe {level} {} ({}): {}",
                    v["id"], v["help"], v["sample"]
                ));
            }
        }
        for err in e["pageErrors"].as_array().into_iter().flatten() {
            problems.push(format!("{at}: page error {err}"));
        }
        if e["width"] == 390 {
            for c in e["narrowCells"].as_array().into_iter().flatten() {
                if c["lines"].as_u64().unwrap_or(1) > 1 {
                    problems.push(format!(
                        "{at}: crushed column {} of table {}: {:.0} px, {} lines for {}",
                        c["column"],
                        c["table"],
                        c["width"].as_f64().unwrap_or(0.0),
                        c["lines"],
                        c["text"]
                    ));
                }
            }
            for t in e["smallText"].as_array().into_iter().flatten() {
                problems.push(format!(
                    "{at}: chart {} text {} at {:.1} px",
                    t["chart"],
                    t["text"],
                    t["px"].as_f64().unwrap_or(0.0)
                ));
            }
        }
    }
    problems
}

#[test]
fn every_page_kind_reads_on_desktop_and_phone() {
    if skip_browser() {
        return;
    }
    let dir = bundled_site();
    let out = dir.path().join("public");
    let entries = audit(&out, &pages(&out));
    let mut problems = layout_problems(&entries);
    let search = entries
        .iter()
        .find(|e| {
            e["page"]
                .as_str()
                .is_some_and(|p| p.starts_with("search.html"))
                && e["width"] == 1280
        })
        .expect("the search page was audited");
    let first = &search["search"]["top"][0];
    if !first["title"]
        .as_str()
        .is_some_and(|t| t.ends_with("民政局"))
    {
        problems.push(format!("search 民政: first result {first}, not 民政局"));
    }
    if first["marked"][0] != "民政" {
        problems.push(format!("search 民政: the match is not marked in {first}"));
    }
    // A snippet under it: what the department spends on.
    if first["snippet"]
        .as_str()
        .is_none_or(|s| s.chars().count() < 10)
    {
        problems.push(format!("search 民政: no snippet under {first}"));
    }
    // Limited to one department: only its projects, each quoting the match.
    let dept = entries
        .iter()
        .find(|e| e["page"].as_str().is_some_and(|p| p.contains("&dept=")) && e["width"] == 1280)
        .expect("the department-limited search was audited");
    let subs = dept["search"]["subs"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if subs.len() < 2
        || subs
            .iter()
            .any(|s| !s.as_str().unwrap_or("").contains("民政局"))
    {
        problems.push(format!("search 低保 in 民政局: results {subs:?}"));
    }
    for hit in dept["search"]["top"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let in_title = hit["title"].as_str().unwrap_or("").contains("低保");
        if !in_title && hit["snippetMarked"][0] != "低保" {
            problems.push(format!(
                "search 低保 in 民政局: the snippet does not show the match: {hit}"
            ));
        }
    }
    // Limited to a book without a 民政 department, the same search finds nothing.
    let limited = entries
        .iter()
        .find(|e| e["page"].as_str().is_some_and(|p| p.contains("&book=")) && e["width"] == 1280)
        .expect("the book-limited search was audited");
    let status = limited["search"]["status"].as_str().unwrap_or("");
    if !status.contains("没有找到") || !status.contains("张掖经济技术开发区") {
        problems.push(format!("search 民政 in one book: {status}"));
    }
    // Filtering findings by a department shows all of its findings, as many as the book's
    // department table counts, not only those on the first page.
    let listed = std::fs::read_to_string(out.join("xiqu-2026/index.html")).unwrap();
    let marker = format!("<a href=\"{FILTERED_DEPT}/index.html#findings\">");
    let counted: u64 = listed[listed.find(&marker).expect("department row") + marker.len()..]
        .split('<')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    let filter = entries
        .iter()
        .find(|e| {
            e["page"]
                .as_str()
                .is_some_and(|p| p.contains("findings.html?dept="))
        })
        .map(|e| &e["filter"])
        .expect("the filtered findings page was audited");
    if filter["rows"].as_u64() != Some(counted) || filter["unfilteredHidden"] != true {
        problems.push(format!(
            "findings filtered by {FILTERED_DEPT}: {filter}, the department has {counted}"
        ));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Text of each page of a PDF (pdftotext, from poppler-utils which .ci/run installs).
fn pdf_pages(pdf: &Path) -> Vec<String> {
    // -layout keeps a line of the contents (name, count, page) on one line.
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils, installed by .ci/run)");
    assert!(text.status.success(), "pdftotext read {}", pdf.display());
    let text = String::from_utf8(text.stdout).expect("pdftotext writes UTF-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    // pdftotext ends the last page with a form feed too.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// xiqu-2026 printed by `jixiao build --pdf` (Chromium), read back with pdftotext: one
/// document holding every project; page numbers run 1..N without a break; each entry of
/// the 目录 carries the page its chapter starts on, in the PDF's contents and in
/// print.html alike; 草案 is on every page of the draft; and no page ends with an
/// indicator table's header (its rows on the next page) or holds only the source line.
#[test]
fn the_printed_report_is_one_document_with_true_page_numbers() {
    if skip_browser() {
        return;
    }
    // The bundled site with only its largest book, built by the command a user runs.
    let site = tempfile::tempdir().unwrap();
    let root = common::manifest();
    std::fs::copy(root.join("book.toml"), site.path().join("book.toml")).unwrap();
    common::copy_dir(
        &root.join("content").join("xiqu-2026"),
        &site.path().join("content").join("xiqu-2026"),
    );
    let run = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["build", "--pdf", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "jixiao build --pdf: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = site.path().join("public").join("xiqu-2026");
    let html = std::fs::read_to_string(out.join("print.html")).unwrap();
    assert!(
        !html.contains("href=\"print-"),
        "no chapter files: one document"
    );
    assert!(
        html.contains("href=\"print.pdf\""),
        "print.html offers the PDF"
    );
    let pages = pdf_pages(&out.join("print.pdf"));
    let n = pages.len();
    assert!(n > 300, "{n} pages");

    // Page numbers run on: page i says "i / n".
    for (i, page) in pages.iter().enumerate() {
        let want = format!("{} / {n}", i + 1);
        assert!(
            page.lines().any(|l| l.trim() == want),
            "page {} does not say {want}",
            i + 1
        );
        assert!(
            page.contains("【草案】"),
            "page {} lacks the 草案 mark",
            i + 1
        );
    }

    // The contents: every entry numbered in print.html, the same line in the PDF's 目录,
    // and the chapter's heading at the top of that page.
    let entry = regex::Regex::new(
        r##"<li><a href="#([^"]+)"><span class="toc-label">([^<]*)</span>(?: <span class="toc-count">([^<]*)</span>)?<span class="toc-page">(\d*)</span></a></li>"##,
    )
    .unwrap();
    let toc_end = pages
        .iter()
        .position(|p| squeeze(p).starts_with("【草案】概览"))
        .expect("the overview chapter follows the contents");
    let toc: String = pages[..toc_end].iter().map(|p| squeeze(p)).collect();
    let mut entries = 0;
    for c in entry.captures_iter(&html) {
        let (id, label, count, page) = (&c[1], &c[2], c.get(3).map_or("", |m| m.as_str()), &c[4]);
        let label = label.replace("&amp;", "&").replace("&quot;", "\"");
        let at: usize = page
            .parse()
            .unwrap_or_else(|_| panic!("contents entry {label} has no page number"));
        assert!(
            toc.contains(&squeeze(&format!("{label}{count}{at}"))),
            "the PDF's 目录 does not show {label} on page {at}"
        );
        let heading = match id {
            "overview" => "概览".to_string(),
            "findings" => "检查发现".to_string(),
            "notes" => String::new(),
            _ => label.clone(),
        };
        let top = squeeze(&pages[at - 1]);
        assert!(
            top.strip_prefix("【草案】")
                .unwrap_or(&top)
                .starts_with(&squeeze(&heading)),
            "{label}: page {at} begins {}",
            top.chars().take(40).collect::<String>()
        );
        entries += 1;
    }
    assert_eq!(entries, 72 + 3, "概览, 编制说明, 72 departments, 检查发现");

    // Every project once, and no orphaned header or source line.
    let src = regex::Regex::new(r"源文件 \S+ 第 \d+ 行").unwrap();
    let header = regex::Regex::new(r"一级指标\s*二级指标\s*三级指标\s*指标值").unwrap();
    let footer = regex::Regex::new(r"^\d+ / \d+$").unwrap();
    let mut forms = 0;
    let mut problems = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        forms += src.find_iter(page).count();
        let lines: Vec<&str> = page
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !footer.is_match(l) && !l.contains("草案】"))
            .collect();
        if lines.is_empty() {
            continue;
        }
        // pdftotext gives each header cell a line: the page's last lines, joined.
        let tail = squeeze(&lines[lines.len().saturating_sub(6)..].concat());
        let tail = tail.strip_suffix("行").unwrap_or(&tail);
        if header.is_match(tail) && tail.ends_with("指标值") {
            problems.push(format!("page {}: ends with the table header", i + 1));
        }
        if lines.iter().all(|l| l.starts_with("源文件")) {
            problems.push(format!("page {}: only the source line", i + 1));
        }
    }
    assert_eq!(forms, 327, "every project printed once");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A site whose books name their previous versions (the fixture pairs of tests/diff.rs):
/// the 变化 page, and department and project pages with change marks.
#[test]
fn the_changes_pages_read_on_desktop_and_phone() {
    if skip_browser() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fixtures = common::manifest().join("tests/fixtures/diff");
    for (from, to) in [("draft-r1", "xiqu-r1"), ("draft-r2", "xiqu-r2")] {
        common::copy_dir(&fixtures.join(from), &dir.path().join("content").join(to));
    }
    std::fs::write(
        dir.path().join("book.toml"),
        "[books.xiqu-r2]\nprevious = \"xiqu-r1\"\n",
    )
    .unwrap();
    let out = common::build_site(dir.path());
    let pages = [
        "xiqu-r2/changes.html".to_string(),
        "xiqu-r2/115001/index.html".to_string(),
        "xiqu-r2/115001/falvyuanzhu.html".to_string(),
        "xiqu-r2/index.html".to_string(),
    ];
    let problems = layout_problems(&audit(&out, &pages));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
