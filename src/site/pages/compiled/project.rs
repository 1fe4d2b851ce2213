//! `project.html` in `base.html`, with the `draft_tag` and `findings` macros.

use super::super::{FindingView, ProjectMark, ProjectView};
use super::{Html, Layout, base, findings};

/// The templates a project page is made of.
pub(in crate::site::pages) const PROJECT_TEMPLATES: &[&str] =
    &["base.html", "project.html", "macros.html"];

/// What `project.html` reads, as its Tera context holds it.
pub(in crate::site::pages) struct ProjectPage<'a> {
    pub(in crate::site::pages) layout: Layout<'a>,
    pub(in crate::site::pages) book_title: &'a str,
    pub(in crate::site::pages) title_mark: &'a str,
    pub(in crate::site::pages) source_url: &'a str,
    pub(in crate::site::pages) dept_name: &'a str,
    pub(in crate::site::pages) project: &'a ProjectView<'a>,
    pub(in crate::site::pages) form: &'a str,
    pub(in crate::site::pages) anchor: &'a str,
    pub(in crate::site::pages) change: Option<&'a ProjectMark>,
    pub(in crate::site::pages) findings: &'a [FindingView],
    /// The neighbours in the department: (link, name).
    pub(in crate::site::pages) prev: Option<(&'a str, &'a str)>,
    pub(in crate::site::pages) next: Option<(&'a str, &'a str)>,
}

pub(in crate::site::pages) fn project_page(page: &ProjectPage) -> Vec<u8> {
    let mut h = Html(String::with_capacity(8192 + page.form.len()));
    let p = page.project;
    base(
        &mut h,
        &page.layout,
        |h| {
            h.text(p.name)
                .raw(" · ")
                .text(page.dept_name)
                .text(page.title_mark);
        },
        |h| main(h, page),
    );
    h.0.into_bytes()
}

fn main(h: &mut Html, page: &ProjectPage) {
    let p = page.project;
    h.raw("\n<article class=\"form project\">\n<h1>")
        .text(p.name)
        .raw(" ");
    if page.layout.draft {
        h.raw("<span class=\"tag tag-draft\">草案</span>");
    }
    h.raw("</h1>\n<p class=\"meta\">")
        .text(page.book_title)
        .raw(" · 原文");
    if p.source_place.is_empty() {
        h.raw("第 ").num(p.source_line);
        if p.source_end_line != 0 {
            h.raw("–").num(p.source_end_line);
        }
        h.raw(" 行");
    } else {
        h.raw(" ").text(&p.source_place);
    }
    h.raw(" <small>（源文件 <code>")
        .text(p.source_file)
        .raw("</code>");
    if !page.source_url.is_empty() {
        h.raw(" · <a href=\"")
            .text(page.source_url)
            .raw("\" rel=\"external\">原始发布页面</a>");
    }
    h.raw("）</small></p>\n");
    for f in &p.flags {
        h.raw("<p class=\"note\">").text(f).raw("</p>");
    }
    h.raw("\n\n").raw(page.form).raw("\n\n");
    match page.change {
        Some(c) if !c.unchanged => change_box(h, c, page.layout.unit.unwrap_or_default()),
        Some(c) => {
            h.raw("<p class=\"hint change-line\">与上一版（")
                .text(&c.previous_title)
                .raw("）相同。</p>\n");
        }
        None => {}
    }
    h.raw("<section class=\"coverage-strip\" aria-label=\"指标覆盖\">\n  <h2>指标覆盖 <small class=\"score\">完整度 ")
        .num(p.completeness)
        .raw("%</small></h2>\n  <ul class=\"chips\">");
    for c in &p.categories {
        if c.set {
            h.raw("<li class=\"set\">")
                .text(c.label)
                .raw("<span class=\"visually-hidden\">：已设置</span></li>");
        } else {
            h.raw("<li class=\"unset\">")
                .text(c.label)
                .raw("<span class=\"visually-hidden\">：未设置</span></li>");
        }
    }
    h.raw("</ul>\n</section>\n\n<section id=\"findings\">\n<h2>检查发现</h2>\n");
    findings(h, page.findings, &page.layout.root, None, page.anchor);
    h.raw("\n</section>\n");
    if !p.notes_html.is_empty() {
        h.raw("<section class=\"prose\">")
            .raw(&p.notes_html)
            .raw("</section>");
    }
    h.raw("\n<nav class=\"pager\" aria-label=\"同部门项目\">\n  ");
    if let Some((href, name)) = page.prev {
        h.raw("<a rel=\"prev\" href=\"")
            .text(href)
            .raw("\">← ")
            .text(name)
            .raw("</a>");
    }
    h.raw("\n  ");
    if let Some((href, name)) = page.next {
        h.raw("<a rel=\"next\" href=\"")
            .text(href)
            .raw("\">")
            .text(name)
            .raw(" →</a>");
    }
    h.raw("\n</nav>\n</article>\n");
}

