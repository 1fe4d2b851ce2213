//! What changed between two versions of a book: a draft round against the last, the
//! approved budget against its draft, this year against last year. Departments and
//! projects are matched by identity ([`matching`]); amounts are compared exactly in the
//! new book's unit; targets are judged on their parsed form ([`target`]); findings are
//! compared by rule and by the matched project they are about.

pub mod markdown;
pub mod matching;
pub mod side;
pub mod target;
pub mod text;

use crate::amount::Unit;
use crate::check::{BookFindings, Finding};
use crate::model::{Book, Department, FundKind, Indicator, Project};
use matching::{At, MatchedBy};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;
pub use target::Verdict;

/// The whole comparison, ready to print or render.
#[derive(Debug, Clone, Serialize)]
pub struct BookDiff {
    pub old: BookSide,
    pub new: BookSide,
    /// Every amount below is in this unit (the new book's).
    pub unit: &'static str,
    pub total: Change,
    pub counts: Counts,
    pub departments: Vec<DepartmentChange>,
    /// Projects that changed, were added, dropped, split or merged; unchanged ones are
    /// only counted.
    pub projects: Vec<ProjectChange>,
    pub findings: FindingChanges,
}

#[derive(Debug, Clone, Serialize)]
pub struct BookSide {
    pub slug: String,
    pub title: String,
    pub year: Option<u16>,
    pub stage: &'static str,
    pub departments: usize,
    pub projects: usize,
}

/// An amount before and after, and the exact difference (`None` where a side has no
/// readable amount).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Change {
    #[serde(with = "rust_decimal::serde::str_option")]
    pub old: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub new: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub delta: Option<Decimal>,
}

impl Change {
    fn of(old: Option<Decimal>, new: Option<Decimal>) -> Change {
        let delta = match (old, new) {
            (Some(a), Some(b)) => Some(b - a),
            (None, Some(b)) => Some(b),
            (Some(a), None) => Some(-a),
            (None, None) => None,
        };
        // Exact, and written without trailing zeros (a unit conversion adds scale).
        let n = |d: Option<Decimal>| d.map(|d| d.normalize());
        Change {
            old: n(old),
            new: n(new),
            delta: n(delta),
        }
    }
    pub fn is_zero(&self) -> bool {
        self.delta.is_none_or(|d| d.is_zero())
    }
    /// Size of the move, for ordering.
    pub fn size(&self) -> Decimal {
        self.delta.map_or(Decimal::ZERO, |d| d.abs())
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub projects_added: usize,
    pub projects_dropped: usize,
    pub projects_changed: usize,
    pub projects_unchanged: usize,
    pub projects_renamed: usize,
    pub projects_moved: usize,
    pub projects_split: usize,
    pub projects_merged: usize,
    pub departments_added: usize,
    pub departments_dropped: usize,
    pub departments_renamed: usize,
    pub departments_merged: usize,
    pub departments_split: usize,
    pub targets_weakened: usize,
    pub targets_strengthened: usize,
    pub targets_changed: usize,
    pub findings_new: usize,
    pub findings_resolved: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Same,
    Changed,
    Renamed,
    Added,
    Dropped,
    Split,
    Merged,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Same => "未变",
            Kind::Changed => "有变化",
            Kind::Renamed => "更名",
            Kind::Added => "新增",
            Kind::Dropped => "删除",
            Kind::Split => "拆分",
            Kind::Merged => "合并",
        }
    }
}

