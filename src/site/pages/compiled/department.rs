//! `department.html` in `base.html`, with the `draft_tag`, `pager`, `tree` and
//! `findings` macros.

use super::super::{DeptMark, DeptMeta, DeptProjectRow, FindingView, OverallView};
use super::{Html, Layout, base, findings, here_or_link, tree};

/// The templates a department page is made of.
pub(in crate::site::pages) const DEPARTMENT_TEMPLATES: &[&str] =
    &["base.html", "department.html", "macros.html"];

/// What `department.html` reads, as its Tera context holds it.
pub(in crate::site::pages) struct DepartmentPage<'a> {
    pub(in crate::site::pages) layout: Layout<'a>,
    pub(in crate::site::pages) book_slug: &'a str,
    pub(in crate::site::pages) book_title: &'a str,
    pub(in crate::site::pages) title_mark: &'a str,
    pub(in crate::site::pages) unit: &'a str,
    pub(in crate::site::pages) dept: &'a DeptMeta,
    /// The department's projects in all, and those of this page.
    pub(in crate::site::pages) dept_projects: usize,
    pub(in crate::site::pages) projects: &'a [DeptProjectRow],
    pub(in crate::site::pages) total_text: &'a str,
    pub(in crate::site::pages) fiscal_text: &'a str,
    pub(in crate::site::pages) other_text: &'a str,
    pub(in crate::site::pages) categories: usize,
    pub(in crate::site::pages) coverage: &'a [(String, String)],
    pub(in crate::site::pages) completeness: u8,
    pub(in crate::site::pages) overall: Option<&'a OverallView>,
    pub(in crate::site::pages) findings: &'a [FindingView],
    /// (label, link, is this page); empty for a department on one page.
    pub(in crate::site::pages) pager: &'a [(String, String, bool)],
    /// This page's number, from 1.
    pub(in crate::site::pages) page: usize,
    pub(in crate::site::pages) change: Option<&'a DeptMark>,
}

pub(in crate::site::pages) fn department_page(page: &DepartmentPage) -> Vec<u8> {
    let mut h = Html(String::with_capacity(16384 + 1024 * page.projects.len()));
    base(
        &mut h,
        &page.layout,
        |h| {
            h.text(&page.dept.name)
                .raw(" · ")
                .text(page.book_title)
                .text(page.title_mark);
        },
        |h| main(h, page),
    );
    h.0.into_bytes()
}

fn main(h: &mut Html, page: &DepartmentPage) {
    let d = page.dept;
    let unit = page.unit;
    h.raw("\n<h1>").text(&d.name).raw(" ");
    if page.layout.draft {
        h.raw("<span class=\"tag tag-draft\">草案</span>");
    }
    if !page.pager.is_empty() {
        h.raw(" <small>第 ").num(page.page).raw(" 页</small>");
    }
    h.raw("</h1>\n<p class=\"meta\">");
    if !d.code.is_empty() {
        h.raw("单位编码 ").text(&d.code).raw(" · ");
    }
    h.num(page.dept_projects)
        .raw(" 个项目 · 首次出现于 <code>")
        .text(&d.source)
        .raw("</code>");
    if let Some(n) = d.contents_page.filter(|n| *n != 0) {
        h.raw(" · 目录第 ").num(n).raw(" 页");
    }
    h.raw("</p>\n");
    if d.unnamed {
        h.raw("<p class=\"note\">这些表格没有填写部门（单位），集中列在这里。</p>");
    }
    h.raw("\n");
    if let Some(c) = page.change {
        change_line(h, c);
    }
    if !d.aliases.is_empty() {
        h.raw("<p class=\"aliases\">文中的其他写法：");
        for (i, a) in d.aliases.iter().enumerate() {
            h.raw("<span class=\"alias\">").text(a).raw("</span>");
            if i + 1 < d.aliases.len() {
                h.raw("、");
            }
        }
        h.raw("</p>");
    }
    h.raw("\n");
    if page.projects.is_empty() {
        h.raw("<p class=\"note\">本册没有列在这个单位名下的项目表");
        if page.overall.is_some() {
            h.raw("，下面是它的部门整体支出绩效目标表");
        }
        h.raw("。</p>\n");
    } else {
        projects(h, page);
    }
    h.raw("\n\n");
    if let Some(o) = page.overall {
        overall(h, o, unit);
    }
    h.raw("\n\n<section id=\"findings\">\n<h2>检查发现</h2>\n");
    if !page.pager.is_empty() {
        h.raw("<p class=\"hint\">本页列出部门整体的发现和本页项目的发现。</p>");
    }
    h.raw("\n");
    findings(
        h,
        page.findings,
        &page.layout.root,
        Some(page.book_slug),
        "",
    );
    h.raw("\n</section>\n");
    if !d.notes_html.is_empty() {
        h.raw("<section class=\"prose\">")
            .raw(&d.notes_html)
            .raw("</section>");
    }
    h.raw("\n");
}