/// The box about the previous version of a project that changed.
fn change_box(h: &mut Html, c: &ProjectMark, unit: &str) {
    h.raw("\n<section id=\"changes\" class=\"change-box\">\n<h2>与上一版相比 ");
    if c.kind != "有变化" {
        h.raw("<span class=\"mark kind\">")
            .text(c.kind)
            .raw("</span>");
    }
    h.raw("</h2>\n<p class=\"meta\">上一版：")
        .text(&c.previous_title);
    for w in &c.was {
        h.raw(" · <a href=\"")
            .text(&w.href)
            .raw("\">")
            .text(&w.name)
            .raw("</a>");
    }
    h.raw("。<a href=\"../changes.html\">本册全部变化</a></p>\n");
    if !c.story.is_empty() {
        h.raw("<p>").text(&c.story).raw("。</p>");
    }
    h.raw("\n");
    if !c.funds.is_empty() {
        h.raw("<table class=\"data compact\"><caption>资金（")
            .text(unit)
            .raw("）</caption><thead><tr><th scope=\"col\"></th><th scope=\"col\" class=\"num\">上一版</th><th scope=\"col\" class=\"num\">本版</th><th scope=\"col\" class=\"num\">差额</th></tr></thead>\n<tbody>");
        for f in &c.funds {
            h.raw("<tr><th scope=\"row\">")
                .text(f.label)
                .raw("</th><td class=\"num\">")
                .text(&f.change.old)
                .raw("</td><td class=\"num\">")
                .text(&f.change.new)
                .raw("</td><td class=\"num\"><span class=\"delta ")
                .text(f.change.dir)
                .raw("\">")
                .text(&f.change.delta)
                .raw("</span></td></tr>");
        }
        h.raw("</tbody></table>");
    }
    h.raw("\n");
    if let Some(old) = c.goal_old.as_deref().filter(|g| !g.is_empty()) {
        h.raw("<p><strong>总体目标有改动。</strong>上一版：<del>")
            .text(old)
            .raw("</del></p>");
    }
    h.raw("\n");
    if !c.targets.is_empty() {
        h.raw("<table class=\"data cards changes\"><caption>指标的变化</caption><thead><tr><th scope=\"col\">指标</th><th scope=\"col\">上一版</th><th scope=\"col\">本版</th><th scope=\"col\">说明</th></tr></thead>\n<tbody>");
        for t in &c.targets {
            h.raw("<tr class=\"")
                .text(t.verdict)
                .raw("\"><td>")
                .text(&t.category)
                .raw("：")
                .text(&t.name);
            if !t.old_name.is_empty() {
                h.raw("<br><small>上一版名为：")
                    .text(&t.old_name)
                    .raw("</small>");
            }
            h.raw("</td><td data-label=\"上一版\"><del>")
                .text(&t.old)
                .raw("</del></td><td data-label=\"本版\"><ins>")
                .text(&t.new)
                .raw("</ins></td><td data-label=\"说明\">");
            match t.verdict {
                "weaker" => {
                    h.raw("<span class=\"mark weaker\">要求降低</span> ");
                }
                "stronger" => {
                    h.raw("<span class=\"mark stronger\">要求提高</span> ");
                }
                _ => {}
            }
            h.text(&t.reason).raw("</td></tr>");
        }
        h.raw("</tbody></table>");
    }
    h.raw("\n</section>\n");
}