/// A department (or the group of departments that are one body across the versions).
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentChange {
    pub kind: Kind,
    pub by: Option<MatchedBy>,
    pub old: Vec<DeptRef>,
    pub new: Vec<DeptRef>,
    pub funds: Change,
    pub projects_old: usize,
    pub projects_new: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeptRef {
    #[serde(skip)]
    pub index: usize,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectChange {
    pub kind: Kind,
    pub by: Option<MatchedBy>,
    /// In another department than before (matched by name across the book).
    pub moved: bool,
    pub old: Vec<ProjectRef>,
    pub new: Vec<ProjectRef>,
    /// 资金总额, before and after (summed over the pieces of a split or merge).
    pub total: Change,
    /// Every other funds row that moved.
    pub funds: Vec<FundChange>,
    /// The year's goal, where its text changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<(String, String)>,
    pub indicators: Vec<IndicatorChange>,
    pub weakened: usize,
    pub strengthened: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectRef {
    #[serde(skip)]
    pub at: At,
    pub department: String,
    pub department_slug: String,
    pub name: String,
    pub slug: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FundChange {
    pub kind: FundKind,
    pub label: &'static str,
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorChange {
    /// 二级指标 (or 一级) as the new version (else the old) names it.
    pub category: String,
    pub name: String,
    /// The old name where the indicator was renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    pub verdict: Verdict,
    /// Why, in neutral words (`目标值降低`, `删除了满意度指标`).
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingChanges {
    pub new: Vec<Finding>,
    pub resolved: Vec<Finding>,
}

/// Compare two versions of a book, with their findings (give the published ones for
/// the public site, all of them for reviewers).
pub fn diff_books(
    old: &Book,
    old_findings: &BookFindings,
    new: &Book,
    new_findings: &BookFindings,
) -> BookDiff {
    let m = matching::match_books(old, new);
    // This year's book against last year's: the years in its texts roll forward.
    let years = matches!((old.year, new.year), (Some(a), Some(b)) if a != b);
    let same = |a: &str, b: &str| same_text(a, b, years);
    // Department group of each department, per side: a project moved when its old and
    // new departments are not one body.
    let mut old_group = vec![usize::MAX; old.departments.len()];
    let mut new_group = vec![usize::MAX; new.departments.len()];
    for (g, l) in m.departments.iter().enumerate() {
        l.old.iter().for_each(|&d| old_group[d] = g);
        l.new.iter().for_each(|&d| new_group[d] = g);
    }
    let unit = new.unit;
    let amount = |b: &Book, p: &Project, k: FundKind| {
        p.funds
            .get(k)
            .and_then(|a| a.value)
            .map(|v| convert(v, b.unit, unit))
    };
    let mut counts = Counts::default();

    // Sums of the amounts that could be read (an unreadable total adds nothing, as on
    // the site's own totals).
    let dept_total = |b: &Book, d: &Department| -> Decimal {
        d.projects
            .iter()
            .filter_map(|p| amount(b, p, FundKind::Total))
            .sum()
    };
    let departments: Vec<DepartmentChange> = m
        .departments
        .iter()
        .map(|l| {
            let kind = match (l.old.len(), l.new.len()) {
                (0, _) => Kind::Added,
                (_, 0) => Kind::Dropped,
                (1, 1) => {
                    let (o, n) = (&old.departments[l.old[0]], &new.departments[l.new[0]]);
                    if crate::import::departments::normalise(&o.name)
                        == crate::import::departments::normalise(&n.name)
                        || l.by == Some(MatchedBy::Name)
                    {
                        Kind::Same
                    } else {
                        Kind::Renamed
                    }
                }
                (_, 1) => Kind::Merged,
                _ => Kind::Split,
            };
            match kind {
                Kind::Added => counts.departments_added += 1,
                Kind::Dropped => counts.departments_dropped += 1,
                Kind::Renamed => counts.departments_renamed += 1,
                Kind::Merged => counts.departments_merged += 1,
                Kind::Split => counts.departments_split += 1,
                _ => {}
            }
            let sum = |b: &Book, ix: &[usize]| -> Option<Decimal> {
                if ix.is_empty() {
                    return None;
                }
                Some(ix.iter().map(|&i| dept_total(b, &b.departments[i])).sum())
            };
            DepartmentChange {
                kind,
                by: l.by,
                old: l.old.iter().map(|&i| dept_ref(old, i)).collect(),
                new: l.new.iter().map(|&i| dept_ref(new, i)).collect(),
                funds: Change::of(sum(old, &l.old), sum(new, &l.new)),
                projects_old: l
                    .old
                    .iter()
                    .map(|&i| old.departments[i].projects.len())
                    .sum(),
                projects_new: l
                    .new
                    .iter()
                    .map(|&i| new.departments[i].projects.len())
                    .sum(),
            }
        })
        .collect();

    // Each link compared on its own, in parallel; counted after, in order.
    let compared: Vec<Option<ProjectChange>> = m
        .projects
        .par_iter()
        .map(|l| {
            let renamed = |o: At, n: At| !same(&proj(old, o).name, &proj(new, n).name);
            let kind = match (l.old.len(), l.new.len(), l.by) {
                (0, _, _) => Kind::Added,
                (_, 0, _) => Kind::Dropped,
                (1, 1, Some(MatchedBy::Content)) if renamed(l.old[0], l.new[0]) => Kind::Renamed,
                (1, 1, _) => Kind::Changed,
                (_, 1, _) => Kind::Merged,
                _ => Kind::Split,
            };
            let total_of = |b: &Book, ats: &[At]| -> Option<Decimal> {
                if ats.is_empty() {
                    return None;
                }
                ats.iter()
                    .map(|&a| amount(b, proj(b, a), FundKind::Total))
                    .sum()
            };
            let total = Change::of(total_of(old, &l.old), total_of(new, &l.new));
            let mut change = ProjectChange {
                kind,
                by: l.by,
                moved: false,
                old: l.old.iter().map(|&a| project_ref(old, a)).collect(),
                new: l.new.iter().map(|&a| project_ref(new, a)).collect(),
                total,
                funds: Vec::new(),
                goal: None,
                indicators: Vec::new(),
                weakened: 0,
                strengthened: 0,
            };
            if let ([o], [n]) = (&l.old[..], &l.new[..]) {
                let (po, pn) = (proj(old, *o), proj(new, *n));
                // Into another body; or, within departments split or merged, from one that
                // goes on under its name to another that does (红十字会 leaving 卫生健康局),
                // not from two merged into a new one.
                let name = |d: &Department| crate::import::departments::normalise(&d.name);
                let group = &m.departments[new_group[n.0]];
                let (from, to) = (name(&old.departments[o.0]), name(&new.departments[n.0]));
                change.moved = old_group[o.0] != new_group[n.0]
                    || group.old.len() + group.new.len() > 2
                        && from != to
                        && (group.new.iter().any(|&d| name(&new.departments[d]) == from)
                            || group.old.iter().any(|&d| name(&old.departments[d]) == to));
                for k in FundKind::SOURCES {
                    let c = Change::of(amount(old, po, k), amount(new, pn, k));
                    if c.old != c.new && (c.old.is_some() || c.new.is_some()) {
                        change.funds.push(FundChange {
                            kind: k,
                            label: k.label(),
                            change: c,
                        });
                    }
                }
                let (go, gn) = (
                    po.goal.clone().unwrap_or_default(),
                    pn.goal.clone().unwrap_or_default(),
                );
                if !same(&go, &gn) {
                    change.goal = Some((go, gn));
                }
                change.indicators = indicator_changes(&po.indicators, &pn.indicators, years);
                let names_differ = !same(&po.name, &pn.name);
                if kind == Kind::Changed
                    && change.total.old == change.total.new
                    && change.funds.is_empty()
                    && change.goal.is_none()
                    && change.indicators.is_empty()
                    && !change.moved
                    && !names_differ
                {
                    return None;
                }
            }
            for i in &change.indicators {
                match i.verdict {
                    Verdict::Weaker => change.weakened += 1,
                    Verdict::Stronger => change.strengthened += 1,
                    Verdict::Changed => {}
                }
            }
            Some(change)
        })
        .collect();
    let mut projects = Vec::new();
    for change in compared {
        let Some(change) = change else {
            counts.projects_unchanged += 1;
            continue;
        };
        counts.targets_changed += change.indicators.len() - change.weakened - change.strengthened;
        counts.targets_weakened += change.weakened;
        counts.targets_strengthened += change.strengthened;
        match change.kind {
            Kind::Added => counts.projects_added += 1,
            Kind::Dropped => counts.projects_dropped += 1,
            Kind::Renamed => counts.projects_renamed += 1,
            Kind::Split => counts.projects_split += 1,
            Kind::Merged => counts.projects_merged += 1,
            _ => counts.projects_changed += 1,
        }
        if change.moved {
            counts.projects_moved += 1;
        }
        projects.push(change);
    }

    let findings = finding_changes(&m, old_findings, new_findings, years);
    counts.findings_new = findings.new.len();
    counts.findings_resolved = findings.resolved.len();
    let book_total = |b: &Book| -> Option<Decimal> {
        Some(
            b.projects()
                .filter_map(|(_, p)| amount(b, p, FundKind::Total))
                .sum(),
        )
    };
    BookDiff {
        old: side(old),
        new: side(new),
        unit: unit.label(),
        total: Change::of(book_total(old), book_total(new)),
        counts,
        departments,
        projects,
        findings,
    }
}

/// An amount of unit `from` in unit `to`, exactly (万元 ↔ 元 is a power of ten).
fn convert(v: Decimal, from: Unit, to: Unit) -> Decimal {
    to.from_wan(from.to_wan(v))
}

fn side(b: &Book) -> BookSide {
    BookSide {
        slug: b.slug.clone(),
        title: b.title.clone(),
        year: b.year,
        stage: b.stage.label(),
        departments: b.departments.len(),
        projects: b.project_count(),
    }
}

fn dept_ref(b: &Book, i: usize) -> DeptRef {
    let d = &b.departments[i];
    DeptRef {
        index: i,
        slug: d.slug.clone(),
        name: d.name.clone(),
    }
}

fn proj(b: &Book, at: At) -> &Project {
    &b.departments[at.0].projects[at.1]
}

fn project_ref(b: &Book, at: At) -> ProjectRef {
    let d = &b.departments[at.0];
    let p = &d.projects[at.1];
    ProjectRef {
        at,
        department: d.name.clone(),
        department_slug: d.slug.clone(),
        name: p.name.clone(),
        slug: p.slug.clone(),
    }
}

fn category(i: &Indicator) -> String {
    match (i.level2_category, i.level1_category) {
        (Some(c), _) => c.label().to_string(),
        (None, Some(c)) => c.label().to_string(),
        _ if !i.level2.is_empty() => i.level2.clone(),
        _ => i.level1.clone(),
    }
}

/// Two texts read the same: equal, or equal once folded (full-width, spaces) and, year
/// on year, without their years.
fn same_text(a: &str, b: &str, years: bool) -> bool {
    a == b
        || crate::text::key(&matching::without_years(a, years))
            == crate::text::key(&matching::without_years(b, years))
}

fn indicator_changes(old: &[Indicator], new: &[Indicator], years: bool) -> Vec<IndicatorChange> {
    // Most projects of a later round keep their indicators as they were.
    let as_written = |a: &Indicator, b: &Indicator| {
        a.level1_category == b.level1_category
            && a.level2_category == b.level2_category
            && a.level2 == b.level2
            && a.name == b.name
            && a.value == b.value
            && a.operator == b.operator
            && a.unit == b.unit
    };
    if old.len() == new.len() && old.iter().zip(new).all(|(a, b)| as_written(a, b)) {
        return Vec::new();
    }
    let same = |a: &str, b: &str| same_text(a, b, years);
    matching::match_indicators(old, new, years)
        .into_iter()
        .filter_map(|pair| {
            let (verdict, reason) = match pair {
                (Some(o), Some(n)) => {
                    if same(&o.value, &n.value) && o.operator == n.operator && o.unit == n.unit {
                        if same(&o.name, &n.name) {
                            return None;
                        }
                        (Verdict::Changed, "指标名称改变".to_string())
                    } else {
                        target::compare(o, n)
                    }
                }
                (None, Some(n)) => (Verdict::Stronger, format!("新增{}指标", category(n))),
                (Some(o), None) if o.level1_category.is_some() => {
                    (Verdict::Weaker, format!("删除了{}指标", category(o)))
                }
                (Some(_), None) => (Verdict::Changed, "删除了未归类的指标".to_string()),
                (None, None) => return None,
            };
            let (o, n) = pair;
            let shown = n.or(o)?;
            Some(IndicatorChange {
                category: category(shown),
                name: shown.name.clone(),
                old_name: match (o, n) {
                    (Some(o), Some(n)) if !same(&o.name, &n.name) => Some(o.name.clone()),
                    _ => None,
                },
                old: o.map(value_text),
                new: n.map(value_text),
                verdict,
                reason,
            })
        })
        .collect()
}

/// The value as it reads, with the form's sign and unit columns where it has them.
fn value_text(i: &Indicator) -> String {
    let mut s = String::new();
    if !i.operator.is_empty() && !crate::check::values::has_comparison(&i.value) {
        s.push_str(&i.operator);
    }
    s.push_str(&i.value);
    if !i.unit.is_empty() && !i.value.ends_with(&i.unit) {
        s.push_str(&i.unit);
    }
    s
}

/// What a finding is about, in link numbers shared by both sides.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum About {
    Book,
    Department(usize),
    Project(usize),
}

/// Findings that appeared or went away. A finding is the same across versions when its
/// rule and what it is about (the book, a department or project as matched, split and
/// merged ones as one) are the same and its message reads the same (years blanked year
/// on year); then, of those left, the same rule about the same thing reworded (an amount
/// in the message moved) is still the same finding.
fn finding_changes(
    m: &matching::Matching,
    old_findings: &BookFindings,
    new_findings: &BookFindings,
    years: bool,
) -> FindingChanges {
    let mut old_dept = HashMap::new();
    let mut new_dept = HashMap::new();
    for (g, l) in m.departments.iter().enumerate() {
        old_dept.extend(l.old.iter().map(|&d| (d, g)));
        new_dept.extend(l.new.iter().map(|&d| (d, g)));
    }
    let mut old_proj = HashMap::new();
    let mut new_proj = HashMap::new();
    for (g, l) in m.projects.iter().enumerate() {
        old_proj.extend(l.old.iter().map(|&a| (a, g)));
        new_proj.extend(l.new.iter().map(|&a| (a, g)));
    }
    fn gather<'f>(
        b: &'f BookFindings,
        dept: &HashMap<usize, usize>,
        proj: &HashMap<At, usize>,
    ) -> Vec<(About, &'f Finding)> {
        let mut out: Vec<(About, &Finding)> =
            b.book_level.iter().map(|f| (About::Book, f)).collect();
        for (di, fs) in b.departments.iter().enumerate() {
            let about = About::Department(dept.get(&di).copied().unwrap_or(usize::MAX));
            out.extend(fs.iter().map(|f| (about, f)));
        }
        for (di, ps) in b.projects.iter().enumerate() {
            for (pi, fs) in ps.iter().enumerate() {
                let about = About::Project(proj.get(&(di, pi)).copied().unwrap_or(usize::MAX));
                out.extend(fs.iter().map(|f| (about, f)));
            }
        }
        out
    }
    let olds = gather(old_findings, &old_dept, &old_proj);
    let news = gather(new_findings, &new_dept, &new_proj);
    let message = |f: &Finding| crate::text::key(&matching::without_years(&f.message, years));
    let mut old_left = vec![true; olds.len()];
    let mut new_left = vec![true; news.len()];
    // Two passes: same words, then same rule and subject.
    for worded in [true, false] {
        let mut wanted: HashMap<(About, &str, Option<String>), Vec<usize>> = HashMap::new();
        for (i, (about, f)) in olds.iter().enumerate().rev().filter(|(i, _)| old_left[*i]) {
            let key = (*about, f.rule.as_str(), worded.then(|| message(f)));
            wanted.entry(key).or_default().push(i);
        }
        for (j, (about, f)) in news.iter().enumerate() {
            if !new_left[j] {
                continue;
            }
            let key = (*about, f.rule.as_str(), worded.then(|| message(f)));
            if let Some(i) = wanted.get_mut(&key).and_then(Vec::pop) {
                old_left[i] = false;
                new_left[j] = false;
            }
        }
    }
    FindingChanges {
        new: news
            .iter()
            .zip(&new_left)
            .filter(|(_, left)| **left)
            .map(|((_, f), _)| (*f).clone())
            .collect(),
        resolved: olds
            .iter()
            .zip(&old_left)
            .filter(|(_, left)| **left)
            .map(|((_, f), _)| (*f).clone())
            .collect(),
    }
}

/// What `--fail-on` can ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A target was weakened.
    Weakened,
    /// A project was dropped.
    Dropped,
    /// A finding appeared.
    Findings,
    /// Any change at all.
    Any,
}

impl BookDiff {
    pub fn fails(&self, on: FailOn) -> bool {
        let c = &self.counts;
        match on {
            FailOn::Weakened => c.targets_weakened > 0,
            FailOn::Dropped => c.projects_dropped > 0,
            FailOn::Findings => c.findings_new > 0,
            FailOn::Any => {
                !self.projects.is_empty()
                    || !self.total.is_zero()
                    || c.findings_new + c.findings_resolved > 0
            }
        }
    }

    /// The largest moves of funds among changed projects, biggest first.
    pub fn largest_moves(&self, n: usize) -> Vec<&ProjectChange> {
        let mut v: Vec<&ProjectChange> = self
            .projects
            .iter()
            .filter(|p| !p.total.is_zero())
            .collect();
        v.sort_by_key(|p| std::cmp::Reverse(p.total.size()));
        v.truncate(n);
        v
    }

    /// Indicators judged `verdict`, each with its project, in project order.
    pub fn targets(
        &self,
        verdict: Verdict,
    ) -> impl Iterator<Item = (&ProjectChange, &IndicatorChange)> {
        self.projects.iter().flat_map(move |p| {
            p.indicators
                .iter()
                .filter(move |i| i.verdict == verdict)
                .map(move |i| (p, i))
        })
    }

    /// Projects with a weakened target, in project order.
    pub fn weakened(&self) -> impl Iterator<Item = &ProjectChange> {
        self.projects.iter().filter(|p| p.weakened > 0)
    }
}

/// `+55.00`, `-12.50`, `0.00`: a difference as shown (two places, half away from zero).
pub fn signed(d: Decimal) -> String {
    let s = crate::amount::format_amount(d);
    if crate::amount::round2(d) > Decimal::ZERO {
        format!("+{s}")
    } else {
        s
    }
}

/// An amount as shown, `—` where a side has none.
pub fn shown(d: Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_string(), crate::amount::format_amount)
}

/// `部门 / 项目` of a change, the new side's where it has one.
pub fn project_label(p: &ProjectChange) -> String {
    let refs = if p.new.is_empty() { &p.old } else { &p.new };
    refs.iter()
        .map(|r| format!("{} / {}", r.department, r.name))
        .collect::<Vec<_>>()
        .join("；")
}
