//! Figures the pages and charts show: totals, funding sources, coverage, gaps, sizes.
//! Everything is exact (Decimal) and ordered as the document orders it.

use crate::amount::{format_amount, round2};
use crate::check::{BookFindings, Severity, rules};
use crate::model::{Book, Department, Level2, Project};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeSet;

/// Money sums of a set of projects, in the book's unit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sums {
    pub total: Decimal,
    pub fiscal: Decimal,
    pub fiscal_upper: Decimal,
    pub fiscal_own: Decimal,
    pub carry_over: Decimal,
    pub other: Decimal,
    /// Projects whose total could not be read or was not given (not in `total`).
    pub total_unreadable: usize,
    pub total_missing: usize,
}

impl Sums {
    pub fn add(&mut self, p: &Project) {
        let f = &p.funds;
        let v = |a: &crate::amount::Amount| a.value.unwrap_or(Decimal::ZERO);
        match f.total.value {
            Some(t) => self.total += t,
            None if f.total.is_unreadable() => self.total_unreadable += 1,
            None => self.total_missing += 1,
        }
        self.fiscal += v(&f.fiscal);
        self.fiscal_upper += v(&f.fiscal_upper);
        self.fiscal_own += v(&f.fiscal_own);
        self.carry_over += v(&f.carry_over);
        self.other += v(&f.other);
    }
}

/// Percentage with one decimal, half away from zero (`62.5%`); "—" when the base is 0.
pub fn percent(part: Decimal, whole: Decimal) -> String {
    if whole.is_zero() {
        return "—".into();
    }
    let p = (part * Decimal::from(100) / whole)
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{p:.1}%")
}

pub fn share(part: usize, whole: usize) -> Decimal {
    if whole == 0 {
        Decimal::ZERO
    } else {
        Decimal::from(part) / Decimal::from(whole)
    }
}

/// One department as the overview lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DeptRow {
    pub slug: String,
    pub name: String,
    pub code: String,
    pub unnamed: bool,
    pub projects: usize,
    pub indicators: usize,
    pub total: Decimal,
    pub total_text: String,
    pub share_text: String,
    /// Projects setting each 二级 category, in [`Level2::ALL`] order.
    pub coverage: Vec<usize>,
    pub findings: usize,
    pub has_overall: bool,
    /// Mean completeness of its projects, 0–100 (0 with no projects).
    pub completeness: u8,
}

/// Per-project figures for tables.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectRow {
    pub slug: String,
    pub name: String,
    pub total: Option<Decimal>,
    pub total_text: String,
    pub fiscal_text: String,
    pub other_text: String,
    pub indicators: usize,
    pub categories: Vec<bool>,
    pub categories_set: usize,
    pub findings: usize,
    pub errors: usize,
    pub placeholder: bool,
    /// Share of the elements the form asks for that are present, 0–100.
    pub completeness: u8,
}

pub fn amount_text(a: &crate::amount::Amount) -> String {
    match a.value {
        Some(v) => format_amount(v),
        None if a.is_unreadable() => format!("无法识别（{}）", a.raw),
        None => "—".into(),
    }
}

pub fn project_row(d: &Department, p: &Project, findings: &[crate::check::Finding]) -> ProjectRow {
    let cats = rules::categories(p);
    ProjectRow {
        slug: p.slug.clone(),
        name: p.name.clone(),
        total: p.funds.total.value,
        total_text: amount_text(&p.funds.total),
        fiscal_text: amount_text(&p.funds.fiscal),
        other_text: amount_text(&p.funds.other),
        indicators: p.indicators.iter().filter(|i| i.is_set()).count(),
        categories: Level2::ALL.iter().map(|c| cats.contains(c)).collect(),
        categories_set: cats.len(),
        findings: findings.len(),
        errors: findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        placeholder: p
            .flags
            .contains(&crate::model::ProjectFlag::PlaceholderName),
        completeness: rules::completeness(p, !d.unnamed),
    }
}

/// Mean completeness of a set of projects, rounded half up; 0 for none.
pub fn mean_completeness<'a>(projects: impl Iterator<Item = (&'a Department, &'a Project)>) -> u8 {
    let (sum, n) = projects.fold((0usize, 0usize), |(s, n), (d, p)| {
        (s + usize::from(rules::completeness(p, !d.unnamed)), n + 1)
    });
    if n == 0 {
        0
    } else {
        ((sum * 2 + n) / (2 * n)) as u8
    }
}

pub fn dept_row(d: &Department, book_total: Decimal, findings: usize) -> DeptRow {
    let mut sums = Sums::default();
    let mut coverage = vec![0usize; Level2::ALL.len()];
    for p in &d.projects {
        sums.add(p);
        let cats: BTreeSet<Level2> = rules::categories(p);
        for (i, c) in Level2::ALL.iter().enumerate() {
            if cats.contains(c) {
                coverage[i] += 1;
            }
        }
    }
    DeptRow {
        slug: d.slug.clone(),
        name: d.name.clone(),
        code: d.code.clone().unwrap_or_default(),
        unnamed: d.unnamed,
        projects: d.projects.len(),
        indicators: d
            .projects
            .iter()
            .map(|p| p.indicators.iter().filter(|i| i.is_set()).count())
            .sum(),
        total: sums.total,
        total_text: format_amount(sums.total),
        share_text: percent(sums.total, book_total),
        coverage,
        findings,
        has_overall: d.overall.is_some(),
        completeness: mean_completeness(d.projects.iter().map(|p| (d, p))),
    }
}

