//! Templates of the default theme compiled by hand, for the pages a site has thousands
//! of: the same bytes Tera writes from them, without a context to build or a name to
//! look up. In Tera they were a quarter of a 10k build's CPU.
//!
//! A page kind uses its compiled form only while the site's theme keeps every template
//! it is made of ([`crate::site::theme::Theme::keeps`]). `tests/compiled_templates.rs`
//! builds sites both ways and requires the same bytes: a change to one of these
//! templates must be made here too.

mod department;
mod form;
mod project;

use super::FindingView;
pub(super) use department::{DEPARTMENT_TEMPLATES, DepartmentPage, department_page};
use form::tree;
pub(super) use form::{FORM_TEMPLATES, form};
pub(super) use project::{PROJECT_TEMPLATES, ProjectPage, project_page};

use crate::site::theme::escape_html_into;
use std::fmt::Write;

/// A page being written; printed values are escaped as Tera escapes them.
pub(super) struct Html(pub(super) String);

impl Html {
    fn raw(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    fn text(&mut self, s: &str) -> &mut Self {
        escape_html_into(&mut self.0, s);
        self
    }

    /// A number (digits only: nothing to escape).
    fn num(&mut self, n: impl std::fmt::Display) -> &mut Self {
        let _ = write!(self.0, "{n}");
        self
    }
}

/// What `base.html` shows around a page's blocks.
pub(super) struct Layout<'a> {
    pub(super) language: &'a str,
    pub(super) site_title: &'a str,
    pub(super) description: &'a str,
    pub(super) canonical: String,
    /// The way back to the site's root (`../../`).
    pub(super) root: String,
    pub(super) draft: bool,
    /// Breadcrumbs after 首页: (label, link; empty for the page itself).
    pub(super) crumbs: &'a [(&'a str, &'a str)],
    /// The book's unit of money, on a book's pages.
    pub(super) unit: Option<&'a str>,
}

/// `base.html` with the page's `title` and `main` blocks (the others as the base has them).
fn base(h: &mut Html, l: &Layout, title: impl FnOnce(&mut Html), main: impl FnOnce(&mut Html)) {
    h.raw("<!doctype html>\n<html lang=\"")
        .text(l.language)
        .raw("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    title(h);
    h.raw("</title>\n<meta name=\"description\" content=\"")
        .text(l.description)
        .raw("\">\n<link rel=\"canonical\" href=\"")
        .text(&l.canonical)
        .raw("\">\n<link rel=\"stylesheet\" href=\"")
        .text(&l.root)
        .raw("static/style.css\">\n<link rel=\"stylesheet\" href=\"")
        .text(&l.root)
        .raw("static/print.css\" media=\"print\">\n\n</head>\n<body class=\"");
    if l.draft {
        h.raw("is-draft");
    }
    h.raw(" \">\n<a class=\"skip\" href=\"#main\">跳到正文</a>\n<header class=\"site-header\">\n  <a class=\"site-title\" href=\"")
        .text(&l.root)
        .raw("index.html\">")
        .text(l.site_title)
        .raw("</a>\n  <nav class=\"site-nav\" aria-label=\"站点\">\n    <a href=\"")
        .text(&l.root)
        .raw("index.html\">首页</a>\n    <a href=\"")
        .text(&l.root)
        .raw("guide.html\">如何阅读</a>\n    <a href=\"")
        .text(&l.root)
        .raw("rules.html\">检查规则</a>\n  </nav>\n  <form class=\"site-search\" action=\"")
        .text(&l.root)
        .raw("search.html\" method=\"get\" role=\"search\">\n    <input type=\"search\" name=\"q\" placeholder=\"搜索项目、部门、指标\" aria-label=\"搜索\">\n    <button type=\"submit\">搜索</button>\n  </form>\n</header>\n");
    // The home crumb comes first, so there always are crumbs.
    h.raw("<nav class=\"crumbs\" aria-label=\"位置\"><ol><li><a href=\"")
        .text(&l.root)
        .raw("index.html\">首页</a></li>");
    for (label, href) in l.crumbs {
        h.raw("<li>");
        here_or_link(h, label, href, href.is_empty());
        h.raw("</li>");
    }
    h.raw("</ol></nav>\n<main id=\"main\">\n");
    if l.draft {
        h.raw("<div class=\"draft-banner\" role=\"note\"><strong>草案</strong> 本册为预算草案公开稿，内容可能在审议后调整。</div>");
    }
    h.raw("\n");
    main(h);
    h.raw("\n</main>\n<footer class=\"site-footer\">\n  <p>数据照录各部门报送的《部门（单位）预算项目支出绩效目标表》，金额单位");
    match l.unit {
        Some(unit) => h.raw("为").text(unit),
        None => h.raw("见各表"),
    };
    h.raw("；每个数字都注明了源文件与行号。</p>\n  <p>由 jixiao 生成 · <a href=\"")
        .text(&l.root)
        .raw("rules.html\">检查规则说明</a> · <a href=\"")
        .text(&l.root)
        .raw("guide.html\">如何阅读绩效目标表</a></p>\n</footer>\n<script src=\"")
        .text(&l.root)
        .raw("static/site.js\" defer></script>\n\n</body>\n</html>\n");
}

/// A crumb or a pager's link: the current page as a span, any other as a link.
fn here_or_link(h: &mut Html, label: &str, href: &str, here: bool) {
    if here {
        h.raw("<span aria-current=\"page\">")
            .text(label)
            .raw("</span>");
    } else {
        h.raw("<a href=\"")
            .text(href)
            .raw("\">")
            .text(label)
            .raw("</a>");
    }
}

/// The `findings` macro; `book` (its slug) when the list names each finding's project.
fn findings(h: &mut Html, list: &[FindingView], root: &str, book: Option<&str>, anchor: &str) {
    h.raw("\n");
    if list.is_empty() {
        h.raw("<p class=\"ok\">未发现缺口。</p>");
    } else {
        h.raw("\n<ol class=\"findings\">\n");
        for (i, f) in list.iter().enumerate() {
            h.raw("\n  <li class=\"sev-")
                .text(f.severity)
                .raw("\" id=\"")
                .text(anchor)
                .raw("finding-")
                .num(i + 1)
                .raw("\"><span class=\"sev\">")
                .text(f.severity_label)
                .raw("</span>\n    <a href=\"")
                .text(root)
                .raw("rules.html#rule-")
                .text(&f.anchor)
                .raw("\">")
                .text(&f.title)
                .raw("</a>：")
                .text(&f.message)
                .raw("\n    ");
            if let Some(book) = book.filter(|_| !f.project.is_empty()) {
                h.raw("— <a href=\"")
                    .text(root)
                    .text(book)
                    .raw("/")
                    .text(&f.department_slug)
                    .raw("/")
                    .text(&f.project_slug)
                    .raw(".html\">")
                    .text(&f.project)
                    .raw("</a>");
            }
            h.raw("\n    <span class=\"src\">")
                .text(&f.place)
                .raw("</span></li>\n");
        }
        h.raw("\n</ol>\n");
    }
    h.raw("\n");
}
