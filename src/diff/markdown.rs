//! The comparison as a pull-request comment (GitHub-flavoured Markdown): short on top
//! (totals, counts, the largest moves), the long lists folded in `<details>`, each capped,
//! and links into the preview site when its address is known. Text from the books is
//! escaped so it can neither format, link, mention nor inject HTML.

use super::{BookDiff, Kind, ProjectChange, Verdict, project_label, shown, signed};
use std::fmt::Write;

/// Rows shown per list; the preview's 变化 page has them all.
const LIMIT: usize = 30;

/// Markdown for one book's comparison. `base` is the preview site's address (ending in
/// `/`), for links; `None` for no links.
pub fn render(d: &BookDiff, old: &str, new: &str, base: Option<&str>) -> String {
    let mut s = String::new();
    let c = &d.counts;
    let link = |path: &str, text: &str| match base {
        Some(b) => format!("[{}]({})", esc(text), url(b, path)),
        None => esc(text),
    };
    let book_path = format!("{}/index.html", d.new.slug);
    let _ = writeln!(s, "### 绩效目标变化：{}\n", link(&book_path, &d.new.title));
    let code = |t: &str| {
        format!(
            "`{}`",
            crate::text::for_pages(t).replace(['`', '\n', '\r'], "")
        )
    };
    let _ = writeln!(s, "{} → {}\n", code(old), code(new));
    let _ = writeln!(s, "| | 原 | 新 | 变化 |\n|:--|--:|--:|--:|");
    let _ = writeln!(
        s,
        "| 资金总额（{}） | {} | {} | **{}** |",
        d.unit,
        shown(d.total.old),
        shown(d.total.new),
        d.total.delta.map_or("—".into(), signed)
    );
    let count = |a: usize, b: usize| match b as i64 - a as i64 {
        d if d > 0 => format!("+{d}"),
        d => d.to_string(),
    };
    let _ = writeln!(
        s,
        "| 项目 | {} | {} | {} |",
        d.old.projects,
        d.new.projects,
        count(d.old.projects, d.new.projects)
    );
    let _ = writeln!(
        s,
        "| 部门 | {} | {} | {} |\n",
        d.old.departments,
        d.new.departments,
        count(d.old.departments, d.new.departments)
    );
    let _ = writeln!(
        s,
        "**项目**：新增 {} · 删除 {} · 有变化 {} · 更名 {} · 拆分 {} · 合并 {} · 调整部门 {} · 未变 {}  ",
        c.projects_added,
        c.projects_dropped,
        c.projects_changed,
        c.projects_renamed,
        c.projects_split,
        c.projects_merged,
        c.projects_moved,
        c.projects_unchanged
    );
    let _ = writeln!(
        s,
        "**部门**：新增 {} · 删除 {} · 更名 {} · 合并 {} · 拆分 {}  ",
        c.departments_added,
        c.departments_dropped,
        c.departments_renamed,
        c.departments_merged,
        c.departments_split
    );
    let weakened = if c.targets_weakened > 0 {
        format!("**{}**", c.targets_weakened)
    } else {
        "0".into()
    };
    let _ = writeln!(
        s,
        "**指标**：要求降低 {weakened} · 要求提高 {} · 其他改变 {}  ",
        c.targets_strengthened, c.targets_changed
    );
    let _ = writeln!(
        s,
        "**检查发现**：新增 {} · 消除 {}\n",
        c.findings_new, c.findings_resolved
    );

    // Each project of the new version links to its preview page; a dropped one has none.
    let project_link = |p: &ProjectChange| -> String {
        if p.new.is_empty() {
            return esc(&project_label(p));
        }
        p.new
            .iter()
            .map(|r| {
                link(
                    &format!("{}/{}/{}.html", d.new.slug, r.department_slug, r.slug),
                    &format!("{} / {}", r.department, r.name),
                )
            })
            .collect::<Vec<_>>()
            .join("；")
    };

    let moves = d.largest_moves(10);
    if !moves.is_empty() {
        let _ = writeln!(
            s,
            "#### 资金变化最大的项目（{}）\n\n| 项目 | 原 | 新 | 变化 |\n|:--|--:|--:|--:|",
            d.unit
        );
        for p in moves {
            let mark = if p.kind == Kind::Changed {
                String::new()
            } else {
                format!("（{}）", p.kind.label())
            };
            let _ = writeln!(
                s,
                "| {}{mark} | {} | {} | {} |",
                project_link(p),
                shown(p.total.old),
                shown(p.total.new),
                p.total.delta.map_or("—".into(), signed)
            );
        }
        s.push('\n');
    }

    for (verdict, title) in [
        (Verdict::Weaker, "要求降低的指标"),
        (Verdict::Stronger, "要求提高的指标"),
    ] {
        let rows: Vec<_> = d.targets(verdict).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "<details><summary>{title}（{}）</summary>\n\n| 项目 | 指标 | 原 | 新 | 说明 |\n|:--|:--|:--|:--|:--|",
            rows.len()
        );
        for (p, i) in rows.iter().take(LIMIT) {
            let _ = writeln!(
                s,
                "| {} | {}：{} | {} | {} | {} |",
                project_link(p),
                esc(&i.category),
                esc(&i.name),
                esc(i.old.as_deref().unwrap_or("—")),
                esc(i.new.as_deref().unwrap_or("—")),
                i.reason
            );
        }
        more(&mut s, rows.len());
        s.push_str("\n</details>\n\n");
    }

    let listed: Vec<&ProjectChange> = d
        .projects
        .iter()
        .filter(|p| !matches!(p.kind, Kind::Changed | Kind::Same))
        .collect();
    if !listed.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>新增、删除、更名、拆分、合并的项目（{}）</summary>\n\n| | 项目 | 原 | 新 |\n|:--|:--|--:|--:|",
            listed.len()
        );
        for p in listed.iter().take(LIMIT) {
            let what = match p.kind {
                Kind::Renamed | Kind::Split | Kind::Merged => format!(
                    "{} → {}",
                    esc(&p
                        .old
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")),
                    project_link(p)
                ),
                _ => project_link(p),
            };
            let _ = writeln!(
                s,
                "| {} | {what} | {} | {} |",
                p.kind.label(),
                shown(p.total.old),
                shown(p.total.new)
            );
        }
        more(&mut s, listed.len());
        s.push_str("\n</details>\n\n");
    }

    if c.findings_new + c.findings_resolved > 0 {
        let _ = writeln!(
            s,
            "<details><summary>检查发现：新增 {}，消除 {}</summary>\n\n| | 规则 | 部门 / 项目 | 说明 |\n|:--|:--|:--|:--|",
            c.findings_new, c.findings_resolved
        );
        let rows: Vec<_> = d
            .findings
            .new
            .iter()
            .map(|f| ("新增", f))
            .chain(d.findings.resolved.iter().map(|f| ("消除", f)))
            .collect();
        for (what, f) in rows.iter().take(LIMIT) {
            let who = if f.project.is_empty() {
                f.department.clone()
            } else {
                format!("{} / {}", f.department, f.project)
            };
            let _ = writeln!(
                s,
                "| {what} | `{}` | {} | {} |",
                f.rule.replace('`', ""),
                esc(&who),
                esc(&f.message)
            );
        }
        more(&mut s, rows.len());
        s.push_str("\n</details>\n\n");
    }
    if let Some(b) = base {
        let _ = writeln!(
            s,
            "[在预览中查看全部变化 →]({})",
            url(b, &format!("{}/changes.html", d.new.slug))
        );
    }
    s
}

fn more(s: &mut String, n: usize) {
    if n > LIMIT {
        let _ = writeln!(s, "\n另有 {} 项，见预览的变化页。", n - LIMIT);
    }
}

/// Text from a book, inert in Markdown and HTML: no emphasis, link, heading, table
/// cell break, HTML tag or @-mention.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in crate::text::for_pages(text).chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // GitHub reads `&#64;name` as a mention too; a zero-width space breaks it.
            '@' => out.push_str("@\u{200B}"),
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '~' | '!' | '+' | '-'
            | '.' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(ch);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A link into the preview: the base (http(s) or a path, checked by the caller) and a
/// path of slugs, with anything that could end the Markdown link escaped.
fn url(base: &str, path: &str) -> String {
    let full = format!("{base}{path}");
    percent_encoding::utf8_percent_encode(&full, URL).to_string()
}

const URL: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'(')
    .add(b')')
    .add(b'<')
    .add(b'>')
    .add(b'"')
    .add(b'`')
    .add(b'[')
    .add(b']');