/// A bar of the gaps chart: one rule, how many projects it concerns.
#[derive(Debug, Clone, Serialize)]
pub struct GapRow {
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    pub severity_label: String,
    pub projects: usize,
    pub share_text: String,
}

pub fn gap_rows(book: &Book, findings: &BookFindings) -> Vec<GapRow> {
    let n = book.project_count();
    // Rule → (projects it concerns, its severity as configured), in one pass.
    let mut per_rule: std::collections::HashMap<&str, (usize, Severity)> = Default::default();
    for fs in findings.projects.iter().flatten() {
        let mut seen = BTreeSet::new();
        for f in fs {
            if seen.insert(f.rule.as_str()) {
                per_rule.entry(f.rule.as_str()).or_insert((0, f.severity)).0 += 1;
            }
        }
    }
    rules::RULES
        .iter()
        .filter_map(|r| {
            let &(count, severity) = per_rule.get(r.id)?;
            Some(GapRow {
                rule: r.id.to_string(),
                title: r.title.to_string(),
                severity,
                severity_label: severity.label().to_string(),
                projects: count,
                share_text: percent(Decimal::from(count), Decimal::from(n)),
            })
        })
        .collect()
}

/// How concentrated the money is: projects sorted by size, and the share the largest
/// tenth, quarter and half hold.
#[derive(Debug, Clone, Serialize)]
pub struct SizeStats {
    pub counted: usize,
    pub largest_text: String,
    pub median_text: String,
    pub top: Vec<(String, String)>,
    /// Histogram buckets (label, count) on a 1-2-5 scale of 万元 (whatever the book's unit:
    /// the scale is about project size, and 万元 is how the forms speak of it).
    pub buckets: Vec<(String, usize)>,
    /// Cumulative share of money by rank (for the concentration curve), 0..=100.
    #[serde(skip)]
    pub curve: Vec<(f64, f64)>,
}

pub fn size_stats(book: &Book) -> SizeStats {
    let mut totals: Vec<Decimal> = book
        .projects()
        .filter_map(|(_, p)| p.funds.total.value)
        .collect();
    totals.sort_by(|a, b| b.cmp(a));
    let sum: Decimal = totals.iter().copied().sum();
    let n = totals.len();
    let top_share = |frac_num: usize, frac_den: usize, label: &str| {
        let k = (n * frac_num).div_ceil(frac_den).max(1).min(n.max(1));
        let s: Decimal = totals.iter().take(k).copied().sum();
        (format!("{label}（{k} 个项目）"), percent(s, sum))
    };
    let top = if n == 0 {
        Vec::new()
    } else {
        vec![
            top_share(1, 10, "最大的 10%"),
            top_share(1, 4, "最大的 25%"),
            top_share(1, 2, "最大的 50%"),
        ]
    };
    let edges: [(Decimal, &str); 7] = [
        (Decimal::from(1), "1 万元以下"),
        (Decimal::from(10), "1–10 万元"),
        (Decimal::from(50), "10–50 万元"),
        (Decimal::from(100), "50–100 万元"),
        (Decimal::from(500), "100–500 万元"),
        (Decimal::from(1000), "500–1000 万元"),
        (Decimal::MAX, "1000 万元及以上"),
    ];
    let mut buckets: Vec<(String, usize)> = edges.iter().map(|(_, l)| (l.to_string(), 0)).collect();
    for t in &totals {
        let i = edges
            .iter()
            .position(|(e, _)| book.unit.to_wan(*t) < *e)
            .unwrap_or(edges.len() - 1);
        buckets[i].1 += 1;
    }
    let mut curve = Vec::with_capacity(n + 1);
    curve.push((0.0, 0.0));
    let mut acc = Decimal::ZERO;
    for (i, t) in totals.iter().enumerate() {
        acc += *t;
        let x = (i + 1) as f64 * 100.0 / n as f64;
        let y = if sum.is_zero() {
            0.0
        } else {
            decimal_f64(acc * Decimal::from(100) / sum)
        };
        curve.push((x, y));
    }
    SizeStats {
        counted: n,
        largest_text: totals
            .first()
            .map(|d| format_amount(*d))
            .unwrap_or_else(|| "—".into()),
        median_text: if n == 0 {
            "—".into()
        } else {
            format_amount(round2(totals[n / 2]))
        },
        top,
        buckets,
        curve,
    }
}

/// Chart coordinates only: drawing positions need floats, figures shown never do.
pub fn decimal_f64(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(0.0)
}