/// The line about the department's previous version.
fn change_line(h: &mut Html, c: &DeptMark) {
    h.raw("<p class=\"change-line\">与上一版（")
        .text(&c.previous_title)
        .raw("）相比：");
    if !c.kind.is_empty() {
        h.raw("<span class=\"mark kind\">")
            .text(c.kind)
            .raw("</span>");
        if !c.was.is_empty() {
            h.raw("上一版为").text(&c.was).raw("；");
        }
    }
    h.raw("项目资金 ")
        .text(&c.funds.old)
        .raw(" → ")
        .text(&c.funds.new)
        .raw("（<span class=\"delta ")
        .text(c.funds.dir)
        .raw("\">")
        .text(&c.funds.delta)
        .raw("</span>）");
    if c.added != 0 {
        h.raw("，新增 ").num(c.added).raw(" 个项目");
    }
    if !c.dropped.is_empty() {
        h.raw("，删除 ").num(c.dropped.len()).raw(" 个");
    }
    if c.weakened != 0 {
        h.raw("，").num(c.weakened).raw(" 项指标要求降低");
    }
    if c.strengthened != 0 {
        h.raw("，").num(c.strengthened).raw(" 项要求提高");
    }
    h.raw("。<a href=\"../changes.html#")
        .text(&c.anchor)
        .raw("\">查看本册变化</a></p>");
}

