//! The 变化 page and the change marks of a book that names its previous version: the
//! figures exact, the lists complete, every link inside the site, and a `previous` that
//! names no book rejected at its line and column.

mod common;

use jixiao::site::{BuildOptions, build};
use std::path::Path;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = common::previous_versions_site();
    let out = common::build_site(site.path());
    (site, out)
}

/// Assert that the reader's text `t` of `page` holds every line of `wants`.
fn has_all(page: &str, t: &str, wants: &[&str]) {
    for want in wants {
        assert!(
            t.contains(want),
            "{page} lacks {want:?}:\n{}",
            common::short(&t, 4000)
        );
    }
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of a page without tags, whitespace folded: what a reader sees.
fn text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let main = scraper::Selector::parse("main").unwrap();
    let t: String = doc
        .select(&main)
        .next()
        .expect("a <main>")
        .text()
        .collect::<Vec<_>>()
        .join(" ");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_changes_page_shows_every_change_with_exact_figures() {
    let (_site, out) = built();
    assert!(
        !out.join("xiqu-r1/changes.html").exists(),
        "a book with no previous version has none"
    );
    let page = read(&out, "xiqu-r2/changes.html");
    let t = text(&page);
    has_all(
        "the 变化 page",
        &t,
        &[
            // Totals: 4,593.22 → 4,649.72 万元.
            "4,649.72 万元 上一版 4,593.22， +56.50",
            // Departments, old → new and the difference.
            "攀枝花市西区民政局 3,437.78 3,488.28 +50.50 10 → 10",
            "攀枝花市西区司法局 20.00 21.00 +1.00 9 → 8",
            "攀枝花市西区水利局 43.00 48.00 +5.00 8 → 8",
            "攀枝花市西区卫生健康局、攀枝花市西区红十字会 拆分 上一版：攀枝花市西区卫生健康局 1,092.44 1,092.44 0.00 9 → 10",
            // Targets whose requirement was lowered, old beside new.
            "要求降低的指标（4）",
            "数量：法律援助宣传活动场次 ≥6场 ≥4场 目标值降低",
            "数量：法律援助民事案件办理数 100件 按实际受理情况办理 量化指标值改为文字表述",
            "质量：服务对象满意度 ≥90% 90% 去掉了比较符“≥”，改为固定值",
            "服务对象满意度：承办律师满意度 ≥85% — 删除了服务对象满意度指标",
            "要求提高的指标（2）",
            "服务对象满意度：受援人满意度 ≥90% ≥95% 目标值提高",
            // Added, dropped, renamed, split, merged.
            "攀枝花市西区水利局 / 河道采砂管理工作经费 上一版没有这个项目 — 6.00 +6.00",
            "攀枝花市西区水利局 / 水利工程行政审批费用 本版删除了这个项目 1.00 — -1.00",
            "更名，上一版名为“走访慰问” 7.40 7.40 0.00",
            "由上一版的“计划生育服务”拆分为“计划生育家庭奖励扶助”、“计划生育特别扶助” 973.26 973.26 0.00",
            "由上一版的“安置帮教经费”、“人民调解”合并而成 2.00 2.00 0.00",
            // Funds moved, largest first.
            "攀枝花市西区民政局 / 困难群众救助 2,524.66 2,600.66 +76.00",
            "攀枝花市西区民政局 / 高龄长寿补贴 546.00 520.50 -25.50",
        ],
    );
    // The chart of moves, drawn for wide screens and for phones.
    assert!(
        page.contains("class=\"chart for-wide\"") && page.contains("class=\"chart for-phone\"")
    );
    assert!(page.contains("资金变化最大的 5 个项目"));
}

#[test]
fn year_on_year_compares_in_the_new_unit_and_names_renamed_and_merged_departments() {
    let (_site, out) = built();
    let t = text(&read(&out, "fantai-2025/changes.html"));
    has_all(
        "the 变化 page",
        &t,
        &[
            "8,297,000.00 元 上一版 8,013,000.00， +284,000.00",
            "社会事务管理局 更名 上一版：社会管理局 2,355,000.00 2,355,000.00 0.00",
            "钒钛高新区政务和双创服务中心 合并 上一版：钒钛高新区政务中心、双创中心 960,000.00 960,000.00 0.00",
            "财政金融局 / 购买服务 210,000.00 180,000.00 -30,000.00",
            "更名，上一版名为“综合应急演练”",
        ],
    );
    // The years rolled forward are not changes: only the edited projects are listed.
    assert!(
        t.contains("内容有变化的项目（3）"),
        "{}",
        common::short(&t, 4000)
    );
}

#[test]
fn department_and_project_pages_carry_the_marks() {
    let (_site, out) = built();
    let dept = text(&read(&out, "xiqu-r2/115001/index.html"));
    assert!(
        dept.contains("项目资金 20.00 → 21.00（ +1.00 ），4 项指标要求降低，2 项要求提高。"),
        "{}",
        common::short(&dept, 3000)
    );
    assert!(dept.contains("法律援助 资金 +1.00 4 项指标要求降低 2 项指标要求提高"));
    assert!(dept.contains("人民调解和安置帮教 合并"));
    let water = text(&read(&out, "xiqu-r2/120001/index.html"));
    assert!(
        water.contains("上一版有、本版删除的项目： 水利工程行政审批费用 （1.00）"),
        "{}",
        common::short(&water, 3000)
    );

    let project = text(&read(&out, "xiqu-r2/115001/falvyuanzhu.html"));
    has_all(
        "the project page",
        &project,
        &[
            "与上一版相比",
            "资金总额 4.00 5.00 +1.00",
            "财政拨款 4.00 5.00 +1.00",
            "数量：法律援助宣传活动场次 ≥6场 ≥4场 要求降低 目标值降低",
            "时效：法律援助案件按期结案率 — ≥95% 要求提高 新增时效指标",
        ],
    );
    let same = text(&read(
        &out,
        "xiqu-r2/115001/falvguwenzhuanxiangjingfei.html",
    ));
    assert!(
        same.contains("与上一版（攀枝花市西区2026年 区本级部门预算项目绩效目标（草案））相同。")
    );
    let book = text(&read(&out, "xiqu-r2/index.html"));
    assert!(
        book.contains(
            "资金总额 +56.50 万元，新增 1 个项目、删除 1 个，4 项指标要求降低、2 项要求提高。"
        ),
        "{}",
        common::short(&book, 2000)
    );
}

#[test]
fn every_link_of_the_changes_pages_stays_in_the_site_and_finds_its_page() {
    let (_site, out) = built();
    let a = scraper::Selector::parse("a[href]").unwrap();
    for rel in [
        "xiqu-r2/changes.html",
        "fantai-2025/changes.html",
        "xiqu-r2/115001/index.html",
        "xiqu-r2/120001/index.html",
        "xiqu-r2/115001/falvyuanzhu.html",
        "xiqu-r2/124001/jihuashengyujiatingjianglifuzhu.html",
    ] {
        let page = scraper::Html::parse_document(&read(&out, rel));
        let dir = out.join(rel).parent().unwrap().to_path_buf();
        for link in page.select(&a) {
            let href = link.value().attr("href").unwrap();
            if href.starts_with('#') || href.starts_with("http") {
                continue;
            }
            let target = href.split('#').next().unwrap().split('?').next().unwrap();
            let path = dir.join(target);
            let resolved = std::fs::canonicalize(&path)
                .unwrap_or_else(|_| panic!("{rel}: link {href} finds no page"));
            assert!(
                resolved.starts_with(std::fs::canonicalize(&out).unwrap()),
                "{rel}: link {href} leaves the site"
            );
        }
    }
}

#[test]
fn a_previous_version_that_is_no_book_is_an_error_at_its_line() {
    let site = common::previous_versions_site();
    std::fs::write(
        site.path().join("book.toml"),
        common::PREVIOUS_VERSIONS_TOML.replace("previous = \"xiqu-r1\"", "previous = \"xiqu-r0\""),
    )
    .unwrap();
    let out = site.path().join("public");
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
        msg.contains(
            "book.toml:4:12: previous = \"xiqu-r0\": there is no book xiqu-r0 in content/"
        ),
        "{msg}"
    );
    assert!(msg.contains("= help:"), "{msg}");
    assert!(!out.exists(), "nothing was written");
}
