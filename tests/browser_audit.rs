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
    let chapter = std::fs::read_dir(out.join(book))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("print-") && n.ends_with(".html"))
        .min();
    let mut v = vec![
        "index.html".to_string(),
        format!("{book}/index.html"),
        format!("{book}/{dept}/index.html"),
        format!("{book}/{dept}/{project}"),
        format!("{book}/findings.html"),
        format!("{book}/print.html"),
        format!("{book}/import-report.html"),
        "search.html?q=民政".to_string(),
        "search.html?q=民政&book=zhangye-jingkai-2024".to_string(),
        format!("{book}/findings.html?dept={FILTERED_DEPT}"),
        "guide.html".to_string(),
        "rules.html".to_string(),
        "404.html".to_string(),
    ];
    v.extend(chapter.map(|c| format!("{book}/{c}")));
    v
}

#[test]
fn every_page_kind_reads_on_desktop_and_phone() {
    if skip_browser() {
        return;
    }
    let harness = common::manifest().join("tests/browser");
    assert!(
        harness.join("node_modules/axe-core").is_dir()
            && harness.join("node_modules/playwright-core").is_dir(),
        "the browser audit needs its packages: run `cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci` (as .ci/run does), or set JIXIAO_SKIP_BROWSER=1"
    );
    let dir = bundled_site();
    let out = dir.path().join("public");
    let run = Command::new("node")
        .arg(harness.join("audit.mjs"))
        .arg(&out)
        .args(pages(&out))
        .output()
        .expect("node runs (install Node.js; see .ci/run)");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the audit ran: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).expect("audit JSON");
    let entries = report["pages"].as_array().expect("pages");
    assert_eq!(
        entries.len(),
        pages(&out).len() * 2,
        "every page at both widths"
    );

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

/// Printed chapters (Chromium's print to PDF, read back with pdftotext): no page ends with
/// the indicator table's header and its rows on the next page, and no page holds only the
/// "源文件 … 第 N 行" line. The chapters are those that had most of both.
#[test]
fn printed_chapters_keep_headers_with_their_rows() {
    if skip_browser() {
        return;
    }
    let dir = bundled_site();
    let out = dir.path().join("public");
    let header = regex::Regex::new(r"一级指标\s+二级指标\s+三级指标\s+指标值").unwrap();
    let footer = regex::Regex::new(r"^\d+ / \d+$").unwrap();
    let mut problems = Vec::new();
    let mut pages = 0;
    for chapter in [
        "print-148001.html",
        "print-124002.html",
        "print-107001.html",
    ] {
        let html = out.join("xiqu-2026").join(chapter);
        assert!(html.is_file(), "{chapter} is built");
        let pdf = dir.path().join(format!("{chapter}.pdf"));
        let profile = tempfile::tempdir().unwrap();
        let run = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", html.display()))
            .output()
            .expect("chromium runs (installed by .ci/run)");
        assert!(
            pdf.is_file(),
            "{chapter}: no PDF: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let text = Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext runs (poppler-utils, installed by .ci/run)");
        let text = String::from_utf8_lossy(&text.stdout);
        for (n, page) in text.split('\u{c}').enumerate() {
            let lines: Vec<&str> = page
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !footer.is_match(l) && !l.contains("草案】"))
                .collect();
            let Some(last) = lines.last() else { continue };
            pages += 1;
            if header.is_match(last) {
                problems.push(format!(
                    "{chapter} page {}: ends with the table header",
                    n + 1
                ));
            }
            if lines.iter().all(|l| l.starts_with("源文件")) {
                problems.push(format!("{chapter} page {}: only the source line", n + 1));
            }
        }
    }
    assert!(pages > 20, "{pages} pages printed");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
