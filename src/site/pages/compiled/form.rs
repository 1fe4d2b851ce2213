//! `form.html` and the `tree` macro of `macros.html`.

use super::super::{FormBook, FormView, Tree};
use super::Html;

/// The templates a form is made of.
pub(in crate::site::pages) const FORM_TEMPLATES: &[&str] = &["form.html", "macros.html"];

/// `form.html`.
pub(in crate::site::pages) fn form(book: &FormBook, form: &FormView) -> String {
    let mut h = Html(String::with_capacity(2048 + 512 * form.tree.rows.len()));
    h.raw("<table class=\"form-table head\">\n  <caption>部门（单位）预算项目支出绩效目标表");
    if let Some(year) = book.year.filter(|y| *y != 0) {
        h.raw("（").num(year).raw("年度）");
    }
    h.raw("</caption>\n  <tbody>\n    <tr><th scope=\"row\">项目名称</th><td colspan=\"2\">")
        .text(form.name)
        .raw("</td></tr>\n    <tr><th scope=\"row\">部门（单位）</th><td colspan=\"2\">")
        .text(form.department);
    if !form.department_as_written.is_empty() && form.department_as_written != form.department {
        h.raw("<br><small>表中写作：")
            .text(form.department_as_written)
            .raw("</small>");
    }
    h.raw("</td></tr>\n    ");
    if !form.implementing_unit.is_empty() {
        h.raw("<tr><th scope=\"row\">实施单位</th><td colspan=\"2\">")
            .text(form.implementing_unit)
            .raw("</td></tr>");
    }
    for e in &form.extra {
        h.raw("<tr><th scope=\"row\">")
            .text(&e.label)
            .raw("</th><td colspan=\"2\">")
            .text(&e.value)
            .raw("</td></tr>");
    }
    h.raw("\n    ");
    for (i, f) in form.funds.iter().enumerate() {
        h.raw("<tr class=\"funds");
        if f.extra {
            h.raw(" extra");
        }
        if f.unreadable {
            h.raw(" unreadable");
        }
        h.raw("\">");
        if i == 0 {
            h.raw("<th scope=\"rowgroup\" rowspan=\"")
                .num(form.funds.len())
                .raw("\">项目资金<br>（")
                .text(book.unit)
                .raw("）</th>");
        }
        h.raw("<th scope=\"row\" class=\"fund-label indent-")
            .num(f.indent)
            .raw("\">")
            .text(&f.label);
        if f.extra {
            h.raw(" <small>（表中重复的行）</small>");
        }
        h.raw("</th><td class=\"num\">").text(&f.text);
        if f.raw_differs {
            h.raw("<br><small class=\"raw\">原文：")
                .text(&f.raw)
                .raw("</small>");
        }
        h.raw("</td></tr>\n    ");
    }
    if !form.long_goal.is_empty() {
        h.raw("<tr><th scope=\"row\">中长期目标</th><td colspan=\"2\" class=\"goal\">")
            .text(form.long_goal)
            .raw("</td></tr>");
    }
    if form.goal_field {
        h.raw("<tr><th scope=\"row\">总体目标</th><td colspan=\"2\" class=\"goal\">");
        if form.goal.is_empty() {
            h.raw("<span class=\"blank\">（空）</span>");
        } else {
            h.text(form.goal);
        }
        h.raw("</td></tr>");
    }
    h.raw("\n  </tbody>\n</table>\n");
    if form.tree.rows.is_empty() {
        h.raw("<p class=\"note\">表中没有绩效指标。</p>");
    } else {
        tree(&mut h, &form.tree, "绩效指标", &form.anchor);
    }
    h.raw("\n");
    h.0
}

/// The `tree` macro of `macros.html`.
pub(super) fn tree(h: &mut Html, tree: &Tree, caption: &str, anchor: &str) {
    h.raw("<table class=\"form-tree\">\n  <caption>")
        .text(caption)
        .raw("</caption>\n  <thead><tr><th scope=\"col\">一级指标</th><th scope=\"col\">二级指标</th><th scope=\"col\">三级指标</th><th scope=\"col\">指标值</th>");
    if tree.lines {
        h.raw("<th scope=\"col\" class=\"num\">行</th>");
    }
    h.raw("</tr></thead>\n  <tbody>\n  ");
    for r in &tree.rows {
        h.raw("<tr");
        if r.empty {
            h.raw(" class=\"empty\"");
        }
        h.raw(">");
        if r.l1_rows != 0 {
            h.raw("<th scope=\"rowgroup\" class=\"l1\" rowspan=\"")
                .num(r.l1_rows)
                .raw("\">")
                .text(&r.l1)
                .raw("</th>");
        }
        if r.l2_rows != 0 {
            h.raw("<th scope=\"rowgroup\" class=\"l2\" rowspan=\"")
                .num(r.l2_rows)
                .raw("\">")
                .text(&r.l2)
                .raw("</th>");
        }
        h.raw("<td class=\"l3\">").text(&r.name);
        for d in &r.details {
            h.raw("<br><small class=\"detail\">")
                .text(&d.label)
                .raw("：")
                .text(&d.value)
                .raw("</small>");
        }
        h.raw("</td><td class=\"value\">");
        if r.value.is_empty() {
            h.raw("<span class=\"blank\">（空）</span>");
        } else {
            h.text(&r.value);
        }
        for x in &r.findings {
            h.raw("<br><a class=\"row-finding sev-")
                .text(x.severity)
                .raw("\" href=\"#")
                .text(anchor)
                .raw("finding-")
                .num(x.number)
                .raw("\"><span class=\"sev\">")
                .text(x.severity_label)
                .raw("</span> ")
                .text(&x.title)
                .raw("</a>");
        }
        h.raw("</td>");
        if tree.lines {
            h.raw("<td class=\"num line\">").num(r.line).raw("</td>");
        }
        h.raw("</tr>\n  ");
    }
    h.raw("</tbody>\n</table>\n");
}
