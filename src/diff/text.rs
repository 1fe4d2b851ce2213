//! The comparison for a terminal: totals and counts, then the largest moves, the
//! weakened and strengthened targets, the projects added, dropped, renamed, split or
//! merged, and the findings that appeared or went away. Every text from the books is
//! made safe for a terminal.

use super::{BookDiff, Kind, Verdict, project_label, shown, signed};
use crate::text::for_terminal as t;
use std::fmt::Write;

/// The comparison as terminal text; `old`/`new` say where each side was read.
pub fn render(d: &BookDiff, old: &str, new: &str) -> String {
    let mut s = String::new();
    let c = &d.counts;
    let _ = writeln!(s, "{} → {}", t(old), t(new));
    let _ = writeln!(
        s,
        "  资金总额 {} → {} {}（{}）",
        shown(d.total.old),
        shown(d.total.new),
        d.unit,
        d.total.delta.map_or("—".into(), signed)
    );
    let _ = writeln!(
        s,
        "  项目 {} → {}：新增 {}，删除 {}，有变化 {}，更名 {}，拆分 {}，合并 {}，调整部门 {}，未变 {}",
        d.old.projects,
        d.new.projects,
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
        "  部门 {} → {}：新增 {}，删除 {}，更名 {}，合并 {}，拆分 {}",
        d.old.departments,
        d.new.departments,
        c.departments_added,
        c.departments_dropped,
        c.departments_renamed,
        c.departments_merged,
        c.departments_split
    );
    let _ = writeln!(
        s,
        "  指标：要求降低 {}，要求提高 {}，其他改变 {}；检查发现：新增 {}，消除 {}",
        c.targets_weakened,
        c.targets_strengthened,
        c.targets_changed,
        c.findings_new,
        c.findings_resolved
    );

    let moved: Vec<_> = d
        .departments
        .iter()
        .filter(|x| !x.funds.is_zero() || x.kind != Kind::Same)
        .collect();
    if !moved.is_empty() {
        let _ = writeln!(s, "\n部门资金（{}）", d.unit);
        for x in moved {
            let names = |r: &[super::DeptRef]| {
                r.iter()
                    .map(|r| t(&r.name).into_owned())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            let who = match x.kind {
                Kind::Added => names(&x.new),
                Kind::Same | Kind::Changed => names(&x.new),
                _ if x.new.is_empty() => names(&x.old),
                _ => format!("{} → {}", names(&x.old), names(&x.new)),
            };
            let _ = writeln!(
                s,
                "  {:>14}  {} → {}  {}{}",
                x.funds.delta.map_or("—".into(), signed),
                shown(x.funds.old),
                shown(x.funds.new),
                who,
                if x.kind == Kind::Same {
                    String::new()
                } else {
                    format!("（{}）", x.kind.label())
                }
            );
        }
    }

    let moves = d.largest_moves(10);
    if !moves.is_empty() {
        let _ = writeln!(s, "\n资金变化最大的项目（{}）", d.unit);
        for p in moves {
            let _ = writeln!(
                s,
                "  {:>14}  {} → {}  {}{}",
                p.total.delta.map_or("—".into(), signed),
                shown(p.total.old),
                shown(p.total.new),
                t(&project_label(p)),
                if p.kind == Kind::Changed {
                    String::new()
                } else {
                    format!("（{}）", p.kind.label())
                }
            );
        }
    }

    for (verdict, title) in [
        (Verdict::Weaker, "要求降低的指标"),
        (Verdict::Stronger, "要求提高的指标"),
    ] {
        let rows: Vec<_> = d.targets(verdict).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}（{}）", rows.len());
        for (p, i) in rows {
            let _ = writeln!(
                s,
                "  {}：[{}] {}  {} → {}（{}）",
                t(&project_label(p)),
                t(&i.category),
                t(&i.name),
                t(i.old.as_deref().unwrap_or("—")),
                t(i.new.as_deref().unwrap_or("—")),
                i.reason
            );
        }
    }

    for kind in [
        Kind::Added,
        Kind::Dropped,
        Kind::Renamed,
        Kind::Split,
        Kind::Merged,
    ] {
        let rows: Vec<_> = d.projects.iter().filter(|p| p.kind == kind).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{}项目（{}）", kind.label(), rows.len());
        for p in rows {
            let line = match kind {
                Kind::Added | Kind::Dropped => project_label(p),
                _ => format!(
                    "{} → {}",
                    p.old
                        .iter()
                        .map(|r| format!("{} / {}", r.department, r.name))
                        .collect::<Vec<_>>()
                        .join("；"),
                    p.new
                        .iter()
                        .map(|r| format!("{} / {}", r.department, r.name))
                        .collect::<Vec<_>>()
                        .join("；")
                ),
            };
            let _ = writeln!(
                s,
                "  {}  {} → {}",
                t(&line),
                shown(p.total.old),
                shown(p.total.new)
            );
        }
    }

    for (title, list) in [
        ("新增检查发现", &d.findings.new),
        ("已消除的检查发现", &d.findings.resolved),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{title}（{}）", list.len());
        for f in list {
            let who = if f.project.is_empty() {
                f.department.clone()
            } else {
                format!("{} / {}", f.department, f.project)
            };
            let _ = writeln!(s, "  [{}] {}：{}", f.rule, t(&who), t(&f.message));
        }
    }
    s
}