/// The figures, the table of projects and the coverage.
fn projects(h: &mut Html, page: &DepartmentPage) {
    let unit = page.unit;
    h.raw("\n<dl class=\"figures headline\">\n  <div><dt>项目资金合计</dt><dd>")
        .text(page.total_text)
        .raw(" <small>")
        .text(unit)
        .raw("</small></dd></div>\n  <div><dt>其中财政拨款</dt><dd>")
        .text(page.fiscal_text)
        .raw(" <small>")
        .text(unit)
        .raw("</small></dd></div>\n  <div><dt>其他资金</dt><dd>")
        .text(page.other_text)
        .raw(" <small>")
        .text(unit)
        .raw("</small></dd></div>\n</dl>\n<p class=\"links\">下载本部门：<a href=\"../data/")
        .text(&page.dept.slug)
        .raw("/projects.csv\">项目 CSV</a>、<a href=\"../data/")
        .text(&page.dept.slug)
        .raw("/indicators.csv\">指标 CSV</a>（与全册下载格式相同）</p>\n\n<section id=\"projects\">\n<h2>项目</h2>\n<p class=\"hint\">点击表头可排序。“覆盖”是设置了的二级指标类别数（共 ")
        .num(page.categories)
        .raw(" 类）；“完整度”是表样要求的要素（名称、部门、资金总额、总体目标、数量、质量、时效、成本、效益、满意度指标）中已填写的比例。本部门平均完整度 ")
        .num(page.completeness)
        .raw("%。</p>\n<div class=\"scroll\"><table class=\"data sortable cards\"><thead><tr>\n  <th scope=\"col\" data-sort=\"text\">项目</th><th scope=\"col\" class=\"num\" data-sort=\"num\">资金（")
        .text(unit)
        .raw("）</th><th scope=\"col\" class=\"num\" data-sort=\"num\">财政拨款</th><th scope=\"col\" class=\"num\" data-sort=\"num\">指标</th><th scope=\"col\" class=\"num\" data-sort=\"num\">覆盖</th><th scope=\"col\" class=\"num\" data-sort=\"num\">完整度</th><th scope=\"col\" class=\"num\" data-sort=\"num\">检查发现</th></tr></thead>\n<tbody>");
    for p in page.projects {
        h.raw("<tr>\n  <td><a href=\"")
            .text(&p.slug)
            .raw(".html\">")
            .text(&p.name)
            .raw("</a>");
        for k in &p.marks {
            h.raw(" <span class=\"mark ")
                .text(k.class)
                .raw("\">")
                .text(&k.text)
                .raw("</span>");
        }
        h.raw("</td>\n  <td class=\"num\" data-label=\"资金（")
            .text(unit)
            .raw("）\" data-value=\"");
        if let Some(total) = p.total {
            h.num(total);
        }
        h.raw("\">")
            .text(&p.total_text)
            .raw("</td>\n  <td class=\"num\" data-label=\"财政拨款\">")
            .text(&p.fiscal_text)
            .raw("</td><td class=\"num\" data-label=\"指标\">")
            .num(p.indicators)
            .raw("</td>\n  <td class=\"num\" data-label=\"覆盖\" title=\"")
            .text(&p.categories_title)
            .raw("\">")
            .num(p.categories_set)
            .raw("</td>\n  <td class=\"num\" data-label=\"完整度\">")
            .num(p.completeness)
            .raw("%</td>\n  <td class=\"num\" data-label=\"检查发现\">");
        if p.findings != 0 {
            h.raw("<a href=\"")
                .text(&p.slug)
                .raw(".html#findings\">")
                .num(p.findings)
                .raw("</a>");
        } else {
            h.raw("0");
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>\n");
    if !page.pager.is_empty() {
        h.raw("<nav class=\"pages\" aria-label=\"分页\">");
        for (label, href, current) in page.pager {
            here_or_link(h, label, href, *current);
        }
        h.raw("</nav>");
    }
    if let Some(c) = page.change.filter(|c| !c.dropped.is_empty()) {
        h.raw("<p class=\"hint\">上一版有、本版删除的项目：");
        for (i, x) in c.dropped.iter().enumerate() {
            h.raw("<a href=\"")
                .text(&x.href)
                .raw("\">")
                .text(&x.name)
                .raw("</a>（")
                .text(&x.total)
                .raw("）");
            if i + 1 < c.dropped.len() {
                h.raw("、");
            }
        }
        h.raw("</p>");
    }
    h.raw("\n</section>\n\n<section id=\"coverage\">\n<h2>指标覆盖</h2>\n<table class=\"data compact\"><thead><tr><th scope=\"col\">二级指标</th><th scope=\"col\" class=\"num\">设置了的项目占比</th></tr></thead>\n<tbody>");
    for (label, share) in page.coverage {
        h.raw("<tr><td>")
            .text(label)
            .raw("</td><td class=\"num\">")
            .text(share)
            .raw("</td></tr>");
    }
    h.raw("</tbody></table>\n</section>\n");
}

/// The department's overall target table (部门整体支出绩效目标表).
fn overall(h: &mut Html, o: &OverallView, unit: &str) {
    h.raw("\n<section id=\"overall\" class=\"form\">\n<h2>")
        .text(&o.title)
        .raw("</h2>\n<p class=\"meta\">表中单位名称：")
        .text(&o.name_as_written)
        .raw(" · 源文件 <code>")
        .text(&o.source)
        .raw("</code></p>\n");
    if !o.tasks.is_empty() {
        h.raw("<table class=\"form-table\"><caption>年度主要任务</caption><thead><tr><th scope=\"col\">任务名称</th><th scope=\"col\">主要内容</th></tr></thead><tbody>");
        for (name, content) in &o.tasks {
            h.raw("<tr><td>")
                .text(name)
                .raw("</td><td>")
                .text(content)
                .raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }
    h.raw("\n");
    if let Some(goal) = o.goal.as_deref().filter(|g| !g.is_empty()) {
        h.raw("<h3>总体目标</h3><p class=\"goal\">")
            .text(goal)
            .raw("</p>");
    }
    h.raw("\n");
    if !o.amounts.is_empty() {
        h.raw("<table class=\"form-table\"><caption>预算情况（")
            .text(unit)
            .raw("）</caption><tbody>");
        for (label, text) in &o.amounts {
            h.raw("<tr><th scope=\"row\">")
                .text(label)
                .raw("</th><td class=\"num\">")
                .text(text)
                .raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }
    h.raw("\n");
    if !o.tree.rows.is_empty() {
        tree(h, &o.tree, "绩效指标", "");
    }
    h.raw("\n</section>\n");
}
