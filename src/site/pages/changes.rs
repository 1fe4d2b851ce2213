//! The 变化 page of a book that names its previous version (book.toml `[books.<book>]
//! previous = "…"`), and the change marks its department and project pages carry: the
//! old value beside the new, the difference exact, in neutral words.

use super::*;
use crate::diff::{BookDiff, Kind, ProjectChange, Verdict, shown, signed};
use std::collections::HashMap;

/// A book's comparison with its previous version, with the lookups its pages need.
pub struct BookChanges {
    pub diff: BookDiff,
    previous_title: String,
    /// New-side department index → its entry in `diff.departments`.
    dept: HashMap<usize, usize>,
    /// New-side project → its entry in `diff.projects`.
    project: HashMap<(usize, usize), usize>,
    /// Dropped projects (entries of `diff.projects`) by the new-side department that
    /// continues theirs.
    dropped: HashMap<usize, Vec<usize>>,
}

impl BookChanges {
    pub fn new(diff: BookDiff, previous: &Book) -> BookChanges {
        let mut dept = HashMap::new();
        let mut continues = HashMap::new();
        for (i, d) in diff.departments.iter().enumerate() {
            for r in &d.new {
                dept.insert(r.index, i);
            }
            if let Some(first) = d.new.first() {
                for r in &d.old {
                    continues.insert(r.index, first.index);
                }
            }
        }
        let mut project = HashMap::new();
        let mut dropped: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, p) in diff.projects.iter().enumerate() {
            for r in &p.new {
                project.insert(r.at, i);
            }
            if p.kind == Kind::Dropped
                && let Some(&nd) = p.old.first().and_then(|r| continues.get(&r.at.0))
            {
                dropped.entry(nd).or_default().push(i);
            }
        }
        BookChanges {
            diff,
            previous_title: previous.title.clone(),
            dept,
            project,
            dropped,
        }
    }

    fn of_project(&self, di: usize, pi: usize) -> Option<&ProjectChange> {
        self.project.get(&(di, pi)).map(|&i| &self.diff.projects[i])
    }
}

/// A difference as shown: signed text and its direction (for the colour and the arrow
/// a screen reader does not need).
#[derive(Serialize)]
pub(super) struct Delta {
    pub(super) old: String,
    pub(super) new: String,
    pub(super) delta: String,
    /// `up`, `down` or `same`.
    pub(super) dir: &'static str,
}

fn delta(c: &crate::diff::Change) -> Delta {
    Delta {
        old: shown(c.old),
        new: shown(c.new),
        delta: c.delta.map_or_else(|| "—".into(), signed),
        dir: match c.delta.map(crate::amount::round2) {
            Some(d) if d > Decimal::ZERO => "up",
            Some(d) if d < Decimal::ZERO => "down",
            _ => "same",
        },
    }
}

/// What happened to a project, in a phrase (`更名，原名“走访慰问”`).
fn story(p: &ProjectChange) -> String {
    let names = |refs: &[crate::diff::ProjectRef]| {
        refs.iter()
            .map(|r| format!("“{}”", r.name))
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut s = match p.kind {
        Kind::Added => "上一版没有这个项目".to_string(),
        Kind::Dropped => "本版删除了这个项目".to_string(),
        Kind::Renamed => format!("更名，上一版名为{}", names(&p.old)),
        Kind::Split if p.new.len() > 1 => {
            format!("由上一版的{}拆分为{}", names(&p.old), names(&p.new))
        }
        Kind::Merged => format!("由上一版的{}合并而成", names(&p.old)),
        _ => String::new(),
    };
    if p.moved
        && let Some(o) = p.old.first()
    {
        if !s.is_empty() {
            s.push('；');
        }
        s.push_str(&format!("上一版列在“{}”", o.department));
    }
    s
}

#[derive(Serialize)]
struct ProjectLine {
    kind: &'static str,
    /// `部门 / 项目` of the new version (of the old for a dropped one).
    label: String,
    href: String,
    story: String,
    total: Delta,
    weakened: usize,
    strengthened: usize,
    other: usize,
}

/// A project's page from the 变化 page: the new version's, or the old one's if dropped.
fn project_href(c: &BookChanges, p: &ProjectChange) -> String {
    match (p.new.first(), p.old.first()) {
        (Some(r), _) => format!("{}/{}.html", r.department_slug, r.slug),
        (None, Some(r)) => format!(
            "../{}/{}/{}.html",
            c.diff.old.slug, r.department_slug, r.slug
        ),
        _ => String::new(),
    }
}

fn project_line(c: &BookChanges, p: &ProjectChange) -> ProjectLine {
    ProjectLine {
        kind: p.kind.label(),
        label: crate::diff::project_label(p),
        href: project_href(c, p),
        story: story(p),
        total: delta(&p.total),
        weakened: p.weakened,
        strengthened: p.strengthened,
        other: p.indicators.len() - p.weakened - p.strengthened,
    }
}

#[derive(Serialize)]
pub(super) struct TargetLine {
    pub(super) project: String,
    pub(super) href: String,
    pub(super) category: String,
    pub(super) name: String,
    pub(super) old_name: String,
    pub(super) old: String,
    pub(super) new: String,
    pub(super) reason: String,
    pub(super) verdict: &'static str,
}

fn verdict_id(v: Verdict) -> &'static str {
    match v {
        Verdict::Weaker => "weaker",
        Verdict::Stronger => "stronger",
        Verdict::Changed => "changed",
    }
}

fn target_line(p: &ProjectChange, i: &crate::diff::IndicatorChange, href: &str) -> TargetLine {
    TargetLine {
        project: crate::diff::project_label(p),
        href: href.to_string(),
        category: i.category.clone(),
        name: i.name.clone(),
        old_name: i.old_name.clone().unwrap_or_default(),
        old: i.old.clone().unwrap_or_else(|| "—".into()),
        new: i.new.clone().unwrap_or_else(|| "—".into()),
        reason: i.reason.clone(),
        verdict: verdict_id(i.verdict),
    }
}

#[derive(Serialize)]
struct DeptLine {
    kind: &'static str,
    name: String,
    /// The old names where they differ (renamed, merged, split).
    was: String,
    href: String,
    funds: Delta,
    projects: String,
}

#[derive(Serialize)]
struct FindingLine {
    title: String,
    who: String,
    href: String,
    message: String,
}

/// Rows the chart of moves draws at most (the table has every project).
fn chart_rows(fit: charts::Fit) -> usize {
    fit.max_rows().min(match fit {
        charts::Fit::Phone => 10,
        _ => 16,
    })
}

/// `<book>/changes.html`.
pub(super) fn changes_page(site: &Site, bi: usize, tera: &tera::Tera) -> Result<OutFile> {
    let b = &site.books[bi];
    let c = site
        .changes(bi)
        .ok_or_else(|| anyhow!("{}: no previous version to compare with", b.slug))?;
    let d = &c.diff;
    let path = format!("{}/changes.html", b.slug);
    let mut ctx = base(site, &path);
    crumbs(&mut ctx, &[(&b.title, "index.html"), ("变化", "")]);
    ctx.insert("book", &book_meta(site, b));
    ctx.insert("draft", &(b.stage == Stage::Draft));
    ctx.insert("previous_title", &c.previous_title);
    ctx.insert("previous_href", &format!("../{}/index.html", d.old.slug));
    ctx.insert("previous_stage", d.old.stage);
    ctx.insert("previous_year", &d.old.year);
    ctx.insert("unit", d.unit);
    ctx.insert("total", &delta(&d.total));
    ctx.insert("counts", &d.counts);
    ctx.insert("old_projects", &d.old.projects);
    ctx.insert("new_projects", &d.new.projects);
    ctx.insert("old_departments", &d.old.departments);
    ctx.insert("new_departments", &d.new.departments);

    let moves = d.largest_moves(usize::MAX);
    let bars: Vec<charts::Bar> = moves
        .iter()
        .map(|p| {
            let r = p.new.first().or(p.old.first());
            charts::Bar {
                label: r.map(|r| r.name.clone()).unwrap_or_default(),
                value: p.total.delta.map_or(0.0, analyse::decimal_f64),
                value_text: p.total.delta.map_or_else(String::new, signed),
                href: match p.new.first() {
                    Some(r) => format!("{}/{}.html", r.department_slug, r.slug),
                    None => String::new(),
                },
            }
        })
        .collect();
    // Screens only: the printed report does not carry the 变化 page.
    let draw = |fit| {
        let shown = &bars[..bars.len().min(chart_rows(fit))];
        charts::moves(
            "moves",
            fit,
            &format!("资金变化最大的 {} 个项目", shown.len()),
            &format!(
                "与上一版相比资金增减最多的项目，右为增加、左为减少，单位{}；全部项目见下表",
                d.unit
            ),
            shown,
        )
    };
    let chart = if bars.is_empty() {
        String::new()
    } else {
        draw(charts::Fit::Wide) + &draw(charts::Fit::Phone)
    };
    ctx.insert("chart_moves", &chart);
    ctx.insert(
        "moves",
        &moves.iter().map(|p| project_line(c, p)).collect::<Vec<_>>(),
    );

    let names = |refs: &[crate::diff::DeptRef]| {
        refs.iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    let depts: Vec<DeptLine> = d
        .departments
        .iter()
        .map(|x| {
            let name = if x.new.is_empty() {
                names(&x.old)
            } else {
                names(&x.new)
            };
            DeptLine {
                kind: if x.kind == Kind::Same {
                    ""
                } else {
                    x.kind.label()
                },
                was: match x.kind {
                    Kind::Renamed | Kind::Merged | Kind::Split => names(&x.old),
                    _ => String::new(),
                },
                href: match (x.new.first(), x.old.first()) {
                    (Some(r), _) => format!("{}/index.html", r.slug),
                    (None, Some(r)) => format!("../{}/{}/index.html", d.old.slug, r.slug),
                    _ => String::new(),
                },
                name,
                funds: delta(&x.funds),
                projects: format!("{} → {}", x.projects_old, x.projects_new),
            }
        })
        .collect();
    ctx.insert("departments", &depts);

    let group = |kinds: &[Kind]| -> Vec<ProjectLine> {
        d.projects
            .iter()
            .filter(|p| kinds.contains(&p.kind))
            .map(|p| project_line(c, p))
            .collect()
    };
    ctx.insert("added", &group(&[Kind::Added]));
    ctx.insert("dropped", &group(&[Kind::Dropped]));
    ctx.insert(
        "reshaped",
        &group(&[Kind::Renamed, Kind::Split, Kind::Merged]),
    );
    ctx.insert("changed", &group(&[Kind::Changed]));

    let targets = |v: Verdict| -> Vec<TargetLine> {
        d.targets(v)
            .map(|(p, i)| target_line(p, i, &project_href(c, p)))
            .collect()
    };
    ctx.insert("weaker", &targets(Verdict::Weaker));
    ctx.insert("stronger", &targets(Verdict::Stronger));
    ctx.insert("other_targets", &targets(Verdict::Changed));

    let finding_lines = |list: &[Finding], book: &str, here: bool| -> Vec<FindingLine> {
        list.iter()
            .map(|f| FindingLine {
                title: rules::rule(&f.rule)
                    .map(|r| r.title)
                    .unwrap_or("")
                    .to_string(),
                who: if f.project.is_empty() {
                    f.department.clone()
                } else {
                    format!("{} / {}", f.department, f.project)
                },
                href: match (f.project_slug.is_empty(), f.department_slug.is_empty()) {
                    (false, false) => format!(
                        "{}{}/{}.html",
                        if here {
                            String::new()
                        } else {
                            format!("../{book}/")
                        },
                        f.department_slug,
                        f.project_slug
                    ),
                    (true, false) => format!(
                        "{}{}/index.html",
                        if here {
                            String::new()
                        } else {
                            format!("../{book}/")
                        },
                        f.department_slug
                    ),
                    _ => String::new(),
                },
                message: f.message.clone(),
            })
            .collect()
    };
    ctx.insert(
        "findings_new",
        &finding_lines(&d.findings.new, &b.slug, true),
    );
    ctx.insert(
        "findings_resolved",
        &finding_lines(&d.findings.resolved, &d.old.slug, false),
    );
    render(tera, "changes.html", &ctx, &path)
}

/// A department page's line about its previous version.
#[derive(Serialize)]
pub(super) struct DeptMark {
    pub(super) previous_title: String,
    /// What happened to the department (`更名`, `合并`), empty when it is the same.
    pub(super) kind: &'static str,
    pub(super) was: String,
    pub(super) funds: Delta,
    pub(super) added: usize,
    pub(super) dropped: Vec<DroppedLine>,
    pub(super) weakened: usize,
    pub(super) strengthened: usize,
    pub(super) anchor: String,
}

#[derive(Serialize)]
pub(super) struct DroppedLine {
    pub(super) name: String,
    pub(super) href: String,
    pub(super) total: String,
}

pub(super) fn dept_mark(site: &Site, bi: usize, di: usize) -> Option<DeptMark> {
    let c = site.changes(bi)?;
    let d = &c.diff;
    let &i = c.dept.get(&di)?;
    let x = &d.departments[i];
    let in_dept = |p: &&ProjectChange| p.new.iter().any(|r| r.at.0 == di);
    let dropped = c
        .dropped
        .get(&di)
        .map(|v| {
            v.iter()
                .map(|&k| {
                    let p = &d.projects[k];
                    let r = &p.old[0];
                    DroppedLine {
                        name: r.name.clone(),
                        href: format!("../../{}/{}/{}.html", d.old.slug, r.department_slug, r.slug),
                        total: shown(p.total.old),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Some(DeptMark {
        previous_title: c.previous_title.clone(),
        kind: if matches!(x.kind, Kind::Same) {
            ""
        } else {
            x.kind.label()
        },
        was: match x.kind {
            Kind::Renamed | Kind::Merged | Kind::Split => x
                .old
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            _ => String::new(),
        },
        funds: delta(&x.funds),
        added: d
            .projects
            .iter()
            .filter(in_dept)
            .filter(|p| p.kind == Kind::Added)
            .count(),
        dropped,
        weakened: d.projects.iter().filter(in_dept).map(|p| p.weakened).sum(),
        strengthened: d
            .projects
            .iter()
            .filter(in_dept)
            .map(|p| p.strengthened)
            .sum(),
        anchor: format!("dept-{i}"),
    })
}

/// A small label on a project's row in its department's table.
#[derive(Serialize)]
pub(super) struct Badge {
    pub(super) class: &'static str,
    pub(super) text: String,
}

pub(super) fn project_badges(site: &Site, bi: usize, di: usize, pi: usize) -> Vec<Badge> {
    let Some(p) = site.changes(bi).and_then(|c| c.of_project(di, pi)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match p.kind {
        Kind::Changed => {}
        k => out.push(Badge {
            class: "kind",
            text: k.label().to_string(),
        }),
    }
    if p.moved {
        out.push(Badge {
            class: "kind",
            text: "调整部门".into(),
        });
    }
    if p.kind != Kind::Added && !p.total.is_zero() {
        out.push(Badge {
            class: if p.total.delta.is_some_and(|d| d > Decimal::ZERO) {
                "up"
            } else {
                "down"
            },
            text: format!("资金 {}", p.total.delta.map_or_else(String::new, signed)),
        });
    }
    if p.weakened > 0 {
        out.push(Badge {
            class: "weaker",
            text: format!("{} 项指标要求降低", p.weakened),
        });
    }
    if p.strengthened > 0 {
        out.push(Badge {
            class: "stronger",
            text: format!("{} 项指标要求提高", p.strengthened),
        });
    }
    out
}

/// A project page's box about its previous version: what happened, funds and targets
/// with the old value beside the new.
#[derive(Serialize)]
pub(super) struct ProjectMark {
    pub(super) previous_title: String,
    pub(super) kind: &'static str,
    pub(super) story: String,
    /// The previous version's page(s) of this project.
    pub(super) was: Vec<DroppedLine>,
    pub(super) funds: Vec<FundMark>,
    pub(super) goal_old: Option<String>,
    pub(super) targets: Vec<TargetLine>,
    pub(super) unchanged: bool,
}

#[derive(Serialize)]
pub(super) struct FundMark {
    pub(super) label: &'static str,
    #[serde(flatten)]
    pub(super) change: Delta,
}

pub(super) fn project_mark(site: &Site, bi: usize, di: usize, pi: usize) -> Option<ProjectMark> {
    let c = site.changes(bi)?;
    let d = &c.diff;
    let Some(p) = c.of_project(di, pi) else {
        // Matched and unchanged.
        return Some(ProjectMark {
            previous_title: c.previous_title.clone(),
            kind: "",
            story: String::new(),
            was: Vec::new(),
            funds: Vec::new(),
            goal_old: None,
            targets: Vec::new(),
            unchanged: true,
        });
    };
    let mut funds = Vec::new();
    if p.kind != Kind::Added {
        funds.push(FundMark {
            label: "资金总额",
            change: delta(&p.total),
        });
        funds.extend(p.funds.iter().map(|f| FundMark {
            label: f.label,
            change: delta(&f.change),
        }));
    }
    Some(ProjectMark {
        previous_title: c.previous_title.clone(),
        kind: p.kind.label(),
        story: story(p),
        was: p
            .old
            .iter()
            .map(|r| DroppedLine {
                name: r.name.clone(),
                href: format!("../../{}/{}/{}.html", d.old.slug, r.department_slug, r.slug),
                total: String::new(),
            })
            .collect(),
        funds,
        goal_old: p.goal.as_ref().map(|(o, _)| o.clone()),
        targets: p.indicators.iter().map(|i| target_line(p, i, "")).collect(),
        unchanged: false,
    })
}

/// The book overview's line about its previous version.
#[derive(Serialize)]
pub(super) struct BookMark {
    previous_title: String,
    previous_href: String,
    total: Delta,
    counts: crate::diff::Counts,
}

pub(super) fn book_mark(site: &Site, bi: usize) -> Option<BookMark> {
    let c = site.changes(bi)?;
    Some(BookMark {
        previous_title: c.previous_title.clone(),
        previous_href: format!("../{}/index.html", c.diff.old.slug),
        total: delta(&c.diff.total),
        counts: c.diff.counts.clone(),
    })
}
